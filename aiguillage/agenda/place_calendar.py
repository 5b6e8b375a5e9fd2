"""The calendar of each place: its opening hours, its public holidays, its exceptional
closures, its time zone. Materialising a permanence, saving a workshop, declaring a
closure and the public pages all ask here, so that the agenda never books what cannot
happen (a permanence at 9:00 in a library that opens at 14:00, tax slots on Ascension
day, a workshop on 25 December).

Public holidays come from the ``holidays`` package, for the site's own calendar read
from its postcode: metropolitan France, Alsace (67, 68) and Moselle (57) with Good
Friday and St Stephen's day, and each overseas département with its own (the abolition
of slavery on its date). The hours are the site's OpenStreetMap expression; when they
are missing or unreadable nothing is refused on their account (the staff page says the
hours are unknown): a wrong refusal would stop a partner from coming at all.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

import holidays
import opening_hours
from django.utils.translation import gettext as _

from aiguillage.agenda.models import Closure
from aiguillage.agenda.recurrence import Window
from aiguillage.core.french import hour_minute, weekday_day_month
from aiguillage.core.models import Network, Site
from aiguillage.core.opening import parse_opening_hours
from aiguillage.core.week_hours import week_hours

# Postcode prefixes with a calendar of their own (the ``holidays`` package's codes).
_SUBDIVISIONS = {
    "57": "57",  # Moselle
    "67": "6AE",  # Bas-Rhin
    "68": "6AE",  # Haut-Rhin
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}


def holiday_subdivision(postcode: str) -> str | None:
    """The calendar of public holidays a postcode follows; None: metropolitan France."""
    postcode = (postcode or "").strip()
    return _SUBDIVISIONS.get(postcode[:3]) or (
        _SUBDIVISIONS.get(postcode[:2]) if not postcode.startswith("97") else None
    )


@functools.lru_cache(maxsize=64)
def _holidays(subdivision: str | None, year: int) -> holidays.HolidayBase:
    return holidays.France(years=year, subdiv=subdivision, language="fr")


def public_holiday(site: Site, day: datetime.date) -> str | None:
    """The holiday's French name ("Ascension") if ``day`` is one at ``site``."""
    return _holidays(holiday_subdivision(site.postcode), day.year).get(day)


# --- Exceptional closures ----------------------------------------------------------------


def closures_between(site: Site, first: datetime.date, last: datetime.date) -> list[Closure]:
    """The site's closures and the network's that overlap [first, last]."""
    return list(Closure.objects.of_site(site).overlapping(first, last))


def closure_on(day: datetime.date, closures: Iterable[Closure]) -> Closure | None:
    return next((c for c in closures if c.covers(day)), None)


def current_and_next_closures(network: Network, today: datetime.date) -> list[Closure]:
    """What the public pages announce: the closures not over yet, soonest first."""
    return list(
        Closure.objects.of_network(network)
        .filter(ends_on__gte=today)
        .select_related("site")
        .order_by("starts_on", "pk")
    )


# --- Opening hours -----------------------------------------------------------------------


def within_opening_hours(site: Site, window: Window, zone: zoneinfo.ZoneInfo) -> bool | None:
    """True when the site is open for the whole window, False when it is closed at some
    moment of it, None when its hours are missing, unreadable or say "unknown"."""
    hours = parse_opening_hours(site.opening_hours)
    if hours is None:
        return None
    start = window.starts_at.astimezone(zone).replace(tzinfo=None)
    end = window.ends_at.astimezone(zone).replace(tzinfo=None)
    moment = start
    while moment < end:
        state, _comment = hours.state(moment)
        if state == opening_hours.State.CLOSED:
            return False
        if state == opening_hours.State.UNKNOWN:
            return None
        change = hours.next_change(moment)
        if change is None:
            return True
        moment = change.replace(tzinfo=None) if change.tzinfo else change
    return True


def hours_in_words(site: Site, today: datetime.date) -> str:
    """The site's usual week, one line per group of days, joined for a message."""
    return " ; ".join(week_hours(site.opening_hours, today).lines)


# --- What a date of the agenda may be ----------------------------------------------------


@dataclass(frozen=True)
class DayProblem:
    """Why a window cannot be held at a site, in words the coordinator can act on."""

    kind: str  # "closed", "holiday", "hours"
    message: str


def window_problem(
    site: Site,
    window: Window,
    *,
    zone: zoneinfo.ZoneInfo,
    closures: Iterable[Closure],
    outside_opening_hours: bool,
    on_public_holidays: bool,
    today: datetime.date,
) -> DayProblem | None:
    """The first reason ``window`` cannot be held at ``site``, or None.

    A closure always wins (the place is shut); a public holiday and the hours can each
    be overridden by the coordinator's tick."""
    day = window.starts_at.astimezone(zone).date()
    closure = closure_on(day, closures)
    holiday = public_holiday(site, day)
    if closure is None and (not holiday or on_public_holidays) and outside_opening_hours:
        return None  # the usual case, said without formatting anything
    when = weekday_day_month(day, today)
    if closure is not None:
        reason = f" ({closure.reason})" if closure.reason else ""
        return DayProblem(
            "closed",
            _("%(site)s est fermé exceptionnellement le %(day)s%(reason)s.")
            % {"site": site.name, "day": when, "reason": reason},
        )
    if holiday and not on_public_holidays:
        return DayProblem(
            "holiday",
            _(
                "Le %(day)s est un jour férié (%(holiday)s) : cochez « %(box)s » pour "
                "ouvrir ce jour-là."
            )
            % {"day": when, "holiday": holiday, "box": _("aussi les jours fériés")},
        )
    if not outside_opening_hours and within_opening_hours(site, window, zone) is False:
        return DayProblem(
            "hours",
            _(
                "%(site)s n'est pas ouvert au public le %(day)s de %(start)s à %(end)s. "
                "Ses horaires : %(hours)s. Cochez « %(box)s » si la séance se tient quand même."
            )
            % {
                "site": site.name,
                "day": when,
                "start": hour_minute(window.starts_at.astimezone(zone).time()),
                "end": hour_minute(window.ends_at.astimezone(zone).time()),
                "hours": hours_in_words(site, today),
                "box": _("en dehors des horaires d'ouverture"),
            },
        )
    return None
