"""Settings, declared once: name, type, default, where it lives, what it means.

``shop`` settings live in the database (every terminal of the shop shares them) and are read
and written through ``services.settings``; ``terminal`` settings belong to one PC and live in
its config folder (``paths.settings_file``). Widgets for a settings dialog are built from
these declarations, never from a second list.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal

import platformdirs

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.fields import check_text_list
from partsdesk.domain.labels import LAYOUTS as LABEL_LAYOUTS
from partsdesk.domain.membership import DEFAULT_TIERS, parse_tiers
from partsdesk.domain.pricing import PRICE_TIERS, TierRules
from partsdesk.domain.reminders import DEFAULT_SERVICE_TYPES, parse_service_types
from partsdesk.domain.scanning import DEFAULT_MAX_GAP_MS, DEFAULT_MIN_LENGTH, SCANNER_TERMINATORS
from partsdesk.i18n import N_, _

APP_NAME = "PartsDesk"


def check_clock_time(value: object, *, field: str, label: str) -> tuple[int, int]:
    """A time of day as text "HH:MM" (24-hour, "08:00", "17:30"); returns (hour, minute).
    Raises ``ValidationError`` naming ``field``."""
    text = value.strip() if isinstance(value, str) else ""
    hour, sep, minute = text.partition(":")
    if (sep and len(hour) == 2 and len(minute) == 2 and hour.isascii() and hour.isdigit() and minute.isascii()
            and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        return int(hour), int(minute)
    raise ValidationError({field: _("{label}: a time of day like 08:00 (hours 00-23, minutes 00-59).").format(
        label=_(label))})


def check_one_line(value: object, *, field: str, label: str, longest: int, required: bool = False) -> str:
    """A setting that is one line of text (a name, a phone number): no line breaks or control
    characters, at most ``longest`` characters, not blank when ``required``."""
    text = value if isinstance(value, str) else ""
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ValidationError({field: _("{label}: one line, without line breaks or control characters.").format(
            label=_(label))})
    if required and not text.strip():
        raise ValidationError({field: _("{label} is required.").format(label=_(label))})
    if len(text.strip()) > longest:
        raise ValidationError({field: _("{label}: at most {longest} characters.").format(label=_(label),
                                                                                        longest=longest)})
    return text.strip()


def check_digits(value: object, *, field: str, label: str, longest: int) -> str:
    """Digits only, 1 to ``longest`` of them (a country calling code: "86", "852")."""
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= longest):
        raise ValidationError({field: _("{label}: 1 to {longest} digits, like 86.").format(label=_(label),
                                                                                          longest=longest)})
    return text


def check_database_url(value: object) -> str:
    """This PC's shop database: empty (the shop file in the data folder), a SQLite file path
    ending in .sqlite or .db, or a postgresql://user:password@host:port/dbname URL."""
    field, label = "database.url", N_("Shop database")
    text = check_one_line(value, field=field, label=label, longest=500)
    if not text:
        return text
    if text.startswith(("postgresql://", "postgres://")):
        rest = text.split("://", 1)[1]
        host = rest.rsplit("@", 1)[-1].split("/", 1)[0]
        if not host or "/" not in rest or not rest.split("/", 1)[1].rsplit("/", 1)[-1].split("?")[0]:
            raise ValidationError({field: _("{label}: a PostgreSQL URL names the server and the database, "
                                            "like postgresql://partsdesk@192.168.1.10:5432/shop.").format(
                label=_(label))})
        return text
    if "://" in text:
        raise ValidationError({field: _("{label}: a SQLite file (…/shop.sqlite) or a postgresql:// URL.").format(
            label=_(label))})
    path = Path(text).expanduser()
    if not path.is_absolute() or path.suffix.lower() not in (".sqlite", ".db"):
        raise ValidationError({field: _("{label}: the full path of a SQLite file ending in .sqlite or .db, like "
                                        "C:\\PartsDesk\\shop.sqlite.").format(label=_(label))})
    return text


def check_folder(value: object, *, field: str, label: str) -> str:
    """A folder setting: empty (the default place) or a full path that is not an existing file."""
    text = check_one_line(value, field=field, label=label, longest=500)
    if text:
        path = Path(text).expanduser()
        if not path.is_absolute():
            raise ValidationError({field: _("{label}: a full path, like D:\\Backups\\PartsDesk.").format(
                label=_(label))})
        if path.exists() and not path.is_dir():
            raise ValidationError({field: _("{label}: {path} is a file, not a folder.").format(label=_(label),
                                                                                              path=text)})
    return text


def _line(field: str, label: str, longest: int, required: bool = False) -> Callable[[Any], object]:
    return partial(check_one_line, field=field, label=label, longest=longest, required=required)


@dataclass(frozen=True)
class SettingSpec:
    name: str
    type: type
    default: Any
    scope: Literal["shop", "terminal"]
    label: str
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[Any, ...] = ()
    check: Callable[[Any], object] | None = None  # a list's own rules; raises ValidationError
    # The default is PartsDesk's own wording (marked N_): shown in this PC's language until the shop
    # sets its own (a list of texts). Not for names other rows refer to (service types, categories).
    words: bool = False


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("shop.name", str, "PartsDesk shop", "shop", N_("Shop name"), check=_line("shop.name", N_("Shop name"), 80, True)),
    SettingSpec("shop.address", str, "", "shop", N_("Shop address"), help=N_("Printed under the name on every document."),
                check=_line("shop.address", N_("Shop address"), 200)),
    SettingSpec("shop.phone", str, "", "shop", N_("Shop phone"), check=_line("shop.phone", N_("Shop phone"), 40)),
    SettingSpec("shop.tax_id", str, "", "shop", N_("Shop tax ID"), help=N_("Printed on invoices and statements."),
                check=_line("shop.tax_id", N_("Shop tax ID"), 40)),
    SettingSpec("shop.logo", str, "", "shop", N_("Shop logo (image file)"),
                help=N_("A PNG or JPEG printed at the top of A4 documents; the first-run wizard copies it into the "
                        "data folder. Empty: no logo."), check=_line("shop.logo", N_("Shop logo"), 500)),
    SettingSpec("shop.demo", bool, False, "shop", N_("Demo shop"), help=N_("Built by partsdesk demo; may be rebuilt.")),
    SettingSpec("shop.currency", str, "CNY", "shop", N_("Currency"), choices=("CNY", "USD", "EUR", "GBP", "HKD")),
    SettingSpec("shop.phone_country_code", str, "86", "shop", N_("Country calling code"),
                help=N_("Dropped from customers' phone numbers so +86 138… and 138… are the same number."),
                check=partial(check_digits, field="shop.phone_country_code", label=N_("Country calling code"), longest=4)),
    SettingSpec("tax.prices_include_tax", bool, True, "shop", N_("Prices include tax"),
                help=N_("Selling prices in the catalogue are tax-inclusive (usual at a counter).")),
    SettingSpec("tax.default_rate_bp", int, 1300, "shop", N_("Default tax rate (basis points)"), minimum=0,
                maximum=10_000, help=N_("1300 = 13 %")),
    SettingSpec("security.pin_attempts", int, 5, "shop", N_("Wrong PINs before a user is locked"), minimum=3,
                maximum=10),
    SettingSpec("security.lockout_minutes", int, 5, "shop", N_("Lock-out time (minutes)"), minimum=1, maximum=1440),
    # Customer classes: over the last 12 months (see domain.accounts).
    SettingSpec("customer.class_a_revenue", int, 5_000_000, "shop", N_("Class A: revenue in 12 months (minor units)"),
                minimum=0, maximum=10**12),
    SettingSpec("customer.class_a_visits", int, 12, "shop", N_("Class A: visits in 12 months"), minimum=0, maximum=1000),
    SettingSpec("customer.class_b_revenue", int, 1_000_000, "shop", N_("Class B: revenue in 12 months (minor units)"),
                minimum=0, maximum=10**12),
    SettingSpec("customer.class_b_visits", int, 6, "shop", N_("Class B: visits in 12 months"), minimum=0, maximum=1000),
    SettingSpec("customer.class_late_days", int, 30, "shop", N_("Days late on average that cost one class"),
                minimum=0, maximum=365),
    SettingSpec("customer.class_overdue_share_bp", int, 2_000, "shop",
                N_("Overdue share of revenue that costs one class (basis points)"), minimum=0, maximum=10_000),
    # Credit on account.
    SettingSpec("credit.policy", str, "warn", "shop", N_("Over the credit limit or overdue"),
                help=N_("warn: the cashier sees a warning; block: a manager must approve the sale on account."),
                choices=("warn", "block")),
    SettingSpec("credit.default_terms_days", int, 30, "shop", N_("Payment terms for new accounts (days)"), minimum=0,
                maximum=365),
    # Membership.
    SettingSpec("membership.tiers", list, [dict(t) for t in DEFAULT_TIERS], "shop", N_("Membership tiers"),
                help=N_("Lowest first; a tier is reached by points or by prepaid balance."), check=parse_tiers),
    SettingSpec("membership.points_per_unit", int, 1, "shop", N_("Points earned per 1.00 spent"), minimum=0,
                maximum=100),
    SettingSpec("membership.point_value", int, 1, "shop", N_("Value of one point when redeemed (minor units)"),
                minimum=0, maximum=10_000),
    SettingSpec("membership.points_expiry_months", int, 24, "shop", N_("Points expire after (months; 0: never)"),
                minimum=0, maximum=120),
    # Care.
    SettingSpec("care.followup_days", int, 3, "shop", N_("Follow-up call after a visit (days)"), minimum=1, maximum=90),
    SettingSpec("care.lapsed_months", int, 12, "shop", N_("Lapsed: no visit for (months)"), minimum=1, maximum=60),
    SettingSpec("care.low_score", int, 2, "shop", N_("A survey score at or below this opens a complaint"), minimum=1,
                maximum=4),
    SettingSpec("care.survey_questions", list,
                [N_("How satisfied are you with the parts or the repair?"), N_("How satisfied are you with our advice?"),
                 N_("How satisfied are you with the price?"), N_("How satisfied are you with the waiting time?")],
                "shop", N_("Follow-up survey questions (scored 1-5)"), words=True,
                check=partial(check_text_list, field="care.survey_questions", label=N_("Survey questions"), most=8)),
    # Complaints.
    SettingSpec("complaints.respond_hours", int, 24, "shop", N_("Answer a complaint within (hours)"), minimum=1,
                maximum=720),
    SettingSpec("complaints.resolve_days", int, 7, "shop", N_("Resolve a complaint within (days)"), minimum=1,
                maximum=365),
    SettingSpec("complaints.categories", list,
                ["Part quality", "Wrong part", "Price", "Repair quality", "Waiting time", "Staff", "Warranty",
                 "Other"], "shop", N_("Complaint categories"),
                check=partial(check_text_list, field="complaints.categories", label=N_("Complaint categories"), most=30,
                              longest=40)),
    # The counter.
    SettingSpec("counter.negative_stock", str, "manager", "shop", N_("Selling more than the stock on hand"),
                help=N_("allow: with a warning; manager: a manager approves; refuse: never."),
                choices=("allow", "manager", "refuse")),
    SettingSpec("counter.floor_cashier_bp", int, 1_500, "shop", N_("Gross-profit floor of a cashier (basis points)"),
                minimum=0, maximum=10_000, help=N_("A discount or price below it needs a manager. 1500 = 15 %")),
    SettingSpec("counter.floor_service_advisor_bp", int, 1_000, "shop",
                N_("Gross-profit floor of a service advisor (basis points)"), minimum=0, maximum=10_000),
    # Which list price each kind of customer pays (domain.pricing.TierRules; services.cart.tier_of).
    SettingSpec("pricing.walk_in", str, TierRules.walk_in, "shop", N_("Price tier of a walk-in customer"),
                choices=PRICE_TIERS, help=N_("No customer chosen, or a customer without a class.")),
    SettingSpec("pricing.class_a", str, TierRules.class_a, "shop", N_("Price tier of class A customers"),
                choices=PRICE_TIERS),
    SettingSpec("pricing.class_b", str, TierRules.class_b, "shop", N_("Price tier of class B customers"),
                choices=PRICE_TIERS),
    SettingSpec("pricing.class_c", str, TierRules.class_c, "shop", N_("Price tier of class C customers"),
                choices=PRICE_TIERS),
    SettingSpec("pricing.account", str, TierRules.account, "shop", N_("Price tier of account customers"),
                choices=PRICE_TIERS, help=N_("A customer who may buy on account; the better of this and the class's "
                                             "tier wins.")),
    SettingSpec("counter.return_window_days", int, 30, "shop", N_("Return window (days)"), minimum=0, maximum=3650,
                help=N_("A return later than this many days after the sale needs a manager.")),
    SettingSpec("counter.return_manager_above", int, 100_000, "shop", N_("Returns that need a manager (minor units)"),
                minimum=0, maximum=10**13, help=N_("A return worth more than this needs a manager. 100000 = 1,000.00")),
    SettingSpec("counter.quote_valid_days", int, 14, "shop", N_("Quotes are valid for (days)"), minimum=1, maximum=365,
                help=N_("A new quote's validity date defaults to today plus this many days; its prices hold until then.")),
    SettingSpec("counter.labour_rate", int, 15_000, "shop", N_("Labour rate per hour (minor units)"), minimum=0,
                maximum=10**9, help=N_("The default rate of a quote's labour line, taxed at the default tax rate. "
                                       "15000 = 150.00 an hour")),
    SettingSpec("counter.cash_tolerance", int, 500, "shop", N_("Cash-up: over or short flagged above (minor units)"),
                minimum=0, maximum=10**9, help=N_("A Z report whose counted cash is further than this from the expected "
                                                   "cash is flagged (never refused). 500 = 5.00")),
    # Stock counts (services.counts). A part with no ABC class yet counts as class C.
    SettingSpec("counts.tolerance_a_bp", int, 0, "shop", N_("Count tolerance, class A parts (basis points of book)"),
                minimum=0, maximum=10_000, help=N_("A count further than this from the book quantity asks for a "
                                                   "recount. 0: every difference; 200 = 2 %")),
    SettingSpec("counts.tolerance_b_bp", int, 200, "shop", N_("Count tolerance, class B parts (basis points of book)"),
                minimum=0, maximum=10_000),
    SettingSpec("counts.tolerance_c_bp", int, 500, "shop", N_("Count tolerance, class C parts (basis points of book)"),
                minimum=0, maximum=10_000),
    SettingSpec("counts.double_scan_ms", int, 400, "shop", N_("Suspected double scan within (milliseconds)"),
                minimum=0, maximum=5_000, help=N_("The same code scanned again by the same counter this soon is "
                                                  "counted but flagged, so the counter can undo it (Ctrl+Z).")),
    # Stock adjustments (services.adjustments) and ABC classes (services.abc).
    SettingSpec("stock.adjust_manager_above", int, 50_000, "shop", N_("Stock adjustments that need a manager (minor units)"),
                minimum=0, maximum=10**13, help=N_("An adjustment worth more than this at cost needs a manager. "
                                                   "50000 = 500.00")),
    SettingSpec("abc.class_a_share_bp", int, 8_000, "shop", N_("ABC: class A takes this share of consumption value "
                   "(basis points)"), minimum=0, maximum=10_000, help=N_("The parts that make the first 80 % of 12 months' "
                                                                      "consumption value at cost are class A. 8000 = 80 %")),
    SettingSpec("abc.class_b_share_bp", int, 1_500, "shop", N_("ABC: class B takes the next share (basis points)"),
                minimum=0, maximum=10_000, help=N_("The rest, and parts that did not sell, are class C. 1500 = 15 %")),
    SettingSpec("abc.counts_per_year_a", int, 12, "shop", N_("Cycle counts a year, class A parts"), minimum=1,
                maximum=365),
    SettingSpec("abc.counts_per_year_b", int, 4, "shop", N_("Cycle counts a year, class B parts"), minimum=1,
                maximum=365),
    SettingSpec("abc.counts_per_year_c", int, 1, "shop", N_("Cycle counts a year, class C parts"), minimum=1,
                maximum=365),
    # The workshop's calendar: the capacity of a bay or a technician is the working day.
    SettingSpec("workshop.day_start", str, "08:00", "shop", N_("Workshop opens at (HH:MM)"),
                help=N_("Start of the working day the appointment calendar counts capacity from."),
                check=partial(check_clock_time, field="workshop.day_start", label=N_("Workshop opens at"))),
    SettingSpec("workshop.day_end", str, "18:00", "shop", N_("Workshop closes at (HH:MM)"),
                help=N_("End of the working day; a bay or technician has the hours between opening and closing."),
                check=partial(check_clock_time, field="workshop.day_end", label=N_("Workshop closes at"))),
    # The workshop's checklists, follow-up and warranty (bays, labour classes and canned jobs are rows:
    # services.workshop_setup). Labour is taxed at tax.default_rate_bp, as on a counter quote.
    SettingSpec("workshop.checkin_items", list,
                [N_("Lights"), N_("Tyres"), N_("Wipers"), N_("Windscreen"), N_("Bodywork"), N_("Warning lamps"),
                 N_("Spare wheel and tools"), N_("Fluid levels")], "shop", N_("Reception checklist"), words=True,
                help=N_("Inspected with the customer at check-in; each is marked ok, attention or fail."),
                check=partial(check_text_list, field="workshop.checkin_items", label=N_("Reception checklist"), most=30,
                              longest=60)),
    SettingSpec("workshop.quality_items", list,
                [N_("Work done as ordered"), N_("No leaks"), N_("Torques checked"), N_("Road test"), N_("Car clean"),
                 N_("Old parts returned or shown")], "shop", N_("Quality-check checklist"), words=True,
                help=N_("Inspected before a car is ready; a failure sends the order back to work."),
                check=partial(check_text_list, field="workshop.quality_items", label=N_("Quality-check checklist"),
                              most=30, longest=60)),
    SettingSpec("workshop.followup_days", int, 3, "shop", N_("Follow-up call after a delivery (days)"), minimum=1,
                maximum=90, help=N_("A call is put in the customer file's care list this many days after delivery.")),
    SettingSpec("workshop.warranty_months", int, 12, "shop", N_("Warranty on labour (months)"), minimum=0,
                maximum=120, help=N_("A labour line's warranty, printed on the invoice; a part line takes its part's. "
                                     "0: none by time.")),
    SettingSpec("workshop.warranty_km", int, 20_000, "shop", N_("Warranty on labour (km)"), minimum=0,
                maximum=1_000_000, help=N_("Whichever comes first, the months or the km. 0: none by distance.")),
    # Service reminders (services.reminders): a delivered job named after a type schedules the next one.
    SettingSpec("workshop.service_types", list, [dict(t) for t in DEFAULT_SERVICE_TYPES], "shop",
                N_("Service types for reminders"), check=parse_service_types,
                help=N_("Each a name, every so many days and/or km (0: not by that measure); a delivered job line or "
                        "canned job whose name contains the type's name makes the next reminder.")),
    SettingSpec("workshop.reminder_lead_days", int, 14, "shop", N_("Service reminders: call this many days ahead"),
                minimum=0, maximum=180, help=N_("A reminder is due soon, and goes on the care list, this many days "
                                                "before its date or projected mileage.")),
    SettingSpec("database.url", str, "", "terminal", N_("Shop database (this PC)"), check=check_database_url,
                help=N_("Empty: the shop file in this PC's data folder. Or the full path of a SQLite file, or "
                        "postgresql://user:password@host:port/dbname for a PostgreSQL server that every terminal "
                        "shares. Used from the next start; partsdesk --db overrides it.")),
    SettingSpec("backup.folder", str, "", "terminal", N_("Backup folder"),
                help=N_("Where this PC writes and looks for backups of a SQLite shop file. Empty: the folder "
                        "beside the shop file (<file>-backups). Another disk is safer."),
                check=partial(check_folder, field="backup.folder", label=N_("Backup folder"))),
    SettingSpec("backup.keep_daily", int, 7, "terminal", N_("Daily backups kept"), minimum=1, maximum=60),
    SettingSpec("backup.keep_weekly", int, 4, "terminal", N_("Weekly backups kept"), minimum=0, maximum=52),
    SettingSpec("printer.receipt", str, "", "terminal", N_("Receipt printer"),
                help=N_("The printer's name as the system knows it; empty: the system's default printer."),
                check=_line("printer.receipt", N_("Receipt printer"), 200)),
    SettingSpec("printer.receipt_width", str, "80", "terminal", N_("Receipt paper width"), choices=("80", "58"),
                help=N_("The receipt printer's roll: 80 mm (72 mm printed) or 58 mm (48 mm printed). Receipts and "
                        "X and Z reports are laid out for it.")),
    SettingSpec("printer.a4", str, "", "terminal", N_("A4 printer (invoices)"),
                help=N_("The printer's name as the system knows it; empty: the system's default printer."),
                check=_line("printer.a4", N_("A4 printer"), 200)),
    SettingSpec("labels.layout", str, "a4-3x8", "terminal", N_("Label layout"), choices=tuple(LABEL_LAYOUTS),
                help=N_("The labels this PC prints on: chosen first in the Labels view, at receiving and by "
                        "partsdesk labels; another can still be chosen for each print.")),
    SettingSpec("printer.label", str, "", "terminal", N_("Label printer (roll labels)"),
                help=N_("The printer's name as the system knows it; empty: the system's default printer. Label "
                        "sheets (A4) print on the A4 printer."),
                check=_line("printer.label", N_("Label printer"), 200)),
    # This PC's barcode scanner (ui.scanner.ScannerFilter); measured by Scanner set-up (domain.scanner_calibration).
    SettingSpec("scanner.max_gap_ms", int, DEFAULT_MAX_GAP_MS, "terminal",
                N_("Scanner: longest gap between the keys of a scan (ms)"), minimum=5, maximum=100,
                help=N_("Keys that come closer together than this, ended by the scanner's terminator, are a scan; "
                        "slower keys are typing. Scanner set-up measures it.")),
    SettingSpec("scanner.min_length", int, DEFAULT_MIN_LENGTH, "terminal", N_("Scanner: shortest code (characters)"),
                minimum=1, maximum=20, help=N_("A faster run of fewer keys than this is typing, not a scan.")),
    SettingSpec("scanner.terminator", str, "enter", "terminal", N_("Scanner: key it sends after a code"),
                choices=SCANNER_TERMINATORS, help=N_("enter: Enter (the usual); tab: Tab or Enter. Scanner set-up "
                                                     "finds it.")),
    # Languages (partsdesk.i18n): the shop's, and this PC's own choice over it.
    SettingSpec("shop.language", str, "en", "shop", N_("Language of the shop"),
                help=N_("Screens, messages and printed documents, on every PC that has no language of its own."),
                choices=("en", "zh_CN")),
    SettingSpec("ui.language", str, "", "terminal", N_("Language of this PC"),
                help=N_("Empty: the shop's language. Printed documents follow the screen."),
                choices=("", "en", "zh_CN")),
)
SETTINGS_BY_NAME = {spec.name: spec for spec in SETTINGS}


@dataclass(frozen=True)
class Paths:
    """Where this PC keeps its files. Tests pass their own folders."""

    data_dir: Path
    config_dir: Path

    @classmethod
    def for_user(cls) -> Paths:
        root = os.environ.get("PARTSDESK_HOME")
        if root:
            return cls(data_dir=Path(root) / "data", config_dir=Path(root) / "config")
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        )

    @property
    def default_database(self) -> Path:
        return self.data_dir / "shop.sqlite"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "terminal.json"

    @property
    def bench_dir(self) -> Path:
        return self.data_dir / "bench"
