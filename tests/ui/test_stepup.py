from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from partsdesk.models import AuditLog
from partsdesk.ui.stepup import StepUpDialog


def _dialog(qtbot, runner, actor) -> StepUpDialog:
    dialog = StepUpDialog(None, actor, "catalog.edit_price", "change the retail price of 0 986 494 104", runner=runner)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _choose(dialog: StepUpDialog, username: str) -> None:
    dialog.approver.setCurrentIndex(dialog.approver.findData(username))


def _approve(qtbot, dialog: StepUpDialog) -> None:
    with qtbot.waitSignal(dialog.runner.task_finished, timeout=5000):
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)


def test_a_manager_approves_with_their_pin_and_a_reason(qtbot, runner, staff):
    dialog = _dialog(qtbot, runner, staff["cashier"])
    approvers = [dialog.approver.itemData(i) for i in range(dialog.approver.count())]
    assert set(approvers) == {"manager", "ada"}  # only roles that may change prices
    _choose(dialog, "manager")
    qtbot.keyClicks(dialog.secret, "1357")
    qtbot.keyClicks(dialog.reason, "price match with the dealer")
    _approve(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    approval = dialog.approval
    assert approval.permission == "catalog.edit_price"
    assert approval.approver_name == "Manager"
    assert approval.reason == "price match with the dealer"
    assert AuditLog.select().where(AuditLog.action == "step_up").count() == 1


def test_a_wrong_secret_is_refused_inline_and_nothing_is_approved(qtbot, runner, staff):
    dialog = _dialog(qtbot, runner, staff["cashier"])
    _choose(dialog, "manager")
    qtbot.keyClicks(dialog.secret, "2468")
    qtbot.keyClicks(dialog.reason, "price match")
    _approve(qtbot, dialog)
    assert dialog.approval is None and dialog.isVisible()
    widget, message = dialog.errors.fields["secret"]
    assert message.isVisible() and "Wrong" in message.text()
    assert widget.property("invalid") is True
    assert AuditLog.select().where(AuditLog.action == "step_up").count() == 0


def test_the_reason_is_required(qtbot, runner, staff):
    dialog = _dialog(qtbot, runner, staff["cashier"])
    _choose(dialog, "manager")
    qtbot.keyClicks(dialog.secret, "1357")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.approval is None and dialog.isVisible()
    assert "reason" in dialog.errors.fields["reason"][1].text()


def test_a_manager_cannot_approve_their_own_action(qtbot, runner, staff):
    dialog = _dialog(qtbot, runner, staff["manager"])
    approvers = [dialog.approver.itemData(i) for i in range(dialog.approver.count())]
    assert approvers == ["ada"]
