"""Two-factor authentication: who must use it, enrolment, verification, recovery codes,
removal, and what it leaves alone (public portal, API, login pages)."""

from __future__ import annotations

import datetime
import html
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiguillage.accounts import two_factor
from aiguillage.accounts.models import Role
from aiguillage.accounts.permissions import Action, roles_for
from aiguillage.privacy.models.journal import JournalAction, JournalEntry
from tests.accounts.factories import PASSWORD, MembershipFactory
from tests.core.factories import NetworkFactory

pytestmark = pytest.mark.django_db

ENROL = "/comptes/securite/activer/"
VERIFY = "/comptes/securite/verifier/"
CODES = "/comptes/securite/codes-de-secours/"
NEW_CODES = "/comptes/securite/codes-de-secours/nouveaux/"
REMOVE = "/comptes/securite/retirer/"
SECURITY = "/comptes/securite/"
MOMENT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def required(settings):
    settings.AIGUILLAGE_REQUIRE_2FA = True


@pytest.fixture
def clock(time_machine):
    """A frozen clock: TOTP codes and django-otp's throttling both read it."""
    time_machine.move_to(MOMENT, tick=False)
    return time_machine


@pytest.fixture
def coordinator():
    return MembershipFactory(coordinator=True)


def code_for(device: TOTPDevice) -> str:
    """The code the phone shows now (the test's clock)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """An enrolled account: a confirmed authenticator and ten recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    codes = two_factor.create_recovery_codes(user=user)
    return device, codes


def text(response) -> str:
    return html.unescape(response.content.decode())


def entries(action):
    return list(JournalEntry.objects.filter(action=action).order_by("seq"))


def staff_page(membership) -> str:
    return f"/r/{membership.network.slug}/"


# --- The rule ------------------------------------------------------------------


def test_the_roles_that_see_contact_data_and_coordinators_must_use_it():
    assert roles_for(Action.CONTACT_VIEW) | {Role.COORDINATOR} == two_factor.TWO_FACTOR_ROLES


@pytest.mark.parametrize("role", Role.values)
def test_each_role_is_sent_to_enrolment_exactly_when_the_rule_says(client, required, role):
    membership = MembershipFactory(role=role, is_salaried=role != Role.VOLUNTEER)
    client.force_login(membership.user)
    response = client.get(staff_page(membership))
    if role in two_factor.TWO_FACTOR_ROLES:
        assert response.status_code == 302
        assert response["Location"] == f"{ENROL}?next=%2Fr%2F{membership.network.slug}%2F"
    else:
        assert response.status_code == 200


def test_an_inactive_membership_does_not_require_it(required):
    membership = MembershipFactory(coordinator=True, is_active=False)
    assert not two_factor.required_by_role(membership.user)
    membership.is_active = True
    membership.save()
    assert two_factor.required_by_role(membership.user)


def test_off_by_setting_the_coordinator_reaches_staff_pages(client, coordinator):
    client.force_login(coordinator.user)
    assert client.get(staff_page(coordinator)).status_code == 200


def test_an_enrolled_account_is_asked_for_its_code_even_when_the_setting_is_off(
    client, coordinator
):
    enrol(coordinator.user)
    client.force_login(coordinator.user)
    response = client.get(staff_page(coordinator))
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_the_code_is_asked_right_after_the_password(client, required, coordinator, clock):
    device, _codes = enrol(coordinator.user)
    page = staff_page(coordinator)
    response = client.post(
        f"/comptes/connexion/?next={page}",
        {"username": coordinator.user.email, "password": PASSWORD, "next": page},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2Fr%2F{coordinator.network.slug}%2F"
    response = client.post(response.redirect_chain[-1][0], {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == page
    assert client.get(page).status_code == 200


def test_htmx_requests_get_an_hx_redirect_to_the_page_not_the_fragment(
    client, required, coordinator
):
    client.force_login(coordinator.user)
    page = staff_page(coordinator)
    response = client.get(
        page,
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}?q=caf"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{ENROL}?next=%2Fr%2F{coordinator.network.slug}%2F%3Fq%3Dcaf"


def test_public_portal_api_and_login_pages_are_not_affected(client, required, coordinator):
    client.force_login(coordinator.user)
    slug = coordinator.network.slug
    assert client.get(f"/p/{slug}/").status_code == 200
    assert client.get("/api/v1/sites").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/comptes/mot-de-passe/oublie/").status_code == 200
    # and the staff page is still guarded
    assert client.get(staff_page(coordinator)).status_code == 302


def test_the_non_staff_prefixes_match_where_config_mounts_the_portal_and_api():
    from django.urls import reverse

    from aiguillage.accounts.middleware import NON_STAFF_PREFIXES

    assert reverse("public:home", args=["x"]).startswith(NON_STAFF_PREFIXES)
    assert reverse("core:healthz").startswith(NON_STAFF_PREFIXES)
    assert reverse("set_language").startswith(NON_STAFF_PREFIXES)
    assert "/api/" in NON_STAFF_PREFIXES


# --- Enrolment -----------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_which_stays_the_same(
    client, required, coordinator
):
    client.force_login(coordinator.user)
    first = client.get(ENROL).text
    assert '<svg role="img"' in first and "<title>" in first
    secret = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', first).group(1)
    assert len(secret.replace(" ", "")) == 32  # 20 random bytes in base32
    again = client.get(ENROL).text
    assert secret in again
    assert TOTPDevice.objects.filter(user=coordinator.user).count() == 1
    assert not two_factor.is_enrolled(coordinator.user)


def test_a_wrong_first_code_keeps_the_page_and_confirms_nothing(
    client, required, coordinator, clock
):
    client.force_login(coordinator.user)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=coordinator.user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert "Ce code ne correspond pas" in response.text
    assert not two_factor.is_enrolled(coordinator.user)
    [failed] = entries(JournalAction.OTP_FAILED)
    assert failed.details == {"step": "enrolment"}
    assert wrong not in str(failed.details)


def test_enrolment_confirms_verifies_and_shows_ten_codes_once(client, required, coordinator, clock):
    client.force_login(coordinator.user)
    page = staff_page(coordinator)
    client.get(f"{ENROL}?next={page}")
    device = TOTPDevice.objects.get(user=coordinator.user)
    response = client.post(ENROL, {"code": code_for(device), "next": page})
    assert response.status_code == 302
    assert response["Location"] == f"{CODES}?next=%2Fr%2F{coordinator.network.slug}%2F"
    shown = client.get(response["Location"]).text
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(set(codes)) == 10
    stored = set(
        StaticToken.objects.filter(device__user=coordinator.user).values_list("token", flat=True)
    )
    assert stored == set(codes)
    assert f'href="{page}"' in shown
    # Shown once: the page no longer has them.
    again = client.get(CODES).text
    assert not any(code in again for code in codes)
    # The session is verified: the staff page opens.
    assert client.get(page).status_code == 200
    assert two_factor.is_enrolled(coordinator.user)
    [added] = entries(JournalAction.OTP_DEVICE_ADDED)
    assert (added.network_id, added.actor_id, added.actor_role) == (
        coordinator.network_id,
        coordinator.user_id,
        Role.COORDINATOR,
    )
    [created] = entries(JournalAction.RECOVERY_CODES_CREATED)
    assert created.details == {"count": 10}


def test_enrolment_is_refused_to_an_enrolled_but_unverified_session(client, required, coordinator):
    """A stolen password alone must not let anyone add their own phone."""
    enrol(coordinator.user)
    client.force_login(coordinator.user)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    response = client.post(ENROL, {"code": "123456"})
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=coordinator.user).count() == 1


# --- Verification --------------------------------------------------------------


def test_a_wrong_code_is_refused_and_journaled_without_the_code(
    client, required, coordinator, clock
):
    device, _ = enrol(coordinator.user)
    client.force_login(coordinator.user)
    wrong = f"{(int(code_for(device)) + 7) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert "Ce code n'est pas valable" in text(response)
    assert client.get(staff_page(coordinator)).status_code == 302
    [failed] = entries(JournalAction.OTP_FAILED)
    assert failed.actor_id == coordinator.user_id
    assert failed.network_id == coordinator.network_id
    assert wrong not in str(failed.details)


def test_wrong_codes_are_throttled(client, required, coordinator, clock):
    device, _ = enrol(coordinator.user)
    client.force_login(coordinator.user)
    client.post(VERIFY, {"code": f"{(int(code_for(device)) + 1) % 1_000_000:06d}"})
    response = client.post(VERIFY, {"code": code_for(device)})
    assert "Trop de codes erronés" in response.text
    assert entries(JournalAction.OTP_FAILED)[-1].details["throttled"] is True
    clock.shift(datetime.timedelta(seconds=2))  # django-otp waits 1 s after one failure
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 302


def test_the_right_code_verifies_once_and_is_journaled(client, required, coordinator, clock):
    device, _ = enrol(coordinator.user)
    client.force_login(coordinator.user)
    response = client.post(VERIFY, {"code": code_for(device), "next": "/catalogue/"})
    assert response["Location"] == "/catalogue/"
    [verified] = entries(JournalAction.OTP_VERIFIED)
    assert verified.actor_id == coordinator.user_id
    # A code is good once: another session cannot replay it.
    other = type(client)()
    other.force_login(coordinator.user)
    assert other.post(VERIFY, {"code": code_for(device)}).status_code == 200


def test_next_cannot_send_the_person_to_another_site(client, required, coordinator, clock):
    device, _ = enrol(coordinator.user)
    client.force_login(coordinator.user)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_recovery_code_works_once(client, required, coordinator, clock):
    _device, codes = enrol(coordinator.user)
    client.force_login(coordinator.user)
    response = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
    assert "Il vous en reste 9" in response.text
    [used] = entries(JournalAction.RECOVERY_CODE_USED)
    assert used.details == {"codes_left": 9}
    assert codes[0] not in str(used.details)
    other = type(client)()
    other.force_login(coordinator.user)
    assert other.post(VERIFY, {"code": codes[0]}).status_code == 200  # refused: spent
    clock.shift(datetime.timedelta(seconds=2))  # past the throttle of that failure
    assert other.post(VERIFY, {"code": codes[1]}).status_code == 302


# --- Recovery codes and removal ------------------------------------------------


def verified_client(client, membership, clock):
    device, codes = enrol(membership.user)
    client.force_login(membership.user)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    return device, codes


def test_new_recovery_codes_replace_the_old_ones(client, required, coordinator, clock):
    _device, old = verified_client(client, coordinator, clock)
    response = client.post(NEW_CODES)
    assert response["Location"] == CODES
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", client.get(CODES).text)
    assert len(new) == 10 and not set(new) & set(old)
    assert set(
        StaticToken.objects.filter(device__user=coordinator.user).values_list("token", flat=True)
    ) == set(new)
    assert len(entries(JournalAction.RECOVERY_CODES_CREATED)) == 2


def test_new_recovery_codes_need_a_verified_session(client, required, coordinator):
    _device, old = enrol(coordinator.user)
    client.force_login(coordinator.user)
    response = client.post(NEW_CODES)
    assert response["Location"].startswith(VERIFY)
    assert set(
        StaticToken.objects.filter(device__user=coordinator.user).values_list("token", flat=True)
    ) == set(old)


def test_removal_needs_the_password(client, required, coordinator, clock):
    verified_client(client, coordinator, clock)
    response = client.post(REMOVE, {"password": "not-the-password"})
    assert response.status_code == 200
    assert "Ce mot de passe n'est pas le bon" in text(response)
    assert two_factor.is_enrolled(coordinator.user)
    assert not entries(JournalAction.OTP_DEVICE_REMOVED)


def test_removal_with_the_password_removes_everything_and_asks_to_enrol_again(
    client, required, coordinator, clock
):
    verified_client(client, coordinator, clock)
    response = client.post(REMOVE, {"password": PASSWORD})
    assert response["Location"] == SECURITY
    assert not TOTPDevice.objects.filter(user=coordinator.user).exists()
    assert not StaticDevice.objects.filter(user=coordinator.user).exists()
    assert not StaticToken.objects.exists()
    response = client.get(staff_page(coordinator))
    assert response["Location"].startswith(ENROL)
    [removed] = entries(JournalAction.OTP_DEVICE_REMOVED)
    assert removed.actor_id == coordinator.user_id
    assert removed.details == {"devices": 2, "by_other": False, "via": "page"}


def test_security_page_says_how_many_codes_are_left(client, required, coordinator, clock):
    verified_client(client, coordinator, clock)
    page = client.get(SECURITY).text
    assert "Il vous reste 10 codes de secours" in page
    assert "/comptes/mot-de-passe/" in page


# --- The reset command ---------------------------------------------------------


def test_reset_two_factor_by_a_coordinator_of_the_network(coordinator):
    member = MembershipFactory(network=coordinator.network)
    enrol(member.user)
    out = StringIO()
    call_command(
        "reset_two_factor", member.user.email.upper(), "--by", coordinator.user.email, stdout=out
    )
    assert "2 device(s) removed" in out.getvalue()
    assert member.user.email not in out.getvalue()
    assert not two_factor.has_any_device(member.user)
    [removed] = entries(JournalAction.OTP_DEVICE_REMOVED)
    assert (removed.actor_id, removed.actor_role, removed.object_id) == (
        coordinator.user_id,
        Role.COORDINATOR,
        str(member.user_id),
    )
    assert removed.details == {"devices": 2, "by_other": True, "via": "command"}


def test_reset_two_factor_refuses_a_coordinator_of_another_network(coordinator):
    member = MembershipFactory(network=NetworkFactory())
    enrol(member.user)
    with pytest.raises(CommandError, match="coordinator"):
        call_command("reset_two_factor", member.user.email, "--by", coordinator.user.email)
    librarian = MembershipFactory(network=member.network)
    with pytest.raises(CommandError, match="coordinator"):
        call_command("reset_two_factor", member.user.email, "--by", librarian.user.email)
    assert two_factor.is_enrolled(member.user)
    assert not entries(JournalAction.OTP_DEVICE_REMOVED)


def test_reset_two_factor_of_an_unknown_address_fails():
    with pytest.raises(CommandError, match="No account"):
        call_command("reset_two_factor", "nobody@example.org")


def test_reset_two_factor_by_an_operator_has_no_author(coordinator):
    enrol(coordinator.user)
    call_command("reset_two_factor", coordinator.user.email, stdout=StringIO())
    [removed] = entries(JournalAction.OTP_DEVICE_REMOVED)
    assert removed.actor_id is None
    assert removed.details["via"] == "command"
