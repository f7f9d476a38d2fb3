"""Adjustment reasons, their direction and loss class, and the ABC rules on plain values."""

from __future__ import annotations

import pytest

from partsdesk.domain.adjustments import (
    ABNORMAL,
    NORMAL,
    REASONS,
    abc_class,
    check_reason_and_qty,
    class_bounds,
    classify,
    daily_quota,
    interval_days,
)


def test_the_handbooks_reasons_each_with_its_loss_class():
    assert set(REASONS) == {"damage", "theft_or_loss", "process_error", "found", "scrap", "supplier_short_ship",
                            "warranty_return"}
    assert REASONS["theft_or_loss"].loss_class == ABNORMAL
    assert REASONS["supplier_short_ship"].loss_class == ABNORMAL
    assert REASONS["damage"].loss_class == NORMAL and REASONS["scrap"].loss_class == NORMAL


@pytest.mark.parametrize(("reason", "qty", "field", "words"), [
    ("", -1000, "reason", "Choose a reason"),
    (None, -1000, "reason", "Choose a reason"),
    ("lost it", -1000, "reason", "not a reason"),
    ("found", -1000, "qty", "positive"),
    ("theft_or_loss", 1000, "qty", "negative"),
    ("damage", 2000, "qty", "negative"),
    ("scrap", 0, "qty", "other than zero"),
    ("found", 1.5, "qty", "whole number"),
    ("found", True, "qty", "whole number"),
])
def test_a_reason_is_mandatory_and_the_quantity_goes_its_way(reason, qty, field, words):
    problems = check_reason_and_qty(reason, qty)
    assert words in problems[field]


@pytest.mark.parametrize(("reason", "qty"), [("found", 1000), ("process_error", -500), ("process_error", 500),
                                             ("warranty_return", -1000), ("damage", -3000)])
def test_good_adjustments_have_no_problems(reason, qty):
    assert check_reason_and_qty(reason, qty) == {}


def test_class_bounds_never_pass_the_whole():
    assert class_bounds(8_000, 1_500) == (8_000, 9_500)
    assert class_bounds(9_000, 3_000) == (9_000, 10_000)
    assert class_bounds(12_000, 500) == (10_000, 10_000)


def test_the_part_that_crosses_the_line_is_still_in_the_class():
    bounds = (8_000, 9_500)
    assert abc_class(0, 1000, bounds) == "A"
    assert abc_class(799, 1000, bounds) == "A"
    assert abc_class(800, 1000, bounds) == "B"
    assert abc_class(949, 1000, bounds) == "B"
    assert abc_class(950, 1000, bounds) == "C"
    assert abc_class(0, 0, bounds) == "C"


def test_classify_ranks_by_value_with_80_15_5():
    values = {1: 7_000, 2: 1_000, 3: 1_000, 4: 500, 5: 300, 6: 200, 7: 0, 8: -50}
    assert classify(values, 8_000, 1_500) == {1: "A", 2: "A", 3: "B", 4: "B", 5: "C", 6: "C", 7: "C", 8: "C"}
    # A alone makes 70 %, past 50 % + 20 %: B is empty, the rest C
    assert classify(values, 5_000, 2_000) == {1: "A", 2: "C", 3: "C", 4: "C", 5: "C", 6: "C", 7: "C", 8: "C"}
    assert classify(values, 5_000, 2_500) == {1: "A", 2: "B", 3: "C", 4: "C", 5: "C", 6: "C", 7: "C", 8: "C"}


def test_count_intervals_and_fair_daily_shares():
    assert (interval_days(12), interval_days(4), interval_days(1)) == (30, 91, 365)
    assert daily_quota(365, 1) == 1
    assert daily_quota(366, 1) == 2  # rounded up: nobody falls behind
    assert daily_quota(100, 12) == 4
    assert daily_quota(0, 12) == 0
