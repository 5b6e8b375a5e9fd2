"""The territory's coverage: which needs have no competent service near which communes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aiguillage.core.decorators import network_view
from aiguillage.core.permissions import Action, request_can
from aiguillage.directory.coverage import (
    DISTANCE_BANDS_KM,
    ZONE_BLANCHE_KM,
    band_labels,
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


@network_view(action=Action.COVERAGE_VIEW)
def coverage_page(request, network) -> HttpResponse:
    coverage = territory_coverage(network=network)
    threshold = _threshold(request.GET.get("seuil", ""))
    zones = zones_blanches(coverage, threshold_km=threshold)
    partial = [zone for zone in zones if not zone.need.is_uncovered]
    uncovered = [zone.need for zone in zones if zone.need.is_uncovered]
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
        "uncovered": uncovered,
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
