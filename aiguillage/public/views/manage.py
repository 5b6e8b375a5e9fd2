"""Manage my booking: the page a signed link opens, with no account.

The link holds the booking's id and a random key stored on the booking (see
``aiguillage.agenda.contact``). A link that was not ours, of another network, whose
key was renewed, or whose booking was purged is a 404 that says nothing more. Every
answer is private: not cached, not indexed, and never sent on as a referrer.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from aiguillage.agenda import rules
from aiguillage.agenda.links import booking_of_short_code, manage_path
from aiguillage.agenda.messages import calendar_file
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    CancelledBy,
    Channel,
    Registration,
    RegistrationStatus,
)
from aiguillage.agenda.selectors import booking_of_manage_token
from aiguillage.agenda.services.appointments import cancel_appointment, move_appointment
from aiguillage.agenda.services.errors import AgendaError
from aiguillage.agenda.services.workshops import cancel_registration
from aiguillage.public.decorators import private_page, public_view
from aiguillage.public.forms import MoveForm
from aiguillage.public.selectors import (
    get_bookable_permanence,
)
from aiguillage.public.throttle import limit_posts
from aiguillage.public.weeks import offset_of, week_context, week_offset


def booking_or_404(network, token: str) -> Appointment | Registration:
    booking = booking_of_manage_token(token, network=network)
    if booking is None:
        raise Http404("No such booking.")
    return booking


def _is_appointment(booking) -> bool:
    return isinstance(booking, Appointment)


def _movable_permanence(booking, now):
    """The permanence whose other slots the person may choose, or None."""
    if not _is_appointment(booking) or not rules.may_cancel(booking, now=now):
        return None
    try:
        return get_bookable_permanence(booking.network, booking.slot.permanence_id)
    except Http404:
        return None  # no longer booked online: the desk moves it


def masked_email(email: str) -> str:
    if "@" not in email:
        return ""
    name, domain = email.rsplit("@", 1)
    return f"{name[:1]}…@{domain}"


def masked_phone(phone: str) -> str:
    return f"{phone[:4]}… {phone[-2:]}" if len(phone) > 6 else ""


def _context(network, booking, now) -> dict:
    appointment = _is_appointment(booking)
    return {
        "network": network,
        "booking": booking,
        "is_appointment": appointment,
        "what": booking.slot.permanence.title if appointment else booking.workshop.title,
        "where": booking.slot.site if appointment else booking.workshop.site,
        "sessions": [] if appointment else list(booking.workshop.sessions.all()),
        "is_active": rules.holds_a_seat(booking),
        "position": None if appointment else rules.waiting_position(booking),
        "email": masked_email(booking.email),
        "phone": masked_phone(booking.phone),
        "may_cancel": rules.may_cancel(booking, now=now),
        "may_move": _movable_permanence(booking, now) is not None,
        "has_calendar": _has_a_date(booking),
        # What to bring: the démarche's own list, as the confirmation message says it.
        "documents": list(booking.need.documents or []) if appointment and booking.need else [],
    }


@public_view
def manage(request, network, token: str) -> HttpResponse:
    booking = booking_or_404(network, token)
    context = {**_context(network, booking, timezone.now()), "token": token}
    return private_page(render(request, "public/manage.html", context))


@public_view
@limit_posts
def manage_cancel(request, network, token: str) -> HttpResponse:
    booking = booking_or_404(network, token)
    now = timezone.now()
    if not rules.may_cancel(booking, now=now):
        messages.info(
            request,
            _("Cette réservation ne peut plus être annulée en ligne. Appelez la bibliothèque."),
        )
        return private_page(redirect(manage_path(booking)))
    if request.method == "POST":
        if _is_appointment(booking):
            # Told once by the service, even if another tab cancelled it meanwhile.
            cancel_appointment(appointment=booking, cancelled_by=CancelledBy.VISITOR, now=now)
            messages.success(
                request,
                _(
                    "Votre rendez-vous est annulé. Merci de nous avoir prévenus : "
                    "une autre personne peut prendre la place."
                ),
            )
        else:
            cancel_registration(  # told once by the service, the person promoted too
                registration=booking, cancelled_by=CancelledBy.VISITOR, now=now
            )
            messages.success(
                request,
                _(
                    "Votre inscription est annulée. Merci de nous avoir prévenus : "
                    "une autre personne peut prendre la place."
                ),
            )
        return private_page(redirect(manage_path(booking)))
    context = {**_context(network, booking, now), "token": token}
    return private_page(render(request, "public/manage_cancel.html", context), has_forms=True)


@public_view
@limit_posts
def manage_move(request, network, token: str) -> HttpResponse:
    booking = booking_or_404(network, token)
    now = timezone.now()
    permanence = _movable_permanence(booking, now)
    if permanence is None:
        messages.info(
            request,
            _("Ce rendez-vous ne peut plus être déplacé en ligne. Appelez la bibliothèque."),
        )
        return private_page(redirect(manage_path(booking)))
    form = MoveForm(request.POST if request.method == "POST" else None, permanence=permanence)
    status = 200
    offset = week_offset(request)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            chosen = form.cleaned_data["slot"]
            try:
                moved = move_appointment(
                    appointment=booking,
                    slot=chosen,
                    channel=Channel.ONLINE,
                    now=now,
                )
            except AgendaError as error:  # taken meanwhile, too late, already there
                form.add_error("slot", str(error))
                status = 409
                if "semaine" not in request.GET:  # stay on the week the person chose in
                    offset = offset_of(chosen.starts_at)
            else:
                messages.success(
                    request,
                    _(
                        "C'est fait : votre rendez-vous a changé d'horaire. Vous allez recevoir "
                        "un message avec le nouvel horaire."
                    ),
                )
                return private_page(redirect(manage_path(moved)))
    context = {
        **_context(network, booking, now),
        "token": token,
        "permanence": permanence,
        "form": form,
        **week_context(permanence, offset=offset, now=now, exclude=booking.slot),
    }
    response = render(request, "public/manage_move.html", context, status=status)
    return private_page(response, has_forms=True)


def _has_a_date(booking) -> bool:
    """A place on a waiting list is no date yet, a cancelled booking has none."""
    if _is_appointment(booking):
        return booking.status == AppointmentStatus.BOOKED
    return booking.status == RegistrationStatus.CONFIRMED


@public_view
def manage_calendar(request, network, token: str) -> HttpResponse:
    """The booking's calendar file: the same events (same UIDs) as the e-mail's."""
    booking = booking_or_404(network, token)
    ics = calendar_file(booking) if _has_a_date(booking) else None
    if ics is None:
        raise Http404("Nothing to put in a calendar.")
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    name = "rendez-vous.ics" if _is_appointment(booking) else "atelier.ics"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return private_page(response)


def short_link(request, code: str) -> HttpResponse:
    """A text message's short link: on to the booking's manage page (404 otherwise)."""
    booking = booking_of_short_code(code)
    if booking is None:
        raise Http404("No such booking.")
    return private_page(redirect(manage_path(booking)))
