"""The settings screen (manager and admin): every setting of ``partsdesk.config.SETTINGS``, one
page per section of names ("shop", "counter", "printer"...), each field built from its
declaration, never from a second list.

A whole number is a spin box within its bounds, yes/no a check box, a text with choices a
drop-down, a printer a drop-down of this PC's printers (or any name typed), other text a line;
a list of texts is one entry a line, a list of records (membership tiers, service types) a small
table with a row per record. The label is on the left, the help under the field (and as its
tooltip).

Ctrl+S saves every changed value at once on the worker (``services.settings.save_all``): the
shop's settings in the database, this PC's in its settings file. A refused value is shown in red
under its field, its page is brought up, and nothing at all is saved. On the database page Ctrl+T
tries the shop database written there (``services.shop.check_connection``: no schema change, no
writes) and says whether it opens. Esc closes; changes not saved are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TR_NOOP, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk import i18n
from partsdesk.config import SettingSpec
from partsdesk.domain import labels as label_layouts
from partsdesk.domain.permissions import Actor
from partsdesk.services import settings as settings_service
from partsdesk.ui.forms import FORM_STYLE, FieldErrors, error_label, key_button, set_note
from partsdesk.ui.tasks import TaskRunner

SPIN_LIMIT = 2**31 - 1  # a QSpinBox holds a 32-bit int; larger bounds use a double spin box without decimals
DEFAULT_PRINTER = ""  # the value of "(system default)"


def _connection_check(url: str):
    """On the worker: try ``url`` (empty: the shop file in this PC's data folder)."""
    from partsdesk.config import Paths
    from partsdesk.services.shop import check_connection

    return check_connection(url.strip() or str(Paths.for_user().default_database))


class _Editor:
    """One setting's input: ``widget`` to show, ``value()`` to read (raises ``ValueError`` with
    the message when the text cannot be the setting's type), ``set_value`` to fill."""

    def __init__(self, widget: QWidget, value: Callable[[], Any], set_value: Callable[[Any], None],
                 focus: QWidget | None = None) -> None:
        self.widget = widget
        self.value = value
        self.set_value = set_value
        self.focus = focus or widget


# The settings' choices as the lists show them (config.SETTINGS keeps the codes).
CHOICE_TEXTS = (QT_TR_NOOP("warn"), QT_TR_NOOP("block"), QT_TR_NOOP("allow"), QT_TR_NOOP("manager"),
                QT_TR_NOOP("refuse"), QT_TR_NOOP("enter"), QT_TR_NOOP("tab"), QT_TR_NOOP("retail"),
                QT_TR_NOOP("trade"), QT_TR_NOOP("wholesale"))


# The columns of the settings kept as tables (membership tiers, service types), by their keys.
COLUMN_TITLES = {"name": QT_TR_NOOP("Name"), "min_points": QT_TR_NOOP("Min points"),
                 "min_prepaid": QT_TR_NOOP("Min prepaid"), "discount_bp": QT_TR_NOOP("Discount bp"),
                 "days": QT_TR_NOOP("Days"), "km": QT_TR_NOOP("Km")}


def _words(key: str) -> str:
    return COLUMN_TITLES.get(key) or key.replace("_", " ").capitalize()


class SettingsDialog(QDialog):
    """The settings of the shop and of this PC. ``saved`` carries the names that changed."""

    saved = Signal(list)
    loaded = Signal()
    connection_checked = Signal(bool, str)

    def __init__(self, runner: TaskRunner, actor: Actor, *, settings_file: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.settings_file = settings_file
        self.values: dict[str, Any] = {}  # as loaded (or last saved)
        self.editors: dict[str, _Editor] = {}
        self.page_of: dict[str, int] = {}
        self.setWindowTitle(self.tr("Settings"))
        self.setStyleSheet(FORM_STYLE)

        self.pages = QListWidget()
        self.pages.setFixedWidth(190)
        self.stack = QStackedWidget()
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        for section, specs in settings_service.sections():
            self._add_page(section, specs)
        self.pages.setCurrentRow(0)

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.save_button = key_button(self, self.tr("Save (Ctrl+S)"), "Ctrl+S", self.save,
                                      self.tr("Save every changed setting; nothing is saved if one is refused"))
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.setToolTip(self.tr("Close without saving what was not saved"))
        self.close_button.clicked.connect(self.reject)
        self.save_button.setEnabled(False)  # until the values are loaded
        for key in ("Ctrl+PgDown", "Ctrl+PgUp"):
            step = 1 if key.endswith("Down") else -1
            QShortcut(QKeySequence(key), self, lambda step=step: self.pages.setCurrentRow(
                (self.pages.currentRow() + step) % self.pages.count()))

        body = QHBoxLayout()
        body.addWidget(self.pages)
        body.addWidget(self.stack, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.general)
        layout.addLayout(buttons)
        self.resize(980, 660)
        self.load()

    # --- the pages ------------------------------------------------------------------------------

    def section_title(self, section: str) -> str:
        titles = {
            "shop": self.tr("Shop"), "tax": self.tr("Tax"), "security": self.tr("Log-in security"),
            "customer": self.tr("Customer classes"), "credit": self.tr("Credit"),
            "membership": self.tr("Membership"), "care": self.tr("Customer care"),
            "complaints": self.tr("Complaints"), "counter": self.tr("Counter"), "pricing": self.tr("Price tiers"),
            "counts": self.tr("Stock counts"), "stock": self.tr("Stock"), "abc": self.tr("ABC classes"),
            "workshop": self.tr("Workshop"), "database": self.tr("Database (this PC)"),
            "backup": self.tr("Backups (this PC)"), "printer": self.tr("Printers (this PC)"), "ui": self.tr("Language (this PC)"),
            "labels": self.tr("Labels (this PC)"), "scanner": self.tr("Scanner (this PC)"),
        }
        return titles.get(section, section.capitalize())

    def choice_text(self, spec: SettingSpec, choice: Any) -> str:
        """A choice as the list shows it: a language by its own name, an empty one as "the shop's"."""
        if spec.name.endswith(".language"):
            return i18n.LANGUAGES.get(choice) or self.tr("As the shop (its language)")
        if spec.name == "labels.layout":
            return label_layouts.LAYOUTS[choice].describe()
        if spec.name == "printer.receipt_width":
            return self.tr("{width} mm").format(width=choice)
        return self.tr(str(choice))

    def _add_page(self, section: str, specs: list[SettingSpec]) -> None:
        index = self.stack.count()
        self.pages.addItem(self.section_title(section))
        inner = QWidget()
        outer = QVBoxLayout(inner)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)  # the fields at the top, at their own heights
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        if specs and specs[0].scope == "terminal":
            here = QLabel(self.tr("These settings belong to this PC only; each counter PC keeps its own."))
            here.setWordWrap(True)
            form.addRow(here)
        for spec in specs:
            editor = self._editor(spec)
            self.editors[spec.name] = editor
            self.page_of[spec.name] = index
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(editor.widget)
            if spec.help:
                help_label = QLabel(self.tr(spec.help))
                help_label.setWordWrap(True)
                help_label.setStyleSheet("color: #5f6368;")
                column.addWidget(help_label)
                editor.widget.setToolTip(self.tr(spec.help))
            column.addWidget(self.errors.add(spec.name, editor.focus))
            title = QLabel(self.tr(spec.label))
            title.setWordWrap(True)
            title.setMinimumWidth(220)
            title.setMaximumWidth(300)
            title.setBuddy(editor.focus)
            form.addRow(title, box)
        if section == "database":
            form.addRow(self._connection_row())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.stack.addWidget(scroll)

    def _connection_row(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.test_button = key_button(self, self.tr("Test connection (Ctrl+T)"), "Ctrl+T", self.test_connection,
                                      self.tr("Try to open the database written above (nothing is changed)"))
        self.connection_note = QLabel()
        self.connection_note.setWordWrap(True)
        row.addWidget(self.test_button)
        row.addWidget(self.connection_note, 1)
        return box

    def _editor(self, spec: SettingSpec) -> _Editor:
        if spec.type is bool:
            box = QCheckBox()
            return _Editor(box, box.isChecked, lambda v: box.setChecked(bool(v)))
        if spec.type is int:
            return self._number(spec)
        if spec.type is str and spec.name.startswith("printer.") and not spec.choices:
            return self._printer()
        if spec.type is str and spec.choices:
            combo = QComboBox()
            for choice in spec.choices:
                combo.addItem(self.choice_text(spec, choice), choice)
            return _Editor(combo, combo.currentData,
                           lambda v: combo.setCurrentIndex(max(combo.findData(v), 0)))
        if spec.type is str:
            line = QLineEdit()
            return _Editor(line, line.text, lambda v: line.setText(str(v)))
        if spec.type is list and spec.default and all(isinstance(item, dict) for item in spec.default):
            return self._table(spec)
        text = QPlainTextEdit()
        text.setTabChangesFocus(True)
        text.setFixedHeight(130)
        text.setPlaceholderText(self.tr("One entry a line"))

        def lines() -> list[str]:
            return [line.strip() for line in text.toPlainText().splitlines() if line.strip()]

        return _Editor(text, lines, lambda v: text.setPlainText("\n".join(str(item) for item in v)))

    def _number(self, spec: SettingSpec) -> _Editor:
        low = spec.minimum if spec.minimum is not None else -SPIN_LIMIT
        high = spec.maximum if spec.maximum is not None else SPIN_LIMIT
        if low >= -SPIN_LIMIT and high <= SPIN_LIMIT:
            spin: QSpinBox | QDoubleSpinBox = QSpinBox()
        else:
            spin = QDoubleSpinBox()
            spin.setDecimals(0)
        spin.setRange(low, high)
        spin.setGroupSeparatorShown(True)
        spin.setMaximumWidth(220)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        return _Editor(spin, lambda: int(spin.value()), lambda v: spin.setValue(int(v)))

    def _printer(self) -> _Editor:
        combo = QComboBox()
        combo.setEditable(True)  # a printer not installed yet may be named
        combo.addItem(self.tr("(system default)"), DEFAULT_PRINTER)
        for name in QPrinterInfo.availablePrinterNames():
            combo.addItem(name, name)

        def value() -> str:
            text = combo.currentText().strip()
            return DEFAULT_PRINTER if text == combo.itemText(0) else text

        def set_value(name: Any) -> None:
            name = str(name or "")
            index = combo.findData(name)
            if index < 0:
                combo.addItem(name, name)
                index = combo.count() - 1
            combo.setCurrentIndex(index)

        return _Editor(combo, value, set_value)

    def _table(self, spec: SettingSpec) -> _Editor:
        columns = list(spec.default[0].keys())
        numeric = {key for key in columns if isinstance(spec.default[0][key], int)}
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels([self.tr(_words(key)) for key in columns])
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setVisible(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setFixedHeight(170)
        add = QPushButton(self.tr("Add a row"))
        remove = QPushButton(self.tr("Remove the row"))
        add.clicked.connect(lambda: self._add_table_row(table, columns, {}))
        remove.clicked.connect(lambda: table.removeRow(table.currentRow()) if table.currentRow() >= 0 else None)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(table)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        column.addLayout(row)

        def value() -> list[dict[str, Any]]:
            records = []
            for r in range(table.rowCount()):
                texts = {key: (table.item(r, c).text().strip() if table.item(r, c) else "")
                         for c, key in enumerate(columns)}
                if not any(texts.values()):
                    continue  # an empty row added by mistake
                record: dict[str, Any] = {}
                for key, text in texts.items():
                    if key in numeric:
                        cleaned = text.replace(",", "").replace(" ", "")
                        if not (cleaned or "0").lstrip("-").isdigit():
                            raise ValueError(self.tr("Row {row}, {column}: a whole number, not \u201c{text}\u201d.")
                                             .format(row=r + 1, column=self.tr(_words(key)), text=text))
                        record[key] = int(cleaned or "0")
                    else:
                        record[key] = text
                records.append(record)
            return records

        def set_value(records: Any) -> None:
            table.setRowCount(0)
            for record in records or []:
                self._add_table_row(table, columns, record)

        return _Editor(box, value, set_value, focus=table)

    @staticmethod
    def _add_table_row(table: QTableWidget, columns: list[str], record: dict[str, Any]) -> None:
        r = table.rowCount()
        table.insertRow(r)
        for c, key in enumerate(columns):
            table.setItem(r, c, QTableWidgetItem(str(record.get(key, ""))))

    # --- load, save, test -------------------------------------------------------------------

    def load(self) -> None:
        self.runner.submit(settings_service.current_values, self.actor, self.settings_file, owner=self,
                           name="settings_values", on_done=self._loaded, on_error=self._refused)

    def _loaded(self, values: dict[str, Any]) -> None:
        self.values = values
        for name, editor in self.editors.items():
            editor.set_value(values[name])
        self.save_button.setEnabled(True)
        self.loaded.emit()

    def changes(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The values that differ from those loaded, and the fields whose text is not a value."""
        changed: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for name, editor in self.editors.items():
            try:
                value = editor.value()
            except ValueError as error:
                problems[name] = str(error)
                continue
            if value != self.values.get(name):
                changed[name] = value
        return changed, problems

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        changed, problems = self.changes()
        if problems:
            self._show_problems(problems)
            return
        self.errors.clear()
        if not changed:
            set_note(self.note, self.tr("Nothing was changed."))
            return
        self.save_button.setEnabled(False)
        self.runner.submit(settings_service.save_all, self.actor, changed, self.settings_file, owner=self,
                           name="settings_save", on_done=lambda names: self._saved(changed, names),
                           on_error=self._refused, on_finally=lambda: self.save_button.setEnabled(True))

    def _saved(self, changed: dict[str, Any], names: list[str]) -> None:
        self.values.update(changed)
        text = self.tr("Saved: {count} setting(s).").format(count=len(names))
        if "database.url" in names:
            text += " " + self.tr("The database change applies when PartsDesk starts again on this PC.")
        set_note(self.note, text)
        self.saved.emit(names)

    def _refused(self, error: Exception) -> None:
        problems = getattr(error, "problems", None)
        if problems:
            self._show_problems(problems)
        else:
            self.errors.show_message(str(error))
            set_note(self.note, "")

    def _show_problems(self, problems: dict[str, str]) -> None:
        self.errors.show(problems, general=self.tr("Nothing was saved. Correct the fields marked in red."))
        set_note(self.note, "")
        first = next((name for name in problems if name in self.page_of), None)
        if first is not None:
            self.pages.setCurrentRow(self.page_of[first])
            self.editors[first].focus.setFocus()

    def test_connection(self) -> None:
        url = str(self.editors["database.url"].value())
        self.test_button.setEnabled(False)
        set_note(self.connection_note, self.tr("Trying…"))
        self.runner.submit(_connection_check, url, owner=self, name="check_connection",
                           on_done=self._connection_result, on_error=self._connection_failed,
                           on_finally=lambda: self.test_button.setEnabled(True))

    def _connection_result(self, result: Any) -> None:
        set_note(self.connection_note, self.tr(result.message), error=not result.ok)
        self.connection_checked.emit(bool(result.ok), result.message)

    def _connection_failed(self, error: Exception) -> None:
        set_note(self.connection_note, str(error), error=True)
        self.connection_checked.emit(False, str(error))
