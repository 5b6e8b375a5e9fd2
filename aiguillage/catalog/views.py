from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from aiguillage.catalog.models import Need
from aiguillage.catalog.selectors import (
    MAX_QUERY_LENGTH,
    get_need,
    search_needs,
    themes_with_needs,
)


def _query(request) -> str:
    return request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]


@login_required
def catalog(request) -> HttpResponse:
    """The catalog browser; its search works without JavaScript and live with htmx."""
    query = _query(request)
    context = {
        "query": query,
        "results": search_needs(query) if query else None,
        "themes": themes_with_needs(),
    }
    return render(request, "catalog/catalog.html", context)


@login_required
def search_results(request) -> HttpResponse:
    """The result list alone, for htmx as-you-type updates."""
    query = _query(request)
    return render(
        request,
        "catalog/_results.html",
        {"query": query, "results": search_needs(query) if query else None},
    )


@login_required
def need_detail(request, slug: str) -> HttpResponse:
    try:
        need = get_need(slug)
    except Need.DoesNotExist:
        raise Http404("No such need.") from None
    return render(request, "catalog/need_detail.html", {"need": need})
