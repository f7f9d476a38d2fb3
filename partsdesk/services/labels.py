"""What a part's shelf label shows (DESIGN.md "Labels"): its name (English, and Chinese when it
has one), number, brand, bin, retail price in the shop's currency, and the barcode a scanner
at the counter finds it by.

The barcode is the part's own GTIN when it has an EAN-13 (or EAN-8), else its shop code as Code
128, and when the part has no barcode at all its normalised part number as Code 128 (the
counter's search finds a part by its number typed or scanned). Read-only: any user may print
labels; nothing is written. Reads are one query per table whatever the number of labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.labels import LABELS_MAX, check_total
from partsdesk.domain.part_numbers import normalize_number
from partsdesk.i18n import _
from partsdesk.models import Brand, GoodsReceipt, GoodsReceiptLine, Part, PartBarcode
from partsdesk.models.counts import CountLine, CountSession
from partsdesk.services import settings

EAN13, EAN8, CODE128 = "EAN13", "EAN8", "CODE128"
# which of a part's barcodes its label carries: a GTIN the maker printed first (every scanner and
# supplier knows it), then the shop's own code; a GTIN-14 (a case's code) prints as Code 128
PREFERENCE = {EAN13: 0, EAN8: 1, CODE128: 2, "GTIN14": 3}
CHUNK = 500  # ids or numbers per IN (...): well within every engine's limit on parameters


@dataclass(frozen=True)
class PartLabel:
    """One label. ``price`` in minor units of ``currency`` (retail, as the shelf shows it);
    ``symbology`` is how ``code`` prints: EAN13, EAN8 or CODE128."""

    part_id: int
    number: str
    name_en: str
    name_zh: str
    brand: str
    bin: str
    price: int
    currency: str
    code: str
    symbology: str


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _entries(part_quantities: Sequence[tuple]) -> list[tuple[str, str, int]]:
    """(number, qty) or (number, brand, qty) entries as (number, brand, qty)."""
    entries = []
    for entry in part_quantities:
        number, brand, qty = (entry[0], "", entry[1]) if len(entry) == 2 else entry
        if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= LABELS_MAX:
            raise ValidationError({"parts": _("{number} asks for {qty} labels: give a whole number from 1 to "
                                              "{most:,}.").format(
                number=number, qty=qty, most=LABELS_MAX)})
        entries.append((str(number), str(brand), qty))
    if not entries:
        raise ValidationError({"parts": _("No parts given: choose at least one part to print labels for.")})
    check_total(sum(qty for _number, _brand, qty in entries))
    return entries


def resolve_parts(part_quantities: Sequence[tuple]) -> list[tuple[int, int]]:
    """(part id, labels) for (number, labels) or (number, brand, labels) entries, in their order.

    A number is matched as the catalogue matches it (``normalize_number``: spaces, dashes and
    case ignored) against the parts' own numbers. When two brands share it, the brand given
    decides (else an active part before an inactive one). ValidationError naming every number
    that finds no part, or more than one."""
    entries = _entries(part_quantities)
    norms = sorted({normalize_number(number) for number, _brand, _qty in entries})
    found: dict[str, list[tuple[int, str, bool]]] = {}
    for chunk in _chunks(norms):
        query = (Part.select(Part.number_norm, Part.id, Brand.name_key, Part.active).join(Brand)
                 .where(Part.number_norm.in_(list(chunk))).tuples())
        for norm, part_id, brand_key, active in query:
            found.setdefault(norm, []).append((part_id, brand_key, bool(active)))
    resolved, unknown, ambiguous = [], [], []
    for number, brand, qty in entries:
        candidates = found.get(normalize_number(number), [])
        if brand:
            key = " ".join(brand.split()).upper()
            candidates = [c for c in candidates if c[1] == key]
        if len(candidates) > 1 and any(active for _id, _key, active in candidates):
            candidates = [c for c in candidates if c[2]]
        if not candidates:
            unknown.append(f"{number}@{brand}" if brand else number)
        elif len(candidates) > 1:
            brands = ", ".join(sorted(c[1] for c in candidates))
            ambiguous.append(_("{number} is the number of parts of several brands ({brands}): write it as "
                               "{number}@BRAND").format(number=number, brands=brands))
        else:
            resolved.append((candidates[0][0], qty))
    problems = []
    if unknown:
        problems.append(_("No part has the number {numbers}; check the number (search the catalogue for "
                          "it) and try again").format(numbers=", ".join(unknown)))
    problems += ambiguous
    if problems:
        raise ValidationError({"parts": _("{problems}. No labels were made.").format(problems="; ".join(problems))})
    return resolved


def labels_for_parts(part_quantities: Sequence[tuple[int, int]]) -> list[PartLabel]:
    """One ``PartLabel`` per label for (part id, labels) pairs, in their order; UserError when
    an id names no part."""
    ids = sorted({part_id for part_id, _qty in part_quantities})
    parts: dict[int, tuple] = {}
    for chunk in _chunks(ids):
        query = (Part.select(Part.id, Part.number, Part.number_norm, Part.name_en, Part.name_zh, Brand.name, Part.bin,
                             Part.price_retail).join(Brand).where(Part.id.in_(list(chunk))).tuples())
        for row in query:
            parts[row[0]] = row
    missing = [str(part_id) for part_id in ids if part_id not in parts]
    if missing:
        raise UserError(_("Part record(s) {ids} no longer exist; no labels were made.").format(ids=", ".join(missing)))
    codes: dict[int, tuple[int, int, str, str]] = {}  # part id -> (preference, barcode id, code, symbology)
    for chunk in _chunks(ids):
        query = (PartBarcode.select(PartBarcode.part, PartBarcode.id, PartBarcode.code, PartBarcode.symbology)
                 .where(PartBarcode.part.in_(list(chunk))).tuples())
        for part_id, barcode_id, code, symbology in query:
            candidate = (PREFERENCE.get(symbology, len(PREFERENCE)), barcode_id, code, symbology)
            if part_id not in codes or candidate < codes[part_id]:
                codes[part_id] = candidate
    currency = settings.get("shop.currency")
    made: dict[int, PartLabel] = {}
    for part_id, (_id, number, norm, name_en, name_zh, brand, bin_, price) in parts.items():
        if part_id in codes:
            _preference, _barcode, code, symbology = codes[part_id]
            if symbology not in (EAN13, EAN8):
                symbology = CODE128
        else:
            code, symbology = norm, CODE128
        if symbology == CODE128 and not (code.isascii() and code.isprintable() and code):
            raise UserError(_("Part {number} has no barcode, and its number cannot print as one: give it a barcode "
                              "(a shop code) in the catalogue first. No labels were made.").format(number=number))
        made[part_id] = PartLabel(part_id=part_id, number=number, name_en=name_en, name_zh=name_zh or "",
                                  brand=brand, bin=bin_ or "", price=int(price), currency=currency, code=code,
                                  symbology=symbology)
    labels: list[PartLabel] = []
    for part_id, qty in part_quantities:
        labels.extend([made[part_id]] * qty)
    return labels


def label_data(part_quantities: Sequence[tuple]) -> list[PartLabel]:
    """One ``PartLabel`` per label for parts given by number: (number, labels) or (number,
    brand, labels) entries, in their order. ValidationError for an unknown or ambiguous number
    or a quantity that is not 1 to ``LABELS_MAX``; nothing is written either way."""
    return labels_for_parts(resolve_parts(part_quantities))


# --- labels for what came in or was counted ---------------------------------------------------------

WHOLE_UNITS = ("pcs", "set", "pair")  # counted in whole items: one label each; litres, metres, kilos: one a line


def labels_for_qty(qty: int, unit: str) -> int:
    """How many labels ``qty`` thousandths of a part take: one per item for whole-item units,
    rounded up (2.5 pieces: 3 labels); one for a part sold by measure (a drum of oil, a reel of
    hose carries one label); none for nothing."""
    if qty <= 0:
        return 0
    return -(-qty // 1000) if unit in WHOLE_UNITS else 1


def receipt_quantities(number: object) -> list[tuple[int, int]]:
    """(part id, labels) for the goods accepted on goods receipt ``number`` (GR-…), in its line
    order: the accepted quantity (rejected goods went to quarantine and get none), rounded up to
    whole labels. UserError when there is no such receipt or nothing on it was accepted."""
    norm = "".join(str(number or "").split()).upper()
    receipt = GoodsReceipt.get_or_none(GoodsReceipt.number == norm)
    if receipt is None:
        raise UserError(_("There is no goods receipt {number}. Check the GR number on the receipt.").format(
            number=norm or _("(no number)")))
    rows = (GoodsReceiptLine.select(GoodsReceiptLine.part, GoodsReceiptLine.qty_accepted, Part.unit)
            .join(Part, on=(GoodsReceiptLine.part == Part.id)).where(GoodsReceiptLine.receipt == receipt.id)
            .order_by(GoodsReceiptLine.line_no).tuples())
    quantities = [(part_id, labels_for_qty(int(qty), unit)) for part_id, qty, unit in rows]
    quantities = [(part_id, n) for part_id, n in quantities if n]
    if not quantities:
        raise UserError(_("Nothing was accepted on {number} (all of it went to quarantine): no labels to "
                          "print.").format(number=receipt.number))
    check_total(sum(n for _part, n in quantities))
    return quantities


def count_quantities(number: object) -> list[tuple[int, int]]:
    """(part id, 1) for every part counted (scanned or typed, not a part nobody counted that
    finishing set to zero) in the posted stock count ``number`` (CNT-…), in the order first
    counted: one shelf label per counted part, to relabel the shelves the count went over.
    UserError when there is no such count, it is not posted yet, or nothing was counted."""
    norm = "".join(str(number or "").split()).upper()
    session = CountSession.get_or_none(CountSession.number == norm)
    if session is None:
        raise UserError(_("There is no stock count {number}. Check the count's number.").format(
            number=norm or _("(no number)")))
    if session.status != "posted":
        raise UserError(_("{number} is {status}, not posted: labels are printed from a posted count.").format(
            number=session.number, status=session.status))
    seen: dict[int, None] = {}
    for (part_id,) in (CountLine.select(CountLine.part).where((CountLine.session == session.id)
                                                              & (CountLine.origin != "uncounted_zero"))
                       .order_by(CountLine.counted_at, CountLine.id).tuples()):
        seen.setdefault(part_id, None)
    if not seen:
        raise UserError(_("No part was counted in {number}: no labels to print.").format(number=session.number))
    check_total(len(seen))
    return [(part_id, 1) for part_id in seen]
