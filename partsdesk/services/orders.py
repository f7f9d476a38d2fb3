"""Phone and trade orders: a customer rings or a garage sends a list, the counter saves it as an
order (SO- number), the store picks it from the shelves by its pick list (sorted by bin), marks
it picked, and the counter sells it (``sales.commit_sale(order_number=…)``), which marks it sold
in the sale's own transaction. An order never moves stock: the sale does.

An order's lines are written once; only its status and what became of it change
(open → picked → sold, or cancelled), as the schema's triggers enforce. A line's discount or
typed price is checked against the cashier's gross-profit floor exactly as at the counter (the
same ``sales`` pricing), so an order cannot carry a price the cashier could not sell at; the sale
prices it again, at that day's prices.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from peewee import JOIN, fn

from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.i18n import N_, _
from partsdesk.models import (
    AppUser,
    Brand,
    Customer,
    CustomerOrder,
    CustomerOrderLine,
    Part,
    database,
    transaction,
)
from partsdesk.models.db import is_postgres
from partsdesk.services import audit, numbering, settings, stock
from partsdesk.services.audit import TERMINAL
from partsdesk.services.cart import LINES_MAX, LineRequest, floor_rules, price_lines, sale_customer, tier_of
from partsdesk.services.clock import now

CHANNELS = {"phone": N_("Phone"), "trade": N_("Trade")}  # channel -> how it is shown
STATUSES = {"open": N_("Open"), "picked": N_("Picked"), "sold": N_("Sold"), "cancelled": N_("Cancelled")}
OPEN_STATUSES = ("open", "picked")  # still to be sold: the counter's list of orders
REFERENCE_MAX = 40  # the garage's purchase order number, the caller's name…
NOTE_MAX = 200
REASON_MAX = 200
NUMBER_MAX = 40
TEXT_MAX = 100
LIST_MAX = 200
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class OrderRow:
    """An order as the counter lists it."""

    id: int
    number: str
    at: datetime  # taken (naive UTC, like every stored stamp)
    customer_id: int | None
    customer_name: str  # "" when taken without a customer
    channel: str  # phone, trade
    reference: str
    note: str
    status: str  # open, picked, sold, cancelled
    lines: int
    taken_by: str
    picked_at: datetime | None
    picked_by: str
    sold_as: str  # the sale's number once sold
    closed_at: datetime | None


@dataclass(frozen=True)
class OrderCart:
    """An order as the cart loads it, to be sold (``sales.commit_sale(order_number=number)``)."""

    number: str
    status: str
    customer_id: int | None
    lines: tuple[LineRequest, ...]


@dataclass(frozen=True)
class PickLine:
    """One line to pick. ``qty`` and ``available`` in thousandths of ``unit``; ``available`` is
    what the sellable shelves hold now, less the earlier lines of the same part."""

    line_no: int
    part_id: int
    part_number: str
    brand: str
    description: str
    description_zh: str
    qty: int
    unit: str
    bin: str  # "" when the part has no bin: such lines come last
    available: int

    @property
    def short(self) -> bool:
        """The shelves hold less than the line asks: the picker will not find it all."""
        return self.qty > max(self.available, 0)


@dataclass(frozen=True)
class PickList:
    """What a printed pick list shows, as plain values; lines in bin order."""

    shop_name: str
    shop_address: str
    shop_phone: str
    shop_tax_id: str
    currency: str
    number: str
    at: datetime  # when the order was taken (the shop's local time, like every printed stamp)
    printed_at: datetime  # now (local time)
    customer_name: str  # "" when taken without a customer
    channel: str
    channel_label: str
    reference: str
    note: str
    status: str
    taken_by: str
    picked_at: datetime | None  # local time
    picked_by: str
    sold_as: str
    lines: tuple[PickLine, ...]

    @property
    def short_lines(self) -> int:
        return sum(1 for line in self.lines if line.short)


def normalize_number(text: object) -> str:
    """An order number as typed or scanned ("so-000002 ") as it is stored ("SO-000002")."""
    return "".join(str(text or "").split()).upper()[:NUMBER_MAX]


def _local(at: datetime | None) -> datetime | None:
    """A stored (naive UTC) stamp as the shop's wall clock shows it: this computer's time zone."""
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None) if at is not None else None


def _clean(text: object) -> str:
    return " ".join(str(text or "").split())


def bin_key(bin_location: str, part_number: str) -> tuple:
    """Walk order: by bin, numbers inside it compared as numbers (A-2 before A-10), parts with no
    bin last, then by part number."""
    parts = tuple((0, int(piece), "") if piece.isdigit() else (1, 0, piece.casefold())
                  for piece in _DIGITS.split(bin_location.strip()) if piece)
    return (not bin_location.strip(), parts, part_number.casefold())


# --- taking an order ------------------------------------------------------------------------------

def create_order(actor: Actor, lines: Sequence[LineRequest], *, customer_id: int | None = None, channel: str,
                 reference: str = "", note: str = "", approvals: Mapping[str, Approval] | None = None) -> str:
    """Save ``lines`` as a phone or trade order (``channel``) for ``customer_id`` (None: no
    customer on file; ``reference`` then says who) and return its number ("SO-000001"). Each
    discounted or typed price is checked against the actor's floor as at the counter: below it a
    manager's ``Approval`` for ``counter.below_floor`` is needed in ``approvals``
    (``PermissionDenied`` otherwise). Raises ``ValidationError`` for an empty order, a part not
    for sale, a bad quantity, channel, reference or note; then nothing is written and no number
    is used."""
    require(actor, "counter.sell")
    approvals = dict(approvals or {})
    problems: dict[str, str] = {}
    lines = list(lines)
    if not lines:
        problems["lines"] = _("The order is empty: scan or search the parts the customer wants first.")
    elif len(lines) > LINES_MAX:
        problems["lines"] = _("An order has at most {most} lines.").format(most=LINES_MAX)
    for index, line in enumerate(lines[:LINES_MAX]):
        qty = getattr(line, "qty", None)
        if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
            problems[f"lines.{index}"] = _("Line {line}: the quantity must be more than 0.").format(line=index + 1)
        elif getattr(line, "held_price", None) is not None:  # an order keeps no quote's price: say so, never drop it
            problems[f"lines.{index}"] = _("Line {line} holds a quote's price: sell the quote itself (F12), or "
                                            "take today's price for the line first.").format(line=index + 1)
    if channel not in CHANNELS:
        problems["channel"] = _("Say how the order came in: by phone or as a trade order.")
    reference = _clean(reference)
    if len(reference) > REFERENCE_MAX:
        problems["reference"] = _("The reference is at most {most} characters.").format(most=REFERENCE_MAX)
    note = _clean(note)
    if len(note) > NOTE_MAX:
        problems["note"] = _("The note is at most {most} characters.").format(most=NOTE_MAX)
    if problems:
        raise ValidationError(problems)
    include_tax = bool(settings.get("tax.prices_include_tax"))
    with transaction():
        customer = sale_customer(customer_id)
        # The order takes no stock, so the stock policy does not apply here ("allow"); the sale checks it.
        priced = price_lines(lines, tier_of(customer), lock=False, include_tax=include_tax,
                              floor_bp=floor_rules().for_role(actor.role), policy="allow")
        approved: Approval | None = None
        for item in priced:
            if not item.floor.allowed:
                approved = require(actor, "counter.below_floor", approvals.get("counter.below_floor")) or approved
        number = numbering.take_number("order")
        order_id = CustomerOrder.insert(number=number, customer=customer_id, at=now(), terminal=TERMINAL,
                                        user=actor.user_id, channel=channel, reference=reference, note=note,
                                        status="open").execute()
        for line_no, item in enumerate(priced, start=1):
            CustomerOrderLine.insert(order=order_id, line_no=line_no, part=item.part.id, qty=item.request.qty,
                                     discount_bp=item.request.discount_bp,
                                     override_price=item.request.override_price).execute()
        changed = [{"line": line_no, "part": item.part.id, "list_price": item.line.list_price,
                    "unit_price": item.line.unit_price, "discount_bp": item.request.discount_bp}
                   for line_no, item in enumerate(priced, start=1) if item.line.cashier_changed_price]
        audit.record("order.create", actor=actor, approval=approved, object_type="customer_order", object_id=number,
                     new={"customer_id": customer_id, "channel": channel, "reference": reference,
                          "lines": len(priced), "price_changes": changed})
    return number


# --- reading orders ---------------------------------------------------------------------------------

def _rows(query) -> list[OrderRow]:
    taker = AppUser.alias()
    picker = AppUser.alias()
    counts = (CustomerOrderLine.select(CustomerOrderLine.order, fn.COUNT(CustomerOrderLine.id).alias("n"))
              .group_by(CustomerOrderLine.order).alias("counts"))
    query = (query.select(CustomerOrder.id, CustomerOrder.number, CustomerOrder.at, CustomerOrder.customer,
                          Customer.name, CustomerOrder.channel, CustomerOrder.reference, CustomerOrder.note,
                          CustomerOrder.status, counts.c.n, taker.display_name, CustomerOrder.picked_at,
                          picker.display_name, CustomerOrder.sold_as, CustomerOrder.closed_at)
             .join(Customer, JOIN.LEFT_OUTER, on=(CustomerOrder.customer == Customer.id)).switch(CustomerOrder)
             .join(taker, JOIN.LEFT_OUTER, on=(CustomerOrder.user == taker.id)).switch(CustomerOrder)
             .join(picker, JOIN.LEFT_OUTER, on=(CustomerOrder.picked_by == picker.id)).switch(CustomerOrder)
             .join(counts, JOIN.LEFT_OUTER, on=(counts.c.order_id == CustomerOrder.id)))
    return [OrderRow(int(order_id), number, at, customer_id, customer_name or "", channel, reference or "", note or "",
                     status, int(lines or 0), taken_by or "", picked_at, picked_by or "", sold_as or "", closed_at)
            for (order_id, number, at, customer_id, customer_name, channel, reference, note, status, lines, taken_by,
                 picked_at, picked_by, sold_as, closed_at) in query.tuples()]


def find_orders(actor: Actor, *, status: str | Sequence[str] | None = None, text: str = "",
                limit: int = LIST_MAX) -> list[OrderRow]:
    """Orders in ``status`` (one, several, or None: any) whose number, customer or reference
    contains ``text``. Only open and picked orders asked for: the work queue, oldest first;
    otherwise newest first. At most ``limit`` rows."""
    require(actor, "counter.sell")
    wanted = (status,) if isinstance(status, str) else tuple(status or ())
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown:
        raise ValidationError({"status": _("Order status: one of {statuses}, not {status!r}.").format(
            statuses=", ".join(STATUSES), status=unknown[0][:20])})
    text = _clean(text)[:TEXT_MAX]
    query = CustomerOrder.select()
    if wanted:
        query = query.where(CustomerOrder.status.in_(wanted))
    if text:
        number = normalize_number(text)
        query = query.where((CustomerOrder.number == number) | CustomerOrder.number.contains(text)
                            | CustomerOrder.reference.contains(text) | Customer.name.contains(text))
    queue = bool(wanted) and set(wanted) <= set(OPEN_STATUSES)
    order = (CustomerOrder.at, CustomerOrder.id) if queue else (CustomerOrder.at.desc(), CustomerOrder.id.desc())
    return _rows(query.order_by(*order).limit(max(1, min(int(limit), LIST_MAX))))


def _get(number: object, *, lock: bool = False) -> CustomerOrder:
    wanted = normalize_number(number)
    if not wanted:
        raise UserError(_("Scan the pick list's barcode or type the order's number, e.g. SO-000001."))
    query = CustomerOrder.select().where(CustomerOrder.number == wanted)
    if lock and is_postgres():
        query = query.for_update()  # two counters acting on one order queue here
    order = query.first()
    if order is None:
        raise UserError(_("There is no order {number}.").format(number=wanted))
    return order


def get_order(actor: Actor, number: str) -> OrderRow:
    """The order ``number`` (as typed or scanned). Raises ``UserError`` when there is none."""
    require(actor, "counter.sell")
    order = _get(number)
    return _rows(CustomerOrder.select().where(CustomerOrder.id == order.id))[0]


def _done_message(order: CustomerOrder) -> str:
    if order.status == "sold":
        return _("Order {number} was already sold as {sale}.").format(number=order.number, sale=order.sold_as)
    return _("Order {number} was cancelled.").format(number=order.number)


def order_lines(actor: Actor, number: str) -> OrderCart:
    """The open or picked order ``number`` as the cart loads it to sell it: its lines (with the
    discounts and typed prices as taken) and customer. Raises ``UserError`` for an order that
    was sold or cancelled."""
    require(actor, "counter.sell")
    order = _get(number)
    if order.status not in OPEN_STATUSES:
        raise UserError(_done_message(order))
    lines = tuple(LineRequest(line.part_id, line.qty, line.discount_bp, line.override_price) for line in
                  CustomerOrderLine.select().where(CustomerOrderLine.order == order.id)
                  .order_by(CustomerOrderLine.line_no))
    return OrderCart(order.number, order.status, order.customer_id, lines)


def pick_list(actor: Actor, number: str) -> PickList:
    """What the pick list of order ``number`` prints (see ``pick_list_document``), for a user who
    works orders."""
    require(actor, "counter.sell")
    return pick_list_document(number)


def pick_list_document(number: str) -> PickList:
    """What the pick list of order ``number`` (as typed or scanned) prints: the order, the shop,
    and its lines sorted by bin with what the sellable shelves hold now (a short line is
    flagged). Read-only and without personal data beyond the customer's name, so any user at
    the terminal may print it (like a sale's reprint); any status (a sold order's list prints
    again). Raises ``UserError`` when there is no such order."""
    order = _get(number)
    rows = list(CustomerOrderLine.select(CustomerOrderLine.line_no, CustomerOrderLine.qty, Part.id, Part.number,
                                         Brand.name, Part.name_en, Part.name_zh, Part.unit, Part.bin)
                .join(Part, on=(CustomerOrderLine.part == Part.id))
                .join(Brand, JOIN.LEFT_OUTER, on=(Part.brand == Brand.id))
                .where(CustomerOrderLine.order == order.id).order_by(CustomerOrderLine.line_no).tuples())
    available = stock.on_hand([row[2] for row in rows])
    lines = []
    for line_no, qty, part_id, part_number, brand, name_en, name_zh, unit, bin_location in rows:
        lines.append(PickLine(line_no, part_id, part_number, brand or "", name_en, name_zh or "", qty, unit,
                              bin_location or "", available[part_id]))
        available[part_id] -= qty
    lines.sort(key=lambda line: (*bin_key(line.bin, line.part_number), line.line_no))
    row = _rows(CustomerOrder.select().where(CustomerOrder.id == order.id))[0]
    return PickList(
        shop_name=settings.get("shop.name"), shop_address=settings.get("shop.address"),
        shop_phone=settings.get("shop.phone"), shop_tax_id=settings.get("shop.tax_id"),
        currency=settings.get("shop.currency"), number=order.number, at=_local(order.at), printed_at=_local(now()),
        customer_name=row.customer_name, channel=order.channel,
        channel_label=_(CHANNELS.get(order.channel, order.channel)), reference=row.reference, note=row.note,
        status=order.status, taken_by=row.taken_by, picked_at=_local(order.picked_at), picked_by=row.picked_by,
        sold_as=row.sold_as, lines=tuple(lines))


# --- what becomes of an order ------------------------------------------------------------------------

def mark_picked(actor: Actor, number: str) -> OrderRow:
    """The order's parts are off the shelves and waiting at the counter: open → picked, by the
    actor, now; audited. Raises ``UserError`` for an order already picked (saying by whom),
    sold or cancelled; then nothing changes."""
    require(actor, "counter.sell")
    with transaction():
        order = _get(number, lock=True)
        if order.status == "picked":
            who = _rows(CustomerOrder.select().where(CustomerOrder.id == order.id))[0].picked_by
            if who:
                raise UserError(_("Order {number} is already picked (by {who}).").format(number=order.number, who=who))
            raise UserError(_("Order {number} is already picked.").format(number=order.number))
        if order.status != "open":
            raise UserError(_done_message(order))
        stamp = now()
        CustomerOrder.update(status="picked", picked_at=stamp, picked_by=actor.user_id).where(
            CustomerOrder.id == order.id).execute()
        audit.record("order.picked", actor=actor, object_type="customer_order", object_id=order.number,
                     old={"status": "open"}, new={"status": "picked"})
        return _rows(CustomerOrder.select().where(CustomerOrder.id == order.id))[0]


def cancel_order(actor: Actor, number: str, reason: str) -> OrderRow:
    """The customer no longer wants the order (``reason`` says why, for the audit): open or
    picked → cancelled. Raises ``ValidationError`` without a reason, ``UserError`` for an order
    sold or already cancelled; then nothing changes."""
    require(actor, "counter.sell")
    reason = _clean(reason)
    if not reason or len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Say why the order is cancelled (1 to {most} characters).").format(
            most=REASON_MAX)})
    with transaction():
        order = _get(number, lock=True)
        if order.status not in OPEN_STATUSES:
            raise UserError(_done_message(order))
        CustomerOrder.update(status="cancelled", closed_at=now()).where(CustomerOrder.id == order.id).execute()
        audit.record("order.cancel", actor=actor, object_type="customer_order", object_id=order.number,
                     reason=reason, old={"status": order.status}, new={"status": "cancelled"})
        return _rows(CustomerOrder.select().where(CustomerOrder.id == order.id))[0]


def mark_sold(actor: Actor, number: str, *, sale_number: str) -> None:
    """Inside ``sales.commit_sale``'s transaction: the open or picked order ``number`` was sold as
    ``sale_number``. Raises ``UserError`` for an order sold or cancelled, so the whole sale
    rolls back and nothing is written."""
    if not database.obj.in_transaction():
        raise RuntimeError("an order is marked sold inside the transaction of the sale that sells it")
    order = _get(number, lock=True)
    if order.status not in OPEN_STATUSES:
        raise UserError(_("{message} Nothing was sold.").format(message=_done_message(order)))
    CustomerOrder.update(status="sold", sold_as=sale_number, closed_at=now()).where(
        CustomerOrder.id == order.id).execute()
    audit.record("order.sold", actor=actor, object_type="customer_order", object_id=order.number,
                 old={"status": order.status}, new={"status": "sold", "sold_as": sale_number})


__all__ = ["CHANNELS", "OPEN_STATUSES", "STATUSES", "OrderCart", "OrderRow", "PickLine", "PickList", "bin_key",
           "cancel_order", "create_order", "find_orders", "get_order", "mark_picked", "mark_sold", "normalize_number",
           "order_lines", "pick_list",
           "pick_list_document"]
