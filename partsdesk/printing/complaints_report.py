"""The complaints report on A4: the period, complaints by category and month, the average time
to resolve, the share overdue, compensation and satisfaction, and the complaints overdue now.

Takes ``services.complaints.ComplaintsReport`` as it is; every number comes from the service.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm

from partsdesk.domain.complaints import STATUS_LABELS
from partsdesk.printing.base import (
    ShopHeader,
    content_width,
    day,
    gap,
    grid,
    header_block,
    money,
    p,
    styles,
    write_pdf,
)
from partsdesk.services.complaints import ComplaintsReport

# Month columns: "Sep 2026" reads the same in every language the shop works in.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month(key: str) -> str:
    year, month = key.split("-")
    return f"{_MONTHS[int(month) - 1]} {year}"


def _number(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:.1f}{unit}"


def write_complaints_report(data: ComplaintsReport, target: str | Path | BinaryIO) -> None:
    """Write the report for ``data`` as a PDF to ``target`` (a path or a binary file)."""
    st = styles(8.5)
    width = content_width()
    period = f"{day(data.date_from)} to {day(data.date_to)}"
    story = [header_block(ShopHeader(name=data.shop_name, currency=data.currency), "Complaints report",
                          [("Period", period), ("As of", day(data.as_of))], st, width), gap(5)]

    story.append(p("Complaints received, by category and month", st.heading))
    if data.lines:
        category_width = 45 * mm
        total_width = 16 * mm
        month_width = (width - category_width - total_width) / max(1, len(data.months))
        rows: list[list[object]] = [["Category", *(_month(m) for m in data.months), "Total"]]
        rows += [[line.category, *(str(n) for n in line.counts), str(line.total)] for line in data.lines]
        rows.append(["Total", *(str(n) for n in data.month_totals), str(data.received)])
        numeric = range(1, len(data.months) + 2)
        story.append(grid(rows, [category_width, *([month_width] * len(data.months)), total_width], st,
                          numeric=numeric, total_row=True))
    else:
        story.append(p("No complaints were received in this period.", st.normal))

    story.append(p("Handling", st.heading))
    hours = data.average_resolve_hours
    resolve_text = "— (none resolved)" if hours is None else \
        f"{hours:.1f} hours ({_number(data.average_resolve_days, '')} days)"
    share = "—" if data.overdue_share is None else f"{data.overdue_share:.1f}% ({data.overdue} of {data.received})"
    satisfaction = "— (none closed)" if data.average_satisfaction is None else \
        f"{data.average_satisfaction:.1f} of 5 ({data.closed} closed)"
    facts = [
        ["Complaints received", str(data.received)],
        ["Complaints resolved in the period", str(data.resolved)],
        ["Average time to resolve", resolve_text],
        ["Share overdue (received in the period, overdue now or handled late)", share],
        [f"Compensation given ({data.currency})", money(data.compensation_total, data.currency)],
        ["Customers' satisfaction with the resolution", satisfaction],
    ]
    story.append(grid([["Measure", "Value"], *facts], [width * 0.6, width * 0.4], st))
    story.append(p("Average time to resolve: from received to resolved, over the complaints resolved in the "
                   "period. Compensation and satisfaction: over the complaints resolved (closed) in the period.",
                   st.small))

    story.append(p(f"Overdue now ({len(data.currently_overdue)})", st.heading))
    if data.currently_overdue:
        rows = [["Complaint", "Received", "Customer", "Category", "Status", "Respond by", "Resolve by"]]
        rows += [[row.number, day(row.received_at), row.customer_name, row.category,
                  STATUS_LABELS.get(row.status, row.status), day(row.respond_by), day(row.resolve_by)]
                 for row in data.currently_overdue]
        date_width = 28 * mm  # "2026-11-02 09:00" on one line
        widths = [19 * mm, date_width, width - 62 * mm - 3 * date_width, 26 * mm, 17 * mm, date_width, date_width]
        story.append(grid(rows, widths, styles(7.5)))
    else:
        story.append(p("No complaint is overdue.", st.normal))
    write_pdf(target, story, title=f"Complaints report {period}", footer=f"{data.shop_name} · complaints {period}")
