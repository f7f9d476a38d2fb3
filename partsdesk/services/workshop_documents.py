"""What the workshop's printed documents show, read from a repair order: the estimate, the
check-in sheet, the technician's job card, the pick list of its parts and the delivery note —
and each invoiced line's warranty terms for the counter's invoice (issue 6, item 10).

Each reader returns plain frozen values (money in minor units, quantities in thousandths, stamps
in the shop's local time, every label already in words); ``printing.workshop`` only lays them
out. They are read-only, so any user at the terminal may print them, like a sale's reprint; an
unknown number raises ``UserError``.

A printed document shows a signature only for the version that was signed: a line prints
"Signed <name> <date>" when its latest approval was given in person and signed *and* that
approval is of the line's current version. A line changed after the customer signed prints
"Re-authorization needed" and no signature, so an old signature is never read as agreeing to a
new price.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from partsdesk.domain.errors import UserError
from partsdesk.domain.permissions import SYSTEM
from partsdesk.i18n import N_, _
from partsdesk.models import JobAuthorization, JobLine, Part, RepairOrder
from partsdesk.services import settings, stock, workshop
from partsdesk.services.clock import now, shop_today
from partsdesk.services.orders import PickLine, PickList, bin_key
from partsdesk.services.quotes import default_valid_until
from partsdesk.services.workshop import (
    AUTH_LABELS,
    AUTHORIZED,
    CHECK_RESULTS,
    DAMAGE_KINDS,
    DECLINED,
    METHODS,
    LineView,
    OrderDetail,
)

# The estimate's sections, in print order: the kinds of line each holds.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = ((N_("Labour"), ("labour",)), (N_("Parts"), ("part",)),
                                                      (N_("Sublet and other"), ("sublet", "other")))
NO_WARRANTY = N_("No warranty")
DOCUMENT_KINDS: dict[str, str] = {"estimate": N_("Estimate"), "checkin": N_("Check-in sheet"),
                                  "jobcard": N_("Job card"), "ro-picklist": N_("Pick list"),
                                  "delivery": N_("Delivery note")}


def _local(at: datetime | None) -> datetime | None:
    """A stored (naive UTC) stamp as the shop's wall clock shows it."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def warranty_terms(months: int, km: int, *, warranty_work: bool = False) -> str:
    """A line's warranty in words: "12 months or 20,000 km, whichever comes first"."""
    if warranty_work:
        return _("Warranty work (no charge)")
    if months and km:
        return _("{months} months or {km:,} km, whichever comes first").format(months=months, km=km)
    if months:
        return _("{months} months").format(months=months)
    if km:
        return _("{km:,} km").format(km=km)
    return _(NO_WARRANTY)


# --- what every document shares --------------------------------------------------------------------------

@dataclass(frozen=True)
class OrderHead:
    """The shop, the order and who and what it is for, as every workshop document's top shows them."""

    shop_name: str
    shop_address: str
    shop_phone: str
    shop_tax_id: str
    currency: str
    number: str
    status: str
    status_label: str
    customer_name: str
    customer_phone: str
    vehicle: str  # "Volkswagen Golf 2015", "" when the file has no model
    plate: str
    odometer_in: int | None
    fuel_eighths: int | None
    concern: str
    checked_in_at: datetime  # local time
    promised_at: datetime | None  # local time
    advisor: str
    note: str
    printed_at: datetime  # local time


def _detail(number: str) -> OrderDetail:
    """The order as its screen shows it; any user may print (the documents are read-only)."""
    return workshop.order_detail(SYSTEM, number)


def _head(detail: OrderDetail) -> OrderHead:
    return OrderHead(
        shop_name=settings.get("shop.name"), shop_address=settings.get("shop.address"),
        shop_phone=settings.get("shop.phone"), shop_tax_id=settings.get("shop.tax_id"), currency=detail.currency,
        number=detail.number, status=detail.status, status_label=detail.status_label, customer_name=detail.customer,
        customer_phone=detail.phone, vehicle=detail.vehicle, plate=detail.plate, odometer_in=detail.odometer_in,
        fuel_eighths=detail.fuel_eighths, concern=detail.concern, checked_in_at=_local(detail.checked_in_at),
        promised_at=_local(detail.promised_at), advisor=detail.advisor, note=detail.note,
        printed_at=_local(now()))


# --- the estimate ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EstimateLine:
    """One job line as the estimate prints it. ``qty`` in thousandths of ``unit`` (hours for
    labour); ``unit_price`` and ``amount`` in minor units, as the order holds them (tax included
    when ``EstimateDocument.prices_include_tax``)."""

    line_no: int
    kind: str
    kind_label: str
    part_number: str
    description: str
    qty: int
    unit: str
    unit_price: int
    amount: int
    tax_rate_bp: int
    auth: str  # pending, authorized, reauthorize, declined
    auth_label: str  # "Authorized", "Re-authorization needed", ...
    signature: str  # "Signed Li Wei 2026-11-22": only for the signed version, "" otherwise
    authorized_how: str  # "By phone — Li Wei, 2026-11-22 10:05" (unsigned approvals and declines), else ""
    authorized_amount: int | None  # the approved version's amount (None: never approved)
    authorized_version: int | None
    version: int
    warranty_work: bool


@dataclass(frozen=True)
class EstimateSection:
    title: str  # Labour, Parts, Sublet and other
    lines: tuple[EstimateLine, ...]
    total: int


@dataclass(frozen=True)
class EstimateDocument:
    head: OrderHead
    sections: tuple[EstimateSection, ...]  # only sections with lines, in SECTIONS order
    declined: tuple[EstimateLine, ...]  # "Recommended, not approved"
    current_total: int  # the active lines at their current prices
    authorized_total: int  # the active lines at their approved amounts
    needs_authorization: int  # active lines pending or needing re-authorization
    prices_include_tax: bool
    valid_until: date
    quote_number: str

    @property
    def lines(self) -> tuple[EstimateLine, ...]:
        return tuple(line for section in self.sections for line in section.lines)

    @property
    def totals_differ(self) -> bool:
        return self.current_total != self.authorized_total


def _decisions(line_ids: list[int]) -> tuple[dict[int, JobAuthorization], dict[int, JobAuthorization]]:
    """Per line: its latest approval, and its latest decision of any kind."""
    approved: dict[int, JobAuthorization] = {}
    latest: dict[int, JobAuthorization] = {}
    if line_ids:
        for auth in (JobAuthorization.select().where(JobAuthorization.line.in_(line_ids))
                     .order_by(JobAuthorization.id)):
            latest[auth.line_id] = auth
            if auth.decision == "approved":
                approved[auth.line_id] = auth
    return approved, latest


def _estimate_line(view: LineView, approvals: dict[int, JobAuthorization],
                   decisions: dict[int, JobAuthorization]) -> EstimateLine:
    approved = approvals.get(view.id)
    latest = decisions.get(view.id)
    signature = how = ""
    if view.auth == AUTHORIZED and approved is not None:
        stamp = _local(approved.at)
        who = approved.customer_name or _("the customer")
        if approved.signed and approved.method == "in_person" and approved.version == view.version:
            signature = _("Signed {who} {at:%Y-%m-%d}").format(who=who, at=stamp)
        else:
            how = _("{method} — {who}, {at:%Y-%m-%d %H:%M}").format(method=_(METHODS[approved.method]), who=who,
                                                                     at=stamp)
    elif view.auth == DECLINED and latest is not None and latest.decision == "declined":
        how = _("Declined {method} — {who}, {at:%Y-%m-%d}").format(
            method=_(METHODS[latest.method]).lower(), who=latest.customer_name or _("the customer"),
            at=_local(latest.at))
    return EstimateLine(
        line_no=view.line_no, kind=view.kind, kind_label=_(workshop.KINDS[view.kind]), part_number=view.part_number,
        description=view.description, qty=view.qty, unit=view.unit, unit_price=view.unit_price, amount=view.amount,
        tax_rate_bp=view.tax_rate_bp, auth=view.auth, auth_label=_(AUTH_LABELS[view.auth]), signature=signature,
        authorized_how=how, authorized_amount=view.authorized_amount, authorized_version=view.authorized_version,
        version=view.version, warranty_work=view.warranty_work)


def estimate_document(number: str) -> EstimateDocument:
    """The itemised estimate of repair order ``number`` (typed or scanned): its active lines in
    sections (labour, parts, sublet and other) with each line's authorization, the current and
    the authorized totals, and the declined lines apart as recommendations."""
    detail = _detail(number)
    shown = [view for view in detail.lines if view.status in ("active", "declined")]
    approvals, decisions = _decisions([view.id for view in shown])
    lines = [_estimate_line(view, approvals, decisions) for view in shown]
    active = [line for line, view in zip(lines, shown, strict=True) if view.status == "active"]
    sections = []
    for title, kinds in SECTIONS:
        members = tuple(line for line in active if line.kind in kinds)
        if members:
            sections.append(EstimateSection(_(title), members, sum(line.amount for line in members)))
    return EstimateDocument(
        head=_head(detail), sections=tuple(sections),
        declined=tuple(line for line, view in zip(lines, shown, strict=True) if view.status == "declined"),
        current_total=detail.current_total, authorized_total=detail.authorized_total,
        needs_authorization=detail.needs_authorization, prices_include_tax=detail.prices_include_tax,
        valid_until=default_valid_until(shop_today()), quote_number=detail.quote_number)


# --- the check-in sheet -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckRow:
    item: str
    result: str  # ok, attention, fail; "" when not checked at reception
    result_label: str  # "OK", "Attention", "Fail", "Not checked"
    note: str


@dataclass(frozen=True)
class DamageRow:
    no: int  # the number printed at the mark on the outline
    x: int  # thousandths of the outline's width, from the left (the car's front at the top)
    y: int  # thousandths of its height, from the top
    kind: str
    kind_label: str
    note: str
    photo: bool  # a photo of it is kept with the order


@dataclass(frozen=True)
class CheckInDocument:
    head: OrderHead
    fuel_eighths: int | None
    fuel_label: str  # "4/8", "not noted"
    checklist: tuple[CheckRow, ...]
    damages: tuple[DamageRow, ...]


def checkin_document(number: str) -> CheckInDocument:
    """The check-in sheet of repair order ``number``: the reception checklist as recorded (the
    shop's items not recorded follow as not checked), the damage marks numbered in the order
    they were made, the fuel level and the promised time."""
    detail = _detail(number)
    rows = [CheckRow(mark.item, mark.result,
                     _(CHECK_RESULTS[mark.result]) if mark.result in CHECK_RESULTS else mark.result, mark.note)
            for mark in detail.checklist]
    recorded = {mark.item.casefold() for mark in detail.checklist}
    rows += [CheckRow(item, "", _("Not checked"), "") for item in settings.get("workshop.checkin_items")
             if item.casefold() not in recorded]
    damages = tuple(DamageRow(no, mark.x, mark.y, mark.kind,
                              _(DAMAGE_KINDS[mark.kind]) if mark.kind in DAMAGE_KINDS else mark.kind, mark.note,
                              bool(mark.photo)) for no, mark in enumerate(detail.damages, start=1))
    fuel = detail.fuel_eighths
    return CheckInDocument(head=_head(detail), fuel_eighths=fuel,
                           fuel_label=f"{fuel}/{workshop.FUEL_EIGHTHS}" if fuel is not None else _("not noted"),
                           checklist=tuple(rows), damages=damages)


# --- the job card ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class JobRow:
    """A job for the technician: labour with its book hours, or a sublet/other task. No prices."""

    line_no: int
    kind: str
    kind_label: str
    description: str
    book_hours: int  # thousandths of an hour (labour); 0 otherwise
    labour_class: str
    technician: str
    authorized: bool  # False: not to be started until the customer agrees
    auth_label: str


@dataclass(frozen=True)
class PartRow:
    line_no: int
    part_number: str
    description: str
    bin: str
    qty: int  # thousandths of ``unit``: the line's quantity
    issued: int  # already issued to the job
    to_issue: int  # still to take from the shelf
    unit: str
    authorized: bool
    auth_label: str


@dataclass(frozen=True)
class JobCardDocument:
    head: OrderHead
    jobs: tuple[JobRow, ...]
    parts: tuple[PartRow, ...]  # in bin order
    quality_items: tuple[str, ...]
    total_book_hours: int


def jobcard_document(number: str) -> JobCardDocument:
    """The technician's job card of repair order ``number``: the jobs (labour with book hours and
    technician, sublet and other tasks), the parts with their bins and what is still to issue, and
    the shop's quality checklist. Lines the customer has not authorized are marked so."""
    detail = _detail(number)
    active = [view for view in detail.lines if view.status == "active"]
    jobs = tuple(JobRow(view.line_no, view.kind, _(workshop.KINDS[view.kind]), view.description, view.book_hours,
                        view.labour_class, view.technician, view.auth == AUTHORIZED, _(AUTH_LABELS[view.auth]))
                 for view in active if view.kind != "part")
    parts = [PartRow(view.line_no, view.part_number, view.description, view.bin, view.qty, view.issued,
                     max(view.qty - view.issued, 0), view.unit, view.auth == AUTHORIZED, _(AUTH_LABELS[view.auth]))
             for view in active if view.kind == "part"]
    parts.sort(key=lambda row: (*bin_key(row.bin, row.part_number), row.line_no))
    return JobCardDocument(head=_head(detail), jobs=jobs, parts=tuple(parts),
                           quality_items=tuple(settings.get("workshop.quality_items")),
                           total_book_hours=sum(job.book_hours for job in jobs))


# --- the pick list (the counter's layout) ------------------------------------------------------------------

def ro_pick_list_document(number: str) -> PickList:
    """The pick list of repair order ``number``'s parts, in the counter's ``PickList`` shape (so
    ``printing.pick_list`` lays it out, the RO number as its barcode): the authorized part lines
    still to issue, in bin order, each with what the shelf holds (short lines flagged). Lines
    waiting for the customer are left off and counted in the note."""
    detail = _detail(number)
    active = [view for view in detail.lines if view.status == "active" and view.kind == "part"
              and view.qty > view.issued]
    wanted = [view for view in active if view.auth == AUTHORIZED]
    info = {part.id: part for part in Part.select().where(Part.id.in_([v.part_id for v in wanted]))} if wanted else {}
    shelf = stock.on_hand([view.part_id for view in wanted])
    lines = []
    for view in wanted:
        part = info[view.part_id]
        still = view.qty - view.issued
        lines.append(PickLine(view.line_no, view.part_id, view.part_number, part.brand.name if part.brand_id else "",
                              view.description, part.name_zh or "", still, view.unit, view.bin,
                              shelf[view.part_id]))
        shelf[view.part_id] -= still
    lines.sort(key=lambda line: (*bin_key(line.bin, line.part_number), line.line_no))
    notes = []
    waiting = len(active) - len(wanted)
    if waiting:
        notes.append(_("{count} part line(s) wait for the customer's authorization and are not listed.").format(
            count=waiting))
    head = _head(detail)
    vehicle = " ".join(x for x in (detail.plate, detail.vehicle) if x)
    status = {"delivered": "sold", "follow_up_done": "sold", "cancelled": "cancelled"}.get(detail.status, "open")
    return PickList(
        shop_name=head.shop_name, shop_address=head.shop_address, shop_phone=head.shop_phone,
        shop_tax_id=head.shop_tax_id, currency=head.currency, number=detail.number, at=head.checked_in_at,
        printed_at=head.printed_at, customer_name=detail.customer, channel="workshop", channel_label=_("Repair"),
        reference=vehicle, note=" ".join(notes), status=status, taken_by=detail.advisor, picked_at=None,
        picked_by="", sold_as=detail.invoice_number, lines=tuple(lines))


# --- the delivery note ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeliveryLine:
    line_no: int
    kind_label: str
    part_number: str
    description: str
    qty: int
    unit: str
    warranty: str  # "12 months or 20,000 km, whichever comes first"
    warranty_work: bool


@dataclass(frozen=True)
class DeliveryDocument:
    head: OrderHead
    delivered_at: datetime  # local time
    odometer_out: int | None
    work_done: str
    lines: tuple[DeliveryLine, ...]
    invoice_number: str
    satisfaction: int | None  # 1..5, asked at pick-up


def delivery_document(number: str) -> DeliveryDocument:
    """The delivery note of repair order ``number``, once delivered: the work done in words, the
    lines delivered with their warranty terms, the odometer out and the invoice's number."""
    detail = _detail(number)
    if detail.delivered_at is None:
        raise UserError(_("Repair order {number} is {status}: its delivery note prints "
                          "once the car is delivered.").format(number=detail.number, status=detail.status_label.lower()))
    lines = tuple(DeliveryLine(view.line_no, _(workshop.KINDS[view.kind]), view.part_number, view.description, view.qty,
                               view.unit, warranty_terms(view.warranty_months, view.warranty_km,
                                                         warranty_work=view.warranty_work), view.warranty_work)
                  for view in detail.lines if view.status == "active")
    return DeliveryDocument(head=_head(detail), delivered_at=_local(detail.delivered_at),
                            odometer_out=detail.odometer_out, work_done=detail.work_done, lines=lines,
                            invoice_number=detail.invoice_number, satisfaction=detail.satisfaction)


# --- the invoice's warranty terms ---------------------------------------------------------------------------

def invoice_warranties(sale_id: int) -> dict[int, str]:
    """For the invoice of a repair order: each sale line's warranty terms by its line number (the
    invoice's lines are the order's active lines in their order, ``workshop.deliver``); {} for a
    sale that is not a repair order's. A line without warranty prints none."""
    order = RepairOrder.select(RepairOrder.id).where(RepairOrder.sale == sale_id).first()
    if order is None:
        return {}
    lines = (JobLine.select(JobLine.warranty_months, JobLine.warranty_km, JobLine.warranty_work)
             .where((JobLine.order == order.id) & (JobLine.status == "active")).order_by(JobLine.line_no))
    terms = {line_no: warranty_terms(line.warranty_months, line.warranty_km, warranty_work=line.warranty_work)
             for line_no, line in enumerate(lines, start=1)}
    return {line_no: _("Warranty: {terms}").format(terms=text) for line_no, text in terms.items()
            if text != _(NO_WARRANTY)}


__all__ = ["DOCUMENT_KINDS", "CheckInDocument", "CheckRow", "DamageRow", "DeliveryDocument", "DeliveryLine",
           "EstimateDocument", "EstimateLine", "EstimateSection", "JobCardDocument", "JobRow", "OrderHead", "PartRow",
           "checkin_document", "delivery_document", "estimate_document", "invoice_warranties", "jobcard_document",
           "ro_pick_list_document", "warranty_terms"]
