"""Stock rules on plain numbers: the moving-average cost after a receipt, and how much to reorder
(rounded up to whole packs) with the sentence that explains it.

Quantities in thousandths of the part's unit, costs in minor units per unit. Nothing here touches
the database: the services feed it numbers and store what it returns.
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import NamedTuple

from partsdesk.domain.money import format_quantity, round_minor
from partsdesk.i18n import _

_EXACT = Context(prec=60)  # wide enough for any on hand × cost the shop can hold: no digit lost before rounding


def moving_average_cost(on_hand: int, cost: int, received: int, unit_cost: int) -> int:
    """The part's cost after ``received`` thousandths came in at ``unit_cost``:
    (on hand × cost + received × unit cost) / (on hand + received), rounded to a whole minor unit
    by the shop's one rule (``money.round_minor``: halves away from zero).

    On hand of zero or below: the new cost is the receipt's unit cost. Stock sold below zero went
    out at the old cost already; averaging with a negative quantity would weigh the old cost
    against stock that does not exist (and can divide by zero or give a negative cost), so the
    goods actually on the shelf — the ones just received — set the price. Nothing received (zero
    or less): the cost stays."""
    if received <= 0:
        return cost
    if on_hand <= 0:
        return unit_cost
    return round_minor(_EXACT.divide(Decimal(on_hand * cost + received * unit_cost), Decimal(on_hand + received)))


def packs_needed(need: int, pack: int) -> int:
    """Whole packs of ``pack`` thousandths that cover ``need`` (rounded up; 0 when nothing is needed)."""
    if pack <= 0:
        raise ValueError("a pack holds something")
    if need <= 0:
        return 0
    return -(-need // pack)


class ReorderQuantity(NamedTuple):
    """What to order of one part: ``qty`` = ``packs`` × ``pack`` (thousandths), and why. (A named
    tuple: reorder makes one per part below its minimum, a catalogue's worth at a time.)"""

    need: int  # max − projected
    packs: int
    pack: int
    qty: int
    explanation: str


def _units(milli: int, unit: str) -> str:
    if milli % 1000:
        return format_quantity(milli, unit)
    text = str(milli // 1000)  # whole units, the common case, without Decimal
    return f"{text} {unit}" if unit and unit != "pcs" else text


def reorder_quantity(*, min_qty: int, max_qty: int, projected: int, pack: int = 1000,
                     unit: str = "") -> ReorderQuantity | None:
    """The order that brings ``projected`` stock back up to ``max_qty`` when it fell below
    ``min_qty``, rounded up to whole packs; None when no order is due (projected at or above the
    minimum, or no maximum set). The explanation reads "max 20 − projected 6 = 14 → 2 packs of 8"
    (a pack of one: "→ order 14")."""
    if max_qty <= 0 or projected >= min_qty:
        return None
    need = max_qty - projected
    if need <= 0:  # a minimum above the maximum: nothing to top up to
        return None
    packs = packs_needed(need, pack)
    qty = packs * pack
    shown = {"maximum": _units(max_qty, unit), "projected": _units(projected, unit), "need": _units(need, unit)}
    if pack == 1000:
        return ReorderQuantity(need, packs, pack, qty, _("max {maximum} − projected {projected} = {need} → order "
                                                         "{qty}").format(**shown, qty=_units(qty, unit)))
    if packs == 1:
        explanation = _("max {maximum} − projected {projected} = {need} → {packs} pack of {pack}")
    else:
        explanation = _("max {maximum} − projected {projected} = {need} → {packs} packs of {pack}")
    return ReorderQuantity(need, packs, pack, qty, explanation.format(**shown, packs=packs, pack=_units(pack, unit)))
