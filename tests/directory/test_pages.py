"""Staff pages of the directory: search, structure page and correction, web import."""

import re

import pytest
from django.urls import reverse

from aiguillage.catalog.models import Need
from aiguillage.directory.models import Structure
from tests.accounts.factories import MembershipFactory
from tests.core.factories import SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db

LIEUX_HEADER = (
    "id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,"
    "telephone,horaires,date_maj,services\n"
)


@pytest.fixture
def taxes():
    return Need.objects.get(slug="declarer-ses-revenus")


@pytest.fixture
def site():
    return SiteFactory(latitude=43.7317, longitude=3.3194)


@pytest.fixture
def librarian(site):
    return MembershipFactory(network=site.network)


@pytest.fixture
def coordinator(site):
    return MembershipFactory(network=site.network, coordinator=True)


def url(name, member, **kwargs):
    return reverse(f"directory:{name}", kwargs={"network_slug": member.network.slug, **kwargs})


def test_search_from_a_site_lists_the_nearest_covering_structures(client, librarian, site, taxes):
    near = StructureFactory(name="Centre des impôts", latitude=43.735, longitude=3.32,
                            covered_needs=[taxes])  # fmt: skip
    StructureFactory(name="Sans rapport", latitude=43.735, longitude=3.32)
    client.force_login(librarian.user)
    response = client.get(url("search", librarian), {"need": taxes.pk, "site": site.pk,
                                                     "radius_km": 10})  # fmt: skip
    assert response.status_code == 200
    html = response.text
    assert "Centre des impôts" in html and "Sans rapport" not in html
    assert reverse("directory:structure_detail", args=[site.network.slug, near.pk]) in html
    assert "1 structure autour de" in html


def test_search_from_a_commune_typed_by_name(client, librarian, taxes):
    from aiguillage.directory.models import Commune

    Commune.objects.create(insee_code="34142", name="Lodève", department="34", postcode="34700",
                           latitude=43.7317, longitude=3.3194, population=7500)  # fmt: skip
    StructureFactory(name="France services Lodève", covered_needs=[taxes])
    client.force_login(librarian.user)
    response = client.get(url("search", librarian), {"commune": "lodeve", "radius_km": 5})
    assert "France services Lodève" in response.text
    unknown = client.get(url("search", librarian), {"commune": "Nullepart"})
    assert "Aucune commune ne correspond" in unknown.text
    assert 'value="Nullepart"' in unknown.text  # what was typed stays


def test_structure_page_says_when_it_is_open(client, librarian, taxes):
    structure = StructureFactory(opening_hours="Mo-Su 00:00-24:00", covered_needs=[taxes],
                                 specific_support=["Surdité"])  # fmt: skip
    client.force_login(librarian.user)
    html = client.get(url("structure_detail", librarian, structure_id=structure.pk)).text
    assert "Ouvert" in html
    assert taxes.name in html
    assert "Surdité" in html


def test_staff_read_the_hours_in_words_like_the_public(client, librarian):
    structure = StructureFactory(opening_hours="Mo-Fr 09:00-12:00,13:30-17:00; PH off")
    client.force_login(librarian.user)
    html = client.get(url("structure_detail", librarian, structure_id=structure.pk)).text
    assert "Du lundi au vendredi : 9 h \u2013 12 h et 13 h 30 \u2013 17 h" in html
    assert "Fermé les jours fériés." in html
    assert "<code>Mo-Fr 09:00-12:00,13:30-17:00; PH off</code>" in html  # under its summary


def test_volunteers_cannot_correct_a_structure(client, site):
    volunteer = MembershipFactory(network=site.network, volunteer=True)
    structure = StructureFactory()
    client.force_login(volunteer.user)
    assert (
        client.get(url("structure_edit", volunteer, structure_id=structure.pk)).status_code == 403
    )


def test_correcting_needs_protects_them_from_the_next_import(client, librarian, taxes):
    structure = StructureFactory()
    client.force_login(librarian.user)
    edit = url("structure_edit", librarian, structure_id=structure.pk)
    data = {
        "name": "Nouveau nom", "typology": "CCAS", "address": "2 rue Neuve", "postcode": "34700",
        "commune_name": "Lodève", "commune_insee": "34142", "latitude": "43.73",
        "longitude": "3.32", "opening_hours": "Mo-Fr 09:00-12:00", "covered_needs": [taxes.pk],
    }  # fmt: skip
    response = client.post(edit, data)
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.name == "Nouveau nom"
    assert list(structure.covered_needs.all()) == [taxes]
    assert structure.covered_needs_edited


def test_a_bad_correction_keeps_what_was_typed(client, librarian):
    structure = StructureFactory(name="Avant")
    client.force_login(librarian.user)
    edit = url("structure_edit", librarian, structure_id=structure.pk)
    response = client.post(edit, {"name": "Après", "address": "2 rue Neuve", "postcode": "34700",
                                  "commune_name": "Lodève", "opening_hours": "tous les jours",
                                  "latitude": "43.7"})  # fmt: skip
    assert response.status_code == 200
    assert "Horaires illisibles" in response.text
    assert 'value="Après"' in response.text
    structure.refresh_from_db()
    assert structure.name == "Avant"


def test_import_previews_then_writes_on_confirmation(client, coordinator, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client.force_login(coordinator.user)
    content = LIEUX_HEADER + (
        "lieu-1,43493312300029,Espace numérique,Lodève,34700,34142,1 rue Haute,43.73,3.32,"
        "+33467000000,Mo-Fr 09:00-12:00,2026-10-01,Aide aux démarches administratives\n"
        "lieu-2,43493312300029,Lieu cassé,Lodève,347,34142,1 rue Basse,43.73,3.32,,,2026-10-01,\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("lieux.csv", content.encode(), content_type="text/csv")
    preview = client.post(url("import", coordinator), {"file": upload, "file_format": "auto"})
    assert preview.status_code == 200
    html = preview.text
    assert "Aperçu de l'import de « lieux.csv »" in html
    assert "<td>line 3</td><td>code_postal</td><td>347</td>" in html
    assert Structure.objects.count() == 0  # the preview wrote nothing
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    done = client.post(url("import_confirm", coordinator), {"token": token}, follow=True)
    assert "1 created" in done.text
    assert list(Structure.objects.values_list("source_id", flat=True)) == ["lieu-1"]
    assert not list(tmp_path.joinpath("imports").iterdir())  # the upload is gone
    again = client.post(url("import_confirm", coordinator), {"token": token}, follow=True)
    assert "expiré" in again.text


def test_an_unreadable_upload_is_refused_with_its_reason(client, coordinator, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client.force_login(coordinator.user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.csv", "nom;ville\nA;B\n".encode("latin-1"))
    response = client.post(url("import", coordinator), {"file": upload, "file_format": "auto"})
    assert "ne peut pas être importé" in response.text
    assert not list(tmp_path.joinpath("imports").iterdir())


def test_only_coordinators_import(client, librarian):
    client.force_login(librarian.user)
    assert client.get(url("import", librarian)).status_code == 403
