"""What the engine answers: the kinds of target, the next steps, the score and its weights,
a recommendation, an excluded mode, an orientation. Plain data: the desk, the portal and
the API render them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from aiguillage.catalog.search import SearchResult
from aiguillage.orientation.facts import (
    NeedFacts,
    StartingPoint,
)
from aiguillage.orientation.models import Mode
from aiguillage.orientation.situation import (
    Autonomy,
)

MAX_RECOMMENDATIONS = 8


# The public page offers only what a visitor can do alone: go, book online, register.
PUBLIC_MODES: frozenset[str] = frozenset({Mode.ORIENT, Mode.PARTNER_ON_SITE, Mode.TRAIN})


# At most this many recommendations of one kind, so that eight places do not hide the
# permanence in the library or the workshop.
CAPS = {"place": 3, "online": 1, "partner": 2, "staff": 1, "desk": 1, "act_for": 1, "workshop": 2}


class TargetKind(StrEnum):
    """Values are part of the API: never rename them."""

    STRUCTURE = "structure"
    ONLINE_SERVICE = "online_service"
    PARTNER_SLOT = "partner_slot"
    STAFF_SLOT = "staff_slot"
    WORKSHOP = "workshop"
    DESK = "desk"


class NextStep(StrEnum):
    """What the staff or the visitor can do next with a recommendation."""

    BOOK = "book"
    REGISTER = "register"
    PRINT_SLIP = "print_slip"
    CALL = "call"
    OPEN_ONLINE = "open_online"
    START = "start"
    RECORD_MANDATE = "record_mandate"


WEIGHTS: dict[str, float] = {
    "competence": 3.0,
    "autonomy": 2.0,
    "distance": 1.5,
    "delay": 1.5,
    "support": 1.0,
    "charter": 1.0,
}


# How well each kind of help fits each autonomy level (La Coop's levels). A person who
# cannot use a computer is not sent to a link; an autonomous one is not done for.
AUTONOMY_FIT: dict[str, dict[str, float]] = {
    "": {"online": 0.6, "place": 0.6, "partner": 0.6, "staff": 0.6, "desk": 0.6,
         "act_for": 0.4, "workshop": 0.6},
    Autonomy.FULLY_ASSISTED: {"online": 0.0, "place": 0.5, "partner": 1.0, "staff": 0.9,
                              "desk": 0.9, "act_for": 0.8, "workshop": 0.3},
    Autonomy.PARTLY_AUTONOMOUS: {"online": 0.4, "place": 0.7, "partner": 0.8, "staff": 1.0,
                                 "desk": 1.0, "act_for": 0.4, "workshop": 0.7},
    Autonomy.AUTONOMOUS: {"online": 1.0, "place": 0.7, "partner": 0.5, "staff": 0.6,
                          "desk": 0.6, "act_for": 0.1, "workshop": 0.7},
}  # fmt: skip


# An autonomous first-timer: accompanied once, or a workshop.
FIRST_TIMER_FIT = {"online": 0.7, "staff": 0.9, "desk": 0.9, "workshop": 0.9}


@dataclass(frozen=True)
class Target:
    kind: str
    id: int | None
    name: str
    distance_km: float | None = None
    address: str = ""
    phone: str = ""
    url: str = ""
    hours: str = ""
    opening_hours: str = ""
    access: tuple[str, ...] = ()
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    site_name: str = ""
    seats_left: int | None = None
    waiting_list: bool = False


@dataclass(frozen=True)
class Score:
    """Each component in [0, 1]; ``total`` is their weighted mean (``WEIGHTS``)."""

    competence: float
    distance: float
    delay: float
    support: float
    autonomy: float
    charter: float

    @property
    def total(self) -> float:
        weighted = sum(getattr(self, name) * weight for name, weight in WEIGHTS.items())
        return round(weighted / sum(WEIGHTS.values()), 3)

    def as_dict(self) -> dict[str, float]:
        parts = {name: round(getattr(self, name), 3) for name in WEIGHTS}
        return {"total": self.total, **parts}


@dataclass(frozen=True)
class Recommendation:
    mode: str
    target: Target
    title: str
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    actions: tuple[str, ...]
    score: Score
    fills_lacks: tuple[str, ...] = ()
    # "Pourquoi ?" in words, for the desk: "le plus proche qui traite la CAF, ouvre
    # demain à 8 h 30" (the reasons and the score's figures stay under it).
    why: str = ""

    @property
    def mode_label(self) -> str:
        return str(Mode(self.mode).label)


@dataclass(frozen=True)
class Excluded:
    """A mode the desk may not propose here, and why (shown one click away)."""

    mode: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(Mode(self.mode).label)


@dataclass(frozen=True)
class Orientation:
    need: NeedFacts | None
    query: str = ""
    alternatives: tuple[SearchResult, ...] = ()
    # The first alternatives are as likely as the need chosen: the desk asks which.
    close_alternatives: tuple[SearchResult, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    warnings: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()
    excluded: tuple[Excluded, ...] = ()
    unmet_reasons: tuple[str, ...] = ()
    origin: StartingPoint | None = None
    at: datetime.datetime | None = None

    @property
    def unmet(self) -> bool:
        """Nothing fits: the desk says why, and the interaction records it."""
        return not self.recommendations

    @property
    def modes_proposed(self) -> list[str]:
        return sorted({r.mode for r in self.recommendations})
