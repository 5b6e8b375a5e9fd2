"""One structure: what the desk needs to send someone there, and its correction."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action, request_can
from aiguillage.core.opening import describe_opening_hours
from aiguillage.core.week_hours import week_hours
from aiguillage.directory.forms import StructureForm
from aiguillage.directory.models import Partnership, Structure
from aiguillage.directory.selectors import get_structure
from aiguillage.directory.services import update_structure
from aiguillage.directory.vocabularies import RECEPTION_MODE_LABELS


def _structure_or_404(pk: int) -> Structure:
    try:
        return get_structure(pk)
    except Structure.DoesNotExist:
        raise Http404("No such structure.") from None


@network_view(action=Action.DIRECTORY_VIEW)
def structure_detail(request, network, structure_id: int) -> HttpResponse:
    structure = _structure_or_404(structure_id)
    now = timezone.localtime()
    partnership = Partnership.objects.of_network(network).filter(structure=structure).first()
    needs_by_theme: dict[str, list] = {}
    for need in sorted(structure.covered_needs.all(), key=lambda n: (n.theme.position, n.name)):
        needs_by_theme.setdefault(need.theme.name, []).append(need)
    context = {
        "network": network,
        "structure": structure,
        "opening": describe_opening_hours(structure.opening_hours, now),
        "week": week_hours(structure.opening_hours, now.date()),
        "modes": [RECEPTION_MODE_LABELS.get(m, m) for m in structure.reception_modes],
        "needs_by_theme": needs_by_theme,
        "partnership": partnership,
        "may_edit": request_can(request, Action.DIRECTORY_EDIT),
        "may_partner": request_can(request, Action.PARTNERS_EDIT),
    }
    return render(request, "directory/structure_detail.html", context)


@network_view(action=Action.DIRECTORY_EDIT)
def structure_edit(request, network, structure_id: int) -> HttpResponse:
    structure = _structure_or_404(structure_id)
    form = StructureForm(request.POST or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        update_structure(structure=structure, data=form.cleaned_data, actor=request.user)
        messages.success(request, _("La fiche a été enregistrée."))
        return redirect("directory:structure_detail", network.slug, structure.pk)
    return render(
        request,
        "directory/structure_edit.html",
        {"network": network, "structure": structure, "form": form},
    )
