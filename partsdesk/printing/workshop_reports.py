"""The workshop report on A4: technician productivity, time in each status (and the orders in each
status now), the authorization rate by method, and the workshop's revenue by kind of line.

Input: ``services.workshop_reports.WorkshopReport`` with every figure worked out there; this module
only lays it out. Hours print with three decimals (they are thousandths), rates with one.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable

from partsdesk.printing.base import (
    MARGIN,
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
from partsdesk.services.workshop_reports import WorkshopReport


def hours_text(thousandths: int) -> str:
    """Thousandths of an hour as printed: 1,234.500."""
    whole, fraction = divmod(abs(int(thousandths)), 1000)
    return f"{'-' if thousandths < 0 else ''}{whole:,}.{fraction:03d}"


def rate_text(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate}%"


def period_text(report: WorkshopReport) -> str:
    return f"{day(report.start)} – {day(report.end)}"


def workshop_report_story(report: WorkshopReport, *, width: float | None = None) -> list[Flowable]:
    st = styles(8.5)
    width = width if width is not None else content_width(A4, MARGIN)
    cur = report.currency
    facts = [("Period", period_text(report)), ("Made", day(report.made_at))]
    revenue = report.revenue_total
    story: list[Flowable] = [
        header_block(shop_header(), "Workshop report", facts, st, width), gap(3),
        p(f"{report.orders_delivered} orders delivered and {report.orders_checked_in} checked in in the period; "
          f"workshop revenue {money(revenue.gross, cur)} {cur} ({money(revenue.net, cur)} net).", st.bold)]

    story.append(p("Technician productivity (orders delivered in the period)", st.heading))
    if report.technicians:
        rows: list[list[object]] = [["Technician", "Lines", "Book h", "Clocked h", "Efficiency", "Comebacks",
                                     "Comeback rate"]]
        for t in (*report.technicians, report.technician_total):
            rows.append([t.name, f"{t.lines:,}", hours_text(t.book_hours), hours_text(t.actual_hours),
                         rate_text(t.efficiency), f"{t.comebacks:,}", rate_text(t.comeback_rate)])
        shares = (0.28, 0.09, 0.12, 0.12, 0.13, 0.12, 0.14)
        story.append(grid(rows, [width * s for s in shares], st, numeric=(1, 2, 3, 4, 5, 6), total_row=True))
        story.append(p("Efficiency is book hours ÷ clocked hours; the comeback rate is the share of the lines a "
                       "later order linked back to as a comeback.", st.small))
    else:
        story.append(p("No labour was delivered in the period.", st.normal))

    story.append(p("Time in each status (orders checked in in the period)", st.heading))
    if report.status_times:
        rows = [["Status", "Orders", "Average h", "Median h"]]
        rows += [[s.label, f"{s.orders:,}", hours_text(s.average_hours), hours_text(s.median_hours)]
                 for s in report.status_times]
        story.append(grid(rows, [width * s for s in (0.46, 0.18, 0.18, 0.18)], st, numeric=(1, 2, 3)))
        story.append(p("A status lasts until the order's next one; the current one until the report was made.",
                       st.small))
    else:
        story.append(p("No order was checked in in the period.", st.normal))
    story.append(p("Orders in each status now", st.heading))
    rows = [["Status", "Orders"]] + [[c.label, f"{c.orders:,}"] for c in report.status_counts]
    now_table = grid(rows, [width * 0.46, width * 0.18], st, numeric=(1,))
    now_table.hAlign = "LEFT"
    story.append(now_table)

    story.append(p("Authorization rate (lines of the orders checked in in the period)", st.heading))
    rows = [["How", "Lines", f"Value {cur}", "Approved", f"Value {cur}", "Declined", f"Value {cur}",
             "Rate (lines)", "Rate (value)"]]
    for a in (*report.authorizations, report.authorization_total):
        rows.append([a.label, f"{a.offered:,}", money(a.offered_value, cur), f"{a.approved:,}",
                     money(a.approved_value, cur), f"{a.declined:,}", money(a.declined_value, cur),
                     rate_text(a.approval_rate), rate_text(a.value_rate)])
    shares = (0.13, 0.07, 0.12, 0.11, 0.12, 0.1, 0.11, 0.12, 0.12)
    story.append(grid(rows, [width * s for s in shares], st, numeric=(1, 2, 3, 4, 5, 6, 7, 8), total_row=True))
    story.append(p(f"Each line counts once, by the customer's latest answer. Lines that needed re-authorization "
                   f"(approved again after a change): {report.reauthorized:,} line(s).", st.small))

    story.append(p("Workshop revenue (invoices of the orders delivered in the period)", st.heading))
    rows = [["Kind", "Lines", f"Net {cur}", f"Tax {cur}", f"Total {cur}"]]
    for r in (*report.revenue, revenue):
        rows.append([r.label, f"{r.lines:,}", money(r.net, cur), money(r.tax, cur), money(r.gross, cur)])
    story.append(grid(rows, [width * s for s in (0.36, 0.12, 0.18, 0.16, 0.18)], st, numeric=(1, 2, 3, 4),
                      total_row=True))
    w = report.warranty
    story.append(gap(2))
    story.append(p(f"Warranty work at no charge (not in the revenue): {w.lines:,} line(s), "
                   f"{hours_text(w.labour_hours)} h of labour, parts at cost {money(w.parts_cost, cur)} {cur}.",
                   st.normal))
    return story


def write_workshop_report(report: WorkshopReport, target: str | Path | BinaryIO) -> None:
    """Write the A4 workshop report to ``target`` (a path or a binary file)."""
    title = f"Workshop report {period_text(report)}"
    write_pdf(target, workshop_report_story(report), title=title, footer=title)


__all__ = ["hours_text", "period_text", "rate_text", "workshop_report_story", "write_workshop_report"]
