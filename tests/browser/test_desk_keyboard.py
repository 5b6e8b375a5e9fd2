"""The desk's common path with the keyboard alone, on a 1366x768 laptop (issue 14,
section 4): type a sentence as the visitor says it, choose between two close
démarches, book the partner's slot for a person with a first name only, print the
one-page slip, and go on to the next person. Every key is counted; axe-core checks
every page on the way; the screen keeps the header on one line and the propositions
in view while the form is used."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from shutil import which

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aiguillage.agenda.models import Appointment
from aiguillage.demo.seed import seed_demo
from aiguillage.orientation.models import Interaction, Outcome
from tests.browser.axe import assert_accessible
from tests.browser.test_desk_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 1366, 768
# The keys of the common path, typed words aside: a budget a busy desk can live with.
KEY_BUDGET = 45


class Keyboard:
    """Presses keys and counts them; ``tab_to`` reaches an element with Tab alone."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=20)  # words, not counted as keys to press

    def tab_to(self, locator, *, most: int = 30) -> None:
        # An answer still on its way (htmx) would replace the page under the Tab key and
        # send the focus back to the top: count the keys on the page as the person sees
        # it once it has settled.
        self.page.wait_for_load_state("networkidle")
        locator.wait_for(state="visible")
        for _ in range(most):
            if locator.evaluate("element => element === document.activeElement"):
                return
            self.press("Tab")
        raise AssertionError(f"not reached with {most} Tab presses: {locator}")


@pytest.fixture
def librarian(catalog):
    demo = seed_demo(today=timezone.localdate())
    return next(login for login in demo.logins if login[0] == "librarian")


def test_sentence_choice_first_name_only_booking_slip_and_next(page, librarian, tmp_path):
    before = Interaction.objects.count()
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    _role, email, password = librarian
    log_in(page, email, password, check_accessibility=False)
    keys = Keyboard(page)

    # The header is one line, and the search field waits for the words.
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 72, header
    need = page.get_by_label("Quelle démarche ?")
    expect(need).to_be_focused()
    assert_accessible(page)

    # 1. A sentence as the visitor says it: two démarches come close, the desk asks.
    keys.type("je dois faire ma demande à la caf")
    results = page.locator("#desk-results")
    choices = results.locator(".desk__choices")
    expect(choices).to_contain_text("Deux démarches sont proches. Laquelle ?")
    # A search typed letter by letter may still be answering: wait until the last answer
    # has replaced the results, or Tab would walk a list about to change.
    page.wait_for_load_state("networkidle")
    # The propositions are in view while the form is used.
    first_card = results.locator(".desk__card").first
    expect(first_card).to_be_visible()
    assert first_card.bounding_box()["y"] < HEIGHT
    assert_accessible(page)

    # 2. Choose the RSA: the words typed stay in the box.
    keys.tab_to(choices.get_by_role("button", name="Demander le RSA"))
    keys.press("Enter")
    expect(results.get_by_role("heading", level=2)).to_contain_text("Demander le RSA")
    expect(page.get_by_label("Quelle démarche ?")).to_have_value(
        "je dois faire ma demande à la caf"
    )

    # 3. The partner's permanence: book it.
    partner = (
        results.locator(".desk__card")
        .filter(has=page.locator(".desk__mode", has_text=re.compile("partenaire sur place", re.I)))
        .first
    )
    keys.tab_to(partner.get_by_role("button", name="Réserver"), most=45)
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réserver le")
    first_name = page.get_by_label("Prénom ou pseudonyme")
    expect(first_name).to_be_focused()  # the form's first field has the focus
    expect(page.get_by_text("la fiche imprimée est la confirmation")).to_be_visible()
    assert_accessible(page)

    # 4. A first name only: no e-mail, no mobile phone.
    keys.type("Awa")
    keys.tab_to(page.get_by_role("button", name="Réserver"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("C'est fait")
    print_link = page.get_by_role("link", name=re.compile("Imprimer la fiche"))
    expect(print_link).to_be_focused()  # the confirmation's next step has the focus
    expect(page.locator(".message")).to_contain_text("Aucun message ne peut être envoyé")
    expect(page.get_by_role("heading", name="À apporter")).to_be_visible()
    assert_accessible(page)

    # 5. Print the slip (a new tab), one page.
    with page.context.expect_page() as opened:
        keys.press("Enter")
    slip = opened.value
    slip.wait_for_load_state()
    expect(slip.get_by_text("Awa")).to_have_count(0)  # never a name on the slip
    expect(slip.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(slip)
    # The slip's own PDF, as the desk prints it: one sheet.
    pdf_url = slip.get_by_role("link", name="Fiche en PDF").get_attribute("href")
    pdf = tmp_path / "fiche.pdf"
    pdf.write_bytes(slip.request.get(pdf_url).body())
    if which("pdfinfo") or os.environ.get("CI"):
        assert pdf_pages(pdf) == 1
    slip.close()

    # 6. On to the next person.
    keys.tab_to(page.get_by_role("link", name="Personne suivante"))
    keys.press("Enter")
    expect(page.get_by_label("Quelle démarche ?")).to_be_focused()

    appointment = Appointment.objects.get(first_name="Awa")
    assert (appointment.email, appointment.phone, appointment.channel) == ("", "", "desk")
    assert Interaction.objects.count() == before + 1
    interaction = Interaction.objects.latest("pk")
    assert interaction.outcome == Outcome.BOOKED_PARTNER
    assert interaction.need.slug == "demander-rsa"
    print(f"\n  keys pressed on the common path (words aside): {keys.count}")
    assert keys.count <= KEY_BUDGET


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
