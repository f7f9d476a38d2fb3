"""The stock ledger's one way in: every change of stock is a ``StockMove`` (append-only), and
the balance per part and location is its cache, updated in the same transaction.

``post_move`` is called inside the use case's own transaction (a sale, a return, a receipt, a
count posting), so the document, its moves and the balances commit or roll back together;
``partsdesk check`` proves every balance equals the sum of its moves.
"""

from __future__ import annotations

from partsdesk.models import Location, StockBalance, StockMove, database
from partsdesk.models.db import is_postgres
from partsdesk.models.stock import MAIN_LOCATION_ID
from partsdesk.services.clock import now


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
    return int(seq)


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
