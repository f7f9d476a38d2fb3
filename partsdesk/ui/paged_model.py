"""A results table that holds only the pages it fetched, for any paged search service.

A query asks the service for its first page on the worker; more pages come as the user
scrolls (``canFetchMore`` / ``fetchMore``), each page one SQL query with LIMIT/OFFSET. Every
query carries a generation number: a result for an older query never replaces the rows of a
newer one, and a queued search that became stale is skipped on the worker before it runs.
Subclasses name their columns, their service and its extra arguments, and their cells.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTableView

from partsdesk.domain.errors import UserError
from partsdesk.ui.tasks import TaskRunner

SearchFunction = Callable[..., Any]  # search(query, *, limit, offset, **search_arguments()) -> result


class PagedSearchModel(QAbstractTableModel):
    """Rows of one query (``result.rows``, ``.total``, ``.capped``); ``results_shown(generation)``
    when a query's first page is in the table, ``search_failed(message)`` when the service refused."""

    results_shown = Signal(int)
    search_failed = Signal(str)
    columns: tuple[Any, ...] = ()

    def __init__(self, runner: TaskRunner, *, search: SearchFunction | None, page_size: int,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._search = search
        self.page_size = page_size
        self.query = ""
        self.generation = 0  # the newest query asked for
        self.shown_generation = 0  # the query whose rows are in the table
        self.rows: list[Any] = []
        self.total = 0
        self.capped = False
        self._fetching = False

    def search_arguments(self) -> dict[str, Any]:
        """Arguments of the service besides the query and the page (sort order, filters)."""
        return {}

    def search_function(self) -> SearchFunction:
        """The search given to the model, or the subclass's ``default_search()`` (imported late:
        the services are not needed before the log-in)."""
        if self._search is None:
            self._search = self.default_search()  # type: ignore[attr-defined]
        return self._search

    def set_query(self, query: str) -> int:
        """Start a search for ``query``; returns its generation."""
        self.query = query
        self.generation += 1
        generation = self.generation
        self._fetching = False
        search = self.search_function()
        args = dict(limit=self.page_size, offset=0, **self.search_arguments())
        self.runner.submit(self._run, search, generation, query, owner=self, name="search", **args,
                           on_done=lambda result: self._first_page(generation, result),
                           on_error=lambda error: self._failed(generation, error))
        return generation

    def refresh(self) -> int:
        return self.set_query(self.query)

    def _run(self, search: SearchFunction, generation: int, query: str, **kwargs: Any) -> Any:
        """On the worker: skip a search that became stale while it waited in the queue."""
        if generation != self.generation:
            return None
        return search(query, **kwargs)

    def _first_page(self, generation: int, result: Any) -> None:
        if result is None or generation != self.generation:
            return  # a newer query was asked for meanwhile: its own result will come
        self.beginResetModel()
        self.rows = list(result.rows)
        self.total = max(result.total, len(self.rows))
        self.capped = bool(result.capped)
        self.shown_generation = generation
        self.endResetModel()
        self.results_shown.emit(generation)

    def _failed(self, generation: int, error: UserError) -> None:
        self._fetching = False
        if generation == self.generation:
            self.search_failed.emit(str(error))

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return (not self._fetching and self.shown_generation == self.generation
                and len(self.rows) < self.total)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation, offset = self.generation, len(self.rows)
        search = self.search_function()
        self.runner.submit(self._run, search, generation, self.query, owner=self, name="search_more",
                           limit=self.page_size, offset=offset, **self.search_arguments(),
                           on_done=lambda result: self._more(generation, offset, result),
                           on_error=lambda error: self._failed(generation, error))

    def _more(self, generation: int, offset: int, result: Any) -> None:
        if generation != self.generation:
            return  # a page of an older query: its fetch flag was reset by set_query
        if offset != len(self.rows):
            self._fetching = False
            return
        new = list(result.rows) if result is not None else []
        if not new:
            self.total = len(self.rows)  # fewer rows match meanwhile: stop asking
            self._fetching = False
            return
        # Still "fetching" while the rows go in: a view asking for more during the insert
        # must not ask for this same page again.
        self.beginInsertRows(QModelIndex(), offset, offset + len(new) - 1)
        self.rows.extend(new)
        self.endInsertRows()
        self._fetching = False

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def row_id(self, row: int) -> int | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def row_of(self, row_id: int) -> int | None:
        return next((i for i, row in enumerate(self.rows) if row.id == row_id), None)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def results_view(model: PagedSearchModel) -> QTableView:
    """The table a tab shows its results in: whole rows, one at a time, read-only, compact."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view
