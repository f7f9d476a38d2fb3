from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from partsdesk.models import ALL_TABLES, open_database
from partsdesk.models import migrations as m
from partsdesk.models.migrations import SchemaTooNew, current_version, latest_version, migrate
from tests.conftest import BACKEND


@pytest.fixture
def fresh(db_url: str):
    handle = open_database(db_url)
    yield handle
    handle.close()


def sql(handle, text: str, *params: object):
    return handle.execute_sql(text.replace("?", handle.param), params)


def test_an_older_shop_is_backed_up_before_it_is_migrated(fresh, tmp_path):
    backups = tmp_path / "backups"
    assert migrate(fresh, backup_dir=backups, target=1) == (0, 1, None)  # a new, empty file: nothing to keep
    sql(fresh, "INSERT INTO app_user (username, display_name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        "olga", "Olga", "cashier", "scrypt$x", datetime(2026, 1, 5, 9, 0))

    start, end, made = migrate(fresh, backup_dir=backups)

    assert (start, end) == (1, latest_version())
    assert current_version(fresh) == latest_version()
    assert sql(fresh, "SELECT username FROM app_user").fetchall() == [("olga",)]
    if BACKEND == "postgresql":
        assert made is None  # the server is backed up with pg_dump, not by copying a file
        return
    assert made is not None and made.parent == backups and made.is_file()
    copy = sqlite3.connect(made)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT MAX(version) FROM schema_version").fetchone() == (1,)
    assert copy.execute("SELECT username FROM app_user").fetchall() == [("olga",)]
    assert "part" not in {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
    copy.close()


def test_a_database_from_a_newer_partsdesk_is_refused(fresh, tmp_path):
    migrate(fresh, backup_dir=tmp_path)
    sql(fresh, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
        latest_version() + 1, "from the future", datetime(2030, 1, 1))
    with pytest.raises(SchemaTooNew, match="newer than this PartsDesk knows"):
        migrate(fresh, backup_dir=tmp_path / "never")
    assert not (tmp_path / "never").exists()


def test_migrations_are_numbered_one_to_n_without_gaps():
    numbers = [migration.number for migration in m.MIGRATIONS]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len({migration.name for migration in m.MIGRATIONS}) == len(numbers)
    assert latest_version() == numbers[-1]
    for migration in m.MIGRATIONS:
        for backend in ("sqlite", "postgresql"):
            assert migration.statements(backend), f"migration {migration.number} has no statements for {backend}"


def test_a_failed_migration_leaves_the_last_complete_version(fresh, tmp_path, monkeypatch):
    migrate(fresh, backup_dir=tmp_path)
    broken = m.Migration(latest_version() + 1, "broken on purpose",
                         lambda backend: ["CREATE TABLE half_done (x INTEGER)", "SELECT * FROM no_such_table"])
    monkeypatch.setattr(m, "MIGRATIONS", (*m.MIGRATIONS, broken))
    with pytest.raises(Exception, match="no_such_table"):
        migrate(fresh, backup_dir=tmp_path)
    assert current_version(fresh) == broken.number - 1
    assert not fresh.table_exists("half_done")


def test_every_model_field_has_its_column_in_the_migrated_schema(db):
    """The models describe the newest schema; the migrations make it. They must agree."""
    problems = []
    for model in ALL_TABLES:
        table = model._meta.table_name
        columns = {c.name: c for c in db.get_columns(table)}
        if not columns:
            problems.append(f"{table}: no such table")
            continue
        for field in model._meta.sorted_fields:
            column = columns.pop(field.column_name, None)
            if column is None:
                problems.append(f"{table}.{field.column_name}: no such column")
            elif not field.primary_key and field.null != column.null:
                problems.append(f"{table}.{field.column_name}: model null={field.null}, column null={column.null}")
        for column in columns.values():  # unmapped columns must not make the model's inserts fail
            if not column.null and column.default is None and not column.primary_key:
                problems.append(f"{table}.{column.name}: NOT NULL without a default, unknown to the model")
    assert problems == []


def test_backup_before_migration_is_only_for_a_file_with_data(tmp_path):
    if BACKEND == "postgresql":
        pytest.skip("copies a SQLite file")
    handle = open_database(str(tmp_path / "empty.sqlite"))
    try:
        assert m.backup_before_migration(handle, 0, tmp_path / "b") is None
        made = m.backup_before_migration(handle, 1, tmp_path / "b")
        assert made is not None and made.is_file() and Path(made).name.startswith("empty-before-v")
    finally:
        handle.close()


def test_a_quote_changes_only_its_status_and_a_closed_day_not_at_all(fresh, tmp_path):
    """Schema 7: a quote's status and what it became may change, its prices never; a Z report
    and the documents it claimed never change, and no document is claimed by two days."""
    migrate(fresh, backup_dir=tmp_path)
    stamp = datetime(2026, 11, 30, 9, 0)
    sql(fresh, "INSERT INTO quote (number, at, valid_until, terminal, price_tier, prices_include_tax, net, tax, total) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "QT-000001", stamp, stamp.date(), "pc1", "retail", True, 100, 13, 113)
    with fresh.atomic():
        sql(fresh, "UPDATE quote SET status = ?, converted_to = ? WHERE number = ?", "converted", "RC-000001",
            "QT-000001")
    assert sql(fresh, "SELECT status, converted_to FROM quote").fetchall() == [("converted", "RC-000001")]
    for statement, params in (("UPDATE quote SET total = ? WHERE number = ?", (1, "QT-000001")),
                              ("DELETE FROM quote WHERE number = ?", ("QT-000001",))):
        with pytest.raises(Exception, match="append-only"), fresh.atomic():
            sql(fresh, statement, *params)
    sql(fresh, "INSERT INTO z_report (number, terminal, closed_at, opening_float, expected_cash, counted_cash, "
        "over_short, figures) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "Z-000001", "pc1", stamp, 0, 0, 0, 0, "{}")
    z_id = sql(fresh, "SELECT id FROM z_report").fetchone()[0]
    sql(fresh, "INSERT INTO z_report_item (z_report_id, kind, ref_id) VALUES (?, ?, ?)", z_id, "sale", 7)
    for statement, params in (("UPDATE z_report SET counted_cash = ?", (5,)), ("DELETE FROM z_report_item", ()),
                              ("INSERT INTO z_report_item (z_report_id, kind, ref_id) VALUES (?, ?, ?)",
                               (z_id, "sale", 7))):
        with pytest.raises(Exception, match="append-only|UNIQUE|unique"), fresh.atomic():
            sql(fresh, statement, *params)
    assert sql(fresh, "SELECT counted_cash FROM z_report").fetchall() == [(0,)]
