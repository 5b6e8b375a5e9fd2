"""Reads of the agenda, always scoped to one network."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from aiguillage.agenda.models import OccurrenceStatus, Permanence, Slot
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site

MAX_SLOTS = 100


def free_slots(
    *,
    network: Network,
    after: datetime.datetime,
    before: datetime.datetime | None = None,
    need: Need | None = None,
    site: Site | None = None,
    public_only: bool = False,
    limit: int = 20,
) -> list[Slot]:
    """The free slots of ``network`` starting after ``after``, earliest first.

    Slots are materialised, so this is one indexed read: no rule is expanded here.
    With ``need``, only permanences that say they handle it.
    """
    slots: QuerySet[Slot] = (
        Slot.objects.of_network(network)
        .free()
        .filter(
            starts_at__gt=after,
            occurrence__status=OccurrenceStatus.SCHEDULED,
            permanence__is_active=True,
        )
    )
    if before is not None:
        slots = slots.filter(starts_at__lt=before)
    if site is not None:
        slots = slots.filter(site=site)
    if public_only:
        slots = slots.filter(is_public=True)
    if need is not None:
        # The permanences first (a few dozen ids), then their slots through the
        # (permanence, start) index: a need nobody handles costs one small read instead
        # of a walk over every future free slot of the network (docs/benchmarks.md).
        handling = list(
            Permanence.objects.filter(network=network, is_active=True, needs=need).values_list(
                "pk", flat=True
            )
        )
        if not handling:
            return []
        slots = slots.filter(permanence_id__in=handling)
    limit = min(max(limit, 1), MAX_SLOTS)
    return list(slots.select_related("permanence", "site").order_by("starts_at", "pk")[:limit])
