"""Customer classes, ageing and payment allocation, on fixed dates and amounts."""

from __future__ import annotations

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
    customer_class,
)
from partsdesk.domain.errors import ValidationError

T = ClassThresholds()  # A: 50,000.00 and 12 visits; B: 10,000.00 or 6 visits; late: 30 days, 20 % overdue


@pytest.mark.parametrize(("revenue", "visits", "grade"), [
    (5_000_000, 12, "A"),  # exactly at both A thresholds
    (4_999_999, 12, "B"),  # a cent short of A's revenue
    (5_000_000, 11, "B"),  # a visit short of A
    (1_000_000, 0, "B"),  # B's revenue alone
    (0, 6, "B"),  # B's visits alone
    (999_999, 5, "C"),
    (0, 0, "C"),
])
def test_classes_at_their_thresholds(revenue, visits, grade):
    decision = customer_class(CustomerActivity(revenue, visits), T)
    assert decision.grade == grade
    assert f"{visits} visit(s)" in decision.reason


def test_late_payment_costs_one_class_never_below_c():
    on_time = CustomerActivity(6_000_000, 20, average_days_late=30)  # 30 days is not more than 30
    assert customer_class(on_time, T).grade == "A"
    late = CustomerActivity(6_000_000, 20, average_days_late=40)
    decision = customer_class(late, T)
    assert decision.grade == "B" and "paid 40 days late on average" in decision.reason
    assert "one class down" in decision.reason
    overdue = CustomerActivity(1_000_000, 2, overdue=200_001)  # more than 20 % of 10,000.00
    assert customer_class(overdue, T).grade == "C"
    assert customer_class(CustomerActivity(1_000_000, 2, overdue=200_000), T).grade == "B"  # exactly 20 %
    assert customer_class(CustomerActivity(10, 1, average_days_late=90), T).grade == "C"


@pytest.mark.parametrize("bad", [
    ClassThresholds(a_revenue=-1), ClassThresholds(a_revenue=100, b_revenue=200), ClassThresholds(a_visits=3),
    ClassThresholds(overdue_share_bp=10_001),
])
def test_unworkable_thresholds_are_refused(bad):
    with pytest.raises(ValidationError) as error:
        customer_class(CustomerActivity(0, 0), bad)
    assert set(error.value.problems) == {"thresholds"}


AS_OF = date(2026, 3, 31)


def item(document: str, due: date, amount: int, issued: date | None = None) -> OpenItem:
    return OpenItem(document, issued or due, due, amount)


def test_every_bucket_boundary_on_fixed_dates():
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
        item("credit-note", date(2026, 3, 20), -5),
    ]
    result = ageing(items, AS_OF)
    assert result.buckets == {"current": 101, "1-30": 25, "31-60": 4_300, "61-90": 650_000, "90+": 7_000_000}
    assert result.total == 7_654_426


@given(st.lists(st.tuples(st.integers(-400, 400), st.integers(-10**9, 10**9)), max_size=30))
def test_buckets_always_add_up_to_the_total(rows):
    items = [item(str(i), AS_OF + timedelta(days=days), amount) for i, (days, amount) in enumerate(rows)]
    result = ageing(items, AS_OF)
    assert sum(result.buckets.values()) == result.total == sum(amount for _, amount in rows)
    assert list(result.buckets) == list(BUCKETS)


def test_a_payment_goes_to_the_oldest_invoice_first():
    items = [item("INV-3", date(2026, 3, 15), 500), item("INV-1", date(2026, 1, 15), 300),
             item("CN-1", date(2026, 1, 1), -200), item("INV-2", date(2026, 2, 15), 400)]
    result = allocate_payment(900, items)
    assert result.paid == [("INV-1", 300), ("INV-2", 400), ("INV-3", 200)] and result.unallocated == 0
    result = allocate_payment(1_500, items)  # more than is open: the rest stays on the account
    assert result.paid == [("INV-1", 300), ("INV-2", 400), ("INV-3", 500)] and result.unallocated == 300
    same_due = [item("B", date(2026, 1, 1), 10, issued=date(2025, 12, 1)), item("A", date(2026, 1, 1), 10,
                                                                                issued=date(2025, 12, 2))]
    assert [d for d, _ in allocate_payment(20, same_due).paid] == ["B", "A"]  # then the older issue date


def test_a_payment_on_chosen_invoices_only():
    items = [item("INV-1", date(2026, 1, 15), 300), item("INV-2", date(2026, 2, 15), 400)]
    result = allocate_payment(500, items, chosen=["INV-2"])
    assert result.paid == [("INV-2", 400)] and result.unallocated == 100
    with pytest.raises(ValidationError, match="Not an open invoice of this customer: INV-9"):
        allocate_payment(500, items, chosen=["INV-2", "INV-9"])
    with pytest.raises(ValidationError, match="more than 0"):
        allocate_payment(0, items)


@given(st.integers(1, 10**7), st.lists(st.integers(-10**6, 10**6), max_size=20))
def test_allocation_never_loses_or_overpays(amount, amounts):
    items = [item(f"D{i}", date(2026, 1, 1) + timedelta(days=i % 7), value) for i, value in enumerate(amounts)]
    result = allocate_payment(amount, items)
    assert sum(share for _, share in result.paid) + result.unallocated == amount
    open_of = {i.document: i.open_amount for i in items}
    assert all(0 < share <= open_of[document] for document, share in result.paid)
    assert result.unallocated == 0 or all(share == open_of[document] for document, share in result.paid)
