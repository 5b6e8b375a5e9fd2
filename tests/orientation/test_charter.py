"""The charter: defaults, overrides and their precedence, and the rules no override lifts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from aiguillage.accounts.models import HabilitationKind, Role
from aiguillage.accounts.services import grant_habilitation
from aiguillage.catalog.models import Need, Theme
from aiguillage.orientation import services
from aiguillage.orientation.charter import DEFAULT_ROLES, decide
from aiguillage.orientation.models import ROLE_FIELDS, CharterRule, Mode
from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.orientation.factories import CharterRuleFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 4, 15)


def need(slug: str) -> Need:
    return Need.objects.select_related("theme").get(slug=slug)


@pytest.fixture
def taxes():
    return need("declarer-ses-revenus")  # argent-impots, financial


@pytest.fixture
def computer():
    return need("apprendre-bases-ordinateur")  # numerique, no sensitive data


@pytest.fixture
def network():
    return NetworkFactory()


@pytest.fixture
def coordinator(network):
    return MembershipFactory(network=network, coordinator=True).user


def by_mode(decisions):
    return {d.mode: d for d in decisions}


def habilitated(network, *theme_slugs, **membership):
    member = MembershipFactory(network=network, **(membership or {"mediator": True}))
    grant_habilitation(
        membership=member,
        kind=HabilitationKind.AIDANTS_CONNECT,
        valid_from=TODAY - datetime.timedelta(days=100),
        valid_until=TODAY + datetime.timedelta(days=10),
        reference="AC-1",
        themes=Theme.objects.filter(slug__in=theme_slugs),
    )
    return member


def test_role_columns_cover_every_role():
    assert set(ROLE_FIELDS) == set(Role.values)


# Defaults ------------------------------------------------------------------------------


def test_a_new_network_has_the_default_charter_without_any_row(network, computer):
    decisions = decide(network=network, need=computer, day=TODAY)
    assert [d.mode for d in decisions] == [
        "orient", "partner_on_site", "train", "accompany", "act_for"
    ]  # fmt: skip
    assert not CharterRule.objects.exists()
    modes = by_mode(decisions)
    assert all(d.source == "default" for d in decisions)
    for mode in ("orient", "partner_on_site", "train", "accompany"):
        assert modes[mode].allowed, mode
        assert modes[mode].reasons[0] == "Autorisé par la charte par défaut."
    assert modes["orient"].roles == frozenset(Role.values)
    assert Role.VOLUNTEER in modes["accompany"].roles
    assert Role.PARTNER_AGENT not in modes["accompany"].roles
    # Nobody holds Aidants Connect in a new network.
    assert not modes["act_for"].allowed
    assert modes["act_for"].needs_mandate
    assert (
        "Aucune personne habilitée Aidants Connect pour le thème Numérique aujourd'hui."
        in modes["act_for"].reasons
    )
    assert Role.VOLUNTEER not in DEFAULT_ROLES[Mode.ACT_FOR]


def test_the_conditions_are_carried_on_accompany_and_act_for_only(network, computer):
    modes = by_mode(decide(network=network, need=computer, day=TODAY))
    for mode in ("accompany", "act_for"):
        assert (modes[mode].conditions.max_distance_km, modes[mode].conditions.max_wait_days) == (
            15,
            10,
        )
    for mode in ("orient", "partner_on_site", "train"):
        assert modes[mode].conditions is None
    assert modes["accompany"].reasons[-1] == (
        "Seulement si aucun service compétent n'est à moins de 15 km de la commune de la "
        "personne, ou si aucun ne peut la recevoir sous 10 jours."
    )


def test_the_charter_sets_the_order_and_the_default_conditions(network, coordinator, computer):
    services.set_charter(
        network=network,
        mode_order=["accompany", "orient", "train", "partner_on_site", "act_for"],
        max_distance_km=30,
        max_wait_days=5,
        actor=coordinator,
    )
    decisions = decide(network=network, need=computer, day=TODAY)
    assert [d.mode for d in decisions] == [
        "accompany", "orient", "train", "partner_on_site", "act_for"
    ]  # fmt: skip
    conditions = decisions[0].conditions
    assert (conditions.max_distance_km, conditions.max_wait_days) == (30, 5)


def test_a_rule_condition_overrides_the_charter_default(network, coordinator, computer):
    services.set_rule(
        network=network,
        mode=Mode.ACCOMPANY,
        allowed=True,
        roles=[Role.LIBRARIAN],
        theme=computer.theme,
        max_distance_km=40,
        max_wait_days=0,
        actor=coordinator,
    )
    conditions = by_mode(decide(network=network, need=computer, day=TODAY))["accompany"].conditions
    assert (conditions.max_distance_km, conditions.max_wait_days) == (40, 0)


# Precedence ----------------------------------------------------------------------------


LEVELS = ["network", "site", "theme", "site+theme", "need", "site+need"]


def scope(level, site, need_):
    return {
        "site": site if "site" in level else None,
        "theme": need_.theme if "theme" in level else None,
        "need": need_ if "need" in level else None,
    }


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_overrides_the_default(level, network, coordinator, computer):
    site = SiteFactory(network=network)
    services.set_rule(
        network=network, mode=Mode.TRAIN, allowed=False, roles=[], actor=coordinator,
        **scope(level, site, computer),
    )  # fmt: skip
    train = by_mode(decide(network=network, need=computer, site=site, day=TODAY))["train"]
    assert (train.allowed, train.source) == (False, level)
    # Elsewhere (another site, another need) the default still applies, except for the
    # levels that cover them.
    other_site = SiteFactory(network=network)
    other = by_mode(decide(network=network, need=computer, site=other_site, day=TODAY))["train"]
    assert other.allowed == ("site" in level)


@pytest.mark.parametrize("position", range(len(LEVELS)))
def test_the_most_specific_rule_wins(position, network, coordinator, computer):
    """Rules at every level up to ``position``, alternating allowed/refused: the last wins."""
    site = SiteFactory(network=network)
    for index, level in enumerate(LEVELS[: position + 1]):
        allowed = index % 2 == 1
        services.set_rule(
            network=network, mode=Mode.ORIENT, allowed=allowed,
            roles=[Role.LIBRARIAN] if allowed else [], actor=coordinator,
            **scope(level, site, computer),
        )  # fmt: skip
    orient = by_mode(decide(network=network, need=computer, site=site, day=TODAY))["orient"]
    assert orient.source == LEVELS[position]
    assert orient.allowed == (position % 2 == 1)


def test_a_theme_rule_does_not_apply_to_another_theme(network, coordinator, computer, taxes):
    services.set_rule(
        network=network, mode=Mode.ORIENT, allowed=False, roles=[], theme=taxes.theme,
        actor=coordinator,
    )  # fmt: skip
    assert not by_mode(decide(network=network, need=taxes, day=TODAY))["orient"].allowed
    assert by_mode(decide(network=network, need=computer, day=TODAY))["orient"].allowed


def test_roles_of_a_rule_decide_for_the_member_at_the_desk(network, coordinator, computer):
    services.set_rule(
        network=network, mode=Mode.TRAIN, allowed=True, roles=[Role.DIGITAL_MEDIATOR],
        actor=coordinator,
    )  # fmt: skip
    librarian = MembershipFactory(network=network)
    mediator = MembershipFactory(network=network, mediator=True)
    train = by_mode(decide(network=network, need=computer, membership=librarian, day=TODAY))
    assert not train["train"].allowed
    assert "Votre rôle (bibliothécaire) ne le permet pas ici." in train["train"].reasons
    assert by_mode(decide(network=network, need=computer, membership=mediator, day=TODAY))[
        "train"
    ].allowed


def test_reset_brings_back_the_less_specific_rule(network, coordinator, computer):
    site = SiteFactory(network=network)
    services.set_rule(network=network, mode=Mode.ORIENT, allowed=False, roles=[], actor=coordinator)
    services.set_rule(
        network=network, mode=Mode.ORIENT, allowed=True, roles=[Role.LIBRARIAN], site=site,
        actor=coordinator,
    )  # fmt: skip
    assert by_mode(decide(network=network, need=computer, site=site, day=TODAY))["orient"].allowed
    assert services.reset_rule(network=network, mode=Mode.ORIENT, site=site, actor=coordinator)
    orient = by_mode(decide(network=network, need=computer, site=site, day=TODAY))["orient"]
    assert (orient.allowed, orient.source) == (False, "network")
    assert not services.reset_rule(network=network, mode=Mode.ORIENT, site=site, actor=coordinator)


def test_set_rule_replaces_the_rule_of_the_same_scope(network, coordinator, computer):
    services.set_rule(network=network, mode=Mode.ORIENT, allowed=False, roles=[], actor=coordinator)
    services.set_rule(
        network=network, mode=Mode.ORIENT, allowed=True, roles=[Role.VOLUNTEER], actor=coordinator
    )
    rule = CharterRule.objects.get()
    assert rule.allowed and rule.roles == {Role.VOLUNTEER}
    assert rule.updated_by == coordinator


# Act for -------------------------------------------------------------------------------


def test_act_for_for_a_salaried_mediator_habilitated_for_the_theme(network, taxes):
    mediator = habilitated(network, "argent-impots")
    act_for = by_mode(decide(network=network, need=taxes, membership=mediator, day=TODAY))[
        "act_for"
    ]
    assert act_for.allowed
    assert act_for.needs_mandate
    assert (
        "Seulement après avoir enregistré le mandat Aidants Connect de la personne."
        in act_for.reasons
    )
    # Without a member: the library may, since someone habilitated works today.
    assert by_mode(decide(network=network, need=taxes, day=TODAY))["act_for"].allowed


def test_act_for_refused_after_the_habilitation_expired(network, taxes):
    mediator = habilitated(network, "argent-impots")
    later = TODAY + datetime.timedelta(days=11)
    act_for = by_mode(decide(network=network, need=taxes, membership=mediator, day=later))[
        "act_for"
    ]
    assert not act_for.allowed
    assert (
        "Vous n'avez pas d'habilitation Aidants Connect valide pour le thème "
        "Argent - Impôts - Consommation aujourd'hui." in act_for.reasons
    )
    assert not by_mode(decide(network=network, need=taxes, day=later))["act_for"].allowed


def test_act_for_refused_for_another_theme(network, taxes):
    mediator = habilitated(network, "social-sante")
    act_for = by_mode(decide(network=network, need=taxes, membership=mediator, day=TODAY))[
        "act_for"
    ]
    assert not act_for.allowed
    nobody = by_mode(decide(network=network, need=taxes, day=TODAY))["act_for"]
    assert not nobody.allowed
    assert (
        "Aucune personne habilitée Aidants Connect pour le thème "
        "Argent - Impôts - Consommation aujourd'hui." in nobody.reasons
    )


def test_act_for_refused_for_a_non_salaried_member(network, taxes):
    mediator = habilitated(network, "argent-impots")
    # Salaried when habilitated, no longer now (the habilitation row stays).
    mediator.is_salaried = False
    mediator.save()
    act_for = by_mode(decide(network=network, need=taxes, membership=mediator, day=TODAY))[
        "act_for"
    ]
    assert not act_for.allowed
    assert "Seul·e un·e salarié·e peut faire à la place d'une personne." in act_for.reasons


def test_a_habilitation_in_another_network_does_not_count(network, taxes):
    habilitated(NetworkFactory(), "argent-impots")
    assert not by_mode(decide(network=network, need=taxes, day=TODAY))["act_for"].allowed


def test_act_for_refused_when_the_charter_refuses_it(network, coordinator, taxes):
    mediator = habilitated(network, "argent-impots")
    services.set_rule(
        network=network, mode=Mode.ACT_FOR, allowed=False, roles=[], need=taxes, actor=coordinator
    )
    act_for = by_mode(decide(network=network, need=taxes, membership=mediator, day=TODAY))[
        "act_for"
    ]
    assert not act_for.allowed
    assert act_for.source == "need"
    assert act_for.reasons == ["La charte ne le permet pas pour « Déclarer ses revenus »."]


def test_act_for_only_for_the_roles_of_the_rule(network, coordinator, taxes):
    librarian = habilitated(network, "argent-impots", role=Role.LIBRARIAN)
    services.set_rule(
        network=network, mode=Mode.ACT_FOR, allowed=True, roles=[Role.DIGITAL_MEDIATOR],
        actor=coordinator,
    )  # fmt: skip
    assert not by_mode(decide(network=network, need=taxes, membership=librarian, day=TODAY))[
        "act_for"
    ].allowed
    # Nobody of an allowed role is habilitated.
    assert not by_mode(decide(network=network, need=taxes, day=TODAY))["act_for"].allowed


# Volunteers ----------------------------------------------------------------------------


def test_volunteers_never_act_for(network, taxes):
    volunteer = MembershipFactory(network=network, volunteer=True)
    act_for = by_mode(decide(network=network, need=taxes, membership=volunteer, day=TODAY))[
        "act_for"
    ]
    assert not act_for.allowed
    assert "Les bénévoles ne font jamais à la place des personnes." in act_for.reasons


def test_no_override_lets_volunteers_act_for(network, coordinator, taxes):
    with pytest.raises(ValidationError) as error:
        services.set_rule(
            network=network, mode=Mode.ACT_FOR, allowed=True, roles=[Role.VOLUNTEER],
            actor=coordinator,
        )  # fmt: skip
    assert error.value.messages == ["Les bénévoles ne font jamais à la place des personnes."]
    assert not CharterRule.objects.exists()
    # Nor a row written around the service: the database refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        CharterRuleFactory(network=network, mode=Mode.ACT_FOR, role_volunteer=True)


def test_volunteers_do_not_accompany_sensitive_needs_by_default(network, taxes, computer):
    volunteer = MembershipFactory(network=network, volunteer=True)
    accompany = by_mode(decide(network=network, need=taxes, membership=volunteer, day=TODAY))[
        "accompany"
    ]
    assert not accompany.allowed
    assert (
        "Les bénévoles n'accompagnent pas une démarche qui expose des données financières, "
        "sauf si la charte le prévoit." in accompany.reasons
    )
    assert by_mode(decide(network=network, need=computer, membership=volunteer, day=TODAY))[
        "accompany"
    ].allowed
    # The library itself may accompany (salaried staff), volunteers excepted.
    library = by_mode(decide(network=network, need=taxes, day=TODAY))["accompany"]
    assert library.allowed
    assert Role.VOLUNTEER not in library.roles


@pytest.mark.parametrize(
    "slug", ["activer-mon-espace-sante", "porter-plainte", "demander-passeport"]
)
def test_every_sensitive_kind_is_refused_to_volunteers_by_default(network, slug):
    volunteer = MembershipFactory(network=network, volunteer=True)
    accompany = by_mode(decide(network=network, need=need(slug), membership=volunteer, day=TODAY))
    assert not accompany["accompany"].allowed


def test_personal_data_is_not_restricted_for_volunteers(network):
    volunteer = MembershipFactory(network=network, volunteer=True)
    email = need("creer-adresse-email")
    assert email.sensitivity == "personal"
    assert by_mode(decide(network=network, need=email, membership=volunteer, day=TODAY))[
        "accompany"
    ].allowed


def test_a_rule_may_let_volunteers_accompany_sensitive_needs(network, coordinator, taxes):
    volunteer = MembershipFactory(network=network, volunteer=True)
    services.set_rule(
        network=network, mode=Mode.ACCOMPANY, allowed=True,
        roles=[Role.LIBRARIAN, Role.VOLUNTEER], theme=taxes.theme, volunteers_sensitive=True,
        actor=coordinator,
    )  # fmt: skip
    accompany = by_mode(decide(network=network, need=taxes, membership=volunteer, day=TODAY))[
        "accompany"
    ]
    assert accompany.allowed
    assert accompany.source == "theme"
    assert accompany.volunteers_sensitive
    # Another sensitive theme keeps the default.
    health = need("activer-mon-espace-sante")
    assert not by_mode(decide(network=network, need=health, membership=volunteer, day=TODAY))[
        "accompany"
    ].allowed


def test_naming_volunteers_without_the_flag_keeps_the_sensitive_default(
    network, coordinator, taxes
):
    volunteer = MembershipFactory(network=network, volunteer=True)
    services.set_rule(
        network=network, mode=Mode.ACCOMPANY, allowed=True, roles=[Role.VOLUNTEER],
        actor=coordinator,
    )  # fmt: skip
    assert not by_mode(decide(network=network, need=taxes, membership=volunteer, day=TODAY))[
        "accompany"
    ].allowed


# Service validation --------------------------------------------------------------------


def test_set_rule_refuses_a_site_of_another_network(network, coordinator, computer):
    foreign = SiteFactory()
    with pytest.raises(ValidationError) as error:
        services.set_rule(
            network=network, mode=Mode.ORIENT, allowed=False, roles=[], site=foreign,
            actor=coordinator,
        )  # fmt: skip
    assert error.value.messages == ["Ce site n'appartient pas à ce réseau."]


def test_set_rule_refuses_a_theme_and_a_need_together(network, coordinator, computer):
    with pytest.raises(ValidationError) as error:
        services.set_rule(
            network=network, mode=Mode.ORIENT, allowed=False, roles=[], theme=computer.theme,
            need=computer, actor=coordinator,
        )  # fmt: skip
    assert error.value.messages == ["Une règle vise un thème ou un besoin, pas les deux."]
    with pytest.raises(IntegrityError), transaction.atomic():
        CharterRuleFactory(network=network, theme=computer.theme, need=computer)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "help"}, "« help » n'est pas un mode d'intervention."),
        ({"roles": []}, "Choisissez au moins un rôle qui peut utiliser ce mode, ou refusez-le."),
        ({"roles": ["boss"]}, "Rôle inconnu : boss."),
        (
            {"max_distance_km": 10},
            "Les conditions de distance et de délai ne concernent que « accompagner » et "
            "« faire pour ».",
        ),
        (
            {"mode": Mode.ACCOMPANY, "max_distance_km": 0},
            "La distance doit être comprise entre 1 et 200 km.",
        ),
        (
            {"mode": Mode.ACCOMPANY, "max_wait_days": 91},
            "Le délai doit être compris entre 0 et 90 jours.",
        ),
        (
            {"volunteers_sensitive": True},
            "Autoriser les démarches sensibles aux bénévoles suppose qu'ils puissent accompagner.",
        ),
    ],
)
def test_set_rule_explains_what_it_refuses(kwargs, message, network, coordinator):
    arguments = {"network": network, "mode": Mode.ORIENT, "allowed": True,
                 "roles": [Role.LIBRARIAN], "actor": coordinator} | kwargs  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.set_rule(**arguments)
    assert error.value.messages == [message]
    assert not CharterRule.objects.exists()


def test_a_refused_mode_stores_no_role(network, coordinator):
    rule = services.set_rule(
        network=network, mode=Mode.TRAIN, allowed=False, roles=[Role.LIBRARIAN], actor=coordinator
    )
    assert rule.roles == frozenset()


def test_only_a_coordinator_of_the_network_edits_the_charter(network):
    librarian = MembershipFactory(network=network).user
    other_coordinator = MembershipFactory(coordinator=True).user
    for user in (librarian, other_coordinator):
        with pytest.raises(PermissionDenied):
            services.set_rule(
                network=network, mode=Mode.ORIENT, allowed=False, roles=[], actor=user
            )
        with pytest.raises(PermissionDenied):
            services.reset_rule(network=network, mode=Mode.ORIENT, actor=user)
    assert not CharterRule.objects.exists()


def test_set_charter_refuses_an_order_missing_a_mode(network, coordinator):
    with pytest.raises(ValidationError) as error:
        services.set_charter(
            network=network, mode_order=["orient", "orient", "train", "accompany", "act_for"],
            max_distance_km=15, max_wait_days=10, actor=coordinator,
        )  # fmt: skip
    assert error.value.messages == ["L'ordre de la charte cite chaque mode une fois et une seule."]


def test_one_rule_per_scope_and_mode_in_the_database(network, computer):
    """NULL scopes collide too (a plain unique constraint would let them through)."""
    CharterRuleFactory(network=network)
    with pytest.raises(IntegrityError), transaction.atomic():
        CharterRuleFactory(network=network)
    CharterRuleFactory(network=network, theme=computer.theme)
    with pytest.raises(IntegrityError), transaction.atomic():
        CharterRuleFactory(network=network, theme=computer.theme)
    CharterRuleFactory(network=network, mode=Mode.TRAIN)  # another mode: fine


# Tenancy and queries -------------------------------------------------------------------


def test_another_networks_rules_never_apply(network, computer):
    other = NetworkFactory()
    other_coordinator = MembershipFactory(network=other, coordinator=True).user
    for mode in Mode.values:
        services.set_rule(
            network=other, mode=mode, allowed=False, roles=[], need=computer,
            actor=other_coordinator,
        )  # fmt: skip
    services.set_charter(
        network=other, mode_order=list(reversed(Mode.values)), max_distance_km=1,
        max_wait_days=0, actor=other_coordinator,
    )  # fmt: skip
    decisions = decide(network=network, need=computer, day=TODAY)
    assert all(d.source == "default" for d in decisions)
    assert decisions[0].mode == "orient"
    assert by_mode(decisions)["accompany"].conditions.max_distance_km == 15


def test_decide_refuses_a_site_or_member_of_another_network(network, computer):
    with pytest.raises(ValueError):
        decide(network=network, need=computer, site=SiteFactory(), day=TODAY)
    with pytest.raises(ValueError):
        decide(network=network, need=computer, membership=MembershipFactory(), day=TODAY)


def test_decide_takes_three_queries_whatever_the_rules(
    network, coordinator, taxes, django_assert_num_queries
):
    site = SiteFactory(network=network)
    mediator = habilitated(network, "argent-impots")
    for level in LEVELS:
        for mode in (Mode.ORIENT, Mode.TRAIN, Mode.ACCOMPANY):
            services.set_rule(
                network=network, mode=mode, allowed=True, roles=[Role.DIGITAL_MEDIATOR],
                actor=coordinator, **scope(level, site, taxes),
            )  # fmt: skip
    taxes = need("declarer-ses-revenus")
    # charter row, rules in scope, who may act for
    with django_assert_num_queries(3):
        decisions = decide(network=network, need=taxes, site=site, membership=mediator, day=TODAY)
    assert all(d.allowed for d in decisions)
    with django_assert_num_queries(3):
        decide(network=network, need=taxes, site=site, day=TODAY)


def test_the_database_refuses_an_order_that_is_not_a_permutation(network):
    from aiguillage.orientation.models import Charter

    with pytest.raises(IntegrityError), transaction.atomic():
        Charter.objects.create(network=network, orient_position=1)  # twice position 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Charter.objects.create(network=network, act_for_position=5)
    assert Charter.objects.create(network=network).mode_order == (
        "orient", "partner_on_site", "train", "accompany", "act_for"
    )  # fmt: skip
