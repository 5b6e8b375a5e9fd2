"""A librarian logs in, opens the catalog and finds a need, with the keyboard and htmx."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aiguillage.demo import data
from aiguillage.demo.seed import seed_demo
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
VEHICLE_REGISTRATION = re.compile("carte grise|immatriculation", re.IGNORECASE)


@pytest.fixture
def demo(catalog):
    return seed_demo(today=timezone.localdate())


def log_in(page, email, password, *, check_accessibility=True):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/comptes/connexion/"))
    if check_accessibility:
        assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_log_in_open_the_catalog_and_search_a_need(page, demo):
    _role, email, password = demo.logins[0]
    log_in(page, email, password)

    # The desk is the home screen after logging in.
    expect(page.get_by_role("heading", level=1)).to_have_text("Orienter une personne")
    expect(page.locator(".brand__name")).to_have_text(data.NETWORK["name"])
    assert_accessible(page)

    page.get_by_role("link", name="Catalogue des besoins").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue des besoins")
    assert_accessible(page)

    search = page.get_by_label("Rechercher un besoin")
    search.press_sequentially("impot", delay=40)  # as typed at the desk: htmx updates live
    first = page.locator("#search-results .result__name").first
    expect(first).to_have_text("Déclarer ses revenus")
    assert page.url.endswith("/catalogue/")  # no reload: the list came through htmx
    assert_accessible(page)

    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclarer ses revenus")
    assert_accessible(page)


def test_search_works_without_javascript(browser, live_server, page, demo):
    """The form submits and the server renders the results; axe (which needs JavaScript)
    then checks the very same results page in a JavaScript-enabled tab."""
    _role, email, password = demo.logins[0]
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="fr-FR"
    )
    no_js = context.new_page()
    no_js.set_default_timeout(10_000)
    log_in(no_js, email, password, check_accessibility=False)
    no_js.goto("/catalogue/")
    no_js.get_by_label("Rechercher un besoin").fill("carte grise")
    no_js.get_by_role("button", name="Rechercher").click()
    expect(no_js.locator("#search-results .result__name").first).to_contain_text(
        VEHICLE_REGISTRATION
    )
    results_url = no_js.url
    context.close()
    assert "q=carte+grise" in results_url

    log_in(page, email, password)
    page.goto(results_url)
    expect(page.locator("#search-results .result__name").first).to_contain_text(
        VEHICLE_REGISTRATION
    )
    assert_accessible(page)


def test_site_page_and_keyboard_skip_link(page, demo):
    _role, email, password = demo.logins[0]
    log_in(page, email, password)
    page.get_by_role("link", name="Accueil", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    site = data.SITES[0]
    page.get_by_role("link", name=site["name"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(site["name"])
    assert_accessible(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_wrong_password_keeps_the_email_and_says_why(page, demo):
    _role, email, _password = demo.logins[0]
    log_in(page, email, "not-the-password")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Adresse e-mail")).to_have_value(email)
    assert_accessible(page)


def test_not_found_page_leaks_nothing_and_is_accessible(page, demo):
    _role, email, password = demo.logins[0]
    log_in(page, email, password)
    response = page.goto("/r/another-network/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    assert_accessible(page)


def test_english_translation(page, demo):
    _role, email, password = demo.logins[0]
    log_in(page, email, password)
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    expect(page.get_by_role("link", name="Needs catalog")).to_be_visible()
    assert_accessible(page)
