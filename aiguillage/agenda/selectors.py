"""Reads of the agenda, always scoped to one network."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare

from aiguillage.agenda.contact import read_manage_token
from aiguillage.agenda.links import APPOINTMENT, REGISTRATION
from aiguillage.agenda.models import (
    Appointment,
    OccurrenceStatus,
    Permanence,
    Registration,
    Slot,
)
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site

MAX_SLOTS = 100


def free_slots(
    *,
    network: Network,
    after: datetime.datetime,
    before: datetime.datetime | None = None,
    need: Need | None = None,
    site: Site | None = None,
    public_only: bool = False,
    limit: int = 20,
) -> list[Slot]:
    """The free slots of ``network`` starting after ``after``, earliest first.

    Slots are materialised, so this is one indexed read: no rule is expanded here.
    With ``need``, only permanences that say they handle it.
    """
    slots: QuerySet[Slot] = (
        Slot.objects.of_network(network)
        .free()
        .filter(
            starts_at__gt=after,
            occurrence__status=OccurrenceStatus.SCHEDULED,
            permanence__is_active=True,
        )
    )
    if before is not None:
        slots = slots.filter(starts_at__lt=before)
    if site is not None:
        slots = slots.filter(site=site)
    if public_only:
        slots = slots.filter(is_public=True)
    if need is not None:
        # The permanences first (a few dozen ids), then their slots through the
        # (permanence, start) index: a need nobody handles costs one small read instead
        # of a walk over every future free slot of the network (docs/benchmarks.md).
        handling = list(
            Permanence.objects.filter(network=network, is_active=True, needs=need).values_list(
                "pk", flat=True
            )
        )
        if not handling:
            return []
        slots = slots.filter(permanence_id__in=handling)
    limit = min(max(limit, 1), MAX_SLOTS)
    return list(slots.select_related("permanence", "site").order_by("starts_at", "pk")[:limit])


def booking_of_manage_token(
    token: str, *, network: Network | None = None
) -> Appointment | Registration | None:
    """The booking a manage link names (the portal's page, "Mes données", the API's
    cancel), or None: a forged, altered or revoked token, an erased booking, or (with
    ``network``) another network's. The one place a manage token is read; its key is
    compared in constant time. Comes with what the manage page shows."""
    for kind, model in ((APPOINTMENT, Appointment), (REGISTRATION, Registration)):
        read = read_manage_token(token, kind)
        if read is None:
            continue
        pk, key = read
        found = model.objects.filter(pk=pk, purged_at__isnull=True)
        if network is not None:
            found = found.filter(network=network)
        if model is Appointment:
            found = found.select_related(
                "slot__permanence__site", "slot__occurrence", "need", "network"
            )
        else:
            found = found.select_related("workshop__site", "network").prefetch_related(
                "workshop__sessions"
            )
        booking = found.first()
        if booking is None or not constant_time_compare(booking.manage_key, key):
            return None
        return booking
    return None
