"""Service reminders: due by date or by projected mileage, made after a service and from
declined work, listed with their states, put on the care lists by the daily upkeep, done and
cancelled — and bad input refused with nothing written."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import AuditLog, CannedJob, CareTask, ServiceReminder, transaction
from partsdesk.services import care, clock, housekeeping, reminders, settings
from partsdesk.services.customers import record_odometer, save_customer, save_vehicle
from tests.services.test_comebacks import delivered_order


def at(*args: int) -> None:
    clock.set_clock(lambda: datetime(*args))


def car(name: str = "Li Wei", plate: str = "沪A·12345", *, phone: str | None = "138 0013 8000") -> tuple[int, int]:
    customer = save_customer(SYSTEM, None, {"kind": "person", "name": name},
                             phones=[("mobile", phone)] if phone else [], allow_duplicate=True)
    vehicle, _warnings = save_vehicle(SYSTEM, None, customer, {"plate": plate})
    return customer, vehicle


def read(vehicle: int, when: date, km: int) -> None:
    at(when.year, when.month, when.day, 12, 0)
    record_odometer(SYSTEM, vehicle, km, source="counter")


@pytest.fixture
def driven(staff):
    """A car read at 10,000 km on 1 Jan 2024 and 13,000 km on 31 Mar 2024 (33.3 km a day)."""
    customer, vehicle = car()
    read(vehicle, date(2024, 1, 1), 10_000)
    read(vehicle, date(2024, 3, 31), 13_000)
    return customer, vehicle


def reminder_count() -> int:
    return ServiceReminder.select().count()


# --- by hand, and the list -------------------------------------------------------------------------

def test_a_reminder_by_projected_mileage_comes_due_before_its_date(staff, driven):
    advisor = staff["service_advisor"]
    _customer, vehicle = driven
    rid = reminders.add_reminder(advisor, vehicle, "Oil service", due_on="2024-12-31", due_km="15000", note="5W-30")
    row = AuditLog.select().where(AuditLog.action == "reminder.add").get()
    assert row.object_id == str(rid)

    [seen] = reminders.due_reminders(advisor, as_of=date(2024, 5, 20))
    assert (seen.service_type, seen.due_on, seen.due_km, seen.projected_on, seen.due) == (
        "Oil service", date(2024, 12, 31), 15_000, date(2024, 5, 30), date(2024, 5, 30))
    assert (seen.state, seen.days_left, seen.customer, seen.phone, seen.plate, seen.source) == (
        "due_soon", 10, "Li Wei", "138 0013 8000", "沪A·12345", "manual")
    assert seen.km_per_day == pytest.approx(33.33, abs=0.01)
    [late] = reminders.due_reminders(advisor, as_of=date(2024, 6, 4))
    assert (late.state, late.days_overdue, late.state_label) == ("overdue", 5, "Overdue 5 days")
    # before the lead time it is upcoming: listed only when asked for
    assert reminders.due_reminders(advisor, as_of=date(2024, 4, 20)) == []
    [upcoming] = reminders.due_reminders(advisor, as_of=date(2024, 4, 20), include_upcoming=True)
    assert upcoming.state == "upcoming"
    # a technician reads the list, without the customers' phone numbers
    [tech_row] = reminders.due_reminders(staff["technician"], as_of=date(2024, 5, 20))
    assert tech_row.phone == ""


def test_a_reminder_by_date_and_one_by_mileage_without_a_pace(staff):
    advisor = staff["service_advisor"]
    _customer, vehicle = car()
    read(vehicle, date(2024, 3, 31), 13_000)  # one reading: no pace
    at(2024, 5, 20, 9, 0)
    reminders.add_reminder(advisor, vehicle, "Brake fluid", due_on=date(2024, 5, 20))
    reminders.add_reminder(advisor, vehicle, "Gearbox oil", due_km=60_000)
    rows = reminders.due_reminders(advisor, include_upcoming=True)
    assert [(r.service_type, r.state, r.due) for r in rows] == [("Brake fluid", "due", date(2024, 5, 20)),
                                                                 ("Gearbox oil", "unknown", None)]
    assert [r.service_type for r in reminders.due_reminders(advisor)] == ["Brake fluid"]


def test_a_known_type_without_a_date_is_due_its_interval_from_today(staff, driven):
    _customer, vehicle = driven
    at(2024, 4, 1, 9, 0)
    rid = reminders.add_reminder(staff["service_advisor"], vehicle, "oil SERVICE")
    reminder = ServiceReminder.get_by_id(rid)
    assert (reminder.service_type, reminder.due_on, reminder.due_km, reminder.interval_days,
            reminder.interval_km) == ("Oil service", date(2025, 4, 1), 28_000, 365, 15_000)


def test_bad_input_and_permissions_change_nothing(staff, driven):
    advisor = staff["service_advisor"]
    _customer, vehicle = driven
    cases = [
        ({"service_type": "  "}, "service_type", "Say which service"),
        ({"service_type": "Oil service", "due_on": "31/12/2024"}, "due_on", "a date like"),
        ({"service_type": "Oil service", "due_km": "-5"}, "due_km", "whole number"),
        ({"service_type": "Oil service", "due_km": "9000000"}, "due_km", "at most"),
        ({"service_type": "Wash and wax"}, "due_on", "Give the date or the mileage"),
        ({"service_type": "Oil service", "due_km": 20_000, "note": "x" * 501}, "note", "at most 500"),
    ]
    for values, field, message in cases:
        with pytest.raises(ValidationError) as error:
            reminders.add_reminder(advisor, vehicle, values.pop("service_type"), **values)
        assert message in error.value.problems[field]
    with pytest.raises(PermissionDenied):
        reminders.add_reminder(staff["technician"], vehicle, "Oil service", due_km=20_000)
    with pytest.raises(PermissionDenied):
        reminders.due_reminders(staff["cashier"])
    with pytest.raises(UserError, match="not in the customer file"):
        reminders.add_reminder(advisor, 9_999, "Oil service", due_km=20_000)
    assert reminder_count() == 0
    reminders.add_reminder(advisor, vehicle, "Oil service", due_km=20_000)
    with pytest.raises(ValidationError, match="already has an open Oil service"):
        reminders.add_reminder(advisor, vehicle, "oil service", due_km=25_000)
    assert reminder_count() == 1


# --- after a service, and declined work --------------------------------------------------------------

def test_a_delivered_service_closes_the_open_reminder_and_schedules_the_next(staff, driven):
    advisor = staff["service_advisor"]
    customer, vehicle = driven
    at(2024, 6, 1, 9, 0)
    old = reminders.add_reminder(advisor, vehicle, "Oil service", due_on="2024-06-10")
    reminders.refresh_care_tasks(as_of=date(2024, 6, 1))
    old_task = ServiceReminder.get_by_id(old).care_task_id
    assert CareTask.get_by_id(old_task).status == "open"
    with transaction():
        canned = CannedJob.create(code="OIL", name="Oil service", updated_at=datetime(2024, 1, 1))
    order = delivered_order(vehicle, customer, number="RO-000010", delivered_at=datetime(2024, 6, 5, 15, 0),
                            odometer_out=15_100, lines=[
                                {"description": "Engine oil 5W-30", "canned_job": canned.id},
                                {"description": "Oil filter", "canned_job": canned.id},
                                {"description": "Brake fluid change"},
                                {"description": "Wiper blades"},
                                {"description": "Timing belt", "status": "declined"},
                            ])

    made = reminders.reminders_after_service(order)
    assert reminders.reminders_after_service(order) == []  # a retried delivery counts once
    new = {r.service_type: r for r in ServiceReminder.select().where(ServiceReminder.id.in_(made))}
    assert set(new) == {"Oil service", "Brake fluid"}
    oil = new["Oil service"]
    assert (oil.due_on, oil.due_km, oil.last_done_on, oil.last_done_km, oil.source, oil.order_id) == (
        date(2025, 6, 5), 30_100, date(2024, 6, 5), 15_100, "service", order)
    assert (new["Brake fluid"].due_on, new["Brake fluid"].due_km) == (date(2026, 6, 5), None)
    assert ServiceReminder.get_by_id(old).status == "done"
    assert CareTask.get_by_id(old_task).status == "done"  # the call is not owed any more


def test_declined_work_becomes_a_reminder_due_soon_and_reaches_the_care_list(staff, driven):
    advisor = staff["service_advisor"]
    customer, vehicle = driven
    at(2024, 6, 5, 15, 0)
    settings.set_value(staff["manager"], "workshop.reminder_lead_days", 10)
    order = delivered_order(vehicle, customer, number="RO-000011", status="in_progress", lines=[
        {"description": "Replace timing belt kit", "status": "declined"},
        {"description": "Rear shock absorbers", "status": "declined"}])
    from partsdesk.models import JobLine

    belt, shocks = [line.id for line in JobLine.select().where(JobLine.order == order).order_by(JobLine.line_no)]
    rid = reminders.declined_recommendation(belt)
    assert reminders.declined_recommendation(belt) == rid  # asked twice: one reminder
    other = reminders.declined_recommendation(shocks)
    belt_row, shocks_row = ServiceReminder.get_by_id(rid), ServiceReminder.get_by_id(other)
    assert (belt_row.service_type, belt_row.source, belt_row.due_on, belt_row.line_id) == (
        "Timing belt", "declined", date(2024, 6, 15), belt)
    assert belt_row.note == "Declined on RO-000011: Replace timing belt kit"
    assert shocks_row.service_type == "Rear shock absorbers"
    assert {r.state for r in reminders.due_reminders(advisor)} == {"due_soon"}

    result = housekeeping.daily(today=date(2024, 6, 5))
    assert result.reminder_calls == 2
    lists = care.care_lists(advisor, as_of=date(2024, 6, 5), span="today")
    reasons = [row.reason for row in lists.of("service_reminder").rows]
    assert reasons[0].startswith("Service reminder: Timing belt, due 15 Jun 2024 (沪A·12345) (due today)")


# --- the daily job ---------------------------------------------------------------------------------

def test_the_daily_job_puts_reminders_within_the_lead_time_on_the_care_lists_once(staff, driven):
    advisor = staff["service_advisor"]
    _customer, vehicle = driven
    at(2024, 5, 20, 9, 0)
    soon = reminders.add_reminder(advisor, vehicle, "Oil service", due_on="2024-12-31", due_km=15_000)  # ~30 May
    late = reminders.add_reminder(advisor, vehicle, "Brake fluid", due_on="2024-05-01")
    reminders.add_reminder(advisor, vehicle, "Annual inspection", due_on="2024-09-01")  # upcoming
    _nobody, orphan = car("Gone", "沪C·00001")
    from partsdesk.models import Vehicle

    Vehicle.update(customer=None).where(Vehicle.id == orphan).execute()
    reminders.add_reminder(advisor, orphan, "Oil service", due_on="2024-05-01")

    first = reminders.refresh_care_tasks(as_of=date(2024, 5, 20))
    assert (first.scheduled, first.without_customer) == (2, 1)
    soon_task = CareTask.get_by_id(ServiceReminder.get_by_id(soon).care_task_id)
    late_task = CareTask.get_by_id(ServiceReminder.get_by_id(late).care_task_id)
    assert (soon_task.kind, soon_task.due_on, soon_task.document, soon_task.vehicle_id) == (
        "service_reminder", date(2024, 5, 20), f"SR-{soon}", vehicle)
    assert soon_task.note == "Oil service, due 31 Dec 2024 or at 15,000 km (about 30 May 2024)"
    assert late_task.due_on == date(2024, 5, 1)  # shown as 19 days late on the list
    assert reminders.refresh_care_tasks(as_of=date(2024, 5, 21)).scheduled == 0  # never twice
    # the call was made but the service is still open: it is not put on the list again
    care.record_call(advisor, soon_task.customer_id, outcome="reached", task_id=soon_task.id)
    assert reminders.refresh_care_tasks(as_of=date(2024, 5, 22)).scheduled == 0
    week = care.care_lists(advisor, as_of=date(2024, 5, 22), span="today").of("service_reminder")
    assert [row.days_late for row in week.rows] == [21]


# --- done and cancelled ----------------------------------------------------------------------------

def test_mark_done_makes_the_next_and_cancel_needs_a_reason(staff, driven):
    advisor = staff["service_advisor"]
    _customer, vehicle = driven
    at(2024, 5, 20, 9, 0)
    oil = reminders.add_reminder(advisor, vehicle, "Oil service", due_on="2024-05-25")
    fluid = reminders.add_reminder(advisor, vehicle, "Brake fluid", due_on="2024-05-25")
    reminders.refresh_care_tasks(as_of=date(2024, 5, 20))

    with pytest.raises(ValidationError, match="today or earlier"):
        reminders.mark_done(advisor, oil, done_on="2024-05-21")
    with pytest.raises(PermissionDenied):
        reminders.mark_done(staff["technician"], oil)
    next_id = reminders.mark_done(advisor, oil, done_on="2024-05-18", done_km=12_900)
    done, following = ServiceReminder.get_by_id(oil), ServiceReminder.get_by_id(next_id)
    assert done.status == "done" and CareTask.get_by_id(done.care_task_id).status == "done"
    assert (following.due_on, following.due_km, following.last_done_km, following.status) == (
        date(2025, 5, 18), 27_900, 12_900, "open")
    with pytest.raises(UserError, match="already done"):
        reminders.mark_done(advisor, oil)

    with pytest.raises(ValidationError, match="Say why"):
        reminders.cancel_reminder(advisor, fluid, reason=" ")
    assert ServiceReminder.get_by_id(fluid).status == "open"
    reminders.cancel_reminder(advisor, fluid, reason="Car sold")
    cancelled = ServiceReminder.get_by_id(fluid)
    assert cancelled.status == "cancelled" and "Car sold" in cancelled.note
    assert CareTask.get_by_id(cancelled.care_task_id).status == "cancelled"
    actions = [a for (a,) in AuditLog.select(AuditLog.action).where(AuditLog.action.startswith("reminder."))
               .order_by(AuditLog.id).tuples()]
    assert actions == ["reminder.add", "reminder.add", "reminder.done", "reminder.cancel"]


def test_the_service_types_setting_refuses_bad_entries(staff):
    with pytest.raises(ValidationError, match="set the days, the km or both"):
        settings.set_value(staff["manager"], "workshop.service_types", [{"name": "Oil", "days": 0, "km": 0}])
    settings.set_value(staff["manager"], "workshop.service_types", [{"name": "Oil", "days": 180, "km": 0}])
    assert [t.name for t in reminders.service_types()] == ["Oil"]
