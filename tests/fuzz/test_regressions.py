"""The failing examples the fuzzing found, kept as plain tests (docs/fuzzing.md lists
them). Each one was a server error (500) or a bad row stored before its fix."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from aiguillage.accounts.models import Role
from aiguillage.agenda.models import Appointment
from aiguillage.catalog.models import Need
from aiguillage.directory.models import Partnership, PriorityNeed
from aiguillage.orientation.models import Interaction
from tests.fuzz.harness import logged_in

pytestmark = pytest.mark.django_db

# "²" and "³" are digits to str.isdigit() but not to int(): every view that checked an
# id with isdigit() and then called int() answered 500.
SUPERSCRIPT = "²"


def _cases(world) -> dict[str, tuple]:
    """label -> (role, or None for the public; method; url; data)."""
    slug = world.network.slug
    workshop = world.own["workshop"][0]
    permanence = world.own["permanence"][0]
    slot = world.own["slot"][0]
    conversation = {"c-site": world.site_slugs[0], "outcome": "oriented"}
    return {
        "charter rule reset": (Role.COORDINATOR, "post",
            reverse("orientation:charter_rule_reset", args=[slug]), {"rule": SUPERSCRIPT}),
        "charter page": (Role.COORDINATOR, "get",
            reverse("orientation:charter", args=[slug]), {"regle": SUPERSCRIPT}),
        "desk close": (Role.LIBRARIAN, "post", reverse("orientation:desk_close", args=[slug]),
            {**conversation, "structure": SUPERSCRIPT}),
        "desk done": (Role.LIBRARIAN, "get", reverse("orientation:desk_done", args=[slug]),
            {"kind": "workshop", "id": SUPERSCRIPT}),
        "staff slip": (Role.LIBRARIAN, "get", reverse("orientation:slip", args=[slug]),
            {"kind": "structure", "id": SUPERSCRIPT}),
        "attendance sheet": (Role.LIBRARIAN, "get",
            reverse("agenda:workshop_sheet", args=[slug, workshop]), {"seance": SUPERSCRIPT}),
        "permanence edit": (Role.COORDINATOR, "post",
            reverse("agenda:permanence_edit", args=[slug, permanence]),
            {"cancel_moved": SUPERSCRIPT}),
        "partner prospect": (Role.COORDINATOR, "post",
            reverse("directory:partner_prospect", args=[slug]), {"structure": SUPERSCRIPT}),
        "territory remove": (Role.COORDINATOR, "post",
            reverse("directory:territory_remove", args=[slug]), {"commune_id": SUPERSCRIPT}),
        "public booking": (None, "get", reverse("public:book", args=[slug, slot]),
            {"demarche": SUPERSCRIPT}),
        "public slip": (None, "get", reverse("public:orientation_slip", args=[slug]),
            {"kind": "structure", "id": SUPERSCRIPT}),
        "public week": (None, "get", reverse("public:permanence", args=[slug, permanence]),
            {"semaine": SUPERSCRIPT}),
    }  # fmt: skip


CASES = (
    "charter rule reset", "charter page", "desk close", "desk done", "staff slip",
    "attendance sheet", "permanence edit", "partner prospect", "territory remove",
    "public booking", "public slip", "public week",
)  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_superscript_digits_are_not_ids(world, case):
    role, method, url, data = _cases(world)[case]
    client = logged_in(world.user(role) if role else None)
    response = getattr(client, method)(url, data)
    assert response.status_code < 500


@pytest.mark.parametrize(
    "name,field",
    [
        ("reporting:partner_finder", "needs"),
        ("directory:partner_edit", "reference_needs"),
        ("agenda:permanence_new", "needs"),
    ],
)
def test_ids_past_64_bits_in_a_multiple_choice(world, name, field):
    """SQLite cannot bind an integer past 64 bits: a multiple choice of needs holding
    one was a server error (OverflowError) when the form asked the database for them."""
    network = world.network
    args = [network.slug]
    if name == "directory:partner_edit":
        args.append(world.own["partnership"][0])
    client = logged_in(world.user(Role.COORDINATOR))
    need = Need.objects.active().order_by("pk").first()
    before = (PriorityNeed.objects.count(), Partnership.objects.count())
    response = client.post(reverse(name, args=args), {field: [str(need.pk), str(2**63)]})
    assert response.status_code == 200  # the form again, with the error on the field
    assert field in response.context["form"].errors
    assert (PriorityNeed.objects.count(), Partnership.objects.count()) == before


# A NUL character read straight from a query string and looked up answered 500 on
# PostgreSQL ("PostgreSQL text fields cannot contain NUL (0x00) bytes"); SQLite stored
# it. RefuseNulBytesMiddleware now refuses such a request (400) on both.
NUL = "a\x00b"
NUL_READS = {
    "staff slip need": ("librarian", "orientation:slip", {"kind": "online_service", "need": NUL}),
    "staff slip site": ("librarian", "orientation:slip", {"kind": "online_service", "site": NUL}),
    # Found in the middleware itself: a QueryDict's items() gives each key's last value.
    "not the last value": ("librarian", "orientation:slip",
                           {"kind": "online_service", "need": [NUL, "x"]}),
    "public slip need": (None, "public:orientation_slip", {"kind": "online_service", "need": NUL}),
    "public slip commune": (None, "public:orientation_slip",
                            {"kind": "online_service", "commune": NUL}),
    "api orientation need": (None, "/api/v1/orientation", {"need": NUL, "site": "lodeve"}),
    "api orientation site": (None, "/api/v1/orientation", {"query": "impots", "site": NUL}),
    "api orientation commune": (None, "/api/v1/orientation", {"query": "caf", "commune": NUL}),
    "api structures commune": (None, "/api/v1/structures", {"commune": NUL}),
    "api slots network": (None, "/api/v1/slots", {"network": NUL}),
    "api workshops site": (None, "/api/v1/workshops", {"site": NUL}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(NUL_READS))
def test_a_nul_character_is_refused_before_any_lookup(world, case):
    role, name, params = NUL_READS[case]
    url = name if name.startswith("/") else reverse(name, args=[world.network.slug])
    response = logged_in(world.user(role) if role else None).get(url, params)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["errors"] == {"__all__": [response.json()["detail"]]}


def test_a_nul_character_in_a_json_body_is_refused(world):
    """``"\\u0000"`` in a booking's first name would have been stored on SQLite."""
    slot = world.own["slot"][0]
    body = json.dumps({"slot": slot, "first_name": "Cam\x00ille", "email": "c@example.org"})
    assert "\\u0000" in body
    client = logged_in(None)
    before = Appointment.objects.count()
    response = client.post("/api/v1/appointments", body, content_type="application/json")
    assert response.status_code == 400
    assert Appointment.objects.count() == before


def test_a_nul_character_in_a_posted_field_is_refused(world):
    client = logged_in(world.user(Role.LIBRARIAN))
    url = reverse("orientation:desk_close", args=[world.network.slug])
    data = {"c-site": world.site_slugs[0], "outcome": "oriented", "mandate_reference": NUL}
    before = Interaction.objects.count()
    assert client.post(url, data).status_code == 400
    assert Interaction.objects.count() == before
