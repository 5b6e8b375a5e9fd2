"""The coordinator's pages that put the desk's demand beside the territory's offer: the
coverage (zones blanches, unmet needs) and the partner finder."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action, request_can
from aiguillage.directory.coverage import (
    DISTANCE_BANDS_KM,
    ZONE_BLANCHE_KM,
    band_labels,
    distance_summaries,
    nothing_known,
    summary_sentences,
    territory_coverage,
    zones_blanches,
)
from aiguillage.directory.forms import PriorityNeedsForm
from aiguillage.directory.partner_finder import find_partner_candidates
from aiguillage.directory.partnership_selectors import priority_needs_of
from aiguillage.directory.services import set_priority_needs
from aiguillage.directory.svgmap import coverage_map_svg
from aiguillage.reporting.coverage import own_offers
from aiguillage.reporting.demand import DEMAND_WINDOW_DAYS, demand_window, need_demand

FINDER_RADIUS_KM = 30  # how far the partner finder looks around the sites
THRESHOLDS_KM = (10, 15, 20, 30)


def _threshold(raw: str) -> float:
    return float(raw) if raw in {str(t) for t in THRESHOLDS_KM} else ZONE_BLANCHE_KM


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
    return render(request, "reporting/coverage.html", context)


@network_view(action=Action.PARTNERS_VIEW)
def partner_finder(request, network) -> HttpResponse:
    priorities = priority_needs_of(network=network)
    form = PriorityNeedsForm(initial={"needs": priorities})
    if request.method == "POST":
        if not request_can(request, Action.PARTNERS_EDIT):
            raise PermissionDenied("Only coordinators set priorities.")
        form = PriorityNeedsForm(request.POST)
        if form.is_valid():
            set_priority_needs(
                network=network, needs=form.cleaned_data["needs"], actor=request.user
            )
            messages.success(request, _("Les besoins prioritaires ont été enregistrés."))
            return redirect("reporting:partner_finder", network.slug)
    first_day, last_day = demand_window(timezone.localdate())
    context = {
        "network": network,
        "form": form,
        "priorities": priorities,
        "demand": need_demand(network=network, first_day=first_day, last_day=last_day),
        "demand_days": DEMAND_WINDOW_DAYS,
        "candidates": find_partner_candidates(network=network, radius_km=FINDER_RADIUS_KM),
        "radius_km": FINDER_RADIUS_KM,
        "may_edit": request_can(request, Action.PARTNERS_EDIT),
    }
    return render(request, "reporting/partner_finder.html", context)
