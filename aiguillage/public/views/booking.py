"""Registering for a workshop and booking a permanence's slot, without an account.

Each POST goes through the rate limit, then the agenda's service (which takes the
seat or refuses, writing nothing), then the notification, then the manage page. A
refusal is shown on the form, with what the person typed kept.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from aiguillage.agenda import rules
from aiguillage.agenda.links import manage_path
from aiguillage.agenda.models import Channel, RegistrationStatus
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.errors import AgendaError
from aiguillage.agenda.services.workshops import register
from aiguillage.agenda.visitor_form import VisitorForm
from aiguillage.public.decorators import public_view
from aiguillage.public.forms import BookingForm, NeedFilterForm
from aiguillage.public.selectors import (
    get_bookable_permanence,
    get_public_slot,
    get_public_workshop,
    is_bookable_online,
    needs_of,
)
from aiguillage.public.throttle import limit_posts
from aiguillage.public.weeks import week_context, week_offset

# Workshops


@public_view
@limit_posts
def workshop(request, network, workshop_id: int) -> HttpResponse:
    found = get_public_workshop(network, workshop_id)
    now = timezone.now()
    form = VisitorForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                # What the answer needs is read before the commit: once the seat is
                # held, the answer no longer depends on the database.
                with transaction.atomic():
                    registration = register(
                        workshop=found, visitor=form.visitor, channel=Channel.ONLINE, now=now
                    )
                    said, where = _registered_message(registration), manage_path(registration)
            except ValidationError as error:
                form.add_error(None, error)
            except AgendaError as error:  # full, already registered, begun, closed online
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(request, said)
                return redirect(where)
        found = get_public_workshop(network, workshop_id)  # the seats as they are now
    context = {
        "network": network,
        "workshop": found,
        "sessions": list(found.sessions.all()),
        "form": form,
        "is_open": _workshop_open(found, now),
        "has_started": rules.has_started(found.starts_at, now),
    }
    return render(request, "public/workshop.html", context, status=status)


def _workshop_open(workshop, now: datetime.datetime) -> bool:
    return rules.takes_registrations(workshop, channel=Channel.ONLINE, now=now)


def _registered_message(registration) -> str:
    if registration.status == RegistrationStatus.WAITLISTED:
        return _(
            "L'atelier est complet. Vous êtes sur la liste d'attente, à la place "
            "%(position)s. Si une place se libère, nous vous prévenons."
        ) % {"position": rules.waiting_position(registration)}
    return _(
        "C'est fait : vous êtes inscrit·e à l'atelier. Vous allez recevoir un message de "
        "confirmation."
    )


# Permanences


@public_view
def permanence(request, network, permanence_id: int) -> HttpResponse:
    found = get_bookable_permanence(network, permanence_id)
    needs = needs_of(found)
    need_form = NeedFilterForm(request.GET or None, needs=needs)
    need = need_form.cleaned_data["demarche"] if need_form.is_valid() else None
    context = {
        "network": network,
        "permanence": found,
        "needs": needs,
        "need_form": need_form,
        "need": need,
        "need_query": f"&demarche={need.pk}" if need else "",
        **week_context(found, offset=week_offset(request), now=timezone.now()),
    }
    return render(request, "public/permanence.html", context)


@public_view
@limit_posts
def book(request, network, slot_id: int) -> HttpResponse:
    slot = get_public_slot(network, slot_id)
    found = slot.permanence
    now = timezone.now()
    needs = needs_of(found)
    initial = {}
    if request.GET.get("demarche", "").isdecimal():
        initial["need"] = int(request.GET["demarche"])
    form = BookingForm(
        request.POST if request.method == "POST" else None, needs=needs, initial=initial
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the answer is read before the commit (above)
                appointment = book_slot(
                    slot=slot,
                    visitor=form.visitor,
                    need=form.cleaned_data.get("need"),
                    channel=Channel.ONLINE,
                    now=now,
                )
                where = manage_path(appointment)
        except ValidationError as error:
            form.add_error(None, error)
        except AgendaError as error:  # taken meanwhile, too late online, already booked
            form.add_error(None, str(error))
            status = 409
        else:
            messages.success(
                request,
                _(
                    "C'est fait : votre rendez-vous est réservé. Vous allez recevoir un message de "
                    "confirmation."
                ),
            )
            return redirect(where)
    elif request.method == "POST":
        status = 400
    slot = get_public_slot(network, slot_id)  # the seats as they are now
    context = {
        "network": network,
        "slot": slot,
        "permanence": found,
        "form": form,
        "bookable": is_bookable_online(slot, now=now),
    }
    return render(request, "public/book.html", context, status=status)
