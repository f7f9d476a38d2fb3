"""The repair-order editor: one order as the service advisor and the technician work it (issue 6,
items 4–7).

``RepairOrderDialog(runner, actor, number)`` is a non-modal window over the Workshop tab. Its
header says who and what the order is for, its status in colour, the promised time (red when
late) and — always in sight — the authorized total against the current total, red while they
differ. The table holds every job line with its authorization state (needs authorization,
authorized, re-authorization needed, declined — declined lines greyed, kept as recommendations),
technician, book against clocked hours, and reserved / issued / short parts.

Each action is a key button that calls one ``services.workshop`` function on the worker and then
reloads the order: add a part (F2, or scan it), labour (F3), other or sublet (F4), a canned job
(Ctrl+K), a counter quote (Ctrl+U); change (Enter) or remove (Del) a line; the customer's answer
(F6); clock on and off (F7, F8); issue and return parts (F9, Shift+F9); work done and the quality
check (F10); delivery with the counter's tender (F12); cancel (Ctrl+D); refresh (F5). What the
service refuses is shown in the message line at the bottom, never as a traceback. After every
write that succeeded, ``order_changed(number)`` tells the Workshop tab to refresh its board.
Nested dialogs are shown window-modal without blocking and announced by ``dialog_opened``.

What is enabled follows the order's status and the user's permissions: ``workshop.edit`` writes
the order (lines, prices, authorizations, delivery), ``workshop.work`` does the work (clock,
parts, quality check). Everyone who may see the order (``workshop.view``) sees its prices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk import i18n
from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.money import (
    CURRENCIES,
    DocumentLine,
    document_totals,
    format_money,
    format_quantity,
    parse_money,
    parse_quantity,
)
from partsdesk.domain.permissions import Actor, Approval, role_can
from partsdesk.services import search, settings, users, workshop, workshop_setup
from partsdesk.services.clock import now
from partsdesk.services.search import PartRow
from partsdesk.services.workshop import (
    AUTHORIZED,
    DECLINED,
    PENDING,
    REAUTHORIZE,
    CheckMark,
    Delivery,
    DeliveryResult,
    LineInput,
    LineView,
    OrderDetail,
    QualityResult,
)
from partsdesk.services.workshop_documents import DOCUMENT_KINDS as WORKSHOP_DOCUMENTS
from partsdesk.ui import print_path
from partsdesk.ui.counter_tab import PartSearchDialog, load_customer
from partsdesk.ui.forms import (
    ERROR_COLOR,
    FORM_STYLE,
    FormDialog,
    compact_combo,
    key_button,
    set_note,
    show_window_modal,
)
from partsdesk.ui.tasks import TaskRunner
from partsdesk.ui.tender_dialog import TenderCustomer, TenderDialog

STATUS_COLORS = {
    "checked_in": "#546e7a", "waiting_authorization": "#e65100", "in_progress": "#1565c0",
    "waiting_parts": "#6a1b9a", "quality_check": "#00838f", "ready": "#2e7d32", "delivered": "#1b5e20",
    "follow_up_done": "#616161", "cancelled": "#757575",
}
AUTH_COLORS = {PENDING: "#e65100", AUTHORIZED: "#2e7d32", REAUTHORIZE: ERROR_COLOR, DECLINED: "#757575"}
GREY = "#9e9e9e"
COLUMNS = 12
(COL_NO, COL_KIND, COL_PART, COL_DESCRIPTION, COL_QTY, COL_PRICE, COL_AMOUNT, COL_AUTH, COL_TECHNICIAN,
 COL_HOURS, COL_PARTS, COL_WARRANTY) = range(COLUMNS)
_CLOCKABLE = ("in_progress", "waiting_parts", "waiting_authorization")


# --- what the worker loads -------------------------------------------------------------------------

@dataclass(frozen=True)
class OrderScreen:
    """One load of the order for the window: the detail, the currency's decimals, where the
    user is clocked on now (order number, line id, line no) and whether the order is late."""

    detail: OrderDetail
    exponent: int
    clocked: tuple[str, int, int] | None
    late: bool


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class OrderChoices:
    """What the line dialogs offer: labour classes (with rate), technicians, canned jobs (empty
    when the shop has none) and the quality-check items (setting ``workshop.quality_items``)."""

    labour_classes: tuple[Choice, ...]
    default_class_id: int | None
    technicians: tuple[Choice, ...]
    canned_jobs: tuple[Choice, ...]
    quality_items: tuple[str, ...]


def load_order(actor: Actor, number: str) -> OrderScreen:
    """On the worker: the order, and where ``actor`` is clocked on."""
    detail = workshop.order_detail(actor, number)
    clocked = workshop.clocked_on(actor) if actor.user_id is not None else None
    late = bool(detail.promised_at and detail.promised_at < now() and detail.status in workshop.WORK_STATUSES
                + ("quality_check",))
    return OrderScreen(detail, CURRENCIES.get(detail.currency, (2, ""))[0], clocked, late)


def load_choices(actor: Actor) -> OrderChoices:
    """On the worker: the choices of the line, canned-job and quality-check dialogs."""
    exponent = CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]
    classes = tuple(Choice(row.id, f"{row.name} ({format_money(row.rate, exponent=exponent)} / h)")
                    for row in workshop_setup.list_labour_classes(actor))
    default = workshop_setup.default_labour_class()
    technicians = tuple(Choice(row.id, row.display_name) for row in users.list_users()
                        if role_can(row.role, "workshop.work"))
    canned = ()
    if hasattr(workshop_setup, "expand_canned_job"):
        canned = tuple(Choice(row.id, f"{row.code} — {row.name}") for row in workshop_setup.list_canned_jobs(actor))
    return OrderChoices(classes, default.id if default else None, technicians, canned,
                        tuple(str(item) for item in settings.get("workshop.quality_items")))


def load_payer(actor: Actor, customer_id: int) -> tuple[TenderCustomer, int]:
    """On the worker: the order's customer as the tender needs them, and the value of a point."""
    return load_customer(actor, customer_id), int(settings.get("membership.point_value"))


def invoice_total(detail: OrderDetail) -> int:
    """What the customer pays at delivery: the active lines at the shop's tax basis (each line is
    invoiced at its authorized version, which is its current one once re-authorized)."""
    lines = [line for line in detail.lines if line.status == "active"]
    totals = document_totals([DocumentLine(line.amount, line.tax_rate_bp) for line in lines],
                             prices_include_tax=detail.prices_include_tax)
    return totals.gross


def _item(text: str, *, right: bool = False, color: str = "", tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if color:
        item.setForeground(QBrush(QColor(color)))
    if tip:
        item.setToolTip(tip)
    return item


def _combo(choices: Sequence[Choice], *, empty: str = "", selected: int | None = None) -> QComboBox:
    box = compact_combo(20)
    if empty:
        box.addItem(empty, None)
    for choice in choices:
        box.addItem(choice.label, choice.id)
    if selected is not None:
        box.setCurrentIndex(max(0, box.findData(selected)))
    return box


# --- the window -----------------------------------------------------------------------------------

class RepairOrderDialog(QDialog):
    """One repair order, edited and worked (module doc). ``scanner``: the application's scanner
    layer; while this window is shown a scanned barcode adds its part (``take_scan``)."""

    order_changed = Signal(str)  # the RO number, after every write that succeeded
    dialog_opened = Signal(object)  # a nested dialog, once shown (tests drive it)
    loaded = Signal(object)  # the OrderScreen, once shown

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, parent: QWidget | None = None, *,
                 scanner: Any = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.number = number.strip().upper()
        self.scanner = scanner
        self._previous_owner: Any = None
        self.dialog: QDialog | None = None
        self.screen_data: OrderScreen | None = None
        self.choices: OrderChoices | None = None
        self.lines: list[LineView] = []
        self._pending_delivery: Delivery | None = None
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setWindowTitle(self.tr("Repair order {number}").format(number=self.number))
        self.setStyleSheet(FORM_STYLE)
        self.resize(1024, 700)
        self.setSizeGripEnabled(True)

        # header
        self.number_label = QLabel(self.number)
        big = self.number_label.font()
        big.setBold(True)
        big.setPointSizeF(big.pointSizeF() * 1.5)
        self.number_label.setFont(big)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.totals_label = QLabel()
        bold = self.totals_label.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.totals_label.setFont(bold)
        self.totals_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.customer_label = QLabel()
        self.vehicle_label = QLabel()
        self.odometer_label = QLabel()
        self.promised_label = QLabel()
        self.concern_label = QLabel()
        self.concern_label.setWordWrap(True)
        self.concern_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.clock_label = QLabel()
        self.clock_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.number_label)
        top.addSpacing(12)
        top.addWidget(self.status_label)
        top.addStretch(1)
        top.addWidget(self.totals_label)
        facts = QGridLayout()
        facts.setHorizontalSpacing(24)
        facts.addWidget(self.customer_label, 0, 0)
        facts.addWidget(self.vehicle_label, 0, 1)
        facts.addWidget(self.odometer_label, 1, 0)
        facts.addWidget(self.promised_label, 1, 1)
        facts.setColumnStretch(0, 1)
        facts.setColumnStretch(1, 1)

        # lines
        self.table = QTableWidget(0, COLUMNS)
        self.table.setHorizontalHeaderLabels([
            self.tr("#"), self.tr("Kind"), self.tr("Part / bin"), self.tr("Description"), self.tr("Qty"),
            self.tr("Unit price"), self.tr("Amount"), self.tr("Authorization"), self.tr("Technician"),
            self.tr("Hours\nbook / actual"), self.tr("Parts res. /\niss. / short"), self.tr("Warranty\nwork")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda _index: self.change_line())
        self.table.itemSelectionChanged.connect(self._enable)

        # buttons
        b = self._button
        self.add_part_button = b(self.tr("F2 Add part"), "F2", self.add_part,
                                 self.tr("Search the catalogue (or scan a part's barcode)"))
        self.add_labour_button = b(self.tr("F3 Add labour"), "F3", self.add_labour,
                                   self.tr("Labour: what is done, book hours, labour class, technician"))
        self.add_other_button = b(self.tr("F4 Other"), "F4", self.add_other,
                                  self.tr("A sublet job or another charge, at a price"))
        self.canned_button = b(self.tr("Ctrl+K Canned job"), "Ctrl+K", self.add_canned,
                               self.tr("A service package: several lines at once"))
        self.quote_button = b(self.tr("Ctrl+U Quote"), "Ctrl+U", self.add_from_quote,
                              self.tr("A counter quote's parts and labour become lines"))
        self.change_button = b(self.tr("Enter Change"), "Return", self.change_line,
                               self.tr("Quantity, price, description or technician of the selected line"))
        keypad_enter = QShortcut(QKeySequence("Enter"), self)
        keypad_enter.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keypad_enter.activated.connect(lambda: self.change_button.isEnabled() and self.dialog is None
                                       and self.change_line())
        self.remove_button = b(self.tr("Del Remove"), "Del", self.remove_line,
                               self.tr("Take the selected line off the order, with a reason"))
        self.comeback_button = b(self.tr("Ctrl+B Comeback"), "Ctrl+B", self.comeback,
                                 self.tr("Is the selected line a comeback of earlier work still under warranty? "
                                         "Link it: it is done at no charge"))
        self.authorize_button = b(self.tr("F6 Authorize"), "F6", self.authorize,
                                  self.tr("The customer's yes or no to the lines"))
        self.clock_on_button = b(self.tr("F7 Clock on"), "F7", self.clock_on,
                                 self.tr("Start the clock on the selected labour line"))
        self.clock_off_button = b(self.tr("F8 Clock off"), "F8", self.clock_off, self.tr("Stop your clock"))
        self.issue_button = b(self.tr("F9 Issue parts"), "F9", self.issue_parts,
                              self.tr("Issue the reserved parts to the job as they are used"))
        self.return_button = b(self.tr("Shift+F9 Return"), "Shift+F9", self.return_parts,
                               self.tr("Put unused parts back on the shelf"))
        self.finish_button = b(self.tr("F10 Done / QC"), "F10", self.work_done,
                               self.tr("The work is done: the quality check"))
        self.deliver_button = b(self.tr("F12 Deliver"), "F12", self.deliver,
                                self.tr("Odometer out, what was done, the invoice and payment"))
        self.cancel_button = b(self.tr("Ctrl+D Cancel RO"), "Ctrl+D", self.cancel_order,
                               self.tr("Cancel the order (the car leaves unrepaired), with a reason"))
        self.refresh_button = b(self.tr("F5 Refresh"), "F5", self.reload, self.tr("Load the order again"))
        self.print_button = b(self.tr("Ctrl+P Print"), "Ctrl+P", self.print_documents,
                              self.tr("Estimate, check-in sheet, job card, pick list or delivery note"))
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.setAutoDefault(False)
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.clicked.connect(self.reject)
        advisor_row = QHBoxLayout()
        for button in (self.add_part_button, self.add_labour_button, self.add_other_button, self.canned_button,
                       self.quote_button, self.change_button, self.remove_button, self.comeback_button,
                       self.authorize_button):
            advisor_row.addWidget(button)
        advisor_row.addStretch(1)
        work_row = QHBoxLayout()
        for button in (self.clock_on_button, self.clock_off_button, self.issue_button, self.return_button,
                       self.finish_button, self.deliver_button, self.cancel_button, self.refresh_button):
            work_row.addWidget(button)
        work_row.addStretch(1)
        work_row.addWidget(self.print_button)
        work_row.addWidget(self.close_button)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(facts)
        layout.addWidget(self.concern_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.clock_label)
        layout.addLayout(advisor_row)
        layout.addLayout(work_row)
        layout.addWidget(self.message)
        self._enable()
        self.reload()
        self.runner.submit(load_choices, self.actor, owner=self, name="repair_order_choices",
                           on_done=self._choices_loaded, on_error=self._refused)

    def _button(self, text: str, key: str, slot: Callable[[], None], tip: str) -> QPushButton:
        def act() -> None:
            if self.dialog is not None and self.dialog.isVisible():
                return  # a key meant for the dialog over this window (its Enter, say) is not this window's
            slot()

        button = key_button(self, text, key, act, tip)
        button.setAutoDefault(False)
        return button

    # --- loading and showing -----------------------------------------------------------------------

    def reload(self) -> None:
        """F5: load the order again on the worker."""
        self.runner.submit(load_order, self.actor, self.number, owner=self, name="repair_order_load",
                           on_done=self._show, on_error=self._refused)

    def _choices_loaded(self, choices: OrderChoices) -> None:
        self.choices = choices
        self._enable()

    def _money(self, minor: int | None) -> str:
        exponent = self.screen_data.exponent if self.screen_data else 2
        return format_money(minor or 0, exponent=exponent)

    def _status_text(self, status: str) -> str:
        return {
            "checked_in": self.tr("Checked in"), "waiting_authorization": self.tr("Waiting authorization"),
            "in_progress": self.tr("In progress"), "waiting_parts": self.tr("Waiting parts"),
            "quality_check": self.tr("Quality check"), "ready": self.tr("Ready"), "delivered": self.tr("Delivered"),
            "follow_up_done": self.tr("Follow-up done"), "cancelled": self.tr("Cancelled"),
        }.get(status, status)

    def _auth_text(self, line: LineView) -> str:
        if line.status == "removed":
            return self.tr("Removed")
        return {PENDING: self.tr("Needs authorization"), AUTHORIZED: self.tr("Authorized"),
                REAUTHORIZE: self.tr("Re-authorization needed"), DECLINED: self.tr("Declined")}[line.auth]

    def _kind_text(self, kind: str) -> str:
        return {"labour": self.tr("Labour"), "part": self.tr("Part"), "sublet": self.tr("Sublet"),
                "other": self.tr("Other")}.get(kind, kind)

    def _show(self, screen: OrderScreen) -> None:
        selected = {line.id for line in self.selected_lines()}
        self.screen_data = screen
        detail = screen.detail
        self.lines = list(detail.lines)
        color = STATUS_COLORS.get(detail.status, "#546e7a")
        self.status_label.setText(" " + self._status_text(detail.status) + " ")
        self.status_label.setStyleSheet(f"color: white; background: {color}; border-radius: 3px; padding: 2px 6px;"
                                        " font-weight: bold;")
        differs = detail.authorized_total != detail.current_total or detail.needs_authorization > 0
        text = self.tr("Authorized total {authorized} of current total {current}").format(
            authorized=self._money(detail.authorized_total), current=self._money(detail.current_total))
        if detail.needs_authorization:
            text += self.tr(" · {count} line(s) need authorization").format(count=detail.needs_authorization)
        self.totals_label.setText(text)
        self.totals_label.setStyleSheet(f"color: {ERROR_COLOR};" if differs else "color: #2e7d32;")
        who = detail.customer + (f" · {detail.phone}" if detail.phone else "")
        self.customer_label.setText(self.tr("Customer: {who}").format(who=who))
        vehicle = " · ".join(part for part in (detail.vehicle, detail.plate) if part)
        self.vehicle_label.setText(self.tr("Vehicle: {vehicle}").format(vehicle=vehicle or "—"))
        odometer = self.tr("Odometer in: {km} km").format(km=f"{detail.odometer_in:,}") if (
            detail.odometer_in is not None) else self.tr("Odometer in: —")
        if detail.odometer_out is not None:
            odometer += self.tr(" · out: {km} km").format(km=f"{detail.odometer_out:,}")
        self.odometer_label.setText(odometer)
        if detail.promised_at is not None:
            promised = self.tr("Promised: {at}").format(at=i18n.format_datetime(detail.promised_at))
            if screen.late:
                promised += self.tr(" — late")
        else:
            promised = self.tr("Promised: —")
        if detail.invoice_number:
            promised += self.tr(" · invoice {number}").format(number=detail.invoice_number)
        self.promised_label.setText(promised)
        self.promised_label.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;" if screen.late else "")
        self.concern_label.setText(self.tr("Concern: {concern}").format(concern=detail.concern))
        self._fill_table(selected)
        self._show_clock()
        self._enable()
        self.loaded.emit(screen)

    def _fill_table(self, selected: set[int]) -> None:
        table = self.table
        table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            greyed = line.status in ("declined", "removed")
            auth_color = GREY if line.status == "removed" else AUTH_COLORS[line.auth]
            unit_tip = ""
            if line.auth == REAUTHORIZE and line.authorized_amount is not None:
                unit_tip = self.tr("The customer authorized {amount} (version {version}); now {current}.").format(
                    amount=self._money(line.authorized_amount), version=line.authorized_version,
                    current=self._money(line.amount))
            part = " · ".join(x for x in (line.part_number, line.bin) if x)
            hours = ""
            if line.kind == "labour":
                hours = f"{format_quantity(line.book_hours)} / {format_quantity(line.actual_hours)} h"
            parts = ""
            if line.kind == "part":
                parts = " / ".join(format_quantity(q) for q in (line.reserved, line.issued, line.short))
            warranty_tip = self.tr("Warranty {months} months / {km} km").format(
                months=line.warranty_months, km=f"{line.warranty_km:,}")
            if line.comeback_of:
                warranty_tip += "\n" + self.tr("Comeback of {line}").format(line=line.comeback_of)
            cells = [
                _item(str(line.line_no), right=True),
                _item(self._kind_text(line.kind)),
                _item(part),
                _item(line.description, tip=line.description),
                _item(format_quantity(line.qty, line.unit if line.kind != "labour" else "h"), right=True),
                _item(self._money(line.unit_price), right=True),
                _item(self._money(line.amount), right=True, tip=unit_tip),
                _item(self._auth_text(line), color=auth_color, tip=line.authorized_by or unit_tip),
                _item(line.technician + (self.tr(" (on now)") if line.clocked_on else ""),
                      color="#1565c0" if line.clocked_on else "",
                      tip=self.tr("Clocked on now: {who}").format(who=", ".join(line.clocked_on))
                      if line.clocked_on else ""),
                _item(hours, right=True, color=ERROR_COLOR if line.actual_hours > line.book_hours > 0 else ""),
                _item(parts, right=True, color=ERROR_COLOR if line.short else ""),
                _item(self.tr("Warranty") if line.warranty_work else "", tip=warranty_tip),
            ]
            for column, item in enumerate(cells):
                if greyed and column != COL_AUTH:
                    item.setForeground(QBrush(QColor(GREY)))
                if greyed:
                    font = QFont(item.font())
                    font.setItalic(line.status == "declined")
                    font.setStrikeOut(line.status == "removed")
                    item.setFont(font)
                if column == COL_AUTH:
                    font = QFont(item.font())
                    font.setBold(line.status == "active" and line.auth != AUTHORIZED)
                    item.setFont(font)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        header = table.horizontalHeader()
        header.setSectionResizeMode(COL_DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        table.clearSelection()
        model, chooser = table.model(), table.selectionModel()
        for row, line in enumerate(self.lines):
            if line.id in selected:
                chooser.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                               | QItemSelectionModel.SelectionFlag.Rows)

    def _show_clock(self) -> None:
        clocked = self.screen_data.clocked if self.screen_data else None
        if clocked is None:
            self.clock_label.setText(self.tr("You are not clocked on any job.") if self.actor.can("workshop.work")
                                     else "")
            self.clock_label.setStyleSheet("")
        elif clocked[0] == self.number:
            self.clock_label.setText(self.tr("You are clocked on line {line} of this order.").format(line=clocked[2]))
            self.clock_label.setStyleSheet("color: #1565c0; font-weight: bold;")
        else:
            self.clock_label.setText(self.tr("You are clocked on {number} line {line}.").format(
                number=clocked[0], line=clocked[2]))
            self.clock_label.setStyleSheet("color: #1565c0;")

    # --- what may be done now -----------------------------------------------------------------------

    def selected_lines(self) -> list[LineView]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.lines[row] for row in rows if 0 <= row < len(self.lines)]

    def selected_line(self) -> LineView | None:
        lines = self.selected_lines()
        if lines:
            return lines[0]
        row = self.table.currentRow()
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def select_line(self, line_no: int) -> None:
        """Select the line numbered ``line_no`` (tests, and after adding)."""
        for row, line in enumerate(self.lines):
            if line.line_no == line_no:
                self.table.selectRow(row)
                return

    def _enable(self) -> None:
        screen = self.screen_data
        detail = screen.detail if screen else None
        status = detail.status if detail else ""
        is_open = bool(detail and detail.open)
        edit = is_open and self.actor.can("workshop.edit")
        work = is_open and self.actor.can("workshop.work")
        line = self.selected_line()
        live = [x for x in self.lines if x.status != "removed"]
        for button in (self.add_part_button, self.add_labour_button, self.add_other_button, self.quote_button):
            button.setEnabled(edit)
        self.canned_button.setEnabled(edit and bool(self.choices and self.choices.canned_jobs))
        self.change_button.setEnabled(edit and line is not None and line.status != "removed")
        self.remove_button.setEnabled(edit and line is not None and line.status != "removed")
        self.comeback_button.setEnabled(edit and line is not None and line.status != "removed"
                                        and not line.warranty_work)
        self.authorize_button.setEnabled(edit and bool(live))
        self.clock_on_button.setEnabled(work and status in _CLOCKABLE and line is not None
                                        and line.kind == "labour" and line.status == "active"
                                        and line.auth == AUTHORIZED)
        self.clock_off_button.setEnabled(self.actor.can("workshop.work") and bool(screen and screen.clocked))
        self.issue_button.setEnabled(work and any(x.kind == "part" and x.status == "active" and x.issued < x.qty
                                                  for x in self.lines))
        self.return_button.setEnabled(work and any(x.kind == "part" and x.issued > 0 for x in self.lines))
        self.finish_button.setEnabled(work and status in ("in_progress", "quality_check"))
        self.deliver_button.setEnabled(edit and self.actor.can("counter.sell") and status == "ready")
        self.cancel_button.setEnabled(edit)
        self.refresh_button.setEnabled(True)
        self.print_button.setEnabled(detail is not None)

    # --- messages and writes -----------------------------------------------------------------------

    def say(self, text: str, *, error: bool = False) -> None:
        set_note(self.message, text, error=error)

    def _refused(self, error: UserError) -> None:
        self.say(str(error), error=True)

    def _changed(self, text: str) -> None:
        """A write succeeded: say so, tell the board, load the order again."""
        self.say(text)
        self.order_changed.emit(self.number)
        self.reload()

    def _write(self, fn: Callable[..., Any], *args: Any, done: Callable[[Any], str], name: str,
               **kwargs: Any) -> None:
        """Run one workshop service on the worker; on success ``done(result)`` is the message."""
        self.say(self.tr("Working…"))
        self.runner.submit(fn, *args, owner=self, name=name, on_done=lambda result: self._changed(done(result)),
                           on_error=self._refused, **kwargs)

    def _open(self, dialog: QDialog) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        show_window_modal(self, dialog)

    def _opened_form(self, dialog: FormDialog, done: Callable[[Any], str]) -> None:
        dialog.saved.connect(lambda result: self._changed(done(result)))
        self._open(dialog)

    def _need_line(self, text: str) -> LineView | None:
        line = self.selected_line()
        if line is None:
            self.say(text, error=True)
        return line

    # --- adding lines ------------------------------------------------------------------------------

    def add_part(self) -> None:
        """F2: a part from the catalogue search, one of its unit at the customer's price."""
        dialog = PartSearchDialog(self.runner, self, exponent=self.screen_data.exponent if self.screen_data else 2)
        dialog.picked.connect(self._add_part_row)
        self._open(dialog)

    def _add_part_row(self, row: PartRow) -> None:
        if not row.active:
            self.say(self.tr("{number} {name} is no longer sold. Nothing was added.").format(
                number=row.number, name=row.name_en), error=True)
            return
        self._write(workshop.add_line, self.actor, self.number, LineInput("part", part_id=row.id, qty=1_000),
                    name="repair_order_add_part",
                    done=lambda _id: self.tr("Added {number} {name}: reserved for this order; it needs the "
                                             "customer's authorization.").format(number=row.number,
                                                                                 name=row.name_en))

    def take_scan(self, code: str) -> None:
        """A scanned barcode while this window is in front: a dialog that reads scans gets it, else
        its part is added to the order."""
        take = getattr(self.dialog, "take_scan", None)
        if take is not None:
            take(code)
            return
        if not self.add_part_button.isEnabled():
            self.say(self.tr("Scanned {code}: this order takes no new lines now.").format(code=code), error=True)
            return
        self.runner.submit(search.find_by_barcode, code, owner=self, name="repair_order_scan",
                           on_done=lambda row: self._scanned(code, row), on_error=self._refused)

    def _scanned(self, code: str, row: PartRow | None) -> None:
        if row is None:
            self.say(self.tr("Unknown barcode {code}: no part has it. Search the part with F2.").format(code=code),
                     error=True)
            return
        self._add_part_row(row)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.scanner is not None and self.scanner.owner != self.take_scan:
            self._previous_owner = self.scanner.owner
            self.scanner.set_owner(self.take_scan)

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        if self.scanner is not None and self.scanner.owner == self.take_scan:
            self.scanner.set_owner(self._previous_owner)

    def add_labour(self) -> None:
        """F3: labour — what is done, book hours, labour class, technician."""
        if self.choices is None:
            self.say(self.tr("Still loading the labour classes…"), error=True)
            return
        self._opened_form(LabourDialog(self.runner, self.actor, self.number, self.choices, parent=self),
                          lambda _id: self.tr("Labour added: it needs the customer's authorization."))

    def add_other(self) -> None:
        """F4: a sublet job or another charge, at a price."""
        self._opened_form(OtherLineDialog(self.runner, self.actor, self.number, self._exponent(), parent=self),
                          lambda _id: self.tr("Line added: it needs the customer's authorization."))

    def add_canned(self) -> None:
        """Ctrl+K: a canned job's lines at once."""
        if not self.choices or not self.choices.canned_jobs:
            self.say(self.tr("The shop has no canned jobs: set them up in the workshop set-up."), error=True)
            return
        self._opened_form(CannedJobDialog(self.runner, self.actor, self.number, self.choices, parent=self),
                          lambda ids: self.tr("{count} line(s) of the canned job added: they need the customer's "
                                              "authorization.").format(count=len(ids)))

    def comeback(self) -> None:
        """Ctrl+B: the earlier work on this car the selected line may be a comeback of."""
        line = self._need_line(self.tr("Choose the line that may be a comeback first."))
        if line is None:
            return
        self._opened_form(ComebackDialog(self.runner, self.actor, self.number, line, parent=self),
                          lambda _version: self.tr("Line {n} is a comeback: warranty work at no charge, linked to "
                                                   "the earlier job and its technician.").format(n=line.line_no))

    def add_from_quote(self) -> None:
        """Ctrl+U: a counter quote's lines (by its QT number)."""
        self._opened_form(QuoteToOrderDialog(self.runner, self.actor, self.number, parent=self),
                          lambda ids: self.tr("{count} line(s) from the quote added.").format(count=len(ids)))

    # --- changing lines ----------------------------------------------------------------------------

    def _exponent(self) -> int:
        return self.screen_data.exponent if self.screen_data else 2

    def change_line(self) -> None:
        """Enter: the selected line's quantity, price, description or technician."""
        line = self._need_line(self.tr("Select the line to change first."))
        if line is None or not self.change_button.isEnabled():
            return
        self._opened_form(ChangeLineDialog(self.runner, self.actor, self.number, line,
                                           self.choices.technicians if self.choices else (), self._exponent(),
                                           parent=self),
                          lambda version: self.tr("Line {line} changed (version {version}).").format(
                              line=line.line_no, version=version))

    def remove_line(self) -> None:
        """Del: take the selected line off the order, with a reason."""
        line = self._need_line(self.tr("Select the line to remove first."))
        if line is None:
            return
        self._opened_form(ReasonDialog(self.runner, self.actor, self.tr("Remove line {line}: {description}").format(
            line=line.line_no, description=line.description), self.tr("Remove (Enter)"),
            lambda reason: workshop.remove_line(self.actor, self.number, line.id, reason=reason), parent=self),
            lambda _none: self.tr("Line {line} removed.").format(line=line.line_no))

    def authorize(self) -> None:
        """F6: the customer's answer to the lines (selected ones, else those waiting for it)."""
        if self.screen_data is None:
            return
        chosen = {line.id for line in self.selected_lines() if line.status != "removed"}
        self._opened_form(AuthorizeDialog(self.runner, self.actor, self.screen_data.detail, chosen, self._exponent(),
                                          parent=self),
                          lambda count: self.tr("The customer's answer is recorded for {count} line(s).").format(
                              count=count))

    # --- the work ----------------------------------------------------------------------------------

    def clock_on(self) -> None:
        """F7: start your clock on the selected labour line."""
        line = self._need_line(self.tr("Select the labour line to clock on first."))
        if line is None:
            return
        self._write(workshop.clock_on, self.actor, self.number, line.id, name="repair_order_clock_on",
                    done=lambda note: note)

    def clock_off(self) -> None:
        """F8: stop your clock (wherever it runs)."""
        self._write(workshop.clock_off, self.actor, name="repair_order_clock_off", done=lambda note: note)

    def issue_parts(self) -> None:
        """F9: issue the selected part line (a quantity) or every authorized part still to issue."""
        if self.screen_data is None:
            return
        line = self.selected_line()
        self._opened_form(IssuePartsDialog(self.runner, self.actor, self.number, self.lines,
                                           line.id if line else None, parent=self),
                          lambda count: self.tr("Parts issued to {count} line(s).").format(count=count))

    def return_parts(self) -> None:
        """Shift+F9: unused parts of a line back to the shelf."""
        if self.screen_data is None:
            return
        line = self.selected_line()
        self._opened_form(ReturnPartsDialog(self.runner, self.actor, self.number, self.lines,
                                            line.id if line else None, parent=self),
                          lambda _none: self.tr("Parts returned to stock."))

    def work_done(self) -> None:
        """F10: the work is done (the order goes to its quality check), then the checklist."""
        if self.screen_data is None:
            return
        if self.screen_data.detail.status == "quality_check":
            self._open_quality_check()
            return
        self.say(self.tr("Working…"))
        self.runner.submit(workshop.finish_work, self.actor, self.number, owner=self, name="repair_order_finish",
                           on_done=lambda _none: self._finished(), on_error=self._refused)

    def _finished(self) -> None:
        self._changed(self.tr("Work done: the order waits for its quality check."))
        self._open_quality_check()

    def _open_quality_check(self) -> None:
        if self.choices is None or self.screen_data is None:
            self.say(self.tr("Still loading the checklist…"), error=True)
            return
        worked = any(self.actor.display_name and self.actor.display_name == line.technician
                     for line in self.lines if line.kind == "labour")
        dialog = QualityCheckDialog(self.runner, self.actor, self.number, self.choices.quality_items,
                                    worked=worked, parent=self)
        dialog.saved.connect(self._checked)
        self._open(dialog)

    def _checked(self, result: QualityResult) -> None:
        text = (self.tr("Quality check passed: the car is ready.") if result.passed else
                self.tr("Quality check failed: the order is back in progress."))
        if result.warning:
            text += " " + self.tr("Note: you worked on this car yourself — a second pair of eyes is better for the "
                                  "quality check.")
        self.say(text, error=bool(result.warning) or not result.passed)
        self.order_changed.emit(self.number)
        self.reload()

    # --- delivery and cancel -----------------------------------------------------------------------

    def deliver(self) -> None:
        """F12: odometer out, what was done, satisfaction — then the payment."""
        if self.screen_data is None:
            return
        detail = self.screen_data.detail
        if detail.status != "ready":
            self.say(self.tr("{number} is {status}: it is delivered once it passed its quality check.").format(
                number=self.number, status=self._status_text(detail.status).lower()), error=True)
            return
        dialog = DeliveryDialog(self.runner, self.actor, detail, parent=self)
        dialog.saved.connect(self._delivery_given)
        self._open(dialog)

    def _delivery_given(self, delivery: Delivery) -> None:
        if self.screen_data is None:
            return
        detail = self.screen_data.detail
        self.say(self.tr("Loading the customer's balances…"))
        self.runner.submit(load_payer, self.actor, detail.customer_id, owner=self, name="repair_order_customer",
                           on_done=lambda payer: self._open_tender(delivery, *payer), on_error=self._refused)

    def _open_tender(self, delivery: Delivery, customer: TenderCustomer, point_value: int) -> None:
        if self.screen_data is None:
            return
        detail = self.screen_data.detail
        dialog = DeliveryTenderDialog(self.runner, self.actor, number=self.number, delivery=delivery,
                                      total=invoice_total(detail), customer=customer, exponent=self._exponent(),
                                      point_value=point_value, parent=self)
        dialog.sold.connect(self._delivered)
        self.say("")
        self._open(dialog)

    def _delivered(self, result: DeliveryResult) -> None:
        text = self.tr("Delivered: invoice {invoice}, change {change}. Follow-up call on {day}.").format(
            invoice=result.invoice, change=self._money(result.change), day=result.follow_up_on)
        if result.warnings:
            text += "\n" + "\n".join(result.warnings)
        self._changed(text)
        print_path.print_document(self, self.runner, number=result.invoice, kind="invoice", mode="print",
                                  on_done=self._printed)

    def _printed(self, outcome: print_path.PrintOutcome) -> None:
        if not outcome.ok and outcome.message:
            self.say(self.message.text() + "\n" + outcome.message, error=True)

    def print_documents(self) -> None:
        """Ctrl+P: one of the order's documents printed, previewed or saved as PDF."""
        detail = self.screen_data.detail if self.screen_data else None
        if detail is None:
            return
        dialog = PrintDocumentsDialog(self.runner, self.number, delivered=detail.delivered_at is not None,
                                      parent=self)
        dialog.printed.connect(lambda outcome: self.say(self.tr("{kind} of {number}: done.").format(
            kind=self.tr(print_path.KIND_WORDS.get(outcome.kind, outcome.kind)).capitalize(), number=self.number))
            if outcome.ok else (outcome.message and self.say(outcome.message, error=True)))
        self._open(dialog)
        self.dialog_opened.emit(dialog)

    def cancel_order(self) -> None:
        """Ctrl+D: cancel the order with a reason (reservations are released)."""
        self._opened_form(ReasonDialog(self.runner, self.actor, self.tr("Cancel repair order {number}").format(
            number=self.number), self.tr("Cancel the order (Enter)"),
            lambda reason: workshop.cancel(self.actor, self.number, reason=reason), parent=self),
            lambda _none: self.tr("{number} is cancelled; its parts are free for the counter again.").format(
                number=self.number))


# --- the nested dialogs ---------------------------------------------------------------------------

def _read_qty(text: str, field: str, label: str) -> int:
    return parse_quantity(text.strip(), field=field, label=label)


class LabourDialog(FormDialog):
    """F3: a labour line — what is done, book hours, labour class (its rate), technician."""

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, choices: OrderChoices, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.number = number
        self.setWindowTitle(self.tr("Add labour (F3) — {number}").format(number=number))
        self.setMinimumWidth(520)
        self.save_button.setText(self.tr("Add (Enter)"))
        self.description = self.field("description", self.tr("&What is done"), QLineEdit())
        self.description.setMaxLength(workshop.DESCRIPTION_MAX)
        self.hours = self.field("qty", self.tr("Book &hours"), QLineEdit("1"))
        self.labour_class = self.field("labour_class", self.tr("Labour &class"),
                                       _combo(choices.labour_classes, selected=choices.default_class_id))
        self.technician = self.field("technician", self.tr("&Technician"),
                                     _combo(choices.technicians, empty=self.tr("— not yet —")))
        self.description.setFocus()

    def save(self, approval: Approval | None = None) -> None:
        try:
            hours = _read_qty(self.hours.text(), "qty", self.tr("Book hours"))
        except ValidationError as error:
            self.errors.show_refused(error)
            return
        request = LineInput("labour", description=self.description.text(), qty=hours,
                            labour_class_id=self.labour_class.currentData(),
                            technician_id=self.technician.currentData())
        self.submit(workshop.add_line, self.actor, self.number, request, name="repair_order_add_labour")

    def _refused(self, error: Exception) -> None:
        problems = getattr(error, "problems", None)
        if problems:  # the service names the line ("lines.0"): shown under the description
            error = ValidationError({("description" if key.startswith("lines.") else key): text
                                     for key, text in problems.items()})
        super()._refused(error)


class OtherLineDialog(FormDialog):
    """F4: a sublet job or another charge: what, quantity, price."""

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, exponent: int, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.number = number
        self.exponent = exponent
        self.setWindowTitle(self.tr("Add other or sublet (F4) — {number}").format(number=number))
        self.setMinimumWidth(520)
        self.save_button.setText(self.tr("Add (Enter)"))
        self.kind = self.field("kind", self.tr("&Kind"), QComboBox())
        self.kind.addItem(self.tr("Sublet (work done by another shop)"), "sublet")
        self.kind.addItem(self.tr("Other charge"), "other")
        self.description = self.field("description", self.tr("&What for"), QLineEdit())
        self.description.setMaxLength(workshop.DESCRIPTION_MAX)
        self.qty = self.field("qty", self.tr("&Quantity"), QLineEdit("1"))
        self.price = self.field("unit_price", self.tr("Unit &price"), QLineEdit())
        self.price.setPlaceholderText(format_money(0, exponent=exponent))
        self.description.setFocus()

    def save(self, approval: Approval | None = None) -> None:
        try:
            qty = _read_qty(self.qty.text(), "qty", self.tr("Quantity"))
            if not self.price.text().strip():
                raise ValidationError({"unit_price": self.tr("Give the price.")})
            price = parse_money(self.price.text(), exponent=self.exponent, field="unit_price", label=self.tr("Price"))
        except ValidationError as error:
            self.errors.show_refused(error)
            return
        request = LineInput(self.kind.currentData(), description=self.description.text(), qty=qty, unit_price=price)
        self.submit(workshop.add_line, self.actor, self.number, request, name="repair_order_add_other")

    def _refused(self, error: Exception) -> None:
        problems = getattr(error, "problems", None)
        if problems:
            error = ValidationError({("description" if key.startswith("lines.") else key): text
                                     for key, text in problems.items()})
        super()._refused(error)


class CannedJobDialog(FormDialog):
    """Ctrl+K: one of the shop's canned jobs, its lines put on the order at once."""

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, choices: OrderChoices, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.number = number
        self.setWindowTitle(self.tr("Add a canned job — {number}").format(number=number))
        self.setMinimumWidth(480)
        self.save_button.setText(self.tr("Add its lines (Enter)"))
        self.job = self.field("canned_job", self.tr("Canned &job"), _combo(choices.canned_jobs))
        self.job.setFocus()

    def save(self, approval: Approval | None = None) -> None:
        if self.job.currentData() is None:
            self.errors.show({"canned_job": self.tr("Choose a canned job.")})
            return
        self.submit(workshop.add_canned_job, self.actor, self.number, int(self.job.currentData()),
                    name="repair_order_canned")


class ComebackDialog(FormDialog):
    """Ctrl+B: earlier lines on this vehicle, still under warranty and similar to the selected one
    (``workshop.comeback_suggestions``); the one chosen is linked and the line becomes free
    warranty work (a new version the customer sees)."""

    shown = Signal()

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, line: LineView, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.number, self.line = number, line
        self.candidates: list[Any] = []
        self.setWindowTitle(self.tr("Comeback? — {number} line {n}").format(number=number, n=line.line_no))
        self.setMinimumWidth(640)
        self.save_button.setText(self.tr("Link as warranty work (Enter)"))
        self.save_button.setEnabled(False)
        self.found = QListWidget()
        self.found.itemActivated.connect(lambda _item: self.save())
        self.field("comeback", self.tr("Earlier &work"), self.found)
        self.note = QLabel(self.tr("Looking for earlier work on this car under warranty…"))
        self.note.setWordWrap(True)
        self.form.addRow(self.note)
        runner.submit(workshop.comeback_suggestions, actor, number, line.id, owner=self, name="comebacks",
                      on_done=self._show, on_error=self._refused)

    def _show(self, candidates: list[Any]) -> None:
        self.candidates = candidates
        for candidate in candidates:
            until = []
            if candidate.warranty_until:
                until.append(self.tr("until {day}").format(day=candidate.warranty_until.isoformat()))
            if candidate.warranty_until_km:
                until.append(self.tr("until {km} km").format(km=f"{candidate.warranty_until_km:,}"))
            text = self.tr("{order} line {n}: {what} — delivered {day}{tech}; warranty {until}; {why}").format(
                order=candidate.order_number, n=candidate.line_no, what=candidate.description,
                day=candidate.delivered_on.isoformat(),
                tech=f", {candidate.technician}" if candidate.technician else "", until=", ".join(until) or "—",
                why=candidate.reason)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, candidate.line_id)
            self.found.addItem(item)
        if candidates:
            self.found.setCurrentRow(0)
            self.note.setText(self.tr("The car is back within the warranty of similar work: choose the job it comes "
                                      "back for."))
        else:
            self.note.setText(self.tr("No earlier work on this car is under warranty and similar: charge it as "
                                      "usual."))
        self.save_button.setEnabled(bool(candidates))
        self.shown.emit()

    def save(self, approval: Approval | None = None) -> None:
        item = self.found.currentItem()
        if item is None:
            self.errors.show({"comeback": self.tr("Choose the earlier job.")})
            return
        self.submit(workshop.link_comeback, self.actor, self.number, self.line.id,
                    int(item.data(Qt.ItemDataRole.UserRole)), name="repair_order_comeback")


class QuoteToOrderDialog(FormDialog):
    """Ctrl+U: a counter quote (by its QT number) becomes the order's lines."""

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, *, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.number = number
        self.setWindowTitle(self.tr("Lines from a quote — {number}").format(number=number))
        self.setMinimumWidth(460)
        self.save_button.setText(self.tr("Add its lines (Enter)"))
        self.quote = self.field("quote", self.tr("&Quote number"), QLineEdit())
        self.quote.setPlaceholderText("QT-000001")
        self.quote.setFocus()

    def take_scan(self, code: str) -> None:
        """A scanned quote barcode fills the number and adds the quote."""
        self.quote.setText(code)
        self.save()

    def save(self, approval: Approval | None = None) -> None:
        if not self.quote.text().strip():
            self.errors.show({"quote": self.tr("Type or scan the quote's number.")})
            return
        self.submit(workshop.add_quote, self.actor, self.number, self.quote.text(), name="repair_order_quote")


class ChangeLineDialog(FormDialog):
    """Enter: change a line's quantity, price, description or technician. A change of the first
    three after the customer approved the line needs their authorization again (said up front)."""

    permission = "counter.below_floor"

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, line: LineView, technicians: Sequence[Choice],
                 exponent: int, *, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.number = number
        self.line = line
        self.exponent = exponent
        self.setWindowTitle(self.tr("Change line {line} — {number}").format(line=line.line_no, number=number))
        self.setMinimumWidth(540)
        if line.auth in (AUTHORIZED, REAUTHORIZE) or line.authorized_version is not None:
            warning = QLabel(self.tr("The customer approved this line ({amount}). A change of quantity, price or "
                                     "description makes a new version that needs their authorization again.").format(
                amount=format_money(line.authorized_amount or 0, exponent=exponent)))
            warning.setWordWrap(True)
            warning.setStyleSheet("color: #e65100; font-weight: bold;")
            self.form.addRow(warning)
        self.description = self.field("description", self.tr("&Description"), QLineEdit(line.description))
        self.description.setMaxLength(workshop.DESCRIPTION_MAX)
        unit = "h" if line.kind == "labour" else line.unit
        self.qty = self.field("qty", self.tr("&Quantity ({unit})").format(unit=unit or "pcs"),
                              QLineEdit(format_quantity(line.qty)))
        self.price = self.field("unit_price", self.tr("Unit &price"),
                                QLineEdit(format_money(line.unit_price, exponent=exponent)))
        self.technician = self.field("technician", self.tr("&Technician"),
                                     _combo(technicians, empty=self.tr("— none —"), selected=line.technician_id))
        if line.warranty_work:
            self.price.setEnabled(False)
            self.price.setToolTip(self.tr("Warranty work is done at no charge."))
        self.qty.setFocus()
        self.qty.selectAll()

    def save(self, approval: Approval | None = None) -> None:
        try:
            qty = _read_qty(self.qty.text(), "qty", self.tr("Quantity"))
            price = parse_money(self.price.text(), exponent=self.exponent, field="unit_price", label=self.tr("Price"))
        except ValidationError as error:
            self.errors.show_refused(error)
            return
        line = self.line
        description = self.description.text()
        technician = self.technician.currentData()
        self.submit(workshop.change_line, self.actor, self.number, line.id,
                    qty=qty if qty != line.qty else None,
                    unit_price=price if price != line.unit_price else None,
                    description=description if " ".join(description.split()) != line.description else None,
                    technician_id=technician if technician != line.technician_id else False,
                    approvals={self.permission: approval} if approval else None, name="repair_order_change")

    def action_text(self) -> str:
        return self.tr("Charge a price below the gross-profit floor on repair order {number}").format(
            number=self.number)


class ReasonDialog(FormDialog):
    """A write that needs only a reason (remove a line, cancel the order): ``call(reason)``."""

    def __init__(self, runner: TaskRunner, actor: Actor, title: str, button: str, call: Callable[[str], Any], *,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.call = call
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.save_button.setText(button)
        heading = QLabel(title)
        heading.setWordWrap(True)
        self.form.addRow(heading)
        self.reason = self.field("reason", self.tr("&Reason"), QLineEdit())
        self.reason.setMaxLength(workshop.NOTE_MAX)
        self.reason.setFocus()

    def save(self, approval: Approval | None = None) -> None:
        self.submit(self.call, self.reason.text(), name="repair_order_reason")


class AuthorizeDialog(FormDialog):
    """F6: the customer's answer. Tick the lines (those chosen in the order, else those waiting
    for authorization), approved or declined, how (in person — signed on paper or not —, by
    phone, by message), who answered (the customer by default) and a note."""

    def __init__(self, runner: TaskRunner, actor: Actor, detail: OrderDetail, chosen: set[int], exponent: int, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.number = detail.number
        self.setWindowTitle(self.tr("Customer's authorization (F6) — {number}").format(number=detail.number))
        self.setMinimumWidth(720)
        self.save_button.setText(self.tr("Record the answer (Enter)"))
        self.lines = [line for line in detail.lines if line.status != "removed"]
        if not chosen:
            chosen = {line.id for line in self.lines if line.status == "active" and line.auth != AUTHORIZED}
        self.table = QTableWidget(len(self.lines), 4)
        self.table.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Description"), self.tr("Amount"),
                                              self.tr("Now")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        labels = {PENDING: self.tr("Needs authorization"), AUTHORIZED: self.tr("Authorized"),
                  REAUTHORIZE: self.tr("Re-authorization needed"), DECLINED: self.tr("Declined")}
        for row, line in enumerate(self.lines):
            tick = QTableWidgetItem(str(line.line_no))
            tick.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            tick.setCheckState(Qt.CheckState.Checked if line.id in chosen else Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, tick)
            self.table.setItem(row, 1, _item(line.description))
            self.table.setItem(row, 2, _item(format_money(line.amount, exponent=exponent), right=True))
            self.table.setItem(row, 3, _item(labels[line.auth], color=AUTH_COLORS[line.auth]))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(min(60 + 30 * len(self.lines), 260))
        self.field("lines", self.tr("Lines"), self.table)
        decision = QWidget()
        row_layout = QHBoxLayout(decision)
        row_layout.setContentsMargins(0, 0, 0, 0)
        self.approve = QRadioButton(self.tr("&Approved"))
        self.decline = QRadioButton(self.tr("D&eclined (kept as a recommendation)"))
        self.approve.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.approve)
        group.addButton(self.decline)
        row_layout.addWidget(self.approve)
        row_layout.addWidget(self.decline)
        row_layout.addStretch(1)
        self.field("decision", self.tr("Answer"), decision)
        self.method = self.field("method", self.tr("&How"), QComboBox())
        self.method.addItem(self.tr("In person"), "in_person")
        self.method.addItem(self.tr("By phone"), "phone")
        self.method.addItem(self.tr("By message"), "message")
        self.signed = self.field("signed", "", QCheckBox(self.tr("&Signed on paper")))
        self.method.currentIndexChanged.connect(self._method_changed)
        self.customer_name = self.field("customer_name", self.tr("&Who answered"), QLineEdit(detail.customer))
        self.customer_name.setMaxLength(workshop.NAME_MAX)
        self.note = self.field("note", self.tr("&Note"), QLineEdit())
        self.note.setMaxLength(workshop.NOTE_MAX)
        self.method.setFocus()

    def _method_changed(self) -> None:
        in_person = self.method.currentData() == "in_person"
        self.signed.setEnabled(in_person)
        if not in_person:
            self.signed.setChecked(False)

    def set_ticked(self, line_ids: set[int]) -> None:
        for row, line in enumerate(self.lines):
            self.table.item(row, 0).setCheckState(Qt.CheckState.Checked if line.id in line_ids
                                                  else Qt.CheckState.Unchecked)

    def ticked(self) -> list[int]:
        return [line.id for row, line in enumerate(self.lines)
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    def save(self, approval: Approval | None = None) -> None:
        ids = self.ticked()
        if not ids:
            self.errors.show({"lines": self.tr("Tick the lines the customer answered for.")})
            return
        self.submit(workshop.authorize, self.actor, self.number, ids,
                    decision="approved" if self.approve.isChecked() else "declined",
                    method=self.method.currentData(), customer_name=self.customer_name.text(),
                    signed=self.signed.isChecked() and self.signed.isEnabled(), note=self.note.text(),
                    name="repair_order_authorize")


class IssuePartsDialog(FormDialog):
    """F9: issue parts to the job — one line (a quantity, the rest by default) or every authorized
    part line still to issue."""

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, lines: Sequence[LineView],
                 selected_id: int | None, *, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.number = number
        self.setWindowTitle(self.tr("Issue parts (F9) — {number}").format(number=number))
        self.setMinimumWidth(560)
        self.save_button.setText(self.tr("Issue (Enter)"))
        self.candidates = [line for line in lines if line.kind == "part" and line.status == "active"
                           and line.issued < line.qty]
        self.what = self.field("line", self.tr("&What"), QComboBox())
        self.what.addItem(self.tr("Every authorized part still to issue"), None)
        for line in self.candidates:
            self.what.addItem(self.tr("Line {line}: {number} {description} — {rest} to issue").format(
                line=line.line_no, number=line.part_number, description=line.description,
                rest=format_quantity(line.qty - line.issued, line.unit)), line.id)
        self.qty = self.field("qty", self.tr("&Quantity"), QLineEdit())
        self.what.currentIndexChanged.connect(self._picked)
        if selected_id is not None and self.what.findData(selected_id) > 0:
            self.what.setCurrentIndex(self.what.findData(selected_id))
        self._picked()
        self.what.setFocus()

    def _picked(self) -> None:
        line = next((x for x in self.candidates if x.id == self.what.currentData()), None)
        self.qty.setEnabled(line is not None)
        self.qty.setText(format_quantity(line.qty - line.issued) if line else "")

    def save(self, approval: Approval | None = None) -> None:
        line_id = self.what.currentData()
        qty = None
        if line_id is not None:
            try:
                qty = _read_qty(self.qty.text(), "qty", self.tr("Quantity"))
            except ValidationError as error:
                self.errors.show_refused(error)
                return
        self.submit(workshop.issue_parts, self.actor, self.number, line_id, qty, name="repair_order_issue")


class ReturnPartsDialog(FormDialog):
    """Shift+F9: parts issued to the job and not used go back to the shelf."""

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, lines: Sequence[LineView],
                 selected_id: int | None, *, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.number = number
        self.setWindowTitle(self.tr("Return unused parts — {number}").format(number=number))
        self.setMinimumWidth(560)
        self.save_button.setText(self.tr("Return to stock (Enter)"))
        self.candidates = [line for line in lines if line.kind == "part" and line.issued > 0]
        self.what = self.field("line", self.tr("&Line"), QComboBox())
        for line in self.candidates:
            self.what.addItem(self.tr("Line {line}: {number} {description} — {issued} issued").format(
                line=line.line_no, number=line.part_number, description=line.description,
                issued=format_quantity(line.issued, line.unit)), line.id)
        self.qty = self.field("qty", self.tr("&Quantity back"), QLineEdit())
        self.what.currentIndexChanged.connect(self._picked)
        if selected_id is not None and self.what.findData(selected_id) >= 0:
            self.what.setCurrentIndex(self.what.findData(selected_id))
        self._picked()
        self.qty.setFocus()

    def _picked(self) -> None:
        line = next((x for x in self.candidates if x.id == self.what.currentData()), None)
        self.qty.setText(format_quantity(line.issued) if line else "")

    def save(self, approval: Approval | None = None) -> None:
        if self.what.currentData() is None:
            self.errors.show({"line": self.tr("No part is issued to this order.")})
            return
        try:
            qty = _read_qty(self.qty.text(), "qty", self.tr("Quantity"))
        except ValidationError as error:
            self.errors.show_refused(error)
            return
        self.submit(workshop.return_parts, self.actor, self.number, int(self.what.currentData()), qty,
                    name="repair_order_return")


class QualityCheckDialog(FormDialog):
    """F10: the quality check — each item of the shop's checklist OK, attention or fail with a
    note; any failure sends the order back to work. Preferably someone other than the technician
    checks (said here when the checker worked on the car; the service says it again after)."""

    def __init__(self, runner: TaskRunner, actor: Actor, number: str, items: Sequence[str], *, worked: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.number = number
        self.setWindowTitle(self.tr("Quality check (F10) — {number}").format(number=number))
        self.setMinimumWidth(640)
        self.save_button.setText(self.tr("Record the check (Enter)"))
        self.eyes = QLabel(self.tr("You worked on this car yourself: a second pair of eyes is better for the "
                                   "quality check. You may still record it."))
        self.eyes.setWordWrap(True)
        self.eyes.setStyleSheet("color: #e65100; font-weight: bold;")
        self.eyes.setVisible(worked)
        self.form.addRow(self.eyes)
        self.results: list[tuple[str, QComboBox, QLineEdit]] = []
        for index, item in enumerate(items):
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            result = QComboBox()
            result.addItem(self.tr("OK"), "ok")
            result.addItem(self.tr("Attention"), "attention")
            result.addItem(self.tr("Fail"), "fail")
            note = QLineEdit()
            note.setPlaceholderText(self.tr("note"))
            note.setMaxLength(workshop.NOTE_MAX)
            row.addWidget(result)
            row.addWidget(note, 1)
            self.field(f"items.{index}", item, box)
            self.results.append((item, result, note))
        self.note = self.field("note", self.tr("&Note"), QLineEdit())
        self.note.setPlaceholderText(self.tr("what failed, for the technician"))
        self.note.setMaxLength(workshop.NOTE_MAX)
        if self.results:
            self.results[0][1].setFocus()

    def set_result(self, index: int, result: str, note: str = "") -> None:
        _item_name, box, edit = self.results[index]
        box.setCurrentIndex(box.findData(result))
        edit.setText(note)

    def save(self, approval: Approval | None = None) -> None:
        marks = [CheckMark(item, box.currentData(), edit.text()) for item, box, edit in self.results]
        self.submit(workshop.quality_check, self.actor, self.number, marks, note=self.note.text(),
                    name="repair_order_quality")


class DeliveryDialog(FormDialog):
    """F12, first step: odometer out, what was done (from the lines), the customer's
    satisfaction. ``saved`` carries the ``Delivery``; the payment follows in the tender."""

    def __init__(self, runner: TaskRunner, actor: Actor, detail: OrderDetail, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.detail = detail
        self.setWindowTitle(self.tr("Deliver (F12) — {number}").format(number=detail.number))
        self.setMinimumWidth(600)
        self.save_button.setText(self.tr("Next: payment (Enter)"))
        self.odometer = self.field("odometer", self.tr("&Odometer out (km)"), QLineEdit())
        if detail.odometer_in is not None:
            self.odometer.setPlaceholderText(self.tr("at least {km}").format(km=f"{detail.odometer_in:,}"))
        active = [line for line in detail.lines if line.status == "active"]
        done = [line.description + (" " + self.tr("(warranty)") if line.warranty_work else "")
                for line in active if line.kind != "part"]
        parts = [f"{line.description} ({format_quantity(line.qty, line.unit)})" for line in active
                 if line.kind == "part"]
        if parts:
            done.append(self.tr("Parts fitted: {parts}").format(parts=", ".join(parts)))
        self.work_done = self.field("work_done", self.tr("&What was done"), QPlainTextEdit("\n".join(done)))
        self.work_done.setTabChangesFocus(True)
        self.work_done.setFixedHeight(110)
        self.satisfaction = self.field("satisfaction", self.tr("&Satisfaction"), QComboBox())
        self.satisfaction.addItem(self.tr("— not asked —"), None)
        for score, words in ((5, self.tr("5 — very happy")), (4, self.tr("4 — happy")), (3, self.tr("3 — so-so")),
                             (2, self.tr("2 — unhappy")), (1, self.tr("1 — very unhappy"))):
            self.satisfaction.addItem(words, score)
        self.words = self.field("satisfaction_note", self.tr("In their &words"), QLineEdit())
        self.words.setMaxLength(workshop.NOTE_MAX)
        self.odometer.setFocus()

    def save(self, approval: Approval | None = None) -> None:
        text = self.odometer.text().replace(",", "").replace(" ", "").strip()
        odometer_in = self.detail.odometer_in
        if not text.isdigit():
            self.errors.show({"odometer": self.tr("Odometer out: the whole km on the dashboard.")})
            return
        if odometer_in is not None and int(text) < odometer_in:
            self.errors.show({"odometer": self.tr("The odometer was {km} km at check-in: it cannot be lower now.")
                              .format(km=f"{odometer_in:,}")})
            return
        if not self.work_done.toPlainText().strip():
            self.errors.show({"work_done": self.tr("Say what was done, for the customer.")})
            return
        delivery = Delivery(int(text), self.work_done.toPlainText(), self.satisfaction.currentData(),
                            self.words.text())
        self.accept()
        self.saved.emit(delivery)


class PrintDocumentsDialog(QDialog):
    """The order's documents (``services.workshop_documents``): choose one, then print it on this
    PC's A4 printer (Enter), preview it (Ctrl+Shift+P) or save it as PDF (Ctrl+S)."""

    printed = Signal(object)  # the PrintOutcome

    def __init__(self, runner: TaskRunner, number: str, *, delivered: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.number = number
        self.setWindowTitle(self.tr("Print from {number}").format(number=number))
        self.kinds = QListWidget()
        titles = {"estimate": self.tr("Estimate"), "checkin": self.tr("Check-in sheet"),
                  "jobcard": self.tr("Job card"), "ro-picklist": self.tr("Pick list"),
                  "delivery": self.tr("Delivery note")}
        for kind in WORKSHOP_DOCUMENTS:
            if kind == "delivery" and not delivered:
                continue
            item = QListWidgetItem(titles[kind])
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.kinds.addItem(item)
        self.kinds.setCurrentRow(0)
        self.kinds.itemActivated.connect(lambda _item: self.run("print"))
        buttons = QHBoxLayout()
        for text, key, mode in ((self.tr("Enter Print"), "Return", "print"),
                                (self.tr("Ctrl+Shift+P Preview"), "Ctrl+Shift+P", "preview"),
                                (self.tr("Ctrl+S Save as PDF"), "Ctrl+S", "pdf")):
            buttons.addWidget(key_button(self, text, key, lambda m=mode: self.run(m),
                                         self.tr("The chosen document")))
        close = QPushButton(self.tr("Close (Esc)"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kinds)
        layout.addLayout(buttons)
        self.resize(460, 260)

    def run(self, mode: str) -> None:
        item = self.kinds.currentItem()
        if item is None:
            return
        print_path.print_document(self, self.runner, number=self.number, kind=item.data(Qt.ItemDataRole.UserRole),
                                  mode=mode, on_done=self._done)

    def _done(self, outcome: print_path.PrintOutcome) -> None:
        self.printed.emit(outcome)
        if outcome.ok and outcome.mode != "preview":
            self.accept()


class DeliveryTenderDialog(TenderDialog):
    """F12, second step: the counter's tender, whose Pay delivers the order through
    ``workshop.deliver`` (invoice at the authorized prices, the payments, the follow-up call).
    Lines without a valid authorization make the service refuse with ``PermissionDenied``; the
    tender's step-up asks a manager on this screen and pays again with the approval."""

    def __init__(self, runner: TaskRunner, actor: Actor, *, number: str, delivery: Delivery, total: int,
                 customer: TenderCustomer, exponent: int, point_value: int, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, lines=(), total=total, customer=customer, exponent=exponent,
                         point_value=point_value, parent=parent)
        self.number = number
        self.delivery = delivery
        self.setWindowTitle(self.tr("Payment — deliver {number}").format(number=number))

    def pay(self) -> None:
        payments, problems = self._read()
        settlement = self.settlement()
        if problems or settlement.problems:
            self.errors.show(self._problems(payments, {**settlement.problems, **problems}))
            return
        self.pay_button.setEnabled(False)
        self.runner.submit(workshop.deliver, self.actor, self.number, self.delivery, [p for _n, p in payments],
                           approvals=dict(self.approvals), owner=self, name="repair_order_deliver",
                           on_done=self._committed, on_error=self._refused,
                           on_finally=lambda: self.pay_button.setEnabled(True))

    def _refused(self, error: UserError) -> None:
        if isinstance(error, PermissionDenied) and error.permission not in self.approvals:
            from partsdesk.ui import stepup  # looked up when used: tests replace ask_approval

            approval = stepup.ask_approval(self, self.actor, error.permission, self._action_text(error.permission),
                                           runner=self.runner)
            if approval is not None:
                self.approvals[error.permission] = approval
                QTimer.singleShot(0, self, self.pay)  # after this attempt has finished
                return
            self.errors.show_message(self.tr("Not delivered: a manager did not approve it. {error}").format(
                error=error))
            return
        problems = getattr(error, "problems", None)
        if problems:
            payments, _ = self._read()
            self.errors.show(self._problems(payments, problems),
                             general=self.tr("Not delivered. Correct what is marked in red, or Esc to go back."))
        else:
            self.errors.show_message(self.tr("Not delivered: {error}").format(error=error))

    def _action_text(self, permission: str) -> str:
        if permission == "workshop.invoice_override":
            return self.tr("invoice repair order {number} with lines the customer has not authorized ({total})"
                           ).format(number=self.number, total=self._money(self.total))
        return super()._action_text(permission)


__all__ = ["AuthorizeDialog", "CannedJobDialog", "ChangeLineDialog", "DeliveryDialog", "DeliveryTenderDialog",
           "IssuePartsDialog", "LabourDialog", "OrderChoices", "OrderScreen", "OtherLineDialog",
           "QualityCheckDialog", "QuoteToOrderDialog", "ReasonDialog", "RepairOrderDialog", "ReturnPartsDialog",
           "invoice_total", "load_choices", "load_order"]
