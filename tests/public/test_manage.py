"""Manage my booking: a signed link, no account; see, download, cancel, change the time."""

import re

import pytest
from django.core import mail
from icalendar import Calendar

from aiguillage.agenda.contact import Visitor, manage_token, read_manage_token
from aiguillage.agenda.links import manage_path
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    Registration,
    RegistrationStatus,
    Slot,
)
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.workshops import register
from tests.agenda.factories import WorkshopFactory
from tests.core.factories import SiteFactory
from tests.public.conftest import first_slot, in_days, ready_permanence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://agenda.example.org"


def text(response) -> str:
    return response.content.decode()


def points_to(link: str, booking) -> bool:
    """Whether a manage link opens ``booking`` (tokens carry their signing time, so two
    links to the same booking need not be equal)."""
    kind = "appointment" if isinstance(booking, Appointment) else "registration"
    token = link.rstrip("/").rsplit("/", 1)[1]
    return read_manage_token(token, kind) == (booking.pk, booking.manage_key)


def visitor(n: int = 0, **fields) -> Visitor:
    return Visitor(first_name=f"Awa{n}", email=f"awa{n}@exemple.fr", **fields)


def appointment_on(slot: Slot, n: int = 0) -> Appointment:
    return book_slot(
        slot=slot,
        visitor=visitor(n, phone="06 12 34 56 78"),
        need=None,
        channel="online",
        now=slot.starts_at.replace(year=2000),
    )


def registration_to(workshop, n: int = 0) -> Registration:
    return register(
        workshop=workshop,
        visitor=visitor(n),
        channel="online",
        now=workshop.starts_at.replace(year=2000),
    )


@pytest.fixture
def appointment(permanence):
    return appointment_on(first_slot(permanence))


class TestManagePage:
    def test_shows_the_booking_and_the_contact_held_masked(self, client, appointment):
        link = manage_path(appointment)
        response = client.get(link)
        assert response.status_code == 200
        page = text(response)
        assert "<title>Mon rendez-vous · Médiathèques du Pic</title>" in page
        assert "Permanence CAF" in page and "Médiathèque Émile-Zola" in page
        assert "Votre rendez-vous est réservé." in page
        assert "<dd>Awa0</dd>" in page
        assert "a…@exemple.fr" in page and "awa0@exemple.fr" not in page
        assert "+336… 78" in page and "+33612345678" not in page
        for action in ("agenda.ics", "changer/", "annuler/"):
            assert f'href="{link}{action}"' in page

    def test_is_private_not_cached_and_not_indexed(self, client, appointment):
        response = client.get(manage_path(appointment))
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
        assert '<meta name="robots" content="noindex, nofollow">' in text(response)
        # A browser posts "Origin: null" from a no-referrer page, which CSRF refuses: the
        # manage page has no form, and the pages with one keep the link to our origin.
        assert 'method="post"' not in text(response)
        for action in ("annuler/", "changer/"):
            response = client.get(manage_path(appointment) + action)
            assert 'method="post"' in text(response)
            assert response["Referrer-Policy"] == "same-origin"
            assert "no-store" in response["Cache-Control"]
            assert "noindex" in response["X-Robots-Tag"]

    def test_a_registration_on_the_waiting_list_shows_its_place_and_no_calendar(self, client, site):
        workshop = WorkshopFactory(site=site, capacity=1, waitlist_capacity=3, starts_at=in_days(9))
        registration_to(workshop, 0)
        registration_to(workshop, 1)
        waiting = registration_to(workshop, 2)
        page = text(client.get(manage_path(waiting)))
        assert "Mon inscription" in page
        assert "sur la liste d'attente, à la place 2." in page
        assert "agenda.ics" not in page
        assert client.get(manage_path(waiting) + "agenda.ics").status_code == 404

    def test_bad_tampered_revoked_or_foreign_links_are_404(self, client, appointment, workshop):
        good = manage_path(appointment)
        token = good.rstrip("/").rsplit("/", 1)[1]
        assert client.get(good).status_code == 200
        tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
        wrong_key = manage_token("appointment", appointment.pk, "x" * 43)
        wrong_kind = manage_token("registration", appointment.pk, appointment.manage_key)
        for bad in ("nimporte-quoi", tampered, wrong_key, wrong_kind):
            for suffix in ("", "annuler/", "changer/", "agenda.ics"):
                assert client.get(f"/p/pic/gerer/{bad}/{suffix}").status_code == 404
        # The right token under another network's address.
        other = SiteFactory().network
        assert client.get(f"/p/{other.slug}/gerer/{token}/").status_code == 404
        # A renewed key revokes the link; a purged booking has nothing left to manage.
        Appointment.objects.filter(pk=appointment.pk).update(manage_key="renouvelée")
        assert client.get(good).status_code == 404
        registration = registration_to(workshop)
        link = manage_path(registration)
        assert client.get(link).status_code == 200
        Registration.objects.filter(pk=registration.pk).update(purged_at=registration.created_at)
        assert client.get(link).status_code == 404
        assert client.post(link + "annuler/").status_code == 404
        assert Registration.objects.get(pk=registration.pk).status == "confirmed"

    def test_the_calendar_file_is_the_bookings_own(self, client, appointment):
        response = client.get(manage_path(appointment) + "agenda.ics")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert "no-store" in response["Cache-Control"]
        (event,) = Calendar.from_ical(response.content).walk("VEVENT")
        assert str(event["UID"]) == f"appointment-{appointment.pk}@agenda.example.org"
        assert event["STATUS"] == "CONFIRMED"
        assert str(event["DTSTART"].params["TZID"]) == "Europe/Paris"
        assert event.start == appointment.slot.starts_at
        assert b"Awa0" not in response.content and b"exemple.fr" not in response.content


class TestCancel:
    def test_asks_first_then_cancels_and_tells_the_person(
        self, client, appointment, django_capture_on_commit_callbacks
    ):
        link = manage_path(appointment)
        page = text(client.get(link + "annuler/"))
        assert "Oui, j&#x27;annule" in page or "Oui, j'annule" in page
        assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.BOOKED
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(link + "annuler/")
        assert response.status_code == 302 and points_to(response["Location"], appointment)
        assert "no-store" in response["Cache-Control"]
        appointment.refresh_from_db()
        assert (appointment.status, appointment.cancelled_by) == ("cancelled", "visitor")
        assert Slot.objects.get(pk=appointment.slot_id).booked == 0
        (message,) = mail.outbox
        assert message.subject.startswith("Rendez-vous annulé")
        page = text(client.get(link))
        assert "Votre rendez-vous est annulé. Merci de nous avoir prévenus" in page
        assert "Ce rendez-vous est annulé." in page
        assert "annuler/" not in page and "changer/" not in page
        # Twice: nothing more happens, and the person is told why.
        response = client.post(link + "annuler/", follow=True)
        assert "ne peut plus être annulée en ligne" in text(response)
        assert len(mail.outbox) == 1

    def test_cancelling_a_seat_promotes_the_first_person_waiting_and_tells_both(
        self, client, site, django_capture_on_commit_callbacks
    ):
        workshop = WorkshopFactory(site=site, capacity=1, waitlist_capacity=2, starts_at=in_days(9))
        seated = registration_to(workshop, 0)
        waiting = registration_to(workshop, 1)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(manage_path(seated) + "annuler/")
        assert response.status_code == 302
        seated.refresh_from_db()
        waiting.refresh_from_db()
        assert seated.status == RegistrationStatus.CANCELLED
        assert waiting.status == RegistrationStatus.CONFIRMED
        sent = {message.to[0]: message.subject for message in mail.outbox}
        assert sent["awa0@exemple.fr"].startswith("Inscription annulée")
        assert sent["awa1@exemple.fr"].startswith("Une place s'est libérée")

    def test_a_past_appointment_cannot_be_cancelled_online(self, client, appointment):
        Slot.objects.filter(pk=appointment.slot_id).update(
            starts_at=in_days(-1), ends_at=in_days(-1, hour=15)
        )
        page = text(client.get(manage_path(appointment)))
        assert "annuler/" not in page
        assert "appelez la bibliothèque" in page
        response = client.post(manage_path(appointment) + "annuler/")
        assert response.status_code == 302
        assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.BOOKED


class TestMove:
    def test_lists_the_other_free_slots_of_the_same_permanence(
        self, client, permanence, appointment
    ):
        other = ready_permanence(site=permanence.site, title="Autre permanence")
        page = text(client.get(manage_path(appointment) + "changer/?semaine=1"))
        mine = Slot.objects.filter(permanence=permanence).exclude(pk=appointment.slot_id)
        offered = [s for s in mine if f'value="{s.pk}"' in page]
        assert offered  # next week's slots of the same permanence
        assert f'value="{appointment.slot_id}"' not in page
        for slot in Slot.objects.filter(permanence=other):
            assert f'id="slot-{slot.pk}"' not in page

    def test_moves_to_the_chosen_slot_and_sends_the_new_confirmation(
        self, client, permanence, appointment, django_capture_on_commit_callbacks
    ):
        target = Slot.objects.filter(permanence=permanence).order_by("starts_at")[3]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(manage_path(appointment) + "changer/", {"slot": target.pk})
        assert response.status_code == 302
        moved = Appointment.objects.get(status=AppointmentStatus.BOOKED)
        assert moved.slot_id == target.pk and moved.pk != appointment.pk
        assert points_to(response["Location"], moved)
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.CANCELLED
        assert [Slot.objects.get(pk=pk).booked for pk in (appointment.slot_id, target.pk)] == [0, 1]
        (message,) = mail.outbox
        assert message.subject.startswith("Nouvel horaire")
        link = re.search(r"/p/pic/gerer/[^\s/]+/", message.body).group(0)
        assert points_to(link, moved)
        uids = message.attachments[0][1]
        assert f"appointment-{appointment.pk}@" in uids  # the old time, struck out
        assert f"appointment-{moved.pk}@" in uids
        page = text(client.get(response["Location"]))
        assert "votre rendez-vous a changé d&#x27;horaire" in page

    def test_a_slot_taken_meanwhile_keeps_the_old_appointment(
        self, client, permanence, appointment
    ):
        target = Slot.objects.filter(permanence=permanence).order_by("starts_at")[2]
        appointment_on(target, 9)
        response = client.post(manage_path(appointment) + "changer/", {"slot": target.pk})
        assert response.status_code == 409
        page = text(response)
        assert "Ce créneau vient d&#x27;être pris." in page
        assert 'id="slot-error"' in page and 'aria-describedby="slot-error"' in page
        assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.BOOKED

    def test_another_permanences_slot_or_nothing_chosen_is_refused(
        self, client, permanence, appointment
    ):
        foreign = first_slot(ready_permanence(site=permanence.site, title="Autre"))
        response = client.post(manage_path(appointment) + "changer/", {"slot": foreign.pk})
        assert response.status_code == 400
        assert "Cet horaire n&#x27;est plus proposé." in text(response)
        response = client.post(manage_path(appointment) + "changer/", {})
        assert response.status_code == 400
        assert "Choisissez un nouvel horaire." in text(response)
        assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.BOOKED
        assert Slot.objects.get(pk=foreign.pk).booked == 0

    def test_no_move_once_the_permanence_is_no_longer_booked_online(
        self, client, permanence, appointment
    ):
        permanence.__class__.objects.filter(pk=permanence.pk).update(bookable_by="desk")
        assert "changer/" not in text(client.get(manage_path(appointment)))
        response = client.get(manage_path(appointment) + "changer/", follow=True)
        assert "ne peut plus être déplacé en ligne" in text(response)
