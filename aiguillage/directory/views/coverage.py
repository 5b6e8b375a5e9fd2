"""The territory's coverage: which needs have no competent service near which communes."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aiguillage.agenda.models import Permanence, PermanenceKind, Workshop, WorkshopStatus
from aiguillage.core.decorators import network_view
from aiguillage.core.models import Network
from aiguillage.core.permissions import Action, request_can
from aiguillage.directory.coverage import (
    DISTANCE_BANDS_KM,
    ZONE_BLANCHE_KM,
    OfferKind,
    OwnOffer,
    TerritoryCoverage,
    band_labels,
    distance_summaries,
    equipment_offers,
    nothing_known,
    summary_sentences,
    territory_coverage,
    zones_blanches,
)
from aiguillage.directory.partnership_selectors import priority_needs_of
from aiguillage.directory.selectors import find_communes
from aiguillage.directory.services import add_served_communes, remove_served_commune
from aiguillage.directory.svgmap import coverage_map_svg
from aiguillage.orientation.selectors import DEMAND_WINDOW_DAYS, demand_window, need_demand

THRESHOLDS_KM = (10, 15, 20, 30)


def _threshold(raw: str) -> float:
    return float(raw) if raw in {str(t) for t in THRESHOLDS_KM} else ZONE_BLANCHE_KM


def own_offers(
    *, network: Network, coverage: TerritoryCoverage, now: datetime.datetime
) -> list[OwnOffer]:
    """What the network's own active sites offer for the coverage's needs, by themselves.

    A published workshop with a session to come, an active permanence (the team's
    appointments or a partner's, at one of our sites) that has not ended and names the
    need, and the equipment that does it alone (a printer prints). Read here because
    the agenda sits above the directory; three queries whatever the agenda's size.
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


@network_view(action=Action.COVERAGE_VIEW)
def coverage_page(request, network) -> HttpResponse:
    coverage = territory_coverage(network=network)
    threshold = _threshold(request.GET.get("seuil", ""))
    zones = zones_blanches(coverage, threshold_km=threshold)
    # Part of the territory only: a need far from every commune is in the summaries.
    partial = [zone for zone in zones if len(zone.communes) < len(zone.need.communes)]
    summaries = distance_summaries(
        coverage, offers=own_offers(network=network, coverage=coverage, now=timezone.now())
    )
    selected = coverage.by_slug(request.GET.get("besoin", ""))
    if selected is None and partial:
        selected = partial[0].need
    if selected is None:  # no zone blanche: show the first priority need that is covered
        priorities = set(priority_needs_of(network=network).values_list("slug", flat=True))
        covered = [need for need in coverage.needs if not need.is_uncovered]
        preferred = [need for need in covered if need.slug in priorities]
        selected = (preferred or covered or [None])[0]
    labels = band_labels()
    first_day, last_day = demand_window(timezone.localdate())
    context = {
        "unmet_at_desk": need_demand(
            network=network, first_day=first_day, last_day=last_day, unmet_only=True
        ),
        "demand_days": DEMAND_WINDOW_DAYS,
        "network": network,
        "coverage": coverage,
        "threshold": threshold,
        "thresholds": THRESHOLDS_KM,
        "bands_km": DISTANCE_BANDS_KM,
        "zones": partial,
        "summaries": [
            {"summary": summary, "sentences": summary_sentences(coverage, summary)}
            for summary in summaries
        ],
        # The widest list (the first band's) holds every other band's needs.
        "unserved": summaries[0] if summaries else None,
        "nothing_known": nothing_known(coverage),
        "selected": selected,
        "rows": [{"distance": row, "band": labels[row.band]} for row in selected.communes]
        if selected
        else [],
        "map": coverage_map_svg(coverage, need=selected) if coverage.communes else "",
        "may_edit": request_can(request, Action.COVERAGE_EDIT),
    }
    return render(request, "directory/coverage.html", context)


@require_POST
@network_view(action=Action.COVERAGE_EDIT)
def territory_add(request, network) -> HttpResponse:
    query = request.POST.get("commune", "").strip()
    found = find_communes(query, limit=1) if query else []
    if not found:
        messages.error(request, _("Aucune commune ne correspond à « %(q)s ».") % {"q": query})
    else:
        added = add_served_communes(network=network, communes=found, actor=request.user)
        if added:
            messages.success(request, _("%(name)s fait partie du territoire.") % {"name": found[0]})
        else:
            messages.info(
                request, _("%(name)s fait déjà partie du territoire.") % {"name": found[0]}
            )
    return redirect("directory:coverage", network.slug)


@require_POST
@network_view(action=Action.COVERAGE_EDIT)
def territory_remove(request, network) -> HttpResponse:
    raw = request.POST.get("commune_id", "")
    if raw.isdecimal() and remove_served_commune(
        network=network, commune_id=int(raw), actor=request.user
    ):
        messages.success(request, _("La commune a été retirée du territoire."))
    return redirect("directory:coverage", network.slug)
