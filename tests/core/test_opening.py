import datetime
from zoneinfo import ZoneInfo

from aiguillage.core.opening import describe_opening_hours

PARIS = ZoneInfo("Europe/Paris")
HOURS = "Tu-Fr 10:00-12:30,14:00-18:00; Sa 10:00-17:00"


def at(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)  # 2026-11-17 is a Tuesday


def test_open_now_says_until_when():
    status = describe_opening_hours(HOURS, at(17, 11))
    assert status.is_open is True
    assert status.summary == "Ouvert jusqu'à 12:30"


def test_closed_at_lunch_says_when_it_reopens_today():
    status = describe_opening_hours(HOURS, at(17, 13))
    assert status.is_open is False
    assert status.summary == "Fermé, ouvre à 14:00"


def test_closed_in_the_evening_says_tomorrow():
    status = describe_opening_hours(HOURS, at(17, 19))
    assert status.summary == "Fermé, ouvre demain à 10:00"


def test_closed_on_sunday_names_the_day():
    status = describe_opening_hours(HOURS, at(22, 12))  # Sunday
    assert status.summary == "Fermé, ouvre mardi à 10:00"


def test_missing_or_unreadable_hours_never_break_the_page():
    assert describe_opening_hours("", at(17, 11)).is_open is None
    status = describe_opening_hours("le matin", at(17, 11))
    assert status.is_open is None
    assert "le matin" in status.summary
