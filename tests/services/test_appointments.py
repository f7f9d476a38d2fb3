"""Appointments on both engines: booking a known or a new customer, every refusal writing
nothing, clashes warned and marked, capacity against the working day, the week, tomorrow's
call list, no-shows, cancelling, and the check-in's ``mark_arrived``."""

from __future__ import annotations

import time as time_module
from datetime import date, datetime, timedelta

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import Appointment, AuditLog, RepairOrder, VehicleModel, WorkshopBay, transaction
from partsdesk.services import appointments, clock, settings, users
from partsdesk.services.appointments import utc_from_local
from partsdesk.services.customers import save_customer, save_vehicle

NOW = datetime(2026, 12, 1, 7, 0)  # Tuesday morning (the suite's PCs run on UTC; a test below does not)
TUESDAY = date(2026, 12, 1)
WEDNESDAY = date(2026, 12, 2)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """The shop's wall-clock time as the services take it (UTC)."""
    return utc_from_local(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def shop(staff):
    """Two bays, two technicians (one inactive later in a test), a customer with a home and a
    mobile number and a Golf, another customer with a Polo."""
    clock.set_clock(lambda: NOW)
    bay1 = WorkshopBay.create(code="B1", name="Lift 1").id
    bay2 = WorkshopBay.create(code="B2", name="Lift 2").id
    WorkshopBay.create(code="B9", name="Old pit", active=False)
    tom = users.add_user(staff["admin"], username="tom", display_name="Tom Tech", role="technician", pin="2468").id
    tech = users.switch_user("technician", "1357").user_id
    manager = staff["manager"]
    golf_model = VehicleModel.create(make="VW", model="Golf").id
    li = save_customer(manager, None, {"kind": "person", "name": "Li Wei"},
                       phones=[("home", "021 5555 1234"), ("mobile", "138 0013 8000")])
    golf, _ = save_vehicle(manager, None, li, {"plate": "B-XY 123", "vehicle_model_id": golf_model, "colour": "white"})
    zhao = save_customer(manager, None, {"kind": "person", "name": "Zhao Min"}, phones=[("office", "010 6666 7777")])
    polo, _ = save_vehicle(manager, None, zhao, {"plate": "B-PO 9"})
    return {"bay1": bay1, "bay2": bay2, "tom": tom, "tech": tech, "li": li, "golf": golf, "zhao": zhao,
            "polo": polo, "advisor": staff["service_advisor"], "staff": staff}


def book(shop, **kwargs):
    values = dict(customer_id=shop["li"], vehicle_id=shop["golf"], requested_work="Oil service",
                  starts_at=at(WEDNESDAY, 9), duration_min=90, bay_id=shop["bay1"])
    values.update(kwargs)
    return appointments.book(shop["advisor"], **values)


def test_book_known_customer_and_new_contact(shop):
    first = book(shop, technician_id=shop["tom"], note="Customer waits")
    assert first.warnings == ()
    new = appointments.book(shop["advisor"], contact_name="  Sun  Li ", contact_phone="139 1111 2222",
                            vehicle_text="white Golf B-XY 777", requested_work="Brakes squeal",
                            starts_at=at(WEDNESDAY, 14), duration_min="60")
    plan = appointments.day(shop["advisor"], WEDNESDAY)
    rows = {r.id: r for r in plan.appointments}
    known = rows[first.appointment_id]
    assert (known.customer, known.phone, known.plate, known.vehicle, known.work) == (
        "Li Wei", "138 0013 8000", "B-XY 123", "VW Golf", "Oil service")  # the mobile first
    assert (known.bay, known.technician, known.status, known.note) == ("B1 Lift 1", "Tom Tech", "booked",
                                                                       "Customer waits")
    assert (known.local_start, known.local_end) == (datetime(2026, 12, 2, 9), datetime(2026, 12, 2, 10, 30))
    stranger = rows[new.appointment_id]
    assert (stranger.customer, stranger.phone, stranger.plate, stranger.vehicle, stranger.customer_id) == (
        "Sun Li", "139 1111 2222", "", "white Golf B-XY 777", None)
    assert stranger.vehicle_label == "white Golf B-XY 777" and known.vehicle_label == "B-XY 123 · VW Golf"
    logged = AuditLog.select().where(AuditLog.action == "appointment.book").count()
    assert logged == 2


@pytest.mark.parametrize(("change", "field"), [
    ({"starts_at": NOW - timedelta(hours=1)}, "starts_at"),
    ({"starts_at": "tomorrow"}, "starts_at"),
    ({"duration_min": 4}, "duration_min"),
    ({"duration_min": 1441}, "duration_min"),
    ({"duration_min": "an hour"}, "duration_min"),
    ({"requested_work": "  "}, "requested_work"),
    ({"bay_id": 9999}, "bay"),
    ({"technician_id": 9999}, "technician"),
    ({"customer_id": 9999}, "customer"),
    ({"vehicle_id": None}, "vehicle"),
    ({"customer_id": None, "vehicle_id": None, "vehicle_text": "Golf", "contact_phone": "138"}, "contact_name"),
])
def test_bad_bookings_are_refused_and_write_nothing(shop, change, field):
    with pytest.raises(ValidationError) as refused:
        book(shop, **change)
    assert field in refused.value.problems
    assert Appointment.select().count() == 0
    assert AuditLog.select().where(AuditLog.action.startswith("appointment")).count() == 0


def test_refusals_name_each_field(shop):
    inactive_bay = WorkshopBay.get(WorkshopBay.code == "B9").id
    with pytest.raises(ValidationError) as refused:
        book(shop, vehicle_id=shop["polo"], bay_id=inactive_bay, technician_id=shop["advisor"].user_id)
    problems = refused.value.problems
    assert problems["vehicle"].startswith("That vehicle is not this customer's")
    assert "not an active bay" in problems["bay"]
    assert "not an active technician" in problems["technician"]
    with pytest.raises(ValidationError) as refused:
        appointments.book(shop["advisor"], contact_name="Sun", contact_phone="call me maybe", vehicle_text="",
                          requested_work="x", starts_at=at(WEDNESDAY, 9), duration_min=30)
    assert set(refused.value.problems) == {"contact_phone", "vehicle"}
    assert Appointment.select().count() == 0


def test_booking_needs_workshop_edit_and_a_minute_ago_is_fine(shop):
    with pytest.raises(PermissionDenied):
        appointments.book(shop["staff"]["technician"], customer_id=shop["li"], vehicle_id=shop["golf"],
                          requested_work="x", starts_at=at(WEDNESDAY, 9), duration_min=30)
    assert appointments.day(shop["staff"]["technician"], WEDNESDAY).appointments == []  # reading is allowed
    assert book(shop, starts_at=NOW - timedelta(minutes=2)).appointment_id


def test_overlaps_are_warned_not_refused_and_marked_in_the_calendar(shop):
    first = book(shop, technician_id=shop["tom"])  # 9:00-10:30 on lift 1 with Tom
    same_bay = book(shop, customer_id=shop["zhao"], vehicle_id=shop["polo"], starts_at=at(WEDNESDAY, 10),
                    duration_min=60)
    assert len(same_bay.warnings) == 1
    assert same_bay.warnings[0].startswith("Bay B1 Lift 1 is also booked Wed 02 Dec 09:00–10:30 for Li Wei")
    other_bay_same_tech = book(shop, bay_id=shop["bay2"], technician_id=shop["tom"], starts_at=at(WEDNESDAY, 8),
                               duration_min=61)
    assert [w.split(" is also")[0] for w in other_bay_same_tech.warnings] == ["Tom Tech"]
    back_to_back = book(shop, starts_at=at(WEDNESDAY, 11), duration_min=60, bay_id=shop["bay1"])
    assert back_to_back.warnings == ()  # 10:00-11:00 ends as it starts
    rows = {r.id: r for r in appointments.day(shop["advisor"], WEDNESDAY).appointments}
    assert len(rows[first.appointment_id].clashes) == 2  # the bay with Zhao, Tom with himself on lift 2
    assert rows[back_to_back.appointment_id].clashes == ()
    appointments.cancel(shop["advisor"], same_bay.appointment_id, "customer called")
    rows = {r.id: r for r in appointments.day(shop["advisor"], WEDNESDAY).appointments}
    assert len(rows[first.appointment_id].clashes) == 1  # a cancelled one takes no time
    assert appointments.get(shop["advisor"], first.appointment_id).clashes == rows[first.appointment_id].clashes


def test_capacity_against_the_working_day(shop):
    settings.set_value(SYSTEM, "workshop.day_start", "08:00")
    settings.set_value(SYSTEM, "workshop.day_end", "12:00")
    book(shop, duration_min=150, technician_id=shop["tom"])  # 9:00-11:30 lift 1
    book(shop, starts_at=at(WEDNESDAY, 11, 30), duration_min=120, technician_id=shop["tom"])  # 11:30-13:30
    book(shop, bay_id=None, starts_at=at(WEDNESDAY, 15), duration_min=30)
    cancelled = book(shop, bay_id=shop["bay2"], starts_at=at(WEDNESDAY, 15), duration_min=30)
    appointments.cancel(shop["advisor"], cancelled.appointment_id, "car sold")
    bays, techs = appointments.capacity(shop["advisor"], WEDNESDAY)
    by_bay = {c.name: (c.booked_min, c.available_min, c.over) for c in bays}
    assert by_bay == {"B1 Lift 1": (270, 240, True), "B2 Lift 2": (0, 240, False), "No bay": (30, 0, False)}
    by_tech = {c.name: (c.booked_min, c.available_min, c.over) for c in techs}
    assert by_tech == {"Technician": (0, 240, False), "Tom Tech": (270, 240, True), "No technician": (30, 0, False)}
    with pytest.raises(ValidationError) as refused:
        settings.set_value(SYSTEM, "workshop.day_end", "25:00")
    assert "workshop.day_end" in refused.value.problems
    assert settings.get("workshop.day_end") == "12:00"


def test_an_appointment_over_midnight_counts_on_both_days(shop):
    book(shop, starts_at=at(WEDNESDAY, 22), duration_min=240)
    wed, thu = appointments.week(shop["advisor"], WEDNESDAY).days[2:4]
    assert [c.booked_min for c in wed.bays if c.name == "B1 Lift 1"] == [120]
    assert [c.booked_min for c in thu.bays if c.name == "B1 Lift 1"] == [120]
    assert len(thu.appointments) == 1


def test_week_contents(shop):
    book(shop)  # Wednesday
    book(shop, starts_at=at(date(2026, 12, 6), 10), requested_work="Tyres")  # Sunday
    book(shop, starts_at=at(date(2026, 12, 7), 10), requested_work="Next week")  # the next Monday
    plan = appointments.week(shop["advisor"], date(2026, 12, 3))  # any day of the week: its Monday
    assert plan.monday == date(2026, 11, 30)
    assert [d.day for d in plan.days] == [date(2026, 11, 30) + timedelta(days=i) for i in range(7)]
    assert [[a.work for a in d.appointments] for d in plan.days] == [[], [], ["Oil service"], [], [], [], ["Tyres"]]


def test_day_follows_the_shops_time_zone(shop, monkeypatch):
    """A booking at 07:30 in Shanghai is 23:30 UTC the day before: it is on the local day."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time_module.tzset()
    try:
        booked = book(shop, starts_at=utc_from_local(datetime(2026, 12, 3, 7, 30)))
        assert Appointment.get_by_id(booked.appointment_id).starts_at == datetime(2026, 12, 2, 23, 30)
        assert [a.id for a in appointments.day(shop["advisor"], date(2026, 12, 3)).appointments] == [
            booked.appointment_id]
        assert appointments.day(shop["advisor"], WEDNESDAY).appointments == []
    finally:
        monkeypatch.delenv("TZ")
        time_module.tzset()


def test_call_list_is_tomorrows_booked_appointments_with_the_best_phone(shop):
    early = book(shop, starts_at=at(WEDNESDAY, 8))
    stranger = appointments.book(shop["advisor"], contact_name="Sun Li", contact_phone="139 1111 2222",
                                 vehicle_text="red Polo", requested_work="Tyres", starts_at=at(WEDNESDAY, 7),
                                 duration_min=30)
    zhao = book(shop, customer_id=shop["zhao"], vehicle_id=shop["polo"], starts_at=at(WEDNESDAY, 16))
    gone = book(shop, starts_at=at(WEDNESDAY, 12))
    appointments.cancel(shop["advisor"], gone.appointment_id, "called off")
    book(shop, starts_at=at(TUESDAY, 15))  # today
    book(shop, starts_at=at(date(2026, 12, 3), 9))  # the day after tomorrow
    calls = appointments.call_list(shop["advisor"])
    assert calls.day == WEDNESDAY
    assert [(r.appointment_id, r.customer, r.phone) for r in calls.rows] == [
        (stranger.appointment_id, "Sun Li", "139 1111 2222"),
        (early.appointment_id, "Li Wei", "138 0013 8000"),
        (zhao.appointment_id, "Zhao Min", "010 6666 7777")]
    assert calls.rows[1].vehicle == "B-XY 123 · VW Golf" and calls.rows[1].bay == "B1 Lift 1"
    assert appointments.call_list(shop["advisor"], TUESDAY - timedelta(days=1)).day == TUESDAY


def test_no_show_only_once_the_start_has_passed(shop):
    booked = book(shop)
    with pytest.raises(UserError, match="only once that time has passed"):
        appointments.mark_no_show(shop["advisor"], booked.appointment_id)
    assert Appointment.get_by_id(booked.appointment_id).status == "booked"
    clock.set_clock(lambda: datetime(2026, 12, 2, 9, 30))
    assert appointments.mark_no_show(shop["advisor"], booked.appointment_id) == 1
    assert Appointment.get_by_id(booked.appointment_id).status == "no_show"
    assert AuditLog.select().where(AuditLog.action == "appointment.no_show").count() == 1
    with pytest.raises(UserError, match="is no-show"):
        appointments.mark_no_show(shop["advisor"], booked.appointment_id)
    second = book(shop, starts_at=datetime(2026, 12, 2, 10))
    clock.set_clock(lambda: datetime(2026, 12, 2, 11))
    assert appointments.mark_no_show(shop["advisor"], second.appointment_id) == 2
    assert appointments.no_shows(shop["advisor"], shop["li"]) == 2
    rows = appointments.day(shop["advisor"], WEDNESDAY).appointments
    assert {r.no_shows for r in rows} == {2}
    assert all(c.booked_min == 0 for c in appointments.capacity(shop["advisor"], WEDNESDAY)[0])


def test_cancel_needs_a_reason_and_a_booked_appointment(shop):
    booked = book(shop)
    with pytest.raises(ValidationError) as refused:
        appointments.cancel(shop["advisor"], booked.appointment_id, "  ")
    assert "reason" in refused.value.problems
    assert Appointment.get_by_id(booked.appointment_id).status == "booked"
    appointments.cancel(shop["advisor"], booked.appointment_id, "Car sold")
    row = Appointment.get_by_id(booked.appointment_id)
    assert (row.status, row.status_reason) == ("cancelled", "Car sold")
    audit_row = AuditLog.get(AuditLog.action == "appointment.cancel")
    assert audit_row.reason == "Car sold" and audit_row.user_id == shop["advisor"].user_id
    with pytest.raises(UserError, match="is cancelled"):
        appointments.cancel(shop["advisor"], booked.appointment_id, "again")
    with pytest.raises(UserError, match="is cancelled"):
        book_again = dict(requested_work="x", starts_at=at(WEDNESDAY, 9), duration_min=30, customer_id=shop["li"],
                          vehicle_id=shop["golf"])
        appointments.reschedule(shop["advisor"], booked.appointment_id, **book_again)


def test_reschedule(shop):
    booked = book(shop, technician_id=shop["tom"])
    other = book(shop, bay_id=shop["bay2"], starts_at=at(WEDNESDAY, 13))
    moved = appointments.reschedule(shop["advisor"], booked.appointment_id, customer_id=shop["li"],
                                    vehicle_id=shop["golf"], requested_work="Oil service and brakes",
                                    starts_at=at(WEDNESDAY, 13, 30), duration_min=45, bay_id=shop["bay2"],
                                    technician_id=None)
    assert len(moved.warnings) == 1 and f"#{other.appointment_id}" in moved.warnings[0]
    row = appointments.get(shop["advisor"], booked.appointment_id)
    assert (row.local_start, row.duration_min, row.bay_id, row.technician_id, row.work) == (
        datetime(2026, 12, 2, 13, 30), 45, shop["bay2"], None, "Oil service and brakes")
    audit_row = AuditLog.get(AuditLog.action == "appointment.reschedule")
    assert "technician_id" in audit_row.old_value and "customer_id" not in audit_row.old_value
    with pytest.raises(ValidationError) as refused:
        appointments.reschedule(shop["advisor"], booked.appointment_id, customer_id=shop["li"],
                                vehicle_id=shop["golf"], requested_work="x", starts_at=NOW - timedelta(days=1),
                                duration_min=45)
    assert "starts_at" in refused.value.problems
    assert appointments.get(shop["advisor"], booked.appointment_id).work == "Oil service and brakes"
    # once the time has come, the booking's note can still be changed without moving it
    clock.set_clock(lambda: datetime(2026, 12, 2, 15))
    appointments.reschedule(shop["advisor"], booked.appointment_id, customer_id=shop["li"], vehicle_id=shop["golf"],
                            requested_work="Oil service and brakes", starts_at=row.starts_at, duration_min=45,
                            bay_id=shop["bay2"], note="Late, on his way")
    assert appointments.get(shop["advisor"], booked.appointment_id).note == "Late, on his way"


def _order(shop, appointment_id: int | None, number: str = "RO-1") -> int:
    stamp = clock.now()
    return RepairOrder.create(number=number, customer=shop["li"], vehicle=shop["golf"], appointment=appointment_id,
                              status="checked_in", status_at=stamp, checked_in_at=stamp, created_at=stamp,
                              updated_at=stamp).id


def test_mark_arrived_inside_the_check_ins_transaction(shop):
    booked = book(shop, starts_at=NOW + timedelta(minutes=30))
    with transaction():
        order = _order(shop, booked.appointment_id)
        appointments.mark_arrived(booked.appointment_id, order)
    assert Appointment.get_by_id(booked.appointment_id).status == "arrived"
    with pytest.raises(UserError, match="only a booked appointment can be checked in"), transaction():
        appointments.mark_arrived(booked.appointment_id, order)
    assert Appointment.get_by_id(booked.appointment_id).status == "arrived"


def test_mark_arrived_refuses_an_order_of_another_appointment_and_rolls_back_with_the_check_in(shop):
    first = book(shop)
    second = book(shop, starts_at=at(WEDNESDAY, 11))
    with transaction():
        order = _order(shop, first.appointment_id)
    with pytest.raises(UserError, match="is not the order of appointment"):
        appointments.mark_arrived(second.appointment_id, order)
    with pytest.raises(UserError, match="is not the order of appointment"):
        appointments.mark_arrived(second.appointment_id, 9999)
    cancelled = book(shop, starts_at=at(WEDNESDAY, 15))
    appointments.cancel(shop["advisor"], cancelled.appointment_id, "no parts")
    with pytest.raises(UserError, match="is cancelled"), transaction():
        appointments.mark_arrived(cancelled.appointment_id, _order(shop, cancelled.appointment_id, "RO-2"))
    assert RepairOrder.select().where(RepairOrder.number == "RO-2").count() == 0  # the check-in rolled back
    assert [Appointment.get_by_id(a.appointment_id).status for a in (first, second)] == ["booked", "booked"]


def test_booking_choices_and_vehicles(shop):
    choices = appointments.booking_choices(shop["advisor"])
    assert [c.label for c in choices.bays] == ["B1 Lift 1", "B2 Lift 2"]
    assert [c.label for c in choices.technicians] == ["Technician", "Tom Tech"]
    assert [c.label for c in appointments.customer_vehicles(shop["advisor"], shop["li"])] == [
        "B-XY 123 · white VW Golf"]
