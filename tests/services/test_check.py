from __future__ import annotations

from datetime import datetime

import pytest

from partsdesk.models import AuditLog, Brand, Category, Part, StockBalance, StockMove, database
from partsdesk.models.db import is_postgres
from partsdesk.models.migrations import latest_version, migrate
from partsdesk.services import check
from tests.conftest import BACKEND

NOW = datetime(2026, 3, 2, 9, 0)
MAIN, QUAR = 1, 2


def make_part(number: str, brand: Brand, category: Category) -> Part:
    return Part.create(number=number, number_norm=number, brand=brand, name_en=f"part {number}", category=category,
                       grade="OEM", unit="pcs", price_retail=1000, price_trade=900, price_wholesale=800,
                       tax_rate_bp=1300, created_at=NOW, updated_at=NOW)


def move(part: Part, location: int, qty: int) -> None:
    StockMove.insert(at=NOW, part=part, location=location, qty=qty, unit_cost=500, reason="test").execute()


def set_balance(part: Part, location: int, qty: int) -> None:
    StockBalance.insert(part=part, location=location, qty=qty).on_conflict(
        conflict_target=[StockBalance.part, StockBalance.location], update={StockBalance.qty: qty}).execute()


@pytest.fixture
def shop(staff):
    """A small healthy shop: users, audit rows, parts with stock in two locations."""
    brand = Brand.create(name="Bosch", name_key="BOSCH")
    category = Category.create(code="brakes", name_en="Brakes")
    parts = {n: make_part(n, brand, category) for n in ("0986494104", "0986494105", "0986494106")}
    for part, location, quantities in ((parts["0986494104"], MAIN, (5000, -1000, 2500)),
                                       (parts["0986494105"], MAIN, (2000,)),
                                       (parts["0986494105"], QUAR, (1000, -1000))):
        for qty in quantities:
            move(part, location, qty)
        set_balance(part, location, sum(quantities))
    return parts


def by_name(results: list[check.CheckResult]) -> dict[str, check.CheckResult]:
    return {r.name: r for r in results}


def raw(sql: str, *params: object) -> None:
    database.obj.execute_sql(sql.replace("?", database.obj.param), params)


def test_a_healthy_shop_passes_every_check(shop):
    results = check.run_checks()
    first = "connection" if BACKEND == "postgresql" else "integrity"
    assert [r.name for r in results] == [first, "foreign keys", "schema version", "audit chain", "stock ledger",
                                         "customer ledgers"]
    assert all(r.ok for r in results), "\n".join(r.describe() for r in results)
    assert all(r.describe().startswith("[ok] ") for r in results)


def test_a_tampered_audit_row_is_named(shop):
    target = AuditLog.select().where(AuditLog.action == "user.add").order_by(AuditLog.id.desc()).get()
    db = database.obj
    if is_postgres(db):
        db.execute_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        raw("UPDATE audit_log SET reason = ? WHERE id = ?", "promoted myself", target.id)
        db.execute_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
    else:
        db.execute_sql("DROP TRIGGER audit_log_no_update")
        raw("UPDATE audit_log SET reason = ? WHERE id = ?", "promoted myself", target.id)
    results = by_name(check.run_checks())
    chain = results["audit chain"]
    assert not chain.ok
    assert chain.details == [f"audit row {target.id}: its content does not match its hash (the row was changed)"]
    assert f"audit row {target.id}" in chain.describe() and chain.describe().startswith("[FAILED] audit chain")
    assert results["stock ledger"].ok and results["foreign keys"].ok


def test_stock_balances_that_disagree_with_the_ledger_are_named_both_ways(shop):
    set_balance(shop["0986494104"], MAIN, 3000)  # moves add up to 6.5
    set_balance(shop["0986494106"], MAIN, 2000)  # a balance with no moves at all
    move(shop["0986494106"], QUAR, 1500)  # a move with no balance row
    result = by_name(check.run_checks())["stock ledger"]
    assert not result.ok
    assert result.summary.startswith("3 stock balance(s)")
    assert result.details == [
        "0986494104 (Bosch) at MAIN: balance 3, moves add up to 6.5",
        "0986494106 (Bosch) at MAIN: balance 2, no moves",
        "0986494106 (Bosch) at QUAR: no balance row, moves add up to 1.5",
    ]


def test_a_zero_balance_without_moves_is_consistent(shop):
    set_balance(shop["0986494106"], MAIN, 0)
    assert by_name(check.run_checks())["stock ledger"].ok


def test_many_ledger_mismatches_are_counted_and_the_first_twenty_listed(shop):
    brand, category = Brand.get(), Category.get()
    for n in range(25):
        set_balance(make_part(f"X{n:03d}", brand, category), MAIN, 1000)
    result = by_name(check.run_checks())["stock ledger"]
    assert result.summary.startswith("25 stock balance(s)")
    assert len(result.details) == 21 and result.details[-1] == "… and 5 more"
    assert result.details[0].startswith("X000 (Bosch) at MAIN")


def test_a_row_pointing_to_a_missing_row_is_found(shop):
    db = database.obj
    if is_postgres(db):
        db.execute_sql("ALTER TABLE part_barcode DISABLE TRIGGER ALL")  # what a careless repair script does
        raw("INSERT INTO part_barcode (part_id, code, symbology) VALUES (?, ?, ?)", 999_999, "4006633151016", "EAN13")
        db.execute_sql("ALTER TABLE part_barcode ENABLE TRIGGER ALL")
    else:
        db.execute_sql("PRAGMA foreign_keys = OFF")
        raw("INSERT INTO part_barcode (part_id, code, symbology) VALUES (?, ?, ?)", 999_999, "4006633151016", "EAN13")
        db.execute_sql("PRAGMA foreign_keys = ON")
    result = by_name(check.run_checks())["foreign keys"]
    assert not result.ok
    assert len(result.details) == 1 and "part_barcode" in result.details[0] and "part" in result.details[0]
    if is_postgres(db):
        assert result.details[0] == "part_barcode.part_id = 999999: no such part"


def test_an_old_schema_fails_the_version_check_and_the_others_still_run(db_url, tmp_path):
    from partsdesk.models import open_database

    handle = open_database(db_url)
    migrate(handle, backup_dir=tmp_path / "b", target=1)
    try:
        results = by_name(check.run_checks())
        assert not results["schema version"].ok
        assert f"version 1, older than this program's {latest_version()}" in results["schema version"].summary
        assert results["audit chain"].ok
        assert not results["stock ledger"].ok and "could not run" in results["stock ledger"].summary
    finally:
        handle.close()


@pytest.mark.skipif(BACKEND == "postgresql", reason="PRAGMA integrity_check reads SQLite pages")
def test_a_damaged_file_fails_the_integrity_check(shop, tmp_path):
    import sqlite3
    from pathlib import Path

    from partsdesk.models import open_database

    path = Path(database.obj.database)
    database.obj.close()
    copy = tmp_path / "damaged.sqlite"
    source = sqlite3.connect(path)
    target = sqlite3.connect(copy)
    source.backup(target)
    target.execute("PRAGMA journal_mode = DELETE")
    index_root = target.execute("SELECT rootpage FROM sqlite_master WHERE name = 'part_name_sort'").fetchone()[0]
    page_size = target.execute("PRAGMA page_size").fetchone()[0]
    target.close()
    source.close()
    with open(copy, "r+b") as handle:  # a bad sector in an index page
        handle.seek((index_root - 1) * page_size + 8)
        handle.write(b"\x00\x07")
    damaged = open_database(str(copy))
    try:
        result = check.run_checks()[0]
    finally:
        damaged.close()
    assert result.name == "integrity" and not result.ok and result.details


def test_customer_balances_and_settlements_that_disagree_with_the_ledgers_are_named(staff):
    from datetime import date

    from partsdesk.models import AccountAllocation, AccountEntry, Customer
    from partsdesk.services import accounts, membership
    from partsdesk.services.customers import save_customer

    cashier = staff["cashier"]
    customer = save_customer(staff["manager"], None, {"kind": "company", "name": "Fleet Ltd", "credit_limit": "5000",
                                                      "payment_terms_days": "30"}, phones=[])
    membership.enroll(cashier, customer)
    membership.top_up(cashier, customer, 20_000, method="cash")
    membership.earn_points(customer, amount_spent=50_000, document="INV-000001", user_id=None)
    accounts.post_invoice(customer, document="INV-000001", amount=50_000, issued_on=date(2026, 3, 1), user_id=None)
    accounts.take_payment(cashier, customer, 20_000, method="cash")
    assert by_name(check.run_checks())["customer ledgers"].ok

    raw("UPDATE customer SET prepaid_balance = 25000, points_balance = 1 WHERE id = ?", customer)
    with database.atomic():  # a settlement beyond the invoice, written around the services
        invoice = AccountEntry.get(AccountEntry.document == "INV-000001")
        extra = AccountEntry.create(customer=customer, posted_at=NOW, kind="payment", document="PAY-X",
                                    amount=-40_000, issued_on=date(2026, 3, 2))
        AccountAllocation.create(credit_entry=extra, debit_entry=invoice, amount=40_000, allocated_at=NOW)
        Customer.update(account_balance=Customer.account_balance - 40_000).where(Customer.id == customer).execute()
    result = by_name(check.run_checks())["customer ledgers"]
    assert not result.ok and result.summary.startswith("3 ")
    assert result.details == [f"customer #{customer} Fleet Ltd: points 1, its ledger adds up to 500",
                              f"customer #{customer} Fleet Ltd: prepaid balance 25000, its ledger adds up to 20000",
                              "invoice INV-000001: 50000 settled by 60000"]
