"""Login lockout (django-axes): five wrong passwords for one address from one client
lock that pair for thirty minutes, with a French page (429) and a journal entry."""

from __future__ import annotations

import datetime
import html
from io import StringIO

import pytest
from django.core.management import call_command

from aiguillage.privacy.models.journal import JournalAction, JournalEntry
from tests.accounts.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"
DESK_IP = "192.0.2.10"
MOMENT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def member():
    return MembershipFactory()


def attempt(client, email, password, ip=DESK_IP):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail(client, email, times, ip=DESK_IP):
    return [attempt(client, email, "wrong-password-123", ip).status_code for _ in range(times)]


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_fifth_wrong_password_locks_with_a_french_page_and_429(client, member):
    assert fail(client, member.user.email, 4) == [200] * 4  # the form again, with its error
    response = attempt(client, member.user.email, "wrong-password-123")
    assert response.status_code == 429
    page = text(response)
    assert "Connexion bloquée" in page
    assert "30 minutes" in page
    assert "5 fois" in page
    assert member.user.email not in page
    assert "/comptes/mot-de-passe/oublie/" in page


def test_the_right_password_is_refused_while_locked(client, member):
    fail(client, member.user.email, 5)
    response = attempt(client, member.user.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_for_the_pair_only(client, member):
    """A library's staff share one public address: one person's mistakes must not
    lock the desk; and nobody can lock a colleague out from elsewhere."""
    fail(client, member.user.email, 5)
    colleague = MembershipFactory(network=member.network)
    assert attempt(client, colleague.user.email, PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, member.user.email, PASSWORD, ip="198.51.100.7").status_code == 302


def test_the_address_counts_whatever_its_case(client, member):
    email = member.user.email
    fail(client, email.upper(), 2)
    fail(client, email.capitalize(), 2)
    assert attempt(client, f"  {email} ", "wrong-password-123").status_code == 429


def test_a_success_clears_the_count(client, member):
    fail(client, member.user.email, 4)
    assert attempt(client, member.user.email, PASSWORD).status_code == 302
    client.logout()
    assert fail(client, member.user.email, 4) == [200] * 4
    assert attempt(client, member.user.email, PASSWORD).status_code == 302


def test_the_lock_ends_after_thirty_minutes(client, member, time_machine):
    time_machine.move_to(MOMENT, tick=False)
    fail(client, member.user.email, 5)
    time_machine.shift(datetime.timedelta(minutes=29))
    assert attempt(client, member.user.email, PASSWORD).status_code == 429
    # An attempt during the lock starts the thirty minutes again (from the attacker's
    # point of view the lock never ends while they keep trying).
    time_machine.shift(datetime.timedelta(minutes=2))
    assert attempt(client, member.user.email, PASSWORD).status_code == 429
    time_machine.shift(datetime.timedelta(minutes=31))
    assert attempt(client, member.user.email, PASSWORD).status_code == 302


def test_axes_reset_lifts_the_lock(client, member):
    fail(client, member.user.email, 5)
    call_command("axes_reset_username", member.user.email.lower(), stdout=StringIO())
    assert attempt(client, member.user.email, PASSWORD).status_code == 302


def test_the_lockout_is_journaled_about_the_account_in_its_network(client, member):
    fail(client, member.user.email, 5)
    [entry] = JournalEntry.objects.filter(action=JournalAction.LOCKED_OUT)
    assert entry.network_id == member.network_id
    assert entry.actor_id is None  # whoever typed the passwords is not known
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(member.user_id))
    assert entry.details == {"matched_account": True}
    assert DESK_IP not in str(entry.details)


def test_a_lockout_of_an_unknown_address_keeps_no_trace_of_it(client, member):
    typed = "visiteur.distrait@example.org"
    fail(client, typed, 5)
    [entry] = JournalEntry.objects.filter(action=JournalAction.LOCKED_OUT)
    assert entry.network_id is None and entry.actor_id is None and entry.object_id == ""
    assert entry.details == {"matched_account": False}
    row = JournalEntry.objects.filter(pk=entry.pk).values().get()
    assert not any(typed in str(value) for value in row.values())


def test_the_test_clients_login_still_works_and_is_counted(client, member):
    for _ in range(5):
        assert not client.login(username=member.user.email, password="wrong-password-123")
    assert not client.login(username=member.user.email, password=PASSWORD)
    call_command("axes_reset", stdout=StringIO())
    assert client.login(username=member.user.email, password=PASSWORD)
