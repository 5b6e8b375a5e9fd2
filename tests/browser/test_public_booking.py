"""The public, without an account: finds a workshop, registers, gets the e-mail with its
calendar file and link, manages and cancels; books a permanence and changes the time.
axe-core checks every page visited."""

import re

import pytest
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect

from aiguillage.agenda.models import Appointment, Registration
from tests.agenda.factories import WorkshopFactory
from tests.browser.axe import assert_accessible
from tests.core.factories import NetworkFactory, SiteFactory
from tests.public.conftest import in_days, ready_permanence

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(settings, live_server):
    settings.SITE_URL = live_server.url  # the links in the e-mails lead back here
    network = NetworkFactory(name="Médiathèques du Pic", slug="pic", theme_color="#7a1f5c")
    return SiteFactory(network=network, name="Médiathèque Émile-Zola", phone="04 67 00 00 00")


def test_find_a_workshop_register_get_the_email_and_cancel_from_its_link(page, site):
    workshop = WorkshopFactory(
        site=site, title="Créer son adresse e-mail", starts_at=in_days(10), capacity=6
    )
    page.goto("/p/pic/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ateliers et rendez-vous")
    assert_accessible(page)

    page.get_by_role("link", name="Créer son adresse e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer son adresse e-mail")
    expect(page.get_by_text("Il reste 6 places.")).to_be_visible()
    assert_accessible(page)

    # A mistake first: the error is said, next to the field, and what was typed stays.
    page.get_by_label(re.compile("^Prénom ou pseudonyme")).fill("Awa")
    page.get_by_label("E-mail").fill("awa@exemple")
    page.get_by_role("button", name="Je m'inscris").click()
    expect(page.get_by_text("Cette adresse e-mail n'est pas valide.")).to_be_visible()
    expect(page.get_by_label(re.compile("^Prénom ou pseudonyme"))).to_have_value("Awa")
    assert_accessible(page)

    page.get_by_label("E-mail").fill("awa@exemple.fr")
    page.get_by_label("J'accepte de recevoir un rappel avant le rendez-vous").check()
    page.get_by_role("button", name="Je m'inscris").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon inscription")
    expect(page.get_by_role("status")).to_contain_text("vous êtes inscrit·e à l'atelier")
    assert_accessible(page)

    registration = Registration.objects.get()
    assert (registration.workshop_id, registration.status) == (workshop.pk, "confirmed")
    (message,) = mail.outbox
    assert message.to == ["awa@exemple.fr"]
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Créer son adresse e-mail"
    link = re.search(rf"{re.escape(site.network.slug)}/gerer/[^\s]+/", message.body).group(0)

    # Later, from the e-mail: the link opens the booking, with no account.
    page.context.clear_cookies()
    page.goto(f"/p/{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon inscription")
    expect(page.get_by_text("Vous êtes inscrit·e.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Annuler mon inscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuler mon inscription")
    assert_accessible(page)
    page.get_by_role("button", name="Oui, j'annule").click()
    expect(page.get_by_text("Cette inscription est annulée.")).to_be_visible()
    assert_accessible(page)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert mail.outbox[-1].subject.startswith("Inscription annulée")


def fits_a_phone(page) -> None:
    """Readable on a phone: nothing wider than the screen, so no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_book_a_permanence_then_change_the_time_on_a_phone(page, site):
    page.set_viewport_size({"width": 360, "height": 740})
    permanence = ready_permanence(site=site, title="Permanence CAF")
    page.goto(f"/p/pic/sites/{site.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Médiathèque Émile-Zola")
    assert_accessible(page)
    fits_a_phone(page)

    page.get_by_role("link", name="Voir tous les horaires").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Permanence CAF")
    assert_accessible(page)
    fits_a_phone(page)
    page.get_by_role("link", name="Semaine suivante").click()
    page.get_by_role("link", name=re.compile("^Réserver le")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réserver un rendez-vous")
    assert_accessible(page)
    fits_a_phone(page)

    page.get_by_label(re.compile("^Prénom ou pseudonyme")).fill("Awa")
    page.get_by_label("Téléphone", exact=False).first.fill("06 12 34 56 78")
    page.get_by_role("button", name="Je réserve ce rendez-vous").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon rendez-vous")
    first = Appointment.objects.get()
    assert (first.slot.permanence_id, first.phone) == (permanence.pk, "+33612345678")
    assert_accessible(page)
    fits_a_phone(page)

    page.get_by_role("link", name="Changer l'horaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Changer l'horaire de mon rendez-vous"
    )
    assert_accessible(page)
    fits_a_phone(page)
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Je choisis cet horaire").click()
    expect(page.get_by_role("status")).to_contain_text("votre rendez-vous a changé d'horaire")
    assert_accessible(page)
    fits_a_phone(page)
    first.refresh_from_db()
    moved = Appointment.objects.get(status="booked")
    assert first.status == "cancelled" and moved.slot_id != first.slot_id
