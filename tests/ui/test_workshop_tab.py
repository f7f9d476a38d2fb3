"""The Workshop tab end to end on both engines, as the advisor and the technician work it: an
appointment arrives and is checked in (checklist, a damage mark), the estimate is written and
printed (its lines equal the order's), the customer authorizes, a price change after that blocks
delivery until re-authorized, the technician clocks on and off, the quality check passes, the
order is invoiced at the authorized prices, and a follow-up call waits in the care list. Plus
the board and the orders list."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from test_repair_order_dialog import COL_AUTH, front, nested, press, written

from partsdesk.models import Appointment, RepairOrder, RepairOrderCheck, RepairOrderDamage, Sale, SaleLine
from partsdesk.printing.workshop import write_workshop_document
from partsdesk.services import appointments, care, clock
from partsdesk.ui.checkin_dialog import CheckInDialog
from partsdesk.ui.counter_tab import PartSearchDialog
from partsdesk.ui.repair_order_dialog import (
    AuthorizeDialog,
    ChangeLineDialog,
    ComebackDialog,
    DeliveryDialog,
    DeliveryTenderDialog,
    IssuePartsDialog,
    LabourDialog,
    PrintDocumentsDialog,
    QualityCheckDialog,
    RepairOrderDialog,
)
from partsdesk.ui.workshop_tab import WorkshopTab
from tests.services.counter_shop import SOLD_AT
from tests.services.workshop_shop import workshop_shop


@pytest.fixture
def shop(staff):
    return workshop_shop(staff)


def open_tab(qtbot, runner, actor) -> WorkshopTab:
    tab = WorkshopTab(runner, actor)
    qtbot.addWidget(tab)
    tab.resize(1024, 700)
    tab.show()
    qtbot.waitExposed(tab)
    with qtbot.waitSignal(tab.board_view.shown, timeout=5000):
        tab.start()
    return tab


def opened_order(qtbot, tab: WorkshopTab, action) -> RepairOrderDialog:
    with qtbot.waitSignal(tab.dialog_opened, timeout=10_000) as opened:
        action()
    dialog = opened.args[0]
    assert isinstance(dialog, RepairOrderDialog)
    qtbot.waitUntil(lambda: dialog.screen_data is not None and dialog.choices is not None, timeout=5000)
    return dialog


def test_from_appointment_to_follow_up_call(qtbot, runner, staff, shop, pdf_printers, shown_errors, tmp_path):
    advisor = staff["service_advisor"]
    booked = appointments.book(advisor, customer_id=shop["li"], vehicle_id=shop["golf"],
                               requested_work="Squeal from the front brakes", starts_at=SOLD_AT + timedelta(hours=1),
                               duration_min=90).appointment_id
    tab = open_tab(qtbot, runner, advisor)
    assert tab.board_view.board.total == 0

    # the car arrives: Arrived (F4) on today's appointment opens the check-in, filled from the booking
    with qtbot.waitSignal(tab.appointments_view.shown, timeout=5000):
        tab.show_view(tab.appointments_view)
    assert not tab.keys.isVisible()  # the calendar's own keys, not the board's
    tab.appointments_view.select(booked)
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(tab.appointments_view.day_table, Qt.Key.Key_F4)
    checkin = opened.args[0]
    assert isinstance(checkin, CheckInDialog)
    assert checkin.concern_box.toPlainText() == "Squeal from the front brakes"
    assert checkin.odometer_box.text() == "50000" and "B-XY 123" in checkin.vehicle_label.text()
    checkin.odometer_box.setText("49,000")  # lower than the last reading, no reason: said, nothing written
    checkin.save()
    qtbot.waitUntil(lambda: "50,000 km" in " ".join(checkin.errors.current.values()), timeout=5000)
    assert RepairOrder.select().count() == 0
    checkin.odometer_box.setText("50,120")
    checkin.result_boxes[0].setCurrentIndex(checkin.result_boxes[0].findData("ok"))
    checkin.result_boxes[1].setCurrentIndex(checkin.result_boxes[1].findData("attention"))
    checkin.checklist.item(1, 2).setText("front left worn")
    body = checkin.outline._body()
    qtbot.mouseClick(checkin.outline, Qt.MouseButton.LeftButton,
                     pos=QPoint(int(body.left() + body.width() / 2), int(body.top() + body.height() / 10)))
    assert len(checkin.outline.marks) == 1 and checkin.marks_table.rowCount() == 1
    checkin.grab().save("/tmp/workshop_checkin.png")
    ro = opened_order(qtbot, tab, checkin.save)
    number = ro.number
    order = RepairOrder.get(RepairOrder.number == number)
    assert (order.appointment_id, order.odometer_in) == (booked, 50_120)
    assert Appointment.get_by_id(booked).status == "arrived"
    assert [(c.item, c.result, c.note) for c in RepairOrderCheck.select().where(RepairOrderCheck.order == order.id)
            .order_by(RepairOrderCheck.id)] == [("Lights", "ok", ""), ("Tyres", "attention", "front left worn")]
    mark = RepairOrderDamage.get(RepairOrderDamage.order == order.id)
    assert abs(mark.x - 500) <= 10 and abs(mark.y - 100) <= 10
    qtbot.waitUntil(lambda: tab.board_view.board.total == 1, timeout=5000)
    assert tab.board_view.lists["checked_in"].item(0).data(Qt.ItemDataRole.UserRole) == number

    # the estimate: pads and labour
    search = nested(qtbot, ro, Qt.Key.Key_F2, PartSearchDialog)
    qtbot.keyClicks(search.box, "BP-1")
    qtbot.waitUntil(lambda: search.table.rowCount() >= 1 and search.rows[0].number == "BP-1", timeout=5000)
    written(qtbot, ro, lambda: qtbot.keyClick(search.box, Qt.Key.Key_Return))
    labour = nested(qtbot, ro, Qt.Key.Key_F3, LabourDialog)
    qtbot.keyClicks(labour.description, "Replace front brake pads")
    labour.hours.setText("1.5")
    labour.labour_class.setCurrentIndex(labour.labour_class.findData(shop["general"]))
    written(qtbot, ro, labour.save)
    with qtbot.waitSignal(ro.dialog_opened, timeout=5000) as opened:
        press(qtbot, ro, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    printing = front(qtbot, opened.args[0], PrintDocumentsDialog)
    assert [printing.kinds.item(i).text() for i in range(printing.kinds.count())] == [
        "Estimate", "Check-in sheet", "Job card", "Pick list"]  # no delivery note before delivery
    with qtbot.waitSignal(printing.printed, timeout=10_000) as done:
        qtbot.keyClick(printing.kinds, Qt.Key.Key_Return)
    assert done.args[0].ok and pdf_printers[-1][0] == "estimate" and pdf_printers[-1][1].stat().st_size > 0
    estimate = tmp_path / "estimate.pdf"  # the same document as a PDF file, read back (the printer got pixels)
    with estimate.open("wb") as out:
        write_workshop_document("estimate", number, out)
    text = subprocess.run(["pdftotext", "-layout", str(estimate), "-"], capture_output=True, text=True,
                          check=True).stdout
    for line in ro.screen_data.detail.lines:
        assert line.description in text
    assert "113.00" in text and "225.00" in text and "338.00" in text and "Needs authorization" in text

    # the customer says yes in person; then the labour price changes: re-authorization, delivery blocked
    ro.table.clearSelection()
    auth = nested(qtbot, ro, Qt.Key.Key_F6, AuthorizeDialog)
    auth.signed.setChecked(True)
    written(qtbot, ro, auth.save)
    assert "Authorized total 338.00 of current total 338.00" in ro.totals_label.text()
    ro.select_line(2)
    change = nested(qtbot, ro, Qt.Key.Key_Return, ChangeLineDialog)
    change.price.setText("180.00")
    written(qtbot, ro, change.save)
    assert ro.table.item(1, COL_AUTH).text() == "Re-authorization needed"
    assert "Authorized total 338.00 of current total 383.00" in ro.totals_label.text()
    assert not ro.deliver_button.isEnabled()
    ro.deliver()
    assert "it is delivered once it passed its quality check" in ro.message.text()
    ro.select_line(2)
    auth = nested(qtbot, ro, Qt.Key.Key_F6, AuthorizeDialog)
    auth.method.setCurrentIndex(auth.method.findData("phone"))
    written(qtbot, ro, auth.save)
    assert "Authorized total 383.00 of current total 383.00" in ro.totals_label.text()

    # the technician's own tab: the order on the board, clock on and off, parts, quality check
    technician = open_tab(qtbot, runner, staff["technician"])
    card = technician.board_view.lists["in_progress"].item(0)
    assert card.data(Qt.ItemDataRole.UserRole) == number and "383.00" in card.text()
    technician.board_view.lists["in_progress"].setCurrentItem(card)
    tech = opened_order(qtbot, technician, lambda: technician.board_view._activated(card))
    tech.select_line(2)
    written(qtbot, tech, lambda: press(qtbot, tech, Qt.Key.Key_F7))
    clock.set_clock(lambda: SOLD_AT + timedelta(minutes=100))
    written(qtbot, tech, lambda: press(qtbot, tech, Qt.Key.Key_F8))
    issue = nested(qtbot, tech, Qt.Key.Key_F9, IssuePartsDialog)
    written(qtbot, tech, issue.save)
    with qtbot.waitSignal(tech.dialog_opened, timeout=10_000) as opened:
        press(qtbot, tech, Qt.Key.Key_F10)
    quality = opened.args[0]
    assert isinstance(quality, QualityCheckDialog)
    written(qtbot, tech, quality.save)
    assert RepairOrder.get(RepairOrder.number == number).status == "ready"

    # delivery at the authorized prices, through the counter's tender
    press(qtbot, ro, Qt.Key.Key_F5)
    qtbot.waitUntil(ro.deliver_button.isEnabled, timeout=5000)
    delivery = nested(qtbot, ro, Qt.Key.Key_F12, DeliveryDialog)
    delivery.odometer.setText("50,130")
    with qtbot.waitSignal(ro.dialog_opened, timeout=5000) as opened:
        delivery.save()
    tender = front(qtbot, opened.args[0], DeliveryTenderDialog)
    assert tender.total == 38_300
    qtbot.keyClicks(tender.cash, "400")
    written(qtbot, ro, lambda: qtbot.keyClick(tender.cash, Qt.Key.Key_Return))
    sale = Sale.get(Sale.id == RepairOrder.get(RepairOrder.number == number).sale_id)
    assert [(x.description, x.unit_price, x.total) for x in
            SaleLine.select().where(SaleLine.sale == sale.id).order_by(SaleLine.line_no)] == [
        ("Part BP-1", 11_300, 11_300), ("Replace front brake pads", 18_000, 27_000)]
    assert sale.total == 38_300

    # the follow-up call is on the care list the day it is due
    due = SOLD_AT.date() + timedelta(days=3)
    lists = care.care_lists(advisor, as_of=due, span="today")
    follow_ups = [row for care_list in lists.lists for row in care_list.rows if row.document == number]
    assert len(follow_ups) == 1 and follow_ups[0].kind == "follow_up"
    qtbot.waitUntil(lambda: tab.board_view.board is not None and tab.board_view.board.total == 0, timeout=5000)


def test_the_orders_list_finds_by_plate_and_opens_the_order(qtbot, runner, staff, shop):
    from partsdesk.services import workshop
    from partsdesk.services.workshop import CheckIn

    number = workshop.check_in(staff["service_advisor"], CheckIn(shop["li"], shop["golf"], 50_100, 2, "Noise"))
    tab = open_tab(qtbot, runner, staff["technician"])
    assert not tab.check_in_button.isEnabled()  # a technician does not check cars in
    with qtbot.waitSignal(tab.orders_view.shown, timeout=5000):
        qtbot.keyClick(tab.board_view.lists["checked_in"], Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(tab.orders_view.shown, timeout=5000):
        qtbot.keyClicks(tab.orders_view.search_box, "xy 123")
        qtbot.keyClick(tab.orders_view.search_box, Qt.Key.Key_Return)
    assert [row.number for row in tab.orders_view.rows] == [number]
    assert tab.orders_view.table.item(0, 1).text() == "Checked in"
    dialog = opened_order(qtbot, tab, lambda: tab.open_selected())
    assert dialog.number == number
    tab.grab().save("/tmp/workshop_tab_orders.png")
    assert not tab.views.isTabVisible(tab._pages.index(tab.reports_view))  # reports are a manager's


def test_a_comeback_is_linked_from_the_order_window(qtbot, runner, staff, shop, open_ro):
    from partsdesk.domain.tender import Payment
    from partsdesk.services import workshop
    from partsdesk.services.workshop import CheckIn, CheckMark, Delivery, LineInput

    advisor = staff["service_advisor"]
    first = workshop.check_in(advisor, CheckIn(shop["li"], shop["golf"], 50_100, 2, "Brakes squeal"))
    labour = workshop.add_line(advisor, first, LineInput("labour", description="Replace front brake pads", qty=1_000,
                                                         labour_class_id=shop["general"]))
    workshop.authorize(advisor, first, [labour], decision="approved", method="phone", customer_name="Li Wei")
    workshop.finish_work(staff["technician"], first)
    workshop.quality_check(staff["manager"], first, [CheckMark("Road test", "ok")])
    workshop.deliver(advisor, first, Delivery(50_110, "Pads"), [Payment("cash", 20_000)])
    clock.set_clock(lambda: SOLD_AT + timedelta(days=20))
    again = workshop.check_in(advisor, CheckIn(shop["li"], shop["golf"], 50_900, 2, "Squeals again"))
    workshop.add_line(advisor, again, LineInput("labour", description="Brake noise check", qty=500,
                                                labour_class_id=shop["general"]))
    ro = open_ro(advisor, again)
    ro.select_line(1)
    with qtbot.waitSignal(ro.dialog_opened, timeout=5000) as opened:
        press(qtbot, ro, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    dialog = front(qtbot, opened.args[0], ComebackDialog)
    qtbot.waitUntil(lambda: dialog.found.count() == 1, timeout=5000)
    assert dialog.found.item(0).text().startswith(f"{first} line 1: Replace front brake pads")
    written(qtbot, ro, dialog.save)
    line = ro.lines[0]
    assert (line.warranty_work, line.amount, line.comeback_of) == (True, 0, f"{first} line 1")
    assert not ro.comeback_button.isEnabled()


def test_a_new_callers_booking_is_checked_in_with_the_customer_and_car_added_on_the_spot(
        qtbot, runner, staff, shop, shown_errors):
    from partsdesk.models import Customer, Vehicle
    from partsdesk.ui.customer_editor import CustomerEditorDialog, VehicleDialog

    advisor = staff["service_advisor"]
    booked = appointments.book(advisor, contact_name="Sun Li", contact_phone="139 1111 2222",
                               vehicle_text="white Corolla", requested_work="Oil service",
                               starts_at=SOLD_AT + timedelta(hours=1), duration_min=60).appointment_id
    customers_before = Customer.select().count()
    tab = open_tab(qtbot, runner, advisor)
    with qtbot.waitSignal(tab.appointments_view.shown, timeout=5000):
        tab.show_view(tab.appointments_view)
    tab.appointments_view.select(booked)
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(tab.appointments_view.day_table, Qt.Key.Key_F4)
    checkin = opened.args[0]
    assert "F3" in checkin.general.text() and checkin.new_button.isEnabled()
    checkin.save()  # no vehicle yet: said, nothing written
    qtbot.waitUntil(lambda: "F2" in " ".join(checkin.errors.current.values()), timeout=5000)

    # F3: the customer editor, filled from the booking
    with qtbot.waitSignal(checkin.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(checkin, Qt.Key.Key_F3)
    editor = opened.args[0]
    assert isinstance(editor, CustomerEditorDialog)
    assert editor.name.text() == "Sun Li" and "139 1111 2222" in editor.phones.toPlainText()
    with qtbot.waitSignal(checkin.dialog_opened, timeout=10_000) as opened:  # saved: then their vehicle
        editor.save()
    vehicle_dialog = opened.args[0]
    assert isinstance(vehicle_dialog, VehicleDialog)
    assert Customer.select().count() == customers_before + 1
    vehicle_dialog.plate.setText("苏E·12345")
    with qtbot.waitSignal(vehicle_dialog.saved, timeout=10_000):
        vehicle_dialog.save()
    qtbot.waitUntil(lambda: checkin.vehicle_id is not None, timeout=5000)
    assert "Sun Li" in checkin.vehicle_label.text() and "12345" in checkin.vehicle_label.text()
    assert not checkin.new_button.isEnabled()

    checkin.odometer_box.setText("81,200")
    ro = opened_order(qtbot, tab, checkin.save)
    order = RepairOrder.get(RepairOrder.number == ro.number)
    car = Vehicle.get_by_id(order.vehicle_id)
    assert (order.appointment_id, order.odometer_in, car.customer_id) == (booked, 81_200, order.customer_id)
    assert Customer.get_by_id(order.customer_id).name == "Sun Li"
    assert shown_errors == []
    ro.close()
