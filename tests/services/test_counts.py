"""Stock counts on a real database: the count rule (a difference, never an absolute), counters on
their own lines, undo as a logged reverse, unknown barcodes, the uncounted-parts choice, recounts,
posting once, and the ledger proof afterwards."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.permissions import SYSTEM
from partsdesk.domain.tender import Payment
from partsdesk.models import (
    AuditLog,
    CountLine,
    CountScan,
    CountSession,
    PartBarcode,
    StockBalance,
    StockMove,
    database,
    transaction,
)
from partsdesk.printing.count_sheet import write_count_sheet, write_variance_report
from partsdesk.services import catalog, check, clock, counts, settings, stock, users
from partsdesk.services.counts import CountScope
from partsdesk.services.sales import LineRequest, commit_sale
from tests.services.counter_shop import SOLD_AT, counter_shop

PADS_CODE = "4006381333931"  # a valid EAN-13
CALIPER_CODE = "CA2-SHOP"
STRAY_CODE = "96385074"  # a valid EAN-8 no part has


class Clock:
    """A clock the test moves: each scan happens a second after the last unless told otherwise."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def tick(self, seconds: float = 1.0) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def shop(staff):
    made = counter_shop(staff, credit_limit="5000.00")
    catalog.add_barcode(staff["manager"], made["pads"], PADS_CODE)
    catalog.add_barcode(staff["manager"], made["caliper"], CALIPER_CODE)
    tick = Clock(SOLD_AT)
    clock.set_clock(tick)
    made["clock"] = tick
    return made


def _balance(part_id: int) -> int:
    return stock.on_hand([part_id])[part_id]


def _scan(actor, number, code, times=1, **extra):
    results = []
    for _ in range(times):
        results.append(counts.scan(actor, number, code, **extra))
        clock_now = clock.now()
        clock.set_clock(_after(clock_now))
    return results


def _after(moment: datetime):
    moved = moment + timedelta(seconds=1)
    return lambda: moved


def _writes() -> tuple:
    """Everything a refused call must leave as it was."""
    return (CountSession.select().count(), CountLine.select().count(), CountScan.select().count(),
            StockMove.select().count(), AuditLog.select().count(),
            [(s.number, s.status) for s in CountSession.select().order_by(CountSession.id)],
            sorted(CountLine.select(CountLine.id, CountLine.qty, CountLine.state).tuples()),
            sorted(StockBalance.select(StockBalance.part, StockBalance.qty).tuples()))


def test_a_sale_during_the_count_stays_sold(staff, shop):
    """Counted 8 with 10 on the book, 3 sold between the scan and the posting: the shelf ends at 5."""
    keeper, manager = staff["storekeeper"], staff["manager"]
    number = counts.start_session(keeper, CountScope("all"))
    assert number == "CNT-000001"
    assert counts.set_qty(keeper, number, shop["pads"], 8_000) == 8_000
    commit_sale(staff["cashier"], [LineRequest(shop["pads"], 3_000)], [Payment("cash", 50_000)])
    assert _balance(shop["pads"]) == 7_000
    counts.set_qty(keeper, number, shop["caliper"], 2_000)
    counts.finish(keeper, number, "leave")

    seen = {line.part_id: line for line in counts.review(manager, number).lines}
    pads = seen[shop["pads"]]
    assert (pads.counted, pads.book, pads.difference, pads.moves_since, pads.sold_since) == (8_000, 10_000, -2_000,
                                                                                            -3_000, 3_000)
    assert pads.value == -12_000 and pads.after_posting == 5_000  # 2 pads at 60.00 cost
    result = counts.approve_and_post(manager, number)

    assert _balance(shop["pads"]) == 5_000 and _balance(shop["caliper"]) == 2_000
    assert result.moves == 1 and [line.part_id for line in result.sold_lines] == [shop["pads"]]
    move = StockMove.select().order_by(StockMove.seq.desc()).first()
    assert (move.qty, move.reason, move.document, move.unit_cost) == (-2_000, "count", number, 6_000)
    assert CountSession.get(CountSession.number == number).status == "posted"
    assert all(r.ok for r in check.run_checks()), [r.describe() for r in check.run_checks() if not r.ok]
    posted = AuditLog.select().where(AuditLog.action == "count.post").get()
    assert posted.object_id == number and '"moves": 1' in posted.new_value
    # the posted count's review stays the same: its own posting is not a "move since"
    again = {line.part_id: line for line in counts.review(manager, number).lines}[shop["pads"]]
    assert (again.difference, again.moves_since) == (-2_000, -3_000)


def test_two_counters_counting_the_same_part_add_up(staff, shop):
    keeper, manager = staff["storekeeper"], staff["manager"]
    number = counts.start_session(keeper, CountScope("all"))
    first = _scan(keeper, number, PADS_CODE, times=4)
    second = _scan(manager, number, PADS_CODE, times=3)
    assert [r.outcome for r in first] == ["new_line", "added", "added", "added"]
    assert second[0].outcome == "new_line" and second[-1].line_qty == 3_000  # the manager's own line
    assert first[-1].line_qty == 4_000
    assert CountLine.select().where(CountLine.part == shop["pads"]).count() == 2
    counts.finish(keeper, number, "leave")
    pads = next(line for line in counts.review(manager, number).lines if line.part_id == shop["pads"])
    assert pads.counted == 7_000 and pads.book == 10_000 and set(pads.counters) == {"Storekeeper", "Manager"}


def test_leave_or_zero_the_parts_nobody_counted(staff, shop):
    keeper, manager = staff["storekeeper"], staff["manager"]
    leave = counts.start_session(keeper)
    counts.set_qty(keeper, leave, shop["pads"], 10_000)
    preview = counts.uncounted_preview(keeper, leave)
    assert (preview.parts, preview.qty, preview.value) == (1, 2_000, 60_000)  # 2 calipers at 300.00
    assert counts.finish(keeper, leave, "leave") == preview
    lines = {line.part_id: line for line in counts.review(manager, leave).lines}
    assert shop["caliper"] not in lines  # not counted: no line at all
    counts.approve_and_post(manager, leave)
    assert _balance(shop["caliper"]) == 2_000

    zero = counts.start_session(keeper)
    counts.set_qty(keeper, zero, shop["pads"], 0)  # counted, none there: a line of 0
    assert counts.uncounted_preview(keeper, zero).parts == 1
    counts.finish(keeper, zero, "zero")
    lines = {line.part_id: line for line in counts.review(manager, zero).lines}
    assert lines[shop["pads"]].state == "counted" and lines[shop["pads"]].counted == 0
    assert lines[shop["caliper"]].state == "zeroed" and lines[shop["caliper"]].book == 2_000
    assert CountSession.get(CountSession.number == zero).uncounted == "zero"
    counts.approve_and_post(manager, zero)
    assert _balance(shop["pads"]) == 0 and _balance(shop["caliper"]) == 0
    assert all(r.ok for r in check.run_checks())

    with pytest.raises(ValidationError, match="parts nobody counted"):
        counts.finish(keeper, counts.start_session(keeper), "forget")


def test_out_of_tolerance_lines_are_recounted_in_a_new_round(staff, shop):
    keeper, manager = staff["storekeeper"], staff["manager"]
    assert counts.tolerances() == {"A": 0, "B": 200, "C": 500}
    number = counts.start_session(keeper)
    counts.set_qty(keeper, number, shop["pads"], 7_000)  # 30 % short: out of class C's 5 %
    counts.set_qty(keeper, number, shop["caliper"], 2_000)
    counts.finish(keeper, number, "leave")
    with pytest.raises(UserError, match="only the parts sent for a recount"):
        counts.scan(keeper, number, PADS_CODE)
    seen = counts.review(manager, number)
    assert [line.part_id for line in seen.out_of_tolerance] == [shop["pads"]]
    assert seen.unclassed and seen.lines[0].abc_class == "C"
    assert seen.accuracy["C"].lines == 2 and seen.accuracy["C"].within == 1 and seen.accuracy["C"].accuracy_bp == 5_000

    assert counts.request_recount(manager, number) == 1
    assert counts.review(manager, number).pending_recounts[0].part_id == shop["pads"]
    with pytest.raises(UserError, match="wait for a recount"):
        counts.approve_and_post(manager, number)
    with pytest.raises(UserError, match="only the parts sent for a recount"):
        counts.scan(keeper, number, CALIPER_CODE)

    commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000)], [Payment("cash", 20_000)])
    answer = _scan(keeper, number, PADS_CODE, times=9)  # the recount: round 2, a fresh book of 9
    assert answer[0].outcome == "new_line" and answer[-1].line_qty == 9_000
    pads = next(line for line in counts.review(manager, number).lines if line.part_id == shop["pads"])
    assert (pads.state, pads.round, pads.counted, pads.book, pads.difference) == ("recounted", 2, 9_000, 9_000, 0)
    assert CountLine.select().where(CountLine.part == shop["pads"], CountLine.state == "recount").count() == 1
    assert counts.approve_and_post(manager, number).moves == 0
    assert _balance(shop["pads"]) == 9_000


def test_undo_is_a_logged_reverse_of_the_counters_own_last_scan(staff, shop):
    keeper, manager = staff["storekeeper"], staff["manager"]
    number = counts.start_session(keeper)
    _scan(keeper, number, PADS_CODE, times=3)
    _scan(manager, number, PADS_CODE)
    counts.scan(keeper, number, PADS_CODE, qty=6_000)  # a pack of six with the quantity key
    undone = counts.undo_last(keeper, number)
    assert (undone.delta, undone.line_qty, undone.part_number) == (6_000, 3_000, "BP-1")
    assert counts.undo_last(keeper, number).line_qty == 2_000  # Ctrl+Z again: the scan before
    mine = counts.counter_lines(keeper, number)
    assert [(line.part_id, line.qty) for line in mine] == [(shop["pads"], 2_000)]
    assert [line.qty for line in counts.counter_lines(manager, number)] == [1_000]  # the other counter's untouched
    kinds = [kind for (kind,) in CountScan.select(CountScan.kind).order_by(CountScan.id).tuples()]
    assert kinds == ["scan", "scan", "scan", "scan", "qty", "undo", "undo"]
    counts.set_qty(keeper, number, shop["pads"], 12_000)
    assert counts.undo_last(keeper, number).line_qty == 2_000  # a typed count is taken back too
    counts.undo_last(keeper, number)
    counts.undo_last(keeper, number)
    with pytest.raises(UserError, match="Nothing of yours to undo"):
        counts.undo_last(keeper, number)
    assert counts.counter_lines(keeper, number)[0].qty == 0  # the line stays, counted zero
    with pytest.raises(Exception, match="append-only"), transaction():  # the log is never rewritten
        database.obj.execute_sql("DELETE FROM count_scan")
    with pytest.raises(Exception, match="append-only"), transaction():
        database.obj.execute_sql("UPDATE count_line SET book_qty = 0")


def test_an_unknown_barcode_is_kept_and_linked_in_one_step(staff, shop):
    keeper, manager = staff["storekeeper"], staff["manager"]
    number = counts.start_session(keeper)
    first = counts.scan(keeper, number, STRAY_CODE)
    assert first.outcome == "unknown" and first.part_id is None and "Unknown barcode" in first.message
    clock.set_clock(_after(clock.now()))
    _scan(keeper, number, STRAY_CODE, times=2)
    _scan(manager, number, STRAY_CODE)
    assert [(u.code, u.qty) for u in counts.unknown_codes(keeper, number)] == [(STRAY_CODE, 4_000)]
    assert counts.link_unknown(keeper, number, STRAY_CODE, shop["caliper"]) == 4_000
    assert counts.unknown_codes(keeper, number) == []
    assert PartBarcode.get(PartBarcode.code == STRAY_CODE).part_id == shop["caliper"]
    assert counts.scan(keeper, number, STRAY_CODE).outcome in ("added", "double")  # now a known code
    assert [line.qty for line in counts.counter_lines(keeper, number)] == [4_000]
    assert [line.qty for line in counts.counter_lines(manager, number)] == [1_000]
    # a code left unknown is listed in the review and on the report, never posted
    counts.scan(keeper, number, "NOSUCH-1")
    counts.finish(keeper, number, "leave")
    seen = counts.review(manager, number)
    assert [u.code for u in seen.unknown] == ["NOSUCH-1"]
    with pytest.raises(ValidationError, match="already belongs"):
        catalog.add_barcode(manager, shop["pads"], STRAY_CODE)


def test_the_same_code_again_at_once_is_flagged_as_a_double_scan(staff, shop):
    keeper = staff["storekeeper"]
    number = counts.start_session(keeper)
    tick = Clock(SOLD_AT)
    clock.set_clock(tick)
    assert counts.scan(keeper, number, PADS_CODE).outcome == "new_line"
    tick.tick(0.2)
    twice = counts.scan(keeper, number, PADS_CODE)
    assert twice.outcome == "double" and twice.line_qty == 2_000 and "Ctrl+Z" in twice.message
    tick.tick(1.0)
    assert counts.scan(keeper, number, PADS_CODE).outcome == "added"
    tick.tick(0.1)
    assert counts.scan(staff["manager"], number, PADS_CODE).outcome == "new_line"  # another counter: no doubt
    settings.set_value(staff["manager"], "counts.double_scan_ms", 0)
    tick.tick(0.0)
    assert counts.scan(keeper, number, PADS_CODE).outcome == "added"


def test_a_blind_count_hides_the_book_from_the_counter(staff, shop):
    keeper, manager = staff["storekeeper"], staff["manager"]
    blind = counts.start_session(keeper)
    counts.set_qty(keeper, blind, shop["pads"], 4_000)
    assert [line.book for line in counts.counter_lines(keeper, blind)] == [None]
    assert counts.counter_lines(manager, blind) == []  # each counter sees their own lines
    counts.set_qty(manager, blind, shop["pads"], 1_000)
    assert [line.book for line in counts.counter_lines(manager, blind)] == [10_000]
    with pytest.raises(PermissionDenied):
        counts.review(keeper, blind)  # no peeking at the variances while counting
    assert counts.count_sheet(keeper, blind).with_book is False
    assert all(line.book is None for line in counts.count_sheet(keeper, blind).lines)
    with pytest.raises(PermissionDenied):
        counts.count_sheet(keeper, blind, with_book=True)
    open_count = counts.start_session(keeper, blind=False)
    counts.set_qty(keeper, open_count, shop["pads"], 4_000)
    assert [line.book for line in counts.counter_lines(keeper, open_count)] == [10_000]
    assert {line.book for line in counts.count_sheet(keeper, open_count).lines} == {10_000, 2_000}


def test_bad_input_gets_a_clear_message_and_writes_nothing(staff, shop):
    keeper, manager, cashier = staff["storekeeper"], staff["manager"], staff["cashier"]
    number = counts.start_session(keeper)
    counts.set_qty(keeper, number, shop["pads"], 9_000)
    before = _writes()
    for call, error, text in [
        (lambda: counts.scan(keeper, "CNT-999999", PADS_CODE), UserError, "no stock count CNT-999999"),
        (lambda: counts.set_qty(keeper, number, shop["pads"], -1_000), ValidationError, "below zero"),
        (lambda: counts.scan(keeper, number, PADS_CODE, qty=-1_000), ValidationError, "below zero"),
        (lambda: counts.scan(keeper, number, "bad code with spaces"), ValidationError, "cannot be a barcode"),
        (lambda: counts.scan(keeper, number, "4006381333932"), ValidationError, "check digit"),
        (lambda: counts.scan(cashier, number, PADS_CODE), PermissionDenied, "may not count stock"),
        (lambda: counts.scan(SYSTEM, number, PADS_CODE), UserError, "log in as yourself"),
        (lambda: counts.approve_and_post(manager, number), UserError, "still open"),
        (lambda: counts.start_session(keeper, CountScope("bins", ())), ValidationError, "Choose at least one"),
        (lambda: counts.start_session(keeper, CountScope("parts", (999_999,))), ValidationError, "No such part"),
        (lambda: counts.start_session(keeper, CountScope("categories", ("nope",))), ValidationError, "No such category"),
        (lambda: counts.start_session(keeper, CountScope("abc", ("D",))), ValidationError, "A, B and C"),
        (lambda: counts.link_unknown(keeper, number, STRAY_CODE, shop["pads"]), UserError, "not waiting as unknown"),
        (lambda: counts.undo_last(manager, number), UserError, "Nothing of yours"),
    ]:
        with pytest.raises(error, match=text):
            call()
        assert _writes() == before, text
    counts.finish(keeper, number, "leave")
    before = _writes()
    with pytest.raises(PermissionDenied, match="approve and post a stock count"):
        counts.approve_and_post(keeper, number)  # a storekeeper may not post unapproved
    with pytest.raises(UserError, match="not open"):
        counts.finish(keeper, number, "zero")
    assert _writes() == before
    counts.approve_and_post(manager, number)
    before = _writes()
    with pytest.raises(UserError, match="already posted"):
        counts.approve_and_post(manager, number)
    with pytest.raises(UserError, match="posted: nothing more can be counted"):
        counts.scan(keeper, number, PADS_CODE)
    assert _writes() == before
    # a storekeeper's posting with a manager's approval goes through, naming the approver
    other = counts.start_session(keeper)
    counts.finish(keeper, other, "leave")
    approval = users.step_up(keeper, approver="manager", secret="manager-pass-1", permission="stock.count_approve",
                             reason="month-end count")
    assert counts.approve_and_post(keeper, other, approval=approval).moves == 0


def test_scope_limits_the_sheet_and_the_uncounted_parts(staff, shop):
    keeper = staff["storekeeper"]
    number = counts.start_session(keeper, CountScope("parts", (shop["caliper"],)))
    assert [line.part_id for line in counts.count_sheet(keeper, number).lines] == [shop["caliper"]]
    assert counts.uncounted_preview(keeper, number).parts == 1
    category = counts.start_session(keeper, CountScope("categories", ("brakes",)))  # the parent takes its children
    assert len(counts.count_sheet(keeper, category).lines) == 2
    assert counts.count_sheet(keeper, counts.start_session(keeper, CountScope("abc", ("A",)))).lines == ()
    assert len(counts.count_sheet(keeper, counts.start_session(keeper, CountScope("abc", ("C",)))).lines) == 2


def test_the_batch_posting_keeps_the_ledger_proof(staff, shop):
    with transaction():
        written = stock.post_moves([(shop["pads"], 1, -1_000, 6_000), (shop["pads"], 1, 3_000, 6_000),
                                    (shop["caliper"], 2, 1_000, 30_000)], reason="count", document="CNT-X",
                                   user_id=None)
    assert written == 3
    assert _balance(shop["pads"]) == 12_000
    assert stock.on_hand([shop["caliper"]], sellable_only=False)[shop["caliper"]] == 3_000
    assert all(r.ok for r in check.run_checks())
    with pytest.raises(RuntimeError, match="inside the transaction"):
        stock.post_moves([(shop["pads"], 1, 1_000, 0)], reason="count", document="CNT-X", user_id=None)


def test_count_sheet_and_variance_report_print(staff, shop, tmp_path):
    keeper, manager = staff["storekeeper"], staff["manager"]
    number = counts.start_session(keeper, note="Aisle B")
    counts.set_qty(keeper, number, shop["pads"], 8_000)
    commit_sale(staff["cashier"], [LineRequest(shop["pads"], 3_000)], [Payment("cash", 50_000)])
    counts.scan(keeper, number, "NOSUCH-7")
    counts.finish(keeper, number, "leave")
    blind_sheet = tmp_path / "blind.pdf"
    write_count_sheet(counts.count_sheet(keeper, number), blind_sheet)
    text = subprocess.run(["pdftotext", "-layout", str(blind_sheet), "-"], capture_output=True, text=True).stdout
    assert "Count sheet" in text and number in text and "BP-1" in text and "CA-2" in text and "Blind" in text
    assert "7" not in text.split("BP-1", 1)[1].split("\n", 1)[0]  # no book quantity on the pads' row
    book_sheet = tmp_path / "book.pdf"
    write_count_sheet(counts.count_sheet(manager, number, with_book=True), book_sheet)
    text = subprocess.run(["pdftotext", "-layout", str(book_sheet), "-"], capture_output=True, text=True).stdout
    assert "Book" in text and "7" in text.split("BP-1", 1)[1].split("\n", 1)[0]  # the book now: 10 less 3 sold

    report = tmp_path / "variance.pdf"
    write_variance_report(counts.review(manager, number), report)
    text = subprocess.run(["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True).stdout
    assert "Variance report" in text and number in text
    assert "-2" in text and "-120.00" in text  # 2 pads short, worth 120.00 at cost
    assert "Sold during the count" in text and "NOSUCH-7" in text and "class C" in text


def test_a_cancelled_count_keeps_its_lines_and_takes_no_more(staff, shop):
    keeper, manager = staff["storekeeper"], staff["manager"]
    number = counts.start_session(keeper, CountScope("bins", ("A-1",)), note="wrong aisle")
    counts.set_qty(keeper, number, shop["pads"], 3_000)  # a part outside the scope is still counted where found
    assert [s.number for s in counts.list_sessions(keeper)] == [number]
    with pytest.raises(ValidationError, match="Say why"):
        counts.cancel(manager, number, reason=" ")
    with pytest.raises(PermissionDenied):
        counts.cancel(keeper, number, reason="wrong aisle")
    counts.cancel(manager, number, reason="wrong aisle")
    assert counts.session_summary(keeper, number).status == "cancelled"
    assert counts.list_sessions(keeper) == [] and CountLine.select().count() == 1
    with pytest.raises(UserError, match="cancelled: nothing more can be counted"):
        counts.scan(keeper, number, PADS_CODE)
    with pytest.raises(UserError, match="cannot be posted"):
        counts.approve_and_post(manager, number)
    assert _balance(shop["pads"]) == 10_000
