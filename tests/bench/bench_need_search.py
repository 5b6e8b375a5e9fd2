"""Need search: time per query and quality on the phrasing sets, as the desk uses it.

Quality: top-1 and top-3 on the tuning sets (dev.tsv, dev2.tsv when present) and on the
held-out set (heldout.tsv, never used for tuning: only its totals are printed)."""

import platform
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aiguillage.catalog.search import build_index, search
from aiguillage.catalog.selectors import (
    build_need_index,
    clear_need_index,
    desk_lexicon,
    search_needs,
)
from tests.catalog.phrasings import evaluation

QUERIES = [
    "impot", "pole emploi", "carte grise", "alocation familliale", "declar", "caf",
    "titre de sejour", "ameli", "retraite", "cv", "mail", "passeport", "rsa", "apl",
    "j'ai égaré mon permis de conduire", "je comprends rien à mon compte ameli",
    "ma tablette je sais pas l'utiliser", "on m'a cambriolé et mes papiers ont disparu",
    "bonjour madame excusez-moi c'est pour mon fils qui a eu 16 ans en mars, au lycée on "
    "lui réclame une attestation de recensement et on sait pas où la demander",
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
    needs = build_need_index()
    index = build_index(needs, desk_lexicon())
    build_median, build_p95 = _timed(
        lambda: build_index(build_need_index(), desk_lexicon()), ROUNDS
    )
    per_query = []
    for query in QUERIES:
        median, _p95 = _timed(lambda q=query: search(index, q), ROUNDS)
        per_query.append(median)
    cold_median, cold_p95 = _timed(
        lambda: (clear_need_index(), search_needs("alocation familliale")), 10
    )
    warm_median, warm_p95 = _timed(lambda: search_needs("alocation familliale"), ROUNDS)
    print(
        f"\nneed search on {connection.vendor}, {len(needs)} needs, "
        f"{len(index.postings)} terms, {len(index.known_words)} known words, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    print(f"  queries per search request: {len(queries)}")
    print(f"  build index:           median {build_median:6.2f} ms  p95 {build_p95:6.2f} ms")
    print(
        f"  rank one query:        median {statistics.median(per_query):6.2f} ms, "
        f"slowest {max(per_query):6.2f} ms (medians over {len(QUERIES)} queries)"
    )
    print(f"  search, cold index:    median {cold_median:6.2f} ms  p95 {cold_p95:6.2f} ms")
    print(f"  search, cached index:  median {warm_median:6.2f} ms  p95 {warm_p95:6.2f} ms")

    def slugs(query):
        return [r.slug for r in search(index, query)]

    for name, path in evaluation.SETS:
        if path.exists():
            phrasings = evaluation.load(path)
            timings = []
            for phrasing in phrasings:
                start = time.perf_counter()
                search(index, phrasing.phrase)
                timings.append((time.perf_counter() - start) * 1000)
            score = evaluation.score(slugs, phrasings)
            print(f"  {score.line(name)}, median {statistics.median(timings):.2f} ms a phrasing")
