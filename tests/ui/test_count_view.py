"""The count view (partsdesk.ui.count_view) on both engines, scans as real timed key events
through the application's ScannerFilter: a 500-scan burst at 8 ms between keys while the GUI
thread is busy ends with exactly the right counts; packs, typed totals and Ctrl+Z; an unknown
barcode linked in one step; the double-scan warning; starting a blind count; finishing with the
uncounted choice; review, recount, approval and posting (stock moved by counted − book);
printing; the tones."""

from __future__ import annotations

import itertools
import random
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication
from test_scanner import ean13, post, scanner_keys

from partsdesk.domain.permissions import SYSTEM
from partsdesk.domain.tender import Payment
from partsdesk.models import CountLine, CountScan, CountSession, Part, PartBarcode, StockMove, transaction
from partsdesk.services import abc, catalog, clock, counts, stock
from partsdesk.services.counts import DOUBLE, NEW_LINE, UNKNOWN, CountScope
from partsdesk.services.sales import LineRequest, commit_sale
from partsdesk.ui import count_view
from partsdesk.ui.count_view import (
    FLASH,
    CountPartDialog,
    CountView,
    FinishDialog,
    StartCountDialog,
    TotalDialog,
)

PARTS = 10
STRAY = ean13(999)  # a valid EAN-13 no part has
_clock_ms = itertools.count(3_000_000, 10_000)  # key timestamps: each scan well after the one before


@pytest.fixture
def parts(staff):
    """Ten parts CP-00 … CP-09, 5 in stock each at 10.00 cost, bins B-00 … B-09, each with an EAN."""
    catalog.ensure_standard_categories()
    made = []
    with transaction():
        for index in range(PARTS):
            number = f"CP-{index:02d}"
            part_id = catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": f"Pad {number}",
                                                       "category": "brakes.pads", "price_retail": "20.00",
                                                       "price_trade": "20.00", "price_wholesale": "20.00",
                                                       "cost": "10.00", "tax_rate": "13", "bin": f"B-{index:02d}"},
                                        barcodes=[ean13(2_000 + index)], numbers=[], fitments=[])
            stock.post_move(part_id=part_id, qty=5_000, unit_cost=1_000, reason="receipt", document="GR-9",
                            user_id=None)
            made.append({"id": part_id, "number": number, "code": ean13(2_000 + index)})
    return made


@pytest.fixture
def show_view(qtbot, runner, scanner, shown_errors):
    def show(actor) -> CountView:
        view = CountView(runner, actor, scanner=scanner)
        qtbot.addWidget(view)
        view.resize(1000, 600)
        view.show()
        qtbot.waitExposed(view)
        view.activateWindow()
        with qtbot.waitSignal(view.sessions_shown, timeout=5000):
            view.start()
        assert scanner.owner == view.add_scan
        return view

    return show


def opened(qtbot, view: CountView, number: str) -> None:
    with qtbot.waitSignal(view.count_opened, timeout=5000):
        view.open_count(number)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.entry, timeout=5000)


def scan(qtbot, view: CountView, code: str) -> None:
    """The scanner reads ``code``: its keys arrive at the focused widget, timed like a scanner."""
    with qtbot.waitSignal(view.scan_handled, timeout=5000, check_params_cb=lambda handled: handled == code):
        post(QApplication.focusWidget() or view.entry, scanner_keys(code, start_ms=next(_clock_ms)))


def rows(view: CountView) -> dict[str, list[str]]:
    return {row[0]: row for row in view.row_texts()}


def counted(number: str) -> dict[int, int]:
    session = CountSession.get(CountSession.number == number)
    totals: dict[int, int] = {}
    for line in CountLine.select().where(CountLine.session == session.id):
        totals[line.part_id] = totals.get(line.part_id, 0) + line.qty
    return totals


def test_a_burst_of_500_scans_at_8_ms_ends_with_exactly_the_right_counts(qtbot, staff, parts, show_view,
                                                                          shown_errors):
    """Ten parts scanned 50 times each in a shuffled order, 8 ms between keys, as real key events,
    while the GUI thread is also busy (200 ms in the middle of the burst): each is counted 50 —
    no scan dropped, merged or split."""
    keeper = staff["storekeeper"]
    number = counts.start_session(keeper, CountScope("all"))
    view = show_view(keeper)
    opened(qtbot, view, number)
    codes = [part["code"] for part in parts for _ in range(50)]
    random.Random(5).shuffle(codes)
    events = []
    at = 9_000_000
    for code in codes:
        events += scanner_keys(code, start_ms=at)
        at += 8 * (len(code) + 1)

    class Busy(QObject):
        def event(self, event: QEvent) -> bool:
            if event.type() == QEvent.Type.User:
                time.sleep(0.2)  # a slow report on the GUI thread, mid-burst
                return True
            return super().event(event)

    busy = Busy()
    handled: list[str] = []
    view.scan_handled.connect(handled.append)
    middle = len(events) // 2 + 5
    post(view.entry, events[:middle])
    QApplication.postEvent(busy, QEvent(QEvent.Type.User))
    QTimer.singleShot(0, lambda: post(view.entry, events[middle:]))
    qtbot.waitUntil(lambda: len(handled) == 500 and view.idle(), timeout=120_000)
    assert handled == codes  # in scan order
    shown = rows(view)
    assert sorted(shown) == [part["number"] for part in parts]
    assert all(row[3] == "50" and row[4] == "counted 50" for row in shown.values()), shown
    assert counted(number) == {part["id"]: 50_000 for part in parts}
    session = CountSession.get(CountSession.number == number)
    assert CountScan.select().where(CountScan.session == session.id, CountScan.kind == "scan").count() == 500
    assert view.entry.text() == "" and shown_errors == []


def test_a_pack_quantity_a_typed_total_and_ctrl_z(qtbot, staff, parts, show_view):
    keeper = staff["storekeeper"]
    number = counts.start_session(keeper, CountScope("all"))
    view = show_view(keeper)
    opened(qtbot, view, number)
    first, second = parts[0], parts[1]
    scan(qtbot, view, first["code"])
    assert rows(view)[first["number"]][3:] == ["1", "counted 1"]
    assert view.flash_outcome == NEW_LINE and FLASH[NEW_LINE] in view.status.styleSheet()
    assert view.table.item(0, 0).background().color().name() == FLASH[NEW_LINE]

    qtbot.keyClicks(view.entry, "12*")
    assert view.pending_label.text() == "Next scan counts 12"
    scan(qtbot, view, second["code"])
    assert rows(view)[second["number"]][3:] == ["12", "counted 12"] and view.entry.text() == ""
    assert view.row_texts()[0][0] == second["number"]  # the last counted on top

    with qtbot.waitSignal(view.action_handled, timeout=5000):
        qtbot.keyClick(view.entry, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rows(view)[second["number"]][3:] == ["0", "counted 0"]
    assert "Undone: 12 of CP-01" in view.status.text()
    assert counted(number) == {first["id"]: 1_000, second["id"]: 0}

    view.table.selectRow(list(rows(view)).index(first["number"]))
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as shown:
        qtbot.keyClick(view.entry, Qt.Key.Key_F4)
    dialog = shown.args[0]
    assert isinstance(dialog, TotalDialog)
    qtbot.keyClicks(dialog.qty, "many")
    qtbot.keyClick(dialog.qty, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.errors.current  # a bad total: said, nothing changed
    assert counted(number)[first["id"]] == 1_000
    dialog.qty.clear()
    qtbot.keyClicks(dialog.qty, "24")
    with qtbot.waitSignal(view.action_handled, timeout=5000):
        qtbot.keyClick(dialog.qty, Qt.Key.Key_Return)
    assert rows(view)[first["number"]][3:] == ["24", "counted 24"]
    assert counted(number)[first["id"]] == 24_000
    with qtbot.waitSignal(view.action_handled, timeout=5000):  # Ctrl+Z takes the typed total back
        qtbot.keyClick(view.entry, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rows(view)[first["number"]][3] == "1" and counted(number)[first["id"]] == 1_000


def test_an_unknown_barcode_is_kept_then_linked_to_a_part_in_one_step(qtbot, staff, parts, show_view):
    keeper = staff["storekeeper"]
    number = counts.start_session(keeper, CountScope("all"))
    view = show_view(keeper)
    opened(qtbot, view, number)
    clock.set_clock(lambda: datetime(2030, 1, 1, 12, 0))
    scan(qtbot, view, STRAY)
    clock.set_clock(lambda: datetime(2030, 1, 1, 12, 1))  # the second scan a minute later: not a double
    scan(qtbot, view, STRAY)
    assert rows(view)[STRAY][1:] == ["unknown barcode", "", "2", "unknown"]
    assert view.flash_outcome == UNKNOWN and FLASH[UNKNOWN] in view.status.styleSheet()
    assert "Unknown barcode" in view.status.text()

    view.table.selectRow(0)
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as shown:
        qtbot.keyClick(view.entry, Qt.Key.Key_F6)
    dialog = shown.args[0]
    assert isinstance(dialog, CountPartDialog) and dialog.table.columnCount() == 4  # no stock column
    qtbot.keyClicks(dialog.box, "CP-07")
    qtbot.waitUntil(lambda: bool(dialog.rows), timeout=5000)
    with qtbot.waitSignal(view.count_opened, timeout=5000):
        qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    assert STRAY not in rows(view) and rows(view)["CP-07"][3:] == ["2", "counted 2"]
    assert PartBarcode.get(PartBarcode.code == STRAY).part_id == parts[7]["id"]
    assert counted(number) == {parts[7]["id"]: 2_000}


def test_the_same_code_twice_at_once_shows_the_orange_double_scan_warning(qtbot, staff, parts, show_view):
    keeper = staff["storekeeper"]
    clock.set_clock(lambda: datetime(2030, 1, 1, 12, 0))  # both scans at one moment
    number = counts.start_session(keeper, CountScope("all"))
    view = show_view(keeper)
    opened(qtbot, view, number)
    scan(qtbot, view, parts[3]["code"])
    scan(qtbot, view, parts[3]["code"])
    assert view.flash_outcome == DOUBLE and FLASH[DOUBLE] in view.status.styleSheet()
    assert view.table.item(0, 0).background().color().name() == FLASH[DOUBLE]
    assert "Ctrl+Z" in view.status.text() and rows(view)["CP-03"][3] == "2"  # counted, and flagged
    assert view.sounds.played[-2:] == [NEW_LINE, DOUBLE]
    qtbot.waitUntil(lambda: view.flash_outcome == "", timeout=3000)  # the flash goes
    assert view.table.item(0, 0).background().style() == Qt.BrushStyle.NoBrush


def test_a_blind_count_of_chosen_parts_started_from_the_view_lists_them_not_counted(qtbot, staff, parts,
                                                                                    show_view):
    keeper = staff["storekeeper"]
    view = show_view(keeper)
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as shown:
        qtbot.keyClick(view.sessions_table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = shown.args[0]
    assert isinstance(dialog, StartCountDialog) and dialog.blind.isChecked()
    dialog.kind.setCurrentIndex(StartCountDialog.KINDS.index("parts"))
    with qtbot.waitSignal(dialog.ok_button.clicked, timeout=1000):
        dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.errors.current != {}, timeout=5000)  # no part chosen: refused
    assert "Choose at least one" in dialog.errors.current["scope"] and CountSession.select().count() == 0
    for wanted in ("CP-02", "CP-05"):
        with qtbot.waitSignal(dialog.dialog_opened, timeout=5000) as searched:
            dialog.add_part_button.click()  # F2
        finder = searched.args[0]
        qtbot.keyClicks(finder.box, wanted)
        qtbot.waitUntil(lambda finder=finder: bool(finder.rows), timeout=5000)
        qtbot.keyClick(finder.box, Qt.Key.Key_Return)
    assert dialog.part_list.count() == 2
    with qtbot.waitSignal(view.count_opened, timeout=5000) as started:
        dialog.ok_button.click()
    number = started.args[0]
    session = CountSession.get(CountSession.number == number)
    assert session.blind and session.scope_kind == "parts"
    assert rows(view) == {"CP-02": ["CP-02", "Pad CP-02", "B-02", "", "not counted"],
                          "CP-05": ["CP-05", "Pad CP-05", "B-05", "", "not counted"]}  # no book quantity: blind
    assert "blind count" in view.count_label.text()
    scan(qtbot, view, parts[5]["code"])
    assert rows(view)["CP-05"][3:] == ["1", "counted 1"] and rows(view)["CP-02"][4] == "not counted"
    view.grab().save("/tmp/count_view.png")


def test_a_count_of_todays_cycle_list_started_from_the_dialog_holds_the_parts_due(qtbot, staff, parts,
                                                                                     show_view):
    keeper = staff["storekeeper"]
    with transaction():  # one part of each class: each class's daily share is one part
        Part.update(abc_class="A").where(Part.id == parts[3]["id"]).execute()
        Part.update(abc_class="B").where(Part.id == parts[7]["id"]).execute()
    due = abc.cycle_part_ids(clock.shop_today())
    assert sorted(due) == sorted([parts[3]["id"], parts[7]["id"], parts[0]["id"]])  # C: the first never counted
    view = show_view(keeper)
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as shown:
        qtbot.keyClick(view.sessions_table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = shown.args[0]
    assert [dialog.kind.itemText(i) for i in range(dialog.kind.count())] == [
        "Everything", "Today's cycle list", "Bins", "Categories", "ABC class", "Chosen parts"]
    with qtbot.waitSignal(dialog.cycle_shown, timeout=5000) as read:
        dialog.kind.setCurrentIndex(StartCountDialog.KINDS.index("cycle"))
    assert read.args[0].by_class == {"A": 1, "B": 1, "C": 1}
    assert dialog.cycle_label.isVisible() and not dialog.values.isVisible() and not dialog.part_list.isVisible()
    assert dialog.cycle_label.text().startswith("3 parts are due today (A 1, B 1, C 1).")
    assert dialog.ok_button.isEnabled() and CountSession.select().count() == 0  # nothing starts before Enter
    assert dialog.note.placeholderText() == f"Cycle count of {clock.shop_today().isoformat()}"
    dialog.grab().save("/tmp/count_start_cycle.png")
    with qtbot.waitSignal(view.count_opened, timeout=5000) as started:
        dialog.ok_button.click()
    session = CountSession.get(CountSession.number == started.args[0])
    assert session.note == f"Cycle count of {clock.shop_today().isoformat()}" and session.blind
    assert session.scope_kind == "parts" and sorted(counts.session_summary(keeper, session.number).scope.values) \
        == sorted(due)
    assert set(rows(view)) == {"CP-00", "CP-03", "CP-07"}  # the parts due, each not counted yet
    assert all(row[4] == "not counted" for row in rows(view).values())
    scan(qtbot, view, parts[3]["code"])
    assert rows(view)["CP-03"][3:] == ["1", "counted 1"]


def test_with_no_part_due_the_cycle_list_cannot_be_started(qtbot, staff, parts, show_view):
    keeper = staff["storekeeper"]
    view = show_view(keeper)
    with transaction():  # the shop's parts all retired: none is due
        Part.update(active=False).execute()
    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as shown:
        qtbot.keyClick(view.sessions_table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = shown.args[0]
    with qtbot.waitSignal(dialog.cycle_shown, timeout=5000) as read:
        dialog.kind.setCurrentIndex(StartCountDialog.KINDS.index("cycle"))
    assert read.args[0].parts == 0
    assert dialog.cycle_label.text() == "No part is due for its cycle count today."
    assert not dialog.ok_button.isEnabled()
    dialog.kind.setCurrentIndex(StartCountDialog.KINDS.index("all"))  # another kind may start again
    assert dialog.ok_button.isEnabled() and not dialog.cycle_label.isVisible()
    assert CountSession.select().count() == 0


def test_finish_review_recount_approve_and_post_moves_stock_by_counted_minus_book(
        qtbot, staff, parts, show_view, monkeypatch, manager_approves):
    keeper, manager = staff["storekeeper"], staff["manager"]
    number = counts.start_session(keeper, CountScope("all"))
    view = show_view(keeper)
    opened(qtbot, view, number)
    for _ in range(3):
        scan(qtbot, view, parts[0]["code"])  # book 5, counted 3: out of tolerance
    view.table.selectRow(0)
    qtbot.keyClicks(view.entry, "5*")
    scan(qtbot, view, parts[1]["code"])  # book 5, counted 5
    # a sale while the count runs: it stays sold
    commit_sale(staff["cashier"], [LineRequest(parts[1]["id"], 2_000)], [Payment("cash", 10_000)])

    with qtbot.waitSignal(view.dialog_opened, timeout=5000) as shown:
        qtbot.keyClick(view.entry, Qt.Key.Key_F10)
    finish = shown.args[0]
    assert isinstance(finish, FinishDialog)
    qtbot.waitUntil(lambda: finish.preview is not None, timeout=5000)
    assert "8 part(s)" in finish.summary.text() and "40 on the book, worth 400.00" in finish.summary.text()
    finish.zero.setChecked(True)
    with qtbot.waitSignal(view.sessions_shown, timeout=5000):
        qtbot.keyClick(finish.zero, Qt.Key.Key_Return)
    assert CountSession.get(CountSession.number == number).status == "finished"
    assert "a manager reviews" in view.sessions_note.text()  # a storekeeper does not approve

    view.set_actor(manager)
    with qtbot.waitSignal(view.review_shown, timeout=5000):
        qtbot.keyClick(view.sessions_table, Qt.Key.Key_F9)
    review = view.review
    assert [line.part_number for line in review.lines] == [p["number"] for p in parts]
    first = view.review_table.item(0, 0)
    assert first.background().color().name() == count_view.OUT_OF_TOLERANCE  # 3 of 5: out of tolerance
    assert view.review_table.item(1, 0).background().style() == Qt.BrushStyle.NoBrush  # 5 of 5
    assert [view.review_table.item(0, c).text() for c in (3, 4, 5, 6)] == ["3", "5", "-2", "-20.00"]
    assert view.review_table.item(2, 7).text() == "not counted: zero"

    view.review_table.selectRow(0)
    with qtbot.waitSignal(view.review_shown, timeout=5000):
        qtbot.keyClick(view.review_table, Qt.Key.Key_F7)
    assert view.review.lines[0].state == "recount" and "1 part(s)" in view.post_label.text()
    qtbot.keyClick(view.review_table, Qt.Key.Key_F10)  # posting waits for the recount
    qtbot.waitUntil(lambda: "wait for a recount" in view.post_label.text(), timeout=5000)
    assert not StockMove.select().where(StockMove.reason == "count").exists() and not view.busy.isVisible()

    view.set_actor(keeper)
    view.back_to_sessions()
    opened(qtbot, view, number)
    for _ in range(4):
        scan(qtbot, view, parts[0]["code"])
    scan(qtbot, view, parts[2]["code"])  # not sent for a recount: refused, nothing counted
    assert "finished" in view.status.text() and view.flash_outcome == UNKNOWN

    view.set_actor(manager)
    with qtbot.waitSignal(view.review_shown, timeout=5000):
        view.show_review(number)
    assert view.review.lines[0].state == "recounted" and view.review.lines[0].counted == 4_000
    with qtbot.waitSignal(view.posted, timeout=15_000):
        qtbot.keyClick(view.review_table, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: not view.busy.isVisible() and view.review.session.status == "posted", timeout=5000)
    moves = {m.part_id: m.qty for m in StockMove.select().where(StockMove.reason == "count",
                                                                 StockMove.document == number)}
    expected = {parts[0]["id"]: -1_000, **{p["id"]: -5_000 for p in parts[2:]}}  # CP-01: 5 − 5, no move
    assert moves == expected
    on_hand = stock.on_hand([p["id"] for p in parts])
    assert on_hand[parts[0]["id"]] == 4_000 and on_hand[parts[1]["id"]] == 3_000  # 5 counted, 2 sold since
    assert all(on_hand[p["id"]] == 0 for p in parts[2:])
    assert "CP-01: 2 sold" in view.post_label.text() and "posted" in view.post_label.text()
    assert CountSession.get(CountSession.number == number).status == "posted"
    assert not view.approve_button.isEnabled() and manager_approves == []
    view.grab().save("/tmp/count_view_review.png")


def test_a_storekeeper_posts_with_a_managers_approval(qtbot, staff, parts, show_view, manager_approves):
    keeper = staff["storekeeper"]
    number = counts.start_session(keeper, CountScope("parts", (parts[0]["id"],)))
    counts.set_qty(keeper, number, parts[0]["id"], 6_000)
    counts.finish(keeper, number, "leave")
    view = show_view(keeper)
    with qtbot.waitSignal(view.review_shown, timeout=5000):
        view.show_review(number)
    with qtbot.waitSignal(view.posted, timeout=15_000):
        qtbot.keyClick(view.review_table, Qt.Key.Key_F10)
    assert manager_approves == [("storekeeper", "stock.count_approve", f"approve and post stock count {number}")]
    assert stock.on_hand([parts[0]["id"]])[parts[0]["id"]] == 6_000


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_count_sheet_and_the_variance_report_print_on_the_a4_printer(qtbot, staff, parts, show_view,
                                                                         pdf_printers, monkeypatch, tmp_path):
    from partsdesk.ui import print_path

    sent: list[Path] = []
    real = print_path.print_pdf

    def spy(pdf: bytes, printer) -> int:  # what went to the printer, kept to read back
        sent.append(tmp_path / f"sent-{len(sent)}.pdf")
        sent[-1].write_bytes(pdf)
        return real(pdf, printer)

    monkeypatch.setattr(print_path, "print_pdf", spy)
    manager = staff["manager"]
    number = counts.start_session(manager, CountScope("bins", ("B-00", "B-01")))
    view = show_view(manager)
    with qtbot.waitSignal(view.printed, timeout=15_000) as printed:
        qtbot.keyClick(view.sessions_table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed.args[0][1] is True and "Printed the count sheet of CNT-000001 (1 page(s))" in \
        view.sessions_note.text()
    kind, path = pdf_printers[-1]
    assert kind == "invoice" and path.stat().st_size > 1000  # the A4 printer's job
    text = pdf_text(sent[-1])
    assert number in text and "CP-00" in text and "CP-01" in text and "CP-02" not in text
    counts.set_qty(manager, number, parts[0]["id"], 4_000)
    counts.finish(manager, number, "leave")
    with qtbot.waitSignal(view.review_shown, timeout=5000):
        view.show_review(number)
    with qtbot.waitSignal(view.printed, timeout=15_000):
        qtbot.keyClick(view.review_table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert pdf_printers[-1][0] == "invoice" and "Printed the variance report" in view.post_label.text()
    text = pdf_text(sent[-1])
    assert number in text and "CP-00" in text and "-10.00" in text


def test_with_no_printer_the_view_says_so(qtbot, staff, parts, show_view):
    manager = staff["manager"]
    number = counts.start_session(manager, CountScope("all"))
    view = show_view(manager)
    with qtbot.waitSignal(view.printed, timeout=15_000) as printed:
        view.print_sheet(number)
    assert printed.args[0][1] is False and "No printer" in view.sessions_note.text()


def test_a_count_sheet_scanned_on_the_list_opens_its_count(qtbot, staff, parts, show_view):
    keeper = staff["storekeeper"]
    number = counts.start_session(keeper, CountScope("all"))
    view = show_view(keeper)
    qtbot.waitUntil(lambda: bool(view.sessions), timeout=5000)
    with qtbot.waitSignal(view.count_opened, timeout=5000):
        post(QApplication.focusWidget() or view.sessions_table, scanner_keys(number, start_ms=next(_clock_ms)))
    assert view.number == number


def test_the_tones_are_the_shipped_files_and_the_view_counts_without_sound(tmp_path, qapp):
    written = count_view.write_sounds(tmp_path)
    for path in written:
        shipped = count_view.sound_path(path.stem.removeprefix("count-").replace("-", "_"))
        assert shipped.read_bytes() == path.read_bytes(), shipped
        assert 1_000 < len(path.read_bytes()) < 20_000
    assert len({path.read_bytes() for path in written}) == 4  # four different tones
    sounds = count_view.ScanSounds(QObject())
    sounds.play(DOUBLE)  # with or without Qt Multimedia: no error
    assert sounds.played == [DOUBLE]
