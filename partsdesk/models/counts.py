"""Stock counts: sessions, their lines (one per part, location, counter and round) and the
append-only scan log. Quantities in thousandths of the part's unit."""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from partsdesk.models.catalog import Part
from partsdesk.models.db import BaseModel
from partsdesk.models.stock import Location
from partsdesk.models.users import AppUser


class CountSession(BaseModel):
    """One count (CNT number): what it covers (``scope_kind`` and its JSON ``scope``), whether the
    counters see the book quantity, and its steps. Only its status and the later steps change."""

    id = AutoField()
    number = TextField(unique=True)
    scope_kind = TextField()  # all, bins, categories, abc, parts
    scope = TextField(default="{}")  # JSON: {"bins": [...]}, {"categories": [...]}, {"classes": [...]}, {"parts": [...]}
    location = ForeignKeyField(Location, column_name="location_id", backref="+")
    blind = BooleanField(default=True)
    note = TextField(default="")
    status = TextField(default="open")  # open, finished, posted, cancelled
    started_at = DateTimeField()
    started_by = ForeignKeyField(AppUser, null=True, column_name="started_by_id", backref="+")
    finished_at = DateTimeField(null=True)
    finished_by = ForeignKeyField(AppUser, null=True, column_name="finished_by_id", backref="+")
    uncounted = TextField(default="")  # what finishing did with parts in scope nobody counted: leave, zero
    posted_at = DateTimeField(null=True)
    posted_by = ForeignKeyField(AppUser, null=True, column_name="posted_by_id", backref="+")
    cancelled_at = DateTimeField(null=True)
    cancelled_by = ForeignKeyField(AppUser, null=True, column_name="cancelled_by_id", backref="+")


class CountLine(BaseModel):
    """What one counter counted of one part at one location in one round. ``book_qty`` and
    ``book_seq`` (the part's last stock_move seq there, 0: none) are taken when the line is first
    counted and never change: posting adds ``counted − book_qty``. A recount is round + 1; the
    lines it questioned keep state ``recount``."""

    id = AutoField()
    session = ForeignKeyField(CountSession, column_name="session_id", backref="lines")
    part = ForeignKeyField(Part, column_name="part_id", backref="+")
    location = ForeignKeyField(Location, column_name="location_id", backref="+")
    counter = ForeignKeyField(AppUser, null=True, column_name="counter_id", backref="+")
    round = IntegerField(default=1)
    origin = TextField(default="scan")  # scan, uncounted_zero (finishing counted a part nobody counted as zero)
    qty = BigIntegerField()
    book_qty = BigIntegerField()
    book_seq = BigIntegerField()
    counted_at = DateTimeField()
    updated_at = DateTimeField()
    state = TextField(default="counted")  # counted, recount


class CountScan(BaseModel):
    """The scan log, append-only: each +1, quantity, typed total, unknown code, link and undo,
    with its signed ``delta`` on the line (thousandths). An undo names the row it reverses."""

    id = AutoField()
    session = ForeignKeyField(CountSession, column_name="session_id", backref="+")
    counter = ForeignKeyField(AppUser, null=True, column_name="counter_id", backref="+")
    at = DateTimeField()
    kind = TextField()  # scan, qty, set, unknown, link, undo
    code = TextField(default="")
    part = ForeignKeyField(Part, null=True, column_name="part_id", backref="+")
    line = ForeignKeyField(CountLine, null=True, column_name="line_id", backref="+")
    delta = BigIntegerField()
    undoes = ForeignKeyField("self", null=True, unique=True, column_name="undoes_id", backref="+")
