"""The counter's search dialogs: a search box over a results table, searched on the worker as
the cashier types (the latest search wins), Down into the results, Enter picks. The part search
(F2), the customer (F3) and the quotes list (F9) are made of it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import UserError
from partsdesk.ui.forms import FORM_STYLE, set_note
from partsdesk.ui.tasks import TaskRunner

SEARCH_DEBOUNCE_MS = 150


def results_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class SearchDialog(QDialog):
    """A search box over a results table: typing searches (on the worker, latest wins), Down
    goes to the results, Enter picks the current row (or the first one once the results are
    in). A subclass defines ``_search(text)`` (the worker's call), ``_cells(row)`` (how a row
    looks) and ``_chosen(row)`` (what picking it does); it may say what the note shows for the
    results (``_note_for``), act once they are drawn (``_listed``), name the pick button
    (``pick_text``) and the column that takes the spare width (``stretch_column``)."""

    numeric_columns: tuple[int, ...] = ()
    stretch_column: int | None = None  # None: the last column

    def __init__(self, runner: TaskRunner, headers: list[str], parent: QWidget | None, *,
                 pick_text: str = "", cancel_text: str = "") -> None:
        super().__init__(parent)
        self.runner = runner
        self.setStyleSheet(FORM_STYLE)
        self.rows: list[Any] = []
        self._asked = 0
        self._shown = 0
        self._pick_when_ready = False
        self.box = QLineEdit()
        self.box.setClearButtonEnabled(True)
        self.box.installEventFilter(self)
        self.table = results_table(headers)
        self.table.doubleClicked.connect(lambda _index: self.pick())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.pick_button = self.buttons.addButton(pick_text or self.tr("Pick (Enter)"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.pick_button.setDefault(True)
        self.buttons.addButton(cancel_text or self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.pick)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.box.textChanged.connect(lambda _text: self._debounce.start())
        self.box.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            if self.table.rowCount():
                self.table.setFocus()
                self.table.selectRow(max(self.table.currentRow(), 0))
            return True
        return super().eventFilter(watched, event)

    def search_now(self) -> None:
        self._debounce.stop()
        self._asked += 1
        asked = self._asked
        self.runner.submit(self._search, self.box.text(), owner=self, name="counter_search",
                           on_done=lambda rows: self._found(asked, rows),
                           on_error=lambda error: self._failed(asked, error))

    def _found(self, asked: int, rows: list[Any]) -> None:
        if asked != self._asked:
            return
        self._shown = asked
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            for column, text in enumerate(self._cells(row)):
                item = QTableWidgetItem(text)
                if column in self.numeric_columns:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()
        if self.stretch_column is None:
            self.table.horizontalHeader().setStretchLastSection(True)
        else:
            self.table.horizontalHeader().setSectionResizeMode(self.stretch_column, QHeaderView.ResizeMode.Stretch)
        if self.rows:
            self.table.selectRow(0)
        set_note(self.note, self._note_for(self.rows), error=not self.rows)
        self._listed()
        if self._pick_when_ready:
            self._pick_when_ready = False
            self.pick()

    def _note_for(self, rows: list[Any]) -> str:
        return (self.tr("{count} found").format(count=len(rows)) if rows else
                self.tr("Nothing found. Try fewer or other words."))

    def _listed(self) -> None:
        """The results are drawn (a subclass may act on them, e.g. on a scanned number)."""

    def _failed(self, asked: int, error: UserError) -> None:
        if asked == self._asked:
            self._shown = asked
            self.rows = []
            self.table.setRowCount(0)
            self._pick_when_ready = False
            set_note(self.note, str(error), error=True)

    def pick(self) -> None:
        """Take the current row; with a search still running, the first row of its results."""
        if self._debounce.isActive() or self._shown != self._asked:
            self._pick_when_ready = True
            if self._debounce.isActive():
                self.search_now()
            return
        if not self.rows:
            set_note(self.note, self.tr("Nothing to pick: type what you look for first."), error=True)
            return
        index = max(self.table.currentRow(), 0)
        self._chosen(self.rows[index])
