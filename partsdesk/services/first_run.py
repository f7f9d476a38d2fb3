"""Setting a new shop up: its details, tax, document number prefixes and first administrator,
written in one transaction by the first-run wizard (``ui.first_run``).

Everything is checked before anything is written, and every problem is named by its field at
once, so the wizard can send the user back to the page that holds it; a shop half set up (a
name but no administrator, or an administrator but the old prefixes) never exists. The set-up
runs only on a shop without users (``needs_setup``): afterwards the settings dialog and the
user list change these things one at a time, each audited on its own.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from partsdesk.config import SETTINGS_BY_NAME
from partsdesk.domain import credentials
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.money import CURRENCIES
from partsdesk.domain.permissions import SYSTEM, Actor
from partsdesk.i18n import N_, _
from partsdesk.models import AppUser, DocumentCounter, Setting, transaction
from partsdesk.services import audit, users
from partsdesk.services import settings as shop_settings
from partsdesk.services.clock import now
from partsdesk.services.numbering import SERIES
from partsdesk.services.users import UserRow

# What the wizard asks for each series, in the order it shows them.
SERIES_LABELS: dict[str, str] = {
    "receipt": N_("Receipts"),
    "invoice": N_("Invoices"),
    "credit_note": N_("Credit notes"),
    "quote": N_("Quotes"),
    "order": N_("Customer orders"),
    "repair_order": N_("Repair orders"),
    "payment": N_("Payments on account"),
    "z_report": N_("Z reports (cash-up)"),
    "purchase_order": N_("Purchase orders"),
    "goods_receipt": N_("Goods receipts"),
    "count": N_("Stock counts"),
    "adjustment": N_("Stock adjustments"),
}
for _series in SERIES:  # a series added later is asked for too, under its own name
    SERIES_LABELS.setdefault(_series, _series.replace("_", " ").capitalize())
PREFIX_MAX = 6
NAME_MAX = 80
ADDRESS_MAX = 200
SHORT_MAX = 40
LOGO_MAX_BYTES = 2_000_000
LOGO_KINDS = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}  # reportlab draws both without Pillow
LOGO_STEM = "shop-logo"


def currencies() -> tuple[str, ...]:
    """The currencies a shop can keep its books in: those the money formatting knows and the
    currency setting allows."""
    spec = SETTINGS_BY_NAME["shop.currency"]
    return tuple(code for code in spec.choices if code in CURRENCIES)


@dataclass(frozen=True)
class ShopSetup:
    """What the wizard collected, as typed. ``vat_percent`` is text ("13", "6.5"); ``logo`` the
    path of an image file on this PC, or "" for none; ``prefixes`` maps a series to its prefix
    (a series left out keeps its default)."""

    name: str
    address: str = ""
    tax_id: str = ""
    phone: str = ""
    logo: str = ""
    currency: str = "CNY"
    vat_percent: str = "13"
    prices_include_tax: bool = True
    prefixes: dict[str, str] = field(default_factory=dict)
    username: str = ""
    display_name: str = ""
    pin: str = ""
    password: str = ""
    password_again: str = ""
    language: str = "en"  # the wizard's language, kept as the shop's (shop.language)


def needs_setup() -> bool:
    """A shop that was never set up: no user and no shop name stored. (A shop with users but
    no name was made before the wizard existed: it keeps working as it is.)"""
    if users.count_users():
        return False
    return not Setting.select().where(Setting.key == "shop.name").exists()


def default_prefixes() -> dict[str, str]:
    return {series: SERIES[series] for series in SERIES_LABELS}


def parse_vat_percent(text: object) -> int:
    """A tax rate typed as a percentage ("13", "13 %", "6.5") in basis points (1300, 650).
    Raises ``ValidationError`` on the field ``tax.default_rate_bp``."""
    cleaned = str(text if text is not None else "").replace("%", "").replace(",", ".").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > 100:
        raise ValidationError({"tax.default_rate_bp": _("The VAT rate is a percentage from 0 to 100, like 13 or 6.5.")})
    basis_points = value * 100
    if basis_points != basis_points.to_integral_value():
        raise ValidationError({"tax.default_rate_bp": _("The VAT rate has at most two decimals, like 6.25.")})
    return int(basis_points)


def clean_prefix(text: object) -> str:
    return str(text or "").strip().upper()


def _check_prefixes(prefixes: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The prefixes of every series (defaults filled in) and the problems, keyed ``prefix.SERIES``."""
    cleaned = default_prefixes()
    problems: dict[str, str] = {}
    for series, text in prefixes.items():
        if series not in SERIES_LABELS:
            problems[f"prefix.{series}"] = _("There is no document series {series!r}.").format(series=series)
            continue
        cleaned[series] = clean_prefix(text)
    users_of: dict[str, list[str]] = {}
    for series, prefix in cleaned.items():
        users_of.setdefault(prefix, []).append(series)
    for series, prefix in cleaned.items():
        key = f"prefix.{series}"
        label = _(SERIES_LABELS[series])
        others = [_(SERIES_LABELS[other]).lower() for other in users_of[prefix] if other != series]
        if not prefix:
            problems[key] = _("{label}: give a short code, like {prefix}.").format(label=label, prefix=SERIES[series])
        elif len(prefix) > PREFIX_MAX or not prefix.isascii() or not prefix.isalnum() or not prefix[0].isalpha():
            # printed before "-000042" and typed or scanned back to find the document: no dashes or spaces
            problems[key] = _("{label}: 1 to {most} letters and digits, starting with a letter.").format(
                label=label, most=PREFIX_MAX)
        elif others:
            problems[key] = _("{label}: {prefix} is already the prefix of {others}; each kind of document needs "
                              "its own.").format(
                label=label, prefix=prefix, others=_(" and ").join(others))
    return cleaned, problems


def _logo_suffix(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        return None
    return next((suffix for magic, suffix in LOGO_KINDS.items() if head.startswith(magic)), None)


def _check_logo(text: str) -> tuple[Path | None, str | None]:
    """The logo file (None for none) and its problem, if any."""
    if not text.strip():
        return None, None
    path = Path(text.strip()).expanduser()
    if not path.is_file():
        return None, _("There is no file {path}.").format(path=path)
    if path.stat().st_size > LOGO_MAX_BYTES:
        return None, _("The logo is larger than {megabytes} MB; save a smaller image.").format(
            megabytes=LOGO_MAX_BYTES // 1_000_000)
    if _logo_suffix(path) is None:
        return None, _("The logo must be a PNG or JPEG image.")
    return path, None


def _text(problems: dict[str, str], key: str, value: str, *, most: int, required: bool = False) -> str:
    label = _(SETTINGS_BY_NAME[key].label)
    cleaned = " ".join(str(value or "").split())  # one line, as printed under the name
    if required and not cleaned:
        problems[key] = _("{label}: it is printed on every receipt and invoice; type it.").format(label=label)
    elif len(cleaned) > most:
        problems[key] = _("{label}: at most {most} characters.").format(label=label, most=most)
    return cleaned


def validate(setup: ShopSetup) -> tuple[dict[str, object], dict[str, str], Path | None]:
    """Check everything; returns (settings to write, prefixes, logo file). Raises
    ``ValidationError`` with every problem, keyed by setting name, ``prefix.SERIES`` or the
    administrator's field (username, display_name, pin, password, password_again)."""
    problems: dict[str, str] = {}
    values: dict[str, object] = {
        "shop.name": _text(problems, "shop.name", setup.name, most=NAME_MAX, required=True),
        "shop.address": _text(problems, "shop.address", setup.address, most=ADDRESS_MAX),
        "shop.tax_id": _text(problems, "shop.tax_id", setup.tax_id, most=SHORT_MAX),
        "shop.phone": _text(problems, "shop.phone", setup.phone, most=SHORT_MAX),
        "shop.currency": setup.currency,
        "tax.prices_include_tax": bool(setup.prices_include_tax),
        "shop.language": setup.language,
    }
    if setup.language not in SETTINGS_BY_NAME["shop.language"].choices:
        problems["shop.language"] = _("Language: one of {languages}.").format(
            languages=", ".join(SETTINGS_BY_NAME["shop.language"].choices))
    if setup.currency not in currencies():
        problems["shop.currency"] = _("Currency: one of {currencies}.").format(currencies=", ".join(currencies()))
    try:
        values["tax.default_rate_bp"] = parse_vat_percent(setup.vat_percent)
    except ValidationError as error:
        problems.update(error.problems)
    logo, logo_problem = _check_logo(setup.logo)
    if logo_problem:
        problems["shop.logo"] = logo_problem
    prefixes, prefix_problems = _check_prefixes(setup.prefixes)
    problems.update(prefix_problems)

    username = setup.username.strip().lower()
    display_name = setup.display_name.strip() or username
    problems.update(users._validate_user_fields(username, display_name, "admin"))
    for check, value, key in ((credentials.check_pin, setup.pin, "pin"),
                              (credentials.check_password, setup.password, "password")):
        try:
            check(value)
        except ValidationError as error:
            problems[key] = error.problems[key]
    if "password" not in problems and setup.password != setup.password_again:
        problems["password_again"] = _("The two passwords differ; type the same password twice.")
    for key, value in values.items():
        if key not in problems:
            try:
                shop_settings.validate(SETTINGS_BY_NAME[key], value)
            except ValidationError as error:
                problems[key] = next(iter(error.problems.values()))
    if problems:
        raise ValidationError(problems)
    return values, prefixes, logo


def set_up_shop(setup: ShopSetup, *, data_dir: Path) -> UserRow:
    """Write a new shop's settings, prefixes and first administrator in one transaction
    (audited ``shop.setup``), after checking all of it (``validate``). The logo is copied into
    ``data_dir`` (this PC's data folder) so the shop does not depend on where the picture was;
    the setting ``shop.logo`` names the copy. Refused when the shop already has users."""
    values, prefixes, logo = validate(setup)
    copied: Path | None = None
    if logo is not None:
        copied = Path(data_dir) / f"{LOGO_STEM}{_logo_suffix(logo)}"
        try:
            copied.parent.mkdir(parents=True, exist_ok=True)
            if logo.resolve() != copied.resolve():
                shutil.copyfile(logo, copied)
        except OSError as error:
            raise ValidationError({"shop.logo": _("Could not copy the logo into {folder}: {error}.").format(
                folder=copied.parent, error=error.strerror or error)}) from error
        values["shop.logo"] = str(copied)
    username = setup.username.strip().lower()
    try:
        with transaction():
            if AppUser.select().exists():
                raise UserError(_("This shop is already set up: it has users. Change its details in the settings."))
            for key, value in values.items():
                Setting.insert(key=key, value=json.dumps(value)).on_conflict(
                    conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}).execute()
            for series, prefix in prefixes.items():
                # a new shop has taken no number yet: the series starts at 1 with its own prefix
                DocumentCounter.insert(series=series, prefix=prefix, next_number=1).on_conflict(
                    conflict_target=[DocumentCounter.series], update={DocumentCounter.prefix: prefix}).execute()
            user = AppUser.create(
                username=username, display_name=setup.display_name.strip() or username, role="admin",
                pin_hash=credentials.hash_secret(setup.pin), password_hash=credentials.hash_secret(setup.password),
                created_at=now())
            admin = Actor(user_id=user.id, username=user.username, display_name=user.display_name, role="admin")
            audit.record("user.add", actor=SYSTEM, object_type="user", object_id=user.id,
                         new={"username": username, "display_name": user.display_name, "role": "admin"})
            audit.record("shop.setup", actor=admin, object_type="shop", object_id="setup",
                         new={"settings": values, "prefixes": prefixes})
    except BaseException:
        if copied is not None and logo is not None and logo.resolve() != copied.resolve():
            copied.unlink(missing_ok=True)
        raise
    return users.list_users_by_id(user.id)


def keep_language(language: str) -> None:
    """The demo shop opened from the wizard speaks the language the wizard was in."""
    shop_settings.set_value(SYSTEM, "shop.language", language)


__all__ = ["PREFIX_MAX", "SERIES_LABELS", "ShopSetup", "currencies", "default_prefixes", "keep_language", "needs_setup",
           "parse_vat_percent", "set_up_shop", "validate"]
