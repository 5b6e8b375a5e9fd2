"""import_directory on the standard des lieux de médiation numérique v1.0.2 (CSV)."""

import csv
import io
import json
import re

import phonenumbers
import pytest

from aiguillage.catalog.models import Need
from aiguillage.catalog.vocabularies import LieuxService
from aiguillage.directory.imports import fields as clean
from aiguillage.directory.imports import lieux
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.imports.fields import FieldProblem
from aiguillage.directory.models import Structure
from aiguillage.directory.needs import FRANCE_SERVICES_BOUQUET
from aiguillage.directory.vocabularies import LIEUX_LISTS, ON_SITE, REMOTE
from tests.reference_data import LIEUX_EXAMPLE, LIEUX_SCHEMA

SCHEMA = LIEUX_SCHEMA
EXAMPLE = LIEUX_EXAMPLE
needs_standard = pytest.mark.skipif(not SCHEMA.exists(), reason=f"reference data absent: {SCHEMA}")

# One valid row (the standard's example, shortened).
BASE = {
    "id": "lieu-1",
    "pivot": "43493312300029",
    "nom": "Médiathèque de Lodève",
    "commune": "Lodève",
    "code_postal": "34700",
    "code_insee": "34142",
    "adresse": "1 place de la République",
    "complement_adresse": "Rez-de-chaussée",
    "latitude": "43.7317",
    "longitude": "3.3194",
    "typologie": "BIB",
    "telephone": "+33467888600",
    "courriels": "mediatheque@lodeve.fr|numerique@lodeve.fr",
    "site_web": "https://mediatheque.lodeve.fr",
    "horaires": "Tu-Sa 10:00-12:00,14:00-18:00",
    "presentation_resume": "Ateliers numériques et aide aux démarches.",
    "presentation_detail": "Deux conseillers numériques vous reçoivent.",
    "source": "Hubik",
    "itinerance": "Fixe",
    "structure_parente": "Commune de Lodève",
    "date_maj": "2024-04-02",
    "services": "Maîtrise des outils numériques du quotidien|Aide aux démarches administratives",
    "publics_specifiquement_adresses": "Seniors|Jeunes",
    "prise_en_charge_specifique": "Surdité",
    "frais_a_charge": "Gratuit",
    "dispositif_programmes_nationaux": "Conseillers numériques",
    "formations_labels": "Formé à « Mon Espace Santé »",
    "autres_formations_labels": "Label maison",
    "modalites_acces": "Se présenter|Téléphoner",
    "modalites_accompagnement": "Accompagnement individuel|Dans un atelier collectif",
    "fiche_acces_libre": "https://acceslibre.beta.gouv.fr/app/34-lodeve/a/bibliotheque/erp/1/",
    "prise_rdv": "https://www.rdv-solidarites.fr/",
}


def lieux_csv(*rows: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(BASE), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**BASE, **row})
    return out.getvalue()


def write(tmp_path, text, name="lieux.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@needs_standard
def test_the_closed_lists_are_the_schemas():
    """Every ``(?:(?:^|\\|)(A|B|C))+$`` pattern of schema.json is one of LIEUX_LISTS."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    found = {}
    for column in schema["fields"]:
        pattern = column.get("constraints", {}).get("pattern", "")
        match = re.fullmatch(r"\(\?:\(\?:\^\|\\\|\)\((.*)\)\)\+\$", pattern)
        if match:
            # Alternatives, unescaped: "Langues étrangères \(anglais\)" -> "(anglais)".
            found[column["name"]] = tuple(re.sub(r"\\(.)", r"\1", v) for v in match[1].split("|"))
    assert set(found) == set(LIEUX_LISTS)
    for column, values in found.items():
        assert LIEUX_LISTS[column] == values, column
    assert set(LieuxService.values) == set(found["services"])


@needs_standard
def test_the_columns_are_the_schemas():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert tuple(f["name"] for f in schema["fields"]) == lieux.COLUMNS
    required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
    assert required == set(lieux.REQUIRED)


@needs_standard
@pytest.mark.django_db
def test_the_standards_valid_example_imports_whole():
    report = import_directory(EXAMPLE)
    assert (report.source, report.rows, report.created, report.skipped) == (
        "lieux-mediation-numerique",
        1,
        1,
        0,
    )
    place = Structure.objects.get(source_id="structure-1")
    assert place.name == "Anonymal" and place.siret == "43493312300029"
    assert place.is_mobile
    assert place.email == "contact@laquincaillerie.tl"
    assert place.other_emails == ["responsable@laquincaillerie.tl"]
    assert place.other_websites == ["https://m.facebook.com/laquincaillerienumerique/"]
    assert place.opening_hours_valid
    assert place.reception_modes == [ON_SITE, REMOTE]
    assert place.programmes == ["Aidants Connect", "Conseillers numériques", "La Croix Rouge"]
    assert str(place.source_updated_at) == "2024-04-02"


@pytest.mark.django_db
class TestGoodRows:
    def test_every_field_lands_where_it_belongs(self, tmp_path):
        report = import_directory(write(tmp_path, lieux_csv({})))
        assert (report.created, report.skipped) == (1, 0)
        place = Structure.objects.get(source="lieux-mediation-numerique", source_id="lieu-1")
        assert (place.name, place.siret, place.rna) == (
            "Médiathèque de Lodève",
            "43493312300029",
            "",
        )
        assert (place.postcode, place.commune_insee, place.commune_name) == (
            "34700",
            "34142",
            "Lodève",
        )
        assert (place.latitude, place.longitude) == (43.7317, 3.3194)
        assert place.address_complement == "Rez-de-chaussée"
        assert place.email == "mediatheque@lodeve.fr" and place.other_emails == [
            "numerique@lodeve.fr"
        ]
        assert place.website == "https://mediatheque.lodeve.fr"
        assert place.opening_hours == "Tu-Sa 10:00-12:00,14:00-18:00" and place.opening_hours_valid
        assert place.publics == ["Seniors", "Jeunes"]
        assert place.specific_support == ["Surdité"]
        assert place.fees == ["Gratuit"]
        assert place.labels == ["Formé à « Mon Espace Santé »"]
        assert place.other_labels == "Label maison"
        assert place.access_modalities == ["Se présenter", "Téléphoner"]
        assert place.reception_modes == [ON_SITE]
        assert place.producer == "Hubik" and place.parent_name == "Commune de Lodève"
        assert not place.is_mobile
        assert place.booking_url == "https://www.rdv-solidarites.fr/"

    def test_derived_needs_and_general_help(self, tmp_path):
        """ "Aide aux démarches administratives" maps to most of the catalog: general help,
        not competence for each démarche; "Maîtrise des outils…" maps to its needs."""
        import_directory(write(tmp_path, lieux_csv({})))
        place = Structure.objects.get(source_id="lieu-1")
        assert place.general_help
        tools = {
            need.pk
            for need in Need.objects.active()
            if LieuxService.OUTILS_QUOTIDIEN.value in need.lieux_services
        }
        assert tools
        assert set(place.covered_needs.values_list("pk", flat=True)) == tools

    def test_a_place_without_general_categories_is_not_general_help(self, tmp_path):
        import_directory(
            write(tmp_path, lieux_csv({"services": "Loisirs et créations numériques"}))
        )
        assert not Structure.objects.get(source_id="lieu-1").general_help

    def test_france_services_programme_brings_the_bouquet(self, tmp_path):
        import_directory(
            write(tmp_path, lieux_csv({"dispositif_programmes_nationaux": "France Services"}))
        )
        covered = set(
            Structure.objects.get(source_id="lieu-1").covered_needs.values_list("pk", flat=True)
        )
        caf = set(Need.objects.active().filter(operators__slug="caf").values_list("pk", flat=True))
        assert caf <= covered
        bouquet = Need.objects.active().filter(operators__slug__in=FRANCE_SERVICES_BOUQUET)
        assert set(bouquet.values_list("pk", flat=True)) <= covered

    def test_rna_pivot_mobile_remote_only_and_optional_cells_empty(self, tmp_path):
        row = {
            "pivot": "W343000123",
            "itinerance": "Itinérant|Fixe",
            "modalites_accompagnement": "À distance",
            "latitude": "",
            "longitude": "",
            "code_insee": "",
            "telephone": "",
            "courriels": "",
            "site_web": "",
            "horaires": "",
            "services": "",
            "fiche_acces_libre": "",
            "prise_rdv": "",
        }
        report = import_directory(write(tmp_path, lieux_csv(row)))
        assert report.skipped == 0, report.errors
        place = Structure.objects.get(source_id="lieu-1")
        assert (place.siret, place.rna) == ("", "W343000123")
        assert place.is_mobile and place.reception_modes == [REMOTE]
        assert place.latitude is None and place.opening_hours == "" and place.opening_hours_valid

    def test_a_pivot_of_zeros_means_no_siret(self, tmp_path):
        import_directory(write(tmp_path, lieux_csv({"pivot": "00000000000000"})))
        place = Structure.objects.get(source_id="lieu-1")
        assert (place.siret, place.rna) == ("", "")

    def test_windows_line_endings(self, tmp_path):
        path = tmp_path / "lieux.csv"
        path.write_bytes(lieux_csv({}, {"id": "lieu-2"}).replace("\n", "\r\n").encode())
        report = import_directory(path)
        assert (report.created, report.skipped) == (2, 0), report.errors
        assert Structure.objects.get(source_id="lieu-2").booking_url == BASE["prise_rdv"]

    def test_a_file_with_only_the_required_columns(self, tmp_path):
        text = ",".join(lieux.REQUIRED) + "\n" + ",".join(BASE[c] for c in lieux.REQUIRED) + "\n"
        report = import_directory(write(tmp_path, text))
        assert (report.source, report.created, report.skipped) == (lieux.FORMAT, 1, 0)
        place = Structure.objects.get(source_id="lieu-1")
        assert place.lieux_services == [] and place.latitude is None

    def test_a_place_that_receives_no_public(self, tmp_path):
        row = {"modalites_acces": "Ce lieu n'accueille pas de public"}
        import_directory(write(tmp_path, lieux_csv(row)))
        assert Structure.objects.get(source_id="lieu-1").reception_modes == []

    def test_semicolon_separated_file_with_bom(self, tmp_path):
        text = lieux_csv({}).replace(",", ";")
        # A comma inside a value would now be a separator: the base row has none.
        path = tmp_path / "lieux.csv"
        path.write_bytes(b"\xef\xbb\xbf" + text.encode())
        report = import_directory(path)
        assert (report.created, report.skipped) == (1, 0), report.errors

    def test_unreadable_opening_hours_are_kept_and_flagged(self, tmp_path):
        report = import_directory(write(tmp_path, lieux_csv({"horaires": "le mardi matin"})))
        assert (report.created, report.skipped) == (1, 0)
        place = Structure.objects.get(source_id="lieu-1")
        assert place.opening_hours == "le mardi matin" and not place.opening_hours_valid
        assert [(w.line, w.field, w.code) for w in report.warnings] == [(2, "horaires", "hours")]


# A row that breaks the standard (a required field, a type, a pattern, a closed list) is
# skipped. The values the desk uses to reach the place and its hours only warn: see
# test_import_warnings.py.
BAD_CELLS = [
    ({"pivot": "123"}, "pivot"),
    ({"pivot": "434933123000290000"}, "pivot"),
    ({"nom": ""}, "nom"),
    ({"adresse": " "}, "adresse"),
    ({"commune": ""}, "commune"),
    ({"code_postal": "3470A"}, "code_postal"),
    ({"code_postal": ""}, "code_postal"),
    ({"code_insee": "2C001"}, "code_insee"),
    ({"latitude": "nord"}, "latitude/longitude"),
    ({"latitude": "243.7"}, "latitude/longitude"),
    ({"longitude": ""}, "latitude/longitude"),
    ({"date_maj": "02/04/2024"}, "date_maj"),
    ({"date_maj": ""}, "date_maj"),
    ({"presentation_resume": "x" * 281}, "presentation_resume"),
    *[({column: "Valeur inventée"}, column) for column in LIEUX_LISTS],
    ({"services": "Aide aux démarches administratives|aide aux démarches"}, "services"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("changes,field", BAD_CELLS)
def test_a_bad_cell_skips_its_row_with_line_and_field(tmp_path, changes, field):
    text = lieux_csv({}, {"id": "lieu-2", **changes}, {"id": "lieu-3"})
    report = import_directory(write(tmp_path, text))
    assert (report.rows, report.created, report.skipped) == (3, 2, 1)
    assert [(e.line, e.field) for e in report.errors] == [(3, field)]
    assert report.errors[0].reason
    assert sorted(Structure.objects.values_list("source_id", flat=True)) == ["lieu-1", "lieu-3"]


@pytest.mark.django_db
def test_a_valid_phone_in_national_format_is_stored_as_e164(tmp_path):
    import_directory(write(tmp_path, lieux_csv({"telephone": "04 67 88 86 00"})))
    assert Structure.objects.get(source_id="lieu-1").phone == "+33467888600"


@pytest.mark.django_db
def test_duplicate_ids_and_truncated_lines(tmp_path):
    text = lieux_csv({}, {"nom": "Autre nom"}, {"id": "lieu-2"})
    text += "lieu-4,43493312300029,Tronqué,Lodève,34700\n"
    report = import_directory(write(tmp_path, text))
    assert (report.rows, report.created, report.skipped) == (4, 2, 2)
    assert [(e.line, e.field) for e in report.errors] == [(3, "id"), (5, "*")]
    assert "first seen on line 2" in report.errors[0].reason
    assert "5 fields instead of 32" in report.errors[1].reason
    assert Structure.objects.get(source_id="lieu-1").name == "Médiathèque de Lodève"


@pytest.mark.parametrize(
    "number",
    ["+33467888600", "+33612345678", "+33262123456", "+33596123456", "+33912345678"],
)
def test_a_number_already_in_e164_is_kept_as_phonenumbers_would(number):
    # The importer skips phonenumbers for +33 and 9 digits; it must say what it says.
    parsed = phonenumbers.parse(number, "FR")
    assert phonenumbers.is_possible_number(parsed)
    expected = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    assert clean.phone(number, field="telephone", strict=True) == expected == number


@pytest.mark.parametrize("number", ["+3346788860", "+334678886001", "+33 4 67"])
def test_a_malformed_e164_number_is_still_refused(number):
    with pytest.raises(FieldProblem):
        clean.phone(number, field="telephone", strict=True)
