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
    columns = (("Bin", 0.08), ("Part no.", 0.15), ("Description", 0.27), ("On hand", 0.10),
               (f"Value {cur}", 0.12), ("Last sold", 0.13), ("Months of stock" if slow else "Sold", 0.15))
    rows: list[list[object]] = [[label for label, _ in columns]]
    for line in lines:
        last = line.last_sold.date().isoformat() if line.last_sold else "never"
        pace = (f"{line.months_of_stock}" if line.months_of_stock is not None else "—") if slow else \
            format_quantity(line.sold, line.unit)
        rows.append([line.bin, line.part_number, f"{line.description} · {line.brand}",
                     format_quantity(line.on_hand, line.unit), money(line.value, cur), last, pace])
    return grid(rows, [width * share for _, share in columns], st, numeric=(3, 4, 6))


def stock_report_story(report: StockReport, *, width: float | None = None) -> list[Flowable]:
    st = styles(8.5)
    width = width if width is not None else content_width(A4, MARGIN)
    cur = report.currency
    facts = [("As of", day(report.as_of)), ("Sales looked at", f"{report.months} months"),
             ("Made", day(report.made_at))]
    story: list[Flowable] = [header_block(shop_header(), "Stock report", facts, st, width), gap(3),
                             p(f"Sellable stock at cost: {money(report.total_value, cur)} {cur}. Dead stock (no sale "
                               f"in {report.months} months): {money(report.dead_value, cur)}.", st.bold),
                             p("Valuation by category", st.heading)]
    rows: list[list[object]] = [["Category", "Parts in stock", f"Value {cur}"]]
    rows += [[f"{c.name} ({c.code})", f"{c.parts:,}", money(c.value, cur)] for c in report.by_category]
    rows.append(["Total", f"{sum(c.parts for c in report.by_category):,}", money(report.total_value, cur)])
    story.append(grid(rows, [width * 0.6, width * 0.18, width * 0.22], st, numeric=(1, 2), total_row=True))
    story.append(p("ABC summary", st.heading))
    rows = [["Class", "Parts", f"Stock value {cur}", f"12 months' consumption {cur}"]]
    rows += [[c.abc_class, f"{c.parts:,}", money(c.stock_value, cur), money(c.consumption_value, cur)]
             for c in report.classes]
    story.append(grid(rows, [width * 0.16, width * 0.2, width * 0.3, width * 0.34], st, numeric=(1, 2, 3)))
    story.append(p(f"Dead stock: on hand, no sale in {report.months} months", st.heading))
    story.append(_idle_table(report.dead, report, st, width, slow=False) if report.dead
                 else p("None: every part on the shelf sold.", st.normal))
    story.append(p("Slow movers: more months of stock than the shelf should hold at the pace they sell", st.heading))
    story.append(_idle_table(report.slow, report, st, width, slow=True) if report.slow
                 else p("None.", st.normal))
    return story


def write_stock_report(report: StockReport, target: str | Path | BinaryIO) -> None:
    """Write the A4 stock report to ``target`` (a path or a binary file)."""
    write_pdf(target, stock_report_story(report), title=f"Stock report {day(report.as_of)}",
              footer=f"Stock report {day(report.as_of)}")


__all__ = ["stock_report_story", "write_stock_report"]
