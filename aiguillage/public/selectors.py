"""What the public may see of a network: public sites, open workshops, bookable slots.

Every read starts from a Network found by its slug and keeps to it; anything not
public (a draft workshop, a desk-only permanence, a hidden site, another network's
row) is answered like something that does not exist.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from aiguillage.agenda import rules
from aiguillage.agenda.models import (
    BookableBy,
    Channel,
    OccurrenceStatus,
    Permanence,
    Slot,
    Workshop,
)
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site

NEXT_SLOTS = 3  # shown per permanence on the network's and the site's pages


def get_public_network(slug: str) -> Network:
    network = Network.objects.active().filter(slug=slug).first()
    if network is None:
        raise Http404("No such network.")
    return network


def public_sites_of(network: Network) -> QuerySet[Site]:
    return Site.objects.public().of_network(network).order_by("name")


def get_public_site(network: Network, slug: str) -> Site:
    site = public_sites_of(network).filter(slug=slug).first()
    if site is None:
        raise Http404("No such site.")
    return site


# Workshops


def _open_workshops(network: Network) -> QuerySet[Workshop]:
    return Workshop.objects.of_network(network).open_to_public().filter(site__is_active=True)


def upcoming_workshops(network: Network, *, now: datetime.datetime) -> list[Workshop]:
    """Workshops open to online registration, not started, with a seat or a place on
    the waiting list left; earliest first, sessions prefetched."""
    workshops = (
        _open_workshops(network)
        .filter(starts_at__gt=now)
        .filter(Q(confirmed__lt=F("capacity")) | Q(waitlisted__lt=F("waitlist_capacity")))
    )
    return list(
        workshops.select_related("site").prefetch_related("sessions").order_by("starts_at", "pk")
    )


def get_public_workshop(network: Network, pk: int) -> Workshop:
    """A workshop of the network open to online registration (even full or begun: its
    page then says so)."""
    workshop = (
        _open_workshops(network)
        .select_related("site")
        .prefetch_related("sessions", "needs")
        .filter(pk=pk)
        .first()
    )
    if workshop is None:
        raise Http404("No such workshop.")
    return workshop


# Permanences and slots


def _bookable_permanences(network: Network) -> QuerySet[Permanence]:
    """Active permanences of the network that the public may book online, at a public
    site, with slots (a walk-in permanence has none to book)."""
    return (
        Permanence.objects.of_network(network)
        .active()
        .filter(
            bookable_by=BookableBy.PUBLIC,
            slot_minutes__isnull=False,
            site__is_public=True,
            site__is_active=True,
        )
    )


def bookable_permanences(network: Network) -> list[Permanence]:
    return list(
        _bookable_permanences(network)
        .select_related("site", "structure")
        .prefetch_related("needs")
        .order_by("site__name", "title")
    )


def get_bookable_permanence(network: Network, pk: int) -> Permanence:
    permanence = (
        _bookable_permanences(network)
        .select_related("site", "structure")
        .prefetch_related("needs")
        .filter(pk=pk)
        .first()
    )
    if permanence is None:
        raise Http404("No such permanence.")
    return permanence


def get_public_partner_permanence(network: Network, pk: int) -> Permanence:
    """A partner's permanence at a public site (its calendar feed is public)."""
    permanence = (
        Permanence.objects.of_network(network)
        .active()
        .filter(kind="partner", site__is_public=True, site__is_active=True, pk=pk)
        .select_related("site")
        .first()
    )
    if permanence is None:
        raise Http404("No such permanence.")
    return permanence


def _free_public_slots() -> QuerySet[Slot]:
    """Free slots the public may book: the booking rules of ``book_slot`` for the online
    channel, as a query (open, scheduled, public, a seat left)."""
    return (
        Slot.objects.free()
        .filter(
            is_public=True,
            occurrence__status=OccurrenceStatus.SCHEDULED,
            permanence__is_active=True,
            permanence__bookable_by=BookableBy.PUBLIC,
        )
        .select_related("permanence", "site")
    )


def next_free_slots(
    permanences: list[Permanence], *, now: datetime.datetime, per_permanence: int = NEXT_SLOTS
) -> dict[int, list[Slot]]:
    """The first free public slots of each permanence, past its cut-off, in one query
    (a window function numbers each permanence's slots)."""
    if not permanences:
        return {}
    bounds = rules.open_online_q(permanences, now)
    ranked = (
        _free_public_slots()
        .filter(bounds)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("permanence_id")], order_by=["starts_at"])
        )
        .filter(rank__lte=per_permanence)
        .order_by("permanence_id", "starts_at", "pk")
    )
    found: dict[int, list[Slot]] = defaultdict(list)
    for slot in ranked:
        found[slot.permanence_id].append(slot)
    return dict(found)


def free_slots_between(
    permanence: Permanence,
    *,
    now: datetime.datetime,
    start: datetime.datetime,
    end: datetime.datetime,
    exclude: Slot | None = None,
) -> list[Slot]:
    """The free public slots of one permanence in [start, end), past its cut-off."""
    slots = (
        _free_public_slots()
        .filter(permanence=permanence, starts_at__gte=start, starts_at__lt=end)
        .filter(rules.open_online_q([permanence], now))
    )
    if exclude is not None:
        slots = slots.exclude(pk=exclude.pk)
    return list(slots.order_by("starts_at", "pk"))


def first_free_slot_after(
    permanence: Permanence, *, now: datetime.datetime, after: datetime.datetime
) -> Slot | None:
    """The next free public slot from ``after`` on (to point at the next week with one)."""
    return (
        _free_public_slots()
        .filter(permanence=permanence, starts_at__gte=after)
        .filter(rules.open_online_q([permanence], now))
        .order_by("starts_at", "pk")
        .first()
    )


def get_public_slot(network: Network, pk: int) -> Slot:
    """A slot the public may book online at a public site of the network (full or past:
    the page then says so; desk-only: it does not exist for the public)."""
    slot = (
        Slot.objects.of_network(network)
        .bookable_online()
        .filter(pk=pk)
        .select_related("permanence__site", "occurrence")
        .first()
    )
    if slot is None:
        raise Http404("No such slot.")
    return slot


def is_bookable_online(slot: Slot, *, now: datetime.datetime) -> bool:
    return rules.can_book_slot(slot, channel=Channel.ONLINE, now=now)


def needs_of(permanence: Permanence) -> list[Need]:
    """The démarches a permanence handles (prefetched), by name; inactive ones left out."""
    return sorted((n for n in permanence.needs.all() if n.is_active), key=lambda n: n.name)
