"""Forms of the directory pages: thin, the rules live in selectors and services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from aiguillage.catalog.models import Need
from aiguillage.core.formfields import ModelMultipleChoiceField
from aiguillage.core.models import Site
from aiguillage.core.validators import validate_opening_hours
from aiguillage.directory.models import (
    PartnerContact,
    Partnership,
    Structure,
)
from aiguillage.directory.vocabularies import (
    LIEUX_ACCESS_MODALITIES,
    LIEUX_ACCOMPANIMENT,
    LIEUX_FEES,
    LIEUX_PUBLICS,
    LIEUX_SERVICES,
    LIEUX_SPECIFIC_SUPPORT,
)
from aiguillage.privacy.validators import (
    CONTACT_ALLOWED,
    GUARDED,
    Guard,
    SensitiveDataFormMixin,
)

RADIUS_CHOICES = [(5, "5 km"), (10, "10 km"), (20, "20 km"), (30, "30 km"), (50, "50 km")]


class NeedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Need) -> str:
        return obj.name


def need_choices_queryset():
    return Need.objects.active().select_related("theme").order_by("theme__position", "name")


class DirectorySearchForm(forms.Form):
    """Where from (one of the network's sites, or a commune), for what, how far."""

    need = NeedChoiceField(
        label=_("Besoin"),
        queryset=Need.objects.none(),
        required=False,
        empty_label=_("Tous les besoins"),
    )
    site = forms.ModelChoiceField(
        label=_("Autour du site"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("— choisir un site ou une commune —"),
    )
    commune = forms.CharField(
        label=_("ou de la commune"),
        required=False,
        max_length=150,
        help_text=_("Nom, code postal ou code INSEE, par exemple Lodève ou 34700."),
    )
    radius_km = forms.TypedChoiceField(
        label=_("Rayon"), choices=RADIUS_CHOICES, coerce=int, initial=20, required=False
    )
    open_now = forms.BooleanField(label=_("Ouvert maintenant"), required=False)

    def __init__(self, *args, network, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = need_choices_queryset()
        self.fields["site"].queryset = Site.objects.active().of_network(network).order_by("name")


class ListField(forms.MultipleChoiceField):
    """A closed list of a standard, ticked as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, values: tuple[str, ...], **kwargs) -> None:
        super().__init__(choices=[(v, v) for v in values], required=False, **kwargs)


def _ascii_digits(value: str) -> str:
    """The models' patterns say \\d, which Python also reads as other scripts' digits
    ("٣٤٧٠٠"): a code of the French administration is written with 0 to 9 (tests/fuzz)."""
    if not value.isascii():
        raise forms.ValidationError(_("Écrivez ce code avec les chiffres de 0 à 9."))
    return value


class StructureForm(SensitiveDataFormMixin, forms.ModelForm):
    """What staff may correct on a structure. An import of the structure's source
    overwrites these fields again, except covered needs once edited here."""

    # An organisation's public data: its phone or e-mail may be in its texts.
    guarded_fields = {
        "name": Guard(allow_contact=True, health=False),
        "typology": Guard(health=False),
        "address": Guard(allow_contact=True, health=False),
        "address_complement": Guard(allow_contact=True, health=False),
        "commune_name": Guard(health=False),
        "opening_hours": Guard(allow_contact=True, health=False),
        "description": CONTACT_ALLOWED,
    }
    guard_exempt = {
        "postcode": "five digits, checked as a postcode",
        "commune_insee": "a commune's INSEE code, five characters",
        "phone": "the structure's public phone: contact is its purpose",
    }

    lieux_services = ListField(LIEUX_SERVICES, label=_("Services proposés"))
    publics = ListField(LIEUX_PUBLICS, label=_("Publics spécifiquement adressés"))
    specific_support = ListField(LIEUX_SPECIFIC_SUPPORT, label=_("Prise en charge spécifique"))
    fees = ListField(LIEUX_FEES, label=_("Frais à charge"))
    access_modalities = ListField(LIEUX_ACCESS_MODALITIES, label=_("Modalités d'accès"))
    accompaniment_modalities = ListField(LIEUX_ACCOMPANIMENT, label=_("Modalités d'accompagnement"))
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")
    booking_url = forms.URLField(
        label=_("Prise de rendez-vous en ligne"), required=False, assume_scheme="https"
    )
    accessibility_url = forms.URLField(
        label=_("Fiche acceslibre"), required=False, assume_scheme="https"
    )
    covered_needs = ModelMultipleChoiceField(
        label=_("Besoins traités"),
        queryset=Need.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Structure
        fields = [
            "name", "typology", "address", "address_complement", "postcode", "commune_name",
            "commune_insee", "latitude", "longitude", "phone", "email", "website",
            "opening_hours", "booking_url", "accessibility_url", "description",
            "lieux_services", "publics", "specific_support", "fees", "access_modalities",
            "accompaniment_modalities", "covered_needs",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["covered_needs"].queryset = need_choices_queryset()
        self.fields["address"].required = True
        self.fields["postcode"].required = True

    def clean_postcode(self) -> str:
        return _ascii_digits(self.cleaned_data["postcode"])

    def clean_commune_insee(self) -> str:
        return _ascii_digits(self.cleaned_data["commune_insee"])

    def clean_opening_hours(self) -> str:
        value = self.cleaned_data["opening_hours"].strip()
        if value:
            validate_opening_hours(value)
        return value

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(
                _("Donnez la latitude et la longitude, ou aucune des deux.")
            )
        return data


class PartnershipForm(SensitiveDataFormMixin, forms.ModelForm):
    # No contact data: the partner's people have their own contact records.
    guarded_fields = {"notes": GUARDED}

    reference_needs = ModelMultipleChoiceField(
        label=_("Besoins dont il est notre référence"),
        queryset=Need.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Partnership
        fields = [
            "status", "referral_channel", "agreement_start", "agreement_end",
            "reference_needs", "notes",
        ]  # fmt: skip
        widgets = {
            "agreement_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "agreement_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference_needs"].queryset = need_choices_queryset()

    def clean(self):
        data = super().clean()
        start, end = data.get("agreement_start"), data.get("agreement_end")
        if start and end and end < start:
            self.add_error("agreement_end", _("La fin de la convention précède son début."))
        return data


class PartnerContactForm(SensitiveDataFormMixin, forms.ModelForm):
    guarded_fields = {"name": Guard(health=False), "job_title": Guard(health=False)}
    guard_exempt = {"phone": "the partner's work phone: contact is its purpose"}

    class Meta:
        model = PartnerContact
        fields = ["name", "job_title", "email", "phone"]


class PriorityNeedsForm(forms.Form):
    needs = ModelMultipleChoiceField(
        label=_("Besoins prioritaires"),
        queryset=Need.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Le chercheur de partenaires cherche les structures qui les traitent."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = need_choices_queryset()


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier à importer"),
        help_text=_(
            "CSV du standard des lieux de médiation numérique, JSON data·inclusion, "
            "ou liste des France services (CSV), en UTF-8."
        ),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("auto", _("Reconnaître automatiquement")),
            ("lieux-mediation-numerique", _("Standard des lieux de médiation numérique")),
            ("data-inclusion", _("data·inclusion v1")),
            ("france-services", _("Liste des France services")),
        ],
        initial="auto",
    )
    source = forms.SlugField(
        label=_("Nom de la source"),
        max_length=60,
        required=False,
        help_text=_(
            "Laissez vide pour le nom du format. Les fiches de cette source absentes du "
            "fichier seront marquées inactives : donnez un nom propre à un fichier régional."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit is a setting (IMPORT_MAX_BYTES, docs/security.md): say the current one.
        self.fields["file"].help_text = format_lazy(
            "{} {}",
            self.fields["file"].help_text,
            _("%(size)s au plus.") % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)},
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse %(size)s : découpez-le, ou importez-le en ligne de commande.")
                % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}
            )
        return upload
