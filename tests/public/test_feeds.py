"""Calendar feeds to subscribe to: valid RFC 5545, scoped, and no visitor's data."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from aiguillage.accounts.models import Membership, Role, User
from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.feeds import (
    membership_for_feed_token,
    renew_feed_link,
    staff_feed_token,
)
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.permanences import materialise
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import StaffPermanenceFactory, WorkshopFactory
from tests.core.factories import SiteFactory
from tests.public.conftest import first_slot, in_days, ready_permanence

pytestmark = pytest.mark.django_db


def events_of(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = calendar.walk("VEVENT")
    for event in events:
        assert event["UID"] and event["DTSTAMP"]
        assert str(event["DTSTART"].params["TZID"]) == "Europe/Paris"
        assert str(event["DTEND"].params["TZID"]) == "Europe/Paris"
    return events


def booked_by_rose(permanence) -> None:
    book_slot(
        slot=first_slot(permanence),
        visitor=Visitor(first_name="Rosalinde", email="rosalinde@exemple.fr"),
        need=None,
        channel="online",
        now=timezone.now(),
    )


def assert_no_visitor_data(response) -> None:
    assert b"Rosalinde" not in response.content
    assert b"rosalinde@" not in response.content


class TestSiteFeed:
    def test_the_sites_permanences_and_workshops(self, client, site, permanence, workshop):
        booked_by_rose(permanence)
        response = client.get("/p/pic/sites/zola/agenda.ics")
        events = events_of(response)
        summaries = {str(e["SUMMARY"]) for e in events}
        assert summaries == {"Permanence CAF", workshop.title}
        assert len({str(e["UID"]) for e in events}) == len(events)
        assert_no_visitor_data(response)
        assert "public" in response["Cache-Control"]

    def test_only_a_public_site_of_this_network(self, client, network, site):
        SiteFactory(network=network, slug="cachee", is_public=False)
        SiteFactory(slug="voisine")
        for slug in ("cachee", "voisine"):
            assert client.get(f"/p/pic/sites/{slug}/agenda.ics").status_code == 404
        assert client.post("/p/pic/sites/zola/agenda.ics").status_code == 405


class TestPermanenceFeed:
    def test_a_partner_permanences_dates(self, client, permanence):
        booked_by_rose(permanence)
        response = client.get(f"/p/pic/permanences/{permanence.pk}/agenda.ics")
        events = events_of(response)
        assert len(events) == permanence.occurrences.count() == 30
        assert {str(e["SUMMARY"]) for e in events} == {"Permanence CAF"}
        assert_no_visitor_data(response)

    def test_only_public_partner_permanences_of_this_network(self, client, network, site):
        hidden = ready_permanence(site=SiteFactory(network=network, is_public=False))
        foreign = ready_permanence()
        staff = StaffPermanenceFactory(site=site)
        for permanence in (hidden, foreign, staff):
            url = f"/p/pic/permanences/{permanence.pk}/agenda.ics"
            assert client.get(url).status_code == 404
        desk_only = ready_permanence(site=site, bookable_by="desk")  # public information
        assert client.get(f"/p/pic/permanences/{desk_only.pk}/agenda.ics").status_code == 200


@pytest.fixture
def member(network, site):
    membership = MembershipFactory(network=network)
    held = StaffPermanenceFactory(
        site=site,
        staff=membership,
        title="Rendez-vous numérique",
        rrule="FREQ=WEEKLY;BYDAY=MO",
        # From tomorrow: on a Monday evening, today's slots have passed.
        starts_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    materialise(permanence=held, today=timezone.localdate(), window_days=30)
    WorkshopFactory(
        site=site, title="Atelier animé", animator=membership.user, starts_at=in_days(4)
    )
    booked_by_rose(held)
    return membership


class TestStaffFeed:
    def test_the_members_own_permanences_and_workshops_behind_a_private_link(
        self, client, member, permanence
    ):
        url = f"/p/pic/calendrier/{staff_feed_token(member)}.ics"
        response = client.get(url)
        events = events_of(response)
        assert {str(e["SUMMARY"]) for e in events} == {"Rendez-vous numérique", "Atelier animé"}
        assert any("1 rendez-vous" in str(e.get("DESCRIPTION", "")) for e in events)
        assert_no_visitor_data(response)
        assert member.user.email.encode() not in response.content
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]

    def test_the_token_holds_nothing_personal_and_names_its_membership(self, member):
        token = staff_feed_token(member)
        assert "@" not in token and member.user.full_name not in token
        assert membership_for_feed_token(token) == member
        assert membership_for_feed_token(token + "x") is None
        assert membership_for_feed_token("nimporte-quoi") is None

    def test_refused_once_the_membership_the_person_or_the_network_is_deactivated(
        self, client, member
    ):
        url = f"/p/pic/calendrier/{staff_feed_token(member)}.ics"
        assert client.get(url).status_code == 200
        Membership.objects.filter(pk=member.pk).update(is_active=False)
        assert client.get(url).status_code == 404
        Membership.objects.filter(pk=member.pk).update(is_active=True)
        User.objects.filter(pk=member.user_id).update(is_active=False)
        assert client.get(url).status_code == 404
        User.objects.filter(pk=member.user_id).update(is_active=True)
        assert client.get(url).status_code == 200
        member.network.__class__.objects.filter(pk=member.network_id).update(is_active=False)
        assert client.get(url).status_code == 404

    def test_renewing_the_link_revokes_earlier_links_at_once(self, client, member):
        old = f"/p/pic/calendrier/{staff_feed_token(member)}.ics"
        new = f"/p/pic/calendrier/{renew_feed_link(member)}.ics"  # same clock tick
        assert client.get(old).status_code == 404
        assert client.get(new).status_code == 200

    def test_a_later_change_of_the_membership_revokes_earlier_links(
        self, client, member, time_machine
    ):
        old = f"/p/pic/calendrier/{staff_feed_token(member)}.ics"
        time_machine.move_to(timezone.now() + datetime.timedelta(minutes=5), tick=False)
        member.role = Role.DIGITAL_MEDIATOR  # a coordinator changes the role
        member.save()
        assert client.get(old).status_code == 404
        member.refresh_from_db()
        assert client.get(f"/p/pic/calendrier/{staff_feed_token(member)}.ics").status_code == 200

    def test_another_networks_address_or_a_foreign_token_is_404(self, client, member):
        other = SiteFactory().network
        token = staff_feed_token(member)
        assert client.get(f"/p/{other.slug}/calendrier/{token}.ics").status_code == 404
        foreign = MembershipFactory(network=other)
        assert client.get(f"/p/pic/calendrier/{staff_feed_token(foreign)}.ics").status_code == 404
