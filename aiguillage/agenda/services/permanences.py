"""Permanences: create them, keep their slots materialised ahead, cancel a date.

Materialising is idempotent: it creates the occurrences and slots missing from the
rolling window and leaves existing ones (and their bookings, and cancelled dates)
alone, so the scheduled task can run it as often as it likes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    BookableBy,
    CancelledBy,
    Occurrence,
    OccurrenceStatus,
    Permanence,
    Slot,
)
from aiguillage.agenda.recurrence import Window, expand, split_into_slots
from aiguillage.agenda.services.errors import Overlap

WINDOW_DAYS = 183  # about six months ahead


def _windows(permanence: Permanence, first_day: datetime.date, last_day: datetime.date):
    return expand(
        rule=permanence.rrule,
        starts_on=permanence.starts_on,
        ends_on=permanence.ends_on,
        start_time=permanence.start_time,
        end_time=permanence.end_time,
        first_day=first_day,
        last_day=last_day,
    )


def _same_person(permanence: Permanence) -> dict[str, object] | None:
    """Who holds the permanence, as a lookup on Permanence; None if nobody is named."""
    if permanence.staff_id:
        return {"staff_id": permanence.staff_id}
    if permanence.structure_id and permanence.partner_agent.strip():
        return {
            "structure_id": permanence.structure_id,
            "partner_agent__iexact": permanence.partner_agent.strip(),
        }
    return None


def check_no_overlap(
    permanence: Permanence, *, today: datetime.date, window_days: int = WINDOW_DAYS
) -> None:
    """Refuse a permanence whose person is already somewhere else at one of its times.

    Compared over the materialised window, against the other permanence's scheduled
    dates (a cancelled date frees the person).
    """
    person = _same_person(permanence)
    if person is None:
        return
    last_day = today + datetime.timedelta(days=window_days)
    mine = _windows(permanence, today, last_day)
    if not mine:
        return
    others = (
        Occurrence.objects.filter(
            **{f"permanence__{lookup}": value for lookup, value in person.items()},
            status=OccurrenceStatus.SCHEDULED,
            starts_at__lt=mine[-1].ends_at,
            ends_at__gt=mine[0].starts_at,
            permanence__is_active=True,
        )
        .exclude(permanence_id=permanence.pk)
        .select_related("permanence__site")
        .order_by("starts_at")
    )
    taken = list(others)
    for window in mine:
        for other in taken:
            if other.starts_at < window.ends_at and window.starts_at < other.ends_at:
                raise Overlap(
                    _(
                        "Cette personne est déjà attendue à « %(site)s » (%(title)s) "
                        "le %(day)s de %(start)s à %(end)s."
                    )
                    % {
                        "site": other.permanence.site.name,
                        "title": other.permanence.title,
                        "day": timezone.localtime(other.starts_at).strftime("%d/%m/%Y"),
                        "start": timezone.localtime(other.starts_at).strftime("%H:%M"),
                        "end": timezone.localtime(other.ends_at).strftime("%H:%M"),
                    }
                )


@transaction.atomic
def save_permanence(
    *, permanence: Permanence, needs: Iterable[int] | None = None, today: datetime.date
) -> Permanence:
    """Create or update a permanence, refusing overlaps, then materialise its window.

    An edit that changes the rule or the hours only adds the new dates: existing
    occurrences with bookings are never moved behind the booked people's backs (the
    staff page asks what to do with them first).
    """
    permanence.full_clean()
    check_no_overlap(permanence, today=today)
    permanence.save()
    if needs is not None:
        permanence.needs.set(needs)
    materialise(permanence=permanence, today=today)
    return permanence


def materialise(
    *, permanence: Permanence, today: datetime.date, window_days: int = WINDOW_DAYS
) -> int:
    """Create the missing occurrences and slots up to ``today + window_days``.

    Returns how many occurrences were created.
    """
    if not permanence.is_active:
        return 0
    last_day = today + datetime.timedelta(days=window_days)
    windows = _windows(permanence, today, last_day)
    if not windows:
        Permanence.objects.filter(pk=permanence.pk).update(materialised_until=last_day)
        return 0
    existing = set(
        Occurrence.objects.filter(
            permanence=permanence, starts_at__gte=windows[0].starts_at
        ).values_list("starts_at", flat=True)
    )
    new = [w for w in windows if w.starts_at not in existing]
    occurrences = Occurrence.objects.bulk_create(
        [Occurrence(permanence=permanence, starts_at=w.starts_at, ends_at=w.ends_at) for w in new]
    )
    if occurrences and not permanence.walk_in:
        Slot.objects.bulk_create(
            [
                _slot(permanence, occurrence, slot)
                for occurrence in occurrences
                for slot in split_into_slots(
                    Window(occurrence.starts_at, occurrence.ends_at), permanence.slot_minutes
                )
            ],
            batch_size=1000,
        )
    Permanence.objects.filter(pk=permanence.pk).update(materialised_until=last_day)
    return len(occurrences)


def _slot(permanence: Permanence, occurrence: Occurrence, window: Window) -> Slot:
    return Slot(
        occurrence=occurrence,
        permanence=permanence,
        network_id=permanence.network_id,
        site_id=permanence.site_id,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        capacity=permanence.seats_per_slot,
        is_public=permanence.bookable_by == BookableBy.PUBLIC,
    )


def materialise_all(*, today: datetime.date, window_days: int = WINDOW_DAYS) -> int:
    """The scheduled task: every active permanence, each in its own transaction."""
    created = 0
    for permanence in Permanence.objects.active().order_by("pk"):
        with transaction.atomic():
            created += materialise(permanence=permanence, today=today, window_days=window_days)
    return created


@transaction.atomic
def cancel_occurrence(
    *, occurrence: Occurrence, reason: str, now: datetime.datetime
) -> list[Appointment]:
    """Cancel one date of a permanence; its bookings are cancelled and returned, so
    that the people concerned are told (the caller sends the messages on commit)."""
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    occurrence.status = OccurrenceStatus.CANCELLED
    occurrence.cancel_reason = reason.strip()[:200]
    occurrence.save(update_fields=["status", "cancel_reason"])
    Slot.objects.filter(occurrence=occurrence).update(is_open=False)
    concerned = list(
        Appointment.objects.filter(slot__occurrence=occurrence, status=AppointmentStatus.BOOKED)
        .select_related("slot__permanence__site")
        .order_by("slot__starts_at", "pk")
    )
    Appointment.objects.filter(pk__in=[a.pk for a in concerned]).update(
        status=AppointmentStatus.CANCELLED, cancelled_by=CancelledBy.SYSTEM, cancelled_at=now
    )
    for appointment in concerned:
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_by = CancelledBy.SYSTEM
        appointment.cancelled_at = now
    return concerned
