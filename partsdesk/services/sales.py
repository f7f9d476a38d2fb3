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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from partsdesk.domain import pricing, tender
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.membership import parse_tiers
from partsdesk.domain.money import DocumentLine, document_totals
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.models import Customer, LostSale, Part, Sale, SaleLine, SalePayment, transaction
from partsdesk.services import accounts, audit, history, membership, numbering, settings, stock
from partsdesk.services.audit import TERMINAL
from partsdesk.services.clock import now
from partsdesk.services.customers import _GONE

NOTE_MAX = 200
LINES_MAX = 500


@dataclass(frozen=True)
class LineRequest:
    """A line of the cart: the part, how many (thousandths of its unit), and what the cashier
    did to the price (a discount in basis points, or a typed unit price)."""

    part_id: int
    qty: int
    discount_bp: int = 0
    override_price: int | None = None


@dataclass(frozen=True)
class SaleResult:
    sale_id: int
    number: str
    kind: str  # invoice, receipt
    total: int
    change: int
    warnings: tuple[str, ...]  # e.g. stock taken below zero, the account over its limit


def _floor_rules() -> pricing.FloorRules:
    return pricing.FloorRules(cashier_bp=settings.get("counter.floor_cashier_bp"),
                              service_advisor_bp=settings.get("counter.floor_service_advisor_bp"))


def _customer(customer_id: int | None) -> Customer | None:
    if customer_id is None:
        return None
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or not customer.active:
        raise UserError(_GONE.format(customer_id))
    return customer


def _tier(customer: Customer | None) -> pricing.TierDecision:
    if customer is None:
        return pricing.price_tier(customer_class=None, has_account=False)
    discount = next((t.discount_bp for t in parse_tiers(settings.get("membership.tiers"))
                     if t.name == customer.member_tier), 0)
    return pricing.price_tier(customer_class=customer.grade, has_account=customer.credit_limit > 0,
                              member_tier_discount_bp=discount)


def commit_sale(actor: Actor, lines: Sequence[LineRequest], payments: Sequence[tender.Payment], *,
                customer_id: int | None = None, vehicle_id: int | None = None, want_invoice: bool = False,
                note: str = "", approvals: Mapping[str, Approval] | None = None) -> SaleResult:
    """Sell ``lines`` paid by ``payments`` (see the module doc). A company customer, or anyone who
    asks (``want_invoice``), gets an invoice; everyone else a receipt. Raises ``ValidationError``
    for a cart or tender that cannot be sold as given, ``PermissionDenied`` for what needs a
    manager; either way nothing is written and no number is used."""
    require(actor, "counter.sell")
    approvals = dict(approvals or {})
    if not lines:
        raise ValidationError({"lines": "The cart is empty: scan or search a part first."})
    if len(lines) > LINES_MAX:
        raise ValidationError({"lines": f"A sale has at most {LINES_MAX} lines."})
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"The note is at most {NOTE_MAX} characters."})
    include_tax = bool(settings.get("tax.prices_include_tax"))
    policy = settings.get("counter.negative_stock")
    floor_bp = _floor_rules().for_role(actor.role)
    warnings: list[str] = []
    with transaction():
        customer = _customer(customer_id)
        if customer is None and any(p.method != tender.CASH and p.method != tender.CARD for p in payments):
            raise ValidationError({"payments": "On account, prepaid and points need the customer: choose them first "
                                               "(F3)."})
        decision = _tier(customer)
        parts = {p.id: p for p in Part.select().where(Part.id.in_(sorted({line.part_id for line in lines})))}
        available = stock.on_hand(list(parts), lock=True)
        priced: list[tuple[Part, pricing.CartLine, LineRequest, Approval | None]] = []
        used: dict[str, Approval] = {}
        for index, request in enumerate(lines):
            part = parts.get(request.part_id)
            if part is None or not part.active:
                raise ValidationError({f"lines.{index}": f"Line {index + 1}: the part is not for sale any more."})
            line = pricing.CartLine(
                list_price=decision.list_price(retail=part.price_retail, trade=part.price_trade,
                                               wholesale=part.price_wholesale),
                qty=request.qty, unit_cost=part.cost, tax_rate_bp=part.tax_rate_bp, prices_include_tax=include_tax,
                member_discount_bp=decision.member_discount_bp, discount_bp=request.discount_bp,
                override_price=request.override_price)
            floor = pricing.check_floor(line, floor_bp=floor_bp)
            approved = None
            if not floor.allowed:
                approved = require(actor, "counter.below_floor", approvals.get("counter.below_floor"))
                if approved is not None:
                    used["counter.below_floor"] = approved
            shelf = pricing.stock_decision(available[part.id], request.qty, policy, unit=part.unit)
            if not shelf.allowed and not shelf.needs_manager:
                raise ValidationError({f"lines.{index}": f"{part.number}: {shelf.message}"})
            if not shelf.allowed:
                stock_approval = require(actor, "counter.negative_stock", approvals.get("counter.negative_stock"))
                if stock_approval is not None:
                    used["counter.negative_stock"] = stock_approval
            if shelf.message:
                warnings.append(f"{part.number}: {shelf.message}")
            available[part.id] -= request.qty
            priced.append((part, line, request, approved))

        rows: list[dict[str, object]] = []
        for part, line, request, approved in priced:
            rows.append(dict(part=part.id, description=part.name_en, qty=request.qty, unit=part.unit,
                             list_price=line.list_price, unit_price=line.unit_price, discount_bp=request.discount_bp,
                             tax_rate_bp=part.tax_rate_bp, amount=line.amount, unit_cost=part.cost, core_of_line=None,
                             approved_by=approved.approver_id if approved else None,
                             approval_reason=approved.reason if approved else "", changed=line.cashier_changed_price))
            core = pricing.core_line(part.core_charge, request.qty)
            if core is not None:
                rows.append(dict(part=None, description=f"Core deposit: {part.number}", qty=core.qty, unit=part.unit,
                                 list_price=core.unit_price, unit_price=core.unit_price, discount_bp=0,
                                 tax_rate_bp=core.tax_rate_bp, amount=core.amount, unit_cost=0,
                                 core_of_line=len(rows), approved_by=None, approval_reason="", changed=False))
        totals = document_totals([DocumentLine(int(r["amount"]), int(r["tax_rate_bp"])) for r in rows],
                                 prices_include_tax=include_tax)
        settlement = tender.settle(
            totals.gross, payments, point_value=settings.get("membership.point_value"),
            prepaid_balance=customer.prepaid_balance if customer else None,
            points_balance=customer.points_balance if customer else None)
        settlement.require_settled()

        kind = "invoice" if want_invoice or (customer is not None and customer.kind == "company") else "receipt"
        number = numbering.take_number(kind)
        stamp = now()
        sale_id = Sale.insert(number=number, kind=kind, customer=customer_id, vehicle=vehicle_id, at=stamp,
                              terminal=TERMINAL, user=actor.user_id, price_tier=decision.tier,
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
                            approved_by=row["approved_by"], approval_reason=row["approval_reason"]).execute()
            if row["part"] is not None:
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
        if customer is not None:
            membership.earn_points(customer_id, amount_spent=totals.gross - by_method.get(tender.POINTS, 0),
                                   document=number, user_id=actor.user_id)
            parts_sold = sum(1 for row in rows if row["part"] is not None)
            history.record_trade(customer_id, "sale", document_type="sale", document_id=sale_id, document_no=number,
                                 amount=totals.gross, summary=f"{parts_sold} part line(s)", user_id=actor.user_id,
                                 vehicle_id=vehicle_id)
        changed = [{"line": i, "part": row["part"], "list_price": row["list_price"], "unit_price": row["unit_price"],
                    "discount_bp": row["discount_bp"], "approved_by": row["approved_by"]}
                   for i, row in enumerate(rows, start=1) if row["changed"]]
        audit.record("sale.commit", actor=actor, approval=next(iter(used.values()), None), object_type="sale",
                     object_id=number,
                     new={"total": totals.gross, "tier": decision.tier, "payments": by_method,
                          "price_changes": changed, "approved": {p: a.approver_id for p, a in used.items()},
                          "warnings": warnings})
    return SaleResult(int(sale_id), number, kind, totals.gross, settlement.change, tuple(warnings))


def record_lost_sale(actor: Actor, part_id: int, qty: int, *, customer_id: int | None = None,
                     document: str = "") -> None:
    """The cashier was asked for ``qty`` thousandths more than the shelf holds and sold only what
    it holds: the shortfall is demand the reorder must see."""
    require(actor, "counter.sell")
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        raise ValidationError({"qty": "The quantity not available must be more than 0."})
    with transaction():
        if not Part.select().where(Part.id == part_id).exists():
            raise ValidationError({"part_id": "That part is not in the catalogue."})
        LostSale.insert(at=now(), part=part_id, qty=qty, customer=customer_id, document=document,
                        user=actor.user_id).execute()
