"""The forms of « Où aller pour ma démarche ? »: the words, the commune and the
situation, in plain words; each answer maps onto the engine's vocabulary."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aiguillage.catalog.models import Need
from aiguillage.catalog.search import SearchResult, choices, normalize
from aiguillage.catalog.selectors import MAX_QUERY_LENGTH, search_needs
from aiguillage.directory.models import Commune
from aiguillage.directory.selectors import find_communes
from aiguillage.orientation.situation import Autonomy, Lack, Situation, Support

MAX_NEED_CANDIDATES = 5


# "rsa" goes straight to the RSA, "impôts" asks which of the tax démarches
# (``aiguillage.catalog.search.choices``, the desk's rule too).
MAX_COMMUNE_CANDIDATES = 6


MAX_PLACE_LENGTH = 150


class SituationFields(forms.Form):
    """Optional: each answer maps onto the engine's situation vocabulary."""

    aisance = forms.ChoiceField(
        label=gettext_lazy("Avec internet, je suis :"),
        choices=[
            ("", gettext_lazy("Je ne sais pas")),
            (Autonomy.AUTONOMOUS, gettext_lazy("À l'aise")),
            (Autonomy.PARTLY_AUTONOMOUS, gettext_lazy("Un peu à l'aise")),
            (Autonomy.FULLY_ASSISTED, gettext_lazy("Pas du tout à l'aise")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    manque = forms.MultipleChoiceField(
        label=gettext_lazy("Ce qui me manque"),
        choices=[
            (Lack.EMAIL, gettext_lazy("Je n'ai pas d'adresse e-mail")),
            (Lack.DEVICE, gettext_lazy("Je n'ai pas d'ordinateur ni de smartphone")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accueil = forms.MultipleChoiceField(
        label=gettext_lazy("J'ai besoin d'un accueil adapté"),
        choices=[
            (Support.DEAFNESS, gettext_lazy("Je suis sourd ou malentendant")),
            (Support.VISUAL, gettext_lazy("Je vois mal")),
            (Support.MOTOR, gettext_lazy("Je me déplace difficilement")),
            (Support.ILLITERACY, gettext_lazy("J'ai du mal à lire ou à écrire")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    francais = forms.BooleanField(label=gettext_lazy("Je parle mal le français"), required=False)
    premiere_fois = forms.BooleanField(
        label=gettext_lazy("C'est la première fois que je fais cette démarche"), required=False
    )

    def situation(self) -> Situation:
        data = self.cleaned_data
        return Situation(
            autonomy=data.get("aisance") or "",
            lacks=frozenset(data.get("manque") or ()),
            support=frozenset(data.get("accueil") or ()),
            french_not_mastered=bool(data.get("francais")),
            first_time=bool(data.get("premiere_fois")),
        )

    def situation_params(self) -> list[tuple[str, str]]:
        """The situation as URL parameters (fixed values only)."""
        data = self.cleaned_data
        params: list[tuple[str, str]] = []
        if data.get("aisance"):
            params.append(("aisance", data["aisance"]))
        params += [("manque", value) for value in data.get("manque") or ()]
        params += [("accueil", value) for value in data.get("accueil") or ()]
        for flag in ("francais", "premiere_fois"):
            if data.get(flag):
                params.append((flag, "1"))
        return params

    @property
    def situation_given(self) -> bool:
        return any(self[name].value() for name in SituationFields.base_fields)


def commune_label(commune: Commune) -> str:
    """ "Lodève (34700)": the name a visitor recognises, told apart from its namesakes."""
    return f"{commune.name} ({commune.postcode or commune.department})"


def same_words(typed: str, known: str) -> bool:
    return normalize(typed) == normalize(known)


class SearchForm(SituationFields):
    demarche = forms.CharField(
        label=gettext_lazy("Ma démarche"),
        help_text=gettext_lazy("Quelques mots suffisent. Par exemple : impôts, CAF, carte grise."),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    lieu = forms.CharField(
        label=gettext_lazy("Ma commune"),
        help_text=gettext_lazy("Son nom ou son code postal. Par exemple : Lodève ou 34700."),
        max_length=MAX_PLACE_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    # What the results page already resolved: kept while the words shown are unchanged.
    besoin = forms.SlugField(required=False, widget=forms.HiddenInput)
    commune = forms.CharField(max_length=5, required=False, widget=forms.HiddenInput)

    field_order = ["demarche", "lieu"]

    def clean(self):
        data = super().clean()
        self.needs: list[SearchResult] = []
        self.communes: list[Commune] = []
        if "demarche" in data and "besoin" in data:
            self.needs = self._resolve_need(data["demarche"].strip(), data["besoin"])
        if "lieu" in data and "commune" in data:
            self.communes = self._resolve_commune(data["lieu"].strip(), data["commune"])
        return data

    def _resolve_need(self, text: str, slug: str) -> list[SearchResult]:
        if slug:
            need = Need.objects.active().select_related("theme").filter(slug=slug).first()
            if need is not None and (not text or same_words(text, need.name)):
                return [SearchResult(need.slug, need.name, need.theme.name, (), 100.0)]
        if not text:
            self.add_error(
                "demarche",
                _("Écrivez votre démarche. Par exemple : impôts, CAF, carte grise."),
            )
            return []
        results = search_needs(text, limit=MAX_NEED_CANDIDATES)
        if not results:
            self.add_error(
                "demarche",
                _(
                    "Nous n'avons pas trouvé cette démarche. Essayez avec d'autres mots. "
                    "Par exemple : impôts, CAF, carte grise, retraite."
                ),
            )
            return []
        return choices(results)

    def _resolve_commune(self, text: str, code: str) -> list[Commune]:
        if code:
            commune = Commune.objects.located().filter(insee_code=code.upper()).first()
            if commune is not None and (not text or same_words(text, commune_label(commune))):
                return [commune]
        if not text:
            self.add_error("lieu", _("Écrivez votre commune ou son code postal."))
            return []
        found = find_communes(text, limit=MAX_COMMUNE_CANDIDATES)
        if not found:
            self.add_error(
                "lieu",
                _(
                    "Nous ne connaissons pas cette commune. Écrivez son nom ou son code "
                    "postal. Par exemple : Lodève ou 34700."
                ),
            )
            return []
        exact = [c for c in found if same_words(text, c.name) or text.upper() == c.insee_code]
        return exact if len(exact) == 1 else found


class ResultsForm(SituationFields):
    besoin = forms.SlugField(max_length=80)
    commune = forms.CharField(max_length=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["besoin"].error_messages["required"] = _(
            "Écrivez votre démarche. Par exemple : impôts, CAF, carte grise."
        )
        self.fields["commune"].error_messages["required"] = _(
            "Écrivez votre commune ou son code postal."
        )

    def clean_besoin(self) -> Need:
        need = Need.objects.for_search().filter(slug=self.cleaned_data["besoin"]).first()
        if need is None:
            raise forms.ValidationError(
                _("Cette démarche n'est pas dans notre liste. Écrivez-la avec vos mots.")
            )
        return need

    def clean_commune(self) -> Commune:
        code = self.cleaned_data["commune"].strip().upper()
        commune = Commune.objects.located().filter(insee_code=code).first()
        if commune is None:
            raise forms.ValidationError(
                _(
                    "Nous ne connaissons pas cette commune. Écrivez son nom ou son code "
                    "postal. Par exemple : Lodève ou 34700."
                )
            )
        return commune
