from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    CompositeKey,
    DateTimeField,
    ForeignKeyField,
    TextField,
)

from partsdesk.models.catalog import Part
from partsdesk.models.db import BaseModel
from partsdesk.models.users import AppUser

MAIN_LOCATION_ID = 1
QUARANTINE_LOCATION_ID = 2


class Location(BaseModel):
    id = AutoField()
    code = TextField(unique=True)
    name = TextField()
    sellable = BooleanField()


class StockMove(BaseModel):
    """The stock ledger: append-only, signed quantity in thousandths of the part's unit."""

    seq = AutoField()
    at = DateTimeField()
    part = ForeignKeyField(Part, column_name="part_id", backref="+")
    location = ForeignKeyField(Location, column_name="location_id", backref="+")
    qty = BigIntegerField()
    unit_cost = BigIntegerField()
    reason = TextField()
    document = TextField(default="")
    user = ForeignKeyField(AppUser, null=True, column_name="user_id", backref="+")
    corrects = ForeignKeyField("self", null=True, column_name="corrects_seq", backref="+")


class StockBalance(BaseModel):
    """Cache of SUM(stock_move.qty) per part and location, kept in the same transaction."""

    part = ForeignKeyField(Part, column_name="part_id", backref="+")
    location = ForeignKeyField(Location, column_name="location_id", backref="+")
    qty = BigIntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("part", "location")


class StockAdjustment(BaseModel):
    """An adjustment of stock (ADJ number, append-only): signed ``qty`` thousandths at
    ``location``, valued at the part's cost then; ``to_location`` is where the stock went when it
    stayed in the shop (damaged into quarantine, repaired back), None when it left the books or
    came onto them. Its stock moves carry the same number as their document."""

    id = AutoField()
    number = TextField(unique=True)
    at = DateTimeField()
    part = ForeignKeyField(Part, column_name="part_id", backref="+")
    location = ForeignKeyField(Location, column_name="location_id", backref="+")
    to_location = ForeignKeyField(Location, null=True, column_name="to_location_id", backref="+")
    qty = BigIntegerField()
    unit_cost = BigIntegerField()
    value = BigIntegerField()
    reason = TextField()  # domain.adjustments.REASONS, or "repaired" (back from quarantine)
    loss_class = TextField()  # normal, abnormal, none
    note = TextField(default="")
    terminal = TextField(default="")
    user = ForeignKeyField(AppUser, null=True, column_name="user_id", backref="+")
    approved_by = ForeignKeyField(AppUser, null=True, column_name="approved_by_id", backref="+")
