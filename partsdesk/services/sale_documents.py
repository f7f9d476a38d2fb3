"""What a printed invoice or receipt shows, read from the committed sale: the shop, the number,
when and by whom, the customer (on an invoice, the customer's tax ID as it stood at the sale),
every line as sold, tax by rate, the totals and the payments with change.

Totals are the sale's own (written at commit); printing only formats them. The shop's name,
address and tax ID are today's settings; the lines, prices, tax and the customer's tax ID are
the sale's. Read-only: nothing here writes, and any user may reprint a committed sale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from peewee import JOIN

from partsdesk.domain.errors import UserError
from partsdesk.domain.tender import METHOD_LABELS
from partsdesk.models import AppUser, Customer, Part, Sale, SaleLine, SalePayment
from partsdesk.services import settings

KIND_TITLES = {"invoice": "Invoice", "receipt": "Receipt"}
NUMBER_MAX = 40


@dataclass(frozen=True)
class SaleDocumentLine:
    """One line as sold. Money in minor units; ``qty`` in thousandths of ``unit``. ``unit_price``
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
    amount: int  # what the payment paid of the sale
    tendered: int  # cash: what was handed over
    change: int
    reference: str  # card: the terminal's reference


@dataclass(frozen=True)
class SaleDocument:
    """Everything a printed invoice or receipt needs, as plain values."""

    shop_name: str
    shop_address: str
    shop_phone: str
    shop_tax_id: str
    currency: str
    number: str
    kind: str  # invoice, receipt
    at: datetime  # the shop's local time of the sale (stored as UTC)
    cashier: str
    terminal: str
    customer_id: int | None
    customer_name: str  # "" for a walk-in
    customer_address: str
    customer_tax_id: str  # as written on the sale
    member_card: str
    prices_include_tax: bool
    lines: tuple[SaleDocumentLine, ...]
    tax_by_rate: tuple[TaxBand, ...]  # ascending rate
    net: int
    tax: int
    total: int
    payments: tuple[SaleDocumentPayment, ...]
    change: int  # all the change given
    rounding: int  # cash rounding: what the payments came to minus the total (0 mostly)
    note: str
    copy: bool = False  # a reprint: printed marked COPY

    @property
    def title(self) -> str:
        return KIND_TITLES.get(self.kind, self.kind.title())


def _local(at: datetime) -> datetime:
    """A stored (naive UTC) stamp as the shop's wall clock shows it: this computer's time zone."""
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def normalize_number(text: object) -> str:
    """A document number as typed or scanned ("inv-000009 ") as it is stored ("INV-000009")."""
    return "".join(str(text or "").split()).upper()[:NUMBER_MAX]


def sale_document(number: str, *, copy: bool = False) -> SaleDocument:
    """The printable content of the invoice or receipt ``number`` (as typed or scanned; case and
    spaces do not matter). ``copy`` marks a reprint. Raises ``UserError`` when there is none."""
    wanted = normalize_number(number)
    if not wanted:
        raise UserError("Name the invoice or receipt: its number, e.g. INV-000001 or RC-000001.")
    sale = Sale.get_or_none(Sale.number == wanted)
    if sale is None:
        raise UserError(f"There is no invoice or receipt {wanted}.")
    rows = list(SaleLine.select(SaleLine, Part.number, Part.name_zh)
                .join(Part, join_type=JOIN.LEFT_OUTER, on=(SaleLine.part == Part.id))
                .where(SaleLine.sale == sale.id).order_by(SaleLine.line_no).objects())
    lines = tuple(SaleDocumentLine(
        line_no=row.line_no, part_number=row.number or "", description=row.description,
        description_zh=row.name_zh or "", qty=row.qty, unit=row.unit, list_price=row.list_price,
        unit_price=row.unit_price, discount_bp=row.discount_bp, tax_rate_bp=row.tax_rate_bp, net=row.net,
        tax=row.tax, total=row.total, core_of_line=row.core_of_line,
        amount=row.total if sale.prices_include_tax else row.net) for row in rows)
    bands: dict[int, list[int]] = {}
    for line in lines:
        band = bands.setdefault(line.tax_rate_bp, [0, 0, 0])
        band[0] += line.net
        band[1] += line.tax
        band[2] += line.total
    payments = tuple(SaleDocumentPayment(
        method=row.method, label=METHOD_LABELS.get(row.method, row.method), amount=row.amount,
        tendered=row.tendered, change=row.change_given, reference=row.reference)
        for row in SalePayment.select().where(SalePayment.sale == sale.id).order_by(SalePayment.id))
    customer = Customer.get_or_none(Customer.id == sale.customer_id) if sale.customer_id else None
    user = AppUser.get_or_none(AppUser.id == sale.user_id) if sale.user_id else None
    return SaleDocument(
        shop_name=settings.get("shop.name"), shop_address=settings.get("shop.address"),
        shop_phone=settings.get("shop.phone"), shop_tax_id=settings.get("shop.tax_id"),
        currency=settings.get("shop.currency"), number=sale.number, kind=sale.kind, at=_local(sale.at),
        cashier=user.display_name if user else "", terminal=sale.terminal,
        customer_id=customer.id if customer else None, customer_name=customer.name if customer else "",
        customer_address=customer.address if customer else "", customer_tax_id=sale.customer_tax_id or "",
        member_card=(customer.member_card or "") if customer else "", prices_include_tax=sale.prices_include_tax,
        lines=lines, tax_by_rate=tuple(TaxBand(rate, *sums) for rate, sums in sorted(bands.items())),
        net=sale.net, tax=sale.tax, total=sale.total, payments=payments,
        change=sum(payment.change for payment in payments),
        rounding=sum(payment.amount for payment in payments) - sale.total if payments else 0,
        note=sale.note or "", copy=copy)


__all__ = ["SaleDocument", "SaleDocumentLine", "SaleDocumentPayment", "TaxBand", "normalize_number",
           "sale_document"]
