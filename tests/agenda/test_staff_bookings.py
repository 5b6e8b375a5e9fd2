"""Booking at the desk: a few clicks from a free slot, refusals shown on the form with
what was typed kept, the confirmation sent after commit; cancelling and attendance."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Appointment, AppointmentStatus, CancelledBy, Channel, Slot
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.catalog.models import Need
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import UpcomingPermanenceFactory, in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def permanence():
    return UpcomingPermanenceFactory(title="Impôts")


@pytest.fixture
def slot(permanence):
    return permanence.slots.order_by("starts_at").first()


@pytest.fixture
def volunteer(permanence):
    return MembershipFactory(network=permanence.network, volunteer=True)


def url(name, network, **kwargs):
    return reverse(f"agenda:{name}", kwargs={"network_slug": network.slug, **kwargs})


def book(slot, first_name="Awa"):
    return book_slot(
        slot=slot,
        visitor=Visitor(first_name=first_name, email=f"{first_name.lower()}@example.org"),
        need=None,
        channel=Channel.ONLINE,
        now=timezone.now(),
    )


class TestDeskBooking:
    def test_a_volunteer_books_a_free_slot_and_the_person_gets_the_confirmation(
        self, client, volunteer, slot, django_capture_on_commit_callbacks
    ):
        client.force_login(volunteer.user)
        target = url("slot_book", volunteer.network, slot_id=slot.pk)
        page = client.get(target).text
        assert 'for="id_first_name"' in page and "Réserver" in page
        data = {"first_name": "Awa", "email": "awa@example.org", "consent_reminders": "on"}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(target, data)
        assert response.status_code == 302
        assert response.url.startswith(url("day", volunteer.network))
        appointment = Appointment.objects.get()
        assert (appointment.slot, appointment.channel, appointment.booked_by) == (
            slot,
            Channel.DESK,
            volunteer.user,
        )
        assert appointment.consent_reminders
        assert Slot.objects.get(pk=slot.pk).booked == 1
        assert [m.to for m in mail.outbox] == [["awa@example.org"]]
        day = client.get(response.url).text
        assert "Rendez-vous réservé le" in day and "Awa" in day

    def test_the_need_is_offered_among_the_permanences_only(
        self, client, volunteer, permanence, slot
    ):
        taxes = Need.objects.get(slug="declarer-ses-revenus")
        other = Need.objects.get(slug="faire-carte-grise")
        permanence.needs.set([taxes])
        client.force_login(volunteer.user)
        target = url("slot_book", volunteer.network, slot_id=slot.pk)
        page = client.get(target).text
        assert taxes.name in page and other.name not in page
        response = client.post(
            target, {"first_name": "Awa", "phone": "06 12 34 56 78", "need": other.pk}
        )
        assert 'id="id_need_error"' in response.text
        client.post(target, {"first_name": "Awa", "phone": "06 12 34 56 78", "need": taxes.pk})
        assert Appointment.objects.get().need == taxes

    def test_bad_contact_keeps_what_was_typed(self, client, volunteer, slot):
        client.force_login(volunteer.user)
        target = url("slot_book", volunteer.network, slot_id=slot.pk)
        response = client.post(target, {"first_name": "Awa", "phone": "12", "language": "wolof"})
        assert response.status_code == 200
        assert 'id="id_phone_error"' in response.text
        assert "Ce numéro de téléphone n&#x27;est pas valide" in response.text
        assert 'value="Awa"' in response.text and 'value="wolof"' in response.text
        assert not Appointment.objects.exists()

    def test_a_first_name_alone_books_at_the_desk_and_says_no_message_can_go(
        self, client, volunteer, slot, django_capture_on_commit_callbacks
    ):
        client.force_login(volunteer.user)
        target = url("slot_book", volunteer.network, slot_id=slot.pk)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(target, {"first_name": "Awa"}, follow=True)
        appointment = Appointment.objects.get()
        assert (appointment.first_name, appointment.email, appointment.phone) == ("Awa", "", "")
        assert "imprimez la fiche, c&#x27;est la confirmation" in response.text
        assert not mail.outbox

    def test_reminders_need_an_email_or_a_mobile(self, client, volunteer, slot):
        client.force_login(volunteer.user)
        target = url("slot_book", volunteer.network, slot_id=slot.pk)
        typed = {"first_name": "Awa", "phone": "04 67 12 34 56", "consent_reminders": "on"}
        response = client.post(target, typed)
        assert 'id="id_consent_reminders_error"' in response.text
        assert "téléphone portable, ou décochez cette case" in response.text
        assert 'value="04 67 12 34 56"' in response.text
        assert not Appointment.objects.exists()
        typed.pop("consent_reminders")  # a landline to call back: fine
        client.post(target, typed)
        assert Appointment.objects.get().phone == "+33467123456"

    def test_a_slot_taken_meanwhile_is_refused_on_the_form(
        self, client, volunteer, slot, django_capture_on_commit_callbacks
    ):
        client.force_login(volunteer.user)
        target = url("slot_book", volunteer.network, slot_id=slot.pk)
        client.get(target)
        book(slot, "Louis")  # online, between the page and the click
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(target, {"first_name": "Awa", "email": "awa@example.org"})
        assert response.status_code == 200
        assert "Ce créneau vient d&#x27;être pris" in response.text
        assert 'value="awa@example.org"' in response.text
        assert Appointment.objects.count() == 1
        assert mail.outbox == []

    def test_the_same_person_twice_is_refused(self, client, volunteer, permanence):
        slot = UpcomingPermanenceFactory(site=permanence.site, seats_per_slot=2).slots.first()
        book(slot, "Awa")
        client.force_login(volunteer.user)
        target = url("slot_book", volunteer.network, slot_id=slot.pk)
        response = client.post(target, {"first_name": "Awa", "email": "AWA@example.org"})
        assert "Cette personne a déjà ce créneau." in response.text

    def test_a_past_slot_offers_no_form(self, client, volunteer, slot):
        Slot.objects.filter(pk=slot.pk).update(
            starts_at=timezone.now() - datetime.timedelta(hours=1)
        )
        client.force_login(volunteer.user)
        page = client.get(url("slot_book", volunteer.network, slot_id=slot.pk)).text
        assert "ne peut plus être réservé" in page
        assert 'name="first_name"' not in page


class TestOneBooking:
    def test_the_booking_page_shows_the_contact_for_the_desk_not_in_its_title(
        self, client, volunteer, slot
    ):
        appointment = book(slot, "Awa")
        librarian = MembershipFactory(network=volunteer.network)
        client.force_login(librarian.user)
        page = client.get(
            url("appointment_detail", volunteer.network, appointment_id=appointment.pk)
        )
        assert "awa@example.org" in page.text
        title = page.text.split("<title>")[1].split("</title>")[0]
        assert "Awa" not in title and "awa@" not in title
        # A volunteer sees the booking and its actions, not the contact (contact.view).
        client.force_login(volunteer.user)
        page = client.get(
            url("appointment_detail", volunteer.network, appointment_id=appointment.pk)
        )
        assert page.status_code == 200
        assert "Awa" in page.text and "awa@example.org" not in page.text

    def test_staff_cancel_a_booking_and_the_person_is_told(
        self, client, volunteer, slot, django_capture_on_commit_callbacks
    ):
        appointment = book(slot, "Awa")
        client.force_login(volunteer.user)
        target = url("appointment_cancel", volunteer.network, appointment_id=appointment.pk)
        assert "Annuler le rendez-vous de Awa" in client.get(target).text
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(target)
        assert response.status_code == 302
        appointment.refresh_from_db()
        assert (appointment.status, appointment.cancelled_by) == (
            AppointmentStatus.CANCELLED,
            CancelledBy.STAFF,
        )
        assert Slot.objects.get(pk=slot.pk).booked == 0
        assert [m.to for m in mail.outbox] == [["awa@example.org"]]
        with django_capture_on_commit_callbacks(execute=True):
            client.post(target)  # twice: nothing more
        assert len(mail.outbox) == 1

    def test_attendance_is_recorded_and_can_be_corrected(self, client, volunteer, slot):
        appointment = book(slot, "Awa")
        client.force_login(volunteer.user)
        target = url("appointment_attendance", volunteer.network, appointment_id=appointment.pk)
        early = client.post(target, {"presence": "absent"}, follow=True)
        assert "n&#x27;a pas encore commencé" in early.text
        assert Appointment.objects.get().status == AppointmentStatus.BOOKED
        Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now())
        assert client.get(target).status_code == 405
        assert client.post(target, {"presence": "peut-être"}).status_code == 400
        response = client.post(target, {"presence": "absent"})
        assert response.status_code == 302 and f"date={in_days(0)}" in response.url
        assert Appointment.objects.get().status == AppointmentStatus.NO_SHOW
        client.post(target, {"presence": "venu", "retour": "fiche"})
        assert Appointment.objects.get().status == AppointmentStatus.ATTENDED

    def test_a_cancelled_booking_cannot_be_marked(self, client, volunteer, slot):
        appointment = book(slot, "Awa")
        Appointment.objects.filter(pk=appointment.pk).update(
            status="cancelled", cancelled_by="visitor", cancelled_at=timezone.now()
        )
        Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now())
        client.force_login(volunteer.user)
        target = url("appointment_attendance", volunteer.network, appointment_id=appointment.pk)
        response = client.post(target, {"presence": "venu"}, follow=True)
        assert "Ce rendez-vous a été annulé." in response.text
        assert Appointment.objects.get().status == AppointmentStatus.CANCELLED
