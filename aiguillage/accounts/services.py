"""Writes about staff: every one transactional, every rule of the field checked here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aiguillage.accounts.models import Habilitation, HabilitationKind, Membership, Role, User
from aiguillage.catalog.models import Theme
from aiguillage.core.models import Network
from aiguillage.privacy import journal
from aiguillage.privacy.models.journal import JournalAction


@transaction.atomic
def add_staff_member(
    *,
    network: Network,
    email: str,
    full_name: str,
    role: str,
    is_salaried: bool,
    password: str | None = None,
    actor: User | None = None,
) -> Membership:
    """Create the user if needed and give it a role in the network (idempotent).

    A new membership, or a changed role, salaried flag or active flag, is journaled
    (``by``: the staff member who did it; None for a command or the demo)."""
    if role == Role.VOLUNTEER and is_salaried:
        raise ValidationError(_("Un·e bénévole n'est pas salarié·e."))
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name, password=password)
    else:
        changed = user.full_name != full_name
        user.full_name = full_name
        if password is not None and not user.check_password(password):
            user.set_password(password)
            changed = True
        if changed:
            user.save()
    before = (
        Membership.objects.filter(user=user, network=network)
        .values("role", "is_salaried", "is_active")
        .first()
    )
    after = {"role": role, "is_salaried": is_salaried, "is_active": True}
    membership, _created = Membership.objects.update_or_create(
        user=user, network=network, defaults=after
    )
    if before != after:
        _journal_permission(
            network=network, actor=actor, obj=membership, change="membership", user=user.pk,
            created=before is None, **after,
            **({f"previous_{k}": v for k, v in before.items()} if before else {}),
        )  # fmt: skip
    return membership


def _journal_permission(*, network: Network, actor: User | None, obj, **details) -> None:
    role = (
        Membership.objects.filter(user=actor, network=network)
        .values_list("role", flat=True)
        .first()
        if actor is not None
        else None
    )
    journal.record(
        action=JournalAction.PERMISSION_CHANGED,
        network=network,
        actor=actor,
        actor_role=role or "",
        obj=obj,
        details=details,
    )


@transaction.atomic
def grant_habilitation(
    *,
    membership: Membership,
    kind: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    reference: str = "",
    label: str = "",
    themes: Iterable[Theme] = (),
    actor: User | None = None,
) -> Habilitation:
    """Record a habilitation; Aidants Connect only for salaried staff, with a perimeter.

    Aidants Connect lets staff act in a visitor's name; the law reserves it to
    salaried professionals, and the mandate perimeter is made of themes.
    """
    themes = list(themes)
    if kind == HabilitationKind.AIDANTS_CONNECT:
        if not membership.is_salaried or membership.role == Role.VOLUNTEER:
            raise ValidationError(_("Seul·e un·e salarié·e peut être habilité·e Aidants Connect."))
        if not themes:
            raise ValidationError(
                _("Une habilitation Aidants Connect a un périmètre : choisissez au moins un thème.")
            )
    elif themes:
        raise ValidationError(_("Seule une habilitation Aidants Connect a un périmètre de thèmes."))
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(_("La fin de validité précède son début."))
    habilitation, created = Habilitation.objects.update_or_create(
        membership=membership,
        kind=kind,
        reference=reference,
        defaults={"valid_from": valid_from, "valid_until": valid_until, "label": label},
    )
    habilitation.themes.set(themes)
    _journal_permission(
        network=membership.network, actor=actor, obj=habilitation, change="habilitation",
        membership=membership.pk, user=membership.user_id, kind=kind, created=created,
        valid_from=valid_from.isoformat(),
        valid_until=valid_until.isoformat() if valid_until else "",
        themes=sorted(theme.slug for theme in themes),
    )  # fmt: skip
    return habilitation
