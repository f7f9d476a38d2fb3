"""Money, tax and quantity rules (partsdesk.domain.money): exact integers, one rounding rule."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import (
    CURRENCIES,
    DocumentLine,
    allocate,
    document_totals,
    format_bp,
    format_money,
    format_quantity,
    line_amount,
    parse_money,
    parse_percent_bp,
    parse_quantity,
    round_minor,
    split_tax,
)

MODEST = settings(max_examples=200, deadline=None)
RATES = st.sampled_from([0, 300, 600, 900, 1300, 1700, 2000])


def half_up(value: Fraction) -> int:
    """Round a Fraction to an int, halves away from zero — written out independently of the code."""
    magnitude = abs(value)
    whole = magnitude.numerator // magnitude.denominator
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    return whole if value >= 0 else -whole


def exact_tax(amount: int, rate_bp: int, *, inclusive: bool) -> Fraction:
    return Fraction(amount * rate_bp, 10_000 + rate_bp if inclusive else 10_000)


# ---------------------------------------------------------------- rounding


@pytest.mark.parametrize(("value", "expected"), [
    ("2.5", 3), ("-2.5", -3), ("0.5", 1), ("-0.5", -1), ("2.4999", 2), ("-2.4999", -2),
    ("1.5", 2), ("3.5", 4), ("0", 0), ("7", 7), ("-7.51", -8),
])
def test_round_minor_rounds_halves_away_from_zero(value: str, expected: int) -> None:
    assert round_minor(Decimal(value)) == expected
    assert type(round_minor(Decimal(value))) is int


@MODEST
@given(st.integers(-10**13, 10**13), st.integers(1, 10**4))
def test_round_minor_matches_exact_half_up(numerator: int, denominator: int) -> None:
    assert round_minor(Decimal(numerator) / Decimal(denominator)) == half_up(Fraction(numerator, denominator))


@MODEST
@given(st.integers(0, 10**9), st.integers(-10**6, 10**7))
def test_line_amount_is_the_exact_product_rounded_once(unit_price: int, qty: int) -> None:
    assert line_amount(unit_price, qty) == half_up(Fraction(unit_price * qty, 1000))


def test_line_amount_examples() -> None:
    assert line_amount(1999, 3000) == 5997  # 3 x 19.99
    assert line_amount(4550, 4500) == 20475  # 4.5 L at 45.50
    assert line_amount(333, 1500) == 500  # 499.5 -> 500 (half up)
    assert line_amount(333, -1500) == -500  # a return rounds the same way, mirrored
    assert line_amount(1, 1) == 0


# ---------------------------------------------------------------- allocation


@MODEST
@given(st.integers(-10**9, 10**9), st.lists(st.integers(0, 10**9), min_size=1, max_size=30))
def test_allocate_sums_exactly_and_every_share_is_within_one(total: int, weights: list[int]) -> None:
    shares = allocate(total, weights)
    assert len(shares) == len(weights)
    assert sum(shares) == total
    effective = weights if sum(weights) else [1] * len(weights)
    for share, weight in zip(shares, effective, strict=True):
        assert abs(share - Fraction(total * weight, sum(effective))) < 1
        assert share == 0 or (share > 0) == (total > 0)


def test_allocate_examples() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(10, [0, 0]) == [5, 5]
    assert allocate(7, [0, 5]) == [0, 7]
    with pytest.raises(ValueError):
        allocate(5, [])
    with pytest.raises(ValueError):
        allocate(5, [1, -1])


# ---------------------------------------------------------------- tax


def test_split_tax_examples() -> None:
    inclusive = split_tax(11300, 1300, prices_include_tax=True)
    assert (inclusive.net, inclusive.tax, inclusive.gross) == (10000, 1300, 11300)
    exclusive = split_tax(10000, 1300, prices_include_tax=False)
    assert (exclusive.net, exclusive.tax, exclusive.gross) == (10000, 1300, 11300)
    zero = split_tax(12345, 0, prices_include_tax=True)
    assert (zero.net, zero.tax, zero.gross) == (12345, 0, 12345)
    # 6 % of 0.25 is 0.015 -> 0.02 (half up), not banker's 0.02/0.01
    assert split_tax(25, 600, prices_include_tax=False).tax == 2
    assert split_tax(-11300, 1300, prices_include_tax=True).tax == -1300


@MODEST
@given(st.integers(-10**12, 10**12), RATES, st.booleans())
def test_split_tax_is_exact_and_adds_up(amount: int, rate: int, inclusive: bool) -> None:
    split = split_tax(amount, rate, prices_include_tax=inclusive)
    assert split.net + split.tax == split.gross
    assert split.tax == half_up(exact_tax(amount, rate, inclusive=inclusive))
    assert (split.gross if inclusive else split.net) == amount


LINES = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 50_000), RATES), max_size=25)


def _check_totals(lines: list[DocumentLine], inclusive: bool) -> None:
    totals = document_totals(lines, prices_include_tax=inclusive)
    assert len(totals.line_tax) == len(lines)
    assert totals.net + totals.tax == totals.gross
    assert sum(totals.line_tax) == totals.tax
    # the document total is the sum of the rounded line amounts, on the shop's price basis
    assert (totals.gross if inclusive else totals.net) == sum(line.amount for line in lines)
    assert set(totals.by_rate) == {line.rate_bp for line in lines}
    assert totals.net == sum(s.net for s in totals.by_rate.values())
    assert totals.tax == sum(s.tax for s in totals.by_rate.values())
    for rate, split in totals.by_rate.items():
        members = [i for i, line in enumerate(lines) if line.rate_bp == rate]
        rate_amount = sum(lines[i].amount for i in members)
        assert split.net + split.tax == split.gross
        assert (split.gross if inclusive else split.net) == rate_amount
        # tax is computed once per rate, on the rate's total
        assert split.tax == half_up(exact_tax(rate_amount, rate, inclusive=inclusive))
        assert sum(totals.line_tax[i] for i in members) == split.tax
        for i in members:
            # each line's tax is within one minor unit of that line's own exact tax (and so within 1.5 of
            # its proportional share of the rounded rate tax: the two can differ by half a unit)
            own = exact_tax(lines[i].amount, rate, inclusive=inclusive)
            assert abs(totals.line_tax[i] - own) < 1
            proportional = Fraction(split.tax * lines[i].amount, rate_amount) if rate_amount else Fraction(0)
            assert abs(totals.line_tax[i] - proportional) < Fraction(3, 2)


@MODEST
@given(LINES, st.booleans())
# one big line among small ones: its own tax and its share of the rounded total differ by > 1 unit
@example([(873, 50000, 300), (873, 50000, 300), (162849, 431, 300), (9999992, 303, 300)], True)
@example([(1621, 1000, 1300), (1621, 1000, 1300), (3959, 1000, 1300), (4460, 1000, 1300),
          (587405, 1000, 1300)], False)
def test_document_totals_add_up_to_the_cent(raw: list[tuple[int, int, int]], inclusive: bool) -> None:
    lines = [DocumentLine(line_amount(price, qty), rate) for price, qty, rate in raw]
    _check_totals(lines, inclusive)


def test_document_totals_examples() -> None:
    # three lines of 1.00 at 13 % inclusive: tax on the rate total (0.35), not 3 x 0.12
    totals = document_totals([DocumentLine(100, 1300)] * 3, prices_include_tax=True)
    assert (totals.net, totals.tax, totals.gross) == (265, 35, 300)
    assert sorted(totals.line_tax) == [11, 12, 12]
    mixed = document_totals(
        [DocumentLine(11300, 1300), DocumentLine(10600, 600), DocumentLine(500, 0)], prices_include_tax=True)
    assert mixed.by_rate[1300].tax == 1300 and mixed.by_rate[600].tax == 600 and mixed.by_rate[0].tax == 0
    assert mixed.line_tax == (1300, 600, 0)
    assert (mixed.net, mixed.tax, mixed.gross) == (20500, 1900, 22400)
    # a discount line carries its own (negative) tax; the rate's tax is still computed on the total
    discounted = document_totals([DocumentLine(10000, 1300), DocumentLine(-5000, 1300)], prices_include_tax=False)
    assert discounted.line_tax == (1300, -650)
    assert (discounted.net, discounted.tax, discounted.gross) == (5000, 650, 5650)
    empty = document_totals([], prices_include_tax=False)
    assert (empty.net, empty.tax, empty.gross, empty.line_tax) == (0, 0, 0, ())


@MODEST
@given(st.lists(st.tuples(st.integers(-10**7, 10**7), RATES), min_size=1, max_size=15), st.booleans())
@example([(10000, 1300), (-5000, 1300)], False)
@example([(10000, 1300), (-9950, 1300), (0, 1300)], False)
@example([(-11300, 1300), (113, 1300), (113, 1300)], True)
def test_a_discount_line_gets_tax_of_its_own_sign(raw: list[tuple[int, int]], inclusive: bool) -> None:
    lines = [DocumentLine(amount, rate) for amount, rate in raw]
    totals = document_totals(lines, prices_include_tax=inclusive)
    assert totals.net + totals.tax == totals.gross
    assert sum(totals.line_tax) == totals.tax
    for rate, split in totals.by_rate.items():
        members = [i for i, line in enumerate(lines) if line.rate_bp == rate]
        assert sum(totals.line_tax[i] for i in members) == split.tax
        for i in members:
            tax, amount = totals.line_tax[i], lines[i].amount
            assert tax == 0 or (tax > 0) == (amount > 0), f"line {amount} got tax {tax}"
            assert abs(tax - exact_tax(amount, rate, inclusive=inclusive)) < 1


# ---------------------------------------------------------------- parsing and formatting money


@pytest.mark.parametrize(("text", "expected"), [
    ("1,234.50", 123450), ("¥12.5", 1250), (12, 1200), (12.5, 1250), ("12", 1200), (" 12.00 ", 1200),
    ("0", 0), ("0.01", 1), (".5", 50), ("12.", 1200), ("1,234,567.89", 123456789), ("$3", 300),
    ("HK$1,000", 100000), ("€0.99", 99), ("12。5", 1250), ("1 234.5", 123450), (Decimal("2.5"), 250),
    ("-0", 0),
])
def test_parse_money_accepts(text: object, expected: int) -> None:
    assert parse_money(text) == expected
    assert type(parse_money(text)) is int


@pytest.mark.parametrize("text", [
    "-1", "-0.01", -5, "1.234", "abc", "", "   ", "1,23", "1e5", "1E5", ".", "-", "12,34.5", "1.2.3", "1_000",
    "nan", "inf", float("nan"), float("inf"), True, None, "12 kg", "--1", "0x10", "1,2345",
])
def test_parse_money_refuses(text: object) -> None:
    with pytest.raises(ValidationError) as error:
        parse_money(text, field="price_retail", label="Retail price")
    assert set(error.value.problems) == {"price_retail"}
    assert error.value.problems["price_retail"].startswith("Retail price")


def test_parse_money_messages_say_what_is_wrong() -> None:
    with pytest.raises(ValidationError, match="negative"):
        parse_money("-1")
    with pytest.raises(ValidationError, match="at most 2 decimal places"):
        parse_money("1.234")
    with pytest.raises(ValidationError, match="too large"):
        parse_money("1" * 20)
    assert parse_money("-1.50", allow_negative=True) == -150


def test_parse_money_jpy_has_no_minor_unit() -> None:
    exponent, symbol = CURRENCIES["JPY"]
    assert exponent == 0
    assert parse_money("¥1,200", exponent=0) == 1200
    assert parse_money(1200, exponent=0) == 1200
    with pytest.raises(ValidationError, match="at most 0 decimal places"):
        parse_money("12.5", exponent=0)
    assert format_money(1200, exponent=0, symbol=symbol) == "¥1,200"


def test_parse_never_rounds_a_long_fraction_silently() -> None:
    with pytest.raises(ValidationError):
        parse_money("1.0000000000000000000000000000001")
    with pytest.raises(ValidationError):
        parse_quantity("1.00000000000000000000000000001")


@MODEST
@given(st.integers(0, 10**13), st.sampled_from(sorted(set(CURRENCIES.values()))))
def test_format_money_round_trips(minor: int, currency: tuple[int, str]) -> None:
    exponent, symbol = currency
    assert parse_money(format_money(minor, exponent=exponent), exponent=exponent) == minor
    assert parse_money(format_money(minor, exponent=exponent, symbol=symbol), exponent=exponent) == minor


@MODEST
@given(st.integers(-10**13, 10**13))
def test_format_money_round_trips_negative_amounts(minor: int) -> None:
    assert parse_money(format_money(minor, symbol="¥"), allow_negative=True) == minor


def test_format_money_examples() -> None:
    assert format_money(123450) == "1,234.50"
    assert format_money(5) == "0.05"
    assert format_money(-5, symbol="¥") == "-¥0.05"
    assert format_money(0) == "0.00"
    assert format_money(100000000, symbol="$") == "$1,000,000.00"


# ---------------------------------------------------------------- quantities and percentages


@pytest.mark.parametrize(("text", "expected"), [
    ("4.5", 4500), ("12", 12000), ("0.25", 250), ("0.001", 1), (2, 2000), (1.5, 1500), ("1,000", 1000000),
])
def test_parse_quantity(text: object, expected: int) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["4.5001", "0.0001", "-1", "abc", "", "1e3", None])
def test_parse_quantity_refuses(text: object) -> None:
    with pytest.raises(ValidationError) as error:
        parse_quantity(text)
    assert set(error.value.problems) == {"qty"}


def test_parse_quantity_negative_only_when_allowed() -> None:
    assert parse_quantity("-2.5", allow_negative=True) == -2500
    with pytest.raises(ValidationError, match="at most 3 decimal places"):
        parse_quantity("4.5001")


@pytest.mark.parametrize(("milli", "unit", "expected"), [
    (4500, "L", "4.5 L"), (2000, "pcs", "2"), (2000, "", "2"), (250, "m", "0.25 m"), (1, "kg", "0.001 kg"),
    (0, "pcs", "0"), (10000, "set", "10 set"), (1000000, "pcs", "1000"), (-1500, "L", "-1.5 L"),
])
def test_format_quantity(milli: int, unit: str, expected: str) -> None:
    assert format_quantity(milli, unit) == expected


@MODEST
@given(st.integers(0, 10**12))
def test_format_quantity_round_trips(milli: int) -> None:
    assert parse_quantity(format_quantity(milli, "pcs")) == milli


@pytest.mark.parametrize(("text", "expected"), [
    ("13%", 1300), ("6.5 %", 650), ("13", 1300), ("0", 0), ("100", 10000), (13, 1300), (6.5, 650),
    ("0.01%", 1), (" 9 % ", 900),
])
def test_parse_percent_bp(text: object, expected: int) -> None:
    assert parse_percent_bp(text) == expected


@pytest.mark.parametrize("text", ["101", "-1", "13.125", "abc", "", "%", 101, -1, "100.01"])
def test_parse_percent_bp_refuses(text: object) -> None:
    with pytest.raises(ValidationError) as error:
        parse_percent_bp(text)
    assert set(error.value.problems) == {"tax_rate"}


@pytest.mark.parametrize(("bp", "expected"), [(1300, "13 %"), (650, "6.5 %"), (0, "0 %"), (10000, "100 %"),
                                              (1, "0.01 %")])
def test_format_bp(bp: int, expected: str) -> None:
    assert format_bp(bp) == expected
    assert parse_percent_bp(format_bp(bp)) == bp
