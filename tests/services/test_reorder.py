"""Reorder suggestions on projected stock, rounded up to the preferred supplier's packs and
explained in words; no second suggestion while an order is open; one draft order per supplier."""

from __future__ import annotations

import pytest

from partsdesk.domain.errors import PermissionDenied
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import Part, PurchaseOrder, PurchaseOrderLine, transaction
from partsdesk.services import catalog, purchasing, reorder, stock
from partsdesk.services.purchasing import ReceiveLine
from tests.services.counter_shop import counter_shop


def _limits(part_id: int, min_units: int, max_units: int) -> None:
    Part.update(min_qty=min_units * 1000, max_qty=max_units * 1000).where(Part.id == part_id).execute()


@pytest.fixture
def shop(staff):
    """Pads: 10 on hand, min 12 max 20, Acme's packs of 4 preferred. Caliper: 2 on hand, min 3
    max 6, BrakeCo preferred in ones. Oil: none on hand, min 2 max 5, bought from BrakeCo (the
    part's own supplier, no price list: packs of one at cost). Filter: 9 on hand, min 4 max 10 (no
    order due). Wiper: min and max unset."""
    made = counter_shop(staff, credit_limit="5000.00")
    keeper = staff["storekeeper"]
    made["acme"] = purchasing.save_supplier(keeper, None, {"name": "Acme Parts", "lead_time_days": "3"})
    made["brakeco"] = purchasing.save_supplier(keeper, None, {"name": "BrakeCo"})

    def part(number: str, **extra) -> int:
        return catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": f"Part {number}",
                                                "category": "brakes.pads", "price_retail": "20.00",
                                                "price_trade": "18.00", "price_wholesale": "16.00", "cost": "8.00",
                                                "tax_rate": "13", **extra}, barcodes=[], numbers=[], fitments=[])

    made["oil"] = part("OIL-5", supplier="BrakeCo")
    made["filter"] = part("FI-9")
    made["wiper"] = part("WI-1")
    with transaction():
        stock.post_move(part_id=made["filter"], qty=9_000, unit_cost=800, reason="receipt", document="GR-0",
                        user_id=None)
    purchasing.set_supplier_price(keeper, made["acme"], made["pads"], price="55.00", pack="4", supplier_number="AC-BP1",
                                  preferred=True)
    purchasing.set_supplier_price(keeper, made["brakeco"], made["pads"], price="50.00", pack="1")
    purchasing.set_supplier_price(keeper, made["brakeco"], made["caliper"], price="280.00", supplier_number="BC-CA2",
                                  preferred=True)
    _limits(made["pads"], 12, 20)
    _limits(made["caliper"], 3, 6)
    _limits(made["oil"], 2, 5)
    _limits(made["filter"], 4, 10)
    return made


def test_suggestions_order_up_to_max_in_packs_and_explain_each_quantity(staff, shop):
    found = {s.part_number: s for s in reorder.suggestions(staff["storekeeper"])}
    assert sorted(found) == ["BP-1", "CA-2", "OIL-5"]
    pads, caliper, oil = found["BP-1"], found["CA-2"], found["OIL-5"]
    assert (pads.projected, pads.qty, pads.packs, pads.pack_qty) == (10_000, 12_000, 3, 4_000)
    assert pads.explanation == "max 20 − projected 10 = 10 → 3 packs of 4"
    assert (pads.supplier, pads.supplier_number, pads.unit_price) == ("Acme Parts", "AC-BP1", 5_500)
    assert caliper.explanation == "max 6 − projected 2 = 4 → order 4" and caliper.supplier == "BrakeCo"
    assert oil.explanation == "max 5 − projected 0 = 5 → order 5"
    assert (oil.supplier, oil.unit_price, oil.pack_qty) == ("BrakeCo", 800, 1_000)
    assert reorder.low_stock_count() == 3
    with pytest.raises(PermissionDenied):
        reorder.suggestions(staff["cashier"])


def test_stock_sold_past_zero_is_ordered_back_up_to_max(staff, shop):
    with transaction():
        stock.post_move(part_id=shop["caliper"], qty=-5_000, unit_cost=30_000, reason="sale", document="RC-1",
                        user_id=None)
    caliper = next(s for s in reorder.suggestions(staff["storekeeper"]) if s.part_id == shop["caliper"])
    assert caliper.projected == -3_000 and caliper.qty == 9_000
    assert caliper.explanation == "max 6 − projected -3 = 9 → order 9"


def test_one_draft_per_preferred_supplier_and_no_second_suggestion(staff, shop):
    keeper = staff["storekeeper"]
    result = reorder.create_drafts(keeper)
    assert [(o.supplier, o.lines) for o in result.orders] == [("Acme Parts", 1), ("BrakeCo", 2)]
    assert result.without_supplier == 0
    acme = purchasing.get_order(keeper, result.orders[0].number)
    assert acme.status == "draft" and acme.origin == "reorder"
    assert [(ln.part_number, ln.supplier_number, ln.qty, ln.unit_price) for ln in acme.lines] == [
        ("BP-1", "AC-BP1", 12_000, 5_500)]
    brakeco = purchasing.get_order(keeper, result.orders[1].number)
    assert [(ln.part_number, ln.qty, ln.unit_price) for ln in brakeco.lines] == [("CA-2", 4_000, 28_000),
                                                                                ("OIL-5", 5_000, 800)]
    # the drafts are open orders: nothing is suggested twice, and the projection counts them
    assert reorder.suggestions(keeper) == []
    assert reorder.low_stock_count() == 0
    again = reorder.create_drafts(keeper)
    assert again.orders == () and PurchaseOrder.select().count() == 2


def test_an_open_order_blocks_a_suggestion_until_it_is_closed(staff, shop):
    keeper = staff["storekeeper"]
    number = purchasing.create_order(keeper, shop["acme"], lines=[(shop["pads"], "1")])
    purchasing.send(keeper, number)
    # one pad on order: projected 11 is still below 12, but the open order is the answer
    assert shop["pads"] not in [s.part_id for s in reorder.suggestions(keeper)]
    assert reorder.low_stock_count() == 3  # pads 10 + 1 on order < 12, caliper, oil
    purchasing.receive(keeper, shop["acme"], [ReceiveLine(shop["pads"], 1_000, rejected=1_000,
                                                          reject_reason="cracked")], po_number=number)
    assert purchasing.get_order(keeper, number).status == "partly_received"
    assert shop["pads"] not in [s.part_id for s in reorder.suggestions(keeper)]  # partly received: still open
    purchasing.close(keeper, number, "replacement not coming")
    pads = next(s for s in reorder.suggestions(keeper) if s.part_id == shop["pads"])
    assert pads.explanation == "max 20 − projected 10 = 10 → 3 packs of 4"  # quarantine is not sellable stock
    # a removed draft line is no open order
    draft = purchasing.create_order(keeper, shop["acme"], lines=[(shop["pads"], "4")])
    assert shop["pads"] not in [s.part_id for s in reorder.suggestions(keeper)]
    purchasing.remove_line(keeper, draft, 1)
    assert shop["pads"] in [s.part_id for s in reorder.suggestions(keeper)]


def test_parts_without_an_active_supplier_are_suggested_but_not_ordered(staff, shop):
    keeper = staff["storekeeper"]
    purchasing.save_supplier(keeper, shop["brakeco"], {"name": "BrakeCo", "active": False})
    result = reorder.create_drafts(keeper)
    assert [(o.supplier, o.lines) for o in result.orders] == [("Acme Parts", 1)]
    assert result.without_supplier == 2
    assert {s.part_number for s in reorder.suggestions(keeper)} == {"CA-2", "OIL-5"}
    assert PurchaseOrderLine.select().count() == 1
    with pytest.raises(PermissionDenied):
        reorder.create_drafts(staff["cashier"])
