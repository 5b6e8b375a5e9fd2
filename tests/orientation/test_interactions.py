"""The interaction record: anonymous by construction, checked by the database, and what
the coverage page and the partner finder read from it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from aiguillage.catalog.models import Need, Theme
from aiguillage.orientation.interactions import (
    duration_bucket,
    record_interaction,
    record_public_unmet,
)
from aiguillage.orientation.models import Interaction, InteractionChannel, Mode, Outcome
from aiguillage.orientation.situation import Lack, Situation, Support
from aiguillage.reporting.demand import demand_window, need_demand
from tests.accounts.factories import HabilitationFactory, MembershipFactory
from tests.core.factories import SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return SiteFactory()


@pytest.fixture
def network(site):
    return site.network


@pytest.fixture
def rsa():
    return Need.objects.get(slug="demander-rsa")


def close(site, membership, need, outcome, **kwargs):
    return record_interaction(
        network=site.network,
        site=site,
        membership=membership,
        need=need,
        situation=kwargs.pop("situation", Situation()),
        modes_proposed=kwargs.pop("modes_proposed", [Mode.ORIENT]),
        outcome=outcome,
        **kwargs,
    )


def test_the_record_holds_no_free_text_and_no_identity():
    """Every text column is a closed vocabulary or the checked mandate reference: a
    new free-text column must come with the sensitive-data checks (issue 6)."""
    closed = {"channel", "staff_role", "autonomy", "mode_chosen", "duration", "outcome"}
    for field in Interaction._meta.get_fields():
        if isinstance(field, models.CharField | models.TextField):
            assert field.name in closed | {"mandate_reference"}, field.name
        assert field.name not in {"first_name", "email", "phone", "name", "query", "notes"}


@pytest.mark.parametrize(
    ("seconds", "bucket"),
    [(None, ""), (-1, ""), (0, "lt5"), (299, "lt5"), (300, "5-15"), (1799, "15-30"),
     (1800, "30-60"), (3600, "gt60")],
)  # fmt: skip
def test_duration_buckets(seconds, bucket):
    assert duration_bucket(seconds) == bucket


def test_closing_keeps_the_hour_the_role_and_the_flags(site, rsa):
    librarian = MembershipFactory(network=site.network)
    closed_at = timezone.make_aware(datetime.datetime(2026, 11, 24, 10, 47))
    situation = Situation(
        autonomy="partiellement_autonome",
        lacks=frozenset({Lack.EMAIL, Lack.DEVICE}),
        support=frozenset({Support.DEAFNESS}),
        deadline=datetime.date(2026, 11, 25),
    )

    interaction = close(
        site, librarian, rsa, Outcome.ORIENTED, situation=situation,
        modes_proposed=[Mode.TRAIN, Mode.ORIENT, Mode.ORIENT],
        opened_at=closed_at - datetime.timedelta(minutes=12), closed_at=closed_at,
    )  # fmt: skip

    assert (interaction.day, interaction.hour) == (datetime.date(2026, 11, 24), 10)
    assert interaction.staff_role == librarian.role
    assert interaction.situation == ["lacks:device", "lacks:email", "support:surdite", "deadline"]
    assert interaction.modes_proposed == [Mode.ORIENT, Mode.TRAIN]
    assert interaction.duration == "5-15"
    assert interaction.mode_chosen == Mode.ORIENT


def test_act_for_needs_the_charter_and_a_mandate_reference(site, rsa):
    mediator = MembershipFactory(network=site.network, mediator=True)
    with pytest.raises(ValidationError, match="habilitation Aidants Connect"):
        close(site, mediator, rsa, Outcome.DONE_FOR, mandate_reference="AC-1")
    HabilitationFactory(membership=mediator, themes=[Theme.objects.get(slug="social-sante")])
    with pytest.raises(ValidationError, match="référence du mandat"):
        close(site, mediator, rsa, Outcome.DONE_FOR)
    with pytest.raises(ValidationError, match="jamais le nom"):
        close(site, mediator, rsa, Outcome.DONE_FOR, mandate_reference="marie@example.org")
    with pytest.raises(ValidationError, match="ne s'enregistre que"):
        close(site, mediator, rsa, Outcome.ORIENTED, mandate_reference="AC-1")
    assert not Interaction.objects.exists()
    assert close(site, mediator, rsa, Outcome.DONE_FOR, mandate_reference="AC-1").pk


def test_another_networks_site_or_member_is_refused(site, rsa):
    stranger = MembershipFactory()
    with pytest.raises(ValidationError):
        close(site, stranger, rsa, Outcome.ORIENTED)
    member = MembershipFactory(network=site.network)
    with pytest.raises(ValidationError):
        record_interaction(
            network=site.network, site=SiteFactory(), membership=member, need=rsa,
            situation=Situation(), modes_proposed=[], outcome=Outcome.ORIENTED,
        )  # fmt: skip


@pytest.mark.parametrize(
    "fields",
    [
        {"outcome": Outcome.ORIENTED, "mode_chosen": Mode.TRAIN},
        {"outcome": Outcome.NO_SOLUTION, "mode_chosen": Mode.ORIENT},
        {"outcome": Outcome.DONE_FOR, "mode_chosen": Mode.ACT_FOR, "mandate_reference": ""},
        {"outcome": Outcome.ORIENTED, "mode_chosen": Mode.ORIENT, "mandate_reference": "X-1"},
        {"outcome": Outcome.ORIENTED, "mode_chosen": Mode.ORIENT, "hour": 24},
        {"outcome": Outcome.ORIENTED, "mode_chosen": Mode.ORIENT, "staff_role": ""},
    ],
)
def test_the_database_refuses_inconsistent_records(site, fields):
    row = {"network": site.network, "site": site, "day": datetime.date(2026, 11, 24), "hour": 10,
           "staff_role": "librarian", **fields}  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.bulk_create([Interaction(**row)])


def test_public_unmet_searches_have_no_site_and_no_role(network, rsa):
    interaction = record_public_unmet(network=network, need=rsa, situation=Situation(),
                                      commune=None)  # fmt: skip
    assert interaction.channel == InteractionChannel.PUBLIC
    assert interaction.site is None and interaction.staff_role == ""
    assert interaction.outcome == Outcome.NO_SOLUTION


def test_demand_counts_asked_and_unmet_needs_of_the_network_only(site, rsa, client):
    taxes = Need.objects.get(slug="declarer-ses-revenus")
    member = MembershipFactory(network=site.network)
    for _ in range(3):
        close(site, member, rsa, Outcome.ORIENTED)
    close(site, member, taxes, Outcome.NO_SOLUTION, modes_proposed=[])
    close(site, member, taxes, Outcome.NO_SOLUTION, modes_proposed=[])
    record_public_unmet(network=site.network, need=rsa, situation=Situation(), commune=None)
    other = SiteFactory()
    close(other, MembershipFactory(network=other.network), rsa, Outcome.NO_SOLUTION)
    first, last = demand_window(timezone.localdate())

    asked = need_demand(network=site.network, first_day=first, last_day=last)
    unmet = need_demand(network=site.network, first_day=first, last_day=last, unmet_only=True)

    assert [(d.slug, d.asked, d.unmet, d.met) for d in asked] == [
        ("demander-rsa", 4, 1, 3),
        ("declarer-ses-revenus", 2, 2, 0),
    ]
    assert [d.slug for d in unmet] == ["declarer-ses-revenus", "demander-rsa"]

    client.force_login(member.user)
    coverage = client.get(reverse("reporting:coverage", args=[site.network.slug])).text
    assert "Besoins restés sans solution à l'accueil" in coverage
    assert '<a href="?besoin=declarer-ses-revenus">Déclarer ses revenus</a>' in coverage
    finder = client.get(reverse("reporting:partner_finder", args=[site.network.slug])).text
    assert "Les besoins les plus demandés à l'accueil" in finder
    assert "Demander le RSA" in finder
