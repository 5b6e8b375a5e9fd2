"""Login throttling with django-axes: our hooks into it (settings ``AXES_*``).

After ``AXES_FAILURE_LIMIT`` wrong passwords for one address from one client, that
pair is locked out for ``AXES_COOLOFF_TIME``: a library's staff share one public
address, so locking the address alone would shut out the whole desk, and locking the
account alone would let anyone lock a colleague out from home. A successful login
clears the count. ``python manage.py axes_reset`` (or ``axes_reset_username``) lifts a
lockout at once (docs/authentication.md).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from aiguillage.accounts.audit import record_account_event
from aiguillage.accounts.models import User
from aiguillage.privacy.models.journal import JournalAction


def login_username(request, credentials: dict | None) -> str | None:
    """The address typed in the login form, as the account is found (case-insensitive),
    so that "Marie@…" and "marie@…" count as the same attempts."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    value = str(raw or "").strip().lower()
    return value or None


def client_ip(request) -> str | None:
    """The client's address as our own reverse proxies saw it: the same reading as the
    public portal's rate limit (``PUBLIC_RATE_LIMIT_PROXIES``), so a client cannot
    escape the lockout by forging ``X-Forwarded-For``. An IPv6 client counts per /64."""
    from aiguillage.core.ratelimit import client_address

    address = client_address(request)
    return address.split("/")[0] or None


def locked_out_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets: HTTP 429, in French, saying how long to wait
    and what else to do; it does not repeat the address that was typed."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def _journal_lockout(sender, request=None, username=None, **kwargs) -> None:
    """One LOCKED_OUT entry per locked attempt, about the account when the address
    matches one (never the typed address itself: it may be anybody's)."""
    user = User.objects.filter(email__iexact=username).first() if username else None
    record_account_event(
        action=JournalAction.LOCKED_OUT,
        user=user,
        actor=None,
        details={"matched_account": user is not None},
    )


def connect_signals() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_journal_lockout, dispatch_uid="aiguillage.accounts.journal_lockout")
