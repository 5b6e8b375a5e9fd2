"""Declaring an exceptional closure: the bookings it touches are listed first, then
cancelled (or, for a workshop with sessions left outside the closure, the sessions in
it removed), each person told once the transaction commits, all in one transaction.

A closure covers whole local days of the site (or of every site of the network) in
the network's time zone. Only what is still to come is touched: a date that has
started is history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from aiguillage.agenda import notify
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    Closure,
    Occurrence,
    OccurrenceStatus,
    Registration,
    Workshop,
    WorkshopSession,
    WorkshopStatus,
)
from aiguillage.agenda.services.permanences import cancel_occurrence
from aiguillage.agenda.services.workshops import cancel_workshop_for_closure
from aiguillage.agenda.staff_selectors import day_bounds
from aiguillage.core.models import Network, Site


@dataclass
class ClosureImpact:
    """What a closure would touch, listed before anything is written."""

    occurrences: list[Occurrence] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    workshops_cancelled: list[Workshop] = field(default_factory=list)  # no session left
    sessions_removed: list[WorkshopSession] = field(default_factory=list)  # others kept
    registrations: list[Registration] = field(default_factory=list)
    registrations_cancelled: list[Registration] = field(default_factory=list)  # filled on declare

    @property
    def people(self) -> int:
        return len(self.appointments) + len(self.registrations)


@dataclass
class ClosureDeclared:
    closure: Closure
    impact: ClosureImpact


def closure_impact(
    *,
    network: Network,
    site: Site | None,
    starts_on: datetime.date,
    ends_on: datetime.date,
    now: datetime.datetime,
) -> ClosureImpact:
    """The dates, bookings and registrations a closure over [starts_on, ends_on] would
    cancel, from ``now`` on."""
    start, end = day_bounds(starts_on, (ends_on - starts_on).days + 1, zone=network.zone)
    start = max(start, now)
    where = {"site": site} if site is not None else {}
    impact = ClosureImpact()
    impact.occurrences = list(
        Occurrence.objects.filter(
            permanence__network=network,
            status=OccurrenceStatus.SCHEDULED,
            starts_at__gte=start,
            starts_at__lt=end,
            **{f"permanence__{k}": v for k, v in where.items()},
        )
        .select_related("permanence__site")
        .order_by("starts_at", "pk")
    )
    impact.appointments = list(
        Appointment.objects.filter(
            slot__occurrence__in=impact.occurrences, status=AppointmentStatus.BOOKED
        )
        .select_related("slot__permanence__site", "need")
        .order_by("slot__starts_at", "pk")
    )
    sessions = list(
        WorkshopSession.objects.filter(
            workshop__network=network,
            starts_at__gte=start,
            starts_at__lt=end,
            **{f"workshop__{k}": v for k, v in where.items()},
        )
        .exclude(workshop__status=WorkshopStatus.CANCELLED)
        .select_related("workshop__site")
        .order_by("starts_at", "pk")
    )
    touched: dict[int, list[WorkshopSession]] = {}
    for session in sessions:
        touched.setdefault(session.workshop_id, []).append(session)
    for workshop_id, inside in touched.items():
        workshop = inside[0].workshop
        if {s.pk for s in workshop.sessions.all()} <= {s.pk for s in inside}:
            impact.workshops_cancelled.append(workshop)
        else:
            impact.sessions_removed.extend(inside)
        impact.registrations.extend(
            Registration.objects.filter(workshop_id=workshop_id).active().order_by("pk")
        )
    return impact


@transaction.atomic
def declare_closure(
    *,
    network: Network,
    site: Site | None,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    actor,
    now: datetime.datetime,
) -> ClosureDeclared:
    """Record the closure and cancel what it touches, telling each person on commit.
    Raises ValidationError (nothing written) when the dates are out of order."""
    closure = Closure(
        network=network,
        site=site,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=" ".join(reason.split())[:120],
        created_by=actor,
    )
    closure.full_clean()
    closure.save()
    impact = closure_impact(
        network=network, site=site, starts_on=starts_on, ends_on=ends_on, now=now
    )
    with translation.override("fr"):  # told to visitors in French
        said = _("Fermeture exceptionnelle")
    said = f"{said} : {closure.reason}" if closure.reason else said
    for occurrence in impact.occurrences:
        cancel_occurrence(occurrence=occurrence, reason=said, now=now)  # tells the people
    for workshop in impact.workshops_cancelled:
        for registration in cancel_workshop_for_closure(workshop=workshop, now=now):
            impact.registrations_cancelled.append(registration)
            notify.registration_cancelled(registration)
    removed_from: dict[int, Workshop] = {}
    for session in impact.sessions_removed:
        removed_from[session.workshop_id] = session.workshop
        session.delete()
    for workshop in removed_from.values():
        first = workshop.sessions.order_by("starts_at").first()
        if first is None:  # every session closed: the workshop was cancelled above
            continue
        Workshop.objects.filter(pk=workshop.pk).update(starts_at=first.starts_at)
        for registration in impact.registrations:
            if registration.workshop_id == workshop.pk:
                notify.workshop_dates_changed(registration)
    return ClosureDeclared(closure=closure, impact=impact)
