"""The appointment calendar, driven by keys: book through the dialog, see it in the day, the
week and by technician, and ask for the check-in of today's booked appointment."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QApplication

from partsdesk.models import Appointment, VehicleModel, WorkshopBay
from partsdesk.services import appointments, clock, users
from partsdesk.services.appointments import utc_from_local
from partsdesk.services.customers import save_customer, save_vehicle
from partsdesk.ui.appointments_view import AppointmentDialog, AppointmentsView, CallListDialog, CancelDialog

NOW = datetime(2026, 12, 1, 7, 0)  # Tuesday 1 December, 07:00 (UTC on the suite's PCs)
TODAY = date(2026, 12, 1)


@pytest.fixture
def workshop(staff):
    clock.set_clock(lambda: NOW)
    WorkshopBay.create(code="B1", name="Lift 1")
    WorkshopBay.create(code="B2", name="Lift 2")
    users.add_user(staff["admin"], username="tom", display_name="Tom Tech", role="technician", pin="2468")
    golf = VehicleModel.create(make="VW", model="Golf").id
    li = save_customer(staff["manager"], None, {"kind": "person", "name": "Li Wei"},
                       phones=[("mobile", "138 0013 8000")])
    save_vehicle(staff["manager"], None, li, {"plate": "B-XY 123", "vehicle_model_id": golf})
    return {"li": li, "advisor": staff["service_advisor"]}


def open_view(qtbot, runner, actor) -> AppointmentsView:
    view = AppointmentsView(runner, actor)
    qtbot.addWidget(view)
    view.resize(1024, 700)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.shown, timeout=5000):
        view.start()
    return view


def day_texts(view: AppointmentsView) -> list[str]:
    table = view.day_table
    return [" | ".join(table.item(r, c).text() for c in range(table.columnCount()) if table.item(r, c))
            for r in range(table.rowCount())]


def test_book_through_the_dialog_and_see_it_in_day_week_and_by_technician(qtbot, runner, workshop, shown_errors):
    view = open_view(qtbot, runner, workshop["advisor"])
    assert view.title.text() == "Tue 01 Dec 2026 (today)"
    assert any("B1 Lift 1   ·   0 h of 10 h" in t for t in day_texts(view))
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(view.day_table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = opened.args[0]
    assert isinstance(dialog, AppointmentDialog)
    qtbot.keyClicks(dialog.search, "Li Wei")
    qtbot.waitUntil(lambda: dialog.found.count() == 1 and "Li Wei" in dialog.found.item(0).text(), timeout=5000)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # the one found is taken
    qtbot.waitUntil(lambda: dialog.vehicle.count() == 2, timeout=5000)
    assert dialog.vehicle.currentText() == "B-XY 123 · VW Golf" and not dialog.vehicle_text.isEnabled()
    dialog.starts_at.setDateTime(QDateTime(datetime(2026, 12, 1, 10, 0)))
    dialog.duration.setValue(660)  # longer than the working day: over-booked
    dialog.bay.setCurrentIndex(dialog.bay.findText("B1 Lift 1"))
    dialog.technician.setCurrentIndex(dialog.technician.findText("Tom Tech"))
    dialog.work.setPlainText("Oil service")
    assert dialog.errors.current == {} and dialog.isVisible()  # Enter in the search did not press Save
    dialog.grab().save("/tmp/appointments_dialog.png")
    with qtbot.waitSignal(view.shown, timeout=5000):
        dialog.save_button.click()
    booked = Appointment.get()
    assert (booked.customer_id, booked.requested_work, booked.duration_min) == (workshop["li"], "Oil service", 660)
    texts = day_texts(view)
    assert any(t.startswith("B1 Lift 1   ·   11 h of 10 h — over-booked") for t in texts)
    row = next(t for t in texts if "Li Wei" in t)
    assert row.startswith("10:00–21:00 | Li Wei\n138 0013 8000 | B-XY 123 · VW Golf | Oil service | Tom Tech | Booked")
    assert view.selected().id == booked.id
    header = next(r for r, aid in enumerate(view._row_ids) if aid is None)
    assert view.day_table.item(header, 0).foreground().color().name() == "#c62828"
    view.day_table.grab().save("/tmp/appointments_day.png")

    with qtbot.waitSignal(view.shown, timeout=5000):
        qtbot.keyClick(view.day_table, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert view.mode == "week" and view.title.text() == "Week of 30 Nov – 06 Dec 2026"
    week = view.week_table
    assert [week.verticalHeaderItem(r).text() for r in range(week.rowCount())] == ["B1 Lift 1", "B2 Lift 2"]
    tuesday = week.item(0, 1).text()
    assert tuesday.startswith("11 / 10 h ⚠\n10:00 Li Wei") and "Oil service" in tuesday
    assert week.item(0, 1).foreground().color().name() == "#c62828"
    assert week.item(0, 2).text() == "0 / 10 h"
    qtbot.keyClick(week, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # by technician, drawn at once
    assert [week.verticalHeaderItem(r).text() for r in range(week.rowCount())] == ["Technician", "Tom Tech"]
    assert week.item(1, 1).text().startswith("11 / 10 h ⚠\n10:00 Li Wei")
    assert view.group_button.text() == "Alt+G Group: technicians"
    view.grab().save("/tmp/appointments_week.png")

    week.setCurrentCell(1, 1)
    with qtbot.waitSignal(view.shown, timeout=5000):
        qtbot.keyClick(week, Qt.Key.Key_Return)  # Enter: that day
    assert view.mode == "day" and view.current == TODAY
    assert any(t.startswith("Tom Tech   ·   11 h of 10 h") for t in day_texts(view))
    assert any("B1 Lift 1 | Booked" in t for t in day_texts(view))  # the other column is now the bay
    view.grab().save("/tmp/appointments_day_view.png")
    assert shown_errors == []


def test_arrived_emits_check_in_for_a_booked_appointment_of_today(qtbot, runner, workshop):
    advisor = workshop["advisor"]
    today = appointments.book(advisor, customer_id=workshop["li"], vehicle_id=None, vehicle_text="red Polo",
                              requested_work="Brakes", starts_at=utc_from_local(datetime(2026, 12, 1, 9)),
                              duration_min=60).appointment_id
    tomorrow = appointments.book(advisor, contact_name="Sun Li", contact_phone="139 1111 2222",
                                 vehicle_text="white Golf", requested_work="Tyres",
                                 starts_at=utc_from_local(datetime(2026, 12, 2, 9)), duration_min=30).appointment_id
    view = open_view(qtbot, runner, advisor)
    view.select(today)
    assert view.arrived_button.isEnabled()
    with qtbot.waitSignal(view.check_in_requested, timeout=2000) as asked:
        qtbot.keyClick(view.day_table, Qt.Key.Key_F4)
    assert asked.args == [today]
    with qtbot.waitSignal(view.shown, timeout=5000):
        qtbot.keyClick(view.day_table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # tomorrow
    view.select(tomorrow)
    assert view.selected().id == tomorrow and not view.arrived_button.isEnabled()  # not today's
    with qtbot.assertNotEmitted(view.check_in_requested):
        qtbot.keyClick(view.day_table, Qt.Key.Key_F4)

    # F6: tomorrow's call list
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(view.day_table, Qt.Key.Key_F6)
    calls = opened.args[0]
    assert isinstance(calls, CallListDialog)
    assert [calls.table.item(0, c).text() for c in range(3)] == ["09:00", "Sun Li", "139 1111 2222"]
    calls.grab().save("/tmp/appointments_calls.png")
    calls.reject()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.day_table, timeout=5000)  # the keys work again

    # Del: cancel with a reason; then the buttons of a cancelled one are off
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(view.day_table, Qt.Key.Key_Delete)
    cancel = opened.args[0]
    assert isinstance(cancel, CancelDialog)
    cancel.save_button.click()
    qtbot.waitUntil(lambda: "reason" in cancel.errors.current, timeout=5000)
    assert Appointment.get_by_id(tomorrow).status == "booked"
    qtbot.keyClicks(cancel.reason, "Customer called")
    with qtbot.waitSignal(view.shown, timeout=5000):
        cancel.save_button.click()
    assert Appointment.get_by_id(tomorrow).status == "cancelled"
    view.select(tomorrow)
    assert not view.cancel_button.isEnabled() and not view.edit_button.isEnabled()
    assert f"Appointment #{tomorrow} cancelled." in view.note.text()


def test_no_show_after_the_start_and_refused_before(qtbot, runner, workshop, shown_errors):
    advisor = workshop["advisor"]
    booked = appointments.book(advisor, customer_id=workshop["li"], vehicle_text="red Polo", requested_work="Brakes",
                               starts_at=utc_from_local(datetime(2026, 12, 1, 9)), duration_min=60).appointment_id
    view = open_view(qtbot, runner, advisor)
    view.select(booked)
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        qtbot.keyClick(view.day_table, Qt.Key.Key_F9)
    assert "only once that time has passed" in view.note.text()
    assert Appointment.get_by_id(booked).status == "booked"
    clock.set_clock(lambda: datetime(2026, 12, 1, 9, 30))
    with qtbot.waitSignal(view.shown, timeout=5000):
        qtbot.keyClick(view.day_table, Qt.Key.Key_F9)
    assert Appointment.get_by_id(booked).status == "no_show"
    assert view.note.text() == "Li Wei marked a no-show (1 so far)."


def test_a_technician_reads_but_does_not_book(qtbot, runner, workshop, staff):
    view = open_view(qtbot, runner, staff["technician"])
    assert not view.new_button.isEnabled() and view.week_button.isEnabled()
    view.set_actor(staff["cashier"])
    assert not view.week_button.isEnabled()
    assert view.note.text() == "Your role may not look at the workshop calendar."
