"""import_directory on data·inclusion v1: structures and services as JSON."""

import json

import pytest
from django.core.management import CommandError, call_command

from aiguillage.catalog.models import Need
from aiguillage.directory.imports import data_inclusion
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.models import Service, Structure
from aiguillage.directory.needs import FRANCE_SERVICES_BOUQUET
from aiguillage.directory.vocabularies import ON_SITE, REMOTE

CAF = {
    "source": "dora",
    "id": "caf-lodeve",
    "nom": "CAF de l'Hérault, accueil de Lodève",
    "date_maj": "2024-05-01",
    "siret": "53481152400017",
    "commune": "Lodève",
    "code_postal": "34700",
    "code_insee": "34142",
    "adresse": "3 boulevard Montalangue",
    "latitude": 43.7301,
    "longitude": 3.3201,
    "telephone": "0467889090",
    "courriel": "accueil.lodeve@caf.fr",
    "site_web": "https://www.caf.fr",
    "horaires_accueil": "Mo-Fr 08:30-12:00",
    "reseaux_porteurs": ["caf"],
    "lien_source": "https://dora.inclusion.beta.gouv.fr/structures/caf-lodeve",
}
CCAS = {
    "source": "dora",
    "id": "ccas-lodeve",
    "nom": "CCAS de Lodève",
    "date_maj": "2024-04-01",
    "commune": "Lodève",
    "code_postal": "34700",
    "adresse": "7 place de l'Hôtel de ville",
    "latitude": 43.7322,
    "longitude": 3.3190,
    "reseaux_porteurs": ["ccas-cias"],
}
HEALTH = {
    "source": "dora",
    "structure_id": "ccas-lodeve",
    "id": "ccas-sante",
    "nom": "Accès aux soins",
    "description": "Ouvrir ses droits à la santé.",
    "date_maj": "2024-04-01",
    "type": "accompagnement",
    "thematiques": ["sante--acces-aux-soins"],
    "modes_accueil": ["en-presentiel"],
    "frais": "gratuit",
    "publics": ["seniors", "familles"],
    "modes_mobilisation": ["telephoner"],
    "mobilisable_par": ["usagers"],
    "telephone": "04 67 88 00 00",
    "horaires_accueil": "Mo 14:00-17:00",
    "zone_eligibilite": ["34142"],
}
ONLINE = {
    "source": "dora",
    "structure_id": "ccas-lodeve",
    "id": "ccas-en-ligne",
    "nom": "Aide aux démarches en ligne",
    "description": "Un écrivain public numérique.",
    "date_maj": "2024-04-01",
    "thematiques": ["numerique--acceder-a-des-services-en-ligne"],
    "modes_accueil": ["a-distance"],
}


def write(tmp_path, data, name="di.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def need_ids(**filters):
    return set(Need.objects.active().filter(**filters).values_list("pk", flat=True))


def thematique_needs(code):
    return {need.pk for need in Need.objects.active() if code in need.di_thematiques}


def covered(obj):
    return set(obj.covered_needs.values_list("pk", flat=True))


@pytest.mark.django_db
class TestStructuresAndServices:
    def test_a_list_of_structures_and_services(self, tmp_path):
        report = import_directory(write(tmp_path, [CAF, CCAS, HEALTH, ONLINE]))
        assert (report.source, report.rows, report.created, report.skipped) == (
            "data-inclusion",
            4,
            4,
            0,
        )
        caf = Structure.objects.get(source="data-inclusion", source_id="caf-lodeve")
        assert caf.siret == "53481152400017" and caf.reseaux_porteurs == ["caf"]
        assert caf.phone == "+33467889090" and caf.producer == "dora"
        assert caf.website == "https://www.caf.fr/"
        assert caf.source_url == "https://dora.inclusion.beta.gouv.fr/structures/caf-lodeve"
        assert caf.opening_hours == "Mo-Fr 08:30-12:00" and caf.opening_hours_valid
        health = Service.objects.get(source_id="ccas-sante")
        assert health.structure.source_id == "ccas-lodeve"
        assert health.kind == "accompagnement" and health.fees == ["gratuit"]
        assert health.publics == ["familles", "seniors"]
        assert health.mobilisation_modes == ["telephoner"]
        assert health.eligibility_zone == ["34142"]
        assert health.phone == "+33467880000"

    def test_a_caf_structure_covers_the_caf_needs(self, tmp_path):
        import_directory(write(tmp_path, [CAF]))
        caf = Structure.objects.get(source_id="caf-lodeve")
        assert need_ids(operators__slug="caf")
        assert covered(caf) == need_ids(operators__slug="caf")
        assert not caf.general_help

    def test_a_france_services_of_data_inclusion_covers_the_bouquet(self, tmp_path):
        fs = {**CCAS, "id": "fs-lodeve", "reseaux_porteurs": ["france-service"]}
        import_directory(write(tmp_path, [fs]))
        structure = Structure.objects.get(source_id="fs-lodeve")
        assert covered(structure) == need_ids(operators__slug__in=FRANCE_SERVICES_BOUQUET)

    def test_a_structure_shows_what_its_services_offer(self, tmp_path):
        import_directory(write(tmp_path, [CAF, CCAS, HEALTH, ONLINE]))
        ccas = Structure.objects.get(source_id="ccas-lodeve")
        assert ccas.thematiques == [
            "numerique--acceder-a-des-services-en-ligne",
            "sante--acces-aux-soins",
        ]
        assert ccas.reception_modes == [REMOTE, ON_SITE]
        # "accéder à des services en ligne" maps to most of the catalog: general help.
        assert ccas.general_help
        assert covered(ccas) == thematique_needs("sante--acces-aux-soins")
        assert covered(Service.objects.get(source_id="ccas-sante")) == thematique_needs(
            "sante--acces-aux-soins"
        )
        assert covered(Service.objects.get(source_id="ccas-en-ligne")) == set()

    def test_unreadable_opening_hours_are_kept_and_flagged(self, tmp_path):
        odd = {**CCAS, "horaires_accueil": "le lundi matin, sauf vacances"}
        service = {**HEALTH, "horaires_accueil": "sur rendez-vous"}
        report = import_directory(write(tmp_path, [odd, service]))
        assert (report.created, report.skipped) == (2, 0)
        ccas = Structure.objects.get(source_id="ccas-lodeve")
        assert ccas.opening_hours == "le lundi matin, sauf vacances"
        assert not ccas.opening_hours_valid
        health = Service.objects.get(source_id="ccas-sante")
        assert (health.opening_hours, health.opening_hours_valid) == ("sur rendez-vous", False)

    def test_the_apis_paginated_items(self, tmp_path):
        page = {"items": [CAF, CCAS], "total": 2, "page": 1, "size": 50, "pages": 1}
        report = import_directory(write(tmp_path, page))
        assert (report.created, report.skipped) == (2, 0)

    def test_an_object_with_structures_and_services(self, tmp_path):
        report = import_directory(write(tmp_path, {"structures": [CCAS], "services": [HEALTH]}))
        assert (report.created, report.skipped) == (2, 0)

    def test_a_services_file_after_a_structures_file(self, tmp_path):
        import_directory(write(tmp_path, [CAF, CCAS], name="structures.json"))
        report = import_directory(write(tmp_path, [HEALTH, ONLINE], name="services.json"))
        assert (report.rows, report.created, report.inactive, report.skipped) == (2, 2, 0, 0)
        ccas = Structure.objects.get(source_id="ccas-lodeve")
        assert ccas.general_help
        assert covered(ccas) == thematique_needs("sante--acces-aux-soins")
        # The structures stay: a services file does not retire them.
        assert Structure.objects.active().count() == 2

    def test_a_service_of_an_unknown_structure_is_reported(self, tmp_path):
        orphan = {**HEALTH, "id": "orphelin", "structure_id": "inconnue"}
        report = import_directory(write(tmp_path, [CCAS, HEALTH, orphan]))
        assert (report.created, report.skipped) == (2, 1)
        [error] = report.errors
        assert (error.unit, error.line, error.field, error.value) == (
            "item",
            3,
            "structure_id",
            "inconnue",
        )
        assert "import the structures first" in error.reason
        assert str(error).startswith("item 3: structure_id ('inconnue'): no structure")

    def test_services_of_another_source_do_not_find_the_structures(self, tmp_path):
        import_directory(write(tmp_path, [CCAS], name="structures.json"))
        report = import_directory(
            write(tmp_path, [HEALTH], name="services.json"), source="data-inclusion-34"
        )
        assert (report.created, report.skipped) == (0, 1)


@pytest.mark.django_db
class TestValidation:
    @pytest.mark.parametrize(
        "item,field",
        [
            ({**CAF, "nom": None}, "nom"),
            ({**CAF, "date_maj": "hier"}, "date_maj"),
            ({**CAF, "siret": "123"}, "siret"),
            ({**CAF, "code_postal": "347"}, "code_postal"),
            ({**CAF, "telephone": 467889090}, "telephone"),
            ({**CAF, "reseaux_porteurs": ["reseau-invente"]}, "reseaux_porteurs.0"),
            ({**CAF, "latitude": 143.0}, "latitude/longitude"),
            ({**CAF, "code_insee": "2C001"}, "code_insee"),
            ({**HEALTH, "thematiques": ["cuisine"]}, "thematiques.0"),
            ({**HEALTH, "description": None}, "description"),
            ({**HEALTH, "frais": "cher"}, "frais"),
        ],
    )
    def test_an_invalid_item_is_skipped_with_its_number_and_field(self, tmp_path, item, field):
        items = [CCAS, {**item, "id": "bad"}, ONLINE]
        report = import_directory(write(tmp_path, items))
        assert report.skipped == 1 and report.created == 2
        [error] = report.errors
        assert (error.unit, error.line, error.field) == ("item", 2, field)
        assert not Structure.objects.filter(source_id="bad").exists()
        assert not Service.objects.filter(source_id="bad").exists()

    def test_errors_are_listed_in_the_files_order(self, tmp_path):
        orphan = {**HEALTH, "structure_id": "inconnue"}
        report = import_directory(write(tmp_path, [orphan, {**CCAS, "nom": None}, CAF]))
        assert [(e.line, e.field) for e in report.errors] == [(1, "structure_id"), (2, "nom")]

    def test_an_item_that_is_not_an_object(self, tmp_path):
        report = import_directory(write(tmp_path, [CCAS, "texte"]))
        assert [(e.line, e.field) for e in report.errors] == [(2, "*")]

    def test_duplicate_ids(self, tmp_path):
        report = import_directory(write(tmp_path, [CCAS, {**CCAS, "nom": "Autre"}]))
        assert (report.created, report.skipped) == (1, 1)
        assert report.errors[0].field == "id"
        assert Structure.objects.get(source_id="ccas-lodeve").name == "CCAS de Lodève"

    def test_an_id_too_long_for_the_directory_is_refused(self, tmp_path):
        long_id = "x" * 121
        report = import_directory(write(tmp_path, [CCAS, {**CAF, "id": long_id}]))
        assert (report.created, report.skipped) == (1, 1)
        assert report.errors[0].field == "id"

    @pytest.mark.parametrize(
        "text,message",
        [
            ("[1, 2", "not JSON"),
            ('{"results": []}', "expected a list"),
            ("[]", "holds no items"),
        ],
    )
    def test_unreadable_json_exits_2(self, tmp_path, text, message):
        path = tmp_path / "di.json"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CommandError, match=message) as error:
            call_command("import_directory", str(path), "--format", "data-inclusion")
        assert error.value.returncode == 2
        assert not Structure.objects.exists()


@pytest.mark.django_db
class TestReimport:
    def test_the_same_file_again_changes_nothing(self, tmp_path):
        path = write(tmp_path, [CAF, CCAS, HEALTH, ONLINE])
        import_directory(path)
        again = import_directory(path)
        assert (again.created, again.updated, again.unchanged, again.inactive) == (0, 0, 4, 0)

    def test_structures_then_services_then_both_again_changes_nothing(self, tmp_path):
        import_directory(write(tmp_path, [CAF, CCAS], name="structures.json"))
        import_directory(write(tmp_path, [HEALTH, ONLINE], name="services.json"))
        again = import_directory(write(tmp_path, [CAF, CCAS], name="structures.json"))
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
        ccas = Structure.objects.get(source_id="ccas-lodeve")
        assert ccas.thematiques and covered(ccas) == thematique_needs("sante--acces-aux-soins")

    def test_a_retired_service_no_longer_counts_for_its_structure(self, tmp_path):
        import_directory(write(tmp_path, [CCAS, HEALTH, ONLINE]))
        report = import_directory(write(tmp_path, [ONLINE], name="services.json"))
        assert (report.unchanged, report.inactive) == (1, 1)
        ccas = Structure.objects.get(source_id="ccas-lodeve")
        assert ccas.thematiques == ["numerique--acceder-a-des-services-en-ligne"]
        assert covered(ccas) == set()
        health = Service.objects.get(source_id="ccas-sante")
        assert not health.is_active

    def test_a_changed_service_updates_in_place(self, tmp_path):
        import_directory(write(tmp_path, [CCAS, HEALTH]))
        pk = Service.objects.get(source_id="ccas-sante").pk
        changed = {**HEALTH, "nom": "Accès aux soins et à la santé"}
        report = import_directory(write(tmp_path, [CCAS, changed], name="v2.json"))
        assert (report.updated, report.unchanged) == (1, 1)
        assert Service.objects.get(pk=pk).name == "Accès aux soins et à la santé"

    def test_a_service_that_moves_to_another_structure(self, tmp_path):
        import_directory(write(tmp_path, [CAF, CCAS, HEALTH]))
        moved = {**HEALTH, "structure_id": "caf-lodeve"}
        report = import_directory(write(tmp_path, [CAF, CCAS, moved], name="v2.json"))
        assert (report.updated, report.unchanged) == (1, 2)
        health = Service.objects.get(source_id="ccas-sante")
        assert health.structure.source_id == "caf-lodeve"
        ccas = Structure.objects.get(source_id="ccas-lodeve")
        assert ccas.thematiques == [] and covered(ccas) == set()
        caf = Structure.objects.get(source_id="caf-lodeve")
        assert caf.thematiques == ["sante--acces-aux-soins"]
        assert covered(caf) == need_ids(operators__slug="caf") | thematique_needs(
            "sante--acces-aux-soins"
        )

    def test_staff_edited_needs_survive_services_changes(self, tmp_path):
        import_directory(write(tmp_path, [CCAS, HEALTH]))
        ccas = Structure.objects.get(source_id="ccas-lodeve")
        chosen = need_ids(operators__slug="mdph")
        ccas.covered_needs.set(chosen)
        Structure.objects.filter(pk=ccas.pk).update(covered_needs_edited=True)
        import_directory(write(tmp_path, [CCAS, ONLINE], name="v2.json"))
        assert covered(ccas) == chosen


def test_the_recognised_document_shapes():
    assert data_inclusion.looks_like([CAF])
    assert data_inclusion.looks_like({"items": [HEALTH]})
    assert not data_inclusion.looks_like({"rows": []})
    document = data_inclusion.load(json.dumps([CAF, HEALTH]), name="x.json")
    assert [n for n, _ in document.structures] == [1]
    assert [n for n, _ in document.services] == [2]
