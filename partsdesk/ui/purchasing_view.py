"""The purchase orders view of the Stock tab: orders listed by status (and the late ones to
chase), one order's lines, and the reorder suggestions made into draft orders.

A standalone widget the Stock tab hosts (``StockTab.add_view``). Two pages:

* **Orders** — the orders of the status chosen (open ones by default; "Late" is the late list:
  sent, past the expected date, not all received), newest first; the selected order's lines
  beside them (part, the supplier's part number, ordered, received, unit price). Ctrl+N raises
  an order to a supplier; F2 adds a part to a draft, Del takes the selected line off it;
  Ctrl+E sets the expected date; Ctrl+Enter sends a draft (the PO's PDF is made on the worker
  and saved where the user says, to e-mail to the supplier); Ctrl+P prints the PO on this PC's
  A4 printer, Ctrl+Shift+P previews it, Ctrl+S saves it as PDF; F8 cancels an order nothing was
  received on, F7 closes one whose rest is no longer coming (each asks why).
* **Reorder** (F9) — the suggestions grouped by supplier, each group counted in SQL and its
  parts shown a page at a time with each quantity's explanation ("max 20 − projected 6 = 14 → 2
  packs of 8"): a million-part shop may have a quarter of a million suggestions, never all in a
  widget. Ctrl+D makes one draft order per preferred supplier from all of them
  (``services.reorder.create_drafts``).

Purchasing needs ``stock.purchase``; without it the view says so and shows nothing.
Everything that reads or writes runs on the worker; what a service refuses is said inline.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TR_NOOP, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.money import CURRENCIES, format_money, format_quantity
from partsdesk.domain.permissions import Actor
from partsdesk.printing.purchase_order import write_purchase_order
from partsdesk.services import purchasing, reorder, search, settings
from partsdesk.services.purchasing import OrderDetail, OrderRow, PurchaseOrderDocument
from partsdesk.services.reorder import Suggestion, SupplierGroup
from partsdesk.services.search import PartRow
from partsdesk.ui import print_path
from partsdesk.ui.forms import FormDialog, compact_combo, key_button, open_over, set_note
from partsdesk.ui.search_dialog import SearchDialog
from partsdesk.ui.tasks import TaskRunner

PAGE_SIZE = 100  # reorder suggestions shown at a time
LATE = "late"
# the status filter: (key, label, statuses); "late" reads the late list instead
FILTERS = (("open", QT_TR_NOOP("Open (draft, sent, partly received)"), purchasing.OPEN_STATUSES),
           (LATE, QT_TR_NOOP("Late: past the expected date"), ()),
           ("draft", QT_TR_NOOP("Drafts"), ("draft",)),
           ("sent", QT_TR_NOOP("Sent"), ("sent", "partly_received")),
           ("received", QT_TR_NOOP("Received"), ("received",)),
           ("closed", QT_TR_NOOP("Closed or cancelled"), ("closed", "cancelled")),
           ("all", QT_TR_NOOP("All"), tuple(purchasing.STATUS_LABELS)))
_LATE_COLOR = QColor("#c62828")
_REMOVED_COLOR = QColor("#9e9e9e")


# --- work on the worker -------------------------------------------------------------------------

def load_orders(actor: Actor, key: str) -> list[OrderRow]:
    if key == LATE:
        return purchasing.late_orders(actor)
    statuses = next(statuses for k, _label, statuses in FILTERS if k == key)
    return purchasing.list_orders(actor, statuses=statuses)


def po_pdf(document: PurchaseOrderDocument) -> bytes:
    out = BytesIO()
    write_purchase_order(document, out)
    return out.getvalue()


def order_pdf(actor: Actor, number: str) -> tuple[str, bytes]:
    """The PO's PDF as it stands (a draft prints DRAFT)."""
    return number, po_pdf(purchasing.order_document(actor, number))


def send_order(actor: Actor, number: str) -> tuple[str, bytes]:
    """Send the draft (it can no longer change) and make its PDF, for the supplier."""
    return number, po_pdf(purchasing.send(actor, number))


def currency_exponent() -> int:
    return CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]


def _table(headers: list[str], numeric: tuple[int, ...] = ()) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.numeric = numeric  # type: ignore[attr-defined]
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    numeric = getattr(table, "numeric", ())
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c in numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


# --- dialogs ------------------------------------------------------------------------------------

class OrderPartDialog(SearchDialog):
    """F2: the catalogue search for a purchase order line; ``picked(PartRow)``, then it closes."""

    picked = Signal(object)
    numeric_columns = (4,)
    stretch_column = 2

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, [self.tr("Part number"), self.tr("Brand"), self.tr("Description"), self.tr("Bin"),
                                  self.tr("On hand")], parent)
        self.setWindowTitle(self.tr("Find a part to order (F2)"))
        self.box.setPlaceholderText(self.tr("Part number, barcode, words or vehicle"))
        self.resize(720, 400)

    def _search(self, text: str) -> list[PartRow]:
        return search.search_parts(text, limit=50).rows if text.strip() else []

    def _cells(self, row: PartRow) -> list[str]:
        return [row.number, row.brand, row.name_en, row.bin, format_quantity(row.on_hand, row.unit)]

    def _chosen(self, row: PartRow) -> None:
        self.accept()
        self.picked.emit(row)


class AddLineDialog(FormDialog):
    """A part on a draft order: how many, and the price when it is not the supplier's."""

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, part: PartRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.number = number
        self.part = part
        self.setWindowTitle(self.tr("Add {part} to {number}").format(part=part.number, number=number))
        self.form.addRow(self.tr("Part"), QLabel(f"{part.number} · {part.brand} · {part.name_en}"))
        self.qty = self.field("qty", self.tr("&Quantity"), QLineEdit("1"))
        self.price = self.field("unit_price", self.tr("Unit &price"), QLineEdit())
        self.price.setPlaceholderText(self.tr("empty: the supplier's price"))
        self.setMinimumWidth(440)
        self.qty.selectAll()
        self.qty.setFocus()

    def save(self, approval: Any = None) -> None:
        self.submit(purchasing.add_line, self.actor, self.number, self.part.id, self.qty.text(),
                    self.price.text().strip() or None, name="po_add_line")


class NewOrderDialog(FormDialog):
    """Ctrl+N: a draft order to one supplier (expected date: empty for its lead time)."""

    def __init__(self, runner: TaskRunner, actor: Actor, suppliers: list[purchasing.SupplierDetail],
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.setWindowTitle(self.tr("New purchase order (Ctrl+N)"))
        self.supplier = compact_combo()
        for supplier in suppliers:
            self.supplier.addItem(supplier.name, supplier.id)
        self.field("supplier", self.tr("&Supplier"), self.supplier)
        self.expected = self.field("expected_date", self.tr("&Expected"), QLineEdit())
        self.expected.setPlaceholderText(self.tr("2026-12-01; empty: today + the supplier's lead time"))
        self.note = self.field("note", self.tr("&Note"), QLineEdit())
        self.setMinimumWidth(460)

    def save(self, approval: Any = None) -> None:
        if self.supplier.currentData() is None:
            self.errors.show({"supplier": self.tr("No supplier yet: add one in the Suppliers view first.")})
            return
        self.submit(purchasing.create_order, self.actor, self.supplier.currentData(),
                    expected_date=self.expected.text().strip() or None, note=self.note.text(), name="po_create")


class ReasonDialog(FormDialog):
    """F8 cancel / F7 close: why (kept in the audit)."""

    def __init__(self, runner: TaskRunner, actor: Actor, fn: Any, number: str, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.fn = fn
        self.number = number
        self.setWindowTitle(title)
        self.reason = self.field("reason", self.tr("&Reason"), QLineEdit())
        self.setMinimumWidth(420)

    def save(self, approval: Any = None) -> None:
        self.submit(self.fn, self.actor, self.number, self.reason.text(), name="po_reason")


# --- the view -----------------------------------------------------------------------------------

class PurchaseOrdersView(QWidget):
    """Purchase orders and reorder: ``start()`` once shown (the host calls it), ``set_actor`` when
    the user changes."""

    dialog_opened = Signal(object)  # a dialog of the view, once shown (tests drive it)
    orders_shown = Signal()  # the orders list was redrawn
    order_shown = Signal(str)  # the lines of this order are shown
    groups_shown = Signal()  # the reorder page's supplier groups were redrawn
    suggestions_shown = Signal()  # a page of suggestions was drawn
    pdf_done = Signal(str, object)  # mode, and the preview dialog, the pages printed or the path written
    drafts_made = Signal(object)  # the DraftResult

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.dialog: Any = None
        self.preview: Any = None
        self.exponent = 2
        self.orders: list[OrderRow] = []
        self.order: OrderDetail | None = None
        self.groups: list[SupplierGroup] = []
        self.suggestions: list[Suggestion] = []
        self.offset = 0
        self._wanted = ""  # the order to select once the list is in
        self.pages = QStackedWidget()
        self.pages.addWidget(self._orders_page())
        self.pages.addWidget(self._reorder_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.set_actor(actor)

    # --- pages ------------------------------------------------------------------------------------

    def _orders_page(self) -> QWidget:
        page = QWidget()
        self.orders_page = page
        self.filter_box = compact_combo()
        for key, label, _statuses in FILTERS:
            self.filter_box.addItem(self.tr(label), key)
        self.filter_box.currentIndexChanged.connect(lambda _i: self.load_orders())
        show_label = QLabel(self.tr("Sh&ow"))
        show_label.setBuddy(self.filter_box)
        self.new_button = key_button(page, self.tr("Ctrl+N New order"), "Ctrl+N", self.new_order,
                                  self.tr("Raise a draft order to a supplier"))
        self.reorder_button = key_button(page, self.tr("F9 Reorder"), "F9", self.show_reorder,
                                      self.tr("What to order: the suggestions by supplier, made into draft orders"))
        self.refresh_button = key_button(page, self.tr("F5 Refresh"), "F5", self.load_orders,
                                      self.tr("Read the orders again"))
        top = QHBoxLayout()
        top.addWidget(show_label)
        top.addWidget(self.filter_box)
        top.addStretch(1)
        for button in (self.new_button, self.reorder_button, self.refresh_button):
            top.addWidget(button)
        self.orders_table = _table([self.tr("Order"), self.tr("Supplier"), self.tr("Status"), self.tr("Expected"),
                                    self.tr("Lines"), self.tr("Open"), self.tr("Total"), self.tr("Late")],
                                   numeric=(4, 5, 6, 7))
        self.orders_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.orders_table.itemSelectionChanged.connect(self._order_selected)
        self.orders_note = QLabel()
        self.orders_note.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.orders_table, 1)
        left_layout.addWidget(self.orders_note)

        self.order_label = QLabel()
        font = self.order_label.font()
        font.setBold(True)
        self.order_label.setFont(font)
        self.order_label.setWordWrap(True)
        self.lines_table = _table([self.tr("#"), self.tr("Part number"), self.tr("Description"),
                                   self.tr("Supplier's no."), self.tr("Ordered"), self.tr("Received"),
                                   self.tr("Unit price"), self.tr("Amount")], numeric=(0, 4, 5, 6, 7))
        self.lines_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.expected_edit = QLineEdit()
        self.expected_edit.setPlaceholderText(self.tr("2026-12-01"))
        self.expected_edit.setMaximumWidth(130)
        expected_label = QLabel(self.tr("E&xpected"))
        expected_label.setBuddy(self.expected_edit)
        self.expected_button = key_button(page, self.tr("Ctrl+E Set expected date"), "Ctrl+E", self.set_expected,
                                       self.tr("When the goods are expected (what the late list chases)"))
        self.expected_edit.returnPressed.connect(self.set_expected)
        expected_row = QHBoxLayout()
        expected_row.addWidget(expected_label)
        expected_row.addWidget(self.expected_edit)
        expected_row.addWidget(self.expected_button)
        expected_row.addStretch(1)
        self.add_button = key_button(page, self.tr("F2 Add part"), "F2", self.add_line,
                                  self.tr("Add a part to this draft"))
        self.remove_button = key_button(page, self.tr("Del Remove line"), "Del", self.remove_line,
                                     self.tr("Take the selected line off this draft"))
        self.send_button = key_button(page, self.tr("Ctrl+Enter Send"), "Ctrl+Return", self.send,
                                   self.tr("Send the draft: it can no longer change; save its PDF for the supplier"))
        self.cancel_button = key_button(page, self.tr("F8 Cancel order"), "F8", self.cancel_order,
                                     self.tr("Nothing of this order is coming (nothing received yet)"))
        self.close_button = key_button(page, self.tr("F7 Close order"), "F7", self.close_order,
                                    self.tr("The rest of this order is no longer coming"))
        self.print_button = key_button(page, self.tr("Ctrl+P Print"), "Ctrl+P", lambda: self.make_pdf("print"),
                                    self.tr("Print the PO on the A4 printer"))
        self.preview_button = key_button(page, self.tr("Ctrl+Shift+P Preview"), "Ctrl+Shift+P",
                                      lambda: self.make_pdf("preview"), self.tr("Preview the PO"))
        self.pdf_button = key_button(page, self.tr("Ctrl+S Save as PDF"), "Ctrl+S", lambda: self.make_pdf("pdf"),
                                  self.tr("Save the PO as a PDF file"))
        self.order_note = QLabel()
        self.order_note.setWordWrap(True)
        self.order_note.setTextFormat(Qt.TextFormat.PlainText)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.order_label)
        right_layout.addLayout(expected_row)
        right_layout.addWidget(self.lines_table, 1)
        right_layout.addWidget(self.order_note)
        for group in ((self.add_button, self.remove_button, self.send_button, self.cancel_button, self.close_button),
                      (self.print_button, self.preview_button, self.pdf_button)):
            row = QHBoxLayout()
            for button in group:
                row.addWidget(button)
            row.addStretch(1)
            right_layout.addLayout(row)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([540, 660])  # the orders' figures in full beside the lines
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        page.setFocusProxy(self.orders_table)
        return page

    def _reorder_page(self) -> QWidget:
        page = QWidget()
        self.reorder_page = page
        title = QLabel(self.tr("Reorder: parts whose stock on hand − reserved is below their minimum and that are "
                               "on no open order, topped up to their maximum in the preferred supplier's packs"))
        title.setWordWrap(True)
        self.groups_table = _table([self.tr("Supplier"), self.tr("Parts")], numeric=(1,))
        self.groups_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.groups_table.itemSelectionChanged.connect(self._group_selected)
        self.suggestions_table = _table([self.tr("Part number"), self.tr("Description"), self.tr("On hand"),
                                         self.tr("Min"), self.tr("Max"), self.tr("Supplier's no."), self.tr("To order"),
                                         self.tr("Unit price"), self.tr("Why")], numeric=(2, 3, 4, 6, 7))
        self.suggestions_table.horizontalHeader().setSectionResizeMode(8, QHeaderView.ResizeMode.Stretch)
        self.page_label = QLabel()
        self.previous_button = key_button(page, self.tr("PgUp Previous"), "PgUp", self.previous_page,
                                       self.tr("The previous page of this supplier's suggestions"))
        self.next_button = key_button(page, self.tr("PgDown Next"), "PgDown", self.next_page,
                                   self.tr("The next page of this supplier's suggestions"))
        paging = QHBoxLayout()
        paging.addWidget(self.page_label, 1)
        paging.addWidget(self.previous_button)
        paging.addWidget(self.next_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.suggestions_table, 1)
        right_layout.addLayout(paging)
        splitter = QSplitter()
        splitter.addWidget(self.groups_table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([320, 880])  # "(no supplier: not ordered)" on one line
        self.reorder_note = QLabel()
        self.reorder_note.setWordWrap(True)
        self.reorder_note.setTextFormat(Qt.TextFormat.PlainText)
        self.drafts_button = key_button(page, self.tr("Ctrl+D Create draft orders"), "Ctrl+D", self.create_drafts,
                                     self.tr("One draft order per preferred supplier, holding all its suggestions"))
        self.reorder_refresh = key_button(page, self.tr("F5 Refresh"), "F5", self.load_groups,
                                       self.tr("Work the suggestions out again"))
        self.back_button = key_button(page, self.tr("Esc Orders"), "Esc", self.show_orders,
                                   self.tr("Back to the purchase orders"))
        buttons = QHBoxLayout()
        for button in (self.drafts_button, self.reorder_refresh, self.back_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.reorder_note)
        layout.addLayout(buttons)
        page.setFocusProxy(self.groups_table)
        return page

    # --- the host's hooks ------------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        """Another user: purchasing needs stock.purchase."""
        self.actor = actor
        allowed = actor.can("stock.purchase")
        self.pages.setEnabled(allowed)
        if not allowed:
            self.orders_table.setRowCount(0)
            self.lines_table.setRowCount(0)
            self.orders = []
            self.order = None
            self.order_label.setText("")
            set_note(self.orders_note, self.tr("Purchase orders are kept by those who may purchase (storekeeper, "
                                               "manager)."), error=True)
        self._update_buttons()

    def start(self) -> None:
        """Read the currency and the orders (the host calls it once the view is shown)."""
        self.runner.submit(currency_exponent, owner=self, name="po_setup",
                           on_done=lambda value: setattr(self, "exponent", value))
        self.load_orders()
        self.pages.currentWidget().setFocus()

    def _money(self, minor: int) -> str:
        return format_money(minor, exponent=self.exponent)

    def _open(self, dialog: QDialog) -> None:
        open_over(self, dialog, lambda: self.pages.currentWidget())

    # --- orders ---------------------------------------------------------------------------------

    def filter_key(self) -> str:
        return self.filter_box.currentData()

    def set_filter(self, key: str) -> None:
        index = self.filter_box.findData(key)
        if index == self.filter_box.currentIndex():
            self.load_orders()
        else:
            self.filter_box.setCurrentIndex(index)

    def load_orders(self) -> None:
        if not self.actor.can("stock.purchase"):
            return
        self.runner.submit(load_orders, self.actor, self.filter_key(), owner=self, name="po_list",
                           on_done=self._listed, on_error=lambda error: set_note(self.orders_note, str(error),
                                                                                  error=True))

    def _listed(self, orders: list[OrderRow]) -> None:
        chosen = self._wanted or (self.order.number if self.order else "")
        self._wanted = ""
        self.orders = orders
        rows = [[o.number, o.supplier, self.tr(purchasing.STATUS_LABELS[o.status]),
                 o.expected_date.isoformat() if o.expected_date else "", str(o.lines), str(o.outstanding_lines),
                 self._money(o.total), self.tr("{days} d").format(days=o.days_late) if o.days_late else ""]
                for o in orders]
        self.orders_table.blockSignals(True)
        _fill(self.orders_table, rows)
        for r, order in enumerate(orders):
            if order.days_late:
                self.orders_table.item(r, 7).setForeground(_LATE_COLOR)
        self.orders_table.resizeColumnsToContents()
        self.orders_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.orders_table.blockSignals(False)
        if self.filter_key() == LATE:
            text = (self.tr("{count} late order(s) to chase.").format(count=len(orders)) if orders
                    else self.tr("No order is late."))
        else:
            text = self.tr("{count} order(s).").format(count=len(orders)) if orders else \
                self.tr("No orders like that. Ctrl+N raises one; F9 shows what to reorder.")
        set_note(self.orders_note, text)
        numbers = [o.number for o in orders]
        self.orders_shown.emit()
        if orders:
            row = numbers.index(chosen) if chosen in numbers else 0
            self.orders_table.blockSignals(True)
            self.orders_table.selectRow(row)
            self.orders_table.blockSignals(False)
            self.open_order(numbers[row])
        else:
            self._show_order(None)

    def _order_selected(self) -> None:
        row = self.orders_table.currentRow()
        if 0 <= row < len(self.orders):
            self.open_order(self.orders[row].number)

    def open_order(self, number: str) -> None:
        self.runner.submit(purchasing.get_order, self.actor, number, owner=self, name="po_open",
                           on_done=self._show_order,
                           on_error=lambda error: set_note(self.order_note, str(error), error=True))

    def _show_order(self, order: OrderDetail | None) -> None:
        self.order = order
        if order is None:
            self.order_label.setText(self.tr("No order chosen."))
            self.lines_table.setRowCount(0)
            self.expected_edit.clear()
            self._update_buttons()
            return
        self.order_label.setText(self.tr("{number} to {supplier} — {status}, {lines} line(s), total {total}").format(
            number=order.number, supplier=order.supplier, status=self.tr(order.status_label),
            lines=len(order.lines), total=self._money(order.total)))
        self.expected_edit.setText(order.expected_date.isoformat() if order.expected_date else "")
        rows = [[str(ln.line_no), ln.part_number, f"{ln.description} · {ln.brand}" if ln.brand else ln.description,
                 ln.supplier_number, format_quantity(ln.qty, ln.unit), format_quantity(ln.qty_received, ln.unit),
                 self._money(ln.unit_price), self._money(ln.amount)] for ln in order.lines]
        _fill(self.lines_table, rows)
        self.lines_table.resizeColumnsToContents()
        self.lines_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        if rows:
            self.lines_table.selectRow(0)
        self._update_buttons()
        self.order_shown.emit(order.number)

    def _update_buttons(self) -> None:
        status = self.order.status if self.order else ""
        draft = status == "draft"
        for button, on in ((self.add_button, draft), (self.remove_button, draft and bool(self.order.lines)),
                           (self.send_button, draft), (self.cancel_button, status in ("draft", "sent")),
                           (self.close_button, status in purchasing.RECEIVABLE),
                           (self.expected_button, status in purchasing.OPEN_STATUSES),
                           (self.print_button, bool(status)), (self.preview_button, bool(status)),
                           (self.pdf_button, bool(status))):
            button.setEnabled(on)
        self.expected_edit.setEnabled(status in purchasing.OPEN_STATUSES)

    def _changed(self, message: str, number: str | None = None) -> None:
        """A write went through: say it, read the list (and the order) again."""
        set_note(self.order_note, message)
        self._wanted = number or (self.order.number if self.order else "")
        self.load_orders()

    def _refused(self, error: Exception) -> None:
        problems = getattr(error, "problems", None)
        text = " ".join(problems.values()) if problems else str(error)
        set_note(self.order_note, text + " " + self.tr("Nothing was changed."), error=True)

    def new_order(self) -> None:
        def listed(suppliers: list[purchasing.SupplierDetail]) -> None:
            dialog = NewOrderDialog(self.runner, self.actor, suppliers, self)
            dialog.saved.connect(lambda number: self._created(number))
            self._open(dialog)

        self.runner.submit(purchasing.list_suppliers, self.actor, owner=self, name="po_suppliers", on_done=listed,
                           on_error=self._refused)

    def _created(self, number: str) -> None:
        self._wanted = number
        set_note(self.order_note, self.tr("Draft {number} made: F2 adds its parts.").format(number=number))
        if self.filter_key() in ("open", "draft", "all"):
            self.load_orders()
        else:
            self.set_filter("draft")

    def add_line(self) -> None:
        if self.order is None or self.order.status != "draft":
            return
        number = self.order.number
        dialog = OrderPartDialog(self.runner, self)
        dialog.picked.connect(lambda part: self._part_picked(number, part))
        self._open(dialog)

    def _part_picked(self, number: str, part: PartRow) -> None:
        dialog = AddLineDialog(self.runner, self.actor, number, part, self)
        dialog.saved.connect(lambda line_no: self._changed(
            self.tr("{part} added to {number} as line {line}.").format(part=part.number, number=number,
                                                                       line=line_no), number))
        self._open(dialog)

    def remove_line(self) -> None:
        row = self.lines_table.currentRow()
        if self.order is None or self.order.status != "draft" or not 0 <= row < len(self.order.lines):
            return
        line = self.order.lines[row]
        number = self.order.number
        self.runner.submit(purchasing.remove_line, self.actor, number, line.line_no, owner=self,
                           name="po_remove_line",
                           on_done=lambda _r: self._changed(self.tr("Line {line} ({part}) taken off {number}.").format(
                               line=line.line_no, part=line.part_number, number=number), number),
                           on_error=self._refused)

    def set_expected(self) -> None:
        if self.order is None or self.order.status not in purchasing.OPEN_STATUSES:
            return
        number, text = self.order.number, self.expected_edit.text().strip()
        self.runner.submit(purchasing.set_expected_date, self.actor, number, text, owner=self, name="po_expected",
                           on_done=lambda _r: self._changed(self.tr("{number} is expected on {day}.").format(
                               number=number, day=text), number),
                           on_error=self._refused)

    def cancel_order(self) -> None:
        if self.order is not None and self.order.status in ("draft", "sent"):
            self._reason(purchasing.cancel, self.tr("Cancel {number} (F8): nothing of it is coming"),
                         self.tr("{number} cancelled."))

    def close_order(self) -> None:
        if self.order is not None and self.order.status in purchasing.RECEIVABLE:
            self._reason(purchasing.close, self.tr("Close {number} (F7): the rest is not coming"),
                         self.tr("{number} closed: what was still open is no longer on order."))

    def _reason(self, fn: Any, title: str, done: str) -> None:
        number = self.order.number
        dialog = ReasonDialog(self.runner, self.actor, fn, number, title.format(number=number), self)
        dialog.saved.connect(lambda _r: self._changed(done.format(number=number), number))
        self._open(dialog)

    # --- the PDF --------------------------------------------------------------------------------

    def send(self) -> None:
        """Ctrl+Enter: send the draft, then save its PDF for the supplier (Ctrl+P prints it too)."""
        if self.order is None or self.order.status != "draft":
            return
        number = self.order.number
        self.send_button.setEnabled(False)
        self.runner.submit(send_order, self.actor, number, owner=self, name="po_send",
                           on_done=lambda made: self._sent(*made), on_error=self._send_refused)

    def _send_refused(self, error: Exception) -> None:
        self._refused(error)
        self._update_buttons()

    def _sent(self, number: str, pdf: bytes) -> None:
        if self.filter_key() == "draft":  # keep the order in sight: it is no draft any more
            self._wanted = number
            self.set_filter("open")
        else:
            self._changed(self.tr("{number} sent.").format(number=number), number)
        self._hand_out("pdf", number, pdf, sent=True)

    def make_pdf(self, mode: str) -> None:
        """Ctrl+P, Ctrl+Shift+P, Ctrl+S: the selected order's PO printed, previewed or saved."""
        if mode not in print_path.MODES:
            raise ValueError(f"mode must be one of {print_path.MODES}, not {mode!r}")
        if self.order is None:
            return
        self.runner.submit(order_pdf, self.actor, self.order.number, owner=self, name="po_pdf",
                           on_done=lambda made: self._hand_out(mode, *made), on_error=self._refused)

    def _hand_out(self, mode: str, number: str, pdf: bytes, *, sent: bool = False) -> None:
        done = self.tr("{number} sent. ").format(number=number) if sent else ""
        try:
            if mode == "preview":
                try:
                    printer = print_path.printer_for("invoice")  # the A4 printer
                except print_path.PrinterError:
                    printer = None  # a preview needs no printer; its Print button asks the system
                self.preview = print_path.preview_pdf(self, pdf, printer,
                                                      title=self.tr("Preview of {number}").format(number=number))
                set_note(self.order_note, done + self.tr("Preview of {number} shown.").format(number=number))
                self.pdf_done.emit(mode, self.preview)
            elif mode == "print":
                pages = print_path.print_pdf(pdf, print_path.printer_for("invoice"))
                set_note(self.order_note, done + self.tr("Printed {number} ({pages} page(s)).").format(
                    number=number, pages=pages))
                self.pdf_done.emit(mode, pages)
            else:
                suggested = str(print_path._documents_folder() / f"{number}.pdf")
                path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save purchase order {number} as PDF").format(
                    number=number), suggested, self.tr("PDF files (*.pdf)"))
                if not path:
                    if sent:
                        set_note(self.order_note, done + self.tr("Its PDF was not saved: Ctrl+S saves it, Ctrl+P "
                                                                 "prints it."))
                    self.pdf_done.emit(mode, "")
                    return
                if not path.lower().endswith(".pdf"):
                    path += ".pdf"
                try:
                    Path(path).write_bytes(pdf)
                except OSError as error:
                    set_note(self.order_note, done + self.tr("{number} was not saved to {path}: {error}.").format(
                        number=number, path=path, error=error.strerror or error), error=True)
                    self.pdf_done.emit(mode, "")
                    return
                set_note(self.order_note, done + self.tr("Saved {number} to {path}.").format(number=number, path=path))
                self.pdf_done.emit(mode, path)
        except print_path.PrinterError as error:
            set_note(self.order_note, done + self.tr("{number} was not printed: {error}").format(
                number=number, error=error), error=True)
            self.pdf_done.emit(mode, None)

    # --- reorder --------------------------------------------------------------------------------

    def show_reorder(self) -> None:
        """F9: the reorder page, its suggestions worked out afresh."""
        if not self.actor.can("stock.purchase"):
            return
        self.pages.setCurrentWidget(self.reorder_page)
        self.load_groups()
        self.groups_table.setFocus()

    def show_orders(self) -> None:
        self.pages.setCurrentWidget(self.orders_page)
        self.orders_table.setFocus()

    def load_groups(self) -> None:
        set_note(self.reorder_note, self.tr("Working out what to order…"))
        self.runner.submit(reorder.suggestion_groups, self.actor, owner=self, name="reorder_groups",
                           on_done=self._groups_listed,
                           on_error=lambda error: set_note(self.reorder_note, str(error), error=True))

    def _group_name(self, group: SupplierGroup) -> str:
        if group.supplier_id is None:
            return self.tr("(no supplier: not ordered)")
        return group.supplier if group.active else self.tr("{name} (inactive: not ordered)").format(
            name=group.supplier)

    def _groups_listed(self, groups: list[SupplierGroup]) -> None:
        chosen = self._group_id()
        self.groups = groups
        self.groups_table.blockSignals(True)
        _fill(self.groups_table, [[self._group_name(g), f"{g.parts:,}"] for g in groups])
        self.groups_table.blockSignals(False)
        total = sum(g.parts for g in groups)
        ordered = sum(g.parts for g in groups if g.supplier_id is not None and g.active)
        if total:
            set_note(self.reorder_note, self.tr("{total} part(s) to order from {suppliers} supplier(s); Ctrl+D "
                                                "makes the draft orders for {ordered} of them.").format(
                total=f"{total:,}", suppliers=sum(1 for g in groups if g.supplier_id is not None and g.active),
                ordered=f"{ordered:,}"))
        else:
            set_note(self.reorder_note, self.tr("Nothing to reorder: every part with a minimum has enough stock or "
                                                "is on an open order."))
        ids = [g.supplier_id for g in groups]
        self.groups_shown.emit()
        if groups:
            self.groups_table.selectRow(ids.index(chosen) if chosen in ids else 0)
        else:
            self.suggestions = []
            self.suggestions_table.setRowCount(0)
            self.page_label.setText("")
            self._update_paging()
        self.drafts_button.setEnabled(any(g.supplier_id is not None and g.active for g in groups))

    def _group_id(self) -> Any:
        row = self.groups_table.currentRow()
        return self.groups[row].supplier_id if 0 <= row < len(self.groups) else -1

    def _group_selected(self) -> None:
        self.offset = 0
        self.load_page()

    def load_page(self) -> None:
        row = self.groups_table.currentRow()
        if not 0 <= row < len(self.groups):
            return
        group, offset = self.groups[row], self.offset
        self.runner.submit(reorder.suggestion_page, self.actor, group.supplier_id, offset=offset, limit=PAGE_SIZE,
                           owner=self, name="reorder_page",
                           on_done=lambda found: self._page_shown(group, offset, found),
                           on_error=lambda error: set_note(self.reorder_note, str(error), error=True))

    def _page_shown(self, group: SupplierGroup, offset: int, found: list[Suggestion]) -> None:
        self.suggestions = found
        rows = [[s.part_number, f"{s.description} · {s.brand}", format_quantity(s.on_hand, s.unit),
                 format_quantity(s.min_qty, s.unit), format_quantity(s.max_qty, s.unit), s.supplier_number,
                 format_quantity(s.qty, s.unit), self._money(s.unit_price), s.explanation] for s in found]
        _fill(self.suggestions_table, rows)
        self.suggestions_table.resizeColumnsToContents()
        self.suggestions_table.horizontalHeader().setSectionResizeMode(8, QHeaderView.ResizeMode.Stretch)
        if found:
            self.page_label.setText(self.tr("{name}: {first}–{last} of {total}").format(
                name=self._group_name(group), first=f"{offset + 1:,}", last=f"{offset + len(found):,}",
                total=f"{group.parts:,}"))
        else:
            self.page_label.setText(self.tr("{name}: nothing more to order").format(name=self._group_name(group)))
        self._update_paging()
        self.suggestions_shown.emit()

    def _current_group(self) -> SupplierGroup | None:
        row = self.groups_table.currentRow()
        return self.groups[row] if 0 <= row < len(self.groups) else None

    def _update_paging(self) -> None:
        group = self._current_group()
        self.previous_button.setEnabled(self.offset > 0)
        self.next_button.setEnabled(group is not None and self.offset + PAGE_SIZE < group.parts)

    def next_page(self) -> None:
        group = self._current_group()
        if group is not None and self.offset + PAGE_SIZE < group.parts:
            self.offset += PAGE_SIZE
            self.load_page()

    def previous_page(self) -> None:
        if self.offset > 0:
            self.offset = max(0, self.offset - PAGE_SIZE)
            self.load_page()

    def create_drafts(self) -> None:
        """Ctrl+D: one draft per preferred supplier, from every suggestion (not only the page shown)."""
        self.drafts_button.setEnabled(False)
        set_note(self.reorder_note, self.tr("Making the draft orders…"))
        self.runner.submit(reorder.create_drafts, self.actor, owner=self, name="reorder_drafts",
                           on_done=self._drafts_made, on_error=self._drafts_refused)

    def _drafts_refused(self, error: Exception) -> None:
        set_note(self.reorder_note, f"{error} " + self.tr("No order was made."), error=True)
        self.drafts_button.setEnabled(True)

    def _drafts_made(self, result: reorder.DraftResult) -> None:
        if result.orders:
            text = self.tr("Made {count} draft order(s): {orders}.").format(
                count=len(result.orders), orders=", ".join(
                    self.tr("{number} ({supplier}, {lines} line(s))").format(
                        number=o.number, supplier=o.supplier, lines=o.lines) for o in result.orders))
        else:
            text = self.tr("No draft order was made: nothing to order from an active supplier.")
        if result.without_supplier:
            text += " " + self.tr("{count} part(s) have no active supplier and were not ordered.").format(
                count=f"{result.without_supplier:,}")
        self.drafts_made.emit(result)
        self.show_orders()
        set_note(self.order_note, text)
        self._wanted = result.orders[0].number if result.orders else ""
        self.set_filter("draft")


__all__ = ["AddLineDialog", "NewOrderDialog", "OrderPartDialog", "PurchaseOrdersView", "ReasonDialog"]
