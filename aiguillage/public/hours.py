"""Opening hours for the public: the coming seven days, one line per day.

The raw OpenStreetMap expression ("Tu-Sa 10:00-12:00,14:00-18:00") is not plain
French; the public reads "mardi 24 novembre : 10:00 à 12:00, 14:00 à 18:00".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import opening_hours

from aiguillage.core.opening import parse_opening_hours


@dataclass(frozen=True)
class DayHours:
    day: datetime.date
    periods: list[tuple[datetime.time, datetime.time]]  # empty: closed
    unknown: bool = False


def week_hours(expression: str, today: datetime.date, days: int = 7) -> list[DayHours]:
    """The opening periods of ``days`` days from ``today`` (local time); [] when the
    hours are missing or unreadable (the page then shows them as typed)."""
    hours = parse_opening_hours(expression)
    if hours is None:
        return []
    start = datetime.datetime.combine(today, datetime.time.min)
    end = start + datetime.timedelta(days=days)
    by_day: dict[datetime.date, DayHours] = {
        today + datetime.timedelta(days=n): DayHours(today + datetime.timedelta(days=n), [])
        for n in range(days)
    }
    for opens, closes, state, _comment in hours.intervals(start, end):
        if state == opening_hours.State.UNKNOWN:
            day = by_day.get(opens.date())
            if day is not None:
                by_day[day.day] = DayHours(day.day, day.periods, unknown=True)
            continue
        if state != opening_hours.State.OPEN:
            continue
        moment = opens
        while moment < closes:  # a period past midnight counts on each of its days
            next_midnight = datetime.datetime.combine(
                moment.date() + datetime.timedelta(days=1), datetime.time.min
            )
            until = min(closes, next_midnight)
            if moment.date() in by_day:
                last = datetime.time(23, 59) if until == next_midnight else until.time()
                by_day[moment.date()].periods.append((moment.time(), last))
            moment = until
    return list(by_day.values())
