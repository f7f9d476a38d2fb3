"""The Receiving view (partsdesk.ui.receiving_view) on both engines: receiving against a PO
picked by scanning its barcode, parts scanned (packs too) with an over, a short and a reject →
stock moves, quarantine, the moving-average cost and the order's status; receiving without an
order; the labels of the receipt saved as PDF and decoded; bad input said inline, nothing written."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog

from partsdesk.domain.labels import LAYOUTS
from partsdesk.domain.permissions import SYSTEM
from partsdesk.domain.stock import moving_average_cost
from partsdesk.models import GoodsReceipt, Part, PurchaseOrder, StockBalance, StockMove
from partsdesk.models.stock import MAIN_LOCATION_ID, QUARANTINE_LOCATION_ID
from partsdesk.services import catalog, purchasing
from partsdesk.ui.receiving_view import COST, REASON, RECEIVED, REJECTED, ReceivingView
from tests.services.counter_shop import counter_shop
from tests.services.test_labels import decode_labels

PADS_CODE, CALIPER_CODE = "PD-RCV-1", "PD-RCV-2"


@pytest.fixture
def shop(staff):
    made = counter_shop(staff, credit_limit="5000.00")
    keeper = staff["storekeeper"]
    made["acme"] = purchasing.save_supplier(keeper, None, {"name": "Acme Parts", "lead_time_days": "3"})
    made["brakeco"] = purchasing.save_supplier(keeper, None, {"name": "BrakeCo"})
    purchasing.set_supplier_price(keeper, made["acme"], made["pads"], price="55.00", supplier_number="AC-BP1")
    catalog.add_barcode(SYSTEM, made["pads"], PADS_CODE)
    catalog.add_barcode(SYSTEM, made["caliper"], CALIPER_CODE)
    made["po"] = purchasing.create_order(keeper, made["acme"], lines=[(made["pads"], "5"), (made["caliper"], "2")])
    purchasing.send(keeper, made["po"])
    return made


@pytest.fixture
def show(qtbot, runner, staff):
    def make() -> ReceivingView:
        view = ReceivingView(runner, staff["storekeeper"])
        qtbot.addWidget(view)
        view.resize(1150, 520)
        view.show()
        qtbot.waitExposed(view)
        with qtbot.waitSignal(view.loaded, timeout=5000):
            view.start()
        return view

    return make


def scan(qtbot, view: ReceivingView, code: str) -> None:
    with qtbot.waitSignal(view.scan_handled, timeout=5000):
        view.take_scan(code)


def cell(view: ReceivingView, row: int, column: int) -> str:
    return view.table.item(row, column).text()


def on_hand(part_id: int, location: int) -> int:
    row = StockBalance.get_or_none(StockBalance.part == part_id, StockBalance.location == location)
    return int(row.qty) if row else 0


def test_receive_against_a_scanned_po_with_over_short_and_reject(qtbot, show, shop, tmp_path, monkeypatch,
                                                                shown_errors):
    view = show()
    with qtbot.waitSignal(view.order_shown, timeout=5000):
        scan(qtbot, view, shop["po"])  # the PO's barcode picks the order and its supplier
    assert view.supplier_box.currentText() == "Acme Parts"
    assert [line.part.number for line in view.lines] == ["BP-1", "CA-2"]
    assert cell(view, 0, COST) == "55.00"  # the order's price
    view.entry.setText("3*")
    scan(qtbot, view, PADS_CODE)  # a pack of three
    for _ in range(3):
        scan(qtbot, view, PADS_CODE)
    scan(qtbot, view, CALIPER_CODE)
    assert cell(view, 0, RECEIVED) == "6" and cell(view, 1, RECEIVED) == "1"
    assert view.table.item(0, 8).text() == "over by 1"
    assert view.table.item(1, 8).text() == "short by 1"
    view.table.item(0, REJECTED).setText("1")
    view.table.item(0, REASON).setText("box crushed")
    assert "1 to quarantine" in view.table.item(0, 8).text()
    view.grab().save("/tmp/receiving_view.png")

    pads_cost = Part.get_by_id(shop["pads"]).cost
    with qtbot.waitSignal(view.posted, timeout=5000) as done:
        view.post()
    result = done.args[0]
    assert result.number == "GR-000001" and "GR-000001" in view.note_label.text()
    assert "partly received" in view.note_label.text() and "CA-2 × 1" in view.note_label.text()
    assert on_hand(shop["pads"], MAIN_LOCATION_ID) == 15_000
    assert on_hand(shop["pads"], QUARANTINE_LOCATION_ID) == 1_000
    assert on_hand(shop["caliper"], MAIN_LOCATION_ID) == 3_000
    assert Part.get_by_id(shop["pads"]).cost == moving_average_cost(10_000, pads_cost, 5_000, 5_500)
    assert PurchaseOrder.get(PurchaseOrder.number == shop["po"]).status == "partly_received"
    assert [(m.qty, m.location_id) for m in StockMove.select().where(StockMove.document == "GR-000001")
            .order_by(StockMove.seq)] == [(5_000, MAIN_LOCATION_ID), (1_000, QUARANTINE_LOCATION_ID),
                                         (1_000, MAIN_LOCATION_ID)]
    assert view.table.rowCount() == 0

    # the labels of what was accepted: 5 pads and 1 caliper, on roll labels
    target = tmp_path / "receipt-labels.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF files (*.pdf)"))
    view.layout_box.setCurrentIndex(view.layout_box.findData("a4-3x8"))
    with qtbot.waitSignal(view.pdf_done, timeout=15000):
        view.make_labels("pdf")
    assert target.exists() and "6 label(s)" in view.note_label.text()
    assert decode_labels(target, LAYOUTS["a4-3x8"], range(0, 6)) == [[PADS_CODE]] * 5 + [[CALIPER_CODE]]
    assert not shown_errors


def test_receive_without_an_order_typing_the_number_and_quantity(qtbot, show, shop):
    view = show()
    view.supplier_box.setCurrentIndex(view.supplier_box.findData(shop["brakeco"]))
    view.entry.setText("BP-1")
    with qtbot.waitSignal(view.table.model().rowsInserted, timeout=5000):
        view.enter_text()
    view.table.item(0, RECEIVED).setText("2")
    view.table.item(0, COST).setText("50.00")
    view.table.item(0, 7).setText("C-09")
    assert view.table.item(0, 8).text() == ""  # no order: no flags
    with qtbot.waitSignal(view.posted, timeout=5000) as done:
        view.post()
    assert done.args[0].order_number == "" and on_hand(shop["pads"], MAIN_LOCATION_ID) == 12_000
    assert Part.get_by_id(shop["pads"]).bin == "C-09"
    assert PurchaseOrder.get(PurchaseOrder.number == shop["po"]).status == "sent"


def test_bad_input_is_said_inline_and_nothing_is_written(qtbot, show, shop):
    view = show()
    before = (GoodsReceipt.select().count(), StockMove.select().count())
    view.post()
    assert "Choose the supplier" in view.error_label.text()
    with qtbot.waitSignal(view.order_shown, timeout=5000):
        scan(qtbot, view, shop["po"])
    view.post()
    assert "Nothing received yet" in view.error_label.text()
    scan(qtbot, view, PADS_CODE)
    view.table.item(0, REJECTED).setText("4")
    view.table.item(1, RECEIVED).setText("two")
    view.post()
    text = view.error_label.text()
    assert "Line 1 (BP-1): the rejected quantity" in text and "Line 2 (CA-2): the received quantity" in text
    assert "Nothing was posted." in text
    view.table.item(0, REJECTED).setText("1")
    view.table.item(1, RECEIVED).setText("")
    view.post()
    assert "say why the rejected goods go to quarantine" in view.error_label.text()
    scan(qtbot, view, "NO-SUCH-CODE")
    assert "Unknown code NO-SUCH-CODE" in view.error_label.text()
    assert (GoodsReceipt.select().count(), StockMove.select().count()) == before
