"""Quotes on the Counter tab (F9, partsdesk.ui.quote_dialog), on both engines: the cart saved as a
quote with labour and printed through the print path; a quote found (typed or scanned) and sold
into the cart, where a changed price shows both prices and the cashier's choice is what is sold;
an expired quote re-priced with a notice; reprint and cancel from the list."""

from __future__ import annotations

import itertools
import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import test_counter_tab
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_counter_tab import FILTER, PADS, cart, open_dialog, priced, scan
from test_scanner import post, scanner_keys

from partsdesk.models import AuditLog, Part, Quote, QuoteLine, Sale, SaleLine
from partsdesk.services import clock
from partsdesk.services.quotes import LabourRequest, save_quote
from partsdesk.services.sales import LineRequest
from partsdesk.ui import print_path
from partsdesk.ui.counter_tab import CounterTab
from partsdesk.ui.quote_dialog import QuotePriceDialog, QuotesDialog, SaveQuoteDialog
from partsdesk.ui.tender_dialog import TenderDialog

_clock_ms = itertools.count(50_000_000, 10_000)
# the Counter tab's own fixtures: its shop and tab
shop, tab = test_counter_tab.shop, test_counter_tab.tab
SOLD_AT = datetime(2026, 11, 22, 10, 0)  # the clock of test_counter_tab's shop


def quote_in_shop(staff, shop, *, days: int = 14) -> str:
    """QT-000001 for two brake pads (113.00 each) and one hour of fitting at 150.00."""
    result = save_quote(staff["cashier"], [LineRequest(shop["pads"], 2_000)],
                        labour=[LabourRequest("Fit brake pads", 1_000)],
                        valid_until=clock.shop_today() + timedelta(days=days))
    return result.number


def quotes_list(qtbot, tab: CounterTab, rows: int) -> QuotesDialog:
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F9, QuotesDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == rows and bool(dialog.note.text()), timeout=5000)
    return dialog


def sell_for_cash(qtbot, tab: CounterTab, amount: str) -> Sale:
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F12, TenderDialog)
    qtbot.keyClicks(dialog.cash, amount)
    with qtbot.waitSignal(tab.sold, timeout=5000) as sold:
        qtbot.keyClick(dialog.cash, Qt.Key.Key_Return)
    return Sale.get(Sale.number == sold.args[0].number)


def test_f9_saves_the_cart_as_a_quote_with_labour_and_prints_it(qtbot, tab, shop, shown_errors):
    scan(qtbot, tab, PADS)
    scan(qtbot, tab, PADS)
    scan(qtbot, tab, FILTER)
    priced(qtbot, tab)
    assert tab.quote_button.text() == "F9 Quote"
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F9, SaveQuoteDialog)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    assert dialog.valid_until.date().toPython() == clock.shop_today() + timedelta(days=14)  # the shop's default
    dialog.add_labour("Fit brake pads", "1.5")
    assert dialog.labour.item(0, 2).text() == "150.00"  # the shop's labour rate
    dialog.add_labour("Check discs 检查", "0.5", "80")
    qtbot.keyClicks(dialog.note, "pads in stock")
    dialog.grab().save("/tmp/quote_save_dialog.png")

    dialog.labour.item(1, 1).setText("half")  # a number that cannot be read: said, nothing saved
    dialog.save()
    assert "Labour line 2: hours" in dialog.labour_errors.text() and Quote.select().count() == 0
    dialog.labour.item(1, 1).setText("0.5")

    with qtbot.waitSignal(tab.printed, timeout=15_000) as printed:
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    quote = Quote.get(Quote.number == "QT-000001")
    assert quote.total == 22_600 + 4_520 + 22_500 + 4_000 and quote.note == "pads in stock"
    kinds = [(x.kind, x.description, x.qty, x.unit_price) for x in
             QuoteLine.select().where(QuoteLine.quote == quote.id).order_by(QuoteLine.line_no)]
    assert kinds == [("part", "Part BP-1", 2_000, 11_300), ("part", "Part OF-7", 1_000, 4_520),
                     ("labour", "Fit brake pads", 1_500, 15_000), ("labour", "Check discs 检查", 500, 8_000)]
    assert tab.lines == [] and tab.origin == {}
    assert tab.message.text().startswith("Quote QT-000001 saved, total 536.20, valid until ")
    outcome = printed.args[0]  # this test PC has no printer: said, and how to print it again
    assert (outcome.number, outcome.kind, outcome.ok) == ("QT-000001", "quote", False)
    assert "The quote is saved; press Ctrl+P on the Counter tab" in tab.print_label.text()
    assert shown_errors == []


def test_a_quote_below_the_floor_asks_a_manager(qtbot, tab, shop, manager_approves):
    scan(qtbot, tab, PADS)
    priced(qtbot, tab)
    tab.change_line(0, discount_bp=5_000)
    priced(qtbot, tab)
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F9, SaveQuoteDialog)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    assert [permission for _user, permission, _text in manager_approves] == ["counter.below_floor"]
    assert QuoteLine.get().unit_price == 5_650


def test_a_quote_sold_after_a_price_rise_shows_both_prices_and_the_held_one_is_sold(qtbot, tab, staff, shop,
                                                                                  shown_errors):
    number = quote_in_shop(staff, shop)
    Part.update(price_retail=12_430).where(Part.id == shop["pads"]).execute()
    dialog = quotes_list(qtbot, tab, 1)
    assert [dialog.table.item(0, c).text() for c in (0, 3, 5)] == [number, "376.00", "Valid"]
    dialog.grab().save("/tmp/quote_list_dialog.png")
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    choice = opened.args[0]
    assert isinstance(choice, QuotePriceDialog)
    assert [choice.table.item(0, c).text() for c in (0, 2, 3, 4)] == ["BP-1", "2", "113.00", "124.30"]
    choice.grab().save("/tmp/quote_price_dialog.png")
    assert choice.boxes[1].isChecked()  # the quote's price, unless the cashier says otherwise
    qtbot.keyClick(choice.table, Qt.Key.Key_Return)
    priced(qtbot, tab)
    assert tab.lines == [LineRequest(shop["pads"], 2_000, held_price=11_300)]
    assert tab.origin == {"quote_number": number}
    assert cart(tab)[0][5:] == ("113.00", "226.00")
    assert cart(tab)[1] == ("Labour", "Fit brake pads", "", "", "1 h", "150.00", "150.00")  # shown, not editable
    assert tab.total_label.text() == "Total 376.00"  # the labour is in the total
    assert tab.customer_label.text().startswith(f"From quote {number}, valid until ")
    assert "Labour 1 h, 150.00, is in the total." in tab.message.text()
    tab.grab().save("/tmp/quote_in_cart.png")

    sale = sell_for_cash(qtbot, tab, "400")
    lines = [(x.description, x.unit, x.unit_price) for x in
             SaleLine.select().where(SaleLine.sale == sale.id).order_by(SaleLine.line_no)]
    assert lines == [("Part BP-1", "pcs", 11_300), ("Fit brake pads", "h", 15_000)]
    assert Quote.get(Quote.number == number).converted_to == sale.number
    recorded = json.loads(AuditLog.get((AuditLog.action == "sale.commit") &
                                       (AuditLog.object_id == sale.number)).new_value)
    assert recorded["quote"]["lines"][0]["choice"] == "quoted" and recorded["quote"]["lines"][0]["today"] == 12_430
    assert shown_errors == []

    dialog = quotes_list(qtbot, tab, 1)  # sold once: the list says so, and it cannot be sold again
    assert dialog.table.item(0, 5).text() == f"Sold → {sale.number}"
    dialog.sell()
    qtbot.waitUntil(lambda: "already sold as" in dialog.general.text(), timeout=5000)


def test_the_cashier_may_choose_todays_price_on_a_line(qtbot, tab, staff, shop):
    number = quote_in_shop(staff, shop)
    Part.update(price_retail=10_170).where(Part.id == shop["pads"]).execute()  # cheaper today
    dialog = quotes_list(qtbot, tab, 1)
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        dialog.sell()
    choice = opened.args[0]
    choice.boxes[1].setChecked(False)
    choice.decide()
    priced(qtbot, tab)
    assert tab.lines == [LineRequest(shop["pads"], 2_000)]
    assert cart(tab)[0][5:] == ("101.70", "203.40")
    sale = sell_for_cash(qtbot, tab, "400")
    assert sale.total == 20_340 + 15_000
    assert Quote.get(Quote.number == number).status == "converted"


def test_an_expired_quote_is_re_priced_with_a_notice(qtbot, tab, staff, shop):
    number = quote_in_shop(staff, shop, days=1)
    Part.update(price_retail=12_430).where(Part.id == shop["pads"]).execute()
    clock.set_clock(lambda: SOLD_AT + timedelta(days=3))
    dialog = quotes_list(qtbot, tab, 1)
    assert dialog.table.item(0, 5).text() == "Expired"
    with qtbot.waitSignal(tab.cart_shown, timeout=5000):
        dialog.sell()  # no choice to make: the quote's prices no longer hold
    priced(qtbot, tab)
    assert tab.lines == [LineRequest(shop["pads"], 2_000)]
    assert cart(tab)[0][5:] == ("124.30", "248.60")
    assert f"Quote {number} expired on" in tab.message.text()
    assert "re-priced at today's 124.30 (quoted 113.00)" in tab.message.text()
    assert tab.customer_label.text().startswith(f"Quote {number} expired on")
    assert tab.total_label.text() == "Total 398.60"  # the labour at today's rate (unchanged: 150.00)


def test_scanning_a_quotes_barcode_in_the_list_sells_it(qtbot, tab, staff, shop):
    number = quote_in_shop(staff, shop)
    dialog = quotes_list(qtbot, tab, 1)
    with qtbot.waitSignal(tab.cart_shown, timeout=5000):
        post(QApplication.focusWidget() or dialog.box, scanner_keys(number, start_ms=next(_clock_ms)))
    priced(qtbot, tab)
    assert tab.origin == {"quote_number": number} and tab.lines[0].held_price == 11_300


def test_the_list_reprints_and_cancels_a_quote(qtbot, tab, staff, shop, monkeypatch):
    number = quote_in_shop(staff, shop)
    asked: list[tuple[str, str, bool]] = []
    monkeypatch.setattr(print_path, "print_document",
                        lambda *_a, number, kind, copy=False, mode, on_done=None: asked.append((number, kind, copy)))
    dialog = quotes_list(qtbot, tab, 1)
    qtbot.keyClick(dialog.box, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert asked == [(number, "quote", True)]
    dialog.cancel_selected()
    assert dialog.reason.isVisible()
    dialog.cancel_selected()  # no reason: said, nothing changed
    qtbot.waitUntil(lambda: "why" in dialog.errors.current.get("reason", ""), timeout=5000)
    assert Quote.get(Quote.number == number).status == "open"
    qtbot.keyClicks(dialog.reason, "customer declined")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.item(0, 5) is not None and dialog.table.item(0, 5).text() == "Cancelled",
                    timeout=5000)
    assert Quote.get(Quote.number == number).status == "cancelled"


def test_the_print_path_makes_the_quote_pdf_with_its_barcode(qtbot, staff, shop, runner, tmp_path, monkeypatch):
    number = quote_in_shop(staff, shop)
    pdf = print_path.document_pdf(number.lower(), "quote", True)
    path = tmp_path / "quote.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert f"Number: {number}" in text and "Reprint of quote" in text and "Labour total" in text
    valid = (clock.shop_today() + timedelta(days=14)).isoformat()
    assert f"Valid until: {valid}" in text
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    codes = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True,
                           text=True).stdout.split()
    assert codes == [number]
    assert print_path.printer_name("quote", tmp_path / "none.json") == ""  # the A4 printer's setting
    assert print_path.PRINTER_SETTING["quote"] == "printer.a4"

    saved = tmp_path / "saved.pdf"
    monkeypatch.setattr("partsdesk.ui.print_path.QFileDialog.getSaveFileName",
                        lambda *_args: (str(saved), "PDF files (*.pdf)"))
    outcomes = []
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    print_path.print_document(parent, runner, number=number, kind="quote", mode="pdf", on_done=outcomes.append)
    qtbot.waitUntil(lambda: bool(outcomes), timeout=15_000)
    assert outcomes[0].ok and Path(outcomes[0].path) == saved and saved.read_bytes().startswith(b"%PDF")


def test_a_held_line_keeps_its_quoted_price_for_more_pieces_but_not_under_a_discount(qtbot, tab, staff, shop):
    quote_in_shop(staff, shop)
    dialog = quotes_list(qtbot, tab, 1)
    with qtbot.waitSignal(tab.cart_shown, timeout=5000):
        dialog.sell()
    tab.change_line(0, qty=3_000)
    assert tab.lines[0] == LineRequest(shop["pads"], 3_000, held_price=11_300)
    tab.change_line(0, discount_bp=1_000)  # the cashier's own price replaces the quote's
    assert tab.lines[0] == LineRequest(shop["pads"], 3_000, discount_bp=1_000)
    priced(qtbot, tab)
    assert cart(tab)[0][5] == "101.70  −10 %"
    scan(qtbot, tab, PADS)  # F9 with this cart: a new quote, priced afresh
    priced(qtbot, tab)
    save = open_dialog(qtbot, tab, Qt.Key.Key_F9, SaveQuoteDialog)
    assert all(line.held_price is None for line in save.lines)


def test_a_cart_from_a_quote_parked_and_recalled_still_sells_at_the_held_price(qtbot, tab, staff, shop,
                                                                              shown_errors):
    from partsdesk.ui.counter_tab import HeldSalesDialog

    number = quote_in_shop(staff, shop)
    Part.update(price_retail=12_430).where(Part.id == shop["pads"]).execute()
    dialog = quotes_list(qtbot, tab, 1)
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    qtbot.keyClick(opened.args[0].table, Qt.Key.Key_Return)  # keep the quoted price
    priced(qtbot, tab)
    park = open_dialog(qtbot, tab, Qt.Key.Key_F8, HeldSalesDialog)
    park.name.setText("quote customer")
    with qtbot.waitSignal(park.parked, timeout=5000):
        park.accept_choice()
    assert tab.lines == [] and tab.origin == {}

    recall = open_dialog(qtbot, tab, Qt.Key.Key_F8, HeldSalesDialog)
    qtbot.waitUntil(lambda: recall.table.rowCount() == 1, timeout=5000)
    with qtbot.waitSignal(recall.recalled, timeout=5000):
        recall.accept_choice()
    priced(qtbot, tab)
    assert tab.lines == [LineRequest(shop["pads"], 2_000, held_price=11_300)]
    assert tab.origin == {"quote_number": number} and tab.total_label.text() == "Total 376.00"
    sale = sell_for_cash(qtbot, tab, "400")
    assert Quote.get(Quote.number == number).converted_to == sale.number
    assert shown_errors == []
