"""The settings screen and the users screen, driven as a manager, an admin and a cashier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QPlainTextEdit, QSpinBox, QTableWidget

from partsdesk.config import SETTINGS
from partsdesk.domain.errors import AuthenticationFailed, PermissionDenied, UserError
from partsdesk.services import settings, users
from partsdesk.ui.main_window import MainWindow, window_settings
from partsdesk.ui.settings_dialog import SettingsDialog
from partsdesk.ui.users_dialog import AddUserDialog, UsersDialog


def _dialog(qtbot, runner, actor, file: Path) -> SettingsDialog:
    dialog = SettingsDialog(runner, actor, settings_file=file)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    return dialog


def _save(qtbot, dialog: SettingsDialog) -> list[str]:
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save_button.click()
    return saved.args[0]


def test_every_setting_has_its_field_on_a_page(qtbot, runner, staff, tmp_path):
    dialog = _dialog(qtbot, runner, staff["manager"], tmp_path / "terminal.json")
    assert set(dialog.editors) == {spec.name for spec in SETTINGS}
    assert isinstance(dialog.editors["care.followup_days"].widget, QSpinBox)
    assert dialog.editors["care.followup_days"].widget.maximum() == 90
    assert isinstance(dialog.editors["tax.prices_include_tax"].widget, QCheckBox)
    assert isinstance(dialog.editors["credit.policy"].widget, QComboBox)
    assert isinstance(dialog.editors["workshop.checkin_items"].widget, QPlainTextEdit)
    assert isinstance(dialog.editors["membership.tiers"].focus, QTableWidget)
    titles = [dialog.pages.item(i).text() for i in range(dialog.pages.count())]
    assert {"Shop", "Counter", "Price tiers", "Membership", "Printers (this PC)", "Database (this PC)"} <= set(titles)
    printer = dialog.editors["printer.receipt"].widget
    assert printer.itemText(0) == "(system default)"
    from PySide6.QtPrintSupport import QPrinterInfo

    assert [printer.itemText(i) for i in range(1, 1 + len(QPrinterInfo.availablePrinterNames()))] == \
        QPrinterInfo.availablePrinterNames()


def test_manager_changes_settings_and_they_are_kept(qtbot, runner, staff, tmp_path):
    file = tmp_path / "terminal.json"
    dialog = _dialog(qtbot, runner, staff["manager"], file)
    dialog.editors["care.followup_days"].widget.setValue(9)
    dialog.editors["tax.prices_include_tax"].widget.setChecked(False)
    dialog.editors["workshop.checkin_items"].widget.setPlainText("Lights\nTyres\n\n  Horn  \n")
    dialog.editors["credit.policy"].widget.setCurrentIndex(dialog.editors["credit.policy"].widget.findData("block"))
    dialog.editors["printer.receipt"].widget.setEditText("Till printer")
    tiers = dialog.editors["membership.tiers"].focus
    tiers.item(0, 3).setText("250")  # Silver's discount_bp
    changed = _save(qtbot, dialog)
    assert sorted(changed) == ["care.followup_days", "credit.policy", "membership.tiers", "printer.receipt",
                               "tax.prices_include_tax", "workshop.checkin_items"]
    assert "Saved: 6 setting(s)." in dialog.note.text()
    assert settings.get("care.followup_days") == 9
    assert settings.get("tax.prices_include_tax") is False
    assert settings.get("workshop.checkin_items") == ["Lights", "Tyres", "Horn"]
    assert settings.get("credit.policy") == "block"
    assert settings.get("membership.tiers")[0]["discount_bp"] == 250
    assert json.loads(file.read_text(encoding="utf-8")) == {"printer.receipt": "Till printer"}
    assert settings.terminal("printer.receipt", file) == "Till printer"
    dialog.close()

    again = _dialog(qtbot, runner, staff["admin"], file)  # read back
    assert again.editors["care.followup_days"].widget.value() == 9
    assert not again.editors["tax.prices_include_tax"].widget.isChecked()
    assert again.editors["workshop.checkin_items"].widget.toPlainText() == "Lights\nTyres\nHorn"
    assert again.editors["printer.receipt"].widget.currentText() == "Till printer"
    assert again.editors["membership.tiers"].focus.item(0, 3).text() == "250"
    again.editors["printer.receipt"].widget.setCurrentIndex(0)  # back to the system's default
    assert _save(qtbot, again) == ["printer.receipt"]
    assert settings.terminal("printer.receipt", file) == ""


def test_a_bad_value_is_shown_by_its_field_and_nothing_is_saved(qtbot, runner, staff, tmp_path):
    file = tmp_path / "terminal.json"
    dialog = _dialog(qtbot, runner, staff["manager"], file)
    dialog.editors["care.followup_days"].widget.setValue(9)
    dialog.editors["printer.a4"].widget.setEditText("Office")
    dialog.editors["shop.name"].widget.setText("   ")
    dialog.editors["workshop.checkin_items"].widget.setPlainText("Lights\nlights")
    dialog.pages.setCurrentRow(dialog.pages.count() - 1)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "shop.name" in dialog.errors.current, timeout=10_000)
    assert set(dialog.errors.current) == {"shop.name", "workshop.checkin_items"}
    _widget, label = dialog.errors.fields["shop.name"]
    assert label.isVisibleTo(dialog) and label.text() == "Shop name is required."
    assert "listed twice" in dialog.errors.fields["workshop.checkin_items"][1].text()
    assert dialog.stack.currentIndex() == dialog.page_of["shop.name"]  # the first refused field's page
    assert "Nothing was saved" in dialog.general.text()
    assert settings.get("care.followup_days") == 3 and settings.get("shop.name") == "PartsDesk shop"
    assert not file.exists()

    # A table cell that is not a number is refused before anything is sent.
    dialog.editors["shop.name"].widget.setText("Parts Corner")
    dialog.editors["workshop.checkin_items"].widget.setPlainText("Lights")
    dialog.editors["membership.tiers"].focus.item(1, 1).setText("lots")
    dialog.save_button.click()
    assert set(dialog.errors.current) == {"membership.tiers"}
    assert "Row 2, Min points: a whole number" in dialog.errors.current["membership.tiers"]
    assert settings.get("shop.name") == "PartsDesk shop"
    dialog.editors["membership.tiers"].focus.item(1, 1).setText("5,000")
    assert sorted(_save(qtbot, dialog)) == ["care.followup_days", "printer.a4", "shop.name",
                                            "workshop.checkin_items"]
    assert not dialog.errors.current and not dialog.general.isVisibleTo(dialog)


def test_a_cashier_has_no_settings(qtbot, runner, staff, db_url, config_dir, tmp_path):
    window = MainWindow(runner, staff["cashier"], url=db_url, settings=window_settings(config_dir),
                        auto_backups=False, terminal_settings_file=tmp_path / "terminal.json")
    qtbot.addWidget(window)
    assert not window.settings_action.isVisible() and not window.settings_action.isEnabled()
    assert not window.users_action.isVisible()
    window.open_settings()
    window.open_users()
    assert window.settings_dialog is None
    with pytest.raises(PermissionDenied):
        settings.current_values(staff["cashier"], tmp_path / "terminal.json")
    # Opened anyway (as a bug would), the screen shows the refusal and cannot save.
    dialog = SettingsDialog(runner, staff["cashier"], settings_file=tmp_path / "terminal.json")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.general.text() != "", timeout=10_000)
    assert "may not change shop settings" in dialog.general.text()
    assert not dialog.save_button.isEnabled()

    window.set_actor(staff["manager"])  # a manager: settings, but not users
    assert window.settings_action.isVisible() and not window.users_action.isVisible()
    assert window.settings_action.shortcut().toString() == "Ctrl+,"
    window.settings_action.trigger()
    opened = window.settings_dialog
    assert isinstance(opened, SettingsDialog)
    qtbot.waitUntil(opened.save_button.isEnabled, timeout=10_000)
    # A scanner threshold saved here applies to the window's scanner layer at once.
    opened.editors["scanner.max_gap_ms"].widget.setValue(42)
    _save(qtbot, opened)
    assert window.scanner.max_gap_ms == 42
    opened.close()
    window.set_actor(staff["admin"])
    assert window.users_action.isVisible()
    window.users_action.trigger()
    assert isinstance(window.settings_dialog, UsersDialog)
    window.settings_dialog.close()
    window._closing_backup_done = True
    window.close()


def test_connection_test(qtbot, runner, staff, db_url, tmp_path):
    dialog = _dialog(qtbot, runner, staff["manager"], tmp_path / "terminal.json")
    dialog.pages.setCurrentRow(dialog.page_of["database.url"])
    dialog.editors["database.url"].widget.setText(db_url)
    with qtbot.waitSignal(dialog.connection_checked, timeout=15_000) as checked:
        dialog.test_button.click()
    assert checked.args[0] is True, checked.args[1]
    assert "Connected to" in dialog.connection_note.text()
    dialog.editors["database.url"].widget.setText("postgresql://partsdesk@127.0.0.1:1/nowhere")
    with qtbot.waitSignal(dialog.connection_checked, timeout=15_000) as checked:
        dialog.test_button.click()
    assert checked.args[0] is False
    assert dialog.connection_note.text().startswith("Could not open the database")
    dialog.editors["database.url"].widget.setText(str(tmp_path / "missing.sqlite"))
    with qtbot.waitSignal(dialog.connection_checked, timeout=15_000) as checked:
        dialog.test_button.click()
    assert checked.args[0] is False and not (tmp_path / "missing.sqlite").exists()
    # Saving the choice keeps it for the next start, with a note saying so.
    dialog.editors["database.url"].widget.setText(str(tmp_path / "other.sqlite"))
    assert _save(qtbot, dialog) == ["database.url"]
    assert "starts again" in dialog.note.text()


def test_admin_adds_a_technician_and_disables_them(qtbot, runner, staff):
    dialog = UsersDialog(runner, staff["admin"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 6, timeout=10_000)
    dialog.add_button.click()
    form = dialog.dialog
    assert isinstance(form, AddUserDialog)
    form.username.setText("tom")
    form.display_name.setText("Tom Technician")
    form.role.setCurrentIndex(form.role.findData("technician"))
    assert not form.password.isEnabled()  # a technician logs in with a PIN only
    form.pin.setText("12")  # too short: refused by its field
    form.save_button.click()
    qtbot.waitUntil(lambda: "pin" in form.errors.current, timeout=10_000)
    assert [u.username for u in users.list_users() if u.username == "tom"] == []
    form.pin.setText("4826")
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        form.save_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 7, timeout=10_000)
    assert dialog.selected().username == "tom" and dialog.selected().role == "technician"
    assert users.switch_user("tom", "4826").role == "technician"

    assert dialog.active_button.text() == "Disable (Ctrl+D)"
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.active_button.click()
    qtbot.waitUntil(lambda: dialog.selected() is not None and not dialog.selected().active, timeout=10_000)
    assert dialog.table.item(dialog.table.currentRow(), 4).text() == "Disabled"
    assert dialog.active_button.text() == "Enable (Ctrl+D)"
    assert "tom" not in [u.username for u in users.list_users()]
    with pytest.raises((AuthenticationFailed, UserError)):
        users.switch_user("tom", "4826")

    # A new PIN, then a role that needs a password is refused by its field.
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.active_button.click()
    dialog.secret_button.click()
    dialog.dialog.pin.setText("9753")
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.dialog.save_button.click()
    assert users.switch_user("tom", "9753").username == "tom"
    dialog.role_button.click()
    role_form = dialog.dialog
    role_form.role.setCurrentIndex(role_form.role.findData("manager"))
    role_form.reason.setText("promoted")
    role_form.save_button.click()
    qtbot.waitUntil(lambda: "password" in role_form.errors.current, timeout=10_000)
    role_form.role.setCurrentIndex(role_form.role.findData("service_advisor"))
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        role_form.save_button.click()
    assert {u.username: u.role for u in users.list_users()}["tom"] == "service_advisor"
