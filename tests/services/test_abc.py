"""ABC classes from a year's consumption on a real database, their thresholds from the settings,
the daily cycle-count list and its due dates, the count's tolerance by class, and the daily upkeep
that keeps the classes fresh."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import CountSession, Part, transaction
from partsdesk.services import abc, catalog, clock, counts, housekeeping, settings, stock
from partsdesk.services.counts import CountScope

AS_OF = date(2026, 11, 30)


def _part(number: str, cost: str = "10.00") -> int:
    return catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": f"Part {number}",
                                            "category": "brakes.pads", "price_retail": "99.00",
                                            "price_trade": "90.00", "price_wholesale": "80.00", "cost": cost,
                                            "tax_rate": "13"}, barcodes=[], numbers=[], fitments=[])


def _move(part_id: int, qty: int, unit_cost: int, at: datetime, reason: str = "sale") -> None:
    clock.set_clock(lambda: at)
    with transaction():
        stock.post_move(part_id=part_id, qty=qty, unit_cost=unit_cost, reason=reason, document="T", user_id=None)


@pytest.fixture
def catalogue(staff):
    """Nine parts, 10 of each in stock; a year of sales worth 100.00 at cost in all:
    P1 70.00, P2 10.00, P3 10.00, P4 5.00, P5 3.00, P6 2.00; P7 never sold; P8 sold 50.00 but
    13 months ago; P9 sold 10.00 and all of it came back."""
    clock.set_clock(lambda: datetime(2025, 1, 2, 9, 0))
    catalog.ensure_standard_categories()
    ids = {f"P{n}": _part(f"P{n}") for n in range(1, 10)}
    with transaction():
        for part_id in ids.values():
            stock.post_move(part_id=part_id, qty=10_000, unit_cost=1_000, reason="receipt", document="GR", user_id=None)
    sold = datetime(2026, 3, 10, 11, 0)
    for name, (qty, cost) in {"P1": (2_000, 3_500), "P2": (1_000, 1_000), "P3": (500, 2_000), "P4": (1_000, 500),
                              "P5": (3_000, 100), "P6": (1_000, 200)}.items():
        _move(ids[name], -qty, cost, sold)
    _move(ids["P8"], -1_000, 5_000, datetime(2025, 10, 30, 9, 0))  # before the 12 months
    _move(ids["P9"], -1_000, 1_000, sold)
    _move(ids["P9"], 1_000, 1_000, sold + timedelta(days=2), reason="return")
    _move(ids["P2"], -1_000, 9_000, datetime(2026, 11, 30, 8, 0))  # on the day itself: not yet in
    clock.set_clock(lambda: datetime(2026, 11, 30, 7, 0))
    return ids


def _classes(ids: dict[str, int]) -> dict[str, str | None]:
    found = dict(Part.select(Part.id, Part.abc_class).tuples())
    return {name: found[pid] for name, pid in ids.items()}


def test_classes_come_from_a_years_consumption_value_80_15_5(catalogue):
    assert set(_classes(catalogue).values()) == {None}
    run = abc.refresh_classes(as_of=AS_OF)
    assert _classes(catalogue) == {"P1": "A", "P2": "A", "P3": "B", "P4": "B", "P5": "C", "P6": "C", "P7": "C",
                                   "P8": "C", "P9": "C"}
    assert (run.total_value, run.parts, run.changed) == (10_000, {"A": 2, "B": 2, "C": 5}, 9)
    p1 = Part.get_by_id(catalogue["P1"])
    assert p1.abc_updated_at == datetime(2026, 11, 30, 7, 0)
    clock.set_clock(lambda: datetime(2026, 12, 1, 7, 0))
    again = abc.refresh_classes(as_of=AS_OF)
    assert again.changed == 0  # nothing changed: nothing written
    assert Part.get_by_id(catalogue["P1"]).abc_updated_at == datetime(2026, 11, 30, 7, 0)


def test_the_thresholds_come_from_the_settings(catalogue, admin):
    abc.refresh_classes(as_of=AS_OF)
    settings.set_value(admin, "abc.class_a_share_bp", 5_000)
    settings.set_value(admin, "abc.class_b_share_bp", 2_500)
    run = abc.refresh_classes(as_of=AS_OF)
    assert _classes(catalogue) == {"P1": "A", "P2": "B", "P3": "C", "P4": "C", "P5": "C", "P6": "C", "P7": "C",
                                   "P8": "C", "P9": "C"}
    assert run.changed == 3  # P2 A→B, P3 and P4 B→C
    with pytest.raises(ValidationError):
        settings.set_value(admin, "abc.class_a_share_bp", 10_001)
    # A year later nothing sold in the window: every part is C.
    assert abc.refresh_classes(as_of=date(2028, 1, 1)).parts == {"A": 0, "B": 0, "C": 9}


def _count_and_post(staff, part_ids: list[int], at: datetime) -> str:
    keeper, manager = staff["storekeeper"], staff["manager"]
    clock.set_clock(lambda: at)
    number = counts.start_session(keeper, CountScope("parts", tuple(part_ids)))
    for part_id in part_ids:
        counts.set_qty(keeper, number, part_id, stock.on_hand([part_id])[part_id])
    counts.finish(keeper, number, "leave")
    counts.approve_and_post(manager, number)
    return number


def test_the_daily_cycle_list_spreads_each_class_and_knows_when_a_part_is_due(staff, catalogue):
    keeper = staff["storekeeper"]
    abc.refresh_classes(as_of=AS_OF)
    ids = catalogue
    # One part a day of each class: ceil(2 A × 12 / 365), ceil(2 B × 4 / 365), ceil(5 C × 1 / 365).
    day0 = date(2026, 12, 1)
    listed = abc.cycle_count_list(keeper, day0)
    assert [(item.part_number, item.abc_class, item.last_counted) for item in listed] == [
        ("P1", "A", None), ("P3", "B", None), ("P5", "C", None)]

    _count_and_post(staff, [ids["P1"], ids["P3"], ids["P5"]], datetime(2026, 12, 1, 10, 0))
    assert abc.cycle_part_ids(day0) == [ids["P2"], ids["P4"], ids["P6"]]  # the next of each class
    _count_and_post(staff, [ids["P2"], ids["P4"]], datetime(2026, 12, 2, 10, 0))
    # A parts every 30 days: nothing of A is due on day 29; P1 (counted on day 0) is on day 30.
    assert abc.cycle_part_ids(day0 + timedelta(days=29)) == [ids["P6"]]
    on_30 = abc.cycle_count_list(keeper, day0 + timedelta(days=30))
    assert [item.part_number for item in on_30] == ["P1", "P6"]
    assert on_30[0].last_counted == datetime(2026, 12, 1, 10, 0)
    # B every 91 days.
    assert ids["P3"] in abc.cycle_part_ids(day0 + timedelta(days=91))
    assert ids["P3"] not in abc.cycle_part_ids(day0 + timedelta(days=90))


def test_a_count_of_todays_cycle_list(staff, catalogue):
    keeper = staff["storekeeper"]
    abc.refresh_classes(as_of=AS_OF)
    clock.set_clock(lambda: datetime(2026, 12, 1, 9, 0))
    number = counts.start_session(keeper, CountScope("cycle"))
    session = CountSession.get(CountSession.number == number)
    due = abc.cycle_part_ids(clock.shop_today())
    assert session.scope_kind == "parts" and counts.session_summary(keeper, number).scope.values == tuple(due)
    assert session.note.startswith("Cycle count of 2026-12-01")
    assert [line.part_id for line in counts.count_sheet(keeper, number).lines] == sorted(
        due, key=lambda pid: Part.get_by_id(pid).number)
    # Nothing due: a clear message, no count started.
    for part in Part.select():
        Part.update(active=False).where(Part.id == part.id).execute()
    before = CountSession.select().count()
    with pytest.raises(ValidationError, match="No part is due for its cycle count today"):
        counts.start_session(keeper, CountScope("cycle"))
    assert CountSession.select().count() == before


def test_a_counts_tolerance_follows_the_parts_class(staff, catalogue):
    keeper, manager = staff["storekeeper"], staff["manager"]
    abc.refresh_classes(as_of=AS_OF)
    assert counts.tolerances() == {"A": 0, "B": 200, "C": 500}
    number = counts.start_session(keeper, CountScope("parts", (catalogue["P1"], catalogue["P3"], catalogue["P5"])))
    for name in ("P1", "P3", "P5"):  # 2 % short of the book each
        book = stock.on_hand([catalogue[name]])[catalogue[name]]
        counts.set_qty(keeper, number, catalogue[name], book - book * 2 // 100)
    counts.finish(keeper, number, "leave")
    seen = counts.review(manager, number)
    by_part = {line.part_number: (line.abc_class, line.within_tolerance) for line in seen.lines}
    assert by_part == {"P1": ("A", False), "P3": ("B", True), "P5": ("C", True)}
    assert not seen.unclassed
    assert seen.accuracy["A"].lines == 1 and seen.accuracy["A"].within == 0
    # A count of class A covers the A parts only.
    sheet = counts.count_sheet(keeper, counts.start_session(keeper, CountScope("abc", ("A",))))
    assert sorted(line.part_number for line in sheet.lines) == ["P1", "P2"]


def test_the_daily_upkeep_refreshes_the_classes(catalogue):
    run = housekeeping.daily(today=AS_OF)
    assert run.parts_reclassed == 9
    assert _classes(catalogue)["P1"] == "A"
    assert housekeeping.daily(today=AS_OF) is None
