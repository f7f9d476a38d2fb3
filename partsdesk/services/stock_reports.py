"""Stock reports: stock valuation by category, dead stock (nothing sold in N months), slow movers
(more months of stock than the shelf should hold) and the ABC summary.

Each is one grouped query over the whole catalogue (never a model object per part), valued at the
parts' moving-average cost; quantities in thousandths of the part's unit, values in minor units.
Sellable stock only: what waits in quarantine is in the shrinkage report. Sales are the ledger's
``sale`` moves less ``return`` moves (``services.abc``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from partsdesk.domain.counts import CLASSES
from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import round_minor
from partsdesk.domain.permissions import Actor, require
from partsdesk.i18n import _
from partsdesk.models import database
from partsdesk.services import settings
from partsdesk.services.abc import CONSUMPTION_REASONS, year_before
from partsdesk.services.clock import now

LIMIT_MAX = 10_000
MONTHS_MAX = 60


@dataclass(frozen=True)
class CategoryValue:
    code: str
    name: str
    parts: int  # parts with stock on hand
    value: int


@dataclass(frozen=True)
class IdleLine:
    """A part on the shelf that sells too little (or nothing)."""

    part_id: int
    part_number: str
    brand: str
    description: str
    unit: str
    bin: str
    on_hand: int
    value: int
    last_sold: datetime | None
    sold: int  # over the report's months, thousandths
    months_of_stock: Decimal | None  # on hand ÷ sold per month; None: nothing sold


@dataclass(frozen=True)
class ClassSummary:
    abc_class: str
    parts: int
    stock_value: int
    consumption_value: int  # 12 months at cost


@dataclass(frozen=True)
class StockReport:
    as_of: date
    months: int
    currency: str
    by_category: tuple[CategoryValue, ...]
    dead: tuple[IdleLine, ...]
    slow: tuple[IdleLine, ...]
    classes: tuple[ClassSummary, ...]
    made_at: datetime

    @property
    def total_value(self) -> int:
        return sum(c.value for c in self.by_category)

    @property
    def dead_value(self) -> int:
        return sum(line.value for line in self.dead)


def _minor(milli_value: object) -> int:
    """thousandths × minor units, summed in SQL, as minor units (half away from zero)."""
    return round_minor(Decimal(int(milli_value or 0)) / 1000)


def _months_back(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def valuation_by_category() -> list[CategoryValue]:
    rows = database.obj.execute_sql(
        "SELECT c.code, c.name_en, COUNT(*), SUM(b.qty * p.cost) FROM stock_balance b "
        "JOIN location l ON l.id = b.location_id JOIN part p ON p.id = b.part_id "
        "JOIN category c ON c.id = p.category_id WHERE l.sellable AND b.qty > 0 "
        "GROUP BY c.code, c.name_en ORDER BY 4 DESC, c.code").fetchall()
    return [CategoryValue(code, name, int(n), _minor(v)) for code, name, n, v in rows]


_IDLE = """WITH sold AS (
    SELECT part_id, SUM(-qty) AS qty FROM stock_move
    WHERE reason IN ({reasons}) AND at >= {p} AND at < {p} GROUP BY part_id),
last AS (SELECT part_id, MAX(at) AS at FROM stock_move WHERE reason = 'sale' AND at < {p} GROUP BY part_id),
onhand AS (
    SELECT b.part_id, SUM(b.qty) AS qty FROM stock_balance b JOIN location l ON l.id = b.location_id
    WHERE l.sellable GROUP BY b.part_id HAVING SUM(b.qty) > 0)
SELECT p.id, p.number, br.name, p.name_en, p.unit, p.bin, o.qty, o.qty * p.cost, last.at, COALESCE(sold.qty, 0)
FROM onhand o JOIN part p ON p.id = o.part_id JOIN brand br ON br.id = p.brand_id
LEFT JOIN sold ON sold.part_id = o.part_id LEFT JOIN last ON last.part_id = o.part_id
WHERE {condition} ORDER BY o.qty * p.cost DESC, p.id LIMIT {limit}"""


def _idle(condition: str, start: datetime, end: datetime, months: int, limit: int) -> list[IdleLine]:
    p = database.obj.param
    reasons = ", ".join(f"'{r}'" for r in CONSUMPTION_REASONS)
    sql = _IDLE.format(reasons=reasons, p=p, condition=condition, limit=int(limit))
    lines = []
    for pid, number, brand, name, unit, bin_location, qty, value, last, sold in database.obj.execute_sql(
            sql, (start, end, end)).fetchall():
        if isinstance(last, str):
            last = datetime.fromisoformat(last)
        sold = int(sold)
        cover = (Decimal(int(qty)) * months / sold).quantize(Decimal("0.1")) if sold > 0 else None
        lines.append(IdleLine(pid, number, brand, name, unit, bin_location or "", int(qty), _minor(value), last, sold,
                              cover))
    return lines


def stock_report(actor: Actor, *, as_of: date, months: int = 12, slow_months_of_stock: int = 12,
                 limit: int = 500) -> StockReport:
    """Valuation by category, dead stock (on hand, no sale in the ``months`` before ``as_of``),
    slow movers (sold, but more than ``slow_months_of_stock`` months of stock on hand at that
    pace), the ABC summary; the longest lists cut at ``limit`` lines, the most valuable first."""
    require(actor, "catalog.view_cost")
    problems = {}
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MONTHS_MAX:
        problems["months"] = _("Dead stock looks back 1 to {months} months.").format(months=MONTHS_MAX)
    if (isinstance(slow_months_of_stock, bool) or not isinstance(slow_months_of_stock, int)
            or not 1 <= slow_months_of_stock <= 120):
        problems["slow_months_of_stock"] = _("A slow mover has 1 to 120 months of stock on hand.")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= LIMIT_MAX:
        problems["limit"] = _("A list holds 1 to {limit:,} lines.").format(limit=LIMIT_MAX)
    if not isinstance(as_of, date):
        problems["as_of"] = _("Give the report's day as a date.")
    if problems:
        raise ValidationError(problems)
    start = datetime.combine(_months_back(as_of, months), time())
    end = datetime.combine(as_of, time())
    dead = _idle("COALESCE(sold.qty, 0) <= 0", start, end, months, limit)
    slow = _idle(f"sold.qty > 0 AND o.qty * {months} > sold.qty * {slow_months_of_stock}", start, end, months, limit)
    return StockReport(as_of=as_of, months=months, currency=settings.get("shop.currency"),
                       by_category=tuple(valuation_by_category()), dead=tuple(dead), slow=tuple(slow),
                       classes=tuple(abc_summary(as_of)), made_at=now())


def abc_summary(as_of: date) -> list[ClassSummary]:
    """Parts, stock value and 12 months' consumption value per ABC class (no class yet: C)."""
    p = database.obj.param
    reasons = ", ".join(f"'{r}'" for r in CONSUMPTION_REASONS)
    start, end = datetime.combine(year_before(as_of), time()), datetime.combine(as_of, time())
    figures = {c: [0, 0, 0] for c in CLASSES}
    for cls, n in database.obj.execute_sql("SELECT abc_class, COUNT(*) FROM part GROUP BY abc_class").fetchall():
        figures[cls or "C"][0] += int(n)
    for cls, value in database.obj.execute_sql(
            "SELECT p.abc_class, SUM(b.qty * p.cost) FROM stock_balance b JOIN location l ON l.id = b.location_id "
            "JOIN part p ON p.id = b.part_id WHERE l.sellable AND b.qty > 0 GROUP BY p.abc_class").fetchall():
        figures[cls or "C"][1] += int(value or 0)
    for cls, value in database.obj.execute_sql(
            f"SELECT p.abc_class, SUM(-m.qty * m.unit_cost) FROM stock_move m JOIN part p ON p.id = m.part_id "
            f"WHERE m.reason IN ({reasons}) AND m.at >= {p} AND m.at < {p} GROUP BY p.abc_class",
            (start, end)).fetchall():
        figures[cls or "C"][2] += int(value or 0)
    return [ClassSummary(c, n, _minor(stock_value), _minor(consumed)) for c, (n, stock_value, consumed)
            in figures.items()]


__all__ = ["CategoryValue", "ClassSummary", "IdleLine", "StockReport", "abc_summary", "stock_report",
           "valuation_by_category"]
