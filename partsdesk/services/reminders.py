"""Service reminders: per vehicle and service type, due by date or by mileage, whichever comes
first, the mileage projected from the vehicle's own odometer history (``domain.reminders``).

Where reminders come from:
- a delivered repair order (``reminders_after_service``, called by the workshop's delivery code
  inside its transaction): each job line named after a service type of ``workshop.service_types``
  closes the vehicle's open reminder of that type and makes the next one from the service day
  and the odometer out;
- a job line the customer declined (``declined_recommendation``): a reminder due within the
  lead time, so the advisor calls back about it;
- by hand (``add_reminder``), for a service done elsewhere or a customer's wish.

``due_reminders`` lists them with their projected dates and states for the reminders view;
``refresh_care_tasks`` (the daily upkeep) puts a ``service_reminder`` call on the customer
file's care lists for each reminder within the lead time. Reading needs workshop.view, writing
workshop.edit; hand-made changes are audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import JOIN

from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.fields import FieldSpec, clean_day, clean_int, clean_text, is_blank
from partsdesk.domain.permissions import Actor, require
from partsdesk.domain.reminders import (
    DUE,
    DUE_SOON,
    OVERDUE,
    STATE_ORDER,
    UNKNOWN,
    UPCOMING,
    Assessment,
    ServiceType,
    assess,
    match_service_type,
    parse_service_types,
)
from partsdesk.i18n import N_, _
from partsdesk.models import (
    CannedJob,
    CareTask,
    Customer,
    JobLine,
    OdometerReading,
    RepairOrder,
    ServiceReminder,
    Vehicle,
    VehicleModel,
    transaction,
)
from partsdesk.services import audit, care, settings
from partsdesk.services.clock import now, shop_today
from partsdesk.services.customers import ODOMETER_MAX

SOURCES: dict[str, str] = {"service": N_("After a service"), "declined": N_("Declined work"), "manual": N_("By hand")}
STATUSES = ("open", "done", "cancelled")
_TYPE = FieldSpec("service_type", N_("Service"), "text", max_length=60)
_NOTE = FieldSpec("note", N_("Note"), "text", max_length=500)
_REASON = FieldSpec("reason", N_("Reason"), "text", max_length=500)
_KM = FieldSpec("due_km", N_("Due at (km)"), "int")
_CHUNK = 500


def service_types() -> tuple[ServiceType, ...]:
    """The shop's service types (``workshop.service_types``)."""
    return parse_service_types(settings.get("workshop.service_types"))


def lead_days() -> int:
    return int(settings.get("workshop.reminder_lead_days"))


def reminder_document(reminder_id: int) -> str:
    """The care task's document of a reminder: one open call per reminder, never two."""
    return f"SR-{reminder_id}"


def _type_named(name: str, types: Iterable[ServiceType]) -> ServiceType | None:
    return next((t for t in types if t.name.casefold() == name.casefold()), None)


def _live_vehicle(vehicle_id: int) -> Vehicle:
    vehicle = Vehicle.get_or_none(Vehicle.id == vehicle_id)
    if vehicle is None:
        raise UserError(_("Vehicle #{id} is not in the customer file any more.").format(id=vehicle_id))
    return vehicle


def _open_reminder(reminder_id: int) -> ServiceReminder:
    reminder = ServiceReminder.get_or_none(ServiceReminder.id == reminder_id)
    if reminder is None:
        raise UserError(_("Service reminder #{id} does not exist.").format(id=reminder_id))
    if reminder.status != "open":
        raise UserError(_("This reminder is already {status}; nothing was changed.").format(status=reminder.status))
    return reminder


def _close_task(reminder: ServiceReminder, status: str, stamp: datetime) -> None:
    """The reminder's call is no longer owed once the service is done or the reminder dropped."""
    if reminder.care_task_id is not None:
        (CareTask.update(status=status, done_at=stamp)
         .where((CareTask.id == reminder.care_task_id) & (CareTask.status == "open")).execute())


def _last_km(vehicle_id: int) -> int | None:
    row = (OdometerReading.select(OdometerReading.km).where(OdometerReading.vehicle == vehicle_id)
           .order_by(OdometerReading.id.desc()).limit(1).tuples().first())
    return int(row[0]) if row else None


def _next_due(kind: ServiceType | None, days: int | None, km: int | None, done_on: date,
              done_km: int | None) -> tuple[date | None, int | None]:
    interval_days = days if days else (kind.days if kind else None)
    interval_km = km if km else (kind.km if kind else None)
    due_on = done_on + timedelta(days=interval_days) if interval_days else None
    due_km = done_km + interval_km if interval_km and done_km is not None else None
    return due_on, due_km


# --- writing ---------------------------------------------------------------------------------------

def add_reminder(actor: Actor, vehicle_id: int, service_type: str, *, due_on: object = None, due_km: object = None,
                 note: str = "") -> int:
    """A reminder made by hand; returns its id.

    ``service_type``: a type of the settings (its interval is kept, so marking it done makes the
    next one) or any other short name. Without ``due_on`` and ``due_km`` a known type is due its
    interval from today and the vehicle's last odometer reading; any other needs one of them. A
    vehicle has one open reminder per type: a second is refused. Needs workshop.edit; audited.
    """
    require(actor, "workshop.edit")
    problems: dict[str, str] = {}
    name = ""
    try:
        name = " ".join(clean_text(_TYPE, service_type).split())
        if not name:
            problems["service_type"] = _("Say which service is due (for example Oil service).")
    except ValidationError as error:
        problems.update(error.problems)
    day: date | None = None
    if not is_blank(due_on):
        try:
            day = clean_day(due_on, "due_on", _("Due on"))
        except ValidationError as error:
            problems.update(error.problems)
    km: int | None = None
    if not is_blank(due_km):
        try:
            km = clean_int(_KM, due_km)
            if km > ODOMETER_MAX:
                problems["due_km"] = _("Due at (km) is at most {most:,}.").format(most=ODOMETER_MAX)
        except ValidationError as error:
            problems.update(error.problems)
    try:
        note = clean_text(_NOTE, note)
    except ValidationError as error:
        problems.update(error.problems)
    kind = _type_named(name, service_types()) if name else None
    if kind is not None:
        name = kind.name
    if not problems and day is None and km is None and kind is None:
        problems["due_on"] = _("Give the date or the mileage it is due at (or choose a service type of the settings).")
    if problems:
        raise ValidationError(problems)
    stamp = now()
    with transaction():
        _live_vehicle(vehicle_id)
        last = _last_km(vehicle_id)
        if day is None and km is None:
            day, km = _next_due(kind, None, None, shop_today(), last)
        existing = (ServiceReminder.select(ServiceReminder.id, ServiceReminder.due_on)
                    .where((ServiceReminder.vehicle == vehicle_id) & (ServiceReminder.status == "open")
                           & (ServiceReminder.service_type == name)).first())
        if existing is not None:
            raise ValidationError({"service_type": _("This vehicle already has an open {service} reminder. Mark it "
                                                     "done or cancel it first.").format(service=name)})
        reminder = ServiceReminder.create(
            vehicle=vehicle_id, service_type=name, interval_days=kind.days if kind else None,
            interval_km=kind.km if kind else None, due_on=day, due_km=km, source="manual", note=note,
            status="open", created_at=stamp, updated_at=stamp)
        audit.record("reminder.add", actor=actor, object_type="service_reminder", object_id=reminder.id,
                     new={"vehicle_id": vehicle_id, "service_type": name,
                          "due_on": day.isoformat() if day else None, "due_km": km})
        return int(reminder.id)


def reminders_after_service(order_id: int, line_ids: Iterable[int] | None = None) -> list[int]:
    """After a repair order is delivered: the next reminder of each service type its work names;
    returns the new reminders' ids.

    For the workshop's delivery code to call inside its own transaction (it checked the
    permission and audits the delivery). The order's active lines (or only ``line_ids``) are
    matched to ``workshop.service_types`` by ``domain.reminders.match_service_type`` — the
    canned job's name first, then the line's description: a type's name found in it as whole
    words, case ignored ("Oil service 5W-30" is an Oil service). For each type found, once per
    order: the vehicle's open reminders of that type (made after a service, by hand or from
    declined work) are done, their calls taken off the care lists, and the next one is due its
    interval after the service — ``due_on`` = the delivery day + days, ``due_km`` = the odometer
    out (else in) + km.
    """
    with transaction():
        order = RepairOrder.get_or_none(RepairOrder.id == order_id)
        if order is None:
            raise UserError(_("Repair order #{id} does not exist.").format(id=order_id))
        done_on = order.delivered_at.date() if order.delivered_at else shop_today()
        done_km = order.odometer_out if order.odometer_out is not None else order.odometer_in
        query = (JobLine.select(JobLine.id, JobLine.description, CannedJob.name)
                 .join(CannedJob, JOIN.LEFT_OUTER, on=(JobLine.canned_job == CannedJob.id))
                 .where((JobLine.order == order_id) & (JobLine.status == "active")).order_by(JobLine.line_no))
        if line_ids is not None:
            query = query.where(JobLine.id.in_(list(line_ids)))
        types = service_types()
        found: dict[str, tuple[ServiceType, int]] = {}
        for line_id, description, canned in query.tuples():
            kind = match_service_type([canned or "", description], types)
            if kind is not None and kind.name not in found:
                found[kind.name] = (kind, line_id)
        stamp = now()
        made: list[int] = []
        for name, (kind, line_id) in found.items():
            if (ServiceReminder.select().where((ServiceReminder.order == order_id) & (ServiceReminder.source == "service")
                                               & (ServiceReminder.service_type == name)).exists()):
                continue  # this order's service was counted already (a delivery retried)
            for old in (ServiceReminder.select()
                        .where((ServiceReminder.vehicle == order.vehicle_id) & (ServiceReminder.status == "open")
                               & (ServiceReminder.service_type == name))):
                _close_task(old, "done", stamp)
                (ServiceReminder.update(status="done", updated_at=stamp,
                                        note=(old.note + f" · done on {order.number}").strip(" ·")[:500])
                 .where(ServiceReminder.id == old.id).execute())
            due_on, due_km = _next_due(kind, None, None, done_on, done_km)
            if due_on is None and due_km is None:
                continue  # a type by km alone, with no odometer on the order: nothing to count from
            reminder = ServiceReminder.create(
                vehicle=order.vehicle_id, service_type=name, interval_days=kind.days, interval_km=kind.km,
                last_done_on=done_on, last_done_km=done_km, due_on=due_on, due_km=due_km, source="service",
                order=order_id, line=line_id, status="open", created_at=stamp, updated_at=stamp)
            made.append(int(reminder.id))
        return made


def declined_recommendation(line_id: int) -> int:
    """A job line the customer declined becomes a reminder due within the lead time
    (``workshop.reminder_lead_days`` from today), so the advisor calls back about it; returns its
    id. Named after the service type the line matches, else after the line's description.

    For the workshop's code to call inside the transaction that records the decline (it checked
    the permission). Calling it again for the same line returns the open reminder it made.
    """
    with transaction():
        line = JobLine.get_or_none(JobLine.id == line_id)
        if line is None:
            raise UserError(_("Job line #{id} does not exist.").format(id=line_id))
        existing = (ServiceReminder.select(ServiceReminder.id)
                    .where((ServiceReminder.line == line_id) & (ServiceReminder.source == "declined")
                           & (ServiceReminder.status == "open")).tuples().first())
        if existing:
            return int(existing[0])
        order = RepairOrder.get_by_id(line.order_id)
        canned = CannedJob.get_or_none(CannedJob.id == line.canned_job_id) if line.canned_job_id else None
        kind = match_service_type([canned.name if canned else "", line.description], service_types())
        name = kind.name if kind else " ".join(line.description.split())[:_TYPE.max_length]
        stamp = now()
        reminder = ServiceReminder.create(
            vehicle=order.vehicle_id, service_type=name or "Declined work", interval_days=kind.days if kind else None,
            interval_km=kind.km if kind else None, due_on=shop_today() + timedelta(days=lead_days()),
            source="declined", order=order.id, line=line_id, status="open",
            note=f"Declined on {order.number}: {' '.join(line.description.split())}"[:500],
            created_at=stamp, updated_at=stamp)
        return int(reminder.id)


def mark_done(actor: Actor, reminder_id: int, *, done_on: object = None, done_km: object = None,
              note: str = "") -> int | None:
    """The service was done (here without a repair order, or elsewhere): the reminder is done, its
    call off the care lists, and — when its interval is known — the next one is made from
    ``done_on`` (default today) and ``done_km`` (default the last odometer reading); returns the
    next one's id (None: no interval to count). Needs workshop.edit; audited."""
    require(actor, "workshop.edit")
    problems: dict[str, str] = {}
    day = shop_today()
    if not is_blank(done_on):
        try:
            day = clean_day(done_on, "done_on", _("Done on"))
        except ValidationError as error:
            problems.update(error.problems)
    km: int | None = None
    if not is_blank(done_km):
        try:
            km = clean_int(FieldSpec("done_km", _("Done at (km)"), "int"), done_km)
        except ValidationError as error:
            problems.update(error.problems)
    try:
        note = clean_text(_NOTE, note)
    except ValidationError as error:
        problems.update(error.problems)
    if not problems and day > shop_today():
        problems["done_on"] = _("The day it was done is today or earlier.")
    if problems:
        raise ValidationError(problems)
    stamp = now()
    with transaction():
        reminder = _open_reminder(reminder_id)
        if km is None:
            km = _last_km(reminder.vehicle_id)
        _close_task(reminder, "done", stamp)
        text = " · ".join(t for t in (reminder.note, f"done {day.isoformat()}", note) if t)[:500]
        (ServiceReminder.update(status="done", note=text, updated_at=stamp)
         .where(ServiceReminder.id == reminder_id).execute())
        kind = _type_named(reminder.service_type, service_types())
        next_id = None
        due_on, due_km = _next_due(kind, reminder.interval_days, reminder.interval_km, day, km)
        if due_on is not None or due_km is not None:
            following = ServiceReminder.create(
                vehicle=reminder.vehicle_id, service_type=reminder.service_type,
                interval_days=reminder.interval_days or (kind.days if kind else None),
                interval_km=reminder.interval_km or (kind.km if kind else None), last_done_on=day,
                last_done_km=km, due_on=due_on, due_km=due_km, source="manual", status="open",
                created_at=stamp, updated_at=stamp)
            next_id = int(following.id)
        audit.record("reminder.done", actor=actor, object_type="service_reminder", object_id=reminder_id,
                     old={"status": "open"}, new={"status": "done", "done_on": day.isoformat(), "done_km": km,
                                                  "next_id": next_id})
        return next_id


def cancel_reminder(actor: Actor, reminder_id: int, *, reason: str) -> None:
    """Drop a reminder (the car was sold, the customer does it elsewhere...) and its open call.
    Needs workshop.edit and a reason; audited."""
    require(actor, "workshop.edit")
    reason = clean_text(_REASON, reason)
    if not reason:
        raise ValidationError({"reason": _("Say why this reminder is not needed any more.")})
    stamp = now()
    with transaction():
        reminder = _open_reminder(reminder_id)
        _close_task(reminder, "cancelled", stamp)
        (ServiceReminder.update(status="cancelled", updated_at=stamp,
                                note=" · ".join(t for t in (reminder.note, f"cancelled: {reason}") if t)[:500])
         .where(ServiceReminder.id == reminder_id).execute())
        audit.record("reminder.cancel", actor=actor, object_type="service_reminder", object_id=reminder_id,
                     reason=reason, old={"status": "open", "service_type": reminder.service_type},
                     new={"status": "cancelled"})


# --- reading ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReminderRow:
    id: int
    vehicle_id: int
    customer_id: int | None
    customer: str
    phone: str  # "" without customer.view_account
    plate: str
    vehicle: str  # make model year
    service_type: str
    due_on: date | None
    due_km: int | None
    projected_on: date | None  # when due_km is projected to be reached
    due: date | None  # the earlier of due_on and projected_on
    state: str  # domain.reminders: overdue, due, due_soon, upcoming, unknown
    state_label: str
    days_overdue: int
    days_left: int
    km_per_day: float | None
    last_km: int | None
    source: str
    source_label: str
    note: str
    order_number: str
    care_task_id: int | None


def _readings(vehicle_ids: Iterable[int]) -> dict[int, list[tuple[date, int]]]:
    """Each vehicle's odometer readings as (day, km), in the order they were taken."""
    ids = sorted(set(vehicle_ids))
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for vehicle_id, km, read_at in (OdometerReading.select(OdometerReading.vehicle, OdometerReading.km,
                                                               OdometerReading.read_at)
                                        .where(OdometerReading.vehicle.in_(chunk))
                                        .order_by(OdometerReading.id).tuples()):
            found[vehicle_id].append((read_at.date(), int(km)))
    return found


def _open_with_assessment(as_of: date, lead: int, where=None) -> list[tuple[tuple, Assessment]]:
    query = (ServiceReminder.select(ServiceReminder.id, ServiceReminder.vehicle, ServiceReminder.service_type,
                                    ServiceReminder.due_on, ServiceReminder.due_km, ServiceReminder.source,
                                    ServiceReminder.note, ServiceReminder.care_task, RepairOrder.number,
                                    Vehicle.customer, Vehicle.plate, Vehicle.model_year, VehicleModel.make,
                                    VehicleModel.model, Customer.name, Customer.active)
             .join(Vehicle, on=(ServiceReminder.vehicle == Vehicle.id))
             .join(VehicleModel, JOIN.LEFT_OUTER, on=(Vehicle.vehicle_model == VehicleModel.id))
             .switch(Vehicle).join(Customer, JOIN.LEFT_OUTER, on=(Vehicle.customer == Customer.id))
             .switch(ServiceReminder).join(RepairOrder, JOIN.LEFT_OUTER, on=(ServiceReminder.order == RepairOrder.id))
             .where(ServiceReminder.status == "open"))
    if where is not None:
        query = query.where(where)
    rows = list(query.tuples())
    readings = _readings(r[1] for r in rows)
    return [(row, assess(due_on=row[3], due_km=row[4], readings=readings.get(row[1], ()), as_of=as_of,
                         lead_days=lead)) for row in rows]


def due_reminders(actor: Actor, *, as_of: date | None = None, include_upcoming: bool = False,
                  vehicle_id: int | None = None) -> list[ReminderRow]:
    """The open reminders that are overdue, due or due soon on ``as_of`` (default today) — with
    ``include_upcoming``, all open ones — most urgent first: overdue (longest first), due, due
    soon, upcoming by day, then those due by mileage whose pace is unknown. ``vehicle_id``: one
    vehicle's only. Phones need customer.view_account. Needs workshop.view."""
    require(actor, "workshop.view")
    today = clean_day(as_of, "as_of", _("Day")) if as_of is not None else shop_today()
    lead = lead_days()
    where = (ServiceReminder.vehicle == vehicle_id) if vehicle_id is not None else None
    found = [(row, a) for row, a in _open_with_assessment(today, lead, where)
             if include_upcoming or a.state not in (UPCOMING, UNKNOWN)]
    phones = care.best_phones(row[9] for row, _a in found if row[9]) if actor.can("customer.view_account") else {}
    rows = []
    for (rid, vid, kind, due_on, due_km, source, note, task, number, customer_id, plate, year, make, model,
         name, _active), a in found:
        vehicle = " ".join(str(p) for p in (make, model, year) if p)
        rows.append(ReminderRow(rid, vid, customer_id, name or "", phones.get(customer_id, ""), plate or "",
                                vehicle, kind, due_on, due_km, a.projected_on, a.due, a.state, a.state_label,
                                a.days_overdue, a.days_left, a.km_per_day, a.last_km, source,
                                _(SOURCES.get(source, source)), note, number or "", task))
    return sorted(rows, key=lambda r: (STATE_ORDER[r.state], r.due or date.max, r.customer, r.id))


@dataclass(frozen=True)
class CareRefresh:
    scheduled: int  # calls put on the care lists
    without_customer: int  # reminders within the lead time on a vehicle with no (active) customer


def _task_note(kind: str, due_on: date | None, due_km: int | None, a: Assessment) -> str:
    parts = [kind]
    when = []
    if due_on is not None:
        when.append(f"due {care.short_day(due_on)} {due_on.year}")
    if due_km is not None:
        text = f"at {due_km:,} km"
        if a.projected_on is not None:
            text += f" (about {care.short_day(a.projected_on)} {a.projected_on.year})"
        when.append(text)
    if when:
        parts.append(" or ".join(when))
    return ", ".join(parts)


def refresh_care_tasks(*, as_of: date | None = None) -> CareRefresh:
    """The daily job: each open reminder due within the lead time on ``as_of`` (overdue, due or
    due soon, its mileage projected) that has no call yet gets a ``service_reminder`` care task
    (``services.care.schedule_task``), linked to it (``care_task_id``), so the customer file's
    care lists show it. The call is due today, or on the service's own day when that is already
    past (so the list shows how late). A reminder whose call was made and that is still open is
    not put on the list again. One transaction; the upkeep runs it without a user."""
    today = clean_day(as_of, "as_of", _("Day")) if as_of is not None else shop_today()
    lead = lead_days()
    scheduled = without = 0
    with transaction():
        for row, a in _open_with_assessment(today, lead, ServiceReminder.care_task.is_null(True)):
            if a.state not in (OVERDUE, DUE, DUE_SOON) or a.due is None:
                continue
            rid, vid, kind, due_on, due_km = row[:5]
            customer_id, active = row[9], row[15]
            if customer_id is None or not active:
                without += 1
                continue
            task_id = care.schedule_task(customer_id, kind="service_reminder", due_on=min(today, a.due),
                                         document=reminder_document(rid), note=_task_note(kind, due_on, due_km, a),
                                         vehicle_id=vid)
            (ServiceReminder.update(care_task=task_id, updated_at=now())
             .where(ServiceReminder.id == rid).execute())
            scheduled += 1
    return CareRefresh(scheduled, without)


__all__ = ["CareRefresh", "ReminderRow", "SOURCES", "add_reminder", "cancel_reminder", "declined_recommendation",
           "due_reminders", "lead_days", "mark_done", "refresh_care_tasks", "reminder_document",
           "reminders_after_service", "service_types"]
