"""Permanences: the list, one permanence with its next dates, create, edit (asking
first when booked people would be moved), and cancelling one date.

Every member reads them; coordinators, librarians and digital mediators change them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.agenda import staff_selectors
from aiguillage.agenda.forms import CancelOccurrenceForm, PermanenceForm, describe_rule
from aiguillage.agenda.models import OccurrenceStatus, Permanence, PermanenceKind
from aiguillage.agenda.partner_day import partner_day_url
from aiguillage.agenda.services.errors import AgendaError
from aiguillage.agenda.services.permanences import (
    BookingsWouldMove,
    cancel_occurrence,
    edit_permanence,
    save_permanence,
)
from aiguillage.agenda.views.common import day_url, may_edit, posted_again
from aiguillage.core.shortcuts import or_404

CONFIRM_FIELD = "cancel_moved"


@network_view(action=Action.AGENDA_VIEW)
def permanence_list(request, network) -> HttpResponse:
    permanences = [
        {"permanence": p, "rule": describe_rule(p.rrule)}
        for p in staff_selectors.permanences_of(network=network)
    ]
    context = {
        "network": network,
        "permanences": permanences,
        "today": timezone.localdate(),
        "may_edit": may_edit(request),
    }
    return render(request, "agenda/staff/permanences.html", context)


@network_view(action=Action.AGENDA_VIEW)
def permanence_detail(request, network, permanence_id: int) -> HttpResponse:
    permanence = or_404(staff_selectors.get_permanence, network=network, pk=permanence_id)
    now = timezone.now()
    context = {
        "network": network,
        "permanence": permanence,
        "rule": describe_rule(permanence.rrule),
        "occurrences": staff_selectors.upcoming_occurrences(permanence=permanence, after=now),
        "now": now,
        "may_edit": may_edit(request),
        # The partner's private list (given to the partner, never to the public).
        "partner_day_url": (
            partner_day_url(permanence)
            if permanence.kind == PermanenceKind.PARTNER and may_edit(request)
            else ""
        ),
    }
    return render(request, "agenda/staff/permanence_detail.html", context)


def _needs_of(form: PermanenceForm) -> list[int]:
    return [need.pk for need in form.cleaned_data["needs"]]


def _render_form(request, network, form, permanence=None) -> HttpResponse:
    context = {"network": network, "form": form, "permanence": permanence}
    return render(request, "agenda/staff/permanence_form.html", context)


@network_view(action=Action.AGENDA_EDIT)
def permanence_new(request, network) -> HttpResponse:
    form = PermanenceForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            permanence = save_permanence(
                permanence=form.instance, needs=_needs_of(form), today=timezone.localdate()
            )
        except (AgendaError, ValidationError) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, _("La permanence a été créée et ses dates sont prêtes."))
            return redirect("agenda:permanence_detail", network.slug, permanence.pk)
    return _render_form(request, network, form)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@network_view(action=Action.AGENDA_EDIT)
def permanence_edit(request, network, permanence_id: int) -> HttpResponse:
    permanence = or_404(staff_selectors.get_permanence, network=network, pk=permanence_id)
    form = PermanenceForm(request.POST or None, instance=permanence, network=network)
    if request.method != "POST" or "back" in request.POST or not form.is_valid():
        return _render_form(request, network, form, permanence)
    agreed = {int(pk) for pk in request.POST.getlist(CONFIRM_FIELD) if pk.isdecimal()}
    now = timezone.now()
    try:
        with transaction.atomic():
            cancelled = edit_permanence(
                permanence=form.instance,
                needs=_needs_of(form),
                today=timezone.localdate(),
                now=now,
                cancel=agreed,
                actor=request.user,  # journaled and told by the service
            )
    except BookingsWouldMove as moved:
        context = {
            "network": network,
            "permanence": permanence,
            "moved": moved.appointments,
            "posted": posted_again(request, confirm_field=CONFIRM_FIELD),
            "confirm_field": CONFIRM_FIELD,
        }
        return render(request, "agenda/staff/permanence_confirm.html", context)
    except (AgendaError, ValidationError) as error:
        form.add_error(None, _message(error))
        return _render_form(request, network, form, permanence)
    if cancelled:
        messages.success(
            request,
            ngettext(
                "La permanence a été modifiée ; %(n)s rendez-vous a été annulé et la personne "
                "prévenue.",
                "La permanence a été modifiée ; %(n)s rendez-vous ont été annulés et les "
                "personnes prévenues.",
                len(cancelled),
            )
            % {"n": len(cancelled)},
        )
    else:
        messages.success(request, _("La permanence a été modifiée."))
    return redirect("agenda:permanence_detail", network.slug, permanence.pk)


@network_view(action=Action.AGENDA_EDIT)
def occurrence_cancel(request, network, occurrence_id: int) -> HttpResponse:
    occurrence = or_404(staff_selectors.get_occurrence, network=network, pk=occurrence_id)
    permanence: Permanence = occurrence.permanence
    now = timezone.now()
    already = occurrence.status == OccurrenceStatus.CANCELLED
    form = CancelOccurrenceForm(request.POST or None)
    if request.method == "POST" and not already and occurrence.ends_at > now and form.is_valid():
        with transaction.atomic():
            told = cancel_occurrence(  # journaled and told by the service
                occurrence=occurrence,
                reason=form.cleaned_data["reason"],
                now=now,
                actor=request.user,
            )
        messages.success(
            request,
            ngettext(
                "La date est annulée. %(n)s personne avait rendez-vous : elle est prévenue.",
                "La date est annulée. %(n)s personnes avaient rendez-vous : elles sont prévenues.",
                len(told),
            )
            % {"n": len(told)}
            if told
            else _("La date est annulée. Personne n'avait rendez-vous."),
        )
        return redirect(day_url(network, occurrence.starts_at, permanence.site))
    context = {
        "network": network,
        "occurrence": occurrence,
        "permanence": permanence,
        "booked": staff_selectors.booked_on(occurrence),
        "already": already,
        "past": occurrence.ends_at <= now,
        "form": form,
    }
    return render(request, "agenda/staff/occurrence_cancel.html", context)
