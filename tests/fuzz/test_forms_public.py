"""The public portal's forms, without an account: registering for a workshop, booking
a slot, managing a booking through its link, « Où aller pour ma démarche ? » and its
slip; and the staff login form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.http import urlencode
from hypothesis import given
from hypothesis import strategies as st

from aiguillage.agenda.models import Appointment, Registration
from aiguillage.catalog.models import Need
from aiguillage.demo.data import DEMO_PASSWORD as PASSWORD
from aiguillage.orientation.engine import TargetKind
from aiguillage.orientation.models import Interaction
from aiguillage.orientation.situation import Autonomy, Lack, Support
from tests.fuzz.conftest import FORMS
from tests.fuzz.forms import post_form
from tests.fuzz.harness import Baseline, logged_in
from tests.fuzz.strategies import (
    Field,
    choice_field,
    form_data,
    id_field,
    nasty_text,
    number_field,
)
from tests.fuzz.test_forms_agenda import visitor_fields

pytestmark = pytest.mark.django_db

NEEDS = ("declarer-ses-revenus", "demander-la-prime-d-activite", "creer-une-adresse-e-mail")
TOKEN_GARBAGE = (
    "x",
    "eyJ0IjoiYSIsImlkIjoxLCJrIjoieCJ9:1abc:def",
    ".eJyrVipJLS5RsjLUUcrMS8tXslIqzs9NVaoFAE5-Brs:1:x",
    "%00",
    "a" * 2000,
)


def _situation_fields() -> dict[str, Field]:
    return {
        "aisance": choice_field(Autonomy.values, blank=True),
        "manque": Field(
            st.lists(st.sampled_from([Lack.EMAIL, Lack.DEVICE]), max_size=2, unique=True),
            st.lists(nasty_text(30), min_size=1, max_size=2),
        ),
        "accueil": Field(
            st.lists(st.sampled_from(list(Support.values)), max_size=2, unique=True),
            st.lists(nasty_text(30), min_size=1, max_size=2),
        ),
        "francais": choice_field(["on", "1"], blank=True),
        "premiere_fois": choice_field(["on", "1"], blank=True),
    }


def test_public_registration_and_booking(world):
    network = world.network
    client = logged_in(None)
    workshops = world.own["workshop"][:3] + world.foreign["workshop"][:1]
    slots = world.own["slot"][:3] + world.foreign["slot"][:1]
    needs = list(Need.objects.active().order_by("pk").values_list("pk", flat=True)[:6])
    booking = {**visitor_fields(), "need": id_field(needs, [*needs, 0, 10**20], blank=True)}
    base = Baseline.take(world.other)

    @FORMS
    @given(
        target=st.one_of(
            st.tuples(st.just("workshop"), st.sampled_from(workshops)),
            st.tuples(st.just("slot"), st.sampled_from(slots)),
        ),
        data=form_data(booking),
        demarche=st.one_of(st.just(""), number_field(0, 200).valid, number_field(0, 1).nasty),
    )
    def check(target, data, demarche):
        kind, pk = target
        if kind == "workshop":
            url = reverse("public:workshop", args=[network.slug, pk])
            writes = {"agenda.registration", "agenda.workshop"}
            count = Registration.objects.filter(workshop_id=pk).count
        else:
            url = reverse("public:book", args=[network.slug, pk])
            url += f"?demarche={demarche}" if demarche else ""
            writes = {"agenda.appointment", "agenda.slot"}
            count = Appointment.objects.filter(slot_id=pk).count
        before = count()

        def made(response):
            assert pk in world.own[kind]
            assert count() == before + 1
            assert f"/p/{network.slug}/gerer/" in response.url

        post_form(client, url, data, base=base, writes=writes, then=made)

    check()


def test_manage_links(world):
    """A manage link: ours, the other network's (a 404 here), or garbage."""
    network = world.network
    client = logged_in(None)
    tokens = [*world.tokens.values(), *TOKEN_GARBAGE]
    base = Baseline.take(world.other)
    pages = ("manage", "manage_cancel", "manage_move", "manage_calendar")

    @FORMS
    @given(
        name=st.sampled_from(pages),
        token=st.one_of(st.sampled_from(tokens), nasty_text(100)).filter(
            lambda t: t and "/" not in t
        ),
        method=st.sampled_from(["get", "post"]),
        data=form_data({"slot": id_field(world.own["slot"], world.ids("slot"))}),
        week=number_field(-5, 60).nasty,
    )
    def check(name, token, method, data, week):
        url = reverse(f"public:{name}", args=[network.slug, token])
        if week:
            url += "?" + urlencode({"semaine": week})
        own = token in (world.tokens["appointment"], world.tokens["registration"])
        response = post_form(
            client,
            url,
            data,
            base=base,
            method=method,
            writes={"agenda.appointment", "agenda.slot", "agenda.registration", "agenda.workshop"},
        )
        if not own:  # 400: a token holding a NUL character, refused before any lookup
            assert response.status_code in (400, 404)
        assert b"Voisine" not in response.content

    check()


def test_public_orientation(world):
    network = world.network
    client = logged_in(None)
    url = reverse("public:orientation", args=[network.slug])
    search = {
        "demarche": Field(
            st.sampled_from(["impôts", "caf rsa", "carte grise", "zzzz", ""]), nasty_text(250)
        ),
        "lieu": Field(st.sampled_from(["Lodève", "34700", "Le Caylar", "nulle part", ""]),
                      nasty_text(200)),
        "besoin": Field(st.sampled_from(["", *NEEDS]), nasty_text(100)),
        "commune": Field(st.sampled_from(["", *world.commune_codes]), nasty_text(10)),
        **_situation_fields(),
    }  # fmt: skip
    results = {
        "besoin": Field(st.sampled_from(NEEDS), nasty_text(100)),
        "commune": Field(st.sampled_from(world.commune_codes), nasty_text(10)),
        **_situation_fields(),
    }
    base = Baseline.take(world.other)

    @FORMS
    @given(
        posted=st.booleans(),
        search=form_data(search),
        results=form_data(results),
    )
    def check(posted, search, results):
        before = set(Interaction.objects.values_list("pk", flat=True))

        def searched(response):
            assert response.url.startswith(url)

        response = post_form(
            client,
            url,
            search if posted else results,
            base=base,
            method="post" if posted else "get",
            then=searched,
            answer_writes={"orientation.interaction"},
        )
        assert response.status_code in (200, 303, 400)
        assert world.other.name.encode() not in response.content
        new = Interaction.objects.exclude(pk__in=before)
        assert all(i.network_id == network.pk for i in new)

    check()

    slip = reverse("public:orientation_slip", args=[network.slug])
    kinds = [
        TargetKind.STRUCTURE,
        TargetKind.ONLINE_SERVICE,
        TargetKind.PARTNER_SLOT,
        TargetKind.WORKSHOP,
        TargetKind.STAFF_SLOT,
    ]
    ids = [*world.own["slot"][:2], *world.own["workshop"][:2], *world.own["structure"][:2]]
    every = [*ids, *world.foreign["slot"], *world.foreign["workshop"], *world.ids("structure")]
    slip_fields = {
        "kind": choice_field(kinds),
        "id": id_field(ids, every),
        "need": Field(st.sampled_from(["", *NEEDS]), nasty_text(80)),
        "commune": Field(st.sampled_from(["", *world.commune_codes]), nasty_text(10)),
        "format": choice_field(["a5", "a4"], blank=True),
    }

    @FORMS
    @given(form_data(slip_fields))
    def slips(data):
        response = post_form(client, slip, data, base=base, method="get")
        assert world.other.name.encode() not in response.content

    slips()


def test_login_form(world):
    """The login form: any e-mail and password is a page again (or a lockout page),
    never an error; only the right pair logs in."""
    user = world.user("librarian")
    url = reverse("accounts:login")
    fields = {
        "username": Field(st.sampled_from([user.email, user.email.upper(), "x@example.org"]),
                          nasty_text(300)),
        "password": Field(st.sampled_from([PASSWORD, "", "mauvais"]), nasty_text(300)),
    }  # fmt: skip
    base = Baseline.take(world.other)

    @FORMS
    @given(form_data(fields))
    def check(data):
        client = logged_in(None)

        def logged(response):
            assert data.get("password") == PASSWORD
            assert str(data.get("username", "")).lower() == user.email.lower()

        post_form(client, url, data, base=base, writes={"accounts.user"}, then=logged)

    check()


def test_account_security_forms(world):
    """The password reset (anyone), the two-factor enrolment and verification codes,
    the password change and the removal confirmation (a member): any text is a page
    again, never an error, and a refused form writes nothing."""
    user = world.user("coordinator")
    code = Field(st.sampled_from(["123456", "000000", ""]), nasty_text(50))
    password = Field(st.sampled_from([PASSWORD, "mauvais"]), nasty_text(300))
    pages = {
        "password_reset": ({"email": Field(st.sampled_from([user.email, "x@example.org"]),
                                          nasty_text(300))}, None),
        "two_factor_enrol": ({"code": code}, user),
        "two_factor_verify": ({"code": code}, user),
        "two_factor_remove": ({"password": password}, user),
        "password_change": ({"old_password": password, "new_password1": password,
                             "new_password2": password}, user),
    }  # fmt: skip
    base = Baseline.take(world.other)

    @FORMS
    @given(page=st.sampled_from(sorted(pages)), data=st.data())
    def check(page, data):
        fields, member = pages[page]
        client = logged_in(member)
        posted = data.draw(form_data(fields), label="form")
        writes = {"accounts.user"}  # a password changed
        post_form(client, reverse(f"accounts:{page}"), posted, base=base, writes=writes)

    check()
