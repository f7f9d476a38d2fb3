"""Screenshots of the real window for the user guide (README.md), made offscreen, not by hand.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--parts 800] [--only counter ...]
                                            [--lang zh_CN]

Builds a small demo shop (``services.demo.build_demo_shop``) in a temporary folder, opens the
real main window offscreen logged in as the user who works at each tab (the cashier at the
Counter, the storekeeper in Stock, the service advisor in the Workshop, the manager in
Customers), brings each tab up with something in it, waits until it has loaded and saves a
1024×700 PNG per shot under a fixed name (``counter.png``; ``counter-zh_CN.png`` with ``--lang zh_CN``).
Re-run it when the UI changes; it overwrites the PNGs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = (1024, 700)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
TIMEOUT_S = 60.0
# username and PIN (or password) of the demo shop's users (services.demo_data.DEMO_USERS)
USERS = {"cashier": ("chen", "1357"), "storekeeper": ("li", "2468"), "service_advisor": ("wang", "3690"),
         "manager": ("mei", "manager-pass-1")}


def wait_until(predicate: Callable[[], object], what: str, timeout: float = TIMEOUT_S) -> None:
    """Run the event loop until ``predicate()`` is true (the worker's answers arrive through it)."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(seconds: float = 0.3) -> None:
    """Let the last answers and repaints through before a grab."""
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def log_in(role: str):
    from partsdesk.services import users

    username, secret = USERS[role]
    return users.log_in(username, secret) if role == "manager" else users.switch_user(username, secret)


class Shooter:
    """One window per user, as after their log-in; ``save`` grabs a widget at SIZE."""

    def __init__(self, runner, url: str, out: Path, config: Path) -> None:
        self.runner = runner
        self.url = url
        self.out = out
        self.config = config
        self.saved: list[Path] = []
        self.suffix = ""  # "-zh_CN": the shots of the window in that language

    def window(self, role: str):
        from partsdesk.ui.main_window import MainWindow
        from partsdesk.ui.window_state import window_settings

        config = self.config / role  # a PC of its own: no column widths from another user's window
        config.mkdir(exist_ok=True)
        window = MainWindow(self.runner, log_in(role), url=self.url, settings=window_settings(config),
                            auto_backups=False)
        window.resize(*SIZE)
        window.show()
        window.activateWindow()
        wait_until(window.isVisible, "the window")
        return window

    def save(self, widget, name: str) -> None:
        widget.resize(*SIZE)
        settle()
        path = self.out / f"{name}{self.suffix}.png"
        if not widget.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        self.saved.append(path)
        print(f"  {path}", flush=True)

    @staticmethod
    def close(window) -> None:
        for dialog in list(getattr(window.workshop, "orders", {}).values()):
            dialog.close()
        window.close()
        window.deleteLater()
        settle(0.1)


# --- the shots -------------------------------------------------------------------------------------

def shoot_counter(shooter: Shooter) -> None:
    """The cashier's counter with a cart of three lines, then F1's list of its keys."""
    from partsdesk.services import search

    window = shooter.window("cashier")
    counter = window.counter
    window.tabs.setCurrentWidget(counter)
    rows = []
    for query in ("brake pad", "oil filter", "spark plug", "wiper", "bulb"):
        rows += [row for row in search.search_parts(query, limit=20).rows if row.on_hand > 0 and row.active][:1]
    rows = rows[:3]
    for qty, row in zip((1000, 2000, 1000), rows, strict=False):
        counter.add_part(row, qty)
    wait_until(lambda: counter.table.rowCount() == len(rows) and not counter._price_wanted, "the cart's prices")
    settle(1.0)
    shooter.save(window, "counter")
    window.show_keys()
    wait_until(lambda: window.keys_dialog is not None and window.keys_dialog.isVisible(), "the keys dialog")
    shooter.save(window.keys_dialog, "help-keys-counter")
    window.keys_dialog.close()
    shooter.close(window)


def shoot_catalog(shooter: Shooter) -> None:
    window = shooter.window("cashier")
    catalog = window.catalog
    window.tabs.setCurrentWidget(catalog)
    catalog.search_box.setText("brake pad")
    shown = catalog.model.shown_generation
    catalog.search_now()
    wait_until(lambda: catalog.model.shown_generation != shown, "the catalogue search")
    catalog.table.selectRow(0)
    shooter.save(window, "catalog")
    shooter.close(window)


def shoot_stock(shooter: Shooter) -> None:
    """The stock list, then a count of one bin with a few parts scanned."""
    from partsdesk.models import Part
    from partsdesk.services import counts

    window = shooter.window("storekeeper")
    stock = window.stock
    window.tabs.setCurrentWidget(stock)
    wait_until(lambda: stock.list_view.model.shown_generation, "the stock list")
    shooter.save(window, "stock-list")

    bin_ = Part.select(Part.bin).where(Part.active, Part.bin != "").order_by(Part.bin).first().bin
    number = counts.start_session(window.actor, counts.CountScope("bins", (bin_,)), blind=True,
                                  note="Shelf check for the guide")
    for part in Part.select().where(Part.bin == bin_, Part.active).order_by(Part.id).limit(3):
        counts.scan(window.actor, number, part_id=part.id)
    view = stock.count_view
    stock.show_view(view)
    opened: list[str] = []
    view.count_opened.connect(opened.append)
    view.open_count(number)
    wait_until(lambda: opened, "the count")
    shooter.save(window, "stock-count")
    shooter.close(window)


def shoot_workshop(shooter: Shooter) -> None:
    """The service advisor's board, then an open repair order's window."""
    from partsdesk.models.workshop import RepairOrder

    window = shooter.window("service_advisor")
    workshop = window.workshop
    drawn: list[bool] = []
    workshop.board_view.shown.connect(lambda: drawn.append(True))
    window.tabs.setCurrentWidget(workshop)
    wait_until(lambda: drawn, "the workshop board")
    shooter.save(window, "workshop-board")

    order = (RepairOrder.select().where(RepairOrder.status.in_(("in_progress", "waiting_parts", "waiting_authorization")))
             .order_by(RepairOrder.number).first()
             or RepairOrder.select().order_by(RepairOrder.number.desc()).first())
    workshop.open_order(order.number)
    dialog = workshop.orders[order.number]
    loaded: list[object] = []
    dialog.loaded.connect(loaded.append)
    wait_until(lambda: loaded or getattr(dialog, "choices", None) is not None, "the repair order")
    wait_until(lambda: getattr(dialog, "choices", None) is not None, "the repair order's choices")
    shooter.save(dialog, "workshop-repair-order")
    shooter.close(window)


def shoot_customers(shooter: Shooter) -> None:
    """The manager's customer list with a regular customer (with vehicles) open."""
    from peewee import fn

    from partsdesk.models.customers import Customer, Vehicle
    from partsdesk.models.sales import Sale

    window = shooter.window("manager")
    customers = window.customers
    shown: list[int] = []
    customers.customer_shown.connect(shown.append)
    window.tabs.setCurrentWidget(customers)
    wait_until(lambda: customers.model.shown_generation and shown, "the customer list")
    # of the first page of the list, the person with a car who bought the most
    ids = [row.id for row in customers.model.rows]
    with_car = Vehicle.select(Vehicle.customer).where(Vehicle.customer.is_null(False))
    best = (Sale.select(Sale.customer, fn.COUNT(Sale.id).alias("sales"))
            .join(Customer).where(Customer.id.in_(ids), Customer.id.in_(with_car), Customer.kind == "person")
            .group_by(Sale.customer).order_by(fn.COUNT(Sale.id).desc(), Sale.customer).first())
    if best is not None:
        del shown[:]
        customers.table.selectRow(ids.index(best.customer_id))
        wait_until(lambda: shown, "the customer")
    shooter.save(window, "customers")
    shooter.close(window)


SHOTS: dict[str, Callable[[Shooter], None]] = {
    "counter": shoot_counter, "catalog": shoot_catalog, "stock": shoot_stock, "workshop": shoot_workshop,
    "customers": shoot_customers,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the PNGs")
    parser.add_argument("--parts", type=int, default=800, help="parts in the demo shop")
    parser.add_argument("--only", nargs="+", choices=sorted(SHOTS), help="only these tabs")
    parser.add_argument("--shop", type=Path, help="a demo shop file to reuse (built there when missing)")
    parser.add_argument("--lang", default="en", help="the window's language (en, zh_CN)")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QCoreApplication.setApplicationName("PartsDesk")
    app.setStyle("Fusion")

    from partsdesk.models import database
    from partsdesk.services.demo import build_demo_shop
    from partsdesk.ui.tasks import TaskRunner

    args.out.mkdir(parents=True, exist_ok=True)
    # a fixed folder: the status bar shows the database's file, the same in every run
    folder = Path(tempfile.gettempdir()) / "partsdesk-screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        url = str(args.shop or folder / "demo-shop.sqlite")
        if args.shop is not None and args.shop.exists():
            from partsdesk.services.shop import open_shop

            open_shop(url)
        else:
            print(f"building a demo shop of {args.parts} parts…", flush=True)
            build_demo_shop(url, parts=args.parts)
        config = folder / "config"
        config.mkdir()
        runner = TaskRunner()
        shooter = Shooter(runner, url, args.out, config)
        from partsdesk.ui.i18n import apply_language

        if apply_language(args.lang) != "en":
            shooter.suffix = f"-{args.lang}"
        try:
            for name in args.only or list(SHOTS):
                print(f"{name}:", flush=True)
                SHOTS[name](shooter)
        finally:
            runner.shutdown()
            if database.obj is not None:
                database.obj.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{len(shooter.saved)} screenshot(s) in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
