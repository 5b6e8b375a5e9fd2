"""The territory's coverage: which needs have no competent service near which communes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.directory.selectors import find_communes
from aiguillage.directory.services import add_served_communes, remove_served_commune


@require_POST
@network_view(action=Action.COVERAGE_EDIT)
def territory_add(request, network) -> HttpResponse:
    query = request.POST.get("commune", "").strip()
    found = find_communes(query, limit=1) if query else []
    if not found:
        messages.error(request, _("Aucune commune ne correspond à « %(q)s ».") % {"q": query})
    else:
        added = add_served_communes(network=network, communes=found, actor=request.user)
        if added:
            messages.success(request, _("%(name)s fait partie du territoire.") % {"name": found[0]})
        else:
            messages.info(
                request, _("%(name)s fait déjà partie du territoire.") % {"name": found[0]}
            )
    return redirect("reporting:coverage", network.slug)


@require_POST
@network_view(action=Action.COVERAGE_EDIT)
def territory_remove(request, network) -> HttpResponse:
    raw = request.POST.get("commune_id", "")
    if raw.isdecimal() and remove_served_commune(
        network=network, commune_id=int(raw), actor=request.user
    ):
        messages.success(request, _("La commune a été retirée du territoire."))
    return redirect("reporting:coverage", network.slug)
