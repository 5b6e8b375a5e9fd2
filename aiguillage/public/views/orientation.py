"""« Où aller pour ma démarche ? »: the orientation engine for visitors, without an account.

The visitor says the démarche in their own words, their commune, and, if they wish, a
few things about their situation; the page answers with the engine's public answer
(``orient(public=True)``): competent places, the official online service, partner
permanences bookable online, workshops open to online registration.

Words typed may hold anything (a name, a number), so they never go into a URL or a
server log: the search form is POSTed, resolved here into a catalog need and an INSEE
code, and the results live at a GET address holding only those (``besoin``,
``commune``) and the situation's fixed values. When the words or the commune are
ambiguous, the answer to the POST offers the candidates as buttons of a GET form
carrying slugs and codes only; a single clear match goes straight to the results
(303). Without JavaScript, all of it works the same. Each result links to its public
page (book the slot, register to the workshop) and to its printable slip
(``orientation_slip``: the staff slip's builder and template, ids only, no toolbar).

Reading is not rate limited (like every public read, and the search itself is cheap:
the need index is in memory, communes are one indexed query). Nothing runs for an
empty or invalid form. The one write, the anonymous record of a search that found
nothing (``record_public_unmet``), happens at most once per need and commune in a
visitor's session, and goes through the portal's rate limit (its own bucket) so that
a client cannot fill the coverage statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aiguillage.catalog.models import Need
from aiguillage.catalog.search import SearchResult, choices, normalize
from aiguillage.catalog.selectors import MAX_QUERY_LENGTH, search_needs
from aiguillage.core import phones
from aiguillage.core.french import of_place
from aiguillage.core.ratelimit import over_limit
from aiguillage.directory.models import Commune
from aiguillage.directory.selectors import find_communes
from aiguillage.orientation import wording
from aiguillage.orientation.engine import NextStep, Orientation, Recommendation, TargetKind, orient
from aiguillage.orientation.interactions import record_public_unmet
from aiguillage.orientation.situation import Autonomy, Lack, Situation, Support
from aiguillage.orientation.slip import SlipError, SlipNotFound, build_slip
from aiguillage.orientation.slip_query import read_target
from aiguillage.public.decorators import private_page, public_view
from aiguillage.public.selectors import public_sites_of

TEMPLATE = "public/orientation/page.html"
# The parameters of the results' address: slugs, codes and fixed values only.
QUERY_PARAMS = ("besoin", "commune", "aisance", "manque", "accueil", "francais", "premiere_fois")
MAX_NEED_CANDIDATES = 5
# "rsa" goes straight to the RSA, "impôts" asks which of the tax démarches
# (``aiguillage.catalog.search.choices``, the desk's rule too).
MAX_COMMUNE_CANDIDATES = 6
MAX_PLACE_LENGTH = 150
# The (need, commune) pairs whose unmet search this session has already recorded.
UNMET_SESSION_KEY = "public_orientation_unmet"
MAX_UNMET_REMEMBERED = 50
UNMET_RATE_SCOPE = "orientation-unmet"
# Distances are measured from the commune's centre: under this, "near the centre" says
# more than "à 0 m".
NEAR_CENTRE_KM = 0.5
# What the public page may show: never a staff slot or "accompany now" at the desk.
PUBLIC_KINDS = frozenset(
    {
        TargetKind.STRUCTURE,
        TargetKind.ONLINE_SERVICE,
        TargetKind.PARTNER_SLOT,
        TargetKind.WORKSHOP,
    }
)


# --- The visitor's situation, in plain words ------------------------------------------


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


def _same(typed: str, known: str) -> bool:
    return normalize(typed) == normalize(known)


# --- The search form (POST: the words typed never go into a URL) ----------------------


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
            if need is not None and (not text or _same(text, need.name)):
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
            if commune is not None and (not text or _same(text, commune_label(commune))):
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
        exact = [c for c in found if _same(text, c.name) or text.upper() == c.insee_code]
        return exact if len(exact) == 1 else found


# --- The results' address (GET: slugs and codes only) ----------------------------------


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


def results_url(network, params: list[tuple[str, str]]) -> str:
    return f"{reverse('public:orientation', args=[network.slug])}?{urlencode(params)}"


# --- What a recommendation shows to the visitor -----------------------------------------


@dataclass(frozen=True)
class Card:
    """One recommendation as the visitor reads it: plain words and big buttons."""

    recommendation: Recommendation
    kicker: str
    heading: str
    reason: str
    distance: str
    where: str
    address: str
    hours: str
    phone: str
    phone_href: str
    action_url: str
    action_label: str
    link_url: str
    link_label: str
    slip_url: str


def tel_href(raw: str) -> str:
    """``tel:+33467000000`` for a number as typed in the directory; "" when unusable."""
    value = (raw or "").strip()
    if not value:
        return ""
    number = phones.valid(value)
    if number is not None:
        return "tel:" + phones.e164(number)
    digits = "".join(c for c in value if c.isdigit() or c == "+")
    return f"tel:{digits}" if digits else ""


def _card(
    recommendation: Recommendation, *, network, need: Need, commune: Commune, slip_base: str
) -> Card:
    target = recommendation.target
    distance = ""
    if target.distance_km is not None and target.distance_km < NEAR_CENTRE_KM:
        distance = _("Près du centre %(of_commune)s") % {"of_commune": of_place(commune.name)}
    elif target.distance_km is not None:
        distance = _("À %(distance)s de %(commune)s") % {
            "distance": wording.km(target.distance_km),
            "commune": commune.name,
        }
    fields = {
        "kicker": "",
        "heading": recommendation.title,
        "where": "",
        "address": "",
        "hours": "",
        "phone": "",
        "phone_href": "",
        "action_url": "",
        "action_label": "",
        "link_url": "",
        "link_label": "",
    }
    if target.kind == TargetKind.STRUCTURE:
        fields |= {
            "kicker": _("Un lieu qui peut vous aider"),
            "heading": target.name,
            "address": target.address,
            "hours": target.hours,
            "phone": target.phone,
            "phone_href": tel_href(target.phone),
        }
        if NextStep.OPEN_ONLINE in recommendation.actions and target.url:
            fields |= {"link_url": target.url, "link_label": _("Prendre rendez-vous en ligne")}
        elif target.url:
            fields |= {"link_url": target.url, "link_label": _("Voir son site internet")}
    elif target.kind == TargetKind.ONLINE_SERVICE:
        fields |= {
            "kicker": _("Sur internet, chez vous"),
            "link_url": target.url,
            "link_label": _("Aller sur %(site)s") % {"site": target.name},
        }
    elif target.kind == TargetKind.PARTNER_SLOT:
        fields |= {
            "kicker": _("Un rendez-vous près de chez vous"),
            "where": target.site_name,
            "address": target.address,
        }
        if NextStep.BOOK in recommendation.actions:
            book = reverse("public:book", args=[network.slug, target.id])
            fields |= {
                "action_url": f"{book}?{urlencode({'demarche': need.pk})}",
                "action_label": _("Réserver ce rendez-vous"),
            }
    elif target.kind == TargetKind.WORKSHOP:
        fields |= {
            "kicker": _("Un atelier pour apprendre"),
            "where": target.site_name,
            "action_url": reverse("public:workshop", args=[network.slug, target.id]),
            "action_label": _("S'inscrire sur la liste d'attente")
            if target.waiting_list
            else _("S'inscrire"),
        }
    slip_url = ""
    if slip_base:
        query = {"need": need.slug, "kind": target.kind, "commune": commune.insee_code}
        if target.id is not None:
            query["id"] = target.id
        slip_url = f"{slip_base}?{urlencode(query)}"
    return Card(
        recommendation=recommendation,
        reason=recommendation.reasons[0] if recommendation.reasons else "",
        distance=distance,
        slip_url=slip_url,
        **fields,
    )


def cards_of(result: Orientation, *, network, need: Need, commune: Commune) -> list[Card]:
    slip_base = reverse("public:orientation_slip", args=[network.slug])
    return [
        _card(r, network=network, need=need, commune=commune, slip_base=slip_base)
        for r in result.recommendations
        if r.target.kind in PUBLIC_KINDS
    ]


# --- The unanswered search -------------------------------------------------------------


def _record_unmet_once(request, *, network, need: Need, commune: Commune, situation) -> None:
    """Once per (need, commune) in this visitor's session, within the rate limit."""
    key = f"{network.pk}:{need.slug}:{commune.insee_code}"
    remembered = list(request.session.get(UNMET_SESSION_KEY, []))
    if key in remembered:
        return
    remembered = [*remembered, key][-MAX_UNMET_REMEMBERED:]
    request.session[UNMET_SESSION_KEY] = remembered
    if over_limit(request, scope=UNMET_RATE_SCOPE):
        return
    record_public_unmet(network=network, need=need, situation=situation, commune=commune)


# --- The page --------------------------------------------------------------------------


def _no_errors() -> dict[str, list[str]]:
    return {"demarche": [], "lieu": [], "situation": []}


def _errors_of(form: SearchForm) -> dict[str, list[str]]:
    errors = _no_errors()
    if form.is_bound:
        errors["demarche"] = list(form.errors.get("demarche", []))
        errors["lieu"] = list(form.errors.get("lieu", []))
        errors["situation"] = [
            *form.non_field_errors(),
            *(e for name in SituationFields.base_fields for e in form.errors.get(name, [])),
            *(e for name in ("besoin", "commune") for e in form.errors.get(name, [])),
        ]
    return errors


def _page(
    request,
    network,
    *,
    form: SearchForm,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
    private: bool = True,
    **extra,
) -> HttpResponse:
    errors = errors if errors is not None else _errors_of(form)
    context = {
        "network": network,
        "form": form,
        "errors": errors,
        "has_errors": any(errors.values()),
        "choices": None,
        "result": None,
        "cards": [],
        "need": None,
        "commune": None,
        "sites": [],
        **extra,
    }
    response = render(request, TEMPLATE, context, status=status)
    if private:
        # What someone searches stays between them and us: no shared cache, no search
        # engine, and no address of ours sent to the sites the results link to.
        private_page(response, has_forms=True)
    return response


def _searched(request) -> bool:
    return any(name in request.GET for name in QUERY_PARAMS)


def _search_form_for(results: ResultsForm, data: QueryDict) -> SearchForm:
    """The search form as the results page shows it: what the address says, in words
    (a need's name, a commune's label), or the raw value when it was not understood."""
    initial: dict = {}
    need = results.cleaned_data.get("besoin")
    commune = results.cleaned_data.get("commune")
    initial["demarche"] = need.name if isinstance(need, Need) else data.get("besoin", "")
    initial["lieu"] = commune_label(commune) if isinstance(commune, Commune) else ""
    if not initial["lieu"]:
        initial["lieu"] = data.get("commune", "")
    if isinstance(need, Need):
        initial["besoin"] = need.slug
    if isinstance(commune, Commune):
        initial["commune"] = commune.insee_code
    for name in SituationFields.base_fields:
        if name in results.cleaned_data:
            initial[name] = results.cleaned_data[name]
    return SearchForm(initial=initial)


def _results(request, network) -> HttpResponse:
    results = ResultsForm(request.GET)
    if not results.is_valid():
        # The errors are the address's, said on the fields the visitor types in.
        errors = {
            "demarche": list(results.errors.get("besoin", [])),
            "lieu": list(results.errors.get("commune", [])),
            "situation": [
                e for name in SituationFields.base_fields for e in results.errors.get(name, [])
            ],
        }
        form = _search_form_for(results, request.GET)
        return _page(request, network, form=form, errors=errors, status=400)
    need: Need = results.cleaned_data["besoin"]
    commune: Commune = results.cleaned_data["commune"]
    situation = results.situation()
    result = orient(network=network, need=need, commune=commune, situation=situation, public=True)
    cards = cards_of(result, network=network, need=need, commune=commune)
    sites = []
    if not cards:
        _record_unmet_once(
            request, network=network, need=need, commune=commune, situation=situation
        )
        sites = list(public_sites_of(network))
    return _page(
        request,
        network,
        form=_search_form_for(results, request.GET),
        result=result,
        cards=cards,
        need=need,
        commune=commune,
        sites=sites,
    )


@dataclass(frozen=True)
class Choices:
    """The candidates of an ambiguous search, for a GET form of slugs and codes."""

    needs: list[SearchResult]
    communes: list[Commune]
    hidden: list[tuple[str, str]]


def _search(request, network) -> HttpResponse:
    form = SearchForm(request.POST)
    if not form.is_valid():
        return _page(request, network, form=form, status=400)
    situation = form.situation_params()
    if len(form.needs) == 1 and len(form.communes) == 1:
        params = [("besoin", form.needs[0].slug), ("commune", form.communes[0].insee_code)]
        response = HttpResponseRedirect(results_url(network, params + situation))
        response.status_code = 303  # See Other: the browser GETs the results' address
        return private_page(response)
    hidden = list(situation)
    if len(form.communes) == 1:
        hidden.insert(0, ("commune", form.communes[0].insee_code))
    choices = Choices(needs=form.needs, communes=form.communes, hidden=hidden)
    return _page(request, network, form=form, choices=choices)


@public_view
def orientation(request, network) -> HttpResponse:
    if request.method == "POST":
        return _search(request, network)
    if _searched(request):
        return _results(request, network)
    return _page(request, network, form=SearchForm(), private=False)


# --- The printable slip ----------------------------------------------------------------

SLIP_TEMPLATE = "orientation/slip/slip.html"


@public_view
def orientation_slip(request, network) -> HttpResponse:
    """The orientation slip of one result, as the desk prints it, for the visitor.

    The query holds ids only, as the staff slip's: ``need`` (a catalog slug), ``kind``
    (a target kind the public page shows), ``id``, ``commune`` (an INSEE code: the
    distance is told from its centre) and ``format`` (a5 or a4). The builder keeps to
    what the portal shows (``public=True``: public sites, slots bookable online,
    workshops open online); a slot or workshop of another network, or kept for the
    desk, is a 404 that names nothing. The page is a standalone printable document, so
    it has no toolbar here: the browser prints it (the staff toolbar links the staff's
    PDF, which the portal does not serve).
    """
    query = request.GET
    target = read_target(query, kinds=PUBLIC_KINDS)
    commune = None
    if code := query.get("commune", "").strip():
        commune = Commune.objects.located().filter(insee_code=code.upper()).first()
        if commune is None:
            raise Http404("No such commune.")
    try:
        slip = build_slip(
            network=network,
            need=target.need,
            target_kind=target.kind,
            target_id=target.target_id,
            origin_commune=commune,
            at=timezone.now(),
            public=True,
        )
    except SlipNotFound:
        raise Http404("No such target in this network.") from None
    except SlipError:
        raise BadRequest("This slip cannot be made.") from None
    context = {"slip": slip, "paper": target.paper, "toolbar": None, "density": ""}
    response = render(request, SLIP_TEMPLATE, context)
    return private_page(response)
