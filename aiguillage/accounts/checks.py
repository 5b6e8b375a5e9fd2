"""Deployment checks of the authentication settings (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def two_factor_required(app_configs, **kwargs):
    """Two-factor authentication may be switched off for a demonstration, never
    silently in production: the deployment check says so."""
    if settings.AIGUILLAGE_REQUIRE_2FA:
        return []
    return [
        checks.Warning(
            "AIGUILLAGE_REQUIRE_2FA is off: staff who can see visitors' contact data "
            "log in with a password only.",
            hint="Unset AIGUILLAGE_REQUIRE_2FA (it defaults to true) outside a demonstration.",
            id="aiguillage.accounts.W001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def idle_timeout_set(app_configs, **kwargs):
    if settings.SESSION_IDLE_TIMEOUT_MINUTES > 0:
        return []
    return [
        checks.Warning(
            "SESSION_IDLE_TIMEOUT_MINUTES is 0: a desk session left open stays open.",
            hint="Set it to the minutes after which an idle staff session ends (default 30).",
            id="aiguillage.accounts.W002",
        )
    ]
