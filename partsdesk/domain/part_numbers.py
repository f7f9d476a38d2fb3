"""Part numbers as the shop types them, and the one form they are matched in."""

from __future__ import annotations

import unicodedata

from partsdesk.i18n import N_

NUMBER_KINDS: tuple[str, ...] = ("own", "oe", "interchange", "superseded")
NUMBER_KIND_LABELS = {
    "own": N_("Part number"),
    "oe": N_("OE number"),
    "interchange": N_("Interchange"),
    "superseded": N_("Superseded number"),
}
NUMBER_MAX = 40


def normalize_number(text: str) -> str:
    """Upper-case and keep letters and digits only: "0 986-494.104/a" -> "0986494104A".

    Makers print the same number with spaces, dashes, dots or slashes; the shop must find it
    however it was typed, also in full-width characters from a Chinese input method (NFKC).
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return "".join(filter(str.isalnum, text.upper()))
