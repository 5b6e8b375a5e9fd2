"""The journal's chain: written one entry at a time, refused to the ORM, verified."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalAction, JournalEntry, JournalHead
from aiguillage.privacy.models.journal import AppendOnlyError

pytestmark = pytest.mark.django_db


def _three():
    return [journal.record(action=JournalAction.LOGIN, details={"n": i}) for i in range(3)]


def test_entries_are_numbered_and_chained():
    first, second, third = _three()
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert JournalHead.objects.get().last_hash == third.hash
    assert journal.verify() == journal.ChainCheck(True, 3)


def test_the_orm_refuses_updates_and_deletes():
    entry, *_ = _three()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(pk=entry.pk).update(action=JournalAction.LOGOUT)
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    entry.action = JournalAction.LOGOUT
    with pytest.raises(AppendOnlyError):
        entry.save()


def test_details_hold_plain_values_only():
    with pytest.raises(TypeError):
        journal.record(action=JournalAction.IMPORT, details={"rows": {"nested": 1}})
    with pytest.raises(ValueError, match="Unknown journal action"):
        journal.record(action="made_up")


def _raw(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # What a database owner could do behind the application's back.
            cursor.execute("ALTER TABLE privacy_journalentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_journalentry ENABLE TRIGGER USER")


def test_a_row_changed_by_raw_sql_breaks_the_chain_at_that_row():
    _first, second, _third = _three()
    _raw("UPDATE privacy_journalentry SET details = %s WHERE seq = %s", ['{"n": 9}', 2])
    check = journal.verify()
    assert not check.intact and check.first_broken_seq == second.seq
    assert check.checked == 1


def test_a_removed_row_and_a_removed_tail_break_the_chain():
    _three()
    _raw("DELETE FROM privacy_journalentry WHERE seq = %s", [2])
    assert journal.verify().first_broken_seq == 2
    _raw("DELETE FROM privacy_journalentry WHERE seq >= %s", [2])
    check = journal.verify()
    assert not check.intact and check.first_broken_seq == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_raw_updates_and_deletes():
    _three()
    for sql in (
        "UPDATE privacy_journalentry SET action = 'logout'",
        "DELETE FROM privacy_journalentry",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert JournalEntry.objects.count() == 3


def test_the_purge_removes_the_oldest_and_keeps_the_chain_verifiable():
    old = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    for i in range(2):
        journal.record(action=JournalAction.LOGIN, at=old + datetime.timedelta(hours=i))
    kept = journal.record(action=JournalAction.LOGIN)
    assert journal.purge_before(cutoff=old + datetime.timedelta(days=1)) == 2
    assert list(JournalEntry.objects.values_list("seq", flat=True)) == [kept.seq]
    assert journal.verify() == journal.ChainCheck(True, 1)
    nxt = journal.record(action=JournalAction.PURGE, details={"journal": 2})
    assert nxt.seq == 4 and journal.verify().intact
