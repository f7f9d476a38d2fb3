"""The A4 purchase order sent to the supplier: the shop and the supplier (contact, terms), the PO
number as a Code 128 barcode (the storekeeper scans it to receive the delivery against the order),
the expected date, the lines with the supplier's own part numbers beside ours, quantities, prices
and the total.

Input: ``services.purchasing.PurchaseOrderDocument`` (the saved order, totals worked out); this
only lays it out. A draft prints DRAFT and a cancelled or closed order says so under the title, so
a stray printout is never taken for a live order. Chinese names print in the Chinese font.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

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
from partsdesk.services.purchasing import PurchaseOrderDocument

COLUMNS = (("#", 0.05), (N_("Your part no."), 0.17), (N_("Our part no."), 0.15), (N_("Description"), 0.29),
           (N_("Qty"), 0.09), (N_("Unit price"), 0.11), ("Amount", 0.14))
STATUS_NOTES = {"draft": N_("DRAFT: not yet an order."), "cancelled": N_("CANCELLED: do not deliver."),
                "closed": N_("CLOSED: nothing more is expected on this order.")}


def _shop(doc: PurchaseOrderDocument) -> ShopHeader:
    return ShopHeader(name=doc.shop_name, address=doc.shop_address, phone=doc.shop_phone, tax_id=doc.shop_tax_id,
                      currency=doc.currency)


def _party_block(doc: PurchaseOrderDocument, st: Styles, width: float) -> Table:
    """The supplier (and whom to talk to) on the left, the PO number's barcode on the right."""
    supplier = doc.supplier
    left: list[Flowable] = [p(_("Supplier"), st.small),
                            p(supplier.name, ParagraphStyle("po_supplier", parent=st.bold, fontSize=11, leading=14))]
    if supplier.address:
        left.append(p(supplier.address, st.normal))
    contact = ", ".join(part for part in (supplier.contact_person, supplier.phone, supplier.email) if part)
    if contact:
        left.append(p(_("Attn. {contact}").format(contact=contact), st.normal))
    if supplier.payment_terms:
        left.append(p(_("Payment terms: {terms}").format(terms=supplier.payment_terms), st.normal))
    code = _barcode(doc.order.number, width=width * 0.4, height=13 * mm, bar_width=0.36 * mm)
    block = Table([[left, code]], colWidths=[width * 0.58, width * 0.42])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return block


def _lines(doc: PurchaseOrderDocument, st: Styles, width: float) -> Table:
    cur = doc.currency
    rows: list[list[object]] = [[label if label == "#" else _text(
        _(label) if label != "Amount" else _("Amount ({currency})").format(currency=cur), st.bold)
        for label, _share in COLUMNS]]
    for index, line in enumerate(doc.order.lines, start=1):
        description = markup(line.description)
        if line.brand:
            description += f'<br/><font size="7">{markup(line.brand)}</font>'
        rows.append([str(index), Paragraph(f"<b>{markup(line.supplier_number or '—')}</b>", st.normal),
                     p(line.part_number, st.normal), Paragraph(description, st.normal),
                     p(format_quantity(line.qty, line.unit), st.right), money(line.unit_price, cur),
                     money(line.amount, cur)])
    table = Table(rows, colWidths=[width * share for _label, share in COLUMNS], repeatRows=1)
    size = st.normal.fontSize
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), BASE_FONT, size, size * 1.25),
        ("FONT", (0, 0), (-1, 0), BOLD_FONT, size, size * 1.25),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("ALIGN", (4, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


def _totals(doc: PurchaseOrderDocument, width: float) -> Table:
    cur = doc.currency
    lines = doc.order.lines
    right = width * 0.40
    rows = [[_("Lines"), str(len(lines))], [_("Total ({currency})").format(currency=cur), money(doc.order.total, cur)]]
    totals = _money_table(rows, [right * 0.5, right * 0.5], header=False, bold_last=True)
    outer = Table([["", totals]], colWidths=[width - right, right])
    outer.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return outer


def purchase_order_story(doc: PurchaseOrderDocument, *, width: float | None = None) -> list[Flowable]:
    """The purchase order's flowables for an A4 page's frame."""
    st = styles(8.5)
    width = width if width is not None else content_width(A4, MARGIN) - 2 * FRAME_PADDING
    order = doc.order
    facts = [(_("Number"), order.number), (_("Date"), day((order.sent_at or order.created_at).date())),
             (_("Expected"), day(order.expected_date) if order.expected_date else _("as soon as possible"))]
    if order.created_by:
        facts.append((_("Ordered by"), order.created_by))
    story: list[Flowable] = [header_block(_shop(doc), _("Purchase order"), facts, st, width)]
    if order.status in STATUS_NOTES:
        story += [gap(3), Paragraph(f'<font color="#{COPY_RED.hexval()[2:]}"><b>'
                                    f"{markup(_(STATUS_NOTES[order.status]))}</b></font>",
                                    ParagraphStyle("po_status", parent=st.bold, fontSize=13, leading=16))]
    story += [gap(5), _party_block(doc, st, width), gap(6), _lines(doc, st, width), gap(4),
              KeepTogether([_totals(doc, width)])]
    basis = _("Prices in {currency} per unit as agreed; please quote our PO number {number} on the delivery note "
              "and the invoice.").format(currency=doc.currency, number=order.number)
    story += [gap(3), p(basis, st.small)]
    if order.note:
        story += [gap(3), p(_("Note: {note}").format(note=order.note), st.normal)]
    return story


def write_purchase_order(doc: PurchaseOrderDocument, target: str | Path | BinaryIO) -> None:
    """Write the A4 purchase order of ``doc`` to ``target`` (a path or a binary file), the PO
    number and the page in every page's footer."""
    title = _("Purchase order {number}").format(number=doc.order.number)
    footer = f"{doc.shop_name} · {title} · {doc.supplier.name}"
    write_pdf(target, purchase_order_story(doc), title=title, footer=footer)


__all__ = ["purchase_order_story", "write_purchase_order"]
