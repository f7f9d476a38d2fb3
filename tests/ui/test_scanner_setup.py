"""Scanner set-up (partsdesk.ui.scanner_setup): the test sheet scanned with synthetic key events
carrying their own timestamps, as a keyboard-wedge scanner sends them, posted to the dialog while
the application's ScannerFilter is installed; the measured settings saved for this PC."""

from __future__ import annotations

import json
import subprocess

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from partsdesk.domain.scanner_calibration import TEST_CODES
from partsdesk.services import settings
from partsdesk.ui.scanner import ScannerFilter
from partsdesk.ui.scanner_setup import ScannerSetupDialog

SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
END_KEYS = {"\r": Qt.Key.Key_Return, "\t": Qt.Key.Key_Tab}


def _event(kind: QEvent.Type, key: Qt.Key, text: str, at_ms: int, modifiers=NONE) -> QKeyEvent:
    event = QKeyEvent(kind, key, modifiers, text)
    event.setTimestamp(at_ms)
    return event


def scanner_keys(text: str, *, start_ms: int, gap_ms: int, end: str | None = "\r") -> list[QKeyEvent]:
    """Press and release per character, ``gap_ms`` from press to press, Shift around capitals
    (pressed 1 ms before the letter), then ``end``."""
    events, at = [], start_ms
    for char in text:
        key = Qt.Key(ord(char.upper()))
        if char.isupper():
            events += [_event(QEvent.Type.KeyPress, Qt.Key.Key_Shift, "", at - 1, SHIFT),
                       _event(QEvent.Type.KeyPress, key, char, at, SHIFT),
                       _event(QEvent.Type.KeyRelease, key, char, at + 1, SHIFT),
                       _event(QEvent.Type.KeyRelease, Qt.Key.Key_Shift, "", at + 1)]
        else:
            events += [_event(QEvent.Type.KeyPress, key, char, at), _event(QEvent.Type.KeyRelease, key, char, at + 2)]
        at += gap_ms
    if end:
        events += [_event(QEvent.Type.KeyPress, END_KEYS[end], end, at),
                   _event(QEvent.Type.KeyRelease, END_KEYS[end], end, at + 2)]
    return events


@pytest.fixture
def settings_file(config_dir):
    return config_dir / "terminal.json"


@pytest.fixture
def open_setup(qtbot, runner, staff, settings_file):
    def show(actor=None) -> ScannerSetupDialog:
        dialog = ScannerSetupDialog(runner, actor or staff["manager"], settings_file=settings_file)
        dialog.quiet_ms = 150
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        return dialog

    return show


def scan_sheet(qtbot, dialog: ScannerSetupDialog, *, gap_ms: int, end: str | None = "\r", typed=lambda c: c) -> None:
    """Scan every code of the sheet, each once the dialog asks for it."""
    for index, code in enumerate(TEST_CODES):
        assert f"Scan {code.number} of {len(TEST_CODES)}" in dialog.prompt.text()
        for event in scanner_keys(typed(code.content), start_ms=100_000 + 10_000 * index, gap_ms=gap_ms, end=end):
            QApplication.postEvent(dialog, event)
        qtbot.waitUntil(lambda index=index: len(dialog.scans) == index + 1, timeout=5000)


def test_a_slow_tab_scanner_is_measured_saved_and_used_by_every_scanner_filter_built_afterwards(
        qtbot, open_setup, settings_file, scanner, shown_errors):
    """Done-means of issue 7: the thresholds come from the recorded key timings. The window's
    ScannerFilter (installed before) sees none of the set-up's keys."""
    scans: list[str] = []
    scanner.set_owner(scans.append)
    dialog = open_setup()
    assert not dialog.save_button.isEnabled()
    scan_sheet(qtbot, dialog, gap_ms=20, end="\t")

    result = dialog.calibration
    assert result is not None and result.ok
    assert result.slowest_gap_ms == 20 and result.max_gap_ms == 40 and result.terminator == "tab"
    assert dialog.table.item(1, 2).text() == "ABCxyz" and dialog.table.item(1, 3).text() == "Tab"
    assert dialog.table.item(1, 4).text() == "20 ms" and dialog.table.item(1, 5).text() == "✓ as expected"
    assert "Keys up to 40 ms apart will count as a scan (now 30 ms)" in dialog.result.text()
    assert "the scanner is ready" in dialog.result.text()
    assert scans == [] and scanner.pending_scans == 0  # the set-up's keys never reached the scanner layer

    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        dialog.save_button.click()
    assert saved.args == [{"scanner.max_gap_ms": 40, "scanner.terminator": "tab"}]
    assert "Saved for this PC" in dialog.status.text()
    stored = json.loads(settings_file.read_text(encoding="utf-8"))
    assert stored["scanner.max_gap_ms"] == 40 and stored["scanner.terminator"] == "tab"
    assert settings.terminal("scanner.max_gap_ms", settings_file) == 40

    later = ScannerFilter(settings_file=settings_file)
    assert later.max_gap_ms == 40
    assert Qt.Key.Key_Tab in later.terminators and Qt.Key.Key_Return in later.terminators
    assert later.min_length == 4
    assert shown_errors == []


def test_the_saved_gap_makes_the_slow_scanners_codes_scans(qtbot, open_setup, settings_file, scanner):
    """With the default 30 ms a 20 ms scanner with a 34 ms hiccup is typing; after the set-up
    measured it, a ScannerFilter reading this PC's settings takes the same keys as a scan."""
    dialog = open_setup()
    scan_sheet(qtbot, dialog, gap_ms=34)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    dialog.close()
    scanner.remove()
    fresh = ScannerFilter(settings_file=settings_file)
    assert fresh.max_gap_ms == 61
    fresh.install()
    try:
        got: list[str] = []
        fresh.set_owner(got.append)
        for event in scanner_keys("4006381333931", start_ms=900_000, gap_ms=34):
            QApplication.postEvent(dialog.parentWidget() or QApplication.activeWindow() or dialog, event)
        qtbot.waitUntil(lambda: got == ["4006381333931"], timeout=5000)
    finally:
        fresh.remove()
        scanner.install()


def test_caps_lock_and_the_arrived_text_are_shown_and_the_timing_can_still_be_saved(qtbot, open_setup, settings_file):
    dialog = open_setup()
    scan_sheet(qtbot, dialog, gap_ms=3, typed=str.swapcase)
    assert dialog.table.item(1, 2).text() == "abcXYZ" and dialog.table.item(1, 5).text() == "✗ different"
    assert dialog.table.item(0, 5).text() == "✓ as expected"
    text = dialog.result.text()
    assert "Caps Lock is on" in text and "“ABCxyz” arrived as “abcXYZ”" in text and "To fix, then Start again" in text
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    assert settings.terminal("scanner.max_gap_ms", settings_file) == 15


def test_a_scanner_without_terminator_is_measured_by_the_quiet_time_and_told_to_send_enter(qtbot, open_setup):
    dialog = open_setup()
    scan_sheet(qtbot, dialog, gap_ms=5, end=None)
    assert dialog.table.item(0, 3).text() == "nothing"
    assert dialog.calibration.terminator is None
    assert "send Enter after each code" in dialog.result.text()


def test_a_qwertz_pc_is_named(qtbot, open_setup):
    dialog = open_setup()
    swap = str.maketrans("yzYZ", "zyZY")
    scan_sheet(qtbot, dialog, gap_ms=4, typed=lambda code: code.translate(swap))
    assert "German (QWERTZ)" in dialog.result.text() and "“y” and “z” are swapped" in dialog.result.text()


def test_start_again_forgets_the_scans(qtbot, open_setup):
    dialog = open_setup()
    for event in scanner_keys(TEST_CODES[0].content, start_ms=5_000, gap_ms=5):
        QApplication.postEvent(dialog, event)
    qtbot.waitUntil(lambda: len(dialog.scans) == 1, timeout=5000)
    assert "Scan 2 of 6" in dialog.prompt.text()
    assert dialog.table.item(0, 2).text() == TEST_CODES[0].content
    dialog.again_button.click()
    assert dialog.scans == [] and "Scan 1 of 6" in dialog.prompt.text()
    assert dialog.table.item(0, 2).text() == "" and not dialog.save_button.isEnabled()


def test_save_before_the_end_saves_nothing(qtbot, open_setup, settings_file):
    dialog = open_setup()
    dialog.save()
    assert "Scan every code of the test sheet first" in dialog.status.text()
    assert not settings_file.exists()


def test_a_cashier_may_not_save_and_nothing_is_written(qtbot, open_setup, staff, settings_file):
    dialog = open_setup(staff["cashier"])
    scan_sheet(qtbot, dialog, gap_ms=3)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Not saved"), timeout=5000)
    assert not settings_file.exists()


def test_esc_still_closes_the_dialog(qtbot, open_setup):
    dialog = open_setup()
    QApplication.postEvent(dialog, _event(QEvent.Type.KeyPress, Qt.Key.Key_Escape, "\x1b", 1_000))
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_the_test_sheet_is_saved_as_pdf(qtbot, open_setup, tmp_path, monkeypatch):
    target = tmp_path / "sheet.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), "PDF files (*.pdf)"))
    dialog = open_setup()
    dialog.pdf_button.click()
    qtbot.waitUntil(lambda: "was saved to" in dialog.status.text(), timeout=10_000)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "PartsDesk scanner test sheet" in text and "Scan 6 of 6" in text


def test_the_test_sheet_preview_opens(qtbot, open_setup):
    dialog = open_setup()
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.sheet_preview is not None, timeout=10_000)
    assert dialog.sheet_preview.isVisible()
    dialog.sheet_preview.close()


def test_the_main_windows_menu_opens_it_and_a_save_applies_to_the_windows_scanner(
        qtbot, runner, staff, db_url, config_dir, settings_file):
    from partsdesk.ui.main_window import MainWindow, window_settings

    window = MainWindow(runner, staff["manager"], url=db_url, settings=window_settings(config_dir),
                        auto_backups=False, terminal_settings_file=settings_file)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.scanner_setup_action.isVisible() and window.scanner.max_gap_ms == 30
    window.scanner_setup_action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.settings_dialog, ScannerSetupDialog), timeout=5000)
    dialog = window.settings_dialog
    dialog.quiet_ms = 150
    scan_sheet(qtbot, dialog, gap_ms=12, end="\t")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    assert window.scanner.max_gap_ms == 28  # 12 × 1.5 + 10, at once
    assert Qt.Key.Key_Tab in window.scanner.terminators
    dialog.close()

    window.set_actor(staff["cashier"])
    assert not window.scanner_setup_action.isVisible() and not window.scanner_setup_action.isEnabled()
