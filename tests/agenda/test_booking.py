"""Booking slots and registering for workshops: seats, waiting list, duplicates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aiguillage.agenda.contact import Visitor, manage_token, read_manage_token
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    Registration,
    RegistrationStatus,
    Slot,
    Workshop,
)
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.services.appointments import (
    book_slot,
    cancel_appointment,
    record_attendance,
)
from aiguillage.agenda.services.errors import (
    AlreadyBooked,
    ClosedToThisChannel,
    SlotUnavailable,
    WorkshopFull,
)
from aiguillage.agenda.services.permanences import materialise
from aiguillage.agenda.services.workshops import (
    cancel_registration,
    change_capacity,
    register,
)
from aiguillage.catalog.models import Need
from tests.agenda.factories import PermanenceFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)
NOW = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=PARIS)


def person(n: int = 0, **fields) -> Visitor:
    return Visitor(first_name=f"Visiteur {n}", email=f"personne{n}@exemple.fr", **fields)


def first_slot(**permanence_fields) -> Slot:
    permanence = PermanenceFactory(**permanence_fields)
    materialise(permanence=permanence, today=TODAY, window_days=31)
    return Slot.objects.filter(permanence=permanence).order_by("starts_at").first()


class TestBookSlot:
    def test_a_booking_takes_a_seat_and_keeps_the_minimum(self):
        slot = first_slot(seats_per_slot=2)
        appointment = book_slot(
            slot=slot,
            visitor=Visitor(
                first_name="  Awa  ",
                phone="06 12 34 56 78",
                consent_reminders=True,
                language="wolof",
            ),
            need=None,
            channel="online",
            now=NOW,
        )
        slot.refresh_from_db()
        assert slot.booked == 1
        assert (appointment.first_name, appointment.phone, appointment.contact_key) == (
            "Awa",
            "+33612345678",
            "+33612345678",
        )
        assert appointment.status == AppointmentStatus.BOOKED
        assert len(appointment.manage_key) >= 40

    def test_a_full_slot_is_refused_and_nothing_is_written(self):
        slot = first_slot(seats_per_slot=1)
        book_slot(slot=slot, visitor=person(1), need=None, channel="desk", now=NOW)
        with pytest.raises(SlotUnavailable):
            book_slot(slot=slot, visitor=person(2), need=None, channel="desk", now=NOW)
        assert Appointment.objects.count() == 1
        slot.refresh_from_db()
        assert slot.booked == 1

    def test_the_database_itself_refuses_an_overbooked_slot(self):
        slot = first_slot(seats_per_slot=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Slot.objects.filter(pk=slot.pk).update(booked=2)

    def test_the_same_contact_twice_on_a_slot_is_detected(self):
        slot = first_slot(seats_per_slot=3)
        book_slot(slot=slot, visitor=person(1), need=None, channel="desk", now=NOW)
        again = Visitor(first_name="Autre", email="PERSONNE1@exemple.fr")
        with pytest.raises(AlreadyBooked):
            book_slot(slot=slot, visitor=again, need=None, channel="desk", now=NOW)
        slot.refresh_from_db()
        assert slot.booked == 1

    def test_online_booking_respects_desk_only_and_the_cut_off(self):
        desk_only = first_slot(bookable_by="desk")
        with pytest.raises(ClosedToThisChannel):
            book_slot(slot=desk_only, visitor=person(), need=None, channel="online", now=NOW)
        book_slot(slot=desk_only, visitor=person(), need=None, channel="desk", now=NOW)
        public = first_slot(booking_cutoff_hours=48)
        soon = public.starts_at - datetime.timedelta(hours=47)
        with pytest.raises(ClosedToThisChannel):
            book_slot(slot=public, visitor=person(), need=None, channel="online", now=soon)
        book_slot(slot=public, visitor=person(), need=None, channel="desk", now=soon)

    def test_a_past_slot_cannot_be_booked(self):
        slot = first_slot()
        later = slot.starts_at + datetime.timedelta(minutes=1)
        with pytest.raises(SlotUnavailable):
            book_slot(slot=slot, visitor=person(), need=None, channel="desk", now=later)

    def test_a_need_the_permanence_does_not_handle_is_refused(self):
        caf, taxes = Need.objects.all()[:2]
        slot = first_slot()
        slot.permanence.needs.set([caf])
        with pytest.raises(SlotUnavailable):
            book_slot(slot=slot, visitor=person(), need=taxes, channel="desk", now=NOW)
        assert book_slot(slot=slot, visitor=person(), need=caf, channel="desk", now=NOW).need == caf

    @pytest.mark.parametrize(
        "visitor,field",
        [
            (Visitor(first_name="", email="a@exemple.fr"), "first_name"),
            (Visitor(first_name="Awa"), "email"),
            (Visitor(first_name="Awa", email="pas-une-adresse"), "email"),
            (Visitor(first_name="Awa", phone="12"), "phone"),
            (Visitor(first_name="Awa", phone="+1 202 555 0143"), "phone"),
        ],
    )
    def test_a_bad_contact_names_its_field_and_takes_no_seat(self, visitor, field):
        slot = first_slot()
        with pytest.raises(ValidationError) as error:
            book_slot(slot=slot, visitor=visitor, need=None, channel="online", now=NOW)
        assert field in error.value.message_dict
        slot.refresh_from_db()
        assert slot.booked == 0

    def test_cancelling_frees_the_seat_once(self):
        slot = first_slot()
        appointment = book_slot(slot=slot, visitor=person(), need=None, channel="desk", now=NOW)
        cancel_appointment(appointment=appointment, cancelled_by="visitor", now=NOW)
        cancel_appointment(appointment=appointment, cancelled_by="visitor", now=NOW)
        slot.refresh_from_db()
        assert slot.booked == 0
        appointment.refresh_from_db()
        assert (appointment.status, appointment.cancelled_by) == ("cancelled", "visitor")
        # The seat can be taken again, by the same person too.
        book_slot(slot=slot, visitor=person(), need=None, channel="desk", now=NOW)

    def test_attendance_is_recorded_and_a_cancelled_booking_cannot_be_marked(self):
        slot = first_slot(seats_per_slot=2)
        came = book_slot(slot=slot, visitor=person(1), need=None, channel="desk", now=NOW)
        assert (
            record_attendance(appointment=came, attended=True, now=slot.starts_at).status
            == "attended"
        )
        gone = book_slot(slot=slot, visitor=person(2), need=None, channel="desk", now=NOW)
        cancel_appointment(appointment=gone, cancelled_by="staff", now=NOW)
        with pytest.raises(SlotUnavailable):
            record_attendance(appointment=gone, attended=False, now=slot.starts_at)


class TestManageLink:
    def test_the_link_round_trips_and_says_nothing_personal(self):
        token = manage_token("appointment", 42, "k" * 43)
        assert read_manage_token(token, "appointment") == (42, "k" * 43)
        assert read_manage_token(token, "registration") is None
        assert read_manage_token(token[:-2] + "xx", "appointment") is None
        assert "@" not in token


class TestRegister:
    def test_seats_then_waiting_list_then_full(self):
        workshop = WorkshopFactory(capacity=2, waitlist_capacity=1)
        statuses = [
            register(workshop=workshop, visitor=person(n), channel="online", now=NOW).status
            for n in range(3)
        ]
        assert statuses == ["confirmed", "confirmed", "waitlisted"]
        with pytest.raises(WorkshopFull):
            register(workshop=workshop, visitor=person(9), channel="online", now=NOW)
        workshop.refresh_from_db()
        assert (workshop.confirmed, workshop.waitlisted) == (2, 1)
        assert Registration.objects.count() == 3

    def test_a_cancellation_promotes_the_first_person_waiting(self):
        workshop = WorkshopFactory(capacity=1, waitlist_capacity=3)
        seated = register(workshop=workshop, visitor=person(0), channel="desk", now=NOW)
        first = register(workshop=workshop, visitor=person(1), channel="desk", now=NOW)
        register(workshop=workshop, visitor=person(2), channel="desk", now=NOW)
        promoted = cancel_registration(registration=seated, cancelled_by="visitor", now=NOW)
        assert promoted.pk == first.pk
        first.refresh_from_db()
        assert (first.status, first.promoted_at) == (RegistrationStatus.CONFIRMED, NOW)
        workshop.refresh_from_db()
        assert (workshop.confirmed, workshop.waitlisted) == (1, 1)

    def test_leaving_the_waiting_list_promotes_nobody(self):
        workshop = WorkshopFactory(capacity=1, waitlist_capacity=3)
        register(workshop=workshop, visitor=person(0), channel="desk", now=NOW)
        waiting = register(workshop=workshop, visitor=person(1), channel="desk", now=NOW)
        assert cancel_registration(registration=waiting, cancelled_by="visitor", now=NOW) is None
        workshop.refresh_from_db()
        assert (workshop.confirmed, workshop.waitlisted) == (1, 0)

    def test_a_seat_freed_with_nobody_waiting_is_given_back(self):
        workshop = WorkshopFactory(capacity=2)
        seated = register(workshop=workshop, visitor=person(0), channel="desk", now=NOW)
        assert cancel_registration(registration=seated, cancelled_by="staff", now=NOW) is None
        workshop.refresh_from_db()
        assert workshop.confirmed == 0

    def test_the_same_contact_twice_is_detected_even_with_another_case(self):
        workshop = WorkshopFactory()
        register(workshop=workshop, visitor=person(1), channel="online", now=NOW)
        again = Visitor(first_name="Même", email="Personne1@Exemple.fr")
        with pytest.raises(AlreadyBooked):
            register(workshop=workshop, visitor=again, channel="online", now=NOW)
        workshop.refresh_from_db()
        assert workshop.confirmed == 1

    def test_the_database_refuses_a_second_active_registration_of_a_contact(self):
        workshop = WorkshopFactory()
        first = register(workshop=workshop, visitor=person(1), channel="online", now=NOW)
        with pytest.raises(IntegrityError), transaction.atomic():
            Registration.objects.create(
                network=workshop.network,
                workshop=workshop,
                status="waitlisted",
                first_name="Copie",
                email=first.email,
                contact_key=first.contact_key,
                manage_key="x",
            )

    def test_registration_channels_and_state(self):
        desk_only = WorkshopFactory(public_registration=False)
        with pytest.raises(ClosedToThisChannel):
            register(workshop=desk_only, visitor=person(), channel="online", now=NOW)
        draft = WorkshopFactory(status="draft")
        with pytest.raises(SlotUnavailable):
            register(workshop=draft, visitor=person(), channel="desk", now=NOW)
        started = WorkshopFactory()
        with pytest.raises(SlotUnavailable):
            register(
                workshop=started,
                visitor=person(),
                channel="desk",
                now=started.starts_at + datetime.timedelta(minutes=5),
            )

    def test_more_seats_promote_people_waiting_and_fewer_than_registered_is_refused(self):
        workshop = WorkshopFactory(capacity=1, waitlist_capacity=5)
        for n in range(4):
            register(workshop=workshop, visitor=person(n), channel="desk", now=NOW)
        promoted = change_capacity(workshop=workshop, capacity=3, now=NOW)
        assert [r.first_name for r in promoted] == ["Visiteur 1", "Visiteur 2"]
        workshop.refresh_from_db()
        assert (workshop.capacity, workshop.confirmed, workshop.waitlisted) == (3, 3, 1)
        with pytest.raises(SlotUnavailable, match="3 personnes"):
            change_capacity(workshop=workshop, capacity=2, now=NOW)
        assert Workshop.objects.get(pk=workshop.pk).capacity == 3
