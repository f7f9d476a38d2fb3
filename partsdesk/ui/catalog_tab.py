"""The Catalog tab: one search box, the results as you type, the part editor one key away.

Typing restarts a short timer (``DEBOUNCE_MS``); when it fires the query goes to the worker
with a new generation number (``PartTableModel``), so the box never waits for the database
and an older result never replaces a newer one. Keys: Ctrl+F or F2 to the search box, Esc
clears it, Down or Enter goes to the results, Enter or a double-click opens the part,
Ctrl+N makes a new part.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.permissions import Actor
from partsdesk.ui.forms import ERROR_COLOR
from partsdesk.ui.paged_model import results_view
from partsdesk.ui.part_table import PartTableModel, SearchFunction
from partsdesk.ui.tasks import TaskRunner

DEBOUNCE_MS = 120
HEADER_KEY = "catalog/header"


class CatalogTab(QWidget):
    editor_opened = Signal(object)  # the PartEditorDialog, once shown (tests drive it)
    part_saved = Signal(int)  # the part's id, after the list shows it again

    def __init__(self, runner: TaskRunner, actor: Actor, *, search: SearchFunction | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.editor: Any = None
        self._select_after_refresh: int | None = None

        self.search_box = QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(
            self.tr("Search: barcode, part number, words or vehicle (e.g. golf 2015 brake pad) — Ctrl+F"))
        self.search_box.setAccessibleName(self.tr("Search the catalogue"))
        self.search_box.installEventFilter(self)
        font = self.search_box.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.search_box.setFont(font)

        self.show_inactive = QCheckBox(self.tr("Show inactive parts"))
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)

        self.model = PartTableModel(runner, search=search, parent=self)
        self.table = results_view(self.model)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # relevance until a header is clicked
        self._default_widths()
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.table.installEventFilter(self)
        self.table.activated.connect(self._activated)

        self.open_button = QPushButton(self.tr("Open (Enter)"))
        self.open_button.clicked.connect(self.open_current)
        self.new_button = QPushButton(self.tr("New part (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_part)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.show_inactive)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(lambda _text: self._debounce.start())
        self.show_inactive.toggled.connect(self.model.set_include_inactive)
        self.model.results_shown.connect(self._results_shown)
        self.model.search_failed.connect(self._search_failed)
        self.model.rowsInserted.connect(lambda *_: self._update_count())

        # Ctrl+F / F2 when the tab stands alone; the main window removes it and offers its own
        # window-wide "Find a part" (two actions with one key would cancel each other out).
        self.find_action = QAction(self.tr("Find"), self)
        self.find_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Find), QKeySequence(Qt.Key.Key_F2)])
        self.find_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_action.triggered.connect(self.focus_search)
        self.addAction(self.find_action)
        self.set_actor(actor)

    def _default_widths(self) -> None:
        # narrow enough that the description keeps about 200 px on a 1024 px screen
        widths = {"number": 130, "brand": 110, "name": 360, "category": 120, "grade": 85, "bin": 70, "price": 90,
                  "on_hand": 80, "match": 110}
        for i, column in enumerate(self.model.columns):
            self.table.setColumnWidth(i, widths.get(column.key, 100))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The description takes the room that is left: no sideways scrolling on a normal screen.
        header.setSectionResizeMode(self._column("name"), QHeaderView.ResizeMode.Stretch)

    def _column(self, key: str) -> int:
        return next(i for i, column in enumerate(self.model.columns) if column.key == key)

    # --- the window's hooks ------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self.new_button.setVisible(actor.can("catalog.edit"))
        self.open_button.setText(self.tr("Open (Enter)") if actor.can("catalog.edit") else self.tr("View (Enter)"))

    def start(self) -> None:
        """First search (browse the catalogue) and the focus in the search box."""
        self.search_now()
        self.focus_search()

    def save_state(self, settings: QSettings) -> None:
        settings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value(HEADER_KEY)
        if isinstance(state, QByteArray | bytes) and state:
            header = self.table.horizontalHeader()
            header.restoreState(QByteArray(state))
            # Column widths and order come back; a search always starts by relevance.
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    # --- searching --------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def search_now(self) -> int:
        self._debounce.stop()
        return self.model.set_query(self.search_box.text().strip())

    def _sort_changed(self, section: int, _order: Qt.SortOrder) -> None:
        if 0 <= section < len(self.model.columns) and self.model.columns[section].sort_key is None:
            # Not a sortable column: back to relevance (this re-enters with section -1).
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def _results_shown(self, _generation: int) -> None:
        self.count_label.setStyleSheet("")
        self._update_count()
        if self.model.rowCount():
            target = 0
            if self._select_after_refresh is not None:
                target = self.model.row_of(self._select_after_refresh) or 0
            self.table.setCurrentIndex(self.model.index(target, 0))
            self.table.scrollTo(self.model.index(target, 0))
        if self._select_after_refresh is not None:
            part_id, self._select_after_refresh = self._select_after_refresh, None
            self.part_saved.emit(part_id)

    def _update_count(self) -> None:
        total, query = self.model.total, self.model.query
        if self.model.capped:
            text = self.tr("{count}+ matches — refine your search").format(count=f"{total:,}")
        elif not query:
            text = self.tr("1 part") if total == 1 else self.tr("{count} parts").format(count=f"{total:,}")
        elif total == 0:
            text = self.tr("No part matches “{query}”. Try fewer words, or a part of the number.").format(query=query)
        else:
            text = self.tr("1 match") if total == 1 else self.tr("{count} matches").format(count=f"{total:,}")
        self.count_label.setText(text)

    def _search_failed(self, message: str) -> None:
        self.count_label.setStyleSheet(f"color: {ERROR_COLOR}")
        self.count_label.setText(message)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if watched is self.search_box:
                if key == Qt.Key.Key_Escape and self.search_box.text():
                    self.search_box.clear()
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    if self._debounce.isActive() or self.model.query != self.search_box.text().strip():
                        self.search_now()
                    self._focus_results()
                    return True
                if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                    self._focus_results()
                    return True
            elif watched is self.table:
                if key == Qt.Key.Key_Escape:
                    self.focus_search()
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.open_current()
                    return True
        return super().eventFilter(watched, event)

    def _focus_results(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    # --- the part editor --------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        self.open_part(self.model.row_id(index.row()))

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_part(self.model.row_id(index.row()))

    def new_part(self) -> None:
        if self.actor.can("catalog.edit"):
            self.open_part(None)

    def open_part(self, part_id: int | None) -> None:
        """Load the part and the editor's lists on the worker, then show the editor."""
        if part_id is None and not self.actor.can("catalog.edit"):
            return
        from partsdesk.ui import part_editor

        self.runner.submit(part_editor.load_form_data, self.actor, part_id, owner=self, name="load_part",
                           on_done=self._show_editor)

    def _show_editor(self, data: Any) -> None:
        from partsdesk.ui.part_editor import PartEditorDialog

        if self.editor is not None:
            self.editor.close()
        self.editor = PartEditorDialog(self.runner, self.actor, data, parent=self)
        self.editor.saved.connect(self._saved)
        self.editor.finished.connect(self._editor_closed)
        self.editor.open()
        self.editor_opened.emit(self.editor)

    def _editor_closed(self, _result: int) -> None:
        editor, self.editor = self.editor, None
        if editor is not None:
            editor.deleteLater()
        self.table.setFocus()

    def _saved(self, part_id: int) -> None:
        self._select_after_refresh = part_id
        self.model.refresh()

    # --- import and export -------------------------------------------------------------------

    def import_parts(self) -> None:
        from partsdesk.ui.catalog_io_dialogs import ImportDialog

        dialog = ImportDialog(self.runner, self.actor, parent=self)
        dialog.imported.connect(lambda: self.model.refresh())
        dialog.start()

    def export_parts(self) -> None:
        from partsdesk.ui.catalog_io_dialogs import export_parts

        export_parts(self, self.runner, self.actor)
