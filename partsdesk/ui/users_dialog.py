"""Users and roles (``users.manage``, an administrator): every user with their role and whether
they may log in; add one, change a role, set a new PIN or password, disable or enable again.

Everything goes through ``services.users`` on the worker (which checks the permission, audits,
and refuses the last administrator's disabling or a manager without a password). Users are never
deleted: the audit trail names them. Keys, shown on the buttons: Ins adds a user, F6 changes the
selected user's role, F7 sets their PIN or password, Ctrl+D disables or enables them, F5 reads
the list again, Esc closes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TR_NOOP, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.permissions import PASSWORD_ROLES, ROLE_LABELS, ROLES, Actor
from partsdesk.services import users
from partsdesk.services.users import UserRow
from partsdesk.ui.forms import FormDialog, key_button, open_over, set_note
from partsdesk.ui.tasks import TaskRunner


def _role_combo(owner: QWidget, current: str = "") -> QComboBox:
    combo = QComboBox()
    for role in ROLES:
        combo.addItem(owner.tr(ROLE_LABELS[role]), role)
    if current:
        combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


def _secret_line(placeholder: str) -> QLineEdit:
    line = QLineEdit()
    line.setEchoMode(QLineEdit.EchoMode.Password)
    line.setPlaceholderText(placeholder)
    return line


class AddUserDialog(FormDialog):
    """A new user: user name, name on screen, role, PIN, and a password for a manager or admin."""

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.setWindowTitle(self.tr("Add a user"))
        self.username = self.field("username", self.tr("&User name"), QLineEdit())
        self.username.setPlaceholderText(self.tr("e.g. lina (letters, digits, . _ -)"))
        self.display_name = self.field("display_name", self.tr("&Name on screen"), QLineEdit())
        self.role = self.field("role", self.tr("&Role"), _role_combo(self, "cashier"))
        self.pin = self.field("pin", self.tr("&PIN"), _secret_line(self.tr("4 to 8 digits, for quick switching")))
        self.password = self.field("password", self.tr("Pass&word"),
                                   _secret_line(self.tr("Managers and administrators also need one")))
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        self.resize(460, self.sizeHint().height())

    def _role_changed(self) -> None:
        self.password.setEnabled(self.role.currentData() in PASSWORD_ROLES)

    def save(self, approval: Any = None) -> None:
        password = self.password.text() if self.password.isEnabled() and self.password.text() else None
        self.submit(users.add_user, self.actor, username=self.username.text(), display_name=self.display_name.text(),
                    role=self.role.currentData(), pin=self.pin.text(), password=password, name="add_user")


class RoleDialog(FormDialog):
    """Another role for one user, with the reason (audited)."""

    def __init__(self, runner: TaskRunner, actor: Actor, row: UserRow, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.row = row
        self.setWindowTitle(self.tr("Role of {name}").format(name=row.display_name))
        self.role = self.field("role", self.tr("&Role"), _role_combo(self, row.role))
        self.reason = self.field("reason", self.tr("Rea&son"), QLineEdit())
        self.reason.setPlaceholderText(self.tr("Why (kept in the audit log)"))
        self.general.setWordWrap(True)
        self.resize(460, self.sizeHint().height())

    def save(self, approval: Any = None) -> None:
        if not self.reason.text().strip():
            self.errors.show({"reason": self.tr("Say why the role changes.")})
            return
        self.submit(users.set_role, self.actor, self.row.username, self.role.currentData(),
                    reason=self.reason.text().strip(), name="set_role")


class SecretDialog(FormDialog):
    """A new PIN and/or password for one user (a forgotten PIN; a lock-out is lifted too)."""

    def __init__(self, runner: TaskRunner, actor: Actor, row: UserRow, parent: QWidget | None = None) -> None:
        super().__init__(runner, actor, parent)
        self.row = row
        self.setWindowTitle(self.tr("New PIN or password for {name}").format(name=row.display_name))
        self.pin = self.field("pin", self.tr("New &PIN"), _secret_line(self.tr("empty: keep the PIN")))
        self.password = self.field("password", self.tr("New pass&word"),
                                   _secret_line(self.tr("empty: keep the password")))
        self.resize(460, self.sizeHint().height())

    def save(self, approval: Any = None) -> None:
        self.submit(users.set_secret, self.actor, self.row.username, pin=self.pin.text() or None,
                    password=self.password.text() or None, name="set_secret")


class UsersDialog(QDialog):
    """The list of users and what an administrator does to them."""

    COLUMNS = (QT_TR_NOOP("Name"), QT_TR_NOOP("User name"), QT_TR_NOOP("Role"), QT_TR_NOOP("Password"),
               QT_TR_NOOP("State"))
    changed = Signal()  # after any change was saved (tests wait on it)
    dialog_opened = Signal(object)  # a form shown over the list

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.dialog: QDialog | None = None
        self.rows: list[UserRow] = []
        self.setWindowTitle(self.tr("Users and roles"))
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.add_button = key_button(self, self.tr("Add a user (Ins)"), "Ins", self.add_user,
                                     self.tr("A new user with a role and a PIN"))
        self.role_button = key_button(self, self.tr("Change role (F6)"), "F6", self.change_role,
                                      self.tr("Give the selected user another role"))
        self.secret_button = key_button(self, self.tr("New PIN / password (F7)"), "F7", self.reset_secret,
                                        self.tr("Set a new PIN or password for the selected user"))
        self.active_button = key_button(self, self.tr("Disable (Ctrl+D)"), "Ctrl+D", self.toggle_active,
                                        self.tr("A disabled user cannot log in; enable them again any time"))
        self.refresh_button = key_button(self, self.tr("Refresh (F5)"), "F5", self.refresh,
                                         self.tr("Read the list again"))
        close = QPushButton(self.tr("Close (Esc)"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.role_button, self.secret_button, self.active_button,
                       self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.resize(860, 480)
        self._selection_changed()
        self.refresh()

    # --- the list -------------------------------------------------------------------------------

    def refresh(self, select: str = "") -> None:
        current = select or (self.selected().username if self.selected() else "")
        self.runner.submit(users.list_users, include_inactive=True, owner=self, name="list_users",
                           on_done=lambda rows: self._show(rows, current), on_error=self._failed)

    def _show(self, rows: list[UserRow], select: str) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            state = self.tr("Active") if row.active else self.tr("Disabled")
            if row.active and row.locked_until is not None:
                state = self.tr("Locked (wrong PINs)")
            texts = (row.display_name, row.username, self.tr(row.role_label),
                     self.tr("yes") if row.has_password else self.tr("no"), state)
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if not row.active:
                    item.setForeground(QColor("#888888"))
                self.table.setItem(r, c, item)
            if row.username == select:
                self.table.selectRow(r)
        if self.table.currentRow() < 0 and rows:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> UserRow | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) and self.table.selectedItems() else None

    def _selection_changed(self) -> None:
        row = self.selected()
        for button in (self.role_button, self.secret_button, self.active_button):
            button.setEnabled(row is not None)
        self.active_button.setText(self.tr("Enable (Ctrl+D)") if row is not None and not row.active
                                   else self.tr("Disable (Ctrl+D)"))

    def _failed(self, error: Exception) -> None:
        set_note(self.note, str(error), error=True)

    # --- actions --------------------------------------------------------------------------------

    def _open(self, dialog: FormDialog, select: str = "") -> None:
        dialog.saved.connect(lambda result: self._done(getattr(result, "username", "") or select))
        open_over(self, dialog, lambda: self.table)

    def _done(self, select: str, text: str = "") -> None:
        set_note(self.note, text or self.tr("Saved."))
        self.refresh(select)
        self.changed.emit()

    def add_user(self) -> None:
        self._open(AddUserDialog(self.runner, self.actor, self))

    def change_role(self) -> None:
        row = self.selected()
        if row is not None:
            self._open(RoleDialog(self.runner, self.actor, row, self), row.username)

    def reset_secret(self) -> None:
        row = self.selected()
        if row is not None:
            self._open(SecretDialog(self.runner, self.actor, row, self), row.username)

    def toggle_active(self) -> None:
        row = self.selected()
        if row is None:
            return
        active = not row.active
        text = (self.tr("{name} may log in again.") if active else
                self.tr("{name} is disabled and cannot log in.")).format(name=row.display_name)
        self.runner.submit(users.set_active, self.actor, row.username, active,
                           reason="enabled in Users and roles" if active else "disabled in Users and roles",
                           owner=self, name="set_active", on_done=lambda _r: self._done(row.username, text),
                           on_error=self._failed)

    def keyPressEvent(self, event) -> None:  # Enter must not close the list
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)
