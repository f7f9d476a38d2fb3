"""The purchase orders view (partsdesk.ui.purchasing_view) on both engines: reorder suggestions
by supplier, paged, with their explanations; draft orders made from them; a draft's lines added
and removed; bad input said inline with nothing written; sending saves the PO's PDF (read back
with pdftotext, its barcode with zbarimg at 300 dpi); the late list; closing; permissions."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import Part, PurchaseOrder, PurchaseOrderLine
from partsdesk.services import catalog, purchasing, reorder
from partsdesk.ui import purchasing_view
from partsdesk.ui.purchasing_view import AddLineDialog, PurchaseOrdersView, ReasonDialog
from tests.services.counter_shop import counter_shop


def _limits(part_id: int, low: int, high: int) -> None:
    Part.update(min_qty=low * 1000, max_qty=high * 1000).where(Part.id == part_id).execute()


@pytest.fixture
def shop(staff):
    """Pads (10 on hand, min 12 max 20) from Acme in packs of 4; the caliper (2, min 3 max 6) and
    oil (none, min 2 max 5) from BrakeCo; a wiper (none, min 1 max 2) nobody sells."""
    made = counter_shop(staff, credit_limit="5000.00")
    keeper = staff["storekeeper"]
    made["acme"] = purchasing.save_supplier(keeper, None, {"name": "Acme Parts", "contact_person": "Li Wei",
                                                           "lead_time_days": "3", "payment_terms": "30 days net"})
    made["brakeco"] = purchasing.save_supplier(keeper, None, {"name": "BrakeCo"})

    def part(number: str) -> int:
        return catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": f"Part {number}",
                                                "category": "brakes.pads", "price_retail": "20.00",
                                                "price_trade": "18.00", "price_wholesale": "16.00", "cost": "8.00",
                                                "tax_rate": "13"}, barcodes=[], numbers=[], fitments=[])

    made["oil"], made["wiper"] = part("OIL-5"), part("WI-1")
    purchasing.set_supplier_price(keeper, made["acme"], made["pads"], price="55.00", pack="4",
                                  supplier_number="AC-BP1", preferred=True)
    purchasing.set_supplier_price(keeper, made["acme"], made["caliper"], price="280.00", supplier_number="AC-CA2")
    purchasing.set_supplier_price(keeper, made["brakeco"], made["caliper"], price="290.00", preferred=True)
    purchasing.set_supplier_price(keeper, made["brakeco"], made["oil"], price="7.50", preferred=True)
    for key, low, high in (("pads", 12, 20), ("caliper", 3, 6), ("oil", 2, 5), ("wiper", 1, 2)):
        _limits(made[key], low, high)
    return made


@pytest.fixture
def open_orders(qtbot, runner):
    def show(actor) -> PurchaseOrdersView:
        view = PurchaseOrdersView(runner, actor)
        qtbot.addWidget(view)
        view.resize(1200, 600)
        view.show()
        qtbot.waitExposed(view)
        if actor.can("stock.purchase"):
            with qtbot.waitSignal(view.orders_shown, timeout=5000):
                view.start()
        return view

    return show


def _dialog(qtbot, view, trigger):
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as opened:
        trigger()
    return opened.args[0]


def _cells(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_the_service_counts_groups_and_pages_the_suggestions(shop, staff):
    keeper = staff["storekeeper"]
    groups = reorder.suggestion_groups(keeper)
    assert [(g.supplier, g.parts, g.active) for g in groups] == [("Acme Parts", 1, True), ("BrakeCo", 2, True),
                                                                ("", 1, False)]
    assert [s.part_number for s in reorder.suggestion_page(keeper, shop["brakeco"], limit=1)] == ["CA-2"]
    assert [s.part_number for s in reorder.suggestion_page(keeper, shop["brakeco"], offset=1, limit=1)] == ["OIL-5"]
    assert [s.part_number for s in reorder.suggestion_page(keeper, None)] == ["WI-1"]
    whole = {s.part_number: s.explanation for s in reorder.suggestions(keeper)}
    paged = {s.part_number: s.explanation for g in groups for s in reorder.suggestion_page(keeper, g.supplier_id)}
    assert paged == whole


def test_reorder_drafts_lines_send_late_and_close(qtbot, open_orders, shop, staff, monkeypatch, tmp_path,
                                                  shown_errors):
    monkeypatch.setattr(purchasing_view, "PAGE_SIZE", 1)
    view = open_orders(staff["storekeeper"])
    assert view.orders == [] and "No orders like that" in view.orders_note.text()
    # F9: the suggestions grouped by supplier, each quantity explained, a page at a time
    with qtbot.waitSignal(view.suggestions_shown, timeout=5000):
        qtbot.keyClick(view, Qt.Key.Key_F9)
    assert view.pages.currentWidget() is view.reorder_page
    assert _cells(view.groups_table) == [["Acme Parts", "1"], ["BrakeCo", "2"], ["(no supplier: not ordered)", "1"]]
    assert _cells(view.suggestions_table) == [["BP-1", "Part BP-1 · Bosch", "10", "12", "20", "AC-BP1", "12",
                                               "55.00", "max 20 − projected 10 = 10 → 3 packs of 4"]]
    assert "4 part(s) to order from 2 supplier(s)" in view.reorder_note.text()
    with qtbot.waitSignal(view.suggestions_shown, timeout=5000):
        view.groups_table.selectRow(1)
    assert view.page_label.text() == "BrakeCo: 1–1 of 2" and view.next_button.isEnabled()
    assert _cells(view.suggestions_table)[0][-1] == "max 6 − projected 2 = 4 → order 4"
    with qtbot.waitSignal(view.suggestions_shown, timeout=5000):
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.page_label.text() == "BrakeCo: 2–2 of 2" and not view.next_button.isEnabled()
    assert _cells(view.suggestions_table)[0][0] == "OIL-5"
    view.grab().save("/tmp/po_reorder.png")
    # Ctrl+D: one draft per supplier; the view shows the drafts
    with qtbot.waitSignal(view.drafts_made, timeout=5000) as made, \
            qtbot.waitSignal(view.order_shown, timeout=5000):
        qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    result = made.args[0]
    assert [(o.supplier, o.lines) for o in result.orders] == [("Acme Parts", 1), ("BrakeCo", 2)]
    assert "1 part(s) have no active supplier" in view.order_note.text()
    assert view.pages.currentWidget() is view.orders_page and view.filter_key() == "draft"
    acme = result.orders[0].number
    qtbot.waitUntil(lambda: view.order is not None and view.order.number == acme, timeout=5000)
    assert _cells(view.lines_table) == [["1", "BP-1", "Part BP-1 · Bosch", "AC-BP1", "12", "0", "55.00", "660.00"]]
    # F2: the caliper added; a bad quantity first, said by its field, nothing written
    finder = _dialog(qtbot, view, lambda: qtbot.keyClick(view, Qt.Key.Key_F2))
    qtbot.keyClicks(finder.box, "CA-2")
    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(finder.box, Qt.Key.Key_Return))
    assert isinstance(dialog, AddLineDialog)
    dialog.qty.setText("lots")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "qty" in dialog.errors.current, timeout=5000)
    assert PurchaseOrderLine.select().count() == 3
    dialog.qty.setText("2")
    with qtbot.waitSignal(view.order_shown, timeout=5000):
        dialog.save_button.click()
    assert _cells(view.lines_table)[1][:7] == ["2", "CA-2", "Part CA-2 · Bosch", "AC-CA2", "2", "0", "280.00"]
    assert "CA-2 added to" in view.order_note.text()
    # Del: the line taken off the draft
    view.lines_table.selectRow(1)
    with qtbot.waitSignal(view.order_shown, timeout=5000):
        qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [ln.part_number for ln in view.order.lines] == ["BP-1"]
    # a bad expected date: said inline, nothing written
    before = PurchaseOrder.get(PurchaseOrder.number == acme).expected_date
    view.expected_edit.setText("soon")
    view.expected_button.click()
    qtbot.waitUntil(lambda: "a date like" in view.order_note.text(), timeout=5000)
    assert "Nothing was changed" in view.order_note.text()
    assert PurchaseOrder.get(PurchaseOrder.number == acme).expected_date == before
    view.expected_edit.setText("2026-11-20")
    with qtbot.waitSignal(view.order_shown, timeout=5000):
        view.expected_button.click()
    assert PurchaseOrder.get(PurchaseOrder.number == acme).expected_date == date(2026, 11, 20)
    view.grab().save("/tmp/po_view.png")
    # Ctrl+Enter: sent, its PDF saved for the supplier
    target = tmp_path / "po"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF files (*.pdf)"))
    with qtbot.waitSignal(view.pdf_done, timeout=15000) as done:
        qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    pdf = tmp_path / "po.pdf"
    assert done.args == ["pdf", str(pdf)]
    assert PurchaseOrder.get(PurchaseOrder.number == acme).status == "sent"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    for wanted in ("Purchase order", acme, "Acme Parts", "Li Wei", "AC-BP1", "BP-1", "660.00", "2026-11-20"):
        assert wanted in text, wanted
    assert "CA-2" not in text and "DRAFT" not in text
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    [png] = tmp_path.glob("page*.png")
    codes = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.split()
    assert acme in codes
    qtbot.waitUntil(lambda: view.order is not None and view.order.status == "sent", timeout=5000)
    assert not view.add_button.isEnabled() and not view.remove_button.isEnabled()
    # the late list: expected on the 20th, today is the 22nd
    with qtbot.waitSignal(view.orders_shown, timeout=5000):
        view.set_filter(purchasing_view.LATE)
    assert [o.number for o in view.orders] == [acme]
    assert _cells(view.orders_table)[0][7] == "2 d" and "1 late order(s) to chase" in view.orders_note.text()
    # F7 close, first without a reason: refused by its field, the order stays sent
    qtbot.waitUntil(lambda: view.order is not None and view.order.number == acme, timeout=5000)
    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(view, Qt.Key.Key_F7))
    assert isinstance(dialog, ReasonDialog)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "reason" in dialog.errors.current, timeout=5000)
    assert PurchaseOrder.get(PurchaseOrder.number == acme).status == "sent"
    dialog.reason.setText("supplier out of stock")
    with qtbot.waitSignal(view.orders_shown, timeout=5000):
        dialog.save_button.click()
    assert PurchaseOrder.get(PurchaseOrder.number == acme).status == "closed" and view.orders == []
    assert shown_errors == []


def test_printing_without_a_printer_says_so_and_preview_opens(qtbot, open_orders, shop, staff):
    number = purchasing.create_order(staff["storekeeper"], shop["acme"], lines=[(shop["pads"], "4")])
    view = open_orders(staff["manager"])
    qtbot.waitUntil(lambda: view.order is not None and view.order.number == number, timeout=5000)
    with qtbot.waitSignal(view.pdf_done, timeout=15000) as done:
        view.print_button.click()
    assert done.args == ["print", None] and "No printer is installed" in view.order_note.text()
    with qtbot.waitSignal(view.pdf_done, timeout=15000) as done:
        view.preview_button.click()
    assert done.args[1].isVisible()
    done.args[1].close()
    assert PurchaseOrder.get(PurchaseOrder.number == number).status == "draft"  # printing a draft sends nothing


def test_a_cashier_sees_no_purchase_orders(qtbot, open_orders, shop, staff):
    purchasing.create_order(staff["storekeeper"], shop["acme"], lines=[(shop["pads"], "4")])
    view = open_orders(staff["cashier"])
    view.start()
    qtbot.wait(100)
    assert not view.pages.isEnabled() and view.orders == []
    assert "kept by those who may purchase" in view.orders_note.text()
    view.set_actor(staff["storekeeper"])
    assert view.pages.isEnabled()
    with qtbot.waitSignal(view.orders_shown, timeout=5000):
        view.load_orders()
    assert len(view.orders) == 1
