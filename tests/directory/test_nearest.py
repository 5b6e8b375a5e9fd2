"""Nearest competent structures: bounding box on the index, then exact distance."""

import datetime
import random
from zoneinfo import ZoneInfo

import pytest

from aiguillage.catalog.models import Need
from aiguillage.core.geo import haversine_km
from aiguillage.directory.selectors import nearest_structures
from tests.core.test_geo import law_of_cosines_km
from tests.directory.factories import StructureFactory

PARIS = ZoneInfo("Europe/Paris")
TUESDAY_10 = datetime.datetime(2026, 11, 17, 10, 0, tzinfo=PARIS)
SUNDAY_10 = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=PARIS)
LODEVE = (43.7317, 3.3194)

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxes():
    return Need.objects.get(slug="declarer-ses-revenus")


def test_only_structures_covering_the_need_within_the_radius_nearest_first(taxes):
    near = StructureFactory(latitude=43.75, longitude=3.33, covered_needs=[taxes])
    nearer = StructureFactory(latitude=43.735, longitude=3.32, covered_needs=[taxes])
    StructureFactory(latitude=43.74, longitude=3.32)  # covers nothing
    StructureFactory(latitude=44.5, longitude=3.3, covered_needs=[taxes])  # ~85 km
    StructureFactory(latitude=43.74, longitude=3.32, covered_needs=[taxes], is_active=False)
    found = nearest_structures(
        latitude=LODEVE[0], longitude=LODEVE[1], radius_km=30, now=TUESDAY_10, need=taxes
    )
    assert [r.structure for r in found] == [nearer, near]
    assert found[0].distance_km < found[1].distance_km


def test_a_structure_just_outside_the_radius_is_excluded_inside_is_kept():
    # 0.27 degrees of latitude is about 30.02 km
    StructureFactory(name="outside", latitude=LODEVE[0] + 0.2700, longitude=LODEVE[1])
    StructureFactory(name="inside", latitude=LODEVE[0] + 0.2690, longitude=LODEVE[1])
    found = nearest_structures(
        latitude=LODEVE[0], longitude=LODEVE[1], radius_km=30, now=TUESDAY_10
    )
    assert [r.structure.name for r in found] == ["inside"]


def test_open_now_and_next_opening():
    StructureFactory(name="weekdays", opening_hours="Mo-Fr 09:00-17:00")
    StructureFactory(name="no hours", opening_hours="")
    found = {
        r.structure.name: r
        for r in nearest_structures(
            latitude=LODEVE[0], longitude=LODEVE[1], radius_km=5, now=SUNDAY_10
        )
    }
    assert found["weekdays"].open_now is False
    assert found["weekdays"].next_opening == datetime.datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
    assert found["no hours"].open_now is None
    only_open = nearest_structures(
        latitude=LODEVE[0], longitude=LODEVE[1], radius_km=5, now=TUESDAY_10, open_now=True
    )
    assert [r.structure.name for r in only_open] == ["weekdays"]


def test_results_agree_with_an_independent_full_computation():
    rng = random.Random(7)
    structures = [
        StructureFactory(latitude=rng.uniform(43.2, 44.3), longitude=rng.uniform(2.6, 4.0))
        for _ in range(150)
    ]
    for _ in range(10):
        lat, lon = rng.uniform(43.4, 44.1), rng.uniform(2.8, 3.8)
        radius = rng.choice([5, 15, 30, 60])
        found = nearest_structures(
            latitude=lat, longitude=lon, radius_km=radius, now=TUESDAY_10, limit=100
        )
        expected = sorted(
            (law_of_cosines_km(lat, lon, s.latitude, s.longitude), s.pk)
            for s in structures
            if law_of_cosines_km(lat, lon, s.latitude, s.longitude) <= radius
        )[:100]
        assert [r.structure.pk for r in found] == [pk for _, pk in expected]
        for result, (distance, _) in zip(found, expected, strict=True):
            assert result.distance_km == pytest.approx(distance, abs=0.002)


def test_limit_is_respected():
    for _ in range(5):
        StructureFactory()
    assert (
        len(
            nearest_structures(
                latitude=LODEVE[0], longitude=LODEVE[1], radius_km=5, now=TUESDAY_10, limit=3
            )
        )
        == 3
    )


def test_distance_is_haversine():
    s = StructureFactory(latitude=43.8, longitude=3.4)
    (found,) = nearest_structures(
        latitude=LODEVE[0], longitude=LODEVE[1], radius_km=20, now=TUESDAY_10
    )
    assert found.structure == s
    assert found.distance_km == pytest.approx(haversine_km(*LODEVE, 43.8, 3.4), abs=0.001)


@pytest.mark.parametrize(
    ("typology", "counter"),
    [
        ("Mairie", True),
        ("Mairie annexe", True),
        ("Hôtel de ville", True),
        ("Préfecture", True),
        ("Sous-préfecture", True),
        ("sous prefecture", True),
        ("France services", False),
        ("Maison de la justice et du droit", False),
        ("CCAS", False),
        ("Espace public numérique de la mairie", False),
        ("", False),
    ],
)
def test_an_administrations_own_counter_is_known_by_its_type(typology, counter):
    from aiguillage.directory.models import Structure
    from tests.directory.factories import StructureFactory

    structure = StructureFactory(typology=typology)
    assert Structure.objects.administration_counters().filter(pk=structure.pk).exists() is counter
