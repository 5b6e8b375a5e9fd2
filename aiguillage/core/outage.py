"""A database that cannot be reached is an outage, not a bug: answer 503 with
``Retry-After``, never 500.

A PostgreSQL restart, a full disk, SQLite's "database is locked" under a long write:
the request could not be served now and may be retried in a moment. Django's error
handler (``server_error`` below, ``handler500`` in config/urls.py) and the API's are the
one place this is decided; the page itself reads nothing from the database.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"
OUTAGES = (OperationalError, InterfaceError)


def is_outage(error: BaseException | None) -> bool:
    """Whether ``error`` (or what it was raised from) says the database is unavailable."""
    seen = 0
    while error is not None and seen < 10:  # a chain is short; never loop on a cycle
        if isinstance(error, OUTAGES):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def outage_detail() -> str:
    """What a JSON answer says during an outage (the API's handler and Django's)."""
    return _("Service momentanément indisponible : réessayez dans une minute.")


def unavailable(response: HttpResponse) -> HttpResponse:
    """Mark ``response`` as a temporary outage: retried later, never cached."""
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler: a database outage is a 503 with Retry-After (its own page);
    anything else the 500 page. Both are rendered without the database."""
    if is_outage(sys.exc_info()[1]):
        if request.path.startswith(API_PREFIX):  # failed before the API's own handler
            return unavailable(JsonResponse({"detail": outage_detail()}))
        body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        return unavailable(HttpResponse(body))
    return HttpResponseServerError(loader.get_template("500.html").render())
