"""The calendar of each place: opening hours, public holidays, exceptional closures and
time zones, as the agenda follows them."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from aiguillage.agenda import place_calendar
from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    Closure,
    Occurrence,
    OccurrenceStatus,
    Permanence,
    Registration,
    RegistrationStatus,
    Slot,
    Workshop,
    WorkshopStatus,
)
from aiguillage.agenda.recurrence import Window, weekly
from aiguillage.agenda.services import closures as closures_service
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.closures import closure_impact, declare_closure
from aiguillage.agenda.services.errors import OutsideOpeningHours, SlotUnavailable
from aiguillage.agenda.services.permanences import materialise, materialise_all, save_permanence
from aiguillage.agenda.services.workshops import register, save_workshop
from aiguillage.demo.seed import seed_demo
from tests.agenda.factories import PermanenceFactory, WorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
THURSDAY = 3


def local(day: datetime.date, hour: int, minute: int = 0, zone=PARIS) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def visitor(n: int = 0) -> Visitor:
    return Visitor(first_name=f"Awa {n}", email=f"awa{n}@exemple.fr")


class TestPublicHolidays:
    @pytest.mark.parametrize(
        ("postcode", "day", "name"),
        [
            ("34700", datetime.date(2027, 5, 6), "Ascension"),
            ("34700", datetime.date(2027, 3, 29), "Lundi de Pâques"),
            ("34700", datetime.date(2027, 3, 26), None),  # Good Friday: not in Hérault
            ("67000", datetime.date(2027, 3, 26), "Vendredi saint"),  # Alsace
            ("57000", datetime.date(2027, 12, 26), "Saint-Étienne"),  # Moselle
            ("97400", datetime.date(2027, 12, 20), "Abolition de l'esclavage"),  # Réunion
            ("97300", datetime.date(2027, 6, 10), "Abolition de l'esclavage"),  # Guyane
            ("34700", datetime.date(2027, 12, 20), None),
        ],
    )
    def test_each_site_follows_the_calendar_of_its_postcode(self, postcode, day, name):
        site = SiteFactory.build(postcode=postcode)
        assert place_calendar.public_holiday(site, day) == name

    def test_no_date_is_created_on_a_holiday_unless_the_permanence_opens_on_them(self):
        ascension = datetime.date(2027, 5, 6)  # a Thursday
        plain = PermanenceFactory(
            rrule=weekly(THURSDAY), starts_on=datetime.date(2027, 4, 1), on_public_holidays=False
        )
        opens = PermanenceFactory(
            rrule=weekly(THURSDAY),
            starts_on=datetime.date(2027, 4, 1),
            site=plain.site,
            on_public_holidays=True,
        )
        for permanence in (plain, opens):
            materialise(permanence=permanence, today=datetime.date(2027, 4, 1), window_days=60)
        days = {
            p.pk: {timezone.localtime(o.starts_at).date() for o in p.occurrences.all()}
            for p in (plain, opens)
        }
        assert ascension not in days[plain.pk]
        assert ascension + datetime.timedelta(days=7) in days[plain.pk]
        assert ascension in days[opens.pk]

    def test_a_workshop_on_christmas_is_refused_unless_ticked(self):
        christmas = datetime.date(2027, 12, 25)  # a Saturday
        workshop = WorkshopFactory.build(
            site=SiteFactory(), status=WorkshopStatus.PUBLISHED, on_public_holidays=False
        )
        workshop.network = workshop.site.network
        session = Window(local(christmas, 10), local(christmas, 12))
        now = local(datetime.date(2027, 12, 1), 9)
        with pytest.raises(OutsideOpeningHours, match="jour férié \\(Noël\\)"):
            save_workshop(workshop=workshop, sessions=[session], now=now)
        assert not Workshop.objects.exists()
        workshop.on_public_holidays = True
        assert save_workshop(workshop=workshop, sessions=[session], now=now).workshop.pk


class TestOpeningHours:
    def test_a_permanence_before_opening_is_refused_naming_the_hours(self):
        site = SiteFactory(opening_hours="Tu 14:00-18:00; We 10:00-12:30,14:00-18:00")
        permanence = PermanenceFactory.build(
            site=site, network=site.network, structure=PermanenceFactory().structure
        )  # Tuesdays 9:00 to 12:00
        with pytest.raises(OutsideOpeningHours) as refused:
            save_permanence(permanence=permanence, today=datetime.date(2027, 1, 4))
        assert "n'est pas ouvert au public" in str(refused.value)
        assert "Mardi : 14 h" in str(refused.value)  # the hours, as the slip says them
        assert not Permanence.objects.filter(site=site).exists()
        permanence.outside_opening_hours = True
        save_permanence(permanence=permanence, today=datetime.date(2027, 1, 4))
        assert Slot.objects.filter(permanence=permanence).exists()

    def test_within_the_hours_and_across_a_lunch_break(self):
        site = SiteFactory.build(opening_hours="Mo-Fr 09:00-12:00,14:00-18:00")
        day = datetime.date(2027, 1, 12)
        assert place_calendar.within_opening_hours(
            site, Window(local(day, 9), local(day, 12)), PARIS
        )
        lunch = Window(local(day, 11), local(day, 15))
        assert place_calendar.within_opening_hours(site, lunch, PARIS) is False
        unknown = SiteFactory.build(opening_hours="")
        assert place_calendar.within_opening_hours(unknown, lunch, PARIS) is None


class TestClosures:
    @pytest.fixture
    def booked(self):
        """A Tuesday permanence with one booking, and a one-session workshop and a
        two-session workshop, each with one person, all at the same site."""
        permanence = PermanenceFactory(starts_on=datetime.date(2027, 2, 2))
        materialise(permanence=permanence, today=datetime.date(2027, 2, 1), window_days=30)
        day = datetime.date(2027, 2, 9)
        slot = permanence.slots.filter(starts_at=local(day, 9)).get()
        now = local(datetime.date(2027, 2, 1), 10)
        appointment = book_slot(slot=slot, visitor=visitor(), need=None, channel="desk", now=now)
        single = WorkshopFactory(site=permanence.site, starts_at=local(day, 14))
        cycle = WorkshopFactory(
            site=permanence.site,
            starts_at=local(day, 15),
            sessions=[local(day, 15), local(day + datetime.timedelta(days=7), 15)],
        )
        people = [
            register(workshop=w, visitor=visitor(n), channel="desk", now=now)
            for n, w in enumerate((single, cycle), start=1)
        ]
        return permanence, day, appointment, single, cycle, people, now

    def test_a_closure_lists_then_cancels_and_tells_in_one_transaction(
        self, booked, django_capture_on_commit_callbacks
    ):
        permanence, day, appointment, single, cycle, people, now = booked
        impact = closure_impact(
            network=permanence.network, site=permanence.site, starts_on=day, ends_on=day, now=now
        )
        assert [a.pk for a in impact.appointments] == [appointment.pk]
        assert [w.pk for w in impact.workshops_cancelled] == [single.pk]
        assert [s.workshop_id for s in impact.sessions_removed] == [cycle.pk]
        assert impact.people == 3
        with django_capture_on_commit_callbacks(execute=True):
            declared = declare_closure(
                network=permanence.network,
                site=permanence.site,
                starts_on=day,
                ends_on=day,
                reason="inventaire",
                actor=None,
                now=now,
            )
        assert declared.closure.pk
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.CANCELLED
        occurrence = appointment.slot.occurrence
        occurrence.refresh_from_db()
        assert occurrence.status == OccurrenceStatus.CANCELLED
        assert occurrence.cancel_reason == "Fermeture exceptionnelle : inventaire"
        single.refresh_from_db()
        assert single.status == WorkshopStatus.CANCELLED
        assert Registration.objects.get(pk=people[0].pk).status == RegistrationStatus.CANCELLED
        cycle.refresh_from_db()
        assert cycle.sessions.count() == 1 and cycle.starts_at == local(
            day, 15
        ) + datetime.timedelta(days=7)
        assert Registration.objects.get(pk=people[1].pk).status == RegistrationStatus.CONFIRMED
        subjects = sorted(m.subject for m in mail.outbox)
        assert len(subjects) == 3
        assert any(s.startswith("Annulation") for s in subjects)
        assert any(s.startswith("Changement de dates") for s in subjects)
        assert any(s.startswith("Inscription annulée") for s in subjects)
        assert "inventaire" in next(m.body for m in mail.outbox if "Annulation" in m.subject)
        # Nothing can be booked that day any more; a new date is not created in it.
        with pytest.raises(SlotUnavailable):
            book_slot(slot=appointment.slot, visitor=visitor(9), need=None, channel="desk", now=now)

    def test_a_failure_half_way_writes_nothing_and_tells_nobody(
        self, booked, monkeypatch, django_capture_on_commit_callbacks
    ):
        permanence, day, appointment, *_rest, now = booked

        def broken(**kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(closures_service, "cancel_workshop_for_closure", broken)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            declare_closure(
                network=permanence.network,
                site=permanence.site,
                starts_on=day,
                ends_on=day,
                reason="",
                actor=None,
                now=now,
            )
        assert not Closure.objects.exists()
        assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.BOOKED
        assert Occurrence.objects.filter(status=OccurrenceStatus.CANCELLED).count() == 0
        assert mail.outbox == []
        assert connection.vendor in ("sqlite", "postgresql")  # the suite runs on both

    def test_materialising_skips_a_closed_period_of_the_site_or_the_network(self):
        permanence = PermanenceFactory(starts_on=datetime.date(2027, 2, 2))
        Closure.objects.create(
            network=permanence.network,
            starts_on=datetime.date(2027, 2, 9),
            ends_on=datetime.date(2027, 2, 17),
        )  # the whole network
        materialise(permanence=permanence, today=datetime.date(2027, 2, 1), window_days=30)
        days = {timezone.localtime(o.starts_at).date() for o in permanence.occurrences.all()}
        assert datetime.date(2027, 2, 2) in days and datetime.date(2027, 2, 23) in days
        assert datetime.date(2027, 2, 9) not in days and datetime.date(2027, 2, 16) not in days

    def test_a_workshop_during_a_closure_is_refused_whatever_is_ticked(self):
        site = SiteFactory()
        Closure.objects.create(
            network=site.network,
            site=site,
            starts_on=datetime.date(2027, 12, 24),
            ends_on=datetime.date(2028, 1, 2),
            reason="congés",
        )
        workshop = WorkshopFactory.build(site=site, network=site.network)
        workshop.outside_opening_hours = workshop.on_public_holidays = True
        day = datetime.date(2027, 12, 28)
        with pytest.raises(OutsideOpeningHours, match=r"fermé exceptionnellement .*congés"):
            save_workshop(
                workshop=workshop,
                sessions=[Window(local(day, 10), local(day, 12))],
                now=local(datetime.date(2027, 12, 1), 9),
            )


class TestTimeZones:
    @pytest.mark.parametrize(
        ("zone_name", "postcode"), [("America/Cayenne", "97300"), ("Indian/Reunion", "97400")]
    )
    def test_an_overseas_network_gets_its_own_wall_clock(self, zone_name, postcode):
        network = NetworkFactory(time_zone=zone_name)
        site = SiteFactory(network=network, postcode=postcode)
        permanence = PermanenceFactory(site=site, starts_on=datetime.date(2027, 2, 2))
        materialise(permanence=permanence, today=datetime.date(2027, 2, 1), window_days=8)
        zone = zoneinfo.ZoneInfo(zone_name)
        first = permanence.slots.order_by("starts_at").first()
        assert first.starts_at == local(datetime.date(2027, 2, 2), 9, zone=zone)
        assert first.starts_at.astimezone(zone).hour == 9  # not 9:00 in Paris


class TestDemo:
    HOLIDAYS = (
        datetime.date(2026, 12, 25),
        datetime.date(2027, 1, 1),
        datetime.date(2027, 3, 29),  # Easter Monday
        datetime.date(2027, 5, 6),  # Ascension
        datetime.date(2027, 7, 14),
        datetime.date(2027, 12, 25),
    )

    def test_no_slot_outside_hours_unless_marked_and_none_on_a_holiday(self, time_machine):
        time_machine.move_to(local(datetime.date(2026, 12, 1), 8), tick=False)
        seed_demo(today=datetime.date(2026, 12, 1))
        materialise_all(today=datetime.date(2027, 5, 1))  # the window reaches past 14 July
        slots = Slot.objects.select_related("permanence", "site", "site__network")
        assert slots.count() > 100
        days = {timezone.localtime(s.starts_at).date() for s in slots}
        assert not days & set(self.HOLIDAYS)
        for slot in slots:
            window = Window(slot.starts_at, slot.ends_at)
            inside = place_calendar.within_opening_hours(slot.site, window, PARIS)
            assert inside is not False or slot.permanence.outside_opening_hours, slot
        marked = {s.permanence.title for s in slots if s.permanence.outside_opening_hours}
        assert marked == {"Permanence France services"}  # Tuesdays 9:00, opens at 14:00
        assert Closure.objects.filter(reason="inventaire").exists()
