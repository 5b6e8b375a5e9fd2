"""Cleaning one imported value: each function returns the stored value or raises
``FieldProblem`` with a reason a coordinator can act on."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Collection, Iterable

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from aiguillage.core.opening import parse_opening_hours
from aiguillage.core.validators import is_valid_insee_code
from aiguillage.directory.vocabularies import split_list

_url_validator = URLValidator(schemes=["http", "https"])
MAX_EMAIL_LENGTH = 254  # Django's EmailField


class FieldProblem(ValueError):
    def __init__(self, field: str, reason: str, value: str = "") -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.value = value[:200]


def text(raw: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    value = (raw or "").strip()
    if required and not value:
        raise FieldProblem(field, "required, empty")
    if len(value) > max_length:
        raise FieldProblem(field, f"longer than {max_length} characters", value)
    return value


def postcode(raw: str | None, *, field: str, required: bool = False) -> str:
    value = (raw or "").strip()
    if not value and not required:
        return ""
    digits = value.isascii() and value.isdigit()  # "²" and "٣" are digits to isdigit()
    if len(value) == 4 and digits:  # spreadsheets drop the leading zero
        value = "0" + value
    if not (len(value) == 5 and digits):
        raise FieldProblem(field, "not a 5-digit postcode", value)
    return value


def insee(raw: str | None, *, field: str) -> str:
    value = (raw or "").strip().upper()
    if len(value) == 4 and value.isascii() and value.isdigit():
        value = "0" + value
    if value and not (value.isascii() and is_valid_insee_code(value)):
        raise FieldProblem(field, "not an INSEE commune code", value)
    return value


def coordinates(
    latitude: str | float | None,
    longitude: str | float | None,
    *,
    field: str = "latitude/longitude",
) -> tuple[float | None, float | None]:
    def number(raw) -> float | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            value = float(str(raw).strip().replace(",", "."))
        except ValueError:
            raise FieldProblem(field, "not a number", str(raw)) from None
        if not math.isfinite(value):
            raise FieldProblem(field, "not a finite number", str(raw))
        return value

    lat, lon = number(latitude), number(longitude)
    if (lat is None) != (lon is None):
        raise FieldProblem(field, "only one of latitude and longitude is given")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FieldProblem(field, "outside the WGS84 range", f"{lat}, {lon}")
    if lat == 0 and lon == 0:
        raise FieldProblem(field, "0, 0 is not a place in France (missing geocoding?)")
    return lat, lon


# A French number already written as the standards want it: +33 then 9 digits, the
# first of them 1 to 9; phonenumbers keeps such a number as it is (tested).
_FRENCH_E164 = re.compile(r"\+33[1-9][0-9]{8}")


def phone(raw: str | None, *, field: str, strict: bool) -> str:
    """E.164 (``+33…``, the standards' format) when the number is a possible French one.

    ``strict`` (the lieux standard, which requires E.164) refuses anything else; the
    lenient mode keeps an unreadable number as typed rather than lose it.
    """
    value = (raw or "").strip()
    if not value:
        return ""
    if _FRENCH_E164.fullmatch(value):  # most cells of a national file: nothing to do
        return value
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if strict:
        raise FieldProblem(field, "not a phone number (expected +33 and 9 digits)", value)
    return value[:30]


def email(raw: str | None, *, field: str) -> str:
    value = (raw or "").strip()
    if not value:
        return ""
    if len(value) > MAX_EMAIL_LENGTH:
        raise FieldProblem(field, f"longer than {MAX_EMAIL_LENGTH} characters", value)
    try:
        validate_email(value)
    except ValidationError:
        raise FieldProblem(field, "not an e-mail address", value) from None
    return value


_EMAIL_SEPARATORS = re.compile(r"\s+-\s+|[|,;/\s]+")


def emails(raw: str | None, *, field: str) -> list[str]:
    """Several addresses in one cell ("a@x.fr - b@x.fr", "a@x.fr; b@x.fr"), each checked."""
    found = []
    for part in _EMAIL_SEPARATORS.split((raw or "").strip()):
        value = email(part, field=field)
        if value and value not in found:
            found.append(value)
    return found


def url(raw: str | None, *, field: str, max_length: int = 500) -> str:
    value = (raw or "").strip()
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    if len(value) > max_length:
        raise FieldProblem(field, f"URL longer than {max_length} characters", value)
    try:
        _url_validator(value)
    except ValidationError:
        raise FieldProblem(field, "not a web address", value) from None
    return value


def day(raw: str | None, *, field: str, required: bool = False) -> datetime.date | None:
    value = (raw or "").strip()
    if not value:
        if required:
            raise FieldProblem(field, "required, empty")
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise FieldProblem(field, "not a date (expected YYYY-MM-DD)", value) from None


def opening_hours(raw: str | None) -> tuple[str, bool]:
    """Hours are never refused: unreadable ones are kept as typed and flagged."""
    value = (raw or "").strip()[:500]
    if not value:
        return "", True
    return value, parse_opening_hours(value) is not None


def choices(raw: str | Iterable[str] | None, allowed: Collection[str], *, field: str) -> list[str]:
    values = split_list(raw) if isinstance(raw, str) else list(raw or ())
    allowed_set = allowed if isinstance(allowed, frozenset | set) else set(allowed)
    for value in values:
        if value not in allowed_set:
            raise FieldProblem(field, "not a value of the standard's list", value)
    return values
