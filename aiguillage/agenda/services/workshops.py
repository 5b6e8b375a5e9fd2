"""Registering for a workshop, the waiting list, and freeing a seat.

As for slots, a seat (or a place on the waiting list) is taken by a conditional
``UPDATE`` of the workshop's counters, so concurrent registrations from several
server processes can never exceed either. When a confirmed person cancels, the first
person waiting (in order of registration) takes the seat in the same transaction.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aiguillage.accounts import staff_acts
from aiguillage.agenda import notify, place_calendar, rules
from aiguillage.agenda.contact import Visitor, checked_visitor, contact_fields, contact_key
from aiguillage.agenda.models import (
    Attendance,
    Channel,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopSession,
    WorkshopStatus,
)
from aiguillage.agenda.recurrence import Window
from aiguillage.agenda.services.errors import (
    AlreadyBooked,
    OutsideOpeningHours,
    SlotUnavailable,
    WorkshopFull,
)


def _already() -> str:
    return _("Cette personne est déjà inscrite à cet atelier (ou en liste d'attente).")


def _check_open(workshop: Workshop, *, channel: str, now: datetime.datetime) -> None:
    refusal = rules.workshop_refusal(workshop, channel=channel, now=now)
    if refusal is not None:
        raise refusal


def _take(workshop_pk: int, counter: str, limit: str) -> bool:
    return bool(
        Workshop.objects.filter(pk=workshop_pk, **{f"{counter}__lt": F(limit)}).update(
            **{counter: F(counter) + 1}
        )
    )


@transaction.atomic
def register(
    *,
    workshop: Workshop,
    visitor: Visitor,
    channel: str,
    now: datetime.datetime,
    actor=None,
    tell: bool = True,
) -> Registration:
    """A confirmed seat if there is one, else a place on the waiting list, else
    WorkshopFull; the same contact twice is AlreadyBooked. Nothing is written on error.
    The confirmation is queued in the same transaction (``tell=False``: the demo)."""
    visitor = checked_visitor(visitor, contact_required=channel != Channel.DESK)
    workshop = Workshop.objects.get(pk=workshop.pk)
    _check_open(workshop, channel=channel, now=now)
    key = contact_key(visitor)
    if key and Registration.objects.active().filter(workshop=workshop, contact_key=key).exists():
        raise AlreadyBooked(_already())
    if _take(workshop.pk, "confirmed", "capacity"):
        status = RegistrationStatus.CONFIRMED
    elif _take(workshop.pk, "waitlisted", "waitlist_capacity"):
        status = RegistrationStatus.WAITLISTED
    else:
        raise WorkshopFull(_("L'atelier et sa liste d'attente sont complets."))
    try:
        with transaction.atomic():
            made = Registration.objects.create(
                network_id=workshop.network_id,
                workshop=workshop,
                status=status,
                channel=channel,
                registered_by=actor,
                **contact_fields(visitor),
            )
    except IntegrityError as exc:  # the same contact, at the same instant
        raise AlreadyBooked(_already()) from exc
    if tell:
        notify.registration_made(made)
    return made


@transaction.atomic
def cancel_registration(
    *,
    registration: Registration,
    cancelled_by: str,
    now: datetime.datetime,
    actor=None,
    via: str = "",
    tell: bool = True,
) -> Registration | None:
    """Cancel; if a confirmed seat is freed, promote the first person waiting.

    Returns the promoted registration, or None. The registration given says
    ``cancelled_now``: True only for the call that cancelled it (two requests may share
    an instant). That call queues the person's message with the transaction
    (``tell=False``: an erasure, nobody left to tell) and, for a staff member
    (``actor``), journals it; the person promoted is always told.
    """
    given = registration
    given.cancelled_now = False
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        return None
    given.cancelled_now = True
    was = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_by = cancelled_by
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_by", "cancelled_at", "updated_at"])
    registration.cancelled_now = True
    if actor is not None:
        staff_acts.registrations_cancelled(registrations=[registration], actor=actor, via=via)
    if tell:
        notify.registration_cancelled(registration)
    if was == RegistrationStatus.WAITLISTED:
        Workshop.objects.filter(pk=registration.workshop_id, waitlisted__gt=0).update(
            waitlisted=F("waitlisted") - 1
        )
        return None
    promoted = _promote_first(registration.workshop_id, now=now, freed=True)
    notify.registration_promoted(promoted)
    return promoted


def _promote_first(workshop_pk: int, *, now: datetime.datetime, freed: bool) -> Registration | None:
    """Move the first waiting person to the seat just freed (the counter of confirmed
    seats does not change), or give the seat back when nobody waits."""
    first = (
        Registration.objects.select_for_update()
        .filter(workshop_id=workshop_pk)
        .waiting_in_order()
        .first()
    )
    if first is None:
        if freed:
            Workshop.objects.filter(pk=workshop_pk, confirmed__gt=0).update(
                confirmed=F("confirmed") - 1
            )
        return None
    first.status = RegistrationStatus.CONFIRMED
    first.promoted_at = now
    first.save(update_fields=["status", "promoted_at", "updated_at"])
    Workshop.objects.filter(pk=workshop_pk, waitlisted__gt=0).update(waitlisted=F("waitlisted") - 1)
    return first


@transaction.atomic
def change_capacity(*, workshop: Workshop, capacity: int, now: datetime.datetime) -> list:
    """More seats promote people waiting; fewer seats than confirmed people is refused
    (the staff page asks whom to move first). Returns the promoted registrations."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if capacity < workshop.confirmed:
        raise SlotUnavailable(
            _("%(n)s personnes sont déjà inscrites : il faut au moins %(n)s places.")
            % {"n": workshop.confirmed}
        )
    Workshop.objects.filter(pk=workshop.pk).update(capacity=capacity)
    promoted = []
    for _seat in range(capacity - workshop.confirmed):
        if not Registration.objects.filter(workshop=workshop).waiting_in_order().exists():
            break
        Workshop.objects.filter(pk=workshop.pk).update(confirmed=F("confirmed") + 1)
        promoted.append(_promote_first(workshop.pk, now=now, freed=False))
    return promoted


# --- Creating and editing a workshop, taking attendance -----------------------------


@dataclass(frozen=True)
class WorkshopSaved:
    """The saved workshop, and the people to tell: those who got a seat (more seats)
    and those whose registration was cancelled (the workshop was cancelled)."""

    workshop: Workshop
    promoted: list[Registration] = field(default_factory=list)
    cancelled: list[Registration] = field(default_factory=list)


def _checked_sessions(sessions: Iterable[Window]) -> list[Window]:
    windows = sorted(sessions, key=lambda w: w.starts_at)
    if not windows:
        raise SlotUnavailable(_("Un atelier a au moins une séance."))
    for window in windows:
        if window.ends_at <= window.starts_at:
            raise SlotUnavailable(_("Une séance doit finir après son début."))
    for before, after in itertools.pairwise(windows):
        if after.starts_at < before.ends_at:
            raise SlotUnavailable(_("Deux séances de l'atelier se chevauchent."))
    return windows


def _check_calendar(workshop: Workshop, windows: list[Window], *, now: datetime.datetime) -> None:
    """Each session to come at a time its site is open: never during a closure, on a
    public holiday or outside the hours only when the coordinator ticked it. Sessions
    already held are history and are not checked again."""
    if workshop.status == WorkshopStatus.CANCELLED:
        return
    zone = workshop.network.zone
    to_come = [w for w in windows if not rules.has_started(w.starts_at, now)]
    if not to_come:
        return
    first = to_come[0].starts_at.astimezone(zone).date()
    last = to_come[-1].starts_at.astimezone(zone).date()
    closures = place_calendar.closures_between(workshop.site, first, last)
    for window in to_come:
        problem = place_calendar.window_problem(
            workshop.site,
            window,
            zone=zone,
            closures=closures,
            outside_opening_hours=workshop.outside_opening_hours,
            on_public_holidays=workshop.on_public_holidays,
            today=now.astimezone(zone).date(),
        )
        if problem is not None:
            raise OutsideOpeningHours(problem.message)


def _reconcile_sessions(workshop: Workshop, windows: list[Window], *, registered: int) -> None:
    """Same start, same session (its end may change); others are added or removed.
    With people registered, a session is neither moved nor removed: they chose these
    dates. A session whose attendance was taken is never removed."""
    existing = {s.starts_at: s for s in WorkshopSession.objects.filter(workshop=workshop)}
    wanted = {w.starts_at: w for w in windows}
    gone = [session for start, session in existing.items() if start not in wanted]
    if gone and registered:
        raise SlotUnavailable(
            ngettext(
                "%(n)s personne est inscrite : une séance ne peut être ni déplacée ni retirée. "
                "Ajoutez une séance, ou annulez l'atelier.",
                "%(n)s personnes sont inscrites : une séance ne peut être ni déplacée ni "
                "retirée. Ajoutez une séance, ou annulez l'atelier.",
                registered,
            )
            % {"n": registered}
        )
    if gone and Attendance.objects.filter(session__in=gone).exists():
        raise SlotUnavailable(
            _(
                "Les présences d'une séance ont été relevées : "
                "cette séance ne peut plus être retirée."
            )
        )
    WorkshopSession.objects.filter(pk__in=[s.pk for s in gone]).delete()
    for start, window in wanted.items():
        session = existing.get(start)
        if session is None:
            WorkshopSession.objects.create(
                workshop=workshop, starts_at=window.starts_at, ends_at=window.ends_at
            )
        elif session.ends_at != window.ends_at:
            session.ends_at = window.ends_at
            session.save(update_fields=["ends_at"])


@transaction.atomic
def save_workshop(
    *,
    workshop: Workshop,
    sessions: Iterable[Window],
    needs: Iterable[int] | None = None,
    now: datetime.datetime,
    actor=None,
) -> WorkshopSaved:
    """Create or update a workshop and its sessions.

    More seats promote people waiting; fewer seats than confirmed people, or a
    waiting list shorter than the people waiting, is refused. Setting the status to
    cancelled cancels every registration (journaled for the staff member ``actor``).
    The people cancelled or promoted are told, queued with the transaction. The
    counters are the database's, never the form's. Raises an AgendaError (nothing
    written) when refused.
    """
    windows = _checked_sessions(sessions)
    _check_calendar(workshop, windows, now=now)
    workshop.starts_at = windows[0].starts_at
    promoted: list[Registration] = []
    cancelled: list[Registration] = []
    if workshop.pk is None:
        workshop.confirmed = workshop.waitlisted = 0
        workshop.full_clean()
        workshop.save()
        registered = 0
    else:
        old = Workshop.objects.select_for_update().get(pk=workshop.pk)
        workshop.confirmed, workshop.waitlisted = old.confirmed, old.waitlisted
        if workshop.status == WorkshopStatus.CANCELLED and old.status != WorkshopStatus.CANCELLED:
            cancelled = _cancel_everyone(old, now=now)
            workshop.confirmed = workshop.waitlisted = 0
        elif workshop.capacity != old.capacity:
            promoted = change_capacity(workshop=old, capacity=workshop.capacity, now=now)
            fresh = Workshop.objects.get(pk=old.pk)
            workshop.confirmed, workshop.waitlisted = fresh.confirmed, fresh.waitlisted
        if workshop.waitlist_capacity < workshop.waitlisted:
            raise SlotUnavailable(
                _("%(n)s personnes attendent : il faut au moins %(n)s places en liste d'attente.")
                % {"n": workshop.waitlisted}
            )
        workshop.full_clean()
        workshop.save()
        registered = workshop.confirmed + workshop.waitlisted
    _reconcile_sessions(workshop, windows, registered=registered)
    if needs is not None:
        workshop.needs.set(needs)
    if cancelled and actor is not None:
        staff_acts.registrations_cancelled(
            registrations=cancelled, actor=actor, via="workshop_cancelled"
        )
    for registration in cancelled:
        notify.registration_cancelled(registration)
    notify.registration_promoted(promoted)
    return WorkshopSaved(workshop=workshop, promoted=promoted, cancelled=cancelled)


@transaction.atomic
def cancel_workshop_for_closure(
    *, workshop: Workshop, now: datetime.datetime
) -> list[Registration]:
    """The workshop cancelled because its site closes on every one of its dates; returns
    the registrations cancelled, to be told."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    people = _cancel_everyone(workshop, now=now)
    Workshop.objects.filter(pk=workshop.pk).update(status=WorkshopStatus.CANCELLED)
    return people


def _cancel_everyone(workshop: Workshop, *, now: datetime.datetime) -> list[Registration]:
    people = list(
        Registration.objects.select_for_update()
        .filter(workshop=workshop)
        .active()
        .order_by("created_at", "pk")
    )
    Registration.objects.filter(pk__in=[r.pk for r in people]).update(
        status=RegistrationStatus.CANCELLED, cancelled_by="staff", cancelled_at=now
    )
    for registration in people:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_by = "staff"
        registration.cancelled_at = now
    Workshop.objects.filter(pk=workshop.pk).update(confirmed=0, waitlisted=0)
    return people


@transaction.atomic
def record_session_attendance(
    *, session: WorkshopSession, present: Collection[int], now: datetime.datetime
) -> int:
    """Present or absent, for every confirmed person of the session's workshop (ids in
    ``present`` came, the others did not), once the session has started. Taking it
    again corrects it. Returns how many came."""
    if not rules.has_started(session.starts_at, now):
        raise SlotUnavailable(_("Cette séance n'a pas encore commencé."))
    confirmed = list(
        Registration.objects.filter(
            workshop_id=session.workshop_id, status=RegistrationStatus.CONFIRMED
        ).values_list("pk", flat=True)
    )
    recorded = {
        a.registration_id: a
        for a in Attendance.objects.select_for_update().filter(
            session=session, registration_id__in=confirmed
        )
    }
    changed, new = [], []
    for pk in confirmed:
        came = pk in present
        row = recorded.get(pk)
        if row is None:
            new.append(Attendance(registration_id=pk, session=session, present=came))
        elif row.present != came:
            row.present = came
            changed.append(row)
    Attendance.objects.bulk_update(changed, ["present"])
    Attendance.objects.bulk_create(new)
    return sum(1 for pk in confirmed if pk in present)


# --- The day's work at the desk: one person at a time ---------------------------------


@transaction.atomic
def mark_session_attendance(
    *, session: WorkshopSession, registration: Registration, present: bool, now: datetime.datetime
) -> Attendance:
    """One person came to a session, or did not (the desk's one click), once the session
    has started, for a confirmed person of its workshop; the others are left as they
    are (``record_session_attendance`` takes the whole list at once). Marking again
    corrects it."""
    if not rules.has_started(session.starts_at, now):
        raise SlotUnavailable(_("Cette séance n'a pas encore commencé."))
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if (
        registration.workshop_id != session.workshop_id
        or registration.status != RegistrationStatus.CONFIRMED
    ):
        raise SlotUnavailable(_("Cette personne n'a pas de place à cet atelier."))
    attendance, _created = Attendance.objects.update_or_create(
        registration=registration, session=session, defaults={"present": present}
    )
    return attendance


@transaction.atomic
def add_walk_in(
    *, session: WorkshopSession, first_name: str, now: datetime.datetime, actor=None
) -> Registration:
    """Someone who comes to a session without having registered: a confirmed seat taken
    at the desk with a first name only, and marked present at this session.

    Only once the session has started (before, it is an ordinary registration, with the
    waiting list if need be), for a published workshop, and while a seat is left (the
    waiting list is not for someone already in the room). Raises an AgendaError, or a
    ValidationError for the first name; nothing is written then."""
    visitor = checked_visitor(Visitor(first_name=first_name), contact_required=False)
    workshop = Workshop.objects.get(pk=session.workshop_id)
    refusal = rules.walk_in_refusal(session, workshop=workshop, now=now)
    if refusal is not None:
        raise refusal
    if not _take(workshop.pk, "confirmed", "capacity"):
        raise WorkshopFull(_("L'atelier est complet : il ne reste aucune place."))
    registration = Registration.objects.create(
        network_id=workshop.network_id,
        workshop=workshop,
        status=RegistrationStatus.CONFIRMED,
        channel=Channel.DESK,
        registered_by=actor,
        **contact_fields(visitor),
    )
    Attendance.objects.create(registration=registration, session=session, present=True)
    return registration
