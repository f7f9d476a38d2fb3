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
from partsdesk.i18n import _
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


def _loss(code: str) -> str:
    """A loss class as printed."""
    return _(LOSS_CLASS_LABELS[code]) if code in LOSS_CLASS_LABELS else code


def _by_reason(report: ShrinkageReport, st: Styles, width: float):
    cur = report.currency
    columns = ((_("Reason"), 0.34), (_("Loss"), 0.14), (_("Adjustments"), 0.16), (_("Quantity"), 0.16),
               (_("Value {currency}").format(currency=cur), 0.20))
    rows: list[list[object]] = [[label for label, _share in columns]]
    for total in report.by_reason:
        rows.append([total.label, _loss(total.loss_class), f"{total.adjustments:,}",
                     _signed(total.qty), money(total.value, cur)])
    rows.append([_("Normal losses"), "", "", "", money(report.normal_value, cur)])
    rows.append([_("Abnormal losses"), "", "", "", money(report.abnormal_value, cur)])
    rows.append([_("Net"), "", f"{sum(t.adjustments for t in report.by_reason):,}", "", money(report.net_value, cur)])
    return grid(rows, [width * share for _label, share in columns], st, numeric=(2, 3, 4), total_row=True)


def _by_month(report: ShrinkageReport, st: Styles, width: float):
    cur = report.currency
    columns = ((_("Month"), 0.14), (_("Reason"), 0.32), (_("Loss"), 0.14), (_("Adj."), 0.10), (_("Quantity"), 0.14),
               (_("Value {currency}").format(currency=cur), 0.16))
    rows: list[list[object]] = [[label for label, _share in columns]]
    for row in report.rows:
        rows.append([row.month.strftime("%Y-%m"), row.label, _loss(row.loss_class),
                     f"{row.adjustments:,}", _signed(row.qty), money(row.value, cur)])
    return grid(rows, [width * share for _label, share in columns], st, numeric=(3, 4, 5))


def _quarantine(report: ShrinkageReport, st: Styles, width: float):
    cur = report.currency
    rows: list[list[object]] = [[_("Quarantine"), _("Adjustments"), _("Value {currency}").format(currency=cur)]]
    for label, (n, value) in ((_("Damaged, into quarantine"), report.damaged_into_quarantine),
                              (_("Repaired, back to stock"), report.repaired_from_quarantine),
                              (_("Scrapped from quarantine"), report.scrapped_from_quarantine)):
        rows.append([label, f"{n:,}", money(value, cur)])
    rows.append([_("Held in quarantine now (today's cost)"), "", money(report.in_quarantine_value, cur)])
    return grid(rows, [width * 0.6, width * 0.18, width * 0.22], st, numeric=(1, 2), total_row=True)


def shrinkage_story(report: ShrinkageReport, *, width: float | None = None) -> list[Flowable]:
    st = styles(9)
    width = width if width is not None else content_width(A4, MARGIN)
    facts = [(_("From"), day(report.date_from)), (_("To"), day(report.date_to)), (_("Made"), day(report.made_at))]
    story: list[Flowable] = [header_block(shop_header(), _("Shrinkage report"), facts, st, width), gap(4),
                             p(_("Stock adjustments that took stock off the books or put it on, at cost ({currency}); "
                                 "below zero a loss. Net {net}: normal {normal}, abnormal {abnormal}.").format(
                                 currency=report.currency, net=money(report.net_value, report.currency),
                                 normal=money(report.normal_value, report.currency),
                                 abnormal=money(report.abnormal_value, report.currency)), st.bold),
                             p(_("By reason"), st.heading)]
    if report.by_reason:
        story += [_by_reason(report, st, width), p(_("By month"), st.heading), _by_month(report, st, width)]
    else:
        story.append(p(_("No stock was adjusted off or onto the books in these days."), st.normal))
    story += [p(_("Quarantine (stock kept in the shop: not shrinkage until scrapped)"), st.heading),
              _quarantine(report, st, width)]
    return story


def write_shrinkage_report(report: ShrinkageReport, target: str | Path | BinaryIO) -> None:
    """Write the A4 shrinkage report to ``target`` (a path or a binary file)."""
    span = f"{day(report.date_from)} – {day(report.date_to)}"
    title = _("Shrinkage report {span}").format(span=span)
    write_pdf(target, shrinkage_story(report), title=title, footer=title)


__all__ = ["shrinkage_story", "write_shrinkage_report"]
