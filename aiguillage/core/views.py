from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from aiguillage.core.decorators import network_view
from aiguillage.core.opening import describe_opening_hours
from aiguillage.core.permissions import Action
from aiguillage.core.selectors import get_site_of_network, networks_for_user, sites_of_network
from aiguillage.core.week_hours import week_hours

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request) -> HttpResponse:
    """Liveness with a real database round-trip, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request) -> HttpResponse:
    networks = list(networks_for_user(request.user))
    if len(networks) == 1:
        # The desk is the staff's home screen: a person is usually waiting.
        return redirect("orientation:desk", network_slug=networks[0].slug)
    return render(request, "core/choose_network.html", {"networks": networks})


@network_view(action=Action.NETWORK_VIEW)
def network_home(request, network) -> HttpResponse:
    now = timezone.localtime()
    sites = [
        {"site": site, "opening": describe_opening_hours(site.opening_hours, now)}
        for site in sites_of_network(network)
    ]
    return render(
        request, "core/network_home.html", {"network": network, "sites": sites, "now": now}
    )


@network_view(action=Action.NETWORK_VIEW)
def site_detail(request, network, site_slug: str) -> HttpResponse:
    site = get_site_of_network(network, site_slug)
    now = timezone.localtime()
    return render(
        request,
        "core/site_detail.html",
        {
            "network": network,
            "site": site,
            "opening": describe_opening_hours(site.opening_hours, now),
            "week": week_hours(site.opening_hours, now.date()),
        },
    )
