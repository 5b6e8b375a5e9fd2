"""The JSON API's own rate limits, and errors that leak nothing (aiguillage/api/)."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.test import Client

from aiguillage.core.models import RateLimitCounter
from tests.core.factories import SiteFactory

pytestmark = pytest.mark.django_db

CLIENT = "203.0.113.9"


@pytest.fixture
def limits(settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_LIMIT_WINDOW = 60
    settings.API_WRITE_RATE_LIMIT = 1000
    settings.PUBLIC_RATE_LIMIT = 1
    settings.PUBLIC_RATE_LIMIT_PROXIES = 0
    return settings


def get(client, url="/api/v1/sites", address=CLIENT, **params):
    return client.get(url, params, REMOTE_ADDR=address)


def test_over_its_limit_a_client_gets_429_json_with_retry_after(client, limits):
    SiteFactory()
    for _ in range(3):
        assert get(client).status_code == 200
    response = get(client, "/api/v1/needs", q="impots")  # every endpoint shares the budget
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"}
    assert "Trop de demandes" in response.json()["detail"]
    assert 0 < int(response["Retry-After"]) <= 61
    assert response["Cache-Control"] == "no-store"
    # Another client is not affected.
    assert get(client, address="203.0.113.10").status_code == 200


def test_the_api_and_the_portal_count_apart(client, limits):
    """Reading the API does not use up the portal's budget of booking forms, nor
    the other way round (the portal's limit here is 1 POST)."""
    for _ in range(3):
        assert get(client).status_code == 200
    assert RateLimitCounter.objects.filter(bucket__startswith="post:").count() == 0
    assert RateLimitCounter.objects.filter(bucket__startswith="api:").count() == 1


def test_a_limit_of_zero_switches_it_off(client, limits):
    limits.API_RATE_LIMIT = 0
    for _ in range(5):
        assert get(client).status_code == 200
    assert not RateLimitCounter.objects.exists()


def test_every_operation_documents_its_429(client, limits):
    limits.API_RATE_LIMIT = 0
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)


class TestErrors:
    SECRET = "SELECT secret FROM auth_user -- /srv/aiguillage/config/settings.py"

    @pytest.mark.parametrize("debug", [False, True])
    def test_an_unexpected_failure_is_a_generic_json_500(self, settings, caplog, debug):
        settings.DEBUG = debug
        settings.API_RATE_LIMIT = 0
        client = Client(raise_request_exception=False)
        with (
            mock.patch("aiguillage.api.v1.public_sites", side_effect=RuntimeError(self.SECRET)),
            caplog.at_level(logging.ERROR, logger="aiguillage.api"),
        ):
            response = client.get("/api/v1/sites")
        assert response.status_code == 500
        assert response.json() == {"detail": "Erreur interne : réessayez plus tard."}
        for leak in ("SELECT", "settings.py", "Traceback", "RuntimeError"):
            assert leak not in response.text
        # The operators have it all in the log, under the route (never a token's path).
        (record,) = [r for r in caplog.records if r.name == "aiguillage.api"]
        assert "api/v1/sites" in record.getMessage() and record.exc_info

    def test_a_database_error_says_no_sql(self, settings):
        from django.db import DatabaseError

        settings.API_RATE_LIMIT = 0
        client = Client(raise_request_exception=False)
        with mock.patch(
            "aiguillage.api.v1.public_sites",
            side_effect=DatabaseError('relation "core_site" does not exist'),
        ):
            response = client.get("/api/v1/sites")
        assert response.status_code == 500
        assert "core_site" not in response.text and "relation" not in response.text

    def test_the_log_line_holds_the_route_not_the_token(self, settings, caplog):
        settings.API_RATE_LIMIT = 0
        settings.API_WRITE_RATE_LIMIT = 0
        client = Client(raise_request_exception=False)
        token = "jeton-secret-de-gestion-1234567890"
        with (
            mock.patch("aiguillage.api.agenda._booking", side_effect=RuntimeError),
            caplog.at_level(logging.ERROR, logger="aiguillage.api"),
        ):
            response = client.delete(f"/api/v1/bookings/{token}")
        assert response.status_code == 500
        assert token not in caplog.text
        assert "api/v1/bookings/<token>" in caplog.text

    def test_a_not_found_names_nothing(self, client, settings):
        settings.API_RATE_LIMIT = 0
        response = client.get("/api/v1/structures/999999")
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}
