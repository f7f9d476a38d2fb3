"""What a customer record is: its fields and their rules, phone numbers and tax IDs in the one
form they are matched in (duplicate detection, search).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.fields import CLEANERS, FieldSpec, clean_int, clean_text, is_blank
from partsdesk.i18n import N_, _

PERSON, COMPANY = "person", "company"
KINDS = {PERSON: (N_("Person"), "个人"), COMPANY: (N_("Company"), "公司")}
CHANNELS = {"phone": (N_("Phone call"), "电话"), "sms": (N_("Text message"), "短信"), "wechat": (N_("WeChat"), "微信"),
            "email": (N_("E-mail"), "邮件")}
PHONE_DIGITS_MIN, PHONE_DIGITS_MAX = 5, 15
PAYMENT_TERMS_MAX = 365
# The one answer for a customer merged into another or erased, whichever service is asked.
CUSTOMER_GONE = N_("Customer #{} is not in the customer file any more (merged or erased).")  # _(CUSTOMER_GONE).format(id)
TAGS_MAX = 200
BIRTH_YEAR_MIN = 1900

CUSTOMER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("kind", N_("Customer type"), "kind", default=PERSON),
    FieldSpec("name", N_("Name"), "text", required=True, max_length=120),
    FieldSpec("contact_person", N_("Contact person"), "text", max_length=80),
    FieldSpec("tax_id", N_("Tax ID"), "text", max_length=30),
    FieldSpec("address", N_("Address"), "text", max_length=300, multiline=True),
    FieldSpec("email", N_("E-mail"), "email", max_length=120),
    FieldSpec("preferred_channel", N_("Preferred contact"), "channel"),
    FieldSpec("preferred_time", N_("Best time to call"), "text", max_length=40),
    FieldSpec("marketing_consent", N_("Agrees to offers"), "bool", default=False),
    FieldSpec("birthday", N_("Birthday"), "date", default=None),
    FieldSpec("tags", N_("Tags"), "tags", max_length=TAGS_MAX),
    FieldSpec("notes", N_("Notes"), "text", max_length=2000, multiline=True),
    FieldSpec("key_account", N_("Key account"), "bool", default=False),
    FieldSpec("account_manager_id", N_("Looked after by"), "staff", default=None),
    FieldSpec("member_card", N_("Member card"), "card", max_length=30),
    FieldSpec("credit_limit", N_("Credit limit"), "money", default=0),
    FieldSpec("payment_terms_days", N_("Payment terms (days)"), "int", default=0),
)
CUSTOMER_FIELDS_BY_NAME = {spec.name: spec for spec in CUSTOMER_FIELDS}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TAG_SPLIT = re.compile(r"[,，;；、]")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")  # 1980-05-17, 1980/5/17, 1980年5月17日


def normalize_phone(text: str, *, country_code: str = "86") -> str:
    """Digits only, the shop's own country code dropped: "+86 138-0013-8000" -> "13800138000".

    Full-width digits (Chinese input methods) count as digits. A foreign number keeps its
    country code ("+49 30 1234567" -> "49301234567").
    """
    text = unicodedata.normalize("NFKC", text).strip()
    digits = "".join(ch for ch in text if ch.isdigit() and ch.isascii())
    if text.startswith("+"):
        return digits[len(country_code):] if digits.startswith(country_code) else digits
    if digits.startswith("00" + country_code):
        return digits[2 + len(country_code):]
    return digits


def check_phone(text: str, *, country_code: str = "86") -> str:
    """The phone's matching form, or ``ValidationError`` on ``phones`` when it cannot be a number."""
    if any(ch.isalpha() for ch in unicodedata.normalize("NFKC", text)):
        raise ValidationError({"phones": _("Phone {phone!r} has letters in it; write digits only.").format(
            phone=text[:30])})
    norm = normalize_phone(text, country_code=country_code)
    if not PHONE_DIGITS_MIN <= len(norm) <= PHONE_DIGITS_MAX:
        raise ValidationError({"phones": _("Phone {phone!r} needs {fewest} to {most} digits.").format(
            phone=text[:30], fewest=PHONE_DIGITS_MIN, most=PHONE_DIGITS_MAX)})
    return norm


def normalize_tax_id(text: str) -> str:
    """Upper-case letters and digits: "91310000 mA1fl1xx 5c" -> "91310000MA1FL1XX5C"."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).upper() if ch.isalnum())


def _clean_kind(spec: FieldSpec, value: object) -> str:
    text = str(value).strip().casefold()
    for code, (english, chinese) in KINDS.items():
        if text in (code, english.casefold(), chinese):
            return code
    raise ValidationError({spec.name: _("Customer type is a person or a company.")})


def _clean_email(spec: FieldSpec, value: object) -> str:
    text = clean_text(spec, value)
    if text and not _EMAIL.match(text):
        raise ValidationError({spec.name: _("{text!r} is not an e-mail address (name@example.com).").format(
            text=text[:40])})
    return text


def _clean_channel(spec: FieldSpec, value: object) -> str:
    text = str(value).strip().casefold()
    if not text:
        return ""
    for code, (english, chinese) in CHANNELS.items():
        if text in (code, english.casefold(), chinese):
            return code
    raise ValidationError({spec.name: _("Preferred contact is one of: {channels}.").format(
        channels=", ".join(_(english) for english, _chinese in CHANNELS.values()))})


def _clean_date(spec: FieldSpec, value: object, today: date) -> date | None:
    if value is None or isinstance(value, date):
        day = value
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        match = _DATE.match(text)
        try:
            day = date(*map(int, match.groups())) if match else None
        except ValueError:
            day = None
        if day is None and text:
            raise ValidationError({spec.name: _("{label}: a date as year-month-day (1980-05-17).").format(
                label=_(spec.label))})
    if day is not None and not (day.year >= BIRTH_YEAR_MIN and day <= today):
        raise ValidationError({spec.name: _("{label} cannot be in the future or before {year}.").format(
            label=_(spec.label), year=BIRTH_YEAR_MIN)})
    return day


def _clean_tags(spec: FieldSpec, value: object) -> str:
    tags = dict.fromkeys(tag.strip() for tag in _TAG_SPLIT.split(clean_text(spec, value)) if tag.strip())
    return ", ".join(tags)


def _clean_card(spec: FieldSpec, value: object) -> str:
    text = clean_text(spec, value).upper()
    if text and not (text.isascii() and text.isalnum()):
        raise ValidationError({spec.name: _("A member card number has letters and digits only.")})
    return text


def clean_customer(raw: Mapping[str, object], *, today: date,
                   exponent: int = 2) -> tuple[dict[str, object], dict[str, str]]:
    """Check a customer's values as typed or imported; returns (clean values, problems by field).

    Adds ``tax_id_norm``; an empty member card becomes None (no card). A company needs its
    name; a person's name is the name the shop calls them by.
    """
    cleaners = {**CLEANERS, "kind": lambda s, v, e: _clean_kind(s, v), "email": lambda s, v, e: _clean_email(s, v),
                "channel": lambda s, v, e: _clean_channel(s, v), "date": lambda s, v, e: _clean_date(s, v, today),
                "tags": lambda s, v, e: _clean_tags(s, v), "card": lambda s, v, e: _clean_card(s, v),
                "staff": lambda s, v, e: None if v is None else clean_int(s, v)}
    clean: dict[str, object] = {}
    problems: dict[str, str] = {}
    for spec in CUSTOMER_FIELDS:
        value = raw.get(spec.name)
        if is_blank(value):
            if spec.required:
                problems[spec.name] = _("{label} is required.").format(label=_(spec.label))
                continue
            value = spec.default
        try:
            clean[spec.name] = cleaners[spec.kind](spec, value, exponent)
        except ValidationError as error:
            problems.update(error.problems)
    unknown = raw.keys() - CUSTOMER_FIELDS_BY_NAME.keys()
    if unknown:
        problems["_unknown"] = _("Unknown field(s): {fields}.").format(fields=", ".join(sorted(unknown)))
    if "tax_id" in clean:
        clean["tax_id_norm"] = normalize_tax_id(str(clean["tax_id"]))
    if "payment_terms_days" in clean and int(clean["payment_terms_days"]) > PAYMENT_TERMS_MAX:  # type: ignore[arg-type]
        problems["payment_terms_days"] = _("Payment terms are at most {days} days.").format(days=PAYMENT_TERMS_MAX)
    if clean.get("member_card") == "":
        clean["member_card"] = None
    if not clean.get("key_account"):
        clean["account_manager_id"] = None  # only a key account is looked after by someone
    return clean, problems
