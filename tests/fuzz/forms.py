"""Posting a generated form and checking what it did: the properties every form test
shares.

- never a server error (the test client re-raises a view's exception, so a crash
  fails the example with its traceback);
- a refused form (any answer but a redirect) writes nothing: every table is as before;
- an accepted form (a redirect) writes only the tables it is about (``writes``), and
  ``then`` checks it wrote what it says;
- the other network's rows are never touched, accepted or refused.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import event

from tests.fuzz.harness import Baseline, is_redirect, no_server_error, rolled_back

# (path, outcome) -> examples: what the fuzzing reached (FUZZ_STATS=1 prints it).
OUTCOMES: Counter[tuple[str, str]] = Counter()


def _outcome(response, outcome: str) -> None:
    event(outcome)
    OUTCOMES[(response.request["PATH_INFO"], outcome)] += 1
    if os.environ.get("FUZZ_STATS") == "errors" and response.context is not None:
        for name in ("form", "sessions", "rule_form", "settings_form"):
            form = response.context.get(name)
            if form is not None and getattr(form, "errors", None):
                print(outcome, response.request["PATH_INFO"], name, form.errors)


def last(data: dict[str, Any], name: str, default: str = "") -> Any:
    """The value a form reads for ``name`` (the last one when several were posted)."""
    value = data.get(name, default)
    if isinstance(value, list):
        return value[-1] if value else default
    return value


def post_form(
    client,
    url: str,
    data: dict[str, Any],
    *,
    base: Baseline,
    writes: set[str] = frozenset(),
    then: Callable[[Any], None] | None = None,
    method: str = "post",
    answer_writes: set[str] = frozenset(),
):
    """Post ``data`` to ``url`` in a savepoint rolled back afterwards; the response.

    ``answer_writes``: the tables an answer that is not a redirect may write all the
    same (the public search records a search that found nothing)."""
    with rolled_back():
        response = getattr(client, method)(url, data)
        no_server_error(response)
        diff = base.changed_tables()
        if is_redirect(response):
            _outcome(response, "accepted")
            unexpected = diff - set(writes)
            assert not unexpected, f"an accepted form wrote {sorted(unexpected)}"
            if then is not None:
                then(response)
        else:
            verb = "refused" if method == "post" else "answered"
            _outcome(response, f"{verb} {response.status_code}")
            unexpected = diff - set(answer_writes)
            assert not unexpected, f"a refused form ({response.status_code}) wrote {sorted(diff)}"
    return response
