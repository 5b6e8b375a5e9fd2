"""The API reads a body only when it says it is JSON.

django-ninja parses any body as JSON whatever its Content-Type, and so did the
agenda's own reader: a NUL sent as ``text/plain`` went past the guard, which looked
only at JSON bodies. A body of another type is now refused with 415 (aiguillage/api/v1.py
maps the exception), before anything reads it.
"""

from __future__ import annotations

from django.http import HttpRequest

JSON = "application/json"


class BodyNotJson(Exception):
    """A body of another type than application/json (``text/plain``, a form)."""


def require_json(request: HttpRequest) -> None:
    if request.body and (request.content_type or "") != JSON:
        raise BodyNotJson
