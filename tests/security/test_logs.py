"""No token of a path reaches the log (aiguillage/core/logfilters.py)."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.test import RequestFactory

from aiguillage.core.logfilters import RedactPathSecrets, redacted_path

TOKEN = "jeton-de-gestion-secret-0123456789"


@pytest.mark.parametrize(
    ("path", "route"),
    [
        (f"/p/pic/gerer/{TOKEN}/", "/p/<slug:network_slug>/gerer/<str:token>/"),
        (f"/p/pic/gerer/{TOKEN}/annuler/", "/p/<slug:network_slug>/gerer/<str:token>/annuler/"),
        (f"/p/pic/calendrier/{TOKEN}.ics", "/p/<slug:network_slug>/calendrier/<str:token>.ics"),
        (f"/api/v1/bookings/{TOKEN}", "/api/v1/bookings/<token>"),
    ],
)
def test_a_path_with_a_token_becomes_its_pattern(path, route):
    assert redacted_path(path) == route


@pytest.mark.parametrize("path", ["/p/pic/", "/r/pic/agenda/", "/nulle/part/", "/api/v1/sites"])
def test_other_paths_stay(path):
    assert redacted_path(path) == path


def test_djangos_log_line_of_a_refused_request_is_redacted():
    """The record Django writes for a 4xx/5xx: "Not Found: <path>" with the request."""
    request = RequestFactory().get(f"/p/pic/gerer/{TOKEN}/", {"x": "1"})
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s", ("Not Found", request.path), None
    )
    record.request = request
    assert RedactPathSecrets().filter(record)
    assert TOKEN not in record.getMessage()
    assert record.getMessage() == "Not Found: /p/<slug:network_slug>/gerer/<str:token>/"


def test_the_console_handler_has_the_filter():
    console = settings.LOGGING["handlers"]["console"]
    assert "redact_path_secrets" in console["filters"]
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    assert any(isinstance(f, RedactPathSecrets) for f in handler.filters)


@pytest.mark.django_db
def test_a_manage_link_that_fails_logs_no_token(client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get(f"/p/nulle-part/gerer/{TOKEN}/")
    assert response.status_code == 404
    assert "Not Found" in caplog.text
    assert TOKEN not in caplog.text
