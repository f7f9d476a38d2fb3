"""Returns and warranty at the counter: a numbered credit note against the original sale.

One transaction writes the credit note with its gap-free CN- number, its lines (at most what was
sold less what earlier credit notes took back, per line), the stock moves back to the main shelf
or to quarantine at the sold line's unit cost, the refunds, the customer's timeline line and the
audit — or nothing at all.

- **Money.** A returned quantity takes its share of the sold line's total and tax, pro rata and
  rounded once (``domain.money.round_minor``); the return that takes the last of a line takes
  exactly what is left of it, so a sale returned in parts credits its total to the cent.
- **Refunds follow the sale's payment**, in the order on account, prepaid, card, cash, each up to
  what it paid less what earlier credit notes refunded to it. On account becomes a credit note
  on the customer's account against the invoice (never cash); prepaid goes back onto the
  balance; points go back as points (they expire like earned ones); card goes back to the card
  with the original reference; cash is cash.
- **A manager** (``counter.return_override``) approves a return later than
  ``counter.return_window_days`` after the sale, or worth more than
  ``counter.return_manager_above``.
- **Points the sale earned** come off in the share of the sale returned, never below zero.

The returns screen reads through ``find_sales`` (the sale when the receipt is not at hand),
``returnable`` (its lines and what is left of each) and ``preview_return`` (the money and the
refunds by method the same rules would give, and whether a manager must approve), none of
which writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN, fn

from partsdesk.domain import part_numbers, pricing, tender
from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.money import round_minor
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.i18n import N_, _
from partsdesk.models import (
    CreditNote,
    CreditNoteLine,
    CreditNoteRefund,
    Customer,
    PointsEntry,
    Sale,
    SaleLine,
    SalePayment,
    database,
    transaction,
)
from partsdesk.models.db import is_postgres
from partsdesk.models.stock import MAIN_LOCATION_ID, QUARANTINE_LOCATION_ID
from partsdesk.services import accounts, audit, customers, history, membership, numbering, settings, stock
from partsdesk.services.audit import TERMINAL
from partsdesk.services.clock import now

# reason -> how a person calls it
REASONS: dict[str, str] = {
    "warranty_repair": N_("Warranty: repair"),
    "warranty_replace": N_("Warranty: replace"),
    "warranty_refund": N_("Warranty: refund"),
    "wrong_part": N_("Wrong part"),
    "not_needed": N_("Not needed"),
}
# The order a refund goes back in: what the shop never paid out in money first.
REFUND_ORDER = (tender.ON_ACCOUNT, tender.PREPAID, tender.POINTS, tender.CARD, tender.CASH)
LINES_MAX = 500
NUMBER_MAX = 40


@dataclass(frozen=True)
class ReturnLine:
    """Take back ``qty`` thousandths of line ``sale_line_no`` of the sale, to the main shelf or
    (``to_quarantine``, e.g. a warranty part to be checked) to the quarantine location."""

    sale_line_no: int
    qty: int
    to_quarantine: bool = False


@dataclass(frozen=True)
class Refund:
    method: str  # cash, card, on_account, prepaid
    amount: int
    reference: str = ""  # card: the original payment's reference


@dataclass(frozen=True)
class ReturnResult:
    credit_note_id: int
    number: str
    total: int
    refunds: tuple[Refund, ...]


@dataclass(frozen=True)
class ReturnableLine:
    line_no: int
    part_id: int | None  # None: a core deposit or labour line (nothing goes back on a shelf)
    description: str
    unit: str
    sold: int  # thousandths
    returned: int  # thousandths taken back by earlier credit notes
    left: int  # what may still be returned
    total: int  # the sold line's total, tax included
    core_of_line: int | None


@dataclass(frozen=True)
class ReturnableSale:
    sale_id: int
    number: str
    at: object  # datetime of the sale (naive UTC)
    customer_id: int | None
    total: int
    days_ago: int
    lines: tuple[ReturnableLine, ...]


def _normalize(number: object) -> str:
    """A document number as typed or scanned ("rc-000009 ") as it is stored ("RC-000009")."""
    return "".join(str(number or "").split()).upper()[:NUMBER_MAX]


def _find_sale(sale_number: object, *, lock: bool) -> Sale:
    wanted = _normalize(sale_number)
    if not wanted:
        raise UserError(_("Scan or type the number of the invoice or receipt, e.g. RC-000001."))
    query = Sale.select().where(Sale.number == wanted)
    if lock and is_postgres():
        query = query.for_update()  # two counters returning the last one of a line queue here
    sale = query.first()
    if sale is None:
        raise UserError(_("There is no invoice or receipt {number}.").format(number=wanted))
    return sale


def _returned_so_far(sale_id: int) -> dict[int, tuple[int, int, int]]:
    """sale_line id -> (qty, tax, total) already taken back by earlier credit notes."""
    query = (CreditNoteLine
             .select(CreditNoteLine.sale_line, fn.SUM(CreditNoteLine.qty), fn.SUM(CreditNoteLine.tax),
                     fn.SUM(CreditNoteLine.total))
             .join(CreditNote, on=(CreditNoteLine.credit_note == CreditNote.id))
             .where(CreditNote.sale == sale_id)
             .group_by(CreditNoteLine.sale_line).tuples())
    return {int(line_id): (int(qty), int(tax), int(total)) for line_id, qty, tax, total in query}


def _days_since(sale: Sale) -> int:
    return (now().date() - sale.at.date()).days


def returnable(actor: Actor, sale_number: str) -> ReturnableSale:
    """The sale ``sale_number`` (as printed or scanned) with what may still be returned of each
    line. Reads only. Raises ``UserError`` when there is no such sale."""
    require(actor, "counter.sell")
    sale = _find_sale(sale_number, lock=False)
    done = _returned_so_far(sale.id)
    lines = []
    for line in SaleLine.select().where(SaleLine.sale == sale.id).order_by(SaleLine.line_no):
        returned = done.get(line.id, (0, 0, 0))[0]
        lines.append(ReturnableLine(line.line_no, line.part_id, line.description, line.unit, line.qty, returned,
                                    pricing.returnable_qty(line.qty, returned), line.total, line.core_of_line))
    return ReturnableSale(sale.id, sale.number, sale.at, sale.customer_id, sale.total, _days_since(sale),
                          tuple(lines))


def _share(line_amount: int, qty: int, sold: int) -> int:
    return round_minor(Decimal(line_amount) * qty / sold)


def _check_shape(lines: Sequence[ReturnLine], reason: object) -> dict[str, str]:
    """Problems of the request itself, before the sale is read."""
    problems: dict[str, str] = {}
    if reason not in REASONS:
        problems["reason"] = _("Reason for the return: one of {reasons}.").format(
            reasons=", ".join(_(label) for label in REASONS.values()))
    problems.update(_check_lines(lines))
    return problems


def _check_lines(lines: Sequence[ReturnLine]) -> dict[str, str]:
    """Problems of the requested lines themselves, before the sale is read."""
    problems: dict[str, str] = {}
    if not lines:
        problems["lines"] = _("Choose at least one line of the sale to return.")
    elif len(lines) > LINES_MAX:
        problems["lines"] = _("A return has at most {most} lines.").format(most=LINES_MAX)
    seen: set[int] = set()
    for index, line in enumerate(lines or ()):
        number = line.sale_line_no
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            problems[f"lines.{index}.sale_line_no"] = _("Return line {line}: choose a line of the sale.").format(
                line=index + 1)
        elif number in seen:
            problems[f"lines.{index}.sale_line_no"] = _("Line {line} is in the return twice: give its quantity "
                                                         "once.").format(line=number)
        else:
            seen.add(number)
        if isinstance(line.qty, bool) or not isinstance(line.qty, int):
            problems[f"lines.{index}.qty"] = _("Return line {line}: the quantity is a whole number of thousandths.").format(
                line=index + 1)
        elif line.qty <= 0:
            problems[f"lines.{index}.qty"] = _("Return line {line}: the quantity to return must be more than 0.").format(
                line=index + 1)
        if not isinstance(line.to_quarantine, bool):
            problems[f"lines.{index}.to_quarantine"] = _("Return line {line}: back to stock or to quarantine.").format(
                line=index + 1)
    return problems


@dataclass(frozen=True)
class _Taken:
    sale_line: SaleLine
    qty: int
    net: int
    tax: int
    total: int
    location_id: int


def _take_lines(sale: Sale, lines: Sequence[ReturnLine], problems: dict[str, str]) -> list[_Taken]:
    """Each requested line with its money; a problem per line that cannot be taken back."""
    by_no = {line.line_no: line for line in SaleLine.select().where(SaleLine.sale == sale.id)}
    done = _returned_so_far(sale.id)
    taken = []
    for index, request in enumerate(lines):
        if f"lines.{index}.sale_line_no" in problems or f"lines.{index}.qty" in problems:
            continue
        line = by_no.get(request.sale_line_no)
        if line is None:
            problems[f"lines.{index}.sale_line_no"] = _("{number} has no line {line} (it has lines 1 to {last}).").format(
                number=sale.number, line=request.sale_line_no, last=len(by_no))
            continue
        returned_qty, returned_tax, returned_total = done.get(line.id, (0, 0, 0))
        try:
            pricing.check_return(request.qty, line.qty, returned_qty, unit=line.unit)
        except ValidationError as error:
            problems[f"lines.{index}.qty"] = _("Line {line} ({description}): {problem}").format(
                line=line.line_no, description=line.description, problem=error.problems["qty"])
            continue
        if request.qty == line.qty - returned_qty:  # the last of the line: exactly what is left
            total, tax = line.total - returned_total, line.tax - returned_tax
        else:
            total, tax = _share(line.total, request.qty, line.qty), _share(line.tax, request.qty, line.qty)
        location = QUARANTINE_LOCATION_ID if request.to_quarantine else MAIN_LOCATION_ID
        taken.append(_Taken(line, request.qty, total - tax, tax, total, location))
    return taken


def _refunds(sale: Sale, total: int) -> list[Refund]:
    """How ``total`` goes back: by REFUND_ORDER, each payment of the sale up to what it paid less
    what earlier credit notes refunded to its method (earlier refunds used its payments in the
    order they were taken). Points go back as points (their money value here)."""
    refunded = dict(CreditNoteRefund
                    .select(CreditNoteRefund.method, fn.SUM(CreditNoteRefund.amount))
                    .join(CreditNote, on=(CreditNoteRefund.credit_note == CreditNote.id))
                    .where(CreditNote.sale == sale.id)
                    .group_by(CreditNoteRefund.method).tuples())
    payments = list(SalePayment.select().where(SalePayment.sale == sale.id).order_by(SalePayment.id))
    left = total
    plan: dict[tuple[str, str], int] = {}
    for method in REFUND_ORDER:
        used_before = int(refunded.get(method) or 0)
        for payment in (p for p in payments if p.method == method):
            room = payment.amount - min(payment.amount, used_before)
            used_before -= payment.amount - room
            share = min(room, left)
            if share > 0:
                key = (method, payment.reference if method == tender.CARD else "")
                plan[key] = plan.get(key, 0) + share
                left -= share
    if left > 0:  # rounding the customer's favour at the sale: the last cents in cash
        plan[(tender.CASH, "")] = plan.get((tender.CASH, ""), 0) + left
    return [Refund(method, amount, reference) for (method, reference), amount in plan.items()]


def _manager_reasons(sale: Sale, total: int, *, window: int, limit: int, translated: bool = True) -> list[str]:
    """Why a return of ``total`` against ``sale`` needs a manager (``counter.return_override``):
    past the return window of ``window`` days, or worth more than ``limit``; empty when it does not.
    ``translated=False``: in English, as the audit log keeps it."""
    words = _ if translated else str
    days = _days_since(sale)
    why = []
    if days > window:
        why.append(words(N_("{number} was sold {days} days ago (returns within {window} days)")).format(
            number=sale.number, days=days, window=window))
    if total > limit:
        why.append(words(N_("the return is worth {amount} (above {limit})")).format(
            amount=accounts.format_amount(total), limit=accounts.format_amount(limit)))
    return why


def _points_earned(sale_number: str, customer_id: int) -> int:
    return int(PointsEntry.select(fn.COALESCE(fn.SUM(PointsEntry.points), 0))
               .where((PointsEntry.customer == customer_id) & (PointsEntry.kind == "earn")
                      & (PointsEntry.document == sale_number)).scalar() or 0)


def take_return(actor: Actor, sale_number: str, lines: Sequence[ReturnLine], *, reason: str,
                approval: Approval | None = None) -> ReturnResult:
    """Take back ``lines`` of the sale ``sale_number`` (as printed or scanned) for ``reason``
    (one of REASONS) and refund it the way the sale was paid (see the module doc).

    Raises ``UserError`` for an unknown sale, ``ValidationError`` (a field per problem:
    ``reason``, ``lines``, ``lines.N.sale_line_no``, ``lines.N.qty``) for a request that cannot be
    taken as given — e.g. more than is left to return of a line — and ``PermissionDenied``
    (``counter.return_override``) past the return window or above the value a cashier may take
    back, until a manager's ``approval`` comes along. Either way nothing is written and no
    number is used.
    """
    require(actor, "counter.sell")
    lines = list(lines or ())
    problems = _check_shape(lines, reason)
    window = int(settings.get("counter.return_window_days"))
    limit = int(settings.get("counter.return_manager_above"))
    with transaction():
        sale = _find_sale(sale_number, lock=True)
        taken = _take_lines(sale, lines, problems) if lines and len(lines) <= LINES_MAX else []
        if problems:
            raise ValidationError(problems)
        net, tax, total = (sum(t.net for t in taken), sum(t.tax for t in taken), sum(t.total for t in taken))

        days = _days_since(sale)
        why = _manager_reasons(sale, total, window=window, limit=limit, translated=False)  # kept in the audit
        used = None
        if why:
            try:
                used = require(actor, "counter.return_override", approval)
            except PermissionDenied as denied:
                shown = _manager_reasons(sale, total, window=window, limit=limit)
                raise PermissionDenied(_("{reasons}. {denied}").format(reasons="; ".join(shown).capitalize(),
                                                                       denied=denied),
                                       permission=denied.permission) from None

        point_value = int(settings.get("membership.point_value")) or 1
        refunds = _refunds(sale, total)
        number = numbering.take_number("credit_note")
        stamp = now()
        customer_id = sale.customer_id
        note_id = CreditNote.insert(number=number, sale=sale.id, customer=customer_id, at=stamp, terminal=TERMINAL,
                                    user=actor.user_id, approved_by=used.approver_id if used else None,
                                    reason=reason, net=net, tax=tax, total=total).execute()
        for item in taken:
            line = item.sale_line
            CreditNoteLine.insert(credit_note=note_id, sale_line=line.id, qty=item.qty, net=item.net, tax=item.tax,
                                  total=item.total, location=item.location_id).execute()
            if line.part_id is not None:
                stock.post_move(part_id=line.part_id, qty=item.qty, unit_cost=line.unit_cost, reason="return",
                                document=number, user_id=actor.user_id, location_id=item.location_id)
        for refund in refunds:
            CreditNoteRefund.insert(credit_note=note_id, method=refund.method, amount=refund.amount,
                                    reference=refund.reference).execute()
            if refund.method == tender.ON_ACCOUNT:
                accounts.post_credit_note(customer_id, document=number, amount=refund.amount, issued_on=stamp.date(),
                                          against=sale.number, user_id=actor.user_id)
            elif refund.method == tender.PREPAID:
                membership.return_to_prepaid(customer_id, refund.amount, document=number, user_id=actor.user_id)
            elif refund.method == tender.POINTS:
                membership.return_points(customer_id, refund.amount // point_value, document=number,
                                         user_id=actor.user_id)
        if customer_id is not None:
            earned = _points_earned(sale.number, customer_id)
            if earned:  # the sale's points come off in the share returned (never below zero)
                membership.return_points(customer_id, -round_minor(Decimal(earned) * total / sale.total),
                                         document=number, user_id=actor.user_id)
        if customer_id is not None:
            parts = sum(1 for item in taken if item.sale_line.part_id is not None)
            history.record_trade(customer_id, "return", document_type="return", document_id=int(note_id),
                                 document_no=number, amount=-total, user_id=actor.user_id,
                                 summary=f"Return of {sale.number}: {parts} part line(s), {REASONS[reason]}")
        audit.record("sale.return", actor=actor, approval=used, object_type="credit_note", object_id=number,
                     reason=REASONS[reason],
                     new={"sale": sale.number, "total": total, "days_after_sale": days,
                          "lines": [{"line": t.sale_line.line_no, "qty": t.qty, "total": t.total,
                                     "location": t.location_id} for t in taken],
                          "refunds": [{"method": r.method, "amount": r.amount, "reference": r.reference}
                                      for r in refunds],
                          "approved_by": used.approver_id if used else None, "why_approved": why})
    return ReturnResult(int(note_id), number, total, tuple(refunds))


# --- the returns desk's reads -------------------------------------------------------------------

@dataclass(frozen=True)
class ReturnPreview:
    """What ``take_return`` would credit for the same lines if it ran now: the total and tax, the
    refunds by method (the same rule), and why a manager must approve (empty: a cashier may)."""

    total: int
    tax: int
    refunds: tuple[Refund, ...]
    manager_reasons: tuple[str, ...]


def preview_return(actor: Actor, sale_number: str, lines: Sequence[ReturnLine]) -> ReturnPreview:
    """The money of returning ``lines`` of the sale ``sale_number`` and how it would go back,
    computed by the rules ``take_return`` uses, without writing anything (the returns screen
    shows it while the cashier types). No lines: nothing to refund. Raises ``UserError`` for an
    unknown sale and ``ValidationError`` (the fields of ``take_return``) for lines that cannot be
    returned as given."""
    require(actor, "counter.sell")
    lines = list(lines or ())
    sale = _find_sale(sale_number, lock=False)
    if not lines:
        return ReturnPreview(0, 0, (), ())
    problems = _check_lines(lines)
    taken = _take_lines(sale, lines, problems) if len(lines) <= LINES_MAX else []
    if problems:
        raise ValidationError(problems)
    total = sum(t.total for t in taken)
    why = _manager_reasons(sale, total, window=int(settings.get("counter.return_window_days")),
                           limit=int(settings.get("counter.return_manager_above")))
    return ReturnPreview(total, sum(t.tax for t in taken), tuple(_refunds(sale, total)), tuple(why))


FIND_LIMIT_MAX = 200
_CUSTOMERS_MAX = 20  # customers matching a name or phone whose sales are listed
_PARTS_MAX = 20  # parts matching a part number whose sales are listed


@dataclass(frozen=True)
class FoundSale:
    """A sale the returns desk may take goods back against, as the search lists it."""

    number: str
    kind: str  # invoice, receipt
    at: object  # datetime of the sale (naive UTC)
    customer_id: int | None
    customer_name: str  # "" for a walk-in
    total: int
    returnable: bool  # some line still has something left to return
    match: str  # number, credit_note (the sale a credit note credits), customer, part


def _ids(sql: str, params: Sequence[object]) -> list[int]:
    return [int(row[0]) for row in database.obj.execute_sql(sql, tuple(params)).fetchall()]


def find_sales(actor: Actor, text: str, *, limit: int = 30) -> list[FoundSale]:
    """The sales ``text`` points at when the receipt is not at hand, newest first, at most
    ``limit``: the invoice or receipt of that number (typed or scanned from its barcode; a credit
    note's number finds the sale it credits), else the sales of the customers whose name or phone
    matches (the customer search), and the sales of the part with that part number (own, OE,
    interchange). Reads only; every query walks an index and stops at ``limit`` rows."""
    require(actor, "counter.sell")
    limit = max(1, min(int(limit), FIND_LIMIT_MAX))
    text = str(text or "").strip()
    if not text:
        return []
    p = database.obj.param
    matches: dict[int, str] = {}
    wanted = _normalize(text)
    sale = Sale.select(Sale.id).where(Sale.number == wanted).first()
    if sale is not None:
        matches[sale.id] = "number"
    else:
        note = CreditNote.select(CreditNote.sale).where(CreditNote.number == wanted).first()
        if note is not None:
            matches[note.sale_id] = "credit_note"
    if not matches:
        for row in customers.search_customers(text, limit=_CUSTOMERS_MAX).rows:
            for sale_id in _ids(f"SELECT id FROM sale WHERE customer_id = {p} ORDER BY at DESC, id DESC LIMIT {p}",
                                (row.id, limit)):
                matches.setdefault(sale_id, "customer")
        number = part_numbers.normalize_number(text)
        if len(number) >= 2:
            parts = _ids(f"SELECT DISTINCT part_id FROM part_number WHERE number_norm = {p} LIMIT {p}",
                         (number, _PARTS_MAX))
            for part_id in parts:
                # the newest lines first (line ids grow with time): the part's index, no sort of its history
                for sale_id in _ids(f"SELECT sale_id FROM sale_line WHERE part_id = {p} ORDER BY id DESC LIMIT {p}",
                                    (part_id, limit * 2)):
                    matches.setdefault(sale_id, "part")
    if not matches:
        return []
    ids = list(matches)
    sales = list(Sale.select(Sale.id, Sale.number, Sale.kind, Sale.at, Sale.customer, Sale.total)
                 .where(Sale.id.in_(ids)).order_by(Sale.at.desc(), Sale.id.desc()).limit(limit))
    shown = [row.id for row in sales]
    left: dict[int, int] = {}
    for sale_id, _line_id, sold, back in (
            SaleLine.select(SaleLine.sale, SaleLine.id, SaleLine.qty, fn.SUM(CreditNoteLine.qty))
            .join(CreditNoteLine, JOIN.LEFT_OUTER, on=(CreditNoteLine.sale_line == SaleLine.id))
            .where(SaleLine.sale.in_(shown)).group_by(SaleLine.sale, SaleLine.id, SaleLine.qty).tuples()):
        left[int(sale_id)] = left.get(int(sale_id), 0) + pricing.returnable_qty(int(sold), int(back or 0))
    names = dict(Customer.select(Customer.id, Customer.name)
                 .where(Customer.id.in_({row.customer_id for row in sales if row.customer_id})).tuples())
    return [FoundSale(row.number, row.kind, row.at, row.customer_id, names.get(row.customer_id, ""), row.total,
                      left.get(row.id, 0) > 0, matches[row.id]) for row in sales]
