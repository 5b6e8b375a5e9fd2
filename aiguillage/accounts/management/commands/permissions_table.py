"""``permissions_table``: the permission table as Markdown, for docs/permissions.md.

The documentation's table is this command's output between two markers, so that it
can be checked (``--check``, and a test does) rather than trusted to be kept in step.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aiguillage.accounts.permissions import PERMISSIONS, markdown_table

BEGIN = "<!-- permissions_table: begin -->"
END = "<!-- permissions_table: end -->"


def documented_table(text: str) -> str | None:
    """The table between the markers of a Markdown text (None without markers)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return None
    return text[start + len(BEGIN) : end].strip("\n") + "\n"


class Command(BaseCommand):
    help = (
        "Print the permission table (aiguillage/core/permissions.py) as a Markdown table: "
        "one row per action, one column per role. Paste it into docs/permissions.md "
        f"between the lines '{BEGIN}' and '{END}'. With --check FILE, print nothing but "
        "the summary and exit 1 when the table in FILE is not the current one. The "
        "summary line goes to standard error."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            metavar="FILE",
            help="A Markdown file holding the table between the markers (docs/permissions.md).",
        )

    def handle(self, *args, check: str | None = None, **options):
        table = markdown_table()
        summary = f"{len(PERMISSIONS)} actions."
        if check is None:
            self.stdout.write(table, ending="")
            self.stderr.write(summary)
            return
        path = Path(check)
        try:
            documented = documented_table(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        if documented is None:
            raise CommandError(f"{path} has no '{BEGIN}' ... '{END}' block.")
        if documented != table:
            raise CommandError(
                f"The table in {path} is out of date: run 'manage.py permissions_table' "
                "and paste its output between the markers."
            )
        self.stderr.write(f"{summary} The table in {path} is up to date.")
