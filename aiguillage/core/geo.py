"""Distances on the Earth without PostGIS.

A bounding box around the point lets the database use its (latitude, longitude)
index to keep only nearby rows; the exact great-circle distance then sorts and
trims them. Identical results on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180


@dataclass(frozen=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(latitude: float, longitude: float, radius_km: float) -> BoundingBox:
    """A box that contains every point within ``radius_km`` (slightly more, never less)."""
    dlat = radius_km / KM_PER_DEGREE_LATITUDE
    min_lat, max_lat = max(-90.0, latitude - dlat), min(90.0, latitude + dlat)
    # The widest longitude span is at the box's latitude farthest from the equator.
    widest = max(abs(min_lat), abs(max_lat))
    if widest >= 89.9:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    dlon = radius_km / (KM_PER_DEGREE_LATITUDE * math.cos(math.radians(widest)))
    if dlon >= 180:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(
        min_lat, max_lat, max(-180.0, longitude - dlon), min(180.0, longitude + dlon)
    )
