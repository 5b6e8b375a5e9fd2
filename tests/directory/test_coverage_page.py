"""The coverage page: zones blanches, the map and its table, the territory's communes."""

import pytest
from django.urls import reverse

from aiguillage.catalog.models import Need
from aiguillage.core.geo import haversine_km
from aiguillage.directory.models import Commune, ServedCommune
from tests.accounts.factories import MembershipFactory
from tests.core.factories import SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db


def commune(code, name, lat, lon, population):
    return Commune.objects.create(insee_code=code, name=name, department=code[:2],
                                  latitude=lat, longitude=lon, population=population)  # fmt: skip


@pytest.fixture
def coordinator():
    return MembershipFactory(network=SiteFactory().network, coordinator=True)


@pytest.fixture
def territory(coordinator):
    near = commune("34142", "Lodève", 43.7317, 3.3194, 7500)
    far = commune("34160", "Le Caylar", 43.8667, 3.3167, 450)  # about 15 km north
    for c in (near, far):
        ServedCommune.objects.create(network=coordinator.network, commune=c)
    return near, far


def test_zone_blanche_table_and_map_for_a_need(client, coordinator, territory):
    taxes = Need.objects.get(slug="declarer-ses-revenus")
    StructureFactory(name="SIP Lodève", latitude=43.7317, longitude=3.3194, covered_needs=[taxes])
    client.force_login(coordinator.user)
    page = reverse("directory:coverage", args=[coordinator.network.slug])
    html = client.get(page, {"seuil": "10", "besoin": taxes.slug}).text
    assert "Zones blanches (plus de 10 km)" in html
    assert "<svg" in html and 'role="img"' in html
    # The table beside the map: Le Caylar is ~15 km from the only competent structure.
    assert '<th scope="row">Le Caylar</th>' in html
    expected = haversine_km(43.8667, 3.3167, 43.7317, 3.3194)
    assert f"{expected:.1f} km".replace(".", ",") in html
    assert "SIP Lodève" in html


def test_coordinator_adds_and_removes_communes(client, coordinator, territory):
    commune("34154", "Lunas", 43.7067, 3.1939, 700)
    client.force_login(coordinator.user)
    slug = coordinator.network.slug
    client.post(reverse("directory:territory_add", args=[slug]), {"commune": "lunas"})
    served = ServedCommune.objects.filter(network=coordinator.network)
    assert served.filter(commune__name="Lunas").exists()
    caylar = territory[1]
    client.post(reverse("directory:territory_remove", args=[slug]), {"commune_id": caylar.pk})
    assert not served.filter(commune=caylar).exists()


def test_librarians_cannot_change_the_territory(client, coordinator, territory):
    librarian = MembershipFactory(network=coordinator.network)
    client.force_login(librarian.user)
    url = reverse("directory:territory_remove", args=[librarian.network.slug])
    assert client.post(url, {"commune_id": territory[0].pk}).status_code == 403
    assert ServedCommune.objects.filter(commune=territory[0]).exists()
