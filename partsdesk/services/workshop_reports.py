"""Workshop reports for a range of the shop's days (issue 6, item 11): technician productivity,
the time orders spend in each status, the customers' authorization rate, and the workshop's
revenue by labour, parts, sublet and other charges.

Which orders each report looks at:

- **Productivity and revenue**: orders *delivered* in the range — the work is finished and
  invoiced, so book hours, clocked hours and the invoice are final.
- **Time in status and authorization**: orders *checked in* in the range — what the workshop did
  with the cars that came in, including those still open (their current status lasts until now).

Money is minor units, hours and quantities thousandths, rates are percentages with one decimal
(``Decimal``; None where the divisor is zero). Every figure is read with a few grouped queries or
from plain rows (``.tuples()``), never a model object per line, and summed here — the PDF and the
screen only lay it out. Reads only; a manager's report (``workshop.setup``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from peewee import fn

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import round_minor
from partsdesk.domain.permissions import Actor, require
from partsdesk.i18n import N_, _
from partsdesk.models import (
    AppUser,
    JobAuthorization,
    JobLine,
    LabourClock,
    RepairOrder,
    RepairOrderEvent,
    SaleLine,
)
from partsdesk.services import settings
from partsdesk.services.clock import now
from partsdesk.services.workshop import KINDS, LABOUR_UNIT, METHODS, STATUS_LABELS

PERMISSION = "workshop.setup"  # the managers': what technicians earn the shop is not for everyone
RANGE_MAX_DAYS = 731
# A status that ends the order's story: how long it "lasts" afterwards means nothing.
FINAL_STATUSES = ("follow_up_done", "cancelled")
WARRANTY_MARK = "(warranty)"  # services.workshop adds it to the invoice line of warranty work
NO_TECHNICIAN = N_("No technician")


# --- what the reports hold ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TechnicianFigures:
    """One technician's labour lines on the orders delivered in the range (the line's technician:
    the one assigned, else the first to clock on; ``technician_id`` None: lines nobody had)."""

    technician_id: int | None
    name: str
    lines: int
    book_hours: int  # thousandths: the lines' quantities
    actual_hours: int  # thousandths: the technician's clock on those orders' labour lines
    efficiency: Decimal | None  # book ÷ actual, %; None: nothing clocked
    comebacks: int  # of their lines, how many a later line names as its comeback_of
    comeback_rate: Decimal | None  # comebacks ÷ lines, %


@dataclass(frozen=True)
class StatusTime:
    """Hours orders spent in one status (an order in it twice counts its two stays together)."""

    status: str
    label: str
    orders: int  # orders checked in in the range that were in this status
    average_hours: int  # thousandths
    median_hours: int  # thousandths


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    orders: int  # every order in this status now, whenever it came in


@dataclass(frozen=True)
class AuthorizationFigures:
    """Lines the customer answered for, by how they answered the last time (``method`` "" : all)."""

    method: str
    label: str
    offered: int
    offered_value: int
    approved: int
    approved_value: int
    declined: int
    declined_value: int

    @property
    def approval_rate(self) -> Decimal | None:
        return percent(self.approved, self.offered)

    @property
    def value_rate(self) -> Decimal | None:
        return percent(self.approved_value, self.offered_value)


@dataclass(frozen=True)
class RevenueLine:
    """Invoiced workshop revenue of one kind of line (warranty work at zero is apart)."""

    kind: str
    label: str
    lines: int
    net: int
    tax: int

    @property
    def gross(self) -> int:
        return self.net + self.tax


@dataclass(frozen=True)
class WarrantyFigures:
    """Work done under an earlier line's warranty, invoiced at zero: what it cost the shop."""

    lines: int
    labour_hours: int  # thousandths
    parts_cost: int  # minor units, at the cost the parts were issued at


@dataclass(frozen=True)
class WorkshopReport:
    start: date
    end: date  # inclusive
    currency: str
    orders_delivered: int
    orders_checked_in: int
    technicians: tuple[TechnicianFigures, ...]
    status_times: tuple[StatusTime, ...]
    status_counts: tuple[StatusCount, ...]
    authorizations: tuple[AuthorizationFigures, ...]  # one per method, the methods in METHODS order
    reauthorized: int  # lines approved more than once, or approved after an answer to an earlier version
    revenue: tuple[RevenueLine, ...]  # labour, part, sublet, other
    warranty: WarrantyFigures
    made_at: datetime

    @property
    def authorization_total(self) -> AuthorizationFigures:
        rows = self.authorizations
        return AuthorizationFigures("", _("All"), *(sum(getattr(r, name) for r in rows) for name in (
            "offered", "offered_value", "approved", "approved_value", "declined", "declined_value")))

    @property
    def revenue_total(self) -> RevenueLine:
        return RevenueLine("", _("Total"), sum(r.lines for r in self.revenue), sum(r.net for r in self.revenue),
                           sum(r.tax for r in self.revenue))

    @property
    def technician_total(self) -> TechnicianFigures:
        rows = self.technicians
        lines, book, actual = (sum(r.lines for r in rows), sum(r.book_hours for r in rows),
                               sum(r.actual_hours for r in rows))
        comebacks = sum(r.comebacks for r in rows)
        return TechnicianFigures(None, _("All"), lines, book, actual, percent(book, actual), comebacks,
                                 percent(comebacks, lines))


# --- arithmetic on plain values --------------------------------------------------------------------------

def percent(part: int, whole: int) -> Decimal | None:
    """``part`` ÷ ``whole`` as a percentage with one decimal (half up); None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def hours(seconds: float) -> int:
    """Seconds as thousandths of an hour (half up)."""
    return int((Decimal(str(seconds)) / Decimal("3.6")).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def median(values: list[float]) -> float:
    """The middle value (the two middle ones averaged); 0 for none."""
    if not values:
        return 0
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _stamp(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _utc(day: date) -> datetime:
    """The shop's local midnight starting ``day`` as the services store times (naive UTC)."""
    return datetime.combine(day, time()).astimezone(UTC).replace(tzinfo=None)


# --- the four reports ------------------------------------------------------------------------------------

def _delivered_orders(start: datetime, end: datetime) -> list[tuple[int, int | None]]:
    return list(RepairOrder.select(RepairOrder.id, RepairOrder.sale)
                .where(RepairOrder.delivered_at.is_null(False) & (RepairOrder.delivered_at >= start)
                       & (RepairOrder.delivered_at < end)).tuples())


def technician_figures(order_ids: list[int]) -> list[TechnicianFigures]:
    """Productivity over the labour lines of ``order_ids`` (delivered orders): the line's technician
    is credited its book hours; each technician's clocked time is what they clocked on those lines
    (clock entries still running are left out: a delivered order has none)."""
    if not order_ids:
        return []
    lines = list(JobLine.select(JobLine.id, JobLine.technician, JobLine.qty)
                 .where(JobLine.order.in_(order_ids) & (JobLine.kind == "labour") & (JobLine.status == "active"))
                 .tuples())
    if not lines:
        return []
    line_ids = [line_id for line_id, _tech, _qty in lines]
    came_back = {line_id for (line_id,) in JobLine.select(JobLine.comeback_of)
                 .where(JobLine.comeback_of.in_(line_ids) & (JobLine.status != "removed")).distinct().tuples()}
    seconds: dict[int | None, float] = defaultdict(float)
    for technician, on_at, off_at in (LabourClock.select(LabourClock.technician, LabourClock.on_at, LabourClock.off_at)
                                      .where(LabourClock.line.in_(line_ids) & LabourClock.off_at.is_null(False))
                                      .tuples()):
        seconds[technician] += max((_stamp(off_at) - _stamp(on_at)).total_seconds(), 0.0)
    figures: dict[int | None, list[int]] = defaultdict(lambda: [0, 0, 0])  # lines, book, comebacks
    for line_id, technician, qty in lines:
        row = figures[technician]
        row[0] += 1
        row[1] += int(qty)
        row[2] += line_id in came_back
    for technician in seconds:
        figures.setdefault(technician, [0, 0, 0])
    names = dict(AppUser.select(AppUser.id, AppUser.display_name)
                 .where(AppUser.id.in_([t for t in figures if t is not None])).tuples()) if figures else {}
    result = []
    for technician, (count, book, comebacks) in figures.items():
        actual = hours(seconds.get(technician, 0.0))
        result.append(TechnicianFigures(technician, names.get(technician, _(NO_TECHNICIAN)) if technician else
                                        _(NO_TECHNICIAN), count, book, actual, percent(book, actual), comebacks,
                                        percent(comebacks, count)))
    result.sort(key=lambda r: (r.technician_id is None, r.name.lower(), r.technician_id or 0))
    return result


def status_times(order_ids: list[int], until: datetime) -> list[StatusTime]:
    """From each order's status history: a status lasts until the order's next event, the current
    one until ``until`` (now) — except the final ones (follow-up done, cancelled), which end the
    story. An order's stays in one status are added up; the average and median are over orders."""
    per_order: dict[tuple[int, str], float] = defaultdict(float)
    if order_ids:
        events = (RepairOrderEvent.select(RepairOrderEvent.order, RepairOrderEvent.at, RepairOrderEvent.status)
                  .where(RepairOrderEvent.order.in_(order_ids))
                  .order_by(RepairOrderEvent.order, RepairOrderEvent.at, RepairOrderEvent.id).tuples())
        previous: tuple[int, datetime, str] | None = None
        for order_id, at, status in [*events, (None, None, None)]:
            if previous is not None:
                last_order, last_at, last_status = previous
                if order_id == last_order:
                    per_order[(last_order, last_status)] += (_stamp(at) - last_at).total_seconds()
                elif last_status not in FINAL_STATUSES:
                    per_order[(last_order, last_status)] += max((until - last_at).total_seconds(), 0.0)
            previous = (order_id, _stamp(at), status) if order_id is not None else None
    by_status: dict[str, list[float]] = defaultdict(list)
    for (_order, status), spent in per_order.items():
        by_status[status].append(spent)
    return [StatusTime(status, _(STATUS_LABELS[status]), len(spans), hours(sum(spans) / len(spans)),
                       hours(median(spans)))
            for status in STATUS_LABELS if status not in FINAL_STATUSES and (spans := by_status.get(status))]


def status_counts() -> list[StatusCount]:
    """Every order by its status now (all statuses, zero included, in the workflow's order)."""
    counts = dict(RepairOrder.select(RepairOrder.status, fn.COUNT(RepairOrder.id))
                  .group_by(RepairOrder.status).tuples())
    return [StatusCount(status, _(label), int(counts.get(status, 0))) for status, label in STATUS_LABELS.items()]


def authorization_figures(order_ids: list[int]) -> tuple[list[AuthorizationFigures], int]:
    """The lines of ``order_ids`` the customer answered for: each counted once, by its latest
    answer (decision, method, amount). Plus how many needed re-authorization: approved more than
    once, or approved after an answer given to an earlier version."""
    latest: dict[int, tuple[str, str, int]] = {}
    history: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if order_ids:
        rows = (JobAuthorization.select(JobAuthorization.line, JobAuthorization.version, JobAuthorization.decision,
                                        JobAuthorization.method, JobAuthorization.amount)
                .join(JobLine, on=(JobAuthorization.line == JobLine.id))
                .where(JobLine.order.in_(order_ids)).order_by(JobAuthorization.id).tuples())
        for line_id, version, decision, method, amount in rows:
            latest[line_id] = (decision, method, int(amount))
            history[line_id].append((int(version), decision))
    sums: dict[str, list[int]] = {method: [0] * 6 for method in METHODS}
    for decision, method, amount in latest.values():
        row = sums.setdefault(method, [0] * 6)
        row[0] += 1
        row[1] += amount
        slot = 2 if decision == "approved" else 4
        row[slot] += 1
        row[slot + 1] += amount
    reauthorized = 0
    for answers in history.values():
        approvals = [version for version, decision in answers if decision == "approved"]
        first_version = answers[0][0]
        if len(approvals) > 1 or any(version > first_version for version in approvals):
            reauthorized += 1
    figures = [AuthorizationFigures(method, _(METHODS[method]) if method in METHODS else method, *values)
               for method, values in sums.items()]
    return figures, reauthorized


def revenue_figures(orders: list[tuple[int, int | None]]) -> tuple[list[RevenueLine], WarrantyFigures]:
    """The invoices of ``orders`` (id, sale id) by kind of line.

    An invoice line is matched to its job line by position: ``services.workshop.deliver`` writes
    one invoice line per active job line, in line order, and a delivered order's lines cannot
    change any more — so the k-th invoice line is the k-th active job line, whatever its unit or
    description. (The invoice's own columns cannot tell a sublet from other charges, nor a labour
    line from a part sold by the hour.) Should an invoice not have as many lines as its order, its
    lines fall back to what they show: a part number is a part, an hourly unit labour, the rest
    other; "(warranty)" at the end marks warranty work."""
    sale_of = {order_id: sale_id for order_id, sale_id in orders if sale_id is not None}
    sums = {kind: [0, 0, 0] for kind in KINDS}  # lines, net, tax
    warranty = [0, 0, 0]  # lines, labour hours, parts cost (thousandths × minor)
    if not sale_of:
        return [RevenueLine(kind, _(label), 0, 0, 0) for kind, label in KINDS.items()], WarrantyFigures(0, 0, 0)
    jobs: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for order_id, kind, warranty_work in (JobLine.select(JobLine.order, JobLine.kind, JobLine.warranty_work)
                                          .where(JobLine.order.in_(list(sale_of)) & (JobLine.status == "active"))
                                          .order_by(JobLine.order, JobLine.line_no).tuples()):
        jobs[order_id].append((kind, bool(warranty_work)))
    invoices: dict[int, list[tuple]] = defaultdict(list)
    for row in (SaleLine.select(SaleLine.sale, SaleLine.line_no, SaleLine.part, SaleLine.unit, SaleLine.description,
                                SaleLine.qty, SaleLine.unit_cost, SaleLine.net, SaleLine.tax)
                .where(SaleLine.sale.in_(list(sale_of.values()))).order_by(SaleLine.sale, SaleLine.line_no).tuples()):
        invoices[row[0]].append(row[2:])
    for order_id, sale_id in sale_of.items():
        lines = invoices.get(sale_id, [])
        matched = jobs.get(order_id, [])
        if len(matched) != len(lines):
            matched = [("part" if part_id is not None else "labour" if unit == LABOUR_UNIT else "other",
                        description.rstrip().endswith(WARRANTY_MARK))
                       for part_id, unit, description, *_rest in lines]
        for (kind, warranty_work), (_part, _unit, _description, qty, unit_cost, net, tax) in zip(
                matched, lines, strict=True):
            if warranty_work:
                warranty[0] += 1
                if kind == "labour":
                    warranty[1] += int(qty)
                elif kind == "part":
                    warranty[2] += int(qty) * int(unit_cost)
                continue
            row = sums[kind]
            row[0] += 1
            row[1] += int(net)
            row[2] += int(tax)
    return ([RevenueLine(kind, _(KINDS[kind]), *values) for kind, values in sums.items()],
            WarrantyFigures(warranty[0], warranty[1], round_minor(Decimal(warranty[2]) / 1000)))


def workshop_report(actor: Actor, *, start: date, end: date) -> WorkshopReport:
    """The four workshop reports for the shop's days ``start`` to ``end`` (both included). Reads
    only; needs ``workshop.setup`` (a manager). Bad dates raise ``ValidationError``."""
    require(actor, PERMISSION)
    problems = {}
    if not isinstance(start, date) or isinstance(start, datetime):
        problems["start"] = _("Give the first day of the report as a date.")
    if not isinstance(end, date) or isinstance(end, datetime):
        problems["end"] = _("Give the last day of the report as a date.")
    if not problems:
        if end < start:
            problems["end"] = _("The last day comes before the first: swap them.")
        elif (end - start).days + 1 > RANGE_MAX_DAYS:
            problems["end"] = _("A report covers at most {days} days: choose a shorter range.").format(
                days=RANGE_MAX_DAYS)
    if problems:
        raise ValidationError(problems)
    since, until = _utc(start), _utc(end + timedelta(days=1))
    stamp = now()
    delivered = _delivered_orders(since, until)
    checked_in = [order_id for (order_id,) in RepairOrder.select(RepairOrder.id).where(
        (RepairOrder.checked_in_at >= since) & (RepairOrder.checked_in_at < until)).tuples()]
    authorizations, reauthorized = authorization_figures(checked_in)
    revenue, warranty = revenue_figures(delivered)
    return WorkshopReport(
        start=start, end=end, currency=settings.get("shop.currency"), orders_delivered=len(delivered),
        orders_checked_in=len(checked_in),
        technicians=tuple(technician_figures([order_id for order_id, _sale in delivered])),
        status_times=tuple(status_times(checked_in, stamp)), status_counts=tuple(status_counts()),
        authorizations=tuple(authorizations), reauthorized=reauthorized, revenue=tuple(revenue), warranty=warranty,
        made_at=stamp)


__all__ = ["AuthorizationFigures", "PERMISSION", "RevenueLine", "StatusCount", "StatusTime", "TechnicianFigures",
           "WarrantyFigures", "WorkshopReport", "authorization_figures", "hours", "median", "percent",
           "revenue_figures", "status_counts", "status_times", "technician_figures", "workshop_report"]
