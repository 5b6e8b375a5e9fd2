"""A workshop can say what to bring: on its public page and in every message about it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.messages import MessageKind, compose
from aiguillage.agenda.services.workshops import register
from tests.agenda.factories import UpcomingWorkshopFactory

pytestmark = pytest.mark.django_db


def test_the_public_page_and_the_confirmation_say_what_to_bring(client):
    workshop = UpcomingWorkshopFactory(what_to_bring="Votre téléphone, chargé")
    page = client.get(reverse("public:workshop", args=[workshop.network.slug, workshop.pk]))
    assert "À apporter :</strong> Votre téléphone, chargé" in page.text
    registration = register(
        workshop=workshop,
        visitor=Visitor(first_name="Awa", email="awa@exemple.fr"),
        channel="online",
        now=timezone.now(),
    )
    message = compose(MessageKind.REGISTRATION_MADE, registration)
    assert "À apporter : Votre téléphone, chargé" in message.body


def test_nothing_is_said_when_there_is_nothing_to_bring(client):
    workshop = UpcomingWorkshopFactory()
    page = client.get(reverse("public:workshop", args=[workshop.network.slug, workshop.pk]))
    assert "À apporter" not in page.text
