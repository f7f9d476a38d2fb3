"""Catalogue field rules (partsdesk.domain.catalog.clean_part): stored units, defaults, one message per
bad field, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from partsdesk.domain.catalog import (
    GRADES,
    PART_FIELDS,
    PART_FIELDS_BY_NAME,
    STANDARD_CATEGORIES,
    UNITS,
    clean_part,
)

MODEST = settings(max_examples=200, deadline=None)

CLEAN_KEYS = {
    "number", "number_norm", "brand", "name_en", "name_zh", "category", "grade", "unit", "bin", "cost",
    "price_retail", "price_trade", "price_wholesale", "tax_rate_bp", "min_qty", "max_qty", "supplier",
    "core_charge", "warranty_months", "warranty_km", "notes", "active",
}
PROBLEM_KEYS = set(PART_FIELDS_BY_NAME) | {"_unknown"}

FULL = {
    "number": "0 986-494.104/a",
    "brand": "Bosch",
    "name_en": "Brake pad set, front axle",
    "name_zh": "前刹车片",
    "category": "brakes.pads",
    "grade": "oem",
    "unit": "set",
    "bin": "A-01-3",
    "cost": "180.00",
    "price_retail": "1,299.50",
    "price_trade": "1,100",
    "price_wholesale": 999.99,
    "tax_rate": "13%",
    "min_qty": "2",
    "max_qty": "10.5",
    "supplier": "Jinan Parts Co.",
    "core_charge": "50",
    "warranty_months": "12",
    "warranty_km": 20000,
    "notes": "Fits front axle.\nCheck the wear sensor.\tBox of 4.",
    "active": "yes",
}
MINIMAL = {"number": "W 712/75", "brand": "MANN", "name_en": "Oil filter", "category": "Filters",
           "price_retail": "45.5"}


def test_a_full_part_is_stored_in_stored_units() -> None:
    clean, problems = clean_part(FULL)
    assert problems == {}
    assert clean == {
        "number": "0 986-494.104/a",
        "number_norm": "0986494104A",
        "brand": "Bosch",
        "name_en": "Brake pad set, front axle",
        "name_zh": "前刹车片",
        "category": "brakes.pads",
        "grade": "OEM",
        "unit": "set",
        "bin": "A-01-3",
        "cost": 18000,
        "price_retail": 129950,
        "price_trade": 110000,
        "price_wholesale": 99999,
        "tax_rate_bp": 1300,
        "min_qty": 2000,
        "max_qty": 10500,
        "supplier": "Jinan Parts Co.",
        "core_charge": 5000,
        "warranty_months": 12,
        "warranty_km": 20000,
        "notes": "Fits front axle.\nCheck the wear sensor.\tBox of 4.",
        "active": True,
    }
    for key in ("cost", "price_retail", "price_trade", "price_wholesale", "tax_rate_bp", "min_qty", "max_qty",
                "core_charge", "warranty_months", "warranty_km"):
        assert type(clean[key]) is int, key


def test_missing_optional_fields_get_defaults() -> None:
    clean, problems = clean_part(MINIMAL)
    assert problems == {}
    assert set(clean) == CLEAN_KEYS
    assert clean == {
        "number": "W 712/75", "number_norm": "W71275", "brand": "MANN", "name_en": "Oil filter", "name_zh": "",
        "category": "engine.filters", "grade": "AFTERMARKET", "unit": "pcs", "bin": "", "cost": 0,
        "price_retail": 4550, "price_trade": 4550, "price_wholesale": 4550, "tax_rate_bp": 1300,
        "min_qty": 0, "max_qty": 0, "supplier": "", "core_charge": 0, "warranty_months": 0, "warranty_km": 0,
        "notes": "", "active": True,
    }


def test_blank_and_none_count_as_missing() -> None:
    raw = {**MINIMAL, "grade": "  ", "unit": None, "tax_rate": "", "price_trade": " ", "active": ""}
    clean, problems = clean_part(raw)
    assert problems == {}
    assert (clean["grade"], clean["unit"], clean["tax_rate_bp"], clean["price_trade"], clean["active"]) == (
        "AFTERMARKET", "pcs", 1300, 4550, True)


def test_wholesale_defaults_to_the_trade_price_and_tax_to_the_shop_default() -> None:
    clean, problems = clean_part({**MINIMAL, "price_trade": "40"}, default_tax_bp=600)
    assert problems == {}
    assert (clean["price_trade"], clean["price_wholesale"], clean["tax_rate_bp"]) == (4000, 4000, 600)
    clean, problems = clean_part({**MINIMAL, "tax_rate": "0"}, default_tax_bp=600)
    assert problems == {} and clean["tax_rate_bp"] == 0  # zero-rated is a rate, not a blank


def test_money_follows_the_currency_exponent() -> None:
    clean, problems = clean_part({**MINIMAL, "price_retail": "1,200", "cost": 800}, exponent=0)
    assert problems == {}
    assert (clean["price_retail"], clean["cost"]) == (1200, 800)
    _, problems = clean_part({**MINIMAL, "price_retail": "12.5"}, exponent=0)
    assert set(problems) == {"price_retail"}


CATEGORY_NAMES = {code: (en, zh) for code, en, zh, _ in STANDARD_CATEGORIES}
CATEGORY_NAMES.update({code: (en, zh) for *_, subs in STANDARD_CATEGORIES for code, en, zh in subs})


@pytest.mark.parametrize("code", list(CATEGORY_NAMES))
def test_every_category_code_means_itself(code: str) -> None:
    for written in (code, code.upper(), f" {code} "):
        clean, problems = clean_part({**MINIMAL, "category": written})
        assert problems == {}, written
        assert clean["category"] == code


@pytest.mark.parametrize("code", list(CATEGORY_NAMES))
def test_every_category_is_found_by_its_english_or_chinese_name(code: str) -> None:
    english, chinese = CATEGORY_NAMES[code]
    for written in (english, english.upper(), f"  {english.lower()} ", chinese):
        if written.strip().casefold() in CATEGORY_NAMES and written.strip().casefold() != code:
            continue  # a name spelled like another category's code: the code wins
        clean, problems = clean_part({**MINIMAL, "category": written})
        assert problems == {}, written
        assert clean["category"] == code, written


def test_standard_categories_are_the_handbooks_seven() -> None:
    assert [code for code, *_ in STANDARD_CATEGORIES] == [
        "engine", "transmission", "brakes", "suspension", "tyres", "electrical", "body"]
    codes = [code for code, *_ in STANDARD_CATEGORIES] + [s for *_, subs in STANDARD_CATEGORIES for s, _, _ in subs]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize(("written", "grade"), [
    ("oe", "OE"), ("OEM", "OEM"), ("Aftermarket", "AFTERMARKET"), ("after-market", "AFTERMARKET"),
    ("after market", "AFTERMARKET"),
])
def test_grades(written: str, grade: str) -> None:
    assert grade in GRADES
    assert clean_part({**MINIMAL, "grade": written})[0]["grade"] == grade


@pytest.mark.parametrize(("written", "unit"), [
    ("pcs", "pcs"), ("piece", "pcs"), ("pieces", "pcs"), ("件", "pcs"), ("l", "L"), ("Litre", "L"),
    ("litres", "L"), ("升", "L"), ("M", "m"), ("metres", "m"), ("米", "m"), ("kg", "kg"), ("千克", "kg"),
    ("pair", "pair"), ("对", "pair"), ("Set", "set"), ("套", "set"),
])
def test_units(written: str, unit: str) -> None:
    assert unit in UNITS
    assert clean_part({**MINIMAL, "unit": written})[0]["unit"] == unit


@pytest.mark.parametrize(("written", "active"), [
    ("yes", True), ("No", False), ("是", True), ("否", False), ("0", False), ("1", True), (False, False),
    (True, True), ("TRUE", True), ("off", False),
])
def test_active(written: object, active: bool) -> None:
    clean, problems = clean_part({**MINIMAL, "active": written})
    assert problems == {}
    assert clean["active"] is active


@pytest.mark.parametrize(("override", "field", "fragment"), [
    ({"number": ""}, "number", "required"),
    ({"number": None}, "number", "required"),
    ({"brand": "  "}, "brand", "required"),
    ({"name_en": ""}, "name_en", "required"),
    ({"category": ""}, "category", "required"),
    ({"price_retail": ""}, "price_retail", "required"),
    ({"number": "-- ./"}, "number", "letter or digit"),
    ({"category": "Spaceship parts"}, "category", "unknown"),
    ({"grade": "genuine"}, "grade", "OE, OEM, AFTERMARKET"),
    ({"unit": "gallon"}, "unit", "pcs"),
    ({"price_retail": "-5"}, "price_retail", "negative"),
    ({"cost": "-0.01"}, "cost", "negative"),
    ({"core_charge": "-1"}, "core_charge", "negative"),
    ({"price_trade": "-1"}, "price_trade", "negative"),
    ({"price_retail": "0"}, "price_retail", "cannot be 0"),
    ({"price_retail": "0.00"}, "price_retail", "cannot be 0"),
    ({"price_retail": "12.345"}, "price_retail", "decimal places"),
    ({"price_retail": "abc"}, "price_retail", "not a number"),
    ({"price_trade": "45.51", "price_wholesale": "40"}, "price_trade", "above the retail price"),
    ({"price_wholesale": "46"}, "price_wholesale", "above the retail price"),
    ({"min_qty": "5", "max_qty": "2"}, "max_qty", "below minimum"),
    ({"min_qty": "-1"}, "min_qty", "negative"),
    ({"max_qty": "1.0001"}, "max_qty", "3 decimal places"),
    ({"tax_rate": "101"}, "tax_rate", "between 0 and 100"),
    ({"tax_rate": "-1"}, "tax_rate", "between 0 and 100"),
    ({"tax_rate": "13.125"}, "tax_rate", "two decimal places"),
    ({"warranty_months": "twelve"}, "warranty_months", "whole number"),
    ({"warranty_months": "1.5"}, "warranty_months", "whole number"),
    ({"warranty_months": True}, "warranty_months", "whole number"),
    ({"warranty_km": "-100"}, "warranty_km", "whole number"),
    ({"warranty_km": "2000000000"}, "warranty_km", "too large"),
    ({"active": "maybe"}, "active", "yes or no"),
    ({"number": "1" * 41}, "number", "at most 40"),
    ({"brand": "B" * 61}, "brand", "at most 60"),
    ({"name_en": "x" * 201}, "name_en", "at most 200"),
    ({"name_zh": "刹" * 201}, "name_zh", "at most 200"),
    ({"bin": "A" * 21}, "bin", "at most 20"),
    ({"supplier": "s" * 81}, "supplier", "at most 80"),
    ({"notes": "n" * 2001}, "notes", "at most 2000"),
    ({"name_en": "Brake\x00pad"}, "name_en", "control characters"),
    ({"name_en": "Brake\npad"}, "name_en", "line breaks"),
    ({"brand": "Bo\x1bsch"}, "brand", "control characters"),
    ({"number": "0986\r494"}, "number", "control characters"),
    ({"notes": "ok\x07"}, "notes", "control characters"),
    ({"colour": "red"}, "_unknown", "colour"),
])
def test_each_bad_value_is_named_under_its_field(override: dict[str, object], field: str, fragment: str) -> None:
    clean, problems = clean_part({**MINIMAL, **override})
    assert set(problems) == {field}, problems
    assert fragment.casefold() in problems[field].casefold()
    spec = PART_FIELDS_BY_NAME.get(field)
    if spec is not None and "required" not in fragment:
        assert problems[field].startswith(("The part", spec.label, "Category", "Maximum stock")), problems[field]


def test_limits_themselves_are_allowed() -> None:
    raw = {**MINIMAL, "number": "1" * 40, "brand": "B" * 60, "name_en": "x" * 200, "bin": "A" * 20,
           "supplier": "s" * 80, "notes": "n" * 2000, "tax_rate": "100", "price_trade": "45.50",
           "price_wholesale": "45.50", "min_qty": "3", "max_qty": "3", "warranty_km": "1000000000"}
    clean, problems = clean_part(raw)
    assert problems == {}
    assert clean["tax_rate_bp"] == 10000


def test_min_stock_above_zero_max_means_no_maximum() -> None:
    clean, problems = clean_part({**MINIMAL, "min_qty": "5", "max_qty": "0"})
    assert problems == {}
    assert (clean["min_qty"], clean["max_qty"]) == (5000, 0)


def test_every_problem_is_reported_at_once() -> None:
    raw = {"number": "", "brand": "", "name_en": "", "category": "nope", "price_retail": "-1", "grade": "x",
           "unit": "y", "active": "perhaps", "extra": 1}
    _, problems = clean_part(raw)
    assert set(problems) == {"number", "brand", "name_en", "category", "price_retail", "grade", "unit", "active",
                             "_unknown"}


def test_text_is_trimmed() -> None:
    clean, problems = clean_part({**MINIMAL, "brand": "  MANN ", "name_en": " Oil filter\t"})
    assert problems == {}
    assert (clean["brand"], clean["name_en"]) == ("MANN", "Oil filter")


INT_FIELDS = {spec.name for spec in PART_FIELDS if spec.kind == "int"}
VALUES = st.one_of(st.text(max_size=60), st.none(), st.booleans(), st.integers(-10**15, 10**15),
                   st.floats(allow_nan=True, allow_infinity=True))
FIELD_NAMES = st.sampled_from([spec.name for spec in PART_FIELDS])


def _check_outcome(raw: dict[str, object]) -> None:
    clean, problems = clean_part(raw)
    assert set(problems) <= PROBLEM_KEYS
    assert all(isinstance(message, str) and message for message in problems.values())
    if not problems:
        assert set(clean) == CLEAN_KEYS
        assert isinstance(clean["price_retail"], int) and clean["price_retail"] > 0
        assert clean["price_trade"] <= clean["price_retail"] and clean["price_wholesale"] <= clean["price_retail"]
        assert clean["number_norm"]


@MODEST
@given(st.dictionaries(FIELD_NAMES.filter(lambda name: name not in INT_FIELDS), VALUES, max_size=12),
       st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=2))
def test_arbitrary_values_give_problems_never_a_crash(raw: dict[str, object], extra: dict[str, str]) -> None:
    _check_outcome({**raw, **extra})
    _check_outcome({**MINIMAL, **raw})


@MODEST
@given(st.dictionaries(st.sampled_from(sorted(INT_FIELDS)), VALUES, max_size=2))
@example({"warranty_months": "²"})
@example({"warranty_km": "9" * 5000})
def test_warranty_values_give_problems_never_a_crash(raw: dict[str, object]) -> None:
    _check_outcome({**MINIMAL, **raw})
    assert "warranty_months" in clean_part({**MINIMAL, "warranty_months": -3})[1]
