"""A coordinator reads the audit journal: their own login is its newest entry, they
filter by action with the keyboard, check the chain, and find the CSV export; axe-core
checks the page on the way."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aiguillage.demo import data
from aiguillage.demo.seed import seed_demo
from aiguillage.privacy.models import JournalAction, JournalEntry
from tests.browser.axe import assert_accessible
from tests.browser.test_desk_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
JOURNAL = f"/r/{data.NETWORK['slug']}/donnees/journal/"


@pytest.fixture
def coordinator(catalog):
    demo = seed_demo(today=timezone.localdate())
    return next(login for login in demo.logins if login[0] == "coordinator")


def test_a_coordinator_reads_filters_and_checks_the_journal(page, coordinator):
    _role, email, password = coordinator
    log_in(page, email, password, check_accessibility=False)
    page.goto(JOURNAL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
    table = page.get_by_role("table")
    newest = table.get_by_role("row").nth(1)  # the header is row 0
    expect(newest).to_contain_text("connexion")
    expect(newest).to_contain_text(email)
    assert_accessible(page)

    # Only the charter changes, with the keyboard: type-ahead in the select, Enter.
    page.get_by_label("Action").focus()
    page.keyboard.type("charte")
    expect(page.get_by_label("Action")).to_have_value(JournalAction.CHARTER_CHANGED)
    page.get_by_role("button", name="Filtrer").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"action=charter_changed"))
    rows = table.get_by_role("row")
    charter_changes = JournalEntry.objects.filter(action=JournalAction.CHARTER_CHANGED).count()
    assert charter_changes > 0  # the demo's charter was written through the services
    expect(rows).to_have_count(min(charter_changes, 50) + 1)
    for n in range(1, rows.count()):
        expect(rows.nth(n).get_by_role("cell").nth(1)).to_have_text("charte modifiée")
    export = page.get_by_role("link", name=re.compile(r"Exporter .*\(CSV\)"))
    expect(export).to_have_attribute("href", re.compile(r"export\.csv\?action=charter_changed"))
    assert_accessible(page)

    # A day with nothing: said in words.
    page.get_by_label("Du", exact=True).fill("2001-01-01")
    page.get_by_label("Au", exact=True).fill("2001-01-02")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("Aucune entrée ne correspond à ces filtres.")).to_be_visible()

    # Check the chain.
    page.get_by_role("button", name="Vérifier la chaîne maintenant").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".message")).to_contain_text("La chaîne du journal est intacte")
    assert_accessible(page)
