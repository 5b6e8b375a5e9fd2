"""Journal entries about a staff account (lockout, two-factor, password).

An account is not tied to one network, but the journal is read network by network
(a coordinator sees their own network's entries). So an event about an account is
written once for each network where the account is an active member, with the role it
holds there; an account with no membership (a technical administrator, an address
that matches nobody) gets one entry with no network.

Entries hold the account's id, the kind of event and small counts: never the address
typed in a form, a code, a password or a client's IP address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from aiguillage.accounts.models import Membership, User
from aiguillage.privacy import journal
from aiguillage.privacy.models.journal import JournalAction

# The default author of an event: the holder of the account it is about.
HOLDER = object()


@transaction.atomic
def record_account_event(
    *,
    action: JournalAction,
    user: User | None,
    actor: User | object | None = HOLDER,
    details: Mapping[str, Any] | None = None,
) -> int:
    """Journal ``action`` about ``user``'s account in each of its networks.

    ``actor`` is who did it: the account holder by default (``HOLDER``), another staff
    member (a coordinator resetting a colleague's two-factor), or None when nobody
    known did it (a lockout triggered by whoever typed the passwords, an operator's
    command). Returns the entries written.
    """
    if actor is HOLDER:
        actor = user
    memberships = (
        list(Membership.objects.active().filter(user=user).select_related("network"))
        if user is not None
        else []
    )
    actor_roles = (
        {
            m.network_id: m.role
            for m in Membership.objects.active().filter(user=actor).only("network_id", "role")
        }
        if actor is not None
        else {}
    )
    targets = [(m.network, actor_roles.get(m.network_id, "")) for m in memberships] or [(None, "")]
    for network, role in targets:
        journal.record(
            action=action,
            network=network,
            actor=actor,
            actor_role=role,
            obj=user,
            details=dict(details or {}),
        )
    return len(targets)
