"""The scanner test sheet: the barcodes the scanner set-up asks for, one A4 page.

Each code of ``domain.scanner_calibration.TEST_CODES`` prints large, one under the other (a
scanner aimed at one does not catch its neighbour), with "Scan N of 6", what it tests and its
content in plain text under the bars, so a person sees what should arrive. Code 128 for text
(digits, both cases, dash and dot) in 0.4 mm modules, EAN-13 at 100 % as on a part's box; quiet
zones on both sides: any counter scanner reads them, and so does zbarimg on a 150 dpi
rendering (the test reads every one back).

Needs no database: the sheet is the same for every shop.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.graphics.barcode import code128, eanbc
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from partsdesk.domain.scanner_calibration import EAN13, TEST_CODES, SheetCode
from partsdesk.i18n import N_, _
from partsdesk.printing.base import BOLD_FONT, GRID, MARGIN, content_width, gap, markup, p, styles, write_pdf

MODULE = 0.33 * mm  # EAN-13 at 100 %
CODE128_MODULE = 0.4 * mm  # wider than on a label: easy for any scanner, the longest code is 90 mm
BAR_HEIGHT = 15 * mm
QUIET_MODULES = 12
TITLE = N_("PartsDesk scanner test sheet")  # translated where printed: _(TITLE)


def _bars(code: SheetCode) -> Flowable:
    if code.symbology == EAN13:
        # its quiet zones are GS1's (11 and 7 modules), its digits under the bars
        widget = eanbc.Ean13BarcodeWidget(code.content[:-1], barWidth=MODULE, barHeight=BAR_HEIGHT, fontSize=11)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(x1 - x0, y1 - y0)
        widget.x, widget.y = -x0, -y0
        drawing.add(widget)
        return drawing
    return code128.Code128(code.content, barWidth=CODE128_MODULE, barHeight=BAR_HEIGHT, quiet=True,
                           lquiet=QUIET_MODULES * CODE128_MODULE, rquiet=QUIET_MODULES * CODE128_MODULE,
                           humanReadable=False)


def sheet_story() -> list[Flowable]:
    st = styles(10)
    width = content_width()
    story: list[Flowable] = [
        Paragraph(markup(_(TITLE)), st.title),
        gap(2),
        Paragraph(markup(_("In PartsDesk choose {menu} and scan the codes below one after the other, as the window "
                           "asks. Aim at one code at a time (cover the others with a hand if the scanner catches the "
                           "wrong one). The set-up measures how fast the scanner types, which key it sends after a "
                           "code, and whether the keyboard layout or Caps Lock change what arrives."
                           ).format(menu="\0")).replace("\0", f"<b>{markup(_('File > Scanner set-up…'))}</b>"),
                  st.normal),
        gap(4),
    ]
    big = st.normal.clone("code", fontName="Courier-Bold", fontSize=13, leading=16, alignment=1)
    label = st.normal.clone("label", fontName=BOLD_FONT, fontSize=12, leading=15)
    rows = []
    for code in TEST_CODES:
        left = [Paragraph(markup(_("Scan {number} of {count}").format(number=code.number, count=len(TEST_CODES))),
                          label),
                p(code.what, st.small)]
        right: list[Flowable] = [_bars(code)]
        if code.symbology != EAN13:  # the EAN widget prints its digits itself
            right += [gap(1), Paragraph(markup(code.content), big)]
        rows.append([left, right])
    table = Table(rows, colWidths=[0.3 * width, 0.7 * width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (1, -1), "CENTER"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.5, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 4 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
        ("TEXTCOLOR", (0, 0), (0, -1), colors.black),
    ]))
    story.append(KeepTogether([table]))
    return story


def write_scanner_test_sheet(target: str | Path | BinaryIO) -> None:
    """The test sheet as a one-page A4 PDF into ``target`` (a path or a binary file)."""
    write_pdf(target, sheet_story(), title=_(TITLE), pagesize=A4, margins=MARGIN,
              footer=_("Scan with the scanner set-up of the PC it is connected to."))
