"""The statement PDF read back as text: the shop, the customer, every open document, the ageing
line and the total due, on both engines."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from partsdesk.printing.statement import write_statement
from partsdesk.services import accounts, clock, settings
from partsdesk.services.customers import save_customer

AS_OF = date(2026, 11, 22)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def garage(staff) -> int:
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    admin = staff["admin"]
    for name, value in (("shop.name", "Wu Auto Parts"), ("shop.address", "1 Station Road, Suzhou"),
                        ("shop.phone", "0512-6666 8888"), ("shop.tax_id", "91320500MA1X")):
        settings.set_value(admin, name, value)
    customer_id = save_customer(staff["cashier"], None, {"name": "Garage Wu & Sons <Ltd>", "address": "8 Ring Road",
                                                         "tax_id": "9131000077"}, phones=[])
    accounts.set_credit_terms(staff["manager"], customer_id, credit_limit=5_000_000, payment_terms_days=30)
    for document, amount, issued in (("INV-0001", 120_000, date(2026, 6, 1)),    # due 1 Jul: 144 days, 90+
                                     ("INV-0002", 80_050, date(2026, 8, 20)),     # due 19 Sep: 64 days, 61-90
                                     ("INV-0003", 45_000, date(2026, 9, 25)),     # due 25 Oct: 28 days, 1-30
                                     ("INV-0004", 33_300, date(2026, 11, 10))):   # due 10 Dec: current
        accounts.post_invoice(customer_id, document=document, amount=amount, issued_on=issued, user_id=None)
    accounts.take_payment(staff["cashier"], customer_id, 20_000, method="cash")  # INV-0001 down to 1,000.00
    return customer_id


def test_the_statement_prints_the_open_items_ageing_and_total(staff, garage, tmp_path):
    data = accounts.statement_data(staff["cashier"], garage, as_of=AS_OF)
    target = tmp_path / "statement.pdf"
    write_statement(data, target)
    text = pdf_text(target)
    assert "Statement of account" in text and "Wu Auto Parts" in text and "Tax ID 91320500MA1X" in text
    assert "Garage Wu & Sons <Ltd>" in text and "8 Ring Road" in text and "Tax ID 9131000077" in text
    assert "Date: 2026-11-22" in text and f"Customer no.: #{garage}" in text
    for document, open_amount, days in (("INV-0001", "1,000.00", "144"), ("INV-0002", "800.50", "64"),
                                        ("INV-0003", "450.00", "28")):
        line = next(line for line in text.splitlines() if document in line)
        assert re.search(rf"{open_amount}\s+{days}\s*$", line), line
    assert re.search(r"INV-0004 .*2026-12-10\s+333\.00\s+333\.00\s*$", text, re.MULTILINE)
    ageing = text.split("Ageing")[1]
    assert re.search(r"Current\s+1-30 days\s+31-60 days\s+61-90 days\s+Over 90 days\s+Total due", ageing)
    assert re.search(r"333\.00\s+450\.00\s+0\.00\s+800\.50\s+1,000\.00\s+2,583\.50", ageing)
    assert re.search(r"Total due\s+2,583\.50", text)
    assert "Please pay 2,583.50 CNY" in text and "0512-6666 8888" in text


def test_a_statement_with_nothing_open_says_so(staff, tmp_path):
    clock.set_clock(lambda: datetime(2026, 11, 22, 10, 0))
    customer_id = save_customer(staff["cashier"], None, {"name": "李娜"}, phones=[])
    data = accounts.statement_data(staff["cashier"], customer_id, as_of=AS_OF)
    target = tmp_path / "empty.pdf"
    write_statement(data, target)
    text = pdf_text(target)
    assert "李娜" in text and "Nothing is open on this account." in text and "Nothing is due" in text
