"""Loaded by pytest before Django (``-p config.pytest_plugin``): the suite runs in dev mode.

pytest-django imports the settings before any conftest, so the environment must be
set by an early plugin; production defaults would otherwise demand a SECRET_KEY.
"""

import datetime
import os
import zoneinfo

import pytest

os.environ.setdefault("AIGUILLAGE_ENV", "dev")

# The suite's "now": one instant, frozen for the whole run (fixtures of every scope,
# the live server's threads included), so that no test depends on the real clock.
# Choose another with AIGUILLAGE_TEST_NOW (ISO 8601; without an offset it is read in
# Europe/Paris): the suite must pass at any instant (docs/development.md).
DEFAULT_TEST_NOW = "2027-01-13T10:00:00"  # a Wednesday morning, an ordinary desk day
TEST_NOW_VARIABLE = "AIGUILLAGE_TEST_NOW"


def chosen_now() -> datetime.datetime:
    """The instant the suite runs at, aware."""
    text = os.environ.get(TEST_NOW_VARIABLE) or DEFAULT_TEST_NOW
    try:
        instant = datetime.datetime.fromisoformat(text)
    except ValueError as error:
        raise pytest.UsageError(
            f"{TEST_NOW_VARIABLE}={text!r} is not an ISO 8601 date and time "
            "(e.g. 2027-03-28T01:30:00 or 2026-12-31T23:30:00+01:00)"
        ) from error
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    return instant


_frozen = None
_now_key = pytest.StashKey[datetime.datetime]()


def pytest_configure(config):
    """Freeze the clock before Django or any fixture reads it. time-machine stacks
    travels, so a test may still move the clock (the ``time_machine`` fixture) and
    comes back to this instant when it ends."""
    global _frozen
    import time_machine

    instant = chosen_now()
    _frozen = time_machine.travel(instant, tick=False)
    _frozen.start()
    config.stash[_now_key] = instant


def pytest_unconfigure(config):
    global _frozen
    if _frozen is not None:
        _frozen.stop()
        _frozen = None


def pytest_report_header(config):
    instant = config.stash.get(_now_key, None)
    return f"frozen now: {instant.isoformat() if instant else '?'} (set {TEST_NOW_VARIABLE})"


@pytest.fixture(autouse=True)
def _two_factor_off_unless_a_test_turns_it_on(settings):
    """Two-factor authentication is required by default (production and dev alike);
    the suite turns it off explicitly, and its own tests turn it back on. Done on the
    settings object, not the environment, so that the production-settings tests run
    in subprocesses see the real default."""
    settings.AIGUILLAGE_REQUIRE_2FA = False


@pytest.fixture(autouse=True, scope="session")
def _test_client_login_passes_a_request():
    """django-axes counts failed logins per client, so it needs the request in
    ``authenticate()`` (a login form always passes it). The test client's ``login()``
    passes none: give it a request from 127.0.0.1, like a login form's. Lockout stays
    on in the suite."""
    from django.test import Client
    from django.test.client import RequestFactory

    original = Client.login

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/comptes/connexion/"))
        return original(self, **credentials)

    Client.login = login
    yield
    Client.login = original
