"""Stock adjustments on a real database: a reason is mandatory, a manager steps up above the set
value, damaged stock goes to quarantine and comes back repaired or goes out scrapped, every one
audited and on the ledger, and the shrinkage report adds them up by reason and month."""

from __future__ import annotations

import subprocess
from datetime import date, datetime

import pytest

from partsdesk.domain.errors import PermissionDenied, ValidationError
from partsdesk.models import AuditLog, DocumentCounter, StockAdjustment, StockBalance, StockMove
from partsdesk.models.stock import MAIN_LOCATION_ID, QUARANTINE_LOCATION_ID
from partsdesk.printing.shrinkage import write_shrinkage_report
from partsdesk.services import adjustments, check, clock, settings, users
from tests.services.counter_shop import counter_shop


@pytest.fixture
def shop(staff):
    """Brake pads: 10 at 60.00 cost; a caliper: 2 at 300.00 (counter_shop)."""
    return counter_shop(staff, credit_limit="5000.00")


def _at(part_id: int, location_id: int = MAIN_LOCATION_ID) -> int:
    row = (StockBalance.select(StockBalance.qty)
           .where(StockBalance.part == part_id, StockBalance.location == location_id).tuples().first())
    return row[0] if row else 0


def _writes() -> tuple:
    """Everything a refused call must leave as it was."""
    return (StockAdjustment.select().count(), StockMove.select().count(), AuditLog.select().count(),
            sorted(DocumentCounter.select(DocumentCounter.series, DocumentCounter.next_number).tuples()),
            sorted(StockBalance.select(StockBalance.part, StockBalance.location, StockBalance.qty).tuples()))


def test_bad_input_gets_a_clear_message_and_writes_nothing(staff, shop):
    keeper, cashier = staff["storekeeper"], staff["cashier"]
    pads = shop["pads"]
    before = _writes()
    cases = [
        (lambda: adjustments.adjust(keeper, pads, -1000, ""), ValidationError, "Choose a reason"),
        (lambda: adjustments.adjust(keeper, pads, -1000, "mislaid"), ValidationError, "not a reason"),
        (lambda: adjustments.adjust(keeper, pads, 1000, "theft_or_loss"), ValidationError, "negative"),
        (lambda: adjustments.adjust(keeper, pads, -1000, "found"), ValidationError, "positive"),
        (lambda: adjustments.adjust(keeper, pads, 0, "process_error"), ValidationError, "other than zero"),
        (lambda: adjustments.adjust(keeper, pads, "2", "found"), ValidationError, "whole number"),
        (lambda: adjustments.adjust(keeper, pads, -11_000, "theft_or_loss"), ValidationError, "Only 10 of BP-1"),
        (lambda: adjustments.adjust(keeper, 99_999, 1000, "found"), ValidationError, "No such part"),
        (lambda: adjustments.adjust(keeper, pads, 1000, "found", "x" * 201), ValidationError, "at most 200"),
        (lambda: adjustments.adjust(keeper, pads, 1000, "found", location_id=77), ValidationError, "No such stock"),
        (lambda: adjustments.adjust(keeper, pads, -1000, "damage", location_id=QUARANTINE_LOCATION_ID),
         ValidationError, "in quarantine already"),
        (lambda: adjustments.adjust(cashier, pads, 1000, "found"), PermissionDenied, "may not adjust stock"),
        (lambda: adjustments.release_from_quarantine(keeper, pads, 1000, "stock"), ValidationError,
         "Only 0 of BP-1 is in quarantine"),
        (lambda: adjustments.release_from_quarantine(keeper, pads, 1000, "bin"), ValidationError, "repaired"),
        (lambda: adjustments.release_from_quarantine(keeper, pads, -1000, "scrap"), ValidationError, "above zero"),
        (lambda: adjustments.shrinkage_report(keeper, date(2026, 11, 30), date(2026, 11, 1)), ValidationError,
         "on or after"),
        (lambda: adjustments.shrinkage_report(cashier, date(2026, 11, 1), date(2026, 11, 30)), PermissionDenied,
         "cost prices"),
    ]
    for call, error, words in cases:
        with pytest.raises(error, match=words):
            call()
        assert _writes() == before, words
    with pytest.raises(ValidationError) as caught:
        adjustments.adjust(keeper, pads, 1000, "")
    assert set(caught.value.problems) == {"reason"}


def test_an_adjustment_is_numbered_on_the_ledger_and_audited(staff, shop):
    keeper = staff["storekeeper"]
    done = adjustments.adjust(keeper, shop["pads"], 2_000, "found", "  behind the  shelf ")
    assert (done.number, done.qty, done.value, done.loss_class, done.approved_by) == ("ADJ-000001", 2_000, 12_000,
                                                                                      "normal", "")
    assert _at(shop["pads"]) == 12_000
    move = StockMove.get(StockMove.document == "ADJ-000001")
    assert (move.reason, move.qty, move.unit_cost, move.user_id) == ("adjust", 2_000, 6_000, keeper.user_id)
    row = StockAdjustment.get(StockAdjustment.number == "ADJ-000001")
    assert (row.reason, row.note, row.to_location_id, row.user_id) == ("found", "behind the shelf", None,
                                                                       keeper.user_id)
    audit_row = AuditLog.select().where(AuditLog.action == "stock.adjust").get()
    assert (audit_row.object_id, audit_row.reason, audit_row.user_id) == ("ADJ-000001", "behind the shelf",
                                                                          keeper.user_id)
    assert '"qty": 2000' in audit_row.new_value and '"reason": "found"' in audit_row.new_value
    assert adjustments.adjust(keeper, shop["pads"], -1_000, "process_error").number == "ADJ-000002"
    assert all(r.ok for r in check.run_checks())


def test_above_the_set_value_a_manager_steps_up(staff, shop):
    keeper, manager = staff["storekeeper"], staff["manager"]
    assert settings.get("stock.adjust_manager_above") == 50_000
    before = _writes()
    with pytest.raises(PermissionDenied, match=r"worth 600\.00 at cost \(above 500\.00\)") as denied:
        adjustments.adjust(keeper, shop["caliper"], -2_000, "theft_or_loss", "gone from the display")
    assert denied.value.permission == "stock.adjust_override"
    assert _writes() == before
    # 500.00 exactly is the storekeeper's own: the manager is needed above it.
    assert adjustments.adjust(keeper, shop["pads"], -5_000, "scrap").value == -30_000

    approval = users.step_up(keeper, approver="manager", secret="manager-pass-1",
                             permission="stock.adjust_override", reason="police report 1182")
    done = adjustments.adjust(keeper, shop["caliper"], -2_000, "theft_or_loss", "gone from the display",
                              approval=approval)
    assert (done.value, done.loss_class, done.approved_by) == (-60_000, "abnormal", "Manager")
    assert StockAdjustment.get(StockAdjustment.number == done.number).approved_by_id == manager.user_id
    audit_row = AuditLog.select().where(AuditLog.action == "stock.adjust", AuditLog.object_id == done.number).get()
    assert audit_row.approved_by_id == manager.user_id
    assert _at(shop["caliper"]) == 0
    # A manager needs nobody.
    assert adjustments.adjust(manager, shop["caliper"], 2_000, "found").approved_by == ""


def test_damaged_stock_goes_to_quarantine_and_comes_back_repaired_or_goes_out_scrapped(staff, shop):
    keeper = staff["storekeeper"]
    pads = shop["pads"]
    damaged = adjustments.adjust(keeper, pads, -3_000, "damage", "dropped")
    assert (damaged.location_id, damaged.to_location_id) == (MAIN_LOCATION_ID, QUARANTINE_LOCATION_ID)
    assert (_at(pads), _at(pads, QUARANTINE_LOCATION_ID)) == (7_000, 3_000)
    assert sorted(StockMove.select(StockMove.location, StockMove.qty)
                  .where(StockMove.document == damaged.number).tuples()) == [(1, -3_000), (2, 3_000)]
    assert [(q.part_number, q.qty, q.value) for q in adjustments.quarantined(keeper)] == [("BP-1", 3_000, 18_000)]

    repaired = adjustments.release_from_quarantine(keeper, pads, 1_000, "stock", "new backing plate")
    assert (repaired.reason, repaired.loss_class) == ("repaired", "none")
    assert (_at(pads), _at(pads, QUARANTINE_LOCATION_ID)) == (8_000, 2_000)

    with pytest.raises(ValidationError, match="Only 2 of BP-1 is in quarantine"):
        adjustments.release_from_quarantine(keeper, pads, 3_000, "scrap")
    scrapped = adjustments.release_from_quarantine(keeper, pads, 2_000, "scrap", "cracked")
    assert (scrapped.reason, scrapped.qty, scrapped.value, scrapped.to_location_id) == ("scrap", -2_000, -12_000,
                                                                                        None)
    assert (_at(pads), _at(pads, QUARANTINE_LOCATION_ID)) == (8_000, 0)
    assert adjustments.quarantined(keeper) == []
    assert [a.action for a in AuditLog.select().where(AuditLog.object_type == "adjustment").order_by(AuditLog.id)] \
        == ["stock.adjust", "stock.quarantine_release", "stock.quarantine_release"]
    assert all(r.ok for r in check.run_checks())


def test_the_shrinkage_report_adds_up_by_reason_and_month(staff, shop, tmp_path):
    keeper, manager = staff["storekeeper"], staff["manager"]
    pads, caliper = shop["pads"], shop["caliper"]
    clock.set_clock(lambda: datetime(2026, 10, 5, 9, 0))
    adjustments.adjust(keeper, pads, -1_000, "theft_or_loss")  # -60.00 abnormal
    adjustments.adjust(keeper, pads, 2_000, "found")  # +120.00 normal
    clock.set_clock(lambda: datetime(2026, 11, 12, 9, 0))
    adjustments.adjust(keeper, pads, -3_000, "damage")  # into quarantine: not shrinkage
    adjustments.release_from_quarantine(keeper, pads, 1_000, "stock")
    adjustments.release_from_quarantine(keeper, pads, 2_000, "scrap")  # -120.00 normal
    adjustments.adjust(manager, caliper, -1_000, "supplier_short_ship")  # -300.00 abnormal
    clock.set_clock(lambda: datetime(2026, 12, 1, 9, 0))
    adjustments.adjust(keeper, pads, -1_000, "theft_or_loss")  # after the report's days

    report = adjustments.shrinkage_report(keeper, date(2026, 10, 1), date(2026, 11, 30))
    assert [(r.month, r.reason, r.loss_class, r.adjustments, r.qty, r.value) for r in report.rows] == [
        (date(2026, 10, 1), "found", "normal", 1, 2_000, 12_000),
        (date(2026, 10, 1), "theft_or_loss", "abnormal", 1, -1_000, -6_000),
        (date(2026, 11, 1), "scrap", "normal", 1, -2_000, -12_000),
        (date(2026, 11, 1), "supplier_short_ship", "abnormal", 1, -1_000, -30_000),
    ]
    assert [(t.reason, t.value) for t in report.by_reason] == [("theft_or_loss", -6_000), ("found", 12_000),
                                                               ("scrap", -12_000), ("supplier_short_ship", -30_000)]
    assert (report.normal_value, report.abnormal_value, report.net_value) == (0, -36_000, -36_000)
    assert report.damaged_into_quarantine == (1, 18_000)
    assert report.repaired_from_quarantine == (1, 6_000)
    assert report.scrapped_from_quarantine == (1, 12_000)
    assert report.in_quarantine_value == 0

    out = tmp_path / "shrinkage.pdf"
    write_shrinkage_report(report, out)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Shrinkage report" in text and "2026-10-01" in text and "2026-11-30" in text
    assert "Supplier short-ship" in text and "-300.00" in text and "Abnormal losses" in text and "-360.00" in text
    assert "2026-10" in text and "Scrapped from quarantine" in text

    empty = adjustments.shrinkage_report(keeper, date(2026, 1, 1), date(2026, 1, 31))
    assert empty.rows == () and empty.net_value == 0
    write_shrinkage_report(empty, tmp_path / "empty.pdf")
