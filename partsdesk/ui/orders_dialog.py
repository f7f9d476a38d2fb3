"""F7 on the Counter tab: phone and trade orders (``SaveOrderDialog`` and ``OrderListDialog``).

With parts in the cart, F7 saves the cart as an order (``services.orders.create_order``): the
customer of the cart, how the order came in (phone or trade), the caller's reference and a note.
Once saved the dialog closes with ``saved(number)``; the Counter clears the cart and prints the
order's pick list on this PC's A4 printer (``ui.print_path``).

With an empty cart, F7 lists the open and picked orders, oldest first (the work queue). Scanning
a pick list's barcode while the list is open selects its order (the Counter hands the scan to
``take_scan``); typing in the box searches by number, customer or reference. On the selected
order: Enter sells it (the dialog closes with ``sell(OrderCart)``; the Counter loads the lines
and the customer and remembers the order, so the tender's commit marks it sold), Ctrl+P prints
its pick list again, Ctrl+K marks it picked, Ctrl+D cancels it with the reason typed beside the
button. Every call runs on the worker; what a service refuses is shown in the dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import PermissionDenied, UserError
from partsdesk.domain.permissions import Actor, Approval
from partsdesk.services import orders
from partsdesk.services.orders import OrderCart, OrderRow
from partsdesk.services.sales import LineRequest
from partsdesk.ui import print_path
from partsdesk.ui.forms import FORM_STYLE, FieldErrors, error_label, set_note
from partsdesk.ui.tasks import TaskRunner

SEARCH_DEBOUNCE_MS = 200


def find_scanned(actor: Actor, code: str) -> tuple[list[OrderRow], OrderRow]:
    """On the worker: the open and picked orders matching a scanned pick list, and the order the
    code names (``UserError`` when there is none)."""
    return orders.find_orders(actor, status=orders.OPEN_STATUSES, text=code), orders.get_order(actor, code)


def _local(at: datetime | None) -> str:
    if at is None:
        return ""
    return f"{at.replace(tzinfo=UTC).astimezone():%Y-%m-%d %H:%M}"


class SaveOrderDialog(QDialog):
    """F7 with parts in the cart: save them as an order; ``saved(number)`` once it is, after the
    dialog closed. Scans wait meanwhile (they go into the next cart)."""

    saved = Signal(str)  # the new order's number, after the dialog closed

    def __init__(self, runner: TaskRunner, actor: Actor, *, lines: Sequence[LineRequest],
                 customer_id: int | None = None, customer_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.lines = tuple(lines)
        self.customer_id = customer_id
        self.approvals: dict[str, Approval] = {}
        self.setStyleSheet(FORM_STYLE)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self.buttons = QDialogButtonBox()
        layout = QVBoxLayout(self)
        self.setWindowTitle(self.tr("Save the cart as an order (F7)"))
        self.setMinimumWidth(520)
        who = QLabel(customer_name or self.tr("No customer chosen (F3): say who it is for in the reference"))
        who.setWordWrap(True)
        who.setTextFormat(Qt.TextFormat.PlainText)
        self.channel = QComboBox()
        for key, label in (("phone", self.tr("Phone order")), ("trade", self.tr("Trade order"))):
            self.channel.addItem(label, key)
        self.reference = QLineEdit()
        self.reference.setMaxLength(orders.REFERENCE_MAX)
        self.reference.setPlaceholderText(self.tr("the garage's order number, or the caller's name"))
        self.note = QLineEdit()
        self.note.setMaxLength(orders.NOTE_MAX)
        self.note.setPlaceholderText(self.tr("e.g. collect after 4 pm"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Customer"), who)
        form.addRow(self.tr("&Channel"), self.channel)
        form.addRow("", self.errors.add("channel", self.channel))
        form.addRow(self.tr("&Reference"), self.reference)
        form.addRow("", self.errors.add("reference", self.reference))
        form.addRow(self.tr("&Note"), self.note)
        form.addRow("", self.errors.add("note", self.note))
        layout.addWidget(QLabel(self.tr("{count} line(s) from the cart; the pick list prints once it is saved.")
                                .format(count=len(self.lines))))
        layout.addLayout(form)
        self.save_button = self.buttons.addButton(self.tr("Save and print pick list (Enter)"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self.reference.setFocus()

    def save(self) -> None:
        """Save the order (Enter) on the worker."""
        self.errors.clear()
        self.save_button.setEnabled(False)
        self.runner.submit(orders.create_order, self.actor, self.lines, customer_id=self.customer_id,
                           channel=self.channel.currentData(), reference=self.reference.text(),
                           note=self.note.text(), approvals=dict(self.approvals), owner=self, name="create_order",
                           on_done=self._saved, on_error=self._refused,
                           on_finally=lambda: self.save_button.setEnabled(True))

    def _saved(self, number: str) -> None:
        self.accept()
        self.saved.emit(number)

    def _refused(self, error: UserError) -> None:
        if isinstance(error, PermissionDenied) and error.permission not in self.approvals:
            from partsdesk.ui import stepup  # looked up when used: tests replace ask_approval

            approval = stepup.ask_approval(self, self.actor, error.permission,
                                           self.tr("take an order priced below the gross-profit floor"),
                                           runner=self.runner)
            if approval is not None:
                self.approvals[error.permission] = approval
                QTimer.singleShot(0, self, self.save)  # after this attempt has finished
                return
            self.errors.show_message(self.tr("Not saved: a manager did not approve it. {error}").format(error=error))
            return
        self.errors.show_refused(error)


class OrderListDialog(QDialog):
    """F7 with an empty cart: the open and picked orders (see the module doc). ``sell(OrderCart)``
    after the dialog closed when the cashier sells one."""

    sell = Signal(object)  # the OrderCart to load into the cart, after the dialog closed
    changed = Signal(object)  # the OrderRow after a mark picked or a cancel, once shown
    listed = Signal()  # the list was drawn (after a search or a scan)
    printed = Signal(object)  # the print_path.PrintOutcome of a pick list printed from the list

    COLUMNS = ("number", "taken", "customer", "channel", "reference", "lines", "status")

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.rows: list[OrderRow] = []
        self._asked = 0
        self._shown = 0  # the search whose answer the list shows
        self.setStyleSheet(FORM_STYLE)
        self.buttons = QDialogButtonBox()
        layout = QVBoxLayout(self)
        self.setWindowTitle(self.tr("Phone and trade orders (F7)"))
        self.resize(860, 460)
        self.box = QLineEdit()
        self.box.setClearButtonEnabled(True)
        self.box.setPlaceholderText(self.tr("Scan the pick list, or type a number, customer or reference"))
        self.box.installEventFilter(self)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr("Order"), self.tr("Taken"), self.tr("Customer"),
                                              self.tr("Channel"), self.tr("Reference"), self.tr("Lines"),
                                              self.tr("Status")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemActivated.connect(lambda _item: self.sell_selected())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.reason = QLineEdit()
        self.reason.setMaxLength(orders.REASON_MAX)
        self.reason.setPlaceholderText(self.tr("reason to cancel the order"))
        self.reason.installEventFilter(self)
        self.print_button = self._action(self.tr("Ctrl+P Print pick list"), "Ctrl+P", self.print_selected)
        self.picked_button = self._action(self.tr("Ctrl+K Mark picked"), "Ctrl+K", self.mark_picked)
        self.cancel_order_button = self._action(self.tr("Ctrl+D Cancel order"), "Ctrl+D", self.cancel_selected)
        actions = QHBoxLayout()
        actions.addWidget(self.print_button)
        actions.addWidget(self.picked_button)
        actions.addStretch(1)
        actions.addWidget(self.reason, 2)
        actions.addWidget(self.cancel_order_button)
        layout.addWidget(self.box)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        self.sell_button = self.buttons.addButton(self.tr("Sell (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sell_button.setDefault(True)
        self.buttons.accepted.connect(self.sell_selected)
        self.buttons.addButton(self.tr("Close (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.box.textChanged.connect(lambda _text: self._debounce.start())
        self._enable(False)
        self.box.setFocus()
        self.search_now()

    def _action(self, text: str, key: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.activated.connect(slot)
        return button

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the box goes to the list; Enter in the reason cancels (it must never sell)."""
        if event.type() == QEvent.Type.KeyPress:
            if watched is self.box and event.key() == Qt.Key.Key_Down:
                if self.rows:
                    self.table.setFocus()
                    self.table.selectRow(max(self.table.currentRow(), 0))
                return True
            if watched is self.reason and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.cancel_selected()
                return True
        return super().eventFilter(watched, event)

    def _enable(self, enabled: bool) -> None:
        for button in (self.sell_button, self.print_button, self.picked_button, self.cancel_order_button):
            button.setEnabled(enabled)

    def _say(self, text: str, *, error: bool = False) -> None:
        set_note(self.message, text, error=error)

    def search_now(self) -> None:
        """List the open and picked orders matching the box (on the worker; the latest wins)."""
        self._debounce.stop()
        self._asked += 1
        asked = self._asked
        self.runner.submit(orders.find_orders, self.actor, status=orders.OPEN_STATUSES, text=self.box.text(),
                           owner=self, name="find_orders", on_done=lambda rows: self._found(asked, rows),
                           on_error=lambda error: self._failed(asked, error))

    def _found(self, asked: int, rows: list[OrderRow], *, select: str = "") -> None:
        if asked != self._asked:
            return
        self._shown = asked
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            self._draw(index, row)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        chosen = next((i for i, row in enumerate(self.rows) if row.number == select), 0)
        if self.rows:
            self.table.selectRow(chosen)
        self._enable(bool(self.rows))
        if not select:
            self._say(self.tr("{count} order(s) to pick or sell.").format(count=len(self.rows)) if self.rows else
                      self.tr("No open order matches.") if self.box.text().strip() else
                      self.tr("No order is waiting. F7 with parts in the cart saves them as an order."))
        self.listed.emit()

    def _failed(self, asked: int, error: UserError) -> None:
        if asked == self._asked:
            self._shown = asked
            self._say(str(error), error=True)
            self.listed.emit()

    def _draw(self, index: int, row: OrderRow) -> None:
        status = self.tr(orders.STATUSES.get(row.status, row.status))
        if row.status == "picked":
            status = self.tr("Picked {at} by {name}").format(at=_local(row.picked_at), name=row.picked_by)
        cells = (row.number, _local(row.at), row.customer_name or "—", self.tr(orders.CHANNELS.get(row.channel, row.channel)),
                 row.reference, str(row.lines), status)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column == 5:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(index, column, item)

    def selected(self) -> OrderRow | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def take_scan(self, code: str) -> None:
        """A pick list scanned while the list is open: its order is selected (or the message
        says what became of it)."""
        self._debounce.stop()
        self.box.blockSignals(True)
        self.box.setText(orders.normalize_number(code))
        self.box.blockSignals(False)
        self._asked += 1
        asked = self._asked
        self.runner.submit(find_scanned, self.actor, code, owner=self, name="order_scan",
                           on_done=lambda found: self._scanned(asked, *found),
                           on_error=lambda error: self._failed(asked, error))

    def _scanned(self, asked: int, rows: list[OrderRow], order: OrderRow) -> None:
        if asked != self._asked:
            return
        if order.status in orders.OPEN_STATUSES:
            self._say(self.tr("{number} selected ({customer}): Enter sells it.").format(
                number=order.number, customer=order.customer_name or self.tr("no customer")))
        elif order.status == "sold":
            self._say(self.tr("Order {number} was already sold as {sale}.").format(number=order.number,
                                                                                  sale=order.sold_as), error=True)
        else:
            self._say(self.tr("Order {number} was cancelled.").format(number=order.number), error=True)
        self._found(asked, rows, select=order.number)

    def _need_selection(self) -> OrderRow | None:
        row = self.selected()
        if row is None:
            self._say(self.tr("Select an order first (scan its pick list, or search)."), error=True)
        return row

    def sell_selected(self) -> None:
        """Enter: load the selected order into the cart to sell it."""
        if self._debounce.isActive() or self._shown != self._asked:
            self._say(self.tr("Still searching: press Enter again once the list shows the order."), error=True)
            return
        row = self._need_selection()
        if row is None:
            return
        self.runner.submit(orders.order_lines, self.actor, row.number, owner=self, name="order_lines",
                           on_done=self._to_sell, on_error=lambda error: self._say(str(error), error=True))

    def _to_sell(self, cart: OrderCart) -> None:
        self.accept()
        self.sell.emit(cart)

    def print_selected(self) -> None:
        """Ctrl+P: print the selected order's pick list on this PC's A4 printer."""
        row = self._need_selection()
        if row is None:
            return
        self._say(self.tr("Printing the pick list of {number}…").format(number=row.number))
        print_path.print_document(self, self.runner, number=row.number, kind="picklist", mode="print",
                                  on_done=self._printed)

    def _printed(self, outcome: print_path.PrintOutcome) -> None:
        if outcome.ok:
            self._say(self.tr("Printed the pick list of {number}.").format(number=outcome.number))
        else:
            self._say(outcome.message, error=True)
        self.printed.emit(outcome)

    def mark_picked(self) -> None:
        """Ctrl+K: the selected order's parts are picked and wait at the counter."""
        row = self._need_selection()
        if row is None:
            return
        self.runner.submit(orders.mark_picked, self.actor, row.number, owner=self, name="mark_picked",
                           on_done=lambda new: self._changed(new, self.tr("{number} marked picked.")),
                           on_error=lambda error: self._say(str(error), error=True))

    def cancel_selected(self) -> None:
        """Ctrl+D: cancel the selected order, for the reason typed beside the button."""
        row = self._need_selection()
        if row is None:
            return
        self.runner.submit(orders.cancel_order, self.actor, row.number, self.reason.text(), owner=self,
                           name="cancel_order",
                           on_done=lambda new: self._changed(new, self.tr("{number} cancelled.")),
                           on_error=self._cancel_refused)

    def _cancel_refused(self, error: UserError) -> None:
        if getattr(error, "problems", None):
            self.reason.setFocus()
        self._say(str(error), error=True)

    def _changed(self, row: OrderRow, text: str) -> None:
        index = next((i for i, shown in enumerate(self.rows) if shown.id == row.id), None)
        if index is not None:
            if row.status in orders.OPEN_STATUSES:
                self.rows[index] = row
                self._draw(index, row)
                self.table.selectRow(index)
            else:  # cancelled: off the work queue
                self.rows.pop(index)
                self.table.removeRow(index)
                self._enable(bool(self.rows))
                self.reason.clear()
        self._say(text.format(number=row.number))
        self.changed.emit(row)


__all__ = ["OrderListDialog", "SaveOrderDialog", "find_scanned"]
