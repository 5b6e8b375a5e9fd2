"""View decorators that put the caller's network on the request."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from aiguillage.core.selectors import get_membership, get_network_for_user

CURRENT_NETWORK_SESSION_KEY = "current_network"


def network_view(view=None, *, roles: tuple[str, ...] = ()):
    """Require login, resolve ``network_slug`` among the caller's networks (else 404).

    The view receives the Network instead of the slug, and templates see it as
    ``request.network`` (logo, colour, navigation) and the caller's membership as
    ``request.membership``. The slug is remembered in the session so that pages
    outside any network (the catalog) keep the same colours. With ``roles``, a member
    with another role gets 403: they may know the page exists, not use it.
    """

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, network_slug: str, *args, **kwargs):
            network = get_network_for_user(request.user, network_slug)
            membership = get_membership(user=request.user, network=network)
            if roles and (membership is None or membership.role not in roles):
                raise PermissionDenied("This page is for another role.")
            request.network = network
            request.membership = membership
            request.session[CURRENT_NETWORK_SESSION_KEY] = network.slug
            return view(request, network, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def member_has_role(request, *roles: str) -> bool:
    """Whether the caller's membership of the page's network has one of ``roles``
    (for showing or hiding actions; ``network_view(roles=...)`` guards the doors)."""
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role in roles
