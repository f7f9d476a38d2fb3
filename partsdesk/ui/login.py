"""Log-in, quick switch, the lock screen, and the very first administrator.

The log-in asks managers and administrators for their password and other staff for their
PIN (``services.users.log_in``); the quick switch (Ctrl+L) and the lock screen take any
user's PIN (``services.users.switch_user``). A wrong secret, the tries left and a lock-out are
said in red under the field and the dialog stays open. The checks run on the worker thread
(scrypt takes a moment) through the window's ``TaskRunner``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import UserError
from partsdesk.domain.permissions import PASSWORD_ROLES, SYSTEM, Actor
from partsdesk.services import users
from partsdesk.services.users import UserRow
from partsdesk.ui.forms import FORM_STYLE, FieldErrors, error_label
from partsdesk.ui.tasks import TaskRunner

MODE_LOGIN = "login"
MODE_SWITCH = "switch"
MODE_LOCK = "lock"


class _ReportsFirstPaint(QDialog):
    first_shown = Signal()  # after the first paint (the start-up benchmark waits for it)

    _painted = False

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self.first_shown.emit)  # with a context: not after a delete


class LoginDialog(_ReportsFirstPaint):
    """Choose who you are and give your PIN or password. ``actor`` is set when accepted."""

    def __init__(self, runner: TaskRunner, user_rows: list[UserRow], *, mode: str = MODE_LOGIN,
                 shop_name: str = "", preselect: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.mode = mode
        self.actor: Actor | None = None
        self._busy = False
        self.setStyleSheet(FORM_STYLE)
        titles = {
            MODE_LOGIN: self.tr("Log in — PartsDesk"),
            MODE_SWITCH: self.tr("Switch user"),
            MODE_LOCK: self.tr("PartsDesk is locked"),
        }
        self.setWindowTitle(titles[mode])

        heading = QLabel(shop_name or self.tr("PartsDesk"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        intro = {
            MODE_LOGIN: self.tr("Choose your name, then type your PIN (managers and administrators: "
                                "your password) and press Enter."),
            MODE_SWITCH: self.tr("Choose your name and type your PIN."),
            MODE_LOCK: self.tr("The screen is locked. Choose your name and type your PIN to go on."),
        }[mode]
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)

        self.user_list = QListWidget()
        self.user_list.setAccessibleName(self.tr("Users"))
        for row in user_rows:
            item = QListWidgetItem(self.tr("{name} — {role}").format(name=row.display_name, role=row.role_label))
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.user_list.addItem(item)
        self.user_list.setMinimumHeight(min(8, max(3, len(user_rows))) * 26)
        self.user_list.currentItemChanged.connect(self._user_changed)
        self.user_list.itemActivated.connect(lambda _item: self.secret.setFocus())

        self.secret_label = QLabel(self.tr("PIN"))
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.installEventFilter(self)
        self.secret_label.setBuddy(self.secret)
        self.message = error_label()
        self.errors = FieldErrors(self.message)
        self.errors.add("secret", self.secret, self.message)

        form = QFormLayout()
        form.addRow(self.secret_label, self.secret)

        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(
            self.tr("Log in (Enter)") if mode == MODE_LOGIN else self.tr("Go on (Enter)"),
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        if mode == MODE_LOGIN:
            self.buttons.addButton(self.tr("Quit (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        elif mode == MODE_SWITCH:
            self.buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.try_log_in)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro_label)
        layout.addWidget(self.user_list, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(420, 380)

        index = next((i for i, row in enumerate(user_rows) if row.username == preselect), 0)
        if user_rows:
            self.user_list.setCurrentRow(index)
        self.secret.setFocus()

    # --- behaviour ------------------------------------------------------------------------

    def selected_user(self) -> UserRow | None:
        item = self.user_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def wants_password(self, row: UserRow | None) -> bool:
        return self.mode == MODE_LOGIN and row is not None and row.role in PASSWORD_ROLES

    def _user_changed(self, *_args: object) -> None:
        row = self.selected_user()
        if self.wants_password(row):
            self.secret_label.setText(self.tr("Password"))
            self.secret.setPlaceholderText(self.tr("managers and administrators log in with their password"))
        else:
            self.secret_label.setText(self.tr("PIN"))
            self.secret.setPlaceholderText(self.tr("4 to 8 digits"))
        self.secret.clear()
        self.errors.clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up/Down in the secret field move through the users: the hands stay on the keys.
        if watched is self.secret and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.user_list.count():
                step = -1 if key == Qt.Key.Key_Up else 1
                row = max(0, min(self.user_list.count() - 1, self.user_list.currentRow() + step))
                self.user_list.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    def try_log_in(self) -> None:
        if self._busy:
            return
        row = self.selected_user()
        if row is None:
            self.errors.show_message(self.tr("Choose your name in the list first."))
            return
        secret = self.secret.text()
        if not secret:
            self.errors.show({"secret": self.tr("Type your password.") if self.wants_password(row)
                              else self.tr("Type your PIN.")})
            return
        self._set_busy(True)
        call = users.log_in if self.mode == MODE_LOGIN else users.switch_user
        self.runner.submit(call, row.username, secret, owner=self, name="log_in", on_done=self._logged_in,
                           on_error=self._refused, on_finally=lambda: self._set_busy(False))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.ok_button.setEnabled(not busy)

    def _logged_in(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()

    def _refused(self, error: UserError) -> None:
        self.errors.show({"secret": str(error)})
        self.secret.clear()
        self.secret.setFocus()

    def reject(self) -> None:
        if self.mode == MODE_LOCK:
            return  # the lock screen stays until someone gives a PIN
        super().reject()


class FirstAdminDialog(_ReportsFirstPaint):
    """Shown once, on a database without any user: create the first administrator."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.created: UserRow | None = None
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle(self.tr("Create the first administrator"))
        intro = QLabel(self.tr(
            "This shop has no users yet. Create the administrator: the person who adds the other "
            "users and may do everything. Keep the password safe."))
        intro.setWordWrap(True)

        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("e.g. owner"))
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(self.tr("the name shown on screen"))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(self.tr("4 to 8 digits, for quick switching"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("at least 8 characters, letters and digits"))
        self.password_again = QLineEdit()
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)

        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        for name, label, widget in (
            ("username", self.tr("User name"), self.username),
            ("display_name", self.tr("Name"), self.display_name),
            ("pin", self.tr("PIN"), self.pin),
            ("password", self.tr("Password"), self.password),
            ("password_again", self.tr("Password again"), self.password_again),
        ):
            form.addRow(label, widget)
            form.addRow("", self.errors.add(name, widget))

        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("Create (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        buttons.addButton(self.tr("Quit (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.resize(460, 0)
        self.username.setFocus()

    def create(self) -> None:
        if self.password.text() != self.password_again.text():
            self.errors.show({"password_again": self.tr("The two passwords differ.")})
            return
        self.ok_button.setEnabled(False)
        self.runner.submit(
            users.add_user, SYSTEM, owner=self, name="add_user", username=self.username.text(),
            display_name=self.display_name.text() or self.username.text(), role="admin", pin=self.pin.text(),
            password=self.password.text(), on_done=self._created, on_error=self._refused,
            on_finally=lambda: self.ok_button.setEnabled(True),
        )

    def _created(self, row: UserRow) -> None:
        self.created = row
        self.accept()

    def _refused(self, error: UserError) -> None:
        problems = getattr(error, "problems", None)
        if problems:
            self.errors.show(problems)
        else:
            self.errors.show_message(str(error))
