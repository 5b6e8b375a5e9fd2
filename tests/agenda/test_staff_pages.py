"""Staff agenda pages: who may open which, other networks' rows are 404, the day, week
and month show what is booked and what is free, in a bounded number of queries."""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Channel, Occurrence, Slot
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.permanences import cancel_occurrence
from aiguillage.agenda.services.workshops import register
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import (
    UpcomingPermanenceFactory,
    UpcomingStaffPermanenceFactory,
    UpcomingWorkshopFactory,
    in_days,
)
from tests.core.factories import SiteFactory
from tests.test_query_counts import count_queries

pytestmark = pytest.mark.django_db


def url(name, network, **kwargs):
    return reverse(f"agenda:{name}", kwargs={"network_slug": network.slug, **kwargs})


def book(slot, first_name="Awa", **contact):
    contact = contact or {"email": f"{first_name.lower()}@example.org"}
    return book_slot(
        slot=slot,
        visitor=Visitor(first_name=first_name, **contact),
        need=None,
        channel=Channel.DESK,
        now=timezone.now(),
    )


@pytest.fixture
def site():
    return SiteFactory(name="Médiathèque de Lodève")


@pytest.fixture
def network(site):
    return site.network


@pytest.fixture
def permanence(site):
    return UpcomingPermanenceFactory(site=site, title="Impôts : aide à la déclaration")


@pytest.fixture
def workshop(site):
    return UpcomingWorkshopFactory(site=site, title="Premiers pas sur smartphone")


@pytest.fixture
def rows(permanence, workshop):
    """One object of each kind the pages take, all in ``permanence``'s network."""
    slot = permanence.slots.order_by("starts_at").first()
    appointment = book(slot)
    registration = register(
        workshop=workshop,
        visitor=Visitor(first_name="Louis", email="louis@example.org"),
        channel=Channel.DESK,
        now=timezone.now(),
    )
    return {
        "permanence_id": permanence.pk,
        "occurrence_id": slot.occurrence_id,
        "slot_id": slot.pk,
        "appointment_id": appointment.pk,
        "workshop_id": workshop.pk,
        "registration_id": registration.pk,
        "session_id": workshop.sessions.get().pk,
    }


READ_PAGES = [
    ("day", ()),
    ("week", ()),
    ("month", ()),
    ("permanences", ()),
    ("permanence_detail", ("permanence_id",)),
    ("slot_book", ("slot_id",)),
    ("appointment_detail", ("appointment_id",)),
    ("appointment_cancel", ("appointment_id",)),
    ("workshops", ()),
    ("workshop_detail", ("workshop_id",)),
    ("workshop_register", ("workshop_id",)),
    ("workshop_sheet", ("workshop_id",)),
    ("registration_cancel", ("registration_id",)),
    ("session_attendance", ("session_id",)),
]
EDIT_PAGES = [
    ("permanence_new", ()),
    ("permanence_edit", ("permanence_id",)),
    ("occurrence_cancel", ("occurrence_id",)),
    ("workshop_new", ()),
    ("workshop_edit", ("workshop_id",)),
]


@pytest.mark.parametrize("role", ["volunteer", "partner_agent", "librarian"])
@pytest.mark.parametrize("name,params", READ_PAGES)
def test_every_member_opens_the_agenda_pages(client, network, rows, role, name, params):
    member = MembershipFactory(network=network, role=role, is_salaried=role != "volunteer")
    client.force_login(member.user)
    response = client.get(url(name, network, **{p: rows[p] for p in params}))
    assert response.status_code == 200
    assert b"<h1>" in response.content


@pytest.mark.parametrize("role", ["coordinator", "librarian", "digital_mediator"])
@pytest.mark.parametrize("name,params", EDIT_PAGES)
def test_editors_open_the_edit_pages(client, network, rows, role, name, params):
    client.force_login(MembershipFactory(network=network, role=role).user)
    assert client.get(url(name, network, **{p: rows[p] for p in params})).status_code == 200


@pytest.mark.parametrize("name,params", EDIT_PAGES)
def test_volunteers_and_partner_agents_may_not_edit(client, network, rows, name, params):
    for member in (
        MembershipFactory(network=network, volunteer=True),
        MembershipFactory(network=network, role="partner_agent"),
    ):
        client.force_login(member.user)
        target = url(name, network, **{p: rows[p] for p in params})
        assert client.get(target).status_code == 403
        assert client.post(target, {"title": "x", "reason": "x"}).status_code == 403


def test_edit_buttons_are_hidden_from_volunteers(client, network, rows):
    client.force_login(MembershipFactory(network=network, volunteer=True).user)
    day = client.get(url("day", network) + f"?date={in_days(7):%Y-%m-%d}").text
    assert "Réserver" in day
    assert "Annuler cette date" not in day
    detail = client.get(url("permanence_detail", network, permanence_id=rows["permanence_id"]))
    assert "Modifier la permanence" not in detail.text
    assert "Nouvel atelier" not in client.get(url("workshops", network)).text
    client.force_login(MembershipFactory(network=network).user)  # a librarian
    assert "Annuler cette date" in client.get(url("day", network) + f"?date={in_days(7)}").text


@pytest.mark.parametrize("name,params", [p for p in READ_PAGES + EDIT_PAGES if p[1]])
def test_another_networks_rows_are_404_under_ones_own_network(client, rows, name, params):
    other = SiteFactory()  # a second network, with its own member
    member = MembershipFactory(network=other.network, coordinator=True)
    client.force_login(member.user)
    target = url(name, other.network, **{p: rows[p] for p in params})
    assert client.get(target).status_code == 404
    assert client.post(target).status_code == 404


@pytest.mark.parametrize("name,param", [("appointment_attendance", "appointment_id")])
def test_another_networks_actions_are_404(client, rows, name, param):
    other = SiteFactory()
    client.force_login(MembershipFactory(network=other.network).user)
    response = client.post(url(name, other.network, **{param: rows[param]}), {"presence": "venu"})
    assert response.status_code == 404


class TestDay:
    def test_it_shows_who_is_there_booked_and_free_slots_and_workshops(
        self, client, network, permanence, workshop
    ):
        slots = list(permanence.slots.order_by("starts_at")[:6])  # the first date: 9:00-12:00
        book(slots[1], "Awa")
        register(
            workshop=workshop,
            visitor=Visitor(first_name="Louis", phone="06 12 34 56 78"),
            channel=Channel.DESK,
            now=timezone.now(),
        )
        client.force_login(MembershipFactory(network=network).user)
        page = client.get(url("day", network) + f"?date={in_days(7):%Y-%m-%d}").text
        assert "09:00\u201312:00 · Impôts : aide à la déclaration" in page
        assert permanence.structure.name in page
        assert "Awa" in page and "réservé" in page
        assert page.count(">Réserver<") == len(slots) - 1
        assert url("slot_book", network, slot_id=slots[0].pk) in page
        assert url("slot_book", network, slot_id=slots[1].pk) not in page  # taken
        assert "Premiers pas sur smartphone" in page
        assert "1 inscrit·es sur 12 places" in page
        assert "Louis" not in page  # workshop people are on the workshop's page

    def test_walk_in_and_cancelled_dates_say_so(self, client, network, site):
        UpcomingPermanenceFactory(site=site, slot_minutes=None, title="Accueil CAF")
        cancelled = UpcomingStaffPermanenceFactory(site=site, title="Rendez-vous numérique")
        slot = cancelled.slots.order_by("starts_at").first()
        book(slot, "Awa")
        cancel_occurrence(occurrence=slot.occurrence, reason="Formation", now=timezone.now())
        client.force_login(MembershipFactory(network=network).user)
        page = client.get(url("day", network) + f"?date={in_days(7)}").text
        assert "sans rendez-vous" in page and "Accueil libre de 09:00 à 12:00" in page
        assert "Date annulée : Formation" in page
        assert "1 personne prévenue" in page
        assert cancelled.staff.user.full_name in page

    def test_an_empty_day_and_a_bad_date(self, client, network, site):
        client.force_login(MembershipFactory(network=network).user)
        page = client.get(url("day", network) + "?date=pas-une-date")
        assert page.status_code == 200
        assert "Aucune permanence ce jour-là sur ce site." in page.text
        assert timezone.localdate().strftime("%Y-%m-%d") in page.text

    def test_previous_and_next_days(self, client, network, site):
        client.force_login(MembershipFactory(network=network).user)
        page = client.get(url("day", network) + "?date=2027-03-01").text
        assert "?date=2027-02-28&amp;site=" in page
        assert "?date=2027-03-02&amp;site=" in page

    def test_the_chosen_site_is_remembered(self, client, network, site):
        other = SiteFactory(network=network, name="Médiathèque du Caylar")
        UpcomingPermanenceFactory(site=other, title="Permanence du Caylar")
        client.force_login(MembershipFactory(network=network).user)
        day = f"?date={in_days(7)}"
        assert "Permanence du Caylar" not in client.get(url("day", network) + day).text
        assert (
            "Permanence du Caylar"
            in client.get(url("day", network) + day + "&site=" + other.slug).text
        )
        assert "Permanence du Caylar" in client.get(url("day", network) + day).text  # remembered
        assert "Permanence du Caylar" in client.get(url("week", network) + day).text

    def test_a_site_of_another_network_is_never_chosen(self, client, network, site):
        stranger = UpcomingPermanenceFactory(title="Permanence ailleurs")
        client.force_login(MembershipFactory(network=network).user)
        query = f"?date={in_days(7)}&site={stranger.site.slug}"
        page = client.get(url("day", network) + query).text
        assert "Permanence ailleurs" not in page and stranger.site.name not in page

    def test_attendance_buttons_only_once_the_slot_has_started(self, client, network, site):
        permanence = UpcomingPermanenceFactory(site=site)
        slot = permanence.slots.order_by("starts_at").first()
        book(slot)
        client.force_login(MembershipFactory(network=network).user)
        page = client.get(url("day", network) + f"?date={in_days(7)}").text
        assert "Venu·e" not in page
        back = datetime.timedelta(days=8)  # the date (and its slots) moved to yesterday
        Occurrence.objects.filter(pk=slot.occurrence_id).update(
            starts_at=F("starts_at") - back, ends_at=F("ends_at") - back
        )
        Slot.objects.filter(occurrence=slot.occurrence_id).update(
            starts_at=F("starts_at") - back, ends_at=F("ends_at") - back
        )
        page = client.get(url("day", network) + f"?date={in_days(-1)}").text
        assert "Venu·e" in page

    def test_a_network_without_sites(self, client):
        member = MembershipFactory()
        client.force_login(member.user)
        for name in ("day", "week", "month"):
            response = client.get(url(name, member.network))
            assert response.status_code == 200
            assert "pas encore de site actif" in response.text


@pytest.mark.parametrize("name", ["day", "week", "month"])
def test_queries_do_not_grow_with_slots_bookings_and_workshops(client, site, name):
    client.force_login(MembershipFactory(network=site.network).user)
    target = url(name, site.network) + f"?date={in_days(7)}&site={site.slug}"
    first = UpcomingPermanenceFactory(site=site, slot_minutes=60)
    book(first.slots.order_by("starts_at").first(), "Awa")
    UpcomingWorkshopFactory(site=site)
    with_one = count_queries(client, target)
    for n in range(3):
        more = UpcomingStaffPermanenceFactory(site=site, slot_minutes=15, seats_per_slot=2)
        for i, slot in enumerate(more.slots.order_by("starts_at")[:4]):
            book(slot, f"Personne{n}{i}")
        UpcomingWorkshopFactory(site=site)
    assert count_queries(client, target) == with_one


class TestWeekAndMonth:
    def test_the_week_counts_bookings_per_permanence(self, client, network, permanence, workshop):
        book(permanence.slots.order_by("starts_at").first())
        client.force_login(MembershipFactory(network=network).user)
        page = client.get(url("week", network) + f"?date={in_days(7)}").text
        assert "1 sur 6 places réservées" in page
        assert "Premiers pas sur smartphone" in page
        assert page.count("Rien de prévu.") == 6

    def test_the_month_is_a_table_of_weeks_linking_to_days(self, client, network, permanence):
        book(permanence.slots.order_by("starts_at").first())
        client.force_login(MembershipFactory(network=network).user)
        day = in_days(7)
        page = client.get(url("month", network) + f"?date={day}").text
        assert "<caption>" in page and '<th scope="col">' in page
        assert f"?date={day:%Y-%m-%d}&amp;site=" in page
        assert "1 permanence" in page and "1 rendez-vous" in page and "5 places libres" in page

    def test_month_navigation_crosses_the_year(self, client, network, site):
        client.force_login(MembershipFactory(network=network).user)
        page = client.get(url("month", network) + "?date=2027-01-15").text
        assert "?date=2026-12-01" in page and "?date=2027-02-01" in page
        assert "Janvier 2027" in page


def test_the_main_navigation_leads_to_the_agenda(client, network, site):
    client.force_login(MembershipFactory(network=network).user)
    home = client.get(reverse("workspace:network_home", args=[network.slug])).text
    assert f'<a href="{url("day", network)}">Agenda</a>' in home
    day = client.get(url("day", network)).text
    assert f'<a href="{url("day", network)}" aria-current="page">Agenda</a>' in day
