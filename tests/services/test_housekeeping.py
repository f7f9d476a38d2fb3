"""The daily upkeep: once per shop day, whichever terminal comes first, points past their date
expire and the classes are computed afresh."""

from __future__ import annotations

from datetime import date, datetime

from partsdesk.models import Customer, database
from partsdesk.services import clock, history, housekeeping, membership, settings
from partsdesk.services.customers import save_customer


def test_the_daily_upkeep_runs_once_a_day_and_does_the_days_work(staff, admin):
    clock.set_clock(lambda: datetime(2024, 11, 20, 10, 0))
    cashier = staff["cashier"]
    customer = save_customer(cashier, None, {"kind": "person", "name": "Chen Jie"}, phones=[])
    membership.enroll(cashier, customer)
    membership.earn_points(customer, amount_spent=150_000, document="INV-000001", user_id=None)  # 1,500 points
    settings.set_value(admin, "customer.class_b_visits", 2)
    with database.atomic():
        for day in (1, 2):
            history.record_trade(customer, "sale", document_type="invoice", document_id=day,
                                 document_no=f"INV-00000{day}", amount=10_000, summary="", user_id=None,
                                 at=datetime(2026, 11, day, 9, 0))
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))

    run = housekeeping.daily(today=date(2026, 11, 22))
    assert (run.points_expired, run.customers_expired, run.classes_refreshed) == (1_500, 1, 1)
    row = Customer.get_by_id(customer)
    assert (row.points_balance, row.member_tier, row.class_grade) == (0, "", "B")
    assert "2 visits ≥ 2" in row.class_reason
    assert housekeeping.daily(today=date(2026, 11, 22)) is None  # another terminal, the same day
    assert housekeeping.daily(today=date(2026, 11, 21)) is None  # a PC with its clock behind
    assert housekeeping.daily(today=date(2026, 11, 23)).points_expired == 0  # the next day runs again
