"""The Stock tab's list: each part's sellable stock, what is reserved and on order, what is
available, quarantine, bin, min/max and ABC class, with the flags a storekeeper acts on (low,
negative), paged and sorted in SQL.

The search box is the catalogue's own (``services.search.matching_part_ids``: barcode, numbers,
words, vehicle), so a part is found here exactly as at the counter; its candidates (at most
``SEARCH_CAP``) are then filtered and sorted by one query. An empty text browses every active
part: one query per page, walking the sort's index with the filters applied on the way
(the negative and quarantine filters are driven by the ``stock_balance(location_id, qty)``
index). The low-stock filter and the tab's badge count parts in SQL, never in Python.

"On hand" is the sellable location (MAIN); quarantine (damaged, returned, awaiting inspection)
is shown apart and never sold. "On order" is what open purchase orders (draft, sent, partly
received) still expect, line by line not removed — ``services.reorder``'s own expression, probed
per row of the page through the ``purchase_order_line(part_id, order_id)`` index. "Reserved" is
``services.reorder.RESERVED_SQL`` too: what repair orders hold and have not yet used
(``services.reservations``); "available" is on hand − reserved.

"Low" is on hand below the minimum, as the storekeeper sees the shelf — not the reorder's
projected stock (on hand − reserved + on order): a low part with an open order stays flagged, and
its tooltip says what is on order. The reorder's badge and suggestions keep their own rule. Read-
only: nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from partsdesk.domain.permissions import Actor, require
from partsdesk.models import database
from partsdesk.models.stock import MAIN_LOCATION_ID, QUARANTINE_LOCATION_ID
from partsdesk.services.reorder import ON_ORDER_SQL, RESERVED_SQL
from partsdesk.services.search import PAGE_MAX, matching_part_ids

SORT_KEYS: tuple[str, ...] = ("relevance", "number", "name", "brand", "bin", "on_hand")
FILTERS: tuple[str, ...] = ("low", "negative", "quarantine")


@dataclass(frozen=True)
class StockRow:
    """One part in the stock list. Quantities in thousandths of ``unit``: ``on_hand`` at the
    sellable location, ``reserved`` for repair orders, ``on_order`` still
    expected from open purchase orders, ``quarantine`` held apart; ``min_qty``/``max_qty`` 0 when
    not set. ``abc_class`` "A", "B", "C", or "" when the part was never classed."""

    id: int
    number: str
    brand: str
    name_en: str
    name_zh: str
    unit: str
    bin: str
    on_hand: int
    quarantine: int
    min_qty: int
    max_qty: int
    active: bool
    reserved: int = 0
    on_order: int = 0
    abc_class: str = ""

    @property
    def available(self) -> int:
        """What may still be sold or fitted: on hand less what jobs hold."""
        return self.on_hand - self.reserved

    @property
    def low(self) -> bool:
        """On hand below its minimum (a part without a minimum is never low); what is on order
        does not lift the flag — the shelf is still short until it comes."""
        return self.min_qty > 0 and self.on_hand < self.min_qty

    @property
    def negative(self) -> bool:
        """More was sold than the books hold: a count or a missed receipt is due."""
        return self.on_hand < 0


@dataclass(frozen=True)
class StockPage:
    rows: list[StockRow]
    # parts that match (the search's candidates after the filters); when browsing it is counted
    # for the first page only (offset 0) and is -1 on later pages, which the table never reads
    total: int
    capped: bool  # the search found more candidates than it collects: refine it


_MAIN = f"LEFT JOIN stock_balance sb ON sb.part_id = p.id AND sb.location_id = {MAIN_LOCATION_ID}"
_QUARANTINE = f"LEFT JOIN stock_balance sq ON sq.part_id = p.id AND sq.location_id = {QUARANTINE_LOCATION_ID}"
_BRAND = "JOIN brand b ON b.id = p.brand_id"
_SELECT = ("SELECT p.id, p.number, b.name, p.name_en, p.name_zh, p.unit, p.bin, COALESCE(sb.qty, 0), "
           f"COALESCE(sq.qty, 0), p.min_qty, p.max_qty, p.active, {RESERVED_SQL}, {ON_ORDER_SQL}, p.abc_class "
           f"FROM part p {_BRAND} {_MAIN} {_QUARANTINE}")
# each order ends on a unique key so pages never overlap
_ORDER = {
    "relevance": ("p.number_norm", "p.id"),
    "number": ("p.number_norm", "p.id"),
    "name": ("p.name_en", "p.id"),
    "brand": ("b.name_key", "p.number_norm", "p.id"),
    "bin": ("p.bin", "p.id"),
    "on_hand": ("COALESCE(sb.qty, 0)", "p.id"),
}
_FILTER_SQL = {
    "low": "p.min_qty > 0 AND COALESCE(sb.qty, 0) < p.min_qty",
    "negative": "sb.qty < 0",  # no balance row is 0, never negative: lets the (location, qty) index drive
    "quarantine": "sq.qty > 0",
}
LOW_STOCK_SQL = f"SELECT COUNT(*) FROM part p {_MAIN} WHERE p.active AND {_FILTER_SQL['low']}"


def _fetch(sql: str, params: Sequence[object] = ()) -> list[tuple]:
    return list(database.obj.execute_sql(sql, tuple(params)).fetchall())


def _row(values: Sequence[object]) -> StockRow:
    (part_id, number, brand, name_en, name_zh, unit, bin_, on_hand, quarantine, min_qty, max_qty, active, reserved,
     on_order, abc_class) = values
    return StockRow(int(part_id), number, brand, name_en, name_zh or "", unit, bin_ or "", int(on_hand),
                    int(quarantine), int(min_qty), int(max_qty), bool(active), int(reserved), int(on_order),
                    abc_class or "")


def _where(filters: Sequence[str]) -> str:
    return " AND ".join(["p.active", *(_FILTER_SQL[name] for name in FILTERS if name in filters)])


def _joins(filters: Sequence[str], sort: str | None) -> str:
    """Only the joins the filters and the sort need: a page's ids and a count read no more."""
    joins = []
    if sort == "brand":
        joins.append(_BRAND)
    if sort == "on_hand" or {"low", "negative"} & set(filters):
        joins.append(_MAIN)
    if "quarantine" in filters:
        joins.append(_QUARANTINE)
    return " ".join(joins)


def _order(sort: str, descending: bool) -> str:
    direction = " DESC" if descending else ""
    return ", ".join(f"{column}{direction}" for column in _ORDER[sort])


def list_stock(actor: Actor, query: str = "", *, limit: int = 100, offset: int = 0, sort: str = "relevance",
               descending: bool = False, filters: Sequence[str] = ()) -> StockPage:
    """One page of the stock list for the search text ``query`` (empty: every active part),
    keeping only the parts that pass all of ``filters`` (``FILTERS``: "low", "negative",
    "quarantine"), sorted by ``sort`` (``SORT_KEYS``; "relevance" is the search's own order,
    and part number when browsing)."""
    require(actor, "catalog.view")
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    unknown = [name for name in filters if name not in FILTERS]
    if unknown:
        raise ValueError(f"unknown stock filter(s) {unknown!r}")
    limit = max(1, min(int(limit), PAGE_MAX))
    offset = max(0, int(offset))
    p = database.obj.param
    where = _where(filters)
    if query.strip():
        ids, capped = matching_part_ids(query)
        if not ids:
            return StockPage([], 0, capped)
        marks = ", ".join([p] * len(ids))
        # every candidate that passes the filters, in one query (at most SEARCH_CAP rows)
        order = "" if sort == "relevance" else f" ORDER BY {_order(sort, descending)}"
        rows = [_row(values) for values in _fetch(f"{_SELECT} WHERE p.id IN ({marks}) AND {where}{order}", ids)]
        if sort == "relevance":
            rank = {part_id: i for i, part_id in enumerate(ids)}
            rows.sort(key=lambda row: rank[row.id], reverse=descending)
        return StockPage(rows[offset:offset + limit], len(rows), capped)
    # The page's ids first (walking the sort's index, or sorting ids only, never whole rows),
    # then its rows, in one statement.
    order = _order(sort, descending)
    page = (f"SELECT p.id FROM part p {_joins(filters, sort)} WHERE {where} ORDER BY {order} "
            f"LIMIT {p} OFFSET {p}")
    rows = [_row(values) for values in _fetch(
        f"{_SELECT} WHERE p.id IN ({page}) ORDER BY {order}", (limit, offset))]
    if offset:
        return StockPage(rows, -1, False)
    if not filters:
        # the whole part table counts off its smallest index; the few inactive parts off their own
        total = int(_fetch("SELECT COUNT(*) FROM part")[0][0]) - int(
            _fetch("SELECT COUNT(*) FROM part WHERE NOT active")[0][0])
    else:
        total = int(_fetch(f"SELECT COUNT(*) FROM part p {_joins(filters, None)} WHERE {where}")[0][0])
    return StockPage(rows, total, False)


def low_stock_count(actor: Actor) -> int:
    """Active parts below their minimum at the sellable location (the Stock tab's badge)."""
    require(actor, "catalog.view")
    return int(_fetch(LOW_STOCK_SQL)[0][0])
