"""The staff's workspace: the networks they belong to, a network's home, a site's card.

They live with the accounts because each page is guarded by the caller's membership.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.core.opening import describe_opening_hours
from aiguillage.core.selectors import get_site_of_network, networks_for_user, sites_of_network
from aiguillage.core.week_hours import week_hours


@login_required
def home(request) -> HttpResponse:
    networks = list(networks_for_user(request.user))
    if len(networks) == 1:
        # The desk is the staff's home screen: a person is usually waiting.
        return redirect("orientation:desk", network_slug=networks[0].slug)
    return render(request, "workspace/choose_network.html", {"networks": networks})


@network_view(action=Action.NETWORK_VIEW)
def network_home(request, network) -> HttpResponse:
    now = timezone.localtime()
    sites = [
        {"site": site, "opening": describe_opening_hours(site.opening_hours, now)}
        for site in sites_of_network(network)
    ]
    return render(
        request, "workspace/network_home.html", {"network": network, "sites": sites, "now": now}
    )


@network_view(action=Action.NETWORK_VIEW)
def site_detail(request, network, site_slug: str) -> HttpResponse:
    site = get_site_of_network(network, site_slug)
    now = timezone.localtime()
    return render(
        request,
        "workspace/site_detail.html",
        {
            "network": network,
            "site": site,
            "opening": describe_opening_hours(site.opening_hours, now),
            "week": week_hours(site.opening_hours, now.date()),
        },
    )
