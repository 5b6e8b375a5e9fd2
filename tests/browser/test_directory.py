"""A coordinator finds the nearest competent structure, reads its page, imports a file."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aiguillage.demo.data import NETWORK
from aiguillage.demo.seed import seed_demo
from aiguillage.directory.models import Structure
from tests.browser.axe import assert_accessible
from tests.browser.test_desk_journey import log_in
from tests.reference_data import LIEUX_EXAMPLE, needs_reference_data

NETWORK_SLUG = NETWORK["slug"]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coordinator(catalog):
    demo = seed_demo(today=timezone.localdate())
    return next(login for login in demo.logins if login[0] == "coordinator")


def test_search_the_directory_and_open_a_structure(page, coordinator):
    _role, email, password = coordinator
    log_in(page, email, password, check_accessibility=False)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Annuaire"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire du territoire")
    assert_accessible(page)

    page.get_by_label("Besoin").select_option(label="Déclarer ses revenus")
    page.get_by_label("Autour du site").select_option(index=1)
    page.get_by_label("Rayon").select_option("30")
    page.get_by_role("button", name="Chercher").click()
    results = page.locator(".result__name")
    expect(results.first).to_be_visible()
    assert_accessible(page)

    name = results.first.inner_text()
    results.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("heading", name="Démarches traitées")).to_be_visible()
    assert_accessible(page)


@needs_reference_data
def test_import_a_file_with_a_preview(page, coordinator):
    _role, email, password = coordinator
    log_in(page, email, password, check_accessibility=False)
    page.goto(f"/r/{NETWORK_SLUG}/annuaire/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer des structures")
    assert_accessible(page)

    page.get_by_label(re.compile("^Fichier à importer")).set_input_files(LIEUX_EXAMPLE)
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", name=re.compile("Aperçu"))).to_be_visible()
    assert_accessible(page)
    assert not Structure.objects.filter(source="lieux-mediation-numerique").exists()

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.locator(".message")).to_contain_text("1 created")
    assert_accessible(page)
    assert Structure.objects.filter(source="lieux-mediation-numerique").count() == 1


def test_partners_finder_and_coverage_pages(page, coordinator):
    _role, email, password = coordinator
    log_in(page, email, password, check_accessibility=False)
    base = f"/r/{NETWORK_SLUG}"
    page.goto(base + "/annuaire/partenaires/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partenaires")
    assert_accessible(page)

    page.get_by_role("link", name="France services Lodévois et Larzac").click()
    expect(page.get_by_role("heading", name="Contacts chez le partenaire")).to_be_visible()
    assert_accessible(page)

    page.goto(base + "/annuaire/partenaires/trouver/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trouver des partenaires")
    assert_accessible(page)

    page.goto(base + "/annuaire/couverture/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Couverture du territoire")
    expect(page.locator("figure svg[role=img]")).to_be_visible()
    assert_accessible(page)
