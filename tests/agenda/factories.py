"""Agenda rows for tests: permanences materialised through the service, as in use."""

import datetime

import factory

from aiguillage.agenda.models import (
    BookableBy,
    Permanence,
    PermanenceKind,
    Workshop,
    WorkshopSession,
    WorkshopStatus,
)
from aiguillage.agenda.recurrence import PARIS
from tests.accounts.factories import MembershipFactory
from tests.core.factories import SiteFactory
from tests.directory.factories import StructureFactory


class PermanenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Permanence

    site = factory.SubFactory(SiteFactory)
    network = factory.LazyAttribute(lambda o: o.site.network)
    kind = PermanenceKind.PARTNER
    title = factory.Sequence(lambda n: f"Permanence France services {n}")
    structure = factory.SubFactory(StructureFactory)
    rrule = "FREQ=WEEKLY;BYDAY=TU"
    starts_on = datetime.date(2026, 12, 1)
    start_time = datetime.time(9, 0)
    end_time = datetime.time(12, 0)
    slot_minutes = 30
    seats_per_slot = 1
    bookable_by = BookableBy.PUBLIC
    booking_cutoff_hours = 2
    # Dates relative to "now" may fall on a public holiday (the suite runs at any
    # instant); the holiday rule has its own tests, which set this to False.
    on_public_holidays = True


class StaffPermanenceFactory(PermanenceFactory):
    kind = PermanenceKind.STAFF
    structure = None
    staff = factory.SubFactory(MembershipFactory, network=factory.SelfAttribute("..site.network"))
    title = factory.Sequence(lambda n: f"Rendez-vous numérique {n}")


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    network = factory.LazyAttribute(lambda o: o.site.network)
    title = factory.Sequence(lambda n: f"Créer son adresse e-mail {n}")
    description = "Créer une adresse e-mail et l'utiliser pour ses démarches."
    capacity = 12
    waitlist_capacity = 20
    status = WorkshopStatus.PUBLISHED
    desk_registration = True
    public_registration = True
    on_public_holidays = True  # as for permanences: the holiday rule is tested apart
    # A week from the suite's frozen "now", 14:00 (config/pytest_plugin.py): upcoming
    # at whatever instant the suite runs.
    starts_at = factory.LazyFunction(lambda: _at(in_days(7), 14))

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        if not create:
            return
        for start in extracted or [self.starts_at]:
            WorkshopSession.objects.create(
                workshop=self, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
            )


# --- Relative to the suite's frozen "now" ---


def in_days(days: int) -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=days)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


def _every_week_on(day: datetime.date) -> str:
    from aiguillage.agenda.recurrence import weekly

    return weekly(day.weekday())


class UpcomingPermanenceFactory(PermanenceFactory):
    """Every week on the weekday of ``first_day`` (a week from today unless given), 9:00 to
    12:00 in 30-minute slots, materialised as saving it in the application does."""

    class Meta:
        skip_postgeneration_save = True

    class Params:
        first_day = factory.LazyFunction(lambda: in_days(7))

    starts_on = factory.LazyAttribute(lambda o: o.first_day)
    rrule = factory.LazyAttribute(lambda o: _every_week_on(o.first_day))

    @factory.post_generation
    def materialised(self, create, extracted, **kwargs):
        if create:
            from aiguillage.agenda.services.permanences import materialise

            materialise(permanence=self, today=in_days(0))


class UpcomingStaffPermanenceFactory(UpcomingPermanenceFactory):
    kind = PermanenceKind.STAFF
    structure = None
    staff = factory.SubFactory(MembershipFactory, network=factory.SelfAttribute("..site.network"))
    title = factory.Sequence(lambda n: f"Rendez-vous numérique {n}")


class UpcomingWorkshopFactory(WorkshopFactory):
    """A published workshop whose one session is a week from today, 14:00 to 16:00
    (as every WorkshopFactory now: the name says it where a test counts on it)."""
