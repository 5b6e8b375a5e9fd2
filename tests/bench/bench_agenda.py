"""The agenda: the next free slot for a need, and registrations racing over HTTP.

Two benchmarks, figures printed (see docs/benchmarks.md):

- ``bench_agenda_next_free_slot``: two networks of 20 sites and 50 people each (30
  partner agents, 20 staff members), every person holding two permanences (weekly,
  fortnightly or monthly, at two sites), each handling a few needs of the catalog,
  materialised a year ahead with ``materialise(window_days=365)``. The near weeks are
  mostly booked and a few dates are cancelled, as in use. Then ``free_slots(network=...,
  need=..., after=now, limit=1)`` for every need of the catalog, in process, before and
  after ``ANALYZE``, with the query plan of the slowest answer.
- ``bench_agenda_registration_race``: the production server (``make serve``, gunicorn,
  3 workers) on a fresh database of its own, SQLite (WAL) then PostgreSQL; 60 clients,
  each a separate process, register for a workshop of 12 seats and 20 places waiting at
  the same instant. Reported: the answers (12 confirmed, 20 waiting, 28 x 409, no 5xx),
  the counters against the rows, and registrations per second. Three rounds per engine,
  after a few registrations that warm the workers up (their first requests load code).
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
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from aiguillage.agenda.models import (
    BookableBy,
    Occurrence,
    OccurrenceStatus,
    Permanence,
    PermanenceKind,
    Slot,
)
from aiguillage.agenda.selectors import free_slots
from aiguillage.agenda.services.permanences import materialise
from aiguillage.catalog.models import Need
from tests.accounts.factories import MembershipFactory
from tests.agenda.test_http_race import start_server, stop_server
from tests.core.factories import NetworkFactory, SiteFactory
from tests.directory.factories import StructureFactory

REPO = Path(__file__).resolve().parents[2]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = datetime.date(2026, 11, 23)  # a Monday
NOW = datetime.datetime(2026, 11, 23, 8, 30, tzinfo=PARIS)
SITES = 20
PARTNER_AGENTS = 30
STAFF = 20
PERMANENCES_PER_PERSON = 2
WINDOW_DAYS = 365
ROUNDS = 3  # every need is asked this many times
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]
# How much of the slots starting within N days is already booked.
BOOKED_SHARE = [(14, 0.9), (60, 0.6), (120, 0.25), (WINDOW_DAYS + 1, 0.05)]
CANCELLED_SHARE = 0.03


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(len(ordered) * 0.95) - 1)]


def _ms(samples: list[float]) -> str:
    p50, p95 = _percentiles(samples)
    return f"p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  max {max(samples):7.2f} ms"


# --- next free slot for a need -------------------------------------------------------


def _rule(rng: random.Random, day: str) -> str:
    roll = rng.random()
    if roll < 0.6:
        return f"FREQ=WEEKLY;BYDAY={day}"
    if roll < 0.85:
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"
    return f"FREQ=MONTHLY;BYDAY={rng.randint(1, 4)}{day}"


def _network(rng: random.Random, index: int, needs: list[Need]) -> tuple[object, int]:
    """A network of SITES sites and 50 people, two permanences each; returns the network
    and how many permanences it has. Needs are drawn with a skew, so that some are
    handled by many permanences, some by one or two, and a few by none."""
    network = NetworkFactory(slug=f"bench-agenda-{index}")
    sites = [SiteFactory(network=network, slug=f"site-{n}") for n in range(SITES)]
    weights = [1 / (rank + 1) for rank in range(len(needs))]
    shuffled = needs[:]
    rng.shuffle(shuffled)
    people = [("partner", n) for n in range(PARTNER_AGENTS)] + [("staff", n) for n in range(STAFF)]
    count = 0
    for kind, n in people:
        days = rng.sample(DAYS, PERMANENCES_PER_PERSON)  # never twice the same day
        where = rng.sample(sites, PERMANENCES_PER_PERSON)
        owner = (
            {"structure": StructureFactory(source="bench-agenda"), "partner_agent": f"Agent {n}"}
            if kind == "partner"
            else {"staff": MembershipFactory(network=network)}
        )
        handled = {need.pk for need in rng.choices(shuffled, weights=weights, k=rng.randint(2, 8))}
        for day, site in zip(days, where, strict=True):
            morning = rng.random() < 0.5
            permanence = Permanence.objects.create(
                network=network,
                site=site,
                kind=PermanenceKind.PARTNER if kind == "partner" else PermanenceKind.STAFF,
                title=f"Permanence {kind} {n} {day}",
                rrule=_rule(rng, day),
                starts_on=TODAY,
                start_time=datetime.time(9 if morning else 14, 0),
                end_time=datetime.time(12 if morning else 17, 0),
                slot_minutes=rng.choice([20, 30, 30, 45]),
                seats_per_slot=rng.choice([1, 1, 1, 2]),
                bookable_by=BookableBy.PUBLIC if rng.random() < 0.7 else BookableBy.DESK,
                **owner,
            )
            permanence.needs.set(handled)
            materialise(permanence=permanence, today=TODAY, window_days=WINDOW_DAYS)
            count += 1
    return network, count


def _use_the_agenda(rng: random.Random) -> tuple[int, int]:
    """Book most of the near slots and cancel a few dates, as in use (counters only: the
    selector reads the slots, not the appointments)."""
    booked = []
    for pk, starts_at in Slot.objects.values_list("pk", "starts_at"):
        days = (starts_at - NOW).days
        share = next(share for limit, share in BOOKED_SHARE if days < limit)
        if rng.random() < share:
            booked.append(pk)
    for start in range(0, len(booked), 500):
        Slot.objects.filter(pk__in=booked[start : start + 500]).update(booked=F("capacity"))
    cancelled = [
        pk
        for pk in Occurrence.objects.values_list("pk", flat=True)
        if rng.random() < CANCELLED_SHARE
    ]
    for start in range(0, len(cancelled), 500):
        chunk = cancelled[start : start + 500]
        Occurrence.objects.filter(pk__in=chunk).update(status=OccurrenceStatus.CANCELLED)
        Slot.objects.filter(occurrence_id__in=chunk).update(is_open=False)
    return len(booked), len(cancelled)


def _selector(network, need: Need) -> list[Slot]:
    return free_slots(network=network, need=need, after=NOW, limit=1)


def _selector_public(network, need: Need) -> list[Slot]:
    return free_slots(network=network, need=need, after=NOW, limit=1, public_only=True)


def _plan(network, need: Need) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        free_slots(network=network, need=need, after=NOW, limit=1)
    sql = queries.captured_queries[-1]["sql"]
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}")
            return [row[0] for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in cursor.fetchall()]


def _first_free_by_scan(network) -> dict[int, int]:
    """The expected answers, the naive way (outside timing): one pass over every slot of
    the network in time order, noting the first free one of each need."""
    needs_of: dict[int, set[int]] = {}
    for permanence_id, need_id in Permanence.needs.through.objects.filter(
        permanence__network=network
    ).values_list("permanence_id", "need_id"):
        needs_of.setdefault(permanence_id, set()).add(need_id)
    first: dict[int, int] = {}
    rows = (
        Slot.objects.filter(network=network)
        .order_by("starts_at", "pk")
        .values_list(
            "pk", "permanence_id", "starts_at", "is_open", "booked", "capacity",
            "occurrence__status", "permanence__is_active",
        )
    )  # fmt: skip
    for pk, permanence_id, starts_at, is_open, booked, capacity, status, active in rows:
        free = is_open and booked < capacity and status == OccurrenceStatus.SCHEDULED
        if starts_at > NOW and free and active:
            for need_id in needs_of.get(permanence_id, ()):
                first.setdefault(need_id, pk)
    return first


def _time(fn, network, needs: list[Need]) -> dict[int, list[float]]:
    samples: dict[int, list[float]] = {need.pk: [] for need in needs}
    for _round in range(ROUNDS):
        for need in needs:
            start = time.perf_counter()
            fn(network, need)
            samples[need.pk].append((time.perf_counter() - start) * 1000)
    return samples


@pytest.mark.django_db
def bench_agenda_next_free_slot():
    rng = random.Random(20261121)
    needs = list(Need.objects.active().order_by("slug"))
    start = time.perf_counter()
    built = [_network(rng, index, needs) for index in range(2)]
    booked, cancelled = _use_the_agenda(rng)
    setup_seconds = time.perf_counter() - start
    network = built[0][0]
    handled_by = Counter(
        Permanence.needs.through.objects.filter(permanence__network=network).values_list(
            "need_id", flat=True
        )
    )
    # Warm the connection and the statement cache.
    for need in needs[:5]:
        free_slots(network=network, need=need, after=NOW, limit=1)
    most_handled = max(needs, key=lambda need: handled_by[need.pk])
    with CaptureQueriesContext(connection) as queries:  # a need some permanences handle
        free_slots(network=network, need=most_handled, after=NOW, limit=1)
    measured = _time(_selector, network, needs)
    public = _time(_selector_public, network, needs)
    scan = _first_free_by_scan(network)
    expected = {need.pk: scan.get(need.pk) for need in needs}
    answers = {
        need.pk: next(
            iter(s.pk for s in free_slots(network=network, need=need, after=NOW, limit=1)), None
        )
        for need in needs
    }
    slowest = max(needs, key=lambda need: statistics.median(measured[need.pk]))
    plan = _plan(network, slowest)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    analyzed = _time(_selector, network, needs)
    plan_analyzed = _plan(network, slowest)

    def flat(samples, which=None):
        return [
            ms for pk, values in samples.items() if which is None or pk in which for ms in values
        ]

    handled_none = {n.pk for n in needs if handled_by[n.pk] == 0}
    handled_few = {n.pk for n in needs if 1 <= handled_by[n.pk] <= 2}
    handled_many = {n.pk for n in needs if handled_by[n.pk] > 2}
    version = sqlite3.sqlite_version if connection.vendor == "sqlite" else ""
    print(
        f"\nagenda next free slot on {connection.vendor} {version}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  2 networks x {SITES} sites, {PARTNER_AGENTS + STAFF} people, "
        f"{sum(count for _, count in built)} permanences; "
        f"{Occurrence.objects.count()} dates, {Slot.objects.count()} slots over "
        f"{WINDOW_DAYS} days; {booked} slots full, {cancelled} dates cancelled; "
        f"setup {setup_seconds:.1f} s"
    )
    print(
        f"  the network measured: {Slot.objects.filter(network=network).count()} slots, "
        f"{Slot.objects.filter(network=network).free().filter(starts_at__gt=NOW).count()} "
        f"free; needs handled by no permanence {len(handled_none)}, by 1-2 "
        f"{len(handled_few)}, by 3 or more {len(handled_many)} (at most "
        f"{max(handled_by.values())} permanences)"
    )
    print(
        f"  free_slots(network, need, after=now, limit=1), {len(queries)} queries, "
        f"{len(needs)} needs x {ROUNDS}:"
    )
    print(f"    every need:               {_ms(flat(measured))}")
    for label, which in (
        ("handled by 3 or more", handled_many),
        ("handled by 1 or 2", handled_few),
        ("handled by none", handled_none),
    ):
        if which:
            print(f"    {label + ':':26}{_ms(flat(measured, which))}")
    print(f"    public_only=True (API):   {_ms(flat(public))}")
    print(f"    after ANALYZE:            {_ms(flat(analyzed))}")
    print(f"      handled by none:        {_ms(flat(analyzed, handled_none))}")
    right = sum(answers[pk] == expected[pk] for pk in expected)
    print(f"  same slot as the exact answer: {right}/{len(expected)}")
    print(
        f"  slowest need: {slowest.slug!r} (handled by {handled_by[slowest.pk]} permanences), "
        f"median {statistics.median(measured[slowest.pk]):.2f} ms"
    )
    print("  query plan:")
    for line in plan:
        print(f"    {line}")
    print("  query plan after ANALYZE:")
    for line in plan_analyzed:
        print(f"    {line}")


# --- registrations racing over HTTP ----------------------------------------------------

RACE_CLIENTS = 60
RACE_ROUNDS = 3
WARM_UP_CLIENTS = 12  # every worker answers a few requests before the rounds are timed
RACE_CAPACITY = 12
RACE_WAITLIST = 20

SEED = """
import datetime, json
from django.utils import timezone
from aiguillage.agenda.models import Workshop, WorkshopSession, WorkshopStatus
from aiguillage.core.models import Network, Site
network, _ = Network.objects.get_or_create(slug="bench-race", defaults={"name": "Bench race"})
site, _ = Site.objects.get_or_create(
    network=network, slug="centre",
    defaults={"name": "Médiathèque", "address": "1 place de la Mairie", "postcode": "34400",
              "commune_name": "Lunel", "commune_insee": "34145",
              "latitude": 43.6757, "longitude": 4.1357},
)
starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
ids = []
for n in range(ROUNDS + 1):  # the first one warms the server up
    workshop = Workshop.objects.create(
        network=network, site=site, title=f"Atelier {n}", description="Bench",
        capacity=CAPACITY if n else 1000, waitlist_capacity=WAITLIST if n else 0,
        status=WorkshopStatus.PUBLISHED,
        public_registration=True, starts_at=starts,
    )
    WorkshopSession.objects.create(
        workshop=workshop, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )
    ids.append(workshop.pk)
print(json.dumps(ids))
"""

COUNT = """
import json
from collections import Counter
from aiguillage.agenda.models import Registration, Workshop
out = {}
for workshop in Workshop.objects.filter(pk__in=IDS):
    rows = Counter(Registration.objects.filter(workshop=workshop).values_list("status", flat=True))
    out[workshop.pk] = {"confirmed": workshop.confirmed, "waitlisted": workshop.waitlisted,
                        "rows": dict(rows)}
print(json.dumps(out))
"""

# One client: ready, waits for the word on stdin, sends one registration, prints the result.
CLIENT = """
import http.client, json, sys, time
port, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
body = json.dumps({"first_name": f"Personne {n}", "email": f"course{n}@exemple.fr",
                   "consent_reminders": True}).encode()
print("ready", flush=True)
sys.stdin.readline()
start = time.monotonic()
client = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
client.request("POST", path, body=body, headers={"Content-Type": "application/json"})
response = client.getresponse()
data = response.read()
end = time.monotonic()
try:
    parsed = json.loads(data)
except ValueError:
    parsed = None
print(json.dumps({"status": response.status, "body": parsed, "start": start, "end": end}))
"""


def _manage(code: str, *, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def _dev_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return env | {"AIGUILLAGE_ENV": "dev", "DATABASE_URL": database_url}


def _race(port: int, workshop_id: int, clients: int = RACE_CLIENTS) -> dict:
    path = f"/api/v1/workshops/{workshop_id}/registrations"
    clients = [
        subprocess.Popen(
            [sys.executable, "-c", CLIENT, str(port), path, str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(clients)
    ]
    for client in clients:  # every process started and waiting
        assert client.stdout.readline().strip() == "ready"
    go = time.monotonic()
    for client in clients:
        client.stdin.write("go\n")
        client.stdin.flush()
    results = []
    for client in clients:
        out, _ = client.communicate(timeout=180)
        results.append(json.loads(out.strip().splitlines()[-1]))
    last = max(r["end"] for r in results)
    return {"results": results, "seconds": last - go}


def _postgres_scratch() -> tuple[str, object] | None:
    """A fresh PostgreSQL database for the race (dropped after), or None if unreachable."""
    import psycopg

    base = os.environ.get("TEST_POSTGRES_URL") or (
        os.environ["DATABASE_URL"]
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else "postgres://aiguillage:aiguillage@127.0.0.1:5432/aiguillage"
    )
    head, _, _name = base.rpartition("/")
    name = f"bench_agenda_race_{os.getpid()}"
    try:
        with psycopg.connect(f"{head}/postgres", autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"  PostgreSQL not reachable at {head}/postgres: {exc.__class__.__name__}")
        return None

    def drop():
        with psycopg.connect(f"{head}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{head}/{name}", drop


def _race_on(engine: str, directory: Path) -> None:
    drop = None
    load = os.getloadavg()[0]  # the machine may be shared: the figures depend on it
    if engine == "sqlite":
        url = f"sqlite:///{directory / 'race.sqlite3'}"
    else:
        scratch = _postgres_scratch()
        if scratch is None:
            return
        url, drop = scratch
    try:
        env = _dev_env(url)
        _manage("from django.core.management import call_command; "
                "call_command('migrate', verbosity=0); print('ok')", env=env)  # fmt: skip
        seed = (
            SEED.replace("ROUNDS", str(RACE_ROUNDS))
            .replace("CAPACITY", str(RACE_CAPACITY))
            .replace("WAITLIST", str(RACE_WAITLIST))
        )
        warm_up, *ids = json.loads(_manage(seed, env=env))
        server = start_server(database_url=url, var_dir=directory, log=directory / "serve.log")
        try:
            _race(server.port, warm_up, clients=WARM_UP_CLIENTS)
            rounds = [_race(server.port, workshop_id) for workshop_id in ids]
        finally:
            stop_server(server)
        counted = json.loads(_manage(COUNT.replace("IDS", json.dumps(ids)), env=env))
    finally:
        if drop is not None:
            drop()
    print(f"  {engine} (load average before: {load:.1f}):")
    rates = []
    for workshop_id, measured in zip(ids, rounds, strict=True):
        statuses = Counter(r["status"] for r in measured["results"])
        made = Counter(r["body"]["status"] for r in measured["results"] if r["status"] == 201)
        codes = Counter(r["body"]["code"] for r in measured["results"] if r["status"] == 409)
        server_errors = sum(n for status, n in statuses.items() if status >= 500)
        latencies = [(r["end"] - r["start"]) * 1000 for r in measured["results"]]
        rate = RACE_CLIENTS / measured["seconds"]
        rates.append(rate)
        db = counted[str(workshop_id)]
        latency_p50, latency_p95 = _percentiles(latencies)
        print(
            f"    {made['confirmed']} confirmed, {made['waitlisted']} waitlisted, "
            f"{statuses[409]} x 409 ({', '.join(f'{c} {n}' for c, n in codes.items())}), "
            f"{server_errors} x 5xx; counters {db['confirmed']}/{db['waitlisted']}, rows "
            f"{db['rows']}; {measured['seconds']:.2f} s, {rate:.0f} registrations/s, "
            f"latency p50 {latency_p50:.0f} ms p95 {latency_p95:.0f} ms"
        )
    print(f"    median {statistics.median(rates):.0f} registrations/s over {len(rates)} rounds")


def bench_agenda_registration_race():
    print(
        f"\nagenda registration race over HTTP: make serve (gunicorn, 3 workers), "
        f"{RACE_CLIENTS} client processes at once, workshop of {RACE_CAPACITY} seats and "
        f"{RACE_WAITLIST} places waiting, {RACE_ROUNDS} rounds per engine after "
        f"{WARM_UP_CLIENTS} warm-up registrations; "
        f"SQLite {sqlite3.sqlite_version}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores"
    )
    for engine in ("sqlite", "postgresql"):
        with tempfile.TemporaryDirectory(prefix=f"bench-race-{engine}-") as directory:
            _race_on(engine, Path(directory))
