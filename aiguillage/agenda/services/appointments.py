"""Booking a slot, and cancelling or closing a booking.

A seat is taken by one conditional ``UPDATE`` (``booked = booked + 1`` only while
``booked < capacity``): whichever server process gets there first gets the seat, the
other sees zero rows changed and is told the slot is full. The database's check
constraint stands behind it. The appointment row is written in the same transaction,
so a failure leaves neither a seat taken nor a half-written booking.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from aiguillage.accounts import staff_acts
from aiguillage.agenda import notify, rules
from aiguillage.agenda.contact import Visitor, checked_visitor, contact_fields, contact_key
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    CancelledBy,
    Channel,
    Slot,
)
from aiguillage.agenda.services.errors import AlreadyBooked, SlotUnavailable
from aiguillage.catalog.models import Need


def _check_bookable(slot: Slot, *, channel: str, now: datetime.datetime) -> None:
    refusal = rules.slot_refusal(slot, channel=channel, now=now)
    if refusal is not None:
        raise refusal


@transaction.atomic
def book_slot(
    *,
    slot: Slot,
    visitor: Visitor,
    need: Need | None,
    channel: str,
    now: datetime.datetime,
    actor=None,
    tell: bool = True,
) -> Appointment:
    """Book ``slot`` for ``visitor``; raises an AgendaError (or ValidationError for the
    contact) and writes nothing when it cannot. The confirmation is queued in the same
    transaction (``tell=False``: nobody to tell, as a walk-in or the demo)."""
    visitor = checked_visitor(visitor, contact_required=channel != Channel.DESK)
    slot = Slot.objects.select_related("occurrence", "permanence").get(pk=slot.pk)
    made = _take_seat(
        slot=slot,
        visitor=visitor,
        need_id=need.pk if need else None,
        channel=channel,
        now=now,
        actor=actor,
    )
    if tell:
        notify.appointment_booked(made)
    return made


def _take_seat(
    *,
    slot: Slot,
    visitor: Visitor,
    need_id: int | None,
    channel: str,
    now: datetime.datetime,
    actor,
) -> Appointment:
    """The seat and the appointment row, for booking and moving alike (inside the
    caller's transaction); ``slot`` comes with its occurrence and permanence."""
    _check_bookable(slot, channel=channel, now=now)
    covered = set(slot.permanence.needs.values_list("pk", flat=True))
    if need_id is not None and covered and need_id not in covered:  # no list: any démarche
        raise SlotUnavailable(_("Cette permanence ne traite pas cette démarche."))
    key = contact_key(visitor)
    if key and Appointment.objects.holding_a_seat().filter(slot=slot, contact_key=key).exists():
        raise AlreadyBooked(_("Cette personne a déjà ce créneau."))
    taken = Slot.objects.filter(pk=slot.pk, is_open=True, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise SlotUnavailable(_("Ce créneau vient d'être pris. Choisissez-en un autre."))
    try:
        with transaction.atomic():
            return Appointment.objects.create(
                network_id=slot.network_id,
                slot=slot,
                need_id=need_id,
                channel=channel,
                booked_by=actor,
                **contact_fields(visitor),
            )
    except IntegrityError as exc:  # the same person, booking twice at the same instant
        raise AlreadyBooked(_("Cette personne a déjà ce créneau.")) from exc


@transaction.atomic
def cancel_appointment(
    *,
    appointment: Appointment,
    cancelled_by: str,
    now: datetime.datetime,
    actor=None,
    via: str = "",
    tell: bool = True,
) -> Appointment:
    """Free the seat. Cancelling twice is harmless (the second does nothing).

    The call that cancels it (``cancelled_now``: two requests may share an instant)
    queues the person's message with the transaction (``tell=False``: a move, which
    tells its own, or an erasure) and, for a staff member (``actor``), journals it
    with ``via`` (the page or the act that cancelled it)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    appointment.cancelled_now = False
    if appointment.status == AppointmentStatus.CANCELLED:
        return appointment
    refusal = rules.cancel_refusal(appointment, now=now, cancelled_by=cancelled_by)
    if refusal is not None:
        raise refusal
    if cancelled_by not in CancelledBy.values:
        raise ValueError(f"unknown canceller {cancelled_by!r}")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_by = cancelled_by
    appointment.cancelled_at = now
    appointment.save(update_fields=["status", "cancelled_by", "cancelled_at", "updated_at"])
    Slot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    appointment.cancelled_now = True
    if actor is not None:
        staff_acts.bookings_cancelled(appointments=[appointment], actor=actor, via=via)
    if tell:
        notify.appointment_cancelled(appointment)
    return appointment


@transaction.atomic
def record_attendance(
    *, appointment: Appointment, attended: bool, now: datetime.datetime
) -> Appointment:
    """Came or did not come (a no-show); once the slot has started, for a booking not
    cancelled. Marking again corrects it."""
    appointment = (
        Appointment.objects.select_for_update().select_related("slot").get(pk=appointment.pk)
    )
    if appointment.status == AppointmentStatus.CANCELLED:
        raise SlotUnavailable(_("Ce rendez-vous a été annulé."))
    if not rules.may_mark_attendance(appointment, now=now):
        raise SlotUnavailable(_("Ce rendez-vous n'a pas encore commencé."))
    appointment.status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.NO_SHOW
    appointment.save(update_fields=["status", "updated_at"])
    return appointment


# --- Moving a booking (the public's "move my appointment", the desk's "change the time") ---


@transaction.atomic
def move_appointment(
    *,
    appointment: Appointment,
    slot: Slot,
    channel: str,
    now: datetime.datetime,
    actor=None,
) -> Appointment:
    """Move ``appointment`` to ``slot``: a new booking on the new slot, the old one
    cancelled, in one transaction. The new seat is taken by the same conditional
    ``UPDATE`` as ``book_slot``; if it cannot be taken, nothing changes and the person
    keeps the appointment they had. Returns the new appointment (with a new manage key:
    the confirmation carries the new link), queued with the transaction; a staff
    member's move (``actor``) is journaled as a booking made and one cancelled."""
    old = Appointment.objects.select_for_update().select_related("slot").get(pk=appointment.pk)
    if not rules.may_move(old, now=now):
        raise SlotUnavailable(
            _("Ce rendez-vous est annulé ou déjà passé : il ne peut plus changer.")
        )
    new_slot = Slot.objects.select_related("occurrence", "permanence").get(pk=slot.pk)
    if new_slot.pk == old.slot_id:
        raise SlotUnavailable(_("C'est déjà l'heure de votre rendez-vous."))
    if new_slot.network_id != old.network_id:
        raise SlotUnavailable(_("Ce créneau n'existe pas."))
    moved = _take_seat(
        slot=new_slot,
        visitor=_visitor_of(old),
        need_id=old.need_id,
        channel=channel,
        now=now,
        actor=actor,
    )
    cancel_appointment(  # a nested atomic block: the same transaction
        appointment=old,
        cancelled_by=CancelledBy.STAFF if actor is not None else CancelledBy.VISITOR,
        now=now,
        tell=False,  # the move's message says both times
    )
    if actor is not None:
        staff_acts.booking_made(appointment=moved, actor=actor, moved_from=old.pk)
        staff_acts.bookings_cancelled(
            appointments=[old], actor=actor, via="move", moved_to=moved.pk
        )
    notify.appointment_moved(old, moved)
    return moved


def _visitor_of(appointment: Appointment) -> Visitor:
    """The contact an appointment holds, to carry it over to the new slot as it is."""
    return Visitor(
        first_name=appointment.first_name,
        email=appointment.email,
        phone=appointment.phone,
        consent_reminders=appointment.consent_reminders,
        accessibility_needs=appointment.accessibility_needs,
        language=appointment.language,
    )
