"""The printing path (partsdesk.ui.print_path) and the Counter tab's print after a sale, on both
engines. Offscreen there is no printer: ``printer_for`` is replaced by Qt's PDF printer, and
what it wrote is read back (pdfinfo: pages and paper; pdftoppm + zbarimg: the page is drawn and
its barcode is the sale's number, since a printed page is an image and has no text)."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from partsdesk.domain.permissions import SYSTEM
from partsdesk.domain.tender import Payment
from partsdesk.models import Sale, transaction
from partsdesk.services import catalog, clock, stock
from partsdesk.services.customers import save_customer
from partsdesk.services.sales import LineRequest, SaleResult, commit_sale
from partsdesk.ui import print_path
from partsdesk.ui.counter_tab import CounterTab
from partsdesk.ui.print_path import PrintOutcome
from partsdesk.ui.reprint_dialog import ReprintDialog

HAS_PRINTERS = bool(QPrinterInfo.availablePrinterNames())


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def page_size_mm(path: Path) -> tuple[int, int]:
    width, _x, height, *_rest = pdf_info(path)["Page size"].split()
    return round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4)


def page_image(path: Path, tmp_path: Path, page: int, dpi: int = 200) -> Path:
    stem = tmp_path / f"{path.stem}-p{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                    str(stem)], check=True)
    return stem.with_suffix(".png")


def ink_share(png: Path) -> float:
    """The share of the page's pixels that are dark (0: blank paper)."""
    image = Image.open(png).convert("L")
    dark = sum(count for level, count in enumerate(image.histogram()) if level < 128)
    return dark / (image.width * image.height)


def barcodes(png: Path) -> list[str]:
    return subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.split()


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def shop(staff):
    """Pads and oil in stock, a company customer on account."""
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    catalog.ensure_standard_categories()

    def part(number: str, name: str, retail: str, **extra) -> int:
        part_id = catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": name,
                                                   "category": "brakes.pads", "price_retail": retail,
                                                   "price_trade": retail, "price_wholesale": retail, "cost": "20.00",
                                                   "tax_rate": "13", **extra}, barcodes=[], numbers=[], fitments=[])
        with transaction():
            stock.post_move(part_id=part_id, qty=1_000_000, unit_cost=2_000, reason="receipt", document="GR-1",
                            user_id=None)
        return part_id

    made = {"pads": part("BP-1", "Brake pad set", "113.00", name_zh="刹车片"),
            "oil": part("OIL-5", "Engine oil 5W-30", "40.00", unit="L")}
    made["fleet"] = save_customer(staff["manager"], None, {
        "kind": "company", "name": "Fleet Ltd", "address": "8 Ring Road, Shanghai", "tax_id": "91310000X",
        "credit_limit": "100000", "payment_terms_days": "30"}, phones=[])
    return made


@pytest.fixture
def receipt(staff, shop) -> SaleResult:
    result = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 2_000), LineRequest(shop["oil"], 4_500)],
                         [Payment("cash", 50_000)])
    assert (result.number, result.kind) == ("RC-000001", "receipt")
    return result


@pytest.fixture
def long_invoice(staff, shop) -> SaleResult:
    """80 lines on account: a three-page A4 invoice."""
    lines = [LineRequest(shop["pads"] if n % 2 else shop["oil"], 1_000) for n in range(80)]
    result = commit_sale(staff["cashier"], lines, [Payment("on_account", 40 * 11_300 + 40 * 4_000)],
                         customer_id=shop["fleet"])
    assert (result.number, result.kind) == ("INV-000001", "invoice")
    return result


@pytest.fixture
def no_settings(monkeypatch, tmp_path) -> Path:
    """This PC's config folder, empty (terminal settings at their defaults)."""
    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "config").mkdir(parents=True)
    return tmp_path / "home" / "config" / "terminal.json"


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    return widget


def run(qtbot, parent, runner, **kwargs) -> PrintOutcome:
    outcomes: list[PrintOutcome] = []
    print_path.print_document(parent, runner, on_done=outcomes.append, **kwargs)
    qtbot.waitUntil(lambda: bool(outcomes), timeout=15_000)
    assert len(outcomes) == 1
    return outcomes[0]


# --- printing to a printer --------------------------------------------------------------------

def test_a_receipt_prints_as_one_80_mm_page_with_its_number_scannable(qtbot, parent, runner, receipt, pdf_printers,
                                                                      tmp_path, shown_errors):
    outcome = run(qtbot, parent, runner, number="RC-000001", kind="receipt", mode="print")
    assert (outcome.ok, outcome.message, outcome.pages, outcome.copy) == (True, "", 1, False)
    [(kind, printed)] = pdf_printers
    assert kind == "receipt" and pdf_info(printed)["Pages"] == "1"
    width_mm, height_mm = page_size_mm(printed)
    assert width_mm == 80 and 90 < height_mm < 250  # the roll, as long as the receipt
    png = page_image(printed, tmp_path, 1, dpi=300)
    assert 0.005 < ink_share(png) < 0.5  # drawn, neither blank nor black
    assert barcodes(png) == ["RC-000001"]  # the receipt itself, sharp enough to scan back
    assert shown_errors == []


def test_an_invoice_prints_every_page_on_a4(qtbot, parent, runner, long_invoice, pdf_printers, tmp_path,
                                            shown_errors):
    outcome = run(qtbot, parent, runner, number="INV-000001", kind="invoice", mode="print")
    assert outcome.ok and outcome.pages == 3
    [(kind, printed)] = pdf_printers
    assert kind == "invoice" and pdf_info(printed)["Pages"] == "3" and page_size_mm(printed) == (210, 297)
    for page in (1, 2, 3):
        assert ink_share(page_image(printed, tmp_path, page, dpi=50)) > 0.002, f"page {page} is blank"
    assert barcodes(page_image(printed, tmp_path, 1)) == ["INV-000001"]
    assert shown_errors == []


# --- printer problems: said in words, the sale kept --------------------------------------------

def test_a_printer_named_in_the_settings_but_not_installed_is_named_and_the_sale_stays(
        qtbot, parent, runner, receipt, no_settings, shown_errors):
    no_settings.write_text(json.dumps({"printer.receipt": "Counter-80 ", "printer.a4": "Office"}))
    assert print_path.printer_name("receipt") == "Counter-80" and print_path.printer_name("invoice") == "Office"
    if "Counter-80" in QPrinterInfo.availablePrinterNames():
        pytest.skip("this PC has a printer of that name")
    outcome = run(qtbot, parent, runner, number="RC-000001", kind="receipt", mode="print")
    assert not outcome.ok
    assert "The receipt RC-000001 was not printed" in outcome.message
    assert "\u201cCounter-80\u201d" in outcome.message and "printer.receipt" in outcome.message
    assert "not found" in outcome.message
    assert "The sale is saved; press Ctrl+P on the Counter tab to print it again." in outcome.message
    assert Sale.get(Sale.number == "RC-000001").total == receipt.total  # nothing lost
    assert shown_errors == []  # the caller (on_done) shows it


@pytest.mark.skipif(HAS_PRINTERS, reason="this PC has printers")
def test_no_printer_at_all_shows_a_box_without_a_handler(qtbot, parent, runner, receipt, no_settings, shown_errors):
    print_path.print_document(parent, runner, number="RC-000001", kind="receipt", mode="print")
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=15_000)
    assert shown_errors == ["The receipt RC-000001 was not printed: No printer is installed on this PC. "
                            "The sale is saved; press Ctrl+P on the Counter tab to print it again."]
    assert Sale.select().count() == 1


def test_a_printer_that_will_not_start_is_reported(qtbot, parent, runner, receipt, monkeypatch, tmp_path,
                                                   shown_errors):
    def broken(_kind: str) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "no-such-folder" / "out.pdf"))  # QPainter.begin fails
        return printer

    monkeypatch.setattr(print_path, "printer_for", broken)
    outcome = run(qtbot, parent, runner, number="RC-000001", kind="receipt", mode="print")
    assert not outcome.ok and "could not be started" in outcome.message and "Ctrl+P" in outcome.message
    assert Sale.select().count() == 1 and shown_errors == []


def test_an_unknown_number_is_a_clear_message_not_an_exception(qtbot, parent, runner, receipt, pdf_printers,
                                                               shown_errors):
    outcome = run(qtbot, parent, runner, number="RC-000009", kind="receipt", mode="print")
    assert (outcome.ok, outcome.message) == (False, "There is no invoice or receipt RC-000009.")
    assert pdf_printers == [] and shown_errors == []


def test_terminal_printer_settings_fall_back_to_the_default(no_settings):
    assert print_path.printer_name("receipt") == "" and print_path.printer_name("invoice") == ""  # no file
    no_settings.write_text("{not json")
    assert print_path.printer_name("receipt") == ""
    no_settings.write_text(json.dumps({"printer.receipt": 80, "printer.a4": ["x"]}))
    assert print_path.printer_name("receipt") == "" and print_path.printer_name("invoice") == ""


def test_an_unknown_mode_is_a_programming_error(parent, runner):
    with pytest.raises(ValueError, match="mode"):
        print_path.print_document(parent, runner, number="RC-000001", kind="receipt", mode="fax")


# --- preview and save as PDF ------------------------------------------------------------------

def test_the_preview_opens_on_the_document_and_closes(qtbot, parent, runner, receipt, pdf_printers, shown_errors):
    outcome = run(qtbot, parent, runner, number="RC-000001", kind="receipt", mode="preview")
    dialog = outcome.preview
    assert outcome.ok and outcome.pages == 1 and isinstance(dialog, QPrintPreviewDialog)
    qtbot.waitExposed(dialog)
    assert dialog.isVisible() and dialog.windowTitle() == "Preview of receipt RC-000001"
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    dialog.grab().save("/tmp/print_preview.png")
    dialog.reject()
    assert not dialog.isVisible() and shown_errors == []


def test_save_as_pdf_writes_the_document_and_a_reprint_says_copy(qtbot, parent, runner, receipt, monkeypatch,
                                                                 tmp_path, shown_errors):
    asked: list[str] = []

    def save_as(_parent, _title, suggested, _filter):
        asked.append(Path(suggested).name)
        return str(tmp_path / "reprint"), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    outcome = run(qtbot, parent, runner, number="rc-000001", kind="receipt", mode="pdf", copy=True)
    assert asked == ["rc-000001-COPY.pdf"]
    assert outcome.ok and outcome.path == str(tmp_path / "reprint.pdf")
    text = pdf_text(Path(outcome.path))
    assert "COPY" in text and "Reprint of receipt RC-000001" in text and "BP-1" in text
    assert shown_errors == []


def test_a_cancelled_save_says_nothing(qtbot, parent, runner, receipt, monkeypatch, shown_errors):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: ("", ""))
    outcome = run(qtbot, parent, runner, number="RC-000001", kind="receipt", mode="pdf")
    assert (outcome.ok, outcome.message, outcome.path) == (False, "", "") and shown_errors == []


# --- the Counter tab: print after the sale, Ctrl+P reprints -----------------------------------

@pytest.fixture
def counter(open_counter, staff, shop, shown_errors) -> CounterTab:
    return open_counter(staff["cashier"])


def test_the_counter_prints_the_sale_then_ctrl_p_reprints_it_marked_copy(qtbot, counter, receipt, pdf_printers,
                                                                         monkeypatch, tmp_path, shown_errors):
    asked: list[dict] = []
    real = print_path.print_document

    def spy(*args, **kwargs):
        asked.append({key: kwargs[key] for key in ("number", "kind", "copy", "mode")})
        return real(*args, **kwargs)

    monkeypatch.setattr(print_path, "print_document", spy)
    assert counter.reprint_button.text() == "Ctrl+P Reprint"
    with qtbot.waitSignal(counter.printed, timeout=15_000) as printed:
        counter._sold(receipt)  # what the tender dialog calls once the sale is committed
        assert counter.print_label.text() == "Printing RC-000001…"
    assert printed.args[0].ok and counter.print_label.text() == "Printed RC-000001."
    assert counter.message.text().startswith("RC-000001: change")

    with qtbot.waitSignal(counter.dialog_opened, timeout=5_000) as opened:
        qtbot.keyClick(counter.entry, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = opened.args[0]
    assert isinstance(dialog, ReprintDialog) and dialog.number.text() == "RC-000001"  # the last sale, filled in
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.number)
    with qtbot.waitSignal(counter.printed, timeout=15_000) as reprinted:
        qtbot.keyClick(dialog.number, Qt.Key.Key_Return)  # Print COPY (Enter), once the number is found
    assert reprinted.args[0].ok and reprinted.args[0].copy
    assert counter.print_label.text() == "Printed RC-000001 (COPY)."
    assert asked == [{"number": "RC-000001", "kind": "receipt", "copy": False, "mode": "print"},
                     {"number": "RC-000001", "kind": "receipt", "copy": True, "mode": "print"}]
    assert [kind for kind, _file in pdf_printers] == ["receipt", "receipt"]
    assert all(pdf_info(file)["Pages"] == "1" for _kind, file in pdf_printers)
    assert shown_errors == []


def test_ctrl_p_before_any_sale_asks_for_the_number_and_prints_nothing_without_one(qtbot, counter, pdf_printers):
    with qtbot.waitSignal(counter.dialog_opened, timeout=5_000) as opened:
        qtbot.keyClick(counter.entry, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = opened.args[0]
    assert isinstance(dialog, ReprintDialog) and dialog.number.text() == ""
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    assert "Type or scan the number" in dialog.errors.fields["number"][1].text()
    assert dialog.isVisible() and pdf_printers == []


def test_the_counter_without_a_printer_says_so_and_the_sale_stays(qtbot, counter, receipt, no_settings,
                                                                  shown_errors):
    no_settings.write_text(json.dumps({"printer.receipt": "Gone-Printer"}))
    with qtbot.waitSignal(counter.printed, timeout=15_000) as printed:
        counter._sold(receipt)
    assert not printed.args[0].ok
    text = counter.print_label.text()
    assert "RC-000001 was not printed" in text and "Gone-Printer" in text and "Ctrl+P" in text
    assert "color" in counter.print_label.styleSheet()  # in red
    assert counter.message.text().startswith("RC-000001: change")  # the sale is shown as done
    assert Sale.get(Sale.number == "RC-000001").total == receipt.total and shown_errors == []
    assert counter.last_sale == ("RC-000001", "receipt")  # Ctrl+P can try again
