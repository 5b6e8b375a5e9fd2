"""One reading of phone numbers for every app (aiguillage/core/phones.py)."""

import pytest

from aiguillage.core import phones


@pytest.mark.parametrize(
    ("raw", "overseas", "expected"),
    [
        ("04 67 44 24 60", False, "+33467442460"),
        ("+33 6 12 34 56 78", False, "+33612345678"),
        ("0262 12 34 56", False, None),  # a Réunion number read as metropolitan: invalid
        ("0262 12 34 56", True, "+262262123456"),
        ("+41 22 123 45 67", True, "+41221234567"),  # with its code: from anywhere
        ("04 67", False, None),
        ("pas de téléphone", True, None),
        ("", False, None),
    ],
)
def test_valid_numbers_in_e164(raw, overseas, expected):
    number = phones.valid(raw, overseas=overseas)
    assert (phones.e164(number) if number is not None else None) == expected


def test_mobiles_can_receive_texts_and_landlines_cannot():
    assert phones.is_mobile(phones.parse("+33612345678"))
    assert not phones.is_mobile(phones.parse("+33467442460"))
    assert not phones.is_mobile(phones.parse("n'importe quoi"))


def test_readable_as_dialled_from_france():
    assert phones.readable(phones.valid("+33467442460")) == "04 67 44 24 60"
    assert phones.readable(phones.valid("0262 12 34 56", overseas=True)).startswith("+262")


def test_possible_is_what_a_lenient_import_keeps():
    assert phones.is_possible(phones.parse("0467442460"))
    assert not phones.is_possible(phones.parse("12"))
    assert not phones.is_possible(None)


def test_no_module_parses_phones_on_its_own():
    """The one place: every other module goes through core.phones."""
    from pathlib import Path

    import aiguillage

    root = Path(aiguillage.__file__).parent
    users = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "import phonenumbers" in path.read_text() and path.name != "phones.py"
    )
    assert users == []
