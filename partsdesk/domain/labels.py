"""Label layouts: where each label sits on the paper, as plain numbers in millimetres.

A layout is an A4 sheet of die-cut labels (columns x rows of one size, with the sheet's own
margins and gaps between labels) or a roll of labels, where each label is a page of its own
size. The sheets are the common stock (70 x 37 mm 3 x 8, 70 x 29.7 mm 3 x 10, 48.5 x 25.4 mm
4 x 11); a custom sheet takes the grid and its margins (the label size follows from them), a
custom roll its label size. ``start`` skips the labels already peeled off a part-used sheet.

Also here: reading the command line's ``NUMBER[:QTY][,...]`` into (number, quantity) pairs.
Pure: no database, no reportlab.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from partsdesk.domain.errors import ValidationError
from partsdesk.i18n import N_, _

A4_MM = (210.0, 297.0)
# the smallest label that holds the text lines and a barcode scanners read (an EAN-13 with its
# quiet zones at 0.2 mm a bar is 23 mm wide; the bars at least 6 mm high)
MIN_LABEL_MM = (30.0, 20.0)
MAX_ROLL_MM = 200.0  # a label printer's widest and longest label
LABELS_MAX = 20_000  # one print job: 830 sheets of 3 x 8 is more than anybody means
PART_ENTRY = re.compile(r"^\s*(?P<number>[^:@]+?)\s*(?:@\s*(?P<brand>[^:]+?)\s*)?(?::\s*(?P<qty>[^:]*?)\s*)?$")


@dataclass(frozen=True)
class LabelLayout:
    """One way of putting labels on paper. All lengths in mm, from the page's top-left corner."""

    name: str
    description: str
    page_width: float
    page_height: float
    columns: int
    rows: int
    label_width: float
    label_height: float
    margin_left: float = 0.0
    margin_top: float = 0.0
    gap_x: float = 0.0  # between two labels side by side
    gap_y: float = 0.0  # between two labels one above the other
    roll: bool = False

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def margin_right(self) -> float:
        return self.page_width - self.margin_left - self.columns * self.label_width - (self.columns - 1) * self.gap_x

    @property
    def margin_bottom(self) -> float:
        return self.page_height - self.margin_top - self.rows * self.label_height - (self.rows - 1) * self.gap_y

    def position(self, slot: int) -> tuple[int, float, float]:
        """Where the ``slot``-th label (0 = the sheet's first, counting along rows) goes:
        (page index, left edge, top edge), edges in mm from the page's top-left corner."""
        page, index = divmod(slot, self.per_page)
        row, column = divmod(index, self.columns)
        return (page, self.margin_left + column * (self.label_width + self.gap_x),
                self.margin_top + row * (self.label_height + self.gap_y))

    def pages_for(self, labels: int, *, start: int = 1) -> int:
        """How many pages ``labels`` labels take when the first goes into position ``start``."""
        return 0 if labels <= 0 else (start - 1 + labels - 1) // self.per_page + 1

    def check(self) -> None:
        """ValidationError when the labels are too small for a barcode or do not fit the page."""
        problems: dict[str, str] = {}
        min_w, min_h = MIN_LABEL_MM
        if self.columns < 1 or self.rows < 1:
            problems["grid"] = _("A sheet has at least one column and one row of labels.")
        elif self.label_width < min_w or self.label_height < min_h:
            problems["size"] = _(
                "A label of {width} x {height} mm is too small for a barcode a "
                "scanner reads and the part's details: labels need at least {min_width} x {min_height} mm. "
                "Choose fewer columns or rows, or smaller margins.").format(
                width=_mm(self.label_width), height=_mm(self.label_height), min_width=_mm(min_w),
                min_height=_mm(min_h))
        if min(self.margin_left, self.margin_top, self.gap_x, self.gap_y) < 0:
            problems["margins"] = _("Margins and gaps cannot be negative.")
        elif self.margin_right < -0.01 or self.margin_bottom < -0.01:
            problems["margins"] = _(
                "The labels do not fit the {page_width} x {page_height} mm page: "
                "{columns} x {rows} labels of {width} x {height} mm "
                "with these margins and gaps run over its edge. Make the margins or gaps smaller.").format(
                page_width=_mm(self.page_width), page_height=_mm(self.page_height), columns=self.columns,
                rows=self.rows, width=_mm(self.label_width), height=_mm(self.label_height))
        if problems:
            raise ValidationError(problems)

    def check_start(self, start: int) -> None:
        """ValidationError unless ``start`` (1 = the top-left label) is a position on the sheet."""
        if self.roll:
            if start != 1:
                raise ValidationError({"start": _("A roll has no part-used sheet: labels always start at 1.")})
        elif not 1 <= start <= self.per_page:
            raise ValidationError({"start": _(
                "Start position {start} is not on a {columns} x {rows} sheet: give 1 (the top-left "
                "label) to {last} (the bottom-right one), counting along the rows.").format(
                start=start, columns=self.columns, rows=self.rows, last=self.per_page)})

    def describe(self) -> str:
        if self.roll:
            return _("{name:<12} roll of {width} x {height} mm labels, one a page").format(
                name=self.name, width=_mm(self.label_width), height=_mm(self.label_height))
        return _("{name:<12} A4 sheet of {count} labels ({columns} x {rows}) of "
                 "{width} x {height} mm; margins top {top}, "
                 "left {left} mm; gaps {gap_x} / {gap_y} mm").format(
            name=self.name, count=self.per_page, columns=self.columns, rows=self.rows, width=_mm(self.label_width),
            height=_mm(self.label_height), top=_mm(self.margin_top), left=_mm(self.margin_left),
            gap_x=_mm(self.gap_x), gap_y=_mm(self.gap_y))


def _mm(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _sheet(name: str, description: str, columns: int, rows: int, width: float, height: float, *,
           left: float, top: float, gap_x: float = 0.0, gap_y: float = 0.0) -> LabelLayout:
    return LabelLayout(name=name, description=description, page_width=A4_MM[0], page_height=A4_MM[1],
                       columns=columns, rows=rows, label_width=width, label_height=height, margin_left=left,
                       margin_top=top, gap_x=gap_x, gap_y=gap_y)


def roll_layout(width: float, height: float, *, name: str = "roll-custom",
                description: str = "custom roll label") -> LabelLayout:
    """A roll of ``width`` x ``height`` mm labels, each printed as a page of that size."""
    return LabelLayout(name=name, description=description, page_width=width, page_height=height, columns=1,
                       rows=1, label_width=width, label_height=height, roll=True)


LAYOUTS: dict[str, LabelLayout] = {layout.name: layout for layout in (
    # 3 x 70 mm fill the width; 8 x 37 mm leave 0.5 mm top and bottom
    _sheet("a4-3x8", "24 labels 70 x 37 mm", 3, 8, 70.0, 37.0, left=0.0, top=0.5),
    # 10 x 29.7 mm fill the height exactly
    _sheet("a4-3x10", "30 labels 70 x 29.7 mm", 3, 10, 70.0, 29.7, left=0.0, top=0.0),
    # 4 x 48.5 = 194 mm (8 mm each side), 11 x 25.4 = 279.4 mm (8.8 mm top and bottom)
    _sheet("a4-4x11", "44 labels 48.5 x 25.4 mm", 4, 11, 48.5, 25.4, left=8.0, top=8.8),
    roll_layout(50.0, 30.0, name="roll-50x30", description="roll labels 50 x 30 mm"),
    roll_layout(40.0, 25.0, name="roll-40x25", description="roll labels 40 x 25 mm"),
)}
CUSTOM_SHEET, CUSTOM_ROLL = "a4-custom", "roll-custom"
CUSTOM_LAYOUTS = {CUSTOM_SHEET: N_("A4 sheet: your grid (--grid COLSxROWS) and margins (--margins TOP,RIGHT,BOTTOM,"
                                   "LEFT [--gaps ACROSS,DOWN]); the label size follows"),
                  CUSTOM_ROLL: N_("roll labels of your size (--size WIDTHxHEIGHT in mm)")}


def custom_sheet(columns: int, rows: int, *, top: float, right: float, bottom: float, left: float,
                 gap_x: float = 0.0, gap_y: float = 0.0) -> LabelLayout:
    """An A4 sheet of ``columns`` x ``rows`` labels within the given margins (mm); the labels
    share what is left after the margins and gaps. ValidationError when nothing sensible is left."""
    if columns < 1 or rows < 1:
        raise ValidationError({"grid": _("A sheet has at least one column and one row of labels.")})
    if min(top, right, bottom, left, gap_x, gap_y) < 0:
        raise ValidationError({"margins": _("Margins and gaps cannot be negative.")})
    width = (A4_MM[0] - left - right - (columns - 1) * gap_x) / columns
    height = (A4_MM[1] - top - bottom - (rows - 1) * gap_y) / rows
    if width <= 0 or height <= 0:
        raise ValidationError({"margins": _(
            "The margins and gaps leave no room for {columns} x {rows} labels on a 210 x 297 mm page: make them "
            "smaller.").format(columns=columns, rows=rows)})
    layout = _sheet(CUSTOM_SHEET, f"custom sheet {columns} x {rows}", columns, rows, width,
                    height, left=left, top=top, gap_x=gap_x, gap_y=gap_y)
    layout.check()
    return layout


def custom_roll(width: float, height: float) -> LabelLayout:
    if not (0 < width <= MAX_ROLL_MM and 0 < height <= MAX_ROLL_MM):
        raise ValidationError({"size": _("A roll label is at most {most} mm on a side (and more than 0).").format(
            most=_mm(MAX_ROLL_MM))})
    layout = roll_layout(width, height)
    layout.check()
    return layout


def layout_named(name: str) -> LabelLayout:
    """One of ``LAYOUTS`` by name (case and spaces ignored); ValidationError naming the known ones."""
    key = name.strip().lower().replace(" ", "")
    if key in LAYOUTS:
        return LAYOUTS[key]
    if key in CUSTOM_LAYOUTS:
        raise ValidationError({"layout": _("The layout {layout} needs its measurements: {measurements}.").format(
            layout=key, measurements=_(CUSTOM_LAYOUTS[key]))})
    raise ValidationError({"layout": _(
        "There is no label layout called {name!r}. Choose one of {layouts}.").format(
        name=name.strip(), layouts=", ".join([*LAYOUTS, *CUSTOM_LAYOUTS]))})


# what parse_numbers reads, as its messages name it
_MEASUREMENTS = {"grid": N_("Grid"), "margins": N_("Margins"), "gaps": N_("Gaps"), "size": N_("Size")}


def parse_numbers(text: str, what: str, count: int) -> list[float]:
    """``count`` millimetre values from "8,8,8,8" (commas, "x" or spaces between them)."""
    parts = [p for p in re.split(r"[,x×\s]+", text.strip().lower()) if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != count:
        raise ValidationError({what: _("{what} {text!r} should be {count} numbers in mm.").format(
            what=_(_MEASUREMENTS[what]) if what in _MEASUREMENTS else what.capitalize(), text=text.strip(),
            count=count)})
    return values


def parse_part_quantities(text: str) -> list[tuple[str, str, int]]:
    """``NUMBER[@BRAND][:QTY][,...]`` as (number, brand or "", labels); QTY is 1 when left out.

    ValidationError when an entry is empty or its quantity is not a whole number from 1 to
    ``LABELS_MAX`` (all the bad entries named at once)."""
    entries: list[tuple[str, str, int]] = []
    bad: list[str] = []
    for raw in text.split(","):
        match = PART_ENTRY.match(raw)
        if not raw.strip():
            continue
        if match is None:
            bad.append(_("{entry!r} is not NUMBER[:QTY]").format(entry=raw.strip()))
            continue
        qty_text = match.group("qty")
        try:
            qty = 1 if qty_text is None else int(qty_text)
        except ValueError:
            bad.append(_("the quantity {qty!r} of {number} is not a whole number").format(
                qty=qty_text, number=match.group("number")))
            continue
        if not 1 <= qty <= LABELS_MAX:
            bad.append(_("{number} asks for {qty} labels (give 1 to {most:,})").format(
                number=match.group("number"), qty=qty, most=LABELS_MAX))
            continue
        entries.append((match.group("number"), match.group("brand") or "", qty))
    if bad:
        raise ValidationError({"parts": _("Cannot read the parts: {problems}.").format(problems="; ".join(bad))})
    if not entries:
        raise ValidationError({"parts": _("No parts given: write them as NUMBER[:QTY], separated by commas.")})
    check_total(sum(qty for _number, _brand, qty in entries))
    return entries


def check_total(labels: int) -> None:
    if labels > LABELS_MAX:
        raise ValidationError({"parts": _("{labels:,} labels is more than one job prints (at most {most:,}).").format(
            labels=labels, most=LABELS_MAX)})
