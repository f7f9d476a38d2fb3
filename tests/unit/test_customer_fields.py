"""A customer's fields as typed: phones, tax IDs, dates, tags, cards and choices."""

from __future__ import annotations

from datetime import date

import pytest

from partsdesk.domain.customers import check_phone, clean_customer, normalize_phone, normalize_tax_id
from partsdesk.domain.errors import ValidationError

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(("typed", "norm"), [
    ("+86 138-0013-8000", "13800138000"),
    ("0086 13800138000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("１３８００１３８０００", "13800138000"),  # full-width digits from a Chinese input method
    ("(021) 6552-9988", "02165529988"),
    ("+49 30 1234567", "49301234567"),  # a foreign number keeps its country code
    ("+8613800138000", "13800138000"),
])
def test_phones_are_matched_by_their_digits_without_the_shops_country_code(typed, norm):
    assert normalize_phone(typed) == norm
    assert check_phone(typed) == norm


def test_the_country_code_is_a_setting():
    assert normalize_phone("+44 20 7946 0958", country_code="44") == "2079460958"
    assert normalize_phone("+86 138 0013 8000", country_code="44") == "8613800138000"


@pytest.mark.parametrize("typed", ["1234", "call me", "1380013800012345678", "+86"])
def test_a_phone_that_cannot_be_a_number_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        check_phone(typed)
    assert set(error.value.problems) == {"phones"}


def test_tax_ids_are_compared_as_upper_case_letters_and_digits():
    assert normalize_tax_id("91310000 ma1fl1xx-5c") == "91310000MA1FL1XX5C"
    assert normalize_tax_id("９１３１") == "9131"


@pytest.mark.parametrize(("typed", "day"), [
    ("1980-05-17", date(1980, 5, 17)), ("1980/5/17", date(1980, 5, 17)), ("1980.05.17", date(1980, 5, 17)),
    ("1980年5月17日", date(1980, 5, 17)), (date(1980, 5, 17), date(1980, 5, 17)), ("", None),
])
def test_birthdays_are_read_in_the_usual_ways(typed, day):
    clean, problems = clean_customer({"name": "x", "birthday": typed}, today=TODAY)
    assert problems == {} and clean["birthday"] == day


@pytest.mark.parametrize("typed", ["17.5.1980", "1980-02-30", "2026-11-23", "1899-12-31", "soon"])
def test_impossible_birthdays_are_refused(typed):
    _, problems = clean_customer({"name": "x", "birthday": typed}, today=TODAY)
    assert set(problems) == {"birthday"}


def test_choices_tags_cards_and_defaults():
    clean, problems = clean_customer({"name": " 张伟 ", "kind": "公司", "preferred_channel": "微信",
                                      "tags": "VIP，fleet; VIP、老客户", "member_card": " m1001 ",
                                      "credit_limit": "5,000.50", "marketing_consent": "是"}, today=TODAY)
    assert problems == {}
    assert (clean["name"], clean["kind"], clean["preferred_channel"]) == ("张伟", "company", "wechat")
    assert clean["tags"] == "VIP, fleet, 老客户" and clean["member_card"] == "M1001"
    assert clean["credit_limit"] == 500050 and clean["marketing_consent"] is True
    clean, _ = clean_customer({"name": "x"}, today=TODAY)
    assert (clean["kind"], clean["member_card"], clean["credit_limit"], clean["payment_terms_days"]) == (
        "person", None, 0, 0)


@pytest.mark.parametrize(("field", "value"), [
    ("kind", "robot"), ("email", "a@b"), ("email", "two words@example.com"), ("preferred_channel", "fax"),
    ("member_card", "A-1"), ("credit_limit", "-5"), ("payment_terms_days", "366"), ("name", "x" * 121),
    ("name", "line\nbreak"), ("marketing_consent", "maybe"),
])
def test_bad_values_are_refused_on_their_field(field, value):
    raw = {"name": "x", field: value}
    _, problems = clean_customer(raw, today=TODAY)
    assert set(problems) == {field}
