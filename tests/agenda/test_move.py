"""Moving an appointment to another slot: all or nothing, never overbooked."""

import datetime
import threading

import pytest
from django.db import connection

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Appointment, AppointmentStatus, Slot
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.services.appointments import (
    book_slot,
    cancel_appointment,
    move_appointment,
)
from aiguillage.agenda.services.errors import (
    AlreadyBooked,
    ClosedToThisChannel,
    SlotUnavailable,
)
from aiguillage.agenda.services.permanences import cancel_occurrence, materialise
from aiguillage.catalog.models import Need
from tests.accounts.factories import UserFactory
from tests.agenda.factories import PermanenceFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)
NOW = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=PARIS)


def slots_of(**permanence_fields) -> list[Slot]:
    permanence = PermanenceFactory(**permanence_fields)
    materialise(permanence=permanence, today=TODAY, window_days=31)
    return list(Slot.objects.filter(permanence=permanence).order_by("starts_at"))


def booked(slot: Slot, n: int = 0, need: Need | None = None) -> Appointment:
    visitor = Visitor(
        first_name=f"Visiteur {n}",
        email=f"personne{n}@exemple.fr",
        consent_reminders=True,
        accessibility_needs="fauteuil roulant",
        language="arabe",
    )
    return book_slot(slot=slot, visitor=visitor, need=need, channel="online", now=NOW)


def seats(*slots: Slot) -> list[int]:
    return [Slot.objects.get(pk=s.pk).booked for s in slots]


def test_a_move_books_the_new_slot_with_the_same_contact_and_frees_the_old_one():
    need = Need.objects.first()
    old_slot, _, new_slot, *_ = slots_of(seats_per_slot=1)
    old = booked(old_slot, need=need)
    moved = move_appointment(appointment=old, slot=new_slot, channel="online", now=NOW)
    old.refresh_from_db()
    assert (old.status, old.cancelled_by, old.cancelled_at) == (
        AppointmentStatus.CANCELLED,
        "visitor",
        NOW,
    )
    assert moved.pk != old.pk
    assert (moved.slot_id, moved.status, moved.need_id, moved.channel) == (
        new_slot.pk,
        AppointmentStatus.BOOKED,
        need.pk,
        "online",
    )
    carried = ["first_name", "email", "contact_key", "consent_reminders"]
    carried += ["accessibility_needs", "language", "network_id"]
    assert [getattr(moved, f) for f in carried] == [getattr(old, f) for f in carried]
    assert moved.manage_key and moved.manage_key != old.manage_key  # the old link is not it
    assert seats(old_slot, new_slot) == [0, 1]
    # The freed seat can be booked by somebody else at once.
    booked(old_slot, 2)


def test_a_staff_move_records_who_did_it():
    old_slot, new_slot, *_ = slots_of(seats_per_slot=1)
    staff = UserFactory()
    old = booked(old_slot)
    moved = move_appointment(appointment=old, slot=new_slot, channel="desk", now=NOW, actor=staff)
    old.refresh_from_db()
    assert old.cancelled_by == "staff"
    assert (moved.booked_by, moved.channel) == (staff, "desk")


def test_a_full_slot_refuses_the_move_and_the_old_appointment_stays():
    old_slot, new_slot, *_ = slots_of(seats_per_slot=1)
    old = booked(old_slot, 1)
    booked(new_slot, 2)
    with pytest.raises(SlotUnavailable, match="vient d'être pris"):
        move_appointment(appointment=old, slot=new_slot, channel="online", now=NOW)
    old.refresh_from_db()
    assert old.status == AppointmentStatus.BOOKED
    assert seats(old_slot, new_slot) == [1, 1]
    assert Appointment.objects.count() == 2


def test_a_failure_after_the_seat_is_taken_rolls_everything_back(monkeypatch):
    """If writing the new booking fails, the new seat is given back and the old
    appointment is not cancelled: one transaction, all or nothing."""
    old_slot, new_slot, *_ = slots_of(seats_per_slot=2)
    old = booked(old_slot)

    def broken_create(**fields):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Appointment.objects, "create", broken_create)
    with pytest.raises(RuntimeError):
        move_appointment(appointment=old, slot=new_slot, channel="online", now=NOW)
    old.refresh_from_db()
    assert old.status == AppointmentStatus.BOOKED
    assert seats(old_slot, new_slot) == [1, 0]
    assert Appointment.objects.count() == 1


def test_the_same_person_already_on_the_new_slot_is_told_so():
    old_slot, new_slot, *_ = slots_of(seats_per_slot=2)
    old = booked(old_slot, 1)
    booked(new_slot, 1)
    with pytest.raises(AlreadyBooked):
        move_appointment(appointment=old, slot=new_slot, channel="online", now=NOW)
    assert seats(old_slot, new_slot) == [1, 1]


def test_a_cancelled_or_past_appointment_cannot_be_moved():
    first, second, third, *_ = slots_of(seats_per_slot=2)
    gone = booked(first, 1)
    cancel_appointment(appointment=gone, cancelled_by="visitor", now=NOW)
    with pytest.raises(SlotUnavailable):
        move_appointment(appointment=gone, slot=second, channel="online", now=NOW)
    past = booked(first, 2)
    after = first.starts_at + datetime.timedelta(minutes=1)
    with pytest.raises(SlotUnavailable, match="déjà passé"):
        move_appointment(appointment=past, slot=third, channel="desk", now=after)
    with pytest.raises(SlotUnavailable):
        move_appointment(appointment=past, slot=first, channel="online", now=NOW)  # same slot
    assert seats(first, second, third) == [1, 0, 0]


def test_the_new_slot_follows_the_booking_rules():
    old_slot, *others = slots_of(seats_per_slot=1, booking_cutoff_hours=2)
    old = booked(old_slot)
    # Desk-only slot, online: refused.
    desk_slot = slots_of(bookable_by="desk", site=old_slot.site)[0]
    with pytest.raises(ClosedToThisChannel):
        move_appointment(appointment=old, slot=desk_slot, channel="online", now=NOW)
    # A cancelled date: refused.
    cancel_occurrence(occurrence=others[-1].occurrence, reason="", now=NOW)
    with pytest.raises(SlotUnavailable, match="annulée"):
        move_appointment(appointment=old, slot=others[-1], channel="online", now=NOW)
    # Another network's slot: refused.
    foreign = slots_of()[0]
    with pytest.raises(SlotUnavailable):
        move_appointment(appointment=old, slot=foreign, channel="desk", now=NOW)
    # A need the other permanence does not handle: refused.
    caf, taxes = Need.objects.all()[:2]
    with_need = booked(slots_of(site=old_slot.site)[0], 5, need=caf)
    only_taxes = slots_of(site=old_slot.site)
    only_taxes[0].permanence.needs.set([taxes])
    with pytest.raises(SlotUnavailable, match="démarche"):
        move_appointment(appointment=with_need, slot=only_taxes[0], channel="desk", now=NOW)
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 2
    assert Slot.objects.filter(booked__gt=0).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_moves_at_once_to_the_last_seat_let_one_through():
    """Two server threads, each with its own connection, move two people to the last
    seat at the same instant: exactly one gets it, the other keeps their appointment."""
    first, second, target, *_ = slots_of(seats_per_slot=1)
    one, two = booked(first, 1), booked(second, 2)
    start = threading.Barrier(2)
    outcome: dict[int, str] = {}

    def move(appointment: Appointment) -> None:
        start.wait()
        try:
            move_appointment(appointment=appointment, slot=target, channel="online", now=NOW)
            outcome[appointment.pk] = "moved"
        except SlotUnavailable:
            outcome[appointment.pk] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(a,)) for a in (one, two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome.values()) == ["moved", "refused"]
    assert Slot.objects.get(pk=target.pk).booked == 1
    kept = one if outcome[two.pk] == "moved" else two
    assert Appointment.objects.get(pk=kept.pk).status == AppointmentStatus.BOOKED
    assert Appointment.objects.filter(slot=target, status=AppointmentStatus.BOOKED).count() == 1
