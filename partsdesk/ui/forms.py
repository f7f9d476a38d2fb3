"""Showing a service's ``ValidationError`` next to the fields it names.

A form registers each input widget under the service's field name; ``show(problems)`` puts a
red border on each named widget and its message in red under it, and anything the form does
not know in a general message line. Nothing closes: the user fixes the fields and tries again.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QWidget

ERROR_COLOR = "#c62828"
# Applied to a dialog: widgets marked invalid get a red frame, error labels red text.
FORM_STYLE = (
    f'*[invalid="true"] {{ border: 1px solid {ERROR_COLOR}; border-radius: 2px; }}'
    f' QLabel[role="error"] {{ color: {ERROR_COLOR}; }}'
)


def error_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


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
