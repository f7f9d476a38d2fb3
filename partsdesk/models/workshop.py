"""The workshop: bays, labour classes, canned jobs, appointments, repair orders with their status
history, checklists, damage marks and job lines, each job line's versions and the customer's
authorizations of them, technicians' clock entries, and service reminders. Money in minor units,
quantities in thousandths (of the part's unit, or of an hour for labour).

The rules that the schema itself keeps (``migrations.m0011_workshop``): a line's versions, its
authorizations, a repair order's status history, checklists and damage marks are append-only; an
authorization names the version it approved; a technician is clocked on one line at a time; only
a part line reserves or issues stock."""

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
from partsdesk.models.customers import CareTask, Customer, Vehicle
from partsdesk.models.db import BaseModel
from partsdesk.models.sales import Sale
from partsdesk.models.users import AppUser


class WorkshopBay(BaseModel):
    id = AutoField()
    code = TextField(unique=True)
    name = TextField()
    active = BooleanField(default=True)

    class Meta:
        table_name = "workshop_bay"


class LabourClass(BaseModel):
    """A kind of labour with its rate per hour (minor units): general, diagnosis, electrical..."""

    id = AutoField()
    code = TextField(unique=True)
    name = TextField()
    rate = BigIntegerField()
    active = BooleanField(default=True)

    class Meta:
        table_name = "labour_class"


class CannedJob(BaseModel):
    """A service package (an oil service: oil, filter, book hours) inserting several lines at once."""

    id = AutoField()
    code = TextField(unique=True)
    name = TextField()
    active = BooleanField(default=True)
    updated_at = DateTimeField()

    class Meta:
        table_name = "canned_job"


class CannedJobLine(BaseModel):
    id = AutoField()
    canned_job = ForeignKeyField(CannedJob, column_name="canned_job_id", backref="lines", on_delete="CASCADE")
    line_no = IntegerField()
    kind = TextField()  # labour, part, sublet, other
    part = ForeignKeyField(Part, null=True, column_name="part_id", backref="+")
    description = TextField(default="")
    qty = BigIntegerField()
    labour_class = ForeignKeyField(LabourClass, null=True, column_name="labour_class_id", backref="+")
    unit_price = BigIntegerField(null=True)  # None: the part's price for the customer, the class's rate

    class Meta:
        table_name = "canned_job_line"


class Appointment(BaseModel):
    """A booking: a known customer and vehicle, or just a name, phone and "white Golf" for a new
    one; the work asked for, when and how long, on which bay or with which technician."""

    id = AutoField()
    customer = ForeignKeyField(Customer, null=True, column_name="customer_id", backref="+")
    vehicle = ForeignKeyField(Vehicle, null=True, column_name="vehicle_id", backref="+")
    contact_name = TextField(default="")
    contact_phone = TextField(default="")
    vehicle_text = TextField(default="")
    requested_work = TextField()
    starts_at = DateTimeField()
    duration_min = IntegerField()
    bay = ForeignKeyField(WorkshopBay, null=True, column_name="bay_id", backref="+")
    technician = ForeignKeyField(AppUser, null=True, column_name="technician_id", backref="+")
    status = TextField(default="booked")  # booked, arrived, no_show, cancelled
    note = TextField(default="")
    status_reason = TextField(default="")
    created_at = DateTimeField()
    created_by = ForeignKeyField(AppUser, null=True, column_name="created_by_id", backref="+")
    updated_at = DateTimeField()


class RepairOrder(BaseModel):
    """An RO number from check-in to follow-up: the vehicle as it came in, the customer's concern
    in their words, the promised time, and at the end the invoice (``sale``) and delivery."""

    id = AutoField()
    number = TextField(unique=True)
    customer = ForeignKeyField(Customer, column_name="customer_id", backref="+")
    vehicle = ForeignKeyField(Vehicle, column_name="vehicle_id", backref="+")
    appointment = ForeignKeyField(Appointment, null=True, unique=True, column_name="appointment_id", backref="+")
    quote_number = TextField(default="")
    status = TextField()
    status_at = DateTimeField()
    advisor = ForeignKeyField(AppUser, null=True, column_name="advisor_id", backref="+")
    odometer_in = IntegerField(null=True)
    odometer_out = IntegerField(null=True)
    fuel_eighths = IntegerField(null=True)
    concern = TextField(default="")
    promised_at = DateTimeField(null=True)
    checked_in_at = DateTimeField()
    parts_arrived = BooleanField(default=False)
    work_done = TextField(default="")
    satisfaction = IntegerField(null=True)
    satisfaction_note = TextField(default="")
    sale = ForeignKeyField(Sale, null=True, column_name="sale_id", backref="+")
    invoice_override_by = ForeignKeyField(AppUser, null=True, column_name="invoice_override_by_id", backref="+")
    invoice_override_reason = TextField(default="")
    delivered_at = DateTimeField(null=True)
    delivered_by = ForeignKeyField(AppUser, null=True, column_name="delivered_by_id", backref="+")
    note = TextField(default="")
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "repair_order"


class RepairOrderEvent(BaseModel):
    """The order's status history (append-only): the time spent in each status is read from it."""

    id = AutoField()
    order = ForeignKeyField(RepairOrder, column_name="order_id", backref="events")
    at = DateTimeField()
    status = TextField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id", backref="+")
    note = TextField(default="")

    class Meta:
        table_name = "repair_order_event"


class QualityCheck(BaseModel):
    id = AutoField()
    order = ForeignKeyField(RepairOrder, column_name="order_id", backref="quality_checks")
    at = DateTimeField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id", backref="+")
    passed = BooleanField()
    note = TextField(default="")

    class Meta:
        table_name = "quality_check"


class RepairOrderCheck(BaseModel):
    """One item of a checklist: at reception (``quality_check`` None) or of a quality check."""

    id = AutoField()
    order = ForeignKeyField(RepairOrder, column_name="order_id", backref="checks")
    quality_check = ForeignKeyField(QualityCheck, null=True, column_name="quality_check_id", backref="items")
    item = TextField()
    result = TextField()  # ok, attention, fail
    note = TextField(default="")

    class Meta:
        table_name = "repair_order_check"


class RepairOrderDamage(BaseModel):
    """A mark on the car outline at reception: x, y in thousandths of the outline's width and height."""

    id = AutoField()
    order = ForeignKeyField(RepairOrder, column_name="order_id", backref="damages")
    x = IntegerField()
    y = IntegerField()
    kind = TextField()  # scratch, dent, crack, chip, other
    note = TextField(default="")
    photo = TextField(default="")  # a file the shop keeps; copied into the shop's data folder

    class Meta:
        table_name = "repair_order_damage"


class JobLine(BaseModel):
    """A line of work on an order. ``version`` counts the changes of its price and quantity (each
    kept in ``JobLineVersion``); a part line reserves ``reserved_qty`` and has issued ``issued_qty``."""

    id = AutoField()
    order = ForeignKeyField(RepairOrder, column_name="order_id", backref="lines")
    line_no = IntegerField()
    kind = TextField()  # labour, part, sublet, other
    part = ForeignKeyField(Part, null=True, column_name="part_id", backref="+")
    description = TextField()
    qty = BigIntegerField()
    unit = TextField(default="")
    unit_price = BigIntegerField()
    amount = BigIntegerField()
    tax_rate_bp = IntegerField()
    labour_class = ForeignKeyField(LabourClass, null=True, column_name="labour_class_id", backref="+")
    technician = ForeignKeyField(AppUser, null=True, column_name="technician_id", backref="+")
    version = IntegerField(default=1)
    status = TextField(default="active")  # active, declined, removed
    warranty_months = IntegerField(default=0)
    warranty_km = IntegerField(default=0)
    warranty_work = BooleanField(default=False)
    comeback_of = ForeignKeyField("self", null=True, column_name="comeback_of_id", backref="+")
    canned_job = ForeignKeyField(CannedJob, null=True, column_name="canned_job_id", backref="+")
    reserved_qty = BigIntegerField(default=0)
    issued_qty = BigIntegerField(default=0)
    unit_cost = BigIntegerField(default=0)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "job_line"


class JobLineVersion(BaseModel):
    id = AutoField()
    line = ForeignKeyField(JobLine, column_name="line_id", backref="versions")
    version = IntegerField()
    description = TextField()
    qty = BigIntegerField()
    unit_price = BigIntegerField()
    amount = BigIntegerField()
    at = DateTimeField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id", backref="+")

    class Meta:
        table_name = "job_line_version"


class JobAuthorization(BaseModel):
    """The customer's yes or no to one version of a line: how it was given (in person, signed on
    paper or not; by phone; by message), who took it, when, and the amount approved."""

    id = AutoField()
    line = ForeignKeyField(JobLine, column_name="line_id", backref="authorizations")
    version = IntegerField()
    decision = TextField()  # approved, declined
    method = TextField()  # in_person, phone, message
    amount = BigIntegerField()
    customer_name = TextField(default="")
    signed = BooleanField(default=False)
    note = TextField(default="")
    at = DateTimeField()
    taken_by = ForeignKeyField(AppUser, null=True, column_name="taken_by_id", backref="+")

    class Meta:
        table_name = "job_authorization"


class LabourClock(BaseModel):
    id = AutoField()
    line = ForeignKeyField(JobLine, column_name="line_id", backref="clock")
    technician = ForeignKeyField(AppUser, column_name="technician_id", backref="+")
    on_at = DateTimeField()
    off_at = DateTimeField(null=True)

    class Meta:
        table_name = "labour_clock"


class ServiceReminder(BaseModel):
    """A service due on a vehicle by date or by mileage, whichever comes first: from a service
    done (``source`` service), a declined line kept as a recommendation (declined), or by hand."""

    id = AutoField()
    vehicle = ForeignKeyField(Vehicle, column_name="vehicle_id", backref="+")
    service_type = TextField()
    interval_days = IntegerField(null=True)
    interval_km = IntegerField(null=True)
    last_done_on = DateField(null=True)
    last_done_km = IntegerField(null=True)
    due_on = DateField(null=True)
    due_km = IntegerField(null=True)
    source = TextField(default="manual")  # manual, service, declined
    order = ForeignKeyField(RepairOrder, null=True, column_name="order_id", backref="+")
    line = ForeignKeyField(JobLine, null=True, column_name="line_id", backref="+")
    status = TextField(default="open")  # open, done, cancelled
    care_task = ForeignKeyField(CareTask, null=True, column_name="care_task_id", backref="+")
    note = TextField(default="")
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "service_reminder"
