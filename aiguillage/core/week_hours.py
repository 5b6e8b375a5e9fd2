"""A week of opening hours in words, one line per day or group of days (the slip, and
the staff pages of a place or a site).

"Du lundi au vendredi : 9 h", en dash, "12 h et 13 h 30", en dash, "17 h".

The slip is handed over and kept, so it says the usual week, one line per day (days
with the same hours grouped), in plain French, rather than "open now". It reads the
OpenStreetMap expression with ``opening-hours-py`` over the next seven days from the
given date; each weekday appears once, Monday first. No country is given to the
parser on purpose: a public holiday in those seven days would make a usual Monday
look closed on a paper that is kept for weeks. "PH off" gets its own line instead.

Missing or unreadable hours never break a slip: the lines then say to call first (and
show the raw text when there is one).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import opening_hours
from django.utils import formats
from django.utils.translation import gettext as _

from aiguillage.core.opening import parse_opening_hours

DAY = datetime.timedelta(days=1)
PUBLIC_HOLIDAYS_OFF = re.compile(r"\bPH\s+(off|closed)\b", re.IGNORECASE)


@dataclass(frozen=True)
class WeekHours:
    lines: tuple[str, ...]
    known: bool  # False: missing or unreadable, the lines say to call first
    raw: str


def clock(moment: datetime.time) -> str:
    """ "9 h", "13 h 30" (French typography, read aloud easily)."""
    if moment.minute:
        return _("%(hour)s h %(minute)s") % {"hour": moment.hour, "minute": f"{moment.minute:02d}"}
    return _("%(hour)s h") % {"hour": moment.hour}


def time_range(start: datetime.time, end: datetime.time | None) -> str:
    """ "9 h", en dash, "12 h"; ``end`` None is midnight at the end of the day."""
    until = _("minuit") if end is None else clock(end)
    return _("%(start)s – %(end)s") % {"start": clock(start), "end": until}  # noqa: RUF001 - the en dash is the typography of hours


def enumerate_words(items: list[str]) -> str:
    """ "a", "a et b", "a, b et c"."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s et %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


@dataclass
class _Range:
    start: datetime.datetime
    end: datetime.datetime
    comment: str
    unknown: bool


def _ranges(hours: opening_hours.OpeningHours, day: datetime.date) -> list[_Range]:
    """The open (or unknown) stretches of one day, touching ones merged."""
    start = datetime.datetime.combine(day, datetime.time.min)
    end = start + DAY
    found: list[_Range] = []
    for begin, finish, state, comment in hours.intervals(start, end):
        if state == opening_hours.State.CLOSED:
            continue
        begin, finish = max(begin, start), min(finish or end, end)
        if finish <= begin:
            continue
        unknown = state != opening_hours.State.OPEN
        previous = found[-1] if found else None
        if (
            previous is not None
            and previous.end == begin
            and previous.comment == comment
            and previous.unknown == unknown
        ):
            previous.end = finish
        else:
            found.append(_Range(begin, finish, comment, unknown))
    return found


def day_hours(hours: opening_hours.OpeningHours, day: datetime.date) -> str:
    """The ranges of one day joined by "et", or "fermé", or "ouvert toute la journée"."""
    ranges = _ranges(hours, day)
    if not ranges:
        return _("fermé")
    midnight = datetime.datetime.combine(day, datetime.time.min)
    if len(ranges) == 1 and ranges[0].start == midnight and ranges[0].end == midnight + DAY:
        whole = ranges[0]
        text = _("horaires à vérifier") if whole.unknown else _("ouvert toute la journée")
        return f"{text} ({whole.comment})" if whole.comment else text
    parts = []
    for item in ranges:
        end = None if item.end == midnight + DAY else item.end.time()
        text = time_range(item.start.time(), end)
        if item.comment:
            text = f"{text} ({item.comment})"
        elif item.unknown:
            text = _("%(range)s (à vérifier)") % {"range": text}
        parts.append(text)
    return enumerate_words(parts)


def _days_label(first: datetime.date, last: datetime.date, count: int) -> str:
    first_name = formats.date_format(first, "l")
    last_name = formats.date_format(last, "l")
    if count == 1:
        return first_name
    if count == 7:
        return _("tous les jours")
    if count == 2:
        return _("%(first)s et %(last)s") % {"first": first_name, "last": last_name}
    return _("du %(first)s au %(last)s") % {"first": first_name, "last": last_name}


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def week_hours(expression: str, today: datetime.date) -> WeekHours:
    """The usual week in words, Monday first, consecutive days with the same hours
    grouped ("Du lundi au vendredi : …", "Samedi et dimanche : fermé")."""
    expression = (expression or "").strip()
    if not expression:
        return WeekHours((_("Horaires : appeler avant de venir."),), False, expression)
    hours = parse_opening_hours(expression)
    if hours is None:
        return WeekHours(
            (
                _("Horaires : %(raw)s") % {"raw": expression},
                _("Appeler avant de venir pour vérifier."),
            ),
            False,
            expression,
        )
    days = sorted((today + i * DAY for i in range(7)), key=lambda d: d.weekday())
    texts = [day_hours(hours, day) for day in days]
    if all(text == _("fermé") for text in texts):
        return WeekHours((_("Fermé cette semaine : appeler avant de venir."),), True, expression)
    groups: list[tuple[datetime.date, datetime.date, int, str]] = []
    for day, text in zip(days, texts, strict=True):
        if groups and groups[-1][3] == text:
            first, _last, count, _text = groups[-1]
            groups[-1] = (first, day, count + 1, text)
        else:
            groups.append((day, day, 1, text))
    lines = [
        _capitalised(
            _("%(days)s : %(hours)s") % {"days": _days_label(first, last, count), "hours": text}
        )
        for first, last, count, text in groups
    ]
    if PUBLIC_HOLIDAYS_OFF.search(expression):
        lines.append(_("Fermé les jours fériés."))
    return WeekHours(tuple(lines), True, expression)
