"""The counter's price rules that need no database: which list price a customer pays, a cart
line's price after discounts, the gross-profit floor, a quote's price hold, core charges,
how much of a sale may still be returned, and what to do when stock runs short.

- **Price tier.** A walk-in pays retail. A classed customer pays the tier of their class (A
  wholesale, B trade, C retail), an account customer at least trade; when both apply the better
  tier wins (wholesale before trade before retail). The member tier's discount is taken on top
  of retail prices only: trade and wholesale prices are already the better price. ``TierRules``
  holds the table so a settings screen can replace it.
- **Line price.** The unit price is the list price less the member discount and the cashier's
  line discount, rounded once to a minor unit (``money.round_minor``); the amount is that unit
  price times the quantity, rounded once (``money.line_amount``), so unit price x quantity on the
  receipt is the amount the customer pays. A price override replaces all of it.
- **Gross-profit floor.** Gross profit is (net price - cost) / net price, on the price before
  tax and the part's cost (tax-exclusive, per unit). A discount or override that leaves a line
  below the floor of the cashier's role needs a manager; a price below cost always does, however
  it came about. The comparisons are exact (cross-multiplied integers), never a rounded percentage.
- **Quotes** hold their price up to and including their last valid day; a differing price today
  is shown beside it, never applied silently. After expiry the line re-prices at today's price
  with a notice.

Money is integer minor units, quantities integer thousandths, rates basis points (see ``money``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import (
    BP_SCALE,
    MONEY_MAX,
    QTY_MAX,
    DocumentLine,
    format_bp,
    format_money,
    format_quantity,
    line_amount,
    round_minor,
)
from partsdesk.domain.permissions import ADMIN, CASHIER, MANAGER, SERVICE_ADVISOR
from partsdesk.i18n import N_, _

CUSTOMER_CLASSES = ("A", "B", "C")  # as domain.accounts.CLASSES


def _whole(value: object, *, field: str, label: str, minimum: int = 0, maximum: int = MONEY_MAX) -> int:
    """``value`` when it is a whole number within bounds, else a ``ValidationError`` naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: _("{label}: a whole number is needed.").format(label=_(label))})
    if value < minimum:
        raise ValidationError({field: _("{label} cannot be less than {minimum}.").format(label=_(label),
                                                                                         minimum=minimum)})
    if value > maximum:
        raise ValidationError({field: _("{label} is too large.").format(label=_(label))})
    return value


def _rate(value: object, *, field: str, label: str) -> int:
    """Basis points from 0 to 100 %."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BP_SCALE:
        raise ValidationError({field: _("{label} is between 0 and 100 % (0 to {most} basis points).").format(
            label=_(label), most=BP_SCALE)})
    return value


# --- price tier ----------------------------------------------------------------------------------

RETAIL, TRADE, WHOLESALE = "retail", "trade", "wholesale"
PRICE_TIERS = (RETAIL, TRADE, WHOLESALE)  # worst to best for the customer: the better one wins
PRICE_FIELDS = {RETAIL: "price_retail", TRADE: "price_trade", WHOLESALE: "price_wholesale"}  # Part columns
# a tier as the reasons below name it ("trade prices")
_TIER_WORDS = {RETAIL: N_("retail"), TRADE: N_("trade"), WHOLESALE: N_("wholesale")}
# the rules' fields as their messages name them
_RULE_LABELS = {"walk_in": N_("Walk in"), "class_a": N_("Class a"), "class_b": N_("Class b"), "class_c": N_("Class c"),
                "account": N_("Account")}


def _tier_word(tier: str) -> str:
    return _(_TIER_WORDS[tier]) if tier in _TIER_WORDS else tier


@dataclass(frozen=True)
class TierRules:
    """Which list price each kind of customer pays. The defaults are the shop handbook's; a
    settings screen may replace any of them with another tier name of ``PRICE_TIERS``.

    ``member_discount_on``: the tiers on which a member tier's discount is taken on top
    (by default retail only)."""

    walk_in: str = RETAIL  # no customer chosen, or one with no class
    class_a: str = WHOLESALE
    class_b: str = TRADE
    class_c: str = RETAIL
    account: str = TRADE  # a customer who may buy on account, whatever the class
    member_discount_on: tuple[str, ...] = (RETAIL,)

    def __post_init__(self) -> None:
        problems = {name: _("{rule}: one of {tiers}.").format(rule=_(_RULE_LABELS[name]), tiers=", ".join(PRICE_TIERS))
                    for name in ("walk_in", "class_a", "class_b", "class_c", "account")
                    if getattr(self, name) not in PRICE_TIERS}
        if any(tier not in PRICE_TIERS for tier in self.member_discount_on):
            problems["member_discount_on"] = _("Member discount on: tiers among {tiers}.").format(
                tiers=", ".join(PRICE_TIERS))
        if problems:
            raise ValidationError(problems)

    def for_class(self, grade: str) -> str:
        return {"A": self.class_a, "B": self.class_b, "C": self.class_c}[grade]


DEFAULT_TIER_RULES = TierRules()


@dataclass(frozen=True)
class TierDecision:
    tier: str  # one of PRICE_TIERS
    member_discount_bp: int  # the member discount to take on top (0 when it does not apply)
    reason: str  # e.g. "Class C customer with an account: trade prices (class C: retail; account: trade)."

    def list_price(self, *, retail: int, trade: int, wholesale: int) -> int:
        """The part's list price for this tier, from its three prices."""
        return {RETAIL: retail, TRADE: trade, WHOLESALE: wholesale}[self.tier]


def price_tier(*, customer_class: str | None, has_account: bool, member_tier_discount_bp: int = 0,
               rules: TierRules = DEFAULT_TIER_RULES) -> TierDecision:
    """The list price a customer pays, and why.

    ``customer_class`` None is a walk-in (no customer chosen). The class's tier and, for an
    account customer, the account's tier both apply and the better one for the customer wins.
    ``member_tier_discount_bp`` (the member tier's discount) is taken on top only when the tier
    is one of ``rules.member_discount_on`` (retail by default); the reason says so either way.
    Raises ``ValidationError`` for a class other than A, B or C or a discount outside 0-100 %.
    """
    discount = _rate(member_tier_discount_bp, field="member_tier_discount_bp", label=N_("Member discount"))
    grade = customer_class.strip().upper() if isinstance(customer_class, str) else customer_class
    if grade == "":
        grade = None
    if grade is not None and grade not in CUSTOMER_CLASSES:
        raise ValidationError({"customer_class": _("Customer class: A, B or C, not {given!r}.").format(
            given=str(customer_class)[:10])})
    candidates: list[tuple[str, str]] = []  # (tier, what gives it)
    if grade is not None:
        candidates.append((rules.for_class(grade), _("class {grade}").format(grade=grade)))
    if has_account:
        candidates.append((rules.account, _("account")))
    if grade is None and not has_account:
        tier, reason = rules.walk_in, _("Walk-in customer: {tier} prices").format(tier=_tier_word(rules.walk_in))
    else:
        tier = max((t for t, _source in candidates), key=PRICE_TIERS.index)
        if grade and has_account:
            subject = _("Class {grade} customer with an account").format(grade=grade)
        elif grade:
            subject = _("Class {grade} customer").format(grade=grade)
        else:
            subject = _("Account customer")
        reason = _("{subject}: {tier} prices").format(subject=subject, tier=_tier_word(tier))
        if len({t for t, _source in candidates}) > 1:
            sources = "; ".join(_("{source}: {tier}").format(source=source, tier=_tier_word(t))
                                for t, source in candidates)
            reason = _("{reason} ({sources}; the better applies)").format(reason=reason, sources=sources)
    applies = discount > 0 and tier in rules.member_discount_on
    if applies:
        reason = _("{reason}; member discount {discount} on top").format(reason=reason, discount=format_bp(discount))
    elif discount > 0:
        only = _(" and ").join(_tier_word(t) for t in rules.member_discount_on) or _("no")
        reason = _("{reason}; the member discount ({discount}) is for {tiers} prices only").format(
            reason=reason, discount=format_bp(discount), tiers=only)
    return TierDecision(tier, discount if applies else 0, _("{reason}.").format(reason=reason))


# --- a cart line ---------------------------------------------------------------------------------

def gross_profit_bp(unit_price_net: int | Decimal, unit_cost: int) -> int | None:
    """Gross profit as a share of the net (tax-exclusive) selling price, in basis points,
    rounded by the one rule: (price - cost) / price. Negative when selling below cost; None for
    a price of 0 or less (no margin can be stated on a free line)."""
    price = Decimal(unit_price_net)
    if price <= 0:
        return None
    return round_minor((price - unit_cost) * BP_SCALE / price)


@dataclass(frozen=True)
class CartLine:
    """One part on the cart, priced. All amounts per the part's unit, in minor units.

    ``list_price`` is the tier's list price on the shop's price basis (tax-inclusive when
    ``prices_include_tax``); ``unit_cost`` is the part's cost, always tax-exclusive. The cashier
    gives either a line discount (``discount_bp``) or a unit price (``override_price``, on the
    shop's price basis), not both. ``member_discount_bp`` comes from ``price_tier`` and is not
    the cashier's doing; an override replaces it too (the override is what the customer pays).
    Raises ``ValidationError`` naming the field for a value that cannot be right.
    """

    list_price: int
    qty: int  # thousandths of the part's unit, more than 0
    unit_cost: int
    tax_rate_bp: int
    prices_include_tax: bool = True
    member_discount_bp: int = 0
    discount_bp: int = 0
    override_price: int | None = None

    def __post_init__(self) -> None:
        _whole(self.list_price, field="list_price", label=N_("List price"))
        _whole(self.qty, field="qty", label=N_("Quantity"), minimum=1, maximum=QTY_MAX)
        _whole(self.unit_cost, field="unit_cost", label=N_("Cost"))
        _rate(self.tax_rate_bp, field="tax_rate_bp", label=N_("Tax rate"))
        _rate(self.member_discount_bp, field="member_discount_bp", label=N_("Member discount"))
        _rate(self.discount_bp, field="discount_bp", label=N_("Line discount"))
        if self.override_price is not None:
            _whole(self.override_price, field="override_price", label=N_("Price"))
            if self.discount_bp:
                raise ValidationError({"override_price": _("Give a line discount or a price, not both.")})

    @property
    def tier_price(self) -> int:
        """The unit price before the cashier did anything: list price less the member discount."""
        return round_minor(Decimal(self.list_price) * (BP_SCALE - self.member_discount_bp) / BP_SCALE)

    @property
    def unit_price(self) -> int:
        """The unit price charged: the override, or the list price less both discounts, rounded once."""
        if self.override_price is not None:
            return self.override_price
        factor = Decimal(BP_SCALE - self.member_discount_bp) * (BP_SCALE - self.discount_bp)
        return round_minor(Decimal(self.list_price) * factor / (BP_SCALE * BP_SCALE))

    @property
    def amount(self) -> int:
        """What the line costs the customer, on the shop's price basis: unit price x quantity."""
        return line_amount(self.unit_price, self.qty)

    @property
    def list_amount(self) -> int:
        return line_amount(self.list_price, self.qty)

    @property
    def discount_amount(self) -> int:
        """List amount less amount: everything given off (member and cashier); negative for an
        override above the list price."""
        return self.list_amount - self.amount

    @property
    def cashier_changed_price(self) -> bool:
        """True when the cashier gave a discount or typed a price other than the tier price:
        the acts that are audited and counted per cashier."""
        return self.discount_bp > 0 or (self.override_price is not None and self.override_price != self.tier_price)

    @property
    def _tax_divisor(self) -> int:
        """net = unit_price x BP_SCALE / divisor."""
        return BP_SCALE + self.tax_rate_bp if self.prices_include_tax else BP_SCALE

    @property
    def unit_price_net(self) -> int:
        """The unit price before tax, rounded (for showing; the floor compares exactly)."""
        return round_minor(Decimal(self.unit_price) * BP_SCALE / self._tax_divisor)

    @property
    def gross_profit_bp(self) -> int | None:
        exact_net = Decimal(self.unit_price) * BP_SCALE / self._tax_divisor
        return gross_profit_bp(exact_net, self.unit_cost)

    @property
    def below_cost(self) -> bool:
        """The net unit price is below the cost (exactly: price x 10000 < cost x divisor)."""
        return self.unit_price * BP_SCALE < self.unit_cost * self._tax_divisor

    def meets_floor(self, floor_bp: int) -> bool:
        """Gross profit is at least ``floor_bp``, compared exactly:
        net x (10000 - floor) >= cost x 10000, with net = price x 10000 / divisor."""
        return self.unit_price * (BP_SCALE - floor_bp) >= self.unit_cost * self._tax_divisor

    def lowest_price_at(self, floor_bp: int) -> int | None:
        """The lowest unit price (shop's price basis) whose gross profit reaches ``floor_bp``;
        None when no price does (a floor of 100 % on a part that costs something)."""
        if floor_bp >= BP_SCALE:
            return 0 if self.unit_cost == 0 else None
        needed = self.unit_cost * self._tax_divisor
        return -(-needed // (BP_SCALE - floor_bp))  # rounded up: the price must reach the floor

    def document_line(self) -> DocumentLine:
        return DocumentLine(amount=self.amount, rate_bp=self.tax_rate_bp)


# --- gross-profit floor --------------------------------------------------------------------------

@dataclass(frozen=True)
class FloorRules:
    """The lowest gross profit each role may sell at without a manager, in basis points.
    Roles not named (storekeeper, technician) get ``other_bp``."""

    cashier_bp: int = 1_500
    service_advisor_bp: int = 1_000
    manager_bp: int = 0
    admin_bp: int = 0
    other_bp: int = 1_500

    def __post_init__(self) -> None:
        for name in ("cashier_bp", "service_advisor_bp", "manager_bp", "admin_bp", "other_bp"):
            _rate(getattr(self, name), field=name, label=N_("Gross-profit floor"))

    def for_role(self, role: str) -> int:
        return {CASHIER: self.cashier_bp, SERVICE_ADVISOR: self.service_advisor_bp, MANAGER: self.manager_bp,
                ADMIN: self.admin_bp}.get(role, self.other_bp)


DEFAULT_FLOOR_RULES = FloorRules()


@dataclass(frozen=True)
class FloorDecision:
    allowed: bool  # the acting user may sell the line at this price on their own
    needs_manager: bool  # a manager's approval (with a reason) lets it through
    message: str  # empty when allowed
    lowest_price: int | None = None  # the lowest unit price the floor allows without a manager


def check_floor(line: CartLine, *, floor_bp: int, exponent: int = 2) -> FloorDecision:
    """Whether ``line`` may be sold at its price by a user whose role has ``floor_bp``.

    - A net price below the cost always needs a manager, whoever set it and however (a wrong
      list price is caught here before the customer sees the bill).
    - A discount or override by the cashier that leaves gross profit below ``floor_bp`` needs a
      manager. A line at its tier price (member discount included) is the shop's own price and
      passes the floor whatever its margin.
    A part whose cost is 0 (not known yet) always passes. Raises ``ValidationError`` for a floor
    outside 0-100 %.
    """
    _rate(floor_bp, field="floor_bp", label=N_("Gross-profit floor"))
    lowest = line.lowest_price_at(floor_bp)
    if line.below_cost:
        net = format_money(line.unit_price_net, exponent=exponent)
        shown = format_money(line.unit_price, exponent=exponent)
        if line.prices_include_tax and line.tax_rate_bp:
            shown = _("{price} ({net} before tax)").format(price=shown, net=net)
        return FloorDecision(False, True, _("The price {price} is below the cost {cost}: "
                                            "a manager must approve it.").format(
            price=shown, cost=format_money(line.unit_cost, exponent=exponent)), lowest)
    if line.cashier_changed_price and not line.meets_floor(floor_bp):
        gp = line.gross_profit_bp
        margin = format_bp(gp) if gp is not None else _("none")
        if lowest:
            message = _("Gross profit {margin} is below your floor of {floor}: a manager must approve this "
                        "price. The lowest price you may give is {lowest}.").format(
                margin=margin, floor=format_bp(floor_bp), lowest=format_money(lowest, exponent=exponent))
        else:
            message = _("Gross profit {margin} is below your floor of {floor}: a manager must approve this "
                        "price.").format(margin=margin, floor=format_bp(floor_bp))
        return FloorDecision(False, True, message, lowest)
    return FloorDecision(True, False, "", lowest)


# --- quotes --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuotePrice:
    price: int  # the unit price to charge unless the cashier chooses the other one
    quoted: int  # the price on the quote
    today: int  # the price the line would get today
    changed: bool  # today's price differs from the quote's
    expired: bool
    notice: str  # to show beside the line; empty when nothing needs saying


def quote_price(quoted_unit_price: int, today_unit_price: int, *, valid_until: date, today: date,
                exponent: int = 2) -> QuotePrice:
    """The price of a quoted line when the quote becomes a sale.

    Up to and including ``valid_until`` the quoted price holds; when today's price differs, both
    are returned and the notice asks the cashier to choose (the choice is audited by the service).
    From the day after, today's price applies and the notice says the quote expired, even when
    the price is the same.
    """
    quoted = _whole(quoted_unit_price, field="quoted_unit_price", label=N_("Quoted price"))
    current = _whole(today_unit_price, field="today_unit_price", label=N_("Today's price"))
    changed = quoted != current
    shown = {value: format_money(value, exponent=exponent) for value in (quoted, current)}
    if today > valid_until:
        if changed:
            notice = _("The quote expired on {day}: re-priced at today's {today} "
                       "(quoted {quoted}).").format(day=valid_until.isoformat(), today=shown[current],
                                                    quoted=shown[quoted])
        else:
            notice = _("The quote expired on {day}: today's price is the same, {today}.").format(
                day=valid_until.isoformat(), today=shown[current])
        return QuotePrice(current, quoted, current, changed, True, notice)
    notice = ""
    if changed:
        notice = _("Today's price is {today}; the quote holds {quoted} until "
                   "{day}. Choose the price to charge.").format(today=shown[current], quoted=shown[quoted],
                                                                day=valid_until.isoformat())
    return QuotePrice(quoted, quoted, current, changed, False, notice)


# --- core charges --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CoreLine:
    """The deposit line a part with a core charge brings; credited when the old core comes back."""

    unit_price: int
    qty: int
    amount: int
    tax_rate_bp: int  # 0 unless the shop taxes core deposits

    def document_line(self) -> DocumentLine:
        return DocumentLine(amount=self.amount, rate_bp=self.tax_rate_bp)


def core_line(core_charge: int, qty: int, *, taxable: bool = False, tax_rate_bp: int = 0) -> CoreLine | None:
    """The linked core line for ``qty`` thousandths of a part whose core charge is ``core_charge``
    per unit, or None when the part has no core charge. A core deposit carries no tax unless
    ``taxable`` (then at ``tax_rate_bp``, the part's rate)."""
    charge = _whole(core_charge, field="core_charge", label=N_("Core charge"))
    _whole(qty, field="qty", label=N_("Quantity"), minimum=1, maximum=QTY_MAX)
    rate = _rate(tax_rate_bp, field="tax_rate_bp", label=N_("Tax rate"))
    if charge == 0:
        return None
    return CoreLine(charge, qty, line_amount(charge, qty), rate if taxable else 0)


# --- returns -------------------------------------------------------------------------------------

def returnable_qty(sold_qty: int, already_returned_qty: int) -> int:
    """What may still be returned of a sold line: sold less already returned, never below 0."""
    sold = _whole(sold_qty, field="sold_qty", label=N_("Quantity sold"), maximum=QTY_MAX)
    returned = _whole(already_returned_qty, field="already_returned_qty", label=N_("Quantity returned"), maximum=QTY_MAX)
    return max(0, sold - returned)


def check_return(requested: int, sold: int, returned: int, *, unit: str = "") -> None:
    """Raise ``ValidationError`` (field ``qty``) unless ``requested`` thousandths may be returned
    of a line that sold ``sold`` and had ``returned`` taken back already, e.g.
    "At most 2 can be returned: 3 sold, 1 returned already."."""
    left = returnable_qty(sold, returned)
    asked = _whole(requested, field="qty", label=N_("Quantity to return"), maximum=QTY_MAX)
    if asked == 0:
        raise ValidationError({"qty": _("Quantity to return: more than 0.")})
    if asked <= left:
        return
    shown = {name: format_quantity(value, unit) for name, value in (("left", left), ("sold", sold),
                                                                     ("returned", returned))}
    if left == 0:
        raise ValidationError({"qty": _("Nothing is left to return: {sold} sold, "
                                        "{returned} returned already.").format(sold=shown["sold"],
                                                                               returned=shown["returned"])})
    if returned:
        raise ValidationError({"qty": _("At most {left} can be returned: {sold} sold, {returned} returned "
                                        "already.").format(left=shown["left"], sold=shown["sold"],
                                                           returned=shown["returned"])})
    raise ValidationError({"qty": _("At most {left} can be returned: {sold} sold.").format(left=shown["left"],
                                                                                         sold=shown["sold"])})


# --- short stock ---------------------------------------------------------------------------------

STOCK_POLICIES = ("allow", "manager", "refuse")


@dataclass(frozen=True)
class StockDecision:
    allowed: bool  # the asked quantity may be sold without anyone's approval
    needs_manager: bool  # a manager's approval lets the asked quantity through
    lost_sale_qty: int  # thousandths the stock could not cover (0 when it could)
    message: str  # empty when the stock covers the line


def stock_decision(available_qty: int, asked_qty: int, policy: str, *, unit: str = "") -> StockDecision:
    """What happens when a cashier asks for ``asked_qty`` and ``available_qty`` is in stock
    (both thousandths; available may already be negative).

    The shop's policy for selling into negative stock: ``allow`` (with a warning), ``manager``
    (a manager approves) or ``refuse`` (sell at most what is available). In every case the
    shortfall — what the asked quantity exceeds the stock by (all of it when there is none) — is
    returned as ``lost_sale_qty``, the demand the shelf could not meet.
    """
    if policy not in STOCK_POLICIES:
        raise ValidationError({"policy": _("Negative stock policy: one of {policies}.").format(
            policies=", ".join(STOCK_POLICIES))})
    if isinstance(available_qty, bool) or not isinstance(available_qty, int):
        raise ValidationError({"available_qty": _("Available quantity: a whole number of thousandths is needed.")})
    asked = _whole(asked_qty, field="qty", label=N_("Quantity"), minimum=1, maximum=QTY_MAX)
    on_hand = max(available_qty, 0)
    shortfall = max(0, asked - on_hand)
    if shortfall == 0:
        return StockDecision(True, False, 0, "")
    stock = (_("Only {qty} in stock").format(qty=format_quantity(on_hand, unit)) if on_hand
             else _("None in stock"))
    short = _("short by {qty}").format(qty=format_quantity(shortfall, unit))
    asked_text = format_quantity(asked, unit)
    if policy == "allow":
        return StockDecision(True, False, shortfall,
                             _("{stock}: selling {asked} takes the stock below zero ({short}).").format(
                                 stock=stock, asked=asked_text, short=short))
    if policy == "manager":
        return StockDecision(False, True, shortfall,
                             _("{stock}: selling {asked} needs a manager's approval ({short}).").format(
                                 stock=stock, asked=asked_text, short=short))
    most = (_("at most {qty} can be sold").format(qty=format_quantity(on_hand, unit)) if on_hand
            else _("it cannot be sold"))
    return StockDecision(False, False, shortfall, _("{stock}: {most} ({short}).").format(stock=stock, most=most,
                                                                                         short=short))
