"""The directory at national scale: nearest structures, and importing a national file.

Two benchmarks, figures printed (see docs/benchmarks.md):

- ``bench_directory_nearest``: the France services list and 40,000 generated places
  imported with ``import_directory``, 100,000 services bulk-created with their covered
  needs; then the 10 nearest structures covering a need within 30 km of 200 random
  communes, for the most covered need and for a France services démarche:
  ``nearest_structures`` (bounding box on the indexed coordinates, then haversine), the
  same answer by a full scan in Python (every active structure covering the need, at
  30 of the points: its cost hardly depends on the point), and ``nearest_structures``
  again once SQLite has statistics (``ANALYZE``). Every answer is checked against an
  exact one computed outside timing.
- ``bench_directory_import``: a generated 100,000-row file of the lieux standard
  imported by ``manage.py import_directory`` in a child process of its own (so that
  its peak RSS is the import's), DEBUG off as in production, into a fresh SQLite file
  that already holds the France services; then the same file again; then a third,
  fresh import under tracemalloc (about four times slower) for the Python allocations.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from aiguillage.catalog.models import Need
from aiguillage.core.geo import KM_PER_DEGREE_LATITUDE, haversine_km
from aiguillage.core.opening import opening_state
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.imports.engine import service_need_ids
from aiguillage.directory.models import Service, Structure
from aiguillage.directory.needs import FRANCE_SERVICES_BOUQUET, load_need_mapping
from aiguillage.directory.selectors import (
    LIST_FIELDS,
    NearbyStructure,
    nearest_structures,
    structures_within,
)
from aiguillage.directory.vocabularies import DI_THEMATIQUES
from tests.bench.directory_data import load_communes, write_lieux_csv
from tests.reference_data import FRANCE_SERVICES_CSV, needs_reference_data

REPO = Path(__file__).resolve().parents[2]
GENERATED_STRUCTURES = 40_000
SERVICES = 100_000
IMPORT_ROWS = 100_000
QUERY_POINTS = 200
SCAN_POINTS = 30  # a full scan costs about the same wherever the point is
RADIUS_KM = 30.0
LIMIT = 10
# A Tuesday morning: most places are open, so the opening state is computed for real.
NOW = datetime.datetime(2026, 11, 17, 10, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
MIB = 2**20

pytestmark = needs_reference_data


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(len(ordered) * 0.95) - 1)]


# --- nearest structures ---------------------------------------------------------------


def nearest_by_full_scan(
    *, latitude: float, longitude: float, radius_km: float, now, need: Need, limit: int
) -> list[NearbyStructure]:
    """What ``nearest_structures`` answers, the naive way: every row covering the need."""
    within = []
    for structure in Structure.objects.active().covering(need).only(*LIST_FIELDS):
        if structure.latitude is None:
            continue
        distance = haversine_km(latitude, longitude, structure.latitude, structure.longitude)
        if distance <= radius_km:
            within.append((distance, structure.pk, structure))
    within.sort(key=lambda item: (item[0], item[1]))
    results, places = [], set()
    for distance, _pk, structure in within:
        if structure.place_id in places:
            continue
        places.add(structure.place_id)
        is_open, next_opening = opening_state(structure.opening_hours, now)
        results.append(NearbyStructure(structure, round(distance, 3), is_open, next_opening))
        if len(results) >= limit:
            break
    return results


def _add_services(rng: random.Random, count: int) -> int:
    """``count`` services on random structures, 1 to 3 thématiques each, and their needs."""
    mapping = load_need_mapping()
    thematiques = sorted(DI_THEMATIQUES)
    structure_ids = list(Structure.objects.order_by("pk").values_list("pk", flat=True))
    through = Service.covered_needs.through
    links = 0
    for start in range(0, count, 5000):
        batch, needs = [], []
        for index in range(start, min(start + 5000, count)):
            chosen = rng.sample(thematiques, rng.randint(1, 3))
            batch.append(
                Service(
                    structure_id=rng.choice(structure_ids),
                    name=f"Service {index}",
                    kind="accompagnement",
                    thematiques=chosen,
                    reception_modes=["en-presentiel"],
                    source="bench-services",
                    source_id=f"service-{index}",
                )
            )
            needs.append(service_need_ids({"thematiques": chosen}, mapping))
        created = Service.objects.bulk_create(batch, batch_size=1000)
        rows = [(s.pk, n) for s, ids in zip(created, needs, strict=True) for n in ids]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {through._meta.db_table} (service_id, need_id) VALUES (%s, %s)",
                rows,
            )
        links += len(rows)
    return links


def _time_queries(fn, points, need) -> tuple[list[float], list[list[int]]]:
    samples, answers = [], []
    for commune in points:
        start = time.perf_counter()
        found = fn(
            latitude=commune.latitude,
            longitude=commune.longitude,
            radius_km=RADIUS_KM,
            now=NOW,
            need=need,
            limit=LIMIT,
        )
        samples.append((time.perf_counter() - start) * 1000)
        answers.append([item.structure.pk for item in found])
    return samples, answers


def _reference_answers(need: Need, points) -> list[list[int]]:
    """The expected ids at every point, computed outside timing from one read of the rows."""
    rows = list(
        Structure.objects.active()
        .covering(need)
        .filter(latitude__isnull=False)
        .values_list("pk", "latitude", "longitude", "duplicate_of_id")
    )
    max_dlat = RADIUS_KM / KM_PER_DEGREE_LATITUDE  # exact: farther in latitude alone
    answers = []
    for commune in points:
        within = []
        for pk, latitude, longitude, duplicate_of in rows:
            if abs(latitude - commune.latitude) <= max_dlat:
                distance = haversine_km(commune.latitude, commune.longitude, latitude, longitude)
                if distance <= RADIUS_KM:
                    within.append((distance, pk, duplicate_of or pk))
        within.sort()
        found, places = [], set()
        for _distance, pk, place in within:  # each place once, its nearest row
            if place not in places and len(found) < LIMIT:
                places.add(place)
                found.append(pk)
        answers.append(found)
    return answers


def _mismatches(answers, reference) -> int:
    return sum(a != b for a, b in zip(answers, reference, strict=False))


def _ms(samples: list[float]) -> str:
    p50, p95 = _percentiles(samples)
    return f"p50 {p50:7.2f} ms  p95 {p95:7.2f} ms"


def _measure_need(need: Need, points) -> dict:
    # Warm the connection, the statement cache and the opening-hours parser.
    for commune in points[:5]:
        nearest_structures(
            latitude=commune.latitude, longitude=commune.longitude, radius_km=RADIUS_KM,
            now=NOW, need=need, limit=LIMIT,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        nearest_structures(
            latitude=points[0].latitude, longitude=points[0].longitude, radius_km=RADIUS_KM,
            now=NOW, need=need, limit=LIMIT,
        )  # fmt: skip
    fast, fast_ids = _time_queries(nearest_structures, points, need)
    scan, scan_ids = _time_queries(nearest_by_full_scan, points[:SCAN_POINTS], need)
    reference = _reference_answers(need, points)
    return {
        "need": need,
        "covering": Structure.objects.active().covering(need).count(),
        "queries": len(queries),
        "fast": fast,
        "scan": scan,
        "reference": reference,
        "fast_mismatches": _mismatches(fast_ids, reference),
        "scan_mismatches": _mismatches(scan_ids, reference),
    }


def _print_need(label: str, measured: dict, analyzed: list[float], analyzed_ids, in_box) -> None:
    need, reference = measured["need"], measured["reference"]
    found = [len(ids) for ids in reference]
    fast_p50, fast_p95 = _percentiles(measured["fast"])
    scan_p50, scan_p95 = _percentiles(measured["scan"])
    print(f"  need ({label}): {need.name!r}, covered by {measured['covering']} active structures")
    print(
        f"    covering structures in the 30 km box: median {statistics.median(in_box):.0f}, "
        f"p95 {_percentiles(in_box)[1]:.0f}, max {max(in_box)}; "
        f"{sum(n < LIMIT for n in found)} points with fewer than {LIMIT} results"
    )
    queries = f"{measured['queries']} {'query' if measured['queries'] == 1 else 'queries'}"
    print(f"    nearest_structures ({queries}): {_ms(measured['fast'])}")
    print(f"    full scan in Python ({SCAN_POINTS} points): {_ms(measured['scan'])}")
    print(f"    speed-up: p50 {scan_p50 / fast_p50:5.1f}x  p95 {scan_p95 / fast_p95:5.1f}x")
    analyzed_p50, analyzed_p95 = _percentiles(analyzed)
    print(
        f"    nearest_structures after ANALYZE: {_ms(analyzed)}; speed-up "
        f"p50 {scan_p50 / analyzed_p50:5.1f}x  p95 {scan_p95 / analyzed_p95:5.1f}x"
    )
    print(
        f"    same ids as the exact answer: nearest {len(reference) - measured['fast_mismatches']}"
        f"/{len(reference)}, after ANALYZE "
        f"{len(reference) - _mismatches(analyzed_ids, reference)}/{len(reference)}, "
        f"full scan {SCAN_POINTS - measured['scan_mismatches']}/{SCAN_POINTS}"
    )


@pytest.mark.django_db
def bench_directory_nearest():
    rng = random.Random(20261121)
    communes = load_communes()
    with tempfile.TemporaryDirectory(prefix="bench-directory-") as directory:
        generated = write_lieux_csv(
            Path(directory) / "lieux.csv", GENERATED_STRUCTURES, communes, seed=20261121
        )
        start = time.perf_counter()
        reports = [
            import_directory(FRANCE_SERVICES_CSV, file_format="france-services"),
            import_directory(generated, file_format="lieux-mediation-numerique"),
        ]
        import_seconds = time.perf_counter() - start
    start = time.perf_counter()
    service_links = _add_services(rng, SERVICES)
    services_seconds = time.perf_counter() - start
    structure_links = Structure.covered_needs.through.objects.count()
    counted = Need.objects.annotate(structures_count=Count("structures"))
    most_common = counted.order_by("-structures_count", "pk").first()
    # A démarche of the France services bouquet that no lieux service leads to: only
    # France services (and places of the France Services programme) cover it.
    mapping = load_need_mapping()
    lieux_needs = set().union(
        *(
            ids
            for label, ids in mapping.by_lieux_service.items()
            if label not in mapping.general_lieux_services
        )
    )
    bouquet = mapping.needs_for(operators=FRANCE_SERVICES_BOUQUET)
    france_services_need = (
        counted.filter(pk__in=bouquet - lieux_needs).order_by("-structures_count", "pk").first()
    )
    points = rng.sample(communes, QUERY_POINTS)
    needs = {"most common": most_common, "France services": france_services_need}
    measured = {label: _measure_need(need, points) for label, need in needs.items()}
    # The same queries once the planner has statistics (nothing in the project runs
    # ANALYZE yet; it is rolled back with the test's transaction).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    analyzed = {
        label: _time_queries(nearest_structures, points, need) for label, need in needs.items()
    }
    in_box = {
        label: [
            structures_within(latitude=c.latitude, longitude=c.longitude, radius_km=RADIUS_KM)
            .covering(need)
            .count()
            for c in points
        ]
        for label, need in needs.items()
    }

    print(
        f"\ndirectory nearest on {connection.vendor} {sqlite3.sqlite_version}, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    for report in reports:
        print(f"  {report.summary_line()}")
    print(
        f"  structures: {Structure.objects.active().count()} active, "
        f"{structure_links} structure-need links; "
        f"services: {Service.objects.count()}, {service_links} service-need links"
    )
    print(f"  setup: imports {import_seconds:.1f} s, services {services_seconds:.1f} s")
    print(f"  {QUERY_POINTS} query points at random communes, radius {RADIUS_KM:.0f} km, "
          f"limit {LIMIT}")  # fmt: skip
    for label in needs:
        samples, ids = analyzed[label]
        _print_need(label, measured[label], samples, ids, in_box[label])


# --- import throughput and memory ---------------------------------------------------


WAITER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - start
print(json.dumps({
    "status": os.waitstatus_to_exitcode(status), "wall": wall, "user": usage.ru_utime,
    "system": usage.ru_stime, "maxrss_kib": usage.ru_maxrss,
}))
"""

TRACED = """
import json, sys, time, tracemalloc
import django
django.setup()
from django.core.management import call_command
tracemalloc.start()
start = time.perf_counter()
call_command("import_directory", sys.argv[1], format="lieux-mediation-numerique")
elapsed = time.perf_counter() - start
current, peak = tracemalloc.get_traced_memory()
print(json.dumps({"peak": peak, "current": current, "seconds": elapsed}))
"""


def _measured(command: list[str], env: dict[str, str]) -> dict:
    """A child's wall time, CPU time and peak RSS, via wait4 in a waiter process."""
    result = subprocess.run(
        [sys.executable, "-c", WAITER, *command],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    usage = json.loads(result.stdout.strip().splitlines()[-1])
    if usage["status"] != 0:
        raise AssertionError(f"{' '.join(command)} failed:\n{result.stderr}")
    usage["output"] = "\n".join(result.stdout.strip().splitlines()[:-1])
    return usage


def _copy_database(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _child_env(database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AIGUILLAGE_ENV="dev",
        # As in production: with DEBUG on, Django keeps every SQL statement it runs
        # (9,000 of them, bulk inserts included) and the import's memory is mostly that.
        DJANGO_DEBUG="0",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(REPO),
    )
    return env


def bench_directory_import():
    python = sys.executable
    manage = [python, "manage.py"]
    with tempfile.TemporaryDirectory(prefix="bench-directory-") as directory:
        work = Path(directory)
        start = time.perf_counter()
        csv_path = write_lieux_csv(
            work / "lieux-national.csv", IMPORT_ROWS, load_communes(), seed=2024
        )
        generate_seconds = time.perf_counter() - start
        base = work / "base.sqlite3"
        env = _child_env(base)
        subprocess.run([*manage, "migrate", "--no-input"], cwd=REPO, env=env, check=True,
                       capture_output=True)  # fmt: skip
        france_services = _measured([*manage, "import_directory", str(FRANCE_SERVICES_CSV)], env)
        database = work / "directory.sqlite3"
        traced_database = work / "traced.sqlite3"
        _copy_database(base, database)
        _copy_database(base, traced_database)
        env = _child_env(database)
        idle = _measured([*manage, "import_directory", "--help"], env)
        report_path = work / "report.json"
        command = [*manage, "import_directory", str(csv_path), "--report", str(report_path)]
        first = _measured(command, env)
        first_report = json.loads(report_path.read_text(encoding="utf-8"))
        again = _measured(command, env)
        again_report = json.loads(report_path.read_text(encoding="utf-8"))
        traced = _measured([python, "-c", TRACED, str(csv_path)], _child_env(traced_database))
        traced_figures = json.loads(traced["output"].strip().splitlines()[-1])
        size = csv_path.stat().st_size
        database_size = database.stat().st_size

    def line(label: str, run: dict, report: dict) -> str:
        rows = report["rows"]
        cpu = run["user"] + run["system"]
        return (
            f"  {label}: {run['wall']:6.1f} s wall ({rows / run['wall']:6.0f} rows/s), "
            f"{cpu:6.1f} s CPU ({rows / cpu:6.0f} rows/s of CPU), "
            f"peak RSS {run['maxrss_kib'] / 1024:5.0f} MiB"
        )

    def counts(report: dict) -> str:
        return (
            ", ".join(
                f"{report[key]} {key}" for key in ("created", "updated", "unchanged", "inactive")
            )
            + f", {len(report['errors'])} rejected"
        )

    print(
        f"\ndirectory import on sqlite {sqlite3.sqlite_version}, "
        f"{platform.python_implementation()} {platform.python_version()}, DEBUG off"
    )
    print(
        f"  file: {IMPORT_ROWS} rows of the lieux standard, {size / MIB:.1f} MiB "
        f"(generated in {generate_seconds:.1f} s)"
    )
    print(
        f"  the database already holds the France services "
        f"({france_services['output'].strip()}, {france_services['wall']:.1f} s)"
    )
    print(f"  process with Django loaded, no import: peak RSS {idle['maxrss_kib'] / 1024:.0f} "
          f"MiB, {idle['wall']:.1f} s")  # fmt: skip
    print(line("first import", first, first_report))
    print(f"    {counts(first_report)}")
    print(
        f"    peak RSS above the idle process: "
        f"{(first['maxrss_kib'] - idle['maxrss_kib']) / 1024:.0f} MiB; "
        f"database file {database_size / MIB:.0f} MiB"
    )
    print(line("re-import   ", again, again_report))
    print(f"    {counts(again_report)}")
    print(
        f"  under tracemalloc (a third, fresh run): peak of Python allocations "
        f"{traced_figures['peak'] / MIB:.0f} MiB, {traced_figures['current'] / MIB:.0f} MiB "
        f"still held at the end, {traced_figures['seconds']:.0f} s (tracing slows it)"
    )
