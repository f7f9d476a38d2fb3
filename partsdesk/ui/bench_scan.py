"""The bench's ``counter.scan_to_line``, measured in a process of its own (``partsdesk.bench``
stays without Qt): ``python -m partsdesk.ui.bench_scan DB N [USER]``.

A real ``CounterTab`` with its own ``ScannerFilter`` installed (as the main window owns it),
offscreen, on the shop at DB, as USER (default ``bench``). ``N`` scans of barcodes drawn at random
from the shop's active parts arrive as a keyboard-wedge scanner sends them: press and release per
character ``GAP_MS`` apart on the key events' own timestamps, Shift around capitals, then Enter.
The time runs from posting the Enter to the cart table holding one more row showing the part's
number — the filter's decision, the routing, the barcode lookup on the worker and the redraw, as
the cashier sees it. Before each scan the tab has finished pricing the scan before it (a cashier
does not scan 20 per second), and every ``CART_LINES`` scans the cart is cleared as after a
sale. Prints one line ``scan-to-line {json}`` with p50/p95/max in ms; exit 1 with a message on
stderr when a scan did not make its line.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time

WARMUPS = 3
GAP_MS = 8  # between a scanner's key presses
CART_LINES = 10  # scans to a cart: then it is cleared, as after a sale
TIMEOUT_S = 10.0  # for one scan to make its line
SEED = 11


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _draw_codes(count: int, seed: int) -> list[tuple[str, str]]:
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
        raise SystemExit(f"bench_scan: the shop has fewer than {count} active parts with a barcode")
    codes = list(found.values())
    rng.shuffle(codes)
    return codes


def _scanner_keys(code: str, start_ms: int):
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


def measure(db_url: str, scans: int, username: str = "bench") -> dict:
    """Open the shop, show a Counter tab offscreen and time ``scans`` scans (after ``WARMUPS``)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from partsdesk.models import AppUser, database, open_database
    from partsdesk.services import users
    from partsdesk.ui.counter_tab import CounterTab
    from partsdesk.ui.scanner import ScannerFilter
    from partsdesk.ui.tasks import TaskRunner

    open_database(db_url)
    user = AppUser.get_or_none(AppUser.username == username)
    if user is None:
        raise SystemExit(f"bench_scan: the shop has no user {username!r}")
    actor = users.actor_of(user)
    codes = _draw_codes(WARMUPS + scans, SEED)

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner()
    scanner = ScannerFilter()
    scanner.install()
    tab = CounterTab(runner, actor, scanner=scanner)
    try:
        tab.resize(1000, 560)
        tab.show()
        tab.activateWindow()
        tab.start()

        tick = QTimer()  # wakes the waiting loop now and then, to see the deadline
        tick.start(100)

        def wait(condition, what: str) -> None:
            """Run the event loop until ``condition()``; it sleeps between events (no busy loop to
            take the interpreter from the worker thread)."""
            deadline = time.monotonic() + TIMEOUT_S
            while not condition():
                if time.monotonic() > deadline:
                    raise SystemExit(f"bench_scan: {what} within {TIMEOUT_S:.0f} s")
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

        def idle() -> bool:
            return not (tab._looking_up or tab._scans or tab._pricing or runner.busy)

        wait(idle, "the Counter tab did not settle")
        timings: list[float] = []
        clock_ms = 1_000_000
        for index, (code, number) in enumerate(codes):
            wait(idle, "the cart was not priced")
            if len(tab.lines) >= CART_LINES:
                tab.clear_cart()
            rows = tab.table.rowCount()
            keys, terminator = _scanner_keys(code, clock_ms)
            clock_ms += 10_000  # each scan well after the one before
            target = QApplication.focusWidget() or tab.entry
            for event in keys:
                QApplication.postEvent(target, event)
            app.processEvents()  # the code's keys are in (held by the filter): now the terminator
            started = time.perf_counter()
            for event in terminator:
                QApplication.postEvent(QApplication.focusWidget() or tab.entry, event)

            def shown(rows: int = rows, number: str = number) -> bool:
                item = tab.table.item(rows, 0) if tab.table.rowCount() > rows else None
                return item is not None and item.text() == number

            wait(shown, f"scan {index + 1} ({code}) did not put {number} in the cart")
            elapsed = (time.perf_counter() - started) * 1000
            if index >= WARMUPS:
                timings.append(elapsed)
        if tab.entry.text():
            raise SystemExit(f"bench_scan: scan keys reached the entry box: {tab.entry.text()!r}")
    finally:
        tab.close()
        scanner.remove()
        runner.shutdown()
        if database.obj is not None:
            database.obj.close()
    return {"p50_ms": round(statistics.median(timings), 2), "p95_ms": round(_percentile(timings, 0.95), 2),
            "max_ms": round(max(timings), 2), "scans": len(timings)}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3) or not args[1].isdigit() or int(args[1]) < 1:
        print("usage: python -m partsdesk.ui.bench_scan DB N [USER]", file=sys.stderr)
        return 2
    result = measure(args[0], int(args[1]), *args[2:])
    print("scan-to-line " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
