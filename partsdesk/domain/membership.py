"""Membership rules that need no database: tiers, and what a tier list in the settings must be.

A tier is reached by points *or* by prepaid (stored value) balance, as the shop's handbook has
it: "Silver from 1,000 points or 1,000.00 paid in advance". Tiers are kept in the settings as a
list, lowest first; a customer holds the highest tier whose points or prepaid threshold they reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import BP_SCALE, MONEY_MAX


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
        raise ValidationError({"membership.tiers": "Membership tiers: a list of tiers."})
    tiers: list[Tier] = []
    for number, raw in enumerate(value, start=1):
        where = f"Membership tier {number}"
        if not isinstance(raw, dict) or set(raw) - _KEYS or "name" not in raw:
            raise ValidationError({"membership.tiers": f"{where}: needs a name, min_points, min_prepaid "
                                                       "and discount_bp, and nothing else."})
        name = raw["name"]
        if not isinstance(name, str) or not name.strip() or len(name) > 40:
            raise ValidationError({"membership.tiers": f"{where}: a name of 1 to 40 characters."})
        numbers = {key: raw.get(key, 0) for key in ("min_points", "min_prepaid", "discount_bp")}
        for key, amount in numbers.items():
            if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MONEY_MAX:
                raise ValidationError({"membership.tiers": f"{where} ({name}): {key} must be a whole number, 0 or more."})
        if numbers["discount_bp"] > BP_SCALE:
            raise ValidationError({"membership.tiers": f"{where} ({name}): the discount is at most 100 %."})
        if not numbers["min_points"] and not numbers["min_prepaid"]:
            raise ValidationError({"membership.tiers": f"{where} ({name}): set the points or the prepaid amount "
                                                       "that reaches it."})
        tier = Tier(name.strip(), numbers["min_points"], numbers["min_prepaid"], numbers["discount_bp"])
        if any(t.name.casefold() == tier.name.casefold() for t in tiers):
            raise ValidationError({"membership.tiers": f"{where}: the name {tier.name} is used twice."})
        if tiers and (tier.min_points and tier.min_points <= tiers[-1].min_points
                      or tier.min_prepaid and tier.min_prepaid <= tiers[-1].min_prepaid):
            raise ValidationError({"membership.tiers": f"{where} ({tier.name}): list tiers lowest first; each needs "
                                                       f"more than {tiers[-1].name}."})
        tiers.append(tier)
    return tuple(tiers)


def tier_for(tiers: Sequence[Tier], points: int, prepaid: int) -> Tier | None:
    """The highest tier ``points`` or ``prepaid`` reaches, or None (not yet a tier)."""
    reached = [tier for tier in tiers if tier.reached(points, prepaid)]
    return reached[-1] if reached else None
