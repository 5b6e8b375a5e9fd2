"""The importers with generated files: the lieux-de-médiation-numérique CSV, the France
services list, data·inclusion JSON and the communes CSV.

Each example writes a file of good rows mixed with rows that carry one certain defect
(each known by its line), in a random dialect (comma, semicolon or tab; BOM or not;
CRLF or LF; quoted cells holding the delimiter, quotes and line breaks; formula-like
cells), or a file that cannot be read at all (another encoding, a NUL byte, a missing
required column, broken quoting, nothing but a header). Properties:

- nothing but a report or ``UnreadableFile`` ever comes out (no crash);
- an unreadable file, a dry run and a strict run with a bad row write nothing;
- every bad line is named with its line number, and only lines of the file are named;
- a dry run reports exactly what the real run then does (all or nothing per file:
  the good rows are written, the bad ones are not, in one transaction);
- what is stored is clean: ASCII five-digit postcodes, INSEE codes, the names as given.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from aiguillage.directory.imports import france_services, lieux
from aiguillage.directory.imports.communes import import_communes
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.imports.report import UnreadableFile
from aiguillage.directory.models import Commune, Structure
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.harness import assert_unchanged, fingerprint, rolled_back
from tests.fuzz.strategies import french_text, nasty_text

pytestmark = pytest.mark.django_db

IMPORTS = fuzz_settings(0.6)
SOURCE = "fuzz"
POSTCODE = re.compile(r"[0-9]{5}", re.ASCII)
INSEE = re.compile(r"(?:[013-9][0-9]|2[AB1-9])[0-9]{3}", re.ASCII)
COMMUNES = ("34142", "34154", "34057", "2A004", "97411", "75056", "01001")


@dataclass
class Row:
    cells: dict[str, str]
    defect: str = ""  # "" for a good row; else why it must be refused
    key: str = ""  # the row's id (directory) or INSEE code (communes)


@dataclass
class Spec:
    """A generated file: its rows, how it is written, and what it must give."""

    kind: str  # lieux, france-services, communes
    columns: list[str]
    rows: list[Row]
    delimiter: str = ","
    bom: bool = False
    crlf: bool = False
    unreadable: str = ""  # why the whole file must be refused
    extra: dict = field(default_factory=dict)


# --- rows --------------------------------------------------------------------------------


def _cell_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Text a producer puts in a cell: plain words, or quotes, delimiters, line breaks
    and formula-like values that the CSV quoting must carry."""
    return st.one_of(
        french_text(max_size),
        st.sampled_from(
            [
                '=HYPERLINK("http://x";"x")',
                "+33 (0)4, poste 12",
                "@SUM(A1)",
                "-2+3",
                'Dit "la Poste"',
                "a;b,c\td",
                "ligne 1\nligne 2",
                "Émile-Zola  ",
            ]
        ),
    )


def _wild_text(max_size: int) -> st.SearchStrategy[str]:
    """Any text a free-text cell may hold, but NUL (a NUL makes the file binary) and a
    lone carriage return (a line break of its own, which would shift the line count of
    this test, not of the importer)."""
    return nasty_text(max_size).map(lambda t: t.replace("\x00", "").replace("\r", ""))


@st.composite
def lieux_row(draw, index: int) -> Row:
    key = f"lieu-{index}"
    cells = {
        "id": key,
        "pivot": draw(st.sampled_from(["00000000000000", "43493312300029", "W343001234"])),
        "nom": draw(_cell_text(100)),
        "commune": draw(french_text(50)),
        "code_postal": draw(st.sampled_from(["34700", "34520", "2000", "75001"])),
        "code_insee": draw(st.sampled_from(["", *COMMUNES])),
        "adresse": draw(_cell_text(100)),
        "complement_adresse": draw(st.one_of(st.just(""), _cell_text(80))),
        "latitude": "",
        "longitude": "",
        "date_maj": draw(st.dates().map(lambda d: d.isoformat())),
        "services": draw(st.sampled_from(["", "Aide aux démarches administratives"])),
        # A phone, an e-mail or a web address the desk cannot use warns, never refuses.
        "telephone": draw(st.sampled_from(["", "+33467888600", "04 67 88 86 00", "04 67"])),
        "courriels": draw(st.sampled_from(["", "a@example.org", "pas-une-adresse"])),
        "site_web": draw(st.sampled_from(["", "https://example.org", "www.example.org"])),
        "presentation_detail": draw(st.one_of(st.just(""), _wild_text(200))),
    }
    if draw(st.booleans()):
        cells["latitude"] = f"{draw(st.floats(42, 50)):.5f}"
        cells["longitude"] = f"{draw(st.floats(-4, 7)):.5f}"
    return Row(cells, key=key)


LIEUX_DEFECTS = {
    "postcode letters": ("code_postal", "ABCDE"),
    "postcode six digits": ("code_postal", "347001"),
    "postcode other digits": ("code_postal", "\u0663\u0664\u0667\u0660\u0660"),
    "postcode superscript": ("code_postal", "3470²"),
    "insee": ("code_insee", "123"),
    "insee other digits": ("code_insee", "34\u0661\u0664\u0662"),
    "latitude": ("latitude", "95.5"),
    "coordinate text": ("longitude", "est"),
    "name empty": ("nom", "   "),
    "name too long": ("nom", "n" * 300),
    "date": ("date_maj", "2024-13-45"),
    "pivot": ("pivot", "123"),
    "list value": ("services", "Réparer des vélos"),
    "summary too long": ("presentation_resume", "r" * 281),
}


@st.composite
def france_services_row(draw, index: int) -> Row:
    key = f"fs-{index}"
    cells = {
        "id_fs": key,
        "lib_fs": draw(_cell_text(100)),
        "adresse": draw(_cell_text(100)),
        "code_postal": draw(st.sampled_from(["34700", "34520", "1000"])),
        "lib_com": draw(french_text(50)),
        "insee_com": draw(st.sampled_from(["", *COMMUNES])),
        "latitude": "",
        "longitude": "",
        "mail": draw(
            st.sampled_from(["", "fs@example.org", "a@example.org - b@example.org", "fs@@x.org"])
        ),
        "telephone": draw(st.sampled_from(["", "04 67 00 00 00", "n/c"])),
        "h_lundi": draw(st.sampled_from(["", "09:00 - 12:00 / 13:30 - 17:00", "fermé", "9h-12h"])),
        "commentaire": draw(st.one_of(st.just(""), _wild_text(100))),
    }
    if draw(st.booleans()):
        cells["latitude"] = f"{draw(st.floats(42, 50)):.6f}".replace(".", ",")
        cells["longitude"] = f"{draw(st.floats(-4, 7)):.6f}"
    return Row(cells, key=key)


FRANCE_SERVICES_DEFECTS = {
    "postcode letters": ("code_postal", "3470A"),
    "postcode other digits": ("code_postal", "\u0663\u0664\u0667\u0660\u0660"),
    "insee": ("insee_com", "99999999"),
    "latitude": ("latitude", "-91"),
    "name empty": ("lib_fs", ""),
    "address too long": ("adresse", "a" * 251),
}


@st.composite
def commune_row(draw, index: int) -> Row:
    code = draw(st.sampled_from(COMMUNES))
    cells = {
        "code_insee": code,
        "nom": draw(_cell_text(60)),
        "code_postal": draw(st.sampled_from(["", "34700", "20000"])),
        "latitude": "",
        "longitude": "",
        "population": draw(st.one_of(st.just(""), st.integers(0, 3_000_000).map(str))),
        "typecom": draw(st.sampled_from(["", "COM", "ARM"])),
    }
    if draw(st.booleans()):
        cells["latitude"] = f"{draw(st.floats(-20, 50)):.4f}"
        cells["longitude"] = f"{draw(st.floats(-60, 50)):.4f}"
    return Row(cells, key=code)


COMMUNE_DEFECTS = {
    "insee": ("code_insee", "1234"),
    "insee other digits": ("code_insee", "3\u0664142"),
    "name empty": ("nom", ""),
    "postcode": ("code_postal", "ABCDE"),
    "postcode other digits": ("code_postal", "\u0663\u0664\u0667\u0660\u0660"),
    "latitude": ("latitude", "91"),
    "population text": ("population", "beaucoup"),
    "population negative": ("population", "-5"),
    "population infinite": ("population", "inf"),
    "population huge": ("population", "1e20"),
}

KINDS = {
    "lieux": (lieux_row, LIEUX_DEFECTS, list(lieux.REQUIRED), list(lieux.COLUMNS)),
    "france-services": (
        france_services_row,
        FRANCE_SERVICES_DEFECTS,
        list(france_services.REQUIRED),
        list(france_services.COLUMNS),
    ),
    "communes": (
        commune_row,
        COMMUNE_DEFECTS,
        ["code_insee", "nom"],
        ["code_insee", "nom", "code_postal", "latitude", "longitude", "population", "typecom"],
    ),
}
UNREADABLE = ("latin-1", "nul", "missing column", "broken quotes", "header only", "empty")


@st.composite
def files(draw, kind: str | None = None) -> Spec:
    kind = kind or draw(st.sampled_from(sorted(KINDS)))
    make_row, defects, required, known = KINDS[kind]
    optional = [c for c in known if c not in required]
    columns = list(required) + draw(
        st.lists(st.sampled_from(optional), unique=True, max_size=len(optional))
    )
    if ("latitude" in columns) != ("longitude" in columns):  # a pair, or neither
        columns = [c for c in columns if c not in ("latitude", "longitude")]
    columns = draw(st.permutations(columns))
    rows = []
    for index in range(draw(st.integers(1, 8))):
        row = draw(make_row(index))
        choice = draw(st.sampled_from([None, None, *sorted(defects), "width", "duplicate"]))
        # A duplicate of the first row (unless that row is cut short: its id may be lost
        # with the missing cells, and then this one is the first with the id).
        if choice == "duplicate" and kind != "communes" and rows and rows[0].defect != "width":
            row.cells[columns_id(kind)] = rows[0].key
            row.key, row.defect = rows[0].key, "duplicate id"
        elif choice == "width":
            row.defect = "width"
        elif choice in defects:
            column, value = defects[choice]
            if column in columns:
                row.cells[column] = value
                row.defect = choice
        rows.append(row)
    spec = Spec(
        kind=kind,
        columns=list(columns),
        rows=rows,
        delimiter=draw(st.sampled_from([",", ";", "\t"])),
        bom=draw(st.booleans()),
        crlf=draw(st.booleans()),
    )
    if draw(st.integers(0, 4)) == 0:
        spec.unreadable = draw(st.sampled_from(UNREADABLE))
    return spec


def columns_id(kind: str) -> str:
    return {"lieux": "id", "france-services": "id_fs", "communes": "code_insee"}[kind]


@dataclass
class Written:
    data: bytes
    lines: dict[int, int]  # row index -> the line where the row ends (header: line 1)
    total_lines: int


def write(spec: Spec) -> Written:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=spec.delimiter, lineterminator="\r\n" if spec.crlf else "\n")
    columns = list(spec.columns)
    if spec.unreadable == "missing column":
        required = KINDS[spec.kind][2][0]
        columns = [c for c in columns if c != required]
    writer.writerow(columns)
    lines = {}
    for index, row in enumerate(spec.rows):
        values = [row.cells.get(column, "") for column in columns]
        if row.defect == "width":
            values = values[:-1] if len(values) > 1 else [*values, "de trop"]
        writer.writerow(values)
        lines[index] = out.getvalue().count("\n")
    text = out.getvalue()
    if spec.unreadable == "broken quotes":
        text += f'x{spec.delimiter}"non fermé\n'
    elif spec.unreadable == "header only":
        text = text.split("\n", 1)[0] + "\n"
    elif spec.unreadable == "empty":
        text = ""
    data = ("\ufeff" + text if spec.bom else text).encode("utf-8")
    if spec.unreadable == "latin-1":
        data = (text + f"Béziers{spec.delimiter}é\n").encode("latin-1", errors="replace")
    elif spec.unreadable == "nul":
        data += b"\x00\n"
    return Written(data, lines, text.count("\n"))


def run(spec: Spec, path: Path, **options):
    if spec.kind == "communes":
        return import_communes(path, source=SOURCE, **options)
    file_format = lieux.FORMAT if spec.kind == "lieux" else france_services.FORMAT
    return import_directory(path, file_format=file_format, source=SOURCE, **options)


def _without_flags(report) -> dict:
    data = report.as_dict()
    for name in ("dry_run", "committed", "notes"):
        data.pop(name)
    return data


def check_import(spec: Spec) -> None:
    written = write(spec)
    with tempfile.TemporaryDirectory() as folder, rolled_back():
        path = Path(folder) / f"{spec.kind}.csv"
        path.write_bytes(written.data)
        base = fingerprint()
        if spec.unreadable:
            with pytest.raises(UnreadableFile):
                run(spec, path)
            assert_unchanged(base, fingerprint(), "an unreadable file")
            return
        try:
            dry = run(spec, path, dry_run=True)
        except UnreadableFile:
            # Only a file with no row left to import (every row bad or blank) may be
            # refused as a whole once its header is read.
            assert spec.kind != "communes"
            assert all(row.defect for row in spec.rows) or not spec.rows
            assert_unchanged(base, fingerprint(), "a refused file")
            return
        assert_unchanged(base, fingerprint(), "a dry run")
        _check_report(spec, written, dry)
        if dry.errors:
            strict = run(spec, path, strict=True)
            assert not strict.committed
            assert_unchanged(base, fingerprint(), "a strict run with a bad row")
        real = run(spec, path)
        assert real.committed
        assert _without_flags(real) == _without_flags(dry)
        _check_stored(spec)


def _check_report(spec: Spec, written: Written, report) -> None:
    named = {error.line for error in report.errors}
    ends = set(written.lines.values())
    assert named <= ends, f"lines {sorted(named - ends)} are not rows of the file"
    for index, row in enumerate(spec.rows):
        line = written.lines[index]
        if row.defect:
            assert line in named, f"line {line} ({row.defect}) is not reported"
        else:
            assert line not in named, f"good line {line} refused: {report.errors}"
    assert report.rows == len(spec.rows)
    if spec.kind != "communes":
        done = report.created + report.updated + report.unchanged
        assert done + report.skipped == report.rows


def _check_stored(spec: Spec) -> None:
    if spec.kind == "communes":
        for commune in Commune.objects.all():
            assert INSEE.fullmatch(commune.insee_code)
            assert not commune.postcode or POSTCODE.fullmatch(commune.postcode)
            assert commune.population is None or 0 <= commune.population < 2**31
        return
    stored = {s.source_id: s for s in Structure.objects.filter(source=SOURCE)}
    good = {}
    for row in spec.rows:
        if not row.defect and row.key not in good:
            good[row.key] = row
    assert set(stored) == set(good)
    name_column = "nom" if spec.kind == "lieux" else "lib_fs"
    for key, structure in stored.items():
        assert POSTCODE.fullmatch(structure.postcode), structure.postcode
        assert not structure.commune_insee or INSEE.fullmatch(structure.commune_insee)
        assert structure.name == good[key].cells[name_column].strip()


# --- the tests ---------------------------------------------------------------------------


def test_lieux_files(world):
    @IMPORTS
    @given(files("lieux"))
    def check(spec):
        check_import(spec)

    check()


def test_france_services_files(world):
    @IMPORTS
    @given(files("france-services"))
    def check(spec):
        check_import(spec)

    check()


def test_commune_files(world):
    @IMPORTS
    @example(
        Spec(
            kind="communes",
            columns=["code_insee", "nom", "population"],
            rows=[
                Row({"code_insee": "34142", "nom": "Lodève", "population": "7500"}),
                Row({"code_insee": "34154", "nom": "Lunel", "population": "-5"}, "negative"),
                Row({"code_insee": "34057", "nom": "Clermont", "population": "inf"}, "infinite"),
                Row({"code_insee": "2A004", "nom": "Ajaccio", "population": "1e20"}, "huge"),
            ],
        )
    )
    @given(files("communes"))
    def check(spec):
        check_import(spec)

    check()


# --- data·inclusion (JSON) -----------------------------------------------------------------

DI_DEFECTS = {
    "no name": ("nom", None),
    "postcode": ("code_postal", "3470A"),
    "postcode other digits": ("code_postal", "\u0663\u0664\u0667\u0660\u0660"),
    "insee": ("code_insee", "123"),
    "latitude": ("latitude", 1e400),  # JSON "1e400" reads as infinity
    "latitude text": ("latitude", "nord"),
    "network": ("reseaux_porteurs", ["pas-un-reseau"]),
    "date": ("date_maj", "2024-02-30"),
    "nul in name": ("nom", "CCAS\u0000de Lodève"),
    "nul in address": ("adresse", "\u0000"),
    "not an object": (None, ["une", "liste"]),
}


@st.composite
def di_documents(draw) -> tuple[str, list[dict | object], dict[int, str]]:
    """A data·inclusion file: its text, its items, and the defect of each bad item."""
    items: list[object] = []
    defects: dict[int, str] = {}
    for index in range(draw(st.integers(1, 6))):
        item = {
            "source": "dora",
            "id": f"s-{index}",
            # The schema wants names of 3 characters at least.
            "nom": draw(_cell_text(100).filter(lambda t: len(t.strip()) >= 3)),
            # ... and a date of this century, not in the future.
            "date_maj": draw(
                st.dates(datetime.date(2001, 1, 1), datetime.date(2025, 12, 31)).map(
                    datetime.date.isoformat
                )
            ),
            "commune": draw(french_text(50).filter(lambda t: len(t.strip()) >= 3)),
            "code_postal": draw(st.sampled_from(["34700", None])),
            "adresse": draw(st.one_of(st.none(), _cell_text(100))),
            "description": draw(
                st.one_of(st.none(), _wild_text(300).filter(lambda t: len(t.strip()) >= 5))
            ),
        }
        if draw(st.booleans()):
            item["latitude"] = draw(st.floats(42, 50))
            item["longitude"] = draw(st.floats(-4, 7))
        choice = draw(st.sampled_from([None, None, *sorted(DI_DEFECTS), "duplicate"]))
        if choice == "duplicate" and items and isinstance(items[0], dict):
            item["id"] = items[0]["id"]
            defects[index + 1] = choice
        elif choice in DI_DEFECTS:
            key, value = DI_DEFECTS[choice]
            if key is None:
                item = value
            elif value is None:
                item.pop(key)
            else:
                item[key] = value
            defects[index + 1] = choice
        items.append(item)
    wrapper = draw(st.sampled_from(["list", "items", "structures"]))
    data = {"list": items, "items": {"items": items}, "structures": {"structures": items}}
    text = json.dumps(data[wrapper], ensure_ascii=draw(st.booleans()), allow_nan=True)
    return text, items, defects


NUL_ITEM = {
    "source": "dora",
    "id": "nul",
    "nom": "CCAS de Lodève",
    "date_maj": "2024-04-01",
    "commune": "Lodève",
    "adresse": "1 place\u0000",
}
GOOD_ITEM = {**NUL_ITEM, "id": "bon", "adresse": "1 place"}


def test_data_inclusion_files(world):
    @IMPORTS
    @example(  # found: stored as is on SQLite, a crash on PostgreSQL
        document=(json.dumps([GOOD_ITEM, NUL_ITEM]), [GOOD_ITEM, NUL_ITEM], {2: "nul"}),
        bom=False,
    )
    @given(document=di_documents(), bom=st.booleans())
    def check(document, bom):
        text, items, defects = document
        with tempfile.TemporaryDirectory() as folder, rolled_back():
            path = Path(folder) / "structures.json"
            path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
            base = fingerprint()
            try:
                dry = import_directory(path, source=SOURCE, dry_run=True)
            except UnreadableFile:
                assert all(number in defects for number in range(1, len(items) + 1))
                assert_unchanged(base, fingerprint(), "a refused file")
                return
            assert_unchanged(base, fingerprint(), "a dry run")
            named = {error.line for error in dry.errors}
            assert named <= set(range(1, len(items) + 1))
            assert set(defects) <= named, (defects, dry.errors)
            assert not named - set(defects), dry.errors
            real = import_directory(path, source=SOURCE)
            assert _without_flags(real) == _without_flags(dry)
            stored = Structure.objects.filter(source=SOURCE)
            assert stored.count() == len(items) - len(defects)
            for structure in stored:
                assert not structure.postcode or POSTCODE.fullmatch(structure.postcode)
                for name in ("name", "address", "description", "commune_name"):
                    assert "\x00" not in getattr(structure, name)

    check()
