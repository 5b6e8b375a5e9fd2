"""Permanences: create them, keep their slots materialised ahead, cancel a date.

Materialising is idempotent: it creates the occurrences and slots missing from the
rolling window and leaves existing ones (and their bookings, and cancelled dates)
alone, so the scheduled task can run it as often as it likes.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import cast

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aiguillage.accounts import staff_acts
from aiguillage.agenda import notify, place_calendar, rules
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
from aiguillage.agenda.services.appointments import cancel_appointment
from aiguillage.agenda.services.errors import (
    AgendaError,
    OutsideOpeningHours,
    Overlap,
    SlotUnavailable,
)

WINDOW_DAYS = 183  # about six months ahead


def _all_windows(
    permanence: Permanence, first_day: datetime.date, last_day: datetime.date
) -> list[Window]:
    """Every window of the rule, in the network's time zone (closures and holidays in)."""
    return expand(
        rule=permanence.rrule,
        starts_on=permanence.starts_on,
        ends_on=permanence.ends_on,
        start_time=permanence.start_time,
        end_time=permanence.end_time,
        first_day=first_day,
        last_day=last_day,
        tz=permanence.network.zone,
    )


def _windows(
    permanence: Permanence, first_day: datetime.date, last_day: datetime.date
) -> list[Window]:
    """The windows that can be held: none while the site is closed, none on a public
    holiday unless the permanence opens on those too (the site's hours are checked
    when the permanence is saved, not here: see check_opening_hours)."""
    windows = _all_windows(permanence, first_day, last_day)
    if not windows:
        return windows
    closures = place_calendar.closures_between(permanence.site, first_day, last_day)
    return [
        window
        for window in windows
        if place_calendar.window_problem(
            permanence.site,
            window,
            zone=permanence.network.zone,
            closures=closures,
            outside_opening_hours=True,  # the hours are the save's to check
            on_public_holidays=permanence.on_public_holidays,
            today=first_day,
        )
        is None
    ]


def check_opening_hours(permanence: Permanence, *, today: datetime.date) -> None:
    """Refuse a permanence held when its site is closed to the public, naming the
    site's hours, unless it says it is held outside them."""
    if permanence.outside_opening_hours:
        return
    last_day = today + datetime.timedelta(days=WINDOW_DAYS)
    for window in _windows(permanence, today, last_day):
        problem = place_calendar.window_problem(
            permanence.site,
            window,
            zone=permanence.network.zone,
            closures=(),
            outside_opening_hours=False,
            on_public_holidays=True,
            today=today,
        )
        if problem is not None:
            raise OutsideOpeningHours(problem.message)


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
    check_opening_hours(permanence, today=today)
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
                    Window(occurrence.starts_at, occurrence.ends_at),
                    cast(int, permanence.slot_minutes),  # set unless walk-in (a constraint)
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
    *,
    occurrence: Occurrence,
    reason: str,
    now: datetime.datetime,
    actor=None,
    via: str = "occurrence",
) -> list[Appointment]:
    """Cancel one date of a permanence; its bookings are cancelled and returned. The
    people concerned are told (queued with the transaction) and, for a staff member
    (``actor``), each cancellation is journaled."""
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
    if actor is not None:
        staff_acts.bookings_cancelled(
            appointments=concerned, actor=actor, via=via, occurrence=occurrence.pk
        )
    notify.occurrence_cancelled(concerned)
    return concerned


# --- Editing a permanence that already has bookings ---------------------------------


class BookingsWouldMove(AgendaError):
    """The edit would move or remove booked appointments; ``appointments`` says which,
    so that the staff page can ask what to do with the people concerned."""

    def __init__(self, appointments: list[Appointment]) -> None:
        self.appointments = appointments
        super().__init__(
            _("Cette modification déplacerait %(n)s rendez-vous réservés.")
            % {"n": len(appointments)}
        )


@dataclass
class _SchedulePlan:
    """How the future dates and slots of a permanence follow an edit, as decided before
    anything is written: what is kept (with its new end, seats, site), what goes."""

    keep: dict[int, Window] = field(default_factory=dict)  # occurrence pk -> its new window
    drop: list[Occurrence] = field(default_factory=list)
    keep_slots: dict[int, Window] = field(default_factory=dict)  # slot pk -> its new window
    drop_slots: list[Slot] = field(default_factory=list)
    new_slots: list[tuple[Occurrence, Window]] = field(default_factory=list)
    moved: list[Appointment] = field(default_factory=list)


def _plan_schedule(
    old: Permanence, new: Permanence, *, today: datetime.date, now: datetime.datetime
) -> _SchedulePlan:
    """Compare the future of ``old`` with the rule, hours and slots of ``new``.

    A date is the same date when it starts at the same time; a slot is the same slot
    when it starts at the same time (a shorter or longer slot still meets the person
    at the hour they were given). Whatever no longer exists moves its bookings; a
    change of site moves every future booking.
    """
    plan = _SchedulePlan()
    windows = {
        w.starts_at: w
        for w in _windows(new, today, today + datetime.timedelta(days=WINDOW_DAYS))
        if not rules.has_started(w.starts_at, now)
    }
    occurrences = (
        Occurrence.objects.filter(
            permanence=old, starts_at__gt=now, status=OccurrenceStatus.SCHEDULED
        )
        .prefetch_related(
            Prefetch(
                "slots",
                queryset=Slot.objects.order_by("starts_at").prefetch_related(
                    Prefetch(
                        "appointments",
                        queryset=Appointment.objects.filter(status=AppointmentStatus.BOOKED)
                        .select_related("slot")
                        .order_by("pk"),
                        to_attr="booked_here",
                    )
                ),
            )
        )
        .order_by("starts_at")
    )
    site_moves = new.site_id != old.site_id
    for occurrence in occurrences:
        window = windows.get(occurrence.starts_at)
        slots = list(occurrence.slots.all())
        if window is None:
            plan.drop.append(occurrence)
            plan.drop_slots.extend(slots)
            plan.moved.extend(a for slot in slots for a in slot.booked_here)
            continue
        plan.keep[occurrence.pk] = window
        wanted = (
            {}
            if new.walk_in
            else {w.starts_at: w for w in split_into_slots(window, cast(int, new.slot_minutes))}
        )
        existing = {slot.starts_at for slot in slots}
        for slot in slots:
            if slot.starts_at in wanted:
                plan.keep_slots[slot.pk] = wanted[slot.starts_at]
                if site_moves:
                    plan.moved.extend(slot.booked_here)
            else:
                plan.drop_slots.append(slot)
                plan.moved.extend(slot.booked_here)
        plan.new_slots.extend(
            (occurrence, w) for start, w in wanted.items() if start not in existing
        )
    plan.moved.sort(key=lambda a: (a.slot.starts_at, a.pk))
    return plan


def _check_seats(plan: _SchedulePlan, seats: int) -> None:
    """Fewer seats than a kept slot already holds is refused: nobody is pushed out."""
    crowded = (
        Slot.objects.filter(pk__in=list(plan.keep_slots), booked__gt=seats)
        .order_by("starts_at")
        .first()
    )
    if crowded is not None:
        local = timezone.localtime(crowded.starts_at)
        raise SlotUnavailable(
            _(
                "Le créneau du %(day)s à %(time)s a déjà %(n)s réservations : "
                "il faut au moins %(n)s places par créneau."
            )
            % {
                "day": local.strftime("%d/%m/%Y"),
                "time": local.strftime("%H:%M"),
                "n": crowded.booked,
            }
        )


def bookings_moved_by(
    *, permanence: Permanence, today: datetime.date, now: datetime.datetime
) -> list[Appointment]:
    """The future booked appointments that saving the (edited, unsaved) ``permanence``
    would move or remove, earliest first. Writes nothing."""
    old = Permanence.objects.get(pk=permanence.pk)
    return _plan_schedule(old, permanence, today=today, now=now).moved


@transaction.atomic
def edit_permanence(
    *,
    permanence: Permanence,
    needs: Iterable[int] | None = None,
    today: datetime.date,
    now: datetime.datetime,
    cancel: Collection[int] = (),
    actor=None,
) -> list[Appointment]:
    """Save an edit of an existing permanence and bring its future dates and slots in
    line with it; returns the appointments it cancelled (for the caller to tell).

    Bookings the edit would move (a date or a slot that no longer exists, another
    site) are never moved silently: unless every one of them is in ``cancel`` (the
    ids the staff agreed to cancel), ``BookingsWouldMove`` lists them and nothing is
    written. Fewer seats than a slot holds and overlaps are refused. Past dates and
    cancelled dates are left as they are.
    """
    if permanence.pk is None:
        raise ValueError("edit_permanence edits a saved permanence; use save_permanence")
    old = Permanence.objects.select_for_update().get(pk=permanence.pk)
    permanence.full_clean()
    check_no_overlap(permanence, today=today)
    check_opening_hours(permanence, today=today)
    plan = _plan_schedule(old, permanence, today=today, now=now)
    _check_seats(plan, permanence.seats_per_slot)
    if {a.pk for a in plan.moved} - set(cancel):
        raise BookingsWouldMove(plan.moved)
    cancelled = [
        cancel_appointment(
            appointment=a,
            cancelled_by=CancelledBy.STAFF,
            now=now,
            actor=actor,
            via="permanence_edit",
        )
        for a in plan.moved
    ]
    _apply_schedule(plan, permanence)
    permanence.save()
    if needs is not None:
        permanence.needs.set(needs)
    materialise(permanence=permanence, today=today)
    return cancelled


def _apply_schedule(plan: _SchedulePlan, permanence: Permanence) -> None:
    # Rows with a booking history stay (closed), so that past messages keep their times.
    with_history = set(
        Appointment.objects.filter(slot__in=plan.drop_slots).values_list("slot_id", flat=True)
    )
    for occurrence in plan.drop:
        if any(slot.pk in with_history for slot in occurrence.slots.all()):
            occurrence.status = OccurrenceStatus.CANCELLED
            with translation.override(settings.LANGUAGE_CODE):  # told to visitors in French
                occurrence.cancel_reason = _("Horaires de la permanence modifiés")
            occurrence.save(update_fields=["status", "cancel_reason"])
        else:
            occurrence.delete()
    Slot.objects.filter(pk__in=[s.pk for s in plan.drop_slots if s.pk in with_history]).update(
        is_open=False
    )
    Slot.objects.filter(pk__in=[s.pk for s in plan.drop_slots if s.pk not in with_history]).delete()
    for pk, window in plan.keep.items():
        Occurrence.objects.filter(pk=pk).update(ends_at=window.ends_at)
    is_public = permanence.bookable_by == BookableBy.PUBLIC
    kept = Slot.objects.in_bulk(list(plan.keep_slots))
    for pk, window in plan.keep_slots.items():
        slot = kept[pk]
        slot.ends_at = window.ends_at
        slot.capacity = permanence.seats_per_slot
        slot.is_public = is_public
        slot.site_id = permanence.site_id
        slot.is_open = True
    Slot.objects.bulk_update(kept.values(), ["ends_at", "capacity", "is_public", "site", "is_open"])
    Slot.objects.bulk_create(
        [_slot(permanence, occurrence, window) for occurrence, window in plan.new_slots]
    )
