"""The barcode scanner: a keyboard that types fast, told from a person by key timing.

A USB or Bluetooth scanner in keyboard mode types the code and a terminator (Enter, or Tab if so
set up) a few milliseconds per key. ``domain.scanning.ScanDetector`` holds the timing rules on plain values (a
character or a terminator, with the key event's own timestamp in ms) and knows nothing of Qt.
``ScannerFilter`` is the one application-wide event filter that feeds it real key events:

* a printable key that may start or continue a scan is held back from its widget; when the run
  turns out to be typing (a gap longer than ``max_gap_ms`` before ``min_length`` keys, another
  kind of key, or no terminator within ``timeout_ms`` of wall-clock time) the held keys are sent
  to the widget they were meant for, in order, before anything that came after them;
* a run of at least ``min_length`` keys, each within ``max_gap_ms`` of the previous one, ended by
  a terminator within ``max_gap_ms``, is a scan: its keys and terminator never reach a widget;
* scans are queued and delivered one at a time, in order, on later turns of the event loop: to
  the owner (``set_owner``) whatever widget or dialog has focus, else typed into the focused
  widget followed by Enter (a scan into a search box still searches). ``scanned`` is emitted
  for every delivered scan, after it was routed.

Timing always uses ``QKeyEvent.timestamp()``, the time the key was pressed, never the time the
event is handled: events that queue up while the GUI thread is busy keep their spacing, so a
late burst is still read as the scans it was. Events with timestamp 0 carry no time (synthesised
ones, such as ``QTest.keyClicks`` on a widget) and are always typing. Keys with Ctrl, Alt or Meta,
auto-repeat, and modifier keys alone are left alone.

Its thresholds (``max_gap_ms``, ``min_length``, the terminator) are this PC's terminal settings
``scanner.*``, measured by the scanner set-up (``ui.scanner_setup``); arguments given to the
constructor override them (tests, benchmarks).

Thread: GUI thread only. One filter per application; the caller keeps it alive (the main window
owns it) and calls ``install()``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum, auto
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from partsdesk.domain.scanning import ScanDetector
from partsdesk.services import settings

log = logging.getLogger(__name__)

ENTER_KEYS: tuple[Qt.Key, ...] = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
TERMINATOR_KEYS: dict[str, tuple[Qt.Key, ...]] = {"enter": ENTER_KEYS, "tab": (*ENTER_KEYS, Qt.Key.Key_Tab)}


def terminator_keys(name: str) -> tuple[Qt.Key, ...]:
    """The keys that end a scan for the ``scanner.terminator`` setting ("enter" or "tab")."""
    return TERMINATOR_KEYS.get(name, ENTER_KEYS)


class _Kind(Enum):
    CHAR = auto()  # printable text, no shortcut modifier: may be part of a scan
    TERMINATOR = auto()
    MODIFIER = auto()  # Shift, Ctrl ... alone: passes, and does not break a run (scanners press Shift)
    OTHER = auto()  # everything else: never part of a scan, so the held run is typing


_MODIFIER_KEYS = frozenset({
    Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Meta,
    Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock, Qt.Key.Key_ScrollLock, Qt.Key.Key_Super_L,
    Qt.Key.Key_Super_R, Qt.Key.Key_Hyper_L, Qt.Key.Key_Hyper_R, Qt.Key.Key_Mode_switch,
})
_SHORTCUT_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                       | Qt.KeyboardModifier.MetaModifier)
_KEY_EVENT_TYPES = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride})
_DELIVER = QEvent.Type(QEvent.registerEventType())
_FLUSH_CHECK = QEvent.Type(QEvent.registerEventType())
_MAX_LATE_REARMS = 3


@dataclass(slots=True)
class _HeldKey:
    target: QWidget
    event: QKeyEvent  # a copy we own: Qt deletes the original when its delivery ends

    @property
    def is_press(self) -> bool:
        return self.event.type() == QEvent.Type.KeyPress


@dataclass(slots=True)
class _QueuedScan:
    code: str
    keys: list[_HeldKey]  # presses and releases of the scan, with the terminator's press


def _signature(event: QKeyEvent) -> tuple[int, str, int]:
    return (event.key(), event.text(), event.timestamp())


class ScannerFilter(QObject):
    """The application-wide event filter that turns scanner keystrokes into scans.

    ``scanned(code)`` is emitted for every scan after it was delivered (to the owner or to the
    focused widget): for observers such as a status line or the benchmark. A screen that acts on
    scans makes itself the owner.
    """

    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, min_length: int | None = None,
                 max_gap_ms: int | None = None, terminators: Iterable[Qt.Key] | None = None,
                 timeout_ms: int | None = None, settings_file: Path | None = None) -> None:
        super().__init__(parent)
        # What is not given comes from this PC's settings (``settings_file``, default the user's).
        if min_length is None:
            min_length = settings.terminal("scanner.min_length", settings_file)
        if max_gap_ms is None:
            max_gap_ms = settings.terminal("scanner.max_gap_ms", settings_file)
        if terminators is None:
            terminators = terminator_keys(settings.terminal("scanner.terminator", settings_file))
        self._detector = ScanDetector(min_length=min_length, max_gap_ms=max_gap_ms)
        self._terminators = frozenset(terminators)
        self._timeout_ms = timeout_ms
        self._held: list[_HeldKey] = []
        self._swallow_releases: Counter[int] = Counter()
        self._replaying: list[tuple[int, str, int]] = []
        self._queue: deque[_QueuedScan] = deque()
        self._owner: Callable[[str], object] | None = None
        self._delivering = False
        self._presses_seen = 0
        self._flush_ticket = -1
        self._armed_ns = 0
        self._late_rearms = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timeout)
        self._apply_timeout()

    # -- set-up --------------------------------------------------------------------------------

    def install(self) -> None:
        """Start filtering the key events of the whole application."""
        QApplication.instance().installEventFilter(self)

    def remove(self) -> None:
        """Stop filtering; keys held back are given to their widgets, queued scans still come."""
        QApplication.instance().removeEventFilter(self)
        self._timer.stop()
        self._release(self._detector.flush().typed)

    def apply_settings(self, settings_file: Path | None = None) -> None:
        """Take this PC's scanner settings again (after the scanner set-up saved new ones)."""
        self.min_length = settings.terminal("scanner.min_length", settings_file)
        self.max_gap_ms = settings.terminal("scanner.max_gap_ms", settings_file)
        self.terminators = terminator_keys(settings.terminal("scanner.terminator", settings_file))

    @property
    def min_length(self) -> int:
        return self._detector.min_length

    @min_length.setter
    def min_length(self, value: int) -> None:
        self._detector.min_length = value

    @property
    def max_gap_ms(self) -> int:
        """Longest gap between two keys of one scan, in ms of event time (the scanner set-up
        calibrates it)."""
        return self._detector.max_gap_ms

    @max_gap_ms.setter
    def max_gap_ms(self, value: int) -> None:
        self._detector.max_gap_ms = value
        self._apply_timeout()

    @property
    def timeout_ms(self) -> int:
        """Wall-clock time without a key after which held keys are typing. Every typed key
        reaches its widget at most this late. Default: ``max_gap_ms`` + 30."""
        return self._timer.interval()

    @timeout_ms.setter
    def timeout_ms(self, value: int | None) -> None:
        self._timeout_ms = value
        self._apply_timeout()

    def _apply_timeout(self) -> None:
        self._timer.setInterval(self._timeout_ms if self._timeout_ms is not None else self.max_gap_ms + 30)

    @property
    def terminators(self) -> frozenset[Qt.Key]:
        return self._terminators

    @terminators.setter
    def terminators(self, keys: Iterable[Qt.Key]) -> None:
        self._terminators = frozenset(keys)

    @property
    def owner(self) -> Callable[[str], object] | None:
        return self._owner

    def set_owner(self, owner: Callable[[str], object] | None) -> None:
        """Give every scan to ``owner(code)``, whatever has focus (a dialog too), or with None
        type scans into the focused widget. An owner that is a method of a deleted Qt object is
        dropped. Scans are delivered one at a time: while the owner handles one (even in a
        nested event loop), the next waits in the queue."""
        self._owner = owner

    @property
    def pending_scans(self) -> int:
        """Scans recognised and not yet delivered."""
        return len(self._queue)

    # -- the filter ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in _KEY_EVENT_TYPES or not isinstance(watched, QWidget):
            # Key events reach the window first and are then forwarded to the focus widget: we
            # read them once, at the widget.
            return False
        if self._replaying and _signature(event) in self._replaying:
            return False  # our own replay, and its shortcut check and propagation to parents
        if kind == QEvent.Type.KeyPress:
            return self._key_press(watched, event)
        if kind == QEvent.Type.KeyRelease:
            return self._key_release(watched, event)
        return self._shortcut_override(event)

    def _classify(self, event: QKeyEvent) -> _Kind:
        key = event.key()
        if key in _MODIFIER_KEYS or (key == Qt.Key.Key_unknown and not event.text()):
            return _Kind.MODIFIER
        if event.modifiers() & _SHORTCUT_MODIFIERS or event.isAutoRepeat():
            return _Kind.OTHER
        if key in self._terminators:
            return _Kind.TERMINATOR
        text = event.text()
        if text and text.isprintable():
            return _Kind.CHAR
        return _Kind.OTHER

    def _key_press(self, watched: QWidget, event: QKeyEvent) -> bool:
        kind = self._classify(event)
        if kind is _Kind.MODIFIER:
            return False
        self._presses_seen += 1
        timestamp = event.timestamp()
        self._swallow_releases.pop(event.key(), None)  # a new press: any release we waited for was missed
        if kind is _Kind.CHAR and timestamp:
            verdict = self._detector.key(event.text(), timestamp)
            self._release(verdict.typed)
            self._held.append(_HeldKey(watched, event.clone()))
            self._late_rearms = 0
            self._arm_timeout()
            return True
        if kind is _Kind.TERMINATOR and timestamp:
            verdict = self._detector.terminator(timestamp)
            if verdict.scan is not None:
                self._timer.stop()
                keys, self._held = self._held, []
                self._swallow_releases.update(self._unreleased(keys))
                self._swallow_releases[event.key()] += 1
                keys.append(_HeldKey(watched, event.clone()))
                self._queue.append(_QueuedScan(verdict.scan, keys))
                self._post(_DELIVER)
                return True
            self._release(verdict.typed)
            return False
        # Never part of a scan (or untimed): what was held is typing and goes first.
        self._release(self._detector.flush().typed)
        return False

    def _key_release(self, watched: QWidget, event: QKeyEvent) -> bool:
        key = event.key()
        if self._swallow_releases[key] > 0:
            self._swallow_releases[key] -= 1
            if not self._swallow_releases[key]:
                del self._swallow_releases[key]
            return True
        if self._unreleased(self._held)[key] > 0:
            self._held.append(_HeldKey(watched, event.clone()))
            return True
        return False

    def _shortcut_override(self, event: QKeyEvent) -> bool:
        """Qt asks the focus widget whether it wants a key before trying shortcuts. A key we
        hold must not fire a shortcut now: we say the widget wants it. If it turns out to be
        typing, its replay goes through the shortcut check again."""
        kind = self._classify(event)
        timestamp = event.timestamp()
        if kind is _Kind.MODIFIER:
            return False
        if timestamp and (kind is _Kind.CHAR or (kind is _Kind.TERMINATOR
                                                  and self._detector.could_end_scan(timestamp))):
            event.accept()
            return True
        # The key will pass (maybe to a shortcut): what was held is typing and goes first.
        self._release(self._detector.flush().typed)
        return False

    @staticmethod
    def _unreleased(keys: Sequence[_HeldKey]) -> Counter[int]:
        pressed: Counter[int] = Counter()
        for held in keys:
            pressed[held.event.key()] += 1 if held.is_press else -1
        return +pressed

    # -- typing: held keys back to their widgets ----------------------------------------------

    def _release(self, typed: int) -> None:
        """Send the oldest ``typed`` held presses (and the releases between) to their widgets."""
        if typed <= 0:
            return
        presses = 0
        cut = len(self._held)
        for index, held in enumerate(self._held):
            if held.is_press:
                if presses == typed:
                    cut = index
                    break
                presses += 1
        keys, self._held = self._held[:cut], self._held[cut:]
        if not self._held:
            self._timer.stop()
        for held in keys:
            target = held.target if shiboken6.isValid(held.target) else QApplication.focusWidget()
            if target is not None:
                self._send(target, held.event)

    def _send(self, target: QWidget, event: QKeyEvent) -> None:
        self._replaying.append(_signature(event))
        try:
            QCoreApplication.sendEvent(target, event)
        finally:
            self._replaying.pop()

    def _arm_timeout(self) -> None:
        self._armed_ns = time.monotonic_ns()
        self._timer.start()

    def _on_timeout(self) -> None:
        """No key for ``timeout_ms``: the held run is typing, unless the timer only fires now
        because the GUI thread was busy. Then the rest of a scan may be waiting in the queue,
        behind this timer: wait one more interval of a responsive loop (a few times at most, so
        a loop that is always late still gets its typing)."""
        interval_ns = self._timer.interval() * 1_000_000
        late = time.monotonic_ns() - self._armed_ns > interval_ns + interval_ns // 2
        if late and self._late_rearms < _MAX_LATE_REARMS:
            self._late_rearms += 1
            self._arm_timeout()
            return
        # Keys posted before the timer fired are still read first.
        self._flush_ticket = self._presses_seen
        self._post(_FLUSH_CHECK)

    # -- delivery -------------------------------------------------------------------------------

    def _post(self, kind: QEvent.Type) -> None:
        QCoreApplication.postEvent(self, QEvent(kind))

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == _DELIVER:
            self._deliver_next()
            return True
        if kind == _FLUSH_CHECK:
            if self._flush_ticket == self._presses_seen and self._held:
                self._release(self._detector.flush().typed)
            return True
        return super().event(event)

    def _deliver_next(self) -> None:
        if self._delivering or not self._queue:
            return
        self._delivering = True
        try:
            scan = self._queue.popleft()
            self._route(scan)
        finally:
            self._delivering = False
            if self._queue:
                self._post(_DELIVER)

    def _route(self, scan: _QueuedScan) -> None:
        owner = self._owner
        if owner is not None and not _alive(owner):
            self._owner = owner = None
        if owner is not None:
            owner(scan.code)
        else:
            target = QApplication.focusWidget()
            if target is None:
                log.warning("scan %r: no owner and no focused widget to type it into", scan.code)
            else:
                for held in scan.keys:
                    self._send(target, held.event)
        self.scanned.emit(scan.code)


def _alive(owner: Callable[[str], object]) -> bool:
    bound_to = getattr(owner, "__self__", None)
    return not isinstance(bound_to, QObject) or shiboken6.isValid(bound_to)
