"""Booking and registering are atomic under concurrent requests from several server
processes: the production server (``make serve``: gunicorn, 3 workers, production
settings) against the suite's own test database, on SQLite (WAL) as on PostgreSQL.

Concurrent requests come from threads of this process, all released at once by a
barrier. Capacity is never exceeded, every counter equals its rows, no row is left
without its 201, and the same contact twice at the same instant gets one seat.
The server is always stopped, even when a test fails.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    Registration,
    RegistrationStatus,
    Slot,
    Workshop,
)
from aiguillage.agenda.services.permanences import materialise
from tests.agenda.factories import PermanenceFactory, WorkshopFactory
from tests.core.factories import SiteFactory

REPO = Path(__file__).resolve().parents[2]
WORKERS = 3
START_TIMEOUT = 60  # collectstatic, then gunicorn's workers importing Django
REQUEST_TIMEOUT = 60


# --- the production server -------------------------------------------------------------


def database_url_of(settings_dict) -> str:
    """The URL of the database Django is connected to (the test database, in tests)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{settings_dict['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(*, database_url: str, port: int, var_dir: Path) -> dict[str, str]:
    """Production settings (no AIGUILLAGE_ENV), on plain HTTP at 127.0.0.1. Notifications
    go to the task table (the database backend, no worker runs): nothing is sent."""
    dev_only = ("AIGUILLAGE_ENV", "DJANGO_DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    env = {name: value for name, value in os.environ.items() if name not in dev_only}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SITE_URL=f"http://127.0.0.1:{port}",
        TASKS_BACKEND="database",
        PUBLIC_RATE_LIMIT="0",  # every client here is 127.0.0.1
        API_RATE_LIMIT="0",
        API_WRITE_RATE_LIMIT="0",
        AIGUILLAGE_VAR_DIR=str(var_dir),  # collected static files, away from var/
        PORT=str(port),
        WORKERS=str(WORKERS),
        LOG_LEVEL="WARNING",
    )
    return env


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def start_server(*, database_url: str, var_dir: Path, log: Path) -> Server:
    """``make serve`` in a session of its own (make, gunicorn and its workers share the
    process group, so that stopping it stops them all); returns once /healthz answers.
    The install step is taken as done: the suite runs from the installed tree."""
    port = free_port()
    env = production_env(database_url=database_url, port=port, var_dir=var_dir)
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "-o", ".venv/.installed", "serve"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"make serve exited ({process.returncode}):\n{server.output}")
        try:
            status, _ = request(port, "GET", "/healthz", timeout=2)
        except OSError:
            status = None
        if status == 200:
            return server
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"the server did not answer /healthz in {START_TIMEOUT} s:\n{server.output}")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_server(server: Server, *, grace: float = 15) -> None:
    """SIGTERM to the server's process group (make, gunicorn and its workers), then
    SIGKILL to whatever is left of that group after ``grace`` seconds."""
    pgid = server.process.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        server.process.poll()  # reap make, so that it does not linger as a zombie
        if not _group_alive(pgid):
            break
        time.sleep(0.1)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    server.process.wait(timeout=10)


def request(port: int, method: str, path: str, body=None, *, timeout=REQUEST_TIMEOUT):
    """(status, decoded JSON body or None), on a connection of its own."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        client.request(method, path, body=payload, headers=headers)
        response = client.getresponse()
        raw = response.read()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw.decode(errors="replace")[:200]
        return response.status, data
    finally:
        client.close()


def all_at_once(port: int, calls: list[tuple[str, str, object]]) -> list[tuple[int, object]]:
    """Every call in a thread of its own, released together; answers in call order."""
    barrier = threading.Barrier(len(calls))

    def one(call):
        method, path, body = call
        barrier.wait(timeout=30)
        return request(port, method, path, body)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(one, calls))


def registration_body(n: int, email: str | None = None) -> dict:
    return {
        "first_name": f"Personne {n}",
        "email": email or f"course{n}@exemple.fr",
        "consent_reminders": True,
    }


def notifications() -> Counter:
    """(kind, booking id) of every notification the server enqueued."""
    return Counter(
        (row["kwargs"]["kind"], row["kwargs"]["pk"])
        for row in DBTaskResult.objects.values_list("args_kwargs", flat=True)
    )


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("serve-var")
    running = start_server(
        database_url=database_url_of(connection.settings_dict),
        var_dir=var_dir,
        log=var_dir / "serve.log",
    )
    try:
        yield running
    finally:
        stop_server(running)


def public_workshop(**fields) -> Workshop:
    starts = (timezone.now() + datetime.timedelta(days=7)).replace(second=0, microsecond=0)
    return WorkshopFactory(
        **({"starts_at": starts, "capacity": 12, "waitlist_capacity": 20} | fields)
    )


def public_slot(seats: int) -> Slot:
    today = timezone.localdate()
    permanence = PermanenceFactory(
        site=SiteFactory(),
        rrule="FREQ=DAILY",
        starts_on=today,
        seats_per_slot=seats,
    )
    materialise(permanence=permanence, today=today, window_days=7)
    after = timezone.now() + datetime.timedelta(days=2)
    return permanence.slots.filter(starts_at__gt=after).order_by("starts_at").first()


# --- the races -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_sixty_registrations_at_once_fill_twelve_seats_and_twenty_places_waiting(server):
    workshop = public_workshop()
    path = f"/api/v1/workshops/{workshop.pk}/registrations"
    answers = all_at_once(server.port, [("POST", path, registration_body(n)) for n in range(60)])

    statuses = Counter(status for status, _ in answers)
    assert statuses == {201: 32, 409: 28}, (statuses, server.output)
    created = Counter(body["status"] for status, body in answers if status == 201)
    assert created == {"confirmed": 12, "waitlisted": 20}
    assert {body["code"] for status, body in answers if status == 409} == {"workshop_full"}

    workshop.refresh_from_db()
    assert (workshop.confirmed, workshop.waitlisted) == (12, 20)
    rows = Counter(Registration.objects.filter(workshop=workshop).values_list("status", flat=True))
    assert rows == {RegistrationStatus.CONFIRMED: 12, RegistrationStatus.WAITLISTED: 20}
    assert Registration.objects.count() == 32  # no row without its 201
    tokens = [body["manage_token"] for status, body in answers if status == 201]
    assert len(set(tokens)) == 32
    registered = set(Registration.objects.values_list("pk", flat=True))
    assert notifications() == Counter({("registration_made", pk): 1 for pk in registered})

    # Six confirmed people cancel at once: six people waiting take their seats.
    leaving = [
        body["manage_token"]
        for status, body in answers
        if status == 201 and body["status"] == "confirmed"
    ][:6]
    cancelled = all_at_once(
        server.port, [("DELETE", f"/api/v1/bookings/{token}", None) for token in leaving]
    )
    assert [status for status, _ in cancelled] == [204] * 6, server.output
    workshop.refresh_from_db()
    assert (workshop.confirmed, workshop.waitlisted) == (12, 14)
    rows = Counter(Registration.objects.filter(workshop=workshop).values_list("status", flat=True))
    assert rows == {
        RegistrationStatus.CONFIRMED: 12,
        RegistrationStatus.WAITLISTED: 14,
        RegistrationStatus.CANCELLED: 6,
    }
    promoted = Registration.objects.filter(promoted_at__isnull=False)
    assert promoted.count() == 6
    first_waiting = (
        Registration.objects.filter(workshop=workshop)
        .exclude(status=RegistrationStatus.CANCELLED)
        .exclude(promoted_at=None)
        .order_by("created_at", "pk")
    )
    assert list(first_waiting) == list(promoted.order_by("created_at", "pk"))
    told = notifications()
    assert sum(n for (kind, _), n in told.items() if kind == "registration_cancelled") == 6
    assert {pk for kind, pk in told if kind == "registration_promoted"} == set(
        promoted.values_list("pk", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_exceed_the_slot(server):
    slot = public_slot(seats=3)
    calls = [
        ("POST", "/api/v1/appointments", {"slot": slot.pk} | registration_body(n))
        for n in range(12)
    ]
    answers = all_at_once(server.port, calls)
    assert Counter(status for status, _ in answers) == {201: 3, 409: 9}, server.output
    assert {body["code"] for status, body in answers if status == 409} == {"unavailable"}
    slot.refresh_from_db()
    assert slot.booked == 3
    held = Appointment.objects.filter(slot=slot, status=AppointmentStatus.BOOKED)
    assert held.count() == Appointment.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_same_contact_twice_at_once_gets_one_seat(server):
    workshop = public_workshop()
    slot = public_slot(seats=12)
    calls = []
    for n in range(4):  # each contact twice, typed differently, at the same instant
        for email in (f"double{n}@exemple.fr", f" Double{n}@EXEMPLE.fr"):
            calls.append(
                (
                    "POST",
                    f"/api/v1/workshops/{workshop.pk}/registrations",
                    registration_body(n, email),
                )
            )
            calls.append(
                ("POST", "/api/v1/appointments", {"slot": slot.pk} | registration_body(n, email))
            )
    answers = all_at_once(server.port, calls)
    assert not [status for status, _ in answers if status >= 500], server.output
    for n in range(4):
        for kind in (0, 1):  # the registration's pair, then the appointment's
            pair = [answers[n * 4 + kind], answers[n * 4 + 2 + kind]]
            assert sorted(status for status, _ in pair) == [201, 409], pair
            conflict = next(body for status, body in pair if status == 409)
            assert conflict["code"] == "already_booked"
    workshop.refresh_from_db()
    slot.refresh_from_db()
    assert workshop.confirmed == Registration.objects.count() == 4
    assert slot.booked == Appointment.objects.count() == 4
