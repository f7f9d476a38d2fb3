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

from partsdesk.models.catalog import VehicleModel
from partsdesk.models.db import BaseModel
from partsdesk.models.users import AppUser


class Customer(BaseModel):
    """A person or a company the shop sells to. Money in minor units."""

    id = AutoField()
    kind = TextField()  # person, company
    name = TextField()
    contact_person = TextField(default="")
    tax_id = TextField(default="")
    tax_id_norm = TextField(default="")
    address = TextField(default="")
    email = TextField(default="")
    preferred_channel = TextField(default="")
    preferred_time = TextField(default="")
    marketing_consent = BooleanField(default=False)
    consent_at = DateTimeField(null=True)
    birthday = DateField(null=True)
    tags = TextField(default="")  # comma-separated, as the shop writes them
    notes = TextField(default="")
    key_account = BooleanField(default=False)
    account_manager = ForeignKeyField(AppUser, null=True, column_name="account_manager_id")
    member_card = TextField(null=True, unique=True)
    credit_limit = BigIntegerField(default=0)
    payment_terms_days = IntegerField(default=0)
    active = BooleanField(default=True)
    merged_into = ForeignKeyField("self", null=True, column_name="merged_into_id")
    search_text = TextField(default="")
    created_at = DateTimeField()
    updated_at = DateTimeField()


class CustomerPhone(BaseModel):
    id = AutoField()
    customer = ForeignKeyField(Customer, column_name="customer_id", backref="phones", on_delete="CASCADE")
    label = TextField(default="")
    number = TextField()  # as the customer gave it
    number_norm = TextField()  # digits only, the country code of the shop's own country dropped


class Vehicle(BaseModel):
    id = AutoField()
    customer = ForeignKeyField(Customer, null=True, column_name="customer_id", backref="vehicles")
    plate = TextField(default="")
    plate_norm = TextField(default="")
    vin = TextField(default="")
    vehicle_model = ForeignKeyField(VehicleModel, null=True, column_name="vehicle_model_id")
    model_year = IntegerField(null=True)
    engine = TextField(default="")
    colour = TextField(default="")
    notes = TextField(default="")
    created_at = DateTimeField()
    updated_at = DateTimeField()


class VehicleOwner(BaseModel):
    """Who owned a vehicle when: a vehicle keeps its history when it changes hands."""

    id = AutoField()
    vehicle = ForeignKeyField(Vehicle, column_name="vehicle_id", backref="owners")
    customer = ForeignKeyField(Customer, column_name="customer_id")
    since = DateTimeField()
    until = DateTimeField(null=True)


class OdometerReading(BaseModel):
    """Append-only: a reading below the last one is a new row with a manager's approval and a reason."""

    id = AutoField()
    vehicle = ForeignKeyField(Vehicle, column_name="vehicle_id", backref="readings")
    km = IntegerField()
    read_at = DateTimeField()
    source = TextField()  # counter, reception, delivery, correction
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    approved_by = ForeignKeyField(AppUser, null=True, column_name="approved_by_id")
    reason = TextField(default="")
