"""Reads of the audit journal, always one network's entries (the journal page)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from aiguillage.core.models import Network
from aiguillage.privacy.models.journal import JournalEntry, JournalHead


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def network_entries(
    network: Network,
    *,
    action: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[JournalEntry]:
    """The network's entries, newest first; ``since`` and ``until`` are local days,
    both included."""
    entries = JournalEntry.objects.of_network(network)
    if action:
        entries = entries.filter(action=action)
    if since is not None:
        entries = entries.filter(created_at__gte=_local_midnight(since))
    if until is not None:
        entries = entries.filter(created_at__lt=_local_midnight(until + datetime.timedelta(days=1)))
    return entries.order_by("-seq")


def journal_end() -> int:
    """The number of the journal's last entry (0 when empty): an export stops there."""
    head = JournalHead.objects.filter(pk=1).values_list("last_seq", flat=True).first()
    return head or 0
