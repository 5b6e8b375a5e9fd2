"""What the engine reads: the nearest places and the first free slot of each permanence.

These are the reads the engine's speed rests on (the nearest places looked for within
15 km first, then 60 km; one windowed query for the first slot of every permanence), so
each shortcut is checked against what the plain reading would give.
"""

import datetime

import pytest

from aiguillage.agenda.recurrence import PARIS
from aiguillage.catalog.models import Need
from aiguillage.orientation.facts import Competence, StartingPoint, gather
from aiguillage.orientation.situation import Situation
from tests.agenda.factories import (
    UpcomingPermanenceFactory,
    UpcomingStaffPermanenceFactory,
    in_days,
)
from tests.core.factories import SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db

LAT, LON = 43.7317, 3.3194
KM = 0.009  # degrees of latitude per kilometre, near enough


@pytest.fixture
def site():
    return SiteFactory(latitude=LAT, longitude=LON)


def need(slug: str) -> Need:
    return Need.objects.select_related("theme").get(slug=slug)


def place(name: str, km: float, needs: list[Need], **fields):
    return StructureFactory(
        name=name, latitude=LAT + km * KM, longitude=LON, covered_needs=needs, **fields
    )


def facts(site, need, *, at=None, public=False):
    at = at or datetime.datetime.combine(in_days(1), datetime.time(7, 0), tzinfo=PARIS)
    return gather(
        network=site.network,
        need=need,
        situation=Situation(),
        origin=StartingPoint.of_site(site),
        at=at,
        site=site if not public else None,
        public=public,
    )


def names(found, competence):
    return [p.name for p in found.places if p.competence == competence]


def test_fewer_than_three_within_15_km_the_nearest_up_to_60_km_complete_them(site):
    rsa = need("demander-rsa")
    place("A 4 km", 4.0, [rsa])
    place("B 12 km", 12.0, [rsa])
    place("C 25 km", 25.0, [rsa])
    place("D 40 km", 40.0, [rsa])
    place("E 70 km", 70.0, [rsa])

    assert names(facts(site, rsa), Competence.NEED) == ["A 4 km", "B 12 km", "C 25 km"]


def test_three_within_15_km_are_the_three_nearest(site):
    rsa = need("demander-rsa")
    for km in (14.0, 2.0, 9.0, 5.0):
        place(f"{km:g} km", km, [rsa])
    place("20 km", 20.0, [rsa])

    assert names(facts(site, rsa), Competence.NEED) == ["2 km", "5 km", "9 km"]


def test_a_need_no_place_covers_falls_back_on_its_theme_then_general_help(site):
    rsa = need("demander-rsa")
    same_theme = Need.objects.filter(theme=rsa.theme).exclude(pk=rsa.pk).first()
    place("Theme 30 km", 30.0, [same_theme])
    place("General 50 km", 50.0, [], general_help=True)

    found = facts(site, rsa)

    assert names(found, Competence.NEED) == []
    assert names(found, Competence.THEME) == ["Theme 30 km"]
    assert names(found, Competence.GENERAL) == ["General 50 km"]


def _first_slots(found):
    return {s.title: s.starts_at.astimezone(PARIS) for s in found.slots}


def test_each_permanence_gives_its_first_free_slot_and_keeps_its_own_online_cutoff(site):
    rsa = need("demander-rsa")
    tomorrow = in_days(1)
    soon = UpcomingPermanenceFactory(
        site=site, title="Sans délai", first_day=tomorrow, booking_cutoff_hours=0
    )
    late = UpcomingPermanenceFactory(
        site=site, title="48 h avant", first_day=tomorrow, booking_cutoff_hours=48
    )
    for permanence in (soon, late):
        permanence.needs.set([rsa])
    nine = datetime.time(9, 0)

    public = _first_slots(facts(site, rsa, public=True))
    assert public == {
        "Sans délai": datetime.datetime.combine(tomorrow, nine, tzinfo=PARIS),
        # Tomorrow is within 48 hours: the next week's first slot is the first bookable.
        "48 h avant": datetime.datetime.combine(
            tomorrow + datetime.timedelta(days=7), nine, tzinfo=PARIS
        ),
    }
    # The desk books for the visitor: no cut-off.
    desk = _first_slots(facts(site, rsa))
    assert set(desk.values()) == {datetime.datetime.combine(tomorrow, nine, tzinfo=PARIS)}


def test_a_taken_slot_gives_way_to_the_next_one(site):
    rsa = need("demander-rsa")
    permanence = UpcomingPermanenceFactory(site=site, title="Caf", first_day=in_days(1))
    permanence.needs.set([rsa])
    first = permanence.slots.order_by("starts_at").first()
    first.booked = first.capacity
    first.save(update_fields=["booked"])

    (slot,) = facts(site, rsa).slots
    assert slot.id != first.id
    assert slot.starts_at == permanence.slots.order_by("starts_at")[1].starts_at


def test_which_permanences_help(site):
    rsa = need("demander-rsa")
    other = need("declarer-ses-revenus")
    handles = UpcomingPermanenceFactory(site=site, title="Traite le RSA", first_day=in_days(1))
    handles.needs.set([rsa, other])
    elsewhere = UpcomingPermanenceFactory(site=site, title="Impôts", first_day=in_days(1))
    elsewhere.needs.set([other])
    UpcomingStaffPermanenceFactory(site=site, title="Médiation générale", first_day=in_days(1))
    named = UpcomingStaffPermanenceFactory(site=site, title="Impôts avec un médiateur",
                                           first_day=in_days(1))  # fmt: skip
    named.needs.set([other])

    found = {s.title: s.handles_need for s in facts(site, rsa).slots}

    # A partner or mediator naming the need; a mediator naming none (general help).
    assert found == {"Traite le RSA": True, "Médiation générale": False}
