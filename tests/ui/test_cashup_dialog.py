"""Cash-up at the till (partsdesk.ui.cashup_dialog) and the Counter tab's voids, on both engines:
a float and a pay-out typed in, the X report on screen, a blind count, the Z committed, shown and
printed on the receipt printer (Qt's PDF printer here), bad input refused with nothing written."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from partsdesk.domain.permissions import SYSTEM
from partsdesk.domain.tender import Payment
from partsdesk.models import CashEvent, CounterVoid, ZReport, transaction
from partsdesk.services import catalog, clock, membership, search, stock
from partsdesk.services.customers import save_customer
from partsdesk.services.sales import LineRequest, commit_sale
from partsdesk.ui.cashup_dialog import CashUpDialog
from partsdesk.ui.counter_tab import CounterTab

PADS, FILTER = "4006381333931", "4006381333948"


@pytest.fixture
def shop(staff):
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    catalog.ensure_standard_categories()
    made = {}
    for key, number, retail, code in (("pads", "BP-1", "113.00", PADS), ("filter", "OF-7", "45.20", FILTER)):
        made[key] = catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": f"Part {number}",
                                                     "category": "brakes.pads", "price_retail": retail,
                                                     "price_trade": retail, "price_wholesale": retail,
                                                     "cost": "20.00", "tax_rate": "13"},
                                      barcodes=[code], numbers=[], fitments=[])
        with transaction():
            stock.post_move(part_id=made[key], qty=50_000, unit_cost=2_000, reason="receipt", document="GR-1",
                            user_id=None)
    return made


@pytest.fixture
def dialog(qtbot, runner, staff, shop, shown_errors) -> CashUpDialog:
    cash = CashUpDialog(runner, staff["cashier"])
    qtbot.addWidget(cash)
    cash.show()
    qtbot.waitExposed(cash)
    cash.activateWindow()
    return cash


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.clear()
    qtbot.keyClicks(widget, text)


def page_width_mm(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size")).split()[2]
    return round(float(size) / 72 * 25.4)


def test_float_pay_out_x_report_and_a_blind_close(qtbot, dialog, staff, shop, pdf_printers):
    commit_sale(staff["cashier"], [LineRequest(shop["pads"], 2_000)], [Payment("cash", 30_000)])
    member = save_customer(staff["cashier"], None, {"kind": "person", "name": "Wu Fang"}, phones=[])
    membership.enroll(staff["cashier"], member)
    membership.top_up(staff["cashier"], member, "30.00", method="cash")  # into this till's drawer

    type_into(qtbot, dialog.amount, "200.00")
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert "Recorded: opening float 200.00." in dialog.cash_note.text()

    dialog.kind.setCurrentIndex(dialog.kind.findData("pay_out"))
    type_into(qtbot, dialog.amount, "15")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    reason_error = dialog.cash_errors.fields["reason"][1]
    qtbot.waitUntil(lambda: reason_error.isVisible())
    assert "Say why" in reason_error.text() and CashEvent.select().count() == 1
    type_into(qtbot, dialog.reason, "window cleaner")
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert CashEvent.select().count() == 2

    with qtbot.waitSignal(dialog.x_shown, timeout=10_000) as shown:
        qtbot.keyClick(dialog, Qt.Key.Key_F5)
    x = shown.args[0]
    assert x.expected_cash == 20_000 + 22_600 + 3_000 - 1_500
    text = dialog.view.toPlainText()
    assert "X REPORT \u2014 not a closing" in text and re.search(r"Expected cash\s+441\.00", text)
    assert re.search(r"Prepaid top-ups \(1\)\s+30\.00", text) and re.search(r"Cash prepaid top-ups\s+30\.00", text)
    assert "window cleaner" in text and ZReport.select().count() == 0

    # a blind count: what is expected leaves the screen while the cashier types the drawer's cash
    type_into(qtbot, dialog.counted, "abc")
    assert dialog.view.toPlainText() == "" and not dialog.print_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_F10)
    counted_error = dialog.close_errors.fields["counted_cash"][1]
    qtbot.waitUntil(lambda: counted_error.isVisible())
    assert "Counted cash" in counted_error.text() and ZReport.select().count() == 0

    type_into(qtbot, dialog.counted, "400.00")
    with qtbot.waitSignal(dialog.closed_day, timeout=10_000) as closed, \
            qtbot.waitSignal(dialog.printed, timeout=20_000) as printed:
        qtbot.keyClick(dialog, Qt.Key.Key_F10)
    z = closed.args[0]
    assert (z.number, z.counted_cash, z.over_short, z.prepaid_top_ups_count) == ("Z-000001", 40_000, -4_100, 1)
    text = dialog.view.toPlainText()
    assert "Z REPORT Z-000001" in text and "Short by 41.00." in text
    assert "Day closed: Z-000001. Expected 441.00, counted 400.00. Short by 41.00." in dialog.report_note.text()
    assert printed.args[0].ok and printed.args[0].kind == "zreport"
    qtbot.waitUntil(lambda: "Printed Z-000001." in dialog.report_note.text())
    assert [kind for kind, _file in pdf_printers] == ["zreport"] and page_width_mm(pdf_printers[0][1]) == 80
    assert ZReport.get().counted_cash == 40_000

    with qtbot.waitSignal(dialog.printed, timeout=20_000) as again:
        dialog.reprint_button.click()
    assert again.args[0].ok and again.args[0].copy and [kind for kind, _file in pdf_printers] == ["zreport"] * 2


def test_the_x_report_prints_on_the_receipt_printer(qtbot, dialog, staff, shop, pdf_printers):
    commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000)], [Payment("card", 11_300, reference="T-1")])
    assert not dialog.print_button.isEnabled()
    with qtbot.waitSignal(dialog.x_shown, timeout=10_000):
        dialog.x_button.click()
    with qtbot.waitSignal(dialog.printed, timeout=20_000) as printed:
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed.args[0].ok and "Printed the X report." in dialog.report_note.text()
    assert [kind for kind, _file in pdf_printers] == ["zreport"] and page_width_mm(pdf_printers[0][1]) == 80
    assert ZReport.select().count() == 0


def test_a_printer_problem_leaves_the_day_closed(qtbot, dialog, staff, shop):
    # conftest: no printer is installed on this PC
    type_into(qtbot, dialog.counted, "0")
    with qtbot.waitSignal(dialog.printed, timeout=20_000) as printed:
        dialog.close_button.click()
    assert not printed.args[0].ok and "No printer is installed" in dialog.report_note.text()
    assert "Z report saved; press Ctrl+P on the Counter tab" in dialog.report_note.text() and ZReport.select().count() == 1


def test_a_technician_may_not_cash_up(qtbot, runner, staff, shop, shown_errors):
    cash = CashUpDialog(runner, staff["technician"])
    qtbot.addWidget(cash)
    assert not cash.close_button.isEnabled() and not cash.x_button.isEnabled()
    assert "may not cash up" in cash.report_note.text()


@pytest.fixture
def tab(qtbot, open_counter, staff, shop, shown_errors) -> CounterTab:
    counter = open_counter(staff["cashier"], width=1100)
    for code in (PADS, FILTER):
        counter.add_part(search.find_by_barcode(code))
    qtbot.waitUntil(lambda: counter._current())
    return counter


def test_a_line_taken_out_and_a_sale_voided_are_on_record(qtbot, tab, staff):
    assert tab.cashup_button.text() == "F11 Cash-up" and tab.void_button.text() == "Ctrl+Del Void sale"
    tab.table.selectRow(0)
    with qtbot.waitSignal(tab.void_recorded, timeout=10_000) as line:
        qtbot.keyClick(tab.entry, Qt.Key.Key_Delete)
    assert line.args == ["line", 1] and len(tab.lines) == 1
    row = CounterVoid.get()
    assert (row.kind, row.qty, row.amount, row.user_id) == ("line", 1_000, 11_300, staff["cashier"].user_id)
    assert row.description == "BP-1 Part BP-1"

    with qtbot.waitSignal(tab.void_recorded, timeout=10_000) as cart:
        qtbot.keyClick(tab.entry, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert cart.args == ["cart", 1] and tab.lines == []
    assert "Sale voided: 1 line(s)" in tab.message.text()
    assert [(v.kind, v.amount) for v in CounterVoid.select().order_by(CounterVoid.id)] == [
        ("line", 11_300), ("cart", 4_520)]
    qtbot.keyClick(tab.entry, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert "The cart is empty" in tab.message.text() and CounterVoid.select().count() == 2


def test_esc_keeps_its_meaning_and_f11_opens_the_cash_up(qtbot, tab):
    qtbot.keyClick(tab.entry, Qt.Key.Key_Escape)
    assert len(tab.lines) == 2 and CounterVoid.select().count() == 0  # Esc cancels a step, never the sale
    with qtbot.waitSignal(tab.dialog_opened, timeout=5_000) as opened:
        qtbot.keyClick(tab.entry, Qt.Key.Key_F11)
    assert isinstance(opened.args[0], CashUpDialog)
    opened.args[0].reject()
