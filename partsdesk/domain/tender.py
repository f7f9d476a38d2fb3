"""Paying for a sale, and counting the drawer: rules that need no database.

- **Tender.** A sale's total is paid by any mix of cash, card, on account, prepaid balance and
  member points. Non-cash payments are applied first, in the order given, and none may be more
  than what is left to pay; cash pays the rest and only cash may be more than that, the excess
  being the change. Card payments carry the card terminal's reference. Points are worth
  ``point_value`` minor units each. When the shop rounds cash to its smallest coin
  (``cash_rounding``, e.g. 10 fen), what cash must pay is rounded to a multiple of it, halves away
  from zero, and the difference is the settlement's ``rounding`` (the invoice's rounding line).
  Always: tendered = paid + change; and once settled, paid = total + rounding.
- **Cash-up.** Expected cash = opening float + cash sales - cash refunds + paid in - paid out,
  where cash sales are what cash paid (tendered less change). Over/short = counted - expected:
  positive is over. An odd figure is flagged, never a reason to refuse closing the day.

Money is integer minor units (see ``money``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import MONEY_MAX, format_money, round_minor
from partsdesk.i18n import N_, _

CASH, CARD, ON_ACCOUNT, PREPAID, POINTS = "cash", "card", "on_account", "prepaid", "points"
METHODS = (CASH, CARD, ON_ACCOUNT, PREPAID, POINTS)
METHOD_LABELS = {CASH: N_("Cash"), CARD: N_("Card"), ON_ACCOUNT: N_("On account"), PREPAID: N_("Prepaid"),
                 POINTS: N_("Points")}
# "Cash amount" and so on: the amount of a payment as its message names it
_AMOUNT_LABELS = {CASH: N_("Cash amount"), CARD: N_("Card amount"), ON_ACCOUNT: N_("On account amount"),
                  PREPAID: N_("Prepaid amount"), POINTS: N_("Points amount")}
REFERENCE_MAX = 60


def _amount(value: object, *, field: str, label: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: _("{label}: a whole number of minor units is needed.").format(label=_(label))})
    if value < minimum:
        raise ValidationError({field: _("{label} cannot be less than {minimum}.").format(label=_(label),
                                                                                         minimum=minimum)
                               if minimum else _("{label} cannot be negative.").format(label=_(label))})
    if value > MONEY_MAX:
        raise ValidationError({field: _("{label} is too large.").format(label=_(label))})
    return value


# --- tender --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Payment:
    """One payment offered at the till. ``amount`` in minor units (for cash: what the customer
    handed over); a points payment gives ``points`` instead and no amount. Raises
    ``ValidationError`` naming the field for a payment that cannot be taken as given."""

    method: str
    amount: int = 0
    reference: str = ""  # card: the card terminal's reference, from the slip
    points: int = 0  # points: how many are redeemed

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValidationError({"method": _("Payment method: one of {methods}, not {given!r}.").format(
                methods=", ".join(METHODS), given=str(self.method)[:20])})
        reference = self.reference.strip() if isinstance(self.reference, str) else self.reference
        if not isinstance(reference, str) or len(reference) > REFERENCE_MAX or not reference.isprintable():
            raise ValidationError({"reference": _("Card reference: up to {most} printable characters.").format(
                most=REFERENCE_MAX)})
        object.__setattr__(self, "reference", reference)
        if self.method == POINTS:
            _amount(self.points, field="points", label=N_("Points"), minimum=1)
            if self.amount:
                raise ValidationError({"amount": _("A points payment gives the number of points, not an amount.")})
            return
        _amount(self.amount, field="amount", label=_AMOUNT_LABELS[self.method], minimum=1)
        if self.points:
            raise ValidationError({"points": _("Only a points payment redeems points.")})
        if self.method == CARD and not reference:
            raise ValidationError({"reference": _("A card payment needs the reference from the card terminal's "
                                                  "slip.")})

    def value(self, point_value: int) -> int:
        """What the payment is worth, in minor units."""
        return self.points * point_value if self.method == POINTS else self.amount


@dataclass(frozen=True)
class AppliedPayment:
    """A payment as the sale keeps it: ``tendered`` what was offered (money), ``kept`` what pays
    the sale (for cash, tendered less its share of the change)."""

    index: int  # its place in the payments given
    method: str
    tendered: int
    kept: int
    reference: str = ""
    points: int = 0


@dataclass(frozen=True)
class Settlement:
    total: int
    paid_by_method: dict[str, int]  # method -> kept, in METHODS order, methods used only
    change: int  # cash handed back
    remaining: int  # still to pay (0 when paid)
    rounding: int  # cash rounding: cash_due less what was left for cash to pay (0 without cash)
    cash_due: int  # what cash must pay after the other payments, rounded to the coin
    points_redeemed: int
    applied: tuple[AppliedPayment, ...]
    problems: dict[str, str] = field(default_factory=dict)  # field -> message; "remaining" while unpaid

    @property
    def settled(self) -> bool:
        return not self.problems

    @property
    def tendered(self) -> int:
        return sum(p.tendered for p in self.applied)

    @property
    def paid(self) -> int:
        return sum(self.paid_by_method.values())

    def require_settled(self) -> None:
        """Raise ``ValidationError`` with every problem unless the sale is fully and properly paid."""
        if self.problems:
            raise ValidationError(self.problems)


def round_to_coin(amount: int, coin: int) -> int:
    """``amount`` rounded to a multiple of ``coin`` minor units, halves away from zero (0: as is)."""
    if coin <= 1:
        return amount
    return round_minor(Decimal(amount) / coin) * coin


def settle(total: int, payments: Sequence[Payment], *, point_value: int = 1, cash_rounding: int = 0,
           prepaid_balance: int | None = None, points_balance: int | None = None,
           exponent: int = 2) -> Settlement:
    """How ``payments`` pay a sale of ``total`` minor units (see the module's rules).

    ``point_value``: minor units one point is worth. ``cash_rounding``: the smallest coin in minor
    units (0 or 1: none; 10 rounds CNY cash to 0.10). ``prepaid_balance`` and ``points_balance``,
    when given, are the customer's and may not be exceeded. Problems are reported, not raised,
    so the till can show them while the cashier adds payments; ``require_settled`` raises them.
    Raises ``ValidationError`` only for a negative total or a bad setting.
    """
    _amount(total, field="total", label=N_("Total"))
    _amount(point_value, field="point_value", label=N_("Point value"))
    _amount(cash_rounding, field="cash_rounding", label=N_("Cash rounding"))

    def money(value: int) -> str:
        return format_money(value, exponent=exponent)

    problems: dict[str, str] = {}
    paid = dict.fromkeys(sorted({p.method for p in payments}, key=METHODS.index), 0)
    applied: list[AppliedPayment] = []
    left = total
    for index, payment in enumerate(payments):
        if payment.method == CASH:
            continue
        value = payment.value(point_value)
        where = f"payments.{index}"
        if value > left or (payment.method == POINTS and point_value == 0):
            label = _(METHOD_LABELS[payment.method])
            if payment.method == POINTS and point_value == 0:
                problems[where] = _("Points cannot pay: the shop's point value is 0.")
            elif left <= 0:
                problems[where] = _("Nothing is left to pay: remove the {method} payment of {amount}.").format(
                    method=label.lower(), amount=money(value))
            elif payment.method == POINTS:
                most = left // point_value if point_value else 0
                problems[where] = _("{points:,} points ({amount}) are more than the {left} "
                                    "left to pay: redeem at most {most:,} points.").format(
                    points=payment.points, amount=money(value), left=money(left), most=most)
            else:
                problems[where] = _("{method} {amount} is more than the {left} left to pay: "
                                    "only cash can be more (it gives change).").format(
                    method=label, amount=money(value), left=money(left))
        left -= value
        paid[payment.method] += value
        applied.append(AppliedPayment(index, payment.method, value, value, payment.reference, payment.points))
    if prepaid_balance is not None and paid.get(PREPAID, 0) > prepaid_balance:
        problems.setdefault("prepaid", _("Prepaid {amount} is more than the customer's prepaid "
                                         "balance of {balance}.").format(amount=money(paid[PREPAID]),
                                                                         balance=money(prepaid_balance)))
    points_redeemed = sum(p.points for p in payments if p.method == POINTS)
    if points_balance is not None and points_redeemed > points_balance:
        problems.setdefault("points", _("{points:,} points are more than the customer's "
                                        "{balance:,} points.").format(points=points_redeemed,
                                                                      balance=points_balance))

    left = max(left, 0)
    cash_due = round_to_coin(left, cash_rounding)
    cash = [(index, p) for index, p in enumerate(payments) if p.method == CASH]
    change = rounding = 0
    remaining = left
    if cash:
        rounding = cash_due - left
        due = cash_due
        for index, payment in cash:
            kept = min(payment.amount, due)
            due -= kept
            paid[CASH] += kept
            change += payment.amount - kept
            applied.append(AppliedPayment(index, CASH, payment.amount, kept))
        remaining = due
    if remaining > 0:
        problems["remaining"] = _("Still to pay: {amount}.").format(amount=money(remaining))
    applied.sort(key=lambda a: a.index)
    return Settlement(total=total, paid_by_method=paid, change=change, remaining=remaining, rounding=rounding,
                      cash_due=cash_due, points_redeemed=points_redeemed, applied=tuple(applied), problems=problems)


# --- cash-up -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CashUp:
    expected: int
    counted: int
    over_short: int  # counted - expected: positive over, negative short
    message: str  # "Balanced.", "Over by 1.00." or "Short by 2.50."
    anomalies: tuple[str, ...] = ()  # figures to look into; they never stop the day closing


def cash_up(*, opening_float: int, cash_sales: int, cash_refunds: int, cash_paid_in: int, cash_paid_out: int,
            counted: int, exponent: int = 2) -> CashUp:
    """The drawer's expected cash against what was counted (blind) at the end of the day.

    Every figure is minor units, 0 or more; ``cash_sales`` is what cash paid of the day's sales
    (tendered less change), ``cash_refunds`` the cash handed back on returns. Raises
    ``ValidationError`` naming the figure that is not a whole amount of 0 or more.
    """
    figures = {"opening_float": (N_("Opening float"), opening_float), "cash_sales": (N_("Cash sales"), cash_sales),
               "cash_refunds": (N_("Cash refunds"), cash_refunds), "cash_paid_in": (N_("Cash paid in"), cash_paid_in),
               "cash_paid_out": (N_("Cash paid out"), cash_paid_out), "counted": (N_("Counted cash"), counted)}
    for name, (label, value) in figures.items():
        _amount(value, field=name, label=label)
    expected = opening_float + cash_sales - cash_refunds + cash_paid_in - cash_paid_out
    over_short = counted - expected
    if over_short == 0:
        message = _("Balanced.")
    elif over_short > 0:
        message = _("Over by {amount}.").format(amount=format_money(over_short, exponent=exponent))
    else:
        message = _("Short by {amount}.").format(amount=format_money(-over_short, exponent=exponent))
    anomalies = []
    if expected < 0:
        anomalies.append(_("Expected cash is below zero ({amount}): more cash "
                           "went out than the float and the sales brought in. Check the refunds and "
                           "paid-outs.").format(amount=format_money(expected, exponent=exponent)))
    return CashUp(expected, counted, over_short, message, tuple(anomalies))


@dataclass(frozen=True)
class PaymentTotals:
    by_method: dict[str, int]  # METHODS order, then any other method by name
    count_by_method: dict[str, int]
    total: int


def payment_totals(entries: Iterable[tuple[str, int]]) -> PaymentTotals:
    """The X/Z report's takings by payment method from (method, amount) pairs; a refund is a
    negative amount. A method not in ``METHODS`` (from an older version, say) keeps its own line
    rather than stopping the report."""
    by_method: dict[str, int] = {}
    counts: dict[str, int] = {}
    for position, entry in enumerate(entries):
        method, amount = entry if isinstance(entry, tuple | list) and len(entry) == 2 else (None, None)
        if isinstance(amount, bool) or not isinstance(amount, int) or not isinstance(method, str):
            raise ValidationError({f"entries.{position}": _("Payment {number}: a method name and a whole "
                                                            "amount of minor units are needed.").format(
                number=position + 1)})
        by_method[method] = by_method.get(method, 0) + amount
        counts[method] = counts.get(method, 0) + 1
    order = sorted(by_method, key=lambda m: (METHODS.index(m), "") if m in METHODS else (len(METHODS), m))
    return PaymentTotals({m: by_method[m] for m in order}, {m: counts[m] for m in order}, sum(by_method.values()))
