"""The main window: tabs, menus, the status bar, automatic backups, window state.

Window geometry and table headers live in a QSettings INI file in this PC's config folder
(``window.ini``), apart from the shop's settings in the database. Automatic backups (SQLite
only) run on the worker: daily (at start, then checked every hour; ``auto_backup`` decides if
one is due) and when the window closes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from partsdesk import i18n
from partsdesk.domain.permissions import Actor
from partsdesk.models import db as db_module
from partsdesk.ui.catalog_tab import CatalogTab
from partsdesk.ui.counter_tab import CounterTab
from partsdesk.ui.customers_tab import CustomersTab
from partsdesk.ui.i18n import shop_language
from partsdesk.ui.part_table import SearchFunction
from partsdesk.ui.scanner import ScannerFilter
from partsdesk.ui.stock_tab import StockTab
from partsdesk.ui.tasks import TaskRunner
from partsdesk.ui.window_state import window_settings
from partsdesk.ui.workshop_tab import WorkshopTab

__all__ = ["MainWindow", "window_settings"]

DAILY_CHECK_MS = 60 * 60 * 1000
FIRST_DAILY_CHECK_MS = 20 * 1000  # leave the first seconds to the user's first searches


class MainWindow(QMainWindow):
    backup_finished = Signal(str)  # the backup file, or "" when none was made (tests wait on it)
    upkeep_finished = Signal(object)  # the DailyRun, or None when another terminal ran it today

    def __init__(self, runner: TaskRunner, actor: Actor, *, url: str, settings: QSettings,
                 auto_backups: bool = True, terminal_settings_file: Path | None = None,
                 search: SearchFunction | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.url = url
        self.settings = settings
        self.auto_backups = auto_backups and not db_module.is_postgres_url(url)
        self.terminal_settings_file = terminal_settings_file
        self.login_dialog = None  # the switch-user or lock dialog while it is open
        self.keys_dialog = None  # F1's list of keys while it is open
        self.settings_dialog = None  # Settings… (Ctrl+,) or Users and roles while one is open
        self._locking = False
        self.restart_requested = False  # after a restore: run_gui shows the log-in again
        self.reopen_for: Actor | None = None  # the language changed: run_gui opens the window again for them
        self._closing_backup_done = not self.auto_backups
        self.setWindowTitle(self.tr("PartsDesk"))

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # One scanner layer for the window: the tab that owns scans (the counter) gets every scan.
        self.scanner = ScannerFilter(self, settings_file=terminal_settings_file)  # this PC's scanner.* settings
        self.scanner.install()
        self.counter = CounterTab(runner, actor, scanner=self.scanner)
        self.tabs.addTab(self.counter, self.tr("Coun&ter"))
        self.catalog = CatalogTab(runner, actor, search=search)
        self.catalog.removeAction(self.catalog.find_action)  # the window's own Find takes Ctrl+F and F2
        self.tabs.addTab(self.catalog, self.tr("&Catalog"))
        self.stock = StockTab(runner, actor, scanner=self.scanner)
        self.stock.badge_changed.connect(self._stock_badge)
        self.tabs.addTab(self.stock, self.tr("Stoc&k"))
        self.workshop = WorkshopTab(runner, actor, scanner=self.scanner)
        self.tabs.addTab(self.workshop, self.tr("Works&hop"))
        self.customers = CustomersTab(runner, actor)
        self.customers.parts_search_requested.connect(self.find_parts_for_vehicle)
        self.tabs.addTab(self.customers, self.tr("Cu&stomers"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)

        self.user_label = QLabel()
        self.db_label = QLabel()
        self.backup_label = QLabel()
        for label in (self.user_label, self.db_label, self.backup_label):
            label.setContentsMargins(6, 0, 6, 0)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.backup_label)
        self.db_label.setText(self.tr("Database: {name}").format(name=db_module.describe()))
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._build_menus()
        self._tab_changed(self.tabs.currentIndex())
        self.set_actor(actor)
        self._restore_state()
        self.refresh_last_backup()

        self._daily_timer = QTimer(self)
        self._daily_timer.setInterval(DAILY_CHECK_MS)
        self._daily_timer.timeout.connect(self.daily_backup)
        self._daily_timer.timeout.connect(self.daily_upkeep)
        if self.auto_backups:
            QTimer.singleShot(FIRST_DAILY_CHECK_MS, self, self.daily_backup)
        QTimer.singleShot(FIRST_DAILY_CHECK_MS, self, self.daily_upkeep)
        self._daily_timer.start()
        self.catalog.start()
        self.counter.start()
        self.stock.refresh_badge()

    # --- menus ------------------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.backup_action = self._action(self.tr("&Back up now"), self.back_up_now, "Ctrl+B")
        self.restore_action = self._action(self.tr("&Restore a backup…"), self.restore)
        self.quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        for action in (self.backup_action, self.restore_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        self.settings_action = self._action(self.tr("Se&ttings…"), self.open_settings, "Ctrl+,")
        self.users_action = self._action(self.tr("&Users and roles…"), self.open_users, "Ctrl+Shift+U")
        file_menu.addAction(self.settings_action)
        file_menu.addAction(self.users_action)
        self.scanner_setup_action = self._action(self.tr("S&canner set-up…"), self.open_scanner_setup)
        file_menu.addAction(self.scanner_setup_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        user_menu = bar.addMenu(self.tr("&User"))
        self.switch_action = self._action(self.tr("&Switch user…"), self.switch_user, "Ctrl+L")
        self.lock_action = self._action(self.tr("&Lock the screen"), self.lock_screen, "Ctrl+Shift+L")
        user_menu.addAction(self.switch_action)
        user_menu.addAction(self.lock_action)

        catalog_menu = bar.addMenu(self.tr("C&atalog"))
        self.new_part_action = self._action(self.tr("&New part"), self.new_part, QKeySequence.StandardKey.New)
        self.import_action = self._action(self.tr("&Import parts…"), self.catalog.import_parts, "Ctrl+I")
        self.export_action = self._action(self.tr("&Export parts…"), self.catalog.export_parts, "Ctrl+E")
        self.find_action = self._action(self.tr("&Find a part"), self.find_part, QKeySequence.StandardKey.Find)
        self.find_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Find), QKeySequence("F2")])
        for action in (self.find_action, self.new_part_action, self.import_action, self.export_action):
            catalog_menu.addAction(action)

        help_menu = bar.addMenu(self.tr("&Help"))
        self.keys_action = self._action(self.tr("&Keys of this tab"), self.show_keys, "F1")
        help_menu.addAction(self.keys_action)

    def set_actor(self, actor: Actor) -> None:
        """Who is at the keyboard now: the status bar and what the menus offer follow."""
        self.actor = actor
        self.catalog.set_actor(actor)
        self.customers.set_actor(actor)
        self.counter.set_actor(actor)
        self.stock.set_actor(actor)
        self.workshop.set_actor(actor)
        self.tabs.setTabVisible(self.tabs.indexOf(self.stock), actor.can("catalog.view"))
        self.tabs.setTabVisible(self.tabs.indexOf(self.workshop), actor.can("workshop.view"))
        self.tabs.setTabVisible(self.tabs.indexOf(self.counter), actor.can("counter.sell"))
        self.user_label.setText(self.tr("{name} ({role})").format(name=actor.display_name, role=self.tr(_role_label(actor))))
        self.restore_action.setVisible(actor.can("backup.restore") and not db_module.is_postgres_url(self.url))
        self.backup_action.setVisible(actor.can("backup.run") and not db_module.is_postgres_url(self.url))
        self.new_part_action.setVisible(actor.can("catalog.edit"))
        self.import_action.setVisible(actor.can("catalog.import"))
        self.export_action.setVisible(actor.can("catalog.export"))
        self.settings_action.setVisible(actor.can("settings.edit"))
        self.settings_action.setEnabled(actor.can("settings.edit"))  # a hidden action's key still fires
        self.users_action.setVisible(actor.can("users.manage"))
        self.users_action.setEnabled(actor.can("users.manage"))
        self.scanner_setup_action.setVisible(actor.can("settings.edit"))
        self.scanner_setup_action.setEnabled(actor.can("settings.edit"))

    def _tab_changed(self, _index: int) -> None:
        # F2 finds a part in the catalogue, except at the counter, where F2 adds the part to the cart.
        keys = [QKeySequence(QKeySequence.StandardKey.Find)]
        if self.tabs.currentWidget() is not self.counter:
            keys.append(QKeySequence("F2"))
        self.find_action.setShortcuts(keys)
        # The catalogue's own keys work on its tab only: elsewhere Ctrl+N, Ctrl+I and Ctrl+E are the views'
        # (a new count, a check-in, a booking, a reminder; sending an order), and a key two shortcuts claim
        # would do nothing at all.
        on_catalog = self.tabs.currentWidget() is self.catalog
        for action, key in ((self.new_part_action, QKeySequence(QKeySequence.StandardKey.New)),
                            (self.import_action, QKeySequence("Ctrl+I")), (self.export_action, QKeySequence("Ctrl+E"))):
            action.setShortcut(key if on_catalog else QKeySequence())
        if self.tabs.currentWidget() is self.customers:
            if not self.customers.model.shown_generation:
                self.customers.start()  # the first visit: browse the customers
            self.customers.focus_search()
        if self.tabs.currentWidget() is self.workshop and not self.workshop.started:
            self.workshop.start()  # the first visit: the board
        if self.tabs.currentWidget() is self.stock and not self.stock.list_view.model.shown_generation:
            self.stock.list_view.search_now()  # the first visit: the stock list's first page

    def _stock_badge(self, low: int) -> None:
        """The number of parts below their minimum on the Stock tab (none: no number)."""
        index = self.tabs.indexOf(self.stock)
        self.tabs.setTabText(index, self.tr("Stoc&k ({low})").format(low=f"{low:,}") if low else self.tr("Stoc&k"))
        self.tabs.setTabToolTip(index, self.tr("{low} part(s) below their minimum stock").format(low=f"{low:,}")
                                if low else "")

    def show_keys(self) -> None:
        """F1: the keys of the current tab, read from its live widgets (ui.help_dialog)."""
        from partsdesk.ui.help_dialog import KeysDialog, collect_keys, tab_name

        if self.keys_dialog is not None:
            self.keys_dialog.close()
        index = self.tabs.currentIndex()
        title = tab_name(self.tabs.tabText(index))
        dialog = KeysDialog(title, collect_keys(self, self.tabs.widget(index), tab_title=title), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._keys_closed)
        self.keys_dialog = dialog
        dialog.show()
        dialog.activateWindow()  # Esc closes it at once (the tab's own Esc must not take it)

    def _keys_closed(self, _result: int) -> None:
        """Back to the tab, its keys working at once."""
        self.keys_dialog = None
        self.activateWindow()

    def find_part(self) -> None:
        self.tabs.setCurrentWidget(self.catalog)
        self.catalog.focus_search()

    def find_parts_for_vehicle(self, text: str) -> None:
        """The Catalog tab, searched for a customer's car ("golf 2015")."""
        self.tabs.setCurrentWidget(self.catalog)
        self.catalog.search_box.setText(text + " ")
        self.catalog.search_now()
        self.catalog.search_box.setFocus()
        self.catalog.search_box.end(False)  # the cashier types on: "brake pad"

    def new_part(self) -> None:
        self.tabs.setCurrentWidget(self.catalog)
        self.catalog.new_part()

    # --- users ------------------------------------------------------------------------------

    def open_settings(self) -> None:
        """Ctrl+,: the shop's and this PC's settings (ui.settings_dialog; managers and admins)."""
        from partsdesk.ui.settings_dialog import SettingsDialog

        if self.actor.can("settings.edit"):
            dialog = SettingsDialog(self.runner, self.actor, settings_file=self.terminal_settings_file, parent=self)
            dialog.saved.connect(self._settings_saved)
            self._open_admin_dialog(dialog)

    def _settings_saved(self, names: list) -> None:
        if any(name.startswith("scanner.") for name in names):
            self.scanner.apply_settings(self.terminal_settings_file)  # the scanner layer follows at once
        language = shop_language(self.terminal_settings_file)
        if language != i18n.language():
            self.reopen_in(language)

    def reopen_in(self, language: str) -> None:
        """The window made again in ``language`` for the same user (run_gui opens it once this one
        has closed): every text of every tab is made anew by the new catalogue. Not over a sale
        being rung up: that waits until the sale is finished or parked."""
        name = i18n.LANGUAGES.get(language, language)
        if self.counter.lines:
            QMessageBox.information(self, self.tr("Language"), self.tr(
                "The language is saved: PartsDesk opens in {language} when it is started again. The window "
                "stays as it is while a sale is on the counter.").format(
                language=name))
            return
        answer = QMessageBox.question(
            self, self.tr("Language"),
            self.tr("Open the window again in {language} now? Counts, orders and everything saved stay as "
                    "they are.").format(language=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            self.reopen_for = self.actor
            self.close()

    def open_scanner_setup(self) -> None:
        """File ▸ Scanner set-up…: measure this PC's scanner on the test sheet (ui.scanner_setup);
        what it saves applies to the window's scanner layer at once."""
        from partsdesk.ui.scanner_setup import ScannerSetupDialog

        if self.actor.can("settings.edit"):
            dialog = ScannerSetupDialog(self.runner, self.actor, settings_file=self.terminal_settings_file, parent=self)
            # a method, not a lambda: a lambda on a signal of a dialog deleted on close crashed PySide
            dialog.saved.connect(self._scanner_settings_saved)
            self._open_admin_dialog(dialog)

    def _scanner_settings_saved(self, _values: dict) -> None:
        self.scanner.apply_settings(self.terminal_settings_file)

    def open_users(self) -> None:
        """Ctrl+Shift+U: users and roles (ui.users_dialog; administrators)."""
        from partsdesk.ui.users_dialog import UsersDialog

        if self.actor.can("users.manage"):
            self._open_admin_dialog(UsersDialog(self.runner, self.actor, parent=self))

    def _open_admin_dialog(self, dialog) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.close()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._admin_dialog_closed)
        self.settings_dialog = dialog
        dialog.open()

    def _admin_dialog_closed(self, _result: int) -> None:
        self.settings_dialog = None

    def switch_user(self) -> None:
        self._ask_user(lock=False)

    def lock_screen(self) -> None:
        self._ask_user(lock=True)

    def _ask_user(self, *, lock: bool) -> None:
        if self.login_dialog is not None:
            return
        from partsdesk.services import users

        self._locking = lock
        self.runner.submit(users.list_users, owner=self, name="list_users", on_done=self._show_user_dialog)

    def _show_user_dialog(self, rows: list) -> None:
        from partsdesk.ui.login import MODE_LOCK, MODE_SWITCH, LoginDialog

        dialog = LoginDialog(self.runner, rows, mode=MODE_LOCK if self._locking else MODE_SWITCH,
                             preselect=self.actor.username, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.login_dialog = dialog
        if self._locking:
            self.tabs.setVisible(False)
        dialog.finished.connect(self._user_dialog_closed)
        dialog.open()

    def _user_dialog_closed(self, _result: int) -> None:
        dialog, self.login_dialog = self.login_dialog, None
        self.tabs.setVisible(True)
        if dialog is not None and dialog.actor is not None:
            self.set_actor(dialog.actor)
        self.catalog.focus_search()

    # --- backups ------------------------------------------------------------------------------

    def refresh_last_backup(self) -> None:
        if db_module.is_postgres_url(self.url):
            self.backup_label.setText(self.tr("Backups: by the PostgreSQL server (pg_dump)"))
            return
        from partsdesk.services import backup

        self.runner.submit(backup.last_backup_time, self.url, owner=self, name="last_backup_time",
                           on_done=self._show_last_backup, on_error=lambda _e: None)

    def _show_last_backup(self, when: datetime | None) -> None:
        if when is None:
            text = self.tr("never")
        else:
            local = when.replace(tzinfo=UTC).astimezone()
            text = local.strftime("%Y-%m-%d %H:%M")
        self.backup_label.setText(self.tr("Last backup: {when}").format(when=text))

    def back_up_now(self) -> None:
        from partsdesk.services import backup

        def done(path: Path) -> None:
            self.refresh_last_backup()
            self.statusBar().showMessage(self.tr("Backup written and checked: {file}").format(file=path), 10_000)
            self.backup_finished.emit(str(path))

        self.runner.run_with_progress(self, backup.make_backup, self.url, title=self.tr("Backup"),
                                      label=self.tr("Writing and checking a backup of the shop database…"),
                                      cancellable=False, kind="manual", actor=self.actor, on_done=done)

    def daily_backup(self) -> None:
        if not self.auto_backups:
            return
        from partsdesk.services import backup

        def done(path: Path | None) -> None:
            if path is not None:
                self.refresh_last_backup()
            self.backup_finished.emit(str(path or ""))

        self.runner.submit(backup.auto_backup, self.url, owner=self, name="daily_backup", reason="daily",
                           settings_file=self.terminal_settings_file, on_done=done,
                           on_error=self._auto_backup_failed)

    def daily_upkeep(self) -> None:
        """Once a shop day: expire points, refresh the customers' classes (services.housekeeping)."""
        from partsdesk.services import housekeeping
        from partsdesk.services.clock import shop_today

        self.runner.submit(housekeeping.daily, today=shop_today(), owner=self, name="daily_upkeep",
                           on_done=lambda run: self.upkeep_finished.emit(run),
                           on_error=lambda error: self.statusBar().showMessage(
                               self.tr("The daily upkeep of the customer file failed: {error}").format(error=error),
                               30_000))

    def _auto_backup_failed(self, error: Exception) -> None:
        self.statusBar().showMessage(self.tr("The automatic backup failed: {error}").format(error=error), 30_000)
        self.backup_label.setStyleSheet("color: #c62828")

    def restore(self) -> None:
        from partsdesk.services import backup
        from partsdesk.services.shop import backup_dir_for

        folder = backup_dir_for(self.url)
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Restore a backup"), str(folder or ""),
                                              self.tr("Backups (*.sqlite *.db);;All files (*)"))
        if not name:
            return
        answer = QMessageBox.question(
            self, self.tr("Restore a backup"),
            self.tr("Replace the shop database with the backup\n{file}?\n\nEverything entered after that backup "
                    "will be gone from the shop database (the current file is kept as a copy in the backup "
                    "folder). Other terminals must close PartsDesk first. After the restore, everyone logs in "
                    "again.").format(file=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return

        from partsdesk.models import database

        database.close()  # the GUI thread's connection; the worker closes its own in restore_backup

        def done(kept: Path | None) -> None:
            where = str(kept) if kept else self.tr("(there was no file to keep)")
            QMessageBox.information(self, self.tr("Restore a backup"),
                                    self.tr("The backup was restored. The replaced database was kept as\n{kept}\n\n"
                                            "Please log in again.").format(kept=where))
            self.restart_requested = True
            self._closing_backup_done = True  # do not back up the file we just restored over
            self.close()

        self.runner.run_with_progress(self, backup.restore_backup, self.url, Path(name), title=self.tr("Restore"),
                                      label=self.tr("Checking and restoring the backup…"), cancellable=False,
                                      actor=self.actor, reason="restore from the window", on_done=done)

    # --- state and closing ------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.value("main/geometry")
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 720)
        state = self.settings.value("main/state")
        if state:
            self.restoreState(state)
        self.catalog.restore_state(self.settings)

    def save_state(self) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())
        self.catalog.save_state(self.settings)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing_backup_done:
            # Back up first (on the worker, with progress), then close for real.
            event.ignore()
            self._closing_backup_done = True
            from partsdesk.services import backup

            self.runner.run_with_progress(
                self, backup.auto_backup, self.url, title=self.tr("Closing"),
                label=self.tr("Backing up the shop database before closing…"), cancellable=False, reason="close",
                settings_file=self.terminal_settings_file, on_done=lambda _path: self.close(),
                on_error=self._close_backup_failed)
            return
        self._daily_timer.stop()
        self.scanner.remove()
        self.save_state()
        super().closeEvent(event)

    def _close_backup_failed(self, error: Exception) -> None:
        answer = QMessageBox.warning(
            self, self.tr("Backup failed"),
            self.tr("The backup made when closing failed:\n{error}\n\nClose anyway?").format(error=error),
            QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Close:
            self.close()
        else:
            self._closing_backup_done = False


def _role_label(actor: Actor) -> str:
    from partsdesk.domain.permissions import ROLE_LABELS

    return ROLE_LABELS.get(actor.role, actor.role)
