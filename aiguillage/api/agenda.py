"""The agenda API: free slots and public workshops, booking and registering online,
and cancelling through the manage link.

Only what the public may see: public sites of active networks, slots of active
permanences bookable online, published workshops open to online registration.

Answers, the same on every endpoint of this router:

- 400 ``{"errors": {"field": ["message", ...]}}``: bad input, every field at once, in
  the request's language (French by default), ``__all__`` for the request as a whole.
  The request bodies are read here rather than by ninja so that a wrong type is a
  field error like any other (ninja would answer 422 in English).
- 404 ``{"detail": "..."}``: unknown network, site, need, workshop or manage link.
- 409 ``{"code": "...", "detail": "..."}``: the booking service refused; ``code`` says
  why (``unavailable``, ``workshop_full``, ``already_booked``, ``closed_to_online``,
  ``past``), ``detail`` says it in words a visitor can read.
- 429 ``{"detail": "..."}`` with ``Retry-After``: every call counts against the client's
  API limit, and the writes (POST, DELETE) against its API limit of writes, apart from
  the portal's forms (aiguillage/api/limits.py).

A site slug is unique within its network only: ``site`` alone is accepted while one
network has a public site of that slug, otherwise the answer is a 400 asking for
``network``.
"""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import ValidationError as PydanticValidationError

from aiguillage.agenda import rules
from aiguillage.agenda.contact import Visitor, checked_visitor, manage_token
from aiguillage.agenda.links import APPOINTMENT, REGISTRATION, manage_url
from aiguillage.agenda.models import (
    Appointment,
    BookableBy,
    CancelledBy,
    Channel,
    Permanence,
    Registration,
    Slot,
    Workshop,
)
from aiguillage.agenda.selectors import MAX_SLOTS, booking_of_manage_token, free_slots
from aiguillage.agenda.services.appointments import book_slot, cancel_appointment
from aiguillage.agenda.services.workshops import cancel_registration, register
from aiguillage.api.agenda_schemas import (
    AppointmentIn,
    BookedOut,
    ConflictOut,
    DetailOut,
    FieldErrorsOut,
    RegisteredOut,
    RegistrationIn,
    SlotListOut,
    SlotOut,
    WorkshopListOut,
    WorkshopOut,
)
from aiguillage.api.inputs import (
    BadInput,
    answers,
    network_by_slug,
    public_site,
    read_moment,
)
from aiguillage.api.json_body import require_json
from aiguillage.api.limits import limit_writes
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site

router = Router(tags=["agenda"])

MAX_WORKSHOPS = 100
MAX_BODY_BYTES = 8_192


# Writes count in the API's own budget of writes per client (aiguillage/api/limits.py).
_limited = limit_writes


# --- reading the request ----------------------------------------------------------------


def _pydantic_message(error: dict) -> str:
    kind = error["type"]
    if kind == "missing":
        return _("Ce champ est obligatoire.")
    if kind.startswith("int_"):
        return _("Un nombre entier est attendu.")
    if kind.startswith("bool_"):
        return _("true ou false est attendu.")
    if kind == "string_type":
        return _("Un texte est attendu.")
    if kind == "string_too_long":
        return _("%(max)s caractères au plus.") % {"max": error["ctx"]["max_length"]}
    if kind == "extra_forbidden":
        return _("Ce champ n'existe pas.")
    return _("Cette valeur n'est pas valide.")


def _body(request, schema):
    """The JSON body checked against ``schema``, or BadInput with a message per field."""
    if len(request.body) > MAX_BODY_BYTES:
        raise BadInput({"__all__": [_("La requête est trop longue.")]})
    require_json(request)  # 415 for any other type
    try:
        data = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if not isinstance(data, dict):
        raise BadInput({"__all__": [_("Le corps de la requête doit être un objet JSON.")]})
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "__all__"
            errors.setdefault(field, []).append(_pydantic_message(error))
        raise BadInput(errors) from None


def _visitor(data, errors: dict[str, list[str]]) -> Visitor | None:
    """The visitor's contact, normalised; its errors are added to ``errors``."""
    try:
        return checked_visitor(
            Visitor(
                first_name=data.first_name or "",
                email=data.email or "",
                phone=data.phone or "",
                consent_reminders=data.consent_reminders,
                accessibility_needs=data.accessibility_needs or "",
                language=data.language or "",
            )
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        return None


# --- free slots --------------------------------------------------------------------------


def _bookable_online(
    *, network: Network, site: Site | None, need: Need | None, after, before, limit: int
) -> list[Slot]:
    """Free public slots, earliest first, leaving out those past their permanence's
    online cut-off (booking them would be refused).

    The slots inside the longest cut-off of the network are read apart and checked one
    by one; the others are all bookable. Should more than ``MAX_SLOTS`` free slots lie
    within that longest cut-off, the answer stays earliest first but may be short.
    """
    now = timezone.now()
    longest = (
        (
            Permanence.objects.of_network(network)
            .active()
            .filter(bookable_by=BookableBy.PUBLIC)
            .aggregate(hours=Max("booking_cutoff_hours"))["hours"]
        )
        or 0
    )
    boundary = now + datetime.timedelta(hours=longest)
    query = {"network": network, "site": site, "need": need, "public_only": True}
    found: list[Slot] = []

    def open_online(slot: Slot) -> bool:
        return slot.starts_at >= rules.online_cutoff(slot.permanence, now)

    if after < boundary:
        near_end = boundary if before is None else min(before, boundary)
        near = free_slots(**query, after=after, before=near_end, limit=MAX_SLOTS)
        found = [slot for slot in near if open_online(slot)]
        if len(near) == MAX_SLOTS or len(found) >= limit:
            return found[:limit]
        after = boundary - datetime.timedelta(microseconds=1)  # the boundary itself is in
    if before is None or after < before:
        found += free_slots(**query, after=after, before=before, limit=limit - len(found))
    return found[:limit]


@router.get(
    "/slots",
    response={200: SlotListOut, 400: FieldErrorsOut, 404: DetailOut},
    summary="Free slots bookable online, earliest first",
)
@answers
def slots(
    request,
    site: str = "",
    network: str = "",
    need: str = "",
    from_: str = Query("", alias="from", description="ISO 8601 date or date-time (default: now)"),
    to: str = Query("", description="ISO 8601 date (included) or date-time (excluded)"),
    limit: int = 20,
):
    """Free slots of a network's permanences that the public may book online, within the
    network (`network`) or at one site (`site`, with `network` when several networks
    have a site of that slug), optionally for one need (a catalog slug). Slots closer
    than their permanence's online cut-off are left out. At most 100."""
    errors: dict[str, list[str]] = {}
    start = read_moment(from_, field="from", end=False, errors=errors)
    end = read_moment(to, field="to", end=True, errors=errors)
    if start and end and end <= start:
        errors["to"] = [_("La fin doit être après le début.")]
    if not site and not network:
        errors["site"] = [_("Précisez le site (site) ou le réseau (network).")]
    if errors:
        raise BadInput(errors)
    network_obj = network_by_slug(network)
    site_obj = public_site(site, network_obj)
    if site_obj is not None:
        network_obj = site_obj.network
    need_obj = None
    if need:
        need_obj = Need.objects.active().filter(slug=need).first()
        if need_obj is None:
            raise HttpError(
                404, _("Aucune démarche n'a l'identifiant « %(slug)s ».") % {"slug": need}
            )
    now = timezone.now()
    found = _bookable_online(
        network=network_obj,
        site=site_obj,
        need=need_obj,
        after=max(start or now, now),
        before=end,
        limit=min(max(limit, 1), MAX_SLOTS),
    )
    return {
        "results": [
            SlotOut(
                id=slot.pk,
                network=network_obj.slug,
                site=slot.site.slug,
                title=slot.permanence.title,
                starts_at=timezone.localtime(slot.starts_at),
                ends_at=timezone.localtime(slot.ends_at),
                seats_left=slot.seats_left,
            )
            for slot in found
        ]
    }


# --- booking a slot ----------------------------------------------------------------------


def _body_schema(schema) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


@router.post(
    "/appointments",
    response={201: BookedOut, 400: FieldErrorsOut, 409: ConflictOut, 429: DetailOut},
    summary="Book a free slot online",
    openapi_extra=_body_schema(AppointmentIn),
)
@_limited
@answers
def book(request):
    """Books one seat of a public slot for the visitor and sends the confirmation (with
    the manage link) to the e-mail or phone given. 409 when the slot has just been taken,
    is cancelled, past its online cut-off, does not handle the need, or when the same
    contact already holds it."""
    data = _body(request, AppointmentIn)
    errors: dict[str, list[str]] = {}
    visitor = _visitor(data, errors)
    slot = Slot.objects.bookable_online().filter(pk=data.slot, network__is_active=True).first()
    if slot is None:
        errors["slot"] = [_("Aucun créneau réservable en ligne n'a ce numéro.")]
    need = None
    if data.need:
        need = Need.objects.active().filter(slug=data.need).first()
        if need is None:
            errors["need"] = [_("Aucune démarche n'a cet identifiant.")]
    if errors:
        raise BadInput(errors)
    # The answer is read before the commit: once the seat is held and its confirmation
    # queued, nothing more is asked of the database.
    with transaction.atomic():
        appointment = book_slot(
            slot=slot, visitor=visitor, need=need, channel=Channel.ONLINE, now=timezone.now()
        )
        answer = {
            "status": "booked",
            "manage_url": manage_url(appointment),
            "manage_token": manage_token(APPOINTMENT, appointment.pk, appointment.manage_key),
        }
    return Status(201, answer)


# --- workshops ---------------------------------------------------------------------------


def _public_workshops():
    return Workshop.objects.open_to_public().filter(
        site__is_active=True, site__network__is_active=True
    )


@router.get(
    "/workshops",
    response={200: WorkshopListOut, 400: FieldErrorsOut, 404: DetailOut},
    summary="Upcoming workshops open to online registration, earliest first",
)
@answers
def workshops(request, site: str = "", network: str = "", limit: int = 50):
    """Published workshops of public sites whose first session is still to come, of
    every network, of one network (`network`) or of one site (`site`, with `network`
    when several networks have a site of that slug). At most 100."""
    network_obj = network_by_slug(network)
    site_obj = public_site(site, network_obj)
    found = _public_workshops().filter(starts_at__gt=timezone.now())
    if network_obj is not None:
        found = found.filter(network=network_obj)
    if site_obj is not None:
        found = found.filter(site=site_obj)
    found = found.select_related("network", "site").order_by("starts_at", "pk")
    return {
        "results": [
            WorkshopOut(
                id=workshop.pk,
                title=workshop.title,
                network=workshop.network.slug,
                site=workshop.site.slug,
                starts_at=timezone.localtime(workshop.starts_at),
                capacity=workshop.capacity,
                seats_left=workshop.seats_left,
                waitlist_capacity=workshop.waitlist_capacity,
                waitlist_left=workshop.waitlist_left,
            )
            for workshop in found[: min(max(limit, 1), MAX_WORKSHOPS)]
        ]
    }


@router.post(
    "/workshops/{workshop_id}/registrations",
    response={
        201: RegisteredOut,
        400: FieldErrorsOut,
        404: DetailOut,
        409: ConflictOut,
        429: DetailOut,
    },
    summary="Register for a workshop online (a seat, or the waiting list)",
    openapi_extra=_body_schema(RegistrationIn),
)
@_limited
@answers
def register_online(request, workshop_id: int):
    """A confirmed seat while there is one, then a place on the waiting list. 409 when
    both are full (`workshop_full`), when the same e-mail or phone is already registered
    (`already_booked`), or when the workshop has started or closed its registrations."""
    workshop = _public_workshops().filter(pk=workshop_id).first()
    if workshop is None:
        raise HttpError(404, _("Aucun atelier ouvert aux inscriptions en ligne n'a ce numéro."))
    data = _body(request, RegistrationIn)
    errors: dict[str, list[str]] = {}
    visitor = _visitor(data, errors)
    if errors:
        raise BadInput(errors)
    with transaction.atomic():  # the answer is read before the commit (see book)
        registration = register(
            workshop=workshop, visitor=visitor, channel=Channel.ONLINE, now=timezone.now()
        )
        answer = {
            "status": registration.status,
            "manage_url": manage_url(registration),
            "manage_token": manage_token(REGISTRATION, registration.pk, registration.manage_key),
        }
    return Status(201, answer)


# --- cancelling through the manage link --------------------------------------------------


def _booking(token: str) -> Appointment | Registration:
    booking = booking_of_manage_token(token)
    if booking is None:
        raise HttpError(404, _("Aucune réservation ne correspond à ce lien."))
    return booking


def _cancel_appointment(appointment: Appointment, now: datetime.datetime) -> None:
    # The service refuses a booking whose time has come (rules.cancel_refusal, on the
    # row it locks) and tells the person once: a second request tells nobody.
    cancel_appointment(appointment=appointment, cancelled_by=CancelledBy.VISITOR, now=now)


def _cancel_registration(registration: Registration, now: datetime.datetime) -> None:
    refusal = rules.cancel_refusal(registration, now=now)
    if refusal is not None:
        raise refusal
    # Told once by the service (and the person promoted from the waiting list too).
    cancel_registration(registration=registration, cancelled_by=CancelledBy.VISITOR, now=now)


@router.delete(
    "/bookings/{token}",
    response={204: None, 404: DetailOut, 409: ConflictOut, 429: DetailOut},
    summary="Cancel an appointment or a registration through its manage link",
)
@_limited
@answers
def cancel(request, token: str):
    """`token` is the `manage_token` of the 201 answer, the last part of the manage link.
    Frees the seat (the first person waiting for a workshop takes it, and is told) and
    sends the visitor a confirmation. Cancelling again answers 204 and does nothing;
    a booking whose time has come is 409 (`past`)."""
    booking = _booking(token)
    now = timezone.now()
    if isinstance(booking, Appointment):
        _cancel_appointment(booking, now)
    else:
        _cancel_registration(booking, now)
    return Status(204, None)
