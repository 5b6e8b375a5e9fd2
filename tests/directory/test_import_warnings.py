"""Places are never lost: a row valid against its standard is imported.

An optional value the desk cannot use (an e-mail address one cannot write to, a phone
number it cannot dial, a web address without its scheme, opening hours it cannot
read) is kept as typed, repaired or left out, and reported as a warning naming its
line and field; only a row that breaks its standard is skipped. Real files are read
where they lie (tests/reference_data.py), never copied into the repository.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.imports.report import RowWarning
from aiguillage.directory.models import Service, Structure
from tests.accounts.factories import MembershipFactory
from tests.directory.test_import_directory import FS_COLUMNS, LIEUX_COLUMNS, fs, lieu, table
from tests.reference_data import FRANCE_SERVICES_CSV, LIEUX_EXAMPLE, STANDARDS

DI_SCHEMAS = STANDARDS / "data-inclusion-v1"
needs_schemas = pytest.mark.skipif(
    not (DI_SCHEMAS / "structure.json").exists(), reason=f"reference data absent: {DI_SCHEMAS}"
)
needs_lieux_example = pytest.mark.skipif(
    not LIEUX_EXAMPLE.exists(), reason=f"reference data absent: {LIEUX_EXAMPLE}"
)
needs_france_services = pytest.mark.skipif(
    not FRANCE_SERVICES_CSV.exists(), reason=f"reference data absent: {FRANCE_SERVICES_CSV}"
)


def summary(report) -> tuple[int, int, int, int, int]:
    return report.rows, report.created, report.updated, report.unchanged, report.skipped


# --- Files from the standards themselves ------------------------------------------------


def data_inclusion_items() -> tuple[list[dict], list[dict]]:
    """Two structures and two services, built from the schemas' own examples; the fields
    without an example get a value that follows the schema's pattern."""
    examples = {}
    for kind in ("structure", "service"):
        schema = json.loads((DI_SCHEMAS / f"{kind}.json").read_text(encoding="utf-8"))
        item = {
            name: spec["examples"][0]
            for name, spec in schema["properties"].items()
            if spec.get("examples")
        }
        assert set(schema["required"]) <= item.keys(), kind
        examples[kind] = item
    place = {
        "adresse": "1 place de la République",
        "commune": "Lodève",
        "code_postal": "34700",
        "code_insee": "34142",
        "latitude": 43.7317,
        "longitude": 3.3194,
    }
    structures = [
        {**examples["structure"], **place, "id": "di-structure-1"},
        {**examples["structure"], **place, "id": "di-structure-2", "nom": "CCAS de Lodève",
         "latitude": 43.75, "site_web": "https://www.lodeve.fr"},
    ]  # fmt: skip
    services = [
        {**examples["service"], "id": "di-service-1", "structure_id": "di-structure-1"},
        {**examples["service"], "id": "di-service-2", "structure_id": "di-structure-2",
         "modes_accueil": ["en-presentiel"]},
    ]  # fmt: skip
    return structures, services


def write_json(tmp_path, data, name="di.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@needs_lieux_example
@pytest.mark.django_db
def test_the_lieux_standards_example_imports_every_row_then_again_unchanged():
    with LIEUX_EXAMPLE.open(encoding="utf-8", newline="") as handle:
        rows = len(list(csv.DictReader(handle)))
    report = import_directory(LIEUX_EXAMPLE)
    assert summary(report) == (rows, rows, 0, 0, 0) and report.errors == []
    assert report.warnings == []
    again = import_directory(LIEUX_EXAMPLE)
    assert summary(again) == (rows, 0, 0, rows, 0)


@needs_france_services
@pytest.mark.django_db
def test_the_france_services_list_imports_every_row_then_again_unchanged():
    report = import_directory(FRANCE_SERVICES_CSV)
    assert report.rows > 2800
    assert summary(report) == (report.rows, report.rows, 0, 0, 0), report.errors[:5]
    assert Structure.objects.filter(source="france-services").count() == report.rows
    again = import_directory(FRANCE_SERVICES_CSV)
    assert summary(again) == (report.rows, 0, 0, report.rows, 0)
    assert len(again.warnings) == len(report.warnings)  # the file still says the same


@needs_schemas
@pytest.mark.django_db
def test_a_data_inclusion_file_built_from_the_schemas_imports_every_item(tmp_path):
    structures, services = data_inclusion_items()
    path = write_json(tmp_path, {"structures": structures, "services": services})
    report = import_directory(path)
    assert summary(report) == (4, 4, 0, 0, 0), report.errors
    assert Structure.objects.filter(source="data-inclusion").count() == 2
    assert Service.objects.filter(source="data-inclusion").count() == 2
    again = import_directory(path)
    assert summary(again) == (4, 0, 0, 4, 0)
    assert again.warnings == report.warnings


# --- One bad optional value: the place is imported, one warning names it -----------------

ACCENTED_EMAIL = "mediathèque@ville.fr"
BAD_PHONE = "04 67"
NO_SCHEME = "www.ville.fr"
BAD_HOURS = "le mardi matin, sauf vacances"

LIEUX_VARIANTS = {
    # case: (cells, field, code, what the place then holds)
    "accented e-mail": ({"courriels": ACCENTED_EMAIL}, "courriels", "email", {"email": ""}),
    "second e-mail accented": (
        {"courriels": f"contact@ville.fr|{ACCENTED_EMAIL}"}, "courriels", "email",
        {"email": "contact@ville.fr", "other_emails": []},
    ),
    "bad phone": ({"telephone": BAD_PHONE}, "telephone", "phone", {"phone": BAD_PHONE}),
    "phone far too long": (
        {"telephone": "appeler la mairie aux heures d'ouverture"}, "telephone",
        "phone_dropped", {"phone": ""},
    ),
    "url without scheme": (
        {"site_web": NO_SCHEME}, "site_web", "url_scheme", {"website": "https://www.ville.fr"},
    ),
    "booking url without scheme": (
        {"prise_rdv": "rdv.ville.fr/mediatheque"}, "prise_rdv", "url_scheme",
        {"booking_url": "https://rdv.ville.fr/mediatheque"},
    ),
    "not a url": ({"fiche_acces_libre": "voir la mairie"}, "fiche_acces_libre", "url",
                  {"accessibility_url": ""}),
    "ftp url": ({"prise_rdv": "ftp://rdv.ville.fr"}, "prise_rdv", "url", {"booking_url": ""}),
    "unparsable hours": (
        {"horaires": BAD_HOURS}, "horaires", "hours",
        {"opening_hours": BAD_HOURS, "opening_hours_valid": False},
    ),
}  # fmt: skip

FS_VARIANTS = {
    "accented e-mail": ({"mail": ACCENTED_EMAIL}, "mail", "email", {"email": ""}),
    "bad phone": ({"telephone": BAD_PHONE}, "telephone", "phone", {"phone": BAD_PHONE}),
    "unparsable hours": (
        {"h_mardi": "sur rendez-vous"}, "h_mardi", "hours", {"opening_hours_valid": False},
    ),
}  # fmt: skip

DI_VARIANTS = {
    "accented e-mail": ({"courriel": ACCENTED_EMAIL}, "courriel", "email", {"email": ""}),
    "not an e-mail": ({"courriel": "accueil@@ccas"}, "courriel", "email", {"email": ""}),
    "bad phone": ({"telephone": BAD_PHONE}, "telephone", "phone", {"phone": BAD_PHONE}),
    "url without scheme": (
        {"site_web": NO_SCHEME}, "site_web", "url_scheme", {"website": "https://www.ville.fr/"},
    ),
    "not a url": ({"site_web": "voir la mairie"}, "site_web", "url", {"website": ""}),
    "unparsable hours": (
        {"horaires_accueil": BAD_HOURS}, "horaires_accueil", "hours",
        {"opening_hours": BAD_HOURS, "opening_hours_valid": False},
    ),
}  # fmt: skip


def assert_one_warning(report, *, line, field, code, value_in=None, unit="line"):
    assert report.errors == [] and report.skipped == 0
    [warning] = report.warnings
    assert isinstance(warning, RowWarning)
    assert (warning.unit, warning.line, warning.field, warning.code) == (unit, line, field, code)
    if value_in is not None:
        assert value_in in warning.value
    assert str(warning).startswith(f"warning: {unit} {line}: {field}")
    assert warning.message != warning.reason  # the page says it in French


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(LIEUX_VARIANTS))
def test_lieux_a_bad_optional_value_warns_and_keeps_the_place(tmp_path, case):
    cells, field, code, stored = LIEUX_VARIANTS[case]
    rows = [lieu("l1", "Médiathèque de Lodève"), lieu("l2", "Tiers-lieu du Lodévois", **cells)]
    path = tmp_path / "lieux.csv"
    path.write_text(table(LIEUX_COLUMNS, *rows), encoding="utf-8")
    report = import_directory(path)
    assert summary(report) == (2, 2, 0, 0, 0)
    assert_one_warning(report, line=3, field=field, code=code)
    place = Structure.objects.get(source_id="l2")
    assert {name: getattr(place, name) for name in stored} == stored
    again = import_directory(path)
    assert summary(again) == (2, 0, 0, 2, 0)
    assert again.warnings == report.warnings


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(FS_VARIANTS))
def test_france_services_a_bad_optional_value_warns_and_keeps_the_place(tmp_path, case):
    cells, field, code, stored = FS_VARIANTS[case]
    rows = [fs("1", "France services de Lodève"), fs("2", "France services du Caylar", **cells)]
    path = tmp_path / "fs.csv"
    path.write_text(table(FS_COLUMNS, *rows), encoding="utf-8")
    report = import_directory(path)
    assert summary(report) == (2, 2, 0, 0, 0)
    assert_one_warning(report, line=3, field=field, code=code)
    place = Structure.objects.get(source_id="2")
    assert {name: getattr(place, name) for name in stored} == stored
    again = import_directory(path)
    assert summary(again) == (2, 0, 0, 2, 0)


@needs_schemas
@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(DI_VARIANTS))
def test_data_inclusion_a_bad_optional_value_warns_and_keeps_the_place(tmp_path, case):
    cells, field, code, stored = DI_VARIANTS[case]
    structures, services = data_inclusion_items()
    structures[1] = {**structures[1], **cells}
    path = write_json(tmp_path, [*structures, *services])
    report = import_directory(path)
    assert summary(report) == (4, 4, 0, 0, 0), report.errors
    assert_one_warning(report, unit="item", line=2, field=field, code=code)
    place = Structure.objects.get(source_id="di-structure-2")
    assert {name: getattr(place, name) for name in stored} == stored
    again = import_directory(path)
    assert summary(again) == (4, 0, 0, 4, 0)


@needs_schemas
@pytest.mark.django_db
def test_data_inclusion_a_bad_service_value_warns_with_its_item(tmp_path):
    structures, services = data_inclusion_items()
    services[0] = {**services[0], "lien_mobilisation": "rdv.ville.fr", "courriel": ACCENTED_EMAIL}
    report = import_directory(write_json(tmp_path, [*structures, *services]))
    assert summary(report) == (4, 4, 0, 0, 0), report.errors
    assert sorted((w.line, w.field, w.code) for w in report.warnings) == [
        (3, "courriel", "email"), (3, "lien_mobilisation", "url_scheme"),
    ]  # fmt: skip
    service = Service.objects.get(source_id="di-service-1")
    assert (service.email, service.booking_url) == ("", "https://rdv.ville.fr/")


@pytest.mark.django_db
def test_a_type_error_still_skips_the_row_and_warnings_are_counted_apart(tmp_path):
    rows = [
        lieu("l1", "Médiathèque", telephone=BAD_PHONE, horaires=BAD_HOURS),
        lieu("l2", "Sans date", date_maj="hier", courriels=ACCENTED_EMAIL),
        lieu("l3", "Latitude en lettres", latitude="nord"),
    ]
    path = tmp_path / "lieux.csv"
    path.write_text(table(LIEUX_COLUMNS, *rows), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_directory", str(path), stdout=out, stderr=err)
    assert out.getvalue().strip() == (
        "lieux-mediation-numerique: 3 rows, 1 created, 0 updated, 0 unchanged, 0 inactive, "
        "2 skipped, 2 warnings"
    )
    lines = err.getvalue().strip().splitlines()
    assert lines[:2] == [
        "line 3: date_maj ('hier'): not a date (expected YYYY-MM-DD)",
        "line 4: latitude/longitude ('nord'): not a number",
    ]
    # A skipped row's own warnings are not reported: it is not imported.
    assert [line.split(":")[0:3] for line in lines[2:]] == [
        ["warning", " line 2", " horaires ('le mardi matin, sauf vacances')"],
        ["warning", " line 2", " telephone ('04 67')"],
    ]
    assert list(Structure.objects.values_list("source_id", flat=True)) == ["l1"]


@pytest.mark.django_db
def test_the_json_report_lists_the_warnings(tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text(table(LIEUX_COLUMNS, lieu("l1", "Médiathèque", site_web=NO_SCHEME)), "utf-8")
    report_path = tmp_path / "report.json"
    call_command("import_directory", str(path), "--report", str(report_path), stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip
    saved = json.loads(report_path.read_text(encoding="utf-8"))
    assert saved["errors"] == []
    assert [(w["line"], w["field"], w["value"], w["code"]) for w in saved["warnings"]] == [
        (2, "site_web", NO_SCHEME, "url_scheme")
    ]


# --- The import page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_page_shows_warnings_in_french_apart_from_errors(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    coordinator = MembershipFactory(coordinator=True)
    client.force_login(coordinator.user)
    rows = [
        lieu("l1", "Médiathèque", courriels=ACCENTED_EMAIL),
        lieu("l2", "Code postal faux", code_postal="347"),
    ]
    upload = SimpleUploadedFile("lieux.csv", table(LIEUX_COLUMNS, *rows).encode())
    page = reverse("directory:import", args=[coordinator.network.slug])
    response = client.post(page, {"file": upload, "file_format": "auto", "source": ""})
    assert response.status_code == 200
    text = response.content.decode()
    errors_at = text.index("Lignes écartées et pourquoi")
    warnings_at = text.index("Avertissements : ces fiches seront importées")
    assert errors_at < warnings_at
    warnings_table = text[warnings_at : text.index("</table>", warnings_at)]
    assert "ligne 2" in warnings_table and "courriels" in warnings_table
    assert "Adresse e-mail inutilisable" in warnings_table
    assert "code_postal" not in warnings_table
    errors_table = text[errors_at : text.index("</table>", errors_at)]
    assert "code_postal" in errors_table and "courriels" not in errors_table
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", text))
    assert counts["Lignes écartées"] == "1"
    assert counts["Avertissements (fiches importées quand même)"] == "1"


@pytest.mark.django_db
def test_the_import_page_shows_the_first_warnings_and_counts_them_all(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    coordinator = MembershipFactory(coordinator=True)
    client.force_login(coordinator.user)
    rows = [lieu(f"l{n}", "Médiathèque", telephone=BAD_PHONE) for n in range(205)]
    upload = SimpleUploadedFile("lieux.csv", table(LIEUX_COLUMNS, *rows).encode())
    page = reverse("directory:import", args=[coordinator.network.slug])
    text = client.post(page, {"file": upload, "file_format": "auto"}).content.decode()
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", text))
    assert counts["Avertissements (fiches importées quand même)"] == "205"
    assert "Seuls les 200 premiers avertissements sont affichés." in text
    assert text.count("Numéro de téléphone non reconnu") == 200
