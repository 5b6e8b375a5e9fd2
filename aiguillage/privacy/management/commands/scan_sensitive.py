"""``python manage.py scan_sensitive``: the sensitive-data guard on standard input.

    echo "mdp : Soleil2024!" | python manage.py scan_sensitive
    [{"kind": "password", "start": 6, "end": 17, "severity": "refuse"}]

For scripts and checks of existing data (an export of notes, a CSV column): the
findings go to standard output as JSON, positions in characters (Unicode code points)
of the text as read, never the values themselves; a one-line summary goes to standard
error. The exit status is 0 whatever is found: the JSON is the answer.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from django.core.management.base import BaseCommand

from aiguillage.privacy.sensitive import scan


class Command(BaseCommand):
    help = (
        "Read a text on standard input and print the sensitive data found in it as JSON: "
        '[{"kind", "start", "end", "severity"}], positions in characters, never the '
        "values. Kinds: nir, fiscal_number, iban, card_number, passport, id_card, password, "
        "login, email, phone (refused) and health (a warning). Exit 0."
    )
    requires_system_checks = []  # reads no database: fast in a pipe
    stealth_options = ("stdin",)  # call_command(..., stdin=StringIO(...)) in tests

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-contact",
            action="store_true",
            help=(
                "Let e-mail addresses and phone numbers through, as for a field whose "
                "purpose is a contact (a structure's description)."
            ),
        )

    def handle(self, *args, allow_contact: bool = False, **options) -> None:
        source = options.get("stdin") or sys.stdin
        raw = source.buffer.read() if hasattr(source, "buffer") else source.read()
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        findings = scan(text, allow_contact=allow_contact)
        self.stdout.write(
            json.dumps(
                [
                    {"kind": f.kind, "start": f.start, "end": f.end, "severity": f.severity}
                    for f in findings
                ]
            )
        )
        if options.get("verbosity", 1) >= 1:
            kinds = Counter(str(f.kind) for f in findings)
            detail = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
            self.stderr.write(
                f"scan_sensitive: {len(findings)} finding(s) in {len(text)} characters"
                + (f" ({detail})" if detail else ""),
                style_func=lambda line: line,
            )
