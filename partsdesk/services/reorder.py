"""Reorder suggestions over the whole catalogue, and the draft purchase orders made from them.

Projected stock = on hand (sellable locations) − reserved + on order (what open purchase order
lines — draft, sent, partly received — still expect); reserved is what repair orders hold and have
not yet used (``services.reservations``).

A part with a maximum set (``max_qty`` > 0) whose projected stock is below its minimum is ordered
up to its maximum, rounded UP to whole packs of its preferred supplier (``supplier_part`` marked
preferred; without one, ``Part.supplier`` in packs of one at the part's cost), each quantity
explained in words ("max 20 − projected 6 = 14 → 2 packs of 8", ``domain.stock.reorder_quantity``).
A part that already has an open order line gets no suggestion — the order is its answer, even if
it turns out short — so the same shortage is never ordered twice.

Everything is set-based: one SQL statement picks the parts below their minimum over the whole
catalogue (index probes per part on stock_balance and purchase_order_line, no per-part Python
query), so a million-part shop is answered in seconds (bench metric ``stock.reorder_all``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from partsdesk.domain.permissions import Actor, require
from partsdesk.domain.stock import reorder_quantity
from partsdesk.models import PurchaseOrder, PurchaseOrderLine, Supplier, database, transaction
from partsdesk.services import audit, numbering, reservations
from partsdesk.services.clock import now
from partsdesk.services.purchasing import OPEN_STATUSES

_OPEN = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
ON_HAND_SQL = ("COALESCE((SELECT SUM(sb.qty) FROM stock_balance sb WHERE sb.part_id = p.id AND sb.location_id IN "
               "(SELECT id FROM location WHERE sellable)), 0)")
# every part's sellable stock in one pass over stock_balance (joined, not probed part by part)
BALANCES_SQL = ("SELECT part_id, SUM(qty) AS qty FROM stock_balance WHERE location_id IN "
                "(SELECT id FROM location WHERE sellable) GROUP BY part_id")
RESERVED_SQL = reservations.RESERVED_SQL
ON_ORDER_SQL = ("COALESCE((SELECT SUM(CASE WHEN l.qty > l.qty_received THEN l.qty - l.qty_received ELSE 0 END) "
                "FROM purchase_order_line l JOIN purchase_order o ON o.id = l.order_id WHERE l.part_id = p.id "
                f"AND NOT l.removed AND o.status IN ({_OPEN})), 0)")
HAS_OPEN_LINE_SQL = ("EXISTS (SELECT 1 FROM purchase_order_line l JOIN purchase_order o ON o.id = l.order_id "
                     f"WHERE l.part_id = p.id AND NOT l.removed AND o.status IN ({_OPEN}))")


class Suggestion(NamedTuple):
    """One part to order (a named tuple: a catalogue's worth of them is made in one go)."""

    part_id: int
    part_number: str
    brand: str
    description: str
    unit: str
    min_qty: int
    max_qty: int
    on_hand: int
    reserved: int
    on_order: int  # always 0 here: a part with an open order line gets no suggestion
    projected: int
    supplier_id: int | None  # None: no supplier known, nobody to order from
    supplier: str
    supplier_number: str
    pack_qty: int
    unit_price: int
    qty: int
    packs: int
    explanation: str


@dataclass(frozen=True)
class DraftOrder:
    number: str
    supplier_id: int
    supplier: str
    lines: int


@dataclass(frozen=True)
class DraftResult:
    orders: tuple[DraftOrder, ...]
    without_supplier: int  # suggested parts no active supplier sells: left for a person to decide


@dataclass(frozen=True)
class SupplierGroup:
    """The suggestions for one supplier, counted (``supplier_id`` None: parts nobody sells)."""

    supplier_id: int | None
    supplier: str
    active: bool
    parts: int


_FROM = ("FROM part p JOIN brand b ON b.id = p.brand_id "
         f"LEFT JOIN ({BALANCES_SQL}) sb ON sb.part_id = p.id "
         f"LEFT JOIN ({reservations.RESERVED_BY_PART_SQL}) rs ON rs.part_id = p.id "
         "LEFT JOIN supplier_part sp ON sp.part_id = p.id AND sp.preferred "
         "WHERE p.active AND p.max_qty > 0 AND COALESCE(sb.qty, 0) - COALESCE(rs.qty, 0) < p.min_qty "
         f"AND NOT {HAS_OPEN_LINE_SQL}")
# a minimum above what the maximum tops up to gets no suggestion (domain.stock.reorder_quantity)
_TOPS_UP = "p.max_qty - (COALESCE(sb.qty, 0) - COALESCE(rs.qty, 0)) > 0"


def _suggestion_rows(limit: int | None = None, *, supplier: int | None | bool = False,
                     offset: int = 0) -> list[tuple]:
    """Parts below their minimum with no open order line, with their preferred supplier's terms:
    one statement over the whole catalogue. ``supplier``: only that supplier's parts (None: the
    parts without a supplier; False: every part)."""
    sql = ("SELECT p.id, p.number, b.name, p.name_en, p.unit, p.min_qty, p.max_qty, COALESCE(sb.qty, 0), "
           "COALESCE(sp.supplier_id, p.supplier_id), COALESCE(sp.pack_qty, 1000), COALESCE(sp.price, p.cost), "
           f"COALESCE(sp.supplier_number, ''), COALESCE(rs.qty, 0) {_FROM}")
    params: list[object] = []
    if supplier is None:
        sql += " AND COALESCE(sp.supplier_id, p.supplier_id) IS NULL"
    elif supplier is not False:
        sql += f" AND COALESCE(sp.supplier_id, p.supplier_id) = {database.obj.param}"
        params.append(int(supplier))
    if supplier is not False:
        sql += f" AND {_TOPS_UP}"  # so that a page is full: nothing of it is dropped below
    sql += " ORDER BY p.id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
        if offset:
            sql += f" OFFSET {int(offset)}"
    return database.obj.execute_sql(sql, tuple(params)).fetchall()


def _suggestions(limit: int | None = None, *, supplier: int | None | bool = False,
                 offset: int = 0) -> list[Suggestion]:
    suppliers = dict(Supplier.select(Supplier.id, Supplier.name).tuples())
    made = []
    for (part_id, number, brand, name, unit, min_qty, max_qty, on_hand, supplier_id, pack, price,
         supplier_number, held) in _suggestion_rows(limit, supplier=supplier, offset=offset):
        projected = int(on_hand) - int(held)
        qty = reorder_quantity(min_qty=int(min_qty), max_qty=int(max_qty), projected=projected, pack=int(pack),
                               unit=unit)
        if qty is None:  # a minimum above the maximum: nothing to top up to
            continue
        made.append(Suggestion(part_id=part_id, part_number=number, brand=brand, description=name, unit=unit,
                               min_qty=int(min_qty), max_qty=int(max_qty), on_hand=int(on_hand), reserved=int(held),
                               on_order=0, projected=projected, supplier_id=supplier_id,
                               supplier=suppliers.get(supplier_id, ""), supplier_number=supplier_number,
                               pack_qty=int(pack), unit_price=int(price), qty=qty.qty, packs=qty.packs,
                               explanation=qty.explanation))
    return made


def suggestions(actor: Actor, *, limit: int | None = None) -> list[Suggestion]:
    """What to order, part by part (catalogue order), each quantity explained."""
    require(actor, "stock.purchase")
    return _suggestions(limit)


def suggestion_groups(actor: Actor) -> list[SupplierGroup]:
    """How many parts each supplier would be asked for, counted in SQL (a million-part shop may
    have a quarter of a million suggestions: a screen lists these groups and pages each one with
    ``suggestion_page``). By supplier name; the parts nobody sells last."""
    require(actor, "stock.purchase")
    sql = f"SELECT COALESCE(sp.supplier_id, p.supplier_id), COUNT(*) {_FROM} AND {_TOPS_UP} GROUP BY 1"
    counted = database.obj.execute_sql(sql).fetchall()
    suppliers = {sid: (name, bool(active)) for sid, name, active in Supplier.select(
        Supplier.id, Supplier.name, Supplier.active).tuples()}
    groups = [SupplierGroup(supplier_id=sid, supplier=suppliers.get(sid, ("", False))[0] if sid else "",
                            active=suppliers.get(sid, ("", False))[1] if sid else False, parts=int(parts))
              for sid, parts in counted]
    return sorted(groups, key=lambda g: (g.supplier_id is None, g.supplier.upper()))


def suggestion_page(actor: Actor, supplier_id: int | None, *, offset: int = 0,
                    limit: int = 100) -> list[Suggestion]:
    """One page of the suggestions for ``supplier_id`` (None: the parts without a supplier), in
    catalogue order, each quantity explained."""
    require(actor, "stock.purchase")
    return _suggestions(max(1, min(int(limit), 1_000)), supplier=supplier_id, offset=max(0, int(offset)))


def low_stock_count() -> int:
    """Parts whose projected stock (on hand − reserved + on order) is below their minimum: the
    number on the Stock tab's badge."""
    sql = (f"SELECT COUNT(*) FROM part p WHERE p.active AND p.max_qty > 0 "
           f"AND {ON_HAND_SQL} - {RESERVED_SQL} + {ON_ORDER_SQL} < p.min_qty")
    return int(database.obj.execute_sql(sql).fetchone()[0])


def create_drafts(actor: Actor) -> DraftResult:
    """One draft purchase order per preferred supplier holding every suggestion for it (at the
    supplier's price and part number), in one transaction. Parts without an active supplier are
    counted, not ordered. Running it again suggests nothing twice: the drafts are open orders."""
    require(actor, "stock.purchase")
    with transaction():
        found = _suggestions()
        active = {sid: (name, lead) for sid, name, lead in Supplier.select(
            Supplier.id, Supplier.name, Supplier.lead_time_days).where(Supplier.active == True).tuples()}  # noqa: E712
        by_supplier: dict[int, list[Suggestion]] = {}
        orphans = 0
        for suggestion in found:
            if suggestion.supplier_id in active:
                by_supplier.setdefault(suggestion.supplier_id, []).append(suggestion)
            else:
                orphans += 1
        orders = []
        stamp = now()
        for supplier_id in sorted(by_supplier, key=lambda sid: active[sid][0].upper()):
            name, lead = active[supplier_id]
            lines = by_supplier[supplier_id]
            number = numbering.take_number("purchase_order")
            order_id = PurchaseOrder.insert(number=number, supplier=supplier_id, origin="reorder",
                                            expected_date=stamp.date() + timedelta(days=lead) if lead else None,
                                            note="Reorder suggestions", created_at=stamp,
                                            created_by=actor.user_id).execute()
            rows = [{"order": order_id, "line_no": line_no, "part": s.part_id, "supplier_number": s.supplier_number,
                     "qty": s.qty, "unit_price": s.unit_price} for line_no, s in enumerate(lines, start=1)]
            for start in range(0, len(rows), 500):
                PurchaseOrderLine.insert_many(rows[start:start + 500]).execute()
            audit.record("purchase_order.create", actor=actor, object_type="purchase_order", object_id=number,
                         new={"supplier": name, "lines": len(rows), "origin": "reorder"})
            orders.append(DraftOrder(number=number, supplier_id=supplier_id, supplier=name, lines=len(rows)))
    return DraftResult(orders=tuple(orders), without_supplier=orphans)
