"""The bench's ``counter.scan_to_line``, measured in a process of its own (``partsdesk.bench``
stays without Qt): ``python -m partsdesk.ui.bench_scan DB N [USER]``.

A real ``CounterTab`` with its own ``ScannerFilter`` installed (as the main window owns it),
offscreen, on the shop at DB, as USER (default ``bench``). ``N`` scans of barcodes drawn at random
from the shop's active parts arrive as a keyboard-wedge scanner sends them: press and release per
character 8 ms apart (``bench_keys``) on the key events' own timestamps, Shift around capitals, then Enter.
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
import sys

from partsdesk.ui.bench_keys import draw_codes, time_scans, waiter

WARMUPS = 3
CART_LINES = 10  # scans to a cart: then it is cleared, as after a sale
SEED = 11


def measure(db_url: str, scans: int, username: str = "bench") -> dict:
    """Open the shop, show a Counter tab offscreen and time ``scans`` scans (after ``WARMUPS``)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
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
    codes = draw_codes(WARMUPS + scans, SEED)

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
        wait = waiter(app, "bench_scan")

        def idle() -> bool:
            return not (tab._looking_up or tab._scans or tab._pricing or runner.busy)

        wait(idle, "the Counter tab did not settle")
        rows: list[int] = []

        def before(_index: int) -> None:
            wait(idle, "the cart was not priced")
            if len(tab.lines) >= CART_LINES:
                tab.clear_cart()
            rows.append(tab.table.rowCount())

        def shown(index: int):
            row, number = rows[-1], codes[index][1]

            def done() -> bool:
                item = tab.table.item(row, 0) if tab.table.rowCount() > row else None
                return item is not None and item.text() == number
            return done

        result = time_scans(app, [code for code, _number in codes], target=lambda: QApplication.focusWidget() or tab.entry,
                            before=before, shown=shown, wait=wait, warmups=WARMUPS)
        if tab.entry.text():
            raise SystemExit(f"bench_scan: scan keys reached the entry box: {tab.entry.text()!r}")
    finally:
        tab.close()
        scanner.remove()
        runner.shutdown()
        if database.obj is not None:
            database.obj.close()
    return result


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
