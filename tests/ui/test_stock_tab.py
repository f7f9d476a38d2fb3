"""The Stock tab (partsdesk.ui.stock_tab) on both engines: the stock list paged and filtered in
SQL (services.stock_list), the low-stock badge, scans through the application's ScannerFilter,
and the labels view down to a saved PDF whose every barcode zbarimg reads."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from test_scanner import ean13, post, scanner_keys

from partsdesk.domain import labels as layouts
from partsdesk.domain.errors import PermissionDenied
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import Part, StockBalance, StockMove, transaction
from partsdesk.models.stock import QUARANTINE_LOCATION_ID
from partsdesk.services import catalog, clock, purchasing, stock, stock_list
from partsdesk.services.purchasing import ReceiveLine
from partsdesk.ui.stock_tab import StockTab
from tests.services.test_labels import decode_labels

PADS, FILTER = ean13(11), ean13(12)
_clock_ms = itertools.count(5_000_000, 10_000)


@pytest.fixture
def stock_shop(staff):
    """Pads (EAN, 3 on hand, min 5: low), a caliper (shop code, -1: negative), a filter (EAN, 10
    on hand, 2 in quarantine, min 2), a bolt without a barcode (no minimum), and ten springs
    SP-01…SP-10 (4 on hand, min 5: low) for paging."""
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    catalog.ensure_standard_categories()

    def part(number: str, name: str, barcodes: list[str], **extra) -> int:
        return catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": name,
                                                "category": "brakes.pads", "price_retail": "10.00",
                                                "price_trade": "9.00", "price_wholesale": "8.00", "cost": "5.00",
                                                "tax_rate": "13", **extra}, barcodes=barcodes, numbers=[], fitments=[])

    ids = {
        "pads": part("BP-1", "Brake pad set", [PADS], min_qty="5", max_qty="20", bin="A-01"),
        "caliper": part("CA-2", "Brake caliper", ["PD-0002"], bin="B-02"),
        "filter": part("FL-3", "Oil filter", [FILTER], min_qty="2", bin="C-03"),
        "bolt": part("M8X25", "Wheel bolt", []),
    }
    springs = [part(f"SP-{n:02d}", f"Spring {n}", [], min_qty="5") for n in range(1, 11)]
    with transaction():
        for part_id, qty in ((ids["pads"], 3_000), (ids["caliper"], -1_000), (ids["filter"], 10_000)):
            stock.post_move(part_id=part_id, qty=qty, unit_cost=500, reason="receipt", document="GR-1", user_id=None)
        stock.post_move(part_id=ids["filter"], qty=2_000, unit_cost=500, reason="receipt", document="GR-1",
                        user_id=None, location_id=QUARANTINE_LOCATION_ID)
        for part_id in springs:
            stock.post_move(part_id=part_id, qty=4_000, unit_cost=500, reason="receipt", document="GR-1",
                            user_id=None)
    ids["springs"] = springs
    return ids


@pytest.fixture
def open_stock(qtbot, runner, scanner):
    def show(actor, *, page_size: int = 100) -> StockTab:
        tab = StockTab(runner, actor, scanner=scanner)
        tab.list_view.model.page_size = page_size
        qtbot.addWidget(tab)
        tab.resize(1100, 640)
        tab.show()
        qtbot.waitExposed(tab)
        with qtbot.waitSignal(tab.list_view.model.results_shown, timeout=5000), \
                qtbot.waitSignal(tab.badge_changed, timeout=5000):
            tab.start()
        return tab

    return show


def column(model, key: str) -> int:
    return next(c for c in range(len(model.columns)) if model.columns[c].key == key)


def numbers(tab: StockTab) -> list[str]:
    return [row.number for row in tab.list_view.model.rows]


def scan(qtbot, view, code: str) -> None:
    """The scanner reads ``code``: timed keys at the focused widget; waits until the view took it."""
    with qtbot.waitSignal(view.scan_handled, timeout=5000, check_params_cb=lambda handled: handled == code):
        post(QApplication.focusWidget() or view, scanner_keys(code, start_ms=next(_clock_ms)))


# --- the service -----------------------------------------------------------------------------------

def test_the_service_pages_filters_sorts_and_counts_low_stock_without_writing(stock_shop, staff):
    moves, balances = StockMove.select().count(), StockBalance.select().count()
    keeper = staff["storekeeper"]
    first = stock_list.list_stock(keeper, limit=5)
    assert first.total == 14 and [r.number for r in first.rows] == ["BP-1", "CA-2", "FL-3", "M8X25", "SP-01"]
    second = stock_list.list_stock(keeper, limit=5, offset=5)
    assert [r.number for r in second.rows] == ["SP-02", "SP-03", "SP-04", "SP-05", "SP-06"]
    low = stock_list.list_stock(keeper, filters=["low"])
    assert low.total == 11 and {r.number for r in low.rows} == {"BP-1", *(f"SP-{n:02d}" for n in range(1, 11))}
    assert [r.number for r in stock_list.list_stock(keeper, filters=["negative"]).rows] == ["CA-2"]
    [filt] = stock_list.list_stock(keeper, filters=["quarantine"]).rows
    assert (filt.number, filt.on_hand, filt.quarantine, filt.bin) == ("FL-3", 10_000, 2_000, "C-03")
    assert stock_list.list_stock(keeper, filters=["low", "quarantine"]).total == 0
    by_stock = stock_list.list_stock(keeper, sort="on_hand", limit=3)
    assert [r.number for r in by_stock.rows] == ["CA-2", "M8X25", "BP-1"]
    assert stock_list.list_stock(keeper, sort="on_hand", descending=True, limit=1).rows[0].number == "FL-3"
    # the search box is the catalogue's: a barcode, a number, words; filters apply to what it found
    assert [r.number for r in stock_list.list_stock(keeper, FILTER).rows] == ["FL-3"]
    assert [r.number for r in stock_list.list_stock(keeper, "caliper").rows] == ["CA-2"]
    assert [r.number for r in stock_list.list_stock(keeper, "brake", filters=["negative"]).rows] == ["CA-2"]
    assert stock_list.list_stock(keeper, "spring", limit=4, offset=8).total == 10
    assert stock_list.low_stock_count(keeper) == 11
    assert stock_list.low_stock_count(staff["cashier"]) == 11  # anyone who may look parts up
    with pytest.raises(ValueError):
        stock_list.list_stock(keeper, filters=["bogus"])
    assert (StockMove.select().count(), StockBalance.select().count()) == (moves, balances)


def test_the_service_checks_the_permission(stock_shop, staff):
    from dataclasses import replace

    nobody = replace(staff["technician"], role="nobody")
    with pytest.raises(PermissionDenied):
        stock_list.list_stock(nobody)


@pytest.fixture
def orders(stock_shop, staff):
    """Open purchase orders: pads 10 sent, 4 of them received (6 still on order, and on hand 3 + 4);
    SP-01 6 sent; a draft of the filter 3 (and pads 2, taken off the draft again); a cancelled
    order of 5 calipers. The pads are class A; the rest never classed."""
    keeper = staff["storekeeper"]
    acme = purchasing.save_supplier(keeper, None, {"name": "Acme"})
    sent = purchasing.create_order(keeper, acme, lines=[(stock_shop["pads"], "10"),
                                                        (stock_shop["springs"][0], "6")])
    purchasing.send(keeper, sent)
    purchasing.receive(keeper, acme, [ReceiveLine(part_id=stock_shop["pads"], qty=4_000)], sent)
    draft = purchasing.create_order(keeper, acme, lines=[(stock_shop["pads"], "2"), (stock_shop["filter"], "3")])
    purchasing.remove_line(keeper, draft, 1)
    cancelled = purchasing.create_order(keeper, acme, lines=[(stock_shop["caliper"], "5")])
    purchasing.cancel(keeper, cancelled, "ordered by mistake")
    with transaction():
        Part.update(abc_class="A").where(Part.id == stock_shop["pads"]).execute()
    return {"sent": sent, "draft": draft}


def test_the_service_shows_on_order_available_and_abc_class(orders, stock_shop, staff):
    keeper = staff["storekeeper"]
    rows = {r.number: r for r in stock_list.list_stock(keeper, limit=20).rows}
    pads, spring, filt, caliper = rows["BP-1"], rows["SP-01"], rows["FL-3"], rows["CA-2"]
    assert (pads.on_hand, pads.reserved, pads.available, pads.on_order, pads.abc_class) == (7_000, 0, 7_000, 6_000,
                                                                                              "A")
    assert (spring.on_order, spring.available, spring.abc_class) == (6_000, 4_000, "")
    assert filt.on_order == 3_000  # a draft is an open order; the line taken off it is not
    assert (caliper.on_order, caliper.available) == (0, -1_000)  # a cancelled order expects nothing
    assert not pads.low and spring.low  # low is on hand below min: an order on the way does not lift it
    # the same figures when the rows come from a search, and while the orders move on
    [found] = stock_list.list_stock(keeper, "pad set").rows
    assert found == pads
    purchasing.close(keeper, orders["sent"], "rest no longer made")
    rows = {r.number: r for r in stock_list.list_stock(keeper, limit=20).rows}
    assert (rows["BP-1"].on_order, rows["SP-01"].on_order, rows["FL-3"].on_order) == (0, 0, 3_000)


# --- the stock list ----------------------------------------------------------------------------------

def test_the_list_pages_as_it_scrolls_and_filters_in_sql(qtbot, open_stock, stock_shop, staff, shown_errors):
    tab = open_stock(staff["storekeeper"], page_size=5)
    view = tab.list_view
    assert numbers(tab) == ["BP-1", "CA-2", "FL-3", "M8X25", "SP-01"]
    assert view.count_label.text() == "14 parts"
    model = view.model
    view.table.scrollToBottom()  # the table asks for the next page (a tall table may already have)
    if model.canFetchMore():
        model.fetchMore()
    qtbot.waitUntil(lambda: len(model.rows) == 14, timeout=5000)  # page by page, each a query of 5
    assert numbers(tab)[5:] == [f"SP-{n:02d}" for n in range(2, 11)] and not model.canFetchMore()
    # flags and columns as the storekeeper reads them
    cells = {model.columns[c].key: model.index(0, c).data() for c in range(len(model.columns))}
    assert cells == {"number": "BP-1", "name": "Brake pad set", "brand": "Bosch", "bin": "A-01", "on_hand": "3",
                     "reserved": "", "available": "3", "on_order": "", "quarantine": "", "min": "5", "max": "20", "abc": "–",
                     "flags": "low"}
    flag = column(model, "flags")
    assert model.index(1, flag).data() == "negative"
    assert model.index(1, column(model, "available")).data() == "-1"
    assert model.index(0, column(model, "abc")).data(Qt.ItemDataRole.ToolTipRole) == "Not classed yet"

    with qtbot.waitSignal(model.results_shown, timeout=5000):
        view.negative_box.setChecked(True)
    assert numbers(tab) == ["CA-2"] and view.count_label.text() == "1 part"
    with qtbot.waitSignal(model.results_shown, timeout=5000):
        view.negative_box.setChecked(False)
    with qtbot.waitSignal(model.results_shown, timeout=5000):
        view.quarantine_box.setChecked(True)
    assert numbers(tab) == ["FL-3"]
    assert model.index(0, column(model, "quarantine")).data() == "2"
    with qtbot.waitSignal(model.results_shown, timeout=5000):
        view.quarantine_box.setChecked(False)
    with qtbot.waitSignal(model.results_shown, timeout=5000):
        view.low_box.setChecked(True)
    assert view.count_label.text() == "11 parts" and len(model.rows) == 5
    with qtbot.waitSignal(model.results_shown, timeout=5000):
        view.search_box.setText("pad set")
    assert numbers(tab) == ["BP-1"]
    # sorted in SQL by a header
    with qtbot.waitSignal(model.results_shown, timeout=5000):
        view.search_box.clear()
    with qtbot.waitSignal(model.results_shown, timeout=5000):
        view.low_box.setChecked(False)
    on_hand = column(model, "on_hand")
    with qtbot.waitSignal(model.results_shown, timeout=5000):
        view.table.sortByColumn(on_hand, Qt.SortOrder.AscendingOrder)
    assert numbers(tab)[:3] == ["CA-2", "M8X25", "BP-1"]
    view.table.grab().save("/tmp/stock_list_sorted.png")
    assert shown_errors == []


def test_the_list_shows_on_order_available_and_the_class(qtbot, open_stock, orders, staff, shown_errors):
    tab = open_stock(staff["storekeeper"])
    model = tab.list_view.model
    rows = {row.number: i for i, row in enumerate(model.rows)}

    def cell(number: str, key: str, role=Qt.ItemDataRole.DisplayRole):
        return model.index(rows[number], column(model, key)).data(role)

    assert [cell("BP-1", key) for key in ("on_hand", "available", "on_order", "abc", "flags")] == ["7", "7", "6",
                                                                                                  "A", ""]
    assert cell("BP-1", "abc", Qt.ItemDataRole.ToolTipRole) == "Class A by 12 months' consumption value"
    assert cell("BP-1", "available", Qt.ItemDataRole.ToolTipRole) == "On hand 7 − reserved for jobs 0"
    assert [cell("SP-01", key) for key in ("on_hand", "available", "on_order", "abc", "flags")] == ["4", "4", "6",
                                                                                                   "–", "low"]
    assert cell("SP-01", "flags", Qt.ItemDataRole.ToolTipRole) == "Low: on hand is below the minimum (5).\n6 is on order."
    assert (cell("FL-3", "on_order"), cell("CA-2", "on_order")) == ("3", "")
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(model.columns))] == [
        "Part number", "Description", "Brand", "Bin", "On hand", "Reserved", "Available", "On order", "Quarantine",
        "Min", "Max", "ABC", "Flags"]
    assert cell("BP-1", "reserved") == ""  # nothing held for a repair order
    tab.grab().save("/tmp/stock_list_on_order.png")
    assert shown_errors == []


def test_the_badge_counts_low_stock_parts(qtbot, open_stock, stock_shop, staff):
    tab = open_stock(staff["storekeeper"])
    assert tab.low_count == 11
    assert tab.list_view.low_box.text() == "&Low stock (11)"
    with transaction():  # the pads come in: no longer low
        stock.post_move(part_id=stock_shop["pads"], qty=5_000, unit_cost=500, reason="receipt", document="GR-2",
                        user_id=None)
    with qtbot.waitSignal(tab.badge_changed, timeout=5000) as got:
        tab.refresh_badge()
    assert got.args == [10]
    tab.grab().save("/tmp/stock_list.png")


def test_a_scan_in_the_list_finds_the_part_whatever_the_filters(qtbot, open_stock, stock_shop, staff, scanner):
    tab = open_stock(staff["cashier"])
    assert scanner.owner == tab.take_scan
    view = tab.list_view
    with qtbot.waitSignal(view.model.results_shown, timeout=5000):
        view.low_box.setChecked(True)
    view.table.setFocus()
    scan(qtbot, view, FILTER)  # the filter is not low: the scan clears the filters to show it
    assert numbers(tab) == ["FL-3"] and not view.low_box.isChecked()
    assert view.search_box.text() == FILTER
    scan(qtbot, view, ean13(99))
    assert numbers(tab) == [] and "Unknown barcode" in view.count_label.text()
    tab.hide()
    assert scanner.owner is None  # another tab takes the scans


def test_a_cashier_and_a_technician_see_the_list_only(qtbot, open_stock, stock_shop, staff):
    for role in ("cashier", "technician"):
        tab = open_stock(staff[role])
        assert tab.views.isTabVisible(tab.views.indexOf(tab.list_view))
        assert not tab.views.isTabVisible(tab.views.indexOf(tab.labels_view))
        assert not tab.views.isTabVisible(tab.views.indexOf(tab.count_view))
        tab.show_view(tab.labels_view)
        assert tab.views.currentWidget() is tab.list_view
    tab.set_actor(staff["storekeeper"])
    assert tab.views.isTabVisible(tab.views.indexOf(tab.labels_view))
    assert tab.views.isTabVisible(tab.views.indexOf(tab.count_view))
    assert [tab.views.tabText(i) for i in range(tab.views.count()) if tab.views.isTabVisible(i)] == [
        "Stock list (Ctrl+1)", "Counts (Ctrl+2)", "Labels (Ctrl+3)", "Receiving (Ctrl+4)",
        "Purchase orders (Ctrl+5)", "Suppliers (Ctrl+6)", "Adjustments (Ctrl+7)", "Reports (Ctrl+8)"]
    tab.set_actor(staff["cashier"])
    assert [tab.views.tabText(i) for i in range(tab.views.count()) if tab.views.isTabVisible(i)] == [
        "Stock list (Ctrl+1)"]


# --- labels --------------------------------------------------------------------------------------------

def open_labels(qtbot, tab: StockTab):
    view = tab.labels_view
    with qtbot.waitSignal(view.results.results_shown, timeout=5000):
        qtbot.keyClick(tab, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert tab.views.currentWidget() is view
    return view


def test_labels_by_scan_and_search_saved_as_a_pdf_every_scanner_reads(qtbot, open_stock, stock_shop, staff,
                                                                      scanner, monkeypatch, tmp_path, shown_errors):
    tab = open_stock(staff["storekeeper"])
    tab.activateWindow()
    view = open_labels(qtbot, tab)
    assert scanner.owner == tab.take_scan
    scan(qtbot, view, PADS)
    scan(qtbot, view, PADS)  # a second scan: one more label of the same part
    scan(qtbot, view, "PD-0002")
    scan(qtbot, view, "M8X25")  # a bolt's label carries its number
    assert view.quantities() == [(stock_shop["pads"], 2), (stock_shop["caliper"], 1), (stock_shop["bolt"], 1)]
    scan(qtbot, view, ean13(98))
    assert "Unknown barcode" in view.error_label.text() and len(view.entries) == 3
    # the search: type, Enter adds the first result
    view.search_box.setFocus()
    qtbot.keyClicks(view.search_box, "oil filter")
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(view.entries) == 4, timeout=5000)
    assert view.entries[-1].part_id == stock_shop["filter"]
    view.entries[-1].spin.setValue(2)
    assert view.total_label.text() == "6 label(s) of 4 part(s)"
    # a 3 x 8 sheet whose first 4 labels are gone
    view.layout_box.setCurrentIndex(view.layout_box.findData("a4-3x8"))
    view.start_spin.setValue(5)
    target = tmp_path / "labels.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF files (*.pdf)"))
    view.grab().save("/tmp/labels_view.png")
    with qtbot.waitSignal(view.pdf_done, timeout=15000) as done:
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert done.args == ["pdf", str(target)]
    assert target.read_bytes().startswith(b"%PDF")
    layout = layouts.layout_named("a4-3x8")
    decoded = decode_labels(target, layout, range(4, 10))
    assert decoded == [[PADS], [PADS], ["PD-0002"], ["M8X25"], [FILTER], [FILTER]]
    assert decode_labels(target, layout, range(0, 4)) == [[], [], [], []]  # the peeled-off positions stay blank
    assert "Saved 6 label(s) on 1 page(s)" in view.note_label.text()
    assert shown_errors == []


def test_labels_preview_opens_and_print_without_a_printer_says_so(qtbot, open_stock, stock_shop, staff):
    tab = open_stock(staff["manager"])
    view = open_labels(qtbot, tab)
    view.add_part(tab.list_view.model.rows[0], 3)
    view.layout_box.setCurrentIndex(view.layout_box.findData("roll-50x30"))
    assert not view.start_spin.isEnabled()
    with qtbot.waitSignal(view.pdf_done, timeout=15000) as done:
        view.preview_button.click()
    preview = done.args[1]
    assert preview.isVisible() and preview._pages.count == 3  # one roll label a page
    preview.grab().save("/tmp/labels_preview.png")
    preview.close()
    view.print_button.click()  # the test PC has no printer (conftest): said inline, nothing printed
    qtbot.waitUntil(lambda: view.error_label.isVisible(), timeout=15000)
    assert "The labels were not printed: No printer is installed" in view.error_label.text()


def test_labels_print_on_the_label_printer(qtbot, open_stock, stock_shop, staff, pdf_printers):
    tab = open_stock(staff["storekeeper"])
    view = open_labels(qtbot, tab)
    view.add_part(tab.list_view.model.rows[0], 2)
    view.layout_box.setCurrentIndex(view.layout_box.findData("roll-40x25"))
    with qtbot.waitSignal(view.pdf_done, timeout=15000) as done:
        view.print_button.click()
    assert done.args == ["print", 2]
    [(kind, path)] = pdf_printers
    assert kind == "label" and path.read_bytes().startswith(b"%PDF")


def test_bad_labels_input_is_said_inline_and_nothing_is_made(qtbot, open_stock, stock_shop, staff, monkeypatch,
                                                             tmp_path):
    tab = open_stock(staff["storekeeper"])
    view = open_labels(qtbot, tab)
    made: list[object] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: made.append(a) or ("", ""))
    view.pdf_button.click()
    assert "No parts chosen" in view.error_label.text()
    view.add_part(tab.list_view.model.rows[0])
    view.layout_box.setCurrentIndex(view.layout_box.findData(layouts.CUSTOM_ROLL))
    view.roll_width.setValue(20)
    view.roll_height.setValue(15)
    view.pdf_button.click()
    assert "too small for a barcode" in view.error_label.text() and "Nothing was printed" in view.error_label.text()
    view.layout_box.setCurrentIndex(view.layout_box.findData(layouts.CUSTOM_SHEET))
    view.columns_spin.setValue(3)
    view.rows_spin.setValue(8)
    view.start_spin.setValue(30)
    view.pdf_button.click()
    assert "Start position 30 is not on a 3 x 8 sheet" in view.error_label.text()
    view.grab().save("/tmp/labels_view_error.png")
    qtbot.wait(100)
    assert made == [] and not list(tmp_path.glob("*.pdf"))
    # the custom sheet, once it makes sense, is made
    view.start_spin.setValue(1)
    target = tmp_path / "custom"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(view.pdf_done, timeout=15000) as done:
        view.pdf_button.click()
    assert done.args == ["pdf", str(target) + ".pdf"] and Path(done.args[1]).exists()
    assert view.error_label.isHidden()



def test_labels_start_on_this_pcs_layout(qtbot, open_stock, stock_shop, staff):
    import json

    from partsdesk.config import Paths

    terminal = Paths.for_user().settings_file  # the test's own folder (tests/ui/conftest.py)
    terminal.parent.mkdir(parents=True, exist_ok=True)
    terminal.write_text(json.dumps({"labels.layout": "roll-40x25"}), encoding="utf-8")
    tab = open_stock(staff["manager"])
    view = open_labels(qtbot, tab)
    assert view.layout_box.currentData() == "roll-40x25"
    assert tab.receiving_view.layout_box.currentData() == "roll-40x25"
