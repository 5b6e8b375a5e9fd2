"""The privacy pages in a browser, axe-core on each: a visitor goes from their manage
link to "Mes données" and erases them; anyone reads the network's notice from the
portal's footer; a coordinator reads the register and answers a request with the
keyboard."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.links import manage_path
from aiguillage.agenda.models import Appointment
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.compliance.models import PrivacySettings
from tests.accounts.factories import PASSWORD, MembershipFactory
from tests.browser.axe import assert_accessible
from tests.browser.test_desk_journey import log_in
from tests.core.factories import NetworkFactory, SiteFactory
from tests.public.conftest import first_slot, ready_permanence

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def network(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.PUBLIC_RATE_LIMIT = 1000
    network = NetworkFactory(name="Médiathèques du Pic", slug="pic", theme_color="#7a1f5c")
    PrivacySettings.objects.create(
        network=network,
        contact_days=21,
        controller_name="Communauté de communes du Pic",
        dpo_name="Camille Martin",
        dpo_email="dpo@pic.example",
    )
    return network


@pytest.fixture
def appointment(network):
    site = SiteFactory(network=network, name="Médiathèque Émile-Zola", phone="04 67 00 00 00")
    slot = first_slot(ready_permanence(site=site, title="Permanence CAF"))
    visitor = Visitor(
        first_name="Awa", email="awa@exemple.fr", accessibility_needs="Boucle auditive"
    )
    return book_slot(
        slot=slot,
        visitor=visitor,
        need=None,
        channel="online",
        now=slot.starts_at.replace(year=2000),
        tell=False,  # the test reads the one-time link's message, not the confirmations
    )


def test_a_visitor_sees_and_erases_their_data(page, appointment):
    page.goto(manage_path(appointment))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon rendez-vous")
    page.get_by_role("link", name="Mes données : les voir, les effacer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mes données")
    expect(page.get_by_role("heading", name="Permanence CAF")).to_be_visible()
    expect(page.get_by_text("awa@exemple.fr")).to_be_visible()
    expect(page.get_by_text("Boucle auditive")).to_be_visible()
    expect(page.get_by_text(re.compile("effacés 21 jours après la date"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Effacer cette réservation et mes données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Effacer mes données")
    expect(page.get_by_text(re.compile("1 réservation à venir est annulée"))).to_be_visible()
    assert_accessible(page)
    # With the keyboard: the confirmation button takes Enter.
    page.get_by_role("button", name="Oui, effacer mes données").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Vos données et vos droits")
    expect(page.get_by_role("status")).to_contain_text("nous avons effacé vos données")
    assert_accessible(page)
    erased = Appointment.objects.get(pk=appointment.pk)
    assert erased.purged_at is not None and erased.status == "cancelled"
    page.goto(manage_path(appointment))  # the old link is dead
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Mon rendez-vous")


def test_a_visitor_proves_their_email_and_sees_every_booking(page, appointment):
    """Another booking with the same e-mail shows only after the one-time link."""
    slot = first_slot(ready_permanence(site=appointment.slot.site, title="Permanence impôts"))
    book_slot(
        slot=slot,
        visitor=Visitor(first_name="Awa", email="awa@exemple.fr"),
        need=None,
        channel="online",
        now=slot.starts_at.replace(year=2000),
        tell=False,  # the test reads the one-time link's message, not the confirmations
    )
    page.goto(manage_path(appointment))
    page.get_by_role("link", name="Mes données : les voir, les effacer").click()
    expect(page.get_by_role("heading", name="Permanence CAF")).to_be_visible()
    expect(page.get_by_role("heading", name="Permanence impôts")).to_have_count(0)
    page.get_by_role("button", name="M'envoyer le lien par e-mail").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(
        "Nous avons envoyé un e-mail à a•••@exemple.fr"
    )
    assert_accessible(page)

    (message,) = mail.outbox
    link = re.search(r"https?://[^\s]+/v/[^\s]+/", message.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Voir mes données")
    assert_accessible(page)
    page.get_by_role("button", name="Ouvrir mes données").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Permanence CAF")).to_be_visible()
    expect(page.get_by_role("heading", name="Permanence impôts")).to_be_visible()
    assert_accessible(page)
    page.goto(link)  # once only
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce lien ne marche plus")
    assert_accessible(page)


def test_the_notice_from_the_portals_footer(page, network):
    page.goto("/p/pic/")
    page.get_by_role("contentinfo").get_by_role("link", name="Vos données et vos droits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos données et vos droits")
    expect(page.get_by_text("Communauté de communes du Pic")).to_be_visible()
    expect(page.get_by_role("link", name="dpo@pic.example").first).to_be_visible()
    expect(page.get_by_role("table", name="Les cookies de ce site")).to_be_visible()
    assert_accessible(page)


def test_a_coordinator_reads_the_register_and_answers_a_request(page, catalog, appointment):
    coordinator = MembershipFactory(network=appointment.network, coordinator=True).user
    log_in(page, coordinator.email, PASSWORD, check_accessibility=False)
    expect(page).not_to_have_url(re.compile(r"/comptes/connexion/"))

    page.goto("/r/pic/donnees/registre/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Registre des activités de traitement"
    )
    expect(
        page.get_by_role("heading", name=re.compile("Rendez-vous et inscriptions"))
    ).to_be_visible()
    expect(page.get_by_text("Communauté de communes du Pic").first).to_be_visible()
    expect(page.get_by_role("link", name="Le registre en PDF")).to_be_visible()
    assert_accessible(page)

    page.goto("/r/pic/donnees/demandes/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Demandes sur les données personnelles"
    )
    assert_accessible(page)
    page.get_by_label(re.compile("^Effacement")).check()
    page.get_by_label("Adresse e-mail").fill("awa@exemple.fr")
    page.get_by_role("button", name="Continuer").press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Effacer les données d'une personne")
    expect(page.get_by_role("heading", name="Permanence CAF")).to_be_visible()
    assert "awa" not in page.url
    assert_accessible(page)
    page.get_by_role("button", name="Effacer définitivement").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Données effacées : 1 rendez-vous. 1 réservation à venir a été annulée"
    )
    assert "awa" not in page.url
    assert_accessible(page)
    assert Appointment.objects.get(pk=appointment.pk).purged_at is not None
