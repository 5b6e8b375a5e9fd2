"""``send_reminders``: the scheduler, run from cron; the worker does the sending."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aiguillage.agenda.services.reminders import schedule_due_reminders


class Command(BaseCommand):
    help = (
        "Queue the reminders that are due: every appointment and workshop registration "
        "starting within HOURS (default REMINDER_HOURS_BEFORE, "
        f"{settings.REMINDER_HOURS_BEFORE}) whose visitor agreed to reminders and has "
        "not had one yet. Each reminder is claimed once, so overlapping runs never send "
        "it twice. The worker (`manage.py db_worker`) sends them. Run it from cron every "
        "15 minutes (see docs/agenda.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help="how long before the start, in hours (1 to 336; default the setting)",
        )

    def handle(self, *args, hours: int | None, **options):
        if hours is not None and not 1 <= hours <= 336:
            raise CommandError("--hours must be between 1 and 336")
        scheduled = schedule_due_reminders(now=timezone.now(), hours_before=hours)
        self.stdout.write(
            f"reminders: {scheduled.appointments} appointments and "
            f"{scheduled.registrations} workshop registrations queued"
        )
