"""The engine on the demo network, on the cases the desk exists for (issue 14, section 2).

The demo's territory is the Lodévois: the Médiathèque des Tisserands in Lodève, the
France services a few hundred metres away (open Monday to Thursday until 17:30), its
permanence at the library on Tuesday mornings, the CCAS (hours unknown), the mairie and
the sous-préfecture, and Inès Garcia, digital mediator habilitated Aidants Connect for
five themes (Étranger not among them). Each scenario says which modes appear, in which
order, and why; it runs at a chosen moment relative to the suite's frozen "now".
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from aiguillage.accounts.models import Membership
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site
from aiguillage.demo import data
from aiguillage.demo.seed import seed_demo
from aiguillage.orientation.engine import NextStep, TargetKind, orient
from aiguillage.orientation.models import Mode
from aiguillage.orientation.situation import Autonomy, Situation

pytestmark = pytest.mark.django_db

MEDIATOR = "ines.garcia@mediatheques-demo.example"
VOLUNTEER = "monique.arnaud@mediatheques-demo.example"
LIBRARIAN = "mathieu.roux@mediatheques-demo.example"
OPERATOR_OFFICES = ("Mairie de Lodève", "Sous-préfecture de Lodève")


@pytest.fixture
def demo(db):
    seed_demo(today=timezone.localdate())
    network = Network.objects.get(slug=data.NETWORK["slug"])
    return network, Site.objects.get(network=network, slug="lodeve")


def member(network, email: str) -> Membership:
    return Membership.objects.get(network=network, user__email=email)


def next_weekday(weekday: int, hour: int, minute: int = 0) -> datetime.datetime:
    """The next such weekday strictly after today, at that time in Paris."""
    today = timezone.localdate()
    days = (weekday - today.weekday()) % 7 or 7
    day = today + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def ask(demo, slug: str, *, at, email=MEDIATOR, **situation):
    network, site = demo
    return orient(
        network=network,
        need=Need.objects.get(slug=slug),
        site=site,
        membership=member(network, email),
        at=at,
        situation=Situation(**situation),
    )


def modes(result) -> list[str]:
    return [r.mode for r in result.recommendations]


def excluded(result, mode: str) -> str:
    return " ".join(" ".join(e.reasons) for e in result.excluded if e.mode == mode)


def places(result) -> list[str]:
    return [r.target.name for r in result.recommendations if r.target.kind == "structure"]


MONDAY = 0


class TestRsaTodayAtHalfPastFive:
    """Cannot use a computer, must apply today, 17:30 on a Monday, the habilitated
    mediator at the desk; France services has just closed until tomorrow 8:30, the
    CCAS's hours are unknown, the France services permanence is tomorrow morning."""

    @pytest.fixture
    def result(self, demo):
        at = next_weekday(MONDAY, 17, 30)
        return ask(
            demo,
            "demander-rsa",
            at=at,
            autonomy=Autonomy.FULLY_ASSISTED,
            deadline=at.date(),
        )

    def test_the_library_accompanies_and_may_act_for_with_the_mandate(self, result):
        assert Mode.ACCOMPANY in modes(result)
        assert Mode.ACT_FOR in modes(result)
        act_for = next(r for r in result.recommendations if r.mode == Mode.ACT_FOR)
        assert act_for.actions == (NextStep.RECORD_MANDATE,)
        assert any("mandat" in w for w in act_for.warnings)
        assert "avant l'échéance" in " ".join(act_for.reasons)
        assert not excluded(result, Mode.ACCOMPANY) and not excluded(result, Mode.ACT_FOR)

    def test_what_comes_after_the_deadline_says_so_and_never_comes_first(self, result):
        first = result.recommendations[0]
        assert first.mode in (Mode.ACCOMPANY, Mode.ACT_FOR)
        permanence = next(r for r in result.recommendations if r.mode == Mode.PARTNER_ON_SITE)
        assert "Après l'échéance." in permanence.warnings
        late = [i for i, r in enumerate(result.recommendations) if "échéance" in str(r.warnings)]
        in_time = [i for i, r in enumerate(result.recommendations) if i not in late]
        assert max(in_time) < min(late)

    def test_unknown_hours_are_said_to_check_and_block_nothing(self, result):
        ccas = next(r for r in result.recommendations if "CCAS" in r.target.name)
        assert any("Horaires inconnus" in w for w in ccas.warnings)
        assert ccas.why.endswith("horaires inconnus, à vérifier")
        permanence = next(r for r in result.recommendations if r.mode == Mode.PARTNER_ON_SITE)
        assert permanence.why.startswith("à la médiathèque des Tisserands, demain à ")
        act_for = next(r for r in result.recommendations if r.mode == Mode.ACT_FOR)
        assert "Horaires inconnus, à vérifier" in " ".join(act_for.reasons)

    def test_no_online_service_for_someone_who_cannot_use_a_computer(self, result):
        assert TargetKind.ONLINE_SERVICE not in [r.target.kind for r in result.recommendations]


def test_rsa_at_ten_on_a_weekday_without_deadline_orients_first(demo):
    result = ask(demo, "demander-rsa", at=next_weekday(2, 10), autonomy=Autonomy.FULLY_ASSISTED)
    # The competent service first: France services, open now 300 m away, or its
    # permanence at the library (where the same advisers receive).
    assert {r.mode for r in result.recommendations[:2]} <= {Mode.ORIENT, Mode.PARTNER_ON_SITE}
    assert places(result)[0] == "France services Lodévois et Larzac"
    france_services = next(r for r in result.recommendations if r.target.kind == "structure")
    assert france_services.why.startswith("le plus proche ouvert qui traite les démarches CAF")
    assert france_services.why.endswith("ouvert maintenant")
    assert Mode.ACCOMPANY not in modes(result) and Mode.ACT_FOR not in modes(result)
    why = excluded(result, Mode.ACCOMPANY)
    assert "France services Lodévois et Larzac" in why
    assert "peut recevoir la personne (ouvert maintenant" in why
    assert "orientez d'abord" in why


def test_rsa_with_a_volunteer_at_the_desk(demo):
    at = next_weekday(MONDAY, 17, 30)
    result = ask(
        demo,
        "demander-rsa",
        at=at,
        email=VOLUNTEER,
        autonomy=Autonomy.FULLY_ASSISTED,
        deadline=at.date(),
    )
    assert Mode.ACT_FOR not in modes(result)
    assert "Les bénévoles ne font jamais à la place des personnes." in excluded(
        result, Mode.ACT_FOR
    )
    assert "Autorisé" not in excluded(result, Mode.ACT_FOR)  # never beside a refusal
    assert "Les bénévoles n'accompagnent pas une démarche qui expose" in excluded(
        result, Mode.ACCOMPANY
    )
    desk = [r for r in result.recommendations if r.target.kind == TargetKind.DESK]
    assert desk == []


def test_titre_de_sejour_renewal(demo):
    result = ask(
        demo,
        "demander-titre-sejour",
        at=next_weekday(2, 10),
        autonomy=Autonomy.PARTLY_AUTONOMOUS,
    )
    assert not set(OPERATOR_OFFICES) & set(places(result))
    why = excluded(result, Mode.ACT_FOR)
    assert "La thématique Étranger - Europe n'est pas dans votre habilitation" in why
    assert "Social - Santé" in why  # what it does cover
    assert "Autorisé" not in why


def test_carte_grise_is_never_sent_to_a_counter_that_no_longer_exists(demo):
    result = ask(
        demo, "faire-carte-grise", at=next_weekday(2, 10), email=LIBRARIAN,
        autonomy=Autonomy.AUTONOMOUS,
    )  # fmt: skip
    names = places(result)
    assert names and not set(OPERATOR_OFFICES) & set(names)
    assert "France services Lodévois et Larzac" in names
    online = [r for r in result.recommendations if r.target.kind == TargetKind.ONLINE_SERVICE]
    assert online and "ants.gouv.fr" in online[0].target.url


def test_a_first_time_tax_declarant_gets_the_first_declarations_checklist(demo):
    result = ask(
        demo,
        "declarer-ses-revenus",
        at=next_weekday(2, 10),
        email=LIBRARIAN,
        autonomy=Autonomy.AUTONOMOUS,
        first_time=True,
    )
    assert result.need.slug == "premiere-declaration-revenus"
    checklist = " ".join(result.checklist).lower()
    assert "avis d'imposition" not in checklist
    assert "pièce d'identité" in checklist
    assert places(result)  # who helps with the démarche helps the first time too
