"""The forms of a rights request answered by staff: who (an e-mail or a phone), and what.

The contact is posted, never put in a URL (addresses and query strings end up in logs,
browser histories and referrers). It is normalised exactly as a booking's contact key,
so "Awa@Exemple.fr " finds the bookings made with "awa@exemple.fr", and "06 12 34 56 78"
those made with "+33612345678".
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aiguillage.compliance.rights import contact_key_of
from aiguillage.privacy.validators import SensitiveDataFormMixin

ACCESS = "access"
ERASURE = "erasure"


class ContactForm(SensitiveDataFormMixin, forms.Form):
    """An e-mail address or a phone number (one of them), as the person gave it."""

    guard_exempt = {
        "email": "the e-mail the person booked with: finding it is the request's purpose",
        "phone": "the phone the person booked with: finding it is the request's purpose",
    }

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Cette adresse e-mail n'est pas valide.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("ou numéro de téléphone"),
        required=False,
        max_length=30,
        help_text=_("Un seul des deux : celui que la personne a donné pour réserver."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    def clean(self):
        data = super().clean()
        if self.errors:  # a malformed e-mail already said so
            return data
        email, phone = data.get("email", "").strip(), data.get("phone", "").strip()
        if bool(email) == bool(phone):
            raise ValidationError(
                _("Donnez une adresse e-mail ou un numéro de téléphone (un seul)."),
                code="one_contact",
            )
        try:
            data["contact_key"] = contact_key_of(email=email, phone=phone)
        except ValidationError as error:
            self.add_error("email" if email else "phone", error)
        return data


class RightsRequestForm(ContactForm):
    kind = forms.ChoiceField(
        label=_("Demande"),
        choices=[
            (ACCESS, _("Accès : télécharger toutes ses données (fichier JSON)")),
            (ERASURE, _("Effacement : voir ce qui sera effacé, puis effacer")),
        ],
        initial=ACCESS,
        widget=forms.RadioSelect,
    )

    field_order = ["kind", "email", "phone"]


class ConfirmErasureForm(ContactForm):
    """The contact carried, hidden, from the list of what will be erased to the act."""

    email = forms.EmailField(required=False, max_length=254, widget=forms.HiddenInput)
    phone = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
