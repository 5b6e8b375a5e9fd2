"""The door of every public page: the network from its slug, no login."""

from __future__ import annotations

from functools import wraps

from django.utils import timezone

from aiguillage.public.selectors import get_public_network


def public_view(view):
    """Resolve ``network_slug`` among active networks (else 404) and hand the view the
    Network. ``request.network`` gives the pages the network's name, logo and colour,
    as on the staff pages; nothing of the visitor is kept in the session."""

    @wraps(view)
    def wrapper(request, network_slug: str, *args, **kwargs):
        network = get_public_network(network_slug)
        request.network = network
        with timezone.override(network.zone):  # the network's times on its pages
            return view(request, network, *args, **kwargs)

    return wrapper


def private_page(response, *, has_forms: bool = False):
    """A page reached by a personal link (manage-my-booking): never cached, never
    indexed, and the link is never sent as a referrer to another site.

    ``no-referrer`` also makes a browser send ``Origin: null`` with a form posted from
    the page, which Django's CSRF check rightly refuses; a page with a form (cancel,
    change the time) therefore says ``same-origin``: the link still never leaves our
    own origin, which knows it already."""
    response["Cache-Control"] = "no-store, max-age=0, private"
    response["Referrer-Policy"] = "same-origin" if has_forms else "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
