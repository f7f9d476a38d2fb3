"""Cash-up at the till (F11 on the Counter tab): cash in and out, the X report, closing the day.

- **Cash in and out**: the opening float, a pay-in or a pay-out (these two with a reason), recorded
  by ``services.cashup.record_cash_event`` on the worker (Enter in the amount or reason).
- **X report** (F5): the day so far, shown here; Ctrl+P prints it on the receipt printer,
  Ctrl+Shift+P previews it. It closes nothing.
- **Close the day** (F10): the cashier counts the drawer and types what is in it first — the
  expected figure is not on this screen before (a blind count) — then the Z report is committed
  (``services.cashup.close_day``), shown with over/short and printed on the receipt printer
  (``ui.print_path``, kind "zreport"). A printer problem is said under the report; the day is
  closed and saved either way, and "Reprint Z" prints it again marked COPY.

Every service call runs on the worker; nothing is shown as done before it returned.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from partsdesk import i18n
from partsdesk.domain.errors import UserError
from partsdesk.domain.permissions import Actor
from partsdesk.printing.cash_up import sections, title, write_roll
from partsdesk.services import audit, cashup
from partsdesk.services.cashup import CashUpReport
from partsdesk.ui import print_path
from partsdesk.ui.forms import FORM_STYLE, FieldErrors, error_label, set_note
from partsdesk.ui.tasks import TaskRunner

LABEL_WIDTH = 34
VALUE_WIDTH = 14


def report_text(report: CashUpReport) -> str:
    """The report as fixed-width text for the screen: the same sections the paper prints."""
    shown_from = cashup.local_time(report.period_from)
    shown_to = cashup.local_time(report.period_to)
    lines = [title(report), i18n._("Terminal {terminal}").format(terminal=report.terminal),
             i18n._("From {when}").format(when=i18n.format_datetime(shown_from) if shown_from else "\u2014"),
             i18n._("To   {when}").format(when=i18n.format_datetime(shown_to)), ""]
    for section in sections(report):
        lines.append(section.heading)
        rows = ([section.columns] if section.columns else []) + list(section.rows)
        for row in rows:
            first, width = row[0], LABEL_WIDTH if len(row) == 2 else 18
            if len(first) > width:  # a long label on its own line, the figures under it: nothing cut off
                lines.append(f"  {first}")
                first = ""
            lines.append(f"  {first:<{width}}" + "".join(f"{cell:>{VALUE_WIDTH}}" for cell in row[1:]))
        lines.append("")
    lines.append(i18n._("Anomalies:") if report.anomalies else i18n._("Anomalies: none."))
    lines += [f"  \u2022 {text}" for text in report.anomalies]
    return "\n".join(lines)


def report_pdf(report: CashUpReport, copy: bool = False) -> bytes:
    """On the worker: the report on this PC's receipt roll (80 or 58 mm), as PDF bytes."""
    out = BytesIO()
    write_roll(report, out, copy=copy, roll_mm=print_path.receipt_roll())
    return out.getvalue()


class CashUpDialog(QDialog):
    """The till's cash-up for ``actor`` at this terminal (see the module doc)."""

    recorded = Signal(int)  # a cash event's id, once committed
    x_shown = Signal(object)  # the CashUpReport of an X report, once shown
    closed_day = Signal(object)  # the CashUpReport of the Z, once committed
    printed = Signal(object)  # a print_path.PrintOutcome (or the X report's: ok, message)

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.report: CashUpReport | None = None  # what is on screen: an X, or the Z just closed
        self.z: CashUpReport | None = None
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle(self.tr("Cash-up \u2014 terminal {name}").format(name=audit.TERMINAL))
        self.resize(760, 720)

        # cash in and out
        self.kind = QComboBox()
        for kind, label in (("float", self.tr("Opening float")), ("pay_in", self.tr("Paid in")),
                            ("pay_out", self.tr("Paid out"))):
            self.kind.addItem(label, kind)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("e.g. 200.00"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("needed for paid in or out"))
        self.record_button = QPushButton(self.tr("Enter Record"))
        self.record_button.clicked.connect(self.record_cash)
        for line in (self.amount, self.reason):
            line.returnPressed.connect(self.record_cash)
        self.cash_general = error_label()
        self.cash_errors = FieldErrors(self.cash_general)
        cash_form = QFormLayout()
        cash_form.addRow(self.tr("Cash"), self.kind)
        cash_form.addRow(self.tr("Amount"), self.amount)
        cash_form.addRow("", self.cash_errors.add("amount", self.amount))
        cash_form.addRow(self.tr("Reason"), self.reason)
        cash_form.addRow("", self.cash_errors.add("reason", self.reason))
        self.cash_errors.add("kind", self.kind)
        self.cash_note = QLabel()
        self.cash_note.setWordWrap(True)
        cash_box = QGroupBox(self.tr("Cash in and out"))
        cash_layout = QVBoxLayout(cash_box)
        cash_layout.addLayout(cash_form)
        row = QHBoxLayout()
        row.addWidget(self.cash_note, 1)
        row.addWidget(self.record_button)
        cash_layout.addWidget(self.cash_general)
        cash_layout.addLayout(row)

        # the close
        self.counted = QLineEdit()
        self.counted.setPlaceholderText(self.tr("the cash counted in the drawer"))
        self.counted.setAccessibleName(self.tr("Counted cash"))
        self.counted.textEdited.connect(self._counting)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("optional"))
        self.close_general = error_label()
        self.close_errors = FieldErrors(self.close_general)
        close_form = QFormLayout()
        close_form.addRow(self.tr("Counted cash"), self.counted)
        close_form.addRow("", self.close_errors.add("counted_cash", self.counted))
        close_form.addRow(self.tr("Note"), self.note)
        close_form.addRow("", self.close_errors.add("note", self.note))
        self.close_button = self._button(self.tr("F10 Close day (Z)"), "F10", self.close_day,
                                         self.tr("Count the drawer first, then close the day: the Z report"))
        close_box = QGroupBox(self.tr("Close the day (count the drawer first: expected cash is shown after)"))
        close_layout = QVBoxLayout(close_box)
        close_layout.addLayout(close_form)
        close_layout.addWidget(self.close_general)
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        close_row.addWidget(self.close_button)
        close_layout.addLayout(close_row)

        # the report
        self.x_button = self._button(self.tr("F5 X report"), "F5", self.show_x,
                                     self.tr("The day so far; closes nothing"))
        self.print_button = self._button(self.tr("Ctrl+P Print"), "Ctrl+P", self.print_report,
                                         self.tr("Print the report shown on the receipt printer"))
        self.preview_button = self._button(self.tr("Ctrl+Shift+P Preview"), "Ctrl+Shift+P", self.preview_report,
                                           self.tr("Preview the report shown"))
        self.reprint_button = self._button(self.tr("Reprint Z (COPY)"), "", self.reprint_z,
                                           self.tr("Print the Z report just closed again, marked COPY"))
        self.close_dialog_button = self._button(self.tr("Esc Close"), "", self.reject, self.tr("Back to the counter"))
        self.view = QPlainTextEdit()
        self.view.setReadOnly(True)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.view.setPlaceholderText(self.tr("F5 shows the X report: the day so far."))
        self.report_note = QLabel()
        self.report_note.setWordWrap(True)
        self.report_note.setTextFormat(Qt.TextFormat.PlainText)
        # room for the result and the printer's line: a wrapped label is not given its height by the layout
        self.report_note.setMinimumHeight(self.report_note.fontMetrics().lineSpacing() * 3 + 4)
        self.report_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        top = QHBoxLayout()
        top.addWidget(cash_box, 1)
        top.addWidget(close_box, 1)
        buttons = QHBoxLayout()
        for button in (self.x_button, self.print_button, self.preview_button, self.reprint_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_dialog_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.report_note)
        layout.addLayout(buttons)
        allowed = actor.can("counter.cash_up")
        for widget in (cash_box, close_box, self.x_button):
            widget.setEnabled(allowed)
        if not allowed:
            set_note(self.report_note, self.tr("{name} may not cash up: ask a manager.").format(
                name=actor.display_name), error=True)
        self._update_buttons()
        self.amount.setFocus()

    def _button(self, text: str, key: str, slot: Any, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        if key:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda: button.isEnabled() and slot())
        return button

    def _update_buttons(self) -> None:
        self.print_button.setEnabled(self.report is not None)
        self.preview_button.setEnabled(self.report is not None)
        self.reprint_button.setEnabled(self.z is not None)

    def _counting(self, _text: str) -> None:
        """A blind count: an X report on screen is hidden while the cashier types what they counted."""
        if self.report is not None and not self.report.is_z:
            self.report = None
            self.view.clear()
            set_note(self.report_note, self.tr("The X report is hidden while you count; F5 shows it again."))
            self._update_buttons()

    # --- cash in and out ------------------------------------------------------------------------

    def record_cash(self) -> None:
        kind = self.kind.currentData()
        amount, reason = self.amount.text(), self.reason.text()
        self.cash_errors.clear()
        self.record_button.setEnabled(False)

        def done(event_id: int) -> None:
            label = self.kind.currentText()
            set_note(self.cash_note, self.tr("Recorded: {kind} {amount}.").format(kind=label.lower(),
                                                                                  amount=amount.strip()))
            self.amount.clear()
            self.reason.clear()
            self.amount.setFocus()
            self.recorded.emit(event_id)
            if self.report is not None and not self.report.is_z:
                self.show_x()  # the X on screen follows the drawer

        self.runner.submit(cashup.record_cash_event, self.actor, kind, amount, reason, owner=self,
                           name="record_cash_event", on_done=done, on_error=self.cash_errors.show_refused,
                           on_finally=lambda: self.record_button.setEnabled(True))

    # --- reports --------------------------------------------------------------------------------

    def _show(self, report: CashUpReport) -> None:
        self.report = report
        self.view.setPlainText(report_text(report))
        self._update_buttons()

    def show_x(self) -> None:
        """F5: the X report of this terminal, read on the worker."""
        set_note(self.report_note, self.tr("Reading the day\u2026"))

        def shown(report: CashUpReport) -> None:
            self._show(report)
            set_note(self.report_note, self.tr("X report: nothing is closed. Ctrl+P prints it."))
            self.x_shown.emit(report)

        self.runner.submit(cashup.x_report, self.actor, owner=self, name="x_report", on_done=shown,
                           on_error=lambda error: set_note(self.report_note, str(error), error=True))

    def close_day(self) -> None:
        """F10: commit the Z with the counted cash typed (blind), then show and print it."""
        counted, note = self.counted.text(), self.note.text()
        self.close_errors.clear()
        if not counted.strip():
            self.close_errors.show({"counted_cash": self.tr("Count the drawer and type the cash in it first.")})
            return
        self.close_button.setEnabled(False)
        set_note(self.report_note, self.tr("Closing the day\u2026"))

        def closed(report: CashUpReport) -> None:
            self.z = report
            self._show(report)
            self.counted.clear()
            self.note.clear()
            text = self.tr("Day closed: {number}. Expected {expected}, counted {counted}. {result}").format(
                number=report.number, expected=report.money(report.expected_cash),
                counted=report.money(report.counted_cash or 0), result=report.over_short_message)
            if report.anomalies:
                text += " " + self.tr("{count} anomaly(ies) flagged on the report.").format(
                    count=len(report.anomalies))
            set_note(self.report_note, text, error=bool(report.over_short) or bool(report.anomalies))
            self.closed_day.emit(report)
            self._print_z(report.number, copy=False)  # committed: only now is anything printed

        def refused(error: UserError) -> None:
            self.close_errors.show_refused(error)
            set_note(self.report_note, self.tr("The day was not closed."), error=True)

        self.runner.submit(cashup.close_day, self.actor, counted_cash=counted, note=note, owner=self,
                           name="close_day", on_done=closed, on_error=refused,
                           on_finally=lambda: self.close_button.setEnabled(self.actor.can("counter.cash_up")))

    # --- printing -------------------------------------------------------------------------------

    def _print_z(self, number: str, *, copy: bool, mode: str = "print") -> None:
        print_path.print_document(self, self.runner, number=number, kind="zreport", copy=copy, mode=mode,
                                  on_done=self._printed)

    def _printed(self, outcome: Any) -> None:
        base = self.report_note.text().split("\n")[0]
        if outcome.ok:
            done = (self.tr("Printed {number} (COPY).") if outcome.copy else
                    self.tr("Printed {number}.")).format(number=outcome.number)
            set_note(self.report_note, f"{base}\n{done}" if outcome.mode == "print" else base)
        elif outcome.message:
            set_note(self.report_note, f"{base}\n{outcome.message}", error=True)
        self.printed.emit(outcome)

    def reprint_z(self) -> None:
        if self.z is not None:
            self._print_z(self.z.number, copy=True)

    def _print_x(self, mode: str) -> None:
        report = self.report
        if report is None:
            return
        if report.is_z:
            self._print_z(report.number, copy=False, mode=mode)
            return

        def made(pdf: bytes) -> None:
            try:
                if mode == "print":
                    pages = print_path.print_pdf(pdf, print_path.printer_for("zreport"))
                    outcome = print_path.PrintOutcome("X", "xreport", mode, False, True, pages=pages)
                else:
                    try:
                        printer = print_path.printer_for("zreport")
                    except print_path.PrinterError:
                        printer = None  # a preview needs no printer
                    dialog = print_path.preview_pdf(self, pdf, printer, title=self.tr("Preview of the X report"))
                    outcome = print_path.PrintOutcome("X", "xreport", mode, False, True, pages=dialog._pages.count,
                                                      preview=dialog)
            except print_path.PrinterError as error:
                outcome = print_path.PrintOutcome("X", "xreport", mode, False, False, self.tr(
                    "The X report was not printed: {error} Press Ctrl+P to try again.").format(error=error))
            if outcome.ok and mode == "print":
                set_note(self.report_note, self.tr("Printed the X report."))
            elif not outcome.ok:
                set_note(self.report_note, outcome.message, error=True)
            self.printed.emit(outcome)

        self.runner.submit(report_pdf, report, owner=self, name="x_report_pdf", on_done=made,
                           on_error=lambda error: set_note(self.report_note, str(error), error=True))

    def print_report(self) -> None:
        """Ctrl+P: the report shown, on the receipt printer."""
        self._print_x("print")

    def preview_report(self) -> None:
        """Ctrl+Shift+P: a preview of the report shown."""
        self._print_x("preview")


__all__ = ["CashUpDialog", "report_pdf", "report_text"]
