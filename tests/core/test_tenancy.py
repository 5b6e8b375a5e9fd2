"""Tenancy is absolute: a member of network A never reaches network B's pages.

The URL patterns are enumerated, so a new network-scoped page is covered the day it
is added: if it takes a parameter this test does not know, the test fails and asks
for a sample value.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from aiguillage.core.selectors import get_network_for_user, networks_for_user
from aiguillage.directory.models import PartnerContact, Partnership
from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.directory.factories import StructureFactory


def network_scoped_patterns():
    """(name, kwargs names) of every named staff URL that takes ``network_slug``.

    The ``public`` and ``privacy_public`` namespaces are the portal anyone may read
    (tested in tests/public and tests/privacy).
    """

    def walk(patterns, namespace, inherited):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                yield from walk(entry.url_patterns, ns, inherited | set(entry.pattern.converters))
            elif isinstance(entry, URLPattern) and entry.name:
                params = inherited | set(entry.pattern.converters)
                if "network_slug" in params and namespace not in ("public", "privacy_public"):
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                    yield name, frozenset(params)

    return sorted(walk(get_resolver().url_patterns, None, frozenset()))


@pytest.fixture
def two_networks(db):
    site_a = SiteFactory(network=NetworkFactory(slug="reseau-a"), slug="site-a")
    site_b = SiteFactory(network=NetworkFactory(slug="reseau-b"), slug="site-b")
    member_a = MembershipFactory(network=site_a.network, coordinator=True)
    return member_a, site_a, site_b


def sample_kwargs(params, site):
    values = {"network_slug": site.network.slug, "site_slug": site.slug}
    if params & {"structure_id", "partnership_id", "contact_id"}:
        structure = StructureFactory(source="tenancy")
        partnership = Partnership.objects.create(network=site.network, structure=structure)
        contact = PartnerContact.objects.create(partnership=partnership, name="Agent CAF")
        values |= {
            "structure_id": structure.pk,
            "partnership_id": partnership.pk,
            "contact_id": contact.pk,
        }
    if params & {"permanence_id", "occurrence_id", "slot_id", "appointment_id", "workshop_id",
                  "registration_id", "session_id"}:  # fmt: skip
        from django.utils import timezone

        from aiguillage.agenda.contact import Visitor
        from aiguillage.agenda.services.appointments import book_slot
        from aiguillage.agenda.services.workshops import register
        from tests.agenda.factories import UpcomingPermanenceFactory, UpcomingWorkshopFactory

        visitor = Visitor(first_name="Camille", email="camille@example.org")
        slot = UpcomingPermanenceFactory(site=site).slots.order_by("starts_at").first()
        workshop = UpcomingWorkshopFactory(site=site)
        now = timezone.now()
        values |= {
            "permanence_id": slot.permanence_id,
            "occurrence_id": slot.occurrence_id,
            "slot_id": slot.pk,
            "appointment_id": book_slot(
                slot=slot, visitor=visitor, need=None, channel="desk", now=now
            ).pk,
            "workshop_id": workshop.pk,
            "registration_id": register(
                workshop=workshop, visitor=visitor, channel="desk", now=now
            ).pk,
            "session_id": workshop.sessions.get().pk,
        }
    missing = params - values.keys()
    assert not missing, f"Add sample values for URL parameters {missing} to this test"
    return {name: values[name] for name in params}


def test_network_scoped_pages_exist():
    names = [name for name, _ in network_scoped_patterns()]
    assert "workspace:network_home" in names
    assert "workspace:site_detail" in names
    assert "directory:search" in names  # included under /r/<network_slug>/annuaire/


@pytest.mark.parametrize("name,params", network_scoped_patterns())
def test_other_networks_pages_answer_404(client, two_networks, name, params):
    member_a, site_a, site_b = two_networks
    client.force_login(member_a.user)
    request = client.get
    own = request(reverse(name, kwargs=sample_kwargs(params, site_a)))
    if own.status_code == 405:  # an action: posted, it must still stop at the network
        request = client.post
        own = request(reverse(name, kwargs=sample_kwargs(params, site_a)))
    assert own.status_code in (200, 302, 400)  # 400: an action posted without its form
    other = request(reverse(name, kwargs=sample_kwargs(params, site_b)))
    assert other.status_code == 404
    assert site_b.network.name.encode() not in other.content
    assert site_b.name.encode() not in other.content


@pytest.mark.parametrize("name,params", network_scoped_patterns())
def test_network_pages_need_login(client, two_networks, name, params):
    _, site_a, _ = two_networks
    url = reverse(name, kwargs=sample_kwargs(params, site_a))
    response = client.get(url)
    if response.status_code == 405:  # an action
        response = client.post(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_site_of_another_network_is_404_even_under_ones_own_network(client, two_networks):
    member_a, site_a, site_b = two_networks
    client.force_login(member_a.user)
    url = reverse("workspace:site_detail", args=[site_a.network.slug, site_b.slug])
    assert client.get(url).status_code == 404


def test_a_deactivated_membership_closes_the_door(client, two_networks):
    member_a, site_a, _ = two_networks
    member_a.is_active = False
    member_a.save()
    client.force_login(member_a.user)
    assert (
        client.get(reverse("workspace:network_home", args=[site_a.network.slug])).status_code == 404
    )


def test_selectors_only_return_the_callers_networks(two_networks):
    member_a, site_a, site_b = two_networks
    assert list(networks_for_user(member_a.user)) == [site_a.network]
    with pytest.raises(Exception) as error:
        get_network_for_user(member_a.user, site_b.network.slug)
    assert error.typename == "Http404"


def test_home_redirects_a_single_network_member_to_its_desk(client, two_networks):
    member_a, site_a, _ = two_networks
    client.force_login(member_a.user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("orientation:desk", args=[site_a.network.slug])


def test_home_lets_a_member_of_several_networks_choose(client, two_networks):
    member_a, site_a, site_b = two_networks
    MembershipFactory(user=member_a.user, network=site_b.network)
    client.force_login(member_a.user)
    response = client.get("/")
    assert response.status_code == 200
    assert site_a.network.name in response.text
    assert site_b.network.name in response.text
