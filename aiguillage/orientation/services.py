"""Writes of the charter: only a coordinator of the network, never past the hard rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aiguillage.accounts.models import Membership, Role, User
from aiguillage.catalog.models import Need, Theme
from aiguillage.core.models import Network, Site
from aiguillage.orientation.models import (
    CONDITIONAL_MODES,
    MAX_DISTANCE_KM_LIMIT,
    MAX_WAIT_DAYS_LIMIT,
    ROLE_FIELDS,
    Charter,
    CharterRule,
    Mode,
)
from aiguillage.privacy import journal
from aiguillage.privacy.models.journal import JournalAction


def _check_coordinator(*, actor: User | None, network: Network) -> None:
    """Coordinators edit the charter (None: a command or a migration, not a person)."""
    if actor is None:
        return
    if (
        not Membership.objects.active()
        .filter(user=actor, network=network, role=Role.COORDINATOR)
        .exists()
    ):
        raise PermissionDenied("Only a coordinator of the network edits its charter.")


def _scope(*, site: Site | None, theme: Theme | None, need: Need | None) -> dict[str, str]:
    """Where a rule applies, by slugs ("" for the whole network / every theme)."""
    return {
        "site": site.slug if site else "",
        "theme": theme.slug if theme else "",
        "need": need.slug if need else "",
    }


def _journal(*, network: Network, actor: User | None, obj=None, **details) -> None:
    """A charter change, in the change's transaction (``by`` is a coordinator: checked
    first; None for a command or the demo)."""
    journal.record(
        action=JournalAction.CHARTER_CHANGED,
        network=network,
        actor=actor,
        actor_role=Role.COORDINATOR if actor is not None else "",
        obj=obj,
        details=details,
    )


def _check_scope(
    *, network: Network, site: Site | None, theme: Theme | None, need: Need | None
) -> None:
    if site is not None and site.network_id != network.pk:
        raise ValidationError(_("Ce site n'appartient pas à ce réseau."), code="site")
    if theme is not None and need is not None:
        raise ValidationError(
            _("Une règle vise un thème ou un besoin, pas les deux."), code="theme_and_need"
        )


def _check_mode(mode: str) -> None:
    if mode not in Mode.values:
        raise ValidationError(
            _("« %(mode)s » n'est pas un mode d'intervention."), code="mode", params={"mode": mode}
        )


def _check_conditions(*, mode: str, max_distance_km: int | None, max_wait_days: int | None) -> None:
    if max_distance_km is None and max_wait_days is None:
        return
    if mode not in CONDITIONAL_MODES:
        raise ValidationError(
            _("Les conditions de distance et de délai ne concernent que « accompagner » et "
              "« faire pour »."),
            code="conditions",
        )  # fmt: skip
    if max_distance_km is not None and not 1 <= max_distance_km <= MAX_DISTANCE_KM_LIMIT:
        raise ValidationError(
            _("La distance doit être comprise entre 1 et %(limit)s km."),
            code="max_distance_km",
            params={"limit": MAX_DISTANCE_KM_LIMIT},
        )
    if max_wait_days is not None and not 0 <= max_wait_days <= MAX_WAIT_DAYS_LIMIT:
        raise ValidationError(
            _("Le délai doit être compris entre 0 et %(limit)s jours."),
            code="max_wait_days",
            params={"limit": MAX_WAIT_DAYS_LIMIT},
        )


@transaction.atomic
def set_rule(
    *,
    network: Network,
    mode: str,
    allowed: bool,
    roles: Iterable[str],
    site: Site | None = None,
    theme: Theme | None = None,
    need: Need | None = None,
    max_distance_km: int | None = None,
    max_wait_days: int | None = None,
    volunteers_sensitive: bool = False,
    actor: User | None,
) -> CharterRule:
    """Create or replace the rule of ``mode`` for this scope (network, site, theme/need).

    A refused mode has no role. ``volunteers_sensitive`` lets volunteers accompany
    needs with financial, health, judicial or identity data (refused by default).
    """
    _check_coordinator(actor=actor, network=network)
    _check_mode(mode)
    _check_scope(network=network, site=site, theme=theme, need=need)
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError(
            _("Rôle inconnu : %(roles)s."),
            code="roles",
            params={"roles": ", ".join(sorted(unknown))},
        )
    if not allowed:
        roles = set()
        volunteers_sensitive = False
    elif not roles:
        raise ValidationError(
            _("Choisissez au moins un rôle qui peut utiliser ce mode, ou refusez-le."),
            code="no_role",
        )
    if mode == Mode.ACT_FOR and Role.VOLUNTEER in roles:
        raise ValidationError(
            _("Les bénévoles ne font jamais à la place des personnes."), code="volunteer_act_for"
        )
    if volunteers_sensitive and (mode != Mode.ACCOMPANY or Role.VOLUNTEER not in roles):
        raise ValidationError(
            _("Autoriser les démarches sensibles aux bénévoles suppose qu'ils puissent "
              "accompagner."),
            code="volunteers_sensitive",
        )  # fmt: skip
    _check_conditions(mode=mode, max_distance_km=max_distance_km, max_wait_days=max_wait_days)
    values = {
        "allowed": allowed,
        "volunteers_sensitive": volunteers_sensitive,
        "max_distance_km": max_distance_km,
        "max_wait_days": max_wait_days,
        "updated_by": actor,
        **{field: role in roles for role, field in ROLE_FIELDS.items()},
    }
    rule, _created = CharterRule.objects.select_for_update().update_or_create(
        network=network, site=site, theme=theme, need=need, mode=mode, defaults=values
    )
    _journal(
        network=network, actor=actor, obj=rule, change="rule_set", mode=mode,
        **_scope(site=site, theme=theme, need=need), allowed=allowed, roles=sorted(roles),
        max_distance_km=max_distance_km, max_wait_days=max_wait_days,
        volunteers_sensitive=volunteers_sensitive,
    )  # fmt: skip
    return rule


@transaction.atomic
def reset_rule(
    *,
    network: Network,
    mode: str,
    site: Site | None = None,
    theme: Theme | None = None,
    need: Need | None = None,
    actor: User | None,
) -> bool:
    """Remove the rule of ``mode`` for this scope: the less specific one applies again.

    Returns whether there was a rule to remove.
    """
    _check_coordinator(actor=actor, network=network)
    _check_mode(mode)
    _check_scope(network=network, site=site, theme=theme, need=need)
    deleted, _per_model = CharterRule.objects.filter(
        network=network, site=site, theme=theme, need=need, mode=mode
    ).delete()
    if deleted:
        _journal(
            network=network, actor=actor, change="rule_reset", mode=mode,
            **_scope(site=site, theme=theme, need=need),
        )  # fmt: skip
    return deleted > 0


@transaction.atomic
def set_charter(
    *,
    network: Network,
    mode_order: Sequence[str],
    max_distance_km: int,
    max_wait_days: int,
    actor: User | None,
) -> Charter:
    """The order in which the desk proposes the modes, and the default conditions."""
    _check_coordinator(actor=actor, network=network)
    if sorted(mode_order) != sorted(Mode.values):
        raise ValidationError(
            _("L'ordre de la charte cite chaque mode une fois et une seule."), code="mode_order"
        )
    if max_distance_km is None or max_wait_days is None:
        raise ValidationError(_("Indiquez une distance et un délai."), code="conditions")
    _check_conditions(
        mode=Mode.ACCOMPANY, max_distance_km=max_distance_km, max_wait_days=max_wait_days
    )
    values = {f"{mode}_position": position for position, mode in enumerate(mode_order)}
    charter, _created = Charter.objects.select_for_update().update_or_create(
        network=network,
        defaults={
            **values,
            "max_distance_km": max_distance_km,
            "max_wait_days": max_wait_days,
            "updated_by": actor,
        },
    )
    _journal(
        network=network, actor=actor, obj=charter, change="settings", mode_order=list(mode_order),
        max_distance_km=max_distance_km, max_wait_days=max_wait_days,
    )  # fmt: skip
    return charter
