"""The privacy pages' forms: the retention settings, the rights requests (access,
erasure and its confirmation), the journal's filter, and the visitor's own data page
reached through a manage link."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from aiguillage.accounts.models import Role
from aiguillage.agenda.models import Appointment, Registration
from aiguillage.compliance.journal_forms import JournalFilterForm
from aiguillage.compliance.models import PrivacySettings
from aiguillage.compliance.models.settings import RETENTION_BOUNDS
from aiguillage.compliance.rights_forms import ACCESS, ERASURE
from tests.fuzz.conftest import FORMS
from tests.fuzz.forms import last, post_form
from tests.fuzz.harness import Baseline, holds_nul, logged_in
from tests.fuzz.strategies import (
    Field,
    choice_field,
    date_field,
    form_data,
    nasty_text,
    number_field,
    text_field,
)

pytestmark = pytest.mark.django_db

BOOKING_TABLES = {"agenda.appointment", "agenda.slot", "agenda.registration", "agenda.workshop"}


def _contacts(world) -> list[str]:
    """E-mails of visitors of the demo network, and the other network's visitor."""
    own = list(
        Appointment.objects.filter(network=world.network).values_list("email", flat=True)[:2]
    ) + list(Registration.objects.filter(network=world.network).values_list("email", flat=True)[:2])
    return [e for e in own if e] + ["voisine@example.org", "personne@example.org"]


def test_retention_settings(world):
    network = world.network
    client = logged_in(world.user(Role.COORDINATOR))
    url = reverse("compliance:retention", args=[network.slug])
    fields = {
        name: number_field(bounds.minimum, bounds.maximum)
        for name, bounds in RETENTION_BOUNDS.items()
    }
    fields |= {
        "controller_name": text_field(150),
        "dpo_name": text_field(150, blank=True),
        "dpo_email": Field(st.sampled_from(["", "dpo@cc-lodevois.example.fr"]), nasty_text(80)),
        "dpo_address": text_field(200, blank=True),
    }
    base = Baseline.take(world.other)

    @FORMS
    @given(form_data(fields))
    def check(data):
        def saved(response):
            stored = PrivacySettings.objects.get(network=network)
            for name in RETENTION_BOUNDS:  # int(): "١٢" is 12 to Django's IntegerField
                assert getattr(stored, name) == int(str(last(data, name)).strip())
                bounds = RETENTION_BOUNDS[name]
                assert bounds.minimum <= getattr(stored, name) <= bounds.maximum

        writes = {"compliance.privacysettings"}
        post_form(client, url, data, base=base, writes=writes, then=saved)

    check()


def test_rights_requests(world):
    """Access and erasure by e-mail or phone: the demo's coordinator never reaches the
    other network's visitor (voisine@example.org has bookings there only)."""
    network = world.network
    client = logged_in(world.user(Role.COORDINATOR))
    contact = {
        "email": Field(st.sampled_from(["", *_contacts(world)]), nasty_text(80)),
        "phone": Field(st.sampled_from(["", "06 12 34 56 78"]), nasty_text(40)),
    }
    request_url = reverse("compliance:rights", args=[network.slug])
    erase_url = reverse("compliance:rights_erase", args=[network.slug])
    base = Baseline.take(world.other)

    @FORMS
    @given(
        erase=st.booleans(),
        data=form_data({**contact, "kind": choice_field([ACCESS, ERASURE])}),
    )
    def check(erase, data):
        url = erase_url if erase else request_url
        email = str(last(data, "email")).strip().replace("\x00", "")  # PostgreSQL: no NUL
        held = {
            model: set(
                model.objects.filter(network=network, email__iexact=email).values_list(
                    "pk", flat=True
                )
            )
            for model in (Appointment, Registration)
        }

        def erased(response):
            assert erase
            for model, pks in held.items():  # every booking of that contact, anonymised
                assert not model.objects.filter(pk__in=pks, purged_at__isnull=True).exists()

        post_form(client, url, data, base=base, writes=BOOKING_TABLES, then=erased)

    check()


def test_journal_filter(world):
    network = world.network
    client = logged_in(world.user(Role.COORDINATOR))
    url = reverse("compliance:journal", args=[network.slug])
    actions = [value for value, _ in JournalFilterForm.base_fields["action"].choices if value]
    today = timezone.localdate()
    fields = {
        "action": choice_field(actions, blank=True),
        "since": date_field(today - timezone.timedelta(days=30), 30, blank=True),
        "until": date_field(today, 30, blank=True),
    }
    base = Baseline.take(world.other)

    @FORMS
    @given(form_data(fields))
    def check(data):
        response = post_form(client, url, data, base=base, method="get")
        assert world.other.name.encode() not in response.content

    check()


def test_my_data_pages(world):
    """The visitor's own data through a manage link: ours, the other network's (404),
    or forged; erasing writes only that visitor's bookings."""
    network = world.network
    client = logged_in(None)
    tokens = [*world.tokens.values(), "x", "a" * 300]
    pages = ("my_data", "my_data_export", "my_data_erase")
    base = Baseline.take(world.other)

    @FORMS
    @given(
        name=st.sampled_from(pages),
        token=st.sampled_from(tokens),
        method=st.sampled_from(["get", "post"]),
        data=form_data({"confirm": choice_field(["1", "on"], blank=True)}),
    )
    def check(name, token, method, data):
        url = reverse(f"privacy_public:{name}", args=[network.slug, token])
        response = post_form(client, url, data, base=base, method=method, writes=BOOKING_TABLES)
        own = token in (world.tokens["appointment"], world.tokens["registration"])
        if holds_nul(data):
            assert response.status_code == 400
        elif not own:  # 405: a page read only, posted (the method is checked first)
            assert response.status_code in (404, 405)
        assert b"Voisine" not in response.content

    check()
