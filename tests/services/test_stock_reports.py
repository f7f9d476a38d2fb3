"""Stock reports on a real database: valuation by category, dead stock, slow movers and the ABC
summary, and their PDF."""

from __future__ import annotations

import subprocess
from datetime import date, datetime

import pytest

from partsdesk.domain.errors import PermissionDenied, ValidationError
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import transaction
from partsdesk.printing.stock_reports import write_stock_report
from partsdesk.services import abc, adjustments, catalog, clock, stock, stock_reports

AS_OF = date(2026, 11, 30)


def _part(number: str, category: str, cost: str) -> int:
    return catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": f"Part {number}",
                                            "category": category, "price_retail": "99.00", "price_trade": "90.00",
                                            "price_wholesale": "80.00", "cost": cost, "tax_rate": "13"},
                             barcodes=[], numbers=[], fitments=[])


def _move(part_id: int, qty: int, cost: int, at: datetime, reason: str) -> None:
    clock.set_clock(lambda: at)
    with transaction():
        stock.post_move(part_id=part_id, qty=qty, unit_cost=cost, reason=reason, document="T", user_id=None)


@pytest.fixture
def shelf(staff):
    """FAST sells 1 a month with 2 on hand; SLOW sold 1 in the year with 20 on hand; DEAD sold
    last 14 months ago, 5 on hand; GONE has none on hand; FILTER (another category) 4 on hand,
    one of them damaged into quarantine."""
    clock.set_clock(lambda: datetime(2025, 1, 2, 9, 0))
    catalog.ensure_standard_categories()
    ids = {"FAST": _part("FAST", "brakes.pads", "10.00"), "SLOW": _part("SLOW", "brakes.pads", "20.00"),
           "DEAD": _part("DEAD", "brakes.pads", "30.00"), "GONE": _part("GONE", "brakes.pads", "5.00"),
           "FILTER": _part("FILTER", "engine.filters", "2.50")}
    for name, qty, cost in (("FAST", 14_000, 1_000), ("SLOW", 21_000, 2_000), ("DEAD", 6_000, 3_000),
                            ("FILTER", 4_000, 250)):
        _move(ids[name], qty, cost, datetime(2025, 1, 2, 9, 0), "receipt")
    for month in range(12):
        _move(ids["FAST"], -1_000, 1_000, datetime(2025 + (11 + month) // 12, (11 + month) % 12 + 1, 5, 10, 0), "sale")
    _move(ids["SLOW"], -1_000, 2_000, datetime(2026, 6, 1, 10, 0), "sale")
    _move(ids["DEAD"], -1_000, 3_000, datetime(2025, 9, 20, 10, 0), "sale")
    clock.set_clock(lambda: datetime(2026, 11, 20, 10, 0))
    adjustments.adjust(staff["storekeeper"], ids["FILTER"], -1_000, "damage")
    abc.refresh_classes(as_of=AS_OF)
    return ids


def test_valuation_dead_stock_slow_movers_and_abc_summary(staff, shelf, tmp_path):
    keeper = staff["storekeeper"]
    report = stock_reports.stock_report(keeper, as_of=AS_OF, months=12, slow_months_of_stock=12)
    # Sellable stock at cost: FAST 2 × 10 + SLOW 20 × 20 + DEAD 5 × 30 = 570.00; FILTER 3 × 2.50 = 7.50.
    assert [(c.code, c.parts, c.value) for c in report.by_category] == [("brakes.pads", 3, 57_000),
                                                                       ("engine.filters", 1, 750)]
    assert report.total_value == 57_750
    assert [(line.part_number, line.on_hand, line.value, line.last_sold) for line in report.dead] == [
        ("DEAD", 5_000, 15_000, datetime(2025, 9, 20, 10, 0)), ("FILTER", 3_000, 750, None)]
    assert [(line.part_number, line.sold, str(line.months_of_stock)) for line in report.slow] == [
        ("SLOW", 1_000, "240.0")]
    assert {c.abc_class: (c.parts, c.consumption_value) for c in report.classes} == {
        "A": (1, 12_000), "B": (1, 2_000), "C": (3, 0)}

    fewer = stock_reports.stock_report(keeper, as_of=AS_OF, months=18)
    assert [line.part_number for line in fewer.dead] == ["FILTER"]  # DEAD sold 14 months ago

    out = tmp_path / "stock.pdf"
    write_stock_report(report, out)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Stock report" in text and "Brake pads (brakes.pads)" in text and "577.50" in text
    assert "2025-09-20" in text and "never" in text and "240.0" in text


def test_bad_report_requests_get_a_clear_message(staff, shelf):
    keeper = staff["storekeeper"]
    with pytest.raises(ValidationError, match="1 to 60 months"):
        stock_reports.stock_report(keeper, as_of=AS_OF, months=0)
    with pytest.raises(ValidationError, match="1 to 120 months"):
        stock_reports.stock_report(keeper, as_of=AS_OF, slow_months_of_stock=0)
    with pytest.raises(PermissionDenied, match="cost prices"):
        stock_reports.stock_report(staff["cashier"], as_of=AS_OF)
