"""Cleaning one imported value: each function returns the stored value or raises
``FieldProblem`` with a reason a coordinator can act on.

The ``usable_*`` functions clean the optional values the desk uses to reach or point
to a place (phones, e-mail addresses, web addresses) and its opening hours: a bad one
is never a reason to lose the place. They keep it as typed, repair it or leave it
out, and add a ``FieldProblem`` with its warning code to ``warnings``.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Collection, Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from aiguillage.core import phones
from aiguillage.core.opening import parse_opening_hours
from aiguillage.core.validators import is_valid_insee_code
from aiguillage.directory.vocabularies import split_list

_url_validator = URLValidator(schemes=["http", "https"])
MAX_EMAIL_LENGTH = 254  # Django's EmailField


class FieldProblem(ValueError):
    def __init__(self, field: str, reason: str, value: str = "", *, code: str = "") -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.value = value[:200]
        self.code = code  # a warning's kind (report.WARNING_MESSAGES); "" for an error


Warnings = list[FieldProblem]


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
    number = phones.parse(value)
    if phones.is_possible(number):
        return phones.e164(number)
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


# --- Values the desk uses to reach a place: never a reason to refuse its row ----------

MAX_PHONE_LENGTH = 30  # Structure.phone, Service.phone


def usable_phone(raw: str | None, *, field: str, warnings: Warnings) -> str:
    """E.164 when the number is a possible French one; else kept as typed (if it fits)."""
    value = (raw or "").strip()
    try:
        return phone(value, field=field, strict=True)
    except FieldProblem:
        pass
    if len(value) <= MAX_PHONE_LENGTH:
        warnings.append(
            FieldProblem(
                field, "not a phone number the desk can dial: kept as typed", value, code="phone"
            )
        )
        return value
    warnings.append(
        FieldProblem(
            field,
            f"not a phone number, longer than {MAX_PHONE_LENGTH} characters: left out",
            value,
            code="phone_dropped",
        )
    )
    return ""


def usable_email(raw: str | None, *, field: str, warnings: Warnings) -> str:
    """The address when one can write to it; else left out ("")."""
    try:
        return email(raw, field=field)
    except FieldProblem as problem:
        warnings.append(
            FieldProblem(
                field,
                f"{problem.reason}, one cannot write to it: left out",
                problem.value,
                code="email",
            )
        )
        return ""


def usable_emails(values: Iterable[str], *, field: str, warnings: Warnings) -> list[str]:
    found = []
    for part in values:
        value = usable_email(part, field=field, warnings=warnings)
        if value and value not in found:
            found.append(value)
    return found


def split_emails(raw: str | None) -> list[str]:
    """Several addresses in one cell ("a@x.fr - b@x.fr", "a@x.fr; b@x.fr")."""
    return [part for part in _EMAIL_SEPARATORS.split((raw or "").strip()) if part]


def usable_url(raw: str | None, *, field: str, warnings: Warnings, max_length: int = 500) -> str:
    """A web address; "www.ville.fr" becomes "https://www.ville.fr" (said in a warning),
    one that is not a web address is left out."""
    value = (raw or "").strip()
    try:
        cleaned = url(value, field=field, max_length=max_length)
    except FieldProblem as problem:
        warnings.append(
            FieldProblem(field, f"{problem.reason}: left out", problem.value, code="url")
        )
        return ""
    if cleaned and "://" not in value:
        warnings.append(
            FieldProblem(
                field,
                "web address without http:// or https://: https:// added",
                value,
                code="url_scheme",
            )
        )
    return cleaned


def usable_opening_hours(raw: str | None, *, field: str, warnings: Warnings) -> tuple[str, bool]:
    """Hours kept as typed; unreadable ones flagged (False) and warned about."""
    value, valid = opening_hours(raw)
    if not valid:
        warnings.append(hours_warning(field, value))
    return value, valid


def hours_warning(field: str, value: str) -> FieldProblem:
    return FieldProblem(
        field,
        "opening hours not in OpenStreetMap syntax: kept as typed and flagged",
        value,
        code="hours",
    )
