"""Territorial coverage: distances per commune and need, bands, zones blanches, the SVG map."""

import datetime
import random
import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from aiguillage.catalog.models import Need
from aiguillage.core.demo import data
from aiguillage.core.demo.seed import seed_demo
from aiguillage.core.demo.territory import served_communes_for_demo
from aiguillage.core.geo import KM_PER_DEGREE_LATITUDE
from aiguillage.directory.coverage import (
    DISTANCE_BANDS_KM,
    SEARCH_CAP_KM,
    ZONE_BLANCHE_KM,
    band_labels,
    distance_band,
    distance_to_nearest,
    territory_coverage,
    zones_blanches,
)
from aiguillage.directory.svgmap import coverage_map_svg
from tests.core.factories import NetworkFactory
from tests.core.test_geo import law_of_cosines_km
from tests.directory.coverage_factories import CommuneFactory, ServedCommuneFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db

LODEVE = (43.7317, 3.3194)
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    """The SVG as XML: our own output, so the stdlib parser is fine here."""
    assert isinstance(svg, SafeString)
    return ET.fromstring(str(svg))  # noqa: S314


def north_of_lodeve(km):
    """A point ``km`` due north of Lodève (a meridian arc is exactly km / km-per-degree)."""
    return LODEVE[0] + km / KM_PER_DEGREE_LATITUDE, LODEVE[1]


@pytest.fixture
def taxes():
    return Need.objects.get(slug="declarer-ses-revenus")


@pytest.fixture
def rsa():
    return Need.objects.get(slug="demander-rsa")


@pytest.fixture
def network():
    return NetworkFactory()


def serve(network, *, name, km, population, **extra):
    latitude, longitude = north_of_lodeve(km)
    commune = CommuneFactory(
        name=name, latitude=latitude, longitude=longitude, population=population, **extra
    )
    ServedCommuneFactory(network=network, commune=commune)
    return commune


@pytest.fixture
def territory(network, taxes):
    """Five communes due north of one tax office in Lodève, 0 to 150 km away."""
    office = StructureFactory(name="Centre des finances publiques", covered_needs=[taxes])
    communes = {
        "near": serve(network, name="Lodève", km=0, population=7500),
        "mid": serve(network, name="Le Bosc", km=15, population=1000),
        "far": serve(network, name="Le Caylar", km=25, population=400),
        "farther": serve(network, name="La Couvertoirade", km=35, population=200),
        "out": serve(network, name="Nant", km=150, population=100),
    }
    return office, communes


def row_of(need_coverage, commune):
    return next(r for r in need_coverage.communes if r.commune.id == commune.pk)


class TestTerritoryCoverage:
    def test_distances_equal_an_independent_computation(self, network, taxes):
        rng = random.Random(34)
        structures = [
            StructureFactory(
                latitude=rng.uniform(43.2, 44.3),
                longitude=rng.uniform(2.6, 4.0),
                covered_needs=[taxes] if rng.random() < 0.3 else [],
                is_active=rng.random() < 0.9,
            )
            for _ in range(120)
        ]
        communes = [
            CommuneFactory(latitude=rng.uniform(43.5, 44.0), longitude=rng.uniform(3.0, 3.6))
            for _ in range(12)
        ]
        for commune in communes:
            ServedCommuneFactory(network=network, commune=commune)
        competent = [s for s in structures if s.is_active and taxes in s.covered_needs.all()]

        coverage = territory_coverage(network=network, needs=[taxes])

        (need,) = coverage.needs
        assert [r.commune.id for r in need.communes] == [
            c.pk for c in sorted(communes, key=lambda c: (c.name, c.insee_code))
        ]
        for commune in communes:
            expected = min(
                (
                    (
                        law_of_cosines_km(
                            commune.latitude, commune.longitude, s.latitude, s.longitude
                        ),
                        s.pk,
                    )
                    for s in competent
                ),
                default=None,
            )
            row = row_of(need, commune)
            if expected is None or expected[0] > SEARCH_CAP_KM:
                assert row.distance_km is None and row.structure is None
            else:
                assert row.distance_km == pytest.approx(expected[0], abs=0.002)
                assert row.structure.id == expected[1]

    def test_population_beyond_each_band(self, network, taxes, territory):
        office, communes = territory
        coverage = territory_coverage(network=network, needs=[taxes])
        (need,) = coverage.needs

        assert DISTANCE_BANDS_KM == (10.0, 20.0, 30.0)
        assert [(b.threshold_km, b.communes, b.population) for b in need.beyond] == [
            (10.0, 4, 1700),
            (20.0, 3, 700),
            (30.0, 2, 300),
        ]
        assert need.beyond_km(20.0).population == 700
        assert (need.unreached_communes, need.unreached_population) == (1, 100)
        assert coverage.population == 9200
        assert row_of(need, communes["mid"]).distance_km == pytest.approx(15.0, abs=0.001)
        assert row_of(need, communes["mid"]).structure.name == office.name
        assert [distance_band(r.distance_km) for r in need.communes] == [3, 1, 2, 0, 3]
        assert [r.commune.name for r in need.worst] == [
            "Nant",
            "La Couvertoirade",
            "Le Caylar",
            "Le Bosc",
            "Lodève",
        ]
        assert not need.is_uncovered

    def test_a_commune_with_nothing_within_the_cap_is_none_and_a_zone_blanche(
        self, network, taxes, rsa, territory
    ):
        _office, communes = territory
        coverage = territory_coverage(network=network, needs=[taxes, rsa])
        out = row_of(coverage.by_slug("declarer-ses-revenus"), communes["out"])
        assert (out.distance_km, out.structure) == (None, None)
        assert coverage.by_slug("demander-rsa").is_uncovered  # nobody covers the RSA here

        zones = zones_blanches(coverage)
        assert ZONE_BLANCHE_KM == 20.0
        # RSA leaves every commune (9,200 people) without a service: listed first.
        assert [(z.need.slug, z.population) for z in zones] == [
            ("demander-rsa", 9200),
            ("declarer-ses-revenus", 700),
        ]
        assert [r.commune.name for r in zones[1].communes] == [
            "Nant",
            "La Couvertoirade",
            "Le Caylar",
        ]
        assert zones[1].communes[0].distance_km is None
        fifteen = zones_blanches(coverage, threshold_km=15.0)
        assert [r.commune.name for r in fifteen[1].communes][-1] == "Le Caylar"  # 15 km: not >
        ten = zones_blanches(coverage, threshold_km=10.0)
        assert "Le Bosc" in [r.commune.name for r in ten[1].communes]

    def test_inactive_structures_and_structures_not_covering_the_need_are_ignored(
        self, network, taxes, rsa
    ):
        commune = serve(network, name="Lodève", km=0, population=7500)
        StructureFactory(name="closed", covered_needs=[taxes], is_active=False)
        StructureFactory(name="other need", covered_needs=[rsa])
        StructureFactory(name="nothing")
        StructureFactory(name="unlocated", latitude=None, longitude=None, covered_needs=[taxes])
        latitude, longitude = north_of_lodeve(12)
        kept = StructureFactory(
            name="open, 12 km", latitude=latitude, longitude=longitude, covered_needs=[taxes]
        )

        coverage = territory_coverage(network=network, needs=[taxes, rsa])

        taxes_row = row_of(coverage.by_slug("declarer-ses-revenus"), commune)
        assert taxes_row.structure.id == kept.pk
        assert taxes_row.distance_km == pytest.approx(12.0, abs=0.001)
        assert row_of(coverage.by_slug("demander-rsa"), commune).distance_km == 0.0
        assert distance_to_nearest(commune=commune, need=taxes) == taxes_row.distance_km
        assert {s.name for s in coverage.structures} == {"open, 12 km", "other need"}

    def test_a_duplicate_row_counts_for_its_needs_under_its_place_id(self, network, taxes, rsa):
        commune = serve(network, name="Lodève", km=0, population=7500)
        canonical = StructureFactory(name="France services (ANCT)", covered_needs=[rsa])
        duplicate = StructureFactory(
            name="France services (data·inclusion)", duplicate_of=canonical, covered_needs=[taxes]
        )
        coverage = territory_coverage(network=network, needs=[taxes, rsa])
        row = row_of(coverage.by_slug("declarer-ses-revenus"), commune)
        assert (row.structure.id, row.structure.place_id) == (duplicate.pk, canonical.pk)
        assert row_of(coverage.by_slug("demander-rsa"), commune).structure.id == canonical.pk
        root = parse(coverage_map_svg(coverage))
        assert len(root.findall(f".//{SVG}rect[@class='structure']")) == 1  # one place

    def test_another_networks_territory_never_appears(self, network, taxes, territory):
        other = NetworkFactory()
        elsewhere = CommuneFactory(name="Ailleurs", latitude=45.0, longitude=5.0)
        ServedCommuneFactory(network=other, commune=elsewhere)
        _office, communes = territory
        ServedCommuneFactory(network=other, commune=communes["near"])  # shared commune

        mine = territory_coverage(network=network, needs=[taxes])
        theirs = territory_coverage(network=other, needs=[taxes])

        assert "Ailleurs" not in {c.name for c in mine.communes}
        assert len(mine.communes) == 5
        assert [c.name for c in theirs.communes] == ["Ailleurs", "Lodève"]
        assert mine.network_id == network.pk

    def test_communes_without_coordinates_are_set_apart(self, network, taxes):
        serve(network, name="Lodève", km=0, population=7500)
        unknown = CommuneFactory(name="Sans position", latitude=None, longitude=None)
        ServedCommuneFactory(network=network, commune=unknown)
        coverage = territory_coverage(network=network, needs=[taxes])
        assert [c.name for c in coverage.communes] == ["Lodève"]
        assert [c.name for c in coverage.unlocated_communes] == ["Sans position"]
        assert len(coverage.needs[0].communes) == 1

    def test_communes_are_alphabetical_ignoring_accents_and_case(self, network, taxes):
        for name in [
            "Saint-Pierre-de-la-Fage",
            "Poujols",
            "Saint-Étienne-de-Gourgas",
            "Pégairolles",
        ]:
            serve(network, name=name, km=1, population=100)
        coverage = territory_coverage(network=network, needs=[taxes])
        assert [c.name for c in coverage.communes] == [
            "Pégairolles",
            "Poujols",
            "Saint-Étienne-de-Gourgas",
            "Saint-Pierre-de-la-Fage",
        ]

    def test_default_needs_are_the_active_catalog_in_its_order(self, network, taxes):
        taxes.is_active = False
        taxes.save()
        coverage = territory_coverage(network=network)
        assert [n.need_id for n in coverage.needs] == list(
            Need.objects.active().values_list("pk", flat=True)
        )
        assert "declarer-ses-revenus" not in {n.slug for n in coverage.needs}
        assert coverage.communes == ()

    def test_the_cap_must_reach_the_last_band(self, network):
        with pytest.raises(ValueError, match="max_km"):
            territory_coverage(network=network, max_km=20)
        with pytest.raises(ValueError, match="max_km"):
            territory_coverage(network=network, max_km=500)

    def test_a_smaller_cap_turns_far_communes_into_none(self, network, taxes, territory):
        _office, communes = territory
        coverage = territory_coverage(network=network, needs=[taxes], max_km=30)
        assert row_of(coverage.needs[0], communes["farther"]).distance_km is None
        assert row_of(coverage.needs[0], communes["far"]).distance_km == pytest.approx(25.0)

    @pytest.mark.parametrize("commune_count", [3, 40])
    def test_query_count_does_not_grow_with_the_territory(
        self, network, taxes, commune_count, django_assert_max_num_queries
    ):
        rng = random.Random(commune_count)
        needs = list(Need.objects.active())
        for _ in range(commune_count):
            ServedCommuneFactory(
                network=network,
                commune=CommuneFactory(
                    latitude=rng.uniform(43.5, 44.0), longitude=rng.uniform(3.0, 3.6)
                ),
            )
        for _ in range(10):
            StructureFactory(
                latitude=rng.uniform(43.5, 44.0),
                longitude=rng.uniform(3.0, 3.6),
                covered_needs=rng.sample(needs, 20),
            )
        with django_assert_max_num_queries(3):
            coverage = territory_coverage(network=network)  # every active need
        assert len(coverage.communes) == commune_count
        with django_assert_max_num_queries(2):
            territory_coverage(network=network, needs=[taxes])


class TestDistanceToNearest:
    def test_agrees_with_the_coverage_and_honours_max_km(self, network, taxes, territory):
        _office, communes = territory
        need = territory_coverage(network=network, needs=[taxes]).needs[0]
        for commune in communes.values():
            assert distance_to_nearest(commune=commune, need=taxes) == (
                row_of(need, commune).distance_km
            )
        assert distance_to_nearest(commune=communes["far"], need=taxes, max_km=15) is None
        assert distance_to_nearest(commune=communes["far"], need=taxes, max_km=26) == (
            pytest.approx(25.0, abs=0.001)
        )

    def test_a_commune_without_coordinates_is_an_error_not_a_zone_blanche(self, taxes):
        unknown = CommuneFactory(latitude=None, longitude=None)
        with pytest.raises(ValueError, match="coordinates"):
            distance_to_nearest(commune=unknown, need=taxes)


def test_band_labels_in_french():
    assert band_labels() == (
        "10 km ou moins",
        "de 10 à 20 km",
        "de 20 à 30 km",
        "plus de 30 km, ou aucune",
    )


class TestCoverageMap:
    def test_well_formed_accessible_one_circle_per_located_commune(self, network, taxes, territory):
        unknown = CommuneFactory(name="Sans position", latitude=None, longitude=None)
        ServedCommuneFactory(network=network, commune=unknown)
        coverage = territory_coverage(network=network, needs=[taxes])
        root = parse(coverage_map_svg(coverage, need=coverage.needs[0], id_prefix="m1"))

        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "m1-title m1-desc"
        assert root.find(f"{SVG}title").get("id") == "m1-title"
        assert root.find(f"{SVG}title").text == (
            "Distance au service compétent le plus proche : Déclarer ses revenus"
        )
        desc = root.find(f"{SVG}desc")
        assert desc.get("id") == "m1-desc"
        assert "5 communes desservies" in desc.text
        assert "1 commune n'a aucune structure compétente à moins de 100 km" in desc.text
        assert "1 commune sans coordonnées" in desc.text
        width, height = float(root.get("width")), float(root.get("height"))
        assert root.get("viewBox") == f"0 0 {width:.0f} {height:.0f}"

        circles = root.findall(f".//{SVG}circle[@class='commune']")
        assert len(circles) == 5
        for circle in circles:
            assert 0 <= float(circle.get("cx")) <= width
            assert 0 <= float(circle.get("cy")) <= height
        titles = {c.find(f"{SVG}title").text: c for c in circles}
        lodeve = titles["Lodève (7\xa0500 hab.) : 0,0 km, Centre des finances publiques"]
        assert lodeve.get("fill") == "url(#m1-band-0)"
        nant = next(c for t, c in titles.items() if t.startswith("Nant"))
        assert nant.get("fill") == "url(#m1-band-3)" and nant.get("stroke-dasharray")
        assert float(lodeve.get("r")) > float(nant.get("r"))  # area follows population
        patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
        assert patterns == {"m1-band-0", "m1-band-1", "m1-band-2", "m1-band-3"}
        # Only the office is inside the frame; Nant stretches the map 150 km north.
        assert len(root.findall(f".//{SVG}rect[@class='structure']")) == 1

    def test_every_text_is_escaped(self, network, taxes):
        serve(network, name="<script>alert(1)</script> & Cie", km=0, population=10)
        StructureFactory(name='"><script>', covered_needs=[taxes])
        coverage = territory_coverage(network=network, needs=[taxes])
        svg = coverage_map_svg(coverage, need=coverage.needs[0], title="<b>carte</b>")
        assert "<script>" not in svg and "<b>" not in svg
        root = parse(svg)
        assert root.find(f"{SVG}title").text == "<b>carte</b>"
        circle = root.find(f".//{SVG}circle[@class='commune']")
        assert circle.find(f"{SVG}title").text.startswith("<script>alert(1)</script> & Cie")
        square = root.find(f".//{SVG}rect[@class='structure']")
        assert square.find(f"{SVG}title").text == '"><script>'

    def test_without_a_need_communes_are_neutral_and_all_structures_drawn(
        self, network, taxes, rsa, territory
    ):
        StructureFactory(name="CAF", covered_needs=[rsa])
        coverage = territory_coverage(network=network, needs=[taxes, rsa])
        root = parse(coverage_map_svg(coverage))
        assert root.find(f"{SVG}defs") is None
        assert {c.get("fill") for c in root.iter(f"{SVG}circle") if c.get("class")} == {"#bababa"}
        assert len(root.findall(f".//{SVG}rect[@class='structure']")) == 2

    def test_an_empty_territory_still_gives_a_valid_image(self, network, taxes):
        coverage = territory_coverage(network=network, needs=[taxes])
        root = parse(coverage_map_svg(coverage, need=coverage.needs[0]))
        assert root.find(f"{SVG}desc").text
        assert root.findall(f".//{SVG}circle") == []


class TestDemoTerritory:
    def test_the_demo_serves_its_communes_idempotently_and_gets_a_coverage(self):
        network = seed_demo(today=datetime.date(2026, 11, 21)).network
        first = served_communes_for_demo(network)  # seed_demo may already have called it
        assert first.created + first.unchanged == len(data.COMMUNES)
        assert served_communes_for_demo(network) == (0, len(data.COMMUNES))

        coverage = territory_coverage(network=network)

        assert len(coverage.communes) == len(data.COMMUNES) == 28
        assert coverage.unlocated_communes == ()
        taxes = coverage.by_slug("declarer-ses-revenus")
        assert taxes.unreached_communes == 0 and taxes.beyond_km(20.0).communes == 0
        parse(coverage_map_svg(coverage, need=taxes))

    def test_missing_demo_communes_are_an_error(self):
        with pytest.raises(ValueError, match="34142"):
            served_communes_for_demo(NetworkFactory())
