"""Ctrl+P on the Counter tab (partsdesk.ui.reprint_dialog), on both engines: any invoice, receipt
or credit note reprinted by its number (typed or scanned), marked COPY, through the print path's
modes; an unknown number or prefix is said in the dialog and prints nothing."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from test_scanner import post, scanner_keys

from partsdesk.domain.tender import Payment
from partsdesk.services.returns import ReturnLine, take_return
from partsdesk.services.sales import LineRequest, commit_sale
from partsdesk.ui import print_path
from partsdesk.ui.counter_tab import CounterTab
from partsdesk.ui.reprint_dialog import REPRINT_KINDS, ReprintDialog
from tests.services.counter_shop import counter_shop

_clock_ms = itertools.count(9_000_000, 10_000)


@pytest.fixture
def shop(staff):
    made = counter_shop(staff, credit_limit="5000")
    sale = commit_sale(staff["cashier"], [LineRequest(made["pads"], 2_000)], [Payment("cash", 22_600)])
    take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="wrong_part")  # CN-000001
    return made


@pytest.fixture
def tab(open_counter, staff, shop, scanner, shown_errors) -> CounterTab:
    return open_counter(staff["cashier"], scanner=scanner)


def open_reprint(qtbot, tab: CounterTab) -> ReprintDialog:
    with qtbot.waitSignal(tab.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(QApplication.focusWidget() or tab.entry, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = opened.args[0]
    assert isinstance(dialog, ReprintDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.number)
    return dialog


def test_a_credit_note_saved_as_pdf_by_its_number_says_copy(qtbot, tab, monkeypatch, tmp_path, shown_errors):
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _parent, _title, suggested, _filter: (str(tmp_path / Path(suggested).name), ""))
    dialog = open_reprint(qtbot, tab)
    assert dialog.number.text() == ""  # nothing printed at this counter yet
    qtbot.keyClicks(dialog.number, "cn-000001")
    dialog.grab().save("/tmp/reprint_dialog.png")
    with qtbot.waitSignal(tab.printed, timeout=15_000) as printed:
        qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    outcome = printed.args[0]
    assert (outcome.ok, outcome.number, outcome.kind, outcome.mode, outcome.copy) == (
        True, "CN-000001", "receipt", "pdf", True)  # the paper of the receipt it credits
    assert outcome.path == str(tmp_path / "CN-000001-COPY.pdf")
    text = subprocess.run(["pdftotext", "-layout", outcome.path, "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "COPY" in text and "Reprint of credit note CN-000001" in text and "RC-000001" in text
    assert tab.print_label.text() == f"Saved CN-000001 to {outcome.path}."
    assert tab.dialog is None and shown_errors == []


def test_an_unknown_number_or_prefix_is_said_and_nothing_prints(qtbot, tab, monkeypatch, shown_errors):
    asked: list[str] = []
    monkeypatch.setattr(print_path, "print_document", lambda *_args, **kwargs: asked.append(kwargs["number"]))
    dialog = open_reprint(qtbot, tab)
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    assert dialog.general.text() == "" and "Type or scan the number" in dialog.errors.fields["number"][1].text()

    qtbot.keyClicks(dialog.number, "CN-000009")
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    label = dialog.errors.fields["number"][1]
    qtbot.waitUntil(lambda: label.text() == "There is no credit note CN-000009.", timeout=5000)

    dialog.number.clear()
    qtbot.keyClicks(dialog.number, "XY-000001")
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    assert label.text() == ("XY-000001 is not a document this screen reprints: the number starts with "
                            f"{', '.join(prefix + '-' for prefix in REPRINT_KINDS)}.")
    assert dialog.isVisible() and dialog.number.property("invalid") is True
    assert asked == [] and shown_errors == []


def test_a_scanned_number_fills_the_field_and_print_reprints_it_marked_copy(qtbot, tab, monkeypatch, shown_errors):
    asked: list[dict] = []
    monkeypatch.setattr(print_path, "print_document",
                        lambda *_args, **kwargs: asked.append({k: kwargs[k] for k in ("number", "kind", "copy",
                                                                                      "mode")}))
    dialog = open_reprint(qtbot, tab)
    post(dialog.number, scanner_keys("RC-000001", start_ms=next(_clock_ms)))
    qtbot.waitUntil(lambda: dialog.number.text() == "RC-000001", timeout=5000)
    assert dialog.isVisible()  # a scan fills in; the cashier chooses how
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    assert asked == [{"number": "RC-000001", "kind": "receipt", "copy": True, "mode": "print"}]
    assert tab.print_label.text() == "Reprinting RC-000001 (COPY)…" and shown_errors == []


def test_a_quote_an_orders_pick_list_and_a_z_report_reprint_by_their_numbers(qtbot, tab, staff, shop, monkeypatch,
                                                                              shown_errors):
    from partsdesk.services import cashup, orders, quotes

    quote = quotes.save_quote(staff["cashier"], [LineRequest(shop["pads"], 1_000)])
    order = orders.create_order(staff["cashier"], [LineRequest(shop["pads"], 1_000)], channel="phone")
    closed = cashup.close_day(staff["cashier"], counted_cash="0")
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(print_path, "print_document",
                        lambda *_args, **kwargs: asked.append((kwargs["number"], kwargs["kind"])))
    for number in (quote.number, order, closed.number):
        dialog = open_reprint(qtbot, tab)
        qtbot.keyClicks(dialog.number, number.lower())
        with qtbot.waitSignal(dialog.finished, timeout=5000):
            qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    assert asked == [(quote.number, "quote"), (order, "picklist"), (closed.number, "zreport")]
    dialog = open_reprint(qtbot, tab)
    qtbot.keyClicks(dialog.number, "QT-000099")
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    label = dialog.errors.fields["number"][1]
    qtbot.waitUntil(lambda: "QT-000099" in label.text(), timeout=5000)
    assert len(asked) == 3 and shown_errors == []
