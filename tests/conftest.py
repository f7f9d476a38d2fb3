"""Test fixtures: a real database for every test, on SQLite or on PostgreSQL.

The suite runs once per engine: with ``PARTSDESK_TEST_PG`` set to a PostgreSQL URL every
``db`` fixture gets a fresh schema on that server, otherwise a fresh SQLite file. The schema
is always built by running the real migrations.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from partsdesk.domain import credentials
from partsdesk.domain.permissions import SYSTEM, Actor
from partsdesk.models import database, open_database
from partsdesk.models.migrations import migrate
from partsdesk.services import clock

# A cheaper scrypt for the suite's many log-ins; stored hashes carry their own cost, so the
# code path is the same as in the shop.
credentials._N = 2**10

PG_URL = os.environ.get("PARTSDESK_TEST_PG")
BACKEND = "postgresql" if PG_URL else "sqlite"


def reset_pg_schema(url: str) -> None:
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    conn.close()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """URL of an empty database (not yet migrated)."""
    if PG_URL:
        if database.obj is not None:
            database.obj.close()
        reset_pg_schema(PG_URL)
        return PG_URL
    return str(tmp_path / "shop.sqlite")


@pytest.fixture
def db(db_url: str, tmp_path: Path):
    """A migrated, empty shop database bound to the models."""
    handle = open_database(db_url)
    migrate(handle, backup_dir=tmp_path / "backups")
    yield handle
    handle.close()
    clock.set_clock(None)


@pytest.fixture
def admin(db) -> Actor:
    from partsdesk.services import users

    users.add_user(SYSTEM, username="ada", display_name="Ada Admin", role="admin", pin="2580",
                   password="admin-pass-1")
    return users.log_in("ada", "admin-pass-1")


@pytest.fixture
def staff(db, admin) -> dict[str, Actor]:
    """One user per role, PIN 1357 for all (managers' password: manager-pass-1)."""
    from partsdesk.services import users

    made: dict[str, Actor] = {"admin": admin}
    for role in ("cashier", "storekeeper", "service_advisor", "technician", "manager"):
        password = "manager-pass-1" if role == "manager" else None
        users.add_user(admin, username=role, display_name=role.replace("_", " ").title(), role=role, pin="1357",
                       password=password)
        made[role] = users.switch_user(role, "1357")
    return made
