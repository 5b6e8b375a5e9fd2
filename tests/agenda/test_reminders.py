"""Reminders: due ones are claimed once and sent 48 hours ahead, by the worker too."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Appointment, CancelledBy, Channel, Registration
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.services.appointments import book_slot, cancel_appointment
from aiguillage.agenda.services.permanences import materialise
from aiguillage.agenda.services.reminders import schedule_due_reminders
from aiguillage.agenda.services.workshops import register
from tests.agenda.factories import PermanenceFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)
BOOKED_AT = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=PARIS)
# The first slot of the factory permanence: Tuesday 1 December 2026, 9:00 in Paris.
SLOT_START = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://agenda.example.org"
    settings.REMINDER_HOURS_BEFORE = 48


def book(n: int, *, consent: bool = True) -> Appointment:
    permanence = PermanenceFactory(seats_per_slot=5)
    materialise(permanence=permanence, today=TODAY, window_days=31)
    slot = permanence.slots.order_by("starts_at").first()
    assert slot.starts_at == SLOT_START
    return book_slot(
        slot=slot,
        visitor=Visitor(
            first_name=f"Personne {n}", email=f"p{n}@exemple.fr", consent_reminders=consent
        ),
        need=None,
        channel=Channel.ONLINE,
        now=BOOKED_AT,
        tell=False,  # these tests are about the reminder, not the confirmation
    )


def test_reminder_goes_48_hours_before_and_only_once(django_capture_on_commit_callbacks):
    appointment = book(1)
    too_early = SLOT_START - datetime.timedelta(hours=49)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_due_reminders(now=too_early).appointments == 0
    assert mail.outbox == []
    due = SLOT_START - datetime.timedelta(hours=47)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_due_reminders(now=due).appointments == 1
        assert schedule_due_reminders(now=due).appointments == 0  # claimed
    (message,) = mail.outbox
    assert message.to == ["p1@exemple.fr"]
    assert message.subject.startswith("Rappel")
    assert message.attachments  # the calendar file again
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at == due


def test_no_reminder_without_consent_or_after_cancelling(django_capture_on_commit_callbacks):
    book(1, consent=False)
    cancelled = book(2)
    cancel_appointment(appointment=cancelled, cancelled_by=CancelledBy.VISITOR, now=BOOKED_AT)
    due = SLOT_START - datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_due_reminders(now=due).appointments == 0
    assert mail.outbox == []


def test_hours_before_is_configurable(settings, django_capture_on_commit_callbacks):
    book(1)
    settings.REMINDER_HOURS_BEFORE = 24
    with django_capture_on_commit_callbacks(execute=True):
        early = schedule_due_reminders(now=SLOT_START - datetime.timedelta(hours=30))
        due = schedule_due_reminders(now=SLOT_START - datetime.timedelta(hours=23))
    assert (early.appointments, due.appointments) == (0, 1)


def test_workshop_reminder_for_confirmed_people_only(django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(capacity=1, waitlist_capacity=3)
    for n in (1, 2):
        register(
            workshop=workshop,
            visitor=Visitor(first_name=f"P{n}", email=f"w{n}@exemple.fr", consent_reminders=True),
            channel=Channel.ONLINE,
            now=BOOKED_AT,
        )
    due = workshop.starts_at - datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = schedule_due_reminders(now=due)
    assert scheduled.registrations == 1
    (message,) = mail.outbox
    assert message.to == ["w1@exemple.fr"]
    assert Registration.objects.filter(reminder_sent_at__isnull=False).count() == 1


@pytest.fixture
def two_days_before(monkeypatch):
    """The commands read the clock; set it to 40 hours before the slot."""
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: SLOT_START - datetime.timedelta(hours=40)
    )


def test_command_reports_counts(django_capture_on_commit_callbacks, capsys, two_days_before):
    book(1)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert "1 appointments and 0 workshop registrations queued" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_command_refuses_silly_hours():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--hours"):
        call_command("send_reminders", "--hours", "0")


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_database_backend_queues_and_the_worker_sends(
    settings, django_capture_on_commit_callbacks, two_days_before
):
    """Production: the request only queues a row; `db_worker --batch` sends it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    book(1)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    pk = Appointment.objects.get().pk
    assert queued.args_kwargs["kwargs"] == {"kind": "appointment_reminder", "pk": pk}
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
