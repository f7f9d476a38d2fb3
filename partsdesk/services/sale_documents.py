"""What a printed invoice or receipt shows, read from the committed sale: the shop, the number,
when and by whom, the customer (on an invoice, the customer's tax ID as it stood at the sale),
every line as sold, tax by rate, the totals and the payments with change.

A credit note (a return, ``services.returns``) reads into the same shape, kind "credit_note": its
``reference`` is the sale it credits, its lines are the sale's lines with the quantity taken back
and the credit note's share of their money, its payments are the refunds, and ``reason`` says why.

Totals are the document's own (written at commit); printing only formats them. The shop's name,
address and tax ID are today's settings; the lines, prices, tax and the customer's tax ID are
the sale's. Read-only: nothing here writes, and any user may reprint a committed sale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from peewee import JOIN

from partsdesk.domain.errors import UserError
from partsdesk.domain.tender import METHOD_LABELS
from partsdesk.i18n import N_, _
from partsdesk.models import (
    AppUser,
    CreditNote,
    CreditNoteLine,
    CreditNoteRefund,
    Customer,
    Part,
    Sale,
    SaleLine,
    SalePayment,
)
from partsdesk.services import numbering, settings
from partsdesk.services.returns import REASONS

CREDIT_NOTE = "credit_note"
KIND_TITLES = {"invoice": N_("Invoice"), "receipt": N_("Receipt"), CREDIT_NOTE: N_("Credit note")}
NUMBER_MAX = 40


@dataclass(frozen=True)
class SaleDocumentLine:
    """One line as sold (on a credit note: the sold line, with the quantity taken back and the
    credit note's share of its net, tax and total). Money in minor units; ``qty`` in thousandths of ``unit``. ``unit_price``
    and ``list_price`` include tax when the sale's prices did (``SaleDocument.prices_include_tax``)."""

    line_no: int
    part_number: str  # "" for a core deposit line
    description: str  # as sold (the part's English name at the time)
    description_zh: str  # the part's Chinese name from the catalogue, "" when it has none
    qty: int
    unit: str
    list_price: int
    unit_price: int
    discount_bp: int
    tax_rate_bp: int
    net: int
    tax: int
    total: int
    core_of_line: int | None  # a core deposit: the line_no of the part it belongs to
    amount: int  # qty x unit price as priced: ``total`` when prices include tax, else ``net``
    warranty: str = ""  # a repair order's invoice: the line's warranty terms ("Warranty: 12 months or ...")

    @property
    def is_core_deposit(self) -> bool:
        return self.core_of_line is not None


@dataclass(frozen=True)
class TaxBand:
    """The lines taxed at one rate, added up (the rates' totals add up to the sale's)."""

    rate_bp: int
    net: int
    tax: int
    total: int


@dataclass(frozen=True)
class SaleDocumentPayment:
    method: str  # cash, card, on_account, prepaid, points
    label: str  # "Cash", "On account", ...
    amount: int  # what the payment paid of the sale (a credit note: what was refunded that way)
    tendered: int  # cash: what was handed over
    change: int
    reference: str  # card: the terminal's reference


@dataclass(frozen=True)
class SaleDocument:
    """Everything a printed invoice, receipt or credit note needs, as plain values."""

    shop_name: str
    shop_address: str
    shop_phone: str
    shop_tax_id: str
    currency: str
    number: str
    kind: str  # invoice, receipt, credit_note
    at: datetime  # the shop's local time of the sale or return (stored as UTC)
    cashier: str
    terminal: str
    customer_id: int | None
    customer_name: str  # "" for a walk-in
    customer_address: str
    customer_tax_id: str  # as written on the sale (a credit note: on the sale it credits)
    member_card: str
    prices_include_tax: bool
    lines: tuple[SaleDocumentLine, ...]
    tax_by_rate: tuple[TaxBand, ...]  # ascending rate
    net: int
    tax: int
    total: int
    payments: tuple[SaleDocumentPayment, ...]  # a credit note: its refunds
    change: int  # all the change given
    rounding: int  # cash rounding: what the payments came to minus the total (0 mostly)
    note: str
    copy: bool = False  # a reprint: printed marked COPY
    reference: str = ""  # a credit note: the number of the sale it credits
    reference_at: datetime | None = None  # ... and that sale's local time
    reason: str = ""  # a credit note: why the goods came back, in words ("Wrong part")
    approved_by: str = ""  # a credit note: the manager who approved it, "" when none was needed
    shop_logo: str = ""  # the setting shop.logo: an image file printed at the top of an invoice

    @property
    def title(self) -> str:
        return _(KIND_TITLES[self.kind]) if self.kind in KIND_TITLES else self.kind.title()

    @property
    def is_credit_note(self) -> bool:
        return self.kind == CREDIT_NOTE


def _local(at: datetime) -> datetime:
    """A stored (naive UTC) stamp as the shop's wall clock shows it: this computer's time zone."""
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def normalize_number(text: object) -> str:
    """A document number as typed or scanned ("inv-000009 ") as it is stored ("INV-000009")."""
    return "".join(str(text or "").split()).upper()[:NUMBER_MAX]


def _user_name(user_id: int | None) -> str:
    user = AppUser.get_or_none(AppUser.id == user_id) if user_id else None
    return user.display_name if user else ""


def _document(*, customer_id: int | None, lines: tuple[SaleDocumentLine, ...], payments: tuple[SaleDocumentPayment, ...],
              **fields) -> SaleDocument:
    """The document with what every kind shares: the shop (today's settings), the customer, and
    the tax by rate added up from ``lines``."""
    bands: dict[int, list[int]] = {}
    for line in lines:
        band = bands.setdefault(line.tax_rate_bp, [0, 0, 0])
        band[0] += line.net
        band[1] += line.tax
        band[2] += line.total
    customer = Customer.get_or_none(Customer.id == customer_id) if customer_id else None
    return SaleDocument(
        shop_name=settings.get("shop.name"), shop_address=settings.get("shop.address"),
        shop_phone=settings.get("shop.phone"), shop_tax_id=settings.get("shop.tax_id"),
        currency=settings.get("shop.currency"), shop_logo=settings.get("shop.logo"),
        customer_id=customer.id if customer else None, customer_name=customer.name if customer else "",
        customer_address=customer.address if customer else "",
        member_card=(customer.member_card or "") if customer else "",
        lines=lines, tax_by_rate=tuple(TaxBand(rate, *sums) for rate, sums in sorted(bands.items())),
        payments=payments, change=sum(payment.change for payment in payments), **fields)


def _payment(method: str, amount: int, reference: str, *, tendered: int = 0, change: int = 0) -> SaleDocumentPayment:
    return SaleDocumentPayment(method=method, label=_(METHOD_LABELS[method]) if method in METHOD_LABELS else method, amount=amount,
                               tendered=tendered, change=change, reference=reference)


def _sale_lines(sale_id: int) -> list:
    """The sale's line rows, each with its part's number and Chinese name (none for a deposit)."""
    return list(SaleLine.select(SaleLine, Part.number, Part.name_zh)
                .join(Part, join_type=JOIN.LEFT_OUTER, on=(SaleLine.part == Part.id))
                .where(SaleLine.sale == sale_id).order_by(SaleLine.line_no).objects())


def _line(row, *, prices_include_tax: bool, qty: int, net: int, tax: int, total: int,
          warranty: str = "") -> SaleDocumentLine:
    return SaleDocumentLine(
        line_no=row.line_no, part_number=row.number or "", description=row.description,
        description_zh=row.name_zh or "", qty=qty, unit=row.unit, list_price=row.list_price,
        unit_price=row.unit_price, discount_bp=row.discount_bp, tax_rate_bp=row.tax_rate_bp, net=net, tax=tax,
        total=total, core_of_line=row.core_of_line, amount=total if prices_include_tax else net, warranty=warranty)


def _sale_document(sale: Sale, copy: bool) -> SaleDocument:
    from partsdesk.services.workshop_documents import invoice_warranties  # a repair order's invoice: issue 6

    warranties = invoice_warranties(sale.id)
    lines = tuple(_line(row, prices_include_tax=sale.prices_include_tax, qty=row.qty, net=row.net, tax=row.tax,
                        total=row.total, warranty=warranties.get(row.line_no, "")) for row in _sale_lines(sale.id))
    payments = tuple(_payment(row.method, row.amount, row.reference, tendered=row.tendered, change=row.change_given)
                     for row in SalePayment.select().where(SalePayment.sale == sale.id).order_by(SalePayment.id))
    return _document(
        customer_id=sale.customer_id, lines=lines, payments=payments,
        number=sale.number, kind=sale.kind, at=_local(sale.at), cashier=_user_name(sale.user_id),
        terminal=sale.terminal, customer_tax_id=sale.customer_tax_id or "", prices_include_tax=sale.prices_include_tax,
        net=sale.net, tax=sale.tax, total=sale.total,
        rounding=sum(payment.amount for payment in payments) - sale.total if payments else 0,
        note=sale.note or "", copy=copy)


def _credit_note_document(note: CreditNote, copy: bool) -> SaleDocument:
    sale = Sale.get_by_id(note.sale_id)
    taken = {row.sale_line_id: row for row in CreditNoteLine.select().where(CreditNoteLine.credit_note == note.id)}
    lines = tuple(_line(row, prices_include_tax=sale.prices_include_tax, qty=taken[row.id].qty,
                        net=taken[row.id].net, tax=taken[row.id].tax, total=taken[row.id].total)
                  for row in _sale_lines(sale.id) if row.id in taken)
    payments = tuple(_payment(row.method, row.amount, row.reference) for row in
                     CreditNoteRefund.select().where(CreditNoteRefund.credit_note == note.id)
                     .order_by(CreditNoteRefund.id))
    return _document(
        customer_id=note.customer_id, lines=lines, payments=payments,
        number=note.number, kind=CREDIT_NOTE, at=_local(note.at), cashier=_user_name(note.user_id),
        terminal=note.terminal, customer_tax_id=sale.customer_tax_id or "", prices_include_tax=sale.prices_include_tax,
        net=note.net, tax=note.tax, total=note.total, rounding=0, note="", copy=copy,
        reference=sale.number, reference_at=_local(sale.at), reason=_(REASONS[note.reason]) if note.reason in REASONS else note.reason,
        approved_by=_user_name(note.approved_by_id))


def sale_document(number: str, *, copy: bool = False, credit_note: bool = False) -> SaleDocument:
    """The printable content of the invoice, receipt or credit note ``number`` (as typed or
    scanned; case and spaces do not matter). ``copy`` marks a reprint; ``credit_note`` takes only
    a credit note's number. Raises ``UserError`` when there is none."""
    wanted = normalize_number(number)
    if not wanted:
        raise UserError(_("Name the credit note: its number, e.g. CN-000001.") if credit_note else
                        _("Name the invoice or receipt: its number, e.g. INV-000001 or RC-000001."))
    sale = Sale.get_or_none(Sale.number == wanted)
    if sale is not None and not credit_note:
        return _sale_document(sale, copy)
    note = CreditNote.get_or_none(CreditNote.number == wanted)
    if note is not None:
        return _credit_note_document(note, copy)
    if sale is not None:
        raise UserError((_("{number} is an invoice, not a credit note.") if sale.kind == "invoice" else
                         _("{number} is a receipt, not a credit note.")).format(number=wanted))
    if credit_note or wanted.startswith(f"{numbering.SERIES[CREDIT_NOTE]}-"):
        raise UserError(_("There is no credit note {number}.").format(number=wanted))
    raise UserError(_("There is no invoice or receipt {number}.").format(number=wanted))


def print_kind(number: str) -> str:
    """The paper the committed document ``number`` (as typed or scanned) prints on, as the print
    path names it: "invoice" (A4) for an invoice, "receipt" (the 80 mm roll) for a receipt, and
    for a credit note the paper of the sale it credits (a walk-in's refund on the roll, a
    company's on A4). Raises ``UserError`` when there is no such invoice, receipt or credit note."""
    wanted = normalize_number(number)
    if not wanted:
        raise UserError(_("Type or scan the number of the document, e.g. RC-000001, INV-000001 or CN-000001."))
    kind = Sale.select(Sale.kind).where(Sale.number == wanted).scalar()
    if kind is None:
        kind = (Sale.select(Sale.kind).join(CreditNote, on=(CreditNote.sale == Sale.id))
                .where(CreditNote.number == wanted).scalar())
    if kind is None:
        if wanted.startswith(f"{numbering.SERIES[CREDIT_NOTE]}-"):
            raise UserError(_("There is no credit note {number}.").format(number=wanted))
        raise UserError(_("There is no invoice, receipt or credit note {number}.").format(number=wanted))
    return str(kind)


__all__ = ["CREDIT_NOTE", "SaleDocument", "SaleDocumentLine", "SaleDocumentPayment", "TaxBand", "normalize_number",
           "print_kind", "sale_document"]
