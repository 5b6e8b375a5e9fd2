"""Nobody reads or erases another person's bookings by knowing their e-mail or phone.

The attack (issue 14, 0b): Mallory knows Rose's e-mail. Rose has booked a CAF
appointment and a workshop. Mallory books any free slot with Rose's e-mail, through
the JSON API or the portal, and so receives a manage link (the API's answer, the
portal's redirect). Before the fix, "Mes données" behind that link showed, exported
and erased every booking made with Rose's e-mail. Now the link reaches its own
booking only; everything else needs the one-time link sent *to* Rose's e-mail, which
Mallory never sees. The suite runs on SQLite and on PostgreSQL, so the attack is
refused on both.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Appointment, AppointmentStatus, Registration
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.workshops import register
from aiguillage.compliance.models import ContactProof
from tests.agenda.factories import WorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.public.conftest import in_days, ready_permanence

pytestmark = pytest.mark.django_db

ROSE = "rose.martin@exemple.fr"
ROSE_PHONE = "06 11 22 33 44"
SECRETS = ("Rose", "11 22 33 44", "+33611223344", "Fauteuil roulant", "Atelier tablette")


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PUBLIC_RATE_LIMIT = 1000
    settings.SITE_URL = "https://agenda.example.org"


@pytest.fixture
def world():
    network = NetworkFactory(name="Médiathèques du Pic", slug="pic")
    site = SiteFactory(network=network, name="Médiathèque Émile-Zola", slug="zola")
    caf = ready_permanence(site=site, title="Permanence CAF", seats_per_slot=2)
    workshop = WorkshopFactory(site=site, title="Atelier tablette", starts_at=in_days(10))
    rose = Visitor(
        first_name="Rose", email=ROSE, phone=ROSE_PHONE, accessibility_needs="Fauteuil roulant"
    )
    slots = list(caf.slots.order_by("starts_at"))
    now = timezone.now()
    return {
        "network": network,
        "permanence": caf,
        "free_slot": slots[5],
        "rose_appointment": book_slot(
            slot=slots[3], visitor=rose, need=None, channel="online", now=now
        ),
        "rose_registration": register(workshop=workshop, visitor=rose, channel="online", now=now),
    }


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def mallory_books_through_the_api(client, world) -> str:
    response = client.post(
        "/api/v1/appointments",
        json.dumps({"slot": world["free_slot"].pk, "first_name": "M", "email": ROSE}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["manage_token"]


def mallory_books_through_the_portal(client, world) -> str:
    response = client.post(
        f"/p/pic/creneaux/{world['free_slot'].pk}/reserver/", {"first_name": "M", "email": ROSE}
    )
    assert response.status_code == 302, response.content.decode()
    return token_of(response["Location"])


def my_data(name: str, token: str) -> str:
    return reverse(f"privacy_public:{name}", args=["pic", token])


def assert_rose_untouched(world) -> None:
    appointment = Appointment.objects.get(pk=world["rose_appointment"].pk)
    registration = Registration.objects.get(pk=world["rose_registration"].pk)
    assert appointment.status == AppointmentStatus.BOOKED and appointment.purged_at is None
    assert (appointment.first_name, appointment.phone) == ("Rose", "+33611223344")
    assert registration.purged_at is None and registration.first_name == "Rose"


@pytest.mark.parametrize("books", [mallory_books_through_the_api, mallory_books_through_the_portal])
def test_a_manage_link_got_by_booking_with_someone_elses_email_shows_nothing_of_theirs(
    client, world, books, django_capture_on_commit_callbacks
):
    token = books(client, world)

    page = client.get(my_data("my_data", token))
    assert page.status_code == 200
    body = page.content.decode()
    for secret in SECRETS:
        assert secret not in body

    export = json.loads(client.get(my_data("my_data_export", token)).content)
    assert export["counts"] == {"appointments": 1, "registrations": 0}
    assert [row["first_name"] for row in export["appointments"]] == ["M"]
    assert all(secret not in json.dumps(export) for secret in SECRETS)

    # The manage page and the API's cancel reach the booking made, nothing else.
    assert "Rose" not in client.get(reverse("public:manage", args=["pic", token])).content.decode()
    assert client.delete(f"/api/v1/bookings/{token}").status_code == 204
    assert_rose_untouched(world)

    # Erasing through that link erases Mallory's booking only.
    erased = client.post(my_data("my_data_erase", token))
    assert erased.status_code == 302
    assert_rose_untouched(world)

    # Asking for everything sends the one-time link to Rose's mailbox: Mallory's
    # answer carries no link, no code; Rose is told someone asked.
    token = books(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(my_data("my_data_prove", token), follow=True)
    proof = ContactProof.objects.get()
    body = asked.content.decode()
    assert proof.code not in body and "/v/" not in body
    (message,) = [m for m in mail.outbox if "usage unique" in m.subject]
    assert message.to == [ROSE]
    assert proof.code in message.body

    # Guessing at the contact's pages is 404, whatever grant Mallory makes up.
    for grant in ("", "x", token, proof.code):
        if grant:
            assert client.get(my_data("all_data", grant)).status_code == 404
            assert client.post(my_data("all_data_erase", grant)).status_code == 404
    assert_rose_untouched(world)


def test_the_one_time_link_sent_to_rose_shows_her_everything(
    client, world, django_capture_on_commit_callbacks
):
    """The counterpart: the owner of the e-mail, with the link she received, sees all
    (her own bookings and the one made in her name), and may erase it all."""
    token = mallory_books_through_the_api(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(my_data("my_data_prove", token))
    link = re.search(r"https://agenda\.example\.org(/v/[^\s]+/)", mail.outbox[-1].body).group(1)
    opened = client.post(link)
    assert opened.status_code == 302
    page = client.get(opened["Location"]).content.decode()
    for held in ("Rose", "+33611223344", "Fauteuil roulant", "Atelier tablette", "Permanence CAF"):
        assert held in page
    client.post(opened["Location"] + "effacer/")
    assert not Appointment.objects.filter(email=ROSE).exists()
    assert not Registration.objects.filter(email=ROSE).exists()
