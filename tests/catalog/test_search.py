"""Need search, against the real catalog shipped by the data migration, and on plain
data (an index of a few needs) for each rule of the ranking."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiguillage.catalog.search import (
    Lexicon,
    SearchResult,
    build_index,
    close_call,
    index_need,
    normalize,
    rewrite,
    search,
)
from aiguillage.catalog.selectors import search_needs


def first(query):
    results = search_needs(query)
    assert results, f"no result for {query!r}"
    return results[0]


@pytest.mark.django_db
class TestDeskExamples:
    def test_impot_finds_the_income_declaration_first(self):
        assert first("impot").slug == "declarer-ses-revenus"

    def test_impots_with_accent_and_capitals(self):
        assert first("IMPÔTS").slug == "declarer-ses-revenus"

    def test_pole_emploi_finds_a_france_travail_need_first(self):
        assert "France Travail" in first("pole emploi").operators

    def test_carte_grise_finds_vehicle_registration(self):
        result = first("carte grise")
        assert "immatriculation" in result.name.lower() or "carte grise" in result.name.lower()

    def test_misspelt_family_allowances_find_the_caf_need(self):
        result = first("alocation familliale")
        assert result.slug == "allocations-familiales"
        assert "CAF" in result.operators

    def test_an_acronym_finds_its_operator(self):
        assert "ANTS" in first("ants").operators

    def test_partial_word_works_as_you_type(self):
        assert first("declar").slug == "declarer-ses-revenus"

    def test_nonsense_finds_nothing(self):
        assert search_needs("xqzwv") == []

    def test_results_are_sorted_best_first(self):
        scores = [r.score for r in search_needs("caf")]
        assert scores == sorted(scores, reverse=True)


def test_normalize_removes_accents_case_and_punctuation():
    assert normalize("Pôle-Emploi : l'ÉTÉ") == "pole emploi l ete"


def _need(slug, name, synonyms=(), popularity=0, phrases=(), lexicon=None):
    return index_need(
        slug=slug,
        name=name,
        theme="Thème",
        description="",
        synonyms=synonyms,
        operator_names=[],
        operator_terms=[],
        popularity=popularity,
        phrases=phrases,
        **({"lexicon": lexicon} if lexicon else {}),
    )


def test_ties_go_to_the_most_frequent_need():
    index = [
        _need("rare", "Corriger sa déclaration", synonyms=["impôt"], popularity=10),
        _need("common", "Déclarer ses revenus", synonyms=["impôt"], popularity=100),
    ]
    assert [r.slug for r in search(index, "impot")] == ["common", "rare"]


def test_a_name_match_beats_a_description_match():
    index = [
        index_need(
            slug="desc",
            name="Autre chose",
            theme="T",
            description="Parle de passeport",
            synonyms=[],
            operator_names=[],
            operator_terms=[],
            popularity=100,
        ),
        _need("name", "Demander un passeport", popularity=0),
    ]
    assert search(index, "passeport")[0].slug == "name"


def test_empty_or_stopword_only_queries():
    index = [_need("a", "Déclarer ses revenus")]
    assert search(index, "") == []
    assert search(index, "   ") == []


@pytest.mark.django_db
def test_a_catalog_change_is_searchable_at_once():
    from aiguillage.catalog.models import Need

    assert search_needs("bibliobus") == []
    need = Need.objects.get(slug="emprunter-livres-numeriques")
    need.synonyms = [*need.synonyms, "bibliobus"]
    need.save()
    assert first("bibliobus").slug == "emprunter-livres-numeriques"


@pytest.mark.django_db
def test_a_deactivated_need_disappears_from_search():
    from aiguillage.catalog.models import Need

    assert first("carte grise").slug == "faire-carte-grise"
    need = Need.objects.get(slug="faire-carte-grise")
    need.is_active = False
    need.save()
    assert all(r.slug != "faire-carte-grise" for r in search_needs("carte grise"))


@pytest.mark.django_db
class TestSentencesAsPeopleSayThem:
    """The issue's own examples: each used to return nothing."""

    @pytest.mark.parametrize(
        ("said", "need"),
        [
            ("j'ai égaré mon permis de conduire", "demander-permis-conduire"),
            ("je comprends rien à mon compte ameli", "creer-compte-ameli"),
            ("ma tablette je sais pas l'utiliser", "prendre-en-main-smartphone"),
            ("on m'a cambriolé et mes papiers ont disparu", "demander-carte-identite"),
            ("je voudrais vendre ma moto", "declarer-cession-vehicule"),
            ("j'ai plus de travail depuis lundi", "s-inscrire-france-travail"),
        ],
    )
    def test_the_right_need_comes_first(self, said, need):
        assert first(said).slug == need

    def test_an_ordinary_word_no_longer_empties_the_answer(self):
        assert first("bonjour madame c'est pour la carte grise svp").slug == "faire-carte-grise"

    def test_first_time_leads_to_the_first_time_variant_and_only_for_its_demarche(self):
        assert first("déclarer mes impôts").slug == "declarer-ses-revenus"
        assert first("c'est la première fois que je déclare mes impôts").slug == (
            "premiere-declaration-revenus"
        )
        assert first("première fois que je m'inscris à la CAF").slug != (
            "premiere-declaration-revenus"
        )

    def test_a_word_being_typed_matches_as_a_prefix(self):
        assert first("carte vit").slug == "commander-carte-vitale"
        assert first("declar").slug == "declarer-ses-revenus"

    def test_a_word_cut_short_then_a_space_is_a_whole_word(self):
        assert search_needs("vit ") == [] or first("vit ").slug != "commander-carte-vitale"


def test_rewrites_take_the_longest_expression_first():
    lexicon = Lexicon.from_data(
        {
            "words": {
                "plus de travail": "chomage",
                "allocs": "allocations",
                "secu": "securite sociale",
            }
        }
    )
    assert rewrite(["j", "ai", "plus", "de", "travail"], lexicon) == ["j", "ai", "chomage"]
    assert rewrite(["les", "allocs", "secu"], lexicon) == [
        "les", "allocations", "securite", "sociale",
    ]  # fmt: skip


def test_a_rare_word_counts_more_than_a_common_one():
    index = [
        _need("grise", "Faire sa carte grise"),
        _need("vitale", "Commander une carte Vitale"),
        _need("identite", "Demander une carte d'identité"),
    ]
    assert search(index, "carte grise")[0].slug == "grise"
    assert [r.slug for r in search(index, "carte")] != []  # all three, none empty


def test_what_people_say_is_indexed_with_the_need():
    index = [
        _need("plainte", "Porter plainte", phrases=["cambriolage", "on m'a volé"]),
        _need("cni", "Demander une carte d'identité"),
    ]
    assert search(index, "cambriolage")[0].slug == "plainte"


def test_the_first_time_marker_is_a_flag_not_a_word():
    lexicon = Lexicon.from_data(
        {
            "first_time": {"premiere": "usuelle"},
            "first_time_markers": ["premiere fois"],
        }
    )
    index = build_index(
        [
            _need("usuelle", "Déclarer ses revenus", popularity=100),
            _need("premiere", "Faire sa première déclaration de revenus"),
            _need("caf", "Accéder à son compte CAF"),
        ],
        lexicon,
    )
    assert search(index, "déclarer revenus")[0].slug == "usuelle"
    assert search(index, "première fois déclarer revenus")[0].slug == "premiere"
    assert search(index, "première fois compte caf")[0].slug == "caf"


def test_a_close_call_shows_both():
    def result(score):
        return SearchResult(slug=str(score), name="", theme="", operators=(), score=score)

    assert close_call([result(10.0), result(9.0)])
    assert not close_call([result(10.0), result(5.0)])
    assert not close_call([result(10.0)])


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_any_text_gets_a_ranked_answer_and_never_an_error(text):
    results = search_needs(text)
    assert len(results) <= 10
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
