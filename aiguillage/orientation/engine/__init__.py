"""The orientation engine: from a need and a situation to ranked, explained help.

Plain typed Python: no HTTP, no templates, deterministic (the same facts give the same
answer, ties broken by stable keys). ``orient`` reads the facts (``facts.gather``) and
``rank`` decides, so the ranking can be tested on hand-made facts.

What ranks a recommendation is visible in its ``Score``: competence (this démarche,
then its theme, then general help), distance, how soon the person can be received,
the match of specific support, the fit with the person's autonomy, and the charter's
order of modes. The library accompanies or acts for only when the territory leaves
no choice (the charter's territorial conditions), and acts for only through a
habilitated, salaried member with a mandate (the charter says who).

The package: ``results`` (what it answers), ``scoring``, ``territory`` (the charter's
territorial conditions), ``candidates`` (each kind of help), ``ranking`` and ``orient``.
"""

from aiguillage.orientation.engine.orient import first_time_variant, orient
from aiguillage.orientation.engine.ranking import rank
from aiguillage.orientation.engine.results import (
    CAPS,
    MAX_RECOMMENDATIONS,
    PUBLIC_MODES,
    WEIGHTS,
    Excluded,
    NextStep,
    Orientation,
    Recommendation,
    Score,
    Target,
    TargetKind,
)
from aiguillage.orientation.engine.territory import Territory, territory

__all__ = [
    "CAPS",
    "MAX_RECOMMENDATIONS",
    "PUBLIC_MODES",
    "WEIGHTS",
    "Excluded",
    "NextStep",
    "Orientation",
    "Recommendation",
    "Score",
    "Target",
    "TargetKind",
    "Territory",
    "first_time_variant",
    "orient",
    "rank",
    "territory",
]
