"""Which reminders are due, each claimed once and handed to the worker.

The scheduler command runs this from cron. A reminder is claimed by a conditional
``UPDATE`` of ``reminder_sent_at`` before its task is queued, so two schedulers
started at once (an overlapping cron run, two servers) never send it twice; the task
is queued on commit, so a claim that rolled back sends nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from aiguillage.agenda import notify
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    OccurrenceStatus,
    Registration,
    RegistrationStatus,
    WorkshopStatus,
)


@dataclass(frozen=True)
class Scheduled:
    appointments: int
    registrations: int


def _claim_and_queue(due, tell, now: datetime.datetime) -> int:
    """Claim each due booking (its ``reminder_sent_at``) and queue its reminder; a
    booking another run claimed first is left to that run. Returns how many."""
    model = due.model
    queued = 0
    for pk in list(due.values_list("pk", flat=True)):
        if model.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
            tell(model(pk=pk))
            queued += 1
    return queued


@transaction.atomic
def schedule_due_reminders(*, now: datetime.datetime, hours_before: int | None = None) -> Scheduled:
    """Queue the reminder of every booking that starts within ``hours_before`` (default
    ``settings.REMINDER_HOURS_BEFORE``) and whose visitor agreed to reminders."""
    horizon = now + datetime.timedelta(
        hours=settings.REMINDER_HOURS_BEFORE if hours_before is None else hours_before
    )
    appointments = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        consent_reminders=True,
        reminder_sent_at__isnull=True,
        purged_at__isnull=True,
        slot__starts_at__gt=now,
        slot__starts_at__lte=horizon,
        slot__occurrence__status=OccurrenceStatus.SCHEDULED,
    )
    registrations = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        consent_reminders=True,
        reminder_sent_at__isnull=True,
        purged_at__isnull=True,
        workshop__status=WorkshopStatus.PUBLISHED,
        workshop__starts_at__gt=now,
        workshop__starts_at__lte=horizon,
    )
    return Scheduled(
        appointments=_claim_and_queue(appointments, notify.appointment_reminder, now),
        registrations=_claim_and_queue(registrations, notify.registration_reminder, now),
    )
