"""Stock adjustments: stock found, lost, stolen, damaged, scrapped, short-shipped or sent back
under warranty, each with a reason the storekeeper must give; damaged stock parked in quarantine
and later released back to sellable stock (repaired) or scrapped; and the shrinkage report.

Every adjustment is a gap-free ADJ document (``stock_adjustment``, append-only) and its stock
moves (reason ``adjust``, document the ADJ number), written with its audit row in one
transaction. Its value is the quantity at the part's moving-average cost at that moment; one
worth more than ``stock.adjust_manager_above`` needs a manager (``stock.adjust_override``), whose
approval and reason go into the adjustment and the audit row. Quantities are thousandths of the
part's unit, values minor units; an adjustment never takes off more than is at its location.

Rows that moved stock inside the shop (damaged into quarantine, repaired back) name their
``to_location``; the others left the books or came onto them and are the shrinkage report's rows,
split into normal and abnormal losses (``domain.adjustments``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from partsdesk.domain.adjustments import (
    DAMAGE,
    LOSS_CLASS_LABELS,
    NO_LOSS,
    REASON_LABELS,
    REASONS,
    REPAIRED,
    SCRAP,
    check_reason_and_qty,
)
from partsdesk.domain.errors import PermissionDenied, ValidationError
from partsdesk.domain.money import format_quantity, line_amount, round_minor
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.i18n import _
from partsdesk.models import Location, Part, StockAdjustment, StockBalance, database, transaction
from partsdesk.models.db import is_postgres
from partsdesk.models.stock import MAIN_LOCATION_ID, QUARANTINE_LOCATION_ID
from partsdesk.services import accounts, audit, numbering, settings, stock
from partsdesk.services.clock import now

NOTE_MAX = 200
QTY_MAX = 10**12  # thousandths: a billion units in one adjustment is a typing slip
RELEASE_TARGETS = ("stock", "scrap")
REPORT_DAYS_MAX = 3_660


@dataclass(frozen=True)
class AdjustmentResult:
    number: str
    part_id: int
    qty: int  # signed, at ``location_id`` (thousandths)
    value: int  # signed, at cost (minor units)
    reason: str
    loss_class: str
    location_id: int
    to_location_id: int | None
    approved_by: str = ""


@dataclass(frozen=True)
class QuarantinedPart:
    part_id: int
    part_number: str
    description: str
    unit: str
    qty: int
    value: int  # at today's cost


@dataclass(frozen=True)
class ShrinkageRow:
    """One reason in one month: adjustments that left the books (or came onto them)."""

    month: date  # the first of the month
    reason: str
    label: str
    loss_class: str
    adjustments: int
    qty: int  # signed, thousandths added over parts (a count of units, not one part's)
    value: int  # signed: below zero a loss


@dataclass(frozen=True)
class ReasonTotal:
    reason: str
    label: str
    loss_class: str
    adjustments: int
    qty: int
    value: int


@dataclass(frozen=True)
class ShrinkageReport:
    """What stock adjustments took off (and put on) the books between two days, by reason and
    month, with normal and abnormal losses apart; totals are worked out here, printing only lays
    them out. The quarantine figures are stock that stayed in the shop (not shrinkage)."""

    date_from: date
    date_to: date
    currency: str
    rows: tuple[ShrinkageRow, ...]
    by_reason: tuple[ReasonTotal, ...]
    normal_value: int
    abnormal_value: int
    damaged_into_quarantine: tuple[int, int]  # (adjustments, value at cost, positive)
    repaired_from_quarantine: tuple[int, int]
    scrapped_from_quarantine: tuple[int, int]
    in_quarantine_value: int  # what quarantine holds now, at today's cost
    made_at: datetime

    @property
    def net_value(self) -> int:
        return self.normal_value + self.abnormal_value


# --- adjusting -------------------------------------------------------------------------------------

def _clean_note(note: object) -> str:
    text = " ".join(str(note or "").split())
    if len(text) > NOTE_MAX:
        raise ValidationError({"note": _("The note is at most {most} characters.").format(most=NOTE_MAX)})
    return text


def _part(part_id: object) -> Part:
    part = (Part.get_or_none(Part.id == part_id)
            if isinstance(part_id, int) and not isinstance(part_id, bool) else None)
    if part is None:
        raise ValidationError({"part": _("No such part: choose the part to adjust from the catalogue.")})
    return part


def _balance(part_id: int, location_id: int) -> int:
    query = StockBalance.select(StockBalance.qty).where(StockBalance.part == part_id,
                                                        StockBalance.location == location_id)
    if is_postgres():
        query = query.for_update()
    row = query.tuples().first()
    return int(row[0]) if row else 0


def _location_name(location_id: int) -> str:
    row = Location.select(Location.name).where(Location.id == location_id).tuples().first()
    return row[0] if row else "?"


def _approve(actor: Actor, value: int, approval: Approval | None) -> Approval | None:
    """The manager's approval an adjustment of ``value`` needs (None: none needed, or the actor's
    own role may); raises ``PermissionDenied`` naming ``stock.adjust_override`` otherwise."""
    limit = int(settings.get("stock.adjust_manager_above"))
    if abs(value) <= limit:
        return None
    try:
        return require(actor, "stock.adjust_override", approval)
    except PermissionDenied as denied:
        raise PermissionDenied(_("The adjustment is worth {value} at cost (above {limit}). {denied}").format(
            value=accounts.format_amount(abs(value)), limit=accounts.format_amount(limit), denied=denied),
            permission=denied.permission) from None


def _write(actor: Actor, part: Part, *, qty: int, reason: str, loss_class: str, location_id: int,
           to_location_id: int | None, note: str, approval: Approval | None, action: str) -> AdjustmentResult:
    """Number, row, moves and audit of one adjustment; inside the caller's transaction."""
    value = line_amount(int(part.cost), qty)
    used = _approve(actor, value, approval)
    number = numbering.take_number("adjustment")
    StockAdjustment.insert(number=number, at=now(), part=part.id, location=location_id, to_location=to_location_id,
                           qty=qty, unit_cost=int(part.cost), value=value, reason=reason, loss_class=loss_class,
                           note=note, terminal=audit.TERMINAL, user=actor.user_id,
                           approved_by=used.approver_id if used else None).execute()
    stock.post_move(part_id=part.id, qty=qty, unit_cost=int(part.cost), reason="adjust", document=number,
                    user_id=actor.user_id, location_id=location_id)
    if to_location_id is not None:
        stock.post_move(part_id=part.id, qty=-qty, unit_cost=int(part.cost), reason="adjust", document=number,
                        user_id=actor.user_id, location_id=to_location_id)
    audit.record(action, actor=actor, approval=used, object_type="adjustment", object_id=number,
                 reason=note or REASON_LABELS[reason],
                 new={"part": part.number, "part_id": part.id, "qty": qty, "value": value, "reason": reason,
                      "loss_class": loss_class, "location": location_id, "to_location": to_location_id})
    return AdjustmentResult(number=number, part_id=part.id, qty=qty, value=value, reason=reason,
                            loss_class=loss_class, location_id=location_id, to_location_id=to_location_id,
                            approved_by=used.approver_name if used else "")


def adjust(actor: Actor, part_id: int, qty: int, reason: str, note: str = "", *,
           location_id: int = MAIN_LOCATION_ID, approval: Approval | None = None) -> AdjustmentResult:
    """Adjust ``part_id`` at ``location_id`` by ``qty`` thousandths (negative: off) for ``reason``
    (``domain.adjustments.REASONS``, mandatory). Damage takes the stock out of sellable stock into
    quarantine (``release_from_quarantine`` later). One transaction: ADJ number, adjustment, stock
    moves, audit row. Raises ``ValidationError`` (reason, qty, note, part, location) or
    ``PermissionDenied`` (``stock.adjust``; ``stock.adjust_override`` above the manager's value,
    until ``approval`` comes) — and then nothing is written and no number is used."""
    require(actor, "stock.adjust")
    problems = check_reason_and_qty(reason, qty)
    if not problems.get("qty") and abs(qty) > QTY_MAX:
        problems["qty"] = _("That quantity is too large to be an adjustment; check what was typed.")
    try:
        note = _clean_note(note)
    except ValidationError as error:
        problems.update(error.problems)
    location = Location.get_or_none(Location.id == location_id) if isinstance(location_id, int) else None
    if location is None:
        problems["location"] = _("No such stock location.")
    elif reason == DAMAGE and location.id == QUARANTINE_LOCATION_ID:
        problems["location"] = _("This stock is in quarantine already: release it as repaired or scrap it "
                                  "instead.")
    if problems:
        raise ValidationError(problems)
    code = str(reason).strip()
    with transaction():
        part = _part(part_id)
        if qty < 0:
            have = _balance(part.id, location.id)
            if have < -qty:
                raise ValidationError({"qty": _("Only {qty} of {number} is in {location}; an adjustment cannot "
                                                "take off more than is there.").format(
                    qty=format_quantity(max(have, 0), part.unit), number=part.number, location=location.name.lower())})
        return _write(actor, part, qty=qty, reason=code, loss_class=REASONS[code].loss_class,
                      location_id=location.id, to_location_id=QUARANTINE_LOCATION_ID if code == DAMAGE else None,
                      note=note, approval=approval, action="stock.adjust")


def release_from_quarantine(actor: Actor, part_id: int, qty: int, to: str = "stock", note: str = "", *,
                            approval: Approval | None = None) -> AdjustmentResult:
    """Release ``qty`` thousandths (positive) of ``part_id`` from quarantine: ``to="stock"`` back
    to sellable stock (repaired: no loss), ``to="scrap"`` out of the books (an adjustment with
    reason scrap). The same rules as ``adjust``: one transaction, audited, a manager above the set
    value, nothing written on bad input."""
    require(actor, "stock.adjust")
    problems: dict[str, str] = {}
    if to not in RELEASE_TARGETS:
        problems["to"] = _("Release quarantined stock back to stock (repaired) or to scrap.")
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        problems["qty"] = _("Enter how much to release, above zero (thousandths of the part's unit).")
    elif qty > QTY_MAX:
        problems["qty"] = _("That quantity is too large to release; check what was typed.")
    try:
        note = _clean_note(note)
    except ValidationError as error:
        problems.update(error.problems)
    if problems:
        raise ValidationError(problems)
    with transaction():
        part = _part(part_id)
        have = _balance(part.id, QUARANTINE_LOCATION_ID)
        if have < qty:
            raise ValidationError({"qty": _("Only {qty} of {number} is in quarantine.").format(
                qty=format_quantity(max(have, 0), part.unit), number=part.number)})
        if to == "stock":
            return _write(actor, part, qty=-qty, reason=REPAIRED, loss_class=NO_LOSS,
                          location_id=QUARANTINE_LOCATION_ID, to_location_id=MAIN_LOCATION_ID, note=note,
                          approval=approval, action="stock.quarantine_release")
        return _write(actor, part, qty=-qty, reason=SCRAP, loss_class=REASONS[SCRAP].loss_class,
                      location_id=QUARANTINE_LOCATION_ID, to_location_id=None, note=note, approval=approval,
                      action="stock.quarantine_release")


def quarantined(actor: Actor, *, limit: int = 500) -> list[QuarantinedPart]:
    """Parts held in quarantine now, the most valuable first (what waits for repair or scrap)."""
    require(actor, "stock.adjust")
    rows = (Part.select(Part.id, Part.number, Part.name_en, Part.unit, StockBalance.qty, Part.cost)
            .join(StockBalance, on=(StockBalance.part == Part.id))
            .where(StockBalance.location == QUARANTINE_LOCATION_ID, StockBalance.qty > 0)
            .order_by((StockBalance.qty * Part.cost).desc(), Part.id).limit(limit).tuples())
    return [QuarantinedPart(pid, number, name, unit, int(qty), line_amount(int(cost), int(qty)))
            for pid, number, name, unit, qty, cost in rows]


# --- the shrinkage report --------------------------------------------------------------------------

def _bounds(date_from: object, date_to: object) -> tuple[datetime, datetime]:
    if not isinstance(date_from, date) or not isinstance(date_to, date):
        raise ValidationError({"date_from": _("Give the report's first and last day as dates.")})
    if isinstance(date_from, datetime):
        date_from = date_from.date()
    if isinstance(date_to, datetime):
        date_to = date_to.date()
    if date_to < date_from:
        raise ValidationError({"date_to": _("The last day comes on or after the first day.")})
    if (date_to - date_from).days > REPORT_DAYS_MAX:
        raise ValidationError({"date_to": _("A shrinkage report covers at most ten years.")})
    return datetime.combine(date_from, time()), datetime.combine(date_to + timedelta(days=1), time())


def shrinkage_report(actor: Actor, date_from: date, date_to: date) -> ShrinkageReport:
    """Adjustments from ``date_from`` to ``date_to`` (both days included) by reason and month, with
    quantity and value at cost, normal and abnormal losses apart, and the quarantine's flow."""
    require(actor, "catalog.view_cost")
    start, end = _bounds(date_from, date_to)
    month = "to_char(at, 'YYYY-MM')" if is_postgres() else "strftime('%Y-%m', at)"
    p = database.obj.param
    grouped = database.obj.execute_sql(
        f"SELECT {month} AS month, reason, loss_class, COUNT(*), SUM(qty), SUM(value) FROM stock_adjustment "
        f"WHERE at >= {p} AND at < {p} AND to_location_id IS NULL GROUP BY 1, reason, loss_class ORDER BY 1, reason",
        (start, end)).fetchall()
    rows = [ShrinkageRow(month=date(int(m[:4]), int(m[5:7]), 1), reason=reason, label=_(REASON_LABELS.get(reason, reason)),
                         loss_class=loss_class, adjustments=int(n), qty=int(qty), value=int(value))
            for m, reason, loss_class, n, qty, value in grouped]
    totals: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        total = totals.setdefault((row.reason, row.loss_class), [0, 0, 0])
        total[0] += row.adjustments
        total[1] += row.qty
        total[2] += row.value
    order = list(REASONS)
    by_reason = tuple(ReasonTotal(reason, _(REASON_LABELS.get(reason, reason)), loss_class, *figures)
                      for (reason, loss_class), figures in sorted(
                          totals.items(), key=lambda item: order.index(item[0][0]) if item[0][0] in order else 99))

    def flow(condition: str, params: tuple) -> tuple[int, int]:
        n, value = database.obj.execute_sql(
            f"SELECT COUNT(*), COALESCE(SUM(value), 0) FROM stock_adjustment WHERE at >= {p} AND at < {p} AND "
            + condition, (start, end, *params)).fetchone()
        return int(n), abs(int(value))

    held = database.obj.execute_sql(
        f"SELECT COALESCE(SUM(b.qty * p.cost), 0) FROM stock_balance b JOIN part p ON p.id = b.part_id "
        f"WHERE b.location_id = {p} AND b.qty > 0", (QUARANTINE_LOCATION_ID,)).fetchone()[0]
    return ShrinkageReport(
        date_from=start.date(), date_to=(end - timedelta(days=1)).date(), currency=settings.get("shop.currency"),
        rows=tuple(rows), by_reason=by_reason,
        normal_value=sum(r.value for r in rows if r.loss_class == "normal"),
        abnormal_value=sum(r.value for r in rows if r.loss_class == "abnormal"),
        damaged_into_quarantine=flow(f"reason = {p} AND to_location_id = {p}", (DAMAGE, QUARANTINE_LOCATION_ID)),
        repaired_from_quarantine=flow(f"reason = {p}", (REPAIRED,)),
        scrapped_from_quarantine=flow(f"reason = {p} AND location_id = {p}", (SCRAP, QUARANTINE_LOCATION_ID)),
        in_quarantine_value=round_minor(Decimal(int(held)) / 1000), made_at=now())


__all__ = ["AdjustmentResult", "LOSS_CLASS_LABELS", "QuarantinedPart", "ReasonTotal", "ShrinkageReport",
           "ShrinkageRow", "adjust", "quarantined", "release_from_quarantine", "shrinkage_report"]
