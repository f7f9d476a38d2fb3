"""F6 on the Counter tab: goods back against a receipt or invoice, and the credit note.

The cashier scans the barcode printed on the receipt or invoice (the Counter tab hands the scan
to ``take_scan`` while the dialog is open) or types its number, the customer's name or phone,
or a part number; the search (``services.returns.find_sales``) lists the sales newest first and
one found is opened at once. Each line of the sale shows what was sold, what earlier credit
notes took back and what is left; the cashier types how much comes back and ticks "Quarantine"
for a part to be checked (a warranty claim). A quantity above what is left is refused in its
field with the reason (``domain.pricing.check_return``, the rule the service applies), and the
return cannot be taken until it is corrected.

While the cashier types, ``services.returns.preview_return`` (on the worker, the latest answer
wins) shows the refund and how it goes back — the rules the return itself applies — and whether
a manager must approve. Enter takes the return through ``services.returns.take_return`` on the
worker; a refusal that needs a manager asks one on this screen (``ui.stepup``) and tries again
with the approval. Once the credit note is written the dialog closes and ``returned`` carries
the ``ReturnResult`` and the paper its credit note prints on (that of the sale); nothing is
shown as done before the service returned, and a refusal changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain import pricing
from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.money import format_money, format_quantity, parse_quantity
from partsdesk.domain.permissions import Actor, Approval
from partsdesk.domain.tender import METHOD_LABELS
from partsdesk.services import returns
from partsdesk.services.returns import FoundSale, ReturnableSale, ReturnLine, ReturnPreview, ReturnResult
from partsdesk.ui.forms import FORM_STYLE, FieldErrors, error_label, set_note
from partsdesk.ui.tasks import TaskRunner

PREVIEW_DEBOUNCE_MS = 150
FIND_LIMIT = 50


@dataclass(frozen=True)
class LoadedSale:
    """The sale opened for a return: its lines with what is left, and how the search lists it
    (its kind, the paper its credit note prints on, and the customer's name)."""

    sale: ReturnableSale
    found: FoundSale


def load_sale(actor: Actor, number: str) -> LoadedSale:
    """On the worker: the sale ``number`` with what may still be returned of each line."""
    sale = returns.returnable(actor, number)
    return LoadedSale(sale, returns.find_sales(actor, sale.number, limit=1)[0])


def local_time(at: datetime) -> str:
    """A stored (naive UTC) stamp as the shop's clock shows it."""
    return f"{at.replace(tzinfo=UTC).astimezone():%Y-%m-%d %H:%M}"


class ReturnDialog(QDialog):
    """Take goods back against one sale; ``returned(ReturnResult, kind)`` once the credit note is
    written (``kind``: "receipt" or "invoice", the paper of the sale), after the dialog closed.
    ``exponent``: the currency's decimals."""

    returned = Signal(object, str)
    sale_shown = Signal()  # a sale's lines were shown (tests wait for it)
    preview_shown = Signal()  # the refund was worked out for the lines as typed

    COLUMNS = ("line", "part", "sold", "returned", "left", "qty", "quarantine")

    def __init__(self, runner: TaskRunner, actor: Actor, *, exponent: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.exponent = exponent
        self.loaded: LoadedSale | None = None
        self.found: list[FoundSale] = []
        self.qty_inputs: list[QLineEdit] = []
        self.quarantine_boxes: list[QCheckBox] = []
        self.line_problems: dict[int, str] = {}  # row -> why its quantity is refused
        self.preview: ReturnPreview | None = None
        self._preview_asked = 0
        self._find_asked = 0
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle(self.tr("Return (F6)"))

        self.find_box = QLineEdit()
        self.find_box.setClearButtonEnabled(True)
        self.find_box.setPlaceholderText(self.tr("Scan the receipt or invoice — or type its number, the customer's "
                                                 "name or phone, or a part number, then Enter"))
        self.find_box.installEventFilter(self)
        self.find_note = QLabel()
        self.find_note.setWordWrap(True)

        self.results = QTableWidget(0, 5)
        self.results.setHorizontalHeaderLabels([self.tr("Number"), self.tr("Date"), self.tr("Customer"),
                                                self.tr("Total"), self.tr("Returnable")])
        self._plain_table(self.results)
        self.results.installEventFilter(self)
        self.results.doubleClicked.connect(lambda _index: self.open_selected())
        self.results.setVisible(False)

        self.sale_label = QLabel()
        self.sale_label.setWordWrap(True)
        self.sale_label.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.sale_label.font()
        bold.setBold(True)
        self.sale_label.setFont(bold)

        self.lines = QTableWidget(0, len(self.COLUMNS))
        self.lines.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Part"), self.tr("Sold"),
                                              self.tr("Returned"), self.tr("Left"), self.tr("Return"),
                                              self.tr("Quarantine")])
        self._plain_table(self.lines)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.lines.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((5, 100), (6, 130)):  # the inputs: wide enough for "1,000.5" and the box's words
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.lines.setColumnWidth(column, width)
        self.lines_note = error_label()

        self.reason = QComboBox()
        self.reason.addItem(self.tr("Choose the reason…"), "")
        words = self._reason_words()
        for code in returns.REASONS:
            self.reason.addItem(words.get(code) or self.tr(returns.REASONS[code]), code)
        self.reason.currentIndexChanged.connect(lambda _index: self.errors.clear())

        self.refund_label = QLabel()  # one line, never wrapped: the amount must read whole
        self.refund_label.setTextFormat(Qt.TextFormat.PlainText)
        refund_font = self.refund_label.font()
        refund_font.setBold(True)
        refund_font.setPointSizeF(refund_font.pointSizeF() * 1.3)
        self.refund_label.setFont(refund_font)
        # Wide enough for any amount: the figure does not clip or jump while the cashier types.
        self.refund_label.setMinimumWidth(QFontMetrics(refund_font).horizontalAdvance(
            self.tr("Refund {amount}").format(amount=self._money(10**9))))
        self.refund_how = QLabel()
        self.refund_how.setWordWrap(True)
        self.refund_how.setTextFormat(Qt.TextFormat.PlainText)
        self.manager_note = QLabel()
        self.manager_note.setWordWrap(True)
        self.manager_note.setTextFormat(Qt.TextFormat.PlainText)

        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        form.addRow(self.tr("&Reason"), self.reason)
        form.addRow("", self.errors.add("reason", self.reason))

        self.buttons = QDialogButtonBox()
        self.return_button = self.buttons.addButton(self.tr("Take back (Enter)"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.return_button.setDefault(True)
        self.return_button.setEnabled(False)
        self.buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.take_back)
        self.buttons.rejected.connect(self.reject)

        refund_row = QHBoxLayout()
        refund_row.addWidget(self.refund_label)
        refund_row.addWidget(self.refund_how, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.find_box)
        layout.addWidget(self.find_note)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.sale_label)
        layout.addWidget(self.lines, 2)
        layout.addWidget(self.lines_note)
        layout.addLayout(form)
        layout.addLayout(refund_row)
        layout.addWidget(self.manager_note)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DEBOUNCE_MS)
        self._preview_timer.timeout.connect(self.preview_now)
        self.resize(860, 560)
        self._show_refund(None)
        self.find_box.setFocus()

    def _reason_words(self) -> dict[str, str]:
        """The service's reason codes in words the translation can follow."""
        return {"warranty_repair": self.tr("Warranty: repair"), "warranty_replace": self.tr("Warranty: replace"),
                "warranty_refund": self.tr("Warranty: refund"), "wrong_part": self.tr("Wrong part"),
                "not_needed": self.tr("Not needed")}

    @staticmethod
    def _plain_table(table: QTableWidget) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)

    def _money(self, minor: int) -> str:
        return format_money(minor, exponent=self.exponent)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the search box searches, and in the list of sales opens the one chosen,
        instead of taking the return."""
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if watched is self.find_box:
                self.find()
                return True
            if watched is self.results:
                self.open_selected()
                return True
        return super().eventFilter(watched, event)

    # --- finding the sale ---------------------------------------------------------------------------

    def take_scan(self, code: str) -> None:
        """A receipt's or invoice's barcode scanned while the dialog is open: its sale is opened."""
        self.find_box.setText(code)
        self.find()

    def find(self) -> None:
        text = self.find_box.text().strip()
        if not text:
            set_note(self.find_note, self.tr("Scan the receipt or invoice, or type what to look for."), error=True)
            return
        self._find_asked += 1
        asked = self._find_asked
        set_note(self.find_note, self.tr("Looking for {text}…").format(text=text))
        self.runner.submit(returns.find_sales, self.actor, text, limit=FIND_LIMIT, owner=self, name="find_sales",
                           on_done=lambda rows: self._found(asked, text, rows),
                           on_error=lambda error: self._find_failed(asked, error))

    def _find_failed(self, asked: int, error: UserError) -> None:
        if asked == self._find_asked:
            set_note(self.find_note, str(error), error=True)

    def _found(self, asked: int, text: str, rows: list[FoundSale]) -> None:
        if asked != self._find_asked:
            return
        self.found = list(rows)
        if not rows:
            self.results.setVisible(False)
            set_note(self.find_note, self.tr("Nothing found for \u201c{text}\u201d: no invoice or receipt has that "
                                             "number, and no customer or part matches it.").format(text=text),
                     error=True)
            return
        if len(rows) == 1:
            self.results.setVisible(False)
            self.open_sale(rows[0].number)
            return
        self.results.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = [row.number, local_time(row.at), row.customer_name or self.tr("Walk-in"), self._money(row.total),
                     self.tr("yes") if row.returnable else self.tr("all returned")]
            for column, text_ in enumerate(cells):
                item = QTableWidgetItem(text_)
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.results.setItem(index, column, item)
        self.results.resizeColumnsToContents()
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.setVisible(True)
        self.results.selectRow(0)
        self.results.setFocus()
        set_note(self.find_note, self.tr("{count} sales found, newest first: choose one and press Enter.").format(
            count=len(rows)))

    def open_selected(self) -> None:
        row = self.results.currentRow()
        if 0 <= row < len(self.found):
            self.open_sale(self.found[row].number)

    def open_sale(self, number: str) -> None:
        """Show the lines of the sale ``number`` with what may still be returned."""
        self._find_asked += 1
        asked = self._find_asked
        self.runner.submit(load_sale, self.actor, number, owner=self, name="returnable",
                           on_done=lambda loaded: self._loaded(asked, loaded),
                           on_error=lambda error: self._find_failed(asked, error))

    def _loaded(self, asked: int, loaded: LoadedSale) -> None:
        if asked != self._find_asked:
            return
        self.loaded = loaded
        sale, found = loaded.sale, loaded.found
        self.results.setVisible(False)
        self.errors.clear()
        set_note(self.find_note, "")
        self.sale_label.setText(self.tr("{number} · {date} · {customer} · total {total} · {days} day(s) ago").format(
            number=sale.number, date=local_time(sale.at), customer=found.customer_name or self.tr("Walk-in"),
            total=self._money(sale.total), days=sale.days_ago))
        self.line_problems = {}
        self.qty_inputs, self.quarantine_boxes = [], []
        self.lines.setRowCount(len(sale.lines))
        for row, line in enumerate(sale.lines):
            part = line.description if line.core_of_line is None else self.tr("{what} (core deposit of line "
                                                                             "{line})").format(
                what=line.description, line=line.core_of_line)
            for column, text in ((0, str(line.line_no)), (1, part), (2, format_quantity(line.sold, line.unit)),
                                 (3, format_quantity(line.returned, line.unit)),
                                 (4, format_quantity(line.left, line.unit))):
                item = QTableWidgetItem(text)
                if column != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.lines.setItem(row, column, item)
            qty = QLineEdit()
            qty.setAlignment(Qt.AlignmentFlag.AlignRight)
            qty.setPlaceholderText("0")
            qty.setAccessibleName(self.tr("Quantity to return of line {line}").format(line=line.line_no))
            qty.setEnabled(line.left > 0)
            qty.textChanged.connect(lambda _text, at=row: self._qty_changed(at))
            quarantine = QCheckBox(self.tr("to quarantine"))
            quarantine.setEnabled(line.left > 0 and line.part_id is not None)
            quarantine.setToolTip(self.tr("A part to be checked (a warranty claim) goes to the quarantine location, "
                                          "not back on the shelf."))
            self.lines.setCellWidget(row, 5, qty)
            self.lines.setCellWidget(row, 6, quarantine)
            self.qty_inputs.append(qty)
            self.quarantine_boxes.append(quarantine)
        self._show_line_problems()
        self._show_refund(None)
        open_lines = [index for index, line in enumerate(sale.lines) if line.left > 0]
        self.return_button.setEnabled(bool(open_lines))
        if open_lines:
            self.qty_inputs[open_lines[0]].setFocus()
        else:
            self.errors.show_message(self.tr("Everything sold on {number} was returned already: there is nothing "
                                             "left to take back.").format(number=sale.number))
        self.sale_shown.emit()

    # --- the lines ------------------------------------------------------------------------------------

    def _qty_changed(self, row: int) -> None:
        """Check the quantity typed on line ``row`` at once; a refused one says why in red."""
        if self.loaded is None:
            return
        line = self.loaded.sale.lines[row]
        text = self.qty_inputs[row].text().strip()
        problem = ""
        if text:
            try:
                qty = parse_quantity(text, field="qty", label=self.tr("Quantity to return"))
                if qty:
                    pricing.check_return(qty, line.sold, line.returned, unit=line.unit)
            except ValidationError as error:
                problem = next(iter(error.problems.values()))
        if problem:
            self.line_problems[row] = self.tr("Line {line} ({part}): {problem}").format(
                line=line.line_no, part=line.description, problem=problem)
        else:
            self.line_problems.pop(row, None)
        self._show_line_problems()
        self.general.setVisible(False)
        self._preview_timer.start()

    def _show_line_problems(self) -> None:
        for row, edit in enumerate(self.qty_inputs):
            edit.setProperty("invalid", row in self.line_problems)
            edit.style().unpolish(edit)
            edit.style().polish(edit)
        text = "\n".join(self.line_problems[row] for row in sorted(self.line_problems))
        self.lines_note.setText(text)
        self.lines_note.setVisible(bool(text))

    def return_lines(self) -> list[ReturnLine]:
        """The lines as typed that may be returned (a refused or empty quantity is left out)."""
        if self.loaded is None:
            return []
        wanted = []
        for row, line in enumerate(self.loaded.sale.lines):
            text = self.qty_inputs[row].text().strip()
            if not text or row in self.line_problems:
                continue
            try:
                qty = parse_quantity(text)
            except ValidationError:
                continue
            if qty > 0:
                wanted.append(ReturnLine(line.line_no, qty, self.quarantine_boxes[row].isChecked()))
        return wanted

    # --- the refund -------------------------------------------------------------------------------------

    def preview_now(self) -> None:
        self._preview_timer.stop()
        if self.loaded is None:
            return
        self._preview_asked += 1
        asked = self._preview_asked
        lines = self.return_lines()
        self.runner.submit(returns.preview_return, self.actor, self.loaded.sale.number, lines, owner=self,
                           name="preview_return", on_done=lambda preview: self._previewed(asked, preview),
                           on_error=lambda error: self._preview_failed(asked, error))

    def _previewed(self, asked: int, preview: ReturnPreview) -> None:
        if asked == self._preview_asked:
            self._show_refund(preview)
            self.preview_shown.emit()

    def _preview_failed(self, asked: int, error: UserError) -> None:
        if asked == self._preview_asked:
            self._show_refund(None)
            problems = getattr(error, "problems", None)
            set_note(self.refund_how, "\n".join(problems.values()) if problems else str(error), error=True)

    def refund_words(self, preview: ReturnPreview) -> str:
        """How the refund goes back, in words: "Card T-77 63.00 · Cash 50.00"."""
        parts = []
        for refund in preview.refunds:
            label = self.tr(METHOD_LABELS.get(refund.method, refund.method))
            if refund.method == "on_account":
                label = self.tr("Credited to the account")
            elif refund.method == "prepaid":
                label = self.tr("Back onto the prepaid balance")
            elif refund.method == "points":
                label = self.tr("Back as points")
            elif refund.reference:
                label = f"{label} {refund.reference}"
            parts.append(f"{label} {self._money(refund.amount)}")
        return " · ".join(parts)

    def _show_refund(self, preview: ReturnPreview | None) -> None:
        self.preview = preview
        total = preview.total if preview else 0
        self.refund_label.setText(self.tr("Refund {amount}").format(amount=self._money(total)))
        set_note(self.refund_how, self.refund_words(preview) if preview and preview.refunds else "")
        if preview and preview.manager_reasons:
            set_note(self.manager_note, self.tr("A manager approves this return: {why}.").format(
                why="; ".join(preview.manager_reasons)), error=True)
        else:
            set_note(self.manager_note, "")

    # --- taking it back ---------------------------------------------------------------------------------

    def take_back(self, approval: Approval | None = None) -> None:
        """Enter: write the credit note, unless something typed is refused or missing."""
        if self.loaded is None:
            set_note(self.find_note, self.tr("Scan the receipt or invoice first, or find the sale."), error=True)
            self.find_box.setFocus()
            return
        if self.line_problems:
            self._show_line_problems()
            self.errors.show_message(self.tr("Not taken back: correct the quantities marked in red."))
            return
        lines = self.return_lines()
        problems = {}
        if not lines:
            problems["lines"] = self.tr("Type the quantity that comes back on at least one line.")
        reason = self.reason.currentData()
        if not reason:
            problems["reason"] = self.tr("Choose the reason for the return.")
        if problems:
            self.errors.show(problems)
            if "lines" in problems:
                next((edit for edit in self.qty_inputs if edit.isEnabled()), self.find_box).setFocus()
            return
        self.return_button.setEnabled(False)
        number = self.loaded.sale.number
        self.runner.submit(returns.take_return, self.actor, number, lines, reason=reason, approval=approval,
                           owner=self, name="take_return", on_done=self._taken,
                           on_error=self._refused,
                           on_finally=lambda: self.return_button.setEnabled(True))

    def _taken(self, result: ReturnResult) -> None:
        kind = self.loaded.found.kind if self.loaded else "receipt"
        self.accept()
        self.returned.emit(result, kind)

    def _refused(self, error: UserError) -> None:
        if isinstance(error, PermissionDenied):
            from partsdesk.ui import stepup  # looked up when used: tests replace ask_approval

            total = self._money(self.preview.total) if self.preview else ""
            approval = stepup.ask_approval(self, self.actor, error.permission, self.tr(
                "take back goods worth {total} against {number}: {why}").format(
                total=total, number=self.loaded.sale.number if self.loaded else "", why=error), runner=self.runner)
            if approval is not None:
                QTimer.singleShot(0, self, lambda: self.take_back(approval))  # after this attempt has finished
                return
            self.errors.show_message(self.tr("Not taken back: a manager did not approve it. {error}").format(
                error=error))
            return
        problems = getattr(error, "problems", None)
        if problems:
            self.errors.show(problems, general=self.tr("Not taken back:"))
        else:
            self.errors.show_message(self.tr("Not taken back: {error}").format(error=error))
