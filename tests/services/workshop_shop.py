"""The small workshop the repair-order tests work in: the counter's shop (brake pads, 10 in stock;
a caliper, 2) plus a private customer with a car at 50,000 km and two labour classes."""

from __future__ import annotations

from partsdesk.domain.permissions import Actor
from partsdesk.models import LabourClass
from partsdesk.services import customers
from partsdesk.services.customers import save_customer, save_vehicle
from tests.services.counter_shop import counter_shop


def workshop_shop(staff: dict[str, Actor]) -> dict[str, int]:
    shop = counter_shop(staff, credit_limit="1000")
    advisor = staff["service_advisor"]
    li = save_customer(advisor, None, {"kind": "person", "name": "Li Wei"}, phones=[("mobile", "13800138000")])
    golf, _ = save_vehicle(advisor, None, li, {"plate": "B-XY 123", "colour": "white"})
    customers.record_odometer(advisor, golf, 50_000, source="counter")
    general = LabourClass.create(code="GEN", name="General", rate=15_000).id
    electrical = LabourClass.create(code="ELE", name="Electrical", rate=20_000).id
    return {**shop, "li": li, "golf": golf, "general": general, "electrical": electrical}
