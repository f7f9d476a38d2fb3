"""Money, tax and exact quantities.

- Money is an ``int`` of minor units (fen, cents) of the shop's currency. Arithmetic that can
  produce fractions (quantity x price, tax, a share of a discount) runs in ``Decimal`` and is
  rounded back to minor units by ``round_minor`` — the one rounding rule: half away from zero.
- Quantities are ``int`` thousandths of the part's unit (4.5 L = 4500).
- Tax rates are basis points (13 % = 1300). Shop prices are tax-inclusive or tax-exclusive by
  setting; ``document_totals`` computes tax per rate on the rate's total, so net + tax is gross
  to the cent, and spreads it over lines with ``allocate`` so the lines add up too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from partsdesk.domain.errors import ValidationError
from partsdesk.i18n import N_, _

QTY_SCALE = 1000  # quantities are thousandths of a unit
BP_SCALE = 10_000  # basis points in one whole
MONEY_MAX = 10**13  # minor units; far above any shop amount, far below 2**63
QTY_MAX = 10**12

CURRENCIES: dict[str, tuple[int, str]] = {  # code -> (minor-unit exponent, symbol)
    "CNY": (2, "¥"),
    "USD": (2, "$"),
    "EUR": (2, "€"),
    "GBP": (2, "£"),
    "HKD": (2, "HK$"),
    "JPY": (0, "¥"),
}


# Parsing works in a context wide enough that no typed digit is ever rounded away; a longer
# input is refused instead.
_EXACT = Context(prec=80)
INPUT_MAX = 40


def round_minor(value: Decimal) -> int:
    """The rounding rule: to a whole minor unit, halves away from zero."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d*)?$")
_PLAIN = re.compile(r"^[0-9]{1,20}(\.[0-9]{1,10})?$")
_SYMBOLS = tuple(sorted({symbol for _exponent, symbol in CURRENCIES.values()}, key=len, reverse=True))


def _decimal(text: object, *, field: str, label: str) -> Decimal:
    if isinstance(text, bool):
        raise ValidationError({field: _("{label}: a number is needed.").format(label=_(label))})
    if isinstance(text, Decimal):
        if not text.is_finite() or len(text.as_tuple().digits) > INPUT_MAX:
            raise ValidationError({field: _("{label}: {text!r} is not a usable number.").format(
                label=_(label), text=str(text)[:20])})
        return text
    if isinstance(text, int | float):  # a spreadsheet cell: the same as its text
        text = repr(text)
    cleaned = str(text).strip()
    if not _PLAIN.match(cleaned):  # the slow path only for text that is more than digits and a dot
        cleaned = cleaned.replace(" ", "").replace("\u00a0", "")
        for symbol in _SYMBOLS:
            cleaned = cleaned.replace(symbol, "")
        cleaned = cleaned.replace("，", ",").replace("。", ".").replace("．", ".")
    if len(cleaned) > INPUT_MAX:
        raise ValidationError({field: _("{label}: {text!r}… is too long to be a number.").format(
            label=_(label), text=str(text)[:20])})
    if not cleaned or not _NUMBER.match(cleaned) or cleaned in {".", "+", "-", "+.", "-."}:
        raise ValidationError({field: _("{label}: {text!r} is not a number.").format(label=_(label),
                                                                                    text=str(text)[:40])})
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        raise ValidationError({field: _("{label}: {text!r} is not a number.").format(
            label=_(label), text=str(text)[:40])}) from None


def _plain_scaled(text: object, exponent: int) -> int | None:
    """``text`` as an int scaled by 10**exponent when it is plain digits with at most
    ``exponent`` decimals ("268.00"), else None. The bulk importer's common case, in integers."""
    if type(text) is not str or not _PLAIN.match(text):
        return None
    whole, _dot, fraction = text.partition(".")
    if len(fraction) > exponent:
        return None
    return int(whole) * 10**exponent + (int(fraction.ljust(exponent, "0")) if fraction else 0)


def parse_money(text: object, *, exponent: int = 2, field: str = "amount", label: str = N_("Amount"),
                allow_negative: bool = False) -> int:
    """Minor units from what a person typed or a spreadsheet holds ("1,234.50", "¥12.5", 12, 12.5).

    Never rounds silently: more decimals than the currency has is an error.
    """
    fast = _plain_scaled(text, exponent)
    if fast is not None and fast <= MONEY_MAX:
        return fast
    value = _decimal(text, field=field, label=label)
    if value.is_signed() and value != 0 and not allow_negative:
        raise ValidationError({field: _("{label} cannot be negative.").format(label=_(label))})
    minor = value.scaleb(exponent, context=_EXACT)
    if minor != minor.to_integral_value():
        raise ValidationError({field: _("{label}: at most {places} decimal places.").format(label=_(label),
                                                                                           places=exponent)})
    if abs(minor) > MONEY_MAX:
        raise ValidationError({field: _("{label} is too large.").format(label=_(label))})
    return int(minor)


def format_money(minor: int, *, exponent: int = 2, symbol: str = "") -> str:
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**exponent)
    text = f"{whole:,}" + (f".{fraction:0{exponent}d}" if exponent else "")
    return f"{sign}{symbol}{text}"


def parse_quantity(text: object, *, field: str = "qty", label: str = N_("Quantity"),
                   allow_negative: bool = False) -> int:
    """Thousandths of the unit from "4.5", "12", "0.25"."""
    fast = _plain_scaled(text, 3)
    if fast is not None and fast <= QTY_MAX:
        return fast
    value = _decimal(text, field=field, label=label)
    if value.is_signed() and value != 0 and not allow_negative:
        raise ValidationError({field: _("{label} cannot be negative.").format(label=_(label))})
    milli = _EXACT.multiply(value, QTY_SCALE)
    if milli != milli.to_integral_value():
        raise ValidationError({field: _("{label}: at most 3 decimal places.").format(label=_(label))})
    if abs(milli) > QTY_MAX:
        raise ValidationError({field: _("{label} is too large.").format(label=_(label))})
    return int(milli)


# Units written as words, shown in the language ("2 套"); the others are symbols (L, m, kg).
UNIT_WORDS = {"set": N_("set"), "pair": N_("pair")}


def format_quantity(milli: int, unit: str = "") -> str:
    """4500, "L" -> "4.5 L"; 2000, "pcs" -> "2"; 2000, "set" -> "2 set" (in Chinese "2 套")."""
    text = f"{Decimal(milli).scaleb(-3).normalize():f}"
    if unit and unit != "pcs":
        return f"{text} {_(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit}"
    return text


def parse_percent_bp(text: object, *, field: str = "tax_rate", label: str = N_("Tax rate")) -> int:
    """Basis points from "13", "13%", "6.5 %"."""
    fast = _plain_scaled(text[:-1].rstrip() if type(text) is str and text[-1:] == "%" else text, 2)
    if fast is not None and fast <= BP_SCALE:
        return fast
    raw = text if isinstance(text, int | float | Decimal) else str(text).strip().rstrip("%").strip()
    value = _decimal(raw, field=field, label=label)
    bp = _EXACT.multiply(value, 100)
    if bp != bp.to_integral_value():
        raise ValidationError({field: _("{label}: at most two decimal places.").format(label=_(label))})
    if not 0 <= bp <= BP_SCALE:
        raise ValidationError({field: _("{label} is between 0 and 100 %.").format(label=_(label))})
    return int(bp)


def format_bp(bp: int) -> str:
    return f"{Decimal(bp).scaleb(-2).normalize():f} %"


def line_amount(unit_price: int, qty: int) -> int:
    """Price of ``qty`` thousandths at ``unit_price`` minor units per unit, rounded once."""
    return round_minor(Decimal(unit_price) * qty / QTY_SCALE)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` minor units in proportion to ``weights`` so the shares add up exactly.

    Largest remainder method: every share is within one minor unit of its exact value.
    """
    if not weights:
        raise ValueError("nothing to allocate over")
    if any(w < 0 for w in weights):
        raise ValueError("weights cannot be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights, weight_sum = [1] * len(weights), len(weights)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    shares = [magnitude * w // weight_sum for w in weights]
    remainders = [(magnitude * w % weight_sum, -i) for i, w in enumerate(weights)]
    short = magnitude - sum(shares)
    for _remainder, neg_index in sorted(remainders, reverse=True)[:short]:
        shares[-neg_index] += 1
    return [sign * s for s in shares]


@dataclass(frozen=True)
class TaxSplit:
    net: int
    tax: int
    gross: int


def split_tax(amount: int, rate_bp: int, *, prices_include_tax: bool) -> TaxSplit:
    """Net, tax and gross of ``amount`` at ``rate_bp``; ``amount`` is gross when prices include tax."""
    if prices_include_tax:
        tax = round_minor(Decimal(amount) * rate_bp / (BP_SCALE + rate_bp))
        return TaxSplit(net=amount - tax, tax=tax, gross=amount)
    tax = round_minor(Decimal(amount) * rate_bp / BP_SCALE)
    return TaxSplit(net=amount, tax=tax, gross=amount + tax)


@dataclass(frozen=True)
class DocumentLine:
    amount: int  # line amount in minor units, on the shop's price basis
    rate_bp: int


@dataclass(frozen=True)
class DocumentTotals:
    line_tax: tuple[int, ...]  # each line's share of its rate's tax
    by_rate: dict[int, TaxSplit]
    net: int
    tax: int
    gross: int


def _share_tax(tax: int, exact: Sequence[Decimal]) -> list[int]:
    """Each line's tax: its exact tax rounded, then the few minor units the rounding gained or
    lost given to the lines whose rounding moved them furthest, so the shares add up to ``tax``
    and each stays within one minor unit of exact, with the sign of its own line."""
    shares = [round_minor(value) for value in exact]
    residual = tax - sum(shares)
    step = 1 if residual > 0 else -1
    # the lines rounded furthest against the residual's direction take it first
    order = sorted(range(len(exact)), key=lambda i: (exact[i] - shares[i]) * step, reverse=True)
    for i in order[:abs(residual)]:
        shares[i] += step
    return shares


def document_totals(lines: Sequence[DocumentLine], *, prices_include_tax: bool) -> DocumentTotals:
    """Totals of a document: tax per rate on that rate's total, shared out over the lines."""
    by_rate: dict[int, TaxSplit] = {}
    line_tax = [0] * len(lines)
    for rate in sorted({line.rate_bp for line in lines}):
        members = [i for i, line in enumerate(lines) if line.rate_bp == rate]
        split = split_tax(sum(lines[i].amount for i in members), rate, prices_include_tax=prices_include_tax)
        by_rate[rate] = split
        divisor = BP_SCALE + rate if prices_include_tax else BP_SCALE
        exact = [Decimal(lines[i].amount) * rate / divisor for i in members]
        for i, share in zip(members, _share_tax(split.tax, exact), strict=True):
            line_tax[i] = share
    return DocumentTotals(
        line_tax=tuple(line_tax),
        by_rate=by_rate,
        net=sum(s.net for s in by_rate.values()),
        tax=sum(s.tax for s in by_rate.values()),
        gross=sum(s.gross for s in by_rate.values()),
    )
