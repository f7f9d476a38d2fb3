"""Customer accounts and classes on both engines: posting on account, ageing on fixed dates,
payments allocated oldest first or as chosen with the rest kept as a credit, the credit policy
(warn, block, a manager's approval), credit terms, classes at their thresholds from real
timeline events, a manual class override, and who may see an account."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.models import AccountAllocation, AccountEntry, AuditLog, Customer, CustomerEvent
from partsdesk.services import accounts, clock, history, settings, users
from partsdesk.services.customers import save_customer

TODAY = date(2026, 11, 22)


@pytest.fixture
def shop(staff):
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    return staff


def new_customer(staff, name: str, *, limit: int = 0, terms: int = 30) -> int:
    customer_id = save_customer(staff["cashier"], None, {"name": name}, phones=[])
    if limit or terms:
        accounts.set_credit_terms(staff["manager"], customer_id, credit_limit=limit, payment_terms_days=terms)
    return customer_id


def invoice(customer_id: int, document: str, amount: int, *, issued: date, due: date | None = None) -> int:
    return accounts.post_invoice(customer_id, document=document, amount=amount, issued_on=issued, due_on=due,
                                 user_id=None)


def balance(customer_id: int) -> int:
    return Customer.get_by_id(customer_id).account_balance


def ledger_sum(customer_id: int) -> int:
    return sum(e.amount for e in AccountEntry.select().where(AccountEntry.customer == customer_id))


def open_of(customer_id: int) -> dict[str, int]:
    return {i.document: i.open_amount for i in accounts.open_items(customer_id)}


def approval(staff, permission: str):
    return users.step_up(staff["cashier"], approver="manager", secret="1357", permission=permission,
                         reason="known customer, pays at month end")


def snapshot() -> tuple[int, int, int, int]:
    return (AccountEntry.select().count(), AccountAllocation.select().count(), AuditLog.select().count(),
            CustomerEvent.select().count())


# --- posting and ageing ----------------------------------------------------------------------------

def test_an_invoice_on_account_falls_due_after_the_customers_terms_and_is_in_the_history(shop):
    garage = new_customer(shop, "Garage Wu", limit=1_000_000, terms=45)
    entry_id = invoice(garage, "INV-1", 123_450, issued=TODAY)
    entry = AccountEntry.get_by_id(entry_id)
    assert (entry.kind, entry.amount, entry.issued_on, entry.due_on) == ("invoice", 123_450, TODAY,
                                                                       TODAY + timedelta(days=45))
    assert balance(garage) == ledger_sum(garage) == 123_450
    event = CustomerEvent.get(CustomerEvent.customer == garage)
    assert (event.kind, event.document_no, event.amount) == ("account", "INV-1", 123_450)
    assert "due 2027-01-06" in event.summary
    invoice(garage, "INV-2", 1_000, issued=TODAY, due=TODAY + timedelta(days=7))
    assert AccountEntry.get(AccountEntry.document == "INV-2").due_on == date(2026, 11, 29)


def test_bad_postings_are_refused_and_change_nothing(shop):
    garage = new_customer(shop, "Garage Wu", limit=1_000_000)
    invoice(garage, "INV-1", 5_000, issued=TODAY)
    before = snapshot()
    with pytest.raises(ValidationError, match="more than 0"):
        invoice(garage, "INV-2", 0, issued=TODAY)
    with pytest.raises(ValidationError, match="already on an account"):
        invoice(garage, "INV-1", 5_000, issued=TODAY)
    with pytest.raises(ValidationError, match="before it is issued"):
        invoice(garage, "INV-3", 5_000, issued=TODAY, due=TODAY - timedelta(days=1))
    with pytest.raises(ValidationError, match="Invoice number is required"):
        invoice(garage, "  ", 5_000, issued=TODAY)
    with pytest.raises(ValidationError, match="not on this customer's account"):
        accounts.post_credit_note(garage, document="CN-1", amount=100, issued_on=TODAY, against="INV-9", user_id=None)
    with pytest.raises(UserError, match="not in the customer file"):
        invoice(999_999, "INV-4", 5_000, issued=TODAY)
    assert snapshot() == before and balance(garage) == 5_000


def test_ageing_buckets_on_a_fixed_date(shop):
    garage = new_customer(shop, "Garage Wu", limit=10_000_000)
    as_of = date(2026, 6, 30)
    # days past due on 30 June -> the bucket it belongs in
    for days, amount in ((-5, 1), (0, 2), (1, 4), (30, 8), (31, 16), (60, 32), (61, 64), (90, 128), (91, 256)):
        due = as_of - timedelta(days=days)
        invoice(garage, f"INV{days:+d}", amount * 100, issued=due - timedelta(days=30), due=due)
    summary = accounts.account_summary(shop["cashier"], garage, as_of=as_of)
    assert summary.ageing.buckets == {"current": 300, "1-30": 1_200, "31-60": 4_800, "61-90": 19_200, "90+": 25_600}
    assert summary.ageing.total == summary.balance == 51_100
    assert summary.overdue_amount == 50_800
    days = {i.document: i.days_overdue(as_of) for i in summary.items}
    assert days["INV+91"] == 91 and days["INV+0"] == 0 and days["INV-5"] == 0
    # the same account 31 days later: every invoice moved on by 31 days
    later = accounts.account_summary(shop["cashier"], garage, as_of=date(2026, 7, 31))
    assert later.ageing.buckets == {"current": 0, "1-30": 100, "31-60": 600, "61-90": 2_400, "90+": 48_000}


def test_a_credit_note_settles_the_invoice_it_corrects(shop):
    garage = new_customer(shop, "Garage Wu", limit=1_000_000)
    invoice(garage, "INV-1", 10_000, issued=date(2026, 10, 1))
    invoice(garage, "INV-2", 20_000, issued=date(2026, 11, 1))
    accounts.post_credit_note(garage, document="CN-1", amount=5_000, issued_on=TODAY, against="INV-2", user_id=None)
    assert open_of(garage) == {"INV-1": 10_000, "INV-2": 15_000}
    # more than is open on the invoice it corrects: the rest is a credit on the account
    accounts.post_credit_note(garage, document="CN-2", amount=16_000, issued_on=TODAY, against="INV-2", user_id=None)
    assert open_of(garage) == {"INV-1": 10_000, "CN-2": -1_000}
    assert balance(garage) == ledger_sum(garage) == 9_000
    summary = accounts.account_summary(shop["cashier"], garage, as_of=TODAY)
    assert summary.unallocated_credit == 1_000 and summary.ageing.total == 9_000


# --- payments ----------------------------------------------------------------------------------------

def test_a_payment_pays_the_oldest_invoices_first(shop):
    garage = new_customer(shop, "Garage Wu", limit=1_000_000)
    invoice(garage, "INV-NEW", 30_000, issued=date(2026, 11, 1))
    invoice(garage, "INV-OLD", 10_000, issued=date(2026, 9, 1))
    invoice(garage, "INV-MID", 20_000, issued=date(2026, 10, 1))
    paid = accounts.take_payment(shop["cashier"], garage, 25_000, method="transfer", reference="bank 7781")
    assert paid.allocation.paid == (("INV-OLD", 10_000), ("INV-MID", 15_000))
    assert paid.allocation.unallocated == 0 and paid.document == "PAY-000001" and paid.balance == 35_000
    assert open_of(garage) == {"INV-MID": 5_000, "INV-NEW": 30_000}
    assert balance(garage) == ledger_sum(garage) == 35_000
    entry = AccountEntry.get_by_id(paid.entry_id)
    assert (entry.kind, entry.amount, entry.method, entry.note, entry.issued_on) == (
        "payment", -25_000, "transfer", "bank 7781", TODAY)
    event = CustomerEvent.get((CustomerEvent.customer == garage) & (CustomerEvent.kind == "payment"))
    assert event.amount == -25_000 and "INV-OLD 100.00" in event.summary and event.document_no == "PAY-000001"
    row = AuditLog.get(AuditLog.action == "account.payment")
    assert json.loads(row.new_value)["paid"] == [["INV-OLD", 10_000], ["INV-MID", 15_000]]
    assert row.user_id == shop["cashier"].user_id


def test_a_payment_to_chosen_invoices_and_the_rest_kept_as_a_credit_for_the_next_invoice(shop):
    garage = new_customer(shop, "Garage Wu", limit=1_000_000)
    invoice(garage, "INV-1", 10_000, issued=date(2026, 9, 1))
    invoice(garage, "INV-2", 20_000, issued=date(2026, 10, 1))
    paid = accounts.take_payment(shop["cashier"], garage, "250.00", method="cash", chosen=["INV-2"])
    assert paid.allocation.paid == (("INV-2", 20_000),) and paid.allocation.unallocated == 5_000
    assert open_of(garage) == {"INV-1": 10_000, paid.document: -5_000}
    assert balance(garage) == 5_000
    second = accounts.take_payment(shop["cashier"], garage, 12_000, method="card", chosen=["INV-1"])
    assert second.allocation.unallocated == 2_000
    summary = accounts.account_summary(shop["cashier"], garage, as_of=TODAY)
    assert summary.unallocated_credit == 7_000 and summary.balance == -7_000 and summary.ageing.total == -7_000
    # the next invoice takes the credits, the oldest first
    invoice(garage, "INV-3", 6_000, issued=TODAY)
    assert open_of(garage) == {second.document: -1_000}
    used = {(a.credit_entry.document, a.debit_entry.document): a.amount for a in AccountAllocation.select()
            if a.debit_entry.document == "INV-3"}
    assert used == {(paid.document, "INV-3"): 5_000, (second.document, "INV-3"): 1_000}
    invoice(garage, "INV-4", 3_000, issued=TODAY)
    assert open_of(garage) == {"INV-4": 2_000}
    assert balance(garage) == ledger_sum(garage) == 2_000


def test_bad_payments_are_refused_and_change_nothing(shop):
    garage = new_customer(shop, "Garage Wu", limit=1_000_000)
    invoice(garage, "INV-1", 10_000, issued=TODAY)
    before = snapshot()
    cashier = shop["cashier"]
    for amount, method, chosen, message in (
        (0, "cash", None, "more than 0"),
        ("-5", "cash", None, "cannot be negative"),
        ("12.345", "cash", None, "decimal places"),
        ("abc", "cash", None, "not a number"),
        (1_000, "barter", None, "how it was paid"),
        (1_000, "cash", ["INV-9"], "Not an open invoice of this customer: INV-9"),
    ):
        with pytest.raises(ValidationError, match=message):
            accounts.take_payment(cashier, garage, amount, method=method, chosen=chosen)
    with pytest.raises(PermissionDenied):
        accounts.take_payment(shop["technician"], garage, 1_000, method="cash")
    assert snapshot() == before and balance(garage) == 10_000


# --- the credit check and policy -----------------------------------------------------------------

def test_a_customer_without_a_credit_limit_has_no_account(shop):
    walk_in = new_customer(shop, "Walk-in Zhao", limit=0, terms=0)
    check = accounts.credit_check(walk_in, 5_000, as_of=TODAY)
    assert not check.has_account and "No account" in check.message
    with pytest.raises(UserError, match="has no account"):
        accounts.charge_on_account(shop["manager"], walk_in, document="INV-1", amount=5_000, issued_on=TODAY)
    assert AccountEntry.select().count() == 0


def test_the_credit_check_says_what_is_wrong_in_plain_words(shop):
    garage = new_customer(shop, "Garage Wu", limit=100_000, terms=30)
    for n, issued in enumerate((date(2026, 9, 8), date(2026, 9, 20), date(2026, 10, 10)), 1):
        invoice(garage, f"INV-{n}", 20_000, issued=issued)
    check = accounts.credit_check(garage, 160_000, as_of=TODAY)
    assert (check.limit, check.balance, check.would_be_balance) == (100_000, 60_000, 220_000)
    assert check.over_limit and check.overdue and check.overdue_count == 3 and check.oldest_overdue_days == 45
    assert check.overdue_amount == 60_000 and check.policy == "warn" and not check.needs_approval
    assert check.message.startswith("Over the credit limit by 1,200.00")
    assert "3 invoices overdue, 600.00 (oldest 45 days)." in check.message
    fine = accounts.credit_check(garage, 10_000, as_of=date(2026, 10, 1))
    assert not fine.problem and fine.message == "Within the credit limit: 300.00 left of 1,000.00."


def test_warn_policy_lets_an_exceed_through_with_a_warning_and_audits_it(shop):
    garage = new_customer(shop, "Garage Wu", limit=10_000)
    charge = accounts.charge_on_account(shop["cashier"], garage, document="INV-1", amount=8_000, issued_on=TODAY)
    assert charge.warning == "" and not AuditLog.select().where(AuditLog.action == "account.exceed_credit").exists()
    charge = accounts.charge_on_account(shop["cashier"], garage, document="INV-2", amount=5_000, issued_on=TODAY)
    assert charge.warning.startswith("Over the credit limit by 30.00")
    assert balance(garage) == 13_000
    row = AuditLog.get(AuditLog.action == "account.exceed_credit")
    assert row.user_id == shop["cashier"].user_id and row.approved_by_id is None
    assert json.loads(row.new_value)["document"] == "INV-2"


def test_block_policy_needs_a_manager_for_an_exceed(shop):
    settings.set_value(shop["admin"], "credit.policy", "block")
    garage = new_customer(shop, "Garage Wu", limit=10_000)
    accounts.charge_on_account(shop["cashier"], garage, document="INV-1", amount=10_000, issued_on=TODAY)
    before = snapshot()
    check = accounts.credit_check(garage, 1, as_of=TODAY)
    assert check.needs_approval and check.message.endswith("A manager must approve a sale on account.")
    with pytest.raises(PermissionDenied, match="may not sell on account over the credit limit"):
        accounts.charge_on_account(shop["cashier"], garage, document="INV-2", amount=5_000, issued_on=TODAY)
    assert snapshot() == before and balance(garage) == 10_000
    charge = accounts.charge_on_account(shop["cashier"], garage, document="INV-2", amount=5_000, issued_on=TODAY,
                                        approval=approval(shop, "account.exceed_credit"))
    assert charge.warning == "" and balance(garage) == 15_000
    row = AuditLog.get(AuditLog.action == "account.exceed_credit")
    assert row.user_id == shop["cashier"].user_id and row.approved_by_id == shop["manager"].user_id
    # overdue alone blocks too; a manager's own role may
    clock.set_clock(lambda: datetime(2027, 3, 1, 9, 0))
    accounts.take_payment(shop["cashier"], garage, 14_000, method="cash")
    later = date(2027, 3, 1)
    assert accounts.credit_check(garage, 100, as_of=later).needs_approval
    with pytest.raises(PermissionDenied):
        accounts.charge_on_account(shop["cashier"], garage, document="INV-3", amount=100, issued_on=later)
    accounts.charge_on_account(shop["manager"], garage, document="INV-3", amount=100, issued_on=later)
    assert AuditLog.select().where(AuditLog.action == "account.exceed_credit").count() == 2


# --- credit terms --------------------------------------------------------------------------------

def test_credit_terms_are_a_managers_and_audited(shop):
    garage = new_customer(shop, "Garage Wu", limit=0, terms=0)
    with pytest.raises(PermissionDenied):
        accounts.set_credit_terms(shop["cashier"], garage, credit_limit=100_000, payment_terms_days=30)
    accounts.set_credit_terms(shop["cashier"], garage, credit_limit="1,500.00", payment_terms_days="60",
                              approval=approval(shop, "account.credit_terms"))
    customer = Customer.get_by_id(garage)
    assert (customer.credit_limit, customer.payment_terms_days) == (150_000, 60)
    row = AuditLog.get(AuditLog.action == "account.credit_terms")
    assert json.loads(row.old_value) == {"credit_limit": 0, "payment_terms_days": 0}
    assert json.loads(row.new_value) == {"credit_limit": 150_000, "payment_terms_days": 60}
    assert row.approved_by_id == shop["manager"].user_id


@pytest.mark.parametrize(("limit", "terms", "field", "message"), [
    ("-5", 30, "credit_limit", "cannot be negative"),
    (-500, 30, "credit_limit", "cannot be negative"),
    ("lots", 30, "credit_limit", "not a number"),
    (100_000, 366, "payment_terms_days", "0 to 365 days"),
    (100_000, "-1", "payment_terms_days", "0 to 365 days"),
    (100_000, "a month", "payment_terms_days", "whole number of days"),
])
def test_bad_credit_terms_are_refused_and_change_nothing(shop, limit, terms, field, message):
    garage = new_customer(shop, "Garage Wu", limit=50_000, terms=30)
    before = snapshot()
    with pytest.raises(ValidationError, match=message) as refused:
        accounts.set_credit_terms(shop["manager"], garage, credit_limit=limit, payment_terms_days=terms)
    assert field in refused.value.problems
    customer = Customer.get_by_id(garage)
    assert (customer.credit_limit, customer.payment_terms_days) == (50_000, 30) and snapshot() == before


# --- who sees the account ------------------------------------------------------------------------

def test_a_technician_is_refused_the_account(shop):
    garage = new_customer(shop, "Garage Wu", limit=50_000)
    with pytest.raises(PermissionDenied, match="may not see a customer's contact details and account"):
        accounts.account_summary(shop["technician"], garage, as_of=TODAY)
    with pytest.raises(PermissionDenied):
        accounts.statement_data(shop["technician"], garage, as_of=TODAY)
    assert accounts.account_summary(shop["service_advisor"], garage, as_of=TODAY).credit_limit == 50_000


def test_statement_data_holds_the_shop_the_customer_and_the_open_items(shop):
    settings.set_value(shop["admin"], "shop.name", "Wu Auto Parts")
    garage = save_customer(shop["cashier"], None, {"name": "Garage Wu", "address": "8 Ring Road", "tax_id": "9131X"},
                           phones=[])
    accounts.set_credit_terms(shop["manager"], garage, credit_limit=500_000, payment_terms_days=30)
    invoice(garage, "INV-1", 10_000, issued=date(2026, 9, 1))
    invoice(garage, "INV-2", 20_000, issued=date(2026, 11, 1))
    accounts.take_payment(shop["cashier"], garage, 4_000, method="cash")
    data = accounts.statement_data(shop["cashier"], garage, as_of=TODAY)
    assert (data.shop_name, data.customer_name, data.customer_address, data.customer_tax_id) == (
        "Wu Auto Parts", "Garage Wu", "8 Ring Road", "9131X")
    assert [(line.document, line.amount, line.open_amount, line.days_overdue) for line in data.lines] == [
        ("INV-1", 10_000, 6_000, 52), ("INV-2", 20_000, 20_000, 0)]
    assert data.ageing == {"current": 20_000, "1-30": 0, "31-60": 6_000, "61-90": 0, "90+": 0}
    assert data.total_due == data.balance == 26_000 and data.credit_limit == 500_000


# --- finding a customer ----------------------------------------------------------------------------

def test_a_customer_is_found_by_record_number_or_member_card(shop):
    garage = save_customer(shop["cashier"], None, {"name": "Garage Wu", "member_card": "M2001"}, phones=[])
    assert accounts.find_customer(str(garage)) == garage
    assert accounts.find_customer(f"#{garage}") == garage
    assert accounts.find_customer("m2001") == garage
    with pytest.raises(UserError, match="No customer with record number or member card '777'"):
        accounts.find_customer("777")


# --- classes -------------------------------------------------------------------------------------

def sales(customer_id: int, amounts: list[int], *, days_ago_start: int = 1, kind: str = "sale") -> None:
    """One trade per day, going back from yesterday."""
    for n, amount in enumerate(amounts):
        at = datetime.combine(TODAY - timedelta(days=days_ago_start + n), datetime.min.time()) + timedelta(hours=9)
        history.record_trade(customer_id, kind, document_type=kind, document_id=None, document_no=f"S{customer_id}-{n}",
                             amount=amount, summary="", user_id=None, at=at)


def spread(total: int, count: int) -> list[int]:
    return [total // count + (1 if n < total % count else 0) for n in range(count)]


def test_classes_at_the_thresholds_from_the_timeline(shop):
    # defaults: A = 50,000.00 and 12 visits; B = 10,000.00 or 6 visits
    made = {}
    for name, revenue, visits in (("a_exactly", 5_000_000, 12), ("a_revenue_short", 4_999_999, 12),
                                  ("a_visit_short", 5_000_000, 11), ("b_revenue", 1_000_000, 1),
                                  ("b_revenue_short", 999_999, 1), ("b_visits", 600, 6), ("c_visits", 500, 5)):
        made[name] = new_customer(shop, name, terms=0)
        sales(made[name], spread(revenue, visits))
    idle = new_customer(shop, "idle", terms=0)
    assert accounts.refresh_classes(as_of=TODAY) == 8
    grades = {name: Customer.get_by_id(cid).class_grade for name, cid in made.items()}
    assert grades == {"a_exactly": "A", "a_revenue_short": "B", "a_visit_short": "B", "b_revenue": "B",
                      "b_revenue_short": "C", "b_visits": "B", "c_visits": "C"}
    a = Customer.get_by_id(made["a_exactly"])
    assert a.class_reason == "revenue 50,000.00 ≥ 50,000.00 and 12 visits ≥ 12"
    assert a.class_computed_at == datetime(2026, 11, 22, 10, 0)
    assert Customer.get_by_id(idle).class_reason == "revenue 0.00 < 10,000.00 and 0 visits < 6"


def test_the_12_month_window_returns_and_repair_orders(shop):
    garage = new_customer(shop, "Garage Wu", terms=0)
    cid = garage
    sales(cid, [700_000])  # yesterday
    sales(cid, [400_000], days_ago_start=365)  # exactly a year ago: outside
    sales(cid, [300_000], days_ago_start=364)  # inside
    sales(cid, [-100_000], days_ago_start=3, kind="return")
    sales(cid, [0, 0], days_ago_start=10, kind="repair_order")  # two visits, no revenue here
    history.record_trade(cid, "sale", document_type="sale", document_id=None, document_no="S-same-day",
                         amount=100_000, summary="", user_id=None, at=datetime(2026, 11, 21, 16, 0))
    history.record_trade(cid, "quote", document_type="quote", document_id=None, document_no="Q1",
                         amount=9_000_000, summary="", user_id=None, at=datetime(2026, 11, 20, 9, 0))
    activity = accounts.customer_activity(cid, as_of=TODAY)
    assert activity.revenue_12m == 700_000 + 300_000 - 100_000 + 100_000
    assert activity.visits_12m == 4  # yesterday (twice), 364 days ago, two repair orders; not the return
    assert accounts.refresh_class(cid, as_of=TODAY).grade == "B"


def test_paying_late_on_average_costs_a_class(shop):
    garage = new_customer(shop, "Garage Wu", limit=10_000_000, terms=30)
    sales(garage, spread(1_000_000, 6))  # B by revenue and visits
    invoice(garage, "INV-1", 50_000, issued=date(2026, 6, 1))  # due 1 July
    invoice(garage, "INV-2", 50_000, issued=date(2026, 7, 1))  # due 31 July
    accounts.take_payment(shop["cashier"], garage, 50_000, method="cash", as_of=date(2026, 8, 10))  # 40 days late
    activity = accounts.customer_activity(garage, as_of=TODAY)
    assert activity.average_days_late == 40 and activity.overdue_amount == 50_000
    decided = accounts.refresh_class(garage, as_of=TODAY)
    assert decided.grade == "C" and "paid late on average 40 days > 30" in decided.reason
    accounts.take_payment(shop["cashier"], garage, 50_000, method="cash", as_of=date(2026, 7, 30))  # early: 0
    activity = accounts.customer_activity(garage, as_of=TODAY)
    assert activity.average_days_late == 20 and activity.overdue_amount == 0
    assert accounts.refresh_class(garage, as_of=TODAY).grade == "B"


def test_refreshing_classes_goes_through_every_customer_in_batches(shop, monkeypatch):
    monkeypatch.setattr(accounts, "CLASS_BATCH", 3)
    ids = [new_customer(shop, f"Customer {n}", terms=0) for n in range(8)]
    sales(ids[4], [600] * 6)
    sales(ids[7], spread(1_000_000, 1))
    seen: list[tuple[int, int]] = []
    assert accounts.refresh_classes(as_of=TODAY, progress=lambda done, total: seen.append((done, total))) == 8
    assert seen[0] == (0, 8) and seen[-1] == (8, 8) and len(seen) == 4
    grades = [Customer.get_by_id(i).class_grade for i in ids]
    assert grades == ["C", "C", "C", "C", "B", "C", "C", "B"]
    assert all(Customer.get_by_id(i).class_computed_at is not None for i in ids)


def test_a_class_set_by_hand_needs_a_reason_and_a_manager_and_is_audited(shop):
    garage = new_customer(shop, "Garage Wu", terms=0)
    accounts.refresh_class(garage, as_of=TODAY)
    before = snapshot()
    with pytest.raises(ValidationError, match="Say why"):
        accounts.override_class(shop["manager"], garage, "A", reason="  ")
    with pytest.raises(ValidationError, match="one of A, B, C"):
        accounts.override_class(shop["manager"], garage, "D", reason="fleet")
    with pytest.raises(PermissionDenied):
        accounts.override_class(shop["cashier"], garage, "A", reason="fleet contract")
    assert snapshot() == before
    decided = accounts.override_class(shop["cashier"], garage, "a", reason="fleet contract signed",
                                      approval=approval(shop, "customer.class_override"))
    assert (decided.grade, decided.computed, decided.override, decided.override_reason) == (
        "A", "C", "A", "fleet contract signed")
    assert Customer.get_by_id(garage).grade == "A"
    accounts.refresh_class(garage, as_of=TODAY)  # a recomputation keeps the override in force
    assert accounts.class_of(garage).grade == "A"
    cleared = accounts.override_class(shop["manager"], garage, None, reason="contract ended")
    assert (cleared.grade, cleared.override, cleared.override_reason) == ("C", None, "")
    rows = list(AuditLog.select().where(AuditLog.action == "customer.class_override").order_by(AuditLog.id))
    assert [json.loads(r.new_value)["override"] for r in rows] == ["A", None]
    assert json.loads(rows[1].old_value) == {"override": "A", "reason": "fleet contract signed"}
    assert rows[0].approved_by_id == shop["manager"].user_id and rows[1].reason == "contract ended"
