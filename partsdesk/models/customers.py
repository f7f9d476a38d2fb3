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

from partsdesk.models.catalog import Part, VehicleModel
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
    # A/B/C: computed from the last 12 months (services.accounts); a manager may override it.
    class_grade = TextField(default="C")
    class_reason = TextField(default="")
    class_computed_at = DateTimeField(null=True)
    class_override = TextField(null=True)
    class_override_reason = TextField(default="")
    member_tier = TextField(default="")
    member_since = DateField(null=True)
    # Caches of their ledgers, updated in the same transaction as the ledger row.
    points_balance = BigIntegerField(default=0)
    prepaid_balance = BigIntegerField(default=0)  # never negative (CHECK)
    account_balance = BigIntegerField(default=0)  # what the customer owes; negative: a credit
    last_visit_at = DateTimeField(null=True)

    @property
    def grade(self) -> str:
        """The class in force: the manager's override, else the computed one."""
        return self.class_override or self.class_grade


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


class AccountEntry(BaseModel):
    """The customer's account ledger (append-only): an invoice or refund on account is positive
    (owed), a payment or credit note negative. ``account_balance`` caches the sum."""

    id = AutoField()
    customer = ForeignKeyField(Customer, column_name="customer_id")
    posted_at = DateTimeField()
    kind = TextField()  # invoice, credit_note, payment, refund, adjustment
    document = TextField()
    amount = BigIntegerField()
    issued_on = DateField()
    due_on = DateField(null=True)
    method = TextField(default="")
    note = TextField(default="")
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    terminal = TextField(default="")  # the PC that took a payment (its cash drawer); '' before schema 7


class AccountAllocation(BaseModel):
    """How much of a credit (payment, credit note) settles which debit (invoice, refund). Append-only."""

    id = AutoField()
    credit_entry = ForeignKeyField(AccountEntry, column_name="credit_entry_id")
    debit_entry = ForeignKeyField(AccountEntry, column_name="debit_entry_id")
    amount = BigIntegerField()
    allocated_at = DateTimeField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")


class CustomerEvent(BaseModel):
    """One line of a customer's timeline (append-only): a quote, sale, return, repair order,
    payment, call, complaint or membership event, with the document it links to."""

    id = AutoField()
    customer = ForeignKeyField(Customer, column_name="customer_id")
    at = DateTimeField()
    kind = TextField()
    document_type = TextField(default="")
    document_id = BigIntegerField(null=True)
    document_no = TextField(default="")
    vehicle = ForeignKeyField(Vehicle, null=True, column_name="vehicle_id")
    amount = BigIntegerField(null=True)
    summary = TextField(default="")
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")


class PointsEntry(BaseModel):
    """The points ledger (append-only): earn (with its expiry date), redeem, expire, adjust."""

    id = AutoField()
    customer = ForeignKeyField(Customer, column_name="customer_id")
    at = DateTimeField()
    kind = TextField()
    points = BigIntegerField()
    document = TextField(default="")
    expires_on = DateField(null=True)
    reason = TextField(default="")
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    approved_by = ForeignKeyField(AppUser, null=True, column_name="approved_by_id")


class PrepaidEntry(BaseModel):
    """The stored-value ledger (append-only): top_up, spend, refund, adjust. Minor units."""

    id = AutoField()
    customer = ForeignKeyField(Customer, column_name="customer_id")
    at = DateTimeField()
    kind = TextField()
    amount = BigIntegerField()
    document = TextField(default="")
    method = TextField(default="")
    reason = TextField(default="")
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    approved_by = ForeignKeyField(AppUser, null=True, column_name="approved_by_id")
    terminal = TextField(default="")  # the PC that took a top-up (its cash drawer); '' before schema 7


class CareTask(BaseModel):
    """A call the shop owes a customer on a day: a follow-up after a visit, a service reminder
    (the workshop fills these), a call back. Birthdays and lapsed customers are found, not stored."""

    id = AutoField()
    customer = ForeignKeyField(Customer, column_name="customer_id")
    vehicle = ForeignKeyField(Vehicle, null=True, column_name="vehicle_id")
    kind = TextField()  # follow_up, service_reminder, call_back
    due_on = DateField()
    document = TextField(default="")
    note = TextField(default="")
    status = TextField(default="open")  # open, done, cancelled
    created_at = DateTimeField()
    done_at = DateTimeField(null=True)
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")


class Complaint(BaseModel):
    id = AutoField()
    customer = ForeignKeyField(Customer, column_name="customer_id")
    document_type = TextField(default="")  # sale, repair_order, part, ...
    document_no = TextField(default="")
    part = ForeignKeyField(Part, null=True, column_name="part_id")
    category = TextField()
    description = TextField()
    channel = TextField()
    received_at = DateTimeField()
    respond_by = DateTimeField()
    resolve_by = DateTimeField()
    status = TextField(default="open")  # open, answered, resolved, closed
    answered_at = DateTimeField(null=True)
    answer = TextField(default="")
    resolved_at = DateTimeField(null=True)
    resolution = TextField(default="")
    compensation = BigIntegerField(default=0)
    satisfaction = IntegerField(null=True)  # 1-5, the customer's view of the resolution
    closed_at = DateTimeField(null=True)
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
    updated_at = DateTimeField()


class ContactCall(BaseModel):
    """A call made to a customer, with the survey's answers (JSON [[question, score], ...])."""

    id = AutoField()
    customer = ForeignKeyField(Customer, column_name="customer_id")
    task = ForeignKeyField(CareTask, null=True, column_name="task_id")
    called_at = DateTimeField()
    outcome = TextField()  # reached, no_answer, wrong_number, call_back
    comment = TextField(default="")
    scores = TextField(default="[]")
    complaint = ForeignKeyField(Complaint, null=True, column_name="complaint_id")
    user = ForeignKeyField(AppUser, null=True, column_name="user_id")
