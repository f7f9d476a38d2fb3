"""The care lists: today's or this week's birthdays, follow-up calls, service reminders and lapsed
customers, one tab each with its count; record a call for the chosen row, print the call sheet,
export a list as CSV for text messages.

Keys: Alt+T today, Alt+W this week, Ctrl+Tab next list, Enter or Alt+R records a call for the
chosen row, Alt+P prints the call sheet, Alt+X exports the list shown, Esc closes.
All reading, printing and writing runs on the worker thread.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import UserError
from partsdesk.domain.permissions import Actor
from partsdesk.services.clock import shop_today
from partsdesk.ui.customer_care import CallDialog
from partsdesk.ui.forms import set_note, show_window_modal
from partsdesk.ui.tasks import TaskRunner

LIST_KINDS = ("follow_up", "service_reminder", "birthday", "lapsed")  # the order of the tabs: calls owed first


def _print_sheet(actor: Actor, as_of: date, span: str, target: str) -> Any:
    """Worker: read the lists afresh and print them (what is printed is what the file holds now)."""
    from partsdesk.printing.call_sheet import write_call_sheet
    from partsdesk.services.care import care_lists

    data = care_lists(actor, as_of=as_of, span=span)
    write_call_sheet(data, target)
    return data


def _open_call(actor: Actor, customer_id: int, as_of: date) -> Any:
    from partsdesk.services.care import customer_care

    return customer_care(actor, customer_id, as_of=as_of)


class CareListsDialog(QDialog):
    loaded = Signal()  # the lists are shown (tests wait on it)
    done = Signal(str)  # a message: a call recorded, a sheet printed, a file written
    dialog_opened = Signal(object)

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None, *,
                 as_of: date | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.as_of = as_of or shop_today()
        self.data: Any = None
        self.dialog: CallDialog | None = None
        self.setWindowTitle(self.tr("Care lists"))
        self.resize(980, 560)

        self.today = QRadioButton(self.tr("&Today"))
        self.week = QRadioButton(self.tr("This &week"))
        self.today.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.today)
        group.addButton(self.week)
        self.today.toggled.connect(lambda _checked: self.refresh())
        self.span_label = QLabel()
        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {}
        for kind in LIST_KINDS:
            table = QTableWidget(0, 6)
            table.setHorizontalHeaderLabels([self.tr("Customer"), self.tr("Class"), self.tr("Phone"),
                                             self.tr("Reason"), self.tr("Best time"), self.tr("Offers")])
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.verticalHeader().setVisible(False)
            table.setWordWrap(False)
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
            table.activated.connect(lambda _index: self.record_call())
            table.itemSelectionChanged.connect(self._update_buttons)
            self.tables[kind] = table
            self.tabs.addTab(table, "")
        self.tabs.currentChanged.connect(lambda _index: self._update_buttons())
        self.more_label = QLabel()
        self.record_button = QPushButton(self.tr("&Record a call… (Enter)"))
        self.record_button.clicked.connect(self.record_call)
        self.print_button = QPushButton(self.tr("&Print call sheet…"))
        self.print_button.clicked.connect(self.print_sheet)
        self.export_button = QPushButton(self.tr("E&xport CSV…"))
        self.export_button.setToolTip(self.tr("The list shown, for text messages (offers only to customers who "
                                              "agreed)"))
        self.export_button.clicked.connect(self.export_csv)
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.message = QLabel()
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.today)
        top.addWidget(self.week)
        top.addSpacing(16)
        top.addWidget(self.span_label, 1)
        buttons = QHBoxLayout()
        for button in (self.record_button, self.print_button, self.export_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.more_label)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._update_buttons()
        self.refresh()

    # --- reading ---------------------------------------------------------------------------

    @property
    def span(self) -> str:
        return "week" if self.week.isChecked() else "today"

    def refresh(self) -> None:
        from partsdesk.services.care import care_lists

        self.runner.submit(care_lists, self.actor, as_of=self.as_of, span=self.span, owner=self, name="care_lists",
                           on_done=self._show, on_error=self._failed)

    def _show(self, data: Any) -> None:
        if data.span != self.span:
            return  # the user switched again meanwhile; that answer is on its way
        self.data = data
        self.span_label.setText(self.tr("Calls for {0}").format(data.start.isoformat()) if data.start == data.end
                                else self.tr("Calls for {0} to {1}").format(data.start.isoformat(),
                                                                           data.end.isoformat()))
        for index, kind in enumerate(LIST_KINDS):
            care_list = data.of(kind)
            self.tabs.setTabText(index, self.tr("{0} ({1})").format(self.tr(care_list.title), care_list.total))
            table = self.tables[kind]
            table.setRowCount(len(care_list.rows))
            for row, line in enumerate(care_list.rows):
                best = " · ".join(t for t in (line.preferred_time, self.tr(line.channel_label) if line.channel_label
                                              else "") if t)
                texts = (line.name, line.grade, line.phone, line.reason, best,
                         self.tr("yes") if line.marketing_consent else self.tr("no"))
                for column, text in enumerate(texts):
                    item = QTableWidgetItem(text)
                    if column == 3 and line.days_late:
                        item.setForeground(Qt.GlobalColor.red)
                    table.setItem(row, column, item)
            if care_list.rows and not table.selectionModel().hasSelection():
                table.selectRow(0)
        self._update_buttons()
        self.loaded.emit()

    def current_kind(self) -> str:
        return LIST_KINDS[self.tabs.currentIndex()]

    def current_row(self) -> Any:
        if self.data is None:
            return None
        table = self.tables[self.current_kind()]
        rows = self.data.of(self.current_kind()).rows
        index = table.currentRow()
        return rows[index] if table.selectionModel().hasSelection() and 0 <= index < len(rows) else None

    def _update_buttons(self) -> None:
        self.record_button.setEnabled(self.actor.can("care.call") and self.current_row() is not None)
        self.print_button.setEnabled(self.data is not None)
        self.export_button.setEnabled(self.data is not None and bool(self.data.of(self.current_kind()).rows))
        if self.data is not None:
            more = self.data.of(self.current_kind()).more
            self.more_label.setText(self.tr("{0} more not shown: call these first.").format(more) if more else "")

    # --- acting ----------------------------------------------------------------------------

    def record_call(self) -> None:
        row = self.current_row()
        if row is None or not self.actor.can("care.call"):
            return
        self.runner.submit(_open_call, self.actor, row.customer_id, self.as_of, owner=self, name="customer_care",
                           on_done=lambda care: self._open_call(row, care),
                           on_error=self._failed)

    def _open_call(self, row: Any, care: Any) -> None:
        dialog = CallDialog(self.runner, self.actor, row.customer_id, customer_name=row.name,
                            questions=care.questions, tasks=care.tasks, task_id=row.task_id, parent=self)
        dialog.saved.connect(self._call_saved)
        show_window_modal(self, dialog)

    def _call_saved(self, result: Any) -> None:
        set_note(self.message, result.message, error=result.complaint_id is not None)
        self.done.emit(result.message)
        self.refresh()

    def _ask_file(self, title: str, name: str, pattern: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self, title, str(Path.home() / name), pattern)
        return path

    def print_sheet(self) -> None:
        if self.data is None:
            return
        path = self._ask_file(self.tr("Save the call sheet"), f"call-sheet-{self.as_of.isoformat()}.pdf",
                              self.tr("PDF files (*.pdf)"))
        if not path:
            return
        self.print_button.setEnabled(False)
        self.runner.submit(_print_sheet, self.actor, self.as_of, self.span, path, owner=self, name="call_sheet",
                           on_done=lambda _data: self._written(self.tr("Call sheet saved to {0}").format(path)),
                           on_error=self._failed,
                           on_finally=self._update_buttons)

    def export_csv(self) -> None:
        if self.data is None:
            return
        from partsdesk.services.care import LIST_TITLES, export_csv

        kind = self.current_kind()
        rows = list(self.data.of(kind).rows)
        if not rows:
            return
        path = self._ask_file(self.tr("Export for text messages"), f"{kind}-{self.as_of.isoformat()}.csv",
                              self.tr("CSV files (*.csv)"))
        if not path:
            return
        purpose = f"text messages: {LIST_TITLES[kind].lower()}, {self.data.start.isoformat()}" + \
            (f" to {self.data.end.isoformat()}" if self.data.end != self.data.start else "")
        self.export_button.setEnabled(False)
        self.runner.submit(export_csv, self.actor, rows, path, purpose=purpose, owner=self, name="care_export",
                           on_done=lambda result: self._written(
                               self.tr("{0} Saved to {1}").format(result.message, path)),
                           on_error=self._failed,
                           on_finally=self._update_buttons)

    def _written(self, text: str) -> None:
        set_note(self.message, text)
        self.done.emit(text)

    def _failed(self, error: UserError) -> None:
        set_note(self.message, str(error), error=True)
