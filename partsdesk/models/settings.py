from __future__ import annotations

from peewee import TextField

from partsdesk.models.db import BaseModel


class Setting(BaseModel):
    """A shop-wide setting (JSON value), shared by every terminal on the database."""

    key = TextField(primary_key=True)
    value = TextField()
