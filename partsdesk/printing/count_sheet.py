"""Stock count documents: the count sheet a counter carries along the shelves, and the variance
report the manager approves.

Input: ``services.counts.CountSheet`` and ``services.counts.Review``, with every total already
worked out there; this module only lays them out. The count sheet goes by bin, with an empty box
for the count; a blind sheet has no book quantity (the counter counts what is there, not what
the book says). The count's number prints as a Code 128 barcode so the screen finds the count by
a scan. The variance report shows each part's difference by quantity and value at cost, the
state of its count (counted, counted zero at finishing, recounted), what sold while the count
ran (information: it stays sold), unknown barcodes, and inventory record accuracy per ABC class
with plus and minus errors apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
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
    Styles,
    barcode,
    content_width,
    day,
    gap,
    grid,
    header_block,
    markup,
    money,
    p,
    shop_header,
    styles,
    write_pdf,
)
from partsdesk.services.counts import CountSheet, CountSummary, Review, VarianceLine

FRAME_PADDING = 6
OUT_FILL = colors.HexColor("#FDECEE")
STATE_LABELS = {"counted": N_("counted"), "zeroed": N_("not counted: zero"), "recount": N_("RECOUNT asked"),
                "recounted": N_("recounted")}
UNCOUNTED_LABELS = {"": "", "leave": N_("left as they were"), "zero": N_("counted as zero")}
STATUS_LABELS = {"open": N_("Open"), "finished": N_("Finished, to approve"), "posted": N_("Posted"),
                 "cancelled": N_("CANCELLED")}


def _label(labels: dict[str, str], code: str) -> str:
    """The printed label of ``code`` in ``labels``, in this PC's language (the code itself if it has none)."""
    return _(labels[code]) if labels.get(code) else code


def _cell(text: str, style: ParagraphStyle) -> object:
    """A table cell in the table's own font: plain ASCII stays a string; anything else a Paragraph in
    ``style``, so a heading or label in Chinese prints in the Chinese font."""
    return text if text.isascii() else p(text, style)


def _facts(session: CountSummary) -> list[tuple[str, str]]:
    facts = [(_("Count"), session.number), (_("Scope"), session.scope.describe()), (_("Location"), session.location),
             (_("Started"), _("{when} by {name}").format(when=day(session.started_at), name=session.started_by)),
             (_("Status"), _label(STATUS_LABELS, session.status))]
    if session.posted_at:
        facts.append((_("Posted"), _("{when} by {name}").format(when=day(session.posted_at), name=session.posted_by)))
    return facts


def _count_box_table(sheet: CountSheet, st: Styles, width: float) -> Table:
    if sheet.with_book:
        columns = ((_("Bin"), 0.12), (_("Part no."), 0.17), (_("Description"), 0.39), (_("Book"), 0.10),
                   (_("Counted"), 0.22))
    else:
        columns = ((_("Bin"), 0.13), (_("Part no."), 0.19), (_("Description"), 0.46), (_("Counted"), 0.22))
    rows: list[list[object]] = [[_cell(label, st.bold) for label, _share in columns]]
    for line in sheet.lines:
        description = markup(line.description)
        if line.description_zh:
            description += f"<br/>{markup(line.description_zh)}"
        if line.brand:
            description += f'<br/><font size="7">{markup(line.brand)}</font>'
        row: list[object] = [Paragraph(f"<b>{markup(line.bin or _('(no bin)'))}</b>", st.normal),
                             p(line.part_number, st.normal), Paragraph(description, st.normal)]
        if sheet.with_book:
            row.append(p(format_quantity(line.book or 0, line.unit), st.right))
        row.append(p(line.unit if line.unit != "pcs" else "", st.small))
        rows.append(row)
    table = Table(rows, colWidths=[width * share for _label, share in columns], repeatRows=1)
    size = st.normal.fontSize
    counted = len(columns) - 1
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), BOLD_FONT, size, size * 1.25),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("BOX", (counted, 1), (counted, -1), 0.8, colors.black),  # the box the count is written in
        ("INNERGRID", (counted, 1), (counted, -1), 0.8, colors.black),
        ("ALIGN", (counted - 1 if sheet.with_book else counted, 0), (-1, 0), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table


def _signatures(st: Styles, width: float, who: tuple[str, str]) -> Table:
    date = _("Date")
    rows = [[_cell(who[0], st.normal), "", _cell(date, st.normal), ""],
            [_cell(who[1], st.normal), "", _cell(date, st.normal), ""]]
    table = Table(rows, colWidths=[width * 0.16, width * 0.44, width * 0.08, width * 0.32], rowHeights=11 * mm)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), BASE_FONT, st.normal.fontSize + 0.5),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LINEBELOW", (1, 0), (1, -1), 0.7, colors.black),
        ("LINEBELOW", (3, 0), (3, -1), 0.7, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def _number_block(session: CountSummary, lead: list[Flowable], width: float) -> Table:
    code = barcode(session.number, height=12 * mm, bar_width=0.38 * mm)
    code.hAlign = "RIGHT"
    block = Table([[lead, code]], colWidths=[width * 0.6, width * 0.4])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return block


def count_sheet_story(sheet: CountSheet, *, width: float | None = None) -> list[Flowable]:
    st = styles(9)
    width = width if width is not None else content_width(A4, MARGIN) - 2 * FRAME_PADDING
    session = sheet.session
    facts = [*_facts(session), (_("Printed"), day(sheet.printed_at))]
    kind = _("Blind count: count what is on the shelf") if not sheet.with_book else _("With book quantities")
    lead: list[Flowable] = [p(kind, st.bold), p(_("{count:,} part(s), in the order of the bins. Write the count in "
                                                  "the box; 0 when there is none.").format(count=len(sheet.lines)),
                                                st.normal)]
    if session.note:
        lead.append(p(_("Note: {note}").format(note=session.note), st.normal))
    story: list[Flowable] = [header_block(shop_header(), _("Count sheet"), facts, st, width), gap(4),
                             _number_block(session, lead, width), gap(4), _count_box_table(sheet, st, width)]
    story += [gap(10), KeepTogether([_signatures(st, width, (_("Counted by"), _("Checked by")))])]
    return story


def write_count_sheet(sheet: CountSheet, target: str | Path | BinaryIO) -> None:
    """Write the A4 count sheet of ``sheet`` to ``target`` (a path or a binary file)."""
    title = _("Count sheet {number}").format(number=sheet.session.number)
    write_pdf(target, count_sheet_story(sheet), title=title,
              footer=f"{title} · {_('blind') if not sheet.with_book else _('with book')}")


def _qty(milli: int, unit: str) -> str:
    text = format_quantity(milli, unit)
    return f"+{text}" if milli > 0 else text


def _variance_table(lines: tuple[VarianceLine, ...], review: Review, st: Styles, width: float) -> Table:
    columns = ((_("Bin"), 0.08), (_("Part no."), 0.13), (_("Description"), 0.22), (_("Class"), 0.07),
               (_("Book"), 0.08), (_("Counted"), 0.10), (_("Diff."), 0.08),
               (_("Value {currency}").format(currency=review.currency), 0.11), (_("State"), 0.13))
    rows: list[list[object]] = [[label for label, _share in columns]]
    shading: list[tuple] = []
    for index, line in enumerate(lines, start=1):
        rows.append([line.bin or "", line.part_number, line.description, line.abc_class,
                     format_quantity(line.book, line.unit), format_quantity(line.counted, line.unit),
                     _qty(line.difference, line.unit), money(line.value, review.currency),
                     _label(STATE_LABELS, line.state) + ("" if line.within_tolerance else " · " + _("out"))])
        if not line.within_tolerance:
            shading.append(("BACKGROUND", (0, index), (-1, index), OUT_FILL))
    table = grid(rows, [width * share for _label, share in columns], st, numeric=(4, 5, 6, 7))
    table.setStyle(TableStyle(shading))
    return table


def _sold_table(review: Review, st: Styles, width: float) -> Table:
    columns = ((_("Part no."), 0.18), (_("Description"), 0.34), (_("Book at count"), 0.16),
               (_("Moved since"), 0.16), (_("After posting"), 0.16))
    rows: list[list[object]] = [[label for label, _share in columns]]
    for line in review.sold_lines:
        rows.append([line.part_number, line.description, format_quantity(line.book, line.unit),
                     _qty(line.moves_since, line.unit), format_quantity(line.after_posting, line.unit)])
    return grid(rows, [width * share for _label, share in columns], st, numeric=(2, 3, 4))


def _accuracy_table(review: Review, st: Styles, width: float) -> Table:
    columns = ((_("Class"), 0.08), (_("Tolerance"), 0.11), (_("Lines"), 0.09), (_("Within"), 0.09),
               (_("Accuracy"), 0.11), (_("Plus lines"), 0.12), (_("Plus {currency}").format(currency=review.currency),
                                                               0.12),
               (_("Minus lines"), 0.13), (_("Minus {currency}").format(currency=review.currency), 0.15))
    rows: list[list[object]] = [[label for label, _share in columns]]
    for abc_class, acc in review.accuracy.items():
        rows.append([abc_class, format_bp(review.tolerances_bp.get(abc_class, 0)), f"{acc.lines:,}",
                     f"{acc.within:,}", format_bp(acc.accuracy_bp), f"{acc.plus_lines:,}",
                     money(acc.plus_value, review.currency), f"{acc.minus_lines:,}",
                     money(acc.minus_value, review.currency)])
    return grid(rows, [width * share for _label, share in columns], st, numeric=(1, 2, 3, 4, 5, 6, 7, 8))


def variance_report_story(review: Review, *, width: float | None = None) -> list[Flowable]:
    st = styles(8.5)
    width = width if width is not None else content_width(A4, MARGIN) - 2 * FRAME_PADDING
    session = review.session
    facts = _facts(session)
    if session.uncounted:
        facts.append((_("Uncounted parts"), _label(UNCOUNTED_LABELS, session.uncounted)))
    summary = [p(_("{counted:,} part(s) counted; {out:,} out of tolerance; {waiting:,} waiting for a recount.").format(
                 counted=len(review.lines), out=len(review.out_of_tolerance), waiting=len(review.pending_recounts)),
                 st.normal),
               p(_("Found more: {plus} · found less: {minus} · net {net} {currency} at cost.").format(
                 plus=money(review.plus_value, review.currency), minus=money(review.minus_value, review.currency),
                 net=money(review.net_value, review.currency), currency=review.currency), st.bold)]
    if review.unclassed:
        summary.append(p(_("No part has an ABC class yet: every part is held to class C's tolerance."), st.small))
    story: list[Flowable] = [header_block(shop_header(), _("Variance report"), facts, st, width), gap(4),
                             _number_block(session, summary, width), gap(3),
                             p(_("Differences (counted − book at count)"), st.heading)]
    if review.lines:
        story.append(_variance_table(review.lines, review, st, width))
    else:
        story.append(p(_("Nothing was counted."), st.normal))
    story += [p(_("Sold during the count"), st.heading),
              p(_("Moves after each part was counted (sales, receipts, returns). They stay: posting adds only the "
                  "difference at the moment of counting."), st.small), gap(1)]
    story.append(_sold_table(review, st, width) if review.sold_lines else p(_("Nothing moved during the count."),
                                                                            st.normal))
    if review.unknown:
        story += [p(_("Unknown barcodes"), st.heading),
                  p(_("Scanned but no part has them; not posted. Link each to its part, or leave it."), st.small),
                  gap(1), grid([[_("Barcode"), _("Scanned"), _("By")],
                                *[[u.code, format_quantity(u.qty), ", ".join(u.counters)] for u in review.unknown]],
                               [width * 0.35, width * 0.15, width * 0.5], st, numeric=(1,))]
    story += [p(_("Inventory record accuracy"), st.heading),
              p(_("Share of counted lines within their class's tolerance; plus and minus errors are kept apart and "
                  "never net out."), st.small), gap(1), _accuracy_table(review, st, width)]
    story += [gap(10), KeepTogether([_signatures(st, width, (_("Reviewed by"), _("Approved by")))])]
    return story


def write_variance_report(review: Review, target: str | Path | BinaryIO) -> None:
    """Write the A4 variance report of ``review`` to ``target`` (a path or a binary file)."""
    title = _("Variance report {number}").format(number=review.session.number)
    write_pdf(target, variance_report_story(review), title=title, footer=title)


__all__ = ["count_sheet_story", "variance_report_story", "write_count_sheet", "write_variance_report"]
