"""The translations: every marked text translated into Chinese with its placeholders, the compiled
catalogue up to date, dates and amounts written the language's way."""

from __future__ import annotations

import importlib.util
from datetime import date, datetime
from pathlib import Path

import pytest

from partsdesk import i18n
from partsdesk.domain.money import format_quantity

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def chinese():
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def test_every_marked_text_has_a_chinese_translation_with_the_same_placeholders():
    problems = _script().check("zh_CN")
    assert problems == [], f"{len(problems)} problems, run scripts/i18n.py update and translate:\n" + \
        "\n".join(problems[:60])


def test_the_collector_finds_texts_made_at_run_time(tmp_path):
    source = tmp_path / "m.py"
    source.write_text('x = _(f"Part {n}")\ny = self.tr("A " + b)\nz = N_("Fine {n}")\n'
                      'w = QCoreApplication.translate("Ctx", "Also fine")\n')
    found = list(_script().marked(source))
    assert [(text, line) for text, line, _what in found] == [(None, 1), (None, 2), ("Fine {n}", 3), ("Also fine", 4)]


def test_the_compiled_catalogue_is_the_one_the_ts_makes(tmp_path):
    fresh = _script().release("zh_CN", tmp_path / "fresh.qm")
    assert fresh.read_bytes() == i18n.catalogue_file("zh_CN", ".qm").read_bytes(), \
        "partsdesk_zh_CN.qm is stale: run scripts/i18n.py update"


def test_a_text_in_chinese_and_back(chinese):
    assert i18n._("Total") == "合计"
    assert i18n.translate_to("en", "Total") == "Total"
    assert i18n.N_("Total") == "Total"
    assert i18n._("A text nobody marked") == "A text nobody marked"  # shows in English rather than not at all
    i18n.set_language("xx")
    assert i18n.language() == "en" and i18n._("Total") == "Total"


def test_dates_and_amounts_follow_the_language(chinese):
    assert i18n.format_date(date(2026, 12, 1)) == "2026年12月1日"
    assert i18n.format_datetime(datetime(2026, 12, 1, 9, 5)) == "2026年12月1日 09:05"
    assert i18n.format_amount("1,234.50", "CNY") == "¥1,234.50"
    assert i18n.format_amount("-3.00", "USD") == "-$3.00"
    assert format_quantity(2000, "set") == "2 套" and format_quantity(4500, "L") == "4.5 L"
    i18n.set_language("en")
    assert i18n.format_date(date(2026, 12, 1)) == "2026-12-01"
    assert i18n.format_datetime(datetime(2026, 12, 1, 9, 5)) == "2026-12-01 09:05"
    assert i18n.format_amount("1,234.50", "CNY") == "1,234.50"
    assert i18n.format_date(None) == ""
    assert format_quantity(2000, "set") == "2 set" and format_quantity(2000, "pcs") == "2"
