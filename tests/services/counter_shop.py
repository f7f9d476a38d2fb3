"""The small shop the counter's service tests sell from and take returns in."""

from __future__ import annotations

from datetime import datetime

from partsdesk.domain.permissions import SYSTEM, Actor
from partsdesk.models import transaction
from partsdesk.services import catalog, clock, membership, stock
from partsdesk.services.customers import save_customer

SOLD_AT = datetime(2026, 11, 22, 10, 0)


def counter_shop(staff: dict[str, Actor], *, credit_limit: str) -> dict[str, int]:
    """Brake pads (10 in stock) and a caliper with a core deposit (2), a trade company with an
    account of ``credit_limit``, and a member with 200.00 prepaid. The clock stands at SOLD_AT."""
    clock.set_clock(lambda: SOLD_AT)
    catalog.ensure_standard_categories()

    def part(number: str, retail: str, trade: str, wholesale: str, cost: str, **extra) -> int:
        return catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": f"Part {number}",
                                                "category": "brakes.pads", "price_retail": retail,
                                                "price_trade": trade, "price_wholesale": wholesale, "cost": cost,
                                                "tax_rate": "13", **extra},
                                 barcodes=[], numbers=[], fitments=[])

    pads = part("BP-1", "113.00", "100.00", "90.00", "60.00")
    caliper = part("CA-2", "565.00", "500.00", "450.00", "300.00", core_charge="50.00")
    with transaction():
        stock.post_move(part_id=pads, qty=10_000, unit_cost=6_000, reason="receipt", document="GR-1", user_id=None)
        stock.post_move(part_id=caliper, qty=2_000, unit_cost=30_000, reason="receipt", document="GR-1", user_id=None)
    fleet = save_customer(staff["manager"], None, {"kind": "company", "name": "Fleet Ltd", "tax_id": "91310000X",
                                                   "credit_limit": credit_limit, "payment_terms_days": "30"},
                          phones=[])
    member = save_customer(staff["cashier"], None, {"kind": "person", "name": "Wu Fang"}, phones=[])
    membership.enroll(staff["cashier"], member)
    membership.top_up(staff["cashier"], member, 20_000, method="cash")
    return {"pads": pads, "caliper": caliper, "fleet": fleet, "member": member}
