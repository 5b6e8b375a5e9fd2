"""The sensitive-data guard applied to forms, services and model fields.

Three ways in, one set of messages:

* ``SensitiveDataValidator``: a field validator (forms or models). It refuses the
  text when ``scan`` finds sensitive data, with one message per kind found that says
  what was found and why it must not be stored, never the value itself.
* ``SensitiveDataFormMixin``: declares which fields of a form are guarded
  (``guarded_fields``) and which are not, and why (``guard_exempt``); it adds the
  validator to each guarded field, and shows health words as a *warning*: the form is
  shown again once, with the warning on the field and a checkbox « Je confirme que ce
  texte ne contient pas de donnée de santé » under it; ticked, the text is accepted.
  Forms keep what was typed on errors, so nothing is lost.
* ``check_text``: for services that write without a form (the API, commands).
  It refuses only: a service cannot ask for a confirmation, so health words pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aiguillage.privacy.sensitive import Finding, FindingKind, refusals, scan, warnings

# What was found, as the message names it.
KIND_LABELS: Mapping[str, Any] = {
    FindingKind.NIR: _("un numéro de sécurité sociale"),
    FindingKind.FISCAL_NUMBER: _("un numéro fiscal"),
    FindingKind.IBAN: _("un IBAN (coordonnées bancaires)"),
    FindingKind.RIB: _("un RIB (coordonnées bancaires)"),
    FindingKind.CARD_NUMBER: _("un numéro de carte bancaire"),
    FindingKind.PASSPORT: _("un numéro de passeport"),
    FindingKind.ID_CARD: _("un numéro de pièce d'identité ou de titre de séjour"),
    FindingKind.PASSWORD: _("un mot de passe ou un code secret"),
    FindingKind.LOGIN: _("un identifiant de connexion"),
    FindingKind.EMAIL: _("une adresse e-mail"),
    FindingKind.PHONE: _("un numéro de téléphone"),
    FindingKind.HEALTH: _("une information de santé"),
}

_IDENTIFIER_MESSAGE = _(
    "Ce texte semble contenir %(what)s : il ne doit pas être enregistré ici (données "
    "sensibles, RGPD). Retirez-le ; la personne garde ses documents et ses numéros."
)
MESSAGES: Mapping[str, Any] = {
    FindingKind.NIR: _IDENTIFIER_MESSAGE,
    FindingKind.FISCAL_NUMBER: _IDENTIFIER_MESSAGE,
    FindingKind.IBAN: _IDENTIFIER_MESSAGE,
    FindingKind.RIB: _IDENTIFIER_MESSAGE,
    FindingKind.CARD_NUMBER: _IDENTIFIER_MESSAGE,
    FindingKind.PASSPORT: _IDENTIFIER_MESSAGE,
    FindingKind.ID_CARD: _IDENTIFIER_MESSAGE,
    FindingKind.PASSWORD: _(
        "Ce texte semble contenir %(what)s : un mot de passe ne s'écrit jamais, ni ici ni "
        "sur papier. La personne le garde pour elle ; retirez-le."
    ),
    FindingKind.LOGIN: _(
        "Ce texte semble contenir %(what)s : les accès d'une personne à ses comptes ne "
        "s'enregistrent pas ici (données sensibles, RGPD). Retirez-le."
    ),
    FindingKind.EMAIL: _(
        "Ce texte semble contenir %(what)s : ce champ ne doit pas contenir de coordonnées "
        "(RGPD, minimisation des données). Retirez-la."
    ),
    FindingKind.PHONE: _(
        "Ce texte semble contenir %(what)s : ce champ ne doit pas contenir de coordonnées "
        "(RGPD, minimisation des données). Retirez-le."
    ),
}
HEALTH_WARNING = _(
    "Ce texte semble contenir une information de santé (une maladie, un traitement, une "
    "grossesse…). Elle ne doit pas être écrite ici sur une personne (donnée sensible, "
    "RGPD). Retirez-la, ou, si le texte ne parle de la santé de personne, cochez la case "
    "ci-dessous et enregistrez à nouveau."
)
HEALTH_CONFIRM_LABEL = _("Je confirme que ce texte ne contient pas de donnée de santé")
HEALTH_CONFIRM_SUFFIX = "no_health_data"


def _first_of_each_kind(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    firsts = []
    for finding in findings:
        if finding.kind not in seen:
            seen.add(finding.kind)
            firsts.append(finding)
    return firsts


def refusal_errors(text: str, *, allow_contact: bool = False) -> list[ValidationError]:
    """One error per kind of sensitive data found in ``text`` (empty: nothing found)."""
    return [
        ValidationError(
            MESSAGES[finding.kind],
            code=f"sensitive_{finding.kind}",
            params={"what": KIND_LABELS[finding.kind]},
        )
        for finding in _first_of_each_kind(refusals(scan(text, allow_contact=allow_contact)))
    ]


def check_text(text: str, *, field: str | None = None, allow_contact: bool = False) -> None:
    """Refuse ``text`` when it holds sensitive data (services without a form).

    The errors are keyed by ``field`` when given, so a form or the API puts them next
    to the right input."""
    errors = refusal_errors(text or "", allow_contact=allow_contact)
    if errors:
        raise ValidationError({field: errors} if field else errors)


@deconstructible(path="aiguillage.privacy.validators.SensitiveDataValidator")
class SensitiveDataValidator:
    """Refuses a text holding sensitive data; ``allow_contact`` lets e-mail addresses
    and phone numbers through (a partner's public phone in a description)."""

    def __init__(self, *, allow_contact: bool = False) -> None:
        self.allow_contact = allow_contact

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str) or not value:
            return
        errors = refusal_errors(value, allow_contact=self.allow_contact)
        if errors:
            raise ValidationError(errors)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SensitiveDataValidator) and other.allow_contact == self.allow_contact
        )

    def __hash__(self) -> int:
        return hash((SensitiveDataValidator, self.allow_contact))


@dataclass(frozen=True)
class Guard:
    """How a field is guarded: contact data allowed or not, health words warned or not."""

    allow_contact: bool = False
    health: bool = True


GUARDED = Guard()
CONTACT_ALLOWED = Guard(allow_contact=True)


class _HealthConfirmation:
    """A field's widget followed by the health confirmation checkbox.

    It delegates everything to the field's own widget (ids, attributes, value) and
    only adds the checkbox after it, so every template that renders the field shows
    the checkbox without knowing about it."""

    def __init__(self, widget, *, confirm_name: str, checked: bool) -> None:
        self._widget = widget
        self._confirm_name = confirm_name
        self._checked = checked

    def __getattr__(self, name: str) -> Any:
        return getattr(self._widget, name)

    def render(self, name, value, attrs=None, renderer=None):
        html = self._widget.render(name, value, attrs=attrs, renderer=renderer)
        field_id = (attrs or {}).get("id") or f"id_{name}"
        box_id = f"{field_id}_{HEALTH_CONFIRM_SUFFIX}"
        return format_html(
            '{}<div class="field--checkbox health-confirm"><input type="checkbox" name="{}" '
            'id="{}" value="1"{}> <label for="{}">{}</label></div>',
            html,
            self._confirm_name,
            box_id,
            " checked" if self._checked else "",
            box_id,
            HEALTH_CONFIRM_LABEL,
        )


class SensitiveDataFormMixin:
    """Guards a form's free-text fields (put it before ``forms.Form``/``ModelForm``).

    ``guarded_fields`` names each guarded field and its ``Guard``; ``guard_exempt``
    names the text fields left unguarded and why (an e-mail field, a slug…).
    ``tests/privacy/test_guarded_forms.py`` fails for any text field of the
    application's forms that is in neither."""

    guarded_fields: ClassVar[Mapping[str, Guard]] = {}
    guard_exempt: ClassVar[Mapping[str, str]] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, guard in self.guarded_fields.items():
            field = self.fields.get(name)
            if field is not None:
                field.validators.append(SensitiveDataValidator(allow_contact=guard.allow_contact))

    def health_confirm_name(self, name: str) -> str:
        return self.add_prefix(f"{name}-{HEALTH_CONFIRM_SUFFIX}")

    def _health_confirmed(self, name: str) -> bool:
        value = self.data.get(self.health_confirm_name(name))
        return value in ("1", "on", "true", "True", True)

    def clean(self):
        cleaned = super().clean()
        for name, guard in self.guarded_fields.items():
            value = cleaned.get(name)
            if not guard.health or not isinstance(value, str) or name in self.errors:
                continue
            if not warnings(scan(value, allow_contact=True)):
                continue
            confirmed = self._health_confirmed(name)
            field = self.fields[name]
            if not isinstance(field.widget, _HealthConfirmation):
                field.widget = _HealthConfirmation(
                    field.widget, confirm_name=self.health_confirm_name(name), checked=confirmed
                )
            if not confirmed:
                self.add_error(name, ValidationError(HEALTH_WARNING, code="sensitive_health"))
        return cleaned
