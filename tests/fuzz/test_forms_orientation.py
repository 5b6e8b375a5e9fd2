"""The orientation desk's forms (the desk itself, closing a conversation, booking and
registering from it, the page after), the charter's forms and the slip's query."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from aiguillage.accounts.models import Role
from aiguillage.agenda.models import Appointment, Registration
from aiguillage.catalog.models import Need, Theme
from aiguillage.orientation.engine import TargetKind
from aiguillage.orientation.forms.desk import CONVERSATION_PREFIX
from aiguillage.orientation.models import (
    MAX_DISTANCE_KM_LIMIT,
    MAX_WAIT_DAYS_LIMIT,
    Charter,
    CharterRule,
    Interaction,
    Mode,
    Outcome,
)
from aiguillage.orientation.situation import Autonomy, Lack, Support
from tests.fuzz.conftest import FORMS
from tests.fuzz.forms import last, post_form
from tests.fuzz.harness import Baseline, holds_nul, logged_in
from tests.fuzz.strategies import (
    Field,
    choice_field,
    date_field,
    form_data,
    id_field,
    nasty_text,
    number_field,
    text_field,
)
from tests.fuzz.test_forms_agenda import visitor_fields

pytestmark = pytest.mark.django_db

NEEDS = ("declarer-ses-revenus", "demander-la-prime-d-activite", "creer-une-adresse-e-mail")


def _slug_field(values) -> Field:
    return Field(st.sampled_from(["", *values]), st.one_of(nasty_text(80), st.just("x" * 500)))


def _list_field(values, *, min_size: int = 0) -> Field:
    return Field(
        st.lists(st.sampled_from(list(values)), min_size=min_size, max_size=2, unique=True),
        st.lists(nasty_text(30), min_size=1, max_size=3),
    )


def desk_fields(world, prefix: str = "") -> dict[str, Field]:
    """The desk's form (``prefix`` ``c-``: as carried by an action's hidden fields)."""
    now = int(timezone.now().timestamp())
    fields = {
        "q": text_field(200, blank=True),
        "need": _slug_field(NEEDS),
        "site": Field(
            st.sampled_from(world.site_slugs),
            st.sampled_from([world.other_site_slug, "", "é"]),
        ),
        "autonomy": choice_field(Autonomy.values, blank=True),
        "lacks": _list_field(Lack.values),
        "support": _list_field(Support.values),
        "french_not_mastered": choice_field(["on"], blank=True),
        "first_time": choice_field(["on"], blank=True),
        "deadline": date_field(timezone.localdate(), 30, blank=True),
        "opened": number_field(now - 600, now),
        "modes": _list_field(Mode.values),
    }  # fmt: skip
    return {f"{prefix}{name}": f for name, f in fields.items()}


def test_desk_typed_and_linked(world):
    """The desk answers every typed or linked question (GET, POST, htmx) and writes
    nothing; a desk answer never names the other network."""
    network = world.network
    url = reverse("orientation:desk", args=[network.slug])
    base = Baseline.take(world.other)
    clients = {
        role: logged_in(world.user(role)) for role in (Role.VOLUNTEER, Role.DIGITAL_MEDIATOR)
    }

    @FORMS
    @given(
        role=st.sampled_from(sorted(clients)),
        method=st.sampled_from(["get", "post"]),
        htmx=st.booleans(),
        data=form_data(desk_fields(world)),
    )
    def check(role, method, htmx, data):
        client = clients[role]
        if htmx:
            client.defaults["HTTP_HX_REQUEST"] = "true"
        try:
            response = post_form(client, url, data, base=base, method=method)
        finally:
            client.defaults.pop("HTTP_HX_REQUEST", None)
        assert response.status_code == 200 or (response.status_code == 400 and holds_nul(data))
        assert world.other.name.encode() not in response.content

    check()


def test_desk_close(world):
    network = world.network
    client = logged_in(world.user(Role.LIBRARIAN))
    url = reverse("orientation:desk_close", args=[network.slug])
    structures = world.own["structure"]
    fields = {
        **desk_fields(world, prefix=f"{CONVERSATION_PREFIX}-"),
        "outcome": choice_field(Outcome.values),
        "structure": id_field(structures, [*structures, *world.ids("structure")], blank=True),
        "mandate_reference": text_field(40, blank=True),
    }
    base = Baseline.take(world.other)

    @FORMS
    @given(form_data(fields))
    def check(data):
        before = Interaction.objects.filter(network=network).count()

        def recorded(response):
            interactions = Interaction.objects.filter(network=network)
            assert interactions.count() == before + 1
            made = interactions.latest("pk")
            assert made.outcome == last(data, "outcome")
            assert made.site.network_id == network.pk
            assert made.site.slug == last(data, "c-site")

        post_form(client, url, data, base=base, writes={"orientation.interaction"}, then=recorded)

    check()


def test_desk_book_and_register(world):
    network = world.network
    client = logged_in(world.user(Role.DIGITAL_MEDIATOR))
    conversation = desk_fields(world, prefix=f"{CONVERSATION_PREFIX}-")
    fields = {**conversation, **visitor_fields()}
    slots = world.own["slot"][:2] + world.foreign["slot"][:1]
    workshops = world.own["workshop"][:2] + world.foreign["workshop"][:1]
    base = Baseline.take(world.other)

    @FORMS
    @given(
        target=st.one_of(
            st.tuples(st.just("slot"), st.sampled_from(slots)),
            st.tuples(st.just("workshop"), st.sampled_from(workshops)),
        ),
        data=form_data(fields),
    )
    def check(target, data):
        kind, pk = target
        before = (
            Appointment.objects.filter(slot_id=pk).count()
            if kind == "slot"
            else Registration.objects.filter(workshop_id=pk).count()
        )
        interactions = Interaction.objects.filter(network=network).count()
        if kind == "slot":
            url = reverse("orientation:desk_book", args=[network.slug, pk])
            writes = {"agenda.appointment", "agenda.slot", "orientation.interaction"}
        else:
            url = reverse("orientation:desk_register", args=[network.slug, pk])
            writes = {"agenda.registration", "agenda.workshop", "orientation.interaction"}

        def made(response):
            assert pk in world.own[kind]
            after = (
                Appointment.objects.filter(slot_id=pk).count()
                if kind == "slot"
                else Registration.objects.filter(workshop_id=pk).count()
            )
            assert after == before + 1
            assert Interaction.objects.filter(network=network).count() == interactions + 1
            assert world.other_site_slug not in response.url

        post_form(client, url, data, base=base, writes=writes, then=made)

    check()


def test_desk_done_and_slip(world):
    """The page after a booking and the slip read ids from the query: any query is a
    page, a 400 or a 404, never an error, and never another network's row."""
    network = world.network
    client = logged_in(world.user(Role.VOLUNTEER))
    kinds = [
        TargetKind.STRUCTURE,
        TargetKind.ONLINE_SERVICE,
        TargetKind.PARTNER_SLOT,
        TargetKind.STAFF_SLOT,
        TargetKind.WORKSHOP,
        TargetKind.DESK,
    ]
    ids = [*world.own["slot"][:2], *world.own["workshop"][:2], *world.own["structure"][:2]]
    every = [*ids, *world.foreign["slot"], *world.foreign["workshop"], *world.ids("structure")]
    fields = {
        "kind": choice_field(kinds),
        "id": id_field(ids, every),
        "need": _slug_field(NEEDS),
        "site": _slug_field(world.site_slugs),
        "format": choice_field(["a5", "a4"], blank=True),
        "booked": choice_field(["1"], blank=True),
    }
    base = Baseline.take(world.other)
    pages = [
        reverse("orientation:desk_done", args=[network.slug]),
        reverse("orientation:slip", args=[network.slug]),
    ]

    @FORMS
    @given(url=st.sampled_from(pages), data=form_data(fields))
    def check(url, data):
        response = post_form(client, url, data, base=base, method="get")
        assert world.other.name.encode() not in response.content
        assert b"Voisine" not in response.content  # the other network's visitor

    check()


def test_charter_forms(world):
    network = world.network
    client = logged_in(world.user(Role.COORDINATOR))
    settings_url = reverse("orientation:charter_settings", args=[network.slug])
    modes = list(Mode.values)
    ranks = {
        f"rank_{rank}": Field(st.just(mode), choice_field(modes).nasty)
        for rank, mode in enumerate(modes)
    }
    settings_fields = {
        **ranks,
        "max_distance_km": number_field(1, MAX_DISTANCE_KM_LIMIT),
        "max_wait_days": number_field(0, MAX_WAIT_DAYS_LIMIT),
    }
    base = Baseline.take(world.other)

    @FORMS
    @given(order=st.permutations(modes), data=form_data(settings_fields))
    def settings(order, data):
        for rank, mode in enumerate(order):
            if data.get(f"rank_{rank}") in modes:
                data[f"rank_{rank}"] = mode

        def saved(response):
            charter = Charter.objects.get(network=network)
            # int(): other scripts' digits are numbers to Django's IntegerField too.
            assert charter.max_distance_km == int(last(data, "max_distance_km").strip())
            assert charter.max_wait_days == int(last(data, "max_wait_days").strip())

        post_form(client, settings_url, data, base=base, writes={"orientation.charter"}, then=saved)

    settings()

    rule_url = reverse("orientation:charter_rule_set", args=[network.slug])
    needs = list(Need.objects.active().order_by("pk").values_list("pk", flat=True)[:5])
    themes = list(Theme.objects.order_by("pk").values_list("pk", flat=True)[:5])
    rule_fields = {
        "site": id_field(world.own["site"], world.ids("site"), blank=True),
        "theme": id_field(themes, [*themes, 0, 10**9], blank=True),
        "need": id_field(needs, [*needs, 0, 10**9], blank=True),
        "mode": choice_field(modes),
        "allowed": choice_field(["yes", "no"]),
        "roles": _list_field(Role.values, min_size=1),
        "max_distance_km": number_field(1, MAX_DISTANCE_KM_LIMIT, blank=True),
        "max_wait_days": number_field(0, MAX_WAIT_DAYS_LIMIT, blank=True),
        "volunteers_sensitive": choice_field(["on"], blank=True),
    }

    @FORMS
    @given(form_data(rule_fields))
    def rule(data):
        def saved(response):
            rules = CharterRule.objects.filter(network=network, mode=last(data, "mode"))
            assert rules.exists()
            for one in CharterRule.objects.filter(network=network, site__isnull=False):
                assert one.site.network_id == network.pk

        post_form(client, rule_url, data, base=base, writes={"orientation.charterrule"}, then=saved)

    rule()

    reset_url = reverse("orientation:charter_rule_reset", args=[network.slug])

    @FORMS
    @given(form_data({"rule": id_field(world.own["rule"], world.ids("rule"))}))
    def reset(data):
        before = CharterRule.objects.filter(network=network).count()

        def done(response):
            after = CharterRule.objects.filter(network=network).count()
            assert after in (before, before - 1)

        post_form(client, reset_url, data, base=base, writes={"orientation.charterrule"}, then=done)

    reset()
