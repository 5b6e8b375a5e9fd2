"""Partners of the network: the list, one partnership, its edit, and the partner finder.

Every member reads partnerships (the desk needs the contacts); coordinators change
them. Every read goes through the network-scoped selectors: another network's
partnership is a 404, like a page that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action, request_can
from aiguillage.directory.forms import PartnerContactForm, PartnershipForm
from aiguillage.directory.models import PartnerContact, Partnership, PartnershipStatus, Structure
from aiguillage.directory.partnership_selectors import (
    get_partnership,
    history_of,
    partnerships_of_network,
)
from aiguillage.directory.services import (
    add_partner_contact,
    make_prospect,
    remove_partner_contact,
    update_partnership,
)


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


@require_POST
@network_view(action=Action.PARTNERS_EDIT)
def partner_prospect(request, network) -> HttpResponse:
    raw = request.POST.get("structure", "")
    structure = Structure.objects.filter(pk=int(raw)).first() if raw.isdecimal() else None
    if structure is None:
        messages.error(request, _("Cette structure n'existe pas ou plus."))
        return redirect("reporting:partner_finder", network.slug)
    try:
        partnership = make_prospect(network=network, structure=structure, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reporting:partner_finder", network.slug)
    messages.success(
        request, _("%(name)s est maintenant un partenaire à contacter.") % {"name": structure.name}
    )
    return redirect("directory:partner_detail", network.slug, partnership.pk)
