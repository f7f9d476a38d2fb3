"""The complaints register: every complaint, newest first, with filters (status, overdue only,
category, text), overdue ones in red; handle one in the same dialog the customer view uses; and
the complaints report as a PDF for a period, written on the worker thread.

Keys: the search box has the focus; Enter on a row or Alt+H handles the complaint, Alt+P writes
the report, Esc closes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TR_NOOP, QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partsdesk import i18n
from partsdesk.domain.complaints import STATUS_LABELS, STATUSES
from partsdesk.domain.errors import UserError
from partsdesk.domain.permissions import Actor
from partsdesk.ui.customer_complaints import (
    ComplaintDialog,
    complaints_table,
    fill_complaints_table,
    selected_complaint,
)
from partsdesk.ui.forms import set_note, show_window_modal
from partsdesk.ui.tasks import TaskRunner

REGISTER_COLUMNS = (("number", QT_TR_NOOP("Complaint")), ("received", QT_TR_NOOP("Received")),
                    ("customer", QT_TR_NOOP("Customer")), ("category", QT_TR_NOOP("Category")),
                    ("channel", QT_TR_NOOP("Channel")), ("status", QT_TR_NOOP("Status")),
                    ("respond_by", QT_TR_NOOP("Respond by")), ("resolve_by", QT_TR_NOOP("Resolve by")),
                    ("document", QT_TR_NOOP("Document")))
PAGE = 500
DEBOUNCE_MS = 150


def write_report(actor: Actor, date_from: date, date_to: date, target: str) -> str:
    """Worker side of "Report PDF…": gather the numbers, then lay them out into ``target``."""
    from partsdesk.printing.complaints_report import write_complaints_report
    from partsdesk.services import complaints

    data = complaints.complaints_report(actor, date_from=date_from, date_to=date_to)
    try:
        write_complaints_report(data, target)
    except OSError as error:
        raise UserError(i18n._("The report could not be saved to {target}: {error}. Choose another folder.").format(
            target=target, error=error.strerror or error)) from error
    return target


def _categories() -> list[str]:
    from partsdesk.services import settings

    return list(settings.get("complaints.categories"))


class ComplaintsRegisterDialog(QDialog):
    listed = Signal()  # the table shows the current filters' complaints
    dialog_opened = Signal(object)
    report_written = Signal(str)  # the PDF's path

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.rows: list[Any] = []
        self.dialog: ComplaintDialog | None = None
        self._generation = 0
        self.setWindowTitle(self.tr("Complaints register"))
        self.resize(1100, 560)

        self.search_box = QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(self.tr("Search: complaint number, customer, document or words"))
        self.status = QComboBox()
        self.status.addItem(self.tr("All statuses"), None)
        for status in STATUSES:
            self.status.addItem(self.tr(STATUS_LABELS[status]), status)
        self.category = QComboBox()
        self.category.addItem(self.tr("All categories"), None)
        self.overdue_only = QCheckBox(self.tr("O&verdue only"))
        status_label = QLabel(self.tr("S&tatus"))
        status_label.setBuddy(self.status)
        category_label = QLabel(self.tr("C&ategory"))
        category_label.setBuddy(self.category)
        filters = QHBoxLayout()
        filters.addWidget(self.search_box, 1)
        filters.addWidget(status_label)
        filters.addWidget(self.status)
        filters.addWidget(category_label)
        filters.addWidget(self.category)
        filters.addWidget(self.overdue_only)

        self.table = complaints_table(REGISTER_COLUMNS, self)
        self.table.itemActivated.connect(lambda _item: self.handle())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.count_label = QLabel()
        self.handle_button = QPushButton(self.tr("&Handle…"))
        self.handle_button.clicked.connect(self.handle)

        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        today = QDate.currentDate()
        self.date_from.setDate(QDate(today.year(), today.month(), 1).addMonths(-5))
        self.date_to.setDate(today)
        from_label = QLabel(self.tr("Report &from"))
        from_label.setBuddy(self.date_from)
        to_label = QLabel(self.tr("t&o"))
        to_label.setBuddy(self.date_to)
        self.report_button = QPushButton(self.tr("&Report PDF…"))
        self.report_button.clicked.connect(self.report_pdf)
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.handle_button)
        bottom.addSpacing(24)
        bottom.addWidget(from_label)
        bottom.addWidget(self.date_from)
        bottom.addWidget(to_label)
        bottom.addWidget(self.date_to)
        bottom.addWidget(self.report_button)
        bottom.addSpacing(24)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search_box.textChanged.connect(lambda _text: self._debounce.start())
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.category.currentIndexChanged.connect(lambda _i: self.refresh())
        self.overdue_only.toggled.connect(lambda _on: self.refresh())
        self.handle_button.setVisible(actor.can("complaint.edit"))
        self._update_buttons()
        self.search_box.setFocus()
        self.runner.submit(_categories, owner=self, name="complaint_categories", on_done=self._choices)

    def _choices(self, categories: list[str]) -> None:
        self.category.blockSignals(True)
        for category in categories:
            self.category.addItem(self.tr(category), category)
        self.category.blockSignals(False)
        self.refresh()

    # --- listing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        from partsdesk.services import complaints

        self._debounce.stop()
        self._generation += 1
        generation = self._generation
        self.runner.submit(complaints.list_complaints, self.actor, owner=self, name="list_complaints",
                           status=self.status.currentData(), overdue_only=self.overdue_only.isChecked(),
                           category=self.category.currentData(), text=self.search_box.text(), limit=PAGE,
                           on_done=lambda rows: self._listed(generation, rows), on_error=self._show_error)

    def _listed(self, generation: int, rows: list[Any]) -> None:
        if generation != self._generation:
            return  # the filters changed meanwhile; a newer list is on its way
        wanted = selected_complaint(self.table)
        self.rows = rows
        fill_complaints_table(self.table, REGISTER_COLUMNS, rows)
        overdue = sum(1 for row in rows if row.overdue)
        text = self.tr("{count} complaints").format(count=len(rows))
        if len(rows) >= PAGE:
            text = self.tr("The newest {count} complaints: narrow the filters to see older ones").format(
                count=len(rows))
        if overdue:
            text += self.tr(" · {overdue} overdue").format(overdue=overdue)
        set_note(self.count_label, text, error=overdue > 0)
        ids = [row.id for row in rows]
        if rows:
            self.table.selectRow(ids.index(wanted) if wanted in ids else 0)
        self._update_buttons()
        self.listed.emit()

    def _update_buttons(self) -> None:
        self.handle_button.setEnabled(self.actor.can("complaint.edit") and selected_complaint(self.table) is not None)

    def _show_error(self, error: UserError) -> None:
        self._show_note(str(error), error=True)

    def _show_note(self, text: str, *, error: bool = False) -> None:
        set_note(self.message, text, error=error)
        self.message.setVisible(bool(text))

    # --- handling ----------------------------------------------------------------------------

    def handle(self) -> None:
        complaint_id = selected_complaint(self.table)
        if complaint_id is None:
            return
        dialog = ComplaintDialog(self.runner, self.actor, complaint_id=complaint_id, parent=self)
        dialog.saved.connect(lambda _id: self.refresh())
        show_window_modal(self, dialog)

    # --- the report --------------------------------------------------------------------------

    def report_pdf(self) -> None:
        date_from = self.date_from.date().toPython()
        date_to = self.date_to.date().toPython()
        if date_to < date_from:
            self._show_note(self.tr("The report's period ends before it starts."), error=True)
            return
        suggested = str(Path.home() / f"complaints-{date_from.isoformat()}-{date_to.isoformat()}.pdf")
        target, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the complaints report"), suggested,
                                                      self.tr("PDF files (*.pdf)"))
        if not target:
            return
        if not target.lower().endswith(".pdf"):
            target += ".pdf"
        self.report_button.setEnabled(False)
        self._show_note(self.tr("Writing the report…"))
        self.runner.submit(write_report, self.actor, date_from, date_to, target, owner=self, name="complaints_report",
                           on_done=self._report_done, on_error=self._show_error,
                           on_finally=lambda: self.report_button.setEnabled(True))

    def _report_done(self, target: str) -> None:
        self._show_note(self.tr("The report was saved to {path}.").format(path=target))
        self.report_written.emit(target)
