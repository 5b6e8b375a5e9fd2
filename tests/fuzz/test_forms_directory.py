"""The directory's forms: a structure's correction, partnerships and their contacts,
priority needs, prospects, the territory, and the search (a GET form)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from aiguillage.accounts.models import Role
from aiguillage.catalog.models import Need
from aiguillage.directory.forms import RADIUS_CHOICES
from aiguillage.directory.models import (
    PartnerContact,
    Partnership,
    PartnershipStatus,
    PriorityNeed,
    ReferralChannel,
    ServedCommune,
    Structure,
)
from aiguillage.directory.vocabularies import LIEUX_FEES, LIEUX_PUBLICS, LIEUX_SERVICES
from tests.fuzz.conftest import FORMS
from tests.fuzz.forms import last, post_form
from tests.fuzz.harness import Baseline, logged_in
from tests.fuzz.strategies import (
    Field,
    choice_field,
    date_field,
    form_data,
    id_field,
    ids_field,
    nasty_number,
    nasty_text,
    number_field,
    text_field,
)

pytestmark = pytest.mark.django_db

POSTCODE = re.compile(r"[0-9]{5}", re.ASCII)
INSEE = re.compile(r"(?:[013-9][0-9]|2[AB1-9])[0-9]{3}", re.ASCII)

PARTNERSHIP_TABLES = {
    "directory.partnership",
    "directory.partnership_reference_needs",
    "directory.partnershipchange",
}


def _need_ids() -> list[int]:
    return list(Need.objects.active().order_by("pk").values_list("pk", flat=True)[:8])


def _float_field(low: float, high: float) -> Field:
    return Field(
        st.floats(low, high, allow_nan=False).map(lambda x: f"{x:.5f}"),
        st.one_of(nasty_number(), st.floats().map(repr)),
    )


def _url_field() -> Field:
    return Field(
        st.sampled_from(["", "https://www.caf.fr", "mediatheque.example.org/rdv"]),
        st.sampled_from(
            ["javascript:alert(1)", "http://", "https://exa mple.org", "ftp://x.org", "//x"]
        ),
    )


def test_structure_edit(world):
    network = world.network
    client = logged_in(world.user(Role.LIBRARIAN))
    structure = Structure.objects.filter(source="demo").order_by("pk").first()
    url = reverse("directory:structure_edit", args=[network.slug, structure.pk])
    fields = {
        "name": text_field(250),
        "typology": text_field(100, blank=True),
        "address": text_field(250),
        "address_complement": text_field(250, blank=True),
        "postcode": Field(st.from_regex(r"\A[0-9]{5}\Z"), number_field(0, 99999).nasty),
        "commune_name": text_field(150),
        "commune_insee": Field(st.sampled_from(["34142", "2A004", ""]), nasty_text(10)),
        "latitude": _float_field(41, 51),
        "longitude": _float_field(-5, 9),
        "phone": Field(st.sampled_from(["", "04 67 88 86 00"]), nasty_text(40)),
        "email": Field(st.sampled_from(["", "accueil@caf.example.org"]), nasty_text(60)),
        "website": _url_field(),
        "opening_hours": Field(
            st.sampled_from(["", "Mo-Fr 09:00-12:00", "Tu,Th 14:00-17:00; PH off"]),
            nasty_text(300),
        ),
        "booking_url": _url_field(),
        "accessibility_url": _url_field(),
        "description": text_field(500, blank=True),
        "lieux_services": Field(
            st.lists(st.sampled_from(LIEUX_SERVICES), max_size=3, unique=True),
            st.lists(nasty_text(40), min_size=1, max_size=2),
        ),
        "publics": Field(st.lists(st.sampled_from(LIEUX_PUBLICS), max_size=2, unique=True)),
        "fees": Field(st.lists(st.sampled_from(LIEUX_FEES), max_size=1)),
        "covered_needs": ids_field(_need_ids(), [*_need_ids(), 0, 10**12]),
    }
    base = Baseline.take(world.other)
    found = {  # the structure as it is, with codes in Arabic-Indic digits (5 Unicode digits)
        "name": structure.name,
        "address": structure.address,
        "postcode": "\u0663\u0664\u0667\u0660\u0660",
        "commune_name": structure.commune_name,
        "commune_insee": "34142",
    }

    @FORMS
    @example(found)
    @example({**found, "postcode": "34700", "commune_insee": "34\u0661\u0664\u0662"})
    @given(form_data(fields))
    def check(data):
        def saved(response):
            structure.refresh_from_db()
            assert structure.name == last(data, "name").strip()
            assert structure.postcode == last(data, "postcode").strip()
            assert POSTCODE.fullmatch(structure.postcode)
            assert not structure.commune_insee or INSEE.fullmatch(structure.commune_insee)

        writes = {"directory.structure", "directory.structure_covered_needs"}
        post_form(client, url, data, base=base, writes=writes, then=saved)

    check()


def test_partnership_edit_and_contacts(world):
    network = world.network
    client = logged_in(world.user(Role.COORDINATOR))
    partnerships = world.own["partnership"][:2] + world.foreign["partnership"][:1]
    today = timezone.localdate()
    fields = {
        "status": choice_field(PartnershipStatus.values),
        "referral_channel": choice_field(ReferralChannel.values, blank=True),
        "agreement_start": date_field(today - timezone.timedelta(days=400), 300, blank=True),
        "agreement_end": date_field(today, 400, blank=True),
        "reference_needs": ids_field(_need_ids(), [*_need_ids(), 0]),
        "notes": text_field(1000, blank=True),
    }
    base = Baseline.take(world.other)

    @FORMS
    @given(partnership_id=st.sampled_from(partnerships), data=form_data(fields))
    def edit(partnership_id, data):
        url = reverse("directory:partner_edit", args=[network.slug, partnership_id])

        def saved(response):
            partnership = Partnership.objects.get(pk=partnership_id)
            assert partnership.network_id == network.pk
            assert partnership.status == last(data, "status")

        post_form(client, url, data, base=base, writes=PARTNERSHIP_TABLES, then=saved)

    edit()

    contact = {
        "name": text_field(150),
        "job_title": text_field(150, blank=True),
        "email": Field(st.sampled_from(["", "agent@caf.example.org"]), nasty_text(80)),
        "phone": Field(st.sampled_from(["", "04 67 00 00 00"]), nasty_text(40)),
    }

    @FORMS
    @given(partnership_id=st.sampled_from(partnerships), data=form_data(contact))
    def add_contact(partnership_id, data):
        url = reverse("directory:partner_contact_add", args=[network.slug, partnership_id])
        before = PartnerContact.objects.filter(partnership_id=partnership_id).count()

        def added(response):
            contacts = PartnerContact.objects.filter(partnership_id=partnership_id)
            assert partnership_id in world.own["partnership"]
            assert contacts.count() == before + 1
            assert contacts.latest("pk").name == last(data, "name").strip()

        writes = PARTNERSHIP_TABLES | {"directory.partnercontact"}
        post_form(client, url, data, base=base, writes=writes, then=added)

    add_contact()

    pairs = [
        (p, c) for p in partnerships for c in world.own["contact"][:2] + world.foreign["contact"]
    ]

    @FORMS
    @given(pair=st.sampled_from(pairs))
    def remove_contact(pair):
        partnership_id, contact_id = pair
        url = reverse(
            "directory:partner_contact_remove", args=[network.slug, partnership_id, contact_id]
        )

        def removed(response):
            assert contact_id in world.own["contact"]
            assert not PartnerContact.objects.filter(pk=contact_id).exists()

        writes = PARTNERSHIP_TABLES | {"directory.partnercontact"}
        post_form(client, url, {}, base=base, writes=writes, then=removed)

    remove_contact()


def test_priorities_prospects_and_territory(world):
    network = world.network
    client = logged_in(world.user(Role.COORDINATOR))
    base = Baseline.take(world.other)
    finder = reverse("reporting:partner_finder", args=[network.slug])

    @FORMS
    @given(form_data({"needs": ids_field(_need_ids(), [*_need_ids(), -1, 2**63])}))
    def priorities(data):
        def saved(response):
            chosen = {str(v).strip() for v in data.get("needs", [])}
            stored = PriorityNeed.objects.filter(network=network).values_list("need_id", flat=True)
            assert {str(pk) for pk in stored} == chosen

        post_form(client, finder, data, base=base, writes={"directory.priorityneed"}, then=saved)

    priorities()

    prospect = reverse("directory:partner_prospect", args=[network.slug])
    structures = list(Structure.objects.order_by("pk").values_list("pk", flat=True))

    @FORMS
    @given(form_data({"structure": id_field(structures, [*structures, *world.ids("partnership")])}))
    def prospects(data):
        before = Partnership.objects.filter(network=network).count()

        def made(response):
            after = Partnership.objects.filter(network=network).count()
            assert after in (before, before + 1)  # a refusal is a message and a redirect

        post_form(client, prospect, data, base=base, writes=PARTNERSHIP_TABLES, then=made)

    prospects()

    add = reverse("directory:territory_add", args=[network.slug])
    remove = reverse("directory:territory_remove", args=[network.slug])
    communes = Field(st.sampled_from(["Lodève", "34700", "34142", "Le Caylar"]), nasty_text(200))

    fields = {
        "commune": communes,
        "commune_id": id_field(world.own["commune"], world.ids("commune")),
    }

    @FORMS
    @given(adding=st.booleans(), data=form_data(fields))
    def territory(adding, data):
        before = ServedCommune.objects.filter(network=network).count()

        def done(response):
            after = ServedCommune.objects.filter(network=network).count()
            assert after - before in ((0, 1) if adding else (0, -1))

        url = add if adding else remove
        post_form(client, url, data, base=base, writes={"directory.servedcommune"}, then=done)

    territory()


def test_directory_search(world):
    """A GET form: whatever the query, no error and no write."""
    network = world.network
    client = logged_in(world.user(Role.VOLUNTEER))
    url = reverse("directory:search", args=[network.slug])
    fields = {
        "need": id_field(_need_ids(), [*_need_ids(), 0], blank=True),
        "site": id_field(world.own["site"], world.ids("site"), blank=True),
        "commune": Field(st.sampled_from(["", "Lodève", "34700", "lod"]), nasty_text(200)),
        "radius_km": choice_field([r for r, _ in RADIUS_CHOICES], blank=True),
        "open_now": choice_field(["on"], blank=True),
    }
    base = Baseline.take(world.other)

    @FORMS
    @given(form_data(fields))
    def check(data):
        response = post_form(client, url, data, base=base, method="get")
        assert world.other.name.encode() not in response.content

    check()


def test_ids_out_of_range_in_urls(world):
    """Ids in the path: past the 64-bit limit, of the other network, of nothing."""
    network = world.network
    client = logged_in(world.user(Role.COORDINATOR))
    base = Baseline.take(world.other)
    names = ("directory:structure_detail", "directory:partner_detail", "directory:partner_edit")

    @FORMS
    @given(name=st.sampled_from(names), pk=st.sampled_from(world.ids("partnership")))
    def check(name, pk):
        url = reverse(name, args=[network.slug, 1]).replace("/1/", f"/{pk}/", 1)
        response = post_form(client, url, {}, base=base, method="get")
        assert world.other.name.encode() not in response.content

    check()
