"""The bench's ``stock.scan_to_count``, measured in a process of its own (``partsdesk.bench``
stays without Qt): ``python -m partsdesk.ui.bench_count_scan DB N [USER]``.

DB is a throw-away copy of the bench shop: a count session really starts and the scans are
really counted. A real ``CountView`` with its own ``ScannerFilter`` installed (as the main
window owns it), offscreen, as USER (default ``bench``, who may count), on the scanning page of a
new blind count of everything. ``N`` scans arrive as a keyboard-wedge scanner sends them
(``bench_keys``' key events, 8 ms apart on their own timestamps, then Enter), of barcodes drawn
from a pool of random active parts so that parts come back (new lines and +1 on a line both
happen, as on a shelf). The time runs from posting the Enter to the count table's top row
showing the part's number with its new count — the filter's decision, the routing, the
``services.counts.scan`` transaction on the worker and the redraw, as the counter sees it. Each
scan waits until the one before is shown (a counter does not outrun the screen). Prints one line
``scan-to-count {json}`` with p50/p95/max in ms; exit 1 with a message on stderr when a scan did
not update its line.
"""

from __future__ import annotations

import json
import os
import random
import sys

from partsdesk.ui.bench_keys import draw_codes, time_scans, waiter

WARMUPS = 3
SEED = 12


def measure(db_url: str, scans: int, username: str = "bench") -> dict:
    """Open the shop, start a count, show a CountView offscreen and time ``scans`` scans (after ``WARMUPS``)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from partsdesk.domain.money import format_quantity
    from partsdesk.models import AppUser, database, open_database
    from partsdesk.services import counts, users
    from partsdesk.ui.count_view import CountView
    from partsdesk.ui.scanner import ScannerFilter
    from partsdesk.ui.tasks import TaskRunner

    open_database(db_url)
    user = AppUser.get_or_none(AppUser.username == username)
    if user is None:
        raise SystemExit(f"bench_count_scan: the shop has no user {username!r}")
    actor = users.actor_of(user)
    total = WARMUPS + scans
    pool = draw_codes(max(1, min(total, max(10, total // 2))), SEED)
    rng = random.Random(SEED)
    drawn = [pool[i % len(pool)] for i in range(total)]
    rng.shuffle(drawn)
    number = counts.start_session(actor, counts.CountScope("all"), blind=True, note="bench scan_to_count")

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner()
    scanner = ScannerFilter()
    scanner.install()
    view = CountView(runner, actor, scanner=scanner)
    try:
        view.resize(1000, 600)
        view.show()
        view.activateWindow()
        view.start()
        wait = waiter(app, "bench_count_scan")
        view.open_count(number)
        wait(lambda: view.number == number and not runner.busy, "the count did not open")
        expected: list[str] = []
        counted: dict[str, int] = {}
        for _code, part_number in drawn:  # a part's count shown after each of its scans ("4 set")
            counted[part_number] = counted.get(part_number, 0) + 1
            expected.append(format_quantity(counted[part_number] * 1000))

        def shown(index: int):
            part_number = drawn[index][1]

            def done() -> bool:
                if view.table.rowCount() == 0:
                    return False
                first, qty = view.table.item(0, 0), view.table.item(0, 3)
                return first is not None and first.text() == part_number and \
                    qty.text().split(" ")[0] == expected[index]
            return done

        result = time_scans(app, [code for code, _part in drawn],
                            target=lambda: QApplication.focusWidget() or view.entry,
                            before=lambda _index: wait(lambda: view.idle() and not runner.busy,
                                                       "the count view did not settle"),
                            shown=shown, wait=wait, warmups=WARMUPS)
        if view.entry.text():
            raise SystemExit(f"bench_count_scan: scan keys reached the entry box: {view.entry.text()!r}")
    finally:
        view.close()
        scanner.remove()
        runner.shutdown()
        if database.obj is not None:
            database.obj.close()
    return result


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3) or not args[1].isdigit() or int(args[1]) < 1:
        print("usage: python -m partsdesk.ui.bench_count_scan DB N [USER]", file=sys.stderr)
        return 2
    result = measure(args[0], int(args[1]), *args[2:])
    print("scan-to-count " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
