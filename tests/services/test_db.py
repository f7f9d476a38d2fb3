from __future__ import annotations

import threading
from pathlib import Path

import pytest

from partsdesk.models import Setting, database, open_database, transaction
from partsdesk.models import db as engine
from partsdesk.models.db import NetworkShareRefused, network_filesystem
from tests.conftest import BACKEND

sqlite_only = pytest.mark.skipif(BACKEND == "postgresql", reason="SQLite connection settings")


def pragmas(db) -> dict[str, object]:
    return {name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}


EXPECTED = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}


@sqlite_only
def test_sqlite_pragmas_hold_on_every_connection_including_a_worker_threads(db):
    here = pragmas(db)
    assert {k: here[k] for k in EXPECTED} == EXPECTED and here["busy_timeout"] > 0
    seen: dict[str, object] = {}

    def worker() -> None:
        try:
            seen.update(pragmas(db))  # peewee gives this thread its own connection
            seen["same connection"] = db.connection() is main_connection
        finally:
            db.close()

    main_connection = db.connection()
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen.pop("same connection") is False
    assert {k: seen[k] for k in EXPECTED} == EXPECTED and seen["busy_timeout"] > 0


@sqlite_only
def test_a_write_starts_with_begin_immediate(db):
    statements: list[str] = []
    db.connection().set_trace_callback(statements.append)
    try:
        with transaction():
            Setting.insert(key="probe", value="1").execute()
    finally:
        db.connection().set_trace_callback(None)
    assert statements[0] == "BEGIN IMMEDIATE"
    assert statements[-1] == "COMMIT"


def test_two_writers_that_read_then_write_both_succeed_without_lost_updates(db):
    """With a deferred BEGIN the second of two read-then-write transactions fails with 'database is
    locked' (its snapshot is stale), and on PostgreSQL's READ COMMITTED it silently loses an update;
    transaction() makes each writer wait its turn instead (BEGIN IMMEDIATE / an advisory lock)."""
    Setting.insert(key="counter", value="0").execute()
    rounds = 60
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            start.wait()
            for _ in range(rounds):
                with transaction():
                    value = int(Setting.get_by_id("counter").value)
                    Setting.update(value=str(value + 1)).where(Setting.key == "counter").execute()
        except BaseException as error:  # reported below, on the test's thread
            errors.append(error)
        finally:
            database.obj.close()

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Setting.get_by_id("counter").value == str(2 * rounds)


MOUNTS = """\
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
tmpfs /tmp tmpfs rw 0 0
fileserver:/export/shop /mnt/shop nfs4 rw,vers=4.2 0 0
//nas/parts /mnt/nas\\040share cifs rw,vers=3.0 0 0
/dev/sdb1 /mnt/shop/local-disk ext4 rw 0 0
"""


@pytest.mark.parametrize(("path", "expected"), [
    ("/mnt/shop/shop.sqlite", "nfs4"),
    ("/mnt/shop/sub/dir/shop.sqlite", "nfs4"),
    ("/mnt/nas share/shop.sqlite", "cifs"),
    ("/mnt/shop/local-disk/shop.sqlite", None),  # a local disk mounted inside the share
    ("/mnt/shopping/shop.sqlite", None),  # a sibling whose name merely starts the same
    ("/home/anna/shop.sqlite", None),
    ("/tmp/shop.sqlite", None),
])
def test_network_file_systems_are_recognised_from_the_mount_table(path, expected):
    assert network_filesystem(Path(path), mounts_text=MOUNTS, platform="linux") == expected


def test_a_unc_path_on_windows_is_a_network_share():
    assert network_filesystem(Path("//shopserver/data/shop.sqlite"), platform="win32") == "UNC share"
    assert network_filesystem("\\\\shopserver\\data\\shop.sqlite", platform="win32") == "UNC share"


@sqlite_only
def test_opening_a_file_on_a_network_share_is_refused_with_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "network_filesystem", lambda path, **_: "cifs")
    target = tmp_path / "share" / "shop.sqlite"
    with pytest.raises(NetworkShareRefused) as refused:
        open_database(str(target))
    message = str(refused.value)
    assert "network share (cifs)" in message
    assert "this PC's own disk" in message and "PostgreSQL" in message  # says what to do instead
    assert not target.parent.exists()  # nothing was created there
    # explicitly opting out (the bench, a test) still works
    open_database(str(target), check_network=False).close()
    assert target.exists()
