"""Part numbers (partsdesk.domain.part_numbers): one matching form however the number was typed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partsdesk.domain.part_numbers import NUMBER_KINDS, normalize_number

MODEST = settings(max_examples=200, deadline=None)
SEPARATORS = " -./\t_"
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@pytest.mark.parametrize(("text", "expected"), [
    ("0 986-494.104/a", "0986494104A"),
    ("0986494104A", "0986494104A"),
    ("  w 712/75  ", "W71275"),
    ("1K0-698-151-A", "1K0698151A"),
    ("oc.90", "OC90"),
    ("--./ ", ""),
    ("", ""),
    ("A_B", "AB"),
])
def test_normalize_number_examples(text: str, expected: str) -> None:
    assert normalize_number(text) == expected


def test_number_kinds() -> None:
    assert NUMBER_KINDS == ("own", "oe", "interchange", "superseded")


@MODEST
@given(st.text(max_size=60))
def test_normalize_number_is_idempotent_and_keeps_only_upper_alphanumerics(text: str) -> None:
    once = normalize_number(text)
    assert normalize_number(once) == once
    assert all(ch.isalnum() for ch in once)
    assert once == once.upper()


@MODEST
@given(st.text(ALNUM, min_size=1, max_size=20), st.data())
def test_separators_and_case_anywhere_do_not_change_the_normal_form(number: str, data: st.DataObject) -> None:
    typed = []
    for ch in number:
        typed.append(data.draw(st.text(SEPARATORS, max_size=3)))
        typed.append(ch.lower() if data.draw(st.booleans()) else ch.upper())
    typed.append(data.draw(st.text(SEPARATORS, max_size=3)))
    assert normalize_number("".join(typed)) == number.upper()


@MODEST
@given(st.text(ALNUM, min_size=1, max_size=20), st.text(ALNUM, min_size=1, max_size=20))
def test_different_numbers_stay_different(a: str, b: str) -> None:
    assert (normalize_number(a) == normalize_number(b)) == (a.upper() == b.upper())


def test_full_width_input_matches_the_ascii_number() -> None:
    assert normalize_number("０９８６－４９４．１０４／ａ") == "0986494104A"


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else "\u3000" if ch == " " else ch for ch in text)


@MODEST
@given(st.text(ALNUM + SEPARATORS, max_size=30))
def test_full_width_typing_gives_the_same_normal_form(typed: str) -> None:
    assert normalize_number(full_width(typed)) == normalize_number(typed)
