"""Recurrence rules of permanences: the presets the desk uses, and their expansion.

Rules are RFC 5545 RRULEs read by ``dateutil``. They are expanded in local wall-clock
time (a Tuesday 9:00 permanence stays at 9:00 across the change to summer time), then
made aware in the network's time zone. Expansion only ever happens when slots are
materialised, never when someone searches.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_OCCURRENCES = 1000  # a rule that yields more within one window is a mistake


class InvalidRule(ValueError):
    """The rule is not one we can expand; the message says why, in French."""


def weekly(weekday: int, *, interval: int = 1) -> str:
    """Every week (``interval=2``: every other week) on ``weekday`` (0 = Monday)."""
    return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={WEEKDAYS[weekday]}"


def monthly_nth_weekday(weekday: int, nth: int) -> str:
    """The ``nth`` (1 to 4, or -1 for the last) ``weekday`` of every month."""
    if nth not in (1, 2, 3, 4, -1):
        raise InvalidRule(_("Le rang doit être 1, 2, 3, 4 ou -1 (le dernier)."))
    return f"FREQ=MONTHLY;BYDAY={nth}{WEEKDAYS[weekday]}"


def every_weekday_in_range() -> str:
    """Every working day (Monday to Friday), for a campaign such as the income-tax one."""
    return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


@dataclass(frozen=True)
class Window:
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def validate_rule(rule: str) -> None:
    text = rule.strip().removeprefix("RRULE:")
    if not text or "\n" in text:
        raise InvalidRule(_("La règle de récurrence est vide ou sur plusieurs lignes."))
    if any(part.startswith(("UNTIL=", "COUNT=", "DTSTART")) for part in text.split(";")):
        raise InvalidRule(_("Les dates de début et de fin se règlent à part, pas dans la règle."))
    try:
        rrulestr(text, dtstart=datetime.datetime(2026, 1, 1))
    except (ValueError, TypeError) as exc:
        raise InvalidRule(_("Règle de récurrence illisible (%(error)s).") % {"error": exc}) from exc


def expand(
    *,
    rule: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    start_time: datetime.time,
    end_time: datetime.time,
    first_day: datetime.date,
    last_day: datetime.date,
    tz: zoneinfo.ZoneInfo = PARIS,
) -> list[Window]:
    """The windows of the rule whose day falls within both the rule's dates and
    [first_day, last_day], in order."""
    validate_rule(rule)
    first = max(starts_on, first_day)
    last = min(ends_on, last_day) if ends_on else last_day
    if last < first:
        return []
    recurrence = rrulestr(
        rule.strip().removeprefix("RRULE:"),
        dtstart=datetime.datetime.combine(starts_on, start_time),
    )
    windows = []
    for local in recurrence.between(
        datetime.datetime.combine(first, datetime.time.min),
        datetime.datetime.combine(last, datetime.time.max),
        inc=True,
    ):
        day = local.date()
        windows.append(
            Window(
                datetime.datetime.combine(day, start_time, tzinfo=tz),
                datetime.datetime.combine(day, end_time, tzinfo=tz),
            )
        )
        if len(windows) > MAX_OCCURRENCES:
            raise InvalidRule(_("Cette règle donne plus de 1 000 dates : vérifiez-la."))
    return windows


def split_into_slots(window: Window, minutes: int) -> list[Window]:
    """Consecutive slots of ``minutes`` within the window; a remainder too short is left."""
    step = datetime.timedelta(minutes=minutes)
    slots, start = [], window.starts_at
    while start + step <= window.ends_at:
        slots.append(Window(start, start + step))
        start += step
    return slots
