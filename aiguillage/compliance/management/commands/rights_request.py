"""``python manage.py rights_request``: answer a person's access or erasure request.

The same services as the coordinators' page (``aiguillage.compliance.rights``), for an
operator or the data protection officer working from a shell: export everything a
network holds for an e-mail or a phone as JSON, or erase it. Each act is journaled
(origin "command", counts only). The summary line never repeats the contact, since a
command's output often ends up in a log.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from aiguillage.compliance import rights
from aiguillage.compliance.rights import NothingHeld, Requester
from aiguillage.core.models import Network


def _rows(counts: dict[str, int]) -> str:
    return f"{counts['appointments']} appointment(s), {counts['registrations']} registration(s)"


class Command(BaseCommand):
    help = (
        "Answer a person's request about their data in one network, found by the e-mail "
        "or the phone they booked with (normalised like a booking's contact key). "
        "--export FILE writes everything held as JSON (FILE '-' for standard output; an "
        "existing file is never overwritten; the file is readable by its owner only). "
        "--erase cancels the bookings still to come (the seats are freed, a workshop's "
        "first person waiting is promoted and told), then anonymises every booking found, "
        "as the retention purge does. Both are journaled with counts, never the contact. "
        "Prints a one-line summary; exit 0 also when nothing is held."
    )

    def add_arguments(self, parser):
        parser.add_argument("--network", required=True, metavar="SLUG", help="The network.")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--email", metavar="E", help="The e-mail address given to book.")
        who.add_argument("--phone", metavar="P", help="The phone number given to book.")
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument(
            "--export", metavar="FILE", help="Write the JSON export to FILE ('-': stdout)."
        )
        what.add_argument("--erase", action="store_true", help="Erase what the network holds.")

    def handle(self, *args, **options):
        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"No network with the slug {options['network']!r}.")
        try:
            key = rights.contact_key_of(email=options["email"] or "", phone=options["phone"] or "")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if options["erase"]:
            self._erase(network, key)
        else:
            self._export(network, key, options["export"])

    def _export(self, network: Network, key: str, target: str) -> None:
        path = None if target == "-" else Path(target)
        if path is not None and path.exists():
            raise CommandError(f"{path} exists already: choose another file.")
        found = rights.access(
            network=network, contact_key=key, origin=Requester.COMMAND, kind="export"
        )
        if found.empty:
            self.stdout.write(f"Nothing held for this contact in {network.slug}: no file written.")
            return
        body = json.dumps(rights.as_json(found), ensure_ascii=False, indent=2) + "\n"
        if path is None:
            self.stdout.write(body, ending="")
            self.stderr.write(f"Exported {_rows(found.counts())} of {network.slug}.")
            return
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(body)
        self.stdout.write(f"Exported {_rows(found.counts())} of {network.slug} to {path}.")

    def _erase(self, network: Network, key: str) -> None:
        try:
            erased = rights.erase(network=network, contact_key=key, origin=Requester.COMMAND)
        except NothingHeld:
            self.stdout.write(f"Nothing held for this contact in {network.slug}: nothing erased.")
            return
        counts = erased.counts()
        self.stdout.write(
            f"Erased {_rows(counts)} of {network.slug}; "
            f"{counts['appointments_cancelled'] + counts['registrations_cancelled']} still to "
            f"come cancelled, {counts['promoted']} person(s) promoted from a waiting list."
        )
