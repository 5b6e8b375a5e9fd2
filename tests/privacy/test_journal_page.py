"""The journal page: a coordinator reads their own network's entries (filtered, paged,
newest first), checks the chain and exports CSV; other roles get 403, another
network's coordinator 404."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from aiguillage.accounts.models import Role
from aiguillage.compliance.views.journal import PER_PAGE
from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalAction, JournalEntry
from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_check():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordinator():
    return MembershipFactory(coordinator=True, network=NetworkFactory(slug="reseau-a"))


def url(name, network, **query):
    base = reverse(f"compliance:{name}", args=[network.slug])
    return f"{base}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else base


def logged_in(client, member):
    client.force_login(member.user)
    return client


def at(day: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+01:00")


def shown_seqs(response) -> list[int]:
    return [row.entry.seq for row in response.context["rows"]]


def test_a_coordinator_sees_their_networks_entries_only_newest_first(client, coordinator):
    other = MembershipFactory(coordinator=True)
    mine = [
        journal.record(action=JournalAction.IMPORT, network=coordinator.network,
                       details={"source": "dept-34", "rows": 3}),
        journal.record(action=JournalAction.CHARTER_CHANGED, network=coordinator.network,
                       actor=coordinator.user, actor_role=Role.COORDINATOR,
                       obj=coordinator, details={"mode": "accompany"}),
    ]  # fmt: skip
    theirs = journal.record(
        action=JournalAction.IMPORT, network=other.network, details={"source": "secret-b"}
    )
    logged_in(client, coordinator)
    response = client.get(url("journal", coordinator.network))
    assert response.status_code == 200
    page = response.text
    # force_login wrote a login entry of each network too.
    login = JournalEntry.objects.get(action=JournalAction.LOGIN, network_id=coordinator.network_id)
    assert shown_seqs(response) == [login.seq, mine[1].seq, mine[0].seq]
    assert "charte modifiée" in page and "mode : accompany" in page
    assert "rows : 3 ; source : dept-34" in page
    assert coordinator.user.email in page and "coordinateur·rice" in page
    assert "secret-b" not in page and other.user.email not in page
    assert f">{theirs.seq}<" not in page
    assert "3 entrées pour votre réseau." in page


@pytest.mark.parametrize(
    "role", [Role.LIBRARIAN, Role.DIGITAL_MEDIATOR, Role.VOLUNTEER, Role.PARTNER_AGENT]
)
def test_other_roles_get_403(client, coordinator, role):
    member = MembershipFactory(
        network=coordinator.network, role=role, is_salaried=role != Role.VOLUNTEER
    )
    logged_in(client, member)
    for name in ("journal", "journal_export"):
        assert client.get(url(name, coordinator.network)).status_code == 403
    assert client.post(url("journal_verify", coordinator.network)).status_code == 403
    assert not JournalEntry.objects.filter(action=JournalAction.CONTACT_EXPORTED).exists()


def test_another_networks_coordinator_gets_404_and_anonymous_the_login(client, coordinator):
    stranger = MembershipFactory(coordinator=True)
    logged_in(client, stranger)
    for name in ("journal", "journal_export"):
        response = client.get(url(name, coordinator.network))
        assert response.status_code == 404
        assert coordinator.network.name not in response.text
    assert client.post(url("journal_verify", coordinator.network)).status_code == 404
    client.logout()
    response = client.get(url("journal", coordinator.network))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_filter_by_action_and_by_day(client, coordinator):
    network = coordinator.network
    early = journal.record(action=JournalAction.IMPORT, network=network, at=at("2026-03-01"))
    middle = journal.record(action=JournalAction.IMPORT, network=network, at=at("2026-03-05"))
    journal.record(action=JournalAction.CHARTER_CHANGED, network=network, at=at("2026-03-05"))
    late = journal.record(action=JournalAction.IMPORT, network=network, at=at("2026-03-09", 23))
    logged_in(client, coordinator)
    response = client.get(url("journal", network, action="import"))
    assert shown_seqs(response) == [late.seq, middle.seq, early.seq]
    response = client.get(
        url("journal", network, action="import", since="2026-03-05", until="2026-03-09")
    )
    assert shown_seqs(response) == [late.seq, middle.seq]  # both days included (local time)
    assert 'value="2026-03-05"' in response.text  # the filters stay in the form


def test_wrong_filters_are_said_and_ignored(client, coordinator):
    journal.record(action=JournalAction.IMPORT, network=coordinator.network)
    logged_in(client, coordinator)
    response = client.get(
        url("journal", coordinator.network, since="2026-03-09", until="2026-03-01")
    )
    assert "La date de début est après la date de fin." in response.text
    assert len(response.context["rows"]) == 2  # the import and the login
    response = client.get(url("journal", coordinator.network, action="made_up", since="hier"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2


def test_pages_of_entries_keep_the_filters(client, coordinator):
    for n in range(PER_PAGE + 5):
        journal.record(action=JournalAction.IMPORT, network=coordinator.network, details={"n": n})
    logged_in(client, coordinator)
    first = client.get(url("journal", coordinator.network, action="import"))
    assert len(first.context["rows"]) == PER_PAGE
    assert "Page 1 sur 2" in first.text
    assert "?action=import&amp;page=2" in first.text
    second = client.get(url("journal", coordinator.network, action="import", page=2))
    assert [row.entry.details["n"] for row in second.context["rows"]] == [4, 3, 2, 1, 0]
    assert client.get(url("journal", coordinator.network, page="999")).status_code == 200


def test_the_verify_button_says_intact(client, coordinator):
    logged_in(client, coordinator)
    response = client.post(url("journal_verify", coordinator.network), follow=True)
    assert "La chaîne du journal est intacte" in response.text


def test_the_verify_button_names_a_broken_entry(client, coordinator):
    logged_in(client, coordinator)
    entry = journal.record(action=JournalAction.IMPORT, network=coordinator.network)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_journalentry DISABLE TRIGGER USER")
        cursor.execute("UPDATE privacy_journalentry SET action = 'purge' WHERE seq = %s",
                       [entry.seq])  # fmt: skip
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_journalentry ENABLE TRIGGER USER")
    response = client.post(url("journal_verify", coordinator.network), follow=True)
    assert f"La chaîne du journal est rompue à l&#x27;entrée n° {entry.seq}" in response.text


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_export_holds_the_filtered_entries_and_is_journaled(client, coordinator):
    network = coordinator.network
    other = MembershipFactory(coordinator=True)
    journal.record(action=JournalAction.IMPORT, network=other.network)
    kept = journal.record(action=JournalAction.IMPORT, network=network, object_type="x",
                          object_id="=1+1", details={"source": "dept-34"})  # fmt: skip
    journal.record(action=JournalAction.CHARTER_CHANGED, network=network)
    logged_in(client, coordinator)
    response = client.get(url("journal_export", network, action="import"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="journal-{network.slug}-' in response["Content-Disposition"]
    [row] = read_csv(response)
    assert (row["seq"], row["action"], row["hash"]) == (str(kept.seq), "import", kept.hash)
    assert row["object_id"] == "'=1+1"  # a spreadsheet never reads a cell as a formula
    assert row["details"] == '{"source": "dept-34"}'
    export = JournalEntry.objects.get(action=JournalAction.CONTACT_EXPORTED)
    assert (export.network_id, export.actor_id, export.actor_role) == (
        network.pk, coordinator.user.pk, Role.COORDINATOR,
    )  # fmt: skip
    assert export.details == {
        "export": "journal", "count": 1, "up_to": export.seq - 1, "action": "import",
        "since": "", "until": "",
    }  # fmt: skip

    everything = [int(row["seq"]) for row in read_csv(client.get(url("journal_export", network)))]
    second = JournalEntry.objects.filter(action=JournalAction.CONTACT_EXPORTED).last()
    assert everything == list(
        JournalEntry.objects.filter(network_id=network.pk, seq__lt=second.seq)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert export.seq in everything  # the first export is in the second
    assert len(everything) == 4  # login, import, charter, export: nothing of the other network
    assert journal.verify().intact
