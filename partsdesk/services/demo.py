"""The demo shop, and the catalogue generator the benchmark shares.

``build_demo_shop`` fills a database with a realistic auto-parts shop: brands with quality
grades, the standard categories, vehicle models sold in China with their Chinese names,
parts with English and Chinese names, makers' number formats, OE / interchange / superseded
numbers, barcodes with valid check digits, fitments, price tiers, bins, suppliers, opening
stock (ledger moves and balances) and one user per role. It never overwrites a real shop: a
database that holds data and is not marked as a demo (setting ``shop.demo``) is refused.

``generate_catalogue`` is the bulk part, shared with ``partsdesk bench``: rows are made in
plain tuples and written with one multi-row statement per table and chunk (sqlite3
``executemany`` / psycopg2 ``execute_values``), one transaction per chunk, so a million parts
take minutes, not hours. The same seed gives the same catalogue.
"""

from __future__ import annotations

import json
import math
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from peewee import Database

from partsdesk.domain.catalog import STANDARD_CATEGORIES
from partsdesk.domain.errors import UserError
from partsdesk.domain.gtin import gtin_check_digit
from partsdesk.domain.money import format_money
from partsdesk.domain.part_numbers import normalize_number
from partsdesk.domain.permissions import SYSTEM
from partsdesk.domain.search import FitmentDoc, search_document
from partsdesk.models import (
    Brand,
    Category,
    Setting,
    Supplier,
    VehicleModel,
    database,
    open_database,
    transaction,
)
from partsdesk.models.db import SQLITE_PRAGMAS, describe, is_postgres, is_postgres_url, sqlite_path
from partsdesk.models.stock import MAIN_LOCATION_ID
from partsdesk.services import audit, clock
from partsdesk.services.catalog import ensure_standard_categories, name_key
from partsdesk.services.demo_customers import CustomerStats, generate_customers
from partsdesk.services.demo_data import (
    BRANDS,
    DEMO_USERS,
    MAKES,
    MODELS,
    SHOP_NAME,
    SUPPLIERS,
    TEMPLATES,
    BrandSpec,
    Template,
)
from partsdesk.services.demo_history import HistoryStats, generate_history
from partsdesk.services.demo_workshop import WorkshopStats, open_orders_and_bookings
from partsdesk.services.search import rebuild_search_index

Progress = Callable[[int, int], None] | None

CHUNK_PARTS = 5000  # parts per transaction while bulk loading
TAX_RATE_BP = 1300
DEMO_SETTING = "shop.demo"
OPENING_REASON = "opening"
OPENING_DAYS_AGO = 800  # the demo's opening stock count: before its two years of history
OPENING_DOCUMENT = "OPENING"
# Tables that hold a shop's own data: any row in one of them and the database is not "empty".
DATA_TABLES = ("app_user", "audit_log", "part", "setting", "brand", "supplier", "stock_move", "customer")
DEMO_CUSTOMERS = 2000
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # makers avoid I and O (they read as 1 and 0)
_ICE_ONLY_SUBS = ("engine.", "transmission.clutch", "electrical.starting", "electrical.sensors")
_BIN_ZONES = {"engine": "AB", "transmission": "C", "brakes": "D", "suspension": "E", "tyres": "T",
              "electrical": "F", "body": "G"}


class DemoRefused(UserError):
    pass


# --- numbers as makers print them ------------------------------------------------------------

class NumberPattern:
    """One printed number format (see ``demo_data``); ``render(i)`` is a bijection on [0, capacity)."""

    def __init__(self, text: str, *, offset: int) -> None:
        self.text = text
        self.slots: list[tuple[str, ...]] = []
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "#":
                self.slots.append(tuple("0123456789"))
            elif ch == "@":
                self.slots.append(tuple(_LETTERS))
            elif ch == "{":
                end = text.index("}", i)
                self.slots.append(tuple(text[i + 1:end].split("|")))
                i = end
            else:
                self.slots.append((ch,))
            i += 1
        self.capacity = math.prod(len(s) for s in self.slots)
        self.literal = [slot[0] if len(slot) == 1 else "" for slot in self.slots]
        # the last slot varies fastest, as in a counter
        self.variable = [(i, slot, len(slot)) for i, slot in reversed(list(enumerate(self.slots))) if len(slot) > 1]
        # A multiplier coprime with the capacity, near its golden section, scatters consecutive
        # indexes evenly over the whole space (and stays a bijection).
        multiplier = max(1, round(self.capacity * 0.6180339887))
        while math.gcd(multiplier, self.capacity) != 1:
            multiplier += 1
        self.multiplier = multiplier
        self.offset = offset % self.capacity

    def render(self, index: int) -> str:
        value = (index * self.multiplier + self.offset) % self.capacity
        chars = list(self.literal)
        for position, slot, size in self.variable:
            value, pick = divmod(value, size)
            chars[position] = slot[pick]
        return " ".join("".join(chars).split())  # an empty choice leaves no double space


class NumberSpace:
    """All numbers one brand (or car maker) prints: own numbers count up from the bottom of its
    patterns, made-up numbers of other shops' stock (interchange, superseded) down from the top,
    so the two never meet."""

    def __init__(self, patterns: Sequence[str], rng: random.Random) -> None:
        self.patterns = [NumberPattern(p, offset=rng.randrange(1 << 30)) for p in patterns]
        self.total = sum(p.capacity for p in self.patterns)
        self.next_own = 0
        self.next_other = 0
        self.used: set[str] = set()

    def _at(self, index: int) -> str:
        for pattern in self.patterns:
            if index < pattern.capacity:
                return pattern.render(index)
            index -= pattern.capacity
        raise OverflowError("number space exhausted")

    def own(self) -> tuple[str, str] | None:
        """A new (number, normalized number), unique in this space after normalization; None when full."""
        while self.next_own < self.total - self.next_other:
            number = self._at(self.next_own)
            self.next_own += 1
            norm = normalize_number(number)
            if norm not in self.used:
                self.used.add(norm)
                return number, norm
        return None

    def other(self) -> tuple[str, str]:
        self.next_other += 1
        number = self._at((self.total - self.next_other) % self.total)
        return number, normalize_number(number)


# --- barcodes ---------------------------------------------------------------------------------

class BarcodeMaker:
    """Barcodes unique across the shop: EAN-13 from the brand's GS1 country prefix, UPC-A for
    North American brands (stored as its EAN-13 form), and the shop's own Code 128 codes.

    Each kind draws from its own counter through a bijection, so no two are ever equal."""

    def __init__(self, rng: random.Random) -> None:
        self.ean = 0
        self.upc = 0
        self.shop = 0
        self.ean_offset = rng.randrange(10**9)
        self.upc_offset = rng.randrange(10**10)

    def ean13(self, prefix: str) -> tuple[str, str]:
        body = prefix + f"{(self.ean * 7_919_393 + self.ean_offset) % 10**9:09d}"
        self.ean += 1
        return body + str(gtin_check_digit(body)), "EAN13"

    def upc_a(self) -> tuple[str, str]:
        body = "0" + f"{(self.upc * 7_919_393 + self.upc_offset) % 10**10:010d}"
        self.upc += 1
        upc = body + str(gtin_check_digit(body))
        return "0" + upc, "EAN13"  # a UPC-A is stored as its EAN-13 form (domain.gtin)

    def shop_code(self) -> tuple[str, str]:
        self.shop += 1
        return f"PD{self.shop:07d}", "CODE128"

    def for_brand(self, brand: BrandSpec) -> tuple[str, str]:
        return self.upc_a() if not brand.gs1 else self.ean13(brand.gs1)


# --- the generator ------------------------------------------------------------------------------

class PlannedPart(NamedTuple):
    """One generated part, before it has database ids. Money in minor units, qty in thousandths."""

    number: str
    number_norm: str
    brand: BrandSpec
    name_en: str
    name_zh: str
    sub: str
    grade: str
    unit: str
    bin: str
    cost: int
    price_retail: int
    price_trade: int
    price_wholesale: int
    min_qty: int
    max_qty: int
    core_charge: int
    warranty_months: int
    warranty_km: int
    active: bool
    barcodes: tuple[tuple[str, str], ...]  # (code, symbology), normalized
    numbers: tuple[tuple[str, str, str, str], ...]  # (kind, maker, number, normalized), the own one first
    fitments: tuple[tuple[int, int, int | None, str, str], ...]  # (model index, from, to, engine, position)
    on_hand: int


def _cumulative(weights: Sequence[int]) -> list[int]:
    total, out = 0, []
    for w in weights:
        total += w
        out.append(total)
    return out


class CatalogueGenerator:
    """Deterministic stream of parts for a seed: products (a template for some vehicles) in
    1–4 brands' versions, which list each other as interchange numbers."""

    def __init__(self, seed: int, *, current_year: int) -> None:
        self.rng = random.Random(seed)
        self.current_year = current_year
        self.brands = {b.name: b for b in BRANDS}
        self.numbers = {b.name: NumberSpace(b.patterns, self.rng) for b in BRANDS}
        self.oe_numbers = {make: NumberSpace((pattern,), self.rng) for make, (_, pattern) in MAKES.items()}
        self.barcodes = BarcodeMaker(self.rng)
        self.genuine = {make: b for b in BRANDS for make in b.genuine_for}
        self.template_cw = _cumulative([t.weight for t in TEMPLATES])
        all_models = list(range(len(MODELS)))
        ice = [i for i, m in enumerate(MODELS) if any(not e.startswith("EV") for e in m.engines)]
        self.model_pool = {False: (all_models, _cumulative([MODELS[i].weight for i in all_models])),
                           True: (ice, _cumulative([MODELS[i].weight for i in ice]))}
        self.families: dict[str, list[int]] = {}
        self.makes: dict[str, list[int]] = {}
        for i, m in enumerate(MODELS):
            self.families.setdefault(m.family, []).append(i)
            self.makes.setdefault(m.make, []).append(i)

    # the pieces of a product

    def _weighted(self, items: Sequence[int], cw: Sequence[int]) -> int:
        return items[bisect(cw, self.rng.random() * cw[-1])]

    def _int(self, low: int, high: int) -> int:
        """randint(low, high), without randint's overhead (a million parts draw it often)."""
        return low + int(self.rng.random() * (high - low + 1))

    def _one_of(self, values: Sequence[int], cw: Sequence[int]) -> int:
        return values[bisect(cw, self.rng.random() * cw[-1])]

    def _fitments(self, template: Template) -> list[tuple[int, int, int | None, str, str]]:
        ice_only = template.sub.startswith(_ICE_ONLY_SUBS)
        pool, cw = self.model_pool[ice_only]
        rng = self.rng
        chosen = [self._weighted(pool, cw)]
        wanted = self._one_of((1, 2, 3), (50, 85, 100))
        first = MODELS[chosen[0]]
        related = [i for i in self.families[first.family] + self.makes[first.make]
                   if i not in chosen and (not ice_only or i in pool)]
        while len(chosen) < wanted:
            candidates = [i for i in related if i not in chosen]
            pick = rng.choice(candidates) if candidates else self._weighted(pool, cw)
            if pick in chosen:
                break
            chosen.append(pick)
        position = rng.choice(template.positions)
        rows = []
        for index in chosen:
            model = MODELS[index]
            end = model.year_to or self.current_year
            year_from = self._int(model.year_from, max(model.year_from, end - 2))
            if model.year_to is None and rng.random() < 0.5:
                year_to = None
            else:
                year_to = min(end, year_from + self._int(2, 8))
            engines = [e for e in model.engines if not (ice_only and e.startswith("EV"))]
            engine = rng.choice(engines) if rng.random() < 0.7 else ""
            rows.append((index, year_from, year_to, engine, position))
        return rows

    def _prices(self, base_cost: int, brand: BrandSpec) -> tuple[int, int, int, int]:
        factor = round(brand.price_factor * 100)
        cost = max(50, base_cost * factor * self._int(90, 110) // 10_000 // 10 * 10)
        wholesale = cost * self._int(112, 122) // 100
        trade = max(wholesale + 10, wholesale * self._int(108, 118) // 100)
        retail = trade * self._int(115, 140) // 100
        step = 100 if retail >= 2000 else 50  # counter prices end in whole (or half) yuan
        retail = max(trade + step, -(-retail // step) * step)
        return cost, retail, trade, max(wholesale, cost + 10)

    def _bin(self, template: Template) -> str:
        zone = self.rng.choice(_BIN_ZONES[template.sub.split(".")[0]])
        return f"{zone}-{self._int(1, 24):02d}-{self._int(1, 6)}"

    def _brands_for(self, template: Template, make: str, count: int) -> list[BrandSpec]:
        rng = self.rng
        chosen: list[BrandSpec] = []
        genuine = self.genuine.get(make)
        if template.genuine and genuine is not None and rng.random() < 0.3:
            chosen.append(genuine)
        names = [n for n in template.brands]
        weights = [self.brands[n].weight for n in names]
        while len(chosen) < count and names:
            pick = bisect(_cumulative(weights), rng.random() * sum(weights))
            chosen.append(self.brands[names.pop(pick)])
            weights.pop(pick)
        return chosen

    def products(self) -> Iterator[list[PlannedPart]]:
        """Endless products, each a list of 1–4 interchangeable parts of different brands."""
        rng = self.rng
        while True:
            template = TEMPLATES[bisect(self.template_cw, rng.random() * self.template_cw[-1])]
            fitments = self._fitments(template)
            make = MODELS[fitments[0][0]].make
            oe_number = self.oe_numbers[make].own() or self.oe_numbers[make].other()
            variant_en, variant_zh = rng.choice(template.variants)
            name_en, name_zh = template.name_en + variant_en, template.name_zh + variant_zh
            base_cost = self._int(*template.cost)
            brands = self._brands_for(template, make, self._one_of((1, 2, 3, 4), (35, 70, 90, 100)))
            own: list[tuple[BrandSpec, tuple[str, str]]] = []
            for brand in brands:
                if brand.genuine_for:  # the car maker's own part carries the OE number itself
                    used = self.numbers[brand.name].used
                    number = None if oe_number[1] in used else oe_number
                    used.add(oe_number[1])
                else:
                    number = self.numbers[brand.name].own()
                if number is None:
                    continue  # this brand's number space is full: the product goes without it
                own.append((brand, number))
            if not own:
                continue
            in_product = {b.name for b, _ in own}
            fillers = [n for n in template.brands if n not in in_product]
            parts: list[PlannedPart] = []
            for brand, (number, norm) in own:
                numbers: list[tuple[str, str, str, str]] = [("own", brand.name, number, norm)]
                cross: list[tuple[str, str, str, str]] = []
                if not brand.genuine_for:
                    cross.append(("oe", make, *oe_number))
                cross += [("interchange", b.name, *n) for b, n in own if b is not brand]
                while len(cross) < 3:
                    maker = rng.choice(fillers) if fillers else rng.choice(BRANDS).name
                    cross.append(("interchange", maker, *self.numbers[maker].other()))
                numbers += cross[:3]
                if rng.random() < 0.08:
                    numbers.append(("superseded", brand.name, *self.numbers[brand.name].other()))
                barcodes = [self.barcodes.for_brand(brand)]
                for _ in range(self._one_of((0, 1, 2), (60, 90, 100))):
                    barcodes.append(self.barcodes.shop_code() if rng.random() < 0.5 else self.barcodes.ean13(brand.gs1
                                                                                                              or "690"))
                cost, retail, trade, wholesale = self._prices(base_cost, brand)
                low, high = template.stock
                on_hand = 0 if rng.random() < 0.15 else self._int(low, high) * 1000
                parts.append(PlannedPart(
                    number=number, number_norm=norm, brand=brand, name_en=name_en, name_zh=name_zh, sub=template.sub,
                    grade=brand.grade, unit=template.unit, bin=self._bin(template), cost=cost, price_retail=retail,
                    price_trade=trade, price_wholesale=wholesale, min_qty=high // 4 * 1000, max_qty=max(high, 1) * 1000,
                    core_charge=template.core_charge, warranty_months=template.warranty_months,
                    warranty_km=template.warranty_km, active=rng.random() >= 0.01, barcodes=tuple(barcodes),
                    numbers=tuple(numbers), fitments=tuple(fitments), on_hand=on_hand,
                ))
            yield parts

    def parts(self, count: int) -> Iterator[PlannedPart]:
        made = 0
        for product in self.products():
            for part in product:
                if made >= count:
                    return
                made += 1
                yield part


# --- reference rows ---------------------------------------------------------------------------

@dataclass
class Refs:
    """Database ids of the reference rows, for the bulk writer."""

    brand_ids: dict[str, int]
    category_ids: dict[str, int]
    category_names: dict[str, tuple[str, ...]]  # sub code -> names for the search document
    supplier_ids: dict[str, int]
    model_ids: list[int]  # by index into MODELS
    model_docs: list[tuple[str, str, str, str]]  # make, make_zh, model, model_zh


def _write_reference_rows() -> Refs:
    """Categories, brands, suppliers and vehicle models (a few hundred rows: plain peewee)."""
    ensure_standard_categories()
    with transaction():
        for name, phone, email in SUPPLIERS:
            Supplier.insert(name=name, name_key=name_key(name), phone=phone, email=email).on_conflict_ignore() \
                .execute()
        for brand in BRANDS:
            Brand.insert(name=brand.name, name_key=name_key(brand.name), name_zh=brand.name_zh) \
                .on_conflict_ignore().execute()
        for model in MODELS:
            VehicleModel.insert(make=model.make, make_zh=MAKES[model.make][0], model=model.model,
                                model_zh=model.model_zh).on_conflict_ignore().execute()
    brand_ids = {key: bid for bid, key in Brand.select(Brand.id, Brand.name_key).tuples()}
    supplier_ids = {key: sid for sid, key in Supplier.select(Supplier.id, Supplier.name_key).tuples()}
    models = {(make, model): (mid, make_zh, model_zh) for mid, make, make_zh, model, model_zh in
              VehicleModel.select(VehicleModel.id, VehicleModel.make, VehicleModel.make_zh, VehicleModel.model,
                                  VehicleModel.model_zh).tuples()}
    categories = {code: (cid, en, zh, parent) for cid, code, en, zh, parent in
                  Category.select(Category.id, Category.code, Category.name_en, Category.name_zh,
                                  Category.parent).tuples()}
    by_id = {cid: (en, zh) for cid, en, zh, _ in categories.values()}
    category_names = {}
    for _, _, _, subs in STANDARD_CATEGORIES:
        for code, _, _ in subs:
            if code not in categories:
                raise RuntimeError(f"the standard category {code} is missing after ensure_standard_categories()")
            _, en, zh, parent = categories[code]
            category_names[code] = (en, zh, *(by_id[parent] if parent else ()))
    return Refs(
        brand_ids={b.name: brand_ids[name_key(b.name)] for b in BRANDS},
        category_ids={code: value[0] for code, value in categories.items()},
        category_names=category_names,
        supplier_ids={name: supplier_ids[name_key(name)] for name, _, _ in SUPPLIERS},
        model_ids=[models[(m.make, m.model)][0] for m in MODELS],
        model_docs=[(m.make, models[(m.make, m.model)][1], m.model, models[(m.make, m.model)][2]) for m in MODELS],
    )


# --- the bulk writer ---------------------------------------------------------------------------

_PART_COLUMNS = ("id", "number", "number_norm", "brand_id", "name_en", "name_zh", "category_id", "grade", "unit", "bin",
                 "cost", "price_retail", "price_trade", "price_wholesale", "tax_rate_bp", "min_qty", "max_qty",
                 "supplier_id", "core_charge", "warranty_months", "warranty_km", "notes", "active", "search_text",
                 "created_at", "updated_at")
_TABLES: dict[str, tuple[str, ...]] = {
    "part": _PART_COLUMNS,
    "part_barcode": ("id", "part_id", "code", "symbology"),
    "part_number": ("id", "part_id", "kind", "maker", "number", "number_norm"),
    "fitment": ("id", "part_id", "vehicle_model_id", "year_from", "year_to", "engine", "position", "note"),
    "stock_move": ("seq", "at", "part_id", "location_id", "qty", "unit_cost", "reason", "document", "user_id"),
    "stock_balance": ("part_id", "location_id", "qty"),
}
_ID_COLUMNS = {"part": "id", "part_barcode": "id", "part_number": "id", "fitment": "id", "stock_move": "seq"}


def _next_ids(db: Database) -> dict[str, int]:
    ids = {}
    for table, column in _ID_COLUMNS.items():
        row = db.execute_sql(f"SELECT MAX({column}) FROM {table}").fetchone()
        ids[table] = int(row[0] or 0) + 1
    return ids


def _insert_many(db: Database, table: str, rows: list[tuple]) -> None:
    if not rows:
        return
    columns = _TABLES[table]
    cursor = db.cursor()
    if is_postgres(db):
        from psycopg2.extras import execute_values

        execute_values(cursor, f"INSERT INTO {table} ({', '.join(columns)}) VALUES %s", rows, page_size=2000)
    else:
        p = db.param
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([p] * len(columns))})",
                           rows)


@dataclass
class CatalogueStats:
    parts: int = 0
    barcodes: int = 0
    numbers: int = 0
    fitments: int = 0
    stocked: int = 0
    stock_value: int = 0  # minor units, at cost
    seconds: float = 0.0


class SearchDocuments:
    """``domain.search.search_document`` for generated parts, fast.

    A document is the part's number, then the words of its names, brand and categories, then
    its vehicle tokens. Parts share names and fitments by the thousand, so the two halves are
    made once by ``search_document`` itself (with the other half empty) and joined; every
    ``VERIFY_EVERY``-th part is also made in one call and compared, and at the first
    difference (the rules changed) every later part is made in one call.
    """

    VERIFY_EVERY = 97

    def __init__(self, refs: Refs, *, current_year: int) -> None:
        self.refs = refs
        self.current_year = current_year
        self.words: dict[tuple[str, str, str, str], str] = {}
        self.vehicles: dict[tuple[int, int, int | None], str] = {}
        self.count = 0
        self.fast = True

    def _full(self, part: PlannedPart, fitments: Sequence[FitmentDoc]) -> str:
        return search_document(number=part.number, name_en=part.name_en, name_zh=part.name_zh, brand=part.brand.name,
                               brand_zh=part.brand.name_zh, category_names=self.refs.category_names[part.sub],
                               fitments=fitments, current_year=self.current_year)

    def _fitment_docs(self, part: PlannedPart) -> list[FitmentDoc]:
        docs = []
        for index, year_from, year_to, _engine, _position in part.fitments:
            make, make_zh, model, model_zh = self.refs.model_docs[index]
            docs.append(FitmentDoc(self.refs.model_ids[index], make, make_zh, model, model_zh, year_from, year_to))
        return docs

    def document(self, part: PlannedPart) -> str:
        self.count += 1
        if not self.fast:
            return self._full(part, self._fitment_docs(part))
        key = (part.name_en, part.name_zh, part.brand.name, part.sub)
        words = self.words.get(key)
        if words is None:
            words = self.words[key] = search_document(
                number="", name_en=part.name_en, name_zh=part.name_zh, brand=part.brand.name,
                brand_zh=part.brand.name_zh, category_names=self.refs.category_names[part.sub], fitments=(),
                current_year=self.current_year)
        pieces = []
        for fitment in part.fitments:  # the models of one part differ: their tokens never repeat
            key3 = fitment[:3]
            piece = self.vehicles.get(key3)
            if piece is None:
                index, year_from, year_to = key3
                make, make_zh, model, model_zh = self.refs.model_docs[index]
                piece = self.vehicles[key3] = search_document(
                    number="", name_en="", name_zh="", brand="", brand_zh="", category_names=(),
                    fitments=(FitmentDoc(self.refs.model_ids[index], make, make_zh, model, model_zh, year_from,
                                         year_to),), current_year=self.current_year)
            pieces.append(piece)
        vehicles = " ".join(pieces)
        own = search_document(number=part.number, name_en="", name_zh="", brand="", brand_zh="", category_names=(),
                              fitments=(), current_year=self.current_year)
        text = " ".join(piece for piece in (own, words, vehicles) if piece)
        if self.count % self.VERIFY_EVERY == 1:
            full = self._full(part, self._fitment_docs(part))
            if full != text:
                self.fast = False
                return full
        return text


@contextmanager
def _bulk_load_mode(db: Database) -> Iterator[None]:
    """While filling empty tables on SQLite: drop the secondary indexes and the full-text
    triggers of the bulk-loaded tables and create them again afterwards (one sorted pass is
    many times faster than keeping a B-tree up to date row by row, and the full-text indexes
    are rebuilt after the load anyway); a big page cache and no fsync per chunk, since a
    half-built file is deleted and built again. Unique constraints stay on throughout."""
    if is_postgres(db):
        yield
        return
    tables = ", ".join(f"'{table}'" for table in _TABLES)
    objects = db.execute_sql(
        f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ({tables}) AND sql IS NOT NULL "
        "AND (type = 'index' OR (type = 'trigger' AND sql LIKE '%AFTER INSERT%')) ORDER BY type, name").fetchall()
    with transaction():
        for kind, name, _ in objects:
            db.execute_sql(f'DROP {kind.upper()} "{name}"')
    db.execute_sql("PRAGMA synchronous = OFF")
    db.execute_sql("PRAGMA cache_size = -262144")  # 256 MB
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA synchronous = {SQLITE_PRAGMAS['synchronous']}")
        db.execute_sql(f"PRAGMA cache_size = {SQLITE_PRAGMAS['cache_size']}")
        with transaction():
            for _, _, sql in objects:  # indexes sort before triggers
                db.execute_sql(sql)


def _load_parts(refs: Refs, *, parts: int, seed: int, user_id: int | None, progress: Progress,
                opening_at: datetime | None = None) -> CatalogueStats:
    db = database.obj
    postgres = is_postgres(db)
    now = clock.now()
    stamp = now if postgres else now.isoformat(sep=" ")
    counted = opening_at or now  # the opening stock moves' time
    counted_stamp = counted if postgres else counted.isoformat(sep=" ")
    current_year = now.year
    ids = _next_ids(db)
    stats = CatalogueStats()
    generator = CatalogueGenerator(seed, current_year=current_year)
    documents = SearchDocuments(refs, current_year=current_year)
    stream = generator.parts(parts)
    done = 0
    if progress:
        progress(0, parts)
    while done < parts:
        rows: dict[str, list[tuple]] = {table: [] for table in _TABLES}
        for part in _take(stream, min(CHUNK_PARTS, parts - done)):
            part_id = ids["part"]
            ids["part"] += 1
            for index, year_from, year_to, engine, position in part.fitments:
                rows["fitment"].append((ids["fitment"], part_id, refs.model_ids[index], year_from, year_to, engine,
                                        position, ""))
                ids["fitment"] += 1
            brand = part.brand
            text = documents.document(part)
            rows["part"].append((
                part_id, part.number, part.number_norm, refs.brand_ids[brand.name], part.name_en,
                part.name_zh, refs.category_ids[part.sub], part.grade, part.unit, part.bin, part.cost,
                part.price_retail, part.price_trade, part.price_wholesale, TAX_RATE_BP, part.min_qty, part.max_qty,
                refs.supplier_ids[brand.supplier], part.core_charge, part.warranty_months, part.warranty_km, "",
                part.active, text, stamp, stamp,
            ))
            for code, symbology in part.barcodes:
                rows["part_barcode"].append((ids["part_barcode"], part_id, code, symbology))
                ids["part_barcode"] += 1
            for kind, maker, number, norm in part.numbers:
                rows["part_number"].append((ids["part_number"], part_id, kind, maker, number, norm))
                ids["part_number"] += 1
            if part.on_hand:
                rows["stock_move"].append((ids["stock_move"], counted_stamp, part_id, MAIN_LOCATION_ID, part.on_hand,
                                           part.cost, OPENING_REASON, OPENING_DOCUMENT, user_id))
                ids["stock_move"] += 1
                rows["stock_balance"].append((part_id, MAIN_LOCATION_ID, part.on_hand))
                stats.stocked += 1
                stats.stock_value += part.cost * part.on_hand // 1000
            stats.parts += 1
        with transaction():
            for table, table_rows in rows.items():
                _insert_many(db, table, table_rows)
        stats.barcodes += len(rows["part_barcode"])
        stats.numbers += len(rows["part_number"])
        stats.fitments += len(rows["fitment"])
        done += len(rows["part"])
        if progress:
            progress(done, parts)
        if not rows["part"]:
            break
    if postgres:  # rows were written with explicit ids: move the identity sequences past them
        with transaction():
            for table, column in _ID_COLUMNS.items():
                db.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                               f"GREATEST((SELECT MAX({column}) FROM {table}), 1))")
    return stats


def _take(stream: Iterator[PlannedPart], count: int) -> Iterator[PlannedPart]:
    for _ in range(count):
        part = next(stream, None)
        if part is None:
            return
        yield part


# --- what is in the database already ------------------------------------------------------------

def _table_names(db: Database) -> set[str]:
    return set(db.get_tables())


def holds_data(db: Database) -> bool:
    """True when any of the shop's own tables has a row (an empty, migrated database does not)."""
    tables = _table_names(db)
    for table in DATA_TABLES:
        if table in tables and db.execute_sql(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
            return True
    return False


def is_demo_shop(db: Database) -> bool:
    if "setting" not in _table_names(db):
        return False
    row = db.execute_sql(f"SELECT value FROM setting WHERE key = {db.param}", (DEMO_SETTING,)).fetchone()
    try:
        return row is not None and json.loads(row[0]) is True
    except ValueError:
        return False


def _open_for_demo(url: str) -> Database:
    """Open ``url`` for a new demo: refuse a real shop, wipe an old demo, then open it empty."""
    if not is_postgres_url(url):
        path = Path(url)
        if path.exists() and path.stat().st_size > 0:
            try:
                db = open_database(url)
                tables = _table_names(db)
            except Exception as error:  # not a SQLite file at all (or unreadable): never touch it
                raise DemoRefused(f"{url} is not a PartsDesk database ({error}); the demo shop was not built. "
                                  "Choose another file with --db.") from error
            refused = holds_data(db) and not is_demo_shop(db)
            db.close()
            if refused:
                raise DemoRefused(_refusal(url))
            if tables:
                try:
                    for suffix in ("", "-wal", "-shm", "-journal"):
                        Path(str(path) + suffix).unlink(missing_ok=True)
                except OSError as error:
                    raise DemoRefused(f"Cannot replace the old demo shop {url}: {error.strerror or error}. "
                                      "Close PartsDesk windows that use it and try again.") from error
        return open_database(url)
    db = open_database(url)
    if holds_data(db):
        if not is_demo_shop(db):
            raise DemoRefused(_refusal(describe(db)))
        with db.atomic():
            db.execute_sql("DROP SCHEMA public CASCADE")
            db.execute_sql("CREATE SCHEMA public")
    return db


def _refusal(name: str) -> str:
    return (f"{name} already holds a shop's data and is not a demo shop; nothing was changed. "
            "Build the demo in a new file (for example --db demo-shop.sqlite) or an empty PostgreSQL database.")


def _migrate(db: Database, url: str) -> None:
    from partsdesk.models.migrations import migrate
    from partsdesk.services.shop import backup_dir_for

    migrate(db, backup_dir=backup_dir_for(url) or Path("."))


# --- the two entry points -----------------------------------------------------------------------

def generate_catalogue(url: str, *, parts: int, seed: int = 1, progress: Progress = None,
                       user_id: int | None = None, opening_at: datetime | None = None) -> CatalogueStats:
    """Fill the (empty or freshly wiped) database at ``url`` with ``parts`` generated parts and
    the reference rows they need, then rebuild the search index. Used by the demo and the bench.
    ``opening_at``: when the opening stock was counted (default now; the demo dates it before
    its history).

    Leaves the database open and bound. Refuses a database that already holds parts.
    """
    if parts < 0:
        raise UserError("The number of parts cannot be negative.")
    started = time.perf_counter()
    db = database.obj
    if db is None or not _same_database(db, url):
        db = open_database(url)
        _migrate(db, url)
    if db.execute_sql("SELECT 1 FROM part LIMIT 1").fetchone():
        raise DemoRefused(_refusal(url))
    refs = _write_reference_rows()
    with _bulk_load_mode(db):
        stats = _load_parts(refs, parts=parts, seed=seed, user_id=user_id, progress=progress, opening_at=opening_at)
    rebuild_search_index()
    stats.seconds = time.perf_counter() - started
    return stats


def _same_database(db: Database, url: str) -> bool:
    if is_postgres_url(url):
        return is_postgres(db) and not db.is_closed()
    path = sqlite_path(db)
    return path is not None and not db.is_closed() and Path(path).resolve() == Path(url).resolve()


@dataclass
class DemoSummary:
    database: str
    catalogue: CatalogueStats
    brands: int
    vehicle_models: int
    suppliers: int
    customers: CustomerStats
    users: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # username, role, PIN, password
    history: HistoryStats | None = None
    workshop: WorkshopStats | None = None

    def describe(self) -> str:
        c = self.catalogue
        lines = [
            f"Demo shop built in {c.seconds:.1f} s: {self.database}",
            f"  {c.parts:,} parts of {self.brands} brands, {c.barcodes:,} barcodes, {c.numbers:,} part numbers, "
            f"{c.fitments:,} fitments on {self.vehicle_models} vehicle models, {self.suppliers} suppliers",
            f"  {c.stocked:,} parts in stock, worth {format_money(c.stock_value)} at cost",
            f"  {self.customers.customers:,} customers with {self.customers.phones:,} phones and "
            f"{self.customers.vehicles:,} vehicles",
            *(self.history.describe() if self.history else []),
            *([f"  Workshop: {self.workshop.delivered:,} repair orders delivered in the last three weeks, "
               f"{self.workshop.open_orders:,} open today (one in each status), {self.workshop.appointments:,} "
               "appointments"] if self.workshop else []),
            "  Users (log in with the PIN; the manager and admin log in with their password):",
        ]
        for username, role, pin, password in self.users:
            secret = f"password {password}, PIN {pin}" if password else f"PIN {pin}"
            lines.append(f"    {username:<6} {role:<16} {secret}")
        return "\n".join(lines)


def _write_workshop_setup() -> None:
    """The demo workshop's bays, labour classes and canned jobs (``demo_data.DEMO_*``), through
    ``services.workshop_setup`` (checked and audited as a manager's would be), built from real
    demo parts: a job whose part this catalogue lacks is left out."""
    from partsdesk.models import Category, Part
    from partsdesk.services import workshop_setup
    from partsdesk.services.demo_data import DEMO_BAYS, DEMO_CANNED_JOBS, DEMO_LABOUR_CLASSES

    for code, name in DEMO_BAYS:
        workshop_setup.add_bay(SYSTEM, code=code, name=name)
    classes = {code: workshop_setup.add_labour_class(SYSTEM, code=code, name=name, rate=rate)
               for code, name, rate in DEMO_LABOUR_CLASSES}
    for code, name, specs in DEMO_CANNED_JOBS:
        lines = []
        for kind, part, qty, klass, description, price in specs:
            part_id = None
            if part is not None:
                part_id = (Part.select(Part.id).join(Category, on=(Part.category == Category.id))
                           .where(Category.code == part[0], Part.name_en.startswith(part[1]),
                                  Part.active == True)  # noqa: E712 (peewee expression)
                           .order_by(Part.id).scalar())
                if part_id is None:
                    break
            lines.append(workshop_setup.CannedLineRequest(kind=kind, qty=qty, description=description,
                                                          part_id=part_id, labour_class_id=classes.get(klass),
                                                          unit_price=price))
        else:
            workshop_setup.add_canned_job(SYSTEM, code=code, name=name, lines=lines)


def build_demo_shop(url: str, *, parts: int = 5000, seed: int = 1, progress: Progress = None) -> DemoSummary:
    """Build the demo shop at ``url`` (a SQLite path or a PostgreSQL URL).

    Refuses (``UserError``, nothing changed) when the database holds a real shop; an earlier
    demo shop is deleted and built again from scratch. Leaves the database open and bound.
    """
    from partsdesk.services import users

    if parts < 1:
        raise UserError("A demo shop needs at least 1 part.")
    started = time.perf_counter()
    db = _open_for_demo(url)
    _migrate(db, url)
    created = []
    for username, display_name, role, pin, password in DEMO_USERS:
        users.add_user(SYSTEM, username=username, display_name=display_name, role=role, pin=pin, password=password)
        created.append((username, role, pin, password))
    admin_id = db.execute_sql(f"SELECT id FROM app_user WHERE username = {db.param}", ("admin",)).fetchone()[0]
    with transaction():
        for key, value in ((DEMO_SETTING, True), ("shop.name", SHOP_NAME)):
            Setting.insert(key=key, value=json.dumps(value)).on_conflict(
                conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}).execute()
    # the opening stock count comes before the history (and the counter's stock moves in it)
    stats = generate_catalogue(url, parts=parts, seed=seed, progress=progress, user_id=admin_id,
                               opening_at=clock.now() - timedelta(days=OPENING_DAYS_AGO))
    _write_workshop_setup()
    customers = generate_customers(DEMO_CUSTOMERS, seed=seed)
    history = generate_history(seed=seed, as_of=clock.now(), progress=progress)
    garage = open_orders_and_bookings(seed, delivered=history.workshop_delivered)
    with transaction():
        audit.record("demo.build", actor=SYSTEM, object_type="shop", object_id="demo",
                     new={"parts": stats.parts, "customers": customers.customers, "seed": seed,
                          "history": {"sales": history.sales, "repair_orders": history.repair_orders,
                                      "invoices": history.invoices, "payments": history.payments,
                                      "members": history.members, "calls": history.calls,
                                      "complaints": history.complaints},
                          "workshop": {"delivered": garage.delivered, "open": garage.open_orders,
                                       "appointments": garage.appointments}})
    stats.seconds = time.perf_counter() - started
    return DemoSummary(database=describe(db), catalogue=stats, brands=len(BRANDS), vehicle_models=len(MODELS),
                       suppliers=len(SUPPLIERS), customers=customers, users=created, history=history,
                       workshop=garage)


def _in_store_ean13(index: int) -> str:
    """An EAN-13 of GS1's in-store range (prefix 2), which the generator never gives a part."""
    body = f"2{index:011d}"
    return body + str(gtin_check_digit(body))


def sample_import_rows(count: int, *, seed: int, number_prefix: str = "") -> list[dict[str, str]]:
    """Generated parts as rows of an import file (our column names, money as text), for the bench.

    ``number_prefix`` (e.g. "IMP-": no maker's pattern starts so) makes the numbers new to a
    generated shop.
    """
    generator = CatalogueGenerator(seed, current_year=clock.now().year)
    rows = []
    for part in generator.parts(count):
        def money(minor: int) -> str:
            return f"{minor // 100}.{minor % 100:02d}"

        rows.append({
            "number": number_prefix + part.number, "brand": part.brand.name, "name_en": part.name_en,
            "name_zh": part.name_zh, "category": part.sub, "grade": part.grade, "unit": part.unit, "bin": part.bin,
            "cost": money(part.cost), "price_retail": money(part.price_retail),
            "price_trade": money(part.price_trade), "price_wholesale": money(part.price_wholesale),
            "tax_rate": "13%", "min_qty": str(part.min_qty // 1000), "max_qty": str(part.max_qty // 1000),
            "supplier": part.brand.supplier, "core_charge": money(part.core_charge),
            "warranty_months": str(part.warranty_months), "warranty_km": str(part.warranty_km), "notes": "",
            "active": "yes",
            "barcodes": _in_store_ean13(len(rows)),
            "interchange": "; ".join(f"{maker}:{number}" for kind, maker, number, _ in part.numbers
                                     if kind == "interchange"),
        })
    return rows
