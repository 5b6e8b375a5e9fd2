"""The partner finder: coverage of the priority needs, then distance to the nearest site."""

import datetime
import random

import pytest

from aiguillage.catalog.models import Need
from aiguillage.directory import partner_finder
from aiguillage.directory.models import PartnershipStatus
from aiguillage.directory.partner_finder import find_partner_candidates
from aiguillage.directory.services import make_prospect
from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.core.test_geo import law_of_cosines_km
from tests.directory.factories import StructureFactory
from tests.directory.partner_factories import PartnershipFactory, PriorityNeedFactory

pytestmark = pytest.mark.django_db

LODEVE = (43.7317, 3.3194)
LUNEL = (43.6757, 4.1357)  # about 66 km east of Lodève
KM_PER_DEGREE_LATITUDE = 111.195


def need(slug):
    return Need.objects.get(slug=slug)


@pytest.fixture
def rsa():
    return need("demander-rsa")


@pytest.fixture
def prime():
    return need("demander-prime-activite")


@pytest.fixture
def ameli():
    return need("creer-compte-ameli")


@pytest.fixture
def network(rsa, prime, ameli):
    network = NetworkFactory()
    SiteFactory(network=network, name="Lodève", latitude=LODEVE[0], longitude=LODEVE[1])
    SiteFactory(network=network, name="Lunel", latitude=LUNEL[0], longitude=LUNEL[1])
    for priority in (rsa, prime, ameli):
        PriorityNeedFactory(network=network, need=priority)
    return network


def north_of(origin, km):
    """A point ``km`` north of ``origin`` (along a meridian, so exactly that far)."""
    return {"latitude": origin[0] + km / KM_PER_DEGREE_LATITUDE, "longitude": origin[1]}


def names(candidates):
    return [candidate.structure.name for candidate in candidates]


def test_ranked_by_coverage_then_distance_then_name(network, rsa, prime, ameli):
    # many needs, one of them searched: counts as one
    others = [need("demander-passeport"), need("demander-carte-identite"), need("demander-aah")]
    StructureFactory(
        name="Un besoin, tout près", covered_needs=[rsa, *others], **north_of(LODEVE, 1)
    )
    StructureFactory(name="Deux besoins, loin", covered_needs=[rsa, prime], **north_of(LODEVE, 20))
    StructureFactory(name="Deux besoins, près", covered_needs=[rsa, ameli], **north_of(LUNEL, 5))
    StructureFactory(name="Fabrique", covered_needs=[prime], **north_of(LODEVE, 10))
    StructureFactory(name="Écrivains", covered_needs=[prime], **north_of(LODEVE, 10))
    StructureFactory(name="Dame", covered_needs=[prime], **north_of(LODEVE, 10))
    StructureFactory(name="Trois besoins", covered_needs=[rsa, prime, ameli], **north_of(LUNEL, 29))
    assert names(find_partner_candidates(network=network)) == [
        "Trois besoins",
        "Deux besoins, près",
        "Deux besoins, loin",
        "Un besoin, tout près",
        "Dame",
        "Écrivains",  # accents aside, between D and F
        "Fabrique",
    ]


def test_each_candidate_says_which_needs_it_covers_and_its_nearest_site(network, rsa, ameli):
    other_need = need("demander-passeport")
    near_lunel = StructureFactory(covered_needs=[ameli, other_need, rsa], **north_of(LUNEL, 3))
    [candidate] = find_partner_candidates(network=network)
    assert candidate.structure == near_lunel
    # only the searched needs, in catalog order; not the passport it also covers
    assert candidate.covered_needs == list(Need.objects.filter(pk__in=[rsa.pk, ameli.pk]))
    assert candidate.coverage == 2
    assert candidate.nearest_site.name == "Lunel"
    expected = law_of_cosines_km(*LUNEL, near_lunel.latitude, near_lunel.longitude)
    assert candidate.distance_km == pytest.approx(expected, abs=0.002)
    assert candidate.distance_km == pytest.approx(3.0, abs=0.002)
    assert candidate.ended_partnership_id is None
    assert candidate.ended_on is None


def test_structures_covering_no_searched_need_are_left_out(network):
    StructureFactory(covered_needs=[need("demander-passeport")], **north_of(LODEVE, 1))
    StructureFactory(**north_of(LODEVE, 1))
    assert find_partner_candidates(network=network) == []


def test_current_partners_are_left_out_former_ones_flagged(network, rsa):
    for status in ("prospect", "active", "paused"):
        PartnershipFactory(
            network=network,
            status=status,
            structure=StructureFactory(name=status, covered_needs=[rsa], **north_of(LODEVE, 2)),
        )
    former = PartnershipFactory(
        network=network,
        status=PartnershipStatus.ENDED,
        agreement_end=datetime.date(2025, 6, 30),
        structure=StructureFactory(name="ancien", covered_needs=[rsa], **north_of(LODEVE, 3)),
    )
    # another network's partner is still a candidate for this one
    PartnershipFactory(
        structure=StructureFactory(name="d'un autre", covered_needs=[rsa], **north_of(LODEVE, 4))
    )
    found = find_partner_candidates(network=network)
    assert names(found) == ["ancien", "d'un autre"]
    assert found[0].ended_partnership_id == former.pk
    assert found[0].ended_on == datetime.date(2025, 6, 30)
    assert names(find_partner_candidates(network=network, include_ended=False)) == ["d'un autre"]


def test_a_partnership_on_a_duplicate_row_excludes_the_place(network, rsa):
    place = StructureFactory(name="place", covered_needs=[rsa], **north_of(LODEVE, 2))
    other_row = StructureFactory(duplicate_of=place, covered_needs=[rsa], **north_of(LODEVE, 2))
    PartnershipFactory(network=network, structure=other_row)
    assert find_partner_candidates(network=network) == []


def test_inactive_duplicate_and_unlocated_structures_are_left_out(network, rsa):
    canonical = StructureFactory(name="canonique", covered_needs=[rsa], **north_of(LODEVE, 2))
    StructureFactory(duplicate_of=canonical, covered_needs=[rsa], **north_of(LODEVE, 1))
    StructureFactory(name="fermée", is_active=False, covered_needs=[rsa], **north_of(LODEVE, 1))
    StructureFactory(name="bus", latitude=None, longitude=None, covered_needs=[rsa])
    assert names(find_partner_candidates(network=network)) == ["canonique"]


def test_only_the_networks_active_sites_count(network, rsa):
    far = (44.6, 3.3)  # about 97 km north of Lodève
    SiteFactory(network=network, name="Fermée", latitude=far[0], longitude=far[1], is_active=False)
    SiteFactory(name="Autre réseau", latitude=far[0], longitude=far[1])
    StructureFactory(covered_needs=[rsa], **north_of(far, 1))
    assert find_partner_candidates(network=network) == []


def test_the_radius_is_respected_at_the_edge(network, rsa):
    StructureFactory(name="dedans", covered_needs=[rsa], **north_of(LODEVE, 29.98))
    StructureFactory(name="dehors", covered_needs=[rsa], **north_of(LODEVE, 30.02))
    assert names(find_partner_candidates(network=network, radius_km=30)) == ["dedans"]
    assert names(find_partner_candidates(network=network, radius_km=31)) == ["dedans", "dehors"]


def independent_candidates(structures, sites, radius):
    """Which structures are within ``radius`` of a site, by another great-circle formula."""
    return {
        structure.pk
        for structure in structures
        if min(law_of_cosines_km(*site, structure.latitude, structure.longitude) for site in sites)
        <= radius
    }


@pytest.mark.parametrize("radius", [5, 15, 30, 60])
def test_results_agree_with_an_independent_computation(network, rsa, radius):
    rng = random.Random(radius)
    structures = [
        StructureFactory(
            covered_needs=[rsa],
            latitude=rng.uniform(43.0, 44.4),
            longitude=rng.uniform(2.6, 4.9),
        )
        for _ in range(120)
    ]
    found = find_partner_candidates(network=network, radius_km=radius, limit=100)
    expected = independent_candidates(structures, [LODEVE, LUNEL], radius)
    assert {c.structure.pk for c in found} == expected
    assert [c.distance_km for c in found] == sorted(c.distance_km for c in found)
    for candidate in found:
        site = (candidate.nearest_site.latitude, candidate.nearest_site.longitude)
        distance = law_of_cosines_km(
            *site, candidate.structure.latitude, candidate.structure.longitude
        )
        assert candidate.distance_km == pytest.approx(distance, abs=0.002)


def test_many_sites_share_one_box_and_still_respect_the_radius(rsa, monkeypatch):
    monkeypatch.setattr(partner_finder, "MAX_BOXES", 2)
    network = NetworkFactory()
    sites = [(43.3, 3.0), (43.3, 4.5), (44.3, 3.7)]
    for latitude, longitude in sites:
        SiteFactory(network=network, latitude=latitude, longitude=longitude)
    PriorityNeedFactory(network=network, need=rsa)
    rng = random.Random(3)
    structures = [
        StructureFactory(
            covered_needs=[rsa], latitude=rng.uniform(43.0, 44.6), longitude=rng.uniform(2.7, 4.8)
        )
        for _ in range(80)
    ]
    found = find_partner_candidates(network=network, radius_km=25, limit=100)
    assert {c.structure.pk for c in found} == independent_candidates(structures, sites, 25)
    assert found  # the box in between holds structures; the exact distance removes them


def test_given_needs_replace_the_priority_needs(network, rsa):
    passport = need("demander-passeport")
    StructureFactory(name="RSA", covered_needs=[rsa], **north_of(LODEVE, 1))
    StructureFactory(name="Passeport", covered_needs=[passport], **north_of(LODEVE, 1))
    assert names(find_partner_candidates(network=network, needs=[passport])) == ["Passeport"]
    assert find_partner_candidates(network=network, needs=[]) == []


def test_nothing_to_look_for_gives_nothing(rsa):
    without_priorities = NetworkFactory()
    SiteFactory(network=without_priorities, latitude=LODEVE[0], longitude=LODEVE[1])
    without_sites = NetworkFactory()
    PriorityNeedFactory(network=without_sites, need=rsa)
    StructureFactory(covered_needs=[rsa], **north_of(LODEVE, 1))
    assert find_partner_candidates(network=without_priorities) == []
    assert find_partner_candidates(network=without_sites) == []


def test_limit_keeps_the_best(network, rsa, prime):
    for km in range(1, 8):
        StructureFactory(name=f"à {km} km", covered_needs=[rsa], **north_of(LODEVE, km))
    StructureFactory(name="deux besoins", covered_needs=[rsa, prime], **north_of(LODEVE, 25))
    assert names(find_partner_candidates(network=network, limit=3)) == [
        "deux besoins",
        "à 1 km",
        "à 2 km",
    ]


def test_one_click_makes_a_candidate_a_prospect_and_it_leaves_the_list(network, rsa):
    coordinator = MembershipFactory(network=network, coordinator=True).user
    StructureFactory(name="A", covered_needs=[rsa], **north_of(LODEVE, 1))
    StructureFactory(name="B", covered_needs=[rsa], **north_of(LODEVE, 2))
    first, _second = find_partner_candidates(network=network)
    assert first.structure.name == "A"
    partnership = make_prospect(network=network, structure=first.structure, actor=coordinator)
    assert partnership.status == PartnershipStatus.PROSPECT
    assert names(find_partner_candidates(network=network)) == ["B"]


def use_everything(candidates):
    """What a page shows of each candidate."""
    return [
        (
            c.structure.name,
            c.structure.address,
            c.structure.website,
            [(n.name, n.theme.name) for n in c.covered_needs],
            c.nearest_site.name,
            c.nearest_site.address,
        )
        for c in candidates
    ]


@pytest.mark.parametrize("count", [2, 40])
def test_query_count_does_not_grow_with_candidates(
    network, rsa, prime, count, django_assert_max_num_queries
):
    rng = random.Random(count)
    for _ in range(count):
        StructureFactory(covered_needs=[rsa, prime], **north_of(LODEVE, rng.uniform(0, 25)))
    PartnershipFactory(network=network)
    # sites, priority needs, partnerships, candidate rows, full rows, their needs
    with django_assert_max_num_queries(6):
        shown = use_everything(find_partner_candidates(network=network, limit=100))
    assert len(shown) == count
    assert all(len(row[3]) == 2 for row in shown)
