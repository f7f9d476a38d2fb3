"""The workshop's printed documents on A4: the estimate, the check-in sheet, the technician's
job card, the pick list of a repair order's parts and the delivery note.

Input: the plain values of ``services.workshop_documents``; this module only lays them out. Each
prints the shop's header, the customer and vehicle, and the RO number as a Code 128 barcode (the
counter scans it to find the order). Chinese names print in the Chinese font (``base.markup``).

The estimate prints a signature only for the version that was signed (the service decides:
``EstimateLine.signature``); a line changed after signing says "Re-authorization needed" in red.
The check-in sheet draws a top view of a car (reportlab paths, no image file) with the damage
marks numbered where they were placed, and a fuel gauge in eighths. The pick list is the
counter's layout (``printing.pick_list``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from partsdesk.domain.money import format_quantity
from partsdesk.i18n import N_, _
from partsdesk.printing.base import (
    BASE_FONT,
    BOLD_FONT,
    GRID,
    HEADER_FILL,
    MARGIN,
    ShopHeader,
    Styles,
    content_width,
    day,
    draw_string,
    gap,
    header_block,
    markup,
    money,
    p,
    styles,
    write_pdf,
)
from partsdesk.printing.pick_list import TickBox, write_pick_list
from partsdesk.printing.sale_documents import FRAME_PADDING, _barcode
from partsdesk.services import workshop_documents as documents
from partsdesk.services.workshop_documents import (
    CheckInDocument,
    DamageRow,
    DeliveryDocument,
    EstimateDocument,
    EstimateLine,
    JobCardDocument,
    OrderHead,
)

RED = colors.HexColor("#B00020")
AMBER = colors.HexColor("#A15C00")
GREEN = colors.HexColor("#1B6E20")
MARK_RED = colors.HexColor("#C62828")
RESULT_COLOURS = {"ok": "#1B6E20", "attention": "#A15C00", "fail": "#B00020", "": "#555555"}
AUTH_COLOURS = {"authorized": "#1B6E20", "reauthorize": "#B00020", "pending": "#A15C00", "declined": "#555555"}


def _width() -> float:
    return content_width(A4, MARGIN) - 2 * FRAME_PADDING


def _shop(head: OrderHead) -> ShopHeader:
    return ShopHeader(name=head.shop_name, address=head.shop_address, phone=head.shop_phone, tax_id=head.shop_tax_id,
                      currency=head.currency)


def _km(value: int | None) -> str:
    return _("{km:,} km").format(km=value) if value is not None else _("not noted")


def _layout(rows: list[list[object]], widths: list[float], commands: list[tuple] | None = None) -> Table:
    """A borderless table that only places things side by side."""
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), *(commands or [])]))
    return table


def _top(head: OrderHead, title: str, st: Styles, width: float, extra: list[tuple[str, str]] = ()) -> list[Flowable]:
    """The shop's header with the document's facts, then the customer and vehicle on the left and
    the RO number's barcode on the right."""
    facts = [(_("Repair order"), head.number), (_("Checked in"), day(head.checked_in_at)), *extra]
    if head.advisor:
        facts.append((_("Service advisor"), head.advisor))
    left: list[Flowable] = [p(_("Customer"), st.small),
                            p(head.customer_name, ParagraphStyle("ro_name", parent=st.bold, fontSize=11, leading=14))]
    if head.customer_phone:
        left.append(p(_("Tel. {phone}").format(phone=head.customer_phone), st.normal))
    vehicle = " · ".join(x for x in (head.plate, head.vehicle) if x)
    left.append(p(_("Vehicle: {vehicle}").format(vehicle=vehicle), st.bold))
    code = _barcode(head.number, width=width * 0.4, height=13 * mm, bar_width=0.36 * mm)
    party = _layout([[left, code]], [width * 0.58, width * 0.42], [("ALIGN", (1, 0), (1, 0), "RIGHT")])
    return [header_block(_shop(head), title, facts, st, width), gap(4), party, gap(3)]  # the code's digits hang


def _boxed(title: str, text: str, st: Styles, width: float, *, min_height: float = 0) -> Table:
    """A titled box of free text (the customer's concern, the work done)."""
    table = Table([[p(title, st.bold)], [p(text or " ", st.normal)]], colWidths=[width],
                  rowHeights=[None, max(min_height, 0) or None])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _facts_row(pairs: list[tuple[str, object]], st: Styles, width: float) -> Table:
    """Label-over-value cells in a ruled row (odometer, fuel, promised time ...)."""
    cells = [[p(label, st.small), value if isinstance(value, Flowable) else p(value, st.bold)] for label, value in pairs]
    table = Table([cells], colWidths=[width / len(pairs)] * len(pairs))
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, GRID), ("INNERGRID", (0, 0), (-1, -1), 0.4, GRID),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _items(rows: list[list[object]], widths: list[float], st: Styles, *, right_from: int | None = None,
           right_to: int | None = None, total_row: bool = False, commands: list[tuple] = ()) -> Table:
    """An itemised table: a shaded heading repeated on every page, ruled rows, optionally a bold
    last row (a subtotal) and right-aligned number columns ``right_from``..``right_to``."""
    table = Table(rows, colWidths=widths, repeatRows=1)
    size = st.normal.fontSize
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), BASE_FONT, size, size * 1.25),
        ("FONT", (0, 0), (-1, 0), BOLD_FONT, size, size * 1.25),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if right_from is not None:
        style.append(("ALIGN", (right_from, 0), (right_to if right_to is not None else -1, -1), "RIGHT"))
    if total_row:
        style += [("FONT", (0, -1), (-1, -1), BOLD_FONT, size, size * 1.25),
                  ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black)]
    table.setStyle(TableStyle([*style, *commands]))
    return table


def _signature_lines(labels: list[str], st: Styles, width: float) -> Table:
    """Blank lines to sign on, each with its date."""
    rows = [[_cell(label, st.normal), "", _cell(_("Date"), st.normal), ""] for label in labels]
    table = Table(rows, colWidths=[width * 0.24, width * 0.42, width * 0.08, width * 0.26], rowHeights=12 * mm)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), BASE_FONT, st.normal.fontSize + 0.5),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LINEBELOW", (1, 0), (1, -1), 0.7, colors.black),
        ("LINEBELOW", (3, 0), (3, -1), 0.7, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def _cell(text: str, style: ParagraphStyle) -> object:
    """A table cell in the table's own font: plain ASCII stays a string; anything else a Paragraph in
    ``style``, so a heading or label in Chinese prints in the Chinese font."""
    return text if text.isascii() else p(text, style)


def _coloured(text: str, colour: str, style: ParagraphStyle, *, bold: bool = True) -> Paragraph:
    body = f"<b>{markup(text)}</b>" if bold else markup(text)
    return Paragraph(f'<font color="{colour}">{body}</font>', style)


# --- the estimate -----------------------------------------------------------------------------------------

ESTIMATE_COLUMNS = (("#", 0.045), (N_("Part no."), 0.12), (N_("Description"), 0.255), (N_("Qty"), 0.075),
                    (N_("Unit price"), 0.115), (N_("Amount"), 0.14), (N_("Authorization"), 0.25))


def _authorization_cell(line: EstimateLine, currency: str, st: Styles) -> list[Flowable]:
    cell: list[Flowable] = [_coloured(line.auth_label, AUTH_COLOURS.get(line.auth, "#000000"), st.normal)]
    if line.signature:
        cell.append(p(line.signature, st.small))
    elif line.authorized_how:
        cell.append(p(line.authorized_how, st.small))
    if line.auth == "reauthorize" and line.authorized_amount is not None:
        cell.append(p(_("version {version} approved at {amount}; changed since").format(
            version=line.authorized_version, amount=money(line.authorized_amount, currency)), st.small))
    return cell


def _estimate_row(line: EstimateLine, currency: str, st: Styles, *, authorization: bool = True) -> list[object]:
    description = markup(line.description)
    if line.warranty_work:
        description += f'<br/><font size="7">{markup(_("warranty work: no charge"))}</font>'
    row: list[object] = [str(line.line_no), p(line.part_number, st.normal) if line.part_number else "",
                         Paragraph(description, st.normal), p(format_quantity(line.qty, line.unit), st.right),
                         money(line.unit_price, currency), money(line.amount, currency)]
    if authorization:
        row.append(_authorization_cell(line, currency, st))
    return row


def _estimate_section(title: str, lines: tuple[EstimateLine, ...], total: int, currency: str, st: Styles,
                      width: float) -> Table:
    header = [_(label) if label != "#" else label for label, _share in ESTIMATE_COLUMNS]
    header[1] = _("Part no.") if title in ("Parts", _("Parts")) else ""
    header[5] = _("Amount ({currency})").format(currency=currency)
    rows: list[list[object]] = [[_cell(label, st.bold) for label in header]]
    rows += [_estimate_row(line, currency, st) for line in lines]
    rows.append(["", "", _cell(_("{section} total").format(section=title), st.bold), "", "", money(total, currency), ""])
    return _items(rows, [width * share for _label, share in ESTIMATE_COLUMNS], st, right_from=3, right_to=5,
                  total_row=True)


def _estimate_totals(doc: EstimateDocument, st: Styles, width: float) -> Table:
    cur = doc.head.currency
    rows = [[_cell(_("Current total ({currency})").format(currency=cur), st.bold), money(doc.current_total, cur)]]
    if doc.totals_differ:
        rows.append([_cell(_("Authorized total ({currency})").format(currency=cur), st.bold),
                     money(doc.authorized_total, cur)])
    table = Table(rows, colWidths=[width * 0.26, width * 0.16])
    commands: list[tuple] = [("FONT", (0, 0), (-1, -1), BOLD_FONT, 10.5, 13.5), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                             ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black), ("TOPPADDING", (0, 0), (-1, -1), 2),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    if doc.totals_differ:
        commands.append(("TEXTCOLOR", (0, 1), (-1, 1), RED))
    table.setStyle(TableStyle(commands))
    note = _("Every line is authorized.") if not doc.needs_authorization else \
        _("{count} line(s) need the customer's authorization before the work is done.").format(
            count=doc.needs_authorization)
    return _layout([[p(note, st.normal), table]], [width * 0.58, width * 0.42], [("ALIGN", (1, 0), (1, 0), "RIGHT")])


def _declined(doc: EstimateDocument, st: Styles, width: float) -> Table:
    cur = doc.head.currency
    columns = (*ESTIMATE_COLUMNS[:-1], (N_("Declined"), 0.25))
    rows: list[list[object]] = [[_cell(label if label == "#" else _(label) if label != "Amount"
                                       else _("Amount ({currency})").format(currency=cur), st.bold)
                                 for label, _share in columns]]
    for line in doc.declined:
        row = _estimate_row(line, cur, st, authorization=False)
        row.append(p(line.authorized_how or _("Declined"), st.small))
        rows.append(row)
    return _items(rows, [width * share for _label, share in columns], st, right_from=3, right_to=5)


def estimate_story(doc: EstimateDocument) -> list[Flowable]:
    st = styles(8.5)
    width = _width()
    head = doc.head
    facts = [(_("Status"), head.status_label), (_("Printed"), day(head.printed_at))]
    if doc.quote_number:
        facts.append((_("From quote"), doc.quote_number))
    story = _top(head, _("Estimate"), st, width, facts)
    story += [gap(3), _facts_row([(_("Odometer in"), _km(head.odometer_in)),
                                  (_("Promised"), day(head.promised_at) or _("not set"))], st, width),
              gap(3), _boxed(_("The customer's concern"), head.concern, st, width)]
    if not doc.sections:
        story += [gap(4), p(_("No work is on this order yet."), st.bold)]
    for section in doc.sections:
        story += [gap(3), p(section.title, st.heading),
                  _estimate_section(section.title, section.lines, section.total, head.currency, st, width)]
    basis = _("Unit prices and amounts include tax.") if doc.prices_include_tax else \
        _("Unit prices and amounts exclude tax; tax is added on the invoice.")
    story += [gap(1), p(basis, st.small), gap(3), KeepTogether([_estimate_totals(doc, st, width)])]
    if doc.declined:
        story += [gap(4), KeepTogether([p(_("Recommended, not approved"), st.heading),
                                        p(_("Work we recommend that the customer declined for now; it is kept as a "
                                            "reminder."), st.small), gap(1), _declined(doc, st, width)])]
    story += [gap(4), p(_("This estimate holds until {date}. No work is done and no part is fitted on a line before "
                          "the customer authorizes it; a change to an authorized line needs a new authorization."
                          ).format(date=day(doc.valid_until)), st.normal)]
    if head.note:
        story += [gap(2), p(_("Note: {note}").format(note=head.note), st.normal)]
    story += [gap(8), KeepTogether([p(_("I authorize the work marked authorized above at the prices shown."),
                                      st.normal),
                                    _signature_lines([_("Customer's signature"), _("Service advisor")], st, width)])]
    return story


def write_estimate(doc: EstimateDocument, target: str | Path | BinaryIO) -> None:
    """Write the A4 estimate of ``doc`` to ``target`` (a path or a binary file)."""
    title = _("Estimate {number}").format(number=doc.head.number)
    write_pdf(target, estimate_story(doc), title=title, footer=f"{doc.head.shop_name} · {title}")


# --- the check-in sheet ----------------------------------------------------------------------------------

class FuelGauge(Flowable):
    """The fuel level as eight cells, the first ``eighths`` filled, E on the left and F on the right."""

    def __init__(self, eighths: int | None, *, width: float = 42 * mm, height: float = 5 * mm) -> None:
        super().__init__()
        self.eighths, self.width, self.height = eighths, width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        label = 3 * mm
        cell = (self.width - 2 * label) / 8
        draw_string(canvas, 0, 1.2, _("E"), BOLD_FONT, 7)  # a gauge's Empty and Full
        draw_string(canvas, self.width, 1.2, _("F"), BOLD_FONT, 7, align="right")
        canvas.setLineWidth(0.6)
        for index in range(8):
            filled = self.eighths is not None and index < self.eighths
            canvas.setFillColor(colors.HexColor("#37474F") if filled else colors.white)
            canvas.rect(label + index * cell, 0, cell, self.height, stroke=1, fill=1)


class CarOutline(Flowable):
    """A car seen from above, its front at the top, and the damage marks numbered at their places
    (x, y in thousandths of the outline's width and height from its top left corner)."""

    def __init__(self, marks: tuple[DamageRow, ...], *, width: float = 62 * mm, height: float = 118 * mm) -> None:
        super().__init__()
        self.marks, self.width, self.height = marks, width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def _point(self, fx: float, fy: float) -> tuple[float, float]:
        """A point given as fractions of the width from the left and of the height from the top."""
        return fx * self.width, self.height - fy * self.height

    def _shape(self, points: list[tuple[float, float]], *, fill: bool = False) -> None:
        path = self.canv.beginPath()
        path.moveTo(*self._point(*points[0]))
        for point in points[1:]:
            path.lineTo(*self._point(*point))
        path.close()
        self.canv.drawPath(path, stroke=1, fill=1 if fill else 0)

    def draw(self) -> None:
        canvas = self.canv
        w, h = self.width, self.height
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#37474F"))
        canvas.setLineWidth(1.1)
        # the wheels first, so the body covers their inner half
        canvas.setFillColor(colors.HexColor("#37474F"))
        for fx, fy in ((0.02, 0.17), (0.86, 0.17), (0.02, 0.72), (0.86, 0.72)):
            x, y = self._point(fx, fy)
            canvas.roundRect(x, y - 0.12 * h, 0.12 * w, 0.12 * h, 2, stroke=1, fill=1)
        # the body: a rounded outline, narrower at the bumpers
        canvas.setFillColor(colors.white)
        body = canvas.beginPath()
        body.moveTo(*self._point(0.22, 0.01))
        body.curveTo(*self._point(0.40, 0.0), *self._point(0.60, 0.0), *self._point(0.78, 0.01))
        body.curveTo(*self._point(0.90, 0.02), *self._point(0.92, 0.06), *self._point(0.92, 0.12))
        body.lineTo(*self._point(0.92, 0.90))
        body.curveTo(*self._point(0.92, 0.96), *self._point(0.88, 0.99), *self._point(0.76, 0.995))
        body.curveTo(*self._point(0.60, 1.0), *self._point(0.40, 1.0), *self._point(0.24, 0.995))
        body.curveTo(*self._point(0.12, 0.99), *self._point(0.08, 0.96), *self._point(0.08, 0.90))
        body.lineTo(*self._point(0.08, 0.12))
        body.curveTo(*self._point(0.08, 0.06), *self._point(0.10, 0.02), *self._point(0.22, 0.01))
        body.close()
        canvas.drawPath(body, stroke=1, fill=1)
        canvas.setLineWidth(0.8)
        canvas.setFillColor(colors.HexColor("#E3EAF0"))
        # bonnet line, windscreen, roof, rear window, boot line
        self._shape([(0.14, 0.30), (0.86, 0.30), (0.78, 0.40), (0.22, 0.40)], fill=True)  # windscreen
        self._shape([(0.22, 0.76), (0.78, 0.76), (0.84, 0.84), (0.16, 0.84)], fill=True)  # rear window
        canvas.setFillColor(colors.white)
        self._shape([(0.22, 0.40), (0.78, 0.40), (0.78, 0.76), (0.22, 0.76)])  # roof
        canvas.setDash(2, 2)
        canvas.line(*self._point(0.14, 0.30), *self._point(0.20, 0.04))
        canvas.line(*self._point(0.86, 0.30), *self._point(0.80, 0.04))
        canvas.setDash()
        # side windows and doors
        self._shape([(0.10, 0.33), (0.18, 0.41), (0.18, 0.75), (0.10, 0.80)])
        self._shape([(0.90, 0.33), (0.82, 0.41), (0.82, 0.75), (0.90, 0.80)])
        canvas.line(*self._point(0.08, 0.57), *self._point(0.18, 0.57))
        canvas.line(*self._point(0.82, 0.57), *self._point(0.92, 0.57))
        # mirrors
        self._shape([(0.08, 0.31), (0.0, 0.30), (0.0, 0.34), (0.08, 0.35)])
        self._shape([(0.92, 0.31), (1.0, 0.30), (1.0, 0.34), (0.92, 0.35)])
        canvas.setFillColor(colors.HexColor("#555555"))
        for text, where in ((_("FRONT"), 0.18), (_("REAR"), 0.93)):
            draw_string(canvas, *self._point(0.5, where), text, BASE_FONT, 6.5, align="centre")
        # the marks
        for mark in self.marks:
            x, y = self._point(mark.x / 1000, mark.y / 1000)
            canvas.setFillColor(MARK_RED)
            canvas.setStrokeColor(colors.white)
            canvas.setLineWidth(0.8)
            canvas.circle(x, y, 2.6 * mm, stroke=1, fill=1)
            canvas.setFillColor(colors.white)
            canvas.setFont(BOLD_FONT, 8)
            canvas.drawCentredString(x, y - 2.8, str(mark.no))
        canvas.restoreState()


def _checklist(doc: CheckInDocument, st: Styles, width: float) -> Table:
    rows: list[list[object]] = [[_cell(_("Item"), st.bold), _cell(_("Result"), st.bold), _cell(_("Note"), st.bold)]]
    for row in doc.checklist:
        rows.append([p(row.item, st.normal), _coloured(row.result_label, RESULT_COLOURS.get(row.result, "#000000"),
                                                       st.normal, bold=bool(row.result)), p(row.note, st.normal)])
    return _items(rows, [width * 0.34, width * 0.25, width * 0.41], st)


def _damage_list(doc: CheckInDocument, st: Styles, width: float) -> list[Flowable]:
    if not doc.damages:
        return [p(_("No damage was noted at reception."), st.normal)]
    rows: list[list[object]] = [["#", _cell(_("Damage"), st.bold), _cell(_("Note"), st.bold)]]
    for mark in doc.damages:
        note = mark.note + (" " + _("(photo kept)") if mark.photo else "")
        rows.append([str(mark.no), _cell(mark.kind_label, st.normal), p(note.strip(), st.normal)])
    return [_items(rows, [width * 0.1, width * 0.25, width * 0.65], st)]


def checkin_story(doc: CheckInDocument) -> list[Flowable]:
    st = styles(8.5)
    width = _width()
    head = doc.head
    story = _top(head, _("Check-in sheet"), st, width, [(_("Printed"), day(head.printed_at))])
    fuel = _layout([[FuelGauge(doc.fuel_eighths)], [p(doc.fuel_label, st.small)]], [width / 3 - 12])
    story += [gap(3), _facts_row([(_("Odometer in"), _km(head.odometer_in)), (_("Fuel"), fuel),
                                  (_("Promised"), day(head.promised_at) or _("not set"))], st, width),
              gap(3), _boxed(_("The customer's concern, in their words"), head.concern, st, width)]
    outline_width = 66 * mm
    right_width = width - outline_width - 6 * mm
    right = [p(_("Reception checklist"), st.heading), _checklist(doc, st, right_width), gap(2),
             p(_("Damage noted"), st.heading), *_damage_list(doc, st, right_width)]
    left = [p(_("Damage marks"), st.heading), CarOutline(doc.damages, width=outline_width - 4 * mm)]
    story += [gap(2), _layout([[left, "", right]], [outline_width, 6 * mm, right_width])]
    if head.note:
        story += [gap(2), p(_("Note: {note}").format(note=head.note), st.normal)]
    story += [gap(6), KeepTogether([
        p(_("I leave the vehicle for the work described and agree the condition noted above. Valuables left in the "
            "car are at the owner's risk."), st.normal),
        _signature_lines([_("Customer's signature"), _("Service advisor")], st, width)])]
    return story


def write_checkin(doc: CheckInDocument, target: str | Path | BinaryIO) -> None:
    """Write the A4 check-in sheet of ``doc`` to ``target`` (a path or a binary file)."""
    title = _("Check-in sheet {number}").format(number=doc.head.number)
    write_pdf(target, checkin_story(doc), title=title, footer=f"{doc.head.shop_name} · {title}")


# --- the job card ---------------------------------------------------------------------------------------

def _not_authorized(st: Styles) -> Paragraph:
    return _coloured(_("NOT AUTHORIZED: do not start"), "#B00020", st.small)


def _jobs(doc: JobCardDocument, st: Styles, width: float) -> Table:
    rows: list[list[object]] = [["#", *(_cell(text, st.bold) for text in (_("Job"), _("Class"), _("Book h"),
                                                                       _("Technician"), _("Actual h"), _("Done")))]]
    for job in doc.jobs:
        what: list[Flowable] = [p(job.description, st.normal)]
        if job.kind != "labour":
            what.append(p(job.kind_label, st.small))
        if not job.authorized:
            what.append(_not_authorized(st))
        rows.append([str(job.line_no), what, p(job.labour_class, st.normal),
                     format_quantity(job.book_hours) if job.book_hours else "", p(job.technician, st.normal), "",
                     TickBox()])
    rows.append(["", _cell(_("Book hours in all"), st.bold), "", format_quantity(doc.total_book_hours), "", "", ""])
    return _items(rows, [width * s for s in (0.05, 0.38, 0.13, 0.09, 0.17, 0.11, 0.07)], st, right_from=3,
                  right_to=3, total_row=True, commands=[("LINEBELOW", (5, 1), (5, -2), 0.7, colors.black)])


def _parts(doc: JobCardDocument, st: Styles, width: float) -> Table:
    rows: list[list[object]] = [["", *(_cell(text, st.bold) for text in (_("Bin"), _("Part no."), _("Description"),
                                                                      _("Qty"), _("Issued"), _("To issue")))]]
    for part in doc.parts:
        what: list[Flowable] = [p(part.description, st.normal)]
        if not part.authorized:
            what.append(_not_authorized(st))
        rows.append([TickBox(), Paragraph(f"<b>{markup(part.bin or _('(no bin)'))}</b>", st.normal),
                     p(part.part_number, st.normal), what, p(format_quantity(part.qty, part.unit), st.right),
                     p(format_quantity(part.issued, part.unit), st.right),
                     Paragraph(f"<b>{markup(format_quantity(part.to_issue, part.unit))}</b>", st.right)])
    return _items(rows, [width * s for s in (0.06, 0.12, 0.15, 0.35, 0.10, 0.10, 0.12)], st, right_from=4)


def _quality(doc: JobCardDocument, st: Styles, width: float) -> Table:
    rows: list[list[object]] = [[_cell(text, st.bold) for text in (_("Quality check"), _("OK"), _("Attention"), _("Fail"),
                                                               _("Note"))]]
    rows += [[p(item, st.normal), TickBox(), TickBox(), TickBox(), ""] for item in doc.quality_items]
    return _items(rows, [width * s for s in (0.38, 0.08, 0.1, 0.08, 0.36)], st,
                  commands=[("ALIGN", (1, 0), (3, -1), "CENTER"), ("TOPPADDING", (0, 1), (-1, -1), 3.5),
                            ("BOTTOMPADDING", (0, 1), (-1, -1), 3.5)])


def _notes(st: Styles, width: float, lines: int = 6) -> Table:
    table = Table([[""] for _line in range(lines)], colWidths=[width], rowHeights=8 * mm)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, GRID)]))
    return table


def jobcard_story(doc: JobCardDocument) -> list[Flowable]:
    st = styles(8.5)
    width = _width()
    head = doc.head
    story = _top(head, _("Job card"), st, width, [(_("Promised"), day(head.promised_at) or _("not set"))])
    story += [gap(3), _facts_row([(_("Odometer in"), _km(head.odometer_in)), (_("Status"), head.status_label),
                                  (_("Printed"), day(head.printed_at))], st, width),
              gap(3), _boxed(_("The customer's concern"), head.concern, st, width)]
    story += [gap(2), p(_("Jobs"), st.heading)]
    story += [_jobs(doc, st, width)] if doc.jobs else [p(_("No jobs on this order."), st.normal)]
    story += [gap(2), p(_("Parts"), st.heading)]
    story += [_parts(doc, st, width)] if doc.parts else [p(_("No parts on this order."), st.normal)]
    story += [gap(2), KeepTogether([p(_("Quality check"), st.heading),
                                    p(_("Preferably by someone other than the technician. A failure sends the car back "
                                        "to work."), st.small), gap(1), _quality(doc, st, width)])]
    story += [gap(2), KeepTogether([p(_("Technician's notes"), st.heading), _notes(st, width)])]
    story += [gap(6), KeepTogether([_signature_lines([_("Technician"), _("Quality checked by")], st, width)])]
    return story


def write_jobcard(doc: JobCardDocument, target: str | Path | BinaryIO) -> None:
    """Write the A4 job card of ``doc`` to ``target`` (a path or a binary file): no prices."""
    title = _("Job card {number}").format(number=doc.head.number)
    write_pdf(target, jobcard_story(doc), title=title, footer=f"{doc.head.shop_name} · {title}")


# --- the delivery note ---------------------------------------------------------------------------------

def _delivered_lines(doc: DeliveryDocument, st: Styles, width: float) -> Table:
    rows: list[list[object]] = [["#", *(_cell(text, st.bold) for text in (_("Kind"), _("Part no."), _("Description"),
                                                                       _("Qty"), _("Warranty")))]]
    for line in doc.lines:
        rows.append([str(line.line_no), _cell(line.kind_label, st.normal), p(line.part_number, st.normal),
                     p(line.description, st.normal), p(format_quantity(line.qty, line.unit), st.right),
                     p(line.warranty, st.normal)])
    return _items(rows, [width * s for s in (0.05, 0.09, 0.14, 0.34, 0.09, 0.29)], st, right_from=4, right_to=4)


def delivery_story(doc: DeliveryDocument) -> list[Flowable]:
    st = styles(8.5)
    width = _width()
    head = doc.head
    extra = [(_("Delivered"), day(doc.delivered_at))]
    if doc.invoice_number:
        extra.append((_("Invoice"), doc.invoice_number))
    story = _top(head, _("Delivery note"), st, width, extra)
    story += [gap(3), _facts_row([(_("Odometer in"), _km(head.odometer_in)),
                                  (_("Odometer out"), _km(doc.odometer_out)),
                                  (_("Invoice"), doc.invoice_number or _("none"))], st, width),
              gap(3), _boxed(_("The customer's concern"), head.concern, st, width), gap(2),
              _boxed(_("What was done"), doc.work_done, st, width), gap(2), p(_("Delivered"), st.heading),
              _delivered_lines(doc, st, width),
              gap(2), p(_("Warranty: whichever comes first of the months and the km, from the delivery date and the "
                          "odometer out above. Keep this note and the invoice: a warranty claim needs them."),
                        st.small)]
    story += [gap(8), KeepTogether([p(_("I received the vehicle and the explanation of the work done."), st.normal),
                                    _signature_lines([_("Customer's signature"), _("Handed over by")], st, width)])]
    return story


def write_delivery(doc: DeliveryDocument, target: str | Path | BinaryIO) -> None:
    """Write the A4 delivery note of ``doc`` to ``target`` (a path or a binary file)."""
    title = _("Delivery note {number}").format(number=doc.head.number)
    write_pdf(target, delivery_story(doc), title=title, footer=f"{doc.head.shop_name} · {title}")


# --- by kind --------------------------------------------------------------------------------------------

# kind (as ``partsdesk print`` names it) -> (read the document of a number, write it)
WRITERS: dict[str, tuple[Callable[[str], object], Callable[[object, str | Path | BinaryIO], None]]] = {
    "estimate": (documents.estimate_document, write_estimate),
    "checkin": (documents.checkin_document, write_checkin),
    "jobcard": (documents.jobcard_document, write_jobcard),
    "ro-picklist": (documents.ro_pick_list_document, write_pick_list),
    "delivery": (documents.delivery_document, write_delivery),
}


def write_workshop_document(kind: str, number: str, target: str | Path | BinaryIO) -> object:
    """Read repair order ``number``'s document of ``kind`` (``WRITERS``) and write it to
    ``target``; returns the document read. Raises ``UserError`` for an unknown order (or a
    delivery note of an order not delivered)."""
    read, write = WRITERS[kind]
    doc = read(number)
    write(doc, target)
    return doc


__all__ = ["WRITERS", "CarOutline", "FuelGauge", "checkin_story", "delivery_story", "estimate_story", "jobcard_story",
           "write_checkin", "write_delivery", "write_estimate", "write_jobcard", "write_workshop_document"]
