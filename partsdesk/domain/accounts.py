"""The customer file's money rules that need no database: A/B/C classes, the ageing of open
items, and how a payment on account is spread over open invoices.

Amounts are integer minor units (see ``money``); dates are plain ``date`` values, so every rule
is tested on fixed dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import format_money

CLASSES = ("A", "B", "C")


# --- classes -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClassThresholds:
    """What makes an A or B customer over the last 12 months (settings hold the shop's own)."""

    a_revenue: int = 5_000_000  # minor units: 50,000.00
    a_visits: int = 12
    b_revenue: int = 1_000_000
    b_visits: int = 6
    late_days: int = 30  # paying later than this on average costs one class
    overdue_share_bp: int = 2_000  # an overdue balance above this share of the revenue costs one class

    def check(self) -> None:
        problems = {}
        if min(self.a_revenue, self.a_visits, self.b_revenue, self.b_visits, self.late_days,
               self.overdue_share_bp) < 0:
            problems["thresholds"] = "Class thresholds cannot be negative."
        elif self.a_revenue < self.b_revenue or self.a_visits < self.b_visits:
            problems["thresholds"] = "Class A needs at least the revenue and the visits of class B."
        elif self.overdue_share_bp > 10_000:
            problems["thresholds"] = "The overdue share is at most 100 %."
        if problems:
            raise ValidationError(problems)


@dataclass(frozen=True)
class CustomerActivity:
    revenue_12m: int  # minor units, net of credit notes
    visits_12m: int
    overdue: int = 0  # minor units past their due date today
    average_days_late: int = 0  # of the invoices paid in the 12 months


@dataclass(frozen=True)
class ClassDecision:
    grade: str  # "A", "B" or "C"
    reason: str  # which rules decided, in words a manager can check


def customer_class(activity: CustomerActivity, thresholds: ClassThresholds | None = None) -> ClassDecision:
    """A: revenue and visits both at A's thresholds; B: revenue or visits at B's; else C. Reaching
    a threshold exactly counts. Paying late (on average, or an overdue share of the revenue) costs
    one class, never below C."""
    thresholds = thresholds or ClassThresholds()
    thresholds.check()
    revenue, visits = activity.revenue_12m, activity.visits_12m
    shown = f"revenue {format_money(revenue)}, {visits} visit(s)"
    if revenue >= thresholds.a_revenue and visits >= thresholds.a_visits:
        grade = "A"
        reason = f"{shown}: at least {format_money(thresholds.a_revenue)} and {thresholds.a_visits} visits"
    elif revenue >= thresholds.b_revenue or visits >= thresholds.b_visits:
        grade = "B"
        reason = f"{shown}: at least {format_money(thresholds.b_revenue)} or {thresholds.b_visits} visits"
    else:
        grade = "C"
        reason = f"{shown}: below {format_money(thresholds.b_revenue)} and {thresholds.b_visits} visits"
    late = []
    if activity.average_days_late > thresholds.late_days:
        late.append(f"paid {activity.average_days_late} days late on average (more than {thresholds.late_days})")
    if activity.overdue > 0 and activity.overdue * 10_000 > thresholds.overdue_share_bp * max(revenue, 0):
        late.append(f"{format_money(activity.overdue)} overdue")
    if late and grade != "C":
        grade = CLASSES[CLASSES.index(grade) + 1]
        reason += "; " + " and ".join(late) + ": one class down"
    elif late:
        reason += "; " + " and ".join(late)
    return ClassDecision(grade, reason)


# --- ageing --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenItem:
    """An invoice (positive) or a credit note (negative) with what is still open of it."""

    document: str
    issued: date
    due: date
    open_amount: int


BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


@dataclass(frozen=True)
class Ageing:
    buckets: dict[str, int]  # BUCKETS -> minor units
    total: int


def bucket_of(item: OpenItem, as_of: date) -> str:
    """Days past due: not yet due or due today is current, then 1–30, 31–60, 61–90, 90+."""
    days = (as_of - item.due).days
    if days <= 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def ageing(items: Sequence[OpenItem], as_of: date) -> Ageing:
    """Open amounts by how long they are past due (a statement's ageing line); the buckets add up
    to the total. A credit note counts by its due date like an invoice (usually its own date)."""
    buckets = dict.fromkeys(BUCKETS, 0)
    for item in items:
        buckets[bucket_of(item, as_of)] += item.open_amount
    return Ageing(buckets, sum(buckets.values()))


# --- payments on account -------------------------------------------------------------------------

@dataclass(frozen=True)
class Allocation:
    paid: list[tuple[str, int]]  # (document, amount) in the order paid
    unallocated: int  # left on the account as a credit


def allocate_payment(amount: int, items: Sequence[OpenItem], *, chosen: Sequence[str] | None = None) -> Allocation:
    """Spread a payment over open invoices: the oldest due first (then issued, then number), or
    only the ``chosen`` documents in the order given. No invoice gets more than is open on it;
    credit notes are not paid; what is left stays on the account."""
    if amount <= 0:
        raise ValidationError({"amount": "A payment is more than 0."})
    invoices = {item.document: item for item in items if item.open_amount > 0}
    if chosen is not None:
        unknown = [document for document in chosen if document not in invoices]
        if unknown:
            raise ValidationError({"chosen": f"Not an open invoice of this customer: {', '.join(unknown)}."})
        order = [invoices[document] for document in dict.fromkeys(chosen)]
    else:
        order = sorted(invoices.values(), key=lambda item: (item.due, item.issued, item.document))
    paid = []
    left = amount
    for item in order:
        if left == 0:
            break
        share = min(left, item.open_amount)
        paid.append((item.document, share))
        left -= share
    return Allocation(paid, left)
