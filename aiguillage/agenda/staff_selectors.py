"""Reads of the staff agenda pages, always scoped to one network.

Every getter takes the network and answers ``DoesNotExist`` for a row of another
network, exactly as for a row that does not exist (the views turn it into a 404).
The day, week and month reads make a fixed number of queries whatever the number of
permanences, slots and bookings: slots come with their bookings prefetched, counts
are summed by the database.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from aiguillage.accounts.models import Membership, User
from aiguillage.agenda import rules
from aiguillage.agenda.models import (
    Appointment,
    Attendance,
    CancelledBy,
    Channel,
    Occurrence,
    OccurrenceStatus,
    Permanence,
    Registration,
    RegistrationStatus,
    Slot,
    Workshop,
    WorkshopSession,
)
from aiguillage.core.models import Network, Site
from aiguillage.directory.models import PartnershipStatus, Structure

HOLDER = ("site", "structure", "staff__user")


def day_bounds(
    first: datetime.date, days: int = 1, *, zone: datetime.tzinfo | None = None
) -> tuple[datetime.datetime, datetime.datetime]:
    """From midnight of ``first`` to midnight ``days`` later, in ``zone`` (by default the
    current one: the network's, on its pages)."""
    zone = zone or timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        first + datetime.timedelta(days=days), datetime.time.min, tzinfo=zone
    )
    return start, end


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(timezone.get_current_timezone()).date()


# --- The sites, the people -------------------------------------------------------


def sites_queryset(network: Network) -> QuerySet[Site]:
    return Site.objects.active().of_network(network).order_by("name")


def agenda_sites(network: Network) -> list[Site]:
    return list(sites_queryset(network))


def partner_structures(network: Network, *, keep: int | None = None) -> QuerySet[Structure]:
    """Structures the network works with (active partnership or prospect), plus ``keep``
    (the structure of the permanence being edited, whatever its partnership)."""
    partners = Q(
        partnerships__network=network,
        partnerships__status__in=[PartnershipStatus.ACTIVE, PartnershipStatus.PROSPECT],
    )
    if keep is not None:
        partners |= Q(pk=keep)
    return Structure.objects.filter(partners).distinct().order_by("name")


def staff_members(network: Network, *, keep: int | None = None) -> QuerySet[Membership]:
    """Active members of the network (who may hold an appointment permanence)."""
    members = Q(pk__in=Membership.objects.active().of_network(network).values("pk"))
    if keep is not None:
        members |= Q(pk=keep, network=network)
    return Membership.objects.filter(members).select_related("user").order_by("user__full_name")


def network_users(network: Network, *, keep: int | None = None) -> QuerySet[User]:
    """People who may lead a workshop: the active members' accounts."""
    users = Q(pk__in=Membership.objects.active().of_network(network).values("user_id"))
    if keep is not None:
        users |= Q(pk=keep, memberships__network=network)
    return User.objects.filter(users).distinct().order_by("full_name")


# --- One row, or 404 ------------------------------------------------------------


def get_permanence(*, network: Network, pk: int) -> Permanence:
    return (
        Permanence.objects.of_network(network)
        .select_related(*HOLDER)
        .prefetch_related("needs")
        .get(pk=pk)
    )


def get_occurrence(*, network: Network, pk: int) -> Occurrence:
    return Occurrence.objects.select_related(*(f"permanence__{name}" for name in HOLDER)).get(
        pk=pk, permanence__network=network
    )


def get_slot(*, network: Network, pk: int) -> Slot:
    return (
        Slot.objects.of_network(network)
        .select_related("occurrence", "site", *(f"permanence__{name}" for name in HOLDER))
        .get(pk=pk)
    )


def get_appointment(*, network: Network, pk: int) -> Appointment:
    return (
        Appointment.objects.of_network(network)
        .select_related(
            "need",
            "booked_by",
            "slot__occurrence",
            "slot__site",
            *(f"slot__permanence__{name}" for name in HOLDER),
        )
        .get(pk=pk)
    )


def get_workshop(*, network: Network, pk: int) -> Workshop:
    return (
        Workshop.objects.of_network(network)
        .select_related("site", "animator")
        .prefetch_related(
            "needs", Prefetch("sessions", WorkshopSession.objects.order_by("starts_at"))
        )
        .get(pk=pk)
    )


def get_registration(*, network: Network, pk: int) -> Registration:
    return (
        Registration.objects.of_network(network)
        .select_related("workshop__site", "registered_by")
        .get(pk=pk)
    )


def get_session(*, network: Network, pk: int) -> WorkshopSession:
    return WorkshopSession.objects.select_related("workshop__site", "workshop__animator").get(
        pk=pk, workshop__network=network
    )


# --- The day -------------------------------------------------------------------


@dataclass
class SlotRow:
    slot: Slot
    appointments: list[Appointment]
    bookable: bool
    started: bool  # attendance can be taken


@dataclass
class OccurrenceRow:
    occurrence: Occurrence
    slots: list[SlotRow]
    told: int  # people told of a cancelled date (or of their booking cancelled by staff)

    @property
    def permanence(self) -> Permanence:
        return self.occurrence.permanence

    @property
    def cancelled(self) -> bool:
        return self.occurrence.status == OccurrenceStatus.CANCELLED

    @property
    def free(self) -> int:
        return sum(row.slot.seats_left for row in self.slots if row.slot.is_open)


@dataclass
class DayAgenda:
    day: datetime.date
    occurrences: list[OccurrenceRow]
    sessions: list[WorkshopSession]


def _occurrences(network: Network, site: Site, start, end) -> QuerySet[Occurrence]:
    return Occurrence.objects.filter(
        permanence__network=network,
        permanence__site=site,
        starts_at__gte=start,
        starts_at__lt=end,
    ).order_by("starts_at", "pk")


def _sessions(network: Network, site: Site, start, end) -> QuerySet[WorkshopSession]:
    return (
        WorkshopSession.objects.filter(
            workshop__network=network, workshop__site=site, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("workshop__animator")
        .order_by("starts_at", "pk")
    )


def day_agenda(
    *, network: Network, site: Site, day: datetime.date, now: datetime.datetime
) -> DayAgenda:
    """Who is at ``site`` on ``day``, every slot with the bookings holding it, and the
    workshop sessions. Five queries, whatever the number of slots and bookings."""
    start, end = day_bounds(day)
    holding = Appointment.objects.holding_a_seat().select_related("need").order_by("created_at")
    occurrences = (
        _occurrences(network, site, start, end)
        .select_related(*(f"permanence__{name}" for name in HOLDER))
        .annotate(
            told=Count(
                "slots__appointments",
                filter=Q(
                    slots__appointments__cancelled_by__in=[CancelledBy.SYSTEM, CancelledBy.STAFF]
                ),
            )
        )
        .prefetch_related(
            "permanence__needs",
            Prefetch(
                "slots",
                queryset=Slot.objects.order_by("starts_at").prefetch_related(
                    Prefetch("appointments", queryset=holding, to_attr="holding")
                ),
            ),
        )
    )
    rows = []
    for occurrence in occurrences:
        slots = [
            SlotRow(
                slot=slot,
                appointments=slot.holding,
                bookable=rules.can_book_slot(slot, channel=Channel.DESK, now=now),
                started=rules.has_started(slot.starts_at, now),
            )
            for slot in occurrence.slots.all()
            if slot.is_open or slot.holding
        ]
        rows.append(OccurrenceRow(occurrence=occurrence, slots=slots, told=occurrence.told))
    return DayAgenda(day=day, occurrences=rows, sessions=list(_sessions(network, site, start, end)))


# --- The week and the month -------------------------------------------------------


@dataclass
class DaySummary:
    day: datetime.date
    occurrences: list[Occurrence] = field(default_factory=list)  # with seats and taken
    sessions: list[WorkshopSession] = field(default_factory=list)

    @property
    def permanences(self) -> int:
        return sum(1 for o in self.occurrences if o.status == OccurrenceStatus.SCHEDULED)

    @property
    def booked(self) -> int:
        return sum(o.taken or 0 for o in self.occurrences if o.status == OccurrenceStatus.SCHEDULED)

    @property
    def free(self) -> int:
        return sum(
            (o.seats or 0) - (o.taken or 0)
            for o in self.occurrences
            if o.status == OccurrenceStatus.SCHEDULED
        )

    @property
    def cancelled(self) -> int:
        return sum(1 for o in self.occurrences if o.status == OccurrenceStatus.CANCELLED)

    @property
    def empty(self) -> bool:
        return not self.occurrences and not self.sessions


def _summaries(
    network: Network, site: Site, first: datetime.date, days: int
) -> dict[datetime.date, DaySummary]:
    start, end = day_bounds(first, days)
    open_slots = Q(slots__is_open=True)
    occurrences = (
        _occurrences(network, site, start, end)
        .select_related(*(f"permanence__{name}" for name in HOLDER))
        .annotate(
            seats=Sum("slots__capacity", filter=open_slots),
            taken=Sum("slots__booked", filter=open_slots),
        )
    )
    summaries = {
        first + datetime.timedelta(days=n): DaySummary(day=first + datetime.timedelta(days=n))
        for n in range(days)
    }
    for occurrence in occurrences:
        summaries[local_day(occurrence.starts_at)].occurrences.append(occurrence)
    for session in _sessions(network, site, start, end):
        summaries[local_day(session.starts_at)].sessions.append(session)
    return summaries


def week_agenda(*, network: Network, site: Site, monday: datetime.date) -> list[DaySummary]:
    """Seven days from ``monday``: each permanence with seats and bookings, each session."""
    return list(_summaries(network, site, monday, 7).values())


def month_agenda(*, network: Network, site: Site, year: int, month: int) -> list[list[DaySummary]]:
    """The weeks (Monday first) covering the month, each day with its counts; days of the
    neighbouring months are included so that every week is whole."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    summaries = _summaries(network, site, weeks[0][0], len(weeks) * 7)
    return [[summaries[day] for day in week] for week in weeks]


# --- Permanences -------------------------------------------------------------------


def permanences_of(*, network: Network, site: Site | None = None) -> QuerySet[Permanence]:
    permanences = Permanence.objects.of_network(network).select_related(*HOLDER)
    if site is not None:
        permanences = permanences.filter(site=site)
    return permanences.order_by("site__name", "title", "pk")


def upcoming_occurrences(
    *, permanence: Permanence, after: datetime.datetime, limit: int = 12
) -> list[Occurrence]:
    """The next dates of a permanence (cancelled ones too), with seats and bookings."""
    open_slots = Q(slots__is_open=True)
    return list(
        Occurrence.objects.filter(permanence=permanence, ends_at__gt=after)
        .annotate(
            seats=Sum("slots__capacity", filter=open_slots),
            taken=Sum("slots__booked", filter=open_slots),
        )
        .order_by("starts_at")[:limit]
    )


def booked_on(occurrence: Occurrence) -> list[Appointment]:
    """The bookings still holding a seat on one date (to say who will be told)."""
    return list(
        Appointment.objects.holding_a_seat()
        .filter(slot__occurrence=occurrence)
        .select_related("slot")
        .order_by("slot__starts_at", "pk")
    )


# --- Workshops -------------------------------------------------------------------


def workshops_of(
    *, network: Network, since: datetime.datetime, past: bool = False
) -> QuerySet[Workshop]:
    """Upcoming workshops first (or past ones, latest first), with their site."""
    workshops = Workshop.objects.of_network(network).select_related("site", "animator")
    if past:
        return workshops.filter(starts_at__lt=since).order_by("-starts_at", "pk")
    return workshops.filter(Q(starts_at__gte=since) | Q(starts_at__isnull=True)).order_by(
        "starts_at", "title", "pk"
    )


@dataclass
class WorkshopPeople:
    confirmed: list[Registration]
    waiting: list[Registration]  # in order: the first one gets the next seat


def people_of(workshop: Workshop) -> WorkshopPeople:
    active = Registration.objects.filter(workshop=workshop).active().order_by("created_at", "pk")
    confirmed, waiting = [], []
    for registration in active:
        if registration.status == RegistrationStatus.CONFIRMED:
            confirmed.append(registration)
        else:
            waiting.append(registration)
    return WorkshopPeople(confirmed=confirmed, waiting=waiting)


def confirmed_of(workshop: Workshop) -> list[Registration]:
    """Confirmed people by first name, as on an attendance sheet."""
    return list(
        Registration.objects.filter(
            workshop=workshop, status=RegistrationStatus.CONFIRMED
        ).order_by("first_name", "pk")
    )


def attendance_of(session: WorkshopSession) -> dict[int, bool]:
    """registration id -> present, for the rows already recorded."""
    return dict(
        Attendance.objects.filter(session=session).values_list("registration_id", "present")
    )


@dataclass
class SessionAttendance:
    session: WorkshopSession
    present: list[Registration]  # confirmed people marked present, by first name
    absent: list[Registration]

    @property
    def taken(self) -> bool:
        return bool(self.present or self.absent)


def attendance_by_session(workshop: Workshop) -> list[SessionAttendance]:
    """Each session of ``workshop`` (in order) with who came and who did not, among the
    confirmed people: one query besides the workshop's prefetched sessions."""
    marks = (
        Attendance.objects.filter(
            session__workshop=workshop, registration__status=RegistrationStatus.CONFIRMED
        )
        .select_related("registration")
        .order_by("registration__first_name", "registration_id")
    )
    rows = {s.pk: SessionAttendance(s, [], []) for s in workshop.sessions.all()}
    for mark in marks:
        row = rows.get(mark.session_id)
        if row is not None:
            (row.present if mark.present else row.absent).append(mark.registration)
    return list(rows.values())


def active_registrations(workshop: Workshop) -> int:
    return Registration.objects.filter(workshop=workshop).active().count()


def other_free_slots(slot: Slot, *, now, limit: int = 12) -> list[Slot]:
    """The next free slots of the same permanence (``slot`` first), for the desk to
    offer another time than the one the orientation proposed."""
    found = (
        Slot.objects.of_network(slot.network_id)
        .free()
        .filter(
            permanence_id=slot.permanence_id,
            starts_at__gt=now,
            occurrence__status=OccurrenceStatus.SCHEDULED,
        )
        .exclude(pk=slot.pk)
        .select_related("occurrence", "permanence")
        .order_by("starts_at", "pk")[:limit]
    )
    return [s for s in found if rules.can_book_slot(s, channel=Channel.DESK, now=now)]


def move_targets(appointment: Appointment, *, now, limit: int = 60) -> list[Slot]:
    """Where the desk can move a booking: the other free slots of the same permanence,
    from now on, earliest first (the desk may use slots closed to online booking)."""
    return list(
        Slot.objects.of_network(appointment.network)
        .free()
        .filter(
            permanence_id=appointment.slot.permanence_id,
            starts_at__gt=now,
            occurrence__status=OccurrenceStatus.SCHEDULED,
        )
        .exclude(pk=appointment.slot_id)
        .order_by("starts_at", "pk")[:limit]
    )


def next_site_of(membership: Membership, now: datetime.datetime) -> Site | None:
    """Where the member works next: the site of their next permanence (the desk opens
    there when they have not chosen one yet)."""
    slot = (
        Slot.objects.filter(
            permanence__staff=membership,
            permanence__site__is_active=True,
            starts_at__gte=now - datetime.timedelta(hours=4),  # today's, under way
        )
        .select_related("permanence__site")
        .order_by("starts_at", "pk")
        .first()
    )
    return slot.permanence.site if slot is not None else None


# --- Today at the desk ---------------------------------------------------------------


@dataclass
class BookingRow:
    appointment: Appointment
    may_mark: bool  # came or not can be said (the slot has started)


@dataclass
class TodaySlot:
    slot: Slot
    bookings: list[BookingRow]
    bookable: bool  # a seat the desk can still give (to someone who walks in)


@dataclass
class TodayOccurrence:
    occurrence: Occurrence
    slots: list[TodaySlot]

    @property
    def permanence(self) -> Permanence:
        return self.occurrence.permanence

    @property
    def cancelled(self) -> bool:
        return self.occurrence.status == OccurrenceStatus.CANCELLED


@dataclass
class SessionPerson:
    registration: Registration
    present: bool | None  # None: not marked yet


@dataclass
class TodaySession:
    session: WorkshopSession
    people: list[SessionPerson]  # the confirmed people, by first name
    started: bool  # attendance can be taken, someone can walk in
    registrable: bool  # not started: an ordinary registration at the desk
    open: bool = False  # a walk-in may be added now (rules.walk_in_refusal), seats apart

    @property
    def workshop(self) -> Workshop:
        return self.session.workshop

    @property
    def marked(self) -> int:
        return sum(1 for person in self.people if person.present)


@dataclass
class TodayAgenda:
    day: datetime.date
    occurrences: list[TodayOccurrence]
    sessions: list[TodaySession]


def today_agenda(
    *,
    network: Network,
    day: datetime.date,
    now: datetime.datetime,
    site: Site | None = None,
    holder: Membership | None = None,
) -> TodayAgenda:
    """The day's permanences with their bookings and the workshop sessions with their
    confirmed people and who came: at one ``site``, or the ones ``holder`` holds (their
    permanences, the workshops they lead), or the whole network when neither is given.
    Six queries, whatever the number of rows."""
    start, end = day_bounds(day)
    occurrences = Occurrence.objects.filter(
        permanence__network=network, starts_at__gte=start, starts_at__lt=end
    )
    sessions = WorkshopSession.objects.filter(
        workshop__network=network, starts_at__gte=start, starts_at__lt=end
    )
    if site is not None:
        occurrences = occurrences.filter(permanence__site=site)
        sessions = sessions.filter(workshop__site=site)
    if holder is not None:
        occurrences = occurrences.filter(permanence__staff=holder)
        sessions = sessions.filter(workshop__animator_id=holder.user_id)
    holding = Appointment.objects.holding_a_seat().select_related("need").order_by("created_at")
    occurrences = (
        occurrences.select_related(*(f"permanence__{name}" for name in HOLDER))
        .prefetch_related(
            Prefetch(
                "slots",
                queryset=Slot.objects.order_by("starts_at", "pk").prefetch_related(
                    Prefetch("appointments", queryset=holding, to_attr="holding")
                ),
            )
        )
        .order_by("starts_at", "permanence__site__name", "pk")
    )
    rows = []
    for occurrence in occurrences:
        slots = [
            TodaySlot(
                slot=slot,
                bookings=[
                    BookingRow(a, may_mark=rules.may_mark_attendance(a, now=now))
                    for a in slot.holding
                ],
                bookable=rules.can_book_slot(slot, channel=Channel.DESK, now=now),
            )
            for slot in occurrence.slots.all()
            if slot.is_open or slot.holding
        ]
        rows.append(TodayOccurrence(occurrence=occurrence, slots=slots))
    confirmed = Registration.objects.filter(status=RegistrationStatus.CONFIRMED).order_by(
        "first_name", "pk"
    )
    sessions = (
        sessions.select_related("workshop__site", "workshop__animator")
        .prefetch_related(
            Prefetch("workshop__registrations", queryset=confirmed, to_attr="confirmed_people"),
            Prefetch("attendances", queryset=Attendance.objects.all(), to_attr="marks"),
        )
        .order_by("starts_at", "workshop__site__name", "pk")
    )
    session_rows = []
    for session in sessions:
        marks = {mark.registration_id: mark.present for mark in session.marks}
        workshop = session.workshop
        session_rows.append(
            TodaySession(
                session=session,
                people=[
                    SessionPerson(registration=r, present=marks.get(r.pk))
                    for r in workshop.confirmed_people
                ],
                started=rules.has_started(session.starts_at, now),
                registrable=rules.takes_registrations(workshop, channel=Channel.DESK, now=now),
                open=rules.walk_in_refusal(session, workshop=workshop, now=now) is None,
            )
        )
    return TodayAgenda(day=day, occurrences=rows, sessions=session_rows)
