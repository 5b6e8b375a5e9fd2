"""iCalendar feeds (RFC 5545) of the agenda, for calendars that subscribe to them.

The functions are pure reads: the caller (a view) has already decided who may read
which feed and hands over the object itself, never an id taken from a URL, so a feed
can only ever show what belongs to that site, permanence or membership.

Choices:

- A cancelled occurrence, or a cancelled workshop, is emitted with ``STATUS:CANCELLED``
  rather than left out. A subscribed calendar then removes it or strikes it out, and a
  calendar that merges by UID (an imported file, a sync tool) updates the copy it holds
  instead of keeping a permanence that will not take place.
- UIDs are built from primary keys only: the same event keeps the same UID from one
  fetch to the next, so clients update it instead of duplicating it, and a UID says
  nothing about anybody.
- Times are written in local time with ``TZID`` and a generated ``VTIMEZONE``, not in
  UTC: a permanence held at 10:00 stays at 10:00 across a daylight-saving change, and
  a reader whose calendar has no time-zone database still gets it right.
- No personal data, ever: a feed leaves our retention and purge for third-party
  calendars (phones, Google, Outlook). The staff feed counts appointments, it never
  names the visitor; the partner agent's name is left out too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event, vDuration

from aiguillage.accounts.models import Membership
from aiguillage.agenda.booking_ics import location, vtimezone
from aiguillage.agenda.models import (
    AppointmentStatus,
    Closure,
    Occurrence,
    OccurrenceStatus,
    Permanence,
    WorkshopSession,
    WorkshopStatus,
)
from aiguillage.agenda.place_calendar import closures_between
from aiguillage.core.models import Site
from aiguillage.core.validators import single_line

PRODID = "-//Aiguillage//Agenda//FR"
UID_DOMAIN = "aiguillage"
# Asked of subscribed calendars (those that honour it), so a cancellation reaches them
# within the hour rather than at their default daily refresh.
REFRESH_INTERVAL = dt.timedelta(hours=1)

# A cancelled appointment no longer holds a seat: the staff member will not see them.
_SEAT_HOLDING = [s for s in AppointmentStatus.values if s != AppointmentStatus.CANCELLED]
# A draft is nobody's business yet; a cancelled workshop stays, cancelled (see above).
_SHOWN_WORKSHOPS = [WorkshopStatus.PUBLISHED, WorkshopStatus.CANCELLED]


def site_feed(*, site: Site, start: dt.datetime, end: dt.datetime) -> bytes:
    """Everything the public can come to at a site: permanences and workshops."""
    _check_window(start, end)
    stamp = timezone.now()
    occurrences = _occurrences(start, end).filter(permanence__site=site)
    sessions = _sessions(start, end).filter(workshop__site=site)
    local = timezone.get_current_timezone()
    closures = closures_between(site, start.astimezone(local).date(), end.astimezone(local).date())
    events = [
        *(_occurrence_event(o, stamp=stamp) for o in occurrences),
        *(_session_event(s, stamp=stamp) for s in sessions),
        *(_closure_event(c, site=site, stamp=stamp) for c in closures),
    ]
    return _calendar(
        name=_("%(site)s : permanences et ateliers") % {"site": site.name},
        uid=f"site-{site.pk}@{UID_DOMAIN}",
        events=events,
        start=start,
        end=end,
    )


def staff_feed(*, membership: Membership, start: dt.datetime, end: dt.datetime) -> bytes:
    """A staff member's own week, in one network: the permanences they hold and the
    workshops they lead, with how many appointments await them (a count, never a name).

    A person with several networks subscribes to one feed per network, like every
    other view of the application: a membership never reaches another network's rows.
    """
    _check_window(start, end)
    stamp = timezone.now()
    occurrences = _occurrences(start, end).filter(
        permanence__staff=membership, permanence__network_id=membership.network_id
    )
    occurrences = occurrences.annotate(
        appointment_count=Count(
            "slots__appointments", filter=Q(slots__appointments__status__in=_SEAT_HOLDING)
        )
    )
    sessions = _sessions(start, end).filter(
        workshop__animator_id=membership.user_id, workshop__network_id=membership.network_id
    )
    events = [
        *(
            _occurrence_event(o, stamp=stamp, description=_appointment_summary(o))
            for o in occurrences
        ),
        *(_session_event(s, stamp=stamp) for s in sessions),
    ]
    return _calendar(
        name=_("Mon agenda : %(network)s") % {"network": membership.network.name},
        uid=f"staff-{membership.pk}@{UID_DOMAIN}",
        events=events,
        start=start,
        end=end,
    )


def permanence_feed(*, permanence: Permanence, start: dt.datetime, end: dt.datetime) -> bytes:
    """One permanence's dates, for a partner who only cares about their own."""
    _check_window(start, end)
    stamp = timezone.now()
    occurrences = _occurrences(start, end).filter(permanence=permanence)
    return _calendar(
        name=_("%(permanence)s : %(site)s")
        % {"permanence": permanence.title, "site": permanence.site.name},
        uid=f"permanence-{permanence.pk}@{UID_DOMAIN}",
        events=[_occurrence_event(o, stamp=stamp) for o in occurrences],
        start=start,
        end=end,
    )


def _check_window(start: dt.datetime, end: dt.datetime) -> None:
    """A naive bound would be read in the server's zone and shift the window silently."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("start and end must be aware datetimes")
    if end <= start:
        raise ValueError("end must come after start")


def _occurrences(start: dt.datetime, end: dt.datetime) -> QuerySet[Occurrence]:
    """Overlapping the window, not only starting in it: a permanence under way counts.

    A deactivated permanence is left out: its dates are no longer held, and a
    subscribed calendar drops what the feed no longer lists.
    """
    return (
        Occurrence.objects.filter(starts_at__lt=end, ends_at__gt=start, permanence__is_active=True)
        .select_related("permanence__site")
        .order_by("starts_at", "pk")
    )


def _sessions(start: dt.datetime, end: dt.datetime) -> QuerySet[WorkshopSession]:
    return (
        WorkshopSession.objects.filter(
            starts_at__lt=end, ends_at__gt=start, workshop__status__in=_SHOWN_WORKSHOPS
        )
        .select_related("workshop__site")
        .order_by("starts_at", "pk")
    )


def _appointment_summary(occurrence: Occurrence) -> str | None:
    """A walk-in permanence has no appointment to count; saying "0" would mislead."""
    if occurrence.permanence.walk_in:
        return None
    count = occurrence.appointment_count
    return ngettext("%(count)d rendez-vous", "%(count)d rendez-vous", count) % {"count": count}


def _occurrence_event(
    occurrence: Occurrence, *, stamp: dt.datetime, description: str | None = None
) -> Event:
    permanence = occurrence.permanence
    return _event(
        uid=f"occurrence-{occurrence.pk}@{UID_DOMAIN}",
        summary=permanence.title,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        site=permanence.site,
        cancelled=occurrence.status == OccurrenceStatus.CANCELLED,
        stamp=stamp,
        description=description,
    )


def _session_event(session: WorkshopSession, *, stamp: dt.datetime) -> Event:
    workshop = session.workshop
    return _event(
        uid=f"workshop-session-{session.pk}@{UID_DOMAIN}",
        summary=workshop.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        site=workshop.site,
        cancelled=workshop.status == WorkshopStatus.CANCELLED,
        stamp=stamp,
        description=workshop.description or None,
    )


def _closure_event(closure: Closure, *, site: Site, stamp: dt.datetime) -> Event:
    """A whole-day event over the closure, so that a subscribed calendar shows the
    site closed (its cancelled dates are in the feed too, struck out)."""
    summary = _("%(site)s : fermeture exceptionnelle") % {"site": site.name}
    event = Event.new(
        uid=f"closure-{closure.pk}-site-{site.pk}@{UID_DOMAIN}",
        summary=f"{summary} ({closure.reason})" if closure.reason else summary,
        start=closure.starts_on,
        end=closure.ends_on + dt.timedelta(days=1),
        stamp=stamp.astimezone(dt.UTC),
        location=location(site),
    )
    event.add("transp", "TRANSPARENT")
    return event


def _event(
    *,
    uid: str,
    summary: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    site: Site,
    cancelled: bool,
    stamp: dt.datetime,
    description: str | None,
) -> Event:
    """DTSTAMP is the time of the fetch: with no METHOD, RFC 5545 makes it the
    revision time, and the feed is revised as of now (an occurrence has no
    modification time of its own)."""
    local = timezone.get_current_timezone()
    event = Event.new(
        uid=uid,
        summary=single_line(summary),
        start=starts_at.astimezone(local),
        end=ends_at.astimezone(local),
        stamp=stamp.astimezone(dt.UTC),
        location=location(site),
        status="CANCELLED" if cancelled else "CONFIRMED",
        description=description,
    )
    event.add("geo", (site.latitude, site.longitude))
    return event


def _moment(value: dt.date | dt.datetime, local) -> dt.datetime:
    """A whole-day event's date as the start of that day, to sort it with the others."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time.min, tzinfo=local)


def _calendar(
    *, name: str, uid: str, events: Iterable[Event], start: dt.datetime, end: dt.datetime
) -> bytes:
    """The VTIMEZONE covers the window and every event: it is what lets a reader
    without our time-zone database place 10:00 correctly on either side of a change."""
    local = timezone.get_current_timezone()
    events = sorted(events, key=lambda e: (_moment(e.start, local), str(e.uid)))
    first = min([start, *(_moment(e.start, local) for e in events)]).astimezone(local).date()
    last = max([end, *(_moment(e.end, local) for e in events)]).astimezone(local).date()
    calendar = Calendar.new(prodid=PRODID, name=name, uid=uid)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    calendar.add_component(vtimezone(first, last))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
