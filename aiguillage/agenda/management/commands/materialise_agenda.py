"""``materialise_agenda``: keep every permanence's dates and slots ready ahead."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aiguillage.agenda.services.permanences import WINDOW_DAYS, materialise_all


class Command(BaseCommand):
    help = (
        "Create the missing dates and bookable slots of every active permanence, up to "
        f"DAYS ahead (default {WINDOW_DAYS}). Safe to run as often as wanted: existing "
        "dates, their bookings and cancelled dates are left as they are. Run it daily "
        "from cron (see docs/agenda.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=WINDOW_DAYS,
            help=f"how far ahead, in days (1 to 730; default {WINDOW_DAYS})",
        )

    def handle(self, *args, days: int, **options):
        if not 1 <= days <= 730:
            raise CommandError("--days must be between 1 and 730")
        today = timezone.localdate()
        created = materialise_all(today=today, window_days=days)
        self.stdout.write(f"agenda: {created} new dates materialised up to {days} days ahead")
