"""The part editor: every field of a catalogue part, its barcodes, other numbers and fitments.

The values go to ``services.catalog.save_part`` as the user typed them (the domain's
``clean_part`` is the one place that checks them, for the editor and the importer alike). A
refused value is shown next to its field in red and nothing closes. A price change by a role
that may not change prices offers the manager step-up and saves again with the approval.
Roles without ``catalog.edit`` see the part read-only; roles without ``catalog.view_cost``
never see the cost (the service does not even send it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.catalog import GRADE_LABELS, GRADES, STANDARD_CATEGORIES, UNITS
from partsdesk.domain.errors import PermissionDenied, UserError
from partsdesk.domain.money import format_bp, format_money, format_quantity
from partsdesk.domain.part_numbers import NUMBER_KIND_LABELS, NUMBER_KINDS
from partsdesk.domain.permissions import Actor, Approval
from partsdesk.ui.forms import FORM_STYLE, FieldErrors, error_label
from partsdesk.ui.tasks import TaskRunner

OTHER_NUMBER_KINDS = tuple(kind for kind in NUMBER_KINDS if kind != "own")


@dataclass(frozen=True)
class PartFormData:
    """What the editor needs, read in one go on the worker."""

    part: Any  # services.catalog.PartDetail, or None for a new part
    categories: list[tuple[str, str]]  # (code, label), sub-categories indented under their parent
    brands: list[str]
    suppliers: list[str]
    vehicle_models: list[tuple[int, str]]  # (id, "Make Model 中文")
    default_tax_bp: int


def load_form_data(actor: Actor, part_id: int | None) -> PartFormData:
    """On the worker: the part (None: a new one) and the lists its combo boxes offer."""
    from partsdesk.services import catalog, settings

    part = catalog.get_part(actor, part_id) if part_id is not None else None
    rows = catalog.list_categories()
    if rows:
        names = {row.id: row.name_en for row in rows}
        categories = [(row.code, (f"{names.get(row.parent_id, '')} › " if row.parent_id else "")
                       + _both(row.name_en, row.name_zh)) for row in rows]
    else:  # a new shop: the handbook's categories (saving the first part stores them)
        categories = []
        for code, name_en, name_zh, subs in STANDARD_CATEGORIES:
            categories.append((code, _both(name_en, name_zh)))
            categories.extend((sub, f"{name_en} › " + _both(en, zh)) for sub, en, zh in subs)
    models = [(row.id, " ".join(t for t in (row.make, row.model, row.make_zh + row.model_zh) if t))
              for row in catalog.list_vehicle_models()]
    return PartFormData(part=part, categories=categories, brands=[row.name for row in catalog.list_brands()],
                        suppliers=[row.name for row in catalog.list_suppliers()], vehicle_models=models,
                        default_tax_bp=settings.get("tax.default_rate_bp"))


def _both(english: str, chinese: str) -> str:
    return f"{english} · {chinese}" if chinese else english


class PartEditorDialog(QDialog):
    saved = Signal(int)  # the part's id, after the save committed

    def __init__(self, runner: TaskRunner, actor: Actor, data: PartFormData, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.data = data
        self.part = data.part
        self.part_id: int | None = self.part.id if self.part is not None else None
        self.may_edit = actor.can("catalog.edit")
        self.shows_cost = actor.can("catalog.view_cost") and (self.part is None or self.part.cost is not None)
        self._saving = False
        self.setStyleSheet(FORM_STYLE)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        if self.part is None:
            self.setWindowTitle(self.tr("New part"))
        else:
            self.setWindowTitle(self.tr("Part {brand} {number}").format(brand=self.part.brand, number=self.part.number))

        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self._build_fields()
        self._build_lists()
        self._fill()

        buttons = QDialogButtonBox()
        if self.may_edit:
            self.save_button = buttons.addButton(self.tr("Save (Ctrl+S)"), QDialogButtonBox.ButtonRole.AcceptRole)
            buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
            buttons.accepted.connect(self.save)
            QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        else:
            self.save_button = None
            buttons.addButton(self.tr("Close (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        columns = QHBoxLayout()
        columns.addWidget(self.part_box, 3)
        columns.addWidget(self.money_box, 2)
        layout.addLayout(columns)
        layout.addWidget(self.lists, 1)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.resize(980, 640)
        if not self.may_edit:
            self._set_read_only()
        self.number.setFocus()
        self._initial = self._snapshot()

    # --- building ---------------------------------------------------------------------------

    def _row(self, form: QFormLayout, name: str, label: str, widget: QWidget) -> None:
        form.addRow(label, widget)
        form.addRow("", self.errors.add(name, widget))

    def _money(self) -> QLineEdit:
        edit = QLineEdit()
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.setMaximumWidth(160)
        return edit

    def _build_fields(self) -> None:
        self.number = QLineEdit()
        self.brand = QComboBox()
        self.brand.setEditable(True)
        self.brand.addItems(self.data.brands)
        self.brand.setCurrentIndex(-1)
        self.name_en = QLineEdit()
        self.name_zh = QLineEdit()
        self.category = QComboBox()
        for code, label in self.data.categories:
            self.category.addItem(label, code)
        self.category.setCurrentIndex(-1)
        self.grade = QComboBox()
        for grade in GRADES:
            self.grade.addItem(self.tr(GRADE_LABELS.get(grade, grade)), grade)
        self.unit = QComboBox()
        for code, (english, chinese) in UNITS.items():
            self.unit.addItem(f"{code} — {english} · {chinese}", code)
        self.bin = QLineEdit()
        self.bin.setMaximumWidth(160)
        self.supplier = QComboBox()
        self.supplier.setEditable(True)
        self.supplier.addItems(["", *self.data.suppliers])
        self.active = QCheckBox(self.tr("Active (sold and found by searches)"))

        part_form = QFormLayout()
        part_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._row(part_form, "number", self.tr("Part number"), self.number)
        self._row(part_form, "brand", self.tr("Brand"), self.brand)
        self._row(part_form, "name_en", self.tr("Description"), self.name_en)
        self._row(part_form, "name_zh", self.tr("Chinese name"), self.name_zh)
        self._row(part_form, "category", self.tr("Category"), self.category)
        grade_unit = QHBoxLayout()
        grade_unit.addWidget(self.grade, 1)
        grade_unit.addWidget(QLabel(self.tr("Unit")))
        grade_unit.addWidget(self.unit, 1)
        part_form.addRow(self.tr("Grade"), grade_unit)
        part_form.addRow("", self.errors.add("grade", self.grade))
        part_form.addRow("", self.errors.add("unit", self.unit))
        self._row(part_form, "bin", self.tr("Bin location"), self.bin)
        self._row(part_form, "supplier", self.tr("Preferred supplier"), self.supplier)
        part_form.addRow("", self.active)
        self.part_box = QGroupBox(self.tr("Part"))
        self.part_box.setLayout(part_form)

        self.cost = self._money()
        self.price_retail = self._money()
        self.price_trade = self._money()
        self.price_wholesale = self._money()
        self.tax_rate = self._money()
        self.core_charge = self._money()
        self.min_qty = self._money()
        self.max_qty = self._money()
        self.warranty_months = QSpinBox()
        self.warranty_months.setRange(0, 600)
        self.warranty_months.setSuffix(self.tr(" months"))
        self.warranty_km = QSpinBox()
        self.warranty_km.setRange(0, 1_000_000)
        self.warranty_km.setSingleStep(1000)
        self.warranty_km.setGroupSeparatorShown(True)
        self.warranty_km.setSuffix(self.tr(" km"))
        for spin in (self.warranty_months, self.warranty_km):
            spin.setMaximumWidth(160)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.on_hand = QLabel()

        money_form = QFormLayout()
        if self.shows_cost:
            self._row(money_form, "cost", self.tr("Cost price"), self.cost)
        self._row(money_form, "price_retail", self.tr("Retail price"), self.price_retail)
        self._row(money_form, "price_trade", self.tr("Trade price"), self.price_trade)
        self._row(money_form, "price_wholesale", self.tr("Wholesale price"), self.price_wholesale)
        self._row(money_form, "tax_rate", self.tr("Tax rate"), self.tax_rate)
        self._row(money_form, "core_charge", self.tr("Core charge"), self.core_charge)
        self._row(money_form, "min_qty", self.tr("Minimum stock"), self.min_qty)
        self._row(money_form, "max_qty", self.tr("Maximum stock"), self.max_qty)
        self._row(money_form, "warranty_months", self.tr("Warranty"), self.warranty_months)
        self._row(money_form, "warranty_km", self.tr("Warranty distance"), self.warranty_km)
        if self.part is not None:
            money_form.addRow(self.tr("On hand"), self.on_hand)
        self.money_box = QGroupBox(self.tr("Prices and stock"))
        self.money_box.setLayout(money_form)

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        return table

    def _list_page(self, name: str, table: QTableWidget, add_text: str, add) -> QWidget:
        page = QWidget()
        add_button = QPushButton(add_text)
        add_button.clicked.connect(add)
        remove_button = QPushButton(self.tr("Remove"))
        remove_button.clicked.connect(lambda: self._remove_row(table))
        buttons = QVBoxLayout()
        buttons.addWidget(add_button)
        buttons.addWidget(remove_button)
        buttons.addStretch(1)
        grid = QGridLayout(page)
        grid.addWidget(table, 0, 0)
        grid.addLayout(buttons, 0, 1)
        grid.addWidget(self.errors.add(name, table), 1, 0, 1, 2)
        self._list_buttons.extend([add_button, remove_button])
        return page

    def _build_lists(self) -> None:
        self._list_buttons: list[QPushButton] = []
        self.barcodes = self._table([self.tr("Barcode (EAN-13, UPC-A, EAN-8, GTIN-14 or shop code)")])
        self.numbers = self._table([self.tr("Kind"), self.tr("Maker"), self.tr("Number")])
        self.fitments = self._table([self.tr("Vehicle"), self.tr("From year"), self.tr("To year"), self.tr("Engine"),
                                     self.tr("Position"), self.tr("Note")])
        fit_header = self.fitments.horizontalHeader()
        fit_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 6):
            fit_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.fitments.setColumnWidth(column, 90 if column < 3 else 110)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)

        self.lists = QTabWidget()
        self.lists.addTab(self._list_page("barcodes", self.barcodes, self.tr("Add barcode"),
                                          lambda: self.add_barcode("")), self.tr("Barcodes"))
        self.lists.addTab(self._list_page("numbers", self.numbers, self.tr("Add number"),
                                          lambda: self.add_number("interchange", "", "")), self.tr("Other numbers"))
        fitment_page = self._list_page("fitments", self.fitments, self.tr("Add vehicle"), self._add_blank_fitment)
        if not self.data.vehicle_models:
            hint = QLabel(self.tr("No vehicle models in the list yet; they come with the catalogue import."))
            hint.setWordWrap(True)
            fitment_page.layout().addWidget(hint, 2, 0, 1, 2)
        self.lists.addTab(fitment_page, self.tr("Fits vehicles"))
        notes_page = QWidget()
        notes_layout = QVBoxLayout(notes_page)
        notes_layout.addWidget(self.notes)
        notes_layout.addWidget(self.errors.add("notes", self.notes))
        self.lists.addTab(notes_page, self.tr("Notes"))

    # --- list rows ---------------------------------------------------------------------------

    def _remove_row(self, table: QTableWidget) -> None:
        row = table.currentRow()
        if row >= 0:
            table.removeRow(row)

    def add_barcode(self, code: str) -> None:
        row = self.barcodes.rowCount()
        self.barcodes.insertRow(row)
        self.barcodes.setItem(row, 0, QTableWidgetItem(code))
        if not code:
            self.barcodes.setCurrentCell(row, 0)
            self.barcodes.editItem(self.barcodes.item(row, 0))

    def add_number(self, kind: str, maker: str, number: str) -> None:
        row = self.numbers.rowCount()
        self.numbers.insertRow(row)
        combo = QComboBox()
        for code in OTHER_NUMBER_KINDS:
            combo.addItem(self.tr(NUMBER_KIND_LABELS[code]), code)
        combo.setCurrentIndex(max(0, combo.findData(kind)))
        self.numbers.setCellWidget(row, 0, combo)
        self.numbers.setItem(row, 1, QTableWidgetItem(maker))
        self.numbers.setItem(row, 2, QTableWidgetItem(number))

    def add_fitment(self, model_id: int | None, year_from: object = "", year_to: object = "", engine: str = "",
                    position: str = "", note: str = "") -> None:
        row = self.fitments.rowCount()
        self.fitments.insertRow(row)
        combo = QComboBox()
        for vehicle_id, label in self.data.vehicle_models:
            combo.addItem(label, vehicle_id)
        combo.setCurrentIndex(combo.findData(model_id) if model_id is not None else -1)
        self.fitments.setCellWidget(row, 0, combo)
        for column, value in enumerate((year_from, year_to, engine, position, note), start=1):
            self.fitments.setItem(row, column, QTableWidgetItem("" if value is None else str(value)))

    def _add_blank_fitment(self) -> None:
        self.add_fitment(None)

    # --- values -----------------------------------------------------------------------------

    def _fill(self) -> None:
        part = self.part
        self.active.setChecked(True if part is None else part.active)
        self.unit.setCurrentIndex(self.unit.findData("pcs"))
        self.grade.setCurrentIndex(self.grade.findData("AFTERMARKET"))
        self.tax_rate.setText(format_bp(self.data.default_tax_bp))
        if part is None:
            return
        self.number.setText(part.number)
        self.brand.setCurrentText(part.brand)
        self.name_en.setText(part.name_en)
        self.name_zh.setText(part.name_zh)
        self.category.setCurrentIndex(self.category.findData(part.category))
        self.grade.setCurrentIndex(self.grade.findData(part.grade))
        self.unit.setCurrentIndex(self.unit.findData(part.unit))
        self.bin.setText(part.bin)
        self.supplier.setCurrentText(part.supplier)
        if self.shows_cost and part.cost is not None:
            self.cost.setText(format_money(part.cost))
        self.price_retail.setText(format_money(part.price_retail))
        self.price_trade.setText(format_money(part.price_trade))
        self.price_wholesale.setText(format_money(part.price_wholesale))
        self.tax_rate.setText(format_bp(part.tax_rate_bp))
        self.core_charge.setText(format_money(part.core_charge))
        self.min_qty.setText(format_quantity(part.min_qty))
        self.max_qty.setText(format_quantity(part.max_qty))
        self.warranty_months.setValue(part.warranty_months)
        self.warranty_km.setValue(part.warranty_km)
        self.notes.setPlainText(part.notes)
        self.on_hand.setText(format_quantity(part.on_hand, part.unit))
        for code, _symbology in part.barcodes:
            self.add_barcode(code)
        for kind, maker, number in part.numbers:
            self.add_number(kind, maker, number)
        for fitment in part.fitments:
            self.add_fitment(fitment.vehicle_model_id, fitment.year_from, fitment.year_to, fitment.engine,
                             fitment.position, fitment.note)

    def raw_values(self) -> dict[str, object]:
        """The fields as typed, keyed like ``domain.catalog.clean_part`` expects."""
        raw: dict[str, object] = {
            "number": self.number.text(),
            "brand": self.brand.currentText(),
            "name_en": self.name_en.text(),
            "name_zh": self.name_zh.text(),
            "category": self.category.currentData() or "",
            "grade": self.grade.currentData(),
            "unit": self.unit.currentData(),
            "bin": self.bin.text(),
            "price_retail": self.price_retail.text(),
            "price_trade": self.price_trade.text(),
            "price_wholesale": self.price_wholesale.text(),
            "tax_rate": self.tax_rate.text(),
            "min_qty": self.min_qty.text(),
            "max_qty": self.max_qty.text(),
            "supplier": self.supplier.currentText(),
            "core_charge": self.core_charge.text(),
            "warranty_months": self.warranty_months.value(),
            "warranty_km": self.warranty_km.value(),
            "notes": self.notes.toPlainText(),
            "active": self.active.isChecked(),
        }
        if self.shows_cost:
            raw["cost"] = self.cost.text()  # left out otherwise: the service keeps the stored cost
        return raw

    def barcode_values(self) -> list[str]:
        return [item.text() for row in range(self.barcodes.rowCount())
                if (item := self.barcodes.item(row, 0)) is not None and item.text().strip()]

    def number_values(self) -> list[tuple[str, str, str]]:
        values = []
        for row in range(self.numbers.rowCount()):
            kind = self.numbers.cellWidget(row, 0).currentData()
            maker = self.numbers.item(row, 1).text() if self.numbers.item(row, 1) else ""
            number = self.numbers.item(row, 2).text() if self.numbers.item(row, 2) else ""
            if number.strip():
                values.append((kind, maker, number))
        return values

    def fitment_values(self) -> list[Any]:
        from partsdesk.services.catalog import FitmentInput

        values = []
        for row in range(self.fitments.rowCount()):
            model_id = self.fitments.cellWidget(row, 0).currentData()
            texts = [self.fitments.item(row, column).text().strip() if self.fitments.item(row, column) else ""
                     for column in range(1, 6)]
            if model_id is None and not any(texts):
                continue  # an untouched blank row
            values.append(FitmentInput(model_id if model_id is not None else "", texts[0], texts[1] or None,
                                       texts[2], texts[3], texts[4]))
        return values

    def _snapshot(self) -> tuple:
        return (self.raw_values(), self.barcode_values(), self.number_values(),
                [tuple(vars(f).values()) for f in self.fitment_values()])

    # --- saving ------------------------------------------------------------------------------

    def save(self, approval: Approval | None = None) -> None:
        if not self.may_edit or self._saving:
            return
        from partsdesk.services import catalog

        self._saving = True
        if self.save_button is not None:
            self.save_button.setEnabled(False)
        self.errors.clear()

        def finished() -> None:
            self._saving = False
            if self.save_button is not None:
                self.save_button.setEnabled(True)

        self.runner.submit(catalog.save_part, self.actor, self.part_id, self.raw_values(), owner=self,
                           name="save_part", barcodes=self.barcode_values(), numbers=self.number_values(),
                           fitments=self.fitment_values(), approval=approval if isinstance(approval, Approval)
                           else None, on_done=self._saved, on_error=self._refused, on_finally=finished)

    def _saved(self, part_id: int) -> None:
        self.part_id = part_id
        self._initial = self._snapshot()
        self.accept()
        self.saved.emit(part_id)

    def _refused(self, error: UserError) -> None:
        problems = getattr(error, "problems", None)
        if problems:
            self.errors.show(problems, general=self.tr("Nothing was saved. Correct the fields marked in red."))
            self._show_tab_of(problems)
            return
        if isinstance(error, PermissionDenied) and error.permission == "catalog.edit_price":
            from partsdesk.ui.stepup import ask_approval

            action = self.tr("change the prices of {brand} {number}").format(
                brand=self.brand.currentText(), number=self.number.text())
            approval = ask_approval(self, self.actor, "catalog.edit_price", action, runner=self.runner)
            if approval is not None:
                QTimer.singleShot(0, self, lambda: self.save(approval))  # after this attempt has finished
                return
        self.errors.show_message(str(error))

    def _show_tab_of(self, problems: dict[str, str]) -> None:
        for index, name in enumerate(("barcodes", "numbers", "fitments", "notes")):
            if name in problems:
                self.lists.setCurrentIndex(index)
                return

    def _set_read_only(self) -> None:
        for edit in self.findChildren(QLineEdit):
            edit.setReadOnly(True)
        for widget in (*self.findChildren(QComboBox), *self.findChildren(QSpinBox), self.active):
            widget.setEnabled(False)
        self.notes.setReadOnly(True)
        for table in (self.barcodes, self.numbers, self.fitments):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for button in self._list_buttons:
            button.setVisible(False)

    def reject(self) -> None:
        if self.may_edit and self._snapshot() != self._initial:
            answer = QMessageBox.question(
                self, self.tr("Unsaved changes"), self.tr("Close without saving your changes?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()
