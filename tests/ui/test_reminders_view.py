"""The service reminders view (partsdesk.ui.reminders_view) on both engines: the list by state
with its colours, the upcoming toggle, a new reminder found by plate (bad input shown by its
field, nothing saved), marked done and cancelled by key, and a read-only technician."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import ServiceReminder
from partsdesk.services import clock, reminders
from partsdesk.services.customers import record_odometer, save_customer, save_vehicle
from partsdesk.ui.reminders_view import (
    CancelReminderDialog,
    MarkDoneDialog,
    NewReminderDialog,
    RemindersView,
    VehicleSearchDialog,
)

TODAY = date(2024, 5, 20)


@pytest.fixture
def due_list(staff):
    """Li Wei's car (33.3 km a day) with an oil service projected for 30 May (due soon) and brake
    fluid overdue since 1 May; Zhang Min's car with an inspection in September (upcoming)."""
    advisor = staff["service_advisor"]
    li = save_customer(SYSTEM, None, {"kind": "person", "name": "Li Wei"}, phones=[("mobile", "138 0013 8000")])
    car, _w = save_vehicle(SYSTEM, None, li, {"plate": "沪A·12345"})
    for when, km in ((datetime(2024, 1, 1, 9), 10_000), (datetime(2024, 3, 31, 9), 13_000)):
        clock.set_clock(lambda when=when: when)
        record_odometer(SYSTEM, car, km, source="counter")
    zhang = save_customer(SYSTEM, None, {"kind": "person", "name": "Zhang Min"}, phones=[("mobile", "139 1111 2222")])
    other, _w = save_vehicle(SYSTEM, None, zhang, {"plate": "沪B·67890"})
    clock.set_clock(lambda: datetime(2024, 5, 20, 9, 0))
    ids = {"oil": reminders.add_reminder(advisor, car, "Oil service", due_on="2024-12-31", due_km=15_000),
           "fluid": reminders.add_reminder(advisor, car, "Brake fluid", due_on="2024-05-01"),
           "inspection": reminders.add_reminder(advisor, other, "Annual inspection", due_on="2024-09-01")}
    return {"car": car, "other": other, **ids}


@pytest.fixture
def open_view(qtbot, runner):
    def show(actor) -> RemindersView:
        view = RemindersView(runner, actor)
        qtbot.addWidget(view)
        view.resize(1100, 420)
        view.show()
        qtbot.waitExposed(view)
        with qtbot.waitSignal(view.reminders_shown, timeout=5000):
            view.start()
        return view

    return show


def _dialog(qtbot, view, trigger):
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as opened:
        trigger()
    return opened.args[0]


def cells(view: RemindersView, column: int) -> list[str]:
    return [view.table.item(r, column).text() for r in range(view.table.rowCount())]


def test_the_list_shows_what_is_due_coloured_and_the_upcoming_on_request(qtbot, open_view, staff, due_list,
                                                                         shown_errors):
    view = open_view(staff["service_advisor"])
    assert cells(view, 3) == ["Brake fluid", "Oil service"]  # overdue first
    assert cells(view, 0) == ["Li Wei", "Li Wei"] and cells(view, 1)[0] == "138 0013 8000"
    assert cells(view, 7) == ["Overdue 19 d", "Due soon (10 d)"]
    assert (cells(view, 5)[1], cells(view, 6)[1], cells(view, 4)[1]) == ("15,000", "2024-05-30", "2024-12-31")
    assert view.table.item(0, 7).background().color() == QColor("#c62828")
    assert view.table.item(1, 7).background().color() == QColor("#ffe082")
    assert view.note.text() == "1 overdue, 0 due today, 1 due soon."
    view.grab().save("/tmp/reminders_view.png")

    with qtbot.waitSignal(view.reminders_shown, timeout=5000):
        qtbot.keyClick(view, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    assert view.upcoming_box.isChecked()
    assert cells(view, 3) == ["Brake fluid", "Oil service", "Annual inspection"]
    assert cells(view, 7)[2] == "Upcoming" and cells(view, 0)[2] == "Zhang Min"
    view.grab().save("/tmp/reminders_view_upcoming.png")
    assert shown_errors == []


def test_a_new_reminder_is_found_by_plate_and_bad_input_saves_nothing(qtbot, open_view, staff, due_list,
                                                                      shown_errors):
    view = open_view(staff["service_advisor"])
    search = _dialog(qtbot, view, lambda: qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier))
    assert isinstance(search, VehicleSearchDialog)
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as opened:
        qtbot.keyClicks(search.box, "67890")
        qtbot.keyClick(search.box, Qt.Key.Key_Return)
    dialog = opened.args[0]
    assert isinstance(dialog, NewReminderDialog) and dialog.vehicle_id == due_list["other"]
    assert [dialog.service.itemText(i) for i in range(dialog.service.count())][:2] == ["Oil service", "Brake fluid"]
    before = ServiceReminder.select().count()
    dialog.service.setCurrentText("Timing belt")
    dialog.due_on.setText("next spring")
    dialog.due_km.setText("-3")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert set(dialog.errors.current) == {"due_on", "due_km"}
    assert dialog.isVisible() and ServiceReminder.select().count() == before
    dialog.grab().save("/tmp/reminders_new_errors.png")
    dialog.due_on.setText("2024-05-25")
    dialog.due_km.setText("")
    with qtbot.waitSignal(view.reminders_shown, timeout=5000):
        dialog.save_button.click()
    assert "Timing belt" in cells(view, 3)
    assert view.note.text().startswith("Reminder added.")
    assert shown_errors == []


def test_mark_done_and_cancel_by_key(qtbot, open_view, staff, due_list, shown_errors):
    view = open_view(staff["service_advisor"])
    view.table.selectRow(1)  # the oil service
    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier))
    assert isinstance(dialog, MarkDoneDialog) and dialog.done_on.text() == TODAY.isoformat()
    dialog.done_km.setText("13400")
    with qtbot.waitSignal(view.reminders_shown, timeout=5000):
        dialog.save_button.click()
    assert ServiceReminder.get_by_id(due_list["oil"]).status == "done"
    assert cells(view, 3) == ["Brake fluid"]  # the next oil service is a year away
    assert view.note.text().startswith("Oil service done; the next one is on the list.")

    dialog = _dialog(qtbot, view, lambda: qtbot.keyClick(view.table, Qt.Key.Key_Delete))
    assert isinstance(dialog, CancelReminderDialog)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(dialog.errors.current), timeout=5000)
    assert "Say why" in dialog.errors.current["reason"]
    assert ServiceReminder.get_by_id(due_list["fluid"]).status == "open"
    dialog.reason.setText("Serviced elsewhere")
    with qtbot.waitSignal(view.reminders_shown, timeout=5000):
        dialog.save_button.click()
    assert ServiceReminder.get_by_id(due_list["fluid"]).status == "cancelled"
    assert view.table.rowCount() == 0
    assert view.note.text() == ("Reminder cancelled. Nothing due within the lead time. Alt+U shows the upcoming "
                                "ones too.")
    assert shown_errors == []


def test_a_technician_reads_without_phones_or_changes(qtbot, open_view, staff, due_list, shown_errors):
    view = open_view(staff["technician"])
    assert cells(view, 3) == ["Brake fluid", "Oil service"] and cells(view, 1) == ["", ""]
    assert not any(b.isEnabled() for b in (view.new_button, view.done_button, view.cancel_button))
    assert view.refresh_button.isEnabled()
    assert "Phones are shown to those who may" in view.note.text()
    qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert view.dialog is None
    # the advisor logs in at the same window
    with qtbot.waitSignal(view.reminders_shown, timeout=5000):
        view.set_actor(staff["service_advisor"])
    assert view.new_button.isEnabled() and cells(view, 1)[0] == "138 0013 8000"
    assert shown_errors == []
