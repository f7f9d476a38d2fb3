"""The Customers tab: one search box (name, phone, plate, VIN or member card, as you type), the
results, and the chosen customer's profile and vehicles beside them.

Keys: the search box has the focus when the tab opens; Down or Enter goes to the results, Enter
on a customer edits the profile, Esc clears the search; Alt+N a new customer, Alt+E edit,
Alt+V adds a vehicle to the chosen customer, Alt+O records the selected vehicle's odometer
(the buttons show their keys).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from partsdesk.domain.money import format_money
from partsdesk.domain.permissions import Actor
from partsdesk.ui.customer_editor import CustomerEditorDialog, OdometerDialog, VehicleDialog
from partsdesk.ui.customer_table import CustomerTableModel
from partsdesk.ui.forms import ERROR_COLOR
from partsdesk.ui.paged_model import SearchFunction, results_view
from partsdesk.ui.tasks import TaskRunner

DEBOUNCE_MS = 120


class CustomersTab(QWidget):
    dialog_opened = Signal(object)  # the editor or vehicle dialog, once shown (tests drive it)
    customer_shown = Signal(int)  # the customer whose details are now beside the list

    def __init__(self, runner: TaskRunner, actor: Actor, *, search: SearchFunction | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.customer_id: int | None = None
        self.detail: Any = None
        self.dialog: Any = None
        self._select_after_refresh: int | None = None

        self.search_box = QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(self.tr("Search: name, phone, plate, VIN or member card"))
        self.search_box.setAccessibleName(self.tr("Search the customers"))
        self.search_box.installEventFilter(self)
        self.model = CustomerTableModel(runner, search=search, parent=self)
        self.table = results_view(self.model)
        for column, width in enumerate((190, 70, 120, 150, 95, 150)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        self.table.activated.connect(lambda index: self.edit_customer())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.count_label = QLabel()
        self.new_button = QPushButton(self.tr("&New customer"))
        self.new_button.clicked.connect(self.new_customer)

        self.profile = QLabel()
        self.profile.setTextFormat(Qt.TextFormat.PlainText)
        self.profile.setWordWrap(True)
        self.profile.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.profile.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton(self.tr("&Edit (Enter)"))
        self.edit_button.clicked.connect(self.edit_customer)
        self.vehicles = QTableWidget(0, 5)
        self.vehicles.setHorizontalHeaderLabels([self.tr("Plate"), self.tr("Make and model"), self.tr("Year"),
                                                 self.tr("VIN"), self.tr("Odometer")])
        self.vehicles.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.vehicles.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.vehicles.verticalHeader().setVisible(False)
        self.vehicles.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.vehicles.horizontalHeader().setStretchLastSection(True)
        self.add_vehicle_button = QPushButton(self.tr("Add &vehicle"))
        self.add_vehicle_button.clicked.connect(self.add_vehicle)
        self.odometer_button = QPushButton(self.tr("&Odometer…"))
        self.odometer_button.setToolTip(self.tr("Record the selected vehicle's odometer reading"))
        self.odometer_button.clicked.connect(self.record_odometer)
        self.vehicles.itemSelectionChanged.connect(self._vehicle_selected)
        self.message = QLabel()
        self.message.setWordWrap(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_box)
        left_layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.count_label, 1)
        row.addWidget(self.new_button)
        left_layout.addLayout(row)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        profile_title = QLabel(self.tr("Profile"))
        vehicles_title = QLabel(self.tr("Vehicles"))
        for title in (profile_title, vehicles_title):
            font = title.font()
            font.setBold(True)
            title.setFont(font)
        right_layout.addWidget(profile_title)
        right_layout.addWidget(self.profile)
        right_layout.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignLeft)
        right_layout.addWidget(vehicles_title)
        right_layout.addWidget(self.vehicles, 1)
        vehicle_buttons = QHBoxLayout()
        vehicle_buttons.addWidget(self.add_vehicle_button)
        vehicle_buttons.addWidget(self.odometer_button)
        vehicle_buttons.addStretch(1)
        right_layout.addLayout(vehicle_buttons)
        right_layout.addWidget(self.message)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(lambda _text: self._debounce.start())
        self.model.results_shown.connect(self._results_shown)
        self.model.search_failed.connect(self._show_error)
        self.model.rowsInserted.connect(lambda *_: self._update_count())
        self.set_actor(actor)
        self._show_detail(None)

    # --- the window's hooks ------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        may_edit = actor.can("customer.edit")
        phone_column = next(i for i, column in enumerate(self.model.columns) if column.key == "phone")
        self.table.setColumnHidden(phone_column, not actor.can("customer.view_account"))
        for button in (self.new_button, self.edit_button, self.add_vehicle_button, self.odometer_button):
            button.setVisible(may_edit)

    def start(self) -> None:
        self.search_now()
        self.focus_search()

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    # --- searching ---------------------------------------------------------------------------

    def search_now(self) -> int:
        self._debounce.stop()
        return self.model.set_query(self.search_box.text().strip())

    def _results_shown(self, _generation: int) -> None:
        self._update_count()
        wanted = self._select_after_refresh
        self._select_after_refresh = None
        row = self.model.row_of(wanted) if wanted is not None else (0 if self.model.rows else None)
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))
        else:
            self._show_detail(None)

    def _update_count(self) -> None:
        total = self.model.total
        text = self.tr("{0} customers").format(f"{total:,}")
        if self.model.capped:
            text = self.tr("More than {0} customers: type more to narrow the search").format(f"{total:,}")
        self.count_label.setText(text)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        customer_id = self.model.row_id(current.row()) if current.isValid() else None
        if customer_id is None:
            self._show_detail(None)
            return
        from partsdesk.services.customers import get_customer

        self.runner.submit(get_customer, self.actor, customer_id, owner=self, name="get_customer",
                           on_done=self._show_detail, on_error=lambda error: self._show_error(str(error)))

    def _show_detail(self, detail: Any) -> None:
        current = self.table.currentIndex()
        if detail is not None and current.isValid() and self.model.row_id(current.row()) != detail.id:
            return  # the user moved on meanwhile: that customer's details are on their way
        self.detail = detail
        self.customer_id = detail.id if detail is not None else None
        self.profile.setText(self._profile_text(detail) if detail is not None
                             else self.tr("Choose a customer in the list, or make a new one."))
        self.vehicles.setRowCount(0)
        for vehicle in detail.vehicles if detail is not None else []:
            row = self.vehicles.rowCount()
            self.vehicles.insertRow(row)
            texts = (vehicle.plate, f"{vehicle.make} {vehicle.model}".strip(),
                     str(vehicle.model_year or ""), vehicle.vin,
                     self.tr("{0} km").format(f"{vehicle.last_km:,}") if vehicle.last_km is not None else "")
            for column, text in enumerate(texts):
                self.vehicles.setItem(row, column, QTableWidgetItem(text))
        self.edit_button.setEnabled(detail is not None)
        self.add_vehicle_button.setEnabled(detail is not None)
        self._vehicle_selected()
        if detail is not None:
            self.customer_shown.emit(detail.id)

    def _profile_text(self, detail: Any) -> str:
        values = detail.values
        kind = self.tr("Company") if values["kind"] == "company" else self.tr("Person")
        lines = [f"{values['name']} · {kind}" + (self.tr(" · key account") if values.get("key_account") else "")]
        if values.get("contact_person"):
            lines.append(self.tr("Contact: {0}").format(values["contact_person"]))
        lines += [f"{label}: {number}" if label else number for label, number in detail.phones]
        for key, title in (("address", self.tr("Address")), ("email", self.tr("E-mail")),
                           ("tax_id", self.tr("Tax ID")), ("tags", self.tr("Tags")),
                           ("member_card", self.tr("Member card"))):
            if values.get(key):
                lines.append(f"{title}: {values[key]}")
        if values.get("credit_limit"):
            lines.append(self.tr("Credit limit {0}, {1} days").format(format_money(int(values["credit_limit"])),
                                                                      values.get("payment_terms_days") or 0))
        if values.get("notes"):
            lines.append(str(values["notes"]))
        if detail.limited:
            lines.append(self.tr("(Contact details and the account are not shown to your role.)"))
        return "\n".join(lines)

    def _show_error(self, text: str) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOR};")
        self.message.setText(text)

    def _show_note(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)

    # --- editing -----------------------------------------------------------------------------

    def new_customer(self) -> None:
        if self.actor.can("customer.edit"):
            dialog = CustomerEditorDialog(self.runner, self.actor, parent=self)
            dialog.open_requested.connect(self.show_customer)
            self._open(dialog)

    def show_customer(self, customer_id: int) -> None:
        """Find and show one customer by their record (e.g. the duplicate a new record would make)."""
        self._select_after_refresh = customer_id
        self.search_box.setText(f"#{customer_id}")
        self.search_now()

    def edit_customer(self) -> None:
        if self.detail is None or not self.actor.can("customer.edit"):
            return
        self._open(CustomerEditorDialog(self.runner, self.actor, self.detail.id, values=self.detail.values,
                                        phones=self.detail.phones, parent=self))

    def add_vehicle(self) -> None:
        if self.detail is None or not self.actor.can("customer.edit"):
            return
        from partsdesk.services.catalog import list_vehicle_models

        models = [(m.id, f"{m.make} {m.model}" + (f" · {m.model_zh}" if m.model_zh else ""))
                  for m in list_vehicle_models()]
        self._open(VehicleDialog(self.runner, self.actor, self.detail.id, models=models, parent=self))

    def _vehicle(self) -> Any:
        row = self.vehicles.currentRow()
        selected = self.vehicles.selectionModel().hasSelection()
        return self.detail.vehicles[row] if self.detail is not None and selected and 0 <= row < len(
            self.detail.vehicles) else None

    def _vehicle_selected(self) -> None:
        self.odometer_button.setEnabled(self._vehicle() is not None)

    def record_odometer(self) -> None:
        vehicle = self._vehicle()
        if vehicle is None or not self.actor.can("customer.edit"):
            return
        self._open(OdometerDialog(self.runner, self.actor, vehicle.id, plate=vehicle.plate or vehicle.vin,
                                  last_km=vehicle.last_km, parent=self))

    def _open(self, dialog: Any) -> None:
        self.dialog = dialog
        dialog.saved.connect(lambda _id: self._saved(dialog))
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        self.dialog_opened.emit(dialog)

    def _saved(self, dialog: Any) -> None:
        if isinstance(dialog, VehicleDialog):
            self._show_note("\n".join(dialog.warnings) if dialog.warnings else self.tr("The vehicle was added."))
        else:
            self._show_note(self.tr("Saved."))
        self._select_after_refresh = self.customer_id if isinstance(dialog, OdometerDialog) else dialog.customer_id
        self.model.refresh()

    # --- keys --------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if watched is self.search_box and key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                    and self.model.rows:
                self.table.setFocus()
                if not self.table.currentIndex().isValid():
                    self.table.setCurrentIndex(self.model.index(0, 0))
                return True
            if watched is self.search_box and key == Qt.Key.Key_Escape and self.search_box.text():
                self.search_box.clear()
                return True
        return super().eventFilter(watched, event)
