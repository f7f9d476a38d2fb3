"""The ``partsdesk`` command as support staff and scripts use it: exit codes, output, messages."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from partsdesk import cli
from partsdesk.models import database
from tests.conftest import PG_URL


@pytest.fixture
def shop(tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))  # never the real user's shop
    yield str(tmp_path / "shop.sqlite")
    if database.obj is not None:
        database.obj.close()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    finally:
        if database.obj is not None:
            database.obj.close()  # as the end of the process would
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def add_admin(capsys, shop: str) -> None:
    code, out, err = run(capsys, "user", "add", "ada", "--db", shop, "--role", "admin", "--name", "Ada Admin",
                         "--pin", "2580", "--password", "admin-pass-1")
    assert (code, err) == (0, "") and "Added ada (Administrator)." in out


def test_user_add_list_passwd_disable(shop, capsys):
    add_admin(capsys, shop)
    code, out, _ = run(capsys, "user", "add", "carl", "--db", shop, "--role", "cashier", "--pin", "1357")
    assert code == 0 and "Added carl (Cashier)." in out

    code, out, _ = run(capsys, "user", "list", "--db", shop)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["user", "name", "role", "password", "state"]
    assert any(re.match(r"carl\s+carl\s+Cashier\s+no\s+active", line) for line in lines)
    assert any(re.match(r"ada\s+Ada Admin\s+Administrator\s+yes\s+active", line) for line in lines)

    code, out, _ = run(capsys, "user", "passwd", "carl", "--db", shop, "--pin", "8642")
    assert code == 0 and "Changed the secret of carl" in out
    from partsdesk.services import users

    database.obj.connect()
    assert users.switch_user("carl", "8642").username == "carl"
    database.obj.close()

    code, out, _ = run(capsys, "user", "disable", "carl", "--db", shop, "--reason", "left the shop")
    assert code == 0 and "carl is now disabled." in out
    code, out, _ = run(capsys, "user", "list", "--db", shop)
    assert any(re.match(r"carl\s+.*disabled", line) for line in out.splitlines())


def test_user_errors_go_to_stderr_with_exit_code_1(shop, capsys):
    add_admin(capsys, shop)
    code, out, err = run(capsys, "user", "add", "ada", "--db", shop, "--role", "cashier", "--pin", "1357")
    assert (code, out) == (1, "") and err.startswith("partsdesk: ") and "already a user named ada" in err
    code, out, err = run(capsys, "user", "add", "bob", "--db", shop, "--role", "cashier", "--pin", "12")
    assert code == 1 and out == "" and "PIN" in err
    code, out, err = run(capsys, "user", "passwd", "nobody", "--db", shop, "--pin", "8642")
    assert code == 1 and "no user named 'nobody'" in err
    code, out, err = run(capsys, "user", "disable", "ada", "--db", shop)
    assert code == 1 and "last active administrator" in err
    code, out, err = run(capsys, "user", "passwd", "ada", "--db", shop)
    assert code == 1 and "--pin and/or --password" in err


def tamper_audit_row(path: str, row_id: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET reason = 'nothing to see' WHERE id = ?", (row_id,))
    conn.commit()
    conn.close()


def test_check_passes_on_a_sound_shop_and_fails_with_a_report_on_a_tampered_one(shop, capsys):
    add_admin(capsys, shop)
    code, out, err = run(capsys, "check", "--db", shop)
    assert code == 0, out + err
    assert "All checks passed." in out and "[ok] audit chain" in out and "[ok] stock ledger" in out

    tamper_audit_row(shop, 1)
    code, out, err = run(capsys, "check", "--db", shop)
    assert code == 1
    assert "[FAILED] audit chain" in out and "audit row 1: its content does not match its hash" in out
    assert "[ok] integrity" in out and "All checks passed." not in out
    assert "1 check(s) failed." in err


def test_backup_then_restore_takes_the_shop_back(shop, capsys):
    add_admin(capsys, shop)
    code, out, err = run(capsys, "backup", "--db", shop)
    assert code == 0, err
    made = Path(out.strip().removeprefix("Backup written and verified: "))
    assert made.is_file() and made.parent == Path(shop).parent / "shop-backups"
    run(capsys, "user", "add", "late", "--db", shop, "--role", "cashier", "--pin", "1357")

    code, out, err = run(capsys, "restore", str(made), "--db", shop, "--yes")
    assert code == 0, err
    kept = Path(out.strip().split(" was kept as ")[1].rstrip("."))
    assert kept.is_file() and kept.name.startswith("kept-before-restore-")

    code, out, _ = run(capsys, "user", "list", "--db", shop)
    names = {line.split()[0] for line in out.splitlines()[1:]}
    assert names == {"ada"}
    code, out, _ = run(capsys, "check", "--db", shop)
    assert code == 0, out


def test_backup_to_another_folder(shop, capsys, tmp_path):
    add_admin(capsys, shop)
    code, out, err = run(capsys, "backup", "--db", shop, "--to", str(tmp_path / "usb-stick"))
    assert code == 0, err
    assert [p.name.startswith("shop-manual-") for p in (tmp_path / "usb-stick").iterdir()] == [True]


def test_restore_asks_for_confirmation_and_refuses_a_bad_file(shop, capsys, tmp_path, monkeypatch):
    add_admin(capsys, shop)
    code, _, _ = run(capsys, "backup", "--db", shop)
    assert code == 0
    made = next((Path(shop).parent / "shop-backups").iterdir())
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a script: no terminal to ask on
    code, out, err = run(capsys, "restore", str(made), "--db", shop)
    assert code == 2 and "--yes" in err

    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    code, out, err = run(capsys, "restore", str(junk), "--db", shop, "--yes")
    assert code == 1 and out == ""
    assert err.startswith("partsdesk: ") and "not a PartsDesk backup" in err and "Nothing was changed" in err
    assert [p.name for p in (Path(shop).parent / "shop-backups").iterdir()] == [made.name]  # nothing kept aside


@pytest.mark.skipif(not PG_URL, reason="needs the PostgreSQL test server")
def test_backup_on_postgresql_explains_pg_dump(capsys, monkeypatch, tmp_path):
    from tests.conftest import reset_pg_schema

    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))
    if database.obj is not None:
        database.obj.close()
    reset_pg_schema(PG_URL)
    try:
        code, out, err = run(capsys, "backup", "--db", PG_URL)
    finally:
        database.obj.close()
    assert code == 1 and "pg_dump -Fc" in err


def test_the_installed_command_reports_errors_without_a_traceback(tmp_path):
    env = {"PARTSDESK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00" * 64)
    done = subprocess.run([sys.executable, "-m", "partsdesk", "restore", str(junk), "--db",
                           str(tmp_path / "shop.sqlite"), "--yes"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 1
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.startswith("partsdesk: ") and "not a PartsDesk backup" in done.stderr


# --- print statement --------------------------------------------------------------------------

@pytest.fixture
def account_shop(staff, db_url, tmp_path, monkeypatch):
    """A shop (SQLite or PostgreSQL, as the suite runs) with one customer owing two invoices."""
    from datetime import date

    from partsdesk.services import accounts
    from partsdesk.services.customers import save_customer

    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))
    customer_id = save_customer(staff["cashier"], None, {"name": "Garage Wu", "member_card": "M3001"}, phones=[])
    accounts.set_credit_terms(staff["manager"], customer_id, credit_limit=1_000_000, payment_terms_days=30)
    accounts.post_invoice(customer_id, document="INV-0101", amount=150_000, issued_on=date(2026, 9, 1), user_id=None)
    accounts.post_invoice(customer_id, document="INV-0102", amount=25_050, issued_on=date(2026, 11, 1), user_id=None)
    database.obj.close()
    return db_url, customer_id


def test_print_statement_by_record_number_or_member_card(account_shop, capsys, tmp_path):
    url, customer_id = account_shop
    out = tmp_path / "statement.pdf"
    code, stdout, err = run(capsys, "print", "statement", f"#{customer_id}", "--out", str(out), "--db", url,
                            "--as-of", "2026-11-22")
    assert (code, err) == (0, ""), err
    assert stdout.startswith(f"Statement of Garage Wu (#{customer_id}) on 2026-11-22: 2 open item(s), total due "
                             "1,750.50 CNY; written to ")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Garage Wu" in text and "INV-0101" in text and "INV-0102" in text
    assert re.search(r"Total due\s+1,750\.50", text) and "Date: 2026-11-22" in text
    by_card = tmp_path / "by-card.pdf"
    code, stdout, err = run(capsys, "print", "statement", "m3001", "--out", str(by_card), "--db", url)
    assert code == 0 and by_card.is_file() and "Garage Wu" in stdout
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == ["by-card.pdf", "statement.pdf"]


def test_print_statement_of_an_unknown_customer_writes_nothing(account_shop, capsys, tmp_path):
    url, _ = account_shop
    out = tmp_path / "nobody.pdf"
    code, stdout, err = run(capsys, "print", "statement", "#4242", "--out", str(out), "--db", url)
    assert code == 1 and stdout == ""
    assert err.startswith("partsdesk: ") and "No customer with record number or member card '#4242'" in err
    code, stdout, err = run(capsys, "print", "statement", "1", "--out", str(out), "--db", url, "--as-of", "22/11/2026")
    assert code == 1 and "--as-of '22/11/2026' is not a date" in err
    code, stdout, err = run(capsys, "print", "statement", "1", "--out", str(tmp_path / "no-such-folder" / "x.pdf"),
                            "--db", url)
    assert code == 1 and "does not exist" in err
    assert not out.exists() and not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*partial"))


# --- print invoice / receipt ------------------------------------------------------------------

@pytest.fixture
def sales_shop(staff, db_url, tmp_path, monkeypatch):
    """A shop (SQLite or PostgreSQL, as the suite runs) with a walk-in receipt RC-000001 and a
    company's invoice INV-000001."""
    from datetime import datetime

    from partsdesk.domain.permissions import SYSTEM
    from partsdesk.domain.tender import Payment
    from partsdesk.models import transaction
    from partsdesk.services import catalog, clock, settings, stock
    from partsdesk.services.customers import save_customer
    from partsdesk.services.sales import LineRequest, commit_sale

    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    settings.set_value(staff["admin"], "shop.tax_id", "91320500MA1X")
    catalog.ensure_standard_categories()
    pads = catalog.save_part(SYSTEM, None, {"number": "BP-1", "brand": "Bosch", "name_en": "Brake pad set",
                                            "name_zh": "刹车片", "category": "brakes.pads", "price_retail": "113.00",
                                            "price_trade": "113.00", "price_wholesale": "113.00", "cost": "60.00",
                                            "tax_rate": "13"}, barcodes=[], numbers=[], fitments=[])
    with transaction():
        stock.post_move(part_id=pads, qty=10_000, unit_cost=6_000, reason="receipt", document="GR-1", user_id=None)
    fleet = save_customer(staff["manager"], None, {"kind": "company", "name": "Fleet Ltd", "tax_id": "91310000X",
                                                   "credit_limit": "1000", "payment_terms_days": "30"}, phones=[])
    receipt = commit_sale(staff["cashier"], [LineRequest(pads, 2_000)], [Payment("cash", 30_000)])
    invoice = commit_sale(staff["cashier"], [LineRequest(pads, 1_000)], [Payment("on_account", 11_300)],
                          customer_id=fleet)
    assert (receipt.number, invoice.number) == ("RC-000001", "INV-000001")
    database.obj.close()
    return db_url


def pdf_facts(path: Path) -> tuple[str, str, list[str]]:
    """The PDF's text, its first page's size and the barcodes a scanner reads off that page."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    size = re.search(r"Page size:\s+(.*)", info).group(1)
    image = path.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(image)],
                   check=True)
    codes = subprocess.run(["zbarimg", "-q", "--raw", f"{image}.png"], capture_output=True, text=True).stdout.split()
    return text, size, codes


def test_print_receipt_and_invoice_by_number(sales_shop, capsys, tmp_path):
    url = sales_shop
    receipt = tmp_path / "receipt.pdf"
    code, stdout, err = run(capsys, "print", "receipt", "RC-000001", "--out", str(receipt), "--db", url)
    assert (code, err) == (0, ""), err
    assert stdout.startswith("Receipt RC-000001 of ") and "total 226.00 CNY (80 mm roll): written to " in stdout
    text, size, codes = pdf_facts(receipt)
    assert "RECEIPT RC-000001" in text and "Brake pad set 刹车片" in text and re.search(r"TOTAL CNY\s+226\.00", text)
    assert re.search(r"Change\s+74\.00", text) and "COPY" not in text
    assert size.startswith("226.77") and codes == ["RC-000001"]  # 80 mm wide

    invoice = tmp_path / "invoice.pdf"
    code, stdout, err = run(capsys, "print", "invoice", "inv-000001", "--out", str(invoice), "--db", url, "--copy")
    assert (code, err) == (0, ""), err
    assert "Invoice INV-000001" in stdout and "marked COPY (A4)" in stdout
    text, size, codes = pdf_facts(invoice)
    assert "Tax ID 91320500MA1X" in text and "Fleet Ltd" in text and "Tax ID 91310000X" in text
    assert re.search(r"Total \(CNY\)\s+113\.00", text) and "COPY" in text and "Page 1" in text
    assert size.startswith("595.27") and codes == ["INV-000001"]


def test_the_word_typed_chooses_the_paper_the_sale_its_title(sales_shop, capsys, tmp_path):
    url = sales_shop
    roll = tmp_path / "invoice-on-roll.pdf"
    code, stdout, err = run(capsys, "print", "receipt", "INV-000001", "--out", str(roll), "--db", url)
    assert code == 0 and "(80 mm roll)" in stdout
    text, size, codes = pdf_facts(roll)
    assert "INVOICE INV-000001" in text and "Tax ID 91310000X" in text and size.startswith("226.77")
    a4 = tmp_path / "receipt-on-a4.pdf"
    code, stdout, err = run(capsys, "print", "invoice", "RC-000001", "--out", str(a4), "--db", url)
    assert code == 0 and "(A4)" in stdout
    text, size, codes = pdf_facts(a4)
    assert "Receipt" in text and "Walk-in customer" in text and size.startswith("595.27") and codes == ["RC-000001"]


def test_print_of_an_unknown_sale_writes_nothing(sales_shop, capsys, tmp_path):
    url = sales_shop
    out = tmp_path / "nothing.pdf"
    for document in ("invoice", "receipt"):
        code, stdout, err = run(capsys, "print", document, "INV-000009", "--out", str(out), "--db", url)
        assert (code, stdout) == (1, "")
        assert err == "partsdesk: There is no invoice or receipt INV-000009.\n"
    code, stdout, err = run(capsys, "print", "receipt", "RC-000001", "--out", str(tmp_path / "no-such" / "x.pdf"),
                            "--db", url)
    assert code == 1 and "does not exist" in err
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*partial"))


# --- print creditnote -------------------------------------------------------------------------

@pytest.fixture
def return_shop(sales_shop, staff):
    """The sales shop with one pad set of the walk-in's receipt RC-000001 taken back: CN-000001."""
    from partsdesk.services.returns import ReturnLine, take_return

    result = take_return(staff["cashier"], "RC-000001", [ReturnLine(1, 1_000)], reason="wrong_part")
    assert (result.number, result.total) == ("CN-000001", 11_300)
    database.obj.close()
    return sales_shop


def test_print_creditnote_by_number(return_shop, capsys, tmp_path):
    url = return_shop
    out = tmp_path / "credit-note.pdf"
    code, stdout, err = run(capsys, "print", "creditnote", " cn-000001", "--out", str(out), "--db", url)
    assert (code, err) == (0, ""), err
    assert stdout.startswith("Credit note CN-000001 of ") and " against RC-000001, total refunded 113.00 CNY (A4): " \
        "written to " in stdout
    text, size, codes = pdf_facts(out)
    assert "CREDIT NOTE" in text and "Number: CN-000001" in text and "Against: RC-000001" in text
    assert "Reason: Wrong part" in text and "Brake pad set" in text and "COPY" not in text
    assert re.search(r"Total refunded \(CNY\)\s+113\.00", text) and re.search(r"Cash\s+113\.00", text)
    assert size.startswith("595.27") and codes == ["CN-000001"]

    reprint = tmp_path / "reprint.pdf"
    code, stdout, err = run(capsys, "print", "creditnote", "CN-000001", "--out", str(reprint), "--db", url, "--copy")
    assert (code, err) == (0, "") and "marked COPY (A4)" in stdout
    text, _, codes = pdf_facts(reprint)
    assert "Reprint of credit note CN-000001" in text and codes == ["CN-000001"]


def test_print_creditnote_of_an_unknown_number_writes_nothing(return_shop, capsys, tmp_path):
    url = return_shop
    out = tmp_path / "nothing.pdf"
    code, stdout, err = run(capsys, "print", "creditnote", "CN-000009", "--out", str(out), "--db", url)
    assert (code, stdout, err) == (1, "", "partsdesk: There is no credit note CN-000009.\n")
    code, stdout, err = run(capsys, "print", "creditnote", "RC-000001", "--out", str(out), "--db", url)
    assert (code, stdout, err) == (1, "", "partsdesk: RC-000001 is a receipt, not a credit note.\n")
    code, stdout, err = run(capsys, "print", "creditnote", "CN-000001", "--out", str(tmp_path / "no-such" / "x.pdf"),
                            "--db", url)
    assert code == 1 and "does not exist" in err
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*partial"))


# --- print quote ------------------------------------------------------------------------------

@pytest.fixture
def quote_shop(sales_shop, staff):
    """sales_shop with the quote QT-000001 for Fleet Ltd: brake pads and two labour lines."""
    from datetime import date

    from partsdesk.models import Part
    from partsdesk.services.quotes import LabourRequest, save_quote
    from partsdesk.services.sales import LineRequest

    database.obj.connect(reuse_if_open=True)
    pads = Part.get(Part.number == "BP-1").id
    result = save_quote(staff["cashier"], [LineRequest(pads, 2_000)], customer_id=1,
                        labour=[LabourRequest("Fit brake pads 安装刹车片", 1_500), LabourRequest("Road test", 500, 10_000)],
                        valid_until=date(2026, 12, 6), note="Pads in stock; fitting takes an hour and a half.")
    assert result.number == "QT-000001"
    database.obj.close()
    return sales_shop


def test_print_quote_by_number(quote_shop, capsys, tmp_path):
    url = quote_shop
    out = tmp_path / "quote.pdf"
    code, stdout, err = run(capsys, "print", "quote", " qt-000001", "--out", str(out), "--db", url)
    assert (code, err) == (0, ""), err
    assert stdout.startswith("Quote QT-000001 of ") and "valid until 2026-12-06, total 501.00 CNY (A4): " \
        "written to " in stdout
    text, size, codes = pdf_facts(out)
    assert "Number: QT-000001" in text and "Valid until: 2026-12-06" in text and "Fleet Ltd" in text
    parts_at, labour_at = text.index("Parts\n"), text.index("Labour\n")
    assert parts_at < text.index("Brake pad set") < text.index("Parts total") < labour_at
    assert labour_at < text.index("安装刹车片") < text.index("Road test") < text.index("Labour total")
    assert re.search(r"Parts total\s+226\.00", text) and re.search(r"Labour total\s+275\.00", text)
    assert re.search(r"1\.5\s+150\.00\s+13 %\s+225\.00", text)  # hours, rate, tax, amount
    assert re.search(r"Total \(CNY\)\s+501\.00", text) and "Pads in stock" in text and "COPY" not in text
    assert size.startswith("595.27") and codes == ["QT-000001"]

    reprint = tmp_path / "reprint.pdf"
    code, stdout, err = run(capsys, "print", "quote", "QT-000001", "--out", str(reprint), "--db", url, "--copy")
    assert (code, err) == (0, "") and "marked COPY (A4)" in stdout
    text, _, codes = pdf_facts(reprint)
    assert "Reprint of quote QT-000001" in text and codes == ["QT-000001"]


def test_print_quote_of_an_unknown_number_writes_nothing(quote_shop, capsys, tmp_path):
    out = tmp_path / "nothing.pdf"
    code, stdout, err = run(capsys, "print", "quote", "QT-000009", "--out", str(out), "--db", quote_shop)
    assert (code, stdout, err) == (1, "", "partsdesk: There is no quote QT-000009.\n")
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*partial"))


# --- print picklist ---------------------------------------------------------------------------

@pytest.fixture
def order_shop(sales_shop, staff):
    """The sales shop with a wiper blade on bin A-10 (none in stock) and a phone order SO-000001
    for Fleet Ltd: the wiper and two pad sets (no bin)."""
    from partsdesk.domain.permissions import SYSTEM
    from partsdesk.models import Customer, Part
    from partsdesk.services import catalog
    from partsdesk.services.orders import create_order
    from partsdesk.services.sales import LineRequest

    wiper = catalog.save_part(SYSTEM, None, {"number": "WB-5", "brand": "Bosch", "name_en": "Wiper blade",
                                             "category": "brakes.pads", "price_retail": "50.00",
                                             "price_trade": "50.00", "price_wholesale": "50.00", "cost": "20.00",
                                             "tax_rate": "13", "bin": "A-10"}, barcodes=[], numbers=[], fitments=[])
    pads = Part.get(Part.number == "BP-1").id
    fleet = Customer.get(Customer.name == "Fleet Ltd").id
    number = create_order(staff["cashier"], [LineRequest(pads, 2_000), LineRequest(wiper, 1_000)],
                          customer_id=fleet, channel="phone", reference="PO 77")
    assert number == "SO-000001"
    database.obj.close()
    return sales_shop


def test_print_picklist_by_number(order_shop, capsys, tmp_path):
    out = tmp_path / "pick.pdf"
    code, stdout, err = run(capsys, "print", "picklist", " so-000001", "--out", str(out), "--db", order_shop)
    assert (code, err) == (0, ""), err
    assert stdout == f"Pick list of order SO-000001 for Fleet Ltd: 2 line(s), 1 short (A4): written to {out}\n"
    text, size, codes = pdf_facts(out)
    assert "Pick list" in text and "Order: SO-000001" in text and "Phone order, reference PO 77" in text
    assert text.index("WB-5") < text.index("BP-1")  # bin A-10 first, the part with no bin last
    assert re.search(r"WB-5\s+Wiper blade\s+1\s+SHORT", text)
    assert size.startswith("595.27") and codes == ["SO-000001"]


def test_print_picklist_of_an_unknown_order_writes_nothing(order_shop, capsys, tmp_path):
    out = tmp_path / "nothing.pdf"
    code, stdout, err = run(capsys, "print", "picklist", "SO-000009", "--out", str(out), "--db", order_shop)
    assert (code, stdout, err) == (1, "", "partsdesk: There is no order SO-000009.\n")
    code, stdout, err = run(capsys, "print", "picklist", "SO-000001", "--out", str(tmp_path / "no-such" / "x.pdf"),
                            "--db", order_shop)
    assert code == 1 and "does not exist" in err
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*partial"))


# --- print zreport -------------------------------------------------------------------------------

@pytest.fixture
def zreport_shop(sales_shop, staff):
    """The sales shop's day closed by the cashier: Z-000001 (float 100.00, counted 320.00: short 6.00)."""
    from partsdesk.services import cashup

    cashup.record_cash_event(staff["cashier"], "float", "100.00")
    z = cashup.close_day(staff["cashier"], counted_cash="320.00")
    assert (z.number, z.expected_cash, z.over_short) == ("Z-000001", 32_600, -600)
    database.obj.close()
    return sales_shop


def test_print_zreport_on_the_roll_and_on_a4(zreport_shop, capsys, tmp_path):
    roll = tmp_path / "z.pdf"
    code, stdout, err = run(capsys, "print", "zreport", "z-000001", "--out", str(roll), "--db", zreport_shop)
    assert (code, err) == (0, ""), err
    assert stdout == (f"Z report Z-000001 of terminal {cli_terminal()}: expected 326.00, counted 320.00 CNY "
                      f"(Short by 6.00.) (80 mm roll): written to {roll}\n")
    text, size, _ = pdf_facts(roll)
    assert "Z REPORT Z-000001" in text and "Closed by: Cashier" in text and "COPY" not in text
    assert re.search(r"Sales \(2\)\s+339\.00", text) and re.search(r"On account \(1\)\s+113\.00", text)
    assert re.search(r"Expected cash\s+326\.00", text) and re.search(r"Counted cash\s+320\.00", text)
    assert re.search(r"Short by 6\.00\.\s+−6\.00", text) and re.search(r"Receipts\s+RC-000001\s+RC-000001\s+1", text)
    assert size.startswith("226.77")  # 80 mm wide

    a4 = tmp_path / "z-a4.pdf"
    code, stdout, err = run(capsys, "print", "zreport", "Z-000001", "--out", str(a4), "--db", zreport_shop, "--a4",
                            "--copy")
    assert (code, err) == (0, "") and stdout.endswith(f"marked COPY (A4): written to {a4}\n")
    text, size, _ = pdf_facts(a4)
    assert "Z REPORT Z-000001" in text and "COPY" in text and re.search(r"Expected cash\s+326\.00", text)
    assert size.startswith("595.27")


def test_print_zreport_of_an_unknown_number_writes_nothing(zreport_shop, capsys, tmp_path):
    out = tmp_path / "nothing.pdf"
    code, stdout, err = run(capsys, "print", "zreport", "Z-000002", "--out", str(out), "--db", zreport_shop)
    assert (code, stdout, err) == (1, "", "partsdesk: There is no Z report Z-000002.\n")
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*partial"))


def cli_terminal() -> str:
    from partsdesk.services.audit import TERMINAL

    return TERMINAL


# --- labels ---------------------------------------------------------------------------------------

@pytest.fixture
def labels_shop(db, db_url, tmp_path, monkeypatch):
    """The label tests' parts (tests/services/test_labels.py), on SQLite or PostgreSQL."""
    from tests.services.test_labels import label_shop

    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))
    label_shop.__wrapped__(db)
    database.obj.close()
    return db_url


def test_labels_prints_every_part_asked_for_and_lists_the_layouts(labels_shop, capsys, tmp_path):
    from partsdesk.domain.labels import LAYOUTS, custom_sheet
    from tests.services.test_labels import EAN_PADS, decode_labels

    out = tmp_path / "labels.pdf"
    code, stdout, err = run(capsys, "labels", "--db", labels_shop, "--parts", "0986494104:2, ca-2,555@ate:2",
                            "--layout", "A4-3x8", "--start", "5", "--out", str(out))
    assert (code, err) == (0, ""), err
    assert stdout == f"5 label(s) of 3 part(s) on a4-3x8, starting at position 5: 1 page(s) written to {out}\n"
    assert decode_labels(out, LAYOUTS["a4-3x8"], range(4, 9)) == [[EAN_PADS]] * 2 + [["PD-0002"]] + [["PD-0555A"]] * 2

    custom = tmp_path / "custom.pdf"
    code, stdout, err = run(capsys, "labels", "--db", labels_shop, "--parts", "CA-2:3", "--layout", "a4-custom",
                            "--grid", "2x6", "--margins", "12,10,12,10", "--gaps", "4,3", "--out", str(custom))
    assert (code, err) == (0, ""), err
    layout = custom_sheet(2, 6, top=12, right=10, bottom=12, left=10, gap_x=4, gap_y=3)
    assert decode_labels(custom, layout, range(3)) == [["PD-0002"]] * 3

    roll = tmp_path / "roll.pdf"
    code, stdout, err = run(capsys, "labels", "--db", labels_shop, "--parts", "CA-2", "--layout", "roll-custom",
                            "--size", "60x40", "--out", str(roll))
    assert (code, err) == (0, "") and "1 label(s) of 1 part(s) on roll-custom: 1 page(s)" in stdout

    code, stdout, err = run(capsys, "labels", "--list-layouts")
    assert code == 0 and all(name in stdout for name in [*LAYOUTS, "a4-custom", "roll-custom"])
    assert "a4-4x11      A4 sheet of 44 labels (4 x 11) of 48.5 x 25.4 mm" in stdout


@pytest.mark.parametrize(("argv", "message"), [
    (["--parts", "0986494104,NOPE-9:2", "--layout", "a4-3x8"],
     "No part has the number NOPE-9; check the number (search the catalogue for it) and try again. No labels were "
     "made."),
    (["--parts", "0986494104:0", "--layout", "a4-3x8"], "Cannot read the parts: 0986494104 asks for 0 labels"),
    (["--parts", "0986494104:-1", "--layout", "a4-3x8"], "Cannot read the parts: 0986494104 asks for -1 labels"),
    (["--parts", "0986494104", "--layout", "a4-5x5"], "There is no label layout called 'a4-5x5'"),
    (["--parts", "0986494104", "--layout", "a4-3x8", "--start", "25"], "Start position 25 is not on a 3 x 8 sheet"),
    (["--parts", "0986494104", "--layout", "roll-50x30", "--start", "3"], "A roll has no part-used sheet"),
    (["--parts", "0986494104", "--layout", "a4-custom", "--grid", "3x8", "--margins", "150,0,150,0"],
     "leave no room for 3 x 8 labels"),
    (["--parts", "0986494104", "--layout", "a4-custom", "--grid", "3x8", "--margins", "8,8"],
     "Margins '8,8' should be 4 numbers in mm"),
    (["--parts", "0986494104", "--layout", "a4-custom"], "Layout a4-custom needs --grid COLSxROWS and --margins"),
    (["--parts", "0986494104", "--layout", "a4-3x8", "--margins", "5,5,5,5"], "--margins only go with layout a4-custom"),
    (["--parts", "555", "--layout", "a4-3x8"], "write it as 555@BRAND"),
    (["--layout", "a4-3x8"], "partsdesk labels needs --parts"),
])
def test_labels_with_bad_input_says_why_and_writes_nothing(labels_shop, capsys, tmp_path, argv, message):
    out = tmp_path / "labels.pdf"
    code, stdout, err = run(capsys, "labels", "--db", labels_shop, *argv, "--out", str(out))
    assert code == 1 and stdout == "" and err.startswith("partsdesk: ") and message in err, err
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*partial"))


@pytest.fixture
def received_and_counted_shop(staff, db, db_url, tmp_path, monkeypatch):
    """The label tests' parts with goods receipt GR-000001 (3 pads in, 1 rejected; 1.5 calipers, so 2
    labels; 2 bolts all rejected) and the posted count CNT-000001 (pads scanned, bulbs typed)."""
    from partsdesk.services import counts, purchasing
    from partsdesk.services.purchasing import ReceiveLine
    from tests.services.test_labels import EAN_PADS, label_shop

    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))
    parts = label_shop.__wrapped__(db)
    keeper = staff["storekeeper"]
    supplier = purchasing.save_supplier(keeper, None, {"name": "Acme Parts"})
    receipt = purchasing.receive(keeper, supplier, [
        ReceiveLine(parts["pads"], 3_000, rejected=1_000, reject_reason="box crushed"),
        ReceiveLine(parts["caliper"], 1_500), ReceiveLine(parts["bolt"], 2_000, rejected=2_000, reject_reason="rust")])
    assert receipt.number == "GR-000001"
    number = counts.start_session(keeper)
    counts.scan(keeper, number, EAN_PADS)
    counts.scan(keeper, number, EAN_PADS)
    counts.set_qty(keeper, number, parts["bulb"], 3_000)
    counts.finish(keeper, number, "leave")
    counts.approve_and_post(staff["manager"], number)
    assert number == "CNT-000001"
    database.obj.close()
    return db_url


def test_labels_for_a_goods_receipt_and_a_posted_count(received_and_counted_shop, capsys, tmp_path):
    from partsdesk.domain.labels import LAYOUTS
    from tests.services.test_labels import EAN8_BULB, EAN_PADS, decode_labels

    out = tmp_path / "receipt.pdf"
    code, stdout, err = run(capsys, "labels", "--db", received_and_counted_shop, "--receipt", "gr-000001",
                            "--layout", "a4-3x8", "--out", str(out))
    assert (code, err) == (0, ""), err
    assert stdout.startswith("4 label(s) of 2 part(s) on a4-3x8: 1 page(s)")  # 2 pads accepted, 1.5 calipers → 2
    assert decode_labels(out, LAYOUTS["a4-3x8"], range(4)) == [[EAN_PADS]] * 2 + [["PD-0002"]] * 2

    counted = tmp_path / "count.pdf"
    code, stdout, err = run(capsys, "labels", "--db", received_and_counted_shop, "--count", "CNT-000001",
                            "--layout", "a4-3x8", "--out", str(counted))
    assert (code, err) == (0, ""), err
    assert stdout.startswith("2 label(s) of 2 part(s)")  # one per counted part, whatever was counted
    assert decode_labels(counted, LAYOUTS["a4-3x8"], range(2)) == [[EAN_PADS], [EAN8_BULB]]


@pytest.mark.parametrize(("argv", "message"), [
    (["--receipt", "GR-000009"], "There is no goods receipt GR-000009"),
    (["--count", "CNT-000009"], "There is no stock count CNT-000009"),
    (["--receipt", "GR-000001", "--count", "CNT-000001"], "takes one of --parts, --receipt and --count"),
    (["--parts", "CA-2", "--receipt", "GR-000001"], "not --parts and --receipt"),
])
def test_labels_for_a_receipt_or_count_with_bad_input_write_nothing(received_and_counted_shop, capsys, tmp_path,
                                                                     argv, message):
    out = tmp_path / "labels.pdf"
    code, stdout, err = run(capsys, "labels", "--db", received_and_counted_shop, *argv, "--layout", "a4-3x8",
                            "--out", str(out))
    assert code == 1 and stdout == "" and message in err, err
    assert not list(tmp_path.glob("*.pdf"))


def test_labels_without_a_layout_print_on_this_pcs_layout(labels_shop, capsys, tmp_path):
    from partsdesk.config import Paths

    terminal = Paths.for_user().settings_file  # PARTSDESK_HOME: this test's own folder
    terminal.parent.mkdir(parents=True, exist_ok=True)
    terminal.write_text(json.dumps({"labels.layout": "roll-50x30"}), encoding="utf-8")
    out = tmp_path / "labels.pdf"
    code, stdout, err = run(capsys, "labels", "--db", labels_shop, "--parts", "CA-2:2", "--out", str(out))
    assert (code, err) == (0, ""), err
    assert "on roll-50x30" in stdout
    size = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "141.732 x 85.0394 pts" in size  # 50 x 30 mm, a label a page
