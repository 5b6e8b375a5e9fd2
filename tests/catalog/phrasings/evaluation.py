"""Top-1 and top-3 of the need search on a phrasing set (README.md beside this file).

Used by the quality test (tests/catalog/test_search_quality.py) and the benchmark
(tests/bench/bench_need_search.py). ``heldout.tsv`` is only ever scored as a whole:
nothing here prints which of its phrasings fail.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEV = HERE / "dev.tsv"
DEV2 = HERE / "dev2.tsv"
HELDOUT = HERE / "heldout.tsv"
# Tuning sets first; the held-out set last (never tuned on: only its totals are shown).
SETS = (("dev", DEV), ("dev2", DEV2), ("heldout", HELDOUT))


@dataclass(frozen=True)
class Phrasing:
    phrase: str
    expected: frozenset[str]
    note: str


def load(path: Path) -> list[Phrasing]:
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [
        Phrasing(row["phrase"], frozenset(row["expected"].split("|")), row["note"]) for row in rows
    ]


@dataclass
class Score:
    total: int = 0
    top1: int = 0
    top3: int = 0
    empty: int = 0
    misses: list[tuple[Phrasing, list[str]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name}: {self.total} phrasings, top-1 {self.top1_rate:.1%}, "
            f"top-3 {self.top3_rate:.1%}, empty answers {self.empty}"
        )


def score(search: Callable[[str], Sequence[str]], phrasings: Sequence[Phrasing]) -> Score:
    """``search``: a query to the slugs found, best first."""
    result = Score()
    for phrasing in phrasings:
        found = list(search(phrasing.phrase))
        result.total += 1
        result.empty += not found
        if found[:1] and found[0] in phrasing.expected:
            result.top1 += 1
        if phrasing.expected & set(found[:3]):
            result.top3 += 1
        if not (found[:1] and found[0] in phrasing.expected):
            result.misses.append((phrasing, found[:3]))
    return result
