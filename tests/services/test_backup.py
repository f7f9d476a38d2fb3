from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import AppUser, AuditLog, database
from partsdesk.models.migrations import latest_version
from partsdesk.services import audit, backup, check, clock, settings, users
from tests.conftest import BACKEND

sqlite_only = pytest.mark.skipif(BACKEND == "postgresql",
                                 reason="SQLite file backups; PostgreSQL is backed up with pg_dump on the server")


def usernames() -> set[str]:
    return {u.username for u in users.list_users(include_inactive=True)}


def add(username: str) -> None:
    users.add_user(SYSTEM, username=username, display_name=username.title(), role="cashier", pin="1357")


def at(text: str) -> None:
    moment = datetime.fromisoformat(text)
    clock.set_clock(lambda: moment)


def corrupt_page(path: Path, page: int) -> None:
    """Overwrite one b-tree page with garbage, as a failing disk would."""
    size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xa5" * size)


@pytest.fixture
def url(db_url: str, db) -> str:
    return db_url


# --- backup and restore -------------------------------------------------------------------

@sqlite_only
def test_backup_and_restore_round_trip(url, admin):
    add("before")
    made = backup.make_backup(url)
    assert made.parent == Path(url).parent / "shop-backups"
    assert made.name.startswith("shop-manual-") and made.suffix == ".sqlite"
    copy = sqlite3.connect(made)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file, no -wal needed
    copy.close()
    add("after")  # written after the backup: the restore takes the shop back before it

    kept = backup.restore_backup(url, made)

    assert usernames() == {"ada", "before"}  # the bound database now reads the restored file
    assert kept is not None and kept.parent == made.parent and kept.name.startswith("kept-before-restore-")
    in_kept = {row[0] for row in sqlite3.connect(kept).execute("SELECT username FROM app_user")}
    assert in_kept == {"ada", "before", "after"}
    # the restore is recorded in the trail the shop goes on using, and the chain still holds
    restore_row = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert restore_row.action == "backup.restore" and restore_row.object_id == made.name
    assert json.loads(restore_row.new_value)["kept"] == str(kept)
    assert audit.verify_chain() == []
    assert all(result.ok for result in check.run_checks())


@sqlite_only
def test_a_backup_is_audited_in_the_live_database_not_in_itself(url, admin):
    made = backup.make_backup(url, kind="manual", actor=admin)
    row = AuditLog.select().where(AuditLog.action == "backup.make").get()
    assert row.user_id == admin.user_id and row.object_id == made.name
    assert json.loads(row.new_value)["kind"] == "manual"
    in_copy = sqlite3.connect(made).execute("SELECT COUNT(*) FROM audit_log WHERE action = 'backup.make'")
    assert in_copy.fetchone() == (0,)


@sqlite_only
def test_a_backup_is_one_snapshot_while_another_connection_writes(url, admin, tmp_path):
    other = sqlite3.connect(url, isolation_level=None, timeout=10)
    other.execute("CREATE TABLE filler (x BLOB)")
    other.execute("INSERT INTO filler SELECT randomblob(4000) FROM "
                  "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000) SELECT i FROM n)")
    seen: list[tuple[int, int]] = []

    def write_meanwhile(done: int, total: int) -> None:
        seen.append((done, total))
        assert len(seen) < 100, "the backup keeps starting over"
        other.execute("INSERT INTO filler VALUES (x'00')")  # a sale on another terminal, mid-copy

    made = backup.make_backup(url, folder=tmp_path / "elsewhere", progress=write_meanwhile)

    assert len(seen) > 1 and seen[-1][0] == seen[-1][1]  # several steps, each reported
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert sqlite3.connect(made).execute("SELECT COUNT(*) FROM filler").fetchone() == (6000,)
    assert other.execute("SELECT COUNT(*) FROM filler").fetchone() == (6000 + len(seen),)
    other.close()


@sqlite_only
def test_a_backup_of_a_damaged_file_is_refused_and_nothing_is_kept(tmp_path):
    damaged = tmp_path / "damaged.sqlite"
    conn = sqlite3.connect(damaged)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,) for _ in range(200)])
    conn.commit()
    conn.close()
    corrupt_page(damaged, 3)
    folder = tmp_path / "backups"
    with pytest.raises(UserError, match="integrity check|malformed|damaged"):
        backup.make_backup(str(damaged), folder=folder)
    assert list(folder.iterdir()) == []  # neither a backup nor a half-written temporary file


@sqlite_only
def test_backing_up_a_missing_file_says_so(tmp_path):
    with pytest.raises(UserError, match="no shop database"):
        backup.make_backup(str(tmp_path / "nowhere.sqlite"))
    assert not (tmp_path / "nowhere.sqlite").exists()


def refuse_restore(url: str, candidate: Path, match: str) -> None:
    before_users = usernames()
    folder = Path(url).parent / "shop-backups"
    before_files = sorted(folder.iterdir()) if folder.exists() else []
    with pytest.raises(UserError, match=match):
        backup.restore_backup(url, candidate)
    assert usernames() == before_users
    assert (sorted(folder.iterdir()) if folder.exists() else []) == before_files  # no kept copy either
    assert not list(Path(url).parent.glob(".*restoring*"))


@sqlite_only
def test_a_file_that_is_not_a_partsdesk_backup_is_refused_and_nothing_changes(url, admin, tmp_path):
    text = tmp_path / "notes.sqlite"
    text.write_text("this is a shopping list\n" * 100)
    refuse_restore(url, text, "not a PartsDesk backup")

    other_app = tmp_path / "other-app.sqlite"
    conn = sqlite3.connect(other_app)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    refuse_restore(url, other_app, "not a PartsDesk backup")

    refuse_restore(url, tmp_path / "missing.sqlite", "no backup file")
    refuse_restore(url, Path(url), "shop database itself")


@sqlite_only
def test_a_damaged_backup_is_refused_and_nothing_changes(url, admin, tmp_path):
    for n in range(30):
        add(f"user{n}")  # enough rows for app_user to span several pages
    made = backup.make_backup(url, folder=tmp_path / "safe")
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(made.read_bytes())
    root = sqlite3.connect(broken).execute("SELECT rootpage FROM sqlite_master WHERE name = 'app_user'").fetchone()
    corrupt_page(broken, root[0])
    refuse_restore(url, broken, "damaged|cannot be read")


@sqlite_only
def test_a_backup_from_a_newer_partsdesk_is_refused(url, admin, tmp_path):
    made = backup.make_backup(url, folder=tmp_path / "safe")
    conn = sqlite3.connect(made)
    conn.execute("INSERT INTO schema_version VALUES (?, 'from the future', '2030-01-01')", (latest_version() + 1,))
    conn.commit()
    conn.close()
    refuse_restore(url, made, "newer PartsDesk")


@sqlite_only
def test_restore_is_refused_while_another_connection_has_the_file_open(url, admin, monkeypatch):
    made = backup.make_backup(url)
    add("late")
    monkeypatch.setattr(backup, "IN_USE_WAIT_S", 0.05)
    other_window = sqlite3.connect(url)
    other_window.execute("SELECT COUNT(*) FROM app_user").fetchone()  # open and idle
    try:
        refuse_restore(url, made, "still open in another PartsDesk window")
    finally:
        other_window.close()
    assert backup.restore_backup(url, made) is not None  # once it is closed, the restore goes ahead
    assert usernames() == {"ada"}


@sqlite_only
def test_only_a_role_allowed_to_restore_may_restore(url, staff):
    made = backup.make_backup(url, actor=staff["cashier"])  # everyone may make a backup
    with pytest.raises(PermissionDenied):
        backup.restore_backup(url, made, actor=staff["cashier"])
    assert backup.restore_backup(url, made, actor=staff["manager"]) is not None
    assert AuditLog.select().order_by(AuditLog.id.desc()).get().user_id == staff["manager"].user_id


@sqlite_only
def test_restore_works_when_the_database_is_not_open(url, admin, tmp_path):
    made = backup.make_backup(url)
    add("late")
    database.obj.close()
    other = tmp_path / "other.sqlite"
    from partsdesk.models import open_database

    elsewhere = open_database(str(other))  # the program is bound to another file meanwhile
    backup.restore_backup(url, made)
    assert database.obj is elsewhere
    names = {row[0] for row in sqlite3.connect(url).execute("SELECT username FROM app_user")}
    assert names == {"ada"}
    actions = [row[0] for row in sqlite3.connect(url).execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-1] == "backup.restore"
    elsewhere.close()


# --- automatic backups and rotation --------------------------------------------------------

@sqlite_only
def test_the_daily_backup_is_skipped_within_24_hours(url, admin):
    at("2026-03-02 08:00:00")
    first = backup.auto_backup(url, reason="daily")
    assert first is not None and "-daily-20260302T080000Z" in first.name
    assert backup.last_backup_time(url) == datetime(2026, 3, 2, 8, 0)
    at("2026-03-03 07:59:59")
    assert backup.auto_backup(url, reason="daily") is None
    at("2026-03-03 08:00:00")
    second = backup.auto_backup(url, reason="daily")
    assert second is not None and second != first
    # a backup on closing always happens, and counts as the day's backup
    at("2026-03-03 19:00:00")
    assert backup.auto_backup(url, reason="close") is not None
    at("2026-03-04 10:00:00")
    assert backup.auto_backup(url, reason="daily") is None
    # rotation kept the newest backup of each day
    assert [b.path.name for b in backup.list_backups(url)] == [
        "shop-daily-20260302T080000Z.sqlite", "shop-close-20260303T190000Z.sqlite"]


ROTATION_HISTORY = [  # (kind, UTC time); 2026-03-02 is a Monday (ISO week 10)
    ("close", "2026-03-02 10:00"), ("close", "2026-03-02 18:00"), ("close", "2026-03-04 18:00"),  # week 10
    ("manual", "2026-03-03 12:00"),
    ("close", "2026-03-09 09:00"), ("close", "2026-03-13 18:00"),  # week 11
    ("close", "2026-03-16 12:00"), ("close", "2026-03-16 18:00"), ("close", "2026-03-17 18:00"),  # week 12
    ("daily", "2026-03-18 08:00"),
]


def fake_backup(folder: Path, stem: str, kind: str, when: str) -> Path:
    stamp = datetime.fromisoformat(when).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{stem}-{kind}-{stamp}.sqlite"
    path.write_bytes(b"only the name matters to rotation")
    return path


@sqlite_only
def test_rotation_keeps_newest_per_day_and_per_week_and_never_manual_ones(url, admin):
    folder = Path(url).parent / "shop-backups"
    folder.mkdir()
    for kind, when in ROTATION_HISTORY:
        fake_backup(folder, "shop", kind, when)
    untouchable = [
        fake_backup(folder, "other-shop", "close", "2026-03-01 18:00"),  # another database's backup
        folder / "shop-before-v2-from-v1-20260301-100000-000000.sqlite",  # made before a migration
        folder / "kept-before-restore-20260301T110000Z.sqlite",
    ]
    for path in untouchable[1:]:
        path.write_bytes(b"x")

    at("2026-03-18 18:00:00")
    made = backup.auto_backup(url, reason="close", keep_daily=3, keep_weekly=2)

    assert made is not None and made.name == "shop-close-20260318T180000Z.sqlite"
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([
        "shop-manual-20260303T120000Z.sqlite",
        "shop-close-20260313T180000Z.sqlite",  # newest of week 11
        "shop-close-20260316T180000Z.sqlite",  # newest of 16 March
        "shop-close-20260317T180000Z.sqlite",  # newest of 17 March
        "shop-close-20260318T180000Z.sqlite",  # newest of 18 March and of week 12
        *(p.name for p in untouchable),
    ])


@sqlite_only
def test_rotation_reads_this_pcs_settings_file(url, admin, tmp_path):
    folder = Path(url).parent / "shop-backups"
    folder.mkdir()
    for kind, when in ROTATION_HISTORY:
        fake_backup(folder, "shop", kind, when)
    settings_file = tmp_path / "terminal.json"
    settings_file.write_text(json.dumps({"backup.keep_daily": 1, "backup.keep_weekly": 0}))
    at("2026-03-18 18:00:00")
    backup.auto_backup(url, reason="close", settings_file=settings_file)
    assert sorted(p.name for p in folder.iterdir()) == [
        "shop-close-20260318T180000Z.sqlite", "shop-manual-20260303T120000Z.sqlite"]


def test_rotation_defaults_come_from_the_declared_settings(tmp_path):
    assert settings.terminal("backup.keep_daily", tmp_path / "missing.json") == 7
    assert settings.terminal("backup.keep_weekly", tmp_path / "missing.json") == 4
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert settings.terminal("backup.keep_daily", broken) == 7
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"backup.keep_daily": 0, "backup.keep_weekly": "four"}))
    assert settings.terminal("backup.keep_daily", odd) == 1  # the declared minimum
    assert settings.terminal("backup.keep_weekly", odd) == 4
    with pytest.raises(KeyError, match="not a terminal setting"):
        settings.terminal("shop.name", odd)  # a shop setting lives in the database, never in a PC's file


def test_a_shop_closed_for_weeks_keeps_its_last_backups():
    made = [backup.BackupFile(Path(f"shop-close-{i}.sqlite"), "close", datetime(2026, 1, 1) + timedelta(days=i))
            for i in range(10)]
    gone = backup.backups_to_remove(made, keep_daily=7, keep_weekly=4)
    # the days and weeks that count are the ones that have a backup, not the calendar's last ones
    assert {b.path.name for b in made} - {b.path.name for b in gone} >= {f"shop-close-{i}.sqlite"
                                                                        for i in range(3, 10)}
    assert all(b.kind == "close" for b in gone)


# --- PostgreSQL ----------------------------------------------------------------------------

def test_postgresql_backups_are_left_to_pg_dump_and_the_password_is_never_shown():
    url = "postgresql://clerk:s3cret-pw@shop-server:5433/shopdb"
    with pytest.raises(UserError) as made:
        backup.make_backup(url)
    message = str(made.value)
    assert "pg_dump -Fc" in message and "shopdb" in message and "-h shop-server" in message
    assert "-p 5433" in message and "-U clerk" in message and "s3cret" not in message
    with pytest.raises(UserError) as restored:
        backup.restore_backup(url, Path("shopdb.dump"))
    assert "pg_restore" in str(restored.value) and "-d shopdb" in str(restored.value)
    assert "s3cret" not in str(restored.value)
    assert backup.auto_backup(url, reason="close") is None
    assert backup.last_backup_time(url) is None


@pytest.mark.skipif(BACKEND != "postgresql", reason="needs the PostgreSQL test server")
def test_on_the_postgresql_server_nothing_is_copied(url, admin):
    with pytest.raises(UserError, match="pg_dump"):
        backup.make_backup(url)
    assert AppUser.select().count() == 1
