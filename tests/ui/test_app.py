"""The program as the shop starts it: ``python -m partsdesk`` with the bench hooks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from partsdesk.models import db as db_module


def _run(args: list[str], env: dict[str, str], home: Path) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PARTSDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **env}
    return subprocess.run([sys.executable, "-m", "partsdesk", *args], env=full_env, capture_output=True, text=True,
                          timeout=60)


@pytest.fixture
def shop_file(db_url, staff) -> str:
    if db_module.is_postgres_url(db_url):
        pytest.skip("the bench starts the window on a shop file")
    return db_url


def test_startup_hook_prints_when_the_login_window_is_shown(shop_file, tmp_path):
    result = _run(["--db", shop_file], {"PARTSDESK_BENCH_STARTUP": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "login-window-shown"


def test_a_pc_set_to_chinese_starts_with_both_catalogues_loaded(shop_file, tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "terminal.json").write_text('{"ui.language": "zh_CN"}', encoding="utf-8")
    result = _run(["--db", shop_file], {"PARTSDESK_BENCH_STARTUP": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "login-window-shown"
    log = (tmp_path / "data" / "logs" / "partsdesk.log").read_text(encoding="utf-8")
    assert "language zh_CN: 2 catalogue(s) loaded" in log  # PartsDesk's .qm and Qt's own (standard buttons)


def test_memory_hook_logs_in_searches_and_reports(shop_file, tmp_path):
    from partsdesk.services import catalog
    from partsdesk.services.users import log_in

    catalog.save_part(log_in("ada", "admin-pass-1"), None, {"number": "W 712/75", "brand": "Mann",
                                                             "name_en": "Oil filter", "category": "engine.filters",
                                                             "price_retail": "45.50"},
                      barcodes=[], numbers=[], fitments=[])
    env = {"PARTSDESK_BENCH_RSS": "1", "PARTSDESK_BENCH_USER": "cashier", "PARTSDESK_BENCH_SECRET": "1357",
           "PARTSDESK_BENCH_QUERY": "oil filter"}
    result = _run(["--db", shop_file], env, tmp_path)
    assert result.returncode == 0, result.stderr
    word, value = result.stdout.split()
    assert word == "rss-mb" and 20 < float(value) < 2000


def test_a_database_too_new_is_refused_with_a_message_and_no_traceback(shop_file, tmp_path):
    conn = sqlite3.connect(shop_file)
    conn.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'future', '2030-01-01')")
    conn.commit()
    conn.close()
    result = _run(["--db", shop_file], {"PARTSDESK_BENCH_STARTUP": "1"}, tmp_path)
    assert result.returncode == 1
    assert "newer than this PartsDesk" in result.stderr
    assert "Traceback" not in result.stderr
    assert "login-window-shown" not in result.stdout
