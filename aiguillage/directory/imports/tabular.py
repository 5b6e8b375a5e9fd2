"""Reading the CSV files people actually have: UTF-8 (with or without BOM), comma or
semicolon, column names in several spellings. Anything else is refused whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiguillage.directory.imports.report import UnreadableFile

DELIMITERS = ",;\t"
csv.field_size_limit(1_000_000)


@dataclass(frozen=True)
class Table:
    columns: dict[str, str]  # canonical name -> column name in the file
    rows: Iterator[tuple[int, dict[str, str]]]  # (line number, canonical name -> value)


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read {path}: {exc.strerror}") from exc
    if b"\x00" in raw:  # no text file holds NUL (and PostgreSQL refuses it in text)
        raise UnreadableFile(f"{path.name} is a binary file, not a UTF-8 text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"{path.name} is not UTF-8 (byte {exc.start}); re-save it as UTF-8 "
            "(in LibreOffice: Save as, CSV, character set Unicode UTF-8)"
        ) from exc


def open_table(
    text: str,
    *,
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str],
    name: str,
) -> Table:
    """Map the file's header to canonical names; refuse it when a required one is missing."""
    if not text.strip():
        raise UnreadableFile(f"{name} is empty")
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise UnreadableFile(f"{name}: the header line is not CSV ({exc})") from exc
    lowered = {h.lower(): h for h in header}
    columns: dict[str, str] = {}
    for canonical, spellings in aliases.items():
        for spelling in (canonical, *spellings):
            if spelling.lower() in lowered:
                columns[canonical] = lowered[spelling.lower()]
                break
    missing = [c for c in required if c not in columns]
    if missing:
        expected = "; ".join(
            f"{c} (or {', '.join(aliases.get(c, ()))})" if aliases.get(c) else c for c in missing
        )
        raise UnreadableFile(f"{name}: missing required column(s): {expected}")
    index = {canonical: header.index(column) for canonical, column in columns.items()}
    return Table(columns=columns, rows=_rows(reader, index, len(header), name))


def _rows(reader, index: dict[str, int], width: int, name: str):
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableFile(
                f"{name}: line {reader.line_num} is not valid CSV ({exc})"
            ) from exc
        if not any(v.strip() for v in values):
            continue
        if len(values) != width:
            # The cells that are there still tell which row it was (its id, usually).
            partial = {c: values[i].strip() for c, i in index.items() if i < len(values)}
            partial["__width__"] = f"{len(values)} fields instead of {width}"
            yield reader.line_num, partial
            continue
        yield reader.line_num, {c: values[i].strip() for c, i in index.items()}
