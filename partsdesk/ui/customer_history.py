"""The History section of a customer: one timeline of quotes, sales, returns, repair orders,
payments, calls, complaints and membership events, newest first, 200 at a time.

Enter or a double click opens the line's document where the window knows how to open that kind
(``openers``: document type -> callable(document_id, document_no)); the Open button says when it
cannot. A role without customer.view_account sees only the repair orders of the customer's cars.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.money import format_money
from partsdesk.domain.permissions import Actor
from partsdesk.ui.forms import set_note
from partsdesk.ui.tasks import TaskRunner

Opener = Callable[[int | None, str], None]


class HistorySection(QWidget):
    changed = Signal()  # never emitted: the timeline only reads; kept for the sections' common shape
    loaded = Signal(int)  # number of lines now shown

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.customer_id: int | None = None
        self.entries: list[Any] = []
        self.openers: dict[str, Opener] = {}
        self._more = False
        self._asked = 0  # the latest load; an older one's answer is dropped (it would repeat lines)

        from partsdesk.services.history import EVENT_KINDS

        self.kind_filter = QComboBox()
        self.kind_filter.addItem(self.tr("Everything"), "")
        for kind, label in EVENT_KINDS.items():
            self.kind_filter.addItem(self.tr(label), kind)
        self.kind_filter.setAccessibleName(self.tr("Show"))
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([self.tr("When"), self.tr("What"), self.tr("Document"),
                                              self.tr("Vehicle"), self.tr("Amount"), self.tr("Details"),
                                              self.tr("By")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemActivated.connect(lambda _item: self.open_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.open_button = QPushButton(self.tr("&Open (Enter)"))
        self.open_button.clicked.connect(self.open_selected)
        self.more_button = QPushButton(self.tr("Show ol&der"))
        self.more_button.clicked.connect(self.load_more)
        self.message = QLabel()
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show:")))
        top.addWidget(self.kind_filter)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.more_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self._selection_changed()

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self.reload()

    def show_customer(self, customer_id: int | None) -> None:
        self.customer_id = customer_id
        self.reload()

    def reload(self) -> None:
        self.entries = []
        self.table.setRowCount(0)
        self._load(None)

    def load_more(self) -> None:
        if self.entries and self._more:
            self._load(self.entries[-1].id)

    def _load(self, before_id: int | None) -> None:
        self._asked += 1
        asked = self._asked
        self.message.clear()
        if self.customer_id is None:
            self._more = False
            self._selection_changed()
            return
        from partsdesk.services.history import TIMELINE_PAGE, timeline

        kind = self.kind_filter.currentData()

        def shown(entries: list[Any]) -> None:
            if asked != self._asked:
                return  # another customer, filter or reload was asked for meanwhile
            self._more = len(entries) == TIMELINE_PAGE
            self._append(entries)

        self.runner.submit(timeline, self.actor, self.customer_id, kinds=(kind,) if kind else (),
                           before_id=before_id, owner=self, name="timeline", on_done=shown,
                           on_error=lambda e: set_note(self.message, str(e), error=True))

    def _append(self, entries: list[Any]) -> None:
        for entry in entries:
            row = self.table.rowCount()
            self.table.insertRow(row)
            amount = format_money(entry.amount) if entry.amount is not None else ""
            texts = (entry.at.strftime("%Y-%m-%d %H:%M"), self.tr(entry.kind_label), entry.document_no, entry.plate,
                     amount, entry.summary, entry.user)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.entries += entries
        if not self.entries:
            self.message.setText(self.tr("Nothing recorded for this customer yet."))
        self._selection_changed()
        self.loaded.emit(len(self.entries))

    def _selected(self) -> Any:
        row = self.table.currentRow()
        has = self.table.selectionModel().hasSelection()
        return self.entries[row] if has and 0 <= row < len(self.entries) else None

    def _selection_changed(self) -> None:
        entry = self._selected()
        can_open = entry is not None and entry.document_type in self.openers
        self.open_button.setEnabled(can_open)
        self.open_button.setToolTip("" if can_open or entry is None else
                                    self.tr("This kind of document opens in its own tab."))
        self.more_button.setVisible(self._more)

    def open_selected(self) -> None:
        entry = self._selected()
        if entry is not None and entry.document_type in self.openers:
            self.openers[entry.document_type](entry.document_id, entry.document_no)
