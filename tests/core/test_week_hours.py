"""The week's opening hours in words, as the slip prints them.

Plain French, one line per day or group of consecutive days with the same hours,
Monday first, whatever day of the week the slip is printed on.
"""

import datetime

import pytest
from django.utils import translation

from aiguillage.core.week_hours import clock, week_hours

WEDNESDAY = datetime.date(2026, 3, 4)
DASH = "\N{EN DASH}"


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def lines(expression, today=WEDNESDAY):
    return list(week_hours(expression, today).lines)


def test_clock_reads_like_french_typography():
    assert clock(datetime.time(9, 0)) == "9 h"
    assert clock(datetime.time(13, 30)) == "13 h 30"
    assert clock(datetime.time(8, 5)) == "8 h 05"


def test_weekdays_with_a_lunch_break_are_grouped():
    assert lines("Mo-Fr 09:00-12:00,13:30-17:00; Sa 10:00-12:00") == [
        f"Du lundi au vendredi : 9 h {DASH} 12 h et 13 h 30 {DASH} 17 h",
        f"Samedi : 10 h {DASH} 12 h",
        "Dimanche : fermé",
    ]


def test_the_order_is_monday_first_whatever_the_day_it_is_printed():
    expression = "Tu-Sa 10:00-18:00"
    expected = ["Lundi : fermé", f"Du mardi au samedi : 10 h {DASH} 18 h", "Dimanche : fermé"]
    for offset in range(7):
        assert lines(expression, WEDNESDAY + datetime.timedelta(days=offset)) == expected


def test_two_days_and_single_days():
    assert lines("Mo,We 09:00-12:00; Tu,Th 09:00-12:00,14:00-16:00; Sa,Su off") == [
        f"Lundi : 9 h {DASH} 12 h",
        f"Mardi : 9 h {DASH} 12 h et 14 h {DASH} 16 h",
        f"Mercredi : 9 h {DASH} 12 h",
        f"Jeudi : 9 h {DASH} 12 h et 14 h {DASH} 16 h",
        "Du vendredi au dimanche : fermé",
    ]
    assert (
        lines("Mo-Fr 09:00-17:00; Sa-Su 10:00-12:00")[-1]
        == f"Samedi et dimanche : 10 h {DASH} 12 h"
    )


def test_three_ranges_in_a_day_read_as_a_list():
    assert lines("Mo 08:00-09:00,10:00-11:00,14:00-15:00; Tu-Su off")[0] == (
        f"Lundi : 8 h {DASH} 9 h, 10 h {DASH} 11 h et 14 h {DASH} 15 h"
    )


def test_always_open():
    assert lines("24/7") == ["Tous les jours : ouvert toute la journée"]


def test_a_range_past_midnight_ends_at_midnight_and_goes_on_the_next_day():
    assert lines("Fr 20:00-02:00") == [
        "Du lundi au jeudi : fermé",
        f"Vendredi : 20 h {DASH} minuit",
        f"Samedi : 0 h {DASH} 2 h",
        "Dimanche : fermé",
    ]


def test_comments_and_unknown_days_are_said():
    assert lines('Mo 10:00-12:00 "sur rendez-vous"; Tu unknown') == [
        f"Lundi : 10 h {DASH} 12 h (sur rendez-vous)",
        "Mardi : horaires à vérifier",
        "Du mercredi au dimanche : fermé",
    ]


def test_public_holidays_get_their_own_line_and_do_not_close_a_usual_day():
    # 2026-05-01 (Friday) is a public holiday: the usual Friday is still shown open.
    result = lines("Mo-Fr 09:00-17:00; PH off", datetime.date(2026, 4, 28))
    assert result == [
        f"Du lundi au vendredi : 9 h {DASH} 17 h",
        "Samedi et dimanche : fermé",
        "Fermé les jours fériés.",
    ]


def test_missing_hours_say_to_call_first():
    result = week_hours("", WEDNESDAY)
    assert result.known is False
    assert result.lines == ("Horaires : appeler avant de venir.",)


def test_unreadable_hours_show_the_raw_text_and_say_to_call():
    result = week_hours("le matin sauf le jeudi", WEDNESDAY)
    assert result.known is False
    assert result.lines == (
        "Horaires : le matin sauf le jeudi",
        "Appeler avant de venir pour vérifier.",
    )


def test_a_seasonal_place_closed_this_week():
    result = week_hours("Jul-Aug Mo-Fr 10:00-12:00", WEDNESDAY)
    assert result.known is True
    assert result.lines == ("Fermé cette semaine : appeler avant de venir.",)
