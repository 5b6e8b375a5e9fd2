"""A coordinator opens the charter, refuses "accompany" for the tax theme with the
keyboard, sees the example matrix change, then removes the exception; axe-core checks
the page on the way."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aiguillage.demo import data
from aiguillage.demo.seed import seed_demo
from aiguillage.orientation.models import CharterRule
from tests.browser.axe import assert_accessible
from tests.browser.test_desk_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
TAX_THEME = "Argent - Impôts - Consommation"
MODE = re.compile(r"^Mode \(obligatoire\)$")
ACCOMPANY_COLUMN = 3  # orient, partner on site, train, accompany, act for (the default order)


@pytest.fixture
def coordinator(catalog):
    demo = seed_demo(today=timezone.localdate())
    return next(login for login in demo.logins if login[0] == "coordinator")


def accompany_taxes(page):
    """The example matrix's cell: accompany x "Déclarer ses revenus"."""
    table = page.locator("#exemples-table")
    row = table.get_by_role("row", name=re.compile("Déclarer ses revenus"))
    return row.get_by_role("cell").nth(ACCOMPANY_COLUMN)


def test_coordinator_changes_an_exception_with_the_keyboard(page, coordinator):
    _role, email, password = coordinator
    log_in(page, email, password, check_accessibility=False)
    page.goto(f"/r/{data.NETWORK['slug']}/orientation/charte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Charte : jusqu'où aller")
    expect(accompany_taxes(page).locator(".status")).to_have_text("Oui")
    demo_rules = CharterRule.objects.count()
    assert_accessible(page)

    # The rule form, with the keyboard only: type-ahead in the selects, arrows in the
    # radio group, Enter on the button.
    page.get_by_label("Thème", exact=True).focus()
    page.keyboard.type("Argent")
    expect(page.get_by_label("Thème", exact=True).locator("option:checked")).to_have_text(TAX_THEME)
    page.get_by_label(MODE).focus()
    page.keyboard.type("acc")
    expect(page.get_by_label(MODE)).to_have_value("accompany")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Autorisé", exact=True)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Refusé", exact=True)).to_be_checked()
    page.get_by_role("button", name="Enregistrer la règle").focus()
    page.keyboard.press("Enter")

    expect(page.locator(".message")).to_contain_text(
        f"Règle enregistrée — Thème {TAX_THEME} : accompagner (faire avec)."
    )
    cell = accompany_taxes(page)
    expect(cell.locator(".status")).to_have_text("Non")
    # The reason is one click (here: one key) away.
    reason = f"La charte ne le permet pas pour le thème {TAX_THEME}."
    expect(cell.get_by_text(reason)).to_be_hidden()
    cell.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(cell.get_by_text(reason)).to_be_visible()
    # The CAF need is in another theme: still accompanied.
    caf = page.locator("#exemples-table").get_by_role(
        "row", name=re.compile("Demander la prime d'activité")
    )
    expect(caf.get_by_role("cell").nth(ACCOMPANY_COLUMN).locator(".status")).to_have_text("Oui")
    rule = CharterRule.objects.get(theme__slug="argent-impots")
    assert (rule.mode, rule.allowed, rule.site) == ("accompany", False, None)
    assert_accessible(page)  # with the exceptions table and an open explanation

    # Remove the exception: the matrix is back to the network's rule.
    exceptions = page.get_by_role("region", name="Exceptions")
    exceptions.get_by_role(
        "button", name=f"Retirer : Thème {TAX_THEME}, accompagner (faire avec)"
    ).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".message")).to_contain_text("Règle retirée")
    expect(accompany_taxes(page).locator(".status")).to_have_text("Oui")
    assert not CharterRule.objects.filter(pk=rule.pk).exists()
    assert CharterRule.objects.count() == demo_rules  # the demo's own exceptions stay


def test_the_form_keeps_what_was_typed_after_a_refusal(page, coordinator):
    _role, email, password = coordinator
    log_in(page, email, password, check_accessibility=False)
    page.goto(f"/r/{data.NETWORK['slug']}/orientation/charte/")
    demo_rules = CharterRule.objects.count()
    page.get_by_label(MODE).select_option("act_for")
    page.get_by_label("Autorisé", exact=True).check()
    page.get_by_label("bénévole", exact=True).check()
    page.get_by_label("Distance maximale (km)").last.fill("25")
    page.get_by_role("button", name="Enregistrer la règle").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("La règle n'a pas été enregistrée")
    expect(alert).to_be_focused()  # the page opens on the errors, far down the page
    assert page.evaluate("window.scrollY") > 0
    expect(
        page.get_by_text("Les bénévoles ne font jamais à la place des personnes.").last
    ).to_be_visible()
    expect(page.get_by_label(MODE)).to_have_value("act_for")
    expect(page.get_by_label("bénévole", exact=True)).to_be_checked()
    expect(page.get_by_label("Distance maximale (km)").last).to_have_value("25")
    assert CharterRule.objects.count() == demo_rules  # nothing written
    assert_accessible(page)  # the page with its errors
