"""A coordinator opens the retention page, types a duration past its bound, reads why
next to the field with what was typed kept, then saves a valid one with the keyboard;
axe-core checks the page each time."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aiguillage.compliance.models import PrivacySettings
from aiguillage.demo import data
from aiguillage.demo.seed import seed_demo
from aiguillage.privacy.models import JournalAction, JournalEntry
from tests.browser.axe import assert_accessible
from tests.browser.test_desk_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
CONTACT = "Coordonnées des rendez-vous et inscriptions (jours après la date)"


@pytest.fixture
def coordinator(catalog):
    demo = seed_demo(today=timezone.localdate())
    return next(login for login in demo.logins if login[0] == "coordinator")


def test_coordinator_sets_a_duration_within_its_bounds(page, coordinator):
    _role, email, password = coordinator
    log_in(page, email, password, check_accessibility=False)
    page.goto(f"/r/{data.NETWORK['slug']}/donnees/conservation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Conservation des données")
    row = page.get_by_role("row", name=CONTACT)
    expect(row.get_by_role("cell").first).to_have_text("30 jours")
    expect(row.get_by_role("cell").nth(2)).to_have_text("de 1 à 90")
    assert_accessible(page)

    # Past the bound: refused, explained next to the field, what was typed kept.
    field = page.get_by_label(CONTACT)
    field.fill("120")
    page.get_by_label("Responsable du traitement").fill("Communauté de communes")
    page.get_by_role("button", name="Enregistrer").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Rien n'a été enregistré")
    expect(alert).to_be_focused()
    expect(page.get_by_text("Choisissez une durée entre 1 et 90 jours").first).to_be_visible()
    expect(page.get_by_label(CONTACT)).to_have_value("120")
    expect(page.get_by_label("Responsable du traitement")).to_have_value("Communauté de communes")
    assert not PrivacySettings.objects.exists()
    assert_accessible(page)  # the page with its errors

    # Within the bounds, with the keyboard: saved, said, shown in the table.
    page.get_by_label(CONTACT).fill("14")
    page.get_by_role("button", name="Enregistrer").focus()
    page.keyboard.press("Enter")
    saved_message = "Les durées de conservation sont enregistrées."
    expect(page.locator(".message")).to_contain_text(saved_message)
    expect(page.get_by_role("row", name=CONTACT).get_by_role("cell").first).to_have_text("14 jours")
    saved = PrivacySettings.objects.get()
    assert (saved.contact_days, saved.controller_name) == (14, "Communauté de communes")
    assert JournalEntry.objects.filter(action=JournalAction.RETENTION_CHANGED).count() == 1
    assert_accessible(page)
