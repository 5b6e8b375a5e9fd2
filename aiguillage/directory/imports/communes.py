"""Import French communes from a CSV (INSEE COG, La Poste or data.gouv exports).

Rows are checked one by one; a bad row is reported with its line and skipped, the
rest goes in one transaction. Rows sharing an INSEE code (a commune and its
delegated communes) become one commune whose ``other_names`` keep the old names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from aiguillage.core.validators import is_valid_insee_code
from aiguillage.directory.imports.directory import journal_import
from aiguillage.directory.imports.report import ImportReport, RowError, UnreadableFile
from aiguillage.directory.imports.tabular import open_lines, open_table
from aiguillage.directory.models import (
    Commune,
    CommuneKind,
    commune_search_names,
    department_of,
)

ALIASES = {
    "insee": ("code_insee", "insee_com", "code_commune_insee", "codgeo", "com"),
    # The name with its article first ("Le Caylar", not "Caylar"): the pages write
    # "près du Caylar" from it (aiguillage/core/french.py).
    "name": ("commune_article", "nom_standard", "nom", "commune", "nom_commune", "libelle"),
    "postcode": ("code_postal", "cp", "codepostal"),
    "latitude": ("lat", "latitude_centre", "latitude_mairie"),
    "longitude": ("lng", "lon", "long", "longitude_centre", "longitude_mairie"),
    "population": ("population_2021", "pmun", "population_municipale"),
    "type": ("commune_type", "typecom", "type_commune"),
    "parent": ("insee_parente", "comparent"),
}
REQUIRED = ("insee", "name")
MAX_POPULATION = 2_147_483_647  # the column's limit (PostgreSQL integer); Paris has 2.1 million
DELEGATED = {"COMD", "COMA"}  # communes déléguées / associées share the parent's code
ARRONDISSEMENT = {"ARM"}
UPDATABLE = (
    "name",
    "kind",
    "parent_insee_code",
    "department",
    "postcode",
    "postcodes",
    "other_names",
    "latitude",
    "longitude",
    "population",
    "search_names",
)


@dataclass
class CommuneRow:
    insee_code: str
    name: str
    kind: str = CommuneKind.COMMUNE
    parent_insee_code: str = ""
    postcode: str = ""
    postcodes: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None

    @property
    def department(self) -> str:
        return department_of(self.insee_code)

    @property
    def search_names(self) -> str:
        return commune_search_names(self.name, self.other_names)

    def values(self) -> dict:
        return {name: getattr(self, name) for name in UPDATABLE}


def _coordinate(raw: str, low: float, high: float) -> float | None:
    if raw == "":
        return None
    value = float(raw.replace(",", "."))
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"outside {low}..{high}")
    return value


def parse_communes(
    lines: Iterable[str], *, name: str, report: ImportReport
) -> dict[str, CommuneRow]:
    table = open_table(lines, aliases=ALIASES, required=REQUIRED, name=name)
    communes: dict[str, CommuneRow] = {}
    delegated: list[tuple[str, str, str]] = []  # (code, name, postcode)
    for line, row in table.rows:
        report.rows += 1
        if "__width__" in row:
            report.reject(RowError(line, "*", f"truncated or extra fields: {row['__width__']}"))
            continue
        code = row["insee"].upper()
        if not (code.isascii() and is_valid_insee_code(code)):
            report.reject(RowError(line, table.columns["insee"], "not an INSEE code", code))
            continue
        if not row["name"]:
            report.reject(RowError(line, table.columns["name"], "empty name"))
            continue
        postcode = row.get("postcode", "")
        if postcode and not (len(postcode) == 5 and postcode.isascii() and postcode.isdigit()):
            report.reject(RowError(line, table.columns["postcode"], "not a postcode", postcode))
            continue
        kind_code = row.get("type", "").upper()
        if kind_code in DELEGATED:
            delegated.append((code, row["name"], postcode))
            continue
        try:
            latitude = _coordinate(row.get("latitude", ""), -90, 90)
            longitude = _coordinate(row.get("longitude", ""), -180, 180)
        except ValueError as exc:
            report.reject(RowError(line, "latitude/longitude", f"bad coordinate: {exc}"))
            continue
        if (latitude is None) != (longitude is None):
            report.reject(RowError(line, "latitude/longitude", "only one coordinate given"))
            continue
        population = None
        if row.get("population"):
            try:
                population = int(float(row["population"].replace(" ", "")))
            except (ValueError, OverflowError):  # OverflowError: "inf"
                report.reject(
                    RowError(line, table.columns["population"], "not a number", row["population"])
                )
                continue
            if not 0 <= population <= MAX_POPULATION:
                report.reject(
                    RowError(
                        line, table.columns["population"], "not a population", row["population"]
                    )
                )
                continue
        existing = communes.get(code)
        if existing is not None:  # same commune, another postcode
            if postcode and postcode not in existing.postcodes:
                existing.postcodes.append(postcode)
            continue
        communes[code] = CommuneRow(
            insee_code=code,
            name=row["name"],
            kind=CommuneKind.ARRONDISSEMENT if kind_code in ARRONDISSEMENT else CommuneKind.COMMUNE,
            parent_insee_code=row.get("parent", "") if kind_code in ARRONDISSEMENT else "",
            postcode=postcode,
            postcodes=[postcode] if postcode else [],
            latitude=latitude,
            longitude=longitude,
            population=population,
        )
    for code, other_name, postcode in delegated:
        parent = communes.get(code)
        if parent is None:
            report.notes.append(f"delegated commune {other_name} ({code}) has no parent row")
            continue
        if other_name != parent.name and other_name not in parent.other_names:
            parent.other_names.append(other_name)
        if postcode and postcode not in parent.postcodes:
            parent.postcodes.append(postcode)
    report.skipped = len(report.errors)
    merged = report.rows - report.skipped - len(communes)
    if merged:
        report.notes.append(
            f"{merged} rows merged into their commune (other postcodes, delegated communes)"
        )
    return communes


def import_communes(
    path: Path, *, dry_run: bool = False, strict: bool = False, source: str = ""
) -> ImportReport:
    """Create or update communes from ``path``; one transaction, nothing deleted."""
    report = ImportReport(source=source or path.name, dry_run=dry_run)
    with open_lines(path) as lines:
        parsed = parse_communes(lines, name=path.name, report=report)
    if report.rows == 0:  # as the directory's importers: a header alone is no import
        raise UnreadableFile(f"{path.name} has a header but no rows")
    with transaction.atomic():
        existing = {c.insee_code: c for c in Commune.objects.all()}
        now = timezone.now()
        to_create, to_update = [], []
        for code, row in parsed.items():
            commune = existing.get(code)
            values = row.values()
            if commune is None:
                to_create.append(Commune(insee_code=code, **values))
            elif any(getattr(commune, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(commune, key, value)
                commune.imported_at = now
                to_update.append(commune)
            else:
                report.unchanged += 1
        report.created, report.updated = len(to_create), len(to_update)
        Commune.objects.bulk_create(to_create, batch_size=2000)
        Commune.objects.bulk_update(to_update, [*UPDATABLE, "imported_at"], batch_size=2000)
        if dry_run or (strict and report.errors):
            transaction.set_rollback(True)
        else:
            report.committed = True
            journal_import(report, "communes", actor=None, actor_role="", network=None)
    return report
