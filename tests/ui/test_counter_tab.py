"""The Counter tab (partsdesk.ui.counter_tab) with the tender dialog, on both engines: scans as
real timed key events through the application's ScannerFilter, prices from the services, the
sale committed through commit_sale."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_scanner import ean13, post, scanner_keys

from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import LostSale, Sale, SaleLine, SalePayment, transaction
from partsdesk.services import catalog, clock, membership, stock
from partsdesk.services.customers import save_customer
from partsdesk.ui.counter_tab import CounterTab, CustomerPickDialog, LineDialog, PartSearchDialog
from partsdesk.ui.tender_dialog import TenderDialog

PADS, FILTER, CALIPER, OLD = ean13(1), ean13(2), ean13(3), ean13(4)
UNKNOWN = ean13(99)
_clock_ms = itertools.count(1_000_000, 10_000)  # key timestamps: each scan well after the one before


@pytest.fixture
def shop(staff):
    """Brake pads (10 in stock), an oil filter (5), a caliper (2), a part no longer sold, and a
    member with a member card."""
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    catalog.ensure_standard_categories()

    def part(number: str, retail: str, cost: str, code: str, on_hand: int) -> int:
        part_id = catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": f"Part {number}",
                                                   "category": "brakes.pads", "price_retail": retail,
                                                   "price_trade": retail, "price_wholesale": retail, "cost": cost,
                                                   "tax_rate": "13", "bin": f"A-{number[-1]}"},
                                   barcodes=[code], numbers=[], fitments=[])
        if on_hand:
            with transaction():
                stock.post_move(part_id=part_id, qty=on_hand, unit_cost=1_000, reason="receipt", document="GR-1",
                                user_id=None)
        return part_id

    made = {"pads": part("BP-1", "113.00", "60.00", PADS, 10_000),
            "filter": part("OF-7", "45.20", "20.00", FILTER, 5_000),
            "caliper": part("CA-2", "565.00", "300.00", CALIPER, 2_000),
            "old": part("XX-9", "10.00", "5.00", OLD, 0)}
    catalog.set_part_active(staff["admin"], made["old"], False, reason="superseded")
    made["member"] = save_customer(staff["cashier"], None, {"kind": "person", "name": "Wu Fang"}, phones=[])
    made["card"] = membership.enroll(staff["cashier"], made["member"])
    return made


@pytest.fixture
def tab(open_counter, staff, shop, scanner, shown_errors) -> CounterTab:
    counter = open_counter(staff["cashier"], scanner=scanner)
    assert scanner.owner == counter.add_scan
    return counter


def scan(qtbot, tab: CounterTab, code: str) -> None:
    """The scanner reads ``code``: its keys arrive at the focused widget, timed like a scanner."""
    with qtbot.waitSignal(tab.scan_handled, timeout=5000, check_params_cb=lambda handled: handled == code):
        post(QApplication.focusWidget() or tab.entry, scanner_keys(code, start_ms=next(_clock_ms)))


def priced(qtbot, tab: CounterTab) -> None:
    qtbot.waitUntil(lambda: tab._current() and not tab._looking_up and not tab._scans, timeout=5000)


def open_dialog(qtbot, tab: CounterTab, key: Qt.Key, kind: type):
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        qtbot.keyClick(QApplication.focusWidget(), key)
    dialog = opened.args[0]
    assert isinstance(dialog, kind)
    return dialog


def cart(tab: CounterTab) -> list[tuple[str, ...]]:
    return [tuple(tab.table.item(row, column).text() for column in range(tab.table.columnCount()))
            for row in range(tab.table.rowCount())]


def test_a_cashier_scans_three_parts_tenders_cash_and_sees_the_change(qtbot, tab, shop, shown_errors):
    for code in (PADS, FILTER, PADS):
        scan(qtbot, tab, code)
    priced(qtbot, tab)
    assert cart(tab) == [("BP-1", "Part BP-1", "A-1", "10", "2", "113.00", "226.00"),
                         ("OF-7", "Part OF-7", "A-7", "5", "1", "45.20", "45.20")]
    assert tab.total_label.text() == "Total 271.20"
    assert tab.customer_label.text() == "Walk-in customer: retail prices."
    assert tab.entry.text() == ""  # the scans never reached the box
    tab.grab().save("/tmp/counter_tab.png")

    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F12, TenderDialog)
    assert dialog.on_account is None and dialog.prepaid is None and dialog.points is None  # a walk-in
    qtbot.keyClicks(dialog.cash, "300")
    assert dialog.change_label.text() == "Change 28.80" and dialog.left_label.text() == "Left to pay 0.00"
    dialog.grab().save("/tmp/counter_tender.png")
    with qtbot.waitSignal(tab.sold, timeout=5000):
        qtbot.keyClick(dialog.cash, Qt.Key.Key_Return)

    assert tab.message.text() == "RC-000001: change 28.80"
    assert tab.lines == [] and tab.table.rowCount() == 0 and tab.total_label.text() == "Total 0.00"
    sale = Sale.get(Sale.number == "RC-000001")
    assert (sale.kind, sale.total, sale.customer_id) == ("receipt", 27_120, None)
    lines = [(line.part_id, line.qty, line.total) for line in SaleLine.select().where(SaleLine.sale == sale.id)
             .order_by(SaleLine.line_no)]
    assert lines == [(shop["pads"], 2_000, 22_600), (shop["filter"], 1_000, 4_520)]
    paid = SalePayment.get(SalePayment.sale == sale.id)
    assert (paid.method, paid.amount, paid.tendered, paid.change_given) == ("cash", 27_120, 30_000, 2_880)
    assert stock.on_hand([shop["pads"]]) == {shop["pads"]: 8_000}
    assert shown_errors == []


def test_an_unknown_or_retired_barcode_says_so_and_adds_nothing(qtbot, tab):
    scan(qtbot, tab, UNKNOWN)
    assert "Unknown barcode" in tab.message.text() and UNKNOWN in tab.message.text()
    scan(qtbot, tab, OLD)
    assert "no longer sold" in tab.message.text()
    assert tab.lines == [] and tab.table.rowCount() == 0


def test_scans_arriving_during_a_lookup_are_queued_in_order(qtbot, tab, shop):
    codes = [FILTER, PADS, UNKNOWN, FILTER, CALIPER]
    events = []
    for code in codes:
        events += scanner_keys(code, start_ms=next(_clock_ms))
    post(tab.entry, events)
    qtbot.waitUntil(lambda: tab.message.text().startswith("CA-2"), timeout=5000)
    priced(qtbot, tab)
    assert [(line.part_id, line.qty) for line in tab.lines] == [
        (shop["filter"], 2_000), (shop["pads"], 1_000), (shop["caliper"], 1_000)]


def test_n_star_sets_the_next_scans_quantity_and_esc_drops_it(qtbot, tab, shop):
    qtbot.keyClicks(tab.entry, "3*")
    assert tab.pending_label.text() == "Next scan: 3"
    scan(qtbot, tab, PADS)
    scan(qtbot, tab, FILTER)  # the quantity was for one scan only
    priced(qtbot, tab)
    assert [(line.part_id, line.qty) for line in tab.lines] == [(shop["pads"], 3_000), (shop["filter"], 1_000)]
    assert tab.entry.text() == "" and tab.pending_label.text() == ""

    qtbot.keyClicks(tab.entry, "5*")
    qtbot.keyClick(tab.entry, Qt.Key.Key_Escape)
    assert tab.entry.text() == "" and tab.pending_qty() is None
    scan(qtbot, tab, FILTER)
    priced(qtbot, tab)
    assert tab.lines[1].qty == 2_000

    qtbot.keyClicks(tab.entry, f"2*{PADS}")  # typed by hand: quantity and code, Enter
    with qtbot.waitSignal(tab.scan_handled, timeout=5000):
        qtbot.keyClick(tab.entry, Qt.Key.Key_Return)
    priced(qtbot, tab)
    assert tab.lines[0].qty == 5_000


def test_a_discount_below_the_floor_is_red_and_the_tender_asks_a_manager(qtbot, tab, shop, manager_approves):
    scan(qtbot, tab, PADS)
    priced(qtbot, tab)
    line_dialog = open_dialog(qtbot, tab, Qt.Key.Key_F4, LineDialog)
    line_dialog.discount.setText("40")
    with qtbot.waitSignal(tab.cart_shown, timeout=5000):
        qtbot.keyClick(line_dialog.discount, Qt.Key.Key_Return)
    priced(qtbot, tab)
    assert cart(tab)[0][5:] == ("67.80  −40 %", "67.80")
    assert tab.table.item(0, 0).foreground().color().name() == "#c62828"
    assert "below your floor" in tab.table.item(0, 0).toolTip()
    assert "BP-1: Gross profit" in tab.problems_label.text()
    tab.grab().save("/tmp/counter_red.png")

    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F12, TenderDialog)
    qtbot.keyClicks(dialog.cash, "100")
    with qtbot.waitSignal(tab.sold, timeout=5000):
        qtbot.keyClick(dialog.cash, Qt.Key.Key_Return)
    assert [(user, permission) for user, permission, _text in manager_approves] == [
        ("cashier", "counter.below_floor")]
    assert tab.message.text() == "RC-000001: change 32.20"
    line = SaleLine.get(SaleLine.part == shop["pads"])
    assert (line.discount_bp, line.unit_price, line.approval_reason) == (4_000, 6_780, "approved at the counter")


def test_a_walk_in_cannot_pay_on_account_but_the_chosen_member_can_use_their_balances(qtbot, tab, shop):
    scan(qtbot, tab, FILTER)
    priced(qtbot, tab)
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F12, TenderDialog)
    assert "on_account" not in dialog.inputs and dialog.on_account is None
    dialog.reject()

    chooser = open_dialog(qtbot, tab, Qt.Key.Key_F3, CustomerPickDialog)
    with qtbot.waitSignal(tab.cart_shown, timeout=5000):  # the member card, scanned while the dialog is open
        post(chooser.box, scanner_keys(shop["card"], start_ms=next(_clock_ms)))
    assert tab.customer is not None and tab.customer.id == shop["member"]
    assert tab.dialog is None  # the card picked the customer and closed the dialog
    assert "Wu Fang" in tab.customer_label.text()

    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F12, TenderDialog)
    assert dialog.on_account is not None and dialog.prepaid is not None and dialog.points is not None
    dialog.grab().save("/tmp/counter_tender_member.png")
    dialog.reject()

    chooser = open_dialog(qtbot, tab, Qt.Key.Key_F3, CustomerPickDialog)
    with qtbot.waitSignal(tab.cart_shown, timeout=5000):
        qtbot.mouseClick(chooser.walk_in_button, Qt.MouseButton.LeftButton)
    assert tab.customer is None and "Walk-in" in tab.customer_label.text()


def test_a_customer_found_by_name_with_f3(qtbot, tab, shop):
    chooser = open_dialog(qtbot, tab, Qt.Key.Key_F3, CustomerPickDialog)
    qtbot.keyClicks(chooser.box, "Wu")
    with qtbot.waitSignal(tab.cart_shown, timeout=5000):
        qtbot.keyClick(chooser.box, Qt.Key.Key_Return)  # Enter before the results came: picks the first
    assert tab.customer is not None and tab.customer.name == "Wu Fang"


def test_f2_search_picks_a_part_with_the_pending_quantity_and_del_removes_a_line(qtbot, tab, shop):
    qtbot.keyClicks(tab.entry, "2*")
    search = open_dialog(qtbot, tab, Qt.Key.Key_F2, PartSearchDialog)
    qtbot.keyClicks(search.box, "OF-7")
    qtbot.waitUntil(lambda: search.table.rowCount() == 1, timeout=5000)
    with qtbot.waitSignal(tab.cart_shown, timeout=5000):
        qtbot.keyClick(search.box, Qt.Key.Key_Return)
    assert [(line.part_id, line.qty) for line in tab.lines] == [(shop["filter"], 2_000)]
    scan(qtbot, tab, PADS)
    priced(qtbot, tab)
    tab.table.selectRow(0)
    qtbot.keyClick(tab.entry, Qt.Key.Key_Delete)  # the entry is empty: Del removes the selected line
    priced(qtbot, tab)
    assert [line.part_id for line in tab.lines] == [shop["pads"]]
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    priced_empty = tab.lines == [] and tab.total_label.text() == "Total 0.00"
    assert priced_empty


def test_lowering_a_short_line_to_the_stock_records_the_lost_sale(qtbot, tab, shop):
    qtbot.keyClicks(tab.entry, "3*")
    scan(qtbot, tab, CALIPER)  # 2 on the shelf
    priced(qtbot, tab)
    assert tab.table.item(0, 0).foreground().color().name() == "#c62828"
    assert "short by 1" in tab.problems_label.text()
    line_dialog = open_dialog(qtbot, tab, Qt.Key.Key_F4, LineDialog)
    line_dialog.qty.setText("2")
    with qtbot.waitSignal(tab.lost_sale_recorded, timeout=5000) as recorded:
        qtbot.keyClick(line_dialog.qty, Qt.Key.Key_Return)
    assert recorded.args == [shop["caliper"], 1_000]
    priced(qtbot, tab)
    assert tab.problems_label.text() == "" and "lost sale" in tab.message.text()
    assert [(row.part_id, row.qty) for row in LostSale.select()] == [(shop["caliper"], 1_000)]


def test_a_tender_that_cannot_be_taken_keeps_the_dialog_open_and_sells_nothing(qtbot, tab, shop):
    scan(qtbot, tab, FILTER)
    priced(qtbot, tab)
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F12, TenderDialog)
    qtbot.keyClicks(dialog.card, "45.20")  # no reference from the card slip
    assert "reference" in dialog.errors.current.get("reference", "")
    qtbot.keyClick(dialog.card, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.left_label.text() == "Left to pay 45.20"
    dialog.card.setText("50")
    dialog.card_reference.setText("T-778")
    assert "more than the 45.20 left to pay" in dialog.errors.current.get("field.card", "")
    qtbot.keyClick(dialog.card, Qt.Key.Key_Return)
    assert dialog.isVisible() and Sale.select().count() == 0
    dialog.card.setText("45.20")
    with qtbot.waitSignal(tab.sold, timeout=5000):
        qtbot.keyClick(dialog.card, Qt.Key.Key_Return)
    assert tab.message.text() == "RC-000001: change 0.00"
    assert SalePayment.get().reference == "T-778"


def test_scans_during_the_tender_wait_for_the_next_cart(qtbot, tab, shop):
    scan(qtbot, tab, FILTER)
    priced(qtbot, tab)
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F12, TenderDialog)
    post(dialog.cash, scanner_keys(PADS, start_ms=next(_clock_ms)))
    qtbot.waitUntil(lambda: "wait for the next cart" in tab.message.text(), timeout=5000)
    assert dialog.cash.text() == "" and [line.part_id for line in tab.lines] == [shop["filter"]]
    dialog.cash.setText("50")
    with qtbot.waitSignal(tab.scan_handled, timeout=5000):
        qtbot.keyClick(dialog.cash, Qt.Key.Key_Return)
    priced(qtbot, tab)
    assert Sale.select().count() == 1
    assert [(line.part_id, line.qty) for line in tab.lines] == [(shop["pads"], 1_000)]


def test_f8_parks_the_cart_and_recalls_it_with_its_customer(qtbot, tab, shop):
    from partsdesk.services import sales
    from partsdesk.ui.counter_tab import HeldSalesDialog

    scan(qtbot, tab, PADS)
    scan(qtbot, tab, PADS)
    tab.choose_customer(shop["member"])
    qtbot.waitUntil(lambda: tab.customer is not None, timeout=5000)
    priced(qtbot, tab)
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F8, HeldSalesDialog)
    assert dialog.name.text() == "Wu Fang"  # the customer's name, ready to keep or change
    dialog.name.clear()
    dialog.accept_choice()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert "name" in dialog.errors.current and sales.held_carts(tab.actor) == []  # nothing parked yet
    dialog.name.setText("Wu Fang, brakes")
    with qtbot.waitSignal(dialog.parked, timeout=5000):
        dialog.accept_choice()
    assert tab.lines == [] and tab.customer is None and "parked" in tab.message.text()

    scan(qtbot, tab, FILTER)  # serve someone else meanwhile
    tab.clear_cart()
    dialog = open_dialog(qtbot, tab, Qt.Key.Key_F8, HeldSalesDialog)  # an empty cart: the parked sales
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
    assert dialog.table.item(0, 0).text() == "Wu Fang, brakes" and dialog.table.item(0, 2).text() == "1"
    with qtbot.waitSignal(dialog.recalled, timeout=5000):
        dialog.accept_choice()
    qtbot.waitUntil(lambda: tab.customer is not None and tab.customer.id == shop["member"], timeout=5000)
    assert [(line.part_id, line.qty) for line in tab.lines] == [(shop["pads"], 2_000)]
    assert sales.held_carts(tab.actor) == []  # recalled once, gone from the list
