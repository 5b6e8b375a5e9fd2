"""Read the charter: for a need (at a site, for a staff member, on a day), which modes.

``decide`` answers one question per mode, in the order of the network's charter: is it
allowed here, and why (plain French reasons). The defaults are code (``DEFAULT_ROLES``);
rows of ``CharterRule`` override them, the most specific scope winning:
need+site > need > theme+site > theme > site > network > default.

Some rules no override can lift (they are also database constraints where possible):
- volunteers never act for;
- act for only with a salaried member holding, on that day, an Aidants Connect
  habilitation covering the need's theme, and only after the desk records a mandate
  (``needs_mandate``: the desk's part);
- by default volunteers do not accompany needs exposing financial, health, judicial or
  identity data (a rule may allow it: ``CharterRule.volunteers_sensitive``).

At most three queries, whatever the number of rules: the charter row, the rules in
scope, and (for act for) who may act for.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _

from aiguillage.accounts.models import Membership, Role
from aiguillage.accounts.selectors import aidants_connect_perimeter, may_act_for
from aiguillage.catalog.models import Need, Sensitivity
from aiguillage.core.models import Network, Site
from aiguillage.orientation.models import (
    CONDITIONAL_MODES,
    DEFAULT_MAX_DISTANCE_KM,
    DEFAULT_MAX_WAIT_DAYS,
    DEFAULT_MODE_ORDER,
    Charter,
    CharterRule,
    Mode,
)

ALL_ROLES: frozenset[str] = frozenset(Role.values)
# Staff who may act for, if they also hold the habilitation (checked on the day).
SALARIED_DESK_ROLES: frozenset[str] = frozenset(
    {Role.COORDINATOR, Role.LIBRARIAN, Role.DIGITAL_MEDIATOR}
)
DEFAULT_ROLES: dict[str, frozenset[str]] = {
    Mode.ORIENT: ALL_ROLES,
    Mode.PARTNER_ON_SITE: ALL_ROLES,
    Mode.TRAIN: ALL_ROLES,
    # Partner agents help within their own permanence (partner on site), not at our desk.
    Mode.ACCOMPANY: SALARIED_DESK_ROLES | {Role.VOLUNTEER},
    Mode.ACT_FOR: SALARIED_DESK_ROLES,
}
# Needs volunteers do not accompany unless a rule says so.
VOLUNTEER_RESTRICTED_SENSITIVITIES: frozenset[str] = frozenset(
    {Sensitivity.FINANCIAL, Sensitivity.HEALTH, Sensitivity.JUDICIAL, Sensitivity.IDENTITY}
)


class Source(models.TextChoices):
    """Which rule decided, from the least to the most specific."""

    DEFAULT = "default", "default"
    NETWORK = "network", "network"
    SITE = "site", "site"
    THEME = "theme", "theme"
    SITE_THEME = "site+theme", "site+theme"
    NEED = "need", "need"
    SITE_NEED = "site+need", "site+need"


SPECIFICITY: dict[str, int] = {source: rank for rank, source in enumerate(Source.values)}


@dataclass(frozen=True)
class TerritorialCondition:
    """Only when no competent service is within N km OR none can receive within D days."""

    max_distance_km: int
    max_wait_days: int

    def describe(self) -> str:
        return _(
            "Seulement si aucun service compétent n'est à moins de %(km)s km de la commune "
            "de la personne, ou si aucun ne peut la recevoir sous %(days)s jours."
        ) % {"km": self.max_distance_km, "days": self.max_wait_days}


@dataclass(frozen=True)
class ModeDecision:
    mode: str
    allowed: bool
    reasons: list[str]
    source: str
    roles: frozenset[str] = frozenset()
    conditions: TerritorialCondition | None = None
    needs_mandate: bool = False
    volunteers_sensitive: bool = False

    @property
    def label(self) -> str:
        return str(Mode(self.mode).label)


@dataclass
class _Effective:
    """The rule in force for one mode before the hard rules are applied."""

    allowed: bool
    roles: frozenset[str]
    source: str
    volunteers_sensitive: bool = False
    max_distance_km: int | None = None
    max_wait_days: int | None = None
    extra: list[str] = field(default_factory=list)


def source_of(rule: CharterRule) -> str:
    if rule.need_id is not None:
        return Source.SITE_NEED if rule.site_id is not None else Source.NEED
    if rule.theme_id is not None:
        return Source.SITE_THEME if rule.site_id is not None else Source.THEME
    return Source.SITE if rule.site_id is not None else Source.NETWORK


def _source_reason(source: str, allowed: bool, need: Need, site: Site | None) -> str:
    params = {"theme": need.theme.name, "need": need.name, "site": site.name if site else ""}
    if allowed:
        messages = {
            Source.DEFAULT: _("Autorisé par la charte par défaut."),
            Source.NETWORK: _("Autorisé par la charte du réseau."),
            Source.SITE: _("Autorisé par la charte à %(site)s."),
            Source.THEME: _("Autorisé par la charte pour le thème %(theme)s."),
            Source.SITE_THEME: _("Autorisé par la charte pour le thème %(theme)s à %(site)s."),
            Source.NEED: _("Autorisé par la charte pour « %(need)s »."),
            Source.SITE_NEED: _("Autorisé par la charte pour « %(need)s » à %(site)s."),
        }
    else:
        messages = {
            Source.DEFAULT: _("Non prévu par la charte par défaut."),
            Source.NETWORK: _("La charte du réseau ne le permet pas."),
            Source.SITE: _("La charte ne le permet pas à %(site)s."),
            Source.THEME: _("La charte ne le permet pas pour le thème %(theme)s."),
            Source.SITE_THEME: _("La charte ne le permet pas pour le thème %(theme)s à %(site)s."),
            Source.NEED: _("La charte ne le permet pas pour « %(need)s »."),
            Source.SITE_NEED: _("La charte ne le permet pas pour « %(need)s » à %(site)s."),
        }
    return messages[source] % params


def check_scope(*, network: Network, site: Site | None, membership: Membership | None) -> None:
    """Refuse a site or a member of another network (tenancy, before any read)."""
    if site is not None and site.network_id != network.pk:
        raise ValueError("The site belongs to another network.")
    if membership is not None and membership.network_id != network.pk:
        raise ValueError("The membership belongs to another network.")


def mode_order(charter: Charter | None) -> tuple[str, ...]:
    return charter.mode_order if charter is not None else DEFAULT_MODE_ORDER


def decide(
    *,
    network: Network,
    need: Need,
    site: Site | None = None,
    membership: Membership | None = None,
    day: datetime.date,
) -> list[ModeDecision]:
    """One decision per mode, in the charter's order.

    Without ``membership``, the question is "may the library do it at all": a mode is
    allowed when some role may use it (for act for: some habilitated member today).
    With it, the question is "may this person, at the desk, do it".
    """
    check_scope(network=network, site=site, membership=membership)
    charter = Charter.objects.filter(network=network).first()
    rules = list(CharterRule.objects.of_network(network).applying_to(need=need, site=site))
    return decide_with(
        charter=charter, rules=rules, network=network, need=need, site=site,
        membership=membership, day=day,
    )  # fmt: skip


def decide_with(
    *,
    charter: Charter | None,
    rules: list[CharterRule],
    network: Network,
    need: Need,
    site: Site | None = None,
    membership: Membership | None = None,
    day: datetime.date,
) -> list[ModeDecision]:
    """``decide`` with the charter and the rules in scope already read: the engine asks
    for the library and for the person at the desk, and reads them once."""
    default_km = charter.max_distance_km if charter else DEFAULT_MAX_DISTANCE_KM
    default_days = charter.max_wait_days if charter else DEFAULT_MAX_WAIT_DAYS

    decisions = []
    for mode in mode_order(charter):
        effective = _effective(mode, rules)
        if mode == Mode.ACT_FOR:
            decision = _act_for(effective, network=network, need=need, site=site,
                                membership=membership, day=day)  # fmt: skip
        elif mode == Mode.ACCOMPANY:
            decision = _accompany(effective, need=need, site=site, membership=membership)
        else:
            decision = _plain(mode, effective, need=need, site=site, membership=membership)
        if mode in CONDITIONAL_MODES:
            conditions = TerritorialCondition(
                max_distance_km=_or(effective.max_distance_km, default_km),
                max_wait_days=_or(effective.max_wait_days, default_days),
            )
            reasons = decision.reasons
            if decision.allowed:
                reasons = [*reasons, conditions.describe()]
            decision = ModeDecision(
                mode=decision.mode,
                allowed=decision.allowed,
                reasons=reasons,
                source=decision.source,
                roles=decision.roles,
                conditions=conditions,
                needs_mandate=decision.needs_mandate,
                volunteers_sensitive=decision.volunteers_sensitive,
            )
        decisions.append(decision)
    return decisions


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _effective(mode: str, rules: list[CharterRule]) -> _Effective:
    candidates = [rule for rule in rules if rule.mode == mode]
    if not candidates:
        return _Effective(allowed=True, roles=DEFAULT_ROLES[mode], source=Source.DEFAULT)
    rule = max(candidates, key=lambda r: SPECIFICITY[source_of(r)])
    return _Effective(
        allowed=rule.allowed,
        roles=rule.roles if rule.allowed else frozenset(),
        source=source_of(rule),
        volunteers_sensitive=rule.volunteers_sensitive,
        max_distance_km=rule.max_distance_km,
        max_wait_days=rule.max_wait_days,
    )


def _role_check(roles: frozenset[str], membership: Membership | None) -> tuple[bool, list[str]]:
    """Whether the member's role (or any role, without a member) may use the mode."""
    if membership is None:
        return bool(roles), []
    if membership.role in roles:
        return True, []
    return False, [
        _("Votre rôle (%(role)s) ne le permet pas ici.") % {"role": membership.get_role_display()}
    ]


def _plain(
    mode: str,
    effective: _Effective,
    *,
    need: Need,
    site: Site | None,
    membership: Membership | None,
) -> ModeDecision:
    reasons = [_source_reason(effective.source, effective.allowed, need, site)]
    allowed = effective.allowed
    if allowed:
        allowed, extra = _role_check(effective.roles, membership)
        reasons += extra
    return ModeDecision(
        mode=mode, allowed=allowed, reasons=reasons, source=effective.source, roles=effective.roles
    )


def _accompany(
    effective: _Effective, *, need: Need, site: Site | None, membership: Membership | None
) -> ModeDecision:
    reasons = [_source_reason(effective.source, effective.allowed, need, site)]
    roles = effective.roles
    restricted = (
        need.sensitivity in VOLUNTEER_RESTRICTED_SENSITIVITIES
        and not effective.volunteers_sensitive
        and Role.VOLUNTEER in roles
    )
    if restricted:
        roles = roles - {Role.VOLUNTEER}
    allowed = effective.allowed
    if allowed:
        if restricted and (membership is None or membership.role == Role.VOLUNTEER):
            reasons.append(
                _(
                    "Les bénévoles n'accompagnent pas une démarche qui expose des %(data)s, "
                    "sauf si la charte le prévoit."
                )
                % {"data": Sensitivity(need.sensitivity).label}
            )
        allowed, extra = _role_check(roles, membership)
        reasons += extra
    return ModeDecision(
        mode=Mode.ACCOMPANY,
        allowed=allowed,
        reasons=reasons,
        source=effective.source,
        roles=roles,
        volunteers_sensitive=effective.volunteers_sensitive and not restricted,
    )


def _act_for(
    effective: _Effective,
    *,
    network: Network,
    need: Need,
    site: Site | None,
    membership: Membership | None,
    day: datetime.date,
) -> ModeDecision:
    # Hard rule, whatever the row says: volunteers never act for.
    roles = effective.roles - {Role.VOLUNTEER}
    charter_says = _source_reason(effective.source, effective.allowed, need, site)
    theme = need.theme.name
    allowed = effective.allowed
    blocked: list[str] = []  # what stops it, when the charter itself allows it
    if allowed and membership is not None:
        if membership.role == Role.VOLUNTEER:
            blocked.append(_("Les bénévoles ne font jamais à la place des personnes."))
        elif not membership.is_salaried:
            blocked.append(_("Seul·e un·e salarié·e peut faire à la place d'une personne."))
        else:
            role_ok, extra = _role_check(roles, membership)
            blocked += extra
            if role_ok and not (
                may_act_for(network=network, theme=need.theme, day=day)
                .filter(pk=membership.pk)
                .exists()
            ):
                blocked.append(_perimeter_refusal(membership, need, day))
    elif allowed and not _someone_may_act_for(network=network, need=need, roles=roles, day=day):
        blocked.append(
            _("Aucune personne habilitée Aidants Connect pour le thème %(theme)s aujourd'hui.")
            % {"theme": theme}
        )
    # A refusal says what blocks, never "allowed by the charter" beside it.
    reasons = blocked if blocked else [charter_says]
    allowed = allowed and not blocked
    if allowed:
        reasons.append(
            _("Seulement après avoir enregistré le mandat Aidants Connect de la personne.")
        )
    return ModeDecision(
        mode=Mode.ACT_FOR,
        allowed=allowed,
        reasons=reasons,
        source=effective.source,
        roles=roles,
        needs_mandate=True,
    )


def _perimeter_refusal(membership: Membership, need: Need, day: datetime.date) -> str:
    """Why this member may not act for on this need today: no valid habilitation, or
    one whose perimeter leaves the need's theme out (named, with what it covers)."""
    perimeter = aidants_connect_perimeter(membership=membership, day=day)
    if perimeter is None:
        return _(
            "Vous n'avez pas d'habilitation Aidants Connect valide pour le thème %(theme)s "
            "aujourd'hui."
        ) % {"theme": need.theme.name}
    if not perimeter:
        return _("Votre habilitation Aidants Connect ne couvre aucune thématique.")
    return _(
        "La thématique %(theme)s n'est pas dans votre habilitation Aidants Connect "
        "(elle couvre : %(perimeter)s)."
    ) % {"theme": need.theme.name, "perimeter": ", ".join(t.name for t in perimeter)}


def _someone_may_act_for(
    *, network: Network, need: Need, roles: frozenset[str], day: datetime.date
) -> bool:
    if not roles:
        return False
    return (
        may_act_for(network=network, theme=need.theme, day=day)
        .filter(role__in=sorted(roles))
        .exists()
    )
