"""The window in Chinese: every text of every tab translated, the switch in the settings, the
standard buttons and dates in the language's locale."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QAbstractListModel, QDate, QLocale, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from partsdesk import i18n
from partsdesk.services import settings
from partsdesk.services.audit import TERMINAL
from partsdesk.ui.i18n import apply_language, shop_language
from partsdesk.ui.main_window import MainWindow, window_settings

# What stays in Latin letters in a Chinese window: key names, codes and names of things.
KEY = re.compile(r"\b(?:(?:Ctrl|Shift|Alt)\+)+\S+|\b(?:F\d{1,2}|Esc|Enter|Del|Tab|Space|PgUp|PgDown|PgDn|Ins|"
                 r"Home|End|Backspace|Up|Down|Left|Right)\b")
KEPT = {"partsdesk", "pdf", "csv", "xlsx", "sqlite", "postgresql", "oe", "vin", "gtin", "ean", "code", "abc",
        "ro", "po", "id", "pin", "km", "mm", "cny", "usd", "eur", "gbp", "hkd", "url", "qc", "vat", "sku", "ok",
        "qr", "a4", "no", "x", "z", "pm", "am", "json", "png", "jpeg", "hh", "caps", "lock", "demo",
        "english",  # each language by its own name in the language list
        "golf", "lina", "backups"}  # examples and names: a car model, a user name, a folder
URL = re.compile(r"\S+://\S+|--[a-z][a-z-]*|partsdesk [a-z-]+")  # an address, a command and its options
CODE = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b")  # a layout's or a document series' code: roll-50x30
LATIN = re.compile(r"[A-Za-z]{2,}")
TAG = re.compile(r"<[^>]+>|&[a-z]+;")


@pytest.fixture
def chinese(qapp):
    apply_language("zh_CN")
    yield
    apply_language("en")


def untranslated(text: str, names: set[str]) -> list[str]:
    """The Latin words of ``text`` that are neither a key, a code nor a name."""
    text = CODE.sub(" ", KEY.sub(" ", TAG.sub(" ", URL.sub(" ", text))))
    return [word for word in LATIN.findall(text) if word.lower() not in KEPT and word.lower() not in names]


def texts_of(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every text a person can read in ``root`` and the widgets in it, shown or not."""
    found: list[tuple[str, str]] = []

    def add(widget: QWidget, text: str) -> None:
        if text:
            found.append((f"{type(widget).__name__} {widget.objectName()}".strip(), text))

    for widget in [root, *root.findChildren(QWidget)]:
        add(widget, widget.toolTip())
        if isinstance(widget, (QLabel, QAbstractButton)):
            add(widget, widget.text())
        elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
            add(widget, widget.placeholderText())
        elif isinstance(widget, QGroupBox):
            add(widget, widget.title())
        elif isinstance(widget, QComboBox) and not widget.isEditable():
            for i in range(widget.count()):
                add(widget, widget.itemText(i))
        elif isinstance(widget, QListWidget):  # a list of pages or choices (its items are the software's words)
            for i in range(widget.count()):
                add(widget, widget.item(i).text())
        elif isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                add(widget, widget.tabText(i))
                add(widget, widget.tabToolTip(i))
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
            for column in range(columns):
                add(widget, str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
        for action in widget.actions():
            add(widget, action.text())
            add(widget, action.toolTip())
    return found


def _window(qtbot, runner, actor, db_url, config_dir) -> MainWindow:
    window = MainWindow(runner, actor, url=db_url, settings=window_settings(config_dir), auto_backups=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_every_text_of_every_tab_is_chinese(qtbot, runner, staff, db_url, config_dir, chinese):
    settings.set_value(staff["admin"], "shop.name", "星光汽配")
    window = _window(qtbot, runner, staff["admin"], db_url, config_dir)
    names = {word.lower() for actor in staff.values() for word in LATIN.findall(
        f"{actor.username} {actor.display_name}")}
    problems: dict[str, set[str]] = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        tab = window.tabs.widget(index)
        for inner in tab.findChildren(QTabWidget):  # every view of the tab, opened once
            for view in range(inner.count()):
                inner.setCurrentIndex(view)
        qtbot.wait(300)  # the views' first loads on the worker
        for where, text in texts_of(tab):
            if untranslated(text, names):
                problems.setdefault(text, set()).add(f"{window.tabs.tabText(index)}: {where}")
    for where, text in texts_of(window.menuBar()) + [("tabs", window.tabs.tabText(i))
                                                      for i in range(window.tabs.count())]:
        if untranslated(text, names):
            problems.setdefault(text, set()).add(where)
    assert not problems, "texts not in Chinese:\n" + "\n".join(
        f"{text!r}  ({', '.join(sorted(where))})" for text, where in sorted(problems.items()))
    assert window.tabs.tabText(window.tabs.indexOf(window.counter)).startswith("柜台")
    window.close()


def test_the_same_window_in_english_has_no_chinese(qtbot, runner, staff, db_url, config_dir):
    window = _window(qtbot, runner, staff["admin"], db_url, config_dir)
    chinese_texts = [text for _where, text in texts_of(window) if re.search(r"[\u4e00-\u9fff]", text)]
    assert chinese_texts == []
    assert window.tabs.tabText(window.tabs.indexOf(window.counter)) == "Coun&ter"
    window.close()


def test_standard_buttons_and_dates_follow_the_language(qapp, chinese):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert sorted(button.text() for button in box.buttons()) == sorted(["确定", "取消"])
    assert QLocale().toString(QDate(2026, 12, 1), QLocale.FormatType.LongFormat).startswith("2026年12月1日")
    assert i18n.format_date(QDate(2026, 12, 1).toPython()) == "2026年12月1日"


def test_the_language_of_this_pc_wins_over_the_shops(db, admin, tmp_path):
    file = tmp_path / "terminal.json"
    assert shop_language(file) == "en"
    settings.set_value(admin, "shop.language", "zh_CN")
    assert shop_language(file) == "zh_CN"
    settings.save_all(admin, {"ui.language": "en"}, file)
    assert shop_language(file) == "en"


def test_switching_to_chinese_in_the_settings_opens_the_window_again_in_chinese(
        qtbot, runner, staff, db_url, config_dir, monkeypatch):
    terminal = config_dir / "terminal.json"
    window = MainWindow(runner, staff["admin"], url=db_url, settings=window_settings(config_dir), auto_backups=False,
                        terminal_settings_file=terminal)
    qtbot.addWidget(window)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *_args: (
        asked.append(text), QMessageBox.StandardButton.Yes)[1])
    settings.save_all(staff["admin"], {"shop.language": "zh_CN"}, terminal)
    window._settings_saved(["shop.language"])
    assert asked and "简体中文" in asked[0]
    assert window.reopen_for is staff["admin"]  # run_gui opens the window again for the same user
    # …in Chinese: what run_gui does before it makes the window again
    try:
        assert apply_language(shop_language(terminal)) == "zh_CN"
        again = _window(qtbot, runner, staff["admin"], db_url, config_dir)
        assert again.tabs.tabText(again.tabs.indexOf(again.counter)).startswith("柜台")
        again.close()
    finally:
        apply_language("en")


def test_no_switch_over_a_sale_on_the_counter(qtbot, runner, staff, db_url, config_dir, monkeypatch):
    terminal = config_dir / "terminal.json"
    window = MainWindow(runner, staff["admin"], url=db_url, settings=window_settings(config_dir), auto_backups=False,
                        terminal_settings_file=terminal)
    qtbot.addWidget(window)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text, *_args: told.append(text))
    window.counter.lines = [object()]  # a sale being rung up
    settings.save_all(staff["admin"], {"ui.language": "zh_CN"}, terminal)
    window._settings_saved(["ui.language"])
    assert window.reopen_for is None and "started again" in told[0]
    window.counter.lines = []


def test_the_windows_behind_the_menus_are_chinese_too(qtbot, runner, staff, db_url, config_dir, chinese):
    from partsdesk.ui.cashup_dialog import CashUpDialog
    from partsdesk.ui.checkin_dialog import CheckInDialog
    from partsdesk.ui.scanner_setup import ScannerSetupDialog
    from partsdesk.ui.settings_dialog import SettingsDialog
    from partsdesk.ui.users_dialog import AddUserDialog, UsersDialog

    admin = staff["admin"]
    terminal = config_dir / "terminal.json"
    names = {word.lower() for actor in staff.values() for word in LATIN.findall(
        f"{actor.username} {actor.display_name}")} | {word.lower() for word in LATIN.findall(TERMINAL)}
    settings_dialog = SettingsDialog(runner, admin, settings_file=terminal)
    with qtbot.waitSignal(settings_dialog.loaded, timeout=10_000):
        pass
    dialogs = [settings_dialog, UsersDialog(runner, admin), AddUserDialog(runner, admin),
               ScannerSetupDialog(runner, admin, settings_file=terminal), CashUpDialog(runner, admin),
               CheckInDialog(runner, admin, items=["Lights", "Tyres"])]
    problems: dict[str, set[str]] = {}
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.wait(200)
        for where, text in texts_of(dialog) + [("title", dialog.windowTitle())]:
            # the check-in's walk-round items are the shop's own words (settings), here English
            if untranslated(text, names | {"lights", "tyres"}):
                problems.setdefault(text, set()).add(f"{type(dialog).__name__}: {where}")
        dialog.close()
    assert not problems, "texts not in Chinese:\n" + "\n".join(
        f"{text!r}  ({', '.join(sorted(where))})" for text, where in sorted(problems.items()))
    # the settings' pages show the declared labels and help in Chinese (config.SETTINGS marks them)
    assert settings_dialog.pages.item(0).text() == "门店"
