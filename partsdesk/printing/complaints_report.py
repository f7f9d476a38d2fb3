"""The complaints report on A4: the period, complaints by category and month, the average time
to resolve, the share overdue, compensation and satisfaction, and the complaints overdue now.

Takes ``services.complaints.ComplaintsReport`` as it is; every number comes from the service.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm

from partsdesk.domain.complaints import STATUS_LABELS
from partsdesk.i18n import N_, _
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

# Month columns: "Sep 2026" in English ("{month} {year}" and the month's name are translated).
_MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"), N_("Aug"), N_("Sep"),
           N_("Oct"), N_("Nov"), N_("Dec"))


def _month(key: str) -> str:
    year, month = key.split("-")
    return _("{month} {year}").format(month=_(_MONTHS[int(month) - 1]), year=year)


def _status(code: str) -> str:
    """A complaint's status as printed."""
    return _(STATUS_LABELS[code]) if code in STATUS_LABELS else code


def _number(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:.1f}{unit}"


def write_complaints_report(data: ComplaintsReport, target: str | Path | BinaryIO) -> None:
    """Write the report for ``data`` as a PDF to ``target`` (a path or a binary file)."""
    st = styles(8.5)
    width = content_width()
    period = _("{start} to {end}").format(start=day(data.date_from), end=day(data.date_to))
    story = [header_block(ShopHeader(name=data.shop_name, currency=data.currency), _("Complaints report"),
                          [(_("Period"), period), (_("As of"), day(data.as_of))], st, width), gap(5)]

    story.append(p(_("Complaints received, by category and month"), st.heading))
    if data.lines:
        category_width = 45 * mm
        total_width = 16 * mm
        month_width = (width - category_width - total_width) / max(1, len(data.months))
        rows: list[list[object]] = [[_("Category"), *(_month(m) for m in data.months), _("Total")]]
        rows += [[line.category, *(str(n) for n in line.counts), str(line.total)] for line in data.lines]
        rows.append([_("Total"), *(str(n) for n in data.month_totals), str(data.received)])
        numeric = range(1, len(data.months) + 2)
        story.append(grid(rows, [category_width, *([month_width] * len(data.months)), total_width], st,
                          numeric=numeric, total_row=True))
    else:
        story.append(p(_("No complaints were received in this period."), st.normal))

    story.append(p(_("Handling"), st.heading))
    hours = data.average_resolve_hours
    resolve_text = _("— (none resolved)") if hours is None else \
        _("{hours:.1f} hours ({days} days)").format(hours=hours, days=_number(data.average_resolve_days, ''))
    share = "—" if data.overdue_share is None else _("{share:.1f}% ({overdue} of {received})").format(
        share=data.overdue_share, overdue=data.overdue, received=data.received)
    satisfaction = _("— (none closed)") if data.average_satisfaction is None else \
        _("{score:.1f} of 5 ({closed} closed)").format(score=data.average_satisfaction, closed=data.closed)
    facts = [
        [_("Complaints received"), str(data.received)],
        [_("Complaints resolved in the period"), str(data.resolved)],
        [_("Average time to resolve"), resolve_text],
        [_("Share overdue (received in the period, overdue now or handled late)"), share],
        [_("Compensation given ({currency})").format(currency=data.currency),
         money(data.compensation_total, data.currency)],
        [_("Customers' satisfaction with the resolution"), satisfaction],
    ]
    story.append(grid([[_("Measure"), _("Value")], *facts], [width * 0.6, width * 0.4], st))
    story.append(p(_("Average time to resolve: from received to resolved, over the complaints resolved in the "
                     "period. Compensation and satisfaction: over the complaints resolved (closed) in the period."),
                   st.small))

    story.append(p(_("Overdue now ({count})").format(count=len(data.currently_overdue)), st.heading))
    if data.currently_overdue:
        rows = [[_("Complaint"), _("Received"), _("Customer"), _("Category"), _("Status"), _("Respond by"),
                 _("Resolve by")]]
        rows += [[row.number, day(row.received_at), row.customer_name, row.category,
                  _status(row.status), day(row.respond_by), day(row.resolve_by)]
                 for row in data.currently_overdue]
        date_width = 28 * mm  # "2026-11-02 09:00" on one line
        widths = [19 * mm, date_width, width - 62 * mm - 3 * date_width, 26 * mm, 17 * mm, date_width, date_width]
        story.append(grid(rows, widths, styles(7.5)))
    else:
        story.append(p(_("No complaint is overdue."), st.normal))
    write_pdf(target, story, title=_("Complaints report {period}").format(period=period),
              footer=f"{data.shop_name} · " + _("complaints {period}").format(period=period))
