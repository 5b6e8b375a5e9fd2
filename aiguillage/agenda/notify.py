"""Telling visitors what happened to their booking.

The services call these inside their transaction. Each queues its message with the
transaction (``core/queue.py``): in production the queue's row is committed with the
booking, so nobody is told about a booking that was rolled back and no booking is kept
without its message; the sending is a background task, so the person at the desk never
waits for a mail server.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiguillage.agenda.messages import MessageKind
from aiguillage.agenda.models import Appointment, Registration
from aiguillage.core.queue import enqueue_with_the_transaction


def _later(kind: str, pk: int, **extra: int) -> None:
    from aiguillage.agenda.tasks import send_notification  # the task imports messages

    enqueue_with_the_transaction(send_notification, kind=kind, pk=pk, **extra)


def appointment_booked(appointment: Appointment) -> None:
    _later(MessageKind.APPOINTMENT_BOOKED, appointment.pk)


def appointment_moved(previous: Appointment, moved: Appointment) -> None:
    """One message with the new time; its calendar file strikes out the old one."""
    _later(MessageKind.APPOINTMENT_MOVED, moved.pk, previous=previous.pk)


def appointment_cancelled(appointment: Appointment) -> None:
    _later(MessageKind.APPOINTMENT_CANCELLED, appointment.pk)


def occurrence_cancelled(appointments: Iterable[Appointment]) -> None:
    """Everyone booked on a cancelled date; the reason is read from the date itself."""
    for appointment in appointments:
        _later(MessageKind.OCCURRENCE_CANCELLED, appointment.pk)


def appointment_reminder(appointment: Appointment) -> None:
    _later(MessageKind.APPOINTMENT_REMINDER, appointment.pk)


def registration_made(registration: Registration) -> None:
    _later(MessageKind.REGISTRATION_MADE, registration.pk)


def registration_cancelled(registration: Registration) -> None:
    _later(MessageKind.REGISTRATION_CANCELLED, registration.pk)


def registration_promoted(registration: Registration | Iterable[Registration] | None) -> None:
    """The person (or people, after more seats) who left the waiting list for a seat."""
    if registration is None:
        return
    promoted = [registration] if isinstance(registration, Registration) else registration
    for one in promoted:
        if one is not None:
            _later(MessageKind.REGISTRATION_PROMOTED, one.pk)


def workshop_dates_changed(registration: Registration) -> None:
    """A session removed (the site closes that day): the dates left, in one message."""
    _later(MessageKind.WORKSHOP_DATES_CHANGED, registration.pk)


def registration_reminder(registration: Registration) -> None:
    _later(MessageKind.REGISTRATION_REMINDER, registration.pk)
