"""The partner's day: the list sent the day before and the private link, with times,
first names and démarches only, each sending and opening journaled."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.partner_day import partner_day_token, send_day_lists
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.catalog.models import Need
from aiguillage.directory.models import PartnerContact, Partnership, PartnershipStatus
from aiguillage.privacy.models import JournalAction, JournalEntry
from tests.agenda.factories import UpcomingPermanenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked():
    """A partner permanence tomorrow, its partnership's two contacts, two bookings."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    permanence = UpcomingPermanenceFactory(first_day=tomorrow, partner_agent="Sophie Lambert")
    partnership = Partnership.objects.create(
        network=permanence.network, structure=permanence.structure, status=PartnershipStatus.ACTIVE
    )
    PartnerContact.objects.create(
        partnership=partnership, name="Sophie Lambert", email="sophie@fs.example"
    )
    PartnerContact.objects.create(
        partnership=partnership, name="Accueil", email="accueil@fs.example"
    )
    slots = list(permanence.slots.order_by("starts_at")[:2])
    need = Need.objects.get(slug="demander-rsa")
    for slot, name in zip(slots, ("Alex", "Lou"), strict=True):
        book_slot(
            slot=slot,
            visitor=Visitor(
                first_name=name,
                email=f"{name.lower()}@exemple.fr",
                phone="0612345678",
                accessibility_needs="fauteuil roulant",
            ),
            need=need,
            channel="desk",
            now=timezone.now(),
        )
    return permanence, tomorrow, slots


def test_the_agent_gets_tomorrows_list_with_nothing_but_times_first_names_and_needs(booked):
    permanence, tomorrow, _slots = booked
    assert send_day_lists(day=tomorrow) == 1
    (message,) = mail.outbox
    assert message.to == ["sophie@fs.example"]  # the agent named on the permanence
    assert "vos rendez-vous du" in message.subject
    assert "Alex" in message.body and "Lou" in message.body
    assert Need.objects.get(slug="demander-rsa").name in message.body
    for private in ("alex@exemple.fr", "06 12", "0612345678", "+33612345678", "fauteuil"):
        assert private not in message.body
    assert partner_day_token(permanence) in message.body
    sent = JournalEntry.objects.get(action=JournalAction.PARTNER_DAY_LIST_SENT)
    assert sent.details == {"day": tomorrow.isoformat(), "count": 2, "recipients": 1}
    assert send_day_lists(day=tomorrow + datetime.timedelta(days=1)) == 0  # nobody booked


def test_every_contact_when_the_agent_is_not_one_of_them(booked):
    permanence, tomorrow, _slots = booked
    type(permanence).objects.filter(pk=permanence.pk).update(partner_agent="")
    out = io.StringIO()
    call_command("send_partner_day_lists", date=tomorrow.isoformat(), stdout=out)
    assert out.getvalue() == f"partner day lists: 1 sent for {tomorrow.isoformat()}\n"
    (message,) = mail.outbox
    assert sorted(message.to) == ["accueil@fs.example", "sophie@fs.example"]


def test_the_private_link_shows_the_week_journals_each_opening_and_dies_with_a_new_agent(
    client, booked
):
    permanence, _tomorrow, _slots = booked
    url = reverse(
        "public:partner_day", args=[permanence.network.slug, partner_day_token(permanence)]
    )
    response = client.get(url)
    assert response.status_code == 200
    assert "Alex" in response.text and "Lou" in response.text
    assert "alex@exemple.fr" not in response.text and "fauteuil" not in response.text
    assert "no-store" in response["Cache-Control"]
    viewed = JournalEntry.objects.filter(action=JournalAction.CONTACT_VIEWED).get()
    assert viewed.details == {"via": "partner_day_link", "count": 2}
    assert viewed.actor_id is None
    permanence.partner_agent = "Marc Olivier"
    permanence.save(update_fields=["partner_agent"])
    assert client.get(url).status_code == 404
    other = reverse("public:partner_day", args=["autre-reseau", partner_day_token(permanence)])
    assert client.get(other).status_code == 404
    assert client.get(url[:-3] + "xx/").status_code == 404
