"""The counter's sale documents: the receipt roll (80 or 58 mm) and the A4 invoice, and a credit note
(a return) on either.

Input: ``services.sale_documents.SaleDocument`` (the committed sale or credit note, totals
included); these functions only lay it out. A credit note prints titled CREDIT NOTE, with the
sale it credits, the reason, the lines taken back, the total refunded and the refunds. Both print the number as a Code 128 barcode (the returns desk scans
it) and print COPY in large type on a reprint. Part and customer names in Chinese print in the
Chinese font (``base.markup``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from partsdesk.domain.money import format_bp, format_quantity
from partsdesk.domain.tender import CASH
from partsdesk.i18n import N_, _
from partsdesk.printing.base import (
    BASE_FONT,
    BOLD_FONT,
    GRID,
    HEADER_FILL,
    MARGIN,
    ShopHeader,
    Styles,
    barcode,
    content_width,
    day,
    gap,
    header_block,
    markup,
    money,
    p,
    styles,
    total_row,
    write_pdf,
)
from partsdesk.services.sale_documents import SaleDocument, SaleDocumentLine

# The receipt printers' rolls (setting printer.receipt_width): paper width in mm -> printable width.
ROLLS = {80: 72 * mm, 58: 48 * mm}
ROLL_PRINTABLE = ROLLS[80]
ROLL_END = 5 * mm  # paper above the first line and below the barcode
ROLL_MAX_HEIGHT = 5000 * mm  # a PDF page is at most 200 in.; a longer receipt goes on to a second page
COPY_RED = colors.HexColor("#B00020")
# the frame's own padding on each side (reportlab's default, kept by base.write_pdf)
FRAME_PADDING = 6
# a credit note's refund: where the money went, in words (a card's reference prints instead)
REFUND_DETAILS = {"on_account": N_("credited to the customer's account"),
                  "prepaid": N_("back onto the prepaid balance"), "points": N_("back as member points")}


def _shop(doc: SaleDocument) -> ShopHeader:
    return ShopHeader(name=doc.shop_name, address=doc.shop_address, phone=doc.shop_phone, tax_id=doc.shop_tax_id,
                      currency=doc.currency, logo=doc.shop_logo)


def _text(value: str, style: ParagraphStyle) -> object:
    """A table cell: plain ASCII stays a string (fast to lay out); anything else a Paragraph,
    so Chinese prints in the Chinese font."""
    return value if value.isascii() else p(value, style)


def _cell(value: object, font: str, size: float, *, right: bool = False) -> object:
    """A cell of a table that sets its own fonts: a plain ASCII string stays a string; other text (a
    label in Chinese) a Paragraph in the same font and size, its Chinese in the Chinese font."""
    if not isinstance(value, str) or value.isascii():
        return value
    style = ParagraphStyle(f"cell_{font}_{size}", fontName=font, fontSize=size, leading=size * 1.25,
                           alignment=TA_RIGHT if right else TA_LEFT)
    return Paragraph(markup(value), style)


def _price_note(line: SaleDocumentLine, currency: str) -> str:
    """What the customer was given off the list price, or "" when nothing."""
    if line.discount_bp:
        return _("list {price}, discount {discount}").format(price=money(line.list_price, currency),
                                                             discount=format_bp(line.discount_bp))
    if line.unit_price != line.list_price and not line.is_core_deposit:
        return _("list {price}").format(price=money(line.list_price, currency))
    return ""


def _against(doc: SaleDocument) -> str:
    """A credit note's sale: "against RC-000001 of 2026-11-22 10:00"."""
    if doc.reference_at:
        return _("against {reference} of {when}").format(reference=doc.reference, when=day(doc.reference_at))
    return _("against {reference}").format(reference=doc.reference)


def _total_label(doc: SaleDocument) -> str:
    return _("Total refunded") if doc.is_credit_note else _("Total")


def _copy_banner(doc: SaleDocument, st: Styles, *, size: float, color: colors.Color = COPY_RED) -> Table:
    style = ParagraphStyle("copy", parent=st.bold, fontSize=size, leading=size * 1.15, alignment=TA_CENTER,
                           textColor=color)
    small = ParagraphStyle("copy_note", parent=st.small, alignment=TA_CENTER, textColor=color)
    reprint = _("Reprint of {document} {number}").format(document=doc.title.lower(), number=doc.number)
    banner = Table([[[Paragraph(markup(_("COPY")), style), Paragraph(markup(reprint), small)]]])
    banner.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, color), ("TOPPADDING", (0, 0), (-1, -1), 3),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return banner


def _barcode(number: str, *, width: float, height: float, bar_width: float) -> Flowable:
    code = barcode(number, height=height, bar_width=bar_width)
    code_width, _height = code.wrap(width, height)
    if code_width > width:  # a long number: narrower bars rather than a code cut off at the edge
        code = barcode(number, height=height, bar_width=bar_width * width / code_width)
    code.hAlign = "CENTER"
    return code


# --- receipt (the roll) -------------------------------------------------------------------------

def _rule(*, dashed: bool = True) -> HRFlowable:
    return HRFlowable(width="100%", thickness=0.6, color=colors.black, dash=(1.5, 1.5) if dashed else None,
                      spaceBefore=1.2 * mm, spaceAfter=1.2 * mm)


def _pairs(rows: list[tuple[str, str]], width: float, *, font_size: float, bold_rows: tuple[int, ...] = (),
           big_rows: tuple[int, ...] = ()) -> Table:
    """Label left, amount right, on the roll's full width."""
    cells = []
    for r, (label, value) in enumerate(rows):
        font = BOLD_FONT if r in bold_rows or r in big_rows else BASE_FONT
        size = font_size + 3 if r in big_rows else font_size
        cells.append([_cell(label, font, size), _cell(value, font, size, right=True)])
    table = Table(cells, colWidths=[width * 0.62, width * 0.38])
    commands: list[tuple] = [("FONT", (0, 0), (-1, -1), BASE_FONT, font_size, font_size * 1.25),
                             ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("TOPPADDING", (0, 0), (-1, -1), 0.6), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6)]
    for row in bold_rows:
        commands.append(("FONT", (0, row), (-1, row), BOLD_FONT, font_size, font_size * 1.25))
    for row in big_rows:
        commands.append(("FONT", (0, row), (-1, row), BOLD_FONT, font_size + 3, (font_size + 3) * 1.25))
    table.setStyle(TableStyle(commands))
    return table


def _receipt_lines(doc: SaleDocument, st: Styles, width: float) -> Table:
    """Each line as two rows: what it is, then qty x unit price and the amount (and what was
    taken off the list price)."""
    cur = doc.currency
    rows: list[list[object]] = []
    spans: list[tuple] = []
    for line in doc.lines:
        name = line.description
        if line.description_zh:
            name += f" {line.description_zh}"
        if line.part_number and line.part_number not in line.description:
            name = f"{line.part_number} {name}"
        rows.append([p(name, st.normal), ""])
        spans.append(("SPAN", (0, len(rows) - 1), (1, len(rows) - 1)))
        detail = f"  {format_quantity(line.qty, line.unit)} x {money(line.unit_price, cur)}"
        rows.append([_text(detail, st.normal), money(line.amount, cur)])
        note = _price_note(line, cur)
        if note:
            rows.append([_text(f"  ({note})", st.normal), ""])
            spans.append(("SPAN", (0, len(rows) - 1), (1, len(rows) - 1)))
    table = Table(rows, colWidths=[width * 0.68, width * 0.32])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), BASE_FONT, st.normal.fontSize, st.normal.leading),
                               ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0.4), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.4),
                               *spans]))
    return table


def _tender_rows(doc: SaleDocument) -> list[tuple[str, str]]:
    cur = doc.currency
    rows: list[tuple[str, str]] = []
    for payment in doc.payments:
        label = _("Refund: {method}").format(method=payment.label) if doc.is_credit_note else payment.label
        if payment.reference:
            label += f" {payment.reference}"
        cash_handed = payment.method == CASH and payment.tendered
        rows.append((label, money(payment.tendered if cash_handed else payment.amount, cur)))
    if doc.change:
        rows.append((_("Change"), money(doc.change, cur)))
    return rows


def receipt_story(doc: SaleDocument, *, copy: bool = False, width: float = ROLL_PRINTABLE) -> list[Flowable]:
    """The receipt's flowables, laid out for ``width`` (the roll's printable width)."""
    st = styles(8)
    centre = ParagraphStyle("centre", parent=st.normal, alignment=TA_CENTER)
    centre_small = ParagraphStyle("centre_small", parent=st.small, alignment=TA_CENTER)
    shop_name = ParagraphStyle("shop", parent=st.bold, fontSize=11.5, leading=14, alignment=TA_CENTER)
    title = ParagraphStyle("receipt_title", parent=st.bold, fontSize=10, leading=12.5, alignment=TA_CENTER)
    cur = doc.currency
    story: list[Flowable] = [p(doc.shop_name, shop_name)]
    story += [p(line, centre_small) for line in _shop(doc).lines()]
    if copy or doc.copy:
        story += [gap(2), _copy_banner(doc, st, size=18, color=colors.black)]  # a thermal roll prints black
    story += [gap(2), p(f"{doc.title.upper()} {doc.number}", title)]
    if doc.is_credit_note:
        story.append(p(_against(doc), centre))
    story.append(p(_("{when} · terminal {terminal}").format(when=day(doc.at), terminal=doc.terminal), centre))
    if doc.cashier:
        story.append(p(_("Served by {name}").format(name=doc.cashier), centre))
    if doc.approved_by:
        story.append(p(_("Approved by {name}").format(name=doc.approved_by), centre))
    if doc.reason:
        story.append(p(_("Reason: {reason}").format(reason=doc.reason), centre))
    if doc.customer_name:
        story += [gap(1.5), p(_("Customer: {name}").format(name=doc.customer_name), st.normal)]
        if doc.member_card:
            story.append(p(_("Member card {card}").format(card=doc.member_card), st.small))
        if doc.customer_tax_id:
            story.append(p(_("Tax ID {tax_id}").format(tax_id=doc.customer_tax_id), st.normal))
    story += [_rule(), _receipt_lines(doc, st, width), _rule()]

    totals: list[tuple[str, str]] = [(_("Net"), money(doc.net, cur))]
    totals += [(_("Tax {rate} on {net}").format(rate=format_bp(band.rate_bp), net=money(band.net, cur)),
                money(band.tax, cur)) for band in doc.tax_by_rate]
    totals.append(total_row(_total_label(doc).upper(), doc.total, cur))
    big = (len(totals) - 1,)
    if doc.rounding:
        totals.append((_("Cash rounding"), money(doc.rounding, cur)))
    tax_note = _("Prices include tax.") if doc.prices_include_tax else _("Prices exclude tax; tax is added.")
    story += [_pairs(totals, width, font_size=8, big_rows=big), p(tax_note, st.small), _rule()]
    tender = _tender_rows(doc)
    if tender:
        story += [_pairs(tender, width, font_size=8, bold_rows=(len(tender) - 1,) if doc.change else ()), _rule()]
    if doc.note:
        story.append(p(doc.note, st.small))
    # the barcode's digits hang below its box: the gap after it keeps them clear of the next line
    keep = (_("Keep this {document}: it proves the refund.") if doc.is_credit_note
            else _("Keep this {document}: returns and warranty need it."))
    story += [gap(2), _barcode(doc.number, width=width, height=11 * mm, bar_width=0.33 * mm), gap(5),
              p(keep.format(document=doc.title.lower()), centre_small)]
    if copy or doc.copy:
        story.append(p(_("COPY"), title))
    return story


def write_roll_pdf(target: str | Path | BinaryIO, story_for: Callable[[float], list[Flowable]], *, title: str,
                   roll_mm: int = 80) -> None:
    """A roll of paper ``roll_mm`` wide (``ROLLS``) as one page exactly as long as its content:
    ``story_for(printable width)`` gives the flowables."""
    if roll_mm not in ROLLS:
        raise ValueError(f"no {roll_mm} mm roll: one of {sorted(ROLLS)}")
    width = ROLLS[roll_mm]
    margin = (roll_mm * mm - width) / 2
    story = story_for(width)
    needed = 0.0
    for flowable in story:  # the same wrap the frame does, so the page fits the content
        _width, height = flowable.wrap(width, ROLL_MAX_HEIGHT)
        needed += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    page_height = min(needed + 2 * ROLL_END + 2 * mm, ROLL_MAX_HEIGHT)  # 2 mm: rounding, never a second page
    target = str(target) if isinstance(target, Path) else target
    pdf = BaseDocTemplate(target, pagesize=(roll_mm * mm, page_height), leftMargin=margin, rightMargin=margin,
                          topMargin=ROLL_END, bottomMargin=ROLL_END, title=title, author="PartsDesk")
    frame = Frame(margin, ROLL_END, width, page_height - 2 * ROLL_END, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="roll")
    pdf.addPageTemplates([PageTemplate(id="roll", frames=[frame])])
    pdf.build(story)


def write_receipt(doc: SaleDocument, target: str | Path | BinaryIO, *, copy: bool = False,
                  roll_mm: int = 80) -> None:
    """Write the receipt of ``doc`` to ``target`` (a path or a binary file) on the receipt roll
    (80 mm, 72 mm printable; or 58 mm, 48 mm printable) exactly as long as its content. ``copy``
    (or ``doc.copy``) marks a reprint."""
    write_roll_pdf(target, lambda width: receipt_story(doc, copy=copy, width=width),
                   title=f"{doc.title} {doc.number}", roll_mm=roll_mm)


# --- invoice (A4) -------------------------------------------------------------------------------

INVOICE_COLUMNS = (("#", 0.045), (N_("Part no."), 0.14), (N_("Description"), 0.335), (N_("Qty"), 0.08),
                   (N_("Unit price"), 0.11), (N_("Disc."), 0.07), (N_("Tax"), 0.06), ("Amount", 0.16))


def _party_block(doc: SaleDocument, st: Styles, width: float) -> Table:
    """Who is billed or credited (with their tax ID) on the left, the number's barcode on the right."""
    left: list[Flowable] = [p(_("Credit to") if doc.is_credit_note else _("Bill to"), st.small)]
    if doc.customer_name:
        left.append(p(doc.customer_name, ParagraphStyle("bill_name", parent=st.bold, fontSize=11, leading=14)))
        if doc.customer_address:
            left.append(p(doc.customer_address, st.normal))
        left.append(p(_("Tax ID {tax_id}").format(tax_id=doc.customer_tax_id) if doc.customer_tax_id
                      else _("Tax ID: none given"), st.normal))
        if doc.member_card:
            left.append(p(_("Member card {card}").format(card=doc.member_card), st.small))
    else:
        left.append(p(_("Walk-in customer"), st.bold))
    code = _barcode(doc.number, width=width * 0.4, height=13 * mm, bar_width=0.36 * mm)
    block = Table([[left, code]], colWidths=[width * 0.58, width * 0.42])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return block


def _invoice_lines(doc: SaleDocument, st: Styles, width: float) -> Table:
    cur = doc.currency
    header = [_text(_(label) if label != "Amount" else _("Amount ({currency})").format(currency=cur), st.bold)
              for label, _share in INVOICE_COLUMNS]
    rows: list[list[object]] = [header]
    for line in doc.lines:
        description = markup(line.description)
        if line.description_zh:
            description += f"<br/>{markup(line.description_zh)}"
        if line.is_core_deposit and doc.is_credit_note:
            deposit = _("deposit of line {line} refunded").format(line=line.core_of_line)
            description += f'<br/><font size="7">{markup(deposit)}</font>'
        elif line.is_core_deposit:
            deposit = _("refundable when the old part of line {line} is returned").format(line=line.core_of_line)
            description += f'<br/><font size="7">{markup(deposit)}</font>'
        note = _price_note(line, cur)
        if note:
            description += f'<br/><font size="7">{markup(note)}</font>'
        if line.warranty:
            description += f'<br/><font size="7">{markup(line.warranty)}</font>'
        rows.append([str(line.line_no), _text(line.part_number, st.normal), Paragraph(description, st.normal),
                     _text(format_quantity(line.qty, line.unit), st.right), money(line.unit_price, cur),
                     format_bp(line.discount_bp) if line.discount_bp else "", format_bp(line.tax_rate_bp),
                     money(line.amount, cur)])
    table = Table(rows, colWidths=[width * share for _label, share in INVOICE_COLUMNS], repeatRows=1)
    size = st.normal.fontSize
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), BASE_FONT, size, size * 1.25),
        ("FONT", (0, 0), (-1, 0), BOLD_FONT, size, size * 1.25),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


def _money_table(rows: list[list[str]], widths: list[float], *, header: bool, bold_last: bool = False,
                 left: tuple[int, ...] = (0,)) -> Table:
    """Amounts in columns; ``left`` columns (the labels) align left, the others right."""
    cells = []
    for r, row in enumerate(rows):
        font, size = BASE_FONT, 9
        if header and r == 0:
            font = BOLD_FONT
        if bold_last and r == len(rows) - 1:
            font, size = BOLD_FONT, 11
        cells.append([_cell(value, font, size, right=c not in left) for c, value in enumerate(row)])
    table = Table(cells, colWidths=widths)
    commands: list[tuple] = [("FONT", (0, 0), (-1, -1), BASE_FONT, 9, 11.25), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                             ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if header:
        commands += [("FONT", (0, 0), (-1, 0), BOLD_FONT, 9, 11.25), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                     ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID)]
    if bold_last:
        commands += [("FONT", (0, -1), (-1, -1), BOLD_FONT, 11, 14), ("LINEABOVE", (0, -1), (-1, -1), 0.8,
                                                                        colors.black)]
    table.setStyle(TableStyle(commands))
    return table


def _invoice_totals(doc: SaleDocument, width: float) -> Table:
    """Tax by rate on the left, the totals on the right."""
    cur = doc.currency
    left_width, right_width = width * 0.52, width * 0.40
    bands = [[_("Tax rate"), _("Net"), _("Tax"), _("Gross")]]
    bands += [[format_bp(b.rate_bp), money(b.net, cur), money(b.tax, cur), money(b.total, cur)]
              for b in doc.tax_by_rate]
    band_table = _money_table(bands, [left_width * 0.22] + [left_width * 0.26] * 3, header=True)
    totals = [[_("Net"), money(doc.net, cur)], [_("Tax"), money(doc.tax, cur)]]
    if doc.rounding:
        totals.append([_("Cash rounding"), money(doc.rounding, cur)])
    totals.append([_("{total} ({currency})").format(total=_total_label(doc), currency=cur), money(doc.total, cur)])
    totals_table = _money_table(totals, [right_width * 0.5, right_width * 0.5], header=False, bold_last=True)
    outer = Table([[band_table, "", totals_table]], colWidths=[left_width, width - left_width - right_width,
                                                                right_width])
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return outer


def _invoice_payments(doc: SaleDocument, width: float) -> Table:
    cur = doc.currency
    rows = [[_("Refunded by") if doc.is_credit_note else _("Paid by"), _("Details"),
             _("Amount ({currency})").format(currency=cur)]]
    for payment in doc.payments:
        details = payment.reference
        if doc.is_credit_note and not details:
            details = _(REFUND_DETAILS[payment.method]) if payment.method in REFUND_DETAILS else ""
        if payment.method == CASH and payment.tendered:
            details = _("tendered {tendered}, change {change}").format(tendered=money(payment.tendered, cur),
                                                                        change=money(payment.change, cur))
        rows.append([payment.label, details, money(payment.amount, cur)])
    table = _money_table(rows, [width * 0.25, width * 0.5, width * 0.25], header=True, left=(0, 1))
    table.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "LEFT")]))
    return table


def invoice_story(doc: SaleDocument, *, copy: bool = False, width: float | None = None) -> list[Flowable]:
    """The invoice's (or credit note's) flowables for an A4 page's frame."""
    st = styles(8.5)
    width = width if width is not None else content_width(A4, MARGIN) - 2 * FRAME_PADDING
    facts = [(_("Number"), doc.number), (_("Date"), day(doc.at))]
    if doc.is_credit_note:
        facts.append((_("Against"), doc.reference))
    if doc.cashier:
        facts.append((_("Served by"), doc.cashier))
    if doc.approved_by:
        facts.append((_("Approved by"), doc.approved_by))
    facts.append((_("Terminal"), doc.terminal))
    heading = doc.title.upper() if doc.is_credit_note else doc.title  # never mistaken for an invoice
    story: list[Flowable] = [header_block(_shop(doc), heading, facts, st, width)]
    if copy or doc.copy:
        story += [gap(3), _copy_banner(doc, st, size=22)]
    if doc.is_credit_note:
        story += [gap(4), p(_("Goods returned {against}.").format(against=_against(doc)), st.bold)]
        if doc.reason:
            story.append(p(_("Reason: {reason}").format(reason=doc.reason), st.normal))
    story += [gap(5), _party_block(doc, st, width), gap(6), _invoice_lines(doc, st, width)]
    basis = _("Unit prices and amounts include tax.") if doc.prices_include_tax else \
        _("Unit prices and amounts exclude tax; tax is added below.")
    story += [gap(1), p(basis, st.small), gap(4), KeepTogether([_invoice_totals(doc, width)])]
    if doc.payments:
        heading = _("Refunds") if doc.is_credit_note else _("Payments")
        story += [gap(5), KeepTogether([p(heading, st.heading), _invoice_payments(doc, width)])]
    if doc.note:
        story += [gap(4), p(_("Note: {note}").format(note=doc.note), st.normal)]
    return story


def write_invoice(doc: SaleDocument, target: str | Path | BinaryIO, *, copy: bool = False) -> None:
    """Write the A4 invoice (or credit note) of ``doc`` to ``target`` (a path or a binary file), page numbers and
    the number in every page's footer. ``copy`` (or ``doc.copy``) marks a reprint."""
    marked = copy or doc.copy
    footer = f"{doc.shop_name} · {doc.title} {doc.number}" + (" · " + _("COPY") if marked else "")
    write_pdf(target, invoice_story(doc, copy=copy), title=f"{doc.title} {doc.number}", footer=footer)


__all__ = ["invoice_story", "receipt_story", "write_invoice", "write_receipt"]
