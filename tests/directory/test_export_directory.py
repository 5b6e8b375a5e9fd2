"""export_directory: what goes out validates against the standards and reads back as it was.

The lieux CSV is checked with frictionless against the standard's own schema.json;
every data·inclusion item with the official pydantic models; both files are imported
again with import_directory and must give the same rows. Rows the standards would
refuse are left out and named; a network's export holds only its own partners and
sites.
"""

import csv
import datetime
import io
import json

import pytest
from data_inclusion.schema.v1 import Service as DIService
from data_inclusion.schema.v1 import Structure as DIStructure
from django.core.management import CommandError, call_command
from django.utils import timezone
from frictionless import Resource, Schema

from aiguillage.directory.exports.lieux import write_lieux
from aiguillage.directory.imports import data_inclusion as di_import
from aiguillage.directory.imports import lieux as lieux_import
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.models import PartnershipStatus, Service, Structure
from tests.core.factories import NetworkFactory, SiteFactory
from tests.directory.export_factories import PartnershipFactory, ServiceFactory
from tests.directory.factories import StructureFactory
from tests.reference_data import LIEUX_EXAMPLE, LIEUX_SCHEMA, needs_reference_data

LIEUX = "lieux-mediation-numerique"
DI = "data-inclusion"
SIRET = "43493312300029"

# Two more places in the lieux standard: an association known by its RNA number, and
# a place known by its SIREN, with few optional fields.
LOCAL_LIEUX = (
    ",".join(lieux_import.COLUMNS)
    + "\n"
    + "asso-1,W343000123,Le Clic solidaire,Lodève,34700,34142,2 rue de la Paix,,43.7317,"
    "3.3194,ASSO,+33467445566,clic@example.org,https://clic.example.org/,Tu-Sa 10:00-18:00,"
    "Ateliers et aide aux démarches.,,Hérault numérique,Fixe,,2025-03-01,"
    "Aide aux démarches administratives|Accès internet et matériel informatique,Seniors,,"
    "Gratuit,Conseillers numériques,,,Se présenter|Prendre un RDV en ligne,"
    "Accompagnement individuel,,https://rdv.example.org/clic\n"
    + "mairie-2,213401420,Mairie du Caylar,Le Caylar,34520,,1 place de la Mairie,,,,,,,,,,,,,,"
    "2024-11-20,,,,,,,,,,,\n"
)

DI_DOCUMENT = {
    "structures": [
        {
            "source": "dora",
            "id": "dora--1",
            "nom": "Centre social Les Tilleuls",
            "date_maj": "2025-02-14",
            "description": "Accueil, écoute et accompagnement de tous les habitants.",
            "lien_source": "https://dora.example.org/structures/tilleuls",
            "siret": "13003013300016",
            "commune": "Lunel",
            "code_postal": "34400",
            "code_insee": "34145",
            "adresse": "3 rue des Tilleuls",
            "complement_adresse": "Bâtiment B",
            "latitude": 43.6751,
            "longitude": 4.1361,
            "telephone": "+33467001122",
            "courriel": "accueil@tilleuls.example.org",
            "site_web": "https://tilleuls.example.org/",
            "horaires_accueil": "Mo-Fr 09:00-12:00",
            "accessibilite_lieu": "https://acceslibre.beta.gouv.fr/app/erp/tilleuls/",
            "reseaux_porteurs": ["ccas-cias"],
        },
        {
            "source": "dora",
            "id": "dora--2",
            "nom": "Permanence juridique",
            "date_maj": "2025-01-10",
            "commune": "Lunel",
            "code_postal": "34400",
            "adresse": "1 avenue de la Gare",
        },
    ],
    "services": [
        {
            "source": "dora",
            "structure_id": "dora--1",
            "id": "dora--svc-1",
            "nom": "Aide aux démarches CAF",
            "description": "Nous vous aidons à faire vos démarches CAF en ligne.",
            "lien_source": "https://dora.example.org/services/svc-1",
            "date_maj": "2025-02-14",
            "type": "accompagnement",
            "thematiques": [
                "numerique--acceder-a-des-services-en-ligne",
                "famille--garde-denfants",
            ],
            "frais": "gratuit",
            "frais_precisions": "Sans condition.",
            "publics": ["familles", "seniors"],
            "publics_precisions": "Allocataires de la CAF.",
            "conditions_acces": "Apporter son numéro d'allocataire.",
            "telephone": "+33467001123",
            "courriel": "caf@tilleuls.example.org",
            "modes_accueil": ["a-distance", "en-presentiel"],
            "zone_eligibilite": ["34145", "34"],
            "contact_nom_prenom": "Accueil du centre social",
            "lien_mobilisation": "https://rdv.example.org/tilleuls",
            "modes_mobilisation": ["telephoner", "utiliser-lien-mobilisation"],
            "mobilisable_par": ["professionnels", "usagers"],
            "mobilisation_precisions": "Sur rendez-vous.",
            "horaires_accueil": "Tu 14:00-17:00",
        },
        {
            "source": "dora",
            "structure_id": "dora--1",
            "id": "dora--svc-2",
            "nom": "Écrivain public",
            "description": "Aide à la rédaction de courriers administratifs.",
            "date_maj": "2025-02-01",
            "modes_accueil": ["a-distance"],
        },
    ],
}


@pytest.fixture(scope="module")
def lieux_schema() -> Schema:
    if not LIEUX_SCHEMA.exists():
        pytest.skip(f"reference data absent: {LIEUX_SCHEMA}")
    return Schema.from_descriptor(json.loads(LIEUX_SCHEMA.read_text(encoding="utf-8")))


def schema_errors(text: str, schema: Schema) -> list:
    """Every error frictionless finds in the CSV (empty when the file is valid)."""
    report = Resource(text.encode("utf-8"), format="csv", schema=schema).validate()
    errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.valid == (not errors)
    return errors


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_directory", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def values(row, fields) -> dict:
    return {name: getattr(row, name) for name in fields}


def import_lieux_places(tmp_path) -> list[Structure]:
    assert not import_directory(LIEUX_EXAMPLE, source="exemple").errors
    local = tmp_path / "local.csv"
    local.write_text(LOCAL_LIEUX, encoding="utf-8")
    assert not import_directory(local, source="local").errors
    return list(Structure.objects.order_by("pk"))


def import_di_places(tmp_path) -> list[Structure]:
    path = tmp_path / "di.json"
    path.write_text(json.dumps(DI_DOCUMENT, ensure_ascii=False), encoding="utf-8")
    report = import_directory(path, source="di")
    assert not report.errors and report.created == 4
    return list(Structure.objects.from_source("di").order_by("pk"))


@pytest.mark.django_db
class TestLieuxExport:
    def test_the_file_validates_against_the_standard_and_reads_back_the_same(
        self, tmp_path, lieux_schema
    ):
        originals = import_lieux_places(tmp_path)
        out = tmp_path / "lieux.csv"
        _, err = run("--format", LIEUX, str(out))
        text = out.read_text(encoding="utf-8")

        assert schema_errors(text, lieux_schema) == []
        assert err.strip() == f"{LIEUX}: 3 structures exported, 0 left out"

        report = import_directory(out, source="retour")
        assert (report.created, report.skipped) == (3, 0)
        for original in originals:
            again = Structure.objects.get(
                source="retour", source_id=f"{original.source}--{original.source_id}"
            )
            assert values(again, lieux_import.FIELDS) == values(original, lieux_import.FIELDS)
            assert set(again.covered_needs.all()) == set(original.covered_needs.all())

    def test_the_pivot_is_the_siret_else_the_rna_and_the_columns_follow_the_schema(
        self, tmp_path, lieux_schema
    ):
        import_lieux_places(tmp_path)
        out, _ = run("--format", LIEUX, "-")
        rows = {row["id"]: row for row in csv_rows(out)}
        schema_columns = [f.name for f in lieux_schema.fields]
        assert list(csv_rows(out)[0]) == schema_columns == list(lieux_import.COLUMNS)
        assert rows["exemple--structure-1"]["pivot"] == SIRET
        assert rows["local--asso-1"]["pivot"] == "W343000123"
        assert rows["local--mairie-2"]["pivot"] == "213401420"
        assert rows["exemple--structure-1"]["itinerance"] == "Itinérant"
        assert rows["local--asso-1"]["itinerance"] == "Fixe"
        assert rows["exemple--structure-1"]["courriels"] == (
            "contact@laquincaillerie.tl|responsable@laquincaillerie.tl"
        )

    def test_rows_missing_a_required_field_are_left_out_and_named(self, tmp_path, lieux_schema):
        StructureFactory(name="Maison France services", siret=SIRET, source_id="ok")
        StructureFactory(name="Sans numéro", source_id="no-pivot")
        StructureFactory(name="Sans adresse", siret=SIRET, address="", source_id="no-address")
        StructureFactory(name="Code postal abîmé", rna="W343000123", postcode="3470")
        out, err = run("--format", LIEUX, "-")

        assert [row["nom"] for row in csv_rows(out)] == ["Maison France services"]
        assert schema_errors(out, lieux_schema) == []
        lines = err.strip().splitlines()
        assert "left out: structure 'Sans numéro' (test--no-pivot): no pivot" in lines[0]
        assert "left out: structure 'Sans adresse' (test--no-address): no address" in lines[1]
        assert "'Code postal abîmé'" in lines[2] and "postcode is not 5 digits" in lines[2]
        assert lines[-1] == (
            f"{LIEUX}: 1 structures exported, 3 left out: "
            "1 structure: no pivot (SIRET, SIREN or RNA); 1 structure: no address; "
            "1 structure: postcode is not 5 digits"
        )

    def test_values_the_schema_would_refuse_are_left_empty_and_counted(
        self, tmp_path, lieux_schema
    ):
        StructureFactory(
            siret=SIRET,
            phone="+442079460958",
            summary="Un très long résumé. " * 20,
            lieux_services=["Aide aux démarches administratives", "Cours de cuisine"],
            opening_hours="le matin",
            opening_hours_valid=False,
            commune_insee="",
        )
        out, err = run("--format", LIEUX, "-")

        assert schema_errors(out, lieux_schema) == []
        (row,) = csv_rows(out)
        assert row["telephone"] == "" and row["horaires"] == ""
        assert row["services"] == "Aide aux démarches administratives"
        assert len(row["presentation_resume"]) == 280 and row["presentation_resume"][-1] == "…"
        assert "note: telephone not in the standard's E.164 form, left empty: 1" in err
        assert "note: services: value outside the standard's list, left out: 1" in err

    def test_date_maj_falls_back_to_the_import_date_then_the_last_change(self):
        imported = datetime.datetime(2025, 1, 15, 10, 0, tzinfo=datetime.UTC)
        StructureFactory(siret=SIRET, source_id="imported", imported_at=imported)
        typed = StructureFactory(siret=SIRET, source_id="typed")
        out, _ = run("--format", LIEUX, "-")
        dates = {row["id"]: row["date_maj"] for row in csv_rows(out)}
        assert dates["test--imported"] == "2025-01-15"
        today = min(timezone.localdate(typed.updated_at), timezone.localdate())
        assert dates["test--typed"] == today.isoformat()

    def test_inactive_rows_and_rows_linked_to_another_place_are_not_exported(self):
        place = StructureFactory(siret=SIRET, name="Le lieu")
        StructureFactory(siret=SIRET, name="Le même lieu, autre source", duplicate_of=place)
        StructureFactory(siret=SIRET, name="Fermé", is_active=False)
        out, err = run("--format", LIEUX, "-")
        assert [row["nom"] for row in csv_rows(out)] == ["Le lieu"]
        assert err.strip() == f"{LIEUX}: 1 structures exported, 0 left out"

    def test_stdout_holds_only_the_file(self, tmp_path, lieux_schema):
        import_lieux_places(tmp_path)
        StructureFactory(name="Sans numéro")
        out, err = run("--format", LIEUX, "-")
        assert out.startswith("id,pivot,nom,")
        assert schema_errors(out, lieux_schema) == []
        assert "left out" not in out and "exported" not in out
        assert err.strip().splitlines()[-1].startswith(f"{LIEUX}: 3 structures exported")

    def test_a_site_with_a_siret_becomes_a_valid_row_with_derived_services(self, lieux_schema):
        site = SiteFactory(phone="04 67 00 11 22", email="mediatheque@example.org")
        site.network.siret = "21340145800011"
        site.network.save()
        text = io.StringIO(newline="")
        report = write_lieux(structures=[], sites=[site], out=text)

        assert (report.structures, report.sites, report.left_out) == (1, 1, [])
        assert schema_errors(text.getvalue(), lieux_schema) == []
        (row,) = csv_rows(text.getvalue())
        assert row["pivot"] == "21340145800011" and row["typologie"] == "BIB"
        assert row["telephone"] == "+33467001122"
        assert row["services"] == (
            "Aide aux démarches administratives|Accès internet et matériel informatique"
        )
        assert row["modalites_acces"] == "Se présenter|Téléphoner|Contacter par mail"
        assert row["modalites_accompagnement"] == "Accompagnement individuel|En autonomie"
        assert "4 ordinateurs en accès libre" in row["presentation_resume"]
        assert row["frais_a_charge"] == ""  # not recorded for sites, never guessed


@pytest.mark.django_db
class TestDataInclusionExport:
    @needs_reference_data
    def test_every_item_validates_and_the_file_reads_back_the_same(self, tmp_path):
        originals = import_di_places(tmp_path)
        import_lieux_places(tmp_path)
        out = tmp_path / "di.json"
        _, err = run("--format", DI, str(out))
        document = json.loads(out.read_text(encoding="utf-8"))

        assert set(document) == {"structures", "services"}
        for item in document["structures"]:
            DIStructure.model_validate(item)
        for item in document["services"]:
            DIService.model_validate(item)
        assert err.strip() == f"{DI}: 5 structures and 2 services exported, 0 left out"

        report = import_directory(out, source="retour")
        assert (report.created, report.skipped) == (7, 0)
        for original in originals:
            again = Structure.objects.get(source="retour", source_id=f"di--{original.source_id}")
            assert values(again, di_import.STRUCTURE_FIELDS) == values(
                original, di_import.STRUCTURE_FIELDS
            )
            assert sorted(again.services.values_list("name", flat=True)) == sorted(
                original.services.values_list("name", flat=True)
            )
        for original in Service.objects.filter(source="di"):
            again = Service.objects.get(source="retour", source_id=f"di--{original.source_id}")
            assert values(again, di_import.SERVICE_FIELDS) == values(
                original, di_import.SERVICE_FIELDS
            )

    def test_ids_are_stable_and_services_point_to_their_structure(self, tmp_path):
        import_di_places(tmp_path)
        first, _ = run("--format", DI, "-")
        second, _ = run("--format", DI, "-")
        assert first == second
        document = json.loads(first)
        ids = [s["id"] for s in document["structures"]]
        assert ids == ["di--dora--1", "di--dora--2"]
        assert {s["structure_id"] for s in document["services"]} == {"di--dora--1"}
        remote = next(s for s in document["services"] if s["nom"] == "Écrivain public")
        assert remote.get("adresse") is None  # a remote-only service has no address

    def test_services_of_a_row_linked_to_the_place_go_with_the_place(self):
        place = StructureFactory(name="France services de Lodève", source_id="fs")
        twin = StructureFactory(name="FS Lodève (data·inclusion)", duplicate_of=place)
        ServiceFactory(structure=twin, name="Aide aux démarches ANTS")
        out, _ = run("--format", DI, "-")
        document = json.loads(out)
        assert [s["id"] for s in document["structures"]] == ["test--fs"]
        (service,) = document["services"]
        assert service["structure_id"] == "test--fs"
        assert service["adresse"] == place.address
        DIService.model_validate(service)

    def test_an_item_the_models_refuse_is_left_out_with_its_services(self):
        StructureFactory(name="Lieu ok", email="not an address")  # optional: emptied, counted
        refused = StructureFactory(name="Un nom bien trop long " * 10, source_id="long")
        ServiceFactory(structure=refused, name="Son service", source_id="s1")
        ServiceFactory(name="Sans description", description="", source_id="s2")
        out, err = run("--format", DI, "-")

        document = json.loads(out)
        ok = next(s for s in document["structures"] if s["nom"] == "Lieu ok")
        assert ok["courriel"] is None and len(document["structures"]) == 2
        assert document["services"] == []
        assert "(test--long): nom: String should have at most 150 characters" in err
        assert "left out: service 'Son service' (test--s1): its structure was left out" in err
        assert "left out: service 'Sans description' (test--s2): description:" in err
        assert "note: structure courriel: refused by the data·inclusion model, left empty" in err
        assert (
            err.strip()
            .splitlines()[-1]
            .startswith(f"{DI}: 2 structures and 0 services exported, 3 left out: ")
        )


@pytest.mark.django_db
class TestNetworkExport:
    @pytest.fixture
    def network(self):
        network = NetworkFactory(slug="lodevois", name="Médiathèques du Lodévois")
        other = NetworkFactory(slug="voisin")
        statuses = {
            "active": PartnershipStatus.ACTIVE,
            "paused": PartnershipStatus.PAUSED,
            "prospect": PartnershipStatus.PROSPECT,
            "ended": PartnershipStatus.ENDED,
        }
        for name, status in statuses.items():
            PartnershipFactory(
                network=network,
                status=status,
                structure=StructureFactory(name=name, siret=SIRET, source_id=name),
            )
        place = StructureFactory(name="place", siret=SIRET, source_id="place")
        twin = StructureFactory(name="twin", duplicate_of=place, source_id="twin")
        PartnershipFactory(network=network, structure=twin)
        PartnershipFactory(
            network=other, structure=StructureFactory(name="theirs", source_id="theirs")
        )
        SiteFactory(network=network, name="Médiathèque de Lodève", slug="lodeve")
        SiteFactory(network=network, name="Réserve", slug="reserve", is_public=False)
        SiteFactory(network=other, name="Leur médiathèque", slug="leur")
        return network

    def test_a_network_exports_its_current_partners_and_its_own_sites(self, network):
        out, err = run("--format", DI, "--network", "lodevois", "-")
        document = json.loads(out)
        assert [s["id"] for s in document["structures"]] == [
            "test--active",
            "test--paused",
            "test--place",
            "site--lodevois--lodeve",
        ]
        assert [s["id"] for s in document["services"]] == ["site--lodevois--lodeve--aide-demarches"]
        for item in document["structures"]:
            DIStructure.model_validate(item)
        DIService.model_validate(document["services"][0])
        assert "theirs" not in out + err and "Leur" not in out + err
        assert "Réserve" not in out + err

    def test_lieux_names_the_sites_left_out_for_want_of_a_siret(self, network, lieux_schema):
        out, err = run("--format", LIEUX, "--network", "lodevois", "-")
        assert [row["id"] for row in csv_rows(out)] == [
            "test--active",
            "test--paused",
            "test--place",
        ]
        assert schema_errors(out, lieux_schema) == []
        assert "left out: site 'Médiathèque de Lodève' (site--lodevois--lodeve): no SIRET" in err
        assert "Leur" not in err and "theirs" not in err

    def test_only_own_sites_in_data_inclusion(self, network):
        out, _ = run("--format", DI, "--network", "lodevois", "--only-own-sites", "-")
        document = json.loads(out)
        (site,) = document["structures"]
        (service,) = document["services"]
        assert site["nom"] == "Médiathèque de Lodève" and site["source"] == "lodevois"
        assert service["thematiques"] == [
            "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
            "numerique--acceder-a-des-services-en-ligne",
            "numerique--acceder-a-une-connexion-internet",
        ]
        DIStructure.model_validate(site)
        DIService.model_validate(service)

    def test_only_own_sites_in_lieux_fails_clearly_and_writes_nothing(self, network, tmp_path):
        out = tmp_path / "sites.csv"
        err = io.StringIO()
        with pytest.raises(CommandError, match="nothing could be exported"):
            call_command(
                "export_directory",
                "--format",
                LIEUX,
                "--network",
                "lodevois",
                "--only-own-sites",
                str(out),
                stderr=err,
            )
        assert "no SIRET for the site or its network" in err.getvalue()
        assert list(tmp_path.iterdir()) == []

    def test_only_own_sites_without_a_network_is_refused(self):
        with pytest.raises(CommandError, match="--only-own-sites needs --network"):
            run("--format", LIEUX, "--only-own-sites", "-")

    def test_an_unknown_or_inactive_network_is_refused(self):
        NetworkFactory(slug="ferme", is_active=False)
        with pytest.raises(CommandError, match="no network with the slug 'nulle-part'"):
            run("--format", LIEUX, "--network", "nulle-part", "-")
        with pytest.raises(CommandError, match="inactive"):
            run("--format", LIEUX, "--network", "ferme", "-")


@pytest.mark.django_db
def test_an_empty_directory_gives_a_valid_empty_file(tmp_path, lieux_schema):
    out, err = run("--format", LIEUX, "-")
    assert out == ",".join(lieux_import.COLUMNS) + "\n"
    assert err.strip() == f"{LIEUX}: 0 structures exported, 0 left out"
    assert schema_errors(out, lieux_schema) == []
    assert json.loads(run("--format", DI, "-")[0]) == {"structures": [], "services": []}


def test_an_unwritable_destination_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="cannot write"):
        run("--format", LIEUX, str(tmp_path / "missing" / "out.csv"))


def test_help_explains_the_formats_and_gives_examples():
    from aiguillage.directory.management.commands.export_directory import Command

    text = Command().create_parser("manage.py", "export_directory").format_help()
    for expected in ("lieux-mediation-numerique", "data-inclusion", "--only-own-sites", "-"):
        assert expected in text
    assert "examples:" in text and "docs/exports.md" in text
