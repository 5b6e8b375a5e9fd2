"""Staff answer a person's request about their data: access (a JSON file), or erasure.

Coordinators only (``privacy.rights``: another network is 404, another role 403). The
person's e-mail or phone is posted, never put in a URL, and the answers are never
cached. Access downloads the export at once; erasure first lists what will be erased
(which bookings, which are still to come and will be cancelled), then a second POST
carrying the same contact erases it. Each step is journaled with counts, never with
the contact (``aiguillage.compliance.rights``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action, request_role
from aiguillage.compliance import rights
from aiguillage.compliance.exports import export_response, private_response
from aiguillage.compliance.rights import Erased, NothingHeld, Requester
from aiguillage.compliance.rights_forms import (
    ACCESS,
    ConfirmErasureForm,
    RightsRequestForm,
)
from aiguillage.core.models import Network

TEMPLATE = "compliance/rights.html"


def _page(request, network: Network, form, *, nothing: bool = False, status: int = 200):
    context = {"network": network, "form": form, "nothing": nothing}
    return private_response(render(request, TEMPLATE, context, status=status))


@network_view(action=Action.PRIVACY_RIGHTS)
@require_http_methods(["GET", "POST"])
def rights_request(request, network: Network) -> HttpResponse:
    if request.method != "POST":
        return _page(request, network, RightsRequestForm())
    form = RightsRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, network, form, status=400)
    key = form.cleaned_data["contact_key"]
    common = {
        "network": network,
        "contact_key": key,
        "actor": request.user,
        "role": request_role(request),
    }
    if form.cleaned_data["kind"] == ACCESS:
        found = rights.access(**common, origin=Requester.STAFF_PAGE, kind="export")
        if found.empty:
            return _page(request, network, form, nothing=True)
        return export_response(rights.as_json(found), network=network)
    found = rights.preview_erasure(**common)
    if found.empty:
        return _page(request, network, form, nothing=True)
    confirm = ConfirmErasureForm(
        initial={"email": form.cleaned_data["email"], "phone": form.cleaned_data["phone"]}
    )
    context = {
        "network": network,
        "found": found,
        "to_cancel": rights.to_cancel(found, now=timezone.now()),
        "confirm": confirm,
    }
    return private_response(render(request, "compliance/rights_erase.html", context))


def erased_message(erased: Erased) -> str:
    parts = []
    if erased.appointments:
        parts.append(
            ngettext("%(n)d rendez-vous", "%(n)d rendez-vous", erased.appointments)
            % {"n": erased.appointments}
        )
    if erased.registrations:
        parts.append(
            ngettext(
                "%(n)d inscription à un atelier",
                "%(n)d inscriptions à des ateliers",
                erased.registrations,
            )
            % {"n": erased.registrations}
        )
    what = (
        parts[0]
        if len(parts) == 1
        else _("%(first)s et %(second)s")
        % {
            "first": parts[0],
            "second": parts[1],
        }
    )
    said = _("Données effacées : %(what)s.") % {"what": what}
    cancelled = erased.appointments_cancelled + erased.registrations_cancelled
    if cancelled:
        said += " " + ngettext(
            "%(n)d réservation à venir a été annulée : la place est libérée.",
            "%(n)d réservations à venir ont été annulées : les places sont libérées.",
            cancelled,
        ) % {"n": cancelled}
    return said


@network_view(action=Action.PRIVACY_RIGHTS)
@require_POST
def rights_erase(request, network: Network) -> HttpResponse:
    form = ConfirmErasureForm(request.POST)
    if not form.is_valid():
        return _page(request, network, RightsRequestForm(), status=400)
    try:
        erased = rights.erase(
            network=network,
            contact_key=form.cleaned_data["contact_key"],
            origin=Requester.STAFF_PAGE,
            actor=request.user,
            role=request_role(request),
        )
    except NothingHeld:
        messages.info(request, _("Il n'y avait plus rien à effacer pour ce contact."))
    else:
        messages.success(request, erased_message(erased))
    return redirect(reverse("compliance:rights", args=[network.slug]))
