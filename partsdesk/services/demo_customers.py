"""Generated customers for the demo shop and the bench: people and companies with Chinese and
English names, mobile and office phones, member cards, and vehicles (plates of Chinese
provinces, VINs with valid check digits, models from the fitment vehicle list) with odometer
readings. Written in bulk (one statement per batch), deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from partsdesk.domain.customers import normalize_phone
from partsdesk.domain.vehicles import normalize_plate, vin_check_digit
from partsdesk.models import database, transaction
from partsdesk.models.db import is_postgres
from partsdesk.services.clock import now
from partsdesk.services.customers import customer_document

BATCH = 2000

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅鑫浩宇子轩欣怡佳琪梓涵俊杰"
_ENGLISH_FIRST = ("James", "Mary", "David", "Linda", "Michael", "Susan", "Peter", "Anna", "Thomas", "Emma",
                  "Daniel", "Grace", "Kevin", "Helen", "Jason", "Amy", "Eric", "Lucy", "Tony", "Vivian")
_ENGLISH_LAST = ("Smith", "Wong", "Chan", "Brown", "Lee", "Miller", "Ng", "Taylor", "Lam", "Wilson", "Cheung", "Martin")
_COMPANY = (("出租车", "Taxi"), ("物流", "Logistics"), ("汽车租赁", "Car Rental"), ("快递", "Express"),
            ("建筑", "Construction"), ("驾校", "Driving School"))
_CITIES = (("上海", "Shanghai"), ("广州", "Guangzhou"), ("深圳", "Shenzhen"), ("杭州", "Hangzhou"),
           ("南京", "Nanjing"), ("苏州", "Suzhou"), ("成都", "Chengdu"), ("武汉", "Wuhan"))
_PROVINCES = "沪粤浙苏京川鄂湘鲁豫"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
# WMI of makers that build in China, by make as the vehicle list writes it
_WMI = {"Volkswagen": "LSV", "Toyota": "LVG", "Honda": "LHG", "Nissan": "LGB", "BMW": "LBV",
        "Mercedes-Benz": "LE4", "Buick": "LSG", "Ford": "LVS", "Hyundai": "LBE", "Kia": "LJD", "BYD": "LGX",
        "Geely": "LB3", "Chery": "LVV", "Haval": "LGW", "Changan": "LS5", "Mazda": "LVR", "Audi": "LFV",
        "Chevrolet": "LSG", "Tesla": "LRW"}

_CUSTOMER_COLUMNS = ("id", "kind", "name", "contact_person", "tax_id", "tax_id_norm", "address", "preferred_channel",
                     "marketing_consent", "birthday", "tags", "key_account", "member_card", "credit_limit",
                     "payment_terms_days", "active", "search_text", "created_at", "updated_at")
_TABLES = {
    "customer": _CUSTOMER_COLUMNS,
    "customer_phone": ("id", "customer_id", "label", "number", "number_norm"),
    "vehicle": ("id", "customer_id", "plate", "plate_norm", "vin", "vehicle_model_id", "model_year", "created_at",
                "updated_at"),
    "vehicle_owner": ("id", "vehicle_id", "customer_id", "since"),
    "odometer_reading": ("id", "vehicle_id", "km", "read_at", "source"),
}


@dataclass
class CustomerStats:
    customers: int = 0
    phones: int = 0
    vehicles: int = 0


def _insert(table: str, rows: list[tuple]) -> None:
    if not rows:
        return
    db = database.obj
    columns = _TABLES[table]
    cursor = db.cursor()
    if is_postgres(db):
        from psycopg2.extras import execute_values

        execute_values(cursor, f"INSERT INTO {table} ({', '.join(columns)}) VALUES %s", rows, page_size=BATCH)
    else:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                           rows)


def _next_id(table: str) -> int:
    return int(database.obj.execute_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]) + 1


class _Maker:
    def __init__(self, seed: int, stamp: datetime) -> None:
        self.rng = random.Random(seed)
        self.stamp = stamp
        self.phones: set[str] = set()
        self.plates: set[str] = set()
        self.serial = 0

    def mobile(self) -> str:
        rng = self.rng
        while True:
            number = f"1{rng.choice('3456789')}{rng.randrange(10)}{rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return f"{number[:3]} {number[3:7]} {number[7:]}"

    def plate(self) -> str:
        rng = self.rng
        while True:
            tail = "".join(rng.choice("0123456789" if i else _PLATE_LETTERS + "0123456789") for i in range(5))
            plate = f"{rng.choice(_PROVINCES)}{rng.choice(_PLATE_LETTERS)}·{tail}"
            if plate not in self.plates:
                self.plates.add(plate)
                return plate

    def vin(self, make: str, year: int) -> str:
        rng = self.rng
        self.serial += 1
        body = (_WMI.get(make, "LFV") + "".join(rng.choice(_VIN_CHARS) for _ in range(5)) + "0"
                + _YEAR_CODES[(year - 1980) % 30] + rng.choice(_VIN_CHARS) + f"{self.serial:06d}")
        return body[:8] + vin_check_digit(body) + body[9:]

    def customer(self, index: int) -> tuple[dict, list[tuple[str, str]]]:
        rng = self.rng
        city_zh, city_en = rng.choice(_CITIES)
        if index % 12 == 0:
            kind_zh, kind_en = rng.choice(_COMPANY)
            name = f"{city_zh}{rng.choice(_SURNAMES)}{rng.choice(_GIVEN)}{kind_zh}有限公司 {city_en} {kind_en} Co."
            contact = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
            body = f"9131{index:014d}"[:18]
            values = dict(kind="company", name=name[:120], contact_person=contact, tax_id=body, tax_id_norm=body,
                          credit_limit=rng.choice((0, 2_000_000, 5_000_000, 10_000_000)),
                          payment_terms_days=rng.choice((0, 30, 30, 60)), key_account=rng.random() < 0.3, birthday=None)
            phones = [("office", f"0{rng.randint(20, 29)}-{rng.randrange(10**8):08d}"), ("mobile", self.mobile())]
        else:
            if rng.random() < 0.85:
                name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
            else:
                name = f"{rng.choice(_ENGLISH_FIRST)} {rng.choice(_ENGLISH_LAST)}"
            born = self.stamp.date() - timedelta(days=rng.randint(20 * 365, 70 * 365))
            values = dict(kind="person", name=name, contact_person="", tax_id="", tax_id_norm="", credit_limit=0,
                          payment_terms_days=0, key_account=False, birthday=born)
            phones = [("mobile", self.mobile())] + ([("home", self.mobile())] if rng.random() < 0.15 else [])
        values.update(address=f"{city_zh} {rng.randint(1, 999)}号", preferred_channel=rng.choice(("phone", "wechat",
                                                                                                  "sms", "")),
                      marketing_consent=rng.random() < 0.6, tags=rng.choice(("", "", "", "VIP", "fleet", "老客户")),
                      member_card=f"M{index:07d}" if rng.random() < 0.4 else None)
        return values, phones


def generate_customers(count: int, *, seed: int = 1, progress: Callable[[int, int], None] | None = None
                       ) -> CustomerStats:
    """Add ``count`` customers (and about 1.5 vehicles each) to the open shop, in batches."""
    stamp = now().replace(microsecond=0)
    models = [(int(mid), make) for mid, make in
              database.obj.execute_sql("SELECT id, make FROM vehicle_model ORDER BY id").fetchall()]
    maker = _Maker(seed, stamp)
    stats = CustomerStats()
    ids = {table: _next_id(table) for table in _TABLES}
    with _full_text_after():
        _fill(count, maker, ids, stats, stamp, models, progress)
    if is_postgres():
        for table in _TABLES:
            database.obj.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT MAX(id) FROM {table}))")
    return stats


# The full-text indexes of the customer tables (migration 4), fed row by row by these triggers.
_FULL_TEXT = {"customer_fts": "customer", "customer_phone_trgm": "customer_phone", "vehicle_trgm": "vehicle"}


@contextmanager
def _full_text_after() -> Iterator[None]:
    """SQLite: fill the tables without the full-text triggers, then index them in one pass each
    (row-by-row FTS5 inserts slow down as the index grows: minutes for the bench's 200,000
    customers). The triggers come back even if the fill fails."""
    db = database.obj
    if is_postgres(db):
        yield
        return
    names = [f"{fts}_insert" for fts in _FULL_TEXT]
    marks = ", ".join("?" * len(names))
    triggers = db.execute_sql(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
                              names).fetchall()
    with transaction():
        for name, _ in triggers:
            db.execute_sql(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with transaction():
            for fts in _FULL_TEXT:
                db.execute_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
            for _, sql in triggers:
                db.execute_sql(sql)


def _fill(count: int, maker: _Maker, ids: dict[str, int], stats: CustomerStats, stamp: datetime,
          models: list[tuple[int, str]], progress: Callable[[int, int], None] | None) -> None:
    for start in range(0, count, BATCH):
        rows: dict[str, list[tuple]] = {table: [] for table in _TABLES}
        for _ in range(start, min(count, start + BATCH)):
            customer_id = ids["customer"]
            ids["customer"] += 1
            values, phones = maker.customer(customer_id)
            values.update(id=customer_id, search_text=customer_document(values), active=True, created_at=stamp,
                          updated_at=stamp)
            rows["customer"].append(tuple(values[c] for c in _CUSTOMER_COLUMNS))
            for label, number in phones:
                rows["customer_phone"].append((ids["customer_phone"], customer_id, label, number,
                                               normalize_phone(number)))
                ids["customer_phone"] += 1
            for _ in range(maker.rng.choice((1, 2))):  # 1.5 vehicles a customer
                model_id, make = maker.rng.choice(models) if models else (None, "")
                year = maker.rng.randint(stamp.year - 15, stamp.year)
                plate = maker.plate()
                vehicle_id = ids["vehicle"]
                ids["vehicle"] += 1
                rows["vehicle"].append((vehicle_id, customer_id, plate, normalize_plate(plate), maker.vin(make, year),
                                        model_id, year, stamp, stamp))
                rows["vehicle_owner"].append((ids["vehicle_owner"], vehicle_id, customer_id, stamp))
                ids["vehicle_owner"] += 1
                rows["odometer_reading"].append((ids["odometer_reading"], vehicle_id,
                                                 (stamp.year - year) * maker.rng.randint(8_000, 20_000), stamp,
                                                 "reception"))
                ids["odometer_reading"] += 1
        with transaction():
            for table in _TABLES:
                _insert(table, rows[table])
        stats.customers += len(rows["customer"])
        stats.phones += len(rows["customer_phone"])
        stats.vehicles += len(rows["vehicle"])
        if progress is not None:
            progress(stats.customers, count)
