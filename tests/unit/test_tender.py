"""Tender and cash-up (partsdesk.domain.tender): any mix of payments, change from cash only,
cash rounding, the drawer's expected cash and the report's takings by method."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.tender import (
    CARD,
    CASH,
    METHODS,
    ON_ACCOUNT,
    POINTS,
    PREPAID,
    Payment,
    cash_up,
    payment_totals,
    round_to_coin,
    settle,
)

MODEST = settings(max_examples=300, deadline=None)


def field_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return next(iter(excinfo.value.problems))


def cash(amount: int) -> Payment:
    return Payment(CASH, amount)


def card(amount: int, reference: str = "T0001") -> Payment:
    return Payment(CARD, amount, reference=reference)


# ---------------------------------------------------------------- payments


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"method": "cheque", "amount": 100}, "method"),
    ({"method": CASH, "amount": 0}, "amount"),
    ({"method": CASH, "amount": -100}, "amount"),
    ({"method": CASH, "amount": 1.5}, "amount"),
    ({"method": CASH, "amount": True}, "amount"),
    ({"method": CARD, "amount": 100}, "reference"),
    ({"method": CARD, "amount": 100, "reference": "   "}, "reference"),
    ({"method": CARD, "amount": 100, "reference": "x" * 61}, "reference"),
    ({"method": CARD, "amount": 100, "reference": "a\nb"}, "reference"),
    ({"method": POINTS, "points": 0}, "points"),
    ({"method": POINTS, "points": 100, "amount": 100}, "amount"),
    ({"method": PREPAID, "amount": 100, "points": 5}, "points"),
])
def test_a_payment_that_cannot_be_taken_names_the_field(kwargs, field) -> None:
    with pytest.raises(ValidationError) as excinfo:
        Payment(**kwargs)
    assert field_of(excinfo) == field


def test_a_card_payment_needs_the_slips_reference() -> None:
    with pytest.raises(ValidationError, match="reference from the card terminal's slip"):
        Payment(CARD, 100)
    assert Payment(CARD, 100, reference="  RRN 123 ").reference == "RRN 123"


# ---------------------------------------------------------------- settle


def test_exact_cash() -> None:
    s = settle(100_00, [cash(100_00)])
    assert (s.settled, s.paid_by_method, s.change, s.remaining) == (True, {CASH: 100_00}, 0, 0)


def test_cash_over_the_total_gives_change() -> None:
    s = settle(87_50, [cash(100_00)])
    assert (s.settled, s.paid_by_method, s.change, s.tendered) == (True, {CASH: 87_50}, 12_50, 100_00)


def test_cash_short_leaves_something_to_pay() -> None:
    s = settle(87_50, [cash(50_00)])
    assert (s.settled, s.remaining, s.change) == (False, 37_50, 0)
    assert s.problems == {"remaining": "Still to pay: 37.50."}
    with pytest.raises(ValidationError, match=r"Still to pay: 37\.50\."):
        s.require_settled()


def test_nothing_tendered_yet() -> None:
    s = settle(87_50, [])
    assert (s.remaining, s.paid_by_method, s.problems) == (87_50, {}, {"remaining": "Still to pay: 87.50."})


def test_a_sale_of_nothing_is_settled_without_payments() -> None:
    assert settle(0, []).settled


def test_card_and_cash_mixed_the_card_counts_first_whatever_the_order() -> None:
    s = settle(120_00, [cash(100_00), card(50_00)])
    assert s.settled
    assert s.paid_by_method == {CASH: 70_00, CARD: 50_00}
    assert s.change == 30_00
    assert [(a.index, a.method, a.tendered, a.kept) for a in s.applied] == [
        (0, CASH, 100_00, 70_00), (1, CARD, 50_00, 50_00)]
    assert s.applied[1].reference == "T0001"


def test_a_card_may_not_pay_more_than_is_left() -> None:
    s = settle(120_00, [card(150_00)])
    assert not s.settled
    assert s.problems == {"payments.0": "Card 150.00 is more than the 120.00 left to pay: only cash can be more "
                                        "(it gives change)."}
    assert s.change == 0


def test_a_payment_after_the_sale_is_paid_is_refused() -> None:
    s = settle(50_00, [card(50_00), Payment(ON_ACCOUNT, 10_00)])
    assert s.problems == {"payments.1": "Nothing is left to pay: remove the on account payment of 10.00."}


def test_every_method_together() -> None:
    payments = [Payment(POINTS, points=500), Payment(PREPAID, 20_00), Payment(ON_ACCOUNT, 30_00), card(20_00),
                cash(50_00)]
    s = settle(100_00, payments, point_value=2)  # 500 points at 0.02: 10.00
    assert s.settled
    assert s.paid_by_method == {CASH: 20_00, CARD: 20_00, ON_ACCOUNT: 30_00, PREPAID: 20_00, POINTS: 10_00}
    assert list(s.paid_by_method) == list(METHODS)
    assert (s.change, s.points_redeemed, s.paid) == (30_00, 500, 100_00)


def test_points_are_worth_the_point_value_and_may_not_pay_more_than_is_left() -> None:
    assert settle(5_00, [Payment(POINTS, points=500)]).paid_by_method == {POINTS: 5_00}
    s = settle(3_00, [Payment(POINTS, points=500)])
    assert s.problems["payments.0"] == "500 points (5.00) are more than the 3.00 left to pay: redeem at most 300 points."
    s = settle(3_00, [Payment(POINTS, points=500)], point_value=0)
    assert s.problems["payments.0"] == "Points cannot pay: the shop's point value is 0."


def test_the_customers_balances_are_not_exceeded() -> None:
    s = settle(100_00, [Payment(PREPAID, 50_00), cash(50_00)], prepaid_balance=30_00)
    assert s.problems == {"prepaid": "Prepaid 50.00 is more than the customer's prepaid balance of 30.00."}
    s = settle(100_00, [Payment(POINTS, points=1_500), cash(90_00)], points_balance=1_000)
    assert s.problems == {"points": "1,500 points are more than the customer's 1,000 points."}
    assert settle(100_00, [Payment(PREPAID, 30_00), cash(70_00)], prepaid_balance=30_00).settled


def test_cash_split_over_two_payments_gives_change_from_the_last() -> None:
    s = settle(130_00, [cash(100_00), cash(50_00)])
    assert [(a.tendered, a.kept) for a in s.applied] == [(100_00, 100_00), (50_00, 30_00)]
    assert (s.paid_by_method, s.change) == ({CASH: 130_00}, 20_00)


# ---------------------------------------------------------------- cash rounding


@pytest.mark.parametrize(("amount", "coin", "rounded"), [
    (12_34, 10, 12_30), (12_35, 10, 12_40), (12_36, 10, 12_40), (12_34, 0, 12_34), (12_34, 1, 12_34),
    (12_34, 50, 12_50), (12_24, 50, 12_00), (4, 10, 0),
])
def test_round_to_coin(amount, coin, rounded) -> None:
    assert round_to_coin(amount, coin) == rounded


def test_cash_is_rounded_to_the_smallest_coin() -> None:
    s = settle(12_34, [cash(20_00)], cash_rounding=10)
    assert (s.settled, s.cash_due, s.rounding, s.paid_by_method, s.change) == (True, 12_30, -4, {CASH: 12_30}, 7_70)
    up = settle(12_35, [cash(12_40)], cash_rounding=10)
    assert (up.settled, up.rounding, up.change) == (True, 5, 0)


def test_rounding_touches_only_what_cash_pays() -> None:
    s = settle(12_34, [card(2_00), cash(10_30)], cash_rounding=10)
    assert (s.settled, s.cash_due, s.rounding, s.paid) == (True, 10_30, -4, 12_30)
    by_card = settle(12_34, [card(12_34)], cash_rounding=10)
    assert (by_card.settled, by_card.rounding, by_card.paid) == (True, 0, 12_34)
    waiting = settle(12_34, [card(2_00)], cash_rounding=10)
    assert (waiting.remaining, waiting.cash_due) == (10_34, 10_30)  # card may still pay the exact rest


@pytest.mark.parametrize(("args", "kwargs", "field"), [
    ((-1, []), {}, "total"),
    ((100, []), {"point_value": -1}, "point_value"),
    ((100, []), {"cash_rounding": -10}, "cash_rounding"),
    (("100", []), {}, "total"),
])
def test_a_bad_setting_names_the_field(args, kwargs, field) -> None:
    with pytest.raises(ValidationError) as excinfo:
        settle(*args, **kwargs)
    assert field_of(excinfo) == field


PAYMENTS = st.one_of(
    st.builds(cash, st.integers(1, 50_000)),
    st.builds(card, st.integers(1, 50_000)),
    st.builds(lambda a: Payment(ON_ACCOUNT, a), st.integers(1, 50_000)),
    st.builds(lambda a: Payment(PREPAID, a), st.integers(1, 50_000)),
    st.builds(lambda p: Payment(POINTS, points=p), st.integers(1, 5_000)),
)


@MODEST
@given(st.integers(0, 100_000), st.lists(PAYMENTS, max_size=6), st.sampled_from([0, 1, 5, 10, 50, 100]),
       st.integers(0, 10))
def test_a_settlement_always_balances(total, payments, coin, point_value) -> None:
    s = settle(total, payments, cash_rounding=coin, point_value=point_value)
    tendered = sum(p.value(point_value) for p in payments)
    assert s.tendered == tendered
    assert s.paid + s.change == tendered  # nothing appears or vanishes
    assert s.change >= 0 and s.remaining >= 0
    if not any(p.method == CASH for p in payments):
        assert (s.change, s.rounding) == (0, 0)  # only cash gives change, only cash is rounded
    assert 2 * abs(s.rounding) <= max(coin, 1)
    if s.settled:
        assert s.paid == total + s.rounding
        assert s.remaining == 0
        assert sum(s.paid_by_method[m] for m in s.paid_by_method if m != CASH) <= total
    else:
        assert s.problems


# ---------------------------------------------------------------- cash-up


def test_the_expected_cash_and_what_the_count_says() -> None:
    figures = {"opening_float": 500_00, "cash_sales": 2_345_60, "cash_refunds": 45_00, "cash_paid_in": 100_00,
               "cash_paid_out": 80_00}
    balanced = cash_up(**figures, counted=2_820_60)
    assert (balanced.expected, balanced.counted, balanced.over_short, balanced.message) == (
        2_820_60, 2_820_60, 0, "Balanced.")
    over = cash_up(**figures, counted=2_821_60)
    assert (over.over_short, over.message) == (1_00, "Over by 1.00.")
    short = cash_up(**figures, counted=2_818_10)
    assert (short.over_short, short.message) == (-2_50, "Short by 2.50.")
    assert short.anomalies == ()


def test_an_odd_day_is_flagged_not_refused() -> None:
    odd = cash_up(opening_float=0, cash_sales=0, cash_refunds=50_00, cash_paid_in=0, cash_paid_out=0, counted=0)
    assert (odd.expected, odd.over_short, odd.message) == (-50_00, 50_00, "Over by 50.00.")
    assert odd.anomalies and "below zero (-50.00)" in odd.anomalies[0]


@pytest.mark.parametrize("name", ["opening_float", "cash_sales", "cash_refunds", "cash_paid_in", "cash_paid_out",
                                  "counted"])
def test_a_bad_cash_up_figure_names_it(name) -> None:
    figures = dict.fromkeys(["opening_float", "cash_sales", "cash_refunds", "cash_paid_in", "cash_paid_out",
                             "counted"], 0)
    with pytest.raises(ValidationError) as excinfo:
        cash_up(**(figures | {name: -1}))
    assert field_of(excinfo) == name
    with pytest.raises(ValidationError) as excinfo:
        cash_up(**(figures | {name: 1.5}))
    assert field_of(excinfo) == name


@MODEST
@given(*[st.integers(0, 10**9)] * 6)
def test_over_short_is_counted_less_expected(opening, sales, refunds, paid_in, paid_out, counted) -> None:
    result = cash_up(opening_float=opening, cash_sales=sales, cash_refunds=refunds, cash_paid_in=paid_in,
                     cash_paid_out=paid_out, counted=counted)
    assert result.expected == opening + sales - refunds + paid_in - paid_out
    assert result.expected + result.over_short == counted


# ---------------------------------------------------------------- takings by method


def test_takings_by_method_in_the_reports_order() -> None:
    totals = payment_totals([(CARD, 50_00), (CASH, 20_00), (CASH, -5_00), (POINTS, 1_00), (CARD, 30_00)])
    assert totals.by_method == {CASH: 15_00, CARD: 80_00, POINTS: 1_00}
    assert list(totals.by_method) == [CASH, CARD, POINTS]
    assert totals.count_by_method == {CASH: 2, CARD: 2, POINTS: 1}
    assert totals.total == 96_00


def test_an_unknown_method_keeps_its_own_line_at_the_end() -> None:
    totals = payment_totals([("voucher", 10_00), (CASH, 5_00), ("cheque", 3_00)])
    assert list(totals.by_method) == [CASH, "cheque", "voucher"]
    assert totals.total == 18_00


def test_no_takings() -> None:
    totals = payment_totals([])
    assert (totals.by_method, totals.total) == ({}, 0)


def test_a_bad_takings_entry_names_it() -> None:
    with pytest.raises(ValidationError) as excinfo:
        payment_totals([(CASH, 100), (CARD, 1.5)])
    assert field_of(excinfo) == "entries.1"
    with pytest.raises(ValidationError) as excinfo:
        payment_totals([(CASH,)])
    assert field_of(excinfo) == "entries.0"
