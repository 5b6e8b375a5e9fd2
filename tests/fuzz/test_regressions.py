"""The failing examples the fuzzing found, kept as plain tests (docs/fuzzing.md lists
them). Each one was a server error (500) or a bad row stored before its fix."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.accounts.models import Role
from aiguillage.catalog.models import Need
from aiguillage.directory.models import Partnership, PriorityNeed
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
        ("directory:partner_finder", "needs"),
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
