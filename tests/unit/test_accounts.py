"""Customer classes, ageing and payment allocation (partsdesk.domain.accounts), on fixed dates and amounts."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partsdesk.domain.accounts import (
    BUCKETS,
    ClassThresholds,
    CustomerActivity,
    OpenItem,
    ageing,
    allocate_payment,
    bucket_of,
    customer_class,
)
from partsdesk.domain.errors import ValidationError

T = ClassThresholds()  # A: 50,000.00 and 12 visits; B: 10,000.00 or 6 visits; late: 30 days, 20 % overdue


def decide(revenue: int, visits: int, **payment: int) -> tuple[str, str]:
    decision = customer_class(CustomerActivity(revenue, visits, **payment), T)
    return decision.grade, decision.reason


# ---------------------------------------------------------------- classes


def test_the_defaults_are_the_shops_thresholds() -> None:
    assert (T.a_revenue, T.a_visits, T.b_revenue, T.b_visits, T.late_days, T.overdue_share_bp) == (
        5_000_000, 12, 1_000_000, 6, 30, 2_000)


@pytest.mark.parametrize(("revenue", "visits", "grade", "reason"), [
    (5_000_000, 12, "A", "revenue 50,000.00 ≥ 50,000.00 and 12 visits ≥ 12"),  # exactly at both A thresholds
    (5_200_000, 14, "A", "revenue 52,000.00 ≥ 50,000.00 and 14 visits ≥ 12"),
    (4_999_999, 12, "B", "revenue 49,999.99 ≥ 10,000.00 and 12 visits ≥ 6"),  # a cent short of A
    (5_000_000, 11, "B", "revenue 50,000.00 ≥ 10,000.00 and 11 visits ≥ 6"),  # a visit short of A
    (90_000_000, 1, "B", "revenue 900,000.00 ≥ 10,000.00"),  # revenue alone never makes A
    (1_000_000, 0, "B", "revenue 10,000.00 ≥ 10,000.00"),  # exactly B's revenue, no visits needed
    (0, 6, "B", "6 visits ≥ 6"),  # exactly B's visits, no revenue needed
    (0, 40, "B", "40 visits ≥ 6"),  # visits alone never make A
    (999_999, 5, "C", "revenue 9,999.99 < 10,000.00 and 5 visits < 6"),  # just below both B thresholds
    (0, 1, "C", "revenue 0.00 < 10,000.00 and 1 visit < 6"),
    (-50_000, 0, "C", "revenue -500.00 < 10,000.00 and 0 visits < 6"),  # more credited than sold
])
def test_class_and_reason_at_the_thresholds(revenue: int, visits: int, grade: str, reason: str) -> None:
    assert decide(revenue, visits) == (grade, reason)


@pytest.mark.parametrize(("days_late", "grade"), [(0, "A"), (30, "A"), (31, "B"), (400, "B")])
def test_paying_late_on_average_past_the_threshold_costs_a_class(days_late: int, grade: str) -> None:
    assert decide(6_000_000, 20, average_days_late=days_late)[0] == grade


def test_the_reason_says_why_a_class_was_lost() -> None:
    assert decide(5_200_000, 14, average_days_late=40) == (
        "B",
        "revenue 52,000.00 ≥ 50,000.00 and 14 visits ≥ 12; paid late on average 40 days > 30: one class down",
    )


@pytest.mark.parametrize(("overdue", "grade"), [
    (0, "B"),
    (200_000, "B"),  # exactly 20 % of 10,000.00 is not above it
    (200_001, "C"),  # a cent more is
])
def test_an_overdue_share_above_the_threshold_costs_a_class(overdue: int, grade: str) -> None:
    assert decide(1_000_000, 2, overdue_amount=overdue)[0] == grade


def test_an_overdue_amount_with_no_revenue_is_always_too_much() -> None:
    grade, reason = decide(0, 8, overdue_amount=1)
    assert grade == "C"
    assert reason == "8 visits ≥ 6; overdue 0.01 > 20 % of revenue: one class down"


def test_both_bad_payment_rules_still_cost_only_one_class() -> None:
    grade, reason = decide(6_000_000, 20, overdue_amount=5_000_000, average_days_late=90)
    assert grade == "B"
    assert reason.endswith("; paid late on average 90 days > 30 and overdue 50,000.00 > 20 % of revenue: "
                           "one class down")


def test_a_c_customer_never_drops_below_c_but_the_reason_still_tells() -> None:
    assert decide(10, 1, average_days_late=90) == (
        "C",
        "revenue 0.10 < 10,000.00 and 1 visit < 6; paid late on average 90 days > 30: already the lowest class",
    )


def test_the_shops_own_thresholds_are_used() -> None:
    strict = ClassThresholds(a_revenue=10_000_000, a_visits=24, b_revenue=2_000_000, b_visits=12,
                             late_days=10, overdue_share_bp=0)
    assert customer_class(CustomerActivity(5_000_000, 12), strict).grade == "B"
    assert customer_class(CustomerActivity(10_000_000, 24, average_days_late=11), strict).grade == "B"
    assert customer_class(CustomerActivity(10_000_000, 24, overdue_amount=1), strict).grade == "B"
    # A and B may be equal: A still needs both, B either.
    same = ClassThresholds(a_revenue=100, a_visits=3, b_revenue=100, b_visits=3)
    assert customer_class(CustomerActivity(100, 2), same).grade == "B"
    assert customer_class(CustomerActivity(100, 3), same).grade == "A"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"a_revenue": -1}, "a_revenue", "Class A revenue cannot be negative."),
    ({"b_visits": -1}, "b_visits", "Class B visits cannot be negative."),
    ({"late_days": -1}, "late_days", "Days late cannot be negative."),
    ({"overdue_share_bp": -1}, "overdue_share_bp", "Overdue share cannot be negative."),
    ({"a_revenue": 999_999}, "a_revenue", "Class A needs at least class B's revenue (10,000.00)."),
    ({"a_visits": 5}, "a_visits", "Class A needs at least class B's visits (6)."),
    ({"overdue_share_bp": 10_001}, "overdue_share_bp", "The overdue share is at most 100 %."),
])
def test_unworkable_thresholds_are_refused_on_their_field(changes: dict[str, int], field: str,
                                                          message: str) -> None:
    with pytest.raises(ValidationError) as error:
        ClassThresholds(**changes)
    assert error.value.problems == {field: message}


def test_every_bad_threshold_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as error:
        ClassThresholds(a_revenue=-1, a_visits=2, overdue_share_bp=20_000)
    assert error.value.problems == {
        "a_revenue": "Class A revenue cannot be negative.",
        "a_visits": "Class A needs at least class B's visits (6).",
        "overdue_share_bp": "The overdue share is at most 100 %.",
    }


def test_thresholds_cannot_be_changed_after_the_check() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        T.a_revenue = -1  # type: ignore[misc]


@given(st.integers(-10**9, 10**10), st.integers(0, 500), st.integers(0, 10**10), st.integers(0, 400))
def test_bad_payment_costs_at_most_one_class(revenue: int, visits: int, overdue: int, days_late: int) -> None:
    on_time = customer_class(CustomerActivity(revenue, visits), T)
    actual = customer_class(CustomerActivity(revenue, visits, overdue, days_late), T)
    assert actual.reason.startswith(on_time.reason)
    assert actual.grade in {on_time.grade, {"A": "B", "B": "C", "C": "C"}[on_time.grade]}


# ---------------------------------------------------------------- ageing

AS_OF = date(2026, 3, 31)


def item(document: str, due: date, amount: int, issued: date | None = None) -> OpenItem:
    return OpenItem(document, issued or due, due, amount)


@pytest.mark.parametrize(("due", "bucket"), [
    (date(2026, 4, 30), "current"),  # not yet due
    (date(2026, 3, 31), "current"),  # due today
    (date(2026, 3, 30), "1-30"),  # 1 day
    (date(2026, 3, 1), "1-30"),  # 30 days
    (date(2026, 2, 28), "31-60"),  # 31 days
    (date(2026, 1, 30), "31-60"),  # 60 days
    (date(2026, 1, 29), "61-90"),  # 61 days
    (date(2025, 12, 31), "61-90"),  # 90 days
    (date(2025, 12, 30), "90+"),  # 91 days
    (date(2024, 1, 1), "90+"),
])
def test_bucket_boundaries(due: date, bucket: str) -> None:
    assert bucket_of(item("INV-1", due, 100), AS_OF) == bucket


def test_every_bucket_on_fixed_dates() -> None:
    items = [
        item("due-today", date(2026, 3, 31), 100),
        item("not-yet-due", date(2026, 4, 30), 1),
        item("1-day", date(2026, 3, 30), 10),
        item("30-days", date(2026, 3, 1), 20),
        item("31-days", date(2026, 2, 28), 300),
        item("60-days", date(2026, 1, 30), 4_000),
        item("61-days", date(2026, 1, 29), 50_000),
        item("90-days", date(2025, 12, 31), 600_000),
        item("91-days", date(2025, 12, 30), 7_000_000),
        item("credit-note", date(2026, 3, 20), -5),  # 11 days: reduces 1-30
    ]
    result = ageing(items, AS_OF)
    assert result.buckets == {"current": 101, "1-30": 25, "31-60": 4_300, "61-90": 650_000, "90+": 7_000_000}
    assert list(result.buckets) == list(BUCKETS)
    assert result.total == 7_654_426


def test_ageing_goes_by_the_due_date_not_the_issue_date() -> None:
    old_invoice_long_terms = item("INV-1", date(2026, 3, 31), 500, issued=date(2025, 6, 1))
    assert ageing([old_invoice_long_terms], AS_OF).buckets["current"] == 500


def test_no_open_items_age_to_zero() -> None:
    result = ageing([], AS_OF)
    assert result.buckets == dict.fromkeys(BUCKETS, 0) and result.total == 0


@given(st.lists(st.tuples(st.integers(-400, 400), st.integers(-10**9, 10**9)), max_size=30))
def test_buckets_always_add_up_to_the_total(rows: list[tuple[int, int]]) -> None:
    items = [item(str(i), AS_OF + timedelta(days=days), amount) for i, (days, amount) in enumerate(rows)]
    result = ageing(items, AS_OF)
    assert list(result.buckets) == list(BUCKETS)
    assert sum(result.buckets.values()) == result.total == sum(amount for _, amount in rows)


# ---------------------------------------------------------------- payments on account

OPEN = [
    item("INV-3", date(2026, 3, 15), 500),
    item("INV-1", date(2026, 1, 15), 300),
    item("CN-1", date(2026, 1, 1), -200),  # a credit note: never paid
    item("INV-2", date(2026, 2, 15), 400),
    item("INV-0", date(2025, 12, 1), 0),  # paid off
]


@pytest.mark.parametrize(("amount", "paid", "unallocated"), [
    (1, (("INV-1", 1),), 0),
    (300, (("INV-1", 300),), 0),  # exactly the oldest: the next one gets nothing, not 0
    (301, (("INV-1", 300), ("INV-2", 1)), 0),
    (900, (("INV-1", 300), ("INV-2", 400), ("INV-3", 200)), 0),
    (1_200, (("INV-1", 300), ("INV-2", 400), ("INV-3", 500)), 0),
    (1_500, (("INV-1", 300), ("INV-2", 400), ("INV-3", 500)), 300),  # more than is open stays on account
])
def test_a_payment_goes_to_the_oldest_invoice_first(amount: int, paid: tuple, unallocated: int) -> None:
    result = allocate_payment(amount, OPEN)
    assert result.paid == paid
    assert result.unallocated == unallocated
    assert result.allocated == amount - unallocated


def test_on_the_same_due_date_the_older_issue_then_the_lower_number_is_paid_first() -> None:
    due = date(2026, 1, 1)
    items = [item("B", due, 10, issued=date(2025, 12, 2)), item("C", due, 10, issued=date(2025, 12, 1)),
             item("A", due, 10, issued=date(2025, 12, 2))]
    assert [document for document, _ in allocate_payment(30, items).paid] == ["C", "A", "B"]


def test_a_customer_with_nothing_open_keeps_the_whole_payment_as_credit() -> None:
    result = allocate_payment(700, [item("CN-1", date(2026, 1, 1), -200)])
    assert result.paid == () and result.unallocated == 700 and result.allocated == 0


def test_a_payment_on_chosen_invoices_pays_only_those_in_the_order_given() -> None:
    result = allocate_payment(500, OPEN, chosen=["INV-3", "INV-1"])  # the newest first, as the customer said
    assert result.paid == (("INV-3", 500),) and result.unallocated == 0
    result = allocate_payment(1_000, OPEN, chosen=["INV-2", "INV-1"])
    assert result.paid == (("INV-2", 400), ("INV-1", 300)) and result.unallocated == 300  # INV-3 not chosen
    result = allocate_payment(1_000, OPEN, chosen=["INV-2", "INV-2"])
    assert result.paid == (("INV-2", 400),) and result.unallocated == 600  # named twice, paid once
    result = allocate_payment(100, OPEN, chosen=[])
    assert result.paid == () and result.unallocated == 100


@pytest.mark.parametrize(("chosen", "named"), [
    (["INV-2", "INV-9"], "INV-9"),  # not this customer's
    (["CN-1"], "CN-1"),  # a credit note is not paid
    (["INV-0", "INV-1"], "INV-0"),  # already paid off
])
def test_a_chosen_document_that_is_not_open_is_refused(chosen: list[str], named: str) -> None:
    with pytest.raises(ValidationError) as error:
        allocate_payment(500, OPEN, chosen=chosen)
    assert error.value.problems == {"chosen": f"Not an open invoice of this customer: {named}. "
                                              "Choose among the invoices still open."}


@pytest.mark.parametrize("amount", [0, -1, -50_000])
def test_a_payment_must_be_above_zero(amount: int) -> None:
    with pytest.raises(ValidationError) as error:
        allocate_payment(amount, OPEN)
    assert error.value.problems == {"amount": "A payment must be more than 0."}


# (issued, days of credit, open amount) rows; many share a due date, so the tie-breaks are exercised
OPEN_ITEMS = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30), st.integers(-10**6, 10**6)),
                      max_size=20)


def open_items(rows: list[tuple[int, int, int]]) -> list[OpenItem]:
    start = date(2026, 1, 1)
    return [OpenItem(f"D{i:02}", start + timedelta(days=issued), start + timedelta(days=issued + terms),
                     amount) for i, (issued, terms, amount) in enumerate(rows)]


def assert_sound(amount: int, items: list[OpenItem], result) -> None:
    open_of = {i.document: i.open_amount for i in items}
    assert result.allocated + result.unallocated == amount
    assert result.unallocated >= 0
    assert len({document for document, _ in result.paid}) == len(result.paid)
    assert all(0 < share <= open_of[document] for document, share in result.paid)
    # only the last invoice paid may be paid in part, and only when the money ran out
    assert all(share == open_of[document] for document, share in result.paid[:-1])
    assert result.unallocated == 0 or all(share == open_of[document] for document, share in result.paid)


@given(st.integers(1, 10**7), OPEN_ITEMS, st.randoms())
def test_oldest_first_never_loses_money_or_overpays(amount: int, rows: list, random) -> None:
    items = open_items(rows)
    result = allocate_payment(amount, items)
    assert_sound(amount, items, result)
    owed = sum(i.open_amount for i in items if i.open_amount > 0)
    assert result.unallocated == max(amount - owed, 0)
    by_document = {i.document: i for i in items}
    keys = [(by_document[d].due, by_document[d].issued, d) for d, _ in result.paid]
    assert keys == sorted(keys)
    shuffled = list(items)
    random.shuffle(shuffled)
    assert allocate_payment(amount, shuffled) == result  # the order of the list does not matter


@given(st.integers(1, 10**7), OPEN_ITEMS, st.data())
def test_chosen_invoices_never_lose_money_or_overpay(amount: int, rows: list, data) -> None:
    items = open_items(rows)
    invoices = [i.document for i in items if i.open_amount > 0]
    order = data.draw(st.permutations(invoices))
    chosen = order[:data.draw(st.integers(0, len(order)))]
    result = allocate_payment(amount, items, chosen=chosen)
    assert_sound(amount, items, result)
    paid = [document for document, _ in result.paid]
    assert paid == chosen[:len(paid)]
