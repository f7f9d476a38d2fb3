"""The Counter tab: scan to cart, choose the customer, tender.

Keys (each shown on its button): F2 search the catalogue and add the part picked; F3 choose the
customer (search, or scan their member card while the dialog is open; "Walk-in" goes back to
no customer); F4 change the selected line (quantity, discount, price); Del removes it; F8 parks
the cart under a name (or, with an empty cart, recalls a parked sale at any counter); F7 saves
the cart as a phone or trade order and prints its pick list (or, with an empty cart, lists the
open orders: scan a pick list to find one, mark it picked, cancel it, or sell it: the cart shows
"Order SO-…" and the tender's commit marks it sold; ``ui.orders_dialog``); F9 saves the cart as a
quote and prints it (or, with an empty cart, lists the quotes: scan a quote to find it, sell it
into the cart at its held prices or today's, reprint or cancel it; ``ui.quote_dialog``); F12
tender; Esc cancels the current step (the pending quantity, a tender waiting for the prices);
F6 takes goods back against a receipt or invoice (``ui.return_dialog``: scan it or search; the
credit note prints like the sale did); Ctrl+P reprints any invoice, receipt or credit note by
its number, marked COPY (``ui.reprint_dialog``, the last one printed here filled in). Once a sale is committed its receipt or invoice is
printed (``ui.print_path``) on this PC's printer for that kind; a printer problem is shown under
the message and the sale stays saved.
F11 opens the cash-up (``ui.cashup_dialog``: float, pay-ins and pay-outs, X report, close the
day). Ctrl+Del voids the sale in the cart; it and Del put the lines taken out on record as voids
(``services.cashup.record_void``, on the worker) for the Z report.
Typing ``N*`` in the entry before a scan sells N of the next part; a barcode typed there and
Enter is taken like a scan.

Scans come from the application's ``ScannerFilter`` while this tab is shown: each is looked up
on the worker, one at a time and in the order scanned (those arriving meanwhile wait, none is
dropped or merged); the same part again adds to its line. After every change the cart is
priced again by ``services.sales.price_cart`` on the worker; only the answer to the latest
request is shown. While the tender dialog is open, scans wait and are added after it closed.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk import i18n
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.money import (
    CURRENCIES,
    format_bp,
    format_money,
    format_quantity,
    line_amount,
    parse_money,
    parse_percent_bp,
    parse_quantity,
)
from partsdesk.domain.permissions import Actor
from partsdesk.domain.scanning import read_entry
from partsdesk.domain.tender import METHOD_LABELS
from partsdesk.services import cashup, customers, membership, returns, sales, search, settings
from partsdesk.services.sales import CartLineView, CartView, LineRequest, SaleResult
from partsdesk.services.search import PartRow
from partsdesk.ui import print_path
from partsdesk.ui.cashup_dialog import CashUpDialog
from partsdesk.ui.forms import ERROR_COLOR, FORM_STYLE, FieldErrors, error_label, set_note, show_window_modal
from partsdesk.ui.orders_dialog import OrderListDialog, SaveOrderDialog
from partsdesk.ui.quote_dialog import QuotePriceDialog, QuotesDialog, SaveQuoteDialog
from partsdesk.ui.reprint_dialog import ReprintDialog
from partsdesk.ui.return_dialog import ReturnDialog
from partsdesk.ui.scanner import ScannerFilter
from partsdesk.ui.search_dialog import SearchDialog
from partsdesk.ui.tasks import TaskRunner
from partsdesk.ui.tender_dialog import TenderCustomer, TenderDialog

ONE = 1_000  # one unit, in thousandths
_PROBLEMS_SHOWN = 3


@dataclass(frozen=True)
class CounterSetup:
    exponent: int
    point_value: int
    currency: str = "CNY"


def load_setup() -> CounterSetup:
    """On the worker: the shop settings the counter needs."""
    currency = settings.get("shop.currency")
    return CounterSetup(exponent=CURRENCIES.get(currency, (2, ""))[0],
                        point_value=int(settings.get("membership.point_value")), currency=currency)


def load_customer(actor: Actor, customer_id: int) -> TenderCustomer:
    """On the worker: the customer chosen at the counter with their prepaid and points balances
    (zero for a role that may not see accounts)."""
    detail = customers.get_customer(actor, customer_id)
    if not detail.active:
        raise UserError(i18n._("Customer #{id} is not in the customer file any more (merged or erased).").format(
            id=customer_id))
    name = str(detail.values.get("name", ""))
    kind = str(detail.values.get("kind", "person"))
    if not actor.can("customer.view_account"):
        return TenderCustomer(customer_id, name, kind, False, 0, 0)
    summary = membership.membership_summary(actor, customer_id, limit=1)
    return TenderCustomer(customer_id, name, kind, summary.member, summary.prepaid_balance, summary.points_balance)


# --- the dialogs ------------------------------------------------------------------------------

class PartSearchDialog(SearchDialog):
    """F2: the catalogue search; ``picked(PartRow)`` for the part chosen, then the dialog closes."""

    picked = Signal(object)
    numeric_columns = (4, 5)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None, *, exponent: int = 2) -> None:
        self.exponent = exponent
        super().__init__(runner, [self.tr("Part number"), self.tr("Brand"), self.tr("Description"), self.tr("Bin"),
                                  self.tr("On hand"), self.tr("Price")], parent)
        self.setWindowTitle(self.tr("Add a part (F2)"))
        self.box.setPlaceholderText(self.tr("Part number, barcode, words or vehicle (golf 2015 brake pad)"))
        self.resize(760, 420)

    def _search(self, text: str) -> list[PartRow]:
        return search.search_parts(text, limit=50).rows if text.strip() else []

    def _cells(self, row: PartRow) -> list[str]:
        return [row.number, row.brand, row.name_en, row.bin, format_quantity(row.on_hand, row.unit),
                format_money(row.price_retail, exponent=self.exponent)]

    def _chosen(self, row: PartRow) -> None:
        self.accept()
        self.picked.emit(row)


class CustomerPickDialog(SearchDialog):
    """F3: find the customer (name, phone, plate, member card) or scan their member card;
    ``picked(id)``, or ``picked(None)`` for a walk-in, then the dialog closes."""

    picked = Signal(object)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, [self.tr("Name"), self.tr("Member card"), self.tr("Phone"), self.tr("Plates")],
                         parent)
        self.setWindowTitle(self.tr("Customer (F3)"))
        self.box.setPlaceholderText(self.tr("Name, phone, plate — or scan the member card"))
        self.walk_in_button = self.buttons.addButton(self.tr("&Walk-in"), QDialogButtonBox.ButtonRole.ActionRole)
        self.walk_in_button.setAutoDefault(False)
        self.walk_in_button.clicked.connect(self.walk_in)
        self.resize(640, 380)
        self._card = ""

    def _search(self, text: str) -> list[customers.CustomerRow]:
        return customers.search_customers(text, limit=50).rows if text.strip() else []

    def _cells(self, row: customers.CustomerRow) -> list[str]:
        return [row.name, row.member_card, row.phone, row.plates]

    def _chosen(self, row: customers.CustomerRow) -> None:
        self.accept()
        self.picked.emit(row.id)

    def walk_in(self) -> None:
        self.accept()
        self.picked.emit(None)

    def take_scan(self, code: str) -> None:
        """A member card scanned while the dialog is open: its customer is picked."""
        self._card = code
        self._debounce.stop()
        self.box.blockSignals(True)
        self.box.setText(code)
        self.box.blockSignals(False)
        self._asked += 1
        asked = self._asked
        self.runner.submit(customers.search_customers, code, limit=5, owner=self, name="counter_card",
                           on_done=lambda result: self._card_found(asked, code, result.rows),
                           on_error=lambda error: self._failed(asked, error))

    def _card_found(self, asked: int, code: str, rows: list[customers.CustomerRow]) -> None:
        self._pick_when_ready = False
        self._found(asked, rows)
        card = next((row for row in rows if row.match == "card"), None)
        if asked != self._asked:
            return
        if card is not None:
            self._chosen(card)
        else:
            set_note(self.note, self.tr("No customer has member card {code}.").format(code=code), error=True)


class LineDialog(QDialog):
    """F4: quantity, discount and price of one cart line; ``changed(qty, discount_bp,
    override_price)`` once the inputs read well, then the dialog closes."""

    changed = Signal(int, int, object)

    def __init__(self, line: LineRequest, *, title: str, unit: str, list_price: int | None, exponent: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.exponent = exponent
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle(self.tr("Line (F4): {part}").format(part=title))
        self.qty = QLineEdit(format_quantity(line.qty))
        self.discount = QLineEdit(format_bp(line.discount_bp).replace(" %", "") if line.discount_bp else "")
        self.discount.setPlaceholderText("0")
        self.price = QLineEdit(format_money(line.override_price, exponent=exponent)
                               if line.override_price is not None else "")
        self.price.setPlaceholderText(self.tr("the customer's price {price}").format(
            price=format_money(list_price, exponent=exponent)) if list_price is not None else "")
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        form.addRow(self.tr("&Quantity ({unit})").format(unit=unit), self.qty)
        form.addRow("", self.errors.add("qty", self.qty))
        form.addRow(self.tr("&Discount %"), self.discount)
        form.addRow("", self.errors.add("discount", self.discount))
        form.addRow(self.tr("&Unit price"), self.price)
        form.addRow("", self.errors.add("price", self.price))
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("OK (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.setMinimumWidth(360)
        self.qty.setFocus()
        self.qty.selectAll()

    def save(self) -> None:
        problems: dict[str, str] = {}
        qty = discount = 0
        price: int | None = None
        try:
            qty = parse_quantity(self.qty.text(), field="qty", label=self.tr("Quantity"))
            if qty <= 0:
                problems["qty"] = self.tr("Quantity: more than 0 (Del removes the line).")
        except ValidationError as error:
            problems.update(error.problems)
        try:
            text = self.discount.text().strip()
            discount = parse_percent_bp(text, field="discount", label=self.tr("Discount")) if text else 0
        except ValidationError as error:
            problems.update(error.problems)
        try:
            text = self.price.text().strip()
            price = parse_money(text, exponent=self.exponent, field="price", label=self.tr("Unit price")) \
                if text else None
            if price is not None and price < 0:
                problems["price"] = self.tr("Unit price cannot be negative.")
        except ValidationError as error:
            problems.update(error.problems)
        if problems:
            self.errors.show(problems)
            return
        self.accept()
        self.changed.emit(qty, discount, price)


class _CartDelegate(QStyledItemDelegate):
    """A red line stays red when selected (on a light selection colour)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Any) -> None:
        super().initStyleOption(option, index)
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        if isinstance(brush, QBrush) and brush.style() != Qt.BrushStyle.NoBrush:
            option.palette.setBrush(QPalette.ColorRole.HighlightedText, brush)


# --- the tab ----------------------------------------------------------------------------------

class HeldSalesDialog(QDialog):
    """F8 with a cart: park it under a name. F8 with an empty cart: the parked sales of the shop,
    Enter recalls the chosen one (``recalled(HeldCartRow)``)."""

    parked = Signal(int)
    recalled = Signal(object)

    def __init__(self, runner: TaskRunner, actor: Actor, *, lines: list[LineRequest], customer_id: int | None,
                 customer_name: str, origin: dict[str, str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.lines = list(lines)
        self.customer_id = customer_id
        self.origin = dict(origin or {})
        self.rows: list[Any] = []
        self.setStyleSheet(FORM_STYLE)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self.buttons = QDialogButtonBox()
        if self.lines:
            self.setWindowTitle(self.tr("Park this sale (F8)"))
            self.name = QLineEdit(customer_name)
            self.name.setPlaceholderText(self.tr("the customer's name, or what tells it apart: \"blue van\""))
            form = QFormLayout()
            form.addRow(self.tr("&Name"), self.name)
            form.addRow("", self.errors.add("name", self.name))
            layout.addLayout(form)
            self.ok_button = self.buttons.addButton(self.tr("Park (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.name.setFocus()
            self.name.selectAll()
        else:
            self.setWindowTitle(self.tr("Parked sales (F8)"))
            self.table = QTableWidget(0, 4)
            self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Customer"), self.tr("Lines"),
                                                  self.tr("Parked")])
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            self.table.verticalHeader().setVisible(False)
            self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            self.table.horizontalHeader().setStretchLastSection(True)
            self.table.itemActivated.connect(lambda _item: self.accept_choice())
            layout.addWidget(self.table, 1)
            self.ok_button = self.buttons.addButton(self.tr("Recall (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.ok_button.setEnabled(False)
            self.runner.submit(sales.held_carts, actor, owner=self, name="held_carts", on_done=self._listed,
                               on_error=self.errors.show_refused)
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept_choice)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)

    def _listed(self, rows: list[Any]) -> None:
        self.rows = rows
        for row in rows:
            at = self.table.rowCount()
            self.table.insertRow(at)
            for column, text in enumerate((row.name, row.customer_name or self.tr("Walk-in"), str(len(row.lines)),
                                           f"{row.held_at:%H:%M} · {row.held_by}")):
                self.table.setItem(at, column, QTableWidgetItem(text))
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()
        else:
            self.errors.show_message(self.tr("No sale is parked."))
        self.ok_button.setEnabled(bool(rows))

    def accept_choice(self) -> None:
        self.errors.clear()
        if self.lines:
            self.runner.submit(sales.park_cart, self.actor, self.name.text(), self.lines, customer_id=self.customer_id,
                               origin=self.origin, owner=self, name="park_cart", on_done=self._parked,
                               on_error=self.errors.show_refused)
            return
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            self.runner.submit(sales.recall_cart, self.actor, self.rows[row].id, owner=self, name="recall_cart",
                               on_done=self._recalled, on_error=self.errors.show_refused)

    def _parked(self, held_id: int) -> None:
        self.accept()
        self.parked.emit(held_id)

    def _recalled(self, row: Any) -> None:
        self.accept()
        self.recalled.emit(row)


class CounterTab(QWidget):
    """The counter: ``start()`` when the window opens, ``set_actor`` when the user changes.
    ``scanner`` is the window's filter; the tab owns its scans while shown."""

    dialog_opened = Signal(object)  # a search, customer, line or tender dialog, once shown (tests drive it)
    cart_shown = Signal()  # the cart table and total were redrawn after a price answer
    scan_handled = Signal(str)  # a scan was looked up and added (or refused with a message)
    sold = Signal(object)  # the SaleResult of a committed sale, after the cart was cleared
    lost_sale_recorded = Signal(int, int)  # part id, thousandths
    printed = Signal(object)  # the print_path.PrintOutcome of a sale's (re)print, after it was shown
    void_recorded = Signal(str, int)  # "line" or "cart", rows written: a void is on record for the Z report

    COLUMNS = ("number", "description", "bin", "available", "qty", "unit_price", "amount")

    def __init__(self, runner: TaskRunner, actor: Actor, *, scanner: ScannerFilter | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.scanner = scanner
        self.dialog: Any = None
        self.setup = CounterSetup(exponent=2, point_value=1)
        self.lines: list[LineRequest] = []
        self.parts: dict[int, PartRow] = {}  # what the lookups told of each part in the cart
        self.customer: TenderCustomer | None = None
        self.view: CartView | None = None
        self.view_lines: tuple[LineRequest, ...] = ()  # the lines ``view`` priced
        self.view_customer: int | None = None
        self._price_asked = 0
        self._price_wanted = False
        self._pricing = False  # the latest price request has not answered yet
        self._scans: deque[tuple[str, int | None]] = deque()
        self._looking_up = False
        self._tender_wanted = False
        self._customer_asked = 0
        self.last_sale: tuple[str, str] | None = None  # (number, kind) of the last sale here: Ctrl+P reprints it
        # The document the cart was loaded from, handed to commit_sale as keywords ({"quote_number": "QT-…"}).
        self.origin: dict[str, str] = {}

        self.entry = QLineEdit()
        self.entry.setPlaceholderText(self.tr("N* before a scan for N pieces; or type a barcode and Enter"))
        self.entry.setAccessibleName(self.tr("Quantity for the next scan, or a barcode"))
        self.entry.returnPressed.connect(self._entry_entered)
        self.entry.installEventFilter(self)
        self.entry.textChanged.connect(self._entry_changed)
        self.pending_label = QLabel()

        self.customer_label = QLabel()
        self.customer_label.setWordWrap(True)
        self.customer_label.setTextFormat(Qt.TextFormat.PlainText)

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr("Part number"), self.tr("Description"), self.tr("Bin"),
                                              self.tr("Available"), self.tr("Qty"), self.tr("Unit price"),
                                              self.tr("Amount")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column, width in enumerate((130, 260, 70, 80, 70, 110, 110)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_line())
        self.table.setItemDelegate(_CartDelegate(self.table))
        palette = self.table.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Highlight, QColor("#cfe2f3"))
            palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#000000"))
        self.table.setPalette(palette)

        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.print_label = QLabel()  # "Printing RC-000001…", then "Printed" or what went wrong
        self.print_label.setWordWrap(True)
        self.print_label.setTextFormat(Qt.TextFormat.PlainText)
        self.total_label = QLabel()
        font = self.total_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.8)
        self.total_label.setFont(font)
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.total_label.setMinimumWidth(QFontMetrics(font).horizontalAdvance(
            self.tr("Total {amount}").format(amount=format_money(10**9))))
        self.tax_label = QLabel()
        self.tax_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.search_button = self._button(self.tr("F2 Search"), "F2", self.open_search,
                                          self.tr("Find a part in the catalogue and add it"))
        self.customer_button = self._button(self.tr("F3 Customer"), "F3", self.open_customer,
                                            self.tr("Choose the customer, or scan their member card"))
        self.line_button = self._button(self.tr("F4 Quantity"), "F4", self.edit_line,
                                        self.tr("Quantity, discount or price of the selected line"))
        self.remove_button = self._button(self.tr("Del Remove"), "Del", self.remove_line,
                                          self.tr("Remove the selected line"))
        self.park_button = self._button(self.tr("F8 Park / recall"), "F8", self.park_or_recall,
                                        self.tr("Park this sale to serve someone else, or recall a parked one"))
        self.quote_button = self._button(self.tr("F9 Quote"), "F9", self.quote,
                                         self.tr("Save the cart as a quote and print it, or (cart empty) find a "
                                                 "quote to sell, reprint or cancel"))
        self.orders_button = self._button(self.tr("F7 Orders"), "F7", self.open_orders,
                                          self.tr("Save the cart as a phone or trade order and print its pick "
                                                  "list, or (cart empty) pick, sell or cancel the open orders"))
        self.tender_button = self._button(self.tr("F12 Tender"), "F12", self.tender,
                                          self.tr("Take the payment and complete the sale"))
        self.return_button = self._button(self.tr("F6 Return"), "F6", self.open_return,
                                          self.tr("Take goods back against a receipt or invoice: scan it or search"))
        self.reprint_button = self._button(self.tr("Ctrl+P Reprint"), "Ctrl+P", self.reprint,
                                           self.tr("Print any invoice, receipt or credit note again, marked COPY"))
        self.cashup_button = self._button(self.tr("F11 Cash-up"), "F11", self.open_cashup,
                                          self.tr("Opening float, pay-ins and pay-outs, the X report, close the day"))
        self.void_button = self._button(self.tr("Ctrl+Del Void sale"), "Ctrl+Del", self.void_sale,
                                        self.tr("Cancel this sale: empty the cart (the void is on record)"))
        escape = QShortcut(QKeySequence("Esc"), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.cancel_step)

        entry_row = QHBoxLayout()
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(self.pending_label)
        customer_row = QHBoxLayout()
        customer_row.addWidget(self.customer_label, 1)
        customer_row.addWidget(self.customer_button)
        # Two rows of keys, so the tab fits a small counter screen: the cart's keys above, the
        # documents' below; the tender key to the right of both.
        buttons = QHBoxLayout()
        rows = QVBoxLayout()
        for group in ((self.search_button, self.line_button, self.remove_button, self.void_button, self.park_button),
                      (self.quote_button, self.orders_button, self.return_button, self.reprint_button,
                       self.cashup_button)):
            row = QHBoxLayout()
            for button in group:
                row.addWidget(button)
            row.addStretch(1)
            rows.addLayout(row)
        buttons.addLayout(rows, 1)
        self.tender_button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        buttons.addWidget(self.tender_button)
        totals = QVBoxLayout()
        totals.addWidget(self.total_label)
        totals.addWidget(self.tax_label)
        bottom = QHBoxLayout()
        notes = QVBoxLayout()
        notes.addWidget(self.problems_label)
        notes.addWidget(self.message)
        notes.addWidget(self.print_label)
        notes.addStretch(1)
        bottom.addLayout(notes, 1)
        bottom.addLayout(totals)
        layout = QVBoxLayout(self)
        layout.addLayout(customer_row)
        layout.addLayout(entry_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addLayout(buttons)
        self.setFocusProxy(self.entry)
        self._render()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the empty entry, Del removes the selected line and Up/Down move through the cart."""
        if watched is self.entry and event.type() == QEvent.Type.KeyPress and not self.entry.text():
            key = event.key()
            if key == Qt.Key.Key_Delete:  # the entry would take Ctrl+Del for itself: route it here
                if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                    self.void_sale()
                else:
                    self.remove_line()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.lines:
                row = self.table.currentRow() + (-1 if key == Qt.Key.Key_Up else 1)
                self.table.selectRow(max(0, min(row, len(self.lines) - 1)))
                return True
        return super().eventFilter(watched, event)

    def _button(self, text: str, key: str, slot: Any, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys work from anywhere in the tab
        button.clicked.connect(slot)
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return button

    # --- the window's hooks ----------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        """Another user at the till: the floor and the permissions are theirs; the cart stays."""
        self.actor = actor
        self.setEnabled(actor.can("counter.sell"))
        self._reprice()

    def start(self) -> None:
        """Read the shop's settings and take the focus (the window calls it once it is shown)."""
        self.runner.submit(load_setup, owner=self, name="counter_setup", on_done=self._set_up)
        self.entry.setFocus()

    def _set_up(self, setup: CounterSetup) -> None:
        self.setup = setup
        self._render()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.scanner is not None:
            self.scanner.set_owner(self.add_scan)

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        if self.scanner is not None and self.scanner.owner == self.add_scan:
            self.scanner.set_owner(None)

    # --- scans --------------------------------------------------------------------------------

    def add_scan(self, code: str) -> None:
        """A scanned code: a member card while the customer dialog is open, else a part for the
        cart (with the pending ``N*`` quantity). Looked up in order after those before it."""
        take_scan = getattr(self.dialog, "take_scan", None)
        if take_scan is not None:  # a dialog that reads scans: a member card, a receipt's number
            take_scan(code)
            return
        self._scans.append((code, self._take_pending_qty()))
        self._next_scan()

    def _waiting_for_tender(self) -> bool:
        """Scans wait while the cart is being paid or parked: they go into the next cart."""
        return isinstance(self.dialog, TenderDialog | HeldSalesDialog | SaveOrderDialog)

    def _next_scan(self) -> None:
        if self._looking_up or not self._scans:
            return
        if self._waiting_for_tender():
            self._say(self.tr("{count} scan(s) wait for the next cart.").format(count=len(self._scans)))
            return
        code, qty = self._scans.popleft()
        self._looking_up = True
        self.runner.submit(search.find_by_barcode, code, owner=self, name="counter_scan",
                           on_done=lambda row: self._scanned(code, qty, row),
                           on_error=lambda error: self._say(str(error), error=True),
                           on_finally=lambda: self._scan_finished(code))

    def _scan_finished(self, code: str) -> None:
        self._looking_up = False
        self.scan_handled.emit(code)
        if self._scans:
            self._next_scan()
        elif self._price_wanted:
            self._reprice()

    def _scanned(self, code: str, qty: int | None, row: PartRow | None) -> None:
        if row is None:
            self._say(self.tr("Unknown barcode {code}: no part has it. Search the part with F2, or add the "
                              "barcode to it in the Catalogue.").format(code=code), error=True)
            return
        if not row.active:
            self._say(self.tr("{number} {name} is no longer sold (barcode {code}). Nothing was added.").format(
                number=row.number, name=row.name_en, code=code), error=True)
            return
        self.add_part(row, qty)

    def add_part(self, row: PartRow, qty: int | None = None) -> None:
        """Add ``qty`` thousandths (one unit by default) of the part: to its line if it has one."""
        qty = qty or ONE
        self.parts[row.id] = row
        index = next((i for i, line in enumerate(self.lines) if line.part_id == row.id), None)
        if index is None:
            self.lines.append(LineRequest(row.id, qty))
            index = len(self.lines) - 1
        else:
            self.lines[index] = replace(self.lines[index], qty=self.lines[index].qty + qty)
        self._say(self.tr("{number}: {qty} in the cart").format(
            number=row.number, qty=format_quantity(self.lines[index].qty, row.unit)))
        self._changed(select=index)

    # --- the N* entry -------------------------------------------------------------------------

    def pending_qty(self) -> int | None:
        """The quantity typed as ``N*`` for the next scan (thousandths), or None."""
        entry = read_entry(self.entry.text())
        return entry.qty if entry.waiting else None

    def _take_pending_qty(self) -> int | None:
        qty = self.pending_qty()
        if qty is not None:
            self.entry.clear()
        return qty

    def _entry_changed(self, _text: str) -> None:
        qty = self.pending_qty()
        self.pending_label.setText(self.tr("Next scan: {qty}").format(qty=format_quantity(qty)) if qty else "")

    def _entry_entered(self) -> None:
        """Enter in the entry: ``N*`` waits for the scan; ``N*code`` or a code is taken as a scan."""
        text = self.entry.text().strip()
        if not text:
            return
        entry = read_entry(text)
        if entry.waiting:
            return  # the quantity waits for its scan
        self.entry.clear()
        if entry.prefixed:
            self._scans.append((entry.code, entry.qty))
            self._next_scan()
            return
        self.add_scan(text)

    # --- lines ----------------------------------------------------------------------------------

    def selected_index(self) -> int | None:
        row = self.table.currentRow()
        return row if 0 <= row < len(self.lines) else None

    def remove_line(self) -> None:
        """Del: remove the selected line."""
        index = self.selected_index()
        if index is None:
            self._say(self.tr("Select the line to remove first."), error=True)
            return
        void = self._void_line(index)
        line = self.lines.pop(index)
        part = self.parts.get(line.part_id)
        self._say(self.tr("{number} removed.").format(number=part.number if part else line.part_id))
        self._changed(select=min(index, len(self.lines) - 1))
        self._record_void("line", [void])

    def _void_line(self, index: int) -> cashup.VoidLine:
        """Cart line ``index`` as a void records it: at its price as last shown (else the shelf price)."""
        line = self.lines[index]
        part = self.parts.get(line.part_id)
        priced = self._priced_line(index)
        if priced is not None:
            amount, description = priced.amount + priced.core_deposit, f"{priced.number} {priced.description}"
        else:
            amount = line_amount(part.price_retail, line.qty) if part else 0
            description = f"{part.number} {part.name_en}" if part else str(line.part_id)
        return cashup.VoidLine(line.part_id, description, line.qty, max(amount, 0))

    def _record_void(self, kind: str, lines: list[cashup.VoidLine]) -> None:
        """On the worker, never in the cashier's way: a failure is only said in the message line."""
        self.runner.submit(cashup.record_void, self.actor, kind, lines, owner=self, name="record_void",
                           on_done=lambda rows: self.void_recorded.emit(kind, rows),
                           on_error=lambda error: self._say(self.tr("The void was not recorded: {error}").format(
                               error=error), error=True))

    def void_sale(self) -> None:
        """Ctrl+Del: cancel the sale in the cart. The cart empties and its lines go on record as a
        void (the Z report counts voids per cashier); a parked sale is F8 instead."""
        if not self.lines:
            self._say(self.tr("The cart is empty: there is no sale to void."), error=True)
            return
        voids = [self._void_line(index) for index in range(len(self.lines))]
        count = len(self.lines)
        self.clear_cart()
        self._say(self.tr("Sale voided: {count} line(s) taken out of the cart.").format(count=count))
        self._record_void("cart", voids)

    def open_cashup(self) -> None:
        """F11: cash-up at this till: floats, pay-ins and pay-outs, the X report, closing the day."""
        self._open(CashUpDialog(self.runner, self.actor, parent=self))

    def edit_line(self) -> None:
        """F4: change the selected line's quantity, discount or price."""
        index = self.selected_index()
        if index is None:
            self._say(self.tr("Select a line first (scan or F2 adds one)."), error=True)
            return
        line = self.lines[index]
        part = self.parts.get(line.part_id)
        priced = self._priced_line(index)
        dialog = LineDialog(line, title=part.number if part else str(line.part_id), unit=part.unit if part else "",
                            list_price=priced.list_price if priced else None, exponent=self.setup.exponent,
                            parent=self)

        def changed(qty: int, discount: int, price: int | None) -> None:
            if index < len(self.lines) and self.lines[index].part_id == line.part_id:
                self.change_line(index, qty=qty, discount_bp=discount, override_price=price)

        dialog.changed.connect(changed)
        self._open(dialog)

    def change_line(self, index: int, *, qty: int | None = None, discount_bp: int | None = None,
                    override_price: int | None | object = ...) -> None:
        """Change line ``index`` (what is not given stays). Lowering the quantity of a line that was
        short on stock records the shortfall given up as a lost sale."""
        if not 0 <= index < len(self.lines):
            return
        line = self.lines[index]
        changes: dict[str, Any] = {}
        if qty is not None:
            changes["qty"] = qty
        if discount_bp is not None:
            changes["discount_bp"] = discount_bp
        if override_price is not ...:
            changes["override_price"] = override_price
        new = replace(line, **changes)
        if new.held_price is not None and (new.discount_bp or new.override_price is not None):
            new = replace(new, held_price=None)  # the cashier's own price replaces the quote's
        priced = self._priced_line(index)
        if priced is not None and new.qty < line.qty:
            on_shelf = max(priced.available, 0)
            lost = min(line.qty - new.qty, line.qty - on_shelf)
            if lost > 0:
                self._record_lost_sale(line.part_id, lost)
        self.lines[index] = new
        self._changed(select=index)

    def _record_lost_sale(self, part_id: int, qty: int) -> None:
        part = self.parts.get(part_id)
        number = part.number if part else str(part_id)
        unit = part.unit if part else ""

        def recorded(_result: None) -> None:
            self._say(self.tr("{number}: {qty} not in stock recorded as a lost sale.").format(
                number=number, qty=format_quantity(qty, unit)))
            self.lost_sale_recorded.emit(part_id, qty)

        self.runner.submit(sales.record_lost_sale, self.actor, part_id, qty,
                           customer_id=self.customer.id if self.customer else None, owner=self,
                           name="record_lost_sale", on_done=recorded,
                           on_error=lambda error: self._say(str(error), error=True))

    def _changed(self, *, select: int | None = None) -> None:
        self._render()
        if select is not None and 0 <= select < len(self.lines):
            self.table.selectRow(select)
        self._reprice()

    def clear_cart(self) -> None:
        self.lines = []
        self.origin = {}
        self.view = None
        self.view_lines = ()
        self.customer = None
        self._price_asked += 1  # an answer still on its way is for the old cart
        self._price_wanted = False
        self._pricing = False
        self._render()

    # --- prices ---------------------------------------------------------------------------------

    def _current(self) -> bool:
        """Whether the shown prices are for the cart as it is now."""
        customer_id = self.customer.id if self.customer else None
        return self.view is not None and self.view_lines == tuple(self.lines) and self.view_customer == customer_id

    def _priced_line(self, index: int) -> CartLineView | None:
        if self.view is None or index >= len(self.view.lines) or index >= len(self.view_lines):
            return None
        if self.view_lines[index] != self.lines[index]:
            return None
        return self.view.lines[index]

    def _reprice(self) -> None:
        """Price the cart again on the worker (after the scans waiting, if any)."""
        if self._looking_up or self._scans:
            self._price_wanted = True
            return
        self._price_wanted = False
        self._price_asked += 1
        asked = self._price_asked
        lines = tuple(self.lines)
        customer_id = self.customer.id if self.customer else None
        if not lines and customer_id is None:
            self._pricing = False
            self.view, self.view_lines, self.view_customer = None, (), None
            self._render()
            return
        self._pricing = True
        self.runner.submit(sales.price_cart, self.actor, lines, customer_id=customer_id,
                           quote_number=self.origin.get("quote_number", ""), owner=self,
                           name="price_cart", on_done=lambda view: self._priced(asked, lines, customer_id, view),
                           on_error=lambda error: self._price_failed(asked, error))

    def _priced(self, asked: int, lines: tuple[LineRequest, ...], customer_id: int | None, view: CartView) -> None:
        if asked != self._price_asked:
            return  # a later change asked again: this answer is stale
        self._pricing = False
        self.view, self.view_lines, self.view_customer = view, lines, customer_id
        self._render()
        self.cart_shown.emit()
        if self._tender_wanted:
            self._tender_wanted = False
            self.tender()

    def _price_failed(self, asked: int, error: UserError) -> None:
        if asked != self._price_asked:
            return
        self._pricing = False
        self._tender_wanted = False
        self._say(self.tr("The cart cannot be priced: {error}").format(error=error), error=True)

    # --- drawing --------------------------------------------------------------------------------

    def _money(self, minor: int) -> str:
        return format_money(minor, exponent=self.setup.exponent)

    def _sum(self, minor: int) -> str:
        """The sale's total as the language shows an amount on its own (¥383.40 in Chinese)."""
        return i18n.format_amount(self._money(minor), self.setup.currency)

    def _render(self) -> None:
        current_row = self.table.currentRow()
        labour = self.view.labour if self.lines and self._current() else ()  # a quote's, sold with the parts
        self.table.setRowCount(len(self.lines) + len(labour))
        problems: list[str] = []
        red = QBrush(QColor(ERROR_COLOR))
        for index, line in enumerate(self.lines):
            part = self.parts.get(line.part_id)
            priced = self._priced_line(index)
            unit = priced.unit if priced else (part.unit if part else "")
            waiting = "…"
            if priced is not None:
                price = self._money(priced.unit_price)
                if priced.discount_bp:
                    price += f"  −{format_bp(priced.discount_bp)}"
                cells = [priced.number, priced.description, priced.bin, format_quantity(priced.available, unit),
                         format_quantity(line.qty, unit), price, self._money(priced.amount)]
                if priced.core_deposit:
                    cells[1] += self.tr(" (+ core deposit {amount})").format(amount=self._money(priced.core_deposit))
                short = line.qty > max(priced.available, 0)
                messages = list(priced.messages)
                flagged = bool(priced.needs_manager or short or messages)
            else:
                cells = [part.number if part else "", part.name_en if part else "", part.bin if part else "",
                         format_quantity(part.on_hand, unit) if part else "", format_quantity(line.qty, unit),
                         waiting, waiting]
                messages, flagged = [], False
            tip = "\n".join(messages)
            for column, text in enumerate(cells):
                item = self.table.item(index, column)
                if item is None:
                    item = QTableWidgetItem()
                    if column >= 3:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.table.setItem(index, column, item)
                item.setText(text)
                item.setToolTip(tip)
                item.setForeground(red if flagged else QBrush())
            if flagged:
                number = cells[0]
                problems.extend(f"{number}: {message}" for message in messages or [self.tr("short on stock")])
        grey = QBrush(QColor("#555555"))
        for index, work in enumerate(labour, start=len(self.lines)):
            cells = [self.tr("Labour"), work.description, "", "", format_quantity(work.hours, "h"),
                     self._money(work.rate), self._money(work.amount)]
            for column, text in enumerate(cells):
                item = self.table.item(index, column)
                if item is None:
                    item = QTableWidgetItem()
                    if column >= 3:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.table.setItem(index, column, item)
                item.setText(text)
                item.setToolTip(self.tr("Labour of the quote: sold with the parts at the quoted rate."))
                item.setForeground(grey)
        if 0 <= current_row < len(self.lines):
            self.table.selectRow(current_row)
        elif self.lines:
            self.table.selectRow(len(self.lines) - 1)
        shown = problems[:_PROBLEMS_SHOWN]
        if len(problems) > _PROBLEMS_SHOWN:
            shown.append(self.tr("… and {count} more (point at a red line to see why)").format(
                count=len(problems) - _PROBLEMS_SHOWN))
        self.problems_label.setText("\n".join(shown))
        self.problems_label.setVisible(bool(shown))

        name = self.customer.name if self.customer else self.tr("Walk-in")
        why = ""
        if self.view is not None and self.view_customer == (self.customer.id if self.customer else None):
            why = self.view.tier_reason
        if self.customer is None and why:
            self.customer_label.setText(why)  # "Walk-in customer: retail prices"
        else:
            self.customer_label.setText(self.tr("Customer: {name}").format(name=name) + (f"  ·  {why}" if why else ""))
        if self.origin.get("quote_number"):  # the tender's commit converts this quote
            notice = self.view.quote_notice if self._current() and self.view.quote_notice else \
                self.tr("Quote {number}").format(number=self.origin["quote_number"])
            self.customer_label.setText(notice + "  ·  " + self.customer_label.text())
        if self.origin.get("order_number"):  # the tender's commit marks this order sold
            self.customer_label.setText(self.tr("Order {number}").format(number=self.origin["order_number"]) +
                                        "  ·  " + self.customer_label.text())
        if not self.lines:
            self.total_label.setText(self.tr("Total {amount}").format(amount=self._sum(0)))
            self.tax_label.setText("")
        elif self._current():
            self.total_label.setText(self.tr("Total {amount}").format(amount=self._sum(self.view.total)))
            self.tax_label.setText(self.tr("{count} line(s) · tax {amount}").format(
                count=len(self.lines), amount=self._money(self.view.tax)))
        else:
            self.total_label.setText(self.tr("Total …"))
            self.tax_label.setText(self.tr("pricing…"))

    def _say(self, text: str, *, error: bool = False) -> None:
        set_note(self.message, text, error=error)

    # --- steps ------------------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        show_window_modal(self, dialog)

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        if self.isVisible():
            self.window().activateWindow()  # back to the counter, ready for the next key
            self.entry.setFocus()
        self._next_scan()

    def cancel_step(self) -> None:
        """Esc: drop the pending quantity and a tender waiting for the prices."""
        self.entry.clear()
        self._tender_wanted = False
        self._say("")

    def open_search(self) -> None:
        """F2: pick a part from the catalogue search into the cart (with the pending quantity)."""
        dialog = PartSearchDialog(self.runner, self, exponent=self.setup.exponent)
        dialog.picked.connect(lambda row: self.add_part(row, self._take_pending_qty()))
        self._open(dialog)

    def open_customer(self) -> None:
        """F3: choose the customer (or walk-in)."""
        dialog = CustomerPickDialog(self.runner, self)
        dialog.picked.connect(self.choose_customer)
        self._open(dialog)

    def choose_customer(self, customer_id: int | None) -> None:
        """The cart is for ``customer_id`` (None: walk-in); prices follow their tier."""
        self._customer_asked += 1
        asked = self._customer_asked
        if customer_id is None:
            self.customer = None
            self._say(self.tr("Walk-in customer."))
            self._changed()
            return

        def loaded(customer: TenderCustomer) -> None:
            if asked == self._customer_asked:
                self.customer = customer
                self._say(self.tr("Customer: {name}").format(name=customer.name))
                self._changed()

        self.runner.submit(load_customer, self.actor, customer_id, owner=self, name="counter_customer",
                           on_done=loaded, on_error=lambda error: self._say(str(error), error=True))

    def park_or_recall(self) -> None:
        """F8: park the cart under a name, or (with an empty cart) recall a parked sale."""
        dialog = HeldSalesDialog(self.runner, self.actor, lines=self.lines,
                                 customer_id=self.customer.id if self.customer else None,
                                 customer_name=self.customer.name if self.customer else "", origin=self.origin,
                                 parent=self)
        dialog.parked.connect(self._parked)
        dialog.recalled.connect(self._recalled)
        self._open(dialog)

    def _parked(self, _held_id: int) -> None:
        self.clear_cart()
        self._say(self.tr("Sale parked: F8 with an empty cart recalls it."))

    def _recalled(self, row: Any) -> None:
        self.clear_cart()
        self.lines = list(row.lines)
        self.origin = dict(row.origin)
        self._say(self.tr("Recalled: {name}").format(name=row.name))
        if row.customer_id is not None:
            self.choose_customer(row.customer_id)
        else:
            self._changed()

    def open_orders(self) -> None:
        """F7: save the cart as a phone or trade order (then its pick list prints), or with an
        empty cart pick, sell or cancel the open orders (``ui.orders_dialog``)."""
        if self.lines:
            dialog = SaveOrderDialog(self.runner, self.actor, lines=self.lines,
                                     customer_id=self.customer.id if self.customer else None,
                                     customer_name=self.customer.name if self.customer else "", parent=self)
            dialog.saved.connect(self._order_saved)
        else:
            dialog = OrderListDialog(self.runner, self.actor, parent=self)
            dialog.sell.connect(self._order_to_sell)
        self._open(dialog)

    def _order_saved(self, number: str) -> None:
        self.clear_cart()
        self._say(self.tr("Order {number} saved: its pick list prints. F7 with an empty cart sells it.").format(
            number=number))
        self.print_sale(number, "picklist")  # committed: only now is it printed

    def _order_to_sell(self, cart: Any) -> None:
        """The order's lines and customer in the cart; the tender's commit marks it sold."""
        self.clear_cart()
        self.lines = list(cart.lines)
        self.origin = {"order_number": cart.number}
        self._say(self.tr("Order {number} is in the cart: F12 sells it.").format(number=cart.number))
        if cart.customer_id is not None:
            self.choose_customer(cart.customer_id)
        else:
            self._changed()

    def quote(self) -> None:
        """F9: save the cart as a quote (then print it), or with an empty cart find a quote to
        sell (a scanned QT barcode finds it), reprint or cancel."""
        if self.lines:
            # a new quote is priced afresh: an old quote's held prices do not carry over
            lines = [replace(line, held_price=None) for line in self.lines]
            dialog = SaveQuoteDialog(self.runner, self.actor, lines=lines,
                                     customer_id=self.customer.id if self.customer else None,
                                     customer_name=self.customer.name if self.customer else "",
                                     exponent=self.setup.exponent, parent=self)
            dialog.saved.connect(self._quote_saved)
        else:
            dialog = QuotesDialog(self.runner, self.actor, exponent=self.setup.exponent, parent=self)
            dialog.chosen.connect(self._quote_chosen)
            dialog.reprint_asked.connect(lambda number: self.print_sale(number, "quote", copy=True))
        self._open(dialog)

    def _quote_saved(self, result: Any) -> None:
        self.clear_cart()
        self._say(self.tr("Quote {number} saved, total {total}, valid until {day}: it prints now. F9 with an empty "
                          "cart sells it.").format(number=result.number, total=self._money(result.total),
                                                   day=result.valid_until.isoformat()))
        self.print_sale(result.number, "quote")  # committed: only now is it printed

    def _quote_chosen(self, offer: Any) -> None:
        """A quote to sell: where a valid quote's price differs from today's, the cashier chooses."""
        if offer.expired or not offer.changed:
            self.load_quote(offer)
            return
        dialog = QuotePriceDialog(offer, exponent=self.setup.exponent, parent=self)
        dialog.decided.connect(self.load_quote)
        self._open(dialog)

    def load_quote(self, offer: Any, choices: dict[int, bool] | None = None) -> None:
        """The quote's lines (at the prices chosen) and customer in the cart; its labour is in the
        total, and the tender's commit converts the quote."""
        self.clear_cart()
        self.lines = offer.cart_lines(choices)
        self.origin = {"quote_number": offer.number}
        notices = [offer.notice] + [f"{line.part_number}: {line.price.notice}" for line in offer.lines
                                    if offer.expired and line.price.notice]
        if offer.labour:
            notices.append(self.tr("Labour {hours} h, {amount}, is in the total.").format(
                hours=format_quantity(sum(work.hours for work in offer.labour)),
                amount=self._money(sum(work.amount for work in offer.labour))))
        text = "\n".join(notices[:_PROBLEMS_SHOWN + 2])
        if offer.customer_id is None:
            self._say(text)
            self._changed()
            return
        self._customer_asked += 1
        asked = self._customer_asked

        def loaded(customer: TenderCustomer) -> None:
            if asked == self._customer_asked:
                self.customer = customer
                self._say(text)
                self._changed()

        self.runner.submit(load_customer, self.actor, offer.customer_id, owner=self, name="counter_customer",
                           on_done=loaded, on_error=lambda error: self._say(str(error), error=True))

    def tender(self) -> None:
        """F12: take the payment (once the cart is priced)."""
        if not self.lines:
            self._say(self.tr("The cart is empty: scan or search (F2) a part first."), error=True)
            return
        if not self._current() or self._looking_up or self._scans:
            self._tender_wanted = True
            self._say(self.tr("Tender opens as soon as the cart is priced… (Esc: not now)"))
            if not self._looking_up and not self._scans and not self._pricing:
                self._reprice()
            return
        dialog = TenderDialog(self.runner, self.actor, lines=self.lines, total=self.view.total,
                              customer=self.customer, exponent=self.setup.exponent,
                              point_value=self.setup.point_value, origin=self.origin, parent=self)
        dialog.sold.connect(self._sold)
        self._open(dialog)

    def _sold(self, result: SaleResult) -> None:
        text = self.tr("{number}: change {change}").format(number=result.number, change=self._money(result.change))
        if result.warnings:
            text += "\n" + "\n".join(result.warnings)
        self.clear_cart()
        self._say(text)
        self.last_sale = (result.number, result.kind)
        self.print_sale(result.number, result.kind)  # committed: only now is anything printed
        self.sold.emit(result)

    def open_return(self) -> None:
        """F6: take goods back against a receipt or invoice (scan it, or search the sale)."""
        dialog = ReturnDialog(self.runner, self.actor, exponent=self.setup.exponent, parent=self)
        dialog.returned.connect(self._returned)
        self._open(dialog)

    def _returned(self, result: returns.ReturnResult, kind: str) -> None:
        """The credit note is written: say so, then print it on the paper of the sale it credits."""
        how = ", ".join(self.tr("{method} {amount}").format(method=self.tr(METHOD_LABELS.get(r.method, r.method)),
                                                            amount=self._money(r.amount)) for r in result.refunds)
        self._say(self.tr("{number}: refund {total} ({how})").format(number=result.number,
                                                                    total=self._money(result.total), how=how))
        self.last_sale = (result.number, kind)
        self.print_sale(result.number, kind)

    # --- printing -------------------------------------------------------------------------------

    def print_sale(self, number: str, kind: str, *, copy: bool = False, mode: str = "print") -> None:
        """Print the committed sale ``number`` on this PC's printer for ``kind`` (the PDF is made
        on the worker), or preview it or save it as PDF (``mode``, the print path's). A printer
        problem is shown under the message; the sale stays saved."""
        if mode == "print":
            set_note(self.print_label, (self.tr("Reprinting {number} (COPY)…") if copy else
                                        self.tr("Printing {number}…")).format(number=number))
        print_path.print_document(self, self.runner, number=number, kind=kind, copy=copy, mode=mode,
                                  on_done=self._printed)

    def _printed(self, outcome: print_path.PrintOutcome) -> None:
        if outcome.ok and outcome.mode == "pdf":
            set_note(self.print_label, self.tr("Saved {number} to {path}.").format(number=outcome.number,
                                                                                  path=outcome.path))
        elif outcome.ok and outcome.mode == "preview":
            set_note(self.print_label, self.tr("Preview of {number} shown.").format(number=outcome.number))
        elif outcome.ok:
            set_note(self.print_label, (self.tr("Printed {number} (COPY).") if outcome.copy else
                                        self.tr("Printed {number}.")).format(number=outcome.number))
        else:
            set_note(self.print_label, outcome.message, error=bool(outcome.message))  # "": the save was cancelled
        self.printed.emit(outcome)

    def reprint(self) -> None:
        """Ctrl+P: reprint any invoice, receipt or credit note by its number, marked COPY (the
        last one printed here filled in)."""
        dialog = ReprintDialog(self.runner, number=self.last_sale[0] if self.last_sale else "", parent=self)
        dialog.chosen.connect(lambda number, kind, mode: self.print_sale(number, kind, copy=True, mode=mode))
        self._open(dialog)
