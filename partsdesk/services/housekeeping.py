"""The shop's daily upkeep: points past their expiry date expire, the customers' A/B/C classes
and the parts' ABC classes (``services.abc``) are computed afresh from the last 12 months, and
service reminders coming due get their call on the care lists (``services.reminders``).

It runs once per shop day, started by whichever terminal's window is open first that day (and
checked again every hour, so a window left open over midnight runs it too). The day is claimed
in the database before the work starts, so two terminals never both run it; a run that fails
half-way is finished by the next day's run (expiry and classes both work from the ledgers, so
running late loses nothing).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date

from partsdesk.models import Setting, transaction
from partsdesk.services import abc, accounts, membership, reminders

log = logging.getLogger(__name__)

LAST_RUN_KEY = "housekeeping.last_daily"  # internal bookkeeping, not a user setting


@dataclass(frozen=True)
class DailyRun:
    day: date
    points_expired: int
    customers_expired: int
    classes_refreshed: int
    parts_reclassed: int = 0  # parts whose ABC class changed
    reminder_calls: int = 0  # service reminders put on the care lists


def _claim(day: date) -> bool:
    """Record ``day`` as run; False when a terminal already ran it (or a later day)."""
    with transaction():
        row = Setting.select(Setting.value).where(Setting.key == LAST_RUN_KEY).tuples().first()
        if row is not None and json.loads(row[0]) >= day.isoformat():
            return False
        value = json.dumps(day.isoformat())
        Setting.insert(key=LAST_RUN_KEY, value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}).execute()
    return True


def daily(*, today: date) -> DailyRun | None:
    """Run the day's upkeep unless it ran today already; returns what it did (None: nothing)."""
    if not _claim(today):
        return None
    expired = membership.expire_points(as_of=today)
    refreshed = accounts.refresh_classes(as_of=today)
    parts = abc.refresh_classes(as_of=today)
    calls = reminders.refresh_care_tasks(as_of=today)
    log.info("daily upkeep %s: %s points of %s customers expired, %s classes refreshed, %s parts changed ABC class, "
             "%s service reminder calls", today, expired.points, expired.customers, refreshed, parts.changed,
             calls.scheduled)
    return DailyRun(today, expired.points, expired.customers, refreshed, parts.changed, calls.scheduled)
