"""The timing rules that tell a barcode scanner from a person typing, on plain values: a
character or a terminator with the key event's own timestamp in milliseconds. No Qt, no clock:
``ui.scanner`` feeds it real key events; the scanner set-up (``domain.scanner_calibration``)
calibrates it. Also what a scanning screen's entry holds: ``N*`` before a scan (``read_entry``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.money import parse_quantity

# The defaults of this PC's scanner settings (config: scanner.min_length, scanner.max_gap_ms,
# scanner.terminator), which the scanner set-up measures; ``ui.scanner`` reads the settings.
DEFAULT_MIN_LENGTH = 4
DEFAULT_MAX_GAP_MS = 30
SCANNER_TERMINATORS = ("enter", "tab")  # "tab": a scan ends with Tab or Enter


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with a key, from ``ScanDetector``.

    ``typed``: how many of the oldest held keys turned out to be typing; give them to their
    widget, in order, before this key. ``hold``: hold this key back (it may belong to a scan).
    ``scan``: the held keys and this terminator are a scan with this text; consume them.
    """

    typed: int = 0
    hold: bool = False
    scan: str | None = None


class ScanDetector:
    """The timing rules of a scan, on (text, timestamp in ms) events. No Qt, no clock.

    A scan is a run of at least ``min_length`` printable keys, each pressed within
    ``max_gap_ms`` of the previous one, ended by a terminator pressed within ``max_gap_ms`` of
    the last key. Every printable key is held until its run is decided. Timestamps come from the
    key events and must be in one clock; a timestamp earlier than the previous key ends the run.
    The caller decides when wall-clock time has run out (``flush``), since timestamps only tell
    the time when a key comes.
    """

    def __init__(self, *, min_length: int = DEFAULT_MIN_LENGTH, max_gap_ms: int = DEFAULT_MAX_GAP_MS) -> None:
        self.min_length = min_length
        self.max_gap_ms = max_gap_ms
        self._run: list[str] = []
        self._last_ms = 0

    @property
    def min_length(self) -> int:
        return self._min_length

    @min_length.setter
    def min_length(self, value: int) -> None:
        if value < 1:
            raise ValueError(f"min_length must be at least 1, not {value}")
        self._min_length = value

    @property
    def max_gap_ms(self) -> int:
        return self._max_gap_ms

    @max_gap_ms.setter
    def max_gap_ms(self, value: int) -> None:
        if value < 0:
            raise ValueError(f"max_gap_ms must not be negative, not {value}")
        self._max_gap_ms = value

    @property
    def held(self) -> str:
        """The text of the keys held back, oldest first."""
        return "".join(self._run)

    @property
    def held_count(self) -> int:
        return len(self._run)

    def _in_time(self, timestamp_ms: int) -> bool:
        return 0 <= timestamp_ms - self._last_ms <= self._max_gap_ms

    def key(self, text: str, timestamp_ms: int) -> Verdict:
        """A printable key. It is always held; a run it does not continue is typing."""
        typed = 0
        if self._run and not self._in_time(timestamp_ms):
            typed = len(self._run)
            self._run.clear()
        self._run.append(text)
        self._last_ms = timestamp_ms
        return Verdict(typed=typed, hold=True)

    def could_end_scan(self, timestamp_ms: int) -> bool:
        """Whether a terminator at this time would make the held run a scan (changes nothing)."""
        return len(self._run) >= self._min_length and self._in_time(timestamp_ms)

    def terminator(self, timestamp_ms: int) -> Verdict:
        """A terminator key: a scan, or the held run is typing and the terminator goes on."""
        if self.could_end_scan(timestamp_ms):
            code = "".join(self._run)
            self._run.clear()
            return Verdict(scan=code)
        return self.flush()

    def flush(self) -> Verdict:
        """The held run is typing: no key came in time, or a key that is never part of a scan."""
        typed = len(self._run)
        self._run.clear()
        return Verdict(typed=typed)


# --- the scan entry: ``N*`` before a scan --------------------------------------------------------

_QTY_PREFIX = re.compile(r"^\s*(\d+(?:[.,]\d{1,3})?)\s*\*\s*(\S*)\s*$")


@dataclass(frozen=True)
class EntryText:
    """What is typed in a scanning screen's entry: ``N*`` (the next scan counts N), ``N*code``
    (N of that code now), or a code typed by hand."""

    qty: int | None  # thousandths typed before ``*`` (None: no prefix, or 0)
    code: str  # the code after ``N*``, or the whole text
    prefixed: bool  # ``N*`` was typed
    waiting: bool  # only ``N*``: the quantity waits for its scan


def read_entry(text: str) -> EntryText:
    match = _QTY_PREFIX.match(text)
    if not match:
        return EntryText(None, text.strip(), False, False)
    try:
        qty = parse_quantity(match.group(1).replace(",", "."))
    except ValidationError:
        qty = 0
    return EntryText(qty or None, match.group(2), True, not match.group(2))

