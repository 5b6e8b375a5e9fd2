"""What the desk was asked for, over a period: the demand the coverage page and the
partner finder show (a coordinator looks for partners where the demand is).

Counts grouped by need, never a row of the interaction record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from aiguillage.core.models import Network
from aiguillage.orientation.models import Interaction, Outcome

DEMAND_WINDOW_DAYS = 90


@dataclass(frozen=True)
class NeedDemand:
    slug: str
    name: str
    theme: str
    asked: int
    unmet: int

    @property
    def met(self) -> int:
        return self.asked - self.unmet


def demand_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(days=DEMAND_WINDOW_DAYS - 1), today


def need_demand(
    *, network: Network, first_day: datetime.date, last_day: datetime.date, limit: int = 10,
    unmet_only: bool = False,
) -> list[NeedDemand]:  # fmt: skip
    """Needs by how often they were asked (or, ``unmet_only``, left without solution),
    over a period: one grouped query. Interactions without a recognised need are left
    out (there is nothing to search partners for)."""
    rows = (
        Interaction.objects.of_network(network)
        .between(first_day, last_day)
        .filter(need__isnull=False)
        .values("need__slug", "need__name", "need__theme__name")
        .annotate(asked=Count("pk"), unmet=Count("pk", filter=Q(outcome=Outcome.NO_SOLUTION)))
    )
    if unmet_only:
        rows = rows.filter(unmet__gt=0).order_by("-unmet", "-asked", "need__name")
    else:
        rows = rows.order_by("-asked", "-unmet", "need__name")
    return [
        NeedDemand(
            slug=row["need__slug"],
            name=row["need__name"],
            theme=row["need__theme__name"],
            asked=row["asked"],
            unmet=row["unmet"],
        )
        for row in rows[:limit]
    ]
