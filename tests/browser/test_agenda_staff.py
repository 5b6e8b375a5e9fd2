"""A librarian opens the day's agenda, books a free slot for a visitor at the desk, then
takes the attendance of a workshop session; axe-core checks every page on the way."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aiguillage.agenda.models import Appointment, Attendance, Channel, WorkshopSession
from aiguillage.demo import data
from aiguillage.demo.seed import seed_demo
from tests.browser.axe import assert_accessible
from tests.browser.test_desk_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def librarian(catalog):
    demo = seed_demo(today=timezone.localdate())
    return next(login for login in demo.logins if login[0] == "librarian")


def alex_day() -> datetime.date:
    """The day of the demo's first France services booking: the next Tuesday, or the
    one after when that Tuesday is a public holiday."""
    appointment = Appointment.objects.get(first_name="Alex")
    return timezone.localtime(appointment.slot.starts_at).date()


def test_day_view_desk_booking_and_workshop_attendance(page, librarian, time_machine):
    _role, email, password = librarian
    log_in(page, email, password, check_accessibility=False)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Agenda"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agenda du")

    # The day: Lodève on a Tuesday, when France services holds its permanence.
    page.get_by_label("Site", exact=True).select_option(label=data.SITES[0]["name"])
    page.get_by_label("Date", exact=True).fill(alex_day().isoformat())
    page.get_by_role("button", name="Afficher").click()
    block = page.get_by_role("region", name=re.compile("Permanence France services"))
    expect(block.get_by_role("link", name="Alex")).to_be_visible()
    assert_accessible(page)

    # Book the first free slot at the desk.
    block.get_by_role("link", name=re.compile("^Réserver")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réserver le")
    assert_accessible(page)
    page.get_by_label("Prénom ou pseudonyme").fill("Awa")
    page.get_by_label("Téléphone", exact=False).first.fill("12")
    page.get_by_role("button", name="Réserver").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Prénom ou pseudonyme")).to_have_value("Awa")
    assert_accessible(page)  # the page with its errors
    page.get_by_label("Téléphone", exact=False).first.fill("")
    page.get_by_label("E-mail (facultatif)").fill("awa@example.org")
    page.get_by_role("button", name="Réserver").click()
    expect(page.locator(".message")).to_contain_text("Rendez-vous réservé")
    expect(page.get_by_role("link", name="Awa")).to_be_visible()
    assert Appointment.objects.get(first_name="Awa").channel == Channel.DESK

    # Open the booking and change its time, with the keyboard.
    page.get_by_role("link", name="Awa").click()
    assert_accessible(page)
    page.get_by_role("link", name="Changer l'horaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changer l'horaire d'un rendez-vous")
    assert_accessible(page)
    page.get_by_role("radio").first.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Déplacer le rendez-vous").click()
    expect(page.locator(".message")).to_contain_text("Rendez-vous déplacé")
    assert Appointment.objects.filter(first_name="Awa", status="booked").count() == 1

    # A workshop session's attendance, with the keyboard-friendly checkboxes: before the
    # session starts the page says it is too early; at its start, it is taken.
    page.get_by_role("navigation", name="Agenda").get_by_role("link", name="Ateliers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ateliers à venir")
    assert_accessible(page)
    page.get_by_role("link", name="Se connecter avec FranceConnect").click()
    page.get_by_role("link", name=re.compile("^Présences")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Présences")
    expect(page.locator(".message")).to_contain_text("pas encore commencé")
    attendance_url = page.url
    session = WorkshopSession.objects.get(workshop__title="Se connecter avec FranceConnect")
    time_machine.move_to(session.starts_at + datetime.timedelta(minutes=5), tick=False)
    page.context.clear_cookies()  # days later: log in again
    log_in(page, librarian[1], librarian[2], check_accessibility=False)
    page.goto(attendance_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Présences")
    assert_accessible(page)
    page.get_by_label("Camille").check()
    page.get_by_label("Dominique").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.locator(".message")).to_contain_text("Présences enregistrées : 2 sur 6")
    assert Attendance.objects.filter(present=True).count() == 2

    page.get_by_role("link", name="Feuille d'émargement").first.click()
    expect(page.get_by_role("columnheader", name="Signature").first).to_be_visible()
    assert_accessible(page)


def test_a_closure_is_previewed_then_confirmed(page, librarian):
    _role, email, password = librarian
    log_in(page, email, password, check_accessibility=False)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Agenda"
    ).click()
    page.get_by_role("navigation", name="Agenda").get_by_role("link", name="Fermetures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fermetures exceptionnelles")
    assert_accessible(page)
    page.get_by_label("Site", exact=True).select_option(label=data.SITES[0]["name"])
    page.get_by_label(re.compile(r"^Du")).fill(alex_day().isoformat())
    page.get_by_label("Motif").fill("inventaire")
    page.get_by_role("button", name="Voir ce qu'elle annule").click()
    preview = page.get_by_role("region", name="Ce que cette fermeture annule")
    expect(preview).to_contain_text("Alex")  # booked that Tuesday: will be told
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer la fermeture").click()
    expect(page.locator(".message")).to_contain_text("Fermeture enregistrée")
    expect(page.get_by_role("table")).to_contain_text("inventaire")
    assert_accessible(page)
    assert Appointment.objects.filter(first_name="Alex", status="cancelled").exists()
