"""The one-time link that proves a contact: sent to it, opened once, within half an hour,
opening the contact's pages for half an hour; journaled, throttled, purged."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.sms import MemoryBackend, fits_one_segment
from aiguillage.compliance import proofs
from aiguillage.compliance.models import ContactProof
from aiguillage.compliance.retention import purge_expired
from aiguillage.privacy.models import JournalAction, JournalEntry
from tests.core.factories import NetworkFactory, SiteFactory
from tests.public.conftest import first_slot, ready_permanence

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PUBLIC_RATE_LIMIT = 1000
    settings.SITE_URL = "https://agenda.example.org"
    settings.SMS_BACKEND = "aiguillage.agenda.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield
    MemoryBackend.outbox.clear()


@pytest.fixture
def permanence():
    network = NetworkFactory(name="Médiathèques du Pic", slug="pic")
    return ready_permanence(site=SiteFactory(network=network), seats_per_slot=5)


def booked(permanence, **contact):
    visitor = Visitor(first_name="Awa", **contact)
    return book_slot(
        slot=first_slot(permanence), visitor=visitor, need=None, channel="online",
        now=timezone.now(),
    )  # fmt: skip


def token_of(booking) -> str:
    from aiguillage.agenda.links import manage_path

    return manage_path(booking).rstrip("/").rsplit("/", 1)[1]


def ask(client, booking, capture):
    with capture(execute=True):
        return client.post(
            reverse("privacy_public:my_data_prove", args=["pic", token_of(booking)]), follow=True
        )


def link_in(text: str) -> str:
    return re.search(r"https://agenda\.example\.org(/v/[A-Za-z0-9_-]+/)", text).group(1)


class TestSending:
    def test_an_email_goes_to_the_bookings_email_and_is_journaled(
        self, client, permanence, django_capture_on_commit_callbacks
    ):
        booking = booked(permanence, email="Awa@Exemple.fr")
        page = ask(client, booking, django_capture_on_commit_callbacks)
        assert "Nous avons envoyé un e-mail à A•••@Exemple.fr" in page.content.decode()
        (message,) = mail.outbox
        assert message.to == ["awa@exemple.fr"]
        assert "30 minutes" in message.body and link_in(message.body)
        proof = ContactProof.objects.get()
        assert (proof.channel, proof.contact_key) == ("email", "awa@exemple.fr")
        assert proof.expires_at == proof.created_at + 30 * MINUTE
        entry = JournalEntry.objects.get(action=JournalAction.CONTACT_PROOF_SENT)
        assert (entry.object_type, entry.object_id) == ("agenda.appointment", str(booking.pk))
        assert entry.details == {"channel": "email", "proof": proof.pk}
        assert "awa" not in str(entry.details).lower()

    def test_a_phone_only_booking_gets_one_short_text_message(
        self, client, permanence, django_capture_on_commit_callbacks
    ):
        permanence.network.name = "Réseau des médiathèques intercommunales du Lodévois et Larzac"
        permanence.network.save()
        booking = booked(permanence, phone="06 12 34 56 78")
        page = ask(client, booking, django_capture_on_commit_callbacks)
        assert "Nous avons envoyé un SMS au •• •• •• •• 78" in page.content.decode()
        ((to, body),) = MemoryBackend.outbox
        assert to == "+33612345678"
        assert fits_one_segment(body), (len(body), body)
        assert link_in(body)

    def test_a_landline_only_booking_is_told_to_ask_the_library(
        self, client, permanence, django_capture_on_commit_callbacks
    ):
        booking = booked(permanence, phone="04 67 12 34 56")
        page = client.get(reverse("privacy_public:my_data", args=["pic", token_of(booking)]))
        assert "demandez à la bibliothèque" in page.content.decode()
        answer = ask(client, booking, django_capture_on_commit_callbacks)
        assert "ni e-mail ni téléphone portable" in answer.content.decode()
        assert not ContactProof.objects.exists() and not MemoryBackend.outbox

    def test_one_link_at_a_time_and_five_a_day_at_most(
        self, client, permanence, django_capture_on_commit_callbacks, time_machine
    ):
        booking = booked(permanence, email="awa@exemple.fr")
        ask(client, booking, django_capture_on_commit_callbacks)
        again = ask(client, booking, django_capture_on_commit_callbacks)
        assert "déjà été envoyé" in again.content.decode()
        assert len(mail.outbox) == 1
        for _ in range(4):
            time_machine.move_to(timezone.now() + 6 * MINUTE, tick=False)
            ask(client, booking, django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 5
        time_machine.move_to(timezone.now() + 6 * MINUTE, tick=False)
        refused = ask(client, booking, django_capture_on_commit_callbacks)
        assert "plusieurs liens aujourd" in refused.content.decode()
        assert len(mail.outbox) == 5


class TestOpening:
    @pytest.fixture
    def sent(self, client, permanence, django_capture_on_commit_callbacks):
        booking = booked(permanence, email="awa@exemple.fr")
        ask(client, booking, django_capture_on_commit_callbacks)
        return link_in(mail.outbox[0].body)

    def test_looking_at_the_link_uses_nothing_pressing_the_button_opens_once(self, client, sent):
        for _ in range(3):  # a mail scanner, a preview, the person
            page = client.get(sent)
            assert page.status_code == 200 and "Ouvrir mes données" in page.content.decode()
        opened = client.post(sent)
        assert opened.status_code == 302
        assert client.get(opened["Location"]).status_code == 200
        assert JournalEntry.objects.latest("seq").action == JournalAction.RIGHTS_ACCESS
        assert JournalEntry.objects.filter(action=JournalAction.CONTACT_PROOF_USED).count() == 1
        spent = client.post(sent)
        assert spent.status_code == 410 and "ne marche plus" in spent.content.decode()
        assert client.get(sent).status_code == 410

    def test_a_link_is_to_open_within_30_minutes(self, client, sent, time_machine):
        time_machine.move_to(timezone.now() + 31 * MINUTE, tick=False)
        assert client.post(sent).status_code == 410

    def test_the_pages_close_after_30_minutes(self, client, sent, time_machine):
        pages = client.post(sent)["Location"]
        time_machine.move_to(timezone.now() + 29 * MINUTE, tick=False)
        assert client.get(pages).status_code == 200
        time_machine.move_to(timezone.now() + 2 * MINUTE, tick=False)
        assert client.get(pages).status_code == 404

    def test_an_unknown_code_or_another_networks_address_is_404(self, client, sent):
        assert client.get("/v/nope/").status_code == 404
        pages = client.post(sent)["Location"]
        NetworkFactory(slug="voisin")
        assert client.get(pages.replace("/p/pic/", "/p/voisin/")).status_code == 404

    def test_erasing_everything_closes_every_proof(self, client, sent):
        pages = client.post(sent)["Location"]
        assert client.post(pages + "effacer/").status_code == 302
        assert client.get(pages).status_code == 404
        assert not ContactProof.objects.filter(closed_at=None).exists()


def test_the_purge_deletes_the_proofs_that_are_over(
    client, permanence, django_capture_on_commit_callbacks, time_machine
):
    booking = booked(permanence, email="awa@exemple.fr")
    ask(client, booking, django_capture_on_commit_callbacks)
    assert purge_expired().contact_proofs == 0  # still to be opened
    time_machine.move_to(timezone.now() + proofs.PROOF_VALID + MINUTE, tick=False)
    assert purge_expired().contact_proofs == 1
    assert not ContactProof.objects.exists()
