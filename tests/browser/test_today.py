"""Today at the desk with the keyboard alone: log in, open "Aujourd'hui" from the main
navigation, mark a booked person absent, book a free slot for someone who walks in,
mark a registered person present, and add someone who walks in to the session under
way (a refused first name first: the page says why and keeps what was typed). Tab,
Shift+Tab, Enter and Space only, never the mouse; axe-core checks every page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    Attendance,
    Channel,
    Registration,
    RegistrationStatus,
)
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.workshops import register
from tests.accounts.factories import PASSWORD, MembershipFactory
from tests.agenda.factories import UpcomingPermanenceFactory, WorkshopFactory
from tests.browser.axe import assert_accessible
from tests.core.factories import SiteFactory

pytestmark = pytest.mark.django_db(transaction=True)

NIR = "2 95 10 99 126 111 93"


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


class Keys:
    """Tab (forwards or backwards) until an element has the focus, then a key."""

    def __init__(self, page):
        self.page = page

    def focused(self, locator) -> bool:
        return locator.evaluate("element => element === document.activeElement")

    def tab_to(self, locator, *, backwards: bool = False, most: int = 60) -> None:
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(most):
            if self.focused(locator):
                return
            self.page.keyboard.press(key)
        raise AssertionError(f"not reached with {most} presses of {key}: {locator}")


@pytest.fixture
def desk_day(time_machine):
    """Today at 14:05: a permanence 9:00-12:00 (Awa booked at 9:00), another 15:00-17:00
    with free slots, and a workshop session 14:00-16:00 (Bea registered), at one site."""
    today = timezone.localdate()
    time_machine.move_to(at(today, 14, 5), tick=False)
    site = SiteFactory(name="Médiathèque Émile-Zola")
    morning = UpcomingPermanenceFactory(site=site, first_day=today, title="Permanence CAF")
    afternoon = UpcomingPermanenceFactory(
        site=site,
        first_day=today,
        title="Permanence Impôts",
        start_time=datetime.time(15),
        end_time=datetime.time(17),
    )
    yesterday = timezone.now() - datetime.timedelta(days=1)
    book_slot(
        slot=morning.slots.order_by("starts_at").first(),
        visitor=Visitor(first_name="Awa"),
        need=None,
        channel=Channel.DESK,
        now=yesterday,
    )
    workshop = WorkshopFactory(site=site, title="Atelier tablette", starts_at=at(today, 14))
    register(workshop=workshop, visitor=Visitor(first_name="Bea"), channel=Channel.DESK,
             now=yesterday)  # fmt: skip
    member = MembershipFactory(network=site.network)
    return {"member": member, "afternoon": afternoon, "workshop": workshop}


def test_the_day_s_work_with_the_keyboard_alone(page, desk_day):
    keys = Keys(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/comptes/connexion/"))
    assert_accessible(page)
    keys.tab_to(page.get_by_label("Adresse e-mail"))
    page.keyboard.type(desk_day["member"].user.email)
    keys.tab_to(page.get_by_label("Mot de passe"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Orienter une personne")

    # "Aujourd'hui" in the main navigation, before the desk's search field.
    nav = page.get_by_role("navigation", name="Navigation principale")
    keys.tab_to(nav.get_by_role("link", name="Aujourd'hui"), backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aujourd'hui")
    expect(page.locator(".today-count")).to_contain_text(
        re.compile(r"0 conversations? à l'accueil enregistrées? aujourd'hui à la médiathèque")
    )
    assert_accessible(page)

    # Awa did not come to her 9:00 appointment.
    keys.tab_to(page.get_by_role("button", name="Absent·e : Awa, 09:00"))
    page.keyboard.press("Enter")
    expect(page.locator(".message")).to_have_text("Awa : absent·e.")
    assert Appointment.objects.get(first_name="Awa").status == AppointmentStatus.NO_SHOW
    assert_accessible(page)

    # Zoé walks in: the 15:00 slot of the afternoon permanence, a first name only.
    keys.tab_to(page.get_by_label("Prénom (créneau de 15:00)"))
    page.keyboard.type("Zoé")
    page.keyboard.press("Enter")
    expect(page.locator(".message")).to_contain_text("Rendez-vous réservé pour Zoé à 15:00")
    zoe = Appointment.objects.get(first_name="Zoé")
    assert (zoe.slot.permanence, zoe.channel, zoe.email, zoe.phone) == (
        desk_day["afternoon"],
        Channel.DESK,
        "",
        "",
    )
    assert_accessible(page)

    # Bea is at the workshop: Space on the button.
    keys.tab_to(page.get_by_role("button", name="Présent·e : Bea"))
    page.keyboard.press("Space")
    expect(page.locator(".message")).to_have_text("Bea : présent·e.")
    assert Attendance.objects.get(registration__first_name="Bea").present is True
    assert_accessible(page)

    # Someone walks in to the session; a NIR typed by mistake is refused and kept.
    walk_in = page.get_by_label("Prénom d'une personne venue sans inscription")
    keys.tab_to(walk_in)
    page.keyboard.type(f"Marc {NIR}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("n'a pas été ajouté·e")
    expect(walk_in).to_have_value(f"Marc {NIR}")
    expect(walk_in).to_be_focused()
    assert not Registration.objects.filter(first_name__startswith="Marc").exists()
    assert_accessible(page)  # the page with its error
    page.keyboard.press("Control+A")
    page.keyboard.type("Marc")
    page.keyboard.press("Enter")
    expect(page.locator(".message")).to_contain_text("Marc a une place")
    marc = Registration.objects.get(first_name="Marc")
    assert marc.status == RegistrationStatus.CONFIRMED
    assert Attendance.objects.get(registration=marc).present is True
    row = page.get_by_role("row", name=re.compile("^Marc"))
    expect(row).to_contain_text("présent·e")
    assert_accessible(page)
