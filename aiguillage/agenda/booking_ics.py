"""The calendar file attached to a visitor's e-mail: their own appointment or workshop.

One file per message, in ``METHOD:PUBLISH`` (an announcement, not an invitation that
asks for a reply). A cancellation sends the same UIDs with ``STATUS:CANCELLED`` and a
higher ``SEQUENCE``, so a calendar that imported the first file strikes the event out
instead of keeping it. UIDs carry the installation's host name, so two Aiguillage
installations never produce the same UID, and primary keys only: nothing personal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from aiguillage.core.models import Site

PRODID = "-//Aiguillage//Rendez-vous//FR"


@dataclass(frozen=True)
class Period:
    key: str  # what makes the UID unique within the installation
    starts_at: dt.datetime
    ends_at: dt.datetime


def uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "aiguillage.invalid"


def location(site: Site) -> str:
    return f"{site.name}, {site.address}, {site.postcode} {site.commune_name}"


def vtimezone(first: dt.date, last: dt.date) -> Timezone:
    """The local zone's definition over the dates of the events: it is what lets a
    reader without our time-zone database place 10:00 right across a change."""
    local = timezone.get_current_timezone()
    return Timezone.from_tzid(str(local), first_date=first, last_date=last + dt.timedelta(days=1))


def booking_calendar(
    *,
    events: list[tuple[list[Period], bool]],
    summary: str,
    site: Site,
    description: str,
    stamp: dt.datetime,
) -> bytes:
    """``events``: groups of periods, each with whether it is cancelled (a move strikes
    out the old appointment and adds the new one in the same file)."""
    local = timezone.get_current_timezone()
    calendar = Calendar.new(prodid=PRODID)
    calendar.add("method", "PUBLISH")
    periods = [(period, cancelled) for group, cancelled in events for period in group]
    if periods:
        first = min(p.starts_at for p, _ in periods).astimezone(local).date()
        last = max(p.ends_at for p, _ in periods).astimezone(local).date()
        calendar.add_component(vtimezone(first, last))
    for period, cancelled in periods:
        event = Event.new(
            uid=f"{period.key}@{uid_domain()}",
            summary=summary,
            start=period.starts_at.astimezone(local),
            end=period.ends_at.astimezone(local),
            stamp=stamp.astimezone(dt.UTC),
            location=location(site),
            description=description,
            status="CANCELLED" if cancelled else "CONFIRMED",
        )
        event.add("sequence", 1 if cancelled else 0)
        calendar.add_component(event)
    return calendar.to_ical()
