"""Partner pages: list, detail with contacts and history, edit, finder, one-click prospect."""

import pytest
from django.urls import reverse

from aiguillage.catalog.models import Need
from aiguillage.directory.models import Partnership, PartnershipStatus, PriorityNeed
from tests.accounts.factories import MembershipFactory
from tests.core.factories import SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxes():
    return Need.objects.get(slug="declarer-ses-revenus")


@pytest.fixture
def site():
    return SiteFactory(latitude=43.7317, longitude=3.3194)


@pytest.fixture
def coordinator(site):
    return MembershipFactory(network=site.network, coordinator=True)


@pytest.fixture
def librarian(site):
    return MembershipFactory(network=site.network)


def url(name, member, **kwargs):
    namespace = "reporting" if name == "partner_finder" else "directory"
    return reverse(f"{namespace}:{name}", kwargs={"network_slug": member.network.slug, **kwargs})


def test_finder_proposes_then_one_click_makes_a_prospect(client, coordinator, taxes):
    PriorityNeed.objects.create(network=coordinator.network, need=taxes)
    candidate = StructureFactory(name="SIP de Lodève", latitude=43.735, longitude=3.32,
                                 covered_needs=[taxes])  # fmt: skip
    StructureFactory(name="Hors sujet", latitude=43.735, longitude=3.32)
    client.force_login(coordinator.user)
    page = client.get(url("partner_finder", coordinator)).text
    assert "SIP de Lodève" in page and "Hors sujet" not in page
    response = client.post(url("partner_prospect", coordinator), {"structure": candidate.pk})
    partnership = Partnership.objects.get(network=coordinator.network)
    assert partnership.structure == candidate
    assert partnership.status == PartnershipStatus.PROSPECT
    assert response.url == url("partner_detail", coordinator, partnership_id=partnership.pk)
    # Now a partner: the finder no longer proposes it (the message is shown once, above).
    client.get(response.url)
    assert "SIP de Lodève" not in client.get(url("partner_finder", coordinator)).text


def test_coordinator_sets_priority_needs(client, coordinator, taxes):
    client.force_login(coordinator.user)
    client.post(url("partner_finder", coordinator), {"needs": [taxes.pk]})
    assert list(PriorityNeed.objects.values_list("need", flat=True)) == [taxes.pk]


def test_librarians_read_partners_but_do_not_change_them(client, librarian, taxes):
    structure = StructureFactory(name="CAF de l'Hérault")
    partnership = Partnership.objects.create(network=librarian.network, structure=structure)
    client.force_login(librarian.user)
    assert "CAF de l&#x27;Hérault" in client.get(url("partners", librarian)).text
    detail = client.get(url("partner_detail", librarian, partnership_id=partnership.pk)).text
    assert "Modifier le partenariat" not in detail
    edit = url("partner_edit", librarian, partnership_id=partnership.pk)
    assert client.get(edit).status_code == 403
    assert client.post(url("partner_finder", librarian), {"needs": [taxes.pk]}).status_code == 403
    assert not PriorityNeed.objects.exists()


def test_editing_records_history_and_a_contact_keeps_what_was_typed(client, coordinator):
    partnership = Partnership.objects.create(
        network=coordinator.network, structure=StructureFactory(name="CCAS de Lodève")
    )
    client.force_login(coordinator.user)
    edit = url("partner_edit", coordinator, partnership_id=partnership.pk)
    response = client.post(edit, {"status": "active", "referral_channel": "phone", "notes": ""})
    assert response.status_code == 302
    detail = url("partner_detail", coordinator, partnership_id=partnership.pk)
    page = client.get(detail).text
    assert "Historique" in page and "actif" in page
    add = url("partner_contact_add", coordinator, partnership_id=partnership.pk)
    bad = client.post(add, {"name": "Claire Petit", "email": "pas-un-mail", "phone": ""})
    assert bad.status_code == 400
    assert 'value="Claire Petit"' in bad.text
    good = client.post(add, {"name": "Claire Petit", "phone": "04 67 00 00 00"})
    assert good.status_code == 302
    assert partnership.contacts.get().phone == "+33467000000"


def test_an_end_before_the_start_is_refused_with_a_message(client, coordinator):
    partnership = Partnership.objects.create(
        network=coordinator.network, structure=StructureFactory()
    )
    client.force_login(coordinator.user)
    edit = url("partner_edit", coordinator, partnership_id=partnership.pk)
    response = client.post(edit, {"status": "active", "agreement_start": "2026-06-01",
                                  "agreement_end": "2026-01-01"})  # fmt: skip
    assert response.status_code == 200
    assert "précède son début" in response.text
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.PROSPECT
