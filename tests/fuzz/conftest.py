"""Fuzzing: Hypothesis profiles and the world every fuzz test throws input at.

Profiles (``HYPOTHESIS_PROFILE``, default ``ci``):

- ``ci``: derandomized (the same examples on every run, so CI is reproducible), few
  examples, no example database: the whole fuzz suite stays within about two minutes
  on two cores, on SQLite and on PostgreSQL;
- ``long``: random, ten times the examples, failures saved in ``var/hypothesis``
  (never in the repository) and replayed first on the next run;
- ``deep``: a hundred times the examples, for a night run.

The profiles are applied by each fuzz test (``FUZZ``, ``FORMS``), never loaded globally,
so other Hypothesis tests of the suite keep their own settings. ``deadline`` is None
everywhere: timing is never asserted in a test (``tests/bench`` measures it).

The world (``world`` fixture) is built once per module inside a transaction that is
rolled back at the end of the module; each test adds its own transaction (pytest-django)
and each example its own savepoint (``harness.rolled_back``), so examples never leak
into each other nor into other tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, settings
from hypothesis.database import DirectoryBasedExampleDatabase

VAR_DIR = Path(__file__).resolve().parents[2] / "var"

_COMMON = {
    "deadline": None,
    "print_blob": True,
    # Generating a form, a CSV file or a query is slower than a number: not a failure.
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile(
    "aiguillage-fuzz-ci", max_examples=25, derandomize=True, database=None, **_COMMON
)
settings.register_profile(
    "aiguillage-fuzz-long",
    max_examples=250,
    database=DirectoryBasedExampleDatabase(str(VAR_DIR / "hypothesis")),
    **_COMMON,
)
settings.register_profile(
    "aiguillage-fuzz-deep",
    max_examples=2500,
    database=DirectoryBasedExampleDatabase(str(VAR_DIR / "hypothesis")),
    **_COMMON,
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "long", "deep"):
    raise pytest.UsageError(f"HYPOTHESIS_PROFILE must be ci, long or deep, not {PROFILE!r}")
FUZZ = settings.get_profile(f"aiguillage-fuzz-{PROFILE}")
if os.environ.get("FUZZ_SHRINK") == "0":  # report the first failing example as found
    FUZZ = settings(FUZZ, phases=[p for p in Phase if p is not Phase.shrink])


def fuzz_settings(fraction: float = 1.0) -> settings:
    """The profile, with a fraction of its examples for tests whose examples are dear
    (an HTTP request rendering a page, and a fingerprint of the database)."""
    return settings(FUZZ, max_examples=max(3, round(FUZZ.max_examples * fraction)))


FORMS = fuzz_settings(0.4)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo network and a second network, with every kind of row, built once per
    module and rolled back after it."""
    from tests.fuzz.world import build_world

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The rate limits have their own tests (tests/public, tests/security); generated
    examples would only trip over them (0 switches each one off)."""
    settings.PUBLIC_RATE_LIMIT = 0
    settings.API_RATE_LIMIT = 0
    settings.API_WRITE_RATE_LIMIT = 0


def pytest_terminal_summary(terminalreporter):
    """With FUZZ_STATS=1: how many generated forms each page accepted or refused."""
    if not os.environ.get("FUZZ_STATS"):
        return
    from tests.fuzz.forms import OUTCOMES

    terminalreporter.section("fuzzed forms: outcomes per page")
    for (path, outcome), count in sorted(OUTCOMES.items()):
        terminalreporter.write_line(f"{count:5d}  {outcome:<14} {path}")
