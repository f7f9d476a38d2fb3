"""The cart as the shop's documents price it: a sale, a quote and a phone order share these
rules, so none of them can carry a price the others would refuse. Each line is priced at the
customer's tier (``domain.pricing``), checked against the role's gross-profit floor and the
shelf, and becomes the document's rows in order: the part, its core deposit, then any labour.
What repair orders reserved is not on the shelf for the counter (``services.reservations``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from partsdesk.domain import pricing
from partsdesk.domain.customers import CUSTOMER_GONE
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.membership import parse_tiers
from partsdesk.domain.money import format_quantity
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.i18n import _
from partsdesk.models import Customer, Part
from partsdesk.services import reservations, settings, stock

NOTE_MAX = 200
LINES_MAX = 500
LABOUR_UNIT = "h"


@dataclass(frozen=True)
class LineRequest:
    """A line of the cart: the part, how many (thousandths of its unit), and what the cashier
    did to the price (a discount in basis points, or a typed unit price).

    ``held_price``: the unit price a quote holds for the part, chosen by the cashier when the cart
    was loaded from the quote (``services.quotes``); it is the shop's own offer, not the cashier's
    override, and sells only with that quote's number while the quote is open and valid. It stays
    the last field: a parked cart stores the first four."""

    part_id: int
    qty: int
    discount_bp: int = 0
    override_price: int | None = None
    held_price: int | None = None


@dataclass(frozen=True)
class SaleLabour:
    """A labour line as it sells (or is quoted): at the quoted rate while the quote is valid,
    at today's labour rate after it expired."""

    description: str
    hours: int  # thousandths of an hour
    rate: int  # the rate charged, per hour
    quoted_rate: int
    tax_rate_bp: int
    amount: int  # hours x rate, on the shop's price basis


def floor_rules() -> pricing.FloorRules:
    return pricing.FloorRules(cashier_bp=settings.get("counter.floor_cashier_bp"),
                              service_advisor_bp=settings.get("counter.floor_service_advisor_bp"))


def sale_customer(customer_id: int | None) -> Customer | None:
    if customer_id is None:
        return None
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or not customer.active:
        raise UserError(_(CUSTOMER_GONE).format(customer_id))
    return customer


def tier_rules() -> pricing.TierRules:
    """Which list price each kind of customer pays, as the shop set it (pricing.* settings)."""
    return pricing.TierRules(walk_in=settings.get("pricing.walk_in"), class_a=settings.get("pricing.class_a"),
                             class_b=settings.get("pricing.class_b"), class_c=settings.get("pricing.class_c"),
                             account=settings.get("pricing.account"))


def tier_of(customer: Customer | None) -> pricing.TierDecision:
    rules = tier_rules()
    if customer is None:
        return pricing.price_tier(customer_class=None, has_account=False, rules=rules)
    discount = next((t.discount_bp for t in parse_tiers(settings.get("membership.tiers"))
                     if t.name == customer.member_tier), 0)
    return pricing.price_tier(customer_class=customer.grade, has_account=customer.credit_limit > 0,
                              member_tier_discount_bp=discount, rules=rules)


@dataclass(frozen=True)
class Priced:
    part: Part
    request: LineRequest
    line: pricing.CartLine
    floor: pricing.FloorDecision
    shelf: pricing.StockDecision
    available: int  # on the shelf before this line (earlier lines of the same part taken off)


def price_lines(lines: Sequence[LineRequest], decision: pricing.TierDecision, *, lock: bool, include_tax: bool,
                 floor_bp: int, policy: str) -> list[Priced]:
    """Each line priced at the tier, with its floor and stock decisions (the cart preview and the
    commit share it). Raises ``ValidationError`` for a part that is not for sale."""
    parts = {p.id: p for p in Part.select().where(Part.id.in_(sorted({line.part_id for line in lines})))}
    available = stock.on_hand(list(parts), lock=lock)
    for_jobs = reservations.reserved(parts)
    for part_id, qty in for_jobs.items():  # a repair order's parts are not for the counter
        available[part_id] -= qty
    priced = []
    for index, request in enumerate(lines):
        part = parts.get(request.part_id)
        if part is None or not part.active:
            raise ValidationError({f"lines.{index}": _("Line {line}: the part is not for sale any more.").format(line=index + 1)})
        held = request.held_price is not None
        line = pricing.CartLine(
            list_price=decision.list_price(retail=part.price_retail, trade=part.price_trade,
                                           wholesale=part.price_wholesale),
            qty=request.qty, unit_cost=part.cost, tax_rate_bp=part.tax_rate_bp, prices_include_tax=include_tax,
            member_discount_bp=decision.member_discount_bp, discount_bp=request.discount_bp,
            override_price=request.held_price if held else request.override_price)
        shelf = pricing.stock_decision(available[part.id], request.qty, policy, unit=part.unit)
        if for_jobs[part.id] and request.qty > max(available[part.id], 0):
            shelf = reserved_refusal(part, available[part.id], for_jobs[part.id], request.qty)
        # a quote's held price was approved when the quote was made: no floor for the cashier now
        floor = pricing.FloorDecision(True, False, "") if held else pricing.check_floor(line, floor_bp=floor_bp)
        priced.append(Priced(part, request, line, floor, shelf, available[part.id]))
        available[part.id] -= request.qty
    return priced


def reserved_refusal(part: Part, free: int, held: int, asked: int) -> pricing.StockDecision:
    """Asking for more than the stock repair orders leave free: refused whatever the negative-stock
    policy (a manager neither), since the parts belong to jobs the customers approved."""
    refusal = (_("{held} reserved for repair orders: at most {free} can be sold.") if free > 0
               else _("{held} reserved for repair orders: none can be sold."))
    return pricing.StockDecision(False, False, asked - max(free, 0),
                                 refusal.format(held=format_quantity(held, part.unit),
                                                free=format_quantity(max(free, 0), part.unit)))


def approve_floor(actor: Actor, item: Priced, approvals: Mapping[str, Approval],
                   used: dict[str, Approval]) -> Approval | None:
    """The manager's approval a line below the actor's floor needs (raises ``PermissionDenied``
    without it); None when the line needs none or the actor may approve it themselves."""
    if item.floor.allowed:
        return None
    approved = require(actor, "counter.below_floor", approvals.get("counter.below_floor"))
    if approved is not None:
        used["counter.below_floor"] = approved
    return approved


# Where a line's unit price came from (sale_line.price_source, quote_line.price_source): the
# customer's tier, a member discount on it, the cashier's discount or typed price, or a quote's held
# price. The Z report counts the cashier's own (CASHIER_PRICES) per cashier.
LIST, MEMBER, DISCOUNT, OVERRIDE, QUOTE = "list", "member", "discount", "override", "quote"
CASHIER_PRICES = (DISCOUNT, OVERRIDE)


def price_source(request: LineRequest, line: pricing.CartLine) -> str:
    if request.held_price is not None:
        return QUOTE
    if request.override_price is not None:
        return OVERRIDE
    if request.discount_bp:
        return DISCOUNT
    return MEMBER if line.unit_price != line.list_price else LIST


def document_rows(priced: Sequence[Priced], approved_lines: Sequence[Approval | None],
                   labour: Sequence[SaleLabour] = ()) -> list[dict[str, object]]:
    """The document's lines in order, as column values (a sale and a quote share them): each part
    line followed by its core deposit (``part`` None, ``core_of_line`` the part's line number),
    then the labour lines (``part`` None, unit "h", quantity in thousandths of an hour).
    ``price_source``: where the unit price came from (``price_source``); ``changed``: the cashier
    gave a discount or typed a price (a quote's held price is not that)."""
    rows: list[dict[str, object]] = []
    for item, approved in zip(priced, approved_lines, strict=True):
        part, line, request = item.part, item.line, item.request
        rows.append(dict(part=part.id, description=part.name_en, qty=request.qty, unit=part.unit,
                         list_price=line.list_price, unit_price=line.unit_price, discount_bp=request.discount_bp,
                         tax_rate_bp=part.tax_rate_bp, amount=line.amount, unit_cost=part.cost, core_of_line=None,
                         approved_by=approved.approver_id if approved else None,
                         approval_reason=approved.reason if approved else "",
                         price_source=price_source(request, line),
                         changed=price_source(request, line) in CASHIER_PRICES))
        core = pricing.core_line(part.core_charge, request.qty)
        if core is not None:
            rows.append(dict(part=None, description=f"Core deposit: {part.number}", qty=core.qty, unit=part.unit,
                             list_price=core.unit_price, unit_price=core.unit_price, discount_bp=0,
                             tax_rate_bp=core.tax_rate_bp, amount=core.amount, unit_cost=0,
                             core_of_line=len(rows), approved_by=None, approval_reason="", price_source=LIST,
                             changed=False))
    for work in labour:
        rows.append(dict(part=None, description=work.description, qty=work.hours, unit=LABOUR_UNIT,
                         list_price=work.rate, unit_price=work.rate, discount_bp=0, tax_rate_bp=work.tax_rate_bp,
                         amount=work.amount, unit_cost=0, core_of_line=None, approved_by=None, approval_reason="",
                         price_source=QUOTE if work.rate == work.quoted_rate else LIST, changed=False))
    return rows
