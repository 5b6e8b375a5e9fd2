"""The desk flow with the keyboard alone, on a tablet-sized screen: type the need, tick
the situation, book the partner's slot, fill the contact form, done (five
interactions); axe-core checks every page on the way, and the record is anonymous."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aiguillage.agenda.models import Appointment
from aiguillage.demo import data
from aiguillage.demo.seed import seed_demo
from aiguillage.orientation.models import Interaction, Outcome
from tests.browser.axe import assert_accessible
from tests.browser.test_desk_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def librarian(catalog):
    demo = seed_demo(today=timezone.localdate())
    return next(login for login in demo.logins if login[0] == "librarian")


def test_book_the_partner_slot_from_the_desk_with_the_keyboard(page, librarian):
    before = Interaction.objects.count()  # the demo has a few weeks of them
    page.set_viewport_size({"width": 1024, "height": 768})
    _role, email, password = librarian
    log_in(page, email, password, check_accessibility=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Orienter une personne")
    need = page.get_by_label("Quelle démarche ?")
    expect(need).to_be_focused()  # the cursor waits in the need field
    assert_accessible(page)

    # 1. Type the need: the propositions come as you type (htmx), no reload.
    page.keyboard.type("caf rsa", delay=30)
    results = page.locator("#desk-results")
    expect(results.get_by_role("heading", level=2)).to_contain_text("Demander le RSA")
    assert page.url.endswith("/orientation/")

    # 2. Tick "entièrement accompagné·e": the link to the online service goes away.
    page.get_by_label("entièrement accompagné·e").focus()
    page.keyboard.press("Space")
    expect(results.get_by_text("Faire la démarche en ligne")).to_have_count(0)
    # The partner's permanence is among the proposals (first or not, depending on the
    # hour: the engine ranks what is open now).
    first = (
        results.locator(".desk__card")
        .filter(has=page.locator(".desk__mode", has_text=re.compile("partenaire sur place", re.I)))
        .first
    )
    expect(first).to_be_visible()
    assert_accessible(page)

    # Explanations are one click (one key) away.
    first.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(first.locator(".desk__why")).to_contain_text("Score")

    # 3. Book the partner's slot.
    first.get_by_role("button", name="Réserver").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réserver le")
    assert_accessible(page)

    # 4. The agenda's minimal contact form.
    page.get_by_label("Prénom ou pseudonyme").focus()
    page.keyboard.type("Awa")
    page.get_by_label("E-mail").focus()
    page.keyboard.type("awa@example.org")

    # 5. Submit: booked, recorded, and the slip with the booked time is one key away.
    page.get_by_role("button", name="Réserver").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("C'est fait")
    expect(page.get_by_role("link", name=re.compile("Imprimer la fiche"))).to_be_visible()
    assert_accessible(page)

    appointment = Appointment.objects.get(first_name="Awa")
    assert appointment.slot.permanence.network.slug == data.NETWORK["slug"]
    assert Interaction.objects.count() == before + 1
    interaction = Interaction.objects.latest("pk")
    assert interaction.outcome == Outcome.BOOKED_PARTNER
    assert interaction.need.slug == "demander-rsa"
    assert interaction.autonomy == "entierement_accompagne"
    assert "Awa" not in str(interaction.__dict__)


def test_close_a_conversation_without_solution_on_a_phone(page, librarian):
    before = Interaction.objects.count()
    page.set_viewport_size({"width": 390, "height": 844})
    _role, email, password = librarian
    log_in(page, email, password, check_accessibility=False)
    page.keyboard.type("zzqx wvv")
    page.keyboard.press("Enter")
    results = page.locator("#desk-results")
    expect(results).to_contain_text("Aucune solution trouvée.")
    expect(results.get_by_label("Issue")).to_have_value("no_solution")
    assert_accessible(page)
    results.get_by_role("button", name="Clore", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".message")).to_contain_text("Conversation enregistrée")
    assert Interaction.objects.count() == before + 1
    interaction = Interaction.objects.latest("pk")
    assert interaction.outcome == Outcome.NO_SOLUTION and interaction.need is None
