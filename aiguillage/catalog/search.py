"""Need search: what a visitor says at the desk, matched to the catalog.

People do not type catalog titles. They say "j'ai égaré mon permis de conduire", "je
comprends rien à mon compte ameli", "les allocs", "pole emploi", "alocation
familliale". The search reads French as it is written at a desk:

- **Words.** Lower case, no accents, elisions split ("j'ai" → "j ai"); stop words and
  the words of conversation ("bonjour", "voudrais", "comment", "svp") left out; each
  word reduced to its Snowball stem ("déclarer", "déclaration" → "declar"), so that
  grammar does not matter; colloquial words and spellings rewritten first ("allocs"
  → "allocations", "sécu" → "sécurité sociale": ``Lexicon.words``).
- **What people say for each need** (``Lexicon.phrases``): colloquial words, old
  names, brands and situations ("égaré", "cambriolé", "leboncoin", "Assedic") are
  indexed with the need's name, synonyms, operators, theme and description.
- **Weights.** BM25 over those fields, each weighted by how much it says about the
  need (``FIELD_WEIGHTS``): a rare word ("grise") counts more than a common one
  ("carte"), and a need is ranked by how much of the query it explains, so one
  ordinary word no longer empties the answer. Two query words side by side that sit
  side by side in the need ("carte grise", "prime activité") count once more.
- **Typos and typing.** A word the index does not know is matched to the closest
  words it knows (rapidfuzz), worth a little less; the last word also matches as a
  prefix, so the search works as you type; a stray elision letter ("didentité") is
  tried without it.
- **"Première fois".** A query that says it is the first time ranks the first-time
  variant of a démarche above the usual one (``Lexicon.first_time``).

The index is plain data (``SearchIndex``), built once from ``IndexedNeed`` rows, so the
ranking is tested without a database and a search costs well under a millisecond.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process

# How much a word found in each kind of field says about the need.
FIELD_WEIGHTS: dict[str, float] = {
    "name": 3.0,
    "synonym": 2.5,
    "phrase": 2.0,
    "operator": 1.6,
    "theme": 0.4,
    "description": 0.5,
}
K1 = 1.2  # term-frequency saturation (BM25)
B = 0.3  # length normalisation (BM25): a need with many synonyms is not punished much
BIGRAM_WEIGHT = 0.6  # two words found side by side, on top of each word alone
FUZZY_CUTOFF = 80.0  # rapidfuzz ratio for a misspelt word
FUZZY_MIN_LENGTH = 4
LOOSE_CUTOFF = 68.0  # when no word of the query is known at all: a last, looser try
MIN_PREFIX = 3
PREFIX_WEIGHT = 0.85
# Below this share of the best score, a need is noise, not an alternative.
RELATIVE_FLOOR = 0.25
# Two answers this close are both shown as choices (``close_call``).
CLOSE_RATIO = 0.8
VARIANT_UNSAID = 0.75
NOT_FIRST_TIME = ("pas la", "pas ma", "plus la", "pas le", "pas mon")
FIRST_TIME_IN_PLAY = 0.6  # "first time" moves a variant up only if its démarche is asked
# The query says every word of the need's name ("déclarer mes revenus" is "Déclarer ses
# revenus" more than "Corriger sa déclaration de revenus").
NAME_BONUS = 0.3
POPULARITY_BONUS = 0.06  # the need asked most often at desks wins a near tie

_NON_WORD = re.compile(r"[^a-z0-9]+")
_ELISION = ("qu", "d", "l", "j", "n", "s", "m", "t", "c")

# Short words of French and of conversation that never name a démarche. Accents are
# gone before they are looked up.
STOPWORDS = frozenset(
    """
    a ai aie aies ait au aux avec avoir avons avez ce ces cet cette ceci cela ca c d de
    des du dans en et est es etre suis sommes etes sont eu j je l la le les leur leurs
    lui m ma me mes moi mon n ne ni nos notre nous on ou par pas plus pour qu que qui
    quoi s sa se ses si son sur t ta te tes toi ton tu un une vos votre vous y il ils
    elle elles eux ceux celle celui comme mais donc or car bonjour bonsoir madame
    monsieur mademoiselle svp stp merci excusez excuse desole desolee pardon voila alors
    bah ben euh hein bon ok oui non tres trop bien aussi veux veut voudrais voudrait
    voulais vouloir aimerais aimerait souhaite souhaiterais faut faudrait dois doit
    devoir peux peut pouvoir pourrais pourriez sais sait savoir comment combien quand
    pourquoi quel quelle quels quelles ou fait faire fais faites aller vais va vas allez
    chose truc machin quelque quelqu aidez besoin voir regarder site depuis dessus
    dedans ans an annee annees mois semaine semaines jour jours fois prochain prochaine
    dernier derniere cette ci la lundi mardi mercredi jeudi vendredi samedi dimanche
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    hier demain aujourd rien maintenant encore deja toujours tout tous toute toutes
    autre autres meme
    mere pere maman papa mari epoux epouse conjoint conjointe fils fille frere soeur
    voisin voisine ami amie copain copine nouveau nouvelle nouveaux nouvelles ancien
    ancienne vieux vieille
    i me my you your the to for of in on and or is are am be do does how what where
    please need want can with this that new one make get help hello thanks
    yo mi el los las un una para por que como quiero necesito ayuda hola
    """.split()  # noqa: SIM905 (a list of words reads better as text)
)

_stemmer = snowballstemmer.stemmer("french")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of a normalised word (no accents, lower case)."""
    return _stemmer.stemWord(word) if len(word) > 3 else word


def normalize(text: str) -> str:
    """Lower case, no accents, words separated by single spaces ("Pôle-Emploi" → "pole emploi")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def _meaningful(token: str) -> bool:
    """Not a stop word, and not a lone digit ("3 ans", "bulletin n° 3": noise)."""
    return token not in STOPWORDS and not (len(token) == 1 and token.isdigit())


def words(text: str) -> tuple[str, ...]:
    """The meaningful words of a text, normalised (the stop words left out, unless
    the text is nothing else)."""
    tokens = normalize(text).split()
    meaningful = tuple(t for t in tokens if _meaningful(t))
    return meaningful or tuple(tokens)


# --- What people say -----------------------------------------------------------------


@dataclass(frozen=True)
class Lexicon:
    """The language of the desk, beside the catalog (``aiguillage/catalog/data/lexicon.json``).

    ``words``: a colloquial word or spelling and what it means, rewritten before the
    search ("allocs" → "allocations"); ``phrases``: per need slug, what people say for
    it; ``first_time``: a first-time variant's slug → the usual démarche's slug;
    ``first_time_markers``: what says "first time" ("premiere fois", "jamais")."""

    words: Mapping[str, str] = field(default_factory=dict)
    phrases: Mapping[str, Sequence[str]] = field(default_factory=dict)
    first_time: Mapping[str, str] = field(default_factory=dict)
    first_time_markers: Sequence[str] = ()

    @classmethod
    def from_data(cls, data: Mapping) -> Lexicon:
        return cls(
            words={normalize(k): normalize(v) for k, v in data.get("words", {}).items()},
            phrases={slug: tuple(p) for slug, p in data.get("phrases", {}).items()},
            first_time=dict(data.get("first_time", {})),
            first_time_markers=tuple(normalize(m) for m in data.get("first_time_markers", ())),
        )


EMPTY_LEXICON = Lexicon()


def rewrite(tokens: Sequence[str], lexicon: Lexicon) -> list[str]:
    """Colloquial words and spellings replaced by what they mean (one word may become
    several: "secu" → "securite sociale"); expressions of three words, then two, first
    ("plus de travail" → "chomage")."""
    out: list[str] = []
    position = 0
    while position < len(tokens):
        for size in (3, 2, 1):
            if position + size > len(tokens):
                continue
            expression = " ".join(tokens[position : position + size])
            if expression in lexicon.words or size == 1:
                out += lexicon.words.get(expression, expression).split()
                position += size
                break
    return out


# --- The index ------------------------------------------------------------------------


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
    phrases: Iterable[str] = (),
    lexicon: Lexicon = EMPTY_LEXICON,
) -> IndexedNeed:
    """Prepare one need; ``operator_terms`` are names, acronyms and aliases,
    ``phrases`` what people say for it. Every text is read as a query is (the same
    rewrites), so that both sides meet."""

    def read(text: str) -> tuple[str, ...]:  # as a query is read
        return tuple(rewrite(words(text), lexicon))

    fields: list[tuple[str, tuple[str, ...]]] = [("name", read(name))]
    fields += [("synonym", read(s)) for s in synonyms]
    fields += [("phrase", read(p)) for p in phrases]
    fields += [("operator", read(t)) for t in operator_terms]
    fields.append(("theme", read(theme)))
    fields.append(("description", read(description)))
    return IndexedNeed(
        slug=slug,
        name=name,
        theme=theme,
        operators=tuple(operator_names),
        popularity=popularity,
        fields=tuple((kind, w) for kind, w in fields if w),
    )


def _terms(field_words: Sequence[str]) -> tuple[set[str], set[str]]:
    """The stems of a field, and its pairs of neighbouring stems."""
    stems = [stem(w) for w in field_words if _meaningful(w)]
    return set(stems), {f"{a} {b}" for a, b in itertools.pairwise(stems) if a != b}


@dataclass(frozen=True)
class SearchIndex:
    """Everything a query needs, computed once: the needs, each term's postings (need
    position → weighted frequency), each need's weighted length, the known words."""

    needs: tuple[IndexedNeed, ...]
    postings: Mapping[str, Mapping[int, float]]
    lengths: tuple[float, ...]
    average_length: float
    known_words: tuple[str, ...]  # every word of the index, sorted (prefixes, typos)
    lexicon: Lexicon
    first_time_of: Mapping[int, int]  # position of a first-time variant → the usual one
    names: tuple[frozenset[str], ...] = ()  # each need's name, as stems

    def idf(self, term: str) -> float:
        found = len(self.postings.get(term, ()))
        total = len(self.needs)
        return math.log(1 + (total - found + 0.5) / (found + 0.5))


def build_index(needs: Sequence[IndexedNeed], lexicon: Lexicon = EMPTY_LEXICON) -> SearchIndex:
    postings: dict[str, dict[int, float]] = {}
    lengths: list[float] = []
    known: set[str] = set()
    for position, need in enumerate(needs):
        length = 0.0
        for kind, field_words in need.fields:
            weight = FIELD_WEIGHTS[kind]
            stems, pairs = _terms(field_words)
            known.update(w for w in field_words if _meaningful(w))
            for term in stems | pairs:
                row = postings.setdefault(term, {})
                row[position] = row.get(position, 0.0) + weight
            length += weight * len(stems)
        lengths.append(length)
    positions = {need.slug: position for position, need in enumerate(needs)}
    first_time_of = {
        positions[variant]: positions[usual]
        for variant, usual in lexicon.first_time.items()
        if variant in positions and usual in positions
    }
    return SearchIndex(
        needs=tuple(needs),
        postings=postings,
        lengths=tuple(lengths),
        average_length=(sum(lengths) / len(lengths)) if lengths else 1.0,
        known_words=tuple(sorted(known)),
        lexicon=lexicon,
        first_time_of=first_time_of,
        names=tuple(frozenset(_terms(need.fields[0][1])[0]) for need in needs),
    )


# --- A query --------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A query read: its meaningful words, the index terms each may stand for (with how
    sure), and whether it says "first time"."""

    words: tuple[str, ...]
    candidates: tuple[dict[str, float], ...]
    first_time: bool


def _first_time(normalised: str, lexicon: Lexicon) -> tuple[str, bool]:
    """The query without what says "first time", and whether something did: the
    words become a flag (a variant's rank), not terms to match."""
    padded = f" {normalised} "
    found = False
    for marker in lexicon.first_time_markers:
        for negation in NOT_FIRST_TIME:  # "ce n'est pas la première fois"
            if f" {negation} {marker} " in padded:
                padded = padded.replace(f" {negation} {marker} ", " ")
        if f" {marker} " in padded:
            padded = padded.replace(f" {marker} ", " ")
            found = True
    return padded.strip(), found


def _prefixed(word: str, index: SearchIndex, weight: float, found: dict[str, float]) -> None:
    own = stem(word)
    position = bisect.bisect_left(index.known_words, word)
    while position < len(index.known_words) and index.known_words[position].startswith(word):
        term = stem(index.known_words[position])
        found[term] = max(found.get(term, 0.0), 1.0 if term == own else weight)
        position += 1


def _close_words(
    word: str, index: SearchIndex, *, last: bool, loose: bool = False
) -> dict[str, float]:
    """The index terms a word may stand for: itself, else the closest known words
    (typos); the words it begins, for the last word typed (less when the word is
    known as it is: "ame" is the AME before it is the start of "amende") and for a
    word known in no other way ("actu pole emploi")."""
    own = stem(word)
    found: dict[str, float] = {}
    if own in index.postings:
        found[own] = 1.0
    if last and len(word) >= MIN_PREFIX:
        _prefixed(word, index, PREFIX_WEIGHT / 2 if found else PREFIX_WEIGHT, found)
    elif not found and len(word) >= FUZZY_MIN_LENGTH:
        _prefixed(word, index, PREFIX_WEIGHT * 0.9, found)
    if found or len(word) < FUZZY_MIN_LENGTH:
        return found
    tries = [word]
    for elision in _ELISION:  # "didentite": "d'identité" typed without its apostrophe
        if word.startswith(elision) and len(word) - len(elision) >= FUZZY_MIN_LENGTH:
            tries.append(word[len(elision) :])
    for attempt in tries:
        if stem(attempt) in index.postings:
            found[stem(attempt)] = 0.95
            return found
    for attempt in tries:
        cutoff = FUZZY_CUTOFF - 5 if len(attempt) >= 8 else FUZZY_CUTOFF  # longer, more slips
        if loose:
            cutoff = LOOSE_CUTOFF
        for known, score, _ in process.extract(
            attempt, index.known_words, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3
        ):
            term = stem(known)
            weight = (score / 100.0) ** 2
            found[term] = max(found.get(term, 0.0), weight)
    return found


def _acronyms(tokens: Sequence[str]) -> list[str]:
    """Single letters in a row are one acronym typed with dots or spaces ("r.s.a")."""
    out: list[str] = []
    letters: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha():
            letters.append(token)
            continue
        out += ["".join(letters)] if len(letters) >= 2 else letters
        letters = []
        if token:
            out.append(token)
    return out


def read_query(text: str, index: SearchIndex, *, loose: bool = False) -> Query:
    normalised, first_time = _first_time(normalize(text), index.lexicon)
    tokens = rewrite(_acronyms(normalised.split()), index.lexicon)
    meaningful = [t for t in tokens if _meaningful(t)]
    if not meaningful:
        return Query((), (), False)
    typing = not text[-1:].isspace()  # the last word may still be half typed
    candidates = tuple(
        _close_words(word, index, last=typing and i == len(meaningful) - 1, loose=loose)
        for i, word in enumerate(meaningful)
    )
    return Query(tuple(meaningful), candidates, first_time)


def _bm25(index: SearchIndex, term: str, position: int) -> float:
    frequency = index.postings.get(term, {}).get(position, 0.0)
    if not frequency:
        return 0.0
    norm = 1 - B + B * index.lengths[position] / index.average_length
    return index.idf(term) * frequency * (K1 + 1) / (frequency + K1 * norm)


def score_needs(query: Query, index: SearchIndex) -> dict[int, float]:
    """Each need's score: per query word, its best term; plus neighbouring pairs."""
    scores: dict[int, float] = {}
    for candidates in query.candidates:
        best: dict[int, float] = {}
        for term, sureness in candidates.items():
            for position in index.postings[term]:
                value = sureness * _bm25(index, term, position)
                if value > best.get(position, 0.0):
                    best[position] = value
        for position, value in best.items():
            scores[position] = scores.get(position, 0.0) + value
    for left, right in itertools.pairwise(query.candidates):
        for a, sure_a in left.items():
            for b, sure_b in right.items():
                pair = f"{a} {b}"
                for position in index.postings.get(pair, ()):
                    bonus = BIGRAM_WEIGHT * min(sure_a, sure_b) * _bm25(index, pair, position)
                    scores[position] = scores.get(position, 0.0) + bonus
    said = {term for candidates in query.candidates for term in candidates}
    for position in scores:
        name = index.names[position] if index.names else frozenset()
        covered = len(name & said) / len(name) if name else 0.0
        scores[position] *= 1 + NAME_BONUS * covered**2
        scores[position] *= 1 + POPULARITY_BONUS * index.needs[position].popularity / 100
    if query.first_time and scores:
        top = max(scores.values())
        for variant, usual in index.first_time_of.items():
            in_play = max(scores.get(usual, 0.0), scores.get(variant, 0.0))
            if in_play >= FIRST_TIME_IN_PLAY * top:  # the query is about this démarche
                scores[variant] = max(top, in_play) * 1.1
    elif scores:  # a first time is not said: the variant is an alternative, not a rival
        for variant in index.first_time_of:
            if variant in scores:
                scores[variant] *= VARIANT_UNSAID
    return scores


SCORE_DECIMALS = 2


def search(
    index: SearchIndex | Sequence[IndexedNeed], query: str, *, limit: int = 10
) -> list[SearchResult]:
    """The needs ``query`` may mean, best first; nothing when no word of it is known."""
    if not isinstance(index, SearchIndex):
        index = build_index(index)
    read = read_query(query, index)
    if not read.words:
        return []
    scores = score_needs(read, index)
    if not scores:  # nothing known: read the words more loosely before saying nothing
        scores = score_needs(read_query(query, index, loose=True), index)
    if not scores:
        return []
    top = max(scores.values())
    ranked = sorted(
        ((score, index.needs[p]) for p, score in scores.items() if score >= top * RELATIVE_FLOOR),
        # Ranked on the score as shown (two decimals): ties then go to the more asked
        # need, and the list never looks out of order (6.16 above 6.17).
        key=lambda pair: (-round(pair[0], SCORE_DECIMALS), -pair[1].popularity, pair[1].name),
    )
    return [
        SearchResult(
            slug=need.slug,
            name=need.name,
            theme=need.theme,
            operators=need.operators,
            score=round(score, SCORE_DECIMALS),
        )
        for score, need in ranked[:limit]
    ]


def choices(results: Sequence[SearchResult]) -> list[SearchResult]:
    """The answers too close to the best to choose between them for the person: the
    desk and the portal show them all as choices (one: a clear answer)."""
    if not results:
        return []
    return [r for r in results if r.score >= CLOSE_RATIO * results[0].score]


def close_call(results: Sequence[SearchResult]) -> bool:
    """The first two answers are too close to choose between: show both as choices."""
    return len(choices(results)) > 1
