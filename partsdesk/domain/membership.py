"""Membership rules that need no database: tiers, and what a tier list in the settings must be;
member card numbers with their check digit; points earned, and which points expire when.

A tier is reached by points *or* by prepaid (stored value) balance, as the shop's handbook has
it: "Silver from 1,000 points or 1,000.00 paid in advance". Tiers are kept in the settings as a
list, lowest first; a customer holds the highest tier whose points or prepaid threshold they reach.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import BP_SCALE, MONEY_MAX
from partsdesk.i18n import _


@dataclass(frozen=True)
class Tier:
    name: str
    min_points: int  # reached with at least this many points (0: not by points)
    min_prepaid: int  # or with at least this prepaid balance, minor units (0: not by prepaid)
    discount_bp: int = 0  # the tier's discount at the counter, basis points

    def reached(self, points: int, prepaid: int) -> bool:
        return (0 < self.min_points <= points) or (0 < self.min_prepaid <= prepaid)


DEFAULT_TIERS: tuple[dict[str, object], ...] = (
    {"name": "Silver", "min_points": 1_000, "min_prepaid": 100_000, "discount_bp": 200},
    {"name": "Gold", "min_points": 5_000, "min_prepaid": 500_000, "discount_bp": 500},
    {"name": "Platinum", "min_points": 20_000, "min_prepaid": 2_000_000, "discount_bp": 800},
)
_KEYS = {"name", "min_points", "min_prepaid", "discount_bp"}


def parse_tiers(value: object) -> tuple[Tier, ...]:
    """The tiers of a settings value (a list of {name, min_points, min_prepaid, discount_bp}),
    lowest first. Raises ``ValidationError`` saying which tier is wrong and why."""
    if not isinstance(value, list | tuple):
        raise ValidationError({"membership.tiers": _("Membership tiers: a list of tiers.")})
    tiers: list[Tier] = []
    for number, raw in enumerate(value, start=1):
        if not isinstance(raw, dict) or set(raw) - _KEYS or "name" not in raw:
            raise ValidationError({"membership.tiers": _("Membership tier {number}: needs a name, min_points, "
                                                         "min_prepaid and discount_bp, and nothing else.").format(
                number=number)})
        name = raw["name"]
        if not isinstance(name, str) or not name.strip() or len(name) > 40:
            raise ValidationError({"membership.tiers": _("Membership tier {number}: a name of 1 to 40 "
                                                         "characters.").format(number=number)})
        numbers = {key: raw.get(key, 0) for key in ("min_points", "min_prepaid", "discount_bp")}
        for key, amount in numbers.items():
            if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MONEY_MAX:
                raise ValidationError({"membership.tiers": _("Membership tier {number} ({name}): {key} must be a "
                                                             "whole number, 0 or more.").format(
                    number=number, name=name, key=key)})
        if numbers["discount_bp"] > BP_SCALE:
            raise ValidationError({"membership.tiers": _("Membership tier {number} ({name}): the discount is at "
                                                         "most 100 %.").format(number=number, name=name)})
        if not numbers["min_points"] and not numbers["min_prepaid"]:
            raise ValidationError({"membership.tiers": _("Membership tier {number} ({name}): set the points or the "
                                                         "prepaid amount that reaches it.").format(
                number=number, name=name)})
        tier = Tier(name.strip(), numbers["min_points"], numbers["min_prepaid"], numbers["discount_bp"])
        if any(t.name.casefold() == tier.name.casefold() for t in tiers):
            raise ValidationError({"membership.tiers": _("Membership tier {number}: the name {name} is used "
                                                         "twice.").format(number=number, name=tier.name)})
        if tiers and (tier.min_points and tier.min_points <= tiers[-1].min_points
                      or tier.min_prepaid and tier.min_prepaid <= tiers[-1].min_prepaid):
            raise ValidationError({"membership.tiers": _("Membership tier {number} ({name}): list tiers lowest "
                                                         "first; each needs more than {previous}.").format(
                number=number, name=tier.name, previous=tiers[-1].name)})
        tiers.append(tier)
    return tuple(tiers)


def tier_for(tiers: Sequence[Tier], points: int, prepaid: int) -> Tier | None:
    """The highest tier ``points`` or ``prepaid`` reaches, or None (not yet a tier)."""
    reached = [tier for tier in tiers if tier.reached(points, prepaid)]
    return reached[-1] if reached else None


# --- the next tier ----------------------------------------------------------------------------

@dataclass(frozen=True)
class NextTier:
    """The tier above the customer's, and what is still missing to reach it (0: not by that way)."""

    tier: Tier
    points_missing: int
    prepaid_missing: int


def next_tier(tiers: Sequence[Tier], points: int, prepaid: int) -> NextTier | None:
    """The lowest tier above the one ``points`` and ``prepaid`` reach, with the points and the
    prepaid balance still missing to reach it (each 0 when the tier is not reached that way);
    None when the customer holds the highest tier already."""
    current = tier_for(tiers, points, prepaid)
    above = list(tiers)[list(tiers).index(current) + 1:] if current is not None else list(tiers)
    for tier in above:
        if not tier.reached(points, prepaid):
            return NextTier(tier, max(0, tier.min_points - points) if tier.min_points else 0,
                            max(0, tier.min_prepaid - prepaid) if tier.min_prepaid else 0)
    return None


# --- member card numbers ----------------------------------------------------------------------

CARD_PREFIX = "M"
CARD_ID_DIGITS = 7  # M + 7 digits of the customer's record number + a check digit: 8 digits, even for Code 128 C
CARD_MAX_LENGTH = 30


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of ``digits`` (the one payment cards use: catches any single wrong
    digit and most swapped neighbours)."""
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise ValueError("Luhn needs digits")
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: the rightmost digit, then every second one
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str((10 - total % 10) % 10)


def member_card_number(customer_id: int) -> str:
    """The card number PartsDesk gives a customer: ``M``, the record number zero-padded to 7
    digits (longer past 9,999,999), its Luhn check digit. Unique because record numbers are."""
    if customer_id < 1:
        raise ValueError("a customer's record number is 1 or more")
    digits = str(customer_id).zfill(CARD_ID_DIGITS)
    return f"{CARD_PREFIX}{digits}{luhn_digit(digits)}"


def generated_card_owner(number: str) -> int | None:
    """The record number a PartsDesk-made card number was made for, or None when ``number`` is
    not one (a card from another system, or a mistyped digit)."""
    if not number.startswith(CARD_PREFIX):
        return None
    digits = number[len(CARD_PREFIX):]
    if len(digits) < CARD_ID_DIGITS + 1 or not (digits.isascii() and digits.isdigit()):
        return None
    body, check = digits[:-1], digits[-1]
    if luhn_digit(body) != check or int(body) < 1:
        return None
    return int(body)


def clean_card_number(value: object) -> str:
    """A member card number as typed or scanned: trimmed, upper case, letters and digits only,
    at most 30 characters (the rule of the customer profile's card field)."""
    text = str(value or "").strip().upper()
    if not text:
        raise ValidationError({"card_number": _("Type or scan the member card number, or leave it empty to have "
                                                "one made.")})
    if len(text) > CARD_MAX_LENGTH or not (text.isascii() and text.isalnum()):
        raise ValidationError({"card_number": _("A member card number has letters and digits only, at most "
                                                "{most}.").format(most=CARD_MAX_LENGTH)})
    return text


# --- points: earning and expiry ---------------------------------------------------------------

def points_for(amount_spent: int, *, points_per_unit: int, exponent: int = 2) -> int:
    """Points earned on ``amount_spent`` minor units: ``points_per_unit`` for each whole 1.00
    (10**exponent minor units), rounded down (a customer earns on what they actually paid)."""
    if amount_spent <= 0 or points_per_unit <= 0:
        return 0
    return amount_spent * points_per_unit // 10**exponent


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


EARN, REDEEM, EXPIRE, ADJUST = "earn", "redeem", "expire", "adjust"
POINTS_KINDS = (EARN, REDEEM, EXPIRE, ADJUST)


@dataclass(frozen=True)
class PointsRow:
    """One row of a points ledger, as the FIFO maths needs it. ``entry_id`` orders the ledger."""

    entry_id: int
    kind: str
    points: int
    expires_on: date | None = None


@dataclass(frozen=True)
class PointsLot:
    """What is left of one credit (an earn, or a positive adjustment) after everything that
    consumed points before now."""

    entry_id: int
    expires_on: date | None
    remaining: int


def open_lots(rows: Sequence[PointsRow]) -> list[PointsLot]:
    """Replay a points ledger, oldest row first, and return the credits with points left.

    The rules (first in, first out):
    - a row with positive points (an earn or a positive adjustment) is a lot that may expire on
      its ``expires_on`` (None: never);
    - a redemption or a negative adjustment consumes the oldest lots first, whether or not their
      date has passed (until the expiry run, lapsed points are still the customer's);
    - an ``expire`` row consumes, among the lots before it, those with the earliest expiry date
      first: exactly the lots that had lapsed when that run wrote it;
    - should more be consumed than the lots hold (a ledger imported from elsewhere), the shortfall
      is taken from the next lots credited.
    """
    lots: list[list] = []  # [entry_id, expires_on, remaining]
    debt = 0
    for row in sorted(rows, key=lambda r: r.entry_id):
        if row.points > 0:
            amount = row.points
            if debt:
                paid = min(debt, amount)
                debt -= paid
                amount -= paid
            lots.append([row.entry_id, row.expires_on, amount])
            continue
        wanted = -row.points
        if row.kind == EXPIRE:
            order = sorted((lot for lot in lots if lot[1] is not None and lot[2] > 0), key=lambda lot: (lot[1], lot[0]))
        else:
            order = [lot for lot in lots if lot[2] > 0]
        for lot in order:
            if not wanted:
                break
            taken = min(wanted, lot[2])
            lot[2] -= taken
            wanted -= taken
        debt += wanted
    return [PointsLot(entry_id, expires_on, remaining) for entry_id, expires_on, remaining in lots if remaining > 0]


def points_to_expire(rows: Sequence[PointsRow], as_of: date) -> int:
    """The points an expiry run on ``as_of`` takes: what is left of the lots whose expiry date
    is ``as_of`` or earlier. 0 once a run has taken them (running twice expires nothing more)."""
    return sum(lot.remaining for lot in open_lots(rows) if lot.expires_on is not None and lot.expires_on <= as_of)


def expiring_by_date(rows: Sequence[PointsRow], *, until: date) -> list[tuple[date, int]]:
    """(date, points) of the points that expire on or before ``until`` (lapsed ones not yet
    taken by a run included), earliest first, one line per date."""
    by_day: dict[date, int] = {}
    for lot in open_lots(rows):
        if lot.expires_on is not None and lot.expires_on <= until:
            by_day[lot.expires_on] = by_day.get(lot.expires_on, 0) + lot.remaining
    return sorted(by_day.items())
