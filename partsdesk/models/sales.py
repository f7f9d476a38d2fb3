"""The counter's documents: number series, sales (invoices and receipts) with their lines and
payments, credit notes (returns) with theirs, and lost sales. Money in minor units, quantities in thousandths."""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from partsdesk.models.catalog import Part
from partsdesk.models.customers import Customer, Vehicle
from partsdesk.models.db import BaseModel
from partsdesk.models.stock import Location
from partsdesk.models.users import AppUser


class DocumentCounter(BaseModel):
    """The next number of one document series; taken (and moved on) inside the document's own
    transaction, so a failed document leaves no gap."""

    series = TextField(primary_key=True)
    prefix = TextField()
    next_number = BigIntegerField()


class Sale(BaseModel):
    """An invoice or a receipt: written once, in the transaction that takes its number."""

    id = AutoField()
    number = TextField(unique=True)
    kind = TextField()  # invoice, receipt
    customer = ForeignKeyField(Customer, null=True, column_name="customer_id")
    vehicle = ForeignKeyField(Vehicle, null=True, column_name="vehicle_id")
    at = DateTimeField()
    terminal = TextField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    price_tier = TextField()
    prices_include_tax = BooleanField()
    net = BigIntegerField()
    tax = BigIntegerField()
    total = BigIntegerField()
    customer_tax_id = TextField(default="")
    note = TextField(default="")


class SaleLine(BaseModel):
    id = AutoField()
    sale = ForeignKeyField(Sale, column_name="sale_id", backref="lines")
    line_no = IntegerField()
    part = ForeignKeyField(Part, null=True, column_name="part_id")
    description = TextField()
    qty = BigIntegerField()
    unit = TextField()
    list_price = BigIntegerField()
    unit_price = BigIntegerField()
    discount_bp = IntegerField(default=0)
    tax_rate_bp = IntegerField()
    net = BigIntegerField()
    tax = BigIntegerField()
    total = BigIntegerField()
    unit_cost = BigIntegerField()
    core_of_line = IntegerField(null=True)  # a core deposit line: the line of the part it belongs to
    approved_by = ForeignKeyField(AppUser, null=True, column_name="approved_by_id")
    approval_reason = TextField(default="")
    price_source = TextField(default="list")  # list, member, discount, override, quote (services.cart)


class SalePayment(BaseModel):
    id = AutoField()
    sale = ForeignKeyField(Sale, column_name="sale_id", backref="payments")
    method = TextField()  # cash, card, on_account, prepaid, points
    amount = BigIntegerField()
    tendered = BigIntegerField(default=0)
    change_given = BigIntegerField(default=0)
    reference = TextField(default="")


class LostSale(BaseModel):
    """A quantity asked for at the counter and not in stock: the reorder's evidence of demand."""

    id = AutoField()
    at = DateTimeField()
    part = ForeignKeyField(Part, column_name="part_id")
    qty = BigIntegerField()
    customer = ForeignKeyField(Customer, null=True, column_name="customer_id")
    document = TextField(default="")
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")


class HeldCart(BaseModel):
    """A parked cart (F8): not a document, so recalling it removes it. ``lines`` is JSON:
    [[part_id, qty, discount_bp, override_price or null, held_price or null], ...] (parked before
    schema 7: the first four)."""

    id = AutoField()
    name = TextField()
    terminal = TextField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    customer = ForeignKeyField(Customer, null=True, column_name="customer_id")
    lines = TextField()
    held_at = DateTimeField()
    origin = TextField(default="{}")  # JSON: the quote or order the cart came from ({"quote_number": …})


class CreditNote(BaseModel):
    """A return against one sale: written once, in the transaction that takes its CN- number."""

    id = AutoField()
    number = TextField(unique=True)
    sale = ForeignKeyField(Sale, column_name="sale_id", backref="credit_notes")
    customer = ForeignKeyField(Customer, null=True, column_name="customer_id")
    at = DateTimeField()
    terminal = TextField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    approved_by = ForeignKeyField(AppUser, null=True, column_name="approved_by_id")
    reason = TextField()  # warranty_repair, warranty_replace, warranty_refund, wrong_part, not_needed
    net = BigIntegerField()
    tax = BigIntegerField()
    total = BigIntegerField()


class CreditNoteLine(BaseModel):
    """What was taken back of one sale line, its share of the line's money, and where it went."""

    id = AutoField()
    credit_note = ForeignKeyField(CreditNote, column_name="credit_note_id", backref="lines")
    sale_line = ForeignKeyField(SaleLine, column_name="sale_line_id", backref="returns")
    qty = BigIntegerField()
    net = BigIntegerField()
    tax = BigIntegerField()
    total = BigIntegerField()
    location = ForeignKeyField(Location, column_name="location_id")


class CreditNoteRefund(BaseModel):
    """How the credit note's money went back: the way the sale was paid (cash, card, on_account, prepaid)."""

    id = AutoField()
    credit_note = ForeignKeyField(CreditNote, column_name="credit_note_id", backref="refunds")
    method = TextField()
    amount = BigIntegerField()
    reference = TextField(default="")


class Quote(BaseModel):
    """A priced offer: its lines' prices hold until ``valid_until``. Only its status and what it
    became (``converted_to``: a sale or repair order number) ever change."""

    id = AutoField()
    number = TextField(unique=True)
    customer = ForeignKeyField(Customer, null=True, column_name="customer_id")
    vehicle = ForeignKeyField(Vehicle, null=True, column_name="vehicle_id")
    at = DateTimeField()
    valid_until = DateField()
    terminal = TextField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    price_tier = TextField()
    prices_include_tax = BooleanField()
    net = BigIntegerField()
    tax = BigIntegerField()
    total = BigIntegerField()
    note = TextField(default="")
    status = TextField(default="open")  # open, converted, cancelled
    converted_to = TextField(default="")
    converted_at = DateTimeField(null=True)


class QuoteLine(BaseModel):
    id = AutoField()
    quote = ForeignKeyField(Quote, column_name="quote_id", backref="lines")
    line_no = IntegerField()
    kind = TextField()  # part, labour, core
    part = ForeignKeyField(Part, null=True, column_name="part_id")
    description = TextField()
    qty = BigIntegerField()
    unit = TextField()
    list_price = BigIntegerField()
    unit_price = BigIntegerField()
    discount_bp = IntegerField(default=0)
    tax_rate_bp = IntegerField()
    net = BigIntegerField()
    tax = BigIntegerField()
    total = BigIntegerField()
    core_of_line = IntegerField(null=True)
    price_source = TextField(default="list")


class CustomerOrder(BaseModel):
    """A phone or trade order: open → picked (pick list) → sold (``sold_as`` the sale's number), or cancelled."""

    id = AutoField()
    number = TextField(unique=True)
    customer = ForeignKeyField(Customer, null=True, column_name="customer_id")
    at = DateTimeField()
    terminal = TextField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    channel = TextField()  # phone, trade
    reference = TextField(default="")
    note = TextField(default="")
    status = TextField(default="open")
    picked_at = DateTimeField(null=True)
    picked_by = ForeignKeyField(AppUser, null=True, column_name="picked_by_id")
    sold_as = TextField(default="")
    closed_at = DateTimeField(null=True)


class CustomerOrderLine(BaseModel):
    id = AutoField()
    order = ForeignKeyField(CustomerOrder, column_name="order_id", backref="lines")
    line_no = IntegerField()
    part = ForeignKeyField(Part, column_name="part_id")
    qty = BigIntegerField()
    discount_bp = IntegerField(default=0)
    override_price = BigIntegerField(null=True)


class CashEvent(BaseModel):
    """Cash into or out of a terminal's drawer that is not a sale: the opening float, pay-ins, pay-outs."""

    id = AutoField()
    terminal = TextField()
    at = DateTimeField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    kind = TextField()  # float, pay_in, pay_out
    amount = BigIntegerField()
    reason = TextField(default="")


class CounterVoid(BaseModel):
    """A line taken out of the cart, or a whole cart cancelled, before it was sold: the Z report's voids."""

    id = AutoField()
    terminal = TextField()
    at = DateTimeField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    kind = TextField()  # line, cart
    part = ForeignKeyField(Part, null=True, column_name="part_id")
    description = TextField()
    qty = BigIntegerField()
    amount = BigIntegerField()


class ZReport(BaseModel):
    """A terminal's closed day (gap-free Z- number); ``figures`` is the whole report as JSON."""

    id = AutoField()
    number = TextField(unique=True)
    terminal = TextField()
    opened_at = DateTimeField(null=True)
    closed_at = DateTimeField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    opening_float = BigIntegerField()
    expected_cash = BigIntegerField()
    counted_cash = BigIntegerField()
    over_short = BigIntegerField()
    figures = TextField()
    note = TextField(default="")


class ZReportItem(BaseModel):
    """One document a Z report closed; (kind, ref_id) is unique, so nothing is counted in two days."""

    id = AutoField()
    z_report = ForeignKeyField(ZReport, column_name="z_report_id", backref="items")
    kind = TextField()  # sale, credit_note, account_payment, prepaid_top_up, cash_event, void
    ref_id = BigIntegerField()
