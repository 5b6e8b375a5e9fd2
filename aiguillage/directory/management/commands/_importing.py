"""What every import command shares: options, exit codes, the report on screen."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aiguillage.directory.imports.report import (
    EXIT_STRICT_REJECTED,
    EXIT_UNREADABLE,
    ImportReport,
    UnreadableFile,
)

MAX_ERRORS_SHOWN = 50


class ImportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The file to import (UTF-8).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, then write nothing."
        )
        parser.add_argument(
            "--strict", action="store_true", help="Any bad row rejects the whole file (exit 1)."
        )
        parser.add_argument(
            "--report", type=Path, help="Also write the full report (every bad line) as JSON."
        )

    def run_import(self, options) -> ImportReport:
        raise NotImplementedError

    def handle(self, *args, **options):
        try:
            report = self.run_import(options)
        except UnreadableFile as exc:
            raise CommandError(f"{exc}. Nothing was written.", returncode=EXIT_UNREADABLE) from exc
        for error in report.errors[:MAX_ERRORS_SHOWN]:
            self.stderr.write(str(error))
        if len(report.errors) > MAX_ERRORS_SHOWN:
            more = len(report.errors) - MAX_ERRORS_SHOWN
            self.stderr.write(f"... and {more} more bad lines (see --report)")
        for warning in report.warnings[:MAX_ERRORS_SHOWN]:
            self.stderr.write(str(warning))
        if len(report.warnings) > MAX_ERRORS_SHOWN:
            more = len(report.warnings) - MAX_ERRORS_SHOWN
            self.stderr.write(f"... and {more} more warnings (see --report)")
        for note in report.notes:
            self.stderr.write(f"note: {note}")
        if options.get("report"):
            report.write_json(options["report"])
        self.stdout.write(report.summary_line())
        if options["strict"] and report.errors:
            sys.stdout.flush()
            raise CommandError(
                f"--strict: {len(report.errors)} bad row(s), nothing was written.",
                returncode=EXIT_STRICT_REJECTED,
            )
