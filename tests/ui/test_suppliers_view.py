"""The suppliers view (partsdesk.ui.suppliers_view) on both engines: suppliers added and edited
with their terms, bad input shown by its field with nothing saved, a part's supplier prices side
by side with the preferred and the cheapest marked, the preferred one changed, read-only users."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from partsdesk.models import Part, Supplier, SupplierPart
from partsdesk.services import purchasing, search
from partsdesk.ui.suppliers_view import PriceDialog, SupplierDialog, SuppliersView
from tests.services.counter_shop import counter_shop


@pytest.fixture
def shop(staff):
    return counter_shop(staff, credit_limit="5000.00")


@pytest.fixture
def open_suppliers(qtbot, runner):
    def show(actor) -> SuppliersView:
        view = SuppliersView(runner, actor)
        qtbot.addWidget(view)
        view.resize(1100, 560)
        view.show()
        qtbot.waitExposed(view)
        with qtbot.waitSignal(view.suppliers_shown, timeout=5000):
            view.start()
        return view

    return show


def _dialog(qtbot, view, trigger):
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as opened:
        trigger()
    return opened.args[0]


def test_a_supplier_is_added_and_edited_and_bad_input_saves_nothing(qtbot, open_suppliers, shop, staff,
                                                                    shown_errors):
    view = open_suppliers(staff["storekeeper"])
    assert view.suppliers_note.text() == "No suppliers yet. Ctrl+N adds one."
    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier))
    assert isinstance(dialog, SupplierDialog)
    dialog.email.setText("nobody")
    dialog.lead_time.setText("soon")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert set(dialog.errors.current) == {"name", "email", "lead_time_days"}
    assert "Nothing was saved" in dialog.general.text() and dialog.isVisible()
    assert Supplier.select().count() == 0
    dialog.grab().save("/tmp/supplier_dialog_errors.png")
    dialog.name.setText("Acme Parts")
    dialog.contact_person.setText("Li Wei")
    dialog.phone.setText("021-5555 0101")
    dialog.email.setText("orders@acme.example")
    dialog.address.setPlainText("8 Harbour Road, Shanghai")
    dialog.lead_time.setText("3")
    dialog.payment_terms.setText("30 days net")
    with qtbot.waitSignal(view.suppliers_shown, timeout=5000):
        dialog.save_button.click()
    assert [s.name for s in view.suppliers] == ["Acme Parts"]
    cells = [view.suppliers_table.item(0, c).text() for c in range(5)]
    assert cells == ["Acme Parts", "Li Wei", "021-5555 0101", "3 d", "30 days net"]
    # Enter on the list edits it: a name clash is refused by its field
    purchasing.save_supplier(staff["storekeeper"], None, {"name": "BrakeCo"})
    with qtbot.waitSignal(view.suppliers_shown, timeout=5000):
        view.refresh_button.click()
    view.suppliers_table.selectRow([s.name for s in view.suppliers].index("Acme Parts"))
    view.suppliers_table.setFocus()
    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(view.suppliers_table, Qt.Key.Key_Return))
    assert dialog.name.text() == "Acme Parts" and dialog.address.toPlainText() == "8 Harbour Road, Shanghai"
    dialog.name.setText("brakeco")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "name" in dialog.errors.current, timeout=5000)
    assert "already a supplier called BrakeCo" in dialog.errors.current["name"]
    assert Supplier.get(Supplier.name == "Acme Parts").lead_time_days == 3
    dialog.name.setText("Acme Parts")
    dialog.lead_time.setText("4")
    dialog.active.setChecked(False)
    with qtbot.waitSignal(view.suppliers_shown, timeout=5000):
        dialog.save_button.click()
    assert [s.name for s in view.suppliers] == ["BrakeCo"]  # inactive ones hidden
    with qtbot.waitSignal(view.suppliers_shown, timeout=5000):
        view.inactive_box.setChecked(True)
    assert view.suppliers_table.item(0, 0).text() == "Acme Parts (inactive)"
    assert Supplier.get(Supplier.name == "Acme Parts").lead_time_days == 4
    assert shown_errors == []


def test_prices_side_by_side_preferred_changed_and_bad_price_saves_nothing(qtbot, open_suppliers, shop, staff,
                                                                           shown_errors):
    keeper = staff["storekeeper"]
    acme = purchasing.save_supplier(keeper, None, {"name": "Acme Parts", "lead_time_days": "3"})
    brakeco = purchasing.save_supplier(keeper, None, {"name": "BrakeCo", "lead_time_days": "5"})
    purchasing.set_supplier_price(keeper, brakeco, shop["pads"], price="52.00", supplier_number="BC-77")
    view = open_suppliers(keeper)
    # F2: the part found by search
    finder = _dialog(qtbot, view, lambda: qtbot.keyClick(view, Qt.Key.Key_F2))
    qtbot.keyClicks(finder.box, "BP-1")
    with qtbot.waitSignal(view.prices_shown, timeout=5000):
        qtbot.keyClick(finder.box, Qt.Key.Key_Return)
    assert "BP-1" in view.part_label.text()
    assert [(p.supplier, p.price) for p in view.prices] == [("BrakeCo", 5_200)]
    # F4: Acme's price, first typed wrong
    view.prices_table.clearSelection()
    view.prices_table.setCurrentCell(-1, -1)
    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(view, Qt.Key.Key_F4))
    assert isinstance(dialog, PriceDialog)
    dialog.supplier.setCurrentIndex(dialog.supplier.findData(acme))
    dialog.price.setText("-1")
    dialog.pack.setText("0")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert set(dialog.errors.current) == {"price", "pack_qty"}
    assert SupplierPart.select().where(SupplierPart.supplier == acme).count() == 0
    dialog.price.setText("55.00")
    dialog.pack.setText("4")
    dialog.supplier_number.setText("AC-BP1")
    dialog.preferred.setChecked(True)
    with qtbot.waitSignal(view.prices_shown, timeout=5000):
        dialog.save_button.click()
    table = [[view.prices_table.item(r, c).text() for c in range(6)] for r in range(view.prices_table.rowCount())]
    assert table == [["BrakeCo", "BC-77", "52.00", "1", "5 d", "cheapest"],
                     ["Acme Parts", "AC-BP1", "55.00", "4", "3 d", "preferred"]]
    assert Part.get_by_id(shop["pads"]).supplier_id == acme
    view.grab().save("/tmp/suppliers_view.png")
    # F8: BrakeCo becomes the preferred supplier (its price kept)
    view.prices_table.selectRow(0)
    with qtbot.waitSignal(view.prices_shown, timeout=5000):
        qtbot.keyClick(view, Qt.Key.Key_F8)
    assert [(p.supplier, p.preferred, p.price) for p in view.prices] == [("BrakeCo", True, 5_200),
                                                                       ("Acme Parts", False, 5_500)]
    assert Part.get_by_id(shop["pads"]).supplier_id == brakeco
    assert "BrakeCo is now the preferred supplier of BP-1" in view.prices_note.text()
    # Del: Acme's price forgotten
    view.prices_table.selectRow(1)
    with qtbot.waitSignal(view.prices_shown, timeout=5000):
        view.remove_button.click()
    assert [p.supplier for p in view.prices] == ["BrakeCo"]
    assert shown_errors == []


@pytest.mark.parametrize("role", ["cashier", "technician"])
def test_others_read_the_suppliers_only(qtbot, open_suppliers, shop, staff, role):
    purchasing.save_supplier(staff["storekeeper"], None, {"name": "Acme Parts"})
    view = open_suppliers(staff[role])
    assert [s.name for s in view.suppliers] == ["Acme Parts"]
    assert "Read only" in view.suppliers_note.text()
    for button in (view.new_button, view.edit_button, view.find_button, view.price_button,
                   view.preferred_button, view.remove_button):
        assert not button.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view.suppliers_table, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert view.dialog is None
    # a manager may do it all
    view.set_actor(staff["manager"])
    assert view.new_button.isEnabled() and view.find_button.isEnabled()
    view.show_part(search.search_parts("BP-1", limit=5).rows[0])
    qtbot.waitUntil(lambda: "No supplier price" in view.prices_note.text(), timeout=5000)
    assert view.price_button.isEnabled()
