"""The demo shop's workshop, made through the real services (check-in, canned jobs and single
lines, the customer's yes or no, the technician's clock, parts issued, quality check, invoice and
delivery, follow-up calls) — so every number, total, reminder and report of the demo is one the
shop could have made by hand.

- **The last three weeks** (``WorkshopLife``): repair orders delivered, each step an event of the
  history's replay (``demo_history``) at the moment it happened, so their invoices take their
  numbers in time order among the counter's sales, and the older ones had their follow-up call.
- **Now** (``open_orders_and_bookings``): one order in each open status (checked in, waiting
  authorization — one with a line changed after the customer's yes —, in progress with a
  technician on the clock, waiting parts with a declined recommendation, quality check, ready),
  checked in during the last hours; appointments for the coming days and one of yesterday's a
  no-show.

A shop too small for it (no canned job whose parts are on the shelf) gets no workshop history.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from partsdesk.domain.permissions import Actor
from partsdesk.domain.tender import CARD, CASH, Payment
from partsdesk.models import AppUser, CannedJob, CareTask, LabourClass, WorkshopBay, database
from partsdesk.services import appointments, care, clock, customers, reservations, stock, workshop
from partsdesk.services.appointments import utc_from_local
from partsdesk.services.workshop import CheckIn, CheckMark, Delivery, LineInput
from partsdesk.services.workshop_setup import expand_canned_job

DELIVERED_DAYS = 21  # delivered orders over the last three weeks
DELIVERED_PER_DAY = (0, 1, 1, 2)
CALLED_AFTER_DAYS = 4  # orders delivered longer ago than this had their follow-up call
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


def _actors() -> dict[str, Actor] | None:
    found = {}
    for role in ("service_advisor", "technician", "manager"):
        user = AppUser.select().where((AppUser.role == role) & AppUser.active).order_by(AppUser.id).first()
        if user is None:
            return None
        found[role] = Actor(user.id, user.username, user.display_name, user.role)
    return found


def _vehicles(rng: random.Random) -> list[tuple[int, int, int]]:
    """(customer, vehicle, last km) of private customers' cars without an open order, shuffled."""
    rows = database.obj.execute_sql(
        "SELECT v.customer_id, v.id, COALESCE((SELECT MAX(r.km) FROM odometer_reading r WHERE r.vehicle_id = v.id), "
        "30000) FROM vehicle v JOIN customer c ON c.id = v.customer_id WHERE c.active AND c.kind = 'person' AND "
        "v.id NOT IN (SELECT vehicle_id FROM repair_order WHERE status NOT IN ('delivered', 'follow_up_done', "
        "'cancelled')) ORDER BY v.id").fetchall()
    rng.shuffle(rows)
    return [(int(c), int(v), int(km)) for c, v, km in rows]


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return utc_from_local(datetime.combine(day, time(hour, minute)))


def _job_parts(canned_job_id: int) -> list[tuple[int, int]]:
    return [(t.part_id, t.qty) for t in expand_canned_job(canned_job_id) if t.part_id]


def _job_in_stock(rng: random.Random, jobs: list[int]) -> int | None:
    """A canned job whose parts are on the shelf now, free of other jobs (None: none is)."""
    free = []
    for job in jobs:
        parts = _job_parts(job)
        ids = [p for p, _ in parts]
        shelf, held = stock.on_hand(ids), reservations.reserved(ids)
        if all(shelf[p] - held[p] >= qty for p, qty in parts):
            free.append(job)
    return rng.choice(free) if free else None


def _jobs() -> list[int]:
    return [job.id for job in CannedJob.select().where(CannedJob.active).order_by(CannedJob.id)]


def _quality(actor: Actor, number: str) -> None:
    workshop.quality_check(actor, number, [CheckMark(item, "ok") for item in workshop.checklist_items("quality")])


@dataclass
class _Job:
    """One delivered order's state between its steps."""

    customer_id: int
    vehicle_id: int
    km: int
    call: bool
    number: str = ""
    labour: list[Any] = field(default_factory=list)


class WorkshopLife:
    """The last three weeks' delivered orders, pushed into the history's replay (an object with
    ``push(at, action, *args)`` and ``at``, the clock of the event running)."""

    def __init__(self, rng: random.Random, replay: Any) -> None:
        self.rng = rng
        self.replay = replay
        self.actors = _actors()
        self.jobs = _jobs()
        self.cars: list[tuple[int, int, int]] = []
        self.delivered = 0

    def plan(self, today: date) -> None:
        if self.actors is None or not self.jobs or LabourClass.select().where(LabourClass.active).count() == 0:
            return
        self.cars = _vehicles(self.rng)
        for offset in range(DELIVERED_DAYS, 0, -1):
            day = today - timedelta(days=offset)
            for slot in range(self.rng.choice(DELIVERED_PER_DAY)):
                if not self.cars:
                    return
                customer_id, vehicle_id, km = self.cars.pop()
                job = _Job(customer_id, vehicle_id, km, call=offset > CALLED_AFTER_DAYS)
                self.replay.push(_local(day, 8 + 2 * slot, 10), self.check_in, job)

    def _later(self, minutes: int, action: Callable[..., None], job: _Job) -> None:
        self.replay.push(self.replay.at + timedelta(minutes=minutes), action, job)

    def check_in(self, job: _Job) -> None:
        canned = _job_in_stock(self.rng, self.jobs)
        if canned is None:  # the shelf is bare of every package's parts today: no booking
            return
        advisor = self.actors["service_advisor"]
        rng = self.rng
        km = customers.last_odometer(job.vehicle_id) or job.km  # the history may have read it since the plan
        job.number = workshop.check_in(advisor, CheckIn(
            job.customer_id, job.vehicle_id, km + rng.randint(300, 4_000), rng.randint(1, 8),
            rng.choice(CONCERNS), self.replay.at + timedelta(hours=5),
            [CheckMark(item, "ok") for item in workshop.checklist_items("checkin")[:5]]))
        ids = workshop.add_canned_job(advisor, job.number, canned)
        workshop.authorize(advisor, job.number, ids, decision="approved", method=rng.choice(("in_person", "phone")),
                           customer_name="Customer")
        job.labour = [line for line in workshop.order_detail(advisor, job.number).lines if line.kind == "labour"]
        self._later(25, self.start_work, job)

    def start_work(self, job: _Job) -> None:
        technician = self.actors["technician"]
        workshop.issue_parts(technician, job.number)
        self._next_labour(job)

    def _next_labour(self, job: _Job) -> None:
        if not job.labour:
            workshop.finish_work(self.actors["technician"], job.number)
            self._later(20, self.check_quality, job)
            return
        line = job.labour.pop(0)
        workshop.clock_on(self.actors["technician"], job.number, line.id)
        self._later(max(10, line.qty * 60 // 1000 + self.rng.randint(-15, 25)), self.clock_off, job)

    def clock_off(self, job: _Job) -> None:
        technician = self.actors["technician"]
        where = workshop.clocked_on(technician)
        if where is not None and where[0] == job.number:  # else another car took them off this one meanwhile
            workshop.clock_off(technician)
        self._next_labour(job)

    def check_quality(self, job: _Job) -> None:
        _quality(self.actors["manager"], job.number)
        self._later(60, self.deliver, job)

    def deliver(self, job: _Job) -> None:
        advisor = self.actors["service_advisor"]
        rng = self.rng
        detail = workshop.order_detail(advisor, job.number)
        total = detail.authorized_total
        payment = (Payment(CASH, (total // 10_000 + 1) * 10_000) if rng.random() < 0.5
                   else Payment(CARD, total, reference=f"{rng.randrange(10**6):06d}"))
        done = "Done as agreed: " + "; ".join(line.description for line in detail.lines)
        workshop.deliver(advisor, job.number, Delivery(detail.odometer_in + rng.randint(2, 15), done[:500],
                                                       rng.choice((4, 5, 5, None))), [payment])
        self.delivered += 1
        if job.call:
            task = CareTask.get((CareTask.document == job.number) & (CareTask.kind == "follow_up"))
            self.replay.push(_local(task.due_on, 10, rng.randint(0, 50)), self.call, job.customer_id, task.id)

    def call(self, customer_id: int, task_id: int) -> None:
        care.record_call(self.actors["service_advisor"], customer_id, outcome="reached", task_id=task_id)


def open_orders_and_bookings(seed: int, *, delivered: int = 0) -> WorkshopStats:
    """Today's open orders (checked in during the last hours, one in each open status) and the
    appointments ahead; run after the history, on the real clock (restored when it returns)."""
    stats = WorkshopStats(delivered=delivered)
    actors = _actors()
    jobs = _jobs()
    labour = LabourClass.select().where(LabourClass.active).order_by(LabourClass.id).first()
    if actors is None or not jobs or labour is None:
        return stats
    rng = random.Random(seed * 4_099 + 11)
    cars = _vehicles(rng)
    now = clock.now()
    previous = clock._now
    try:
        stats.open_orders = _open_orders(rng, actors, now, cars, jobs, labour.id)
        stats.appointments = _appointments(rng, actors["service_advisor"], now, cars)
    finally:
        clock.set_clock(previous)
    return stats


def _open_orders(rng: random.Random, actors: dict[str, Actor], now: datetime, cars: list[tuple[int, int, int]],
                 jobs: list[int], labour_id: int) -> int:
    advisor, technician, manager = actors["service_advisor"], actors["technician"], actors["manager"]
    opened = 0
    moment = now - timedelta(hours=3)

    def step(minutes: int) -> None:
        nonlocal moment
        moment += timedelta(minutes=minutes)
        at = moment
        clock.set_clock(lambda: at)

    def check_in() -> str | None:
        nonlocal opened
        if not cars:
            return None
        customer_id, vehicle_id, km = cars.pop()
        step(15)
        opened += 1
        return workshop.check_in(advisor, CheckIn(customer_id, vehicle_id, km + rng.randint(300, 4_000),
                                                  rng.randint(1, 8), rng.choice(CONCERNS), now + timedelta(hours=4)))

    # checked in, nothing estimated yet; waiting for the customer's yes
    check_in()
    number = check_in()
    if number:
        workshop.add_canned_job(advisor, number, rng.choice(jobs))
    # approved in person and signed, then the labour grew: the customer is asked again
    number = check_in()
    if number:
        ids = workshop.add_canned_job(advisor, number, rng.choice(jobs))
        workshop.authorize(advisor, number, ids, decision="approved", method="in_person", customer_name="Customer",
                           signed=True)
        line = next(x for x in workshop.order_detail(advisor, number).lines if x.kind == "labour")
        workshop.change_line(advisor, number, line.id, qty=line.qty + 500)
    # in progress, the technician on the clock
    job = _job_in_stock(rng, jobs)
    number = check_in() if job is not None else None
    if number:
        ids = workshop.add_canned_job(advisor, number, job)
        workshop.authorize(advisor, number, ids, decision="approved", method="phone", customer_name="Customer")
        workshop.issue_parts(technician, number)
        step(10)
        line = next(x for x in workshop.order_detail(advisor, number).lines if x.kind == "labour")
        workshop.clock_on(technician, number, line.id)
    # waiting for a part nobody has on the shelf, with a declined recommendation
    missing = database.obj.execute_sql(
        "SELECT p.id FROM part p WHERE p.active AND NOT EXISTS (SELECT 1 FROM stock_balance b WHERE b.part_id = p.id "
        "AND b.qty > 0) ORDER BY p.id LIMIT 1").fetchone()
    number = check_in() if missing is not None else None
    if number:
        ids = workshop.add_lines(advisor, number, [
            LineInput("part", part_id=int(missing[0]), qty=1_000),
            LineInput("labour", description="Fit the ordered part", qty=1_000, labour_class_id=labour_id)])
        workshop.authorize(advisor, number, ids, decision="approved", method="phone", customer_name="Customer")
        wipers = workshop.add_line(advisor, number, LineInput("other", description="Wiper blades, both front",
                                                              unit_price=12_000))
        workshop.authorize(advisor, number, [wipers], decision="declined", method="phone", customer_name="Customer",
                           note="Next time")
    # in the quality check, and ready for pick-up
    for ready in (False, True):
        job = _job_in_stock(rng, jobs)
        number = check_in() if job is not None else None
        if number:
            ids = workshop.add_canned_job(advisor, number, job)
            workshop.authorize(advisor, number, ids, decision="approved", method="in_person", customer_name="Customer")
            workshop.issue_parts(technician, number)
            step(30)
            workshop.finish_work(technician, number)
            if ready:
                step(10)
                _quality(manager, number)
    return opened


def _appointments(rng: random.Random, advisor: Actor, now: datetime, cars: list[tuple[int, int, int]]) -> int:
    bays = [bay.id for bay in WorkshopBay.select().where(WorkshopBay.active).order_by(WorkshopBay.id)]
    technicians = [user.id for user in AppUser.select().where((AppUser.role == "technician") & AppUser.active)]
    today = appointments.local_time(now).date()
    booked = 0
    if cars:  # yesterday's, which nobody came to
        clock.set_clock(lambda: now - timedelta(days=2))
        customer_id, vehicle_id, _km = cars.pop()
        missed = appointments.book(advisor, customer_id=customer_id, vehicle_id=vehicle_id, requested_work="Oil service",
                                   starts_at=_local(today - timedelta(days=1), 9), duration_min=60,
                                   bay_id=bays[0] if bays else None).appointment_id
        clock.set_clock(lambda: now - timedelta(hours=12))
        appointments.mark_no_show(advisor, missed)
        booked += 1
    clock.set_clock(lambda: now)
    for offset in range(APPOINTMENT_DAYS):
        day = today + timedelta(days=offset)
        for slot in range(rng.randint(2, 4)):
            starts = _local(day, 9 + 2 * slot)
            if not cars or starts <= now + timedelta(minutes=30):
                continue
            customer_id, vehicle_id, _km = cars.pop()
            appointments.book(advisor, customer_id=customer_id, vehicle_id=vehicle_id,
                              requested_work=rng.choice(CONCERNS), starts_at=starts,
                              duration_min=rng.choice((60, 90, 120)), bay_id=bays[slot % len(bays)] if bays else None,
                              technician_id=technicians[0] if technicians and rng.random() < 0.5 else None)
            booked += 1
    appointments.book(advisor, contact_name="Sun Li", contact_phone="139 1111 2222", vehicle_text="white VW Polo",
                      requested_work="Noise from the rear axle", starts_at=_local(today + timedelta(days=1), 16),
                      duration_min=60)
    return booked + 1
