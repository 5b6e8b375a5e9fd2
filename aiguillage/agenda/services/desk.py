"""Booking and registering at the desk: the act, its journal entry and the person's
message are one service call, in one transaction.

The message is queued by the booking service with the transaction (``core/queue.py``),
so a refusal or a failure of anything written with the act sends nothing. ``then`` writes in
the same transaction what the caller records with the act (the orientation desk's
conversation): both are kept, or neither.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from aiguillage.accounts import staff_acts
from aiguillage.accounts.models import User
from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Appointment, Channel, Registration, Slot, Workshop
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.workshops import register
from aiguillage.catalog.models import Need


@transaction.atomic
def book_at_desk(
    *,
    slot: Slot,
    visitor: Visitor,
    need: Need | None,
    actor: User,
    then: Callable[[Appointment], object] | None = None,
) -> Appointment:
    """Book ``slot`` for a visitor at the desk; raises the agenda's refusals."""
    made = book_slot(
        slot=slot, visitor=visitor, need=need, channel=Channel.DESK, now=timezone.now(), actor=actor
    )
    staff_acts.booking_made(appointment=made, actor=actor)
    if then is not None:
        then(made)
    return made


@transaction.atomic
def register_at_desk(
    *,
    workshop: Workshop,
    visitor: Visitor,
    actor: User,
    then: Callable[[Registration], object] | None = None,
) -> Registration:
    """Register a visitor to ``workshop`` at the desk (or put them on its waiting list)."""
    made = register(
        workshop=workshop, visitor=visitor, channel=Channel.DESK, now=timezone.now(), actor=actor
    )
    staff_acts.registration_made(registration=made, actor=actor)
    if then is not None:
        then(made)
    return made
