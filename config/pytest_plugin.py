"""Loaded by pytest before Django (``-p config.pytest_plugin``): the suite runs in dev mode.

pytest-django imports the settings before any conftest, so the environment must be
set by an early plugin; production defaults would otherwise demand a SECRET_KEY.
"""

import os

import pytest

os.environ.setdefault("AIGUILLAGE_ENV", "dev")


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
