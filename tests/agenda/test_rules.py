"""The agenda's rules at their boundaries (aiguillage/agenda/rules.py), and each door
that uses them answering the same at the same instant: the desk, the portal, the API,
the manage page and the orientation engine."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda import rules
from aiguillage.agenda.contact import Visitor, manage_token
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    CancelledBy,
    Channel,
    Registration,
    RegistrationStatus,
    Slot,
)
from aiguillage.agenda.services.appointments import (
    book_slot,
    cancel_appointment,
    record_attendance,
)
from aiguillage.agenda.services.errors import BookingPast, ClosedToThisChannel, SlotUnavailable
from aiguillage.agenda.services.workshops import cancel_registration, register
from aiguillage.catalog.models import Need
from aiguillage.orientation.facts import StartingPoint, gather
from aiguillage.orientation.situation import Situation
from aiguillage.public.selectors import next_free_slots
from tests.agenda.factories import UpcomingPermanenceFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
MICRO = datetime.timedelta(microseconds=1)
HOUR = datetime.timedelta(hours=1)


def visitor(n: int = 0) -> Visitor:
    return Visitor(first_name=f"Awa {n}", email=f"awa{n}@exemple.fr")


@pytest.fixture
def need():
    return Need.objects.get(slug="demander-rsa")


@pytest.fixture
def slot(need) -> Slot:
    permanence = UpcomingPermanenceFactory(booking_cutoff_hours=24)
    permanence.needs.add(need)
    return permanence.slots.select_related("occurrence", "permanence").order_by("starts_at")[0]


def at_cutoff(slot: Slot) -> datetime.datetime:
    """The instant at which ``slot`` starts exactly at its online cut-off."""
    return slot.starts_at - datetime.timedelta(hours=slot.permanence.booking_cutoff_hours)


class TestStarted:
    def test_a_start_instant_has_started_at_that_very_instant(self):
        start = timezone.now()
        assert not rules.has_started(start, start - MICRO)
        assert rules.has_started(start, start)
        assert not rules.has_started(None, start)  # a workshop with no session yet


class TestOnlineCutoff:
    def test_a_slot_starting_exactly_at_the_cutoff_is_still_bookable_online(self, slot):
        now = at_cutoff(slot)
        assert rules.slot_refusal(slot, channel=Channel.ONLINE, now=now) is None
        late = rules.slot_refusal(slot, channel=Channel.ONLINE, now=now + MICRO)
        assert isinstance(late, ClosedToThisChannel)
        # The desk has no cut-off: until the slot starts.
        assert rules.slot_refusal(slot, channel=Channel.DESK, now=slot.starts_at - MICRO) is None
        started = rules.slot_refusal(slot, channel=Channel.DESK, now=slot.starts_at)
        assert isinstance(started, SlotUnavailable)

    def test_every_door_agrees_at_the_cutoff(self, slot, need, client, time_machine):
        """The portal's list, the API's list, the engine's facts and the booking service
        all offer the slot at the cut-off instant and none a microsecond later."""
        network = slot.network

        def offered(now) -> dict[str, bool]:
            time_machine.move_to(now, tick=False)
            portal = next_free_slots([slot.permanence], now=now, per_permanence=50)
            api = client.get("/api/v1/slots", {"site": slot.site.slug, "limit": 100}).json()
            engine = gather(
                network=network,
                need=need,
                situation=Situation(),
                origin=StartingPoint.of_site(slot.site),
                at=now,
                public=True,
            )
            return {
                "portal": slot.pk in {s.pk for s in portal.get(slot.permanence_id, [])},
                "api": slot.pk in {r["id"] for r in api["results"]},
                "engine": slot.pk in {s.id for s in engine.slots},
                "page": rules.can_book_slot(slot, channel=Channel.ONLINE, now=now),
            }

        assert offered(at_cutoff(slot)) == dict.fromkeys(("portal", "api", "engine", "page"), True)
        assert offered(at_cutoff(slot) + MICRO) == dict.fromkeys(
            ("portal", "api", "engine", "page"), False
        )
        with pytest.raises(ClosedToThisChannel):
            book_slot(
                slot=slot,
                visitor=visitor(),
                need=None,
                channel="online",
                now=at_cutoff(slot) + MICRO,
            )
        booked = book_slot(
            slot=slot, visitor=visitor(), need=None, channel="online", now=at_cutoff(slot)
        )
        assert booked.status == AppointmentStatus.BOOKED


class TestCancelAndMove:
    def test_an_appointment_can_be_cancelled_until_it_starts(self, slot):
        appointment = book_slot(
            slot=slot, visitor=visitor(), need=None, channel="desk", now=at_cutoff(slot)
        )
        before = slot.starts_at - MICRO
        assert rules.may_cancel(appointment, now=before)
        assert rules.may_move(appointment, now=before)
        assert not rules.may_cancel(appointment, now=slot.starts_at)
        assert not rules.may_cancel(appointment, now=slot.starts_at, cancelled_by=CancelledBy.STAFF)
        assert not rules.may_move(appointment, now=slot.starts_at)
        with pytest.raises(BookingPast):
            cancel_appointment(appointment=appointment, cancelled_by="visitor", now=slot.starts_at)
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.BOOKED

    def test_the_api_and_the_manage_page_refuse_at_the_same_instant(
        self, slot, client, time_machine
    ):
        appointment = book_slot(
            slot=slot, visitor=visitor(), need=None, channel="desk", now=at_cutoff(slot)
        )
        token = manage_token("appointment", appointment.pk, appointment.manage_key)
        time_machine.move_to(slot.starts_at, tick=False)
        response = client.delete(f"/api/v1/bookings/{token}")
        assert response.status_code == 409 and response.json()["code"] == "past"
        page = reverse("public:manage_cancel", args=[slot.network.slug, token])
        answer = client.post(page, follow=True)
        assert "ne peut plus être annulée en ligne" in answer.text
        assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.BOOKED
        time_machine.move_to(slot.starts_at - MICRO, tick=False)
        assert client.delete(f"/api/v1/bookings/{token}").status_code == 204

    def test_cancelling_twice_is_not_refused_and_sends_once(self, slot):
        appointment = book_slot(
            slot=slot, visitor=visitor(), need=None, channel="desk", now=at_cutoff(slot)
        )
        first = cancel_appointment(
            appointment=appointment, cancelled_by="visitor", now=at_cutoff(slot)
        )
        assert first.cancelled_now
        assert rules.cancel_refusal(first, now=slot.starts_at) is None  # harmless, even late
        again = cancel_appointment(
            appointment=appointment, cancelled_by="visitor", now=slot.starts_at
        )
        assert not again.cancelled_now

    def test_a_registration_online_until_the_workshop_starts_by_staff_while_a_session_is_left(
        self,
    ):
        first = timezone.now() + datetime.timedelta(days=7)
        workshop = WorkshopFactory(starts_at=first, sessions=[first, first + 7 * 24 * HOUR])
        registration = register(
            workshop=workshop, visitor=visitor(), channel="desk", now=timezone.now()
        )
        assert rules.may_cancel(registration, now=first - MICRO)
        assert not rules.may_cancel(registration, now=first)
        assert isinstance(rules.cancel_refusal(registration, now=first), BookingPast)
        between = first + 24 * HOUR
        assert rules.may_cancel(registration, now=between, cancelled_by=CancelledBy.STAFF)
        assert rules.holds_a_seat_to_come(registration, now=between)
        last = first + 7 * 24 * HOUR
        assert not rules.may_cancel(registration, now=last, cancelled_by=CancelledBy.STAFF)
        assert not rules.holds_a_seat_to_come(registration, now=last)


class TestAttendance:
    def test_attendance_is_marked_from_the_start_of_the_slot(self, slot):
        appointment = book_slot(
            slot=slot, visitor=visitor(), need=None, channel="desk", now=at_cutoff(slot)
        )
        assert not rules.may_mark_attendance(appointment, now=slot.starts_at - MICRO)
        with pytest.raises(SlotUnavailable, match="pas encore commencé"):
            record_attendance(appointment=appointment, attended=False, now=slot.starts_at - MICRO)
        assert rules.may_mark_attendance(appointment, now=slot.starts_at)
        marked = record_attendance(appointment=appointment, attended=False, now=slot.starts_at)
        assert marked.status == AppointmentStatus.NO_SHOW


class TestWaitingList:
    def test_the_position_follows_the_order_seats_are_given_in(self):
        workshop = WorkshopFactory(capacity=1, waitlist_capacity=3)
        now = timezone.now()
        seated = register(workshop=workshop, visitor=visitor(0), channel="desk", now=now)
        waiting = [
            register(workshop=workshop, visitor=visitor(n), channel="desk", now=now)
            for n in (1, 2, 3)
        ]
        assert rules.waiting_position(seated) is None
        assert [rules.waiting_position(r) for r in waiting] == [1, 2, 3]
        promoted = cancel_registration(registration=seated, cancelled_by="staff", now=now)
        assert promoted.pk == waiting[0].pk  # the first waiting gets the seat
        for registration in waiting:
            registration.refresh_from_db()
        assert waiting[0].status == RegistrationStatus.CONFIRMED
        assert [rules.waiting_position(r) for r in waiting[1:]] == [1, 2]
        assert Registration.objects.filter(status=RegistrationStatus.WAITLISTED).count() == 2


class TestWalkIn:
    def test_a_walk_in_joins_a_session_from_its_start_and_only_a_published_workshop(self):
        workshop = WorkshopFactory()
        session = workshop.sessions.get()
        before = rules.walk_in_refusal(session, workshop=workshop, now=session.starts_at - MICRO)
        assert isinstance(before, SlotUnavailable)
        assert rules.walk_in_refusal(session, workshop=workshop, now=session.starts_at) is None
        workshop.status = "cancelled"
        cancelled = rules.walk_in_refusal(session, workshop=workshop, now=session.starts_at)
        assert isinstance(cancelled, SlotUnavailable)
