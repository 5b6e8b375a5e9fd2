"""Need search: what a librarian types at the desk, matched to the catalog.

People say "impôts", "pole emploi", "la carte grise", "alocation familliale":
accents, case, former names, acronyms and typos must all land on the right need.
The index is plain data (``IndexedNeed``), so ranking is tested without a database.

Ranking: each query word is matched to the closest word of a need's name, synonyms,
operators, theme and description (a prefix counts as a match, so it works as you
type); a field scores the mean of its word matches, weighted by how much the field
says about the need; the need keeps its best field, or, for several words found in
different fields ("caf rsa"), a little less than their mean. Ties go to the need asked most
often at desks (``popularity``).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

MIN_SCORE = 60.0
WORD_MATCH_FLOOR = 75.0
MIN_PREFIX = 3
CROSS_FIELD_FACTOR = 0.9

# How much a match in each field says about the need.
FIELD_WEIGHTS: dict[str, float] = {
    "name": 1.0,
    "synonym": 1.0,
    "operator": 0.85,
    "theme": 0.6,
    "description": 0.5,
}

STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "faire",
        "je",
        "l",
        "la",
        "le",
        "les",
        "ma",
        "me",
        "mes",
        "mon",
        "ne",
        "pas",
        "pour",
        "qu",
        "que",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "un",
        "une",
        "veux",
        "voudrais",
        "j",
        "y",
    ]
)

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower case, no accents, words separated by single spaces ("Pôle-Emploi" → "pole emploi")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def words(text: str) -> tuple[str, ...]:
    tokens = normalize(text).split()
    meaningful = tuple(t for t in tokens if t not in STOPWORDS)
    return meaningful or tuple(tokens)


@dataclass(frozen=True, slots=True)
class IndexedNeed:
    slug: str
    name: str
    theme: str
    operators: tuple[str, ...]
    popularity: int
    fields: tuple[tuple[str, tuple[str, ...]], ...]  # (field kind, words of one string)


@dataclass(frozen=True, slots=True)
class SearchResult:
    slug: str
    name: str
    theme: str
    operators: tuple[str, ...]
    score: float


def index_need(
    *,
    slug: str,
    name: str,
    theme: str,
    description: str,
    synonyms: Iterable[str],
    operator_names: Iterable[str],
    operator_terms: Iterable[str],
    popularity: int,
) -> IndexedNeed:
    """Prepare one need for searching; ``operator_terms`` are names, acronyms and aliases."""
    fields: list[tuple[str, tuple[str, ...]]] = [("name", words(name))]
    fields += [("synonym", words(s)) for s in synonyms]
    fields += [("operator", words(t)) for t in operator_terms]
    fields.append(("theme", words(theme)))
    fields.append(("description", words(description)))
    return IndexedNeed(
        slug=slug,
        name=name,
        theme=theme,
        operators=tuple(operator_names),
        popularity=popularity,
        fields=tuple((kind, w) for kind, w in fields if w),
    )


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every distinct word of an index, sorted, and the needs (positions) using it:
    built once with the index, so that a query word is compared to each word once,
    in C, and only the needs holding a close word are scored."""

    words: tuple[str, ...]
    needs_of: dict[str, frozenset[int]]


def lexicon(index: Sequence[IndexedNeed]) -> Lexicon:
    needs_of: dict[str, set[int]] = {}
    for position, need in enumerate(index):
        for _kind, field_words in need.fields:
            for word in field_words:
                needs_of.setdefault(word, set()).add(position)
    return Lexicon(tuple(sorted(needs_of)), {w: frozenset(n) for w, n in needs_of.items()})


def _matches(query_word: str, lex: Lexicon) -> dict[str, float]:
    """The index's words that match ``query_word`` and how well (the rules of a word
    match: equal 100, a prefix 98, else the fuzzy ratio if at least the floor)."""
    found = {
        word: score
        for word, score, _position in process.extract(
            query_word, lex.words, scorer=fuzz.ratio, score_cutoff=WORD_MATCH_FLOOR, limit=None
        )
    }
    if len(query_word) >= MIN_PREFIX:
        position = bisect.bisect_left(lex.words, query_word)
        while position < len(lex.words) and lex.words[position].startswith(query_word):
            found[lex.words[position]] = 98.0
            position += 1
    if query_word in lex.needs_of:
        found[query_word] = 100.0
    return found


Matches = dict[str, dict[str, float]]  # query word -> {index word: score}


def _word_score(query_word: str, candidates: Sequence[str], matches: Matches) -> float:
    scores = matches[query_word]
    return max((scores.get(candidate, 0.0) for candidate in candidates), default=0.0)


def _field_score(query_words: Sequence[str], field_words: Sequence[str], matches: Matches) -> float:
    return sum(_word_score(w, field_words, matches) for w in query_words) / len(query_words)


def score_need(query_words: Sequence[str], need: IndexedNeed, matches: Matches) -> float:
    best = 0.0
    for kind, field_words in need.fields:
        score = _field_score(query_words, field_words, matches) * FIELD_WEIGHTS[kind]
        if score > best:
            best = score
            if best >= 100.0:
                return best
    if len(query_words) > 1:
        # "caf rsa": each word in its own field (operator, synonym). Worth a little less
        # than the same words found together in one field.
        across = sum(
            max(_word_score(w, words, matches) * FIELD_WEIGHTS[kind] for kind, words in need.fields)
            for w in query_words
        ) / len(query_words)
        best = max(best, across * CROSS_FIELD_FACTOR)
    return best


def search(
    index: Sequence[IndexedNeed], query: str, *, limit: int = 10, lex: Lexicon | None = None
) -> list[SearchResult]:
    """``lex``: the index's ``lexicon``, when the caller keeps it with the index."""
    query_words = words(query)
    if not query_words:
        return []
    lex = lex or lexicon(index)
    matches = {w: _matches(w, lex) for w in set(query_words)}
    # A need with no word close to any query word scores 0: only the others are scored.
    positions = set().union(*(lex.needs_of[w] for found in matches.values() for w in found))
    scored = []
    for position in sorted(positions):
        need = index[position]
        score = score_need(query_words, need, matches)
        if score >= MIN_SCORE:
            scored.append((score, need))
    scored.sort(key=lambda pair: (-round(pair[0], 1), -pair[1].popularity, pair[1].name))
    return [
        SearchResult(
            slug=need.slug,
            name=need.name,
            theme=need.theme,
            operators=need.operators,
            score=round(score, 1),
        )
        for score, need in scored[:limit]
    ]
