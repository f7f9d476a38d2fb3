"""Appointments: the workshop's bookings and its calendar.

An appointment is a known customer and vehicle, or just a contact name, a phone and the car as
the caller describes it ("white Golf B-XY 123"); the work asked for, a start and an expected
duration, and a bay and/or a technician. It is ``booked`` until the car arrives (the check-in
calls ``mark_arrived`` inside its own transaction and links the repair order to it), is
cancelled with a reason, or is marked a no-show once its start has passed.

A bay or technician booked twice at overlapping times is allowed — a workshop squeezes jobs in —
but never silently: ``book`` and ``reschedule`` return the clashes as warnings, and the day and
week plans mark every clashing appointment. Capacity is the working day (settings
``workshop.day_start`` / ``workshop.day_end``, shop-local "HH:MM") against the minutes booked.

Times: ``starts_at`` is stored, taken and returned as naive UTC like every time the services
write; a day is the shop's calendar day (``clock.shop_today``), so a day's plan reads the UTC
window of that local day. ``local_time`` and ``utc_from_local`` convert for the screen.

Reading needs workshop.view, writing workshop.edit. Bad input raises ``ValidationError`` (one
message per field) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from peewee import JOIN, fn

from partsdesk.config import check_clock_time
from partsdesk.domain.customers import check_phone
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.fields import FieldSpec, clean_int, clean_line, clean_text
from partsdesk.domain.permissions import TECHNICIAN, Actor, require
from partsdesk.i18n import N_, _
from partsdesk.models import (
    Appointment,
    AppUser,
    Customer,
    RepairOrder,
    Vehicle,
    VehicleModel,
    WorkshopBay,
    transaction,
)
from partsdesk.services import audit, settings
from partsdesk.services.care import best_phones
from partsdesk.services.clock import now, shop_today

STATUSES: dict[str, str] = {"booked": N_("Booked"), "arrived": N_("Arrived"), "no_show": N_("No-show"),
                            "cancelled": N_("Cancelled")}
ACTIVE = ("booked", "arrived")  # what takes a bay's or a technician's time
DURATION_MIN, DURATION_MAX = 5, 1440
PAST_GRACE = timedelta(minutes=5)  # "book it for now" while the clock has moved on a little
_NAME = FieldSpec("contact_name", N_("Contact name"), "text", max_length=120)
_VEHICLE_TEXT = FieldSpec("vehicle_text", N_("Vehicle"), "text", max_length=120)
_WORK = FieldSpec("requested_work", N_("Work asked for"), "text", max_length=500, multiline=True)
_NOTE = FieldSpec("note", N_("Note"), "text", max_length=500, multiline=True)
_DURATION = FieldSpec("duration_min", N_("Duration (minutes)"), "int")


# --- time ---------------------------------------------------------------------------------------

def local_time(at: datetime) -> datetime:
    """A stored (naive UTC) time as the shop's wall clock shows it (naive local)."""
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def utc_from_local(at: datetime) -> datetime:
    """What the advisor typed (naive, the shop's wall clock) as the services store it (naive UTC)."""
    return at.astimezone(UTC).replace(tzinfo=None)


def _day_window(day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of the shop's calendar day ``day``."""
    return (utc_from_local(datetime.combine(day, time())),
            utc_from_local(datetime.combine(day + timedelta(days=1), time())))


def working_day() -> tuple[time, time]:
    """The workshop's opening and closing time (settings ``workshop.day_start`` / ``day_end``)."""
    start = check_clock_time(settings.get("workshop.day_start"), field="workshop.day_start", label=_("Opens at"))
    end = check_clock_time(settings.get("workshop.day_end"), field="workshop.day_end", label=_("Closes at"))
    return time(*start), time(*end)


def _hhmm(at: datetime) -> str:
    return f"{local_time(at):%H:%M}"


# --- what the calendar shows ------------------------------------------------------------------

@dataclass(frozen=True)
class AppointmentRow:
    id: int
    status: str  # booked, arrived, no_show, cancelled
    customer_id: int | None
    vehicle_id: int | None
    customer: str  # the customer's name, or the contact name of a new one
    phone: str  # the contact phone given, else the customer's best phone
    plate: str
    vehicle: str  # "VW Golf", or the text a new customer gave
    work: str
    starts_at: datetime  # naive UTC
    duration_min: int
    bay_id: int | None
    bay: str
    technician_id: int | None
    technician: str
    note: str = ""
    status_reason: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    vehicle_text: str = ""
    no_shows: int = 0  # the customer's no-shows so far (all their appointments)
    clashes: tuple[str, ...] = ()  # the bay or technician is booked twice at this time

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_min)

    @property
    def local_start(self) -> datetime:
        return local_time(self.starts_at)

    @property
    def local_end(self) -> datetime:
        return local_time(self.ends_at)

    @property
    def vehicle_label(self) -> str:
        """ "B-XY 123 · VW Golf", or what the caller said."""
        return " · ".join(part for part in (self.plate, self.vehicle) if part)


@dataclass(frozen=True)
class Capacity:
    """One bay's or technician's day: minutes booked against the minutes of the working day."""

    kind: str  # bay, technician
    id: int | None  # None: appointments with no bay (or no technician) yet
    name: str
    booked_min: int
    available_min: int

    @property
    def over(self) -> bool:
        """Booked beyond the working day (never for the "no bay" / "no technician" row)."""
        return self.id is not None and self.booked_min > self.available_min


@dataclass(frozen=True)
class DayPlan:
    day: date
    appointments: list[AppointmentRow]  # by start; cancelled ones included (the calendar greys them)
    bays: list[Capacity]
    technicians: list[Capacity]
    opens: time
    closes: time


@dataclass(frozen=True)
class WeekPlan:
    monday: date
    days: list[DayPlan]


@dataclass(frozen=True)
class BookingResult:
    appointment_id: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class BookingChoices:
    """What the booking dialog offers: the active bays and the active technicians."""

    bays: list[Choice] = field(default_factory=list)
    technicians: list[Choice] = field(default_factory=list)


@dataclass(frozen=True)
class CallRow:
    appointment_id: int
    starts_at: datetime  # naive UTC
    customer: str
    phone: str
    vehicle: str
    work: str
    bay: str
    technician: str


@dataclass(frozen=True)
class CallList:
    """The appointments of ``day`` to call and confirm (the advisor works it the day before)."""

    day: date
    rows: list[CallRow]


# --- reading ----------------------------------------------------------------------------------

_COLUMNS = (Appointment.id, Appointment.status, Appointment.customer, Appointment.vehicle, Customer.name,
            Appointment.contact_name, Appointment.contact_phone, Appointment.vehicle_text, Vehicle.plate,
            VehicleModel.make, VehicleModel.model, Appointment.requested_work, Appointment.starts_at,
            Appointment.duration_min, Appointment.bay, WorkshopBay.code, WorkshopBay.name, Appointment.technician,
            AppUser.display_name, Appointment.note, Appointment.status_reason)


def _query(where):
    return (Appointment.select(*_COLUMNS)
            .join(Customer, JOIN.LEFT_OUTER, on=(Appointment.customer == Customer.id))
            .switch(Appointment).join(Vehicle, JOIN.LEFT_OUTER, on=(Appointment.vehicle == Vehicle.id))
            .join(VehicleModel, JOIN.LEFT_OUTER, on=(Vehicle.vehicle_model == VehicleModel.id))
            .switch(Appointment).join(WorkshopBay, JOIN.LEFT_OUTER, on=(Appointment.bay == WorkshopBay.id))
            .switch(Appointment).join(AppUser, JOIN.LEFT_OUTER, on=(Appointment.technician == AppUser.id))
            .where(where).order_by(Appointment.starts_at, Appointment.id).tuples())


def _no_shows(customer_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    query = (Appointment.select(Appointment.customer, fn.COUNT(Appointment.id))
             .where(Appointment.customer.in_(ids) & (Appointment.status == "no_show"))
             .group_by(Appointment.customer).tuples())
    return {int(customer_id): int(count) for customer_id, count in query}


def _rows(raw: Sequence[tuple]) -> list[AppointmentRow]:
    customer_ids = [r[2] for r in raw if r[2] is not None]
    phones = best_phones(customer_ids)
    no_shows = _no_shows(customer_ids)
    rows = []
    for (aid, status, customer_id, vehicle_id, name, contact_name, contact_phone, vehicle_text, plate, make, model,
         work, starts_at, duration, bay_id, bay_code, bay_name, tech_id, tech_name, note, reason) in raw:
        model_text = " ".join(part for part in (make, model) if part)
        rows.append(AppointmentRow(
            id=aid, status=status, customer_id=customer_id, vehicle_id=vehicle_id,
            customer=name or contact_name, phone=contact_phone or phones.get(customer_id, ""),
            plate=plate or "", vehicle=model_text if vehicle_id else vehicle_text, work=work, starts_at=starts_at,
            duration_min=duration, bay_id=bay_id, bay=f"{bay_code} {bay_name}".strip() if bay_id else "",
            technician_id=tech_id, technician=tech_name or "", note=note, status_reason=reason,
            contact_name=contact_name, contact_phone=contact_phone, vehicle_text=vehicle_text,
            no_shows=no_shows.get(customer_id, 0) if customer_id else 0))
    return rows


def _overlap(a_start: datetime, a_minutes: int, b_start: datetime, b_minutes: int) -> bool:
    return a_start < b_start + timedelta(minutes=b_minutes) and b_start < a_start + timedelta(minutes=a_minutes)


def _clash_text(row: AppointmentRow, what: str) -> str:
    return _("{what} is also booked {day:%a %d %b} {start}–{end} for {customer} (appointment #{appointment_id}).").format(
        what=what, day=row.local_start, start=_hhmm(row.starts_at), end=_hhmm(row.ends_at), customer=row.customer,
        appointment_id=row.id)


def _clashes(row: AppointmentRow, others: Iterable[AppointmentRow]) -> tuple[str, ...]:
    """What ``row`` clashes with among ``others`` (active appointments only)."""
    found = []
    for other in others:
        if other.id == row.id or other.status not in ACTIVE or row.status not in ACTIVE:
            continue
        if not _overlap(row.starts_at, row.duration_min, other.starts_at, other.duration_min):
            continue
        if row.bay_id is not None and other.bay_id == row.bay_id:
            found.append(_clash_text(other, _("Bay {bay}").format(bay=row.bay)))
        if row.technician_id is not None and other.technician_id == row.technician_id:
            found.append(_clash_text(other, row.technician))
    return tuple(found)


def _minutes_within(row: AppointmentRow, start: datetime, end: datetime) -> int:
    first, last = max(row.starts_at, start), min(row.ends_at, end)
    return max(0, int((last - first).total_seconds() // 60))


def _plans(first_day: date, days: int) -> list[DayPlan]:
    """The plans of ``days`` consecutive days: one read of the appointments for all of them."""
    window_start, _unused = _day_window(first_day)
    _unused, window_end = _day_window(first_day + timedelta(days=days - 1))
    earliest = window_start - timedelta(minutes=DURATION_MAX)  # one that started earlier and runs into it
    raw = _query((Appointment.starts_at >= earliest) & (Appointment.starts_at < window_end))
    every = [r for r in _rows(list(raw)) if r.ends_at > window_start]
    opens, closes = working_day()
    available = max(0, (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute))
    bays = list(WorkshopBay.select(WorkshopBay.id, WorkshopBay.code, WorkshopBay.name, WorkshopBay.active)
                .order_by(WorkshopBay.code).tuples())
    techs = list(AppUser.select(AppUser.id, AppUser.display_name, AppUser.active)
                 .where(AppUser.role == TECHNICIAN).order_by(AppUser.display_name, AppUser.id).tuples())
    plans = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        start, end = _day_window(day)
        on_day = [r for r in every if r.starts_at < end and r.ends_at > start]
        shown = [_with_clashes(r, _clashes(r, on_day)) for r in on_day]
        by_bay: dict[int | None, int] = {}
        by_tech: dict[int | None, int] = {}
        for r in shown:
            if r.status in ACTIVE:
                minutes = _minutes_within(r, start, end)
                by_bay[r.bay_id] = by_bay.get(r.bay_id, 0) + minutes
                by_tech[r.technician_id] = by_tech.get(r.technician_id, 0) + minutes
        bay_cap = [Capacity("bay", bid, f"{code} {name}".strip(), by_bay.get(bid, 0), available)
                   for bid, code, name, active in bays if active or bid in by_bay]
        if None in by_bay:  # booked without a bay yet: shown, so the hours are not lost from sight
            bay_cap.append(Capacity("bay", None, _("No bay"), by_bay[None], 0))
        tech_cap = [Capacity("technician", tid, tname, by_tech.get(tid, 0), available)
                    for tid, tname, active in techs if active or tid in by_tech]
        if None in by_tech:
            tech_cap.append(Capacity("technician", None, _("No technician"), by_tech[None], 0))
        plans.append(DayPlan(day, shown, bay_cap, tech_cap, opens, closes))
    return plans


def _with_clashes(row: AppointmentRow, clashes: tuple[str, ...]) -> AppointmentRow:
    return replace(row, clashes=clashes) if clashes != row.clashes else row


def day(actor: Actor, on: date) -> DayPlan:
    """The shop's calendar day ``on``: its appointments (every status, by start, clashes marked)
    and each bay's and technician's capacity. Needs workshop.view."""
    require(actor, "workshop.view")
    return _plans(on, 1)[0]


def week(actor: Actor, monday: date) -> WeekPlan:
    """The seven days from the Monday of ``monday``'s week. Needs workshop.view."""
    require(actor, "workshop.view")
    first = monday - timedelta(days=monday.weekday())
    return WeekPlan(first, _plans(first, 7))


def capacity(actor: Actor, on: date) -> tuple[list[Capacity], list[Capacity]]:
    """(bays, technicians) of day ``on``: minutes booked against the working day. Needs workshop.view."""
    plan = day(actor, on)
    return plan.bays, plan.technicians


def get(actor: Actor, appointment_id: int) -> AppointmentRow:
    """One appointment, clashes marked. Needs workshop.view."""
    require(actor, "workshop.view")
    found = _rows(list(_query(Appointment.id == appointment_id)))
    if not found:
        raise UserError(_("Appointment #{appointment_id} is not in the calendar.").format(
            appointment_id=appointment_id))
    row = found[0]
    return _with_clashes(row, _clashes(row, _neighbours(row.starts_at, row.duration_min, row.bay_id,
                                                          row.technician_id, row.id)))


def no_shows(actor: Actor, customer_id: int) -> int:
    """How many appointments the customer did not come to. Needs workshop.view."""
    require(actor, "workshop.view")
    return _no_shows([customer_id]).get(customer_id, 0)


def booking_choices(actor: Actor) -> BookingChoices:
    """The active bays and technicians a booking may name. Needs workshop.view."""
    require(actor, "workshop.view")
    bays = [Choice(bid, f"{code} {name}".strip()) for bid, code, name in
            WorkshopBay.select(WorkshopBay.id, WorkshopBay.code, WorkshopBay.name)
            .where(WorkshopBay.active == True).order_by(WorkshopBay.code).tuples()]  # noqa: E712
    techs = [Choice(tid, name) for tid, name in
             AppUser.select(AppUser.id, AppUser.display_name)
             .where((AppUser.role == TECHNICIAN) & (AppUser.active == True))  # noqa: E712
             .order_by(AppUser.display_name, AppUser.id).tuples()]
    return BookingChoices(bays, techs)


def customer_vehicles(actor: Actor, customer_id: int) -> list[Choice]:
    """The customer's vehicles for the booking's picker: "B-XY 123 · VW Golf 2019". Needs workshop.view."""
    require(actor, "workshop.view")
    query = (Vehicle.select(Vehicle.id, Vehicle.plate, Vehicle.colour, Vehicle.model_year, VehicleModel.make,
                            VehicleModel.model)
             .join(VehicleModel, JOIN.LEFT_OUTER, on=(Vehicle.vehicle_model == VehicleModel.id))
             .where(Vehicle.customer == customer_id).order_by(Vehicle.id).tuples())
    choices = []
    for vid, plate, colour, year, make, model in query:
        text = " ".join(str(p) for p in (colour, make, model, year) if p)
        choices.append(Choice(vid, " · ".join(p for p in (plate, text) if p) or _("Vehicle #{vehicle_id}").format(vehicle_id=vid)))
    return choices


def call_list(actor: Actor, as_of: date | None = None) -> CallList:
    """The booked appointments of the day after ``as_of`` (default: the shop's today), by start,
    each with the number to call: the contact phone given at booking, else the customer's best
    phone (a mobile first). Needs workshop.view."""
    require(actor, "workshop.view")
    target = (as_of or shop_today()) + timedelta(days=1)
    start, end = _day_window(target)
    rows = _rows(list(_query((Appointment.starts_at >= start) & (Appointment.starts_at < end)
                             & (Appointment.status == "booked"))))
    return CallList(target, [CallRow(r.id, r.starts_at, r.customer, r.phone, r.vehicle_label, r.work, r.bay,
                                     r.technician) for r in rows])


# --- writing ----------------------------------------------------------------------------------

def _neighbours(starts_at: datetime, duration_min: int, bay_id: int | None, technician_id: int | None,
                exclude: int | None) -> list[AppointmentRow]:
    """The active appointments of the same bay or technician that overlap this time."""
    if bay_id is None and technician_id is None:
        return []
    end = starts_at + timedelta(minutes=duration_min)
    who = None
    if bay_id is not None:
        who = Appointment.bay == bay_id
    if technician_id is not None:
        same = Appointment.technician == technician_id
        who = same if who is None else (who | same)
    where = ((Appointment.starts_at < end) & (Appointment.starts_at > starts_at - timedelta(minutes=DURATION_MAX))
             & Appointment.status.in_(ACTIVE) & who)
    if exclude is not None:
        where &= Appointment.id != exclude
    return [r for r in _rows(list(_query(where))) if r.ends_at > starts_at]


@dataclass(frozen=True)
class _Clean:
    customer_id: int | None
    vehicle_id: int | None
    contact_name: str
    contact_phone: str
    vehicle_text: str
    requested_work: str
    starts_at: datetime
    duration_min: int
    bay_id: int | None
    technician_id: int | None
    note: str

    def values(self) -> dict[str, object]:
        return {"customer_id": self.customer_id, "vehicle_id": self.vehicle_id, "contact_name": self.contact_name,
                "contact_phone": self.contact_phone, "vehicle_text": self.vehicle_text,
                "requested_work": self.requested_work, "starts_at": self.starts_at,
                "duration_min": self.duration_min, "bay_id": self.bay_id, "technician_id": self.technician_id,
                "note": self.note}


def _clean(*, customer_id: object, vehicle_id: object, contact_name: object, contact_phone: object,
           vehicle_text: object, requested_work: object, starts_at: object, duration_min: object, bay_id: object,
           technician_id: object, note: object, earliest: datetime | None) -> _Clean:
    """Every field checked, every problem named; ``earliest``: a start before it is refused."""
    problems: dict[str, str] = {}

    def text(spec: FieldSpec, value: object) -> str:
        try:
            return clean_text(spec, value)
        except ValidationError as error:
            problems.update(error.problems)
            return ""

    name = " ".join(text(_NAME, contact_name).split())
    phone = " ".join(str(contact_phone or "").split())
    vehicle_words = text(_VEHICLE_TEXT, vehicle_text)
    work = text(_WORK, requested_work)
    note_text = text(_NOTE, note)
    if not work:
        problems["requested_work"] = _("Say what work the customer asks for (\"oil service\", \"brakes squeal\").")

    customer: Customer | None = None
    if customer_id is not None:
        customer = Customer.get_or_none(Customer.id == customer_id) if isinstance(customer_id, int) else None
        if customer is None or not customer.active:
            problems["customer"] = _("Customer #{customer_id} is not in the customer file (or was merged).").format(
                customer_id=customer_id)
    elif not name:
        problems["contact_name"] = _("Choose a customer, or give the name of a new one.")
    if phone:
        try:
            check_phone(phone, country_code=settings.get("shop.phone_country_code"))
        except ValidationError as error:
            problems["contact_phone"] = next(iter(error.problems.values()))
    elif customer_id is None:
        problems["contact_phone"] = _("Give a phone number, so the shop can confirm the booking.")
    if len(phone) > 40:
        problems["contact_phone"] = _("Phone is at most 40 characters.")

    if vehicle_id is not None:
        vehicle = Vehicle.get_or_none(Vehicle.id == vehicle_id) if isinstance(vehicle_id, int) else None
        if vehicle is None:
            problems["vehicle"] = _("Vehicle #{vehicle_id} is not in the customer file.").format(vehicle_id=vehicle_id)
        elif customer_id is None:
            problems["vehicle"] = _("A vehicle from the file needs its customer: choose the customer first.")
        elif vehicle.customer_id != customer_id:
            problems["vehicle"] = _("That vehicle is not this customer's: choose one of theirs, or describe the car.")
    elif not vehicle_words:
        problems["vehicle"] = _("Choose the customer's vehicle, or describe the car (\"white Golf B-XY 123\").")

    start: datetime | None = None
    if not isinstance(starts_at, datetime):
        problems["starts_at"] = _("Give the date and time of the appointment.")
    else:
        start = starts_at.replace(second=0, microsecond=0, tzinfo=None)
        if earliest is not None and start < earliest:
            problems["starts_at"] = _("That time has passed: an appointment is booked for now or later.")
    minutes = 0
    try:
        minutes = clean_int(_DURATION, duration_min)
        if not DURATION_MIN <= minutes <= DURATION_MAX:
            problems["duration_min"] = _("Duration is {least} to {most} minutes (24 hours).").format(
                least=DURATION_MIN, most=DURATION_MAX)
    except ValidationError as error:
        problems.update(error.problems)

    if bay_id is not None:
        bay = WorkshopBay.get_or_none(WorkshopBay.id == bay_id) if isinstance(bay_id, int) else None
        if bay is None or not bay.active:
            problems["bay"] = _("Bay #{bay_id} is not an active bay of the workshop.").format(bay_id=bay_id)
    if technician_id is not None:
        tech = AppUser.get_or_none(AppUser.id == technician_id) if isinstance(technician_id, int) else None
        if tech is None or not tech.active or tech.role != TECHNICIAN:
            problems["technician"] = _("User #{user_id} is not an active technician.").format(user_id=technician_id)
    if problems:
        raise ValidationError(problems)
    assert start is not None
    return _Clean(customer.id if customer else None, vehicle_id, name, phone, vehicle_words, work, start, minutes,
                  bay_id, technician_id, note_text)


def _warnings(clean: _Clean, exclude: int | None) -> tuple[str, ...]:
    me = AppointmentRow(id=exclude or 0, status="booked", customer_id=None, vehicle_id=None, customer="", phone="",
                        plate="", vehicle="", work="", starts_at=clean.starts_at, duration_min=clean.duration_min,
                        bay_id=clean.bay_id, bay=_bay_label(clean.bay_id), technician_id=clean.technician_id,
                        technician=_tech_label(clean.technician_id))
    return _clashes(me, _neighbours(clean.starts_at, clean.duration_min, clean.bay_id, clean.technician_id, exclude))


def _bay_label(bay_id: int | None) -> str:
    bay = WorkshopBay.get_or_none(WorkshopBay.id == bay_id) if bay_id is not None else None
    return f"{bay.code} {bay.name}".strip() if bay else ""


def _tech_label(technician_id: int | None) -> str:
    user = AppUser.get_or_none(AppUser.id == technician_id) if technician_id is not None else None
    return user.display_name if user else ""


def book(actor: Actor, *, requested_work: str, starts_at: datetime, duration_min: int | str,
         customer_id: int | None = None, vehicle_id: int | None = None, contact_name: str = "",
         contact_phone: str = "", vehicle_text: str = "", bay_id: int | None = None,
         technician_id: int | None = None, note: str = "") -> BookingResult:
    """Book an appointment; returns its id and the clashes of its bay or technician (a warning,
    never a refusal).

    A known customer (``customer_id``, with ``vehicle_id`` one of their vehicles or a
    ``vehicle_text``) or a new one (``contact_name``, ``contact_phone`` and ``vehicle_text``).
    ``starts_at`` naive UTC, not in the past (a few minutes' grace); ``duration_min`` 5 to 1440.
    Needs workshop.edit; audited. Bad input raises ValidationError and writes nothing.
    """
    require(actor, "workshop.edit")
    with transaction():
        clean = _clean(customer_id=customer_id, vehicle_id=vehicle_id, contact_name=contact_name,
                       contact_phone=contact_phone, vehicle_text=vehicle_text, requested_work=requested_work,
                       starts_at=starts_at, duration_min=duration_min, bay_id=bay_id, technician_id=technician_id,
                       note=note, earliest=now() - PAST_GRACE)
        warnings = _warnings(clean, None)
        stamp = now()
        appointment = Appointment.create(
            customer=clean.customer_id, vehicle=clean.vehicle_id, contact_name=clean.contact_name,
            contact_phone=clean.contact_phone, vehicle_text=clean.vehicle_text, requested_work=clean.requested_work,
            starts_at=clean.starts_at, duration_min=clean.duration_min, bay=clean.bay_id,
            technician=clean.technician_id, note=clean.note, status="booked", created_at=stamp,
            created_by=actor.user_id, updated_at=stamp)
        audit.record("appointment.book", actor=actor, object_type="appointment", object_id=appointment.id,
                     new=clean.values())
    return BookingResult(appointment.id, warnings)


def _booked(appointment_id: int, doing: str) -> Appointment:
    appointment = Appointment.get_or_none(Appointment.id == appointment_id)
    if appointment is None:
        raise UserError(_("Appointment #{appointment_id} is not in the calendar.").format(
            appointment_id=appointment_id))
    if appointment.status != "booked":
        raise UserError(_("Appointment #{appointment_id} is {status}: only a booked appointment can be "
                          "{doing}.").format(appointment_id=appointment_id,
                                             status=_(STATUSES[appointment.status]).lower(), doing=doing))
    return appointment


def reschedule(actor: Actor, appointment_id: int, *, requested_work: str, starts_at: datetime,
               duration_min: int | str, customer_id: int | None = None, vehicle_id: int | None = None,
               contact_name: str = "", contact_phone: str = "", vehicle_text: str = "", bay_id: int | None = None,
               technician_id: int | None = None, note: str = "") -> BookingResult:
    """Change a booked appointment: every field as ``book`` takes them (the whole booking is
    given again). A new start may not be in the past; an unchanged one may (a note added to this
    morning's booking). Returns the clashes. Needs workshop.edit; audited with old and new."""
    require(actor, "workshop.edit")
    with transaction():
        appointment = _booked(appointment_id, _("changed"))
        changed_start = (isinstance(starts_at, datetime)
                         and starts_at.replace(second=0, microsecond=0, tzinfo=None) != appointment.starts_at)
        clean = _clean(customer_id=customer_id, vehicle_id=vehicle_id, contact_name=contact_name,
                       contact_phone=contact_phone, vehicle_text=vehicle_text, requested_work=requested_work,
                       starts_at=starts_at, duration_min=duration_min, bay_id=bay_id, technician_id=technician_id,
                       note=note, earliest=now() - PAST_GRACE if changed_start else None)
        old = {"customer_id": appointment.customer_id, "vehicle_id": appointment.vehicle_id,
               "contact_name": appointment.contact_name, "contact_phone": appointment.contact_phone,
               "vehicle_text": appointment.vehicle_text, "requested_work": appointment.requested_work,
               "starts_at": appointment.starts_at, "duration_min": appointment.duration_min,
               "bay_id": appointment.bay_id, "technician_id": appointment.technician_id, "note": appointment.note}
        new = clean.values()
        changes_old = {k: v for k, v in old.items() if new[k] != v}
        warnings = _warnings(clean, appointment_id)
        (Appointment.update(customer=clean.customer_id, vehicle=clean.vehicle_id, contact_name=clean.contact_name,
                            contact_phone=clean.contact_phone, vehicle_text=clean.vehicle_text,
                            requested_work=clean.requested_work, starts_at=clean.starts_at,
                            duration_min=clean.duration_min, bay=clean.bay_id, technician=clean.technician_id,
                            note=clean.note, updated_at=now())
         .where(Appointment.id == appointment_id).execute())
        audit.record("appointment.reschedule", actor=actor, object_type="appointment", object_id=appointment_id,
                     old=changes_old, new={k: new[k] for k in changes_old})
    return BookingResult(appointment_id, warnings)


def cancel(actor: Actor, appointment_id: int, reason: str) -> None:
    """Cancel a booked appointment, saying why ("customer called, car sold"). Needs
    workshop.edit; audited."""
    require(actor, "workshop.edit")
    why = clean_line(reason, field="reason", label=_("Reason"), max_length=200)
    if not why:
        raise ValidationError({"reason": _("Say why the appointment is cancelled.")})
    with transaction():
        _booked(appointment_id, _("cancelled"))
        (Appointment.update(status="cancelled", status_reason=why, updated_at=now())
         .where(Appointment.id == appointment_id).execute())
        audit.record("appointment.cancel", actor=actor, object_type="appointment", object_id=appointment_id,
                     reason=why, old={"status": "booked"}, new={"status": "cancelled"})


def mark_no_show(actor: Actor, appointment_id: int) -> int:
    """The customer did not come: only once the appointment's start has passed. Returns the
    customer's no-shows so far (0 for a contact not in the file). Needs workshop.edit; audited."""
    require(actor, "workshop.edit")
    with transaction():
        appointment = _booked(appointment_id, _("marked a no-show"))
        if appointment.starts_at > now():
            raise UserError(_("Appointment #{appointment_id} starts at {start} on {day:%d %b}: it can be a no-show "
                              "only once that time has passed.").format(
                appointment_id=appointment_id, start=_hhmm(appointment.starts_at),
                day=local_time(appointment.starts_at)))
        (Appointment.update(status="no_show", updated_at=now()).where(Appointment.id == appointment_id).execute())
        audit.record("appointment.no_show", actor=actor, object_type="appointment", object_id=appointment_id,
                     old={"status": "booked"}, new={"status": "no_show"})
        return _no_shows([appointment.customer_id]).get(appointment.customer_id, 0) if appointment.customer_id \
            else 0


def mark_arrived(appointment_id: int, order_id: int) -> None:
    """The car came: the check-in made repair order ``order_id`` for this appointment
    (``RepairOrder.appointment``). For the check-in to call INSIDE its own transaction, after it
    wrote the order (it checked the permission and audits the check-in): no transaction here.
    Refuses with UserError an order that is not this appointment's, and an appointment that is
    not booked (already arrived, cancelled, a no-show)."""
    order = RepairOrder.get_or_none(RepairOrder.id == order_id)
    if order is None or order.appointment_id != appointment_id:
        raise UserError(_("Repair order #{order_id} is not the order of appointment #{appointment_id}.").format(
            order_id=order_id, appointment_id=appointment_id))
    _booked(appointment_id, _("checked in"))
    changed = (Appointment.update(status="arrived", updated_at=now())
               .where((Appointment.id == appointment_id) & (Appointment.status == "booked")).execute())
    if changed != 1:  # another terminal checked it in at the same moment
        raise UserError(_("Appointment #{appointment_id} was checked in on another terminal just now.").format(
            appointment_id=appointment_id))


__all__ = ["ACTIVE", "STATUSES", "AppointmentRow", "BookingChoices", "BookingResult", "CallList", "CallRow",
           "Capacity", "Choice", "DayPlan", "WeekPlan", "book", "booking_choices", "call_list", "cancel", "capacity",
           "customer_vehicles", "day", "get", "local_time", "mark_arrived", "mark_no_show", "no_shows",
           "reschedule", "utc_from_local", "week", "working_day"]
