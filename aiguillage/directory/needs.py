"""Which catalog needs a structure or service covers, derived from what the standards say.

A structure is competent for a need when the standards name that competence: its
network (``reseaux_porteurs``: a CAF agency handles CAF démarches), the France
services bouquet, or a data·inclusion thématique / lieux service that maps to a few
needs. Categories that map to a large part of the catalog ("accéder à des services en
ligne", "Aide aux démarches administratives") say "general help", not competence for
each démarche: they set ``general_help`` instead, so that the desk can rank an exact
competence before a general one. Staff can then edit the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from aiguillage.catalog.models import Need

# A category mapping to more than this share of the active needs is "general help".
GENERAL_SHARE = 0.2

# The France services bouquet: the partners whose démarches every France services
# handles (convention nationale France services; operators as named in our catalog).
FRANCE_SERVICES_BOUQUET = (
    "ants",
    "ministere-interieur",
    "dgfip",
    "justice",
    "points-justice",
    "caf",
    "assurance-maladie",
    "assurance-retraite",
    "info-retraite",
    "agirc-arrco",
    "msa",
    "france-travail",
    "la-poste",
    "asp-cheque-energie",
)


@dataclass(frozen=True)
class NeedMapping:
    by_thematique: dict[str, frozenset[int]]
    by_lieux_service: dict[str, frozenset[int]]
    by_reseau: dict[str, frozenset[int]]
    by_operator: dict[str, frozenset[int]]
    general_thematiques: frozenset[str]
    general_lieux_services: frozenset[str]

    def needs_for(
        self,
        *,
        thematiques: Iterable[str] = (),
        lieux_services: Iterable[str] = (),
        reseaux: Iterable[str] = (),
        operators: Iterable[str] = (),
    ) -> frozenset[int]:
        found: set[int] = set()
        for code in thematiques:
            if code not in self.general_thematiques:
                found |= self.by_thematique.get(code, frozenset())
        for label in lieux_services:
            if label not in self.general_lieux_services:
                found |= self.by_lieux_service.get(label, frozenset())
        for code in reseaux:
            found |= self.by_reseau.get(code, frozenset())
        for slug in operators:
            found |= self.by_operator.get(slug, frozenset())
        return frozenset(found)

    def is_general_help(
        self, *, thematiques: Iterable[str] = (), lieux_services: Iterable[str] = ()
    ) -> bool:
        return any(t in self.general_thematiques for t in thematiques) or any(
            s in self.general_lieux_services for s in lieux_services
        )


def load_need_mapping() -> NeedMapping:
    """Read the catalog once (a handful of queries) for a whole import."""
    by_thematique: dict[str, set[int]] = defaultdict(set)
    by_lieux_service: dict[str, set[int]] = defaultdict(set)
    by_reseau: dict[str, set[int]] = defaultdict(set)
    by_operator: dict[str, set[int]] = defaultdict(set)
    needs = list(Need.objects.active().prefetch_related("operators"))
    for need in needs:
        for code in need.di_thematiques:
            by_thematique[code].add(need.pk)
        for label in need.lieux_services:
            by_lieux_service[label].add(need.pk)
        for operator in need.operators.all():
            by_operator[operator.slug].add(need.pk)
            if operator.reseau_porteur:
                by_reseau[operator.reseau_porteur].add(need.pk)
    threshold = GENERAL_SHARE * max(len(needs), 1)

    def general(mapping: dict[str, set[int]]) -> frozenset[str]:
        return frozenset(key for key, ids in mapping.items() if len(ids) > threshold)

    def frozen(mapping: dict[str, set[int]]) -> dict[str, frozenset[int]]:
        return {key: frozenset(ids) for key, ids in mapping.items()}

    return NeedMapping(
        by_thematique=frozen(by_thematique),
        by_lieux_service=frozen(by_lieux_service),
        by_reseau=frozen(by_reseau),
        by_operator=frozen(by_operator),
        general_thematiques=general(by_thematique),
        general_lieux_services=general(by_lieux_service),
    )
