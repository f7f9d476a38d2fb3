"""VINs and number plates: the check digit, what is refused and what only warned, offline decoding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.vehicles import check_vin, model_year, normalize_plate, vin_check_digit

YEAR = 2026
WIKIPEDIA_VIN = "1M8GDM9AXKP042788"  # the worked example of the check digit, a 1989 North American vehicle


def with_check_digit(vin: str) -> str:
    return vin[:8] + vin_check_digit(vin) + vin[9:]


CHINESE_VIN = with_check_digit("LSVAU2180N2183294")  # SAIC Volkswagen, model year 2022
EUROPEAN_VIN = "WVWZZZ1KZ6W612305"  # Volkswagen for Europe: Z where others put the check digit


def test_the_worked_example_and_a_vin_of_ones_pass():
    info = check_vin(WIKIPEDIA_VIN, current_year=YEAR)
    assert info.check_digit_ok and info.warnings == ()
    assert (info.vin, info.region, info.model_year) == (WIKIPEDIA_VIN, "North America", 1989)
    assert vin_check_digit("11111111111111111") == "1"
    assert vin_check_digit(WIKIPEDIA_VIN) == "X"


def test_a_vin_is_read_however_it_was_typed():
    assert check_vin(" 1m8gdm9-axkp 042788 ", current_year=YEAR).vin == WIKIPEDIA_VIN
    assert check_vin("１Ｍ８ＧＤＭ９ＡＸＫＰ０４２７８８", current_year=YEAR).vin == WIKIPEDIA_VIN  # full width


@pytest.mark.parametrize(("text", "message"), [
    (WIKIPEDIA_VIN[:-1], "A VIN has 17 characters; '1M8GDM9AXKP04278' has 16."),
    (WIKIPEDIA_VIN + "1", "has 18"),
    ("", "has 0"),
    ("1M8GDM9AXKP04O788", "never contains O"),
    ("IM8GDM9AXKP042788", "never contains I"),
    ("1M8GDM9AXKQ04O788", "never contains O, Q"),
    ("1M8GDM9AXKP04278#", "only letters A–Z and digits"),
])
def test_malformed_vins_are_refused_with_a_reason(text, message):
    with pytest.raises(ValidationError) as error:
        check_vin(text, current_year=YEAR)
    assert set(error.value.problems) == {"vin"}
    assert message in error.value.problems["vin"]


def test_a_wrong_check_digit_is_refused_in_north_america_and_china():
    for vin in (WIKIPEDIA_VIN[:8] + "1" + WIKIPEDIA_VIN[9:], CHINESE_VIN[:8] + ("1" if CHINESE_VIN[8] != "1" else "2")
                + CHINESE_VIN[9:]):
        with pytest.raises(ValidationError, match="check digit .9th character. should be"):
            check_vin(vin, current_year=YEAR)


def test_a_wrong_check_digit_is_only_a_warning_in_europe():
    info = check_vin(EUROPEAN_VIN, current_year=YEAR)
    assert not info.check_digit_ok
    assert len(info.warnings) == 1 and "should be 2, not Z" in info.warnings[0]
    assert (info.region, info.make, info.make_zh, info.model_year) == ("Europe", "Volkswagen", "大众", 2006)


def test_the_maker_and_model_year_of_a_chinese_vin():
    info = check_vin(CHINESE_VIN, current_year=YEAR)
    assert info.check_digit_ok and info.warnings == ()
    assert (info.region, info.make, info.make_zh, info.model_year) == ("Asia", "Volkswagen", "大众", 2022)
    assert check_vin(with_check_digit("JTDBR32E720012345"), current_year=YEAR).make == "Toyota"  # two-letter code
    assert check_vin(with_check_digit("9BWZZZ377VT004251"), current_year=YEAR).make == ""  # not in the list


@pytest.mark.parametrize(("vin", "current_year", "year"), [
    ("LSVAU2180A2183294", 2026, 2010),  # A: 1980 or 2010
    ("LSVAU2180Y2183294", 2026, 2000),  # Y: 2000 or 2030, and 2030 is too far ahead
    ("LSVAU2180Y2183294", 2029, 2030),  # a 2030 model is sold in 2029
    ("1HGCM82633A004352", 2026, 2003),  # North America: a digit in 7th place -> the older cycle
    ("5YJSA1DG9DFP14705", 2026, 2013),  # a letter in 7th place -> from 2010
    ("LSVAU2180U2183294", 2026, None),  # U is never a year
])
def test_model_years_repeat_every_30_years(vin, current_year, year):
    assert model_year(vin, current_year=current_year) == year


def test_a_vin_without_a_year_code_warns():
    info = check_vin(with_check_digit("WVWZZZ1KZ0W612305"), current_year=YEAR)
    assert info.model_year is None and any("not a model year code" in w for w in info.warnings)


@given(st.integers(1, 16).filter(lambda i: i != 8), st.integers(1, 9))
def test_any_mistyped_digit_is_caught_by_the_check_digit(position, shift):
    vin = with_check_digit("12345678901234567")  # North American: the first digit stays (it is the region)
    typo = vin[:position] + str((int(vin[position]) + shift) % 10) + vin[position + 1:]
    with pytest.raises(ValidationError):
        check_vin(typo, current_year=YEAR)


@pytest.mark.parametrize(("typed", "plate"), [
    ("粤B·12345", "粤B12345"), ("粤b 12345", "粤B12345"), ("ＢＪ-Ａ１２３", "BJA123"), (" ab-123 cd ", "AB123CD"),
])
def test_plates_are_searched_without_spaces_dots_and_dashes(typed, plate):
    assert normalize_plate(typed) == plate
