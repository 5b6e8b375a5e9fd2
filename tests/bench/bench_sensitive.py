"""Sensitive-data guard: detection on generated identifiers, false alarms on the corpus,
time per scan. Figures printed; docs/benchmarks.md keeps them with the machine and date.

AIGUILLAGE_ENV=dev .venv/bin/pytest tests/bench/bench_sensitive.py \
    -o python_files='bench_*.py' -o python_functions='bench_*' -s -q
"""

import dataclasses
import os
import platform
import statistics
import time

from aiguillage.privacy.sensitive import scan
from tests.privacy.sensitive_samples import (
    KINDS,
    corpus,
    detection,
    false_alarms,
    identifier_samples,
)

PER_KIND = int(os.environ.get("BENCH_SENSITIVE_PER_KIND", "2500"))
SEED = 6


def bench_sensitive_detection():
    print(f"\nsensitive-data guard, detection: {PER_KIND} valid identifiers per kind, seed {SEED}")
    total = refused = right = 0
    for kind in KINDS:
        rate, missed = detection(kind, PER_KIND, seed=SEED)
        total, refused, right = total + rate.count, refused + rate.refused, right + rate.right_kind
        print(
            f"  {kind:14} refused {rate.refused:5}/{rate.count}  {100 * rate.rate:6.2f} %"
            f"   as its own kind {100 * rate.right_kind / rate.count:6.2f} %"
        )
        for sample in missed[:3]:
            print(f"      missed: {sample.text!r}")
    print(
        f"  {'all':14} refused {refused:5}/{total}  {100 * refused / total:6.2f} %"
        f"   as its own kind {100 * right / total:6.2f} %"
    )


def bench_sensitive_false_alarms():
    texts = corpus()
    print(f"\nsensitive-data guard, false alarms on {len(texts)} ordinary texts")
    for source in sorted({t.source for t in texts}):
        part = [t for t in texts if t.source == source]
        alarms = false_alarms(part)
        contact = "contact allowed" if part[0].allow_contact else "no contact"
        print(
            f"  {source:31} {len(part):4} texts ({contact:15})  refused {len(alarms.refused):2}"
            f" ({100 * alarms.refusal_rate:4.1f} %)  warned {len(alarms.warned):2}"
            f" ({100 * alarms.warning_rate:4.1f} %)"
        )
        for item, findings in alarms.refused + alarms.warned:
            print(f"      line {item.line}: {[f.kind for f in findings]} {item.text[:90]!r}")
    alarms = false_alarms(texts)
    print(
        f"  {'all':31} {alarms.texts:4} texts                    refused"
        f" {len(alarms.refused):2} ({100 * alarms.refusal_rate:4.1f} %)  warned"
        f" {len(alarms.warned):2} ({100 * alarms.warning_rate:4.1f} %)"
    )
    for label, part in (
        ("tuning files", [t for t in texts if not t.source.startswith("held_out_")]),
        ("held-out files", [t for t in texts if t.source.startswith("held_out_")]),
    ):
        alarms = false_alarms(part)
        print(
            f"  {label:31} {alarms.texts:4} texts                    refused"
            f" {len(alarms.refused):2} ({100 * alarms.refusal_rate:4.1f} %)  warned"
            f" {len(alarms.warned):2} ({100 * alarms.warning_rate:4.1f} %)"
        )
    strict = false_alarms([dataclasses.replace(t, allow_contact=False) for t in texts])
    print(
        f"  the same texts in fields that allow no contact data: refused {len(strict.refused)}"
        f" ({100 * strict.refusal_rate:4.1f} %), the contact data the descriptions hold"
    )


def _timed(texts: list[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            scan(text)
            samples.append((time.perf_counter() - start) * 1000)
    return sorted(samples)


def bench_sensitive_speed():
    texts = [t.text for t in corpus()]
    identifiers = [s.text for kind in KINDS for s in identifier_samples(kind, 100, seed=SEED + 1)]
    long_text = " ".join(texts)[:20_000]
    _timed(texts[:50], 1)  # warm-up: phonenumbers and stdnum load their data
    ordinary = _timed(texts, 5)
    with_ids = _timed(identifiers, 5)
    long = _timed([long_text], 20)
    digit_soup = _timed(["1 " * 10_000, "sécu " + "12 " * 6_666, "cancer " * 2_857], 3)
    # Every group after a bank word (a RIB cut anyhow is looked for there), RIB-shaped
    # groups, and « code » before every word.
    bank_soup = _timed(
        [("rib 1 " * 3_334)[:20_000], "RIB " + "30004 00550 " * 1_666, "code " * 4_000], 3
    )
    start = time.perf_counter()
    for text in texts:
        scan(text)
    per_second = len(texts) / (time.perf_counter() - start)
    print(
        f"\nsensitive-data guard, time per scan "
        f"({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores)"
    )
    for label, samples in (
        (f"ordinary texts (mean {statistics.mean(len(t) for t in texts):.0f} chars)", ordinary),
        ("texts holding an identifier", with_ids),
        (f"one text of {len(long_text):,} chars".replace(",", " "), long),
        ("20 000 chars of digits, or health words", digit_soup),
        ("20 000 chars of bank words or « code »", bank_soup),
    ):
        p50, p95 = statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
        print(f"  {label:42} median {p50:7.3f} ms  p95 {p95:7.3f} ms  max {samples[-1]:7.3f} ms")
    print(f"  corpus throughput: {per_second:,.0f} texts per second on one core")


def _irregular(rng, digits: str, *, keep: int = 0) -> str:
    """The digits cut at random places (not in the first ``keep`` characters), with a
    random separator: layouts nobody prints."""
    cuts = sorted(rng.sample(range(max(1, keep), len(digits)), rng.randint(2, 5)))
    parts = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    return rng.choice([" ", ".", "-"]).join(parts)


def bench_sensitive_irregular_layouts():
    """What the layout filter costs: identifiers cut where no document cuts them. The guard
    trades these (and lists of postcodes that would form a NIR) for fewer false alarms;
    a context word (« sécu », « carte ») still catches a NIR or a card number so cut."""
    import random

    from tests.privacy.sensitive_samples import make_card, make_iban, make_nir, make_rib

    rng = random.Random(SEED)
    print(f"\nsensitive-data guard, irregular layouts ({PER_KIND // 5} per kind)")
    for kind, make, context, keep in (
        ("nir", make_nir, "n° de sécu", 0),
        ("card_number", make_card, "carte bancaire", 0),
        ("iban", make_iban, "IBAN", 4),  # the country and key stay together
        ("rib", make_rib, "RIB", 0),
    ):
        bare = in_context = 0
        for _ in range(PER_KIND // 5):
            written = _irregular(rng, make(rng), keep=keep)
            bare += any(f.kind == kind for f in scan(f"Le numéro {written} noté."))
            in_context += any(f.kind == kind for f in scan(f"{context} {written}"))
        count = PER_KIND // 5
        print(
            f"  {kind:12} without a context word {100 * bare / count:6.2f} %"
            f"   after « {context} » {100 * in_context / count:6.2f} %"
        )


def bench_sensitive_without_a_colon():
    """What « code » and « identifiant » without a colon catch, by shape of the value:
    the guard refuses only values that cannot be words of the sentence, so plain words
    and digits after a bare « code », and plain words after « identifiant » that read like
    French, go through (docs/privacy-guard.md, Known limits)."""
    import random

    from tests.privacy.sensitive_samples import make_login, make_password

    rng = random.Random(SEED)
    count = PER_KIND
    print(f"\nsensitive-data guard, values without a colon ({count} per line)")

    def rate(sentence: str, make, kind: str) -> dict[str, tuple[int, int]]:
        shapes: dict[str, tuple[int, int]] = {}
        for _ in range(count):
            value = make(rng)
            if value.isdigit():
                shape = "digits alone"
            elif value.isalpha() and value.islower():
                shape = "a plain lower-case word"
            else:
                shape = "letters with digits or symbols"
            text = sentence.format(v=value)
            start = text.index(value)
            hit = any(
                f.kind == kind and f.start < start + len(value) and start < f.end
                for f in scan(text)
            )
            found, total = shapes.get(shape, (0, 0))
            shapes[shape] = (found + hit, total + 1)
        return shapes

    for label, sentence, make, kind in (
        ("« identifiant {v} »", "Noté : identifiant {v}, à revoir.", make_login, "login"),
        ("« code {v} »", "identifiant 1234567X, code {v}", make_password, "password"),
        ("« son code {v} »", "Elle a donné son code {v} hier.", make_password, "password"),
    ):
        shapes = rate(sentence, make, kind)
        found = sum(f for f, _ in shapes.values())
        print(f"  {label:22} {100 * found / count:6.2f} %")
        for shape, (hit, total) in sorted(shapes.items()):
            print(f"      {shape:32} {hit:5}/{total:<5} {100 * hit / total:6.2f} %")
