"""Tenancy-scoped reads: the only doors to networks and sites.

Every view that touches a network goes through ``get_network_for_user``: a
network the caller does not belong to is answered exactly like one that does not
exist (404), so nothing about other tenants leaks, not even their existence.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from aiguillage.core.models import Network, Site


def networks_for_user(user) -> QuerySet[Network]:
    return Network.objects.for_user(user).order_by("name")


def get_network_for_user(user, slug: str) -> Network:
    try:
        return networks_for_user(user).get(slug=slug)
    except Network.DoesNotExist:
        raise Http404("No such network.") from None


def sites_of_network(network: Network) -> QuerySet[Site]:
    return Site.objects.active().of_network(network).order_by("name")


def get_site_of_network(network: Network, slug: str) -> Site:
    try:
        return sites_of_network(network).get(slug=slug)
    except Site.DoesNotExist:
        raise Http404("No such site.") from None


def public_sites() -> QuerySet[Site]:
    """Sites every network publishes: the only ones shown without logging in."""
    return Site.objects.public().select_related("network").order_by("network__name", "name")


# The network a staff member last worked in, kept in their session so that pages outside
# any network (the catalog) keep its colours.
CURRENT_NETWORK_SESSION_KEY = "current_network"

# The site a staff member says they work at, per network, kept in their session: the
# desk and the directory start from it without asking again.
WORKING_SITE_SESSION_KEY = "working_site"


def working_site_slug(request, network: Network) -> str:
    """The slug of the site remembered for ``network`` ("" for none), without a query."""
    return request.session.get(WORKING_SITE_SESSION_KEY, {}).get(network.slug) or ""


def working_site(request, network: Network) -> Site | None:
    slug = working_site_slug(request, network)
    return network.sites.filter(slug=slug, is_active=True).first() if slug else None


def remember_working_site(request, network: Network, site: Site) -> None:
    """Remember ``site``; the session is written only when it changes (a desk request
    that writes its session takes the database's write lock, on SQLite the whole file)."""
    remembered = dict(request.session.get(WORKING_SITE_SESSION_KEY, {}))
    if remembered.get(network.slug) == site.slug:
        return
    remembered[network.slug] = site.slug
    request.session[WORKING_SITE_SESSION_KEY] = remembered
