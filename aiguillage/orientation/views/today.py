"""Today at the desk: the day's permanences with their bookings, the workshop sessions
with their people, and how many conversations the desk recorded, for one site, for the
member's own appointments, or (coordinators) for every site of the network.

One click marks a person present or absent once their slot or session has started
(the agenda's rules say when), and someone who comes without booking is added with a
first name only: a free slot of a permanence is booked for them, or, once a session has
started, they take a seat and are marked present. Each click is a small form posted to
its own URL, then the page again with a message (no JavaScript needed); a refused
first name shows the page again with what was typed.

It lives here rather than in the agenda because it counts the interaction record,
which the agenda, below the orientation app, does not read. The page shows first names
only, never a contact: nothing is journaled for reading it; the bookings it makes are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aiguillage.accounts import staff_acts
from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.models import Role
from aiguillage.accounts.permissions import COORDINATORS, Action, request_can, request_role
from aiguillage.agenda import staff_selectors
from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Channel
from aiguillage.agenda.services.appointments import book_slot, record_attendance
from aiguillage.agenda.services.errors import AgendaError
from aiguillage.agenda.services.workshops import add_walk_in, mark_session_attendance
from aiguillage.core.models import Network, Site
from aiguillage.core.shortcuts import or_404
from aiguillage.orientation.selectors import desk_conversations_on

MINE, EVERY_SITE = "moi", "tous"
SCOPE_SESSION_KEY = "today_scope"
PRESENCE = {"present": True, "absent": False}
FIRST_NAME_FIELD = "prenom"


@dataclass(frozen=True)
class Scope:
    value: str  # "moi", "tous" or a site's slug: the ``voir`` parameter
    site: Site | None = None

    @property
    def mine(self) -> bool:
        return self.value == MINE

    @property
    def every_site(self) -> bool:
        return self.value == EVERY_SITE


@dataclass(frozen=True)
class Refused:
    """A walk-in form refused: which one, what was typed, why."""

    kind: str  # "slot" or "session"
    target: int
    typed: str
    error: str


def _sees_every_site(request) -> bool:
    return request.membership is not None and request.membership.role in COORDINATORS


def _scope(request, network: Network, sites: list[Site], asked: str) -> Scope:
    """What was asked (``voir``), else what this member chose last in this network, else
    their own appointments for a digital mediator and the first site for the others."""
    remembered = request.session.get(SCOPE_SESSION_KEY, {})
    if not isinstance(remembered, dict):
        remembered = {}
    by_slug = {site.slug: site for site in sites}
    scope = None
    for value in (asked, remembered.get(network.slug, "")):
        if value == MINE:
            scope = Scope(MINE)
        elif value == EVERY_SITE and _sees_every_site(request):
            scope = Scope(EVERY_SITE)
        elif value in by_slug:
            scope = Scope(value, by_slug[value])
        if scope is not None:
            break
    if scope is None:
        role = request.membership.role if request.membership is not None else ""
        if role == Role.DIGITAL_MEDIATOR or not sites:
            scope = Scope(MINE)
        else:
            scope = Scope(sites[0].slug, sites[0])
    if remembered.get(network.slug) != scope.value:
        request.session[SCOPE_SESSION_KEY] = {**remembered, network.slug: scope.value}
    return scope


def _today_url(network: Network, scope_value: str, anchor: str = "") -> str:
    url = reverse("orientation:today", args=[network.slug])
    if scope_value:
        url += "?" + urlencode({"voir": scope_value})
    return f"{url}#{anchor}" if anchor else url


def _back(request, network: Network, anchor: str):
    """To the day again, in the view the form was posted from."""
    return redirect(_today_url(network, request.POST.get("voir", "")[:100], anchor))


def _page(request, network: Network, *, refused: Refused | None = None) -> HttpResponse:
    asked = request.POST.get("voir", "") if refused else request.GET.get("voir", "")
    sites = staff_selectors.agenda_sites(network)
    scope = _scope(request, network, sites, asked)
    now = timezone.now()
    day = timezone.localdate()
    agenda = staff_selectors.today_agenda(
        network=network,
        day=day,
        now=now,
        site=scope.site,
        holder=request.membership if scope.mine else None,
    )
    context = {
        "network": network,
        "sites": sites,
        "scope": scope,
        "sees_every_site": _sees_every_site(request),
        "agenda": agenda,
        "day": day,
        "now": now,
        "conversations": desk_conversations_on(network=network, day=day, site=scope.site),
        "may_edit": request_can(request, Action.AGENDA_EDIT),
        "refused": refused,
        "first_name_field": FIRST_NAME_FIELD,
        "nav_section": "today",
    }
    return render(request, "orientation/today/today.html", context, status=400 if refused else 200)


@network_view(action=Action.AGENDA_BOOK)
def today(request, network) -> HttpResponse:
    return _page(request, network)


@require_POST
@network_view(action=Action.AGENDA_BOOK)
def today_appointment(request, network, appointment_id: int) -> HttpResponse:
    """Came, or did not come (a no-show)."""
    appointment = or_404(staff_selectors.get_appointment, network=network, pk=appointment_id)
    came = PRESENCE.get(request.POST.get("presence", ""))
    if came is None:
        return HttpResponseBadRequest(_("Dites si la personne est venue ou non."))
    try:
        record_attendance(appointment=appointment, attended=came, now=timezone.now())
    except AgendaError as error:
        messages.error(request, str(error))
    else:
        name = {"name": appointment.first_name}
        messages.success(
            request, _("%(name)s : venu·e.") % name if came else _("%(name)s : absent·e.") % name
        )
    return _back(request, network, f"permanence-{appointment.slot.occurrence_id}")


@require_POST
@network_view(action=Action.AGENDA_BOOK)
def today_session_person(request, network, session_id: int, registration_id: int) -> HttpResponse:
    """One confirmed person present, or absent, at one session."""
    session = or_404(staff_selectors.get_session, network=network, pk=session_id)
    registration = or_404(staff_selectors.get_registration, network=network, pk=registration_id)
    present = PRESENCE.get(request.POST.get("presence", ""))
    if present is None:
        return HttpResponseBadRequest(_("Dites si la personne est venue ou non."))
    try:
        mark_session_attendance(
            session=session, registration=registration, present=present, now=timezone.now()
        )
    except AgendaError as error:
        messages.error(request, str(error))
    else:
        name = {"name": registration.first_name}
        messages.success(
            request,
            _("%(name)s : présent·e.") % name if present else _("%(name)s : absent·e.") % name,
        )
    return _back(request, network, f"seance-{session.pk}")


def _refusal_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_POST
@network_view(action=Action.AGENDA_BOOK)
def today_session_walk_in(request, network, session_id: int) -> HttpResponse:
    """Someone at the session who had not registered: a seat, and present."""
    session = or_404(staff_selectors.get_session, network=network, pk=session_id)
    typed = request.POST.get(FIRST_NAME_FIELD, "")
    try:
        with transaction.atomic():
            registration = add_walk_in(
                session=session, first_name=typed, now=timezone.now(), actor=request.user
            )
            staff_acts.registration_made(
                registration=registration, actor=request.user, role=request_role(request)
            )
    except (AgendaError, ValidationError) as error:
        text = _refusal_text(error) if isinstance(error, ValidationError) else str(error)
        return _page(request, network, refused=Refused("session", session.pk, typed, text))
    messages.success(
        request,
        _("%(name)s a une place à « %(title)s » et est noté·e présent·e.")
        % {"name": registration.first_name, "title": session.workshop.title},
    )
    return _back(request, network, f"seance-{session.pk}")


@require_POST
@network_view(action=Action.AGENDA_BOOK)
def today_slot_walk_in(request, network, slot_id: int) -> HttpResponse:
    """Someone who comes without an appointment: a free slot booked at the desk with a
    first name only (the desk tells them the time; there is nobody to send it to)."""
    slot = or_404(staff_selectors.get_slot, network=network, pk=slot_id)
    typed = request.POST.get(FIRST_NAME_FIELD, "")
    try:
        with transaction.atomic():
            appointment = book_slot(
                slot=slot,
                visitor=Visitor(first_name=typed),
                need=None,
                channel=Channel.DESK,
                now=timezone.now(),
                actor=request.user,
                tell=False,  # a first name only: nobody to send it to
            )
            staff_acts.booking_made(
                appointment=appointment, actor=request.user, role=request_role(request)
            )
    except (AgendaError, ValidationError) as error:
        text = _refusal_text(error) if isinstance(error, ValidationError) else str(error)
        return _page(request, network, refused=Refused("slot", slot.pk, typed, text))
    local = timezone.localtime(slot.starts_at)
    messages.success(
        request,
        _("Rendez-vous réservé pour %(name)s à %(time)s.")
        % {"name": appointment.first_name, "time": f"{local:%H:%M}"},
    )
    return _back(request, network, f"permanence-{slot.occurrence_id}")
