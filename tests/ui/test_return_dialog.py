"""F6 Return on the Counter tab (partsdesk.ui.return_dialog), on both engines: the receipt's
barcode scanned into the open dialog as real timed key events, the lines with what is left, the
quantity refused in its field beyond what was sold, the refund as the service will give it, a
manager past the return window, and the credit note printed (Qt's PDF printer, read back)."""

from __future__ import annotations

import itertools
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_scanner import post, scanner_keys

from partsdesk.domain.tender import Payment
from partsdesk.models import CreditNote, CreditNoteLine, StockMove
from partsdesk.models.stock import QUARANTINE_LOCATION_ID
from partsdesk.services import clock, stock
from partsdesk.services.returns import ReturnLine, take_return
from partsdesk.services.sales import LineRequest, commit_sale
from partsdesk.ui.counter_tab import CounterTab
from partsdesk.ui.return_dialog import ReturnDialog
from tests.services.counter_shop import SOLD_AT, counter_shop

_clock_ms = itertools.count(5_000_000, 10_000)


@pytest.fixture
def shop(staff):
    return counter_shop(staff, credit_limit="5000")


@pytest.fixture
def tab(open_counter, staff, shop, scanner, shown_errors) -> CounterTab:
    return open_counter(staff["cashier"], scanner=scanner)


def barcodes_on(pdf: Path, tmp_path: Path) -> list[str]:
    """A printed page is an image: render it and read its barcodes."""
    stem = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(stem)], check=True)
    return subprocess.run(["zbarimg", "-q", "--raw", str(stem.with_suffix(".png"))], capture_output=True,
                          text=True).stdout.split()


def open_return(qtbot, tab: CounterTab) -> ReturnDialog:
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(QApplication.focusWidget() or tab.entry, Qt.Key.Key_F6)
    dialog = opened.args[0]
    assert isinstance(dialog, ReturnDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.find_box)
    return dialog


def scan_into(qtbot, dialog: ReturnDialog, code: str) -> None:
    with qtbot.waitSignal(dialog.sale_shown, timeout=5000):
        post(QApplication.focusWidget(), scanner_keys(code, start_ms=next(_clock_ms)))


def type_qty(qtbot, dialog: ReturnDialog, row: int, text: str) -> None:
    with qtbot.waitSignal(dialog.preview_shown, timeout=5000):
        dialog.qty_inputs[row].clear()
        qtbot.keyClicks(dialog.qty_inputs[row], text)


def cells(dialog: ReturnDialog) -> list[tuple[str, ...]]:
    return [tuple(dialog.lines.item(row, column).text() for column in range(5))
            for row in range(dialog.lines.rowCount())]


def test_a_scanned_receipt_returns_one_of_two_and_the_credit_note_prints(qtbot, tab, shop, pdf_printers, tmp_path,
                                                                         shown_errors):
    sale = commit_sale(tab.actor, [LineRequest(shop["pads"], 2_000)], [Payment("cash", 22_600)])
    dialog = open_return(qtbot, tab)
    assert tab.return_button.text() == "F6 Return"
    scan_into(qtbot, dialog, sale.number)
    assert dialog.find_box.text() == "RC-000001"  # the scan never typed into the box key by key
    assert "RC-000001" in dialog.sale_label.text() and "Walk-in" in dialog.sale_label.text()
    assert cells(dialog) == [("1", "Part BP-1", "2", "0", "2")]
    assert QApplication.focusWidget() is dialog.qty_inputs[0]
    assert dialog.refund_label.text() == "Refund 0.00"

    type_qty(qtbot, dialog, 0, "1")
    assert dialog.refund_label.text() == "Refund 113.00" and dialog.refund_how.text() == "Cash 113.00"
    assert dialog.manager_note.text() == ""
    dialog.reason.setCurrentIndex(dialog.reason.findData("warranty_refund"))
    assert dialog.reason.currentText() == "Warranty: refund"
    qtbot.keyClick(dialog.qty_inputs[0], Qt.Key.Key_Tab)  # from the quantity to its quarantine box
    assert QApplication.focusWidget() is dialog.quarantine_boxes[0]
    qtbot.keyClick(dialog.quarantine_boxes[0], Qt.Key.Key_Space)
    assert dialog.quarantine_boxes[0].isChecked()
    dialog.grab().save("/tmp/return_dialog.png")

    with qtbot.waitSignal(tab.printed, timeout=15_000) as printed:
        qtbot.keyClick(dialog.qty_inputs[0], Qt.Key.Key_Return)
    assert tab.dialog is None  # closed (and deleted)
    note = CreditNote.get(CreditNote.number == "CN-000001")
    assert (note.total, note.reason) == (11_300, "warranty_refund")
    line = CreditNoteLine.get(CreditNoteLine.credit_note == note.id)
    assert line.qty == 1_000
    assert StockMove.get(StockMove.document == "CN-000001").location_id == QUARANTINE_LOCATION_ID
    assert stock.on_hand([shop["pads"]])[shop["pads"]] == 8_000  # in quarantine, not on the shelf
    assert tab.message.text() == "CN-000001: refund 113.00 (Cash 113.00)"
    outcome = printed.args[0]
    assert (outcome.ok, outcome.number, outcome.kind, outcome.copy) == (True, "CN-000001", "receipt", False)
    assert tab.print_label.text() == "Printed CN-000001."
    [(kind, pdf)] = pdf_printers
    assert kind == "receipt" and barcodes_on(pdf, tmp_path) == ["CN-000001"]
    assert tab.last_sale == ("CN-000001", "receipt")  # Ctrl+P offers the credit note
    assert shown_errors == []


def test_a_return_beyond_what_was_sold_is_refused_in_its_field_and_writes_nothing(qtbot, tab, shop, shown_errors):
    sale = commit_sale(tab.actor, [LineRequest(shop["pads"], 2_000)], [Payment("cash", 22_600)])
    take_return(tab.actor, sale.number, [ReturnLine(1, 1_000)], reason="not_needed")
    dialog = open_return(qtbot, tab)
    qtbot.keyClicks(dialog.find_box, "rc-000001")
    with qtbot.waitSignal(dialog.sale_shown, timeout=5000):
        qtbot.keyClick(dialog.find_box, Qt.Key.Key_Return)
    assert cells(dialog) == [("1", "Part BP-1", "2", "1", "1")]
    type_qty(qtbot, dialog, 0, "2")
    assert dialog.lines_note.isVisible()
    assert dialog.lines_note.text() == "Line 1 (Part BP-1): At most 1 can be returned: 2 sold, 1 returned already."
    assert dialog.qty_inputs[0].property("invalid") is True
    assert dialog.refund_label.text() == "Refund 0.00"  # the refused quantity counts for nothing
    dialog.reason.setCurrentIndex(dialog.reason.findData("wrong_part"))
    qtbot.keyClick(dialog.qty_inputs[0], Qt.Key.Key_Return)
    assert dialog.isVisible() and "correct the quantities" in dialog.general.text()
    assert CreditNote.select().count() == 1

    type_qty(qtbot, dialog, 0, "1")  # corrected: taken
    assert not dialog.lines_note.isVisible() and dialog.qty_inputs[0].property("invalid") is False
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.keyClick(dialog.qty_inputs[0], Qt.Key.Key_Return)
    assert CreditNote.select().count() == 2
    assert shown_errors == []


def test_a_missing_reason_an_unknown_sale_or_nothing_left_is_said_in_the_dialog(qtbot, tab, shop, shown_errors):
    sale = commit_sale(tab.actor, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    dialog = open_return(qtbot, tab)
    qtbot.keyClicks(dialog.find_box, "RC-999999")
    qtbot.keyClick(dialog.find_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Nothing found" in dialog.find_note.text(), timeout=5000)
    assert dialog.loaded is None and not dialog.return_button.isEnabled()

    scan_into(qtbot, dialog, sale.number)
    type_qty(qtbot, dialog, 0, "1")
    qtbot.keyClick(dialog.qty_inputs[0], Qt.Key.Key_Return)  # no reason chosen
    assert dialog.isVisible() and dialog.reason.property("invalid") is True
    assert CreditNote.select().count() == 0

    take_return(tab.actor, sale.number, [ReturnLine(1, 1_000)], reason="not_needed")  # at another counter
    scan_into(qtbot, dialog, sale.number)
    assert cells(dialog) == [("1", "Part BP-1", "1", "1", "0")]
    assert "returned already" in dialog.general.text() and not dialog.return_button.isEnabled()
    assert not dialog.qty_inputs[0].isEnabled()
    assert CreditNote.select().count() == 1 and shown_errors == []


def test_past_the_return_window_a_manager_approves_on_the_screen(qtbot, tab, shop, staff, manager_approves,
                                                                 shown_errors):
    sale = commit_sale(tab.actor, [LineRequest(shop["pads"], 2_000)], [Payment("cash", 22_600)])
    clock.set_clock(lambda: SOLD_AT + timedelta(days=31))
    dialog = open_return(qtbot, tab)
    scan_into(qtbot, dialog, sale.number)
    type_qty(qtbot, dialog, 0, "1")
    assert dialog.manager_note.text() == ("A manager approves this return: RC-000001 was sold 31 days ago "
                                          "(returns within 30 days).")
    dialog.reason.setCurrentIndex(dialog.reason.findData("not_needed"))
    with qtbot.waitSignal(tab.printed, timeout=15_000):
        qtbot.keyClick(dialog.qty_inputs[0], Qt.Key.Key_Return)
    [(user, permission, action)] = manager_approves
    assert (user, permission) == ("cashier", "counter.return_override")
    assert "113.00" in action and "RC-000001" in action and "31 days ago" in action
    note = CreditNote.get(CreditNote.number == "CN-000001")
    assert note.approved_by_id == staff["manager"].user_id
    assert tab.message.text().startswith("CN-000001: refund 113.00")
    assert shown_errors == []


def test_a_manager_who_does_not_approve_leaves_the_sale_as_it_was(qtbot, tab, shop, monkeypatch, shown_errors):
    sale = commit_sale(tab.actor, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    clock.set_clock(lambda: SOLD_AT + timedelta(days=40))
    monkeypatch.setattr("partsdesk.ui.stepup.ask_approval", lambda *_args, **_kwargs: None)
    dialog = open_return(qtbot, tab)
    scan_into(qtbot, dialog, sale.number)
    type_qty(qtbot, dialog, 0, "1")
    dialog.reason.setCurrentIndex(dialog.reason.findData("not_needed"))
    qtbot.keyClick(dialog.qty_inputs[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "a manager did not approve it" in dialog.general.text(), timeout=5000)
    assert dialog.isVisible() and CreditNote.select().count() == 0 and shown_errors == []


def test_a_customers_sales_are_listed_and_the_one_chosen_opens(qtbot, tab, shop, shown_errors):
    for day in range(2):
        clock.set_clock(lambda day=day: SOLD_AT + timedelta(days=day))
        commit_sale(tab.actor, [LineRequest(shop["pads"], 1_000 + day * 1_000)], [Payment("cash", 30_000)],
                    customer_id=shop["member"])
    dialog = open_return(qtbot, tab)
    qtbot.keyClicks(dialog.find_box, "Wu Fang")
    qtbot.keyClick(dialog.find_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.results.isVisible() and dialog.results.rowCount() == 2, timeout=5000)
    assert [dialog.results.item(row, 0).text() for row in range(2)] == ["RC-000002", "RC-000001"]  # newest first
    assert dialog.results.item(0, 2).text() == "Wu Fang"
    qtbot.keyClick(dialog.results, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.sale_shown, timeout=5000):
        qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    assert "RC-000001" in dialog.sale_label.text() and cells(dialog)[0][2] == "1"
    assert not dialog.results.isVisible() and shown_errors == []
