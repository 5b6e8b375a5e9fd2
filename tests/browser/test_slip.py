"""The orientation slip in a browser: the print button appears (our static script, no
inline one), the A4 version and the PDF are reached with the keyboard, axe-core passes
on screen; printed, the actions are hidden and the sheet is A5."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aiguillage.demo import data
from aiguillage.demo.seed import seed_demo
from tests.browser.axe import assert_accessible
from tests.browser.test_desk_journey import log_in
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def librarian(catalog):
    demo = seed_demo(today=timezone.localdate())
    return next(login for login in demo.logins if login[0] == "librarian")


def test_the_slip_prints_and_switches_format_with_the_keyboard(page, librarian):
    structure = StructureFactory(
        name="France services de Clermont-l'Hérault",
        phone="+33467442460",
        access_modalities=["Se présenter", "Téléphoner"],
    )
    _role, email, password = librarian
    log_in(page, email, password, check_accessibility=False)
    site = data.SITES[0]["slug"]
    page.goto(
        f"/r/{data.NETWORK['slug']}/orientation/fiche/"
        f"?need=declarer-ses-revenus&kind=structure&id={structure.pk}&site={site}"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(structure.name)
    expect(page).to_have_title(re.compile("Fiche d'orientation"))
    print_button = page.get_by_role("button", name="Imprimer")
    expect(print_button).to_be_visible()  # shown by slip.js
    expect(page.get_by_text("Du lundi au vendredi : 9 h")).to_be_visible()
    expect(page.get_by_role("img", name="QR code : Le service en ligne officiel")).to_be_visible()
    assert_accessible(page)

    # Printed: the actions disappear, the sheet keeps its content.
    page.emulate_media(media="print")
    expect(print_button).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.emulate_media(media="screen")

    # The A4 version with the keyboard alone.
    a4 = page.get_by_role("link", name="Format A4")
    a4.focus()
    page.keyboard.press("Enter")
    expect(page.locator("body.slip--a4")).to_be_visible()
    expect(page.get_by_role("link", name="Format A4")).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    # The PDF link keeps the same ids (and nothing else).
    href = page.get_by_role("link", name="Fiche en PDF").get_attribute("href")
    assert href.startswith(f"/r/{data.NETWORK['slug']}/orientation/fiche/pdf/?")
    assert f"id={structure.pk}" in href and "format=a4" in href
    response = page.request.get(href)
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
