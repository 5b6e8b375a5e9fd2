"""Opening hours read aloud: "Ouvert jusqu'à 18:00", "Fermé, ouvre mardi à 10:00".

The desk needs the answer to "is it open now, and until when?", not the raw
OpenStreetMap expression. Parsing errors never break a page: the raw text is shown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import opening_hours
from django.utils import formats
from django.utils.translation import gettext as _

WEEK_HORIZON = datetime.timedelta(days=8)


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool | None  # None: unknown or unreadable
    summary: str
    raw: str


def parse_opening_hours(expression: str) -> opening_hours.OpeningHours | None:
    """The parsed hours, or None when missing or unreadable (never an exception)."""
    if not expression:
        return None
    try:
        return opening_hours.OpeningHours(expression)
    except (opening_hours.ParserError, ValueError):
        return None


def opening_state(
    expression: str, now: datetime.datetime
) -> tuple[bool | None, datetime.datetime | None]:
    """(open now?, next opening) from OpenStreetMap hours; (None, None) when unknown."""
    hours = parse_opening_hours(expression)
    if hours is None:
        return None, None
    state, _comment = hours.state(now)
    if state == opening_hours.State.OPEN:
        return True, None
    if state == opening_hours.State.CLOSED:
        return False, hours.next_change(now)
    return None, None


def describe_opening_hours(expression: str, now: datetime.datetime) -> OpeningStatus:
    if not expression:
        return OpeningStatus(None, _("Horaires non renseignés"), expression)
    hours = parse_opening_hours(expression)
    if hours is None:
        return OpeningStatus(None, _("Horaires : %(raw)s") % {"raw": expression}, expression)
    state, _comment = hours.state(now)
    change = hours.next_change(now)
    if change is not None and change - now > WEEK_HORIZON:
        change = None
    if state == opening_hours.State.OPEN:
        if change is None:
            return OpeningStatus(True, _("Ouvert"), expression)
        if change.date() == now.date():
            until = formats.time_format(change, "H:i")
            return OpeningStatus(True, _("Ouvert jusqu'à %(time)s") % {"time": until}, expression)
        return OpeningStatus(
            True, _("Ouvert, ferme %(when)s") % {"when": _when(change, now)}, expression
        )
    if state == opening_hours.State.CLOSED:
        if change is None:
            return OpeningStatus(False, _("Fermé"), expression)
        return OpeningStatus(
            False, _("Fermé, ouvre %(when)s") % {"when": _when(change, now)}, expression
        )
    return OpeningStatus(None, _("Horaires : %(raw)s") % {"raw": expression}, expression)


def _when(moment: datetime.datetime, now: datetime.datetime) -> str:
    """ "à 14:00", "demain à 10:00" or "mardi à 10:00"."""
    time = formats.time_format(moment, "H:i")
    if moment.date() == now.date():
        return _("à %(time)s") % {"time": time}
    if moment.date() == now.date() + datetime.timedelta(days=1):
        return _("demain à %(time)s") % {"time": time}
    day = formats.date_format(moment, "l")
    return _("%(day)s à %(time)s") % {"day": day, "time": time}
