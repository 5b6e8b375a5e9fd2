"""``send_partner_day_lists``: each partner gets tomorrow's bookings, from cron."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aiguillage.agenda.partner_day import send_day_lists


class Command(BaseCommand):
    help = (
        "Send each partner permanence's list of bookings for a day (default: tomorrow) "
        "to the partner's e-mail addresses (the partnership's contacts): time, first name "
        "and démarche, nothing more, with the private link that shows the coming week. "
        "Each list sent is journaled. Run it once a day from cron (see docs/agenda.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="the day of the bookings, YYYY-MM-DD (default: tomorrow)"
        )

    def handle(self, *args, date: str | None, **options):
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        else:
            day = timezone.localdate() + datetime.timedelta(days=1)
        sent = send_day_lists(day=day)
        self.stdout.write(f"partner day lists: {sent} sent for {day.isoformat()}")
