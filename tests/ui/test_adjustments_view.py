"""The Adjustments view (partsdesk.ui.adjustments_view) on both engines: an adjustment with a
reason; one above the set value asks a manager (and is then made with the approval); damage into
quarantine, then repaired back to stock and scrapped from the quarantine list; the shrinkage
report on screen and saved as PDF, read back; bad input said inline with nothing written."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFileDialog

from partsdesk.models import StockAdjustment, StockBalance, StockMove
from partsdesk.models.stock import MAIN_LOCATION_ID, QUARANTINE_LOCATION_ID
from partsdesk.ui.adjustments_view import AdjustmentsView
from tests.services.counter_shop import counter_shop


@pytest.fixture
def shop(staff):
    """Brake pads BP-1: 10 at 60.00 cost; a caliper CA-2: 2 at 300.00 (the set value is 500.00)."""
    return counter_shop(staff, credit_limit="5000.00")


@pytest.fixture
def view(qtbot, runner, staff, shop):
    made = AdjustmentsView(runner, staff["storekeeper"])
    qtbot.addWidget(made)
    made.resize(1200, 620)
    made.from_date.setDate(QDate(2026, 11, 1))
    made.to_date.setDate(QDate(2026, 11, 30))
    made.show()
    qtbot.waitExposed(made)
    with qtbot.waitSignals([made.quarantine_shown, made.report_shown], timeout=5000):
        made.start()
    return made


def at(part_id: int, location: int = MAIN_LOCATION_ID) -> int:
    row = StockBalance.get_or_none(StockBalance.part == part_id, StockBalance.location == location)
    return int(row.qty) if row else 0


def choose(qtbot, view: AdjustmentsView, text: str) -> None:
    view.find_box.setText(text)
    with qtbot.waitSignal(view.parts_found, timeout=5000):
        view.find()
    assert view.part is not None and view.part.number == text


def adjust(qtbot, view: AdjustmentsView, qty: str, reason: str, note: str = "") -> object:
    view.qty_box.setText(qty)
    view.reason_box.setCurrentIndex(view.reason_box.findData(reason))
    view.note_box.setText(note)
    results: list[object] = []
    view.adjusted.connect(results.append)
    try:
        with qtbot.waitSignals([view.adjusted, view.quarantine_shown], timeout=5000):
            view.adjust()
    finally:
        view.adjusted.disconnect(results.append)
    return results[0]


def test_damage_to_quarantine_then_repaired_and_scrapped(qtbot, view, shop, shown_errors):
    choose(qtbot, view, "BP-1")
    assert "on hand 10" in view.part_label.text()
    result = adjust(qtbot, view, "-3", "damage", "dropped off the shelf")
    assert (result.number, result.qty) == ("ADJ-000001", -3_000)
    assert "ADJ-000001" in view.done_label.text() and "quarantine" in view.done_label.text()
    assert (at(shop["pads"]), at(shop["pads"], QUARANTINE_LOCATION_ID)) == (7_000, 3_000)
    assert view.quarantine_table.item(0, 0).text() == "BP-1" and view.quarantine_table.item(0, 2).text() == "3"

    view.quarantine_table.selectRow(0)
    view.release_qty.setText("2")
    with qtbot.waitSignals([view.adjusted, view.quarantine_shown], timeout=5000):
        view.release("stock")
    assert "back to stock (repaired)" in view.quarantine_note.text()
    assert (at(shop["pads"]), at(shop["pads"], QUARANTINE_LOCATION_ID)) == (9_000, 1_000)
    view.quarantine_table.selectRow(0)
    assert view.release_qty.text() == "1"
    with qtbot.waitSignals([view.adjusted, view.quarantine_shown], timeout=5000):
        view.release("scrap")
    assert (at(shop["pads"]), at(shop["pads"], QUARANTINE_LOCATION_ID)) == (9_000, 0)
    assert view.quarantine_table.rowCount() == 0 and "Nothing is in quarantine" in view.quarantine_note.text()
    assert StockAdjustment.select().where(StockAdjustment.reason == "scrap").count() == 1
    assert not shown_errors


def test_above_the_set_value_a_manager_approves(qtbot, view, shop, manager_approves):
    choose(qtbot, view, "CA-2")
    result = adjust(qtbot, view, "-2", "theft_or_loss", "missing after the weekend")
    assert manager_approves and manager_approves[0][:2] == ("storekeeper", "stock.adjust_override")
    assert result.approved_by and "Approved by" in view.done_label.text()
    assert at(shop["caliper"]) == 0
    row = StockAdjustment.get(StockAdjustment.number == result.number)
    assert row.approved_by_id is not None and row.note == "missing after the weekend"
    # a small one needs nobody
    choose(qtbot, view, "BP-1")
    adjust(qtbot, view, "1", "found")
    assert len(manager_approves) == 1


def test_the_shrinkage_report_on_screen_and_as_pdf(qtbot, view, shop, tmp_path, monkeypatch, manager_approves):
    choose(qtbot, view, "BP-1")
    adjust(qtbot, view, "-1", "theft_or_loss")
    adjust(qtbot, view, "-2", "scrap")
    with qtbot.waitSignal(view.report_shown, timeout=5000):
        view.show_report()
    reasons = [view.report_table.item(r, 0).text() for r in range(view.report_table.rowCount())]
    assert set(reasons) == {"Theft or loss", "Scrap"}
    assert "Net -180.00" in view.report_totals.text()
    view.grab().save("/tmp/adjustments_view.png")
    target = tmp_path / "shrinkage.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF files (*.pdf)"))
    with qtbot.waitSignal(view.pdf_done, timeout=15000):
        view.report_pdf_to("pdf")
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Shrinkage report" in text and "Theft or loss" in text and "Scrap" in text and "-180.00" in text
    # a range the wrong way round is said inline
    view.to_date.setDate(QDate(2026, 10, 1))
    view.report_pdf_to("pdf")
    qtbot.waitUntil(lambda: view.report_error.isVisible(), timeout=5000)
    assert "on or after the first day" in view.report_error.text()


def test_bad_input_is_said_inline_and_nothing_is_written(qtbot, view, shop):
    before = (StockAdjustment.select().count(), StockMove.select().count())
    view.qty_box.setText("-1")
    view.adjust()
    assert "Find the part" in view.errors.current["part"] and "Choose a reason" in view.errors.current["reason"]
    choose(qtbot, view, "BP-1")
    view.qty_box.setText("lots")
    view.reason_box.setCurrentIndex(view.reason_box.findData("damage"))
    view.adjust()
    assert set(view.errors.current) == {"qty"}
    view.qty_box.setText("2")  # damage takes off: the service says so by its field
    with qtbot.waitSignal(view.refused, timeout=5000):
        view.adjust()
    assert "negative" in view.errors.current["qty"]
    view.qty_box.setText("-50")
    with qtbot.waitSignal(view.refused, timeout=5000):
        view.adjust()
    assert "Only 10" in view.errors.current["qty"]
    view.find_box.setText("no such part at all xyz")
    with qtbot.waitSignal(view.parts_found, timeout=5000):
        view.find()
    assert "No part matches" in view.errors.current["part"]
    assert (StockAdjustment.select().count(), StockMove.select().count()) == before
