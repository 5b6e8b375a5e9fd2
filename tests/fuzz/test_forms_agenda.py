"""The staff agenda's forms, posted with generated data by the right member."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from aiguillage.accounts.models import Role
from aiguillage.agenda import staff_selectors
from aiguillage.agenda.forms import NTH_NAMES, Recurrence, preset_of
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    Attendance,
    BookableBy,
    Level,
    Occurrence,
    OccurrenceStatus,
    Permanence,
    PermanenceKind,
    Registration,
    Workshop,
    WorkshopSession,
    WorkshopStatus,
)
from aiguillage.catalog.models import Need
from tests.fuzz.conftest import FORMS
from tests.fuzz.forms import last, post_form
from tests.fuzz.harness import Baseline, logged_in
from tests.fuzz.strategies import (
    Field,
    choice_field,
    const,
    date_field,
    form_data,
    french_text,
    id_field,
    ids_field,
    nasty_text,
    number_field,
    text_field,
    time_field,
)

pytestmark = pytest.mark.django_db

PERMANENCE_TABLES = {
    "agenda.permanence",
    "agenda.permanence_needs",
    "agenda.occurrence",
    "agenda.slot",
}
BOOKING_TABLES = {"agenda.appointment", "agenda.slot"}
RULES = (
    "FREQ=WEEKLY;BYDAY=TU",
    "FREQ=MONTHLY;BYDAY=2WE",
    "FREQ=DAILY;COUNT=3",
)
BAD_RULES = (
    "FREQ=YEARLY",
    "FREQ=SECONDLY",
    "FREQ=MINUTELY;INTERVAL=1",
    "RRULE:FREQ=WEEKLY;INTERVAL=0",
    "FREQ=WEEKLY;UNTIL=99991231T000000Z",
    "FREQ=WEEKLY;BYDAY=XX",
    "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2",
    "FREQ=DAILY;COUNT=99999999999999999999",
    "FREQ=WEEKLY;DTSTART=20260101T000000",
    "FREQ=WEEKLY\nBYDAY=MO",
)


def _need_ids() -> list[int]:
    return list(Need.objects.active().order_by("pk").values_list("pk", flat=True)[:8])


def visitor_fields() -> dict[str, Field]:
    """A visitor's contact as the desk types it."""
    return {
        "first_name": text_field(60),
        "email": Field(
            st.one_of(
                st.emails().filter(lambda e: len(e) <= 254),
                st.sampled_from(["camille@example.org", "dominique.martin@exemple.fr"]),
            ),
            st.one_of(st.sampled_from(["a@b", "@", "camille@exemple..org", ""]), nasty_text()),
        ),
        "phone": Field(
            st.sampled_from(["", "06 12 34 56 78", "+33612345678", "0690 12 34 56"]),
            st.one_of(st.sampled_from(["123", "+1 202 555 0100", "0" * 30]), nasty_text()),
        ),
        "consent_reminders": choice_field(["on"], blank=True),
        "accessibility_needs": text_field(200, blank=True),
        "language": text_field(40, blank=True),
    }


def test_permanence_new(world):
    network = world.network
    url = reverse("agenda:permanence_new", args=[network.slug])
    client = logged_in(world.user(Role.LIBRARIAN))
    today = timezone.localdate()
    fields = {
        "title": text_field(150),
        "site": id_field(world.own["site"], world.ids("site")),
        "kind": choice_field(PermanenceKind.values),
        "structure": id_field(world.own["structure"], world.ids("structure")),
        "partner_agent": text_field(100, blank=True),
        "staff": id_field(world.own["membership"], world.ids("membership")),
        "recurrence": choice_field(Recurrence.values),
        "weekday": number_field(0, 6),
        "nth": choice_field(NTH_NAMES, blank=True),
        "custom_rule": Field(
            st.sampled_from(RULES), st.one_of(st.sampled_from(BAD_RULES), nasty_text(300))
        ),
        "starts_on": date_field(today),
        "ends_on": date_field(today + timezone.timedelta(days=60), blank=True),
        "start_time": time_field("09:00", "14:00"),
        "end_time": time_field("12:00", "17:30"),
        "slot_minutes": number_field(5, 120, blank=True),
        "seats_per_slot": number_field(1, 4),
        "bookable_by": choice_field(BookableBy.values),
        "booking_cutoff_hours": number_field(0, 72),
        "needs": ids_field(_need_ids(), [*_need_ids(), 0, 10**9]),
    }
    base = Baseline.take(world.other)

    @FORMS
    @given(form_data(fields))
    def check(data):
        before = Permanence.objects.filter(network=network).count()

        def created(response):
            permanences = Permanence.objects.filter(network=network)
            assert permanences.count() == before + 1
            made = permanences.latest("pk")
            assert made.title == last(data, "title").strip()
            assert made.site.network_id == network.pk
            if made.structure_id is not None:
                assert made.kind == PermanenceKind.PARTNER
            if made.staff_id is not None:
                assert made.staff.network_id == network.pk
            assert made.slots.exists() or made.slot_minutes is None or made.ends_on
            assert response.url.endswith(f"/permanences/{made.pk}/")

        post_form(client, url, data, base=base, writes=PERMANENCE_TABLES, then=created)

    check()


def test_permanence_edit_and_occurrence_cancel(world):
    network = world.network
    client = logged_in(world.user(Role.COORDINATOR))
    permanence = (
        Permanence.objects.filter(network=network, kind=PermanenceKind.PARTNER)
        .order_by("pk")
        .first()
    )
    edit_url = reverse("agenda:permanence_edit", args=[network.slug, permanence.pk])
    fields = {
        "title": text_field(150),
        "site": const(str(permanence.site_id)),
        "kind": const(permanence.kind),
        "structure": const(str(permanence.structure_id)),
        "recurrence": const(Recurrence.WEEKLY),
        "weekday": Field(st.just(str(preset_of(permanence.rrule)[1])), number_field(0, 9).nasty),
        "starts_on": date_field(permanence.starts_on, 0),
        "start_time": time_field("09:00", "10:00"),
        "end_time": time_field("12:00"),
        "slot_minutes": number_field(15, 60),
        "seats_per_slot": number_field(1, 4),
        "bookable_by": const(permanence.bookable_by),
        "booking_cutoff_hours": number_field(0, 72),
        "cancel_moved": ids_field(world.own["appointment"], world.ids("appointment")),
    }
    booked = set(
        Appointment.objects.filter(
            slot__permanence=permanence, status=AppointmentStatus.BOOKED
        ).values_list("pk", flat=True)
    )
    base = Baseline.take(world.other)

    @FORMS
    @given(form_data(fields))
    def edit(data):
        def edited(response):
            permanence.refresh_from_db()
            assert permanence.title == last(data, "title").strip()
            # Only the bookings the editor agreed to cancel may have been cancelled.
            agreed = {str(v).strip() for v in data.get("cancel_moved", [])}
            still = Appointment.objects.filter(pk__in=booked, status=AppointmentStatus.BOOKED)
            gone = booked - set(still.values_list("pk", flat=True))
            assert {str(pk) for pk in gone} <= agreed

        writes = PERMANENCE_TABLES | BOOKING_TABLES
        post_form(client, edit_url, data, base=base, writes=writes, then=edited)

    edit()

    occurrence = (
        Occurrence.objects.filter(permanence__network=network, status=OccurrenceStatus.SCHEDULED)
        .order_by("starts_at")
        .last()
    )
    cancel_url = reverse("agenda:occurrence_cancel", args=[network.slug, occurrence.pk])

    @FORMS
    @given(form_data({"reason": text_field(200)}))
    def cancel(data):
        def cancelled(response):
            occurrence.refresh_from_db()
            assert occurrence.status == OccurrenceStatus.CANCELLED
            assert occurrence.cancel_reason == last(data, "reason").strip()

        writes = {"agenda.occurrence", "agenda.slot", "agenda.appointment"}
        post_form(client, cancel_url, data, base=base, writes=writes, then=cancelled)

    cancel()


def test_desk_booking_of_a_slot(world):
    """Any member books at the desk; the slot may be of the other network (404)."""
    network = world.network
    client = logged_in(world.user(Role.VOLUNTEER))
    fields = {**visitor_fields(), "need": id_field(_need_ids(), [*_need_ids(), 0], blank=True)}
    slots = world.own["slot"][:3] + world.foreign["slot"][:1]
    base = Baseline.take(world.other)

    @FORMS
    @given(slot_id=st.sampled_from(slots), data=form_data(fields))
    def check(slot_id, data):
        url = reverse("agenda:slot_book", args=[network.slug, slot_id])
        before = Appointment.objects.filter(slot_id=slot_id).count()

        def booked(response):
            assert slot_id in world.own["slot"]
            made = Appointment.objects.filter(slot_id=slot_id)
            assert made.count() == before + 1
            assert made.latest("pk").first_name == " ".join(last(data, "first_name").split())

        post_form(client, url, data, base=base, writes=BOOKING_TABLES, then=booked)

    check()


def test_appointment_move_and_attendance(world):
    network = world.network
    client = logged_in(world.user(Role.LIBRARIAN))
    appointment = Appointment.objects.filter(network=network).order_by("pk").first()
    move_url = reverse("agenda:appointment_move", args=[network.slug, appointment.pk])
    attendance_url = reverse("agenda:appointment_attendance", args=[network.slug, appointment.pk])
    same_permanence = list(
        appointment.slot.permanence.slots.filter(starts_at__gt=timezone.now())
        .exclude(pk=appointment.slot_id)
        .order_by("starts_at")
        .values_list("pk", flat=True)[:5]
    )
    base = Baseline.take(world.other)

    @FORMS
    @given(form_data({"slot": id_field(same_permanence, world.ids("slot"))}))
    def move(data):
        def moved(response):
            moved = Appointment.objects.filter(network=network).latest("pk")
            assert moved.slot_id == int(str(last(data, "slot")).strip())  # "٣" is 3 to int()
            assert moved.slot.network_id == network.pk

        post_form(client, move_url, data, base=base, writes=BOOKING_TABLES, then=moved)

    move()

    @FORMS
    @given(
        form_data({"presence": choice_field(["venu", "absent"]), "retour": choice_field(["fiche"])})
    )
    def attendance(data):
        # A future appointment: refused with a message and a redirect, nothing written.
        post_form(client, attendance_url, data, base=base, writes=set())

    attendance()


def test_workshop_new_with_sessions(world):
    network = world.network
    url = reverse("agenda:workshop_new", args=[network.slug])
    client = logged_in(world.user(Role.DIGITAL_MEDIATOR))
    first = timezone.localdate() + timezone.timedelta(days=3)
    animators = list(staff_selectors.network_users(network).values_list("pk", flat=True))
    fields = {
        "title": text_field(150),
        "description": Field(french_text(500), nasty_text(3000)),
        "level": choice_field(Level.values),
        "site": id_field(world.own["site"], world.ids("site")),
        "animator": id_field(animators, world.ids("user"), blank=True),
        "capacity": number_field(1, 30),
        "waitlist_capacity": number_field(0, 30),
        "desk_registration": choice_field(["on"], blank=True),
        "public_registration": choice_field(["on"]),
        "status": choice_field(WorkshopStatus.values),
        "needs": ids_field(_need_ids(), [*_need_ids(), 0]),
        "seances-TOTAL_FORMS": Field(st.just("2"), number_field(0, 40).nasty),
        "seances-INITIAL_FORMS": Field(st.just("0"), number_field(0, 3).nasty),
        "seances-0-day": date_field(first),
        "seances-0-start": time_field("14:00"),
        "seances-0-end": time_field("16:00"),
        "seances-1-day": date_field(first + timezone.timedelta(days=7), blank=True),
        "seances-1-start": time_field("10:00", ""),
        "seances-1-end": time_field("12:00", ""),
    }
    base = Baseline.take(world.other)

    @FORMS
    @given(form_data(fields))
    def check(data):
        before = Workshop.objects.filter(network=network).count()

        def created(response):
            workshops = Workshop.objects.filter(network=network)
            assert workshops.count() == before + 1
            made = workshops.latest("pk")
            assert made.title == last(data, "title").strip()
            assert made.site.network_id == network.pk
            assert made.sessions.exists()
            if made.animator_id is not None:
                assert made.animator.memberships.filter(network=network).exists()

        writes = {"agenda.workshop", "agenda.workshopsession", "agenda.workshop_needs"}
        post_form(client, url, data, base=base, writes=writes, then=created)

    check()


def test_workshop_registration_and_attendance(world):
    network = world.network
    client = logged_in(world.user(Role.PARTNER_AGENT))
    workshops = world.own["workshop"][:2] + world.foreign["workshop"][:1]
    base = Baseline.take(world.other)

    @FORMS
    @given(workshop_id=st.sampled_from(workshops), data=form_data(visitor_fields()))
    def registration(workshop_id, data):
        url = reverse("agenda:workshop_register", args=[network.slug, workshop_id])
        before = Registration.objects.filter(workshop_id=workshop_id).count()

        def registered(response):
            assert workshop_id in world.own["workshop"]
            assert Registration.objects.filter(workshop_id=workshop_id).count() == before + 1

        writes = {"agenda.registration", "agenda.workshop"}
        post_form(client, url, data, base=base, writes=writes, then=registered)

    registration()

    session = WorkshopSession.objects.get(pk=world.own["session"][0])
    confirmed = list(session.workshop.registrations.values_list("pk", flat=True))
    url = reverse("agenda:session_attendance", args=[network.slug, session.pk])

    @FORMS
    @given(form_data({"present": ids_field(confirmed, world.ids("registration"))}))
    def attendance(data):
        def recorded(response):
            for attendance in Attendance.objects.filter(session=session):
                assert attendance.registration.workshop_id == session.workshop_id

        post_form(client, url, data, base=base, writes={"agenda.attendance"}, then=recorded)

    attendance()
