"""Territorial coverage: distances per commune and need, bands, zones blanches, the SVG map."""

import datetime
import itertools
import math
import random
import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from aiguillage.catalog.models import Need
from aiguillage.core.geo import KM_PER_DEGREE_LATITUDE
from aiguillage.demo import data
from aiguillage.demo.seed import seed_demo
from aiguillage.demo.territory import served_communes_for_demo
from aiguillage.directory.coverage import (
    DISTANCE_BANDS_KM,
    SEARCH_CAP_KM,
    ZONE_BLANCHE_KM,
    OfferKind,
    OwnOffer,
    band_labels,
    distance_band,
    distance_summaries,
    distance_to_nearest,
    equipment_offers,
    nothing_known,
    summary_sentences,
    territory_coverage,
    unserved_needs,
    zones_blanches,
)
from aiguillage.directory.svgmap import (
    LABEL_CHAR_WIDTH,
    LABEL_SIZE,
    convex_hull,
    coverage_map_svg,
)
from tests.core.factories import NetworkFactory, SiteFactory
from tests.core.test_geo import law_of_cosines_km
from tests.directory.coverage_factories import (
    LODEVE,
    CommuneFactory,
    ServedCommuneFactory,
    build_unserved_territory,
    north_of_lodeve,
    serve,
)
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    """The SVG as XML: our own output, so the stdlib parser is fine here."""
    assert isinstance(svg, SafeString)
    return ET.fromstring(str(svg))  # noqa: S314


@pytest.fixture
def taxes():
    return Need.objects.get(slug="declarer-ses-revenus")


@pytest.fixture
def rsa():
    return Need.objects.get(slug="demander-rsa")


@pytest.fixture
def network():
    return NetworkFactory()


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


def offer(need, kind, title, site):
    return OwnOffer(need.pk, kind, title, (site,))


@pytest.fixture
def unserved(network):
    return build_unserved_territory(network)


def unserved_coverage(network, built):
    return territory_coverage(network=network, needs=list(built.needs.values()))


def slugs(items):
    return [item.need.slug for item in items]


class TestDistanceSummaries:
    def test_needs_with_nothing_within_10_20_and_30_km_of_any_commune(self, network, unserved):
        coverage = unserved_coverage(network, unserved)
        email, printing = unserved.needs["email"], unserved.needs["printing"]
        offers = [
            offer(email, OfferKind.WORKSHOP, "Créer son adresse e-mail", "Médiathèque du Bosc"),
            offer(printing, OfferKind.EQUIPMENT, "imprimante", "Médiathèque du Bosc"),
        ]

        ten, twenty, thirty = distance_summaries(coverage, offers=offers)

        assert [s.threshold_km for s in (ten, twenty, thirty)] == [10.0, 20.0, 30.0]
        assert [s.count for s in (ten, twenty, thirty)] == [4, 3, 2]
        # What the network's own sites offer, apart from what nobody does.
        assert slugs(ten.own) == ["creer-adresse-email", "imprimer-document"]
        assert slugs(twenty.own) == ["imprimer-document"]
        assert thirty.own == ()
        for summary in (ten, twenty, thirty):
            assert sorted(slugs(summary.nobody)) == ["demander-rsa", "prendre-en-main-smartphone"]
        # Served that near only part of the territory: counted apart, not as nowhere.
        assert [n.slug for n in ten.partly] == ["declarer-ses-revenus"]
        assert sorted(n.slug for n in twenty.partly) == [
            "creer-adresse-email",
            "declarer-ses-revenus",
        ]
        assert len(thirty.partly) == 3
        email_item = ten.own[0]
        assert email_item.nearest.commune.name == "La Couvertoirade"
        assert email_item.nearest_km == pytest.approx(15.0, abs=0.001)
        assert email_item.nearest.structure.name == "Espace numérique du Larzac"
        assert [o.label for o in email_item.offers] == ["atelier « Créer son adresse e-mail »"]
        assert ten.nobody[0].nearest is None and ten.nobody[0].offers == ()

    def test_the_counts_agree_with_each_communes_distance(self, network, unserved):
        coverage = unserved_coverage(network, unserved)
        for summary in distance_summaries(coverage):
            threshold = summary.threshold_km
            expected = {
                need.slug
                for need in coverage.needs
                if all(r.distance_km is None or r.distance_km > threshold for r in need.communes)
            }
            assert set(slugs(summary.own + summary.nobody)) == expected
            assert summary.own == ()  # no offer given: every one is nobody's

    def test_nobody_lists_the_farthest_first(self, network, unserved):
        coverage = unserved_coverage(network, unserved)
        (ten, _twenty, _thirty) = distance_summaries(coverage)
        distances = [item.nearest_km for item in ten.nobody]
        assert distances[:2] == [None, None]  # RSA, smartphone: nothing within the cap
        assert distances[2:] == [pytest.approx(25.0, abs=0.001), pytest.approx(15.0, abs=0.001)]

    def test_offers_of_one_kind_and_title_at_several_sites_are_merged(self, network, unserved):
        coverage = unserved_coverage(network, unserved)
        printing = unserved.needs["printing"]
        offers = [
            offer(printing, OfferKind.EQUIPMENT, "imprimante", "Médiathèque du Bosc"),
            offer(printing, OfferKind.STAFF, "Rendez-vous numérique", "Bibliothèque du Larzac"),
            offer(printing, OfferKind.EQUIPMENT, "imprimante", "Bibliothèque du Larzac"),
            offer(printing, OfferKind.WORKSHOP, "Imprimer", "Médiathèque du Bosc"),
        ]
        (item,) = [
            i
            for i in unserved_needs(coverage, threshold_km=20.0, offers=offers)
            if i.need.slug == "imprimer-document"
        ]
        assert [(o.kind, o.site_names) for o in item.offers] == [
            (OfferKind.WORKSHOP, ("Médiathèque du Bosc",)),
            (OfferKind.STAFF, ("Bibliothèque du Larzac",)),
            (OfferKind.EQUIPMENT, ("Bibliothèque du Larzac", "Médiathèque du Bosc")),
        ]
        assert [o.label for o in item.offers] == [
            "atelier « Imprimer »",
            "rendez-vous « Rendez-vous numérique »",
            "imprimante",
        ]

    def test_a_territory_without_located_communes_claims_nothing(self, network, taxes):
        ServedCommuneFactory(network=network, commune=CommuneFactory(latitude=None, longitude=None))
        coverage = territory_coverage(network=network, needs=[taxes])
        summaries = distance_summaries(coverage)
        assert [s.count for s in summaries] == [0, 0, 0]
        assert [summary_sentences(coverage, s) for s in summaries] == [[], [], []]
        assert not nothing_known(coverage)

    def test_nothing_known_only_when_no_need_is_served_within_the_cap(self, network, unserved):
        needs = unserved.needs
        assert nothing_known(
            territory_coverage(network=network, needs=[needs["rsa"], needs["smartphone"]])
        )
        assert not nothing_known(
            territory_coverage(network=network, needs=[needs["rsa"], needs["email"]])
        )


class TestSummarySentences:
    def test_several(self, network, unserved):
        coverage = unserved_coverage(network, unserved)
        offers = [offer(unserved.needs["printing"], OfferKind.EQUIPMENT, "imprimante", "M")]
        ten, _twenty, thirty = distance_summaries(coverage, offers=offers)
        assert summary_sentences(coverage, ten) == [
            "4 démarches n'ont de lieu compétent connu à 10 km ou moins d'aucune commune du "
            "territoire.",
            "Proposées dans les médiathèques du réseau : 1 ; proposées nulle part à cette "
            "distance : 3.",
            "1 autre démarche a un lieu compétent connu à 10 km ou moins d'une partie "
            "seulement des communes.",
        ]
        assert summary_sentences(coverage, thirty)[2] == (
            "3 autres démarches ont un lieu compétent connu à 30 km ou moins d'une partie "
            "seulement des communes."
        )

    def test_one(self, network, unserved):
        needs = unserved.needs
        coverage = territory_coverage(network=network, needs=[needs["taxes"], needs["rsa"]])
        twenty = distance_summaries(coverage)[1]
        assert summary_sentences(coverage, twenty)[:2] == [
            "1 démarche n'a de lieu compétent connu à 20 km ou moins d'aucune commune du "
            "territoire.",
            "Proposées dans les médiathèques du réseau : 0 ; proposées nulle part à cette "
            "distance : 1.",
        ]

    def test_none(self, network, unserved):
        coverage = territory_coverage(network=network, needs=[unserved.needs["taxes"]])
        ten = distance_summaries(coverage)[0]
        assert summary_sentences(coverage, ten) == [
            "Chaque démarche a un lieu compétent connu à 10 km ou moins d'au moins une "
            "commune du territoire.",
            "1 autre démarche a un lieu compétent connu à 10 km ou moins d'une partie "
            "seulement des communes.",
        ]

    def test_no_active_need(self, network, unserved):
        coverage = territory_coverage(network=network, needs=[])
        assert summary_sentences(coverage, distance_summaries(coverage)[0]) == [
            "Le catalogue n'a aucune démarche active."
        ]


class TestEquipmentOffers:
    def test_the_networks_active_sites_equipment_does_printing_scanning_and_wifi(
        self, network, unserved
    ):
        SiteFactory(network=network, name="Médiathèque du Bosc", has_scanner=False)
        SiteFactory(network=network, name="Fermée", is_active=False)
        SiteFactory(name="Autre réseau")  # another network's printer is not ours
        SiteFactory(network=network, name="Sans matériel", has_printer=False,
                    has_scanner=False, has_wifi=False)  # fmt: skip
        scanning = Need.objects.get(slug="scanner-envoyer-document")
        needs = [*unserved.needs.values(), scanning]
        coverage = territory_coverage(network=network, needs=needs)

        offers = equipment_offers(network=network, coverage=coverage)

        assert {(o.need_id, o.kind, o.title, o.site_names) for o in offers} == {
            (unserved.needs["printing"].pk, OfferKind.EQUIPMENT, "imprimante",
             ("Médiathèque du Bosc",)),
        }  # fmt: skip
        # The wifi need is not asked for; a printer does not create an e-mail address.
        ten = distance_summaries(coverage, offers=offers)[0]
        assert slugs(ten.own) == ["imprimer-document"]
        assert "scanner-envoyer-document" in slugs(ten.nobody)


def outline_points(root):
    (path,) = root.findall(f".//{SVG}path[@class='territory']")
    d = path.get("d")
    assert d.startswith("M") and d.endswith("Z")
    return [tuple(float(v) for v in pair.split()) for pair in d[1:-1].split("L")]


def inside(point, polygon):
    """Ray casting: strictly inside a simple polygon (ours is convex)."""
    x, y = point
    crossings = 0
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def is_label(element):
    return element.get("class") == "commune-label"


def label_box(label):
    """The box the map reserved for a name (its own estimate of the text's width)."""
    width = len(label.text) * LABEL_CHAR_WIDTH
    x, baseline = float(label.get("x")), float(label.get("y"))
    left = {"start": x, "end": x - width, "middle": x - width / 2}[label.get("text-anchor")]
    top = baseline - LABEL_SIZE * 0.8
    return (left, top, left + width, top + LABEL_SIZE)


def overlaps(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def texts(root, css_class=None):
    return [
        "".join(t.itertext())
        for t in root.iter(f"{SVG}text")
        if css_class is None or t.get("class") == css_class
    ]


class TestMapLegendLabelsOutline:
    def test_every_commune_of_the_table_is_named_on_the_map(self, network, unserved):
        coverage = unserved_coverage(network, unserved)
        need = coverage.by_slug("creer-adresse-email")
        root = parse(coverage_map_svg(coverage, need=need))
        labels = root.findall(f".//{SVG}text[@class='commune-label']")
        # The table beside the map lists need.communes: each has its name on the map.
        assert sorted(texts(root, "commune-label")) == sorted(r.commune.name for r in need.communes)
        width, height = float(root.get("width")), float(root.get("height"))
        for label in labels:
            assert 0 <= float(label.get("x")) <= width
            assert 0 <= float(label.get("y")) <= height
            assert label.get("paint-order") == "stroke"  # the halo under the letters

    def test_names_of_close_communes_do_not_overlap(self, network, taxes):
        # Four long names in an east-west row, 500 m apart: side by side they would
        # overlap, so they go left, above, below, right.
        step = 0.5 / (KM_PER_DEGREE_LATITUDE * math.cos(math.radians(LODEVE[0])))
        for index in range(4):
            ServedCommuneFactory(
                network=network,
                commune=CommuneFactory(
                    name=f"Saint-Martin-de-la-Commune-{index}",
                    latitude=LODEVE[0],
                    longitude=LODEVE[1] + index * step,
                    population=300,
                ),
            )
        coverage = territory_coverage(network=network, needs=[taxes])
        root = parse(coverage_map_svg(coverage, need=coverage.needs[0]))
        boxes = [label_box(label) for label in root.iter(f"{SVG}text") if is_label(label)]
        assert len(boxes) == 4
        for first, second in itertools.combinations(boxes, 2):
            assert not overlaps(first, second)
        for circle in root.findall(f".//{SVG}circle[@class='commune']"):
            cx, cy, r = (float(circle.get(a)) for a in ("cx", "cy", "r"))
            for box in boxes:  # no name over another commune's circle (nor its own)
                assert not overlaps(box, (cx - r, cy - r, cx + r, cy + r))

    def test_the_outline_encloses_every_commune(self, network, unserved):
        coverage = unserved_coverage(network, unserved)
        root = parse(coverage_map_svg(coverage, need=coverage.needs[0]))
        polygon = outline_points(root)
        assert len(polygon) >= 3
        circles = root.findall(f".//{SVG}circle[@class='commune']")
        assert len(circles) == 5
        for circle in circles:
            cx, cy, r = (float(circle.get(a)) for a in ("cx", "cy", "r"))
            for dx, dy in ((0, 0), (r, 0), (-r, 0), (0, r), (0, -r)):  # the whole circle
                assert inside((cx + dx, cy + dy), polygon)
        # Drawn under the communes, so that it never hides one.
        order = [el.get("class") for el in root.iter() if el.get("class")]
        assert order.index("territory") < order.index("commune")

    @pytest.mark.parametrize("count", [1, 2])
    def test_one_or_two_communes_still_get_a_closed_outline(self, network, taxes, count):
        for km in range(count):
            serve(network, name=f"C{km}", km=km * 5, population=100)
        coverage = territory_coverage(network=network, needs=[taxes])
        polygon = outline_points(parse(coverage_map_svg(coverage)))
        assert len(polygon) >= 3

    def test_the_legend_explains_bands_outline_and_structures(self, network, unserved):
        coverage = unserved_coverage(network, unserved)
        need = coverage.by_slug("creer-adresse-email")
        root = parse(coverage_map_svg(coverage, need=need))
        legend = texts(root, None)
        assert "de 10 à 20 km : 1 commune" in legend  # La Couvertoirade, 15 km
        assert "de 20 à 30 km : 1 commune" in legend  # Le Caylar, 25 km
        assert "plus de 30 km, ou aucune : 3 communes" in legend  # Le Bosc, Lodève, Nant
        assert "contour : enveloppe des communes desservies, pas la limite administrative" in legend
        assert "structure compétente" in legend
        desc = root.find(f"{SVG}desc").text
        assert "Chaque commune porte son nom" in desc and "contour" in desc
        neutral = texts(parse(coverage_map_svg(coverage)), None)
        assert "contour : enveloppe des communes desservies, pas la limite administrative" in (
            neutral
        )

    def test_labels_are_escaped(self, network, taxes):
        serve(network, name="<b>A & B</b>", km=0, population=10)
        coverage = territory_coverage(network=network, needs=[taxes])
        svg = coverage_map_svg(coverage)
        assert "<b>" not in svg
        assert texts(parse(svg), "commune-label") == ["<b>A & B</b>"]


def test_convex_hull():
    square = [(0, 0), (4, 0), (4, 4), (0, 4)]
    assert sorted(convex_hull([*square, (2, 2), (1, 3), (4, 2)])) == sorted(square)
    assert convex_hull([(1, 1), (1, 1)]) == [(1, 1)]
    assert convex_hull([(0, 0), (1, 1), (2, 2)]) == [(0, 0), (2, 2)]  # collinear: the ends
