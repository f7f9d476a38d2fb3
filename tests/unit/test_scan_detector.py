"""The timing rules of a scan (partsdesk.ui.scanner.ScanDetector), on plain (text, ms) events."""

from __future__ import annotations

import pytest

from partsdesk.domain.scanning import ScanDetector, Verdict

EAN = "4006381333931"


def feed(detector: ScanDetector, text: str, *, start_ms: int, gap_ms: int) -> tuple[list[Verdict], int]:
    """Keys of ``text`` ``gap_ms`` apart from ``start_ms``; the verdicts and the last key's time."""
    verdicts = []
    at = start_ms
    for index, char in enumerate(text):
        at = start_ms + index * gap_ms
        verdicts.append(detector.key(char, at))
    return verdicts, at


def test_a_fast_run_ended_by_a_terminator_is_a_scan():
    detector = ScanDetector()
    verdicts, last = feed(detector, EAN, start_ms=10_000, gap_ms=8)
    assert all(v == Verdict(hold=True) for v in verdicts)  # every key held, nothing typed yet
    assert detector.held == EAN
    assert detector.terminator(last + 8) == Verdict(scan=EAN)
    assert detector.held == ""


def test_typing_is_released_key_by_key():
    detector = ScanDetector()
    verdicts, last = feed(detector, "brake", start_ms=0, gap_ms=180)
    assert verdicts[0] == Verdict(hold=True)
    assert [v.typed for v in verdicts[1:]] == [1, 1, 1, 1]  # each key frees the one before
    assert detector.terminator(last + 150) == Verdict(typed=1)  # the last key, then Enter goes on


def test_a_slow_typist_who_types_fast_once_is_still_typing():
    detector = ScanDetector()
    assert detector.key("w", 0) == Verdict(hold=True)
    assert detector.key("i", 200) == Verdict(typed=1, hold=True)
    assert detector.key("p", 215) == Verdict(hold=True)  # a fast pair...
    assert detector.key("e", 228) == Verdict(hold=True)  # ...and a third key, still < min_length
    assert detector.key("r", 400) == Verdict(typed=3, hold=True)  # the gap ends it: typing
    assert detector.terminator(650) == Verdict(typed=1)


def test_a_fast_pair_then_enter_is_typing():
    detector = ScanDetector()
    detector.key("1", 0)
    detector.key("2", 10)
    detector.key("3", 20)
    assert not detector.could_end_scan(25)
    assert detector.terminator(25) == Verdict(typed=3)


@pytest.mark.parametrize(("length", "is_scan"), [(3, False), (4, True), (5, True)])
def test_min_length(length, is_scan):
    detector = ScanDetector(min_length=4)
    _, last = feed(detector, "12345"[:length], start_ms=0, gap_ms=5)
    verdict = detector.terminator(last + 5)
    assert verdict == (Verdict(scan="12345"[:length]) if is_scan else Verdict(typed=length))


def test_the_terminator_must_come_in_time():
    detector = ScanDetector(max_gap_ms=30)
    _, last = feed(detector, EAN, start_ms=0, gap_ms=8)
    assert detector.could_end_scan(last + 30)
    assert detector.terminator(last + 31) == Verdict(typed=len(EAN))


def test_max_gap_is_settable():
    slow_scanner = ScanDetector(max_gap_ms=30)
    _, last = feed(slow_scanner, EAN, start_ms=0, gap_ms=40)
    assert slow_scanner.terminator(last + 40).scan is None

    calibrated = ScanDetector(max_gap_ms=30)
    calibrated.max_gap_ms = 50
    _, last = feed(calibrated, EAN, start_ms=0, gap_ms=40)
    assert calibrated.terminator(last + 40) == Verdict(scan=EAN)


def test_two_scans_back_to_back_are_two_scans():
    detector = ScanDetector()
    _, last = feed(detector, EAN, start_ms=0, gap_ms=8)
    assert detector.terminator(last + 8) == Verdict(scan=EAN)
    second = "5901234123457"
    verdicts, last = feed(detector, second, start_ms=last + 16, gap_ms=8)
    assert all(v == Verdict(hold=True) for v in verdicts)  # nothing of the first scan left over
    assert detector.terminator(last + 8) == Verdict(scan=second)


def test_a_timeout_flushes_the_held_run_as_typing():
    detector = ScanDetector()
    _, last = feed(detector, "0986", start_ms=0, gap_ms=8)  # fast enough, but no terminator comes
    assert detector.flush() == Verdict(typed=4)
    assert detector.held == ""
    assert detector.terminator(last + 8) == Verdict(typed=0)  # the late Enter is just Enter
    assert detector.flush() == Verdict(typed=0)


def test_a_late_burst_keeps_its_own_timing():
    """Events handled late, all at once, are judged by their timestamps, not by arrival."""
    detector = ScanDetector()
    scans = []
    at = 0
    for code in ("4006381333931", "5901234123457", "0012345678905"):
        for char in code:
            detector.key(char, at)
            at += 8
        scans.append(detector.terminator(at).scan)
        at += 8
    assert scans == ["4006381333931", "5901234123457", "0012345678905"]


def test_a_clock_going_backwards_ends_the_run():
    detector = ScanDetector()
    feed(detector, "1234", start_ms=1000, gap_ms=5)
    assert detector.key("5", 900) == Verdict(typed=4, hold=True)


def test_settings_are_checked():
    with pytest.raises(ValueError):
        ScanDetector(min_length=0)
    with pytest.raises(ValueError):
        ScanDetector(max_gap_ms=-1)
