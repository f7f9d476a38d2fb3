"""The workshop reports on both engines, from orders built through ``services.workshop`` with the
clock set minute by minute: technician productivity (book against clocked hours, comebacks), the
time spent in each status and the orders in each status now, the authorization rate by method
with re-authorizations, the revenue by kind of line with warranty work apart, and the PDF."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from partsdesk.domain.errors import PermissionDenied, ValidationError
from partsdesk.domain.tender import Payment
from partsdesk.models import JobLine, SaleLine, transaction
from partsdesk.printing.workshop_reports import write_workshop_report
from partsdesk.services import clock, users, workshop, workshop_reports
from partsdesk.services.customers import save_vehicle
from partsdesk.services.workshop import CheckIn, CheckMark, Delivery, LineInput
from partsdesk.services.workshop_reports import median, percent
from tests.services.counter_shop import SOLD_AT
from tests.services.workshop_shop import workshop_shop

START, END = date(2026, 11, 1), date(2026, 11, 30)
REPORT_AT = SOLD_AT + timedelta(minutes=770)


def at(minutes: int) -> None:
    clock.set_clock(lambda: SOLD_AT + timedelta(minutes=minutes))


def _check_in(staff, customer: int, vehicle: int, km: int) -> str:
    return workshop.check_in(staff["service_advisor"], CheckIn(customer, vehicle, km, 4, "Look at it, please"))


def _through_quality(staff, number: str, minutes: int) -> None:
    workshop.finish_work(staff["technician"], number)
    at(minutes)
    workshop.quality_check(staff["manager"], number, [CheckMark("Road test", "ok")])


def workshop_month(staff) -> dict[str, object]:
    """Five orders (numbers RO-000001..5), the clock in minutes after SOLD_AT (2026-11-22 10:00):

    - E (RO-000001) checked in on 2026-10-31, outside the range, still checked in.
    - A (RO-000002) golf: pads 2 pcs + 1.5 h labour (technician) in person, a sublet 80.00 by
      phone; clocked 2 h; checked in 0, lines 10, authorized 30, QC 150, ready 180, delivered 240.
    - B (RO-000003) a Passat: 0.75 h diagnosis by message (second technician, clocked 0.5 h),
      1 h sensor by phone changed to 160.00 and approved again (technician, clocked 1 h), shop
      supplies 15.00 in person, wipers 0.3 h declined by phone; 300 → delivered 480.
    - C (RO-000004) golf again: a comeback of A's labour, warranty work at zero, clocked 0.5 h;
      600 → delivered 670.
    - D (RO-000005) a Polo: checked in 700, a line at 710 waiting for the customer's answer.
    The report runs at 770."""
    shop = workshop_shop(staff)
    advisor, tech = staff["service_advisor"], staff["technician"]
    second = users.add_user(staff["admin"], username="wang", display_name="Wang Gang", role="technician", pin="2468")
    tech2 = users.switch_user("wang", "2468")
    passat, _ = save_vehicle(advisor, None, shop["li"], {"plate": "B-PA 55"})
    polo, _ = save_vehicle(advisor, None, shop["li"], {"plate": "B-PO 77"})
    jetta, _ = save_vehicle(advisor, None, shop["li"], {"plate": "B-JE 99"})

    clock.set_clock(lambda: datetime(2026, 10, 31, 12, 0))
    e = _check_in(staff, shop["li"], jetta, 80_000)

    at(0)
    a = _check_in(staff, shop["li"], shop["golf"], 50_120)
    at(10)
    pads, a_labour, sublet = workshop.add_lines(advisor, a, [
        LineInput("part", part_id=shop["pads"], qty=2_000),
        LineInput("labour", description="Replace front brake pads", qty=1_500, labour_class_id=shop["general"],
                  technician_id=tech.user_id),
        LineInput("sublet", description="Wheel alignment", unit_price=8_000)])
    at(30)
    workshop.authorize(advisor, a, [pads, a_labour], decision="approved", method="in_person", customer_name="Li Wei",
                       signed=True)
    workshop.authorize(advisor, a, [sublet], decision="approved", method="phone", customer_name="Li Wei")
    workshop.clock_on(tech, a, a_labour)
    at(150)
    workshop.clock_off(tech)
    workshop.issue_parts(tech, a)
    _through_quality(staff, a, 180)
    at(240)
    workshop.deliver(advisor, a, Delivery(50_200, "Pads replaced"), [Payment("cash", 60_000)])

    at(300)
    b = _check_in(staff, shop["li"], passat, 120_000)
    at(320)
    diagnosis, sensor, supplies, wipers = workshop.add_lines(advisor, b, [
        LineInput("labour", description="Diagnose ABS light", qty=750, labour_class_id=shop["electrical"],
                  technician_id=second.id),
        LineInput("labour", description="Replace ABS sensor", qty=1_000, labour_class_id=shop["general"],
                  technician_id=tech.user_id),
        LineInput("other", description="Shop supplies", unit_price=1_500),
        LineInput("labour", description="Replace wiper blades", qty=300, labour_class_id=shop["general"])])
    at(340)
    workshop.authorize(advisor, b, [diagnosis], decision="approved", method="message")
    workshop.authorize(advisor, b, [sensor], decision="approved", method="phone", customer_name="Li Wei")
    workshop.authorize(advisor, b, [supplies], decision="approved", method="in_person", customer_name="Li Wei")
    workshop.authorize(advisor, b, [wipers], decision="declined", method="phone", customer_name="Li Wei")
    at(350)
    workshop.change_line(advisor, b, sensor, unit_price=16_000)
    at(360)
    workshop.authorize(advisor, b, [sensor], decision="approved", method="phone", customer_name="Li Wei")
    workshop.clock_on(tech2, b, diagnosis)
    at(390)
    workshop.clock_off(tech2)
    workshop.clock_on(tech, b, sensor)
    at(450)
    workshop.clock_off(tech)
    _through_quality(staff, b, 460)
    at(480)
    workshop.deliver(advisor, b, Delivery(120_050, "ABS sensor replaced"), [Payment("cash", 40_000)])

    at(600)
    c = _check_in(staff, shop["li"], shop["golf"], 50_300)
    at(610)
    (again,) = workshop.add_lines(advisor, c, [
        LineInput("labour", description="Brake squeal again", qty=500, labour_class_id=shop["general"],
                  technician_id=tech.user_id, warranty_work=True, comeback_of_id=a_labour)])
    at(620)
    workshop.authorize(advisor, c, [again], decision="approved", method="in_person", customer_name="Li Wei")
    workshop.clock_on(tech, c, again)
    at(650)
    workshop.clock_off(tech)
    _through_quality(staff, c, 660)
    at(670)
    workshop.deliver(advisor, c, Delivery(50_310, "Pads bedded in again"), [])

    at(700)
    d = _check_in(staff, shop["li"], polo, 30_000)
    at(710)
    workshop.add_lines(advisor, d, [LineInput("labour", description="Service", qty=1_000,
                                              labour_class_id=shop["general"])])
    clock.set_clock(lambda: REPORT_AT)
    return {**shop, "orders": (e, a, b, c, d), "second": second.id, "a_labour": a_labour, "sensor": sensor}


@pytest.fixture
def month(staff):
    made = workshop_month(staff)
    yield made
    clock.set_clock(None)


def test_technician_productivity_book_against_clocked_hours_and_comebacks(staff, month):
    report = workshop_reports.workshop_report(staff["manager"], start=START, end=END)
    assert (report.orders_delivered, report.orders_checked_in) == (3, 4)
    assert [(t.name, t.lines, t.book_hours, t.actual_hours, t.efficiency, t.comebacks, t.comeback_rate)
            for t in report.technicians] == [
        ("Technician", 3, 3_000, 3_500, Decimal("85.7"), 1, Decimal("33.3")),
        ("Wang Gang", 1, 750, 500, Decimal("150.0"), 0, Decimal("0.0"))]
    total = report.technician_total
    assert (total.lines, total.book_hours, total.actual_hours, total.efficiency, total.comebacks,
            total.comeback_rate) == (4, 3_750, 4_000, Decimal("93.8"), 1, Decimal("25.0"))


def test_time_in_each_status_from_the_history_and_the_orders_in_each_status_now(staff, month):
    report = workshop_reports.workshop_report(staff["manager"], start=START, end=END)
    # seconds per order → A, B, C, D; average and median over the orders, in thousandths of an hour
    assert [(s.status, s.orders, s.average_hours, s.median_hours) for s in report.status_times] == [
        ("checked_in", 4, 208, 167),  # 600, 1200, 600, 600 s
        ("waiting_authorization", 4, 500, 417),  # 1200, 600+1200 (B twice), 600, 3600 open until now
        ("in_progress", 3, 1_389, 1_667),  # 7200, 600+5400, 1800
        ("quality_check", 3, 278, 167),  # 1800, 600, 600
        ("ready", 3, 500, 333),  # 3600, 1200, 600
        ("delivered", 3, 5_111, 4_833)]  # until now: 31800, 17400, 6000
    assert {c.status: c.orders for c in report.status_counts} == {
        "checked_in": 1, "waiting_authorization": 1, "in_progress": 0, "waiting_parts": 0, "quality_check": 0,
        "ready": 0, "delivered": 3, "follow_up_done": 0, "cancelled": 0}


def test_authorization_rate_by_method_and_reauthorizations(staff, month):
    report = workshop_reports.workshop_report(staff["manager"], start=START, end=END)
    assert [(a.method, a.offered, a.offered_value, a.approved, a.approved_value, a.declined, a.declined_value)
            for a in report.authorizations] == [
        ("in_person", 4, 46_600, 4, 46_600, 0, 0),  # pads 226.00, labour 225.00, supplies 15.00, warranty 0
        ("phone", 3, 28_500, 2, 24_000, 1, 4_500),  # sublet 80.00, sensor 160.00 (its latest), wipers declined
        ("message", 1, 15_000, 1, 15_000, 0, 0)]
    total = report.authorization_total
    assert (total.offered, total.approved, total.declined, total.offered_value, total.approved_value) == (
        8, 7, 1, 90_100, 85_600)
    assert (total.approval_rate, total.value_rate) == (Decimal("87.5"), Decimal("95.0"))
    assert report.authorizations[1].approval_rate == Decimal("66.7")
    assert report.reauthorized == 1  # the sensor, approved in version 1 and again in version 2


def test_revenue_by_labour_parts_sublet_and_other_with_warranty_apart(staff, month):
    report = workshop_reports.workshop_report(staff["manager"], start=START, end=END)
    rows = {r.kind: (r.lines, r.net, r.tax, r.gross) for r in report.revenue}
    assert rows == {"labour": (3, 47_344, 6_156, 53_500), "part": (1, 20_000, 2_600, 22_600),
                    "sublet": (1, 7_080, 920, 8_000), "other": (1, 1_328, 172, 1_500)}
    total = report.revenue_total
    assert (total.lines, total.net, total.tax, total.gross) == (6, 75_752, 9_848, 85_600)
    # the invoices' own tax split (per rate, spread over the lines), added up: nothing lost or counted twice
    assert sum(net + tax for net, tax in SaleLine.select(SaleLine.net, SaleLine.tax).tuples()) == 85_600
    assert (report.warranty.lines, report.warranty.labour_hours, report.warranty.parts_cost) == (1, 500, 0)


def test_a_range_without_the_orders_is_empty_and_a_day_range_picks_its_orders(staff, month):
    empty = workshop_reports.workshop_report(staff["manager"], start=date(2026, 12, 1), end=date(2026, 12, 31))
    assert (empty.orders_delivered, empty.orders_checked_in, empty.technicians, empty.status_times) == (0, 0, (), ())
    assert empty.revenue_total.gross == 0 and empty.authorization_total.offered == 0
    assert empty.technician_total.efficiency is None and empty.authorization_total.approval_rate is None
    assert {c.status: c.orders for c in empty.status_counts}["delivered"] == 3  # "now" is not the range
    october = workshop_reports.workshop_report(staff["manager"], start=date(2026, 10, 31), end=date(2026, 10, 31))
    assert (october.orders_checked_in, october.orders_delivered) == (1, 0)
    assert [(s.status, s.orders, s.average_hours) for s in october.status_times] == [
        ("checked_in", 1, round((REPORT_AT - datetime(2026, 10, 31, 12, 0)).total_seconds() / 3.6))]


def test_an_invoice_that_does_not_match_its_order_falls_back_to_its_own_lines(staff, month):
    # a line of A made inactive behind the service's back: the positions no longer pair up
    with transaction():
        JobLine.update(status="removed").where(JobLine.id == month["a_labour"]).execute()
    report = workshop_reports.workshop_report(staff["manager"], start=START, end=END)
    rows = {r.kind: (r.lines, r.gross) for r in report.revenue}
    # the pads by their part number; labour, the sublet ("h" on the invoice) count as labour
    assert rows["part"] == (1, 22_600) and rows["labour"] == (4, 53_500 + 8_000) and rows["sublet"] == (0, 0)
    assert report.revenue_total.gross == 85_600


def test_bad_ranges_are_refused_and_the_report_is_a_managers(staff, month):
    for start, end, field in ((END, START, "end"), (date(2024, 1, 1), END, "end"), ("2026-11-01", END, "start"),
                              (START, datetime(2026, 11, 30), "end")):
        with pytest.raises(ValidationError) as raised:
            workshop_reports.workshop_report(staff["manager"], start=start, end=end)
        assert field in raised.value.problems
    for role in ("service_advisor", "technician", "cashier"):
        with pytest.raises(PermissionDenied):
            workshop_reports.workshop_report(staff[role], start=START, end=END)


def test_percent_and_median_on_plain_values():
    assert (percent(1, 3), percent(2, 3), percent(0, 5), percent(5, 0)) == (
        Decimal("33.3"), Decimal("66.7"), Decimal("0.0"), None)
    assert (median([]), median([3]), median([5, 1, 3]), median([4, 1, 2, 3])) == (0, 3, 3, 2.5)
    assert workshop_reports.hours(5400) == 1_500 and workshop_reports.hours(1) == 0


def test_the_pdf_holds_the_four_reports(staff, month, tmp_path):
    report = workshop_reports.workshop_report(staff["manager"], start=START, end=END)
    target = tmp_path / "workshop.pdf"
    write_workshop_report(report, target)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Workshop report" in text and "2026-11-01 – 2026-11-30" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Technician 3 3.000 3.500 85.7% 1 33.3%" in lines
    assert "Wang Gang 1 0.750 0.500 150.0% 0 0.0%" in lines
    assert "Waiting authorization 4 0.500 0.417" in lines
    assert "By phone 3 285.00 2 240.00 1 45.00 66.7% 84.2%" in lines
    assert "Labour 3 473.44 61.56 535.00" in lines
    assert "Total 6 757.52 98.48 856.00" in lines
    assert any("re-authorization" in line and "1 line" in line for line in lines)
    assert any("Warranty work" in line for line in lines)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(target), "/tmp/workshop_report"], check=True)
