"""Scanner set-up (File ▸ Scanner set-up…): scan the test sheet, see what arrived, save this PC's
scanner settings.

The dialog asks for the codes of the test sheet (``printing.scanner_test_sheet``) one at a time
and records the raw key presses with their own timestamps through its own event filter — not
through the ``ScannerFilter``, whose thresholds are what is being measured (a scanner slower
than today's threshold would never reach it as a scan). The filter sits on the application, is
installed after the window's ``ScannerFilter`` (so Qt asks it first) and takes only keys meant
for this dialog: printable keys, Enter and Tab without Ctrl, Alt or Meta; Esc and the buttons'
Alt keys still work. A scan is over when no key came for ``quiet_ms`` (wall-clock), so a
scanner that sends no terminator is measured as well.

At the end ``domain.scanner_calibration.calibrate`` gives the threshold, the terminator and the
problems; "Save" stores ``scanner.max_gap_ms`` and ``scanner.terminator`` as this PC's terminal
settings (``services.settings.save_all``, on the worker, audited) and emits ``saved``: the main
window applies them to its ``ScannerFilter``, and every filter built afterwards reads them.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import UserError
from partsdesk.domain.permissions import Actor
from partsdesk.domain.scanner_calibration import TEST_CODES, Calibration, RecordedScan, calibrate, read_scan
from partsdesk.printing.scanner_test_sheet import write_scanner_test_sheet
from partsdesk.services import settings
from partsdesk.ui import print_path
from partsdesk.ui.tasks import TaskRunner

ASKED = QBrush(QColor("#FFF4C2"))  # the row of the code to scan now
QUIET_MS = 400  # no key for this long: the scan is over (a person takes longer between two codes)
_SHORTCUT_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                       | Qt.KeyboardModifier.MetaModifier)
_TERMINATOR_TEXT = {Qt.Key.Key_Return: "\r", Qt.Key.Key_Enter: "\r", Qt.Key.Key_Tab: "\t"}
_KEY_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride})
(COL_NUMBER, COL_EXPECTED, COL_ARRIVED, COL_END, COL_GAP, COL_RESULT) = range(6)


def sheet_pdf() -> bytes:
    """The test sheet's PDF (on the worker: reportlab takes a moment)."""
    buffer = BytesIO()
    write_scanner_test_sheet(buffer)
    return buffer.getvalue()


def _key_text(event: QKeyEvent) -> str | None:
    """The text a recorded press stands for: Enter and Tab as "\\r" and "\\t", a printable key's
    text, or None for a key the set-up leaves alone (Esc, Ctrl+..., a modifier alone)."""
    if event.modifiers() & _SHORTCUT_MODIFIERS:
        return None
    if event.key() in _TERMINATOR_TEXT:
        return _TERMINATOR_TEXT[Qt.Key(event.key())]
    text = event.text()
    return text if text and text.isprintable() else None


class ScannerSetupDialog(QDialog):
    """Scan the test sheet, see the measured settings and problems, save them for this PC."""

    saved = Signal(dict)  # the scanner settings written to this PC's file

    def __init__(self, runner: TaskRunner, actor: Actor, *, settings_file: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.settings_file = settings_file
        self.scans: list[RecordedScan] = []
        self.calibration: Calibration | None = None
        self._presses: list[tuple[str, int]] = []
        self._listening = False
        self.sheet_preview = None  # the test sheet's print preview while it is open
        self.setWindowTitle(self.tr("Scanner set-up"))

        intro = QLabel(self.tr(
            "Print the test sheet, then scan its codes one after the other, as asked below. PartsDesk measures how "
            "fast this scanner types, which key it sends after a code, and whether the keyboard layout or Caps Lock "
            "change what arrives."))
        intro.setWordWrap(True)
        self.print_button = QPushButton(self.tr("&Print the test sheet… (Alt+P)"))
        self.print_button.clicked.connect(lambda: self.output_sheet("preview"))
        self.pdf_button = QPushButton(self.tr("Save the sheet as P&DF… (Alt+D)"))
        self.pdf_button.clicked.connect(lambda: self.output_sheet("pdf"))
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.print_button)
        sheet_row.addWidget(self.pdf_button)
        sheet_row.addStretch(1)

        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        font = self.prompt.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.prompt.setFont(font)

        self.table = QTableWidget(len(TEST_CODES), 6)
        self.table.setHorizontalHeaderLabels([self.tr("Scan"), self.tr("Expected"), self.tr("Arrived"),
                                              self.tr("Then"), self.tr("Slowest gap"), self.tr("Result")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ARRIVED, QHeaderView.ResizeMode.Stretch)

        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(self.tr("Sa&ve these settings (Alt+V)"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save)
        self.again_button = self.buttons.addButton(self.tr("&Start again (Alt+S)"),
                                                   QDialogButtonBox.ButtonRole.ResetRole)
        self.again_button.clicked.connect(self.start_again)
        self.close_button = self.buttons.addButton(self.tr("Close (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        for button in (self.print_button, self.pdf_button, self.save_button, self.again_button, self.close_button):
            button.setAutoDefault(False)  # Enter is the scanner's: it must never press a button
            button.setDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # and Tab must not move between them

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(sheet_row)
        layout.addWidget(self.prompt)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.quiet_ms = QUIET_MS
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.timeout.connect(self._scan_over)
        self.resize(760, 560)
        self.start_again()

    # -- listening -----------------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._listening:
            QApplication.instance().installEventFilter(self)  # after the ScannerFilter: asked first
            self._listening = True

    def done(self, result: int) -> None:
        self._stop_listening()
        super().done(result)

    def hideEvent(self, event) -> None:
        self._stop_listening()
        super().hideEvent(event)

    def _stop_listening(self) -> None:
        if self._listening:
            QApplication.instance().removeEventFilter(self)
            self._listening = False
        self._quiet.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Take the keys meant for this dialog that a scanner sends (True: consumed)."""
        if event.type() not in _KEY_EVENTS or not isinstance(watched, QWidget):
            return False
        if watched is not self and not self.isAncestorOf(watched):
            return False  # a key for another window
        text = _key_text(event)
        if text is None:
            return False  # Esc, Alt+V ...: the dialog's own keys
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # no shortcut for a scanner's key
            return True
        if event.type() == QEvent.Type.KeyPress and not event.isAutoRepeat():
            self.key_pressed(text, event.timestamp())
        return True  # presses and releases: nothing in the dialog types them

    def key_pressed(self, text: str, timestamp_ms: int) -> None:
        """A recorded press: part of the scan asked for now (ignored once all codes are in)."""
        if len(self.scans) >= len(TEST_CODES):
            return
        self._presses.append((text, timestamp_ms))
        self._quiet.start(self.quiet_ms)

    def _scan_over(self) -> None:
        presses, self._presses = tuple(self._presses), []
        if not presses or len(self.scans) >= len(TEST_CODES):
            return
        code = TEST_CODES[len(self.scans)]
        scan = RecordedScan(code.content, presses)
        self.scans.append(scan)
        self._show_reading(code.number - 1, scan)
        if len(self.scans) == len(TEST_CODES):
            self._finish()
        else:
            self._ask_next()

    # -- showing -------------------------------------------------------------------------------

    def _ask_next(self) -> None:
        code = TEST_CODES[len(self.scans)]
        for row in range(self.table.rowCount()):  # the row asked for now stands out
            for column in range(self.table.columnCount()):
                item = self.table.item(row, column)
                if item is not None:
                    item.setBackground(ASKED if row == code.number - 1 else QBrush())
        self.prompt.setText(self.tr("Scan {number} of {count}: {what} — {content}").format(
            number=code.number, count=len(TEST_CODES), what=self.tr(code.what), content=code.content))

    def _show_reading(self, row: int, scan: RecordedScan) -> None:
        reading = read_scan(scan)
        ends = {"enter": self.tr("Enter"), "tab": self.tr("Tab"), None: self.tr("nothing")}
        gap = (self.tr("{ms} ms").format(ms=reading.longest_gap_ms) if reading.longest_gap_ms is not None
               else "—")
        cells = {COL_ARRIVED: reading.text, COL_END: ends[reading.terminator], COL_GAP: gap,
                 COL_RESULT: self.tr("✓ as expected") if reading.ok else self.tr("✗ different")}
        for column, value in cells.items():
            item = QTableWidgetItem(value)
            if column == COL_RESULT and not reading.ok:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.table.setItem(row, column, item)

    def _finish(self) -> None:
        self.calibration = result = calibrate(self.scans)
        for column in range(self.table.columnCount()):
            self.table.item(len(TEST_CODES) - 1, column).setBackground(QBrush())
        self.prompt.setText(self.tr("All {count} codes scanned.").format(count=len(TEST_CODES)))
        ends = {"enter": self.tr("Enter"), "tab": self.tr("Tab"), None: self.tr("nothing")}
        now = settings.terminal("scanner.max_gap_ms", self.settings_file)
        lines = [self.tr("Slowest gap between two keys of a scan: {slowest} ms. Keys up to {gap} ms apart will count "
                         "as a scan (now {now} ms).").format(slowest=result.slowest_gap_ms, gap=result.max_gap_ms,
                                                           now=now),
                 self.tr("After a code the scanner sends: {end}.").format(end=ends[result.terminator])]
        if result.problems:
            lines.append(self.tr("To fix, then Start again:"))
            lines += [f"• {problem.message}" for problem in result.problems]
        else:
            lines.append(self.tr("Every code arrived as printed: the scanner is ready."))
        self.result.setText("\n".join(lines))
        self.result.setStyleSheet("color: #8a1f11;" if result.problems else "")
        self.save_button.setEnabled(True)

    def start_again(self) -> None:
        """Forget the scans so far and ask for code 1 again."""
        self.scans.clear()
        self._presses.clear()
        self._quiet.stop()
        self.calibration = None
        for code in TEST_CODES:
            row = code.number - 1
            self.table.setItem(row, COL_NUMBER, QTableWidgetItem(f"{code.number}"))
            self.table.setItem(row, COL_EXPECTED, QTableWidgetItem(code.content))
            for column in (COL_ARRIVED, COL_END, COL_GAP, COL_RESULT):
                self.table.setItem(row, column, QTableWidgetItem(""))
        self.result.setText("")
        self.result.setStyleSheet("")
        self.status.setText("")
        self.save_button.setEnabled(False)
        self._ask_next()

    # -- saving --------------------------------------------------------------------------------

    def save(self) -> None:
        """Store the measured threshold and terminator as this PC's scanner settings."""
        if self.calibration is None:
            self.status.setText(self.tr("Scan every code of the test sheet first."))
            return
        values = self.calibration.settings
        self.save_button.setEnabled(False)
        self.status.setText(self.tr("Saving…"))
        self.runner.submit(settings.save_all, self.actor, values, self.settings_file, owner=self,
                           name="save scanner settings", on_done=lambda _changed: self._saved(values),
                           on_error=self._not_saved)

    def _saved(self, values: dict) -> None:
        self.status.setText(self.tr("Saved for this PC: keys up to {gap} ms apart ended by {end} are a scan. The "
                                    "scanner uses them from now on.").format(
            gap=values["scanner.max_gap_ms"],
            end=self.tr("Enter") if values["scanner.terminator"] == "enter" else self.tr("Tab or Enter")))
        self.save_button.setEnabled(True)
        self.saved.emit(values)

    def _not_saved(self, error: UserError) -> None:
        self.status.setText(self.tr("Not saved: {error}").format(error=error))
        self.save_button.setEnabled(True)

    # -- the test sheet ------------------------------------------------------------------------

    def output_sheet(self, mode: str) -> None:
        """Preview (and print from there) the test sheet, or save it as a PDF file."""
        path = ""
        if mode == "pdf":
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the scanner test sheet"),
                                                  str(Path.home() / "scanner-test-sheet.pdf"),
                                                  self.tr("PDF files (*.pdf)"))
            if not path:
                return
        self.runner.submit(sheet_pdf, owner=self, name="scanner test sheet",
                           on_done=lambda pdf: self._sheet_ready(pdf, mode, path))

    def _sheet_ready(self, pdf: bytes, mode: str, path: str) -> None:
        done = print_path.output_report(self, pdf, mode, path, title=self.tr("Scanner test sheet"),
                                        what=self.tr("scanner test sheet"),
                                        hint=self.tr("Print it again with Print the test sheet."))
        self.sheet_preview = done.preview
        self.status.setText(done.message)
