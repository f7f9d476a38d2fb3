"""Stock adjustment rules on plain values: the reasons a storekeeper may give, which way each
moves stock, its loss class, and the shares and spreading of the ABC analysis and its cycle counts.

Quantities in thousandths of the part's unit, values in minor units, shares in basis points.

Loss classes follow the handbook's split of losses: *normal* losses come with the trade
(breakage in handling, scrap, booking slips, parts sent back under warranty); *abnormal* ones
should not happen and are looked into (theft or loss, a supplier that shipped short and must be
claimed from). "Found" stock is a gain, classed normal: it is usually the other half of an
earlier slip.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from partsdesk.i18n import N_, _

OUT = "out"  # takes stock off (negative quantity)
IN = "in"  # puts stock on (positive)
EITHER = "either"

NORMAL = "normal"
ABNORMAL = "abnormal"
NO_LOSS = "none"  # a move inside the shop (repaired back from quarantine): no loss at all

DAMAGE = "damage"
SCRAP = "scrap"
REPAIRED = "repaired"  # not a reason a user picks: the release of repaired stock from quarantine


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    direction: str  # OUT, IN, EITHER
    loss_class: str  # NORMAL, ABNORMAL


REASONS: dict[str, Reason] = {r.code: r for r in (
    Reason(DAMAGE, N_("Damage (to quarantine)"), OUT, NORMAL),
    Reason("theft_or_loss", N_("Theft or loss"), OUT, ABNORMAL),
    Reason("process_error", N_("Process error"), EITHER, NORMAL),
    Reason("found", N_("Found"), IN, NORMAL),
    Reason(SCRAP, N_("Scrap"), OUT, NORMAL),
    Reason("supplier_short_ship", N_("Supplier short-ship"), OUT, ABNORMAL),
    Reason("warranty_return", N_("Warranty return"), EITHER, NORMAL),
)}
REASON_LABELS: dict[str, str] = {**{code: r.label for code, r in REASONS.items()},
                                 REPAIRED: N_("Repaired (from quarantine)")}
LOSS_CLASS_LABELS = {NORMAL: N_("Normal"), ABNORMAL: N_("Abnormal"), NO_LOSS: N_("No loss")}


def check_reason_and_qty(reason: object, qty: object) -> dict[str, str]:
    """Problems with an adjustment of ``qty`` thousandths for ``reason`` (empty: none), by field."""
    problems: dict[str, str] = {}
    code = str(reason or "").strip()
    found = REASONS.get(code)
    reasons = ", ".join(_(r.label).lower() for r in REASONS.values())
    if not code:
        problems["reason"] = _("Choose a reason for the adjustment: {reasons}.").format(reasons=reasons)
    elif found is None:
        problems["reason"] = _("{code!r} is not a reason for an adjustment; choose one of: {reasons}.").format(
            code=code, reasons=reasons)
    if isinstance(qty, bool) or not isinstance(qty, int):
        problems["qty"] = _("The quantity is a whole number of thousandths of the part's unit.")
    elif qty == 0:
        problems["qty"] = _("An adjustment changes the stock: enter a quantity other than zero.")
    elif found is not None and found.direction == OUT and qty > 0:
        problems["qty"] = _("{reason} takes stock off: enter the quantity as a negative number.").format(
            reason=_(found.label))
    elif found is not None and found.direction == IN and qty < 0:
        problems["qty"] = _("{reason} puts stock on: enter the quantity as a positive number.").format(
            reason=_(found.label))
    return problems


# --- ABC ------------------------------------------------------------------------------------------

def class_bounds(a_share_bp: int, b_share_bp: int) -> tuple[int, int]:
    """Cumulative shares (basis points of the total consumption value) where class A and class B
    end. B never reaches past the whole: a B share larger than what A leaves is cut to the rest."""
    a = max(0, min(10_000, int(a_share_bp)))
    b = max(0, min(10_000 - a, int(b_share_bp)))
    return a, a + b


def abc_class(value_before: int, total: int, bounds: tuple[int, int]) -> str:
    """The class of a part whose consumption value comes after ``value_before`` (the parts ranked
    above it) of ``total``: A while what came before is under A's share — so the part that crosses
    the line is still A —, then B, then C. A part that consumed nothing is C."""
    if total <= 0:
        return "C"
    if value_before * 10_000 < bounds[0] * total:
        return "A"
    if value_before * 10_000 < bounds[1] * total:
        return "B"
    return "C"


def classify(values: Mapping[int, int], a_share_bp: int, b_share_bp: int) -> dict[int, str]:
    """ABC class per part from its consumption value (parts absent or at zero and below: C), ranked
    by value, highest first, ties by part id — the same rule the service applies in SQL."""
    bounds = class_bounds(a_share_bp, b_share_bp)
    ranked = sorted(((v, pid) for pid, v in values.items() if v > 0), key=lambda x: (-x[0], x[1]))
    total = sum(v for v, _pid in ranked)
    classes = {pid: "C" for pid in values}
    before = 0
    for value, pid in ranked:
        classes[pid] = abc_class(before, total, bounds)
        before += value
    return classes


def interval_days(counts_per_year: int) -> int:
    """Days between two counts of a part counted ``counts_per_year`` times a year (A 12: 30 days)."""
    return max(1, 365 // max(1, int(counts_per_year)))


def daily_quota(parts: int, counts_per_year: int) -> int:
    """How many parts of a class a day's cycle list holds so every part of it is counted
    ``counts_per_year`` times a year, spread evenly: rounded up, so nobody falls behind."""
    if parts <= 0:
        return 0
    return math.ceil(parts * max(1, int(counts_per_year)) / 365)
