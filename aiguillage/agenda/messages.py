"""What the visitor receives: the words of each message, in an e-mail or a text.

Each kind of message is a template (``agenda/email/<kind>.txt`` and
``agenda/sms/<kind>.txt``). A network can word its own messages: a template at
``agenda/email/<network slug>/<kind>.txt`` (in ``NOTIFICATION_TEMPLATES_DIR``, see
docs/agenda.md) is used before the default one. The facts (what, where, when, the
manage link) are given to every template, so a network changes the tone, not the
facts. Messages are written in French, whatever the language of the request that
caused them: the worker sends them later, outside any request.

A text message is one GSM-7 segment (``aiguillage.agenda.sms``): its template gets the
short manage link, and ``what``, ``site_name`` and ``sender`` (the network's name)
shortened as much as the segment needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import select_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aiguillage.agenda import rules
from aiguillage.agenda.booking_ics import Period, booking_calendar
from aiguillage.agenda.links import manage_url, short_manage_url
from aiguillage.agenda.models import Appointment, Registration, RegistrationStatus
from aiguillage.agenda.sms import fit
from aiguillage.core.validators import single_line


class MessageKind:
    APPOINTMENT_BOOKED = "appointment_booked"
    APPOINTMENT_MOVED = "appointment_moved"
    APPOINTMENT_CANCELLED = "appointment_cancelled"
    OCCURRENCE_CANCELLED = "occurrence_cancelled"
    APPOINTMENT_REMINDER = "appointment_reminder"
    REGISTRATION_MADE = "registration_made"
    REGISTRATION_CANCELLED = "registration_cancelled"
    REGISTRATION_PROMOTED = "registration_promoted"
    REGISTRATION_REMINDER = "registration_reminder"
    WORKSHOP_DATES_CHANGED = "workshop_dates_changed"

    FOR_APPOINTMENTS = frozenset(
        {
            APPOINTMENT_BOOKED,
            APPOINTMENT_MOVED,
            APPOINTMENT_CANCELLED,
            OCCURRENCE_CANCELLED,
            APPOINTMENT_REMINDER,
        }
    )
    FOR_REGISTRATIONS = frozenset(
        {
            REGISTRATION_MADE,
            REGISTRATION_CANCELLED,
            REGISTRATION_PROMOTED,
            REGISTRATION_REMINDER,
            WORKSHOP_DATES_CHANGED,
        }
    )
    # Told that it will not take place: the calendar file strikes the event out.
    CANCELLING = frozenset({APPOINTMENT_CANCELLED, OCCURRENCE_CANCELLED, REGISTRATION_CANCELLED})


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    sms: str
    ics: bytes | None


def _subject(kind: str, what: str, booking) -> str:
    subjects = {
        MessageKind.APPOINTMENT_BOOKED: _("Votre rendez-vous : %(what)s"),
        MessageKind.APPOINTMENT_MOVED: _("Nouvel horaire : %(what)s"),
        MessageKind.APPOINTMENT_CANCELLED: _("Rendez-vous annulé : %(what)s"),
        MessageKind.OCCURRENCE_CANCELLED: _("Annulation : %(what)s n'aura pas lieu"),
        MessageKind.APPOINTMENT_REMINDER: _("Rappel : votre rendez-vous %(what)s"),
        MessageKind.REGISTRATION_CANCELLED: _("Inscription annulée : %(what)s"),
        MessageKind.REGISTRATION_PROMOTED: _("Une place s'est libérée : %(what)s"),
        MessageKind.REGISTRATION_REMINDER: _("Rappel : l'atelier %(what)s"),
        MessageKind.WORKSHOP_DATES_CHANGED: _("Changement de dates : %(what)s"),
    }
    if kind == MessageKind.REGISTRATION_MADE:
        if booking.status == RegistrationStatus.WAITLISTED:
            return _("Liste d'attente : %(what)s") % {"what": what}
        return _("Votre inscription : %(what)s") % {"what": what}
    return subjects[kind] % {"what": what}


def _facts(booking: Appointment | Registration) -> tuple[dict, list[Period], str]:
    if isinstance(booking, Appointment):
        slot = booking.slot
        permanence = slot.permanence
        periods = [Period(f"appointment-{booking.pk}", slot.starts_at, slot.ends_at)]
        return (
            {
                "what": permanence.title,
                "site": permanence.site,
                "starts_at": timezone.localtime(slot.starts_at),
                "ends_at": timezone.localtime(slot.ends_at),
                "sessions": [],
                "need": booking.need.name if booking.need_id else "",
                # What to bring: the démarche's own list (the confirmation carries it).
                "documents": list(booking.need.documents or []) if booking.need_id else [],
                "reason": slot.occurrence.cancel_reason,
                "bring": "",
            },
            periods,
            permanence.title,
        )
    workshop = booking.workshop
    sessions = list(workshop.sessions.all())
    periods = [
        Period(f"registration-{booking.pk}-session-{s.pk}", s.starts_at, s.ends_at)
        for s in sessions
    ]
    return (
        {
            "what": workshop.title,
            "site": workshop.site,
            "starts_at": timezone.localtime(sessions[0].starts_at) if sessions else None,
            "ends_at": timezone.localtime(sessions[0].ends_at) if sessions else None,
            "sessions": [
                (timezone.localtime(s.starts_at), timezone.localtime(s.ends_at)) for s in sessions
            ],
            "need": "",
            "documents": [],
            "reason": "",
            "bring": workshop.what_to_bring,
            "waiting_position": rules.waiting_position(booking),
            "waitlisted": booking.status == RegistrationStatus.WAITLISTED,
        },
        periods,
        workshop.title,
    )


def _render(folder: str, kind: str, network_slug: str, context: dict) -> str:
    template = select_template(
        [f"agenda/{folder}/{network_slug}/{kind}.txt", f"agenda/{folder}/{kind}.txt"]
    )
    return template.render(context).strip() + "\n"


def _sms(kind: str, slug: str, context: dict, booking: Appointment | Registration) -> str:
    """The text message: one GSM-7 segment, with the short manage link; the title, the
    place and the sender's name are shortened when the whole does not fit."""
    site = context.get("site")
    shortenable = {
        "what": str(context.get("what", "")),
        "site_name": site.name if site is not None else "",
        "sender": booking.network.name,
    }
    fixed = {**context, "manage_url": short_manage_url(booking)}
    return fit(lambda values: _render("sms", kind, slug, {**fixed, **values}), shortenable)


def calendar_file(booking: Appointment | Registration) -> bytes | None:
    """The booking's calendar file as it stands, the same events (same UIDs) as in its
    messages; None when there is no date to put in a calendar (a waiting list)."""
    with translation.override("fr"), timezone.override(booking.network.zone):
        return _calendar(booking, _facts(booking), cancelled=False, replaces=None)


def _calendar(
    booking: Appointment | Registration,
    found: tuple[dict, list[Period], str],
    *,
    cancelled: bool,
    replaces: Appointment | None,
) -> bytes | None:
    """The calendar file from facts already gathered (``compose`` has them). With
    ``replaces``, the file also strikes out the appointment a move replaced."""
    facts, periods, summary = found
    if not periods or facts.get("waitlisted"):
        return None
    description = _("Voir, déplacer ou annuler : %(link)s") % {"link": manage_url(booking)}
    events = [(periods, cancelled)]
    if replaces is not None:
        events.insert(0, (_facts(replaces)[1], True))
    return booking_calendar(
        events=events,
        summary=summary,
        site=facts["site"],
        description=description,
        stamp=timezone.now(),
    )


def compose(
    kind: str, booking: Appointment | Registration, *, previous: Appointment | None = None
) -> Message:
    """The message of ``kind`` about ``booking``, with its calendar file when there is
    a date to put in a calendar (a place on a waiting list is not one yet).
    ``previous`` is the appointment a move replaced."""
    with translation.override("fr"), timezone.override(booking.network.zone):
        found = _facts(booking)
        facts = found[0]
        context = {
            **facts,
            "kind": kind,
            "first_name": booking.first_name,
            "network": booking.network,
            "manage_url": manage_url(booking),
            "accessibility_needs": booking.accessibility_needs,
            "previous_starts_at": (
                timezone.localtime(previous.slot.starts_at) if previous is not None else None
            ),
        }
        slug = booking.network.slug
        return Message(
            subject=single_line(_subject(kind, facts["what"], booking)),
            body=_render("email", kind, slug, context),
            sms=_sms(kind, slug, context, booking),
            ics=_calendar(
                booking, found, cancelled=kind in MessageKind.CANCELLING, replaces=previous
            ),
        )
