"""Stock count rules on plain values: a count's difference, whether it is within its ABC class's
tolerance, and inventory record accuracy (plus and minus errors never net out).

Quantities in thousandths, values in minor units, tolerances in basis points of the book quantity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from partsdesk.domain.money import line_amount

CLASSES: tuple[str, ...] = ("A", "B", "C")
UNCLASSED = "C"  # a part without an ABC class is counted against class C's tolerance


def variance_value(difference: int, unit_cost: int) -> int:
    """``difference`` thousandths at ``unit_cost`` minor units per unit, rounded half away from zero."""
    return line_amount(unit_cost, difference)


def within_tolerance(counted: int, book: int, tolerance_bp: int) -> bool:
    """Whether ``counted`` is within ``tolerance_bp`` of ``book``. A book of zero (or below)
    allows no difference: a percentage of nothing is nothing."""
    if counted == book:
        return True
    if book <= 0:
        return False
    return abs(counted - book) * 10_000 <= tolerance_bp * book


@dataclass(frozen=True)
class ClassAccuracy:
    """Inventory record accuracy of one ABC class: the share of counted lines within tolerance;
    plus (found more than the book) and minus errors kept apart, by count and by value at cost."""

    abc_class: str
    lines: int
    within: int
    plus_lines: int
    plus_value: int
    minus_lines: int
    minus_value: int  # negative or 0

    @property
    def accuracy_bp(self) -> int:
        """Lines within tolerance per 10,000 lines counted (10,000 when nothing was counted)."""
        return 10_000 if not self.lines else self.within * 10_000 // self.lines

    @property
    def absolute_value(self) -> int:
        """Plus and minus errors added as they are, never netted: what the errors are worth."""
        return self.plus_value - self.minus_value


def accuracy_by_class(lines: Iterable[tuple[str, int, int, int]], tolerances: Mapping[str, int]
                      ) -> dict[str, ClassAccuracy]:
    """Accuracy per class from (class, counted, book, variance value) per counted part and location."""
    totals = {c: [0, 0, 0, 0, 0, 0] for c in CLASSES}
    for abc_class, counted, book, value in lines:
        row = totals.setdefault(abc_class, [0, 0, 0, 0, 0, 0])
        row[0] += 1
        if within_tolerance(counted, book, tolerances.get(abc_class, tolerances.get(UNCLASSED, 0))):
            row[1] += 1
        if counted > book:
            row[2] += 1
            row[3] += value
        elif counted < book:
            row[4] += 1
            row[5] += value
    return {c: ClassAccuracy(c, *row) for c, row in totals.items()}
