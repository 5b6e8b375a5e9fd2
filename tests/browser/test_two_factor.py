"""A coordinator whose role requires two-factor authentication logs in, enrols an
authenticator (the code computed here from the secret shown on the page, as the phone
would), notes the recovery codes, logs in again with one of them, and removes the
authenticator; then the password reset and lockout pages. axe-core on every page."""

import base64
import datetime
import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from aiguillage.demo.seed import seed_demo
from tests.browser.axe import assert_accessible
from tests.browser.test_desk_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coordinator(catalog, settings):
    settings.AIGUILLAGE_REQUIRE_2FA = True
    demo = seed_demo(today=timezone.localdate())
    return next(login for login in demo.logins if login[0] == "coordinator")


def code_from_secret(secret: str) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key):06d}"


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").first.click()
    expect(page).to_have_url(re.compile(r"/comptes/connexion/"))


def test_enrol_note_the_codes_and_log_in_with_one(page, coordinator, time_machine):
    _role, email, password = coordinator
    log_in(page, email, password)

    # Straight to enrolment: no staff page before the second factor.
    expect(page).to_have_url(re.compile(r"/comptes/securite/activer/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#otp-secret").inner_text()
    page.get_by_label("Code à 6 chiffres affiché par l'application").fill("000000")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator(".errorlist")).to_contain_text("Ce code ne correspond pas")
    assert_accessible(page)  # the form with its error
    # django-otp makes the next try wait a second after a wrong code (then 2, 4, 8…):
    # a person takes longer than that to read the phone again. The suite's clock is
    # frozen: move it on, as the person's seconds would.
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=2), tick=False)
    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(code_from_secret(secret))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de secours")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orienter une personne")

    # Next time: the password, then a code. The phone's code of this half-minute has
    # been used, so a recovery code it is (as when the phone is left at home).
    log_out(page)
    log_in(page, email, password, check_accessibility=False)
    expect(page).to_have_url(re.compile(r"/comptes/securite/verifier/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Code de vérification")
    assert_accessible(page)
    page.get_by_label("Code de vérification").fill(codes[3])
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orienter une personne")
    expect(page.locator(".message")).to_contain_text("Il vous en reste 9")

    # The account's security page, then removing the authenticator (password again).
    page.goto("/comptes/securite/")
    expect(page.get_by_text("Il vous reste 9 codes de secours")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Retirer la double authentification de ce compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retirer la double authentification")
    assert_accessible(page)
    page.get_by_label("Votre mot de passe").fill(password)
    page.get_by_role("button", name="Retirer").click()
    expect(page.locator(".message")).to_contain_text("La double authentification est retirée")
    # The role requires it: the next staff page asks to enrol again.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/comptes/securite/activer/"))


def test_password_reset_and_lockout_pages(page, coordinator):
    _role, email, _password = coordinator
    page.goto("/comptes/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande envoyée")
    assert_accessible(page)

    for _ in range(5):
        page.goto("/comptes/connexion/")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
        page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion bloquée pour un moment")
    assert_accessible(page)
