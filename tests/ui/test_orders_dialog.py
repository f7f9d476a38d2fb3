"""F7 on the Counter tab (partsdesk.ui.orders_dialog), on both engines: the cart saved as a phone
or trade order with its pick list printed through the print path; the open orders listed, one
found by scanning its pick list, marked picked, cancelled with a reason, and sold through the
tender, after which the order shows sold with the sale's number."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import test_counter_tab
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_counter_tab import FILTER, PADS, cart, open_dialog, priced, scan
from test_scanner import post, scanner_keys

from partsdesk.models import CustomerOrder, CustomerOrderLine, Sale
from partsdesk.services import orders
from partsdesk.services.sales import LineRequest
from partsdesk.ui import print_path
from partsdesk.ui.orders_dialog import OrderListDialog, SaveOrderDialog
from partsdesk.ui.tender_dialog import TenderDialog

_clock_ms = itertools.count(50_000_000, 10_000)
# the Counter tab's own fixtures: the same shop (bins) and tab as its tests
shop, tab = test_counter_tab.shop, test_counter_tab.tab


def barcodes(pdf: Path) -> list[str]:
    """What a scanner reads off the printed page (a printed page is an image: no text to read)."""
    image = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(image)],
                   check=True)
    return subprocess.run(["zbarimg", "-q", "--raw", f"{image}.png"], capture_output=True, text=True).stdout.split()


def scan_into(qtbot, dialog: OrderListDialog, code: str) -> None:
    """The scanner reads ``code`` while the list is open: the tab hands it to the dialog."""
    with qtbot.waitSignal(dialog.listed, timeout=5000):
        post(QApplication.focusWidget() or dialog.box, scanner_keys(code, start_ms=next(_clock_ms)))


def open_list(qtbot, tab) -> OrderListDialog:
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F7, OrderListDialog)
    qtbot.waitUntil(lambda: dialog._shown == dialog._asked, timeout=5000)
    return dialog


def test_the_cart_is_saved_as_an_order_and_its_pick_list_printed(qtbot, tab, shop, pdf_printers, shown_errors):
    for code in (PADS, FILTER, PADS):
        scan(qtbot, tab, code)
    tab.choose_customer(shop["member"])
    qtbot.waitUntil(lambda: tab.customer is not None, timeout=5000)
    priced(qtbot, tab)
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F7, SaveOrderDialog)
    assert "Wu Fang" in [label.text() for label in dialog.findChildren(type(tab.message))]
    dialog.channel.setCurrentIndex(dialog.channel.findData("trade"))
    qtbot.keyClicks(dialog.reference, "R" * 41)  # longer than allowed: the field stops at 40
    assert dialog.reference.text() == "R" * 40
    dialog.reference.clear()
    qtbot.keyClicks(dialog.reference, "Garage PO 4471")
    qtbot.keyClicks(dialog.note, "collect after 4 pm")
    dialog.grab().save("/tmp/orders_save_dialog.png")
    with qtbot.waitSignal(tab.printed, timeout=15_000) as printed:
        qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
    outcome = printed.args[0]
    assert (outcome.ok, outcome.number, outcome.kind) == (True, "SO-000001", "picklist"), outcome.message
    [(kind, pdf)] = pdf_printers
    assert kind == "picklist" and barcodes(pdf) == ["SO-000001"]
    assert tab.lines == [] and tab.customer is None and tab.origin == {}
    assert "Order SO-000001 saved" in tab.message.text() and tab.print_label.text() == "Printed SO-000001."
    order = CustomerOrder.get(CustomerOrder.number == "SO-000001")
    assert (order.customer_id, order.channel, order.reference, order.note, order.status) == (
        shop["member"], "trade", "Garage PO 4471", "collect after 4 pm", "open")
    assert [(x.part_id, x.qty) for x in CustomerOrderLine.select().order_by(CustomerOrderLine.line_no)] == [
        (shop["pads"], 2_000), (shop["filter"], 1_000)]
    assert shown_errors == []


def test_a_scan_while_the_order_is_being_saved_waits_for_the_next_cart(qtbot, tab, shop, shown_errors):
    scan(qtbot, tab, PADS)
    priced(qtbot, tab)
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F7, SaveOrderDialog)
    post(QApplication.focusWidget(), scanner_keys(FILTER, start_ms=next(_clock_ms)))
    qtbot.waitUntil(lambda: len(tab._scans) == 1, timeout=5000)
    assert dialog.reference.text() == ""  # the scan never reached the form
    with qtbot.waitSignal(tab.scan_handled, timeout=5000):
        qtbot.keyClick(dialog.reference, Qt.Key.Key_Escape)
    priced(qtbot, tab)
    assert [row[0] for row in cart(tab)] == ["BP-1", "OF-7"] and not CustomerOrder.select().exists()


def test_an_order_is_found_by_its_pick_list_marked_picked_and_sold(qtbot, tab, staff, shop, pdf_printers,
                                                                   shown_errors):
    other = orders.create_order(staff["cashier"], [LineRequest(shop["filter"], 1_000)], channel="phone",
                                reference="Mr Li")
    number = orders.create_order(staff["cashier"], [LineRequest(shop["pads"], 2_000)], customer_id=shop["member"],
                                 channel="phone", reference="rang at 9")
    dialog = open_list(qtbot, tab)
    assert [row.number for row in dialog.rows] == [other, number]
    assert dialog.table.item(1, 2).text() == "Wu Fang" and dialog.table.item(1, 6).text() == "Open"

    scan_into(qtbot, dialog, number)  # the pick list's barcode
    assert dialog.selected().number == number and dialog.box.text() == number
    assert f"{number} selected (Wu Fang)" in dialog.message.text()
    assert tab.lines == []  # the scan was the dialog's, not the cart's

    with qtbot.waitSignal(dialog.printed, timeout=15_000) as printed:
        qtbot.keyClick(dialog.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed.args[0].ok and dialog.message.text() == f"Printed the pick list of {number}."
    [(kind, pdf)] = pdf_printers
    assert kind == "picklist" and barcodes(pdf) == [number]

    with qtbot.waitSignal(dialog.changed, timeout=5000):
        qtbot.keyClick(dialog.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert dialog.message.text() == f"{number} marked picked."
    assert dialog.table.item(dialog.table.currentRow(), 6).text().startswith("Picked ")
    assert dialog.table.item(dialog.table.currentRow(), 6).text().endswith("by Cashier")
    dialog.grab().save("/tmp/orders_list_dialog.png")
    qtbot.keyClick(dialog.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "already picked" in dialog.message.text(), timeout=5000)
    assert dialog.message.text() == f"Order {number} is already picked (by Cashier)."

    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # sell it
    qtbot.waitUntil(lambda: tab.customer is not None, timeout=5000)
    priced(qtbot, tab)
    assert cart(tab) == [("BP-1", "Part BP-1", "A-1", "10", "2", "113.00", "226.00")]
    assert tab.origin == {"order_number": number}
    assert tab.customer_label.text().startswith(f"Order {number}  ·  Customer: Wu Fang")
    tab.grab().save("/tmp/orders_cart.png")

    tender = open_dialog(qtbot, tab, Qt.Key.Key_F12, TenderDialog)
    qtbot.keyClicks(tender.cash, "300")
    with qtbot.waitSignal(tab.sold, timeout=5000) as sold:
        qtbot.keyClick(tender.cash, Qt.Key.Key_Return)
    sale = sold.args[0]
    order = CustomerOrder.get(CustomerOrder.number == number)
    assert (order.status, order.sold_as) == ("sold", sale.number)
    assert Sale.get(Sale.number == sale.number).total == 22_600
    assert tab.origin == {} and not tab.customer_label.text().startswith("Order")

    dialog = open_list(qtbot, tab)  # sold: off the list, and a scan of its pick list says so
    assert [row.number for row in dialog.rows] == [other]
    scan_into(qtbot, dialog, number)
    assert dialog.message.text() == f"Order {number} was already sold as {sale.number}."
    assert shown_errors == []


def test_an_order_is_cancelled_only_with_a_reason(qtbot, tab, staff, shop, shown_errors):
    number = orders.create_order(staff["cashier"], [LineRequest(shop["pads"], 1_000)], channel="phone")
    dialog = open_list(qtbot, tab)
    qtbot.keyClick(dialog.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Say why" in dialog.message.text(), timeout=5000)
    assert CustomerOrder.get(CustomerOrder.number == number).status == "open"
    qtbot.keyClicks(dialog.reason, "bought elsewhere")
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # Enter in the reason cancels; it never sells
    assert dialog.isVisible() and tab.lines == []
    assert dialog.rows == [] and dialog.table.rowCount() == 0 and not dialog.sell_button.isEnabled()
    assert dialog.message.text() == f"{number} cancelled."
    assert CustomerOrder.get(CustomerOrder.number == number).status == "cancelled"
    dialog.sell_selected()  # nothing left to sell (the button is off): it says so
    assert dialog.message.text() == "Select an order first (scan its pick list, or search)."
    assert dialog.isVisible() and tab.lines == []
    assert shown_errors == []


def test_a_pick_list_goes_to_the_a4_printer_and_a_printer_problem_keeps_the_order(qtbot, tab, shop, monkeypatch,
                                                                                  tmp_path, shown_errors):
    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "config").mkdir(parents=True)
    (tmp_path / "home" / "config" / "terminal.json").write_text('{"printer.a4": "Office", "printer.receipt": "Roll"}')
    assert print_path.printer_name("picklist") == "Office"  # the A4 printer, like an invoice

    scan(qtbot, tab, PADS)  # this PC has no printer (the suite's default): the order is kept, the message says so
    priced(qtbot, tab)
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F7, SaveOrderDialog)
    with qtbot.waitSignal(tab.printed, timeout=15_000) as printed:
        qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert not printed.args[0].ok
    assert tab.print_label.text() == ("The pick list SO-000001 was not printed: No printer is installed on this PC. "
                                      "The order is saved; press Ctrl+P on the Counter tab to print it again.")
    assert CustomerOrder.get(CustomerOrder.number == "SO-000001").status == "open" and tab.lines == []


def test_an_order_below_the_floor_is_saved_once_a_manager_approves(qtbot, tab, shop, manager_approves, shown_errors):
    scan(qtbot, tab, PADS)
    priced(qtbot, tab)
    tab.change_line(0, discount_bp=4_000)  # 40 % off: below the cashier's floor
    priced(qtbot, tab)
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F7, SaveOrderDialog)
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert saved.args == ["SO-000001"]
    assert manager_approves == [("cashier", "counter.below_floor", "take an order priced below the gross-profit floor")]
    assert CustomerOrderLine.get().discount_bp == 4_000


def test_bad_input_in_the_form_is_shown_and_nothing_is_saved(qtbot, tab, shop, monkeypatch, shown_errors):
    scan(qtbot, tab, PADS)
    priced(qtbot, tab)
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F7, SaveOrderDialog)
    dialog.reference.setMaxLength(100)  # as if the box let more through: the service still refuses it
    dialog.reference.setText("R" * 41)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.general.isVisible(), timeout=5000)
    assert "Nothing was saved" in dialog.general.text()
    assert dialog.reference.property("invalid") is True
    assert dialog.isVisible() and not CustomerOrder.select().exists() and len(tab.lines) == 1
