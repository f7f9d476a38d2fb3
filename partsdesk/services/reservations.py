"""Stock reserved for repair orders, and the orders that wait for it.

A part line of a repair order reserves its quantity the moment it is added (``job_line.reserved_qty``)
and issues it to the job when the technician uses it (``issued_qty``, a stock move out). What is
reserved and not yet issued belongs to the job: the counter cannot sell it (``services.cart``
takes it off what is available), the reorder counts it as demand (``RESERVED_SQL``), and the stock
list shows it.

An order whose reserved parts are not all on the shelf waits for parts (status ``waiting_parts``,
set by ``services.workshop``). When stock comes in (``services.stock`` calls ``stock_arrived`` for
every move into sellable stock, whatever brought it: a goods receipt, a count, an adjustment, a
return), each waiting order that now finds every reserved part covered goes back to work and is
flagged ``parts_arrived`` on the board. "Covered" counts the shop's whole reservation of a part
against its sellable stock: when there is enough for every job, there is enough for this one.
"""

from __future__ import annotations

from collections.abc import Iterable

from partsdesk.models import database
from partsdesk.services.clock import now

# Per part row ``p``: reserved and not yet issued, over every open order's active lines.
RESERVED_SQL = ("COALESCE((SELECT SUM(j.reserved_qty - j.issued_qty) FROM job_line j "
                "WHERE j.part_id = p.id AND j.reserved_qty > j.issued_qty), 0)")
# Every reserved part's total at once, to join against a whole-catalogue scan (the reorder).
RESERVED_BY_PART_SQL = ("SELECT part_id, SUM(reserved_qty - issued_qty) AS qty FROM job_line "
                        "WHERE reserved_qty > issued_qty GROUP BY part_id")
WAITING = "waiting_parts"
BACK_TO = "in_progress"


def reserved(part_ids: Iterable[int], *, except_order: int | None = None) -> dict[int, int]:
    """Reserved and not yet issued per part (thousandths), 0 for a part nobody reserved;
    ``except_order`` leaves that order's own reservations out."""
    wanted = sorted(set(int(p) for p in part_ids))
    totals = dict.fromkeys(wanted, 0)
    if not wanted:
        return totals
    db = database.obj
    p = db.param
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        sql = (f"SELECT part_id, SUM(reserved_qty - issued_qty) FROM job_line WHERE reserved_qty > issued_qty "
               f"AND part_id IN ({', '.join([p] * len(chunk))})")
        params: list[int] = list(chunk)
        if except_order is not None:
            sql += f" AND order_id <> {p}"
            params.append(except_order)
        for part_id, qty in db.execute_sql(sql + " GROUP BY part_id", params).fetchall():
            totals[int(part_id)] = int(qty)
    return totals


def sellable(part_ids: Iterable[int]) -> dict[int, int]:
    """On hand in sellable locations per part (thousandths)."""
    wanted = sorted(set(int(p) for p in part_ids))
    totals = dict.fromkeys(wanted, 0)
    db = database.obj
    p = db.param
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for part_id, qty in db.execute_sql(
                "SELECT b.part_id, SUM(b.qty) FROM stock_balance b JOIN location l ON l.id = b.location_id "
                f"WHERE l.sellable AND b.part_id IN ({', '.join([p] * len(chunk))}) GROUP BY b.part_id",
                chunk).fetchall():
            totals[int(part_id)] = int(qty)
    return totals


def short_parts(order_id: int) -> dict[int, int]:
    """The order's reserved parts the shelf cannot cover, with by how much (thousandths)."""
    p = database.obj.param
    parts = [int(row[0]) for row in database.obj.execute_sql(
        f"SELECT DISTINCT part_id FROM job_line WHERE order_id = {p} AND reserved_qty > issued_qty",
        (order_id,)).fetchall()]
    if not parts:
        return {}
    held, shelf = reserved(parts), sellable(parts)
    return {part_id: held[part_id] - shelf[part_id] for part_id in parts if held[part_id] > shelf[part_id]}


def stock_arrived(part_ids: Iterable[int]) -> list[str]:
    """Stock of ``part_ids`` came into a sellable location (inside the transaction that moved it):
    every order waiting for parts that is now covered goes back to work, flagged. Returns their
    numbers."""
    arrived = set(int(p) for p in part_ids)
    if not arrived:
        return []
    db = database.obj
    waiting: dict[int, tuple[str, set[int]]] = {}
    for order_id, number, part_id in db.execute_sql(
            "SELECT o.id, o.number, j.part_id FROM repair_order o JOIN job_line j ON j.order_id = o.id "
            f"WHERE o.status = '{WAITING}' AND j.reserved_qty > j.issued_qty").fetchall():
        waiting.setdefault(int(order_id), (number, set()))[1].add(int(part_id))
    woken = []
    p = db.param
    for order_id, (number, parts) in waiting.items():
        if not parts & arrived or short_parts(order_id):
            continue
        stamp = now()
        db.execute_sql(f"UPDATE repair_order SET status = {p}, status_at = {p}, parts_arrived = {p}, updated_at = {p} "
                       f"WHERE id = {p}", (BACK_TO, stamp, True, stamp, order_id))
        db.execute_sql(f"INSERT INTO repair_order_event (order_id, at, status, user_id, note) VALUES "
                       f"({p}, {p}, {p}, NULL, {p})", (order_id, stamp, BACK_TO, "Parts arrived"))
        woken.append(number)
    return woken
