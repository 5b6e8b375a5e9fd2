"""Where the reference data of the tests lives (real public files, never committed).

It sits beside the repository (``../shared/data``); a clone elsewhere finds it through
``AIGUILLAGE_REFERENCE_DATA`` or the machine's usual place. Tests that need it are
skipped, with the path in the reason, only when it is nowhere to be found.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _find() -> Path:
    candidates = (
        os.environ.get("AIGUILLAGE_REFERENCE_DATA", ""),
        REPO.parent / "shared" / "data",
        "/work/shared/data",
    )
    for candidate in candidates:
        if candidate and (Path(candidate) / "README.md").exists():
            return Path(candidate)
    return REPO.parent / "shared" / "data"


REFERENCE_DATA = _find()
STANDARDS = REFERENCE_DATA / "standards"
LIEUX_SCHEMA = STANDARDS / "lieux-mediation-numerique" / "schema.json"
LIEUX_EXAMPLE = STANDARDS / "lieux-mediation-numerique" / "exemple-valide.csv"
DI_THEMATIQUES = STANDARDS / "data-inclusion-v1" / "extra" / "thematiques.json"
COMMUNES_CSV = REFERENCE_DATA / "communes-2024.csv"
FRANCE_SERVICES_CSV = REFERENCE_DATA / "france-services-2024-08.csv"

needs_reference_data = pytest.mark.skipif(
    not REFERENCE_DATA.exists(), reason=f"reference data absent: {REFERENCE_DATA}"
)
