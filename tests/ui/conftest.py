"""UI test fixtures: a task runner per test, and error boxes recorded instead of shown.

A modal QMessageBox would block a test forever, so ``shown_errors`` replaces the two error
presenters of ``partsdesk.ui.tasks`` with recorders; a test that expects no error asserts the
list is empty, and an unexpected error always fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from partsdesk.ui import tasks


@pytest.fixture
def shown_errors(monkeypatch) -> list[str]:
    shown: list[str] = []
    unexpected: list[BaseException] = []
    monkeypatch.setattr(tasks, "show_user_error", lambda _parent, error: shown.append(str(error)))
    monkeypatch.setattr(tasks, "show_unexpected_error", lambda _parent, error: unexpected.append(error))
    yield shown
    assert not unexpected, f"unexpected errors: {unexpected!r}"


@pytest.fixture
def runner(qapp, db, shown_errors):
    """The window's database worker, shut down (its connection closed) before the db goes."""
    task_runner = tasks.TaskRunner()
    yield task_runner
    task_runner.shutdown()


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    return folder


@pytest.fixture
def manager_approves(monkeypatch) -> list[tuple[str, str, str]]:
    """The step-up dialog answered by the manager (PIN 1357 of the ``staff`` fixture): every
    request is recorded as (user, permission, action text) and approved."""
    from partsdesk.services import users

    asked: list[tuple[str, str, str]] = []

    def approve(parent, actor, permission, action_text, *, runner=None):
        asked.append((actor.username, permission, action_text))
        return users.step_up(actor, approver="manager", secret="1357", permission=permission,
                             reason="approved at the counter")

    monkeypatch.setattr("partsdesk.ui.stepup.ask_approval", approve)
    return asked


@pytest.fixture(autouse=True)
def own_home(monkeypatch, tmp_path):
    """This PC's settings file (terminal.json) in the test's folder, never the developer's."""
    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))


@pytest.fixture(autouse=True)
def no_real_printer(request, monkeypatch):
    """A developer's PC may have a real default printer: outside the printing path's own tests,
    the till behaves as on a PC with no printer (the sale is kept, the message says so)."""
    if request.module.__name__.endswith("test_print_path"):
        return
    from partsdesk.ui import print_path

    def none_installed(_kind: str):
        raise print_path.PrinterError("No printer is installed on this PC.")

    monkeypatch.setattr(print_path, "printer_for", none_installed)


@pytest.fixture
def scanner(qapp):
    """The application's scanner layer, as the main window installs it."""
    from partsdesk.ui.scanner import ScannerFilter

    scan_filter = ScannerFilter()
    scan_filter.install()
    yield scan_filter
    scan_filter.remove()


@pytest.fixture
def pdf_printers(monkeypatch, tmp_path) -> list[tuple[str, Path]]:
    """``printer_for`` gives Qt's PDF printer; each job's (kind, file) is recorded."""
    from PySide6.QtPrintSupport import QPrinter

    from partsdesk.ui import print_path

    jobs: list[tuple[str, Path]] = []

    def printer_for(kind: str) -> QPrinter:
        target = tmp_path / f"printed-{len(jobs) + 1}-{kind}.pdf"
        jobs.append((kind, target))
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return printer

    monkeypatch.setattr(print_path, "printer_for", printer_for)
    return jobs


@pytest.fixture
def open_counter(qtbot, runner):
    """Show a Counter tab for ``actor`` (with ``scanner``, the scanner layer) and wait until its
    entry has the focus, as the main window leaves it."""
    from PySide6.QtWidgets import QApplication

    from partsdesk.ui.counter_tab import CounterTab

    def show(actor, *, scanner=None, width: int = 1000) -> CounterTab:
        counter = CounterTab(runner, actor, scanner=scanner)
        qtbot.addWidget(counter)
        counter.resize(width, 560)
        counter.show()
        qtbot.waitExposed(counter)
        counter.activateWindow()
        counter.start()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is counter.entry)
        return counter

    return show


@pytest.fixture
def open_ro(qtbot, runner, shown_errors):
    """Show a repair order's window for ``actor`` and wait until it loaded the order and its choices."""
    from partsdesk.ui.repair_order_dialog import RepairOrderDialog

    def show(actor, number: str) -> RepairOrderDialog:
        dialog = RepairOrderDialog(runner, actor, number)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.loaded, timeout=5000):
            dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.waitUntil(lambda: dialog.choices is not None, timeout=5000)
        return dialog

    return show
