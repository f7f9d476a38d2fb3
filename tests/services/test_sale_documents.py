"""Printed receipts, invoices and credit notes, read back: the text with pdftotext, the number's barcode with
zbarimg, the roll's width with pdfinfo; on both engines."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from partsdesk.domain.errors import UserError
from partsdesk.domain.permissions import SYSTEM
from partsdesk.domain.tender import Payment
from partsdesk.models import Sale, transaction
from partsdesk.printing.sale_documents import write_invoice, write_receipt
from partsdesk.services import catalog, clock, settings, stock, users
from partsdesk.services.customers import save_customer
from partsdesk.services.returns import ReturnLine, take_return
from partsdesk.services.sale_documents import sale_document
from partsdesk.services.sales import LineRequest, commit_sale

SOLD_AT = datetime(2026, 11, 22, 10, 0)  # UTC, as stored
LOCAL = SOLD_AT.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")  # as printed


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def scanned(path: Path, tmp_path: Path, *, page: int = 1) -> list[str]:
    """What a counter scanner reads off ``page``: rendered at 300 dpi, decoded by zbarimg."""
    image = tmp_path / f"{path.stem}-scan"
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                    str(image)], check=True)
    result = subprocess.run(["zbarimg", "-q", "--raw", f"{image}.png"], capture_output=True, text=True)
    return result.stdout.split()


def row(text: str, *cells: str) -> bool:
    """Some line of ``text`` holds ``cells`` in order, separated by spaces only (a space inside a
    cell may come out of pdftotext as none: "0 %" reads "0%")."""
    pattern = "[ ]+".join(re.escape(cell).replace(r"\ ", "[ ]*") for cell in cells)
    return re.search(pattern, text) is not None


@pytest.fixture
def counter(staff):
    """A shop with its header set, pads (with a Chinese name), a caliper with a core deposit and
    oil by the litre in stock, and a company customer with a tax ID."""
    clock.set_clock(lambda: SOLD_AT)
    admin = staff["admin"]
    for name, value in (("shop.name", "吴记汽配 Wu Auto Parts"), ("shop.address", "1 Station Road, Suzhou"),
                        ("shop.phone", "0512-6666 8888"), ("shop.tax_id", "91320500MA1X")):
        settings.set_value(admin, name, value)
    catalog.ensure_standard_categories()

    def part(number: str, name: str, retail: str, **extra) -> int:
        return catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": name,
                                                "category": "brakes.pads", "price_retail": retail,
                                                "price_trade": retail, "price_wholesale": retail, "cost": "20.00",
                                                "tax_rate": "13", **extra}, barcodes=[], numbers=[], fitments=[])

    parts = {"pads": part("BP-1", "Brake pad set", "113.00", name_zh="刹车片"),
             "caliper": part("CA-2", "Brake caliper", "565.00", core_charge="50.00"),
             "oil": part("OIL-5", "Engine oil 5W-30", "40.00", unit="L")}
    with transaction():
        for part_id in parts.values():
            stock.post_move(part_id=part_id, qty=1_000_000, unit_cost=2_000, reason="receipt", document="GR-1",
                            user_id=None)
    parts["fleet"] = save_customer(staff["manager"], None, {
        "kind": "company", "name": "上海车队 Fleet Ltd", "address": "8 Ring Road, Shanghai", "tax_id": "91310000X",
        "credit_limit": "100000", "payment_terms_days": "30"}, phones=[])
    return parts


@pytest.fixture
def walk_in_receipt(staff, counter) -> str:
    """2 pad sets at 10 % off and 4.5 L of oil, paid 400.00 cash: 383.40, change 16.60."""
    result = commit_sale(staff["cashier"], [LineRequest(counter["pads"], 2_000, discount_bp=1_000),
                                            LineRequest(counter["oil"], 4_500)], [Payment("cash", 40_000)])
    assert (result.number, result.total, result.change) == ("RC-000001", 38_340, 1_660)
    return result.number


@pytest.fixture
def company_invoice(staff, counter) -> str:
    """A caliper (with its 50.00 core deposit, untaxed) and a pad set on account, a card top-up."""
    result = commit_sale(staff["cashier"], [LineRequest(counter["caliper"], 1_000), LineRequest(counter["pads"], 1_000)],
                         [Payment("card", 10_000, reference="T-4711"), Payment("on_account", 62_800)],
                         customer_id=counter["fleet"])
    assert (result.number, result.total) == ("INV-000001", 72_800)
    return result.number


# --- what the service hands the printers ----------------------------------------------------------

def test_the_document_carries_the_sale_as_committed(staff, counter, company_invoice):
    doc = sale_document(" inv-000001 ")  # as typed: case and spaces do not matter
    sale = Sale.get(Sale.number == "INV-000001")
    assert (doc.number, doc.kind, doc.title, doc.copy) == ("INV-000001", "invoice", "Invoice", False)
    assert (doc.shop_name, doc.shop_tax_id, doc.currency) == ("吴记汽配 Wu Auto Parts", "91320500MA1X", "CNY")
    assert (doc.customer_name, doc.customer_tax_id, doc.customer_address) == (
        "上海车队 Fleet Ltd", "91310000X", "8 Ring Road, Shanghai")
    assert doc.cashier == "Cashier" and doc.terminal == sale.terminal and doc.at.strftime("%Y-%m-%d %H:%M") == LOCAL
    assert [(x.line_no, x.part_number, x.description, x.description_zh, x.core_of_line) for x in doc.lines] == [
        (1, "CA-2", "Brake caliper", "", None), (2, "", "Core deposit: CA-2", "", 1),
        (3, "BP-1", "Brake pad set", "刹车片", None)]
    assert [(b.rate_bp, b.net, b.tax, b.total) for b in doc.tax_by_rate] == [(0, 5_000, 0, 5_000),
                                                                            (1_300, 60_000, 7_800, 67_800)]
    assert (doc.net, doc.tax, doc.total) == (sale.net, sale.tax, sale.total) == (65_000, 7_800, 72_800)
    assert [(p.label, p.amount, p.reference) for p in doc.payments] == [("Card", 10_000, "T-4711"),
                                                                         ("On account", 62_800, "")]
    assert (doc.change, doc.rounding) == (0, 0)
    assert sale_document("INV-000001", copy=True).copy


def test_an_unknown_number_is_a_clear_error(staff, counter, walk_in_receipt):
    with pytest.raises(UserError, match=r"^There is no invoice or receipt INV-000009\.$"):
        sale_document("INV-000009")
    with pytest.raises(UserError, match="Name the invoice or receipt"):
        sale_document("   ")


# --- receipt ------------------------------------------------------------------------------------

def test_the_receipt_prints_lines_totals_payments_and_a_scannable_number(staff, counter, walk_in_receipt, tmp_path):
    target = tmp_path / "receipt.pdf"
    write_receipt(sale_document(walk_in_receipt), target)
    text = pdf_text(target)
    assert "吴记汽配 Wu Auto Parts" in text and "1 Station Road, Suzhou" in text and "Tax ID 91320500MA1X" in text
    assert "RECEIPT RC-000001" in text and LOCAL in text and "Served by Cashier" in text
    assert "BP-1 Brake pad set 刹车片" in text and row(text, "2 x 101.70", "203.40")
    assert "(list 113.00, discount 10 %)" in text
    assert "OIL-5 Engine oil 5W-30" in text and row(text, "4.5 L x 40.00", "180.00")
    assert row(text, "Net", "339.29") and row(text, "Tax 13 % on 339.29", "44.11")
    assert row(text, "TOTAL CNY", "383.40") and "Prices include tax." in text
    assert row(text, "Cash", "400.00") and row(text, "Change", "16.60")
    assert "COPY" not in text
    assert scanned(target, tmp_path) == ["RC-000001"]
    info = pdf_info(target)
    assert info["Pages"] == "1"
    width, height = map(float, re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"]).groups())
    assert round(width / 72 * 25.4, 1) == 80.0  # the 80 mm roll
    assert 90 < height / 72 * 25.4 < 190  # as long as its content, not a whole A4


def test_a_reprinted_receipt_says_copy(staff, counter, walk_in_receipt, tmp_path):
    target = tmp_path / "copy.pdf"
    write_receipt(sale_document(walk_in_receipt), target, copy=True)
    text = pdf_text(target)
    assert text.count("COPY") == 2 and "Reprint of receipt RC-000001" in text
    assert row(text, "TOTAL CNY", "383.40") and scanned(target, tmp_path) == ["RC-000001"]
    flagged = tmp_path / "flagged.pdf"
    write_receipt(sale_document(walk_in_receipt, copy=True), flagged)
    assert "COPY" in pdf_text(flagged)


def test_a_long_receipt_grows_the_roll_and_stays_one_page(staff, counter, tmp_path):
    lines = [LineRequest(counter["pads"], 1_000) for _ in range(40)]
    result = commit_sale(staff["cashier"], lines, [Payment("cash", 500_000)])
    target = tmp_path / "long.pdf"
    write_receipt(sale_document(result.number), target)
    info = pdf_info(target)
    height_mm = float(re.match(r"[\d.]+ x ([\d.]+) pts", info["Page size"]).group(1)) / 72 * 25.4
    assert info["Pages"] == "1" and height_mm > 300
    text = pdf_text(target)
    assert text.count("BP-1 Brake pad set") == 40 and row(text, "TOTAL CNY", "4,520.00")
    assert scanned(target, tmp_path) == [result.number]


def test_an_invoice_sale_prints_on_the_roll_with_the_customers_tax_id(staff, counter, company_invoice, tmp_path):
    target = tmp_path / "invoice-roll.pdf"
    write_receipt(sale_document(company_invoice), target)
    text = pdf_text(target)
    assert "INVOICE INV-000001" in text and "Customer: 上海车队 Fleet Ltd" in text and "Tax ID 91310000X" in text
    assert "Core deposit: CA-2" in text and row(text, "1 x 50.00", "50.00")
    assert row(text, "Tax 0 % on 50.00", "0.00") and row(text, "Card T-4711", "100.00")
    assert row(text, "On account", "628.00") and "Change" not in text
    assert scanned(target, tmp_path) == ["INV-000001"]


# --- invoice ------------------------------------------------------------------------------------

def test_the_invoice_prints_both_tax_ids_lines_tax_by_rate_and_payments(staff, counter, company_invoice, tmp_path):
    target = tmp_path / "invoice.pdf"
    write_invoice(sale_document(company_invoice), target)
    text = pdf_text(target)
    assert "吴记汽配 Wu Auto Parts" in text and "Tax ID 91320500MA1X" in text  # the shop's
    assert "上海车队 Fleet Ltd" in text and "8 Ring Road, Shanghai" in text and "Tax ID 91310000X" in text
    assert "Invoice" in text and "Number: INV-000001" in text and f"Date: {LOCAL}" in text
    assert row(text, "1", "CA-2", "Brake caliper", "1", "565.00", "13 %", "565.00")
    assert row(text, "2", "Core deposit: CA-2", "1", "50.00", "0 %", "50.00")
    assert "refundable when the old part of line 1 is" in text
    assert row(text, "3", "BP-1", "Brake pad set", "1", "113.00", "13 %", "113.00") and "刹车片" in text
    assert row(text, "0 %", "50.00", "0.00", "50.00") and row(text, "13 %", "600.00", "78.00", "678.00")
    assert row(text, "Net", "650.00") and row(text, "Tax", "78.00") and row(text, "Total (CNY)", "728.00")
    assert row(text, "Card", "T-4711", "100.00") and row(text, "On account", "628.00")
    assert "Page 1" in text and "INV-000001" in text.split("Page 1")[0].splitlines()[-1]
    assert "COPY" not in text
    assert pdf_info(target)["Page size"].startswith("595.276 x 841.89")  # A4
    assert scanned(target, tmp_path) == ["INV-000001"]


def test_a_reprinted_invoice_says_copy_on_every_page(staff, counter, tmp_path):
    lines = [LineRequest(counter["pads"], 1_000) for _ in range(60)]
    result = commit_sale(staff["cashier"], lines, [Payment("on_account", 60 * 11_300)], customer_id=counter["fleet"])
    target = tmp_path / "copy.pdf"
    write_invoice(sale_document(result.number), target, copy=True)
    pages = pdf_text(target).split("\f")[:-1]
    assert len(pages) >= 2 and "Reprint of invoice INV-000001" in pages[0]
    assert all(re.search(r"INV-000001 · COPY\s+Page \d", page) for page in pages)


def test_a_three_page_invoice_numbers_its_pages_and_repeats_the_heading(staff, counter, tmp_path):
    lines = [LineRequest(counter["pads"] if n % 2 else counter["oil"], 1_000) for n in range(80)]
    result = commit_sale(staff["cashier"], lines, [Payment("on_account", 40 * 11_300 + 40 * 4_000)],
                         customer_id=counter["fleet"])
    target = tmp_path / "long.pdf"
    write_invoice(sale_document(result.number), target)
    assert pdf_info(target)["Pages"] == "3"
    pages = pdf_text(target).split("\f")[:-1]
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"{result.number}\s+Page {number}\s*$", page.rstrip()), page[-300:]
        assert row(page, "#", "Part no.", "Description", "Qty", "Unit price", "Disc.", "Tax", "Amount (CNY)")
    body = "".join(pages)
    assert body.count("Brake pad set") == 40 and body.count("Engine oil 5W-30") == 40
    assert row(pages[-1], "Total (CNY)", "6,120.00")
    assert scanned(target, tmp_path) == [result.number]


def test_a_walk_in_who_asks_for_an_invoice_gets_one_without_a_customer(staff, counter, tmp_path):
    result = commit_sale(staff["cashier"], [LineRequest(counter["oil"], 1_000)], [Payment("cash", 5_000)],
                         want_invoice=True)
    target = tmp_path / "walk-in.pdf"
    write_invoice(sale_document(result.number), target)
    text = pdf_text(target)
    assert result.number == "INV-000001" and "Walk-in customer" in text and "Tax ID 91320500MA1X" in text
    assert row(text, "Cash", "tendered 50.00, change 10.00", "40.00")


def test_prices_without_tax_print_net_amounts_and_add_the_tax(staff, counter, tmp_path):
    settings.set_value(staff["admin"], "tax.prices_include_tax", False)
    result = commit_sale(staff["cashier"], [LineRequest(counter["pads"], 1_000)], [Payment("cash", 20_000)])
    doc = sale_document(result.number)
    assert (doc.prices_include_tax, doc.lines[0].amount, doc.net, doc.tax, doc.total) == (
        False, 11_300, 11_300, 1_469, 12_769)
    receipt, invoice = tmp_path / "receipt.pdf", tmp_path / "invoice.pdf"
    write_receipt(doc, receipt)
    write_invoice(doc, invoice)
    text = pdf_text(receipt)
    assert row(text, "1 x 113.00", "113.00") and row(text, "Tax 13 % on 113.00", "14.69")
    assert row(text, "TOTAL CNY", "127.69") and "Prices exclude tax; tax is added." in text
    text = pdf_text(invoice)
    assert row(text, "BP-1", "Brake pad set", "1", "113.00", "13 %", "113.00") and row(text, "Total (CNY)", "127.69")
    assert "Unit prices and amounts exclude tax; tax is added below." in text


# --- credit notes (returns) ---------------------------------------------------------------------

@pytest.fixture
def cash_return(staff, counter, walk_in_receipt) -> str:
    """One of the two pad sets of the walk-in's receipt back, wrong part: 101.70 in cash."""
    result = take_return(staff["cashier"], walk_in_receipt, [ReturnLine(1, 1_000)], reason="wrong_part")
    assert (result.number, result.total) == ("CN-000001", 10_170)
    return result.number


def test_a_credit_note_reads_into_the_same_document_as_a_sale(staff, counter, cash_return):
    doc = sale_document(" cn-000001 ")
    assert (doc.number, doc.kind, doc.title, doc.is_credit_note, doc.copy) == (
        "CN-000001", "credit_note", "Credit note", True, False)
    assert (doc.reference, doc.reason, doc.approved_by, doc.cashier) == ("RC-000001", "Wrong part", "", "Cashier")
    assert doc.reference_at.strftime("%Y-%m-%d %H:%M") == LOCAL == doc.at.strftime("%Y-%m-%d %H:%M")
    assert (doc.shop_name, doc.customer_id, doc.customer_name, doc.prices_include_tax) == (
        "吴记汽配 Wu Auto Parts", None, "", True)
    assert [(x.line_no, x.part_number, x.description_zh, x.qty, x.unit_price, x.discount_bp, x.net, x.tax, x.total,
             x.amount) for x in doc.lines] == [(1, "BP-1", "刹车片", 1_000, 10_170, 1_000, 9_000, 1_170, 10_170, 10_170)]
    assert [(b.rate_bp, b.net, b.tax, b.total) for b in doc.tax_by_rate] == [(1_300, 9_000, 1_170, 10_170)]
    assert (doc.net, doc.tax, doc.total, doc.change, doc.rounding, doc.note) == (9_000, 1_170, 10_170, 0, 0, "")
    assert [(p.method, p.label, p.amount, p.tendered, p.change) for p in doc.payments] == [
        ("cash", "Cash", 10_170, 0, 0)]
    assert sale_document("CN-000001", credit_note=True, copy=True).copy
    assert not sale_document("RC-000001").is_credit_note  # a sale's number still reads the sale


def test_an_unknown_credit_note_or_a_sale_asked_for_as_one_is_a_clear_error(staff, counter, cash_return):
    with pytest.raises(UserError, match=r"^There is no credit note CN-000009\.$"):
        sale_document("CN-000009")
    with pytest.raises(UserError, match=r"^There is no credit note XYZ\.$"):
        sale_document("xyz", credit_note=True)
    with pytest.raises(UserError, match=r"^RC-000001 is a receipt, not a credit note\.$"):
        sale_document("RC-000001", credit_note=True)
    with pytest.raises(UserError, match=r"^Name the credit note: its number, e\.g\. CN-000001\.$"):
        sale_document("  ", credit_note=True)


def test_a_cash_return_prints_as_an_a4_credit_note_with_a_scannable_number(staff, counter, cash_return, tmp_path):
    target = tmp_path / "credit-note.pdf"
    write_invoice(sale_document(cash_return), target)
    text = pdf_text(target)
    assert "CREDIT NOTE" in text and "Number: CN-000001" in text and "Against: RC-000001" in text
    assert f"Goods returned against RC-000001 of {LOCAL}." in text and "Reason: Wrong part" in text
    assert "Credit to" in text and "Walk-in customer" in text and "Bill to" not in text
    assert row(text, "1", "BP-1", "Brake pad set", "1", "101.70", "10 %", "13 %", "101.70") and "刹车片" in text
    assert row(text, "13 %", "90.00", "11.70", "101.70") and row(text, "Total refunded (CNY)", "101.70")
    assert "Refunds" in text and row(text, "Refunded by", "Details", "Amount (CNY)") and row(text, "Cash", "101.70")
    assert "Credit note CN-000001" in text and "COPY" not in text and "Invoice" not in text
    assert pdf_info(target)["Page size"].startswith("595.276 x 841.89")  # A4
    assert scanned(target, tmp_path) == ["CN-000001"]


def test_a_return_on_account_and_card_prints_each_refund_and_the_manager(staff, counter, company_invoice, tmp_path):
    clock.set_clock(lambda: SOLD_AT + timedelta(days=31))  # past the window: a manager approves
    approval = users.step_up(staff["cashier"], approver="manager", secret="1357",
                             permission="counter.return_override", reason="fleet customer")
    result = take_return(staff["cashier"], company_invoice, [ReturnLine(1, 1_000, to_quarantine=True),
                                                             ReturnLine(2, 1_000), ReturnLine(3, 1_000)],
                         reason="warranty_replace", approval=approval)
    assert (result.number, result.total) == ("CN-000001", 72_800)
    doc = sale_document(result.number, credit_note=True)
    assert (doc.customer_name, doc.customer_tax_id, doc.approved_by) == ("上海车队 Fleet Ltd", "91310000X", "Manager")
    target = tmp_path / "credit-note.pdf"
    write_invoice(doc, target, copy=True)
    text = pdf_text(target)
    assert "CREDIT NOTE" in text and "Against: INV-000001" in text and "Approved by: Manager" in text
    assert "Reason: Warranty: replace" in text and "上海车队 Fleet Ltd" in text and "Tax ID 91310000X" in text
    assert row(text, "1", "CA-2", "Brake caliper", "1", "565.00", "13 %", "565.00")
    assert row(text, "2", "Core deposit: CA-2", "1", "50.00", "0 %", "50.00")
    assert "deposit of line 1 refunded" in text and "refundable when" not in text
    assert row(text, "0 %", "50.00", "0.00", "50.00") and row(text, "13 %", "600.00", "78.00", "678.00")
    assert row(text, "Total refunded (CNY)", "728.00")
    assert row(text, "On account", "credited to the customer's account", "628.00") and row(text, "Card", "T-4711",
                                                                                           "100.00")
    assert "Reprint of credit note CN-000001" in text and re.search(r"CN-000001 · COPY\s+Page 1", text)
    assert scanned(target, tmp_path) == ["CN-000001"]


def test_a_credit_note_prints_on_the_roll_too(staff, counter, cash_return, tmp_path):
    target = tmp_path / "credit-roll.pdf"
    write_receipt(sale_document(cash_return), target, copy=True)
    text = pdf_text(target)
    assert "CREDIT NOTE CN-000001" in text and f"against RC-000001 of {LOCAL}" in text and "Reason: Wrong part" in text
    assert "BP-1 Brake pad set 刹车片" in text and row(text, "1 x 101.70", "101.70")
    assert row(text, "TOTAL REFUNDED CNY", "101.70") and row(text, "Refund: Cash", "101.70")
    assert "Reprint of credit note CN-000001" in text and "Keep this credit note: it proves the refund." in text
    assert scanned(target, tmp_path) == ["CN-000001"]


def test_a_receipt_printed_in_chinese_reads_back_in_chinese(staff, counter, walk_in_receipt, tmp_path):
    from partsdesk import i18n

    target = tmp_path / "receipt-zh.pdf"
    i18n.set_language("zh_CN")
    try:
        write_receipt(sale_document(walk_in_receipt), target)
        words = [i18n._(text) for text in ("Change", "Prices include tax.", "Served by {name}", "Total")]
    finally:
        i18n.set_language("en")
    text = pdf_text(target)
    assert all(word != english for word, english in zip(words, ("Change", "Prices include tax."), strict=False))
    assert row(text, words[0], "16.60")  # 找零, the change
    assert row(text, words[3], "¥383.40")  # 合计: the total with the currency's sign, as Chinese writes it
    assert words[1] in text and words[2].format(name="Cashier") in text
    assert "2026年" in text and "RC-000001" in text  # the date the Chinese way, the number as it is
    assert "Change" not in text and "Prices include tax" not in text and "Served by" not in text
    assert "BP-1 Brake pad set 刹车片" in text  # the shop's own data prints as it was typed
    assert scanned(target, tmp_path) == ["RC-000001"]


def test_a_58_mm_printer_gets_the_receipt_laid_out_for_its_roll(staff, counter, walk_in_receipt, tmp_path):
    target = tmp_path / "receipt-58.pdf"
    write_receipt(sale_document(walk_in_receipt), target, roll_mm=58)
    info = pdf_info(target)
    width = float(re.match(r"([\d.]+) x", info["Page size"]).group(1))
    assert round(width / 72 * 25.4, 1) == 58.0 and info["Pages"] == "1"
    text = pdf_text(target)
    # everything the 80 mm receipt says, wrapped to the narrower roll rather than cut off
    assert "RECEIPT RC-000001" in text and "Brake pad set" in text and row(text, "TOTAL CNY", "383.40")
    assert row(text, "Change", "16.60") and "Prices include tax." in text
    assert scanned(target, tmp_path) == ["RC-000001"]
    with pytest.raises(ValueError):
        write_receipt(sale_document(walk_in_receipt), tmp_path / "x.pdf", roll_mm=70)
