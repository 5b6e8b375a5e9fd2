"""Recurrence presets and their expansion in local wall-clock time."""

import datetime

import pytest

from aiguillage.agenda.recurrence import (
    InvalidRule,
    Window,
    expand,
    monthly_nth_weekday,
    split_into_slots,
    validate_rule,
    weekly,
)

NINE, NOON = datetime.time(9, 0), datetime.time(12, 0)


def days(rule, starts_on, first_day, last_day, ends_on=None):
    windows = expand(
        rule=rule,
        starts_on=starts_on,
        ends_on=ends_on,
        start_time=NINE,
        end_time=NOON,
        first_day=first_day,
        last_day=last_day,
    )
    return [w.starts_at.date() for w in windows], windows


def test_every_other_tuesday_counts_from_the_first_date():
    found, _ = days(
        weekly(1, interval=2),
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 31),
    )
    assert found == [
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 15),
        datetime.date(2026, 12, 29),
    ]


def test_the_window_starting_later_keeps_the_rhythm():
    # Materialising from the 10th must not restart "every other week" from the 10th.
    found, _ = days(
        weekly(1, interval=2),
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 10),
        datetime.date(2027, 1, 31),
    )
    assert found[0] == datetime.date(2026, 12, 15)
    assert all((d - datetime.date(2026, 12, 1)).days % 14 == 0 for d in found)


def test_second_wednesday_and_last_friday_of_the_month():
    second, _ = days(
        monthly_nth_weekday(2, 2), datetime.date(2027, 1, 1), datetime.date(2027, 1, 1),
        datetime.date(2027, 3, 31),
    )  # fmt: skip
    assert second == [
        datetime.date(2027, 1, 13),
        datetime.date(2027, 2, 10),
        datetime.date(2027, 3, 10),
    ]
    last, _ = days(
        monthly_nth_weekday(4, -1), datetime.date(2027, 1, 1), datetime.date(2027, 1, 1),
        datetime.date(2027, 2, 28),
    )  # fmt: skip
    assert last == [datetime.date(2027, 1, 29), datetime.date(2027, 2, 26)]


def test_a_campaign_stops_at_its_end_date():
    found, _ = days(
        "FREQ=WEEKLY;BYDAY=MO,TH",
        datetime.date(2027, 4, 12),
        datetime.date(2027, 4, 1),
        datetime.date(2027, 12, 31),
        ends_on=datetime.date(2027, 4, 22),
    )
    assert found == [
        datetime.date(2027, 4, 12),
        datetime.date(2027, 4, 15),
        datetime.date(2027, 4, 19),
        datetime.date(2027, 4, 22),
    ]


def test_nine_oclock_stays_nine_oclock_across_summer_time():
    _, windows = days(
        "FREQ=WEEKLY;BYDAY=SA",
        datetime.date(2027, 3, 20),
        datetime.date(2027, 3, 20),
        datetime.date(2027, 4, 3),
    )
    assert [w.starts_at.hour for w in windows] == [9, 9, 9]
    # Summer time starts on Sunday 28 March 2027.
    offsets = [w.starts_at.utcoffset() for w in windows]
    assert offsets == [datetime.timedelta(hours=h) for h in (1, 1, 2)]


@pytest.mark.parametrize(
    "rule", ["", "FREQ=SOMETIMES", "FREQ=WEEKLY;UNTIL=20270101", "FREQ=DAILY;COUNT=3", "x\ny"]
)
def test_rules_we_cannot_expand_are_refused_with_a_reason(rule):
    with pytest.raises(InvalidRule):
        validate_rule(rule)


def test_slots_fill_the_window_and_drop_a_short_remainder():
    start = datetime.datetime(2026, 12, 1, 9, 0)
    slots = split_into_slots(Window(start, start + datetime.timedelta(minutes=100)), 30)
    assert [(s.starts_at.minute, s.ends_at.minute) for s in slots] == [(0, 30), (30, 0), (0, 30)]
