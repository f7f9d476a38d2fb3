"""The window's composition root: paths, logging, the database (backed up and migrated), the
QApplication, the first administrator, the log-in, the main window.

Start-up speed matters (the log-in must show within 2 s on a shop PC): only what the log-in
needs is imported before it; the main window, the search, printing and import/export load
after. No traceback ever reaches the user: errors opening the database are shown in a
message box (exit 1), anything unexpected later is logged and shown as a dialog.

Benchmark hooks (used by ``partsdesk bench``, which spawns ``python -m partsdesk --db FILE``):

- ``PARTSDESK_BENCH_STARTUP=1``: as soon as the log-in dialog (or, on a shop never set up, the
  first-run wizard; on a named shop without users, the first-administrator dialog) has painted,
  print ``login-window-shown`` on stdout and exit 0.
- ``PARTSDESK_BENCH_RSS=1`` with ``PARTSDESK_BENCH_USER``, ``PARTSDESK_BENCH_SECRET`` and
  ``PARTSDESK_BENCH_QUERY``: log in without a dialog, open the main window, search the catalogue
  for the query, and once its results are in the table print ``rss-mb <float>`` and exit 0
  (exit 1 with a message on stderr if the log-in or the search fails). No automatic backups run.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from partsdesk.config import APP_NAME, Paths

log = logging.getLogger("partsdesk")


def _setup_logging(paths: Paths) -> Path | None:
    from logging.handlers import RotatingFileHandler

    folder = paths.data_dir / "logs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(folder / "partsdesk.log", maxBytes=2_000_000, backupCount=3,
                                                       encoding="utf-8")
        target: Path | None = folder / "partsdesk.log"
    except OSError:
        handler, target = logging.StreamHandler(sys.stderr), None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return target


def _install_excepthook() -> None:
    """Any exception that escapes a slot: log it with its traceback, show the user a sentence."""

    def hook(kind: type[BaseException], error: BaseException, tb: Any) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        from partsdesk.domain.errors import UserError
        from partsdesk.ui.tasks import show_unexpected_error, show_user_error

        if isinstance(error, UserError):
            show_user_error(None, error)
            return
        log.error("unhandled exception", exc_info=(kind, error, tb))
        try:
            show_unexpected_error(None, error.with_traceback(tb))
        except Exception:
            pass

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        log.error("unhandled exception in thread %s", args.thread.name if args.thread else "?",
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    sys.excepthook = hook
    threading.excepthook = thread_hook


def _safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    parts = urlparse(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def _bench_env() -> dict[str, str]:
    return {key: os.environ.get(f"PARTSDESK_BENCH_{key}", "") for key in ("STARTUP", "RSS", "USER", "SECRET",
                                                                         "QUERY")}


def run_gui(db_url: str | None) -> int:
    """Open the window on ``db_url`` (default: the shop file in the user data folder).
    Returns the process exit code."""
    bench = _bench_env()
    paths = Paths.for_user()
    _setup_logging(paths)

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(APP_NAME)
    app.setStyle("Fusion")
    _install_excepthook()
    import PySide6

    if PySide6.__version_info__[:3] == (6, 12, 0):
        # 6.12.0 loses references to None/True/False in QVariant and bool-signal conversions,
        # which ends in a crash after a while (see the notes of the UI foundation).
        log.warning("PySide6 6.12.0 has reference-count bugs; use 6.11.x")

    from peewee import PeeweeException

    from partsdesk.domain.errors import UserError
    from partsdesk.models.migrations import SchemaTooNew
    from partsdesk.services.shop import open_shop, resolve_url

    def tr(text: str) -> str:
        return QCoreApplication.translate("App", text)

    url = resolve_url(db_url, paths)

    def open_database() -> bool:
        try:
            _db, backup = open_shop(url)
        except (UserError, SchemaTooNew) as error:
            message = str(error)
        except (PeeweeException, OSError) as error:
            log.error("cannot open %s", _safe_url(url), exc_info=True)
            message = tr("Could not open the shop database {url}:\n{error}\n\nCheck that the file or the "
                         "PostgreSQL server is there and reachable, then start PartsDesk again.").format(
                url=_safe_url(url), error=error)
        else:
            if backup:
                log.info("backed up %s before upgrading it: %s", _safe_url(url), backup)
            return True
        if bench["STARTUP"] or bench["RSS"]:
            print(f"partsdesk: {message}", file=sys.stderr)
        else:
            QMessageBox.critical(None, tr("PartsDesk cannot start"), message)
        return False

    if not open_database():
        return 1

    from partsdesk.ui.tasks import TaskRunner

    runner = TaskRunner()
    try:
        if bench["RSS"]:
            return _bench_rss(app, runner, url, paths, bench)
        actor = None
        while True:
            code = _session(app, runner, url, paths, bench_startup=bool(bench["STARTUP"]), actor=actor)
            if isinstance(code, int):
                return code
            actor = code  # the same user again in a new language, or None: log in again
            if actor is None and not open_database():  # a restore replaced the file: open it again
                return 1
    finally:
        runner.shutdown()
        from partsdesk.models import database

        if database.obj is not None:
            database.obj.close()


def _session(app: Any, runner: Any, url: str, paths: Paths, *, bench_startup: bool,
             actor: Any = None) -> int | Any:
    """The first-run wizard or the first administrator if needed, log-in (unless ``actor`` is
    already logged in), main window, in this PC's language. The exit code; or the actor to open the
    window again for (its language changed), or None to log in again."""
    from PySide6.QtWidgets import QDialog

    from partsdesk.ui.i18n import apply_language, shop_language

    apply_language(shop_language(paths.settings_file))
    if actor is not None:
        return _main_window(app, runner, actor, url, paths)

    from partsdesk.services import first_run, users
    from partsdesk.services import settings as shop_settings
    from partsdesk.ui.login import FirstAdminDialog, LoginDialog
    from partsdesk.ui.window_state import window_settings

    window_state = window_settings(paths.config_dir)
    bench_done = False

    def bench_hook(dialog: QDialog) -> None:
        def shown() -> None:
            nonlocal bench_done
            print("login-window-shown", flush=True)
            bench_done = True
            dialog.reject()

        dialog.first_shown.connect(shown)

    preselect = str(window_state.value("login/last_user", ""))
    if first_run.needs_setup():  # no user and no shop name: a new shop, set up by the wizard (or the demo)
        from partsdesk.ui.first_run import FirstRunWizard

        while True:
            wizard = FirstRunWizard(runner, url=url, data_dir=paths.data_dir)
            if bench_startup:
                bench_hook(wizard)
            accepted = wizard.exec() == QDialog.DialogCode.Accepted
            if not wizard.switch_to or bench_done:
                break
            apply_language(wizard.switch_to)  # the wizard again, in the language chosen on its first page
        if not accepted or not wizard.login_user or bench_done:
            return 0
        preselect = wizard.login_user
    elif users.count_users() == 0:  # a named shop whose users are gone: only its administrator is missing
        first = FirstAdminDialog(runner)
        if bench_startup:
            bench_hook(first)
        if first.exec() != QDialog.DialogCode.Accepted or first.created is None or bench_done:
            return 0
        preselect = first.created.username

    login = LoginDialog(runner, users.list_users(), shop_name=shop_settings.get("shop.name"), preselect=preselect)
    if bench_startup:
        bench_hook(login)
    accepted = login.exec() == QDialog.DialogCode.Accepted
    if bench_done:
        return 0
    if not accepted or login.actor is None:
        return 0
    window_state.setValue("login/last_user", login.actor.username)
    return _main_window(app, runner, login.actor, url, paths)


def _main_window(app: Any, runner: Any, actor: Any, url: str, paths: Paths) -> int | Any:
    from partsdesk.ui.main_window import MainWindow
    from partsdesk.ui.window_state import window_settings

    window = MainWindow(runner, actor, url=url, settings=window_settings(paths.config_dir),
                        terminal_settings_file=paths.settings_file)
    window.show()
    code = app.exec()
    window.deleteLater()
    if window.reopen_for is not None:
        return window.reopen_for
    if window.restart_requested:
        return None
    return code


def _bench_rss(app: Any, runner: Any, url: str, paths: Paths, bench: dict[str, str]) -> int:
    """Log in, open the window, search, print the resident memory once the results are shown."""
    import tempfile

    import psutil
    from PySide6.QtCore import QTimer

    from partsdesk.services import users
    from partsdesk.ui.main_window import MainWindow
    from partsdesk.ui.window_state import window_settings

    try:
        actor = users.log_in(bench["USER"], bench["SECRET"])
    except Exception as error:
        print(f"partsdesk: bench log-in failed: {error}", file=sys.stderr)
        return 1
    # A throw-away settings folder: the bench must not change this PC's window state.
    settings = window_settings(Path(tempfile.mkdtemp(prefix="partsdesk-bench-")))
    window = MainWindow(runner, actor, url=url, settings=settings, auto_backups=False)
    window.show()
    tab = window.catalog
    result: dict[str, int] = {"code": 1}

    def shown(generation: int) -> None:
        if generation != wanted["generation"]:
            return
        QTimer.singleShot(0, report)  # let the table paint its rows first

    def report() -> None:
        app.processEvents()
        print(f"rss-mb {psutil.Process().memory_info().rss / 2**20:.1f}", flush=True)
        result["code"] = 0
        app.exit(0)

    def failed(message: str) -> None:
        print(f"partsdesk: bench search failed: {message}", file=sys.stderr)
        app.exit(1)

    tab.model.results_shown.connect(shown)
    tab.model.search_failed.connect(failed)
    tab.search_box.blockSignals(True)
    tab.search_box.setText(bench["QUERY"])
    tab.search_box.blockSignals(False)
    wanted = {"generation": tab.search_now()}
    app.exec()
    window._closing_backup_done = True
    window.close()
    return result["code"]
