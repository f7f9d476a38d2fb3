"""The member card: one bank-card-sized page (85.6 x 54 mm, ISO/IEC 7810 ID-1) with the shop's
name, the member's name and tier, and the card number as text and as a Code 128 barcode that
the counter's scanner reads (a scan in the Customers search opens the customer).

Input is ``services.membership.MemberCard``; the page is drawn directly (a card has no flow, no
page numbers). Print it on card stock, or at 100 % on a sheet and cut it out.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from partsdesk.i18n import _
from partsdesk.printing.base import BASE_FONT, BOLD_FONT, barcode, day, draw_string, markup, styles
from partsdesk.services.membership import MemberCard

CARD_SIZE = (85.6 * mm, 54 * mm)
EDGE = 4 * mm
BAND = 11 * mm
BAND_FILL = colors.HexColor("#1F3A5F")
BAR_WIDTH = 0.42 * mm  # ~5 dots a module at 300 dpi; M + 8 digits is ~55 mm with its quiet zones
BAR_HEIGHT = 12 * mm


def _fitted(text: str, style, *, width: float, max_height: float) -> Paragraph:
    """``text`` in ``style``, its size stepped down until it fits ``max_height`` (a long shop name)."""
    size = style.fontSize
    while True:
        fitted = type(style)(f"{style.name}_{size}", parent=style, fontSize=size, leading=size * 1.15)
        para = Paragraph(markup(text), fitted)
        _width, height = para.wrap(width, CARD_SIZE[1])
        if height <= max_height or size <= 5:
            return para
        size -= 0.5


def _paragraph(canvas: Canvas, text: str, style, *, x: float, top: float, width: float) -> float:
    """Draw ``text`` (wrapped to ``width``) with its top at ``top``; returns its bottom."""
    para = Paragraph(markup(text), style)
    _width, height = para.wrap(width, CARD_SIZE[1])
    para.drawOn(canvas, x, top - height)
    return top - height


def write_member_card(data: MemberCard, target: str | Path | BinaryIO) -> None:
    """Write the member card of ``data`` as a one-page PDF to ``target`` (a path or binary file)."""
    width, height = CARD_SIZE
    inner = width - 2 * EDGE
    canvas = Canvas(str(target) if isinstance(target, Path) else target, pagesize=CARD_SIZE)
    canvas.setTitle(_("Member card {card}").format(card=data.card_number))
    canvas.setAuthor("PartsDesk")

    canvas.setFillColor(BAND_FILL)
    canvas.rect(0, height - BAND, width, BAND, stroke=0, fill=1)
    st = styles(8)
    shop = type(st.title)("card_shop", parent=st.title, fontSize=10.5, leading=12.5, textColor=colors.white,
                          spaceAfter=0)
    tier = type(st.right_bold)("card_tier", parent=st.right_bold, fontSize=9, leading=11, textColor=colors.white)
    tier_width = inner * 0.34 if data.tier else 0
    name_para = _fitted(data.shop_name, shop, width=inner - tier_width - 2 * mm, max_height=BAND - 2 * mm)
    _name_width, name_height = name_para.wrap(inner - tier_width - 2 * mm, BAND)
    name_para.drawOn(canvas, EDGE, height - BAND + (BAND - name_height) / 2)
    if data.tier:
        _paragraph(canvas, data.tier, tier, x=width - EDGE - tier_width, top=height - (BAND - 11) / 2,
                   width=tier_width)

    canvas.setFillColor(colors.black)
    name = type(st.bold)("card_name", parent=st.bold, fontSize=11, leading=13)
    bottom = _paragraph(canvas, data.member_name, name, x=EDGE, top=height - BAND - 2.5 * mm, width=inner)
    facts = _("Member since {date}").format(date=day(data.member_since)) if data.member_since else _("Member")
    draw_string(canvas, EDGE, bottom - 3 * mm, facts, BASE_FONT, 7)
    draw_string(canvas, width - EDGE, bottom - 3 * mm, _("No. {card}").format(card=data.card_number), BOLD_FONT, 8,
                align="right")

    code = barcode(data.card_number, height=BAR_HEIGHT, bar_width=BAR_WIDTH)
    code_width, _height = code.wrap(inner, height)
    if code_width > inner:  # a long card number from another system: narrow the bars to fit
        code = barcode(data.card_number, height=BAR_HEIGHT, bar_width=BAR_WIDTH * inner / code_width)
        code_width, _height = code.wrap(inner, height)
    code.drawOn(canvas, (width - code_width) / 2, EDGE + 3 * mm)  # room below for the digits
    canvas.showPage()
    canvas.save()
