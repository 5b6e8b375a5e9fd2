"""The components of a recommendation's score, each in [0, 1]: distance, delay, specific
support, fit with the person's autonomy, the charter's order of modes."""

from __future__ import annotations

import datetime

from aiguillage.orientation.engine.results import AUTONOMY_FIT, FIRST_TIMER_FIT
from aiguillage.orientation.engine.territory import deadline_end
from aiguillage.orientation.facts import (
    ORIENT_RADIUS_KM,
    Facts,
    PlaceFacts,
)
from aiguillage.orientation.situation import (
    FOREIGN_LANGUAGE_SUPPORT,
    SUPPORT_TO_LIEUX,
    Autonomy,
    Situation,
)


def distance_score(distance: float | None) -> float:
    if distance is None:
        return 1.0
    return round(1.0 - min(distance, ORIENT_RADIUS_KM) / ORIENT_RADIUS_KM, 3)


# How soon a place whose hours are unknown can receive: below any place known to open
# within the charter's delay (a guess must not rank above a fact).
UNKNOWN_DELAY = 0.25


def delay_score(
    moment: datetime.datetime | None, facts: Facts, situation: Situation, wait_days: int
) -> float:
    if moment is None:  # unknown hours: with a deadline, not a way to meet it
        return 0.0 if situation.deadline is not None else UNKNOWN_DELAY
    deadline = deadline_end(situation, facts.at)
    if deadline is not None and moment >= deadline:
        return 0.0
    days = max((moment - facts.at).total_seconds(), 0) / 86400
    return round(max(0.0, 1.0 - days / (2 * max(wait_days, 1))), 3)


def wanted_support(situation: Situation) -> set[str]:
    wanted = {SUPPORT_TO_LIEUX[s] for s in situation.support}
    if situation.french_not_mastered:
        wanted.add("Langues étrangères")
    return wanted


def place_support(place: PlaceFacts, situation: Situation) -> tuple[float, list[str]]:
    """Match of specific support, and the unmatched ones (for a warning)."""
    wanted = wanted_support(situation)
    if not wanted:
        return 0.5, []
    offered = set(place.specific_support)
    if offered & FOREIGN_LANGUAGE_SUPPORT:
        offered.add("Langues étrangères")
    matched = wanted & offered
    missing = sorted(wanted - offered)
    if not matched:
        return 0.2, missing
    return round(0.5 + 0.5 * len(matched) / len(wanted), 3), missing


def autonomy_fit(kind: str, situation: Situation) -> float:
    fit = AUTONOMY_FIT[situation.autonomy][kind]
    if situation.autonomy == Autonomy.AUTONOMOUS and situation.first_time:
        fit = FIRST_TIMER_FIT.get(kind, fit)
    if situation.french_not_mastered and kind == "online":
        fit = max(0.0, fit - 0.3)
    return fit


def charter_score(mode: str, facts: Facts) -> float:
    order = facts.mode_order
    return round(1.0 - order.index(mode) / len(order), 3)
