"""Reads of the catalog. The catalog is national reference data: no tenancy here."""

from __future__ import annotations

import time

from django.db.models import Prefetch

from aiguillage.catalog.models import Need, Theme
from aiguillage.catalog.search import (
    IndexedNeed,
    Lexicon,
    SearchResult,
    index_need,
    lexicon,
    search,
)

MAX_RESULTS = 25
MAX_QUERY_LENGTH = 100
INDEX_TTL_SECONDS = 300.0

# The search index of this process and when it expires. The catalog changes by
# migrations (and saves, which clear it through signals), so a few minutes of
# staleness at most, against ~20 ms saved on every keystroke of the search box.
_index_cache: tuple[float, list[IndexedNeed], Lexicon] | None = None


def build_need_index() -> list[IndexedNeed]:
    """One pass over the active needs (three queries), ready for ``search``."""
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
            )
        )
    return index


def _cached() -> tuple[float, list[IndexedNeed], Lexicon]:
    global _index_cache
    now = time.monotonic()
    if _index_cache is None or _index_cache[0] < now:
        index = build_need_index()
        _index_cache = (now + INDEX_TTL_SECONDS, index, lexicon(index))
    return _index_cache


def need_index() -> list[IndexedNeed]:
    return _cached()[1]


def clear_need_index() -> None:
    global _index_cache
    _index_cache = None


def search_needs(query: str, *, limit: int = 10) -> list[SearchResult]:
    _expires, index, lex = _cached()
    return search(index, query[:MAX_QUERY_LENGTH], limit=min(max(limit, 1), MAX_RESULTS), lex=lex)


def themes_with_needs() -> list[Theme]:
    """Themes with their active needs as ``active_needs`` (three queries in all)."""
    needs = Need.objects.active().prefetch_related("operators").order_by("-popularity", "name")
    return list(
        Theme.objects.prefetch_related(Prefetch("needs", queryset=needs, to_attr="active_needs"))
    )


def get_need(slug: str) -> Need:
    return (
        Need.objects.active().select_related("theme").prefetch_related("operators").get(slug=slug)
    )
