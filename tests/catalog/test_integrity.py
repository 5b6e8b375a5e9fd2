"""Consistency of the shipped catalog: every need is usable by the engine and mappable
to each standard. Runs against the data migration, as every database gets it."""

import json

import pytest
from django.core.exceptions import ValidationError

from aiguillage.catalog.models import Need, Operator, Sensitivity, Theme, ThemeFamily
from aiguillage.catalog.vocabularies import (
    DATA_INCLUSION_RESEAUX_PORTEURS,
    DATA_INCLUSION_THEMATIQUES,
    CoopThematique,
    LieuxService,
)
from tests.reference_data import DI_THEMATIQUES, LIEUX_SCHEMA

pytestmark = pytest.mark.django_db


def test_eleven_service_public_themes_and_the_digital_family():
    assert Theme.objects.filter(family=ThemeFamily.DEMARCHES).count() == 11
    assert Theme.objects.filter(family=ThemeFamily.DIGITAL).count() == 1
    for theme in Theme.objects.filter(family=ThemeFamily.DEMARCHES):
        assert theme.coop_subtheme, theme


def test_at_least_sixty_needs_in_every_theme_family():
    assert Need.objects.active().count() >= 60
    for theme in Theme.objects.all():
        assert theme.needs.exists(), f"theme {theme.slug} has no need"


def test_every_need_validates_and_has_an_operator():
    for need in Need.objects.prefetch_related("operators"):
        need.full_clean()
        assert need.operators.exists(), need.slug
        assert need.di_thematiques, need.slug
        assert need.lieux_services, need.slug
        assert need.description.strip(), need.slug


def test_every_mapping_uses_the_standards_exact_values():
    for need in Need.objects.all():
        assert set(need.di_thematiques) <= DATA_INCLUSION_THEMATIQUES, need.slug
        assert set(need.lieux_services) <= set(LieuxService.values), need.slug
        assert need.coop_thematique in CoopThematique.values, need.slug
        assert need.sensitivity in Sensitivity.values, need.slug


def test_administrative_needs_carry_their_themes_coop_subtheme():
    for need in Need.objects.select_related("theme"):
        if need.theme.family == ThemeFamily.DEMARCHES:
            assert need.coop_thematique == CoopThematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, need
            assert need.coop_subtheme == need.theme.coop_subtheme, need.slug
        else:
            assert need.coop_subtheme == "", need.slug


def test_operators_map_to_real_reseaux_porteurs():
    for operator in Operator.objects.all():
        operator.full_clean()
        if operator.reseau_porteur:
            assert operator.reseau_porteur in DATA_INCLUSION_RESEAUX_PORTEURS


def test_online_services_are_https():
    for need in Need.objects.exclude(online_service_url=""):
        assert need.online_service_url.startswith("https://"), need.slug


def test_the_issue_examples_of_frequent_needs_exist():
    required_operators = {
        "dgfip", "caf", "assurance-maladie", "france-travail", "ants", "prefecture", "msa",
        "urssaf", "agirc-arrco", "la-poste", "mairie", "departement", "justice",
        "education-nationale",
    }  # fmt: skip
    assert required_operators <= set(Operator.objects.values_list("slug", flat=True))
    former = Operator.objects.get(slug="france-travail").aliases
    assert any("pôle emploi" in alias.lower() for alias in former)


def test_a_need_with_an_unknown_thematique_is_refused():
    need = Need.objects.first()
    need.di_thematiques = ["numerique--inventee"]
    with pytest.raises(ValidationError) as error:
        need.full_clean()
    assert "di_thematiques" in error.value.message_dict


@pytest.mark.skipif(not LIEUX_SCHEMA.exists(), reason=f"reference schema absent: {LIEUX_SCHEMA}")
def test_lieux_services_match_the_published_schema():
    schema = json.loads(LIEUX_SCHEMA.read_text(encoding="utf-8"))
    field = next(f for f in schema["fields"] if f["name"] == "services")
    # The pattern ends with the alternatives: ...(Aide aux démarches…|Maîtrise…))+$
    alternatives = field["constraints"]["pattern"].rsplit("(", 1)[1].split(")")[0]
    assert set(LieuxService.values) == set(alternatives.split("|"))


@pytest.mark.skipif(
    not DI_THEMATIQUES.exists(), reason=f"reference vocabulary absent: {DI_THEMATIQUES}"
)
def test_data_inclusion_package_matches_the_published_vocabulary():
    published = {row["value"] for row in json.loads(DI_THEMATIQUES.read_text(encoding="utf-8"))}
    assert published == DATA_INCLUSION_THEMATIQUES
