"""Purchasing and receiving: what each supplier sells of a part, purchase orders and their lines,
goods receipts and their lines. Money in minor units, quantities in thousandths of the part's unit.

What a document was issued as never changes (triggers from ``migrations.m0009_purchasing``): an
order's status, expected date and received quantities move; a receipt is written once."""

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

from partsdesk.models.catalog import Part, Supplier
from partsdesk.models.db import BaseModel
from partsdesk.models.users import AppUser


class SupplierPart(BaseModel):
    """A supplier's offer for a part: their number, price per unit and pack. At most one row per
    part is ``preferred`` (a partial unique index): the supplier reorder drafts go to."""

    id = AutoField()
    supplier = ForeignKeyField(Supplier, column_name="supplier_id", backref="+")
    part = ForeignKeyField(Part, column_name="part_id", backref="+")
    supplier_number = TextField(default="")
    price = BigIntegerField()
    pack_qty = BigIntegerField(default=1000)
    preferred = BooleanField(default=False)
    updated_at = DateTimeField()


class PurchaseOrder(BaseModel):
    """A PO number to one supplier: draft → sent → partly_received → received, or closed (the rest
    is not coming) / cancelled (nothing came)."""

    id = AutoField()
    number = TextField(unique=True)
    supplier = ForeignKeyField(Supplier, column_name="supplier_id", backref="+")
    origin = TextField(default="manual")  # manual, reorder
    status = TextField(default="draft")
    expected_date = DateField(null=True)
    note = TextField(default="")
    created_at = DateTimeField()
    created_by = ForeignKeyField(AppUser, null=True, column_name="created_by_id", backref="+")
    sent_at = DateTimeField(null=True)
    sent_by = ForeignKeyField(AppUser, null=True, column_name="sent_by_id", backref="+")
    closed_at = DateTimeField(null=True)  # closed or cancelled
    closed_by = ForeignKeyField(AppUser, null=True, column_name="closed_by_id", backref="+")


class PurchaseOrderLine(BaseModel):
    id = AutoField()
    order = ForeignKeyField(PurchaseOrder, column_name="order_id", backref="lines")
    line_no = IntegerField()
    part = ForeignKeyField(Part, column_name="part_id", backref="+")
    supplier_number = TextField(default="")
    qty = BigIntegerField()
    unit_price = BigIntegerField()
    qty_received = BigIntegerField(default=0)
    removed = BooleanField(default=False)  # taken off the draft; never printed, never received against


class GoodsReceipt(BaseModel):
    id = AutoField()
    number = TextField(unique=True)
    supplier = ForeignKeyField(Supplier, column_name="supplier_id", backref="+")
    order = ForeignKeyField(PurchaseOrder, null=True, column_name="order_id", backref="+")
    received_at = DateTimeField()
    received_by = ForeignKeyField(AppUser, null=True, column_name="received_by_id", backref="+")
    note = TextField(default="")


class GoodsReceiptLine(BaseModel):
    """What came in of one part: accepted to sellable stock, rejected to quarantine (with why),
    at what cost, and how it compares with the order (over, short, substitute)."""

    id = AutoField()
    receipt = ForeignKeyField(GoodsReceipt, column_name="receipt_id", backref="lines")
    line_no = IntegerField()
    part = ForeignKeyField(Part, column_name="part_id", backref="+")
    order_line = ForeignKeyField(PurchaseOrderLine, null=True, column_name="order_line_id", backref="+")
    qty_received = BigIntegerField()
    qty_accepted = BigIntegerField()
    qty_rejected = BigIntegerField(default=0)
    reject_reason = TextField(default="")
    unit_cost = BigIntegerField()
    is_over = BooleanField(default=False)
    is_short = BooleanField(default=False)
    is_substitute = BooleanField(default=False)
    put_away_bin = TextField(default="")
