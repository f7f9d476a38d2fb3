"""The workshop reports view: this month's reports run on the worker into a tab each, F5 runs them
for other days, a bad range is refused with the service's words, the PDF is previewed, printed on
the A4 printer and saved, and only a manager (``workshop.setup``) sees the figures."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import QDate, Qt

from partsdesk.services import clock
from partsdesk.ui import workshop_reports_view
from partsdesk.ui.workshop_reports_view import WorkshopReportsView
from tests.services.test_workshop_reports import REPORT_AT, workshop_month


@pytest.fixture
def month(staff, db):
    made = workshop_month(staff)
    yield made
    clock.set_clock(None)


@pytest.fixture
def view(qtbot, runner, staff, month):
    widget = WorkshopReportsView(runner, staff["manager"])
    qtbot.addWidget(widget)
    widget.resize(1000, 560)
    widget.show()
    return widget


def _cells(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _started(qtbot, view) -> None:
    with qtbot.waitSignal(view.report_shown, timeout=20_000):
        view.start()
        assert view.busy.isVisible() and not view.refresh_button.isEnabled()
    qtbot.waitUntil(lambda: not view.busy.isVisible())


def test_this_months_reports_run_on_the_worker_into_a_tab_each(qtbot, view):
    assert REPORT_AT.month == 11
    assert (view.start_date.date(), view.end_date.date()) == (QDate(2026, 11, 1), QDate(2026, 11, 30))
    assert not view.print_button.isEnabled()  # nothing to print before the report ran
    _started(qtbot, view)
    assert _cells(view.technicians) == [
        ["Technician", "3", "3.000", "3.500", "85.7%", "1", "33.3%"],
        ["Wang Gang", "1", "0.750", "0.500", "150.0%", "0", "0.0%"],
        ["All", "4", "3.750", "4.000", "93.8%", "1", "25.0%"]]
    assert _cells(view.status_times)[1] == ["Waiting authorization", "4", "0.500", "0.417"]
    assert ["Delivered", "3"] in _cells(view.status_counts) and len(_cells(view.status_counts)) == 9
    assert _cells(view.authorizations)[1] == ["By phone", "3", "285.00", "2", "240.00", "1", "45.00", "66.7%",
                                              "84.2%"]
    assert "re-authorization" in view.authorization_note.text() and view.authorization_note.text().endswith(": 1.")
    assert _cells(view.revenue)[-1] == ["Total", "6", "757.52", "98.48", "856.00"]
    assert "1 line(s), 0.500 h of labour" in view.revenue_note.text()
    assert "3 orders delivered, 4 checked in" in view.summary.text() and "856.00" in view.summary.text()
    assert view.preview_button.isEnabled() and view.print_button.isEnabled() and view.save_button.isEnabled()
    for index, name in enumerate(("technicians", "status", "authorization", "revenue")):
        view.tabs.setCurrentIndex(index)
        view.grab().save(f"/tmp/workshop_reports_view_{name}.png")


def test_f5_runs_the_reports_for_the_days_chosen(qtbot, view):
    _started(qtbot, view)
    view.start_date.setDate(QDate(2026, 12, 1))
    view.end_date.setDate(QDate(2026, 12, 31))
    view.start_date.setFocus()
    with qtbot.waitSignal(view.report_shown, timeout=20_000) as shown:
        qtbot.keyClick(view.start_date, Qt.Key.Key_F5)
    assert (shown.args[0].start.isoformat(), shown.args[0].end.isoformat()) == ("2026-12-01", "2026-12-31")
    qtbot.waitUntil(lambda: not view.busy.isVisible())
    assert view.technicians.rowCount() == 0 and view.status_times.rowCount() == 0
    assert "No order was checked in or delivered" in view.message.text()
    assert _cells(view.revenue)[-1] == ["Total", "0", "0.00", "0.00", "0.00"]


def test_a_range_ending_before_it_starts_is_refused_and_the_report_stays(qtbot, view):
    _started(qtbot, view)
    shown = view.report
    view.start_date.setDate(QDate(2026, 11, 30))
    view.end_date.setDate(QDate(2026, 11, 1))
    view.refresh()
    qtbot.waitUntil(lambda: "swap them" in view.message.text(), timeout=20_000)
    qtbot.waitUntil(lambda: not view.busy.isVisible())
    assert view.report is shown and view.technicians.rowCount() == 3


def test_preview_print_and_save_the_pdf(qtbot, view, pdf_printers, monkeypatch, tmp_path):
    _started(qtbot, view)
    with qtbot.waitSignal(view.printed, timeout=20_000) as printed:
        qtbot.keyClick(view.start_date, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed.args[0] >= 1 and pdf_printers[-1][0] == "invoice"
    assert pdf_printers[-1][1].read_bytes().startswith(b"%PDF")
    assert "printed" in view.message.text()
    qtbot.waitUntil(lambda: not view.busy.isVisible())
    target = tmp_path / "out" / "workshop"
    target.parent.mkdir()
    monkeypatch.setattr(workshop_reports_view.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PDF files (*.pdf)"))
    with qtbot.waitSignal(view.pdf_saved, timeout=20_000) as saved:
        view.pdf("save")
    assert saved.args[0].endswith("workshop.pdf") and "saved" in view.message.text()
    text = subprocess.run(["pdftotext", "-layout", saved.args[0], "-"], check=True, capture_output=True,
                          text=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Technician 3 3.000 3.500 85.7% 1 33.3%" in lines and "Total 6 757.52 98.48 856.00" in lines
    qtbot.waitUntil(lambda: not view.busy.isVisible())
    with qtbot.waitSignal(view.dialog_opened, timeout=20_000) as opened:
        view.pdf("preview")
    dialog = opened.args[0]
    assert dialog.isVisible() and dialog._pages.count >= 1 and view.dialog is dialog
    dialog.close()


def test_printing_without_a_printer_says_so(qtbot, view):
    _started(qtbot, view)
    view.pdf("print")  # the autouse fixture: no printer installed
    qtbot.waitUntil(lambda: "not printed" in view.message.text(), timeout=20_000)
    assert "No printer" in view.message.text()


def test_only_a_manager_sees_the_reports(qtbot, runner, staff, month):
    widget = WorkshopReportsView(runner, staff["service_advisor"])
    qtbot.addWidget(widget)
    widget.start()
    assert widget.report is None and not widget.busy.isVisible() and not widget.refresh_button.isEnabled()
    assert "managers" in widget.message.text() and not widget.save_button.isEnabled()
    widget.set_actor(staff["manager"])
    assert widget.refresh_button.isEnabled() and widget.message.text() == ""
    with qtbot.waitSignal(widget.report_shown, timeout=20_000):
        widget.refresh()
    qtbot.waitUntil(lambda: not widget.busy.isVisible())
    widget.set_actor(staff["technician"])  # the next user does not see the last one's figures
    assert widget.report is None and widget.technicians.rowCount() == 0 and widget.summary.text() == ""
    assert not widget.print_button.isEnabled() and "managers" in widget.message.text()
