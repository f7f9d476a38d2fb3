"""The workshop reports on screen and on paper (``services.workshop_reports``): technician
productivity, time in each status with the orders in each status now, the authorization rate, and
the workshop's revenue by labour, parts, sublet and other — a tab each, for a range of days (this
month at first).

The report runs on the worker with a busy bar; the PDF (``printing.workshop_reports``) is made on
the worker from the report on screen — what is printed is what was looked at — and previewed,
printed on the A4 printer ("invoice") or saved, through ``ui.print_path``. What technicians earn
the shop is a manager's business: the view needs ``workshop.setup`` (the managers' workshop
permission); without it the view says so and runs nothing.
"""

from __future__ import annotations

import calendar
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import UserError
from partsdesk.domain.money import CURRENCIES, format_money
from partsdesk.domain.permissions import Actor
from partsdesk.printing.workshop_reports import hours_text, rate_text, write_workshop_report
from partsdesk.services import workshop_reports
from partsdesk.services.clock import shop_today
from partsdesk.services.workshop_reports import WorkshopReport
from partsdesk.ui import print_path
from partsdesk.ui.forms import key_button, set_note
from partsdesk.ui.tasks import TaskRunner

PERMISSION = workshop_reports.PERMISSION


def report_pdf(report: WorkshopReport) -> bytes:
    """The A4 workshop report of ``report`` as PDF bytes (on the worker)."""
    out = BytesIO()
    write_workshop_report(report, out)
    return out.getvalue()


def this_month(today: date) -> tuple[date, date]:
    """The first and last day of ``today``'s month: the view's range at first."""
    return today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1])


def _table(headers: list[str], numeric: set[int], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setMinimumSectionSize(72)  # figures get room, not just the names
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)  # the words
    table._numeric = numeric  # columns aligned right
    return table


def _fill(table: QTableWidget, rows: list[list[str]], *, bold_last: bool = False) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c in table._numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if bold_last and r == len(rows) - 1:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            table.setItem(r, c, item)


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(day))
    return edit


class WorkshopReportsView(QWidget):
    """The range (From, To), Refresh (F5), the four reports in tabs, and the report as PDF:
    Preview (Ctrl+Shift+P, the dialog announced by ``dialog_opened``), Print (Ctrl+P), Save as PDF
    (Ctrl+S). The host calls ``start()`` when first shown and ``set_actor`` when the user changes."""

    dialog_opened = Signal(object)  # the print preview
    report_shown = Signal(object)  # the WorkshopReport now on screen
    printed = Signal(int)  # pages
    pdf_saved = Signal(str)  # the path

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.report: WorkshopReport | None = None
        self.dialog: Any = None
        self.allowed = actor.can(PERMISSION)

        first, last = this_month(shop_today())
        self.start_date = _date_edit(first)
        self.end_date = _date_edit(last)
        start_label = QLabel(self.tr("&From"))
        start_label.setBuddy(self.start_date)
        end_label = QLabel(self.tr("&To"))
        end_label.setBuddy(self.end_date)
        self.refresh_button = key_button(self, self.tr("F5 Refresh"), "F5", self.refresh,
                                         self.tr("Run the reports for the days chosen"))
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # a busy bar: the report runs on the worker
        self.busy.setMaximumWidth(140)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.preview_button = key_button(self, self.tr("Ctrl+Shift+P Preview"), "Ctrl+Shift+P",
                                         lambda: self.pdf("preview"), self.tr("See the report as it prints"))
        self.print_button = key_button(self, self.tr("Ctrl+P Print"), "Ctrl+P", lambda: self.pdf("print"),
                                       self.tr("Print the report on the A4 printer"))
        self.save_button = key_button(self, self.tr("Ctrl+S Save as PDF"), "Ctrl+S", lambda: self.pdf("save"),
                                      self.tr("Save the report as a PDF file"))

        for label in (start_label, end_label):  # a mnemonic label may be given less than its text needs
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(label.text().replace("&", "")) + 6)
        top = QHBoxLayout()
        top.addWidget(start_label)
        top.addWidget(self.start_date)
        top.addSpacing(8)
        top.addWidget(end_label)
        top.addWidget(self.end_date)
        top.addSpacing(8)
        top.addWidget(self.refresh_button)
        top.addWidget(self.busy)
        top.addStretch(1)
        paper = QHBoxLayout()  # a row of its own, so the view fits a small screen
        paper.addStretch(1)
        for button in (self.preview_button, self.print_button, self.save_button):
            paper.addWidget(button)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()

        self.technicians = _table([self.tr("Technician"), self.tr("Lines"), self.tr("Book h"), self.tr("Clocked h"),
                                   self.tr("Efficiency"), self.tr("Comebacks"), self.tr("Comeback rate")],
                                  {1, 2, 3, 4, 5, 6}, 0)
        self.status_times = _table([self.tr("Status"), self.tr("Orders"), self.tr("Average h"), self.tr("Median h")],
                                   {1, 2, 3}, 0)
        self.status_counts = _table([self.tr("Status now"), self.tr("Orders")], {1}, 0)
        self.authorizations = _table([self.tr("How"), self.tr("Lines"), self.tr("Value"), self.tr("Approved"),
                                      self.tr("Value approved"), self.tr("Declined"), self.tr("Value declined"),
                                      self.tr("Rate (lines)"), self.tr("Rate (value)")], set(range(1, 9)), 0)
        self.revenue = _table([self.tr("Kind"), self.tr("Lines"), self.tr("Net"), self.tr("Tax"), self.tr("Total")],
                              {1, 2, 3, 4}, 0)
        self.technicians_note = QLabel(self.tr(
            "Labour of the orders delivered in the period. Efficiency is book hours ÷ clocked hours; the comeback "
            "rate is the share of the lines a later order linked back to as a comeback."))
        self.status_note = QLabel(self.tr(
            "Orders checked in in the period: a status lasts until the order's next one, the current one until "
            "now. On the right, every order by its status now."))
        self.authorization_note = QLabel()
        self.revenue_note = QLabel()
        for label in (self.technicians_note, self.status_note, self.authorization_note, self.revenue_note):
            label.setWordWrap(True)

        def page(*parts: QWidget | QHBoxLayout) -> QWidget:
            holder = QWidget()
            box = QVBoxLayout(holder)
            for part in parts:
                if isinstance(part, QHBoxLayout):
                    box.addLayout(part, 1)
                else:
                    box.addWidget(part, 1 if isinstance(part, QTableWidget) else 0)
            return holder

        statuses = QHBoxLayout()
        statuses.addWidget(self.status_times, 3)
        statuses.addWidget(self.status_counts, 2)
        self.tabs = QTabWidget()
        self.tabs.addTab(page(self.technicians, self.technicians_note), self.tr("Technician productivity"))
        self.tabs.addTab(page(statuses, self.status_note), self.tr("Time in status"))
        self.tabs.addTab(page(self.authorizations, self.authorization_note), self.tr("Authorization rate"))
        self.tabs.addTab(page(self.revenue, self.revenue_note), self.tr("Revenue"))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(paper)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self.setFocusProxy(self.start_date)
        self.set_actor(actor)

    # --- the host's hooks ------------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        """Another user at the keyboard: the reports are for ``workshop.setup`` (managers); a user
        without it does not keep seeing the figures the last one ran."""
        self.actor = actor
        self.allowed = actor.can(PERMISSION)
        for widget in (self.start_date, self.end_date):
            widget.setEnabled(self.allowed)
        if not self.allowed:
            self.report = None
            for table in (self.technicians, self.status_times, self.status_counts, self.authorizations, self.revenue):
                table.setRowCount(0)
            for label in (self.summary, self.authorization_note, self.revenue_note):
                label.clear()
            self._note(self.tr("The workshop reports are for managers: ask one to open them."), error=True)
        elif self.message.text() and not self.busy.isVisible():
            self._note("")
        self._update_buttons()

    def start(self) -> None:
        """First shown: run the reports for this month."""
        self.refresh()
        self.start_date.setFocus()

    # --- state ----------------------------------------------------------------------------------

    def _note(self, text: str, *, error: bool = False) -> None:
        set_note(self.message, text, error=error)
        self.message.setVisible(bool(text))

    def _update_buttons(self) -> None:
        idle = not self.busy.isVisible()
        ready = self.allowed and self.report is not None and idle
        for button in (self.preview_button, self.print_button, self.save_button):
            button.setEnabled(ready)
        self.refresh_button.setEnabled(self.allowed and idle)

    def _busy(self, on: bool) -> None:
        self.busy.setVisible(on)
        self._update_buttons()

    def _error(self, error: UserError) -> None:
        self._note(str(error), error=True)

    # --- the report -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Run the four reports for the days chosen, on the worker."""
        if not self.allowed or self.busy.isVisible():
            return
        start: date = self.start_date.date().toPython()
        end: date = self.end_date.date().toPython()
        self._note(self.tr("Running the workshop reports…"))
        self._busy(True)
        self.runner.submit(workshop_reports.workshop_report, self.actor, start=start, end=end, owner=self,
                           name="workshop_reports", on_done=self._show, on_error=self._error,
                           on_finally=lambda: self._busy(False))

    def _show(self, report: WorkshopReport) -> None:
        if not self.allowed:  # the user changed while it ran
            return
        self.report = report
        cur = report.currency
        exponent, _symbol = CURRENCIES.get(cur, (2, ""))

        def money(minor: int) -> str:
            return format_money(minor, exponent=exponent)

        everyone = report.technician_total
        _fill(self.technicians, [
            [self.tr("All") if t is everyone else t.name, f"{t.lines:,}", hours_text(t.book_hours),
             hours_text(t.actual_hours), rate_text(t.efficiency), f"{t.comebacks:,}", rate_text(t.comeback_rate)]
            for t in ((*report.technicians, everyone) if report.technicians else ())], bold_last=True)
        _fill(self.status_times, [[self.tr(s.label), f"{s.orders:,}", hours_text(s.average_hours),
                                   hours_text(s.median_hours)] for s in report.status_times])
        _fill(self.status_counts, [[self.tr(c.label), f"{c.orders:,}"] for c in report.status_counts])
        _fill(self.authorizations, [
            [self.tr(a.label), f"{a.offered:,}", money(a.offered_value), f"{a.approved:,}", money(a.approved_value),
             f"{a.declined:,}", money(a.declined_value), rate_text(a.approval_rate), rate_text(a.value_rate)]
            for a in (*report.authorizations, report.authorization_total)], bold_last=True)
        _fill(self.revenue, [[self.tr(r.label), f"{r.lines:,}", money(r.net), money(r.tax), money(r.gross)]
                             for r in (*report.revenue, report.revenue_total)], bold_last=True)
        self.authorization_note.setText(self.tr(
            "Lines of the orders checked in in the period, each once, by the customer's latest answer (values in "
            "{cur}). Lines that needed re-authorization (approved again after a change): {count}.").format(
            cur=cur, count=report.reauthorized))
        w = report.warranty
        self.revenue_note.setText(self.tr(
            "Invoices of the orders delivered in the period, in {cur}. Warranty work at no charge (not in the "
            "revenue): {lines} line(s), {hours} h of labour, parts at cost {cost}.").format(
            cur=cur, lines=w.lines, hours=hours_text(w.labour_hours), cost=money(w.parts_cost)))
        total = report.revenue_total
        self.summary.setText(self.tr(
            "{start} to {end}: {delivered} orders delivered, {checked_in} checked in; workshop revenue {gross} {cur} "
            "({net} net).").format(start=report.start.isoformat(), end=report.end.isoformat(),
                                   delivered=report.orders_delivered, checked_in=report.orders_checked_in,
                                   gross=money(total.gross), net=money(total.net), cur=cur))
        self._note("" if report.technicians or report.status_times else
                   self.tr("No order was checked in or delivered in these days."))
        self._update_buttons()
        self.report_shown.emit(report)

    # --- the PDF --------------------------------------------------------------------------------

    def pdf(self, mode: str) -> None:
        """``mode`` "preview", "print" or "save": the report on screen as PDF, made on the worker."""
        if self.report is None or not self.allowed or self.busy.isVisible():
            return
        report = self.report
        path = ""
        if mode == "save":
            suggested = str(Path.home() / f"workshop-report-{report.start.isoformat()}-{report.end.isoformat()}.pdf")
            path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the workshop report as PDF"), suggested,
                                                        self.tr("PDF files (*.pdf)"))
            if not path:
                return
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
        self._note(self.tr("Making the PDF…"))
        self._busy(True)
        self.runner.submit(report_pdf, report, owner=self, name="workshop_reports_pdf",
                           on_done=lambda pdf: self._pdf_made(mode, pdf, path, report), on_error=self._error,
                           on_finally=lambda: self._busy(False))

    def _pdf_made(self, mode: str, pdf: bytes, path: str, report: WorkshopReport) -> None:
        title = self.tr("Workshop report {start} to {end}").format(start=report.start.isoformat(),
                                                                   end=report.end.isoformat())
        done = print_path.output_report(self, pdf, mode, path, title=title, what=self.tr("workshop report"),
                                        hint=self.tr("Print it again from the workshop reports (Ctrl+P)."))
        self._note(done.message, error=done.error)
        if done.preview is not None:
            self.dialog = done.preview
            self.dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
            self.dialog_opened.emit(self.dialog)
        elif done.pages:
            self.printed.emit(done.pages)
        elif done.path:
            self.pdf_saved.emit(done.path)

__all__ = ["WorkshopReportsView", "report_pdf", "this_month"]
