"""The workshop's set-up view: its bays, its labour classes with their rates, and its canned jobs
(service packages inserted into a repair order at once), side by side.

A standalone widget the Workshop tab hosts (``add_view``). Every action has its key, shown on its
button, one function key per section: Shift+F6 adds a bay, F6 renames the selected one, Ctrl+F6
deactivates (or reactivates) it; Shift+F7, F7 and Ctrl+F7 do the same for labour classes,
Shift+F8, F8 (or Enter on the list) and Ctrl+F8 for canned jobs; Alt+I shows the inactive rows
too; F5 reads everything again. (Ctrl+B and Ctrl+L are the main window's backup and switch-user
keys.) The selected canned job's lines are shown under the list.

The canned job dialog holds the job's lines in a small table: F2 finds a part (the counter's
part search), F3 adds labour (the default class, the class chosen in the row), F4 another charge
(other or sublet, with its price), Del takes the selected line off. Hours and quantities are
typed in the table; an empty price means the usual one (the part's price for the customer, the
class's rate).

Changing anything needs ``workshop.setup`` (a manager); everyone else with ``workshop.view``
reads, the buttons disabled with a tooltip saying why. The services run on the worker; what they
refuse is shown by its field (a line's problem on its row) and nothing is saved.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.money import format_money, format_quantity
from partsdesk.domain.permissions import Actor
from partsdesk.services import workshop_setup
from partsdesk.services.search import PartRow
from partsdesk.services.workshop_setup import (
    BayRow,
    CannedJobDetail,
    CannedJobRow,
    CannedLineRequest,
    LabourClassRow,
)
from partsdesk.ui.forms import FormDialog, key_button, open_over, set_note
from partsdesk.ui.purchasing_view import _fill, _table, currency_exponent
from partsdesk.ui.tasks import TaskRunner

_INACTIVE = QColor("#9e9e9e")
_BAD_ROW = QColor("#ffebee")


def _money_text(minor: int | None, exponent: int) -> str:
    return "" if minor is None else format_money(minor, exponent=exponent).replace(",", "")


def _bold(label: QLabel) -> QLabel:
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


def _grey_inactive(table: QTableWidget, rows: list[Any], inactive_text: str) -> None:
    for r, row in enumerate(rows):
        if not row.active:
            for c in range(table.columnCount()):
                table.item(r, c).setForeground(_INACTIVE)
            table.item(r, 1).setText(inactive_text.format(name=row.name))


# --- dialogs ------------------------------------------------------------------------------------

class BayDialog(FormDialog):
    """Shift+F6 / F6: a new bay (code and name) or a bay's new name. ``saved(id or None)``."""

    def __init__(self, runner: TaskRunner, actor: Actor, bay: BayRow | None, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.bay = bay
        self.setWindowTitle(self.tr("Rename bay {code} (F6)").format(code=bay.code) if bay
                            else self.tr("New bay (Shift+F6)"))
        self.code = self.field("code", self.tr("&Code"), QLineEdit())
        self.code.setPlaceholderText(self.tr("short, e.g. B4"))
        self.name = self.field("name", self.tr("&Name"), QLineEdit())
        self.name.setPlaceholderText(self.tr("as the calendar shows it, e.g. Bay 4 (lift)"))
        if bay is not None:
            self.code.setText(bay.code)
            self.code.setReadOnly(True)
            self.code.setToolTip(self.tr("A bay keeps its code: it heads the appointment calendar's column."))
            self.name.setText(bay.name)
            self.name.selectAll()
        self.setMinimumWidth(420)
        (self.name if bay else self.code).setFocus()

    def save(self, approval: Any = None) -> None:
        if self.bay is None:
            self.submit(partial(workshop_setup.add_bay, self.actor, code=self.code.text(), name=self.name.text()),
                        name="workshop_bay_add")
        else:
            self.submit(workshop_setup.rename_bay, self.actor, self.bay.id, self.name.text(), name="workshop_bay_rename")


class LabourClassDialog(FormDialog):
    """Shift+F7 / F7: a labour class: code, name, rate per hour."""

    def __init__(self, runner: TaskRunner, actor: Actor, labour_class: LabourClassRow | None, *, exponent: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.labour_class = labour_class
        self.setWindowTitle(self.tr("Labour class {code} (F7)").format(code=labour_class.code) if labour_class
                            else self.tr("New labour class (Shift+F7)"))
        self.code = self.field("code", self.tr("&Code"), QLineEdit())
        self.code.setPlaceholderText(self.tr("short, e.g. ELEC"))
        self.name = self.field("name", self.tr("&Name"), QLineEdit())
        self.name.setPlaceholderText(self.tr("e.g. Electrical"))
        self.rate = self.field("rate", self.tr("&Rate per hour"), QLineEdit())
        self.rate.setPlaceholderText(self.tr("e.g. 180.00"))
        if labour_class is not None:
            self.code.setText(labour_class.code)
            self.name.setText(labour_class.name)
            self.rate.setText(_money_text(labour_class.rate, exponent))
        self.setMinimumWidth(420)
        self.code.setFocus()

    def save(self, approval: Any = None) -> None:
        values = {"code": self.code.text(), "name": self.name.text(), "rate": self.rate.text()}
        # partial: the task runner's own ``name=`` is the task's name, not the class's
        if self.labour_class is None:
            self.submit(partial(workshop_setup.add_labour_class, self.actor, **values), name="labour_class_add")
        else:
            self.submit(partial(workshop_setup.edit_labour_class, self.actor, self.labour_class.id, **values),
                        name="labour_class_edit")


# the lines table of the canned job dialog
KIND, ITEM, DESCRIPTION, QTY, PRICE = range(5)


class CannedJobDialog(FormDialog):
    """Shift+F8 / F8: a canned job: code, name and its lines (a part, labour, another charge)."""

    def __init__(self, runner: TaskRunner, actor: Actor, job: CannedJobDetail | None,
                 classes: list[LabourClassRow], *, exponent: int, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.job = job
        self.classes = classes
        self.exponent = exponent
        self.dialog: Any = None
        self.lines: list[dict[str, Any]] = []  # per row: kind, part_id (the table holds the rest)
        self.setWindowTitle(self.tr("Canned job {code} (F8)").format(code=job.code) if job
                            else self.tr("New canned job (Shift+F8)"))
        self.code = self.field("code", self.tr("&Code"), QLineEdit())
        self.code.setPlaceholderText(self.tr("short, e.g. OIL"))
        self.name = self.field("name", self.tr("&Name"), QLineEdit())
        self.name.setPlaceholderText(self.tr("e.g. Oil service"))
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("Kind"), self.tr("Part or labour class"),
                                              self.tr("Description"), self.tr("Qty / hours"),
                                              self.tr("Unit price")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for column, width in ((KIND, 90), (ITEM, 220), (QTY, 90), (PRICE, 100)):
            self.table.setColumnWidth(column, width)
        self.table.setMinimumHeight(200)
        self.field("lines", self.tr("&Lines"), self.table)
        self.part_button = key_button(self, self.tr("F2 Add part"), "F2", self.find_part,
                                      self.tr("Find a part in the catalogue and add it as a line"))
        self.labour_button = key_button(self, self.tr("F3 Add labour"), "F3", self.add_labour,
                                        self.tr("Add a labour line: book hours at a labour class's rate"))
        self.other_button = key_button(self, self.tr("F4 Add other charge"), "F4", self.add_other,
                                       self.tr("Add another charge or a sublet (work done elsewhere), with its "
                                               "price"))
        self.remove_button = key_button(self, self.tr("Del Remove line"), "Del", self.remove_line,
                                        self.tr("Take the selected line off"), context=self.table)
        row = QHBoxLayout()
        for button in (self.part_button, self.labour_button, self.other_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        self.form.addRow("", row)
        hint = QLabel(self.tr("Type the quantity (hours for labour) and, if it is fixed, the unit price in the "
                              "table; an empty price is the usual one: the part's price for the customer, the "
                              "labour class's rate."))
        hint.setWordWrap(True)
        self.form.addRow("", hint)
        if job is not None:
            self.code.setText(job.code)
            self.name.setText(job.name)
            for line in job.lines:
                part_text = f"{line.part_number} · {line.part_brand} · {line.part_name}" if line.part_id else ""
                self._add_row(line.kind, part_id=line.part_id, part_text=part_text, unit=line.part_unit,
                              labour_class_id=line.labour_class_id, description=line.description,
                              qty=format_quantity(line.qty), price=_money_text(line.unit_price, exponent))
        self.resize(860, 520)
        self.code.setFocus()

    # --- rows -----------------------------------------------------------------------------------

    def _class_combo(self, chosen: int | None) -> QComboBox:
        box = QComboBox()
        for klass in self.classes:
            box.addItem(self.tr("{code} · {name} · {rate}/h").format(
                code=klass.code, name=klass.name, rate=_money_text(klass.rate, self.exponent)), klass.id)
        if chosen is not None and box.findData(chosen) < 0:
            box.addItem(self.tr("(inactive class {id})").format(id=chosen), chosen)
        box.setCurrentIndex(max(0, box.findData(chosen)) if chosen is not None else 0)
        return box

    def _add_row(self, kind: str, *, part_id: int | None = None, part_text: str = "", unit: str = "",
                 labour_class_id: int | None = None, description: str = "", qty: str = "1",
                 price: str = "") -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.lines.append({"kind": kind, "part_id": part_id})
        kind_item = QTableWidgetItem(self.tr(workshop_setup.KIND_LABELS.get(kind, kind)))
        kind_item.setFlags(kind_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, KIND, kind_item)
        if kind in ("sublet", "other"):
            box = QComboBox()
            box.addItem(self.tr("Other"), "other")
            box.addItem(self.tr("Sublet"), "sublet")
            box.setCurrentIndex(max(0, box.findData(kind)))
            self.table.setCellWidget(r, KIND, box)
        item = QTableWidgetItem(part_text + (f" ({unit})" if unit and unit != "pcs" else ""))
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, ITEM, item)
        if kind == "labour":
            self.table.setCellWidget(r, ITEM, self._class_combo(labour_class_id))
        self.table.setItem(r, DESCRIPTION, QTableWidgetItem(description))
        for column, text in ((QTY, qty), (PRICE, price)):
            cell = QTableWidgetItem(text)
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, column, cell)
        self.table.setCurrentCell(r, QTY if kind == "part" else DESCRIPTION)
        return r

    def find_part(self) -> None:
        from partsdesk.ui.counter_tab import PartSearchDialog  # the counter's part search

        dialog = PartSearchDialog(self.runner, self, exponent=self.exponent)
        dialog.setWindowTitle(self.tr("Find a part for the canned job (F2)"))
        dialog.picked.connect(self.add_part)
        dialog.finished.connect(self._search_closed)
        self.dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()

    def _search_closed(self) -> None:
        """The keys work on this dialog again once the part search closed."""
        self.dialog = None
        self.activateWindow()
        self.table.setFocus()

    def add_part(self, part: PartRow) -> None:
        self._add_row("part", part_id=part.id, part_text=f"{part.number} · {part.brand} · {part.name_en}",
                      unit=part.unit)
        self.table.setFocus()

    def add_labour(self) -> None:
        if not self.classes:
            self.errors.show_message(self.tr("No active labour class: add one first (Shift+F7 in the set-up)."))
            return
        self._add_row("labour", labour_class_id=self._default_class())
        self.table.setFocus()

    def _default_class(self) -> int:
        for klass in self.classes:
            if klass.code == "GEN":
                return klass.id
        return self.classes[0].id

    def add_other(self) -> None:
        self._add_row("other")
        self.table.setFocus()

    def remove_line(self) -> None:
        r = self.table.currentRow()
        if 0 <= r < len(self.lines):
            self.table.removeRow(r)
            del self.lines[r]

    # --- saving ---------------------------------------------------------------------------------

    def line_requests(self) -> list[CannedLineRequest]:
        requests = []
        for r, line in enumerate(self.lines):
            kind = line["kind"]
            kind_box = self.table.cellWidget(r, KIND)
            if isinstance(kind_box, QComboBox):
                kind = kind_box.currentData()
            class_box = self.table.cellWidget(r, ITEM)
            requests.append(CannedLineRequest(
                kind=kind, part_id=line["part_id"],
                labour_class_id=class_box.currentData() if isinstance(class_box, QComboBox) else None,
                description=self.table.item(r, DESCRIPTION).text(), qty=self.table.item(r, QTY).text(),
                unit_price=self.table.item(r, PRICE).text()))
        return requests

    def save(self, approval: Any = None) -> None:
        for r in range(self.table.rowCount()):
            for c in range(self.table.columnCount()):
                if self.table.item(r, c) is not None:
                    self.table.item(r, c).setBackground(QColor(0, 0, 0, 0))
        values = {"code": self.code.text(), "name": self.name.text(), "lines": self.line_requests()}
        if self.job is None:
            self.submit(partial(workshop_setup.add_canned_job, self.actor, **values), name="canned_job_add")
        else:
            self.submit(partial(workshop_setup.edit_canned_job, self.actor, self.job.id, **values),
                        name="canned_job_edit")

    def _refused(self, error: Exception) -> None:
        super()._refused(error)
        self.table.clearSelection()  # so the lines marked in red show
        columns = {"kind": KIND, "part": ITEM, "labour_class": ITEM, "description": DESCRIPTION, "qty": QTY,
                   "unit_price": PRICE}
        for key in getattr(error, "problems", {}) or {}:
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(self.lines):
                item = self.table.item(int(parts[1]), columns.get(parts[2], DESCRIPTION))
                if item is not None:
                    item.setBackground(_BAD_ROW)


# --- the view -----------------------------------------------------------------------------------

class WorkshopSetupView(QWidget):
    """Bays, labour classes and canned jobs: ``start()`` once shown (the host calls it),
    ``set_actor`` when the user changes."""

    dialog_opened = Signal(object)
    loaded = Signal()  # all three lists are drawn
    lines_shown = Signal()

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.dialog: Any = None
        self.exponent = 2
        self.bays: list[BayRow] = []
        self.classes: list[LabourClassRow] = []
        self.jobs: list[CannedJobRow] = []
        self._pending = 0

        self.inactive_box = QCheckBox(self.tr("Show &inactive (Alt+I)"))
        self.inactive_box.toggled.connect(lambda _on: self.refresh())
        self.refresh_button = key_button(self, self.tr("F5 Refresh"), "F5", self.refresh,
                                         self.tr("Read the bays, labour classes and canned jobs again"))
        self.note = QLabel()
        self.note.setWordWrap(True)

        # bays
        self.bays_table = _table([self.tr("Code"), self.tr("Bay")])
        self.bays_table.activated.connect(lambda _index: self.rename_bay())
        self.bays_table.doubleClicked.connect(lambda _index: self.rename_bay())
        self.bays_table.itemSelectionChanged.connect(self._update_buttons)
        self.new_bay_button = key_button(self, self.tr("Shift+F6 New bay"), "Shift+F6", self.new_bay,
                                         self.tr("Add a bay (a lift, the alignment bay) for appointments"))
        self.rename_bay_button = key_button(self, self.tr("F6 Rename"), "F6", self.rename_bay,
                                            self.tr("Rename the selected bay"))
        self.bay_active_button = key_button(self, self.tr("Ctrl+F6 Deactivate"), "Ctrl+F6", self.toggle_bay,
                                            self.tr("Deactivate the selected bay (or reactivate it)"))
        # labour classes
        self.classes_table = _table([self.tr("Code"), self.tr("Labour class"), self.tr("Rate per hour")],
                                    numeric=(2,))
        self.classes_table.activated.connect(lambda _index: self.edit_class())
        self.classes_table.doubleClicked.connect(lambda _index: self.edit_class())
        self.classes_table.itemSelectionChanged.connect(self._update_buttons)
        self.new_class_button = key_button(self, self.tr("Shift+F7 New class"), "Shift+F7", self.new_class,
                                           self.tr("Add a labour class with its rate per hour"))
        self.edit_class_button = key_button(self, self.tr("F7 Edit"), "F7", self.edit_class,
                                            self.tr("Change the selected class's code, name or rate"))
        self.class_active_button = key_button(self, self.tr("Ctrl+F7 Deactivate"), "Ctrl+F7", self.toggle_class,
                                              self.tr("Deactivate the selected class (or reactivate it)"))
        # canned jobs
        self.jobs_table = _table([self.tr("Code"), self.tr("Canned job"), self.tr("Lines"), self.tr("Book hours")],
                                 numeric=(2, 3))
        self.jobs_table.activated.connect(lambda _index: self.edit_job())
        self.jobs_table.doubleClicked.connect(lambda _index: self.edit_job())
        self.jobs_table.itemSelectionChanged.connect(self._job_selected)
        self.lines_table = _table([self.tr("Kind"), self.tr("Part or labour class"), self.tr("Description"),
                                   self.tr("Qty / hours"), self.tr("Unit price")], numeric=(3, 4))
        self.lines_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.new_job_button = key_button(self, self.tr("Shift+F8 New canned job"), "Shift+F8", self.new_job,
                                         self.tr("Add a service package: parts, labour and charges added to a "
                                                 "repair order at once"))
        self.edit_job_button = key_button(self, self.tr("F8 Edit"), "F8", self.edit_job,
                                          self.tr("Change the selected canned job and its lines (or Enter on the "
                                                  "list)"))
        self.job_active_button = key_button(self, self.tr("Ctrl+F8 Deactivate"), "Ctrl+F8", self.toggle_job,
                                            self.tr("Deactivate the selected canned job (or reactivate it)"))

        def section(title: str, table: QTableWidget, buttons: tuple[QPushButton, ...],
                    extra: QWidget | None = None) -> QWidget:
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(_bold(QLabel(title)))
            column.addWidget(table, 1)
            if extra is not None:
                column.addWidget(extra, 1)
            row = QHBoxLayout()
            for button in buttons:
                row.addWidget(button)
            row.addStretch(1)
            column.addLayout(row)
            return box

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(section(self.tr("Bays"), self.bays_table,
                               (self.new_bay_button, self.rename_bay_button, self.bay_active_button)))
        left.addWidget(section(self.tr("Labour classes"), self.classes_table,
                               (self.new_class_button, self.edit_class_button, self.class_active_button)))
        right = section(self.tr("Canned jobs"), self.jobs_table,
                        (self.new_job_button, self.edit_job_button, self.job_active_button), self.lines_table)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        top = QHBoxLayout()
        top.addWidget(self.note, 1)
        top.addWidget(self.inactive_box)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.setFocusProxy(self.jobs_table)
        self.set_actor(actor)

    # --- the host's hooks ------------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        """Another user: changing the set-up needs workshop.setup."""
        self.actor = actor
        self._update_buttons()

    def start(self) -> None:
        self.runner.submit(currency_exponent, owner=self, name="workshop_setup_currency",
                           on_done=lambda value: setattr(self, "exponent", value))
        self.refresh()
        self.jobs_table.setFocus()

    def refresh(self) -> None:
        """Read the three lists again (on the worker); ``loaded`` once all are drawn."""
        inactive = self.inactive_box.isChecked()
        self._pending = 3
        for fn, done, name in ((workshop_setup.list_bays, self._bays_listed, "workshop_bays"),
                               (workshop_setup.list_labour_classes, self._classes_listed, "workshop_classes"),
                               (workshop_setup.list_canned_jobs, self._jobs_listed, "workshop_canned_jobs")):
            self.runner.submit(fn, self.actor, include_inactive=inactive, owner=self, name=name, on_done=done,
                               on_error=self._load_failed)

    def _load_failed(self, error: Exception) -> None:
        set_note(self.note, str(error), error=True)

    def _one_loaded(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self._update_buttons()
            if self.actor.can("workshop.setup"):
                set_note(self.note, self.tr("{bays} bay(s), {classes} labour class(es), {jobs} canned job(s).").format(
                    bays=len(self.bays), classes=len(self.classes), jobs=len(self.jobs)))
            else:
                set_note(self.note, self.tr("Read only: the workshop set-up is changed by a manager."))
            self.loaded.emit()

    def _can_edit(self) -> bool:
        return self.actor.can("workshop.setup")

    def _update_buttons(self) -> None:
        edit = self._can_edit()
        why = self.tr("Only a manager may change the workshop set-up (permission workshop.setup).")
        pairs = ((self.new_bay_button, True), (self.rename_bay_button, self.selected(self.bays_table, self.bays)),
                 (self.bay_active_button, self.selected(self.bays_table, self.bays)),
                 (self.new_class_button, True),
                 (self.edit_class_button, self.selected(self.classes_table, self.classes)),
                 (self.class_active_button, self.selected(self.classes_table, self.classes)),
                 (self.new_job_button, True), (self.edit_job_button, self.selected(self.jobs_table, self.jobs)),
                 (self.job_active_button, self.selected(self.jobs_table, self.jobs)))
        for button, ready in pairs:
            button.setEnabled(edit and bool(ready))
            if not hasattr(button, "usual_tip"):
                button.usual_tip = button.toolTip()  # type: ignore[attr-defined]
            button.setToolTip(button.usual_tip if edit else why)  # type: ignore[attr-defined]
        for button, rows, table in ((self.bay_active_button, self.bays, self.bays_table),
                                    (self.class_active_button, self.classes, self.classes_table),
                                    (self.job_active_button, self.jobs, self.jobs_table)):
            chosen = self.selected(table, rows)
            key = button.text().split(" ", 1)[0]
            button.setText(f"{key} " + (self.tr("Reactivate") if chosen is not None and not chosen.active
                                        else self.tr("Deactivate")))

    @staticmethod
    def selected(table: QTableWidget, rows: list[Any]) -> Any:
        r = table.currentRow()
        return rows[r] if 0 <= r < len(rows) else None

    def _draw(self, table: QTableWidget, rows: list[Any], cells: list[list[str]], chosen: int | None) -> None:
        _fill(table, cells)
        _grey_inactive(table, rows, self.tr("{name} (inactive)"))
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        ids = [row.id for row in rows]
        if rows:
            table.selectRow(ids.index(chosen) if chosen in ids else 0)

    def _bays_listed(self, bays: list[BayRow], chosen: int | None = None) -> None:
        chosen = chosen or getattr(self.selected(self.bays_table, self.bays), "id", None)
        self.bays = bays
        self._draw(self.bays_table, bays, [[b.code, b.name] for b in bays], chosen)
        self._one_loaded()

    def _classes_listed(self, classes: list[LabourClassRow], chosen: int | None = None) -> None:
        chosen = chosen or getattr(self.selected(self.classes_table, self.classes), "id", None)
        self.classes = classes
        self._draw(self.classes_table, classes,
                   [[c.code, c.name, format_money(c.rate, exponent=self.exponent)] for c in classes], chosen)
        self._one_loaded()

    def _jobs_listed(self, jobs: list[CannedJobRow], chosen: int | None = None) -> None:
        chosen = chosen or getattr(self.selected(self.jobs_table, self.jobs), "id", None)
        self.jobs = jobs
        self._draw(self.jobs_table, jobs, [[j.code, j.name, str(j.lines), format_quantity(j.hours)] for j in jobs],
                   chosen)
        if not jobs:
            self.lines_table.setRowCount(0)
        self._one_loaded()

    # --- the selected canned job's lines --------------------------------------------------------

    def _job_selected(self) -> None:
        self._update_buttons()
        job = self.selected(self.jobs_table, self.jobs)
        if job is None:
            self.lines_table.setRowCount(0)
            return
        self.runner.submit(workshop_setup.get_canned_job, self.actor, job.id, owner=self, name="canned_job_lines",
                           on_done=self._show_lines, on_error=self._load_failed)

    def _show_lines(self, detail: CannedJobDetail) -> None:
        current = self.selected(self.jobs_table, self.jobs)
        if current is None or current.id != detail.id:
            return  # another job was chosen meanwhile
        rows = []
        for line in detail.lines:
            if line.part_id:
                item = f"{line.part_number} · {line.part_brand}" + ("" if line.part_active else
                                                                     self.tr(" (inactive)"))
            elif line.labour_class_id:
                item = line.labour_class_code + ("" if line.labour_class_active else self.tr(" (inactive)"))
            else:
                item = ""
            unit = line.part_unit if line.part_id else ("h" if line.kind == "labour" else "")
            rows.append([self.tr(workshop_setup.KIND_LABELS.get(line.kind, line.kind)), item,
                         line.description or line.part_name, format_quantity(line.qty, unit),
                         _money_text(line.unit_price, self.exponent) or self.tr("usual")])
        _fill(self.lines_table, rows)
        self.lines_table.resizeColumnsToContents()
        self.lines_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.lines_shown.emit()

    # --- actions --------------------------------------------------------------------------------

    def _open(self, dialog: QDialog, reload: Any) -> None:
        if hasattr(dialog, "saved"):
            dialog.saved.connect(reload)
        open_over(self, dialog, lambda: self.jobs_table)

    def _reload(self, table_fn: Any, done: Any, name: str) -> Any:
        def run(result: Any) -> None:
            chosen = result if isinstance(result, int) else None
            self.runner.submit(table_fn, self.actor, include_inactive=self.inactive_box.isChecked(), owner=self,
                               name=name, on_done=lambda rows: (setattr(self, "_pending", 1), done(rows, chosen)),
                               on_error=self._load_failed)
        return run

    def new_bay(self) -> None:
        if self._can_edit():
            self._open(BayDialog(self.runner, self.actor, None, self),
                       self._reload(workshop_setup.list_bays, self._bays_listed, "workshop_bays"))

    def rename_bay(self) -> None:
        bay = self.selected(self.bays_table, self.bays)
        if bay is not None and self._can_edit():
            self._open(BayDialog(self.runner, self.actor, bay, self),
                       self._reload(workshop_setup.list_bays, self._bays_listed, "workshop_bays"))

    def new_class(self) -> None:
        if self._can_edit():
            self._open(LabourClassDialog(self.runner, self.actor, None, exponent=self.exponent, parent=self),
                       self._reload(workshop_setup.list_labour_classes, self._classes_listed, "workshop_classes"))

    def edit_class(self) -> None:
        klass = self.selected(self.classes_table, self.classes)
        if klass is not None and self._can_edit():
            self._open(LabourClassDialog(self.runner, self.actor, klass, exponent=self.exponent, parent=self),
                       self._reload(workshop_setup.list_labour_classes, self._classes_listed, "workshop_classes"))

    def new_job(self) -> None:
        if self._can_edit():
            self._job_dialog(None)

    def edit_job(self) -> None:
        job = self.selected(self.jobs_table, self.jobs)
        if job is not None and self._can_edit():
            self.runner.submit(workshop_setup.get_canned_job, self.actor, job.id, owner=self, name="canned_job_get",
                               on_done=self._job_dialog, on_error=self._refused)

    def _job_dialog(self, detail: CannedJobDetail | None) -> None:
        def with_classes(classes: list[LabourClassRow]) -> None:
            dialog = CannedJobDialog(self.runner, self.actor, detail, classes, exponent=self.exponent, parent=self)
            self._open(dialog, self._reload(workshop_setup.list_canned_jobs, self._jobs_listed,
                                            "workshop_canned_jobs"))

        # the active classes, read fresh: a class added a moment ago is offered
        self.runner.submit(workshop_setup.list_labour_classes, self.actor, owner=self, name="workshop_classes_active",
                           on_done=with_classes, on_error=self._refused)

    def _toggle(self, fn: Any, row: Any, reload: Any) -> None:
        if row is None or not self._can_edit():
            return
        self.runner.submit(fn, self.actor, row.id, not row.active, owner=self, name="workshop_setup_active",
                           on_done=lambda _r: reload(row.id), on_error=self._refused)

    def toggle_bay(self) -> None:
        self._toggle(workshop_setup.set_bay_active, self.selected(self.bays_table, self.bays),
                     self._reload(workshop_setup.list_bays, self._bays_listed, "workshop_bays"))

    def toggle_class(self) -> None:
        self._toggle(workshop_setup.set_labour_class_active, self.selected(self.classes_table, self.classes),
                     self._reload(workshop_setup.list_labour_classes, self._classes_listed, "workshop_classes"))

    def toggle_job(self) -> None:
        self._toggle(workshop_setup.set_canned_job_active, self.selected(self.jobs_table, self.jobs),
                     self._reload(workshop_setup.list_canned_jobs, self._jobs_listed, "workshop_canned_jobs"))

    def _refused(self, error: Exception) -> None:
        set_note(self.note, str(error) + " " + self.tr("Nothing was changed."), error=True)


__all__ = ["BayDialog", "CannedJobDialog", "LabourClassDialog", "WorkshopSetupView"]
