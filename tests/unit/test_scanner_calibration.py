"""The scanner set-up's reading of recorded scans (partsdesk.domain.scanner_calibration).

Scans are written as a scanner delivers them: (key text, timestamp in ms) presses, the terminator
last. The sheet's codes are scanned one after the other, each its own list.
"""

from __future__ import annotations

import pytest

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.scanner_calibration import (
    LAYOUTS,
    MAX_THRESHOLD_MS,
    TEST_CODES,
    RecordedScan,
    calibrate,
    read_scan,
    safe_threshold,
)
from partsdesk.domain.scanning import DEFAULT_MAX_GAP_MS, ScanDetector

CODES = [code.content for code in TEST_CODES]


def presses(text: str, *, start_ms: int = 1_000, gaps_ms: int | list[int] = 3, end: str | None = "\r"):
    """``text`` typed ``gaps_ms`` apart (one gap for all, or a list: the gap before each next press,
    the terminator's included)."""
    keys = list(text) + ([end] if end else [])
    gaps = gaps_ms if isinstance(gaps_ms, list) else [gaps_ms] * (len(keys) - 1)
    at, out = start_ms, []
    for index, key in enumerate(keys):
        out.append((key, at))
        if index < len(gaps):
            at += gaps[index]
    return tuple(out)


def sheet(*, gap_ms: int = 3, end: str | None = "\r", typed=lambda code: code) -> list[RecordedScan]:
    """The whole sheet scanned, each code arriving as ``typed(code)``."""
    return [RecordedScan(code, presses(typed(code), start_ms=10_000 * number, gaps_ms=gap_ms, end=end))
            for number, code in enumerate(CODES, start=1)]


def test_the_sheet_covers_digits_letters_both_cases_dashes_dots_and_an_ean13():
    joined = "".join(CODES)
    assert "0123456789" in CODES and "ABCxyz" in CODES and "A-10.5" in CODES
    assert any(c.isupper() for c in joined) and any(c.islower() for c in joined)
    assert any(code.symbology == "ean13" and len(code.content) == 13 for code in TEST_CODES)
    assert [code.number for code in TEST_CODES] == list(range(1, len(TEST_CODES) + 1))


def test_a_fast_scanner_3_ms_gets_a_tight_threshold_and_no_problems():
    result = calibrate(sheet(gap_ms=3))
    assert result.ok and result.problems == ()
    assert result.slowest_gap_ms == 3
    assert result.max_gap_ms == 15  # 3 × 1.5 → 5, + 10 ms
    assert result.terminator == "enter"
    assert result.settings == {"scanner.max_gap_ms": 15, "scanner.terminator": "enter"}
    assert all(reading.ok for reading in result.readings)


def test_a_slow_scanner_20_ms_gets_a_wider_threshold_from_its_slowest_gap():
    scans = sheet(gap_ms=20)
    # one key of one scan came late (a Bluetooth hiccup): the slowest gap decides
    code = CODES[2]
    gaps = [20] * len(code)
    gaps[3] = 26
    scans[2] = RecordedScan(code, presses(code, gaps_ms=gaps))
    result = calibrate(scans)
    assert result.ok
    assert result.slowest_gap_ms == 26
    assert result.max_gap_ms == 49  # 26 × 1.5 = 39, + 10
    assert result.settings["scanner.max_gap_ms"] == 49


def test_the_threshold_reads_every_recorded_scan_as_a_scan_and_slow_typing_as_typing():
    """What the calibration saves must work in the detector: each recorded scan of a 20 ms
    scanner is a scan with the measured threshold (not with the 30 ms default, too tight for its
    slow moments), and a person typing 80 ms a key is not."""
    gaps = [20, 20, 34, 20, 20, 20, 20, 20, 20, 20]
    scan = RecordedScan("0123456789", presses("0123456789", gaps_ms=gaps))
    result = calibrate([scan])
    detector = ScanDetector(max_gap_ms=result.max_gap_ms)
    for key, at in scan.presses[:-1]:
        detector.key(key, at)
    assert detector.terminator(scan.presses[-1][1]).scan == "0123456789"

    default = ScanDetector(max_gap_ms=DEFAULT_MAX_GAP_MS)
    for key, at in scan.presses[:-1]:
        default.key(key, at)
    assert default.terminator(scan.presses[-1][1]).scan == "3456789"  # "012" typed into the box: a broken scan

    typing = presses("0123456789", gaps_ms=80)
    person = ScanDetector(max_gap_ms=result.max_gap_ms)
    for key, at in typing[:-1]:
        person.key(key, at)
    assert person.terminator(typing[-1][1]).scan is None


def test_the_terminator_gap_counts_as_well():
    gaps = [3] * 9 + [18]  # Enter comes 18 ms after the last digit
    result = calibrate([RecordedScan("0123456789", presses("0123456789", gaps_ms=gaps))])
    assert result.slowest_gap_ms == 18 and result.max_gap_ms == 37


def test_a_tab_terminator_is_found_and_saved():
    result = calibrate(sheet(end="\t"))
    assert result.terminator == "tab" and result.ok
    assert result.settings["scanner.terminator"] == "tab"
    assert all(reading.text == reading.expected for reading in result.readings)


def test_no_terminator_is_a_problem_saying_to_set_enter():
    result = calibrate(sheet(end=None))
    assert result.terminator is None
    assert [p.kind for p in result.problems] == ["no_terminator"]
    assert "send Enter after each code" in result.problems[0].message
    assert result.settings["scanner.terminator"] == "enter"  # what the scanner must be set to
    assert result.max_gap_ms == 15  # the timing is still measured


def test_mixed_terminators_are_a_problem():
    scans = sheet()
    scans[1] = RecordedScan(CODES[1], presses(CODES[1], end="\t"))
    result = calibrate(scans)
    assert result.terminator == "enter"
    assert [p.kind for p in result.problems] == ["mixed_terminators"]


def test_caps_lock_turns_the_letters_case_round():
    result = calibrate(sheet(typed=str.swapcase))
    assert [p.kind for p in result.problems] == ["caps_lock"]
    message = result.problems[0].message
    assert "Caps Lock is on" in message and "“ABCxyz” arrived as “abcXYZ”" in message
    reading = next(r for r in result.readings if r.expected == "ABCxyz")
    assert reading.text == "abcXYZ" and not reading.ok
    assert next(r for r in result.readings if r.expected == "0123456789").ok


def test_a_german_qwertz_pc_swaps_y_and_z_and_turns_the_dash_into_sharp_s():
    german = LAYOUTS["German (QWERTZ)"]
    result = calibrate(sheet(typed=lambda code: "".join(german.get(c, c) for c in code)))
    readings = {r.expected: r.text for r in result.readings}
    assert readings["ABCxyz"] == "ABCxzy" and readings["A-10.5"] == "Aß10.5"
    assert [p.kind for p in result.problems] == ["layout"]
    message = result.problems[0].message
    assert "German (QWERTZ)" in message and "“y” and “z” are swapped" in message
    assert "keyboard country to German" in message and "English (US)" in message


def test_only_the_y_z_swap_is_still_named_as_qwertz():
    scans = [RecordedScan("ABCxyz", presses("ABCxzy"))]
    result = calibrate(scans)
    assert result.problems[0].kind == "layout" and "German (QWERTZ)" in result.problems[0].message


def test_a_french_azerty_pc_turns_digits_into_symbols():
    french = LAYOUTS["French (AZERTY)"]
    result = calibrate(sheet(typed=lambda code: "".join(french.get(c, c) for c in code)))
    assert next(r for r in result.readings if r.expected == "0123456789").text == "à&é\"'(-è_ç"
    assert [p.kind for p in result.problems] == ["layout"]
    assert "French (AZERTY)" in result.problems[0].message and "digits arrive as symbols" in result.problems[0].message


def test_a_dash_arriving_as_another_character_is_named():
    result = calibrate([RecordedScan("A-10.5", presses("A'10.5"))])
    assert [p.kind for p in result.problems] == ["layout"]
    assert "“-” as “'”" in result.problems[0].message
    assert "keyboard country does not match" in result.problems[0].message


def test_caps_lock_on_a_german_pc_names_both():
    result = calibrate([RecordedScan("ABCxyz", presses("abcXZY"))])
    assert result.problems[0].kind == "layout"
    assert "German (QWERTZ)" in result.problems[0].message and "Caps Lock is on as well" in result.problems[0].message


def test_a_missing_check_digit_an_added_prefix_lost_keys_and_a_wrong_code_are_told_apart():
    result = calibrate([
        RecordedScan("4006381333931", presses("400638133393")),
        RecordedScan("0123456789", presses("]C10123456789")),
        RecordedScan("BP-1234-X", presses("BP-124-X")),
        RecordedScan("A-10.5", presses("ABCxyz")),
    ])
    kinds = [p.kind for p in result.problems]
    assert kinds == ["check_digit", "prefix_suffix", "lost_keys", "wrong_code"]
    messages = [p.message for p in result.problems]
    assert "transmit check digit" in messages[0]
    assert "“]C1” before" in messages[1]
    assert "Scan it again" in messages[2]
    assert "Code 2 of the sheet was scanned instead of code 3" in messages[3]


def test_one_message_per_kind_of_problem():
    result = calibrate(sheet(typed=str.swapcase))
    assert len([p for p in result.problems if p.kind == "caps_lock"]) == 1


def test_a_scanner_too_slow_to_tell_from_typing_is_a_problem_and_the_threshold_is_capped():
    result = calibrate(sheet(gap_ms=70))
    assert result.max_gap_ms == MAX_THRESHOLD_MS
    assert [p.kind for p in result.problems] == ["too_slow"]
    assert "up to 70 ms" in result.problems[0].message


def test_shift_and_timestamps_out_of_order_do_not_break_the_reading():
    reading = read_scan(RecordedScan("AB12", (("A", 100), ("B", 99), ("1", 104), ("2", 107), ("\r", 110))))
    assert reading.text == "AB12" and reading.terminator == "enter" and reading.longest_gap_ms == 5


def test_nothing_scanned_is_refused_with_a_message():
    with pytest.raises(ValidationError, match="Nothing was scanned yet"):
        calibrate([])
    with pytest.raises(ValidationError, match="Nothing was scanned yet"):
        calibrate([RecordedScan("0123456789", ())])


@pytest.mark.parametrize(("slowest", "threshold"), [(0, 10), (3, 15), (8, 22), (20, 40), (60, 100), (90, 100)])
def test_safe_threshold(slowest, threshold):
    assert safe_threshold(slowest) == threshold
