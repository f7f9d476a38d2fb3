"""Languages: the words of every screen, message and printed document, in English or Chinese.

One catalogue per language, ``resources/i18n/partsdesk_<language>.ts`` (Qt Linguist's format, so a
translator can work on it with Linguist), with its compiled ``.qm`` next to it. The window loads the
``.qm`` into Qt (``ui.i18n``); the layers below Qt — services' messages, printed documents, setting
labels — read the same ``.ts`` here. English is the source language: a text is looked up by its
English wording, so an untranslated text shows in English rather than not at all (the test suite
fails on any, see ``tests/test_i18n.py``).

Mark texts where they are written::

    raise UserError(_("Part {number} is not in the catalogue.").format(number=number))
    COLUMNS = (N_("Number"), N_("Name"))     # module level: translated where shown, _(COLUMNS[0])

``_`` translates now, into the language of this PC (``set_language``); ``N_`` only marks a text
for ``scripts/i18n.py`` to collect, for code that translates it later. Placeholders are
``str.format`` names, kept by the translation.

Dates and amounts are written for the language too (``format_date``, ``format_datetime``,
``format_amount``): ISO dates and ``1,234.50`` beside a heading naming the currency in English,
``2026年12月1日`` and ``¥1,234.50`` in Chinese.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime
from functools import cache
from pathlib import Path

SOURCE_LANGUAGE = "en"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}  # each named in its own language, as a switch shows it
CATALOGUE_DIR = Path(__file__).resolve().parent / "resources" / "i18n"
CONTEXT = "PartsDesk"  # one context: a text means the same on every screen

_language = SOURCE_LANGUAGE
_catalogue: dict[str, str] = {}


def catalogue_file(language: str, suffix: str = ".ts") -> Path:
    return CATALOGUE_DIR / f"partsdesk_{language}{suffix}"


@cache
def load_catalogue(language: str) -> dict[str, str]:
    """English text → translation, the finished entries of the language's ``.ts`` (none for English)."""
    path = catalogue_file(language)
    if language == SOURCE_LANGUAGE or not path.is_file():
        return {}
    entries: dict[str, str] = {}
    for message in ET.parse(path).getroot().iter("message"):
        source = message.findtext("source")
        translation = message.find("translation")
        if source is None or translation is None or translation.get("type") or not translation.text:
            continue  # unfinished, vanished or obsolete: the English text shows
        entries[source] = translation.text
    return entries


def set_language(language: str) -> None:
    """Make ``language`` the one ``_`` answers in (an unknown one falls back to English)."""
    global _language, _catalogue
    _language = language if language in LANGUAGES else SOURCE_LANGUAGE
    _catalogue = load_catalogue(_language)


def language() -> str:
    return _language


def _(text: str) -> str:
    """``text`` in this PC's language."""
    return _catalogue.get(text, text)


def N_(text: str) -> str:  # the usual gettext name: "mark, translate later"
    """Mark ``text`` for translation without translating it (module-level tables, settings)."""
    return text


def translate_to(language: str, text: str) -> str:
    """``text`` in ``language`` whatever this PC's language is."""
    return load_catalogue(language).get(text, text)


# --- dates and amounts ------------------------------------------------------------------------


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if _language == "zh_CN":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{format_date(value)} {value:%H:%M}"


CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}


def format_amount(text: str, currency: str) -> str:
    """An amount already written with its digits (``1,234.50``) as the language shows a sum of
    money on its own: in Chinese with the currency's sign (``¥1,234.50``, a minus sign first); in
    English unchanged, the currency being named once in the heading or label beside it."""
    if _language == "zh_CN" and currency in CURRENCY_SIGNS:
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        return f"{sign}{CURRENCY_SIGNS[currency]}{digits}"
    return text
