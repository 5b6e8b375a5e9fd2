"""Response headers Django does not write itself (docs/security.md).

The others come from Django's settings (``X-Content-Type-Options``, ``Referrer-Policy``,
``Cross-Origin-Opener-Policy``, ``X-Frame-Options``, HSTS) and from django-csp
(``Content-Security-Policy``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

PERMISSIONS_POLICY_HEADER = "Permissions-Policy"


def permissions_policy(features: tuple[str, ...]) -> str:
    """``camera=(), microphone=()…``: an empty allow-list denies the feature to the page
    and to anything it could frame, whatever a script asks."""
    return ", ".join(f"{feature}=()" for feature in features)


class PermissionsPolicyMiddleware:
    """Deny every page the powerful features none of them uses (camera, microphone,
    location…): a script that got in anyway could not ask for them, and a visitor at a
    public computer is never prompted for them by our pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        header = permissions_policy(tuple(settings.PERMISSIONS_POLICY_DENIED))
        if header:
            response.headers.setdefault(PERMISSIONS_POLICY_HEADER, header)
        return response
