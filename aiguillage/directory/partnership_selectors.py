"""Reads of a network's partnerships, always scoped to that network.

Partnerships are what a network thinks of a structure: unlike the structures
themselves they are private to the network. Every read takes the network and
never reaches another one's rows; a partnership of another network is answered
exactly like one that does not exist.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from aiguillage.catalog.models import Need
from aiguillage.core.models import Network
from aiguillage.directory.models import (
    PartnerContact,
    Partnership,
    PartnershipChange,
    PriorityNeed,
)


def _with_details(partnerships: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """What a list or a detail page shows, in a fixed number of queries."""
    return partnerships.select_related("structure").prefetch_related(
        Prefetch("reference_needs", queryset=Need.objects.select_related("theme")),
        Prefetch("contacts", queryset=PartnerContact.objects.order_by("name", "pk")),
    )


def partnerships_of_network(
    *, network: Network, status: str | None = None
) -> QuerySet[Partnership]:
    """The network's partnerships by structure name, optionally of one status.

    Structure, reference needs (with their theme) and contacts come prefetched: a
    page listing them makes the same number of queries for 1 or 500 partners.
    """
    partnerships = Partnership.objects.of_network(network)
    if status:
        partnerships = partnerships.filter(status=status)
    return _with_details(partnerships).order_by("structure__name", "pk")


def get_partnership(*, network: Network, pk: int) -> Partnership:
    """One partnership of the network; ``Partnership.DoesNotExist`` for any other.

    A view turns the exception into a 404 (``get_object_or_404`` semantics), so
    another network's partnership is indistinguishable from a missing one.
    """
    return _with_details(Partnership.objects.of_network(network)).get(pk=pk)


def history_of(*, partnership: Partnership) -> QuerySet[PartnershipChange]:
    """The changes of a partnership, newest first, with who made them.

    Takes a partnership already read through ``get_partnership``: that is where
    the network is checked.
    """
    return partnership.history.select_related("changed_by").order_by("-changed_at", "-pk")


def priority_needs_of(*, network: Network) -> QuerySet[Need]:
    """The needs the network's coordinator looks for partners for, in catalog order."""
    return Need.objects.filter(
        pk__in=PriorityNeed.objects.filter(network=network).values("need_id")
    ).select_related("theme")
