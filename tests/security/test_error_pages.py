"""Error pages leak nothing and always offer a way back (aiguillage/templates/4xx, 500).

With DEBUG off, as in production: a failing view answers the 500 page, which shows no
trace, no SQL, no setting and no data, and renders without any context processor (the
server_error view gives it none).
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.test import Client
from django.views.defaults import server_error

from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory, SiteFactory

pytestmark = pytest.mark.django_db

SECRET = 'SELECT "core_site"."name" FROM "core_site" -- SECRET_KEY=abc /srv/settings.py'
LEAKS = ("Traceback", "SELECT", "core_site", "SECRET_KEY", "settings.py", "DatabaseError")


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.fixture
def network():
    network = NetworkFactory(slug="erreurs", name="Réseau des erreurs")
    SiteFactory(network=network, slug="centre")
    return network


def assert_way_back(text: str) -> None:
    assert "Revenir à l'accueil" in text


@pytest.mark.parametrize("error", [RuntimeError(SECRET), DatabaseError(SECRET)])
def test_a_failing_public_page_answers_the_500_page_and_nothing_else(production, network, error):
    with mock.patch("aiguillage.public.views.portal.public_sites_of", side_effect=error):
        response = production.get("/p/erreurs/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Une erreur est survenue" in text
    assert_way_back(text)
    for leak in LEAKS:
        assert leak not in text
    assert "Réseau des erreurs" not in text  # nothing of the network either


def test_a_failing_staff_page_too(production, network):
    production.force_login(MembershipFactory(network=network, coordinator=True).user)
    with mock.patch("aiguillage.directory.views.search.render", side_effect=RuntimeError(SECRET)):
        response = production.get("/r/erreurs/annuaire/")
    assert response.status_code == 500
    for leak in LEAKS:
        assert leak not in response.content.decode()


def test_the_500_page_renders_with_no_context_at_all():
    """What Django's server_error does: no request, no context processor."""
    text = render_to_string("500.html")
    assert "Une erreur est survenue" in text
    assert 'href="/"' in text
    assert "<style" not in text and "style=" not in text and "<script" not in text


def test_the_server_error_view_itself(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Une erreur est survenue" in response.content


def test_404_names_nothing_of_another_network(production, network):
    other = MembershipFactory(network=NetworkFactory(slug="autre"), coordinator=True)
    production.force_login(other.user)
    response = production.get("/r/erreurs/annuaire/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page introuvable" in text
    assert_way_back(text)
    assert "Réseau des erreurs" not in text  # (the path typed is only repeated in "next")


def test_403_says_no_more_than_no(production, network):
    member = MembershipFactory(network=network, volunteer=True)
    production.force_login(member.user)
    response = production.get("/r/erreurs/annuaire/import/")  # coordinators only
    assert response.status_code == 403
    text = response.content.decode()
    assert "Accès refusé" in text
    assert_way_back(text)
    assert "coordinat" not in text.lower().split("<main", 1)[1]  # no hint of who may


def test_400_on_a_bad_host(production, settings):
    response = production.get("/p/erreurs/", HTTP_HOST="attaquant.example")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Requête incorrecte" in text
    assert "attaquant.example" not in text and "ALLOWED_HOSTS" not in text


def test_the_csrf_failure_page_is_ours(network):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/p/erreurs/ateliers/1/", {"first_name": "A"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "Formulaire expiré" in text
    assert "CSRF" not in text and "<style" not in text.split("</head>")[1]


def test_the_429_pages_leak_nothing(network, settings):
    settings.PUBLIC_RATE_LIMIT = 1
    settings.PUBLIC_RATE_LIMIT_PROXIES = 0
    client = Client()
    client.post("/p/erreurs/ateliers/1/", {}, REMOTE_ADDR="198.51.100.4")
    response = client.post("/p/erreurs/ateliers/1/", {}, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Trop de demandes" in text and "198.51.100.4" not in text
