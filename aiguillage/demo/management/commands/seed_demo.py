from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aiguillage.demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Create or refresh the demo library network (sites, staff of every role, "
        "partner structures of its territory). Idempotent. Prints the demo logins, "
        "one per line as 'ROLE EMAIL PASSWORD', then a summary line. Refuses to run "
        "on a production instance unless --allow-production is given, because the "
        "demo accounts share a published password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load the demo even though AIGUILLAGE_ENV is not 'dev' (a public demo server).",
        )
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo logins."
        )

    def handle(self, *args, allow_production=False, quiet_logins=False, **options):
        if not settings.DEV and not allow_production:
            raise CommandError(
                "Refusing to load demo accounts with a published password on a production "
                "instance. Use AIGUILLAGE_ENV=dev, or --allow-production for a demo server."
            )
        summary = seed_demo(today=timezone.localdate())
        if not quiet_logins:
            for role, email, password in summary.logins:
                self.stdout.write(f"{role} {email} {password}")
        self.stdout.write(
            f"Demo network '{summary.network.slug}': {summary.created} created, "
            f"{summary.updated} updated, {summary.unchanged} unchanged."
        )
