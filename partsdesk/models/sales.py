"""The counter's documents: number series, sales (invoices and receipts) with their lines and
payments, credit notes (returns) with theirs, and lost sales. Money in minor units, quantities in thousandths."""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
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
    [[part_id, qty, discount_bp, override_price or null], ...]."""

    id = AutoField()
    name = TextField()
    terminal = TextField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    customer = ForeignKeyField(Customer, null=True, column_name="customer_id")
    lines = TextField()
    held_at = DateTimeField()


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
