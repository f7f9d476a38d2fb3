"""Membership rules without a database: tiers and the next one, card numbers and their check
digit, points earned, month arithmetic, and which points expire (first in, first out)."""

from __future__ import annotations

from datetime import date

import pytest

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.membership import (
    DEFAULT_TIERS,
    PointsLot,
    PointsRow,
    add_months,
    clean_card_number,
    expiring_by_date,
    generated_card_owner,
    luhn_digit,
    member_card_number,
    next_tier,
    open_lots,
    parse_tiers,
    points_for,
    points_to_expire,
    tier_for,
)

TIERS = parse_tiers([dict(t) for t in DEFAULT_TIERS])  # Silver 1,000 pt / 1,000.00; Gold 5,000 / 5,000.00; ...
JAN1, JUN1 = date(2027, 1, 1), date(2027, 6, 1)


def earn(entry_id: int, points: int, expires_on: date | None) -> PointsRow:
    return PointsRow(entry_id, "earn", points, expires_on)


def take(entry_id: int, points: int, kind: str = "redeem") -> PointsRow:
    return PointsRow(entry_id, kind, -points)


# --- tiers ------------------------------------------------------------------------------------

def test_a_tier_is_reached_by_points_or_by_prepaid():
    assert tier_for(TIERS, 999, 99_999) is None
    assert tier_for(TIERS, 1_000, 0).name == "Silver"
    assert tier_for(TIERS, 0, 500_000).name == "Gold"  # prepaid alone
    assert tier_for(TIERS, 5_000, 100_000).name == "Gold"  # the higher of the two ways


def test_the_next_tier_says_what_is_missing_each_way():
    first = next_tier(TIERS, 0, 0)
    assert (first.tier.name, first.points_missing, first.prepaid_missing) == ("Silver", 1_000, 100_000)
    gold = next_tier(TIERS, 3_800, 470_000)
    assert (gold.tier.name, gold.points_missing, gold.prepaid_missing) == ("Gold", 1_200, 30_000)
    assert next_tier(TIERS, 20_000, 0) is None  # Platinum: nothing above
    only_points = parse_tiers([{"name": "Club", "min_points": 100, "min_prepaid": 0, "discount_bp": 0}])
    assert next_tier(only_points, 40, 10**9).prepaid_missing == 0  # not reachable by prepaid at all


# --- card numbers -----------------------------------------------------------------------------

def test_luhn_matches_the_known_example():
    assert luhn_digit("7992739871") == "3"  # the textbook example: 79927398713
    with pytest.raises(ValueError):
        luhn_digit("12a")


def test_a_made_card_number_names_its_customer_and_catches_a_typo():
    number = member_card_number(123)
    assert number.startswith("M0000123") and len(number) == 9
    assert generated_card_owner(number) == 123
    wrong_digit = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
    assert generated_card_owner(wrong_digit) is None
    swapped = "M0001023" + number[-1]  # neighbours swapped
    assert generated_card_owner(swapped) is None
    assert generated_card_owner("M1001") is None  # a card of the old system, too short
    assert generated_card_owner("X0000123" + number[-1]) is None
    assert member_card_number(12_345_678).startswith("M12345678")  # grows past 7 digits
    assert len({member_card_number(n) for n in range(1, 3000)}) == 2999
    with pytest.raises(ValueError):
        member_card_number(0)


@pytest.mark.parametrize(("typed", "clean"), [(" m1001 ", "M1001"), ("abc123", "ABC123")])
def test_a_card_number_is_cleaned_as_typed(typed, clean):
    assert clean_card_number(typed) == clean


@pytest.mark.parametrize("typed", ["", "   ", "M-1001", "卡1001", "M" * 31])
def test_a_bad_card_number_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        clean_card_number(typed)
    assert "card_number" in error.value.problems


# --- earning ----------------------------------------------------------------------------------

def test_points_are_earned_on_whole_units_only():
    assert points_for(12_399, points_per_unit=1) == 123  # 123.99 spent
    assert points_for(12_399, points_per_unit=3) == 371  # floor(371.97)
    assert points_for(99, points_per_unit=1) == 0
    assert points_for(500, points_per_unit=1, exponent=0) == 500  # yen: every unit counts
    assert points_for(-5_000, points_per_unit=1) == 0  # a return earns nothing
    assert points_for(5_000, points_per_unit=0) == 0  # earning switched off


def test_months_are_added_by_the_calendar():
    assert add_months(date(2026, 11, 22), 24) == date(2028, 11, 22)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)  # leap year
    assert add_months(date(2026, 11, 30), 14) == date(2028, 1, 30)


# --- FIFO expiry ------------------------------------------------------------------------------

def test_what_is_left_of_a_lapsed_earning_expires():
    rows = [earn(1, 100, JAN1), earn(2, 50, JUN1)]
    assert points_to_expire(rows, date(2026, 12, 31)) == 0
    assert points_to_expire(rows, JAN1) == 100  # the day itself counts
    assert points_to_expire(rows, JUN1) == 150


def test_redemptions_take_the_oldest_points_first():
    rows = [earn(1, 100, JAN1), earn(2, 50, JUN1), take(3, 30)]
    assert points_to_expire(rows, JAN1) == 70  # 30 of the oldest were spent
    rows.append(take(4, 90))  # 70 from the first, 20 from the second
    assert open_lots(rows) == [PointsLot(2, JUN1, 30)]
    assert points_to_expire(rows, JAN1) == 0
    assert points_to_expire(rows, JUN1) == 30


def test_a_negative_adjustment_consumes_like_a_redemption():
    rows = [earn(1, 100, JAN1), take(2, 100, "adjust"), earn(3, 10, JUN1)]
    assert points_to_expire(rows, JUN1) == 10


def test_an_expiry_run_is_idempotent():
    rows = [earn(1, 100, JAN1), earn(2, 50, JUN1), take(3, 30)]
    first = points_to_expire(rows, JAN1)
    rows.append(PointsRow(4, "expire", -first))
    assert points_to_expire(rows, JAN1) == 0  # running again on the same day
    assert points_to_expire(rows, JUN1) == 50  # the later earning is untouched
    rows.append(PointsRow(5, "expire", -50))
    assert open_lots(rows) == []


def test_points_spent_after_their_date_but_before_the_run_are_not_expired_again():
    rows = [earn(1, 100, JAN1), earn(2, 100, JUN1), take(3, 60)]  # spent on 3 Jan, before the 5 Jan run
    assert points_to_expire(rows, date(2027, 1, 5)) == 40


def test_an_expire_row_takes_the_lots_that_had_lapsed_not_simply_the_oldest():
    # A hand-added lot without expiry is the oldest; the run took the lapsed earning, not it.
    rows = [PointsRow(1, "adjust", 20, None), earn(2, 100, JAN1), PointsRow(3, "expire", -100), take(4, 5)]
    assert open_lots(rows) == [PointsLot(1, None, 15)]
    assert points_to_expire(rows, date(2099, 1, 1)) == 0  # never expires


def test_an_earning_credited_after_a_run_with_an_earlier_date_is_not_counted_as_expired():
    rows = [earn(1, 100, JUN1), PointsRow(2, "expire", -100), earn(3, 40, JAN1)]  # backdated sale after the run
    assert points_to_expire(rows, JUN1) == 40


def test_rows_are_replayed_in_ledger_order_whatever_order_they_come_in():
    rows = [take(3, 30), earn(2, 50, JUN1), earn(1, 100, JAN1)]
    assert points_to_expire(rows, JAN1) == 70


def test_more_taken_than_held_is_paid_from_the_next_credits():
    rows = [earn(1, 10, JAN1), take(2, 25), earn(3, 40, JUN1)]  # a ledger imported with a shortfall of 15
    assert open_lots(rows) == [PointsLot(3, JUN1, 25)]


def test_expiring_points_are_listed_by_date():
    rows = [earn(1, 100, JAN1), earn(2, 20, JAN1), earn(3, 50, JUN1), earn(4, 5, None), take(5, 30)]
    assert expiring_by_date(rows, until=date(2027, 3, 1)) == [(JAN1, 90)]
    assert expiring_by_date(rows, until=JUN1) == [(JAN1, 90), (JUN1, 50)]
    assert expiring_by_date([], until=JUN1) == []
