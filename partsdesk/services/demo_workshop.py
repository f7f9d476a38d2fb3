"""The demo shop's workshop: the last three weeks of repair orders and the days ahead, made
through the real services (check-in, canned jobs and single lines, the customer's yes or no,
the technician's clock, parts issued, quality check, invoice and delivery, follow-up calls) with
the clock moved to when each step happened — so every number, total, reminder and report of the
demo is one the shop could have made by hand.

Left open today: one order in each open status (checked in, waiting authorization — one of them
with a line changed after the customer's yes —, in progress with a technician on the clock,
waiting parts, quality check, ready). Booked ahead: appointments for today and the coming days,
one of yesterday's a no-show.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from partsdesk.domain.errors import UserError
from partsdesk.domain.permissions import Actor
from partsdesk.domain.tender import CARD, CASH, Payment
from partsdesk.models import AppUser, CannedJob, CareTask, LabourClass, WorkshopBay, database
from partsdesk.services import appointments, care, clock, reservations, stock, workshop
from partsdesk.services.appointments import utc_from_local
from partsdesk.services.workshop import CheckIn, CheckMark, Delivery, LineInput

DELIVERED_DAYS = 21  # delivered orders over the last three weeks
DELIVERED_PER_DAY = (0, 1, 1, 2)
APPOINTMENT_DAYS = 5
CONCERNS = (
    "Due for its service, customer waits 此次保养", "Squeal from the front brakes 刹车异响",
    "Warning lamp on, engine feels weak 故障灯亮", "Pulls to the left when braking 刹车跑偏",
    "Annual inspection before the trip 年检", "Brake pedal feels soft 刹车踏板软",
)


@dataclass
class WorkshopStats:
    delivered: int = 0
    open_orders: int = 0
    appointments: int = 0


def _actors() -> dict[str, Actor]:
    found = {}
    for role in ("service_advisor", "technician", "manager"):
        user = AppUser.select().where((AppUser.role == role) & AppUser.active).order_by(AppUser.id).first()
        if user is None:
            raise UserError(f"The demo workshop needs a user with the role {role}.")
        found[role] = Actor(user.id, user.username, user.display_name, user.role)
    return found


def _vehicles(rng: random.Random, count: int) -> list[tuple[int, int, int]]:
    """(customer, vehicle, last km) of private customers' cars, none with an open order."""
    rows = database.obj.execute_sql(
        "SELECT v.customer_id, v.id, COALESCE((SELECT MAX(r.km) FROM odometer_reading r WHERE r.vehicle_id = v.id), "
        "30000) FROM vehicle v JOIN customer c ON c.id = v.customer_id WHERE c.active AND c.kind = 'person' "
        "ORDER BY v.id").fetchall()
    rng.shuffle(rows)
    return [(int(c), int(v), int(km)) for c, v, km in rows[:count]]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return utc_from_local(datetime.combine(day, time(hour, minute)))


def _stock_for(parts: list[tuple[int, int]], times: int = 1) -> bool:
    """Whether the shelf has ``times`` the parts' quantities free of other jobs' reservations."""
    ids = [p for p, _ in parts]
    shelf, held = stock.on_hand(ids), reservations.reserved(ids)
    return all(shelf[p] - held[p] >= qty * times for p, qty in parts)


def _job_in_stock(rng: random.Random, jobs: list[int]) -> int | None:
    """A canned job whose parts are on the shelf now (None: none is)."""
    free = [job for job in jobs if _stock_for(_job_parts(job))]
    return rng.choice(free) if free else None


def _job_parts(canned_job_id: int) -> list[tuple[int, int]]:
    from partsdesk.services.workshop_setup import expand_canned_job

    return [(t.part_id, t.qty) for t in expand_canned_job(canned_job_id) if t.part_id]


def build_workshop(seed: int, *, today: date, progress: Callable[[int, int], None] | None = None) -> WorkshopStats:
    """Write the demo's workshop (see the module doc); the clock is restored afterwards."""
    rng = random.Random(seed * 4_099 + 11)
    actors = _actors()
    advisor = actors["service_advisor"]
    jobs = [job.id for job in CannedJob.select().where(CannedJob.active).order_by(CannedJob.id)]
    labour = LabourClass.select().where(LabourClass.active).order_by(LabourClass.id).first()
    if not jobs or labour is None:
        raise UserError("The demo workshop needs its canned jobs and labour classes set up first.")
    stocked = [job for job in jobs if _stock_for(_job_parts(job), 2)]
    if not stocked:
        raise UserError("The demo workshop needs parts in stock for its canned jobs.")
    days = [today - timedelta(days=n) for n in range(DELIVERED_DAYS, 0, -1)]
    plan = [(day, rng.choice(DELIVERED_PER_DAY)) for day in days]
    cars = _vehicles(rng, sum(n for _, n in plan) + 12 + APPOINTMENT_DAYS * 4)
    stats = WorkshopStats()
    previous = clock._now
    try:
        for day, count in plan:
            for slot in range(count):
                job = _job_in_stock(rng, stocked)
                if job is None:
                    break
                customer_id, vehicle_id, km = cars.pop()
                _delivered(rng, actors, day, 8 + 2 * slot, customer_id, vehicle_id, km, job,
                           call=day < today - timedelta(days=4))
                stats.delivered += 1
        stats.open_orders = _open_today(rng, actors, today, cars, stocked, labour.id)
        stats.appointments = _appointments(rng, advisor, today, cars)
    finally:
        clock.set_clock(previous)
    return stats


def _step(at: datetime) -> None:
    clock.set_clock(lambda: at)


def _delivered(rng: random.Random, actors: dict[str, Actor], day: date, hour: int, customer_id: int, vehicle_id: int,
               km: int, job: int, *, call: bool) -> str:
    advisor, technician, manager = actors["service_advisor"], actors["technician"], actors["manager"]
    _step(_at(day, hour))
    number = workshop.check_in(advisor, CheckIn(
        customer_id, vehicle_id, km + rng.randint(300, 4_000), rng.randint(1, 8), rng.choice(CONCERNS),
        _at(day, hour + 5), [CheckMark(item, "ok") for item in workshop.checklist_items("checkin")[:5]]))
    ids = workshop.add_canned_job(advisor, number, job)
    _step(_at(day, hour, 20))
    workshop.authorize(advisor, number, ids, decision="approved", method=rng.choice(("in_person", "phone")),
                       customer_name="Customer")
    labour_lines = [line for line in workshop.order_detail(advisor, number).lines if line.kind == "labour"]
    _step(_at(day, hour, 40))
    workshop.issue_parts(technician, number)
    moment = _at(day, hour, 45)
    for line in labour_lines:
        _step(moment)
        workshop.clock_on(technician, number, line.id)
        moment += timedelta(minutes=max(10, line.qty * 60 // 1000 + rng.randint(-15, 25)))
        _step(moment)
        workshop.clock_off(technician)
    workshop.finish_work(technician, number)
    _step(moment + timedelta(minutes=20))
    workshop.quality_check(manager, number, [CheckMark(item, "ok") for item in workshop.checklist_items("quality")])
    detail = workshop.order_detail(advisor, number)
    _step(moment + timedelta(minutes=60))
    method = rng.choice((CASH, CARD))
    payment = Payment(CASH, (detail.authorized_total // 10_000 + 1) * 10_000) if method == CASH else Payment(
        CARD, detail.authorized_total, reference=f"{rng.randrange(10**6):06d}")
    workshop.deliver(advisor, number, Delivery(detail.odometer_in + rng.randint(2, 15),
                                               "Done as agreed: " + "; ".join(line.description for line in
                                                                              detail.lines)[:300],
                                               rng.choice((4, 5, 5, None))), [payment])
    if call:
        task = CareTask.get((CareTask.document == number) & (CareTask.kind == "follow_up"))
        _step(_at(task.due_on, 10))
        care.record_call(advisor, customer_id, outcome="reached", task_id=task.id)
    return number


def _open_today(rng: random.Random, actors: dict[str, Actor], today: date, cars: list[tuple[int, int, int]],
                stocked: list[int], labour_id: int) -> int:
    advisor, technician, manager = actors["service_advisor"], actors["technician"], actors["manager"]
    opened = 0

    def check_in(hour: int, minute: int = 0) -> str:
        nonlocal opened
        customer_id, vehicle_id, km = cars.pop()
        _step(_at(today, hour, minute))
        opened += 1
        return workshop.check_in(advisor, CheckIn(customer_id, vehicle_id, km + rng.randint(300, 4_000),
                                                  rng.randint(1, 8), rng.choice(CONCERNS), _at(today, 17)))

    # checked in, nothing estimated yet
    check_in(8, 5)
    # waiting for the customer's yes
    number = check_in(8, 20)
    workshop.add_canned_job(advisor, number, rng.choice(stocked))
    # approved, then a price changed: needs the customer again
    number = check_in(8, 35)
    ids = workshop.add_canned_job(advisor, number, rng.choice(stocked))
    workshop.authorize(advisor, number, ids, decision="approved", method="in_person", customer_name="Customer",
                       signed=True)
    labour = next(line for line in workshop.order_detail(advisor, number).lines if line.kind == "labour")
    workshop.change_line(advisor, number, labour.id, qty=labour.qty + 500)
    # in progress, the technician on the clock
    job = _job_in_stock(rng, stocked)
    if job is not None:
        number = check_in(8, 50)
        ids = workshop.add_canned_job(advisor, number, job)
        workshop.authorize(advisor, number, ids, decision="approved", method="phone", customer_name="Customer")
        workshop.issue_parts(technician, number)
        labour = next(line for line in workshop.order_detail(advisor, number).lines if line.kind == "labour")
        _step(_at(today, 9, 30))
        workshop.clock_on(technician, number, labour.id)
    # waiting for a part that is not on the shelf, and a declined recommendation
    missing = database.obj.execute_sql(
        "SELECT p.id FROM part p WHERE p.active AND NOT EXISTS (SELECT 1 FROM stock_balance b WHERE b.part_id = p.id "
        "AND b.qty > 0) ORDER BY p.id LIMIT 1").fetchone()
    if missing is not None:
        number = check_in(9, 40)
        part_line, extra = workshop.add_lines(advisor, number, [
            LineInput("part", part_id=int(missing[0]), qty=1_000),
            LineInput("labour", description="Fit the ordered part", qty=1_000, labour_class_id=labour_id)])
        workshop.authorize(advisor, number, [part_line, extra], decision="approved", method="phone",
                           customer_name="Customer")
        wipers = workshop.add_line(advisor, number, LineInput("other", description="Wiper blades, both front",
                                                              unit_price=12_000))
        workshop.authorize(advisor, number, [wipers], decision="declined", method="phone", customer_name="Customer",
                           note="Next time")
    # in the quality check, and ready for pick-up
    for hour, ready in ((10, False), (10, True)):
        job = _job_in_stock(rng, stocked)
        if job is None:
            break
        number = check_in(hour, 30 if ready else 10)
        ids = workshop.add_canned_job(advisor, number, job)
        workshop.authorize(advisor, number, ids, decision="approved", method="in_person", customer_name="Customer")
        workshop.issue_parts(technician, number)
        workshop.finish_work(technician, number)
        if ready:
            _step(_at(today, 11, 15))
            workshop.quality_check(manager, number, [CheckMark(i, "ok") for i in workshop.checklist_items("quality")])
    return opened


def _appointments(rng: random.Random, advisor: Actor, today: date, cars: list[tuple[int, int, int]]) -> int:
    bays = [bay.id for bay in WorkshopBay.select().where(WorkshopBay.active).order_by(WorkshopBay.id)]
    technicians = [user.id for user in AppUser.select().where((AppUser.role == "technician") & AppUser.active)]
    booked = 0
    # yesterday's, which nobody came to
    _step(_at(today - timedelta(days=2), 12))
    customer_id, vehicle_id, _km = cars.pop()
    missed = appointments.book(advisor, customer_id=customer_id, vehicle_id=vehicle_id,
                               requested_work="Oil service", starts_at=_at(today - timedelta(days=1), 9),
                               duration_min=60, bay_id=bays[0] if bays else None).appointment_id
    _step(_at(today - timedelta(days=1), 12))
    appointments.mark_no_show(advisor, missed)
    booked += 1
    _step(_at(today, 7, 30))
    for offset in range(APPOINTMENT_DAYS):
        day = today + timedelta(days=offset)
        for slot in range(rng.randint(2, 4)):
            if not cars:
                return booked
            customer_id, vehicle_id, _km = cars.pop()
            appointments.book(advisor, customer_id=customer_id, vehicle_id=vehicle_id,
                              requested_work=rng.choice(CONCERNS), starts_at=_at(day, 9 + 2 * slot),
                              duration_min=rng.choice((60, 90, 120)),
                              bay_id=bays[slot % len(bays)] if bays else None,
                              technician_id=technicians[0] if technicians and rng.random() < 0.5 else None)
            booked += 1
    appointments.book(advisor, contact_name="Sun Li", contact_phone="139 1111 2222",
                      vehicle_text="white VW Polo", requested_work="Noise from the rear axle",
                      starts_at=_at(today + timedelta(days=1), 16), duration_min=60)
    return booked + 1
