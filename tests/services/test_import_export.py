"""Importing and exporting the catalogue: what a storekeeper sees when a spreadsheet goes in or out.

Every fixture file is written by the test itself (CSV in several encodings, XLSX with openpyxl).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError
from partsdesk.domain.gtin import gtin_check_digit
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import AuditLog, Brand, Part, PartBarcode, PartNumber, Supplier, database, transaction
from partsdesk.services import catalog_io
from partsdesk.services.catalog_io import export_parts, import_parts

HEADER = ["number", "brand", "name_en", "name_zh", "category", "grade", "unit", "bin", "cost", "price_retail",
          "tax_rate", "min_qty", "max_qty", "supplier", "barcodes", "oe_numbers", "interchange"]


def ean(body12: str) -> str:
    return body12 + str(gtin_check_digit(body12))


EAN_A = ean("400663312345")
EAN_B = ean("400663312346")
EAN_C = ean("690123456789")
UPC = "036000291452"  # a valid UPC-A; stored as its EAN-13 form

GOOD_ROWS = [
    ["0 986 494 104", "Bosch", "Brake pad set, front", "前刹车片", "brakes.pads", "OE", "set", "A-01-3", "210.00",
     "398.50", "13", "2", "10", "Huayu Parts", f"{EAN_A}; {UPC}", "VW:1K0698151", "TRW:GDB1550; Brembo:P85075"],
    ["W 712/75", "MANN-FILTER", "Oil filter", "机油滤清器", "Filters", "OEM", "pcs", "B-02", "18.2",
     "45", "13%", "5", "40", "huayu parts ", EAN_B, "", ""],
    ["5W30-4L", "castrol", "Engine oil 5W-30, 4 L", "全合成机油", "油液", "aftermarket", "L", "C-1", "150",
     "299.00", "", "4.5", "", "", "", "", ""],
]


def write_csv(path: Path, rows: list[list[str]], *, header: list[str] = HEADER, encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def counts() -> dict[str, int]:
    return {model.__name__: model.select().count() for model in (Part, PartBarcode, PartNumber, Brand, Supplier)}


def part(number_norm: str) -> Part:
    return Part.get(Part.number_norm == number_norm)


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "parts.csv", GOOD_ROWS)


# --- importing ------------------------------------------------------------------------------

def test_a_good_csv_creates_parts_with_their_barcodes_numbers_brands_and_suppliers(db, good_csv):
    report = import_parts(SYSTEM, good_csv)

    assert report.ok and not report.problems
    assert (report.rows, report.created, report.updated, report.invalid) == (3, 3, 0, 0)
    pads = part("0986494104")
    assert (pads.number, pads.brand.name, pads.name_zh, pads.unit, pads.bin) == (
        "0 986 494 104", "Bosch", "前刹车片", "set", "A-01-3")
    assert (pads.cost, pads.price_retail, pads.price_trade, pads.tax_rate_bp, pads.min_qty, pads.max_qty) == (
        21000, 39850, 39850, 1300, 2000, 10000)
    assert pads.category.code == "brakes.pads"
    assert sorted(b.code for b in pads.barcodes) == sorted([EAN_A, "0" + UPC])
    numbers = {(n.kind, n.maker, n.number) for n in pads.numbers}
    assert numbers == {("own", "Bosch", "0 986 494 104"), ("oe", "VW", "1K0698151"), ("interchange", "TRW", "GDB1550"),
                       ("interchange", "Brembo", "P85075")}
    oil = part("5W304L")
    assert (oil.unit, oil.min_qty, oil.tax_rate_bp, oil.supplier_id) == ("L", 4500, 1300, None)
    assert oil.category.code == "engine.oil" and oil.brand.name == "castrol"
    # "Huayu Parts" and "huayu parts " are one supplier
    assert Supplier.select().count() == 1 and part("W71275").supplier.name == "Huayu Parts"
    row = AuditLog.select().where(AuditLog.action == "catalog.import").get()
    logged = json.loads(row.new_value)
    assert logged["created"] == 3 and len(logged["sha256"]) == 64 and logged["file"] == "parts.csv"


def test_imported_parts_carry_the_search_text_the_search_service_would_write(db, good_csv):
    from partsdesk.services.search import find_by_barcode, refresh_search_text, search_parts

    import_parts(SYSTEM, good_csv)
    before = dict(Part.select(Part.id, Part.search_text).tuples())
    assert all(before.values())
    with transaction():
        refresh_search_text(before)
    assert dict(Part.select(Part.id, Part.search_text).tuples()) == before
    assert find_by_barcode(UPC).number == "0 986 494 104"
    assert [r.number for r in search_parts("0986-494104").rows][:1] == ["0 986 494 104"]
    assert "W 712/75" in [r.number for r in search_parts("机油滤清器").rows]


def test_a_big_import_keeps_the_full_text_indexes_whole(db, tmp_path, monkeypatch):
    """Big imports feed SQLite's full-text indexes in one statement instead of row by row."""
    from partsdesk.models.db import is_postgres
    from partsdesk.services.search import search_parts

    monkeypatch.setattr(catalog_io, "BULK_INDEX_MIN", 1)
    import_parts(SYSTEM, write_csv(tmp_path / "a.csv", GOOD_ROWS[:2]))
    import_parts(SYSTEM, write_csv(tmp_path / "b.csv", GOOD_ROWS[2:]))

    assert [r.number for r in search_parts("oil filter").rows] == ["W 712/75"]
    assert [r.number for r in search_parts("全合成").rows] == ["5W30-4L"]
    assert [r.number for r in search_parts("P85075").rows] == ["0 986 494 104"]
    assert [r.number for r in search_parts("64941").rows] == ["0 986 494 104"]  # a fragment of the number
    if not is_postgres():
        triggers = {name for (name,) in database.obj.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()}
        assert {"part_fts_insert", "part_number_trgm_insert"} <= triggers
        for table in ("part_fts", "part_number_trgm"):
            database.obj.execute_sql(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


def test_an_xlsx_workbook_imports_with_numeric_cells(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Part No", "Brand", "Description", "Category", "Retail price", "Barcode", "Min stock"])
    sheet.append(["GDB1550", "TRW", "Brake pads", "Brake pads", 45.5, int(EAN_C), 3])
    sheet.append([None, None, None, None, None, None, None])  # a blank row is skipped
    sheet.append([12345, "NGK", "Spark plug", "Ignition", 15.1 * 3, None, 0.5])  # a formula's 45.300000000000004
    path = tmp_path / "parts.xlsx"
    book.save(path)

    report = import_parts(SYSTEM, path)

    assert report.ok, [p.describe() for p in report.problems]
    assert report.created == 2
    pads = part("GDB1550")
    assert (pads.price_retail, pads.min_qty, [b.code for b in pads.barcodes]) == (4550, 3000, [EAN_C])
    plug = part("12345")
    assert (plug.number, plug.price_retail, plug.min_qty, plug.category.code) == ("12345", 4530, 500,
                                                                                 "engine.ignition")


def test_a_gbk_csv_with_chinese_headers_and_semicolons_imports_correctly(db, tmp_path):
    header = ["零件号", "品牌", "名称", "中文名称", "类别", "售价", "条码", "货位", "单位"]
    rows = [["04465-33450", "丰田", "Front pads", "前刹车片（原厂）", "刹车片", "￥1,280.00".replace("￥", ""),
             EAN_C, "甲-01", "套"]]
    path = write_csv(tmp_path / "gbk.csv", rows, header=header, encoding="gbk", delimiter=";")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the file really is GBK

    report = import_parts(SYSTEM, path)

    assert report.ok, [p.describe() for p in report.problems]
    pads = part("0446533450")
    assert (pads.brand.name, pads.name_zh, pads.bin, pads.unit, pads.price_retail) == (
        "丰田", "前刹车片（原厂）", "甲-01", "set", 128000)


def test_a_utf8_file_with_bom_still_matches_its_first_header(db, tmp_path):
    path = write_csv(tmp_path / "bom.csv", GOOD_ROWS[:1], encoding="utf-8-sig", delimiter="\t")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfnumber\t")

    report = import_parts(SYSTEM, path)

    assert report.ok and report.created == 1
    assert part("0986494104").name_zh == "前刹车片"


def test_missing_required_columns_are_named_and_nothing_is_written(db, tmp_path):
    header = ["number", "brand", "name_en", "bin"]
    path = write_csv(tmp_path / "short.csv", [["X1", "Bosch", "Thing", "A1"]], header=header)
    before = counts()

    report = import_parts(SYSTEM, path)

    assert not report.ok and report.fatal
    assert len(report.problems) == 1
    message = report.problems[0].describe()
    assert "category" in message and "price_retail" in message and "number" not in message.split(":", 1)[1][:30]
    assert counts() == before
    assert "nothing was changed" in report.describe()


BAD_CELLS = [
    ("price_retail", "abc", "'abc' is not a number"),
    ("price_retail", "-5", "Retail price cannot be negative."),
    ("price_retail", "1.234", "at most 2 decimal places"),
    ("barcodes", "4006633123456", "check digit"),
    ("category", "Flux capacitors", "unknown"),
    ("name_en", "x" * 201, "at most 200 characters"),
    ("number", "-/-", "at least one letter or digit"),
    ("interchange", "TRW:" + "9" * 41, "longer than 40"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_CELLS, ids=[f"{c}-{v[:8]}" for c, v, _ in BAD_CELLS])
def test_a_bad_cell_names_its_row_and_column_and_nothing_is_written(db, tmp_path, column, value, message):
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][HEADER.index(column)] = value
    path = write_csv(tmp_path / "bad.csv", rows)
    before = counts()

    report = import_parts(SYSTEM, path)

    assert not report.ok
    assert counts() == before
    assert [(p.row, p.column) for p in report.problems] == [(3, column)]
    assert message in report.problems[0].message
    assert report.problems[0].describe().startswith(f"row 3, column '{column}': ")
    assert report.invalid == 1 and "Nothing was written" in report.describe()


def test_the_problem_text_reads_like_the_editors_message(db, tmp_path):
    rows = [list(r) for r in GOOD_ROWS]
    for _ in range(9):
        rows.append(list(GOOD_ROWS[2]))
        rows[-1][0] = f"OIL-{len(rows)}"
    rows[10][HEADER.index("price_retail")] = "-1"
    report = import_parts(SYSTEM, write_csv(tmp_path / "p.csv", rows))
    assert [p.describe() for p in report.problems] == [
        "row 12, column 'price_retail': Retail price cannot be negative."]


def test_the_same_part_twice_in_the_file_names_both_rows(db, tmp_path):
    rows = [list(r) for r in GOOD_ROWS]
    twin = list(GOOD_ROWS[0])
    twin[0], twin[1], twin[HEADER.index("barcodes")] = "0986-494-104", "BOSCH", ""
    rows.append(twin)
    before = counts()

    report = import_parts(SYSTEM, write_csv(tmp_path / "dup.csv", rows))

    assert counts() == before
    assert sorted((p.row, p.column) for p in report.problems) == [(2, "number"), (5, "number")]
    assert "rows 2 and 5" in report.problems[0].message


def test_a_barcode_on_two_rows_or_on_another_part_is_refused(db, tmp_path):
    import_parts(SYSTEM, write_csv(tmp_path / "first.csv", GOOD_ROWS[:1]))
    rows = [list(GOOD_ROWS[1]), list(GOOD_ROWS[2])]
    rows[0][HEADER.index("barcodes")] = EAN_C
    rows[1][HEADER.index("barcodes")] = f"{EAN_C} {EAN_A}"  # EAN_A belongs to the Bosch pads already
    before = counts()

    report = import_parts(SYSTEM, write_csv(tmp_path / "second.csv", rows))

    assert counts() == before
    described = [p.describe() for p in report.problems]
    assert sum("rows 2 and 3" in d for d in described) == 2
    assert any(d.startswith("row 3, column 'barcodes'") and "another part" in d for d in described)


def test_skip_invalid_writes_the_good_rows_and_reports_the_rest(db, tmp_path):
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][HEADER.index("price_retail")] = "abc"

    report = import_parts(SYSTEM, write_csv(tmp_path / "mixed.csv", rows), skip_invalid=True)

    assert report.ok and report.created == 2 and report.invalid == 1
    assert [(p.row, p.column) for p in report.problems] == [(3, "price_retail")]
    assert {n for (n,) in Part.select(Part.number_norm).tuples()} == {"0986494104", "5W304L"}
    assert "skipped" in report.describe()


def test_dry_run_reports_what_would_happen_and_writes_nothing(db, good_csv):
    before = counts()
    audit_rows = AuditLog.select().count()

    report = import_parts(SYSTEM, good_csv, dry_run=True)

    assert report.ok and report.created == 3
    assert counts() == before and AuditLog.select().count() == audit_rows
    assert "dry run: nothing written" in report.describe().lower()


def test_an_existing_part_is_updated_only_in_the_columns_of_the_file(db, tmp_path, good_csv):
    import_parts(SYSTEM, good_csv)
    header = ["Part No", "Brand", "Retail price", "barcodes", "interchange"]
    rows = [["0986-494-104", "BOSCH", "420", EAN_C, "TRW:GDB1550; Textar:2361701"],
            ["W712/75", "mann-filter", "45.00", "", ""]]  # same as stored (number spelt otherwise): unchanged

    report = import_parts(SYSTEM, write_csv(tmp_path / "prices.csv", rows, header=header))

    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 1, 1)
    pads = part("0986494104")
    assert pads.price_retail == 42000
    assert pads.price_trade == 39850  # not in the file: kept
    assert (pads.number, pads.brand.name, pads.bin, pads.min_qty, pads.cost) == (
        "0 986 494 104", "Bosch", "A-01-3", 2000, 21000)
    assert sorted(b.code for b in pads.barcodes) == sorted([EAN_A, "0" + UPC, EAN_C])  # added, none removed
    makers = sorted(n.maker for n in pads.numbers if n.kind == "interchange")
    assert makers == ["Brembo", "TRW", "Textar"]
    assert Brand.select().count() == 3
    # a trade price above the new retail price is refused, as in the editor
    report = import_parts(SYSTEM, write_csv(tmp_path / "cheap.csv", [["0986494104", "Bosch", "100"]],
                                            header=header[:3]))
    assert [(p.row, p.column) for p in report.problems] == [(2, "price_trade"), (2, "price_wholesale")]
    assert part("0986494104").price_retail == 42000


def test_a_mapping_file_names_the_columns(db, tmp_path):
    header = ["Artikel", "Hersteller", "Bezeichnung", "Gruppe", "VK", "Price"]
    path = write_csv(tmp_path / "de.csv", [["1K0 698 151", "VW", "Bremsbeläge", "brakes.pads", "80", "999"]],
                     header=header)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"number": "Artikel", "brand": "Hersteller", "name_en": "Bezeichnung",
                                   "category": "Gruppe", "price_retail": "VK"}))

    report = import_parts(SYSTEM, path, mapping_file=mapping)

    assert report.ok and report.created == 1
    assert part("1K0698151").price_retail == 8000  # "Price" would have matched by name; the mapping wins
    assert report.ignored_columns == ["Price"]
    mapping.write_text(json.dumps({"number": "Article"}))
    bad = import_parts(SYSTEM, path, mapping_file=mapping)
    assert bad.fatal and "Article" in bad.problems[0].describe()


def test_cancelling_leaves_the_database_unchanged(db, tmp_path):
    rows = [[f"P{i:05d}", "Bosch", f"Part {i}", "", "brakes.pads", "", "", "", "", "10"] + [""] * 7
            for i in range(1200)]
    path = write_csv(tmp_path / "big.csv", rows)
    before = counts()
    calls: list[tuple[int, int]] = []
    asked: list[bool] = []
    # checked once per 500 rows while checking (3 times), then per chunk written: cancel after one chunk is in
    checks = iter([False] * 4 + [True] * 100)

    def should_cancel() -> bool:
        asked.append(True)
        return next(checks)


    with pytest.raises(UserError, match="Import cancelled; nothing was changed."):
        import_parts(SYSTEM, path, progress=lambda done, total: calls.append((done, total)),
                     should_cancel=should_cancel)

    assert len(asked) == 5
    assert counts() == before
    assert calls and all(total == 1200 for _, total in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    report = import_parts(SYSTEM, path, progress=lambda done, total: calls.append((done, total)))
    assert report.created == 1200 and calls[-1] == (1200, 1200)


def test_a_cashier_may_not_import_or_export(db, staff, good_csv, tmp_path):
    with pytest.raises(PermissionDenied):
        import_parts(staff["cashier"], good_csv)
    with pytest.raises(PermissionDenied):
        export_parts(staff["cashier"], tmp_path / "out.csv")
    assert import_parts(staff["storekeeper"], good_csv).created == 3


def test_cli_import_of_a_bad_file_exits_1_with_the_problems_on_stderr(db, db_url, tmp_path, capsys):
    from partsdesk.cli import main

    rows = [list(r) for r in GOOD_ROWS]
    rows[2][HEADER.index("price_retail")] = "-3"
    path = write_csv(tmp_path / "bad.csv", rows)

    code = main(["import", "parts", str(path), "--db", db_url])

    captured = capsys.readouterr()
    assert code == 1
    assert "row 4, column 'price_retail': Retail price cannot be negative." in captured.err
    assert "Nothing was written" in captured.out
    assert main(["import", "parts", str(write_csv(tmp_path / "good.csv", GOOD_ROWS)), "--db", db_url]) == 0


# --- exporting ------------------------------------------------------------------------------

def catalogue_snapshot() -> list[tuple]:
    """Everything a part is, without ids and times."""
    parts = []
    for p in Part.select().order_by(Part.number_norm):
        parts.append((
            p.number, p.number_norm, p.brand.name, p.name_en, p.name_zh, p.category.code, p.grade, p.unit, p.bin,
            p.cost, p.price_retail, p.price_trade, p.price_wholesale, p.tax_rate_bp, p.min_qty, p.max_qty,
            p.supplier.name if p.supplier_id else None, p.core_charge, p.warranty_months, p.warranty_km, p.notes,
            p.active, p.search_text,
            sorted((b.code, b.symbology) for b in p.barcodes),
            sorted((n.kind, n.maker, n.number, n.number_norm) for n in p.numbers),
        ))
    return parts


def empty_the_catalogue() -> None:
    with transaction():
        for table in ("part_number", "part_barcode", "part", "brand", "supplier"):
            database.obj.execute_sql(f"DELETE FROM {table}")


def test_export_has_a_bom_guards_formulas_and_round_trips(db, tmp_path, good_csv):
    import_parts(SYSTEM, good_csv)
    tricky = [["-123", "=cmd", "=1+2", "@SUM(A1)", "engine.filters", "", "", "", "", "9.90", "", "", "", "",
               "+ABC-1", "'quoted", "Acme:=X1"]]
    import_parts(SYSTEM, write_csv(tmp_path / "tricky.csv", tricky))
    import_parts(SYSTEM, write_csv(tmp_path / "old.csv", [["OLD-1", "Bosch", "Retired part", "brakes.pads", "5",
                                                          "no"]],
                                   header=["number", "brand", "name_en", "category", "price_retail", "active"]))
    assert part("OLD1").active is False
    before = catalogue_snapshot()
    out = tmp_path / "export.csv"

    assert export_parts(SYSTEM, out) == 4
    assert export_parts(SYSTEM, out, include_inactive=True) == 5

    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    assert set(HEADER) <= set(header) and "cost" in header
    cells = {cell for row in rows[1:] for cell in row}
    assert {"'-123", "'=cmd", "'=1+2", "'@SUM(A1)", "'+ABC-1", "''quoted"} <= cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    pads = next(r for r in rows if r[0] == "0 986 494 104")
    assert pads[header.index("price_retail")] == "398.50" and pads[header.index("max_qty")] == "10"
    assert pads[header.index("tax_rate")] == "13"
    assert "TRW:GDB1550" in pads[header.index("interchange")]

    empty_the_catalogue()
    report = import_parts(SYSTEM, out)
    assert report.ok and report.created == 5, [p.describe() for p in report.problems]
    assert catalogue_snapshot() == before


def test_export_leaves_cost_out_for_users_who_may_not_see_it(db, tmp_path, good_csv):
    from dataclasses import replace

    from partsdesk.domain import permissions

    import_parts(SYSTEM, good_csv)
    out = tmp_path / "export.csv"
    export_parts(SYSTEM, out)
    assert "cost" in out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    role = "export_only"
    permissions.ROLE_PERMISSIONS[role] = frozenset({"catalog.view", "catalog.export"})
    try:
        export_parts(replace(SYSTEM, role=role), out)
    finally:
        del permissions.ROLE_PERMISSIONS[role]
    assert "cost" not in out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "210.00" not in out.read_text(encoding="utf-8-sig")


def test_export_streams_in_pages(db, tmp_path, monkeypatch):
    monkeypatch.setattr(catalog_io, "EXPORT_PAGE", 7)
    rows = [[f"P{i:03d}", "Bosch", f"Part {i}", "", "brakes.pads", "", "", "", "", "10"] + [""] * 7
            for i in range(30)]
    import_parts(SYSTEM, write_csv(tmp_path / "p.csv", rows))
    seen: list[tuple[int, int]] = []
    assert export_parts(SYSTEM, tmp_path / "out.csv", progress=lambda d, t: seen.append((d, t))) == 30
    assert seen == [(7, 30), (14, 30), (21, 30), (28, 30), (30, 30)]
