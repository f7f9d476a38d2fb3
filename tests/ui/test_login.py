from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from partsdesk.services import settings, users
from partsdesk.ui.login import MODE_SWITCH, FirstAdminDialog, LoginDialog


def _dialog(qtbot, runner, username: str, **kwargs) -> LoginDialog:
    dialog = LoginDialog(runner, users.list_users(), preselect=username, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.selected_user().username == username
    return dialog


def _type_and_enter(qtbot, dialog: LoginDialog, secret: str) -> None:
    dialog.secret.clear()
    qtbot.keyClicks(dialog.secret, secret)
    with qtbot.waitSignal(dialog.runner.task_finished, timeout=5000):
        qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)


def test_staff_log_in_with_their_pin(qtbot, runner, staff):
    dialog = _dialog(qtbot, runner, "cashier")
    assert dialog.secret_label.text() == "PIN"
    _type_and_enter(qtbot, dialog, "1357")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor.username == "cashier"
    assert dialog.actor.role == "cashier"


def test_managers_log_in_with_their_password_not_their_pin(qtbot, runner, staff):
    dialog = _dialog(qtbot, runner, "manager")
    assert dialog.secret_label.text() == "Password"
    _type_and_enter(qtbot, dialog, "1357")
    assert dialog.actor is None and dialog.isVisible()
    _type_and_enter(qtbot, dialog, "manager-pass-1")
    assert dialog.actor.username == "manager"


def test_a_wrong_pin_is_said_inline_with_the_tries_left_until_locked(qtbot, runner, staff):
    limit = settings.get("security.pin_attempts")
    dialog = _dialog(qtbot, runner, "cashier")
    _type_and_enter(qtbot, dialog, "9999")
    assert dialog.isVisible() and dialog.actor is None
    assert dialog.message.isVisible()
    assert f"{limit - 1} tries left" in dialog.message.text()
    assert dialog.secret.property("invalid") is True
    assert dialog.secret.text() == ""  # ready for the next try
    for _ in range(limit - 1):
        _type_and_enter(qtbot, dialog, "9999")
    assert "locked" in dialog.message.text()
    # Locked: even the right PIN is refused now, and the dialog still stays open.
    _type_and_enter(qtbot, dialog, "1357")
    assert dialog.actor is None and dialog.isVisible()
    assert "locked" in dialog.message.text()


def test_choosing_another_user_with_the_arrow_keys_clears_the_message(qtbot, runner, staff):
    dialog = _dialog(qtbot, runner, "cashier")
    _type_and_enter(qtbot, dialog, "9999")
    assert dialog.message.isVisible()
    before = dialog.selected_user().username
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Down)
    assert dialog.selected_user().username != before
    assert not dialog.message.isVisible()


def test_quick_switch_takes_a_managers_pin(qtbot, runner, staff):
    dialog = _dialog(qtbot, runner, "manager", mode=MODE_SWITCH)
    assert dialog.secret_label.text() == "PIN"
    _type_and_enter(qtbot, dialog, "1357")
    assert dialog.actor.username == "manager"


def test_first_administrator_is_created_and_a_weak_pin_refused(qtbot, runner, shown_errors):
    assert users.count_users() == 0
    dialog = FirstAdminDialog(runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "owner")
    qtbot.keyClicks(dialog.display_name, "Olga Owner")
    qtbot.keyClicks(dialog.pin, "1111")
    qtbot.keyClicks(dialog.password, "owner-pass-9")
    qtbot.keyClicks(dialog.password_again, "owner-pass-9")
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        qtbot.keyClick(dialog.password_again, Qt.Key.Key_Return)
    assert dialog.created is None and dialog.isVisible()
    pin_widget, pin_message = dialog.errors.fields["pin"]
    assert pin_message.isVisible() and "easy to guess" in pin_message.text()
    assert users.count_users() == 0

    dialog.pin.setText("4826")
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.created.username == "owner"
    [row] = users.list_users()
    assert row.role == "admin" and row.display_name == "Olga Owner"
    assert users.log_in("owner", "owner-pass-9").role == "admin"
    assert shown_errors == []


def test_first_administrator_passwords_must_match(qtbot, runner):
    dialog = FirstAdminDialog(runner)
    qtbot.addWidget(dialog)
    dialog.username.setText("owner")
    dialog.pin.setText("4826")
    dialog.password.setText("owner-pass-9")
    dialog.password_again.setText("owner-pass-8")
    dialog.create()
    assert "differ" in dialog.errors.fields["password_again"][1].text()
    assert users.count_users() == 0
