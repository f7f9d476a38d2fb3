"""The shrinkage report: what stock adjustments took off the books (and put on) between two days,
by reason and month, normal and abnormal losses apart, with the quarantine's flow beside it.

Input: ``services.adjustments.ShrinkageReport`` with every total worked out there; this module
only lays it out. Quantities are added over different parts, so they print as units counted,
without a unit; values are at cost, negative a loss.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable

from partsdesk.domain.adjustments import LOSS_CLASS_LABELS
from partsdesk.domain.money import format_quantity
from partsdesk.printing.base import (
    MARGIN,
    Styles,
    content_width,
    day,
    gap,
    grid,
    header_block,
    money,
    p,
    shop_header,
    styles,
    write_pdf,
)
from partsdesk.services.adjustments import ShrinkageReport


def _signed(milli: int) -> str:
    text = format_quantity(milli)
    return f"+{text}" if milli > 0 else text


def _by_reason(report: ShrinkageReport, st: Styles, width: float):
    cur = report.currency
    columns = (("Reason", 0.34), ("Loss", 0.14), ("Adjustments", 0.16), ("Quantity", 0.16), (f"Value {cur}", 0.20))
    rows: list[list[object]] = [[label for label, _ in columns]]
    for total in report.by_reason:
        rows.append([total.label, LOSS_CLASS_LABELS.get(total.loss_class, total.loss_class), f"{total.adjustments:,}",
                     _signed(total.qty), money(total.value, cur)])
    rows.append(["Normal losses", "", "", "", money(report.normal_value, cur)])
    rows.append(["Abnormal losses", "", "", "", money(report.abnormal_value, cur)])
    rows.append(["Net", "", f"{sum(t.adjustments for t in report.by_reason):,}", "", money(report.net_value, cur)])
    return grid(rows, [width * share for _, share in columns], st, numeric=(2, 3, 4), total_row=True)


def _by_month(report: ShrinkageReport, st: Styles, width: float):
    cur = report.currency
    columns = (("Month", 0.14), ("Reason", 0.32), ("Loss", 0.14), ("Adj.", 0.10), ("Quantity", 0.14),
               (f"Value {cur}", 0.16))
    rows: list[list[object]] = [[label for label, _ in columns]]
    for row in report.rows:
        rows.append([row.month.strftime("%Y-%m"), row.label, LOSS_CLASS_LABELS.get(row.loss_class, row.loss_class),
                     f"{row.adjustments:,}", _signed(row.qty), money(row.value, cur)])
    return grid(rows, [width * share for _, share in columns], st, numeric=(3, 4, 5))


def _quarantine(report: ShrinkageReport, st: Styles, width: float):
    cur = report.currency
    rows: list[list[object]] = [["Quarantine", "Adjustments", f"Value {cur}"]]
    for label, (n, value) in (("Damaged, into quarantine", report.damaged_into_quarantine),
                              ("Repaired, back to stock", report.repaired_from_quarantine),
                              ("Scrapped from quarantine", report.scrapped_from_quarantine)):
        rows.append([label, f"{n:,}", money(value, cur)])
    rows.append(["Held in quarantine now (today's cost)", "", money(report.in_quarantine_value, cur)])
    return grid(rows, [width * 0.6, width * 0.18, width * 0.22], st, numeric=(1, 2), total_row=True)


def shrinkage_story(report: ShrinkageReport, *, width: float | None = None) -> list[Flowable]:
    st = styles(9)
    width = width if width is not None else content_width(A4, MARGIN)
    facts = [("From", day(report.date_from)), ("To", day(report.date_to)), ("Made", day(report.made_at))]
    story: list[Flowable] = [header_block(shop_header(), "Shrinkage report", facts, st, width), gap(4),
                             p(f"Stock adjustments that took stock off the books or put it on, at cost "
                               f"({report.currency}); below zero a loss. Net {money(report.net_value, report.currency)}"
                               f": normal {money(report.normal_value, report.currency)}, abnormal "
                               f"{money(report.abnormal_value, report.currency)}.", st.bold),
                             p("By reason", st.heading)]
    if report.by_reason:
        story += [_by_reason(report, st, width), p("By month", st.heading), _by_month(report, st, width)]
    else:
        story.append(p("No stock was adjusted off or onto the books in these days.", st.normal))
    story += [p("Quarantine (stock kept in the shop: not shrinkage until scrapped)", st.heading),
              _quarantine(report, st, width)]
    return story


def write_shrinkage_report(report: ShrinkageReport, target: str | Path | BinaryIO) -> None:
    """Write the A4 shrinkage report to ``target`` (a path or a binary file)."""
    span = f"{day(report.date_from)} – {day(report.date_to)}"
    write_pdf(target, shrinkage_story(report), title=f"Shrinkage report {span}", footer=f"Shrinkage report {span}")


__all__ = ["shrinkage_story", "write_shrinkage_report"]
