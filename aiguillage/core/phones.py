"""Phone numbers, read once: every app parses through these few functions
(``phonenumbers``, Google's libphonenumber), and keeps only its own policy (what it
accepts, how it writes the number back).

A number without its ``+`` code is read as French; overseas numbers written the
national way (``0262…`` La Réunion, ``0590…`` Guadeloupe) are found by trying the
overseas regions in turn. Nothing here raises: a number that cannot be read is None.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType

# France and the overseas départements and collectivities with their own numbering.
FRENCH_REGIONS = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC"})
OVERSEAS_REGIONS = ("RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF")
MOBILE = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def parse(raw: str | None, region: str = "FR") -> PhoneNumber | None:
    """The number as written (read in ``region`` when it has no ``+`` code), valid or
    not; None when it cannot be read at all."""
    value = (raw or "").strip()
    if not value:
        return None
    try:
        return phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None


def valid(raw: str | None, *, overseas: bool = False) -> PhoneNumber | None:
    """The number when it is a valid one (read as French, then, with ``overseas``, as
    each overseas region's when written without its ``+`` code); else None."""
    value = (raw or "").strip()
    regions = ("FR", *OVERSEAS_REGIONS) if overseas and not value.startswith("+") else ("FR",)
    for region in regions:
        number = parse(value, region)
        if number is None:
            return None
        if phonenumbers.is_valid_number(number):
            return number
    return None


def is_possible(number: PhoneNumber | None) -> bool:
    """Of a length a number can have: what a lenient import keeps."""
    return number is not None and phonenumbers.is_possible_number(number)


def is_french(number: PhoneNumber) -> bool:
    return phonenumbers.region_code_for_number(number) in FRENCH_REGIONS


def is_mobile(number: PhoneNumber | None) -> bool:
    """A mobile (or a number that may be one): a text message can reach it."""
    return number is not None and phonenumbers.number_type(number) in MOBILE


def e164(number: PhoneNumber) -> str:
    """ "+33467442460": how numbers are stored and exchanged (both standards)."""
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def readable(number: PhoneNumber) -> str:
    """ "04 67 44 24 60" for a number of metropolitan France, "+262 262 …" otherwise:
    as a person dials it from France."""
    if phonenumbers.region_code_for_number(number) == "FR":
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def spans_in_text(text: str, *, max_tries: int) -> list[tuple[int, int]]:
    """Where valid French numbers stand in free text, as (start, end): the sensitive-
    data guard's search. ``max_tries`` bounds the work on a field full of digits."""
    matcher = phonenumbers.PhoneNumberMatcher(
        text, "FR", leniency=phonenumbers.Leniency.VALID, max_tries=max_tries
    )
    return [(match.start, match.end) for match in matcher]
