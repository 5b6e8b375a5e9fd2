"""View decorators that put the caller's network on the request."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from aiguillage.accounts.permissions import Action, as_action, request_can
from aiguillage.accounts.selectors import get_membership
from aiguillage.core.selectors import CURRENT_NETWORK_SESSION_KEY, get_network_for_user


def network_view(*, action: Action | str):
    """Require login, resolve ``network_slug`` among the caller's networks (else 404),
    then check that the caller's role may perform ``action`` (else 403).

    The order matters: a member of another network gets 404 before any role is looked
    at, so it never learns that the page exists; a member of this network with another
    role gets 403: they may know the page exists, not use it. The roles of an action
    are in ``aiguillage.accounts.permissions``, the one table of who may do what; the
    action is required, so that no staff page exists without saying which it is.

    The view receives the Network instead of the slug, and templates see it as
    ``request.network`` (logo, colour, navigation) and the caller's membership as
    ``request.membership``. The slug is remembered in the session so that pages
    outside any network (the catalog) keep the same colours.

    The wrapper says what it guards (``permission_action``), so that the URL and role
    test (tests/test_url_permissions.py) derives every page's answers from the table.
    """
    checked = as_action(action)

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, network_slug: str, *args, **kwargs):
            network = get_network_for_user(request.user, network_slug)
            request.membership = get_membership(user=request.user, network=network)
            if not request_can(request, checked):
                raise PermissionDenied("This page is for another role.")
            request.network = network
            if request.session.get(CURRENT_NETWORK_SESSION_KEY) != network.slug:
                # Written when it changes only: a session write is a database write.
                request.session[CURRENT_NETWORK_SESSION_KEY] = network.slug
            with timezone.override(network.zone):  # the network's times on its pages
                return view(request, network, *args, **kwargs)

        wrapper.permission_action = checked
        return wrapper

    return decorate
