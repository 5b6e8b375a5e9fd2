"""import_directory as a whole: formats, unreadable files, bad rows, re-imports, links.

The format-specific checks live in test_import_lieux.py, test_import_data_inclusion.py
and test_import_france_services.py.
"""

import csv
import datetime
import io
import json
from zoneinfo import ZoneInfo

import pytest
from data_inclusion.schema.v1 import Service as DIService
from data_inclusion.schema.v1 import Structure as DIStructure
from django.core.management import CommandError, call_command

from aiguillage.catalog.models import Need
from aiguillage.directory.imports import data_inclusion, france_services, lieux
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.imports.report import UnreadableFile
from aiguillage.directory.models import Service, Structure
from aiguillage.directory.needs import load_need_mapping
from aiguillage.directory.selectors import nearest_structures

LODEVE = (43.7317, 3.3194)
FS_COLUMNS = (
    "id_fs", "insee_dep", "lib_fs", "adresse", "complement_adresse", "insee_com", "code_postal",
    "lib_com", "latitude", "longitude", "mail", "telephone", "h_lundi", "h_mardi", "h_mercredi",
    "h_jeudi", "h_vendredi", "h_samedi", "prise_rdv", "commentaire", "type_fs", "format_fs",
    "groupe_fs", "labellisation_fs",
)  # fmt: skip
LIEUX_COLUMNS = (
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
    "complement_adresse", "latitude", "longitude", "typologie", "telephone", "courriels",
    "site_web", "horaires", "presentation_resume", "presentation_detail", "source",
    "itinerance", "structure_parente", "date_maj", "services",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels",
    "modalites_acces", "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
)  # fmt: skip


def fs(id_fs, name, latitude=LODEVE[0], longitude=LODEVE[1], **cells) -> dict:
    return {
        "id_fs": id_fs,
        "insee_dep": "34",
        "lib_fs": name,
        "adresse": f"{id_fs} place de la République",
        "insee_com": "34142",
        "code_postal": "34700",
        "lib_com": "Lodève",
        "latitude": latitude,
        "longitude": longitude,
        "mail": f"fs{id_fs}@france-services.gouv.fr",
        "telephone": "04 67 88 86 00",
        "h_lundi": "09:00 - 12:00 / 14:00 - 17:00",
        "h_mardi": "09:00 - 12:00 / 14:00 - 17:00",
        "prise_rdv": "Non",
        "type_fs": "Principal",
        "format_fs": "Fixe",
        **cells,
    }


def lieu(id_, name, latitude=LODEVE[0], longitude=LODEVE[1], **cells) -> dict:
    return {
        "id": id_,
        "pivot": "43493312300029",
        "nom": name,
        "commune": "Lodève",
        "code_postal": "34700",
        "adresse": f"{id_} rue de la Gare",
        "latitude": latitude,
        "longitude": longitude,
        "date_maj": "2024-04-02",
        "services": "Maîtrise des outils numériques du quotidien",
        **cells,
    }


def table(columns, *rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=columns, lineterminator="\n", restval="", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write(tmp_path, text, name="file.csv", encoding="utf-8"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding=encoding)
    return path


def fs_file(tmp_path, *rows, name="fs.csv"):
    return write(tmp_path, table(FS_COLUMNS, *rows), name=name)


def lieux_file(tmp_path, *rows, name="lieux.csv"):
    return write(tmp_path, table(LIEUX_COLUMNS, *rows), name=name)


def snapshot():
    """Every directory row and link, to compare before and after an import."""
    return (
        list(Structure.objects.order_by("pk").values()),
        list(Service.objects.order_by("pk").values()),
        sorted(Structure.covered_needs.through.objects.values_list("structure_id", "need_id")),
        sorted(Service.covered_needs.through.objects.values_list("service_id", "need_id")),
    )


def run(path, *options) -> tuple[str, str]:
    """The command's stdout and stderr (a CommandError propagates)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_directory", str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def near_lodeve(**kwargs):
    now = datetime.datetime(2024, 9, 2, 10, tzinfo=ZoneInfo("Europe/Paris"))
    return nearest_structures(
        latitude=LODEVE[0], longitude=LODEVE[1], radius_km=5, now=now, **kwargs
    )


@pytest.mark.django_db
def test_the_general_categories_and_the_networks():
    """needs.py: a category naming most of the catalog is general help, not needs."""
    mapping = load_need_mapping()
    assert mapping.general_lieux_services == {"Aide aux démarches administratives"}
    assert {
        "numerique--acceder-a-des-services-en-ligne",
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
    } <= mapping.general_thematiques
    assert "sante--acces-aux-soins" not in mapping.general_thematiques
    assert mapping.needs_for(thematiques=["numerique--acceder-a-des-services-en-ligne"]) == set()
    assert mapping.is_general_help(thematiques=["numerique--acceder-a-des-services-en-ligne"])
    assert not mapping.is_general_help(thematiques=["sante--acces-aux-soins"])
    caf = set(Need.objects.active().filter(operators__slug="caf").values_list("pk", flat=True))
    assert caf and mapping.needs_for(reseaux=["caf"]) == caf
    assert mapping.needs_for(operators=["caf"]) == caf


@pytest.mark.django_db
def test_an_update_writes_every_field_a_format_sets():
    """Each format's FIELDS (what an update writes) are exactly the values it cleans."""
    mapping = load_need_mapping()
    lieux_row = dict.fromkeys(LIEUX_COLUMNS, "") | lieu("l1", "Médiathèque")
    assert set(lieux.clean_row(lieux_row, mapping)) == set(lieux.FIELDS)
    fs_row = dict.fromkeys(FS_COLUMNS, "") | {k: str(v) for k, v in fs("1", "FS").items()}
    assert set(france_services.clean_row(fs_row, mapping)) == set(france_services.FIELDS)
    structure = DIStructure.model_validate(
        {"source": "dora", "id": "s1", "nom": "CCAS", "date_maj": "2024-01-01"}
    )
    assert set(data_inclusion.structure_values(structure, [])) == set(
        data_inclusion.STRUCTURE_FIELDS
    )
    service = DIService.model_validate(
        {
            "source": "dora",
            "structure_id": "s1",
            "id": "v1",
            "nom": "Aide",
            "description": "Une aide.",
            "date_maj": "2024-01-01",
        }
    )
    assert set(data_inclusion.service_values(service, [])) == set(data_inclusion.SERVICE_FIELDS)


@pytest.mark.django_db
class TestFormats:
    def test_auto_recognises_each_standard(self, tmp_path):
        report = import_directory(fs_file(tmp_path, fs("1", "France services de Lodève")))
        assert report.source == "france-services" and report.created == 1
        report = import_directory(lieux_file(tmp_path, lieu("l1", "Médiathèque")))
        assert report.source == "lieux-mediation-numerique" and report.created == 1
        structure = {"source": "dora", "id": "s1", "nom": "CCAS", "date_maj": "2024-01-01"}
        path = write(tmp_path, json.dumps([structure]), name="di.json")
        report = import_directory(path)
        assert report.source == "data-inclusion" and report.created == 1

    def test_a_semicolon_france_services_file(self, tmp_path):
        text = table(FS_COLUMNS, fs("1", "France services de Lodève")).replace(",", ";")
        report = import_directory(write(tmp_path, text))
        assert report.source == "france-services" and report.created == 1

    def test_the_source_name_is_chosen_with_source(self, tmp_path):
        path = fs_file(tmp_path, fs("1", "France services de Lodève"))
        out, _err = run(path, "--source", "fs-herault")
        assert out.startswith("fs-herault: 1 rows, 1 created")
        assert Structure.objects.get().source == "fs-herault"

    @pytest.mark.parametrize("source", ["   ", "x" * 61])
    def test_a_source_name_must_fit(self, tmp_path, source):
        with pytest.raises(UnreadableFile, match="source name"):
            import_directory(fs_file(tmp_path, fs("1", "FS")), source=source)

    def test_a_forced_format_that_does_not_fit_exits_2(self, tmp_path):
        path = fs_file(tmp_path, fs("1", "France services de Lodève"))
        with pytest.raises(CommandError, match="missing required column") as error:
            run(path, "--format", "lieux-mediation-numerique")
        assert error.value.returncode == 2
        with pytest.raises(CommandError, match="not JSON") as error:
            run(path, "--format", "data-inclusion")
        assert error.value.returncode == 2
        assert not Structure.objects.exists()

    def test_a_forced_format_that_fits(self, tmp_path):
        path = lieux_file(tmp_path, lieu("l1", "Médiathèque"))
        out, _err = run(path, "--format", "lieux-mediation-numerique")
        assert "1 created" in out


GOOD_LIEUX = [lieu("l1", "Médiathèque de Lodève"), lieu("l2", "Tiers-lieu du Lodévois")]


@pytest.mark.django_db
class TestUnreadableFiles:
    @pytest.mark.parametrize(
        "content,message",
        [
            (
                table(LIEUX_COLUMNS, lieu("l3", "Café numérique à Lodève")).encode("latin-1"),
                "not UTF-8",
            ),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
            (("A" * 5000 + "\x00\n").encode(), "binary"),
            (b"", "empty"),
            (b"  \n\n", "empty"),
            (b"Bonjour,\nceci n'est pas un tableau\n", "not a file of a known directory standard"),
            (b"<html><body>404</body></html>", "not a file of a known directory standard"),
            (
                table([c for c in LIEUX_COLUMNS if c != "code_postal"], lieu("l3", "X")).encode(),
                "missing required column",
            ),
            (table(LIEUX_COLUMNS).encode(), "has a header but no rows"),
            (
                table(LIEUX_COLUMNS, lieu("l3", "X")).encode()
                + b'l4,"43493312300029,Coup\xc3\xa9\n',
                "not valid CSV",
            ),
            (b'[{"source": "dora", "id": "s1"', "not JSON"),
        ],
        ids=[
            "latin-1",
            "binary",
            "nul-byte-late",
            "empty",
            "blank",
            "not-a-table",
            "html",
            "missing-column",
            "header-only",
            "broken-quoting",
            "truncated-json",
        ],
    )
    def test_exit_2_and_the_database_as_it_was(self, tmp_path, content, message):
        import_directory(lieux_file(tmp_path, *GOOD_LIEUX, name="before.csv"))
        before = snapshot()
        path = write(tmp_path, content)
        with pytest.raises(CommandError, match=message) as error:
            run(path)
        assert error.value.returncode == 2
        assert "Nothing was written" in str(error.value)
        assert snapshot() == before

    @pytest.mark.parametrize(
        "late,message",
        [("é".encode("latin-1"), "not UTF-8 \\(after line"), (b"\x00", "binary")],
        ids=["latin-1", "nul"],
    )
    def test_a_bad_byte_far_into_the_file_still_writes_nothing(self, tmp_path, late, message):
        # The file is read as it is imported: the bad byte comes after the first batch
        # of rows has been written, and the transaction must undo that batch.
        import_directory(lieux_file(tmp_path, *GOOD_LIEUX, name="before.csv"))
        before = snapshot()
        rows = [lieu(f"m{i}", f"Médiathèque {i}") for i in range(1500)]
        text = table(LIEUX_COLUMNS, *rows).encode()
        assert len(text) > 3 * 64 * 1024  # well past what is read to tell the format
        path = write(tmp_path, text + b"m9999,43493312300029,Caf" + late + b"\n")
        with pytest.raises(CommandError, match=message) as error:
            run(path)
        assert error.value.returncode == 2
        assert snapshot() == before

    def test_the_message_says_how_to_resave_as_utf8(self, tmp_path):
        path = write(tmp_path, table(LIEUX_COLUMNS, lieu("l1", "Médiathèque")), encoding="latin-1")
        with pytest.raises(CommandError, match="re-save it as UTF-8"):
            run(path)

    def test_a_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="cannot read") as error:
            run(tmp_path / "absent.csv")
        assert error.value.returncode == 2


BROKEN_ROWS = [
    lieu("l3", "Coordonnées fausses", latitude="95.2"),
    lieu("l4", "Code postal faux", code_postal="347"),
    lieu("l5", "Liste fermée", frais_a_charge="Gratuit|Prix libre"),
    lieu("l6", "Date fausse", date_maj="02/04/2024"),
    lieu("l1", "Identifiant en double"),
]
BROKEN_ERRORS = [
    (4, "latitude/longitude", "outside the WGS84 range"),
    (5, "code_postal", "not a 5-digit postcode"),
    (6, "frais_a_charge", "not a value of the standard's list"),
    (7, "date_maj", "not a date"),
    (8, "id", "duplicate id, first seen on line 2"),
    (9, "*", "truncated or extra fields: 3 fields instead of 32"),
]


def broken_file(tmp_path, name="broken.csv"):
    text = table(LIEUX_COLUMNS, *GOOD_LIEUX, *BROKEN_ROWS) + "l7,43493312300029,Tronqué\n"
    return write(tmp_path, text, name=name)


@pytest.mark.django_db
class TestBadRows:
    def test_bad_rows_are_skipped_and_named_the_rest_imported(self, tmp_path):
        report_path = tmp_path / "report.json"
        out, err = run(broken_file(tmp_path), "--report", str(report_path))
        assert out.strip() == (
            "lieux-mediation-numerique: 8 rows, 2 created, 0 updated, 0 unchanged, "
            "0 inactive, 6 skipped, 0 warnings"
        )
        lines = err.strip().splitlines()
        assert lines[0] == "line 4: latitude/longitude ('95.2, 3.3194'): outside the WGS84 range"
        assert lines[1] == "line 5: code_postal ('347'): not a 5-digit postcode"
        assert lines[2] == (
            "line 6: frais_a_charge ('Prix libre'): not a value of the standard's list"
        )
        assert len([line for line in lines if line.startswith("line ")]) == 6
        assert sorted(Structure.objects.values_list("source_id", flat=True)) == ["l1", "l2"]
        saved = json.loads(report_path.read_text(encoding="utf-8"))
        assert [(e["line"], e["field"]) for e in saved["errors"]] == [
            (line, field) for line, field, _ in BROKEN_ERRORS
        ]
        for error, (_line, _field, reason) in zip(saved["errors"], BROKEN_ERRORS, strict=True):
            assert error["reason"].startswith(reason)
        assert (saved["created"], saved["skipped"], saved["committed"]) == (2, 6, True)

    def test_a_broken_newer_file_leaves_the_database_as_it_was(self, tmp_path):
        import_directory(lieux_file(tmp_path, *GOOD_LIEUX))
        before = snapshot()
        _out, err = run(broken_file(tmp_path))
        assert len(err.strip().splitlines()) == 6
        assert snapshot() == before

    def test_the_json_report_has_every_error_the_screen_only_the_first(self, tmp_path):
        rows = [lieu(f"bad{n}", "Sans code postal", code_postal="") for n in range(60)]
        report_path = tmp_path / "report.json"
        _out, err = run(lieux_file(tmp_path, *GOOD_LIEUX, *rows), "--report", str(report_path))
        assert "... and 10 more bad lines (see --report)" in err
        saved = json.loads(report_path.read_text(encoding="utf-8"))
        assert len(saved["errors"]) == 60
        assert saved["errors"][-1]["line"] == 63

    def test_strict_exits_1_and_writes_nothing(self, tmp_path):
        import_directory(fs_file(tmp_path, fs("1", "France services de Lodève")))
        before = snapshot()
        with pytest.raises(CommandError, match="6 bad row") as error:
            run(broken_file(tmp_path), "--strict")
        assert error.value.returncode == 1
        assert snapshot() == before

    def test_strict_with_a_clean_file_imports(self, tmp_path):
        out, _err = run(lieux_file(tmp_path, *GOOD_LIEUX), "--strict")
        assert "2 created" in out and Structure.objects.count() == 2

    def test_strict_through_the_service(self, tmp_path):
        report = import_directory(broken_file(tmp_path), strict=True)
        assert not report.committed and report.skipped == 6
        assert "rejected, nothing written" in report.summary_line()
        assert not Structure.objects.exists()

    def test_dry_run_reports_the_same_counts_and_writes_nothing(self, tmp_path):
        import_directory(fs_file(tmp_path, fs("1", "France services de Lodève")))
        before = snapshot()
        dry_out, dry_err = run(broken_file(tmp_path), "--dry-run")
        assert snapshot() == before
        real_out, real_err = run(broken_file(tmp_path))
        assert dry_out.strip() == real_out.strip() + " (dry run, nothing written)"
        assert dry_err == real_err

    def test_dry_run_of_a_reimport(self, tmp_path):
        path = lieux_file(tmp_path, *GOOD_LIEUX)
        import_directory(path)
        before = snapshot()
        out, _err = run(lieux_file(tmp_path, GOOD_LIEUX[0], name="v2.csv"), "--dry-run")
        assert "0 created, 0 updated, 1 unchanged, 1 inactive" in out
        assert snapshot() == before

    def test_a_bad_row_does_not_retire_what_it_stands_for(self, tmp_path):
        import_directory(lieux_file(tmp_path, *GOOD_LIEUX))
        text = table(LIEUX_COLUMNS, GOOD_LIEUX[0], {**GOOD_LIEUX[1], "code_postal": "x"})
        report = import_directory(write(tmp_path, text, name="v2.csv"))
        assert (report.unchanged, report.skipped, report.inactive) == (1, 1, 0)
        assert Structure.objects.get(source_id="l2").is_active

    def test_a_file_with_no_identifiable_row_retires_nothing(self, tmp_path):
        import_directory(lieux_file(tmp_path, *GOOD_LIEUX))
        before = snapshot()
        nameless = [{**row, "id": ""} for row in GOOD_LIEUX]
        report = import_directory(lieux_file(tmp_path, *nameless, name="v2.csv"))
        assert (report.skipped, report.inactive) == (2, 0)
        assert [(e.line, e.field, e.reason) for e in report.errors] == [
            (2, "id", "required, empty"),
            (3, "id", "required, empty"),
        ]
        assert snapshot() == before

    def test_a_truncated_line_does_not_retire_the_place_it_names(self, tmp_path):
        import_directory(lieux_file(tmp_path, *GOOD_LIEUX))
        text = table(LIEUX_COLUMNS, GOOD_LIEUX[0]) + "l2,43493312300029,Tiers-lieu\n"
        report = import_directory(write(tmp_path, text, name="v2.csv"))
        assert (report.unchanged, report.skipped, report.inactive) == (1, 1, 0)
        assert Structure.objects.get(source_id="l2").is_active


@pytest.mark.django_db
class TestReimport:
    ROWS = (fs("1", "France services de Lodève"), fs("2", "France services du Caylar", 43.86, 3.31))

    def test_the_same_file_again_is_unchanged(self, tmp_path):
        path = fs_file(tmp_path, *self.ROWS)
        run(path)
        before = snapshot()
        out, _err = run(path)
        assert out.strip() == (
            "france-services: 2 rows, 0 created, 0 updated, 2 unchanged, 0 inactive, 0 skipped, "
            "0 warnings"
        )
        assert snapshot() == before

    def test_a_changed_row_updates_in_place(self, tmp_path):
        import_directory(fs_file(tmp_path, *self.ROWS))
        pk = Structure.objects.get(source_id="2").pk
        changed = {**self.ROWS[1], "telephone": "04 67 44 00 00", "h_samedi": "09:00 - 12:00"}
        report = import_directory(fs_file(tmp_path, self.ROWS[0], changed, name="v2.csv"))
        assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
        structure = Structure.objects.get(source_id="2")
        assert structure.pk == pk and structure.phone == "+33467440000"
        assert structure.opening_hours == "Mo-Tu 09:00-12:00,14:00-17:00; Sa 09:00-12:00"

    def test_an_absent_row_becomes_inactive_then_comes_back(self, tmp_path):
        import_directory(fs_file(tmp_path, *self.ROWS))
        pk = Structure.objects.get(source_id="2").pk
        out, _err = run(fs_file(tmp_path, self.ROWS[0], name="v2.csv"))
        assert "0 updated, 1 unchanged, 1 inactive" in out
        gone = Structure.objects.get(pk=pk)
        assert not gone.is_active
        assert gone.covered_needs.exists()  # kept whole, only retired
        assert [s.structure.pk for s in near_lodeve(limit=10)] == [
            Structure.objects.get(source_id="1").pk
        ]
        report = import_directory(fs_file(tmp_path, *self.ROWS, name="v3.csv"))
        assert (report.created, report.updated, report.unchanged, report.inactive) == (0, 1, 1, 0)
        assert Structure.objects.get(source_id="2").pk == pk
        assert Structure.objects.get(pk=pk).is_active

    def test_another_sources_rows_are_untouched(self, tmp_path):
        import_directory(fs_file(tmp_path, *self.ROWS), source="fs-34")
        import_directory(lieux_file(tmp_path, *GOOD_LIEUX))
        before = [s for s in snapshot()[0] if s["source"] != "fs-12"]
        report = import_directory(
            fs_file(tmp_path, fs("9", "FS de Millau", 44.1, 3.07)), source="fs-12"
        )
        assert (report.created, report.inactive) == (1, 0)
        assert [s for s in snapshot()[0] if s["source"] != "fs-12"] == before
        # A file of a source retires only that source's rows.
        report = import_directory(fs_file(tmp_path, self.ROWS[0], name="v2.csv"), source="fs-34")
        assert report.inactive == 1
        assert Structure.objects.filter(is_active=False).count() == 1
        assert Structure.objects.get(source="fs-12").is_active

    def test_staff_edited_needs_are_not_recomputed(self, tmp_path):
        import_directory(fs_file(tmp_path, *self.ROWS))
        edited = Structure.objects.get(source_id="1")
        chosen = set(Need.objects.filter(operators__slug="mdph").values_list("pk", flat=True))
        edited.covered_needs.set(chosen)
        Structure.objects.filter(pk=edited.pk).update(covered_needs_edited=True)
        other = Structure.objects.get(source_id="2")
        other.covered_needs.clear()
        changed = [{**row, "telephone": "04 99 00 00 00"} for row in self.ROWS]
        report = import_directory(fs_file(tmp_path, *changed, name="v2.csv"))
        assert report.updated == 2
        assert set(edited.covered_needs.values_list("pk", flat=True)) == chosen
        assert other.covered_needs.count() > 10  # recomputed: the bouquet


@pytest.mark.django_db
class TestSamePlaceInTwoSources:
    def test_same_name_within_50_m_is_linked_to_the_first_known(self, tmp_path):
        import_directory(fs_file(tmp_path, fs("1", "France services de Lodève")))
        first = Structure.objects.get(source="france-services")
        # ~30 m north, same name spelled differently.
        twin = lieu("l1", "France Services - Lodève", latitude=LODEVE[0] + 0.00027)
        report = import_directory(lieux_file(tmp_path, twin, *GOOD_LIEUX[1:]))
        assert any("linked" in note for note in report.notes)
        second = Structure.objects.get(source="lieux-mediation-numerique", source_id="l1")
        assert second.duplicate_of_id == first.pk and second.place_id == first.pk
        assert Structure.objects.get(source_id="l2").duplicate_of_id is None
        assert Structure.objects.active().canonical().count() == 2
        found = near_lodeve()
        assert len(found) == 2
        assert {s.structure.place_id for s in found} == {
            first.pk,
            Structure.objects.get(source_id="l2").pk,
        }
        # Re-importing either file keeps the link.
        import_directory(fs_file(tmp_path, fs("1", "France services de Lodève"), name="again.csv"))
        import_directory(lieux_file(tmp_path, twin, *GOOD_LIEUX[1:], name="again.csv"))
        assert Structure.objects.get(pk=second.pk).duplicate_of_id == first.pk

    def test_same_name_200_m_away_is_not_linked(self, tmp_path):
        import_directory(fs_file(tmp_path, fs("1", "France services de Lodève")))
        far = lieu("l1", "France services de Lodève", latitude=LODEVE[0] + 0.0018)
        import_directory(lieux_file(tmp_path, far))
        assert not Structure.objects.filter(duplicate_of__isnull=False).exists()
        assert len(near_lodeve()) == 2

    def test_another_name_at_the_same_spot_is_not_linked(self, tmp_path):
        import_directory(fs_file(tmp_path, fs("1", "France services de Lodève")))
        import_directory(lieux_file(tmp_path, lieu("l1", "Médiathèque Confluence")))
        assert not Structure.objects.filter(duplicate_of__isnull=False).exists()

    def test_same_siret_and_address_is_linked_whatever_the_name(self, tmp_path):
        import_directory(
            lieux_file(tmp_path, lieu("l1", "Espace numérique", latitude="", longitude=""))
        )
        structure = {
            "source": "dora",
            "id": "s1",
            "nom": "Mairie de Lodève, point numérique",
            "date_maj": "2024-01-01",
            "siret": "43493312300029",
            "adresse": "L1 Rue de la gare",
            "latitude": 44.0,
            "longitude": 3.0,
        }
        import_directory(write(tmp_path, json.dumps([structure]), name="di.json"))
        first = Structure.objects.get(source_id="l1")
        assert Structure.objects.get(source_id="s1").duplicate_of_id == first.pk
        other_address = {**structure, "id": "s2", "adresse": "2 rue Neuve"}
        import_directory(write(tmp_path, json.dumps([structure, other_address]), name="v2.json"))
        assert Structure.objects.get(source_id="s2").duplicate_of_id is None

    def test_two_rows_of_one_source_are_never_linked(self, tmp_path):
        rows = (fs("1", "France services de Lodève"), fs("2", "France services de Lodève"))
        import_directory(fs_file(tmp_path, *rows))
        assert not Structure.objects.filter(duplicate_of__isnull=False).exists()

    def test_a_retired_place_frees_its_twin_and_takes_it_back_when_it_returns(self, tmp_path):
        fs_row = fs("1", "France services de Lodève")
        import_directory(fs_file(tmp_path, fs_row, fs("2", "FS du Caylar", 43.86, 3.31)))
        import_directory(lieux_file(tmp_path, lieu("l1", "France services de Lodève")))
        first = Structure.objects.get(source_id="1")
        twin = Structure.objects.get(source_id="l1")
        assert twin.duplicate_of_id == first.pk
        import_directory(fs_file(tmp_path, fs("2", "FS du Caylar", 43.86, 3.31), name="v2.csv"))
        twin.refresh_from_db()
        assert twin.duplicate_of_id is None and twin.is_active
        assert [s.structure.pk for s in near_lodeve()] == [twin.pk]
        import_directory(
            fs_file(tmp_path, fs_row, fs("2", "FS du Caylar", 43.86, 3.31), name="v3.csv")
        )
        twin.refresh_from_db()
        assert twin.duplicate_of_id == first.pk
        assert [s.structure.place_id for s in near_lodeve()] == [first.pk]

    def test_three_sources_one_place(self, tmp_path):
        caylar = fs("2", "FS du Caylar", 43.86, 3.31)
        fs_row = fs("1", "France services de Lodève")
        import_directory(fs_file(tmp_path, fs_row, caylar))
        import_directory(lieux_file(tmp_path, lieu("l1", "France services de Lodève")))
        structure = {
            "source": "dora",
            "id": "s1",
            "nom": "France Services Lodève",
            "date_maj": "2024-01-01",
            "latitude": LODEVE[0] - 0.0002,
            "longitude": LODEVE[1],
        }
        import_directory(write(tmp_path, json.dumps([structure]), name="di.json"))
        first, second, third = (
            Structure.objects.get(source_id=sid).pk for sid in ("1", "l1", "s1")
        )
        links = dict(Structure.objects.values_list("pk", "duplicate_of_id"))
        assert (links[second], links[third]) == (first, first)
        # The first retires: the two others are still one place, the next known.
        import_directory(fs_file(tmp_path, caylar, name="v2.csv"))
        links = dict(Structure.objects.values_list("pk", "duplicate_of_id"))
        assert (links[second], links[third]) == (None, second)
        assert [s.structure.place_id for s in near_lodeve()] == [second]
        # It comes back and takes both back, without a chain.
        import_directory(fs_file(tmp_path, fs_row, caylar, name="v3.csv"))
        links = dict(Structure.objects.values_list("pk", "duplicate_of_id"))
        assert (links[first], links[second], links[third]) == (None, first, first)
        assert [s.structure.place_id for s in near_lodeve()] == [first]

    def test_a_place_that_moves_away_loses_its_twin(self, tmp_path):
        import_directory(fs_file(tmp_path, fs("1", "France services de Lodève")))
        import_directory(lieux_file(tmp_path, lieu("l1", "France services de Lodève")))
        twin = Structure.objects.get(source_id="l1")
        assert twin.duplicate_of_id is not None
        moved = fs("1", "France services de Lodève", latitude=LODEVE[0] + 0.0018)
        import_directory(fs_file(tmp_path, moved, name="v2.csv"))
        twin.refresh_from_db()
        assert twin.duplicate_of_id is None
        assert len(near_lodeve()) == 2
