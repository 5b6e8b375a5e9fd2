"""What an import tells its user: counts, and every bad line with its reason.

Shared by every importer (communes, the three directory formats): the same summary
line, the same JSON report, the same exit codes (2: the file cannot be read and
nothing was written; 1: ``--strict`` and a bad row, nothing written; 0 otherwise).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

EXIT_OK = 0
EXIT_STRICT_REJECTED = 1
EXIT_UNREADABLE = 2


class UnreadableFile(Exception):
    """The file as a whole cannot be imported (encoding, format, missing columns)."""


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based: the line in a CSV (header is line 1), the item in a JSON list
    field: str
    reason: str
    value: str = ""
    unit: str = "line"

    def __str__(self) -> str:
        shown = f" ({self.value!r})" if self.value else ""
        return f"{self.unit} {self.line}: {self.field}{shown}: {self.reason}"


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    inactive: int = 0
    skipped: int = 0
    dry_run: bool = False
    committed: bool = False
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def reject(self, error: RowError) -> None:
        self.errors.append(error)

    def summary_line(self) -> str:
        mode = " (dry run, nothing written)" if self.dry_run else ""
        if not self.committed and not self.dry_run:
            mode = " (rejected, nothing written)"
        return (
            f"{self.source}: {self.rows} rows, {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.inactive} inactive, {self.skipped} skipped{mode}"
        )

    def as_dict(self) -> dict:
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors]
        return data

    def write_json(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
