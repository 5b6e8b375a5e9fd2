"""JSON API v1. Public, read-only endpoints for now; the OpenAPI document is generated.

The interactive documentation page is off: it loads scripts from a CDN, and
Aiguillage serves nothing from outside.
"""

from __future__ import annotations

from ninja import NinjaAPI

from aiguillage.api.schemas import NeedOut, NeedSearchOut, SiteListOut, SiteOut
from aiguillage.catalog.selectors import MAX_RESULTS, search_needs
from aiguillage.core.selectors import public_sites

api = NinjaAPI(
    title="Aiguillage API",
    version="1",
    description="Needs catalog search and public sites of the library networks.",
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
)


@api.get("/needs", response=NeedSearchOut, summary="Search the needs catalog", tags=["catalog"])
def needs(request, q: str = "", limit: int = 10):
    """Accent-, case- and typo-tolerant search over needs, best first."""
    results = search_needs(q[:100], limit=min(max(limit, 1), MAX_RESULTS)) if q.strip() else []
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
