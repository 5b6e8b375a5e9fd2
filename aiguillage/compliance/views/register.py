"""The record of processing activities (RGPD article 30), as a page and as a PDF.

Coordinators only (``privacy.register``). Both render the same ``Register`` built
from the configuration at the moment of the request (``aiguillage.compliance.register``);
the PDF is the standalone document through WeasyPrint, which loads only when a PDF is
asked for, reading nothing but the project's own static files.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.compliance.register import build_register
from aiguillage.core.models import Network

DOCUMENT = "compliance/register_document.html"


@network_view(action=Action.PRIVACY_REGISTER)
@require_GET
def register_page(request, network: Network) -> HttpResponse:
    context = {"network": network, "register": build_register(network)}
    return render(request, "compliance/register.html", context)


@network_view(action=Action.PRIVACY_REGISTER)
@require_GET
def register_pdf(request, network: Network) -> HttpResponse:
    from aiguillage.orientation.slip_pdf import render_pdf  # WeasyPrint, on demand only

    html = render_to_string(
        DOCUMENT, {"network": network, "register": build_register(network)}, request=request
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'inline; filename="registre-{network.slug}-{day}.pdf"'
    return response
