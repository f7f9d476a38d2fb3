"""ABC classes of the parts and the daily cycle-count list.

A part's class comes from its consumption value over the 12 months before the day: what sold
(the ledger's ``sale`` moves, less ``return`` moves) at the cost each move carried. Ranked by
that value, the parts that make the first ``abc.class_a_share_bp`` of the total are class A (the
part that crosses the line included), the next ``abc.class_b_share_bp`` class B, the rest and
every part that did not sell class C (``domain.adjustments.classify`` is the same rule on plain
values). ``refresh_classes`` works set-based in SQL over the whole catalogue — one grouped read
of the year's sales, one window over the parts that sold, two UPDATEs that touch only the parts
whose class changed — in one transaction, so a class is never half-refreshed. It runs once per
shop day with the daily upkeep (``services.housekeeping``).

Each class is counted ``abc.counts_per_year_{a,b,c}`` times a year: a part is due when its last
count (a line of a posted count at the sellable location) is at least 365 / frequency days old,
or it was never counted. The day's list takes each class's fair share —
``domain.adjustments.daily_quota``: the class's size × frequency / 365, rounded up — of its due
parts, the longest uncounted first, so the work spreads evenly over the year instead of falling
due all on one day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from partsdesk.domain.adjustments import class_bounds, daily_quota, interval_days
from partsdesk.domain.counts import CLASSES
from partsdesk.domain.money import round_minor
from partsdesk.domain.permissions import Actor, require
from partsdesk.models import Brand, Part, database, transaction
from partsdesk.models.db import is_postgres
from partsdesk.models.stock import MAIN_LOCATION_ID
from partsdesk.services import settings
from partsdesk.services.clock import now

CONSUMPTION_REASONS = ("sale", "return")  # a return is consumption given back


@dataclass(frozen=True)
class AbcRun:
    as_of: date
    total_value: int  # the 12 months' consumption value at cost (minor units)
    parts: dict[str, int]  # parts per class after the run
    changed: int  # parts whose class changed


@dataclass(frozen=True)
class CycleItem:
    part_id: int
    part_number: str
    brand: str
    description: str
    unit: str
    bin: str
    abc_class: str
    last_counted: datetime | None  # None: never counted


def year_before(day: date) -> date:
    """The same day a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _window(as_of: date) -> tuple[datetime, datetime]:
    return datetime.combine(year_before(as_of), time()), datetime.combine(as_of, time())


_RANKED = """WITH consumption AS (
    SELECT part_id, SUM(-qty * unit_cost) AS v FROM stock_move
    WHERE reason IN ({reasons}) AND at >= {p} AND at < {p}
    GROUP BY part_id HAVING SUM(-qty * unit_cost) > 0),
ranked AS (
    SELECT part_id, SUM(v) OVER (ORDER BY v DESC, part_id ROWS UNBOUNDED PRECEDING) - v AS before,
           SUM(v) OVER () AS total FROM consumption)
SELECT part_id, CASE WHEN before * 10000 < {a} * total THEN 'A' WHEN before * 10000 < {b} * total THEN 'B'
                     ELSE 'C' END, total FROM ranked"""


def _store_classes(stamp: datetime) -> tuple[int, int]:
    """Write the classes ranked into ``abc_new`` to the parts whose class changes (the others: C);
    returns (parts changed, total consumption value in thousandths × minor units)."""
    db = database.obj
    p = db.param
    changed = db.execute_sql(
        f"UPDATE part SET abc_class = t.cls, abc_updated_at = {p} FROM abc_new t "
        "WHERE part.id = t.part_id AND t.cls <> 'C' AND (part.abc_class IS NULL OR part.abc_class <> t.cls)",
        (stamp,)).rowcount
    changed += db.execute_sql(
        f"UPDATE part SET abc_class = 'C', abc_updated_at = {p} WHERE (abc_class IS NULL OR abc_class <> 'C') "
        "AND NOT EXISTS (SELECT 1 FROM abc_new t WHERE t.part_id = part.id AND t.cls <> 'C')", (stamp,)).rowcount
    total = db.execute_sql("SELECT MAX(total) FROM abc_new").fetchone()[0] or 0
    return changed, int(total)


def refresh_classes(*, as_of: date) -> AbcRun:
    """Compute and store every part's ABC class from the 12 months before ``as_of``; returns the
    run's figures. The classes are written in one transaction (the year's read runs before it, so the
    counter never waits on it), and only to parts whose class changes (their
    ``abc_updated_at`` says when). For the daily upkeep and the command line: no actor."""
    a_bound, b_bound = class_bounds(int(settings.get("abc.class_a_share_bp")),
                                    int(settings.get("abc.class_b_share_bp")))
    start, end = _window(as_of)
    db = database.obj
    p = db.param
    reasons = ", ".join(f"'{r}'" for r in CONSUMPTION_REASONS)
    ranked = _RANKED.format(reasons=reasons, p=p, a=a_bound, b=b_bound)
    stamp = now()
    temp = "CREATE TEMP TABLE abc_new (part_id BIGINT PRIMARY KEY, cls TEXT NOT NULL, total BIGINT NOT NULL)"
    fill = f"INSERT INTO abc_new (part_id, cls, total) {ranked}"
    if is_postgres():  # MVCC: the year's read holds nobody up, so all of it is one transaction
        with transaction():
            db.execute_sql(temp + " ON COMMIT DROP")
            db.execute_sql(fill, (start, end))
            changed, total = _store_classes(stamp)
    else:
        # The year's read fills a table of this connection's own temp database, before the
        # write transaction: the counter's sales never wait for it, only for the two UPDATEs.
        db.execute_sql("DROP TABLE IF EXISTS temp.abc_new")
        db.execute_sql(temp)
        try:
            db.execute_sql(fill, (start, end))
            with transaction():
                changed, total = _store_classes(stamp)
        finally:
            db.execute_sql("DROP TABLE IF EXISTS temp.abc_new")
    parts = dict.fromkeys(CLASSES, 0)
    for cls, n in db.execute_sql("SELECT abc_class, COUNT(*) FROM part GROUP BY abc_class").fetchall():
        parts[cls or "C"] = parts.get(cls or "C", 0) + int(n)
    return AbcRun(as_of=as_of, total_value=round_minor(Decimal(int(total)) / 1000), parts=parts, changed=changed)


def counts_per_year() -> dict[str, int]:
    return {c: int(settings.get(f"abc.counts_per_year_{c.lower()}")) for c in CLASSES}


_LAST_COUNTED = """SELECT l.part_id, MAX(l.counted_at) AS counted_at FROM count_line l
JOIN count_session s ON s.id = l.session_id
WHERE s.status = 'posted' AND l.location_id = {main} {extra} GROUP BY l.part_id"""


def cycle_part_ids(as_of: date, *, limit: int | None = None) -> list[int]:
    """The ids of the parts due for their cycle count on ``as_of`` (each class's fair share, the
    longest uncounted first; A before B before C), at most ``limit``. For ``services.counts``."""
    db = database.obj
    p = db.param
    last = _LAST_COUNTED.format(main=MAIN_LOCATION_ID, extra="")
    active = "TRUE" if is_postgres() else "1"
    sizes = {cls or "C": int(n) for cls, n in db.execute_sql(
        f"SELECT abc_class, COUNT(*) FROM part WHERE active = {active} GROUP BY abc_class").fetchall()}
    if None in sizes:
        sizes["C"] = sizes.get("C", 0) + sizes.pop(None)
    chosen: list[int] = []
    for cls, per_year in counts_per_year().items():
        quota = daily_quota(sizes.get(cls, 0), per_year)
        if limit is not None:
            quota = min(quota, limit - len(chosen))
        if quota <= 0:
            continue
        cutoff = datetime.combine(as_of - timedelta(days=interval_days(per_year) - 1), time())
        rows = db.execute_sql(
            f"WITH last AS ({last}) SELECT p.id FROM part p LEFT JOIN last ON last.part_id = p.id "
            f"WHERE p.active = {active} AND COALESCE(p.abc_class, 'C') = {p} "
            f"AND (last.counted_at IS NULL OR last.counted_at < {p}) "
            f"ORDER BY CASE WHEN last.counted_at IS NULL THEN 0 ELSE 1 END, last.counted_at, p.id LIMIT {int(quota)}",
            (cls, cutoff)).fetchall()
        chosen.extend(int(row[0]) for row in rows)
    return chosen


def cycle_count_list(actor: Actor, as_of: date, *, limit: int | None = None) -> list[CycleItem]:
    """The parts due for their cycle count on ``as_of``, for a count session's scope (a count of
    today's cycle list in ``services.counts``), A first, then by bin."""
    require(actor, "stock.count")
    ids = cycle_part_ids(as_of, limit=limit)
    if not ids:
        return []
    p = database.obj.param
    items = []
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        marks = ", ".join([p] * len(chunk))
        last = dict(database.obj.execute_sql(
            _LAST_COUNTED.format(main=MAIN_LOCATION_ID, extra=f"AND l.part_id IN ({marks})"), chunk).fetchall())
        for pid, number, brand, name, unit, bin_location, cls in (
                Part.select(Part.id, Part.number, Brand.name, Part.name_en, Part.unit, Part.bin, Part.abc_class)
                .join(Brand, on=(Part.brand == Brand.id)).where(Part.id.in_(chunk)).tuples()):
            counted = last.get(pid)
            if isinstance(counted, str):  # SQLite hands back text from a raw query
                counted = datetime.fromisoformat(counted)
            items.append(CycleItem(pid, number, brand, name, unit, bin_location or "", cls or "C", counted))
    items.sort(key=lambda item: (item.abc_class, item.bin == "", item.bin, item.part_number))
    return items


__all__ = ["AbcRun", "CycleItem", "counts_per_year", "cycle_count_list", "cycle_part_ids", "refresh_classes",
           "year_before"]
