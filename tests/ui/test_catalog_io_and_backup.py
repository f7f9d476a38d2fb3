from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from partsdesk.models import Part
from partsdesk.models import db as db_module
from partsdesk.services import catalog
from partsdesk.ui.catalog_io_dialogs import ImportDialog
from partsdesk.ui.main_window import MainWindow, window_settings

CSV = (
    "number,brand,name_en,category,price_retail\n"
    "W 712/75,Mann,Oil filter,engine.filters,45.50\n"
    "BD-1100,ATE,Brake disc,brakes.discs,-3\n"
    "GDB1502,TRW,Brake pads,brakes.pads,234.00\n"
)


def test_import_shows_the_dry_run_problems_then_imports_the_valid_rows(qtbot, runner, admin, tmp_path):
    path = tmp_path / "parts.csv"
    path.write_text(CSV, encoding="utf-8")
    dialog = ImportDialog(runner, admin)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.checked, timeout=10000) as checked:
        dialog.start(path)
    report = checked.args[0]
    assert report.dry_run and report.invalid == 1
    assert Part.select().count() == 0  # the dry run wrote nothing
    assert dialog.isVisible()
    assert dialog.problems.rowCount() == 1
    assert dialog.problems.item(0, 0).text() == "3"  # the spreadsheet's row number
    assert "negative" in dialog.problems.item(0, 2).text()
    assert not dialog.import_button.isVisible()  # not every row is valid ...
    assert dialog.import_valid_button.isVisible()  # ... but the valid ones can go in
    with qtbot.waitSignal(dialog.imported, timeout=10000) as imported:
        dialog.import_valid_button.click()
    assert imported.args[0].created == 2
    assert sorted(number for (number,) in Part.select(Part.number).tuples()) == ["GDB1502", "W 712/75"]


@pytest.fixture
def window(qtbot, runner, admin, db_url, tmp_path):
    if db_module.is_postgres_url(db_url):
        pytest.skip("backups from the window are for a SQLite shop file (PostgreSQL: pg_dump)")
    main = MainWindow(runner, admin, url=db_url, settings=window_settings(tmp_path / "config"), auto_backups=False)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.backup_label.text() == "Last backup: never", timeout=5000)
    return main


def test_back_up_now_writes_a_backup_and_shows_its_time(qtbot, window):
    with qtbot.waitSignal(window.backup_finished, timeout=20000) as finished:
        window.backup_action.trigger()
    made = Path(finished.args[0])
    assert made.is_file() and "-manual-" in made.name
    qtbot.waitUntil(lambda: window.backup_label.text() != "Last backup: never", timeout=5000)
    window._closing_backup_done = True


def test_restore_puts_the_backup_back_and_asks_for_a_new_log_in(qtbot, window, admin, monkeypatch):
    with qtbot.waitSignal(window.backup_finished, timeout=20000) as finished:
        window.backup_action.trigger()
    backup_file = finished.args[0]
    catalog.save_part(admin, None, {"number": "LATE-1", "brand": "Bosch", "name_en": "Made after the backup",
                                    "category": "engine.filters", "price_retail": "9.00"},
                      barcodes=[], numbers=[], fitments=[])
    assert Part.select().count() == 1
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (backup_file, ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: window.restart_requested, timeout=20000)
    assert "log in again" in told[0]
    assert not window.isVisible()
    assert Part.select().count() == 0  # the part made after the backup is gone
