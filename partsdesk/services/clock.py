"""The time services stamp on what they write: naive UTC, one place to read it.

Tests move the clock with ``set_clock`` instead of patching ``datetime``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime


def _system_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


_now: Callable[[], datetime] = _system_now


def now() -> datetime:
    return _now()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Use ``clock`` for ``now()`` (None: the system clock again)."""
    global _now
    _now = clock or _system_now


def shop_today() -> date:
    """The shop's calendar day now: the clock's UTC time on this computer's own time zone."""
    return now().replace(tzinfo=UTC).astimezone().date()
