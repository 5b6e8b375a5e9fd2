"""View decorators that put the caller's network on the request."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required

from aiguillage.core.selectors import get_network_for_user

CURRENT_NETWORK_SESSION_KEY = "current_network"


def network_view(view):
    """Require login, resolve ``network_slug`` among the caller's networks (else 404).

    The view receives the Network instead of the slug, and templates see it as
    ``request.network`` (logo, colour, navigation). The slug is remembered in the
    session so that pages outside any network (the catalog) keep the same colours.
    """

    @login_required
    @wraps(view)
    def wrapper(request, network_slug: str, *args, **kwargs):
        network = get_network_for_user(request.user, network_slug)
        request.network = network
        request.session[CURRENT_NETWORK_SESSION_KEY] = network.slug
        return view(request, network, *args, **kwargs)

    return wrapper
