"""Repair orders on both engines: check-in (odometer never lower without a manager), job lines
reserving parts the counter cannot sell, per-line authorization with versions (a change after
approval blocks invoicing until re-authorized, or a manager overrides with a reason), waiting
parts set and cleared by stock, the labour clock, the quality check, and invoice and delivery at
the authorized prices with a follow-up call that closes the order."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.tender import Payment
from partsdesk.models import (
    AuditLog,
    CareTask,
    JobAuthorization,
    JobLine,
    JobLineVersion,
    OdometerReading,
    Quote,
    RepairOrder,
    RepairOrderDamage,
    RepairOrderEvent,
    Sale,
    SaleLine,
    ServiceReminder,
    StockMove,
    database,
    transaction,
)
from partsdesk.services import care, check, clock, reorder, sales, stock, users, workshop
from partsdesk.services.quotes import LabourRequest, save_quote
from partsdesk.services.sales import LineRequest
from partsdesk.services.workshop import CheckIn, CheckMark, DamageMark, Delivery, LineInput
from tests.services.counter_shop import SOLD_AT
from tests.services.workshop_shop import workshop_shop


@pytest.fixture
def shop(staff):
    return workshop_shop(staff)


def later(minutes: int) -> None:
    clock.set_clock(lambda: SOLD_AT + timedelta(minutes=minutes))


def approval(staff, permission: str, reason: str = "Customer agreed on the phone, confirmed later"):
    return users.step_up(staff["service_advisor"], approver="manager", secret="1357", permission=permission,
                         reason=reason)


def open_order(staff, shop, **extra) -> str:
    values = dict(customer_id=shop["li"], vehicle_id=shop["golf"], odometer_km=50_120, fuel_eighths=4,
                  concern="Squeal from the front brakes when stopping")
    values.update(extra)
    return workshop.check_in(staff["service_advisor"], CheckIn(**values))


def lines_of(number: str) -> dict[int, workshop.LineView]:
    return {line.line_no: line for line in workshop.order_detail(workshop_actor(), number).lines}


_ACTOR = {}


def workshop_actor():
    return _ACTOR["advisor"]


@pytest.fixture(autouse=True)
def _advisor(staff):
    _ACTOR["advisor"] = staff["service_advisor"]


def brake_job(staff, shop) -> tuple[str, int, int]:
    """An order with front pads (2 pcs) and 1.5 h of labour, both approved in person and signed."""
    number = open_order(staff, shop)
    pads, labour = workshop.add_lines(staff["service_advisor"], number, [
        LineInput("part", part_id=shop["pads"], qty=2_000),
        LineInput("labour", description="Replace front brake pads", qty=1_500, labour_class_id=shop["general"])])
    workshop.authorize(staff["service_advisor"], number, [pads, labour], decision="approved", method="in_person",
                       customer_name="Li Wei", signed=True)
    return number, pads, labour


# --- check-in ------------------------------------------------------------------------------------------

def test_check_in_opens_an_order_with_checklist_damage_photo_and_odometer(staff, shop, tmp_path):
    photo = tmp_path / "scratch.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"0" * 100)
    number = open_order(staff, shop, checklist=[CheckMark("Tyres", "attention", "front left worn"),
                                                CheckMark("Lights", "ok")],
                        damages=[DamageMark(120, 340, "scratch", "rear bumper", str(photo))],
                        promised_at=SOLD_AT + timedelta(hours=5))
    assert number == "RO-000001"
    order = RepairOrder.get(RepairOrder.number == number)
    assert (order.status, order.odometer_in, order.fuel_eighths, order.customer_id) == ("checked_in", 50_120, 4,
                                                                                         shop["li"])
    detail = workshop.order_detail(staff["technician"], number)
    assert detail.checklist == (CheckMark("Tyres", "attention", "front left worn"), CheckMark("Lights", "ok", ""))
    damage = RepairOrderDamage.get(RepairOrderDamage.order == order.id)
    assert (damage.x, damage.y, damage.kind) == (120, 340, "scratch")
    assert damage.photo.endswith("damage-1.jpg") and Path(damage.photo).read_bytes() == photo.read_bytes()
    assert OdometerReading.select().where((OdometerReading.vehicle == shop["golf"])
                                          & (OdometerReading.source == "reception")).get().km == 50_120
    assert [e.status for e in RepairOrderEvent.select().where(RepairOrderEvent.order == order.id)] == ["checked_in"]


def test_odometer_going_down_is_refused_without_a_manager(staff, shop):
    with pytest.raises(ValidationError, match="50,000 km"):
        open_order(staff, shop, odometer_km=49_000)
    with pytest.raises(PermissionDenied):
        open_order(staff, shop, odometer_km=49_000, odometer_reason="cluster replaced")
    assert RepairOrder.select().count() == 0 and OdometerReading.select().count() == 1
    number = workshop.check_in(staff["service_advisor"], CheckIn(
        shop["li"], shop["golf"], 49_000, None, "Brakes", odometer_reason="cluster replaced"),
        approval=approval(staff, "vehicle.odometer_correct", "Instrument cluster replaced"))
    assert RepairOrder.get(RepairOrder.number == number).odometer_in == 49_000


def test_bad_check_in_input_is_refused_and_writes_nothing(staff, shop, tmp_path):
    for bad, message in ((dict(concern="  "), "concern"), (dict(fuel_eighths=9), "Fuel"),
                         (dict(vehicle_id=shop["golf"] + 999), "vehicles"),
                         (dict(checklist=[CheckMark("Tyres", "maybe")]), "OK, attention or fail"),
                         (dict(damages=[DamageMark(1200, 5, "dent")]), "position"),
                         (dict(damages=[DamageMark(1, 5, "dent", photo=str(tmp_path / "none.jpg"))]), "photo"),
                         (dict(promised_at=SOLD_AT - timedelta(days=1)), "past")):
        with pytest.raises((ValidationError, UserError), match=message):
            open_order(staff, shop, **bad)
    assert RepairOrder.select().count() == 0 and OdometerReading.select().count() == 1
    with pytest.raises(PermissionDenied):
        open_order(staff, shop, customer_id=shop["li"]) if False else workshop.check_in(
            staff["technician"], CheckIn(shop["li"], shop["golf"], 50_200, None, "Brakes"))


def test_one_open_order_per_vehicle(staff, shop):
    number = open_order(staff, shop)
    with pytest.raises(UserError, match=number):
        open_order(staff, shop, odometer_km=50_130)


# --- lines and reservations ------------------------------------------------------------------------------

def test_part_lines_reserve_stock_the_counter_cannot_sell(staff, shop):
    number = open_order(staff, shop)
    line_id = workshop.add_line(staff["service_advisor"], number, LineInput("part", part_id=shop["pads"], qty=8_000))
    line = JobLine.get_by_id(line_id)
    assert (line.reserved_qty, line.unit_price, line.amount, line.version) == (8_000, 11_300, 90_400, 1)
    assert line.tax_rate_bp == 1_300 and line.unit == "pcs"
    cart = sales.price_cart(staff["cashier"], [LineRequest(shop["pads"], 3_000)])
    assert cart.lines[0].available == 2_000
    assert cart.lines[0].messages[0] == "8 reserved for repair orders: at most 2 can be sold."
    with pytest.raises(ValidationError, match="reserved for repair orders: at most 2 can be sold"):
        sales.commit_sale(staff["cashier"], [LineRequest(shop["pads"], 3_000)], [Payment("cash", 50_000)])
    manager = staff["manager"]  # not even a manager sells a job's parts
    with pytest.raises(ValidationError, match="reserved"):
        sales.commit_sale(manager, [LineRequest(shop["pads"], 3_000)], [Payment("cash", 50_000)])
    sold = sales.commit_sale(staff["cashier"], [LineRequest(shop["pads"], 2_000)], [Payment("cash", 30_000)])
    assert sold.number.startswith("RC-") and stock.on_hand([shop["pads"]]) == {shop["pads"]: 8_000}
    assert reorder.suggestions(staff["manager"]) == [] or all(
        s.reserved in (0, 8_000) for s in reorder.suggestions(staff["manager"]))
    workshop.remove_line(staff["service_advisor"], number, line_id, reason="Customer brings own pads")
    assert sales.price_cart(staff["cashier"], [LineRequest(shop["pads"], 3_000)]).lines[0].available == 8_000


def test_labour_priced_by_class_and_other_lines_need_a_price(staff, shop):
    number = open_order(staff, shop)
    labour = workshop.add_line(staff["service_advisor"], number,
                               LineInput("labour", description="Diagnose ABS light", qty=750,
                                         labour_class_id=shop["electrical"]))
    assert (JobLine.get_by_id(labour).amount, JobLine.get_by_id(labour).unit) == (15_000, "h")
    with pytest.raises(ValidationError, match="price"):
        workshop.add_line(staff["service_advisor"], number, LineInput("sublet", description="Wheel alignment"))
    with pytest.raises(ValidationError, match="part of the catalogue"):
        workshop.add_line(staff["service_advisor"], number, LineInput("part", part_id=None))
    with pytest.raises(ValidationError, match="Quantity"):
        workshop.add_line(staff["service_advisor"], number, LineInput("part", part_id=shop["pads"], qty=0))
    assert JobLine.select().count() == 1
    assert RepairOrder.get(RepairOrder.number == number).status == "waiting_authorization"


def test_a_typed_part_price_below_the_advisors_floor_needs_a_manager(staff, shop):
    number = open_order(staff, shop)
    with pytest.raises(PermissionDenied):
        workshop.add_line(staff["service_advisor"], number, LineInput("part", part_id=shop["pads"], unit_price=6_100))
    assert JobLine.select().count() == 0
    line = workshop.add_line(staff["service_advisor"], number, LineInput("part", part_id=shop["pads"],
                                                                       unit_price=6_100),
                             approvals={"counter.below_floor": approval(staff, "counter.below_floor")})
    assert JobLine.get_by_id(line).unit_price == 6_100


# --- authorization ---------------------------------------------------------------------------------------

def test_a_change_after_approval_needs_reauthorization_and_blocks_invoicing(staff, shop):
    number, pads, labour = brake_job(staff, shop)
    detail = workshop.order_detail(staff["service_advisor"], number)
    assert (detail.status, detail.current_total, detail.authorized_total, detail.needs_authorization) == (
        "in_progress", 22_600 + 22_500, 45_100, 0)
    assert "In person, signed — Li Wei" in detail.lines[0].authorized_by
    version = workshop.change_line(staff["service_advisor"], number, labour, qty=2_000)
    assert version == 2
    detail = workshop.order_detail(staff["service_advisor"], number)
    assert detail.lines[1].auth == workshop.REAUTHORIZE
    assert (detail.current_total, detail.authorized_total, detail.needs_authorization) == (52_600, 45_100, 1)
    assert detail.status == "waiting_authorization"
    assert [(v.version, v.qty, v.amount) for v in JobLineVersion.select().where(JobLineVersion.line == labour)
            .order_by(JobLineVersion.version)] == [(1, 1_500, 22_500), (2, 2_000, 30_000)]
    # the technician cannot clock on the changed line until the customer agrees again
    with pytest.raises(UserError, match="not authorized"):
        workshop.clock_on(staff["technician"], number, labour)
    workshop.authorize(staff["service_advisor"], number, [labour], decision="approved", method="phone",
                       customer_name="Li Wei")
    detail = workshop.order_detail(staff["service_advisor"], number)
    assert (detail.authorized_total, detail.needs_authorization, detail.status) == (52_600, 0, "in_progress")
    assert JobAuthorization.select().where(JobAuthorization.line == labour).count() == 2


def test_authorization_input_is_checked(staff, shop):
    number, pads, _ = brake_job(staff, shop)
    for kwargs, message in ((dict(decision="maybe", method="phone", customer_name="Li"), "Approved or declined"),
                            (dict(decision="approved", method="fax", customer_name="Li"), "How did"),
                            (dict(decision="approved", method="phone", customer_name="Li", signed=True), "in person"),
                            (dict(decision="approved", method="phone", customer_name=""), "Who answered")):
        with pytest.raises(ValidationError, match=message):
            workshop.authorize(staff["service_advisor"], number, [pads], **kwargs)
    assert JobAuthorization.select().count() == 2


def test_a_declined_line_stays_as_a_recommendation_and_releases_its_parts(staff, shop):
    number = open_order(staff, shop)
    pads = workshop.add_line(staff["service_advisor"], number, LineInput("part", part_id=shop["pads"], qty=2_000))
    workshop.authorize(staff["service_advisor"], number, [pads], decision="declined", method="phone",
                       customer_name="Li Wei", note="next month")
    line = JobLine.get_by_id(pads)
    assert (line.status, line.reserved_qty) == ("declined", 0)
    detail = workshop.order_detail(staff["service_advisor"], number)
    assert (detail.lines[0].auth, detail.current_total, detail.status) == (workshop.DECLINED, 0, "checked_in")


# --- waiting parts -----------------------------------------------------------------------------------------

def test_waiting_parts_is_set_and_cleared_by_stock(staff, shop):
    number = open_order(staff, shop)
    calipers = workshop.add_line(staff["service_advisor"], number,
                                 LineInput("part", part_id=shop["caliper"], qty=3_000))
    assert RepairOrder.get(RepairOrder.number == number).status == "waiting_authorization"
    workshop.authorize(staff["service_advisor"], number, [calipers], decision="approved", method="phone",
                       customer_name="Li Wei")
    order = RepairOrder.get(RepairOrder.number == number)
    assert order.status == "waiting_parts" and not order.parts_arrived
    assert workshop.order_detail(staff["service_advisor"], number).lines[0].short == 1_000
    with transaction():  # a delivery of one caliper
        stock.post_move(part_id=shop["caliper"], qty=1_000, unit_cost=30_000, reason="receipt", document="GR-9",
                        user_id=None)
    order = RepairOrder.get(RepairOrder.number == number)
    assert (order.status, order.parts_arrived) == ("in_progress", True)
    assert RepairOrderEvent.select().where(RepairOrderEvent.order == order.id).order_by(
        RepairOrderEvent.id.desc()).first().note == "Parts arrived"
    card = workshop.board(staff["technician"]).columns["in_progress"][0]
    assert card.number == number and card.parts_arrived


# --- the work, quality, delivery ---------------------------------------------------------------------------

def test_clock_issue_quality_check_and_delivery_at_the_authorized_prices(staff, shop):
    number, pads, labour = brake_job(staff, shop)
    tech = staff["technician"]
    workshop.clock_on(tech, number, labour)
    later(90)
    assert workshop.clocked_on(tech) == (number, labour, 2)
    workshop.clock_off(tech)
    with pytest.raises(UserError, match="issue the rest"):
        workshop.finish_work(tech, number)
    workshop.issue_parts(tech, number)
    assert stock.on_hand([shop["pads"]]) == {shop["pads"]: 8_000}
    assert JobLine.get_by_id(pads).issued_qty == 2_000
    workshop.finish_work(tech, number)
    failed = workshop.quality_check(staff["manager"], number, [CheckMark("Road test", "fail", "still squeals")])
    assert (failed.passed, failed.status, RepairOrder.get(RepairOrder.number == number).status) == (
        False, "in_progress", "in_progress")
    workshop.finish_work(tech, number)
    passed = workshop.quality_check(tech, number, [CheckMark("Road test", "ok"), CheckMark("Torque", "ok")])
    assert passed.passed and "second pair of eyes" in passed.warning
    detail = workshop.order_detail(staff["service_advisor"], number)
    assert detail.lines[1].actual_hours == 1_500 and detail.lines[1].book_hours == 1_500
    assert len(detail.quality_checks) == 2 and detail.status == "ready"

    with pytest.raises(ValidationError, match="50,120"):
        workshop.deliver(staff["service_advisor"], number, Delivery(50_000, "Pads replaced"),
                         [Payment("cash", 45_100)])
    result = workshop.deliver(staff["service_advisor"], number,
                              Delivery(50_135, "Replaced the front pads; discs fine.", 5, "Quick and clean"),
                              [Payment("cash", 50_000)])
    assert (result.invoice, result.total, result.change) == ("INV-000001", 45_100, 4_900)
    sale = Sale.get(Sale.number == result.invoice)
    assert [(x.description, x.qty, x.unit_price, x.total) for x in
            SaleLine.select().where(SaleLine.sale == sale.id).order_by(SaleLine.line_no)] == [
        ("Part BP-1", 2_000, 11_300, 22_600), ("Replace front brake pads", 1_500, 15_000, 22_500)]
    assert StockMove.select().where(StockMove.document == result.invoice).count() == 0  # issued before
    assert stock.on_hand([shop["pads"]]) == {shop["pads"]: 8_000}
    order = RepairOrder.get(RepairOrder.number == number)
    assert (order.status, order.odometer_out, order.satisfaction, order.sale_id) == ("delivered", 50_135, 5, sale.id)
    task = CareTask.get((CareTask.document == number) & (CareTask.kind == "follow_up"))
    assert task.due_on == SOLD_AT.date() + timedelta(days=3)
    assert check.check_stock_ledger(database.obj).ok
    care.record_call(staff["service_advisor"], shop["li"], outcome="reached", task_id=task.id)
    assert RepairOrder.get(RepairOrder.number == number).status == "follow_up_done"


def test_invoicing_with_an_unauthorized_line_needs_a_manager_and_uses_the_authorized_prices(staff, shop):
    number, pads, labour = brake_job(staff, shop)
    tech = staff["technician"]
    workshop.issue_parts(tech, number)
    workshop.finish_work(tech, number)
    workshop.quality_check(staff["manager"], number, [CheckMark("Road test", "ok")])
    # a price change after the quality check: back to waiting authorization, so not deliverable
    workshop.change_line(staff["service_advisor"], number, labour, unit_price=18_000)
    assert RepairOrder.get(RepairOrder.number == number).status == "waiting_authorization"
    with pytest.raises(UserError, match="quality check"):
        workshop.deliver(staff["service_advisor"], number, Delivery(50_200, "Pads"), [Payment("cash", 60_000)])
    # back to the authorized price: version 3 equals what was approved in version 1 only by amount
    workshop.change_line(staff["service_advisor"], number, labour, unit_price=15_000)
    workshop.authorize(staff["service_advisor"], number, [labour], decision="approved", method="phone",
                       customer_name="Li Wei")
    workshop.finish_work(tech, number)
    workshop.quality_check(staff["manager"], number, [CheckMark("Road test", "ok")])
    result = workshop.deliver(staff["service_advisor"], number, Delivery(50_200, "Pads"), [Payment("cash", 45_100)])
    assert result.total == 45_100


def test_the_manager_override_is_audited_with_its_reason(staff, shop, monkeypatch):
    number, pads, labour = brake_job(staff, shop)
    workshop.issue_parts(staff["technician"], number)
    workshop.finish_work(staff["technician"], number)
    workshop.quality_check(staff["manager"], number, [CheckMark("Road test", "ok")])
    # the line changes once the car is ready (a manager puts the status back by hand is not possible;
    # the only way to an unauthorized line at delivery is a change the status check lets through):
    with transaction():
        JobLine.update(version=2, unit_price=16_000, amount=24_000).where(JobLine.id == labour).execute()
        JobLineVersion.insert(line=labour, version=2, description="Replace front brake pads", qty=1_500,
                              unit_price=16_000, amount=24_000, at=SOLD_AT, user=None).execute()
    with pytest.raises(PermissionDenied, match="lack the customer's authorization"):
        workshop.deliver(staff["service_advisor"], number, Delivery(50_200, "Pads"), [Payment("cash", 45_100)])
    assert Sale.select().count() == 0
    override = approval(staff, "workshop.invoice_override", "Customer approved by message, on file")
    result = workshop.deliver(staff["service_advisor"], number, Delivery(50_200, "Pads"), [Payment("cash", 46_600)],
                              approvals={"workshop.invoice_override": override})
    labour_sold = SaleLine.get((SaleLine.sale == result.sale_id) & (SaleLine.line_no == 2))
    assert (labour_sold.unit_price, labour_sold.total) == (15_000, 22_500)
    assert result.total == 22_600 + 22_500  # the version the customer approved, not the changed one
    row = AuditLog.get((AuditLog.action == "workshop.deliver") & (AuditLog.object_id == number))
    assert row.reason == "Customer approved by message, on file" and json.loads(row.new_value)[
        "unauthorized_lines"] == [2]
    order = RepairOrder.get(RepairOrder.number == number)
    assert order.invoice_override_by_id == staff["manager"].user_id


def test_a_technician_is_on_one_line_at_a_time(staff, shop):
    number, pads, labour = brake_job(staff, shop)
    other = workshop.add_line(staff["service_advisor"], number,
                              LineInput("labour", description="Check discs", qty=300, labour_class_id=shop["general"]))
    workshop.authorize(staff["service_advisor"], number, [other], decision="approved", method="in_person",
                       customer_name="Li Wei")
    workshop.clock_on(staff["technician"], number, labour)
    note = workshop.clock_on(staff["technician"], number, other)
    assert note.startswith("Clocked off your other job first")
    assert workshop.clocked_on(staff["technician"])[1] == other
    workshop.issue_parts(staff["technician"], number)
    with pytest.raises(UserError, match="clocked on"):
        workshop.finish_work(staff["technician"], number)


def test_cancel_releases_reservations_and_needs_parts_back(staff, shop):
    number, pads, _ = brake_job(staff, shop)
    workshop.issue_parts(staff["technician"], number, pads, 1_000)
    with pytest.raises(UserError, match="return them"):
        workshop.cancel(staff["service_advisor"], number, reason="Customer took the car")
    workshop.return_parts(staff["technician"], number, pads, 1_000)
    workshop.cancel(staff["service_advisor"], number, reason="Customer took the car")
    assert RepairOrder.get(RepairOrder.number == number).status == "cancelled"
    assert stock.on_hand([shop["pads"]]) == {shop["pads"]: 10_000}
    assert sales.price_cart(staff["cashier"], [LineRequest(shop["pads"], 1_000)]).lines[0].available == 10_000
    with pytest.raises(UserError, match="cancelled"):
        workshop.add_line(staff["service_advisor"], number, LineInput("part", part_id=shop["pads"]))


def test_a_counter_quote_becomes_the_orders_lines(staff, shop):
    quote = save_quote(staff["service_advisor"], [LineRequest(shop["pads"], 2_000)],
                       labour=[LabourRequest("Fit brake pads", 1_500)], customer_id=shop["li"])
    number = open_order(staff, shop)
    ids = workshop.add_quote(staff["service_advisor"], number, quote.number)
    assert [(JobLine.get_by_id(i).kind, JobLine.get_by_id(i).amount) for i in ids] == [("part", 22_600),
                                                                                     ("labour", 22_500)]
    assert Quote.get(Quote.number == quote.number).converted_to == number
    with pytest.raises(UserError, match="converts once"):
        workshop.add_quote(staff["service_advisor"], number, quote.number)


def test_board_and_find(staff, shop):
    number, _, _ = brake_job(staff, shop)
    board = workshop.board(staff["technician"])
    assert board.total == 1
    card = board.columns["in_progress"][0]
    assert (card.number, card.customer, card.plate, card.current_total, card.authorized_total,
            card.needs_authorization) == (number, "Li Wei", "B-XY 123", 45_100, 45_100, 0)
    assert [row.number for row in workshop.find_orders(staff["technician"], "xy123")] == [number]
    assert [row.number for row in workshop.find_orders(staff["technician"], "li wei", status="open")] == [number]
    assert workshop.find_orders(staff["technician"], "", status="delivered") == []
    with pytest.raises(PermissionDenied):
        workshop.board(staff["cashier"])


def deliver_brake_job(staff, shop, km: int = 50_200) -> tuple[str, int, int]:
    number, pads, labour = brake_job(staff, shop)
    workshop.issue_parts(staff["technician"], number)
    workshop.finish_work(staff["technician"], number)
    workshop.quality_check(staff["manager"], number, [CheckMark("Road test", "ok")])
    workshop.deliver(staff["service_advisor"], number, Delivery(km, "Pads"), [Payment("cash", 45_100)])
    return number, pads, labour


def test_a_comeback_within_warranty_is_suggested_linked_and_free(staff, shop):
    first, _, first_labour = deliver_brake_job(staff, shop)
    later(60 * 24 * 30)  # a month later, 800 km on
    number = open_order(staff, shop, odometer_km=51_000, concern="Brakes squeal again")
    labour = workshop.add_line(staff["service_advisor"], number,
                               LineInput("labour", description="Brake noise check", qty=500,
                                         labour_class_id=shop["electrical"]))
    found = workshop.comeback_suggestions(staff["service_advisor"], number, labour)
    assert [(c.order_number, c.line_id) for c in found] == [(first, first_labour)]
    assert workshop.link_comeback(staff["service_advisor"], number, labour, first_labour) == 2
    line = JobLine.get_by_id(labour)
    assert (line.comeback_of_id, line.warranty_work, line.amount) == (first_labour, True, 0)
    detail = workshop.order_detail(staff["service_advisor"], number)
    assert detail.lines[0].comeback_of == f"{first} line 2" and detail.current_total == 0
    with pytest.raises(ValidationError, match="warranty"):  # a line of this very order is no comeback
        workshop.link_comeback(staff["service_advisor"], number, labour, labour)


def test_no_comeback_outside_the_warranty(staff, shop):
    deliver_brake_job(staff, shop)
    later(60 * 24 * 400)  # 13 months later: the 12-month labour warranty ran out
    number = open_order(staff, shop, odometer_km=60_000)
    labour = workshop.add_line(staff["service_advisor"], number,
                               LineInput("labour", description="Brake noise check", qty=500,
                                         labour_class_id=shop["general"]))
    assert workshop.comeback_suggestions(staff["service_advisor"], number, labour) == []


def test_a_declined_line_becomes_a_reminder_and_a_service_restarts_its_type(staff, shop):
    number = open_order(staff, shop)
    oil, pads = workshop.add_lines(staff["service_advisor"], number, [
        LineInput("labour", description="Oil service", qty=800, labour_class_id=shop["general"]),
        LineInput("part", part_id=shop["pads"], qty=2_000, description="Front brake pads")])
    workshop.authorize(staff["service_advisor"], number, [pads], decision="declined", method="phone",
                       customer_name="Li Wei")
    workshop.authorize(staff["service_advisor"], number, [oil], decision="approved", method="phone",
                       customer_name="Li Wei")
    declined = ServiceReminder.get(ServiceReminder.line == pads)
    assert (declined.source, declined.status, declined.vehicle_id) == ("declined", "open", shop["golf"])
    workshop.finish_work(staff["technician"], number)
    workshop.quality_check(staff["manager"], number, [CheckMark("Road test", "ok")])
    workshop.deliver(staff["service_advisor"], number, Delivery(50_150, "Oil changed"), [Payment("cash", 12_000)])
    service = ServiceReminder.get((ServiceReminder.source == "service") & (ServiceReminder.order == RepairOrder.get(
        RepairOrder.number == number).id))
    assert (service.service_type, service.due_km) == ("Oil service", 50_150 + 15_000)


def test_the_stock_list_and_the_reorder_count_what_orders_hold(staff, shop):
    from partsdesk.services import stock_list

    number = open_order(staff, shop)
    workshop.add_line(staff["service_advisor"], number, LineInput("part", part_id=shop["pads"], qty=3_000))
    row = next(r for r in stock_list.list_stock(staff["storekeeper"]).rows if r.id == shop["pads"])
    assert (row.on_hand, row.reserved, row.available) == (10_000, 3_000, 7_000)
