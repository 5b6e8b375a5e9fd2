"""The engine's entry point: what the desk typed or chose, read into a need, the facts
gathered, then ranked."""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext as _

from aiguillage.accounts.models import Membership
from aiguillage.catalog.models import Need
from aiguillage.catalog.search import SearchResult, choices
from aiguillage.catalog.selectors import search_needs
from aiguillage.core.models import Network, Site
from aiguillage.directory.models import Commune
from aiguillage.orientation.charter import check_scope
from aiguillage.orientation.engine.ranking import rank
from aiguillage.orientation.engine.results import Orientation
from aiguillage.orientation.facts import (
    NeedFacts,
    StartingPoint,
    gather,
)
from aiguillage.orientation.situation import (
    Situation,
)


def first_time_variant(need: Need, situation: Situation) -> Need | None:
    """The first-time variant of the démarche when the desk says it is the first time
    (a first income declaration asks for other documents than the usual one)."""
    if not situation.first_time or need.first_time_variant_id is None:
        return None
    return Need.objects.for_search().filter(pk=need.first_time_variant_id).first()


def orient(
    *,
    network: Network,
    need: Need | None = None,
    query: str = "",
    situation: Situation | None = None,
    site: Site | None = None,
    commune: Commune | None = None,
    at: datetime.datetime | None = None,
    membership: Membership | None = None,
    public: bool = False,
) -> Orientation:
    """Recommendations for a need (or what the desk typed), from a site or a commune."""
    situation = situation or Situation()
    at = timezone.localtime(at or timezone.now())
    check_scope(network=network, site=site, membership=membership)
    if site is not None:
        origin = StartingPoint.of_site(site)
    elif commune is not None:
        origin = StartingPoint.of_commune(commune)
    else:
        raise ValueError("A site or a commune is needed.")
    alternatives: tuple[SearchResult, ...] = ()
    close: tuple[SearchResult, ...] = ()
    if need is None:
        results = search_needs(query, limit=4) if query.strip() else []
        need = Need.objects.for_search().filter(slug=results[0].slug).first() if results else None
        alternatives = tuple(results[1:])
        close = tuple(choices(results)[1:])
        if need is None:
            return Orientation(
                need=None,
                query=query,
                unmet_reasons=(
                    _("Aucun besoin du catalogue ne correspond à « %(query)s ».")
                    % {"query": query.strip()},
                ),
                origin=origin,
                at=at,
            )
    variant = first_time_variant(need, situation)
    facts = gather(
        network=network,
        need=need,
        situation=situation,
        origin=origin,
        at=at,
        site=site,
        membership=membership,
        public=public,
    )
    if variant is not None:
        # Who can help is who helps with the démarche; what to bring, and what is
        # recorded, is the first time's.
        facts = replace(facts, need=NeedFacts.of(variant))
    return replace(
        rank(facts, situation, query=query, alternatives=alternatives),
        close_alternatives=close,
    )
