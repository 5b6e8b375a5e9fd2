"""The orientation slip for the desk: a printable page (A5 or A4) and its PDF.

The query says what to print, with ids only: ``need`` (a catalog slug), ``kind`` (a
target kind of the engine), ``id`` (the structure, slot or workshop), ``site`` (the
site at the desk, for the distance and "handed over by"), ``format`` (a5 or a4) and
``booked=1`` right after a booking. Nothing about the visitor is ever in the URL or
on the slip. A malformed query is a 400; an unknown need or site, or a slot or
workshop of another network, is a 404 that names nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site
from aiguillage.orientation.slip import SLIP_KINDS, Slip, SlipError, SlipNotFound, build_slip
from aiguillage.orientation.slip_query import read_target

TEMPLATE = "orientation/slip/slip.html"
PDF_FILENAME = "fiche-orientation.pdf"


@dataclass(frozen=True)
class SlipQuery:
    need: Need | None
    kind: str
    target_id: int | None
    site: Site | None
    paper: str
    booked: bool

    def params(self, **changes) -> str:
        """The same query (ids only), with ``changes``."""
        values = {
            "need": self.need.slug if self.need else "",
            "kind": self.kind,
            "id": "" if self.target_id is None else self.target_id,
            "site": self.site.slug if self.site else "",
            "format": self.paper,
        }
        if self.booked:
            values["booked"] = "1"
        values |= changes
        return urlencode({k: v for k, v in values.items() if v != ""})


def read_query(query: QueryDict, network: Network) -> SlipQuery:
    target = read_target(query, kinds=SLIP_KINDS)
    site = None
    if slug := query.get("site", "").strip():
        site = network.sites.filter(slug=slug, is_active=True).first()
        if site is None:
            raise Http404("No such site in this network.")
    return SlipQuery(
        need=target.need,
        kind=target.kind,
        target_id=target.target_id,
        site=site,
        paper=target.paper,
        booked=query.get("booked") == "1",
    )


def _slip(query: SlipQuery, network: Network) -> Slip:
    try:
        return build_slip(
            network=network,
            need=query.need,
            target_kind=query.kind,
            target_id=query.target_id,
            origin_site=query.site,
            at=timezone.now(),
            booked=query.booked,
        )
    except SlipNotFound:
        raise Http404("No such target in this network.") from None
    except SlipError:
        raise BadRequest("This slip cannot be made.") from None


def _private(response: HttpResponse) -> HttpResponse:
    """A slip says where someone is going: no shared cache keeps it."""
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


@network_view(action=Action.ORIENTATION_SLIP)
def slip(request, network: Network) -> HttpResponse:
    query = read_query(request.GET, network)
    page = reverse("orientation:slip", args=[network.slug])
    toolbar = {
        "home_url": reverse("workspace:network_home", args=[network.slug]),
        "a5_url": f"{page}?{query.params(format='a5')}",
        "a4_url": f"{page}?{query.params(format='a4')}",
        "pdf_url": f"{reverse('orientation:slip_pdf', args=[network.slug])}?{query.params()}",
    }
    context = {
        "slip": _slip(query, network),
        "paper": query.paper,
        "toolbar": toolbar,
        "density": "",
    }
    return _private(render(request, TEMPLATE, context))


@network_view(action=Action.ORIENTATION_SLIP)
def slip_pdf(request, network: Network) -> HttpResponse:
    # WeasyPrint (and its pango) loads only when a PDF is asked for, not with the URLs.
    from aiguillage.orientation.slip_pdf import render_one_sheet

    query = read_query(request.GET, network)
    context = {"slip": _slip(query, network), "paper": query.paper, "toolbar": None}
    pdf = render_one_sheet(
        lambda density: render_to_string(TEMPLATE, {**context, "density": density}, request=request)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{PDF_FILENAME}"'
    return _private(response)
