"""The X and Z reports on the receipt roll (80 or 58 mm) and on A4.

Input: ``services.cashup.CashUpReport`` (an X report as just read, or a Z report as it was
stored); these functions only lay it out, every figure comes from the report. An X report is
titled "X REPORT — not a closing"; a Z report carries its number, the counted cash and the
over/short. A reprint (``copy``) is marked COPY. Both papers print the same sections in the same
order (``sections``), so what the roll shows the A4 shows too. Cashier names in Chinese print in
the Chinese font (``base.markup``). The roll's page is exactly as long as its content, as the
receipt's is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from partsdesk.domain.money import format_bp
from partsdesk.i18n import N_, _
from partsdesk.printing.base import (
    GRID,
    HEADER_FILL,
    MARGIN,
    ShopHeader,
    Styles,
    content_width,
    day,
    gap,
    header_block,
    markup,
    p,
    shop_header,
    styles,
    write_pdf,
)
from partsdesk.printing.sale_documents import FRAME_PADDING, ROLL_PRINTABLE, write_roll_pdf
from partsdesk.services.cashup import CASH_EVENT_KINDS, CashUpReport, local_time

X_TITLE = N_("X REPORT \u2014 not a closing")  # translated where printed: _(X_TITLE)
COPY_RED = colors.HexColor("#B00020")


def title(report: CashUpReport) -> str:
    return _("Z REPORT {number}").format(number=report.number) if report.is_z else _(X_TITLE)


def _when(value) -> str:
    shown = local_time(value)
    return day(shown) if shown is not None else "\u2014"


@dataclass(frozen=True)
class Section:
    """One block of the report: a heading, optional column titles, rows of text; ``numeric``
    columns align right; ``bold`` rows stand out (totals); ``widths`` share the line."""

    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    numeric: frozenset[int] = frozenset()
    bold: frozenset[int] = field(default_factory=frozenset)


def _minus(report: CashUpReport, amount: int) -> str:
    return f"\u2212{report.money(amount)}" if amount else report.money(0)


def _signed(report: CashUpReport, amount: int) -> str:
    return _minus(report, -amount) if amount < 0 else report.money(amount)


def sections(report: CashUpReport) -> list[Section]:
    """What the report prints, in order, as text only (see the module doc)."""
    m = report.money
    cur = report.currency
    out: list[Section] = []
    two = (0.68, 0.32)
    right = frozenset({1})

    indent = "\u00a0" * 3  # kept by the Paragraph, unlike plain spaces
    rows = [(_("Sales ({count})").format(count=report.sales_count), m(report.sales_total)),
            (indent + _("of which net"), m(report.sales_net)), (indent + _("of which tax"), m(report.sales_tax))]
    rows += [(f"{line.label} ({line.count})", m(line.amount)) for line in report.sales_by_method]
    out.append(Section(_("Sales by payment method ({currency})").format(currency=cur), (), tuple(rows), two, right,
                       frozenset({0})))

    rows = [(_("Refunds ({count})").format(count=report.refunds_count), m(report.refunds_total))]
    rows += [(f"{line.label} ({line.count})", m(line.amount)) for line in report.refunds_by_method]
    out.append(Section(_("Refunds on credit notes ({currency})").format(currency=cur), (), tuple(rows), two, right,
                       frozenset({0})))

    rows = [(_("Payments on account ({count})").format(count=report.account_payments_count),
             m(report.account_payments_total))]
    rows += [(f"{line.label} ({line.count})", m(line.amount)) for line in report.account_payments_by_method]
    out.append(Section(_("Payments on account ({currency})").format(currency=cur), (), tuple(rows), two, right,
                       frozenset({0})))

    rows = [(_("Prepaid top-ups ({count})").format(count=report.prepaid_top_ups_count),
             m(report.prepaid_top_ups_total))]
    rows += [(f"{line.label} ({line.count})", m(line.amount)) for line in report.prepaid_top_ups_by_method]
    out.append(Section(_("Prepaid top-ups ({currency})").format(currency=cur), (), tuple(rows), two, right,
                       frozenset({0})))

    rows = [(_("Opening float"), m(report.opening_float)),
            (_("Cash sales (tendered less change)"), m(report.cash_sales)),
            (_("Cash refunds"), _minus(report, report.cash_refunds)),
            (_("Cash payments on account"), m(report.cash_account_payments)),
            (_("Cash prepaid top-ups"), m(report.cash_prepaid_top_ups)), (_("Paid in"), m(report.paid_in)),
            (_("Paid out"), _minus(report, report.paid_out)), (_("Expected cash"), m(report.expected_cash))]
    bold = {len(rows) - 1}
    if report.counted_cash is not None:
        rows.append((_("Counted cash"), m(report.counted_cash)))
        rows.append((_("Over / short: {message}").format(message=report.over_short_message),
                     _signed(report, report.over_short or 0)))
        bold |= {len(rows) - 2, len(rows) - 1}
    out.append(Section(_("Cash drawer ({currency})").format(currency=cur), (), tuple(rows), two, right,
                       frozenset(bold)))

    if report.cash_moves:
        rows = [(f"{_when(move.at)} {_cash_event(move.kind)}, {move.user}"
                 + (f": {move.reason}" if move.reason else ""),
                 _minus(report, move.amount) if move.kind == "pay_out" else m(move.amount))
                for move in report.cash_moves]
        out.append(Section(_("Floats, pay-ins and pay-outs"), (), tuple(rows), two, right))

    none = _("none")
    rows = [(line.user, str(line.count), str(line.approved), m(line.amount)) for line in report.discounts]
    out.append(Section(_("Discounts and price changes"), (_("Cashier"), _("Lines"), _("Approved"), _("Given away")),
                       tuple(rows) or ((none, "", "", ""),), (0.40, 0.15, 0.18, 0.27), frozenset({1, 2, 3})))
    rows = [(line.user, str(line.count), m(line.amount)) for line in report.voids]
    out.append(Section(_("Voids (lines taken out, sales cancelled)"), (_("Cashier"), _("Voids"), _("Amount")),
                       tuple(rows) or ((none, "", ""),), (0.50, 0.18, 0.32), frozenset({1, 2})))
    rows = [(doc.label, doc.first, doc.last, str(doc.count)) for doc in report.documents]
    out.append(Section(_("Documents"), (_("Series"), _("First"), _("Last"), _("Count")),
                       tuple(rows) or ((none, "", "", ""),), (0.30, 0.29, 0.29, 0.12), frozenset({3})))
    rows = [(format_bp(line.rate_bp), m(line.net), m(line.tax), m(line.total)) for line in report.tax_by_rate]
    out.append(Section(_("Tax by rate (sales less returns)"), (_("Rate"), _("Net"), _("Tax"), _("Gross")),
                       tuple(rows) or ((none, "", "", ""),), (0.16, 0.28, 0.26, 0.30), frozenset({1, 2, 3})))
    return out


def _cash_event(kind: str) -> str:
    """A float, pay-in or pay-out as the report names it."""
    return _(CASH_EVENT_KINDS[kind]) if kind in CASH_EVENT_KINDS else kind


def _facts(report: CashUpReport) -> list[tuple[str, str]]:
    facts = [(_("Terminal"), report.terminal), (_("From"), _when(report.period_from)),
             (_("To"), _when(report.period_to))]
    facts.append((_("Closed by") if report.is_z else _("Printed by"), report.made_by))
    return facts


def _table(section: Section, st: Styles, width: float, *, roll: bool) -> Table:
    rows: list[list[object]] = []
    header = bool(section.columns)
    if header:
        rows.append([p(text, st.right_bold if c in section.numeric else st.bold)
                     for c, text in enumerate(section.columns)])
    for r, row in enumerate(section.rows):
        strong = r in section.bold
        rows.append([p(text, (st.right_bold if strong else st.right) if c in section.numeric else
                       (st.bold if strong else st.normal)) for c, text in enumerate(row)])
    table = Table(rows, colWidths=[width * share for share in section.widths], repeatRows=1 if header else 0)
    pad = 0 if roll else 3
    commands: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), pad),
                             ("RIGHTPADDING", (0, 0), (-1, -1), pad), ("TOPPADDING", (0, 0), (-1, -1), 0.6),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8)]
    if header:
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black if roll else GRID))
        if not roll:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
    if not roll:
        commands.append(("LINEBELOW", (0, 1 if header else 0), (-1, -1), 0.25, GRID))
    table.setStyle(TableStyle(commands))
    return table


def _anomalies(report: CashUpReport, st: Styles) -> list[Flowable]:
    if not report.anomalies:
        return [p(_("Anomalies: none."), st.normal)]
    flagged = (_("Anomalies ({count}): flagged, the day was closed all the same") if report.is_z
               else _("Anomalies ({count}): flagged, the day can be closed all the same"))
    return [p(flagged.format(count=len(report.anomalies)), st.bold),
            *(p(f"\u2022 {text}", st.normal) for text in report.anomalies)]


def _copy_banner(report: CashUpReport, st: Styles, *, size: float, color: colors.Color) -> Table:
    style = ParagraphStyle("copy", parent=st.bold, fontSize=size, leading=size * 1.15, alignment=TA_CENTER,
                           textColor=color)
    small = ParagraphStyle("copy_note", parent=st.small, alignment=TA_CENTER, textColor=color)
    banner = Table([[[Paragraph(markup(_("COPY")), style),
                      Paragraph(markup(_("Reprint of Z report {number}").format(number=report.number)), small)]]])
    banner.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, color), ("TOPPADDING", (0, 0), (-1, -1), 3),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return banner


def _closing_lines(report: CashUpReport, st: Styles) -> list[Flowable]:
    story: list[Flowable] = []
    if report.note:
        story.append(p(_("Note: {note}").format(note=report.note), st.normal))
    if report.is_z:
        story += [gap(6), p(_("Counted and closed by: ______________________"), st.normal), gap(4),
                  p(_("Checked by: ______________________"), st.normal)]
    else:
        story.append(p(_("This X report closes nothing: the day goes on until its Z report."), st.small))
    return story


# --- the roll ----------------------------------------------------------------------------------------

def _rule() -> HRFlowable:
    return HRFlowable(width="100%", thickness=0.6, color=colors.black, dash=(1.5, 1.5), spaceBefore=1.2 * mm,
                      spaceAfter=1.2 * mm)


def roll_story(report: CashUpReport, *, copy: bool = False, shop: ShopHeader | None = None,
               width: float = ROLL_PRINTABLE) -> list[Flowable]:
    """The report's flowables for the roll's printable ``width``."""
    shop = shop or shop_header()
    st = styles(7.5)
    centre = ParagraphStyle("centre", parent=st.normal, alignment=TA_CENTER)
    centre_small = ParagraphStyle("centre_small", parent=st.small, alignment=TA_CENTER)
    shop_name = ParagraphStyle("shop", parent=st.bold, fontSize=11.5, leading=14, alignment=TA_CENTER)
    heading = ParagraphStyle("report_title", parent=st.bold, fontSize=11, leading=13.5, alignment=TA_CENTER)
    section_style = ParagraphStyle("section", parent=st.bold, fontSize=8.5, leading=11, spaceBefore=1)
    story: list[Flowable] = [p(shop.name, shop_name), *(p(line, centre_small) for line in shop.lines())]
    if copy and report.is_z:
        story += [gap(2), _copy_banner(report, st, size=18, color=colors.black)]  # a thermal roll prints black
    story += [gap(2), p(title(report), heading)]
    story += [p(_("{label}: {value}").format(label=label, value=value), centre) for label, value in _facts(report)]
    for section in sections(report):
        story += [_rule(), p(section.heading, section_style), _table(section, st, width, roll=True)]
    story += [_rule(), *_anomalies(report, st), _rule(), *_closing_lines(report, st)]
    if copy and report.is_z:
        story += [gap(2), p(_("COPY"), heading)]
    return story


def write_roll(report: CashUpReport, target: str | Path | BinaryIO, *, copy: bool = False,
               roll_mm: int = 80) -> None:
    """Write the report on the receipt roll (80 or 58 mm) exactly as long as its content."""
    write_roll_pdf(target, lambda width: roll_story(report, copy=copy, width=width), title=title(report),
                   roll_mm=roll_mm)


# --- A4 ----------------------------------------------------------------------------------------------

def a4_story(report: CashUpReport, *, copy: bool = False, shop: ShopHeader | None = None,
             width: float | None = None) -> list[Flowable]:
    """The report's flowables for an A4 page's frame."""
    shop = shop or shop_header()
    st = styles(9)
    width = width if width is not None else content_width(A4, MARGIN) - 2 * FRAME_PADDING
    story: list[Flowable] = [header_block(shop, title(report), _facts(report), st, width)]
    if copy and report.is_z:
        story += [gap(3), _copy_banner(report, st, size=22, color=COPY_RED)]
    for section in sections(report):
        table_width = width if section.columns else width * 0.62
        table = _table(section, st, table_width, roll=False)
        table.hAlign = "LEFT"
        story += [gap(2), KeepTogether([p(section.heading, st.heading), table])]
    story += [gap(4), *_anomalies(report, st), gap(3), *_closing_lines(report, st)]
    return story


def write_a4(report: CashUpReport, target: str | Path | BinaryIO, *, copy: bool = False) -> None:
    """Write the report on A4, page numbers and the report's title in every page's footer."""
    shop = shop_header()
    marked = copy and report.is_z
    footer = f"{shop.name} \u00b7 {title(report)} \u00b7 " + _("terminal {terminal}").format(terminal=report.terminal) + (
        " \u00b7 " + _("COPY") if marked else "")
    write_pdf(target, a4_story(report, copy=copy, shop=shop), title=title(report), footer=footer)


def write_report(report: CashUpReport, target: str | Path | BinaryIO, *, a4: bool = False, copy: bool = False,
                 roll_mm: int = 80) -> None:
    """The report on A4 (``a4``) or on the receipt roll (80 or 58 mm)."""
    if a4:
        write_a4(report, target, copy=copy)
    else:
        write_roll(report, target, copy=copy, roll_mm=roll_mm)


__all__ = ["X_TITLE", "Section", "a4_story", "roll_story", "sections", "title", "write_a4", "write_report",
           "write_roll"]
