import pytest
from django.core.exceptions import ValidationError

from aiguillage.core.colors import contrast_ratio
from aiguillage.core.validators import (
    validate_header_color,
    validate_insee_code,
    validate_opening_hours,
)


@pytest.mark.parametrize(
    "expression",
    ["Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00", "Tu,Th 14:00-18:00", "24/7", ""],
)
def test_openstreetmap_opening_hours_are_accepted(expression):
    validate_opening_hours(expression)


@pytest.mark.parametrize("expression", ["lundi 9h-12h", "Mo-Fr 25:00-26:00 blah", "9h"])
def test_unreadable_opening_hours_are_refused_with_an_example(expression):
    with pytest.raises(ValidationError) as error:
        validate_opening_hours(expression)
    assert "OpenStreetMap" in str(error.value)


@pytest.mark.parametrize("code", ["34145", "2A004", "2B033", "97411", "01001"])
def test_insee_codes(code):
    validate_insee_code(code)


@pytest.mark.parametrize("code", ["3414", "341450", "20000", "2C004", "ABCDE"])
def test_bad_insee_codes(code):
    with pytest.raises(ValidationError):
        validate_insee_code(code)


def test_white_on_white_has_contrast_one_and_black_on_white_twenty_one():
    assert contrast_ratio((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)


def test_a_dark_header_colour_is_accepted():
    validate_header_color("#1d4f91")


@pytest.mark.parametrize("color", ["#ffcc00", "#7fb2e5", "#9a9a9a"])
def test_a_colour_too_light_for_white_text_is_refused(color):
    with pytest.raises(ValidationError) as error:
        validate_header_color(color)
    assert "contraste" in str(error.value)


def test_a_colour_must_be_hexadecimal():
    with pytest.raises(ValidationError):
        validate_header_color("blue")
