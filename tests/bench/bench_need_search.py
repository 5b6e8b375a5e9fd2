"""Need search: time per query with the index built per request, as the desk uses it."""

import platform
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aiguillage.catalog.search import search
from aiguillage.catalog.selectors import build_need_index, clear_need_index, search_needs

QUERIES = [
    "impot", "pole emploi", "carte grise", "alocation familliale", "declar", "caf",
    "titre de sejour", "ameli", "retraite", "cv", "mail", "passeport", "rsa", "apl",
]  # fmt: skip
ROUNDS = 30


def _timed(fn, rounds):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


@pytest.mark.django_db
def bench_need_search():
    with CaptureQueriesContext(connection) as queries:
        search_needs("impot")
    index = build_need_index()
    build_median, build_p95 = _timed(build_need_index, ROUNDS)
    search_median, _search_p95 = _timed(lambda: [search(index, q) for q in QUERIES], ROUNDS)
    cold_median, cold_p95 = _timed(
        lambda: (clear_need_index(), search_needs("alocation familliale")), ROUNDS
    )
    warm_median, warm_p95 = _timed(lambda: search_needs("alocation familliale"), ROUNDS)
    print(
        f"\nneed search on {connection.vendor}, {len(index)} needs, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    print(f"  queries per search request: {len(queries)}")
    print(f"  build index:           median {build_median:6.2f} ms  p95 {build_p95:6.2f} ms")
    per_query = search_median / len(QUERIES)
    print(f"  rank one query:        median {per_query:6.2f} ms (over {len(QUERIES)} queries)")
    print(f"  search, cold index:    median {cold_median:6.2f} ms  p95 {cold_p95:6.2f} ms")
    print(f"  search, cached index:  median {warm_median:6.2f} ms  p95 {warm_p95:6.2f} ms")
