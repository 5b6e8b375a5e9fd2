"""The desk: the staff home screen. Type the need, tick the situation, act in one click.

The common case is five interactions: type the need, tick a toggle, press Enter, then
one action (book, register, print the slip, orient, accompany), and the contact form
when booking. Every action posts the conversation as hidden fields (``forms.desk``),
so the interaction record is written from what was on screen and holds no identity.
The need typed as free text is never carried along or stored: only the resolved
catalog need is.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.agenda import staff_selectors
from aiguillage.agenda.forms import DeskBookingForm
from aiguillage.agenda.models import PermanenceKind
from aiguillage.agenda.services.desk import book_at_desk, register_at_desk
from aiguillage.agenda.visitor_form import VisitorForm, done_or_refused
from aiguillage.catalog.models import Need
from aiguillage.catalog.selectors import themes_with_needs
from aiguillage.catalog.texts import catalog_texts
from aiguillage.core.models import Network, Site
from aiguillage.core.selectors import remember_working_site, working_site_slug
from aiguillage.core.shortcuts import or_404
from aiguillage.directory.models import Structure
from aiguillage.orientation.engine import Orientation, TargetKind, orient
from aiguillage.orientation.forms.desk import (
    CONVERSATION_PREFIX,
    DeskForm,
    conversation_form,
    desk_sites,
)
from aiguillage.orientation.interactions import record_interaction
from aiguillage.orientation.models import Mode, Outcome


def _remembered_site(request, network: Network, sites: dict[str, Site]) -> Site | None:
    """The site the member chose last, else the site of their next permanence."""
    site = sites.get(working_site_slug(request, network))
    if site is None and request.membership is not None:
        site = staff_selectors.next_site_of(request.membership, timezone.now())
    return site


def _conversation(form: DeskForm, result: Orientation | None, opened: int) -> list[tuple]:
    """The hidden fields every action posts: the need as resolved, never as typed."""
    data = form.cleaned_data
    prefix = CONVERSATION_PREFIX
    fields = [(f"{prefix}-site", data["site"]), (f"{prefix}-opened", opened)]
    if result is not None and result.need is not None:
        fields.append((f"{prefix}-need", result.need.slug))
    if data.get("autonomy"):
        fields.append((f"{prefix}-autonomy", data["autonomy"]))
    fields += [(f"{prefix}-lacks", lack) for lack in data.get("lacks") or ()]
    fields += [(f"{prefix}-support", support) for support in data.get("support") or ()]
    for flag in ("french_not_mastered", "first_time"):
        if data.get(flag):
            fields.append((f"{prefix}-{flag}", "on"))
    if data.get("deadline"):
        fields.append((f"{prefix}-deadline", data["deadline"].isoformat()))
    if result is not None:
        fields += [(f"{prefix}-modes", mode) for mode in result.modes_proposed]
    return fields


def _desk_context(request, network: Network, form: DeskForm, **extra) -> dict:
    now = int(timezone.now().timestamp())
    result = None
    opened = now
    if form.is_bound and form.is_valid():
        site = form.chosen_site
        remember_working_site(request, network, site)
        need = form.chosen_need
        query = form.cleaned_data["q"]
        opened = form.cleaned_data["opened"] or now
        if need is not None or query.strip():
            result = orient(
                network=network,
                need=need,
                query=query,
                situation=form.situation,
                site=site,
                membership=request.membership,
            )
    conversation = _conversation(form, result, opened) if form.is_bound and form.is_valid() else []
    structures = []
    if result is not None:
        structures = [
            r.target for r in result.recommendations if r.target.kind == TargetKind.STRUCTURE
        ]
    cards = []
    if result is not None and result.need is not None:
        site_slug = form.cleaned_data["site"]
        for recommendation in result.recommendations:
            target = recommendation.target
            query = {"need": result.need.slug, "kind": target.kind, "site": site_slug}
            if target.id is not None:
                query["id"] = target.id
            cards.append({"recommendation": recommendation, "slip_query": urlencode(query)})
    return {
        "network": network,
        "form": form,
        "result": result,
        "cards": cards,
        "conversation": conversation,
        "opened": opened,
        "structures": structures,
        "outcomes": _outcomes(result),
        "themes": themes_with_needs() if result is not None and result.need is None else (),
        "nav_section": "desk",
        # The close form's state after a refused close (none at first).
        "close_errors": (),
        "mandate_errors": (),
        "close_outcome": "",
        "mandate_reference": "",
        "mandate_from": "",
        **extra,
    }


# What the desk itself does: offered to close with only when proposed to this member.
OTHER_SLOT = "creneau"  # the time chosen on the booking page, among the permanence's free ones
LIBRARY_OUTCOMES = {Outcome.ACCOMPANIED: Mode.ACCOMPANY, Outcome.DONE_FOR: Mode.ACT_FOR}
# The mandate reference's own errors go next to its field, not in the banner.
MANDATE_ERRORS = {"mandate_required", "mandate_format", "mandate_not_needed"}


def _outcomes(result: Orientation | None) -> list[tuple[str, str]]:
    """The outcomes this member may choose: "accompanied" and "done for" only when the
    desk proposed them to this member (the charter, the role, the habilitation)."""
    offered = set(result.modes_proposed) if result is not None else set()
    return [
        (value, label)
        for value, label in Outcome.choices
        if value not in LIBRARY_OUTCOMES or LIBRARY_OUTCOMES[value] in offered
    ]


def _render_desk(request, network: Network, form: DeskForm, **extra) -> HttpResponse:
    context = _desk_context(request, network, form, **extra)
    template = "orientation/desk/desk.html"
    if request.htmx and not extra:
        template = "orientation/desk/_results.html"
    return render(request, template, context)


@network_view(action=Action.ORIENTATION_DESK)
def desk(request, network) -> HttpResponse:
    """GET with ``need`` (a catalog slug) works as a link; what is typed is POSTed, so
    that words that could name someone never land in a URL or a server log."""
    sites = desk_sites(network)  # read once for the whole request
    if not sites:
        return render(request, "orientation/desk/no_site.html", {"network": network})
    remembered = _remembered_site(request, network, sites)
    data = request.POST if request.method == "POST" else (request.GET or None)
    if data is not None and "site" not in data:
        data = data.copy()
        data["site"] = remembered.slug if remembered else next(iter(sites))
    form = DeskForm(data, network=network, initial_site=remembered, sites=sites)
    return _render_desk(request, network, form)


def _desk_again(request, network: Network, conversation: DeskForm, **extra) -> HttpResponse:
    """The desk again, from the conversation's hidden fields without their prefix."""
    data = QueryDict(mutable=True)
    for key, value in _carried(conversation.data):
        data.appendlist(key.removeprefix(f"{CONVERSATION_PREFIX}-"), value)
    return _render_desk(request, network, DeskForm(data, network=network), **extra)


@require_POST
@network_view(action=Action.ORIENTATION_DESK)
def desk_close(request, network) -> HttpResponse:
    """Close the conversation with its outcome: the anonymous record is written."""
    conversation = conversation_form(request.POST, network=network)
    if not conversation.is_valid() or request.membership is None:
        return HttpResponseBadRequest(_("La conversation n'a pas pu être relue."))
    structure = None
    structure_id = request.POST.get("structure", "")
    if structure_id.isdecimal():
        structure = Structure.objects.filter(pk=int(structure_id), is_active=True).first()
    mandate_reference = request.POST.get("mandate_reference", "")[:40]
    outcome = request.POST.get("outcome", "")
    try:
        _record(
            request,
            network,
            conversation,
            outcome,
            structure=structure,
            mandate_reference=mandate_reference,
        )
    except ValidationError as error:
        mandate = [
            message
            for item in error.error_list
            if item.code in MANDATE_ERRORS or str(item.code).startswith("sensitive")
            for message in item.messages
        ]
        others = [m for m in error.messages if m not in mandate]
        return _desk_again(
            request,
            network,
            conversation,
            close_errors=others,
            mandate_errors=mandate,
            close_outcome=outcome,
            # What was typed comes back to the field it was typed in, and nowhere else.
            mandate_reference=mandate_reference,
            mandate_from="card" if request.POST.get("from") == "card" else "close",
        )
    messages.success(
        request,
        _("Conversation enregistrée (%(outcome)s), sans aucune donnée sur la personne.")
        % {"outcome": Outcome(outcome).label},
    )
    return redirect("orientation:desk", network.slug)


def _done_url(network: Network, *, kind: str, target_id: int, conversation: DeskForm) -> str:
    need = conversation.cleaned_data.get("need") or ""
    query = urlencode(
        {"kind": kind, "id": target_id, "need": need, "site": conversation.cleaned_data["site"]}
    )
    return f"{reverse('orientation:desk_done', args=[network.slug])}?{query}"


def _record(request, network, conversation: DeskForm, outcome: str, **closing) -> None:
    """The conversation's record, as the desk carried it (``closing``: the structure
    and mandate reference a close may add)."""
    record_interaction(
        network=network,
        site=conversation.chosen_site,
        membership=request.membership,
        need=conversation.chosen_need,
        situation=conversation.situation,
        modes_proposed=conversation.cleaned_data.get("modes") or (),
        outcome=outcome,
        opened_at=conversation.opened_at,
        **closing,
    )


@require_POST
@network_view(action=Action.ORIENTATION_DESK)
def desk_book(request, network, slot_id: int) -> HttpResponse:
    """Book the slot from the desk (the agenda's contact form), then record the
    conversation: one submit does both."""
    proposed = or_404(staff_selectors.get_slot, network=network, pk=slot_id)
    conversation = conversation_form(request.POST, network=network)
    if not conversation.is_valid() or request.membership is None:
        return HttpResponseBadRequest(_("La conversation n'a pas pu être relue."))
    # Another free time of the same permanence may be chosen instead of the proposed one.
    others = staff_selectors.other_free_slots(proposed, now=timezone.now())
    chosen = request.POST.get(OTHER_SLOT, "")
    slot = next((s for s in others if str(s.pk) == chosen), proposed)
    needs = list(slot.permanence.needs.order_by("name"))
    need = conversation.chosen_need
    submitted = "first_name" in request.POST
    initial = {"need": need.pk} if need is not None and need in needs else None
    form = DeskBookingForm(request.POST if submitted else None, needs=needs, initial=initial)
    valid = submitted and form.is_valid()
    partner = slot.permanence.kind == PermanenceKind.PARTNER
    outcome = Outcome.BOOKED_PARTNER if partner else Outcome.BOOKED_MEDIATOR
    # The booking and the conversation's record are one transaction: both, or neither.
    booked = valid and done_or_refused(
        form,
        lambda: book_at_desk(
            slot=slot,
            visitor=form.visitor,
            need=form.cleaned_data.get("need"),
            actor=request.user,
            then=lambda _made: _record(request, network, conversation, outcome),
        ),
    )
    if booked:
        messages.success(request, _("Rendez-vous réservé.") + " " + form.confirmation_note())
        kind = TargetKind.PARTNER_SLOT if partner else TargetKind.STAFF_SLOT
        return redirect(_done_url(network, kind=kind, target_id=slot.pk, conversation=conversation))
    context = {
        "network": network,
        "slot": slot,
        "proposed": proposed,
        "others": others,
        "other_slot": OTHER_SLOT,
        "form": form,
        "conversation": _carried(request.POST),
        "nav_section": "desk",
    }
    return render(request, "orientation/desk/book.html", context)


@require_POST
@network_view(action=Action.ORIENTATION_DESK)
def desk_register(request, network, workshop_id: int) -> HttpResponse:
    workshop = or_404(staff_selectors.get_workshop, network=network, pk=workshop_id)
    conversation = conversation_form(request.POST, network=network)
    if not conversation.is_valid() or request.membership is None:
        return HttpResponseBadRequest(_("La conversation n'a pas pu être relue."))
    submitted = "first_name" in request.POST
    form = VisitorForm(request.POST if submitted else None, contact_required=False)
    if submitted and form.is_valid():
        registration = done_or_refused(
            form,
            lambda: register_at_desk(
                workshop=workshop,
                visitor=form.visitor,
                actor=request.user,
                then=lambda _made: _record(
                    request, network, conversation, Outcome.REGISTERED_WORKSHOP
                ),
            ),
        )
        if registration is not None:
            messages.success(
                request,
                (
                    _("Inscription confirmée.")
                    if registration.status == "confirmed"
                    else _("L'atelier est complet : la personne est en liste d'attente.")
                )
                + " "
                + form.confirmation_note(),
            )
            return redirect(
                _done_url(
                    network, kind=TargetKind.WORKSHOP, target_id=workshop.pk,
                    conversation=conversation,
                )
            )  # fmt: skip
    context = {
        "network": network,
        "workshop": workshop,
        "form": form,
        "conversation": _carried(request.POST),
        "nav_section": "desk",
    }
    return render(request, "orientation/desk/register.html", context)


def _carried(data) -> list[tuple[str, str]]:
    return [
        (key, value)
        for key, values in data.lists()
        if key.startswith(f"{CONVERSATION_PREFIX}-")
        for value in values
    ]


@network_view(action=Action.ORIENTATION_DESK)
def desk_done(request, network) -> HttpResponse:
    """After a booking: the slip with the booked time, and the next person."""
    kind = request.GET.get("kind", "")
    target_id = request.GET.get("id", "")
    if kind not in (TargetKind.PARTNER_SLOT, TargetKind.STAFF_SLOT, TargetKind.WORKSHOP) or not (
        target_id.isdecimal()
    ):
        return redirect("orientation:desk", network.slug)
    if kind == TargetKind.WORKSHOP:
        target = or_404(staff_selectors.get_workshop, network=network, pk=int(target_id))
    else:
        target = or_404(staff_selectors.get_slot, network=network, pk=int(target_id))
    query = {
        "kind": kind,
        "id": target_id,
        "need": request.GET.get("need", ""),
        "site": request.GET.get("site", ""),
    }
    if kind != TargetKind.WORKSHOP:
        query["booked"] = 1  # the slip then says "your appointment", with its time
    slip_query = urlencode(query)
    need = Need.objects.active().filter(slug=query["need"]).first() if query["need"] else None
    return render(
        request,
        "orientation/desk/done.html",
        {
            "network": network,
            "kind": kind,
            "target": target,
            "starts_at": target.starts_at,
            "site_name": target.site.name,
            "documents": catalog_texts(need.documents or ()) if need is not None else (),
            "slip_query": slip_query,
            "nav_section": "desk",
        },
    )
