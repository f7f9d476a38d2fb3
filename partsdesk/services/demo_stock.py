"""The demo shop's stock life over the counter's days, written through the stock services.

``demo_history`` replays the last ``COUNTER_DAYS`` days of the counter with the clock set to each
event's moment; this module adds what the back room did meanwhile, as events of the same replay:

* the day before the counter's first day, the storekeeper gives the suppliers their terms
  (contact, address, lead time, payment terms), records a price and a pack for every part the
  counter sells (the part's own supplier preferred, a second offer for some) and sets each of
  those parts' minimum and maximum from the shelf it holds; the parts the shop does not keep
  (nothing on the shelf) get no reorder levels, so reorder never orders them;
* every Monday and Thursday evening the reorder suggestions become draft orders
  (``reorder.create_drafts``) that are sent, and the goods come in the supplier's lead time later
  through ``purchasing.receive`` — mostly in full, now and then a line short (the rest comes with
  the next delivery, or the order is closed), a pack too many, or a damaged item rejected to
  quarantine; besides, one order by hand for a fleet customer, one cancelled;
* a few adjustments (damage to quarantine, found, theft) and releases from quarantine;
* a count of some of the counter's parts ten days ago, finished and posted by the manager.

At the end (the clock at ``as_of``) today's reorder drafts wait unsent, a count is open with part
of its parts counted, and the parts' ABC classes are refreshed. The replay's counter keeps its copy
of the shelf in step with every accepted receipt, adjustment and count, so it never sells what
the services say is not there. Deterministic for the replay's seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from peewee import fn

from partsdesk.domain.permissions import Actor
from partsdesk.models import (
    AppUser,
    CountSession,
    GoodsReceipt,
    Location,
    Part,
    PurchaseOrder,
    StockAdjustment,
    StockBalance,
    Supplier,
    SupplierPart,
    database,
)
from partsdesk.models.stock import MAIN_LOCATION_ID
from partsdesk.services import abc, adjustments, counts, purchasing, reorder, settings, stock

if TYPE_CHECKING:  # the replay and the counter of demo_history (imported there, not here)
    from partsdesk.services.demo_history import _Counter, _Replay

ORDER_DAYS = (0, 3)  # reorder runs on Monday and Thursday evenings
POSTED_COUNT_DAYS_AGO = 10
COUNT_PARTS = 24  # parts in each count
# (contact person, address, lead time in days, payment terms), by the supplier's place in demo_data.SUPPLIERS
_TERMS = (
    ("Mr. Huang 黄经理", "广州市白云区机场路 88 号", 1, "30 days net"),
    ("Ms. Zhang 张女士", "上海市浦东新区张江路 200 号", 2, "30 days net, 2% 10 days"),
    ("Mr. Liu 刘先生", "北京市丰台区南四环 16 号", 2, "Cash on delivery"),
    ("Ms. Wu 吴小姐", "成都市武侯区二环路 45 号", 2, "30 days net"),
    ("Mr. Zhao 赵经理", "杭州市萧山区万向路 1 号", 2, "45 days net"),
    ("Mr. Sun 孙先生", "烟台市招远市玲珑路 777 号", 3, "60 days net"),
    ("Ms. He 何女士", "深圳市宝安区福永大道 12 号", 1, "30 days net"),
    ("Mr. Ma 马先生", "武汉市东西湖区三环路 9 号", 2, "30 days net"),
    ("Mr. Becker 贝克先生", "上海市外高桥保税区 3 号库", 5, "Prepayment, then 30 days net"),
    ("Ms. Tanaka 田中女士", "广州市南沙区港前大道 5 号", 4, "30 days net"),
    ("Mr. Wang 王经理", "长春市汽车产业开发区 1 号", 3, "Dealer terms: 15 days net"),
    ("Ms. Chen 陈女士", "广州市番禺区汽车城 66 号", 3, "Dealer terms: 15 days net"),
)
_PACKS = {"pcs": (1, 1, 1, 1, 2, 4, 10), "L": (1, 1, 4), "set": (1,), "m": (1, 5)}
_DAMAGED = ("Damaged in transit: box crushed", "Housing cracked on arrival", "Packaging wet, part rusted")


@dataclass
class StockStats:
    """What the stock life wrote (counted in the database at the end)."""

    suppliers: int = 0
    supplier_prices: int = 0
    orders: dict[str, int] = field(default_factory=dict)  # purchase orders by status
    receipts: int = 0
    adjustments: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # count sessions by status
    abc: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        orders = ", ".join(f"{n} {purchasing.STATUS_LABELS[s].lower()}" for s, n in self.orders.items())
        sessions = ", ".join(f"{n} {s}" for s, n in self.counts.items()) or "none"
        classes = ", ".join(f"{c} {self.abc.get(c, 0):,}" for c in ("A", "B", "C"))
        return (f"  Stock: {self.suppliers} suppliers ({self.supplier_prices:,} prices), "
                f"{sum(self.orders.values())} purchase orders ({orders}), {self.receipts} receipts, "
                f"{self.adjustments} adjustments, counts: {sessions}; parts by ABC class: {classes}")


def _storekeeper(actors: dict[str, Actor]) -> Actor:
    """The demo's storekeeper (else the first active one, else the manager)."""
    user = (AppUser.get_or_none((AppUser.username == "li") & (AppUser.role == "storekeeper"))
            or AppUser.select().where((AppUser.role == "storekeeper") & AppUser.active).order_by(AppUser.id).first())
    if user is None:
        return actors["manager"]
    return Actor(user.id, user.username, user.display_name, user.role)


class StockLife:
    """The back room's events, pushed into the replay of ``demo_history``."""

    def __init__(self, rng: random.Random, replay: _Replay, counter: _Counter) -> None:
        self.rng = rng
        self.replay = replay
        self.counter = counter
        self.keeper = _storekeeper(replay.actors)
        self.manager = replay.actors["manager"]
        self.quarantined: list[tuple[int, int]] = []  # (part, qty) rejected or damaged, not yet released

    # the plan

    def plan(self, first_day: date, today: date) -> None:
        """Push the stock events from the day before ``first_day`` up to ``today`` (exclusive)."""
        rng = self.rng
        push = self.replay.push
        midnight = datetime.combine(first_day - timedelta(days=1), datetime.min.time())
        push(midnight + timedelta(hours=16), self.set_up)
        push(midnight + timedelta(hours=17), self.reorder)  # the first run: the shelves filled before day one
        day = first_day
        while day < today:
            evening = datetime.combine(day, datetime.min.time()) + timedelta(hours=18, minutes=45)
            if day.weekday() in ORDER_DAYS:
                push(evening, self.reorder)
            day += timedelta(days=1)
        span = (today - first_day).days
        for offset, action in ((span // 3, self.hand_order), (span // 2, self.cancelled_order)):
            push(datetime.combine(first_day + timedelta(days=offset), datetime.min.time())
                 + timedelta(hours=11, minutes=rng.randrange(60)), action)
        for reason in ("damage", "found", "theft_or_loss", "damage", "found", "theft_or_loss"):
            at = datetime.combine(first_day + timedelta(days=rng.randrange(5, max(6, span - 12))),
                                  datetime.min.time()) + timedelta(hours=rng.randint(9, 16), minutes=rng.randrange(60))
            push(at, self.adjust, reason)
        for days_ago in (8, 3):
            push(datetime.combine(today - timedelta(days=days_ago), datetime.min.time()) + timedelta(hours=10),
                 self.release)
        count_day = datetime.combine(today - timedelta(days=POSTED_COUNT_DAYS_AGO), datetime.min.time())
        push(count_day + timedelta(hours=19), self.posted_count)

    def finish(self, today: date) -> None:
        """The clock at ``as_of``: today's reorder drafts (not sent yet), a count half done, the
        parts' ABC classes from the last 12 months."""
        if not reorder.create_drafts(self.keeper).orders:
            self._manual_draft()  # every shortage is on order already: next week's order, started by hand
        self._open_count()
        abc.refresh_classes(as_of=today)

    def _manual_draft(self) -> None:
        """A draft the storekeeper starts by hand: a pack of the part furthest below its maximum, from its
        preferred supplier (nothing when no part has one)."""
        row = database.obj.execute_sql(
            "SELECT sp.supplier_id, sp.part_id, sp.pack_qty FROM supplier_part sp JOIN part p ON p.id = sp.part_id "
            "JOIN supplier s ON s.id = sp.supplier_id LEFT JOIN stock_balance b ON b.part_id = p.id AND b.location_id "
            f"= {MAIN_LOCATION_ID} WHERE sp.preferred AND p.active AND s.active AND p.max_qty > 0 "
            "ORDER BY COALESCE(b.qty, 0) - p.max_qty, p.id LIMIT 1").fetchone()
        if row is not None:
            supplier_id, part_id, pack = row
            purchasing.create_order(self.keeper, int(supplier_id), note="Next week's order",
                                    lines=[(int(part_id), int(pack))])

    # the events

    def set_up(self) -> None:
        rng = self.rng
        suppliers = list(Supplier.select(Supplier.id, Supplier.name, Supplier.phone, Supplier.email)
                         .order_by(Supplier.id).tuples())
        for index, (supplier_id, name, phone, email) in enumerate(suppliers):
            contact, address, lead, terms = _TERMS[index % len(_TERMS)]
            purchasing.save_supplier(self.keeper, supplier_id, {
                "name": name, "phone": phone, "email": email, "contact_person": contact, "address": address,
                "lead_time_days": lead, "payment_terms": terms, "active": True})
        ids = [s[0] for s in suppliers]
        kept = sorted(self.counter.full)
        rows = {pid: (sup, unit, int(cost)) for pid, sup, unit, cost in Part.select(
            Part.id, Part.supplier, Part.unit, Part.cost).where(Part.id.in_(kept)).tuples()}
        for part_id in kept:
            supplier_id, unit, cost = rows[part_id]
            if supplier_id is None:
                supplier_id = ids[part_id % len(ids)]
            pack = rng.choice(_PACKS.get(unit, (1,))) * 1_000
            price = max(1, cost * rng.randint(94, 100) // 100)
            purchasing.set_supplier_price(self.keeper, supplier_id, part_id, price=price, pack=pack,
                                          supplier_number=f"{supplier_id:02d}-{part_id:06d}", preferred=True)
            if rng.random() < 0.2 and len(ids) > 1:  # a second offer to compare: cheaper, or dearer
                other = rng.choice([i for i in ids if i != supplier_id])
                purchasing.set_supplier_price(self.keeper, other, part_id, price=max(1, price * rng.randint(90, 115)
                                                                                     // 100),
                                              pack=1_000, supplier_number=f"X{part_id:07d}")
            full = self.counter.full[part_id]
            # the shelf is filled up to what it held; below two thirds of it the part is ordered
            Part.update(min_qty=max(1_000, full * 2 // 3 // 1_000 * 1_000), max_qty=full).where(
                Part.id == part_id).execute()
        # parts not on the shelf are not kept: ordered for a customer when asked for, never by reorder
        on_shelf = (StockBalance.select(StockBalance.part).join(Location, on=(StockBalance.location == Location.id))
                    .where(Location.sellable & (StockBalance.qty > 0)))
        Part.update(min_qty=0, max_qty=0).where(~Part.id.in_(on_shelf) & (Part.max_qty > 0)).execute()

    def reorder(self) -> None:
        """The reorder run: one draft per preferred supplier, sent, goods due after its lead time."""
        result = reorder.create_drafts(self.keeper)
        for draft in result.orders:
            document = purchasing.send(self.keeper, draft.number)
            lead = max(1, Supplier.get_by_id(draft.supplier_id).lead_time_days)
            self._deliver_later(document.order.number, draft.supplier_id, lead)

    def _deliver_later(self, number: str, supplier_id: int, days: int) -> None:
        day = self.replay.at.date() + timedelta(days=days)
        when = datetime.combine(day, datetime.min.time()) + timedelta(hours=7, minutes=self.rng.randrange(15, 45))
        self.replay.push(when, self.receive, number, supplier_id)

    def receive(self, number: str, supplier_id: int) -> None:
        """The delivery of ``number``: what is outstanding, now and then short, over or damaged."""
        rng = self.rng
        order = purchasing.get_order(self.keeper, number)
        if order.status not in purchasing.RECEIVABLE:
            return
        lines: list[purchasing.ReceiveLine] = []
        short = False
        for line in order.lines:
            qty = line.outstanding
            if not qty:
                continue
            roll = rng.random()
            rejected, reason = 0, ""
            if roll < 0.03 and qty >= 2_000:  # a line short: the rest comes later
                qty = qty // 2 // 1_000 * 1_000
                short = True
            elif roll < 0.05:  # a pack too many
                qty += 1_000
            elif roll < 0.07:  # one damaged in the box: to quarantine, still owed
                rejected, reason = 1_000, rng.choice(_DAMAGED)
            lines.append(purchasing.ReceiveLine(part_id=line.part_id, qty=qty, rejected=rejected,
                                                reject_reason=reason))
        if not lines:
            return
        result = purchasing.receive(self.keeper, supplier_id, lines, number,
                                    note=f"Delivery note {rng.randrange(10_000, 99_999)}")
        for done in result.lines:
            if done.part_id in self.counter.shelf:
                self.counter.shelf[done.part_id] += done.accepted
            if done.rejected:
                self.quarantined.append((done.part_id, done.rejected))
        if result.still_outstanding:
            if short and rng.random() < 0.3:
                purchasing.close(self.manager, number, "The supplier cannot deliver the rest; ordered again")
            else:
                self._deliver_later(number, supplier_id, rng.randint(2, 4))

    def hand_order(self) -> None:
        """An order by hand: a fleet customer's brake parts, beyond what the shelf holds."""
        part_ids = sorted(self.counter.full)[:40]
        if not part_ids:
            return
        chosen = self.rng.sample(part_ids, min(4, len(part_ids)))
        supplier_id = Part.get_by_id(chosen[0]).supplier_id or Supplier.select(Supplier.id).scalar()
        number = purchasing.create_order(self.keeper, supplier_id, note="For the fleet customer's service day",
                                         lines=[(pid, 4_000) for pid in chosen])
        purchasing.send(self.keeper, number)
        self._deliver_later(number, supplier_id, 2)

    def cancelled_order(self) -> None:
        part_ids = sorted(self.counter.full)
        if not part_ids:
            return
        part_id = self.rng.choice(part_ids)
        supplier_id = Part.get_by_id(part_id).supplier_id or Supplier.select(Supplier.id).scalar()
        number = purchasing.create_order(self.keeper, supplier_id, lines=[(part_id, 10_000)])
        purchasing.send(self.keeper, number)
        purchasing.cancel(self.manager, number, "The supplier is out of stock for weeks; bought elsewhere")

    def adjust(self, reason: str) -> None:
        rng = self.rng
        on_shelf = sorted(pid for pid, qty in self.counter.shelf.items() if qty >= 2_000)
        if not on_shelf:
            return
        part_id = rng.choice(on_shelf)
        notes = {"damage": "Dropped from the shelf while putting away", "found": "Found behind the returns shelf",
                 "theft_or_loss": "Missing after the busy Saturday; camera checked"}
        qty = 1_000 if reason == "found" else -1_000
        # the storekeeper writes it; a loss, or one worth more than the storekeeper may, the manager
        value = int(Part.get_by_id(part_id).cost)
        small = value <= int(settings.get("stock.adjust_manager_above"))
        actor = self.keeper if small and reason != "theft_or_loss" else self.manager
        adjustments.adjust(actor, part_id, qty, reason, notes[reason])
        self.counter.shelf[part_id] += qty
        if reason == "damage":
            self.quarantined.append((part_id, 1_000))

    def release(self) -> None:
        """Quarantined stock dealt with: the first back to stock (only the box was damaged), the
        next scrapped."""
        while self.quarantined:
            part_id, qty = self.quarantined.pop(0)
            held = stock.on_hand([part_id], sellable_only=False).get(part_id, 0) - stock.on_hand([part_id]).get(
                part_id, 0)
            if held < qty:
                continue
            to = "stock" if len(self.quarantined) % 2 == 0 else "scrap"
            note = "Checked: only the box was damaged" if to == "stock" else "Not repairable; the supplier credits it"
            small = int(Part.get_by_id(part_id).cost) * qty // 1_000 <= int(settings.get("stock.adjust_manager_above"))
            adjustments.release_from_quarantine(self.keeper if small else self.manager, part_id, qty, to, note)
            if to == "stock" and part_id in self.counter.shelf:
                self.counter.shelf[part_id] += qty
            return

    def _count_parts(self, exclude: set[int] = frozenset()) -> list[int]:
        kept = [pid for pid in sorted(self.counter.full) if pid not in exclude]
        return self.rng.sample(kept, min(COUNT_PARTS, len(kept)))

    def posted_count(self) -> None:
        """The storekeeper counts some parts after closing; a few differ; the manager posts it."""
        rng = self.rng
        parts = self._count_parts()
        if not parts:
            return
        self.counted = set(parts)
        number = counts.start_session(self.keeper, counts.CountScope("parts", tuple(parts)), blind=True,
                                      note="Spot check of the fast movers")
        book = stock.on_hand(parts)
        for part_id in parts:
            have = max(0, book.get(part_id, 0))
            off = rng.choice((0,) * 8 + (-1_000, 1_000)) if have >= 1_000 else 0
            counts.set_qty(self.keeper, number, part_id, have + off)
        counts.finish(self.keeper, number, "leave")
        counts.approve_and_post(self.manager, number)
        for part_id, qty in stock.on_hand(parts).items():
            if part_id in self.counter.shelf:
                self.counter.shelf[part_id] = qty

    def _open_count(self) -> None:
        parts = self._count_parts(getattr(self, "counted", set()))
        if not parts:
            return
        number = counts.start_session(self.keeper, counts.CountScope("parts", tuple(parts)), blind=True,
                                      note="Monthly check, second aisle")
        book = stock.on_hand(parts)
        for part_id in parts[: len(parts) // 2]:
            counts.set_qty(self.keeper, number, part_id, max(0, book.get(part_id, 0)))


def tally() -> StockStats:
    stats = StockStats()
    stats.suppliers = Supplier.select().where(Supplier.active == True).count()  # noqa: E712
    stats.supplier_prices = SupplierPart.select().count()
    statuses = dict(PurchaseOrder.select(PurchaseOrder.status, fn.COUNT(PurchaseOrder.id))
                    .group_by(PurchaseOrder.status).tuples())
    stats.orders = {s: statuses[s] for s in purchasing.STATUS_LABELS if s in statuses}
    stats.receipts = GoodsReceipt.select().count()
    stats.adjustments = StockAdjustment.select().count()
    sessions = dict(CountSession.select(CountSession.status, fn.COUNT(CountSession.id))
                    .group_by(CountSession.status).tuples())
    stats.counts = {s: sessions[s] for s in ("posted", "finished", "open", "cancelled") if s in sessions}
    stats.abc = dict(Part.select(fn.COALESCE(Part.abc_class, "C"), fn.COUNT(Part.id))
                     .group_by(fn.COALESCE(Part.abc_class, "C")).tuples())
    return stats


__all__ = ["StockLife", "StockStats", "tally"]
