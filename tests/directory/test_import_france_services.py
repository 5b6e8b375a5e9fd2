"""import_directory on the ANCT list of France services: hours, bouquet, the real file."""

import pytest
from django.core.management import call_command

from aiguillage.catalog.models import Need
from aiguillage.core.opening import parse_opening_hours
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.imports.france_services import day_ranges, weekly_hours
from aiguillage.directory.models import Structure
from aiguillage.directory.needs import FRANCE_SERVICES_BOUQUET
from aiguillage.directory.vocabularies import ON_SITE
from tests.reference_data import FRANCE_SERVICES_CSV

FRANCE_SERVICES = FRANCE_SERVICES_CSV
needs_shared_file = pytest.mark.skipif(
    not FRANCE_SERVICES.exists(), reason=f"reference data absent: {FRANCE_SERVICES}"
)

HEADER = (
    '"id_fs","insee_dep","lib_fs","adresse","complement_adresse","insee_com","code_postal",'
    '"lib_com","latitude","longitude","mail","telephone","h_lundi","h_mardi","h_mercredi",'
    '"h_jeudi","h_vendredi","h_samedi","prise_rdv","commentaire","type_fs","format_fs",'
    '"groupe_fs","labellisation_fs"\n'
)
LODEVE = (
    '"10","34","France services de Lodève","1 place de la République",,"34142","34700",'
    '"Lodève",43.7317,3.3194,"lodeve@france-services.gouv.fr - accueil@lodeve.fr",'
    '"04 67 88 86 00","09:00 - 12:00 / 14:00 - 17:00","09:00 - 12:00 / 14:00 - 17:00",'
    '"09:00 - 12:00","09:00 - 12:00 / 14:00 - 17:00","09:00 - 12:00 / 14:00 - 17:00",,'
    '"Oui","Parking devant","Principal","Fixe",,"Espace labellisé 01/01/2020"\n'
)
BUS = (
    '"11","34","Bus France services du Larzac","Place du marché",,"34064","34520",'
    '"Le Caylar",43.8636,3.3181,"bus@larzac.fr","0467000000","09:30 - 16:30",,,,,'
    '"09h00 - 12h00","Non",,"Antenne","Bus_équivalent","Communauté Lodévois et Larzac",\n'
)


def write(tmp_path, text, name="fs.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestWeeklyHours:
    @pytest.mark.parametrize(
        "cell,expected",
        [
            ("09:00 - 12:00 / 13:30 - 17:00", "09:00-12:00,13:30-17:00"),
            ("9h00 - 12h00", "09:00-12:00"),
            ("13:30-17:00", "13:30-17:00"),
            ("Fermé", None),
            ("09:00 - 25:00", None),
            ("09:00 - 12:00 /", None),
        ],
    )
    def test_one_day(self, cell, expected):
        assert day_ranges(cell) == expected

    def test_consecutive_equal_days_are_grouped_and_gaps_kept(self):
        week = {
            "h_lundi": "09:00 - 12:00",
            "h_mardi": "09:00 - 12:00",
            "h_mercredi": "",
            "h_jeudi": "09:00 - 12:00",
            "h_vendredi": "09:00 - 12:00",
            "h_samedi": "10:00 - 12:00",
        }
        assert weekly_hours(week) == ("Mo-Tu 09:00-12:00; Th-Fr 09:00-12:00; Sa 10:00-12:00", True)

    def test_no_hours_at_all_is_empty_and_valid(self):
        assert weekly_hours({"h_lundi": " "}) == ("", True)

    def test_an_unreadable_cell_keeps_the_week_as_typed_and_flags_it(self):
        hours, valid = weekly_hours({"h_lundi": "09:00 - 12:00", "h_mardi": "sur rendez-vous"})
        assert (hours, valid) == ("Mo: 09:00 - 12:00; Tu: sur rendez-vous", False)


@pytest.mark.django_db
class TestSmallFile:
    def test_rows_become_france_services_with_hours_and_mobile_bus(self, tmp_path):
        report = import_directory(write(tmp_path, HEADER + LODEVE + BUS))
        assert (report.source, report.rows, report.created, report.skipped) == (
            "france-services",
            2,
            2,
            0,
        )
        lodeve = Structure.objects.get(source="france-services", source_id="10")
        assert lodeve.opening_hours == "Mo-Tu 09:00-12:00,14:00-17:00; We 09:00-12:00; " + (
            "Th-Fr 09:00-12:00,14:00-17:00"
        )
        assert lodeve.opening_hours_valid
        assert lodeve.email == "lodeve@france-services.gouv.fr"
        assert lodeve.other_emails == ["accueil@lodeve.fr"]
        assert lodeve.phone == "+33467888600"
        assert lodeve.typology == "France services"
        assert lodeve.description.startswith("Accueil sur rendez-vous.\nParking devant")
        assert lodeve.access_modalities == ["Téléphoner"]
        assert lodeve.reception_modes == [ON_SITE]
        assert not lodeve.is_mobile and lodeve.general_help
        bus = Structure.objects.get(source_id="11")
        assert bus.is_mobile and bus.typology == "France services (antenne)"
        assert bus.opening_hours == "Mo 09:30-16:30; Sa 09:00-12:00"
        assert bus.parent_name == "Communauté Lodévois et Larzac"

    def test_every_france_services_covers_the_bouquet(self, tmp_path):
        import_directory(write(tmp_path, HEADER + LODEVE))
        lodeve = Structure.objects.get(source_id="10")
        covered = set(lodeve.covered_needs.values_list("pk", flat=True))
        # The démarches the issue names: each partner of the bouquet brings its needs.
        for operator in (
            "caf",
            "assurance-maladie",
            "france-travail",
            "dgfip",
            "ants",
            "assurance-retraite",
            "msa",
            "la-poste",
            "justice",
            "asp-cheque-energie",
        ):
            needs = set(
                Need.objects.active().filter(operators__slug=operator).values_list("pk", flat=True)
            )
            assert needs, operator
            assert needs <= covered, operator
        bouquet = Need.objects.active().filter(operators__slug__in=FRANCE_SERVICES_BOUQUET)
        assert covered == set(bouquet.values_list("pk", flat=True))
        # A need of no partner of the bouquet is not claimed (Urssaf, for instance).
        urssaf_only = Need.objects.filter(operators__slug="urssaf").exclude(
            operators__slug__in=FRANCE_SERVICES_BOUQUET
        )
        assert urssaf_only.exists()
        assert not covered & set(urssaf_only.values_list("pk", flat=True))

    def test_unreadable_hours_are_kept_as_typed_and_flagged(self, tmp_path):
        row = LODEVE.replace(
            '"09:00 - 12:00","09:00 - 12:00 / 14', '"matin seulement","09:00 - 12:00 / 14'
        )
        report = import_directory(write(tmp_path, HEADER + row))
        assert report.created == 1 and report.skipped == 0
        lodeve = Structure.objects.get(source_id="10")
        assert not lodeve.opening_hours_valid
        assert "We: matin seulement" in lodeve.opening_hours
        [warning] = report.warnings
        assert (warning.line, warning.field, warning.value, warning.code) == (
            2, "h_mercredi", "matin seulement", "hours",
        )  # fmt: skip

    @pytest.mark.parametrize(
        "old,new,field",
        [
            ("43.7317,3.3194", "143.7317,3.3194", "latitude/longitude"),
            ("43.7317,3.3194", "43.7317,", "latitude/longitude"),
            ('"34700"', '"347"', "code_postal"),
            ('"34142"', '"3414X"', "insee_com"),
            ('"France services de Lodève"', '""', "lib_fs"),
        ],
    )
    def test_bad_rows_are_named_and_skipped(self, tmp_path, old, new, field):
        bad = LODEVE.replace('"10"', '"12"').replace(old, new)
        assert bad != LODEVE.replace('"10"', '"12"')
        report = import_directory(write(tmp_path, HEADER + LODEVE + bad))
        assert (report.created, report.skipped) == (1, 1)
        assert [(e.line, e.field) for e in report.errors] == [(3, field)]
        assert list(Structure.objects.values_list("source_id", flat=True)) == ["10"]

    def test_duplicate_and_truncated_rows(self, tmp_path):
        text = HEADER + LODEVE + LODEVE.replace("Lodève", "Lodève bis") + '"13","34","Tronquée"\n'
        report = import_directory(write(tmp_path, text))
        assert (report.rows, report.created, report.skipped) == (3, 1, 2)
        assert [(e.line, e.field) for e in report.errors] == [(3, "id_fs"), (4, "*")]
        assert str(report.errors[0]) == "line 3: id_fs ('10'): duplicate id, first seen on line 2"

    def test_a_lenient_phone_is_kept_as_typed_with_a_warning(self, tmp_path):
        row = LODEVE.replace('"04 67 88 86 00"', '"standard : voir mairie"')
        report = import_directory(write(tmp_path, HEADER + row))
        assert Structure.objects.get(source_id="10").phone == "standard : voir mairie"
        assert [(w.line, w.field, w.code) for w in report.warnings] == [(2, "telephone", "phone")]

    def test_a_bad_address_among_several_is_left_out_with_a_warning(self, tmp_path):
        row = LODEVE.replace("accueil@lodeve.fr", "pas une adresse")
        report = import_directory(write(tmp_path, HEADER + row))
        assert (report.created, report.skipped) == (1, 0)
        lodeve = Structure.objects.get(source_id="10")
        assert lodeve.email == "lodeve@france-services.gouv.fr" and lodeve.other_emails == []
        # "pas une adresse" is split like a list of addresses: three bad words.
        assert {(w.line, w.field, w.code) for w in report.warnings} == {(2, "mail", "email")}


@needs_shared_file
@pytest.mark.django_db
def test_the_real_list_imports_whole_then_again_unchanged(capsys):
    call_command("import_directory", str(FRANCE_SERVICES))
    first = capsys.readouterr().out.strip().splitlines()[-1]
    assert first == (
        "france-services: 2845 rows, 2845 created, 0 updated, 0 unchanged, 0 inactive, "
        "0 skipped, 0 warnings"
    )
    structures = Structure.objects.filter(source="france-services")
    assert structures.count() == 2845
    assert structures.filter(opening_hours_valid=False).count() == 0
    assert structures.filter(latitude__isnull=True).count() == 0
    valserhone = structures.get(source_id="1")
    assert valserhone.name == "France services de Valserhône"
    assert valserhone.opening_hours == (
        "Mo 13:30-17:00; Tu-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00,13:30-16:00"
    )
    assert valserhone.commune_insee == "01033" and valserhone.postcode == "01200"
    assert valserhone.phone == "+33450568749"
    assert structures.get(source_id="2").opening_hours == (
        "Tu-Fr 09:00-12:00,14:00-16:30; Sa 09:00-12:00"
    )
    assert structures.get(source_id="3").opening_hours == "Mo-Fr 09:30-16:30"
    assert structures.get(source_id="3").is_mobile
    assert structures.get(source_id="7").opening_hours == (
        "Mo-Th 09:00-12:00,13:00-17:30; Fr 09:00-12:00,13:00-16:00; Sa 09:00-12:00"
    )
    for structure in structures.filter(source_id__in=["1", "2", "3", "7"]):
        assert parse_opening_hours(structure.opening_hours) is not None
    bouquet_needs = set(
        Need.objects.active()
        .filter(operators__slug__in=FRANCE_SERVICES_BOUQUET)
        .values_list("pk", flat=True)
    )
    assert set(valserhone.covered_needs.values_list("pk", flat=True)) == bouquet_needs
    through = Structure.covered_needs.through.objects.filter(structure__source="france-services")
    assert through.count() == 2845 * len(bouquet_needs)

    call_command("import_directory", str(FRANCE_SERVICES))
    second = capsys.readouterr().out.strip().splitlines()[-1]
    assert second == (
        "france-services: 2845 rows, 0 created, 0 updated, 2845 unchanged, 0 inactive, "
        "0 skipped, 0 warnings"
    )
    assert structures.get(source_id="1").pk == valserhone.pk
