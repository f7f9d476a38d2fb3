"""Reading the search box: what a text asks for, and that no text becomes query syntax."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partsdesk.domain.search import (
    FitmentDoc,
    VehicleName,
    VehicleVocabulary,
    document_words,
    fts5_match,
    parse_query,
    search_document,
    tokenize,
    tsquery_text,
)

VOCABULARY = VehicleVocabulary([
    VehicleName(1, "Volkswagen", "大众", "Golf", "高尔夫"),
    VehicleName(2, "Volkswagen", "大众", "Lavida", "朗逸"),
    VehicleName(3, "Toyota", "丰田", "Land Cruiser", "陆地巡洋舰"),
    VehicleName(4, "BMW", "宝马", "3 Series", "3系"),
])


def _tokens_char_by_char(text: str) -> list[tuple[str, bool, int]]:
    """The tokenizer's rule spelled out one character at a time (the fast one uses regexes)."""
    import unicodedata

    def cjk(ch: str) -> bool:
        code = ord(ch)
        return any(low <= code <= high for low, high in (
            (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
            (0x20000, 0x3FFFF)))

    decomposed = unicodedata.normalize("NFKD", text)
    folded = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))).casefold()
    tokens: list[tuple[str, bool, int]] = []
    word, run, previous = "", 0, ""  # previous: "cjk", "word" or "" (a separator)
    for ch in folded:
        kind = "cjk" if cjk(ch) else "word" if ch.isalnum() else ""
        if kind != previous or kind == "":
            if word:
                tokens.append((word, False, run))
                word = ""
            run += 1
        if kind == "cjk":
            tokens.append((ch, True, run))
        elif kind == "word":
            word += ch
        previous = kind
    if word:
        tokens.append((word, False, run))
    return tokens


def _grouped(tokens: list[tuple[str, bool, int]]) -> list[list[tuple[str, bool]]]:
    groups: dict[int, list[tuple[str, bool]]] = {}
    for text, cjk, run in tokens:
        groups.setdefault(run, []).append((text, cjk))
    return list(groups.values())


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZé9_ -./Ａ１ßǅ²刹车片朗逸ーカ한\u00a0\u0301\U00020001\t"), max_size=30)
       | st.text(max_size=30))
def test_tokens_are_letter_digit_words_and_single_cjk_characters_grouped_by_run(text):
    expected = _tokens_char_by_char(text)
    got = tokenize(text)
    assert [(t.text, t.cjk) for t in got] == [(t, c) for t, c, _ in expected]
    assert _grouped([(t.text, t.cjk, t.run) for t in got]) == _grouped(expected)
    words = []  # a field's document words: its tokens, each CJK run followed by its pairs
    for group in _grouped(expected):
        words += [text for text, _ in group]
        if group[0][1] and len(group) > 1:
            words += [group[i][0] + group[i + 1][0] for i in range(len(group) - 1)]
    assert document_words(text) == words


def test_tokens_fold_case_width_and_accents():
    assert [(t.text, t.cjk) for t in tokenize("Émile ＢＯＳＣＨ-0986/刹车片 Straße")] == [
        ("emile", False), ("bosch", False), ("0986", False), ("刹", True), ("车", True), ("片", True),
        ("strasse", False)]
    runs = [t.run for t in tokenize("ab 刹车 片")]
    assert runs[1] == runs[2] != runs[3]


def test_document_holds_folded_words_single_cjk_characters_and_vehicle_years():
    document = search_document(
        number="0 986-494.104/a", name_en="Brake PAD set, Émile", name_zh="前刹车片", brand="Bosch", brand_zh="博世",
        category_names=["Brake pads", "刹车片"], fitments=[FitmentDoc(7, "VW", "", "Golf", "", 2014, 2016)],
        current_year=2025)
    words = document.split()
    assert words[0] == "pn0986494104a"
    assert {"brake", "pad", "set", "emile", "bosch", "前", "刹", "车", "片", "博", "世"} <= set(words)
    assert "前 刹 车 片 前刹 刹车 车片" in document  # characters, then neighbouring pairs
    assert [w for w in words if w.startswith("vm")] == ["vm7", "vm7y2014", "vm7y2015", "vm7y2016"]


def test_an_open_ended_fitment_reaches_next_year():
    document = search_document(number="1", name_en="", name_zh="", brand="", brand_zh="", category_names=[],
                               fitments=[FitmentDoc(3, "", "", "", "", 2023, None)], current_year=2025)
    assert document.split()[-1] == "vm3y2026"


@pytest.mark.parametrize("text, model_ids, year, words, phrases", [
    ("golf 2015 brake pad", (1,), 2015, ("brake", "pad"), ()),
    ("Brake pad GOLF", (1,), None, ("brake", "pad"), ()),
    ("朗逸 刹车片", (2,), None, (), ("刹车片",)),
    ("朗逸刹车片", (2,), None, (), ("刹车片",)),
    ("大众朗逸2015款刹车片", (2,), 2015, (), ("刹车片",)),
    ("volkswagen pad", (1, 2), None, ("pad",), ()),
    ("volkswagen golf pad", (1,), None, ("pad",), ()),
    ("land cruiser 2010 filter", (3,), 2010, ("filter",), ()),
    ("land rover filter", (), None, ("land", "rover", "filter"), ()),
    ("bmw 3 series 2019 oil filter", (4,), 2019, ("oil", "filter"), ()),
    ("2015 brake pad", (), None, ("2015", "brake", "pad"), ()),
    ("golfball", (), None, ("golfball",), ()),
])
def test_vehicle_year_words_and_chinese_phrases(text, model_ids, year, words, phrases):
    query = parse_query(text, vocabulary=VOCABULARY)
    assert (query.model_ids, query.year, query.words, query.phrases) == (model_ids, year, words, phrases)


def test_without_a_vocabulary_vehicle_names_are_plain_words():
    query = parse_query("golf 2015 brake", vocabulary=None)
    assert query.words == ("golf", "2015", "brake") and not query.model_ids


@pytest.mark.parametrize("text, barcode, number, fragment", [
    ("036000291452", "0036000291452", "036000291452", True),  # UPC-A becomes its EAN-13 form
    ("0 986-494.104/a", None, "0986494104A", True),
    ("WK 842/23", None, "WK84223", True),
    ("brake pad", None, "BRAKEPAD", False),
    ("ab", "AB", "AB", False),
    ("刹车片", None, "", False),
    ("x" * 100, None, "", False),
])
def test_barcode_and_number_candidates(text, barcode, number, fragment):
    query = parse_query(text)
    assert (query.barcode, query.number, query.fragment) == (barcode, number, fragment)


HOSTILE = ['"', "*", "OR", "AND NOT", "(", "a:b", "^x", "'; DROP TABLE part; --", "\x00\x07", "-brake",
           "NEAR(a b)", "x" * 10_000, '""""', "a AND (b OR", "col:term", "{a b}: c", "+", "\\'", "\u202e"]


@pytest.fixture(scope="module")
def fts():
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2', "
                       "prefix='2 3')")
    connection.executemany("INSERT INTO t(x) VALUES (?)", [
        (search_document(number="NEAR-AB", name_en='Seal "OR" kit (a:b) ^x', name_zh="密封", brand="Elring",
                         brand_zh="", category_names=[], fitments=[], current_year=2025),),
        (search_document(number="1", name_en="Brake pad", name_zh="刹车片", brand="", brand_zh="",
                         category_names=[], fitments=[FitmentDoc(1, "", "", "", "", 2014, 2016)],
                         current_year=2025),),
    ])
    yield connection
    connection.close()


def run(fts, text: str) -> list[int]:
    expression = fts5_match(parse_query(text, vocabulary=VOCABULARY))
    if not expression:
        return []
    return [row[0] for row in fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,))]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_valid_fts5_and_tsquery_text(fts, text):
    run(fts, text)
    expression = tsquery_text(parse_query(text, vocabulary=VOCABULARY))
    assert expression.count("'") % 2 == 0


def test_syntax_words_are_searched_for_as_words(fts):
    assert run(fts, '"OR"') == [1]
    assert run(fts, "a:b") == [1]
    assert run(fts, "kit NEAR(a b)") == []  # "near" is not a word of the seal
    assert run(fts, "(kit a b)") == [1]
    assert run(fts, "^x seal") == [1]
    assert run(fts, "-brake") == [2]
    assert run(fts, "golf 2015 brake*") == [2]
    assert run(fts, "朗逸 刹车片") == []  # fits a Golf, not a Lavida
    assert run(fts, "刹车") == [2]
    assert run(fts, "刹") == [2]
    assert run(fts, "车刹") == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_makes_a_valid_fts5_query(text):
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    connection.execute("INSERT INTO t(x) VALUES ('brake pad')")
    expression = fts5_match(parse_query(text, vocabulary=VOCABULARY), {"brake": ["brakes"]})
    if expression:
        connection.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()
    connection.close()
