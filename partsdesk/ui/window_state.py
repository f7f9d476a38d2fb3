"""Where this PC keeps the window's own state (geometry, table headers, the last user).

A QSettings INI file in the config folder, apart from the shop's settings in the database.
Kept out of ``main_window`` so the log-in can read it without loading the main window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings


def window_settings(config_dir: Path) -> QSettings:
    """The INI file holding this PC's window state (tests pass their own folder)."""
    config_dir.mkdir(parents=True, exist_ok=True)
    return QSettings(str(config_dir / "window.ini"), QSettings.Format.IniFormat)
