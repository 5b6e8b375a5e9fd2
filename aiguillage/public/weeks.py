"""The week of free slots shown on a permanence's page and on "change the time"."""

from __future__ import annotations

import datetime

from django.utils import timezone

from aiguillage.public.selectors import first_free_slot_after, free_slots_between

WEEKS_AHEAD = 26  # about the materialised window (six months)


def week_bounds(offset: int) -> tuple[datetime.datetime, datetime.datetime]:
    """Monday 00:00 to the next Monday 00:00 (local time), ``offset`` weeks from now."""
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=offset)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(monday, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        monday + datetime.timedelta(weeks=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def week_offset(request) -> int:
    raw = request.GET.get("semaine", "")
    return min(int(raw), WEEKS_AHEAD) if raw.isdecimal() else 0


def offset_of(moment: datetime.datetime) -> int:
    """The offset of the week holding ``moment`` (0 for this week, never negative)."""
    start, _end = week_bounds(0)
    weeks = (timezone.localdate(moment) - start.date()).days // 7
    return min(max(weeks, 0), WEEKS_AHEAD)


def by_day(slots) -> list[tuple[datetime.date, list]]:
    days: dict[datetime.date, list] = {}
    for slot in slots:
        days.setdefault(timezone.localdate(slot.starts_at), []).append(slot)
    return list(days.items())


def week_context(permanence, *, offset: int, now, exclude=None) -> dict:
    """The free slots of one week of a permanence, and where the next ones are."""
    start, end = week_bounds(offset)
    slots = free_slots_between(permanence, now=now, start=start, end=end, exclude=exclude)
    following = first_free_slot_after(permanence, now=now, after=end)
    next_offset = None
    if following is not None:
        weeks = (timezone.localdate(following.starts_at) - start.date()).days // 7
        next_offset = offset + weeks if offset + weeks <= WEEKS_AHEAD else None
    return {
        "week_start": start.date(),
        "week_end": (end - datetime.timedelta(days=1)).date(),
        "days": by_day(slots),
        "offset": offset,
        "previous_offset": offset - 1 if offset > 0 else None,
        "following_offset": offset + 1 if offset < WEEKS_AHEAD else None,
        "next_free": following,
        "next_free_offset": next_offset,
    }
