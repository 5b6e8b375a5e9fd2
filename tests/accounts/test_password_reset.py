"""Password reset by e-mail and password change, both journaled; a reset neither
tells whether an account exists nor skips the second factor."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiguillage.privacy.models.journal import JournalAction, JournalEntry
from tests.accounts.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"
RESET = "/comptes/mot-de-passe/oublie/"
CHANGE = "/comptes/mot-de-passe/"
NEW_PASSWORD = "une-nouvelle-phrase-de-passe-2026"


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def member():
    return MembershipFactory()


def reset_link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def reset_path(message) -> str:
    return urlsplit(reset_link(message)).path


def test_the_login_page_links_to_the_reset(client):
    assert f'href="{RESET}"' in client.get(LOGIN).text


def test_a_known_address_gets_a_french_e_mail_with_a_link_on_site_url(client, member, settings):
    settings.SITE_URL = "https://aiguillage.mediatheques.example"
    response = client.post(RESET, {"email": member.user.email.upper()})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [member.user.email]
    assert message.subject == "Aiguillage : choisir un nouveau mot de passe"
    link = reset_link(message)
    assert link.startswith("https://aiguillage.mediatheques.example/comptes/mot-de-passe/nouveau/")
    assert "expire dans 60 minutes" in message.body
    assert PASSWORD not in message.body


def test_the_answer_is_the_same_whether_the_account_exists_or_not(client, member):
    known = client.post(RESET, {"email": member.user.email}, follow=True)
    unknown = client.post(RESET, {"email": "personne@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    # Per-response tokens aside (CSRF, the CSP nonce), the pages are the same.
    strip = re.compile(r'(csrfmiddlewaretoken" value|nonce)="[^"]+"')
    assert strip.sub("", text(known)) == strip.sub("", text(unknown))
    assert "Si un compte Aiguillage correspond à cette adresse" in text(known)
    assert len(mail.outbox) == 1  # to the known address only


def test_an_inactive_account_gets_no_e_mail(client, member):
    member.user.is_active = False
    member.user.save()
    client.post(RESET, {"email": member.user.email})
    assert mail.outbox == []


def test_the_link_sets_a_new_password_once_and_is_journaled(client, member):
    client.post(RESET, {"email": member.user.email})
    link = reset_path(mail.outbox[0])
    form_url = client.get(link)["Location"]  # Django hides the token behind a redirect
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/comptes/mot-de-passe/nouveau/fait/"
    member.user.refresh_from_db()
    assert member.user.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session  # a reset does not log in
    [entry] = JournalEntry.objects.filter(action=JournalAction.PASSWORD_RESET)
    assert (entry.actor_id, entry.network_id) == (member.user_id, member.network_id)
    assert entry.details == {}
    # The link served once.
    assert "plus valable" in text(client.get(link, follow=True))


def test_a_reset_lifts_a_lockout(client, member):
    for _ in range(5):
        client.post(LOGIN, {"username": member.user.email, "password": "wrong-password-123"})
    locked = client.post(LOGIN, {"username": member.user.email, "password": PASSWORD})
    assert locked.status_code == 429
    client.post(RESET, {"email": member.user.email})
    form_url = client.get(reset_path(mail.outbox[0]))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post(LOGIN, {"username": member.user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_a_reset_does_not_skip_the_second_factor(client, member, settings, time_machine):
    settings.AIGUILLAGE_REQUIRE_2FA = True
    TOTPDevice.objects.create(user=member.user, name="authenticator", confirmed=True)
    client.post(RESET, {"email": member.user.email})
    form_url = client.get(reset_path(mail.outbox[0]))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.post(LOGIN, {"username": member.user.email, "password": NEW_PASSWORD})
    response = client.get(f"/r/{member.network.slug}/")
    assert response["Location"].startswith("/comptes/securite/verifier/")


def test_changing_ones_password_needs_the_old_one_and_is_journaled(client, member):
    client.force_login(member.user)
    response = client.post(
        CHANGE,
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert not JournalEntry.objects.filter(action=JournalAction.PASSWORD_CHANGED).exists()
    response = client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/comptes/mot-de-passe/change/"
    member.user.refresh_from_db()
    assert member.user.check_password(NEW_PASSWORD)
    # This session stays open; the password is not in the journal.
    assert client.get(f"/r/{member.network.slug}/").status_code == 200
    [entry] = JournalEntry.objects.filter(action=JournalAction.PASSWORD_CHANGED)
    assert (entry.actor_id, entry.network_id, entry.details) == (
        member.user_id,
        member.network_id,
        {},
    )


def test_changing_ones_password_needs_the_second_factor_when_required(client, member, settings):
    settings.AIGUILLAGE_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=member.user, name="authenticator", confirmed=True)
    client.force_login(member.user)
    assert client.get(CHANGE)["Location"].startswith("/comptes/securite/verifier/")
    client.post("/comptes/securite/verifier/", {"code": f"{totp(device.bin_key):06d}"})
    assert client.get(CHANGE).status_code == 200
