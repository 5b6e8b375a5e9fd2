"""The partner finder: structures near a network's sites that cover what it lacks.

A coordinator marks priority needs (``PriorityNeed``); the finder proposes the
structures within reach of the network's active sites that cover at least one of
them and are not partners yet, best first: those covering the most priority needs,
then the nearest to one of the sites, then by name. One click on a candidate makes
it a prospect (``services.make_prospect``).

Which structures count:
- active and canonical rows only (a row marked as the duplicate of another is the
  same place from another source; its canonical row stands for it), located (a
  mobile service without coordinates cannot be measured from a site);
- a structure with a current partnership (prospect, active or paused) is left out,
  whichever of its rows the partnership points to;
- a structure whose partnership has *ended* is kept, flagged with that partnership
  (``ended_partnership_id``, ``ended_on``): the need is still uncovered and a
  former partner is often the quickest one to call back; the page says so, and
  ``make_prospect`` reopens the same partnership, history included.
  ``include_ended=False`` leaves them out.

Coverage counts the needs of the canonical row only, as the desk shows them.

Cost: a fixed number of queries (sites, priority needs, partnerships, the light
candidate rows with their coverage count, then the full rows and needs of the
``limit`` best), whatever the number of candidates. The database keeps the rows in
the union of the sites' bounding boxes (its latitude/longitude index does the work);
the exact great-circle distance then decides, in Python.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Prefetch, Q

from aiguillage.catalog.models import Need
from aiguillage.core.geo import BoundingBox, bounding_box, haversine_km
from aiguillage.core.models import Network, Site
from aiguillage.core.selectors import sites_of_network
from aiguillage.directory.models import Partnership, PartnershipStatus, PriorityNeed, Structure
from aiguillage.directory.selectors import MAX_LIMIT, MAX_RADIUS_KM

# Past this many sites, one box around them all replaces the union (a query with
# hundreds of OR-ed boxes costs more than the extra rows it would spare).
MAX_BOXES = 40


@dataclass(frozen=True)
class PartnerCandidate:
    structure: Structure
    covered_needs: list[Need]  # the searched needs it covers, in catalog order
    nearest_site: Site
    distance_km: float  # to the nearest site, rounded to the metre
    ended_partnership_id: int | None = None  # a former partnership with this network
    ended_on: datetime.date | None = None

    @property
    def coverage(self) -> int:
        return len(self.covered_needs)


def _boxes_filter(sites: list[Site], radius_km: float) -> Q:
    boxes = {bounding_box(site.latitude, site.longitude, radius_km) for site in sites}
    if len(boxes) > MAX_BOXES:
        boxes = {
            BoundingBox(
                min(box.min_latitude for box in boxes),
                max(box.max_latitude for box in boxes),
                min(box.min_longitude for box in boxes),
                max(box.max_longitude for box in boxes),
            )
        }
    return reduce(
        or_,
        (
            Q(
                latitude__gte=box.min_latitude,
                latitude__lte=box.max_latitude,
                longitude__gte=box.min_longitude,
                longitude__lte=box.max_longitude,
            )
            for box in sorted(boxes, key=lambda box: (box.min_latitude, box.min_longitude))
        ),
    )


def _sort_name(name: str) -> str:
    """Names compared as a reader would: accents and case aside (É next to E)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _partnered_places(
    network: Network,
) -> tuple[set[int], dict[int, tuple[int, datetime.date | None]]]:
    """Place ids with a current partnership, and those with an ended one (id, end date)."""
    current: set[int] = set()
    ended: dict[int, tuple[int, datetime.date | None]] = {}
    rows = Partnership.objects.of_network(network).values_list(
        "pk", "structure_id", "structure__duplicate_of_id", "status", "agreement_end"
    )
    for pk, structure_id, duplicate_of_id, status, agreement_end in rows:
        place_id = duplicate_of_id or structure_id
        if status == PartnershipStatus.ENDED:
            ended[place_id] = (pk, agreement_end)
        else:
            current.add(place_id)
    return current, ended


def find_partner_candidates(
    *,
    network: Network,
    needs: Iterable[Need] | None = None,
    radius_km: float = 30,
    limit: int = 20,
    include_ended: bool = True,
) -> list[PartnerCandidate]:
    """Structures worth proposing as partners to ``network``, best first (see module doc).

    ``needs`` defaults to the network's priority needs; with none (or no active
    site) there is nothing to look for and the answer is empty. ``radius_km`` is
    measured from each active site (capped at 200 km) and ``limit`` is capped at 100.
    """
    radius_km = min(max(float(radius_km), 0.0), MAX_RADIUS_KM)
    limit = min(max(int(limit), 1), MAX_LIMIT)
    sites = list(sites_of_network(network))
    if needs is None:
        need_ids = list(
            PriorityNeed.objects.filter(network=network).values_list("need_id", flat=True)
        )
    else:
        need_ids = sorted({need.pk for need in needs})
    if not sites or not need_ids:
        return []
    current, ended = _partnered_places(network)
    rows = (
        Structure.objects.active()
        .canonical()
        .filter(_boxes_filter(sites, radius_km))
        .filter(covered_needs__in=need_ids)
        .values("pk", "name", "latitude", "longitude")
        .annotate(coverage=Count("covered_needs"))
        .order_by()
    )
    ranked = []
    for row in rows:
        if row["pk"] in current or (not include_ended and row["pk"] in ended):
            continue
        distance, site = _nearest(sites, row["latitude"], row["longitude"])
        if distance > radius_km:
            continue
        ranked.append(
            (
                (-row["coverage"], distance, _sort_name(row["name"]), row["pk"]),
                row["pk"],
                site,
                distance,
            )
        )
    ranked.sort(key=lambda item: item[0])
    ranked = ranked[:limit]
    if not ranked:
        return []
    structures = Structure.objects.prefetch_related(
        Prefetch(
            "covered_needs",
            queryset=Need.objects.filter(pk__in=need_ids).select_related("theme"),
            to_attr="searched_needs_covered",
        )
    ).in_bulk([pk for _key, pk, _site, _distance in ranked])
    candidates = []
    for _key, pk, site, distance in ranked:
        structure = structures[pk]
        ended_pk, ended_on = ended.get(pk, (None, None))
        candidates.append(
            PartnerCandidate(
                structure=structure,
                covered_needs=list(structure.searched_needs_covered),
                nearest_site=site,
                distance_km=round(distance, 3),
                ended_partnership_id=ended_pk,
                ended_on=ended_on,
            )
        )
    return candidates


def _nearest(sites: list[Site], latitude: float, longitude: float) -> tuple[float, Site]:
    """The nearest site and its distance (the first one listed wins a tie)."""
    best_distance, best_site = float("inf"), sites[0]
    for site in sites:
        distance = haversine_km(site.latitude, site.longitude, latitude, longitude)
        if distance < best_distance:
            best_distance, best_site = distance, site
    return best_distance, best_site
