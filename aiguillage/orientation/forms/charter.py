"""Forms of the charter page: they read what the coordinator typed, the services judge it.

The services (``set_rule``, ``set_charter``) hold every rule of the charter and say what
they refuse in plain French; the forms only parse the fields and put each refusal next
to the field it is about (``add_service_error``), so that nothing typed is lost.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aiguillage.accounts.models import Role
from aiguillage.catalog.models import Need, Theme
from aiguillage.core.models import Network, Site
from aiguillage.core.selectors import sites_of_network
from aiguillage.orientation.models import (
    MAX_DISTANCE_KM_LIMIT,
    MAX_WAIT_DAYS_LIMIT,
    CharterRule,
    Mode,
)

RANK_LABELS = (
    _("1er mode proposé"),
    _("2e mode proposé"),
    _("3e mode proposé"),
    _("4e mode proposé"),
    _("5e mode proposé"),
)
ALLOWED, REFUSED = "yes", "no"


def _number_input(limit: int, minimum: int) -> forms.NumberInput:
    # No browser validation (the forms are ``novalidate``): the service's message is
    # clearer, and says the limits.
    return forms.NumberInput(attrs={"min": minimum, "max": limit, "class": "charter-number"})


class CharterSettingsForm(forms.Form):
    """The order in which the desk proposes the modes, and the default conditions."""

    max_distance_km = forms.IntegerField(
        label=_("Distance maximale (km)"), widget=_number_input(MAX_DISTANCE_KM_LIMIT, 1)
    )
    max_wait_days = forms.IntegerField(
        label=_("Délai maximal (jours)"), widget=_number_input(MAX_WAIT_DAYS_LIMIT, 0)
    )

    def __init__(self, *args, **kwargs) -> None:
        # Its own ids: the rule form on the same page has fields of the same names.
        kwargs.setdefault("auto_id", "charter_%s")
        super().__init__(*args, **kwargs)
        # Set here, not at import: the limits go into the text in the reader's language.
        self.fields["max_distance_km"].help_text = gettext(
            "Accompagner ou faire pour seulement si aucun service compétent n'est plus près "
            "de la commune de la personne (entre 1 et %(limit)s km)."
        ) % {"limit": MAX_DISTANCE_KM_LIMIT}
        self.fields["max_wait_days"].help_text = gettext(
            "… ou si aucun ne peut la recevoir dans ce délai (entre 0 et %(limit)s jours)."
        ) % {"limit": MAX_WAIT_DAYS_LIMIT}
        for rank, label in enumerate(RANK_LABELS):
            self.fields[f"rank_{rank}"] = forms.ChoiceField(label=label, choices=Mode.choices)
        # The ranks first, in their order.
        self.order_fields([f"rank_{rank}" for rank in range(len(RANK_LABELS))])

    @classmethod
    def initial_for(cls, *, order: tuple[str, ...], max_distance_km: int, max_wait_days: int):
        initial = {f"rank_{rank}": mode for rank, mode in enumerate(order)}
        return cls(initial={**initial, "max_distance_km": max_distance_km,
                            "max_wait_days": max_wait_days})  # fmt: skip

    @property
    def rank_fields(self) -> list[forms.BoundField]:
        return [self[f"rank_{rank}"] for rank in range(len(RANK_LABELS))]

    def clean(self):
        data = super().clean()
        chosen = [data.get(f"rank_{rank}") for rank in range(len(RANK_LABELS))]
        seen: set[str] = set()
        for rank, mode in enumerate(chosen):
            if mode is None:
                continue
            if mode in seen:
                self.add_error(
                    f"rank_{rank}",
                    gettext(
                        "« %(mode)s » est déjà plus haut dans l'ordre : chaque mode a un seul rang."
                    )
                    % {"mode": Mode(mode).label},
                )
            seen.add(mode)
        return data

    def mode_order(self) -> list[str]:
        return [self.cleaned_data[f"rank_{rank}"] for rank in range(len(RANK_LABELS))]


class CharterRuleForm(forms.Form):
    """One rule of the charter: where (site, theme or need), which mode, who, how far."""

    # The service's refusals, by code, and the field each one is about.
    FIELD_OF_ERROR = {
        "site": "site",
        "theme_and_need": "need",
        "mode": "mode",
        "roles": "roles",
        "no_role": "roles",
        "volunteer_act_for": "roles",
        "volunteers_sensitive": "volunteers_sensitive",
        "max_distance_km": "max_distance_km",
        "max_wait_days": "max_wait_days",
    }

    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("Tous les sites du réseau"),
    )
    theme = forms.ModelChoiceField(
        label=_("Thème"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=_("Tous les thèmes"),
        help_text=_("Un thème ou un besoin, pas les deux. Aucun des deux : toutes les démarches."),
    )
    need = forms.ChoiceField(label=_("ou besoin"), required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    allowed = forms.TypedChoiceField(
        label=_("Décision"),
        choices=[(ALLOWED, _("Autorisé")), (REFUSED, _("Refusé"))],
        coerce=lambda value: value == ALLOWED,
        widget=forms.RadioSelect,
    )
    roles = forms.MultipleChoiceField(
        label=_("Pour quels rôles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Au moins un rôle si le mode est autorisé ; ignoré s'il est refusé."),
    )
    max_distance_km = forms.IntegerField(
        label=_("Distance maximale (km)"),
        required=False,
        widget=_number_input(MAX_DISTANCE_KM_LIMIT, 1),
        help_text=_("Accompagner et faire pour seulement. Vide : celle de la charte."),
    )
    max_wait_days = forms.IntegerField(
        label=_("Délai maximal (jours)"),
        required=False,
        widget=_number_input(MAX_WAIT_DAYS_LIMIT, 0),
        help_text=_("Accompagner et faire pour seulement. Vide : celui de la charte."),
    )
    volunteers_sensitive = forms.BooleanField(
        label=_("Les bénévoles accompagnent aussi les démarches sensibles"),
        required=False,
        help_text=_(
            "Accompagner seulement, avec le rôle bénévole coché : démarches qui exposent des "
            "données financières, de santé, judiciaires ou d'identité."
        ),
    )

    def __init__(self, *args, network: Network, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_of_network(network)
        self.fields["theme"].queryset = Theme.objects.order_by("position", "name")
        self._needs = {
            str(need.pk): need
            for need in Need.objects.active()
            .select_related("theme")
            .order_by("theme__position", "theme__name", "name")
        }
        groups: dict[str, list[tuple[str, str]]] = {}
        for key, need in self._needs.items():
            groups.setdefault(need.theme.name, []).append((key, need.name))
        self.fields["need"].choices = [("", _("Tous les besoins")), *groups.items()]

    @classmethod
    def for_rule(cls, rule: CharterRule, *, network: Network) -> CharterRuleForm:
        """The form filled with an existing rule, to change it."""
        return cls(
            network=network,
            initial={
                "site": rule.site_id,
                "theme": rule.theme_id,
                "need": str(rule.need_id) if rule.need_id else "",
                "mode": rule.mode,
                "allowed": ALLOWED if rule.allowed else REFUSED,
                "roles": sorted(rule.roles),
                "max_distance_km": rule.max_distance_km,
                "max_wait_days": rule.max_wait_days,
                "volunteers_sensitive": rule.volunteers_sensitive,
            },
        )

    @classmethod
    def for_mode(cls, mode: str, roles: frozenset[str], *, network: Network) -> CharterRuleForm:
        """The form for the network-wide rule of ``mode``, starting from ``roles``."""
        return cls(
            network=network,
            initial={"mode": mode, "allowed": ALLOWED, "roles": sorted(roles)},
        )

    def clean_need(self) -> Need | None:
        key = self.cleaned_data.get("need") or ""
        return self._needs.get(key)

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's refusal next to its field (or above the form)."""
        field = self.FIELD_OF_ERROR.get(getattr(error, "code", None) or "")
        self.add_error(field if field in self.fields else None, error)
