"""What the two scan benches share (``bench_scan``: scan to cart line; ``bench_count_scan``: scan
to count line), each run in a process of its own so ``partsdesk.bench`` stays without Qt: barcodes
drawn from the shop, a keyboard-wedge scanner's key events on their own timestamps, the wait for
the screen to show a scan, and the timed loop.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence

GAP_MS = 8  # between a scanner's key presses
TIMEOUT_S = 10.0  # for one scan to show


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def draw_codes(count: int, seed: int) -> list[tuple[str, str]]:
    """(barcode, part number) of ``count`` different active parts, drawn at random."""
    from partsdesk.models import database

    db = database.obj
    top = db.execute_sql("SELECT MAX(id) FROM part_barcode").fetchone()[0] or 0
    rng = random.Random(seed)
    found: dict[int, tuple[str, str]] = {}
    tries = 0
    while len(found) < count and tries < 50 and top:
        tries += 1
        ids = rng.sample(range(1, top + 1), min(top, (count - len(found)) * 2 + 10))
        marks = ", ".join([db.param] * len(ids))
        for part_id, code, number in db.execute_sql(
                f"SELECT x.part_id, x.code, p.number FROM part_barcode x JOIN part p ON p.id = x.part_id "
                f"WHERE x.id IN ({marks}) AND p.active", ids).fetchall():
            if len(found) < count:
                found.setdefault(part_id, (code, number))
    if len(found) < count:
        raise SystemExit(f"bench: the shop has fewer than {count} active parts with a barcode")
    codes = list(found.values())
    rng.shuffle(codes)
    return codes


def scanner_keys(code: str, start_ms: int):
    """A keyboard-wedge scanner's key events for ``code`` (with their own timestamps), and the
    terminator's press and release apart."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    def key(kind: QEvent.Type, qt_key: Qt.Key, text: str, at: int,
            modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> QKeyEvent:
        event = QKeyEvent(kind, qt_key, modifiers, text)
        event.setTimestamp(at)
        return event

    shift = Qt.KeyboardModifier.ShiftModifier
    press, release = QEvent.Type.KeyPress, QEvent.Type.KeyRelease
    events = []
    at = start_ms
    for char in code:
        qt_key = Qt.Key(ord(char.upper()))
        if char.isupper():
            events += [key(press, Qt.Key.Key_Shift, "", at, shift), key(press, qt_key, char, at + 1, shift),
                       key(release, qt_key, char, at + 2, shift), key(release, Qt.Key.Key_Shift, "", at + 3)]
        else:
            events += [key(press, qt_key, char, at), key(release, qt_key, char, at + 3)]
        at += GAP_MS
    terminator = [key(press, Qt.Key.Key_Return, "\r", at), key(release, Qt.Key.Key_Return, "\r", at + 3)]
    return events, terminator


def waiter(app, name: str) -> Callable[[Callable[[], bool], str], None]:
    """``wait(condition, what)``: run the event loop until ``condition()``, sleeping between
    events (a busy loop would take the interpreter from the worker thread); exits with
    "``name``: ``what`` within 10 s" when it does not come."""
    from PySide6.QtCore import QEventLoop, QTimer

    tick = QTimer(app)  # wakes the loop now and then, to see the deadline
    tick.start(100)

    def wait(condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: {what} within {TIMEOUT_S:.0f} s")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    return wait


def time_scans(app, codes: Sequence[str], *, target: Callable[[], object], before: Callable[[int], None],
               shown: Callable[[int], Callable[[], bool]], wait: Callable[[Callable[[], bool], str], None],
               warmups: int) -> dict:
    """Scan each of ``codes`` in turn: ``before(i)`` readies the screen, the code's keys go to
    ``target()`` (the focused widget), then the clock runs from posting the terminator until
    ``shown(i)()``. The first ``warmups`` scans are not counted. p50/p95/max in ms."""
    from PySide6.QtWidgets import QApplication

    timings: list[float] = []
    clock_ms = 1_000_000
    for index, code in enumerate(codes):
        before(index)
        keys, terminator = scanner_keys(code, clock_ms)
        clock_ms += 10_000  # each scan well after the one before
        for event in keys:
            QApplication.postEvent(target(), event)
        app.processEvents()  # the code's keys are in (held by the filter): now the terminator
        started = time.perf_counter()
        for event in terminator:
            QApplication.postEvent(target(), event)
        wait(shown(index), f"scan {index + 1} ({code}) did not show")
        if index >= warmups:
            timings.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(statistics.median(timings), 2), "p95_ms": round(percentile(timings, 0.95), 2),
            "max_ms": round(max(timings), 2), "scans": len(timings)}
