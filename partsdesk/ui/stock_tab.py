"""The Stock tab: the storekeeper's views of stock, one key each (Ctrl+1, Ctrl+2, …).

- **Stock list** — every part's sellable stock, what is available (on hand − reserved) and on
  order, quarantine, bin, min/max and ABC class with the low and negative flags, searched with
  the catalogue's own search box, filtered and sorted in SQL and paged as the table scrolls
  (``services.stock_list``). Read-only, so anyone who may look parts up may look at it; a scan
  finds the part.
- **Counts** — stock counts by scanning (``ui.count_view``), for those who count (``stock.count``).
- **Receiving**, **Purchase orders**, **Suppliers**, **Adjustments**, **Reports** — their own
  modules (``ui.receiving_view``, ``ui.purchasing_view``, ``ui.suppliers_view``,
  ``ui.adjustments_view``, ``ui.stock_reports_view``), each shown to those with its permission.
- **Labels** — parts (searched, or scanned: +1 label a scan) with how many labels each, a layout
  from ``domain.labels`` (its custom sheet and roll sizes too), the start position on a part-used
  sheet, then a preview, the printer or a PDF file. The PDF is made on the worker
  (``services.labels`` + ``printing.labels``) and handed to the printing path's functions
  (``ui.print_path``); roll labels go to this PC's label printer (``printer.label``), sheets to
  its A4 printer. Shown to those who may change the catalogue (``catalog.edit``).

More views are plugged in with ``add_view``. The tab owns the window's scans while it is shown
and gives each to the current view's ``take_scan(code)``; the count view owns them itself while
it is shown (it queues them). The tab's badge is the number of parts below their
minimum, counted in SQL on the worker (``badge_changed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain import labels as label_layouts
from partsdesk.domain.errors import ValidationError
from partsdesk.domain.labels import LabelLayout
from partsdesk.domain.money import format_quantity
from partsdesk.domain.permissions import Actor
from partsdesk.ui import print_path
from partsdesk.ui.adjustments_view import AdjustmentsView
from partsdesk.ui.count_view import CountView
from partsdesk.ui.forms import ERROR_COLOR, set_note
from partsdesk.ui.paged_model import PagedSearchModel, SearchFunction, results_view
from partsdesk.ui.part_table import Column, PartTableModel
from partsdesk.ui.purchasing_view import PurchaseOrdersView
from partsdesk.ui.receiving_view import ReceivingView
from partsdesk.ui.scanner import ScannerFilter
from partsdesk.ui.stock_reports_view import StockReportsView
from partsdesk.ui.suppliers_view import SuppliersView
from partsdesk.ui.tasks import TaskRunner

PAGE_SIZE = 100
DEBOUNCE_MS = 120
_LOW = QColor("#b26a00")
_NEGATIVE = QColor("#c62828")
_INACTIVE = QColor("#9e9e9e")


def tr(text: str) -> str:
    return QCoreApplication.translate("StockTab", text)


# --- the stock list -------------------------------------------------------------------------------

def _stock_columns() -> tuple[Column, ...]:
    def tr(text: str) -> str:
        return QCoreApplication.translate("StockTableModel", text)

    return (
        Column("number", tr("Part number"), "number"),
        Column("name", tr("Description"), "name"),
        Column("brand", tr("Brand"), "brand"),
        Column("bin", tr("Bin"), "bin"),
        Column("on_hand", tr("On hand"), "on_hand", numeric=True),
        Column("reserved", tr("Reserved"), None, numeric=True),
        Column("available", tr("Available"), None, numeric=True),
        Column("on_order", tr("On order"), None, numeric=True),
        Column("quarantine", tr("Quarantine"), None, numeric=True),
        Column("min", tr("Min"), None, numeric=True),
        Column("max", tr("Max"), None, numeric=True),
        Column("abc", tr("ABC"), None),
        Column("flags", tr("Flags"), None),
    )


class StockTableModel(PagedSearchModel):
    """Rows of ``services.stock_list.StockRow`` for one search and set of filters, sorted in SQL
    when a sortable header is clicked (the others have no index to walk on a big catalogue).
    There is no "Reserved" column: nothing is reserved until the workshop reserves parts for jobs,
    and "Available" (on hand − reserved, its tooltip spells it out) already follows them."""

    def __init__(self, runner: TaskRunner, actor: Actor, *, page_size: int = PAGE_SIZE, parent: Any = None) -> None:
        super().__init__(runner, search=None, page_size=page_size, parent=parent)
        self.actor = actor
        self.columns = _stock_columns()
        self.sort_key = "relevance"
        self.descending = False
        self.filters: frozenset[str] = frozenset()

    def search_function(self) -> SearchFunction:
        from partsdesk.services.stock_list import list_stock

        return partial(list_stock, self.actor)  # the user at the keyboard now

    def search_arguments(self) -> dict[str, Any]:
        return {"sort": self.sort_key, "descending": self.descending, "filters": sorted(self.filters)}

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort_key if 0 <= column < len(self.columns) else None
        sort_key = key or "relevance"
        descending = key is not None and order == Qt.SortOrder.DescendingOrder
        if (sort_key, descending) == (self.sort_key, self.descending):
            return
        self.sort_key, self.descending = sort_key, descending
        self.refresh()

    def set_filters(self, filters: set[str] | frozenset[str]) -> None:
        if frozenset(filters) != self.filters:
            self.filters = frozenset(filters)
            self.refresh()

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
        key = self.columns[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, key)
        if role == Qt.ItemDataRole.ForegroundRole:
            if key in ("on_hand", "available", "flags"):
                if row.negative:
                    return _NEGATIVE
                if row.low:
                    return _LOW
            return None if row.active else _INACTIVE
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self.columns[index.column()].numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if key == "abc":
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "name" and row.name_zh:
                return f"{row.name_en}\n{row.name_zh}"
            if key == "available":
                return self.tr("On hand {on_hand} − reserved for jobs {reserved}").format(
                    on_hand=format_quantity(row.on_hand, row.unit), reserved=format_quantity(row.reserved, row.unit))
            if key == "reserved" and row.reserved:
                return self.tr("Held for repair orders: not for sale at the counter")
            if key == "on_order" and row.on_order:
                return self.tr("Still expected from open purchase orders (draft, sent, partly received)")
            if key == "abc":
                return (self.tr("Class {abc} by 12 months' consumption value").format(abc=row.abc_class)
                        if row.abc_class else self.tr("Not classed yet"))
            if key == "flags" and (row.low or row.negative):
                tips = []
                if row.negative:
                    tips.append(self.tr("Negative: more was sold than the books hold; count it or book the "
                                        "missing receipt."))
                if row.low:
                    tips.append(self.tr("Low: on hand is below the minimum ({min}).").format(
                        min=format_quantity(row.min_qty, row.unit)))
                    if row.on_order:
                        tips.append(self.tr("{qty} is on order.").format(qty=format_quantity(row.on_order, row.unit)))
                return "\n".join(tips)
            return None
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _text(self, row: Any, key: str) -> str:
        if key == "number":
            return row.number
        if key == "name":
            return f"{row.name_en} · {row.name_zh}" if row.name_zh else row.name_en
        if key == "brand":
            return row.brand
        if key == "bin":
            return row.bin
        if key == "on_hand":
            return format_quantity(row.on_hand, row.unit)
        if key == "available":
            return format_quantity(row.available, row.unit)
        if key == "reserved":
            return format_quantity(row.reserved, row.unit) if row.reserved else ""
        if key == "on_order":
            return format_quantity(row.on_order, row.unit) if row.on_order else ""
        if key == "abc":
            return row.abc_class or "–"
        if key == "quarantine":
            return format_quantity(row.quarantine, row.unit) if row.quarantine else ""
        if key == "min":
            return format_quantity(row.min_qty, row.unit) if row.min_qty else ""
        if key == "max":
            return format_quantity(row.max_qty, row.unit) if row.max_qty else ""
        if key == "flags":
            flags = []
            if row.negative:
                flags.append(self.tr("negative"))
            if row.low:
                flags.append(self.tr("low"))
            return ", ".join(flags)
        return ""


class StockListView(QWidget):
    """The stock list: the catalogue's search box, three filters, the table; a scan finds the
    part (the filters are cleared so the part shows whatever its stock)."""

    scan_handled = Signal(str)  # the code, once the list shows what it found

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._scanned: str | None = None
        self.search_box = QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(self.tr("Search: barcode, part number, words or vehicle"))
        self.search_box.setAccessibleName(self.tr("Search the stock list"))
        self.search_box.installEventFilter(self)
        self.low_box = QCheckBox(self.tr("&Low stock"))
        self.low_box.setToolTip(self.tr("Parts with on hand below their minimum"))
        self.negative_box = QCheckBox(self.tr("&Negative"))
        self.negative_box.setToolTip(self.tr("Parts with less than nothing on hand: sold before they were booked in"))
        self.quarantine_box = QCheckBox(self.tr("In &quarantine"))
        self.quarantine_box.setToolTip(self.tr("Parts with stock held apart (damaged, returned, awaiting inspection)"))
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)

        self.model = StockTableModel(runner, actor, parent=self)
        self.table = results_view(self.model)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        # the description (stretched) keeps about 190 px on a 1024 px screen
        widths = {"number": 115, "brand": 90, "bin": 65, "on_hand": 65, "reserved": 65, "available": 65,
                  "on_order": 65, "quarantine": 70, "min": 45, "max": 45, "abc": 40, "flags": 80}
        for i, column in enumerate(self.model.columns):
            self.table.setColumnWidth(i, widths.get(column.key, 300))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_changed)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        for box in (self.low_box, self.negative_box, self.quarantine_box):
            top.addWidget(box)
            box.toggled.connect(self._filters_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(lambda _text: self._debounce.start())
        self.model.results_shown.connect(self._results_shown)
        self.model.search_failed.connect(self._search_failed)
        self.model.rowsInserted.connect(lambda *_: self._update_count())

    def set_actor(self, actor: Actor) -> None:
        self.model.actor = actor

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def search_now(self) -> int:
        self._debounce.stop()
        return self.model.set_query(self.search_box.text().strip())

    def filters(self) -> set[str]:
        boxes = {"low": self.low_box, "negative": self.negative_box, "quarantine": self.quarantine_box}
        return {name for name, box in boxes.items() if box.isChecked()}

    def _filters_changed(self) -> None:
        self._debounce.stop()
        self.model.query = self.search_box.text().strip()
        self.model.set_filters(self.filters())

    def take_scan(self, code: str) -> None:
        """A scan: show the part it belongs to, whatever the filters were."""
        self._scanned = code
        for box in (self.low_box, self.negative_box, self.quarantine_box):
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        self.model.filters = frozenset()
        self.search_box.blockSignals(True)
        self.search_box.setText(code)
        self.search_box.blockSignals(False)
        self.search_now()

    def _sort_changed(self, section: int, _order: Qt.SortOrder) -> None:
        if 0 <= section < len(self.model.columns) and self.model.columns[section].sort_key is None:
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def _results_shown(self, _generation: int) -> None:
        self.count_label.setStyleSheet("")
        self._update_count()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))
            self.table.scrollTo(self.model.index(0, 0))
        if self._scanned is not None:
            code, self._scanned = self._scanned, None
            if not self.model.rowCount():
                set_note(self.count_label, self.tr("Unknown barcode {code}: no part has it.").format(code=code),
                         error=True)
            self.scan_handled.emit(code)

    def _update_count(self) -> None:
        total, query = self.model.total, self.model.query
        if self.model.capped:
            text = self.tr("{count}+ matches — refine your search").format(count=f"{total:,}")
        elif total == 0:
            text = (self.tr("No part matches “{query}” with these filters.").format(query=query) if query
                    else self.tr("No part has stock like that."))
        else:
            text = self.tr("1 part") if total == 1 else self.tr("{count} parts").format(count=f"{total:,}")
        self.count_label.setText(text)

    def _search_failed(self, message: str) -> None:
        set_note(self.count_label, message, error=True)
        if self._scanned is not None:
            code, self._scanned = self._scanned, None
            self.scan_handled.emit(code)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape and self.search_box.text():
                self.search_box.clear()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
                self.search_now()
                self.table.setFocus()
                return True
        return super().eventFilter(watched, event)


# --- labels ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LabelsPdf:
    pdf: bytes
    labels: int
    pages: int


def make_labels_pdf(part_quantities: list[tuple[int, int]], layout: LabelLayout, start: int,
                    outline: bool) -> LabelsPdf:
    """On the worker: the labels' PDF in memory (nothing is written, to the database or a file)."""
    from partsdesk.printing.labels import write_labels
    from partsdesk.services.labels import labels_for_parts

    rows = labels_for_parts(part_quantities)
    out = BytesIO()
    pages = write_labels(rows, layout, out, start=start, outline=outline)
    return LabelsPdf(out.getvalue(), len(rows), pages)


def find_scanned_part(code: str) -> Any:
    """On the worker: the part a scanned label or box belongs to — by barcode, else by its own
    part number (a label of a part without a barcode carries its number) — or None."""
    from partsdesk.services import search
    from partsdesk.services.labels import resolve_parts

    row = search.find_by_barcode(code)
    if row is not None:
        return row
    try:
        [(part_id, _qty)] = resolve_parts([(code, 1)])
    except ValidationError:
        return None
    return next((r for r in search.search_parts(code, limit=20).rows if r.id == part_id), None)


@dataclass
class _Entry:
    part_id: int
    number: str
    brand: str
    name: str
    spin: QSpinBox


class LabelsView(QWidget):
    """Parts and label quantities, a layout and a start position; Preview, Print, Save as PDF."""

    scan_handled = Signal(str)
    pdf_done = Signal(str, object)  # mode, and the preview dialog or the path written (tests wait on it)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.entries: list[_Entry] = []
        self.preview: Any = None

        # the catalogue search, on the left: Enter or a double-click adds the part
        self.search_box = QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(self.tr("Find a part: number, barcode or words — Enter adds it"))
        self.search_box.installEventFilter(self)
        self.results = PartTableModel(runner, page_size=50, parent=self)
        self.results_table = results_view(self.results)
        keep = {"number", "brand", "name", "bin"}
        for i, column in enumerate(self.results.columns):
            self.results_table.setColumnHidden(i, column.key not in keep)
        results_header = self.results_table.horizontalHeader()
        results_header.setStretchLastSection(False)
        results_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        results_header.setSectionResizeMode(
            next(i for i, column in enumerate(self.results.columns) if column.key == "name"),
            QHeaderView.ResizeMode.Stretch)
        self.results_table.activated.connect(lambda index: self.add_result(index.row()))
        self.results_table.installEventFilter(self)
        self.add_button = QPushButton(self.tr("Add (Enter)"))
        self.add_button.clicked.connect(lambda: self.add_result(self.results_table.currentIndex().row()))
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(lambda _text: self._debounce.start())
        self.results.results_shown.connect(self._results_shown)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_box)
        left_layout.addWidget(self.results_table, 1)
        left_layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignRight)

        # the labels to print, on the right
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Part number"), self.tr("Brand"), self.tr("Description"),
                                              self.tr("Labels")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        self.remove_button = QPushButton(self.tr("Remove (Del)"))
        self.remove_button.clicked.connect(self.remove_current)
        self.clear_button = QPushButton(self.tr("Clear all"))
        self.clear_button.clicked.connect(self.clear)
        self.total_label = QLabel()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(self.tr("Labels to print (a scan adds one)")))
        right_layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.total_label, 1)
        row.addWidget(self.remove_button)
        row.addWidget(self.clear_button)
        right_layout.addLayout(row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        # the layout and where on the sheet to start
        self.layout_box = QComboBox()
        for layout in label_layouts.LAYOUTS.values():
            self.layout_box.addItem(self._layout_text(layout), layout.name)
        self.layout_box.addItem(self.tr("Custom A4 sheet (your grid and margins)"), label_layouts.CUSTOM_SHEET)
        self.layout_box.addItem(self.tr("Custom roll labels (your size)"), label_layouts.CUSTOM_ROLL)
        self.layout_box.setCurrentIndex(max(self.layout_box.findData(print_path.label_layout()), 0))
        self.layout_box.currentIndexChanged.connect(self._layout_changed)
        self.start_spin = QSpinBox()
        self.start_spin.setRange(1, 999)
        self.start_spin.setToolTip(self.tr("The first free label on a part-used sheet: 1 is the top left, counting "
                                           "along the rows"))
        self.outline_box = QCheckBox(self.tr("Outline each label (a test on plain paper)"))

        def spin(low: float, high: float, value: float) -> QDoubleSpinBox:
            box = QDoubleSpinBox()
            box.setRange(low, high)
            box.setDecimals(1)
            box.setSuffix(" mm")
            box.setValue(value)
            return box

        self.columns_spin = QSpinBox()
        self.columns_spin.setRange(1, 20)
        self.columns_spin.setValue(3)
        self.rows_spin = QSpinBox()
        self.rows_spin.setRange(1, 40)
        self.rows_spin.setValue(8)
        self.margin_spins = [spin(0, 100, 5) for _ in range(4)]  # top, right, bottom, left
        self.gap_spins = [spin(0, 50, 0) for _ in range(2)]  # across, down
        self.roll_width = spin(1, label_layouts.MAX_ROLL_MM, 50)
        self.roll_height = spin(1, label_layouts.MAX_ROLL_MM, 30)

        self.sheet_group = QGroupBox(self.tr("Custom sheet"))
        sheet_form = QHBoxLayout(self.sheet_group)
        for text, widget in ((self.tr("Columns"), self.columns_spin), (self.tr("Rows"), self.rows_spin),
                             (self.tr("Margins: top"), self.margin_spins[0]), (self.tr("right"), self.margin_spins[1]),
                             (self.tr("bottom"), self.margin_spins[2]), (self.tr("left"), self.margin_spins[3]),
                             (self.tr("Gaps: across"), self.gap_spins[0]), (self.tr("down"), self.gap_spins[1])):
            sheet_form.addWidget(QLabel(text))
            sheet_form.addWidget(widget)
        sheet_form.addStretch(1)
        self.roll_group = QGroupBox(self.tr("Custom roll label"))
        roll_form = QHBoxLayout(self.roll_group)
        for text, widget in ((self.tr("Width"), self.roll_width), (self.tr("Height"), self.roll_height)):
            roll_form.addWidget(QLabel(text))
            roll_form.addWidget(widget)
        roll_form.addStretch(1)

        for box in (self.start_spin, self.columns_spin, self.rows_spin, *self.margin_spins, *self.gap_spins,
                    self.roll_width, self.roll_height):
            box.valueChanged.connect(self._update_start_hint)
        options = QFormLayout()
        options.addRow(self.tr("La&yout"), self.layout_box)
        start_row = QHBoxLayout()
        start_row.addWidget(self.start_spin)
        self.start_hint = QLabel()
        start_row.addWidget(self.start_hint, 1)
        start_label = QLabel(self.tr("&Start at label"))
        start_label.setBuddy(self.start_spin)
        options.addRow(start_label, start_row)
        options.addRow("", self.outline_box)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error_label.setVisible(False)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)

        self.preview_button = QPushButton(self.tr("Preview (Ctrl+Shift+P)"))
        self.preview_button.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.preview_button.clicked.connect(lambda: self.make("preview"))
        self.print_button = QPushButton(self.tr("Print (Ctrl+P)"))
        self.print_button.setShortcut(QKeySequence("Ctrl+P"))
        self.print_button.clicked.connect(lambda: self.make("print"))
        self.pdf_button = QPushButton(self.tr("Save as PDF (Ctrl+S)"))
        self.pdf_button.setShortcut(QKeySequence("Ctrl+S"))
        self.pdf_button.clicked.connect(lambda: self.make("pdf"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.note_label, 1)
        for button in (self.preview_button, self.print_button, self.pdf_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addLayout(options)
        layout.addWidget(self.sheet_group)
        layout.addWidget(self.roll_group)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self._layout_changed()
        self._update_total()

    @staticmethod
    def _layout_text(layout: LabelLayout) -> str:
        if layout.roll:
            return tr("Roll: {w} x {h} mm labels").format(w=f"{layout.label_width:g}", h=f"{layout.label_height:g}")
        return tr("A4 sheet {c} x {r}: {n} labels of {w} x {h} mm").format(
            c=layout.columns, r=layout.rows, n=layout.per_page, w=f"{layout.label_width:g}",
            h=f"{layout.label_height:g}")

    def start(self) -> None:
        if not self.results.shown_generation:
            self.search_now()

    # --- parts ------------------------------------------------------------------------------------

    def search_now(self) -> int:
        self._debounce.stop()
        return self.results.set_query(self.search_box.text().strip())

    def _results_shown(self, _generation: int) -> None:
        if self.results.rowCount():
            self.results_table.setCurrentIndex(self.results.index(0, 0))

    def add_result(self, row: int) -> None:
        if 0 <= row < len(self.results.rows):
            self.add_part(self.results.rows[row])

    def add_part(self, part: Any, qty: int = 1) -> None:
        """Add ``qty`` labels of ``part`` (a row with id, number, brand, name_en); a part already
        in the list gets ``qty`` more."""
        self._say("")
        for index, entry in enumerate(self.entries):
            if entry.part_id == part.id:
                entry.spin.setValue(min(entry.spin.value() + qty, label_layouts.LABELS_MAX))
                self.table.selectRow(index)
                self._update_total()
                return
        spin = QSpinBox()
        spin.setRange(1, label_layouts.LABELS_MAX)
        spin.setValue(qty)
        spin.valueChanged.connect(self._update_total)
        entry = _Entry(part.id, part.number, part.brand, part.name_en, spin)
        self.entries.append(entry)
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate((entry.number, entry.brand, entry.name)):
            self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.setCellWidget(row, 3, spin)
        self.table.selectRow(row)
        self._update_total()

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.entries):
            self.entries.pop(row)
            self.table.removeRow(row)
            self._update_total()

    def clear(self) -> None:
        self.entries.clear()
        self.table.setRowCount(0)
        self._update_total()

    def quantities(self) -> list[tuple[int, int]]:
        return [(entry.part_id, entry.spin.value()) for entry in self.entries]

    def _update_total(self) -> None:
        labels = sum(qty for _, qty in self.quantities())
        self.total_label.setText(self.tr("{labels} label(s) of {parts} part(s)").format(
            labels=f"{labels:,}", parts=len(self.entries)))
        self._update_start_hint()

    def take_scan(self, code: str) -> None:
        """A scan: one more label of the part it belongs to; an unknown code is said inline."""
        def found(part: Any) -> None:
            if part is None:
                self._say(self.tr("Unknown barcode {code}: no part has it (or a part number). Nothing was "
                                  "added.").format(code=code))
            else:
                self.add_part(part)
                set_note(self.note_label, self.tr("Added a label of {number}.").format(number=part.number))
            self.scan_handled.emit(code)

        def failed(error: Exception) -> None:
            self._say(str(error))
            self.scan_handled.emit(code)

        self.runner.submit(find_scanned_part, code, owner=self, name="label_scan", on_done=found, on_error=failed)

    # --- layout -------------------------------------------------------------------------------------

    def _layout_changed(self) -> None:
        name = self.layout_box.currentData()
        self.sheet_group.setVisible(name == label_layouts.CUSTOM_SHEET)
        self.roll_group.setVisible(name == label_layouts.CUSTOM_ROLL)
        roll = name == label_layouts.CUSTOM_ROLL or (name in label_layouts.LAYOUTS
                                                     and label_layouts.LAYOUTS[name].roll)
        self.start_spin.setEnabled(not roll)
        if roll:
            self.start_spin.setValue(1)
        self._update_start_hint()

    def _update_start_hint(self) -> None:
        try:
            layout = self.label_layout()
        except ValidationError:
            self.start_hint.setText("")
            return
        labels = sum(qty for _, qty in self.quantities())
        start = self.start_spin.value()
        if layout.roll:
            text = self.tr("roll labels always start at 1")
        else:
            text = self.tr("of {per_page} on a sheet").format(per_page=layout.per_page)
        if labels and (layout.roll or 1 <= start <= layout.per_page):
            text += self.tr(" — {pages} page(s)").format(pages=layout.pages_for(labels, start=start))
        self.start_hint.setText(text)

    def label_layout(self) -> LabelLayout:
        """The label layout chosen, with the custom measurements; ValidationError when they
        make no sense (labels too small for a barcode, a grid that does not fit the page)."""
        name = self.layout_box.currentData()
        if name == label_layouts.CUSTOM_SHEET:
            top, right, bottom, left = (box.value() for box in self.margin_spins)
            return label_layouts.custom_sheet(self.columns_spin.value(), self.rows_spin.value(), top=top, right=right,
                                              bottom=bottom, left=left, gap_x=self.gap_spins[0].value(),
                                              gap_y=self.gap_spins[1].value())
        if name == label_layouts.CUSTOM_ROLL:
            return label_layouts.custom_roll(self.roll_width.value(), self.roll_height.value())
        return label_layouts.layout_named(name)

    # --- making the PDF -----------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def make(self, mode: str) -> None:
        """Preview, print or save (``mode`` "preview", "print", "pdf") the labels: the layout and
        the start position are checked here first, the PDF is made on the worker."""
        if mode not in print_path.MODES:
            raise ValueError(f"mode must be one of {print_path.MODES}, not {mode!r}")
        self._say("")
        set_note(self.note_label, "")
        if not self.entries:
            self._say(self.tr("No parts chosen: find a part and press Enter, or scan it. Nothing was printed."))
            return
        try:
            layout = self.label_layout()
            layout.check_start(self.start_spin.value())
            label_layouts.check_total(sum(qty for _, qty in self.quantities()))
        except ValidationError as error:
            self._say(" ".join(error.problems.values()) + " " + self.tr("Nothing was printed."))
            return
        self.runner.submit(make_labels_pdf, self.quantities(), layout, self.start_spin.value(),
                           self.outline_box.isChecked(), owner=self, name="labels_pdf",
                           on_done=lambda made: self._made(mode, layout, made),
                           on_error=lambda error: self._say(f"{error} " + self.tr("Nothing was printed.")))

    def _made(self, mode: str, layout: LabelLayout, made: LabelsPdf) -> None:
        kind = "label" if layout.roll else "labelsheet"
        summary = self.tr("{labels} label(s) on {pages} page(s)").format(labels=f"{made.labels:,}", pages=made.pages)
        try:
            if mode == "preview":
                try:
                    printer = print_path.printer_for(kind)
                except print_path.PrinterError:
                    printer = None  # a preview needs no printer; its Print button asks the system
                self.preview = print_path.preview_pdf(self, made.pdf, printer, title=self.tr("Preview of labels"))
                set_note(self.note_label, summary)
                self.pdf_done.emit(mode, self.preview)
            elif mode == "print":
                pages = print_path.print_pdf(made.pdf, print_path.printer_for(kind))
                set_note(self.note_label, self.tr("Printed {labels} label(s) on {pages} page(s).").format(
                    labels=f"{made.labels:,}", pages=pages))
                self.pdf_done.emit(mode, pages)
            else:
                path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save labels as PDF"),
                                                            str(Path.home() / f"labels-{layout.name}.pdf"),
                                                            self.tr("PDF files (*.pdf)"))
                if not path:
                    return
                if not path.lower().endswith(".pdf"):
                    path += ".pdf"
                try:
                    Path(path).write_bytes(made.pdf)
                except OSError as error:
                    self._say(self.tr("The labels were not saved to {path}: {error}.").format(
                        path=path, error=error.strerror or error))
                    return
                set_note(self.note_label, self.tr("Saved {summary} to {path}.").format(summary=summary, path=path))
                self.pdf_done.emit(mode, path)
        except print_path.PrinterError as error:
            self._say(self.tr("The labels were not printed: {error}").format(error=error))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if watched is self.search_box:
                if key == Qt.Key.Key_Escape and self.search_box.text():
                    self.search_box.clear()
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    if self._debounce.isActive() or self.results.shown_generation != self.results.generation:
                        self._add_when_shown()
                    else:
                        self.add_result(self.results_table.currentIndex().row())
                    return True
                if key == Qt.Key.Key_Down:
                    self.results_table.setFocus()
                    return True
            elif watched is self.results_table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.add_result(self.results_table.currentIndex().row())
                return True
            elif watched is self.table and key == Qt.Key.Key_Delete:
                self.remove_current()
                return True
        return super().eventFilter(watched, event)

    def _add_when_shown(self) -> None:
        """Enter typed before the results came: add the first result once they are in."""
        generation = self.search_now()

        def shown(shown_generation: int) -> None:
            if shown_generation != generation:
                return
            self.results.results_shown.disconnect(shown)
            if self.results.rowCount():
                self.add_result(0)
            else:
                self._say(self.tr("No part matches “{query}”.").format(query=self.results.query))

        self.results.results_shown.connect(shown)


# --- the tab --------------------------------------------------------------------------------------

class StockTab(QWidget):
    """The views of stock behind inner tabs, Ctrl+1 … Ctrl+9 each; ``badge_changed(n)`` with the
    number of low-stock parts (the window puts it on the tab)."""

    badge_changed = Signal(int)

    def __init__(self, runner: TaskRunner, actor: Actor, *, scanner: ScannerFilter | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.scanner = scanner
        self.low_count: int | None = None
        self._view_actions: list[QAction] = []
        self.list_view = StockListView(runner, actor)
        self.labels_view = LabelsView(runner)
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.views)
        # the count view owns the window's scans itself while it is shown (it queues them)
        self.count_view = CountView(runner, actor, scanner=scanner)
        self.receiving_view = ReceivingView(runner, actor)
        self.orders_view = PurchaseOrdersView(runner, actor)
        self.suppliers_view = SuppliersView(runner, actor)
        self.adjustments_view = AdjustmentsView(runner, actor)
        self.reports_view = StockReportsView(runner, actor)
        # view -> the permission that shows it (the list is for everyone who may look parts up)
        self._permissions: dict[QWidget, str] = {
            self.count_view: "stock.count", self.labels_view: "catalog.edit", self.receiving_view: "stock.receive",
            self.orders_view: "stock.purchase", self.suppliers_view: "catalog.view_cost",
            self.adjustments_view: "stock.adjust", self.reports_view: "catalog.view_cost"}
        self._started: set[QWidget] = set()  # the views whose start() ran (on their first showing)
        for view, title in ((self.list_view, self.tr("Stock list")), (self.count_view, self.tr("Counts")),
                            (self.labels_view, self.tr("Labels")), (self.receiving_view, self.tr("Receiving")),
                            (self.orders_view, self.tr("Purchase orders")), (self.suppliers_view, self.tr("Suppliers")),
                            (self.adjustments_view, self.tr("Adjustments")), (self.reports_view, self.tr("Reports"))):
            self.add_view(view, title)
        self.views.currentChanged.connect(self._view_changed)
        self.set_actor(actor)

    def add_view(self, widget: QWidget, title: str) -> int:
        """Add a view behind its own inner tab, reached with Ctrl+<its position>; returns its index.
        A view with ``take_scan(code)`` gets the scans while it is the current one."""
        index = self.views.addTab(widget, title)
        if index < 9:
            key = f"Ctrl+{index + 1}"
            self.views.setTabText(index, f"{title} ({key})")
            action = QAction(title, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, w=widget: self.show_view(w))
            self.addAction(action)
            self._view_actions.append(action)
        return index

    def show_view(self, widget: QWidget) -> None:
        index = self.views.indexOf(widget)
        if index >= 0 and self.views.isTabVisible(index):
            self.views.setCurrentIndex(index)

    def set_actor(self, actor: Actor) -> None:
        """Everyone who may look parts up sees the list; each other view needs its permission."""
        self.actor = actor
        for index in range(self.views.count()):
            view = self.views.widget(index)
            set_view_actor = getattr(view, "set_actor", None)
            if set_view_actor is not None:
                set_view_actor(actor)
            allowed = actor.can(self._permissions.get(view, "catalog.view"))
            self.views.setTabVisible(index, allowed)
            if not allowed and self.views.currentWidget() is view:
                self.views.setCurrentWidget(self.list_view)
        if self.low_count is not None:
            self.refresh_badge()

    def start(self) -> None:
        """The first page of the list and the badge."""
        self.list_view.search_now()
        self.refresh_badge()

    def refresh_badge(self) -> None:
        from partsdesk.services.stock_list import low_stock_count

        self.runner.submit(low_stock_count, self.actor, owner=self, name="low_stock_count", on_done=self._badge,
                           on_error=lambda _error: None)

    def _badge(self, count: int) -> None:
        self.low_count = count
        self.list_view.low_box.setText(self.tr("&Low stock ({count})").format(count=f"{count:,}"))
        self.badge_changed.emit(count)

    # --- scans --------------------------------------------------------------------------------------

    def take_scan(self, code: str) -> None:
        """The window's scanner owner while this tab is shown: to the current view."""
        take = getattr(self.views.currentWidget(), "take_scan", None)
        if take is not None:
            take(code)

    def _claim_scans(self) -> None:
        if self.scanner is None:
            return
        if getattr(self.views.currentWidget(), "take_scan", None) is not None:
            self.scanner.set_owner(self.take_scan)
        elif self.scanner.owner == self.take_scan:
            self.scanner.set_owner(None)  # typed into the view's focused widget

    def _view_changed(self, _index: int) -> None:
        if self.isVisible():
            self._claim_scans()
        widget = self.views.currentWidget()
        if widget is not self.list_view and widget is not self.labels_view and widget not in self._started:
            self._started.add(widget)
            start = getattr(widget, "start", None)
            if start is not None:
                start()
        if widget is self.labels_view:
            self.labels_view.start()
            self.labels_view.search_box.setFocus()
        elif widget is self.list_view:
            self.list_view.search_box.setFocus()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._claim_scans()
        if self.low_count is not None:
            self.refresh_badge()  # sales and receipts since it was last counted

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        if self.scanner is not None and self.scanner.owner == self.take_scan:
            self.scanner.set_owner(None)
