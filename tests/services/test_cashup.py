"""Cash-up on both engines: the X report's figures equal the day's documents, the Z claims each
document once and stores the report unchanged, Z numbers have no gap, anomalies are flagged and
never refuse, bad counted cash writes nothing, and a sale committed while a Z runs goes into the
next day."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from peewee import DatabaseError

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.tender import Payment
from partsdesk.models import (
    AccountEntry,
    AuditLog,
    CashEvent,
    CounterVoid,
    DocumentCounter,
    PrepaidEntry,
    Sale,
    ZReport,
    ZReportItem,
    database,
)
from partsdesk.services import accounts, audit, cashup, clock, membership
from partsdesk.services.cashup import VoidLine, close_day, record_cash_event, record_void, x_report
from partsdesk.services.returns import ReturnLine, take_return
from partsdesk.services.sales import LineRequest, commit_sale, price_cart
from tests.services.counter_shop import SOLD_AT, counter_shop


class Clock:
    """A clock that moves a minute on every reading, so documents keep their order."""

    def __init__(self) -> None:
        self.at = SOLD_AT

    def __call__(self):
        self.at += timedelta(minutes=1)
        return self.at


BACK_OFFICE = "BACK-OFFICE"


@pytest.fixture
def shop(staff, monkeypatch):
    """The counter shop; its member's 200.00 setup top-up was taken in the back office (another
    terminal), so this till's day starts empty."""
    monkeypatch.setattr(membership, "TERMINAL", BACK_OFFICE)
    made = counter_shop(staff, credit_limit="5000")
    monkeypatch.setattr(membership, "TERMINAL", audit.TERMINAL)
    clock.set_clock(Clock())
    return made


def sell_the_day(staff, shop) -> dict[str, int]:
    """The day of the test: a float, cash, card, on account, a mixed payment with a discount, a
    return refunded in cash, a payment on account in cash, a prepaid top-up in cash and one by
    card, a pay-out and a void."""
    cashier = staff["cashier"]
    record_cash_event(cashier, "float", "200.00")
    cash = commit_sale(cashier, [LineRequest(shop["pads"], 2_000)], [Payment("cash", 30_000)])
    commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("card", 11_300, reference="T-1")])
    view = price_cart(cashier, [LineRequest(shop["caliper"], 1_000)], customer_id=shop["fleet"])  # its tier's price
    account = commit_sale(cashier, [LineRequest(shop["caliper"], 1_000)], [Payment("on_account", view.total)],
                          customer_id=shop["fleet"])
    mixed = commit_sale(cashier, [LineRequest(shop["pads"], 1_000, discount_bp=1_000)],
                        [Payment("card", 5_000, reference="T-2"), Payment("cash", 10_000)])
    assert (cash.change, mixed.total, mixed.change) == (7_400, 10_170, 4_830)
    take_return(cashier, cash.number, [ReturnLine(1, 1_000)], reason="not_needed")
    accounts.take_payment(cashier, shop["fleet"], 10_000, method="cash")
    membership.top_up(cashier, shop["member"], "50.00", method="cash")
    membership.top_up(cashier, shop["member"], 3_000, method="card", reference="T-7")
    record_cash_event(cashier, "pay_out", "15.00", reason="window cleaner")
    record_void(cashier, "line", [VoidLine(shop["pads"], "Part BP-1", 1_000, 11_300)])
    return {"account_total": account.total, "account_tax": Sale.get_by_id(account.sale_id).tax}


def test_the_z_reports_figures_equal_the_days_documents(staff, shop):
    day = sell_the_day(staff, shop)
    cashier = staff["cashier"]
    x = x_report(cashier)
    assert (x.kind, x.number, x.terminal) == ("X", "", audit.TERMINAL)
    assert x.opening_float == 20_000
    assert x.sales_count == 4
    assert x.sales_total == 22_600 + 11_300 + day["account_total"] + 10_170
    assert [(m.method, m.count, m.amount) for m in x.sales_by_method] == [
        ("cash", 2, 22_600 + 5_170), ("card", 2, 11_300 + 5_000), ("on_account", 1, day["account_total"])]
    assert (x.refunds_count, x.refunds_total) == (1, 11_300)
    assert [(m.method, m.count, m.amount) for m in x.refunds_by_method] == [("cash", 1, 11_300)]
    assert (x.account_payments_count, x.account_payments_total) == (1, 10_000)
    assert [(m.method, m.label, m.amount) for m in x.account_payments_by_method] == [("cash", "Cash", 10_000)]
    assert (x.prepaid_top_ups_count, x.prepaid_top_ups_total, x.cash_prepaid_top_ups) == (2, 8_000, 5_000)
    assert [(m.method, m.label, m.count, m.amount) for m in x.prepaid_top_ups_by_method] == [
        ("cash", "Cash", 1, 5_000), ("card", "Bank card", 1, 3_000)]
    assert (x.paid_in, x.paid_out) == (0, 1_500)
    assert [(m.kind, m.amount, m.reason) for m in x.cash_moves] == [("float", 20_000, ""),
                                                                    ("pay_out", 1_500, "window cleaner")]
    assert (x.cash_sales, x.cash_refunds, x.cash_account_payments) == (27_770, 11_300, 10_000)
    assert x.expected_cash == 20_000 + 27_770 - 11_300 + 10_000 + 5_000 - 1_500 == 49_970
    assert (x.counted_cash, x.over_short) == (None, None)
    assert [(c.user, c.count, c.amount, c.approved) for c in x.discounts] == [("Cashier", 1, 1_130, 0)]
    assert [(c.user, c.count, c.amount) for c in x.voids] == [("Cashier", 1, 11_300)]
    assert [(d.series, d.first, d.last, d.count) for d in x.documents] == [
        ("CN", "CN-000001", "CN-000001", 1), ("INV", "INV-000001", "INV-000001", 1),
        ("PAY", "PAY-000001", "PAY-000001", 1), ("RC", "RC-000001", "RC-000003", 3)]
    assert sum(t.tax for t in x.tax_by_rate) == x.sales_tax - 1_300  # the returned pad's tax comes off
    assert {t.rate_bp for t in x.tax_by_rate} == {0, 1_300}  # the core deposit carries no tax
    assert x.anomalies == ()
    assert x.claimed == {"sale": 4, "credit_note": 1, "account_payment": 1, "prepaid_top_up": 2, "cash_event": 2,
                         "void": 1}
    assert ZReport.select().count() == 0  # an X closes nothing

    z = close_day(cashier, counted_cash="499.70", note="all good")
    assert (z.kind, z.number, z.counted_cash, z.over_short, z.over_short_message) == (
        "Z", "Z-000001", 49_970, 0, "Balanced.")
    assert (z.expected_cash, z.sales_by_method, z.documents, z.discounts, z.prepaid_top_ups_by_method) == (
        x.expected_cash, x.sales_by_method, x.documents, x.discounts, x.prepaid_top_ups_by_method)
    stored = ZReport.get(ZReport.number == "Z-000001")
    assert (stored.terminal, stored.opening_float, stored.expected_cash, stored.counted_cash, stored.over_short,
            stored.note) == (audit.TERMINAL, 20_000, 49_970, 49_970, 0, "all good")
    assert ZReportItem.select().where(ZReportItem.z_report == stored.id).count() == 11
    assert ZReportItem.select().where(ZReportItem.kind == "prepaid_top_up").count() == 2
    assert cashup.z_report("z-000001 ") == z  # read back exactly as it was closed
    assert AuditLog.get(AuditLog.action == "cash.close_day").object_id == "Z-000001"

    after = x_report(cashier)
    assert after.empty and after.sales_count == 0 and after.expected_cash == 0 and after.anomalies == ()
    assert (after.prepaid_top_ups_count, after.prepaid_top_ups_by_method, after.cash_prepaid_top_ups) == (0, (), 0)
    assert after.period_from == stored.closed_at

    late = commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    following = x_report(cashier)
    assert following.sales_count == 1 and following.cash_sales == 11_300
    second = close_day(cashier, counted_cash=11_300)
    assert second.number == "Z-000002" and second.documents[0].first == late.number
    assert "No opening float was recorded for this day." in second.anomalies
    assert cashup.z_report("Z-000001") == z  # the first day did not change
    assert [row.number for row in cashup.z_reports(cashier)] == ["Z-000002", "Z-000001"]


def test_z_numbers_have_no_gap_after_a_failure_inside_close_day(staff, shop, monkeypatch):
    cashier = staff["cashier"]
    commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    claim = cashup._claim

    def broken(z_id, claims):
        claim(z_id, claims)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(cashup, "_claim", broken)
    with pytest.raises(RuntimeError):
        close_day(cashier, counted_cash=11_300)
    assert ZReport.select().count() == 0 and ZReportItem.select().count() == 0
    assert not AuditLog.select().where(AuditLog.action == "cash.close_day").exists()
    monkeypatch.setattr(cashup, "_claim", claim)
    assert close_day(cashier, counted_cash=11_300).number == "Z-000001"
    assert close_day(cashier, counted_cash=0).number == "Z-000002"  # an empty day closes too


def test_a_closed_day_cannot_be_changed(staff, shop):
    commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    close_day(staff["cashier"], counted_cash=11_300)
    with pytest.raises(DatabaseError, match="append-only"), database.obj.atomic():
        ZReport.update(counted_cash=0, figures="{}").execute()
    with pytest.raises(DatabaseError, match="append-only"), database.obj.atomic():
        ZReportItem.delete().execute()
    with pytest.raises(DatabaseError, match="append-only"), database.obj.atomic():
        CashEvent.insert(terminal="x", at=SOLD_AT, kind="float", amount=1).execute()
        CashEvent.update(amount=2).execute()
    assert ZReport.get().counted_cash == 11_300 and ZReportItem.select().count() == 1


@pytest.mark.parametrize("counted, message", [("-5.00", "negative"), (-1, "negative"), ("abc", "Counted cash"),
                                              ("", "type an amount"), (None, "type an amount"),
                                              (True, "type an amount")])
def test_bad_counted_cash_is_refused_and_writes_nothing(staff, shop, counted, message):
    commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    counters = list(DocumentCounter.select().tuples())
    audits = AuditLog.select().count()
    with pytest.raises(ValidationError) as refused:
        close_day(staff["cashier"], counted_cash=counted)
    assert message in refused.value.problems["counted_cash"]
    assert ZReport.select().count() == 0 and ZReportItem.select().count() == 0
    assert list(DocumentCounter.select().tuples()) == counters and AuditLog.select().count() == audits


def test_cash_events_need_a_reason_for_pay_ins_and_outs_and_are_audited(staff, shop):
    cashier = staff["cashier"]
    with pytest.raises(ValidationError) as refused:
        record_cash_event(cashier, "pay_out", "20.00")
    assert "Say why" in refused.value.problems["reason"]
    with pytest.raises(ValidationError) as refused:
        record_cash_event(cashier, "pay_in", "-3", reason="bank")
    assert "negative" in refused.value.problems["amount"]
    with pytest.raises(ValidationError) as refused:
        record_cash_event(cashier, "tip", "3", reason="x")
    assert "kind" in refused.value.problems
    assert CashEvent.select().count() == 0
    event = record_cash_event(cashier, "pay_in", "50", reason="change from the bank")
    row = AuditLog.get(AuditLog.action == "cash.pay_in")
    assert (row.object_id, row.reason) == (str(event), "change from the bank")
    assert x_report(cashier).paid_in == 5_000


def test_voids_are_one_row_per_line_without_audit_and_bad_ones_write_nothing(staff, shop):
    cashier = staff["cashier"]
    audits = AuditLog.select().count()
    assert record_void(cashier, "cart", [VoidLine(shop["pads"], "Part BP-1", 2_000, 22_600),
                                         VoidLine(shop["caliper"], "Part CA-2", 1_000, 56_500)]) == 2
    assert AuditLog.select().count() == audits
    for kind, lines, field in (("cart", [], "lines"), ("nope", [VoidLine(None, "x", 1, 1)], "kind"),
                               ("line", [VoidLine(None, "x", 0, 1)], "lines.0.qty"),
                               ("line", [VoidLine(None, "x", 1, -1)], "lines.0.amount"),
                               ("line", [VoidLine(None, "a", 1, 1), VoidLine(None, "b", 1, 1)], "lines")):
        with pytest.raises(ValidationError) as refused:
            record_void(cashier, kind, lines)
        assert field in refused.value.problems
    assert CounterVoid.select().count() == 2
    assert [(v.user, v.count, v.amount) for v in x_report(cashier).voids] == [("Cashier", 2, 79_100)]


def test_anomalies_are_flagged_and_never_refuse_closing(staff, shop):
    cashier = staff["cashier"]
    commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    # a number lost between two receipts of the day (a series moved on by hand)
    DocumentCounter.update(next_number=DocumentCounter.next_number + 1).where(
        DocumentCounter.series == "receipt").execute()
    commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    record_cash_event(cashier, "pay_out", "500.00", reason="supplier paid in cash")
    x = x_report(cashier)
    assert x.expected_cash == 22_600 - 50_000
    text = "\n".join(x.anomalies)
    assert "1 number(s) missing between RC-000001 and RC-000003 (RC-000002)" in text
    assert "No opening float" in text and "Expected cash is below zero" in text
    z = close_day(cashier, counted_cash=0)  # flagged, closed all the same
    assert z.over_short == 27_400 and "Over by 274.00: more than the 5.00 tolerance" in "\n".join(z.anomalies)

    # a PC whose clock went back: a sale stamped before the Z it follows
    clock.set_clock(lambda: z.period_to - timedelta(hours=1))
    commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    clock.set_clock(Clock())
    following = x_report(cashier)
    assert following.sales_count == 1
    assert any("dated before the previous Z report Z-000001" in a for a in following.anomalies)


def test_another_terminals_documents_stay_out_and_a_number_taken_there_is_no_gap(staff, shop, monkeypatch):
    cashier = staff["cashier"]
    commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    from partsdesk.services import sales

    monkeypatch.setattr(sales, "TERMINAL", "COUNTER-2")
    commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    monkeypatch.undo()
    commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    here = x_report(cashier)
    assert here.sales_count == 2 and here.documents[0].first == "RC-000001" and here.documents[0].last == "RC-000003"
    assert not any("missing" in a for a in here.anomalies)
    there = x_report(cashier, terminal="COUNTER-2")
    assert there.sales_count == 1 and there.documents[0].first == "RC-000002"
    close_day(cashier, counted_cash=22_600)
    assert x_report(cashier, terminal="COUNTER-2").sales_count == 1  # closing one till leaves the other's day


def test_payments_on_account_remember_their_terminal(staff, shop):
    accounts.take_payment(staff["cashier"], shop["fleet"], 2_000, method="card", reference="T-9")
    entry = AccountEntry.get(AccountEntry.kind == "payment")
    assert entry.terminal == audit.TERMINAL
    assert [(m.label, m.amount) for m in x_report(staff["cashier"]).account_payments_by_method] == [
        ("Bank card", 2_000)]


def test_prepaid_top_ups_at_this_till_are_in_its_cash_up_and_others_stay_out(staff, shop):
    cashier = staff["cashier"]
    membership.top_up(cashier, shop["member"], "40.00", method="cash")
    membership.top_up(cashier, shop["member"], 2_500, method="card", reference="T-3")
    with database.obj.atomic():  # a top-up another till took, and one from before schema 7 (no terminal)
        for terminal in ("other", ""):
            PrepaidEntry.insert(customer=shop["member"], at=clock.now(), kind="top_up", amount=9_900,
                                method="cash", user=cashier.user_id, terminal=terminal).execute()
    commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("prepaid", 11_300)],
                customer_id=shop["member"])  # paid from prepaid: a sale's payment, not money in
    x = x_report(cashier)
    assert (x.prepaid_top_ups_count, x.prepaid_top_ups_total, x.cash_prepaid_top_ups) == (2, 6_500, 4_000)
    assert [(m.method, m.count, m.amount) for m in x.prepaid_top_ups_by_method] == [("cash", 1, 4_000),
                                                                                     ("card", 1, 2_500)]
    assert x.expected_cash == 4_000 and x.claimed["prepaid_top_up"] == 2
    assert "No opening float was recorded for this day." in x.anomalies
    back_office = x_report(cashier, terminal=BACK_OFFICE)  # the shop's setup top-up is the back office's
    assert (back_office.prepaid_top_ups_count, back_office.cash_prepaid_top_ups, back_office.expected_cash) == (
        1, 20_000, 20_000)

    z = close_day(cashier, counted_cash="40.00")
    assert (z.prepaid_top_ups_total, z.expected_cash, z.over_short) == (6_500, 4_000, 0)
    claimed = {ref for (ref,) in ZReportItem.select(ZReportItem.ref_id).where(ZReportItem.kind == "prepaid_top_up")
               .tuples()}
    assert claimed == {e.id for e in PrepaidEntry.select().where((PrepaidEntry.terminal == audit.TERMINAL)
                                                                 & (PrepaidEntry.kind == "top_up"))}
    assert len(claimed) == 2
    assert cashup.z_report(z.number) == z  # the new figures survive the stored JSON
    after = x_report(cashier)
    assert after.empty and after.prepaid_top_ups_count == 0 and after.expected_cash == 0
    assert x_report(cashier, terminal="other").prepaid_top_ups_total == 9_900  # still that till's to close


def test_a_z_stored_before_prepaid_top_ups_were_counted_reads_back(staff, shop):
    import json

    membership.top_up(staff["cashier"], shop["member"], "40.00", method="cash")
    z = close_day(staff["cashier"], counted_cash="40.00")
    old = json.loads(z.to_json())
    for name in ("prepaid_top_ups_count", "prepaid_top_ups_total", "prepaid_top_ups_by_method",
                 "cash_prepaid_top_ups"):
        del old[name]
    del old["claimed"]["prepaid_top_up"]
    read = cashup.CashUpReport.from_json(json.dumps(old))
    assert (read.prepaid_top_ups_count, read.prepaid_top_ups_total, read.prepaid_top_ups_by_method,
            read.cash_prepaid_top_ups) == (0, 0, (), 0)
    assert (read.number, read.expected_cash, read.sales_by_method) == (z.number, 4_000, z.sales_by_method)


def test_who_may_cash_up(staff, shop):
    for role in ("cashier", "manager", "admin"):
        x_report(staff[role])
    for role in ("service_advisor", "technician", "storekeeper"):
        with pytest.raises(PermissionDenied):
            x_report(staff[role])
        with pytest.raises(PermissionDenied):
            close_day(staff[role], counted_cash=0)
        with pytest.raises(PermissionDenied):
            record_cash_event(staff[role], "float", 100)
    with pytest.raises(UserError, match="There is no Z report Z-000009"):
        cashup.z_report("Z-000009")


def test_a_sale_committed_while_the_z_runs_goes_into_the_next_day(staff, shop, monkeypatch):
    cashier = staff["cashier"]
    commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    claim = cashup._claim
    outcome: dict[str, object] = {}

    def sell() -> None:
        try:
            outcome["sale"] = commit_sale(cashier, [LineRequest(shop["pads"], 1_000)], [Payment("card", 11_300,
                                                                                               reference="T-5")])
        except Exception as error:  # reported to the test below
            outcome["error"] = error
        finally:
            database.obj.close()

    seller = threading.Thread(target=sell)

    def claim_while_selling(z_id, claims):
        seller.start()
        seller.join(timeout=1.0)
        outcome["waited"] = seller.is_alive()  # the sale queues behind the Z's write lock
        claim(z_id, claims)

    monkeypatch.setattr(cashup, "_claim", claim_while_selling)
    z = close_day(cashier, counted_cash=11_300)
    seller.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["waited"] is True
    assert z.sales_count == 1
    following = x_report(cashier)
    assert following.sales_count == 1 and following.documents[0].first == outcome["sale"].number
    assert ZReportItem.select().where(ZReportItem.kind == "sale").count() == 1


def test_the_x_report_prints_every_figure_on_the_roll_and_a_chinese_name_reads_back(staff, shop, tmp_path):
    import re
    import subprocess

    from partsdesk.printing.cash_up import write_a4, write_roll
    from partsdesk.services import users

    users.add_user(staff["admin"], username="wang", display_name="王芳", role="cashier", pin="2468")
    wang = users.switch_user("wang", "2468")
    sell_the_day({**staff, "cashier": wang}, shop)
    report = x_report(wang)
    roll, a4 = tmp_path / "x.pdf", tmp_path / "x-a4.pdf"
    write_roll(report, roll, copy=True)  # an X is never a reprint: no COPY
    write_a4(report, a4)
    for path in (roll, a4):
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout
        assert "X REPORT — not a closing" in text and "COPY" not in text and "王芳" in text
        for pattern in (r"Sales \(4\)", r"Cash \(2\)\s+277\.70", r"Card \(2\)\s+163\.00", r"Refunds \(1\)\s+113\.00",
                        r"Payments on account \(1\)\s+100\.00", r"Opening float\s+200\.00", r"Paid out\s+−15\.00",
                        r"Prepaid top-ups \(2\)\s+80\.00", r"Cash \(1\)\s+50\.00", r"Bank card \(1\)\s+30\.00",
                        r"Cash prepaid top-ups\s+50\.00", r"Expected cash\s+499\.70", r"王芳\s+1\s+0\s+11\.30", r"Receipts\s+RC-000001\s+RC-000003\s+3",
                        r"13 %", r"Paid out, 王芳: window\s", "Anomalies: none."):
            assert re.search(pattern, text), (pattern, path.name)
        assert "Counted cash" not in text  # an X has no count
    info = subprocess.run(["pdfinfo", str(roll)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+1\b", info) and re.search(r"Page size:\s+226\.77\d* x", info)  # one 80 mm page
