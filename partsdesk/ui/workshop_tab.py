"""The Workshop tab: the service advisor's and the technicians' views, one key each (Ctrl+1, …).

- **Board** — every open repair order in a column of its status (checked in, waiting
  authorization, in progress, waiting parts, quality check, ready), oldest first; a card says the
  plate and customer, the concern, the promised time (red when late), the current total against
  what the customer authorized (orange while lines wait for the customer) and "parts arrived"
  (green) when stock came in for an order that waited for it. Enter opens the order.
- **Orders** — every order found by RO number, plate, customer or invoice, by status.
- **Appointments**, **Reminders**, **Reports**, **Setup** — their own modules
  (``ui.appointments_view``, ``ui.reminders_view``, ``ui.workshop_reports_view``,
  ``ui.workshop_setup_view``), each shown to those with its permission.

Ctrl+N checks a vehicle in (``ui.checkin_dialog``); Arrived on an appointment does the same from
the booking. An order opens in its own window (``ui.repair_order_dialog``), several at once; every
change there refreshes the board. Everything is read and written on the worker.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.money import CURRENCIES, format_money
from partsdesk.domain.permissions import Actor
from partsdesk.services import workshop
from partsdesk.services.appointments import local_time
from partsdesk.services.workshop import OPEN_STATUSES, STATUS_LABELS, Board, BoardCard, CheckInStart, OrderRow
from partsdesk.ui.appointments_view import AppointmentsView
from partsdesk.ui.checkin_dialog import CheckInDialog
from partsdesk.ui.forms import date_text, key_button, set_note, show_window_modal
from partsdesk.ui.reminders_view import RemindersView
from partsdesk.ui.repair_order_dialog import RepairOrderDialog
from partsdesk.ui.scanner import ScannerFilter
from partsdesk.ui.tasks import TaskRunner
from partsdesk.ui.workshop_reports_view import WorkshopReportsView
from partsdesk.ui.workshop_setup_view import WorkshopSetupView

LATE = QColor("#c62828")
WAITING = QColor("#ef6c00")
ARRIVED = QColor("#2e7d32")
BOARD_CARDS_SHOWN = 400  # per column; a longer column says how many more there are (the list finds them)


def _money(amount: int, currency: str) -> str:
    return format_money(amount, exponent=CURRENCIES.get(currency, (2, ""))[0])


def _when(at: datetime | None) -> str:
    return date_text(local_time(at), "%d %b %H:%M") if at is not None else ""


class BoardView(QWidget):
    """The open orders by status; ``open_requested(number)`` on Enter or a double-click."""

    open_requested = Signal(str)
    shown = Signal()  # the board was drawn (tests wait on it)

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.board: Board | None = None
        self.lists: dict[str, QListWidget] = {}
        self.titles: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setSpacing(6)
        for column, status in enumerate(OPEN_STATUSES):
            title = QLabel(self.tr(STATUS_LABELS[status]))
            title.setStyleSheet("font-weight: bold")
            cards = QListWidget()
            cards.setWordWrap(True)
            cards.setSpacing(2)
            cards.setUniformItemSizes(False)
            cards.setAlternatingRowColors(True)
            cards.itemActivated.connect(self._activated)
            cards.setMinimumWidth(80)
            grid.addWidget(title, 0, column)
            grid.addWidget(cards, 1, column)
            grid.setColumnStretch(column, 1)
            self.lists[status], self.titles[status] = cards, title
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid, 1)
        layout.addWidget(self.note)

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor

    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.runner.submit(workshop.board, self.actor, owner=self, name="workshop_board", on_done=self._show,
                           on_error=lambda error: set_note(self.note, str(error), error=True))

    def _card(self, card: BoardCard, currency: str) -> QListWidgetItem:
        lines = [f"{card.number} · {card.plate}", card.customer]
        if card.vehicle:
            lines[-1] += f" · {card.vehicle}"
        if card.concern:
            lines.append(card.concern[:60] + ("…" if len(card.concern) > 60 else ""))
        total = _money(card.current_total, currency)
        if card.needs_authorization:
            lines.append(self.tr("{total} — {n} line(s) wait for the customer").format(
                total=total, n=card.needs_authorization))
        else:
            lines.append(total)
        if card.promised_at is not None:
            lines.append(self.tr("Promised {when}").format(when=_when(card.promised_at))
                         + (self.tr(" — LATE") if card.late else ""))
        if card.parts_arrived:
            lines.append(self.tr("Parts arrived"))
        if card.technicians:
            lines.append(card.technicians)
        item = QListWidgetItem("\n".join(lines))
        item.setData(Qt.ItemDataRole.UserRole, card.number)
        colour = LATE if card.late else ARRIVED if card.parts_arrived else WAITING if card.needs_authorization else None
        if colour is not None:
            item.setForeground(QBrush(colour))
        item.setToolTip(self.tr("{number}: Enter opens the order").format(number=card.number))
        return item

    def _show(self, board: Board) -> None:
        self.board = board
        for status, cards in board.columns.items():
            widget = self.lists[status]
            current = widget.currentItem().data(Qt.ItemDataRole.UserRole) if widget.currentItem() else None
            widget.setUpdatesEnabled(False)
            widget.clear()
            for card in cards[:BOARD_CARDS_SHOWN]:
                item = self._card(card, board.currency)
                widget.addItem(item)
                if card.number == current:
                    widget.setCurrentItem(item)
            if len(cards) > BOARD_CARDS_SHOWN:
                more = QListWidgetItem(self.tr("… and {n} more: find them in Orders (Ctrl+2)").format(
                    n=f"{len(cards) - BOARD_CARDS_SHOWN:,}"))
                more.setFlags(Qt.ItemFlag.NoItemFlags)
                widget.addItem(more)
            widget.setUpdatesEnabled(True)
            self.titles[status].setText(f"{self.tr(STATUS_LABELS[status])} ({len(cards):,})")
        set_note(self.note, self.tr("{n} open order(s). Enter opens the selected one; Ctrl+N checks a vehicle in.")
                 .format(n=f"{board.total:,}") if board.total else
                 self.tr("No open repair orders. Ctrl+N checks a vehicle in."))
        self.shown.emit()

    def selected_number(self) -> str:
        for widget in self.lists.values():
            if widget.hasFocus() and widget.currentItem() is not None:
                return widget.currentItem().data(Qt.ItemDataRole.UserRole) or ""
        for widget in self.lists.values():
            if widget.currentItem() is not None and widget.currentItem().data(Qt.ItemDataRole.UserRole):
                return widget.currentItem().data(Qt.ItemDataRole.UserRole)
        return ""

    def _activated(self, item: QListWidgetItem) -> None:
        number = item.data(Qt.ItemDataRole.UserRole)
        if number:
            self.open_requested.emit(number)


class OrdersView(QWidget):
    """Every order, found by RO number, plate, customer or invoice and filtered by status."""

    open_requested = Signal(str)
    shown = Signal()

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.rows: list[OrderRow] = []
        self.currency = "CNY"
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(self.tr("RO number, plate, customer or invoice"))
        self.search_box.returnPressed.connect(self.search)
        self.status_box = QComboBox()
        self.status_box.addItem(self.tr("Open"), "open")
        self.status_box.addItem(self.tr("Any status"), "")
        for status, label in STATUS_LABELS.items():
            self.status_box.addItem(self.tr(label), status)
        self.status_box.currentIndexChanged.connect(lambda _i: self.search())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.search)
        self.search_box.textEdited.connect(lambda _t: self._timer.start())
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([self.tr("Order"), self.tr("Status"), self.tr("Checked in"),
                                              self.tr("Customer"), self.tr("Vehicle"), self.tr("Total"),
                                              self.tr("Invoice")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda index: self._open_row(index.row()))
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.note = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("&Find")))
        top.itemAt(0).widget().setBuddy(self.search_box)
        top.addWidget(self.search_box, 1)
        top.addWidget(self.status_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor

    def start(self) -> None:
        self.search()
        self.search_box.setFocus()

    def search(self) -> None:
        self._timer.stop()  # Enter searched now: the typing's own search is not needed after
        self.runner.submit(_find_orders, self.actor, self.search_box.text(), self.status_box.currentData() or None,
                           owner=self, name="find_orders", on_done=self._show,
                           on_error=lambda error: set_note(self.note, str(error), error=True))

    def _show(self, found: tuple[list[OrderRow], str]) -> None:
        self.rows, self.currency = found
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            cells = [row.number, self.tr(STATUS_LABELS[row.status]), _when(row.checked_in_at), row.customer,
                     " · ".join(p for p in (row.plate, row.vehicle) if p), _money(row.total, self.currency),
                     row.invoice]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(index, column, item)
        if self.rows:
            self.table.selectRow(0)
        set_note(self.note, self.tr("{n} order(s). Enter opens the selected one.").format(n=len(self.rows))
                 if self.rows else self.tr("No order found."))
        self.shown.emit()

    def selected_number(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()].number if rows and rows[0].row() < len(self.rows) else ""

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.open_requested.emit(self.rows[row].number)


def _find_orders(actor: Actor, text: str, status: str | None) -> tuple[list[OrderRow], str]:
    from partsdesk.services import settings

    return workshop.find_orders(actor, text, status=status), settings.get("shop.currency")


class WorkshopTab(QWidget):
    dialog_opened = Signal(object)  # a check-in dialog or an order window (tests drive them)

    def __init__(self, runner: TaskRunner, actor: Actor, *, scanner: ScannerFilter | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.scanner = scanner  # an order's window takes the scans while it is shown (parts onto the order)
        self.orders: dict[str, RepairOrderDialog] = {}  # the order windows open now
        self.views = QTabWidget()
        self._pages: list[QWidget] = []  # the views, by their tab's index
        self._view_actions: list[QAction] = []
        self.board_view = BoardView(runner, actor)
        self.orders_view = OrdersView(runner, actor)
        self.appointments_view = AppointmentsView(runner, actor)
        self.reminders_view = RemindersView(runner, actor)
        self.reports_view = WorkshopReportsView(runner, actor)
        self.setup_view = WorkshopSetupView(runner, actor)
        self.board_view.open_requested.connect(self.open_order)
        self.orders_view.open_requested.connect(self.open_order)
        self.appointments_view.check_in_requested.connect(self.check_in)
        self._permissions: dict[QWidget, str] = {self.reports_view: "workshop.setup"}
        self._started: set[QWidget] = set()
        self.started = False  # start() ran: the tab was shown once
        for view, title in ((self.board_view, self.tr("Board")), (self.orders_view, self.tr("Orders")),
                            (self.appointments_view, self.tr("Appointments")),
                            (self.reminders_view, self.tr("Reminders")), (self.reports_view, self.tr("Reports")),
                            (self.setup_view, self.tr("Setup"))):
            self.add_view(view, title)

        # The board's and the list's own keys (the other views have their own Ctrl+N and F5).
        self.check_in_button = key_button(self, self.tr("Ctrl+N Check in"), "Ctrl+N", lambda: self.check_in(None),
                                          self.tr("A vehicle arrived without an appointment: check it in"),
                                          context=self.board_view)
        self.open_button = key_button(self, self.tr("Enter Open order"), "Ctrl+Return", self.open_selected,
                                      self.tr("Open the selected order (Enter on the board or the list)"),
                                      context=self.board_view)
        self.refresh_button = key_button(self, self.tr("F5 Refresh"), "F5", self.refresh,
                                         self.tr("Read the board and the list again"), context=self.board_view)
        for key, button in (("Ctrl+N", self.check_in_button), ("Ctrl+Return", self.open_button),
                            ("F5", self.refresh_button)):
            shortcut = QShortcut(QKeySequence(key), self.orders_view)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda b=button: b.isEnabled() and b.click())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.keys = QWidget()
        keys = QHBoxLayout(self.keys)
        keys.setContentsMargins(0, 0, 0, 0)
        for button in (self.check_in_button, self.open_button, self.refresh_button):
            keys.addWidget(button)
        keys.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.views, 1)
        layout.addWidget(self.keys)
        self.views.currentChanged.connect(self._view_changed)
        self.set_actor(actor)

    def add_view(self, widget: QWidget, title: str) -> int:
        page = QScrollArea()  # a view wider than a small screen scrolls, the window stays small
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setWidget(widget)
        self._pages.append(widget)
        index = self.views.addTab(page, title)
        if index < 9:
            key = f"Ctrl+{index + 1}"
            self.views.setTabText(index, f"{title} ({key})")
            action = QAction(title, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, w=widget: self.show_view(w))
            self.addAction(action)
            self._view_actions.append(action)
        return index

    def current_view(self) -> QWidget:
        return self._pages[self.views.currentIndex()]

    def show_view(self, widget: QWidget) -> None:
        index = self._pages.index(widget) if widget in self._pages else -1
        if index >= 0 and self.views.isTabVisible(index):
            self.views.setCurrentIndex(index)

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        for index, view in enumerate(self._pages):
            view.set_actor(actor)
            allowed = actor.can(self._permissions.get(view, "workshop.view"))
            self.views.setTabVisible(index, allowed)
            if not allowed and self.views.currentIndex() == index:
                self.views.setCurrentIndex(0)
        self.check_in_button.setEnabled(actor.can("workshop.edit"))
        for dialog in list(self.orders.values()):
            dialog.close()  # another user: their own windows

    def start(self) -> None:
        """The board, on the tab's first showing."""
        self.started = True
        self._view_changed(self.views.currentIndex())

    def refresh(self) -> None:
        """The board and, once shown, the list (an order changed, or F5)."""
        self.board_view.refresh()
        if self.orders_view in self._started:
            self.orders_view.search()

    def _view_changed(self, _index: int) -> None:
        widget = self.current_view()
        self.keys.setVisible(widget in (self.board_view, self.orders_view))
        if widget not in self._started:
            self._started.add(widget)
            widget.start()

    # --- orders -------------------------------------------------------------------------------------

    def open_selected(self) -> None:
        current = self.current_view()
        number = current.selected_number() if current in (self.board_view, self.orders_view) else ""
        if number:
            self.open_order(number)
        else:
            set_note(self.note, self.tr("Choose an order on the board or in the list first."), error=True)

    def open_order(self, number: str) -> None:
        """The order's own window (raised when it is open already)."""
        dialog = self.orders.get(number)
        if dialog is None:
            dialog = RepairOrderDialog(self.runner, self.actor, number, self, scanner=self.scanner)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.order_changed.connect(lambda _number: self.refresh())
            dialog.finished.connect(lambda _result, n=number: self.orders.pop(n, None))
            self.orders[number] = dialog
            dialog.show()
            self.dialog_opened.emit(dialog)
        dialog.raise_()
        dialog.activateWindow()

    def check_in(self, appointment_id: int | None) -> None:
        """Ctrl+N, or Arrived on an appointment: the check-in form, then the new order's window."""
        if not self.actor.can("workshop.edit"):
            set_note(self.note, self.tr("Checking a vehicle in needs a service advisor."), error=True)
            return
        self.runner.submit(workshop.checkin_start, self.actor, appointment_id, owner=self, name="checkin_start",
                           on_done=self._check_in_form,
                           on_error=lambda error: set_note(self.note, str(error), error=True))

    def _check_in_form(self, start: CheckInStart) -> None:
        dialog = CheckInDialog(self.runner, self.actor, items=list(start.items), customer_id=start.customer_id,
                               vehicle_id=start.vehicle_id, vehicle_text=start.vehicle_text, concern=start.concern,
                               last_km=start.last_km, appointment_id=start.appointment_id,
                               contact_name=start.contact_name, contact_phone=start.contact_phone, parent=self)
        if start.contact:
            set_note(dialog.general, self.tr("New customer from the appointment: {contact}. F3 adds them and their "
                                             "vehicle to the customer file.").format(contact=start.contact))
        dialog.saved.connect(self._checked_in)
        show_window_modal(self, dialog)
        self.dialog_opened.emit(dialog)

    def _checked_in(self, number: str) -> None:
        set_note(self.note, self.tr("{number} opened.").format(number=number))
        self.refresh()
        if self.appointments_view in self._started:
            self.appointments_view.load()
        self.open_order(number)

    def sizeHint(self) -> QSize:
        return QSize(1000, 640)


__all__ = ["BoardView", "OrdersView", "WorkshopTab"]
