"""import_communes: whole files in, bad lines named, nothing half-written."""

import json

import pytest
from django.core.management import CommandError, call_command

from aiguillage.directory.imports.communes import import_communes
from aiguillage.directory.models import Commune, CommuneKind
from tests.reference_data import COMMUNES_CSV

SHARED_COMMUNES = COMMUNES_CSV

HEADER = "insee_com,commune,code_postal,commune_type,insee_parente,lat,lng,population_2021\n"
GOOD = (
    HEADER
    + "34142,Lodève,34700,COM,,43.7317,3.3194,7523\n"
    + "34064,Le Caylar,34520,COM,,43.8636,3.3181,437\n"
    + "01015,Arboys en Bugey,01300,COM,,45.71887,5.6,667\n"
    + "01015,Arbignieu,01300,COMD,01015,45.71887,5.6,667\n"
    + "75101,Paris 1er Arrondissement,75001,ARM,75056,48.8626,2.3363,15919\n"
    + "2A004,Ajaccio,20000,COM,,41.9257,8.7369,71361\n"
    + "2A004,Ajaccio,20090,COM,,41.9257,8.7369,71361\n"
)


def write(tmp_path, text, name="communes.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


@pytest.mark.django_db
class TestImportCommunes:
    def test_a_good_file_imports_and_merges_postcodes_and_delegated_communes(self, tmp_path):
        report = import_communes(write(tmp_path, GOOD))
        assert (report.rows, report.created, report.skipped) == (7, 5, 0)
        arboys = Commune.objects.get(insee_code="01015")
        assert arboys.other_names == ["Arbignieu"]
        ajaccio = Commune.objects.get(insee_code="2A004")
        assert ajaccio.postcodes == ["20000", "20090"] and ajaccio.department == "2A"
        paris1 = Commune.objects.get(insee_code="75101")
        assert paris1.kind == CommuneKind.ARRONDISSEMENT and paris1.parent_insee_code == "75056"
        assert Commune.objects.get(insee_code="34142").population == 7523

    def test_the_name_keeps_its_article_when_the_file_has_both(self, tmp_path):
        """communes-2024.csv has "Caylar" and, beside it, "Le Caylar": the pages write
        "près du Caylar" from the name with its article."""
        text = (
            "insee_com,commune,commune_article,code_postal,commune_type,lat,lng\n"
            "34064,Caylar,Le Caylar,34520,COM,43.8636,3.3181\n"
            "34142,Lodève,Lodève,34700,COM,43.7317,3.3194\n"
        )
        import_communes(write(tmp_path, text))
        assert Commune.objects.get(insee_code="34064").name == "Le Caylar"
        assert Commune.objects.get(insee_code="34142").name == "Lodève"

    def test_reimporting_the_same_file_changes_nothing(self, tmp_path):
        path = write(tmp_path, GOOD)
        import_communes(path)
        again = import_communes(path)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 5)

    def test_a_changed_row_updates_in_place(self, tmp_path):
        import_communes(write(tmp_path, GOOD))
        report = import_communes(write(tmp_path, GOOD.replace("7523", "7600"), name="v2.csv"))
        assert (report.created, report.updated) == (0, 1)
        assert Commune.objects.get(insee_code="34142").population == 7600

    def test_semicolons_and_other_column_names(self, tmp_path):
        text = (
            "code_insee;nom;code_postal;latitude;longitude;population\n"
            "34142;Lodève;34700;43,73;3,31;7523\n"
        )
        report = import_communes(write(tmp_path, text))
        assert report.created == 1
        assert Commune.objects.get(insee_code="34142").latitude == pytest.approx(43.73)

    def test_bad_lines_are_named_and_skipped_the_rest_imported(self, tmp_path):
        text = (
            HEADER
            + "34142,Lodève,34700,COM,,43.7317,3.3194,7523\n"
            + "3414,Trop court,34700,COM,,43.7,3.3,1\n"
            + "34064,Le Caylar,34520,COM,,95.0,3.3181,437\n"
            + "34065,,34520,COM,,43.8,3.3,437\n"
            + "34066,Tronqué,34520\n"
        )
        report = import_communes(write(tmp_path, text))
        assert report.created == 1 and report.skipped == 4
        assert [(e.line, e.field) for e in report.errors] == [
            (3, "insee_com"),
            (4, "latitude/longitude"),
            (5, "commune"),
            (6, "*"),
        ]
        assert Commune.objects.count() == 1

    def test_strict_rejects_the_whole_file(self, tmp_path):
        text = GOOD + "99999x,Mauvais,00000,COM,,1,1,1\n"
        report = import_communes(write(tmp_path, text), strict=True)
        assert not report.committed and report.errors
        assert Commune.objects.count() == 0

    def test_dry_run_counts_and_writes_nothing(self, tmp_path):
        report = import_communes(write(tmp_path, GOOD), dry_run=True)
        assert report.created == 5
        assert Commune.objects.count() == 0


@pytest.mark.django_db
class TestCommand:
    def test_summary_line_and_json_report(self, tmp_path, capsys):
        bad = GOOD + "123,Mauvais,,COM,,,,\n"
        report_path = tmp_path / "report.json"
        call_command("import_communes", str(write(tmp_path, bad)), "--report", str(report_path))
        out = capsys.readouterr()
        assert "8 rows, 5 created, 0 updated, 0 unchanged, 0 inactive, 1 skipped" in out.out
        assert "line 9: insee_com ('123'): not an INSEE code" in out.err
        saved = json.loads(report_path.read_text())
        assert saved["errors"][0]["line"] == 9

    @pytest.mark.parametrize(
        "content,encoding,message",
        [
            (GOOD, "latin-1", "not UTF-8"),
            ("commune,lat\nLodève,43\n", "utf-8", "missing required column"),
            ("", "utf-8", "empty"),
        ],
    )
    def test_unreadable_files_exit_2_and_write_nothing(self, tmp_path, content, encoding, message):
        path = write(tmp_path, content, encoding=encoding)
        with pytest.raises(CommandError, match=message) as error:
            call_command("import_communes", str(path))
        assert error.value.returncode == 2
        assert Commune.objects.count() == 0

    def test_strict_exits_1(self, tmp_path):
        path = write(tmp_path, GOOD + "1,x,,COM,,,,\n")
        with pytest.raises(CommandError) as error:
            call_command("import_communes", str(path), "--strict")
        assert error.value.returncode == 1
        assert Commune.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.skipif(
    not SHARED_COMMUNES.exists(), reason=f"reference data absent: {SHARED_COMMUNES}"
)
def test_the_national_communes_file_imports_whole():
    report = import_communes(SHARED_COMMUNES)
    assert report.rows == 36208
    assert report.skipped == 0
    assert Commune.objects.count() == report.created > 34000
    lodeve = Commune.objects.get(insee_code="34142")
    assert lodeve.name == "Lodève" and lodeve.latitude is not None
    assert import_communes(SHARED_COMMUNES).unchanged == report.created
