"""The till's day: the opening float, cash paid in and out, voided cart lines, the X report (the
day so far, any time) and the Z report that closes a terminal's day.

- **What a day is.** Every sale, credit note, payment on account, prepaid top-up, cash event
  and void of a terminal belongs to exactly one Z report of that terminal: the first one closed after it was
  committed. ``z_report_item`` (unique ``(kind, ref_id)``) records the claim, so nothing is ever
  counted in two days, and a document committed while a Z runs goes into the next day (writers
  queue on the write lock of ``models.transaction``: the Z reads and claims with the lock held).
- **Finding what is not yet claimed** stays fast on a shop with years of history: each table is
  read through its ``(terminal, at)`` index from the previous Z's ``closed_at`` less
  ``CLAIM_MARGIN`` (a document stamped just before the previous Z but committed after it, or a
  clock set back, still falls in), with ``NOT EXISTS`` on ``z_report_item``.
- **Figures.** Sales by payment method (cash: what cash kept, i.e. tendered less change), refunds
  by method, payments on account by method, prepaid top-ups by method (money taken in at the
  till for a member's balance: its cash part is in the drawer), floats, pay-ins and pay-outs, expected cash
  (``domain.tender.cash_up``), discounts and price changes per cashier, voids per cashier, the
  first and last number of each document series, tax per rate (sales less returns).
- **Anomalies are flagged, never blocking**: a gap in a number series, no opening float,
  expected cash below zero, over or short by more than ``counter.cash_tolerance``, a document
  dated before the previous Z. Closing the day never refuses because of them.
- **A closed day cannot change.** The Z stores its whole report as JSON (``figures``); a reprint
  reads exactly that back (``z_report``), never recomputes it; the tables are append-only.

Money is integer minor units; stamps are naive UTC (``services.clock``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta

from peewee import JOIN, SQL, fn

from partsdesk.domain import tender
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.fields import clean_line
from partsdesk.domain.money import CURRENCIES, MONEY_MAX, format_money, line_amount, parse_money
from partsdesk.domain.permissions import Actor, require
from partsdesk.i18n import N_, _
from partsdesk.models import (
    AccountEntry,
    AppUser,
    CashEvent,
    CounterVoid,
    CreditNote,
    CreditNoteLine,
    CreditNoteRefund,
    PrepaidEntry,
    Sale,
    SaleLine,
    SalePayment,
    ZReport,
    ZReportItem,
    transaction,
)
from partsdesk.services import accounts, audit, cart, membership, numbering, settings
from partsdesk.services.clock import now

CLAIM_MARGIN = timedelta(days=7)
CASH_EVENT_KINDS = {"float": N_("Opening float"), "pay_in": N_("Paid in"), "pay_out": N_("Paid out")}
VOID_KINDS = {"line": N_("Line removed"), "cart": N_("Sale cancelled")}
REASON_MAX = 200
NOTE_MAX = 500
DESCRIPTION_MAX = 200
VOID_LINES_MAX = 500
GAPS_SHOWN = 5
# stored in the Z report as English (its figures are kept as closed): translated where shown
SERIES_LABELS = {"INV": N_("Invoices"), "RC": N_("Receipts"), "CN": N_("Credit notes"),
                 "PAY": N_("Payments on account")}
CLAIM_KINDS = ("sale", "credit_note", "account_payment", "prepaid_top_up", "cash_event", "void")


def _exponent() -> int:
    return CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]


def local_time(at: datetime | None) -> datetime | None:
    """A stored (naive UTC) stamp as this computer's wall clock shows it, for the page and the screen."""
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None) if at is not None else None


# --- the report ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MethodLine:
    """Money taken (or given back) one way: ``count`` documents, ``amount`` minor units."""

    method: str
    label: str
    count: int
    amount: int


@dataclass(frozen=True)
class CashierLine:
    """Per cashier: discounts and price changes (``count`` lines, ``amount`` given away against the
    list price, ``approved`` of them approved by a manager), or voids (``count``, ``amount``)."""

    user: str
    count: int
    amount: int
    approved: int = 0


@dataclass(frozen=True)
class SeriesRange:
    """The first and last number of one document series in the day, and how many were this terminal's."""

    series: str
    label: str
    first: str
    last: str
    count: int


@dataclass(frozen=True)
class TaxLine:
    """One tax rate: sales less returns."""

    rate_bp: int
    net: int
    tax: int
    total: int


@dataclass(frozen=True)
class CashMove:
    """A float, pay-in or pay-out."""

    kind: str
    at: datetime
    user: str
    amount: int
    reason: str


@dataclass(frozen=True)
class CashUpReport:
    """An X report (``kind`` "X": the day so far, nothing closed) or a Z report (``kind`` "Z",
    its ``number``, the counted cash and over/short). Plain values: printing lays it out, the
    Z stores it whole as JSON and reads it back unchanged."""

    kind: str
    number: str
    terminal: str
    currency: str
    exponent: int
    period_from: datetime | None  # the previous Z's close, else the day's first document (UTC)
    period_to: datetime  # when the report was made (the Z: when it closed) (UTC)
    made_by: str
    opening_float: int
    sales_count: int
    sales_net: int
    sales_tax: int
    sales_total: int
    sales_by_method: tuple[MethodLine, ...]
    refunds_count: int
    refunds_total: int
    refunds_by_method: tuple[MethodLine, ...]
    account_payments_count: int
    account_payments_total: int
    account_payments_by_method: tuple[MethodLine, ...]
    paid_in: int
    paid_out: int
    cash_moves: tuple[CashMove, ...]
    cash_sales: int
    cash_refunds: int
    cash_account_payments: int
    expected_cash: int
    counted_cash: int | None
    over_short: int | None
    over_short_message: str
    discounts: tuple[CashierLine, ...]
    voids: tuple[CashierLine, ...]
    documents: tuple[SeriesRange, ...]
    tax_by_rate: tuple[TaxLine, ...]
    anomalies: tuple[str, ...]
    note: str = ""
    claimed: dict[str, int] = field(default_factory=dict)  # kind -> how many documents (a Z: it claimed)
    # Prepaid top-ups taken at this till (schema 7); with defaults, so a Z stored before them reads back.
    prepaid_top_ups_count: int = 0
    prepaid_top_ups_total: int = 0
    prepaid_top_ups_by_method: tuple[MethodLine, ...] = ()
    cash_prepaid_top_ups: int = 0

    @property
    def is_z(self) -> bool:
        return self.kind == "Z"

    @property
    def empty(self) -> bool:
        """Nothing happened at the till in the period."""
        return not any(self.claimed.values())

    def money(self, minor: int) -> str:
        return format_money(minor, exponent=self.exponent)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, default=_iso)

    @classmethod
    def from_json(cls, text: str) -> CashUpReport:
        data = json.loads(text)
        nested = {"sales_by_method": MethodLine, "refunds_by_method": MethodLine,
                  "account_payments_by_method": MethodLine, "prepaid_top_ups_by_method": MethodLine,
                  "cash_moves": CashMove, "discounts": CashierLine,
                  "voids": CashierLine, "documents": SeriesRange, "tax_by_rate": TaxLine}
        values = {}
        for f in fields(cls):
            value = data.get(f.name, f.default)
            if f.name in nested:
                value = tuple(nested[f.name](**_dates(item)) for item in value)
            elif f.name in ("period_from", "period_to") and value:
                value = datetime.fromisoformat(value)
            elif f.name == "anomalies":
                value = tuple(value)
            values[f.name] = value
        return cls(**values)


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    raise TypeError(f"{type(value).__name__} is not JSON")


def _dates(item: dict) -> dict:
    if "at" in item and isinstance(item["at"], str):
        return {**item, "at": datetime.fromisoformat(item["at"])}
    return item


# --- recording at the till ----------------------------------------------------------------------

def _clean_amount(value: object, *, name: str, label: str, allow_zero: bool = False) -> int:
    """Minor units from an int or from what a person typed."""
    if isinstance(value, bool) or value is None:
        raise ValidationError({name: _("{label}: type an amount, e.g. 200.00.").format(label=label)})
    if isinstance(value, int):
        amount = value
    else:
        if not str(value).strip():
            raise ValidationError({name: _("{label}: type an amount, e.g. 200.00.").format(label=label)})
        amount = parse_money(value, exponent=_exponent(), field=name, label=label)
    if amount < 0:
        raise ValidationError({name: _("{label} cannot be negative.").format(label=label)})
    if amount == 0 and not allow_zero:
        raise ValidationError({name: _("{label} must be more than 0.").format(label=label)})
    if amount > MONEY_MAX:
        raise ValidationError({name: _("{label} is too large.").format(label=label)})
    return amount


def record_cash_event(actor: Actor, kind: str, amount: int | str, reason: str = "") -> int:
    """Cash into or out of this terminal's drawer that is not a sale: the opening ``float``, a
    ``pay_in`` or a ``pay_out`` (these two need a ``reason``: "change from the bank", "window
    cleaner"). ``amount``: minor units or text as typed, more than 0. Needs counter.cash_up;
    audited. Returns the event's id. Bad input raises ValidationError and writes nothing."""
    require(actor, "counter.cash_up")
    problems: dict[str, str] = {}
    if kind not in CASH_EVENT_KINDS:
        problems["kind"] = _("Choose what the cash is: {kinds}.").format(
            kinds=", ".join(_(label) for label in CASH_EVENT_KINDS.values()).lower())
    try:
        amount = _clean_amount(amount, name="amount", label=_(CASH_EVENT_KINDS.get(kind, N_("Amount"))))
    except ValidationError as error:
        problems.update(error.problems)
    try:
        reason = clean_line(reason, field="reason", label=_("Reason"), max_length=REASON_MAX, required=False)
    except ValidationError as error:
        problems.update(error.problems)
        reason = ""
    if kind in ("pay_in", "pay_out") and not reason and "reason" not in problems:
        problems["reason"] = (_("Say why the cash was paid in (e.g. change from the bank).") if kind == "pay_in"
                              else _("Say why the cash was paid out (e.g. the window cleaner)."))
    if problems:
        raise ValidationError(problems)
    with transaction():
        event_id = CashEvent.insert(terminal=audit.TERMINAL, at=now(), user=actor.user_id, kind=kind, amount=amount,
                                    reason=reason).execute()
        audit.record(f"cash.{kind}", actor=actor, object_type="cash_event", object_id=event_id, reason=reason,
                     new={"amount": amount, "terminal": audit.TERMINAL})
    return int(event_id)


@dataclass(frozen=True)
class VoidLine:
    """One cart line given up: the part (None: not a catalogue line), what it was, qty in
    thousandths and its amount in minor units as it was priced."""

    part_id: int | None
    description: str
    qty: int
    amount: int


def record_void(actor: Actor, kind: str, lines: Sequence[VoidLine]) -> int:
    """A cart line taken out after it was added (``kind`` "line", one line) or a whole non-empty
    cart cancelled (``kind`` "cart", its lines). One row per line is the record (the Z counts
    them per cashier); not audited line by line. Needs counter.sell. Returns the rows written."""
    require(actor, "counter.sell")
    problems: dict[str, str] = {}
    if kind not in VOID_KINDS:
        problems["kind"] = _("A void is a line taken out or a whole cart cancelled.")
    lines = list(lines or ())
    if not lines:
        problems["lines"] = _("There is nothing to void: the cart is empty.")
    elif len(lines) > VOID_LINES_MAX or (kind == "line" and len(lines) != 1):
        problems["lines"] = _("A line void is one line; a cart void at most 500 lines.")
    rows = []
    for index, line in enumerate(lines if "lines" not in problems else ()):
        qty, amount = getattr(line, "qty", None), getattr(line, "amount", None)
        description = " ".join(str(getattr(line, "description", "") or "").split())[:DESCRIPTION_MAX]
        if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
            problems[f"lines.{index}.qty"] = _("Line {line}: the quantity must be more than 0.").format(line=index + 1)
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MONEY_MAX:
            problems[f"lines.{index}.amount"] = _("Line {line}: the amount is a whole number of minor units, "
                                                   "0 or more.").format(line=index + 1)
        rows.append(dict(part=line.part_id, description=description or "?", qty=qty, amount=amount))
    if problems:
        raise ValidationError(problems)
    stamp = now()
    with transaction():
        for row in rows:
            CounterVoid.insert(terminal=audit.TERMINAL, at=stamp, user=actor.user_id, kind=kind, **row).execute()
    return len(rows)


# --- reading the day ----------------------------------------------------------------------------

@dataclass
class _Day:
    report: CashUpReport
    claims: list[tuple[str, int]]


def _previous_z(terminal: str) -> ZReport | None:
    return (ZReport.select().where(ZReport.terminal == terminal)
            .order_by(ZReport.closed_at.desc(), ZReport.id.desc()).first())


def _unclaimed(model, kind: str, stamp, terminal: str, since: datetime | None, extra=None):
    """The condition for ``model`` rows of ``terminal`` no Z has claimed, read through the
    (terminal, at) index from ``since``."""
    claimed = (ZReportItem.select(SQL("1"))
               .where((ZReportItem.kind == kind) & (ZReportItem.ref_id == model.id)))
    condition = (model.terminal == terminal) & ~fn.EXISTS(claimed)
    if since is not None:
        condition &= stamp >= since
    if extra is not None:
        condition &= extra
    return condition


def _names(user_ids: Iterable[int | None]) -> dict[int | None, str]:
    wanted = {uid for uid in user_ids if uid is not None}
    names: dict[int | None, str] = {None: "Command line"}
    if wanted:
        names.update(AppUser.select(AppUser.id, AppUser.display_name).where(AppUser.id.in_(sorted(wanted))).tuples())
    return names


def _method_lines(entries: Iterable[tuple[str, int]], labels: dict[str, str]) -> tuple[MethodLine, ...]:
    totals = tender.payment_totals(list(entries))
    return tuple(MethodLine(method, labels.get(method, method.replace("_", " ").capitalize()),
                            totals.count_by_method[method], amount) for method, amount in totals.by_method.items())


def _series(number: str) -> str:
    return number.rsplit("-", 1)[0] if "-" in number else ""


def _gaps(series: str, first: str, last: str, table, column) -> list[str]:
    """Numbers of ``series`` between ``first`` and ``last`` that no document of any terminal
    has (a gap-free series shared by all terminals: another terminal's number is no gap)."""
    try:
        low, high = int(first.rsplit("-", 1)[1]), int(last.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return []
    query = table.select(column).where((column >= first) & (column <= last))
    if table is AccountEntry:
        query = query.where(AccountEntry.kind == "payment")
    present = set(query.tuples())
    taken = {int(str(row[0]).rsplit("-", 1)[1]) for row in present if _series(str(row[0])) == series
             and str(row[0]).rsplit("-", 1)[1].isdigit()}
    width = len(first.rsplit("-", 1)[1])
    return [f"{series}-{n:0{width}d}" for n in range(low, high + 1) if n not in taken]


def _read_day(actor: Actor, terminal: str, *, kind: str, at: datetime, counted: int | None = None,
              number: str = "", note: str = "") -> _Day:
    """Everything of ``terminal`` not yet claimed by a Z, as a report (see the module doc)."""
    previous = _previous_z(terminal)
    since = previous.closed_at - CLAIM_MARGIN if previous is not None else None
    exponent = _exponent()
    claims: list[tuple[str, int]] = []
    stamps: list[datetime] = []

    # sales
    sale_where = _unclaimed(Sale, "sale", Sale.at, terminal, since)
    sales = list(Sale.select(Sale.id, Sale.number, Sale.at, Sale.user, Sale.net, Sale.tax, Sale.total)
                 .where(sale_where).order_by(Sale.at, Sale.id).tuples())
    sale_ids = Sale.select(Sale.id).where(sale_where)
    claims += [("sale", row[0]) for row in sales]
    stamps += [row[2] for row in sales]
    payments = list(SalePayment.select(SalePayment.method, SalePayment.amount)
                    .where(SalePayment.sale.in_(sale_ids)).tuples())
    lines = list(SaleLine.select(SaleLine.qty, SaleLine.list_price, SaleLine.unit_price, SaleLine.discount_bp,
                                 SaleLine.tax_rate_bp, SaleLine.net, SaleLine.tax, SaleLine.total,
                                 SaleLine.price_source, SaleLine.approved_by, Sale.user, Sale.prices_include_tax)
                 .join(Sale, on=(SaleLine.sale == Sale.id)).where(SaleLine.sale.in_(sale_ids)).tuples())

    # credit notes
    note_where = _unclaimed(CreditNote, "credit_note", CreditNote.at, terminal, since)
    notes = list(CreditNote.select(CreditNote.id, CreditNote.number, CreditNote.at, CreditNote.total)
                 .where(note_where).order_by(CreditNote.at, CreditNote.id).tuples())
    note_ids = CreditNote.select(CreditNote.id).where(note_where)
    claims += [("credit_note", row[0]) for row in notes]
    stamps += [row[2] for row in notes]
    refunds = list(CreditNoteRefund.select(CreditNoteRefund.method, CreditNoteRefund.amount)
                   .where(CreditNoteRefund.credit_note.in_(note_ids)).tuples())
    returned = list(CreditNoteLine.select(SaleLine.tax_rate_bp, CreditNoteLine.net, CreditNoteLine.tax,
                                          CreditNoteLine.total)
                    .join(SaleLine, on=(CreditNoteLine.sale_line == SaleLine.id))
                    .where(CreditNoteLine.credit_note.in_(note_ids)).tuples())

    # payments on account taken at this till
    entries = list(AccountEntry.select(AccountEntry.id, AccountEntry.document, AccountEntry.posted_at,
                                       AccountEntry.method, AccountEntry.amount)
                   .where(_unclaimed(AccountEntry, "account_payment", AccountEntry.posted_at, terminal, since,
                                     AccountEntry.kind == "payment"))
                   .order_by(AccountEntry.posted_at, AccountEntry.id).tuples())
    claims += [("account_payment", row[0]) for row in entries]
    stamps += [row[2] for row in entries]

    # prepaid top-ups taken at this till (a spend at the counter is a sale's payment, not money in)
    top_ups = list(PrepaidEntry.select(PrepaidEntry.id, PrepaidEntry.at, PrepaidEntry.method, PrepaidEntry.amount)
                   .where(_unclaimed(PrepaidEntry, "prepaid_top_up", PrepaidEntry.at, terminal, since,
                                     PrepaidEntry.kind == membership.TOP_UP))
                   .order_by(PrepaidEntry.at, PrepaidEntry.id).tuples())
    claims += [("prepaid_top_up", row[0]) for row in top_ups]
    stamps += [row[1] for row in top_ups]

    # floats, pay-ins, pay-outs; voids
    events = list(CashEvent.select(CashEvent.id, CashEvent.kind, CashEvent.at, CashEvent.user, CashEvent.amount,
                                   CashEvent.reason)
                  .where(_unclaimed(CashEvent, "cash_event", CashEvent.at, terminal, since))
                  .order_by(CashEvent.at, CashEvent.id).tuples())
    claims += [("cash_event", row[0]) for row in events]
    stamps += [row[2] for row in events]
    voids = list(CounterVoid.select(CounterVoid.id, CounterVoid.at, CounterVoid.user, CounterVoid.amount)
                 .where(_unclaimed(CounterVoid, "void", CounterVoid.at, terminal, since))
                 .order_by(CounterVoid.at, CounterVoid.id).tuples())
    claims += [("void", row[0]) for row in voids]
    stamps += [row[1] for row in voids]

    names = _names([actor.user_id] + [row[3] for row in sales] + [row[10] for row in lines] +
                   [row[3] for row in events] + [row[2] for row in voids])

    # money by method
    sales_by_method = _method_lines(payments, tender.METHOD_LABELS)
    refunds_by_method = _method_lines(refunds, tender.METHOD_LABELS)
    account_by_method = _method_lines(((method or "other", -amount) for __, __, __, method, amount in entries),
                                      accounts.PAYMENT_METHODS)
    cash_sales = sum(amount for method, amount in payments if method == tender.CASH)
    cash_refunds = sum(amount for method, amount in refunds if method == tender.CASH)
    cash_account = sum(-amount for __, __, __, method, amount in entries if method == "cash")
    top_up_by_method = _method_lines(((method or "other", amount) for __, __, method, amount in top_ups),
                                     membership.TOP_UP_METHODS)
    cash_top_ups = sum(amount for __, __, method, amount in top_ups if method == "cash")
    opening_float = sum(row[4] for row in events if row[1] == "float")
    paid_in = sum(row[4] for row in events if row[1] == "pay_in")
    paid_out = sum(row[4] for row in events if row[1] == "pay_out")
    drawer = tender.cash_up(opening_float=opening_float, cash_sales=cash_sales, cash_refunds=cash_refunds,
                            cash_paid_in=paid_in + cash_account + cash_top_ups, cash_paid_out=paid_out,
                            counted=counted if counted is not None else 0, exponent=exponent)

    # discounts and typed prices per cashier: the cashier's own (not a member's discount or a
    # quote's held price), counted against the tier's list price
    given: dict[str, list[int]] = {}
    for (qty, list_price, _unit_price, _discount_bp, _rate, net, _tax, total, source, approved_by, user,
         include_tax) in lines:
        if source not in cart.CASHIER_PRICES:
            continue
        sums = given.setdefault(names.get(user, "?"), [0, 0, 0])
        sums[0] += 1
        sums[1] += line_amount(list_price, qty) - (total if include_tax else net)
        sums[2] += 1 if approved_by is not None else 0
    discounts = tuple(CashierLine(user, *sums) for user, sums in sorted(given.items()))
    voided: dict[str, list[int]] = {}
    for __, __, user, amount in voids:
        sums = voided.setdefault(names.get(user, "?"), [0, 0])
        sums[0] += 1
        sums[1] += amount
    void_lines = tuple(CashierLine(user, *sums) for user, sums in sorted(voided.items()))

    # tax per rate, sales less returns
    bands: dict[int, list[int]] = {}
    for row in lines:
        band = bands.setdefault(row[4], [0, 0, 0])
        band[0] += row[5]
        band[1] += row[6]
        band[2] += row[7]
    for rate, net, tax, total in returned:
        band = bands.setdefault(rate, [0, 0, 0])
        band[0] -= net
        band[1] -= tax
        band[2] -= total
    tax_by_rate = tuple(TaxLine(rate, *sums) for rate, sums in sorted(bands.items()))

    # number series and their gaps
    anomalies: list[str] = []
    documents: list[SeriesRange] = []
    by_series: dict[str, list[str]] = {}
    for number_of in [row[1] for row in sales] + [row[1] for row in notes] + [row[1] for row in entries]:
        by_series.setdefault(_series(number_of), []).append(number_of)
    for series, numbers in sorted(by_series.items()):
        numbers.sort()
        label = _(SERIES_LABELS[series]) if series in SERIES_LABELS else series
        documents.append(SeriesRange(series, label, numbers[0], numbers[-1], len(numbers)))
        table, column = ((CreditNote, CreditNote.number) if series == "CN" else
                         (AccountEntry, AccountEntry.document) if series == "PAY" else (Sale, Sale.number))
        missing = _gaps(series, numbers[0], numbers[-1], table, column)
        if missing:
            shown = ", ".join(missing[:GAPS_SHOWN])
            if len(missing) > GAPS_SHOWN:
                shown = _("{numbers} and {count} more").format(numbers=shown, count=len(missing) - GAPS_SHOWN)
            anomalies.append(_("{series}: {count} number(s) missing between {first} and {last} ({shown}). Look for "
                               "a document that was never saved.").format(
                series=label, count=len(missing), first=numbers[0], last=numbers[-1], shown=shown))

    any_activity = bool(claims)
    if any_activity and not opening_float:
        anomalies.append(_("No opening float was recorded for this day."))
    anomalies += drawer.anomalies
    if counted is not None:
        tolerance = int(settings.get("counter.cash_tolerance"))
        if abs(drawer.over_short) > tolerance:
            anomalies.append(_("{difference}: more than the {tolerance} tolerance. Count again and look for a "
                               "missed pay-out or a wrong change.").format(
                difference=drawer.message.rstrip(".。"), tolerance=format_money(tolerance, exponent=exponent)))
    if previous is not None:
        early = sum(1 for stamp in stamps if stamp < previous.closed_at)
        if early:
            anomalies.append(_("{count} document(s) are dated before the previous Z report {number} closed "
                               "({closed}): check this PC's clock.").format(
                count=early, number=previous.number, closed=f"{local_time(previous.closed_at):%Y-%m-%d %H:%M}"))

    period_from = previous.closed_at if previous is not None else (min(stamps) if stamps else None)
    moves = tuple(CashMove(kind_, at_, names.get(user, "?"), amount, reason)
                  for __, kind_, at_, user, amount, reason in events)
    claimed = {k: sum(1 for c in claims if c[0] == k) for k in CLAIM_KINDS}
    report = CashUpReport(
        kind=kind, number=number, terminal=terminal, currency=settings.get("shop.currency"), exponent=exponent,
        period_from=period_from, period_to=at, made_by=names.get(actor.user_id, actor.display_name),
        opening_float=opening_float, sales_count=len(sales), sales_net=sum(r[4] for r in sales),
        sales_tax=sum(r[5] for r in sales), sales_total=sum(r[6] for r in sales), sales_by_method=sales_by_method,
        refunds_count=len(notes), refunds_total=sum(r[3] for r in notes), refunds_by_method=refunds_by_method,
        account_payments_count=len(entries), account_payments_total=sum(-r[4] for r in entries),
        account_payments_by_method=account_by_method, paid_in=paid_in, paid_out=paid_out, cash_moves=moves,
        cash_sales=cash_sales, cash_refunds=cash_refunds, cash_account_payments=cash_account,
        expected_cash=drawer.expected, counted_cash=counted, over_short=drawer.over_short if counted is not None
        else None, over_short_message=drawer.message if counted is not None else "", discounts=discounts,
        voids=void_lines, documents=tuple(documents), tax_by_rate=tax_by_rate, anomalies=tuple(anomalies),
        note=note, claimed=claimed, prepaid_top_ups_count=len(top_ups),
        prepaid_top_ups_total=sum(row[3] for row in top_ups), prepaid_top_ups_by_method=top_up_by_method,
        cash_prepaid_top_ups=cash_top_ups)
    return _Day(report, claims)


def _terminal(terminal: str | None) -> str:
    name = audit.TERMINAL if terminal is None else " ".join(str(terminal).split())
    if not name or len(name) > 64:
        raise ValidationError({"terminal": _("Name the terminal (up to 64 characters).")})
    return name


def x_report(actor: Actor, *, terminal: str | None = None) -> CashUpReport:
    """The X report of ``terminal`` (default: this PC): everything not yet claimed by a Z, with
    the expected cash. Reads only; closes nothing; any time. Needs counter.cash_up."""
    require(actor, "counter.cash_up")
    return _read_day(actor, _terminal(terminal), kind="X", at=now()).report


def _claim(z_id: int, claims: Sequence[tuple[str, int]]) -> None:
    """One z_report_item per document the Z closes (a document claimed twice fails the unique key)."""
    for start in range(0, len(claims), 500):
        ZReportItem.insert_many([{"z_report": z_id, "kind": kind, "ref_id": ref} for kind, ref in
                                 claims[start:start + 500]]).execute()


def close_day(actor: Actor, *, counted_cash: int | str, note: str = "") -> CashUpReport:
    """Close this terminal's day: the Z report. The cashier counted the drawer first (blind:
    ``counted_cash``, minor units or text as typed, 0 or more); in one transaction this takes the
    gap-free Z- number, reads the day as the X report does, works out over/short
    (``domain.tender.cash_up``), stores the whole report and claims every document in it.
    Anomalies are flagged in the report, never a reason to refuse. Needs counter.cash_up;
    audited. Bad input raises ValidationError and writes nothing (no number is used)."""
    require(actor, "counter.cash_up")
    counted = _clean_amount(counted_cash, name="counted_cash", label=_("Counted cash"), allow_zero=True)
    note = clean_line(note, field="note", label=_("Note"), max_length=NOTE_MAX, required=False)
    terminal = _terminal(None)
    with transaction():
        # Writers queue on the transaction's write lock: what is read here is all that was
        # committed before, and whatever commits next waits for this Z and goes into the next day.
        number = numbering.take_number("z_report")
        stamp = now()
        day = _read_day(actor, terminal, kind="Z", at=stamp, counted=counted, number=number, note=note)
        report = day.report
        z_id = ZReport.insert(number=number, terminal=terminal, opened_at=report.period_from, closed_at=stamp,
                              user=actor.user_id, opening_float=report.opening_float,
                              expected_cash=report.expected_cash, counted_cash=counted,
                              over_short=report.over_short, figures=report.to_json(), note=note).execute()
        _claim(int(z_id), day.claims)
        audit.record("cash.close_day", actor=actor, object_type="z_report", object_id=number, reason=note,
                     new={"terminal": terminal, "expected": report.expected_cash, "counted": counted,
                          "over_short": report.over_short, "documents": report.claimed,
                          "anomalies": list(report.anomalies)})
    return report


# --- closed days -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ZReportRow:
    number: str
    terminal: str
    opened_at: datetime | None
    closed_at: datetime
    closed_by: str
    expected_cash: int
    counted_cash: int
    over_short: int


def z_report(number: str) -> CashUpReport:
    """The stored Z report ``number`` (as typed: "z-1 " finds nothing, "Z-000001" does) exactly as
    it was closed, for a reprint: read back, never recomputed. Raises ``UserError`` when there is none."""
    wanted = "".join(str(number or "").split()).upper()[:40]
    if not wanted:
        raise UserError(_("Name the Z report: its number, e.g. Z-000001."))
    row = ZReport.select(ZReport.figures).where(ZReport.number == wanted).tuples().first()
    if row is None:
        raise UserError(_("There is no Z report {number}.").format(number=wanted))
    return CashUpReport.from_json(row[0])


def z_reports(actor: Actor, terminal: str | None = None, *, limit: int = 200) -> list[ZReportRow]:
    """The closed days, newest first (of one ``terminal`` when given). Needs counter.cash_up."""
    require(actor, "counter.cash_up")
    query = (ZReport.select(ZReport.number, ZReport.terminal, ZReport.opened_at, ZReport.closed_at,
                            AppUser.display_name, ZReport.expected_cash, ZReport.counted_cash, ZReport.over_short)
             .join(AppUser, on=(ZReport.user == AppUser.id), join_type=JOIN.LEFT_OUTER)
             .order_by(ZReport.closed_at.desc(), ZReport.id.desc()).limit(limit))
    if terminal:
        query = query.where(ZReport.terminal == terminal)
    return [ZReportRow(number, term, opened, closed, name or "", expected, counted, over_short)
            for number, term, opened, closed, name, expected, counted, over_short in query.tuples()]


__all__ = ["CASH_EVENT_KINDS", "CashMove", "CashUpReport", "CashierLine", "MethodLine", "SeriesRange", "TaxLine",
           "VoidLine", "ZReportRow", "close_day", "local_time", "record_cash_event", "record_void", "x_report",
           "z_report", "z_reports"]
