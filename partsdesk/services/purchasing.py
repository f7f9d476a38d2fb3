"""Suppliers, what they charge for each part, purchase orders and receiving goods.

Suppliers carry their terms (contact, lead time, payment terms). A part can be bought from several
suppliers, each with their own part number, price and pack (``supplier_part``); ``compare_prices``
lays them side by side — the handbook's enquiry-and-compare step — and one of them is the part's
preferred supplier (the one reorder drafts go to; ``Part.supplier`` follows it).

A purchase order (PO number) is a draft until it is sent: only a draft takes or loses lines (a
line taken off is marked removed, never deleted). Sending fixes it (the PDF goes to the supplier);
receiving moves it to partly_received and received; closing says the rest is not coming,
cancelling that nothing is. A sent order past its expected date and not fully received is late.

Receiving (GR number) works against a sent order or without one. Against an order each line is
compared with what was still outstanding: more is flagged *over*, less *short*, a part that is not
on the order (or is named as a stand-in for one that is) *substitute*. Inspection splits what came
in: accepted goes to sellable stock (MAIN), rejected to QUARANTINE with a reason — both as stock
moves of the receipt, in its one transaction. Only accepted goods count against the order line: a
rejected part is still owed by the supplier. Accepted goods update the part's moving-average cost
(``domain.stock.moving_average_cost``: on hand ≤ 0 takes the receipt's cost), and a put-away bin
given on the line becomes the part's bin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.fields import clean_day, clean_line
from partsdesk.domain.money import format_quantity, line_amount, parse_money, parse_quantity
from partsdesk.domain.permissions import Actor, require
from partsdesk.domain.stock import moving_average_cost
from partsdesk.i18n import N_, _
from partsdesk.models import (
    AppUser,
    Brand,
    GoodsReceipt,
    GoodsReceiptLine,
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierPart,
    transaction,
)
from partsdesk.models.stock import MAIN_LOCATION_ID, QUARANTINE_LOCATION_ID
from partsdesk.services import audit, numbering, settings, stock
from partsdesk.services.catalog import name_key
from partsdesk.services.clock import now

OPEN_STATUSES = ("draft", "sent", "partly_received")  # an order whose goods may still come
RECEIVABLE = ("sent", "partly_received")
STATUS_LABELS = {"draft": N_("Draft"), "sent": N_("Sent"), "partly_received": N_("Partly received"),
                 "received": N_("Received"), "closed": N_("Closed"), "cancelled": N_("Cancelled")}
NAME_MAX, TEXT_MAX, NOTE_MAX, NUMBER_MAX, BIN_MAX, REASON_MAX = 120, 120, 500, 60, 20, 200
LEAD_TIME_MAX = 365
LINES_MAX = 2_000
QTY_MAX = 10**12
RECEIPT_REASON = "receipt"  # stock move of accepted goods, into MAIN
REJECT_REASON = "receipt_rejected"  # stock move of rejected goods, into QUARANTINE


# --- results ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SupplierDetail:
    id: int
    name: str
    contact_person: str
    phone: str
    email: str
    address: str
    lead_time_days: int
    payment_terms: str
    note: str
    active: bool


@dataclass(frozen=True)
class SupplierPrice:
    """One supplier's offer for a part, as ``compare_prices`` lists them (cheapest per unit first)."""

    supplier_id: int
    supplier: str
    supplier_number: str
    price: int  # minor units per unit
    pack_qty: int  # thousandths
    preferred: bool
    lead_time_days: int
    cheapest: bool
    active: bool


@dataclass(frozen=True)
class OrderLine:
    line_no: int
    part_id: int
    part_number: str
    brand: str
    description: str
    unit: str
    supplier_number: str
    qty: int
    unit_price: int
    qty_received: int

    @property
    def amount(self) -> int:
        return line_amount(self.unit_price, self.qty)

    @property
    def outstanding(self) -> int:
        return max(0, self.qty - self.qty_received)


@dataclass(frozen=True)
class OrderDetail:
    number: str
    supplier_id: int
    supplier: str
    status: str
    origin: str
    expected_date: date | None
    note: str
    created_at: datetime
    created_by: str
    sent_at: datetime | None
    closed_at: datetime | None
    lines: tuple[OrderLine, ...]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class OrderRow:
    """A purchase order in a list (the late list, the orders view)."""

    number: str
    supplier: str
    status: str
    expected_date: date | None
    lines: int
    outstanding_lines: int
    total: int
    days_late: int  # 0: not late


@dataclass(frozen=True)
class PurchaseOrderDocument:
    """Everything the printed PO shows, totals worked out here (``printing.purchase_order`` lays it out)."""

    order: OrderDetail
    supplier: SupplierDetail
    shop_name: str
    shop_address: str
    shop_phone: str
    shop_tax_id: str
    currency: str
    printed_at: datetime


@dataclass(frozen=True)
class ReceiveLine:
    """One part as the receiving screen hands it in: ``qty`` thousandths came in, of which
    ``rejected`` go to quarantine (``reject_reason`` required then). ``unit_cost`` None: the
    order line's price, else the supplier's price, else the part's cost. ``bin``: where it was put
    away (becomes the part's bin). ``substitute_for``: the ordered part this one stands in for."""

    part_id: int
    qty: int
    rejected: int = 0
    reject_reason: str = ""
    unit_cost: int | None = None
    bin: str = ""
    substitute_for: int | None = None


@dataclass(frozen=True)
class ReceivedLine:
    line_no: int
    part_id: int
    part_number: str
    qty: int
    accepted: int
    rejected: int
    reject_reason: str
    unit_cost: int
    cost_before: int
    cost_after: int
    over: bool
    short: bool
    substitute: bool
    bin: str


@dataclass(frozen=True)
class ReceiptResult:
    number: str  # GR-…: what the labels for the received goods are printed from
    order_number: str
    order_status: str
    lines: tuple[ReceivedLine, ...]
    still_outstanding: tuple[OrderLine, ...]  # the order's lines still owed after this receipt


# --- helpers ------------------------------------------------------------------------------------

def _money(value: object, *, field: str, label: str) -> int:
    """Minor units: an int is taken as minor units already, text is parsed as typed ("12.50")."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValidationError({field: _("{label} cannot be negative.").format(label=label)})
        return value
    return parse_money(value, field=field, label=label)


def _qty(value: object, *, field: str, label: str, positive: bool = True) -> int:
    """Thousandths: an int is taken as thousandths already, text is parsed as typed ("2.5")."""
    if isinstance(value, int) and not isinstance(value, bool):
        milli = value
    else:
        milli = parse_quantity(value, field=field, label=label)
    if milli < 0 or (positive and milli == 0):
        raise ValidationError({field: (_("{label} must be more than zero.") if positive
                                       else _("{label} cannot be negative.")).format(label=label)})
    if milli > QTY_MAX:
        raise ValidationError({field: _("{label} is too large.").format(label=label)})
    return milli


def _supplier(supplier_id: object) -> Supplier:
    found = Supplier.get_or_none(Supplier.id == supplier_id) if isinstance(supplier_id, int) else None
    if found is None:
        raise UserError(_("There is no supplier {id}. Choose one from the list of suppliers.").format(id=supplier_id))
    return found


def _part(part_id: object) -> Part:
    found = Part.get_or_none(Part.id == part_id) if isinstance(part_id, int) else None
    if found is None:
        raise UserError(_("There is no part {id} in the catalogue. Look the part up again.").format(id=part_id))
    return found


def normalize_number(text: object) -> str:
    return "".join(str(text or "").split()).upper()[:40]


def _order(number: object) -> PurchaseOrder:
    found = PurchaseOrder.get_or_none(PurchaseOrder.number == normalize_number(number))
    if found is None:
        raise UserError(_("There is no purchase order {number}. Check the number.").format(
            number=normalize_number(number) or _("(no number)")))
    return found


def _names(ids: Sequence[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return dict(AppUser.select(AppUser.id, AppUser.display_name).where(AppUser.id.in_(wanted)).tuples())


def _detail(row: Supplier) -> SupplierDetail:
    return SupplierDetail(id=row.id, name=row.name, contact_person=row.contact_person, phone=row.phone,
                          email=row.email, address=row.address, lead_time_days=int(row.lead_time_days),
                          payment_terms=row.payment_terms, note=row.note, active=bool(row.active))


# --- suppliers ----------------------------------------------------------------------------------

SUPPLIER_FIELDS = ("name", "contact_person", "phone", "email", "address", "lead_time_days", "payment_terms", "note",
                   "active")


def clean_supplier(raw: Mapping[str, object]) -> dict[str, object]:
    """The supplier's fields checked; every problem at once in one ``ValidationError``."""
    problems: dict[str, str] = {}
    clean: dict[str, object] = {}

    def line(field: str, label: str, limit: int, *, required: bool = False) -> None:
        try:
            clean[field] = clean_line(raw.get(field, ""), field=field, label=label, max_length=limit,
                                      required=required)
        except ValidationError as error:
            problems.update(error.problems)

    line("name", _("Name"), NAME_MAX, required=True)
    line("contact_person", _("Contact person"), TEXT_MAX)
    line("phone", _("Phone"), 40)
    line("email", _("E-mail"), TEXT_MAX)
    line("address", _("Address"), 300)
    line("payment_terms", _("Payment terms"), TEXT_MAX)
    line("note", _("Note"), NOTE_MAX)
    email = clean.get("email", "")
    if email and ("@" not in str(email) or " " in str(email) or str(email).startswith("@")
                  or str(email).endswith("@")):
        problems["email"] = _("E-mail: {email!r} is not an e-mail address (name@example.com).").format(email=email)
    lead = raw.get("lead_time_days", 0)
    text = str(lead).strip() if lead is not None else "0"
    if isinstance(lead, bool) or not (text or "0").isdigit() or int(text or "0") > LEAD_TIME_MAX:
        problems["lead_time_days"] = _("Lead time: a whole number of days from 0 to {most}.").format(most=LEAD_TIME_MAX)
    else:
        clean["lead_time_days"] = int(text or "0")
    clean["active"] = bool(raw.get("active", True))
    if problems:
        raise ValidationError(problems)
    return clean


def save_supplier(actor: Actor, supplier_id: int | None, raw: Mapping[str, object]) -> int:
    """Add (``supplier_id`` None) or change a supplier; returns its id. Names are unique
    regardless of case and spacing."""
    require(actor, "stock.purchase")
    clean = clean_supplier(raw)
    key = name_key(str(clean["name"]))
    with transaction():
        clash = Supplier.get_or_none(Supplier.name_key == key)
        if clash is not None and clash.id != supplier_id:
            raise ValidationError({"name": _("There is already a supplier called {name}.").format(name=clash.name)})
        if supplier_id is None:
            supplier_id = int(Supplier.insert(name_key=key, **clean).execute())
            audit.record("supplier.add", actor=actor, object_type="supplier", object_id=supplier_id, new=clean)
        else:
            old = _detail(_supplier(supplier_id))
            Supplier.update(name_key=key, **clean).where(Supplier.id == supplier_id).execute()
            audit.record("supplier.edit", actor=actor, object_type="supplier", object_id=supplier_id,
                         old={f: getattr(old, f) for f in SUPPLIER_FIELDS}, new=clean)
    return supplier_id


def get_supplier(actor: Actor, supplier_id: int) -> SupplierDetail:
    require(actor, "catalog.view")
    return _detail(_supplier(supplier_id))


def list_suppliers(actor: Actor, *, include_inactive: bool = False) -> list[SupplierDetail]:
    require(actor, "catalog.view")
    query = Supplier.select()
    if not include_inactive:
        query = query.where(Supplier.active == True)  # noqa: E712 (peewee expression)
    return [_detail(row) for row in query.order_by(Supplier.name_key)]


# --- supplier prices ----------------------------------------------------------------------------

def set_supplier_price(actor: Actor, supplier_id: int, part_id: int, *, price: object, pack: object = 1000,
                       supplier_number: str = "", preferred: bool = False) -> None:
    """Record (or replace) what ``supplier_id`` charges for ``part_id``: ``price`` per unit
    (minor units, or text as typed), ``pack`` (thousandths, or text: "8"), their part number.
    ``preferred``: this supplier becomes the part's one preferred supplier (the others lose it and
    ``Part.supplier`` follows)."""
    require(actor, "stock.purchase")
    problems: dict[str, str] = {}
    clean: dict[str, object] = {}
    for field, parse in (("price", lambda: _money(price, field="price", label=_("Price"))),
                         ("pack_qty", lambda: _qty(pack, field="pack_qty", label=_("Pack"))),
                         ("supplier_number", lambda: clean_line(supplier_number, field="supplier_number",
                                                                label=_("Supplier's part number"),
                                                                max_length=NUMBER_MAX))):
        try:
            clean[field] = parse()
        except ValidationError as error:
            problems.update(error.problems)
    if problems:
        raise ValidationError(problems)
    supplier, part = _supplier(supplier_id), _part(part_id)
    if not supplier.active:
        raise UserError(_("{supplier} is marked inactive. Make the supplier active again first.").format(
            supplier=supplier.name))
    with transaction():
        old = SupplierPart.get_or_none((SupplierPart.supplier == supplier.id) & (SupplierPart.part == part.id))
        if preferred:
            SupplierPart.update(preferred=False).where((SupplierPart.part == part.id)
                                                       & (SupplierPart.supplier != supplier.id)).execute()
            Part.update(supplier=supplier.id, updated_at=now()).where(Part.id == part.id).execute()
        keep_preferred = bool(preferred or (old is not None and old.preferred))
        SupplierPart.insert(supplier=supplier.id, part=part.id, preferred=keep_preferred, updated_at=now(),
                            **clean).on_conflict(
            conflict_target=[SupplierPart.supplier, SupplierPart.part],
            update={SupplierPart.price: clean["price"], SupplierPart.pack_qty: clean["pack_qty"],
                    SupplierPart.supplier_number: clean["supplier_number"], SupplierPart.preferred: keep_preferred,
                    SupplierPart.updated_at: now()}).execute()
        audit.record("supplier.price", actor=actor, object_type="part", object_id=part.id,
                     old=None if old is None else {"supplier": supplier.name, "price": old.price,
                                                   "pack_qty": old.pack_qty, "preferred": bool(old.preferred)},
                     new={"supplier": supplier.name, **clean, "preferred": keep_preferred})


def remove_supplier_price(actor: Actor, supplier_id: int, part_id: int) -> None:
    """Forget what ``supplier_id`` charges for ``part_id`` (a preferred one leaves the part without one)."""
    require(actor, "stock.purchase")
    with transaction():
        row = SupplierPart.get_or_none((SupplierPart.supplier == supplier_id) & (SupplierPart.part == part_id))
        if row is None:
            raise UserError(_("That supplier has no price for this part."))
        SupplierPart.delete().where(SupplierPart.id == row.id).execute()
        if row.preferred:
            Part.update(supplier=None, updated_at=now()).where(
                (Part.id == part_id) & (Part.supplier == supplier_id)).execute()
        audit.record("supplier.price_remove", actor=actor, object_type="part", object_id=part_id,
                     old={"supplier_id": supplier_id, "price": row.price})


def compare_prices(actor: Actor, part_id: int) -> list[SupplierPrice]:
    """Every supplier's offer for the part side by side, cheapest per unit first; the preferred
    one marked, and the cheapest (of the active suppliers) marked too — they need not agree:
    a supplier may be preferred for speed or terms."""
    require(actor, "catalog.view_cost")
    _part(part_id)
    rows = list(SupplierPart.select(SupplierPart, Supplier).join(Supplier, on=(SupplierPart.supplier == Supplier.id))
                .where(SupplierPart.part == part_id).order_by(SupplierPart.price, Supplier.name_key))
    active_prices = [row.price for row in rows if row.supplier.active]
    cheapest = min(active_prices) if active_prices else None
    return [SupplierPrice(supplier_id=row.supplier.id, supplier=row.supplier.name,
                          supplier_number=row.supplier_number, price=row.price, pack_qty=row.pack_qty,
                          preferred=bool(row.preferred), lead_time_days=int(row.supplier.lead_time_days),
                          cheapest=bool(row.supplier.active) and row.price == cheapest,
                          active=bool(row.supplier.active)) for row in rows]


# --- purchase orders ----------------------------------------------------------------------------

def _offer(supplier_id: int, part: Part) -> tuple[int, str]:
    """The price and part number a new order line takes: the supplier's, else the part's cost."""
    row = SupplierPart.get_or_none((SupplierPart.supplier == supplier_id) & (SupplierPart.part == part.id))
    return (row.price, row.supplier_number) if row is not None else (int(part.cost), "")


def _insert_line(order: PurchaseOrder, part: Part, qty: int, unit_price: int | None) -> int:
    clash = (PurchaseOrderLine.select().where((PurchaseOrderLine.order == order.id)
                                              & (PurchaseOrderLine.part == part.id)
                                              & (PurchaseOrderLine.removed == False))  # noqa: E712
             .first())
    if clash is not None:
        raise UserError(_("{part} is already on {number} (line {line}). Remove that line and "
                          "add the part again with the new quantity.").format(part=part.number, number=order.number,
                                                                               line=clash.line_no))
    price, supplier_number = _offer(order.supplier_id, part)
    last = (PurchaseOrderLine.select(PurchaseOrderLine.line_no).where(PurchaseOrderLine.order == order.id)
            .order_by(PurchaseOrderLine.line_no.desc()).scalar()) or 0
    PurchaseOrderLine.insert(order=order.id, line_no=last + 1, part=part.id, supplier_number=supplier_number,
                             qty=qty, unit_price=price if unit_price is None else unit_price).execute()
    return last + 1


def _draft(number: object) -> PurchaseOrder:
    order = _order(number)
    if order.status != "draft":
        raise UserError(_("{number} is {status}: only a draft order can be "
                          "changed. Start a new order for more parts.").format(
            number=order.number, status=_(STATUS_LABELS[order.status]).lower()))
    return order


def create_order(actor: Actor, supplier_id: int, *, expected_date: object = None, note: str = "",
                 lines: Sequence[tuple[int, object] | tuple[int, object, object]] = ()) -> str:
    """A draft purchase order to ``supplier_id``; returns its PO number. ``lines``: (part id,
    quantity[, unit price]) each. No expected date: today plus the supplier's lead time, if set."""
    require(actor, "stock.purchase")
    supplier = _supplier(supplier_id)
    if not supplier.active:
        raise UserError(_("{supplier} is marked inactive. Make the supplier active again to order from it.").format(
            supplier=supplier.name))
    note = clean_line(note, field="note", label=_("Note"), max_length=NOTE_MAX)
    if expected_date in (None, ""):
        expected = (now().date() + timedelta(days=supplier.lead_time_days)) if supplier.lead_time_days else None
    else:
        expected = clean_day(expected_date, "expected_date", _("Expected date"))
    if len(lines) > LINES_MAX:
        raise ValidationError({"lines": _("An order holds at most {most} lines.").format(most=LINES_MAX)})
    checked = []
    for index, line in enumerate(lines, start=1):
        part = _part(line[0])
        qty = _qty(line[1], field="qty", label=_("Line {line}: quantity").format(line=index))
        price = (_money(line[2], field="unit_price", label=_("Line {line}: price").format(line=index))
                 if len(line) > 2 else None)
        checked.append((part, qty, price))
    with transaction():
        number = numbering.take_number("purchase_order")
        order_id = PurchaseOrder.insert(number=number, supplier=supplier.id, expected_date=expected, note=note,
                                        created_at=now(), created_by=actor.user_id).execute()
        order = PurchaseOrder.get_by_id(order_id)
        for part, qty, price in checked:
            _insert_line(order, part, qty, price)
        audit.record("purchase_order.create", actor=actor, object_type="purchase_order", object_id=number,
                     new={"supplier": supplier.name, "lines": len(checked),
                          "expected_date": expected.isoformat() if expected else None})
    return number


def add_line(actor: Actor, number: str, part_id: int, qty: object, unit_price: object = None) -> int:
    """Add a part to a draft order (the supplier's price unless ``unit_price`` is given); returns the line number."""
    require(actor, "stock.purchase")
    part = _part(part_id)
    qty_milli = _qty(qty, field="qty", label=_("Quantity"))
    price = None if unit_price in (None, "") else _money(unit_price, field="unit_price", label=_("Price"))
    with transaction():
        order = _draft(number)
        line_no = _insert_line(order, part, qty_milli, price)
        audit.record("purchase_order.add_line", actor=actor, object_type="purchase_order", object_id=order.number,
                     new={"line": line_no, "part": part.number, "qty": qty_milli})
    return line_no


def remove_line(actor: Actor, number: str, line_no: int) -> None:
    """Take a line off a draft order (it is marked removed: never printed, never received against)."""
    require(actor, "stock.purchase")
    with transaction():
        order = _draft(number)
        line = PurchaseOrderLine.get_or_none((PurchaseOrderLine.order == order.id)
                                             & (PurchaseOrderLine.line_no == line_no)
                                             & (PurchaseOrderLine.removed == False))  # noqa: E712
        if line is None:
            raise UserError(_("{number} has no line {line}.").format(number=order.number, line=line_no))
        PurchaseOrderLine.update(removed=True).where(PurchaseOrderLine.id == line.id).execute()
        audit.record("purchase_order.remove_line", actor=actor, object_type="purchase_order",
                     object_id=order.number, old={"line": line_no, "part_id": line.part_id, "qty": line.qty})


def set_expected_date(actor: Actor, number: str, expected_date: object) -> None:
    """When the goods of an open order are expected (what the late list chases)."""
    require(actor, "stock.purchase")
    expected = clean_day(expected_date, "expected_date", _("Expected date"))
    with transaction():
        order = _order(number)
        if order.status not in OPEN_STATUSES:
            raise UserError(_("{number} is {status}: nothing more is expected.").format(
                number=order.number, status=_(STATUS_LABELS[order.status]).lower()))
        PurchaseOrder.update(expected_date=expected).where(PurchaseOrder.id == order.id).execute()
        audit.record("purchase_order.expected", actor=actor, object_type="purchase_order", object_id=order.number,
                     old=order.expected_date.isoformat() if order.expected_date else None, new=expected.isoformat())


def _lines(order_id: int, *, include_removed: bool = False) -> tuple[OrderLine, ...]:
    query = (PurchaseOrderLine.select(PurchaseOrderLine.line_no, PurchaseOrderLine.part, Part.number, Brand.name,
                                      Part.name_en, Part.unit, PurchaseOrderLine.supplier_number,
                                      PurchaseOrderLine.qty, PurchaseOrderLine.unit_price,
                                      PurchaseOrderLine.qty_received)
             .join(Part, on=(PurchaseOrderLine.part == Part.id)).join(Brand, on=(Part.brand == Brand.id))
             .where(PurchaseOrderLine.order == order_id).order_by(PurchaseOrderLine.line_no))
    if not include_removed:
        query = query.where(PurchaseOrderLine.removed == False)  # noqa: E712
    return tuple(OrderLine(*row) for row in query.tuples())


def _order_detail(order: PurchaseOrder) -> OrderDetail:
    names = _names([order.created_by_id])
    return OrderDetail(number=order.number, supplier_id=order.supplier_id, supplier=Supplier.get_by_id(
        order.supplier_id).name, status=order.status, origin=order.origin, expected_date=order.expected_date,
        note=order.note, created_at=order.created_at, created_by=names.get(order.created_by_id, _("Command line")),
        sent_at=order.sent_at, closed_at=order.closed_at, lines=_lines(order.id))


def get_order(actor: Actor, number: str) -> OrderDetail:
    require(actor, "stock.purchase")
    return _order_detail(_order(number))


def order_document(actor: Actor, number: str) -> PurchaseOrderDocument:
    """What the printed PO shows (for a reprint, too)."""
    require(actor, "stock.purchase")
    order = _order(number)
    return PurchaseOrderDocument(order=_order_detail(order), supplier=_detail(Supplier.get_by_id(order.supplier_id)),
                                 shop_name=settings.get("shop.name"), shop_address=settings.get("shop.address"),
                                 shop_phone=settings.get("shop.phone"), shop_tax_id=settings.get("shop.tax_id"),
                                 currency=settings.get("shop.currency"), printed_at=now())


def send(actor: Actor, number: str) -> PurchaseOrderDocument:
    """Mark a draft sent (it can no longer change) and return what its PDF prints
    (``printing.purchase_order.write_purchase_order``)."""
    require(actor, "stock.purchase")
    with transaction():
        order = _draft(number)
        if not _lines(order.id):
            raise UserError(_("{number} has no lines. Add the parts to order before sending it.").format(
                number=order.number))
        PurchaseOrder.update(status="sent", sent_at=now(), sent_by=actor.user_id).where(
            PurchaseOrder.id == order.id).execute()
        audit.record("purchase_order.send", actor=actor, object_type="purchase_order", object_id=order.number,
                     old="draft", new="sent")
    return order_document(actor, number)


def cancel(actor: Actor, number: str, reason: str) -> None:
    """Cancel a draft or sent order of which nothing was received."""
    require(actor, "stock.purchase")
    reason = clean_line(reason, field="reason", label=_("Reason"), max_length=REASON_MAX, required=True)
    with transaction():
        order = _order(number)
        if order.status not in ("draft", "sent"):
            status = _(STATUS_LABELS[order.status]).lower()
            if order.status == "partly_received":
                raise UserError(_("{number} is {status}: it cannot be cancelled. Close it instead: the rest is then no "
                                  "longer expected.").format(number=order.number, status=status))
            raise UserError(_("{number} is {status}: it cannot be cancelled.").format(number=order.number,
                                                                                      status=status))
        PurchaseOrder.update(status="cancelled", closed_at=now(), closed_by=actor.user_id).where(
            PurchaseOrder.id == order.id).execute()
        audit.record("purchase_order.cancel", actor=actor, object_type="purchase_order", object_id=order.number,
                     reason=reason, old=order.status, new="cancelled")


def close(actor: Actor, number: str, reason: str) -> None:
    """Close a sent or partly received order: what is still outstanding is no longer expected
    (it leaves "on order" and the reorder suggestions may order it again)."""
    require(actor, "stock.purchase")
    reason = clean_line(reason, field="reason", label=_("Reason"), max_length=REASON_MAX, required=True)
    with transaction():
        order = _order(number)
        if order.status not in RECEIVABLE:
            status = _(STATUS_LABELS[order.status]).lower()
            if order.status == "draft":
                raise UserError(_("{number} is {status}: only a sent order can be closed. Cancel a draft "
                                  "instead.").format(number=order.number, status=status))
            raise UserError(_("{number} is {status}: only a sent order can be closed.").format(number=order.number,
                                                                                               status=status))
        PurchaseOrder.update(status="closed", closed_at=now(), closed_by=actor.user_id).where(
            PurchaseOrder.id == order.id).execute()
        audit.record("purchase_order.close", actor=actor, object_type="purchase_order", object_id=order.number,
                     reason=reason, old=order.status, new="closed")


def _rows(query, today: date) -> list[OrderRow]:
    orders = list(query)
    if not orders:
        return []
    ids = [o.id for o in orders]
    suppliers = dict(Supplier.select(Supplier.id, Supplier.name)
                     .where(Supplier.id.in_(sorted({o.supplier_id for o in orders}))).tuples())
    stats: dict[int, list[int]] = {i: [0, 0, 0] for i in ids}
    for order_id, qty, price, received in (PurchaseOrderLine.select(
            PurchaseOrderLine.order, PurchaseOrderLine.qty, PurchaseOrderLine.unit_price,
            PurchaseOrderLine.qty_received).where(PurchaseOrderLine.order.in_(ids)
                                                  & (PurchaseOrderLine.removed == False)).tuples()):  # noqa: E712
        stats[order_id][0] += 1
        stats[order_id][1] += 1 if received < qty else 0
        stats[order_id][2] += line_amount(price, qty)
    return [OrderRow(number=o.number, supplier=suppliers[o.supplier_id], status=o.status,
                     expected_date=o.expected_date, lines=stats[o.id][0], outstanding_lines=stats[o.id][1],
                     total=stats[o.id][2],
                     days_late=max(0, (today - o.expected_date).days)
                     if o.expected_date and o.status in RECEIVABLE else 0) for o in orders]


def list_orders(actor: Actor, *, statuses: Sequence[str] = OPEN_STATUSES, limit: int = 200) -> list[OrderRow]:
    """Orders in ``statuses``, newest first."""
    require(actor, "stock.purchase")
    query = (PurchaseOrder.select().where(PurchaseOrder.status.in_(list(statuses)))
             .order_by(PurchaseOrder.id.desc()).limit(limit))
    return _rows(query, now().date())


def late_orders(actor: Actor, *, today: date | None = None) -> list[OrderRow]:
    """Sent orders past their expected date and not fully received: the list to chase, the
    longest overdue first."""
    require(actor, "stock.purchase")
    today = today or now().date()
    query = (PurchaseOrder.select().where(PurchaseOrder.status.in_(list(RECEIVABLE))
                                          & PurchaseOrder.expected_date.is_null(False)
                                          & (PurchaseOrder.expected_date < today))
             .order_by(PurchaseOrder.expected_date, PurchaseOrder.id))
    return _rows(query, today)


# --- receiving ----------------------------------------------------------------------------------

def _check_receive_lines(lines: Sequence[ReceiveLine]) -> list[ReceiveLine]:
    """The lines as given, checked: every problem at once in one ``ValidationError``."""
    if not lines:
        raise UserError(_("Nothing to receive: scan or add the parts that came in."))
    if len(lines) > LINES_MAX:
        raise ValidationError({"lines": _("A receipt holds at most {most} lines.").format(most=LINES_MAX)})
    problems: dict[str, str] = {}
    seen: set[int] = set()
    for index, line in enumerate(lines, start=1):
        where = f"line_{index}"
        if not isinstance(line.part_id, int) or isinstance(line.part_id, bool):
            problems[where] = _("Line {line}: no part chosen.").format(line=index)
            continue
        if line.part_id in seen:
            problems[where] = _("Line {line}: the part is on the receipt twice. Enter it once with the total "
                                "quantity.").format(line=index)
        seen.add(line.part_id)
        if not isinstance(line.qty, int) or line.qty <= 0 or line.qty > QTY_MAX:
            problems[where] = _("Line {line}: the quantity received must be more than zero.").format(line=index)
        elif not isinstance(line.rejected, int) or line.rejected < 0 or line.rejected > line.qty:
            problems[where] = _("Line {line}: the rejected quantity must be between 0 and the quantity received.").format(
                line=index)
        elif line.rejected and not " ".join(str(line.reject_reason or "").split()):
            problems[where] = _("Line {line}: say why the rejected goods go to quarantine (damaged, wrong "
                                "part, …).").format(
                line=index)
        elif len(" ".join(str(line.reject_reason or "").split())) > REASON_MAX:
            problems[where] = _("Line {line}: the reason is at most {most} characters.").format(line=index, most=REASON_MAX)
        elif line.unit_cost is not None and (not isinstance(line.unit_cost, int) or line.unit_cost < 0):
            problems[where] = _("Line {line}: the unit cost cannot be negative.").format(line=index)
        elif len(" ".join(str(line.bin or "").split())) > BIN_MAX:
            problems[where] = _("Line {line}: a bin is at most {most} characters.").format(line=index, most=BIN_MAX)
    if problems:
        raise ValidationError(problems)
    return list(lines)


def receive(actor: Actor, supplier_id: int, lines: Sequence[ReceiveLine], po_number: str | None = None, *,
            note: str = "") -> ReceiptResult:
    """Receive goods from ``supplier_id`` (against ``po_number`` when given); returns the GR
    number and what each line became. One transaction: the receipt, its stock moves (accepted to
    MAIN, rejected to QUARANTINE), the parts' costs and bins, the order's received quantities and
    status, and the audit row — all or nothing."""
    require(actor, "stock.receive")
    checked = _check_receive_lines(lines)
    note = clean_line(note, field="note", label=_("Note"), max_length=NOTE_MAX)
    supplier = _supplier(supplier_id)
    parts = {p.id: p for p in Part.select().where(Part.id.in_(sorted({ln.part_id for ln in checked})))}
    missing = [ln.part_id for ln in checked if ln.part_id not in parts]
    if missing:
        raise UserError(_("There is no part {id} in the catalogue. Look the part up again.").format(id=missing[0]))
    with transaction():
        order = None
        order_lines: dict[int, PurchaseOrderLine] = {}
        if po_number not in (None, ""):
            order = _order(po_number)
            if order.supplier_id != supplier.id:
                raise UserError(_("{number} is an order to {supplier}, not to {other}. Check the delivery note.").format(
                    number=order.number, supplier=Supplier.get_by_id(order.supplier_id).name, other=supplier.name))
            if order.status not in RECEIVABLE:
                status = _(STATUS_LABELS[order.status]).lower()
                if order.status == "draft":
                    raise UserError(_("{number} is {status}: goods cannot be received against it. Send it first. "
                                      "Receive without an order instead.").format(number=order.number, status=status))
                raise UserError(_("{number} is {status}: goods cannot be received against it. Receive without an "
                                  "order instead.").format(number=order.number, status=status))
            order_lines = {row.part_id: row for row in PurchaseOrderLine.select().where(
                (PurchaseOrderLine.order == order.id) & (PurchaseOrderLine.removed == False))}  # noqa: E712
            for index, line in enumerate(checked, start=1):
                if line.substitute_for is not None:
                    if line.substitute_for not in order_lines:
                        raise ValidationError({f"line_{index}": _("Line {line}: the part it stands in for is not "
                                                                  "on {number}.").format(
                            line=index, number=order.number)})
                    if line.part_id in order_lines:
                        raise ValidationError({f"line_{index}": _("Line {line}: {part} is on {number} itself, so "
                                                                  "it is no substitute.").format(
                            line=index, part=parts[line.part_id].number, number=order.number)})
        number = numbering.take_number("goods_receipt")
        receipt_id = GoodsReceipt.insert(number=number, supplier=supplier.id, order=order.id if order else None,
                                         received_at=now(), received_by=actor.user_id, note=note).execute()
        on_hand = stock.on_hand([ln.part_id for ln in checked], sellable_only=True, lock=True)
        done: list[ReceivedLine] = []
        received_on: dict[int, int] = {}  # order line id -> accepted qty added
        for line_no, line in enumerate(checked, start=1):
            part = parts[line.part_id]
            own = order_lines.get(line.part_id)
            against = own or (order_lines.get(line.substitute_for) if line.substitute_for is not None else None)
            substitute = order is not None and own is None
            outstanding = max(0, against.qty - against.qty_received - received_on.get(against.id, 0)) \
                if against is not None else 0
            over = against is not None and line.qty > outstanding
            short = against is not None and line.qty < outstanding
            if line.unit_cost is not None:
                unit_cost = line.unit_cost
            elif own is not None:
                unit_cost = own.unit_price
            else:
                unit_cost = _offer(supplier.id, part)[0]
            accepted = line.qty - line.rejected
            reason = " ".join(str(line.reject_reason or "").split()) if line.rejected else ""
            put_away = " ".join(str(line.bin or "").split())
            GoodsReceiptLine.insert(receipt=receipt_id, line_no=line_no, part=part.id,
                                    order_line=against.id if against else None, qty_received=line.qty,
                                    qty_accepted=accepted, qty_rejected=line.rejected, reject_reason=reason,
                                    unit_cost=unit_cost, is_over=over, is_short=short, is_substitute=substitute,
                                    put_away_bin=put_away).execute()
            cost_after = int(part.cost)
            if accepted:
                stock.post_move(part_id=part.id, qty=accepted, unit_cost=unit_cost, reason=RECEIPT_REASON,
                                document=number, user_id=actor.user_id, location_id=MAIN_LOCATION_ID)
                cost_after = moving_average_cost(on_hand.get(part.id, 0), int(part.cost), accepted, unit_cost)
            if line.rejected:
                stock.post_move(part_id=part.id, qty=line.rejected, unit_cost=unit_cost, reason=REJECT_REASON,
                                document=number, user_id=actor.user_id, location_id=QUARANTINE_LOCATION_ID)
            changes: dict = {}
            if cost_after != part.cost:
                changes[Part.cost] = cost_after
            if put_away and put_away != part.bin:
                changes[Part.bin] = put_away
            if changes:
                Part.update({**changes, Part.updated_at: now()}).where(Part.id == part.id).execute()
            if against is not None and accepted:
                received_on[against.id] = received_on.get(against.id, 0) + accepted
            done.append(ReceivedLine(line_no=line_no, part_id=part.id, part_number=part.number, qty=line.qty,
                                     accepted=accepted, rejected=line.rejected, reject_reason=reason,
                                     unit_cost=unit_cost, cost_before=int(part.cost), cost_after=cost_after,
                                     over=over, short=short, substitute=substitute, bin=put_away))
        status = ""
        outstanding_lines: tuple[OrderLine, ...] = ()
        if order is not None:
            for line_id, qty in received_on.items():
                PurchaseOrderLine.update(qty_received=PurchaseOrderLine.qty_received + qty).where(
                    PurchaseOrderLine.id == line_id).execute()
            outstanding_lines = tuple(line for line in _lines(order.id) if line.outstanding)
            status = "partly_received" if outstanding_lines else "received"
            if status != order.status:
                PurchaseOrder.update(status=status).where(PurchaseOrder.id == order.id).execute()
        audit.record("goods.receive", actor=actor, object_type="goods_receipt", object_id=number,
                     new={"supplier": supplier.name, "order": order.number if order else None,
                          "lines": [{"part": d.part_number, "qty": d.qty, "rejected": d.rejected,
                                     "reason": d.reject_reason, "unit_cost": d.unit_cost, "cost": [d.cost_before,
                                                                                                   d.cost_after],
                                     "flags": [f for f, on in (("over", d.over), ("short", d.short),
                                                               ("substitute", d.substitute)) if on]}
                                    for d in done]})
    return ReceiptResult(number=number, order_number=order.number if order else "", order_status=status,
                         lines=tuple(done), still_outstanding=outstanding_lines)


def describe_flags(line: ReceivedLine, unit: str = "") -> str:
    """"over", "short", "substitute" in words for a receiving screen or report."""
    words = [w for w, on in ((_("over"), line.over), (_("short"), line.short), (_("substitute"), line.substitute))
             if on]
    text = ", ".join(words)
    if line.rejected:
        text = (text + "; " if text else "") + _("{qty} to quarantine: {reason}").format(
            qty=format_quantity(line.rejected, unit), reason=line.reject_reason)
    return text
