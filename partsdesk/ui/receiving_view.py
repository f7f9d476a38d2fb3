"""The Receiving view of the Stock tab: goods in from a supplier, against an open purchase order
or without one, and the labels for what was received.

The storekeeper chooses the supplier and, when the delivery note names one, the open order (or
scans the order's barcode on its printed PO: the order and its supplier are picked). Each scanned
part adds one (``3*`` then a scan adds a pack of three, as at the counter); quantities can be typed
in the table too. Against an order the table starts with the order's outstanding lines, so what
is *over*, *short* or a *substitute* shows before anything is posted. Inspection is per line: the
rejected quantity (with a reason) goes to quarantine, the rest is accepted; the unit cost starts
at the order's price (else the supplier's, else the part's cost) and the put-away bin at the
part's bin. Post is one call to ``services.purchasing.receive`` — one transaction — and shows the
GR number; the labels for the accepted goods are then made from that number
(``services.labels.receipt_quantities``) for the label printer, a preview or a PDF file.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
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

from partsdesk.domain import labels as label_layouts
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.money import CURRENCIES, format_money, format_quantity, parse_money, parse_quantity
from partsdesk.domain.permissions import Actor
from partsdesk.domain.scanning import read_entry
from partsdesk.ui import print_path
from partsdesk.ui.forms import ERROR_COLOR, compact_combo, error_label, set_note
from partsdesk.ui.tasks import TaskRunner

_FLAG = QColor("#b26a00")
_INVALID = QColor("#ffebee")
NUMBER, NAME, ORDERED, RECEIVED, REJECTED, REASON, COST, BIN, FLAGS = range(9)
EDITABLE = (RECEIVED, REJECTED, REASON, COST, BIN)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReceivingView", text)


# --- on the worker ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FoundPart:
    id: int
    number: str
    name: str
    unit: str
    bin: str
    cost: int | None  # what the line's unit cost starts at: the supplier's price, else the part's cost


def find_part(actor: Actor, code: str, supplier_id: int | None = None) -> FoundPart | None:
    """The part a scan or a typed number names — by barcode, else by its own part number — with
    the cost a receipt of it starts at; None when nothing matches."""
    from partsdesk.services import catalog, purchasing, search
    from partsdesk.services.labels import resolve_parts

    row = search.find_by_barcode(code)
    if row is not None:
        part_id = row.id
    else:
        try:
            [(part_id, _qty)] = resolve_parts([(code, 1)])
        except ValidationError:
            return None
    detail = catalog.get_part(actor, part_id)
    cost = detail.cost
    if supplier_id is not None and actor.can("catalog.view_cost"):
        offer = next((o for o in purchasing.compare_prices(actor, part_id) if o.supplier_id == supplier_id), None)
        if offer is not None:
            cost = offer.price
    return FoundPart(detail.id, detail.number, detail.name_en, detail.unit, detail.bin, cost)


@dataclass(frozen=True)
class Start:
    suppliers: list[Any]
    orders: list[Any]
    exponent: int


def load_start(actor: Actor) -> Start:
    from partsdesk.services import purchasing, settings

    orders = purchasing.list_orders(actor, statuses=purchasing.RECEIVABLE) if actor.can("stock.purchase") else []
    exponent = CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]
    return Start(purchasing.list_suppliers(actor), orders, exponent)


def load_order(actor: Actor, number: str) -> tuple[Any, dict[int, FoundPart]]:
    """The order and, per part on it, its bin and unit (the lines' put-away bin starts there)."""
    from partsdesk.services import catalog, purchasing

    order = purchasing.get_order(actor, number)
    parts = {}
    for line in order.lines:
        detail = catalog.get_part(actor, line.part_id)
        parts[line.part_id] = FoundPart(detail.id, detail.number, detail.name_en, detail.unit, detail.bin,
                                        line.unit_price)
    return order, parts


@dataclass(frozen=True)
class LabelsPdf:
    pdf: bytes
    labels: int
    pages: int


def receipt_labels_pdf(number: str, layout: label_layouts.LabelLayout) -> LabelsPdf:
    """The labels of what receipt ``number`` accepted, as a PDF in memory (nothing is written)."""
    from partsdesk.printing.labels import write_labels
    from partsdesk.services.labels import labels_for_parts, receipt_quantities

    rows = labels_for_parts(receipt_quantities(number))
    out = BytesIO()
    pages = write_labels(rows, layout, out)
    return LabelsPdf(out.getvalue(), len(rows), pages)


# --- the view ---------------------------------------------------------------------------------------

@dataclass
class _Line:
    part: FoundPart
    outstanding: int | None  # on the order: what is still owed; None: not on it


class ReceivingView(QWidget):
    """Supplier and order, the lines to receive with their inspection, Post, then the labels."""

    loaded = Signal()  # suppliers and orders are in
    order_shown = Signal(str)  # the order's lines are in the table ("" : no order)
    scan_handled = Signal(str)
    posted = Signal(object)  # services.purchasing.ReceiptResult
    post_failed = Signal(str)
    pdf_done = Signal(str, object)  # mode, and the preview dialog, pages printed or the path written

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.lines: list[_Line] = []
        self.orders: list[Any] = []
        self.order: Any = None
        self.exponent = 2
        self.receipt: Any = None  # the last ReceiptResult
        self.preview: Any = None
        self._filling = False

        self.supplier_box = compact_combo()
        self.supplier_box.setMinimumWidth(220)
        self.supplier_box.currentIndexChanged.connect(self._supplier_changed)
        self.order_box = compact_combo()
        self.order_box.setMinimumWidth(260)
        self.order_box.currentIndexChanged.connect(self._order_changed)
        self.entry = QLineEdit()
        self.entry.setClearButtonEnabled(True)
        self.entry.setPlaceholderText(self.tr("Scan a part or type its number — Enter adds one; 3* first adds a "
                                              "pack of 3"))
        self.entry.installEventFilter(self)
        top = QHBoxLayout()
        supplier_label = QLabel(self.tr("&Supplier"))
        supplier_label.setBuddy(self.supplier_box)
        order_label = QLabel(self.tr("&Order"))
        order_label.setBuddy(self.order_box)
        top.addWidget(supplier_label)
        top.addWidget(self.supplier_box)
        top.addWidget(order_label)
        top.addWidget(self.order_box)
        top.addWidget(self.entry, 1)

        self.table = QTableWidget(0, 9)
        self.table.setHorizontalHeaderLabels([
            self.tr("Part number"), self.tr("Description"), self.tr("Ordered"), self.tr("Received"),
            self.tr("Rejected"), self.tr("Reject reason"), self.tr("Unit cost"), self.tr("Put-away bin"),
            self.tr("Flags")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((NUMBER, 120), (ORDERED, 70), (RECEIVED, 70), (REJECTED, 70), (REASON, 150),
                              (COST, 80), (BIN, 90), (FLAGS, 200)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._item_changed)
        self.table.installEventFilter(self)

        self.remove_button = QPushButton(self.tr("Remove line (Del)"))
        self.remove_button.clicked.connect(self.remove_current)
        self.clear_button = QPushButton(self.tr("Start again"))
        self.clear_button.clicked.connect(self.start_again)
        self.post_button = QPushButton(self.tr("Post receipt (Ctrl+Enter)"))
        self.post_button.setDefault(True)
        self.post_button.clicked.connect(self.post)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.post)
        self.summary = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.post_button)

        self.error_label = error_label()
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # labels for what was received
        self.layout_box = compact_combo()
        for layout in label_layouts.LAYOUTS.values():
            self.layout_box.addItem(layout.describe(), layout.name)
        self.layout_box.setCurrentIndex(max(self.layout_box.findData(print_path.label_layout()), 0))
        self.preview_button = QPushButton(self.tr("Preview labels (F8)"))
        self.preview_button.clicked.connect(lambda: self.make_labels("preview"))
        labels_key = QShortcut(QKeySequence("F8"), self)  # Ctrl+L is the window's switch user
        labels_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        labels_key.activated.connect(lambda: self.make_labels("preview"))
        self.print_button = QPushButton(self.tr("Print labels"))
        self.print_button.clicked.connect(lambda: self.make_labels("print"))
        self.save_button = QPushButton(self.tr("Save labels as PDF…"))
        self.save_button.clicked.connect(lambda: self.make_labels("pdf"))
        self.labels_title = QLabel(self.tr("Print labels for what was received:"))
        labels_row = QHBoxLayout()
        labels_row.addWidget(self.labels_title)
        labels_row.addWidget(self.layout_box, 1)
        labels_buttons = QHBoxLayout()  # a row of its own, so the view fits a small screen
        labels_buttons.addStretch(1)
        for button in (self.preview_button, self.print_button, self.save_button):
            labels_buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        layout.addWidget(self.note_label)
        layout.addLayout(labels_row)
        layout.addLayout(labels_buttons)
        self._set_labels_enabled(False)
        self._update_summary()

    # --- loading ------------------------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor

    def start(self) -> None:
        """Suppliers and the open orders, on the worker."""
        self.runner.submit(load_start, self.actor, owner=self, name="receiving_start", on_done=self._loaded,
                           on_error=lambda error: self._say(str(error)))

    def _loaded(self, start: Start) -> None:
        self.exponent = start.exponent
        self.orders = start.orders
        current = self.supplier_box.currentData()
        self.supplier_box.blockSignals(True)
        self.supplier_box.clear()
        self.supplier_box.addItem(self.tr("— choose the supplier —"), None)
        for supplier in start.suppliers:
            self.supplier_box.addItem(supplier.name, supplier.id)
        index = self.supplier_box.findData(current)
        self.supplier_box.setCurrentIndex(max(index, 0))
        self.supplier_box.blockSignals(False)
        self._fill_orders()
        self.entry.setFocus()
        self.loaded.emit()

    def _supplier_name(self) -> str:
        return self.supplier_box.currentText() if self.supplier_box.currentData() is not None else ""

    def _fill_orders(self, select: str = "") -> None:
        self.order_box.blockSignals(True)
        self.order_box.clear()
        self.order_box.addItem(self.tr("No order — receive without one"), "")
        name = self._supplier_name()
        for order in self.orders:
            if order.supplier == name:
                self.order_box.addItem(self.tr("{number} ({status}, {lines} line(s) owed)").format(
                    number=order.number, status=order.status.replace("_", " "), lines=order.outstanding_lines),
                    order.number)
        self.order_box.setCurrentIndex(max(self.order_box.findData(select), 0))
        self.order_box.blockSignals(False)

    def _supplier_changed(self) -> None:
        self._fill_orders()
        self._order_changed()

    def _order_changed(self) -> None:
        number = self.order_box.currentData() or ""
        if not number:
            self.order = None
            self._drop_order_lines()
            self.order_shown.emit("")
            return
        self.runner.submit(load_order, self.actor, number, owner=self, name="receiving_order",
                           on_done=self._show_order, on_error=lambda error: self._say(str(error)))

    def _drop_order_lines(self) -> None:
        """No order any more: the order's lines nobody received go, the rest stay as plain lines."""
        keep = []
        for line, received in zip(self.lines, self._column_texts(RECEIVED), strict=True):
            if line.outstanding is not None and not received.strip():
                continue
            keep.append((_Line(line.part, None), received))
        self._rebuild(keep)

    def _show_order(self, loaded: tuple[Any, dict[int, FoundPart]]) -> None:
        order, parts = loaded
        if (self.order_box.currentData() or "") != order.number:
            return  # another order was chosen meanwhile
        self.order = order
        scanned = {line.part.id: text for line, text in zip(self.lines, self._column_texts(RECEIVED), strict=True)}
        rows: list[tuple[_Line, str]] = []
        for order_line in order.lines:
            if order_line.outstanding:
                rows.append((_Line(parts[order_line.part_id], order_line.outstanding),
                             scanned.pop(order_line.part_id, "")))
        for line in self.lines:
            if line.part.id in scanned:
                rows.append((_Line(line.part, None), scanned.pop(line.part.id)))
        self._rebuild(rows)
        set_note(self.note_label, self.tr("{number}: {lines} line(s) still owed. Scan what came in.").format(
            number=order.number, lines=len([r for r in rows if r[0].outstanding is not None])))
        self.order_shown.emit(order.number)

    # --- the table ----------------------------------------------------------------------------------

    def _column_texts(self, column: int) -> list[str]:
        return [(self.table.item(row, column).text() if self.table.item(row, column) else "")
                for row in range(self.table.rowCount())]

    def _money_text(self, minor: int | None) -> str:
        return "" if minor is None else format_money(minor, exponent=self.exponent).replace(",", "")

    def _rebuild(self, rows: list[tuple[_Line, str]]) -> None:
        self._filling = True
        self.table.setRowCount(0)
        self.lines = []
        self._filling = False
        for line, received in rows:
            self._append(line, received)
        self._update_summary()

    def _append(self, line: _Line, received: str = "") -> int:
        self._filling = True
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.lines.append(line)
        ordered = format_quantity(line.outstanding, line.part.unit) if line.outstanding is not None else ""
        texts = {NUMBER: line.part.number, NAME: line.part.name, ORDERED: ordered, RECEIVED: received,
                 REJECTED: "", REASON: "", COST: self._money_text(line.part.cost), BIN: line.part.bin, FLAGS: ""}
        for column, text in texts.items():
            item = QTableWidgetItem(text)
            if column not in EDITABLE:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if column in (ORDERED, RECEIVED, REJECTED, COST):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        self._filling = False
        self._update_flags(row)
        return row

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        item.setBackground(QBrush())
        self._update_flags(item.row())
        self._update_summary()

    def _qty(self, row: int, column: int) -> int | None:
        """The thousandths typed in a cell (0 when empty); None when it is no quantity."""
        text = self.table.item(row, column).text().strip()
        if not text:
            return 0
        try:
            return parse_quantity(text)
        except ValidationError:
            return None

    def _update_flags(self, row: int) -> None:
        if not 0 <= row < len(self.lines):
            return
        line = self.lines[row]
        received, rejected = self._qty(row, RECEIVED), self._qty(row, REJECTED)
        words = []
        if self.order is not None and received is not None:
            if line.outstanding is None:
                words.append(self.tr("substitute (not on {number})").format(number=self.order.number))
            elif received > line.outstanding:
                words.append(self.tr("over by {qty}").format(qty=format_quantity(received - line.outstanding,
                                                                                 line.part.unit)))
            elif received < line.outstanding:
                words.append(self.tr("short by {qty}").format(qty=format_quantity(line.outstanding - received,
                                                                                  line.part.unit)))
        if rejected:
            words.append(self.tr("{qty} to quarantine").format(qty=format_quantity(rejected, line.part.unit)))
        self._filling = True
        item = self.table.item(row, FLAGS)
        item.setText(", ".join(words))
        item.setForeground(_FLAG if words else QBrush())
        self._filling = False

    def _update_summary(self) -> None:
        received = [self._qty(row, RECEIVED) or 0 for row in range(self.table.rowCount())]
        self.summary.setText(self.tr("{lines} line(s), {received} with goods received").format(
            lines=len(self.lines), received=sum(1 for qty in received if qty > 0)))

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.lines):
            self.lines.pop(row)
            self.table.removeRow(row)
            self._update_summary()

    def start_again(self) -> None:
        """Empty the table (the order's lines come back when an order is chosen)."""
        self._rebuild([])
        self._say("")
        if self.order is not None:
            self._order_changed()

    # --- scans and typed entries --------------------------------------------------------------------

    def take_scan(self, code: str) -> None:
        """A scan: a PO's barcode picks that order; a part's adds one (or the pack typed first)."""
        text = self.entry.text().strip()
        entry = read_entry(text) if text.endswith("*") else None
        self.entry.clear()
        self._enter((f"{format_quantity(entry.qty)}*" if entry and entry.qty else "") + code, scan=True)

    def enter_text(self) -> None:
        text = self.entry.text().strip()
        if text:
            self.entry.clear()
            self._enter(text, scan=False)

    def _pick_order(self, number: str) -> bool:
        found = next((o for o in self.orders if o.number == number), None)
        if found is None:
            return False
        index = next((i for i in range(self.supplier_box.count()) if self.supplier_box.itemText(i) == found.supplier
                      and self.supplier_box.itemData(i) is not None), -1)
        if index < 0:
            return False
        self.supplier_box.blockSignals(True)
        self.supplier_box.setCurrentIndex(index)
        self.supplier_box.blockSignals(False)
        self._fill_orders(select=number)
        self._order_changed()
        return True

    def _enter(self, text: str, *, scan: bool) -> None:
        self._say("")
        entry = read_entry(text)
        code = entry.code.strip()
        if entry.waiting or not code:
            self.entry.setText(text)  # "3*": the pack waits for the scan
            if scan:
                self.scan_handled.emit(text)
            return
        qty = entry.qty if entry.qty else 1000
        if "".join(code.split()).upper() in {o.number for o in self.orders}:
            self._pick_order("".join(code.split()).upper())
            if scan:
                self.scan_handled.emit(code)
            return
        supplier_id = self.supplier_box.currentData()

        def found(part: FoundPart | None) -> None:
            if part is None:
                self._say(self.tr("Unknown code {code}: no part has it as barcode or number. Nothing was added.")
                          .format(code=code))
            else:
                self.add_part(part, qty)
            if scan:
                self.scan_handled.emit(code)

        def failed(error: Exception) -> None:
            self._say(str(error))
            if scan:
                self.scan_handled.emit(code)

        self.runner.submit(find_part, self.actor, code, supplier_id, owner=self, name="receiving_find",
                           on_done=found, on_error=failed)

    def add_part(self, part: FoundPart, qty: int = 1000) -> None:
        """``qty`` thousandths more of ``part`` received (its line is added when it has none)."""
        row = next((i for i, line in enumerate(self.lines) if line.part.id == part.id), None)
        if row is None:
            row = self._append(_Line(part, None))
        have = self._qty(row, RECEIVED)
        if have is None:
            self._say(self.tr("Line {line}: the received quantity is not a number; correct it first.").format(
                line=row + 1))
            return
        self.table.item(row, RECEIVED).setText(format_quantity(have + qty))
        self.table.selectRow(row)
        set_note(self.note_label, self.tr("{number}: {qty} received.").format(
            number=part.number, qty=format_quantity(have + qty, part.unit)))

    # --- posting ------------------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _mark(self, row: int, column: int) -> None:
        self.table.item(row, column).setBackground(_INVALID)

    def receive_lines(self) -> tuple[list[Any], list[str]]:
        """The table as ``ReceiveLine``s (lines with nothing received are left out: short), and
        what is wrong with it, line by line (then nothing is posted)."""
        from partsdesk.services.purchasing import ReceiveLine

        problems: list[str] = []
        out = []
        for row, line in enumerate(self.lines):
            where = self.tr("Line {line} ({number})").format(line=row + 1, number=line.part.number)
            received, rejected = self._qty(row, RECEIVED), self._qty(row, REJECTED)
            reason = " ".join(self.table.item(row, REASON).text().split())
            if received is None or received < 0:
                problems.append(self.tr("{where}: the received quantity is not a quantity (e.g. 4 or 2.5).")
                                .format(where=where))
                self._mark(row, RECEIVED)
                continue
            if rejected is None or rejected < 0 or rejected > received:
                problems.append(self.tr("{where}: the rejected quantity is from 0 to what was received.")
                                .format(where=where))
                self._mark(row, REJECTED)
                continue
            if rejected and not reason:
                problems.append(self.tr("{where}: say why the rejected goods go to quarantine (damaged, wrong "
                                        "part, …).").format(where=where))
                self._mark(row, REASON)
                continue
            cost_text = self.table.item(row, COST).text().strip()
            try:
                cost = parse_money(cost_text, exponent=self.exponent, field="cost", label=self.tr("Unit cost")) \
                    if cost_text else None
            except ValidationError as error:
                problems.append(f"{where}: {' '.join(error.problems.values())}")
                self._mark(row, COST)
                continue
            if cost is not None and cost < 0:
                problems.append(self.tr("{where}: the unit cost cannot be negative.").format(where=where))
                self._mark(row, COST)
                continue
            if not received:
                continue
            out.append(ReceiveLine(part_id=line.part.id, qty=received, rejected=rejected,
                                   reject_reason=reason if rejected else "", unit_cost=cost,
                                   bin=self.table.item(row, BIN).text().strip()))
        if not problems and not out:
            problems.append(self.tr("Nothing received yet: scan the parts that came in or type their quantities."))
        return out, problems

    def post(self) -> None:
        """Check the table here, then receive it all in one call on the worker."""
        from partsdesk.services import purchasing

        self._say("")
        set_note(self.note_label, "")
        supplier_id = self.supplier_box.currentData()
        if supplier_id is None:
            self._say(self.tr("Choose the supplier the goods came from. Nothing was posted."))
            self.supplier_box.setFocus()
            self.post_failed.emit(self.error_label.text())
            return
        lines, problems = self.receive_lines()
        if problems:
            self._say("\n".join(problems) + "\n" + self.tr("Nothing was posted."))
            self.post_failed.emit(self.error_label.text())
            return
        self.post_button.setEnabled(False)
        self.runner.submit(purchasing.receive, self.actor, supplier_id, lines,
                           self.order.number if self.order is not None else None, owner=self, name="receive",
                           on_done=self._posted, on_error=self._refused,
                           on_finally=lambda: self.post_button.setEnabled(True))

    def _refused(self, error: Exception) -> None:
        problems = getattr(error, "problems", None)
        text = "\n".join(problems.values()) if problems else str(error)
        self._say(text + "\n" + self.tr("Nothing was posted."))
        self.post_failed.emit(self.error_label.text())

    def _posted(self, result: Any) -> None:
        self.receipt = result
        accepted = sum(1 for line in result.lines if line.accepted)
        rejected = [line for line in result.lines if line.rejected]
        text = self.tr("Received as {number}: {lines} line(s), {accepted} with goods accepted into stock.").format(
            number=result.number, lines=len(result.lines), accepted=accepted)
        if rejected:
            text += " " + self.tr("{n} line(s) with goods in quarantine.").format(n=len(rejected))
        if result.order_number:
            status = {"received": self.tr("fully received"), "partly_received": self.tr("partly received")}.get(
                result.order_status, result.order_status)
            text += " " + self.tr("{order} is now {status}.").format(order=result.order_number, status=status)
            if result.still_outstanding:
                text += " " + self.tr("Still owed: {parts}.").format(parts=", ".join(
                    f"{line.part_number} × {format_quantity(line.outstanding, line.unit)}"
                    for line in result.still_outstanding))
        self.order = None
        self._rebuild([])
        set_note(self.note_label, text)
        self.labels_title.setText(self.tr("Print labels for what {number} received:").format(number=result.number))
        self._set_labels_enabled(accepted > 0)
        self.posted.emit(result)
        self.start()  # the orders' statuses changed

    # --- labels -------------------------------------------------------------------------------------

    def _set_labels_enabled(self, enabled: bool) -> None:
        for widget in (self.layout_box, self.preview_button, self.print_button, self.save_button):
            widget.setEnabled(enabled)

    def make_labels(self, mode: str) -> None:
        """Preview, print or save (``mode`` "preview", "print", "pdf") the labels of the last receipt."""
        if mode not in print_path.MODES:
            raise ValueError(f"mode must be one of {print_path.MODES}, not {mode!r}")
        if self.receipt is None:
            self._say(self.tr("Post a receipt first: its labels are printed from it."))
            return
        layout = label_layouts.layout_named(self.layout_box.currentData())
        self.runner.submit(receipt_labels_pdf, self.receipt.number, layout, owner=self, name="receipt_labels",
                           on_done=lambda made: self._labels_made(mode, layout, made),
                           on_error=lambda error: self._say(f"{error} " + self.tr("Nothing was printed.")))

    def _labels_made(self, mode: str, layout: label_layouts.LabelLayout, made: LabelsPdf) -> None:
        kind = "label" if layout.roll else "labelsheet"
        summary = self.tr("{labels} label(s) on {pages} page(s)").format(labels=made.labels, pages=made.pages)
        try:
            if mode == "preview":
                try:
                    printer = print_path.printer_for(kind)
                except print_path.PrinterError:
                    printer = None  # a preview needs no printer; its Print button asks the system
                self.preview = print_path.preview_pdf(self, made.pdf, printer,
                                                      title=self.tr("Labels of {number}").format(
                                                          number=self.receipt.number))
                set_note(self.note_label, summary)
                self.pdf_done.emit(mode, self.preview)
            elif mode == "print":
                pages = print_path.print_pdf(made.pdf, print_path.printer_for(kind))
                set_note(self.note_label, self.tr("Printed {summary}.").format(summary=summary))
                self.pdf_done.emit(mode, pages)
            else:
                path, _filter = QFileDialog.getSaveFileName(
                    self, self.tr("Save labels as PDF"), str(Path.home() / f"labels-{self.receipt.number}.pdf"),
                    self.tr("PDF files (*.pdf)"))
                if not path:
                    return
                if not path.lower().endswith(".pdf"):
                    path += ".pdf"
                try:
                    Path(path).write_bytes(made.pdf)
                except OSError as error:
                    self._say(self.tr("The labels were not saved to {path}: {error}.").format(
                        path=path, error=error.strerror or error))
                    return
                set_note(self.note_label, self.tr("Saved {summary} to {path}.").format(summary=summary, path=path))
                self.pdf_done.emit(mode, path)
        except (print_path.PrinterError, UserError) as error:
            self._say(self.tr("The labels were not printed: {error}").format(error=error))

    # --- keys ---------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            if watched is self.entry and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                    and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.enter_text()
                return True
            if watched is self.table and event.key() == Qt.Key.Key_Delete \
                    and self.table.state() != QAbstractItemView.State.EditingState:
                self.remove_current()
                return True
        return super().eventFilter(watched, event)
