"""Writing, checking and purging the audit journal (see models/journal.py).

``record`` is the one way in. It numbers and chains entries one at a time under the
head row's lock, inside the caller's transaction when there is one, so an act and its
entry are written together or not at all.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from aiguillage.privacy.models.journal import GENESIS_HASH, JournalAction, JournalEntry, JournalHead

# Detail values are small and plain: ids, counts, kinds, references, booleans.
_PLAIN = (str, int, float, bool, type(None))

# No network may keep its journal for less (the minimum of ``journal_days`` in
# compliance's RETENTION_BOUNDS): an anchor entry written more recently than this was
# purged before any retention allowed, which ``verify`` reports.
SHORTEST_RETENTION = datetime.timedelta(days=183)


def _check_details(details: Mapping[str, Any]) -> dict[str, Any]:
    plain: dict[str, Any] = {}
    for key, value in details.items():
        values = value if isinstance(value, list | tuple) else [value]
        if not all(isinstance(v, _PLAIN) for v in values):
            raise TypeError(f"Journal detail {key!r} must be plain values (ids, counts, kinds).")
        plain[str(key)] = list(value) if isinstance(value, list | tuple) else value
    return plain


def content_hash(
    *,
    seq: int,
    created_at: datetime.datetime,
    action: str,
    network_id: int | None,
    actor_id: int | None,
    actor_label: str,
    actor_role: str,
    object_type: str,
    object_id: str,
    details: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 of an entry's canonical JSON, previous hash included (the chain)."""
    payload = {
        "seq": seq,
        "created_at": created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "action": action,
        "network_id": network_id,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "actor_role": actor_role,
        "object_type": object_type,
        "object_id": object_id,
        "details": details,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _entry_hash(entry: JournalEntry) -> str:
    return content_hash(
        seq=entry.seq,
        created_at=entry.created_at,
        action=entry.action,
        network_id=entry.network_id,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        actor_role=entry.actor_role,
        object_type=entry.object_type,
        object_id=entry.object_id,
        details=entry.details,
        prev_hash=entry.prev_hash,
    )


def _take_head() -> JournalHead:
    """Lock the head row (an UPDATE takes the write lock before anything is read)."""
    if JournalHead.objects.filter(pk=1).update(last_seq=F("last_seq")) == 0:
        # After a database flush (tests) the migration's row is gone: write it again.
        JournalHead.objects.get_or_create(pk=1)
        JournalHead.objects.filter(pk=1).update(last_seq=F("last_seq"))
    return JournalHead.objects.get(pk=1)


def record(
    *,
    action: JournalAction | str,
    network=None,
    actor=None,
    actor_role: str = "",
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    details: Mapping[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> JournalEntry:
    """Append one entry. ``actor``: the staff user (None for the system or a visitor's
    own act); ``obj``: a model instance, journaled as its type and id only."""
    if action not in JournalAction.values:
        raise ValueError(f"Unknown journal action {action!r}.")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    plain = _check_details(details or {})
    # Hashed as stored: UTC, to the microsecond (both engines keep microseconds).
    created_at = (at or timezone.now()).astimezone(datetime.UTC)
    with transaction.atomic():
        head = _take_head()
        seq = head.last_seq + 1
        fields = {
            "seq": seq,
            "created_at": created_at,
            "action": str(action),
            "network_id": network.pk if network is not None else None,
            "actor_id": actor.pk if actor is not None else None,
            "actor_label": getattr(actor, "email", "") if actor is not None else "",
            "actor_role": str(actor_role),
            "object_type": object_type,
            "object_id": str(object_id),
            "details": plain,
            "prev_hash": head.last_hash,
        }
        entry = JournalEntry(**fields, hash=content_hash(**fields))
        entry.save()
        JournalHead.objects.filter(pk=1).update(last_seq=seq, last_hash=entry.hash)
    return entry


@dataclass(frozen=True)
class ChainCheck:
    intact: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify(*, batch_size: int = 2000) -> ChainCheck:
    """Walk the chain from its anchor: consecutive numbers, each previous hash, each own
    hash, and the head's end. Names the first entry where it breaks.

    Writers may append while it runs: the walk stops at the head read first, and rows
    past the head's end are looked for in one statement (``record`` moves the head in
    the entry's transaction, so no committed row lies past it). A break found is checked
    by a second walk, which reads the anchor again in case a purge ran meanwhile.

    An intact chain whose anchor (the last entry purged) was written less than
    ``SHORTEST_RETENTION`` ago is reported too: no retention purges that early."""
    check = _walk(batch_size)
    return check if check.intact else _walk(batch_size)


def _walk(batch_size: int) -> ChainCheck:
    head = JournalHead.objects.filter(pk=1).first()
    anchor_seq = head.anchor_seq if head else 0
    last_seq = head.last_seq if head else 0
    last_hash = head.last_hash if head else GENESIS_HASH
    expected_prev = head.anchor_hash if head else GENESIS_HASH
    expected_seq = anchor_seq + 1
    checked = 0
    rows = JournalEntry.objects.filter(seq__lte=last_seq).order_by("seq")
    for entry in rows.iterator(chunk_size=batch_size):
        if entry.seq < expected_seq:
            return ChainCheck(
                False, checked, entry.seq, f"it comes before the chain's start (#{expected_seq})"
            )
        if entry.seq != expected_seq:
            return ChainCheck(
                False,
                checked,
                expected_seq,
                f"entry #{expected_seq} is missing (found #{entry.seq})",
            )
        if entry.prev_hash != expected_prev:
            return ChainCheck(False, checked, entry.seq, "its previous hash does not match")
        if _entry_hash(entry) != entry.hash:
            return ChainCheck(False, checked, entry.seq, "its content does not match its hash")
        checked += 1
        expected_prev = entry.hash
        expected_seq += 1
    if expected_seq - 1 != last_seq:
        return ChainCheck(
            False, checked, expected_seq, f"entries after #{expected_seq - 1} are missing"
        )
    if expected_prev != last_hash:
        return ChainCheck(
            False, checked, last_seq, "its hash is not the one the journal's head recorded"
        )
    head_end = JournalHead.objects.filter(pk=1).values("last_seq")[:1]
    beyond = (
        JournalEntry.objects.filter(seq__gt=Coalesce(Subquery(head_end), Value(0)))
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    if beyond is not None:
        return ChainCheck(
            False, checked, beyond, "it lies past the journal's end: the application never wrote it"
        )
    anchored_at = head.anchor_created_at if head else None
    if anchored_at is not None and anchored_at > timezone.now() - SHORTEST_RETENTION:
        return ChainCheck(
            False,
            checked,
            anchor_seq,
            f"it was purged less than {SHORTEST_RETENTION.days} days after it was written, "
            "before any retention allows",
        )
    return ChainCheck(True, checked)


def purge_before(*, cutoff: datetime.datetime) -> int:
    """Remove the oldest entries written before ``cutoff`` (a prefix of the chain) and
    move the anchor to the last one removed. The only deletion the journal allows.

    On PostgreSQL the database function ``privacy_journal_purge`` does it (migration
    0006): it runs as the tables' owner, and the triggers refuse the same deletion and
    anchor move to a role that does not own them. SQLite has no roles: done here."""
    with transaction.atomic():
        head = _take_head()  # locked, and written again if a flush removed it
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT privacy_journal_purge(%s)", [cutoff])
                return cursor.fetchone()[0]
        last = (
            JournalEntry.objects.filter(created_at__lt=cutoff, seq__lte=head.last_seq)
            .order_by("-seq")
            .values("seq", "hash", "created_at")
            .first()
        )
        if last is None:
            return 0
        table = JournalEntry._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE seq <= %s", [last["seq"]])  # noqa: S608
            removed = cursor.rowcount
        JournalHead.objects.filter(pk=1).update(
            anchor_seq=last["seq"], anchor_hash=last["hash"], anchor_created_at=last["created_at"]
        )
    return removed
