"""The portal's answer to a client over the rate limit (the counting is core's)."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.shortcuts import render

from aiguillage.core.ratelimit import over_limit, seconds_to_next_window
from aiguillage.public.selectors import public_sites_of


def limit_posts(view):
    """Answer 429 to a POST over the client's limit; GET is never limited (reading the
    offer costs nothing and is never abuse of the bookings)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and over_limit(request):
            return too_many_requests(request)
        return view(request, *args, **kwargs)

    return wrapper


def too_many_requests(request):
    network = getattr(request, "network", None)
    sites = list(public_sites_of(network)) if network is not None else []
    response = render(
        request,
        "public/too_many_requests.html",
        {"network": network, "sites": sites},
        status=429,
    )
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(seconds_to_next_window(settings.PUBLIC_RATE_LIMIT_WINDOW))
    return response
