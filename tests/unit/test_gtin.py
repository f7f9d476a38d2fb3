"""Barcodes (partsdesk.domain.gtin): GTIN check digits, one stored form, shop codes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.gtin import Barcode, barcode_lookup_key, gtin_check_digit, normalize_barcode

MODEST = settings(max_examples=200, deadline=None)


def gs1_check_digit(body: str) -> int:
    """The GS1 algorithm, written out: from the right, weights 3, 1, 3, 1 ...; the check digit
    brings the weighted sum up to a multiple of ten."""
    weighted = 0
    weight = 3
    for digit in body[::-1]:
        weighted += int(digit) * weight
        weight = 1 if weight == 3 else 3
    return (10 - weighted % 10) % 10


def with_check(body: str) -> str:
    return body + str(gs1_check_digit(body))


# Real codes whose check digits are printed on the packs.
@pytest.mark.parametrize(("code", "expected"), [
    ("4006381333931", Barcode("4006381333931", "EAN13")),  # EAN-13
    ("9780306406157", Barcode("9780306406157", "EAN13")),  # ISBN-13
    ("96385074", Barcode("96385074", "EAN8")),  # EAN-8
    ("036000291452", Barcode("0036000291452", "EAN13")),  # UPC-A -> its EAN-13 form
    ("0036000291452", Barcode("0036000291452", "EAN13")),  # the EAN-13 form itself
    ("00036000291452", Barcode("0036000291452", "EAN13")),  # GTIN-14, indicator 0 -> the same EAN-13
    ("10036000291459", Barcode("10036000291459", "GTIN14")),  # a case of that product (indicator 1)
    (" 4006381333931\n", Barcode("4006381333931", "EAN13")),  # scanner terminator / stray blanks
])
def test_valid_gtins(code: str, expected: Barcode) -> None:
    assert gs1_check_digit(expected.code[:-1]) == int(expected.code[-1])  # the test data itself is right
    assert normalize_barcode(code) == expected
    assert barcode_lookup_key(code) == expected.code


def test_upc_a_ean13_and_gtin14_forms_of_one_product_are_one_key() -> None:
    keys = {barcode_lookup_key(c) for c in ("036000291452", "0036000291452", "00036000291452")}
    assert keys == {"0036000291452"}


def test_gtin_check_digit_examples() -> None:
    assert gtin_check_digit("400638133393") == 1
    assert gtin_check_digit("03600029145") == 2
    assert gtin_check_digit("9638507") == 4
    assert gtin_check_digit("1003600029145") == 9
    assert gtin_check_digit("000000000000") == 0


@MODEST
@given(st.sampled_from([7, 11, 12, 13]).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n)))
def test_gtin_check_digit_is_the_gs1_algorithm(body: str) -> None:
    assert gtin_check_digit(body) == gs1_check_digit(body)


EXPECTED_FORM = {8: "EAN8", 12: "EAN13", 13: "EAN13", 14: "GTIN14"}


@MODEST
@given(st.sampled_from([7, 11, 12, 13]).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n)))
def test_a_body_with_its_check_digit_is_accepted(body: str) -> None:
    code = with_check(body)
    barcode = normalize_barcode(code)
    if len(code) == 12:
        assert barcode == Barcode("0" + code, "EAN13")
    elif len(code) == 14 and code[0] == "0":
        assert barcode == Barcode(code[1:], "EAN13")
    else:
        assert barcode == Barcode(code, EXPECTED_FORM[len(code)])
    assert len(barcode.code) in (8, 13, 14)
    assert gs1_check_digit(barcode.code[:-1]) == int(barcode.code[-1])
    assert normalize_barcode(barcode.code) == barcode  # the stored form is a fixed point


@MODEST
@given(st.sampled_from([7, 11, 12, 13]).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n)),
       st.integers(0, 9))
def test_any_other_check_digit_is_refused_naming_the_right_one(body: str, last: int) -> None:
    expected = gs1_check_digit(body)
    if last == expected:
        last = (last + 1) % 10
    code = f"{body}{last}"
    with pytest.raises(ValidationError) as error:
        normalize_barcode(code)
    assert set(error.value.problems) == {"barcode"}
    message = error.value.problems["barcode"]
    assert f"should be {expected}" in message
    assert code in message
    assert barcode_lookup_key(code) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("ab-123", Barcode("AB-123", "CODE128")),
    ("x", Barcode("X", "CODE128")),
    ("12345", Barcode("12345", "CODE128")),  # a digit string of no GTIN length is a shop code
    ("123456789", Barcode("123456789", "CODE128")),
    ("A" * 48, Barcode("A" * 48, "CODE128")),
    ("bin/07#3", Barcode("BIN/07#3", "CODE128")),
])
def test_shop_codes(text: str, expected: Barcode) -> None:
    assert normalize_barcode(text) == expected
    assert barcode_lookup_key(text.lower()) == expected.code


@pytest.mark.parametrize("text", [
    "", "   ", "AB 123", "刹车片", "ÄB-1", "A" * 49, "AB\x00C", "AB\x07",
    "4006381333932",  # EAN-13, wrong check digit
    "036000291453",  # UPC-A, wrong check digit
])
def test_refused(text: str) -> None:
    with pytest.raises(ValidationError) as error:
        normalize_barcode(text)
    assert set(error.value.problems) == {"barcode"}
    assert error.value.problems["barcode"]
    assert barcode_lookup_key(text) is None


@MODEST
@given(st.text(max_size=80))
def test_barcode_lookup_key_never_raises(text: str) -> None:
    key = barcode_lookup_key(text)
    if key is not None:
        assert key == normalize_barcode(text).code
        assert key.isascii() and key.isprintable() and " " not in key and 0 < len(key) <= 48
        assert key == key.upper()
        assert barcode_lookup_key(key) == key  # normalizing twice changes nothing


@MODEST
@given(st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=48))
def test_printable_ascii_is_a_shop_code_unless_it_looks_like_a_gtin(text: str) -> None:
    if text.isdigit() and len(text) in (8, 12, 13, 14):
        return
    assert normalize_barcode(text) == Barcode(text.upper(), "CODE128")


@pytest.mark.parametrize(("text", "expected"), [
    ("４００６３８１３３３９３１", Barcode("4006381333931", "EAN13")),  # a scan typed through a Chinese IME
    ("０３６０００２９１４５２", Barcode("0036000291452", "EAN13")),
    ("ａｂ－１２３", Barcode("AB-123", "CODE128")),
])
def test_full_width_scans_are_the_same_barcode(text: str, expected: Barcode) -> None:
    assert normalize_barcode(text) == expected


def test_full_width_scan_with_a_wrong_check_digit_is_still_refused() -> None:
    with pytest.raises(ValidationError, match="should be 1"):
        normalize_barcode("４００６３８１３３３９３２")
