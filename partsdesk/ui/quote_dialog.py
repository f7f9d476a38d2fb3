"""Quotes at the counter (F9 on the Counter tab).

- ``SaveQuoteDialog`` (F9 with a cart): the last valid day (the shop's default filled in), a
  note, and labour lines (what is done, hours, rate per hour; the shop's labour rate filled in).
  Enter saves through ``services.quotes.save_quote`` on the worker; a price below the cashier's
  floor asks a manager on this screen; the dialog closes and ``saved`` carries the
  ``QuoteResult`` only once the quote is committed (the tab then prints it).
- ``QuotesDialog`` (F9 with an empty cart): the quotes, newest first, searched by number,
  customer or part; a scanned QT barcode finds its quote and sells it. Enter sells the chosen
  quote (``chosen(QuoteForSale)``), Ctrl+P reprints it (``reprint_asked(number)``), and
  "Cancel quote" cancels it with a reason.
- ``QuotePriceDialog``: where a valid quote's price differs from today's, both prices per line;
  the cashier ticks the lines that keep the quoted price (all by default) and ``decided`` carries
  {line_no: keep quoted}.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
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

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import format_money, format_quantity, parse_money, parse_quantity
from partsdesk.domain.permissions import Actor, Approval
from partsdesk.services import quotes
from partsdesk.services.clock import shop_today
from partsdesk.services.quotes import LabourRequest, QuoteForSale, QuoteRow
from partsdesk.services.sale_documents import normalize_number
from partsdesk.services.sales import LineRequest
from partsdesk.ui.forms import FORM_STYLE, FieldErrors, FormDialog, error_label, set_note
from partsdesk.ui.search_dialog import SearchDialog
from partsdesk.ui.tasks import TaskRunner


def load_quote_defaults() -> tuple[date, int]:
    """On the worker: a new quote's last valid day and the shop's labour rate per hour."""
    return quotes.default_valid_until(), quotes.labour_rate()


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    return table


class SaveQuoteDialog(FormDialog):
    """F9 with a cart: save ``lines`` (for ``customer_id``) as a quote with labour lines."""

    permission = "counter.below_floor"

    def __init__(self, runner: TaskRunner, actor: Actor, *, lines: list[LineRequest], customer_id: int | None,
                 customer_name: str, exponent: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.lines = list(lines)
        self.customer_id = customer_id
        self.exponent = exponent
        self.default_rate: int | None = None
        self.setWindowTitle(self.tr("Save as quote (F9)"))
        self.save_button.setText(self.tr("Save quote (Enter)"))
        self.setMinimumWidth(640)
        who = customer_name or self.tr("Walk-in customer")
        self.form.addRow(self.tr("For"), QLabel(self.tr("{who} · {count} part line(s)").format(
            who=who, count=len(self.lines))))
        self.valid_until = QDateEdit()
        self.valid_until.setCalendarPopup(True)
        self.valid_until.setDisplayFormat("yyyy-MM-dd")
        self.field("valid_until", self.tr("&Valid until"), self.valid_until)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("e.g. parts on order: 2 days"))
        self.field("note", self.tr("&Note"), self.note)

        self.labour = _table([self.tr("Labour: what is done"), self.tr("Hours"), self.tr("Rate / h")])
        self.labour.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        header = self.labour.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.labour.setColumnWidth(1, 80)
        self.labour.setColumnWidth(2, 110)
        self.labour.setMinimumHeight(150)
        self.add_labour_button = QPushButton(self.tr("&Add labour (Ctrl+L)"))
        self.add_labour_button.setAutoDefault(False)
        self.add_labour_button.clicked.connect(self.add_labour)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.add_labour)
        self.remove_labour_button = QPushButton(self.tr("&Remove labour"))
        self.remove_labour_button.setAutoDefault(False)
        self.remove_labour_button.clicked.connect(self.remove_labour)
        self.labour_errors = error_label()
        self.errors.add("labour", self.labour, self.labour_errors)
        row = QHBoxLayout()
        row.addWidget(self.add_labour_button)
        row.addWidget(self.remove_labour_button)
        row.addStretch(1)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.labour)
        column.addLayout(row)
        column.addWidget(self.labour_errors)
        self.form.addRow(self.tr("Labour"), box)
        self.save_button.setEnabled(False)  # until the defaults are in
        self.runner.submit(load_quote_defaults, owner=self, name="quote_defaults", on_done=self._defaults,
                           on_error=self.errors.show_refused)
        self.note.setFocus()

    def _defaults(self, defaults: tuple[date, int]) -> None:
        valid_until, rate = defaults
        self.valid_until.setDate(QDate(valid_until.year, valid_until.month, valid_until.day))
        today = shop_today()
        self.valid_until.setMinimumDate(QDate(today.year, today.month, today.day))
        self.default_rate = rate
        self.save_button.setEnabled(True)

    def add_labour(self, description: str = "", hours: str = "1", rate: str | None = None) -> None:
        """A new labour line at the shop's rate (the description cell ready to type in)."""
        at = self.labour.rowCount()
        self.labour.insertRow(at)
        shown_rate = rate if rate is not None else (
            format_money(self.default_rate, exponent=self.exponent) if self.default_rate is not None else "")
        for column, text in enumerate((description, hours, shown_rate)):
            item = QTableWidgetItem(text)
            if column:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.labour.setItem(at, column, item)
        self.labour.setCurrentCell(at, 0)
        if not description:
            self.labour.setFocus()
            self.labour.editItem(self.labour.item(at, 0))

    def remove_labour(self) -> None:
        row = self.labour.currentRow()
        if 0 <= row < self.labour.rowCount():
            self.labour.removeRow(row)

    def labour_requests(self) -> list[LabourRequest]:
        """The labour table as requests; raises ``ValidationError`` naming the line for a number
        that cannot be read."""
        requests = []
        for row in range(self.labour.rowCount()):
            cells = [(self.labour.item(row, column).text() if self.labour.item(row, column) else "").strip()
                     for column in range(3)]
            if not any(cells):
                continue  # an empty row added by mistake
            where = self.tr("Labour line {n}").format(n=row + 1)
            try:
                hours = parse_quantity(cells[1], field=f"labour.{row}", label=where + self.tr(": hours"))
                rate = parse_money(cells[2], exponent=self.exponent, field=f"labour.{row}",
                                   label=where + self.tr(": rate")) if cells[2] else None
            except ValidationError as error:
                raise ValidationError({"labour": next(iter(error.problems.values()))}) from None
            requests.append(LabourRequest(cells[0], hours, rate))
        return requests

    def save(self, approval: Approval | None = None) -> None:
        try:
            labour = self.labour_requests()
        except ValidationError as error:
            self.errors.show_refused(error)
            return
        picked = self.valid_until.date()
        self.submit(quotes.save_quote, self.actor, self.lines, labour=labour, customer_id=self.customer_id,
                    valid_until=date(picked.year(), picked.month(), picked.day()), note=self.note.text(),
                    approvals={self.permission: approval} if approval else None, name="save_quote")

    def _refused(self, error: Exception) -> None:
        problems = getattr(error, "problems", None)
        if problems and any(key.startswith("labour.") for key in problems):  # a line's message under the table
            problems = {("labour" if key.startswith("labour.") else key): text for key, text in problems.items()}
            error = ValidationError(problems)
        super()._refused(error)

    def action_text(self) -> str:
        return self.tr("Quote a price below the cashier's gross-profit floor")


class QuotesDialog(SearchDialog):
    """F9 with an empty cart: find a quote to sell, reprint or cancel. Scanning a quote's barcode
    finds it and sells it at once."""

    chosen = Signal(object)  # QuoteForSale, after the dialog closed
    reprint_asked = Signal(str)  # the quote's number
    numeric_columns = (3,)
    stretch_column = 2

    def __init__(self, runner: TaskRunner, actor: Actor, *, exponent: int = 2, parent: QWidget | None = None) -> None:
        self.actor = actor
        self.exponent = exponent
        self._scanned = ""
        super().__init__(runner, [self.tr("Number"), self.tr("Date"), self.tr("Customer"), self.tr("Total"),
                                  self.tr("Valid until"), self.tr("State")], parent,
                         pick_text=self.tr("Sell (Enter)"), cancel_text=self.tr("Close (Esc)"))
        self.sell_button = self.pick_button
        self.setWindowTitle(self.tr("Quotes (F9)"))
        self.resize(820, 440)
        self.box.setPlaceholderText(self.tr("Quote number, customer or part number — or scan the quote's barcode"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Why is the quote cancelled? (Enter cancels it)"))
        self.reason.setVisible(False)
        self.reason.returnPressed.connect(self.cancel_selected)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self.errors.add("reason", self.reason)
        self.reprint_button = self.buttons.addButton(self.tr("Reprint (Ctrl+P)"),
                                                     QDialogButtonBox.ButtonRole.ActionRole)
        self.reprint_button.setAutoDefault(False)
        self.reprint_button.clicked.connect(self.reprint)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.reprint)
        self.cancel_quote_button = self.buttons.addButton(self.tr("Cancel quote… (Ctrl+D)"),
                                                          QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_quote_button.setAutoDefault(False)
        self.cancel_quote_button.clicked.connect(self.cancel_selected)
        QShortcut(QKeySequence("Ctrl+D"), self, activated=self.cancel_selected)
        layout = self.layout()
        layout.insertWidget(layout.indexOf(self.buttons), self.reason)
        layout.insertWidget(layout.indexOf(self.buttons), self.general)
        self.search_now()  # the latest quotes, before anything is typed

    # --- searching ------------------------------------------------------------------------------

    def _search(self, text: str) -> list[QuoteRow]:
        return quotes.find_quotes(self.actor, text)

    def _cells(self, row: QuoteRow) -> list[str]:
        states = {"valid": self.tr("Valid"), "expired": self.tr("Expired"), "converted": self.tr("Sold"),
                  "cancelled": self.tr("Cancelled")}
        return [row.number, f"{row.at:%Y-%m-%d}", row.customer_name or self.tr("Walk-in"),
                format_money(row.total, exponent=self.exponent), row.valid_until.isoformat(),
                states[row.state] + (f" → {row.converted_to}" if row.converted_to else "")]

    def _note_for(self, rows: list[QuoteRow]) -> str:
        return self.tr("{count} quote(s)").format(count=len(rows)) if rows else self.tr("No quote found.")

    def take_scan(self, code: str) -> None:
        """A scanned QT barcode: its quote is found and, when open, sold."""
        self._scanned = normalize_number(code)
        self.box.blockSignals(True)
        self.box.setText(code)
        self.box.blockSignals(False)
        self.search_now()

    def _listed(self) -> None:
        scanned, self._scanned = self._scanned, ""
        if scanned:
            match = next((row for row in self.rows if row.number == scanned), None)
            if match is None:
                set_note(self.note, self.tr("There is no quote {number}.").format(number=scanned), error=True)
            else:
                self.table.selectRow(self.rows.index(match))
                self.sell()

    def selected(self) -> QuoteRow | None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            return self.rows[row]
        set_note(self.note, self.tr("Choose a quote first."), error=True)
        return None

    # --- actions --------------------------------------------------------------------------------

    def sell(self) -> None:
        """Enter: load the chosen open quote into the cart (its prices as they stand today)."""
        self.pick()

    def _chosen(self, row: QuoteRow) -> None:
        self.errors.clear()
        self.runner.submit(quotes.quote_for_sale, self.actor, row.number, today=shop_today(), owner=self,
                           name="quote_for_sale", on_done=self._ready, on_error=self.errors.show_refused)

    def _ready(self, offer: QuoteForSale) -> None:
        self.accept()
        self.chosen.emit(offer)

    def reprint(self) -> None:
        row = self.selected()
        if row is not None:
            self.reprint_asked.emit(row.number)
            set_note(self.note, self.tr("Printing {number} (COPY)…").format(number=row.number))

    def cancel_selected(self) -> None:
        """Cancel the chosen quote: the first press asks the reason, Enter in it cancels."""
        row = self.selected()
        if row is None:
            return
        if not self.reason.isVisible():
            self.reason.setVisible(True)
            self.reason.setFocus()
            set_note(self.note, self.tr("Cancel {number}: say why, then Enter.").format(number=row.number))
            return
        self.errors.clear()
        self.runner.submit(quotes.cancel_quote, self.actor, row.number, self.reason.text(), owner=self,
                           name="cancel_quote", on_done=lambda _none: self._cancelled(row.number),
                           on_error=self.errors.show_refused)

    def _cancelled(self, number: str) -> None:
        self.reason.clear()
        self.reason.setVisible(False)
        self.search_now()
        set_note(self.note, self.tr("{number} is cancelled.").format(number=number))
        self.box.setFocus()


class QuotePriceDialog(QDialog):
    """Today's price differs from the quote's on some lines: both are shown and the cashier
    chooses per line (ticked: the quoted price; the quote holds it until it expires)."""

    decided = Signal(object, object)  # QuoteForSale, {line_no: True (quoted) / False (today's)}

    def __init__(self, offer: QuoteForSale, *, exponent: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offer = offer
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle(self.tr("Prices changed since quote {number}").format(number=offer.number))
        self.setMinimumWidth(700)
        intro = QLabel(self.tr("Today's price differs from the quote on these lines. The quote holds its price "
                               "until {day}: tick the lines the customer pays the quoted price for.").format(
            day=offer.valid_until.isoformat()))
        intro.setWordWrap(True)
        self.table = _table([self.tr("Part"), self.tr("Description"), self.tr("Qty"), self.tr("Quoted"),
                             self.tr("Today"), self.tr("Charge the quoted price")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.boxes: dict[int, QCheckBox] = {}
        for line in offer.changed:
            at = self.table.rowCount()
            self.table.insertRow(at)
            cells = (line.part_number, line.description, format_quantity(line.qty, line.unit),
                     format_money(line.price.quoted, exponent=exponent),
                     format_money(line.price.today, exponent=exponent))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(at, column, item)
            box = QCheckBox(self.tr("quoted"))
            box.setChecked(True)
            self.boxes[line.line_no] = box
            self.table.setCellWidget(at, 5, box)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("Load into the cart (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.decide)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def choices(self) -> dict[int, bool]:
        return {line_no: box.isChecked() for line_no, box in self.boxes.items()}

    def decide(self) -> None:
        self.accept()
        self.decided.emit(self.offer, self.choices())


__all__ = ["QuotePriceDialog", "QuotesDialog", "SaveQuoteDialog", "load_quote_defaults"]

