"""``reset_two_factor``: remove a staff member's authenticator and recovery codes."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from aiguillage.accounts.models import Membership, Role, User
from aiguillage.accounts.two_factor import remove_two_factor


class Command(BaseCommand):
    help = (
        "Remove the two-factor authentication (authenticator and recovery codes) of the "
        "account EMAIL, for a staff member who lost their phone and their recovery "
        "codes. At their next staff page they enrol a new phone (if their role requires "
        "it). Name the coordinator who asked with --by: they must coordinate a network "
        "the member belongs to. Journaled (OTP_DEVICE_REMOVED) in the member's networks."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the staff member's login e-mail address")
        parser.add_argument(
            "--by",
            metavar="COORDINATOR_EMAIL",
            default=None,
            help="the login of the coordinator who asked for the reset (recommended: "
            "recorded as the author in the journal)",
        )

    def handle(self, *args, email: str, by: str | None, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError("No account has this e-mail address.")
        coordinator = None
        if by is not None:
            coordinator = User.objects.filter(email__iexact=by.strip(), is_active=True).first()
            member_of = Membership.objects.active().filter(user=user).values("network_id")
            coordinates = (
                coordinator is not None
                and Membership.objects.active()
                .filter(user=coordinator, role=Role.COORDINATOR, network_id__in=member_of)
                .exists()
            )
            if not coordinates:
                raise CommandError(
                    "--by must be an active coordinator of a network the member belongs to."
                )
        removed = remove_two_factor(user=user, actor=coordinator, via="command")
        if removed == 0:
            self.stdout.write("reset_two_factor: no two-factor device on this account")
            return
        self.stdout.write(
            f"reset_two_factor: {removed} device(s) removed; the account enrols again at its "
            "next staff page"
        )
