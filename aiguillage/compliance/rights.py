"""The rights of the people the agenda knows: see everything held about them, erase it.

The agenda's contacts (appointments and registrations, ``VisitorContact``) are the only
personal data Aiguillage holds about visitors; a desk conversation (``Interaction``)
holds none. A person is found by their contact key: the e-mail in lower case, or the
phone in E.164 when they gave no e-mail (``aiguillage.agenda.contact.contact_key``).

Three reaches, because the three doors prove different things:

- ``Reach.BOOKING``: the person opened a manage link. Whoever booked holds it (it is on
  the confirmation page and in the API's answer), and anyone may book with someone
  else's e-mail: the link proves nothing about the contact. It reaches its own
  booking, and nothing else.
- ``Reach.CONTACT``: the person opened a one-time link sent *to* the contact key (the
  e-mail, else a text message to the mobile phone: ``aiguillage.compliance.proofs``), so
  they control it. They see, and may erase, the bookings of this network made with
  the same key, and nothing else: not a booking where the same phone sits beside
  another person's e-mail, since that booking's messages go to the e-mail.
- ``Reach.REQUEST``: a coordinator answers a request after checking who asks. Every
  booking of the network holding that e-mail or phone is found, whichever the key.

Erasing is the retention purge's anonymisation, done now: bookings still to come are
first cancelled through the agenda's own services (the seat goes back, the first person
waiting for a workshop gets it), then every row found keeps its dates, place and
status for the statistics but loses its first name, e-mail, phone, key, needs and
language, gets a new manage key (every link sent dies) and ``purged_at``. Rows never
leave the network they belong to.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aiguillage.agenda import rules
from aiguillage.agenda.contact import Visitor, contact_key, french_phone
from aiguillage.agenda.models import (
    Appointment,
    Attendance,
    CancelledBy,
    Registration,
    WorkshopSession,
)
from aiguillage.agenda.services.appointments import cancel_appointment
from aiguillage.agenda.services.workshops import cancel_registration
from aiguillage.compliance.models import PrivacySettings

# The purge's own anonymisation (blank contact, new manage key, ``purged_at``): an
# erasure is the purge, done now for one person.
from aiguillage.compliance.retention import anonymise
from aiguillage.core.models import Network
from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalAction

EXPORT_FORMAT = "aiguillage-rights/1"
# Never exported: the secret of the manage link is a key, not information about anyone,
# and a copy of it in a file would be one more way into the booking.
NOT_EXPORTED = frozenset({"manage_key"})


class Reach(enum.StrEnum):
    BOOKING = "booking"
    CONTACT = "contact"
    REQUEST = "request"


class Requester(enum.StrEnum):
    """Who asked, as the journal says it (never who the person is)."""

    VISITOR_LINK = "visitor_link"  # a manage link: its own booking
    VISITOR_PROOF = "visitor_proof"  # a one-time link sent to the contact
    STAFF_PAGE = "staff_page"
    COMMAND = "command"

    @property
    def reach(self) -> Reach:
        if self is Requester.VISITOR_LINK:
            return Reach.BOOKING
        return Reach.CONTACT if self is Requester.VISITOR_PROOF else Reach.REQUEST

    @property
    def by_visitor(self) -> bool:
        return self in (Requester.VISITOR_LINK, Requester.VISITOR_PROOF)


class NothingHeld(Exception):
    """No booking of this network holds this contact (the answer to give the person)."""


def contact_key_of(*, email: str = "", phone: str = "") -> str:
    """The contact key for an e-mail or a phone typed by staff, normalised exactly as a
    booking's; a ValidationError (French message) when it is not one."""
    email, phone = email.strip(), phone.strip()
    if bool(email) == bool(phone):
        raise ValidationError(_("Donnez une adresse e-mail ou un numéro de téléphone (un seul)."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(_("Cette adresse e-mail n'est pas valide.")) from None
        return contact_key(Visitor(first_name="", email=email))
    return contact_key(Visitor(first_name="", phone=french_phone(phone)))


def _matching(key: str, reach: Reach, booking: Appointment | Registration | None) -> Q:
    if reach is Reach.BOOKING:  # its own booking, with a contact or a first name only
        return Q(pk=booking.pk)
    if not key:  # a purged row's key is blank: it must never be found by an empty one
        raise ValueError("A contact key is required.")
    if reach is Reach.CONTACT:
        return Q(contact_key=key)
    column = Q(phone=key) if key.startswith("+") else Q(email__iexact=key)
    return Q(contact_key=key) | column


@dataclass(frozen=True)
class Holdings:
    """The rows of one network that hold a contact, with what the pages show of them."""

    network: Network
    appointments: list[Appointment]
    registrations: list[Registration]

    @property
    def empty(self) -> bool:
        return not self.appointments and not self.registrations

    def counts(self) -> dict[str, int]:
        return {"appointments": len(self.appointments), "registrations": len(self.registrations)}


def _appointments(network: Network, key: str, reach: Reach, booking) -> QuerySet[Appointment]:
    if reach is Reach.BOOKING and not isinstance(booking, Appointment):
        return Appointment.objects.none()
    return (
        Appointment.objects.of_network(network)
        .filter(_matching(key, reach, booking), purged_at__isnull=True)
        .select_related(
            "need", "slot__site", "slot__permanence__site", "slot__permanence__structure"
        )
        .order_by("slot__starts_at", "pk")
    )


def _registrations(network: Network, key: str, reach: Reach, booking) -> QuerySet[Registration]:
    if reach is Reach.BOOKING and not isinstance(booking, Registration):
        return Registration.objects.none()
    return (
        Registration.objects.of_network(network)
        .filter(_matching(key, reach, booking), purged_at__isnull=True)
        .select_related("workshop__site")
        .prefetch_related(
            Prefetch("workshop__sessions", WorkshopSession.objects.order_by("starts_at")),
            Prefetch(
                "attendances",
                Attendance.objects.select_related("session").order_by("session__starts_at"),
            ),
        )
        .order_by("workshop__starts_at", "pk")
    )


def holdings(
    *,
    network: Network,
    contact_key: str,
    reach: Reach = Reach.CONTACT,
    booking: Appointment | Registration | None = None,
) -> Holdings:
    """The bookings and registrations of ``network`` this door reaches: ``booking``
    alone (``Reach.BOOKING``), or every row holding this contact."""
    if reach is Reach.BOOKING and booking is None:
        raise ValueError("A manage link reaches its own booking: which one?")
    return Holdings(
        network=network,
        appointments=list(_appointments(network, contact_key, reach, booking)),
        registrations=list(_registrations(network, contact_key, reach, booking)),
    )


# --- The export: JSON-able, every field the rows hold --------------------------------


def _when(moment: datetime.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment is not None else None


def _place(site) -> dict[str, str]:
    return {
        "name": site.name,
        "address": site.address,
        "postcode": site.postcode,
        "commune": site.commune_name,
    }


def _contact(row: Appointment | Registration, network: Network) -> dict[str, Any]:
    return {
        "id": row.pk,
        "network": network.name,
        "created_at": _when(row.created_at),
        "updated_at": _when(row.updated_at),
        "first_name": row.first_name,
        "email": row.email,
        "phone": row.phone,
        "contact_key": row.contact_key,
        "consent_reminders": row.consent_reminders,
        "accessibility_needs": row.accessibility_needs,
        "language": row.language,
        "channel": row.channel,
        "channel_label": row.get_channel_display(),
        "status": row.status,
        "status_label": row.get_status_display(),
        "cancelled_by": row.cancelled_by,
        "cancelled_at": _when(row.cancelled_at),
        "reminder_sent_at": _when(row.reminder_sent_at),
        "purged_at": _when(row.purged_at),
    }


def _appointment(appointment: Appointment, network: Network) -> dict[str, Any]:
    slot = appointment.slot
    permanence = slot.permanence
    return {
        **_contact(appointment, network),
        # Which staff member booked it is about them, not about the person: only whether
        # it was booked at the desk by the team.
        "booked_by": "staff" if appointment.booked_by_id else None,
        "need": appointment.need.name if appointment.need else None,
        "slot": {
            "starts_at": _when(slot.starts_at),
            "ends_at": _when(slot.ends_at),
            "what": permanence.title,
            "partner": permanence.structure.name if permanence.structure else None,
            "place": _place(slot.site),
        },
    }


def _registration(registration: Registration, network: Network) -> dict[str, Any]:
    workshop = registration.workshop
    return {
        **_contact(registration, network),
        "registered_by": "staff" if registration.registered_by_id else None,
        "promoted_at": _when(registration.promoted_at),
        "workshop": {
            "title": workshop.title,
            "place": _place(workshop.site),
            "sessions": [
                {"starts_at": _when(s.starts_at), "ends_at": _when(s.ends_at)}
                for s in workshop.sessions.all()
            ],
        },
        "attendance": [
            {"session_starts_at": _when(a.session.starts_at), "present": a.present}
            for a in registration.attendances.all()
        ],
    }


def as_json(found: Holdings, *, at: datetime.datetime | None = None) -> dict[str, Any]:
    """The export of ``found``: plain JSON types, dates in ISO 8601 (local time)."""
    network = found.network
    kept = PrivacySettings.for_network(network)
    return {
        "format": EXPORT_FORMAT,
        "generated_at": _when(at or timezone.now()),
        "network": {"name": network.name, "slug": network.slug},
        "controller": kept.controller_name or network.name,
        "retention": {
            "contact_days_after_the_date": kept.contact_days,
            "cancelled_days_after_cancellation": kept.cancelled_days,
        },
        "counts": found.counts(),
        "appointments": [_appointment(a, network) for a in found.appointments],
        "registrations": [_registration(r, network) for r in found.registrations],
    }


def collect(*, network: Network, contact_key: str, reach: Reach = Reach.CONTACT) -> dict[str, Any]:
    """Everything ``network`` holds for this contact, as JSON-able data."""
    return as_json(holdings(network=network, contact_key=contact_key, reach=reach))


@transaction.atomic
def access(
    *,
    network: Network,
    contact_key: str,
    origin: Requester,
    actor=None,
    role: str = "",
    kind: str = "export",
    booking: Appointment | Registration | None = None,
) -> Holdings:
    """Answer an access request: the rows found, and the journal says it was answered
    (by whom, through which door, how many rows: never for whom). ``booking``: the
    manage link's own booking (``Requester.VISITOR_LINK`` reaches nothing else)."""
    found = holdings(network=network, contact_key=contact_key, reach=origin.reach, booking=booking)
    journal.record(
        action=JournalAction.RIGHTS_ACCESS,
        network=network,
        actor=actor,
        actor_role=role,
        obj=booking,
        details={"origin": str(origin), "kind": kind, **found.counts()},
    )
    return found


# --- Erasure ----------------------------------------------------------------------


@transaction.atomic
def preview_erasure(*, network: Network, contact_key: str, actor, role: str = "") -> Holdings:
    """What an erasure asked of staff would erase, shown before they confirm. Showing it
    is a look at contact data: journaled as such, with the counts."""
    found = holdings(network=network, contact_key=contact_key, reach=Reach.REQUEST)
    journal.record(
        action=JournalAction.CONTACT_VIEWED,
        network=network,
        actor=actor,
        actor_role=role,
        details={"purpose": "rights_erasure", **found.counts()},
    )
    return found


@dataclass(frozen=True)
class Erased:
    """What an erasure did; ``promoted``: people who left a waiting list for the seat
    freed (the caller tells them, as after any cancellation)."""

    appointments: int = 0
    registrations: int = 0
    appointments_cancelled: int = 0
    registrations_cancelled: int = 0
    promoted: list[Registration] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "appointments": self.appointments,
            "registrations": self.registrations,
            "appointments_cancelled": self.appointments_cancelled,
            "registrations_cancelled": self.registrations_cancelled,
            "promoted": len(self.promoted),
        }


@transaction.atomic
def erase(
    *,
    network: Network,
    contact_key: str,
    origin: Requester,
    actor=None,
    role: str = "",
    booking: Appointment | Registration | None = None,
    now: datetime.datetime | None = None,
) -> Erased:
    """Erase what this door reaches (``holdings``); journaled with the counts.

    Bookings still to come are cancelled first through the agenda's services, so the
    seat is freed (and a workshop's first person waiting promoted); the person is not
    told, since nothing is left to reach them with. Raises NothingHeld when no row holds
    the contact."""
    now = now or timezone.now()
    found = holdings(network=network, contact_key=contact_key, reach=origin.reach, booking=booking)
    if found.empty:
        raise NothingHeld(contact_key)
    canceller = CancelledBy.VISITOR if origin.by_visitor else CancelledBy.STAFF
    appointments_cancelled = 0
    for appointment in found.appointments:
        if rules.holds_a_seat_to_come(appointment, now=now):
            cancel_appointment(appointment=appointment, cancelled_by=canceller, now=now, tell=False)
            appointments_cancelled += 1
    registrations_cancelled, promoted = 0, []
    for registration in found.registrations:
        if rules.holds_a_seat_to_come(registration, now=now):
            freed_for = cancel_registration(  # tells the person promoted, not the erased
                registration=registration, cancelled_by=canceller, now=now, tell=False
            )
            registrations_cancelled += 1
            if freed_for is not None:
                promoted.append(freed_for)
    erased = Erased(
        appointments=anonymise(
            Appointment.objects.filter(pk__in=[a.pk for a in found.appointments]), now=now
        ),
        registrations=anonymise(
            Registration.objects.filter(pk__in=[r.pk for r in found.registrations]), now=now
        ),
        appointments_cancelled=appointments_cancelled,
        registrations_cancelled=registrations_cancelled,
        # A person promoted here may be the very person erased (two registrations of
        # theirs to one workshop cannot both be active): tell only those still reachable.
        promoted=[p for p in promoted if not _is_among(p, found.registrations)],
    )
    journal.record(
        action=JournalAction.RIGHTS_ERASURE,
        network=network,
        actor=actor,
        actor_role=role,
        obj=booking,
        details={"origin": str(origin), **erased.counts()},
        at=now,
    )
    return erased


def _is_among(registration: Registration, rows: list[Registration]) -> bool:
    return any(row.pk == registration.pk for row in rows)


def to_cancel(found: Holdings, *, now: datetime.datetime) -> dict[str, int]:
    """How many of the rows found an erasure would cancel (said before confirming)."""
    return {
        "appointments": sum(rules.holds_a_seat_to_come(a, now=now) for a in found.appointments),
        "registrations": sum(rules.holds_a_seat_to_come(r, now=now) for r in found.registrations),
    }
