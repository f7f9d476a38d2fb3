"""Catalogue import and export from the Catalog menu.

Import is two steps: a dry run (nothing written) shows the counts and every problem (row,
column, message); then "Import" — or "Import valid rows only" when some rows are bad — writes
in one transaction. Both steps run on the worker with a progress dialog and can be cancelled
(the service rolls everything back). Export writes a CSV the import reads back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from partsdesk.domain.errors import UserError
from partsdesk.domain.permissions import Actor
from partsdesk.ui.tasks import TaskRunner

PROBLEMS_SHOWN = 2000  # a table of more would not be read; the counts say how many there are


def _documents_dir() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


class ImportDialog(QDialog):
    """Shows the dry run's report and offers the real import."""

    imported = Signal(object)  # the ImportReport of the real import
    checked = Signal(object)  # the ImportReport of the dry run (tests wait on it)

    def __init__(self, runner: TaskRunner, actor: Actor, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.path: Path | None = None
        self.report: Any = None
        self.setWindowTitle(self.tr("Import parts"))

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.problems = QTableWidget(0, 3)
        self.problems.setHorizontalHeaderLabels([self.tr("Row"), self.tr("Column"), self.tr("Problem")])
        self.problems.verticalHeader().setVisible(False)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.problems.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problems.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton(self.tr("Import (Enter)"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(lambda: self.run_import(skip_invalid=False))
        self.import_valid_button = QPushButton(self.tr("Import valid rows only"))
        self.import_valid_button.clicked.connect(lambda: self.run_import(skip_invalid=True))
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.import_valid_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("Close (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.buttons)
        self.resize(820, 480)

    def start(self, path: Path | None = None) -> None:
        """Ask for the file (unless given), then check it (dry run) and show what it would do."""
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self.parentWidget(), self.tr("Import parts"), _documents_dir(),
                self.tr("Spreadsheets (*.csv *.xlsx);;All files (*)"))
            if not name:
                self.deleteLater()
                return
            path = Path(name)
        self.path = path
        from partsdesk.services import catalog_io

        self.runner.run_with_progress(
            self.parentWidget() or self, catalog_io.import_parts, self.actor, path, title=self.tr("Import parts"),
            label=self.tr("Checking {file}…").format(file=path.name), cancellable=True, dry_run=True,
            on_done=self._checked)

    def _checked(self, report: Any) -> None:
        self.report = report
        self._show_report(report)
        valid_rows = report.created + report.updated
        self.import_button.setVisible(report.ok and valid_rows > 0)
        self.import_valid_button.setVisible(not report.fatal and bool(report.problems) and valid_rows > 0)
        if report.fatal or valid_rows == 0:
            self.summary.setText(self.summary.text() + "\n" + self.tr("There is nothing to import."))
        self.show()
        self.checked.emit(report)

    def _show_report(self, report: Any) -> None:
        self.summary.setText(report.describe())
        shown = report.problems[:PROBLEMS_SHOWN]
        self.problems.setRowCount(len(shown))
        for row, problem in enumerate(shown):
            for column, value in enumerate((str(problem.row), problem.column, problem.message)):
                self.problems.setItem(row, column, QTableWidgetItem(value))
        self.problems.setVisible(bool(shown))
        if len(report.problems) > len(shown):
            self.summary.setText(self.summary.text() + "\n" + self.tr("The first {shown} of {count} problems are "
                                 "listed.").format(shown=len(shown), count=len(report.problems)))

    def run_import(self, *, skip_invalid: bool) -> None:
        if self.path is None:
            return
        from partsdesk.services import catalog_io

        self.import_button.setEnabled(False)
        self.import_valid_button.setEnabled(False)

        def done(report: Any) -> None:
            self._show_report(report)
            self.import_button.setVisible(False)
            self.import_valid_button.setVisible(False)
            self.imported.emit(report)

        def refused(error: UserError) -> None:
            self.summary.setText(str(error))
            self.import_button.setEnabled(True)
            self.import_valid_button.setEnabled(True)

        self.runner.run_with_progress(
            self, catalog_io.import_parts, self.actor, self.path, title=self.tr("Import parts"),
            label=self.tr("Importing {file}…").format(file=self.path.name), cancellable=True,
            skip_invalid=skip_invalid, on_done=done, on_error=refused)


def export_parts(parent: QWidget, runner: TaskRunner, actor: Actor, path: Path | None = None) -> None:
    """Ask where to write, then export the active parts as CSV on the worker."""
    from PySide6.QtCore import QCoreApplication

    def tr(text: str) -> str:
        return QCoreApplication.translate("Export", text)

    if path is None:
        name, _ = QFileDialog.getSaveFileName(parent, tr("Export parts"), str(Path(_documents_dir()) / "parts.csv"),
                                              tr("CSV files (*.csv)"))
        if not name:
            return
        path = Path(name)
    from partsdesk.services import catalog_io

    def done(count: int) -> None:
        QMessageBox.information(parent, tr("Export parts"),
                                tr("{count} parts were written to\n{file}").format(count=f"{count:,}", file=path))

    runner.run_with_progress(parent, catalog_io.export_parts, actor, path, title=tr("Export parts"),
                             label=tr("Writing {file}…").format(file=path.name), cancellable=False, on_done=done)
