"""Forms that save through a service, and showing what the service refused.

A form registers each input widget under the service's field name; ``show(problems)`` puts a
red border on each named widget and its message in red under it, and anything the form does
not know in a general message line. Nothing closes: the user fixes the fields and tries again.

``FormDialog`` is the dialog most forms are: labelled fields, that general line, and a default
"Save (Enter)" with "Cancel (Esc)"; the service runs on the worker. ``set_note`` shows a
section's one-line note, in red when it is an error; ``show_window_modal`` shows a section's
dialog over its window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partsdesk import i18n
from partsdesk.domain.errors import PermissionDenied
from partsdesk.domain.permissions import Actor
from partsdesk.ui.tasks import TaskRunner

ERROR_COLOR = "#c62828"
# Applied to a dialog: widgets marked invalid get a red frame, error labels red text.
FORM_STYLE = (
    f'*[invalid="true"] {{ border: 1px solid {ERROR_COLOR}; border-radius: 2px; }}'
    f' QLabel[role="error"] {{ color: {ERROR_COLOR}; }}'
)


# A day as the screens write it, per language: English strftime formats, and the same in Chinese
# order with the locale's day and month names (Qt's, so "周二", not "Tue").
_CHINESE_DATES = {
    "%a %d %b %H:%M": "M月d日 ddd HH:mm", "%A %d %B %Y": "yyyy年M月d日 dddd", "%a %d %b %Y": "yyyy年M月d日 ddd",
    "%a %d %b": "M月d日 ddd", "%d %b": "M月d日", "%d %b %Y": "yyyy年M月d日", "%d %b %H:%M": "M月d日 HH:mm",
}


def date_text(value: date | datetime, english: str) -> str:
    """``value`` written by ``english`` (a strftime format) in English, or as the language writes
    that format (day and month names of the language)."""
    chinese = _CHINESE_DATES.get(english)
    if i18n.language() == i18n.SOURCE_LANGUAGE or chinese is None:
        return value.strftime(english)
    if isinstance(value, datetime):
        moment = QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute))
        return QLocale().toString(moment, chinese)
    return QLocale().toString(QDate(value.year, value.month, value.day), chinese)


def key_button(owner: QWidget, text: str, key: str, slot: Any, tip: str,
               context: QWidget | None = None) -> QPushButton:
    """A button showing its key (in ``text``); the key works anywhere on ``context`` (default: the
    owner) while the button is enabled. The button never takes the focus from the entry."""
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.clicked.connect(slot)
    shortcut = QShortcut(QKeySequence(key), context or owner)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(lambda: button.isEnabled() and slot())
    button.setProperty("key", key)  # F1's key list (ui.help_dialog) finds the shortcut's button by it
    return button


def compact_combo(min_chars: int = 16) -> QComboBox:
    """A drop-down as wide as ``min_chars`` characters whatever its items (a long item would
    otherwise widen the whole window); the open list still shows each item whole."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(min_chars)
    return box


def error_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def set_note(label: QLabel, text: str, *, error: bool = False) -> None:
    """Show ``text`` in a section's note line: in red for an error or a warning, else in the
    usual colour."""
    label.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")
    label.setText(text)


def show_window_modal(owner: Any, dialog: QDialog) -> None:
    """Show ``dialog`` over ``owner``'s window without blocking the event loop. ``owner.dialog``
    holds it until it closes; ``owner.dialog_opened`` announces it (tests drive it from there)."""
    owner.dialog = dialog
    dialog.finished.connect(lambda _result: setattr(owner, "dialog", None))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    owner.dialog_opened.emit(dialog)



def open_over(owner: Any, dialog: QDialog, focus: Callable[[], QWidget | None]) -> None:
    """Show ``dialog`` over the view ``owner`` (``show_window_modal``; one at a time: a dialog it
    had open is closed first). When it closes it is deleted, and while the view is shown its window
    is active again with ``focus()`` focused, so the view's own keys work at once."""
    if owner.dialog is not None:
        owner.dialog.reject()

    def closed(_result: int) -> None:
        dialog.deleteLater()
        if owner.isVisible():
            owner.window().activateWindow()
            target = focus()
            if target is not None:
                target.setFocus()

    dialog.finished.connect(closed)
    show_window_modal(owner, dialog)

def _mark(widget: QWidget, invalid: bool) -> None:
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class FieldErrors:
    """The error display of one form: field name -> (input widget, message label)."""

    def __init__(self, general: QLabel) -> None:
        self.general = general
        self.fields: dict[str, tuple[QWidget, QLabel]] = {}
        self.current: dict[str, str] = {}

    def add(self, name: str, widget: QWidget, label: QLabel | None = None) -> QLabel:
        label = label or error_label()
        self.fields[name] = (widget, label)
        return label

    def clear(self) -> None:
        self.current = {}
        for widget, label in self.fields.values():
            _mark(widget, False)
            label.clear()
            label.setVisible(False)
        self.general.clear()
        self.general.setVisible(False)

    def show(self, problems: Mapping[str, str], *, general: str = "") -> None:
        """Show ``problems``; the first invalid field gets the focus."""
        self.clear()
        self.current = dict(problems)
        leftovers = []
        first: QWidget | None = None
        for name, message in problems.items():
            if name in self.fields:
                widget, label = self.fields[name]
                _mark(widget, True)
                label.setText(message)
                label.setVisible(True)
                first = first or widget
            else:
                leftovers.append(message)
        text = "\n".join(([general] if general else []) + leftovers)
        if text:
            self.general.setText(text)
            self.general.setVisible(True)
        if first is not None:
            first.setFocus()

    def show_message(self, message: str) -> None:
        self.show({}, general=message)

    def show_refused(self, error: Exception) -> None:
        """A save the service refused: a ``ValidationError``'s problems by their fields, under a
        line saying nothing was saved; any other error's message in the general line."""
        problems = getattr(error, "problems", None)
        if problems:
            self.show(problems, general=QCoreApplication.translate(
                "FieldErrors", "Nothing was saved. Correct the fields marked in red."))
        else:
            self.show_message(str(error))


class FormDialog(QDialog):
    """A form that saves through one service call on the worker.

    A subclass adds its inputs with ``field`` and defines ``save(approval=None)``, which checks what it can and
    calls ``submit(service_function, ...)``. While the call runs the save button is disabled. A
    refused save shows each problem by its field, changes nothing and leaves the dialog open; a
    committed one closes the dialog, then emits ``saved`` with the service's result.

    ``permission``: the step-up this form may ask. When the service refuses the user that
    permission, a manager approves on this screen (``action_text()`` says what) and
    ``save(approval)`` runs again.
    """

    saved = Signal(object)  # the service's result, after the dialog closed
    permission = ""

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.setStyleSheet(FORM_STYLE)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(self.tr("Save (Enter)"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.addButton(self.tr("Cancel (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)

    def field(self, name: str, label: str, widget: QWidget) -> QWidget:
        """A row of the form: ``label``, then ``widget`` with the error of field ``name`` under it.
        The label's &-key goes to ``widget``."""
        error = self.errors.add(name, widget)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        self.form.addRow(label, box)
        title = self.form.labelForField(box)
        if isinstance(title, QLabel):
            title.setBuddy(widget)  # the box around the input takes no focus
        return widget

    def action_text(self) -> str:
        """What a manager approves, for the step-up of ``permission``."""
        return ""

    def submit(self, fn: Any, *args: Any, on_done: Any = None, **kwargs: Any) -> None:
        """Run ``fn(*args, **kwargs)`` on the worker (``name=`` names the task); its result goes to
        ``on_done``, by default ``_saved``."""
        self.save_button.setEnabled(False)
        self.errors.clear()
        self.runner.submit(fn, *args, owner=self, on_done=on_done or self._saved, on_error=self._refused,
                           on_finally=lambda: self.save_button.setEnabled(True), **kwargs)

    def _saved(self, result: Any) -> None:
        self.accept()
        self.saved.emit(result)

    def _refused(self, error: Exception) -> None:
        if self.permission and isinstance(error, PermissionDenied) and error.permission == self.permission:
            from partsdesk.ui import stepup  # stepup's own dialog is built from this module

            approval = stepup.ask_approval(self, self.actor, self.permission, self.action_text(),
                                           runner=self.runner)
            if approval is not None:
                QTimer.singleShot(0, self, lambda: self.save(approval))  # after this attempt has finished
                return
        self.errors.show_refused(error)
