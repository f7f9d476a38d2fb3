"""The database engine: SQLite for one PC, PostgreSQL for a shop with several terminals.

Tables are bound to ``database`` (a proxy) and the real engine is chosen at run time by
``open_database(url)``. Each thread gets its own connection (peewee's default), so work on a
worker thread needs a database file, never ``:memory:``.

Writes go through ``transaction()``: on SQLite it starts with ``BEGIN IMMEDIATE`` so two
terminals or threads never deadlock half-way through a use case; on PostgreSQL it is a plain
transaction.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

from peewee import Database, DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase

from partsdesk.domain.errors import UserError
from partsdesk.i18n import N_, _

database = DatabaseProxy()

BUSY_TIMEOUT_S = 10
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "cache_size": -32_000,  # 32 MB page cache per connection
    "temp_store": "memory",
}

# File systems where SQLite's locking is unreliable: a shop database there gets corrupted.
NETWORK_FS_TYPES = frozenset(
    {"nfs", "nfs4", "cifs", "smbfs", "smb3", "ncpfs", "afs", "9p", "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2",
     "glusterfs", "fuse.glusterfs", "ceph", "fuse.ceph", "lustre", "gpfs", "fuse.rclone"}
)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


def copy_sqlite_file(source: Path, target: Path) -> None:
    """A consistent copy of the SQLite file ``source`` at ``target`` (the online backup API: it
    holds what the WAL holds, and other connections may go on writing)."""
    origin = sqlite3.connect(str(source))
    try:
        copy = sqlite3.connect(str(target))
        try:
            origin.backup(copy)
        finally:
            copy.close()
    finally:
        origin.close()


class NetworkShareRefused(UserError):
    pass


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def network_filesystem(path: Path, *, mounts_text: str | None = None, platform: str | None = None) -> str | None:
    """The network file system type ``path`` lives on, or None for a local disk.

    ``mounts_text`` (the contents of /proc/mounts) and ``platform`` can be given by tests.
    """
    platform = platform or sys.platform
    text_path = str(path)
    if platform.startswith("win"):
        if text_path.startswith(("\\\\", "//")):
            return N_("UNC share")
        if platform == sys.platform:  # only ask Windows itself when really on Windows
            import ctypes

            drive = os.path.splitdrive(os.path.abspath(text_path))[0] + "\\"
            if ctypes.windll.kernel32.GetDriveTypeW(drive) == 4:  # DRIVE_REMOTE
                return N_("network drive")
        return None
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text()
        except OSError:
            return None
    absolute = os.path.abspath(text_path)
    best_mount, best_type = "", None
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        if (absolute == mount_point or absolute.startswith(mount_point.rstrip("/") + "/")) and len(mount_point) >= len(best_mount):
            best_mount, best_type = mount_point, fields[2]
    return best_type if best_type in NETWORK_FS_TYPES else None


def open_database(url: str | os.PathLike[str], *, check_network: bool = True) -> Database:
    """Open the shop database named by ``url`` and bind every table to it.

    ``url`` is a SQLite file path or a ``postgresql://user:password@host:port/dbname`` URL.
    A SQLite file on a network share is refused with a message saying what to do instead.
    """
    text = str(url)
    if is_postgres_url(text):
        parts = urlparse(text)
        db: Database = PostgresqlDatabase(
            (parts.path or "/").lstrip("/") or "partsdesk",
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            host=parts.hostname or None,
            port=parts.port or None,
        )
    else:
        path = Path(text).expanduser()
        if check_network:
            fs = network_filesystem(path.parent if not path.exists() else path)
            if fs:
                raise NetworkShareRefused(_(
                    "The database {path} is on a network share ({share}). SQLite corrupts files shared "
                    "over a network. Keep the file on this PC's own disk, or let every terminal use one "
                    "PostgreSQL server on the shop network (--db postgresql://…)."
                ).format(path=path, share=_(fs)))
        path.parent.mkdir(parents=True, exist_ok=True)
        db = SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()  # one shop database per process: let go of the previous one
    database.initialize(db)
    db.connect(reuse_if_open=True)
    return db


def is_postgres(db: Database | None = None) -> bool:
    target = db if db is not None else database.obj
    return isinstance(target, PostgresqlDatabase)


def sqlite_path(db: Database | None = None) -> Path | None:
    """The file behind a SQLite database, or None for PostgreSQL."""
    target = db if db is not None else database.obj
    if isinstance(target, SqliteDatabase):
        return Path(target.database)
    return None


def describe(db: Database | None = None) -> str:
    """A short, password-free name of the database for the status bar and messages."""
    target = db if db is not None else database.obj
    if isinstance(target, PostgresqlDatabase):
        params = target.connect_params
        host = params.get("host") or "localhost"
        return f"PostgreSQL {target.database}@{host}"
    return str(Path(target.database))


# pg_advisory_xact_lock key taken by every write use case on PostgreSQL (see transaction()).
PG_WRITE_LOCK = 0x50445752


@contextmanager
def _pg_write(db: PostgresqlDatabase):
    with db.atomic() as txn:
        if db.transaction_depth() == 1:
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PG_WRITE_LOCK,))
        yield txn


def transaction():
    """Context manager for one write use case.

    Writers are serialised on both engines, so a use case that reads and then writes (a stock
    balance, a document counter, the audit chain head) never loses another terminal's update:
    SQLite takes its write lock up front with ``BEGIN IMMEDIATE``; PostgreSQL takes a
    transaction-scoped advisory lock, released at commit or rollback. A shop's write rate is
    far below what one writer at a time can carry; readers are never blocked.
    """
    db = database.obj
    if isinstance(db, SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return _pg_write(db)
