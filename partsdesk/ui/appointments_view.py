"""The appointment calendar of the Workshop tab: a day or a week, by bay or by technician, with
each one's capacity (hours booked of the working day; over-booked in red).

A standalone view the Workshop tab hosts (``add_view``). Keys: Alt+D the day, Alt+W the week,
Alt+G by bay / by technician, Alt+Left and Alt+Right the previous and next day (or week),
Alt+Home today, F5 read again. In the day, every appointment is a row under its bay (or
technician): time, customer and phone, vehicle, work, status in colour, a clash marked in red.
Ctrl+N books one, Enter changes the selected one, Del cancels it with a reason, F9 marks a
no-show (once its time has passed), F4 "Arrived" asks the Workshop tab to check the car in
(``check_in_requested``; only a booked appointment of today). In the week, Enter opens the
chosen day. F6 shows tomorrow's call list.

Reading needs workshop.view, booking workshop.edit. Every read and write runs on the worker.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.permissions import Actor
from partsdesk.services import appointments, customers
from partsdesk.services.appointments import (
    AppointmentRow,
    BookingChoices,
    BookingResult,
    CallList,
    Capacity,
    DayPlan,
)
from partsdesk.services.clock import now, shop_today
from partsdesk.ui.forms import (
    ERROR_COLOR,
    FormDialog,
    compact_combo,
    date_text,
    key_button,
    open_over,
    set_note,
)
from partsdesk.ui.tasks import TaskRunner

_STATUS_BACKGROUND = {"booked": QColor("#e3f2fd"), "arrived": QColor("#e8f5e9"), "no_show": QColor("#fff3e0"),
                      "cancelled": QColor("#f5f5f5")}
_MUTED = QColor("#8a8a8a")
_HEADER_BACKGROUND = QColor("#eceff1")
_RED = QColor(ERROR_COLOR)
_SEARCH_DELAY_MS = 250


def hours(minutes: int) -> str:
    """150 -> "2.5 h", 45 -> "0.75 h"; whole hours without a decimal."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".") + " h"


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    return table


# --- dialogs ------------------------------------------------------------------------------------

class AppointmentDialog(FormDialog):
    """Ctrl+N / Enter: book an appointment or change one. A customer from the file (the search box
    finds them by name, phone or plate; their vehicles fill the picker) or a new contact (name,
    phone, the car in their words). ``saved(BookingResult)``: the id and any clash warnings."""

    def __init__(self, runner: TaskRunner, actor: Actor, choices: BookingChoices, *,
                 row: AppointmentRow | None = None, start: datetime | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.appointment_id = row.id if row else None
        self.customer_id: int | None = row.customer_id if row else None
        self._vehicle_wanted: int | None = row.vehicle_id if row else None
        self.setWindowTitle(self.tr("Appointment #{id}").format(id=row.id) if row
                            else self.tr("New appointment (Ctrl+N)"))

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Name, phone or plate"))
        self.search.setClearButtonEnabled(True)
        self.found = QListWidget()
        self.found.setFixedHeight(78)
        self.found.itemClicked.connect(self._choose_customer)
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        customer_box = QWidget()
        column = QVBoxLayout(customer_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.search)
        column.addWidget(self.found)
        column.addWidget(self.chosen)
        customer_box.setFocusProxy(self.search)  # the label's Alt+C goes to the search box
        self.field("customer", self.tr("&Customer"), customer_box)
        self.new_customer = self.field("new_customer", "", QCheckBox(self.tr("Ne&w customer (not in the file)")))
        self.new_customer.toggled.connect(self._new_toggled)
        self.contact_name = self.field("contact_name", self.tr("Contact &name"), QLineEdit())
        self.contact_phone = self.field("contact_phone", self.tr("Contact &phone"), QLineEdit())
        self.contact_phone.setPlaceholderText(self.tr("For a customer in the file: only if not their own"))
        self.vehicle = self.field("vehicle", self.tr("&Vehicle"), compact_combo(28))
        self.vehicle.currentIndexChanged.connect(lambda _i: self._vehicle_changed())
        self.vehicle_text = self.field("vehicle_text", self.tr("Car &described"), QLineEdit())
        self.vehicle_text.setPlaceholderText(self.tr("white Golf B-XY 123"))
        self.starts_at = self.field("starts_at", self.tr("&Date and time"), QDateTimeEdit())
        self.starts_at.setDisplayFormat("ddd yyyy-MM-dd HH:mm")
        self.starts_at.setCalendarPopup(True)
        self.duration = self.field("duration_min", self.tr("D&uration"), QSpinBox())
        self.duration.setRange(appointments.DURATION_MIN, appointments.DURATION_MAX)
        self.duration.setSingleStep(15)
        self.duration.setSuffix(self.tr(" min"))
        self.bay = self.field("bay", self.tr("&Bay"), compact_combo())
        self.bay.addItem(self.tr("— no bay yet —"), None)
        for choice in choices.bays:
            self.bay.addItem(choice.label, choice.id)
        self.technician = self.field("technician", self.tr("&Technician"), compact_combo())
        self.technician.addItem(self.tr("— no technician yet —"), None)
        for choice in choices.technicians:
            self.technician.addItem(choice.label, choice.id)
        self.work = self.field("requested_work", self.tr("Wor&k asked for"), QPlainTextEdit())
        self.work.setTabChangesFocus(True)
        self.work.setFixedHeight(54)
        self.note = self.field("note", self.tr("N&ote"), QLineEdit())

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(_SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.installEventFilter(self)
        self.found.installEventFilter(self)

        if row is not None:
            self.chosen.setText(self.tr("Chosen: {name}").format(name=row.customer) if row.customer_id else "")
            self.new_customer.setChecked(row.customer_id is None)
            self.contact_name.setText(row.contact_name)
            self.contact_phone.setText(row.contact_phone)
            self.vehicle_text.setText(row.vehicle_text)
            self.starts_at.setDateTime(QDateTime(row.local_start))
            self.duration.setValue(row.duration_min)
            self.bay.setCurrentIndex(max(0, self.bay.findData(row.bay_id)))
            self.technician.setCurrentIndex(max(0, self.technician.findData(row.technician_id)))
            self.work.setPlainText(row.work)
            self.note.setText(row.note)
            if row.customer_id is not None:
                self._load_vehicles(row.customer_id)
        else:
            self.starts_at.setDateTime(QDateTime(start or appointments.local_time(now()).replace(second=0,
                                                                                                  microsecond=0)))
            self.duration.setValue(60)
        self._new_toggled(self.new_customer.isChecked())
        self.setMinimumWidth(520)
        (self.work if row is not None else self.search).setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the customer search or its list picks a customer, and is used up there: the
        line edit and the list would pass it on to the dialog's default button (Save)."""
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            if watched is self.search:
                self._search_enter()
                return True
            if watched is self.found:
                item = self.found.currentItem()
                if item is not None:
                    self._choose_customer(item)
                return True
        return super().eventFilter(watched, event)

    # the customer
    def _search_enter(self) -> None:
        """Enter in the search box: search now, or take the one found."""
        if self.found.count() == 1 and self.found.item(0).data(Qt.ItemDataRole.UserRole) is not None:
            self._choose_customer(self.found.item(0))
        else:
            self._run_search()
            self.found.setFocus()

    def _run_search(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.found.clear()
            return
        self.runner.submit(customers.search_customers, text, limit=20, owner=self, name="appointment_customers",
                           on_done=self._show_found, on_error=lambda error: self.errors.show_refused(error))

    def _show_found(self, result: customers.CustomerSearchResult) -> None:
        self.found.clear()
        for row in result.rows:
            details = " · ".join(part for part in (row.phone, row.plates) if part)
            item = QListWidgetItem(f"{row.name} — {details}" if details else row.name)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.found.addItem(item)
        if not result.rows:
            self.found.addItem(self.tr("Nobody found: tick “New customer” to book a new one."))
        else:
            self.found.setCurrentRow(0)

    def _choose_customer(self, item: QListWidgetItem) -> None:
        customer_id = item.data(Qt.ItemDataRole.UserRole)
        if customer_id is None:
            return
        self.customer_id = int(customer_id)
        self._vehicle_wanted = None
        self.chosen.setText(self.tr("Chosen: {name}").format(name=item.text()))
        self.new_customer.setChecked(False)
        self._load_vehicles(self.customer_id)
        self.vehicle.setFocus()

    def _load_vehicles(self, customer_id: int) -> None:
        self.runner.submit(appointments.customer_vehicles, self.actor, customer_id, owner=self,
                           name="appointment_vehicles", on_done=self._show_vehicles,
                           on_error=lambda error: self.errors.show_refused(error))

    def _show_vehicles(self, vehicles: list[appointments.Choice]) -> None:
        self.vehicle.clear()
        for choice in vehicles:
            self.vehicle.addItem(choice.label, choice.id)
        self.vehicle.addItem(self.tr("Another car: describe it below"), None)
        wanted = self._vehicle_wanted
        if wanted is not None or vehicles:
            index = self.vehicle.findData(wanted) if wanted is not None else 0
            self.vehicle.setCurrentIndex(max(0, index))
        if self._vehicle_wanted is None and self.appointment_id is not None and self.vehicle_text.text():
            self.vehicle.setCurrentIndex(self.vehicle.count() - 1)
        self._vehicle_changed()

    def _vehicle_changed(self) -> None:
        describe = self.new_customer.isChecked() or self.vehicle.currentData() is None
        self.vehicle_text.setEnabled(describe)

    def _new_toggled(self, new: bool) -> None:
        self.search.setEnabled(not new)
        self.found.setEnabled(not new)
        self.vehicle.setEnabled(not new)
        if new:
            self.customer_id = None
            self.chosen.setText("")
            self.vehicle.clear()
            self.contact_name.setFocus()
        self.contact_name.setPlaceholderText("" if new else self.tr("Only if someone else brings the car"))
        self._vehicle_changed()

    # saving
    def values(self) -> dict[str, Any]:
        vehicle_id = None if self.new_customer.isChecked() else self.vehicle.currentData()
        local = self.starts_at.dateTime().toPython().replace(second=0, microsecond=0)
        return {"customer_id": None if self.new_customer.isChecked() else self.customer_id,
                "vehicle_id": vehicle_id, "contact_name": self.contact_name.text(),
                "contact_phone": self.contact_phone.text(),
                "vehicle_text": self.vehicle_text.text() if vehicle_id is None else "",
                "requested_work": self.work.toPlainText(), "starts_at": appointments.utc_from_local(local),
                "duration_min": self.duration.value(), "bay_id": self.bay.currentData(),
                "technician_id": self.technician.currentData(), "note": self.note.text()}

    def save(self, approval: Any = None) -> None:
        values = self.values()
        if not self.new_customer.isChecked() and self.customer_id is None:
            self.errors.show({"customer": self.tr("Find the customer (name, phone or plate), or tick “New "
                                                  "customer”.")})
            return
        if self.appointment_id is None:
            self.submit(appointments.book, self.actor, name="appointment_book", **values)
        else:
            self.submit(appointments.reschedule, self.actor, self.appointment_id, name="appointment_reschedule",
                        **values)


class CancelDialog(FormDialog):
    """Del: cancel the selected appointment, saying why. ``saved(None)``."""

    def __init__(self, runner: TaskRunner, actor: Actor, row: AppointmentRow, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.appointment_id = row.id
        self.setWindowTitle(self.tr("Cancel appointment #{id}").format(id=row.id))
        self.form.addRow(self.tr("Appointment"), QLabel(f"{date_text(row.local_start, '%a %d %b %H:%M')} · {row.customer} · "
                                                        f"{row.vehicle_label}"))
        self.reason = self.field("reason", self.tr("&Reason"), QLineEdit())
        self.reason.setPlaceholderText(self.tr("Customer called: car sold"))
        self.save_button.setText(self.tr("Cancel appointment (Enter)"))
        self.buttons.buttons()[-1].setText(self.tr("Keep it (Esc)"))
        self.setMinimumWidth(460)
        self.reason.setFocus()

    def save(self, approval: Any = None) -> None:
        self.submit(appointments.cancel, self.actor, self.appointment_id, self.reason.text(),
                    name="appointment_cancel")


class CallListDialog(QDialog):
    """F6: tomorrow's booked appointments with the number to call, to confirm each one."""

    def __init__(self, calls: CallList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Call list for {day}").format(day=date_text(calls.day, "%A %d %B %Y")))
        self.table = _table([self.tr("Time"), self.tr("Customer"), self.tr("Phone"), self.tr("Vehicle"),
                             self.tr("Work"), self.tr("Bay / technician")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setRowCount(len(calls.rows))
        for r, call in enumerate(calls.rows):
            where = " / ".join(part for part in (call.bay, call.technician) if part)
            cells = [f"{appointments.local_time(call.starts_at):%H:%M}", call.customer, call.phone or "—",
                     call.vehicle, " ".join(call.work.split()), where]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(self.tr("{count} appointment(s) to confirm by phone.").format(count=len(calls.rows))
                              if calls.rows else self.tr("No appointments booked for that day."))
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("Close (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(900, 420)


# --- the view -----------------------------------------------------------------------------------

class AppointmentsView(QWidget):
    """The calendar: ``start()`` once shown (the host calls it), ``set_actor`` when the user changes."""

    dialog_opened = Signal(object)
    check_in_requested = Signal(int)  # the appointment id; the Workshop tab opens its check-in
    shown = Signal()  # a day or week was drawn (tests wait on it)

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.dialog: Any = None
        self.mode = "day"  # or week
        self.group = "bay"  # or technician
        self.current = shop_today()
        self.plan: Any = None  # the DayPlan or WeekPlan shown
        self._row_ids: list[int | None] = []  # day table row -> appointment id (None: a group header)
        self._started = False
        self._done_note = ""

        self.title = QLabel()
        bold = QFont(self.title.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.title.setFont(bold)
        self.day_button = key_button(self, self.tr("Alt+D Day"), "Alt+D", lambda: self.set_mode("day"),
                                     self.tr("One day, each appointment a row"))
        self.week_button = key_button(self, self.tr("Alt+W Week"), "Alt+W", lambda: self.set_mode("week"),
                                      self.tr("Monday to Sunday side by side"))
        for button in (self.day_button, self.week_button):
            button.setCheckable(True)
        self.group_button = key_button(self, "", "Alt+G", self.toggle_group,
                                       self.tr("Group the calendar by bay or by technician"))
        for text in (self.tr("Alt+G Group: bays"), self.tr("Alt+G Group: technicians")):  # no jump on toggling
            self.group_button.setText(text)
            self.group_button.setMinimumWidth(max(self.group_button.minimumWidth(),
                                                  self.group_button.sizeHint().width()))
        self.prev_button = key_button(self, self.tr("Alt+← Prev"), "Alt+Left", lambda: self.step(-1),
                                      self.tr("The previous day (or week)"))
        self.next_button = key_button(self, self.tr("Alt+→ Next"), "Alt+Right", lambda: self.step(1),
                                      self.tr("The next day (or week)"))
        self.today_button = key_button(self, self.tr("Alt+Home Today"), "Alt+Home", self.go_today,
                                       self.tr("Back to today"))
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        for button in (self.day_button, self.week_button, self.group_button, self.prev_button, self.today_button,
                       self.next_button):
            top.addWidget(button)

        self.day_table = _table([self.tr("Time"), self.tr("Customer"), self.tr("Vehicle"), self.tr("Work"),
                                 "", self.tr("Status")])
        self.day_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.day_table.activated.connect(lambda _index: self.edit_appointment())
        self.day_table.doubleClicked.connect(lambda _index: self.edit_appointment())
        self.day_table.itemSelectionChanged.connect(self._update_buttons)
        self.week_table = _table([])
        self.week_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.week_table.activated.connect(lambda _index: self.open_week_day())
        self.week_table.doubleClicked.connect(lambda _index: self.open_week_day())
        self.stack = QStackedWidget()
        self.stack.addWidget(self.day_table)
        self.stack.addWidget(self.week_table)

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.new_button = key_button(self, self.tr("Ctrl+N New"), "Ctrl+N", self.new_appointment,
                                     self.tr("Book an appointment"))
        self.edit_button = key_button(self, self.tr("Enter Edit"), "Ctrl+Return", self.edit_appointment,
                                      self.tr("Change the selected appointment (Enter on the list, Ctrl+Enter "
                                              "anywhere, or a double-click)"))
        self.arrived_button = key_button(self, self.tr("F4 Arrived"), "F4", self.arrived,
                                         self.tr("The car is here: check it in (a booked appointment of today)"))
        self.no_show_button = key_button(self, self.tr("F9 No-show"), "F9", self.no_show,
                                         self.tr("The customer did not come (once the time has passed)"))
        self.cancel_button = key_button(self, self.tr("Del Cancel"), "Del", self.cancel_appointment,
                                        self.tr("Cancel the selected appointment, with a reason"))
        self.calls_button = key_button(self, self.tr("F6 Call list"), "F6", self.call_list,
                                       self.tr("Tomorrow's appointments with phone numbers, to confirm them"))
        self.refresh_button = key_button(self, self.tr("F5 Refresh"), "F5", self.load,
                                         self.tr("Read the calendar again"))
        bottom = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.arrived_button, self.no_show_button,
                       self.cancel_button):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(self.calls_button)
        bottom.addWidget(self.refresh_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note)
        layout.addLayout(bottom)
        self.setFocusProxy(self.day_table)
        self._show_mode()
        self.set_actor(actor)

    # --- the host's hooks ------------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        """Another user: reading needs workshop.view, booking workshop.edit."""
        self.actor = actor
        self._update_buttons()
        if self._started:
            self.load()

    def start(self) -> None:
        self._started = True
        self.load()
        self.day_table.setFocus()

    # --- navigation ------------------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        if mode == "week" and self.mode == "day":
            self.current -= timedelta(days=self.current.weekday())
        elif mode == "day" and self.mode == "week":  # today if it is in the week shown, else its Monday
            today = shop_today()
            self.current = today if 0 <= (today - self.current).days < 7 else self.current
        self.mode = mode
        self._show_mode()
        self.load()

    def toggle_group(self) -> None:
        self.group = "technician" if self.group == "bay" else "bay"
        self._show_mode()
        self._draw()

    def step(self, direction: int) -> None:
        self.current += timedelta(days=direction * (7 if self.mode == "week" else 1))
        self.load()

    def go_today(self) -> None:
        today = shop_today()
        self.current = today - timedelta(days=today.weekday()) if self.mode == "week" else today
        self.load()

    def open_week_day(self) -> None:
        """Enter on a cell of the week: that day, in the day view."""
        column = self.week_table.currentColumn()
        if self.mode != "week" or column < 0:
            return
        self.current = self.plan.monday + timedelta(days=column) if self.plan is not None else self.current
        self.set_mode("day")

    def _show_mode(self) -> None:
        self.day_button.setChecked(self.mode == "day")
        self.week_button.setChecked(self.mode == "week")
        self.group_button.setText(self.tr("Alt+G Group: bays") if self.group == "bay"
                                  else self.tr("Alt+G Group: technicians"))
        self.stack.setCurrentWidget(self.day_table if self.mode == "day" else self.week_table)
        self.setFocusProxy(self.day_table if self.mode == "day" else self.week_table)
        self._update_buttons()

    # --- reading ---------------------------------------------------------------------------------

    def load(self) -> None:
        if not self.actor.can("workshop.view"):
            self.plan = None
            self.day_table.setRowCount(0)
            self.week_table.setRowCount(0)
            set_note(self.note, self.tr("Your role may not look at the workshop calendar."), error=True)
            self._update_buttons()
            return
        fn = appointments.day if self.mode == "day" else appointments.week
        self.runner.submit(fn, self.actor, self.current, owner=self, name="appointments_load",
                           on_done=self._loaded, on_error=lambda error: set_note(self.note, str(error), error=True))

    def _loaded(self, plan: Any) -> None:
        if (self.mode == "day") != isinstance(plan, DayPlan):
            return  # the mode changed meanwhile; its own load follows
        self.plan = plan
        self._draw()

    def _draw(self) -> None:
        if self.plan is None:
            return
        if self.mode == "day":
            self._draw_day(self.plan)
        else:
            self._draw_week(self.plan)
        done, self._done_note = self._done_note, ""
        if done:
            set_note(self.note, done, error=done.startswith("⚠"))
        self._update_buttons()
        self.shown.emit()

    def _capacity_text(self, cap: Capacity) -> str:
        if cap.id is None:
            return self.tr("{booked} booked").format(booked=hours(cap.booked_min))
        text = self.tr("{booked} of {available}").format(booked=hours(cap.booked_min),
                                                         available=hours(cap.available_min))
        return text + (self.tr(" — over-booked") if cap.over else "")

    def _week_capacity(self, cap: Capacity) -> str:
        """The short form a week's narrow cell holds: "11 / 10 h ⚠" (over-booked, in red)."""
        if cap.id is None:
            return self.tr("{booked} booked").format(booked=hours(cap.booked_min))
        text = f"{hours(cap.booked_min)[:-2]} / {hours(cap.available_min)}"
        return text + (" ⚠" if cap.over else "")

    def _groups(self, plan: DayPlan) -> list[Capacity]:
        return plan.bays if self.group == "bay" else plan.technicians

    def _group_of(self, row: AppointmentRow) -> int | None:
        return row.bay_id if self.group == "bay" else row.technician_id

    def _draw_day(self, plan: DayPlan) -> None:
        today = plan.day == shop_today()
        self.title.setText(date_text(plan.day, "%a %d %b %Y") + (self.tr(" (today)") if today else ""))
        other = self.tr("Technician") if self.group == "bay" else self.tr("Bay")
        self.day_table.setHorizontalHeaderItem(4, QTableWidgetItem(other))
        chosen = self.selected()
        self.day_table.clearSpans()
        self.day_table.setRowCount(0)
        self._row_ids = []
        bold = QFont(self.day_table.font())
        bold.setBold(True)
        for cap in self._groups(plan):
            rows = [r for r in plan.appointments if self._group_of(r) == cap.id]
            if cap.id is None and not rows:
                continue
            r = self.day_table.rowCount()
            self.day_table.insertRow(r)
            self._row_ids.append(None)
            header = QTableWidgetItem(f"{cap.name}   ·   {self._capacity_text(cap)}")
            header.setFont(bold)
            header.setBackground(_HEADER_BACKGROUND)
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if cap.over:
                header.setForeground(_RED)
            self.day_table.setItem(r, 0, header)
            self.day_table.setSpan(r, 0, 1, self.day_table.columnCount())
            if not rows:
                continue
            for appointment in rows:
                self._add_day_row(appointment)
        if not self._row_ids:
            self.day_table.insertRow(0)
            self._row_ids.append(None)
            empty = QTableWidgetItem(self.tr("No bays or technicians set up yet."))
            empty.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.day_table.setItem(0, 0, empty)
            self.day_table.setSpan(0, 0, 1, self.day_table.columnCount())
        self.day_table.resizeColumnsToContents()
        header = self.day_table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column, most in ((1, 200), (2, 200), (4, 130)):
            self.day_table.setColumnWidth(column, min(self.day_table.columnWidth(column), most))
        self.day_table.setColumnWidth(0, max(self.day_table.fontMetrics().horizontalAdvance("00:00–00:00") + 16,
                                             90))
        self.day_table.resizeRowsToContents()
        self.select(chosen.id if chosen else None)
        booked = [a for a in plan.appointments if a.status in appointments.ACTIVE]
        clashes = sum(1 for a in plan.appointments if a.clashes)
        text = self.tr("{count} appointment(s); working day {opens}–{closes}.").format(
            count=len(booked), opens=f"{plan.opens:%H:%M}", closes=f"{plan.closes:%H:%M}")
        if clashes:
            text = self.tr("⚠ {count} appointment(s) clash: a bay or technician is booked twice. ").format(
                count=clashes) + text
        set_note(self.note, text, error=bool(clashes))

    def _add_day_row(self, a: AppointmentRow) -> None:
        r = self.day_table.rowCount()
        self.day_table.insertRow(r)
        self._row_ids.append(a.id)
        other = a.technician if self.group == "bay" else a.bay
        status = self.tr(appointments.STATUSES[a.status])
        if a.clashes:
            status = self.tr("{status} ⚠ clash").format(status=status)
        if a.no_shows and a.status == "booked":
            status += self.tr(" ({count} no-show(s) before)").format(count=a.no_shows)
        customer = f"{a.customer}\n{a.phone}" if a.phone else a.customer
        work = " ".join(a.work.split()) + (f"\n{a.note}" if a.note else "")
        if a.status == "cancelled" and a.status_reason:
            work += "\n" + self.tr("Cancelled: {reason}").format(reason=a.status_reason)
        cells = [f"{a.local_start:%H:%M}–{a.local_end:%H:%M}", customer, a.vehicle_label or "—", work,
                 other or "—", status]
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setBackground(QBrush(_STATUS_BACKGROUND[a.status]))
            if a.status == "cancelled":
                item.setForeground(_MUTED)
                font = item.font()
                font.setStrikeOut(c == 0)
                item.setFont(font)
            if a.clashes:
                item.setToolTip("\n".join(a.clashes))
            self.day_table.setItem(r, c, item)
        if a.clashes:
            self.day_table.item(r, 5).setForeground(_RED)

    def _draw_week(self, plan: appointments.WeekPlan) -> None:
        last = plan.monday + timedelta(days=6)
        self.title.setText(self.tr("Week of {first} – {last}").format(first=date_text(plan.monday, "%d %b"),
                                                                      last=date_text(last, "%d %b %Y")))
        today = shop_today()
        self.week_table.clear()
        self.week_table.setColumnCount(7)
        self.week_table.setHorizontalHeaderLabels(
            [date_text(d.day, "%a %d %b") + (" •" if d.day == today else "") for d in plan.days])
        keys: list[tuple[int | None, str]] = []
        for day_plan in plan.days:
            for cap in self._groups(day_plan):
                if (cap.id, cap.name) not in keys:
                    keys.append((cap.id, cap.name))
        keys.sort(key=lambda k: k[0] is None)  # the "no bay" row last
        self.week_table.setRowCount(len(keys))
        self.week_table.setVerticalHeaderLabels([name for _id, name in keys])
        self.week_table.verticalHeader().setVisible(True)
        for c, day_plan in enumerate(plan.days):
            caps = {cap.id: cap for cap in self._groups(day_plan)}
            for r, (key, _name) in enumerate(keys):
                cap = caps.get(key)
                rows = [a for a in day_plan.appointments
                        if self._group_of(a) == key and a.status != "cancelled"]
                lines = [self._week_capacity(cap)] if cap is not None else []
                for a in rows:
                    mark = {"arrived": " ✓", "no_show": self.tr(" (no-show)")}.get(a.status, "")
                    clash = " ⚠" if a.clashes else ""
                    lines.append(f"{a.local_start:%H:%M} {a.customer}{mark}{clash}\n   {a.vehicle_label or '—'}"
                                 f" · {' '.join(a.work.split())[:40]}")
                item = QTableWidgetItem("\n".join(lines))
                item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                if cap is not None and cap.over or any(a.clashes for a in rows):
                    item.setForeground(_RED)
                if day_plan.day == today:
                    item.setBackground(QBrush(_STATUS_BACKGROUND["booked"]))
                self.week_table.setItem(r, c, item)
        self.week_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.week_table.resizeRowsToContents()
        if keys and self.week_table.currentRow() < 0:
            self.week_table.setCurrentCell(0, min(max(0, (today - plan.monday).days), 6))
        total = sum(1 for d in plan.days for a in d.appointments if a.status in appointments.ACTIVE
                    and a.local_start.date() == d.day)
        set_note(self.note, self.tr("{count} appointment(s) this week. Enter opens the chosen day.").format(
            count=total))

    # --- the selected appointment ------------------------------------------------------------------

    def selected(self) -> AppointmentRow | None:
        if self.mode != "day" or not isinstance(self.plan, DayPlan):
            return None
        r = self.day_table.currentRow()
        wanted = self._row_ids[r] if 0 <= r < len(self._row_ids) else None
        return next((a for a in self.plan.appointments if a.id == wanted), None) if wanted is not None else None

    def select(self, appointment_id: int | None) -> None:
        rows = [r for r, aid in enumerate(self._row_ids) if aid is not None]
        if not rows:
            return
        chosen = self._row_ids.index(appointment_id) if appointment_id in self._row_ids else rows[0]
        self.day_table.setCurrentCell(chosen, 0)
        self.day_table.selectRow(chosen)

    def _update_buttons(self) -> None:
        view = self.actor.can("workshop.view")
        edit = self.actor.can("workshop.edit")
        row = self.selected()
        booked = row is not None and row.status == "booked"
        for button in (self.day_button, self.week_button, self.group_button, self.prev_button, self.next_button,
                       self.today_button, self.refresh_button, self.calls_button):
            button.setEnabled(view)
        self.new_button.setEnabled(edit)
        self.edit_button.setEnabled(edit and booked)
        self.cancel_button.setEnabled(edit and booked)
        self.no_show_button.setEnabled(edit and booked)
        self.arrived_button.setEnabled(edit and booked and row.local_start.date() == shop_today())

    # --- actions ----------------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        open_over(self, dialog, lambda: self.stack.currentWidget())

    def _refused(self, error: Exception) -> None:
        problems = getattr(error, "problems", None)
        text = " ".join(problems.values()) if problems else str(error)
        set_note(self.note, text + " " + self.tr("Nothing was changed."), error=True)

    def _default_start(self) -> datetime:
        """A new booking starts on the day shown: the next full hour today, else at opening time."""
        day = self.current if self.mode == "day" else max(self.current, shop_today())
        opens = self.plan.opens if isinstance(self.plan, DayPlan) else time(8, 0)
        if day == shop_today():
            soon = appointments.local_time(now()).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            return max(soon, datetime.combine(day, opens))
        return datetime.combine(day, opens)

    def new_appointment(self) -> None:
        if self.actor.can("workshop.edit"):
            self._booking_dialog(None)

    def edit_appointment(self) -> None:
        if self.mode == "week":
            self.open_week_day()
            return
        row = self.selected()
        if row is not None and row.status == "booked" and self.actor.can("workshop.edit"):
            self._booking_dialog(row)

    def _booking_dialog(self, row: AppointmentRow | None) -> None:
        start = self._default_start()

        def with_choices(choices: BookingChoices) -> None:
            dialog = AppointmentDialog(self.runner, self.actor, choices, row=row, start=start, parent=self)
            dialog.saved.connect(self._booked)
            self._open(dialog)

        self.runner.submit(appointments.booking_choices, self.actor, owner=self, name="appointment_choices",
                           on_done=with_choices, on_error=self._refused)

    def _booked(self, result: BookingResult) -> None:
        if result.warnings:
            self._done_note = "⚠ " + self.tr("Booked, but: {warnings}").format(warnings=" ".join(result.warnings))
        else:
            self._done_note = self.tr("Appointment #{id} saved.").format(id=result.appointment_id)
        self.runner.submit(appointments.get, self.actor, result.appointment_id, owner=self, name="appointment_get",
                           on_done=self._go_to, on_error=self._refused)

    def _go_to(self, row: AppointmentRow) -> None:
        """After a booking: the day it is on, with it selected."""
        self.current = row.local_start.date()
        self.mode = "day"
        self._show_mode()
        self.runner.submit(appointments.day, self.actor, self.current, owner=self, name="appointments_load",
                           on_done=lambda plan: (self._loaded(plan), self.select(row.id), self._update_buttons()),
                           on_error=self._refused)

    def cancel_appointment(self) -> None:
        row = self.selected()
        if row is None or row.status != "booked" or not self.actor.can("workshop.edit"):
            return
        dialog = CancelDialog(self.runner, self.actor, row, self)
        dialog.saved.connect(lambda _r: self._changed(self.tr("Appointment #{id} cancelled.").format(id=row.id)))
        self._open(dialog)

    def no_show(self) -> None:
        row = self.selected()
        if row is None or row.status != "booked" or not self.actor.can("workshop.edit"):
            return
        self.runner.submit(appointments.mark_no_show, self.actor, row.id, owner=self, name="appointment_no_show",
                           on_done=lambda count: self._changed(self.tr(
                               "{customer} marked a no-show ({count} so far).").format(customer=row.customer,
                                                                                       count=count)
                               if row.customer_id else self.tr("{customer} marked a no-show.").format(
                                   customer=row.customer)),
                           on_error=self._refused)

    def _changed(self, message: str) -> None:
        self._done_note = message
        self.load()

    def arrived(self) -> None:
        row = self.selected()
        if row is not None and self.arrived_button.isEnabled():
            self.check_in_requested.emit(row.id)

    def call_list(self) -> None:
        if not self.actor.can("workshop.view"):
            return
        self.runner.submit(appointments.call_list, self.actor, owner=self, name="appointments_call_list",
                           on_done=lambda calls: self._open(CallListDialog(calls, self)), on_error=self._refused)


__all__ = ["AppointmentDialog", "AppointmentsView", "CallListDialog", "CancelDialog", "hours"]
