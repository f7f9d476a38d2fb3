from __future__ import annotations

from pathlib import Path

import pytest

from partsdesk.domain.catalog import clean_part
from partsdesk.domain.errors import UserError
from partsdesk.domain.gtin import is_valid_gtin, normalize_barcode
from partsdesk.domain.permissions import SYSTEM
from partsdesk.domain.search import FitmentDoc, search_document
from partsdesk.models import AppUser, AuditLog, Part, Setting, database, open_database
from partsdesk.models.migrations import migrate
from partsdesk.services import check, clock, demo, search, users
from tests.conftest import PG_URL

PARTS = 300


@pytest.fixture
def built(db_url: str):
    summary = demo.build_demo_shop(db_url, parts=PARTS, seed=7)
    yield summary
    database.obj.close()
    clock.set_clock(None)


def _rows(sql: str, params: tuple = ()) -> list[tuple]:
    return list(database.obj.execute_sql(sql, params).fetchall())


def test_demo_shop_has_the_parts_and_passes_every_check(built):
    assert Part.select().count() == PARTS
    assert built.catalogue.parts == PARTS
    assert "chen" in built.describe() and "PIN 1357" in built.describe()
    results = check.run_checks()
    assert all(r.ok for r in results), [r.describe() for r in results if not r.ok]
    ledger = dict(_rows("SELECT part_id, SUM(qty) FROM stock_move WHERE reason = 'opening' GROUP BY part_id"))
    balances = dict(_rows("SELECT part_id, qty FROM stock_balance WHERE location_id = 1"))
    assert ledger == balances and len(ledger) > PARTS // 2
    assert Setting.get_by_id("shop.demo").value == "true"
    assert AuditLog.select().where(AuditLog.action == "demo.build").count() == 1


def test_demo_customers_have_phones_vehicles_with_valid_vins_and_are_found(built):
    from partsdesk.domain.customers import normalize_phone
    from partsdesk.domain.vehicles import check_vin, normalize_plate
    from partsdesk.services.customers import SEARCH_CAP, search_customers

    assert built.customers.customers == demo.DEMO_CUSTOMERS
    assert f"{demo.DEMO_CUSTOMERS:,} customers" in built.describe()
    customers = _rows("SELECT COUNT(*), SUM(CASE WHEN kind = 'company' THEN 1 ELSE 0 END) FROM customer")[0]
    assert customers[0] == demo.DEMO_CUSTOMERS and 0 < customers[1] < customers[0] // 5
    vehicles = _rows("SELECT plate, plate_norm, vin, model_year, customer_id FROM vehicle")
    assert 1.3 * demo.DEMO_CUSTOMERS < len(vehicles) < 1.7 * demo.DEMO_CUSTOMERS
    for plate, plate_norm, vin, year, _ in vehicles[:300]:
        info = check_vin(vin, current_year=2100)
        assert info.check_digit_ok and info.region == "Asia" and info.make
        assert plate_norm == normalize_plate(plate) and year is not None
    for number, norm in _rows("SELECT number, number_norm FROM customer_phone")[:300]:
        assert norm == normalize_phone(number)
    assert len({v[2] for v in vehicles}) == len(vehicles)  # VINs unique
    plate, _, _, _, owner = vehicles[17]
    assert search_customers(plate).rows[0].id == owner
    number, owner = _rows("SELECT number, customer_id FROM customer_phone ORDER BY id")[42]
    assert search_customers(number).rows[0].id == owner
    vips = _rows("SELECT COUNT(*) FROM customer WHERE tags = 'VIP'")[0][0]
    found = search_customers("vip", limit=500)
    assert vips > SEARCH_CAP and found.capped and found.total == len(found.rows) == SEARCH_CAP  # "refine"


def test_barcodes_are_valid_unique_and_find_their_part(built):
    rows = _rows("SELECT part_id, code, symbology FROM part_barcode")
    codes = [code for _, code, _ in rows]
    assert len(codes) == len(set(codes)) >= PARTS
    symbologies = {symbology for _, _, symbology in rows}
    assert symbologies == {"EAN13", "CODE128"}
    assert any(code.startswith("0") for code in codes)  # UPC-A brands, stored as EAN-13
    for part_id, code, symbology in rows:
        assert normalize_barcode(code) == (code, symbology)
        if symbology == "EAN13":
            assert is_valid_gtin(code)
        assert search.find_by_barcode(code).id == part_id
    upc = next(code for code in codes if code.startswith("0"))
    assert search.find_by_barcode(upc[1:]).id == search.find_by_barcode(upc).id  # scanned as UPC-A


def test_every_part_is_found_by_its_number_typed_loosely(built):
    for part_id, number in _rows("SELECT id, number FROM part"):
        loose = number.replace(" ", "").lower() if " " in number else "-".join(number[:3]) + number[3:]
        for query in (number, loose):
            found = search.search_parts(query, include_inactive=True, limit=50)
            assert part_id in [row.id for row in found.rows], (number, query)


def test_search_text_is_what_the_search_rules_make(built):
    fitments: dict[int, list[FitmentDoc]] = {}
    for part_id, *doc in _rows(
            "SELECT f.part_id, vm.id, vm.make, vm.make_zh, vm.model, vm.model_zh, f.year_from, f.year_to "
            "FROM fitment f JOIN vehicle_model vm ON vm.id = f.vehicle_model_id ORDER BY f.part_id, f.id"):
        fitments.setdefault(part_id, []).append(FitmentDoc(*doc))
    rows = _rows("SELECT p.id, p.number, p.name_en, p.name_zh, b.name, b.name_zh, c.name_en, c.name_zh, "
                 "pc.name_en, pc.name_zh, p.search_text FROM part p JOIN brand b ON b.id = p.brand_id "
                 "JOIN category c ON c.id = p.category_id JOIN category pc ON pc.id = c.parent_id")
    assert len(rows) == PARTS
    for part_id, number, name_en, name_zh, brand, brand_zh, cat_en, cat_zh, top_en, top_zh, stored in rows:
        assert stored == search_document(
            number=number, name_en=name_en, name_zh=name_zh, brand=brand, brand_zh=brand_zh,
            category_names=[cat_en, cat_zh, top_en, top_zh], fitments=fitments[part_id],
            current_year=clock.now().year)
    assert search.search_parts("朗逸 刹车片").total + search.search_parts("golf brake pad").total > 0


def test_prices_units_numbers_and_fitments_are_shop_like(built):
    rows = _rows("SELECT cost, price_wholesale, price_trade, price_retail, tax_rate_bp, unit, bin, min_qty, max_qty "
                 "FROM part")
    for cost, wholesale, trade, retail, tax, unit, bin_, min_qty, max_qty in rows:
        assert retail > trade > wholesale > cost > 0
        assert tax == 1300 and unit in ("pcs", "set", "pair", "L", "m") and len(bin_.split("-")) == 3
        assert 0 <= min_qty <= max_qty
    per_part = _rows("SELECT p.id, SUM(CASE WHEN n.kind IN ('oe', 'interchange') THEN 1 ELSE 0 END), "
                     "SUM(CASE WHEN n.kind = 'own' THEN 1 ELSE 0 END) FROM part p "
                     "JOIN part_number n ON n.part_id = p.id GROUP BY p.id")
    assert {(cross, own) for _, cross, own in per_part} == {(3, 1)}
    fitments = dict(_rows("SELECT part_id, COUNT(*) FROM fitment GROUP BY part_id"))
    assert len(fitments) == PARTS and set(fitments.values()) <= {1, 2, 3}
    assert _rows("SELECT COUNT(*) FROM part WHERE unit = 'L'")[0][0] > 0
    assert _rows("SELECT COUNT(*) FROM brand WHERE name_zh = '三环'")[0][0] == 1


def test_the_demo_users_log_in_with_the_listed_secrets(built):
    assert users.log_in("admin", "admin-pass-1").role == "admin"
    assert users.log_in("mei", "manager-pass-1").role == "manager"
    for username, pin, role in (("chen", "1357", "cashier"), ("li", "2468", "storekeeper"),
                                ("wang", "3690", "service_advisor"), ("zhou", "4826", "technician"),
                                ("mei", "1470", "manager"), ("admin", "2580", "admin")):
        assert users.switch_user(username, pin).role == role
    assert users.log_in("chen", "1357").username == "chen"


def test_a_real_shop_is_never_overwritten(db_url: str, tmp_path: Path):
    handle = open_database(db_url)
    migrate(handle, backup_dir=tmp_path / "backups")
    users.add_user(SYSTEM, username="boss", display_name="Boss", role="admin", pin="2580", password="boss-pass-1")
    before = (AppUser.select().count(), AuditLog.select().count(), Setting.select().count())
    handle.close()
    with pytest.raises(UserError, match="not a demo shop"):
        demo.build_demo_shop(db_url, parts=20)
    database.obj.connect(reuse_if_open=True)
    assert (AppUser.select().count(), AuditLog.select().count(), Setting.select().count()) == before
    assert Part.select().count() == 0
    assert users.log_in("boss", "boss-pass-1").username == "boss"
    database.obj.close()


@pytest.mark.skipif(bool(PG_URL), reason="a file that is not a database exists only on SQLite")
def test_a_file_that_is_not_a_database_is_left_alone(tmp_path: Path):
    target = tmp_path / "notes.sqlite"
    target.write_bytes(b"my shop's notes, not a database" * 100)
    with pytest.raises(UserError, match="not a PartsDesk database"):
        demo.build_demo_shop(str(target), parts=20)
    assert target.read_bytes() == b"my shop's notes, not a database" * 100


def _catalogue() -> list[tuple]:
    return _rows(
        "SELECT p.number, b.name, p.name_en, p.name_zh, p.price_retail, p.cost, p.bin, "
        "(SELECT MIN(code) FROM part_barcode WHERE part_id = p.id), "
        "(SELECT COUNT(*) FROM part_number WHERE part_id = p.id), "
        "(SELECT MIN(vm.model) FROM fitment f JOIN vehicle_model vm ON vm.id = f.vehicle_model_id "
        " WHERE f.part_id = p.id), "
        "(SELECT qty FROM stock_balance WHERE part_id = p.id) "
        "FROM part p JOIN brand b ON b.id = p.brand_id ORDER BY p.id")


def test_a_demo_shop_is_rebuilt_from_scratch_and_the_seed_repeats(db_url: str):
    demo.build_demo_shop(db_url, parts=120, seed=3)
    first = _catalogue()
    database.obj.close()
    demo.build_demo_shop(db_url, parts=120, seed=3)  # a demo shop: rebuilt, not added to
    assert _catalogue() == first
    assert Part.select().count() == 120
    assert AuditLog.select().where(AuditLog.action == "demo.build").count() == 1
    assert AppUser.select().count() == 6
    database.obj.close()
    demo.build_demo_shop(db_url, parts=120, seed=4)
    assert _catalogue() != first
    assert all(r.ok for r in check.run_checks())
    database.obj.close()


def test_generated_rows_pass_the_part_rules():
    rows = demo.sample_import_rows(500, seed=11)
    for row in rows:
        raw = {key: value for key, value in row.items() if key not in ("barcodes", "interchange")}
        clean, problems = clean_part(raw)
        assert problems == {}, (row, problems)
        assert clean["price_retail"] > clean["price_trade"] > clean["price_wholesale"] > clean["cost"]
        assert is_valid_gtin(row["barcodes"])
    assert demo.sample_import_rows(50, seed=11) == rows[:50]
    assert demo.sample_import_rows(50, seed=12) != rows[:50]


def test_number_patterns_are_bijections():
    pattern = demo.NumberPattern("{W|HU} ##/#", offset=12345)
    rendered = {pattern.render(i) for i in range(pattern.capacity)}
    assert pattern.capacity == 2000 and len(rendered) == 2000
    assert all(r.startswith(("W ", "HU ")) and "/" in r for r in rendered)
