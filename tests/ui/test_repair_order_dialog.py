"""The repair-order editor (partsdesk.ui.repair_order_dialog) on both engines, driven by its keys:
a part and labour added, the customer's authorization, a price change after it that needs
re-authorization and blocks delivery, the technician's clock and parts, the quality check, and
delivery through the counter's tender at the authorized prices; the manager's override of
unauthorized lines through the step-up; bad input said in the dialog and writing nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_scanner import ean13

from partsdesk.models import (
    AuditLog,
    JobLine,
    JobLineVersion,
    PartBarcode,
    RepairOrder,
    Sale,
    SaleLine,
    transaction,
)
from partsdesk.services import clock, stock, workshop, workshop_setup
from partsdesk.services.quotes import LabourRequest, save_quote
from partsdesk.services.sales import LineRequest
from partsdesk.services.workshop import CheckIn, CheckMark, LineInput
from partsdesk.services.workshop_setup import CannedLineRequest
from partsdesk.ui.counter_tab import PartSearchDialog
from partsdesk.ui.repair_order_dialog import (
    COL_AUTH,
    COL_HOURS,
    COL_PARTS,
    AuthorizeDialog,
    CannedJobDialog,
    ChangeLineDialog,
    DeliveryDialog,
    DeliveryTenderDialog,
    IssuePartsDialog,
    LabourDialog,
    OtherLineDialog,
    QualityCheckDialog,
    QuoteToOrderDialog,
    ReasonDialog,
    RepairOrderDialog,
    ReturnPartsDialog,
)
from tests.services.counter_shop import SOLD_AT
from tests.services.workshop_shop import workshop_shop

PADS_CODE = ean13(1)


@pytest.fixture
def shop(staff):
    made = workshop_shop(staff)
    PartBarcode.create(part=made["pads"], code=PADS_CODE, symbology="EAN13")
    return made


@pytest.fixture
def order(staff, shop) -> str:
    return workshop.check_in(staff["service_advisor"], CheckIn(
        shop["li"], shop["golf"], 50_120, 4, "Squeal from the front brakes when stopping",
        promised_at=SOLD_AT + timedelta(hours=5)))


def press(qtbot, dialog: RepairOrderDialog, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """``key`` pressed in the order window (brought to the front, the lines table focused)."""
    dialog.activateWindow()
    dialog.raise_()
    dialog.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.table, timeout=5000)
    qtbot.keyClick(dialog.table, key, modifier)


def nested(qtbot, dialog: RepairOrderDialog, key: Qt.Key, kind: type, modifier=Qt.KeyboardModifier.NoModifier):
    with qtbot.waitSignal(dialog.dialog_opened, timeout=5000) as opened:
        press(qtbot, dialog, key, modifier)
    return front(qtbot, opened.args[0], kind)


def front(qtbot, dialog, kind: type):
    """The nested ``dialog`` (of ``kind``) as the active window, as the desktop makes it."""
    assert isinstance(dialog, kind), dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def written(qtbot, dialog: RepairOrderDialog, action) -> None:
    """Run ``action`` (a save of a nested dialog, a key) and wait for the write and the reload."""
    loads: list[object] = []
    dialog.loaded.connect(loads.append)
    with qtbot.waitSignal(dialog.order_changed, timeout=10_000) as changed:
        action()
    assert changed.args == [dialog.number]
    qtbot.waitUntil(lambda: bool(loads), timeout=5000)
    dialog.loaded.disconnect(loads.append)


def cell(dialog: RepairOrderDialog, line_no: int, column: int) -> str:
    row = [line.line_no for line in dialog.lines].index(line_no)
    return dialog.table.item(row, column).text()


def status(number: str) -> str:
    return RepairOrder.get(RepairOrder.number == number).status


# --- the whole flow ------------------------------------------------------------------------------------

def test_advisor_and_technician_work_an_order_from_lines_to_delivery(qtbot, staff, shop, order, open_ro):
    advisor = open_ro(staff["service_advisor"], order)
    assert advisor.number_label.text() == order and "Checked in" in advisor.status_label.text()
    assert "Li Wei · 13800138000" in advisor.customer_label.text() and "B-XY 123" in advisor.vehicle_label.text()
    assert "50,120 km" in advisor.odometer_label.text() and "2026-11-22 15:00" in advisor.promised_label.text()
    assert "Squeal" in advisor.concern_label.text()
    assert not advisor.deliver_button.isEnabled() and not advisor.clock_on_button.isEnabled()

    # F2: the catalogue search adds the pads (reserved at once)
    search = nested(qtbot, advisor, Qt.Key.Key_F2, PartSearchDialog)
    qtbot.keyClicks(search.box, "BP-1")
    qtbot.waitUntil(lambda: search.table.rowCount() >= 1 and search.rows[0].number == "BP-1", timeout=5000)
    written(qtbot, advisor, lambda: qtbot.keyClick(search.box, Qt.Key.Key_Return))
    assert cell(advisor, 1, 2) == "BP-1" and cell(advisor, 1, COL_AUTH) == "Needs authorization"
    assert cell(advisor, 1, COL_PARTS) == "1 / 0 / 0"  # reserved / issued / short
    # Enter: two pads, not one (before the customer answered: no re-authorization said)
    advisor.select_line(1)
    change = nested(qtbot, advisor, Qt.Key.Key_Return, ChangeLineDialog)
    assert "approved" not in " ".join(w.text() for w in change.findChildren(type(change.general)))
    change.qty.setText("2")
    written(qtbot, advisor, change.save)
    assert cell(advisor, 1, 4) == "2" and cell(advisor, 1, 6) == "226.00"

    # F3: labour with its class and technician
    labour = nested(qtbot, advisor, Qt.Key.Key_F3, LabourDialog)
    labour.hours.setText("many")  # cannot be read: said, nothing added
    labour.save()
    assert "Book hours" in labour.errors.current["qty"] and JobLine.select().count() == 1
    qtbot.keyClicks(labour.description, "Replace front brake pads")
    labour.hours.setText("1.5")
    labour.labour_class.setCurrentIndex(labour.labour_class.findData(shop["general"]))
    labour.technician.setCurrentIndex(labour.technician.findData(staff["technician"].user_id))
    written(qtbot, advisor, lambda: qtbot.keyClick(labour.description, Qt.Key.Key_Return))
    assert cell(advisor, 2, 6) == "225.00" and cell(advisor, 2, 8) == staff["technician"].display_name
    assert cell(advisor, 2, COL_HOURS) == "1.5 / 0 h"
    assert "Waiting authorization" in advisor.status_label.text()
    assert "Authorized total 0.00 of current total 451.00" in advisor.totals_label.text()
    assert "c62828" in advisor.totals_label.styleSheet()

    # F6: approved in person, signed, by the customer (named by default); no line chosen: every waiting one
    advisor.table.clearSelection()
    auth = nested(qtbot, advisor, Qt.Key.Key_F6, AuthorizeDialog)
    assert auth.ticked() == [line.id for line in advisor.lines] and auth.customer_name.text() == "Li Wei"
    auth.signed.setChecked(True)
    auth.grab().save("/tmp/repair_order_authorize.png")
    written(qtbot, advisor, auth.save)
    assert [cell(advisor, n, COL_AUTH) for n in (1, 2)] == ["Authorized", "Authorized"]
    assert "Authorized total 451.00 of current total 451.00" in advisor.totals_label.text()
    assert "c62828" not in advisor.totals_label.styleSheet() and "In progress" in advisor.status_label.text()

    # the labour price changes after approval: a new version, re-authorization needed, totals differ
    advisor.select_line(2)
    change = nested(qtbot, advisor, Qt.Key.Key_Return, ChangeLineDialog)
    assert any("needs their authorization again" in label.text() for label in change.findChildren(
        type(change.general)))
    change.price.setText("180.00")
    written(qtbot, advisor, change.save)
    assert cell(advisor, 2, COL_AUTH) == "Re-authorization needed" and cell(advisor, 2, 6) == "270.00"
    assert "Authorized total 451.00 of current total 496.00" in advisor.totals_label.text()
    assert "1 line(s) need authorization" in advisor.totals_label.text()
    assert "c62828" in advisor.totals_label.styleSheet() and status(order) == "waiting_authorization"
    # delivery is blocked: the button is off, and asking says why
    assert not advisor.deliver_button.isEnabled()
    advisor.deliver()
    assert "waiting authorization: it is delivered once it passed its quality check" in advisor.message.text()
    assert advisor.dialog is None

    # re-authorized by phone (the selected line only; no signature by phone)
    advisor.select_line(2)
    auth = nested(qtbot, advisor, Qt.Key.Key_F6, AuthorizeDialog)
    assert auth.ticked() == [advisor.lines[1].id]
    auth.method.setCurrentIndex(auth.method.findData("phone"))
    assert not auth.signed.isEnabled()
    written(qtbot, advisor, auth.save)
    assert cell(advisor, 2, COL_AUTH) == "Authorized" and "of current total 496.00" in advisor.totals_label.text()
    assert "Authorized total 496.00" in advisor.totals_label.text()

    # the technician: sees prices, changes none of them; clocks on and off the labour line
    tech = open_ro(staff["technician"], order)
    assert cell(tech, 2, 6) == "270.00"
    assert not tech.add_part_button.isEnabled() and not tech.change_button.isEnabled()
    assert not tech.authorize_button.isEnabled() and not tech.deliver_button.isEnabled()
    assert "not clocked on" in tech.clock_label.text()
    tech.select_line(2)
    assert tech.clock_on_button.isEnabled()
    written(qtbot, tech, lambda: press(qtbot, tech, Qt.Key.Key_F7))
    assert "Clocked on" in tech.message.text() and "line 2 of this order" in tech.clock_label.text()
    clock.set_clock(lambda: SOLD_AT + timedelta(minutes=90))
    written(qtbot, tech, lambda: press(qtbot, tech, Qt.Key.Key_F8))
    assert "Clocked off" in tech.message.text() and cell(tech, 2, COL_HOURS) == "1.5 / 1.5 h"

    # F9: every authorized part issued; one back to the shelf (Shift+F9); then the rest again
    issue = nested(qtbot, tech, Qt.Key.Key_F9, IssuePartsDialog)
    assert issue.what.currentData() is None  # the labour line is selected: every part
    written(qtbot, tech, issue.save)
    assert cell(tech, 1, COL_PARTS) == "0 / 2 / 0" and stock.on_hand([shop["pads"]]) == {shop["pads"]: 8_000}
    tech.select_line(1)
    back = nested(qtbot, tech, Qt.Key.Key_F9, ReturnPartsDialog, Qt.KeyboardModifier.ShiftModifier)
    back.qty.setText("3")  # more than was issued: refused, nothing moves
    back.save()
    qtbot.waitUntil(lambda: "at most 2 was issued" in back.general.text() + " ".join(back.errors.current.values()),
                    timeout=5000)
    back.qty.setText("1")
    written(qtbot, tech, back.save)
    assert cell(tech, 1, COL_PARTS) == "1 / 1 / 0"
    tech.select_line(1)
    issue = nested(qtbot, tech, Qt.Key.Key_F9, IssuePartsDialog)
    assert issue.what.currentData() == tech.lines[0].id and issue.qty.text() == "1"
    written(qtbot, tech, issue.save)

    # F10: work done, then the checklist of the shop's quality items; the technician checks their own work
    with qtbot.waitSignal(tech.dialog_opened, timeout=10_000) as opened:
        press(qtbot, tech, Qt.Key.Key_F10)
    quality = opened.args[0]
    assert isinstance(quality, QualityCheckDialog) and quality.eyes.isVisible()
    assert [item for item, _box, _note in quality.results][:2] == ["Work done as ordered", "No leaks"]
    quality.set_result(3, "fail")  # a failure without a word: the service asks for one, nothing recorded
    quality.save()
    qtbot.waitUntil(lambda: "Say what failed" in quality.general.text() + " ".join(
        quality.errors.current.values()), timeout=5000)
    quality.set_result(3, "ok")
    quality.grab().save("/tmp/repair_order_quality.png")
    with qtbot.waitSignal(tech.loaded, timeout=10_000):
        quality.save()
    assert "Quality check passed" in tech.message.text() and "second pair of eyes" in tech.message.text()
    assert status(order) == "ready" and "Ready" in tech.status_label.text()

    # F12: odometer out, what was done, satisfaction, then the counter's tender
    press(qtbot, advisor, Qt.Key.Key_F5)
    qtbot.waitUntil(advisor.deliver_button.isEnabled, timeout=5000)
    delivery = nested(qtbot, advisor, Qt.Key.Key_F12, DeliveryDialog)
    assert delivery.work_done.toPlainText() == "Replace front brake pads\nParts fitted: Part BP-1 (2)"
    delivery.odometer.setText("50,000")  # below check-in: said, nothing delivered
    delivery.save()
    assert "50,120 km at check-in" in delivery.errors.current["odometer"]
    delivery.odometer.setText("50,135")
    delivery.satisfaction.setCurrentIndex(delivery.satisfaction.findData(5))
    delivery.words.setText("Quick and clean")
    delivery.grab().save("/tmp/repair_order_delivery.png")
    with qtbot.waitSignal(advisor.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(delivery.odometer, Qt.Key.Key_Return)
    tender = front(qtbot, opened.args[0], DeliveryTenderDialog)
    assert tender.total == 49_600
    qtbot.keyClicks(tender.cash, "500")
    written(qtbot, advisor, lambda: qtbot.keyClick(tender.cash, Qt.Key.Key_Return))
    assert "Delivered: invoice INV-000001, change 4.00" in advisor.message.text()
    detail = workshop.order_detail(staff["service_advisor"], order)
    assert (detail.status, detail.odometer_out, detail.satisfaction) == ("delivered", 50_135, 5)
    sale = Sale.get(Sale.number == "INV-000001")
    assert [(x.description, x.qty, x.unit_price, x.total) for x in
            SaleLine.select().where(SaleLine.sale == sale.id).order_by(SaleLine.line_no)] == [
        ("Part BP-1", 2_000, 11_300, 22_600), ("Replace front brake pads", 1_500, 18_000, 27_000)]
    assert "Delivered" in advisor.status_label.text() and "invoice INV-000001" in advisor.promised_label.text()
    assert not any(b.isEnabled() for b in (advisor.add_part_button, advisor.authorize_button,
                                           advisor.deliver_button, advisor.cancel_button))


# --- the manager's override ------------------------------------------------------------------------------

def ready_with_an_unauthorized_line(staff, shop, number: str) -> None:
    """The brake job, ready, with its labour line changed behind the customer's back (the only way
    to an unauthorized line at delivery: the status check lets no ordinary change through)."""
    advisor = staff["service_advisor"]
    pads, labour = workshop.add_lines(advisor, number, [
        LineInput("part", part_id=shop["pads"], qty=2_000),
        LineInput("labour", description="Replace front brake pads", qty=1_500, labour_class_id=shop["general"])])
    workshop.authorize(advisor, number, [pads, labour], decision="approved", method="in_person",
                       customer_name="Li Wei", signed=True)
    workshop.issue_parts(staff["technician"], number)
    workshop.finish_work(staff["technician"], number)
    workshop.quality_check(staff["manager"], number, [CheckMark("Road test", "ok")])
    with transaction():
        JobLine.update(version=2).where(JobLine.id == labour).execute()
        JobLineVersion.insert(line=labour, version=2, description="Replace front brake pads", qty=1_500,
                              unit_price=16_000, amount=24_000, at=SOLD_AT, user=None).execute()


def deliver_for_cash(qtbot, advisor: RepairOrderDialog, cash: str) -> DeliveryTenderDialog:
    delivery = nested(qtbot, advisor, Qt.Key.Key_F12, DeliveryDialog)
    delivery.odometer.setText("50200")
    with qtbot.waitSignal(advisor.dialog_opened, timeout=5000) as opened:
        delivery.save()
    tender = front(qtbot, opened.args[0], DeliveryTenderDialog)
    qtbot.keyClicks(tender.cash, cash)
    return tender


def test_unauthorized_lines_are_invoiced_only_with_a_managers_step_up(qtbot, staff, shop, order, open_ro,
                                                                       manager_approves):
    ready_with_an_unauthorized_line(staff, shop, order)
    advisor = open_ro(staff["service_advisor"], order)
    assert cell(advisor, 2, COL_AUTH) == "Re-authorization needed" and "c62828" in advisor.totals_label.styleSheet()
    tender = deliver_for_cash(qtbot, advisor, "451")
    written(qtbot, advisor, lambda: qtbot.keyClick(tender.cash, Qt.Key.Key_Return))
    assert [(permission, "invoice repair order" in text) for _user, permission, text in manager_approves] == [
        ("workshop.invoice_override", True)]
    assert "Delivered: invoice INV-000001" in advisor.message.text() and status(order) == "delivered"
    row = AuditLog.get((AuditLog.action == "workshop.deliver") & (AuditLog.object_id == order))
    assert row.reason == "approved at the counter"
    assert RepairOrder.get(RepairOrder.number == order).invoice_override_by_id == staff["manager"].user_id


def test_without_the_managers_approval_nothing_is_delivered(qtbot, staff, shop, order, open_ro, monkeypatch):
    monkeypatch.setattr("partsdesk.ui.stepup.ask_approval", lambda *_args, **_kwargs: None)
    ready_with_an_unauthorized_line(staff, shop, order)
    advisor = open_ro(staff["service_advisor"], order)
    tender = deliver_for_cash(qtbot, advisor, "451")
    qtbot.keyClick(tender.cash, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "a manager did not approve it" in tender.general.text(), timeout=5000)
    assert "lack the customer's authorization" in tender.general.text()
    assert Sale.select().count() == 0 and status(order) == "ready" and tender.isVisible()


# --- other ways to add lines, and refusals ------------------------------------------------------------

def test_a_scanned_barcode_adds_its_part_and_an_unknown_one_is_said(qtbot, staff, shop, order, open_ro):
    advisor = open_ro(staff["service_advisor"], order)
    written(qtbot, advisor, lambda: advisor.take_scan(PADS_CODE))
    assert cell(advisor, 1, 2).startswith("BP-1") and "reserved for this order" in advisor.message.text()
    advisor.take_scan(ean13(77))
    qtbot.waitUntil(lambda: "Unknown barcode" in advisor.message.text(), timeout=5000)
    assert "c62828" in advisor.message.styleSheet() and JobLine.select().count() == 1


def test_while_shown_the_window_takes_the_scans_and_gives_them_back(qtbot, runner, staff, shop, order, scanner):
    before = []
    scanner.set_owner(before.append)
    dialog = RepairOrderDialog(runner, staff["service_advisor"], order, scanner=scanner)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    assert scanner.owner == dialog.take_scan
    with qtbot.waitSignal(dialog.order_changed, timeout=5000):
        scanner.owner(PADS_CODE)
    qtbot.waitUntil(lambda: len(dialog.lines) == 1, timeout=5000)
    dialog.close()
    assert scanner.owner == before.append


def test_other_line_canned_job_and_quote(qtbot, staff, shop, order, open_ro):
    workshop_setup.add_canned_job(staff["manager"], code="BRK", name="Brake service", lines=[
        CannedLineRequest("part", "2", part_id=shop["pads"]),
        CannedLineRequest("labour", "0.5", description="Check brake discs", labour_class_id=shop["general"])])
    quote = save_quote(staff["service_advisor"], [LineRequest(shop["pads"], 1_000)],
                       labour=[LabourRequest("Bleed brakes", 500)], customer_id=shop["li"])
    advisor = open_ro(staff["service_advisor"], order)
    other = nested(qtbot, advisor, Qt.Key.Key_F4, OtherLineDialog)
    other.kind.setCurrentIndex(other.kind.findData("sublet"))
    qtbot.keyClicks(other.description, "Wheel alignment at Tyre Co")
    other.save()  # no price: said, nothing added
    assert "Give the price" in other.errors.current["unit_price"] and JobLine.select().count() == 0
    other.price.setText("80")
    written(qtbot, advisor, other.save)
    assert (cell(advisor, 1, 1), cell(advisor, 1, 6)) == ("Sublet", "80.00")

    canned = nested(qtbot, advisor, Qt.Key.Key_K, CannedJobDialog, Qt.KeyboardModifier.ControlModifier)
    written(qtbot, advisor, canned.save)
    assert [cell(advisor, n, 3) for n in (2, 3)] == ["Bosch Part BP-1", "Check brake discs"]
    assert {JobLine.get_by_id(line.id).canned_job_id for line in advisor.lines[1:]} != {None}

    from_quote = nested(qtbot, advisor, Qt.Key.Key_U, QuoteToOrderDialog, Qt.KeyboardModifier.ControlModifier)
    from_quote.quote.setText("QT-999999")
    from_quote.save()
    qtbot.waitUntil(lambda: "There is no quote QT-999999" in from_quote.general.text(), timeout=5000)
    from_quote.quote.setText(quote.number)
    written(qtbot, advisor, from_quote.save)
    assert [cell(advisor, n, 3) for n in (4, 5)] == ["Part BP-1", "Bleed brakes"]
    assert "Authorized total 0.00" in advisor.totals_label.text()


def test_decline_remove_and_cancel_with_reasons(qtbot, staff, shop, order, open_ro):
    advisor_actor = staff["service_advisor"]
    pads, labour = workshop.add_lines(advisor_actor, order, [
        LineInput("part", part_id=shop["pads"], qty=2_000),
        LineInput("labour", description="Replace front brake pads", qty=1_500, labour_class_id=shop["general"])])
    advisor = open_ro(advisor_actor, order)
    advisor.select_line(1)
    auth = nested(qtbot, advisor, Qt.Key.Key_F6, AuthorizeDialog)
    auth.decline.setChecked(True)
    auth.method.setCurrentIndex(auth.method.findData("message"))
    auth.customer_name.clear()  # by message, nobody need be named
    written(qtbot, advisor, auth.save)
    assert cell(advisor, 1, COL_AUTH) == "Declined" and advisor.table.item(0, 3).font().italic()
    assert advisor.table.item(0, 3).foreground().color().name() == "#9e9e9e"
    assert JobLine.get_by_id(pads).reserved_qty == 0

    advisor.select_line(2)
    remove = nested(qtbot, advisor, Qt.Key.Key_Delete, ReasonDialog)
    remove.save()  # no reason: refused, the line stays
    qtbot.waitUntil(lambda: "The reason: this is needed." in " ".join(remove.errors.current.values()),
                    timeout=5000)
    assert JobLine.get_by_id(labour).status == "active"
    qtbot.keyClicks(remove.reason, "Customer does it himself")
    written(qtbot, advisor, remove.save)
    assert cell(advisor, 2, COL_AUTH) == "Removed" and advisor.table.item(1, 3).font().strikeOut()
    assert not advisor.change_button.isEnabled()  # a removed line is selected

    cancel = nested(qtbot, advisor, Qt.Key.Key_D, ReasonDialog, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(cancel.reason, "Customer took the car")
    written(qtbot, advisor, cancel.save)
    assert status(order) == "cancelled" and "Cancelled" in advisor.status_label.text()
    assert not advisor.add_part_button.isEnabled() and not advisor.cancel_button.isEnabled()


def test_a_service_refusal_is_said_in_the_message_line(qtbot, staff, shop, order, open_ro):
    labour = workshop.add_line(staff["service_advisor"], order, LineInput(
        "labour", description="Diagnose", qty=500, labour_class_id=shop["general"]))
    tech = open_ro(staff["technician"], order)
    tech.select_line(1)
    assert not tech.clock_on_button.isEnabled()  # not authorized: the key is off ...
    tech.clock_on()  # ... and the service says why when asked anyway
    qtbot.waitUntil(lambda: "not authorized by the customer" in tech.message.text(), timeout=5000)
    assert "c62828" in tech.message.styleSheet()
    assert workshop.clocked_on(staff["technician"]) is None and JobLine.get_by_id(labour).technician_id is None


def test_screenshot_with_lines_in_every_state(qtbot, staff, shop, order, open_ro):
    advisor_actor = staff["service_advisor"]
    ids = workshop.add_lines(advisor_actor, order, [
        LineInput("part", part_id=shop["pads"], qty=2_000),
        LineInput("labour", description="Replace front brake pads and clean the calipers", qty=1_500,
                  labour_class_id=shop["general"], technician_id=staff["technician"].user_id),
        LineInput("part", part_id=shop["caliper"], qty=3_000),
        LineInput("sublet", description="Wheel alignment at Tyre Co", unit_price=8_000),
        LineInput("other", description="Disposal of old parts", unit_price=1_500),
        LineInput("labour", description="Road test", qty=300, labour_class_id=shop["general"])])
    workshop.authorize(advisor_actor, order, ids[:3], decision="approved", method="in_person",
                       customer_name="Li Wei", signed=True)
    workshop.authorize(advisor_actor, order, [ids[3]], decision="declined", method="phone", customer_name="Li Wei")
    workshop.change_line(advisor_actor, order, ids[1], unit_price=18_000)
    workshop.remove_line(advisor_actor, order, ids[4], reason="Not needed")
    clock.set_clock(lambda: SOLD_AT + timedelta(hours=6))  # past the promised time: late
    workshop.authorize(advisor_actor, order, [ids[1]], decision="approved", method="phone", customer_name="Li Wei")
    workshop.clock_on(staff["technician"], order, ids[1])
    workshop.change_line(advisor_actor, order, ids[1], unit_price=19_000)
    tech = open_ro(staff["technician"], order)
    tech.select_line(2)
    assert [cell(tech, n, COL_AUTH) for n in range(1, 7)] == [
        "Authorized", "Re-authorization needed", "Authorized", "Declined", "Removed", "Needs authorization"]
    assert cell(tech, 3, COL_PARTS) == "3 / 0 / 1" and "late" in tech.promised_label.text()
    assert "c62828" in tech.promised_label.styleSheet()
    tech.grab().save("/tmp/repair_order_dialog.png")
    # every cell's text fits its column (no clipped text)
    metrics = tech.table.fontMetrics()
    for row in range(tech.table.rowCount()):
        for column in range(tech.table.columnCount()):
            if column == 3:
                continue  # the description column stretches; its full text is the tooltip
            text = tech.table.item(row, column).text()
            assert metrics.horizontalAdvance(text) <= tech.table.columnWidth(column), (row, column, text)
