"""The face: layout, error pages, network branding."""

import pytest
from django.test import override_settings

from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory, SiteFactory


@pytest.fixture
def member(db):
    site = SiteFactory(network=NetworkFactory(name="Médiathèques du Test", theme_color="#6b1f5e"))
    return MembershipFactory(network=site.network)


def test_login_page_is_french_and_labelled(client, db):
    response = client.get("/comptes/connexion/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="fr">' in html
    assert '<label for="id_username">Adresse e-mail' in html
    assert 'autocomplete="current-password"' in html
    assert 'href="#contenu"' in html


def test_network_pages_carry_the_network_name_and_colour(client, member):
    client.force_login(member.user)
    response = client.get(f"/r/{member.network.slug}/")
    assert "Médiathèques du Test" in response.text
    assert "--brand: #6b1f5e" in response.text


def test_the_catalog_keeps_the_last_visited_networks_colours(client, member):
    client.force_login(member.user)
    client.get(f"/r/{member.network.slug}/")
    response = client.get("/catalogue/")
    assert "--brand: #6b1f5e" in response.text
    assert 'aria-current="page">Catalogue des besoins' in response.text


def test_a_remembered_network_is_rechecked_against_memberships(client, member):
    client.force_login(member.user)
    client.get(f"/r/{member.network.slug}/")
    member.delete()
    response = client.get("/catalogue/")
    assert "Médiathèques du Test" not in response.text


@override_settings(DEBUG=False)
def test_unknown_url_gives_our_404_page(client, db):
    response = client.get("/nowhere/at/all/")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_server_error_page_is_static_and_leaks_nothing(client, db):
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "Une erreur est survenue" in html
    assert "Traceback" not in html


def test_english_is_available(client, member):
    client.force_login(member.user)
    response = client.get(f"/r/{member.network.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in response.text
    assert "Needs catalog" in response.text
