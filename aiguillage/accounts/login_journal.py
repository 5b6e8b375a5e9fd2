"""Journal entries of logging in, failing to log in and logging out.

Django's authentication signals are sent while the act happens (``login()`` and
``logout()`` change the session, ``authenticate()`` has just refused), so the entry
is written with it: if the entry cannot be written, the request fails.

A staff member may belong to several networks: each network's journal gets its own
entry, so a coordinator sees their staff's logins and never learns of another network.
An account with no active membership (a technical administrator) gets one entry
outside any network.

A failed login never keeps what was typed: it may be a visitor's e-mail address typed
into the wrong box. The entry says whether it matched an existing account (and which,
by its id) and nothing else; other failures (throttling, lockout, two-factor codes)
are journaled where they happen.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from aiguillage.accounts.models import Membership
from aiguillage.privacy import journal
from aiguillage.privacy.models.journal import JournalAction


def _record_per_network(action: JournalAction, user, *, details: dict | None = None) -> None:
    memberships = list(
        Membership.objects.active().filter(user=user).select_related("network").order_by("pk")
    )
    if not memberships:
        journal.record(action=action, actor=user, details=details)
        return
    for membership in memberships:
        journal.record(
            action=action,
            network=membership.network,
            actor=user,
            actor_role=membership.role,
            details=details,
        )


def on_logged_in(sender, request, user, **kwargs) -> None:
    _record_per_network(JournalAction.LOGIN, user)


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return  # logging out without a session: nobody to journal
    _record_per_network(JournalAction.LOGOUT, user)


def _typed_identifier(credentials: dict) -> str:
    User = get_user_model()
    for key in (User.USERNAME_FIELD, "username", "email"):
        value = credentials.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    typed = _typed_identifier(credentials or {})
    User = get_user_model()
    account = User.objects.filter(email__iexact=typed).first() if typed else None
    if account is None:
        journal.record(action=JournalAction.LOGIN_FAILED, details={"known_account": False})
        return
    _record_per_network(JournalAction.LOGIN_FAILED, account, details={"known_account": True})
