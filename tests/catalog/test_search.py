"""Need search, against the real catalog shipped by the data migration."""

import pytest

from aiguillage.catalog.search import index_need, normalize, search
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


def _need(slug, name, synonyms=(), popularity=0):
    return index_need(
        slug=slug,
        name=name,
        theme="Thème",
        description="",
        synonyms=synonyms,
        operator_names=[],
        operator_terms=[],
        popularity=popularity,
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


def _reference_word_score(query_word, candidates):
    """The word-match rules written the plain way (every candidate compared in turn):
    the search compares each query word to the index's distinct words once instead."""
    from rapidfuzz import fuzz

    from aiguillage.catalog.search import MIN_PREFIX, WORD_MATCH_FLOOR

    best = 0.0
    for candidate in candidates:
        if candidate == query_word:
            return 100.0
        if len(query_word) >= MIN_PREFIX and candidate.startswith(query_word):
            best = max(best, 98.0)
            continue
        best = max(best, fuzz.ratio(query_word, candidate))
    return best if best >= WORD_MATCH_FLOOR else 0.0


def _reference_search(index, query, limit=10):
    from aiguillage.catalog.search import CROSS_FIELD_FACTOR, FIELD_WEIGHTS, MIN_SCORE, words

    query_words = words(query)
    scored = []
    for need in index:
        best = 0.0
        for kind, field_words in need.fields:
            field = sum(_reference_word_score(w, field_words) for w in query_words)
            best = max(best, field / len(query_words) * FIELD_WEIGHTS[kind])
        if len(query_words) > 1 and best < 100.0:
            across = sum(
                max(_reference_word_score(w, ws) * FIELD_WEIGHTS[k] for k, ws in need.fields)
                for w in query_words
            ) / len(query_words)
            best = max(best, across * CROSS_FIELD_FACTOR)
        if best >= MIN_SCORE:
            scored.append((best, need))
    scored.sort(key=lambda pair: (-round(pair[0], 1), -pair[1].popularity, pair[1].name))
    return [(need.slug, round(score, 1)) for score, need in scored[:limit]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "impot",
        "IMPÔTS",
        "declar",
        "alocation familliale",
        "caf rsa",
        "pole emploi",
        "carte grise",
        "ants",
        "passport",
        "retraite complementaire",
        "xqzwv",
        "mdph handicap",
        "cni",
        "a",
    ],
)
def test_the_search_ranks_as_scoring_every_need_word_by_word(query):
    from aiguillage.catalog.selectors import build_need_index

    index = build_need_index()
    found = [(r.slug, round(r.score, 1)) for r in search(index, query)]
    assert found == _reference_search(index, query)
