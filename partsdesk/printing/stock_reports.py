"""The stock report: valuation by category, the ABC summary, dead stock and slow movers, on A4.

Input: ``services.stock_reports.StockReport`` with every figure worked out there; this module
only lays it out. Values at cost.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable

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
from partsdesk.services.stock_reports import IdleLine, StockReport


def _idle_table(lines: tuple[IdleLine, ...], report: StockReport, st: Styles, width: float, *, slow: bool):
    cur = report.currency
    columns = ((_("Bin"), 0.08), (_("Part no."), 0.15), (_("Description"), 0.27), (_("On hand"), 0.10),
               (_("Value {currency}").format(currency=cur), 0.12), (_("Last sold"), 0.13),
               (_("Months of stock") if slow else _("Sold"), 0.15))
    rows: list[list[object]] = [[label for label, _share in columns]]
    for line in lines:
        last = day(line.last_sold.date()) if line.last_sold else _("never")
        pace = (f"{line.months_of_stock}" if line.months_of_stock is not None else "—") if slow else \
            format_quantity(line.sold, line.unit)
        rows.append([line.bin, line.part_number, f"{line.description} · {line.brand}",
                     format_quantity(line.on_hand, line.unit), money(line.value, cur), last, pace])
    return grid(rows, [width * share for _label, share in columns], st, numeric=(3, 4, 6))


def stock_report_story(report: StockReport, *, width: float | None = None) -> list[Flowable]:
    st = styles(8.5)
    width = width if width is not None else content_width(A4, MARGIN)
    cur = report.currency
    facts = [(_("As of"), day(report.as_of)), (_("Sales looked at"), _("{months} months").format(months=report.months)),
             (_("Made"), day(report.made_at))]
    story: list[Flowable] = [header_block(shop_header(), _("Stock report"), facts, st, width), gap(3),
                             p(_("Sellable stock at cost: {value} {currency}. Dead stock (no sale in {months} months): "
                                 "{dead}.").format(value=money(report.total_value, cur), currency=cur,
                                                   months=report.months, dead=money(report.dead_value, cur)), st.bold),
                             p(_("Valuation by category"), st.heading)]
    rows: list[list[object]] = [[_("Category"), _("Parts in stock"), _("Value {currency}").format(currency=cur)]]
    rows += [[f"{c.name} ({c.code})", f"{c.parts:,}", money(c.value, cur)] for c in report.by_category]
    rows.append([_("Total"), f"{sum(c.parts for c in report.by_category):,}", money(report.total_value, cur)])
    story.append(grid(rows, [width * 0.6, width * 0.18, width * 0.22], st, numeric=(1, 2), total_row=True))
    story.append(p(_("ABC summary"), st.heading))
    rows = [[_("Class"), _("Parts"), _("Stock value {currency}").format(currency=cur),
             _("12 months' consumption {currency}").format(currency=cur)]]
    rows += [[c.abc_class, f"{c.parts:,}", money(c.stock_value, cur), money(c.consumption_value, cur)]
             for c in report.classes]
    story.append(grid(rows, [width * 0.16, width * 0.2, width * 0.3, width * 0.34], st, numeric=(1, 2, 3)))
    story.append(p(_("Dead stock: on hand, no sale in {months} months").format(months=report.months), st.heading))
    story.append(_idle_table(report.dead, report, st, width, slow=False) if report.dead
                 else p(_("None: every part on the shelf sold."), st.normal))
    story.append(p(_("Slow movers: more months of stock than the shelf should hold at the pace they sell"),
                   st.heading))
    story.append(_idle_table(report.slow, report, st, width, slow=True) if report.slow
                 else p(_("None."), st.normal))
    return story


def write_stock_report(report: StockReport, target: str | Path | BinaryIO) -> None:
    """Write the A4 stock report to ``target`` (a path or a binary file)."""
    title = _("Stock report {date}").format(date=day(report.as_of))
    write_pdf(target, stock_report_story(report), title=title, footer=title)


__all__ = ["stock_report_story", "write_stock_report"]
