"""Two years of customer history for the demo shop, written through the shop's own services.

``generate_history`` plans, for every customer ``demo_customers`` made, what a real shop would
have seen over about two years: counter sales, returns and quotes, repair orders for people's
cars, companies buying on account and paying (or not), members earning, redeeming and spending
prepaid, follow-up calls with their survey, service reminders, call-backs and complaints handled
step by step. The plan is then replayed in time order through the real use cases
(``history.record_trade``, ``accounts.post_invoice`` and ``take_payment``, ``membership.*``,
``care.*``, ``complaints.*``) with the service clock moved to each event's moment, so every row,
ledger line and audit row carries the time it "happened" and every cache (balances, tier, last
visit, class) is what the services make of it. At the end the points expiry runs for today, the
classes are computed for today and a manager sets two classes by hand.

The last ``COUNTER_DAYS`` days up to yesterday are the real counter (when the shop has parts in
stock): the customers' sales of those days and a day's walk-ins (``COUNTER_SALES_A_DAY`` counter
sales a day in all) are sold with ``sales.commit_sale`` — real carts of parts on the shelf, paid
cash, card, on account, prepaid, points or a mix, each with its invoice or receipt number —, their
returns taken with ``returns.take_return``, what the shelf did not hold recorded as lost sales,
and the purchase orders of ``demo_stock`` (reorder runs on Mondays and Thursdays, received
through ``purchasing.receive``) fill the shelves again. So the shop has sale rows, stock moves, Z-able
payments and documents to reprint, not only timeline lines. Older sales stay timeline lines
(INV- numbers before the real invoices, which continue them gap-free); today nothing is sold yet.

Deterministic for a seed and ``as_of``. The replay runs in chunks of events, each in one
transaction (the services' own transactions nest as savepoints), so SQLite is not asked for an
fsync per use case. The clock is restored whatever happens.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from peewee import fn

from partsdesk.domain import tender
from partsdesk.domain.errors import PermissionDenied, UserError
from partsdesk.domain.membership import add_months, parse_tiers
from partsdesk.domain.permissions import Actor
from partsdesk.models import (
    AccountEntry,
    AppUser,
    CareTask,
    Complaint,
    ContactCall,
    CreditNote,
    Customer,
    CustomerEvent,
    DocumentCounter,
    LostSale,
    Part,
    PointsEntry,
    PrepaidEntry,
    Sale,
    SaleLine,
    Vehicle,
    ZReport,
    database,
    transaction,
)
from partsdesk.services import (
    accounts,
    care,
    cashup,
    clock,
    complaints,
    history,
    membership,
    numbering,
    returns,
    sales,
    settings,
    stock,
)
from partsdesk.services.demo_data import DEMO_USERS, TEMPLATES
from partsdesk.services.demo_stock import StockLife, StockStats
from partsdesk.services.demo_stock import tally as tally_stock
from partsdesk.services.demo_workshop import WorkshopLife

Progress = Callable[[int, int], None] | None

HISTORY_MONTHS = 24
EXTRA_DAYS = 45  # the oldest sales are a little over two years old: their points have expired
CHUNK = 2_000  # events per transaction
RECENT_FOLLOW_UP_DAYS = 10  # every visit of these last days has its follow-up call
FOLLOW_UP_HISTORY_DAYS = 120  # before that, some visits had one
EXPLICIT_COMPLAINTS = 48
COUNTER_DAYS = 90  # real counter sales from this many days ago up to yesterday
COUNTER_SALES_A_DAY = (15, 40)  # a busy counter, customers and walk-ins (Sundays a third)
TILL_FLOAT = 20_000  # the drawer's float each morning, minor units
COUNTER_PARTS = 1_500  # the parts the counter sells (popular ones more often)
_WALK_IN_BASKET = 15_000  # the median walk-in sale, minor units
_CART_LINES = 12  # at most, however big the planned sale
_RETURN_REASONS = (("not_needed", 5), ("wrong_part", 4), ("warranty_refund", 1))

# (visits a month, weight): most people come a few times a year, companies every week or two
_PERSON_RATES = ((0.03, 40), (0.06, 30), (0.12, 17), (0.3, 9), (0.75, 4))
_COMPANY_RATES = ((0.2, 40), (0.4, 32), (0.8, 18), (2.0, 10))
_JOBS = (("Oil service", "小保养"), ("Major service", "大保养"), ("Brake pads replaced", "更换刹车片"),
         ("Brake discs and pads replaced", "更换刹车盘片"), ("Clutch replaced", "更换离合器"),
         ("Timing belt replaced", "更换正时皮带"), ("Battery replaced", "更换电瓶"),
         ("Shock absorbers replaced", "更换减震器"), ("Air-con service", "空调保养"), ("Tyres replaced", "更换轮胎"),
         ("Wheel alignment", "四轮定位"), ("Spark plugs replaced", "更换火花塞"))
_JOB_WEIGHTS = (30, 12, 8, 4, 2, 2, 5, 3, 5, 5, 4, 4)  # a service is what brings most cars in
_SERVICE_JOBS = ("Oil service", "Major service")
_TOP_UPS = ((50_000, 20), (100_000, 30), (200_000, 20), (300_000, 12), (500_000, 12), (1_000_000, 4),
            (2_000_000, 2))
_PAY_METHODS = ("transfer", "transfer", "transfer", "transfer", "cheque", "wechat", "alipay", "cash")
_TOP_UP_METHODS = ("wechat", "wechat", "alipay", "cash", "card")
_CHANNELS = (("counter", 35), ("phone", 35), ("message", 15), ("email", 10), ("other", 5))

# category -> (description, answer, resolution) choices
_COMPLAINT_TEXTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "Part quality": (
        ("Brake pads squeal after two weeks; wants them replaced. 刹车片异响。",
         "Oil filter leaks at the seal after the oil change.",
         "Battery flat after one month; the car would not start. 电瓶一个月就没电了。",
         "Wiper blades streak after a few days of rain."),
        ("Apologised; asked the customer to bring the part in for a check.",
         "Called back: the supplier will test the part; a loan part was offered."),
        ("Replaced free of charge; the supplier credits us.", "Part tested faulty: replaced and fitted free.",
         "Refunded the part after the supplier confirmed the fault.")),
    "Wrong part": (
        ("Got the cabin filter for the wrong model; had to come back. 配件型号不对。",
         "Brake discs do not fit: the car is the 1.4T, not the 1.6.",
         "Spark plugs have the wrong thread length."),
        ("Apologised; the right part is set aside at the counter.",
         "Checked the VIN: the catalogue fitment was wrong; corrected it."),
        ("Exchanged for the right part and refunded the second trip.", "Exchanged; fitment data corrected.")),
    "Price": (
        ("Found the same part 15% cheaper online. 网上更便宜。",
         "Charged the retail price, not the trade price agreed for the company.",
         "The quote and the invoice differ by 80.00."),
        ("Explained the price (genuine part, warranty); offered the trade price next time.",
         "Checked the price tier: the customer should have had the trade price."),
        ("Refunded the difference.", "Price difference credited; price tier corrected on the profile.")),
    "Repair quality": (
        ("Engine light on again two days after the service. 保养后故障灯又亮了。",
         "Oil leak under the car after the oil change.", "Noise from the front axle after the shock absorbers "
                                                           "were replaced."),
        ("Apologised; booked the car in for a free check tomorrow morning.",
         "The workshop will look at it today; a courtesy car is ready."),
        ("Loose clamp found and fixed free of charge.", "Sensor connector reseated; road-tested with the customer.",
         "Drain plug washer replaced; cleaned the engine bay.")),
    "Waiting time": (
        ("The car was promised for 17:00 and ready at 19:30. 等太久了。",
         "Waited 40 minutes at the counter on Saturday morning.", "Parts ordered for Tuesday came on Friday."),
        ("Apologised; the supplier's van was late; we call when a part is late from now on.",
         "Apologised; a second cashier works on Saturday mornings from now on."),
        ("Gave a voucher for the next oil service.", "Labour on the next visit free.")),
    "Staff": (
        ("The person on the phone was impatient. 电话里态度不好。", "Nobody called back as promised.",
         "Was told the part was in stock; it was not."),
        ("The manager called the customer and apologised.",
         "Apologised; the call-back is now written on the care list."),
        ("Talked it through with the staff member; customer accepted the apology.",
         "Stock count corrected; customer accepted the apology.")),
    "Warranty": (
        ("Warranty claim refused for a starter motor bought ten months ago. 保修被拒。",
         "Alternator failed within warranty; asks for a new one."),
        ("Sent the part to the supplier for a warranty decision.",
         "Checked the sale: the part is within warranty; claim opened with the supplier."),
        ("Supplier accepted the claim: new part fitted free.", "Warranty replacement given at the counter.")),
    "Other": (
        ("Invoice printed without the company's tax number. 发票没有税号。",
         "Car park in front of the shop blocked by a delivery truck.", "Received a marketing text without "
                                                                       "having agreed to it."),
        ("Apologised; will send a corrected invoice.", "Apologised; looked into it the same day."),
        ("Corrected invoice sent.", "Marketing consent checked and withdrawn on the profile.")),
}
_REOPEN_REASON = "The customer called again: the problem is back after a week."
_HAPPY_COMMENTS = ("", "", "", "", "Parts fitted well, thanks.", "服务很好", "Quick and friendly.",
                   "Good advice on the brake pads.", "价格合理", "Car runs smoothly.")
_UNHAPPY_COMMENTS = {"parts": "The noise came back after two days.", "advice": "Was sold parts I did not need.",
                     "price": "Too expensive compared to online shops.", "waiting": "Waited over an hour for the car."}


@dataclass
class HistoryStats:
    """What ``generate_history`` wrote (counted in the database at the end)."""

    as_of: datetime | None = None  # the history runs up to this moment
    today: date | None = None  # the shop's day then: the expiry and the classes ran for it
    sales: int = 0
    returns: int = 0
    quotes: int = 0
    repair_orders: int = 0
    workshop_delivered: int = 0  # real repair orders of the last weeks (services.demo_workshop)
    timeline_events: int = 0
    customers_visited: int = 0
    customers_lapsed: int = 0  # last visit 12 months ago or more
    customers_never: int = 0  # no visit at all
    invoices: int = 0
    credit_notes: int = 0
    payments: int = 0
    accounts_overdue: int = 0  # customers with an invoice past due today
    accounts_over_limit: int = 0
    members: int = 0
    tiers: dict[str, int] = field(default_factory=dict)
    points_earned: int = 0
    points_redeemed: int = 0
    points_expired: int = 0
    top_ups: int = 0
    prepaid_spends: int = 0
    follow_ups: int = 0
    service_reminders: int = 0
    call_backs: int = 0
    open_tasks: int = 0
    calls: int = 0
    complaints: int = 0
    complaints_by_status: dict[str, int] = field(default_factory=dict)
    complaints_overdue: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    class_overrides: int = 0
    counter_sales: dict[str, int] = field(default_factory=dict)  # real sales by kind (invoice, receipt)
    counter_days: int = 0  # days with real sales
    counter_returns: int = 0  # credit notes
    lost_sales: int = 0
    z_reports: int = 0  # days closed at the till (one Z each)
    stock: StockStats | None = None  # the back room of the counter's days (demo_stock)
    seconds: float = 0.0

    def describe(self) -> list[str]:
        """Indented lines for the demo summary."""
        tiers = ", ".join(f"{name} {count:,}" for name, count in self.tiers.items()) or "no tier yet"
        classes = ", ".join(f"{grade} {self.classes.get(grade, 0):,}" for grade in ("A", "B", "C"))
        statuses = ", ".join(f"{count} {status}" for status, count in self.complaints_by_status.items())
        return [
            f"  History ({self.seconds:.1f} s): {self.sales:,} sales, {self.returns:,} returns, {self.quotes:,} quotes, "
            f"{self.repair_orders:,} repair orders; {self.customers_visited:,} customers came, "
            f"{self.customers_lapsed:,} of them not for 12 months, {self.customers_never:,} never",
            f"  Accounts: {self.invoices:,} invoices, {self.credit_notes:,} credit notes, {self.payments:,} payments; "
            f"{self.accounts_overdue} customers overdue, {self.accounts_over_limit} over their limit",
            f"  Members: {self.members:,} ({tiers}); points {self.points_earned:,} earned, "
            f"{self.points_redeemed:,} redeemed, {self.points_expired:,} expired; "
            f"{self.top_ups:,} prepaid top-ups, {self.prepaid_spends:,} paid from prepaid",
            f"  Classes: {classes} ({self.class_overrides} set by hand); care: {self.follow_ups:,} follow-ups, "
            f"{self.service_reminders} service reminders, {self.call_backs} call-backs, {self.calls:,} calls made, "
            f"{self.open_tasks} still to make",
            f"  Complaints: {self.complaints} ({statuses}), {self.complaints_overdue} overdue now",
            f"  Counter: {self.counter_sales.get('receipt', 0):,} receipts and {self.counter_sales.get('invoice', 0):,} "
            f"invoices sold on {self.counter_days} days, {self.counter_returns:,} credit notes, "
            f"{self.lost_sales:,} lost sales, {self.z_reports} days closed (Z)",
            *([self.stock.describe()] if self.stock else []),
        ]


# --- the plan ------------------------------------------------------------------------------------

@dataclass(eq=False)
class _Customer:
    id: int
    kind: str
    credit_limit: int
    terms: int
    card: str | None
    key_account: bool
    vehicles: list[int]
    segment: str = "regular"  # regular, newcomer, lapsed, never
    payer: str = ""  # account customers: good, slow, stopped, over_limit
    stop_on: date | None = None  # stopped payers pay nothing issued from this day
    basket: int = 22_000  # the median sale, minor units
    prepaid: bool = False  # pays in advance
    enrolled: bool = False
    points: int = 0  # the balances as the membership services returned them
    prepaid_balance: int = 0
    trades: list[_Trade] = field(default_factory=list)

    @property
    def account(self) -> bool:
        return self.kind == "company" and self.credit_limit > 0


@dataclass(eq=False)
class _Trade:
    at: datetime
    customer: _Customer
    kind: str  # sale, return, quote, repair_order
    amount: int  # minor units, positive (a return is recorded negative)
    vehicle_id: int | None
    what: str
    job: str = ""  # repair orders (and their quotes): the main job
    on_account: bool = False
    sale: _Trade | None = None  # the sale a return takes back
    number: str = ""
    follow_up: bool = False
    earned: int = 0  # points the sale earned, once it ran
    real: bool = False  # sold (or returned) at the counter through the sales services


@dataclass(eq=False)
class _Handling:
    """How the shop handles a complaint once it is in the register: each step after the one
    before (None: that step has not happened yet)."""

    answer: str
    resolution: str
    answer_after: timedelta | None
    resolve_after: timedelta | None
    close_after: timedelta | None
    compensation: int = 0
    satisfaction: int = 4
    reopen_at: datetime | None = None


@dataclass(eq=False)
class _ComplaintPlan:
    customer: _Customer
    received_at: datetime
    category: str
    channel: str
    description: str
    trade: _Trade | None
    part_id: int | None
    handling: _Handling


def _pick(rng: random.Random, pairs: tuple[tuple[object, int], ...]):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _money(rng: random.Random, median: int, sigma: float, low: int, high: int, step: int = 50) -> int:
    """A lognormal amount in minor units, clamped, rounded to ``step`` (prices end in .00 or .50)."""
    value = median * math.exp(rng.gauss(0, sigma))
    return max(low, min(high, int(round(value / step)) * step))


def _shop_time(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(8, 17),
                                                                  minutes=rng.randrange(60), seconds=rng.randrange(60))


class _Planner:
    """Everything that will happen, made up front (dynamic steps are added by the replay)."""

    def __init__(self, rng: random.Random, customers: list[_Customer], *, today: date, as_of: datetime,
                 counter_from: date | None = None) -> None:
        self.rng = rng
        self.customers = customers
        self.today = today
        self.as_of = as_of
        self.counter_from = counter_from  # sales from this day to yesterday are real (None: none are)
        self.start = add_months(today, -HISTORY_MONTHS) - timedelta(days=EXTRA_DAYS)
        self.trades: list[_Trade] = []

    def _items(self) -> str:
        rng = self.rng
        names = []
        for template in rng.sample(TEMPLATES, rng.choice((1, 1, 1, 2, 2, 3))):
            qty = rng.choice((1, 1, 1, 2, 4)) if template.unit in ("pcs", "set") else 1
            names.append(f"{template.name_en} {template.name_zh}" + (f" ×{qty}" if qty > 1 else ""))
        return ", ".join(names)

    def _days(self, first: date, last: date, per_month: float) -> list[date]:
        """Visit days as a Poisson process of ``per_month`` visits a month between the two days."""
        days = []
        span = (last - first).days
        offset = self.rng.expovariate(per_month / 30.4)
        while offset <= span:
            days.append(first + timedelta(days=int(offset)))
            offset += self.rng.expovariate(per_month / 30.4)
        return days

    def segments(self) -> None:
        rng = self.rng
        for customer in self.customers:
            roll = rng.random()
            if customer.kind == "company":
                customer.segment = "never" if roll < 0.04 else "lapsed" if roll < 0.12 else "regular"
            else:
                customer.segment = ("never" if roll < 0.08 else "lapsed" if roll < 0.22 else
                                    "newcomer" if roll < 0.32 else "regular")
        accounts_ = [c for c in self.customers if c.account and c.segment == "regular"]
        # two customers who stopped paying long ago and kept buying: over their limit (when they
        # stopped is worked out once their sales are known, see _stop_over_limit)
        for customer in sorted(accounts_, key=lambda c: (c.credit_limit, c.id))[:2]:
            customer.payer = "over_limit"
        rest = [c for c in accounts_ if not c.payer]
        for customer in rng.sample(rest, min(3, len(rest))):
            customer.payer, customer.stop_on = "stopped", self.today - timedelta(days=rng.randint(95, 150))
        for customer in self.customers:
            if customer.account and not customer.payer:
                customer.payer = "slow" if rng.random() < 0.3 else "good"

    def visits(self) -> None:
        rng = self.rng
        for customer in self.customers:
            if customer.segment == "never":
                continue
            company = customer.kind == "company"
            rate = _pick(rng, _COMPANY_RATES if company else _PERSON_RATES)
            first, last = self.start + timedelta(days=rng.randint(0, 60)), self.today
            if customer.payer == "over_limit":
                rate = 2.0
            if company:  # fleets come often and buy a lot at once
                customer.basket = 220_000 if rate >= 2 else 120_000
            if customer.segment == "lapsed":
                last = self.today - timedelta(days=rng.randint(370, 600))
                rate = max(rate, 0.2)
            elif customer.segment == "newcomer":
                first = self.today - timedelta(days=rng.randint(20, 300))
                rate = max(rate, 0.2)
            days = self._days(first, last, rate)
            if not days and customer.segment != "lapsed":
                days = [first + timedelta(days=rng.randint(0, max(0, (last - first).days)))]
            for day in days:
                at = _shop_time(rng, day)
                if at >= self.as_of:
                    continue
                self._visit(customer, at)
            if rng.random() < 0.04:  # a quote that never became a sale
                day = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
                at = _shop_time(rng, day)
                if at < self.as_of:
                    self.trades.append(_Trade(at, customer, "quote", _money(rng, 60_000, 0.7, 5_000, 500_000), None,
                                              self._items()))

    def _visit(self, customer: _Customer, at: datetime) -> None:
        rng = self.rng
        company = customer.kind == "company"
        if not company and customer.vehicles and rng.random() < 0.3:
            job_en, job_zh = rng.choices(_JOBS, _JOB_WEIGHTS)[0]
            trade = _Trade(at, customer, "repair_order", _money(rng, 65_000, 0.7, 12_000, 600_000),
                           rng.choice(customer.vehicles), f"{job_en} {job_zh}", job=job_en)
        else:
            amount = _money(rng, customer.basket, 0.6 if company else 0.85, 3_000, 300_000)
            vehicle = rng.choice(customer.vehicles) if customer.vehicles and rng.random() < 0.4 else None
            trade = _Trade(at, customer, "sale", amount, vehicle, self._items(),
                           on_account=customer.account and rng.random() < 0.9)
            if self.counter_from is not None:
                if at.date() >= self.today:  # today's counter is still to come
                    return
                trade.real = at.date() >= self.counter_from
        customer.trades.append(trade)
        self.trades.append(trade)
        if rng.random() < 0.1:  # asked for a quote first
            days = rng.randint(0, 5)
            quoted = (max(at - timedelta(minutes=rng.randint(10, 90)), at.replace(hour=8, minute=0, second=0))
                      if days == 0 else _shop_time(rng, at.date() - timedelta(days=days)))
            self.trades.append(_Trade(quoted, customer, "quote", trade.amount * rng.randint(100, 120) // 100,
                                      trade.vehicle_id, trade.what, job=trade.job))
        if trade.kind == "sale" and rng.random() < 0.04:  # brought something back
            back = _shop_time(rng, at.date() + timedelta(days=rng.randint(1, 25)))
            if back < self.as_of and not (trade.real and back.date() >= self.today):
                share = rng.choice((25, 50, 100))
                amount = max(50, trade.amount * share // 100 // 50 * 50)
                returned = _Trade(back, customer, "return", amount, trade.vehicle_id, trade.what, sale=trade,
                                  real=trade.real)
                customer.trades.append(returned)
                self.trades.append(returned)
        day = at.date()
        if day >= self.today - timedelta(days=RECENT_FOLLOW_UP_DAYS) or (
                day >= self.today - timedelta(days=FOLLOW_UP_HISTORY_DAYS) and rng.random() < 0.2):
            trade.follow_up = True

    def number(self) -> None:
        """Document numbers per kind, increasing with time (the real counter's documents take
        theirs when they are sold)."""
        self.trades.sort(key=lambda t: (t.at, t.customer.id))
        prefixes = {"sale": "INV", "return": "RT", "quote": "QT", "repair_order": "RO"}
        counters: Counter[str] = Counter()
        for trade in self.trades:
            if trade.real:
                continue
            counters[trade.kind] += 1
            trade.number = f"{prefixes[trade.kind]}-{counters[trade.kind]:06d}"

    def payments(self) -> list[tuple[datetime, _Customer, list[_Trade]]]:
        """Statement payments of the account customers, every one to three months: (when, who,
        the period's sales on account); the replay pays them less what was returned of them
        before the payment (a real sale's amount is known only once it is sold)."""
        rng = self.rng
        out = []
        for customer in self.customers:
            if not customer.account:
                continue
            if customer.payer == "over_limit":
                self._stop_over_limit(customer)
            period = rng.choice((1, 2, 3))
            periods: dict[int, list[_Trade]] = defaultdict(list)
            for trade in customer.trades:
                if trade.on_account:
                    periods[(trade.at.year * 12 + trade.at.month - 1) // period].append(trade)
            for index, sold in sorted(periods.items()):
                first_day = date((index * period) // 12, (index * period) % 12 + 1, 1)
                if customer.stop_on is not None:  # what was bought from then on stays unpaid
                    sold = [s for s in sold if s.at.date() < customer.stop_on]
                    if not sold:
                        continue
                period_end = add_months(first_day, period) - timedelta(days=1)
                base = max(period_end + timedelta(days=5), max(s.at.date() for s in sold)
                           + timedelta(days=customer.terms))
                delay = rng.randint(10, 55) if customer.payer == "slow" else rng.randint(-4, 4)
                day = max(base + timedelta(days=delay), period_end + timedelta(days=1))
                at = _shop_time(rng, day)
                if day < self.today and at < self.as_of:
                    out.append((at, customer, sold))
        return out

    @staticmethod
    def _stop_over_limit(customer: _Customer) -> None:
        """Stop paying early enough that what is unpaid ends up well over the credit limit."""
        unpaid = 0
        for trade in sorted((t for t in customer.trades if t.on_account), key=lambda t: t.at, reverse=True):
            unpaid += trade.amount
            customer.stop_on = trade.at.date().replace(day=1)
            if unpaid > customer.credit_limit * 3 // 2:  # returns and credits take a little off
                break

    def complaints(self, categories: list[str], part_ids: list[int]) -> list[_ComplaintPlan]:
        """About 50 complaints of the last 12 months in every category and status; a handful
        overdue now, a few fresh ones that are not, one closed complaint reopened."""
        rng = self.rng
        as_of = self.as_of
        year_ago = self.today - timedelta(days=365)
        pool = [t for t in self.trades if t.kind in ("sale", "repair_order", "return")
                and year_ago <= t.at.date() and t.at < as_of - timedelta(days=2)]
        plans: list[_ComplaintPlan] = []
        if not pool:
            return plans

        def plan(trade: _Trade, received: datetime, category: str | None = None) -> _ComplaintPlan:
            if category is None:
                if trade.kind == "repair_order":
                    category = rng.choice(("Repair quality", "Repair quality", "Waiting time", "Staff", "Price"))
                else:
                    category = rng.choice(("Part quality", "Part quality", "Wrong part", "Price", "Warranty",
                                           "Staff", "Waiting time", "Other"))
            if category not in categories:
                category = categories[-1]
            descriptions, answers, resolutions = _COMPLAINT_TEXTS.get(category, _COMPLAINT_TEXTS["Other"])
            part = (rng.choice(part_ids) if part_ids and category in ("Part quality", "Wrong part", "Warranty")
                    else None)
            late_answer, slow = rng.random() < 0.15, rng.random() < 0.15
            handling = _Handling(
                rng.choice(answers), rng.choice(resolutions),
                answer_after=timedelta(hours=rng.randint(26, 60) if late_answer else rng.randint(1, 20),
                                       minutes=rng.randrange(60)),
                resolve_after=timedelta(days=rng.randint(7, 12) if slow else rng.randint(1, 5),
                                        hours=rng.randint(0, 8)),
                close_after=None if rng.random() < 0.15 else timedelta(days=rng.randint(1, 4),
                                                                      hours=rng.randint(0, 6)),
                compensation=rng.choice((2_000, 5_000, 10_000, 20_000, 30_000)) if rng.random() < 0.25 else 0,
                satisfaction=rng.choices((1, 2, 3, 4, 5), (4, 8, 18, 40, 30))[0])
            return _ComplaintPlan(trade.customer, received, category, _pick(rng, _CHANNELS), rng.choice(descriptions),
                                  trade, part, handling)

        # across the year, every category at least once
        for index, trade in enumerate(rng.sample(pool, min(EXPLICIT_COMPLAINTS, len(pool)))):
            received = trade.at + timedelta(days=rng.randint(1, 15), hours=rng.randint(0, 6))
            received = min(received, as_of - timedelta(hours=rng.randint(30, 200)))
            if received > trade.at:
                plans.append(plan(trade, received, categories[index] if index < len(categories) else None))

        def after_a_sale(received: datetime) -> _ComplaintPlan:
            earlier = [t for t in pool if t.at < received - timedelta(days=1)]
            return plan(rng.choice(earlier or pool), received)

        # overdue now: two never answered, three answered and not resolved in time
        for index in range(5):
            if index < 2:
                item = after_a_sale(as_of - timedelta(days=rng.randint(3, 12), hours=rng.randint(1, 8)))
                item.handling.answer_after = None
            else:
                item = after_a_sale(as_of - timedelta(days=rng.randint(9, 25), hours=rng.randint(1, 8)))
                item.handling.answer_after = timedelta(hours=rng.randint(2, 20))
            item.handling.resolve_after = item.handling.close_after = None
            plans.append(item)
        # not overdue: just received, and answered in time with days left to resolve
        for hours in (rng.randint(2, 10), rng.randint(3, 14)):
            item = after_a_sale(as_of - timedelta(hours=hours))
            item.handling.answer_after = None
            plans.append(item)
        for _ in range(2):
            item = after_a_sale(as_of - timedelta(days=rng.randint(1, 3), hours=rng.randint(1, 6)))
            item.handling.answer_after = timedelta(hours=rng.randint(1, 8))
            item.handling.resolve_after = item.handling.close_after = None
            plans.append(item)

        # one closed complaint comes back
        def closed_at(p: _ComplaintPlan) -> datetime | None:
            h = p.handling
            if h.answer_after is None or h.resolve_after is None or h.close_after is None:
                return None
            return p.received_at + h.answer_after + h.resolve_after + h.close_after

        closed = [p for p in plans if (closed_at(p) or as_of) < as_of - timedelta(days=2)]
        if closed:
            latest = max(closed, key=lambda p: (closed_at(p), p.received_at))
            latest.handling.reopen_at = as_of - timedelta(hours=rng.randint(2, 8))
        return plans


# --- the replay ----------------------------------------------------------------------------------

class _Replay:
    """Runs the plan in time order with the service clock at each event's moment."""

    def __init__(self, rng: random.Random, actors: dict[str, Actor], *, today: date, as_of: datetime) -> None:
        self.rng = rng
        self.actors = actors
        self.today = today
        self.as_of = as_of
        self.at = as_of
        self.heap: list[tuple[datetime, int, Callable[..., None], tuple]] = []
        self.seq = itertools.count()
        self.questions = care.survey_questions()
        self.followup_days = int(settings.get("care.followup_days"))
        self.counter: _Counter | None = None  # the real counter of the last COUNTER_DAYS days

    def now(self) -> datetime:
        return self.at

    def push(self, at: datetime, action: Callable[..., None], *args: object) -> None:
        """Plan ``action(*args)`` at ``at``; what would happen after ``as_of`` does not happen."""
        if at < self.as_of:
            heapq.heappush(self.heap, (at, next(self.seq), action, args))

    def run(self, progress: Progress) -> None:
        done = 0
        while self.heap:
            with transaction():
                for _ in range(CHUNK):
                    if not self.heap:
                        break
                    at, _, action, args = heapq.heappop(self.heap)
                    self.at = at
                    action(*args)
                    done += 1
            if progress:
                progress(done, done + len(self.heap))

    # counter and workshop

    def enroll(self, customer: _Customer) -> None:
        cashier = self.actors["cashier"]
        membership.enroll(cashier, customer.id)
        customer.enrolled = True
        if customer.prepaid:
            customer.prepaid_balance = membership.top_up(cashier, customer.id, _pick(self.rng, _TOP_UPS),
                                                         method=self.rng.choice(_TOP_UP_METHODS))

    def trade(self, trade: _Trade) -> None:
        if trade.real:
            assert self.counter is not None
            done = self.counter.sell(trade) if trade.kind == "sale" else self.counter.take_back(trade)
            if done and trade.follow_up:
                self._follow_up(trade)
            return
        customer = trade.customer
        cashier = self.actors["cashier"]
        user = self.actors["service_advisor"] if trade.job else cashier  # the workshop's documents
        amount = -trade.amount if trade.kind == "return" else trade.amount
        summary = {"return": f"Returned {trade.what}" + (f" from {trade.sale.number}" if trade.sale else ""),
                   "quote": f"Quote: {trade.what}"}.get(trade.kind, trade.what)
        if trade.on_account:
            summary += " (on account)"
        history.record_trade(customer.id, trade.kind, document_type=trade.kind, document_id=None,
                             document_no=trade.number, amount=amount, summary=summary[:200], user_id=user.user_id,
                             vehicle_id=trade.vehicle_id, at=trade.at)
        day = trade.at.date()
        if trade.on_account:
            accounts.post_invoice(customer.id, document=trade.number, amount=trade.amount, issued_on=day,
                                  user_id=cashier.user_id)
        if trade.kind == "return" and trade.sale is not None:
            if trade.sale.on_account:
                accounts.post_credit_note(customer.id, document=trade.number, amount=trade.amount, issued_on=day,
                                          against=trade.sale.number, user_id=cashier.user_id)
            if customer.enrolled and trade.sale.earned:
                self._take_back_points(trade)
        if customer.enrolled and trade.kind == "sale":
            self._member_pays(trade)
        if trade.follow_up:
            self._follow_up(trade)
        if trade.kind == "repair_order" and trade.job in _SERVICE_JOBS:
            due = add_months(day, 6)
            if self.today - timedelta(days=3) <= due <= self.today + timedelta(days=13):
                care.schedule_task(customer.id, kind="service_reminder", due_on=due, document=trade.number,
                                   note=f"{trade.job} due: six months since the last one",
                                   vehicle_id=trade.vehicle_id, user_id=user.user_id)
        if trade.kind == "quote" and day >= self.today - timedelta(days=6):
            care.schedule_task(customer.id, kind="call_back", due_on=day + timedelta(days=self.rng.randint(2, 4)),
                               document=trade.number, note="Call with the price and delivery time of the quote",
                               user_id=cashier.user_id)

    def _member_pays(self, trade: _Trade) -> None:
        rng = self.rng
        customer = trade.customer
        cashier = self.actors["cashier"]
        paid = trade.amount
        if trade.kind == "sale" and not trade.on_account and customer.points >= 2_000 and rng.random() < 0.15:
            points = min(customer.points, rng.choice((1_000, 2_000, 5_000, 10_000)))
            value = membership.redeem_points(cashier, customer.id, points, document=trade.number)
            customer.points -= points
            paid -= min(paid, value)
        if customer.prepaid and not trade.on_account and paid > 0:
            if customer.prepaid_balance < 10_000 and rng.random() < 0.3:
                customer.prepaid_balance = membership.top_up(cashier, customer.id, _pick(rng, _TOP_UPS),
                                                             method=rng.choice(_TOP_UP_METHODS))
            if customer.prepaid_balance > 0 and rng.random() < 0.8:
                customer.prepaid_balance = membership.spend_prepaid(
                    customer.id, min(paid, customer.prepaid_balance), document=trade.number, user_id=cashier.user_id)
        if paid > 0:
            trade.earned = membership.earn_points(customer.id, amount_spent=paid, document=trade.number,
                                                  user_id=cashier.user_id, at=trade.at)
            customer.points += trade.earned

    def _take_back_points(self, trade: _Trade) -> None:
        sale = trade.sale
        assert sale is not None
        points = sale.earned * trade.amount // sale.amount
        if 0 < points <= trade.customer.points:
            trade.customer.points = membership.adjust_points(
                self.actors["manager"], trade.customer.id, -points,
                reason=f"Return {trade.number}: points of the returned parts taken back")

    def payment(self, customer: _Customer, sold: list[_Trade]) -> None:
        """A statement paid (the sales ``sold`` on account less what came back of them so far):
        the service allocates it to the open invoices oldest first."""
        amount = sum(s.amount for s in sold if s.on_account) - sum(
            t.amount for t in customer.trades if t.kind == "return" and t.sale in sold and t.sale.on_account
            and t.number and t.at < self.at)
        if amount <= 0:
            return
        if self.rng.random() < 0.05:  # paid a round sum: the rest stays on the account as a credit
            amount = (amount // 10_000 + 1) * 10_000
        method = self.rng.choice(_PAY_METHODS)
        reference = f"{self.at:%Y%m%d}-{self.rng.randrange(10_000):04d}" if method in ("transfer", "cheque") else ""
        accounts.take_payment(self.actors["cashier"], customer.id, amount, method=method, reference=reference,
                              as_of=self.at.date())

    # care

    def _follow_up(self, trade: _Trade) -> None:
        rng = self.rng
        user = self.actors["service_advisor"] if trade.kind == "repair_order" else self.actors["cashier"]
        task_id = care.schedule_follow_up(trade.customer.id, visit_on=trade.at.date(), document=trade.number,
                                          user_id=user.user_id, vehicle_id=trade.vehicle_id)
        due = trade.at.date() + timedelta(days=self.followup_days)
        recent = trade.at.date() >= self.today - timedelta(days=RECENT_FOLLOW_UP_DAYS)
        if due < self.today and (not recent or rng.random() < 0.55):
            self.push(_shop_time(rng, due), self.call, trade.customer, task_id, recent, 1)

    def _scores(self) -> tuple[list[tuple[str, int | None]], str]:
        rng = self.rng
        questions = self.questions
        if rng.random() < 0.05:
            low = rng.sample(range(len(questions)), rng.choice((1, 1, 2)))
            scores = [(q, rng.choice((1, 2)) if i in low else rng.choice((3, 4))) for i, q in enumerate(questions)]
            words = " ".join(questions[i].casefold() for i in low)
            key = next((k for k in ("price", "waiting", "advice") if k in words), "parts")
            return scores, _UNHAPPY_COMMENTS[key]
        scores = [(q, None if rng.random() < 0.08 else rng.choices((3, 4, 5), (10, 40, 50))[0]) for q in questions]
        return scores, rng.choice(_HAPPY_COMMENTS)

    def call(self, customer: _Customer, task_id: int, recent: bool, attempt: int) -> None:
        rng = self.rng
        advisor = self.actors["service_advisor"]
        roll = rng.random()
        if recent:
            outcome = "reached" if roll < 0.7 else "no_answer" if roll < 0.85 else "call_back"
        else:
            outcome = "reached" if roll < 0.78 else "no_answer" if roll < 0.95 else "wrong_number"
        scores: list[tuple[str, int | None]] = []
        comment = ""
        call_back_on = None
        if outcome == "reached":
            scores, comment = self._scores()
        elif outcome == "call_back":
            call_back_on = self.today + timedelta(days=rng.randint(0, 5))
            comment = "Busy driving; asked to be called back."
        result = care.record_call(advisor, customer.id, outcome=outcome, scores=scores, comment=comment,
                                  task_id=task_id, call_back_on=call_back_on)
        if result.complaint_id is not None:
            self._handle_low_score(result.complaint_id)
        if outcome == "no_answer" and not recent:
            if attempt < 3:
                self.push(self.at + timedelta(days=1, hours=rng.randint(-2, 2)), self.call, customer, task_id,
                          recent, attempt + 1)
            else:
                care.cancel_task(advisor, task_id, reason="Three calls without an answer")
        elif outcome == "wrong_number":
            care.cancel_task(advisor, task_id, reason="Wrong number on file; ask for the right one at the next visit")

    # complaints

    def _handle_low_score(self, complaint_id: int) -> None:
        rng = self.rng
        handling = _Handling(
            "The manager called the customer; the car is booked in for a free check.",
            rng.choice(("Checked and fixed free of charge.", "Refunded part of the labour.",
                        "Explained the work done; the customer accepted.")),
            answer_after=timedelta(hours=rng.randint(2, 30)),
            resolve_after=timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 6)),
            close_after=timedelta(days=rng.randint(1, 3)) if rng.random() < 0.8 else None,
            compensation=rng.choice((0, 0, 0, 5_000, 10_000)),
            satisfaction=rng.choices((2, 3, 4, 5), (5, 20, 45, 30))[0])
        assert handling.answer_after is not None
        self.push(self.at + handling.answer_after, self.answer_complaint, complaint_id, handling)

    def open_complaint(self, plan: _ComplaintPlan) -> None:
        user = self.actors["cashier"] if plan.channel == "counter" else self.actors["service_advisor"]
        trade = plan.trade
        complaint_id = complaints.open_complaint(
            user, plan.customer.id, category=plan.category, description=plan.description, channel=plan.channel,
            document_type=trade.kind if trade else "", document_no=trade.number if trade else "",
            part_id=plan.part_id, received_at=plan.received_at)
        if plan.handling.answer_after is not None:
            self.push(plan.received_at + plan.handling.answer_after, self.answer_complaint, complaint_id,
                      plan.handling)

    def answer_complaint(self, complaint_id: int, handling: _Handling) -> None:
        complaints.answer(self.actors["service_advisor"], complaint_id, answer=handling.answer)
        if handling.resolve_after is not None:
            self.push(self.at + handling.resolve_after, self.resolve_complaint, complaint_id, handling)

    def resolve_complaint(self, complaint_id: int, handling: _Handling) -> None:
        complaints.resolve(self.actors["manager"], complaint_id, resolution=handling.resolution,
                           compensation=handling.compensation)
        if handling.close_after is not None:
            self.push(self.at + handling.close_after, self.close_complaint, complaint_id, handling)

    def close_complaint(self, complaint_id: int, handling: _Handling) -> None:
        complaints.close(self.actors["manager"], complaint_id, satisfaction=handling.satisfaction)
        if handling.reopen_at is not None and handling.reopen_at > self.at:
            self.push(handling.reopen_at, self.reopen_complaint, complaint_id)

    def reopen_complaint(self, complaint_id: int) -> None:
        complaints.reopen(self.actors["manager"], complaint_id, reason=_REOPEN_REASON)


# --- the real counter ----------------------------------------------------------------------------

class _Counter:
    """The counter of the last ``COUNTER_DAYS`` days, sold through ``sales`` and ``returns``.

    It keeps what the sellable shelves hold of the parts it sells (the services move the stock;
    this copy only lets a cart ask for what is there), so a customer who wants more than the
    shelf holds gets what there is and the rest is a lost sale, as at a real counter."""

    def __init__(self, rng: random.Random, replay: _Replay, part_ids: list[int], unstocked: list[int]) -> None:
        self.rng = rng
        self.replay = replay
        rows = {pid: (unit, int(price)) for pid, unit, price in Part.select(Part.id, Part.unit, Part.price_retail)
                .where(Part.id.in_(part_ids + unstocked)).tuples()}
        self.parts = [(pid, *rows[pid]) for pid in part_ids + unstocked if pid in rows]
        # a few parts sell every day, most now and then
        self.weights = list(itertools.accumulate(1.0 / (rank + 1) ** 0.8 for rank in range(len(self.parts))))
        self.shelf = stock.on_hand(part_ids + unstocked)
        # what a delivery fills up to: what the shelf held, at least a week's sales of a popular part
        self.full = {pid: max(qty, 8_000) for pid, qty in self.shelf.items() if qty > 0}
        self.point_value = int(settings.get("membership.point_value")) or 1
        self.sold = self.returned = self.lost = self.closed = 0

    def _qty(self, unit: str) -> int:
        rng = self.rng
        if unit == "L":
            return rng.choice((1, 1, 4, 4, 5)) * 1_000
        if unit == "m":
            return rng.choice((1, 2, 3, 5)) * 1_000
        if unit == "pcs":
            return rng.choice((1, 1, 1, 1, 2, 2, 4)) * 1_000
        return 1_000

    def _cart(self, target: int) -> tuple[list[sales.LineRequest], list[tuple[int, int]]]:
        """Lines worth about ``target`` at retail (at least one line asked for); and (part,
        thousandths) the shelf did not have."""
        rng = self.rng
        lines: list[sales.LineRequest] = []
        short: list[tuple[int, int]] = []
        worth, asked = 0, set()
        for _ in range(_CART_LINES):
            part_id, unit, price = rng.choices(self.parts, cum_weights=self.weights)[0]
            if part_id in asked:
                continue
            asked.add(part_id)
            wanted = self._qty(unit)
            have = max(0, self.shelf.get(part_id, 0)) // 1_000 * 1_000
            qty = min(wanted, have)
            if qty < wanted:
                short.append((part_id, wanted - qty))
            if qty:
                lines.append(sales.LineRequest(part_id=part_id, qty=qty))
                worth += price * qty // 1_000
            if worth >= target * 4 // 5 or (worth and rng.random() < 0.15):
                break
        return lines, short

    def _payments(self, total: int, customer: _Customer | None, *, on_account: bool) -> list[tender.Payment]:
        """How the customer pays ``total``: on account, points and prepaid for members who have
        them, then card, cash (handed over in notes) or some of each."""
        rng = self.rng
        if on_account:
            return [tender.Payment(tender.ON_ACCOUNT, total)]
        paid: list[tender.Payment] = []
        left = total
        if customer is not None and customer.enrolled:
            if customer.points >= 2_000 and rng.random() < 0.15:
                points = min(customer.points, rng.choice((1_000, 2_000, 5_000, 10_000)), left // self.point_value)
                if points > 0:
                    paid.append(tender.Payment(tender.POINTS, points=points))
                    left -= points * self.point_value
            if customer.prepaid and left > 0 and customer.prepaid_balance > 0 and rng.random() < 0.8:
                spend = min(left, customer.prepaid_balance)
                paid.append(tender.Payment(tender.PREPAID, spend))
                left -= spend
        if left <= 0:
            return paid
        reference = f"{rng.randrange(1_000_000):06d}"
        roll = rng.random()
        if roll < 0.1 and left > 10_000:  # some on the card, the rest in cash
            on_card = left * rng.randint(30, 80) // 100 // 100 * 100
            paid.append(tender.Payment(tender.CARD, on_card, reference=reference))
            left -= on_card
        elif roll < 0.5:
            return [*paid, tender.Payment(tender.CARD, left, reference=reference)]
        note = rng.choice((1_000, 5_000, 10_000))
        return [*paid, tender.Payment(tender.CASH, (left + note - 1) // note * note)]

    def _commit(self, lines, payments, customer_id: int | None, **kwargs) -> sales.SaleResult:
        """Sold by the cashier; what needs a manager (an account over its limit) the manager sells."""
        try:
            return sales.commit_sale(self.replay.actors["cashier"], lines, payments, customer_id=customer_id,
                                     **kwargs)
        except PermissionDenied:
            return sales.commit_sale(self.replay.actors["manager"], lines, payments, customer_id=customer_id,
                                     **kwargs)

    def _sell(self, target: int, customer: _Customer | None, *, on_account: bool = False,
              vehicle_id: int | None = None) -> sales.SaleResult | None:
        lines, short = self._cart(target)
        result = None
        if lines:
            cashier = self.replay.actors["cashier"]
            customer_id = customer.id if customer else None
            if (customer is not None and customer.enrolled and customer.prepaid and not on_account
                    and customer.prepaid_balance < 10_000 and self.rng.random() < 0.3):
                # topped up first: a top-up may reach a tier, and the tier prices the cart
                customer.prepaid_balance = membership.top_up(cashier, customer.id, _pick(self.rng, _TOP_UPS),
                                                             method=self.rng.choice(_TOP_UP_METHODS))
            total = sales.price_cart(cashier, lines, customer_id=customer_id).total
            payments = self._payments(total, customer, on_account=on_account)
            result = self._commit(lines, payments, customer_id, vehicle_id=vehicle_id,
                                  want_invoice=customer is not None and self.rng.random() < 0.05)
            for line in lines:
                self.shelf[line.part_id] -= line.qty
            self.sold += 1
        for part_id, qty in short:
            sales.record_lost_sale(self.replay.actors["cashier"], part_id, qty,
                                   customer_id=customer.id if customer else None,
                                   document=result.number if result else "")
            self.lost += 1
        return result

    def sell(self, trade: _Trade) -> bool:
        """A customer's planned sale, sold for real: its number and amount are the sale's."""
        customer = trade.customer
        result = self._sell(trade.amount, customer, on_account=trade.on_account, vehicle_id=trade.vehicle_id)
        if result is None:  # nothing they wanted was on the shelf
            trade.amount, trade.on_account = 0, False
            return False
        trade.number, trade.amount = result.number, result.total
        if customer.enrolled:
            customer.points, customer.prepaid_balance = (Customer.select(Customer.points_balance,
                                                                         Customer.prepaid_balance)
                                                         .where(Customer.id == customer.id).tuples().get())
        return True

    def walk_in(self) -> None:
        self._sell(_money(self.rng, _WALK_IN_BASKET, 0.9, 500, 200_000), None)

    def take_back(self, trade: _Trade) -> bool:
        """A return of a real sale: all of it, or some of one line, for a reason; the credit note's
        number and total are the trade's."""
        rng = self.rng
        sale = trade.sale
        if sale is None or not sale.number:
            return False
        lines = [(no, part_id, qty) for no, part_id, qty in
                 SaleLine.select(SaleLine.line_no, SaleLine.part, SaleLine.qty)
                 .join(Sale, on=(SaleLine.sale == Sale.id)).where(Sale.number == sale.number)
                 .order_by(SaleLine.line_no).tuples()]
        reason = _pick(rng, _RETURN_REASONS)
        quarantine = reason.startswith("warranty")  # to be checked before it is sold again
        parts = [line for line in lines if line[1] is not None]
        if rng.random() < 1 / 3 or not parts:  # the whole sale came back
            chosen = [(no, qty) for no, _, qty in lines]
        else:
            no, _, qty = rng.choice(parts)
            chosen = [(no, max(1_000, qty // 2 // 1_000 * 1_000))]
        part_lines = {no for no, _, _ in parts}
        request = [returns.ReturnLine(sale_line_no=no, qty=qty, to_quarantine=quarantine and no in part_lines)
                   for no, qty in chosen]
        try:
            result = returns.take_return(self.replay.actors["cashier"], sale.number, request, reason=reason)
        except PermissionDenied:  # late, or worth more than a cashier takes back
            result = returns.take_return(self.replay.actors["manager"], sale.number, request, reason=reason)
        part_of = {no: part_id for no, part_id, _ in lines}
        if not quarantine:
            for item in request:
                if part_of.get(item.sale_line_no) is not None:
                    self.shelf[part_of[item.sale_line_no]] += item.qty
        trade.number, trade.amount = result.number, result.total
        if trade.customer.enrolled:
            trade.customer.points = Customer.get_by_id(trade.customer.id).points_balance
        self.returned += 1
        return True

    def open_till(self) -> None:
        """The morning: the cashier puts the float in the drawer."""
        cashup.record_cash_event(self.replay.actors["cashier"], "float", TILL_FLOAT)

    def close_till(self) -> None:
        """The evening: the drawer counted and the day closed (Z), now and then a little over or short."""
        cashier = self.replay.actors["cashier"]
        expected = cashup.x_report(cashier).expected_cash
        off = self.rng.choice((0,) * 7 + (-500, -120, 50, 200))
        cashup.close_day(cashier, counted_cash=max(0, expected + off),
                         note="" if not off else "counted twice")
        self.closed += 1


def _counter_parts(rng: random.Random) -> tuple[list[int], list[int]]:
    """The parts the counter sells, in stock on a sellable shelf (shuffled: their order is how
    popular they are), and a few the shop does not stock (asked for: lost sales)."""
    stocked = [pid for (pid,) in database.obj.execute_sql(
        "SELECT sb.part_id FROM stock_balance sb JOIN location l ON l.id = sb.location_id "
        "JOIN part p ON p.id = sb.part_id WHERE l.sellable AND p.active AND sb.qty >= 1000 "
        "GROUP BY sb.part_id ORDER BY sb.part_id").fetchall()]
    chosen = rng.sample(stocked, min(COUNTER_PARTS, len(stocked)))
    unstocked = [pid for (pid,) in Part.select(Part.id).where(
        Part.active & ~Part.id.in_(stocked)).order_by(Part.id).limit(COUNTER_PARTS // 100).tuples()]
    return chosen, unstocked


def _plan_counter(rng: random.Random, replay: _Replay, planner: _Planner) -> None:
    """Walk-ins to make each day's counter sales ``COUNTER_SALES_A_DAY`` in all, the till opened
    and closed, from ``planner.counter_from`` to yesterday (the deliveries are ``demo_stock``'s)."""
    assert replay.counter is not None and planner.counter_from is not None
    planned = Counter(t.at.date() for t in planner.trades if t.real and t.kind == "sale")
    day = planner.counter_from
    while day < planner.today:
        low, high = COUNTER_SALES_A_DAY
        wanted = rng.randint(low, high) // (3 if day.weekday() == 6 else 1)
        for _ in range(max(0, wanted - planned[day])):
            replay.push(_shop_time(rng, day), replay.counter.walk_in)
        midnight = datetime.combine(day, datetime.min.time())
        replay.push(midnight + timedelta(hours=7, minutes=45), replay.counter.open_till)
        replay.push(midnight + timedelta(hours=18, minutes=30), replay.counter.close_till)  # after the last sale
        day += timedelta(days=1)


# --- the entry point -----------------------------------------------------------------------------

def _actors() -> dict[str, Actor]:
    """The demo's cashier, service advisor and manager (else the first active user of each role)."""
    wanted = {role: username for username, _, role, _, _ in DEMO_USERS}
    found: dict[str, Actor] = {}
    for role in ("cashier", "service_advisor", "manager"):
        user = (AppUser.get_or_none((AppUser.username == wanted.get(role)) & (AppUser.role == role))
                or AppUser.select().where((AppUser.role == role) & AppUser.active).order_by(AppUser.id).first())
        if user is None:
            raise UserError(f"The demo history needs a user with the role {role}; add one first.")
        found[role] = Actor(user.id, user.username, user.display_name, user.role)
    return found


def _load_customers() -> list[_Customer]:
    vehicles: dict[int, list[int]] = defaultdict(list)
    for vehicle_id, customer_id in (Vehicle.select(Vehicle.id, Vehicle.customer)
                                    .where(Vehicle.customer.is_null(False)).order_by(Vehicle.id).tuples()):
        vehicles[customer_id].append(vehicle_id)
    query = (Customer.select(Customer.id, Customer.kind, Customer.credit_limit, Customer.payment_terms_days,
                             Customer.member_card, Customer.key_account, Customer.member_since,
                             Customer.points_balance, Customer.prepaid_balance)
             .where(Customer.active).order_by(Customer.id).tuples())
    return [_Customer(cid, kind, int(limit), int(terms), card, bool(key), vehicles.get(cid, []),
                      enrolled=since is not None, points=int(points), prepaid_balance=int(prepaid))
            for cid, kind, limit, terms, card, key, since, points, prepaid in query]


def _continue_numbering(trades: Sequence[_Trade], series_kinds: Sequence[tuple[str, str]]) -> None:
    """The counter's own numbers of ``series_kinds`` ((series, trade kind)) continue after the
    numbers the timeline used: the invoices before the real counter sells, the quotes after."""
    used = Counter(trade.kind for trade in trades if not trade.real)
    with transaction():
        for series, kind in series_kinds:
            DocumentCounter.insert(series=series, prefix=numbering.SERIES[series], next_number=used[kind] + 1
                                   ).on_conflict(conflict_target=[DocumentCounter.series],
                                                 update={DocumentCounter.next_number: used[kind] + 1}).execute()


def generate_history(*, seed: int, as_of: datetime, progress: Progress = None) -> HistoryStats:
    """Give the open shop's customers about two years of history up to ``as_of`` (naive UTC, as
    the clock gives it), through the real services; returns what was written.

    Meant for a freshly generated demo shop (customers without history, the demo users made);
    card holders who are members already are not enrolled again. Deterministic for ``seed`` and
    ``as_of``. Moves the service clock while it runs and restores it before it returns.
    """
    started = time.perf_counter()
    rng = random.Random(seed * 7_919 + 104_729)
    actors = _actors()
    previous = clock._now
    replay = _Replay(rng, actors, today=as_of.date(), as_of=as_of)
    clock.set_clock(replay.now)
    try:
        today = care.shop_today()
        replay.today = today
        customers = _load_customers()
        counter_parts, unstocked = _counter_parts(rng)
        counter_from = today - timedelta(days=COUNTER_DAYS) if counter_parts else None
        stock_life: StockLife | None = None
        planner = _Planner(rng, customers, today=today, as_of=as_of, counter_from=counter_from)
        planner.segments()
        planner.visits()
        planner.number()
        _continue_numbering(planner.trades, (("invoice", "sale"), ("repair_order", "repair_order")))
        if counter_parts:
            replay.counter = _Counter(rng, replay, counter_parts, unstocked)
            _plan_counter(rng, replay, planner)
            stock_life = StockLife(random.Random(seed * 6_151 + 3), replay, replay.counter)
            stock_life.plan(planner.counter_from, today)
        garage = WorkshopLife(random.Random(seed * 4_099 + 7), replay)
        garage.plan(today)
        categories = [str(c) for c in settings.get("complaints.categories")]
        part_ids = [pid for (pid,) in Part.select(Part.id).order_by(Part.id).limit(5_000).tuples()]
        for trade in planner.trades:
            replay.push(trade.at, replay.trade, trade)
        for at, customer, amount in planner.payments():
            replay.push(at, replay.payment, customer, amount)
        _plan_members(rng, replay, customers, planner.start, as_of)
        for plan in planner.complaints(categories, part_ids):
            replay.push(plan.received_at, replay.open_complaint, plan)
        replay.run(progress)
        _continue_numbering(planner.trades, (("quote", "quote"),))
        replay.at = as_of
        if stock_life is not None:
            stock_life.finish(today)
        membership.expire_points(as_of=today)
        accounts.refresh_classes(as_of=today)
        _override_classes(actors["manager"], customers)
        stats = _tally(today, as_of)
        stats.stock = tally_stock() if stock_life is not None else None
        stats.workshop_delivered = garage.delivered
    finally:
        clock.set_clock(previous)
    stats.seconds = time.perf_counter() - started
    return stats


def _plan_members(rng: random.Random, replay: _Replay, customers: list[_Customer], start: date,
                  as_of: datetime) -> None:
    """Card holders join at their first visit (most) or a later one; some pay in advance."""
    for customer in customers:
        if customer.card is None or customer.enrolled:  # no card, or a member already
            continue
        visits = [t for t in customer.trades if t.kind in ("sale", "repair_order")]
        if visits:
            joined_at = (visits[0] if rng.random() < 0.65 else rng.choice(visits)).at - timedelta(minutes=3)
        else:
            joined_at = _shop_time(rng, start + timedelta(days=rng.randint(0, (as_of.date() - start).days - 1)))
        customer.prepaid = rng.random() < 0.15
        replay.push(min(joined_at, as_of - timedelta(minutes=1)), replay.enroll, customer)


def _override_classes(manager: Actor, customers: list[_Customer]) -> None:
    """A manager's two decisions: a key fleet account up to A, a customer who stopped paying down to C."""
    grades = dict(Customer.select(Customer.id, Customer.class_grade).tuples())
    companies = [c for c in customers if c.kind == "company" and c.segment == "regular"]
    up = next((c for c in sorted(companies, key=lambda c: not c.key_account) if grades.get(c.id) == "B"), None)
    if up is not None:
        accounts.override_class(manager, up.id, "A",
                                reason="Key fleet account: two-year supply contract signed with the manager")
    down = next((c for c in sorted(customers, key=lambda c: c.payer not in ("stopped", "over_limit"))
                 if c is not up and grades.get(c.id) in ("A", "B")), None)
    if down is not None:
        reason = ("Stopped paying the account; cash only until the overdue invoices are paid"
                  if down.payer in ("stopped", "over_limit") else "Bought for a reseller at our trade prices; "
                                                                  "retail prices from now on")
        accounts.override_class(manager, down.id, "C", reason=reason)


def _tally(today: date, as_of: datetime) -> HistoryStats:
    stats = HistoryStats(as_of=as_of, today=today)
    kinds = dict(CustomerEvent.select(CustomerEvent.kind, fn.COUNT(CustomerEvent.id))
                 .group_by(CustomerEvent.kind).tuples())
    stats.sales, stats.returns = kinds.get("sale", 0), kinds.get("return", 0)
    stats.quotes, stats.repair_orders = kinds.get("quote", 0), kinds.get("repair_order", 0)
    stats.timeline_events = sum(kinds.values())
    lapsed_before = datetime.combine(care.months_before(today, 12), datetime.min.time())
    stats.customers_visited = Customer.select().where(Customer.last_visit_at.is_null(False)).count()
    stats.customers_lapsed = Customer.select().where(Customer.last_visit_at < lapsed_before).count()
    stats.customers_never = Customer.select().where(Customer.active & Customer.last_visit_at.is_null()).count()
    entries = dict(AccountEntry.select(AccountEntry.kind, fn.COUNT(AccountEntry.id))
                   .group_by(AccountEntry.kind).tuples())
    stats.invoices, stats.credit_notes = entries.get("invoice", 0), entries.get("credit_note", 0)
    stats.payments = entries.get("payment", 0)
    holders = [cid for (cid,) in Customer.select(Customer.id).where(Customer.account_balance > 0).tuples()]
    stats.accounts_overdue = sum(1 for cid in holders
                                 if accounts.credit_check(cid, 0, as_of=today).overdue)
    stats.accounts_over_limit = Customer.select().where(
        (Customer.credit_limit > 0) & (Customer.account_balance > Customer.credit_limit)).count()
    stats.members = Customer.select().where(Customer.member_since.is_null(False)).count()
    tiers = dict(Customer.select(Customer.member_tier, fn.COUNT(Customer.id))
                 .where(Customer.member_since.is_null(False) & (Customer.member_tier != ""))
                 .group_by(Customer.member_tier).tuples())
    order = [t.name for t in parse_tiers(settings.get("membership.tiers"))]
    stats.tiers = {name: tiers[name] for name in order if name in tiers}
    points = dict(PointsEntry.select(PointsEntry.kind, fn.SUM(PointsEntry.points)).group_by(PointsEntry.kind).tuples())
    stats.points_earned = int(points.get("earn") or 0)
    stats.points_redeemed = -int(points.get("redeem") or 0)
    stats.points_expired = -int(points.get("expire") or 0)
    prepaid = dict(PrepaidEntry.select(PrepaidEntry.kind, fn.COUNT(PrepaidEntry.id))
                   .group_by(PrepaidEntry.kind).tuples())
    stats.top_ups, stats.prepaid_spends = prepaid.get("top_up", 0), prepaid.get("spend", 0)
    tasks = dict(CareTask.select(CareTask.kind, fn.COUNT(CareTask.id)).group_by(CareTask.kind).tuples())
    stats.follow_ups = tasks.get("follow_up", 0)
    stats.service_reminders = tasks.get("service_reminder", 0)
    stats.call_backs = tasks.get("call_back", 0)
    stats.open_tasks = CareTask.select().where(CareTask.status == "open").count()
    stats.calls = ContactCall.select().count()
    stats.complaints = Complaint.select().count()
    statuses = dict(Complaint.select(Complaint.status, fn.COUNT(Complaint.id)).group_by(Complaint.status).tuples())
    stats.complaints_by_status = {s: statuses[s] for s in ("open", "answered", "resolved", "closed") if s in statuses}
    stats.complaints_overdue = complaints.overdue_count(as_of=as_of)
    classes = dict(Customer.select(fn.COALESCE(Customer.class_override, Customer.class_grade), fn.COUNT(Customer.id))
                   .where(Customer.active).group_by(fn.COALESCE(Customer.class_override, Customer.class_grade))
                   .tuples())
    stats.classes = {grade: classes.get(grade, 0) for grade in ("A", "B", "C")}
    stats.class_overrides = Customer.select().where(Customer.class_override.is_null(False)).count()
    stats.counter_sales = dict(Sale.select(Sale.kind, fn.COUNT(Sale.id)).group_by(Sale.kind).tuples())
    stats.counter_days = len({at.date() if isinstance(at, datetime) else datetime.fromisoformat(str(at)).date()
                              for (at,) in Sale.select(Sale.at).tuples()})
    stats.counter_returns = CreditNote.select().count()
    stats.lost_sales = LostSale.select().count()
    stats.z_reports = ZReport.select().count()
    return stats
