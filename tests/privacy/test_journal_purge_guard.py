"""Only the retention purge removes journal entries and moves the chain's anchor.

On PostgreSQL the tests act as the role docs/journal.md tells to run the application
as: one that does not own the tables. The suite connects as the owner (it ran the
migrations) and creates that role inside the test's transaction, so its rollback
removes it: the suite's role needs CREATEROLE (.ci/run gives it). Then ``SET ROLE``:
the flag 0002 trusted, the anchor and TRUNCATE are refused to that role even with
every table privilege, and the purge still works through ``privacy_journal_purge``.

On both engines: a purge of entries younger than any retention allows is named by
``verify_journal``, whoever ran it.
"""

import contextlib
import datetime
import secrets
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from aiguillage.compliance.models.settings import RETENTION_BOUNDS
from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalAction, JournalEntry, JournalHead

pytestmark = pytest.mark.django_db

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles, triggers and the purge function"
)

DAY = datetime.timedelta(days=1)
ENTRY = "privacy_journalentry"
HEAD = "privacy_journalhead"
PURGE_FUNCTION = "privacy_journal_purge(timestamptz)"


def sql(statement: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def refused(statement: str, match: str) -> None:
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        sql(statement)


def verify_journal(*args) -> str:
    out = StringIO()
    call_command("verify_journal", *args, stdout=out)
    return out.getvalue()


def journal_with_two_old_entries() -> tuple[list[JournalEntry], str]:
    """Two entries past any retention, one of today; and the head as --show-head gives it."""
    now = timezone.now()
    entries = [
        journal.record(action=JournalAction.LOGIN, at=now - 400 * DAY),
        journal.record(action=JournalAction.LOGIN, at=now - 390 * DAY),
        journal.record(action=JournalAction.LOGOUT),
    ]
    kept = verify_journal("--show-head").splitlines()[1]
    return entries, kept.removeprefix("Head: #").replace(" ", ":")


def new_role(*grants: str) -> str:
    """A role that does not own the tables, with these grants ({role}, {schema})."""
    (can_create,) = sql("SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user")[0]
    assert can_create, (
        "the suite's database role needs CREATEROLE for these tests "
        "(ALTER ROLE aiguillage CREATEROLE; .ci/run does it)"
    )
    role = f"aiguillage_test_app_{secrets.token_hex(4)}"
    (schema,) = sql("SELECT current_schema()")[0]
    sql(f"CREATE ROLE {role} NOLOGIN")
    sql(f"GRANT {role} TO CURRENT_USER")  # so that SET ROLE may take it
    for grant in grants:
        sql(grant.format(role=role, schema=schema))
    return role


@contextlib.contextmanager
def acting_as(role: str):
    """Not reset on failure: the test's rollback undoes the SET ROLE."""
    sql(f"SET ROLE {role}")
    assert sql("SELECT current_user, session_user <> current_user")[0] == (role, True)
    yield
    sql("RESET ROLE")


def careless_role() -> str:
    """Every privilege on the journal's tables short of owning them."""
    every = "SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES"
    return new_role(f"GRANT {every} ON {ENTRY}, {HEAD} TO {{role}}")


def application_role(*, execute: bool = True) -> str:
    """The role docs/journal.md recommends: the application's tables, and on the journal
    SELECT and INSERT, the head's end, and EXECUTE on the purge function only."""
    grants = [
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"REVOKE UPDATE, DELETE ON {ENTRY} FROM {{role}}",
        f"REVOKE INSERT, UPDATE, DELETE ON {HEAD} FROM {{role}}",
        f"GRANT UPDATE (last_seq, last_hash) ON {HEAD} TO {{role}}",
    ]
    if execute:
        grants.append(f"GRANT EXECUTE ON FUNCTION {PURGE_FUNCTION} TO {{role}}")
    return new_role(*grants)


def assert_untouched(entries: list[JournalEntry], kept_head: str) -> None:
    assert list(JournalEntry.objects.values_list("seq", flat=True)) == [e.seq for e in entries]
    head = JournalHead.objects.get()
    assert (head.anchor_seq, head.anchor_hash) == (0, journal.GENESIS_HASH)
    assert head.anchor_created_at is None
    assert verify_journal("--expect-head", kept_head) == "Journal intact: 3 entries checked.\n"


@only_postgresql
def test_the_purge_flag_no_longer_lets_another_role_delete_entries():
    entries, kept = journal_with_two_old_entries()
    role = careless_role()
    with acting_as(role):
        for set_flag in (
            "SET LOCAL aiguillage.journal_purge = 'on'",
            "SELECT set_config('aiguillage.journal_purge', 'on', true)",
        ):
            sql(set_flag)
            assert sql("SELECT current_setting('aiguillage.journal_purge')") == [("on",)]
            refused(f"DELETE FROM {ENTRY} WHERE seq <= 2", "append-only .DELETE refused")
            refused(f"UPDATE {ENTRY} SET action = 'logout'", "append-only .UPDATE refused")
            refused(f"TRUNCATE {ENTRY}", "emptied by its owner only")
    assert_untouched(entries, kept)


@only_postgresql
def test_the_anchor_is_moved_by_the_purge_only():
    entries, kept = journal_with_two_old_entries()
    second = entries[1]
    role = careless_role()
    with acting_as(role):
        sql("SET LOCAL aiguillage.journal_purge = 'on'")
        moves = (
            f"UPDATE {HEAD} SET anchor_seq = 2, anchor_hash = '{second.hash}'",
            f"UPDATE {HEAD} SET anchor_created_at = now() - interval '2 years'",
            f"DELETE FROM {HEAD}",
            f"TRUNCATE {HEAD}",
        )
        for statement in moves:
            refused(statement, "only the journal purge moves the anchor|emptied by its owner")
        # What record() does is still allowed: move the end, not the anchor.
        sql(f"UPDATE {HEAD} SET last_seq = last_seq, last_hash = last_hash")
    assert_untouched(entries, kept)


@only_postgresql
def test_the_retention_purge_still_works_for_the_application_role():
    entries, kept = journal_with_two_old_entries()
    role = application_role()
    with acting_as(role):
        out = StringIO()
        call_command("purge_expired", stdout=out)
        assert "journal: 2 entries" in out.getvalue()
        # The application's own role can do no more than the purge did.
        refused(f"DELETE FROM {ENTRY}", "permission denied")
        refused(f"UPDATE {HEAD} SET anchor_seq = 0", "permission denied")
        assert verify_journal("--expect-head", kept) == "Journal intact: 2 entries checked.\n"
    seqs = list(JournalEntry.objects.values_list("seq", flat=True))
    assert seqs[0] == entries[2].seq and len(seqs) == 2  # today's entry, then the purge's
    head = JournalHead.objects.get()
    assert (head.anchor_seq, head.anchor_hash) == (entries[1].seq, entries[1].hash)
    assert head.anchor_created_at == entries[1].created_at
    assert journal.verify().intact


@only_postgresql
def test_the_purge_function_is_the_owners_with_a_fixed_search_path_and_no_public_execute():
    entries, _kept = journal_with_two_old_entries()
    (definer, owner_is_tables_owner, config) = sql(
        "SELECT p.prosecdef, p.proowner = c.relowner, p.proconfig FROM pg_proc p, pg_class c "
        "WHERE p.oid = %s::regprocedure AND c.oid = %s::regclass",
        [PURGE_FUNCTION, ENTRY],
    )[0]
    (schema,) = sql("SELECT current_schema()")[0]
    assert definer and owner_is_tables_owner
    assert config == [f"search_path=pg_catalog, {schema}, pg_temp"]
    role = application_role(execute=False)
    with acting_as(role):
        refused("SELECT privacy_journal_purge(now())", "permission denied for function")
    assert JournalEntry.objects.count() == len(entries)


def test_a_purge_of_entries_younger_than_any_retention_is_named():
    """What a compromised application could still do through the purge function: it is
    not hidden from verify_journal."""
    assert journal.SHORTEST_RETENTION.days == RETENTION_BOUNDS["journal_days"].minimum
    now = timezone.now()
    journal.record(action=JournalAction.LOGIN, at=now - 10 * DAY)
    journal.record(action=JournalAction.LOGIN, at=now - DAY)
    kept = journal.record(action=JournalAction.LOGIN)
    assert journal.purge_before(cutoff=now) == 2
    with pytest.raises(CommandError) as caught:
        verify_journal("--expect-head", f"{kept.seq}:{kept.hash}")
    assert caught.value.returncode == 1
    assert str(caught.value) == (
        "Journal broken at entry #2: it was purged less than 183 days after it was written, "
        "before any retention allows (1 entries checked before it)."
    )


def test_an_anchor_older_than_the_shortest_retention_is_intact():
    now = timezone.now()
    journal.record(action=JournalAction.LOGIN, at=now - 184 * DAY)
    journal.record(action=JournalAction.LOGIN)
    assert journal.purge_before(cutoff=now - 183 * DAY) == 1
    assert journal.verify() == journal.ChainCheck(True, 1)
