"""What a network offers: its public sites, their workshops and bookable permanences."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aiguillage.agenda.place_calendar import current_and_next_closures
from aiguillage.core.opening import describe_opening_hours
from aiguillage.public.decorators import public_view
from aiguillage.public.hours import week_hours
from aiguillage.public.selectors import (
    bookable_permanences,
    get_public_site,
    next_free_slots,
    public_sites_of,
    upcoming_workshops,
)

WORKSHOPS_ON_HOME = 5  # per site; the site's page lists them all


def _offer(network, *, now, sites, workshop_limit=None) -> list[dict]:
    """Per site: its upcoming workshops and its permanences with their next free slots."""
    site_ids = [site.pk for site in sites]
    workshops = [w for w in upcoming_workshops(network, now=now) if w.site_id in site_ids]
    permanences = [p for p in bookable_permanences(network) if p.site_id in site_ids]
    slots = next_free_slots(permanences, now=now)
    local_now = timezone.localtime(now)
    closures = current_and_next_closures(network, local_now.date())
    offer = []
    for site in sites:
        site_workshops = [w for w in workshops if w.site_id == site.pk]
        offer.append(
            {
                "site": site,
                "opening": describe_opening_hours(site.opening_hours, local_now),
                "closures": [c for c in closures if c.site_id in (None, site.pk)],
                "today": local_now.date(),
                "workshops": site_workshops[:workshop_limit],
                "more_workshops": len(site_workshops) > len(site_workshops[:workshop_limit]),
                "permanences": [
                    {"permanence": p, "slots": slots.get(p.pk, [])}
                    for p in permanences
                    if p.site_id == site.pk
                ],
            }
        )
    return offer


@public_view
def home(request, network) -> HttpResponse:
    now = timezone.now()
    sites = list(public_sites_of(network))
    context = {
        "network": network,
        "offer": _offer(network, now=now, sites=sites, workshop_limit=WORKSHOPS_ON_HOME),
    }
    return render(request, "public/home.html", context)


@public_view
def site(request, network, site_slug: str) -> HttpResponse:
    found = get_public_site(network, site_slug)
    now = timezone.now()
    (entry,) = _offer(network, now=now, sites=[found])
    context = {
        "network": network,
        "site": found,
        "entry": entry,
        "week": week_hours(found.opening_hours, timezone.localdate(now)),
    }
    return render(request, "public/site.html", context)
