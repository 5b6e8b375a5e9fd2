"""Re-importing a directory file whose places are already known: what it writes, how long.

Figures printed (see docs/benchmarks.md), nothing asserted about time. Two files, each
imported once, then again in four ways:

- ``same file``: every row's fingerprint is the stored one (nothing to write);
- ``one field changed in every row``: a variant of the file where each row's
  description (France services ``commentaire``, lieux ``presentation_detail``) differs;
- ``back to the first file``: every row changes back;
- ``fingerprints forgotten``: the stored fingerprints are blanked (what a release that
  changes how a row is fingerprinted does), then the same file: values all equal.

Files: the France services list (2,844 places, reference data) and 8,000 places of the
lieux standard generated from the communes (``directory_data``). Each import runs in the
test's database, with the queries it sends counted.
"""

from __future__ import annotations

import csv
import platform
import re
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.imports.tabular import sniff_delimiter
from aiguillage.directory.models import Structure
from tests.bench.directory_data import load_communes, write_lieux_csv
from tests.reference_data import FRANCE_SERVICES_CSV, needs_reference_data

LIEUX_ROWS = 8_000

pytestmark = [needs_reference_data, pytest.mark.django_db]


def _variant(source: Path, target: Path, column: str) -> Path:
    """The same file with ``column`` changed in every row."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        delimiter = sniff_delimiter(handle.readline())
        handle.seek(0)
        rows = list(csv.reader(handle, delimiter=delimiter))
    index = [name.strip().lower() for name in rows[0]].index(column)
    for number, row in enumerate(rows[1:]):
        if len(row) > index:
            row[index] = f"{row[index]} (mis à jour, {number})".strip()
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return target


def _timed(label: str, path: Path, file_format: str, source: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        report = import_directory(path, file_format=file_format, source=source)
        seconds = time.perf_counter() - start
    statements = [re.sub(r"^\d+ times: ", "", q["sql"]).lstrip() for q in queries.captured_queries]
    writes = sum(sql.upper().startswith(("UPDATE", "INSERT", "DELETE")) for sql in statements)
    print(
        f"  {label:32} {seconds:6.2f} s  {report.created:5} created {report.updated:5} updated "
        f"{report.unchanged:5} unchanged  {len(queries):5} queries ({writes} writes)"
    )


def _run(name: str, path: Path, variant: Path, file_format: str) -> None:
    source = f"bench-{file_format}"
    print(f"  {name}")
    _timed("first import", path, file_format, source)
    _timed("same file", path, file_format, source)
    _timed("one field changed in every row", variant, file_format, source)
    _timed("back to the first file", path, file_format, source)
    Structure.objects.filter(source=source).update(source_hash="")
    _timed("fingerprints forgotten", path, file_format, source)


def bench_directory_reimport():
    print(
        f"\ndirectory re-import on {connection.vendor} {sqlite3.sqlite_version}, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-reimport-") as directory:
        work = Path(directory)
        fs_variant = _variant(FRANCE_SERVICES_CSV, work / "fs-variant.csv", "commentaire")
        _run("France services (2,844 places)", FRANCE_SERVICES_CSV, fs_variant, "france-services")
        lieux = write_lieux_csv(work / "lieux.csv", LIEUX_ROWS, load_communes(), seed=2026)
        lieux_variant = _variant(lieux, work / "lieux-variant.csv", "presentation_detail")
        _run(f"lieux standard ({LIEUX_ROWS:,} generated places)", lieux, lieux_variant,
             "lieux-mediation-numerique")  # fmt: skip
