from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from partsdesk.domain.catalog import clean_part
from partsdesk.domain.errors import UserError
from partsdesk.domain.gtin import is_valid_gtin, normalize_barcode
from partsdesk.domain.permissions import SYSTEM
from partsdesk.domain.search import FitmentDoc, search_document
from partsdesk.models import AppUser, AuditLog, DocumentCounter, Part, Setting, database, open_database
from partsdesk.models.migrations import migrate
from partsdesk.services import check, clock, demo, search, users
from tests.conftest import PG_URL, reset_pg_schema

PARTS = 300


@pytest.fixture(scope="module")
def _demo_shop(tmp_path_factory) -> dict:
    """Where this module's demo shop lives, and its summary once built."""
    shop: dict = {"url": PG_URL or str(tmp_path_factory.mktemp("demo") / "shop.sqlite")}
    yield shop
    if database.obj is not None:
        database.obj.close()


def _still_built(url: str) -> bool:
    """The demo shop is still the bound database (no test since opened another one or wiped it)."""
    from partsdesk.models.db import is_postgres, sqlite_path

    db = database.obj
    if db is None or db.is_closed():
        return False
    same = is_postgres(db) if PG_URL else str(sqlite_path(db)) == url
    return same and demo.is_demo_shop(db) and Part.select().count() == PARTS


@pytest.fixture
def built(_demo_shop: dict):
    """The demo shop of seed 7, built once for the module (the history alone takes seconds) and
    again only when a test in between opened or wiped another database."""
    if "summary" not in _demo_shop or not _still_built(_demo_shop["url"]):
        if PG_URL:  # the server's database holds whatever the test before left: start from empty
            if database.obj is not None:
                database.obj.close()
            reset_pg_schema(PG_URL)
        _demo_shop["summary"] = demo.build_demo_shop(_demo_shop["url"], parts=PARTS, seed=7)
    yield _demo_shop["summary"]
    clock.set_clock(None)


def _rows(sql: str, params: tuple = ()) -> list[tuple]:
    return list(database.obj.execute_sql(sql, params).fetchall())


def test_demo_shop_has_the_parts_and_passes_every_check(built):
    assert Part.select().count() == PARTS
    assert built.catalogue.parts == PARTS
    assert "chen" in built.describe() and "PIN 1357" in built.describe()
    results = check.run_checks()
    assert all(r.ok for r in results), [r.describe() for r in results if not r.ok]
    opening = dict(_rows("SELECT part_id, SUM(qty) FROM stock_move WHERE reason = 'opening' GROUP BY part_id"))
    # the counter's sales, returns and deliveries moved the opening stock since
    ledger = dict(_rows("SELECT part_id, SUM(qty) FROM stock_move WHERE location_id = 1 GROUP BY part_id"))
    balances = dict(_rows("SELECT part_id, qty FROM stock_balance WHERE location_id = 1"))
    assert ledger == balances and len(opening) > PARTS // 2 and set(opening) <= set(balances)
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


def test_a_demo_shop_is_rebuilt_from_scratch_and_the_seed_repeats(db_url: str, monkeypatch):
    from partsdesk.services.demo_history import HistoryStats

    monkeypatch.setattr(demo, "generate_history", lambda **_: HistoryStats())  # the catalogue is what repeats here
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


# --- the customers' history (services.demo_history) -----------------------------------------

def _ledger_mismatches(table: str, column: str, cached: str) -> list[tuple]:
    return _rows(f"SELECT c.id, c.{cached}, COALESCE(SUM(x.{column}), 0) FROM customer c "
                 f"LEFT JOIN {table} x ON x.customer_id = c.id GROUP BY c.id, c.{cached} "
                 f"HAVING c.{cached} <> COALESCE(SUM(x.{column}), 0)")


def test_demo_customers_have_two_years_of_history_through_the_services(built):
    from collections import Counter
    from datetime import datetime, timedelta

    from partsdesk.domain.accounts import BUCKETS, bucket_of
    from partsdesk.models import AccountEntry, Complaint, ContactCall, Customer, PointsEntry
    from partsdesk.services import accounts, care, complaints, membership

    stats = built.history
    today, as_of = stats.today, stats.as_of
    text = built.describe()
    assert f"{stats.sales:,} sales" in text and f"Complaints: {stats.complaints}" in text
    manager = users.switch_user("mei", "1470")

    # the timeline: every kind of line; trades over two years with numbers rising with time
    kinds = dict(_rows("SELECT kind, COUNT(*) FROM customer_event GROUP BY kind"))
    assert set(kinds) == {"sale", "return", "quote", "repair_order", "payment", "account", "call", "complaint",
                          "membership"}
    assert kinds["sale"] > 3 * demo.DEMO_CUSTOMERS // 2 and 0 < kinds["return"] < kinds["sale"] // 10
    # (the real counter's receipts and credit notes have their own series)
    for kind, prefixes in (("sale", ("INV-", "RC-")), ("return", ("RT-", "CN-")), ("quote", ("QT-",)),
                           ("repair_order", ("RO-",))):
        rows = _rows(f"SELECT document_no, at, amount FROM customer_event WHERE kind = '{kind}' "
                     "ORDER BY document_no")
        numbers = [number for number, _, _ in rows]
        assert len(set(numbers)) == len(numbers) and all(n.startswith(prefixes) and n[-6:].isdigit() for n in numbers)
        for prefix in prefixes:
            ats = [at for number, at, _ in rows if number.startswith(prefix)]
            assert ats == sorted(ats), prefix
        assert all((amount < 0) == (kind == "return") for _, _, amount in rows)
    first = _rows("SELECT MIN(at) FROM customer_event WHERE kind IN ('sale', 'repair_order')")[0][0]
    first = first if not isinstance(first, str) else datetime.fromisoformat(first)
    assert as_of - timedelta(days=800) < first < as_of - timedelta(days=700)  # a little over two years
    low, high = _rows("SELECT MIN(amount), MAX(amount) FROM customer_event WHERE kind = 'sale' "
                      "AND document_id IS NULL")[0]  # the timeline's sales (real ones are what was sold)
    assert low >= 3_000 and high <= 300_000  # 30.00 to 3,000.00
    average = dict(_rows("SELECT c.kind, AVG(e.amount) FROM customer_event e JOIN customer c ON c.id = e.customer_id "
                         "WHERE e.kind = 'sale' GROUP BY c.kind"))
    assert average["company"] > 3 * average["person"]
    assert _rows("SELECT COUNT(*) FROM customer_event e JOIN customer c ON c.id = e.customer_id "
                 "WHERE e.kind = 'repair_order' AND (e.vehicle_id IS NULL OR c.kind <> 'person')")[0][0] == 0
    assert stats.customers_visited > demo.DEMO_CUSTOMERS * 3 // 4
    assert stats.customers_lapsed > 0 and stats.customers_never > 0
    assert stats.customers_never == Customer.select().where(Customer.last_visit_at.is_null()).count()

    # accounts: companies with a credit limit, invoices due by their terms, every ageing bucket
    assert _ledger_mismatches("account_entry", "amount", "account_balance") == []
    entries = (AccountEntry.select(AccountEntry.kind, AccountEntry.issued_on, AccountEntry.due_on, Customer.kind,
                                   Customer.credit_limit, Customer.payment_terms_days)
               .join(Customer, on=(AccountEntry.customer == Customer.id)).tuples())
    assert {kind for kind, *_ in entries} == {"invoice", "credit_note", "payment"}
    for kind, issued, due, customer_kind, limit, terms in entries:
        assert customer_kind == "company" and limit > 0
        if kind == "invoice":
            assert due == issued + timedelta(days=terms)
    buckets = Counter()
    for (customer_id,) in Customer.select(Customer.id).where(Customer.credit_limit > 0).tuples():
        for item in accounts.open_items(customer_id):
            buckets[bucket_of(item.item, today)] += item.open_amount > 0
    assert all(buckets[bucket] > 0 for bucket in BUCKETS), buckets
    assert stats.accounts_over_limit >= 2 and stats.accounts_overdue > 2

    # membership: every card holder enrolled, balances are their ledgers, the expiry has run
    assert Customer.select().where(Customer.member_card.is_null(False) & Customer.member_since.is_null()).count() == 0
    assert stats.members == Customer.select().where(Customer.member_card.is_null(False)).count() > 0
    assert _ledger_mismatches("points_entry", "points", "points_balance") == []
    assert _ledger_mismatches("prepaid_entry", "amount", "prepaid_balance") == []
    tiers = dict(_rows("SELECT member_tier, COUNT(*) FROM customer WHERE member_tier <> '' GROUP BY member_tier"))
    assert len(tiers) >= 2, tiers
    assert {kind for (kind,) in PointsEntry.select(PointsEntry.kind).distinct().tuples()} == {
        "earn", "redeem", "expire", "adjust", "return"}  # return: a real credit note took points back
    assert _rows("SELECT COUNT(*) FROM points_entry p JOIN customer c ON c.id = p.customer_id "
                 "WHERE p.kind = 'earn' AND p.at < c.member_since")[0][0] == 0  # members earn, from joining on
    assert membership.expire_points(as_of=today).points == 0  # today's run has taken what lapsed
    assert _rows("SELECT COUNT(*) FROM prepaid_entry WHERE kind = 'spend'")[0][0] > 0

    # classes: computed for today, A, B and C, two set by a manager with a reason
    assert Customer.select().where(Customer.class_computed_at.is_null()).count() == 0
    grades = Counter(customer.grade for customer in Customer.select())
    assert all(grades[grade] > 0 for grade in "ABC"), grades
    assert all(count > 0 for count in stats.classes.values())
    overrides = AuditLog.select().where(AuditLog.action == "customer.class_override")
    assert overrides.count() == stats.class_overrides == 2
    assert {row.user_id for row in overrides} == {manager.user_id} and all(row.reason for row in overrides)

    # care: today's calls and this week's reminders; calls with scores; a low score opened a complaint
    lists = care.care_lists(manager, as_of=today, span="today")
    assert lists.of("follow_up").total > 0 and lists.of("lapsed").total > 0
    week = care.care_lists(manager, as_of=today, span="week")
    assert week.of("service_reminder").total > 0
    assert any(row.reason.startswith("Call back") for row in week.of("follow_up").rows)
    assert ContactCall.select().where(ContactCall.scores != "[]").count() > 50
    low = Complaint.select().join(ContactCall, on=(ContactCall.complaint == Complaint.id))
    assert low.count() > 0 and {c.channel for c in low} == {"follow_up_call"}

    # complaints: the year, every category and status, some overdue now and some not, one reopened
    rows = complaints.list_complaints(manager, limit=500)
    assert len(rows) == stats.complaints >= 50
    assert {r.category for r in rows} >= set(complaints.form_choices().categories)
    assert {r.status for r in rows} == {"open", "answered", "resolved", "closed"}
    assert min(r.received_at for r in rows) > as_of - timedelta(days=366)
    overdue = [r for r in rows if r.overdue]
    assert 3 <= len(overdue) == complaints.overdue_count() < 12
    assert any(r.status == "open" and not r.overdue for r in rows)
    assert any(r.status == "answered" and not r.overdue for r in rows)
    assert AuditLog.select().where(AuditLog.action == "complaint.reopen").count() == 1
    assert Complaint.select().where(Complaint.satisfaction.is_null(False)).count() > 10

    # the clock is the system's again, and what the history wrote is in the past
    assert clock.now() >= as_of
    assert _rows("SELECT COUNT(*) FROM customer_event WHERE at > (SELECT MAX(at) FROM audit_log)")[0][0] == 0


def _small_shop(url: str, backups: Path, *, with_users: bool = True) -> None:
    """A migrated shop with the demo users and 60 generated customers (no history yet)."""
    from partsdesk.services import demo_customers
    from partsdesk.services.demo_data import DEMO_USERS
    from tests.conftest import reset_pg_schema

    if database.obj is not None:
        database.obj.close()
    if PG_URL:
        reset_pg_schema(url)
    migrate(open_database(url), backup_dir=backups)
    for username, display_name, role, pin, password in DEMO_USERS if with_users else ():
        users.add_user(SYSTEM, username=username, display_name=display_name, role=role, pin=pin, password=password)
    demo_customers.generate_customers(60, seed=5)


def _history_rows() -> list[tuple]:
    return _rows("SELECT customer_id, at, kind, document_no, amount, summary FROM customer_event ORDER BY id") + _rows(
        "SELECT id, points_balance, prepaid_balance, account_balance, member_tier, class_grade FROM customer "
        "ORDER BY id")


def test_the_history_repeats_for_a_seed_and_leaves_the_clock_as_it_was(db_url: str, tmp_path: Path, monkeypatch):
    from datetime import datetime

    from partsdesk.services import demo_history, history

    as_of = datetime(2026, 6, 15, 15, 30)
    clock.set_clock(lambda: as_of)
    try:
        shops = []
        for number in (1, 2):
            url = db_url if PG_URL else str(tmp_path / f"shop{number}.sqlite")
            _small_shop(url, tmp_path / f"backups{number}")
            stats = demo_history.generate_history(seed=9, as_of=as_of)
            assert clock.now() == as_of  # the test's clock, not the history's last moment
            assert stats.sales > 20 and stats.members > 0 and stats.complaints > 0
            assert all(r.ok for r in check.run_checks())
            shops.append(_history_rows())
        assert shops[0] == shops[1]

        def broken(*args, **kwargs):
            raise RuntimeError("the counter is down")

        monkeypatch.setattr(history, "record_trade", broken)
        before = _rows("SELECT COUNT(*) FROM customer_event")
        with pytest.raises(RuntimeError):
            demo_history.generate_history(seed=9, as_of=as_of)
        assert clock.now() == as_of
        assert _rows("SELECT COUNT(*) FROM customer_event") == before  # the failed chunk was rolled back
    finally:
        database.obj.close()
        clock.set_clock(None)


def test_the_history_needs_the_front_desk_users(db_url: str, tmp_path: Path):
    from partsdesk.services import demo_history

    _small_shop(db_url, tmp_path / "backups", with_users=False)
    with pytest.raises(UserError, match="role cashier"):
        demo_history.generate_history(seed=1, as_of=clock.now())
    assert _rows("SELECT COUNT(*) FROM customer_event") == [(0,)]
    database.obj.close()


class LookingOnly(Exception):
    pass


def test_the_counters_numbers_continue_after_the_demo_history(built):
    from partsdesk.models import DocumentCounter, transaction
    from partsdesk.services import numbering

    for series, kind in (("invoice", "sale"), ("quote", "quote")):
        used = [n for (n,) in _rows("SELECT document_no FROM customer_event WHERE kind = " + database.obj.param,
                                   (kind,))]
        highest = max(int(number.split("-")[1]) for number in used)
        assert DocumentCounter.get_by_id(series).next_number == highest + 1, series
    taken = []
    with pytest.raises(LookingOnly), transaction():  # rolled back: the built shop stays as it was
        taken.append(numbering.take_number("invoice"))
        raise LookingOnly
    assert taken[0] not in {n for (n,) in _rows("SELECT document_no FROM customer_event")}


def test_the_demo_shop_has_months_of_real_counter_sales(built):
    """The last COUNTER_DAYS days up to yesterday were sold through the counter's services."""
    from datetime import datetime, timedelta

    from partsdesk.models import CreditNote, LostSale, Sale, SaleLine, SalePayment
    from partsdesk.services import demo_history, sale_documents

    stats = built.history
    today = stats.today

    def day(value) -> object:
        return (value if isinstance(value, datetime) else datetime.fromisoformat(str(value))).date()

    days = {day(at) for (at,) in Sale.select(Sale.at).tuples()}
    assert demo_history.COUNTER_DAYS * 3 // 4 < len(days) == stats.counter_days
    assert min(days) >= today - timedelta(days=demo_history.COUNTER_DAYS) and max(days) < today
    per_day = Counter(day(at) for (at,) in Sale.select(Sale.at).tuples())
    low, high = demo_history.COUNTER_SALES_A_DAY
    assert all(count <= high + 10 for count in per_day.values()) and sum(per_day.values()) > low * len(days) * 2 // 3
    # gap-free numbers per series, rising with time
    for model, series in ((Sale, "invoice"), (Sale, "receipt"), (CreditNote, "credit_note")):
        query = model.select(model.number, model.at)
        if model is Sale:
            query = query.where(Sale.kind == series)
        rows = sorted(query.tuples())
        numbers = [int(number.split("-")[1]) for number, _ in rows]
        assert numbers and numbers == list(range(numbers[0], numbers[0] + len(numbers))), series
        assert [at for _, at in rows] == sorted(at for _, at in rows), series
        assert DocumentCounter.get_by_id(series).next_number == numbers[-1] + 1, series
    assert _rows("SELECT MIN(number) FROM sale WHERE kind = 'receipt'")[0][0] == "RC-000001"
    timeline = max(int(n.split("-")[1]) for (n,) in _rows("SELECT document_no FROM customer_event WHERE kind = "
                                                         "'sale' AND document_id IS NULL"))
    assert _rows("SELECT MIN(number) FROM sale WHERE kind = 'invoice'")[0][0] == f"INV-{timeline + 1:06d}"
    # walk-ins and customers, every way of paying, returns and lost sales
    assert Sale.select().where(Sale.customer.is_null()).count() > Sale.select().count() // 2
    assert Sale.select().where(Sale.customer.is_null(False)).count() > 50
    methods = {method for (method,) in SalePayment.select(SalePayment.method).distinct().tuples()}
    assert methods == {"cash", "card", "on_account", "prepaid", "points"}, methods
    mixed = _rows("SELECT COUNT(*) FROM (SELECT sale_id FROM sale_payment GROUP BY sale_id "
                  "HAVING COUNT(DISTINCT method) > 1) x")[0][0]
    assert mixed > 10
    assert 0 < CreditNote.select().count() == stats.counter_returns
    assert LostSale.select().count() == stats.lost_sales > 0
    assert all(1 <= SaleLine.select().where(SaleLine.sale == s.id).count() <= 30 for s in Sale.select().limit(200))
    # the stock moves are the sales' and returns' (and the deliveries), after the opening count
    # (a repair order's invoice moves no stock: its parts were issued to the job as they were used)
    sold = _rows("SELECT COALESCE(SUM(-qty), 0) FROM stock_move WHERE reason = 'sale'")[0][0]
    lines = _rows("SELECT COALESCE(SUM(qty), 0) FROM sale_line WHERE part_id IS NOT NULL AND sale_id NOT IN "
                  "(SELECT sale_id FROM repair_order WHERE sale_id IS NOT NULL)")[0][0]
    assert sold == lines > 0
    issued = _rows("SELECT COALESCE(SUM(-qty), 0) FROM stock_move WHERE reason IN ('workshop', 'workshop_return') "
                   "AND document IN (SELECT number FROM repair_order WHERE sale_id IS NOT NULL)")[0][0]
    invoiced = _rows("SELECT COALESCE(SUM(qty), 0) FROM sale_line WHERE part_id IS NOT NULL AND sale_id IN "
                     "(SELECT sale_id FROM repair_order WHERE sale_id IS NOT NULL)")[0][0]
    assert issued == invoiced > 0
    opened = _rows("SELECT MAX(at) FROM stock_move WHERE reason = 'opening'")[0][0]
    first_sale = _rows("SELECT MIN(at) FROM stock_move WHERE reason = 'sale'")[0][0]
    assert str(opened) < str(first_sale)
    assert _rows("SELECT COUNT(*) FROM stock_move WHERE reason = 'receipt'")[0][0] > 0
    document = sale_documents.sale_document(_rows("SELECT MAX(number) FROM sale WHERE kind = 'invoice'")[0][0])
    assert document.lines
    assert f"{stats.counter_sales.get('receipt', 0):,} receipts" in built.describe()
    # each day opened with a float and closed with a Z that claimed all of it: today is still open
    from partsdesk.models import ZReport
    from partsdesk.services import cashup

    closed = list(ZReport.select().order_by(ZReport.id))
    assert len(closed) == stats.z_reports >= len(days)
    assert [z.number for z in closed] == [f"Z-{n:06d}" for n in range(1, len(closed) + 1)]
    assert all(z.opening_float == demo_history.TILL_FLOAT for z in closed)
    assert sum(1 for z in closed if z.over_short) > 0  # a few days over or short
    assert cashup.x_report(SYSTEM).sales_count == 0
    assert all(r.ok for r in check.run_checks())


def test_the_demo_shop_has_a_stock_life_through_the_stock_services(built):
    """Suppliers with terms and prices, purchase orders in several statuses received through
    purchasing (over, short, rejected to quarantine), adjustments, a posted and an open count and
    the parts' ABC classes: the ledger still agrees with the balances."""
    from partsdesk.models import (
        CountSession,
        GoodsReceipt,
        GoodsReceiptLine,
        PurchaseOrder,
        StockAdjustment,
        Supplier,
        SupplierPart,
    )

    stock_stats = built.history.stock
    assert stock_stats is not None
    suppliers = list(Supplier.select().where(Supplier.active == True))  # noqa: E712
    assert len(suppliers) == stock_stats.suppliers >= 5
    assert all(s.contact_person and s.lead_time_days > 0 and s.payment_terms for s in suppliers)
    assert SupplierPart.select().where(SupplierPart.preferred == True).count() > PARTS // 3  # noqa: E712
    assert _rows("SELECT COUNT(*) FROM part p JOIN supplier_part sp ON sp.part_id = p.id AND sp.preferred "
                 "WHERE p.supplier_id <> sp.supplier_id")[0][0] == 0  # the part's supplier follows the preferred
    statuses = {status for (status,) in PurchaseOrder.select(PurchaseOrder.status).distinct().tuples()}
    assert {"draft", "sent", "received", "cancelled"} <= statuses and len(statuses) >= 5, statuses
    assert PurchaseOrder.select().where(PurchaseOrder.origin == "reorder").count() > 10
    assert GoodsReceipt.select().count() == stock_stats.receipts > 10
    assert _rows("SELECT COUNT(*) FROM stock_move WHERE reason = 'receipt' AND document NOT LIKE "
                 + database.obj.param, ("GR-%",))[0][0] == 0  # every delivery is a goods receipt
    flags = _rows("SELECT SUM(CASE WHEN is_over THEN 1 ELSE 0 END), SUM(CASE WHEN is_short THEN 1 ELSE 0 END), "
                  "SUM(CASE WHEN qty_rejected > 0 THEN 1 ELSE 0 END) FROM goods_receipt_line")[0]
    assert all(int(n or 0) > 0 for n in flags), flags
    assert GoodsReceiptLine.select().count() > 100
    reasons = {reason for (reason,) in StockAdjustment.select(StockAdjustment.reason).distinct().tuples()}
    assert {"damage", "found", "theft_or_loss"} <= reasons and ({"repaired", "scrap"} & reasons), reasons
    assert StockAdjustment.select().count() == stock_stats.adjustments
    sessions = dict(CountSession.select(CountSession.status, CountSession.number).tuples())
    assert set(sessions) == {"posted", "open"}
    assert _rows("SELECT COUNT(*) FROM stock_move WHERE reason = 'count'")[0][0] >= 0
    assert _rows("SELECT COUNT(*) FROM count_line l JOIN count_session s ON s.id = l.session_id "
                 "WHERE s.status = 'open'")[0][0] > 0
    assert {cls for (cls,) in _rows("SELECT DISTINCT abc_class FROM part")} >= {"A", "B", "C"}
    assert "Stock: " in built.describe() and f"{stock_stats.receipts} receipts" in built.describe()
    results = check.run_checks()
    assert all(r.ok for r in results), [r.describe() for r in results if not r.ok]


def test_the_demo_shop_has_a_workshop_through_the_workshop_services(built):
    """Repair orders of the last weeks delivered and invoiced in time order, one open order in each
    open status, appointments ahead and a no-show, reminders and follow-up calls."""
    from partsdesk.models import Appointment, RepairOrder, ServiceReminder
    from partsdesk.services.workshop import OPEN_STATUSES

    assert built.workshop is not None and built.workshop.delivered > 5 and built.workshop.delivered == (
        RepairOrder.select().where(RepairOrder.status.in_(("delivered", "follow_up_done"))).count())
    statuses = {status for (status,) in RepairOrder.select(RepairOrder.status).tuples()}
    assert set(OPEN_STATUSES) | {"delivered", "follow_up_done"} <= statuses
    # the workshop's numbers continue after the timeline's old repair orders
    timeline = max(int(n.split("-")[1]) for (n,) in _rows("SELECT document_no FROM customer_event WHERE kind = "
                                                         "'repair_order' AND document_id IS NULL"))
    assert RepairOrder.select().order_by(RepairOrder.id).first().number == f"RO-{timeline + 1:06d}"
    # every delivered order has its invoice, at the prices the customer authorized
    p = database.obj.param
    for order in RepairOrder.select().where(RepairOrder.sale.is_null(False)):
        total, prices_with_tax = _rows(f"SELECT total, prices_include_tax FROM sale WHERE id = {p}",
                                       (order.sale_id,))[0]
        authorized = _rows("SELECT COALESCE(SUM(a.amount), 0) FROM job_authorization a JOIN job_line j ON j.id = "
                           f"a.line_id WHERE j.order_id = {p} AND j.status = 'active' AND a.id = (SELECT MAX(b.id) "
                           "FROM job_authorization b WHERE b.line_id = a.line_id AND b.decision = 'approved')",
                           (order.id,))[0][0]
        assert total >= authorized if not prices_with_tax else total == authorized
    assert Appointment.select().where(Appointment.status == "booked").count() >= 5
    assert Appointment.select().where(Appointment.status == "no_show").count() == 1
    assert ServiceReminder.select().where(ServiceReminder.source == "declined").count() >= 1
