"""Registering and booking online: the service's rules, the message, the manage page."""

import re

import pytest
from django.core import mail
from icalendar import Calendar

from aiguillage.agenda.contact import Visitor, read_manage_token
from aiguillage.agenda.models import Appointment, Registration, RegistrationStatus, Slot
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.workshops import register
from aiguillage.agenda.sms import MemoryBackend
from aiguillage.catalog.models import Need
from tests.public.conftest import first_slot

pytestmark = pytest.mark.django_db

AWA = {
    "first_name": "Awa",
    "email": "awa@exemple.fr",
    "consent_reminders": "on",
    "accessibility_needs": "boucle magnétique",
    "language": "wolof",
}


@pytest.fixture(autouse=True)
def _messages(settings):
    settings.SMS_BACKEND = "aiguillage.agenda.sms.MemoryBackend"
    settings.SITE_URL = "https://agenda.example.org"
    MemoryBackend.outbox.clear()
    yield
    MemoryBackend.outbox.clear()


def text(response) -> str:
    return response.content.decode()


def emailed_token(message, kind: str):
    """The booking a confirmation's manage link opens (links carry their signing time:
    the e-mail's need not equal the redirect's)."""
    link = re.search(r"https://agenda\.example\.org/p/pic/gerer/([^\s/]+)/", message.body)
    return read_manage_token(link.group(1), kind)


def token_of(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[1]


class TestRegisterOnline:
    def test_a_registration_is_confirmed_told_and_sent_with_its_calendar_file(
        self, client, workshop, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/p/pic/ateliers/{workshop.pk}/", AWA)
        assert response.status_code == 302
        registration = Registration.objects.get()
        assert (registration.status, registration.channel) == (
            RegistrationStatus.CONFIRMED,
            "online",
        )
        assert (registration.first_name, registration.accessibility_needs) == (
            "Awa",
            "boucle magnétique",
        )
        assert registration.consent_reminders is True
        token = token_of(response["Location"])
        assert response["Location"] == f"/p/pic/gerer/{token}/"
        assert read_manage_token(token, "registration") == (
            registration.pk,
            registration.manage_key,
        )
        assert "awa" not in response["Location"].lower()  # no personal data in URLs
        page = text(client.get(response["Location"]))
        assert "vous êtes inscrit·e à l&#x27;atelier" in page
        (message,) = mail.outbox
        assert message.to == ["awa@exemple.fr"]
        assert emailed_token(message, "registration") == (registration.pk, registration.manage_key)
        name, content, mimetype = message.attachments[0]
        assert name.endswith(".ics") and mimetype.startswith("text/calendar")
        (event,) = Calendar.from_ical(content).walk("VEVENT")
        assert str(event["SUMMARY"]) == workshop.title

    def test_a_full_workshop_puts_the_person_on_the_waiting_list_with_their_place(
        self, client, workshop, django_capture_on_commit_callbacks
    ):
        for n in range(3):
            register(
                workshop=workshop,
                visitor=Visitor(first_name=f"P{n}", email=f"p{n}@exemple.fr"),
                channel="desk",
                now=workshop.starts_at.replace(year=2000),
            )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/p/pic/ateliers/{workshop.pk}/", AWA, follow=True)
        registration = Registration.objects.get(first_name="Awa")
        assert registration.status == RegistrationStatus.WAITLISTED
        assert "Vous êtes sur la liste d&#x27;attente, à la place 2." in text(response)
        assert mail.outbox[-1].subject.startswith("Liste d'attente")

    def test_full_including_the_waiting_list_is_said_on_the_form_with_the_values_kept(
        self, client, workshop
    ):
        assert 'name="first_name"' in text(client.get(f"/p/pic/ateliers/{workshop.pk}/"))
        for n in range(4):  # while the person was typing, the last places went
            register(
                workshop=workshop,
                visitor=Visitor(first_name=f"P{n}", email=f"p{n}@exemple.fr"),
                channel="desk",
                now=workshop.starts_at.replace(year=2000),
            )
        response = client.post(f"/p/pic/ateliers/{workshop.pk}/", AWA)
        assert response.status_code == 409
        page = text(response)
        assert "L&#x27;atelier et sa liste d&#x27;attente sont complets." in page
        assert "Il n'y a plus de place." in page
        assert 'value="Awa"' in page and 'value="awa@exemple.fr"' in page
        assert not Registration.objects.filter(first_name="Awa").exists()

    def test_the_service_refusal_is_shown_on_the_form_with_the_values_kept(self, client, workshop):
        register(
            workshop=workshop,
            visitor=Visitor(first_name="Awa", email="AWA@exemple.fr"),
            channel="desk",
            now=workshop.starts_at.replace(year=2000),
        )
        response = client.post(f"/p/pic/ateliers/{workshop.pk}/", AWA)
        assert response.status_code == 409
        page = text(response)
        assert "déjà inscrite à cet atelier" in page
        assert 'role="alert"' in page
        assert 'value="Awa"' in page and 'value="awa@exemple.fr"' in page
        assert 'value="boucle magnétique"' in page and "checked" in page
        assert Registration.objects.count() == 1

    def test_bad_input_names_its_field_linked_to_the_input(self, client, workshop):
        response = client.post(
            f"/p/pic/ateliers/{workshop.pk}/",
            {"first_name": "Awa", "email": "pas-une-adresse", "phone": "12"},
        )
        assert response.status_code == 400
        page = text(response)
        assert "Cette adresse e-mail n&#x27;est pas valide." in page
        assert "Ce numéro de téléphone n&#x27;est pas valide" in page
        assert 'id="id_email_error"' in page
        assert 'aria-invalid="true"' in page
        assert 'aria-describedby="id_email_error"' in page
        assert 'value="pas-une-adresse"' in page and 'value="12"' in page
        response = client.post(f"/p/pic/ateliers/{workshop.pk}/", {"first_name": "Awa"})
        assert "Donnez un e-mail ou un numéro de téléphone : c&#x27;est par là" in text(response)
        response = client.post(f"/p/pic/ateliers/{workshop.pk}/", {})  # nothing typed at all
        assert response.status_code == 400
        assert "Ce champ est obligatoire." in text(response)
        assert not Registration.objects.exists()

    def test_another_networks_workshop_cannot_be_registered_through_this_network(
        self, client, workshop
    ):
        from tests.agenda.factories import WorkshopFactory

        foreign = WorkshopFactory()
        response = client.post(f"/p/pic/ateliers/{foreign.pk}/", AWA)
        assert response.status_code == 404
        assert not Registration.objects.exists()


class TestBookOnline:
    def test_a_booking_takes_the_seat_with_the_need_and_sends_the_confirmation(
        self, client, permanence, django_capture_on_commit_callbacks
    ):
        caf, taxes = Need.objects.order_by("pk")[:2]
        permanence.needs.set([caf, taxes])
        slot = first_slot(permanence)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/p/pic/creneaux/{slot.pk}/reserver/", {**AWA, "need": taxes.pk}
            )
        assert response.status_code == 302
        appointment = Appointment.objects.get()
        assert (appointment.slot_id, appointment.need, appointment.channel) == (
            slot.pk,
            taxes,
            "online",
        )
        assert Slot.objects.get(pk=slot.pk).booked == 1
        token = token_of(response["Location"])
        assert read_manage_token(token, "appointment") == (appointment.pk, appointment.manage_key)
        (message,) = mail.outbox
        assert emailed_token(message, "appointment") == (appointment.pk, appointment.manage_key)
        assert message.attachments[0][0].endswith(".ics")
        page = text(client.get(response["Location"]))
        assert "votre rendez-vous est réservé" in page

    def test_a_phone_only_booking_is_confirmed_by_text_message(
        self, client, permanence, django_capture_on_commit_callbacks
    ):
        slot = first_slot(permanence)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/p/pic/creneaux/{slot.pk}/reserver/",
                {"first_name": "Awa", "phone": "06 12 34 56 78"},
            )
        assert response.status_code == 302
        assert Appointment.objects.get().phone == "+33612345678"
        assert [to for to, _body in MemoryBackend.outbox] == ["+33612345678"]
        assert not mail.outbox

    def test_a_permanence_without_needs_asks_for_none(self, client, permanence):
        page = text(client.get(f"/p/pic/creneaux/{first_slot(permanence).pk}/reserver/"))
        assert 'name="need"' not in page
        assert 'name="first_name"' in page

    def test_a_slot_taken_meanwhile_says_so_and_links_to_the_other_slots(self, client, permanence):
        slot = first_slot(permanence)
        assert 'name="first_name"' in text(client.get(f"/p/pic/creneaux/{slot.pk}/reserver/"))
        book_slot(  # somebody else, at the desk, a second earlier
            slot=slot,
            visitor=Visitor(first_name="Rose", email="rose@exemple.fr"),
            need=None,
            channel="desk",
            now=slot.starts_at.replace(year=2000),
        )
        response = client.post(f"/p/pic/creneaux/{slot.pk}/reserver/", AWA)
        assert response.status_code == 409
        page = text(response)
        assert "Ce créneau vient d&#x27;être pris. Choisissez-en un autre." in page
        assert f'href="/p/pic/permanences/{permanence.pk}/"' in page
        assert "Choisir un autre horaire" in page
        assert Appointment.objects.count() == 1
        assert Slot.objects.get(pk=slot.pk).booked == 1

    def test_the_same_person_twice_is_told_with_the_values_kept(self, client, permanence):
        permanence.__class__.objects.filter(pk=permanence.pk).update(seats_per_slot=2)
        slot = first_slot(permanence)
        Slot.objects.filter(pk=slot.pk).update(capacity=2)
        assert client.post(f"/p/pic/creneaux/{slot.pk}/reserver/", AWA).status_code == 302
        response = client.post(
            f"/p/pic/creneaux/{slot.pk}/reserver/", {**AWA, "email": "AWA@Exemple.fr"}
        )
        assert response.status_code == 409
        page = text(response)
        assert "Cette personne a déjà ce créneau." in page
        assert 'value="AWA@Exemple.fr"' in page
        assert Appointment.objects.count() == 1

    def test_bad_input_keeps_what_was_typed(self, client, permanence):
        slot = first_slot(permanence)
        response = client.post(
            f"/p/pic/creneaux/{slot.pk}/reserver/",
            {"first_name": "", "email": "awa@exemple.fr", "language": "peul"},
        )
        assert response.status_code == 400
        page = text(response)
        assert "Ce champ est obligatoire." in page
        assert 'value="awa@exemple.fr"' in page and 'value="peul"' in page
        assert not Appointment.objects.exists()
        assert Slot.objects.get(pk=slot.pk).booked == 0


def test_the_confirmation_page_and_message_say_what_to_bring(
    client, permanence, django_capture_on_commit_callbacks
):
    caf = Need.objects.get(slug="demander-rsa")
    permanence.needs.set([caf])
    slot = first_slot(permanence)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/p/pic/creneaux/{slot.pk}/reserver/", {**AWA, "need": caf.pk})
    (message,) = mail.outbox
    assert "À apporter :" in message.body
    assert "- Relevé d'identité bancaire (RIB)" in message.body
    page = text(client.get(response["Location"]))
    assert "À apporter" in page and "Relevé d&#x27;identité bancaire (RIB)" in page
