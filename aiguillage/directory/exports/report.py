"""What an export tells its operator: how many rows went out, which were left out, why.

The summary and the left-out rows go to stderr, so that an export written to stdout
(``-``) stays a clean file that can be piped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LeftOut:
    """One row the standard would refuse, with every reason, so it can be fixed."""

    kind: str  # "structure", "site" or "service"
    export_id: str
    name: str
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"left out: {self.kind} {self.name!r} ({self.export_id}): {'; '.join(self.reasons)}"


@dataclass
class ExportReport:
    file_format: str
    structures: int = 0  # structures and sites written
    sites: int = 0  # of which the network's own sites
    services: int = 0
    left_out: list[LeftOut] = field(default_factory=list)
    # Optional values not published because the standard would refuse them, by reason.
    dropped: Counter[str] = field(default_factory=Counter)

    @property
    def exported(self) -> int:
        return self.structures + self.services

    def leave_out(self, *, kind: str, export_id: str, name: str, reasons: list[str]) -> None:
        self.left_out.append(LeftOut(kind, export_id, name, tuple(reasons)))

    def drop(self, reason: str) -> None:
        self.dropped[reason] += 1

    def summary_line(self) -> str:
        """One line: counts, then the reasons rows were left out, most frequent first."""
        exported = f"{self.structures} structures"
        if self.sites:
            exported += f" (of which {self.sites} own sites)"
        if self.file_format == "data-inclusion":
            exported += f" and {self.services} services"
        line = f"{self.file_format}: {exported} exported, {len(self.left_out)} left out"
        reasons = Counter((item.kind, reason) for item in self.left_out for reason in item.reasons)
        if reasons:
            line += ": " + "; ".join(
                f"{count} {kind}{'s' if count > 1 else ''}: {reason}"
                for (kind, reason), count in reasons.most_common()
            )
        return line

    def notes(self) -> list[str]:
        return [f"{reason}: {count}" for reason, count in self.dropped.most_common()]
