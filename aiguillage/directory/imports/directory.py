"""Import a directory file (lieux standard, data·inclusion, France services) in one go.

Recognise the format, parse and check every row, write in one transaction, retire
what the source no longer lists, link places known from two sources. A dry run (and
``strict`` with a bad row) does all of that, then rolls back: its report is exactly
what a real run would do.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from aiguillage.directory.imports import data_inclusion, france_services, lieux
from aiguillage.directory.imports.engine import (
    BatchWriter,
    chunks,
    link_same_places,
    refresh_from_services,
)
from aiguillage.directory.imports.places import parse_places
from aiguillage.directory.imports.report import ImportReport, UnreadableFile
from aiguillage.directory.imports.tabular import (
    open_lines,
    read_head,
    read_text,
    sniff_delimiter,
)
from aiguillage.directory.models import Service, Structure
from aiguillage.directory.needs import load_need_mapping
from aiguillage.privacy import journal
from aiguillage.privacy.models.journal import JournalAction

AUTO = "auto"
FORMATS = (AUTO, lieux.FORMAT, data_inclusion.FORMAT, france_services.FORMAT)
DEFAULT_SOURCES = {
    lieux.FORMAT: "lieux-mediation-numerique",
    data_inclusion.FORMAT: "data-inclusion",
    france_services.FORMAT: "france-services",
}
MAX_SOURCE_LENGTH = 60


def detect_format(head: str, *, name: str) -> str:
    """Which standard a file follows, from its first character or its header."""
    start = head.lstrip()[:1]
    if start in ("[", "{"):
        return data_inclusion.FORMAT
    first_line = head.split("\n", 1)[0].rstrip("\r")
    delimiter = sniff_delimiter(first_line)
    header = {h.strip().lower() for h in next(csv.reader([first_line], delimiter=delimiter), [])}
    if header >= france_services.SIGNATURE:
        return france_services.FORMAT
    if header >= lieux.SIGNATURE:
        return lieux.FORMAT
    shown = ", ".join(sorted(header)[:8])
    raise UnreadableFile(
        f"{name}: not a file of a known directory standard (columns: {shown}); "
        f"choose the format with --format ({', '.join(FORMATS[1:])})"
    )


def import_directory(
    path: Path,
    *,
    file_format: str = AUTO,
    source: str = "",
    dry_run: bool = False,
    strict: bool = False,
    actor=None,
    actor_role: str = "",
    network=None,
) -> ImportReport:
    """``actor`` and ``network``: the coordinator importing from the web (None from a
    command); a written import is journaled in its own transaction."""
    if file_format not in FORMATS:
        raise UnreadableFile(f"unknown format {file_format!r}; one of {', '.join(FORMATS)}")
    head = read_head(path)
    if not head.strip():
        raise UnreadableFile(f"{path.name} is empty")
    if file_format == AUTO:
        file_format = detect_format(head, name=path.name)
    source = (source or DEFAULT_SOURCES[file_format]).strip()
    if not source or len(source) > MAX_SOURCE_LENGTH:
        raise UnreadableFile(f"the source name must have 1 to {MAX_SOURCE_LENGTH} characters")
    report = ImportReport(source=source, dry_run=dry_run)
    with transaction.atomic():
        if file_format == data_inclusion.FORMAT:
            text = read_text(path)
            _import_data_inclusion(text, name=path.name, source=source, report=report)
        else:
            module = lieux if file_format == lieux.FORMAT else france_services
            with open_lines(path) as lines:
                _import_places(module, lines, name=path.name, source=source, report=report)
        report.errors.sort(key=lambda error: error.line)  # stable: a row's errors keep order
        report.warnings.sort(key=lambda warning: warning.line)
        report.skipped = len(report.errors)
        if dry_run or (strict and report.errors):
            transaction.set_rollback(True)
        else:
            report.committed = True
            journal_import(report, file_format, actor=actor, actor_role=actor_role, network=network)
    return report


def journal_import(report: ImportReport, kind: str, *, actor, actor_role: str, network) -> None:
    """The journal entry of a written import: its source, kind and counts."""
    journal.record(
        action=JournalAction.IMPORT,
        network=network,
        actor=actor,
        actor_role=actor_role,
        details={
            "source": report.source,
            "format": kind,
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "inactive": report.inactive,
            "skipped": report.skipped,
        },
    )


def _import_places(
    module, lines: Iterable[str], *, name: str, source: str, report: ImportReport
) -> None:
    mapping = load_need_mapping()
    writer = BatchWriter(
        Structure, source, report, mapping, fields=module.FIELDS, id_field=module.ID_COLUMN
    )
    for record in parse_places(
        lines,
        name=name,
        columns=module.COLUMNS,
        required=module.REQUIRED,
        id_column=module.ID_COLUMN,
        clean_row=module.clean_row,
        report=report,
        mapping=mapping,
        seen=writer.mark_seen,
    ):
        writer.add(record)
    writer.flush()
    if report.rows == 0:
        raise UnreadableFile(f"{name} has a header but no rows")
    writer.retire_absent()
    _note_links(report, link_same_places(writer.touched + writer.freed))


def _import_data_inclusion(text: str, *, name: str, source: str, report: ImportReport) -> None:
    document = data_inclusion.load(text, name=name)
    mapping = load_need_mapping()
    if document.structures:
        writer = BatchWriter(
            Structure, source, report, mapping, fields=data_inclusion.STRUCTURE_FIELDS, unit="item"
        )
        for record in data_inclusion.parse_items(
            document.structures, kind="structure", report=report, seen=writer.mark_seen
        ):
            writer.add(record)
        writer.flush()
        writer.retire_absent()
        refresh_from_services(writer.touched, mapping)
        _note_links(report, link_same_places(writer.touched + writer.freed))
    if document.services:
        services = BatchWriter(
            Service, source, report, mapping, fields=data_inclusion.SERVICE_FIELDS, unit="item"
        )
        for record in data_inclusion.parse_items(
            document.services, kind="service", report=report, seen=services.mark_seen
        ):
            services.add(record)
        services.flush()
        changed = services.touched + services.retire_absent()
        affected = set()
        for chunk in chunks(changed):
            affected |= set(
                Service.objects.filter(pk__in=chunk).values_list("structure_id", flat=True)
            )
        refresh_from_services(affected | services.left, mapping)
    if report.rows == 0:
        raise UnreadableFile(f"{name} holds no items")


def _note_links(report: ImportReport, changed: int) -> None:
    if changed:
        report.notes.append(
            f"{changed} places linked to (or unlinked from) the same place in another source"
        )
