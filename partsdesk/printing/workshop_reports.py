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

from partsdesk.i18n import _
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
    facts = [(_("Period"), period_text(report)), (_("Made"), day(report.made_at))]
    revenue = report.revenue_total
    story: list[Flowable] = [
        header_block(shop_header(), _("Workshop report"), facts, st, width), gap(3),
        p(_("{delivered} orders delivered and {checked_in} checked in in the period; workshop revenue {gross} "
            "{currency} ({net} net).").format(delivered=report.orders_delivered, checked_in=report.orders_checked_in,
                                              gross=money(revenue.gross, cur), currency=cur,
                                              net=money(revenue.net, cur)), st.bold)]

    story.append(p(_("Technician productivity (orders delivered in the period)"), st.heading))
    if report.technicians:
        rows: list[list[object]] = [[_("Technician"), _("Lines"), _("Book h"), _("Clocked h"), _("Efficiency"),
                                     _("Comebacks"), _("Comeback rate")]]
        for t in (*report.technicians, report.technician_total):
            rows.append([t.name, f"{t.lines:,}", hours_text(t.book_hours), hours_text(t.actual_hours),
                         rate_text(t.efficiency), f"{t.comebacks:,}", rate_text(t.comeback_rate)])
        shares = (0.28, 0.09, 0.12, 0.12, 0.13, 0.12, 0.14)
        story.append(grid(rows, [width * s for s in shares], st, numeric=(1, 2, 3, 4, 5, 6), total_row=True))
        story.append(p(_("Efficiency is book hours ÷ clocked hours; the comeback rate is the share of the lines a "
                         "later order linked back to as a comeback."), st.small))
    else:
        story.append(p(_("No labour was delivered in the period."), st.normal))

    story.append(p(_("Time in each status (orders checked in in the period)"), st.heading))
    if report.status_times:
        rows = [[_("Status"), _("Orders"), _("Average h"), _("Median h")]]
        rows += [[s.label, f"{s.orders:,}", hours_text(s.average_hours), hours_text(s.median_hours)]
                 for s in report.status_times]
        story.append(grid(rows, [width * s for s in (0.46, 0.18, 0.18, 0.18)], st, numeric=(1, 2, 3)))
        story.append(p(_("A status lasts until the order's next one; the current one until the report was made."),
                       st.small))
    else:
        story.append(p(_("No order was checked in in the period."), st.normal))
    story.append(p(_("Orders in each status now"), st.heading))
    rows = [[_("Status"), _("Orders")]] + [[c.label, f"{c.orders:,}"] for c in report.status_counts]
    now_table = grid(rows, [width * 0.46, width * 0.18], st, numeric=(1,))
    now_table.hAlign = "LEFT"
    story.append(now_table)

    story.append(p(_("Authorization rate (lines of the orders checked in in the period)"), st.heading))
    value = _("Value {currency}").format(currency=cur)
    rows = [[_("How"), _("Lines"), value, _("Approved"), value, _("Declined"), value, _("Rate (lines)"),
             _("Rate (value)")]]
    for a in (*report.authorizations, report.authorization_total):
        rows.append([a.label, f"{a.offered:,}", money(a.offered_value, cur), f"{a.approved:,}",
                     money(a.approved_value, cur), f"{a.declined:,}", money(a.declined_value, cur),
                     rate_text(a.approval_rate), rate_text(a.value_rate)])
    shares = (0.13, 0.07, 0.12, 0.11, 0.12, 0.1, 0.11, 0.12, 0.12)
    story.append(grid(rows, [width * s for s in shares], st, numeric=(1, 2, 3, 4, 5, 6, 7, 8), total_row=True))
    story.append(p(_("Each line counts once, by the customer's latest answer. Lines that needed re-authorization "
                     "(approved again after a change): {count:,} line(s).").format(count=report.reauthorized),
                   st.small))

    story.append(p(_("Workshop revenue (invoices of the orders delivered in the period)"), st.heading))
    rows = [[_("Kind"), _("Lines"), _("Net {currency}").format(currency=cur), _("Tax {currency}").format(currency=cur),
             _("Total {currency}").format(currency=cur)]]
    for r in (*report.revenue, revenue):
        rows.append([r.label, f"{r.lines:,}", money(r.net, cur), money(r.tax, cur), money(r.gross, cur)])
    story.append(grid(rows, [width * s for s in (0.36, 0.12, 0.18, 0.16, 0.18)], st, numeric=(1, 2, 3, 4),
                      total_row=True))
    w = report.warranty
    story.append(gap(2))
    story.append(p(_("Warranty work at no charge (not in the revenue): {lines:,} line(s), {hours} h of labour, parts "
                     "at cost {cost} {currency}.").format(lines=w.lines, hours=hours_text(w.labour_hours),
                                                          cost=money(w.parts_cost, cur), currency=cur), st.normal))
    return story


def write_workshop_report(report: WorkshopReport, target: str | Path | BinaryIO) -> None:
    """Write the A4 workshop report to ``target`` (a path or a binary file)."""
    title = _("Workshop report {period}").format(period=period_text(report))
    write_pdf(target, workshop_report_story(report), title=title, footer=title)


__all__ = ["hours_text", "period_text", "rate_text", "workshop_report_story", "write_workshop_report"]
