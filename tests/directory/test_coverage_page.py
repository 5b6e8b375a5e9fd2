"""The coverage page: zones blanches, the map and its table, the territory's communes."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.models import WorkshopStatus
from aiguillage.catalog.models import Need
from aiguillage.core.geo import haversine_km
from aiguillage.directory.coverage import OfferKind, territory_coverage
from aiguillage.directory.models import Commune, ServedCommune
from aiguillage.reporting.coverage import own_offers
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import (
    PermanenceFactory,
    StaffPermanenceFactory,
    WorkshopFactory,
    in_days,
)
from tests.core.factories import SiteFactory
from tests.directory.coverage_factories import UNSERVED_NEEDS, build_unserved_territory
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
    page = reverse("reporting:coverage", args=[coordinator.network.slug])
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


def text_of(html):
    """The page's words, tags and runs of white space removed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


@pytest.fixture
def unserved(coordinator):
    """The unserved territory, and a catalog reduced to its five needs."""
    built = build_unserved_territory(coordinator.network)
    Need.objects.exclude(slug__in=UNSERVED_NEEDS.values()).update(is_active=False)
    return built


def test_the_page_counts_needs_without_a_competent_place_at_10_20_30_km(
    client, coordinator, unserved
):
    site = coordinator.network.sites.get()  # printer, scanner, wifi: printing is ours
    workshop = WorkshopFactory(site=site, title="Ma première adresse e-mail")
    workshop.needs.set([unserved.needs["email"]])
    client.force_login(coordinator.user)
    html = client.get(reverse("reporting:coverage", args=[coordinator.network.slug])).text
    words = text_of(html)

    assert "Aucune zone blanche" not in words
    for km, count, own, nobody in [(10, 4, 2, 2), (20, 3, 1, 2), (30, 2, 0, 2)]:
        assert (
            f"{count} démarches n'ont de lieu compétent connu à {km} km ou moins d'aucune "
            f"commune du territoire. Proposées dans les médiathèques du réseau : {own} ; "
            f"proposées nulle part à cette distance : {nobody}."
        ) in words
    # Own offers, named with their site; the nobody list says how far the nearest is.
    assert f"atelier « Ma première adresse e-mail » — {site.name}" in words
    assert f"imprimante — {site.name}" in words
    own_table, nobody_table = re.findall(r"<table class=\"table\">.*?</table>", html, re.S)[:2]
    assert "Créer une adresse e-mail" in own_table and "Imprimer un document" in own_table
    assert "Demander le RSA" not in own_table
    assert "15,0 km de La Couvertoirade" in text_of(own_table)
    assert "aucun à 100 km ou moins" in text_of(nobody_table)
    assert "Demander le RSA" in nobody_table and "Prendre en main son smartphone" in nobody_table
    assert "Créer une adresse e-mail" not in nobody_table
    assert "L'annuaire ne connaît aucune structure compétente" not in words


def test_the_page_says_when_the_directory_knows_nothing_around(client, coordinator, territory):
    client.force_login(coordinator.user)
    words = text_of(client.get(reverse("reporting:coverage", args=[coordinator.network.slug])).text)
    assert "L'annuaire ne connaît aucune structure compétente à 100 km ou moins" in words
    assert "Aucune zone blanche" not in words


def test_the_map_names_the_communes_of_its_table_and_outlines_the_territory(
    client, coordinator, unserved
):
    client.force_login(coordinator.user)
    url = reverse("reporting:coverage", args=[coordinator.network.slug])
    html = client.get(url, {"besoin": UNSERVED_NEEDS["email"]}).text
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group())  # noqa: S314
    ns = "{http://www.w3.org/2000/svg}"
    labels = {t.text for t in svg.iter(f"{ns}text") if t.get("class") == "commune-label"}
    table = re.search(r'<table class="table coverage__table">.*?</table>', html, re.S).group()
    rows = set(re.findall(r'<th scope="row">([^<]+)</th>', table))
    assert labels == rows == {"Lodève", "Le Bosc", "Le Caylar", "La Couvertoirade", "Nant"}
    assert svg.find(f".//{ns}path[@class='territory']") is not None
    assert svg.find(f"{ns}title").text and svg.find(f"{ns}desc").text


class TestOwnOffers:
    def test_what_the_networks_own_sites_offer(self, coordinator, unserved):
        network = coordinator.network
        site = network.sites.get()
        closed = SiteFactory(network=network, is_active=False, has_printer=False)
        email, smartphone, rsa = (unserved.needs[k] for k in ("email", "smartphone", "rsa"))
        offered = WorkshopFactory(site=site, title="E-mail")
        offered.needs.set([email])
        past = WorkshopFactory(
            site=site,
            title="Passé",
            sessions=[timezone.now() - datetime.timedelta(days=2)],
        )
        draft = WorkshopFactory(site=site, title="Brouillon", status=WorkshopStatus.DRAFT)
        elsewhere = WorkshopFactory(title="Autre réseau")
        at_closed_site = WorkshopFactory(site=closed, title="Site fermé")
        for workshop in (past, draft, elsewhere, at_closed_site):
            workshop.needs.set([smartphone])
        staff = StaffPermanenceFactory(site=site, title="Rendez-vous numérique")
        staff.needs.set([email, smartphone])
        ended = StaffPermanenceFactory(
            site=site, title="Fini", starts_on=in_days(-30), ends_on=in_days(-1)
        )
        inactive = PermanenceFactory(site=site, title="Inactive", is_active=False)
        for permanence in (ended, inactive):
            permanence.needs.set([rsa])
        partner = PermanenceFactory(site=site, title="France services")
        partner.needs.set([rsa])
        coverage = territory_coverage(network=network, needs=list(unserved.needs.values()))

        offers = own_offers(network=network, coverage=coverage, now=timezone.now())

        found = {(o.need_id, o.kind, o.title, o.site_names) for o in offers}
        assert found == {
            (email.pk, OfferKind.WORKSHOP, "E-mail", (site.name,)),
            (email.pk, OfferKind.STAFF, "Rendez-vous numérique", (site.name,)),
            (smartphone.pk, OfferKind.STAFF, "Rendez-vous numérique", (site.name,)),
            (rsa.pk, OfferKind.PARTNER, "France services", (site.name,)),
            (unserved.needs["printing"].pk, OfferKind.EQUIPMENT, "imprimante", (site.name,)),
        }

    def test_only_the_needs_asked_for(self, coordinator, unserved):
        workshop = WorkshopFactory(site=coordinator.network.sites.get())
        workshop.needs.set([unserved.needs["email"]])
        coverage = territory_coverage(network=coordinator.network, needs=[unserved.needs["rsa"]])
        assert own_offers(network=coordinator.network, coverage=coverage, now=timezone.now()) == []
