"""Shelf labels: ``services.labels.PartLabel`` rows drawn onto a ``domain.labels.LabelLayout``.

Each label holds, top down: the part's English name (bold), its Chinese name when it has one,
number and brand, bin and retail price, and the barcode with its digits: EAN-13 (or EAN-8) for
a GTIN, Code 128 for a shop code or a part number. Text is shrunk to fit the label's width and
cut with "…" only past the smallest readable size: nothing ever runs over a label's edge. The
bars keep their quiet zones and are at least ``MIN_MODULE`` wide, so a scanner (and zbarimg on
a 300 dpi rendering) reads every one; a code too long for that on the layout is refused with
a message, not printed unreadable.

Labels are drawn straight onto the canvas (no flowables): 1,000 labels print in well under a
second.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.graphics.barcode import code128, eanbc
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from partsdesk.domain.errors import UserError
from partsdesk.domain.labels import LabelLayout
from partsdesk.i18n import _
from partsdesk.printing import base
from partsdesk.printing.base import BASE_FONT, BOLD_FONT, money
from partsdesk.services.labels import EAN8, EAN13, PartLabel

MIN_MODULE = 0.2 * mm  # the narrowest bar: 2.4 pixels at 300 dpi, within every counter scanner's reach
MAX_MODULE = 0.33 * mm  # EAN-13 at 100 % magnification; wider bars only waste the label
EAN_QUIET = {EAN13: (11, 7), EAN8: (7, 7)}  # quiet zones in modules, left and right (GS1)
EAN_MODULES = {EAN13: 95, EAN8: 67}
CODE128_QUIET = 10  # modules each side
MIN_FONT = 4.5  # points: smaller is no longer read at arm's length
LEADING = 1.18
ELLIPSIS = "…"
OUTLINE = colors.HexColor("#B0B7C3")


# --- text: Latin in Helvetica, runs of Chinese in the CJK font -------------------------------------

def _runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` split into (piece, font name): CJK runs in the Chinese font, the rest in ``font``."""
    runs = []
    for index, piece in enumerate(base._CJK.split(text)):
        if piece:
            runs.append((piece, base.CJK_FONT if index % 2 else font))
    return runs


def _width(runs: Sequence[tuple[str, str]], size: float) -> float:
    return sum(stringWidth(piece, font, size) for piece, font in runs)


def _cut(text: str, font: str, size: float, width: float) -> list[tuple[str, str]]:
    """The longest start of ``text`` that fits ``width`` with "…" after it."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _width(_runs(text[:middle].rstrip() + ELLIPSIS, font), size) <= width:
            low = middle
        else:
            high = middle - 1
    return _runs(text[:low].rstrip() + ELLIPSIS, font)


def fit_text(text: str, font: str, size: float, width: float) -> tuple[list[tuple[str, str]], float]:
    """``text`` as runs at the largest size up to ``size`` (not under 65 % of it or ``MIN_FONT``)
    that fits ``width`` points; past that, cut with "…". Returns (runs, size)."""
    runs = _runs(text, font)
    full = _width(runs, size)
    if full <= width:
        return runs, size
    smallest = max(MIN_FONT, size * 0.65) if size > MIN_FONT else size
    shrunk = size * width / full
    if shrunk >= smallest:
        return runs, shrunk
    return _cut(text, font, smallest, width), smallest


def _break(text: str, font: str, size: float, width: float) -> tuple[str, str]:
    """``text`` split where its first line fits ``width``: after a word when one fits, else
    after as many characters as fit (Chinese has no spaces)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _width(_runs(text[:middle], font), size) <= width:
            low = middle
        else:
            high = middle - 1
    end = low
    space = text.rfind(" ", 0, end + 1)
    if space > 0 and end < len(text):
        end = space
    return text[:end].rstrip(), text[end:].lstrip()


def _draw_runs(canvas: Canvas, x: float, y: float, runs: Sequence[tuple[str, str]], size: float, *,
               align: str = "left") -> None:
    if align == "right":
        x -= _width(runs, size)
    elif align == "centre":
        x -= _width(runs, size) / 2
    for piece, font in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, piece)
        x += stringWidth(piece, font, size)


# --- barcodes --------------------------------------------------------------------------------

def _module(label: PartLabel, modules: int, width: float, layout: LabelLayout) -> float:
    module = min(MAX_MODULE, width / modules)
    if module < MIN_MODULE:
        raise UserError(
            _("The barcode {code} of part {number} is too long to print readably on a {width:g} mm wide label "
              "({layout}): choose a layout with wider labels, or give the part a shorter shop code. No labels were "
              "printed.").format(code=label.code, number=label.number, width=layout.label_width, layout=layout.name))
    return module


def _ean_bars(label: PartLabel) -> tuple[str, str, str]:
    """(digits with check digit, modules as "1"/"0", guards as "g"/" " per module) of an EAN-13
    or EAN-8, encoded with reportlab's own tables (its widget builds a shape per bar, which costs
    milliseconds a label)."""
    widget = (eanbc.Ean13BarcodeWidget if label.symbology == EAN13 else eanbc.Ean8BarcodeWidget)(label.code[:-1])
    digits = widget.value + widget._checkdigit(widget.value)
    data: list[str] = []
    widget._encode_left(digits, data.append)
    right = [widget._right[ord(c) - 48] for c in digits[widget._start_right:]]
    modules = "".join([widget._tail, *data, widget._sep, *right, widget._tail])
    guards = "".join(["g" * len(widget._tail), " " * len("".join(data)), "g" * len(widget._sep),
                      " " * len("".join(right)), "g" * len(widget._tail)])
    return digits, modules, guards


def _draw_ean(canvas: Canvas, label: PartLabel, *, centre_x: float, y: float, width: float, bars: float,
              digits: float, layout: LabelLayout) -> None:
    """An EAN-13 / EAN-8 with its digits under the bars (the guard bars run down between them)."""
    left, right = EAN_QUIET[label.symbology]
    module = _module(label, EAN_MODULES[label.symbology] + left + right, width, layout)
    text, modules, guards = _ean_bars(label)
    font_size = min(digits, module * 7.5 / 0.6)  # a digit no wider than its 7 modules
    text_height = font_size * 1.2
    x0 = centre_x - (len(modules) + left + right) * module / 2 + left * module  # the first bar
    path = canvas.beginPath()
    run_start = None
    for index, bit in enumerate(modules + "0"):
        if bit == "1" and run_start is None:
            run_start = index
        elif bit != "1" and run_start is not None:
            drop = 0.0 if guards[run_start] == "g" else text_height
            path.rect(x0 + run_start * module, y + drop, (index - run_start) * module, bars + text_height - drop)
            run_start = None
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.setFont(BASE_FONT, font_size)
    baseline = y + 0.2 * text_height
    if label.symbology == EAN13:  # the number system digit stands in the left quiet zone
        canvas.drawRightString(x0 - module, baseline, text[0])
        canvas.drawCentredString(x0 + 24 * module, baseline, text[1:7])
        canvas.drawCentredString(x0 + 71 * module, baseline, text[7:])
    else:
        canvas.drawCentredString(x0 + 17 * module, baseline, text[:4])
        canvas.drawCentredString(x0 + 50 * module, baseline, text[4:])


def _draw_code128(canvas: Canvas, label: PartLabel, *, centre_x: float, y: float, width: float, bars: float,
                  digits: float, layout: LabelLayout) -> None:
    """A Code 128 with ``CODE128_QUIET`` modules of quiet zone each side and its text under it."""
    probe = code128.Code128(label.code, barWidth=1, quiet=True, lquiet=CODE128_QUIET, rquiet=CODE128_QUIET)
    probe.wrap(width, bars)
    module = _module(label, round(probe.width), width, layout)
    code = code128.Code128(label.code, barWidth=module, barHeight=bars, quiet=True, lquiet=CODE128_QUIET * module,
                           rquiet=CODE128_QUIET * module, humanReadable=False)
    code_width, _height = code.wrap(width, bars)
    text_size = digits * 1.1
    code.drawOn(canvas, centre_x - code_width / 2, y + text_size * 1.15)
    runs, size = fit_text(label.code, BASE_FONT, text_size, width)
    _draw_runs(canvas, centre_x, y + size * 0.2, runs, size, align="centre")


# --- one label -------------------------------------------------------------------------------

def _draw_label(canvas: Canvas, label: PartLabel, layout: LabelLayout, left: float, bottom: float) -> None:
    """``label`` inside the box whose bottom-left corner is (left, bottom), in points."""
    width, height = layout.label_width * mm, layout.label_height * mm
    pad = min(3 * mm, max(1.5 * mm, 0.07 * min(width, height)))
    inner = width - 2 * pad
    bars = min(14 * mm, max(6 * mm, 0.3 * height))
    digits = min(8.0, max(5.5, layout.label_height * 0.22))  # points
    code_block = bars + digits * 1.3
    draw = _draw_ean if label.symbology in (EAN13, EAN8) else _draw_code128
    canvas.setFillColor(colors.black)
    draw(canvas, label, centre_x=left + width / 2, y=bottom + pad, width=inner, bars=bars, digits=digits,
         layout=layout)

    # the text lines share what is above the barcode, their sizes scaled alike
    lines: list[tuple[str, str, float]] = [(label.name_en, BOLD_FONT, 9.0)]
    if label.name_zh:
        lines.append((label.name_zh, BASE_FONT, 8.5))
    lines.append((f"{label.number} · {label.brand}" if label.brand else label.number, BASE_FONT, 7.5))
    price_size = 10.0
    room = height - 2 * pad - code_block - 0.6 * mm
    scale = min(1.0, room / (LEADING * (sum(size for _text, _font, size in lines) + price_size)))
    spare = room - scale * LEADING * (sum(size for _text, _font, size in lines) + price_size)
    y = bottom + height - pad
    for number, (text, font, size) in enumerate(lines):
        size *= scale
        runs, fitted = fit_text(text, font, size, inner)
        if number == 0 and fitted < size * 0.85 and spare >= size * 0.9 * LEADING:
            # a long name on a label with room to spare: two lines rather than tiny type
            size *= 0.9
            first, rest = _break(text, font, size, inner)
            y -= size * LEADING
            _draw_runs(canvas, left + pad, y + size * 0.22, _runs(first, font), size)
            runs, fitted = fit_text(rest, font, size, inner)
        y -= size * LEADING
        _draw_runs(canvas, left + pad, y + size * 0.22, runs, fitted)
    size = price_size * scale
    y -= size * LEADING
    price_runs, price_fitted = fit_text(f"{label.currency} {money(label.price, label.currency)}", BOLD_FONT, size,
                                        inner * 0.6)
    _draw_runs(canvas, left + width - pad, y + size * 0.22, price_runs, price_fitted, align="right")
    if label.bin:
        room_left = inner - _width(price_runs, price_fitted) - 2 * mm
        if room_left > 4 * mm:
            runs, fitted = fit_text(_("Bin {bin}").format(bin=label.bin), BASE_FONT, size * 0.8, room_left)
            _draw_runs(canvas, left + pad, y + size * 0.22, runs, fitted)


def write_labels(labels: Sequence[PartLabel], layout: LabelLayout, target: str | Path | BinaryIO, *,
                 start: int = 1, outline: bool = False) -> int:
    """Draw ``labels`` in order onto ``layout``, the first into position ``start`` (1 = top left,
    counting along rows; the positions before it stay blank), and write the PDF to ``target``.
    ``outline`` draws each label's edge in light grey (a preview or a test print on plain paper).
    Returns the number of pages. ValidationError for a bad layout or start; UserError for a code
    too long for the labels (nothing is written then)."""
    layout.check()
    layout.check_start(start)
    if not labels:
        raise UserError(_("There are no labels to print."))
    base._register_fonts()
    page_w, page_h = layout.page_width * mm, layout.page_height * mm
    target = str(target) if isinstance(target, Path) else target
    # drawn into memory first: a code refused on label 900 leaves no half-written file behind
    from io import BytesIO

    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(page_w, page_h), pageCompression=1)
    canvas.setTitle(_("Labels ({layout})").format(layout=layout.name))
    canvas.setAuthor("PartsDesk")
    page = 0
    for index, label in enumerate(labels):
        slot_page, x, y = layout.position(start - 1 + index)
        while page < slot_page:
            canvas.showPage()
            page += 1
        left, bottom = x * mm, page_h - (y + layout.label_height) * mm
        if outline:
            canvas.setStrokeColor(OUTLINE)
            canvas.setLineWidth(0.3)
            canvas.rect(left, bottom, layout.label_width * mm, layout.label_height * mm, stroke=1, fill=0)
        _draw_label(canvas, label, layout, left, bottom)
    canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    if isinstance(target, str):
        Path(target).write_bytes(data)
    else:
        target.write(data)
    return page + 1
