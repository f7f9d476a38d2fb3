"""The catalogue results table: a model that holds only the pages it fetched.

A query asks ``services.search.search_parts`` for its first page on the worker; more pages
come as the user scrolls (``canFetchMore`` / ``fetchMore``), each page one SQL query with
LIMIT/OFFSET, sorted in SQL when a header is clicked (no proxy model, never the whole
catalogue). Every query carries a generation number: a result for an older query never
replaces the rows of a newer one, and a queued search that became stale is skipped on the
worker before it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QT_TR_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from partsdesk.domain.money import format_money, format_quantity
from partsdesk.ui.paged_model import PagedSearchModel, SearchFunction
from partsdesk.ui.tasks import TaskRunner

PAGE_SIZE = 100

_GRADE_TEXT = {"AFTERMARKET": QT_TR_NOOP("Aftermarket")}
_INACTIVE = QColor("#9e9e9e")
_SUBTLE = QColor("#757575")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort_key: str | None  # one of services.search.SORT_KEYS, None: not sortable
    numeric: bool = False


def _columns() -> tuple[Column, ...]:
    def tr(text: str) -> str:
        return QCoreApplication.translate("PartTableModel", text)

    return (
        Column("number", tr("Number"), "number"),
        Column("brand", tr("Brand"), "brand"),
        Column("name", tr("Description"), "name"),
        Column("category", tr("Category"), "category"),
        Column("grade", tr("Grade"), None),
        Column("bin", tr("Bin"), "bin"),
        Column("price", tr("Price"), "price", numeric=True),
        Column("on_hand", tr("On hand"), "on_hand", numeric=True),
        Column("match", tr("Found by"), None),
    )


class PartTableModel(PagedSearchModel):
    """Rows of ``PartRow`` for one query, sorted in SQL when a header is clicked."""

    def __init__(self, runner: TaskRunner, *, search: SearchFunction | None = None, page_size: int = PAGE_SIZE,
                 parent: Any = None) -> None:
        super().__init__(runner, search=search, page_size=page_size, parent=parent)
        self.columns = _columns()
        self.sort_key = "relevance"
        self.descending = False
        self.include_inactive = False

    def default_search(self) -> SearchFunction:
        from partsdesk.services.search import search_parts

        return search_parts

    def search_arguments(self) -> dict[str, Any]:
        return {"sort": self.sort_key, "descending": self.descending, "include_inactive": self.include_inactive}

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL: a new query with the column's sort key (relevance for -1 or an unsortable column)."""
        key = self.columns[column].sort_key if 0 <= column < len(self.columns) else None
        sort_key = key or "relevance"
        descending = key is not None and order == Qt.SortOrder.DescendingOrder
        if (sort_key, descending) == (self.sort_key, self.descending):
            return
        self.sort_key, self.descending = sort_key, descending
        self.refresh()

    def set_include_inactive(self, include: bool) -> None:
        if include != self.include_inactive:
            self.include_inactive = include
            self.refresh()

    # --- the table ------------------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Click to sort") if column.sort_key else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows) or index.column() >= len(self.columns):
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column.key)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not row.active:
                return _INACTIVE
            return _SUBTLE if column.key == "match" else None
        if role == Qt.ItemDataRole.FontRole and not row.active:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.key == "name":
                tip = "\n".join(t for t in (row.name_en, row.name_zh) if t)
                return tip + ("\n" + self.tr("(inactive: not sold any more)") if not row.active else "")
            if column.key == "match":
                return self._text(row, "match") or None
            if not row.active:
                return self.tr("Inactive: not sold any more")
            return None
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _text(self, row: Any, key: str) -> str:
        if key == "number":
            return row.number
        if key == "brand":
            return row.brand
        if key == "name":
            return f"{row.name_en} · {row.name_zh}" if row.name_zh else row.name_en
        if key == "category":
            return row.category
        if key == "grade":
            return self.tr(_GRADE_TEXT[row.grade]) if row.grade in _GRADE_TEXT else row.grade
        if key == "bin":
            return row.bin
        if key == "price":
            return format_money(row.price_retail)
        if key == "on_hand":
            return format_quantity(row.on_hand, row.unit)
        if key == "match":
            return self.match_text(row.match, row.matched_number)
        return ""

    def match_text(self, match: str, number: str | None) -> str:
        number = number or ""
        texts = {
            "barcode": self.tr("barcode {0}"),
            "interchange": self.tr("via interchange {0}"),
            "oe": self.tr("via OE number {0}"),
            "superseded": self.tr("replaces {0}"),
            "fragment": self.tr("number contains {0}"),
            "vehicle": self.tr("fits the vehicle"),
        }
        text = texts.get(match)
        if text is None:
            return ""  # its own number, words, browsing: nothing worth saying
        return text.format(number).strip()
