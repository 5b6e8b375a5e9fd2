"""The visitor's contact form, the same at the desk and online.

It asks for the minimum (see ``VisitorContact``) and leaves the checking to
``checked_visitor``, so the rules are written once; its errors come back on the
fields the visitor typed, and what was typed is kept.

At the desk (``contact_required=False``) a first name is enough: many of the people
the desk receives have neither an e-mail nor a mobile phone, and the printed slip is
their confirmation. Online, a way to reach the person is required. A landline is a
number to call back, never a text message's target: it cannot carry a reminder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aiguillage.agenda.contact import Visitor, checked_visitor, message_channel
from aiguillage.agenda.services.errors import AgendaError
from aiguillage.privacy.validators import GUARDED, Guard, SensitiveDataFormMixin

T = TypeVar("T")


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
        label=_("Téléphone"),
        required=False,
        max_length=30,
        help_text=_(
            "Un e-mail ou un téléphone suffit. Un portable reçoit la confirmation et le "
            "rappel par SMS ; un fixe sert seulement à vous rappeler."
        ),
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

    def __init__(self, *args, contact_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_required = contact_required
        if not contact_required:
            # At the desk the form is what the page is for: the cursor waits in it.
            self.fields["first_name"].widget.attrs["autofocus"] = True
            self.fields["email"].label = _("E-mail (facultatif)")
            self.fields["phone"].label = _("Téléphone (facultatif)")
            self.fields["phone"].help_text = _(
                "Sans e-mail ni portable, la fiche imprimée est la confirmation : aucun "
                "rappel ne pourra être envoyé. Un fixe sert seulement à rappeler la personne."
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
                ),
                contact_required=self.contact_required,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field, messages)
            return cleaned
        if self.visitor.consent_reminders and self.no_message_can_be_sent:
            self.add_error(
                "consent_reminders",
                _(
                    "Un rappel part par e-mail ou par SMS : donnez une adresse e-mail ou un "
                    "téléphone portable, ou décochez cette case."
                ),
            )
        return cleaned

    def confirmation_note(self) -> str:
        """How the person is told: what the desk's success message says."""
        if self.no_message_can_be_sent:
            return str(
                _(
                    "Aucun message ne peut être envoyé (ni e-mail ni portable) : imprimez la "
                    "fiche, c'est la confirmation. Aucun rappel ne partira."
                )
            )
        return str(_("La confirmation est envoyée."))

    @property
    def no_message_can_be_sent(self) -> bool:
        """Neither an e-mail nor a mobile phone: the slip is the only confirmation."""
        visitor = getattr(self, "visitor", None)
        return bool(visitor and not message_channel(email=visitor.email, phone=visitor.phone))


def done_or_refused(form: forms.Form, act: Callable[[], T]) -> T | None:
    """Run a service for a valid form; its refusal goes onto the form, word for word,
    and None is returned (the page is shown again with what was typed)."""
    try:
        return act()
    except AgendaError as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        form.add_error(None, error)
    return None
