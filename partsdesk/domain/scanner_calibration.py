"""The scanner set-up, on plain values: what a keyboard-wedge scanner typed for the codes of the
test sheet, turned into this PC's scanner settings and the problems to fix first.

A scanner in keyboard mode types each code as key presses a few ms apart, then a terminator
(Enter, or Tab if so set up, or nothing). ``calibrate`` takes the scans as they arrived — each
a list of (key text, timestamp in ms) presses, Shift and other keys without text left out — with
the code the sheet printed, and finds:

* the scanner's timing: the longest gap between two presses of one scan (the terminator
  included, since ``ScanDetector`` needs it in time too) and the threshold to save:
  gap × 1.5 + 10 ms, so a slower moment of the same scanner is still a scan while a person
  typing (80 ms and more between keys) is not;
* the terminator it sends;
* what it types wrong, each with what to change on the scanner or the PC: a keyboard-layout
  mismatch (the scanner types for a US keyboard on a German QWERTZ or French AZERTY PC, or any
  other character that arrives as another), Caps Lock turning the letters' case round, a
  missing EAN check digit, an added prefix or suffix, lost keys, the wrong code scanned.

No Qt, no clock, no files: ``ui.scanner_setup`` records real key events and saves the settings;
``printing.scanner_test_sheet`` prints ``TEST_CODES``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.scanning import SCANNER_TERMINATORS
from partsdesk.i18n import N_, _

CODE128 = "code128"
EAN13 = "ean13"
TIMING_FACTOR = 1.5  # room above the slowest gap measured
TIMING_FLOOR_MS = 10  # added to it: timestamps have 1 ms steps and a busy PC delays some keys
MAX_THRESHOLD_MS = 100  # above this, quick typing (60-100 ms a key) would pass for a scan
TERMINATOR_TEXT = {"\r": "enter", "\n": "enter", "\t": "tab"}

KeyPress = tuple[str, int]  # (the key's text, its timestamp in ms)


@dataclass(frozen=True)
class SheetCode:
    """One barcode of the test sheet: ``number`` of ``len(TEST_CODES)``, what it holds, what it
    tests (printed beside it)."""

    number: int
    content: str
    symbology: str  # CODE128 or EAN13
    what: str


TEST_CODES: tuple[SheetCode, ...] = (
    SheetCode(1, "0123456789", CODE128, N_("Digits")),
    SheetCode(2, "ABCxyz", CODE128, N_("Capital and small letters")),
    SheetCode(3, "A-10.5", CODE128, N_("Dash and dot")),
    SheetCode(4, "4006381333931", EAN13, N_("EAN-13, as on a part's box")),
    SheetCode(5, "BP-1234-X", CODE128, N_("A part number")),
    SheetCode(6, "QWERTZ-azerty.9", CODE128, N_("Keyboard layout")),
)

# What a scanner that types for a US keyboard produces on a PC with another layout: the character
# meant -> the character that arrives (the others arrive as meant).
_SWAP_YZ = {"y": "z", "z": "y", "Y": "Z", "Z": "Y"}
LAYOUTS: dict[str, dict[str, str]] = {
    N_("German (QWERTZ)"): {**_SWAP_YZ, "-": "ß", "_": "?", "/": "-", "?": "_", ";": "ö", ":": "Ö"},
    N_("French (AZERTY)"): {
        "1": "&", "2": "é", "3": '"', "4": "'", "5": "(", "6": "-", "7": "è", "8": "_", "9": "ç", "0": "à",
        "a": "q", "q": "a", "A": "Q", "Q": "A", "z": "w", "w": "z", "Z": "W", "W": "Z", "m": ",", "M": "?",
        "-": ")", "_": "°", ".": ":", ",": ";", ";": "m", ":": "M", "/": "!",
    },
}
_LAYOUT_HINTS = {
    "German (QWERTZ)": N_("“y” and “z” are swapped"),
    "French (AZERTY)": N_("digits arrive as symbols and “a”/“q”, “z”/“w” are swapped"),
}
# the keyboard country a scanner is set to for each layout
_LAYOUT_COUNTRIES = {"German (QWERTZ)": N_("German"), "French (AZERTY)": N_("French")}


@dataclass(frozen=True)
class RecordedScan:
    """One code of the sheet scanned: ``expected`` (its content) and the presses that came."""

    expected: str
    presses: tuple[KeyPress, ...]


@dataclass(frozen=True)
class ScanReading:
    """One scan read back: the text that arrived (terminator taken off), the terminator
    ("enter", "tab" or None), the longest gap between its presses (None for a single press)."""

    expected: str
    text: str
    terminator: str | None
    longest_gap_ms: int | None

    @property
    def ok(self) -> bool:
        return self.text == self.expected


@dataclass(frozen=True)
class Problem:
    """Something to fix before the scanner can be used: ``kind`` (stable, for tests and the
    screen) and ``message`` (what is wrong and what to change, on the scanner or the PC)."""

    kind: str
    message: str


@dataclass(frozen=True)
class Calibration:
    """What the scans showed. ``max_gap_ms`` and ``terminator`` are what to save
    (``settings``); ``slowest_gap_ms`` is what was measured."""

    readings: tuple[ScanReading, ...]
    slowest_gap_ms: int
    max_gap_ms: int
    terminator: str | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def settings(self) -> dict[str, object]:
        """This PC's scanner settings (config ``scanner.*``) from the scans. A scanner that sends
        no terminator must be set to send Enter: Enter is saved."""
        terminator = self.terminator if self.terminator in SCANNER_TERMINATORS else "enter"
        return {"scanner.max_gap_ms": self.max_gap_ms, "scanner.terminator": terminator}


def read_scan(scan: RecordedScan) -> ScanReading:
    """The text, terminator and timing of one scan."""
    presses = list(scan.presses)
    terminator = None
    while presses and presses[-1][0] in TERMINATOR_TEXT:
        terminator = TERMINATOR_TEXT[presses.pop()[0]]  # the first of the trailing terminators wins
    text = "".join(key for key, _at in presses)
    times = [at for _key, at in scan.presses[:len(presses) + (1 if terminator else 0)]]
    gaps = [max(0, later - earlier) for earlier, later in zip(times, times[1:], strict=False)]
    return ScanReading(scan.expected, text, terminator, max(gaps) if gaps else None)


def safe_threshold(slowest_gap_ms: int) -> int:
    """The ``scanner.max_gap_ms`` for a scanner whose slowest gap was ``slowest_gap_ms``."""
    return min(MAX_THRESHOLD_MS, math.ceil(slowest_gap_ms * TIMING_FACTOR) + TIMING_FLOOR_MS)


def calibrate(scans: Sequence[RecordedScan]) -> Calibration:
    """The scanner's settings and problems from ``scans`` of the test sheet. ValidationError when
    nothing was scanned (no key arrived)."""
    readings = tuple(read_scan(scan) for scan in scans if scan.presses)
    if not readings:
        raise ValidationError({"scans": _("Nothing was scanned yet: scan the codes of the test sheet, one after "
                                          "the other, when asked.")})
    gaps = [reading.longest_gap_ms for reading in readings if reading.longest_gap_ms is not None]
    slowest = max(gaps, default=0)
    problems: list[Problem] = []
    if math.ceil(slowest * TIMING_FACTOR) + TIMING_FLOOR_MS > MAX_THRESHOLD_MS:
        problems.append(Problem("too_slow", _(
            "The scanner types slowly (up to {slowest} ms between keys): PartsDesk could not tell its codes from "
            "quick typing. Set the scanner's keyboard speed faster (its “inter-character delay” to none) with the "
            "code in its manual, or connect it by USB cable rather than Bluetooth, then run this set-up again."
        ).format(slowest=slowest)))
    terminator = _terminator(readings, problems)
    seen: set[str] = set()
    for reading in readings:
        if reading.ok:
            continue
        problem = diagnose(reading)
        if problem.kind not in seen:  # one message per kind, with the first scan that shows it
            seen.add(problem.kind)
            problems.append(problem)
    return Calibration(readings, slowest, safe_threshold(slowest), terminator, tuple(problems))


def _terminator(readings: Sequence[ScanReading], problems: list[Problem]) -> str | None:
    sent = Counter(reading.terminator for reading in readings)
    if set(sent) == {None}:
        problems.append(Problem("no_terminator", _(
            "The scanner sends no key after a code, so PartsDesk cannot tell a scan from typing. Set it to send "
            "Enter after each code (the “Enter” or “CR suffix” code in its manual), then run this set-up again.")))
        return None
    if len(sent) > 1:
        problems.append(Problem("mixed_terminators", _(
            "The scanner ended some codes with Enter, others with Tab or nothing. Set it to send Enter after "
            "every code (the “Enter” or “CR suffix” code in its manual), then run this set-up again.")))
        sent.pop(None, None)
    return sent.most_common(1)[0][0]


def _quoted(text: str) -> str:
    return f"“{text}”"


def _translate(text: str, layout: dict[str, str]) -> str:
    return "".join(layout.get(char, char) for char in text)


def diagnose(reading: ScanReading) -> Problem:
    """Why ``reading.text`` is not ``reading.expected``, and what to change."""
    expected, got = reading.expected, reading.text
    arrived = _("{expected} arrived as {got}").format(expected=_quoted(expected), got=_quoted(got))
    if got and got == expected.swapcase():
        return _caps_lock(arrived)
    for name, layout in LAYOUTS.items():
        typed = _translate(expected, layout)
        if got in (typed, typed.swapcase()) and typed != expected:
            message = _(
                "The scanner types for a US keyboard but this PC's keyboard layout is {layout}: "
                "{hint} ({arrived}). Set the scanner's keyboard country to {country} with "
                "the code in its manual, or switch this PC's keyboard layout to English (US)."
            ).format(layout=_(name), hint=_(_LAYOUT_HINTS[name]), arrived=arrived,
                     country=_(_LAYOUT_COUNTRIES[name]) if name in _LAYOUT_COUNTRIES else name.split()[0])
            if got != typed:
                message = _("{message} Caps Lock is on as well: turn it off.").format(message=message)
            return Problem("layout", message)
    others = [code for code in TEST_CODES if code.content == got and code.content != expected]
    if others:
        number = next((code.number for code in TEST_CODES if code.content == expected), None)
        which = _("code {number}").format(number=number) if number else _quoted(expected)
        return Problem("wrong_code", _(
            "Code {number} of the sheet was scanned instead of {expected}: cover the other codes with a hand "
            "or a sheet of paper and scan that one again.").format(number=others[0].number, expected=which))
    if expected.isdigit() and got == expected[:-1]:
        return Problem("check_digit", _(
            "The code {expected} arrived without its check digit (as {got}): turn on “transmit "
            "check digit” for EAN/UPC codes with the code in the scanner's manual.").format(
            expected=_quoted(expected), got=_quoted(got)))
    if got and expected in got:
        before, _middle, after = got.partition(expected)
        added = _(" and ").join(part for part in (
            _("{text} before").format(text=_quoted(before)) if before else "",
            _("{text} after").format(text=_quoted(after)) if after else "") if part)
        return Problem("prefix_suffix", _(
            "The scanner adds {added} each code ({arrived}): turn off its prefix, suffix or “AIM code ID” with the "
            "code in its manual (keep only Enter after the code).").format(added=added, arrived=arrived))
    if len(got) == len(expected):
        if got.swapcase() == expected.swapcase():  # only some letters' case is wrong
            return _caps_lock(arrived)
        wrong = sorted({(want, came) for want, came in zip(expected, got, strict=True) if want != came})
        pairs = ", ".join(_("{wanted} as {came}").format(wanted=_quoted(want), came=_quoted(came))
                          for want, came in wrong[:4])
        return Problem("layout", _(
            "Some characters arrive as others ({pairs}; {arrived}): the scanner's keyboard country does not match "
            "this PC's keyboard layout. Set the scanner's keyboard country to this PC's layout with the code in its "
            "manual, or switch this PC's keyboard layout to English (US).").format(pairs=pairs, arrived=arrived))
    return Problem("lost_keys", _(
        "{arrived}: keys were lost or added on the way. Scan it again; if it happens again, set the scanner's "
        "keyboard speed slower (an “inter-character delay” of a few ms) with the code in its manual.").format(
        arrived=arrived))


def _caps_lock(arrived: str) -> Problem:
    return Problem("caps_lock", _(
        "Letters arrive with their case turned round ({arrived}): Caps Lock is on on this PC. Turn Caps Lock off; "
        "or, if it must stay on, set the scanner to ignore Caps Lock (“Caps Lock auto” in its manual).").format(
        arrived=arrived))
