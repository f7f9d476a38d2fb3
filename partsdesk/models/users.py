from __future__ import annotations

from peewee import AutoField, BooleanField, DateTimeField, IntegerField, TextField

from partsdesk.models.db import BaseModel


class AppUser(BaseModel):
    id = AutoField()
    username = TextField(unique=True)
    display_name = TextField()
    role = TextField()
    pin_hash = TextField(null=True)
    password_hash = TextField(null=True)
    active = BooleanField(default=True)
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    created_at = DateTimeField()
