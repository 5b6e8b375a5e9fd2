"""The closures page (declare, see what it cancels, confirm), and what the public then
reads: the portal and the site's calendar feed say the site is closed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import AppointmentStatus, Closure
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.closures import declare_closure
from aiguillage.core.french import weekday_day_month
from aiguillage.privacy.models import JournalAction, JournalEntry
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import UpcomingPermanenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked():
    permanence = UpcomingPermanenceFactory()
    slot = permanence.slots.order_by("starts_at").first()
    appointment = book_slot(
        slot=slot,
        visitor=Visitor(first_name="Alex", email="alex@exemple.fr"),
        need=None,
        channel="desk",
        now=timezone.now(),
    )
    return permanence, appointment, timezone.localtime(slot.starts_at).date()


def page(network):
    return reverse("agenda:closures", kwargs={"network_slug": network.slug})


def test_a_coordinator_sees_what_a_closure_cancels_then_confirms(client, booked):
    permanence, appointment, day = booked
    client.force_login(MembershipFactory(network=permanence.network, coordinator=True).user)
    data = {
        "site": permanence.site.pk,
        "starts_on": day.isoformat(),
        "ends_on": "",
        "reason": "inventaire",
    }
    preview = client.post(page(permanence.network), data)
    assert preview.status_code == 200
    assert "Ce que cette fermeture annule" in preview.text
    assert "Alex" in preview.text  # the person to be told, by first name
    assert 'value="inventaire"' in preview.text  # what was typed is kept
    assert not Closure.objects.exists()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED

    done = client.post(page(permanence.network), {**data, "confirmer": "1"}, follow=True)
    assert "1 personne concernée est prévenue" in done.text
    closure = Closure.objects.get()
    assert (closure.site, closure.starts_on, closure.ends_on) == (permanence.site, day, day)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    journaled = JournalEntry.objects.filter(action=JournalAction.BOOKING_CANCELLED).get()
    assert journaled.details["via"] == "closure"
    assert weekday_day_month(day) in done.text  # listed among the closures to come


def test_dates_out_of_order_are_refused_on_the_form_and_nothing_is_written(client, booked):
    permanence, _appointment, day = booked
    client.force_login(MembershipFactory(network=permanence.network, coordinator=True).user)
    response = client.post(
        page(permanence.network),
        {
            "site": "",
            "starts_on": day.isoformat(),
            "ends_on": (day - datetime.timedelta(days=1)).isoformat(),
            "reason": "travaux",
            "confirmer": "1",
        },
    )
    assert response.status_code == 200
    assert "La fin de la fermeture est avant son début." in response.text
    assert 'value="travaux"' in response.text
    assert not Closure.objects.exists()


def test_the_portal_and_the_site_feed_say_the_site_is_closed(client, booked):
    permanence, _appointment, day = booked
    declare_closure(
        network=permanence.network,
        site=None,  # the whole network
        starts_on=day,
        ends_on=day + datetime.timedelta(days=2),
        reason="travaux",
        actor=None,
        now=timezone.now(),
    )
    network, site = permanence.network, permanence.site
    home = client.get(reverse("public:home", args=[network.slug])).text
    assert "Fermé exceptionnellement du" in home and "(travaux)" in home
    feed = client.get(reverse("public:site_feed", args=[network.slug, site.slug])).content
    text = feed.decode()
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in text
    assert "fermeture exceptionnelle (travaux)" in text
    assert "STATUS:CANCELLED" in text  # the permanence's date, struck out


def test_the_agenda_says_a_permanence_is_held_outside_the_opening_hours(client):
    permanence = UpcomingPermanenceFactory(outside_opening_hours=True)
    client.force_login(MembershipFactory(network=permanence.network).user)
    day = timezone.localtime(permanence.slots.order_by("starts_at").first().starts_at).date()
    page = client.get(
        reverse("agenda:day", args=[permanence.network.slug]),
        {"date": day.isoformat(), "site": permanence.site.slug},
    ).text
    assert permanence.title in page
    assert "en dehors des horaires d'ouverture" in page
    detail = client.get(
        reverse("agenda:permanence_detail", args=[permanence.network.slug, permanence.pk])
    ).text
    assert "(en dehors des horaires d'ouverture)" in detail
