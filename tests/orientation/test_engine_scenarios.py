"""The engine as the desk lives it: eight situations, what is proposed, what is not, why.

Each scenario builds a small territory around a library in Lodève (structures of the
directory at known distances, permanences and workshops of the network) and asks the
engine, as the desk would. Distances: 0.009° of latitude ≈ 1 km.
"""

import datetime

import pytest
from django.utils import timezone

from aiguillage.accounts.models import Role
from aiguillage.catalog.models import Need, Theme
from aiguillage.orientation.engine import (
    MAX_RECOMMENDATIONS,
    NextStep,
    TargetKind,
    orient,
)
from aiguillage.orientation.models import Mode
from aiguillage.orientation.situation import Autonomy, Lack, Situation, Support
from tests.accounts.factories import HabilitationFactory, MembershipFactory
from tests.agenda.factories import (
    UpcomingPermanenceFactory,
    UpcomingStaffPermanenceFactory,
    UpcomingWorkshopFactory,
    in_days,
)
from tests.core.factories import SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db

LAT, LON = 43.7317, 3.3194
KM = 0.009  # degrees of latitude per kilometre, near enough
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


@pytest.fixture
def site():
    return SiteFactory(
        name="Médiathèque de Lodève",
        commune_name="Lodève",
        commune_insee="34142",
        latitude=LAT,
        longitude=LON,
    )


@pytest.fixture
def network(site):
    return site.network


def need(slug: str) -> Need:
    return Need.objects.select_related("theme").get(slug=slug)


def place(name: str, km: float, needs: list[Need], **fields):
    return StructureFactory(
        name=name, latitude=LAT + km * KM, longitude=LON, covered_needs=needs, **fields
    )


def modes(result) -> set[str]:
    return {r.mode for r in result.recommendations}


def kinds(result) -> list[str]:
    return [r.target.kind for r in result.recommendations]


def excluded(result, mode: str) -> str:
    return " ".join(" ".join(e.reasons) for e in result.excluded if e.mode == mode)


def by_kind(result, kind: str):
    return [r for r in result.recommendations if r.target.kind == kind]


def test_first_time_income_tax_declarant_who_can_use_a_computer(network, site):
    taxes = need("declarer-ses-revenus")
    place("France services de Lodève", 2.3, [taxes, need("premiere-declaration-revenus")])
    librarian = MembershipFactory(network=network, role=Role.LIBRARIAN)

    result = orient(
        network=network,
        need=taxes,
        site=site,
        membership=librarian,
        situation=Situation(autonomy=Autonomy.AUTONOMOUS, first_time=True),
    )

    online, structure = (
        by_kind(result, TargetKind.ONLINE_SERVICE),
        by_kind(result, TargetKind.STRUCTURE),
    )
    assert online and online[0].target.url == "https://www.impots.gouv.fr"
    assert "impots.gouv.fr" in online[0].title
    assert structure[0].target.name == "France services de Lodève"
    assert structure[0].reasons[0].startswith("France services de Lodève, 2,3 km, ")
    assert "traite les démarches DGFiP" in structure[0].reasons[0]
    # A competent service 2.3 km away can receive them: the library orients first.
    assert Mode.ACCOMPANY not in modes(result) and Mode.ACT_FOR not in modes(result)
    assert "France services de Lodève (2,3 km) traite cette démarche" in excluded(
        result, Mode.ACCOMPANY
    )
    # An autonomous first-timer: the online service is among the very first.
    assert kinds(result).index(TargetKind.ONLINE_SERVICE) <= 1
    assert any("mot de passe" in w for w in result.warnings)
    assert any("vos propres comptes ni vos numéros (fiscal" in w for w in result.warnings)
    # The first time: the first declaration's documents, never last year's notice.
    assert result.need.slug == "premiere-declaration-revenus"
    assert any("Pièce d'identité" in item for item in result.checklist)
    assert not any("avis d'imposition" in item.lower() for item in result.checklist)


def test_a_person_who_cannot_use_a_computer_and_needs_the_caf(network, site):
    rsa = need("demander-rsa")
    place("Agence CAF de Lodève", 1.0, [rsa])
    permanence = UpcomingPermanenceFactory(site=site, title="Permanence CAF", first_day=in_days(3))
    permanence.needs.set([rsa])
    librarian = MembershipFactory(network=network, role=Role.LIBRARIAN)

    result = orient(
        network=network,
        need=rsa,
        site=site,
        membership=librarian,
        situation=Situation(autonomy=Autonomy.FULLY_ASSISTED),
    )

    # Not a link: no online service for a person who cannot use a computer.
    assert TargetKind.ONLINE_SERVICE not in kinds(result)
    first = result.recommendations[0]
    assert first.mode == Mode.PARTNER_ON_SITE
    assert first.target.kind == TargetKind.PARTNER_SLOT
    assert NextStep.BOOK in first.actions
    assert first.score.autonomy == 1.0
    assert "Permanence CAF, à la médiathèque de Lodève" in first.reasons[0]
    assert "Agence CAF de Lodève" in [r.target.name for r in by_kind(result, "structure")]


def test_someone_without_an_email_address(network, site):
    rsa = need("demander-rsa")
    email = need("creer-adresse-email")
    place("France services de Lodève", 2.0, [rsa])
    workshop = UpcomingWorkshopFactory(site=site, title="Créer son adresse e-mail")
    workshop.needs.set([email])
    librarian = MembershipFactory(network=network, role=Role.LIBRARIAN)

    result = orient(
        network=network,
        need=rsa,
        site=site,
        membership=librarian,
        situation=Situation(autonomy=Autonomy.PARTLY_AUTONOMOUS, lacks=frozenset({Lack.EMAIL})),
    )

    workshops = by_kind(result, TargetKind.WORKSHOP)
    assert [w.target.id for w in workshops] == [workshop.pk]
    assert workshops[0].mode == Mode.TRAIN
    assert workshops[0].fills_lacks == (Lack.EMAIL,)
    assert "Pour ce qui manque : pas d'adresse e-mail." in workshops[0].reasons
    assert NextStep.REGISTER in workshops[0].actions
    online = by_kind(result, TargetKind.ONLINE_SERVICE)
    assert online and "Il faut une adresse e-mail personnelle, qui manque encore." in (
        online[0].warnings
    )
    assert any("comme adresse de la personne ou de récupération" in w for w in result.warnings)
    assert any("adresse e-mail personnelle" in item for item in result.checklist)


def test_a_volunteer_at_the_desk_facing_a_health_procedure(network, site):
    vitale = need("commander-carte-vitale")
    place("France services du Caylar", 25.0, [vitale])  # nothing within 15 km
    volunteer = MembershipFactory(network=network, volunteer=True)

    result = orient(network=network, need=vitale, site=site, membership=volunteer)

    assert Mode.ACCOMPANY not in modes(result)
    assert Mode.ACT_FOR not in modes(result)
    assert "Les bénévoles n'accompagnent pas une démarche qui expose des données de santé" in (
        excluded(result, Mode.ACCOMPANY)
    )
    assert "Les bénévoles ne font jamais à la place des personnes." in excluded(
        result, Mode.ACT_FOR
    )
    orient_to = by_kind(result, TargetKind.STRUCTURE)
    assert orient_to[0].target.name == "France services du Caylar"
    assert orient_to[0].reasons[0].startswith("France services du Caylar, 25 km, ")
    assert any(w.startswith("Données de santé") for w in result.warnings)


def test_no_habilitated_staff_on_duty(network, site):
    taxes = need("declarer-ses-revenus")
    place("Centre des finances publiques", 40.0, [taxes])  # far: the library may help
    mediator = MembershipFactory(network=network, mediator=True)

    result = orient(network=network, need=taxes, site=site, membership=mediator)

    assert Mode.ACT_FOR not in modes(result)
    assert "pas d'habilitation Aidants Connect valide pour le thème" in excluded(
        result, Mode.ACT_FOR
    )
    desk = by_kind(result, TargetKind.DESK)
    assert [r.mode for r in desk] == [Mode.ACCOMPANY]
    assert "Aucun service compétent à moins de 15 km." in desk[0].reasons
    assert not any("sans mandat" in w for w in result.warnings)

    # The same desk with a habilitation covering the theme: act for, only with a mandate.
    HabilitationFactory(membership=mediator, themes=[Theme.objects.get(slug="argent-impots")])
    result = orient(network=network, need=taxes, site=site, membership=mediator)
    act_for = [r for r in result.recommendations if r.mode == Mode.ACT_FOR]
    assert len(act_for) == 1
    assert act_for[0].actions == (NextStep.RECORD_MANDATE,)
    assert any("mandat" in w for w in act_for[0].warnings)
    assert any("sans mandat Aidants Connect" in w for w in result.warnings)


def test_a_commune_with_no_competent_service_within_15_km(network, site):
    rsa = need("demander-rsa")
    place("Agence CAF de Clermont-l'Hérault", 30.0, [rsa])
    mediator = MembershipFactory(network=network, mediator=True)
    UpcomingStaffPermanenceFactory(site=site, staff=mediator, title="Rendez-vous numérique")

    result = orient(network=network, need=rsa, site=site, membership=mediator)

    structure = by_kind(result, TargetKind.STRUCTURE)[0]
    assert structure.target.name == "Agence CAF de Clermont-l'Hérault"
    assert structure.target.distance_km == pytest.approx(30.0, abs=0.3)
    accompany = [r for r in result.recommendations if r.mode == Mode.ACCOMPANY]
    assert {r.target.kind for r in accompany} == {TargetKind.DESK, TargetKind.STAFF_SLOT}
    for recommendation in accompany:
        assert "Aucun service compétent à moins de 15 km." in recommendation.reasons

    # Within 15 km and open within 10 days, the same need is oriented, not accompanied.
    place("France services de Lodève", 3.0, [rsa])
    result = orient(network=network, need=rsa, site=site, membership=mediator)
    assert Mode.ACCOMPANY not in modes(result)


def test_a_deaf_visitor(network, site):
    rsa = need("demander-rsa")
    place("CAF sans accueil adapté", 1.0, [rsa], phone="04 67 00 00 00")
    place("France services signant", 4.0, [rsa], specific_support=["Surdité"], phone="0467")
    librarian = MembershipFactory(network=network, role=Role.LIBRARIAN)

    result = orient(
        network=network,
        need=rsa,
        site=site,
        membership=librarian,
        situation=Situation(support=frozenset({Support.DEAFNESS})),
    )

    structures = by_kind(result, TargetKind.STRUCTURE)
    names = [r.target.name for r in structures]
    assert names.index("France services signant") < names.index("CAF sans accueil adapté")
    signing = structures[names.index("France services signant")]
    assert "Accueil adapté signalé : surdité." in signing.reasons
    assert signing.score.support == 1.0
    other = structures[names.index("CAF sans accueil adapté")]
    assert "Aucun accueil adapté signalé pour : surdité." in other.warnings
    # No "call" for a deaf visitor, and the desk is told why.
    assert all(NextStep.CALL not in r.actions for r in result.recommendations)
    assert any(w.startswith("Surdité : évitez le téléphone") for w in result.warnings)


def test_a_deadline_tomorrow(network, site):
    rsa = need("demander-rsa")
    # The only competent place nearby opens on one weekday, five days from now.
    weekday = WEEKDAYS[(timezone.localdate() + datetime.timedelta(days=5)).weekday()]
    place("France services du mardi", 2.0, [rsa], opening_hours=f"{weekday} 09:00-12:00")
    mediator = MembershipFactory(network=network, mediator=True)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    result = orient(
        network=network,
        need=rsa,
        site=site,
        membership=mediator,
        situation=Situation(deadline=tomorrow),
    )

    assert any(w.startswith("Échéance demain") for w in result.warnings)
    structure = by_kind(result, TargetKind.STRUCTURE)[0]
    assert "Ne reçoit pas avant l'échéance." in structure.warnings
    assert structure.score.delay == 0.0
    desk = by_kind(result, TargetKind.DESK)
    assert desk and desk[0].mode == Mode.ACCOMPANY
    assert (
        "Aucun service compétent proche ne peut recevoir la personne avant l'échéance."
        in desk[0].reasons
    )
    # Without the deadline, five days is within the charter's ten: orient first.
    result = orient(network=network, need=rsa, site=site, membership=mediator)
    assert not by_kind(result, TargetKind.DESK)


def test_the_public_page_gets_only_what_a_visitor_can_do_alone(network, site):
    from aiguillage.directory.models import Commune

    rsa = need("demander-rsa")
    place("Agence CAF", 30.0, [rsa])
    UpcomingStaffPermanenceFactory(site=site, title="Rendez-vous numérique")
    commune = Commune.objects.create(
        insee_code="34142", name="Lodève", department="34", latitude=LAT, longitude=LON
    )

    result = orient(network=network, need=rsa, commune=commune, public=True)

    assert modes(result) <= {Mode.ORIENT, Mode.PARTNER_ON_SITE, Mode.TRAIN}
    assert TargetKind.DESK not in kinds(result) and TargetKind.STAFF_SLOT not in kinds(result)
    assert any("Gardez votre mot de passe pour vous" in w for w in result.warnings)
    assert not any("Ne notez jamais" in w for w in result.warnings)


def test_answers_are_deterministic_and_at_most_eight(network, site):
    rsa = need("demander-rsa")
    email = need("creer-adresse-email")
    for index in range(12):
        place(f"Lieu {index:02d}", 1.0 + index, [rsa])
    for index in range(4):
        workshop = UpcomingWorkshopFactory(site=site, title=f"Atelier {index}")
        workshop.needs.set([rsa, email])
    mediator = MembershipFactory(network=network, mediator=True)
    at = timezone.now()
    situation = Situation(lacks=frozenset({Lack.EMAIL}))

    first = orient(network=network, need=rsa, site=site, membership=mediator, at=at,
                   situation=situation)  # fmt: skip
    again = orient(network=network, need=rsa, site=site, membership=mediator, at=at,
                   situation=situation)  # fmt: skip

    assert first == again
    assert len(first.recommendations) <= MAX_RECOMMENDATIONS
    totals = [r.score.total for r in first.recommendations]
    assert totals == sorted(totals, reverse=True)


def test_free_text_is_resolved_through_the_need_search(network, site):
    place("France services", 2.0, [need("demander-rsa")])

    result = orient(network=network, query="caf rsa", site=site)
    assert result.need is not None and result.need.slug == "demander-rsa"

    nothing = orient(network=network, query="zzqx wvv", site=site)
    assert nothing.need is None and nothing.unmet
    assert nothing.unmet_reasons == ("Aucun besoin du catalogue ne correspond à « zzqx wvv ».",)


def test_a_need_nobody_meets_says_so_and_why(network, site):
    volunteer = MembershipFactory(network=network, volunteer=True)
    result = orient(
        network=network,
        need=need("commander-carte-vitale"),
        site=site,
        membership=volunteer,
        situation=Situation(autonomy=Autonomy.FULLY_ASSISTED),
    )
    assert result.unmet and not result.recommendations
    assert "Aucun lieu compétent à moins de 60 km." in result.unmet_reasons
    assert any("bénévoles" in reason for reason in result.unmet_reasons)
