"""The rights pages: "Mes données" through a manage link (see, download, erase), the
staff's request page (coordinators only, another network 404), the public notice and
the register's doors. An e-mail or a phone never appears in a URL."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from aiguillage.accounts.models import Role
from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.links import manage_path
from aiguillage.agenda.models import Appointment, Registration
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.workshops import register
from aiguillage.compliance.models import PrivacySettings
from aiguillage.privacy.models import JournalAction, JournalEntry
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import WorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.public.conftest import first_slot, in_days, ready_permanence

pytestmark = pytest.mark.django_db

AWA = "awa@exemple.fr"
PHONE = "+33612345678"
URL_ATTRIBUTE = re.compile(r'(?:href|action|src)="([^"]*)"')


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.PUBLIC_RATE_LIMIT = 1000


def text(response) -> str:
    return response.content.decode()


def urls_in(response) -> list[str]:
    return URL_ATTRIBUTE.findall(text(response))


def assert_no_contact_in_urls(*responses) -> None:
    for response in responses:
        locations = [*urls_in(response), response.get("Location", "")]
        for url in locations:
            assert "@" not in url and "%40" not in url, url
            assert "612345678" not in url, url


@pytest.fixture
def network():
    return NetworkFactory(name="Médiathèques du Pic", slug="pic")


@pytest.fixture
def other_network():
    return NetworkFactory(name="Réseau voisin", slug="voisin")


@pytest.fixture
def bookings(network, other_network):
    """Awa: an appointment and a registration in the Pic, an appointment next door;
    Bob: an appointment in the Pic."""
    site = SiteFactory(network=network, name="Médiathèque Émile-Zola", slug="zola")
    permanence = ready_permanence(site=site, title="Permanence CAF", seats_per_slot=3)
    workshop = WorkshopFactory(site=site, title="Premiers pas", starts_at=in_days(10))
    next_door = ready_permanence(
        site=SiteFactory(network=other_network), title="Permanence du voisin"
    )
    awa = Visitor(
        first_name="Awa", email=AWA, phone="06 12 34 56 78", accessibility_needs="Boucle auditive"
    )
    long_ago = first_slot(permanence).starts_at.replace(year=2000)

    def book(slot, visitor):
        return book_slot(slot=slot, visitor=visitor, need=None, channel="online", now=long_ago)

    return {
        "appointment": book(first_slot(permanence), awa),
        "registration": register(workshop=workshop, visitor=awa, channel="online", now=long_ago),
        "next_door": book(first_slot(next_door), awa),
        "bob": book(first_slot(permanence), Visitor(first_name="Bob", email="bob@exemple.fr")),
    }


def my_data_url(booking, name: str = "my_data") -> str:
    token = manage_path(booking).rstrip("/").rsplit("/", 1)[1]
    return reverse(f"privacy_public:{name}", args=[booking.network.slug, token])


class TestVisitorPages:
    def test_the_manage_page_leads_to_my_data(self, client, bookings):
        link = manage_path(bookings["appointment"])
        token = link.rstrip("/").rsplit("/", 1)[1]
        page = text(client.get(link))
        assert f'href="/p/pic/confidentialite/mes-donnees/{token}/"' in page

    def test_shows_everything_its_own_booking_holds_and_nothing_else(self, client, bookings):
        response = client.get(my_data_url(bookings["registration"]))
        assert response.status_code == 200
        page = text(response)
        for held in ("Premiers pas", "Awa", AWA, PHONE, "Boucle auditive"):
            assert held in page
        # Awa's appointment was made with the same e-mail: a manage link proves nothing
        # about the e-mail, so it stays out (a one-time link sent to it shows it).
        for other in ("Permanence CAF", "Bob", "bob@exemple.fr", "Permanence du voisin"):
            assert other not in page
        assert "<title>Mes données · Médiathèques du Pic</title>" in page
        assert response["Referrer-Policy"] == "same-origin"  # its one form posts back
        assert "no-store" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
        assert 'name="language"' not in page  # no language form: it would post the path
        assert "a•••@exemple.fr" in page  # where the one-time link would go, masked
        assert_no_contact_in_urls(response)

    def test_says_the_networks_retention(self, client, bookings, network):
        PrivacySettings.objects.create(network=network, contact_days=9, cancelled_days=2)
        page = text(client.get(my_data_url(bookings["appointment"])))
        assert "effacés 9 jours après la date" in page
        assert "effacée 2 jours après l'annulation" in page

    def test_each_look_is_journaled_without_the_contact(self, client, bookings, network):
        client.get(my_data_url(bookings["appointment"]))
        entry = JournalEntry.objects.latest("seq")
        assert (entry.action, entry.network_id, entry.actor_id) == (
            JournalAction.RIGHTS_ACCESS,
            network.pk,
            None,
        )
        assert entry.details == {
            "origin": "visitor_link",
            "kind": "page",
            "appointments": 1,
            "registrations": 0,
        }

    def test_downloads_the_export(self, client, bookings):
        response = client.get(my_data_url(bookings["appointment"], "my_data_export"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert response["Content-Disposition"].startswith('attachment; filename="donnees-pic-')
        assert "no-store" in response["Cache-Control"]
        data = json.loads(response.content)
        assert data["counts"] == {"appointments": 1, "registrations": 0}
        assert data["appointments"][0]["email"] == AWA
        assert data["appointments"][0]["id"] == bookings["appointment"].pk
        assert JournalEntry.objects.latest("seq").details["kind"] == "export"

    def test_erase_asks_first_then_erases_its_booking_and_its_links_die(self, client, bookings):
        appointment, registration = bookings["appointment"], bookings["registration"]
        confirm = client.get(my_data_url(appointment, "my_data_erase"))
        assert confirm.status_code == 200
        assert 'method="post"' in text(confirm)
        assert confirm["Referrer-Policy"] == "same-origin"
        assert Appointment.objects.get(pk=appointment.pk).purged_at is None  # nothing yet
        links = [manage_path(appointment), my_data_url(appointment)]

        response = client.post(my_data_url(appointment, "my_data_erase"))
        assert response.status_code == 302
        assert response["Location"] == reverse("privacy_public:notice", args=["pic"])
        notice = client.get(response["Location"])
        assert "nous avons effacé vos données" in text(notice)
        row = Appointment.objects.get(pk=appointment.pk)
        assert row.purged_at is not None and row.email == "" and row.status == "cancelled"
        assert all(client.get(link).status_code == 404 for link in links)
        # Her registration (same e-mail, its own link), next door and Bob keep theirs.
        assert Registration.objects.get(pk=registration.pk).email == AWA
        assert client.get(manage_path(registration)).status_code == 200
        assert Appointment.objects.get(pk=bookings["next_door"].pk).purged_at is None
        assert Appointment.objects.get(pk=bookings["bob"].pk).purged_at is None
        entry = JournalEntry.objects.latest("seq")
        assert (entry.action, entry.actor_id) == (JournalAction.RIGHTS_ERASURE, None)
        assert entry.details["origin"] == "visitor_link"
        assert (entry.details["appointments"], entry.details["registrations"]) == (1, 0)
        assert_no_contact_in_urls(confirm, response, notice)

    def test_bad_or_foreign_links_are_404(self, client, bookings, other_network):
        good = my_data_url(bookings["appointment"])
        token = good.rstrip("/").rsplit("/", 1)[1]
        assert client.get(good[:-4] + "xyz/").status_code == 404
        foreign = reverse("privacy_public:my_data", args=[other_network.slug, token])
        assert client.get(foreign).status_code == 404
        erase = reverse("privacy_public:my_data_erase", args=[other_network.slug, token])
        assert client.post(erase).status_code == 404
        assert Appointment.objects.get(pk=bookings["appointment"].pk).purged_at is None


class TestNotice:
    def test_says_who_what_how_long_and_the_cookies(self, client, network):
        PrivacySettings.objects.create(
            network=network,
            contact_days=21,
            cancelled_days=5,
            controller_name="Communauté de communes du Pic",
            dpo_name="Camille Martin",
            dpo_email="dpo@pic.example",
        )
        response = client.get(reverse("privacy_public:notice", args=["pic"]))
        assert response.status_code == 200
        page = text(response)
        assert "Communauté de communes du Pic" in page
        assert "Camille Martin" in page and 'href="mailto:dpo@pic.example"' in page
        assert "effacés 21 jours après la date" in page
        assert "effacée 5 jours après l'annulation" in page
        assert "CNIL" in page
        for cookie in ("csrftoken", "sessionid", "django_language"):
            assert f"<code>{cookie}</code>" in page

    def test_without_settings_names_the_network_and_the_desk(self, client, network):
        page = text(client.get(reverse("privacy_public:notice", args=["pic"])))
        assert "<strong>Médiathèques du Pic</strong>" in page
        assert "adressez-vous à l'accueil d'une médiathèque" in page
        assert "effacés 30 jours après la date" in page

    def test_the_portal_footer_links_to_it(self, client, network):
        page = text(client.get(reverse("public:home", args=["pic"])))
        assert f'href="{reverse("privacy_public:notice", args=["pic"])}"' in page

    def test_an_unknown_network_is_404(self, client, db):
        assert client.get("/p/nulle-part/confidentialite/").status_code == 404


def member(network, role):
    fields = {"volunteer": True} if role == Role.VOLUNTEER else {"role": role}
    return MembershipFactory(network=network, **fields).user


@pytest.fixture
def coordinator(network):
    return member(network, Role.COORDINATOR)


STAFF_PAGES = ["compliance:rights", "compliance:register", "compliance:register_pdf"]


class TestStaffDoors:
    @pytest.mark.parametrize("name", STAFF_PAGES)
    @pytest.mark.parametrize(
        "role", [Role.LIBRARIAN, Role.DIGITAL_MEDIATOR, Role.VOLUNTEER, Role.PARTNER_AGENT]
    )
    def test_other_roles_get_403(self, client, network, name, role):
        client.force_login(member(network, role))
        assert client.get(reverse(name, args=["pic"])).status_code == 403

    @pytest.mark.parametrize("name", STAFF_PAGES)
    def test_another_networks_coordinator_gets_404(self, client, network, other_network, name):
        client.force_login(member(other_network, Role.COORDINATOR))
        response = client.get(reverse(name, args=["pic"]))
        assert response.status_code == 404
        assert "Médiathèques du Pic" not in text(response)

    @pytest.mark.parametrize("name", [*STAFF_PAGES, "compliance:rights_erase"])
    def test_anonymous_goes_to_login(self, client, network, name):
        response = client.post(reverse(name, args=["pic"]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_other_roles_cannot_post_a_request(self, client, network, bookings):
        client.force_login(member(network, Role.LIBRARIAN))
        url = reverse("compliance:rights_erase", args=["pic"])
        assert client.post(url, {"email": AWA}).status_code == 403
        assert Appointment.objects.get(pk=bookings["appointment"].pk).purged_at is None


class TestStaffRequests:
    def url(self, name="compliance:rights"):
        return reverse(name, args=["pic"])

    def test_the_form(self, client, coordinator):
        client.force_login(coordinator)
        response = client.get(self.url())
        assert response.status_code == 200
        page = text(response)
        assert "Demandes sur les données personnelles" in page
        assert 'method="post"' in page

    def test_access_downloads_everything_for_that_email(self, client, coordinator, bookings):
        client.force_login(coordinator)
        response = client.post(self.url(), {"kind": "access", "email": " AWA@exemple.fr "})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="donnees-pic-')
        assert "no-store" in response["Cache-Control"]
        data = json.loads(response.content)
        assert {a["id"] for a in data["appointments"]} == {bookings["appointment"].pk}
        assert {r["id"] for r in data["registrations"]} == {bookings["registration"].pk}
        entry = JournalEntry.objects.latest("seq")
        assert (entry.action, entry.actor_id, entry.actor_role) == (
            JournalAction.RIGHTS_ACCESS,
            coordinator.pk,
            "coordinator",
        )
        assert entry.details == {
            "origin": "staff_page",
            "kind": "export",
            "appointments": 1,
            "registrations": 1,
        }

    def test_access_by_phone_finds_the_bookings_holding_it(self, client, coordinator, bookings):
        client.force_login(coordinator)
        response = client.post(self.url(), {"kind": "access", "phone": "06 12 34 56 78"})
        data = json.loads(response.content)
        assert {a["id"] for a in data["appointments"]} == {bookings["appointment"].pk}

    def test_nothing_held_is_said_and_journaled(self, client, coordinator, bookings):
        client.force_login(coordinator)
        response = client.post(self.url(), {"kind": "access", "email": "personne@exemple.fr"})
        assert response.status_code == 200
        assert "le réseau ne garde rien sur cette personne" in text(response)
        entry = JournalEntry.objects.latest("seq")
        assert entry.action == JournalAction.RIGHTS_ACCESS
        assert (entry.details["appointments"], entry.details["registrations"]) == (0, 0)

    @pytest.mark.parametrize(
        "posted,message",
        [
            ({"kind": "access"}, "Donnez une adresse e-mail ou un numéro de téléphone"),
            ({"kind": "access", "email": AWA, "phone": "0612345678"}, "(un seul)"),
            ({"kind": "access", "email": "awa@"}, "Cette adresse e-mail n&#x27;est pas valide."),
            ({"kind": "erasure", "phone": "12"}, "Ce numéro de téléphone n&#x27;est pas valide"),
        ],
    )
    def test_a_bad_contact_is_refused_keeping_what_was_typed(
        self, client, coordinator, posted, message
    ):
        client.force_login(coordinator)
        response = client.post(self.url(), posted)
        assert response.status_code == 400
        assert message in text(response)
        for value in (posted.get("email"), posted.get("phone")):
            if value:
                assert f'value="{value}"' in text(response)

    def test_erasure_shows_what_then_erases(self, client, coordinator, bookings):
        client.force_login(coordinator)
        preview = client.post(self.url(), {"kind": "erasure", "email": AWA})
        assert preview.status_code == 200
        page = text(preview)
        assert "Permanence CAF" in page and "Premiers pas" in page and "Bob" not in page
        assert "2 réservations à venir seront annulées" in page
        assert Appointment.objects.get(pk=bookings["appointment"].pk).purged_at is None
        viewed = JournalEntry.objects.latest("seq")
        assert (viewed.action, viewed.details["purpose"]) == (
            JournalAction.CONTACT_VIEWED,
            "rights_erasure",
        )
        assert f'action="{self.url("compliance:rights_erase")}"' in page

        done = client.post(self.url("compliance:rights_erase"), {"email": AWA, "phone": ""})
        assert done.status_code == 302 and done["Location"] == self.url()
        after = client.get(done["Location"])
        assert "Données effacées : 1 rendez-vous et 1 inscription à un atelier." in text(after)
        assert Appointment.objects.get(pk=bookings["appointment"].pk).purged_at is not None
        assert Registration.objects.get(pk=bookings["registration"].pk).purged_at is not None
        assert Appointment.objects.get(pk=bookings["next_door"].pk).purged_at is None
        assert Appointment.objects.get(pk=bookings["bob"].pk).purged_at is None
        entry = JournalEntry.objects.latest("seq")
        assert (entry.action, entry.actor_id, entry.details["origin"]) == (
            JournalAction.RIGHTS_ERASURE,
            coordinator.pk,
            "staff_page",
        )
        assert_no_contact_in_urls(preview, done, after)

    def test_erasing_twice_says_nothing_is_left(self, client, coordinator, bookings):
        client.force_login(coordinator)
        client.post(self.url("compliance:rights_erase"), {"email": AWA})
        again = client.post(self.url("compliance:rights_erase"), {"email": AWA}, follow=True)
        assert "Il n&#x27;y avait plus rien à effacer" in text(again)

    def test_the_erasure_door_is_post_only(self, client, coordinator):
        client.force_login(coordinator)
        assert client.get(self.url("compliance:rights_erase")).status_code == 405
        assert client.post(self.url("compliance:rights_erase")).status_code == 400

    def test_the_register_and_its_pdf(self, client, coordinator):
        client.force_login(coordinator)
        page = client.get(self.url("compliance:register"))
        assert page.status_code == 200
        assert "Registre des activités de traitement" in text(page)
        assert f'href="{self.url("compliance:register_pdf")}"' in text(page)
        pdf = client.get(self.url("compliance:register_pdf"))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
