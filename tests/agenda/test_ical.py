"""The iCalendar feeds: valid RFC 5545, stable, scoped, local times, no personal data."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from aiguillage.agenda.ical import permanence_feed, site_feed, staff_feed
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    CancelledBy,
    Occurrence,
    OccurrenceStatus,
    Permanence,
    PermanenceKind,
    Registration,
    RegistrationStatus,
    Slot,
    Workshop,
    WorkshopSession,
    WorkshopStatus,
)
from aiguillage.core.models import Site
from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def paris(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


# The whole season, daylight-saving changes included.
WINDOW = {"start": paris(3, 1, 0), "end": paris(11, 1, 0)}


def make_permanence(site: Site, *, title: str = "Permanence des impôts", staff=None, **fields):
    """A partner permanence unless a staff membership is given."""
    return Permanence.objects.create(
        network=site.network,
        site=site,
        kind=PermanenceKind.STAFF if staff else PermanenceKind.PARTNER,
        title=title,
        structure=None if staff else StructureFactory(),
        staff=staff,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=dt.date(2026, 1, 1),
        start_time=dt.time(10),
        end_time=dt.time(12),
        slot_minutes=fields.pop("slot_minutes", 30),
        **fields,
    )


def make_occurrence(
    permanence: Permanence,
    starts_at: dt.datetime,
    *,
    hours: int = 2,
    status: str = OccurrenceStatus.SCHEDULED,
) -> Occurrence:
    return Occurrence.objects.create(
        permanence=permanence,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        status=status,
        cancel_reason="Agent absent" if status == OccurrenceStatus.CANCELLED else "",
    )


def make_slot(occurrence: Occurrence) -> Slot:
    permanence = occurrence.permanence
    return Slot.objects.create(
        occurrence=occurrence,
        permanence=permanence,
        network=permanence.network,
        site=permanence.site,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.starts_at + dt.timedelta(minutes=30),
        capacity=5,
    )


def make_session(
    site: Site,
    starts_at: dt.datetime,
    *,
    title: str = "Créer son adresse e-mail",
    status: str = WorkshopStatus.PUBLISHED,
    animator=None,
) -> WorkshopSession:
    workshop = Workshop.objects.create(
        network=site.network,
        site=site,
        title=title,
        description="Pour les débutants : on crée une adresse et on l'essaie.",
        capacity=8,
        status=status,
        animator=animator,
    )
    return WorkshopSession.objects.create(
        workshop=workshop, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2)
    )


def parse(feed: bytes) -> Calendar:
    return Calendar.from_ical(feed)


def events_by_uid(feed: bytes) -> dict[str, object]:
    events = parse(feed).events
    uids = [str(event["UID"]) for event in events]
    assert len(uids) == len(set(uids)), "UIDs must be unique within a feed"
    return dict(zip(uids, events, strict=True))


def unfolded(feed: bytes) -> bytes:
    """Lines longer than 75 octets are folded: a value could hide across a fold."""
    return feed.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")


@pytest.fixture
def site():
    return SiteFactory(name="Médiathèque Confluence", address="12 rue des Tanneurs")


class TestSiteFeed:
    def test_is_a_valid_calendar_with_its_time_zone(self, site):
        make_occurrence(make_permanence(site), paris(4, 7, 10))
        make_session(site, paris(4, 9, 14))

        calendar = parse(site_feed(site=site, **WINDOW))

        calendar.validate()
        assert calendar["VERSION"] == "2.0"
        assert "Aiguillage" in str(calendar["PRODID"])
        assert site.name in str(calendar["X-WR-CALNAME"])
        assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]
        assert calendar.get_missing_tzids() == set()
        assert len(calendar.events) == 2

    def test_the_time_zone_is_there_even_with_no_event(self, site):
        calendar = parse(site_feed(site=site, **WINDOW))

        assert calendar.events == []
        assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]

    def test_every_event_has_a_uid_a_utc_stamp_and_local_times(self, site):
        make_occurrence(make_permanence(site), paris(4, 7, 10))
        make_session(site, paris(4, 9, 14))

        feed = site_feed(site=site, **WINDOW)

        for event in parse(feed).events:
            assert str(event["UID"]).endswith("@aiguillage")
            assert event["DTSTAMP"].dt.utcoffset() == dt.timedelta(0)
            for name in ("DTSTART", "DTEND"):
                assert event[name].params["TZID"] == "Europe/Paris"
                assert event[name].dt.tzinfo.key == "Europe/Paris"
        lines = unfolded(feed).split(b"\r\n")
        stamps = [line for line in lines if line.startswith(b"DTSTAMP")]
        assert len(stamps) == 2
        assert all(line.endswith(b"Z") for line in stamps)

    def test_summary_and_location(self, site):
        occurrence = make_occurrence(make_permanence(site, title="Permanence CAF"), paris(4, 7, 10))
        session = make_session(site, paris(4, 9, 14), title="Découvrir FranceConnect")

        events = events_by_uid(site_feed(site=site, **WINDOW))

        permanence_event = events[f"occurrence-{occurrence.pk}@aiguillage"]
        workshop_event = events[f"workshop-session-{session.pk}@aiguillage"]
        assert permanence_event["SUMMARY"] == "Permanence CAF"
        assert workshop_event["SUMMARY"] == "Découvrir FranceConnect"
        for event in (permanence_event, workshop_event):
            assert "Médiathèque Confluence" in event["LOCATION"]
            assert "12 rue des Tanneurs" in event["LOCATION"]

    def test_uids_are_built_from_ids_and_stable_across_fetches(self, site):
        permanence = make_permanence(site)
        occurrences = [make_occurrence(permanence, paris(4, day, 10)) for day in (7, 14, 21)]
        session = make_session(site, paris(4, 9, 14))

        first = events_by_uid(site_feed(site=site, **WINDOW))
        second = events_by_uid(site_feed(site=site, **WINDOW))

        expected = {f"occurrence-{o.pk}@aiguillage" for o in occurrences} | {
            f"workshop-session-{session.pk}@aiguillage"
        }
        assert set(first) == set(second) == expected
        for uid, event in first.items():
            assert event.start == second[uid].start

    def test_the_window_is_respected(self, site):
        permanence = make_permanence(site)
        ended_at_start = make_occurrence(permanence, paris(5, 1, 8))  # 08:00-10:00
        under_way = make_occurrence(permanence, paris(5, 2, 9))  # 09:00-11:00
        inside = make_occurrence(permanence, paris(5, 3, 14))
        starts_at_end = make_occurrence(permanence, paris(5, 4, 10))
        later = make_occurrence(permanence, paris(6, 1, 10))
        session_inside = make_session(site, paris(5, 3, 10))
        session_later = make_session(site, paris(6, 2, 10))

        events = events_by_uid(site_feed(site=site, start=paris(5, 1, 10), end=paris(5, 4, 10)))

        assert set(events) == {
            f"occurrence-{under_way.pk}@aiguillage",
            f"occurrence-{inside.pk}@aiguillage",
            f"workshop-session-{session_inside.pk}@aiguillage",
        }
        for absent in (ended_at_start, starts_at_end, later):
            assert f"occurrence-{absent.pk}@aiguillage" not in events
        assert f"workshop-session-{session_later.pk}@aiguillage" not in events

    def test_cancelled_events_carry_status_cancelled_and_drafts_are_absent(self, site):
        permanence = make_permanence(site)
        held = make_occurrence(permanence, paris(4, 7, 10))
        cancelled = make_occurrence(permanence, paris(4, 14, 10), status=OccurrenceStatus.CANCELLED)
        published = make_session(site, paris(4, 9, 14))
        cancelled_workshop = make_session(site, paris(4, 10, 14), status=WorkshopStatus.CANCELLED)
        draft = make_session(site, paris(4, 11, 14), status=WorkshopStatus.DRAFT)

        events = events_by_uid(site_feed(site=site, **WINDOW))

        assert events[f"occurrence-{held.pk}@aiguillage"]["STATUS"] == "CONFIRMED"
        assert events[f"occurrence-{cancelled.pk}@aiguillage"]["STATUS"] == "CANCELLED"
        assert events[f"workshop-session-{published.pk}@aiguillage"]["STATUS"] == "CONFIRMED"
        assert (
            events[f"workshop-session-{cancelled_workshop.pk}@aiguillage"]["STATUS"] == "CANCELLED"
        )
        assert f"workshop-session-{draft.pk}@aiguillage" not in events

    def test_a_deactivated_permanence_is_absent(self, site):
        stopped = make_occurrence(make_permanence(site, is_active=False), paris(4, 7, 10))

        events = events_by_uid(site_feed(site=site, **WINDOW))

        assert f"occurrence-{stopped.pk}@aiguillage" not in events

    def test_other_sites_and_networks_are_absent(self, site):
        ours = make_occurrence(make_permanence(site), paris(4, 7, 10))
        sibling = SiteFactory(network=site.network)
        stranger = SiteFactory(network=NetworkFactory())
        elsewhere = [
            make_occurrence(make_permanence(sibling, title="Ailleurs A"), paris(4, 7, 10)),
            make_occurrence(make_permanence(stranger, title="Ailleurs B"), paris(4, 7, 10)),
        ]
        sessions = [
            make_session(sibling, paris(4, 9, 14), title="Ailleurs C"),
            make_session(stranger, paris(4, 9, 14), title="Ailleurs D"),
        ]

        feed = site_feed(site=site, **WINDOW)

        assert set(events_by_uid(feed)) == {f"occurrence-{ours.pk}@aiguillage"}
        assert b"Ailleurs" not in unfolded(feed)
        for occurrence in elsewhere:
            assert f"occurrence-{occurrence.pk}@".encode() not in feed
        for session in sessions:
            assert f"workshop-session-{session.pk}@".encode() not in feed

    def test_three_queries_whatever_the_number_of_events(self, site, django_assert_num_queries):
        for n in range(3):
            permanence = make_permanence(site, title=f"Permanence {n}")
            make_occurrence(permanence, paris(4, 7, 10))
            make_session(site, paris(4, 9 + n, 14))

        with django_assert_num_queries(3):  # occurrences, sessions, closures
            feed = site_feed(site=site, **WINDOW)
        assert len(parse(feed).events) == 6

    def test_a_naive_or_empty_window_is_refused(self, site):
        with pytest.raises(ValueError, match="aware"):
            site_feed(site=site, start=dt.datetime(2026, 3, 1), end=dt.datetime(2026, 4, 1))
        with pytest.raises(ValueError, match="after"):
            site_feed(site=site, start=paris(4, 1, 0), end=paris(4, 1, 0))


class TestDaylightSaving:
    DAYS = [(3, 28), (3, 29), (10, 24), (10, 25)]  # either side of both 2026 changes

    def test_wall_clock_times_are_kept_across_the_changes(self, site):
        permanence = make_permanence(site)
        occurrences = [make_occurrence(permanence, paris(m, d, 10)) for m, d in self.DAYS]

        feed = site_feed(site=site, **WINDOW)

        events = events_by_uid(feed)
        for occurrence, (month, day) in zip(occurrences, self.DAYS, strict=True):
            event = events[f"occurrence-{occurrence.pk}@aiguillage"]
            assert event.start.replace(tzinfo=None) == dt.datetime(2026, month, day, 10)
            assert event.end.replace(tzinfo=None) == dt.datetime(2026, month, day, 12)
            assert event.start == occurrence.starts_at
        assert b"DTSTART;TZID=Europe/Paris:20260329T100000" in feed
        assert b"DTSTART;TZID=Europe/Paris:20261025T100000" in feed

    def test_the_vtimezone_alone_places_the_events_correctly(self, site):
        """A reader with no time-zone database relies on our VTIMEZONE only."""
        permanence = make_permanence(site)
        for month, day in self.DAYS:
            make_occurrence(permanence, paris(month, day, 10))

        (vtimezone,) = parse(site_feed(site=site, **WINDOW)).timezones
        tz = vtimezone.to_tz(lookup_tzid=False)

        offsets = {
            (month, day): dt.datetime(2026, month, day, 10, tzinfo=tz).utcoffset()
            for month, day in self.DAYS
        }
        assert offsets == {
            (3, 28): dt.timedelta(hours=1),
            (3, 29): dt.timedelta(hours=2),
            (10, 24): dt.timedelta(hours=2),
            (10, 25): dt.timedelta(hours=1),
        }


class TestStaffFeed:
    @pytest.fixture
    def membership(self, site):
        return MembershipFactory(network=site.network, mediator=True)

    def book(self, slot: Slot, *, status: str = AppointmentStatus.BOOKED, **contact) -> None:
        cancelled = status == AppointmentStatus.CANCELLED
        Appointment.objects.create(
            network=slot.network,
            slot=slot,
            status=status,
            cancelled_by=CancelledBy.VISITOR if cancelled else "",
            cancelled_at=slot.starts_at - dt.timedelta(days=1) if cancelled else None,
            **{"first_name": "Anonyme", "phone": "+33600000000", **contact},
        )

    def test_own_permanences_and_workshops_in_the_network_only(self, site, membership):
        mine = make_occurrence(make_permanence(site, staff=membership), paris(4, 7, 10))
        colleague = MembershipFactory(network=site.network)
        theirs = make_occurrence(make_permanence(site, staff=colleague), paris(4, 7, 14))
        partner = make_occurrence(make_permanence(site), paris(4, 8, 10))
        led = make_session(site, paris(4, 9, 14), animator=membership.user)
        not_led = make_session(site, paris(4, 10, 14), animator=colleague.user)
        # The same person also leads a workshop in another network: another feed's business.
        other = MembershipFactory(user=membership.user)
        elsewhere = make_session(
            SiteFactory(network=other.network), paris(4, 9, 14), animator=membership.user
        )

        events = events_by_uid(staff_feed(membership=membership, **WINDOW))

        assert set(events) == {
            f"occurrence-{mine.pk}@aiguillage",
            f"workshop-session-{led.pk}@aiguillage",
        }
        for absent in (theirs, partner):
            assert f"occurrence-{absent.pk}@aiguillage" not in events
        for absent in (not_led, elsewhere):
            assert f"workshop-session-{absent.pk}@aiguillage" not in events

    def test_appointments_are_counted_never_named(self, site, membership):
        occurrence = make_occurrence(make_permanence(site, staff=membership), paris(4, 7, 10))
        slot = make_slot(occurrence)
        visitor = {
            "first_name": "Zéphyrine",
            "email": "zephyrine.unique-visitor@example.org",
            "phone": "+33698765432",
            "accessibility_needs": "Boucle magnétique XQ7",
            "language": "Tigrigna-XQ7",
        }
        self.book(slot, **visitor)
        self.book(slot, first_name="Bartholomé", email="bartholome.xq7@example.org")
        self.book(
            slot,
            status=AppointmentStatus.CANCELLED,
            first_name="Cunégonde",
            phone="+33611223344",
        )
        session = make_session(site, paris(4, 9, 14), animator=membership.user)
        Registration.objects.create(
            network=site.network,
            workshop=session.workshop,
            status=RegistrationStatus.CONFIRMED,
            first_name="Hildegarde",
            email="hildegarde.xq7@example.org",
            phone="+33655443322",
        )

        feed = staff_feed(membership=membership, **WINDOW)

        event = events_by_uid(feed)[f"occurrence-{occurrence.pk}@aiguillage"]
        assert event["DESCRIPTION"] == "2 rendez-vous"  # the cancelled one holds no seat
        personal = [
            *visitor.values(),
            "Bartholomé",
            "bartholome.xq7@example.org",
            "Cunégonde",
            "+33611223344",
            "Hildegarde",
            "hildegarde.xq7@example.org",
            "+33655443322",
            "698765432",  # the phone without its country code
        ]
        for text in (feed, unfolded(feed)):
            lowered = text.lower()
            for value in personal:
                assert value.lower().encode() not in lowered, value

    def test_a_walk_in_permanence_has_no_count(self, site, membership):
        occurrence = make_occurrence(
            make_permanence(site, staff=membership, slot_minutes=None), paris(4, 7, 10)
        )

        events = events_by_uid(staff_feed(membership=membership, **WINDOW))

        assert "DESCRIPTION" not in events[f"occurrence-{occurrence.pk}@aiguillage"]

    def test_queries_do_not_grow_with_events(self, site, membership, django_assert_num_queries):
        for day in (7, 14, 21):
            occurrence = make_occurrence(
                make_permanence(site, staff=membership, title=f"RDV {day}"), paris(4, day, 10)
            )
            self.book(make_slot(occurrence))
            make_session(site, paris(4, day + 1, 14), animator=membership.user)

        with django_assert_num_queries(2):  # occurrences with their counts, sessions
            feed = staff_feed(membership=membership, **WINDOW)
        assert len(parse(feed).events) == 6


class TestPermanenceFeed:
    def test_only_this_permanence_cancelled_ones_marked(self, site):
        permanence = make_permanence(site, title="Permanence France Travail")
        held = make_occurrence(permanence, paris(4, 7, 10))
        cancelled = make_occurrence(permanence, paris(4, 14, 10), status=OccurrenceStatus.CANCELLED)
        neighbour = make_occurrence(make_permanence(site, title="Voisine"), paris(4, 7, 14))
        make_session(site, paris(4, 9, 14))

        feed = permanence_feed(permanence=permanence, **WINDOW)

        calendar = parse(feed)
        events = events_by_uid(feed)
        assert set(events) == {
            f"occurrence-{held.pk}@aiguillage",
            f"occurrence-{cancelled.pk}@aiguillage",
        }
        assert f"occurrence-{neighbour.pk}@aiguillage" not in events
        assert events[f"occurrence-{cancelled.pk}@aiguillage"]["STATUS"] == "CANCELLED"
        assert "Permanence France Travail" in str(calendar["X-WR-CALNAME"])
        assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]
