"""``manage.py verify_journal``: exit 0 with a one-line summary on an intact chain, exit
1 naming the first broken entry after a change made behind the application's back.

The "attacker" writes raw SQL; on PostgreSQL they must first disable the append-only
trigger, as a database owner could.
"""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.db import connection

from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalAction, JournalEntry, JournalHead

pytestmark = pytest.mark.django_db


def verify_journal(*args) -> str:
    out = StringIO()
    call_command("verify_journal", *args, stdout=out)
    return out.getvalue()


def broken(*args) -> str:
    with pytest.raises(CommandError) as caught:
        verify_journal(*args)
    assert caught.value.returncode == 1
    return str(caught.value)


def write(n: int) -> list[JournalEntry]:
    return [journal.record(action=JournalAction.LOGIN, details={"n": i}) for i in range(n)]


def raw(sql: str, params=()) -> None:
    """What a database owner could do behind the application's back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_journalentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_journalentry ENABLE TRIGGER USER")


def forge(*, seq: int, prev_hash: str, action: str = "login") -> str:
    """Insert a row whose own hash is right: the attacker knows the algorithm."""
    fields = {
        "seq": seq,
        "created_at": datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC),
        "action": action,
        "network_id": None,
        "actor_id": None,
        "actor_label": "",
        "actor_role": "",
        "object_type": "",
        "object_id": "",
        "details": {},
        "prev_hash": prev_hash,
    }
    digest = journal.content_hash(**fields)
    raw(
        "INSERT INTO privacy_journalentry (seq, created_at, action, network_id, actor_id, "
        "actor_label, actor_role, object_type, object_id, details, prev_hash, hash) "
        "VALUES (%s, %s, %s, NULL, NULL, '', '', '', '', %s, %s, %s)",
        [seq, fields["created_at"], action, json.dumps({}), prev_hash, digest],
    )
    return digest


def test_an_intact_journal_exits_0_with_a_one_line_summary():
    write(3)
    assert verify_journal() == "Journal intact: 3 entries checked.\n"


def test_an_empty_journal_is_intact():
    assert verify_journal() == "Journal intact: 0 entries checked.\n"


def test_a_row_changed_by_raw_sql_is_named():
    write(3)
    raw("UPDATE privacy_journalentry SET details = %s WHERE seq = %s", ['{"n": 9}', 2])
    message = broken()
    assert message == (
        "Journal broken at entry #2: its content does not match its hash "
        "(1 entries checked before it)."
    )


def test_a_changed_actor_is_caught_even_with_the_details_untouched():
    write(2)
    raw("UPDATE privacy_journalentry SET actor_label = %s WHERE seq = %s", ["x@y.example", 1])
    assert broken().startswith("Journal broken at entry #1: its content does not match")


def test_a_deleted_middle_row_is_named():
    write(3)
    raw("DELETE FROM privacy_journalentry WHERE seq = %s", [2])
    assert broken().startswith("Journal broken at entry #2: entry #2 is missing (found #3)")


def test_a_deleted_tail_is_named():
    write(3)
    raw("DELETE FROM privacy_journalentry WHERE seq = %s", [3])
    assert broken().startswith("Journal broken at entry #3: entries after #2 are missing")


def test_a_forged_row_appended_past_the_end_is_named():
    *_, last = write(3)
    forge(seq=4, prev_hash=last.hash)
    assert broken().startswith(
        "Journal broken at entry #4: it lies past the journal's end: the application never wrote it"
    )


def test_a_row_replaced_by_a_forged_one_breaks_the_chain_at_the_next():
    write(3)
    first = JournalEntry.objects.get(seq=1)
    raw("DELETE FROM privacy_journalentry WHERE seq = %s", [2])
    forge(seq=2, prev_hash=first.hash, action="logout")
    assert broken().startswith("Journal broken at entry #3: its previous hash does not match")


def test_the_last_row_replaced_by_a_forged_one_is_caught_by_the_head():
    _first, second, _third = write(3)
    raw("DELETE FROM privacy_journalentry WHERE seq = %s", [3])
    forge(seq=3, prev_hash=second.hash, action="logout")
    assert broken().startswith(
        "Journal broken at entry #3: its hash is not the one the journal's head recorded"
    )


def test_a_purge_keeps_the_journal_intact_and_a_row_forged_before_the_anchor_is_named():
    old = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    for hour in range(2):
        journal.record(action=JournalAction.LOGIN, at=old + datetime.timedelta(hours=hour))
    write(2)
    assert journal.purge_before(cutoff=old + datetime.timedelta(days=1)) == 2
    assert verify_journal() == "Journal intact: 2 entries checked.\n"
    forge(seq=1, prev_hash=journal.GENESIS_HASH)
    assert broken().startswith("Journal broken at entry #1: it comes before the chain's start (#3)")


def test_the_chain_alone_misses_a_rewound_head_but_a_kept_head_does_not():
    write(3)
    shown = verify_journal("--show-head").splitlines()
    assert shown[0] == "Journal intact: 3 entries checked."
    kept = shown[1].removeprefix("Head: #").replace(" ", ":")
    third = JournalEntry.objects.get(seq=3)
    assert kept == f"3:{third.hash}"
    # The owner removes the last entry and rewinds the head row to match.
    second = JournalEntry.objects.get(seq=2)
    raw("DELETE FROM privacy_journalentry WHERE seq = %s", [3])
    head = JournalHead._meta.db_table  # its end is unguarded (only its anchor): the blind spot
    raw(f"UPDATE {head} SET last_seq = %s, last_hash = %s WHERE id = 1", [2, second.hash])
    assert verify_journal() == "Journal intact: 2 entries checked.\n"
    assert broken("--expect-head", kept).startswith(
        "Journal broken at entry #3: it was the head before and is no longer in the journal"
    )
    assert verify_journal("--expect-head", f"2:{second.hash}").startswith("Journal intact")


def test_a_kept_head_that_was_purged_since_is_accepted():
    old = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    kept = journal.record(action=JournalAction.LOGIN, at=old)
    write(1)
    journal.purge_before(cutoff=old + datetime.timedelta(days=1))
    assert verify_journal("--expect-head", f"{kept.seq}:{kept.hash}").startswith(
        "Journal intact: 1 entries"
    )
    with pytest.raises(CommandError, match="SEQ:HASH"):
        verify_journal("--expect-head", "nonsense")


def test_help_says_what_it_checks_and_the_exit_codes():
    command = load_command_class(get_commands()["verify_journal"], "verify_journal")
    text = command.create_parser("manage.py", "verify_journal").format_help()
    assert "hash chain" in text and "exit 1" in text and "--expect-head" in text
