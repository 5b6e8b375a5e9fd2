"""Reading the CSV files people actually have: UTF-8 (with or without BOM), comma or
semicolon, column names in several spellings. Anything else is refused whole."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from aiguillage.directory.imports.report import UnreadableFile

DELIMITERS = ",;\t"
# The longest field a file may hold. csv's limit is one setting for the whole process,
# and other libraries raise it when imported (frictionless does): set again per file.
FIELD_SIZE_LIMIT = 1_000_000


@dataclass(frozen=True)
class Table:
    columns: dict[str, str]  # canonical name -> column name in the file
    rows: Iterator[tuple[int, dict[str, str]]]  # (line number, canonical name -> value)


HEAD_BYTES = 64 * 1024  # enough to tell a format from its header, and a binary file


def _not_utf8(name: str, where: str) -> UnreadableFile:
    return UnreadableFile(
        f"{name} is not UTF-8 ({where}); re-save it as UTF-8 "
        "(in LibreOffice: Save as, CSV, character set Unicode UTF-8)"
    )


def _binary(name: str) -> UnreadableFile:
    # No text file holds NUL (and PostgreSQL refuses it in text).
    return UnreadableFile(f"{name} is a binary file, not a UTF-8 text file")


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise UnreadableFile(f"cannot read {path}: {exc.strerror}") from exc


def _decode(raw: bytes, name: str, *, final: bool) -> str:
    if b"\x00" in raw:
        raise _binary(name)
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=final)
    except UnicodeDecodeError as exc:
        raise _not_utf8(name, f"byte {exc.start}") from exc


def read_head(path: Path) -> str:
    """The start of a file, decoded: what telling its format needs, read first so
    that a binary or non-UTF-8 file is refused before anything else is done."""
    with _open(path) as handle:
        # A character cut at the end of the head is not an error (final=False).
        return _decode(handle.read(HEAD_BYTES), path.name, final=False)


def read_text(path: Path) -> str:
    """A whole UTF-8 file (JSON documents are parsed whole)."""
    with _open(path) as handle:
        return _decode(handle.read(), path.name, final=True)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV header line (comma, semicolon or tab); comma if unsure."""
    try:
        return csv.Sniffer().sniff(header_line.rstrip("\r\n"), delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


@contextmanager
def open_lines(path: Path) -> Iterator[Iterator[str]]:
    """The lines of a UTF-8 text file, decoded as they are read.

    A national file is 70 MiB; holding it whole, decoded, was most of an import's
    memory. A decoding error or a NUL met on the way stops the import the same way
    as at the start: the caller's transaction has written nothing yet that stays.
    """
    read_head(path)
    with io.TextIOWrapper(_open(path), encoding="utf-8-sig", newline="") as text:
        yield _checked_lines(text, path.name)


def _checked_lines(text: io.TextIOWrapper, name: str) -> Iterator[str]:
    count = 0
    while True:
        try:
            line = text.readline()
        except UnicodeDecodeError as exc:
            raise _not_utf8(name, f"after line {count}") from exc
        if not line:
            return
        if "\x00" in line:
            raise _binary(name)
        count += 1
        yield line


def open_table(
    lines: Iterator[str],
    *,
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str],
    name: str,
) -> Table:
    """Map the file's header to canonical names; refuse it when a required one is missing."""
    lines = iter(lines)
    first_line = next(lines, "")
    if not first_line.strip():
        raise UnreadableFile(f"{name} is empty")
    delimiter = sniff_delimiter(first_line)
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    reader = csv.reader(itertools.chain([first_line], lines), delimiter=delimiter, strict=True)
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
