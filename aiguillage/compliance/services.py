"""Writes of the privacy settings: a coordinator of the network, within the bounds.

The bounds live in ``RETENTION_BOUNDS`` (the model's validators and the database's
check constraints say the same); this service says in plain French which value is
out of them and why, field by field, so the page can put each message next to what
was typed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aiguillage.accounts.models import Membership, User
from aiguillage.accounts.permissions import Action, can
from aiguillage.compliance.models import PrivacySettings
from aiguillage.compliance.models.settings import RETENTION_BOUNDS
from aiguillage.core.models import Network
from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalAction

DURATION_FIELDS: tuple[str, ...] = tuple(RETENTION_BOUNDS)
RESPONSIBLE_FIELDS: tuple[str, ...] = ("controller_name", "dpo_name", "dpo_email", "dpo_address")


def bounds_message(name: str) -> str:
    """The refusal of a duration out of its bounds, with the bounds and the default."""
    bounds = RETENTION_BOUNDS[name]
    return _(
        "Choisissez une durée entre %(minimum)s et %(maximum)s jours (par défaut : "
        "%(default)s). Ces limites protègent les personnes accueillies et permettent de "
        "rendre compte de ce qui a été fait."
    ) % {"minimum": bounds.minimum, "maximum": bounds.maximum, "default": bounds.default}


def _coordinator_role(*, actor: User | None, network: Network) -> str:
    """The caller's role ("" for a command); only a role the permission table allows
    (``privacy.retention``: coordinators) sets the network's retention."""
    if actor is None:
        return ""
    membership = Membership.objects.active().filter(user=actor, network=network).first()
    if membership is None or not can(membership, Action.PRIVACY_RETENTION):
        raise PermissionDenied("Only a coordinator of the network sets its retention.")
    return membership.role


@transaction.atomic
def set_privacy_settings(*, network: Network, actor: User | None, **values: Any) -> PrivacySettings:
    """Change some of the network's retention durations and who answers for the data.

    ``values``: any of the durations (days, within their bounds) and of the controller's
    and DPO's fields. Journaled (RETENTION_CHANGED) with the durations' new values and
    the names of the other fields changed, never their text."""
    role = _coordinator_role(actor=actor, network=network)
    unknown = set(values) - set(DURATION_FIELDS) - set(RESPONSIBLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown privacy settings: {sorted(unknown)}")
    errors: dict[str, str] = {}
    for name in DURATION_FIELDS:
        if name not in values:
            continue
        value, bounds = values[name], RETENTION_BOUNDS[name]
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not bounds.minimum <= value <= bounds.maximum
        ):
            errors[name] = bounds_message(name)
    if errors:
        raise ValidationError(errors)
    row = PrivacySettings.objects.select_for_update().filter(network=network).first()
    if row is None:
        row = PrivacySettings(network=network)
    before = {name: getattr(row, name) for name in values}
    for name, value in values.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    row.full_clean(exclude=["network"])
    changed = [name for name in values if getattr(row, name) != before[name]]
    if not changed:
        return row  # nothing to write (an unsaved row still means the defaults)
    row.save()
    journal.record(
        action=JournalAction.RETENTION_CHANGED,
        network=network,
        actor=actor,
        actor_role=role,
        obj=row,
        details={
            **{name: getattr(row, name) for name in changed if name in DURATION_FIELDS},
            "fields": sorted(changed),
        },
    )
    return row
