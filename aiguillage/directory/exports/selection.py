"""Which rows an export publishes, and the identifiers and dates both standards need.

The whole directory is every active structure that stands for its place (not a row
linked to the same place from another source). A network's export is the places it
works with (partnerships active or paused) plus its own public sites; with
``only_own_sites``, its sites alone, so that a library network can publish itself.
Another network's rows never enter a network's export.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from aiguillage.core.models import Network, Site
from aiguillage.directory.models import Partnership, Structure

ID_SEPARATOR = "--"  # data·inclusion's own convention: "<source>--<id in the source>"


@dataclass(frozen=True)
class Selection:
    structures: QuerySet[Structure]
    sites: QuerySet[Site]


def select_places(*, network: Network | None = None, only_own_sites: bool = False) -> Selection:
    """The structures and sites to export, in a stable order (primary key)."""
    if only_own_sites and network is None:
        raise ValueError("only_own_sites needs a network")
    structures = Structure.objects.active().canonical()
    sites = Site.objects.none()
    if network is not None:
        current = Partnership.objects.of_network(network).current()
        # A partnership may point to a row that another source's row stands for: the
        # place is exported once, under the row that stands for it.
        structures = structures.filter(
            Q(pk__in=current.values("structure_id"))
            | Q(pk__in=current.values("structure__duplicate_of_id"))
        )
        sites = Site.objects.public().of_network(network)
        if only_own_sites:
            structures = Structure.objects.none()
    return Selection(
        structures=structures.order_by("pk"),
        sites=sites.select_related("network").order_by("pk"),
    )


def structure_export_id(structure: Structure) -> str:
    """``<source>--<source_id>``: unique, and stable across re-imports and databases.

    The primary key would change if the directory were rebuilt; the provenance
    pair is what every re-import keeps (and is unique by a database constraint).
    """
    return f"{structure.source}{ID_SEPARATOR}{structure.source_id}"


def site_export_id(site: Site) -> str:
    """``site--<network slug>--<site slug>``: both slugs are stable identifiers."""
    return ID_SEPARATOR.join(("site", site.network.slug, site.slug))


def publication_date(
    known: datetime.date | None, *fallbacks: datetime.datetime | None
) -> datetime.date:
    """``date_maj``, required by both standards: the source's date, else when we last
    imported or edited the row.

    Never after today's system date: data·inclusion refuses a date "in the future",
    and Paris may already be tomorrow for a server that keeps UTC.
    """
    if known is not None:
        return known
    moment = next(value for value in fallbacks if value is not None)
    return min(timezone.localdate(moment), datetime.date.today())
