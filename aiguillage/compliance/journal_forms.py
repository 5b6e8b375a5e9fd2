"""The journal page's filters: an action and a period, in the query string."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aiguillage.privacy.models.journal import JournalAction


class JournalFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Toutes les actions")), *JournalAction.choices],
    )
    since = forms.DateField(
        label=_("Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("Au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("La date de début est après la date de fin."))
        return data

    def filters(self) -> dict:
        """The valid filters only: a wrong date is reported and ignored, never guessed."""
        data = self.cleaned_data if self.is_bound else {}
        filters = {
            "action": data.get("action", ""),
            "since": data.get("since"),
            "until": data.get("until"),
        }
        if self.non_field_errors():
            filters["since"] = filters["until"] = None
        return filters
