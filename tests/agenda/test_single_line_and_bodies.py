"""Bad input found by a held-out probe: a line break in a title (which broke the .ics
and every e-mail about it), and API bodies that are not JSON (a NUL slipped through
as text/plain)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.messages import MessageKind, compose
from aiguillage.agenda.models import Appointment, Permanence
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.directory.models import Partnership
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import UpcomingPermanenceFactory, WorkshopFactory
from tests.agenda.test_staff_permanences import form_data
from tests.core.factories import SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db


def test_a_title_typed_over_two_lines_is_saved_on_one(client):
    membership = MembershipFactory(coordinator=True)
    site = SiteFactory(network=membership.network)
    structure = StructureFactory()
    Partnership.objects.create(network=membership.network, structure=structure, status="active")
    client.force_login(membership.user)
    url = reverse("agenda:permanence_new", args=[membership.network.slug])
    data = form_data(site, structure, title="Permanence\r\ndes  impôts\n", partner_agent="Marc\nO.")
    response = client.post(url, data)
    assert response.status_code == 302, response.text
    permanence = Permanence.objects.get()
    assert (permanence.title, permanence.partner_agent) == ("Permanence des impôts", "Marc O.")
    feed = client.get(reverse("public:permanence_feed", args=[site.network.slug, permanence.pk]))
    assert feed.status_code in (200, 404)  # public only when bookable; never a 500


def test_the_model_refuses_a_line_break_on_every_other_path():
    workshop = WorkshopFactory.build(title="Atelier\nsmartphone")
    with pytest.raises(ValidationError) as refused:
        workshop.full_clean(exclude=["site", "network", "animator"])
    assert "une seule ligne" in str(refused.value)


def test_a_message_about_an_old_title_with_a_line_break_is_still_sent():
    """Rows written before the rule: the subject and the calendar are mended, not lost."""
    permanence = UpcomingPermanenceFactory()
    Permanence.objects.filter(pk=permanence.pk).update(title="Impôts\nà Lodève")
    slot = permanence.slots.order_by("starts_at").first()
    appointment = book_slot(
        slot=slot,
        visitor=Visitor(first_name="Awa", email="awa@exemple.fr"),
        need=None,
        channel="desk",
        now=slot.starts_at.replace(year=slot.starts_at.year - 1),
    )
    message = compose(MessageKind.APPOINTMENT_BOOKED, Appointment.objects.get(pk=appointment.pk))
    assert "\n" not in message.subject and "Impôts à Lodève" in message.subject
    assert b"SUMMARY:Imp" in message.ics and b"SUMMARY:Imp\xc3\xb4ts\n" not in message.ics


class TestApiBodies:
    def test_a_body_that_is_not_json_is_415_and_nothing_is_written(self, client):
        permanence = UpcomingPermanenceFactory()
        slot = permanence.slots.order_by("starts_at").last()
        body = json.dumps({"slot": slot.pk, "first_name": "Awa", "email": "awa@exemple.fr"})
        for content_type in ("text/plain", "application/x-www-form-urlencoded"):
            response = client.post("/api/v1/appointments", body, content_type=content_type)
            assert response.status_code == 415
            assert "JSON" in response.json()["detail"]
        assert not Appointment.objects.exists()
        accepted = client.post("/api/v1/appointments", body, content_type="application/json")
        assert accepted.status_code == 201

    def test_a_nul_escaped_in_a_text_plain_body_is_400_not_stored(self, client):
        permanence = UpcomingPermanenceFactory()
        slot = permanence.slots.order_by("starts_at").last()
        body = json.dumps({"slot": slot.pk, "first_name": "\x00Awa", "email": "awa@exemple.fr"})
        assert "\\u0000" in body  # as a JSON writer escapes it
        response = client.post("/api/v1/appointments", body, content_type="text/plain")
        assert response.status_code == 400
        assert not Appointment.objects.exists()

    def test_a_nul_in_a_json_body_is_400(self, client):
        response = client.post(
            "/api/v1/appointments", '{"first_name": "\\u0000"}', content_type="application/json"
        )
        assert response.status_code == 400

    def test_a_nul_in_any_other_body_is_refused_off_the_api_too(self, client):
        network = UpcomingPermanenceFactory().network
        response = client.post(
            reverse("public:home", args=[network.slug]), b"a\x00b", content_type="text/plain"
        )
        assert response.status_code == 400

    def test_the_document_declares_415_on_every_operation_with_a_body(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        with_body = [
            op for ops in schema["paths"].values() for op in ops.values() if "requestBody" in op
        ]
        assert with_body and all("415" in op["responses"] for op in with_body)
