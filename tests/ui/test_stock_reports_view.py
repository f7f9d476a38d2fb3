"""The stock reports view: the report run on the worker into its tables, the PDF previewed,
printed on the A4 printer and saved, and the permission it needs."""

from __future__ import annotations

import subprocess
from datetime import datetime

import pytest
from PySide6.QtCore import QDate

from partsdesk.services import clock
from partsdesk.ui import stock_reports_view
from partsdesk.ui.stock_reports_view import StockReportsView
from tests.services.test_stock_reports import AS_OF, shelf  # noqa: F401 (the fixture)


@pytest.fixture
def view(qtbot, runner, staff, shelf):  # noqa: F811
    clock.set_clock(lambda: datetime(AS_OF.year, AS_OF.month, AS_OF.day, 12, 0))
    widget = StockReportsView(runner, staff["storekeeper"])
    qtbot.addWidget(widget)
    widget.resize(1000, 520)
    widget.show()
    yield widget
    clock.set_clock(None)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _cells(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_the_report_runs_on_the_worker_into_a_table_per_section(qtbot, view, runner):
    assert not view.preview_button.isEnabled()  # nothing to print before the report ran
    view.months.setValue(12)
    with qtbot.waitSignal(view.report_shown, timeout=10_000):
        view.run()
        assert view.busy.isVisible() and not view.run_button.isEnabled()
    qtbot.waitUntil(lambda: not view.busy.isVisible())
    assert [(row[0], row[2]) for row in _cells(view.categories)] == [("brakes.pads", "3"), ("engine.filters", "1")]
    assert [row[3] for row in _cells(view.categories)] == ["570.00", "7.50"]
    assert [row[1] for row in _cells(view.dead)] == ["DEAD", "FILTER"]
    assert [row[1] for row in _cells(view.slow)] == ["SLOW"]
    assert [row[0] for row in _cells(view.classes)] == ["A", "B", "C"]
    assert "577.50" in view.summary.text() and "2 parts" in view.summary.text()
    assert view.preview_button.isEnabled() and view.print_button.isEnabled() and view.save_button.isEnabled()
    view.grab().save("/tmp/stock_reports_view.png")
    # six months back: DEAD sold 14 months ago, dead either way; the parameter reaches the service
    view.months.setValue(6)
    with qtbot.waitSignal(view.report_shown, timeout=10_000) as shown:
        view.run()
    assert shown.args[0].months == 6


def test_a_day_in_the_future_is_refused_and_nothing_runs(qtbot, view, runner):
    view.as_of.setDate(QDate(AS_OF.year + 1, 1, 1))
    view.run()
    assert "future" in view.message.text() and not view.busy.isVisible() and view.report is None


def test_preview_print_and_save_as_pdf(qtbot, view, runner, pdf_printers, monkeypatch, tmp_path):
    with qtbot.waitSignal(view.report_shown, timeout=10_000):
        view.run()
    qtbot.waitUntil(lambda: not view.busy.isVisible())
    with qtbot.waitSignal(view.printed, timeout=10_000) as printed:
        view.pdf("print")
    assert printed.args[0] >= 1 and pdf_printers[-1][0] == "invoice"
    assert pdf_printers[-1][1].read_bytes().startswith(b"%PDF")  # the pages are painted as pictures
    assert "printed" in view.message.text()
    qtbot.waitUntil(lambda: not view.busy.isVisible())
    target = tmp_path / "out" / "stock"
    target.parent.mkdir()
    monkeypatch.setattr(stock_reports_view.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PDF files (*.pdf)"))
    with qtbot.waitSignal(view.pdf_saved, timeout=10_000) as saved:
        view.pdf("save")
    assert saved.args[0].endswith("stock.pdf")
    text = _text((tmp_path / "out" / "stock.pdf").read_bytes(), tmp_path)
    assert "Dead stock" in text and "SLOW" in text
    qtbot.waitUntil(lambda: not view.busy.isVisible())
    with qtbot.waitSignal(view.preview_opened, timeout=10_000) as opened:
        view.pdf("preview")
    dialog = opened.args[0]
    assert dialog.isVisible() and dialog._pages.count >= 1
    dialog.close()


def test_printing_without_a_printer_says_so(qtbot, view, runner):
    with qtbot.waitSignal(view.report_shown, timeout=10_000):
        view.run()
    qtbot.waitUntil(lambda: not view.busy.isVisible())
    view.pdf("print")  # the autouse fixture: no printer installed
    qtbot.waitUntil(lambda: "not printed" in view.message.text(), timeout=10_000)
    assert "No printer" in view.message.text()


def test_a_cashier_may_not_see_cost_values(qtbot, runner, staff):
    widget = StockReportsView(runner, staff["cashier"])
    qtbot.addWidget(widget)
    assert not widget.run_button.isEnabled() and not widget.save_button.isEnabled()
    assert "cost" in widget.message.text()
    widget.run()
    assert widget.report is None and not widget.busy.isVisible()
