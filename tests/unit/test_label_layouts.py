"""Label layouts as geometry: the sheets match the stock sold, positions, start, validation, and
reading the command line's part list."""

from __future__ import annotations

import pytest

from partsdesk.domain import labels
from partsdesk.domain.errors import ValidationError
from partsdesk.domain.labels import LAYOUTS, LabelLayout


@pytest.mark.parametrize(("name", "grid", "size"), [
    ("a4-3x8", (3, 8), (70.0, 37.0)), ("a4-3x10", (3, 10), (70.0, 29.7)), ("a4-4x11", (4, 11), (48.5, 25.4))])
def test_the_sheets_are_the_common_a4_stock(name, grid, size):
    layout = LAYOUTS[name]
    assert (layout.page_width, layout.page_height) == (210.0, 297.0) and not layout.roll
    assert (layout.columns, layout.rows) == grid and (layout.label_width, layout.label_height) == size
    # the grid is centred on the page: what is left over is split evenly
    assert layout.margin_right == pytest.approx(layout.margin_left)
    assert layout.margin_bottom == pytest.approx(layout.margin_top)
    layout.check()


def test_positions_run_along_the_rows_and_on_to_the_next_sheet():
    layout = LAYOUTS["a4-4x11"]
    assert layout.position(0) == (0, 8.0, 8.8)
    assert layout.position(1) == (0, 56.5, 8.8)
    assert layout.position(4) == (0, 8.0, pytest.approx(34.2))
    assert layout.position(43) == (0, pytest.approx(153.5), pytest.approx(262.8))
    assert layout.position(44) == (1, 8.0, 8.8)
    assert layout.pages_for(44) == 1 and layout.pages_for(45) == 2 and layout.pages_for(3, start=43) == 2


def test_a_roll_label_is_a_page_of_its_own_size():
    layout = LAYOUTS["roll-40x25"]
    assert (layout.page_width, layout.page_height, layout.per_page) == (40.0, 25.0, 1)
    assert layout.position(5) == (5, 0.0, 0.0) and layout.pages_for(6) == 6
    assert (LAYOUTS["roll-50x30"].label_width, LAYOUTS["roll-50x30"].label_height) == (50.0, 30.0)
    with pytest.raises(ValidationError, match="A roll has no part-used sheet"):
        layout.check_start(2)


def test_start_must_be_a_position_on_the_sheet():
    layout = LAYOUTS["a4-3x8"]
    layout.check_start(1)
    layout.check_start(24)
    for bad in (0, 25, -1):
        with pytest.raises(ValidationError, match=f"Start position {bad} is not on a 3 x 8 sheet: give 1 .* to 24"):
            layout.check_start(bad)


def test_a_custom_sheet_shares_the_room_inside_its_margins():
    layout = labels.custom_sheet(2, 7, top=10, right=5, bottom=10, left=5, gap_x=4, gap_y=2)
    assert layout.label_width == pytest.approx((210 - 10 - 4) / 2)
    assert layout.label_height == pytest.approx((297 - 20 - 12) / 7)
    assert layout.margin_right == pytest.approx(5) and layout.margin_bottom == pytest.approx(10)


def test_custom_margins_that_do_not_fit_are_refused_with_a_reason():
    with pytest.raises(ValidationError, match="leave no room for 3 x 8 labels"):
        labels.custom_sheet(3, 8, top=150, right=0, bottom=150, left=0)
    with pytest.raises(ValidationError, match=r"too small for a barcode.*at least 30 x 20 mm"):
        labels.custom_sheet(3, 8, top=100, right=5, bottom=100, left=5)
    with pytest.raises(ValidationError, match="cannot be negative"):
        labels.custom_sheet(3, 8, top=-1, right=5, bottom=5, left=5)
    with pytest.raises(ValidationError, match="at least one column"):
        labels.custom_sheet(0, 8, top=5, right=5, bottom=5, left=5)
    with pytest.raises(ValidationError, match="too small for a barcode"):
        labels.custom_roll(25, 15)
    with pytest.raises(ValidationError, match="at most 200 mm"):
        labels.custom_roll(300, 40)
    overflowing = LabelLayout(name="x", description="", page_width=210, page_height=297, columns=3, rows=8,
                              label_width=70, label_height=37, margin_left=5, margin_top=0.5)
    with pytest.raises(ValidationError, match="do not fit the 210 x 297 mm page"):
        overflowing.check()


def test_layouts_are_found_by_name_and_unknown_ones_listed():
    assert labels.layout_named(" A4-3x8 ") is LAYOUTS["a4-3x8"]
    with pytest.raises(ValidationError, match="no label layout called 'a4-9x9'. Choose one of a4-3x8, a4-3x10"):
        labels.layout_named("a4-9x9")
    with pytest.raises(ValidationError, match="a4-custom needs its measurements"):
        labels.layout_named("a4-custom")


def test_the_part_list_reads_numbers_brands_and_quantities():
    assert labels.parse_part_quantities("0 986 494 104:3, W712/75@MANN-FILTER:2,CA-2") == [
        ("0 986 494 104", "", 3), ("W712/75", "MANN-FILTER", 2), ("CA-2", "", 1)]
    with pytest.raises(ValidationError) as refused:
        labels.parse_part_quantities("A:0,B:-2,C:two")
    assert str(refused.value) == ("Cannot read the parts: A asks for 0 labels (give 1 to 20,000); B asks for -2 "
                                  "labels (give 1 to 20,000); the quantity 'two' of C is not a whole number.")
    with pytest.raises(ValidationError, match="No parts given"):
        labels.parse_part_quantities(" , ")
    with pytest.raises(ValidationError, match="more than one job prints"):
        labels.parse_part_quantities("A:15000,B:15000")
    assert labels.parse_numbers("8, 7.5 ,8,8", "margins", 4) == [8.0, 7.5, 8.0, 8.0]
    with pytest.raises(ValidationError, match="Margins '8,8' should be 4 numbers in mm"):
        labels.parse_numbers("8,8", "margins", 4)
