"""The desk's good practices: each said when it matters, and only then.

A guidance line shown on every conversation stops being read; these tests pin when each
one appears (the need, the visitor's situation, what is proposed) and when it does not.
"""

import datetime

import pytest

from aiguillage.catalog.models import Sensitivity
from aiguillage.orientation.facts import NeedFacts
from aiguillage.orientation.situation import Lack, Situation
from aiguillage.orientation.wording import public_warnings, staff_warnings

TODAY = datetime.date(2026, 11, 24)

PASSWORD = "Ne notez jamais le mot de passe de la personne, ni sur papier"
RECOVERY = "avec un numéro de téléphone ou une adresse de secours à elle"
DEMO = "Ne montrez jamais l'exemple avec vos propres comptes"
STOP = "Arrêtez-vous et orientez"
PUBLIC_COMPUTER = "Sur un poste public : à la fin, déconnectez chaque service"


def need(**fields) -> NeedFacts:
    values = {
        "id": 1,
        "slug": "s",
        "name": "Une démarche",
        "theme_id": 1,
        "theme_name": "Thème",
        "sensitivity": Sensitivity.NONE,
        "operators": (),
        "online_service_url": "",
        "requires_email": False,
        "requires_franceconnect": False,
        "requires_scan": False,
        "documents": (),
        **fields,
    }
    return NeedFacts(**values)


def staff(the_need, situation=None, *, library_helps=False, act_for=False) -> str:
    return " ".join(
        staff_warnings(
            need=the_need,
            situation=situation or Situation(),
            act_for_possible=act_for,
            library_helps=library_helps,
            today=TODAY,
        )
    )


def test_a_plain_need_for_an_autonomous_visitor_says_nothing():
    assert staff(need()) == ""


@pytest.mark.parametrize(
    "fields",
    [
        {"requires_email": True},
        {"requires_franceconnect": True},
        {"sensitivity": Sensitivity.HEALTH},
    ],
)
def test_passwords_are_never_written_down_when_an_account_or_sensitive_data_is_involved(fields):
    assert PASSWORD in staff(need(**fields))


def test_the_visitor_gets_an_address_and_recovery_options_of_their_own():
    said = staff(need(), Situation(lacks=frozenset({Lack.EMAIL})))
    assert "ni celle de la bibliothèque comme adresse de la personne ou de récupération" in said
    assert RECOVERY in said
    public = " ".join(public_warnings(need=need(requires_email=True), situation=Situation(),
                                      today=TODAY))  # fmt: skip
    assert "un numéro de téléphone à vous pour la récupérer" in public


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"sensitivity": Sensitivity.FINANCIAL}, True),
        ({"requires_franceconnect": True}, True),
        ({"requires_email": True}, False),
        ({"sensitivity": Sensitivity.HEALTH}, False),
    ],
)
def test_never_demonstrate_with_the_staff_members_own_accounts(fields, shown):
    assert (DEMO in staff(need(**fields))) is shown


def test_when_to_stop_and_orient_is_said_when_the_library_helps_itself():
    assert STOP in staff(need(), library_helps=True)
    assert STOP not in staff(need(), library_helps=False)


def test_logging_out_of_a_public_computer_when_the_visitor_has_no_device():
    assert PUBLIC_COMPUTER in staff(need(), Situation(lacks=frozenset({Lack.DEVICE})))
    assert PUBLIC_COMPUTER not in staff(need())


@pytest.mark.django_db
def test_the_desk_shows_them_with_the_recommendations():
    """Through the engine: the mediator's appointment is an accompaniment, so the desk
    is told when to stop and orient; no competent place within 15 km makes it one."""
    from aiguillage.accounts.models import Role
    from aiguillage.catalog.models import Need
    from aiguillage.orientation.engine import orient
    from aiguillage.orientation.models import Mode
    from tests.accounts.factories import MembershipFactory
    from tests.core.factories import SiteFactory

    site = SiteFactory(latitude=43.7317, longitude=3.3194)
    librarian = MembershipFactory(network=site.network, role=Role.LIBRARIAN)
    taxes = Need.objects.select_related("theme").get(slug="declarer-ses-revenus")

    result = orient(network=site.network, need=taxes, site=site, membership=librarian)

    assert Mode.ACCOMPANY in {r.mode for r in result.recommendations}
    said = " ".join(result.warnings)
    assert STOP in said
    assert PASSWORD in said
    assert DEMO in said
