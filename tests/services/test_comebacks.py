"""Comebacks: earlier work on the same vehicle, within its warranty and similar to the new work,
is suggested; outside the warranty (by months or by km), on another vehicle or for other work
it is not."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import JobLine, LabourClass, RepairOrder, transaction
from partsdesk.services import catalog, clock
from partsdesk.services.comebacks import comeback_candidates
from partsdesk.services.customers import save_customer, save_vehicle

DELIVERED_AT = datetime(2026, 3, 10, 16, 0)


# --- WORKSHOP FIXTURE ------------------------------------------------------------------------------
# Delivered repair orders written straight into the tables: services.workshop (check-in to
# delivery) is written in parallel, and these tests need only what a delivery leaves behind —
# status 'delivered', delivered_at, odometer_out and the job lines with their warranty.

def delivered_order(vehicle_id: int, customer_id: int, *, number: str, delivered_at: datetime = DELIVERED_AT,
                    odometer_out: int | None = 50_000, lines: list[dict], status: str = "delivered") -> int:
    """A repair order in ``status`` with ``lines`` (dicts of JobLine fields; description needed)."""
    with transaction():
        order = RepairOrder.create(
            number=number, customer=customer_id, vehicle=vehicle_id, status=status, status_at=delivered_at,
            odometer_in=odometer_out, odometer_out=odometer_out, checked_in_at=delivered_at - timedelta(hours=6),
            delivered_at=delivered_at if status in ("delivered", "follow_up_done") else None,
            created_at=delivered_at - timedelta(hours=6), updated_at=delivered_at)
        for line_no, values in enumerate(lines, start=1):
            fields = {"kind": "labour", "qty": 1_000, "unit_price": 10_000, "amount": 10_000, "tax_rate_bp": 1300,
                      "warranty_months": 12, "warranty_km": 20_000, **values}
            JobLine.create(order=order, line_no=line_no, created_at=delivered_at, updated_at=delivered_at, **fields)
    return int(order.id)

# --- end of the workshop fixture -------------------------------------------------------------------


def vehicle_of(customer_name: str, plate: str) -> tuple[int, int]:
    customer = save_customer(SYSTEM, None, {"kind": "person", "name": customer_name}, phones=[],
                             allow_duplicate=True)
    vehicle, _warnings = save_vehicle(SYSTEM, None, customer, {"plate": plate})
    return customer, vehicle


def part(number: str, category: str) -> int:
    return catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": f"Part {number}",
                                            "category": category, "price_retail": "100.00", "price_trade": "90.00",
                                            "price_wholesale": "80.00", "cost": "50.00", "tax_rate": "13"},
                             barcodes=[], numbers=[], fitments=[])


@pytest.fixture
def shop(staff):
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    catalog.ensure_standard_categories()
    customer, vehicle = vehicle_of("Li Wei", "沪A·12345")
    with transaction():
        general = LabourClass.create(code="GEN", name="General", rate=15_000)
        electrical = LabourClass.create(code="ELEC", name="Electrical", rate=20_000)
    pads = part("BP-1", "brakes.pads")
    pads_other = part("BP-9", "brakes.pads")
    filter_ = part("OF-1", "engine.filters")
    tech = staff["technician"].user_id
    order = delivered_order(vehicle, customer, number="RO-000001", lines=[
        {"description": "Replace front brake pads", "labour_class": general.id, "technician": tech},
        {"kind": "part", "part": pads, "description": "Brake pads BP-1", "warranty_months": 24, "warranty_km": 0},
        {"description": "Alternator repair", "labour_class": electrical.id, "technician": tech,
         "warranty_months": 0, "warranty_km": 0},  # no warranty: never a comeback
    ])
    return {"customer": customer, "vehicle": vehicle, "order": order, "pads": pads, "pads_other": pads_other,
            "filter": filter_, "general": general.id, "electrical": electrical.id, "tech": tech}


def descriptions(found) -> list[str]:
    return [c.description for c in found]


def test_similar_work_within_warranty_is_suggested_with_its_order_technician_and_reason(shop):
    found = comeback_candidates(shop["vehicle"], on_date=date(2026, 6, 1), odometer_km=55_000,
                                work_text="Brake noise when stopping", labour_class_ids=[shop["general"]])
    assert descriptions(found) == ["Replace front brake pads", "Brake pads BP-1"]
    first = found[0]
    assert (first.order_number, first.line_no, first.technician, first.delivered_on, first.km_since) == (
        "RO-000001", 1, "Technician", date(2026, 3, 10), 5_000)
    assert (first.warranty_until, first.warranty_until_km) == (date(2027, 3, 10), 70_000)
    assert first.reasons == ("same labour class (General)", "shared words: brake")
    assert found[1].reason == "shared words: brake"
    # the same part, or another part of the same category
    by_part = comeback_candidates(shop["vehicle"], on_date=date(2026, 6, 1), odometer_km=55_000,
                                  part_ids=[shop["pads"]])
    assert [c.reason for c in by_part] == ["same part BP-1"]
    by_category = comeback_candidates(shop["vehicle"], on_date=date(2026, 6, 1), odometer_km=55_000,
                                      part_ids=[shop["pads_other"]])
    assert [c.reason for c in by_category] == ["same kind of part (Brake pads)"]


def test_outside_the_warranty_by_months_it_is_not_suggested(shop):
    # the labour line's 12 months end on 10 Mar 2027; the part's 24 months run on
    on_last_day = comeback_candidates(shop["vehicle"], on_date=date(2027, 3, 10), odometer_km=55_000,
                                      work_text="brake pads")
    assert descriptions(on_last_day) == ["Replace front brake pads", "Brake pads BP-1"]
    after = comeback_candidates(shop["vehicle"], on_date=date(2027, 3, 11), odometer_km=55_000,
                                work_text="brake pads")
    assert descriptions(after) == ["Brake pads BP-1"]
    assert comeback_candidates(shop["vehicle"], on_date=date(2028, 3, 11), odometer_km=55_000,
                               work_text="brake pads") == []


def test_outside_the_warranty_by_km_it_is_not_suggested(shop):
    # the labour line: 20,000 km from 50,000 out; the part line has no km limit
    at_limit = comeback_candidates(shop["vehicle"], on_date=date(2026, 6, 1), odometer_km=70_000,
                                   work_text="brake pads")
    assert descriptions(at_limit) == ["Replace front brake pads", "Brake pads BP-1"]
    past = comeback_candidates(shop["vehicle"], on_date=date(2026, 6, 1), odometer_km=70_001,
                               work_text="brake pads")
    assert descriptions(past) == ["Brake pads BP-1"]
    # no odometer reading to tell: the km warranty is taken as still running (the advisor decides)
    unknown = comeback_candidates(shop["vehicle"], on_date=date(2026, 6, 1), odometer_km=None,
                                  work_text="brake pads")
    assert descriptions(unknown) == ["Replace front brake pads", "Brake pads BP-1"]
    assert unknown[0].km_since is None


def test_not_for_another_vehicle_dissimilar_work_or_orders_not_delivered(shop):
    customer, other = vehicle_of("Zhang Min", "沪B·99999")
    assert comeback_candidates(other, on_date=date(2026, 6, 1), odometer_km=55_000, work_text="brake pads",
                               part_ids=[shop["pads"]], labour_class_ids=[shop["general"]]) == []
    # dissimilar: other words, another category of part, another labour class
    assert comeback_candidates(shop["vehicle"], on_date=date(2026, 6, 1), odometer_km=55_000,
                               work_text="Replace wiper blades", part_ids=[shop["filter"]]) == []
    # the alternator line is similar but has no warranty
    assert comeback_candidates(shop["vehicle"], on_date=date(2026, 6, 1), odometer_km=55_000,
                               work_text="Alternator not charging", labour_class_ids=[shop["electrical"]]) == []
    # an order still in the workshop, or a declined line, is no comeback's origin
    delivered_order(other, customer, number="RO-000002", status="ready", lines=[{"description": "Brake pads"}])
    delivered_order(other, customer, number="RO-000003", lines=[{"description": "Brake discs",
                                                                "status": "declined"}])
    assert comeback_candidates(other, on_date=date(2026, 6, 1), odometer_km=55_000, work_text="brake pads") == []
    # work delivered after the day asked about is not an origin either
    assert comeback_candidates(shop["vehicle"], on_date=date(2026, 3, 1), odometer_km=49_000,
                               work_text="brake pads") == []
