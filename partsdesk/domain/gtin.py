"""Barcodes on parts: GTINs (EAN-13, UPC-A, EAN-8, GTIN-14) with their check digits, and the
shop's own Code 128 codes.

Every barcode is stored and looked up in one normal form, so a UPC-A scan finds a part whose
label was printed as EAN-13 and the other way round: UPC-A (12 digits) is its EAN-13 with a
leading 0, and a GTIN-14 whose indicator digit is 0 is the same product as that EAN-13.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from partsdesk.domain.errors import ValidationError
from partsdesk.i18n import _

SHOP_CODE_MAX = 48
GTIN_LENGTHS = (8, 12, 13, 14)


class Barcode(NamedTuple):
    code: str
    symbology: str  # EAN13, EAN8, GTIN14, CODE128


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for ``body`` (all digits but the last)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    return (code.isascii() and code.isdigit() and len(code) in GTIN_LENGTHS
            and gtin_check_digit(code[:-1]) == int(code[-1]))


def normalize_barcode(text: str) -> Barcode:
    """The stored form of a scanned or typed barcode; ValidationError if it cannot be one."""
    code = unicodedata.normalize("NFKC", text).strip()  # full-width digits from a Chinese IME
    if not code:
        raise ValidationError({"barcode": _("The barcode is empty.")})
    if code.isascii() and code.isdigit() and len(code) in GTIN_LENGTHS:
        if not is_valid_gtin(code):
            expected = gtin_check_digit(code[:-1])
            raise ValidationError({"barcode": _(
                "{code} is not a valid barcode: its last digit (check digit) should be {expected}. "
                "Scan it again or check the number on the label."
            ).format(code=code, expected=expected)})
        if len(code) == 12:
            return Barcode("0" + code, "EAN13")
        if len(code) == 14 and code.startswith("0"):
            return Barcode(code[1:], "EAN13")
        return Barcode(code, {8: "EAN8", 13: "EAN13", 14: "GTIN14"}[len(code)])
    if not code.isascii() or not code.isprintable() or " " in code or len(code) > SHOP_CODE_MAX:
        raise ValidationError({"barcode": _(
            "{code!r} cannot be a barcode: a shop code is 1 to {most} letters, digits or signs "
            "without spaces (Code 128)."
        ).format(code=code[:60], most=SHOP_CODE_MAX)})
    return Barcode(code.upper(), "CODE128")


def barcode_lookup_key(text: str) -> str | None:
    """The stored form to look a scan up by, or None when it cannot be a barcode (never raises)."""
    try:
        return normalize_barcode(text).code
    except ValidationError:
        return None
