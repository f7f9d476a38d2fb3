"""Quotes at the counter: the cart saved as a priced offer with a validity date, found again,
printed, cancelled, or sold.

A quote is priced exactly as a sale would be at that moment (``services.cart``: the customer's
tier, the cashier's discounts within their gross-profit floor or with a manager's approval, the
core deposits), plus labour lines (description, hours, rate per hour, taxed at the shop's default
rate). Its number (QT-) is taken in the transaction that writes it, with the customer's timeline
line and the audit. Only its status ever changes: open, then converted (into the sale that sold
it) or cancelled.

Selling a quote (``sales.commit_sale(..., quote_number=)``): up to and including its last valid
day its prices hold (``domain.pricing.quote_price``). Where today's price differs the cashier is
shown both and chooses; a line sold at the quote's price carries it as ``LineRequest.held_price``
and is checked here against the quote. After expiry every line sells at today's price, with a
notice; the labour at the shop's labour rate of today. The sale converts the quote in its own
transaction, so a quote is sold once.

Money in minor units on the shop's price basis (tax-inclusive when prices include tax), hours and
quantities in thousandths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from peewee import JOIN

from partsdesk.domain import pricing
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.money import (
    CURRENCIES,
    DocumentLine,
    document_totals,
    format_money,
    line_amount,
)
from partsdesk.domain.part_numbers import normalize_number as normalize_part_number
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.i18n import N_, _
from partsdesk.models import AppUser, Customer, Part, Quote, QuoteLine, Vehicle, transaction
from partsdesk.models.catalog import VehicleModel
from partsdesk.models.db import is_postgres
from partsdesk.services import audit, cart, history, numbering, settings
from partsdesk.services.audit import TERMINAL
from partsdesk.services.cart import SaleLabour
from partsdesk.services.clock import now, shop_today
from partsdesk.services.sale_documents import TaxBand, _local, normalize_number

LABOUR_MAX = 30  # labour lines on one quote
DESCRIPTION_MAX = 80
HOURS_MAX = 1_000_000  # 1,000 hours, in thousandths
REASON_MAX = 200
SEARCH_LIMIT = 100
STATUSES = ("open", "converted", "cancelled")
STATE_LABELS = {"valid": N_("Valid"), "expired": N_("Expired"), "converted": N_("Converted"),
                "cancelled": N_("Cancelled")}
PREFIX = numbering.SERIES["quote"] + "-"


@dataclass(frozen=True)
class LabourRequest:
    """A labour line of a quote: what is done, how long (thousandths of an hour: 1.5 h = 1500) and
    the rate per hour (minor units, the shop's price basis); ``rate`` None takes the shop's
    labour rate (setting ``counter.labour_rate``)."""

    description: str
    hours: int
    rate: int | None = None


@dataclass(frozen=True)
class QuoteResult:
    quote_id: int
    number: str
    valid_until: date
    total: int


def _exponent() -> int:
    return CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]


def labour_rate() -> int:
    """The shop's labour rate per hour today (minor units)."""
    return int(settings.get("counter.labour_rate"))


def default_valid_until(today: date | None = None) -> date:
    """A new quote's validity: today plus the shop's ``counter.quote_valid_days``."""
    return (today or shop_today()) + timedelta(days=int(settings.get("counter.quote_valid_days")))


def _labour_rows(labour: Sequence[LabourRequest]) -> list[SaleLabour]:
    """``labour`` checked and priced. Raises ``ValidationError`` naming the line ("labour.0")."""
    if len(labour) > LABOUR_MAX:
        raise ValidationError({"labour": _("A quote has at most {most} labour lines.").format(most=LABOUR_MAX)})
    rate_bp = int(settings.get("tax.default_rate_bp"))
    default_rate = labour_rate()
    rows = []
    problems = {}
    for index, work in enumerate(labour):
        description = " ".join(str(work.description or "").split())
        rate = default_rate if work.rate is None else work.rate
        if not description or len(description) > DESCRIPTION_MAX:
            problems[f"labour.{index}"] = _("Labour line {line}: say what is done, in 1 to {most} "
                                            "characters.").format(
                line=index + 1, most=DESCRIPTION_MAX)
        elif isinstance(work.hours, bool) or not isinstance(work.hours, int) or not 0 < work.hours <= HOURS_MAX:
            problems[f"labour.{index}"] = _("Labour line {line}: the hours must be more than 0 and at most "
                                            "{most:,}.").format(
                line=index + 1, most=HOURS_MAX // 1000)
        elif isinstance(rate, bool) or not isinstance(rate, int) or not 0 <= rate <= 10**9:
            problems[f"labour.{index}"] = _("Labour line {line}: the rate per hour must be 0 or more.").format(
                line=index + 1)
        else:
            rows.append(SaleLabour(description, work.hours, rate, rate, rate_bp, line_amount(rate, work.hours)))
    if problems:
        raise ValidationError(problems)
    return rows


def _vehicle(vehicle_id: int | None, customer_id: int | None) -> None:
    if vehicle_id is None:
        return
    vehicle = Vehicle.get_or_none(Vehicle.id == vehicle_id)
    if vehicle is None:
        raise ValidationError({"vehicle_id": _("That vehicle is not in the customer file.")})
    if customer_id is None or vehicle.customer_id != customer_id:
        raise ValidationError({"vehicle_id": _("Choose the vehicle's owner as the customer first.")})


def save_quote(actor: Actor, lines: Sequence[cart.LineRequest], *, labour: Sequence[LabourRequest] = (),
               customer_id: int | None = None, vehicle_id: int | None = None, valid_until: date | None = None,
               note: str = "", approvals: Mapping[str, Approval] | None = None) -> QuoteResult:
    """Save the cart ``lines`` and ``labour`` as a quote valid up to and including ``valid_until``
    (default: ``default_valid_until()``). Priced as a sale now (see the module doc); a price below
    the actor's floor raises ``PermissionDenied`` unless ``approvals`` holds a manager's approval
    for "counter.below_floor". One transaction: the quote and its lines with a QT- number, the
    customer's timeline line, the audit. Raises ``ValidationError`` for an empty quote, a date in
    the past, a bad labour line or note; then nothing is written and no number is used."""
    require(actor, "counter.sell")
    approvals = dict(approvals or {})
    today = shop_today()
    problems: dict[str, str] = {}
    if not lines:
        problems["lines"] = _("The quote has no parts: scan or search the parts first, then add the labour.")
    elif len(lines) > cart.LINES_MAX:
        problems["lines"] = _("A quote has at most {most} lines.").format(most=cart.LINES_MAX)
    elif any(line.held_price is not None for line in lines):
        problems["lines"] = _("A quote is priced afresh: take the held prices of the old quote off the lines first.")
    valid_until = valid_until if valid_until is not None else default_valid_until(today)
    if not isinstance(valid_until, date) or isinstance(valid_until, datetime):
        problems["valid_until"] = _("Give the last day the quote is valid.")
    elif valid_until < today:
        problems["valid_until"] = _("The quote cannot be valid until {day}: that day is past "
                                     "(today is {today}).").format(day=valid_until.isoformat(), today=today.isoformat())
    elif valid_until > today + timedelta(days=365):
        problems["valid_until"] = _("A quote is valid for at most a year: choose an earlier day.")
    note = " ".join(str(note or "").split())
    if len(note) > cart.NOTE_MAX:
        problems["note"] = _("The note is at most {most} characters.").format(most=cart.NOTE_MAX)
    if problems:
        raise ValidationError(problems)
    work = _labour_rows(labour)
    include_tax = bool(settings.get("tax.prices_include_tax"))
    with transaction():
        customer = cart.sale_customer(customer_id)
        _vehicle(vehicle_id, customer_id)
        decision = cart.tier_of(customer)
        # a quote takes nothing from the shelf: the stock is checked when it is sold
        priced = cart.price_lines(lines, decision, lock=False, include_tax=include_tax,
                                    floor_bp=cart.floor_rules().for_role(actor.role), policy="allow")
        used: dict[str, Approval] = {}
        approved_lines = [cart.approve_floor(actor, item, approvals, used) for item in priced]
        rows = cart.document_rows(priced, approved_lines, work)
        totals = document_totals([DocumentLine(int(r["amount"]), int(r["tax_rate_bp"])) for r in rows],
                                 prices_include_tax=include_tax)
        number = numbering.take_number("quote")
        quote_id = Quote.insert(number=number, customer=customer_id, vehicle=vehicle_id, at=now(),
                                valid_until=valid_until, terminal=TERMINAL, user=actor.user_id,
                                price_tier=decision.tier, prices_include_tax=include_tax, net=totals.net,
                                tax=totals.tax, total=totals.gross, note=note).execute()
        for line_no, (row, line_tax) in enumerate(zip(rows, totals.line_tax, strict=True), start=1):
            amount = int(row["amount"])
            net, gross = (amount - line_tax, amount) if include_tax else (amount, amount + line_tax)
            kind = "part" if row["part"] is not None else ("core" if row["core_of_line"] is not None else "labour")
            QuoteLine.insert(quote=quote_id, line_no=line_no, kind=kind, part=row["part"],
                             description=row["description"], qty=row["qty"], unit=row["unit"],
                             list_price=row["list_price"], unit_price=row["unit_price"],
                             discount_bp=row["discount_bp"], tax_rate_bp=row["tax_rate_bp"], net=net, tax=line_tax,
                             total=gross, core_of_line=row["core_of_line"],
                             price_source=row["price_source"]).execute()
        if customer_id is not None:
            labour_note = f", {len(work)} labour line(s)" if work else ""
            history.record_trade(customer_id, "quote", document_type="quote", document_id=quote_id, document_no=number,
                                 amount=totals.gross, user_id=actor.user_id, vehicle_id=vehicle_id,
                                 summary=f"{len(priced)} part line(s){labour_note}, valid until "
                                         f"{valid_until.isoformat()}")
        changed = [{"line": i, "part": row["part"], "list_price": row["list_price"], "unit_price": row["unit_price"],
                    "discount_bp": row["discount_bp"], "approved_by": row["approved_by"]}
                   for i, row in enumerate(rows, start=1) if row["changed"]]
        audit.record("quote.save", actor=actor, approval=next(iter(used.values()), None), object_type="quote",
                     object_id=number,
                     new={"total": totals.gross, "tier": decision.tier, "valid_until": valid_until.isoformat(),
                          "customer": customer_id, "labour": len(work), "price_changes": changed,
                          "approved": {p: a.approver_id for p, a in used.items()}})
    return QuoteResult(int(quote_id), number, valid_until, totals.gross)


# --- finding quotes -------------------------------------------------------------------------------

def _state(status: str, valid_until: date, today: date) -> str:
    if status != "open":
        return status
    return "valid" if today <= valid_until else "expired"


@dataclass(frozen=True)
class QuoteRow:
    id: int
    number: str
    at: datetime
    valid_until: date
    customer_id: int | None
    customer_name: str  # "" for a walk-in
    total: int
    status: str  # open, converted, cancelled
    state: str  # valid, expired, converted, cancelled
    converted_to: str
    user: str

    @property
    def state_label(self) -> str:
        return _(STATE_LABELS[self.state])


def find_quotes(actor: Actor, text: str = "", *, status: str | None = None, limit: int = SEARCH_LIMIT,
                today: date | None = None) -> list[QuoteRow]:
    """Quotes newest first, at most ``limit``: all, or those whose number (typed or scanned, "qt-3"
    finds QT-000003), customer's name or a part number on a line matches ``text``. ``status``
    keeps one of open, converted, cancelled. Each row says whether it is valid or expired on
    ``today`` (default: the shop's today). Reads only."""
    require(actor, "counter.sell")
    if status is not None and status not in STATUSES:
        raise ValidationError({"status": _("Status: one of {statuses}.").format(statuses=", ".join(STATUSES))})
    today = today or shop_today()
    limit = max(1, min(int(limit), 500))
    query = (Quote.select(Quote.id, Quote.number, Quote.at, Quote.valid_until, Quote.customer, Customer.name,
                          Quote.total, Quote.status, Quote.converted_to, AppUser.display_name)
             .join(Customer, JOIN.LEFT_OUTER, on=(Quote.customer == Customer.id)).switch(Quote)
             .join(AppUser, JOIN.LEFT_OUTER, on=(Quote.user == AppUser.id)))
    if status is not None:
        query = query.where(Quote.status == status)
    words = " ".join(str(text or "").split())[:80]
    if words:
        wanted = normalize_number(words)
        digits = wanted[len(PREFIX):] if wanted.startswith(PREFIX) else wanted
        condition = Customer.name.contains(words)
        if digits.isdigit() and len(digits) <= numbering.DIGITS:
            condition |= Quote.number == f"{PREFIX}{int(digits):0{numbering.DIGITS}d}"
        elif wanted.startswith(PREFIX):
            condition |= Quote.number.startswith(wanted)
        part_number = normalize_part_number(words)
        if part_number:
            on_line = (QuoteLine.select(QuoteLine.quote).join(Part, on=(QuoteLine.part == Part.id))
                       .where(Part.number_norm.startswith(part_number)))
            condition |= Quote.id.in_(on_line)
        query = query.where(condition)
    rows = query.order_by(Quote.at.desc(), Quote.id.desc()).limit(limit).tuples()
    return [QuoteRow(quote_id, number, at, valid, customer_id, name or "", total, state,
                     _state(state, valid, today), converted_to, user or "")
            for quote_id, number, at, valid, customer_id, name, total, state, converted_to, user in rows]


def _quote(number: str, *, lock: bool = False) -> Quote:
    wanted = normalize_number(number)
    if not wanted:
        raise UserError(_("Name the quote: its number, e.g. QT-000001."))
    query = Quote.select().where(Quote.number == wanted)
    quote = (query.for_update() if lock and is_postgres() else query).first()
    if quote is None:
        raise UserError(_("There is no quote {number}.").format(number=wanted))
    return quote


def _not_open(quote: Quote) -> UserError:
    if quote.status == "converted":
        if quote.converted_at:
            return UserError(_("The quote {number} was already sold as {sale} on {day:%Y-%m-%d}: "
                               "it cannot be sold again.").format(number=quote.number, sale=quote.converted_to,
                                                                  day=quote.converted_at))
        return UserError(_("The quote {number} was already sold as {sale}: it cannot be sold again.").format(
            number=quote.number, sale=quote.converted_to))
    return UserError(_("The quote {number} was cancelled: it cannot be sold.").format(number=quote.number))


# --- selling a quote ------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuoteSaleLine:
    """A part line of the quote with its price today: ``price.quoted`` and ``price.today``, and
    ``price.price`` the one charged unless the cashier chooses the other (``price.notice`` says
    what to ask or tell)."""

    line_no: int
    part_id: int
    part_number: str
    description: str
    qty: int
    unit: str
    discount_bp: int
    price: pricing.QuotePrice


@dataclass(frozen=True)
class QuoteForSale:
    number: str
    customer_id: int | None
    customer_name: str
    vehicle_id: int | None
    valid_until: date
    expired: bool
    lines: tuple[QuoteSaleLine, ...]
    labour: tuple[SaleLabour, ...]
    notice: str  # for the whole cart: "Quote QT-… expired on …: re-priced at today's prices."

    @property
    def changed(self) -> tuple[QuoteSaleLine, ...]:
        """The lines whose price today differs from the quote's (the cashier chooses, while valid)."""
        return tuple(line for line in self.lines if line.price.changed)

    def cart_lines(self, choices: Mapping[int, bool] | None = None) -> list[cart.LineRequest]:
        """The cart: each line at the quote's price while valid (``choices`` {line_no: False}
        takes today's price for that line instead), at today's price after expiry."""
        chosen = dict(choices or {})
        requests = []
        for line in self.lines:
            if not self.expired and chosen.get(line.line_no, True):
                requests.append(cart.LineRequest(line.part_id, line.qty, held_price=line.price.quoted))
            else:
                requests.append(cart.LineRequest(line.part_id, line.qty, discount_bp=line.discount_bp))
        return requests


def _today_prices(quote: Quote, part_lines: Sequence[QuoteLine], customer: Customer | None) -> list[int]:
    """What each part line would cost today at ``customer``'s tier, with the quote line's discount."""
    requests = [cart.LineRequest(line.part_id, line.qty, discount_bp=line.discount_bp) for line in part_lines]
    if not requests:
        return []
    priced = cart.price_lines(requests, cart.tier_of(customer), lock=False,
                                include_tax=bool(settings.get("tax.prices_include_tax")), floor_bp=0, policy="allow")
    return [item.line.unit_price for item in priced]


def _labour_for_sale(quote: Quote, expired: bool) -> tuple[SaleLabour, ...]:
    today_rate = labour_rate()
    rows = QuoteLine.select().where((QuoteLine.quote == quote.id) & (QuoteLine.kind == "labour")).order_by(
        QuoteLine.line_no)
    return tuple(SaleLabour(row.description, row.qty, today_rate if expired else row.unit_price, row.unit_price,
                            row.tax_rate_bp, line_amount(today_rate if expired else row.unit_price, row.qty))
                 for row in rows)


def quote_for_sale(actor: Actor, number: str, *, today: date) -> QuoteForSale:
    """The open quote ``number`` ready to become a cart on ``today``: each part line with its
    quoted price and today's (at the quote customer's tier), the labour as it will sell, and the
    notice to show. Raises ``UserError`` for no such quote, or one sold or cancelled already.
    Reads only."""
    require(actor, "counter.sell")
    quote = _quote(number)
    if quote.status != "open":
        raise _not_open(quote)
    customer = Customer.get_or_none(Customer.id == quote.customer_id) if quote.customer_id else None
    part_lines = list(QuoteLine.select().where((QuoteLine.quote == quote.id) & (QuoteLine.kind == "part"))
                      .order_by(QuoteLine.line_no))
    parts = {p.id: p for p in Part.select().where(Part.id.in_([line.part_id for line in part_lines] or [0]))}
    gone = [parts[line.part_id].number for line in part_lines if not parts[line.part_id].active]
    if gone:
        raise UserError(_("The quote {number} cannot be sold: {parts} is not for sale any more. "
                          "Make a new quote without it.").format(number=quote.number, parts=", ".join(gone)))
    expired = today > quote.valid_until
    exponent = _exponent()
    lines = tuple(
        QuoteSaleLine(line.line_no, line.part_id, parts[line.part_id].number, line.description, line.qty, line.unit,
                      line.discount_bp, pricing.quote_price(line.unit_price, today_price, valid_until=quote.valid_until,
                                                            today=today, exponent=exponent))
        for line, today_price in zip(part_lines, _today_prices(quote, part_lines, customer), strict=True))
    labour = _labour_for_sale(quote, expired)
    if expired:
        if labour:
            notice = _("Quote {number} expired on {day}: every line is re-priced at today's price, the labour at "
                       "today's rate.").format(number=quote.number, day=quote.valid_until.isoformat())
        else:
            notice = _("Quote {number} expired on {day}: every line is re-priced at today's price.").format(
                number=quote.number, day=quote.valid_until.isoformat())
    else:
        notice = _("From quote {number}: its prices hold until {day}.").format(
            number=quote.number, day=quote.valid_until.isoformat())
    return QuoteForSale(quote.number, quote.customer_id, customer.name if customer else "", quote.vehicle_id,
                        quote.valid_until, expired, lines, labour, notice)


@dataclass(frozen=True)
class QuoteClaim:
    """The open quote a cart is being sold from, as ``sales`` needs it."""

    quote_id: int
    number: str
    valid_until: date
    expired: bool
    held: dict[tuple[int, int], int]  # (part id, quoted unit price) -> the quote line's discount
    quoted: dict[int, int]  # part id -> its (first) quoted unit price
    labour: tuple[SaleLabour, ...]
    notice: str


def claim_for_sale(number: str, lines: Sequence[cart.LineRequest], *, today: date, lock: bool) -> QuoteClaim | None:
    """Check that ``lines`` may be sold from quote ``number`` on ``today`` (``lock``: inside the
    sale's transaction, the quote row locked). "" is no quote: then no line may hold a quoted
    price. A held price must be the quote's for that part, with no discount or typed price on top,
    while the quote is open and valid. Raises ``UserError`` for a quote that is not there or not
    open, ``ValidationError`` naming the line otherwise."""
    if not str(number or "").strip():
        for index, line in enumerate(lines):
            if line.held_price is not None:
                raise ValidationError({f"lines.{index}": _("Line {line} holds a quoted price but the cart is not "
                                                           "from a quote: load the quote again (F9).").format(
                    line=index + 1)})
        return None
    quote = _quote(number, lock=lock)
    if quote.status != "open":
        raise _not_open(quote)
    expired = today > quote.valid_until
    held: dict[tuple[int, int], int] = {}
    quoted: dict[int, int] = {}
    for part_id, unit_price, discount_bp in (QuoteLine.select(QuoteLine.part, QuoteLine.unit_price,
                                                              QuoteLine.discount_bp)
                                             .where((QuoteLine.quote == quote.id) & (QuoteLine.kind == "part"))
                                             .order_by(QuoteLine.line_no).tuples()):
        held.setdefault((part_id, unit_price), discount_bp)
        quoted.setdefault(part_id, unit_price)
    exponent = _exponent()
    for index, line in enumerate(lines):
        if line.held_price is None:
            continue
        if expired:
            raise ValidationError({f"lines.{index}": _("Line {line}: quote {number} expired on {day}, so its price no "
                                                       "longer holds; load the quote again to re-price it.").format(
                line=index + 1, number=quote.number, day=quote.valid_until.isoformat())})
        if line.discount_bp or line.override_price is not None:
            raise ValidationError({f"lines.{index}": _("Line {line}: a quoted price takes no discount or typed price on "
                                                       "top.").format(line=index + 1)})
        if (line.part_id, line.held_price) not in held:
            raise ValidationError({f"lines.{index}": _("Line {line}: quote {number} does not hold this part at "
                                                       "{price}.").format(
                line=index + 1, number=quote.number, price=format_money(line.held_price, exponent=exponent))})
    labour = _labour_for_sale(quote, expired)
    notice = (_("Quote {number} expired on {day}: re-priced at today's prices.") if expired
              else _("From quote {number}, valid until {day}.")).format(number=quote.number,
                                                                          day=quote.valid_until.isoformat())
    return QuoteClaim(quote.id, quote.number, quote.valid_until, expired, held, quoted, labour, notice)


def mark_converted(claim: QuoteClaim, sale_number: str, at: datetime) -> None:
    """Inside the sale's transaction: the quote became ``sale_number``. Raises ``UserError`` when
    another counter sold or cancelled it meanwhile (the sale then rolls back)."""
    changed = Quote.update(status="converted", converted_to=sale_number, converted_at=at).where(
        (Quote.id == claim.quote_id) & (Quote.status == "open")).execute()
    if not changed:
        raise _not_open(Quote.get_by_id(claim.quote_id))


def price_choices(claim: QuoteClaim, priced: Sequence[cart.Priced]) -> dict[str, object]:
    """For the sale's audit: per cart line of a quoted part, the quoted price, today's, the one
    charged, and which the cashier chose."""
    lines = []
    for index, item in enumerate(priced, start=1):
        quoted = claim.quoted.get(item.part.id)
        if quoted is None:
            continue
        held = item.request.held_price
        if held is not None:
            today = replace(item.line, override_price=None, discount_bp=claim.held[(item.part.id, held)]).unit_price
        else:
            today = item.line.unit_price
        lines.append({"line": index, "part": item.part.number, "quoted": held if held is not None else quoted,
                      "today": today, "charged": item.line.unit_price,
                      "choice": "quoted" if held is not None else "today"})
    return {"number": claim.number, "valid_until": claim.valid_until.isoformat(), "expired": claim.expired,
            "lines": lines, "labour": [{"description": w.description, "quoted_rate": w.quoted_rate, "rate": w.rate}
                                       for w in claim.labour]}


def cancel_quote(actor: Actor, number: str, reason: str) -> None:
    """Cancel the open quote ``number`` (it is kept, marked cancelled; it can no longer be sold),
    audited with ``reason``. Raises ``ValidationError`` without a reason, ``UserError`` for a
    quote not open."""
    require(actor, "counter.sell")
    reason = " ".join(str(reason or "").split())
    if not reason or len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Say why the quote is cancelled (1 to {most} characters).").format(
            most=REASON_MAX)})
    with transaction():
        quote = _quote(number, lock=True)
        if quote.status != "open":
            raise _not_open(quote) if quote.status == "converted" else UserError(
                _("The quote {number} is cancelled already.").format(number=quote.number))
        Quote.update(status="cancelled").where((Quote.id == quote.id) & (Quote.status == "open")).execute()
        audit.record("quote.cancel", actor=actor, object_type="quote", object_id=quote.number, reason=reason,
                     old={"status": "open"}, new={"status": "cancelled"})


# --- the printed quote ----------------------------------------------------------------------------

@dataclass(frozen=True)
class QuoteDocumentLine:
    line_no: int
    kind: str  # part, core, labour
    part_number: str
    description: str
    description_zh: str
    qty: int  # thousandths (labour: of an hour)
    unit: str
    list_price: int
    unit_price: int
    discount_bp: int
    tax_rate_bp: int
    net: int
    tax: int
    total: int
    amount: int  # qty x unit price as priced: ``total`` when prices include tax, else ``net``
    core_of_line: int | None


@dataclass(frozen=True)
class QuoteDocument:
    """Everything a printed quote needs, as plain values (totals as written when it was saved)."""

    shop_name: str
    shop_address: str
    shop_phone: str
    shop_tax_id: str
    currency: str
    number: str
    at: datetime  # the shop's local time it was made
    valid_until: date
    status: str
    converted_to: str
    prepared_by: str
    customer_name: str
    customer_address: str
    customer_tax_id: str
    vehicle: str  # "沪A12345 · VW Golf 2015", "" when none
    prices_include_tax: bool
    parts: tuple[QuoteDocumentLine, ...]  # part lines, each followed by its core deposit
    labour: tuple[QuoteDocumentLine, ...]
    parts_total: int  # on the price basis (amounts added up)
    labour_total: int
    tax_by_rate: tuple[TaxBand, ...]
    net: int
    tax: int
    total: int
    note: str
    copy: bool = False


def _vehicle_text(vehicle_id: int | None) -> str:
    if vehicle_id is None:
        return ""
    row = (Vehicle.select(Vehicle.plate, Vehicle.model_year, VehicleModel.make, VehicleModel.model)
           .join(VehicleModel, JOIN.LEFT_OUTER, on=(Vehicle.vehicle_model == VehicleModel.id))
           .where(Vehicle.id == vehicle_id).tuples().first())
    if row is None:
        return ""
    plate, year, make, model = row
    described = " ".join(str(x) for x in (make, model, year) if x)
    return " · ".join(x for x in (plate, described) if x)


def quote_document(number: str, *, copy: bool = False) -> QuoteDocument:
    """The printable content of quote ``number`` (typed or scanned; case and spaces do not
    matter), whatever its status. ``copy`` marks a reprint. Raises ``UserError`` when there is
    none. Read-only: any user may print a quote."""
    quote = _quote(number)
    rows = list(QuoteLine.select(QuoteLine, Part.number, Part.name_zh)
                .join(Part, JOIN.LEFT_OUTER, on=(QuoteLine.part == Part.id))
                .where(QuoteLine.quote == quote.id).order_by(QuoteLine.line_no).objects())
    include = quote.prices_include_tax
    lines = [QuoteDocumentLine(row.line_no, row.kind, row.number or "", row.description, row.name_zh or "", row.qty,
                               row.unit, row.list_price, row.unit_price, row.discount_bp, row.tax_rate_bp, row.net,
                               row.tax, row.total, row.total if include else row.net, row.core_of_line)
             for row in rows]
    parts = tuple(line for line in lines if line.kind != "labour")
    labour = tuple(line for line in lines if line.kind == "labour")
    bands: dict[int, list[int]] = {}
    for line in lines:
        band = bands.setdefault(line.tax_rate_bp, [0, 0, 0])
        band[0] += line.net
        band[1] += line.tax
        band[2] += line.total
    customer = Customer.get_or_none(Customer.id == quote.customer_id) if quote.customer_id else None
    user = AppUser.get_or_none(AppUser.id == quote.user_id) if quote.user_id else None
    return QuoteDocument(
        shop_name=settings.get("shop.name"), shop_address=settings.get("shop.address"),
        shop_phone=settings.get("shop.phone"), shop_tax_id=settings.get("shop.tax_id"),
        currency=settings.get("shop.currency"), number=quote.number, at=_local(quote.at), valid_until=quote.valid_until,
        status=quote.status, converted_to=quote.converted_to or "", prepared_by=user.display_name if user else "",
        customer_name=customer.name if customer else "", customer_address=customer.address if customer else "",
        customer_tax_id=customer.tax_id if customer else "", vehicle=_vehicle_text(quote.vehicle_id),
        prices_include_tax=include, parts=parts, labour=labour,
        parts_total=sum(line.amount for line in parts), labour_total=sum(line.amount for line in labour),
        tax_by_rate=tuple(TaxBand(rate, *sums) for rate, sums in sorted(bands.items())),
        net=quote.net, tax=quote.tax, total=quote.total, note=quote.note or "", copy=copy)


__all__ = ["LabourRequest", "QuoteDocument", "QuoteForSale", "QuoteResult", "QuoteRow", "SaleLabour", "cancel_quote",
           "default_valid_until", "find_quotes", "labour_rate", "quote_document", "quote_for_sale", "save_quote"]
