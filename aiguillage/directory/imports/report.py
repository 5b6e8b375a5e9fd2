"""What an import tells its user: counts, every bad line with its reason, every warning.

Shared by every importer (communes, the three directory formats): the same summary
line, the same JSON report, the same exit codes (2: the file cannot be read and
nothing was written; 1: ``--strict`` and a bad row, nothing written; 0 otherwise).

An error skips its row. A warning does not: the row is imported, and one of its
optional values the desk cannot use (an e-mail address one cannot write to, a phone
number, a web address, opening hours) was kept as typed, repaired or left out, as the
warning says. Warnings are counted apart from the skipped rows.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy as _

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


# What the import page says of each kind of warning (the report's own reason is English,
# as the command's output and the JSON report are).
WARNING_MESSAGES = {
    "email": _("Adresse e-mail inutilisable (on ne peut pas y écrire) : non reprise."),
    "phone": _("Numéro de téléphone non reconnu : gardé tel qu'il est écrit."),
    "phone_dropped": _("Numéro de téléphone non reconnu et trop long : non repris."),
    "url_scheme": _("Adresse web sans « https:// » : ajouté."),
    "url": _("Adresse web illisible : non reprise."),
    "hours": _(
        "Horaires illisibles (pas au format OpenStreetMap) : gardés tels qu'ils sont "
        "écrits et signalés."
    ),
}


@dataclass(frozen=True)
class RowWarning(RowError):
    """A value of an imported row that was kept as typed, repaired or left out."""

    code: str = ""  # a key of WARNING_MESSAGES

    def __str__(self) -> str:
        return f"warning: {super().__str__()}"

    @property
    def message(self) -> str:
        """The warning in the user's language, for the import page."""
        return str(WARNING_MESSAGES.get(self.code, self.reason))


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    inactive: int = 0
    skipped: int = 0
    warned: int = 0  # warnings, counted apart from the skipped rows
    dry_run: bool = False
    committed: bool = False
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def reject(self, error: RowError) -> None:
        self.errors.append(error)

    def warn(self, warning: RowWarning) -> None:
        self.warnings.append(warning)
        self.warned += 1

    def summary_line(self) -> str:
        mode = " (dry run, nothing written)" if self.dry_run else ""
        if not self.committed and not self.dry_run:
            mode = " (rejected, nothing written)"
        return (
            f"{self.source}: {self.rows} rows, {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.inactive} inactive, {self.skipped} skipped, "
            f"{self.warned} warnings{mode}"
        )

    def as_dict(self, *, limit: int | None = None) -> dict:
        """Every field; ``limit``: only the first bad lines and warnings (the counts
        ``skipped`` and ``warned`` still say how many there are)."""
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors[:limit]]
        data["warnings"] = [asdict(w) for w in self.warnings[:limit]]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        """The report ``as_dict`` gave (a background import's result)."""
        data = dict(data)
        errors = [RowError(**error) for error in data.pop("errors", [])]
        warnings = [RowWarning(**warning) for warning in data.pop("warnings", [])]
        return cls(**data, errors=errors, warnings=warnings)

    def write_json(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
