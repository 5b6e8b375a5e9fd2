"""View decorators that put the caller's network on the request."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from aiguillage.core.permissions import Action, as_action, request_can, roles_for
from aiguillage.core.selectors import get_membership, get_network_for_user

CURRENT_NETWORK_SESSION_KEY = "current_network"


def network_view(view=None, *, action: Action | str | None = None, roles: tuple[str, ...] = ()):
    """Require login, resolve ``network_slug`` among the caller's networks (else 404),
    then check that the caller's role may perform ``action`` (else 403).

    The order matters: a member of another network gets 404 before any role is looked
    at, so it never learns that the page exists; a member of this network with another
    role gets 403: they may know the page exists, not use it. The roles of an action
    are in ``aiguillage.core.permissions``, the one table of who may do what.

    The view receives the Network instead of the slug, and templates see it as
    ``request.network`` (logo, colour, navigation) and the caller's membership as
    ``request.membership``. The slug is remembered in the session so that pages
    outside any network (the catalog) keep the same colours.

    ``roles=`` (a tuple of roles instead of an action) is the older spelling, kept
    while pages are switched to their action; the URL and role test checks those pages
    against the action they will name.

    The wrapper says what it guards (``permission_action``, ``permission_roles``),
    so that the URL and role test derives every page's expected answers from the table.
    """
    if action is not None and roles:
        raise TypeError("network_view takes an action or roles, not both.")
    checked = as_action(action) if action is not None else None
    allowed = roles_for(checked) if checked is not None else frozenset(roles)

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, network_slug: str, *args, **kwargs):
            network = get_network_for_user(request.user, network_slug)
            membership = get_membership(user=request.user, network=network)
            request.membership = membership
            if checked is not None:
                if not request_can(request, checked):
                    raise PermissionDenied("This page is for another role.")
            elif allowed and (membership is None or membership.role not in allowed):
                raise PermissionDenied("This page is for another role.")
            request.network = network
            request.session[CURRENT_NETWORK_SESSION_KEY] = network.slug
            return view(request, network, *args, **kwargs)

        wrapper.permission_action = checked
        wrapper.permission_roles = allowed or None
        return wrapper

    return decorate(view) if view is not None else decorate


def member_has_role(request, *roles: str) -> bool:
    """Whether the caller's membership of the page's network has one of ``roles``.

    Kept for pages not yet switched to the permission table; new code asks
    ``aiguillage.core.permissions.request_can(request, Action.X)``."""
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role in roles
