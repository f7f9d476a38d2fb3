"""Fields of a record as a person types them or a spreadsheet holds them, and the one way each
kind is checked. ``catalog.clean_part`` and ``customers.clean_customer`` are built from these, so
the same mistake gets the same message on every screen and in every import."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from partsdesk.domain import money
from partsdesk.domain.errors import ValidationError
from partsdesk.i18n import _

TEXT_MAX = 200
INT_MAX = 1_000_000_000


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # text, money, qty, int, bp, bool, or a kind the record's own module cleans
    required: bool = False
    max_length: int = TEXT_MAX
    default: object = ""
    multiline: bool = False  # text that may hold line breaks (notes, an address)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_TRUE = {"1", "true", "yes", "y", "on", "是", "x"}
_FALSE = {"0", "false", "no", "n", "off", "否", ""}


def is_blank(value: object) -> bool:
    return value is None or value == "" or (type(value) is str and value.isspace())


def clean_text(spec: FieldSpec, value: object) -> str:
    text = value.strip() if type(value) is str else "" if value is None else str(value).strip()
    if _CONTROL.search(text) or (not spec.multiline and "\n" in text):
        raise ValidationError({spec.name: _("{label} contains control characters or line breaks.").format(
            label=_(spec.label))})
    if len(text) > spec.max_length:
        raise ValidationError({spec.name: _("{label} is at most {most} characters.").format(
            label=_(spec.label), most=spec.max_length)})
    return text


def clean_int(spec: FieldSpec, value: object) -> int:
    if isinstance(value, bool):
        raise ValidationError({spec.name: _("{label}: a whole number.").format(label=_(spec.label))})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValidationError({spec.name: _("{label}: a whole number of 0 or more.").format(label=_(spec.label))})
    if len(text) > 10 or int(text) > INT_MAX:
        raise ValidationError({spec.name: _("{label} is too large.").format(label=_(spec.label))})
    return int(text)


def clean_bool(spec: FieldSpec, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError({spec.name: _("{label}: yes or no.").format(label=_(spec.label))})


Cleaner = Callable[[FieldSpec, object, int], object]

# kind -> cleaner, called with the spec, the value and the currency's exponent.
CLEANERS: dict[str, Cleaner] = {
    "text": lambda spec, value, exponent: clean_text(spec, value),
    "money": lambda spec, value, exponent: money.parse_money(value, exponent=exponent, field=spec.name,
                                                             label=spec.label),
    "qty": lambda spec, value, exponent: money.parse_quantity(value, field=spec.name, label=spec.label),
    "bp": lambda spec, value, exponent: money.parse_percent_bp(value, field=spec.name, label=spec.label),
    "int": lambda spec, value, exponent: clean_int(spec, value),
    "bool": lambda spec, value, exponent: clean_bool(spec, value),
}


def check_text_list(value: object, *, field: str, label: str, most: int = 20, longest: int = 120) -> tuple[str, ...]:
    """A settings list of short texts (survey questions, complaint categories): 1 to ``most``
    distinct, non-blank texts of at most ``longest`` characters. Raises ``ValidationError``."""
    if not isinstance(value, list | tuple) or not value:
        raise ValidationError({field: _("{label}: a list of at least one entry.").format(label=_(label))})
    if len(value) > most:
        raise ValidationError({field: _("{label}: at most {most} entries.").format(label=_(label), most=most)})
    seen: list[str] = []
    for entry in value:
        if not isinstance(entry, str) or not entry.strip() or len(entry) > longest:
            raise ValidationError({field: _("{label}: each entry is 1 to {longest} characters.").format(
                label=_(label), longest=longest)})
        if entry.strip().casefold() in (s.casefold() for s in seen):
            raise ValidationError({field: _("{label}: {entry} is listed twice.").format(label=_(label),
                                                                                  entry=entry.strip())})
        seen.append(entry.strip())
    return tuple(seen)


def clean_day(value: object, field: str, label: str) -> date:
    """A calendar day from a ``date``, a ``datetime`` (its day) or ISO text "2026-11-30".
    Raises ``ValidationError`` naming ``field``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError({field: _("{label}: a date like 2026-11-30.").format(label=_(label))})


def clean_line(value: object, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    """One line of text (a document number, a reference, a reason): runs of spaces and line
    breaks become one space. Raises ``ValidationError`` when required and empty, or too long."""
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({field: _("{label} is required.").format(label=_(label))})
    if len(text) > max_length:
        raise ValidationError({field: _("{label} is at most {most} characters.").format(label=_(label), most=max_length)})
    return text
