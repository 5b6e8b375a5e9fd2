"""``manage.py orient``: the engine's answer on the command line, in words or as JSON.

The agenda rows are placed relative to today (the factories read the real clock), and
every call passes the same ``--at``, so that two answers can be compared key for key.
"""

from __future__ import annotations

import datetime
import io
import json
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from aiguillage.agenda.models import BookableBy, Permanence, Workshop
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site
from aiguillage.directory.models import Commune
from aiguillage.orientation.engine import orient
from aiguillage.orientation.management.commands.orient import Command
from aiguillage.orientation.models import Mode
from aiguillage.orientation.serialize import orientation_to_dict
from aiguillage.orientation.situation import Situation
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import UpcomingPermanenceFactory, UpcomingWorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db

TAXES = "declarer-ses-revenus"
LODEVE = {"latitude": 43.7317, "longitude": 3.3194, "commune_insee": "34142"}


@dataclass
class Scene:
    """Two networks with a site of the same slug at Lodève, each with its own offer for
    the income-tax declaration, and a competent office in the directory."""

    network: Network
    site: Site
    other_network: Network
    other_site: Site
    need: Need
    office: object
    public_permanence: Permanence
    desk_permanence: Permanence
    public_workshop: Workshop
    desk_workshop: Workshop
    other_permanence: Permanence
    other_workshop: Workshop
    at: str


def _handling(need: Need, permanence: Permanence) -> Permanence:
    permanence.needs.set([need])
    return permanence


def _teaching(need: Need, workshop: Workshop) -> Workshop:
    workshop.needs.set([need])
    return workshop


def build_scene() -> Scene:
    need = Need.objects.get(slug=TAXES)
    network = NetworkFactory(slug="reseau-a", name="Réseau A")
    other_network = NetworkFactory(slug="reseau-b", name="Réseau B")
    site = SiteFactory(network=network, slug="centre", name="Médiathèque du Centre", **LODEVE)
    other_site = SiteFactory(
        network=other_network, slug="centre", name="Médiathèque de B", **LODEVE
    )
    Commune.objects.create(
        insee_code="34142",
        name="Lodève",
        department="34",
        postcode="34700",
        latitude=43.7317,
        longitude=3.3194,
    )
    office = StructureFactory(name="Centre des finances publiques", covered_needs=[need])
    scene = Scene(
        network=network,
        site=site,
        other_network=other_network,
        other_site=other_site,
        need=need,
        office=office,
        public_permanence=_handling(
            need, UpcomingPermanenceFactory(site=site, title="Permanence impôts du Centre")
        ),
        desk_permanence=_handling(
            need,
            UpcomingPermanenceFactory(
                site=site, title="Permanence impôts au guichet", bookable_by=BookableBy.DESK
            ),
        ),
        public_workshop=_teaching(
            need, UpcomingWorkshopFactory(site=site, title="Déclarer en ligne, pas à pas")
        ),
        desk_workshop=_teaching(
            need,
            UpcomingWorkshopFactory(
                site=site, title="Atelier impôts du guichet", public_registration=False
            ),
        ),
        other_permanence=_handling(
            need, UpcomingPermanenceFactory(site=other_site, title="Permanence impôts de B")
        ),
        other_workshop=_teaching(
            need, UpcomingWorkshopFactory(site=other_site, title="Atelier impôts de B")
        ),
        at=timezone.localtime().replace(second=0, microsecond=0).isoformat(),
    )
    return scene


@pytest.fixture
def scene() -> Scene:
    return build_scene()


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("orient", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_json(*args: str) -> dict:
    out, err = run(*args, "--json")
    assert err.startswith("orient : ")
    return json.loads(out)


def ids_of(answer: dict, kind: str) -> set[int]:
    return {r["target"]["id"] for r in answer["recommendations"] if r["target"]["kind"] == kind}


def first_free_slot(permanence: Permanence) -> int:
    return permanence.slots.order_by("starts_at", "pk").values_list("pk", flat=True).first()


# --- the answer -------------------------------------------------------------------------


def test_json_is_the_serialisation_of_the_engine_answer(scene):
    answer = run_json(
        "--need", TAXES, "--site", "centre", "--network", "reseau-a", "--at", scene.at
    )
    expected = orient(
        network=scene.network,
        need=scene.need,
        site=scene.site,
        at=datetime.datetime.fromisoformat(scene.at),
    )
    assert answer == json.loads(json.dumps(orientation_to_dict(expected)))
    assert answer["need"] == {
        "slug": TAXES,
        "name": "Déclarer ses revenus",
        "theme": scene.need.theme.name,
    }
    assert answer["at"] == scene.at
    assert answer["unmet"] is False
    assert answer["unmet_reasons"] == []
    modes = {r["mode"] for r in answer["recommendations"]}
    assert {Mode.ORIENT, Mode.PARTNER_ON_SITE, Mode.TRAIN} <= modes
    assert modes <= set(Mode.values)


def test_the_target_keys_are_those_that_say_something(scene):
    answer = run_json(
        "--need", TAXES, "--site", "centre", "--network", "reseau-a", "--at", scene.at
    )
    by_kind = {r["target"]["kind"]: r for r in answer["recommendations"]}
    office = next(
        r["target"] for r in answer["recommendations"] if r["target"]["id"] == scene.office.pk
    )
    assert office["kind"] == "structure"
    assert office["name"] == "Centre des finances publiques"
    assert office["distance_km"] == pytest.approx(0.0, abs=0.01)
    assert office["address"] == "1 place de la République, 34700 Lodève"
    assert "starts_at" not in office and "phone" not in office  # the factory has no phone
    online = by_kind["online_service"]["target"]
    assert online["id"] is None
    assert set(online) == {"kind", "id", "name", "url"}
    slot = by_kind["partner_slot"]["target"]
    starts = datetime.datetime.fromisoformat(slot["starts_at"])
    assert starts > datetime.datetime.fromisoformat(scene.at)
    assert slot["site_name"] == "Médiathèque du Centre"
    recommendation = by_kind["partner_slot"]
    assert recommendation["mode_label"] == "partenaire sur place"
    assert set(recommendation["score"]) == {
        "total", "competence", "distance", "delay", "support", "autonomy", "charter",
    }  # fmt: skip
    assert "book" in recommendation["actions"]


def test_human_output_lists_the_need_the_recommendations_and_a_summary(scene):
    out, _ = run("--need", TAXES, "--site", "centre", "--network", "reseau-a", "--at", scene.at)
    answer = run_json(
        "--need", TAXES, "--site", "centre", "--network", "reseau-a", "--at", scene.at
    )
    lines = out.splitlines()
    assert lines[0] == f"Besoin : Déclarer ses revenus ({scene.need.theme.name})"
    assert lines[1].startswith("Depuis : Médiathèque du Centre, le ")
    for number, recommendation in enumerate(answer["recommendations"], start=1):
        heading = f"{number}. [{recommendation['mode_label']}] {recommendation['title']}"
        assert any(line.startswith(heading) for line in lines), heading
        assert f"(score {recommendation['score']['total']})" in out
        for reason in recommendation["reasons"]:
            assert f"   - {reason}" in lines
        for warning in recommendation["warnings"]:
            assert f"   ! {warning}" in lines
    assert "Avertissements :" in lines
    assert "À prévoir :" in lines
    for item in answer["warnings"] + answer["checklist"]:
        assert f"  - {item}" in lines
    assert lines[-1] == (
        f"orient : {len(answer['recommendations'])} recommandation(s) pour « Déclarer ses "
        f"revenus », d'abord « {answer['recommendations'][0]['title']} »."
    )


def test_excluded_modes_are_printed_with_their_reasons(scene):
    # The office is next door: the library orients first and does not accompany.
    answer = run_json(
        "--need", TAXES, "--site", "centre", "--network", "reseau-a", "--at", scene.at
    )
    excluded = {e["mode"]: e for e in answer["excluded"]}
    assert Mode.ACCOMPANY in excluded
    assert any("orientez d'abord" in reason for reason in excluded[Mode.ACCOMPANY]["reasons"])
    out, _ = run("--need", TAXES, "--site", "centre", "--network", "reseau-a", "--at", scene.at)
    accompany = excluded[Mode.ACCOMPANY]
    assert "Modes écartés :" in out
    assert f"  - {accompany['label']} : {' '.join(accompany['reasons'])}" in out.splitlines()


def test_query_resolves_the_need_and_lists_alternatives(scene):
    answer = run_json(
        "--query", "impots revenus", "--site", "centre", "--network", "reseau-a", "--at", scene.at
    )
    assert answer["query"] == "impots revenus"
    assert answer["need"]["slug"] == TAXES
    assert answer["alternatives"]
    assert all(set(a) == {"slug", "name"} for a in answer["alternatives"])
    out, _ = run(
        "--query", "impots revenus", "--site", "centre", "--network", "reseau-a", "--at", scene.at
    )
    assert "Ou peut-être : " in out
    assert f"({answer['alternatives'][0]['slug']})" in out


def test_a_query_that_matches_nothing_is_an_answer_not_an_error(scene):
    out, _ = run("--query", "xqzwv", "--site", "centre", "--network", "reseau-a")
    assert out.splitlines()[0] == "Besoin : aucun ne correspond à « xqzwv »"
    assert "Aucun besoin du catalogue ne correspond à « xqzwv »." in out
    assert out.splitlines()[-1] == "orient : aucun besoin ne correspond à « xqzwv »."
    answer = run_json("--query", "xqzwv", "--site", "centre", "--network", "reseau-a")
    assert answer["need"] is None
    assert answer["recommendations"] == []
    assert answer["unmet"] is True


def test_the_situation_reaches_the_engine(scene):
    args = ["--need", TAXES, "--site", "centre", "--network", "reseau-a", "--at", scene.at]
    situation = ["--autonomy", "entierement_accompagne", "--lacks", "email,device"]
    answer = run_json(*args, *situation, "--support", "surdite", "--french-not-mastered")
    expected = orient(
        network=scene.network,
        need=scene.need,
        site=scene.site,
        at=datetime.datetime.fromisoformat(scene.at),
        situation=Situation.parse(
            autonomy="entierement_accompagne",
            lacks="email,device",
            support="surdite",
            french_not_mastered=True,
        ),
    )
    assert answer == json.loads(json.dumps(orientation_to_dict(expected)))
    # A person who cannot use a computer is not sent to a link.
    assert "online_service" not in {r["target"]["kind"] for r in answer["recommendations"]}
    assert "online_service" in {r["target"]["kind"] for r in run_json(*args)["recommendations"]}


def test_deadline_and_first_time_reach_the_engine(scene):
    at = datetime.datetime.fromisoformat(scene.at)
    tomorrow = (at + datetime.timedelta(days=1)).date()
    args = ["--need", TAXES, "--site", "centre", "--network", "reseau-a", "--at", scene.at]
    answer = run_json(*args, "--deadline", tomorrow.isoformat(), "--first-time")
    expected = orient(
        network=scene.network,
        need=scene.need,
        site=scene.site,
        at=at,
        situation=Situation(deadline=tomorrow, first_time=True),
    )
    assert answer == json.loads(json.dumps(orientation_to_dict(expected)))
    # The permanence is a week away: after the deadline.
    slot = next(r for r in answer["recommendations"] if r["mode"] == Mode.PARTNER_ON_SITE)
    assert "Après l'échéance." in slot["warnings"]


def test_staff_gives_what_that_person_at_the_desk_may_do(scene):
    """A digital skill nobody around teaches: the library may help, and a librarian at
    the desk may accompany now; without --staff there is nobody at the desk."""
    need = Need.objects.get(slug="apprendre-bases-ordinateur")
    member = MembershipFactory(network=scene.network, user__email="agent@reseau-a.example")
    args = ["--need", need.slug, "--site", "centre", "--network", "reseau-a", "--at", scene.at]
    with_staff = run_json(*args, "--staff", "AGENT@reseau-a.example")
    expected = orient(
        network=scene.network,
        need=need,
        site=scene.site,
        at=datetime.datetime.fromisoformat(scene.at),
        membership=member,
    )
    assert with_staff == json.loads(json.dumps(orientation_to_dict(expected)))
    assert "desk" in {r["target"]["kind"] for r in with_staff["recommendations"]}
    without = run_json(*args)
    assert "desk" not in {r["target"]["kind"] for r in without["recommendations"]}


def test_public_answers_as_the_public_page(scene):
    args = ["--need", TAXES, "--site", "centre", "--network", "reseau-a", "--at", scene.at]
    desk = run_json(*args)
    public = run_json(*args, "--public")
    assert first_free_slot(scene.desk_permanence) in ids_of(desk, "partner_slot")
    assert first_free_slot(scene.desk_permanence) not in ids_of(public, "partner_slot")
    assert first_free_slot(scene.public_permanence) in ids_of(public, "partner_slot")
    assert scene.desk_workshop.pk in ids_of(desk, "workshop")
    assert ids_of(public, "workshop") == {scene.public_workshop.pk}
    assert {r["mode"] for r in public["recommendations"]} <= {
        Mode.ORIENT, Mode.PARTNER_ON_SITE, Mode.TRAIN,
    }  # fmt: skip


def test_commune_with_the_only_network(scene):
    Network.objects.filter(pk=scene.other_network.pk).update(is_active=False)
    answer = run_json("--need", TAXES, "--commune", "34142", "--at", scene.at)
    expected = orient(
        network=scene.network,
        need=scene.need,
        commune=Commune.objects.get(insee_code="34142"),
        at=datetime.datetime.fromisoformat(scene.at),
    )
    assert answer == json.loads(json.dumps(orientation_to_dict(expected)))


# --- tenancy ----------------------------------------------------------------------------


def test_each_network_sees_only_its_own_offer(scene):
    for network, own, other in (
        ("reseau-a", scene.public_permanence, scene.other_permanence),
        ("reseau-b", scene.other_permanence, scene.public_permanence),
    ):
        for where in (["--site", "centre"], ["--commune", "34142"]):
            answer = run_json("--need", TAXES, *where, "--network", network, "--at", scene.at)
            slots = ids_of(answer, "partner_slot")
            assert first_free_slot(own) in slots
            assert first_free_slot(other) not in slots
    a = run_json("--need", TAXES, "--commune", "34142", "--network", "reseau-a", "--at", scene.at)
    assert scene.other_workshop.pk not in ids_of(a, "workshop")
    assert "de B" not in json.dumps(a, ensure_ascii=False)


def test_a_site_of_another_network_is_refused(scene):
    SiteFactory(network=scene.other_network, slug="annexe-b")
    with pytest.raises(CommandError) as error:
        run("--need", TAXES, "--site", "annexe-b", "--network", "reseau-a")
    assert str(error.value) == "Le réseau « reseau-a » n'a aucun site actif « annexe-b »."


def test_a_member_of_another_network_cannot_be_at_this_desk(scene):
    MembershipFactory(network=scene.other_network, user__email="agent@reseau-b.example")
    with pytest.raises(CommandError) as error:
        run(
            "--need", TAXES, "--site", "centre", "--network", "reseau-a",
            "--staff", "agent@reseau-b.example",
        )  # fmt: skip
    assert str(error.value) == (
        "« agent@reseau-b.example » n'est pas membre actif du réseau « reseau-a »."
    )


# --- errors -----------------------------------------------------------------------------

SITE = ["--site", "centre", "--network", "reseau-a"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--need", "nope", *SITE],
            "Aucune démarche active du catalogue n'a l'identifiant « nope ».",
        ),
        (
            ["--need", TAXES, "--site", "nulle-part"],
            "Aucun site actif n'a l'identifiant « nulle-part ».",
        ),
        (
            ["--need", TAXES, "--site", "centre"],
            "Plusieurs réseaux ont un site « centre » : précisez le réseau (--network).",
        ),
        (
            ["--need", TAXES, "--site", "centre", "--network", "nope"],
            "Aucun réseau actif n'a l'identifiant « nope ».",
        ),
        (
            ["--need", TAXES, "--commune", "99999", "--network", "reseau-a"],
            "Aucune commune localisée n'a le code INSEE « 99999 ».",
        ),
        (
            ["--need", TAXES, "--commune", "34142"],
            "Précisez le réseau (--network) dont l'offre est cherchée pour cette commune.",
        ),
        (
            ["--need", TAXES, *SITE, "--autonomy", "debrouillard"],
            "Autonomie inconnue : debrouillard (valeurs possibles : entierement_accompagne, "
            "partiellement_autonome, autonome).",
        ),
        (
            ["--need", TAXES, *SITE, "--lacks", "email,courage"],
            "Manque inconnu : courage (valeurs possibles : email, device, franceconnect, "
            "scanner, documents).",
        ),
        (
            ["--need", TAXES, *SITE, "--support", "surdite,autre"],
            "Accompagnement spécifique inconnu : autre (valeurs possibles : surdite, "
            "deficience_visuelle, handicap_moteur, illettrisme).",
        ),
        (
            ["--need", TAXES, *SITE, "--at", "demain"],
            "--at : une date ISO 8601 est attendue, par exemple 2026-12-01 ou "
            "2026-12-01T14:00+01:00.",
        ),
        (
            ["--need", TAXES, *SITE, "--at", "1900-01-01"],
            "--at : une date entre 2000 et 2100 est attendue.",
        ),
        (
            ["--need", TAXES, *SITE, "--deadline", "2026-02-30"],
            "--deadline : une date AAAA-MM-JJ est attendue, par exemple 2026-12-01.",
        ),
        (
            ["--need", TAXES, *SITE, "--staff", "personne@example.org"],
            "« personne@example.org » n'est pas membre actif du réseau « reseau-a ».",
        ),
        (
            ["--need", TAXES, *SITE, "--staff", "a@b.example", "--public"],
            "--staff et --public ne vont pas ensemble.",
        ),
        (["--query", "  ", *SITE], "--query est vide."),
        (["--query", "x" * 201, *SITE], "--query : 200 caractères au plus."),
    ],
)
def test_bad_parameters_are_clear_french_errors(scene, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert str(error.value) == message


def test_a_non_public_site_is_not_the_public_answer(scene):
    Site.objects.filter(pk=scene.site.pk).update(is_public=False)
    with pytest.raises(CommandError, match="n'a aucun site actif « centre »"):
        run("--need", TAXES, *SITE, "--public")
    assert run_json("--need", TAXES, *SITE)["need"]["slug"] == TAXES


@pytest.mark.parametrize(
    "args",
    [
        ["--site", "centre"],  # no need nor query
        ["--need", TAXES],  # no site nor commune
        ["--need", TAXES, "--query", "impots", "--site", "centre"],
        ["--need", TAXES, "--site", "centre", "--commune", "34142"],
    ],
)
def test_one_need_and_one_place_are_required(scene, args):
    with pytest.raises(CommandError, match=r"argument|required"):
        run(*args)


def test_help_describes_every_option():
    parser = Command().create_parser("manage.py", "orient")
    options = {
        action.dest: action.help
        for action in parser._actions
        if action.option_strings and action.dest in OPTIONS
    }
    assert set(options) == OPTIONS
    assert all(len(text) > 20 for text in options.values()), options
    text = parser.format_help()
    for value in ("entierement_accompagne", "franceconnect", "deficience_visuelle", "--network"):
        assert value in text


OPTIONS = {
    "need", "query", "site", "commune", "network", "autonomy", "lacks", "support",
    "french_not_mastered", "first_time", "deadline", "staff", "public", "at", "json",
}  # fmt: skip
