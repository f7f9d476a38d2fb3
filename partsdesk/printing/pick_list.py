"""The A4 pick list of a phone or trade order: what the storekeeper carries along the shelves.

Input: ``services.orders.PickList`` (lines already in bin order, with what the shelves hold);
this module only lays it out. The order's number prints as a Code 128 barcode, so the counter
scans the list to find the order when the parts come back. Each line has a box to tick, and a
line the shelves cannot fill is flagged SHORT with what they hold, so the picker does not hunt
for it. The foot has the picker's and the checker's signature lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from partsdesk.domain.money import format_quantity
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
    p,
    styles,
    write_pdf,
)
from partsdesk.services.orders import PickList

SHORT_RED = colors.HexColor("#B00020")
SHORT_FILL = colors.HexColor("#FDECEE")
FRAME_PADDING = 6  # the frame's own padding on each side (reportlab's default, kept by base.write_pdf)
# (heading, share of the width)
COLUMNS = (("", 0.06), (N_("Bin"), 0.12), (N_("Part no."), 0.16), (N_("Description"), 0.38), (N_("Qty"), 0.10),
           (N_("On shelf"), 0.18))


class TickBox(Flowable):
    """An empty square the picker ticks when the line is in the basket."""

    def __init__(self, size: float = 4.5 * mm) -> None:
        super().__init__()
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.setLineWidth(0.9)
        self.canv.rect(0, 0, self.size, self.size)


def _lines_table(doc: PickList, st: Styles, width: float) -> Table:
    rows: list[list[object]] = [[_cell(_(label), st.bold) if label else "" for label, _share in COLUMNS]]
    commands: list[tuple] = []
    for row_no, line in enumerate(doc.lines, start=1):
        description = markup(line.description)
        if line.description_zh:
            description += f"<br/>{markup(line.description_zh)}"
        if line.brand:
            description += f'<br/><font size="7">{markup(line.brand)}</font>'
        on_shelf = format_quantity(line.available, line.unit)
        if line.short:
            shelf = Paragraph(f'<font color="#B00020"><b>{markup(_("SHORT"))}</b></font><br/>'
                              f'{markup(_("{qty} on shelf").format(qty=on_shelf))}', st.right)
            commands.append(("BACKGROUND", (1, row_no), (-1, row_no), SHORT_FILL))
        else:
            shelf = Paragraph(markup(on_shelf), st.right)
        rows.append([TickBox(), Paragraph(f"<b>{markup(line.bin or _('(no bin)'))}</b>", st.normal),
                     p(line.part_number, st.normal), Paragraph(description, st.normal),
                     Paragraph(f"<b>{markup(format_quantity(line.qty, line.unit))}</b>", st.right), shelf])
    table = Table(rows, colWidths=[width * share for _label, share in COLUMNS], repeatRows=1)
    size = st.normal.fontSize
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), BOLD_FONT, size, size * 1.25),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("ALIGN", (4, 0), (-1, 0), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        *commands,
    ]))
    return table


def _cell(text: str, style: ParagraphStyle) -> object:
    """A table cell in the table's own font: plain ASCII stays a string; anything else a Paragraph in
    ``style``, so a heading or label in Chinese prints in the Chinese font."""
    return text if text.isascii() else p(text, style)


def _party_block(doc: PickList, st: Styles, width: float) -> Table:
    """Who the parts are for on the left, the order number's barcode on the right."""
    left: list[Flowable] = [p(_("For"), st.small)]
    if doc.customer_name:
        left.append(p(doc.customer_name, ParagraphStyle("for_name", parent=st.bold, fontSize=12, leading=15)))
    else:
        left.append(p(_("No customer on file"), st.bold))
    if doc.reference:
        order = _("{channel} order, reference {reference}").format(channel=doc.channel_label, reference=doc.reference)
    else:
        order = _("{channel} order").format(channel=doc.channel_label)
    left.append(p(order, st.normal))
    code = barcode(doc.number, height=14 * mm, bar_width=0.4 * mm)
    code.hAlign = "RIGHT"
    block = Table([[left, code]], colWidths=[width * 0.58, width * 0.42])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return block


def _signatures(st: Styles, width: float) -> Table:
    """Blank lines for the picker and whoever checks the basket, each with a date."""
    date = _cell(_("Date"), st.normal)
    rows = [[_cell(_("Picked by"), st.normal), "", date, ""], [_cell(_("Checked by"), st.normal), "", date, ""]]
    table = Table(rows, colWidths=[width * 0.14, width * 0.46, width * 0.08, width * 0.32], rowHeights=11 * mm)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), BASE_FONT, st.normal.fontSize + 0.5),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LINEBELOW", (1, 0), (1, -1), 0.7, colors.black),
        ("LINEBELOW", (3, 0), (3, -1), 0.7, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def pick_list_story(doc: PickList, *, width: float | None = None) -> list[Flowable]:
    """The pick list's flowables for an A4 page's frame."""
    st = styles(9)
    width = width if width is not None else content_width(A4, MARGIN) - 2 * FRAME_PADDING
    shop = ShopHeader(name=doc.shop_name, address=doc.shop_address, phone=doc.shop_phone, tax_id=doc.shop_tax_id,
                      currency=doc.currency)
    facts = [(_("Order"), doc.number), (_("Taken"), day(doc.at))]
    if doc.taken_by:
        facts.append((_("Taken by"), doc.taken_by))
    facts.append((_("Printed"), day(doc.printed_at)))
    if doc.status == "picked":
        picked = (_("{when} by {name}").format(when=day(doc.picked_at), name=doc.picked_by) if doc.picked_by
                  else day(doc.picked_at))
        facts.append((_("Picked"), picked))
    elif doc.status == "sold":
        facts.append((_("Sold as"), doc.sold_as))
    elif doc.status == "cancelled":
        facts.append((_("Status"), _("CANCELLED")))
    story: list[Flowable] = [header_block(shop, _("Pick list"), facts, st, width), gap(5),
                             _party_block(doc, st, width)]
    if doc.note:
        story += [gap(2), p(_("Note: {note}").format(note=doc.note), st.normal)]
    count = len(doc.lines)
    summary = markup(_("{count} line(s), in the order of the bins.").format(count=count))
    if doc.short_lines:
        short = f'<font color="#B00020"><b>{markup(_("SHORT"))}</b></font>'
        summary += " " + markup(_("{count} line(s) {short}: pick what the shelf holds and tell the counter.")
                                .format(count=doc.short_lines, short="\0")).replace("\0", short)
    story += [gap(5), Paragraph(summary, st.normal), gap(2), _lines_table(doc, st, width)]
    story += [gap(10), KeepTogether([_signatures(st, width)])]
    return story


def write_pick_list(doc: PickList, target: str | Path | BinaryIO) -> None:
    """Write the A4 pick list of ``doc`` to ``target`` (a path or a binary file), the order's
    number and the page in every page's footer."""
    title = _("Pick list {number}").format(number=doc.number)
    write_pdf(target, pick_list_story(doc), title=title, footer=f"{doc.shop_name} · {title}")


__all__ = ["pick_list_story", "write_pick_list"]
