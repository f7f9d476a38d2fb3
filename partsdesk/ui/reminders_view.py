"""The service reminders view of the Workshop tab: which cars are due a service, and whom to call.

A standalone widget the Workshop tab hosts (``add_view``). The list holds the open reminders
that are overdue, due today or due soon (within ``workshop.reminder_lead_days``), most urgent
first; Alt+U adds the upcoming ones and those due by mileage whose pace is not known yet. Each
row: the customer and phone (the phone needs customer.view_account), the vehicle, the service,
its due date and due km, the day the km is projected to be reached from the vehicle's own
odometer history, the state (coloured) and where the reminder came from.

Keys: Ctrl+N a new reminder (find the customer's vehicle by name, phone or plate, then the
service and when), Ctrl+D marks the selected one done (the next one follows by its interval),
Del cancels it with a reason, F5 reads the list again. Writing needs workshop.edit; the
services run on the worker, and what they refuse is shown by its field with nothing saved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.permissions import Actor
from partsdesk.services import reminders
from partsdesk.services.clock import shop_today
from partsdesk.services.reminders import ReminderRow
from partsdesk.ui.forms import FormDialog, key_button, open_over, set_note
from partsdesk.ui.purchasing_view import _fill, _table
from partsdesk.ui.search_dialog import SearchDialog
from partsdesk.ui.tasks import TaskRunner

# state -> (text colour, background) of the State cell
STATE_COLOURS: dict[str, tuple[str, str]] = {
    "overdue": ("#ffffff", "#c62828"),
    "due": ("#000000", "#ff8f00"),
    "due_soon": ("#000000", "#ffe082"),
    "upcoming": ("#1b5e20", "#e8f5e9"),
    "unknown": ("#616161", "#eeeeee"),
}
COLUMNS = ("customer", "phone", "vehicle", "service", "due_on", "due_km", "projected", "state", "source")


# --- on the worker ----------------------------------------------------------------------------------

def find_vehicles(text: str) -> list[tuple[Any, Any]]:
    """The vehicles of the customers a search finds (name, phone, plate, VIN...): (customer row,
    vehicle row) pairs, at most 50."""
    from partsdesk.services.customers import search_customers, vehicles_of

    if not text.strip():
        return []
    found: list[tuple[Any, Any]] = []
    for customer in search_customers(text, limit=20).rows:
        for vehicle in vehicles_of(customer.id):
            found.append((customer, vehicle))
            if len(found) >= 50:
                return found
    return found


def type_names() -> list[str]:
    return [t.name for t in reminders.service_types()]


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _km(value: int | None) -> str:
    return f"{value:,}" if value is not None else ""


# --- dialogs ------------------------------------------------------------------------------------

class VehicleSearchDialog(SearchDialog):
    """Ctrl+N, first step: the customer's vehicle, found by name, phone or plate; ``picked``."""

    picked = Signal(object)  # (CustomerRow, VehicleRow)
    stretch_column = 2

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, [self.tr("Customer"), self.tr("Plate"), self.tr("Vehicle"), self.tr("Last km")],
                         parent, pick_text=self.tr("Choose (Enter)"))
        self.numeric_columns = (3,)
        self.setWindowTitle(self.tr("New reminder: find the vehicle (Ctrl+N)"))
        self.box.setPlaceholderText(self.tr("Customer name, phone or plate"))
        self.resize(640, 360)

    def _search(self, text: str) -> list[tuple[Any, Any]]:
        return find_vehicles(text)

    def _cells(self, row: tuple[Any, Any]) -> list[str]:
        customer, vehicle = row
        what = " ".join(str(p) for p in (vehicle.make, vehicle.model, vehicle.model_year) if p)
        return [customer.name, vehicle.plate, what, _km(vehicle.last_km)]

    def _note_for(self, rows: list[Any]) -> str:
        return (self.tr("{count} vehicle(s) found").format(count=len(rows)) if rows else
                self.tr("No vehicle found. Try the plate or the customer's phone."))

    def _chosen(self, row: tuple[Any, Any]) -> None:
        self.accept()
        self.picked.emit(row)


class NewReminderDialog(FormDialog):
    """Ctrl+N, second step: the service and when it is due (a date, a mileage, or — for a service
    type of the settings — neither: its interval from today and the last reading)."""

    def __init__(self, runner: TaskRunner, actor: Actor, customer: Any, vehicle: Any, types: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.vehicle_id = vehicle.id
        self.setWindowTitle(self.tr("New service reminder"))
        what = " ".join(str(p) for p in (vehicle.plate, vehicle.make, vehicle.model, vehicle.model_year) if p)
        self.form.addRow(self.tr("Vehicle"), QLabel(f"{customer.name} · {what}"))
        if vehicle.last_km is not None:
            self.form.addRow(self.tr("Last reading"), QLabel(self.tr("{km} km").format(km=_km(vehicle.last_km))))
        self.service = QComboBox()
        self.service.setEditable(True)
        self.service.addItems(types)
        self.field("service_type", self.tr("&Service"), self.service)
        self.due_on = self.field("due_on", self.tr("Due &on"), QLineEdit())
        self.due_on.setPlaceholderText(self.tr("YYYY-MM-DD, or empty"))
        self.due_km = self.field("due_km", self.tr("Due at &km"), QLineEdit())
        self.due_km.setPlaceholderText(self.tr("empty: by date only"))
        self.note = self.field("note", self.tr("N&ote"), QLineEdit())
        hint = QLabel(self.tr("Whichever comes first counts. With both empty, a service of the list is due its "
                              "interval from today and the last reading."))
        hint.setWordWrap(True)
        self.form.addRow("", hint)
        self.setMinimumWidth(480)
        self.service.setFocus()

    def save(self, approval: Any = None) -> None:
        self.submit(reminders.add_reminder, self.actor, self.vehicle_id, self.service.currentText(),
                    due_on=self.due_on.text().strip() or None, due_km=self.due_km.text().strip() or None,
                    note=self.note.text(), name="reminder_add")


class MarkDoneDialog(FormDialog):
    """Ctrl+D: the service was done (elsewhere, or without a repair order)."""

    def __init__(self, runner: TaskRunner, actor: Actor, row: ReminderRow, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.reminder_id = row.id
        self.setWindowTitle(self.tr("Mark done: {service}").format(service=row.service_type))
        self.form.addRow(self.tr("Vehicle"), QLabel(f"{row.customer} · {row.plate} {row.vehicle}".strip()))
        self.done_on = self.field("done_on", self.tr("Done &on"), QLineEdit(shop_today().isoformat()))
        self.done_km = self.field("done_km", self.tr("Done at &km"), QLineEdit())
        self.done_km.setPlaceholderText(self.tr("empty: the last reading ({km})").format(km=_km(row.last_km) or "—"))
        self.note = self.field("note", self.tr("N&ote"), QLineEdit())
        self.setMinimumWidth(440)
        self.done_on.selectAll()
        self.done_on.setFocus()

    def save(self, approval: Any = None) -> None:
        self.submit(reminders.mark_done, self.actor, self.reminder_id, done_on=self.done_on.text().strip() or None,
                    done_km=self.done_km.text().strip() or None, note=self.note.text(), name="reminder_done")


class CancelReminderDialog(FormDialog):
    """Del: drop a reminder, with the reason (audited)."""

    def __init__(self, runner: TaskRunner, actor: Actor, row: ReminderRow, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.reminder_id = row.id
        self.setWindowTitle(self.tr("Cancel reminder: {service}").format(service=row.service_type))
        self.form.addRow(self.tr("Vehicle"), QLabel(f"{row.customer} · {row.plate} {row.vehicle}".strip()))
        self.reason = self.field("reason", self.tr("&Reason"), QLineEdit())
        self.reason.setPlaceholderText(self.tr("e.g. car sold, serviced elsewhere"))
        self.save_button.setText(self.tr("Cancel reminder (Enter)"))
        self.setMinimumWidth(440)
        self.reason.setFocus()

    def save(self, approval: Any = None) -> None:
        self.submit(reminders.cancel_reminder, self.actor, self.reminder_id, reason=self.reason.text(),
                    name="reminder_cancel")


# --- the view ---------------------------------------------------------------------------------------

class RemindersView(QWidget):
    """The reminders list: ``start()`` once shown (the host calls it), ``set_actor`` when the user
    changes."""

    dialog_opened = Signal(object)
    reminders_shown = Signal()

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.dialog: Any = None
        self.rows: list[ReminderRow] = []
        self._done_note = ""
        self._swatches: dict[str, QIcon] = {}

        title = QLabel(self.tr("Service reminders"))
        bold = QFont(title.font())
        bold.setBold(True)
        title.setFont(bold)
        self.upcoming_box = QCheckBox(self.tr("Show &upcoming too"))
        self.upcoming_box.setToolTip(self.tr("Also list reminders not yet within the lead time, and those due by "
                                             "mileage whose pace is not known yet"))
        self.upcoming_box.toggled.connect(lambda _on: self.refresh())
        self.table = _table([self.tr("Customer"), self.tr("Phone"), self.tr("Vehicle"), self.tr("Service"),
                             self.tr("Due date"), self.tr("Due km"), self.tr("Projected"), self.tr("State"),
                             self.tr("Source")], numeric=(5,))
        self.table.setAlternatingRowColors(True)
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.new_button = key_button(self, self.tr("Ctrl+N New reminder"), "Ctrl+N", self.new_reminder,
                                     self.tr("Find the customer's vehicle, then the service and when it is due"))
        self.done_button = key_button(self, self.tr("Ctrl+D Mark done"), "Ctrl+D", self.mark_done,
                                      self.tr("The selected service was done; the next one follows by its interval"))
        self.cancel_button = key_button(self, self.tr("Del Cancel reminder"), "Del", self.cancel_reminder,
                                        self.tr("Drop the selected reminder, with the reason"))
        self.refresh_button = key_button(self, self.tr("F5 Refresh"), "F5", self.refresh,
                                         self.tr("Read the reminders again"))

        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.upcoming_box)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.done_button, self.cancel_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)
        self._update_buttons()

    # --- the host's hooks ------------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        """Another user: writing needs workshop.edit, the phones customer.view_account."""
        self.actor = actor
        self._update_buttons()
        if self.rows or self.note.text():
            self.refresh()

    def start(self) -> None:
        self.refresh()
        self.table.setFocus()

    def refresh(self) -> None:
        self.runner.submit(reminders.due_reminders, self.actor, include_upcoming=self.upcoming_box.isChecked(),
                           owner=self, name="reminders_list", on_done=self._listed,
                           on_error=lambda error: set_note(self.note, str(error), error=True))

    def _update_buttons(self) -> None:
        edit = self.actor.can("workshop.edit")
        selected = self.selected() is not None
        self.new_button.setEnabled(edit)
        self.done_button.setEnabled(edit and selected)
        self.cancel_button.setEnabled(edit and selected)

    # --- the list --------------------------------------------------------------------------------

    def _state_text(self, row: ReminderRow) -> str:
        if row.state == "overdue":
            return self.tr("Overdue {days} d").format(days=row.days_overdue)
        if row.state == "due_soon":
            return self.tr("Due soon ({days} d)").format(days=row.days_left)
        return {"due": self.tr("Due today"), "upcoming": self.tr("Upcoming"),
                "unknown": self.tr("By km, pace unknown")}.get(row.state, row.state_label)

    def _source_text(self, row: ReminderRow) -> str:
        text = {"service": self.tr("After service"), "declined": self.tr("Declined work"),
                "manual": self.tr("By hand")}.get(row.source, row.source_label)
        return f"{text} {row.order_number}".strip()

    def _listed(self, rows: list[ReminderRow]) -> None:
        current = self.selected()
        chosen = current.id if current else None
        self.rows = rows
        _fill(self.table, [[r.customer, r.phone, f"{r.plate} {r.vehicle}".strip(), r.service_type, _day(r.due_on),
                            _km(r.due_km), _day(r.projected_on), self._state_text(r), self._source_text(r)]
                           for r in rows])
        state_column = COLUMNS.index("state")
        for index, row in enumerate(rows):
            item = self.table.item(index, state_column)
            text_colour, background = STATE_COLOURS.get(row.state, ("#000000", "#ffffff"))
            item.setForeground(QColor(text_colour))
            item.setBackground(QColor(background))
            item.setIcon(self._swatch(row.state))  # the colour stays visible on the selected row
            font = item.font()
            font.setBold(row.state in ("overdue", "due"))
            item.setFont(font)
            projected = self.table.item(index, COLUMNS.index("projected"))
            if row.km_per_day is not None:
                projected.setToolTip(self.tr("{pace:.0f} km a day; last reading {km} km").format(
                    pace=row.km_per_day, km=_km(row.last_km)))
            if row.note:
                self.table.item(index, COLUMNS.index("service")).setToolTip(row.note)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(COLUMNS.index("vehicle"), QHeaderView.ResizeMode.Stretch)
        ids = [r.id for r in rows]
        if rows:
            self.table.selectRow(ids.index(chosen) if chosen in ids else 0)
        counts = {state: sum(1 for r in rows if r.state == state) for state in STATE_COLOURS}
        if rows:
            text = self.tr("{overdue} overdue, {due} due today, {soon} due soon").format(
                overdue=counts["overdue"], due=counts["due"], soon=counts["due_soon"])
            if self.upcoming_box.isChecked():
                text += self.tr(", {upcoming} upcoming").format(upcoming=counts["upcoming"] + counts["unknown"])
            text += "."
        elif self.upcoming_box.isChecked():
            text = self.tr("No open reminders. Ctrl+N adds one.")
        else:
            text = self.tr("Nothing due within the lead time. Alt+U shows the upcoming ones too.")
        if not self.actor.can("customer.view_account"):
            text += " " + self.tr("Phones are shown to those who may see customers' contact details.")
        done, self._done_note = self._done_note, ""
        set_note(self.note, f"{done} {text}" if done else text)
        self._update_buttons()
        self.reminders_shown.emit()

    def _swatch(self, state: str) -> QIcon:
        if state not in self._swatches:
            pixmap = QPixmap(10, 10)
            text_colour, background = STATE_COLOURS[state]
            pixmap.fill(QColor(background if state in ("overdue", "due", "due_soon") else text_colour))
            self._swatches[state] = QIcon(pixmap)
        return self._swatches[state]

    def selected(self) -> ReminderRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # --- actions ---------------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        open_over(self, dialog, lambda: self.table)

    def _changed(self, message: str) -> None:
        self._done_note = message  # shown once the list is read again
        self.refresh()

    def new_reminder(self) -> None:
        if not self.actor.can("workshop.edit"):
            return
        search = VehicleSearchDialog(self.runner, self)
        search.picked.connect(self._vehicle_picked)
        self._open(search)

    def _vehicle_picked(self, picked: tuple[Any, Any]) -> None:
        customer, vehicle = picked

        def listed(types: list[str]) -> None:
            dialog = NewReminderDialog(self.runner, self.actor, customer, vehicle, types, self)
            dialog.saved.connect(lambda _id: self._changed(self.tr("Reminder added.")))
            self._open(dialog)

        self.runner.submit(type_names, owner=self, name="reminder_types", on_done=listed,
                           on_error=lambda error: set_note(self.note, str(error), error=True))

    def mark_done(self) -> None:
        row = self.selected()
        if row is None or not self.actor.can("workshop.edit"):
            return
        dialog = MarkDoneDialog(self.runner, self.actor, row, self)
        dialog.saved.connect(lambda next_id: self._changed(
            self.tr("{service} done; the next one is on the list.").format(service=row.service_type) if next_id
            else self.tr("{service} done.").format(service=row.service_type)))
        self._open(dialog)

    def cancel_reminder(self) -> None:
        row = self.selected()
        if row is None or not self.actor.can("workshop.edit"):
            return
        dialog = CancelReminderDialog(self.runner, self.actor, row, self)
        dialog.saved.connect(lambda _r: self._changed(self.tr("Reminder cancelled.")))
        self._open(dialog)


__all__ = ["CancelReminderDialog", "MarkDoneDialog", "NewReminderDialog", "RemindersView", "VehicleSearchDialog"]
