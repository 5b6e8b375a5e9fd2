"""What the network's own sites offer for the needs of its territory, read from the
agenda (the directory sits below the agenda, so the coverage's own offers are read here).
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from aiguillage.agenda.models import Permanence, PermanenceKind, Workshop, WorkshopStatus
from aiguillage.core.models import Network
from aiguillage.directory.coverage import OfferKind, OwnOffer, TerritoryCoverage, equipment_offers


def own_offers(
    *, network: Network, coverage: TerritoryCoverage, now: datetime.datetime
) -> list[OwnOffer]:
    """What the network's own active sites offer for the coverage's needs, by themselves.

    A published workshop with a session to come, an active permanence (the team's
    appointments or a partner's, at one of our sites) that has not ended and names the
    need, and the equipment that does it alone (a printer prints).
    Three queries whatever the agenda's size.
    """
    need_ids = {need.need_id for need in coverage.needs}
    if not need_ids:
        return []
    workshops = (
        Workshop.needs.through.objects.filter(
            workshop__network=network,
            workshop__status=WorkshopStatus.PUBLISHED,
            workshop__site__is_active=True,
            workshop__sessions__starts_at__gte=now,
        )
        .order_by()
        .values_list("need_id", "workshop__title", "workshop__site__name")
        .distinct()
    )
    offers = [
        OwnOffer(need_id, OfferKind.WORKSHOP, title, (site,))
        for need_id, title, site in workshops
        if need_id in need_ids
    ]
    permanences = (
        Permanence.needs.through.objects.filter(
            permanence__network=network,
            permanence__is_active=True,
            permanence__site__is_active=True,
        )
        .filter(
            Q(permanence__ends_on__isnull=True)
            | Q(permanence__ends_on__gte=timezone.localdate(now))
        )
        .order_by()
        .values_list("need_id", "permanence__kind", "permanence__title", "permanence__site__name")
    )
    kinds = {PermanenceKind.STAFF: OfferKind.STAFF, PermanenceKind.PARTNER: OfferKind.PARTNER}
    offers += [
        OwnOffer(need_id, kinds[kind], title, (site,))
        for need_id, kind, title, site in permanences
        if need_id in need_ids and kind in kinds
    ]
    return offers + equipment_offers(network=network, coverage=coverage)
