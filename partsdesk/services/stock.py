"""The stock ledger's one way in: every change of stock is a ``StockMove`` (append-only), and
the balance per part and location is its cache, updated in the same transaction.

``post_move`` is called inside the use case's own transaction (a sale, a return, a receipt, a
count posting), so the document, its moves and the balances commit or roll back together;
``partsdesk check`` proves every balance equals the sum of its moves. Stock coming in wakes the
repair orders that wait for it (``services.reservations.stock_arrived``), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from partsdesk.models import Location, StockBalance, StockMove, database
from partsdesk.models.db import is_postgres
from partsdesk.models.stock import MAIN_LOCATION_ID
from partsdesk.services import reservations
from partsdesk.services.clock import now

BATCH = 5_000  # rows per statement of a bulk insert (PostgreSQL's execute_values)


def post_move(*, part_id: int, qty: int, unit_cost: int, reason: str, document: str, user_id: int | None,
              location_id: int = MAIN_LOCATION_ID) -> int:
    """Append a move of ``qty`` thousandths (negative: out) and move the balance with it;
    returns the move's sequence number. Call inside a transaction."""
    if not database.obj.in_transaction():
        raise RuntimeError("a stock move is posted inside the transaction of the document that moves the stock")
    if qty == 0:
        raise ValueError("a stock move moves something")
    seq = StockMove.insert(at=now(), part=part_id, location=location_id, qty=qty, unit_cost=unit_cost, reason=reason,
                           document=document, user=user_id).execute()
    StockBalance.insert(part=part_id, location=location_id, qty=qty).on_conflict(
        conflict_target=[StockBalance.part, StockBalance.location],
        update={StockBalance.qty: StockBalance.qty + qty}).execute()
    if qty > 0:
        reservations.stock_arrived([part_id])
    return int(seq)


def post_moves(moves: Sequence[tuple[int, int, int, int]], *, reason: str, document: str,
               user_id: int | None) -> int:
    """Append many moves of one document at once — (part id, location id, signed qty in
    thousandths, unit cost) each — and move their balances with them; returns how many moves were
    written. The same ledger as ``post_move`` (``partsdesk check`` proves it), written in bulk for
    a document of thousands of lines (a count's posting): one batched INSERT of the moves and one
    batched upsert of the balances, summed per part and location first. Call inside a transaction."""
    if not database.obj.in_transaction():
        raise RuntimeError("stock moves are posted inside the transaction of the document that moves the stock")
    rows = [(int(part_id), int(location_id), int(qty), int(unit_cost)) for part_id, location_id, qty, unit_cost in moves]
    if any(qty == 0 for _, _, qty, _ in rows):
        raise ValueError("a stock move moves something")
    if not rows:
        return 0
    stamp = now()
    balances: dict[tuple[int, int], int] = {}
    for part_id, location_id, qty, _ in rows:
        balances[(part_id, location_id)] = balances.get((part_id, location_id), 0) + qty
    move_rows = [(stamp, part_id, location_id, qty, unit_cost, reason, document, user_id)
                 for part_id, location_id, qty, unit_cost in rows]
    balance_rows = [(part_id, location_id, qty) for (part_id, location_id), qty in balances.items()]
    move_sql = "INSERT INTO stock_move (at, part_id, location_id, qty, unit_cost, reason, document, user_id) VALUES "
    balance_sql = ("INSERT INTO stock_balance (part_id, location_id, qty) VALUES {} ON CONFLICT (part_id, location_id) "
                   "DO UPDATE SET qty = stock_balance.qty + excluded.qty")
    cursor = database.obj.cursor()
    if is_postgres():
        from psycopg2.extras import execute_values

        execute_values(cursor, move_sql + "%s", move_rows, page_size=BATCH)
        execute_values(cursor, balance_sql.format("%s"), balance_rows, page_size=BATCH)
    else:
        cursor.executemany(move_sql + "(?, ?, ?, ?, ?, ?, ?, ?)", move_rows)
        cursor.executemany(balance_sql.format("(?, ?, ?)"), balance_rows)
    reservations.stock_arrived(part_id for part_id, _, qty, _ in rows if qty > 0)
    return len(rows)


def on_hand(part_ids: list[int], *, sellable_only: bool = True, lock: bool = False) -> dict[int, int]:
    """Quantity on hand per part (thousandths), in sellable locations by default. ``lock``: keep
    the balances locked until the transaction ends (PostgreSQL; SQLite's writer already holds the
    database), so two counters cannot both sell the last one past the stock policy."""
    if not part_ids:
        return {}
    query = (StockBalance.select(StockBalance.part, StockBalance.qty)
             .join(Location, on=(StockBalance.location == Location.id))
             .where(StockBalance.part.in_(sorted(set(part_ids)))))
    if sellable_only:
        query = query.where(Location.sellable)
    if lock and is_postgres():
        query = query.for_update(of=StockBalance)
    totals = dict.fromkeys(part_ids, 0)
    for part_id, qty in query.tuples():
        totals[int(part_id)] += int(qty)
    return totals
