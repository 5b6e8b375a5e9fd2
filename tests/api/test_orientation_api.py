"""GET /api/v1/orientation: the public page's answer, the command's JSON, key for key.

The scene (two networks with a site "centre" at Lodève, each with its own permanences
and workshops for the income-tax declaration) is the command tests' one.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from aiguillage.agenda.models import BookableBy
from aiguillage.core.models import Network, Site
from aiguillage.orientation.models import Mode
from tests.agenda.factories import UpcomingStaffPermanenceFactory
from tests.core.factories import SiteFactory
from tests.orientation.test_command import TAXES, build_scene, first_free_slot, ids_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/orientation"


@pytest.fixture
def scene():
    return build_scene()


def command_json(**params: str | bool) -> dict:
    """The command with the API's parameters (``--public``: the API's answer)."""
    args = ["--public", "--json"]
    for name, value in params.items():
        option = "--" + name.replace("_", "-")
        if value is True:
            args.append(option)
        else:
            args += [option, value]
    out, err = io.StringIO(), io.StringIO()
    call_command("orient", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue())


def api_params(**params: str | bool) -> dict[str, str]:
    return {name: "true" if value is True else value for name, value in params.items()}


@pytest.mark.parametrize(
    "params",
    [
        {"need": TAXES, "site": "centre", "network": "reseau-a"},
        {"need": TAXES, "commune": "34142", "network": "reseau-b"},
        {"query": "impots revenus", "site": "centre", "network": "reseau-a"},
        {
            "need": TAXES,
            "site": "centre",
            "network": "reseau-a",
            "autonomy": "autonome",
            "lacks": "email,scanner",
            "support": "surdite",
            "french_not_mastered": True,
            "first_time": True,
            "deadline": "2100-01-01",
        },
        {"query": "xqzwv", "commune": "34142", "network": "reseau-a"},
    ],
)
def test_the_api_answers_what_the_command_prints(client, scene, params):
    params = {**params, "at": scene.at}
    response = client.get(URL, api_params(**params))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == command_json(**params)


def test_the_documented_shape(client, scene):
    response = client.get(URL, {"need": TAXES, "site": "centre", "network": "reseau-a"})
    answer = response.json()
    assert set(answer) == {
        "need", "query", "alternatives", "at", "recommendations", "warnings", "checklist",
        "excluded", "unmet", "unmet_reasons",
    }  # fmt: skip
    assert answer["need"]["slug"] == TAXES
    assert answer["unmet"] is False
    for recommendation in answer["recommendations"]:
        assert set(recommendation) == {
            "mode", "mode_label", "target", "title", "why", "reasons", "warnings", "actions",
            "score",
        }  # fmt: skip
        assert {"kind", "id", "name"} <= set(recommendation["target"])
        assert None not in recommendation["target"].values() or (
            recommendation["target"]["kind"] == "online_service"
        )
    online = next(r for r in answer["recommendations"] if r["target"]["kind"] == "online_service")
    assert online["target"]["id"] is None
    assert "distance_km" not in online["target"]  # absent, not null


def test_only_what_the_public_may_see(client, scene):
    """Slots kept for the desk, workshops registered at the desk only and staff
    appointments stay off the public API; accompany and act for are not proposed."""
    staff = UpcomingStaffPermanenceFactory(site=scene.site, bookable_by=BookableBy.PUBLIC)
    staff.needs.set([scene.need])
    answer = client.get(
        URL,
        {"need": TAXES, "site": "centre", "network": "reseau-a", "autonomy": "autonome"},
    ).json()
    slots = ids_of(answer, "partner_slot")
    assert first_free_slot(scene.public_permanence) in slots
    assert first_free_slot(scene.desk_permanence) not in slots
    assert ids_of(answer, "staff_slot") == set()
    assert ids_of(answer, "workshop") == {scene.public_workshop.pk}
    assert {r["mode"] for r in answer["recommendations"]} <= {
        Mode.ORIENT, Mode.PARTNER_ON_SITE, Mode.TRAIN,
    }  # fmt: skip
    assert {e["mode"] for e in answer["excluded"]} <= {
        Mode.ORIENT, Mode.PARTNER_ON_SITE, Mode.TRAIN,
    }  # fmt: skip
    text = json.dumps(answer, ensure_ascii=False)
    assert "au guichet" not in text and "du guichet" not in text


def test_a_partner_slot_of_the_answer_can_be_booked_online(client, scene):
    answer = client.get(URL, {"need": TAXES, "site": "centre", "network": "reseau-a"}).json()
    slot = next(r for r in answer["recommendations"] if r["mode"] == Mode.PARTNER_ON_SITE)
    assert "book" in slot["actions"]
    free = client.get("/api/v1/slots", {"site": "centre", "network": "reseau-a"}).json()
    assert slot["target"]["id"] in {s["id"] for s in free["results"]}


# --- tenancy ----------------------------------------------------------------------------


@pytest.mark.parametrize("where", [{"site": "centre"}, {"commune": "34142"}])
def test_never_another_networks_slots_or_workshops(client, scene, where):
    a = (scene.public_permanence, scene.public_workshop)
    b = (scene.other_permanence, scene.other_workshop)
    for network, mine, theirs in (("reseau-a", a, b), ("reseau-b", b, a)):
        answer = client.get(URL, {"need": TAXES, "network": network, **where}).json()
        assert first_free_slot(mine[0]) in ids_of(answer, "partner_slot")
        assert mine[1].pk in ids_of(answer, "workshop")
        assert first_free_slot(theirs[0]) not in ids_of(answer, "partner_slot")
        assert theirs[1].pk not in ids_of(answer, "workshop")
        text = json.dumps(answer, ensure_ascii=False)
        assert theirs[0].title not in text and theirs[1].title not in text


def test_a_site_of_another_network_is_not_found(client, scene):
    SiteFactory(network=scene.other_network, slug="annexe-b")
    response = client.get(URL, {"need": TAXES, "site": "annexe-b", "network": "reseau-a"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Aucun site public n'a l'identifiant « annexe-b »."}


def test_a_site_unique_to_one_network_needs_no_network(client, scene):
    SiteFactory(network=scene.other_network, slug="annexe-b", latitude=43.7317, longitude=3.3194)
    response = client.get(URL, {"need": TAXES, "site": "annexe-b"})
    assert response.status_code == 200
    answer = response.json()
    assert first_free_slot(scene.other_permanence) in ids_of(answer, "partner_slot")
    assert first_free_slot(scene.public_permanence) not in ids_of(answer, "partner_slot")


def test_a_commune_with_the_only_active_network_needs_no_network(client, scene):
    Network.objects.filter(pk=scene.other_network.pk).update(is_active=False)
    response = client.get(URL, {"need": TAXES, "commune": "34142"})
    assert response.status_code == 200
    assert first_free_slot(scene.public_permanence) in ids_of(response.json(), "partner_slot")


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        (
            {},
            {
                "need": ["Précisez la démarche (need) ou une recherche (query)."],
                "site": ["Précisez le site (site) ou la commune (commune)."],
            },
        ),
        (
            {"need": TAXES, "query": "impots", "site": "centre", "commune": "34142"},
            {
                "query": ["Donnez la démarche (need) ou une recherche (query), pas les deux."],
                "commune": ["Donnez le site (site) ou la commune (commune), pas les deux."],
            },
        ),
        ({"query": "x" * 201, "site": "centre"}, {"query": ["200 caractères au plus."]}),
        (
            {"need": TAXES, "site": "centre"},
            {
                "network": [
                    "Plusieurs réseaux ont un site « centre » : précisez le réseau "
                    "(paramètre network)."
                ]
            },
        ),
        (
            {"need": TAXES, "commune": "34142"},
            {"network": ["Précisez le réseau (paramètre network) dont l'offre est cherchée."]},
        ),
        (
            {
                "need": TAXES,
                "site": "centre",
                "network": "reseau-a",
                "autonomy": "debrouillard",
                "lacks": "email,courage",
                "support": "autre",
                "french_not_mastered": "peut-etre",
                "first_time": "2",
                "deadline": "demain",
                "at": "hier",
                "staff": "agent@reseau-a.example",
            },
            {
                "autonomy": [
                    "Autonomie inconnue : debrouillard (valeurs possibles : "
                    "entierement_accompagne, partiellement_autonome, autonome)."
                ],
                "lacks": [
                    "Manque inconnu : courage (valeurs possibles : email, device, "
                    "franceconnect, scanner, documents)."
                ],
                "support": [
                    "Accompagnement spécifique inconnu : autre (valeurs possibles : surdite, "
                    "deficience_visuelle, handicap_moteur, illettrisme)."
                ],
                "french_not_mastered": ["true ou false est attendu."],
                "first_time": ["true ou false est attendu."],
                "deadline": ["Une date AAAA-MM-JJ est attendue, par exemple 2026-12-01."],
                "at": [
                    "Une date ISO 8601 est attendue, par exemple 2026-12-01 ou "
                    "2026-12-01T14:00+01:00."
                ],
                "staff": [
                    "L'API publique ne répond pas au nom d'un membre de l'équipe (paramètre staff)."
                ],
            },
        ),
        (
            {"need": TAXES, "site": "centre", "network": "reseau-a", "at": "1900-01-01"},
            {"at": ["Une date entre 2000 et 2100 est attendue."]},
        ),
    ],
)
def test_bad_input_is_a_400_with_french_messages_per_field(client, scene, params, errors):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response.json() == {"errors": errors}


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        (
            {"need": "nope", "site": "centre", "network": "reseau-a"},
            "Aucune démarche n'a l'identifiant « nope ».",
        ),
        (
            {"need": TAXES, "site": "nulle-part"},
            "Aucun site public n'a l'identifiant « nulle-part ».",
        ),
        (
            {"need": TAXES, "site": "centre", "network": "nope"},
            "Aucun réseau n'a l'identifiant « nope ».",
        ),
        (
            {"need": TAXES, "commune": "99999", "network": "reseau-a"},
            "Aucune commune localisée n'a le code INSEE « 99999 ».",
        ),
    ],
)
def test_unknown_things_are_a_404(client, scene, params, detail):
    response = client.get(URL, params)
    assert response.status_code == 404
    assert response.json() == {"detail": detail}


def test_a_non_public_site_is_unknown_to_the_api(client, scene):
    Site.objects.filter(pk=scene.site.pk).update(is_public=False)
    response = client.get(URL, {"need": TAXES, "site": "centre", "network": "reseau-a"})
    assert response.status_code == 404


def test_the_answer_follows_the_request_language(client, scene):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    params = {"need": TAXES, "site": "centre", "network": "reseau-a"}
    answer = client.get(URL, params, **english).json()
    labels = {r["mode"]: r["mode_label"] for r in answer["recommendations"]}
    assert labels[Mode.ORIENT] == "orient"
    response = client.get(URL, {**params, "need": "nope"}, **english)
    assert response.json() == {"detail": "No procedure has the identifier “nope”."}


def test_reading_is_not_rate_limited(client, scene, settings):
    settings.PUBLIC_RATE_LIMIT = 1
    for _ in range(3):
        response = client.get(URL, {"need": TAXES, "site": "centre", "network": "reseau-a"})
        assert response.status_code == 200


# --- the OpenAPI document ----------------------------------------------------------------


def test_the_openapi_document_describes_the_endpoint(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/orientation"]["get"]
    assert operation["tags"] == ["orientation"]
    params = {p["name"] for p in operation["parameters"]}
    assert params == {
        "need", "query", "site", "commune", "network", "autonomy", "lacks", "support",
        "french_not_mastered", "first_time", "deadline", "at",
    }  # fmt: skip
    assert "staff" not in params
    responses = operation["responses"]
    assert set(responses) == {"200", "400", "404", "429"}
    ok = responses["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("/OrientationOut")
    schemas = document["components"]["schemas"]
    recommendation = schemas["RecommendationOut"]["properties"]
    assert recommendation["mode"]["enum"] == [
        "orient", "partner_on_site", "accompany", "act_for", "train",
    ]  # fmt: skip
    assert {"kind", "id", "name", "distance_km", "starts_at"} <= set(
        schemas["TargetOut"]["properties"]
    )
    assert set(schemas["TargetOut"]["required"]) == {"kind", "id", "name"}
    assert set(schemas["ScoreOut"]["properties"]) == {
        "total", "competence", "distance", "delay", "support", "autonomy", "charter",
    }  # fmt: skip
