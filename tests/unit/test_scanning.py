"""What a scanning screen's entry holds: ``N*`` before a scan (domain.scanning.read_entry)."""

from __future__ import annotations

import pytest

from partsdesk.domain.scanning import EntryText, read_entry


@pytest.mark.parametrize("text, expected", [
    ("12*", EntryText(12_000, "", True, True)),
    (" 2,5 * ", EntryText(2_500, "", True, True)),
    ("3*4006381333931", EntryText(3_000, "4006381333931", True, False)),
    ("0*", EntryText(None, "", True, True)),
    ("4006381333931", EntryText(None, "4006381333931", False, False)),
    ("1.2345*", EntryText(None, "1.2345*", False, False)),  # four decimals: not a quantity
    ("", EntryText(None, "", False, False)),
])
def test_the_entry_reads_n_star_before_a_scan(text, expected):
    assert read_entry(text) == expected
