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

from partsdesk.models.db import BaseModel


class Category(BaseModel):
    id = AutoField()
    parent = ForeignKeyField("self", null=True, column_name="parent_id", backref="children")
    code = TextField(unique=True)
    name_en = TextField()
    name_zh = TextField(default="")
    sort_order = IntegerField(default=0)


class Brand(BaseModel):
    id = AutoField()
    name = TextField()
    name_key = TextField(unique=True)  # upper-cased, trimmed: "bosch" and "BOSCH " are one brand
    name_zh = TextField(default="")


class Supplier(BaseModel):
    id = AutoField()
    name = TextField()
    name_key = TextField(unique=True)
    phone = TextField(default="")
    email = TextField(default="")
    note = TextField(default="")
    active = BooleanField(default=True)
    contact_person = TextField(default="")
    address = TextField(default="")
    lead_time_days = IntegerField(default=0)
    payment_terms = TextField(default="")


class Part(BaseModel):
    """A catalogue item. Money in minor units, quantities in thousandths of ``unit``."""

    id = AutoField()
    number = TextField()
    number_norm = TextField()
    brand = ForeignKeyField(Brand, column_name="brand_id", backref="parts")
    name_en = TextField()
    name_zh = TextField(default="")
    category = ForeignKeyField(Category, column_name="category_id", backref="parts")
    grade = TextField()
    unit = TextField()
    bin = TextField(default="")
    cost = BigIntegerField(default=0)
    price_retail = BigIntegerField()
    price_trade = BigIntegerField()
    price_wholesale = BigIntegerField()
    tax_rate_bp = IntegerField()
    min_qty = BigIntegerField(default=0)
    max_qty = BigIntegerField(default=0)
    supplier = ForeignKeyField(Supplier, null=True, column_name="supplier_id", backref="parts")
    core_charge = BigIntegerField(default=0)
    warranty_months = IntegerField(default=0)
    warranty_km = IntegerField(default=0)
    notes = TextField(default="")
    active = BooleanField(default=True)
    search_text = TextField(default="")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    abc_class = TextField(null=True)  # A, B, C from 12 months' consumption value (services.abc); None: not yet (C)
    abc_updated_at = DateTimeField(null=True)  # when the class last changed


class PartBarcode(BaseModel):
    id = AutoField()
    part = ForeignKeyField(Part, column_name="part_id", backref="barcodes", on_delete="CASCADE")
    code = TextField(unique=True)  # normalized: UPC-A stored as its EAN-13 form
    symbology = TextField()  # EAN13, EAN8, GTIN14, CODE128


class PartNumber(BaseModel):
    """Every number that finds a part: its own, interchange (other makers, OE) and superseded."""

    id = AutoField()
    part = ForeignKeyField(Part, column_name="part_id", backref="numbers", on_delete="CASCADE")
    kind = TextField()  # own, oe, interchange, superseded
    maker = TextField(default="")
    number = TextField()
    number_norm = TextField()


class VehicleModel(BaseModel):
    id = AutoField()
    make = TextField()
    make_zh = TextField(default="")
    model = TextField()
    model_zh = TextField(default="")


class Fitment(BaseModel):
    id = AutoField()
    part = ForeignKeyField(Part, column_name="part_id", backref="fitments", on_delete="CASCADE")
    vehicle_model = ForeignKeyField(VehicleModel, column_name="vehicle_model_id", backref="fitments")
    year_from = IntegerField()
    year_to = IntegerField(null=True)
    engine = TextField(default="")
    position = TextField(default="")
    note = TextField(default="")
