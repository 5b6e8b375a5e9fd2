"""The security headers of every kind of answer: a staff page, a public page, the API,
an error page (docs/security.md)."""

import re

import pytest
from django.test import Client

from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory, SiteFactory

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_hardened(response) -> None:
    policy = directives(response)
    for name, value in POLICY.items():
        assert policy[name] == value, (name, policy)
    # Style: our files and, for a page that needs it, the nonce of its one <style>.
    assert re.fullmatch(r"'self'( 'nonce-[A-Za-z0-9+/=]{16,}')?", policy["style-src"])
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert "http:" not in header and "https:" not in header and "*" not in header
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in permissions


@pytest.fixture
def network():
    network = NetworkFactory(slug="entetes")
    SiteFactory(network=network, slug="centre")
    return network


def test_a_staff_page(client, network):
    membership = MembershipFactory(network=network, coordinator=True)
    client.force_login(membership.user)
    response = client.get("/r/entetes/annuaire/")
    assert response.status_code == 200
    assert_hardened(response)
    # The page's one inline <style> (the network's colour) carries the header's nonce.
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in response.text
    assert response.text.count("<style") == 1


def test_a_public_page(client, network):
    response = client.get("/p/entetes/")
    assert response.status_code == 200
    assert_hardened(response)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in response.text


def test_each_page_gets_its_own_nonce(client, network):
    first, second = client.get("/p/entetes/"), client.get("/p/entetes/")
    assert directives(first)["style-src"] != directives(second)["style-src"]


def test_the_api(client, network):
    response = client.get("/api/v1/sites")
    assert response.status_code == 200
    assert_hardened(response)
    assert "nonce" not in response["Content-Security-Policy"]  # no page, no nonce
    assert_hardened(client.get("/api/v1/openapi.json"))


def test_the_login_page_and_an_error_page(client):
    assert_hardened(client.get("/comptes/connexion/"))
    missing = client.get("/p/nulle-part/")
    assert missing.status_code == 404
    assert_hardened(missing)


def test_the_server_error_page_too(network):
    """A 500 rendered by Django's handler still leaves through the middleware."""
    from unittest import mock

    client = Client(raise_request_exception=False)
    with mock.patch(
        "aiguillage.public.views.portal.public_sites_of", side_effect=RuntimeError("boom")
    ):
        response = client.get("/p/entetes/")
    assert response.status_code == 500
    assert_hardened(response)
