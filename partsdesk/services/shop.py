"""Opening the shop database: the one way the window, the command line and the bench do it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from peewee import Database

from partsdesk.config import Paths
from partsdesk.i18n import _
from partsdesk.models import open_database
from partsdesk.models.db import is_postgres_url, network_filesystem
from partsdesk.models.migrations import latest_version, migrate
from partsdesk.services import settings


def resolve_url(url: str | None, paths: Paths) -> str:
    """The database the user meant: ``--db`` as given, else this PC's ``database.url`` setting,
    else the shop file in the data folder."""
    url = url or settings.terminal("database.url", paths.settings_file)
    if url:
        return url if is_postgres_url(url) else str(Path(url).expanduser().resolve())
    return str(paths.default_database)


def backup_dir_for(url: str, settings_file: Path | None = None) -> Path | None:
    """Where backups of a SQLite shop file go: this PC's ``backup.folder`` setting, else the
    folder beside the file; None for PostgreSQL."""
    if is_postgres_url(url):
        return None
    chosen = settings.terminal("backup.folder", settings_file)
    if chosen:
        return Path(chosen).expanduser()
    path = Path(url)
    return path.parent / f"{path.stem}-backups"


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str


def check_connection(url: str, *, timeout_s: int = 5) -> ConnectionCheck:
    """Can this PC open the shop database at ``url``? Connects on its own (the shop's open
    database is left alone), reads the schema version, writes nothing and creates no file.
    Never raises: the answer says what went wrong in words for the settings screen."""
    url = url.strip()
    try:
        if is_postgres_url(url):
            import psycopg2

            parts = urlparse(url)
            conn = psycopg2.connect(dbname=unquote((parts.path or "/").lstrip("/")) or "partsdesk",
                                    user=unquote(parts.username) if parts.username else None,
                                    password=unquote(parts.password) if parts.password else None,
                                    host=parts.hostname or None, port=parts.port or None, connect_timeout=timeout_s)
            try:
                conn.set_session(readonly=True)
                with conn.cursor() as cur:
                    cur.execute("SELECT to_regclass('schema_version') IS NOT NULL")
                    has_schema = bool(cur.fetchone()[0])
                    version = None
                    if has_schema:
                        cur.execute("SELECT MAX(version) FROM schema_version")
                        version = cur.fetchone()[0]
            finally:
                conn.close()
            where = _("the PostgreSQL database {name} on {host}").format(name=parts.path.lstrip("/"),
                                                                          host=parts.hostname or "localhost")
        else:
            path = Path(url).expanduser()
            if not url or not path.is_file():
                return ConnectionCheck(False, _("There is no database file at {url}. PartsDesk creates "
                                                "one there at the next start if the folder can be written.").format(
                                                    url=url or _("(empty)")))
            share = network_filesystem(path)
            if share:
                return ConnectionCheck(False, _("{path} is on a network share ({share}); SQLite corrupts files "
                                                "shared over a network. Use PostgreSQL for several terminals.").format(
                                                    path=path, share=share))
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout_s)
            try:
                has_schema = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                          "name = 'schema_version'").fetchone() is not None
                version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] if has_schema else None
            finally:
                conn.close()
            where = _("the SQLite file {path}").format(path=path)
    except Exception as error:  # every driver error becomes the answer, in words
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return ConnectionCheck(False, _("Could not open the database: {error}").format(error=first))
    if version is None:
        return ConnectionCheck(True, _("Connected to {where}. It holds no shop yet: PartsDesk sets it up at the "
                                       "next start.").format(where=where))
    if int(version) > latest_version():
        return ConnectionCheck(False, _("Connected to {where}, but its shop was made by a newer PartsDesk "
                                        "(schema {version}). Update PartsDesk on this PC first.").format(
                                            where=where, version=version))
    return ConnectionCheck(True, _("Connected to {where}: a PartsDesk shop (schema {version}).").format(
        where=where, version=version))


def open_shop(url: str, *, upgrade: bool = True) -> tuple[Database, Path | None]:
    """Open the database and bring its schema up to date (backing the file up first), then
    give a shop without any its first workshop bay and labour class.

    Returns the database and the pre-migration backup file, if one was made.
    """
    db = open_database(url)
    backup = None
    if upgrade:
        from partsdesk.services.workshop_setup import ensure_defaults

        folder = backup_dir_for(url) or Path(".")
        _from, _to, backup = migrate(db, backup_dir=folder)
        ensure_defaults()  # a new (or newly upgraded) shop's first bay and labour class
    return db, backup
