"""CSRF everywhere: every URL pattern of the project refuses a POST without a token.

The patterns are enumerated from the resolver (like tests/test_url_permissions.py, which
checks who may open each door; this file checks only that a forged POST never gets
in). The real CsrfViewMiddleware runs (``Client(enforce_csrf_checks=True)``) before
any view, so a sample value of the right shape is enough for each URL parameter: the
refusal comes before the view looks anything up. Each URL is posted to by an
anonymous visitor and by a logged-in coordinator (the victim a forged form aims at).

The only exemptions are the JSON API's endpoints, listed below with why.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory

pytestmark = pytest.mark.django_db

# A value of the right shape for each kind of URL converter.
SAMPLES = {"IntConverter": "1", "SlugConverter": "exemple", "StringConverter": "exemple"}
# Unnamed patterns (no reverse()): the path to post to.
UNNAMED = {"^media/(?P<path>.*)$": "/media/logos/exemple.png"}

# The JSON API (django-ninja) is exempt from CSRF: it authenticates nobody, reads no
# cookie and no session (test_the_api_reads_no_cookie_and_no_session below), so a
# forged request from a visitor's browser can do nothing that the forger could not do
# by calling it directly; its writes are limited per client instead
# (aiguillage/api/limits.py). Should it ever gain a cookie-based login, django-ninja
# checks CSRF for that authentication, and this list must shrink.
API_EXEMPT = {
    "api-v1:needs",
    "api-v1:sites",
    "api-v1:structures",
    "api-v1:structure",
    "api-v1:slots",
    "api-v1:book",
    "api-v1:workshops",
    "api-v1:register_online",
    "api-v1:cancel",
    "api-v1:orientation",
}


def patterns():
    """(name or None, regex/route text, converter class names, view) of every pattern."""

    def walk(entries, namespace, converters):
        for entry in entries:
            found = converters | dict(entry.pattern.converters)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace, found)
            elif isinstance(entry, URLPattern):
                name = None
                if entry.name:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                kinds = {key: type(value).__name__ for key, value in found.items()}
                yield name, str(entry.pattern), kinds, entry.callback

    return list(walk(get_resolver().url_patterns, None, {}))


def path_of(name, pattern, kinds) -> str:
    if name is None:
        assert pattern in UNNAMED, f"an unnamed URL pattern: add a sample path for {pattern}"
        return UNNAMED[pattern]
    missing = {kind for kind in kinds.values() if kind not in SAMPLES}
    assert not missing, f"{name}: add a sample value for {missing}"
    return reverse(name, kwargs={key: SAMPLES[kind] for key, kind in kinds.items()})


def guarded():
    return [(name, route, kinds) for name, route, kinds, _ in patterns() if name not in API_EXEMPT]


@pytest.fixture
def coordinator_client():
    membership = MembershipFactory(network=NetworkFactory(slug="exemple"), coordinator=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(membership.user)
    return client


def refused_for_csrf(response) -> bool:
    return response.status_code == 403 and "403_csrf.html" in {
        template.name for template in response.templates
    }


@pytest.mark.parametrize(("name", "pattern", "kinds"), guarded(), ids=lambda v: str(v))
def test_a_post_without_a_token_is_refused(name, pattern, kinds, coordinator_client):
    path = path_of(name, pattern, kinds)
    for client in (Client(enforce_csrf_checks=True), coordinator_client):
        response = client.post(path, {"anything": "1"})
        assert refused_for_csrf(response), (path, response.status_code)
        # The refusal says what to do, in French, and nothing about why in detail.
        assert "Formulaire expiré" in response.text
        assert "CSRF" not in response.text and "Referer" not in response.text


def test_only_the_api_is_exempt_and_every_exemption_exists():
    exempt = {name for name, _, _, view in patterns() if getattr(view, "csrf_exempt", False)}
    assert exempt == API_EXEMPT


def test_the_api_reads_no_cookie_and_no_session():
    """What makes the exemption safe: nothing in the API depends on who the browser is."""
    from pathlib import Path

    api = Path(__file__).resolve().parents[2] / "aiguillage" / "api"
    for source in api.glob("*.py"):
        text = source.read_text()
        for ambient in ("request.user", "request.session", "request.COOKIES", "request.auth"):
            assert ambient not in text, f"{source.name} reads {ambient}"


def test_a_post_with_its_token_goes_through(coordinator_client):
    """The same client, with the form's token, is not refused: the test above can tell."""
    assert coordinator_client.get("/r/exemple/annuaire/").status_code == 200  # has forms
    token = coordinator_client.cookies["csrftoken"].value
    response = coordinator_client.post(
        "/i18n/setlang/", {"language": "fr", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
