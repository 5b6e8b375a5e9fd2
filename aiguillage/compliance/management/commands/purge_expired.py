"""``python manage.py purge_expired``: forget on schedule, tell before.

Run it daily (cron or a systemd timer, see docs/retention.md). It sends the notices
(staff about to be deactivated, coordinators of expiring Aidants Connect
habilitations), then anonymises, deletes and deactivates what has expired under each
network's retention settings, purges the audit journal's oldest entries and writes
one journal entry with the counts. ``--dry-run`` writes nothing and sends nothing.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from aiguillage.compliance.retention import purge_expired
from aiguillage.core.models import Network


def _moment(raw: str) -> datetime.datetime:
    """An ISO date or date-time; naive values are in the instance's time zone."""
    moment = parse_datetime(raw)
    if moment is None:
        day = parse_date(raw)
        if day is None:
            raise CommandError(f"--at: not an ISO date or date-time: {raw!r}")
        moment = datetime.datetime.combine(day, datetime.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Purge what has expired under each network's retention settings: contact data of "
        "appointments and workshop registrations (anonymised, the booking kept), cancelled "
        "bookings (deleted), the audit journal's oldest entries (the longest retention of "
        "all networks), staff memberships without a login for too long (deactivated, the "
        "person told beforehand); coordinators are told of Aidants Connect habilitations "
        "ending within 30 days. Prints the counts per category on one line and writes one "
        "journal entry (unless --dry-run). Idempotent: a second run purges nothing. Run it "
        "daily (see docs/retention.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be purged and told; write nothing, send nothing.",
        )
        parser.add_argument(
            "--network",
            metavar="SLUG",
            help=(
                "Only this network (its bookings, staff and notices). The audit journal, one "
                "chain for all networks, is then left alone."
            ),
        )
        parser.add_argument(
            "--at",
            metavar="ISO",
            help=(
                "Judge expiry at this moment instead of now (ISO date or date-time, local "
                "time unless an offset is given). A moment in the future needs --dry-run."
            ),
        )

    def handle(self, *args, dry_run: bool, network: str | None, at: str | None, **options):
        moment = _moment(at) if at else timezone.now()
        if moment > timezone.now() and not dry_run:
            raise CommandError(
                "--at in the future would purge data before its time: add --dry-run to preview."
            )
        chosen = None
        if network:
            chosen = Network.objects.filter(slug=network).first()
            if chosen is None:
                raise CommandError(f"No network {network!r}.")
        counts = purge_expired(at=moment, network=chosen, dry_run=dry_run)
        prefix = "dry run, nothing written: would purge " if dry_run else ""
        self.stdout.write(f"{prefix}{counts.summary()}")
