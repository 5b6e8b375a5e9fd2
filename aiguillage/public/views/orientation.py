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

The forms are in ``public/orientation_forms.py``, the cards a visitor sees of each
recommendation in ``public/orientation_cards.py``; this module holds the views.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from aiguillage.catalog.models import Need
from aiguillage.catalog.search import SearchResult
from aiguillage.core.ratelimit import over_limit
from aiguillage.directory.models import Commune
from aiguillage.orientation.engine import orient
from aiguillage.orientation.interactions import record_public_unmet
from aiguillage.orientation.slip import SlipError, SlipNotFound, build_slip
from aiguillage.orientation.slip_query import read_target
from aiguillage.public.decorators import private_page, public_view
from aiguillage.public.orientation_cards import PUBLIC_KINDS, cards_of
from aiguillage.public.orientation_forms import (
    ResultsForm,
    SearchForm,
    SituationFields,
    commune_label,
)
from aiguillage.public.selectors import public_sites_of

TEMPLATE = "public/orientation/page.html"
# The parameters of the results' address: slugs, codes and fixed values only.
QUERY_PARAMS = ("besoin", "commune", "aisance", "manque", "accueil", "francais", "premiere_fois")
# The (need, commune) pairs whose unmet search this session has already recorded.
UNMET_SESSION_KEY = "public_orientation_unmet"
MAX_UNMET_REMEMBERED = 50
UNMET_RATE_SCOPE = "orientation-unmet"


# --- The visitor's situation, in plain words ------------------------------------------


# --- The search form (POST: the words typed never go into a URL) ----------------------


# --- The results' address (GET: slugs and codes only) ----------------------------------


def results_url(network, params: list[tuple[str, str]]) -> str:
    return f"{reverse('public:orientation', args=[network.slug])}?{urlencode(params)}"


# --- What a recommendation shows to the visitor -----------------------------------------


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
