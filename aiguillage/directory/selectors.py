"""Reads of the directory: the nearest competent structures, and what the desk shows.

Structures are public open data shared by every network, so these reads are not
scoped to a network; what a network adds (partnerships, notes) is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from aiguillage.catalog.models import Need, Theme
from aiguillage.catalog.search import normalize
from aiguillage.core.geo import bounding_box, haversine_km
from aiguillage.core.opening import opening_state
from aiguillage.directory.models import ADMINISTRATION_COUNTER_TYPOLOGY, Commune, Service, Structure

MAX_RADIUS_KM = 200.0
MAX_LIMIT = 100
# What a list of nearby places shows; the page of one place loads the rest.
LIST_FIELDS = (
    "id", "name", "source", "source_id", "commune_name", "commune_insee", "latitude",
    "longitude", "opening_hours", "typology", "address", "postcode", "thematiques",
    "lieux_services", "reception_modes", "specific_support", "general_help", "duplicate_of_id",
    "phone", "is_mobile", "website", "booking_url", "access_modalities",
)  # fmt: skip


@dataclass(frozen=True)
class NearbyStructure:
    structure: Structure
    distance_km: float
    open_now: bool | None  # None when the hours are unknown or unreadable
    next_opening: datetime.datetime | None


def structures_within(
    *, latitude: float, longitude: float, radius_km: float
) -> QuerySet[Structure]:
    """Active structures in the bounding box of the circle (the index does the work)."""
    box = bounding_box(latitude, longitude, radius_km)
    return Structure.objects.active().filter(
        latitude__gte=box.min_latitude,
        latitude__lte=box.max_latitude,
        longitude__gte=box.min_longitude,
        longitude__lte=box.max_longitude,
    )


def nearest_structures(
    *,
    latitude: float,
    longitude: float,
    radius_km: float,
    now: datetime.datetime,
    need: Need | None = None,
    theme: Theme | None = None,
    general_help: bool = False,
    exclude: Iterable[int] = (),
    thematique: str = "",
    lieux_service: str = "",
    open_now: bool = False,
    limit: int = 10,
    counters: bool = True,
) -> list[NearbyStructure]:
    """The nearest active places (covering ``need``, a need of ``theme``, giving general
    help, a thématique, a lieux service) within ``radius_km``, nearest first, each place
    once; ``exclude`` leaves out places (and their twins) already found;
    ``counters=False`` leaves out administrations' own counters (a town hall, a
    prefecture), for a démarche that is online only.

    A place known from two sources is two linked rows: the nearest matching row stands
    for it, so a twin covering the need from its own source still counts.
    """
    radius_km = min(max(radius_km, 0.0), MAX_RADIUS_KM)
    limit = min(max(limit, 1), MAX_LIMIT)
    candidates = structures_within(latitude=latitude, longitude=longitude, radius_km=radius_km)
    if need is not None:
        # EXISTS, not a join: SQLite then starts from the coordinates index instead of
        # reading every structure in France that covers the need.
        covers = Structure.covered_needs.through.objects.filter(
            structure_id=OuterRef("pk"), need_id=need.pk
        )
        candidates = candidates.filter(Exists(covers))
    if theme is not None:
        of_theme = Structure.covered_needs.through.objects.filter(
            structure_id=OuterRef("pk"), need__theme_id=theme.pk
        )
        candidates = candidates.filter(Exists(of_theme))
    if general_help:
        candidates = candidates.filter(general_help=True)
    if not counters:
        candidates = candidates.exclude(typology__iregex=ADMINISTRATION_COUNTER_TYPOLOGY)
    # Two reads: the coordinates of every candidate (hundreds in a city), then the
    # fields the desk shows for the few kept. Reading whole rows for all candidates
    # was most of the time.
    columns = ["pk", "latitude", "longitude", "duplicate_of_id"]
    columns += ["thematiques"] if thematique else []
    columns += ["lieux_services"] if lieux_service else []
    columns += ["opening_hours"] if open_now else []
    within = []
    for row in candidates.order_by().values(*columns):
        if thematique and thematique not in row["thematiques"]:
            continue
        if lieux_service and lieux_service not in row["lieux_services"]:
            continue
        distance = haversine_km(latitude, longitude, row["latitude"], row["longitude"])
        if distance <= radius_km:
            within.append((distance, row["pk"], row))
    within.sort(key=lambda item: (item[0], item[1]))
    chosen: list[tuple[float, int]] = []
    places: set[int] = set(exclude)
    for distance, pk, row in within:
        place_id = row["duplicate_of_id"] or pk
        if place_id in places:
            continue
        if open_now and opening_state(row["opening_hours"], now)[0] is not True:
            continue
        places.add(place_id)
        chosen.append((distance, pk))
        if len(chosen) >= limit:
            break
    structures = Structure.objects.only(*LIST_FIELDS).in_bulk([pk for _, pk in chosen])
    results: list[NearbyStructure] = []
    for distance, pk in chosen:
        structure = structures.get(pk)
        if structure is None:  # deleted between the two reads
            continue
        is_open, next_opening = opening_state(structure.opening_hours, now)
        results.append(NearbyStructure(structure, round(distance, 3), is_open, next_opening))
    return results


def find_communes(query: str, *, limit: int = 10) -> list[Commune]:
    """Communes matching what the desk typed: an INSEE code, a postcode, or a name
    (accents, case and hyphens ignored; delegated communes' old names count)."""
    text = query.strip()[:150]
    if not text:
        return []
    located = Commune.objects.located()
    if len(text) == 5 and text[:2].isalnum() and text[2:].isdigit():
        by_code = list(located.filter(insee_code=text.upper()))
        by_postcode = [c for c in located.filter(postcode=text) if c not in by_code] or [
            c for c in located.filter(postcodes__icontains=text) if text in c.postcodes
        ]
        found = by_code + [c for c in by_postcode if c not in by_code]
        if found:
            return found[:limit]
    wanted = normalize(text)
    if not wanted:
        return []
    exact = located.filter(search_names__contains=f"|{wanted}|")
    prefix = located.filter(search_names__contains=f"|{wanted}").exclude(pk__in=exact)
    by_population = ("-population", "name")
    found = list(exact.order_by(*by_population)[:limit])
    found += list(prefix.order_by(*by_population)[: limit - len(found)])
    return found


def get_structure(pk: int) -> Structure:
    """One structure with what its page shows (services, needs, twins)."""
    return (
        Structure.objects.select_related("duplicate_of")
        .prefetch_related(
            "covered_needs__theme",
            "duplicates",
            Prefetch(
                "services",
                queryset=Service.objects.filter(is_active=True).prefetch_related("covered_needs"),
            ),
        )
        .get(pk=pk)
    )
