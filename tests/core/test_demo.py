import datetime

import pytest
from django.core.management import CommandError, call_command

from aiguillage.accounts.models import Habilitation, HabilitationKind, Membership, Role
from aiguillage.accounts.selectors import may_act_for
from aiguillage.catalog.models import Need, Theme
from aiguillage.core.models import Network, Site
from aiguillage.demo import data
from aiguillage.demo.seed import seed_demo
from aiguillage.directory.models import Structure

TODAY = datetime.date(2026, 11, 21)


def counts():
    return (
        Network.objects.count(),
        Site.objects.count(),
        Membership.objects.count(),
        Habilitation.objects.count(),
        Structure.objects.count(),
    )


@pytest.mark.django_db
class TestSeedDemo:
    def test_it_creates_a_network_with_three_sites_and_every_role(self):
        summary = seed_demo(today=TODAY)
        network = summary.network
        assert network.sites.count() == 3
        roles = set(network.memberships.values_list("role", flat=True))
        assert roles == set(Role.values)
        assert 8 <= network.memberships.count() <= 12

    def test_it_is_idempotent(self):
        seed_demo(today=TODAY)
        before = counts()
        second = seed_demo(today=TODAY)
        assert counts() == before
        assert second.created == 0 and second.updated == 0

    def test_a_salaried_mediator_may_act_for_on_taxes_and_one_habilitation_has_expired(self):
        network = seed_demo(today=TODAY).network
        taxes = Theme.objects.get(slug="argent-impots")
        habilitated = may_act_for(network=network, theme=taxes, day=TODAY)
        assert any(m.role == Role.DIGITAL_MEDIATOR and m.is_salaried for m in habilitated)
        expired = Habilitation.objects.filter(membership__network=network, valid_until__lt=TODAY)
        assert expired.count() == 1
        volunteers = network.memberships.filter(role=Role.VOLUNTEER)
        assert volunteers.exists()
        assert not Habilitation.objects.filter(
            membership__in=volunteers, kind=HabilitationKind.AIDANTS_CONNECT
        ).exists()

    def test_partner_structures_are_located_and_cover_needs(self):
        seed_demo(today=TODAY)
        structures = Structure.objects.filter(source="demo")
        assert 8 <= structures.count() <= 12
        for structure in structures:
            assert structure.latitude is not None and structure.longitude is not None
            assert structure.covered_needs.exists(), structure.name
        france_services = [s for s in structures if "france-service" in s.reseaux_porteurs]
        assert france_services
        assert france_services[0].covered_needs.filter(slug="declarer-ses-revenus").exists()

    def test_the_demo_logins_work(self, client):
        summary = seed_demo(today=TODAY)
        _role, email, password = summary.logins[0]
        assert client.login(username=email, password=password)


@pytest.mark.django_db
def test_command_prints_one_login_per_line_then_a_summary(capsys):
    call_command("seed_demo")
    lines = capsys.readouterr().out.strip().splitlines()
    logins = lines[:-1]
    assert len(logins) == len(data.STAFF)
    for line in logins:
        role, email, password = line.split(" ")
        assert role in Role.values and "@" in email and password == data.DEMO_PASSWORD
    assert lines[-1].startswith(f"Demo network '{data.NETWORK['slug']}'")


@pytest.mark.django_db
def test_command_refuses_to_run_in_production(settings):
    settings.DEV = False
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not Network.objects.exists()


@pytest.mark.django_db
def test_the_demo_has_partners_priorities_and_a_territory():
    from aiguillage.directory.models import Partnership, PriorityNeed, ServedCommune

    summary = seed_demo(today=datetime.date(2026, 11, 21))
    network = summary.network
    active = Partnership.objects.filter(network=network, status="active")
    assert active.count() == 2
    france_services = active.get(structure__source_id="fs-lodevois-larzac")
    assert france_services.contacts.get().email.endswith("@example.org")
    assert france_services.history.exists()  # written through the services
    assert PriorityNeed.objects.filter(network=network).count() == len(data.PRIORITY_NEEDS)
    assert ServedCommune.objects.filter(network=network).count() == len(data.COMMUNES)


@pytest.mark.django_db
def test_the_demo_has_a_charter_and_anonymous_interactions():
    from aiguillage.orientation.charter import decide
    from aiguillage.orientation.models import Charter, Interaction, Mode, Outcome

    network = seed_demo(today=datetime.date(2026, 11, 20)).network
    seed_demo(today=datetime.date(2026, 11, 20))  # again: nothing doubles

    assert Charter.objects.filter(network=network).count() == 1
    assert network.charter_rules.count() == 2
    caylar = network.sites.get(slug="le-caylar")
    justice = Need.objects.filter(theme__slug="justice").first()
    decisions = {
        d.mode: d for d in decide(network=network, need=justice, day=datetime.date(2026, 11, 20))
    }
    assert not decisions[Mode.ACT_FOR].allowed
    at_caylar = {
        d.mode: d
        for d in decide(network=network, need=justice, site=caylar, day=datetime.date(2026, 11, 20))
    }
    assert at_caylar[Mode.ACCOMPANY].conditions.max_distance_km == 20
    interactions = Interaction.objects.of_network(network)
    assert interactions.count() >= 8
    assert interactions.filter(outcome=Outcome.NO_SOLUTION).exists()
