"""Reads of the catalog. The catalog is national reference data: no tenancy here."""

from __future__ import annotations

from django.db.models import Prefetch

from aiguillage.catalog.models import Need, Theme
from aiguillage.catalog.search import IndexedNeed, SearchResult, index_need, search

MAX_RESULTS = 25


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


def search_needs(query: str, *, limit: int = 10) -> list[SearchResult]:
    return search(build_need_index(), query, limit=min(max(limit, 1), MAX_RESULTS))


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
