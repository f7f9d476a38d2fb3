"""Parts in and out of spreadsheets: ``partsdesk import parts FILE`` and ``partsdesk export parts FILE``.

Import (``import_parts``)
- Reads CSV (UTF-8, UTF-8 with BOM, or GBK/GB18030 as Chinese spreadsheet programs write it;
  comma, semicolon or tab separated) or XLSX (the first sheet).
- Columns are found by their header: our field names (``number``, ``brand``, ``price_retail`` …),
  common English and Chinese headers ("Part No", "零件号", "售价" …; case and spaces do not
  matter), or a JSON mapping file ``{"our_field": "their header"}`` that overrides both.
- Every row is checked with ``domain.catalog.clean_part`` — the same rules and messages as the
  part editor — plus barcodes (check digits), extra numbers, duplicates within the file and
  barcodes already on another part. Each problem names the row as the spreadsheet shows it
  (header = row 1) and the file's column header.
- Nothing is written unless every row is valid (``skip_invalid`` writes the valid rows and
  reports the others; ``dry_run`` writes nothing and reports what would happen).
- Parts are matched by brand (case-insensitive) and normalized number: a known part is updated
  (only the columns the file has change; the stored spelling of its number and brand is kept;
  barcodes and numbers in the file are added, none is removed), an unknown one is created.
  Brands and suppliers are created as needed. A file of known parts only (a price list) needs
  just the number and brand columns besides what it changes.
- All writes run in one transaction with one ``catalog.import`` audit row (file name, SHA-256 of
  the file, counts): an error or a cancel leaves the shop exactly as it was.
- Permission: ``catalog.import``. Holding it includes setting the prices the file carries (the
  file is the storekeeper's price list); no separate ``catalog.edit_price`` approval is asked,
  and the audit row says how many parts were created and updated.

Export (``export_parts``)
- CSV, UTF-8 with a BOM (so Excel shows Chinese right), the same headers the import reads, so an
  export imported into an empty shop gives the same catalogue. Money as plain decimal text
  ("1234.50"), quantities in the part's unit ("4.5"), tax rate in percent ("13"), lists joined
  with "; " (interchange as "Maker:number").
- Spreadsheet formula injection: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab, a
  carriage return or an apostrophe gets one leading apostrophe, so a spreadsheet shows it as
  text and never runs it. The import removes exactly one apostrophe from a cell that begins with
  an apostrophe followed by one of those characters, so "-123" and "=1+2" survive the round trip.
- Streams the catalogue page by page (by id); never holds it all in memory. Requires
  ``catalog.export``; the cost column is written only for users who may see cost prices.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from peewee import JOIN

from partsdesk.domain import search
from partsdesk.domain.catalog import (
    NOTES_MAX,
    PART_FIELDS,
    clean_part,
)
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.gtin import normalize_barcode
from partsdesk.domain.money import CURRENCIES, format_quantity
from partsdesk.domain.part_numbers import NUMBER_MAX, normalize_number
from partsdesk.domain.permissions import Actor, require
from partsdesk.i18n import N_, _
from partsdesk.models import Brand, Category, Part, PartBarcode, PartNumber, Supplier, database, transaction
from partsdesk.models.db import is_postgres
from partsdesk.services import audit, settings
from partsdesk.services.catalog import ensure_standard_categories, name_key
from partsdesk.services.clock import now

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]

CHUNK = 500  # rows per lookup / insert statement, and how often progress and cancel are checked
EXPORT_PAGE = 1000
MAKER_MAX = 60
CANCELLED = N_("Import cancelled; nothing was changed.")

PART_COLUMNS = tuple(spec.name for spec in PART_FIELDS)
LIST_COLUMNS = ("barcodes", "oe_numbers", "interchange", "superseded")
LIST_KINDS = {"oe_numbers": "oe", "interchange": "interchange", "superseded": "superseded"}
ALL_COLUMNS = PART_COLUMNS + LIST_COLUMNS
REQUIRED_COLUMNS = tuple(spec.name for spec in PART_FIELDS if spec.required)
# Brand and number find the part; a file updating known parts only (a price list) may leave
# the other required columns out.
KEY_COLUMNS = ("number", "brand")

# Headers other programs and people use, by our field. Compared after ``_header_key``.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("part no", "part number", "part #", "partno", "part_no", "item no", "item number", "article",
               "article number", "sku", "code", "零件号", "零件编号", "配件编号", "配件号", "编号", "货号", "商品编号",
               "型号", "物料编码"),
    "brand": ("make", "manufacturer", "maker", "品牌", "厂牌", "生产厂家"),
    "name_en": ("name", "description", "desc", "part name", "english name", "名称", "英文名称", "英文名", "品名"),
    "name_zh": ("chinese name", "name cn", "name zh", "中文名称", "中文名", "中文品名"),
    "category": ("category code", "group", "product group", "类别", "分类", "类目", "配件类别"),
    "grade": ("quality", "quality grade", "品质", "等级", "品质等级"),
    "unit": ("uom", "unit of measure", "单位", "计量单位"),
    "bin": ("bin location", "location", "shelf", "货位", "库位", "仓位", "货架"),
    "cost": ("cost price", "purchase price", "buy price", "成本", "成本价", "进价", "进货价", "采购价"),
    "price_retail": ("price", "retail", "retail price", "sell price", "selling price", "售价", "零售价", "销售价",
                     "单价"),
    "price_trade": ("trade", "trade price", "批发价", "同行价"),
    "price_wholesale": ("wholesale", "wholesale price", "大客户价", "批量价"),
    "tax_rate": ("tax", "vat", "tax %", "vat %", "税率"),
    "min_qty": ("min", "minimum", "min stock", "最低库存", "库存下限", "最小库存"),
    "max_qty": ("max", "maximum", "max stock", "最高库存", "库存上限", "最大库存"),
    "supplier": ("vendor", "preferred supplier", "供应商", "供货商"),
    "core_charge": ("core", "core deposit", "旧件押金"),
    "warranty_months": ("warranty", "warranty months", "保修期", "保修月数", "质保期"),
    "warranty_km": ("warranty km", "warranty mileage", "保修里程", "质保里程"),
    "notes": ("note", "remarks", "comment", "comments", "备注", "说明"),
    "active": ("enabled", "status", "启用", "有效"),
    "barcodes": ("barcode", "ean", "gtin", "upc", "ean13", "条码", "条形码"),
    "oe_numbers": ("oe", "oe number", "oe no", "oem number", "原厂号", "原厂编号", "OE号", "OE编号"),
    "interchange": ("cross reference", "cross references", "cross ref", "interchange numbers", "替代号", "互换号",
                    "通用号", "对应号"),
    "superseded": ("superseded number", "old number", "replaces", "旧号", "旧编号", "被替代号"),
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARDED_START = _FORMULA_START + ("'",)
_BARCODE_SPLIT = re.compile(r"[;|,\s]+")
_NUMBER_SPLIT = re.compile(r"[;|\n]+")


def _header_key(text: str) -> str:
    """Headers compare ignoring case, spaces, underscores, dashes and dots ("Part No." == "part_no")."""
    return re.sub(r"[\s_\-.:：()（）]+", "", text.strip().lstrip("\ufeff")).casefold()


_ALIAS_TO_FIELD: dict[str, str] = {}
for _name in ALL_COLUMNS:
    _ALIAS_TO_FIELD[_header_key(_name)] = _name
for _name, _aliases in HEADER_ALIASES.items():
    for _alias in _aliases:
        _ALIAS_TO_FIELD.setdefault(_header_key(_alias), _name)
for _spec in PART_FIELDS:  # the editor's own labels ("Retail price", "Bin location") too
    _ALIAS_TO_FIELD.setdefault(_header_key(_spec.label), _spec.name)


# --- report --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportProblem:
    row: int  # as the spreadsheet shows it: the header is row 1
    column: str  # the file's own header ("" for the file as a whole)
    message: str

    def describe(self) -> str:
        if self.column:
            return _("row {row}, column {column!r}: {message}").format(row=self.row, column=self.column,
                                                                        message=self.message)
        return _("row {row}: {message}").format(row=self.row, message=self.message)


@dataclass
class ImportReport:
    file_name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0  # rows with at least one problem
    problems: list[ImportProblem] = field(default_factory=list)
    dry_run: bool = False
    skip_invalid: bool = False
    fatal: bool = False  # the file as a whole could not be imported (e.g. missing columns)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        """True when the import did (or, dry run: would do) what was asked."""
        if self.fatal:
            return False
        return not self.problems or self.skip_invalid

    def describe(self) -> str:
        if self.fatal:
            return _("{file}: not imported; nothing was changed ({count} problem(s)).").format(
                file=self.file_name, count=len(self.problems))
        created = _("{count:,} would be created") if self.dry_run else _("{count:,} created")
        updated = _("{count:,} would be updated") if self.dry_run else _("{count:,} updated")
        parts = [
            _("{file}: {rows:,} row(s) read").format(file=self.file_name, rows=self.rows),
            created.format(count=self.created),
            updated.format(count=self.updated),
            _("{count:,} unchanged").format(count=self.unchanged),
        ]
        if self.invalid:
            parts.append(_("{count:,} invalid").format(count=self.invalid))
        text = ", ".join(parts) + "."
        if self.ignored_columns:
            text += " " + _("Ignored column(s): {columns}.").format(columns=", ".join(self.ignored_columns))
        if self.dry_run:
            text += " " + _("Dry run: nothing written.")
        elif self.problems and not self.skip_invalid:
            text += " " + _("Nothing was written: fix the rows listed (or use --skip-invalid to import the valid "
                            "rows).")
        elif self.invalid:
            text += " " + _("The {count:,} invalid row(s) were skipped.").format(count=self.invalid)
        return text


class _Fatal(Exception):
    """The file as a whole cannot be imported; carries the problems to report."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("; ".join(p.describe() for p in problems))
        self.problems = problems


# --- reading files -------------------------------------------------------------------------

def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees (12.0 -> "12", a date -> ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # 12 significant digits: a price a formula made (45.300000000000004) reads as typed (45.3)
        return str(int(value)) if value.is_integer() else format(value, ".12g")
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def decode_csv_bytes(data: bytes) -> str:
    """The text of a CSV file: UTF-8 with BOM, else strict UTF-8, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UserError(_("The file is neither UTF-8 nor GBK text. Save it from your spreadsheet as "
                          "\"CSV UTF-8\" or as an .xlsx workbook and import that.")) from None


def _read_csv(data: bytes) -> list[list[str]]:
    text = decode_csv_bytes(data)
    # The separator is the one the header line uses most: headers rarely hold quoted separators,
    # while data cells do ("TRW:GDB1550; Brembo:P85075" in a comma-separated file).
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise UserError(_("Cannot read {file} as an Excel workbook ({error}). "
                          "Save it again as .xlsx or as CSV and import that.").format(file=path.name,
                                                                                      error=error)) from None
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _read_table(path: Path, data: bytes) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".xls":
        raise UserError(_("{file} is an old Excel 97 file. Save it as .xlsx or CSV and import that.").format(
            file=path.name))
    if data.startswith(b"PK\x03\x04"):  # an xlsx with another name
        return _read_xlsx(path)
    return _read_csv(data)


def _unguard(text: str) -> str:
    """Undo the export's formula guard: one apostrophe before = + - @ tab CR or another apostrophe."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r'":
        return text[1:]
    return text


def spreadsheet_safe(text: str) -> str:
    """Make a cell safe to open in a spreadsheet (see the module docstring)."""
    return "'" + text if text.startswith(_GUARDED_START) else text


# --- header mapping ------------------------------------------------------------------------

def _load_mapping(mapping_file: Path) -> dict[str, str]:
    try:
        mapping = json.loads(Path(mapping_file).read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise UserError(_("Cannot read the mapping file {file}: {reason}.").format(
            file=mapping_file, reason=error.strerror or error)) from None
    except json.JSONDecodeError as error:
        raise UserError(_("The mapping file {file} is not valid JSON (line {line}): {reason}.").format(
            file=Path(mapping_file).name, line=error.lineno, reason=error.msg)) from None
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in mapping.items()):
        raise UserError(_('The mapping file must be one JSON object like {example}.').format(
            example='{"number": "Part No", "brand": "Make"}'))
    unknown = sorted(set(mapping) - set(ALL_COLUMNS))
    if unknown:
        raise UserError(_("The mapping file names unknown field(s): {unknown}. Known fields: {known}.").format(
            unknown=", ".join(unknown), known=", ".join(ALL_COLUMNS)))
    return mapping


def _missing_columns(missing: Sequence[str], extra: str = "") -> ImportProblem:
    return ImportProblem(1, "", _(
        "Missing required column(s): {columns}.{extra} The first row must hold the column headers "
        "(our names, common English or Chinese headers, or a mapping file).").format(columns=", ".join(missing),
                                                                                    extra=extra))


def map_columns(header: Sequence[str], mapping: Mapping[str, str] | None = None) -> tuple[dict[str, int], list[str]]:
    """Which column index holds which of our fields; plus the headers that were not used.

    Raises ``_Fatal`` for a mapping header the file does not have, two columns for one field,
    or missing required columns.
    """
    problems: list[ImportProblem] = []
    keys = [_header_key(h) for h in header]
    columns: dict[str, int] = {}
    used: set[int] = set()
    for our, theirs in (mapping or {}).items():
        key = _header_key(theirs)
        if key not in keys:
            problems.append(ImportProblem(1, theirs, _("The mapping file names column {theirs!r} for {ours!r}, "
                                                       "but the file has no such column.").format(theirs=theirs,
                                                                                                  ours=our)))
            continue
        columns[our] = keys.index(key)
        used.add(columns[our])
    for index, key in enumerate(keys):
        if index in used or not key:
            continue
        name = _ALIAS_TO_FIELD.get(key)
        if name is None or (mapping and name in mapping):
            continue
        if name in columns:
            problems.append(ImportProblem(1, header[index], _(
                "Both {first!r} and {second!r} look like the {field!r} column. "
                "Rename one, or say which to use in a mapping file.").format(
                first=header[columns[name]], second=header[index], field=name)))
            continue
        columns[name] = index
        used.add(index)
    missing = [name for name in KEY_COLUMNS if name not in columns]
    if missing:
        problems.append(_missing_columns([name for name in REQUIRED_COLUMNS if name not in columns]))
    if problems:
        raise _Fatal(problems)
    ignored = [h for i, h in enumerate(header) if i not in used and h.strip()]
    return columns, ignored


# --- checking rows -------------------------------------------------------------------------

@dataclass
class _Row:
    line: int  # spreadsheet row number
    raw: dict[str, str]
    brand_key: str = ""
    number_norm: str = ""
    clean: dict[str, Any] = field(default_factory=dict)
    barcodes: list[tuple[str, str]] = field(default_factory=list)  # (code, symbology)
    numbers: list[tuple[str, str, str, str]] = field(default_factory=list)  # (kind, maker, number, norm)
    existing: tuple | None = None  # the part's stored row, when it exists
    bad: bool = False


def _split_numbers(text: str, kind: str) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Numbers of one list cell: "TRW:GDB1550; Brembo:P85075" -> [(kind, maker, number, norm)], problems."""
    found: list[tuple[str, str, str, str]] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for item in _NUMBER_SPLIT.split(text):
        item = item.strip()
        if not item:
            continue
        maker, sep, number = item.partition(":")
        if sep:
            maker, number = maker.strip(), number.strip()
        else:
            maker, number = "", item
        norm = normalize_number(number)
        if not norm:
            problems.append(_("{item!r} has no letter or digit to be a part number.").format(item=item[:40]))
        elif len(number) > NUMBER_MAX:
            problems.append(_("{number!r}… is longer than {most} characters.").format(number=number[:40], most=NUMBER_MAX))
        elif len(maker) > MAKER_MAX:
            problems.append(_("Maker {maker!r}… is longer than {most} characters.").format(maker=maker[:40], most=MAKER_MAX))
        elif (maker.upper(), norm) not in seen:
            seen.add((maker.upper(), norm))
            found.append((kind, maker, number, norm))
    return found, problems


def _format_minor(minor: int, exponent: int) -> str:
    return f"{Decimal(minor).scaleb(-exponent):f}" if exponent else str(minor)


# The stored columns read back for a known part, in this order (see ``_existing_as_raw``).
_EXISTING_SELECT = (
    "SELECT p.id, p.number, b.name, p.name_en, p.name_zh, c.code, p.grade, p.unit, p.bin, p.cost, p.price_retail, "
    "p.price_trade, p.price_wholesale, p.tax_rate_bp, p.min_qty, p.max_qty, s.name, p.core_charge, "
    "p.warranty_months, p.warranty_km, p.notes, p.active, p.number_norm, b.name_key "
    "FROM part p JOIN brand b ON b.id = p.brand_id JOIN category c ON c.id = p.category_id "
    "LEFT JOIN supplier s ON s.id = p.supplier_id WHERE p.number_norm IN "
)


def _select_in(sql: str, values: Sequence[Any], *, size: int = CHUNK) -> Iterator[tuple]:
    """Rows of ``sql`` + "(?, ?, …)" for ``values``, a chunk at a time (plain SQL: no model objects)."""
    db = database.obj
    for start in range(0, len(values), size):
        chunk = list(values[start:start + size])
        yield from db.execute_sql(f"{sql}({', '.join([db.param] * len(chunk))})", chunk).fetchall()


def _existing_as_raw(row: tuple, exponent: int) -> dict[str, object]:
    """A stored part as clean_part input, so an update is checked as the whole part it will become."""
    (_part_id, number, brand, name_en, name_zh, category, grade, unit, bin_, cost, retail, trade, wholesale, tax_bp,
     min_qty, max_qty, supplier, core, w_months, w_km, notes, active, _norm, _key) = row
    return {
        "number": number, "brand": brand, "name_en": name_en, "name_zh": name_zh, "category": category,
        "grade": grade, "unit": unit, "bin": bin_, "cost": _format_minor(cost, exponent),
        "price_retail": _format_minor(retail, exponent), "price_trade": _format_minor(trade, exponent),
        "price_wholesale": _format_minor(wholesale, exponent), "tax_rate": f"{Decimal(tax_bp).scaleb(-2):f}",
        "min_qty": format_quantity(min_qty), "max_qty": format_quantity(max_qty), "supplier": supplier or "",
        "core_charge": _format_minor(core, exponent), "warranty_months": w_months, "warranty_km": w_km,
        "notes": notes, "active": bool(active),
    }


def _existing_as_clean(row: tuple) -> dict[str, object]:
    """A stored part in clean_part's output form, to see what an import row changes."""
    (_part_id, number, brand, name_en, name_zh, category, grade, unit, bin_, cost, retail, trade, wholesale, tax_bp,
     min_qty, max_qty, supplier, core, w_months, w_km, notes, active, number_norm, _key) = row
    return {
        "number": number, "number_norm": number_norm, "brand": brand, "name_en": name_en, "name_zh": name_zh,
        "category": category, "grade": grade, "unit": unit, "bin": bin_, "cost": cost, "price_retail": retail,
        "price_trade": trade, "price_wholesale": wholesale, "tax_rate_bp": tax_bp, "min_qty": min_qty,
        "max_qty": max_qty, "supplier": supplier or "", "core_charge": core, "warranty_months": w_months,
        "warranty_km": w_km, "notes": notes, "active": bool(active),
    }


def _existing_parts(keys: set[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
    """Stored parts for (brand name_key, number_norm) keys, looked up a chunk at a time."""
    found: dict[tuple[str, str], tuple] = {}
    for row in _select_in(_EXISTING_SELECT, sorted({norm for _brand, norm in keys})):
        key = (row[-1], row[-2])
        if key in keys:
            found[key] = row
    return found


def _in_chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _barcode_owners(codes: Iterable[str]) -> dict[str, int]:
    return {code: int(part_id) for code, part_id in
            _select_in("SELECT code, part_id FROM part_barcode WHERE code IN ", sorted(set(codes)))}


def _numbers_of(part_ids: Sequence[int]) -> dict[int, set[tuple[str, str, str]]]:
    """(kind, MAKER, number_norm) of the numbers each part already has."""
    have: dict[int, set[tuple[str, str, str]]] = {}
    for part_id, kind, maker, norm in _select_in(
            "SELECT part_id, kind, maker, number_norm FROM part_number WHERE part_id IN ", sorted(set(part_ids))):
        have.setdefault(int(part_id), set()).add((kind, maker.upper(), norm))
    return have


# --- writing -------------------------------------------------------------------------------

def _execute_many(sql: str, rows: list[tuple]) -> None:
    """One statement for many rows: sqlite3's executemany, psycopg2's execute_values (batched)."""
    if not rows:
        return
    db = database.obj
    cursor = db.cursor()
    if is_postgres(db):
        from psycopg2.extras import execute_values

        if sql.lstrip().upper().startswith("INSERT"):
            head, _sep, _values = sql.partition(" VALUES ")
            execute_values(cursor, head + " VALUES %s", rows, page_size=CHUNK)
        else:
            from psycopg2.extras import execute_batch

            execute_batch(cursor, sql, rows, page_size=CHUNK)
    else:
        cursor.executemany(sql, rows)


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    p = database.obj.param
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([p] * len(columns))})"


def _ids_by_key(model: Any, names: dict[str, str]) -> dict[str, int]:
    """Ids of brands or suppliers by name_key, creating the missing ones (``names``: key -> name)."""
    ids: dict[str, int] = {}
    keys = sorted(names)
    for chunk in _in_chunks(keys):
        for row_id, key in model.select(model.id, model.name_key).where(model.name_key.in_(chunk)).tuples():
            ids[key] = row_id
    missing = [(" ".join(names[k].split()), k) for k in keys if k not in ids]
    if missing:
        _execute_many(_insert_sql(model._meta.table_name, ("name", "name_key")), missing)
        for chunk in _in_chunks([k for _unused, k in missing]):
            for row_id, key in model.select(model.id, model.name_key).where(model.name_key.in_(chunk)).tuples():
                ids[key] = row_id
    return ids


def _categories(codes: set[str]) -> dict[str, tuple[int, list[str]]]:
    """code -> (id, names for the search document), creating the standard categories when missing."""
    known = {code for (code,) in Category.select(Category.code).tuples()}
    if not codes <= known:
        ensure_standard_categories()
    found: dict[str, tuple[int, list[str]]] = {}
    for code, cat_id, name_en, name_zh, parent_en, parent_zh in database.obj.execute_sql(
            "SELECT c.code, c.id, c.name_en, c.name_zh, pc.name_en, pc.name_zh FROM category c "
            "LEFT JOIN category pc ON pc.id = c.parent_id"):
        found[code] = (int(cat_id), [n for n in (name_en, name_zh, parent_en, parent_zh) if n])
    return found


def _brand_names(keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """name_key -> (stored name, Chinese name) of brands."""
    return {key: (name, name_zh) for key, name, name_zh in
            _select_in("SELECT name_key, name, name_zh FROM brand WHERE name_key IN ", sorted(set(keys)))}


def _refresh_search_text(part_ids: list[int], check_cancel: Callable[[], None]) -> None:
    from partsdesk.services.search import refresh_search_text

    for chunk in _in_chunks(part_ids, 2000):
        check_cancel()
        refresh_search_text(chunk)


class _SearchTexts:
    """``search_document`` of new parts (no fitments yet): the part's own piece joined to the
    piece of its brand and category, which is made once per brand and category."""

    def __init__(self, brands: Mapping[str, tuple[str, str]], categories: Mapping[str, tuple[int, list[str]]]) -> None:
        self._brands = brands
        self._categories = categories
        self._shared: dict[tuple[str, str], str] = {}

    def document(self, clean: Mapping[str, Any], brand_key: str) -> str:
        key = (brand_key, clean["category"])
        shared = self._shared.get(key)
        if shared is None:
            shared = self._shared[key] = search.shared_text(*self._brands[brand_key],
                                                            self._categories[clean["category"]][1])
        return search.join_document(search.own_text(clean["number"], clean["name_en"], clean["name_zh"]), shared)


# SQLite full-text indexes fed by AFTER INSERT triggers (migration 3). For a big import the
# trigger costs ~35 µs a row (the trigram index of numbers); one INSERT … SELECT after the rows
# are in costs almost nothing. Used only when the trigger is exactly this one.
_INDEX_TRIGGERS = {
    "part": (("part_fts_insert", "part_fts", "search_text"),),
    "part_number": (("part_number_trgm_insert", "part_number_trgm", "number_norm"),),
}
BULK_INDEX_MIN = 200


@contextmanager
def _bulk_indexed(table: str, rows: int) -> Iterator[None]:
    """Inside the import's transaction: insert many ``table`` rows, then index them in one go.

    The trigger is dropped and re-created within the same transaction, so other terminals never
    see it missing, and a rollback brings it back untouched.
    """
    db = database.obj
    plans: list[tuple[str, str, str, str]] = []
    if not is_postgres(db) and rows >= BULK_INDEX_MIN:
        for name, fts, column in _INDEX_TRIGGERS.get(table, ()):
            found = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                   (name,)).fetchone()
            expected = (f"CREATE TRIGGER {name} AFTER INSERT ON {table} BEGIN INSERT INTO {fts}(rowid, {column}) "
                        f"VALUES (new.id, new.{column}); END")
            if found and " ".join(found[0].split()) == expected:
                plans.append((name, found[0], fts, column))
    if not plans:
        yield
        return
    last = db.execute_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]
    for name, *_rest in plans:
        db.execute_sql(f"DROP TRIGGER {name}")
    yield
    for _name, sql, fts, column in plans:
        db.execute_sql(f"INSERT INTO {fts}(rowid, {column}) SELECT id, {column} FROM {table} WHERE id > ?", (last,))
        db.execute_sql(sql)


# Part columns written for a new part, in this order (values come from clean_part).
_NEW_PART_COLUMNS = (
    "number", "number_norm", "brand_id", "name_en", "name_zh", "category_id", "grade", "unit", "bin", "cost",
    "price_retail", "price_trade", "price_wholesale", "tax_rate_bp", "min_qty", "max_qty", "supplier_id",
    "core_charge", "warranty_months", "warranty_km", "notes", "active", "search_text", "created_at", "updated_at",
)
_new_part_values = operator.itemgetter(*_NEW_PART_COLUMNS)  # stored values -> the INSERT's tuple
# A clean_part key -> the stored part columns it sets (others are stored under their own name).
_STORED_BY_COLUMN = {
    "brand": ("brand_id",), "category": ("category_id",), "supplier": ("supplier_id",),
}


def _stored_values(row: _Row, brand_ids: Mapping[str, int], supplier_ids: Mapping[str, int],
                   category_ids: Mapping[str, int]) -> dict[str, Any]:
    clean = row.clean
    values = dict(clean)
    values["brand_id"] = brand_ids[row.brand_key]
    values["category_id"] = category_ids[clean["category"]]
    values["supplier_id"] = supplier_ids[name_key(clean["supplier"])] if clean["supplier"] else None
    return values


# --- the use cases -------------------------------------------------------------------------

def import_parts(actor: Actor, path: Path | str, *, mapping_file: Path | str | None = None, dry_run: bool = False,
                 skip_invalid: bool = False, progress: ProgressFn | None = None,
                 should_cancel: CancelFn | None = None) -> ImportReport:
    """Create and update catalogue parts from a CSV or XLSX file (see the module docstring).

    Runs in one transaction on the calling thread (a worker thread in the window: ``progress``
    is called from it about every 500 rows, and ``should_cancel`` is polled between chunks; a
    cancel raises ``UserError`` and leaves the database unchanged). Requires ``catalog.import``.
    Returns the report; problems with rows are in the report, not raised.
    """
    require(actor, "catalog.import")
    path = Path(path)
    report = ImportReport(file_name=path.name, dry_run=dry_run, skip_invalid=skip_invalid)

    def check_cancel() -> None:
        if should_cancel is not None and should_cancel():
            raise UserError(_(CANCELLED))

    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(_("Cannot read {path}: {reason}.").format(path=path, reason=error.strerror or error)) from None
    mapping = _load_mapping(Path(mapping_file)) if mapping_file else None
    table = _read_table(path, data)
    header_index = next((i for i, row in enumerate(table) if any(c.strip() for c in row)), None)
    if header_index is None:
        report.fatal = True
        report.problems.append(ImportProblem(1, "", _("The file is empty.")))
        return report
    header = [c.strip().lstrip("\ufeff") for c in table[header_index]]
    try:
        columns, report.ignored_columns = map_columns(header, mapping)
    except _Fatal as fatal:
        report.fatal = True
        report.problems.extend(fatal.problems)
        return report
    header_of = {name: header[index] for name, index in columns.items()}
    part_columns = [name for name in PART_COLUMNS if name in columns]

    # 1. Rows as text, by our field names.
    rows: list[_Row] = []
    for offset, cells in enumerate(table[header_index + 1:]):
        if not any(c.strip() for c in cells):
            continue
        width = len(cells)
        raw = {name: cells[index].strip() if index < width else "" for name, index in columns.items()}
        for name, text in raw.items():
            if text[:1] == "'":
                raw[name] = _unguard(text)
        rows.append(_Row(line=header_index + 2 + offset, raw=raw,
                         brand_key=name_key(raw.get("brand", "")),
                         number_norm=normalize_number(raw.get("number", ""))))
    report.rows = total = len(rows)
    del table
    done_steps = 0

    def advance(steps: int) -> None:
        nonlocal done_steps
        before = done_steps // (2 * CHUNK)
        done_steps += steps
        if progress is not None and (done_steps // (2 * CHUNK) != before or done_steps >= 2 * total):
            progress(min(total, done_steps // 2), total)

    problems_by_row: dict[int, list[ImportProblem]] = {}

    def problem(row: _Row, name: str, message: str) -> None:
        row.bad = True
        problems_by_row.setdefault(row.line, []).append(ImportProblem(row.line, header_of.get(name, name), message))

    # 2. Look the known parts up, a chunk at a time.
    exponent = CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]
    default_tax = settings.get("tax.default_rate_bp")
    existing = _existing_parts({(r.brand_key, r.number_norm) for r in rows if r.number_norm})
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        unknown = [r.line for r in rows if (r.brand_key, r.number_norm) not in existing]
        if unknown:
            shown = ", ".join(map(str, unknown[:5])) + (" …" if len(unknown) > 5 else "")
            report.fatal = True
            report.problems.append(_missing_columns(missing, " " + _(
                "They are needed for parts not yet in the catalogue (row(s) {rows}); a file without them "
                "can only update known parts.").format(rows=shown)))
            return report

    # 3. Check every row with the editor's rules.
    seen: dict[tuple[str, str], _Row] = {}
    barcode_rows: dict[str, _Row] = {}
    for start in range(0, total, CHUNK):
        check_cancel()
        for row in rows[start:start + CHUNK]:
            part_raw = {name: row.raw[name] for name in part_columns}
            row.existing = existing.get((row.brand_key, row.number_norm))
            if row.existing is not None:
                part_raw = {**_existing_as_raw(row.existing, exponent), **part_raw}
            clean, field_problems = clean_part(part_raw, exponent=exponent, default_tax_bp=default_tax)
            for name, message in field_problems.items():
                problem(row, name, message)
            row.clean = clean
            key = (row.brand_key, row.number_norm)
            if row.number_norm and row.brand_key:
                if key in seen:
                    first = seen[key]
                    message = _("The same part ({brand} {number}) is on rows {first} and {second}; keep one row "
                                "per part.").format(brand=row.raw.get("brand", ""), number=row.raw.get("number", ""),
                                                    first=first.line, second=row.line)
                    if not any(p.message == message for p in problems_by_row.get(first.line, [])):
                        problem(first, "number", message)
                    problem(row, "number", message)
                else:
                    seen[key] = row
            if "barcodes" in columns:
                for text in _BARCODE_SPLIT.split(row.raw["barcodes"]):
                    if not text:
                        continue
                    try:
                        code = normalize_barcode(text)
                    except ValidationError as error:
                        problem(row, "barcodes", str(error))
                        continue
                    if code.code in {c for c, _symbology in row.barcodes}:
                        continue
                    other = barcode_rows.get(code.code)
                    if other is not None:
                        message = _("Barcode {code} is on rows {first} and {second}; a barcode finds one "
                                    "part.").format(code=code.code, first=other.line, second=row.line)
                        problem(other, "barcodes", message)
                        problem(row, "barcodes", message)
                        continue
                    barcode_rows[code.code] = row
                    row.barcodes.append(code)
            for name, kind in LIST_KINDS.items():
                if name in columns and row.raw[name]:
                    found, number_problems = _split_numbers(row.raw[name], kind)
                    for message in number_problems:
                        problem(row, name, message)
                    row.numbers.extend(found)
        advance(min(CHUNK, total - start))

    # Barcodes already on another part in the shop.
    owners = _barcode_owners(barcode_rows)
    for code, part_id in owners.items():
        row = barcode_rows[code]
        if row.existing is None or row.existing[0] != part_id:
            problem(row, "barcodes", _("Barcode {code} already belongs to another part in the catalogue.").format(
                code=code))

    for line in sorted(problems_by_row):
        report.problems.extend(problems_by_row[line])
    good = [r for r in rows if not r.bad]
    report.invalid = total - len(good)

    # 4. What would change. Every part's own number is a part_number row too (kind "own"):
    # the search looks all numbers up in one table.
    have_numbers = _numbers_of([r.existing[0] for r in good if r.existing is not None])
    new_rows: list[_Row] = []
    changed_rows: list[tuple[_Row, dict[str, Any]]] = []
    for row in good:
        own = ("own", "", row.clean["number"], row.number_norm)
        if row.existing is None:
            row.numbers.insert(0, own)
            new_rows.append(row)
            continue
        part_id = row.existing[0]
        before_clean = _existing_as_clean(row.existing)
        changes = {name: row.clean[name] for name in row.clean if row.clean[name] != before_clean.get(name)}
        # Number and brand are how the row found the part: their stored spelling is kept.
        changes.pop("number", None)
        changes.pop("brand", None)
        if name_key(row.clean["supplier"]) == name_key(before_clean["supplier"]):
            changes.pop("supplier", None)
        have = have_numbers.get(part_id, set())
        row.numbers = [n for n in row.numbers if (n[0], n[1].upper(), n[3]) not in have]
        if not any(kind == "own" and norm == row.number_norm for kind, _maker, norm in have):
            row.numbers.insert(0, own)
        row.barcodes = [b for b in row.barcodes if owners.get(b.code) != part_id]
        if changes or row.numbers or row.barcodes:
            changed_rows.append((row, changes))
        else:
            report.unchanged += 1
    report.created = len(new_rows)
    report.updated = len(changed_rows)

    if dry_run or (report.problems and not skip_invalid) or not (new_rows or changed_rows):
        if progress is not None:
            progress(total, total)
        return report

    # 5. Write, all or nothing.
    with transaction():
        stamp = now()
        touched = new_rows + [r for r, _changes in changed_rows]
        brand_ids = _ids_by_key(Brand, {r.brand_key: r.clean["brand"] for r in reversed(touched)})
        supplier_ids = _ids_by_key(Supplier, {name_key(r.clean["supplier"]): r.clean["supplier"]
                                              for r in reversed(touched) if r.clean["supplier"]})
        categories = _categories({r.clean["category"] for r in touched})
        category_ids = {code: info[0] for code, info in categories.items()}
        brands = _brand_names(r.brand_key for r in touched)
        texts = _SearchTexts(brands, categories)

        insert_part = _insert_sql("part", _NEW_PART_COLUMNS)
        with _bulk_indexed("part", len(new_rows)):
            for chunk in _in_chunks(new_rows):
                check_cancel()
                values = []
                for row in chunk:
                    stored = _stored_values(row, brand_ids, supplier_ids, category_ids)
                    stored.update(search_text=texts.document(row.clean, row.brand_key), created_at=stamp, updated_at=stamp)
                    values.append(_new_part_values(stored))
                _execute_many(insert_part, values)
                advance(len(chunk))
        part_ids: dict[int, int] = {}  # id(row) -> part id
        by_key = {(brand_ids[r.brand_key], r.number_norm): r for r in new_rows}
        for part_id, brand_id, norm in _select_in("SELECT id, brand_id, number_norm FROM part WHERE number_norm IN ",
                                                  sorted({r.number_norm for r in new_rows})):
            row = by_key.get((int(brand_id), norm))
            if row is not None:
                part_ids[id(row)] = int(part_id)

        # Updates: one statement per set of changed columns (usually one set for the whole file).
        p = database.obj.param
        groups: dict[tuple[str, ...], list[tuple]] = {}
        for row, changes in changed_rows:
            part_ids[id(row)] = row.existing[0]
            if not changes:
                continue
            stored = _stored_values(row, brand_ids, supplier_ids, category_ids)
            names = sorted({c for name in changes for c in _STORED_BY_COLUMN.get(name, (name,))} | {"updated_at"})
            stored["updated_at"] = stamp
            groups.setdefault(tuple(names), []).append(tuple(stored[n] for n in names) + (row.existing[0],))
        for names, values in groups.items():
            check_cancel()
            _execute_many(f"UPDATE part SET {', '.join(f'{n} = {p}' for n in names)} WHERE id = {p}", values)
        advance(len(changed_rows))

        barcode_values = [(part_ids[id(r)], code, symbology) for r in touched for code, symbology in r.barcodes]
        _execute_many(_insert_sql("part_barcode", ("part_id", "code", "symbology")), barcode_values)
        # the own number's maker is the part's brand, as the part editor writes it
        number_values = [(part_ids[id(r)], kind, brands[r.brand_key][0] if kind == "own" else maker,
                          number, norm) for r in touched for kind, maker, number, norm in r.numbers]
        with _bulk_indexed("part_number", len(number_values)):
            _execute_many(_insert_sql("part_number", ("part_id", "kind", "maker", "number", "number_norm")),
                          number_values)
        check_cancel()
        # Updated parts: their document may hold fitments and other data; the search service redoes it.
        _refresh_search_text(sorted(part_ids[id(r)] for r, _changes in changed_rows), check_cancel)
        audit.record("catalog.import", actor=actor, object_type="file", object_id=path.name[:200],
                     new={"file": path.name, "sha256": hashlib.sha256(data).hexdigest(), "rows": total,
                          "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
                          "skipped_invalid": report.invalid, "columns": sorted(columns)})
        report.written = True
    if progress is not None:
        progress(total, total)
    return report


def _export_columns(with_cost: bool) -> list[str]:
    return [c for c in ALL_COLUMNS if with_cost or c != "cost"]


def export_parts(actor: Actor, path: Path | str, *, include_inactive: bool = False,
                 progress: ProgressFn | None = None) -> int:
    """Write the catalogue to ``path`` as CSV (see the module docstring); returns the parts written.

    Requires ``catalog.export``; cost prices only for users with ``catalog.view_cost``. Reads
    page by page inside one read transaction (a consistent snapshot on SQLite), writes to a
    temporary file renamed into place, then records one ``catalog.export`` audit row.
    """
    require(actor, "catalog.export")
    path = Path(path)
    with_cost = actor.can("catalog.view_cost")
    exponent = CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]
    headers = _export_columns(with_cost)
    where = [] if include_inactive else [Part.active == True]  # noqa: E712 (peewee expression)
    total = Part.select().where(*where).count() if where else Part.select().count()
    temp = path.with_name(path.name + ".part")
    written = 0
    fields = (Part.id, Part.number, Brand.name, Part.name_en, Part.name_zh, Category.code, Part.grade, Part.unit,
              Part.bin, Part.cost, Part.price_retail, Part.price_trade, Part.price_wholesale, Part.tax_rate_bp,
              Part.min_qty, Part.max_qty, Supplier.name, Part.core_charge, Part.warranty_months, Part.warranty_km,
              Part.notes, Part.active)
    try:
        with temp.open("w", encoding="utf-8-sig", newline="") as handle, database.obj.atomic():
            writer = csv.writer(handle)
            writer.writerow(headers)
            last_id = 0
            while True:
                query = (Part.select(*fields)
                         .join(Brand, on=(Part.brand == Brand.id))
                         .switch(Part).join(Category, on=(Part.category == Category.id))
                         .switch(Part).join(Supplier, on=(Part.supplier == Supplier.id), join_type=JOIN.LEFT_OUTER)
                         .where(Part.id > last_id, *where).order_by(Part.id).limit(EXPORT_PAGE).tuples())
                page = list(query)
                if not page:
                    break
                ids = [r[0] for r in page]
                last_id = ids[-1]
                barcodes: dict[int, list[str]] = {}
                for part_id, code in (PartBarcode.select(PartBarcode.part, PartBarcode.code)
                                      .where(PartBarcode.part.in_(ids)).order_by(PartBarcode.id).tuples()):
                    barcodes.setdefault(part_id, []).append(code)
                numbers: dict[tuple[int, str], list[str]] = {}
                for part_id, kind, maker, number in (PartNumber.select(PartNumber.part, PartNumber.kind,
                                                                       PartNumber.maker, PartNumber.number)
                                                     .where(PartNumber.part.in_(ids)).order_by(PartNumber.id)
                                                     .tuples()):
                    if kind == "own":
                        continue
                    text = f"{maker}:{number}" if maker or ":" in number else number
                    numbers.setdefault((part_id, kind), []).append(text)
                for row in page:
                    (part_id, number, brand, name_en, name_zh, category, grade, unit, bin_, cost, retail, trade,
                     wholesale, tax_bp, min_qty, max_qty, supplier, core, w_months, w_km, notes, active) = row
                    values = {
                        "number": number, "brand": brand, "name_en": name_en, "name_zh": name_zh,
                        "category": category, "grade": grade, "unit": unit, "bin": bin_,
                        "cost": _format_minor(cost, exponent), "price_retail": _format_minor(retail, exponent),
                        "price_trade": _format_minor(trade, exponent),
                        "price_wholesale": _format_minor(wholesale, exponent),
                        "tax_rate": f"{Decimal(tax_bp).scaleb(-2).normalize():f}",
                        "min_qty": format_quantity(min_qty), "max_qty": format_quantity(max_qty),
                        "supplier": supplier or "", "core_charge": _format_minor(core, exponent),
                        "warranty_months": str(w_months), "warranty_km": str(w_km), "notes": notes[:NOTES_MAX],
                        "active": "yes" if active else "no",
                        "barcodes": "; ".join(barcodes.get(part_id, [])),
                        **{name: "; ".join(numbers.get((part_id, kind), [])) for name, kind in LIST_KINDS.items()},
                    }
                    writer.writerow([spreadsheet_safe(values[h]) for h in headers])
                written += len(page)
                if progress is not None:
                    progress(written, max(total, written))
        temp.replace(path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise UserError(_("Cannot write {path}: {reason}. Check the folder exists and the file "
                          "is not open in a spreadsheet.").format(path=path, reason=error.strerror or error)) from None
    with transaction():
        audit.record("catalog.export", actor=actor, object_type="file", object_id=path.name[:200],
                     new={"file": path.name, "parts": written, "with_cost": with_cost,
                          "include_inactive": include_inactive})
    return written


__all__ = ["ALL_COLUMNS", "HEADER_ALIASES", "ImportProblem", "ImportReport", "decode_csv_bytes", "export_parts",
           "import_parts", "map_columns"]
