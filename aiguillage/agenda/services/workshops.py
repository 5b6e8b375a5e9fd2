"""Registering for a workshop, the waiting list, and freeing a seat.

As for slots, a seat (or a place on the waiting list) is taken by a conditional
``UPDATE`` of the workshop's counters, so concurrent registrations from several
server processes can never exceed either. When a confirmed person cancels, the first
person waiting (in order of registration) takes the seat in the same transaction.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from aiguillage.agenda.contact import Visitor, checked_visitor, contact_fields, contact_key
from aiguillage.agenda.models import (
    Channel,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
)
from aiguillage.agenda.services.errors import (
    AlreadyBooked,
    ClosedToThisChannel,
    SlotUnavailable,
    WorkshopFull,
)


def _already() -> str:
    return _("Cette personne est déjà inscrite à cet atelier (ou en liste d'attente).")


def _check_open(workshop: Workshop, *, channel: str, now: datetime.datetime) -> None:
    if workshop.status != WorkshopStatus.PUBLISHED:
        raise SlotUnavailable(_("Cet atelier n'est pas ouvert aux inscriptions."))
    if workshop.starts_at is not None and workshop.starts_at <= now:
        raise SlotUnavailable(_("Cet atelier a déjà commencé."))
    if channel == Channel.ONLINE and not workshop.public_registration:
        raise ClosedToThisChannel(_("Les inscriptions à cet atelier se font à l'accueil."))
    if channel == Channel.DESK and not workshop.desk_registration:
        raise ClosedToThisChannel(_("Les inscriptions à cet atelier se font en ligne."))


def _take(workshop_pk: int, counter: str, limit: str) -> bool:
    return bool(
        Workshop.objects.filter(pk=workshop_pk, **{f"{counter}__lt": F(limit)}).update(
            **{counter: F(counter) + 1}
        )
    )


@transaction.atomic
def register(
    *,
    workshop: Workshop,
    visitor: Visitor,
    channel: str,
    now: datetime.datetime,
    by=None,
) -> Registration:
    """A confirmed seat if there is one, else a place on the waiting list, else
    WorkshopFull; the same contact twice is AlreadyBooked. Nothing is written on error."""
    visitor = checked_visitor(visitor)
    workshop = Workshop.objects.get(pk=workshop.pk)
    _check_open(workshop, channel=channel, now=now)
    key = contact_key(visitor)
    if Registration.objects.active().filter(workshop=workshop, contact_key=key).exists():
        raise AlreadyBooked(_already())
    if _take(workshop.pk, "confirmed", "capacity"):
        status = RegistrationStatus.CONFIRMED
    elif _take(workshop.pk, "waitlisted", "waitlist_capacity"):
        status = RegistrationStatus.WAITLISTED
    else:
        raise WorkshopFull(_("L'atelier et sa liste d'attente sont complets."))
    try:
        with transaction.atomic():
            return Registration.objects.create(
                network_id=workshop.network_id,
                workshop=workshop,
                status=status,
                channel=channel,
                registered_by=by,
                **contact_fields(visitor),
            )
    except IntegrityError as exc:  # the same contact, at the same instant
        raise AlreadyBooked(_already()) from exc


@transaction.atomic
def cancel_registration(
    *, registration: Registration, by: str, now: datetime.datetime
) -> Registration | None:
    """Cancel; if a confirmed seat is freed, promote the first person waiting.

    Returns the promoted registration (to be told), or None.
    """
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        return None
    was = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_by = by
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_by", "cancelled_at", "updated_at"])
    if was == RegistrationStatus.WAITLISTED:
        Workshop.objects.filter(pk=registration.workshop_id, waitlisted__gt=0).update(
            waitlisted=F("waitlisted") - 1
        )
        return None
    return _promote_first(registration.workshop_id, now=now, freed=True)


def _promote_first(workshop_pk: int, *, now: datetime.datetime, freed: bool) -> Registration | None:
    """Move the first waiting person to the seat just freed (the counter of confirmed
    seats does not change), or give the seat back when nobody waits."""
    first = (
        Registration.objects.select_for_update()
        .filter(workshop_id=workshop_pk)
        .waiting_in_order()
        .first()
    )
    if first is None:
        if freed:
            Workshop.objects.filter(pk=workshop_pk, confirmed__gt=0).update(
                confirmed=F("confirmed") - 1
            )
        return None
    first.status = RegistrationStatus.CONFIRMED
    first.promoted_at = now
    first.save(update_fields=["status", "promoted_at", "updated_at"])
    Workshop.objects.filter(pk=workshop_pk, waitlisted__gt=0).update(waitlisted=F("waitlisted") - 1)
    return first


@transaction.atomic
def change_capacity(*, workshop: Workshop, capacity: int, now: datetime.datetime) -> list:
    """More seats promote people waiting; fewer seats than confirmed people is refused
    (the staff page asks whom to move first). Returns the promoted registrations."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if capacity < workshop.confirmed:
        raise SlotUnavailable(
            _("%(n)s personnes sont déjà inscrites : il faut au moins %(n)s places.")
            % {"n": workshop.confirmed}
        )
    Workshop.objects.filter(pk=workshop.pk).update(capacity=capacity)
    promoted = []
    for _seat in range(capacity - workshop.confirmed):
        if not Registration.objects.filter(workshop=workshop).waiting_in_order().exists():
            break
        Workshop.objects.filter(pk=workshop.pk).update(confirmed=F("confirmed") + 1)
        promoted.append(_promote_first(workshop.pk, now=now, freed=False))
    return promoted
