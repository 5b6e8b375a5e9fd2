"""What the staff agenda pages share: who may edit, the chosen site, the chosen day."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from aiguillage.accounts.permissions import Action, request_can
from aiguillage.agenda import staff_selectors
from aiguillage.core.models import Network, Site

SITE_SESSION_KEY = "agenda_site"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def may_edit(request) -> bool:
    """Whether the caller creates and edits permanences and workshops (the buttons)."""
    return request_can(request, Action.AGENDA_EDIT)


def chosen_site(request, network: Network) -> tuple[Site | None, list[Site]]:
    """The site asked for (``?site=<slug>``), else the last one chosen in this network
    (remembered in the session), else the first; None when the network has no site."""
    sites = staff_selectors.agenda_sites(network)
    by_slug = {site.slug: site for site in sites}
    remembered = request.session.get(SITE_SESSION_KEY, {})
    if not isinstance(remembered, dict):
        remembered = {}
    slug = request.GET.get("site") or remembered.get(network.slug)
    site = by_slug.get(slug) or (sites[0] if sites else None)
    if site is not None and remembered.get(network.slug) != site.slug:
        request.session[SITE_SESSION_KEY] = {**remembered, network.slug: site.slug}
    return site, sites


def chosen_day(request) -> datetime.date:
    """``?date=YYYY-MM-DD``, or today (in the network's time zone) when absent or wrong."""
    raw = request.GET.get("date", "")
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return timezone.localdate()
    return day


def day_url(network: Network, moment: datetime.datetime, site: Site) -> str:
    """The day view of ``site`` on the (local) day of ``moment``."""
    query = urlencode({"date": f"{timezone.localtime(moment):%Y-%m-%d}", "site": site.slug})
    return f"{reverse('agenda:day', args=[network.slug])}?{query}"


def posted_again(request, *, confirm_field: str) -> list[tuple[str, str]]:
    """An edit as typed, to post it again once the editor has confirmed what it does to
    the people booked (or to go back to the form with it)."""
    skip = {"csrfmiddlewaretoken", confirm_field, "back"}
    return [
        (name, value)
        for name in request.POST
        if name not in skip
        for value in request.POST.getlist(name)
    ]
