"""Opening the shop database: the one way the window, the command line and the bench do it."""

from __future__ import annotations

from pathlib import Path

from peewee import Database

from partsdesk.config import Paths
from partsdesk.models import open_database
from partsdesk.models.db import is_postgres_url
from partsdesk.models.migrations import migrate


def resolve_url(url: str | None, paths: Paths) -> str:
    """The database the user meant: ``--db`` as given, or the shop file in the data folder."""
    if url:
        return url if is_postgres_url(url) else str(Path(url).expanduser().resolve())
    return str(paths.default_database)


def backup_dir_for(url: str) -> Path | None:
    """Where backups of a SQLite shop file go (beside it); None for PostgreSQL."""
    if is_postgres_url(url):
        return None
    path = Path(url)
    return path.parent / f"{path.stem}-backups"


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
        _, _, backup = migrate(db, backup_dir=folder)
        ensure_defaults()  # a new (or newly upgraded) shop's first bay and labour class
    return db, backup
