from __future__ import annotations

import json
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
    result = bench.run(parts=300, workdir=tmp_path, rebuild=False, queries=40, import_rows=150, customers=300)
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
    startup = again["metrics"]["startup.login_window_s"]
    assert startup["unit"] == "s" and 0 < startup["value"] < 60 and len(startup["runs"]) == bench.STARTUP_RUNS
    assert again["metrics"]["memory.catalog_rss_mb"]["unit"] == "MB"
    assert 20 < again["metrics"]["memory.catalog_rss_mb"]["value"] < 2000
    assert again["metrics"]["import.rows_per_s"]["rows"] == 150
    assert again["metrics"]["import.rows_per_s"]["value"] > 0
    assert again["metrics"]["build.shop_s"]["value"] > 0
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
