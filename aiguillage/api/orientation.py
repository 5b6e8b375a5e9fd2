"""``GET /api/v1/orientation``: the orientation engine for anyone, without an account.

The API is public, so it answers what the public page answers (``public=True``): orient
to a competent place or the online service, a partner permanence bookable online, a
workshop open to online registration; public sites only. An anonymous caller never
sees what only the desk sees (slots kept for the desk, staff appointments, workshops
registered at the desk only, non-public sites), and no one can speak as a staff member
(``staff`` is refused). ``manage.py orient --public --json`` prints the same answer.

Answers follow the agenda router's conventions: 400 ``{"errors": {field: [...]}}`` in
the request's language (French by default), every field at once; 404 ``{"detail"}``
for an unknown network, site, commune or need. Reading is not rate limited, like every
public read.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from aiguillage.api.agenda_schemas import DetailOut, FieldErrorsOut
from aiguillage.api.inputs import BadInput, answers, network_by_slug, public_site, read_moment
from aiguillage.api.orientation_schemas import OrientationOut
from aiguillage.catalog.models import Need
from aiguillage.catalog.selectors import MAX_QUERY_LENGTH
from aiguillage.core.models import Network
from aiguillage.directory.models import Commune
from aiguillage.orientation.engine import orient
from aiguillage.orientation.serialize import orientation_to_dict
from aiguillage.orientation.situation import Situation, SituationError

router = Router(tags=["orientation"])

TRUE = {"true", "1", "yes", "on"}
FALSE = {"", "false", "0", "no", "off"}


def _flag(value: str, *, field: str, errors: dict[str, list[str]]) -> bool:
    text = value.strip().lower()
    if text in TRUE:
        return True
    if text not in FALSE:
        errors[field] = [_("true ou false est attendu.")]
    return False


def _deadline(value: str, errors: dict[str, list[str]]) -> datetime.date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        errors["deadline"] = [_("Une date AAAA-MM-JJ est attendue, par exemple 2026-12-01.")]
        return None


def _situation(
    *,
    autonomy: str,
    lacks: str,
    support: str,
    french_not_mastered: bool,
    first_time: bool,
    deadline: datetime.date | None,
    errors: dict[str, list[str]],
) -> Situation | None:
    """The situation, each bad value reported under its own parameter."""
    for field, value in (("autonomy", autonomy), ("lacks", lacks), ("support", support)):
        try:
            Situation.parse(**{field: value})
        except SituationError as exc:
            errors[field] = [str(exc)]
    if errors:
        return None
    return Situation.parse(
        autonomy=autonomy,
        lacks=lacks,
        support=support,
        french_not_mastered=french_not_mastered,
        deadline=deadline,
        first_time=first_time,
    )


def _commune(code: str) -> Commune:
    commune = Commune.objects.located().filter(insee_code=code.strip().upper()).first()
    if commune is None:
        raise HttpError(
            404, _("Aucune commune localisée n'a le code INSEE « %(code)s ».") % {"code": code}
        )
    return commune


def _only_network() -> Network:
    networks = list(Network.objects.active()[:2])
    if len(networks) != 1:
        raise BadInput(
            {"network": [_("Précisez le réseau (paramètre network) dont l'offre est cherchée.")]}
        )
    return networks[0]


@router.get(
    "/orientation",
    response={200: OrientationOut, 400: FieldErrorsOut, 404: DetailOut},
    summary="Where to go for a need: ranked, explained recommendations",
    exclude_unset=True,
)
@answers
def orientation(
    request,
    need: str = Query("", description="Slug of the need (see GET /needs); or give `query`."),
    query: str = Query("", description="The need in words; the best match is used."),
    site: str = Query("", description="Slug of a public site; or give `commune`."),
    commune: str = Query("", description="INSEE code of the person's commune."),
    network: str = Query(
        "",
        description="Slug of the network whose offer is searched: needed with `commune` "
        "when there are several networks, and with `site` when several networks have a "
        "site of that slug.",
    ),
    autonomy: str = Query(
        "", description="entierement_accompagne, partiellement_autonome or autonome."
    ),
    lacks: str = Query(
        "", description="Comma-separated: email, device, franceconnect, scanner, documents."
    ),
    support: str = Query(
        "",
        description="Comma-separated: surdite, deficience_visuelle, handicap_moteur, illettrisme.",
    ),
    french_not_mastered: str = Query("", description="true or false (default false)."),
    first_time: str = Query(
        "", description="true when the person does this démarche for the first time."
    ),
    deadline: str = Query("", description="Last day for the démarche, YYYY-MM-DD."),
    at: str = Query("", description="ISO 8601 date or date-time of the question (default: now)."),
):
    """The same engine as the desk and the public page, answering as the public page:
    competent places and the online service (orient), partner permanences bookable
    online, workshops open to online registration. Every recommendation says why
    (`reasons`), what to watch (`warnings`), what can be done (`actions`) and how it
    ranked (`score`); modes left out are in `excluded`. `unmet` is true when nothing
    fits, with `unmet_reasons`. A `query` that matches no need answers 200 with
    `need` null and `unmet` true."""
    errors: dict[str, list[str]] = {}
    if "staff" in request.GET:
        errors["staff"] = [
            _("L'API publique ne répond pas au nom d'un membre de l'équipe (paramètre staff).")
        ]
    query = query.strip()
    if need and query:
        errors["query"] = [_("Donnez la démarche (need) ou une recherche (query), pas les deux.")]
    elif not need and not query:
        errors["need"] = [_("Précisez la démarche (need) ou une recherche (query).")]
    elif len(query) > MAX_QUERY_LENGTH:
        errors["query"] = [_("%(max)s caractères au plus.") % {"max": MAX_QUERY_LENGTH}]
    if site and commune:
        errors["commune"] = [_("Donnez le site (site) ou la commune (commune), pas les deux.")]
    elif not site and not commune:
        errors["site"] = [_("Précisez le site (site) ou la commune (commune).")]
    moment = read_moment(at, field="at", end=False, errors=errors)
    flags = {
        name: _flag(value, field=name, errors=errors)
        for name, value in (
            ("french_not_mastered", french_not_mastered),
            ("first_time", first_time),
        )
    }
    situation = _situation(
        autonomy=autonomy,
        lacks=lacks,
        support=support,
        deadline=_deadline(deadline, errors),
        errors=errors,
        **flags,
    )
    if errors:
        raise BadInput(errors)
    network_obj = network_by_slug(network)
    site_obj = commune_obj = None
    if site:
        site_obj = public_site(site, network_obj)
        network_obj = site_obj.network
    else:
        commune_obj = _commune(commune)
        network_obj = network_obj or _only_network()
    need_obj = None
    if need:
        need_obj = Need.objects.for_search().filter(slug=need).first()
        if need_obj is None:
            raise HttpError(
                404, _("Aucune démarche n'a l'identifiant « %(slug)s ».") % {"slug": need}
            )
    result = orient(
        network=network_obj,
        need=need_obj,
        query=query,
        situation=situation,
        site=site_obj,
        commune=commune_obj,
        at=moment or timezone.now(),
        public=True,
    )
    return orientation_to_dict(result)
