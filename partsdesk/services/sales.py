"""Committing a sale at the counter: one transaction writes the invoice or receipt with its
gap-free number, its lines and payments, the stock moves, the account charge, the prepaid and
points movements, the customer's timeline line and the audit — or nothing at all. Only after it
returned may anything be printed or shown as done.

Prices are worked out here, never trusted from the screen: the customer's class, account and
membership choose the tier (``domain.pricing``), a cashier's discount or typed price is checked
against their role's gross-profit floor, and the stock against the shop's negative-stock policy.
What needs a manager raises ``PermissionDenied`` naming the permission; the screen asks a
manager and calls again with the ``Approval`` in ``approvals`` (keyed by permission).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from partsdesk.domain import pricing, tender
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.money import DocumentLine, DocumentTotals, document_totals
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.i18n import _
from partsdesk.models import (
    AppUser,
    Customer,
    HeldCart,
    LostSale,
    Part,
    Sale,
    SaleLine,
    SalePayment,
    transaction,
)
from partsdesk.services import (
    accounts,
    audit,
    cart,
    history,
    membership,
    numbering,
    orders,
    quotes,
    settings,
    stock,
)
from partsdesk.services.audit import TERMINAL
from partsdesk.services.cart import LINES_MAX, NOTE_MAX, LineRequest
from partsdesk.services.clock import now, shop_today


@dataclass(frozen=True)
class SaleResult:
    sale_id: int
    number: str
    kind: str  # invoice, receipt
    total: int
    change: int
    warnings: tuple[str, ...]  # e.g. stock taken below zero, the account over its limit


@dataclass(frozen=True)
class CartLineView:
    """A cart line as the counter shows it, priced by the services."""

    part_id: int
    number: str
    description: str
    unit: str
    bin: str
    qty: int  # thousandths
    available: int  # on the sellable shelves before this line (thousandths)
    list_price: int
    unit_price: int
    amount: int
    discount_bp: int
    core_deposit: int  # the linked core deposit line's amount (0: none)
    needs_manager: tuple[str, ...]  # permissions a manager must approve for this line
    messages: tuple[str, ...]  # why, and stock warnings


@dataclass(frozen=True)
class CartView:
    lines: tuple[CartLineView, ...]
    tier: str
    tier_reason: str
    total: int  # lines and core deposits, tax included
    tax: int
    needs_manager: tuple[str, ...]
    labour: tuple[cart.SaleLabour, ...] = ()  # a quote's labour lines, sold with the cart (in the total)
    quote_notice: str = ""  # the quote the cart came from, and whether its prices still hold


def price_cart(actor: Actor, lines: Sequence[LineRequest], *, customer_id: int | None = None,
               quote_number: str = "") -> CartView:
    """The cart as it would be sold now: each line at the customer's tier with its stock and bin,
    what needs a manager and why, and the total (with the labour of the quote ``quote_number``
    when the cart came from one). Reads only."""
    require(actor, "counter.sell")
    if len(lines) > LINES_MAX:
        raise ValidationError({"lines": _("A sale has at most {count} lines.").format(count=LINES_MAX)})
    include_tax = bool(settings.get("tax.prices_include_tax"))
    claim = quotes.claim_for_sale(quote_number, lines, today=shop_today(), lock=False)
    decision = cart.tier_of(cart.sale_customer(customer_id))
    priced = cart.price_lines(lines, decision, lock=False, include_tax=include_tax,
                          floor_bp=cart.floor_rules().for_role(actor.role),
                          policy=settings.get("counter.negative_stock")) if lines else []
    views = []
    document: list[DocumentLine] = []
    for item in priced:
        needs = tuple(permission for permission, needed in (
            ("counter.below_floor", not item.floor.allowed),
            ("counter.negative_stock", item.shelf.needs_manager)) if needed and not actor.can(permission))
        core = pricing.core_line(item.part.core_charge, item.request.qty)
        document.append(item.line.document_line())
        if core is not None:
            document.append(core.document_line())
        views.append(CartLineView(
            item.part.id, item.part.number, item.part.name_en, item.part.unit, item.part.bin, item.request.qty,
            item.available, item.line.list_price, item.line.unit_price, item.line.amount, item.request.discount_bp,
            core.amount if core else 0, needs, tuple(m for m in (item.floor.message, item.shelf.message) if m)))
    labour = claim.labour if claim else ()
    document += [DocumentLine(labour_line.amount, labour_line.tax_rate_bp) for labour_line in labour]
    totals = document_totals(document, prices_include_tax=include_tax)
    return CartView(tuple(views), decision.tier, decision.reason, totals.gross, totals.tax,
                    tuple(dict.fromkeys(p for view in views for p in view.needs_manager)), labour,
                    claim.notice if claim else "")


def commit_sale(actor: Actor, lines: Sequence[LineRequest], payments: Sequence[tender.Payment], *,
                customer_id: int | None = None, vehicle_id: int | None = None, want_invoice: bool = False,
                note: str = "", approvals: Mapping[str, Approval] | None = None,
                quote_number: str = "", order_number: str = "") -> SaleResult:
    """Sell ``lines`` paid by ``payments`` (see the module doc). A company customer, or anyone who
    asks (``want_invoice``), gets an invoice; everyone else a receipt. Raises ``ValidationError``
    for a cart or tender that cannot be sold as given, ``PermissionDenied`` for what needs a
    manager; either way nothing is written and no number is used.

    ``quote_number``: the cart was loaded from that quote. Its held prices (``LineRequest.held_price``)
    sell only while it is open and valid, its labour lines are sold with the cart, and in the same
    transaction it becomes converted into this sale, so no quote is converted twice. The
    cashier's choice per line (quoted or today's price) is audited with both prices.

    ``order_number``: the cart was loaded from that phone or trade order (``services.orders``); in
    the same transaction it becomes sold as this sale. A sold or cancelled order is refused and
    nothing is written."""
    require(actor, "counter.sell")
    approvals = dict(approvals or {})
    if not lines:
        raise ValidationError({"lines": _("The cart is empty: scan or search a part first.")})
    if len(lines) > LINES_MAX:
        raise ValidationError({"lines": _("A sale has at most {count} lines.").format(count=LINES_MAX)})
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("The note is at most {count} characters.").format(count=NOTE_MAX)})
    include_tax = bool(settings.get("tax.prices_include_tax"))
    policy = settings.get("counter.negative_stock")
    floor_bp = cart.floor_rules().for_role(actor.role)
    warnings: list[str] = []
    with transaction():
        customer = cart.sale_customer(customer_id)
        if customer is None and any(p.method != tender.CASH and p.method != tender.CARD for p in payments):
            raise ValidationError({"payments": _("On account, prepaid and points need the customer: choose them first "
                                                 "(F3).")})
        decision = cart.tier_of(customer)
        claim = quotes.claim_for_sale(quote_number, lines, today=shop_today(), lock=True)
        priced = cart.price_lines(lines, decision, lock=True, include_tax=include_tax, floor_bp=floor_bp, policy=policy)
        used: dict[str, Approval] = {}
        approved_lines: list[Approval | None] = []
        for index, item in enumerate(priced):
            approved = cart.approve_floor(actor, item, approvals, used)
            if not item.shelf.allowed and not item.shelf.needs_manager:
                raise ValidationError({f"lines.{index}": _("{number}: {message}").format(number=item.part.number,
                                                                                           message=item.shelf.message)})
            if not item.shelf.allowed:
                stock_approval = require(actor, "counter.negative_stock", approvals.get("counter.negative_stock"))
                if stock_approval is not None:
                    used["counter.negative_stock"] = stock_approval
            if item.shelf.message:
                warnings.append(_("{number}: {message}").format(number=item.part.number, message=item.shelf.message))
            approved_lines.append(approved)

        rows = cart.document_rows(priced, approved_lines, claim.labour if claim else ())
        kind = "invoice" if want_invoice or (customer is not None and customer.kind == "company") else "receipt"
        written = write_sale(actor, rows, payments, kind=kind, customer=customer, vehicle_id=vehicle_id,
                             price_tier=decision.tier, include_tax=include_tax, note=note, approvals=approvals,
                             warnings=warnings)
        number, stamp, totals, by_method = written.number, written.at, written.totals, written.by_method
        if claim is not None:
            quotes.mark_converted(claim, number, stamp)
        if order_number:
            orders.mark_sold(actor, order_number, sale_number=number)
        changed = [{"line": i, "part": row["part"], "list_price": row["list_price"], "unit_price": row["unit_price"],
                    "discount_bp": row["discount_bp"], "approved_by": row["approved_by"]}
                   for i, row in enumerate(rows, start=1) if row["changed"]]
        audit.record("sale.commit", actor=actor, approval=next(iter(used.values()), None), object_type="sale",
                     object_id=number,
                     new={"total": totals.gross, "tier": decision.tier, "payments": by_method,
                          "price_changes": changed, "approved": {p: a.approver_id for p, a in used.items()},
                          "warnings": warnings,
                          **({"quote": quotes.price_choices(claim, priced)} if claim else {})})
    return SaleResult(written.sale_id, number, kind, totals.gross, written.change, tuple(warnings))


@dataclass(frozen=True)
class WrittenSale:
    sale_id: int
    number: str
    at: datetime
    totals: DocumentTotals
    by_method: dict[str, int]
    change: int


def write_sale(actor: Actor, rows: Sequence[Mapping[str, object]], payments: Sequence[tender.Payment], *, kind: str,
               customer: Customer | None, vehicle_id: int | None, price_tier: str, include_tax: bool, note: str,
               approvals: Mapping[str, Approval], warnings: list[str], post_stock: bool = True,
               summary: str = "") -> WrittenSale:
    """Write a priced document (``cart.document_rows``) as the invoice or receipt ``kind``, inside
    the caller's transaction: its gap-free number, lines, payments settled against the total, the
    stock moves (unless ``post_stock`` is False: a repair order issued its parts as they were
    used), the account charge, prepaid and points, and the customer's timeline. The counter's sale
    and the workshop's invoice share it, so both take and account for money the same way. Raises
    ``ValidationError`` for a tender that does not settle the total; appends to ``warnings``."""
    totals = document_totals([DocumentLine(int(r["amount"]), int(r["tax_rate_bp"])) for r in rows],
                             prices_include_tax=include_tax)
    settlement = tender.settle(
        totals.gross, payments, point_value=settings.get("membership.point_value"),
        prepaid_balance=customer.prepaid_balance if customer else None,
        points_balance=customer.points_balance if customer else None)
    settlement.require_settled()
    customer_id = customer.id if customer is not None else None
    number = numbering.take_number(kind)
    stamp = now()
    sale_id = Sale.insert(number=number, kind=kind, customer=customer_id, vehicle=vehicle_id, at=stamp,
                          terminal=TERMINAL, user=actor.user_id, price_tier=price_tier,
                          prices_include_tax=include_tax, net=totals.net, tax=totals.tax, total=totals.gross,
                          customer_tax_id=customer.tax_id if customer else "", note=note).execute()
    for line_no, (row, line_tax) in enumerate(zip(rows, totals.line_tax, strict=True), start=1):
        amount = int(row["amount"])
        net, gross = (amount - line_tax, amount) if include_tax else (amount, amount + line_tax)
        SaleLine.insert(sale=sale_id, line_no=line_no, part=row["part"], description=row["description"],
                        qty=row["qty"], unit=row["unit"], list_price=row["list_price"],
                        unit_price=row["unit_price"], discount_bp=row["discount_bp"],
                        tax_rate_bp=row["tax_rate_bp"], net=net, tax=line_tax, total=gross,
                        unit_cost=row["unit_cost"], core_of_line=row["core_of_line"],
                        approved_by=row["approved_by"], approval_reason=row["approval_reason"],
                        price_source=row["price_source"]).execute()
        if post_stock and row["part"] is not None:
            stock.post_move(part_id=int(row["part"]), qty=-int(row["qty"]), unit_cost=int(row["unit_cost"]),
                            reason="sale", document=number, user_id=actor.user_id)
    for paid in settlement.applied:
        SalePayment.insert(sale=sale_id, method=paid.method, amount=paid.kept, tendered=paid.tendered,
                           change_given=paid.tendered - paid.kept, reference=paid.reference).execute()
    by_method = settlement.paid_by_method
    if by_method.get(tender.ON_ACCOUNT):
        charge = accounts.charge_on_account(actor, customer_id, document=number, amount=by_method[tender.ON_ACCOUNT],
                                            issued_on=stamp.date(), approval=approvals.get("account.exceed_credit"))
        if charge.warning:
            warnings.append(charge.warning)
    if by_method.get(tender.PREPAID):
        membership.spend_prepaid(customer_id, by_method[tender.PREPAID], document=number, user_id=actor.user_id)
    if settlement.points_redeemed:
        membership.redeem_points(actor, customer_id, settlement.points_redeemed, document=number)
    if customer_id is not None:
        membership.earn_points(customer_id, amount_spent=totals.gross - by_method.get(tender.POINTS, 0),
                               document=number, user_id=actor.user_id)
        parts_sold = sum(1 for row in rows if row["part"] is not None)
        history.record_trade(customer_id, "sale", document_type="sale", document_id=sale_id, document_no=number,
                             amount=totals.gross, summary=summary or f"{parts_sold} part line(s)",
                             user_id=actor.user_id, vehicle_id=vehicle_id)
    return WrittenSale(int(sale_id), number, stamp, totals, dict(by_method), settlement.change)


def record_lost_sale(actor: Actor, part_id: int, qty: int, *, customer_id: int | None = None,
                     document: str = "") -> None:
    """The cashier was asked for ``qty`` thousandths more than the shelf holds and sold only what
    it holds: the shortfall is demand the reorder must see."""
    require(actor, "counter.sell")
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        raise ValidationError({"qty": _("The quantity not available must be more than 0.")})
    with transaction():
        if not Part.select().where(Part.id == part_id).exists():
            raise ValidationError({"part_id": _("That part is not in the catalogue.")})
        LostSale.insert(at=now(), part=part_id, qty=qty, customer=customer_id, document=document,
                        user=actor.user_id).execute()


# --- held sales (F8) -------------------------------------------------------------------------

HELD_NAME_MAX = 40


@dataclass(frozen=True)
class HeldCartRow:
    id: int
    name: str
    customer_id: int | None
    customer_name: str
    lines: tuple[LineRequest, ...]
    held_at: datetime
    held_by: str
    origin: dict[str, str]  # the quote or order the cart came from, as commit_sale takes it


ORIGINS = ("quote_number", "order_number")  # what a cart may come from (commit_sale's keywords)


def park_cart(actor: Actor, name: str, lines: Sequence[LineRequest], *, customer_id: int | None = None,
              origin: Mapping[str, str] | None = None) -> int:
    """Park the cart under ``name`` (the customer's name, "blue van"…) to serve someone else; it
    survives a restart and any terminal of the shop can recall it, with the quote's held prices
    and the link to the quote or order it came from (``origin``). Returns its id."""
    require(actor, "counter.sell")
    name = " ".join(str(name or "").split())
    problems = {}
    if not name or len(name) > HELD_NAME_MAX:
        problems["name"] = _("Give the parked sale a name of 1 to {count} characters (for example the customer's).").format(
            count=HELD_NAME_MAX)
    if not lines:
        problems["lines"] = _("The cart is empty: there is nothing to park.")
    origin = dict(origin or {})
    if any(key not in ORIGINS or not isinstance(value, str) for key, value in origin.items()):
        problems["origin"] = _("A parked sale comes from a quote or an order number, nothing else.")
    if problems:
        raise ValidationError(problems)
    payload = json.dumps([[line.part_id, line.qty, line.discount_bp, line.override_price, line.held_price]
                          for line in lines])
    with transaction():
        cart.sale_customer(customer_id)
        return int(HeldCart.insert(name=name, terminal=TERMINAL, user=actor.user_id, customer=customer_id,
                                   lines=payload, held_at=now(), origin=json.dumps(origin)).execute())


def held_carts(actor: Actor) -> list[HeldCartRow]:
    """The parked sales of the shop, oldest first."""
    require(actor, "counter.sell")
    query = (HeldCart.select(HeldCart.id, HeldCart.name, HeldCart.customer, Customer.name, HeldCart.lines,
                             HeldCart.held_at, AppUser.display_name, HeldCart.origin)
             .join(Customer, JOIN.LEFT_OUTER, on=(HeldCart.customer == Customer.id)).switch(HeldCart)
             .join(AppUser, JOIN.LEFT_OUTER, on=(HeldCart.user == AppUser.id))
             .order_by(HeldCart.held_at, HeldCart.id))
    return [HeldCartRow(held_id, name, customer_id, customer_name or "",
                        tuple(LineRequest(*line) for line in json.loads(lines)), held_at, user_name or "",
                        json.loads(origin or "{}"))
            for held_id, name, customer_id, customer_name, lines, held_at, user_name, origin in query.tuples()]


def recall_cart(actor: Actor, held_id: int) -> HeldCartRow:
    """Take a parked sale back into the cart: it is no longer parked (another terminal that
    recalls it at the same moment is told it is gone)."""
    require(actor, "counter.sell")
    with transaction():
        row = next((held for held in held_carts(actor) if held.id == held_id), None)
        if row is None or not HeldCart.delete().where(HeldCart.id == held_id).execute():
            raise UserError(_("That parked sale is not parked any more (recalled at another counter?)."))
        return row
