"""Idle timeout at the desk: a staff session unused for SESSION_IDLE_TIMEOUT_MINUTES
is logged out and sent to the login page with a message; htmx gets HX-Redirect."""

from __future__ import annotations

import datetime
import html

import pytest

from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MOMENT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def desk(client, time_machine):
    """A logged-in librarian at a frozen clock; returns (client, page, clock)."""
    time_machine.move_to(MOMENT, tick=False)
    member = MembershipFactory()
    client.force_login(member.user)
    return client, f"/r/{member.network.slug}/", time_machine, member


def test_activity_keeps_the_session_open(desk):
    client, page, clock, _member = desk
    for _ in range(4):  # two hours of work, a click every 29 minutes
        clock.shift(29 * MINUTE)
        assert client.get(page).status_code == 200


def test_thirty_minutes_idle_log_out_with_a_message(desk):
    client, page, clock, _member = desk
    assert client.get(page).status_code == 200
    clock.shift(30 * MINUTE + datetime.timedelta(seconds=1))
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == f"/comptes/connexion/?next={page}"
    login_page = html.unescape(client.get(response["Location"]).content.decode())
    assert (
        "Votre session a expiré après 30 minutes sans activité. Reconnectez-vous pour continuer."
        in login_page
    )
    assert "_auth_user_id" not in client.session
    # Logged out for good: coming back at once is no way around it.
    assert client.get(page)["Location"].startswith("/comptes/connexion/")


def test_exactly_thirty_minutes_is_still_open(desk):
    client, page, clock, _member = desk
    client.get(page)
    clock.shift(30 * MINUTE)
    assert client.get(page).status_code == 200


def test_htmx_requests_get_hx_redirect_back_to_their_page(desk):
    client, page, clock, _member = desk
    client.get(page)
    clock.shift(31 * MINUTE)
    response = client.get(
        "/catalogue/recherche/?q=caf",
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"},
    )
    assert response.status_code == 200
    slug = page.split("/")[2]
    assert response["HX-Redirect"] == f"/comptes/connexion/?next=/r/{slug}/"


def test_a_public_page_goes_on_without_the_staff_session(desk):
    client, _page, clock, member = desk
    clock.shift(31 * MINUTE)
    assert client.get(f"/p/{member.network.slug}/").status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_timeout_is_configurable(desk, settings):
    client, page, clock, _member = desk
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    clock.shift(6 * MINUTE)
    response = client.get(page)
    assert response.status_code == 302
    message = html.unescape(client.get(response["Location"]).content.decode())
    assert "après 5 minutes sans activité" in message


def test_zero_switches_it_off(desk, settings):
    client, page, clock, _member = desk
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 0
    clock.shift(2 * 60 * MINUTE)  # within the session's own lifetime (8 hours)
    assert client.get(page).status_code == 200


def test_a_session_from_before_the_timeout_existed_starts_counting_now(desk):
    """Sessions opened before deployment have no last activity: they are not thrown
    out on the first request, the count starts."""
    from aiguillage.accounts.middleware import LAST_ACTIVITY_KEY

    client, page, clock, _member = desk
    session = client.session
    del session[LAST_ACTIVITY_KEY]
    session.save()
    clock.shift(2 * 60 * MINUTE)
    assert client.get(page).status_code == 200
    clock.shift(31 * MINUTE)
    assert client.get(page).status_code == 302
