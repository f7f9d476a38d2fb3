"""Counter price rules (partsdesk.domain.pricing): tiers, line prices, the gross-profit floor,
quote price holds, core charges, returns and short stock."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import BP_SCALE, document_totals
from partsdesk.domain.pricing import (
    DEFAULT_FLOOR_RULES,
    RETAIL,
    TRADE,
    WHOLESALE,
    CartLine,
    FloorRules,
    TierRules,
    check_floor,
    check_return,
    core_line,
    gross_profit_bp,
    price_tier,
    quote_price,
    returnable_qty,
    stock_decision,
)

MODEST = settings(max_examples=300, deadline=None)


def half_up(value: Fraction) -> int:
    """Round halves away from zero, written out independently of the code under test."""
    magnitude = abs(value)
    whole = magnitude.numerator // magnitude.denominator
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    return whole if value >= 0 else -whole


def field_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return next(iter(excinfo.value.problems))


# ---------------------------------------------------------------- price tier


@pytest.mark.parametrize(("customer_class", "has_account", "tier"), [
    (None, False, RETAIL),
    ("C", False, RETAIL),
    ("B", False, TRADE),
    ("A", False, WHOLESALE),
    (None, True, TRADE),
    ("C", True, TRADE),
    ("B", True, TRADE),
    ("A", True, WHOLESALE),
])
def test_the_tier_follows_class_and_account_and_the_better_one_wins(customer_class, has_account, tier) -> None:
    assert price_tier(customer_class=customer_class, has_account=has_account).tier == tier


def test_the_reason_names_who_the_customer_is_and_what_decided() -> None:
    assert price_tier(customer_class=None, has_account=False).reason == "Walk-in customer: retail prices."
    assert price_tier(customer_class="A", has_account=False).reason == "Class A customer: wholesale prices."
    assert price_tier(customer_class=None, has_account=True).reason == "Account customer: trade prices."
    assert price_tier(customer_class="C", has_account=True).reason == (
        "Class C customer with an account: trade prices (class C: retail; account: trade; the better applies).")


def test_the_member_discount_is_taken_on_top_of_retail_prices_only() -> None:
    walk_in_member = price_tier(customer_class="C", has_account=False, member_tier_discount_bp=500)
    assert (walk_in_member.tier, walk_in_member.member_discount_bp) == (RETAIL, 500)
    assert "member discount 5 % on top" in walk_in_member.reason
    trade_member = price_tier(customer_class="B", has_account=False, member_tier_discount_bp=500)
    assert (trade_member.tier, trade_member.member_discount_bp) == (TRADE, 0)
    assert "the member discount (5 %) is for retail prices only" in trade_member.reason


def test_a_class_is_read_as_typed_and_an_empty_class_is_a_walk_in() -> None:
    assert price_tier(customer_class=" a ", has_account=False).tier == WHOLESALE
    assert price_tier(customer_class="", has_account=False).tier == RETAIL


def test_a_settings_screen_can_replace_the_table() -> None:
    rules = TierRules(class_c=TRADE, account=WHOLESALE, member_discount_on=(RETAIL, TRADE))
    assert price_tier(customer_class="C", has_account=False, rules=rules).tier == TRADE
    assert price_tier(customer_class="B", has_account=True, rules=rules).tier == WHOLESALE
    member = price_tier(customer_class="C", has_account=False, member_tier_discount_bp=200, rules=rules)
    assert member.member_discount_bp == 200


def test_the_decision_picks_the_parts_list_price() -> None:
    prices = {"retail": 12_000, "trade": 10_500, "wholesale": 9_800}
    assert price_tier(customer_class="A", has_account=False).list_price(**prices) == 9_800
    assert price_tier(customer_class=None, has_account=False).list_price(**prices) == 12_000


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"customer_class": "D", "has_account": False}, "customer_class"),
    ({"customer_class": None, "has_account": False, "member_tier_discount_bp": -1}, "member_tier_discount_bp"),
    ({"customer_class": None, "has_account": False, "member_tier_discount_bp": 10_001}, "member_tier_discount_bp"),
])
def test_a_bad_tier_question_names_the_field(kwargs, field) -> None:
    with pytest.raises(ValidationError) as excinfo:
        price_tier(**kwargs)
    assert field_of(excinfo) == field


def test_tier_rules_refuse_an_unknown_tier() -> None:
    with pytest.raises(ValidationError) as excinfo:
        TierRules(class_b="vip")
    assert field_of(excinfo) == "class_b"
    with pytest.raises(ValidationError) as excinfo:
        TierRules(member_discount_on=("gold",))
    assert field_of(excinfo) == "member_discount_on"


# ---------------------------------------------------------------- cart line


def test_a_line_at_list_price() -> None:
    line = CartLine(list_price=33_33, qty=3000, unit_cost=20_00, tax_rate_bp=1300)
    assert (line.unit_price, line.amount, line.discount_amount) == (33_33, 99_99, 0)
    assert not line.cashier_changed_price


def test_a_discounted_unit_price_is_rounded_once_and_the_amount_is_unit_price_times_qty() -> None:
    line = CartLine(list_price=33_33, qty=3000, unit_cost=20_00, tax_rate_bp=1300, discount_bp=1000)
    assert line.unit_price == 30_00  # 29.997
    assert line.amount == 90_00
    assert line.discount_amount == 9_99
    assert line.cashier_changed_price


def test_member_and_line_discounts_multiply_and_round_once() -> None:
    # 19.99 x 0.95 x 0.95 = 18.040975 -> 18.04
    # 0.15 x 0.97 x 0.97 = 0.141135 -> 0.14; rounding after each step would give 0.15 (0.1455 -> 0.15, twice)
    assert CartLine(list_price=19_99, qty=1000, unit_cost=0, tax_rate_bp=0, member_discount_bp=500,
                    discount_bp=500).unit_price == 18_04
    assert CartLine(list_price=15, qty=1000, unit_cost=0, tax_rate_bp=0, member_discount_bp=300,
                    discount_bp=300).unit_price == 14


def test_a_fractional_quantity_is_priced_exactly() -> None:
    oil = CartLine(list_price=68_00, qty=4500, unit_cost=40_00, tax_rate_bp=1300)  # 4.5 L
    assert oil.amount == 306_00
    hose = CartLine(list_price=12_35, qty=333, unit_cost=5_00, tax_rate_bp=1300)  # 0.333 m: 4.11255
    assert hose.amount == 4_11


def test_an_override_is_the_price_the_customer_pays() -> None:
    line = CartLine(list_price=100_00, qty=2000, unit_cost=60_00, tax_rate_bp=1300, member_discount_bp=500,
                    override_price=90_00)
    assert (line.unit_price, line.amount, line.discount_amount) == (90_00, 180_00, 20_00)
    assert line.cashier_changed_price
    same = CartLine(list_price=100_00, qty=1000, unit_cost=60_00, tax_rate_bp=1300, member_discount_bp=500,
                    override_price=95_00)
    assert not same.cashier_changed_price  # typed the tier price: nothing to audit


def test_an_override_above_list_shows_a_negative_discount() -> None:
    line = CartLine(list_price=100_00, qty=1000, unit_cost=60_00, tax_rate_bp=0, override_price=110_00)
    assert line.discount_amount == -10_00


def test_gross_profit_is_on_the_net_price() -> None:
    assert gross_profit_bp(100_00, 60_00) == 4000
    assert gross_profit_bp(100_00, 120_00) == -2000
    assert gross_profit_bp(0, 10_00) is None
    inclusive = CartLine(list_price=113_00, qty=1000, unit_cost=80_00, tax_rate_bp=1300)
    assert (inclusive.unit_price_net, inclusive.gross_profit_bp) == (100_00, 2000)
    exclusive = CartLine(list_price=100_00, qty=1000, unit_cost=80_00, tax_rate_bp=1300, prices_include_tax=False)
    assert (exclusive.unit_price_net, exclusive.gross_profit_bp) == (100_00, 2000)
    free = CartLine(list_price=10_00, qty=1000, unit_cost=5_00, tax_rate_bp=0, override_price=0)
    assert free.gross_profit_bp is None


def test_a_line_gives_its_document_line() -> None:
    part = CartLine(list_price=113_00, qty=2000, unit_cost=80_00, tax_rate_bp=1300)
    core = core_line(50_00, 2000)
    totals = document_totals([part.document_line(), core.document_line()], prices_include_tax=True)
    assert (totals.gross, totals.tax) == (326_00, 26_00)  # the core deposit carries no tax


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"list_price": -1}, "list_price"),
    ({"qty": 0}, "qty"),
    ({"qty": True}, "qty"),
    ({"qty": 1.5}, "qty"),
    ({"unit_cost": -5}, "unit_cost"),
    ({"tax_rate_bp": 10_001}, "tax_rate_bp"),
    ({"discount_bp": -1}, "discount_bp"),
    ({"member_discount_bp": 20_000}, "member_discount_bp"),
    ({"override_price": -1}, "override_price"),
    ({"override_price": 50_00, "discount_bp": 500}, "override_price"),
])
def test_a_bad_line_names_the_field(kwargs, field) -> None:
    values = {"list_price": 100_00, "qty": 1000, "unit_cost": 60_00, "tax_rate_bp": 1300} | kwargs
    with pytest.raises(ValidationError) as excinfo:
        CartLine(**values)
    assert field_of(excinfo) == field


def test_both_discount_and_override_says_choose_one() -> None:
    with pytest.raises(ValidationError, match="a line discount or a price, not both"):
        CartLine(list_price=100_00, qty=1000, unit_cost=0, tax_rate_bp=0, discount_bp=100, override_price=1)


@MODEST
@given(st.integers(0, 10**7), st.integers(1, 10**6), st.integers(0, BP_SCALE), st.integers(0, BP_SCALE))
def test_unit_price_and_amount_match_exact_arithmetic(list_price, qty, member, discount) -> None:
    line = CartLine(list_price=list_price, qty=qty, unit_cost=0, tax_rate_bp=1300, member_discount_bp=member,
                    discount_bp=discount)
    unit = half_up(Fraction(list_price) * (BP_SCALE - member) * (BP_SCALE - discount) / BP_SCALE**2)
    assert line.unit_price == unit
    assert line.amount == half_up(Fraction(unit) * qty / 1000)


# ---------------------------------------------------------------- gross-profit floor

# 113.00 with 13 % tax included is 100.00 net; cost 80.00: 20 % gross profit at list price.
PAD = {"list_price": 113_00, "qty": 1000, "unit_cost": 80_00, "tax_rate_bp": 1300}


def test_the_default_floors_per_role() -> None:
    rules = DEFAULT_FLOOR_RULES
    assert [rules.for_role(r) for r in ("cashier", "service_advisor", "manager", "admin", "storekeeper")] == [
        1500, 1000, 0, 0, 1500]
    assert FloorRules(cashier_bp=2000).for_role("cashier") == 2000
    with pytest.raises(ValidationError) as excinfo:
        FloorRules(manager_bp=-1)
    assert field_of(excinfo) == "manager_bp"


def test_a_discount_within_the_floor_is_allowed() -> None:
    line = CartLine(**PAD, discount_bp=500)  # 107.35: 95.00 net, 15.8 %
    decision = check_floor(line, floor_bp=1500)
    assert (decision.allowed, decision.needs_manager, decision.message) == (True, False, "")


def test_a_discount_below_the_cashiers_floor_needs_a_manager_and_says_how_low_one_may_go() -> None:
    line = CartLine(**PAD, discount_bp=1000)  # 101.70: 90.00 net, 11.1 %
    decision = check_floor(line, floor_bp=DEFAULT_FLOOR_RULES.for_role("cashier"))
    assert (decision.allowed, decision.needs_manager) == (False, True)
    assert decision.message == ("Gross profit 11.11 % is below your floor of 15 %: a manager must approve this "
                                "price. The lowest price you may give is 106.36.")
    assert decision.lowest_price == 106_36
    # the service advisor's floor of 10 % allows the same line
    assert check_floor(line, floor_bp=DEFAULT_FLOOR_RULES.for_role("service_advisor")).allowed


def test_the_floor_is_exact_to_the_minor_unit() -> None:
    # 80.00 x 1.13 / 0.85 = 106.352...: 106.36 reaches 15 %, 106.35 does not
    assert check_floor(CartLine(**PAD, override_price=106_36), floor_bp=1500).allowed
    assert check_floor(CartLine(**PAD, override_price=106_35), floor_bp=1500).needs_manager


def test_below_cost_always_needs_a_manager_even_for_a_manager() -> None:
    line = CartLine(**PAD, override_price=90_00)  # 79.65 net < 80.00
    decision = check_floor(line, floor_bp=DEFAULT_FLOOR_RULES.for_role("manager"))
    assert (decision.allowed, decision.needs_manager) == (False, True)
    assert decision.message == "The price 90.00 (79.65 before tax) is below the cost 80.00: a manager must approve it."


def test_a_list_price_below_cost_is_caught_though_nobody_discounted() -> None:
    line = CartLine(list_price=70_00, qty=1000, unit_cost=80_00, tax_rate_bp=0)
    assert check_floor(line, floor_bp=0).needs_manager


def test_the_shops_own_tier_price_passes_the_floor_whatever_its_margin() -> None:
    thin = CartLine(list_price=90_40, qty=1000, unit_cost=80_00, tax_rate_bp=1300, member_discount_bp=0)  # 80.00 net
    assert check_floor(thin, floor_bp=1500).allowed
    assert check_floor(CartLine(**PAD, member_discount_bp=1500), floor_bp=1500).allowed  # 96.05 incl.: 6 %


def test_a_part_of_unknown_cost_always_passes() -> None:
    assert check_floor(CartLine(**(PAD | {"unit_cost": 0}), override_price=1), floor_bp=1500).allowed


def test_a_bad_floor_names_the_field() -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_floor(CartLine(**PAD), floor_bp=10_001)
    assert field_of(excinfo) == "floor_bp"


@MODEST
@given(st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from([0, 600, 900, 1300]), st.booleans(),
       st.integers(0, BP_SCALE), st.integers(0, BP_SCALE - 1), st.one_of(st.none(), st.integers(0, 10**6)))
def test_the_floor_decision_agrees_with_exact_arithmetic(list_price, cost, rate, inclusive, floor, discount,
                                                         override) -> None:
    if override is not None:
        discount = 0
    line = CartLine(list_price=list_price, qty=1000, unit_cost=cost, tax_rate_bp=rate, prices_include_tax=inclusive,
                    discount_bp=discount, override_price=override)
    net = Fraction(line.unit_price) * BP_SCALE / (BP_SCALE + rate if inclusive else BP_SCALE)
    below_cost = net < cost
    below_floor = line.cashier_changed_price and (net == 0 and cost > 0 or net > 0 and (net - cost) / net
                                                  < Fraction(floor, BP_SCALE))
    decision = check_floor(line, floor_bp=floor)
    assert decision.needs_manager == (below_cost or below_floor)
    assert decision.allowed == (not decision.needs_manager)
    if decision.lowest_price is not None and line.unit_cost:
        assert check_floor(CartLine(list_price=list_price, qty=1000, unit_cost=cost, tax_rate_bp=rate,
                                    prices_include_tax=inclusive, override_price=decision.lowest_price),
                           floor_bp=floor).allowed


# ---------------------------------------------------------------- quotes

UNTIL = date(2024, 5, 31)


def test_a_valid_quote_holds_its_price() -> None:
    held = quote_price(100_00, 100_00, valid_until=UNTIL, today=date(2024, 5, 20))
    assert (held.price, held.changed, held.expired, held.notice) == (100_00, False, False, "")


def test_a_valid_quote_shows_todays_different_price_and_lets_the_cashier_choose() -> None:
    held = quote_price(100_00, 120_00, valid_until=UNTIL, today=UNTIL)  # the last valid day still holds
    assert (held.price, held.quoted, held.today, held.changed, held.expired) == (100_00, 100_00, 120_00, True, False)
    assert held.notice == ("Today's price is 120.00; the quote holds 100.00 until 2024-05-31. "
                           "Choose the price to charge.")
    cheaper = quote_price(100_00, 90_00, valid_until=UNTIL, today=UNTIL)
    assert (cheaper.price, cheaper.changed) == (100_00, True)  # never silently: the cashier chooses


def test_an_expired_quote_reprices_with_a_notice() -> None:
    late = quote_price(100_00, 120_00, valid_until=UNTIL, today=UNTIL + timedelta(days=1))
    assert (late.price, late.changed, late.expired) == (120_00, True, True)
    assert late.notice == "The quote expired on 2024-05-31: re-priced at today's 120.00 (quoted 100.00)."
    same = quote_price(100_00, 100_00, valid_until=UNTIL, today=date(2024, 7, 1))
    assert (same.price, same.changed, same.expired) == (100_00, False, True)
    assert same.notice == "The quote expired on 2024-05-31: today's price is the same, 100.00."


def test_a_bad_quote_price_names_the_field() -> None:
    with pytest.raises(ValidationError) as excinfo:
        quote_price(-1, 100, valid_until=UNTIL, today=UNTIL)
    assert field_of(excinfo) == "quoted_unit_price"
    with pytest.raises(ValidationError) as excinfo:
        quote_price(100, "100", valid_until=UNTIL, today=UNTIL)
    assert field_of(excinfo) == "today_unit_price"


# ---------------------------------------------------------------- core charges


def test_a_part_with_a_core_charge_brings_an_untaxed_core_line() -> None:
    core = core_line(150_00, 2000, tax_rate_bp=1300)
    assert (core.unit_price, core.qty, core.amount, core.tax_rate_bp) == (150_00, 2000, 300_00, 0)


def test_a_core_line_is_taxed_only_when_the_shop_says_so() -> None:
    assert core_line(150_00, 1000, taxable=True, tax_rate_bp=1300).tax_rate_bp == 1300


def test_no_core_charge_no_core_line() -> None:
    assert core_line(0, 1000) is None


@pytest.mark.parametrize(("args", "kwargs", "field"), [
    ((-1, 1000), {}, "core_charge"),
    ((100, 0), {}, "qty"),
    ((100, 1000), {"tax_rate_bp": -5}, "tax_rate_bp"),
])
def test_a_bad_core_line_names_the_field(args, kwargs, field) -> None:
    with pytest.raises(ValidationError) as excinfo:
        core_line(*args, **kwargs)
    assert field_of(excinfo) == field


# ---------------------------------------------------------------- returns


def test_what_is_left_to_return() -> None:
    assert returnable_qty(3000, 1000) == 2000
    assert returnable_qty(3000, 0) == 3000
    assert returnable_qty(3000, 3000) == 0
    assert returnable_qty(3000, 4000) == 0  # never below zero


def test_a_return_within_what_is_left_is_fine() -> None:
    assert check_return(2000, 3000, 1000) is None
    assert check_return(1000, 3000, 0) is None


def test_a_return_beyond_what_is_left_says_how_much_may_go_back() -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_return(3000, 3000, 1000)
    assert excinfo.value.problems == {"qty": "At most 2 can be returned: 3 sold, 1 returned already."}
    with pytest.raises(ValidationError, match=r"^At most 3 can be returned: 3 sold\.$"):
        check_return(4000, 3000, 0)
    with pytest.raises(ValidationError, match=r"^At most 1\.5 L can be returned: 4 L sold, 2\.5 L returned already\.$"):
        check_return(2000, 4000, 2500, unit="L")


def test_nothing_left_to_return() -> None:
    with pytest.raises(ValidationError, match=r"^Nothing is left to return: 3 sold, 3 returned already\.$"):
        check_return(1000, 3000, 3000)


@pytest.mark.parametrize(("args", "field"), [
    ((0, 3000, 0), "qty"),
    ((-1000, 3000, 0), "qty"),
    ((1000, -1, 0), "sold_qty"),
    ((1000, 3000, -1), "already_returned_qty"),
    ((1.5, 3000, 0), "qty"),
])
def test_a_bad_return_names_the_field(args, field) -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_return(*args)
    assert field_of(excinfo) == field


# ---------------------------------------------------------------- short stock


@pytest.mark.parametrize("policy", ["allow", "manager", "refuse"])
def test_enough_stock_is_simply_sold(policy) -> None:
    decision = stock_decision(5000, 5000, policy)
    assert (decision.allowed, decision.needs_manager, decision.lost_sale_qty, decision.message) == (
        True, False, 0, "")


def test_short_stock_under_each_policy() -> None:
    allow = stock_decision(2000, 3000, "allow")
    assert (allow.allowed, allow.needs_manager, allow.lost_sale_qty) == (True, False, 1000)
    assert allow.message == "Only 2 in stock: selling 3 takes the stock below zero (short by 1)."
    manager = stock_decision(2000, 3000, "manager")
    assert (manager.allowed, manager.needs_manager, manager.lost_sale_qty) == (False, True, 1000)
    assert manager.message == "Only 2 in stock: selling 3 needs a manager's approval (short by 1)."
    refuse = stock_decision(2000, 3000, "refuse")
    assert (refuse.allowed, refuse.needs_manager, refuse.lost_sale_qty) == (False, False, 1000)
    assert refuse.message == "Only 2 in stock: at most 2 can be sold (short by 1)."


def test_stock_already_below_zero_covers_nothing() -> None:
    decision = stock_decision(-2000, 3000, "refuse", unit="L")
    assert decision.lost_sale_qty == 3000
    assert decision.message == "None in stock: it cannot be sold (short by 3 L)."


@pytest.mark.parametrize(("args", "field"), [
    ((1000, 1000, "sometimes"), "policy"),
    ((1000, 0, "allow"), "qty"),
    ((1.5, 1000, "allow"), "available_qty"),
])
def test_a_bad_stock_question_names_the_field(args, field) -> None:
    with pytest.raises(ValidationError) as excinfo:
        stock_decision(*args)
    assert field_of(excinfo) == field


@MODEST
@given(st.integers(-10**6, 10**6), st.integers(1, 10**6), st.sampled_from(["allow", "manager", "refuse"]))
def test_the_shortfall_is_reported_under_every_policy(available, asked, policy) -> None:
    decision = stock_decision(available, asked, policy)
    shortfall = max(0, asked - max(available, 0))
    assert decision.lost_sale_qty == shortfall
    assert decision.allowed == (shortfall == 0 or policy == "allow")
    assert decision.needs_manager == (shortfall > 0 and policy == "manager")
    assert bool(decision.message) == (shortfall > 0)
