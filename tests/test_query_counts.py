"""SQL query counts of the main pages: a page must not grow a query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory, SiteFactory


def count_queries(client, url):
    """The queries of a page seen again: the first visit of a network also writes the
    session (the network is remembered once, not on every page)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_network_home_queries_do_not_grow_with_sites(client):
    network = NetworkFactory()
    member = MembershipFactory(network=network)
    SiteFactory(network=network)
    client.force_login(member.user)
    url = f"/r/{network.slug}/"
    with_one = count_queries(client, url)
    for _ in range(5):
        SiteFactory(network=network)
    assert count_queries(client, url) == with_one


@pytest.mark.django_db
def test_catalog_page_query_count(client, django_assert_num_queries):
    member = MembershipFactory()
    client.force_login(member.user)
    client.get("/catalogue/?q=impot")  # warm the search index
    # session, user, themes, their needs, the needs' operators; the search index is cached
    with django_assert_num_queries(5):
        response = client.get("/catalogue/?q=impot")
    assert response.status_code == 200
    assert response.text.count('class="result"') >= 1


@pytest.mark.django_db
def test_api_sites_is_one_query(client, django_assert_num_queries, settings):
    settings.API_RATE_LIMIT = 0  # the limiter's own queries are not the endpoint's
    for _ in range(4):
        SiteFactory()
    with django_assert_num_queries(1):
        assert len(client.get("/api/v1/sites").json()["results"]) == 4


@pytest.mark.django_db
def test_today_at_the_desk_queries_do_not_grow_with_rows(client):
    """orientation:today: permanences, bookings, sessions, people and their marks."""
    import datetime

    from django.utils import timezone

    from aiguillage.agenda.contact import Visitor
    from aiguillage.agenda.recurrence import PARIS
    from aiguillage.agenda.services.appointments import book_slot
    from aiguillage.agenda.services.workshops import register
    from tests.agenda.factories import UpcomingPermanenceFactory, WorkshopFactory

    today = timezone.localdate()
    site = SiteFactory()
    member = MembershipFactory(network=site.network, coordinator=True)
    client.force_login(member.user)
    before = timezone.now() - datetime.timedelta(days=1)  # booked the day before

    def add_rows(n):
        permanence = UpcomingPermanenceFactory(site=site, first_day=today, seats_per_slot=3)
        for slot in permanence.slots.all():
            for k in range(2):
                book_slot(
                    slot=slot, visitor=Visitor(first_name=f"P{n}{k}"), need=None,
                    channel="desk", now=before,
                )  # fmt: skip
        start = datetime.datetime.combine(today, datetime.time(14 + n), tzinfo=PARIS)
        workshop = WorkshopFactory(site=site, starts_at=start)
        for k in range(3):
            register(workshop=workshop, visitor=Visitor(first_name=f"W{n}{k}"), channel="desk",
                     now=before)  # fmt: skip

    url = f"/r/{site.network.slug}/orientation/aujourdhui/?voir=tous"
    add_rows(0)
    with_one = count_queries(client, url)
    add_rows(1)
    add_rows(2)
    assert count_queries(client, url) == with_one


@pytest.mark.django_db
def test_the_desk_seen_again_writes_nothing(client):
    """Reading the desk never writes: the network and the working site are remembered
    in the session only when they change (issue 16: every desk request wrote its
    session, a write transaction that on SQLite locks the whole database)."""
    network = NetworkFactory()
    site = SiteFactory(network=network)
    member = MembershipFactory(network=network)
    client.force_login(member.user)
    url = f"/r/{network.slug}/orientation/?q=impots&site={site.slug}"
    assert client.get(url).status_code == 200  # the first visit remembers them
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
