"""Moving-average cost, pack rounding and the reorder explanation, on fixed numbers."""

from __future__ import annotations

import pytest

from partsdesk.domain.stock import moving_average_cost, packs_needed, reorder_quantity


def test_moving_average_weighs_stock_on_hand_and_the_receipt():
    # 10 on hand at 6.00, 5 received at 7.50: (10 × 600 + 5 × 750) / 15 = 650
    assert moving_average_cost(10_000, 600, 5_000, 750) == 650
    # 3 at 1.00 and 1 at 2.00: 5.00 / 4 = 1.25
    assert moving_average_cost(3_000, 100, 1_000, 200) == 125


def test_moving_average_rounds_to_a_minor_unit_halves_up():
    # (1 × 100 + 2 × 101) / 3 = 100.67 → 101; (1 × 100 + 1 × 101) / 2 = 100.5 → 101
    assert moving_average_cost(1_000, 100, 2_000, 101) == 101
    assert moving_average_cost(1_000, 100, 1_000, 101) == 101
    # (2 × 100 + 1 × 101) / 3 = 100.33 → 100
    assert moving_average_cost(2_000, 100, 1_000, 101) == 100
    # fractions of a unit: 0.5 L at 8.00 and 1.5 L at 10.00 → 9.50
    assert moving_average_cost(500, 800, 1_500, 1_000) == 950


def test_on_hand_zero_or_below_takes_the_receipts_cost():
    assert moving_average_cost(0, 600, 5_000, 750) == 750
    # 4 sold past zero at the old cost; the 10 received are what the shelf holds
    assert moving_average_cost(-4_000, 600, 10_000, 750) == 750
    # a receipt that only covers the hole: still the receipt's cost, never negative or a division by zero
    assert moving_average_cost(-5_000, 600, 5_000, 750) == 750


def test_nothing_received_keeps_the_cost():
    assert moving_average_cost(10_000, 600, 0, 999) == 600


def test_packs_round_up():
    assert packs_needed(14_000, 8_000) == 2
    assert packs_needed(16_000, 8_000) == 2
    assert packs_needed(16_001, 8_000) == 3
    assert packs_needed(0, 8_000) == 0
    assert packs_needed(-3_000, 8_000) == 0
    with pytest.raises(ValueError):
        packs_needed(1_000, 0)


def test_reorder_explains_max_minus_projected_in_packs():
    qty = reorder_quantity(min_qty=8_000, max_qty=20_000, projected=6_000, pack=8_000)
    assert (qty.need, qty.packs, qty.qty) == (14_000, 2, 16_000)
    assert qty.explanation == "max 20 − projected 6 = 14 → 2 packs of 8"
    one = reorder_quantity(min_qty=5_000, max_qty=12_000, projected=4_000, pack=10_000)
    assert one.qty == 10_000 and one.explanation == "max 12 − projected 4 = 8 → 1 pack of 10"


def test_reorder_of_single_units_and_negative_projection():
    qty = reorder_quantity(min_qty=2_000, max_qty=10_000, projected=-3_000)
    assert qty.qty == 13_000 and qty.explanation == "max 10 − projected -3 = 13 → order 13"
    litres = reorder_quantity(min_qty=5_000, max_qty=20_000, projected=2_500, unit="L")
    # a pack of one unit: whole units only
    assert litres.qty == 18_000 and litres.explanation == "max 20 L − projected 2.5 L = 17.5 L → order 18 L"


def test_no_reorder_at_or_above_the_minimum_or_without_a_maximum():
    assert reorder_quantity(min_qty=8_000, max_qty=20_000, projected=8_000, pack=8_000) is None
    assert reorder_quantity(min_qty=8_000, max_qty=20_000, projected=30_000) is None
    assert reorder_quantity(min_qty=0, max_qty=0, projected=-1_000) is None
    assert reorder_quantity(min_qty=10_000, max_qty=5_000, projected=6_000) is None  # minimum above the maximum
