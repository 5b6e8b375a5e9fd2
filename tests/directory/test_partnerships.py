"""Partnerships: writes with their exact history, tenancy, and the reads the pages use."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aiguillage.catalog.models import Need
from aiguillage.directory.models import (
    PartnerContact,
    Partnership,
    PartnershipChange,
    PartnershipStatus,
    PriorityNeed,
    ReferralChannel,
)
from aiguillage.directory.partnership_selectors import (
    get_partnership,
    history_of,
    partnerships_of_network,
    priority_needs_of,
)
from aiguillage.directory.services import (
    add_partner_contact,
    create_partnership,
    make_prospect,
    normalise_phone,
    remove_partner_contact,
    set_priority_needs,
    update_partnership,
)
from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory
from tests.directory.factories import StructureFactory
from tests.directory.partner_factories import (
    PartnerContactFactory,
    PartnershipFactory,
    PriorityNeedFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return NetworkFactory()


@pytest.fixture
def coordinator(network):
    return MembershipFactory(network=network, coordinator=True).user


@pytest.fixture
def structure():
    return StructureFactory(name="CAF de l'Hérault")


def need(slug):
    return Need.objects.get(slug=slug)


def entries(partnership):
    return list(PartnershipChange.objects.filter(partnership=partnership).order_by("pk"))


def today():
    return timezone.localdate()


def short(day):
    return day.strftime("%d/%m/%Y")


# ---------------------------------------------------------------- create


def test_create_makes_a_prospect_and_records_who_created_it(network, coordinator, structure):
    partnership = create_partnership(network=network, structure=structure, actor=coordinator)
    assert (partnership.network, partnership.structure) == (network, structure)
    assert partnership.status == PartnershipStatus.PROSPECT
    [entry] = entries(partnership)
    assert entry.changed_by == coordinator
    assert entry.summary == "Partenariat créé (statut : à contacter)"
    assert entry.changes == {"status": [None, "prospect"]}


def test_create_records_every_given_field_as_strings(network, coordinator, structure):
    partnership = create_partnership(
        network=network,
        structure=structure,
        actor=coordinator,
        status=PartnershipStatus.ACTIVE,
        referral_channel=ReferralChannel.ONLINE_FORM,
        agreement_start=datetime.date(2026, 1, 15),
        reference_needs=[need("demander-rsa"), need("demander-prime-activite")],
        notes="Convention signée en janvier.",
    )
    assert set(partnership.reference_needs.values_list("slug", flat=True)) == {
        "demander-rsa",
        "demander-prime-activite",
    }
    [entry] = entries(partnership)
    assert entry.summary == "Partenariat créé (statut : actif)"
    assert entry.changes == {
        "status": [None, "active"],
        "referral_channel": [None, "online_form"],
        "agreement_start": [None, "2026-01-15"],
        "reference_needs": [None, ["demander-prime-activite", "demander-rsa"]],
        "notes": [None, "Convention signée en janvier."],
    }


def test_an_inactive_structure_is_refused(network, coordinator):
    closed = StructureFactory(is_active=False)
    with pytest.raises(ValidationError) as error:
        create_partnership(network=network, structure=closed, actor=coordinator)
    assert error.value.code == "inactive_structure"
    assert "n'est plus active" in error.value.messages[0]
    assert not Partnership.objects.exists()
    assert not PartnershipChange.objects.exists()


@pytest.mark.parametrize("status", PartnershipStatus.values)
def test_a_second_partnership_with_the_same_place_is_refused(
    network, coordinator, structure, status
):
    PartnershipFactory(network=network, structure=structure, status=status)
    with pytest.raises(ValidationError) as error:
        create_partnership(network=network, structure=structure, actor=coordinator)
    assert error.value.code == "duplicate_partnership"
    label = PartnershipStatus(status).label
    assert f"« CAF de l'Hérault » (statut : {label})" in error.value.messages[0]
    assert Partnership.objects.count() == 1


def test_another_network_may_partner_the_same_structure(network, coordinator, structure):
    PartnershipFactory(structure=structure)  # another network
    partnership = create_partnership(network=network, structure=structure, actor=coordinator)
    assert partnership.network == network


def test_a_duplicate_row_is_partnered_through_its_canonical_row(network, coordinator, structure):
    same_place = StructureFactory(duplicate_of=structure, source="dora")
    partnership = create_partnership(network=network, structure=same_place, actor=coordinator)
    assert partnership.structure == structure
    # and the place cannot be partnered a second time through either row
    with pytest.raises(ValidationError, match="déjà un partenariat"):
        create_partnership(network=network, structure=structure, actor=coordinator)


def test_an_old_partnership_on_a_row_later_marked_duplicate_still_counts(
    network, coordinator, structure
):
    same_place = StructureFactory(source="dora")
    PartnershipFactory(network=network, structure=same_place)
    same_place.duplicate_of = structure
    same_place.save()
    with pytest.raises(ValidationError, match="déjà un partenariat"):
        create_partnership(network=network, structure=structure, actor=coordinator)


def test_created_as_ended_gets_today_as_end_date(network, coordinator, structure):
    partnership = create_partnership(
        network=network, structure=structure, actor=coordinator, status=PartnershipStatus.ENDED
    )
    assert partnership.agreement_end == today()


def test_an_actor_from_another_network_cannot_create(network, structure):
    outsider = MembershipFactory(coordinator=True).user
    with pytest.raises(PermissionDenied):
        create_partnership(network=network, structure=structure, actor=outsider)
    assert not Partnership.objects.exists()


def test_an_inactive_membership_cannot_write(network, structure):
    former = MembershipFactory(network=network, coordinator=True, is_active=False).user
    with pytest.raises(PermissionDenied):
        create_partnership(network=network, structure=structure, actor=former)


# ---------------------------------------------------------------- update


@pytest.fixture
def partnership(network, structure):
    return PartnershipFactory(
        network=network, structure=structure, status=PartnershipStatus.PROSPECT
    )


def test_update_records_one_entry_with_old_and_new_values(partnership, coordinator):
    updated = update_partnership(
        partnership=partnership, actor=coordinator, status=PartnershipStatus.ACTIVE
    )
    assert updated.status == PartnershipStatus.ACTIVE
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.ACTIVE
    [entry] = entries(partnership)
    assert entry.changed_by == coordinator
    assert entry.changes == {"status": ["prospect", "active"]}
    assert entry.summary == "Statut : à contacter → actif"


def test_update_of_several_fields_lists_them_in_one_entry(partnership, coordinator):
    update_partnership(
        partnership=partnership,
        actor=coordinator,
        status=PartnershipStatus.PAUSED,
        referral_channel=ReferralChannel.PHONE,
        agreement_start=datetime.date(2026, 3, 1),
        notes="Rappeler en septembre.",
        reference_needs=[need("demander-rsa"), need("acceder-compte-caf")],
    )
    [entry] = entries(partnership)
    assert entry.changes == {
        "status": ["prospect", "paused"],
        "referral_channel": ["", "phone"],
        "agreement_start": [None, "2026-03-01"],
        "reference_needs": [[], ["acceder-compte-caf", "demander-rsa"]],
        "notes": ["", "Rappeler en septembre."],
    }
    assert entry.summary == (
        "Statut : à contacter → en pause ; canal d'orientation : — → téléphone ; "
        "début de la convention : — → 01/03/2026 ; besoins de référence modifiés ; "
        "notes modifiées"
    )
    assert {n.slug for n in partnership.reference_needs.all()} == {
        "acceder-compte-caf",
        "demander-rsa",
    }


def test_an_update_that_changes_nothing_records_nothing(partnership, coordinator):
    partnership.reference_needs.set([need("demander-rsa"), need("acceder-compte-caf")])
    before = partnership.updated_at
    update_partnership(
        partnership=partnership,
        actor=coordinator,
        status=PartnershipStatus.PROSPECT,
        notes="",
        agreement_end=None,
        reference_needs=[need("acceder-compte-caf"), need("demander-rsa")],
    )
    update_partnership(partnership=partnership, actor=coordinator)
    assert entries(partnership) == []
    partnership.refresh_from_db()
    assert partnership.updated_at == before


def test_reference_needs_changes_are_lists_of_slugs(partnership, coordinator):
    partnership.reference_needs.set([need("demander-rsa")])
    update_partnership(
        partnership=partnership,
        actor=coordinator,
        reference_needs=[need("demander-prime-activite"), need("demander-rsa")],
    )
    [entry] = entries(partnership)
    assert entry.changes == {
        "reference_needs": [["demander-rsa"], ["demander-prime-activite", "demander-rsa"]]
    }
    assert entry.summary == "Besoins de référence modifiés"


def test_ending_sets_the_end_date_to_today(partnership, coordinator):
    update_partnership(partnership=partnership, actor=coordinator, status=PartnershipStatus.ENDED)
    partnership.refresh_from_db()
    assert partnership.agreement_end == today()
    [entry] = entries(partnership)
    assert entry.changes == {
        "status": ["prospect", "ended"],
        "agreement_end": [None, today().isoformat()],
    }
    assert entry.summary == (
        f"Statut : à contacter → terminé ; fin de la convention : — → {short(today())}"
    )


def test_ending_from_a_full_form_with_an_empty_end_date_sets_it(partnership, coordinator):
    update_partnership(
        partnership=partnership,
        actor=coordinator,
        status=PartnershipStatus.ENDED,
        referral_channel="",
        agreement_start=None,
        agreement_end=None,
        reference_needs=[],
        notes="",
    )
    partnership.refresh_from_db()
    assert partnership.agreement_end == today()


def test_form_strings_are_read_as_dates(partnership, coordinator):
    update_partnership(partnership=partnership, actor=coordinator, agreement_start="2026-02-01")
    [entry] = entries(partnership)
    assert entry.changes == {"agreement_start": [None, "2026-02-01"]}
    partnership.refresh_from_db()
    assert partnership.agreement_start == datetime.date(2026, 2, 1)


def test_ending_keeps_a_given_or_existing_end_date(partnership, coordinator):
    given = datetime.date(2026, 6, 30)
    update_partnership(
        partnership=partnership,
        actor=coordinator,
        status=PartnershipStatus.ENDED,
        agreement_end=given,
    )
    partnership.refresh_from_db()
    assert partnership.agreement_end == given

    other = PartnershipFactory(
        network=partnership.network, agreement_end=datetime.date(2025, 12, 31)
    )
    update_partnership(partnership=other, actor=coordinator, status=PartnershipStatus.ENDED)
    other.refresh_from_db()
    assert other.agreement_end == datetime.date(2025, 12, 31)


def test_the_end_date_is_set_on_the_transition_only(partnership, coordinator):
    update_partnership(partnership=partnership, actor=coordinator, status=PartnershipStatus.ENDED)
    # the coordinator does not know when it really ended: the date may be cleared
    update_partnership(partnership=partnership, actor=coordinator, agreement_end=None)
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.ENDED
    assert partnership.agreement_end is None
    assert entries(partnership)[-1].changes == {"agreement_end": [today().isoformat(), None]}


def test_ending_an_agreement_that_had_not_started_leaves_no_end_date(partnership, coordinator):
    start = today() + datetime.timedelta(days=30)
    update_partnership(partnership=partnership, actor=coordinator, agreement_start=start)
    update_partnership(partnership=partnership, actor=coordinator, status=PartnershipStatus.ENDED)
    partnership.refresh_from_db()
    assert partnership.agreement_end is None


@pytest.mark.parametrize(
    ("previous", "following"),
    [("ended", "active"), ("active", "prospect"), ("paused", "active"), ("ended", "paused")],
)
def test_any_status_may_follow_any_other(network, coordinator, previous, following):
    partnership = PartnershipFactory(network=network, status=previous)
    update_partnership(partnership=partnership, actor=coordinator, status=following)
    partnership.refresh_from_db()
    assert partnership.status == following


def test_unknown_fields_are_a_programming_error(partnership, coordinator):
    with pytest.raises(TypeError, match="network"):
        update_partnership(partnership=partnership, actor=coordinator, network=NetworkFactory())
    with pytest.raises(TypeError, match="structure"):
        update_partnership(partnership=partnership, actor=coordinator, structure=StructureFactory())


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "bogus"},
        {"referral_channel": "pigeon"},
        {"agreement_start": datetime.date(2026, 5, 1), "agreement_end": datetime.date(2026, 4, 1)},
    ],
)
def test_invalid_values_are_refused_and_nothing_is_written(partnership, coordinator, fields):
    with pytest.raises(ValidationError):
        update_partnership(partnership=partnership, actor=coordinator, **fields)
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.PROSPECT
    assert partnership.referral_channel == ""
    assert partnership.agreement_start is None
    assert entries(partnership) == []


def test_another_networks_member_cannot_update(partnership):
    outsider = MembershipFactory(coordinator=True).user
    with pytest.raises(PermissionDenied):
        update_partnership(partnership=partnership, actor=outsider, notes="pris !")
    partnership.refresh_from_db()
    assert partnership.notes == ""
    assert entries(partnership) == []


def test_a_command_may_write_without_a_person(partnership):
    update_partnership(partnership=partnership, actor=None, notes="Import de l'ancien tableur.")
    [entry] = entries(partnership)
    assert entry.changed_by is None


def test_a_long_summary_is_clipped_to_the_column(partnership, coordinator):
    from aiguillage.directory import services

    long = {"status": ["prospect", "x" * 300]}
    assert len(services._clip(services._summary(long))) == services.SUMMARY_MAX_LENGTH


# ---------------------------------------------------------------- make_prospect


def test_make_prospect_creates_a_prospect(network, coordinator, structure):
    partnership = make_prospect(network=network, structure=structure, actor=coordinator)
    assert partnership.status == PartnershipStatus.PROSPECT
    assert entries(partnership)[0].summary == "Partenariat créé (statut : à contacter)"


def test_make_prospect_reopens_an_ended_partnership_with_its_history(
    network, coordinator, structure
):
    ended = PartnershipFactory(
        network=network,
        structure=structure,
        status=PartnershipStatus.ENDED,
        agreement_end=datetime.date(2025, 6, 30),
    )
    reopened = make_prospect(network=network, structure=structure, actor=coordinator)
    assert reopened.pk == ended.pk
    assert reopened.status == PartnershipStatus.PROSPECT
    [entry] = entries(ended)
    assert entry.changes == {"status": ["ended", "prospect"]}


def test_make_prospect_does_not_reopen_with_a_closed_structure(network, coordinator):
    closed = StructureFactory(is_active=False)
    ended = PartnershipFactory(network=network, structure=closed, status=PartnershipStatus.ENDED)
    with pytest.raises(ValidationError) as error:
        make_prospect(network=network, structure=closed, actor=coordinator)
    assert error.value.code == "inactive_structure"
    ended.refresh_from_db()
    assert ended.status == PartnershipStatus.ENDED


def test_make_prospect_refuses_a_current_partner(network, coordinator, partnership):
    with pytest.raises(ValidationError, match="déjà un partenariat"):
        make_prospect(network=network, structure=partnership.structure, actor=coordinator)


# ---------------------------------------------------------------- contacts


def test_add_contact_stores_the_phone_in_e164_and_records_it(partnership, coordinator):
    contact = add_partner_contact(
        partnership=partnership,
        actor=coordinator,
        name=" Marie Dupont ",
        job_title="conseillère",
        email="marie.dupont@caf.example",
        phone="04 67 12 34 56",
    )
    assert (contact.name, contact.phone) == ("Marie Dupont", "+33467123456")
    [entry] = entries(partnership)
    assert entry.summary == "Contact ajouté : Marie Dupont"
    assert entry.changes == {
        "contacts": [[], ["Marie Dupont (conseillère), marie.dupont@caf.example, +33467123456"]]
    }


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("04 67 12 34 56", "+33467123456"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("0262 12 34 56", "+262262123456"),  # La Réunion
        ("0590 12 34 56", "+590590123456"),  # Guadeloupe
        ("+32 2 511 11 11", "+3225111111"),  # across the border, written with its code
        ("", ""),
    ],
)
def test_phone_numbers_are_normalised(raw, e164):
    assert normalise_phone(raw) == e164


@pytest.mark.parametrize("raw", ["12", "3949", "04 67 12 34", "+33 1 23 45 67 89 0", "abc"])
def test_impossible_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationError, match="n'est pas un numéro de téléphone valide"):
        normalise_phone(raw)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "Marie", "phone": "12"}, "phone"),
        ({"name": "Marie", "email": "marie@"}, "email"),
        ({"name": "  "}, "name"),
    ],
)
def test_an_invalid_contact_is_refused_field_by_field(partnership, coordinator, fields, field):
    with pytest.raises(ValidationError) as error:
        add_partner_contact(partnership=partnership, actor=coordinator, **fields)
    assert field in error.value.message_dict
    assert not PartnerContact.objects.exists()
    assert entries(partnership) == []


def test_remove_contact_records_the_list_before_and_after(partnership, coordinator):
    kept = PartnerContactFactory(partnership=partnership, name="Ali Ben", email="", phone="")
    gone = PartnerContactFactory(
        partnership=partnership, name="Zoé Roux", job_title="", email="z@caf.example", phone=""
    )
    remove_partner_contact(contact=gone, actor=coordinator)
    assert list(partnership.contacts.all()) == [kept]
    [entry] = entries(partnership)
    assert entry.summary == "Contact retiré : Zoé Roux"
    assert entry.changes == {
        "contacts": [
            ["Ali Ben (Chargée de partenariats)", "Zoé Roux, z@caf.example"],
            ["Ali Ben (Chargée de partenariats)"],
        ]
    }


def test_another_networks_member_cannot_touch_contacts(partnership):
    outsider = MembershipFactory(coordinator=True).user
    contact = PartnerContactFactory(partnership=partnership)
    with pytest.raises(PermissionDenied):
        add_partner_contact(partnership=partnership, actor=outsider, name="Intrus")
    with pytest.raises(PermissionDenied):
        remove_partner_contact(contact=contact, actor=outsider)
    assert list(partnership.contacts.all()) == [contact]


def test_set_priority_needs_makes_the_list_exactly_the_given_one(network, coordinator):
    other = PriorityNeedFactory(need=need("demander-rsa"))  # another network's
    PriorityNeedFactory(network=network, need=need("demander-rsa"))
    PriorityNeedFactory(network=network, need=need("creer-compte-ameli"))
    result = set_priority_needs(
        network=network,
        needs=[need("creer-compte-ameli"), need("demander-prime-activite")],
        actor=coordinator,
    )
    assert {n.slug for n in result} == {"creer-compte-ameli", "demander-prime-activite"}
    assert {n.slug for n in priority_needs_of(network=network)} == {
        "creer-compte-ameli",
        "demander-prime-activite",
    }
    assert PriorityNeed.objects.filter(pk=other.pk).exists()
    set_priority_needs(network=network, needs=[], actor=coordinator)
    assert not priority_needs_of(network=network).exists()
    assert PriorityNeed.objects.filter(pk=other.pk).exists()


def test_an_outsider_cannot_set_priority_needs(network):
    outsider = MembershipFactory(coordinator=True).user
    with pytest.raises(PermissionDenied):
        set_priority_needs(network=network, needs=[need("demander-rsa")], actor=outsider)
    assert not PriorityNeed.objects.exists()


# ---------------------------------------------------------------- reads


def test_a_network_never_reads_another_networks_partnership(network, partnership):
    foreign = PartnershipFactory()
    assert list(partnerships_of_network(network=network)) == [partnership]
    assert get_partnership(network=network, pk=partnership.pk) == partnership
    with pytest.raises(Partnership.DoesNotExist):
        get_partnership(network=network, pk=foreign.pk)
    with pytest.raises(Partnership.DoesNotExist):
        get_partnership(network=foreign.network, pk=partnership.pk)


def test_partnerships_are_listed_by_structure_name_and_filtered_by_status(network):
    b = PartnershipFactory(network=network, structure=StructureFactory(name="B"))
    a = PartnershipFactory(
        network=network, structure=StructureFactory(name="A"), status=PartnershipStatus.ENDED
    )
    assert list(partnerships_of_network(network=network)) == [a, b]
    assert list(partnerships_of_network(network=network, status="ended")) == [a]
    assert list(partnerships_of_network(network=network, status="active")) == [b]


def read_everything(network):
    return [
        (
            p.structure.name,
            [n.name for n in p.reference_needs.all()],
            [n.theme.name for n in p.reference_needs.all()],
            [c.name for c in p.contacts.all()],
        )
        for p in partnerships_of_network(network=network)
    ]


def test_listing_partnerships_takes_a_fixed_number_of_queries(
    network, django_assert_max_num_queries
):
    for index in range(8):
        partnership = PartnershipFactory(
            network=network, reference_needs=[need("demander-rsa"), need("creer-compte-ameli")]
        )
        PartnerContactFactory(partnership=partnership, name=f"Contact {index}")
        PartnerContactFactory(partnership=partnership, name=f"Autre {index}")
    # partnerships with structures, reference needs with themes, contacts
    with django_assert_max_num_queries(3):
        rows = read_everything(network)
    assert len(rows) == 8
    assert all(len(row[1]) == 2 and len(row[3]) == 2 for row in rows)


def test_history_is_newest_first_with_its_author(partnership, coordinator):
    update_partnership(partnership=partnership, actor=coordinator, notes="un")
    update_partnership(partnership=partnership, actor=coordinator, notes="deux")
    history = list(history_of(partnership=partnership))
    assert [entry.changes["notes"] for entry in history] == [["un", "deux"], ["", "un"]]
    assert history[0].changed_by == coordinator
