"""Acting for a person ("faire pour") as the charter says, on every path.

Only a salaried member whose role the charter allows, holding on that very day an
Aidants Connect habilitation whose perimeter covers the need's theme, may record an act
for; volunteers never. The record service refuses everyone else (whatever a form or a
client posts), the desk neither offers it nor records it, and the command and the API,
which write nothing, never propose it to someone who may not.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aiguillage.accounts.models import HabilitationKind, Role
from aiguillage.catalog.models import Need, Theme
from aiguillage.orientation.interactions import record_interaction
from aiguillage.orientation.models import Interaction, Mode, Outcome
from aiguillage.orientation.situation import Situation
from tests.accounts.factories import HabilitationFactory, MembershipFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.orientation.factories import CharterRuleFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 24)
ACT_FOR_TITLE = "Faire pour la personne, avec un mandat Aidants Connect"


def at(day: datetime.date, hour: int = 11) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def site():
    return SiteFactory(name="Médiathèque de Lodève", latitude=43.7317, longitude=3.3194)


@pytest.fixture
def network(site):
    return site.network


@pytest.fixture
def rsa():
    return Need.objects.get(slug="demander-rsa")  # theme: social-sante


def theme(slug: str) -> Theme:
    return Theme.objects.get(slug=slug)


def habilitated(network, *, role=Role.DIGITAL_MEDIATOR, salaried=True, email=None, **habilitation):
    """A member of ``network`` with an Aidants Connect habilitation (valid around DAY,
    covering social-sante) unless told otherwise."""
    account = {"user__email": email} if email else {}
    member = MembershipFactory(network=network, role=role, is_salaried=salaried, **account)
    habilitation.setdefault("valid_from", DAY - datetime.timedelta(days=30))
    habilitation.setdefault("valid_until", DAY + datetime.timedelta(days=30))
    habilitation.setdefault("themes", [theme("social-sante")])
    HabilitationFactory(membership=member, **habilitation)
    return member


def close(site, membership, need, *, day=DAY, reference="AC-2026-0042"):
    return record_interaction(
        network=site.network,
        site=site,
        membership=membership,
        need=need,
        situation=Situation(),
        modes_proposed=[Mode.ORIENT, Mode.ACT_FOR],
        outcome=Outcome.DONE_FOR,
        mandate_reference=reference,
        closed_at=at(day),
    )


# Each case: (how to make the member, the reason the refusal gives).
REFUSED = {
    "volunteer, even habilitated": (
        lambda network: habilitated(network, role=Role.VOLUNTEER, salaried=False),
        "Les bénévoles ne font jamais à la place des personnes.",
    ),
    "not salaried": (
        lambda network: habilitated(network, role=Role.LIBRARIAN, salaried=False),
        "Seul·e un·e salarié·e peut faire à la place d'une personne.",
    ),
    "no habilitation": (
        lambda network: MembershipFactory(network=network, role=Role.DIGITAL_MEDIATOR),
        "habilitation Aidants Connect valide",
    ),
    "habilitation ended the day before": (
        lambda network: habilitated(network, valid_until=DAY - datetime.timedelta(days=1)),
        "habilitation Aidants Connect valide",
    ),
    "habilitation starts the day after": (
        lambda network: habilitated(network, valid_from=DAY + datetime.timedelta(days=1)),
        "habilitation Aidants Connect valide",
    ),
    "perimeter without the theme": (
        lambda network: habilitated(
            network, themes=[theme("argent-impots"), theme("papiers-citoyennete")]
        ),
        "La thématique Social - Santé n'est pas dans votre habilitation Aidants Connect "
        "(elle couvre : Papiers - Citoyenneté - Élections, Argent - Impôts - Consommation).",
    ),
    "another kind of habilitation": (
        lambda network: habilitated(network, kind=HabilitationKind.DIGITAL_ADVISER),
        "habilitation Aidants Connect valide",
    ),
    "partner agent, the charter's default roles": (
        lambda network: habilitated(network, role=Role.PARTNER_AGENT),
        "Votre rôle (agent partenaire) ne le permet pas ici.",
    ),
    "habilitated in another network": (
        lambda network: habilitated(NetworkFactory()),
        "Vous n'êtes pas membre de ce réseau.",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_the_record_refuses_who_the_charter_refuses_that_day(site, rsa, case):
    make, reason = REFUSED[case]
    member = make(site.network)
    with pytest.raises(ValidationError) as refused:
        close(site, member, rsa)
    assert any(reason in message for message in refused.value.messages), refused.value.messages
    assert not Interaction.objects.exists()


def test_the_theme_is_named_in_the_perimeter_refusal(rsa):
    """The case above checks the theme's own name: keep it true of the catalog."""
    assert rsa.theme.name == "Social - Santé"


def test_a_salaried_member_habilitated_for_the_theme_that_day_may(site, rsa):
    member = habilitated(site.network, valid_until=DAY)  # the last day still counts
    interaction = close(site, member, rsa)
    assert interaction.mandate_reference == "AC-2026-0042"
    assert interaction.staff_role == Role.DIGITAL_MEDIATOR
    with pytest.raises(ValidationError, match="habilitation Aidants Connect valide"):
        close(site, member, rsa, day=DAY + datetime.timedelta(days=1))  # the day after
    assert Interaction.objects.count() == 1


def test_a_deactivated_membership_may_not(site, rsa):
    member = habilitated(site.network)
    member.is_active = False
    member.save()
    with pytest.raises(ValidationError, match="pas membre de ce réseau"):
        close(site, member, rsa)


def test_the_charter_can_refuse_act_for_to_the_habilitated(site, rsa):
    member = habilitated(site.network)
    CharterRuleFactory(network=site.network, mode=Mode.ACT_FOR, refused=True)
    with pytest.raises(ValidationError, match="Vous ne pouvez pas « faire pour » ici"):
        close(site, member, rsa)


def test_the_charter_can_keep_act_for_to_some_roles(site, rsa):
    librarian = habilitated(site.network, role=Role.LIBRARIAN)
    coordinator = habilitated(site.network, role=Role.COORDINATOR)
    CharterRuleFactory(
        network=site.network, mode=Mode.ACT_FOR, role_librarian=False, role_coordinator=True
    )
    with pytest.raises(ValidationError, match="Votre rôle"):
        close(site, librarian, rsa)
    assert close(site, coordinator, rsa).staff_role == Role.COORDINATOR


# --- the desk ----------------------------------------------------------------------------


def desk_close(client, site, member, day=DAY):
    """Log in as ``member``, open the desk on the need and post "done for"."""
    with time_machine.travel(at(day), tick=False):
        client.force_login(member.user)  # on that day (the idle timeout counts)
        desk = client.get(
            reverse("orientation:desk", args=[site.network.slug]),
            {"need": "demander-rsa", "site": site.slug},
        )
        response = client.post(
            reverse("orientation:desk_close", args=[site.network.slug]),
            {
                "c-site": site.slug,
                "c-need": "demander-rsa",
                "c-opened": str(int(at(day).timestamp()) - 600),
                "c-modes": [Mode.ORIENT, Mode.ACT_FOR],
                "outcome": Outcome.DONE_FOR,
                "mandate_reference": "AC-2026-0042",
            },
        )
    return desk, response


@pytest.mark.parametrize("case", sorted(set(REFUSED) - {"habilitated in another network"}))
def test_the_desk_neither_offers_nor_records_it(client, site, rsa, case):
    make, reason = REFUSED[case]
    desk, response = desk_close(client, site, make(site.network))
    assert desk.status_code == 200
    assert ACT_FOR_TITLE not in desk.text
    assert response.status_code == 200  # the desk again, with the reason
    assert reason.replace("'", "&#x27;") in response.text
    assert not Interaction.objects.exists()


def test_the_desk_offers_and_records_it_while_the_habilitation_lasts(client, site, rsa):
    member = habilitated(site.network, valid_until=DAY)
    desk, response = desk_close(client, site, member)
    assert ACT_FOR_TITLE in desk.text
    assert response.status_code == 302
    assert Interaction.objects.get().outcome == Outcome.DONE_FOR

    desk, response = desk_close(client, site, member, day=DAY + datetime.timedelta(days=1))
    assert ACT_FOR_TITLE not in desk.text
    assert response.status_code == 200
    assert Interaction.objects.count() == 1


# --- the command and the API: they write nothing, and propose it only to whom may ----------


def orient_json(*args: str) -> dict:
    out = io.StringIO()
    call_command("orient", *args, "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def act_for_proposed(answer: dict) -> bool:
    return any(r["mode"] == Mode.ACT_FOR for r in answer["recommendations"])


def test_the_command_proposes_it_only_to_a_member_who_may(site, rsa):
    network = site.network
    base = ["--need", "demander-rsa", "--site", site.slug, "--network", network.slug]
    allowed = habilitated(network, email="mediatrice@reseau.example")
    MembershipFactory(network=network, volunteer=True, user__email="benevole@reseau.example")
    habilitated(network, email="perimetre@reseau.example", themes=[theme("justice")])
    on_day = ["--at", at(DAY).isoformat()]
    after = ["--at", at(DAY + datetime.timedelta(days=31)).isoformat()]

    assert act_for_proposed(orient_json(*base, *on_day, "--staff", allowed.user.email))
    assert not act_for_proposed(orient_json(*base, *after, "--staff", allowed.user.email))
    assert not act_for_proposed(orient_json(*base, *on_day, "--staff", "benevole@reseau.example"))
    assert not act_for_proposed(orient_json(*base, *on_day, "--staff", "perimetre@reseau.example"))
    assert not act_for_proposed(orient_json(*base, *on_day, "--public"))
    assert not Interaction.objects.exists()


def test_the_api_never_proposes_it(client, site, rsa):
    habilitated(site.network)
    with time_machine.travel(at(DAY), tick=False):
        answer = client.get(
            "/api/v1/orientation",
            {"need": "demander-rsa", "site": site.slug, "network": site.network.slug},
        )
    assert answer.status_code == 200
    assert not act_for_proposed(answer.json())
    assert not Interaction.objects.exists()
