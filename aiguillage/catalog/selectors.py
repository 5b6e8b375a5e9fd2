"""Reads of the catalog. The catalog is national reference data: no tenancy here."""

from __future__ import annotations

import json
import time
from functools import cache
from pathlib import Path

from django.db.models import Prefetch

from aiguillage.catalog.models import Need, Theme
from aiguillage.catalog.search import (
    IndexedNeed,
    Lexicon,
    SearchIndex,
    SearchResult,
    build_index,
    index_need,
    search,
)

MAX_RESULTS = 25
MAX_QUERY_LENGTH = 200
INDEX_TTL_SECONDS = 300.0
LEXICON_FILE = Path(__file__).resolve().parent / "data" / "lexicon.json"

# The search index of this process and when it expires. The catalog changes by
# migrations (and saves, which clear it through signals), so a few minutes of
# staleness at most, against ~20 ms saved on every keystroke of the search box.
_index_cache: tuple[float, SearchIndex] | None = None


@cache
def desk_lexicon() -> Lexicon:
    """What people say at the desk (versioned with the code, not with the catalog:
    it is knowledge of the language, tuned on tests/catalog/phrasings/dev.tsv)."""
    return Lexicon.from_data(json.loads(LEXICON_FILE.read_text(encoding="utf-8")))


def build_need_index() -> list[IndexedNeed]:
    """One pass over the active needs (three queries), ready for ``build_index``."""
    lexicon = desk_lexicon()
    index = []
    for need in Need.objects.for_search():
        operators = list(need.operators.all())
        terms: list[str] = []
        for operator in operators:
            terms += [operator.name, operator.short_name, *operator.aliases]
        index.append(
            index_need(
                slug=need.slug,
                name=need.name,
                theme=need.theme.name,
                description=need.description,
                synonyms=need.synonyms,
                operator_names=[o.short_name or o.name for o in operators],
                operator_terms=[t for t in terms if t],
                popularity=need.popularity,
                phrases=lexicon.phrases.get(need.slug, ()),
                lexicon=lexicon,
            )
        )
    return index


def _cached() -> SearchIndex:
    global _index_cache
    now = time.monotonic()
    if _index_cache is None or _index_cache[0] < now:
        _index_cache = (now + INDEX_TTL_SECONDS, build_index(build_need_index(), desk_lexicon()))
    return _index_cache[1]


def clear_need_index() -> None:
    global _index_cache
    _index_cache = None


def search_needs(query: str, *, limit: int = 10) -> list[SearchResult]:
    """The desk's, the portal's, the API's and ``orient``'s one need search."""
    return search(_cached(), query[:MAX_QUERY_LENGTH], limit=min(max(limit, 1), MAX_RESULTS))


def themes_with_needs() -> list[Theme]:
    """Themes with their active needs as ``active_needs`` (three queries in all)."""
    needs = Need.objects.active().prefetch_related("operators").order_by("-popularity", "name")
    # django-stubs cannot type a Prefetch to an attribute of a custom QuerySet.
    active = Prefetch("needs", queryset=needs, to_attr="active_needs")
    return list(Theme.objects.prefetch_related(active))  # type: ignore[arg-type]


def get_need(slug: str) -> Need:
    return (
        Need.objects.active().select_related("theme").prefetch_related("operators").get(slug=slug)
    )
