"""Every text message the app sends fits one GSM-7 segment (160 characters), with a
working short link, whatever the length of the network's, the place's and the
permanence's names: an old phone shows it whole, and it costs one message."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.links import manage_path
from aiguillage.agenda.messages import MessageKind, compose
from aiguillage.agenda.models import Channel
from aiguillage.agenda.services.appointments import book_slot, move_appointment
from aiguillage.agenda.services.permanences import materialise
from aiguillage.agenda.services.workshops import register
from aiguillage.agenda.sms import GSM7_BASIC, GSM7_EXTENSION, fits_one_segment, gsm7, gsm7_length
from tests.agenda.factories import PermanenceFactory, WorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory

pytestmark = pytest.mark.django_db

LONG_NETWORK = "Réseau des médiathèques intercommunales du Lodévois, du Larzac et des Causses"
LONG_SITE = "Médiathèque intercommunale Léon-Cordes et son espace public numérique"
LONG_TITLE = "Permanence de la Maison France services itinérante de la Mutualité sociale agricole"
PHONE_ONLY = Visitor(first_name="Fatoumata-Bintou", phone="06 12 34 56 78")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://mediatheques-lodevois-larzac.example.fr"


@pytest.fixture
def site():
    return SiteFactory(network=NetworkFactory(name=LONG_NETWORK), name=LONG_SITE)


def appointment_in(site):
    permanence = PermanenceFactory(
        site=site, title=LONG_TITLE, rrule="FREQ=DAILY", starts_on=timezone.localdate()
    )
    materialise(permanence=permanence, today=timezone.localdate(), window_days=10)
    slots = list(permanence.slots.order_by("starts_at"))
    now = timezone.now()
    appointment = book_slot(
        slot=slots[-2], visitor=PHONE_ONLY, need=None, channel=Channel.ONLINE, now=now
    )
    return appointment, slots[-1]


def assert_one_segment(text: str) -> None:
    assert fits_one_segment(text), (gsm7_length(text), text)
    assert "·" not in text


@pytest.mark.parametrize(
    "kind", sorted(MessageKind.FOR_APPOINTMENTS - {MessageKind.APPOINTMENT_MOVED})
)
def test_every_appointment_message(site, kind):
    appointment, _later = appointment_in(site)
    message = compose(kind, appointment)
    assert_one_segment(message.sms)


def test_a_moved_appointment_and_its_short_link(site, client):
    appointment, later = appointment_in(site)
    moved = move_appointment(
        appointment=appointment, slot=later, channel=Channel.ONLINE, now=timezone.now()
    )
    message = compose(MessageKind.APPOINTMENT_MOVED, moved, previous=appointment)
    assert_one_segment(message.sms)
    link = re.search(r"https://[^ ]+(/g/\S+/)", message.sms).group(1)
    assert Client().get(link)["Location"] == manage_path(moved)
    assert client.get("/g/a1.not-its-key0/").status_code == 404


@pytest.mark.parametrize("kind", sorted(MessageKind.FOR_REGISTRATIONS))
@pytest.mark.parametrize("waitlisted", [False, True])
def test_every_registration_message(site, kind, waitlisted):
    workshop = WorkshopFactory(
        site=site,
        title="Premiers pas avec un smartphone Android et les applications de l'administration",
        capacity=1,
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    if waitlisted:
        first = Visitor(first_name="Ana", email="ana@example.org")
        register(workshop=workshop, visitor=first, channel=Channel.ONLINE, now=timezone.now())
    registration = register(
        workshop=workshop, visitor=PHONE_ONLY, channel=Channel.ONLINE, now=timezone.now()
    )
    assert_one_segment(compose(kind, registration).sms)


def test_gsm7_writes_french_as_a_text_would():
    assert gsm7("Réunion à 9 h · fête « ça »") == 'Réunion à 9 h - fete " ca "'
    odd = "ÂÊÎÔÛâêîôûçœŒ\u2019…\u2014"
    assert all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in gsm7(odd))
    assert gsm7_length("un € de plus") == len("un € de plus") + 1  # an extension character
