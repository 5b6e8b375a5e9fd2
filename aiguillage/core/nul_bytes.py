"""NUL characters never reach the application: the request is refused (400) first.

PostgreSQL cannot hold a NUL (``\\x00``) in text, not even in a query's parameter:
a slug or a code read straight from a query string (the slip's ``need``, the API's
``network``, ``site``, ``commune``…) and looked up answered 500 on PostgreSQL, and a
JSON body's ``"\\u0000"`` would have been written as is on SQLite (found by tests/fuzz).
Django's form fields already refuse NUL; this covers every other read in one place. No
legitimate text holds a NUL.

The API reads a body only when it is JSON (aiguillage/api/v1.py answers 415 for any
other type); the guard reads every other body anyway, as JSON would be read.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


def holds_nul(request: HttpRequest) -> bool:
    """Whether the path, the query string, a cookie, a form field or a JSON body holds
    a NUL character."""
    if "\x00" in request.path:
        return True
    if any("\x00" in key or "\x00" in value for key, value in _pairs(request.GET)):
        return True  # every value: a QueryDict's items() gives the last one of each key
    if any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items()):
        return True
    if request.method == "GET":
        return False
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any("\x00" in key or "\x00" in value for key, value in _pairs(request.POST))
    # Any other body is read as the API's parser reads it (django-ninja parses every
    # body as JSON, whatever its type): a raw NUL, or one escaped in JSON.
    body = request.body
    return b"\x00" in body or bool(_JSON_NUL.search(body))


def _pairs(data):
    for key, values in data.lists():
        for value in values:
            yield key, value


class RefuseNulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if holds_nul(request):
            message = _("La demande contient un caractère nul (U+0000) : elle est refusée.")
            if request.path.startswith(API_PREFIX):
                # Both shapes of the API's 400 (the agenda's field errors, the
                # directory's detail), so that it conforms to whichever is declared.
                body = {"detail": message, "errors": {"__all__": [message]}}
                return JsonResponse(body, status=400)
            raise BadRequest("NUL character in the request.")
        return self.get_response(request)
