"""Forms of the public pages: the desk's visitor form, plus what a page adds to it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aiguillage.agenda.models import Slot
from aiguillage.agenda.visitor_form import VisitorForm
from aiguillage.catalog.models import Need


class NeedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Need) -> str:
        return obj.name


def _among(needs: list[Need]):
    return Need.objects.filter(pk__in=[need.pk for need in needs]).order_by("name")


class BookingForm(VisitorForm):
    """Book a slot: which démarche (among those of the permanence), then who."""

    need = NeedChoiceField(
        label=_("Pour quelle démarche ?"),
        queryset=Need.objects.none(),
        required=False,
        empty_label=_("Je ne sais pas, ou autre chose"),
        help_text=_("Facultatif. Cela aide la personne qui vous reçoit."),
    )

    field_order = ["need"]

    def __init__(self, *args, needs: list[Need], **kwargs):
        super().__init__(*args, **kwargs)
        if needs:
            self.fields["need"].queryset = _among(needs)
        else:
            del self.fields["need"]


class NeedFilterForm(forms.Form):
    """The démarche on the permanence page: carried to the booking form."""

    demarche = NeedChoiceField(
        label=_("Votre démarche"),
        queryset=Need.objects.none(),
        required=False,
        empty_label=_("Toutes"),
    )

    def __init__(self, *args, needs: list[Need], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demarche"].queryset = _among(needs)


class MoveForm(forms.Form):
    """The new time of an appointment, among the free slots of the same permanence."""

    slot = forms.ModelChoiceField(
        label=_("Nouvel horaire"),
        queryset=Slot.objects.none(),
        error_messages={
            "required": _("Choisissez un nouvel horaire."),
            "invalid_choice": _("Cet horaire n'est plus proposé. Choisissez-en un autre."),
        },
    )

    def __init__(self, *args, permanence, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = Slot.objects.filter(permanence=permanence, is_public=True)
