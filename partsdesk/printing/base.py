"""What every printed document shares: fonts that print Chinese, the shop's header, styles,
tables, money, barcodes, and writing the PDF.

Documents take plain data from services and lay it out; they never compute a total. Text is
escaped here (a customer called "A & B <Ltd>" prints as written) and runs of CJK characters are
set in a Chinese font: an installed one embedded into the PDF (see ``CJK_FONT_FILES``), else
reportlab's built-in Adobe CID font.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.barcode import code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from partsdesk.domain.money import CURRENCIES, format_money
from partsdesk.i18n import _, format_amount, format_date, format_datetime

CID_FONT = "STSong-Light"  # Adobe's built-in Chinese font: needs no file, but is not embedded
CJK_FONT = "PartsDeskCJK"
# Fonts with Chinese glyphs, embedded (subset) into every PDF so any viewer or printer shows them;
# the first one found wins. PARTSDESK_CJK_FONT names another file (.ttf or .ttc).
CJK_FONT_FILES = (
    "C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/simhei.ttf", "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    # bundled with PartsDesk, last: a PC without a Chinese font still embeds one
    Path(__file__).resolve().parent.parent / "resources" / "fonts" / "DroidSansFallbackFull.ttf",
)
BASE_FONT = "Helvetica"
BOLD_FONT = "Helvetica-Bold"
MARGIN = 15 * mm
GRID = colors.HexColor("#B0B7C3")
HEADER_FILL = colors.HexColor("#E8ECF2")
_CJK = re.compile(r"([\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]+)")
_fonts_ready = False


def _register_fonts() -> None:
    """Register the Chinese font once: an installed TrueType font (embedded in the PDF), else the
    CID font, which a viewer without Adobe's Chinese fonts shows as empty boxes."""
    global _fonts_ready, CJK_FONT
    if _fonts_ready:
        return
    candidates = [os.environ.get("PARTSDESK_CJK_FONT", ""), *CJK_FONT_FILES]
    for candidate in filter(None, candidates):
        if Path(candidate).is_file():
            try:
                pdfmetrics.registerFont(TTFont(CJK_FONT, candidate, subfontIndex=0))
                break
            except Exception:  # a font reportlab cannot embed (e.g. PostScript outlines): try the next
                continue
    else:
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
        CJK_FONT = CID_FONT
    _fonts_ready = True


def markup(text: object) -> str:
    """``text`` as safe Paragraph markup: escaped, CJK runs in the CJK font, line breaks kept."""
    _register_fonts()
    escaped = escape(str(text))
    return _CJK.sub(rf'<font name="{CJK_FONT}">\1</font>', escaped).replace("\n", "<br/>")


def draw_string(canvas, x: float, y: float, text: str, font: str, size: float, *, align: str = "left") -> None:
    """Draw ``text`` straight onto a canvas at (x, y), ``align`` "left", "right" or "centre" of x:
    in ``font``, its runs of Chinese (a translated label) in the Chinese font."""
    _register_fonts()
    runs = [(piece, CJK_FONT if index % 2 else font) for index, piece in enumerate(_CJK.split(text)) if piece]
    width = sum(pdfmetrics.stringWidth(piece, run_font, size) for piece, run_font in runs)
    x -= width if align == "right" else width / 2 if align == "centre" else 0
    for piece, run_font in runs:
        canvas.setFont(run_font, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, run_font, size)


@dataclass(frozen=True)
class Styles:
    normal: ParagraphStyle
    small: ParagraphStyle
    bold: ParagraphStyle
    right: ParagraphStyle
    right_bold: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle


def styles(size: float = 9) -> Styles:
    normal = ParagraphStyle("normal", fontName=BASE_FONT, fontSize=size, leading=size * 1.25)
    return Styles(
        normal=normal,
        small=ParagraphStyle("small", parent=normal, fontSize=size - 1.5, leading=(size - 1.5) * 1.25,
                             textColor=colors.HexColor("#444444")),
        bold=ParagraphStyle("bold", parent=normal, fontName=BOLD_FONT),
        right=ParagraphStyle("right", parent=normal, alignment=TA_RIGHT),
        right_bold=ParagraphStyle("right_bold", parent=normal, fontName=BOLD_FONT, alignment=TA_RIGHT),
        title=ParagraphStyle("title", parent=normal, fontName=BOLD_FONT, fontSize=size + 7, leading=(size + 7) * 1.2,
                             spaceAfter=2 * mm),
        heading=ParagraphStyle("heading", parent=normal, fontName=BOLD_FONT, fontSize=size + 2,
                               leading=(size + 2) * 1.3, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
    )


def p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(text), style)


def money(minor: int, currency: str) -> str:
    """An amount as printed: 1,234.50 (the currency is named once, in the table's heading)."""
    exponent, _symbol = CURRENCIES.get(currency, (2, ""))
    return format_money(minor, exponent=exponent)


def total_row(label: str, minor: int, currency: str) -> tuple[str, str]:
    """A grand total's label and amount: "TOTAL CNY" and "383.40" in English, "合计" and "¥383.40"
    where the language writes the currency's sign before the amount."""
    amount = money(minor, currency)
    signed = format_amount(amount, currency)
    return (f"{label} {currency}", amount) if signed == amount else (label, signed)


def day(value: date | datetime | None) -> str:
    """Dates as the language writes them: ISO-style in English (2026-11-30, 2026-11-30 14:05),
    2026年11月30日 in Chinese (``i18n.format_date``); a time of day after a date and time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value)
    return format_date(value)


@dataclass(frozen=True)
class ShopHeader:
    """Who the document is from, as the settings hold it (services.printing_data gives it)."""

    name: str
    address: str = ""
    phone: str = ""
    tax_id: str = ""
    currency: str = "CNY"
    logo: str = ""  # an image file (setting ``shop.logo``); drawn above the name when it can be read

    def lines(self) -> list[str]:
        extra = [self.address, _("Tel. {phone}").format(phone=self.phone) if self.phone else "",
                 _("Tax ID {tax_id}").format(tax_id=self.tax_id) if self.tax_id else ""]
        return [line for line in extra if line]


def header_block(shop: ShopHeader, title: str, facts: Sequence[tuple[str, str]], st: Styles,
                 width: float) -> Table:
    """The top of a document: the shop on the left, the document's title and facts on the right."""
    left = [*_logo(shop.logo, width * 0.5), p(shop.name, st.title), *(p(line, st.small) for line in shop.lines())]
    right = [p(title, ParagraphStyle("doctitle", parent=st.title, alignment=TA_RIGHT))]
    right += [p(_("{label}: {value}").format(label=label, value=value), st.right) for label, value in facts]
    block = Table([[left, right]], colWidths=[width * 0.55, width * 0.45])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return block


LOGO_MAX_HEIGHT = 18 * mm


def _logo(path: str, max_width: float) -> list[Flowable]:
    """The shop's logo at most ``LOGO_MAX_HEIGHT`` high, or nothing when there is none or the
    file cannot be read (a moved or broken picture never stops a receipt or an invoice)."""
    if not path:
        return []
    try:
        image_width, image_height = ImageReader(path).getSize()
    except Exception:
        return []
    scale = min(LOGO_MAX_HEIGHT / image_height, max_width / image_width)
    picture = Image(path, width=image_width * scale, height=image_height * scale)
    picture.hAlign = "LEFT"
    return [picture, Spacer(1, 1.5 * mm)]


def grid(rows: Sequence[Sequence[object]], widths: Sequence[float], st: Styles, *, numeric: Sequence[int] = (),
         total_row: bool = False) -> Table:
    """A table with a shaded heading row repeated on every page; ``numeric`` columns align right.
    Cells that are strings become Paragraphs, so long text wraps instead of running over."""
    body = []
    for r, row in enumerate(rows):
        bold = r == 0 or (total_row and r == len(rows) - 1)
        cells = []
        for c, cell in enumerate(row):
            if isinstance(cell, str):
                style = (st.right_bold if bold else st.right) if c in numeric else (st.bold if bold else st.normal)
                cell = p(cell, style)
            cells.append(cell)
        body.append(cells)
    table = Table(body, colWidths=list(widths), repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total_row and len(rows) > 1:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
    table.setStyle(TableStyle(commands))
    return table


def barcode(value: str, *, height: float = 12 * mm, bar_width: float = 0.33 * mm) -> Flowable:
    """A Code 128 barcode of ``value`` with quiet zones, the kind every counter scanner reads."""
    return code128.Code128(value, barHeight=height, barWidth=bar_width, quiet=True, humanReadable=True)


def write_pdf(target: str | Path | BinaryIO, story: list[Flowable], *, title: str, author: str = "PartsDesk",
              pagesize: tuple[float, float] = A4, footer: str = "", margins: float = MARGIN) -> None:
    """Lay ``story`` out into ``target`` (a path or a binary file), page numbers in the footer."""
    _register_fonts()
    target = str(target) if isinstance(target, Path) else target

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(BASE_FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        if footer:  # a Paragraph, so a Chinese shop name in it prints in the Chinese font
            line = Paragraph(markup(footer), ParagraphStyle("footer", fontName=BASE_FONT, fontSize=7.5,
                                                            textColor=colors.HexColor("#555555")))
            line.wrapOn(canvas, pagesize[0] - doc.leftMargin - doc.rightMargin - 60, margins)
            line.drawOn(canvas, doc.leftMargin, margins / 2 - 2)
        page = _("Page {page}").format(page=doc.page)
        if _CJK.search(page):  # a translated "Page n": its Chinese in the Chinese font
            draw_string(canvas, pagesize[0] - doc.rightMargin, margins / 2, page, BASE_FONT, 7.5, align="right")
        else:
            canvas.drawRightString(pagesize[0] - doc.rightMargin, margins / 2, page)
        canvas.restoreState()

    doc = SimpleDocTemplate(target, pagesize=pagesize, leftMargin=margins, rightMargin=margins, topMargin=margins,
                            bottomMargin=margins, title=title, author=author)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)


def content_width(pagesize: tuple[float, float] = A4, margins: float = MARGIN) -> float:
    return pagesize[0] - 2 * margins


def gap(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def shop_header() -> ShopHeader:
    """The shop as its settings describe it, for the top of a document."""
    from partsdesk.services import settings

    return ShopHeader(name=settings.get("shop.name"), address=settings.get("shop.address"),
                      phone=settings.get("shop.phone"), tax_id=settings.get("shop.tax_id"),
                      currency=settings.get("shop.currency"), logo=settings.get("shop.logo"))
