"""Settings, declared once: name, type, default, where it lives, what it means.

``shop`` settings live in the database (every terminal of the shop shares them) and are read
and written through ``services.settings``; ``terminal`` settings belong to one PC and live in
its config folder (``paths.settings_file``). Widgets for a settings dialog are built from
these declarations, never from a second list.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import platformdirs

APP_NAME = "PartsDesk"


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


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("shop.name", str, "PartsDesk shop", "shop", "Shop name"),
    SettingSpec("shop.demo", bool, False, "shop", "Demo shop", help="Built by partsdesk demo; may be rebuilt."),
    SettingSpec("shop.currency", str, "CNY", "shop", "Currency", choices=("CNY", "USD", "EUR", "GBP", "HKD")),
    SettingSpec("shop.phone_country_code", str, "86", "shop", "Country calling code",
                help="Dropped from customers' phone numbers so +86 138… and 138… are the same number."),
    SettingSpec("tax.prices_include_tax", bool, True, "shop", "Prices include tax",
                help="Selling prices in the catalogue are tax-inclusive (usual at a counter)."),
    SettingSpec("tax.default_rate_bp", int, 1300, "shop", "Default tax rate (basis points)", minimum=0,
                maximum=10_000, help="1300 = 13 %"),
    SettingSpec("security.pin_attempts", int, 5, "shop", "Wrong PINs before a user is locked", minimum=3,
                maximum=10),
    SettingSpec("security.lockout_minutes", int, 5, "shop", "Lock-out time (minutes)", minimum=1, maximum=1440),
    SettingSpec("backup.keep_daily", int, 7, "terminal", "Daily backups kept", minimum=1, maximum=60),
    SettingSpec("backup.keep_weekly", int, 4, "terminal", "Weekly backups kept", minimum=0, maximum=52),
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
