"""The suppliers view of the Stock tab: the suppliers with their terms, and one part's supplier
prices side by side — the handbook's enquiry-and-compare step.

A standalone widget the Stock tab hosts (``StockTab.add_view``). On the left the suppliers
(contact, phone, lead time, payment terms; Alt+I shows the inactive ones too): Ctrl+N adds one,
Enter (or a double-click) edits the selected one. On the right a part, found with F2: every
supplier's offer for it (their part number, price per unit, pack, lead time), cheapest first,
the preferred one and the cheapest marked — they need not agree. F4 records or changes a
supplier's price for the part, F8 makes the selected supplier the preferred one (reorder drafts
go to it), Del forgets the selected price.

Editing needs ``stock.purchase``; anyone else reads (prices need ``catalog.view_cost``). The
services run on the worker; what they refuse is shown by its field and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.money import format_money, format_quantity
from partsdesk.domain.permissions import Actor
from partsdesk.services import purchasing
from partsdesk.services.purchasing import SupplierDetail, SupplierPrice
from partsdesk.services.search import PartRow
from partsdesk.ui.forms import FormDialog, compact_combo, key_button, open_over, set_note
from partsdesk.ui.purchasing_view import OrderPartDialog, _fill, _table, currency_exponent
from partsdesk.ui.tasks import TaskRunner

_INACTIVE = QColor("#9e9e9e")
_PREFERRED = QColor("#1b5e20")


def _lead(days: int) -> str:
    return f"{days} d" if days else ""


class SupplierDialog(FormDialog):
    """Ctrl+N / Enter: a supplier's record (``supplier`` None: a new one). ``saved(id)``."""

    def __init__(self, runner: TaskRunner, actor: Actor, supplier: SupplierDetail | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.supplier_id = supplier.id if supplier else None
        self.setWindowTitle(self.tr("Supplier {name}").format(name=supplier.name) if supplier
                            else self.tr("New supplier (Ctrl+N)"))
        self.name = self.field("name", self.tr("&Name"), QLineEdit())
        self.contact_person = self.field("contact_person", self.tr("&Contact person"), QLineEdit())
        self.phone = self.field("phone", self.tr("&Phone"), QLineEdit())
        self.email = self.field("email", self.tr("&E-mail"), QLineEdit())
        self.address = self.field("address", self.tr("&Address"), QPlainTextEdit())
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(60)
        self.lead_time = self.field("lead_time_days", self.tr("&Lead time (days)"), QLineEdit("0"))
        self.payment_terms = self.field("payment_terms", self.tr("Payment &terms"), QLineEdit())
        self.payment_terms.setPlaceholderText(self.tr("30 days net"))
        self.note = self.field("note", self.tr("N&ote"), QLineEdit())
        self.active = self.field("active", "", QCheckBox(self.tr("Acti&ve: orders may go to this supplier")))
        self.active.setChecked(True)
        if supplier is not None:
            self.name.setText(supplier.name)
            self.contact_person.setText(supplier.contact_person)
            self.phone.setText(supplier.phone)
            self.email.setText(supplier.email)
            self.address.setPlainText(supplier.address)
            self.lead_time.setText(str(supplier.lead_time_days))
            self.payment_terms.setText(supplier.payment_terms)
            self.note.setText(supplier.note)
            self.active.setChecked(supplier.active)
        self.setMinimumWidth(480)
        self.name.setFocus()

    def values(self) -> dict[str, object]:
        return {"name": self.name.text(), "contact_person": self.contact_person.text(), "phone": self.phone.text(),
                "email": self.email.text(), "address": self.address.toPlainText(),
                "lead_time_days": self.lead_time.text(), "payment_terms": self.payment_terms.text(),
                "note": self.note.text(), "active": self.active.isChecked()}

    def save(self, approval: Any = None) -> None:
        self.submit(purchasing.save_supplier, self.actor, self.supplier_id, self.values(), name="supplier_save")


class PriceDialog(FormDialog):
    """F4: what one supplier charges for the part: their number, the price per unit, the pack."""

    def __init__(self, runner: TaskRunner, actor: Actor, part: PartRow, suppliers: list[SupplierDetail],
                 current: SupplierPrice | None, *, exponent: int, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.part = part
        self.setWindowTitle(self.tr("Supplier price of {part} (F4)").format(part=part.number))
        self.form.addRow(self.tr("Part"), QLabel(f"{part.number} · {part.brand} · {part.name_en}"))
        self.supplier = compact_combo()
        for supplier in suppliers:
            self.supplier.addItem(supplier.name, supplier.id)
        self.field("supplier", self.tr("&Supplier"), self.supplier)
        self.supplier_number = self.field("supplier_number", self.tr("Their part &number"), QLineEdit())
        self.price = self.field("price", self.tr("&Price per unit"), QLineEdit())
        self.pack = self.field("pack_qty", self.tr("Pac&k (units)"), QLineEdit("1"))
        self.preferred = self.field("preferred", "", QCheckBox(self.tr("P&referred: reorder drafts go to this "
                                                                       "supplier")))
        if current is not None:
            self.supplier.setCurrentIndex(max(0, self.supplier.findData(current.supplier_id)))
            self.supplier_number.setText(current.supplier_number)
            self.price.setText(format_money(current.price, exponent=exponent).replace(",", ""))
            self.pack.setText(format_quantity(current.pack_qty))
            self.preferred.setChecked(current.preferred)
        self.setMinimumWidth(460)
        (self.price if current is not None else self.supplier).setFocus()

    def save(self, approval: Any = None) -> None:
        if self.supplier.currentData() is None:
            self.errors.show({"supplier": self.tr("No active supplier: add one first (Ctrl+N).")})
            return
        self.submit(purchasing.set_supplier_price, self.actor, self.supplier.currentData(), self.part.id,
                    price=self.price.text(), pack=self.pack.text(), supplier_number=self.supplier_number.text(),
                    preferred=self.preferred.isChecked(), name="supplier_price")


class SuppliersView(QWidget):
    """Suppliers and a part's prices side by side: ``start()`` once shown (the host calls it),
    ``set_actor`` when the user changes."""

    dialog_opened = Signal(object)
    suppliers_shown = Signal()
    prices_shown = Signal()

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.dialog: Any = None
        self.exponent = 2
        self.suppliers: list[SupplierDetail] = []
        self.part: PartRow | None = None
        self.prices: list[SupplierPrice] = []
        self._done_note = ""

        # the suppliers, on the left
        self.inactive_box = QCheckBox(self.tr("Show &inactive"))
        self.inactive_box.toggled.connect(lambda _on: self.load_suppliers())
        self.suppliers_table = _table([self.tr("Supplier"), self.tr("Contact"), self.tr("Phone"),
                                       self.tr("Lead time"), self.tr("Terms")], numeric=(3,))
        self.suppliers_table.doubleClicked.connect(lambda _index: self.edit_supplier())
        self.suppliers_table.activated.connect(lambda _index: self.edit_supplier())
        self.suppliers_note = QLabel()
        self.suppliers_note.setWordWrap(True)
        self.new_button = key_button(self, self.tr("Ctrl+N New supplier"), "Ctrl+N", self.new_supplier,
                                  self.tr("Add a supplier with its contact, lead time and terms"))
        self.edit_button = key_button(self, self.tr("Enter Edit supplier"), "Ctrl+Return", self.edit_supplier,
                                   self.tr("Change the selected supplier (Enter on the list, Ctrl+Enter anywhere, "
                                           "or a double-click)"))
        self.refresh_button = key_button(self, self.tr("F5 Refresh"), "F5", self.refresh,
                                      self.tr("Read the suppliers and prices again"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("Suppliers"))
        bold = QFont(title.font())
        bold.setBold(True)
        title.setFont(bold)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.inactive_box)
        left_layout.addLayout(heading)
        left_layout.addWidget(self.suppliers_table, 1)
        left_layout.addWidget(self.suppliers_note)
        row = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.refresh_button):
            row.addWidget(button)
        row.addStretch(1)
        left_layout.addLayout(row)

        # one part's prices, on the right
        self.part_label = QLabel(self.tr("No part chosen: F2 finds one."))
        self.part_label.setFont(bold)
        self.part_label.setWordWrap(True)
        self.prices_table = _table([self.tr("Supplier"), self.tr("Their part no."), self.tr("Price"),
                                    self.tr("Pack"), self.tr("Lead time"), self.tr("Marks")], numeric=(2, 3, 4))
        self.prices_table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.prices_note = QLabel()
        self.prices_note.setWordWrap(True)
        self.prices_note.setTextFormat(Qt.TextFormat.PlainText)
        self.find_button = key_button(self, self.tr("F2 Find part"), "F2", self.find_part,
                                   self.tr("Compare the suppliers' prices of a part"))
        self.price_button = key_button(self, self.tr("F4 Add or change price"), "F4", self.edit_price,
                                    self.tr("Record what a supplier charges for this part"))
        self.preferred_button = key_button(self, self.tr("F8 Make preferred"), "F8", self.make_preferred,
                                        self.tr("Reorder drafts for this part go to the selected supplier"))
        self.remove_button = key_button(self, self.tr("Del Remove price"), "Del", self.remove_price,
                                     self.tr("Forget the selected supplier's price for this part"))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.part_label)
        right_layout.addWidget(self.prices_table, 1)
        right_layout.addWidget(self.prices_note)
        for group in ((self.find_button, self.price_button), (self.preferred_button, self.remove_button)):
            row = QHBoxLayout()  # two rows, so the view fits a small screen
            for button in group:
                row.addWidget(button)
            row.addStretch(1)
            right_layout.addLayout(row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.setFocusProxy(self.suppliers_table)
        self.set_actor(actor)

    # --- the host's hooks ------------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        """Another user: editing needs stock.purchase, the prices catalog.view_cost."""
        self.actor = actor
        self._update_buttons()
        if self.part is not None:
            self.load_prices()

    def start(self) -> None:
        self.runner.submit(currency_exponent, owner=self, name="suppliers_setup",
                           on_done=lambda value: setattr(self, "exponent", value))
        self.load_suppliers()
        self.suppliers_table.setFocus()

    def refresh(self) -> None:
        self.load_suppliers()
        if self.part is not None:
            self.load_prices()

    def _update_buttons(self) -> None:
        edit = self.actor.can("stock.purchase")
        has_part = self.part is not None and self.actor.can("catalog.view_cost")
        selected = 0 <= self.prices_table.currentRow() < len(self.prices)
        self.new_button.setEnabled(edit)
        self.edit_button.setEnabled(edit and bool(self.suppliers))
        self.find_button.setEnabled(self.actor.can("catalog.view_cost"))
        self.price_button.setEnabled(edit and has_part)
        self.preferred_button.setEnabled(edit and has_part and selected)
        self.remove_button.setEnabled(edit and has_part and selected)

    def _open(self, dialog: QDialog) -> None:
        open_over(self, dialog, lambda: self.suppliers_table)

    # --- suppliers ------------------------------------------------------------------------------

    def load_suppliers(self) -> None:
        self.runner.submit(purchasing.list_suppliers, self.actor, include_inactive=self.inactive_box.isChecked(),
                           owner=self, name="suppliers_list", on_done=self._suppliers_listed,
                           on_error=lambda error: set_note(self.suppliers_note, str(error), error=True))

    def _suppliers_listed(self, suppliers: list[SupplierDetail], chosen: int | None = None) -> None:
        row = self.suppliers_table.currentRow()
        chosen = chosen or (self.suppliers[row].id if 0 <= row < len(self.suppliers) else None)
        self.suppliers = suppliers
        _fill(self.suppliers_table, [[s.name, s.contact_person, s.phone, _lead(s.lead_time_days), s.payment_terms]
                                     for s in suppliers])
        for r, supplier in enumerate(suppliers):
            if not supplier.active:
                for c in range(self.suppliers_table.columnCount()):
                    self.suppliers_table.item(r, c).setForeground(_INACTIVE)
                self.suppliers_table.item(r, 0).setText(self.tr("{name} (inactive)").format(name=supplier.name))
        self.suppliers_table.resizeColumnsToContents()
        self.suppliers_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        ids = [s.id for s in suppliers]
        if suppliers:
            self.suppliers_table.selectRow(ids.index(chosen) if chosen in ids else 0)
        text = self.tr("{count} supplier(s).").format(count=len(suppliers)) if suppliers else \
            self.tr("No suppliers yet. Ctrl+N adds one.")
        if not self.actor.can("stock.purchase"):
            text += " " + self.tr("Read only: suppliers are kept by those who may purchase.")
        set_note(self.suppliers_note, text)
        self._update_buttons()
        self.suppliers_shown.emit()

    def selected_supplier(self) -> SupplierDetail | None:
        row = self.suppliers_table.currentRow()
        return self.suppliers[row] if 0 <= row < len(self.suppliers) else None

    def new_supplier(self) -> None:
        if self.actor.can("stock.purchase"):
            self._supplier_dialog(None)

    def edit_supplier(self) -> None:
        supplier = self.selected_supplier()
        if supplier is not None and self.actor.can("stock.purchase"):
            self._supplier_dialog(supplier)

    def _supplier_dialog(self, supplier: SupplierDetail | None) -> None:
        dialog = SupplierDialog(self.runner, self.actor, supplier, self)
        dialog.saved.connect(self._supplier_saved)
        self._open(dialog)

    def _supplier_saved(self, supplier_id: int) -> None:
        self.runner.submit(purchasing.list_suppliers, self.actor, include_inactive=self.inactive_box.isChecked(),
                           owner=self, name="suppliers_list",
                           on_done=lambda found: self._suppliers_listed(found, supplier_id),
                           on_error=lambda error: set_note(self.suppliers_note, str(error), error=True))
        if self.part is not None:
            self.load_prices()  # a name or a lead time shown beside the prices

    # --- a part's prices ------------------------------------------------------------------------

    def find_part(self) -> None:
        if not self.actor.can("catalog.view_cost"):
            return
        dialog = OrderPartDialog(self.runner, self)
        dialog.setWindowTitle(self.tr("Compare the prices of a part (F2)"))
        dialog.picked.connect(self.show_part)
        self._open(dialog)

    def show_part(self, part: PartRow) -> None:
        self.part = part
        self.part_label.setText(self.tr("Prices of {number} · {brand} · {name}").format(
            number=part.number, brand=part.brand, name=part.name_en))
        self.load_prices()

    def load_prices(self) -> None:
        if self.part is None:
            return
        self.runner.submit(purchasing.compare_prices, self.actor, self.part.id, owner=self, name="supplier_prices",
                           on_done=self._prices_listed, on_error=self._prices_refused)

    def _prices_refused(self, error: Exception) -> None:
        self.prices = []
        self.prices_table.setRowCount(0)
        set_note(self.prices_note, str(error), error=True)
        self._update_buttons()

    def _prices_listed(self, prices: list[SupplierPrice]) -> None:
        row = self.prices_table.currentRow()
        chosen = self.prices[row].supplier_id if 0 <= row < len(self.prices) else None
        self.prices = prices
        rows = []
        for p in prices:
            marks = [word for word, on in ((self.tr("preferred"), p.preferred), (self.tr("cheapest"), p.cheapest),
                                           (self.tr("inactive"), not p.active)) if on]
            rows.append([p.supplier, p.supplier_number, format_money(p.price, exponent=self.exponent),
                         format_quantity(p.pack_qty), _lead(p.lead_time_days), ", ".join(marks)])
        _fill(self.prices_table, rows)
        for r, p in enumerate(prices):
            for c in range(self.prices_table.columnCount()):
                item = self.prices_table.item(r, c)
                if p.preferred:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setForeground(_PREFERRED)
                elif not p.active:
                    item.setForeground(_INACTIVE)
        self.prices_table.resizeColumnsToContents()
        self.prices_table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        ids = [p.supplier_id for p in prices]
        done, self._done_note = self._done_note, ""
        if prices:
            self.prices_table.selectRow(ids.index(chosen) if chosen in ids else 0)
            text = self.tr("{count} supplier(s) sell it; cheapest per unit first.").format(count=len(prices))
        else:
            text = self.tr("No supplier price for this part yet. F4 records one.")
        set_note(self.prices_note, f"{done} {text}" if done else text)
        self._update_buttons()
        self.prices_shown.emit()

    def selected_price(self) -> SupplierPrice | None:
        row = self.prices_table.currentRow()
        return self.prices[row] if 0 <= row < len(self.prices) else None

    def edit_price(self) -> None:
        if self.part is None or not self.actor.can("stock.purchase"):
            return
        part, current = self.part, self.selected_price()

        def listed(suppliers: list[SupplierDetail]) -> None:
            dialog = PriceDialog(self.runner, self.actor, part, suppliers, current, exponent=self.exponent,
                                 parent=self)
            dialog.saved.connect(lambda _r: self._price_changed(self.tr("Price saved.")))
            self._open(dialog)

        self.runner.submit(purchasing.list_suppliers, self.actor, owner=self, name="suppliers_active",
                           on_done=listed, on_error=self._refused)

    def _price_changed(self, message: str) -> None:
        self._done_note = message  # shown once the prices are read again
        self.load_prices()

    def _refused(self, error: Exception) -> None:
        problems = getattr(error, "problems", None)
        text = " ".join(problems.values()) if problems else str(error)
        set_note(self.prices_note, text + " " + self.tr("Nothing was changed."), error=True)

    def make_preferred(self) -> None:
        """F8: the selected supplier's price becomes the preferred one (its price and pack kept)."""
        price = self.selected_price()
        if self.part is None or price is None or not self.actor.can("stock.purchase"):
            return
        self.runner.submit(purchasing.set_supplier_price, self.actor, price.supplier_id, self.part.id,
                           price=price.price, pack=price.pack_qty, supplier_number=price.supplier_number,
                           preferred=True, owner=self, name="supplier_preferred",
                           on_done=lambda _r: self._price_changed(self.tr("{supplier} is now the preferred supplier "
                                                                          "of {part}.").format(
                               supplier=price.supplier, part=self.part.number)),
                           on_error=self._refused)

    def remove_price(self) -> None:
        price = self.selected_price()
        if self.part is None or price is None or not self.actor.can("stock.purchase"):
            return
        self.runner.submit(purchasing.remove_supplier_price, self.actor, price.supplier_id, self.part.id,
                           owner=self, name="supplier_price_remove",
                           on_done=lambda _r: self._price_changed(self.tr("{supplier}'s price removed.").format(
                               supplier=price.supplier)),
                           on_error=self._refused)


__all__ = ["PriceDialog", "SupplierDialog", "SuppliersView"]
