"""The charter page: every member reads it, coordinators change it and see the effect.

The example matrix is read from the page's context (one decision per need and mode) and
from its HTML, so that a rule posted through the page shows up where staff read it.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aiguillage.accounts.models import Role
from aiguillage.catalog.models import Need, Theme
from aiguillage.orientation.models import Charter, CharterRule, Mode
from aiguillage.orientation.services import set_rule
from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory, SiteFactory

pytestmark = pytest.mark.django_db

TAXES = "declarer-ses-revenus"
CAF = "demander-prime-activite"
HEALTH = "commander-carte-vitale"
EMAIL = "creer-adresse-email"
ROLE_TRAITS = {
    Role.COORDINATOR: {"coordinator": True},
    Role.LIBRARIAN: {},
    Role.DIGITAL_MEDIATOR: {"mediator": True},
    Role.VOLUNTEER: {"volunteer": True},
    Role.PARTNER_AGENT: {"role": Role.PARTNER_AGENT},
}


@pytest.fixture
def network():
    return NetworkFactory()


@pytest.fixture
def site(network):
    return SiteFactory(network=network, name="Médiathèque de Lodève")


@pytest.fixture
def coordinator(network, site):
    return MembershipFactory(network=network, coordinator=True)


@pytest.fixture
def taxes_theme():
    return Theme.objects.get(slug="argent-impots")


def url(network, name="charter"):
    return reverse(f"orientation:{name}", args=[network.slug])


def matrix(response) -> dict[tuple[str, str], object]:
    """(need slug, mode) -> the decision shown in the example matrix."""
    return {
        (row.need.slug, cell.decision.mode): cell.decision
        for row in response.context["examples"]
        for cell in row.cells
    }


def rule_post(**fields):
    """A rule form as the browser posts it (empty fields included)."""
    data = {
        "site": "", "theme": "", "need": "", "mode": Mode.ORIENT, "allowed": "yes",
        "roles": [], "max_distance_km": "", "max_wait_days": "",
    }  # fmt: skip
    return data | fields


def settings_post(order, km="15", days="10"):
    data = {f"rank_{rank}": mode for rank, mode in enumerate(order)}
    return data | {"max_distance_km": km, "max_wait_days": days}


# Reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(ROLE_TRAITS))
def test_every_member_reads_the_charter_only_coordinators_see_the_controls(
    client, network, site, role
):
    member = MembershipFactory(network=network, **ROLE_TRAITS[role])
    set_rule(network=network, mode=Mode.TRAIN, allowed=False, roles=[], site=site, actor=None)
    client.force_login(member.user)
    response = client.get(url(network))
    assert response.status_code == 200
    page = response.text
    assert "Les bénévoles ne font jamais à la place des personnes." in page
    assert "Toutes les démarches à Médiathèque de Lodève" in page  # the exception is listed
    assert "Déclarer ses revenus" in page  # the examples
    reset = url(network, "charter_rule_reset")
    controls = ("Enregistrer la règle", reset, "Changer l'ordre et les conditions", "?regle=")
    for control in controls:
        assert (control in page) == (role == Role.COORDINATOR), control
    assert ("Les coordinateur·rices modifient la charte" in page) == (role != Role.COORDINATOR)


def test_the_page_shows_the_defaults_in_plain_french(client, coordinator):
    client.force_login(coordinator.user)
    response = client.get(url(coordinator.network))
    page = response.text
    assert [mode for mode, _label in response.context["order"]] == [
        "orient", "partner_on_site", "train", "accompany", "act_for"
    ]  # fmt: skip
    assert "si aucun service compétent n&#x27;est à moins de 15 km" in page
    rows = {row.mode: row for row in response.context["network_rows"]}
    assert rows["orient"].roles == "tous les rôles"
    assert rows["accompany"].notes == ["Bénévoles : pas les démarches sensibles."]
    assert "bénévole" not in rows["act_for"].roles
    assert "Aucune exception : les règles du réseau valent partout." in page
    decisions = matrix(response)
    assert {slug for slug, _mode in decisions} == {TAXES, CAF, HEALTH, EMAIL}
    # Volunteers accompany the e-mail, not the taxes; nobody is habilitated to act for.
    assert "bénévole" in response.context["examples"][3].cells[3].roles
    assert "bénévole" not in response.context["examples"][0].cells[3].roles
    assert not decisions[(TAXES, "act_for")].allowed
    assert (
        "Aucune personne habilitée Aidants Connect pour le thème "
        "Argent - Impôts - Consommation aujourd&#x27;hui." in page
    )


def test_a_missing_example_need_is_skipped(client, coordinator):
    Need.objects.filter(slug=HEALTH).update(is_active=False)
    client.force_login(coordinator.user)
    response = client.get(url(coordinator.network))
    assert [row.need.slug for row in response.context["examples"]] == [TAXES, CAF, EMAIL]


def test_another_networks_coordinator_gets_404(client, coordinator, site):
    stranger = MembershipFactory(coordinator=True)
    client.force_login(stranger.user)
    network = coordinator.network
    assert client.get(url(network)).status_code == 404
    rule = set_rule(network=network, mode=Mode.TRAIN, allowed=False, roles=[], actor=None)
    posts = {
        "charter_rule_set": rule_post(mode=Mode.TRAIN, allowed="no"),
        "charter_rule_reset": {"rule": rule.pk},
        "charter_settings": settings_post(reversed(Mode.values)),
    }
    for name, data in posts.items():
        assert client.post(url(network, name), data).status_code == 404
    assert CharterRule.objects.get() == rule
    assert not Charter.objects.exists()


def test_a_coordinator_cannot_reset_another_networks_rule(client, coordinator):
    other = NetworkFactory()
    foreign = set_rule(network=other, mode=Mode.TRAIN, allowed=False, roles=[], actor=None)
    client.force_login(coordinator.user)
    response = client.post(url(coordinator.network, "charter_rule_reset"), {"rule": foreign.pk})
    assert response.status_code == 302
    assert CharterRule.objects.filter(pk=foreign.pk).exists()
    assert "Cette règle n&#x27;existe plus : rien n&#x27;a changé." in client.get(response.url).text


# Who may change it ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [role for role in ROLE_TRAITS if role != Role.COORDINATOR])
def test_only_coordinators_post(client, network, site, role):
    member = MembershipFactory(network=network, **ROLE_TRAITS[role])
    rule = set_rule(network=network, mode=Mode.TRAIN, allowed=False, roles=[], actor=None)
    client.force_login(member.user)
    posts = {
        "charter_rule_set": rule_post(mode=Mode.ORIENT, allowed="no"),
        "charter_rule_reset": {"rule": rule.pk},
        "charter_settings": settings_post(reversed(Mode.values)),
    }
    for name, data in posts.items():
        assert client.post(url(network, name), data).status_code == 403, name
    assert list(CharterRule.objects.all()) == [rule]
    assert not Charter.objects.exists()


def test_the_edit_urls_only_take_post(client, coordinator):
    client.force_login(coordinator.user)
    for name in ("charter_rule_set", "charter_rule_reset", "charter_settings"):
        assert client.get(url(coordinator.network, name)).status_code == 405


# Editing and its effect ----------------------------------------------------------------


def test_a_theme_exception_changes_the_example_matrix(client, coordinator, taxes_theme):
    network = coordinator.network
    client.force_login(coordinator.user)
    before = matrix(client.get(url(network)))
    assert before[(TAXES, "accompany")].allowed

    response = client.post(
        url(network, "charter_rule_set"),
        rule_post(theme=taxes_theme.pk, mode=Mode.ACCOMPANY, allowed="no"),
    )
    assert response.status_code == 302
    assert response.url == url(network)
    rule = CharterRule.objects.get()
    assert (rule.theme, rule.mode, rule.allowed, rule.updated_by) == (
        taxes_theme, "accompany", False, coordinator.user
    )  # fmt: skip

    page = client.get(response.url)
    assert (
        "Règle enregistrée — Thème Argent - Impôts - Consommation : accompagner (faire avec)."
        in page.text
    )
    after = matrix(page)
    assert not after[(TAXES, "accompany")].allowed
    assert after[(TAXES, "accompany")].reasons == [
        "La charte ne le permet pas pour le thème Argent - Impôts - Consommation."
    ]
    assert after[(CAF, "accompany")].allowed  # another theme: unchanged
    assert "La charte ne le permet pas pour le thème Argent - Impôts - Consommation." in page.text
    [row] = page.context["overrides"]
    assert (row.rule, row.scope) == (rule, "Thème Argent - Impôts - Consommation")


def test_a_site_exception_shows_at_that_site(client, coordinator, site):
    network = coordinator.network
    taxes = Need.objects.get(slug=TAXES)
    client.force_login(coordinator.user)
    response = client.post(
        url(network, "charter_rule_set"),
        rule_post(site=site.pk, need=taxes.pk, mode=Mode.TRAIN, allowed="no"),
    )
    # Back to the page with the examples at that site, where the rule takes effect.
    assert response.url == f"{url(network)}?site={site.slug}"
    at_site = client.get(response.url)
    assert at_site.context["example_site"] == site
    assert not matrix(at_site)[(TAXES, "train")].allowed
    assert (
        "La charte ne le permet pas pour « Déclarer ses revenus » à Médiathèque de Lodève."
        in at_site.text
    )
    assert matrix(client.get(url(network)))[(TAXES, "train")].allowed  # the network: unchanged
    assert matrix(client.get(f"{url(network)}?site=unknown"))[(TAXES, "train")].allowed


def test_volunteers_may_be_allowed_sensitive_needs(client, coordinator):
    network = coordinator.network
    health = Need.objects.get(slug=HEALTH)
    client.force_login(coordinator.user)
    response = client.post(
        url(network, "charter_rule_set"),
        rule_post(
            need=health.pk, mode=Mode.ACCOMPANY, allowed="yes",
            roles=[Role.LIBRARIAN, Role.VOLUNTEER], volunteers_sensitive="on",
            max_distance_km="30", max_wait_days="5",
        ),
    )  # fmt: skip
    assert response.status_code == 302
    rule = CharterRule.objects.get()
    assert rule.volunteers_sensitive and rule.roles == {Role.LIBRARIAN, Role.VOLUNTEER}
    assert (rule.max_distance_km, rule.max_wait_days) == (30, 5)
    page = client.get(response.url)
    cell = next(row for row in page.context["examples"] if row.need == health).cells[3]
    assert cell.decision.mode == "accompany"
    assert cell.roles == "bibliothécaire, bénévole"
    assert cell.decision.conditions.max_distance_km == 30
    [row] = page.context["overrides"]
    assert row.notes == ["Bénévoles : aussi les démarches sensibles."]
    assert row.conditions == (
        "si aucun service compétent à moins de 30 km ou disponible sous 5 jours"
    )


def test_reset_brings_the_matrix_back(client, coordinator, taxes_theme):
    network = coordinator.network
    rule = set_rule(
        network=network, mode=Mode.ORIENT, allowed=False, roles=[], theme=taxes_theme,
        actor=coordinator.user,
    )  # fmt: skip
    client.force_login(coordinator.user)
    assert not matrix(client.get(url(network)))[(TAXES, "orient")].allowed
    response = client.post(url(network, "charter_rule_reset"), {"rule": rule.pk})
    assert response.status_code == 302
    assert not CharterRule.objects.exists()
    page = client.get(response.url)
    assert "Règle retirée — Thème Argent - Impôts - Consommation : orienter." in page.text
    assert matrix(page)[(TAXES, "orient")].allowed
    # Twice (a double click): nothing to remove, said plainly.
    again = client.post(url(network, "charter_rule_reset"), {"rule": rule.pk})
    assert "Cette règle n&#x27;existe plus" in client.get(again.url).text


def test_a_network_rule_from_the_table(client, coordinator):
    network = coordinator.network
    client.force_login(coordinator.user)
    # "Modifier" on the train row fills the form with the default roles.
    form = client.get(f"{url(network)}?mode=train").context["rule_form"]
    assert form.initial == {"mode": "train", "allowed": "yes", "roles": sorted(Role.values)}
    client.post(
        url(network, "charter_rule_set"),
        rule_post(mode=Mode.TRAIN, allowed="yes", roles=[Role.DIGITAL_MEDIATOR]),
    )
    response = client.get(url(network))
    rows = {row.mode: row for row in response.context["network_rows"]}
    assert rows["train"].rule is not None
    assert rows["train"].roles == "médiateur·rice numérique"
    assert "Revenir au défaut" in response.text
    assert response.context["overrides"] == []
    assert matrix(response)[(EMAIL, "train")].roles == frozenset({Role.DIGITAL_MEDIATOR})


def test_modifier_fills_the_form_with_the_rule(client, coordinator, site, taxes_theme):
    rule = set_rule(
        network=coordinator.network, mode=Mode.ACCOMPANY, allowed=True,
        roles=[Role.LIBRARIAN], site=site, theme=taxes_theme, max_distance_km=40,
        actor=coordinator.user,
    )  # fmt: skip
    client.force_login(coordinator.user)
    response = client.get(f"{url(coordinator.network)}?regle={rule.pk}")
    assert response.context["rule_form"].initial == {
        "site": site.pk, "theme": taxes_theme.pk, "need": "", "mode": "accompany",
        "allowed": "yes", "roles": ["librarian"], "max_distance_km": 40, "max_wait_days": None,
        "volunteers_sensitive": False,
    }  # fmt: skip
    assert 'value="40"' in response.text
    # An unknown or foreign id: an empty form, no error.
    assert client.get(f"{url(coordinator.network)}?regle=999999").context["rule_form"].initial == {}


# Bad input -----------------------------------------------------------------------------


def test_a_refused_rule_keeps_what_was_typed_and_writes_nothing(client, coordinator, site):
    network = coordinator.network
    taxes = Need.objects.get(slug=TAXES)
    client.force_login(coordinator.user)
    response = client.post(
        url(network, "charter_rule_set"),
        rule_post(
            site=site.pk, need=taxes.pk, mode=Mode.ACT_FOR, allowed="yes",
            roles=[Role.LIBRARIAN, Role.VOLUNTEER], max_distance_km="25",
        ),
    )  # fmt: skip
    assert response.status_code == 400
    assert not CharterRule.objects.exists()
    form = response.context["rule_form"]
    assert form.errors == {"roles": ["Les bénévoles ne font jamais à la place des personnes."]}
    page = response.text
    assert "La règle n'a pas été enregistrée : corrigez les champs signalés." in page
    assert f'<option value="{site.pk}" selected>' in page
    assert f'<option value="{taxes.pk}" selected>' in page
    assert '<option value="act_for" selected>' in page
    assert 'value="25"' in page
    for role in ("librarian", "volunteer"):
        assert re.search(rf'value="{role}"[^>]*checked', page), role
    assert not re.search(r'value="coordinator"[^>]*checked', page)
    assert "Déclarer ses revenus" in page  # the rest of the page is there


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"allowed": "yes", "roles": []}, "roles",
         "Choisissez au moins un rôle qui peut utiliser ce mode, ou refusez-le."),
        ({"mode": Mode.ACCOMPANY, "allowed": "yes", "roles": ["librarian"],
          "max_distance_km": "0"}, "max_distance_km",
         "La distance doit être comprise entre 1 et 200 km."),
        ({"mode": Mode.ACCOMPANY, "allowed": "yes", "roles": ["librarian"],
          "max_wait_days": "91"}, "max_wait_days",
         "Le délai doit être compris entre 0 et 90 jours."),
        ({"allowed": "yes", "roles": ["librarian"], "volunteers_sensitive": "on"},
         "volunteers_sensitive",
         "Autoriser les démarches sensibles aux bénévoles suppose qu'ils puissent accompagner."),
        ({"allowed": "no", "theme": "THEME", "need": "NEED"}, "need",
         "Une règle vise un thème ou un besoin, pas les deux."),
        ({"allowed": "no", "max_distance_km": "abc"}, "max_distance_km",
         "Saisissez un nombre entier."),
        ({"mode": "help"}, "mode",
         "Sélectionnez un choix valide. help n\u2019en fait pas partie."),
    ],
)  # fmt: skip
def test_rule_errors_are_shown_next_to_their_field(client, coordinator, fields, field, message):
    taxes = Need.objects.get(slug=TAXES)
    scope = {"THEME": taxes.theme_id, "NEED": taxes.pk}
    fields = {name: scope.get(value, value) if isinstance(value, str) else value
              for name, value in fields.items()}  # fmt: skip
    client.force_login(coordinator.user)
    response = client.post(url(coordinator.network, "charter_rule_set"), rule_post(**fields))
    assert response.status_code == 400
    assert response.context["rule_form"].errors == {field: [message]}
    assert not CharterRule.objects.exists()


def test_a_site_of_another_network_is_not_a_choice(client, coordinator):
    foreign = SiteFactory()
    client.force_login(coordinator.user)
    response = client.post(
        url(coordinator.network, "charter_rule_set"),
        rule_post(site=foreign.pk, mode=Mode.ORIENT, allowed="no"),
    )
    assert response.status_code == 400
    assert list(response.context["rule_form"].errors) == ["site"]
    assert foreign.name not in response.text
    assert not CharterRule.objects.exists()


def test_the_conditions_on_another_mode_are_explained_above_the_form(client, coordinator):
    client.force_login(coordinator.user)
    response = client.post(
        url(coordinator.network, "charter_rule_set"),
        rule_post(mode=Mode.ORIENT, allowed="yes", roles=["librarian"], max_wait_days="3"),
    )
    assert response.status_code == 400
    assert response.context["rule_form"].non_field_errors() == [
        "Les conditions de distance et de délai ne concernent que « accompagner » et "
        "« faire pour »."
    ]


# Order and conditions ------------------------------------------------------------------


def test_the_order_and_conditions_change_the_matrix_columns(client, coordinator):
    network = coordinator.network
    client.force_login(coordinator.user)
    order = ["accompany", "orient", "train", "partner_on_site", "act_for"]
    response = client.post(url(network, "charter_settings"), settings_post(order, "30", "5"))
    assert response.status_code == 302
    charter = Charter.objects.get(network=network)
    assert (charter.mode_order, charter.max_distance_km, charter.max_wait_days) == (
        tuple(order), 30, 5
    )  # fmt: skip
    page = client.get(response.url)
    assert "L&#x27;ordre des modes et les conditions sont enregistrés." in page.text
    assert [cell.decision.mode for cell in page.context["examples"][0].cells] == order
    assert "si aucun service compétent n&#x27;est à moins de 30 km" in page.text
    assert page.context["settings_form"].initial["rank_0"] == "accompany"


def test_a_mode_twice_in_the_order_keeps_the_form_and_writes_nothing(client, coordinator):
    client.force_login(coordinator.user)
    order = ["orient", "orient", "train", "accompany", "act_for"]
    response = client.post(
        url(coordinator.network, "charter_settings"), settings_post(order, "0", "10")
    )
    assert response.status_code == 400
    assert not Charter.objects.exists()
    form = response.context["settings_form"]
    assert form.errors["rank_1"] == [
        "« orienter » est déjà plus haut dans l'ordre : chaque mode a un seul rang."
    ]
    assert "L'ordre et les conditions n'ont pas été enregistrés" in response.text
    assert '<details class="panel" open>' in response.text
    assert 'name="max_distance_km" value="0"' in response.text


def test_conditions_out_of_range_are_refused_by_the_service(client, coordinator):
    client.force_login(coordinator.user)
    response = client.post(
        url(coordinator.network, "charter_settings"), settings_post(Mode.values, "500", "10")
    )
    assert response.status_code == 400
    assert response.context["settings_form"].non_field_errors() == [
        "La distance doit être comprise entre 1 et 200 km."
    ]
    assert not Charter.objects.exists()


# Queries -------------------------------------------------------------------------------


def test_the_page_takes_a_bounded_number_of_queries(
    client, coordinator, site, taxes_theme, django_assert_max_num_queries
):
    """As many queries with 21 exceptions and 5 sites as with none."""
    network = coordinator.network
    client.force_login(coordinator.user)
    client.get(url(network))  # warm the session
    with CaptureQueriesContext(connection) as empty:
        client.get(f"{url(network)}?site={site.slug}")

    sites = [site, *(SiteFactory(network=network) for _ in range(4))]
    needs = list(Need.objects.order_by("pk")[:10])
    for index, need in enumerate(needs):
        for mode in (Mode.ORIENT, Mode.TRAIN):
            set_rule(network=network, mode=mode, allowed=False, roles=[],
                     site=sites[index % len(sites)], need=need, actor=None)  # fmt: skip
    set_rule(network=network, mode=Mode.ACCOMPANY, allowed=False, roles=[], theme=taxes_theme,
             actor=None)  # fmt: skip
    # Session, user, network, membership; the charter, rules, sites, examples; 4 needs x
    # 3 queries of decide(); the form's needs, sites and themes; the session's update.
    with django_assert_max_num_queries(len(empty)):
        response = client.get(f"{url(network)}?site={site.slug}")
    assert len(empty) <= 26
    assert response.status_code == 200
    assert len(response.context["overrides"]) == 21
