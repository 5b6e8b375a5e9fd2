"""Booking at the desk in a few clicks, one booking's page, cancelling it, and marking
whether the person came. Every active member of the network may do these."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aiguillage.accounts import staff_acts
from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action, request_can, request_role
from aiguillage.agenda import rules, staff_selectors
from aiguillage.agenda.forms import DeskBookingForm
from aiguillage.agenda.models import CancelledBy, Channel
from aiguillage.agenda.services.appointments import (
    cancel_appointment,
    move_appointment,
    record_attendance,
)
from aiguillage.agenda.services.desk import book_at_desk
from aiguillage.agenda.services.errors import AgendaError
from aiguillage.agenda.views.common import day_url
from aiguillage.agenda.visitor_form import done_or_refused
from aiguillage.core.shortcuts import or_404

ATTENDED = {"venu": True, "absent": False}


@network_view(action=Action.AGENDA_BOOK)
def slot_book(request, network, slot_id: int) -> HttpResponse:
    slot = or_404(staff_selectors.get_slot, network=network, pk=slot_id)
    needs = list(slot.permanence.needs.order_by("name"))
    form = DeskBookingForm(request.POST or None, needs=needs)
    posted = request.method == "POST" and form.is_valid()
    booked = posted and done_or_refused(
        form,
        lambda: book_at_desk(
            slot=slot, visitor=form.visitor, need=form.cleaned_data.get("need"), actor=request.user
        ),
    )
    if booked:
        local = timezone.localtime(slot.starts_at)
        messages.success(
            request,
            _("Rendez-vous réservé le %(day)s à %(time)s.")
            % {"day": f"{local:%d/%m/%Y}", "time": f"{local:%H:%M}"}
            + " "
            + form.confirmation_note(),
        )
        return redirect(day_url(network, slot.starts_at, slot.site))
    context = {
        "network": network,
        "slot": slot,
        "form": form,
        "bookable": rules.can_book_slot(slot, channel=Channel.DESK, now=timezone.now()),
        "back": day_url(network, slot.starts_at, slot.site),
    }
    return render(request, "agenda/staff/slot_book.html", context)


@network_view(action=Action.AGENDA_BOOK)
def appointment_detail(request, network, appointment_id: int) -> HttpResponse:
    appointment = or_404(staff_selectors.get_appointment, network=network, pk=appointment_id)
    now = timezone.now()
    contact = request_can(request, Action.CONTACT_VIEW) and (appointment.email or appointment.phone)
    shown = [appointment.pk] if contact else []
    staff_acts.contact_viewed(
        network=network, actor=request.user, role=request_role(request), obj=appointment,
        appointments=shown,
    )  # fmt: skip
    context = {
        "network": network,
        "appointment": appointment,
        "slot": appointment.slot,
        "may_cancel": rules.may_cancel(appointment, now=now, cancelled_by=CancelledBy.STAFF),
        "may_mark": rules.may_mark_attendance(appointment, now=now),
        "back": day_url(network, appointment.slot.starts_at, appointment.slot.site),
    }
    return render(request, "agenda/staff/appointment_detail.html", context)


@network_view(action=Action.AGENDA_BOOK)
def appointment_move(request, network, appointment_id: int) -> HttpResponse:
    """Another time on the same permanence, chosen at the desk; the person gets one
    message with the new time (its calendar file strikes out the old one)."""
    appointment = or_404(staff_selectors.get_appointment, network=network, pk=appointment_id)
    now = timezone.now()
    detail = redirect("agenda:appointment_detail", network.slug, appointment.pk)
    if not rules.may_move(appointment, now=now):
        messages.error(request, _("Ce rendez-vous est passé ou n'est plus réservé."))
        return detail
    targets = staff_selectors.move_targets(appointment, now=now)
    error = ""
    chosen = request.POST.get("slot", "")
    if request.method == "POST":
        slot = next((s for s in targets if str(s.pk) == chosen), None)
        if slot is None:
            error = _("Choisissez un des créneaux libres de la liste.")
        else:
            try:
                moved = move_appointment(  # journaled and told by the service
                    appointment=appointment,
                    slot=slot,
                    channel=Channel.DESK,
                    now=now,
                    actor=request.user,
                )
            except AgendaError as refusal:
                error = str(refusal)
            else:
                local = timezone.localtime(moved.slot.starts_at)
                messages.success(
                    request,
                    _("Rendez-vous déplacé au %(day)s à %(time)s ; la personne est prévenue.")
                    % {"day": f"{local:%d/%m/%Y}", "time": f"{local:%H:%M}"},
                )
                return redirect("agenda:appointment_detail", network.slug, moved.pk)
    context = {
        "network": network,
        "appointment": appointment,
        "slot": appointment.slot,
        "targets": targets,
        "chosen": chosen,
        "error": error,
    }
    return render(
        request, "agenda/staff/appointment_move.html", context, status=400 if error else 200
    )


@network_view(action=Action.AGENDA_BOOK)
def appointment_cancel(request, network, appointment_id: int) -> HttpResponse:
    appointment = or_404(staff_selectors.get_appointment, network=network, pk=appointment_id)
    back = day_url(network, appointment.slot.starts_at, appointment.slot.site)
    now = timezone.now()
    may_cancel = rules.may_cancel(appointment, now=now, cancelled_by=CancelledBy.STAFF)
    if request.method == "POST":
        if may_cancel:
            cancel_appointment(  # journaled and told by the service, once
                appointment=appointment,
                cancelled_by=CancelledBy.STAFF,
                now=now,
                actor=request.user,
                via="appointment_page",
            )
            messages.success(request, _("Le rendez-vous est annulé ; la personne est prévenue."))
        else:
            messages.error(
                request, _("Ce rendez-vous est passé ou n'est plus réservé : rien n'a changé.")
            )
        return redirect(back)
    context = {
        "network": network,
        "appointment": appointment,
        "slot": appointment.slot,
        "may_cancel": may_cancel,
        "back": back,
    }
    return render(request, "agenda/staff/appointment_cancel.html", context)


@require_POST
@network_view(action=Action.AGENDA_BOOK)
def appointment_attendance(request, network, appointment_id: int) -> HttpResponse:
    appointment = or_404(staff_selectors.get_appointment, network=network, pk=appointment_id)
    came = ATTENDED.get(request.POST.get("presence", ""))
    if came is None:
        return HttpResponseBadRequest(_("Dites si la personne est venue ou non."))
    try:
        record_attendance(appointment=appointment, attended=came, now=timezone.now())
    except AgendaError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s : venu·e.") % {"name": appointment.first_name}
            if came
            else _("%(name)s : absent·e.") % {"name": appointment.first_name},
        )
    if request.POST.get("retour") == "fiche":
        return redirect("agenda:appointment_detail", network.slug, appointment.pk)
    return redirect(day_url(network, appointment.slot.starts_at, appointment.slot.site))
