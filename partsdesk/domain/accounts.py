"""The customer file's money rules that need no database: A/B/C classes, the ageing of open
items, and how a payment on account is spread over open invoices.

- Classes look at the last 12 months. A: revenue *and* visits reach A's thresholds; B: revenue
  *or* visits reach B's; else C. Reaching a threshold exactly counts. Paying badly (late on
  average, or an overdue balance above a share of the revenue) costs one class, never below C.
  The decision carries its reason, so a manager can check it.
- Ageing counts days past the due date: not yet due or due today is current, then 1–30, 31–60,
  61–90 and 90+ days. A credit note (a negative open amount) is aged like an invoice; the buckets
  always add up to the total.
- A payment on account pays open invoices oldest first (due date, then issue date, then number)
  or only the documents the customer names, in their order. No invoice gets more than is open on
  it, credit notes are not paid, and what is left stays on the account as a credit.

Amounts are integer minor units (see ``money``); dates are plain ``date`` values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import BP_SCALE, format_bp, format_money
from partsdesk.i18n import N_, _

CLASSES = ("A", "B", "C")

# --- classes -------------------------------------------------------------------------------------

_THRESHOLD_LABELS = {
    "a_revenue": N_("Class A revenue"), "a_visits": N_("Class A visits"), "b_revenue": N_("Class B revenue"),
    "b_visits": N_("Class B visits"), "late_days": N_("Days late"), "overdue_share_bp": N_("Overdue share"),
}


@dataclass(frozen=True)
class ClassThresholds:
    """What makes an A or B customer over the last 12 months; the defaults suit a small shop.
    Raises ``ValidationError`` (one message per field) for thresholds that cannot work."""

    a_revenue: int = 5_000_000  # minor units: 50,000.00
    a_visits: int = 12
    b_revenue: int = 1_000_000  # 10,000.00
    b_visits: int = 6
    late_days: int = 30  # paying later than this on average costs one class
    overdue_share_bp: int = 2_000  # an overdue amount above this share of the revenue costs one class

    def __post_init__(self) -> None:
        problems = {name: _("{label} cannot be negative.").format(label=_(label))
                    for name, label in _THRESHOLD_LABELS.items() if getattr(self, name) < 0}
        if self.a_revenue < self.b_revenue:
            problems.setdefault("a_revenue", _("Class A needs at least class B's revenue "
                                               "({revenue}).").format(revenue=format_money(self.b_revenue)))
        if self.a_visits < self.b_visits:
            problems.setdefault("a_visits", _("Class A needs at least class B's visits ({visits}).").format(
                visits=self.b_visits))
        if self.overdue_share_bp > BP_SCALE:
            problems["overdue_share_bp"] = _("The overdue share is at most 100 %.")
        if problems:
            raise ValidationError(problems)


@dataclass(frozen=True)
class CustomerActivity:
    revenue_12m: int  # minor units, net of credit notes
    visits_12m: int
    overdue_amount: int = 0  # minor units past their due date today
    average_days_late: int = 0  # whole days, over the invoices paid in the 12 months


@dataclass(frozen=True)
class ClassDecision:
    grade: str  # "A", "B" or "C"
    reason: str  # the rules that decided, e.g. "revenue 52,000.00 ≥ 50,000.00 and 14 visits ≥ 12"


def _visits(count: int) -> str:
    return f"{count} visit" if count == 1 else f"{count} visits"


def customer_class(activity: CustomerActivity, thresholds: ClassThresholds) -> ClassDecision:
    """The customer's class and the reason, in words a manager can check against the figures."""
    revenue, visits, overdue = activity.revenue_12m, activity.visits_12m, activity.overdue_amount
    t = thresholds
    shown = f"revenue {format_money(revenue)}"
    if revenue >= t.a_revenue and visits >= t.a_visits:
        grade, rules = "A", [f"{shown} ≥ {format_money(t.a_revenue)}", f"{_visits(visits)} ≥ {t.a_visits}"]
    elif revenue >= t.b_revenue or visits >= t.b_visits:
        grade, rules = "B", []
        if revenue >= t.b_revenue:
            rules.append(f"{shown} ≥ {format_money(t.b_revenue)}")
        if visits >= t.b_visits:
            rules.append(f"{_visits(visits)} ≥ {t.b_visits}")
    else:
        grade, rules = "C", [f"{shown} < {format_money(t.b_revenue)}", f"{_visits(visits)} < {t.b_visits}"]
    reason = " and ".join(rules)
    late = []
    if activity.average_days_late > t.late_days:
        late.append(f"paid late on average {activity.average_days_late} days > {t.late_days}")
    # Cross-multiplied so the share is exact; any overdue amount is too much when there is no revenue.
    if overdue > 0 and overdue * BP_SCALE > t.overdue_share_bp * revenue:
        late.append(f"overdue {format_money(overdue)} > {format_bp(t.overdue_share_bp)} of revenue")
    if late:
        reason += "; " + " and ".join(late)
        if grade == "C":
            reason += ": already the lowest class"
        else:
            grade = CLASSES[CLASSES.index(grade) + 1]
            reason += ": one class down"
    return ClassDecision(grade, reason)


# --- ageing --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenItem:
    """An invoice (positive) or a credit note (negative) with what is still open of it."""

    document: str  # the document's number
    issued: date
    due: date
    open_amount: int  # minor units


BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


@dataclass(frozen=True)
class Ageing:
    buckets: dict[str, int]  # every name of BUCKETS, in that order -> minor units
    total: int


def bucket_of(item: OpenItem, as_of: date) -> str:
    """The ageing bucket of ``item`` on ``as_of``, one of ``BUCKETS``."""
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
    """Open amounts by how long they are past due on ``as_of`` (a statement's ageing line)."""
    buckets = dict.fromkeys(BUCKETS, 0)
    for item in items:
        buckets[bucket_of(item, as_of)] += item.open_amount
    return Ageing(buckets, sum(buckets.values()))


# --- payments on account -------------------------------------------------------------------------

@dataclass(frozen=True)
class Allocation:
    paid: tuple[tuple[str, int], ...]  # (document, minor units) in the order paid; every amount > 0
    unallocated: int  # left on the account as a credit

    @property
    def allocated(self) -> int:
        return sum(amount for _document, amount in self.paid)


def allocate_payment(amount: int, items: Sequence[OpenItem], *,
                     chosen: Sequence[str] | None = None) -> Allocation:
    """Spread a payment of ``amount`` minor units over the customer's open ``items``: oldest first,
    or only the ``chosen`` document numbers in the order given (an empty choice pays nothing and
    leaves it all on account). Raises ``ValidationError`` for an amount not above 0 or a chosen
    document that is not an open invoice."""
    if amount <= 0:
        raise ValidationError({"amount": _("A payment must be more than 0.")})
    invoices = {item.document: item for item in items if item.open_amount > 0}
    if chosen is None:
        order = sorted(invoices.values(), key=lambda item: (item.due, item.issued, item.document))
    else:
        unknown = [document for document in chosen if document not in invoices]
        if unknown:
            raise ValidationError({"chosen": _("Not an open invoice of this customer: {documents}. "
                                               "Choose among the invoices still open.").format(
                documents=", ".join(unknown))})
        # a document named twice is paid once, at its first place
        order = [invoices[document] for document in dict.fromkeys(chosen)]
    paid = []
    left = amount
    for item in order:
        if left == 0:
            break
        share = min(left, item.open_amount)
        paid.append((item.document, share))
        left -= share
    return Allocation(tuple(paid), left)
