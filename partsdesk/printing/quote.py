"""The printed quote (A4): the shop, the customer and their vehicle, the quote number as a Code
128 barcode (the counter scans it to sell the quote), the date and the last valid day, the parts
(each with its core deposit) and the labour in separate itemised sections with their subtotals,
tax by rate, the totals and the note.

Input: ``services.quotes.QuoteDocument`` (the saved quote, totals included); this only lays it
out. A reprint is marked COPY; a quote sold or cancelled says so under the title, so an old
printout is never taken for an open offer. Chinese names print in the Chinese font.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from partsdesk.domain.money import format_bp, format_quantity
from partsdesk.i18n import N_, _
from partsdesk.printing.base import (
    BASE_FONT,
    BOLD_FONT,
    GRID,
    HEADER_FILL,
    MARGIN,
    ShopHeader,
    Styles,
    content_width,
    day,
    gap,
    header_block,
    markup,
    money,
    p,
    styles,
    write_pdf,
)
from partsdesk.printing.sale_documents import COPY_RED, FRAME_PADDING, _barcode, _money_table, _text
from partsdesk.services.quotes import QuoteDocument, QuoteDocumentLine

PART_COLUMNS = (("#", 0.045), (N_("Part no."), 0.14), (N_("Description"), 0.335), (N_("Qty"), 0.08),
                (N_("Unit price"), 0.11), (N_("Disc."), 0.07), (N_("Tax"), 0.06), ("Amount", 0.16))
LABOUR_COLUMNS = (("#", 0.045), (N_("Work"), 0.475), (N_("Hours"), 0.08), (N_("Rate / h"), 0.11), ("", 0.07),
                  (N_("Tax"), 0.06), ("Amount", 0.16))
STATUS_NOTES = {"converted": N_("Sold as {to}: this quote is closed."),
                "cancelled": N_("CANCELLED: this quote is no longer offered.")}


def _shop(doc: QuoteDocument) -> ShopHeader:
    return ShopHeader(name=doc.shop_name, address=doc.shop_address, phone=doc.shop_phone, tax_id=doc.shop_tax_id,
                      currency=doc.currency)


def _party_block(doc: QuoteDocument, st: Styles, width: float) -> Table:
    """Who the quote is for (and their vehicle) on the left, the number's barcode on the right."""
    left: list[Flowable] = [p(_("Quote for"), st.small)]
    if doc.customer_name:
        left.append(p(doc.customer_name, ParagraphStyle("quote_name", parent=st.bold, fontSize=11, leading=14)))
        if doc.customer_address:
            left.append(p(doc.customer_address, st.normal))
        if doc.customer_tax_id:
            left.append(p(_("Tax ID {tax_id}").format(tax_id=doc.customer_tax_id), st.normal))
    else:
        left.append(p(_("Walk-in customer"), st.bold))
    if doc.vehicle:
        left.append(p(_("Vehicle: {vehicle}").format(vehicle=doc.vehicle), st.normal))
    code = _barcode(doc.number, width=width * 0.4, height=13 * mm, bar_width=0.36 * mm)
    block = Table([[left, code]], colWidths=[width * 0.58, width * 0.42])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return block


def _description(line: QuoteDocumentLine) -> str:
    text = markup(line.description)
    if line.description_zh:
        text += f"<br/>{markup(line.description_zh)}"
    if line.kind == "core":
        deposit = _("refundable when the old part of line {line} is returned").format(line=line.core_of_line)
        text += f'<br/><font size="7">{markup(deposit)}</font>'
    return text


def _items(rows: list[list[object]], columns: tuple[tuple[str, float], ...], width: float, st: Styles) -> Table:
    """An itemised section: a shaded heading repeated on every page, numbers right, and the
    subtotal in the last row."""
    table = Table(rows, colWidths=[width * share for _label, share in columns], repeatRows=1)
    size = st.normal.fontSize
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), BASE_FONT, size, size * 1.25),
        ("FONT", (0, 0), (-1, 0), BOLD_FONT, size, size * 1.25),
        ("FONT", (0, -1), (-1, -1), BOLD_FONT, size, size * 1.25),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
        ("LINEBELOW", (0, 1), (-1, -2), 0.25, GRID),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


def _header(columns: tuple[tuple[str, float], ...], currency: str, st: Styles) -> list[object]:
    """A section's heading row, in this PC's language."""
    return [label if label in ("", "#") else _text(
        _(label) if label != "Amount" else _("Amount ({currency})").format(currency=currency), st.bold)
        for label, _share in columns]


def _parts(doc: QuoteDocument, st: Styles, width: float) -> Table:
    cur = doc.currency
    rows: list[list[object]] = [_header(PART_COLUMNS, cur, st)]
    for line in doc.parts:
        rows.append([str(line.line_no), p(line.part_number, st.normal) if line.part_number else "",
                     Paragraph(_description(line), st.normal), p(format_quantity(line.qty, line.unit), st.right),
                     money(line.unit_price, cur), format_bp(line.discount_bp) if line.discount_bp else "",
                     format_bp(line.tax_rate_bp), money(line.amount, cur)])
    rows.append(["", "", _text(_("Parts total"), st.bold), "", "", "", "", money(doc.parts_total, cur)])
    return _items(rows, PART_COLUMNS, width, st)


def _labour(doc: QuoteDocument, st: Styles, width: float) -> Table:
    cur = doc.currency
    rows: list[list[object]] = [_header(LABOUR_COLUMNS, cur, st)]
    for line in doc.labour:
        rows.append([str(line.line_no), Paragraph(_description(line), st.normal), format_quantity(line.qty),
                     money(line.unit_price, cur), "", format_bp(line.tax_rate_bp), money(line.amount, cur)])
    rows.append(["", _text(_("Labour total"), st.bold), "", "", "", "", money(doc.labour_total, cur)])
    return _items(rows, LABOUR_COLUMNS, width, st)


def _totals(doc: QuoteDocument, width: float) -> Table:
    """Tax by rate on the left, the totals on the right."""
    cur = doc.currency
    left_width, right_width = width * 0.52, width * 0.40
    bands = [[_("Tax rate"), _("Net"), _("Tax"), _("Gross")]]
    bands += [[format_bp(b.rate_bp), money(b.net, cur), money(b.tax, cur), money(b.total, cur)]
              for b in doc.tax_by_rate]
    band_table = _money_table(bands, [left_width * 0.22] + [left_width * 0.26] * 3, header=True)
    totals = [[_("Net"), money(doc.net, cur)], [_("Tax"), money(doc.tax, cur)],
              [_("Total ({currency})").format(currency=cur), money(doc.total, cur)]]
    totals_table = _money_table(totals, [right_width * 0.5, right_width * 0.5], header=False, bold_last=True)
    outer = Table([[band_table, "", totals_table]], colWidths=[left_width, width - left_width - right_width,
                                                                right_width])
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return outer


def _banner(text: str, detail: str, st: Styles) -> Table:
    style = ParagraphStyle("quote_banner", parent=st.bold, fontSize=22, leading=25, alignment=TA_CENTER,
                           textColor=COPY_RED)
    small = ParagraphStyle("quote_banner_note", parent=st.small, alignment=TA_CENTER, textColor=COPY_RED)
    banner = Table([[[Paragraph(markup(text), style), Paragraph(markup(detail), small)]]])
    banner.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, COPY_RED), ("TOPPADDING", (0, 0), (-1, -1), 3),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return banner


def quote_story(doc: QuoteDocument, *, copy: bool = False, width: float | None = None) -> list[Flowable]:
    """The quote's flowables for an A4 page's frame."""
    st = styles(8.5)
    width = width if width is not None else content_width(A4, MARGIN) - 2 * FRAME_PADDING
    facts = [(_("Number"), doc.number), (_("Date"), day(doc.at)), (_("Valid until"), day(doc.valid_until))]
    if doc.prepared_by:
        facts.append((_("Prepared by"), doc.prepared_by))
    story: list[Flowable] = [header_block(_shop(doc), _("Quote"), facts, st, width)]
    if copy or doc.copy:
        story += [gap(3), _banner(_("COPY"), _("Reprint of quote {number}").format(number=doc.number), st)]
    if doc.status in STATUS_NOTES:
        story += [gap(3), p(_(STATUS_NOTES[doc.status]).format(to=doc.converted_to), st.bold)]
    story += [gap(5), _party_block(doc, st, width), gap(4),
              p(_("The prices below hold until {date} (the last valid day); after that they are re-priced at the "
                  "prices of the day.").format(date=day(doc.valid_until)), st.normal)]
    story += [gap(4), p(_("Parts"), st.heading), _parts(doc, st, width)]
    if doc.labour:
        story += [gap(3), KeepTogether([p(_("Labour"), st.heading), _labour(doc, st, width)])]
    basis = _("Unit prices and amounts include tax.") if doc.prices_include_tax else \
        _("Unit prices and amounts exclude tax; tax is added below.")
    story += [gap(1), p(basis, st.small), gap(4), KeepTogether([_totals(doc, width)])]
    if doc.note:
        story += [gap(4), p(_("Note: {note}").format(note=doc.note), st.normal)]
    story += [gap(6), p(_("To accept, bring or quote the number {number} before {date} is over. This is an offer, "
                          "not an invoice.").format(number=doc.number, date=day(doc.valid_until)), st.small)]
    return story


def write_quote(doc: QuoteDocument, target: str | Path | BinaryIO, *, copy: bool = False) -> None:
    """Write the A4 quote ``doc`` to ``target`` (a path or a binary file), page numbers and the
    number in every page's footer. ``copy`` (or ``doc.copy``) marks a reprint."""
    marked = copy or doc.copy
    title = _("Quote {number}").format(number=doc.number)
    footer = f"{doc.shop_name} · {title} · " + _("valid until {date}").format(date=day(doc.valid_until)) + (
        " · " + _("COPY") if marked else "")
    write_pdf(target, quote_story(doc, copy=copy), title=title, footer=footer)


__all__ = ["quote_story", "write_quote"]
