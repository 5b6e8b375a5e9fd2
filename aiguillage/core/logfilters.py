"""Log records without the secrets some paths carry.

A visitor's manage link (``/p/<network>/gerer/<token>/``), a staff calendar feed, the
"my data" page and a password reset link hold a token in their path: whoever reads it
opens the booking or the account. Django logs the path of every 4xx and 5xx answer
(``Not Found: /p/…/gerer/<token>/``) and of every refused CSRF check. This filter, on
the console handler (config/settings.py), writes the URL pattern instead of such a path
(``p/<slug:network_slug>/gerer/<str:token>/``): what failed stays readable, the token
does not reach the log. Paths without a secret are left as they are.
"""

from __future__ import annotations

import logging

from django.urls import Resolver404, resolve

SECRET_PARAMETERS = frozenset({"token", "uidb64"})


def redacted_path(path: str) -> str:
    """``path``, or its URL pattern when the path holds a secret parameter."""
    try:
        match = resolve(path)
    except Resolver404:
        return path
    except Exception:  # a log line must never fail because of its path
        return path
    if SECRET_PARAMETERS & set(match.kwargs):
        return f"/{match.route}"
    return path


class RedactPathSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if not path:
            return True
        safe = redacted_path(path)
        if safe == path:
            return True
        full = request.get_full_path() if hasattr(request, "get_full_path") else path
        if isinstance(record.args, tuple):
            record.args = tuple(safe if arg in (path, full) else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = record.msg.replace(full, safe).replace(path, safe)
        return True
