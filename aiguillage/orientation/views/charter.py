"""The charter page ("jusqu'où aller"): every member reads it, coordinators change it.

Staff read it to know what they may do at the desk; the coordinators change the order,
the conditions and the rules on the same page, and see at once what their rules do to a
few example needs (``decide`` for each need, no member: "may the library do it here").

The three writes are POST-only views guarded by ``network_view(action=CHARTER_EDIT)``
(403 for other roles); each one redirects after success (the message says what
changed) and, on a refusal, renders the page again with the form as typed and the
reasons next to the fields (status 400). Rule ids travel as POST fields, never in the URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.models import Role
from aiguillage.accounts.permissions import Action, request_can
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site
from aiguillage.core.selectors import sites_of_network
from aiguillage.orientation.charter import (
    DEFAULT_ROLES,
    SPECIFICITY,
    ModeDecision,
    Source,
    decide,
    mode_order,
    source_of,
)
from aiguillage.orientation.forms.charter import CharterRuleForm, CharterSettingsForm
from aiguillage.orientation.models import (
    CONDITIONAL_MODES,
    DEFAULT_MAX_DISTANCE_KM,
    DEFAULT_MAX_WAIT_DAYS,
    Charter,
    CharterRule,
    Mode,
)
from aiguillage.orientation.services import reset_rule, set_charter, set_rule

# The example needs of the page: taxes, the CAF, health, a first digital step. Chosen
# for their different sensitivities (financial, financial, health, personal); a slug
# missing from the catalog is skipped.
EXAMPLE_NEEDS = (
    "declarer-ses-revenus",
    "demander-prime-activite",
    "commander-carte-vitale",
    "creer-adresse-email",
)


def role_labels(roles: frozenset[str]) -> list[str]:
    """The roles' names in the usual order (coordinator first)."""
    return [str(label) for value, label in Role.choices if value in roles]


def describe_roles(roles: frozenset[str]) -> str:
    if roles >= frozenset(Role.values):
        return _("tous les rôles")
    return ", ".join(role_labels(roles))


def describe_scope(rule: CharterRule) -> str:
    """Where a rule applies, in plain French."""
    params = {
        "site": rule.site.name if rule.site_id else "",
        "theme": rule.theme.name if rule.theme_id else "",
        "need": rule.need.name if rule.need_id else "",
    }
    texts = {
        Source.NETWORK: _("Tout le réseau"),
        Source.SITE: _("Toutes les démarches à %(site)s"),
        Source.THEME: _("Thème %(theme)s"),
        Source.SITE_THEME: _("Thème %(theme)s à %(site)s"),
        Source.NEED: _("« %(need)s »"),
        Source.SITE_NEED: _("« %(need)s » à %(site)s"),
    }
    return texts[source_of(rule)] % params


def describe_conditions(km: int, days: int) -> str:
    return _(
        "si aucun service compétent à moins de %(km)s km ou disponible sous %(days)s jours"
    ) % {"km": km, "days": days}


@dataclass(frozen=True)
class ModeRow:
    """The network-wide rule of one mode: a row of the charter's table."""

    mode: str
    label: str
    allowed: bool
    roles: str
    conditions: str
    notes: list[str]
    rule: CharterRule | None


@dataclass(frozen=True)
class OverrideRow:
    rule: CharterRule
    scope: str
    label: str
    roles: str
    conditions: str
    notes: list[str]


@dataclass(frozen=True)
class ExampleCell:
    decision: ModeDecision
    roles: str


@dataclass(frozen=True)
class ExampleRow:
    need: Need
    cells: list[ExampleCell]


def _notes(mode: str, *, volunteers: bool, volunteers_sensitive: bool) -> list[str]:
    notes = []
    if mode == Mode.ACCOMPANY and volunteers and not volunteers_sensitive:
        notes.append(_("Bénévoles : pas les démarches sensibles."))
    if mode == Mode.ACCOMPANY and volunteers and volunteers_sensitive:
        notes.append(_("Bénévoles : aussi les démarches sensibles."))
    if mode == Mode.ACT_FOR:
        notes.append(_("Avec une habilitation Aidants Connect valide et un mandat enregistré."))
    return notes


def _conditions(mode: str, rule: CharterRule | None, km: int, days: int) -> str:
    if mode not in CONDITIONAL_MODES:
        return ""
    if rule is not None and rule.max_distance_km is not None:
        km = rule.max_distance_km
    if rule is not None and rule.max_wait_days is not None:
        days = rule.max_wait_days
    return describe_conditions(km, days)


def _network_rows(order, network_rules: dict[str, CharterRule], km: int, days: int):
    rows = []
    for mode in order:
        rule = network_rules.get(mode)
        allowed = rule.allowed if rule is not None else True
        roles = (rule.roles if rule is not None else DEFAULT_ROLES[mode]) - (
            {Role.VOLUNTEER} if mode == Mode.ACT_FOR else set()
        )
        rows.append(
            ModeRow(
                mode=mode,
                label=str(Mode(mode).label),
                allowed=allowed,
                roles=describe_roles(roles) if allowed else "",
                conditions=_conditions(mode, rule, km, days) if allowed else "",
                notes=_notes(
                    mode,
                    volunteers=Role.VOLUNTEER in roles,
                    volunteers_sensitive=bool(rule and rule.volunteers_sensitive),
                )
                if allowed
                else [],
                rule=rule,
            )
        )
    return rows


def _override_rows(rules: list[CharterRule], order, km: int, days: int) -> list[OverrideRow]:
    position = {mode: index for index, mode in enumerate(order)}

    def key(rule: CharterRule):
        return (
            SPECIFICITY[source_of(rule)],
            rule.site.name if rule.site_id else "",
            rule.theme.position if rule.theme_id else 0,
            rule.need.name if rule.need_id else "",
            position[rule.mode],
        )

    return [
        OverrideRow(
            rule=rule,
            scope=describe_scope(rule),
            label=str(Mode(rule.mode).label),
            roles=describe_roles(rule.roles) if rule.allowed else "",
            conditions=_conditions(rule.mode, rule, km, days) if rule.allowed else "",
            notes=_notes(
                rule.mode,
                volunteers=Role.VOLUNTEER in rule.roles,
                volunteers_sensitive=rule.volunteers_sensitive,
            )
            if rule.allowed
            else [],
        )
        for rule in sorted(rules, key=key)
    ]


def _examples(network: Network, site: Site | None) -> list[ExampleRow]:
    needs = {
        need.slug: need
        for need in Need.objects.active().filter(slug__in=EXAMPLE_NEEDS).select_related("theme")
    }
    today = timezone.localdate()
    rows = []
    for slug in EXAMPLE_NEEDS:
        need = needs.get(slug)
        if need is None:
            continue
        decisions = decide(network=network, need=need, site=site, day=today)
        cells = [
            ExampleCell(decision=d, roles=describe_roles(d.roles) if d.allowed else "")
            for d in decisions
        ]
        rows.append(ExampleRow(need=need, cells=cells))
    return rows


def _chosen_site(request, sites: list[Site]) -> Site | None:
    """``?site=<slug>``: see the examples with that site's rules (else the network's)."""
    slug = request.GET.get("site", "")
    return next((site for site in sites if site.slug == slug), None)


def _rule_form_from_query(request, network, network_rules, rules) -> CharterRuleForm:
    """``?regle=<id>`` fills the form with that rule, ``?mode=<mode>`` with the
    network-wide rule of a mode; otherwise the form is empty."""
    raw = request.GET.get("regle", "")
    if raw.isdecimal():
        rule = next((rule for rule in rules if rule.pk == int(raw)), None)
        if rule is not None:
            return CharterRuleForm.for_rule(rule, network=network)
    mode = request.GET.get("mode", "")
    if mode in Mode.values:
        rule = network_rules.get(mode)
        if rule is not None:
            return CharterRuleForm.for_rule(rule, network=network)
        return CharterRuleForm.for_mode(mode, DEFAULT_ROLES[mode], network=network)
    return CharterRuleForm(network=network)


def _render_page(
    request,
    network: Network,
    *,
    settings_form: CharterSettingsForm | None = None,
    rule_form: CharterRuleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    charter = Charter.objects.filter(network=network).first()
    order = mode_order(charter)
    km = charter.max_distance_km if charter else DEFAULT_MAX_DISTANCE_KM
    days = charter.max_wait_days if charter else DEFAULT_MAX_WAIT_DAYS
    rules = list(CharterRule.objects.of_network(network).select_related("site", "theme", "need"))
    network_rules = {rule.mode: rule for rule in rules if source_of(rule) == Source.NETWORK}
    overrides = [rule for rule in rules if source_of(rule) != Source.NETWORK]
    sites = list(sites_of_network(network))
    example_site = _chosen_site(request, sites)
    may_edit = request_can(request, Action.CHARTER_EDIT)
    context = {
        "network": network,
        "may_edit": may_edit,
        "order": [(mode, str(Mode(mode).label)) for mode in order],
        "max_distance_km": km,
        "max_wait_days": days,
        "network_rows": _network_rows(order, network_rules, km, days),
        "overrides": _override_rows(overrides, order, km, days),
        "sites": sites,
        "example_site": example_site,
        "examples": _examples(network, example_site),
    }
    if may_edit:
        context["settings_form"] = settings_form or CharterSettingsForm.initial_for(
            order=order, max_distance_km=km, max_wait_days=days
        )
        context["rule_form"] = rule_form or _rule_form_from_query(
            request, network, network_rules, rules
        )
    return render(request, "orientation/charter/page.html", context, status=status)


def _page_url(network: Network, site: Site | None = None) -> str:
    url = reverse("orientation:charter", args=[network.slug])
    return f"{url}?{urlencode({'site': site.slug})}" if site is not None else url


@network_view(action=Action.CHARTER_VIEW)
def charter_page(request, network) -> HttpResponse:
    return _render_page(request, network)


@require_POST
@network_view(action=Action.CHARTER_EDIT)
def charter_settings(request, network) -> HttpResponse:
    form = CharterSettingsForm(request.POST)
    if form.is_valid():
        try:
            set_charter(
                network=network,
                mode_order=form.mode_order(),
                max_distance_km=form.cleaned_data["max_distance_km"],
                max_wait_days=form.cleaned_data["max_wait_days"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'ordre des modes et les conditions sont enregistrés."))
            return redirect(_page_url(network))
    return _render_page(request, network, settings_form=form, status=400)


@require_POST
@network_view(action=Action.CHARTER_EDIT)
def charter_rule_set(request, network) -> HttpResponse:
    form = CharterRuleForm(request.POST, network=network)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rule = set_rule(
                network=network,
                mode=data["mode"],
                allowed=data["allowed"],
                roles=data["roles"],
                site=data["site"],
                theme=data["theme"],
                need=data["need"],
                max_distance_km=data["max_distance_km"],
                max_wait_days=data["max_wait_days"],
                volunteers_sensitive=data["volunteers_sensitive"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Règle enregistrée — %(scope)s : %(mode)s.")
                % {"mode": rule.get_mode_display(), "scope": describe_scope(rule)},
            )
            # A site's rule: show the examples at that site, where it takes effect.
            return redirect(_page_url(network, rule.site))
    return _render_page(request, network, rule_form=form, status=400)


@require_POST
@network_view(action=Action.CHARTER_EDIT)
def charter_rule_reset(request, network) -> HttpResponse:
    raw = request.POST.get("rule", "")
    rule = (
        CharterRule.objects.of_network(network)
        .select_related("site", "theme", "need")
        .filter(pk=int(raw))
        .first()
        if raw.isdecimal()
        else None
    )
    if rule is None:
        messages.error(request, _("Cette règle n'existe plus : rien n'a changé."))
        return redirect(_page_url(network))
    reset_rule(
        network=network,
        mode=rule.mode,
        site=rule.site,
        theme=rule.theme,
        need=rule.need,
        actor=request.user,
    )
    messages.success(
        request,
        _("Règle retirée — %(scope)s : %(mode)s. La règle plus générale s'applique de nouveau.")
        % {"mode": rule.get_mode_display(), "scope": describe_scope(rule)},
    )
    return redirect(_page_url(network, rule.site))
