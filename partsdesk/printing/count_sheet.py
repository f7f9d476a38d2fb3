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
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from partsdesk.domain.money import format_bp, format_quantity
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
STATE_LABELS = {"counted": "counted", "zeroed": "not counted: zero", "recount": "RECOUNT asked",
                "recounted": "recounted"}
UNCOUNTED_LABELS = {"": "", "leave": "left as they were", "zero": "counted as zero"}
STATUS_LABELS = {"open": "Open", "finished": "Finished, to approve", "posted": "Posted", "cancelled": "CANCELLED"}


def _facts(session: CountSummary) -> list[tuple[str, str]]:
    facts = [("Count", session.number), ("Scope", session.scope.describe()), ("Location", session.location),
             ("Started", f"{day(session.started_at)} by {session.started_by}"),
             ("Status", STATUS_LABELS.get(session.status, session.status))]
    if session.posted_at:
        facts.append(("Posted", f"{day(session.posted_at)} by {session.posted_by}"))
    return facts


def _count_box_table(sheet: CountSheet, st: Styles, width: float) -> Table:
    if sheet.with_book:
        columns = (("Bin", 0.12), ("Part no.", 0.17), ("Description", 0.39), ("Book", 0.10), ("Counted", 0.22))
    else:
        columns = (("Bin", 0.13), ("Part no.", 0.19), ("Description", 0.46), ("Counted", 0.22))
    rows: list[list[object]] = [[label for label, _ in columns]]
    for line in sheet.lines:
        description = markup(line.description)
        if line.description_zh:
            description += f"<br/>{markup(line.description_zh)}"
        if line.brand:
            description += f'<br/><font size="7">{markup(line.brand)}</font>'
        row: list[object] = [Paragraph(f"<b>{markup(line.bin or '(no bin)')}</b>", st.normal),
                             p(line.part_number, st.normal), Paragraph(description, st.normal)]
        if sheet.with_book:
            row.append(p(format_quantity(line.book or 0, line.unit), st.right))
        row.append(p(line.unit if line.unit != "pcs" else "", st.small))
        rows.append(row)
    table = Table(rows, colWidths=[width * share for _, share in columns], repeatRows=1)
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
    rows = [[who[0], "", "Date", ""], [who[1], "", "Date", ""]]
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
    facts = [*_facts(session), ("Printed", day(sheet.printed_at))]
    kind = "Blind count: count what is on the shelf" if not sheet.with_book else "With book quantities"
    lead: list[Flowable] = [p(kind, st.bold), p(f"{len(sheet.lines):,} part(s), in the order of the bins. Write the "
                                                "count in the box; 0 when there is none.", st.normal)]
    if session.note:
        lead.append(p(f"Note: {session.note}", st.normal))
    story: list[Flowable] = [header_block(shop_header(), "Count sheet", facts, st, width), gap(4),
                             _number_block(session, lead, width), gap(4), _count_box_table(sheet, st, width)]
    story += [gap(10), KeepTogether([_signatures(st, width, ("Counted by", "Checked by"))])]
    return story


def write_count_sheet(sheet: CountSheet, target: str | Path | BinaryIO) -> None:
    """Write the A4 count sheet of ``sheet`` to ``target`` (a path or a binary file)."""
    write_pdf(target, count_sheet_story(sheet), title=f"Count sheet {sheet.session.number}",
              footer=f"Count sheet {sheet.session.number} · {'blind' if not sheet.with_book else 'with book'}")


def _qty(milli: int, unit: str) -> str:
    text = format_quantity(milli, unit)
    return f"+{text}" if milli > 0 else text


def _variance_table(lines: tuple[VarianceLine, ...], review: Review, st: Styles, width: float) -> Table:
    columns = (("Bin", 0.08), ("Part no.", 0.13), ("Description", 0.22), ("Class", 0.07), ("Book", 0.08),
               ("Counted", 0.10), ("Diff.", 0.08), (f"Value {review.currency}", 0.11), ("State", 0.13))
    rows: list[list[object]] = [[label for label, _ in columns]]
    shading: list[tuple] = []
    for index, line in enumerate(lines, start=1):
        rows.append([line.bin or "", line.part_number, line.description, line.abc_class,
                     format_quantity(line.book, line.unit), format_quantity(line.counted, line.unit),
                     _qty(line.difference, line.unit), money(line.value, review.currency),
                     STATE_LABELS.get(line.state, line.state) + ("" if line.within_tolerance else " · out")])
        if not line.within_tolerance:
            shading.append(("BACKGROUND", (0, index), (-1, index), OUT_FILL))
    table = grid(rows, [width * share for _, share in columns], st, numeric=(4, 5, 6, 7))
    table.setStyle(TableStyle(shading))
    return table


def _sold_table(review: Review, st: Styles, width: float) -> Table:
    columns = (("Part no.", 0.18), ("Description", 0.34), ("Book at count", 0.16), ("Moved since", 0.16),
               ("After posting", 0.16))
    rows: list[list[object]] = [[label for label, _ in columns]]
    for line in review.sold_lines:
        rows.append([line.part_number, line.description, format_quantity(line.book, line.unit),
                     _qty(line.moves_since, line.unit), format_quantity(line.after_posting, line.unit)])
    return grid(rows, [width * share for _, share in columns], st, numeric=(2, 3, 4))


def _accuracy_table(review: Review, st: Styles, width: float) -> Table:
    columns = (("Class", 0.08), ("Tolerance", 0.11), ("Lines", 0.09), ("Within", 0.09), ("Accuracy", 0.11),
               ("Plus lines", 0.12), (f"Plus {review.currency}", 0.12), ("Minus lines", 0.13),
               (f"Minus {review.currency}", 0.15))
    rows: list[list[object]] = [[label for label, _ in columns]]
    for abc_class, acc in review.accuracy.items():
        rows.append([abc_class, format_bp(review.tolerances_bp.get(abc_class, 0)), f"{acc.lines:,}",
                     f"{acc.within:,}", format_bp(acc.accuracy_bp), f"{acc.plus_lines:,}",
                     money(acc.plus_value, review.currency), f"{acc.minus_lines:,}",
                     money(acc.minus_value, review.currency)])
    return grid(rows, [width * share for _, share in columns], st, numeric=(1, 2, 3, 4, 5, 6, 7, 8))


def variance_report_story(review: Review, *, width: float | None = None) -> list[Flowable]:
    st = styles(8.5)
    width = width if width is not None else content_width(A4, MARGIN) - 2 * FRAME_PADDING
    session = review.session
    facts = _facts(session)
    if session.uncounted:
        facts.append(("Uncounted parts", UNCOUNTED_LABELS.get(session.uncounted, session.uncounted)))
    summary = [p(f"{len(review.lines):,} part(s) counted; {len(review.out_of_tolerance):,} out of tolerance; "
                 f"{len(review.pending_recounts):,} waiting for a recount.", st.normal),
               p(f"Found more: {money(review.plus_value, review.currency)} · found less: "
                 f"{money(review.minus_value, review.currency)} · net {money(review.net_value, review.currency)} "
                 f"{review.currency} at cost.", st.bold)]
    if review.unclassed:
        summary.append(p("No part has an ABC class yet: every part is held to class C's tolerance.", st.small))
    story: list[Flowable] = [header_block(shop_header(), "Variance report", facts, st, width), gap(4),
                             _number_block(session, summary, width), gap(3),
                             p("Differences (counted − book at count)", st.heading)]
    if review.lines:
        story.append(_variance_table(review.lines, review, st, width))
    else:
        story.append(p("Nothing was counted.", st.normal))
    story += [p("Sold during the count", st.heading),
              p("Moves after each part was counted (sales, receipts, returns). They stay: posting adds only the "
                "difference at the moment of counting.", st.small), gap(1)]
    story.append(_sold_table(review, st, width) if review.sold_lines else p("Nothing moved during the count.",
                                                                            st.normal))
    if review.unknown:
        story += [p("Unknown barcodes", st.heading),
                  p("Scanned but no part has them; not posted. Link each to its part, or leave it.", st.small),
                  gap(1), grid([["Barcode", "Scanned", "By"],
                                *[[u.code, format_quantity(u.qty), ", ".join(u.counters)] for u in review.unknown]],
                               [width * 0.35, width * 0.15, width * 0.5], st, numeric=(1,))]
    story += [p("Inventory record accuracy", st.heading),
              p("Share of counted lines within their class's tolerance; plus and minus errors are kept apart and "
                "never net out.", st.small), gap(1), _accuracy_table(review, st, width)]
    story += [gap(10), KeepTogether([_signatures(st, width, ("Reviewed by", "Approved by"))])]
    return story


def write_variance_report(review: Review, target: str | Path | BinaryIO) -> None:
    """Write the A4 variance report of ``review`` to ``target`` (a path or a binary file)."""
    write_pdf(target, variance_report_story(review), title=f"Variance report {review.session.number}",
              footer=f"Variance report {review.session.number}")


__all__ = ["count_sheet_story", "variance_report_story", "write_count_sheet", "write_variance_report"]
