"""Service calls off the GUI thread.

All database work of the window runs on one worker thread (a single-worker executor), in the
order it was asked for, so two use cases of this window never race each other. The result
comes back to the GUI thread through a Qt signal of a small bridge object; the worker never
touches Qt. Long services get a ``TaskProgress`` whose plain attributes the worker writes and a
GUI timer reads, and whose ``should_cancel`` the service polls.

peewee keeps one connection per thread, so the worker opens its own connection to the shop
database on first use (a file or a PostgreSQL server, never ``:memory:``); ``shutdown`` closes
it on the worker itself.

Errors: a ``UserError`` is the service speaking to the user, its text is shown as is; anything
else is logged with its traceback and shown as an unexpected error, never as a traceback.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from partsdesk.domain.errors import UserError

log = logging.getLogger(__name__)


class TaskCancelled(Exception):
    """Raised by ``TaskProgress.check`` when the user pressed Cancel."""


@dataclass
class TaskProgress:
    """Written by the worker, read by a GUI timer: plain attributes, no Qt, no locks needed
    (each attribute is one atomic store)."""

    done: int = 0
    total: int = 0
    text: str = ""
    cancel_requested: bool = False

    def __call__(self, done: int, total: int) -> None:
        """The ``progress(done, total)`` callback the services accept."""
        self.done = done
        self.total = total

    def should_cancel(self) -> bool:
        return self.cancel_requested

    def check(self) -> None:
        if self.cancel_requested:
            raise TaskCancelled()


@dataclass
class Task:
    """One call handed to the worker; ``future`` is done when the call returned or raised."""

    name: str
    future: Future
    progress: TaskProgress = field(default_factory=TaskProgress)

    def cancel(self) -> None:
        """Ask the service to stop (if it polls ``should_cancel``), or drop it if not started."""
        self.progress.cancel_requested = True
        self.future.cancel()


class _Bridge(QObject):
    finished = Signal(object, object, object)  # Task, result, exception (None on success)


@dataclass
class _Handlers:
    owner: QObject | None
    on_done: Callable[[Any], None] | None
    on_error: Callable[[UserError], None] | None
    on_finally: Callable[[], None] | None


class TaskRunner(QObject):
    """The window's one database worker.

    ``submit(fn, *args, on_done=..., on_error=...)`` runs ``fn`` on the worker; ``on_done(result)``
    runs later on the GUI thread. Without ``on_error`` a ``UserError`` is shown in a message box
    over ``parent``; with it, the caller shows it (e.g. inline, in red).
    """

    task_finished = Signal(str)  # the task's name, after its handlers ran (tests wait on it)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="partsdesk-db")
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._handlers: dict[int, _Handlers] = {}
        self._pending = 0
        self._closed = False

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def submit(self, fn: Callable[..., Any], *args: Any, name: str = "", owner: QObject | None = None,
               on_done: Callable[[Any], None] | None = None, on_error: Callable[[UserError], None] | None = None,
               on_finally: Callable[[], None] | None = None, task_progress: TaskProgress | None = None,
               **kwargs: Any) -> Task:
        """Queue ``fn(*args, **kwargs)``. The handlers run on the GUI thread, and only while
        ``owner`` (the widget that asked) still exists: a window closed meanwhile is not called."""
        if self._closed:
            raise RuntimeError("the task runner was shut down")
        progress = task_progress or TaskProgress()
        future: Future = Future()
        task = Task(name=name or getattr(fn, "__name__", "task"), future=future, progress=progress)
        self._handlers[id(task)] = _Handlers(owner, on_done, on_error, on_finally)
        self._pending += 1

        def work() -> None:
            if not future.set_running_or_notify_cancel():
                self._bridge.finished.emit(task, None, TaskCancelled())
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as error:  # delivered to the GUI thread, never lost
                future.set_exception(error)
                self._bridge.finished.emit(task, None, error)
            else:
                future.set_result(result)
                self._bridge.finished.emit(task, result, None)

        self._executor.submit(work)
        return task

    def _deliver(self, task: Task, result: Any, error: BaseException | None) -> None:
        handlers = self._handlers.pop(id(task), None)
        self._pending -= 1
        # After shutdown (the window is going away) a result is not shown: its handler could only
        # ask for more work that no worker would do.
        if handlers is None or self._closed or (handlers.owner is not None and not shiboken6.isValid(handlers.owner)):
            if error is not None and not isinstance(error, UserError | TaskCancelled):
                log.error("unexpected error in a task whose window is gone", exc_info=error)
            self.task_finished.emit(task.name)
            return
        try:
            if error is None:
                if handlers.on_done is not None:
                    handlers.on_done(result)
            elif isinstance(error, TaskCancelled):
                pass
            elif isinstance(error, UserError):
                if handlers.on_error is not None:
                    handlers.on_error(error)
                else:
                    show_user_error(_parent_widget(self), error)
            else:
                show_unexpected_error(_parent_widget(self), error)
        finally:
            if handlers.on_finally is not None:
                handlers.on_finally()
            self.task_finished.emit(task.name)

    def run_with_progress(self, parent: QWidget, fn: Callable[..., Any], *args: Any, title: str, label: str,
                          cancellable: bool, on_done: Callable[[Any], None] | None = None,
                          on_error: Callable[[UserError], None] | None = None, **kwargs: Any) -> Task:
        """Run ``fn(*args, progress=..., **kwargs)`` with a window-modal progress dialog polled by a timer.

        ``fn`` receives the ``TaskProgress`` as ``progress``; when ``cancellable`` it also gets
        ``should_cancel``. The dialog closes when the task finished, whatever happened.
        """
        progress = TaskProgress()
        watch = _ProgressWatch(parent, progress, title=title, label=label, cancellable=cancellable)
        call_kwargs = dict(kwargs, progress=progress)
        if cancellable:
            call_kwargs["should_cancel"] = progress.should_cancel
        return self.submit(fn, *args, name=getattr(fn, "__name__", "task"), owner=parent, on_done=on_done,
                           on_error=on_error, on_finally=watch.finish, task_progress=progress, **call_kwargs)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every task submitted so far has run (not delivered). For shutdown."""
        done = threading.Event()
        try:
            self._executor.submit(done.set)
        except RuntimeError:
            return True
        return done.wait(timeout)

    def shutdown(self) -> None:
        """Finish queued work, close the worker's database connection, stop the thread."""
        if self._closed:
            return
        self._closed = True

        def close_connection() -> None:
            from partsdesk.models import database

            if database.obj is not None:
                database.obj.close()

        self._executor.submit(close_connection)
        self._executor.shutdown(wait=True)


class _ProgressWatch(QObject):
    """The progress dialog of one task: a GUI timer copies the worker's numbers into it."""

    def __init__(self, parent: QWidget, progress: TaskProgress, *, title: str, label: str,
                 cancellable: bool) -> None:
        super().__init__(parent)
        self.progress = progress
        self.dialog = QProgressDialog(label, "", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        if cancellable:
            self.dialog.setCancelButtonText(self.tr("Cancel (Esc)"))
            self.dialog.canceled.connect(self.cancel)
        else:
            self.dialog.setCancelButton(None)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        if self.progress.total:
            self.dialog.setMaximum(self.progress.total)
            self.dialog.setValue(min(self.progress.done, self.progress.total))
        if self.progress.text:
            self.dialog.setLabelText(self.progress.text)

    def cancel(self) -> None:
        self.progress.cancel_requested = True
        self.dialog.setLabelText(self.tr("Stopping…"))

    def finish(self) -> None:
        self.timer.stop()
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        self.deleteLater()


def _parent_widget(obj: QObject) -> QWidget | None:
    while obj is not None and not isinstance(obj, QWidget):
        obj = obj.parent()
    return obj


def find_runner(widget: QObject | None) -> TaskRunner:
    """The ``TaskRunner`` of the window ``widget`` belongs to (the first parent holding one)."""
    obj = widget
    while obj is not None:
        runner = getattr(obj, "runner", None)
        if isinstance(runner, TaskRunner):
            return runner
        obj = obj.parent()
    raise LookupError("no TaskRunner above this widget")


def show_user_error(parent: QWidget | None, error: UserError) -> None:
    QMessageBox.warning(parent, QCoreApplication.translate("Errors", "PartsDesk"), str(error))


def show_unexpected_error(parent: QWidget | None, error: BaseException) -> None:
    """Log the traceback and tell the user, in words, what to do next."""
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    text = QCoreApplication.translate(
        "Errors",
        "An unexpected error happened: {kind}: {message}\n\n"
        "Nothing half-done was kept. The details are in the log file; please tell support.",
    ).format(kind=type(error).__name__, message=error)
    QMessageBox.critical(parent, QCoreApplication.translate("Errors", "PartsDesk"), text)
