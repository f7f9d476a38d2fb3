"""Returns at the counter, on both engines: a numbered credit note against the sale, never more
than was sold less what came back, money pro rata to the cent, refunds the way the sale was paid,
stock back to the shelf or to quarantine, a manager past the window or above the value."""

from __future__ import annotations

from datetime import timedelta

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.tender import Payment
from partsdesk.models import (
    AccountEntry,
    AuditLog,
    CreditNote,
    CreditNoteLine,
    CreditNoteRefund,
    Customer,
    CustomerEvent,
    DocumentCounter,
    PointsEntry,
    PrepaidEntry,
    SaleLine,
    StockBalance,
    StockMove,
)
from partsdesk.models.stock import MAIN_LOCATION_ID, QUARANTINE_LOCATION_ID
from partsdesk.services import check, clock, membership, returns, settings, stock, users
from partsdesk.services.returns import Refund, ReturnLine, take_return
from partsdesk.services.sales import LineRequest, commit_sale
from tests.services.counter_shop import SOLD_AT, counter_shop


@pytest.fixture
def shop(staff):
    return counter_shop(staff, credit_limit="5000")


def sound() -> None:
    failed = [r.describe() for r in check.run_checks() if not r.ok]
    assert not failed, failed


def written() -> tuple[int, ...]:
    """Everything a return writes, counted: nothing may change when one is refused."""
    counter = DocumentCounter.get_or_none(DocumentCounter.series == "credit_note")
    return (CreditNote.select().count(), CreditNoteLine.select().count(), CreditNoteRefund.select().count(),
            StockMove.select().where(StockMove.reason == "return").count(),
            AuditLog.select().where(AuditLog.action == "sale.return").count(),
            CustomerEvent.select().where(CustomerEvent.kind == "return").count(),
            AccountEntry.select().where(AccountEntry.kind == "credit_note").count(),
            counter.next_number if counter else 0)


def test_a_partial_return_then_the_rest_credits_the_line_to_the_cent(staff, shop):
    # 3 pads at 1 % off: 111.87 each, 335.61 with 38.61 tax — thirds that do not divide evenly
    sale = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 3_000, discount_bp=100)],
                       [Payment("cash", 40_000)])
    line = SaleLine.get(SaleLine.sale == sale.sale_id)
    assert (line.total, line.tax) == (33_561, 3_861)

    first = take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="not_needed")
    assert (first.number, first.total, first.refunds) == ("CN-000001", 11_187, (Refund("cash", 11_187),))
    note = CreditNote.get_by_id(first.credit_note_id)
    assert (note.net, note.tax, note.total, note.reason, note.sale_id) == (9_900, 1_287, 11_187, "not_needed",
                                                                           sale.sale_id)
    assert returns.returnable(staff["cashier"], sale.number).lines[0].left == 2_000
    second = take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="not_needed")
    third = take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="wrong_part")
    assert (second.number, third.number) == ("CN-000002", "CN-000003")
    notes = list(CreditNote.select())
    assert sum(n.total for n in notes) == line.total and sum(n.tax for n in notes) == line.tax  # no drift
    assert sum(n.net for n in notes) == line.net
    assert stock.on_hand([shop["pads"]]) == {shop["pads"]: 10_000}
    moves = list(StockMove.select().where(StockMove.reason == "return").order_by(StockMove.seq))
    assert [(m.qty, m.unit_cost, m.document, m.location_id) for m in moves] == [
        (1_000, 6_000, f"CN-00000{i}", MAIN_LOCATION_ID) for i in (1, 2, 3)]
    assert returns.returnable(staff["cashier"], sale.number).lines[0].left == 0
    sound()


def test_a_return_beyond_the_sold_quantity_is_refused_and_writes_nothing(staff, shop):
    sale = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 2_000)], [Payment("cash", 30_000)])
    take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="not_needed")
    before, on_hand = written(), stock.on_hand([shop["pads"]])
    with pytest.raises(ValidationError) as refused:
        take_return(staff["cashier"], sale.number, [ReturnLine(1, 2_000)], reason="not_needed")
    message = refused.value.problems["lines.0.qty"]
    assert message.startswith("Line 1 (Part BP-1): At most 1") and "2 sold, 1 returned already" in message
    assert written() == before and stock.on_hand([shop["pads"]]) == on_hand
    take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="not_needed")
    with pytest.raises(ValidationError, match="Nothing is left to return"):
        take_return(staff["cashier"], sale.number, [ReturnLine(1, 1)], reason="not_needed")
    sound()


def test_an_on_account_sale_becomes_a_credit_note_on_the_account_never_cash(staff, shop):
    sale = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 2_000), LineRequest(shop["caliper"], 1_000)],
                       [Payment("on_account", 75_000)], customer_id=shop["fleet"])
    assert sale.total == 75_000 and Customer.get_by_id(shop["fleet"]).account_balance == 75_000
    result = take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000, to_quarantine=True)],
                         reason="warranty_refund")
    assert result.refunds == (Refund("on_account", 10_000),)
    assert Customer.get_by_id(shop["fleet"]).account_balance == 65_000
    entry = AccountEntry.get((AccountEntry.kind == "credit_note") & (AccountEntry.document == result.number))
    assert entry.amount == -10_000
    event = CustomerEvent.get((CustomerEvent.customer == shop["fleet"]) & (CustomerEvent.kind == "return"))
    assert (event.document_no, event.amount, event.document_id) == (result.number, -10_000, result.credit_note_id)
    # the core deposit comes back on its own, later: credited against the invoice that charged it, no stock
    core = take_return(staff["cashier"], sale.number, [ReturnLine(3, 1_000)], reason="not_needed")
    assert (core.total, core.refunds) == (5_000, (Refund("on_account", 5_000),))
    assert CreditNote.get_by_id(core.credit_note_id).tax == 0
    assert StockMove.select().where(StockMove.document == core.number).count() == 0
    assert Customer.get_by_id(shop["fleet"]).account_balance == 60_000
    assert CreditNoteRefund.select().where(CreditNoteRefund.method == "cash").count() == 0
    sound()


def test_a_mixed_payment_is_refunded_on_account_prepaid_card_then_cash(staff, shop):
    points_before = Customer.get_by_id(shop["member"]).points_balance
    sale = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 3_000)],  # 3 x 113.00 = 339.00
                       [Payment("cash", 18_900), Payment("card", 10_000, reference="T-77"), Payment("prepaid", 5_000)],
                       customer_id=shop["member"])
    member = Customer.get_by_id(shop["member"])
    assert member.prepaid_balance == 15_000
    earned = member.points_balance - points_before
    first = take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="wrong_part")
    assert first.refunds == (Refund("prepaid", 5_000), Refund("card", 6_300, "T-77"))
    assert Customer.get_by_id(shop["member"]).prepaid_balance == 20_000
    back = PrepaidEntry.get((PrepaidEntry.customer == shop["member"]) & (PrepaidEntry.document == first.number))
    assert (back.kind, back.amount) == ("return", 5_000)
    second = take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="wrong_part")
    assert second.refunds == (Refund("card", 3_700, "T-77"), Refund("cash", 7_600))
    third = take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="wrong_part")
    assert third.refunds == (Refund("cash", 11_300),)
    by_method = {}
    for refund in CreditNoteRefund.select():
        by_method[refund.method] = by_method.get(refund.method, 0) + refund.amount
    assert by_method == {"prepaid": 5_000, "card": 10_000, "cash": 18_900}  # each exactly what it paid
    # the points the sale earned came off with each third returned
    assert earned == 339 and Customer.get_by_id(shop["member"]).points_balance == points_before
    assert [e.points for e in PointsEntry.select().where(PointsEntry.kind == "return")] == [-113, -113, -113]
    sound()


def test_what_points_paid_goes_back_as_points(staff, shop):
    membership.adjust_points(staff["manager"], shop["member"], 1_000, reason="welcome gift")
    sale = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000)],
                       [Payment("points", points=1_000), Payment("cash", 20_000)], customer_id=shop["member"])
    cash = sale.total - 1_000  # 1,000 points are worth 10.00
    earned = cash // 100  # a point per 1.00 paid in money
    assert Customer.get_by_id(shop["member"]).points_balance == earned
    result = take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="not_needed")
    assert result.refunds == (Refund("points", 1_000), Refund("cash", cash))
    assert Customer.get_by_id(shop["member"]).points_balance == 1_000  # the points paid back, the earned off
    sound()


def test_a_part_can_go_to_quarantine_instead_of_the_shelf(staff, shop):
    sale = commit_sale(staff["cashier"], [LineRequest(shop["caliper"], 1_000)], [Payment("cash", 61_500)])
    result = take_return(staff["cashier"], f"  {sale.number.lower()} ", [ReturnLine(1, 1_000, to_quarantine=True)],
                         reason="warranty_replace")  # the number as scanned or typed
    assert stock.on_hand([shop["caliper"]]) == {shop["caliper"]: 1_000}  # not back on the sellable shelf
    quarantined = StockBalance.get((StockBalance.part == shop["caliper"])
                                   & (StockBalance.location == QUARANTINE_LOCATION_ID))
    assert quarantined.qty == 1_000
    line = CreditNoteLine.get(CreditNoteLine.credit_note == result.credit_note_id)
    assert (line.location_id, line.qty, line.total) == (QUARANTINE_LOCATION_ID, 1_000, 56_500)
    assert result.refunds == (Refund("cash", 56_500),)
    sound()


def test_past_the_window_a_manager_approves_and_it_is_audited(staff, shop):
    sale = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 2_000)], [Payment("cash", 22_600)])
    before = written()
    clock.set_clock(lambda: SOLD_AT + timedelta(days=31))  # the window is 30 days
    with pytest.raises(PermissionDenied) as refused:
        take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="warranty_refund")
    assert refused.value.permission == "counter.return_override"
    assert "31 days ago" in str(refused.value)
    assert written() == before
    approval = users.step_up(staff["cashier"], approver="manager", secret="1357",
                             permission="counter.return_override", reason="loyal customer, part unopened")
    result = take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="warranty_refund",
                         approval=approval)
    assert CreditNote.get_by_id(result.credit_note_id).approved_by_id == staff["manager"].user_id
    row = AuditLog.get(AuditLog.action == "sale.return")
    assert (row.approved_by_id, row.user_id, row.reason, row.object_id) == (
        staff["manager"].user_id, staff["cashier"].user_id, "Warranty: refund", result.number)
    assert '"days_after_sale": 31' in row.new_value
    take_return(staff["manager"], sale.number, [ReturnLine(1, 1_000)], reason="not_needed")  # a manager may
    sound()


def test_inside_the_window_a_cashier_needs_no_one_unless_the_value_is_above_the_setting(staff, shop, admin):
    sale = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 2_000)], [Payment("cash", 22_600)])
    clock.set_clock(lambda: SOLD_AT + timedelta(days=30))
    take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="not_needed")
    settings.set_value(admin, "counter.return_manager_above", 10_000)
    with pytest.raises(PermissionDenied, match="worth 113.00"):
        take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="not_needed")
    assert CreditNote.select().count() == 1


def test_the_credit_note_number_has_no_gap_after_a_failed_return(staff, shop, monkeypatch):
    sale = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 3_000)], [Payment("cash", 33_900)])
    take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="not_needed")
    before, on_hand = written(), stock.on_hand([shop["pads"]])

    def jammed(**_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(stock, "post_move", jammed)  # fails after the credit note and its number are written
    with pytest.raises(RuntimeError, match="disk full"):
        take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="not_needed")
    monkeypatch.undo()
    assert written() == before and stock.on_hand([shop["pads"]]) == on_hand
    assert take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)],
                       reason="not_needed").number == "CN-000002"
    sound()


def test_bad_input_names_every_problem_and_writes_nothing(staff, shop):
    sale = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 2_000)], [Payment("cash", 22_600)])
    before = written()
    with pytest.raises(ValidationError) as refused:
        take_return(staff["cashier"], sale.number, [ReturnLine(7, 1_000), ReturnLine(1, 0)], reason="bored")
    assert set(refused.value.problems) == {"reason", "lines.0.sale_line_no", "lines.1.qty"}
    assert "has no line 7" in refused.value.problems["lines.0.sale_line_no"]
    with pytest.raises(ValidationError) as refused:
        take_return(staff["cashier"], sale.number, [], reason="not_needed")
    assert set(refused.value.problems) == {"lines"}
    with pytest.raises(ValidationError) as refused:
        take_return(staff["cashier"], sale.number, [ReturnLine(1, 500), ReturnLine(1, 500)], reason="not_needed")
    assert set(refused.value.problems) == {"lines.1.sale_line_no"}
    with pytest.raises(UserError, match="no invoice or receipt RC-999999"):
        take_return(staff["cashier"], "RC-999999", [ReturnLine(1, 1_000)], reason="not_needed")
    with pytest.raises(PermissionDenied):
        take_return(staff["technician"], sale.number, [ReturnLine(1, 1_000)], reason="not_needed")
    assert written() == before
    sound()
