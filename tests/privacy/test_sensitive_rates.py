"""The guard's rates on a fixed seeded sample: at least 99 % of valid identifiers refused,
at most 1 % of ordinary texts refused or warned. The benchmark measures the same on
thousands of samples (tests/bench/bench_sensitive.py, figures in docs/benchmarks.md)."""

import pytest

from tests.privacy.sensitive_samples import KINDS, corpus, detection, false_alarms

SAMPLES_PER_KIND = 250


@pytest.mark.parametrize("kind", KINDS)
def test_at_least_99_percent_of_valid_identifiers_are_refused(kind):
    rate, missed = detection(kind, SAMPLES_PER_KIND, seed=2025)
    assert rate.rate >= 0.99, [m.text for m in missed]
    # ...and named for what they are (the message says which kind of data it is).
    assert rate.right_kind >= 0.99 * rate.count


def test_the_corpus_is_large_and_says_where_contact_is_allowed():
    texts = corpus()
    assert len(texts) >= 300
    assert {t.allow_contact for t in texts} == {True, False}
    assert len({t.text for t in texts}) == len(texts), "a text is written twice"


def test_at_most_1_percent_of_ordinary_texts_raise_an_alarm():
    alarms = false_alarms()
    shown = [
        (item.source, item.line, [f.kind for f in findings])
        for item, findings in alarms.refused + alarms.warned
    ]
    assert alarms.refusal_rate <= 0.01, shown
    assert (len(alarms.refused) + len(alarms.warned)) / alarms.texts <= 0.01, shown
