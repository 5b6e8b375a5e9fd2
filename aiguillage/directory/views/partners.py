"""Partners of the network: the list, one partnership, its edit, and the partner finder.

Every member reads partnerships (the desk needs the contacts); coordinators change
them. Every read goes through the network-scoped selectors: another network's
partnership is a 404, like a page that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aiguillage.core.decorators import network_view
from aiguillage.core.permissions import Action, request_can
from aiguillage.directory.forms import PartnerContactForm, PartnershipForm, PriorityNeedsForm
from aiguillage.directory.models import PartnerContact, Partnership, PartnershipStatus, Structure
from aiguillage.directory.partner_finder import find_partner_candidates
from aiguillage.directory.partnership_selectors import (
    get_partnership,
    history_of,
    partnerships_of_network,
    priority_needs_of,
)
from aiguillage.directory.services import (
    add_partner_contact,
    make_prospect,
    remove_partner_contact,
    set_priority_needs,
    update_partnership,
)
from aiguillage.orientation.selectors import DEMAND_WINDOW_DAYS, demand_window, need_demand

FINDER_RADIUS_KM = 30


def _partnership_or_404(network, partnership_id: int) -> Partnership:
    try:
        return get_partnership(network=network, pk=partnership_id)
    except Partnership.DoesNotExist:
        raise Http404("No such partnership.") from None


def _may_edit(request) -> bool:
    return request_can(request, Action.PARTNERS_EDIT)


@network_view(action=Action.PARTNERS_VIEW)
def partner_list(request, network) -> HttpResponse:
    status = request.GET.get("statut", "")
    if status not in PartnershipStatus.values:
        status = ""
    context = {
        "network": network,
        "partnerships": partnerships_of_network(network=network, status=status or None),
        "statuses": PartnershipStatus.choices,
        "status": status,
        "may_edit": _may_edit(request),
    }
    return render(request, "directory/partners.html", context)


def _render_detail(request, network, partnership, contact_form, *, status: int = 200):
    context = {
        "network": network,
        "partnership": partnership,
        "history": history_of(partnership=partnership),
        "contact_form": contact_form,
        "may_edit": _may_edit(request),
    }
    return render(request, "directory/partner_detail.html", context, status=status)


@network_view(action=Action.PARTNERS_VIEW)
def partner_detail(request, network, partnership_id: int) -> HttpResponse:
    partnership = _partnership_or_404(network, partnership_id)
    return _render_detail(request, network, partnership, PartnerContactForm())


@network_view(action=Action.PARTNERS_EDIT)
def partner_edit(request, network, partnership_id: int) -> HttpResponse:
    partnership = _partnership_or_404(network, partnership_id)
    form = PartnershipForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            update_partnership(partnership=partnership, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le partenariat a été enregistré."))
            return redirect("directory:partner_detail", network.slug, partnership.pk)
    return render(
        request,
        "directory/partner_edit.html",
        {"network": network, "partnership": partnership, "form": form},
    )


@require_POST
@network_view(action=Action.PARTNERS_EDIT)
def partner_contact_add(request, network, partnership_id: int) -> HttpResponse:
    partnership = _partnership_or_404(network, partnership_id)
    form = PartnerContactForm(request.POST)
    if form.is_valid():
        try:
            add_partner_contact(partnership=partnership, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le contact a été ajouté."))
            return redirect("directory:partner_detail", network.slug, partnership.pk)
    return _render_detail(request, network, partnership, form, status=400)


@require_POST
@network_view(action=Action.PARTNERS_EDIT)
def partner_contact_remove(request, network, partnership_id: int, contact_id: int) -> HttpResponse:
    partnership = _partnership_or_404(network, partnership_id)
    contact = PartnerContact.objects.filter(partnership=partnership, pk=contact_id).first()
    if contact is None:
        raise Http404("No such contact.")
    remove_partner_contact(contact=contact, actor=request.user)
    messages.success(request, _("Le contact a été retiré."))
    return redirect("directory:partner_detail", network.slug, partnership.pk)


@network_view(action=Action.PARTNERS_VIEW)
def partner_finder(request, network) -> HttpResponse:
    priorities = priority_needs_of(network=network)
    form = PriorityNeedsForm(initial={"needs": priorities})
    if request.method == "POST":
        if not _may_edit(request):
            raise PermissionDenied("Only coordinators set priorities.")
        form = PriorityNeedsForm(request.POST)
        if form.is_valid():
            set_priority_needs(
                network=network, needs=form.cleaned_data["needs"], actor=request.user
            )
            messages.success(request, _("Les besoins prioritaires ont été enregistrés."))
            return redirect("directory:partner_finder", network.slug)
    first_day, last_day = demand_window(timezone.localdate())
    context = {
        "network": network,
        "form": form,
        "priorities": priorities,
        "demand": need_demand(network=network, first_day=first_day, last_day=last_day),
        "demand_days": DEMAND_WINDOW_DAYS,
        "candidates": find_partner_candidates(network=network, radius_km=FINDER_RADIUS_KM),
        "radius_km": FINDER_RADIUS_KM,
        "may_edit": _may_edit(request),
    }
    return render(request, "directory/partner_finder.html", context)


@require_POST
@network_view(action=Action.PARTNERS_EDIT)
def partner_prospect(request, network) -> HttpResponse:
    raw = request.POST.get("structure", "")
    structure = Structure.objects.filter(pk=int(raw)).first() if raw.isdecimal() else None
    if structure is None:
        messages.error(request, _("Cette structure n'existe pas ou plus."))
        return redirect("directory:partner_finder", network.slug)
    try:
        partnership = make_prospect(network=network, structure=structure, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("directory:partner_finder", network.slug)
    messages.success(
        request, _("%(name)s est maintenant un partenaire à contacter.") % {"name": structure.name}
    )
    return redirect("directory:partner_detail", network.slug, partnership.pk)
