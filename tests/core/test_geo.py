import math
import random

import pytest

from aiguillage.core.geo import EARTH_RADIUS_KM, bounding_box, haversine_km


def law_of_cosines_km(lat1, lon1, lat2, lon2):
    """An independent great-circle formula, to check haversine against."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return EARTH_RADIUS_KM * math.acos(max(-1.0, min(1.0, c)))


def test_paris_to_lyon_is_about_392_km():
    assert haversine_km(48.8566, 2.3522, 45.7640, 4.8357) == pytest.approx(391.5, abs=1.0)


def test_haversine_agrees_with_the_law_of_cosines():
    rng = random.Random(2026)
    for _ in range(500):
        a = (rng.uniform(-60, 60), rng.uniform(-180, 180))
        b = (rng.uniform(-60, 60), rng.uniform(-180, 180))
        assert haversine_km(*a, *b) == pytest.approx(law_of_cosines_km(*a, *b), abs=0.01)


@pytest.mark.parametrize("latitude", [0.0, 43.7, 48.85, -21.1, 70.0])
@pytest.mark.parametrize("radius", [0.5, 10.0, 30.0, 150.0])
def test_the_bounding_box_never_misses_a_point_within_the_radius(latitude, radius):
    rng = random.Random(f"{latitude}-{radius}")
    longitude = 3.3
    box = bounding_box(latitude, longitude, radius)
    for _ in range(400):
        bearing = rng.uniform(0, 2 * math.pi)
        distance = radius * math.sqrt(rng.random())
        # destination point on the sphere
        d = distance / EARTH_RADIUS_KM
        p1, l1 = math.radians(latitude), math.radians(longitude)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
        l2 = l1 + math.atan2(
            math.sin(bearing) * math.sin(d) * math.cos(p1),
            math.cos(d) - math.sin(p1) * math.sin(p2),
        )
        lat2, lon2 = math.degrees(p2), math.degrees(l2)
        assert haversine_km(latitude, longitude, lat2, lon2) <= radius + 1e-6
        assert box.min_latitude <= lat2 <= box.max_latitude
        assert box.min_longitude <= lon2 <= box.max_longitude


def test_the_box_is_tight_enough_to_be_useful():
    box = bounding_box(43.73, 3.32, 30)
    assert box.max_latitude - box.min_latitude == pytest.approx(0.54, abs=0.01)
    assert box.max_longitude - box.min_longitude < 0.8
