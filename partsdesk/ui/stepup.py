"""The manager step-up: a manager approves one guarded action on the cashier's screen.

The approver chooses their name, gives their own PIN or password and a reason; the dialog
calls ``services.users.step_up`` (which checks, counts wrong tries and audits) and returns
the ``Approval`` the guarded service then accepts once.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import AuthenticationFailed, PermissionDenied, UserError
from partsdesk.domain.permissions import PERMISSIONS, Actor, Approval
from partsdesk.services import users
from partsdesk.services.users import UserRow
from partsdesk.ui.forms import FORM_STYLE, FieldErrors, error_label
from partsdesk.ui.tasks import TaskRunner, find_runner


class StepUpDialog(QDialog):
    """Ask a manager to approve ``permission`` for ``actor``; ``approval`` is set when accepted."""

    def __init__(self, parent: QWidget | None, actor: Actor, permission: str, action_text: str, *,
                 runner: TaskRunner, approvers: list[UserRow] | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.permission = permission
        self.runner = runner
        self.approval: Approval | None = None
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle(self.tr("Manager approval"))
        if approvers is None:
            approvers = users.approvers_for(permission)
        approvers = [row for row in approvers if row.id != actor.user_id]

        what = QLabel(self.tr("{user} asks to: {action}").format(user=actor.display_name, action=action_text))
        what.setWordWrap(True)
        font = what.font()
        font.setBold(True)
        what.setFont(font)
        why = QLabel(self.tr("This needs a manager's approval ({permission}). The approver types their own "
                             "PIN or password; the approval and the reason go into the audit log.")
                     .format(permission=PERMISSIONS.get(permission, permission)))
        why.setWordWrap(True)

        self.approver = QComboBox()
        for row in approvers:
            self.approver.addItem(self.tr("{name} — {role}").format(name=row.display_name, role=row.role_label),
                                  row.username)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(self.tr("the approver's PIN or password"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("why (required)"))
        self.reason.setMaxLength(500)

        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        form.addRow(self.tr("Approver"), self.approver)
        form.addRow("", self.errors.add("approver", self.approver))
        form.addRow(self.tr("PIN or password"), self.secret)
        form.addRow("", self.errors.add("secret", self.secret))
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow("", self.errors.add("reason", self.reason))

        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("Approve (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.approve)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addWidget(why)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.resize(460, 0)
        if not approvers:
            self.ok_button.setEnabled(False)
            self.errors.show_message(self.tr("Nobody else may approve this. Ask an administrator to give a "
                                             "manager access."))
        self.secret.setFocus()

    def approve(self) -> None:
        username = self.approver.currentData()
        if not username:
            return
        if not self.reason.text().strip():
            self.errors.show({"reason": self.tr("Give the reason for this approval; it goes into the audit log.")})
            return
        self.ok_button.setEnabled(False)
        self.runner.submit(users.step_up, self.actor, owner=self, name="step_up", approver=username, secret=self.secret.text(),
                           permission=self.permission, reason=self.reason.text(), on_done=self._approved,
                           on_error=self._refused, on_finally=lambda: self.ok_button.setEnabled(True))

    def _approved(self, approval: Approval) -> None:
        self.approval = approval
        self.accept()

    def _refused(self, error: UserError) -> None:
        problems = getattr(error, "problems", None)
        if problems:
            self.errors.show(problems)
        elif isinstance(error, AuthenticationFailed):
            self.errors.show({"secret": str(error)})
            self.secret.clear()
        elif isinstance(error, PermissionDenied):
            self.errors.show({"approver": str(error)})
        else:
            self.errors.show_message(str(error))


def ask_approval(parent: QWidget | None, actor: Actor, permission: str, action_text: str, *,
                 runner: TaskRunner | None = None) -> Approval | None:
    """Show the step-up dialog; the manager's ``Approval``, or None if cancelled.

    ``runner`` defaults to the window's (the first parent with a ``runner`` attribute).
    """
    runner = runner or find_runner(parent)
    dialog = StepUpDialog(parent, actor, permission, action_text, runner=runner)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.approval
        return None
    finally:
        dialog.deleteLater()
