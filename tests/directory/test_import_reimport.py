"""Re-importing known places writes only what changed: the fields that differ from the
stored values, the needs whose derivation differs, nothing for an equal row."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aiguillage.catalog.models import Need
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.models import Structure
from tests.directory.test_import_directory import LIEUX_COLUMNS, lieu, table

ROWS = [
    lieu("l1", "Médiathèque de Lodève"),
    lieu("l2", "Tiers-lieu du Lodévois", latitude=43.74),
    lieu("l3", "Espace numérique du Caylar", latitude=43.86),
]
TABLE = Structure._meta.db_table
THROUGH = Structure.covered_needs.through._meta.db_table


def write(tmp_path, *rows, name="lieux.csv"):
    path = tmp_path / name
    path.write_text(table(LIEUX_COLUMNS, *rows), encoding="utf-8")
    return path


def writes(queries) -> list[str]:
    """The writing statements sent (``executemany`` is logged as "N times: …")."""
    statements = [re.sub(r"^\d+ times: ", "", q["sql"]).lstrip() for q in queries.captured_queries]
    return [sql for sql in statements if sql.upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def set_columns(sql: str) -> set[str]:
    """The columns an ``UPDATE … SET a = %s, b = %s WHERE …`` writes."""
    assignments = re.search(r"SET (.*) WHERE", sql, re.S).group(1)
    return {part.split("=")[0].strip().strip('"`') for part in assignments.split(",")}


def counts(report):
    return report.created, report.updated, report.unchanged


@pytest.mark.django_db
def test_a_changed_field_is_the_only_one_written(tmp_path, time_machine):
    import_directory(write(tmp_path, *ROWS))
    before = {s.source_id: s for s in Structure.objects.all()}
    rows = [ROWS[0], {**ROWS[1], "telephone": "04 67 44 00 00"}, ROWS[2]]
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=1), tick=False)
    with CaptureQueriesContext(connection) as queries:
        report = import_directory(write(tmp_path, *rows, name="v2.csv"))
    assert counts(report) == (0, 1, 2)
    [update] = [sql for sql in writes(queries) if TABLE in sql and sql.startswith("UPDATE")]
    assert set_columns(update) == {"phone", "source_hash", "imported_at", "updated_at"}
    assert not [sql for sql in writes(queries) if THROUGH in sql]  # same needs: links kept
    after = {s.source_id: s for s in Structure.objects.all()}
    assert after["l2"].phone == "+33467440000"
    assert after["l2"].imported_at > before["l2"].imported_at
    for unchanged in ("l1", "l3"):
        assert after[unchanged].updated_at == before[unchanged].updated_at
        assert after[unchanged].imported_at == before[unchanged].imported_at


@pytest.mark.django_db
def test_forgotten_fingerprints_rewrite_only_the_fingerprints(tmp_path):
    """What a release that fingerprints rows another way does: the same file is unchanged."""
    path = write(tmp_path, *ROWS)
    import_directory(path)
    stored = list(Structure.objects.order_by("pk").values())
    Structure.objects.update(source_hash="")
    with CaptureQueriesContext(connection) as queries:
        report = import_directory(path)
    assert counts(report) == (0, 0, 3)
    updates = [sql for sql in writes(queries) if TABLE in sql and sql.startswith("UPDATE")]
    assert updates and all(set_columns(sql) == {"source_hash"} for sql in updates)
    assert not [sql for sql in writes(queries) if THROUGH in sql]
    assert list(Structure.objects.order_by("pk").values()) == stored
    again = import_directory(path)
    assert counts(again) == (0, 0, 3)


@pytest.mark.django_db
def test_a_change_of_services_rewrites_the_needs_it_derives(tmp_path):
    import_directory(write(tmp_path, *ROWS))
    place = Structure.objects.get(source_id="l1")
    tools = set(place.covered_needs.values_list("pk", flat=True))
    rows = [{**ROWS[0], "dispositif_programmes_nationaux": "France Services"}, *ROWS[1:]]
    report = import_directory(write(tmp_path, *rows, name="v2.csv"))
    assert counts(report) == (0, 1, 2)
    covered = set(place.covered_needs.values_list("pk", flat=True))
    caf = set(Need.objects.active().filter(operators__slug="caf").values_list("pk", flat=True))
    assert tools < covered and caf <= covered
    assert place.pk == Structure.objects.get(source_id="l1").pk


@pytest.mark.django_db
def test_stale_needs_are_rewritten_even_when_the_values_are_the_same(tmp_path):
    path = write(tmp_path, *ROWS)
    import_directory(path)
    place = Structure.objects.get(source_id="l1")
    expected = set(place.covered_needs.values_list("pk", flat=True))
    place.covered_needs.clear()  # as if the catalog had derived other needs before
    Structure.objects.filter(pk=place.pk).update(source_hash="")
    report = import_directory(path)
    assert counts(report) == (0, 1, 2)
    assert set(place.covered_needs.values_list("pk", flat=True)) == expected


@pytest.mark.django_db
def test_a_row_back_from_inactive_is_reactivated_and_nothing_else(tmp_path):
    path = write(tmp_path, *ROWS)
    import_directory(path)
    import_directory(write(tmp_path, *ROWS[:2], name="v2.csv"))
    assert not Structure.objects.get(source_id="l3").is_active
    with CaptureQueriesContext(connection) as queries:
        report = import_directory(path)
    assert counts(report) == (0, 1, 2)
    [update] = [sql for sql in writes(queries) if TABLE in sql and sql.startswith("UPDATE")]
    assert set_columns(update) == {"is_active", "source_hash", "imported_at", "updated_at"}
    assert Structure.objects.get(source_id="l3").is_active
