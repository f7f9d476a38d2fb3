"""The customer timeline, the ledgers' append-only rule, and a merge carrying a customer's
history and balances to the kept record — on both engines."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from peewee import DatabaseError

from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.models import (
    AccountAllocation,
    AccountEntry,
    Complaint,
    Customer,
    CustomerEvent,
    PointsEntry,
    PrepaidEntry,
    database,
)
from partsdesk.services import clock, history
from partsdesk.services.customers import merge_customers, save_customer

T0 = datetime(2026, 11, 22, 10, 0)


@pytest.fixture(autouse=True)
def _fixed_clock(db):
    clock.set_clock(lambda: T0)


@pytest.fixture
def two(staff):
    cashier = staff["cashier"]
    return (save_customer(cashier, None, {"kind": "person", "name": "Wang Lei"}, phones=[("mobile", "13700001111")]),
            save_customer(cashier, None, {"kind": "person", "name": "Wang Lei (old card)"},
                          phones=[("mobile", "13700002222")]))


def sale(customer_id: int, number: int, amount: int, at: datetime, *, kind: str = "sale") -> None:
    with database.atomic():
        history.record_trade(customer_id, kind, document_type="invoice", document_id=number,
                             document_no=f"INV-{number:06d}", amount=amount, summary=f"{kind} {number}", user_id=None,
                             at=at)


def test_the_timeline_is_newest_first_and_paged(staff, two):
    keep, _ = two
    for number in range(1, 6):
        sale(keep, number, 10_000 * number, datetime(2026, 11, number, 9, 0))
    sale(keep, 9, -5_000, datetime(2026, 11, 6, 9, 0), kind="return")
    first = history.timeline(staff["cashier"], keep, limit=4)
    assert [e.document_no for e in first] == ["INV-000009", "INV-000005", "INV-000004", "INV-000003"]
    assert first[0].kind_label == "Return" and first[0].amount == -5_000
    rest = history.timeline(staff["cashier"], keep, limit=4, before_id=first[-1].id)
    assert [e.document_no for e in rest] == ["INV-000002", "INV-000001"]
    assert [e.kind for e in history.timeline(staff["cashier"], keep, kinds=("return",))] == ["return"]


def test_a_sale_or_repair_order_is_a_visit_a_quote_is_not(staff, two):
    keep, _ = two
    sale(keep, 1, 1_000, datetime(2026, 10, 1, 9, 0), kind="quote")
    assert Customer.get_by_id(keep).last_visit_at is None
    sale(keep, 2, 1_000, datetime(2026, 10, 3, 9, 0))
    sale(keep, 3, 1_000, datetime(2026, 9, 3, 9, 0), kind="repair_order")  # entered late: the last visit stays
    assert Customer.get_by_id(keep).last_visit_at == datetime(2026, 10, 3, 9, 0)
    with pytest.raises(ValueError):
        history.record_trade(keep, "payment", document_type="", document_id=None, document_no="", amount=1,
                             summary="", user_id=None)


def test_a_technician_sees_only_the_repair_orders_of_the_timeline(staff, two):
    keep, _ = two
    sale(keep, 1, 1_000, datetime(2026, 10, 1, 9, 0))
    sale(keep, 2, 2_000, datetime(2026, 10, 2, 9, 0), kind="repair_order")
    assert [e.kind for e in history.timeline(staff["technician"], keep)] == ["repair_order"]
    assert len(history.timeline(staff["cashier"], keep)) == 2


def test_bad_timeline_requests_are_refused(staff, two):
    with pytest.raises(ValidationError, match="Unknown kind"):
        history.timeline(staff["cashier"], two[0], kinds=("gossip",))
    with pytest.raises(UserError, match="not in the customer file"):
        history.timeline(staff["cashier"], 999_999)


def _ledger_rows(customer_id: int) -> None:
    """One row in each ledger, as the account and membership services would write them."""
    with database.atomic():
        invoice = AccountEntry.create(customer=customer_id, posted_at=T0, kind="invoice", document="INV-000077",
                                      amount=30_000, issued_on=date(2026, 11, 1), due_on=date(2026, 12, 1))
        payment = AccountEntry.create(customer=customer_id, posted_at=T0, kind="payment", document="PAY-1",
                                      amount=-10_000, issued_on=date(2026, 11, 2))
        AccountAllocation.create(credit_entry=payment, debit_entry=invoice, amount=10_000, allocated_at=T0)
        PointsEntry.create(customer=customer_id, at=T0, kind="earn", points=300, document="INV-000077",
                           expires_on=date(2028, 11, 1))
        PrepaidEntry.create(customer=customer_id, at=T0, kind="top_up", amount=50_000, method="cash")
        Customer.update(account_balance=20_000, points_balance=300, prepaid_balance=50_000).where(
            Customer.id == customer_id).execute()


@pytest.mark.parametrize("change", [
    lambda: AccountEntry.update(amount=1).execute(),
    lambda: AccountEntry.delete().execute(),
    lambda: AccountAllocation.update(amount=1).execute(),
    lambda: CustomerEvent.update(summary="rewritten").execute(),
    lambda: PointsEntry.update(points=1_000_000).execute(),
    lambda: PrepaidEntry.delete().execute(),
], ids=["account amount", "account delete", "allocation", "timeline", "points", "prepaid delete"])
def test_ledgers_refuse_to_be_rewritten(staff, two, change):
    _ledger_rows(two[1])
    sale(two[1], 1, 1_000, T0)
    with pytest.raises(DatabaseError, match="append-only"), database.atomic():
        change()


def test_a_merge_carries_history_ledgers_and_balances(staff, two):
    keep, other = two
    sale(keep, 1, 5_000, datetime(2026, 9, 1, 9, 0))
    sale(other, 2, 7_000, datetime(2026, 10, 1, 9, 0))
    _ledger_rows(other)
    Customer.update(points_balance=100, prepaid_balance=60_000).where(Customer.id == keep).execute()
    with database.atomic():
        complaint = Complaint.create(customer=other, category="Other", description="late", channel="phone",
                                     received_at=T0, respond_by=T0, resolve_by=T0, updated_at=T0)
    merge_customers(staff["manager"], keep, other, reason="same driver, new phone")
    kept = Customer.get_by_id(keep)
    assert (kept.points_balance, kept.prepaid_balance, kept.account_balance) == (400, 110_000, 20_000)
    assert kept.member_tier == "Silver"  # 1,100.00 prepaid together reaches Silver's 1,000.00
    assert kept.last_visit_at == datetime(2026, 10, 1, 9, 0)
    gone = Customer.get_by_id(other)
    assert (gone.points_balance, gone.prepaid_balance, gone.account_balance, gone.member_tier) == (0, 0, 0, "")
    for model in (AccountEntry, PointsEntry, PrepaidEntry, CustomerEvent):
        assert not model.select().where(model.customer == other).exists(), model
    assert Complaint.get_by_id(complaint.id).customer_id == keep
    assert sum(e.amount for e in AccountEntry.select().where(AccountEntry.customer == keep)) == kept.account_balance
    timeline = history.timeline(staff["cashier"], keep)
    assert [e.document_no for e in timeline if e.kind == "sale"] == ["INV-000002", "INV-000001"]
    assert timeline[0].summary.startswith(f"Merged customer #{other}")
