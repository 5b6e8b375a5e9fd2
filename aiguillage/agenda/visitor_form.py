"""The visitor's contact form, the same at the desk and online.

It asks for the minimum (see ``VisitorContact``) and leaves the checking to
``checked_visitor``, so the rules are written once; its errors come back on the
fields the visitor typed, and what was typed is kept.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aiguillage.agenda.contact import Visitor, checked_visitor
from aiguillage.privacy.validators import GUARDED, Guard, SensitiveDataFormMixin


class VisitorForm(SensitiveDataFormMixin, forms.Form):
    guarded_fields = {
        "first_name": Guard(health=False),
        "accessibility_needs": GUARDED,
        "language": Guard(health=False),
    }
    guard_exempt = {
        "email": "the visitor's address for the reminder, checked as an e-mail address",
        "phone": "the visitor's phone for the reminder, checked as a French phone number",
    }

    first_name = forms.CharField(
        label=_("Prénom ou pseudonyme"),
        max_length=60,
        help_text=_("Un prénom suffit ; un pseudonyme aussi."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Téléphone portable"),
        required=False,
        max_length=30,
        help_text=_("Un e-mail ou un téléphone suffit, pour vous envoyer le rappel."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    consent_reminders = forms.BooleanField(
        label=_("J'accepte de recevoir un rappel avant le rendez-vous"), required=False
    )
    accessibility_needs = forms.CharField(
        label=_("Besoins d'accessibilité (facultatif)"),
        required=False,
        max_length=200,
        help_text=_("Par exemple : fauteuil roulant, boucle magnétique, gros caractères."),
    )
    language = forms.CharField(
        label=_("Langue souhaitée (facultatif)"),
        required=False,
        max_length=40,
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.visitor = checked_visitor(
                Visitor(
                    first_name=cleaned.get("first_name", ""),
                    email=cleaned.get("email", ""),
                    phone=cleaned.get("phone", ""),
                    consent_reminders=bool(cleaned.get("consent_reminders")),
                    accessibility_needs=cleaned.get("accessibility_needs", ""),
                    language=cleaned.get("language", ""),
                )
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field, messages)
        return cleaned
