"""Generated input: what people and programs actually send, and worse.

Text mixes ordinary French with control characters, NUL bytes, right-to-left marks,
emoji, very long strings, markup and template syntax; numbers go out of range and
come in other scripts' digits ("²", "٣" are digits to ``str.isdigit``, not to ``int``);
dates are malformed; form data drops fields, adds unknown ones and swaps values.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from hypothesis import strategies as st

NASTY_TEXTS = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\u202eédoc\u202c",  # right-to-left override
    "\u200b",  # zero-width space
    "\ufeff",  # byte order mark
    "🙂",
    "👩🏽‍💻 démarche",
    "𝕯𝖊𝖒𝖆𝖗𝖈𝖍𝖊",
    "ﷺ",
    "Zoë Ⅻ ß ǅ",
    "ﬁ",
    "'; DROP TABLE core_network; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "{{ request }}",
    "{% debug %}",
    "%s %(name)s {0}",
    '=HYPERLINK("http://x")',
    "+33 6 12 34 56 78",
    "camille@example.org",
    "../../etc/passwd",
    "\\",
    "null",
    "None",
    "true",
)
NASTY_NUMBERS = (
    "²",
    "³",
    "\u0661\u0662",  # Arabic-Indic digits
    "\u0663",
    "①",
    "0",
    "-0",
    "-1",
    "+1",
    " 7 ",
    "1.5",
    "1,5",
    "1e3",
    "1e309",
    "NaN",
    "inf",
    "-inf",
    "0x10",
    "1_000",
    "2147483648",
    "9223372036854775808",
    "9" * 40,
    "-" + "9" * 40,
)
NASTY_DATES = (
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "31/12/2026",
    "2026-1-1",
    "20261201",
    "2026-12-01T10:00",
    "2026-12-01 25:00",
    "2026-W49-1",
    "1999-12-31",
    "2101-01-01",
)
NASTY_TIMES = ("24:00", "25:61", "9h", "12:00:60", "-1:00", "23:59:59.999999", "midi")


def long_text(min_repeat: int = 100, max_repeat: int = 4000) -> st.SearchStrategy[str]:
    """Very long values, cheap to generate: one nasty piece repeated."""
    return st.builds(
        lambda piece, times: piece * times,
        st.sampled_from(["a", "é", "🙂", "\u202e", " ", "9", "a\nb"]),
        st.integers(min_repeat, max_repeat),
    )


def nasty_text(max_size: int = 300) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY_TEXTS),
        st.text(max_size=max_size),
        st.text(
            st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "Zl", "Zp", "So", "Nd")),
            max_size=40,
        ),
        long_text(),
    )


def french_text(max_size: int = 80) -> st.SearchStrategy[str]:
    """Plausible typed text: letters, accents, digits, spaces and punctuation."""
    return st.text(
        st.characters(
            codec="utf-8",
            categories=("Lu", "Ll", "Nd", "Zs", "Pd", "Po"),
            exclude_characters="\x00",
        ),
        min_size=1,
        max_size=max_size,
    ).filter(lambda s: s.strip())


def nasty_number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY_NUMBERS),
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        nasty_text(20),
    )


def number_text(low: int, high: int) -> st.SearchStrategy[str]:
    """A number in range most of the time, anything else otherwise."""
    return st.one_of(st.integers(low, high).map(str), nasty_number())


def id_text(ids: list[int]) -> st.SearchStrategy[str]:
    """An id of this network, of the other one, of nothing, or not an id at all."""
    return st.one_of(st.sampled_from(ids).map(str), nasty_number())


def date_text(around: datetime.date | None = None) -> st.SearchStrategy[str]:
    around = around or timezone.localdate()
    near = st.integers(-30, 400).map(lambda days: (around + datetime.timedelta(days)).isoformat())
    return st.one_of(
        near,
        st.dates().map(datetime.date.isoformat),
        st.sampled_from(NASTY_DATES),
        nasty_text(30),
    )


def time_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.times().map(lambda t: t.strftime("%H:%M")),
        st.sampled_from(NASTY_TIMES),
        nasty_text(20),
    )


def choice_or_nasty(values) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(list(values)), nasty_text(40))


def subset_or_nasty(values) -> st.SearchStrategy[list[str]]:
    """A multiple choice: some of the values, maybe an unknown one among them."""
    return st.lists(choice_or_nasty(values), max_size=len(values) + 2)


def value_shapes(value: st.SearchStrategy) -> st.SearchStrategy:
    """A field's value as a form can receive it: one value, several, or an empty list."""
    return st.one_of(value, st.lists(value, min_size=0, max_size=3))


@dataclass(frozen=True)
class Field:
    """A form field: a valid value, and what a careless or hostile sender puts there."""

    valid: st.SearchStrategy
    nasty: st.SearchStrategy = field(default_factory=nasty_text)


def text_field(max_size: int = 80, *, blank: bool = False) -> Field:
    valid = french_text(max_size)
    return Field(st.one_of(st.just(""), valid) if blank else valid, nasty_text(max_size + 50))


def number_field(low: int, high: int, *, blank: bool = False) -> Field:
    valid = st.integers(low, high).map(str)
    return Field(st.one_of(st.just(""), valid) if blank else valid, nasty_number())


def choice_field(values, *, blank: bool = False) -> Field:
    values = [str(v) for v in values]
    return Field(st.sampled_from(["", *values] if blank else values), nasty_text(40))


def id_field(own: list[int], world_ids: list[int], *, blank: bool = False) -> Field:
    """A valid id of this network; otherwise another network's, nothing's, or garbage."""
    valid = st.sampled_from(["", *map(str, own)] if blank else list(map(str, own)))
    return Field(valid, id_text(world_ids))


def ids_field(own: list[int], world_ids: list[int], *, max_size: int = 4) -> Field:
    return Field(
        st.lists(st.sampled_from(list(map(str, own))), max_size=max_size, unique=True),
        st.lists(id_text(world_ids), min_size=1, max_size=max_size),
    )


def date_field(first: datetime.date, days: int = 60, *, blank: bool = False) -> Field:
    valid = st.integers(0, days).map(lambda n: (first + datetime.timedelta(n)).isoformat())
    return Field(st.one_of(st.just(""), valid) if blank else valid, date_text(first))


def time_field(*choices: str) -> Field:
    return Field(st.sampled_from(choices), time_text())


def const(value) -> Field:
    return Field(st.just(value))


@st.composite
def form_data(draw, fields: dict[str, Field], *, max_mutations: int = 3) -> dict[str, Any]:
    """A form as posted: valid values (so that forms are also accepted, and what they
    write can be checked), then up to ``max_mutations`` changes: a field dropped, a
    nasty value, several values, an unknown field."""
    data = {name: draw(f.valid, label=name) for name, f in fields.items()}
    names = sorted(fields)
    for _ in range(draw(st.integers(0, max_mutations), label="mutations")):
        kind = draw(st.sampled_from(["drop", "nasty", "several", "extra"]))
        name = draw(st.sampled_from(names)) if names else "x"
        if kind == "drop":
            data.pop(name, None)
        elif kind == "nasty" and names:
            data[name] = draw(fields[name].nasty)
        elif kind == "several" and names:
            values = draw(st.lists(fields[name].nasty, min_size=2, max_size=3))
            data[name] = [
                v for value in values for v in (value if isinstance(value, list) else [value])
            ]
        else:
            extra = draw(st.sampled_from(["network", "network_id", "id", "pk", "is_active", "x"]))
            data[extra] = draw(st.one_of(nasty_text(), nasty_number()))
    return data
