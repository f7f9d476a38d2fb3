from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from partsdesk import bench
from partsdesk.models import database
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="the bench generates its own SQLite shops")


@pytest.fixture(autouse=True)
def _close_database():
    yield
    if database.obj is not None:
        database.obj.close()


def test_bench_measures_every_metric_on_a_small_shop(tmp_path: Path):
    result = bench.run(parts=300, workdir=tmp_path, rebuild=False, queries=40, import_rows=150, customers=300,
                       sales=12, scans=20, open_orders=120, orders_invoiced=6)
    again = json.loads(json.dumps(result))  # the --json output is plain JSON
    assert again["parts"] == 300 and again["customers"] == 300 and again["cached"] is False
    assert list(again["metrics"]) == list(bench.ALL_METRICS)
    for name in bench.SEARCH_METRICS:
        metric = again["metrics"][name]
        assert 0 < metric["p50_ms"] <= metric["p95_ms"], name
        assert metric["queries"] == 40
        assert metric["found_on_first_page"] >= 0.5, name  # queries come from the shop: they find it
    assert again["metrics"]["search.barcode"]["found_on_first_page"] == 1.0
    people = again["metrics"]["customer.search"]
    assert 0 < people["p50_ms"] <= people["p95_ms"] and people["queries"] == 40
    assert people["found_on_first_page"] >= 0.8  # fragments of a customer's own phone, plate or name
    for name in bench.COUNTER_METRICS:
        metric = again["metrics"][name]
        assert 0 < metric["p50_ms"] <= metric["p95_ms"], name
    assert again["metrics"]["counter.commit_sale"]["runs"] == 12
    assert again["metrics"]["print.receipt"]["runs"] == 12 and again["metrics"]["print.receipt"]["pages"] == 1
    invoice = again["metrics"]["print.invoice_3p"]
    assert invoice["pages"] == 3 and invoice["runs"] == bench.INVOICE_PRINTS and invoice["lines"] > 40
    startup = again["metrics"]["startup.login_window_s"]
    assert startup["unit"] == "s" and 0 < startup["value"] < 60 and len(startup["runs"]) == bench.STARTUP_RUNS
    assert again["metrics"]["memory.catalog_rss_mb"]["unit"] == "MB"
    assert 20 < again["metrics"]["memory.catalog_rss_mb"]["value"] < 2000
    assert again["metrics"]["import.rows_per_s"]["rows"] == 150
    assert again["metrics"]["import.rows_per_s"]["value"] > 0
    assert again["metrics"]["build.shop_s"]["value"] > 0
    board, invoiced = again["metrics"]["workshop.board_open"], again["metrics"]["workshop.invoice_order"]
    assert board["orders"] == 120 and board["runs"] == bench.BOARD_RUNS and 0 < board["p50_ms"] <= board["p95_ms"]
    assert invoiced["orders"] == 6 and invoiced["runs"] == 6 and 0 < invoiced["p50_ms"] <= invoiced["p95_ms"]
    table = bench.format_table(result)
    assert all(name in table for name in bench.ALL_METRICS)


def test_the_bench_shop_is_cached_by_size_until_rebuild(tmp_path: Path):
    first = bench.run(parts=200, workdir=tmp_path, rebuild=False, only=["build.shop_s"], customers=50)
    shop = Path(first["shop"])
    stamp = shop.stat().st_mtime_ns
    second = bench.run(parts=200, workdir=tmp_path, rebuild=False, only=["build.shop_s", "search.number"], queries=20,
                       customers=50)
    assert second["cached"] is True and shop.stat().st_mtime_ns == stamp
    assert second["metrics"]["build.shop_s"]["value"] == first["metrics"]["build.shop_s"]["value"]
    (tmp_path / "bench-200-c50.json").unlink()  # an unfinished build leaves no marker: it is made again
    third = bench.run(parts=200, workdir=tmp_path, rebuild=False, only=["build.shop_s"], customers=50)
    assert third["cached"] is False
    assert bench.run(parts=200, workdir=tmp_path, rebuild=True, only=["build.shop_s"], customers=50)["cached"] is False


def test_a_metric_that_cannot_be_measured_fails_loudly(tmp_path: Path):
    with pytest.raises(bench.BenchError, match="Unknown metric"):
        bench.run(parts=10, workdir=tmp_path, rebuild=False, only=["search.telepathy"], customers=10)
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database" * 100)
    with pytest.raises(bench.BenchError, match="never printed 'login-window-shown'"):
        bench.measure_startup(broken, tmp_path)


def test_the_command_measures_only_the_metrics_asked_for(tmp_path: Path, capsys):
    from partsdesk.cli import main

    assert main(["bench", "--parts", "150", "--customers", "40", "--workdir", str(tmp_path), "--json",
                 "--only", "build.shop_s,search.number", "--only", "search.barcode"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert sorted(result["metrics"]) == ["build.shop_s", "search.barcode", "search.number"]
    assert main(["bench", "--parts", "150", "--customers", "40", "--workdir", str(tmp_path),
                 "--only", "search.nothing"]) == 1
    assert "Unknown metric(s): search.nothing" in capsys.readouterr().err


def _count(path: Path, sql: str) -> int:
    connection = sqlite3.connect(str(path))
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def test_the_counter_metrics_sell_on_a_throw_away_copy_run_after_run(tmp_path: Path):
    only = ["counter.commit_sale", "print.receipt", "print.invoice_3p"]
    first = bench.run(parts=120, workdir=tmp_path, rebuild=False, only=only, customers=30, sales=30)
    shop = Path(first["shop"])
    stamp, stock = shop.stat().st_mtime_ns, _count(shop, "SELECT SUM(qty) FROM stock_balance")
    assert sorted(first["metrics"]) == sorted(only)
    assert first["metrics"]["counter.commit_sale"]["runs"] == 30 and first["metrics"]["counter.commit_sale"]["lines"] == 5
    # the shop is small: parts are sold more than once, their stock received first on the copy
    second = bench.run(parts=120, workdir=tmp_path, rebuild=False, only=only, customers=30, sales=30)
    assert second["cached"] is True and sorted(second["metrics"]) == sorted(only)
    assert second["metrics"]["print.invoice_3p"]["pages"] == 3
    assert shop.stat().st_mtime_ns == stamp  # the cached shop was not written: no sale, no user, same stock
    assert _count(shop, "SELECT COUNT(*) FROM sale") == 0
    assert _count(shop, "SELECT COUNT(*) FROM app_user") == 1
    assert _count(shop, "SELECT SUM(qty) FROM stock_balance") == stock
    assert not (tmp_path / bench.SCRATCH).exists()
    alone = bench.run(parts=120, workdir=tmp_path, rebuild=False, only=["print.receipt"], customers=30, sales=5)
    assert list(alone["metrics"]) == ["print.receipt"] and alone["metrics"]["print.receipt"]["runs"] == 5


def test_the_counter_sales_really_commit(tmp_path: Path):
    from partsdesk.models import Sale, SaleLine, open_database

    path, _ = bench.ensure_shop(80, tmp_path, rebuild=False, customers=20)
    copy = tmp_path / "copy.sqlite"
    bench.copy_shop(path, copy)
    metrics = bench.measure_counter(copy, {"counter.commit_sale", "print.invoice_3p"}, sales=4)
    assert sorted(metrics) == ["counter.commit_sale", "print.invoice_3p"]
    open_database(str(copy))
    receipts = list(Sale.select().where(Sale.kind == "receipt"))
    assert len(receipts) == bench.WARMUPS + 4  # warm-ups are real sales too
    assert all(sale.user.username == bench.CASHIER_USER and sale.user.role == "cashier" for sale in receipts)
    assert {SaleLine.select().where(SaleLine.sale == s.id, SaleLine.part.is_null(False)).count()
            for s in receipts} == {bench.SALE_LINES}
    invoices = list(Sale.select().where(Sale.kind == "invoice"))
    assert invoices and invoices[-1].customer is not None and invoices[-1].customer.kind == "company"


def test_the_command_measures_only_the_counter_metrics_asked_for(tmp_path: Path, capsys):
    from partsdesk.cli import main

    assert main(["bench", "--parts", "150", "--customers", "40", "--workdir", str(tmp_path),
                 "--only", "print.invoice_3p"]) == 0
    table = capsys.readouterr().out
    assert "print.invoice_3p" in table and "3 page(s)" in table and "counter.commit_sale" not in table


def test_scan_to_line_times_real_scans_through_a_counter_tab_in_a_child_process(tmp_path: Path):
    import sys

    before = {name for name in sys.modules if name.startswith("PySide6")}
    result = bench.run(parts=300, workdir=tmp_path, rebuild=False, only=[bench.SCAN_METRIC], customers=30, scans=25)
    assert list(result["metrics"]) == [bench.SCAN_METRIC]
    metric = result["metrics"][bench.SCAN_METRIC]
    assert metric["scans"] == 25 and 0 < metric["p50_ms"] <= metric["p95_ms"] <= metric["max_ms"] < 10_000
    assert {name for name in sys.modules if name.startswith("PySide6")} == before  # Qt only in the child
    table = bench.format_table(result)
    assert "counter.scan_to_line" in table and "25 scans" in table and "target p95 ≤ 50 at 1,000,000 parts" in table
    assert bench.TARGETS_P95_MS[bench.SCAN_METRIC] == 50
    shop = Path(result["shop"])
    assert _count(shop, "SELECT COUNT(*) FROM sale") == 0  # the scans only read the shop


def test_the_scan_child_counts_each_line_and_fails_loudly(tmp_path: Path):
    from partsdesk.ui import bench_scan

    path, _ = bench.ensure_shop(120, tmp_path, rebuild=False, customers=20)
    result = bench_scan.measure(str(path), 6)
    assert result["scans"] == 6 and result["p50_ms"] > 0
    with pytest.raises(SystemExit, match="no user 'nobody'"):
        bench_scan.measure(str(path), 2, "nobody")
    with pytest.raises(SystemExit, match="fewer than 503 active parts"):
        bench_scan.measure(str(path), 500)
    assert bench_scan.main(["only-a-db"]) == 2
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database" * 100)
    with pytest.raises(bench.BenchError, match="counter.scan_to_line: the Counter tab child failed"):
        bench.measure_scan_to_line(broken, tmp_path, 3)
    with pytest.raises(bench.BenchError, match="at least 1 scan"):
        bench.measure_scan_to_line(path, tmp_path, 0)


def test_scan_to_count_times_real_scans_through_a_count_view_on_a_throw_away_copy(tmp_path: Path):
    import sys

    from partsdesk.ui import bench_count_scan

    before = {name for name in sys.modules if name.startswith("PySide6")}
    result = bench.run(parts=300, workdir=tmp_path, rebuild=False, only=[bench.COUNT_SCAN_METRIC], customers=30,
                       scans=20)
    assert list(result["metrics"]) == [bench.COUNT_SCAN_METRIC]
    metric = result["metrics"][bench.COUNT_SCAN_METRIC]
    assert metric["scans"] == 20 and 0 < metric["p50_ms"] <= metric["p95_ms"] <= metric["max_ms"] < 10_000
    assert {name for name in sys.modules if name.startswith("PySide6")} == before  # Qt only in the child
    table = bench.format_table(result)
    assert "stock.scan_to_count" in table and "20 scans" in table and "target p95 ≤ 50 at 1,000,000 parts" in table
    assert bench.TARGETS_P95_MS[bench.COUNT_SCAN_METRIC] == 50
    shop = Path(result["shop"])
    assert _count(shop, "SELECT COUNT(*) FROM count_scan") == 0  # the cached shop is not written
    assert not (tmp_path / bench.SCRATCH).exists()
    # on a copy, the child's count holds every scan (and its warm-ups), each part's line their sum
    copy = tmp_path / "copy.sqlite"
    bench.copy_shop(shop, copy)
    done = bench_count_scan.measure(str(copy), 7)
    assert done["scans"] == 7
    assert _count(copy, "SELECT COUNT(*) FROM count_scan WHERE kind = 'scan'") == 7 + bench_count_scan.WARMUPS
    assert _count(copy, "SELECT SUM(qty) FROM count_line") == (7 + bench_count_scan.WARMUPS) * 1000
    with pytest.raises(SystemExit, match="no user 'nobody'"):
        bench_count_scan.measure(str(copy), 2, "nobody")
    assert bench_count_scan.main(["only-a-db"]) == 2
    with pytest.raises(bench.BenchError, match="at least 1 scan"):
        bench.measure_scan_to_count(copy, tmp_path, 0)


def test_print_labels_1000_prints_a_thousand_labels_of_random_parts(tmp_path: Path, capsys):
    from partsdesk.cli import main

    result = bench.run(parts=150, workdir=tmp_path, rebuild=False, only=["print.labels_1000"], customers=30)
    metric = result["metrics"]["print.labels_1000"]
    assert list(result["metrics"]) == ["print.labels_1000"]
    assert 0 < metric["p50_ms"] <= metric["p95_ms"] and metric["runs"] == bench.LABEL_RUNS
    assert (metric["labels"], metric["pages"], metric["layout"]) == (1000, 42, "a4-3x8")  # 1000 / 24 a sheet
    assert bench.TARGETS_P95_MS["print.labels_1000"] == 1500.0
    shop = Path(result["shop"])
    stamp = shop.stat().st_mtime_ns
    assert main(["bench", "--parts", "150", "--customers", "30", "--workdir", str(tmp_path),
                 "--only", "print.labels_1000"]) == 0
    table = capsys.readouterr().out
    assert "print.labels_1000" in table and "1,000 labels, 42 pages of a4-3x8" in table
    assert "(target p95 ≤ 1500 at 1,000,000 parts)" in table
    assert shop.stat().st_mtime_ns == stamp  # read-only: the cached shop is not written


def test_post_count_20k_posts_a_count_on_a_throw_away_copy(tmp_path: Path, capsys):
    from partsdesk.cli import main

    result = bench.run(parts=400, workdir=tmp_path, rebuild=False, only=["stock.post_count_20k"], customers=30)
    metric = result["metrics"]["stock.post_count_20k"]
    assert list(result["metrics"]) == ["stock.post_count_20k"] and metric["unit"] == "s" and metric["value"] > 0
    shop = Path(result["shop"])
    with sqlite3.connect(shop) as cached:
        in_stock = cached.execute("SELECT COUNT(*) FROM stock_balance WHERE location_id = 1 AND qty > 0").fetchone()[0]
        assert cached.execute("SELECT COUNT(*) FROM count_line").fetchone()[0] == 0  # the cached shop is not written
    assert metric["lines"] == min(in_stock, bench.COUNT_LINES) > 0
    assert 0.7 * metric["lines"] <= metric["moves"] <= metric["lines"]  # about four lines in five differ
    assert not (tmp_path / bench.SCRATCH).exists()
    assert bench.TARGETS_S["stock.post_count_20k"] == 2.0
    stamp = shop.stat().st_mtime_ns
    assert main(["bench", "--parts", "400", "--customers", "30", "--workdir", str(tmp_path),
                 "--only", "stock.post_count_20k"]) == 0
    table = capsys.readouterr().out
    assert "stock.post_count_20k" in table and "(target ≤ 2 s at 1,000,000 parts)" in table
    assert shop.stat().st_mtime_ns == stamp


def test_reorder_all_suggests_over_the_whole_catalogue_without_writing(tmp_path: Path, capsys):
    from partsdesk.cli import main

    result = bench.run(parts=300, workdir=tmp_path, rebuild=False, only=["stock.reorder_all"], customers=30)
    metric = result["metrics"]["stock.reorder_all"]
    assert list(result["metrics"]) == ["stock.reorder_all"] and metric["unit"] == "s" and metric["value"] > 0
    shop = Path(result["shop"])
    below = _count(shop, "SELECT COUNT(*) FROM part p WHERE p.active AND p.max_qty > 0 AND p.min_qty > "
                         "COALESCE((SELECT SUM(qty) FROM stock_balance b WHERE b.part_id = p.id AND b.location_id = 1), 0)")
    assert metric["suggestions"] == metric["low_stock"] == below  # the generated shop has no open order yet
    assert _count(shop, "SELECT COUNT(*) FROM purchase_order") == 0  # read-only
    assert bench.TARGETS_S["stock.reorder_all"] == 5.0
    stamp = shop.stat().st_mtime_ns
    assert main(["bench", "--parts", "300", "--customers", "30", "--workdir", str(tmp_path),
                 "--only", "stock.reorder_all"]) == 0
    table = capsys.readouterr().out
    assert "stock.reorder_all" in table and "(target ≤ 5 s at 1,000,000 parts)" in table and "suggestions" in table
    assert shop.stat().st_mtime_ns == stamp
