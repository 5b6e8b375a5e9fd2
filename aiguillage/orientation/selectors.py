"""Reads of the interaction record, scoped to one network (the demand over a period is
the reporting's: aiguillage/reporting/demand.py)."""

from __future__ import annotations

import datetime

from aiguillage.core.models import Network, Site
from aiguillage.orientation.models import Interaction, InteractionChannel


def desk_conversations_on(*, network: Network, day: datetime.date, site: Site | None = None) -> int:
    """How many desk conversations were recorded on ``day`` (at ``site``, or anywhere in
    the network): a count, never a row."""
    conversations = Interaction.objects.of_network(network).filter(
        channel=InteractionChannel.DESK, day=day
    )
    if site is not None:
        conversations = conversations.filter(site=site)
    return conversations.count()
