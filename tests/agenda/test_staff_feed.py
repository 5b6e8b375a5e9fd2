"""My calendar: the private feed link is shown to its owner and can be renewed."""

import re

import pytest
from django.urls import reverse

from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import UpcomingStaffPermanenceFactory

pytestmark = pytest.mark.django_db


def feed_path(page: str) -> str:
    url = re.search(r'value="(https?://[^"]+\.ics)"', page).group(1)
    return "/" + url.split("/", 3)[3]


def test_owner_sees_a_working_link_and_can_renew_it(client):
    permanence = UpcomingStaffPermanenceFactory()
    membership = permanence.staff
    client.force_login(membership.user)
    url = reverse("agenda:my_feed", kwargs={"network_slug": membership.network.slug})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    old = feed_path(response.content.decode())
    client.logout()  # a calendar application fetches without logging in
    feed = client.get(old)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert permanence.title.encode() in feed.content

    client.force_login(membership.user)
    renewed = client.post(url, follow=True)
    new = feed_path(renewed.content.decode())
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_link_is_personal(client):
    mine = MembershipFactory()
    other = MembershipFactory(network=mine.network)
    client.force_login(mine.user)
    url = reverse("agenda:my_feed", kwargs={"network_slug": mine.network.slug})
    page_of_mine = client.get(url).content.decode()
    client.force_login(other.user)
    page_of_other = client.get(url).content.decode()
    assert feed_path(page_of_mine) != feed_path(page_of_other)
