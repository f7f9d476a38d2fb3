from __future__ import annotations

from peewee import AutoField, DateTimeField, ForeignKeyField, TextField

from partsdesk.models.db import BaseModel
from partsdesk.models.users import AppUser


class AuditLog(BaseModel):
    """Append-only (database triggers refuse UPDATE and DELETE) and SHA-256 chained."""

    id = AutoField()
    at = DateTimeField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id", backref="+")
    approved_by = ForeignKeyField(AppUser, null=True, column_name="approved_by_id", backref="+")
    action = TextField()
    object_type = TextField(default="")
    object_id = TextField(default="")
    reason = TextField(default="")
    old_value = TextField(default="")
    new_value = TextField(default="")
    terminal = TextField(default="")
    prev_hash = TextField()
    hash = TextField()
