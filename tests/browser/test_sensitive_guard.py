"""A digital mediator types a social security number into a new workshop's description:
the page says what kind of data it is and why it must not be stored, keeps the text;
then health words: a warning and a checkbox, ticked with the keyboard, and the workshop
is saved. axe-core checks each state of the page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aiguillage.agenda.models import Workshop
from aiguillage.demo import data
from aiguillage.demo.seed import seed_demo
from tests.browser.axe import assert_accessible
from tests.browser.test_desk_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
NIR = "2 95 10 99 126 111 93"
TITLE = "Mes remboursements en ligne"


@pytest.fixture
def mediator(catalog):
    demo = seed_demo(today=timezone.localdate())
    return next(login for login in demo.logins if login[0] == "digital_mediator")


def test_a_nir_is_refused_and_a_health_word_confirmed(page, mediator):
    _role, email, password = mediator
    log_in(page, email, password, check_accessibility=False)
    page.goto(f"/r/{data.NETWORK['slug']}/agenda/ateliers/nouveau/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel atelier")

    page.get_by_role("textbox", name="Titre").fill(TITLE)
    description = page.get_by_role("textbox", name="Description")
    description.fill(f"Apportez votre carte Vitale (n° {NIR}).")
    page.locator("#id_capacity").fill("8")
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    page.locator("#id_seances-0-day").fill(next_week.isoformat())
    page.locator("#id_seances-0-start").fill("14:00")
    page.locator("#id_seances-0-end").fill("16:00")
    # Next week may be a closed day or a public holiday of the default site: this test
    # is about the text, so the session is declared held anyway.
    page.get_by_label("En dehors des horaires d'ouverture").check()
    page.get_by_label("Aussi les jours fériés").check()
    page.get_by_role("button", name="Enregistrer").click()

    # Refused: what was found and why, next to the field; the text kept, the number
    # never repeated in the message.
    expect(page.get_by_role("alert")).to_be_visible()
    error = page.locator("#id_description_error")
    expect(error).to_contain_text("un numéro de sécurité sociale")
    expect(error).to_contain_text("RGPD")
    expect(error).not_to_contain_text("126")
    expect(page.get_by_role("textbox", name="Description")).to_have_value(
        f"Apportez votre carte Vitale (n° {NIR})."
    )
    assert not Workshop.objects.filter(title=TITLE).exists()
    assert_accessible(page)

    # A health word: a warning, and a checkbox to confirm the text speaks of no one.
    page.get_by_role("textbox", name="Description").fill(
        "Pour les personnes diabétiques : suivre ses remboursements sur Ameli."
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#id_description_error")).to_contain_text("information de santé")
    confirm = page.get_by_label("Je confirme que ce texte ne contient pas de donnée de santé")
    expect(confirm).not_to_be_checked()
    assert not Workshop.objects.filter(title=TITLE).exists()
    assert_accessible(page)

    confirm.focus()
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    page.get_by_role("button", name="Enregistrer").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    saved = Workshop.objects.get(title=TITLE)
    assert saved.description.startswith("Pour les personnes diabétiques")
    assert_accessible(page)
