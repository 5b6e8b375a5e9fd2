"""The visitor's situation as the desk ticks it: the words the engine, the desk, the
command, the API and the interaction record share.

The autonomy levels are La Coop de la médiation numérique's, so that activity reports
speak its language. Values are part of the command line and the API: never rename them.
Nothing here identifies a person: these are the flags an Interaction may keep.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Autonomy(models.TextChoices):
    FULLY_ASSISTED = "entierement_accompagne", _("entièrement accompagné·e")
    PARTLY_AUTONOMOUS = "partiellement_autonome", _("partiellement autonome")
    AUTONOMOUS = "autonome", _("autonome")


class Lack(models.TextChoices):
    EMAIL = "email", _("pas d'adresse e-mail")
    DEVICE = "device", _("pas d'ordinateur ni de smartphone")
    FRANCECONNECT = "franceconnect", _("pas de compte pour FranceConnect")
    SCANNER = "scanner", _("pas de scanner ni de photo des documents")
    DOCUMENTS = "documents", _("documents manquants")


class Support(models.TextChoices):
    DEAFNESS = "surdite", _("surdité")
    VISUAL = "deficience_visuelle", _("déficience visuelle")
    MOTOR = "handicap_moteur", _("handicap moteur")
    ILLITERACY = "illettrisme", _("illettrisme")


# The lieux-de-médiation-numérique "prise_en_charge_specifique" value for each support.
SUPPORT_TO_LIEUX: dict[str, str] = {
    Support.DEAFNESS: "Surdité",
    Support.VISUAL: "Déficience visuelle",
    Support.MOTOR: "Handicaps moteurs",
    Support.ILLITERACY: "Illettrisme",
}
FOREIGN_LANGUAGE_SUPPORT: frozenset[str] = frozenset(
    {"Langues étrangères (anglais)", "Langues étrangères (autres)"}
)

# The catalog needs (digital skills) whose workshop fills a missing prerequisite, best
# first. "documents" has no workshop: it is a checklist item.
LACK_WORKSHOP_NEEDS: dict[str, tuple[str, ...]] = {
    Lack.EMAIL: ("creer-adresse-email",),
    Lack.DEVICE: (
        "trouver-materiel-prix-solidaire",
        "prendre-en-main-smartphone",
        "apprendre-bases-ordinateur",
    ),
    Lack.FRANCECONNECT: ("se-connecter-franceconnect",),
    Lack.SCANNER: ("scanner-envoyer-document",),
}


class SituationError(ValueError):
    """A value the desk, the command or the API cannot understand (French message)."""


def _split(values: str | Iterable[str] | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split(",")
    return [value.strip() for value in values if value and value.strip()]


def _checked(values: list[str], allowed: type[models.TextChoices], what: str) -> frozenset[str]:
    unknown = sorted(set(values) - set(allowed.values))
    if unknown:
        raise SituationError(
            _("%(what)s inconnu : %(values)s (valeurs possibles : %(allowed)s).")
            % {"what": what, "values": ", ".join(unknown), "allowed": ", ".join(allowed.values)}
        )
    return frozenset(values)


@dataclass(frozen=True)
class Situation:
    """What the desk knows of the visitor's situation; every field is optional."""

    autonomy: str = ""
    lacks: frozenset[str] = frozenset()
    french_not_mastered: bool = False
    support: frozenset[str] = frozenset()
    deadline: datetime.date | None = None
    first_time: bool = False

    def __post_init__(self) -> None:
        if self.autonomy and self.autonomy not in Autonomy.values:
            raise SituationError(
                _("Autonomie inconnue : %(value)s (valeurs possibles : %(allowed)s).")
                % {"value": self.autonomy, "allowed": ", ".join(Autonomy.values)}
            )
        _checked(sorted(self.lacks), Lack, _("Manque"))
        _checked(sorted(self.support), Support, _("Accompagnement spécifique"))

    @classmethod
    def parse(
        cls,
        *,
        autonomy: str = "",
        lacks: str | Iterable[str] | None = None,
        support: str | Iterable[str] | None = None,
        french_not_mastered: bool = False,
        deadline: datetime.date | None = None,
        first_time: bool = False,
    ) -> Situation:
        """From the comma-separated lists of the command line and the API."""
        return cls(
            autonomy=(autonomy or "").strip(),
            lacks=_checked(_split(lacks), Lack, _("Manque")),
            support=_checked(_split(support), Support, _("Accompagnement spécifique")),
            french_not_mastered=french_not_mastered,
            deadline=deadline,
            first_time=first_time,
        )

    @property
    def cannot_use_a_computer(self) -> bool:
        return self.autonomy == Autonomy.FULLY_ASSISTED or Lack.DEVICE in self.lacks

    def flags(self) -> list[str]:
        """The situation as a sorted list of flags, as an Interaction keeps it."""
        flags = [f"lacks:{lack}" for lack in sorted(self.lacks)]
        flags += [f"support:{support}" for support in sorted(self.support)]
        if self.french_not_mastered:
            flags.append("french_not_mastered")
        if self.deadline is not None:
            flags.append("deadline")
        if self.first_time:
            flags.append("first_time")
        return flags
