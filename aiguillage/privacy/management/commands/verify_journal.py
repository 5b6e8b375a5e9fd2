"""``python manage.py verify_journal``: is the audit journal as the application wrote it?

Run it from cron (daily, say) and alert on a non-zero exit: it walks the whole hash
chain from its anchor and names the first entry that was changed, removed or added
behind the application's back (raw SQL, a restored dump, a hand-edited row), and the
anchor itself when the purge removed entries younger than any retention allows.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalEntry, JournalHead

EXIT_BROKEN = 1


class Command(BaseCommand):
    help = (
        "Check the audit journal's hash chain from its anchor to its head. Exit 0 and "
        "print 'Journal intact: N entries checked.' when every entry is as the "
        "application wrote it; exit 1 naming the first broken entry (its number and "
        "why) after any change, removal or insertion made behind the application's back, "
        "or a purge of entries younger than the shortest journal retention (183 days)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Entries read per database round trip (default 2000).",
        )
        parser.add_argument(
            "--show-head",
            action="store_true",
            help=(
                "Also print the head (last entry's number and hash) on a second line: keep "
                "it outside the database, and give it to --expect-head next time."
            ),
        )
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help=(
                "A head printed earlier by --show-head: fail unless that entry is still in "
                "the chain with that hash (or was purged since). Catches a tail removed "
                "together with the head row rewound, which the chain alone cannot."
            ),
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more.")
        expected = _parse_head(options["expect_head"]) if options["expect_head"] else None
        check = journal.verify(batch_size=options["batch_size"])
        if check.intact and expected is not None:
            check = _still_there(*expected, checked=check.checked)
        if not check.intact:
            raise CommandError(
                f"Journal broken at entry #{check.first_broken_seq}: {check.reason} "
                f"({check.checked} entries checked before it).",
                returncode=EXIT_BROKEN,
            )
        self.stdout.write(f"Journal intact: {check.checked} entries checked.")
        if options["show_head"]:
            head = JournalHead.objects.filter(pk=1).first()
            if head is not None:
                self.stdout.write(f"Head: #{head.last_seq} {head.last_hash}")


def _parse_head(raw: str) -> tuple[int, str]:
    seq, _, digest = raw.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError("--expect-head takes SEQ:HASH as printed by --show-head.")
    return int(seq), digest.lower()


def _still_there(seq: int, digest: str, *, checked: int) -> journal.ChainCheck:
    """The chain is intact; is the entry a former head named still part of it?"""
    head = JournalHead.objects.filter(pk=1).first()
    anchor_seq = head.anchor_seq if head else 0
    if seq < anchor_seq or seq == 0:
        return journal.ChainCheck(True, checked)  # purged since: nothing left to compare
    if seq == anchor_seq:
        found = head.anchor_hash
    else:
        found = JournalEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if found is None:
        return journal.ChainCheck(
            False, checked, seq, "it was the head before and is no longer in the journal"
        )
    if found != digest:
        return journal.ChainCheck(
            False, checked, seq, "it was the head before and its hash has changed since"
        )
    return journal.ChainCheck(True, checked)
