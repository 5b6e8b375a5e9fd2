import random

import pytest

from aiguillage.catalog.models import Need
from aiguillage.directory.models import Commune
from tests.core.test_geo import law_of_cosines_km
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxes():
    return Need.objects.get(slug="declarer-ses-revenus")


def test_nearest_structures_covering_a_need(client, taxes):
    far = StructureFactory(latitude=43.80, longitude=3.40, covered_needs=[taxes])
    near = StructureFactory(latitude=43.735, longitude=3.32, covered_needs=[taxes])
    StructureFactory(latitude=43.735, longitude=3.32)
    response = client.get(
        "/api/v1/structures", {"near": "43.7317,3.3194", "radius_km": 30, "need": taxes.slug}
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [near.pk, far.pk]
    first = results[0]
    assert {"id", "source", "source_id", "name", "commune", "distance_km", "open_now",
            "next_opening"} <= set(first)  # fmt: skip
    assert first["distance_km"] < results[1]["distance_km"]


def test_a_commune_can_be_the_point(client):
    Commune.objects.create(
        insee_code="34142", name="Lodève", department="34", latitude=43.7317, longitude=3.3194
    )
    s = StructureFactory()
    results = client.get("/api/v1/structures", {"commune": "34142", "radius_km": 5}).json()
    assert [r["id"] for r in results["results"]] == [s.pk]


@pytest.mark.parametrize(
    "params,status,message",
    [
        ({}, 400, "give a point"),
        ({"near": "north"}, 400, "LATITUDE,LONGITUDE"),
        ({"near": "95,3"}, 400, "outside"),
        ({"near": "43.7,3.3", "radius_km": 0}, 400, "radius_km"),
        ({"near": "43.7,3.3", "need": "nope"}, 404, "unknown need"),
        ({"commune": "99999"}, 404, "no located commune"),
    ],
)
def test_bad_requests_say_why(client, params, status, message):
    response = client.get("/api/v1/structures", params)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_structure_detail(client, taxes):
    s = StructureFactory(covered_needs=[taxes], siret="13002526500013")
    data = client.get(f"/api/v1/structures/{s.pk}").json()
    assert data["name"] == s.name and data["needs"] == [taxes.slug]
    assert client.get("/api/v1/structures/999999").status_code == 404


def test_openapi_documents_the_directory(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/structures" in paths and "/api/v1/structures/{structure_id}" in paths


def test_thematique_and_lieux_service_filters(client):
    budget = "difficultes-financieres--ameliorer-sa-gestion-budgetaire"
    with_theme = StructureFactory(latitude=43.735, longitude=3.32, thematiques=[budget])
    with_service = StructureFactory(
        latitude=43.736, longitude=3.32, lieux_services=["Aide aux démarches administratives"]
    )
    StructureFactory(latitude=43.737, longitude=3.32)
    by_theme = client.get("/api/v1/structures", {"near": "43.7317,3.3194", "thematique": budget})
    assert [r["id"] for r in by_theme.json()["results"]] == [with_theme.pk]
    by_service = client.get(
        "/api/v1/structures",
        {"near": "43.7317,3.3194", "service": "Aide aux démarches administratives"},
    )
    assert [r["id"] for r in by_service.json()["results"]] == [with_service.pk]
    unknown = client.get("/api/v1/structures", {"near": "43.7317,3.3194", "thematique": "x"})
    assert unknown.status_code == 400
    assert "thématique" in unknown.json()["detail"]
    bad_service = client.get("/api/v1/structures", {"near": "43.7317,3.3194", "service": "x"})
    assert bad_service.status_code == 400


def test_a_place_known_from_two_sources_is_listed_once(client, taxes):
    first = StructureFactory(latitude=43.735, longitude=3.32, source="a")
    twin = StructureFactory(
        latitude=43.7351, longitude=3.32, source="b", duplicate_of=first, covered_needs=[taxes]
    )
    everything = client.get("/api/v1/structures", {"near": "43.7317,3.3194"}).json()["results"]
    assert [r["place_id"] for r in everything] == [first.pk]
    # The twin covers the need from its own source: the place is found through it.
    covering = client.get("/api/v1/structures", {"near": "43.7317,3.3194", "need": taxes.slug})
    assert [(r["id"], r["place_id"]) for r in covering.json()["results"]] == [(twin.pk, first.pk)]


def test_the_api_agrees_with_an_independent_great_circle_computation(client, taxes):
    """Must show: the API's nearest results, checked against the spherical law of
    cosines (not the haversine the code uses) over the same rows."""
    rng = random.Random(11)
    rows = [
        StructureFactory(
            latitude=rng.uniform(43.3, 44.2),
            longitude=rng.uniform(2.8, 3.9),
            covered_needs=[taxes] if rng.random() < 0.5 else [],
        )
        for _ in range(120)
    ]
    covering = [s for s in rows if s.covered_needs.filter(pk=taxes.pk).exists()]
    for _ in range(8):
        lat, lon = rng.uniform(43.5, 44.0), rng.uniform(3.0, 3.7)
        radius = rng.choice([10, 25, 50])
        response = client.get(
            "/api/v1/structures",
            {"near": f"{lat},{lon}", "radius_km": radius, "need": taxes.slug, "limit": 100},
        )
        expected = sorted(
            (round(law_of_cosines_km(lat, lon, s.latitude, s.longitude), 3), s.pk)
            for s in covering
            if law_of_cosines_km(lat, lon, s.latitude, s.longitude) <= radius
        )
        results = response.json()["results"]
        assert [r["id"] for r in results] == [pk for _, pk in expected]
        for result, (distance, _) in zip(results, expected, strict=True):
            assert result["distance_km"] == pytest.approx(distance, abs=0.002)
