"""Journal entries of the staff's acts on people's bookings and contact data.

The services and views that do these acts call these helpers inside the act's own
transaction, so an act and its entry are written together or not at all. Every entry
names the booking or registration by its id only: the visitor's first name, e-mail and
phone never reach the journal, whatever the act.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from aiguillage.accounts.models import Membership
from aiguillage.privacy import journal
from aiguillage.privacy.models.journal import JournalAction, JournalEntry


class _NetworkRef:
    """A network known by its id only (``journal.record`` keeps nothing else)."""

    def __init__(self, pk: int | None) -> None:
        self.pk = pk


def staff_role(*, user, network_id: int | None) -> str:
    """The staff member's role in that network at the time of the act ("" for none:
    a technical administrator without membership)."""
    if user is None or network_id is None:
        return ""
    role = (
        Membership.objects.filter(user=user, network_id=network_id)
        .values_list("role", flat=True)
        .first()
    )
    return role or ""


def _record(
    action: JournalAction,
    *,
    actor,
    network_id: int | None,
    role: str | None,
    obj=None,
    details: dict | None = None,
) -> JournalEntry:
    return journal.record(
        action=action,
        network=_NetworkRef(network_id),
        actor=actor,
        actor_role=role if role is not None else staff_role(user=actor, network_id=network_id),
        obj=obj,
        details=details,
    )


def booking_made(*, appointment, actor, role: str | None = None, **details) -> JournalEntry:
    """A staff member booked ``appointment`` (at the desk, or by moving another)."""
    return _record(
        JournalAction.BOOKING_MADE,
        actor=actor,
        network_id=appointment.network_id,
        role=role,
        obj=appointment,
        details={"slot": appointment.slot_id, "channel": appointment.channel, **details},
    )


def bookings_cancelled(
    *, appointments: Iterable, actor, role: str | None = None, via: str, **details
) -> list[JournalEntry]:
    """A staff member cancelled these appointments; ``via`` says how (the booking's
    page, a move, a permanence's date or schedule). One entry per booking, so that
    "who cancelled booking #n" has one answer."""
    return _each(
        JournalAction.BOOKING_CANCELLED,
        appointments,
        actor=actor,
        role=role,
        details=lambda appointment: {"slot": appointment.slot_id, "via": via, **details},
    )


def registration_made(*, registration, actor, role: str | None = None) -> JournalEntry:
    """A staff member registered someone to a workshop (or to its waiting list)."""
    return _record(
        JournalAction.REGISTRATION_MADE,
        actor=actor,
        network_id=registration.network_id,
        role=role,
        obj=registration,
        details={"workshop": registration.workshop_id, "status": registration.status},
    )


def registrations_cancelled(
    *, registrations: Iterable, actor, role: str | None = None, via: str
) -> list[JournalEntry]:
    """A staff member cancelled these registrations (one entry each, as bookings)."""
    return _each(
        JournalAction.REGISTRATION_CANCELLED,
        registrations,
        actor=actor,
        role=role,
        details=lambda registration: {"workshop": registration.workshop_id, "via": via},
    )


def _each(
    action: JournalAction,
    rows: Iterable,
    *,
    actor,
    role: str | None,
    details: Callable[[Any], dict[str, Any]],
) -> list[JournalEntry]:
    """One entry per row, each in its own network with the actor's role there (read
    once per network when the caller did not give it)."""
    role_by_network: dict[int, str] = {}
    entries = []
    for row in rows:
        network_id = row.network_id
        if role is None and network_id not in role_by_network:
            role_by_network[network_id] = staff_role(user=actor, network_id=network_id)
        entries.append(
            _record(
                action,
                actor=actor,
                network_id=network_id,
                role=role if role is not None else role_by_network[network_id],
                obj=row,
                details=details(row),
            )
        )
    return entries


def contact_viewed(
    *,
    network,
    actor,
    role: str | None,
    obj,
    appointments: Iterable[int] = (),
    registrations: Iterable[int] = (),
) -> JournalEntry | None:
    """A staff page showed the contact (e-mail, phone) of these bookings: one entry per
    page view, with the ids shown, never one per row. Nothing when no contact was shown
    (all purged, or nobody booked)."""
    appointment_ids = sorted(appointments)
    registration_ids = sorted(registrations)
    if not appointment_ids and not registration_ids:
        return None
    details: dict = {"count": len(appointment_ids) + len(registration_ids)}
    if appointment_ids:
        details["appointments"] = appointment_ids
    if registration_ids:
        details["registrations"] = registration_ids
    return _record(
        JournalAction.CONTACT_VIEWED,
        actor=actor,
        network_id=network.pk,
        role=role,
        obj=obj,
        details=details,
    )
