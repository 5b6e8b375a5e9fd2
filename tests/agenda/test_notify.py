"""Messages to visitors: sent after commit, by a task, by e-mail (with the calendar
file) or by text; never when the booking was rolled back or purged."""

import datetime
import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from icalendar import Calendar

from aiguillage.agenda import notify
from aiguillage.agenda.contact import Visitor, read_manage_token
from aiguillage.agenda.links import manage_path
from aiguillage.agenda.models import CancelledBy, Channel
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.services.appointments import book_slot, cancel_appointment
from aiguillage.agenda.services.permanences import cancel_occurrence, materialise
from aiguillage.agenda.services.workshops import cancel_registration, register
from aiguillage.agenda.sms import MemoryBackend
from aiguillage.core.french import weekday_day_month
from tests.agenda.factories import PermanenceFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)
NOW = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_BACKEND = "aiguillage.agenda.sms.MemoryBackend"
    settings.SITE_URL = "https://agenda.example.org"
    MemoryBackend.outbox.clear()
    yield
    MemoryBackend.outbox.clear()


def booked(visitor: Visitor, **permanence):
    """Booked online: the service queues the confirmation itself, with its transaction."""
    slot_owner = PermanenceFactory(**permanence)
    materialise(permanence=slot_owner, today=TODAY, window_days=31)
    slot = slot_owner.slots.order_by("starts_at").first()
    return book_slot(slot=slot, visitor=visitor, need=None, channel=Channel.ONLINE, now=NOW)


def events(attachment) -> list:
    name, content, mimetype = attachment
    assert name.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content).walk("VEVENT")


def test_booking_confirmation_email_has_calendar_file_and_manage_link(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booked(Visitor(first_name="Rose", email="rose@exemple.fr"))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rose@exemple.fr"]
    assert "Bonjour Rose" in message.body
    # "mardi 1er décembre", with the year when it is not this year's.
    assert weekday_day_month(datetime.date(2026, 12, 1)) in message.body
    assert weekday_day_month(datetime.date(2026, 12, 1)).startswith("mardi 1er décembre")
    assert "de 9 h à 9 h 30" in message.body
    link = next(w for w in message.body.split() if w.startswith("https://agenda.example.org/p/"))
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert read_manage_token(token, "appointment") == (appointment.pk, appointment.manage_key)
    (event,) = events(message.attachments[0])
    assert str(event["UID"]) == f"appointment-{appointment.pk}@agenda.example.org"
    assert event["STATUS"] == "CONFIRMED"
    assert event.start.tzinfo is not None
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Paris"
    assert "DTSTAMP" in event


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        booked(Visitor(first_name="Rose", email="rose@exemple.fr"))
        raise RuntimeError("the view failed after booking")
    assert callbacks == []
    assert mail.outbox == []


def test_phone_only_visitor_gets_a_text_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booked(Visitor(first_name="Ali", phone="06 12 34 56 78"))
    assert mail.outbox == []
    ((to, body),) = MemoryBackend.outbox
    assert to == "+33612345678"
    assert "1/12 à 09:00" in body
    link = re.search(r"https://agenda\.example\.org(/g/\S+/)", body).group(1)
    assert len(body) <= 160
    # The short link leads to the booking's manage page.
    assert Client().get(link)["Location"] == manage_path(appointment)


def test_a_landline_is_never_sent_a_text(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booked(Visitor(first_name="Ali", phone="04 67 12 34 56"))
    assert mail.outbox == [] and MemoryBackend.outbox == []


def test_log_backend_masks_the_number_and_keeps_the_text_out_of_the_log(settings, caplog):
    from aiguillage.agenda.sms import send_sms

    settings.SMS_BACKEND = "aiguillage.agenda.sms.LogBackend"
    with caplog.at_level("INFO", logger="aiguillage.agenda.sms"):
        send_sms(to="+33612345678", body="Rappel : RDV pour Rose")
    assert "*********78" in caplog.text
    assert "+33612345678" not in caplog.text
    assert "Rose" not in caplog.text


def test_cancelled_date_tells_everyone_booked_with_the_reason(django_capture_on_commit_callbacks):
    appointment = booked(Visitor(first_name="Rose", email="rose@exemple.fr"))
    with django_capture_on_commit_callbacks(execute=True):
        cancel_occurrence(occurrence=appointment.slot.occurrence, reason="Agent absent", now=NOW)
    (message,) = mail.outbox
    assert "n'aura pas lieu" in message.subject
    assert "Agent absent" in message.body
    (event,) = events(message.attachments[0])
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == f"appointment-{appointment.pk}@agenda.example.org"


def test_waitlisted_person_is_told_their_position_then_promoted(
    django_capture_on_commit_callbacks,
):
    workshop = WorkshopFactory(capacity=1, waitlist_capacity=5)
    first = register(
        workshop=workshop,
        visitor=Visitor(first_name="Un", email="un@exemple.fr"),
        channel=Channel.ONLINE,
        now=NOW,
    )
    with django_capture_on_commit_callbacks(execute=True):
        register(
            workshop=workshop,
            visitor=Visitor(first_name="Deux", email="deux@exemple.fr"),
            channel=Channel.ONLINE,
            now=NOW,
        )
    (told,) = mail.outbox
    assert "Liste d'attente" in told.subject
    assert "Votre place dans la liste : 1." in told.body
    assert told.attachments == []  # no date to put in a calendar yet
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = cancel_registration(
            registration=first, cancelled_by=CancelledBy.VISITOR, now=NOW
        )
        notify.registration_cancelled(first)
        notify.registration_promoted(promoted)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "annulée" in by_recipient["un@exemple.fr"].subject
    promotion = by_recipient["deux@exemple.fr"]
    assert "place s'est libérée" in promotion.subject
    sessions = events(promotion.attachments[0])
    assert len(sessions) == workshop.sessions.count()
    assert all(e["STATUS"] == "CONFIRMED" for e in sessions)


def test_network_can_word_its_own_messages(settings, tmp_path, django_capture_on_commit_callbacks):
    appointment = booked(Visitor(first_name="Rose", email="rose@exemple.fr"))
    folder = tmp_path / "agenda" / "email" / appointment.network.slug
    folder.mkdir(parents=True)
    (folder / "appointment_booked.txt").write_text(
        "Coucou {{ first_name }}, à {{ site.name }} ! {{ manage_url }}", encoding="utf-8"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        notify.appointment_booked(appointment)
    (message,) = mail.outbox
    assert message.body.startswith(f"Coucou Rose, à {appointment.slot.site.name} !")


def test_purged_booking_is_not_told(django_capture_on_commit_callbacks):
    appointment = booked(Visitor(first_name="Rose", email="rose@exemple.fr"))
    cancel_appointment(appointment=appointment, cancelled_by=CancelledBy.STAFF, now=NOW)
    type(appointment).objects.filter(pk=appointment.pk).update(purged_at=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        notify.appointment_cancelled(appointment)
    assert mail.outbox == []


def test_failed_sending_is_recorded_without_the_number(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.SMS_BACKEND = "tests.agenda.test_notify.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booked(Visitor(first_name="Ali", phone="0612345678"))
    assert type(appointment).objects.filter(pk=appointment.pk).exists()
    assert "DeliveryFailed" in caplog.text
    assert f"appointment_booked {appointment.pk}: ConnectionError" in caplog.text
    assert "612345678" not in caplog.text


class BrokenBackend:
    def send(self, *, to, body):
        raise ConnectionError(f"provider refused {to}")


def test_moved_appointment_one_message_strikes_out_the_old_time(
    django_capture_on_commit_callbacks,
):
    from aiguillage.agenda.services.appointments import move_appointment

    old = booked(Visitor(first_name="Rose", email="rose@exemple.fr"))
    later = old.slot.permanence.slots.order_by("starts_at")[1]
    with django_capture_on_commit_callbacks(execute=True):
        new = move_appointment(appointment=old, slot=later, channel=Channel.ONLINE, now=NOW)
    (message,) = mail.outbox
    assert message.subject.startswith("Nouvel horaire")
    assert "de 9 h 30 à 10 h" in message.body
    assert f"({weekday_day_month(datetime.date(2026, 12, 1))} à 9 h) est libéré" in message.body
    by_uid = {str(e["UID"]): e for e in events(message.attachments[0])}
    assert by_uid[f"appointment-{old.pk}@agenda.example.org"]["STATUS"] == "CANCELLED"
    assert by_uid[f"appointment-{new.pk}@agenda.example.org"]["STATUS"] == "CONFIRMED"


def test_cancelling_twice_tells_the_person_once(django_capture_on_commit_callbacks):
    """The service tells the person, once: the second request (another tab, the API
    after the portal) finds it cancelled and neither tells nor journals anything."""
    appointment = booked(Visitor(first_name="Rose", email="rose@exemple.fr"))
    with django_capture_on_commit_callbacks(execute=True):
        first = cancel_appointment(
            appointment=appointment, cancelled_by=CancelledBy.VISITOR, now=NOW
        )
        second = cancel_appointment(
            appointment=appointment, cancelled_by=CancelledBy.VISITOR, now=NOW
        )
    assert first.cancelled_now and not second.cancelled_now
    (message,) = mail.outbox
    assert "annulé" in message.subject
