"""Backups of the SQLite shop file: made, checked, rotated and restored.

A backup is a copy taken with SQLite's online backup API inside one read transaction, so it is
one consistent snapshot even while the counter keeps selling (WAL lets writers carry on). The
copy is written under a temporary name, converted to a single self-contained file (no -wal),
checked with ``PRAGMA integrity_check`` and only then renamed into place: a file named like a
backup is always a good backup.

File names say what made them and when (UTC), beside the shop file in
``services.shop.backup_dir_for(url)``::

    shop-manual-20261122T093000Z.sqlite     made by a person: never rotated away
    shop-close-20261122T190512Z.sqlite      made when the window closed: rotated
    shop-daily-20261123T080000Z.sqlite      made by the daily timer: rotated
    shop-before-v3-from-v2-….sqlite         made before a migration (models.migrations): never rotated
    kept-before-restore-20261124T101010Z.sqlite   the file a restore replaced: never rotated

Nothing here touches Qt: the window runs these functions on its database worker thread and
polls the ``progress(done, total)`` callback (pages copied) from a timer.

On PostgreSQL the server owns the data; these functions refuse with the exact ``pg_dump`` /
``pg_restore`` commands instead of pretending.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

from peewee import SqliteDatabase

from partsdesk.domain.errors import UserError
from partsdesk.domain.permissions import Actor, require
from partsdesk.i18n import _
from partsdesk.models import database, transaction
from partsdesk.models.db import BUSY_TIMEOUT_S, SQLITE_PRAGMAS, is_postgres_url, sqlite_path
from partsdesk.models.migrations import latest_version, migrate
from partsdesk.services import audit, clock, settings
from partsdesk.services.shop import backup_dir_for

Progress = Callable[[int, int], None]

AUTO_KINDS = ("close", "daily")
KINDS = ("manual", *AUTO_KINDS)
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
DAILY_INTERVAL = timedelta(hours=24)
_PAGES_PER_STEP = 2048  # 8 MB with 4 kB pages: progress moves, and each step is short
IN_USE_WAIT_S = 3.0  # how long a restore waits for another connection to let go of the file


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: str
    made_at: datetime  # naive UTC, from the file name (a copied file keeps its name, not its mtime)


# --- names ------------------------------------------------------------------------------

def _name_pattern(stem: str) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(stem)}-(?P<kind>{'|'.join(KINDS)})-(?P<stamp>\d{{8}}T\d{{6}}Z)(?:-\d+)?\.sqlite$"
    )


def list_backups(url: str, *, folder: Path | None = None) -> list[BackupFile]:
    """Backups made by this module for the database at ``url``, oldest first."""
    path = _sqlite_file(url, doing="list backups")
    folder = folder or _default_folder(url)
    if not folder.is_dir():
        return []
    pattern = _name_pattern(path.stem)
    found = []
    for entry in folder.iterdir():
        match = pattern.match(entry.name)
        if match and entry.is_file():
            made_at = datetime.strptime(match["stamp"], STAMP_FORMAT)
            found.append(BackupFile(entry, match["kind"], made_at))
    return sorted(found, key=lambda b: (b.made_at, b.path.name))


def last_backup_time(url: str, *, folder: Path | None = None) -> datetime | None:
    """When the newest manual or automatic backup of ``url`` was made (naive UTC), or None.

    None on PostgreSQL too: the server's own dumps are not visible from here.
    """
    if is_postgres_url(url):
        return None
    backups = list_backups(url, folder=folder)
    return backups[-1].made_at if backups else None


def _unique(path: Path) -> Path:
    candidate, n = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


# --- PostgreSQL: say what to do ---------------------------------------------------------

def _pg_refusal(url: str, *, restoring: bool) -> UserError:
    parts = urlparse(url)
    name = unquote((parts.path or "/").lstrip("/")) or "partsdesk"
    options = []
    if parts.hostname:
        options.append(f"-h {parts.hostname}")
    if parts.port:
        options.append(f"-p {parts.port}")
    if parts.username:
        options.append(f"-U {unquote(parts.username)}")
    opts = " ".join(options) + " " if options else ""
    dump = f"pg_dump -Fc {opts}-f {name}-YYYYMMDD.dump {name}"
    restore = f"pg_restore --clean --if-exists {opts}-d {name} {name}-YYYYMMDD.dump"
    if restoring:
        return UserError(_(
            "This shop's data lives on a PostgreSQL server, which PartsDesk does not overwrite itself. "
            "Close PartsDesk on every terminal, then on the server run: {restore}"
        ).format(restore=restore))
    return UserError(_(
        "This shop's data lives on a PostgreSQL server; back it up on the server with pg_dump, "
        "for example every night: {dump} (restore with: {restore})"
    ).format(dump=dump, restore=restore))


# --- making a backup --------------------------------------------------------------------

def _sqlite_file(url: str, *, doing: str) -> Path:
    if is_postgres_url(url):
        raise _pg_refusal(url, restoring=doing == "restore")
    return Path(url).expanduser().resolve()


def _default_folder(url: str) -> Path:
    folder = backup_dir_for(str(Path(url).expanduser().resolve()))
    assert folder is not None  # only None for PostgreSQL, refused before
    return folder


def _integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check`` as a list of problems ([] when the file is sound)."""
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as error:  # a page so broken the check itself gives up
        return [str(error)]
    return [] if rows == ["ok"] else rows


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to flush."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _CopyFailed(Exception):
    """The copy could not be made (``damaged`` False) or failed its integrity check (True)."""

    def __init__(self, detail: str, *, damaged: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.damaged = damaged


def _copy_checked(source: Path, target: Path, *, progress: Progress | None = None,
                  source_read_only: bool = False, verify: bool = True) -> None:
    """Copy the SQLite database ``source`` to ``target`` as one snapshot and check the copy.

    ``target`` ends up a single file in rollback-journal mode, fsynced. On any failure nothing
    is left at ``target`` and _CopyFailed says what went wrong.
    """
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if source_read_only:
            src = sqlite3.connect(source.as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
                                  isolation_level=None)
        else:
            src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            dest = sqlite3.connect(str(partial), isolation_level=None)
            try:
                # Hold one read transaction across all backup steps: every step then copies the
                # same snapshot, and writers on other connections neither block us nor make the
                # backup start over (WAL).
                src.execute("BEGIN")
                src.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                src.backup(dest, pages=_PAGES_PER_STEP,
                           progress=(lambda _status, left, total: progress(total - left, total)) if progress else None)
                src.execute("COMMIT")
                dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                problems = _integrity_problems(dest) if verify else []
            finally:
                dest.close()
        finally:
            src.close()
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise _CopyFailed(str(error), damaged=isinstance(error, sqlite3.DatabaseError)
                          and "malformed" in str(error)) from error
    if problems:
        partial.unlink(missing_ok=True)
        raise _CopyFailed("; ".join(problems[:3]), damaged=True)
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    _fsync_folder(target.parent)


def _bound_to(path: Path) -> SqliteDatabase | None:
    """The bound peewee database if it is the SQLite file ``path`` (so audit rows can go there)."""
    bound = database.obj
    if bound is None:
        return None
    own = sqlite_path(bound)
    if own is None or str(own) == ":memory:":
        return None
    return bound if own.expanduser().resolve() == path else None


def make_backup(url: str, *, folder: Path | None = None, kind: str = "manual", actor: Actor | None = None,
                progress: Progress | None = None) -> Path:
    """Write a checked backup of the SQLite shop file at ``url``; return its path.

    Safe while other connections and terminals write. ``kind`` is "manual", "close" or "daily"
    (only the last two are ever rotated away). When the bound database is this file, a
    ``backup.make`` audit row is appended after the copy (so the backup does not hold its own
    row). May run for minutes on a big shop: call it off the GUI thread. On PostgreSQL raises
    UserError naming the pg_dump command.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    path = _sqlite_file(url, doing="backup")
    if actor is not None:
        require(actor, "backup.run")
    if not path.is_file():
        raise UserError(_("There is no shop database at {path} to back up.").format(path=path))
    folder = folder or _default_folder(url)
    folder.mkdir(parents=True, exist_ok=True)
    target = _unique(folder / f"{path.stem}-{kind}-{clock.now().strftime(STAMP_FORMAT)}.sqlite")
    try:
        _copy_checked(path, target, progress=progress)
    except _CopyFailed as error:
        if error.damaged:
            raise UserError(_(
                "The backup copy of {path} failed its integrity check ({detail}), so it was not kept. "
                "The database itself is probably damaged: run 'partsdesk check', and restore the newest good "
                "backup if it reports damage."
            ).format(path=path, detail=error.detail)) from error
        raise UserError(_("Could not back up {path}: {detail}. No backup was written.").format(
            path=path, detail=error.detail)) from error
    bound = _bound_to(path)
    if bound is not None:
        with transaction():
            audit.record("backup.make", actor=actor, object_type="backup", object_id=target.name,
                         new={"kind": kind, "file": str(target), "bytes": target.stat().st_size})
    return target


# --- automatic backups and rotation -----------------------------------------------------

def backups_to_remove(backups: list[BackupFile], *, keep_daily: int, keep_weekly: int) -> list[BackupFile]:
    """Which automatic backups rotation deletes (manual ones are never returned).

    Kept: the newest backup of each of the ``keep_daily`` most recent days that have one, and
    the newest of each of the ``keep_weekly`` most recent ISO weeks that have one (days and
    weeks in UTC). Counting days *with a backup* rather than calendar days means a shop closed
    for a month still finds its last backups when it opens again.
    """
    auto = sorted((b for b in backups if b.kind in AUTO_KINDS), key=lambda b: (b.made_at, b.path.name),
                  reverse=True)
    keep: set[Path] = set()
    for bucket_of, wanted in ((lambda b: b.made_at.date(), keep_daily),
                              (lambda b: b.made_at.isocalendar()[:2], keep_weekly)):
        seen: set[object] = set()
        for backup in auto:  # newest first: the first of each bucket is its newest
            bucket = bucket_of(backup)
            if bucket in seen:
                continue
            if len(seen) >= wanted:
                break
            seen.add(bucket)
            keep.add(backup.path)
    return [b for b in auto if b.path not in keep]


def rotate_backups(url: str, *, folder: Path | None = None, keep_daily: int | None = None,
                   keep_weekly: int | None = None, settings_file: Path | None = None) -> list[Path]:
    """Delete the automatic backups of ``url`` that rotation no longer keeps; return them."""
    keep_daily = keep_daily if keep_daily is not None else settings.terminal("backup.keep_daily", settings_file)
    keep_weekly = keep_weekly if keep_weekly is not None else settings.terminal("backup.keep_weekly", settings_file)
    doomed = backups_to_remove(list_backups(url, folder=folder), keep_daily=keep_daily, keep_weekly=keep_weekly)
    for backup in doomed:
        backup.path.unlink(missing_ok=True)
    return [b.path for b in doomed]


def auto_backup(url: str, *, reason: Literal["close", "daily"], folder: Path | None = None,
                keep_daily: int | None = None, keep_weekly: int | None = None, settings_file: Path | None = None,
                progress: Progress | None = None) -> Path | None:
    """The automatic backup: on closing the window, and daily (at start and from a timer).

    ``reason="daily"`` does nothing when any backup of this file was made in the last 24 h, so
    calling it often is cheap. Each backup made is followed by rotation (``rotate_backups``;
    ``backup.keep_daily`` / ``backup.keep_weekly`` from this PC's settings unless given).
    Returns the new backup, or None when none was due. Does nothing on PostgreSQL (the server
    is backed up with pg_dump). Time comes from ``services.clock``.
    """
    if reason not in AUTO_KINDS:
        raise ValueError(f"unknown automatic backup reason {reason!r}")
    if is_postgres_url(url):
        return None
    if reason == "daily":
        last = last_backup_time(url, folder=folder)
        if last is not None and clock.now() - last < DAILY_INTERVAL:
            return None
    made = make_backup(url, folder=folder, kind=reason, progress=progress)
    rotate_backups(url, folder=folder, keep_daily=keep_daily, keep_weekly=keep_weekly, settings_file=settings_file)
    return made


# --- restore ----------------------------------------------------------------------------

def _schema_version_of(conn: sqlite3.Connection) -> int | None:
    """The schema version of a PartsDesk file, or None when it is no PartsDesk database."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"schema_version", "audit_log", "app_user"} <= tables:
        return None
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _stage_candidate(file: Path, staged: Path, *, progress: Progress | None) -> None:
    """Copy the backup ``file`` to ``staged`` and prove it is a sound PartsDesk database that this
    program can open. The backup itself is only read. On failure nothing is left at ``staged``."""
    with open(file, "rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise UserError(_("{file} is not a PartsDesk backup (not a SQLite database). Nothing was changed.").format(
            file=file))
    try:
        _copy_checked(file, staged, progress=progress, source_read_only=True)
    except _CopyFailed as error:
        failed = (_("The backup {file} is damaged ({detail}). Nothing was changed; try an older backup.")
                  if error.damaged else
                  _("The backup {file} cannot be read ({detail}). Nothing was changed; try an older backup."))
        raise UserError(failed.format(file=file, detail=error.detail)) from error
    conn = sqlite3.connect(str(staged))
    try:
        version = _schema_version_of(conn)
    except sqlite3.Error:
        version = None
    finally:
        conn.close()
    problem = None
    if version is None:
        problem = _("{file} is not a PartsDesk backup (it holds no PartsDesk tables). Nothing was changed.").format(
            file=file)
    elif version > latest_version():
        problem = _("{file} was made by a newer PartsDesk (schema version {version}; this program knows up to "
                    "{latest}). Install the newer PartsDesk to restore it. Nothing was changed.").format(
            file=file, version=version, latest=latest_version())
    if problem:
        staged.unlink(missing_ok=True)
        raise UserError(problem)


def _refuse_if_in_use(path: Path) -> None:
    """UserError when any other connection (another window, program, or thread of this one) has
    the file open: replacing it under them would send their writes to a file that is gone."""
    if not path.exists():
        return
    probe = sqlite3.connect(str(path), timeout=IN_USE_WAIT_S, isolation_level=None)
    try:
        # Exclusive locking mode cannot start while any other connection holds the file open,
        # even an idle one in WAL mode.
        probe.execute("PRAGMA locking_mode = EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        probe.execute("COMMIT")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise UserError(_(
                "The shop database {path} is still open in another PartsDesk window or program. Close it "
                "there (on this PC) and restore again. Nothing was changed."
            ).format(path=path)) from error
    except sqlite3.DatabaseError:
        pass  # a damaged file is the usual reason to restore: replace it all the same
    finally:
        probe.close()


def _keep_current(path: Path, kept: Path) -> None:
    """Copy the file about to be replaced to ``kept``, whatever state it is in."""
    try:
        _copy_checked(path, kept, verify=False)  # kept whatever its state: checking it would only cost time
        return
    except _CopyFailed:
        pass  # a damaged file (the likely reason for restoring) is kept as it is, with its WAL
    shutil.copy2(path, kept)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        shutil.copy2(wal, kept.with_name(kept.name + "-wal"))


@contextlib.contextmanager
def _opened(path: Path, bound: SqliteDatabase | None) -> Iterator[None]:
    """The models bound to ``path``: the app's own connection when it had this file open,
    else a temporary one, after which the previous binding is put back."""
    if bound is not None:
        bound.connect(reuse_if_open=True)
        yield
        return
    previous = database.obj
    temporary = SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S)
    database.initialize(temporary)
    try:
        temporary.connect()
        yield
    finally:
        temporary.close()
        database.initialize(previous)


def restore_backup(url: str, file: Path, *, folder: Path | None = None, actor: Actor | None = None,
                   reason: str = "", progress: Progress | None = None) -> Path | None:
    """Replace the shop file at ``url`` with the backup ``file``; return where the replaced file
    was kept (None when there was no file to replace).

    The backup is checked first (SQLite, integrity_check, a PartsDesk schema not newer than this
    program) and refused with UserError, changing nothing, if it fails. Then: the current file
    is copied to ``kept-before-restore-<UTC stamp>.sqlite`` in the backup folder; the bound
    database is closed if it is this file; stale -wal/-shm are removed; the checked copy is
    renamed into place; the schema is brought up to date and the bound database reads the
    restored file. Only the calling thread's connection is closed here: if any other connection
    (another thread of the window, another program) still has the file open, the restore is
    refused with UserError, changing nothing. Call it on the thread that does database work.

    The ``backup.restore`` audit row goes into the *restored* database, after the restore: that
    is the trail the shop goes on using, so it must say when, by whom and from which file its
    data went back in time (the replaced file keeps its own trail in the kept copy). Appended
    with ``audit.record`` it chains onto the backup's last row and the chain still verifies.
    On PostgreSQL raises UserError naming the pg_restore command.
    """
    path = _sqlite_file(url, doing="restore")
    if actor is not None:
        require(actor, "backup.restore")
    file = Path(file).expanduser().resolve()
    if not file.is_file():
        raise UserError(_("There is no backup file {file}. Nothing was changed.").format(file=file))
    if file == path:
        raise UserError(_("{file} is the shop database itself, not a backup. Nothing was changed.").format(file=file))
    folder = folder or _default_folder(url)
    folder.mkdir(parents=True, exist_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.restoring")  # same folder as the target: the rename is atomic
    _stage_candidate(file, staged, progress=progress)

    bound = _bound_to(path)
    kept = None
    try:
        if bound is not None:
            bound.close()
        _refuse_if_in_use(path)
        if path.exists():
            kept = _unique(folder / f"kept-before-restore-{clock.now().strftime(STAMP_FORMAT)}.sqlite")
            _keep_current(path, kept)
        try:
            # A -wal left beside the new file would be replayed into it and corrupt it.
            for suffix in ("-wal", "-shm", "-journal"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            os.replace(staged, path)
        except OSError as error:  # Windows: a file another program holds open cannot be replaced
            raise UserError(_("Could not replace {path} ({reason}). Close every program that uses it "
                              "and restore again; the file as it was is kept as {kept}.").format(
                path=path, reason=error.strerror, kept=kept)) from error
        _fsync_folder(path.parent)
    finally:
        staged.unlink(missing_ok=True)

    with _opened(path, bound):
        migrate(database.obj, backup_dir=folder)
        with transaction():
            audit.record("backup.restore", actor=actor, object_type="backup", object_id=file.name, reason=reason,
                         new={"file": str(file), "kept": str(kept) if kept else ""})
    return kept
