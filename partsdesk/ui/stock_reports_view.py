"""The stock report on screen and on paper: valuation by category, the ABC summary, dead stock
and slow movers (``services.stock_reports``), each section a table of its own.

The report is one grouped query per section over the whole catalogue: it runs on the worker with a
busy bar, the window stays usable. The PDF (``printing.stock_reports``) is made on the worker from
the report on screen — what is printed is what was looked at — and previewed, printed on the A4
printer ("invoice") or saved through ``ui.print_path``. Values are at cost: the view needs
``catalog.view_cost``; without it the view says so and runs nothing.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import UserError
from partsdesk.domain.money import format_money, format_quantity
from partsdesk.domain.permissions import Actor
from partsdesk.printing.stock_reports import write_stock_report
from partsdesk.services import stock_reports
from partsdesk.services.clock import now
from partsdesk.services.stock_reports import IdleLine, StockReport
from partsdesk.ui import print_path
from partsdesk.ui.forms import set_note
from partsdesk.ui.tasks import TaskRunner

PERMISSION = "catalog.view_cost"


def report_pdf(report: StockReport) -> bytes:
    """The A4 stock report of ``report`` as PDF bytes (on the worker)."""
    out = BytesIO()
    write_stock_report(report, out)
    return out.getvalue()


def _table(headers: list[str], numeric: set[int], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)  # the words, not a figure
    table._numeric = numeric  # columns aligned right
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c in table._numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class StockReportsView(QWidget):
    """Parameters (months for dead stock, the as-of day), Run (F5), the sections in tabs, and the
    report as PDF: Preview (Ctrl+Shift+P), Print (Ctrl+P), Save as PDF (Ctrl+S)."""

    report_shown = Signal(object)  # the StockReport now on screen
    preview_opened = Signal(object)  # the preview dialog
    printed = Signal(int)  # pages
    pdf_saved = Signal(str)  # the path

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.report: StockReport | None = None
        self.allowed = actor.can(PERMISSION)

        self.months = QSpinBox()
        self.months.setRange(1, stock_reports.MONTHS_MAX)
        self.months.setValue(12)
        self.months.setSuffix(self.tr(" months"))
        self.as_of = QDateEdit()
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setDate(QDate(now().date()))
        months_label = QLabel(self.tr("Dead stock: no sale in the last"))
        months_label.setBuddy(self.months)
        as_of_label = QLabel(self.tr("&As of"))
        as_of_label.setBuddy(self.as_of)
        self.run_button = QPushButton(self.tr("&Run (F5)"))
        self.run_button.clicked.connect(self.run)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # a busy bar: the report runs on the worker
        self.busy.setMaximumWidth(140)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.preview_button = QPushButton(self.tr("Pre&view (Ctrl+Shift+P)"))
        self.preview_button.clicked.connect(lambda: self.pdf("preview"))
        self.print_button = QPushButton(self.tr("&Print (Ctrl+P)"))
        self.print_button.clicked.connect(lambda: self.pdf("print"))
        self.save_button = QPushButton(self.tr("&Save as PDF (Ctrl+S)"))
        self.save_button.clicked.connect(lambda: self.pdf("save"))

        top = QHBoxLayout()
        top.addWidget(as_of_label)
        top.addWidget(self.as_of)
        top.addSpacing(12)
        top.addWidget(months_label)
        top.addWidget(self.months)
        top.addWidget(self.run_button)
        top.addWidget(self.busy)
        top.addStretch(1)
        paper = QHBoxLayout()  # a row of its own, so the view fits a small screen
        paper.addStretch(1)
        paper.addWidget(self.preview_button)
        paper.addWidget(self.print_button)
        paper.addWidget(self.save_button)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()

        self.categories = _table([self.tr("Code"), self.tr("Category"), self.tr("Parts in stock"),
                                  self.tr("Value at cost")], {2, 3}, 1)
        self.classes = _table([self.tr("Class"), self.tr("Parts"), self.tr("Stock value"),
                               self.tr("12 months' consumption")], {1, 2, 3}, 0)
        idle = [self.tr("Bin"), self.tr("Part no."), self.tr("Brand"), self.tr("Description"), self.tr("On hand"),
                self.tr("Value at cost"), self.tr("Last sold")]
        self.dead = _table([*idle, self.tr("Sold")], {4, 5, 7}, 3)
        self.slow = _table([*idle, self.tr("Months of stock")], {4, 5, 7}, 3)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.categories, self.tr("Valuation by category"))
        self.tabs.addTab(self.classes, self.tr("ABC summary"))
        self.tabs.addTab(self.dead, self.tr("Dead stock"))
        self.tabs.addTab(self.slow, self.tr("Slow movers"))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(paper)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

        for keys, action in (("F5", self.run), ("Ctrl+Shift+P", lambda: self.pdf("preview")),
                             ("Ctrl+P", lambda: self.pdf("print")), ("Ctrl+S", lambda: self.pdf("save"))):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
        if not self.allowed:
            for widget in (self.months, self.as_of, self.run_button):
                widget.setEnabled(False)
            self._note(self.tr("The stock report shows values at cost: your role may not see cost prices. Ask a "
                               "manager or the storekeeper."), error=True)
        self._update_buttons()

    def set_actor(self, actor: Actor) -> None:
        """Another user at the keyboard: the report's values at cost are for ``catalog.view_cost``."""
        self.actor = actor
        self.allowed = actor.can("catalog.view_cost")
        for widget in (self.months, self.as_of):
            widget.setEnabled(self.allowed)
        self._update_buttons()

    # --- state ----------------------------------------------------------------------------------

    def _note(self, text: str, *, error: bool = False) -> None:
        set_note(self.message, text, error=error)
        self.message.setVisible(bool(text))

    def _update_buttons(self) -> None:
        ready = self.allowed and self.report is not None and not self.busy.isVisible()
        for button in (self.preview_button, self.print_button, self.save_button):
            button.setEnabled(ready)
        self.run_button.setEnabled(self.allowed and not self.busy.isVisible())

    def _busy(self, on: bool) -> None:
        self.busy.setVisible(on)
        self._update_buttons()

    def _error(self, error: UserError) -> None:
        self._note(str(error), error=True)

    # --- the report -----------------------------------------------------------------------------

    def run(self) -> None:
        """Run the report for the parameters on the worker."""
        if not self.allowed or self.busy.isVisible():
            return
        as_of: date = self.as_of.date().toPython()
        if as_of > now().date():
            self._note(self.tr("The report's day cannot be in the future: choose today or an earlier day."),
                       error=True)
            return
        self._note(self.tr("Running the stock report…"))
        self._busy(True)
        self.runner.submit(stock_reports.stock_report, self.actor, as_of=as_of, months=self.months.value(),
                           owner=self, name="stock_report", on_done=self._show, on_error=self._error,
                           on_finally=lambda: self._busy(False))

    def _show(self, report: StockReport) -> None:
        self.report = report
        cur = report.currency
        money = lambda minor: format_money(minor)  # noqa: E731 (the currency is in the headings)
        _fill(self.categories, [[c.code, c.name, f"{c.parts:,}", money(c.value)] for c in report.by_category])
        _fill(self.classes, [[c.abc_class, f"{c.parts:,}", money(c.stock_value), money(c.consumption_value)]
                             for c in report.classes])
        _fill(self.dead, [self._idle_row(line, slow=False) for line in report.dead])
        _fill(self.slow, [self._idle_row(line, slow=True) for line in report.slow])
        self.summary.setText(self.tr(
            "Stock as of {day} worth {total} {cur} at cost in {categories} categories; dead stock (no sale in {months} "
            "months): {dead} parts worth {dead_value} {cur}; slow movers: {slow} parts.").format(
            day=report.as_of.isoformat(), total=money(report.total_value), cur=cur,
            categories=len(report.by_category), months=report.months, dead=len(report.dead),
            dead_value=money(report.dead_value), slow=len(report.slow)))
        self._note("")
        self._update_buttons()
        self.report_shown.emit(report)

    def _idle_row(self, line: IdleLine, *, slow: bool) -> list[str]:
        last = line.last_sold.date().isoformat() if line.last_sold else self.tr("never")
        pace = ((str(line.months_of_stock) if line.months_of_stock is not None else "—") if slow
                else format_quantity(line.sold, line.unit))
        return [line.bin, line.part_number, line.brand, line.description, format_quantity(line.on_hand, line.unit),
                format_money(line.value), last, pace]

    # --- the PDF --------------------------------------------------------------------------------

    def pdf(self, mode: str) -> None:
        """``mode`` "preview", "print" or "save": the report on screen as PDF, made on the worker."""
        if self.report is None or not self.allowed:
            return
        report = self.report
        path = ""
        if mode == "save":
            suggested = str(Path.home() / f"stock-report-{report.as_of.isoformat()}.pdf")
            path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the stock report as PDF"), suggested,
                                                        self.tr("PDF files (*.pdf)"))
            if not path:
                return
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
        self._note(self.tr("Making the PDF…"))
        self._busy(True)
        self.runner.submit(report_pdf, report, owner=self, name="stock_report_pdf",
                           on_done=lambda pdf: self._pdf_made(mode, pdf, path), on_error=self._error,
                           on_finally=lambda: self._busy(False))

    def _pdf_made(self, mode: str, pdf: bytes, path: str) -> None:
        title = self.tr("Stock report {day}").format(day=self.report.as_of.isoformat() if self.report else "")
        done = print_path.output_report(self, pdf, mode, path, title=title, what=self.tr("stock report"),
                                        hint=self.tr("Print it again from the stock report (Ctrl+P)."))
        self._note(done.message, error=done.error)
        if done.preview is not None:
            self.preview_opened.emit(done.preview)
        elif done.pages:
            self.printed.emit(done.pages)
        elif done.path:
            self.pdf_saved.emit(done.path)

__all__ = ["StockReportsView", "report_pdf"]
