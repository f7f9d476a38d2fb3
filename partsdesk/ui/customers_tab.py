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
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.money import format_money
from partsdesk.domain.permissions import Actor
from partsdesk.ui.customer_editor import CustomerEditorDialog, OdometerDialog, VehicleDialog
from partsdesk.ui.customer_history import HistorySection
from partsdesk.ui.customer_table import CustomerTableModel
from partsdesk.ui.forms import ERROR_COLOR, set_note
from partsdesk.ui.paged_model import SearchFunction, results_view
from partsdesk.ui.tasks import TaskRunner

DEBOUNCE_MS = 120


def _export_personal_data(actor: Actor, customer_id: int, pdf_path: str) -> tuple[str, str]:
    """On the worker: the customer's data as PDF at ``pdf_path`` and as JSON beside it."""
    import json
    from pathlib import Path

    from partsdesk.printing.personal_data import write_personal_data
    from partsdesk.services.customers import personal_data

    data = personal_data(actor, customer_id)
    pdf = Path(pdf_path)
    json_path = pdf.with_suffix(".json")
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    write_personal_data(data, pdf)
    return str(pdf), str(json_path)


class CustomersTab(QWidget):
    dialog_opened = Signal(object)  # the editor or vehicle dialog, once shown (tests drive it)
    customer_shown = Signal(int)  # the customer whose details are now beside the list
    parts_search_requested = Signal(str)  # "golf 2015": the catalogue shows the parts that fit this car

    def __init__(self, runner: TaskRunner, actor: Actor, *, search: SearchFunction | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.customer_id: int | None = None
        self.detail: Any = None
        self.staff: list[tuple[int, str]] = []  # who may look after a key account (loaded on start)
        self.dialog: Any = None
        self._select_after_refresh: int | None = None

        self.search_box = QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(self.tr("Search: name, phone, plate, VIN or member card"))
        self.search_box.setAccessibleName(self.tr("Search the customers"))
        self.search_box.installEventFilter(self)
        self.model = CustomerTableModel(runner, search=search, parent=self)
        self.table = results_view(self.model)
        for column, width in enumerate((150, 70, 55, 105, 110, 90, 120)):  # name to plates on half a 1024 px screen
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)  # the name keeps its width; "found by" gives way
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
        self.parts_button = QPushButton(self.tr("Find &parts for it"))
        self.parts_button.setToolTip(self.tr("Search the catalogue for the parts that fit the selected vehicle"))
        self.parts_button.clicked.connect(self.find_parts_for_vehicle)
        self.vehicles.itemSelectionChanged.connect(self._vehicle_selected)
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.heading = QLabel()
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.alert = QLabel()
        self.alert.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.alert.setVisible(False)
        self.care_button = QPushButton(self.tr("Care &lists…"))
        self.care_button.setToolTip(self.tr("Today's and this week's calls: birthdays, follow-ups, service reminders, "
                                            "lapsed customers; call sheet and text-message export"))
        self.care_button.clicked.connect(self.open_care_lists)
        self.register_button = QPushButton(self.tr("Complaints re&gister…"))
        self.register_button.setToolTip(self.tr("Every complaint, overdue ones first to see; the monthly report"))
        self.register_button.clicked.connect(self.open_complaints_register)
        self.export_button = QPushButton(self.tr("E&xport personal data…"))
        self.export_button.setToolTip(self.tr("The customer's copy of everything the shop holds about them "
                                              "(JSON and PDF)"))
        self.export_button.clicked.connect(self.export_personal_data)
        self.erase_button = QPushButton(self.tr("E&rase personal data…"))
        self.erase_button.setToolTip(self.tr("Anonymize the customer at their request; invoices are kept"))
        self.erase_button.clicked.connect(self.erase_personal_data)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_box)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)
        row = QHBoxLayout()
        row.addWidget(self.care_button)
        row.addWidget(self.register_button)
        row.addStretch(1)
        row.addWidget(self.new_button)
        left_layout.addLayout(row)

        profile_page = QWidget()
        profile_layout = QVBoxLayout(profile_page)
        profile_layout.addWidget(self.profile, 1)
        profile_buttons = QGridLayout()
        profile_buttons.addWidget(self.edit_button, 0, 0)
        profile_buttons.addWidget(self.export_button, 1, 0)
        profile_buttons.addWidget(self.erase_button, 1, 1)
        profile_buttons.setColumnStretch(2, 1)
        profile_layout.addLayout(profile_buttons)
        vehicles_page = QWidget()
        vehicles_layout = QVBoxLayout(vehicles_page)
        vehicles_layout.addWidget(self.vehicles, 1)
        vehicle_buttons = QHBoxLayout()
        vehicle_buttons.addWidget(self.add_vehicle_button)
        vehicle_buttons.addWidget(self.odometer_button)
        vehicle_buttons.addWidget(self.parts_button)
        vehicle_buttons.addStretch(1)
        vehicles_layout.addLayout(vehicle_buttons)

        # The customer's sections; each loads when shown (Ctrl+1 … Ctrl+7 or Ctrl+PgUp/PgDn).
        self.history = HistorySection(runner, actor, self)
        self.history.openers["complaint"] = self.open_complaint
        self.history.openers["call"] = lambda _id, _number: self.sections.setCurrentWidget(self.care)
        self.sections = QTabWidget()
        self.sections.setDocumentMode(True)
        self._section_widgets: list[Any] = []
        for title, page in ((self.tr("Profile"), profile_page), (self.tr("Vehicles"), vehicles_page),
                            (self.tr("History"), self.history), *self._more_sections(runner, actor)):
            index = self.sections.addTab(page, title)
            self.sections.setTabToolTip(index, self.tr("Ctrl+{0}").format(index + 1))
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda i=index: self.sections.setCurrentIndex(i))
            if hasattr(page, "show_customer"):
                self._section_widgets.append(page)
                page.changed.connect(self._section_changed)
        self._loaded_sections: set[int] = set()
        self.sections.currentChanged.connect(lambda _i: self._sync_section())

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.alert)
        right_layout.addWidget(self.sections, 1)
        right_layout.addWidget(self.message)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
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
        for button in (self.export_button, self.erase_button):
            button.setVisible(actor.can("customer.privacy"))
        self.register_button.setVisible(actor.can("customer.view_account"))
        self.care_button.setVisible(actor.can("customer.view_account"))
        class_column = next(i for i, column in enumerate(self.model.columns) if column.key == "class")
        self.table.setColumnHidden(class_column, not actor.can("customer.view_account"))
        for section in self._section_widgets:
            section.set_actor(actor)
        self._loaded_sections.clear()
        self._sync_section()

    def _more_sections(self, runner: TaskRunner, actor: Actor) -> list[tuple[str, QWidget]]:
        """The account, membership, care and complaints sections."""
        from partsdesk.ui.customer_account import AccountSection
        from partsdesk.ui.customer_care import CareSection
        from partsdesk.ui.customer_complaints import ComplaintsSection
        from partsdesk.ui.customer_membership import MembershipSection

        self.account = AccountSection(runner, actor, self)
        self.membership = MembershipSection(runner, actor, self)
        self.care = CareSection(runner, actor, self)
        self.complaints = ComplaintsSection(runner, actor, self)
        return [(self.tr("Account"), self.account), (self.tr("Membership"), self.membership),
                (self.tr("Care"), self.care), (self.tr("Complaints"), self.complaints)]

    def _sync_section(self) -> None:
        """Load the shown section for the shown customer, once per customer."""
        index = self.sections.currentIndex()
        page = self.sections.widget(index)
        if index in self._loaded_sections or not hasattr(page, "show_customer"):
            return
        self._loaded_sections.add(index)
        if page is self.care or page is self.complaints:  # their dialogs name the customer
            page.show_customer(self.customer_id, str(self.detail.values["name"]) if self.detail is not None else "")
        else:
            page.show_customer(self.customer_id)

    def _section_changed(self) -> None:
        """A section changed the customer (a payment, a top-up, a call): every section and the
        list show it afresh."""
        self._select_after_refresh = self.customer_id
        self.model.refresh()

    def start(self) -> None:
        from partsdesk.services.users import list_users

        self.runner.submit(list_users, owner=self, name="list_users",
                           on_done=lambda rows: setattr(self, "staff", [(u.id, u.display_name) for u in rows]))
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
        self.heading.setText(self._heading_text(detail) if detail is not None else "")
        overdue = detail.overdue_complaints if detail is not None else 0
        self.alert.setText(self.tr("%n overdue complaint(s): see Complaints (Ctrl+%1)", "", overdue).replace(
            "%1", str(self.sections.indexOf(self.complaints) + 1)))
        self.alert.setVisible(overdue > 0)
        for button in (self.edit_button, self.add_vehicle_button, self.export_button, self.erase_button):
            button.setEnabled(detail is not None)
        self._vehicle_selected()
        self._loaded_sections.clear()
        self._sync_section()
        if detail is not None:
            self.customer_shown.emit(detail.id)

    def _heading_text(self, detail: Any) -> str:
        parts = [str(detail.values["name"])]
        if detail.grade:
            parts.append(self.tr("Class {0}").format(detail.grade) + (self.tr(" (set by hand)")
                                                                        if detail.class_overridden else ""))
        if detail.member_tier:
            parts.append(self.tr("{0} member").format(detail.member_tier))
        return " · ".join(parts)

    def _profile_text(self, detail: Any) -> str:
        values = detail.values
        kind = self.tr("Company") if values["kind"] == "company" else self.tr("Person")
        lines = [f"{values['name']} · {kind}" + (self.tr(" · key account") if values.get("key_account") else "")]
        if detail.account_manager:
            lines.append(self.tr("Looked after by {0}").format(detail.account_manager))
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
        if detail.grade:
            lines.append(self.tr("Class {0}: {1}").format(detail.grade, detail.class_reason or
                                                          self.tr("not yet computed")))
        if detail.limited:
            lines.append(self.tr("(Contact details and the account are not shown to your role.)"))
        return "\n".join(lines)

    def _show_error(self, text: str) -> None:
        set_note(self.message, text, error=True)

    def _show_note(self, text: str) -> None:
        set_note(self.message, text)

    # --- editing -----------------------------------------------------------------------------

    def new_customer(self) -> None:
        if self.actor.can("customer.edit"):
            dialog = CustomerEditorDialog(self.runner, self.actor, staff=self.staff, parent=self)
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
                                        staff=self.staff,
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
        vehicle = self._vehicle()
        self.odometer_button.setEnabled(vehicle is not None)
        self.parts_button.setEnabled(vehicle is not None and bool(vehicle.model))
        self.parts_button.setToolTip(
            self.tr("Search the catalogue for the parts that fit the selected vehicle") if vehicle is None
            or vehicle.model else self.tr("Pick the vehicle's model from the vehicle list first (Edit the vehicle)."))

    def find_parts_for_vehicle(self) -> None:
        """The catalogue, searched for the selected car: model words and year (the vehicle search)."""
        vehicle = self._vehicle()
        if vehicle is None or not vehicle.model:
            return
        words = [vehicle.make, vehicle.model] + ([str(vehicle.model_year)] if vehicle.model_year else [])
        self.parts_search_requested.emit(" ".join(words))

    def record_odometer(self) -> None:
        vehicle = self._vehicle()
        if vehicle is None or not self.actor.can("customer.edit"):
            return
        self._open(OdometerDialog(self.runner, self.actor, vehicle.id, plate=vehicle.plate or vehicle.vin,
                                  last_km=vehicle.last_km, parent=self))

    def _open(self, dialog: Any) -> None:
        self.dialog = dialog
        if hasattr(dialog, "saved"):
            dialog.saved.connect(lambda _id: self._saved(dialog))
        else:  # the complaints register: what was handled there shows when it closes
            dialog.finished.connect(lambda _result: self._section_changed())
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        self.dialog_opened.emit(dialog)

    def _saved(self, dialog: Any) -> None:
        if isinstance(dialog, VehicleDialog):
            self._show_note("\n".join(dialog.warnings) if dialog.warnings else self.tr("The vehicle was added."))
        else:
            self._show_note(self.tr("Saved."))
        self._select_after_refresh = (dialog.customer_id if isinstance(dialog, CustomerEditorDialog | VehicleDialog)
                                      else self.customer_id)
        self.model.refresh()

    # --- complaints -----------------------------------------------------------------------------

    def open_complaints_register(self) -> None:
        from partsdesk.ui.complaints_register import ComplaintsRegisterDialog

        self._open(ComplaintsRegisterDialog(self.runner, self.actor, parent=self))

    def open_care_lists(self) -> None:
        from partsdesk.ui.care_lists import CareListsDialog

        self._open(CareListsDialog(self.runner, self.actor, parent=self))

    def open_complaint(self, complaint_id: int | None, _number: str = "") -> None:
        """Handle one complaint (from the history)."""
        if complaint_id is None:
            return
        from partsdesk.ui.customer_complaints import ComplaintDialog

        self._open(ComplaintDialog(self.runner, self.actor, complaint_id=complaint_id, parent=self))

    # --- privacy ------------------------------------------------------------------------------

    def export_personal_data(self) -> None:
        """Save the customer's personal data as a PDF and, beside it, the same as JSON."""
        if self.detail is None or not self.actor.can("customer.privacy"):
            return
        suggested = f"customer-{self.detail.id}-personal-data.pdf"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export personal data"), suggested,
                                              self.tr("PDF (*.pdf)"))
        if not path:
            return
        self.runner.submit(_export_personal_data, self.actor, self.detail.id, path, owner=self,
                           name="export_personal_data",
                           on_done=lambda files: self._show_note(self.tr("Saved {0} and {1}.").format(*files)),
                           on_error=lambda error: self._show_error(str(error)))

    def erase_personal_data(self) -> None:
        """Anonymize the customer after a reason is given; invoices and the timeline stay."""
        if self.detail is None or not self.actor.can("customer.privacy"):
            return
        name = self.detail.values["name"]
        reason, ok = QInputDialog.getText(
            self, self.tr("Erase personal data"),
            self.tr("Erase every personal detail of {0}? Their invoices and history stay under an anonymous "
                    "name. This cannot be undone.\n\nWhy (for example: the customer asked on 3 May):").format(name))
        if not ok:
            return
        from partsdesk.services.customers import anonymize_customer

        customer_id = self.detail.id
        self.runner.submit(anonymize_customer, self.actor, customer_id, reason=reason, owner=self,
                           name="anonymize_customer", on_done=lambda _r: self._erased(customer_id),
                           on_error=lambda error: self._show_error(str(error)))

    def _erased(self, customer_id: int) -> None:
        self._show_note(self.tr("The personal data of customer #{0} was erased.").format(customer_id))
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
