"""The agenda's rules, each written once: what can be booked, until when, by whom;
what can still be cancelled or moved; when attendance can be marked; a place on the
waiting list.

Every door (the desk, the staff pages, the portal, the manage page, the API, the slip
and the orientation engine) asks these functions instead of comparing dates itself,
so that the doors can never disagree (they did: the online cut-off was ``>`` in two
places and ``>=`` in two others). Each boundary is pinned by tests/agenda/test_rules.py,
and tests/agenda/test_rules_callers.py fails if a caller writes a rule again.

The boundaries chosen:

- A slot or a workshop has *started* at its start instant (``starts_at <= now``): from
  then on nobody books it, cancels it or moves it, and attendance can be marked.
- Online, a slot starting exactly at the cut-off (now + the permanence's cut-off
  hours) can still be booked: the form says "ne peut plus réserver un créneau qui
  commence avant ce délai", and the cut-off instant is not before it.
- The person may cancel online until the booking starts (a workshop: its first
  session); the staff may cancel a registration while a session is still to come
  (someone leaving a cycle half-way frees the seat for the remaining sessions).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _

from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    CancelledBy,
    Channel,
    OccurrenceStatus,
    Permanence,
    Registration,
    RegistrationStatus,
    Slot,
    Workshop,
    WorkshopSession,
    WorkshopStatus,
)
from aiguillage.agenda.services.errors import (
    AgendaError,
    BookingPast,
    ClosedToThisChannel,
    SlotUnavailable,
)

Booking = Appointment | Registration


def has_started(starts_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    """A start instant reached; an undated workshop (no session yet) has not started."""
    return starts_at is not None and starts_at <= now


# --- booking a slot ----------------------------------------------------------------------


def online_cutoff(permanence: Permanence, now: datetime.datetime) -> datetime.datetime:
    """The earliest start the public may still book online for this permanence."""
    return now + datetime.timedelta(hours=permanence.booking_cutoff_hours)


def open_online_q(permanences: Iterable[Permanence], now: datetime.datetime) -> Q:
    """The slots of these permanences that start at or after their cut-off (a filter
    for a Slot query, each permanence with its own cut-off; no permanence: nothing)."""
    bounds = Q(pk__in=[])
    for permanence in permanences:
        bounds |= Q(permanence_id=permanence.pk, starts_at__gte=online_cutoff(permanence, now))
    return bounds


def slot_refusal(slot: Slot, *, channel: str, now: datetime.datetime) -> AgendaError | None:
    """Why ``slot`` cannot be booked through ``channel`` now (seats apart: the seat is
    taken by a conditional update, which alone can tell), or None.

    ``slot`` comes with its occurrence and permanence."""
    if has_started(slot.starts_at, now):
        return SlotUnavailable(_("Ce créneau est passé."))
    if not slot.is_open or slot.occurrence.status != OccurrenceStatus.SCHEDULED:
        return SlotUnavailable(_("Cette permanence est annulée ce jour-là."))
    if channel == Channel.ONLINE:
        if not slot.is_public:
            return ClosedToThisChannel(_("Ce créneau se réserve à l'accueil de la bibliothèque."))
        if slot.starts_at < online_cutoff(slot.permanence, now):
            return ClosedToThisChannel(
                _("Ce créneau commence bientôt : appelez ou passez à la bibliothèque.")
            )
    return None


def can_book_slot(slot: Slot, *, channel: str, now: datetime.datetime) -> bool:
    """A seat left and nothing in the way: what a page shows as bookable."""
    return slot.seats_left > 0 and slot_refusal(slot, channel=channel, now=now) is None


# --- registering to a workshop -----------------------------------------------------------


def workshop_refusal(
    workshop: Workshop, *, channel: str, now: datetime.datetime
) -> AgendaError | None:
    """Why nobody can register to ``workshop`` through ``channel`` now (seats apart),
    or None."""
    if workshop.status != WorkshopStatus.PUBLISHED:
        return SlotUnavailable(_("Cet atelier n'est pas ouvert aux inscriptions."))
    if has_started(workshop.starts_at, now):
        return SlotUnavailable(_("Cet atelier a déjà commencé."))
    if channel == Channel.ONLINE and not workshop.public_registration:
        return ClosedToThisChannel(_("Les inscriptions à cet atelier se font à l'accueil."))
    if channel == Channel.DESK and not workshop.desk_registration:
        return ClosedToThisChannel(_("Les inscriptions à cet atelier se font en ligne."))
    return None


def takes_registrations(workshop: Workshop, *, channel: str, now: datetime.datetime) -> bool:
    """Open, and a seat or a place on the waiting list left."""
    has_room = workshop.seats_left > 0 or workshop.waitlist_left > 0
    return has_room and workshop_refusal(workshop, channel=channel, now=now) is None


def walk_in_refusal(
    session: WorkshopSession, *, workshop: Workshop, now: datetime.datetime
) -> AgendaError | None:
    """Why someone who comes without registering cannot be added to ``session`` now
    (seats apart), or None: only once it has started (before, it is an ordinary
    registration, with the waiting list if need be), for a published workshop."""
    if not has_started(session.starts_at, now):
        return SlotUnavailable(
            _("Cette séance n'a pas encore commencé : inscrivez la personne à l'atelier.")
        )
    if workshop.status != WorkshopStatus.PUBLISHED:
        return SlotUnavailable(_("Cet atelier n'est pas ouvert aux inscriptions."))
    return None


def waiting_position(registration: Registration) -> int | None:
    """1 for the first person waiting, in the order seats are given; None when not on
    the waiting list (or no longer: another request promoted them meanwhile)."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    queue = list(
        Registration.objects.filter(workshop_id=registration.workshop_id)
        .waiting_in_order()  # the order in which seats are given (services.workshops)
        .values_list("pk", flat=True)
    )
    return queue.index(registration.pk) + 1 if registration.pk in queue else None


# --- a booking made: cancel, move, attend ------------------------------------------------


def holds_a_seat(booking: Booking) -> bool:
    """Booked, or registered (confirmed or waiting): not cancelled, not yet marked."""
    if isinstance(booking, Appointment):
        return booking.status == AppointmentStatus.BOOKED
    return booking.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def booking_starts_at(booking: Booking) -> datetime.datetime | None:
    if isinstance(booking, Appointment):
        return booking.slot.starts_at
    return booking.workshop.starts_at


def _session_to_come(registration: Registration, now: datetime.datetime) -> bool:
    return any(s.starts_at > now for s in registration.workshop.sessions.all())


def may_cancel(
    booking: Booking, *, now: datetime.datetime, cancelled_by: str = CancelledBy.VISITOR
) -> bool:
    """Whether ``cancelled_by`` may cancel ``booking`` now (see the module's boundaries)."""
    if not holds_a_seat(booking):
        return False
    if isinstance(booking, Registration) and cancelled_by != CancelledBy.VISITOR:
        return _session_to_come(booking, now)
    return not has_started(booking_starts_at(booking), now)


def cancel_refusal(
    booking: Booking, *, now: datetime.datetime, cancelled_by: str = CancelledBy.VISITOR
) -> BookingPast | None:
    """Why cancelling is refused, or None (cancelling a cancelled booking is harmless:
    the second request does nothing and is not refused)."""
    if booking.status in (AppointmentStatus.CANCELLED, RegistrationStatus.CANCELLED):
        return None
    if may_cancel(booking, now=now, cancelled_by=cancelled_by):
        return None
    if isinstance(booking, Appointment):
        return BookingPast(_("Ce rendez-vous est passé : il ne peut plus être annulé."))
    return BookingPast(_("Cet atelier a commencé : l'inscription ne peut plus être annulée."))


def may_move(appointment: Appointment, *, now: datetime.datetime) -> bool:
    """A booked appointment not started yet (and not erased) can change its time."""
    return appointment.purged_at is None and may_cancel(appointment, now=now)


def may_mark_attendance(appointment: Appointment, *, now: datetime.datetime) -> bool:
    """Came or not: once the slot has started, for an appointment not cancelled."""
    return appointment.status != AppointmentStatus.CANCELLED and has_started(
        appointment.slot.starts_at, now
    )


def holds_a_seat_to_come(booking: Booking, *, now: datetime.datetime) -> bool:
    """What erasing someone's data cancels first: a seat with something still to come."""
    return may_cancel(booking, now=now, cancelled_by=CancelledBy.STAFF)
