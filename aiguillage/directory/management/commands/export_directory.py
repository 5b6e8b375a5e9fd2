"""``export_directory``: publish the directory (or a network's libraries) as open data."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from aiguillage.core.models import Network
from aiguillage.directory.exports.directory import FORMATS, export_directory
from aiguillage.directory.exports.report import ExportReport

STDOUT = "-"
MAX_LEFT_OUT_SHOWN = 100
COPY_CHUNK = 1 << 16


EXAMPLES = """\
examples:
  # the whole directory, for the national map of digital-inclusion places
  manage.py export_directory --format lieux-mediation-numerique lieux.csv
  # a network's partners and its own libraries, as data·inclusion JSON
  manage.py export_directory --format data-inclusion --network mon-reseau di.json
  # only the network's libraries, on standard output
  manage.py export_directory --format data-inclusion --network mon-reseau \\
      --only-own-sites - | jq '.structures | length'

See docs/exports.md for the mapping of each column and field.
"""


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the description's paragraphs and the examples as written."""


class Command(BaseCommand):
    help = """\
Export the territorial directory in an open-data standard, in the formats that
import_directory reads:
  lieux-mediation-numerique  standard des lieux de médiation numérique v1.0.2
                             (CSV, comma separated, | between list values)
  data-inclusion             data·inclusion v1 as JSON:
                             {"structures": [...], "services": [...]}

What is exported: every active structure, once per place. --network restricts
to the places the network works with (partnership active or paused) plus its
own public sites; --only-own-sites exports its sites alone, so that a library
network can publish itself on the national maps.

A row the standard would refuse (no SIRET/RNA pivot, no address, no
postcode...) is left out and named on stderr; an optional value it would
refuse is left empty and counted. A one-line summary goes to stderr, so that
standard output holds only the file when OUT is -. The file is written whole
or not at all; exit 1 when nothing could be exported."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs.setdefault("epilog", EXAMPLES)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "out", metavar="OUT", help="The file to write (UTF-8), or - for standard output."
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            required=True,
            help="lieux-mediation-numerique (CSV) or data-inclusion (JSON).",
        )
        parser.add_argument(
            "--network",
            metavar="SLUG",
            help="Only the places this network works with (partnership active or paused) "
            "and its own public sites.",
        )
        parser.add_argument(
            "--only-own-sites",
            action="store_true",
            help="With --network: only the network's own public sites (its libraries).",
        )

    def handle(self, *args, **options):
        network = self._network(options)
        target = options["out"]
        # The file is written aside first: a failed or empty export leaves nothing
        # half-written, and standard output receives a whole file or nothing.
        if target == STDOUT:
            with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as out:
                self._export(out, network=network, options=options)
                self._copy_to_stdout(out)
            return
        path = Path(target)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            with partial.open("w", encoding="utf-8", newline="") as out:
                self._export(out, network=network, options=options)
            os.replace(partial, path)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from exc
        finally:
            partial.unlink(missing_ok=True)

    def _export(self, out: TextIO, *, network: Network | None, options) -> ExportReport:
        report = export_directory(
            file_format=options["format"],
            out=out,
            network=network,
            only_own_sites=options["only_own_sites"],
        )
        self._show(report)
        if report.exported == 0 and report.left_out:
            raise CommandError("nothing could be exported: every row was left out (see above).")
        return report

    def _network(self, options) -> Network | None:
        slug = options["network"]
        if options["only_own_sites"] and not slug:
            raise CommandError("--only-own-sites needs --network SLUG: whose sites to export?")
        if not slug:
            return None
        network = Network.objects.filter(slug=slug).first()
        if network is None:
            raise CommandError(f"no network with the slug {slug!r}")
        if not network.is_active:
            raise CommandError(f"the network {slug!r} is inactive: it publishes nothing")
        return network

    def _show(self, report: ExportReport) -> None:
        for item in report.left_out[:MAX_LEFT_OUT_SHOWN]:
            self.stderr.write(str(item))
        if len(report.left_out) > MAX_LEFT_OUT_SHOWN:
            more = len(report.left_out) - MAX_LEFT_OUT_SHOWN
            self.stderr.write(f"... and {more} more left out")
        for note in report.notes():
            self.stderr.write(f"note: {note}")
        self.stderr.write(report.summary_line())

    def _copy_to_stdout(self, out: TextIO) -> None:
        """The whole file, as UTF-8 bytes when stdout is a real stream (whatever the locale)."""
        out.flush()
        binary = getattr(self.stdout, "buffer", None)
        if binary is not None:
            self.stdout.flush()
            out.buffer.seek(0)
            shutil.copyfileobj(out.buffer, binary)
            binary.flush()
            return
        out.seek(0)
        while chunk := out.read(COPY_CHUNK):
            self.stdout.write(chunk, ending="")
