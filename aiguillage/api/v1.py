"""JSON API v1. Public, read-only endpoints for now; the OpenAPI document is generated.

The interactive documentation page is off: it loads scripts from a CDN, and
Aiguillage serves nothing from outside.

Every call counts against the client's API rate limit (aiguillage/api/limits.py): 429
with ``Retry-After``, documented on every operation. An error never shows a trace, SQL
or a setting: an unexpected one is logged and answered ``{"detail": "..."}`` 500.
"""

from __future__ import annotations

import logging

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, Throttled
from ninja.parser import Parser

from aiguillage.api.agenda import router as agenda_router
from aiguillage.api.agenda_schemas import DetailOut
from aiguillage.api.json_body import BodyNotJson, require_json
from aiguillage.api.limits import ClientRateThrottle, too_many_requests_detail
from aiguillage.api.orientation import router as orientation_router
from aiguillage.api.schemas import (
    NeedOut,
    NeedSearchOut,
    ServiceOut,
    SiteListOut,
    SiteOut,
    StructureDetailOut,
    StructureListOut,
    StructureOut,
)
from aiguillage.catalog.models import Need
from aiguillage.catalog.selectors import search_needs
from aiguillage.core.outage import is_outage, outage_detail, unavailable
from aiguillage.core.selectors import public_sites
from aiguillage.directory.models import Commune, Service, Structure
from aiguillage.directory.selectors import MAX_RADIUS_KM, nearest_structures
from aiguillage.directory.vocabularies import DI_THEMATIQUES, LIEUX_SERVICES

logger = logging.getLogger("aiguillage.api")

TOO_MANY_REQUESTS = {
    "description": "Too many requests from this client: wait for the seconds of Retry-After.",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    },
}


# django-ninja's own answer to a parameter of the wrong type (``limit=abc``).
INVALID_PARAMETER = {
    "description": "A parameter of the wrong type: each error with its location.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
                "required": ["detail"],
            }
        }
    },
}


# A NUL character anywhere in the request (aiguillage/core/nul_bytes.py): both keys, so
# that the answer also fits the operations' own 400 (field errors, or a detail).
NUL_REFUSED = {
    "description": "The request holds a NUL character (U+0000).",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "detail": {"type": "string"},
                    "errors": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "required": ["detail", "errors"],
            }
        }
    },
}


NOT_JSON = {
    "description": "The body is not JSON (its Content-Type is not application/json).",
    "content": NUL_REFUSED["content"],
}


class AiguillageAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Every operation may answer 429 (the client's rate limit); 422 when one of its
        parameters is not a string (django-ninja checks the type); 400 when it reads a
        parameter or a body (a NUL character is refused before); 415 when its body is not
        JSON: say so in each."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                _declare(responses, 429, TOO_MANY_REQUESTS)
                parameters = operation.get("parameters", ())
                if any(p.get("schema", {}).get("type") != "string" for p in parameters):
                    _declare(responses, 422, INVALID_PARAMETER)
                if parameters or "requestBody" in operation:
                    _declare(responses, 400, NUL_REFUSED)
                if "requestBody" in operation:
                    _declare(responses, 415, NOT_JSON)
        return schema


def _declare(responses: dict, status: int, response: dict) -> None:
    """Add ``response`` unless the operation declares that status itself (django-ninja
    keys its own by number: a text key beside it would replace it in the JSON)."""
    if status not in responses and str(status) not in responses:
        responses[str(status)] = response


class JsonOnlyParser(Parser):
    """Only a JSON body is read (aiguillage/api/json_body.py)."""

    def parse_body(self, request: HttpRequest):
        require_json(request)
        return super().parse_body(request)


api = AiguillageAPI(
    title="Aiguillage API",
    version="1",
    description=(
        "Needs catalog search, public sites of the library networks, the territorial "
        "directory of structures (nearest competent services), the agenda (free slots, "
        "workshops, booking and cancelling online), and orientation (where to go for a need, "
        "ranked and explained)."
    ),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
    throttle=[ClientRateThrottle()],
    parser=JsonOnlyParser(),
)
api.add_router("", agenda_router)
api.add_router("", orientation_router)


def _route(request: HttpRequest) -> str:
    """The URL pattern, not the path: a path may hold a manage token."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None else "?"


@api.exception_handler(Exception)
def unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Any failure no endpoint answers itself: logged with its trace for the operators,
    answered with one fixed sentence (never the trace, the SQL or a setting, even with
    DEBUG on). The services' transactions were rolled back as it left them."""
    if is_outage(exc):  # the database is unavailable: retry later, not a bug
        logger.error("API database outage: %s %s", request.method, _route(request), exc_info=exc)
        body = {"detail": outage_detail()}
        return unavailable(api.create_response(request, body, status=503))
    logger.error("API error: %s %s", request.method, _route(request), exc_info=exc)
    return api.create_response(
        request, {"detail": _("Erreur interne : réessayez plus tard.")}, status=500
    )


@api.exception_handler(BodyNotJson)
def body_not_json(request: HttpRequest, exc: BodyNotJson) -> HttpResponse:
    message = _("Le corps de la demande doit être du JSON (application/json).")
    body = {"detail": message, "errors": {"__all__": [message]}}
    return api.create_response(request, body, status=415)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Django's 404 message can name a model or a query: never repeated here.
    return api.create_response(request, {"detail": _("Introuvable.")}, status=404)


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = api.create_response(request, {"detail": too_many_requests_detail()}, status=429)
    response["Cache-Control"] = "no-store"
    return response  # django-ninja adds Retry-After


@api.get("/needs", response=NeedSearchOut, summary="Search the needs catalog", tags=["catalog"])
def needs(request, q: str = "", limit: int = 10):
    """Accent-, case- and typo-tolerant search over needs, best first."""
    results = search_needs(q, limit=limit) if q.strip() else []
    return {
        "results": [
            NeedOut(
                slug=r.slug, name=r.name, theme=r.theme, operators=list(r.operators), score=r.score
            )
            for r in results
        ]
    }


@api.get("/sites", response=SiteListOut, summary="Public sites of every network", tags=["sites"])
def sites(request):
    return {
        "results": [
            SiteOut(
                slug=site.slug,
                name=site.name,
                network=site.network.slug,
                commune_insee=site.commune_insee,
                latitude=site.latitude,
                longitude=site.longitude,
            )
            for site in public_sites()
        ]
    }


def _point(near: str, commune: str) -> tuple[float, float]:
    if near:
        try:
            latitude, longitude = (float(part) for part in near.split(","))
        except ValueError:
            raise HttpError(
                400, "near must be 'LATITUDE,LONGITUDE', e.g. near=43.73,3.32"
            ) from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise HttpError(400, "near is outside the Earth's coordinates")
        return latitude, longitude
    if commune:
        found = Commune.objects.located().filter(insee_code=commune.upper()).first()
        if found is None:
            raise HttpError(404, f"no located commune with INSEE code {commune!r}")
        return found.latitude, found.longitude
    raise HttpError(400, "give a point: near=LATITUDE,LONGITUDE or commune=INSEE_CODE")


@api.get(
    "/structures",
    response={200: StructureListOut, 400: DetailOut, 404: DetailOut},
    summary="Nearest structures, optionally covering a need",
    tags=["directory"],
)
def structures(
    request,
    near: str = "",
    commune: str = "",
    radius_km: float = 30.0,
    limit: int = 10,
    need: str = "",
    thematique: str = "",
    service: str = "",
    open_now: bool = False,
):
    """Active places within `radius_km` of the point, nearest first, each place once,
    with the exact great-circle distance and whether they are open now (Europe/Paris).

    Filters: `need` (a catalog slug), `thematique` (a data·inclusion v1 code), `service`
    (a service label of the standard des lieux de médiation numérique)."""
    latitude, longitude = _point(near, commune)
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise HttpError(400, f"radius_km must be between 0 and {MAX_RADIUS_KM:g}")
    need_obj = None
    if need:
        need_obj = Need.objects.active().filter(slug=need).first()
        if need_obj is None:
            raise HttpError(404, f"unknown need {need!r} (see /api/v1/needs)")
    if thematique and thematique not in DI_THEMATIQUES:
        raise HttpError(400, f"unknown data·inclusion thématique {thematique!r}")
    if service and service not in LIEUX_SERVICES:
        raise HttpError(
            400, f"unknown lieux service {service!r}; one of: {', '.join(LIEUX_SERVICES)}"
        )
    found = nearest_structures(
        latitude=latitude,
        longitude=longitude,
        radius_km=radius_km,
        now=timezone.localtime(),
        need=need_obj,
        thematique=thematique,
        lieux_service=service,
        open_now=open_now,
        limit=limit,
    )
    return {
        "results": [
            StructureOut(
                id=r.structure.pk,
                source=r.structure.source,
                source_id=r.structure.source_id,
                name=r.structure.name,
                typology=r.structure.typology,
                address=r.structure.address,
                postcode=r.structure.postcode,
                commune=r.structure.commune_name,
                commune_insee=r.structure.commune_insee,
                latitude=r.structure.latitude,
                longitude=r.structure.longitude,
                distance_km=r.distance_km,
                open_now=r.open_now,
                next_opening=r.next_opening,
                place_id=r.structure.place_id,
                reception_modes=r.structure.reception_modes,
                specific_support=r.structure.specific_support,
                thematiques=r.structure.thematiques,
                lieux_services=r.structure.lieux_services,
                general_help=r.structure.general_help,
            )
            for r in found
        ]
    }


@api.get(
    "/structures/{structure_id}",
    response={200: StructureDetailOut, 404: DetailOut},
    summary="One structure of the directory",
    tags=["directory"],
)
def structure(request, structure_id: int):
    found = (
        Structure.objects.filter(pk=structure_id)
        .prefetch_related(
            "covered_needs",
            Prefetch(
                "services",
                queryset=Service.objects.filter(is_active=True).prefetch_related("covered_needs"),
            ),
        )
        .first()
    )
    if found is None:
        raise HttpError(404, "no such structure")
    same = {
        name: getattr(found, name)
        for name in (
            "rna", "address_complement", "is_mobile", "other_emails", "other_websites",
            "summary", "programmes", "labels", "lieux_services", "thematiques", "publics",
            "specific_support", "fees", "access_modalities", "accompaniment_modalities",
            "reception_modes", "booking_url", "accessibility_url", "general_help",
            "source_url", "imported_at", "place_id",
        )
    }  # fmt: skip
    services = [
        ServiceOut(
            id=s.pk,
            source_id=s.source_id,
            name=s.name,
            description=s.description,
            kind=s.kind,
            thematiques=s.thematiques,
            publics=s.publics,
            fees=s.fees,
            reception_modes=s.reception_modes,
            mobilisation_modes=s.mobilisation_modes,
            booking_url=s.booking_url,
            needs=sorted(n.slug for n in s.covered_needs.all()),
        )
        for s in found.services.all()
    ]
    return StructureDetailOut(
        id=found.pk,
        source=found.source,
        source_id=found.source_id,
        name=found.name,
        typology=found.typology,
        siret=found.siret,
        reseaux_porteurs=found.reseaux_porteurs,
        address=found.address,
        postcode=found.postcode,
        commune=found.commune_name,
        commune_insee=found.commune_insee,
        latitude=found.latitude,
        longitude=found.longitude,
        phone=found.phone,
        email=found.email,
        website=found.website,
        opening_hours=found.opening_hours,
        opening_hours_valid=found.opening_hours_valid,
        description=found.description,
        needs=sorted(n.slug for n in found.covered_needs.all()),
        source_updated_at=found.source_updated_at,
        is_active=found.is_active,
        services=services,
        **same,
    )
