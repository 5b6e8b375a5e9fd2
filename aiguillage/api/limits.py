"""The JSON API's rate limits per client, apart from the public portal's.

Two budgets, both counted by the portal's database counters (aiguillage/public/
ratelimit.py: shared by every worker, keyed by a hash of the client's address, never
the address), each in a scope of its own so that neither empties the other:

- every call: ``API_RATE_LIMIT`` per ``API_RATE_LIMIT_WINDOW`` seconds (a partner's
  site relaying its visitors' searches makes many, from one address);
- the writes (book, register, cancel): ``API_WRITE_RATE_LIMIT`` per
  ``API_WRITE_RATE_LIMIT_WINDOW`` seconds, since booking without an account must not
  become a way to fill a workshop with strangers or to send messages to any address.

Over a limit the answer is 429, ``{"detail": "..."}`` and ``Retry-After``. A limit of
0 switches its budget off.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja.throttling import BaseThrottle

from aiguillage.core.ratelimit import over_limit, seconds_to_next_window

CALL_SCOPE = "api"
WRITE_SCOPE = "api-write"


def too_many_requests_detail() -> str:
    return _(
        "Trop de demandes depuis cette adresse : réessayez plus tard, ou appelez la bibliothèque."
    )


class ClientRateThrottle(BaseThrottle):
    """Every API call of a client counts in its ``API_RATE_LIMIT`` budget (django-ninja
    runs it before the endpoint; the answer over the limit is the API's 429)."""

    def allow_request(self, request: HttpRequest) -> bool:
        return not over_limit(
            request,
            scope=CALL_SCOPE,
            limit=settings.API_RATE_LIMIT,
            window=settings.API_RATE_LIMIT_WINDOW,
        )

    def wait(self) -> float:
        return float(seconds_to_next_window(settings.API_RATE_LIMIT_WINDOW))


def limit_writes(view):
    """A write endpoint: counts in the client's ``API_WRITE_RATE_LIMIT`` budget."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if over_limit(
            request,
            scope=WRITE_SCOPE,
            limit=settings.API_WRITE_RATE_LIMIT,
            window=settings.API_WRITE_RATE_LIMIT_WINDOW,
        ):
            response = JsonResponse({"detail": too_many_requests_detail()}, status=429)
            response["Retry-After"] = str(
                seconds_to_next_window(settings.API_WRITE_RATE_LIMIT_WINDOW)
            )
            response["Cache-Control"] = "no-store"
            return response
        return view(request, *args, **kwargs)

    return wrapper
