"""Background tasks of the agenda (django-tasks; run by ``manage.py db_worker``).

Arguments are primary keys and a kind, never personal data: the task table is not a
place for it, and the booking may have changed (or been purged) by the time a worker
runs the task, so it is read again then.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

from aiguillage.agenda.contact import message_channel
from aiguillage.agenda.messages import Message, MessageKind, compose
from aiguillage.agenda.models import Appointment, Registration
from aiguillage.agenda.sms import send_sms

logger = logging.getLogger("aiguillage.agenda.notify")


class DeliveryFailed(Exception):
    """A sending failed. Only the error's class is kept: a mail server's message names
    the recipient, and task results and logs are not a place for addresses."""


def _booking(kind: str, pk: int) -> Appointment | Registration | None:
    if kind in MessageKind.FOR_APPOINTMENTS:
        return (
            Appointment.objects.select_related(
                "network", "need", "slot__permanence__site", "slot__occurrence"
            )
            .filter(pk=pk)
            .first()
        )
    if kind in MessageKind.FOR_REGISTRATIONS:
        return (
            Registration.objects.select_related("network", "workshop__site")
            .prefetch_related("workshop__sessions")
            .filter(pk=pk)
            .first()
        )
    raise ValueError(f"unknown message kind {kind!r}")


@task()
def send_notification(kind: str, pk: int, previous: int | None = None) -> str:
    """Send one message about one booking; returns how it went (for the task result).

    E-mail when the person gave one (with the calendar file), else a text message.
    A purged booking has nobody left to tell.
    """
    booking = _booking(kind, pk)
    if booking is None or booking.purged_at is not None:
        return "skipped"
    replaced = _booking(kind, previous) if previous is not None else None
    message = compose(kind, booking, previous=replaced)
    try:
        channel = _deliver(booking, message)
    except Exception as exc:
        raise DeliveryFailed(f"{kind} {pk}: {type(exc).__name__}") from None
    if channel:
        logger.info("sent %s about %s %d by %s", kind, type(booking).__name__.lower(), pk, channel)
    return channel or "skipped"


def _deliver(booking: Appointment | Registration, message: Message) -> str:
    channel = message_channel(email=booking.email, phone=booking.phone)
    if channel == "email":
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[booking.email],
        )
        if message.ics is not None:
            email.attach("rendez-vous.ics", message.ics, "text/calendar; charset=utf-8")
        email.send()
        return "email"
    if channel == "sms":  # a landline is called back, never sent a text
        send_sms(to=booking.phone, body=message.sms)
    return channel
