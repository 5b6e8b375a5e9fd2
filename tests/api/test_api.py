import pytest

from tests.core.factories import NetworkFactory, SiteFactory


@pytest.mark.django_db
class TestNeedsEndpoint:
    def test_search_returns_the_documented_shape_best_first(self, client):
        response = client.get("/api/v1/needs", {"q": "impot"})
        assert response.status_code == 200
        results = response.json()["results"]
        assert results[0]["slug"] == "declarer-ses-revenus"
        assert set(results[0]) == {"slug", "name", "theme", "operators", "score"}
        assert isinstance(results[0]["operators"], list)
        assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)

    def test_empty_query_returns_no_results(self, client):
        assert client.get("/api/v1/needs").json() == {"results": []}

    def test_limit_is_bounded(self, client):
        results = client.get("/api/v1/needs", {"q": "demander", "limit": 1000}).json()["results"]
        assert 0 < len(results) <= 25

    def test_it_is_public_and_needs_no_login(self, client):
        assert client.get("/api/v1/needs", {"q": "caf"}).status_code == 200


@pytest.mark.django_db
def test_sites_lists_public_active_sites_of_every_network(client):
    shown_a = SiteFactory(network=NetworkFactory(slug="alpha"), slug="centre")
    shown_b = SiteFactory(network=NetworkFactory(slug="beta"))
    SiteFactory(network=shown_a.network, is_public=False)
    SiteFactory(network=shown_a.network, is_active=False)
    SiteFactory(network=NetworkFactory(is_active=False))
    results = client.get("/api/v1/sites").json()["results"]
    assert {(r["network"], r["slug"]) for r in results} == {
        ("alpha", "centre"),
        ("beta", shown_b.slug),
    }
    first = next(r for r in results if r["slug"] == "centre")
    assert first == {
        "slug": "centre",
        "name": shown_a.name,
        "network": "alpha",
        "commune_insee": shown_a.commune_insee,
        "latitude": shown_a.latitude,
        "longitude": shown_a.longitude,
    }


@pytest.mark.django_db
def test_openapi_document_describes_both_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/needs", "/api/v1/sites"} <= set(document["paths"])
    params = {p["name"] for p in document["paths"]["/api/v1/needs"]["get"]["parameters"]}
    assert "q" in params


@pytest.mark.django_db
def test_no_interactive_docs_page_that_would_load_a_cdn(client):
    assert client.get("/api/v1/docs").status_code == 404
