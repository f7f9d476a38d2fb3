"""Repair orders: check-in, job lines, the customer's authorization of each line, the work, the
quality check, and invoice and delivery — one document from estimate to invoice (issue 6).

The promises this module keeps:

- **Nothing above what the customer approved.** The customer approves or declines each job line
  in one of its versions (``job_authorization``). Any change of a line's price or quantity after
  that makes a new version (``job_line_version``), and the line needs re-authorization. An order
  is invoiced at the prices of the versions the customer approved; with any active line lacking a
  valid authorization it is not invoiced at all unless a manager steps up with a reason
  (``workshop.invoice_override``, audited). The order always shows the authorized total against
  the current total.
- **No part sold from under a job.** A part line reserves its quantity the moment it is added
  (``services.reservations``); the counter cannot sell reserved stock. Parts are issued to the
  job when used (a stock move, reason ``workshop``) and unused ones go back to the shelf (reason
  ``workshop_return``), so the invoice moves no stock.
- **The status follows the facts while the car is worked on**: waiting authorization while a line
  lacks the customer's yes; waiting parts while an approved part is not on the shelf (and back to
  work by itself when it arrives); in progress otherwise. Quality check, ready, delivered and
  follow-up done are acts. Every status change is a row of ``repair_order_event``.

Quantities are thousandths (of the part's unit, or of an hour for labour); money is minor units.
Each public function is one user action in one transaction; what needs a manager raises
``PermissionDenied`` and is called again with the manager's ``Approval``.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from partsdesk.config import Paths
from partsdesk.domain import pricing, tender
from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.money import format_quantity, line_amount
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.i18n import N_, _
from partsdesk.models import (
    Appointment,
    AppUser,
    Customer,
    JobAuthorization,
    JobLine,
    JobLineVersion,
    LabourClass,
    LabourClock,
    OdometerReading,
    Part,
    QualityCheck,
    Quote,
    QuoteLine,
    RepairOrder,
    RepairOrderCheck,
    RepairOrderDamage,
    RepairOrderEvent,
    Sale,
    Vehicle,
    database,
    transaction,
)
from partsdesk.models.db import is_postgres, sqlite_path
from partsdesk.services import (
    appointments,
    audit,
    care,
    cart,
    comebacks,
    customers,
    numbering,
    reminders,
    reservations,
    sales,
    settings,
    stock,
    workshop_setup,
)
from partsdesk.services.clock import now, shop_today

STATUS_LABELS: dict[str, str] = {
    "checked_in": N_("Checked in"),
    "waiting_authorization": N_("Waiting authorization"),
    "in_progress": N_("In progress"),
    "waiting_parts": N_("Waiting parts"),
    "quality_check": N_("Quality check"),
    "ready": N_("Ready"),
    "delivered": N_("Delivered"),
    "follow_up_done": N_("Follow-up done"),
    "cancelled": N_("Cancelled"),
}
OPEN_STATUSES = ("checked_in", "waiting_authorization", "in_progress", "waiting_parts", "quality_check", "ready")
WORK_STATUSES = ("checked_in", "waiting_authorization", "in_progress", "waiting_parts")
KINDS: dict[str, str] = {"labour": N_("Labour"), "part": N_("Part"), "sublet": N_("Sublet"), "other": N_("Other")}
METHODS: dict[str, str] = {"in_person": N_("In person"), "phone": N_("By phone"), "message": N_("By message")}
CHECK_RESULTS: dict[str, str] = {"ok": N_("OK"), "attention": N_("Attention"), "fail": N_("Fail")}
DAMAGE_KINDS: dict[str, str] = {"scratch": N_("Scratch"), "dent": N_("Dent"), "crack": N_("Crack"), "chip": N_("Chip"),
                                "other": N_("Other")}
# A line's authorization as the order shows it.
PENDING, AUTHORIZED, REAUTHORIZE, DECLINED = "pending", "authorized", "reauthorize", "declined"
AUTH_LABELS = {PENDING: N_("Needs authorization"), AUTHORIZED: N_("Authorized"),
               REAUTHORIZE: N_("Re-authorization needed"), DECLINED: N_("Declined")}

CONCERN_MAX = 2000
DESCRIPTION_MAX = 120
NOTE_MAX = 500
NAME_MAX = 80
LINES_MAX = 200
QTY_MAX = 10**9  # a million units or hours: a typing slip
PRICE_MAX = 10**11
FUEL_EIGHTHS = 8
PHOTO_TYPES = (".jpg", ".jpeg", ".png")
PHOTO_MAX_BYTES = 15 * 1024 * 1024
LABOUR_UNIT = cart.LABOUR_UNIT


# --- what the screens send -------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckMark:
    """One checklist item's result (ok, attention, fail) with an optional note."""

    item: str
    result: str
    note: str = ""


@dataclass(frozen=True)
class DamageMark:
    """A mark on the car outline: x, y in thousandths of its width and height; an optional photo file."""

    x: int
    y: int
    kind: str
    note: str = ""
    photo: str = ""


@dataclass(frozen=True)
class CheckIn:
    customer_id: int
    vehicle_id: int
    odometer_km: object
    fuel_eighths: int | None
    concern: str
    promised_at: datetime | None = None
    checklist: Sequence[CheckMark] = ()
    damages: Sequence[DamageMark] = ()
    appointment_id: int | None = None
    note: str = ""
    odometer_reason: str = ""  # a reading below the last one: why (and a manager's approval)


@dataclass(frozen=True)
class LineInput:
    """A job line to add. ``qty``: thousandths of the part's unit, or of an hour (1.5 h = 1500).
    ``unit_price`` None: the part's price for this customer, or the labour class's rate."""

    kind: str
    part_id: int | None = None
    description: str = ""
    qty: int = 1000
    unit_price: int | None = None
    labour_class_id: int | None = None
    technician_id: int | None = None
    warranty_work: bool = False
    comeback_of_id: int | None = None
    canned_job_id: int | None = None


@dataclass(frozen=True)
class Delivery:
    odometer_km: object
    work_done: str
    satisfaction: int | None = None  # 1..5, asked at pick-up
    satisfaction_note: str = ""


# --- what the screens get ----------------------------------------------------------------------------

@dataclass(frozen=True)
class LineView:
    id: int
    line_no: int
    kind: str
    part_id: int | None
    part_number: str
    bin: str
    description: str
    qty: int
    unit: str
    unit_price: int
    amount: int
    tax_rate_bp: int
    version: int
    status: str  # active, declined, removed
    auth: str  # pending, authorized, reauthorize, declined
    authorized_amount: int | None  # the amount of the latest approved version (None: never approved)
    authorized_version: int | None
    authorized_by: str  # how and by whom: "In person, signed — J. Smith (advisor A. Lee)"
    labour_class: str
    technician_id: int | None
    technician: str
    reserved: int
    issued: int
    short: int  # reserved and not on the shelf (thousandths)
    book_hours: int  # labour: the line's quantity; 0 otherwise
    actual_hours: int  # thousandths of an hour clocked on the line
    clocked_on: tuple[str, ...]  # technicians clocked on now
    warranty_months: int
    warranty_km: int
    warranty_work: bool
    comeback_of: str  # "RO-000012 line 2" when linked


@dataclass(frozen=True)
class OrderDetail:
    id: int
    number: str
    status: str
    status_label: str
    customer_id: int
    customer: str
    customer_kind: str
    phone: str
    vehicle_id: int
    vehicle: str
    plate: str
    odometer_in: int | None
    odometer_out: int | None
    fuel_eighths: int | None
    concern: str
    promised_at: datetime | None
    checked_in_at: datetime
    advisor: str
    note: str
    parts_arrived: bool
    quote_number: str
    lines: tuple[LineView, ...]
    checklist: tuple[CheckMark, ...]
    damages: tuple[DamageMark, ...]
    quality_checks: tuple[tuple[datetime, str, bool, str, tuple[CheckMark, ...]], ...]
    events: tuple[tuple[datetime, str, str, str], ...]  # at, status, user, note
    current_total: int
    authorized_total: int
    needs_authorization: int  # active lines pending or needing re-authorization
    invoice_number: str
    delivered_at: datetime | None
    work_done: str
    satisfaction: int | None
    currency: str
    prices_include_tax: bool

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class BoardCard:
    id: int
    number: str
    status: str
    status_at: datetime
    customer: str
    plate: str
    vehicle: str
    concern: str
    promised_at: datetime | None
    late: bool  # past its promised time and not ready
    current_total: int
    authorized_total: int
    needs_authorization: int
    parts_arrived: bool
    technicians: str


@dataclass(frozen=True)
class Board:
    columns: dict[str, tuple[BoardCard, ...]]  # status -> its cards, oldest status change first
    total: int
    currency: str


@dataclass(frozen=True)
class DeliveryResult:
    number: str
    invoice: str
    sale_id: int
    total: int
    change: int
    follow_up_on: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class QualityResult:
    passed: bool
    status: str
    warning: str  # the checker also worked on the car ("preferably someone else")


# --- small helpers ------------------------------------------------------------------------------------

def _text(value: object, field_name: str, label: str, maximum: int, *, required: bool = False) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({field_name: _("{label}: this is needed.").format(label=label)})
    if len(text) > maximum:
        raise ValidationError({field_name: _("{label} is at most {maximum} characters.").format(label=label,
                                                                                               maximum=maximum)})
    return text


def _long_text(value: object, field_name: str, label: str, maximum: int, *, required: bool = False) -> str:
    """Free text that keeps its lines (the customer's concern in their own words)."""
    text = "\n".join(" ".join(line.split()) for line in str(value or "").strip().splitlines()).strip()
    if required and not text:
        raise ValidationError({field_name: _("{label}: this is needed.").format(label=label)})
    if len(text) > maximum:
        raise ValidationError({field_name: _("{label} is at most {maximum} characters.").format(label=label,
                                                                                               maximum=maximum)})
    return text


def _whole(value: object, field_name: str, label: str, *, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValidationError({field_name: _("{label}: a whole number from {minimum:,} to {maximum:,}.").format(
            label=label, minimum=minimum, maximum=maximum)})
    return value


def _order(number: str, *, lock: bool = False) -> RepairOrder:
    text = str(number or "").strip().upper()
    query = RepairOrder.select().where(RepairOrder.number == text)
    if lock and is_postgres():
        query = query.for_update()
    order = query.first()
    if order is None:
        raise UserError(_("There is no repair order {number}.").format(number=text or _("(none)")))
    return order


def _open_order(number: str) -> RepairOrder:
    order = _order(number, lock=True)
    if order.status not in OPEN_STATUSES:
        raise UserError(_("Repair order {number} is {status}: it cannot change any "
                          "more.").format(number=order.number, status=_(STATUS_LABELS[order.status]).lower()))
    return order


def _line(order: RepairOrder, line_id: int) -> JobLine:
    line = JobLine.get_or_none((JobLine.id == line_id) & (JobLine.order == order.id))
    if line is None:
        raise UserError(_("That line is not on repair order {number} (it may have been removed).").format(
            number=order.number))
    return line


def _set_status(order: RepairOrder, status: str, actor: Actor | None, note: str = "") -> None:
    if order.status == status:
        return
    stamp = now()
    RepairOrder.update(status=status, status_at=stamp, updated_at=stamp, parts_arrived=False).where(
        RepairOrder.id == order.id).execute()
    RepairOrderEvent.insert(order=order.id, at=stamp, status=status, user=actor.user_id if actor else None,
                            note=note[:NOTE_MAX]).execute()
    order.status, order.status_at = status, stamp


def _latest_authorizations(line_ids: Sequence[int], *, approved_only: bool = False) -> dict[int, JobAuthorization]:
    """Per line, its latest authorization (``approved_only``: its latest yes, whatever came after)."""
    found: dict[int, JobAuthorization] = {}
    if not line_ids:
        return found
    query = JobAuthorization.select().where(JobAuthorization.line.in_(list(line_ids)))
    if approved_only:
        query = query.where(JobAuthorization.decision == "approved")
    for auth in query.order_by(JobAuthorization.id):
        found[auth.line_id] = auth
    return found


def auth_state(line: JobLine, latest: JobAuthorization | None) -> str:
    if line.status == "declined":
        return DECLINED
    if latest is None or latest.decision != "approved":
        return PENDING
    return AUTHORIZED if latest.version == line.version else REAUTHORIZE


def _active_lines(order_id: int) -> list[JobLine]:
    return list(JobLine.select().where((JobLine.order == order_id) & (JobLine.status == "active"))
                .order_by(JobLine.line_no))


def _settle_status(order: RepairOrder, actor: Actor | None, note: str = "") -> None:
    """While the car is being worked on, the status follows the facts (the module doc). An order
    that was in the quality check or ready goes back to work when its lines change."""
    if order.status not in OPEN_STATUSES:
        return
    lines = _active_lines(order.id)
    if not lines:
        status = "checked_in"
    else:
        latest = _latest_authorizations([line.id for line in lines])
        if any(auth_state(line, latest.get(line.id)) != AUTHORIZED for line in lines):
            status = "waiting_authorization"
        elif reservations.short_parts(order.id):
            status = "waiting_parts"
        elif order.status in ("quality_check", "ready") and not note:
            return  # nothing of the work changed: the act that put it there stands
        else:
            status = "in_progress"
    _set_status(order, status, actor, note)


def _version(line_id: int, version: int, description: str, qty: int, unit_price: int, amount: int,
             actor: Actor) -> None:
    JobLineVersion.insert(line=line_id, version=version, description=description, qty=qty, unit_price=unit_price,
                          amount=amount, at=now(), user=actor.user_id).execute()


def _customer_price(part: Part, customer: Customer) -> int:
    """The part's unit price for this customer: the counter's tier and member discount."""
    decision = cart.tier_of(customer)
    line = pricing.CartLine(
        list_price=decision.list_price(retail=part.price_retail, trade=part.price_trade,
                                       wholesale=part.price_wholesale),
        qty=1000, unit_cost=part.cost, tax_rate_bp=part.tax_rate_bp,
        prices_include_tax=bool(settings.get("tax.prices_include_tax")),
        member_discount_bp=decision.member_discount_bp)
    return line.unit_price


def _photo_dir() -> Path:
    """Where damage photos are kept: next to a SQLite shop file, or in this PC's data folder."""
    path = sqlite_path()
    return (path.parent if path is not None else Paths.for_user().data_dir) / "photos"


def _clean_checklist(marks: Sequence[CheckMark], prefix: str) -> list[CheckMark]:
    cleaned = []
    for index, mark in enumerate(marks):
        item = _text(mark.item, f"{prefix}.{index}", _("Checklist item"), NAME_MAX, required=True)
        if mark.result not in CHECK_RESULTS:
            raise ValidationError({f"{prefix}.{index}": _("{item}: choose OK, attention or fail.").format(item=item)})
        cleaned.append(CheckMark(item, mark.result, _text(mark.note, f"{prefix}.{index}", _("The note"), NOTE_MAX)))
    return cleaned


def _clean_damages(marks: Sequence[DamageMark]) -> list[DamageMark]:
    cleaned = []
    for index, mark in enumerate(marks):
        where = f"damages.{index}"
        x = _whole(mark.x, where, _("Mark position"), minimum=0, maximum=1000)
        y = _whole(mark.y, where, _("Mark position"), minimum=0, maximum=1000)
        if mark.kind not in DAMAGE_KINDS:
            raise ValidationError({where: _("Damage mark {mark}: choose {kinds}.").format(
                mark=index + 1, kinds=", ".join(_(kind) for kind in DAMAGE_KINDS.values()))})
        photo = str(mark.photo or "").strip()
        if photo:
            source = Path(photo)
            if source.suffix.lower() not in PHOTO_TYPES or not source.is_file():
                raise ValidationError({where: _("Damage mark {mark}: the photo must be a JPEG or PNG file that "
                                                "exists ({file}).").format(mark=index + 1, file=source.name)})
            if source.stat().st_size > PHOTO_MAX_BYTES:
                raise ValidationError({where: _("Damage mark {mark}: the photo is larger than "
                                                "{megabytes} MB.").format(mark=index + 1,
                                                                          megabytes=PHOTO_MAX_BYTES // (1024 * 1024))})
        cleaned.append(DamageMark(x, y, mark.kind, _text(mark.note, where, _("The note"), NOTE_MAX), photo))
    return cleaned


# --- check-in ------------------------------------------------------------------------------------------

def checklist_items(kind: str) -> list[str]:
    """The items of the reception (``checkin``) or quality (``quality``) checklist, from settings."""
    if kind not in ("checkin", "quality"):
        raise ValueError(f"unknown checklist {kind!r}")
    return [str(item) for item in settings.get(f"workshop.{kind}_items")]


@dataclass(frozen=True)
class CheckInStart:
    """What the check-in screen starts from: the checklist, and from an appointment its customer,
    vehicle, work and the vehicle's last odometer reading (a new caller's contact details when the
    appointment had no customer yet: they are added to the customer file first)."""

    items: tuple[str, ...]
    appointment_id: int | None = None
    customer_id: int | None = None
    vehicle_id: int | None = None
    vehicle_text: str = ""
    concern: str = ""
    last_km: int | None = None
    contact: str = ""
    contact_name: str = ""
    contact_phone: str = ""


def checkin_start(actor: Actor, appointment_id: int | None = None) -> CheckInStart:
    require(actor, "workshop.edit")
    items = tuple(checklist_items("checkin"))
    if appointment_id is None:
        return CheckInStart(items)
    row = appointments.get(actor, appointment_id)
    if row.status != "booked":
        raise UserError(_("That appointment is not waiting for its car any more (already checked in, cancelled or a "
                          "no-show)."))
    last = customers.last_odometer(row.vehicle_id) if row.vehicle_id else None
    text = " · ".join(p for p in (row.customer, row.vehicle_label) if p)
    contact = "" if row.customer_id else " · ".join(p for p in (row.contact_name, row.contact_phone,
                                                                  row.vehicle_text) if p)
    return CheckInStart(items, appointment_id, row.customer_id, row.vehicle_id, text, row.work, last, contact,
                        "" if row.customer_id else row.contact_name, "" if row.customer_id else row.contact_phone)


def check_in(actor: Actor, request: CheckIn, *, approval: Approval | None = None) -> str:
    """Open a repair order for a vehicle that arrived: odometer in (never lower than the last
    reading without a manager's ``approval`` and a reason), fuel level, the customer's concern in
    their words, the reception checklist, damage marks (photos copied into the shop's photo
    folder), the promised time. An appointment becomes this order. Returns the RO number."""
    require(actor, "workshop.edit")
    concern = _long_text(request.concern, "concern", _("The customer's concern"), CONCERN_MAX, required=True)
    note = _text(request.note, "note", _("The note"), NOTE_MAX)
    fuel = request.fuel_eighths
    if fuel is not None:
        fuel = _whole(fuel, "fuel", _("Fuel level (eighths)"), minimum=0, maximum=FUEL_EIGHTHS)
    if request.promised_at is not None and request.promised_at < now() - timedelta(minutes=5):
        raise ValidationError({"promised_at": _("The promised time is in the past.")})
    checklist = _clean_checklist(request.checklist, "checklist")
    damages = _clean_damages(request.damages)
    with transaction():
        customer = cart.sale_customer(request.customer_id)
        if customer is None:
            raise ValidationError({"customer": _("Choose the customer first.")})
        vehicle = Vehicle.get_or_none(Vehicle.id == request.vehicle_id)
        if vehicle is None or vehicle.customer_id != customer.id:
            raise ValidationError({"vehicle": _("Choose one of the customer's vehicles (or add it to their file).")})
        open_one = (RepairOrder.select(RepairOrder.number)
                    .where((RepairOrder.vehicle == vehicle.id) & RepairOrder.status.in_(OPEN_STATUSES)).first())
        if open_one is not None:
            raise UserError(_("This vehicle already has an open repair order, {number}: add the work to it.").format(
                number=open_one.number))
        if request.appointment_id is not None:
            booked = Appointment.get_or_none(Appointment.id == request.appointment_id)
            if booked is None or booked.status != "booked":
                raise UserError(_("That appointment is not waiting for its car any more (already checked in, "
                                  "cancelled or a no-show)."))
        reading = customers.record_odometer(actor, vehicle.id, request.odometer_km, source="reception",
                                            reason=request.odometer_reason, approval=approval)
        odometer = OdometerReading.get_by_id(reading).km
        number = numbering.take_number("repair_order")
        stamp = now()
        order_id = RepairOrder.insert(
            number=number, customer=customer.id, vehicle=vehicle.id, appointment=request.appointment_id,
            status="checked_in", status_at=stamp, advisor=actor.user_id, odometer_in=odometer,
            fuel_eighths=fuel, concern=concern, promised_at=request.promised_at, checked_in_at=stamp, note=note,
            created_at=stamp, updated_at=stamp).execute()
        RepairOrderEvent.insert(order=order_id, at=stamp, status="checked_in", user=actor.user_id,
                                note="").execute()
        for mark in checklist:
            RepairOrderCheck.insert(order=order_id, item=mark.item, result=mark.result, note=mark.note).execute()
        folder = _photo_dir() / number
        for index, mark in enumerate(damages, start=1):
            kept = ""
            if mark.photo:
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / f"damage-{index}{Path(mark.photo).suffix.lower()}"
                shutil.copyfile(mark.photo, target)
                kept = str(target)
            RepairOrderDamage.insert(order=order_id, x=mark.x, y=mark.y, kind=mark.kind, note=mark.note,
                                     photo=kept).execute()
        if request.appointment_id is not None:
            appointments.mark_arrived(request.appointment_id, int(order_id))
        audit.record("workshop.check_in", actor=actor, approval=approval if approval else None,
                     object_type="repair_order", object_id=number,
                     new={"customer": customer.id, "vehicle": vehicle.id, "odometer": odometer,
                          "appointment": request.appointment_id})
    return number


# --- job lines -----------------------------------------------------------------------------------------

def _priced_line(order: RepairOrder, request: LineInput, index: int = 0) -> dict[str, object]:
    """``request`` checked and priced as the columns of a new job line."""
    where = f"lines.{index}"
    if request.kind not in KINDS:
        raise ValidationError({where: _("Choose the kind of line: {kinds}.").format(
            kinds=", ".join(_(kind) for kind in KINDS.values()).lower())})
    qty = _whole(request.qty, where, _("Quantity (thousandths)"), minimum=1, maximum=QTY_MAX)
    if request.unit_price is not None:
        _whole(request.unit_price, where, _("Price"), minimum=0, maximum=PRICE_MAX)
    description = _text(request.description, where, _("Description"), DESCRIPTION_MAX)
    default_tax = int(settings.get("tax.default_rate_bp"))
    row: dict[str, object] = dict(kind=request.kind, part=None, labour_class=None, unit="", tax_rate_bp=default_tax,
                                  unit_cost=0, warranty_months=0, warranty_km=0)
    if request.kind == "part":
        part = Part.get_or_none(Part.id == request.part_id) if request.part_id is not None else None
        if part is None or not part.active:
            raise ValidationError({where: _("Choose a part of the catalogue that is for sale.")})
        unit_price = _customer_price(part, order.customer) if request.unit_price is None else request.unit_price
        row.update(part=part.id, unit=part.unit, tax_rate_bp=part.tax_rate_bp, unit_cost=part.cost,
                   warranty_months=part.warranty_months, warranty_km=part.warranty_km,
                   description=description or part.name_en)
    elif request.kind == "labour":
        labour_class = None
        if request.labour_class_id is not None:
            labour_class = LabourClass.get_or_none(LabourClass.id == request.labour_class_id)
        else:
            default = workshop_setup.default_labour_class()
            labour_class = LabourClass.get_or_none(LabourClass.id == default.id) if default else None
        if labour_class is None or not labour_class.active:
            raise ValidationError({where: _("Choose a labour class (set them up in the workshop's setup).")})
        if not description:
            raise ValidationError({where: _("Say what work is done.")})
        unit_price = labour_class.rate if request.unit_price is None else request.unit_price
        row.update(labour_class=labour_class.id, unit=LABOUR_UNIT, description=description,
                   warranty_months=int(settings.get("workshop.warranty_months")),
                   warranty_km=int(settings.get("workshop.warranty_km")))
    else:
        if not description:
            raise ValidationError({where: _("Say what the charge is for.")})
        if request.unit_price is None:
            raise ValidationError({where: _("Give the price.")})
        unit_price = request.unit_price
        row.update(description=description)
    if request.technician_id is not None:
        technician = AppUser.get_or_none(AppUser.id == request.technician_id)
        if technician is None or not technician.active:
            raise ValidationError({where: _("Choose a technician who works here.")})
    if request.warranty_work:
        unit_price = 0  # work under an earlier line's warranty: the shop bears it
    row.update(qty=qty, unit_price=unit_price, amount=line_amount(unit_price, qty), technician=request.technician_id,
               warranty_work=bool(request.warranty_work), comeback_of=request.comeback_of_id,
               canned_job=request.canned_job_id)
    return row


def _check_floor(actor: Actor, row: Mapping[str, object], approvals: Mapping[str, Approval],
                 typed: bool) -> Approval | None:
    """A part's typed price below the advisor's gross-profit floor needs a manager, as at the counter."""
    if row["kind"] != "part" or not typed or row["warranty_work"]:
        return None
    part = Part.get_by_id(row["part"])
    line = pricing.CartLine(list_price=int(row["unit_price"]), qty=int(row["qty"]), unit_cost=part.cost,
                            tax_rate_bp=part.tax_rate_bp,
                            prices_include_tax=bool(settings.get("tax.prices_include_tax")))
    floor = pricing.check_floor(line, floor_bp=cart.floor_rules().for_role(actor.role))
    if floor.allowed:
        return None
    return require(actor, "counter.below_floor", approvals.get("counter.below_floor"))


def _insert_lines(actor: Actor, order: RepairOrder, rows: Sequence[Mapping[str, object]]) -> list[int]:
    count = JobLine.select().where(JobLine.order == order.id).count()
    if count + len(rows) > LINES_MAX:
        raise ValidationError({"lines": _("A repair order has at most {count} lines.").format(count=LINES_MAX)})
    stamp = now()
    ids = []
    for offset, row in enumerate(rows, start=1):
        reserved = int(row["qty"]) if row["kind"] == "part" else 0
        line_id = JobLine.insert(order=order.id, line_no=count + offset, created_at=stamp, updated_at=stamp,
                                 reserved_qty=reserved, **row).execute()
        _version(int(line_id), 1, str(row["description"]), int(row["qty"]), int(row["unit_price"]),
                 int(row["amount"]), actor)
        ids.append(int(line_id))
    return ids


def add_lines(actor: Actor, number: str, requests: Sequence[LineInput], *,
              approvals: Mapping[str, Approval] | None = None) -> list[int]:
    """Add job lines (labour, parts, sublet, other) to an open order; part lines reserve their
    quantity at once. Each new line waits for the customer's authorization. Returns the lines' ids."""
    require(actor, "workshop.edit")
    if not requests:
        raise ValidationError({"lines": _("Nothing to add.")})
    approvals = dict(approvals or {})
    with transaction():
        order = _open_order(number)
        rows = [_priced_line(order, request, index) for index, request in enumerate(requests)]
        used = [approved for row, request in zip(rows, requests, strict=True)
                if (approved := _check_floor(actor, row, approvals, request.unit_price is not None))]
        for row in rows:
            if row["comeback_of"] is not None:
                _check_comeback(order, int(row["comeback_of"]))
        ids = _insert_lines(actor, order, rows)
        _settle_status(order, actor)
        audit.record("workshop.add_lines", actor=actor, approval=used[0] if used else None,
                     object_type="repair_order", object_id=order.number,
                     new=[{"line": line_id, "kind": row["kind"], "part": row["part"], "qty": row["qty"],
                           "unit_price": row["unit_price"]} for line_id, row in zip(ids, rows, strict=True)])
    return ids


def add_line(actor: Actor, number: str, request: LineInput, *,
             approvals: Mapping[str, Approval] | None = None) -> int:
    return add_lines(actor, number, [request], approvals=approvals)[0]


def add_canned_job(actor: Actor, number: str, canned_job_id: int) -> list[int]:
    """A service package's lines (``services.workshop_setup``) onto the order at once, each priced
    for this customer (or at the package's fixed price) and waiting for the customer's yes."""
    requests = [LineInput(t.kind, part_id=t.part_id, description=t.description, qty=t.qty,
                          unit_price=t.unit_price, labour_class_id=t.labour_class_id, canned_job_id=canned_job_id)
                for t in workshop_setup.expand_canned_job(canned_job_id)]
    if not requests:
        raise UserError(_("That canned job has no lines."))
    return add_lines(actor, number, requests)


def _check_comeback(order: RepairOrder, line_id: int) -> None:
    original = (JobLine.select(JobLine, RepairOrder).join(RepairOrder, on=(JobLine.order == RepairOrder.id))
                .where(JobLine.id == line_id).first())
    if original is None or original.order.vehicle_id != order.vehicle_id or original.order.status not in (
            "delivered", "follow_up_done"):
        raise ValidationError({"comeback": _("A comeback links to a line of a delivered order of the same vehicle.")})


def comeback_suggestions(actor: Actor, number: str, line_id: int) -> list[comebacks.ComebackCandidate]:
    """Earlier work on this vehicle, still under warranty and similar to line ``line_id`` — the
    car may be back because of it (``services.comebacks``). Reads only."""
    require(actor, "workshop.view")
    order = _order(number)
    line = _line(order, line_id)
    part_ids = (line.part_id,) if line.part_id else ()
    classes = (line.labour_class_id,) if line.labour_class_id else ()
    found = comebacks.comeback_candidates(order.vehicle_id, on_date=order.checked_in_at.date(),
                                          odometer_km=order.odometer_in, work_text=line.description,
                                          part_ids=part_ids, labour_class_ids=classes)
    return [candidate for candidate in found if candidate.order_id != order.id]


def link_comeback(actor: Actor, number: str, line_id: int, original_line_id: int) -> int:
    """The advisor confirms the line is a comeback of ``original_line_id`` (an earlier delivered
    line of this vehicle still under warranty): it is linked to it (and so to its technician) and
    becomes warranty work at no charge — a new version the customer sees. Returns the version."""
    require(actor, "workshop.edit")
    with transaction():
        order = _open_order(number)
        line = _line(order, line_id)
        if line.status == "removed":
            raise UserError(_("Line {line_no} was removed.").format(line_no=line.line_no))
        candidates = {c.line_id for c in comeback_suggestions(actor, number, line_id)}
        if original_line_id not in candidates:
            raise ValidationError({"comeback": _("That earlier line is not under warranty for similar work on this "
                                                 "vehicle.")})
        version = line.version + 1
        stamp = now()
        JobLine.update(comeback_of=original_line_id, warranty_work=True, unit_price=0, amount=0, version=version,
                       updated_at=stamp).where(JobLine.id == line.id).execute()
        _version(line.id, version, line.description, line.qty, 0, 0, actor)
        _settle_status(order, actor)
        audit.record("workshop.comeback", actor=actor, object_type="repair_order", object_id=order.number,
                     old={"line": line.line_no, "unit_price": line.unit_price},
                     new={"comeback_of": original_line_id, "warranty_work": True})
    return version


def change_line(actor: Actor, number: str, line_id: int, *, qty: int | None = None, unit_price: int | None = None,
                description: str | None = None, technician_id: int | None | bool = False,
                approvals: Mapping[str, Approval] | None = None) -> int:
    """Change a line's quantity, price or description (a new version: once the customer had
    approved it, it needs their authorization again) or its technician (no new version).
    ``technician_id`` False leaves it, None clears it. Returns the line's version."""
    require(actor, "workshop.edit")
    approvals = dict(approvals or {})
    with transaction():
        order = _open_order(number)
        line = _line(order, line_id)
        if line.status == "removed":
            raise UserError(_("Line {line_no} was removed.").format(line_no=line.line_no))
        new_qty = line.qty if qty is None else _whole(qty, "qty", _("Quantity (thousandths)"), minimum=1, maximum=QTY_MAX)
        new_price = line.unit_price if unit_price is None else _whole(unit_price, "unit_price", _("Price"), minimum=0,
                                                                       maximum=PRICE_MAX)
        if line.warranty_work and new_price != 0:
            raise ValidationError({"unit_price": _("Warranty work is done at no charge.")})
        new_text = line.description if description is None else _text(description, "description", _("Description"),
                                                                       DESCRIPTION_MAX, required=True)
        if line.kind == "part" and new_qty < line.issued_qty:
            raise ValidationError({"qty": _("{issued} already issued to the job: "
                                            "return the unused parts to stock first.").format(
                issued=format_quantity(line.issued_qty, line.unit))})
        approval = None
        if unit_price is not None and unit_price != line.unit_price:
            approval = _check_floor(actor, dict(kind=line.kind, part=line.part_id, unit_price=new_price, qty=new_qty,
                                                warranty_work=line.warranty_work), approvals, True)
        changes: dict[str, object] = {}
        if technician_id is not False:
            if technician_id is not None:
                technician = AppUser.get_or_none(AppUser.id == technician_id)
                if technician is None or not technician.active:
                    raise ValidationError({"technician": _("Choose a technician who works here.")})
            changes["technician"] = technician_id
        old = {"qty": line.qty, "unit_price": line.unit_price, "description": line.description,
               "version": line.version}
        if (new_qty, new_price, new_text) != (line.qty, line.unit_price, line.description):
            version = line.version + 1
            amount = line_amount(new_price, new_qty)
            changes.update(qty=new_qty, unit_price=new_price, description=new_text, amount=amount, version=version)
            if line.kind == "part" and line.status == "active":
                changes["reserved_qty"] = new_qty
            _version(line.id, version, new_text, new_qty, new_price, amount, actor)
        if not changes:
            return line.version
        changes["updated_at"] = now()
        JobLine.update(**changes).where(JobLine.id == line.id).execute()
        _settle_status(order, actor)
        audit.record("workshop.change_line", actor=actor, approval=approval, object_type="repair_order",
                     object_id=order.number, old=old,
                     new={k: v for k, v in changes.items() if k != "updated_at"} | {"line": line.line_no})
        return int(changes.get("version", line.version))


def remove_line(actor: Actor, number: str, line_id: int, *, reason: str) -> None:
    """Take a line off the order (kept, marked removed): its reservation is released. A line with
    parts issued to the job needs them returned first."""
    require(actor, "workshop.edit")
    reason = _text(reason, "reason", _("The reason"), NOTE_MAX, required=True)
    with transaction():
        order = _open_order(number)
        line = _line(order, line_id)
        if line.status == "removed":
            return
        if line.issued_qty:
            raise UserError(_("Line {line_no}: {issued} issued to the job; "
                              "return them to stock first.").format(line_no=line.line_no,
                                                                    issued=format_quantity(line.issued_qty, line.unit)))
        if LabourClock.select().where((LabourClock.line == line.id) & LabourClock.off_at.is_null()).exists():
            raise UserError(_("Line {line_no}: a technician is clocked on it.").format(line_no=line.line_no))
        JobLine.update(status="removed", reserved_qty=0, updated_at=now()).where(JobLine.id == line.id).execute()
        _settle_status(order, actor)
        audit.record("workshop.remove_line", actor=actor, object_type="repair_order", object_id=order.number,
                     reason=reason, old={"line": line.line_no, "amount": line.amount, "status": line.status})


# --- authorization -----------------------------------------------------------------------------------

def authorize(actor: Actor, number: str, line_ids: Sequence[int], *, decision: str, method: str,
              customer_name: str = "", signed: bool = False, note: str = "") -> int:
    """Record the customer's yes (``approved``) or no (``declined``) to each line's current
    version: how (in person — signed on paper or not —, by phone, by message), the name of who
    gave it, the amount. A declined line stays on the order as a recommendation (it becomes a
    service reminder) and releases its reserved parts; approving it later brings it back.
    Returns how many lines were recorded."""
    require(actor, "workshop.edit")
    if decision not in ("approved", "declined"):
        raise ValidationError({"decision": _("Approved or declined.")})
    if method not in METHODS:
        raise ValidationError({"method": _("How did the customer answer: {methods}?").format(
            methods=", ".join(_(method) for method in METHODS.values()).lower())})
    if signed and method != "in_person":
        raise ValidationError({"signed": _("Only an answer given in person is signed.")})
    name = _text(customer_name, "customer_name", _("Who answered"), NAME_MAX, required=method != "message")
    note = _text(note, "note", _("The note"), NOTE_MAX)
    wanted = list(dict.fromkeys(int(i) for i in line_ids))
    if not wanted:
        raise ValidationError({"lines": _("Choose the lines the customer answered for.")})
    declined_ids: list[int] = []
    with transaction():
        order = _open_order(number)
        lines = [_line(order, line_id) for line_id in wanted]
        for line in lines:
            if line.status == "removed":
                raise UserError(_("Line {line_no} was removed.").format(line_no=line.line_no))
            if decision == "declined" and line.issued_qty:
                raise UserError(_("Line {line_no}: parts were issued to the job; return them before the "
                                  "customer declines it.").format(line_no=line.line_no))
        stamp = now()
        for line in lines:
            JobAuthorization.insert(line=line.id, version=line.version, decision=decision, method=method,
                                    amount=line.amount, customer_name=name, signed=bool(signed), note=note, at=stamp,
                                    taken_by=actor.user_id).execute()
            if decision == "declined" and line.status != "declined":
                JobLine.update(status="declined", reserved_qty=0, updated_at=stamp).where(
                    JobLine.id == line.id).execute()
                declined_ids.append(line.id)
            elif decision == "approved" and line.status == "declined":
                JobLine.update(status="active", reserved_qty=line.qty if line.kind == "part" else 0,
                               updated_at=stamp).where(JobLine.id == line.id).execute()
        for line_id in declined_ids:  # kept as a recommendation: the advisor calls back about it
            reminders.declined_recommendation(line_id)
        _settle_status(order, actor)
        audit.record("workshop.authorize", actor=actor, object_type="repair_order", object_id=order.number,
                     new={"decision": decision, "method": method, "customer_name": name, "signed": bool(signed),
                          "lines": [{"line": line.line_no, "version": line.version, "amount": line.amount}
                                    for line in lines]})
    return len(lines)


# --- the work --------------------------------------------------------------------------------------------

def clock_on(actor: Actor, number: str, line_id: int) -> str:
    """The technician (``actor``) starts work on a labour line the customer authorized. Clocked on
    another line, they are clocked off it first. Returns a note for the screen."""
    require(actor, "workshop.work")
    if actor.user_id is None:
        raise UserError(_("Clock on as a technician: log in first."))
    with transaction():
        order = _open_order(number)
        line = _line(order, line_id)
        if line.kind != "labour" or line.status != "active":
            raise UserError(_("Line {line_no} is not labour to be done.").format(line_no=line.line_no))
        if auth_state(line, _latest_authorizations([line.id]).get(line.id)) != AUTHORIZED:
            raise UserError(_("Line {line_no} is not authorized by the customer: no work on it yet.").format(
                line_no=line.line_no))
        if order.status not in ("in_progress", "waiting_parts", "waiting_authorization"):
            raise UserError(_("Repair order {number} is {status}: no work on it now.").format(
                number=order.number, status=_(STATUS_LABELS[order.status]).lower()))
        stamp = now()
        note = ""
        current = LabourClock.get_or_none((LabourClock.technician == actor.user_id) & LabourClock.off_at.is_null())
        if current is not None:
            if current.line_id == line.id:
                return _("You are already clocked on line {line_no}.").format(line_no=line.line_no)
            LabourClock.update(off_at=stamp).where(LabourClock.id == current.id).execute()
            note = _("Clocked off your other job first.") + " "
        LabourClock.insert(line=line.id, technician=actor.user_id, on_at=stamp).execute()
        if line.technician_id is None:
            JobLine.update(technician=actor.user_id, updated_at=stamp).where(JobLine.id == line.id).execute()
        if order.status == "waiting_authorization":
            _set_status(order, "in_progress", actor, "Work started on authorized lines")
    return note + _("Clocked on {number} line {line_no}.").format(number=order.number, line_no=line.line_no)


def clock_off(actor: Actor) -> str:
    """The technician stops the clock on the line they are on. Returns a note for the screen."""
    require(actor, "workshop.work")
    with transaction():
        current = LabourClock.get_or_none((LabourClock.technician == actor.user_id) & LabourClock.off_at.is_null())
        if current is None:
            raise UserError(_("You are not clocked on any job."))
        LabourClock.update(off_at=now()).where(LabourClock.id == current.id).execute()
        line = JobLine.get_by_id(current.line_id)
        order = RepairOrder.get_by_id(line.order_id)
    return _("Clocked off {number} line {line_no}.").format(number=order.number, line_no=line.line_no)


def clocked_on(actor: Actor) -> tuple[str, int, int] | None:
    """Where the technician is clocked on now: (order number, line id, line no), or None."""
    require(actor, "workshop.view")
    row = (LabourClock.select(RepairOrder.number, JobLine.id, JobLine.line_no)
           .join(JobLine, on=(LabourClock.line == JobLine.id)).join(RepairOrder, on=(JobLine.order == RepairOrder.id))
           .where((LabourClock.technician == actor.user_id) & LabourClock.off_at.is_null()).tuples().first())
    return (row[0], int(row[1]), int(row[2])) if row else None


def issue_parts(actor: Actor, number: str, line_id: int | None = None, qty: int | None = None) -> int:
    """Issue reserved parts to the job as they are used (a stock move out, reason ``workshop``):
    one line (``qty`` default: all of it still to issue) or, ``line_id`` None, every authorized part
    line. Only what the customer authorized, and only what is on the shelf. Returns how many lines
    were issued to."""
    require(actor, "workshop.work")
    with transaction():
        order = _open_order(number)
        if line_id is not None:
            lines = [_line(order, line_id)]
        else:
            lines = [line for line in _active_lines(order.id) if line.kind == "part" and line.issued_qty < line.qty]
            if not lines:
                raise UserError(_("Every part of {number} is already issued.").format(number=order.number))
        latest = _latest_authorizations([line.id for line in lines])
        shelf = stock.on_hand([line.part_id for line in lines if line.part_id], lock=True)
        issued = 0
        for line in lines:
            if line.kind != "part" or line.status != "active":
                raise UserError(_("Line {line_no} is not a part for this job.").format(line_no=line.line_no))
            if auth_state(line, latest.get(line.id)) != AUTHORIZED:
                raise UserError(_("Line {line_no} ({description}) is not authorized by the customer: no part "
                                  "is fitted before they agree.").format(line_no=line.line_no,
                                                                         description=line.description))
            still = line.qty - line.issued_qty
            amount = still if qty is None or line_id is None else _whole(qty, "qty", _("Quantity (thousandths)"),
                                                                          minimum=1, maximum=QTY_MAX)
            if amount <= 0:
                raise UserError(_("Line {line_no}: all of it is issued already.").format(line_no=line.line_no))
            if amount > still:
                raise ValidationError({"qty": _("Line {line_no}: at most {qty} is "
                                                "still to issue.").format(line_no=line.line_no,
                                                                          qty=format_quantity(still, line.unit))})
            if shelf[line.part_id] < amount:
                raise UserError(_("Line {line_no} ({description}): only "
                                  "{qty} on the shelf.").format(
                    line_no=line.line_no, description=line.description,
                    qty=format_quantity(max(shelf[line.part_id], 0), line.unit)))
            cost = Part.get_by_id(line.part_id).cost
            stock.post_move(part_id=line.part_id, qty=-amount, unit_cost=cost, reason="workshop", document=order.number,
                            user_id=actor.user_id)
            shelf[line.part_id] -= amount
            JobLine.update(issued_qty=JobLine.issued_qty + amount, unit_cost=cost, updated_at=now()).where(
                JobLine.id == line.id).execute()
            issued += 1
        audit.record("workshop.issue_parts", actor=actor, object_type="repair_order", object_id=order.number,
                     new={"lines": [line.line_no for line in lines]})
    return issued


def return_parts(actor: Actor, number: str, line_id: int, qty: int) -> None:
    """Parts issued to the job and not used go back to the shelf (reason ``workshop_return``); they
    stay reserved for the line until its quantity changes."""
    require(actor, "workshop.work")
    with transaction():
        order = _open_order(number)
        line = _line(order, line_id)
        amount = _whole(qty, "qty", _("Quantity (thousandths)"), minimum=1, maximum=QTY_MAX)
        if line.kind != "part" or amount > line.issued_qty:
            raise ValidationError({"qty": _("Line {line_no}: at most "
                                            "{qty} was issued.").format(line_no=line.line_no,
                                                                        qty=format_quantity(line.issued_qty, line.unit))})
        stock.post_move(part_id=line.part_id, qty=amount, unit_cost=line.unit_cost, reason="workshop_return",
                        document=order.number, user_id=actor.user_id)
        JobLine.update(issued_qty=JobLine.issued_qty - amount, updated_at=now()).where(JobLine.id == line.id).execute()
        audit.record("workshop.return_parts", actor=actor, object_type="repair_order", object_id=order.number,
                     new={"line": line.line_no, "qty": amount})


def finish_work(actor: Actor, number: str) -> None:
    """The work is done: the order goes to the quality check. Every line authorized, nobody
    clocked on, every part issued (or its quantity changed to what was used)."""
    require(actor, "workshop.work")
    with transaction():
        order = _open_order(number)
        if order.status != "in_progress":
            raise UserError(_("Repair order {number} is {status}: only work in "
                              "progress goes to the quality check.").format(number=order.number,
                                                                            status=_(STATUS_LABELS[order.status]).lower()))
        lines = _active_lines(order.id)
        if not lines:
            raise UserError(_("Repair order {number} has no work on it.").format(number=order.number))
        for line in lines:
            if line.kind == "part" and line.issued_qty != line.qty:
                raise UserError(_("Line {line_no} ({description}): "
                                  "{issued} of "
                                  "{qty} issued — issue the rest, or change the "
                                  "quantity to what was used.").format(
                    line_no=line.line_no, description=line.description,
                    issued=format_quantity(line.issued_qty, line.unit), qty=format_quantity(line.qty, line.unit)))
        if (LabourClock.select().join(JobLine, on=(LabourClock.line == JobLine.id))
                .where((JobLine.order == order.id) & LabourClock.off_at.is_null()).exists()):
            raise UserError(_("A technician is still clocked on this order: clock off first."))
        _set_status(order, "quality_check", actor)
        audit.record("workshop.finish_work", actor=actor, object_type="repair_order", object_id=order.number)


def quality_check(actor: Actor, number: str, items: Sequence[CheckMark], *, note: str = "") -> QualityResult:
    """Record the quality check: any item failed sends the order back to work, all passed make it
    ready. Preferably someone other than the technicians who worked on it (a warning, not a refusal:
    a one-person workshop checks its own work)."""
    require(actor, "workshop.work")
    marks = _clean_checklist(items, "items")
    if not marks:
        raise ValidationError({"items": _("Go through the checklist first.")})
    note = _text(note, "note", _("The note"), NOTE_MAX)
    passed = all(mark.result != "fail" for mark in marks)
    if not passed and not note and not any(mark.note for mark in marks if mark.result == "fail"):
        raise ValidationError({"note": _("Say what failed, for the technician.")})
    with transaction():
        order = _open_order(number)
        if order.status != "quality_check":
            raise UserError(_("Repair order {number} is {status}, not waiting for "
                              "its quality check.").format(number=order.number, status=_(STATUS_LABELS[order.status]).lower()))
        stamp = now()
        check_id = QualityCheck.insert(order=order.id, at=stamp, user=actor.user_id, passed=passed,
                                       note=note).execute()
        for mark in marks:
            RepairOrderCheck.insert(order=order.id, quality_check=check_id, item=mark.item, result=mark.result,
                                    note=mark.note).execute()
        worked = (LabourClock.select().join(JobLine, on=(LabourClock.line == JobLine.id))
                  .where((JobLine.order == order.id) & (LabourClock.technician == actor.user_id)).exists())
        _set_status(order, "ready" if passed else "in_progress", actor,
                    "" if passed else f"Quality check failed: {note or 'see the checklist'}")
        audit.record("workshop.quality_check", actor=actor, object_type="repair_order", object_id=order.number,
                     new={"passed": passed, "failed": [m.item for m in marks if m.result == "fail"]})
    warning = (_("You worked on this car yourself: a second pair of eyes is better for the quality check.")
               if worked else "")
    return QualityResult(passed, "ready" if passed else "in_progress", warning)


# --- invoice and delivery ---------------------------------------------------------------------------------

def _billing_rows(lines: Sequence[JobLine], approved: Mapping[int, JobAuthorization]) -> list[dict[str, object]]:
    """The invoice's rows at the prices the customer authorized: each line as its approved version
    stands (frozen there, whatever changed since — only a manager's override lets such a line through);
    a line the customer never approved (the override again) at its current price."""
    versions = {(v.line_id, v.version): v for v in JobLineVersion.select().where(
        JobLineVersion.line.in_([line.id for line in lines]))}
    rows = []
    for line in lines:
        auth = approved.get(line.id)
        version = versions[(line.id, auth.version if auth is not None else line.version)]
        qty, unit_price, amount, description = version.qty, version.unit_price, version.amount, version.description
        if line.kind == "part" and qty != line.issued_qty:
            raise UserError(_("Line {line_no}: the authorized quantity is {qty} but "
                              "{issued} was issued.").format(line_no=line.line_no, qty=format_quantity(qty, line.unit),
                                                             issued=format_quantity(line.issued_qty, line.unit)))
        if line.warranty_work:
            description = f"{description} (warranty)"
        rows.append(dict(part=line.part_id, description=description, qty=qty, unit=line.unit or LABOUR_UNIT,
                         list_price=unit_price, unit_price=unit_price, discount_bp=0, tax_rate_bp=line.tax_rate_bp,
                         amount=amount, unit_cost=line.unit_cost, core_of_line=None, approved_by=None,
                         approval_reason="", price_source="list", changed=False))
    return rows


def deliver(actor: Actor, number: str, delivery: Delivery, payments: Sequence[tender.Payment], *,
            approvals: Mapping[str, Approval] | None = None) -> DeliveryResult:
    """Hand the car back: odometer out, what was done in words, the invoice through the counter's
    invoicing and payments at the prices the customer authorized (``sales.write_sale``), the
    customer's satisfaction, and a follow-up call in the care list. An active line without a valid
    authorization blocks it unless a manager approves ``workshop.invoice_override`` with a reason."""
    require(actor, "counter.sell")
    require(actor, "workshop.edit")
    approvals = dict(approvals or {})
    work_done = _long_text(delivery.work_done, "work_done", _("What was done"), CONCERN_MAX, required=True)
    satisfaction = delivery.satisfaction
    if satisfaction is not None:
        satisfaction = _whole(satisfaction, "satisfaction", _("Satisfaction"), minimum=1, maximum=5)
    satisfaction_note = _text(delivery.satisfaction_note, "satisfaction_note", _("The customer's words"), NOTE_MAX)
    warnings: list[str] = []
    with transaction():
        order = _open_order(number)
        if order.status != "ready":
            raise UserError(_("Repair order {number} is {status}: it is delivered "
                              "once it passed its quality check.").format(number=order.number,
                                                                          status=_(STATUS_LABELS[order.status]).lower()))
        lines = _active_lines(order.id)
        if not lines:
            raise UserError(_("Repair order {number} has nothing to invoice.").format(number=order.number))
        latest = _latest_authorizations([line.id for line in lines])
        lacking = [line for line in lines if auth_state(line, latest.get(line.id)) != AUTHORIZED]
        override = None
        if lacking:
            override = approvals.get("workshop.invoice_override")
            if override is None or override.permission != "workshop.invoice_override":
                # even a manager invoices past the customer's yes only by stepping up with a reason
                raise PermissionDenied(_("{count} line(s) lack the customer's authorization (line "
                                         "{lines}): a manager must approve "
                                         "invoicing them, with a reason.").format(
                    count=len(lacking), lines=", ".join(str(line.line_no) for line in lacking)),
                    permission="workshop.invoice_override")
        odometer = _whole(delivery.odometer_km, "odometer", _("Odometer out (km)"), minimum=0, maximum=10**7)
        if order.odometer_in is not None and odometer < order.odometer_in:
            raise ValidationError({"odometer": _("The odometer was {km:,} km at check-in: it cannot be "
                                                 "lower now.").format(km=order.odometer_in)})
        customers.record_odometer(actor, order.vehicle_id, odometer, source="delivery")
        rows = _billing_rows(lines, _latest_authorizations([line.id for line in lines], approved_only=True))
        customer = cart.sale_customer(order.customer_id)
        include_tax = bool(settings.get("tax.prices_include_tax"))
        written = sales.write_sale(actor, rows, payments, kind="invoice", customer=customer,
                                   vehicle_id=order.vehicle_id, price_tier=cart.tier_of(customer).tier,
                                   include_tax=include_tax, note=f"Repair order {order.number}", approvals=approvals,
                                   warnings=warnings, post_stock=False, summary=f"Repair order {order.number}")
        stamp = now()
        RepairOrder.update(
            sale=written.sale_id, odometer_out=odometer, work_done=work_done, satisfaction=satisfaction,
            satisfaction_note=satisfaction_note, delivered_at=stamp, delivered_by=actor.user_id,
            invoice_override_by=override.approver_id if override else None,
            invoice_override_reason=override.reason if override else "").where(RepairOrder.id == order.id).execute()
        _set_status(order, "delivered", actor, f"Invoice {written.number}")
        due = shop_today() + timedelta(days=int(settings.get("workshop.followup_days")))
        care.schedule_task(order.customer_id, kind="follow_up", due_on=due, document=order.number,
                           vehicle_id=order.vehicle_id, user_id=actor.user_id,
                           note="How is the car after the work?")
        reminders.reminders_after_service(order.id)
        audit.record("workshop.deliver", actor=actor, approval=override, object_type="repair_order",
                     object_id=order.number, reason=override.reason if override else "",
                     new={"invoice": written.number, "total": written.totals.gross, "odometer_out": odometer,
                          "satisfaction": satisfaction,
                          "unauthorized_lines": [line.line_no for line in lacking]})
    return DeliveryResult(order.number, written.number, written.sale_id, written.totals.gross, written.change,
                          due.isoformat(), tuple(warnings))


def cancel(actor: Actor, number: str, *, reason: str) -> None:
    """Cancel an open order (the customer took the car away unrepaired): its reservations are
    released. Parts issued to it must be returned first; nobody may be clocked on it."""
    require(actor, "workshop.edit")
    reason = _text(reason, "reason", _("The reason"), NOTE_MAX, required=True)
    with transaction():
        order = _open_order(number)
        lines = list(JobLine.select().where(JobLine.order == order.id))
        issued = [line for line in lines if line.issued_qty]
        if issued:
            raise UserError(_("Parts are issued to line {line_no}: return them to stock first.").format(
                line_no=issued[0].line_no))
        if (LabourClock.select().join(JobLine, on=(LabourClock.line == JobLine.id))
                .where((JobLine.order == order.id) & LabourClock.off_at.is_null()).exists()):
            raise UserError(_("A technician is clocked on this order: clock off first."))
        JobLine.update(reserved_qty=0).where(JobLine.order == order.id).execute()
        _set_status(order, "cancelled", actor, reason)
        audit.record("workshop.cancel", actor=actor, object_type="repair_order", object_id=order.number, reason=reason)


def follow_up_done(order_number: str, user_id: int | None) -> bool:
    """The follow-up call of a delivered order was made (``services.care.record_call`` calls this
    inside its transaction): the order's last status. False when there is no such delivered order."""
    order = RepairOrder.get_or_none(RepairOrder.number == order_number)
    if order is None or order.status != "delivered":
        return False
    stamp = now()
    RepairOrder.update(status="follow_up_done", status_at=stamp, updated_at=stamp).where(
        RepairOrder.id == order.id).execute()
    RepairOrderEvent.insert(order=order.id, at=stamp, status="follow_up_done", user=user_id, note="").execute()
    return True


# --- a quote becomes an order's lines ----------------------------------------------------------------------

def add_quote(actor: Actor, number: str, quote_number: str) -> list[int]:
    """A counter quote's parts and labour become the order's lines — at the quoted prices while
    the quote is valid, today's after it expired — and the quote is converted into this order."""
    require(actor, "workshop.edit")
    text = str(quote_number or "").strip().upper()
    with transaction():
        order = _open_order(number)
        query = Quote.select().where(Quote.number == text)
        quote = (query.for_update() if is_postgres() else query).first()
        if quote is None:
            raise UserError(_("There is no quote {number}.").format(number=text or _("(none)")))
        if quote.status != "open":
            raise UserError(_("Quote {number} is {status}: it converts once.").format(number=quote.number,
                                                                                    status=quote.status))
        if quote.customer_id is not None and quote.customer_id != order.customer_id:
            raise UserError(_("Quote {number} is for another customer.").format(number=quote.number))
        expired = shop_today() > quote.valid_until
        requests = []
        for line in QuoteLine.select().where(QuoteLine.quote == quote.id).order_by(QuoteLine.line_no):
            if line.kind == "part":
                requests.append(LineInput("part", part_id=line.part_id, qty=line.qty,
                                          unit_price=None if expired else line.unit_price))
            elif line.kind == "labour":
                requests.append(LineInput("labour", description=line.description, qty=line.qty,
                                          unit_price=None if expired else line.unit_price))
        if not requests:
            raise UserError(_("Quote {number} has no lines.").format(number=quote.number))
        rows = [_priced_line(order, request, index) for index, request in enumerate(requests)]
        ids = _insert_lines(actor, order, rows)
        stamp = now()
        Quote.update(status="converted", converted_to=order.number, converted_at=stamp).where(
            Quote.id == quote.id).execute()
        RepairOrder.update(quote_number=quote.number, updated_at=stamp).where(RepairOrder.id == order.id).execute()
        _settle_status(order, actor)
        audit.record("workshop.add_quote", actor=actor, object_type="repair_order", object_id=order.number,
                     new={"quote": quote.number, "expired": expired, "lines": len(ids)})
    return ids


# --- reading ----------------------------------------------------------------------------------------------

_VEHICLE_SQL = ("COALESCE(vm.make, '') || CASE WHEN vm.model IS NULL THEN '' ELSE ' ' || vm.model END || "
                "CASE WHEN v.model_year IS NULL THEN '' ELSE ' ' || CAST(v.model_year AS TEXT) END")


def _order_sums(order_ids: Sequence[int] | None) -> dict[int, tuple[int, int, int]]:
    """Per order (``None``: every open one): current total, authorized total and the lines that
    need the customer's authorization — two plain reads added up here, so the cost follows the
    number of lines, never lines × authorizations."""
    db = database.obj
    if order_ids is not None:
        if not order_ids:
            return {}
        wanted = [int(i) for i in order_ids]
        where = f"j.order_id IN ({', '.join(str(i) for i in wanted)})"
    else:
        where = (f"j.order_id IN (SELECT id FROM repair_order WHERE status IN "
                 f"({', '.join(repr(s) for s in OPEN_STATUSES)}))")
    lines = db.execute_sql(f"SELECT j.id, j.order_id, j.version, j.amount FROM job_line j "
                           f"WHERE j.status = 'active' AND {where}").fetchall()
    approved: dict[int, tuple[int, int, int]] = {}  # line -> (authorization id, version, amount), the latest
    for line_id, auth_id, version, amount in db.execute_sql(
            "SELECT a.line_id, a.id, a.version, a.amount FROM job_authorization a JOIN job_line j ON j.id = a.line_id "
            f"WHERE a.decision = 'approved' AND j.status = 'active' AND {where}").fetchall():
        if line_id not in approved or auth_id > approved[line_id][0]:
            approved[line_id] = (auth_id, version, amount)
    sums: dict[int, list[int]] = {}
    for line_id, order_id, version, amount in lines:
        total = sums.setdefault(int(order_id), [0, 0, 0])
        total[0] += int(amount)
        latest = approved.get(line_id)
        if latest is not None:
            total[1] += int(latest[2])
        if latest is None or latest[1] != version:
            total[2] += 1
    return {order_id: (t[0], t[1], t[2]) for order_id, t in sums.items()}


def board(actor: Actor) -> Board:
    """Every open order by status, for the board: customer, vehicle, concern, promised time (late
    when past it and not ready), totals current and authorized, lines waiting for the customer,
    the parts-arrived flag and the technicians on it. A few queries, whatever the number of orders."""
    require(actor, "workshop.view")
    db = database.obj
    statuses = ", ".join(repr(s) for s in OPEN_STATUSES)
    sums = _order_sums(None)
    technicians: dict[int, list[str]] = {}
    for order_id, name in db.execute_sql(
            "SELECT DISTINCT j.order_id, u.display_name FROM job_line j JOIN repair_order o ON o.id = j.order_id "
            "JOIN app_user u ON u.id = j.technician_id "
            f"WHERE o.status IN ({statuses}) AND j.status = 'active' ORDER BY u.display_name").fetchall():
        technicians.setdefault(int(order_id), []).append(name)
    stamp = now()
    columns: dict[str, list[BoardCard]] = {status: [] for status in OPEN_STATUSES}
    for (order_id, number, status, status_at, customer, plate, vehicle, concern, promised_at,
         parts_arrived) in db.execute_sql(
            f"SELECT o.id, o.number, o.status, o.status_at, c.name, v.plate, {_VEHICLE_SQL}, o.concern, "
            "o.promised_at, o.parts_arrived FROM repair_order o JOIN customer c ON c.id = o.customer_id "
            "JOIN vehicle v ON v.id = o.vehicle_id LEFT JOIN vehicle_model vm ON vm.id = v.vehicle_model_id "
            f"WHERE o.status IN ({statuses}) ORDER BY o.status_at, o.id").fetchall():
        total, authorized, needs = sums.get(int(order_id), (0, 0, 0))
        status_at = _as_datetime(status_at)
        promised = _as_datetime(promised_at) if promised_at is not None else None
        columns[status].append(BoardCard(
            int(order_id), number, status, status_at, customer, plate or "", vehicle.strip(),
            " ".join(str(concern).split())[:120], promised, bool(promised and promised < stamp and status != "ready"),
            total, authorized, needs, bool(parts_arrived), ", ".join(technicians.get(int(order_id), []))))
    return Board({status: tuple(cards) for status, cards in columns.items()},
                 sum(len(cards) for cards in columns.values()), settings.get("shop.currency"))


def _as_datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


@dataclass(frozen=True)
class OrderRow:
    id: int
    number: str
    status: str
    checked_in_at: datetime
    customer: str
    plate: str
    vehicle: str
    concern: str
    total: int
    invoice: str


def find_orders(actor: Actor, text: str = "", *, status: str | None = None, limit: int = 200) -> list[OrderRow]:
    """Orders newest first, by RO number, plate, customer name or invoice number (a part of any),
    and by status ("open" for every open one)."""
    require(actor, "workshop.view")
    db = database.obj
    p = db.param
    conditions, params = [], []
    wanted = " ".join(str(text or "").split())
    if wanted:
        like = f"%{wanted.upper()}%"
        plate = f"%{''.join(ch for ch in wanted.upper() if ch.isalnum())}%"
        conditions.append(f"(UPPER(o.number) LIKE {p} OR v.plate_norm LIKE {p} OR UPPER(c.name) LIKE {p} "
                          f"OR UPPER(COALESCE(s.number, '')) LIKE {p})")
        params += [like, plate, like, like]
    if status == "open":
        conditions.append(f"o.status IN ({', '.join(repr(s) for s in OPEN_STATUSES)})")
    elif status:
        if status not in STATUS_LABELS:
            raise ValidationError({"status": _("No such status.")})
        conditions.append(f"o.status = {p}")
        params.append(status)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = db.execute_sql(
        f"SELECT o.id, o.number, o.status, o.checked_in_at, c.name, v.plate, {_VEHICLE_SQL}, o.concern, "
        "COALESCE(s.number, '') FROM repair_order o JOIN customer c ON c.id = o.customer_id "
        "JOIN vehicle v ON v.id = o.vehicle_id LEFT JOIN vehicle_model vm ON vm.id = v.vehicle_model_id "
        f"LEFT JOIN sale s ON s.id = o.sale_id {where} ORDER BY o.id DESC LIMIT {int(limit)}", params).fetchall()
    sums = _order_sums([int(r[0]) for r in rows])
    return [OrderRow(int(order_id), number, status, _as_datetime(at), customer, plate or "", vehicle.strip(),
                     " ".join(str(concern).split())[:120], sums.get(int(order_id), (0, 0, 0))[0], invoice)
            for order_id, number, status, at, customer, plate, vehicle, concern, invoice in rows]


def _authorized_by(auth: JobAuthorization | None, names: Mapping[int, str]) -> str:
    if auth is None:
        return ""
    how = _("{method}, signed").format(method=_(METHODS[auth.method])) if auth.signed else _(METHODS[auth.method])
    who = auth.customer_name or _("the customer")
    taker = names.get(auth.taken_by_id, "")
    if taker:
        return _("{how} — {who} (taken by {taker}), {at:%Y-%m-%d %H:%M}").format(how=how, who=who, taker=taker,
                                                                                  at=auth.at)
    return _("{how} — {who}, {at:%Y-%m-%d %H:%M}").format(how=how, who=who, at=auth.at)


def order_detail(actor: Actor, number: str) -> OrderDetail:
    """Everything about one order, as the order screen and its documents show it."""
    require(actor, "workshop.view")
    order = _order(number)
    customer = Customer.get_by_id(order.customer_id)
    vehicle = Vehicle.get_by_id(order.vehicle_id)
    lines = list(JobLine.select().where(JobLine.order == order.id).order_by(JobLine.line_no))
    ids = [line.id for line in lines]
    latest = _latest_authorizations(ids)
    approved = _latest_authorizations(ids, approved_only=True)
    names = {u.id: u.display_name for u in AppUser.select(AppUser.id, AppUser.display_name)}
    classes = {c.id: c.name for c in LabourClass.select(LabourClass.id, LabourClass.name)}
    parts = {p.id: p for p in Part.select(Part.id, Part.number, Part.bin).where(
        Part.id.in_([line.part_id for line in lines if line.part_id]))} if lines else {}
    short = reservations.short_parts(order.id)
    hours: dict[int, int] = {}
    on_now: dict[int, list[str]] = {}
    stamp = now()
    for clock in LabourClock.select().where(LabourClock.line.in_(ids)) if ids else ():
        end = clock.off_at or stamp
        hours[clock.line_id] = hours.get(clock.line_id, 0) + int((end - clock.on_at).total_seconds() * 1000 // 3600)
        if clock.off_at is None:
            on_now.setdefault(clock.line_id, []).append(names.get(clock.technician_id, ""))
    comebacks = {}
    linked = [line.comeback_of_id for line in lines if line.comeback_of_id]
    if linked:
        for line_id, line_no, ro_number in (JobLine.select(JobLine.id, JobLine.line_no, RepairOrder.number)
                                            .join(RepairOrder, on=(JobLine.order == RepairOrder.id))
                                            .where(JobLine.id.in_(linked)).tuples()):
            comebacks[line_id] = _("{number} line {line_no}").format(number=ro_number, line_no=line_no)
    views = []
    for line in lines:
        auth = approved.get(line.id)
        part = parts.get(line.part_id)
        views.append(LineView(
            line.id, line.line_no, line.kind, line.part_id, part.number if part else "", part.bin if part else "",
            line.description, line.qty, line.unit, line.unit_price, line.amount, line.tax_rate_bp, line.version,
            line.status, auth_state(line, latest.get(line.id)), auth.amount if auth else None,
            auth.version if auth else None, _authorized_by(auth, names), classes.get(line.labour_class_id, ""),
            line.technician_id, names.get(line.technician_id, ""), max(line.reserved_qty - line.issued_qty, 0),
            line.issued_qty, min(short.get(line.part_id, 0), max(line.reserved_qty - line.issued_qty, 0))
            if line.part_id else 0, line.qty if line.kind == "labour" else 0, hours.get(line.id, 0),
            tuple(on_now.get(line.id, ())), line.warranty_months, line.warranty_km, line.warranty_work,
            comebacks.get(line.comeback_of_id, "")))
    active = [view for view in views if view.status == "active"]
    checks = list(RepairOrderCheck.select().where(RepairOrderCheck.order == order.id).order_by(RepairOrderCheck.id))
    reception = tuple(CheckMark(c.item, c.result, c.note) for c in checks if c.quality_check_id is None)
    quality = []
    for qc in QualityCheck.select().where(QualityCheck.order == order.id).order_by(QualityCheck.id):
        quality.append((qc.at, names.get(qc.user_id, ""), qc.passed, qc.note,
                        tuple(CheckMark(c.item, c.result, c.note) for c in checks if c.quality_check_id == qc.id)))
    events = tuple((e.at, e.status, names.get(e.user_id, ""), e.note) for e in
                   RepairOrderEvent.select().where(RepairOrderEvent.order == order.id).order_by(RepairOrderEvent.id))
    damages = tuple(DamageMark(d.x, d.y, d.kind, d.note, d.photo) for d in
                    RepairOrderDamage.select().where(RepairOrderDamage.order == order.id).order_by(RepairOrderDamage.id))
    model = vehicle.vehicle_model
    described = " ".join(str(x) for x in (model.make if model else "", model.model if model else "",
                                           vehicle.model_year or "") if x)
    phone = care.best_phones([customer.id]).get(customer.id, "")
    invoice = Sale.get_by_id(order.sale_id).number if order.sale_id else ""
    return OrderDetail(
        order.id, order.number, order.status, _(STATUS_LABELS[order.status]), customer.id, customer.name, customer.kind,
        phone, vehicle.id, described, vehicle.plate, order.odometer_in, order.odometer_out, order.fuel_eighths,
        order.concern, order.promised_at, order.checked_in_at, names.get(order.advisor_id, ""), order.note,
        order.parts_arrived, order.quote_number, tuple(views), reception, damages, tuple(quality), events,
        sum(view.amount for view in active),
        sum(view.authorized_amount or 0 for view in active),
        sum(1 for view in active if view.auth != AUTHORIZED), invoice, order.delivered_at, order.work_done,
        order.satisfaction, settings.get("shop.currency"), bool(settings.get("tax.prices_include_tax")))


__all__ = ["AUTH_LABELS", "CHECK_RESULTS", "DAMAGE_KINDS", "KINDS", "METHODS", "OPEN_STATUSES", "STATUS_LABELS", "add_canned_job",
           "Board", "BoardCard", "CheckIn", "CheckMark", "DamageMark", "Delivery", "DeliveryResult", "LineInput",
           "LineView", "OrderDetail", "OrderRow", "QualityResult", "add_line", "add_lines", "add_quote", "authorize",
           "board", "cancel", "change_line", "check_in", "checkin_start", "checklist_items", "comeback_suggestions", "link_comeback", "clock_off", "clock_on", "clocked_on", "deliver",
           "find_orders", "finish_work", "follow_up_done", "issue_parts", "order_detail", "quality_check",
           "remove_line", "return_parts"]
