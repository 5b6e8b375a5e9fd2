"""The charter's territorial conditions: is there a competent place near enough, and soon
enough, for the library to accompany or act for the person?"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from aiguillage.agenda.models import PermanenceKind
from aiguillage.orientation import wording
from aiguillage.orientation.charter import TerritorialCondition
from aiguillage.orientation.facts import (
    Competence,
    Facts,
    PlaceFacts,
)
from aiguillage.orientation.situation import (
    Situation,
)


@dataclass(frozen=True)
class Territory:
    """Whether the library may help itself (accompany, act for) under one condition."""

    library_may_help: bool
    reason: str


def place_reception(place: PlaceFacts, at: datetime.datetime) -> datetime.datetime | None:
    """When the place can next receive: now if open, its next opening, None if unknown."""
    if place.open_now:
        return at
    return place.next_opening


def deadline_end(situation: Situation, at: datetime.datetime) -> datetime.datetime | None:
    if situation.deadline is None:
        return None
    end = datetime.datetime.combine(
        situation.deadline + datetime.timedelta(days=1), datetime.time.min
    )
    return timezone.make_aware(end, at.tzinfo)


def territory(facts: Facts, situation: Situation, condition: TerritorialCondition) -> Territory:
    """No competent service within N km of the person, or none can receive them within
    D days (or before their deadline, when it is sooner): then, and only then, the
    library may help.

    A place *can receive* only when its hours are known and it opens in that window, or
    when it has a free slot in it (a partner's permanence). A place whose hours are
    unknown does not block the library's help: "to check" is not "can receive", and a
    person who must act today is not sent on a guess."""
    at = facts.at
    limit = at + datetime.timedelta(days=condition.max_wait_days)
    deadline = deadline_end(situation, at)
    before_deadline = False
    if deadline is not None and deadline < limit:
        before_deadline, limit = True, deadline
    receiving: list[tuple[float, str, datetime.datetime]] = []
    unknown: list[tuple[float, str]] = []
    competent = 0
    for place in facts.places:
        if place.competence != Competence.NEED or place.distance_km > condition.max_distance_km:
            continue
        competent += 1
        if place.open_now is None:
            unknown.append((place.distance_km, place.name))
            continue
        moment = place_reception(place, at)
        if moment is not None and moment <= limit:
            receiving.append((place.distance_km, place.name, moment))
    for slot in facts.slots:
        if (
            slot.kind == PermanenceKind.PARTNER
            and slot.handles_need
            and slot.distance_km <= condition.max_distance_km
        ):
            competent += 1
            if slot.starts_at <= limit:
                receiving.append((slot.distance_km, slot.title, slot.starts_at))
    if receiving:  # the one that receives soonest, the nearest of those
        distance, name, moment = min(receiving, key=lambda c: (c[2], c[0], c[1]))
        delay = _("ouvert maintenant") if moment <= at else wording.when(moment, at)
        return Territory(
            False,
            _(
                "%(name)s (%(km)s) traite cette démarche et peut recevoir la personne "
                "(%(delay)s) : orientez d'abord."
            )
            % {"name": name, "km": wording.km(distance), "delay": delay},
        )
    if not competent:
        reason = _("Aucun service compétent à moins de %(km)s km.") % {
            "km": condition.max_distance_km
        }
    elif before_deadline:
        reason = _("Aucun service compétent proche ne peut recevoir la personne avant l'échéance.")
    else:
        reason = _(
            "Aucun service compétent proche ne peut recevoir la personne sous %(days)s jours."
        ) % {"days": condition.max_wait_days}
    if unknown:
        names = ", ".join(
            f"{name} ({wording.km(distance)})" for distance, name in sorted(unknown)[:2]
        )
        reason += " " + _("Horaires inconnus, à vérifier : %(places)s.") % {"places": names}
    return Territory(True, reason)
