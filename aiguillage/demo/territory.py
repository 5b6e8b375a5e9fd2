"""The demo network's territory: the communes of its intercommunality, as served communes.

Kept apart from ``seed.py`` so that the coverage page has a territory to compute on;
``seed_demo`` calls it once the communes exist.
"""

from __future__ import annotations

from typing import NamedTuple

from aiguillage.core.models import Network
from aiguillage.demo import data
from aiguillage.directory.models import Commune, ServedCommune


class ServedCommunesResult(NamedTuple):
    created: int
    unchanged: int


def served_communes_for_demo(network: Network) -> ServedCommunesResult:
    """Mark every commune of ``data.COMMUNES`` as served by ``network``, idempotently.

    Communes must already exist (the seed creates them, or a national import did);
    a missing one is an error in the demo data, so it raises rather than skip.
    """
    codes = [row["insee"] for row in data.COMMUNES]
    communes = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=codes)}
    missing = sorted(set(codes) - set(communes))
    if missing:
        raise ValueError(f"demo communes missing from the database: {', '.join(missing)}")
    already = set(
        ServedCommune.objects.filter(network=network, commune__in=communes.values()).values_list(
            "commune_id", flat=True
        )
    )
    new = [
        ServedCommune(network=network, commune=communes[code])
        for code in codes
        if communes[code].pk not in already
    ]
    ServedCommune.objects.bulk_create(new)
    return ServedCommunesResult(created=len(new), unchanged=len(codes) - len(new))
