"""The search box as the counter uses it: barcodes, numbers, words, vehicles, paging and sorting,
on both engines."""

from __future__ import annotations

import pytest

from partsdesk.domain.gtin import gtin_check_digit
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import Part, database
from partsdesk.services import catalog, search
from partsdesk.services.catalog import FitmentInput
from partsdesk.services.search import SORT_KEYS, find_by_barcode, search_parts


def ean13(body12: str) -> str:
    return body12 + str(gtin_check_digit(body12))


def upc_a(body11: str) -> str:
    return body11 + str(gtin_check_digit(body11))


UPC = upc_a("03600029145")  # a UPC-A label; stored as its EAN-13 form "0" + UPC


def add_part(number: str, name_en: str, *, brand: str = "Bosch", name_zh: str = "", category: str = "brakes.pads",
             price: str = "100", bin_: str = "", barcodes=(), numbers=(), fitments=(), active: bool = True) -> int:
    raw = {"number": number, "brand": brand, "name_en": name_en, "name_zh": name_zh, "category": category,
           "price_retail": price, "bin": bin_, "active": active}
    return catalog.save_part(SYSTEM, None, raw, barcodes=list(barcodes), numbers=list(numbers),
                             fitments=list(fitments))


@pytest.fixture
def shop(db):
    """A small catalogue: brake pads for a VW Golf and Lavida, filters, an inactive part."""
    catalog.ensure_standard_categories()
    golf = catalog.add_vehicle_model(SYSTEM, "Volkswagen", "Golf", "大众", "高尔夫")
    lavida = catalog.add_vehicle_model(SYSTEM, "Volkswagen", "Lavida", "大众", "朗逸")
    corolla = catalog.add_vehicle_model(SYSTEM, "Toyota", "Corolla", "丰田", "卡罗拉")
    ids = {
        "pad": add_part("0 986 494 104", "Brake pad set, front", name_zh="前刹车片", price="320",
                        bin_="A-01", barcodes=[UPC],
                        numbers=[("oe", "VW", "5K0 698 151"), ("interchange", "TRW", "GDB1550"),
                                 ("superseded", "Bosch", "0 986 424 797")],
                        fitments=[FitmentInput(golf, 2012, 2016), FitmentInput(lavida, 2013, 2018)]),
        "pad_rear": add_part("0 986 494 105", "Brake pad set, rear", name_zh="后刹车片", price="280", bin_="A-02",
                             fitments=[FitmentInput(golf, 2004, 2011)]),
        "disc": add_part("0986479R71", "Brake disc solid", name_zh="刹车盘", category="brakes.discs", price="450",
                         bin_="B-10", barcodes=[ean13("400616312345")],
                         fitments=[FitmentInput(corolla, 2014, None)]),
        "filter": add_part("W 712/75", "Oil filter", brand="MANN-FILTER", name_zh="机油滤清器",
                           category="engine.filters", price="45", bin_="C-03",
                           numbers=[("interchange", "Bosch", "0986494104X")]),
        "pad_trw": add_part("GDB1550", "Brake pads Émile quality", brand="TRW", price="300", bin_="A-03"),
        "old": add_part("OLD-123", "Brake pad old stock", price="10", active=False),
        "literal": add_part("NEAR-AB", 'Seal "OR" kit (a:b) ^x', brand="Elring", category="engine.gaskets",
                            price="12"),
    }
    return ids


def found(text: str, **kwargs) -> list[int]:
    return [row.id for row in search_parts(text, **kwargs).rows]


def test_a_barcode_scan_finds_its_part_first_upc_and_ean13_alike(shop):
    assert found(UPC)[0] == shop["pad"]
    assert found("0" + UPC)[0] == shop["pad"]  # the same code printed as EAN-13
    assert search_parts(UPC).rows[0].match == "barcode"
    assert find_by_barcode("0" + UPC).id == shop["pad"]
    assert find_by_barcode(UPC[:-1] + str((int(UPC[-1]) + 1) % 10)) is None  # wrong check digit
    assert find_by_barcode("not a code") is None


def test_part_numbers_match_however_they_are_typed(shop):
    for typed in ("0986494104", "0 986-494.104", "0/986/494/104", "0-986-494-104 "):
        rows = search_parts(typed).rows
        assert rows[0].id == shop["pad"] and rows[0].match == "number", typed
    assert found("w71275")[0] == shop["filter"]
    assert found("W 712/75")[0] == shop["filter"]


def test_exact_number_ranks_before_prefix_fragment_and_words(shop):
    rows = search_parts("0986494104").rows
    # the own number, then the filter whose interchange number starts with it; not the rear pads
    assert [r.id for r in rows[:2]] == [shop["pad"], shop["filter"]]
    assert rows[1].match == "interchange" and rows[1].matched_number == "0986494104X"
    assert shop["pad_rear"] not in [r.id for r in rows]


def test_own_number_ranks_before_interchange_of_the_same_number(shop):
    rows = search_parts("GDB 1550").rows
    assert rows[0].id == shop["pad_trw"] and rows[0].match == "number"
    assert rows[1].id == shop["pad"] and rows[1].match == "interchange"
    # typed in part, the same order: the part whose own number it is (added later, a higher id) first
    rows = search_parts("GDB15").rows
    assert [(r.id, r.match) for r in rows[:2]] == [(shop["pad_trw"], "number"), (shop["pad"], "interchange")]


def test_prefix_and_fragment_of_numbers(shop):
    rows = search_parts("0986 494").rows
    assert {r.id for r in rows} >= {shop["pad"], shop["pad_rear"], shop["filter"]}
    assert all(r.match in ("number", "interchange") for r in rows[:3])
    rows = search_parts("494105").rows
    assert rows[0].id == shop["pad_rear"] and rows[0].match == "fragment"
    assert found("9R7") == [shop["disc"]]
    assert found("12") == []  # shorter than a fragment, not a prefix of any number, no such word


def test_oe_interchange_and_superseded_numbers_find_the_current_part(shop):
    for typed, kind in (("5K0698151", "oe"), ("5k0-698-151", "oe"), ("0 986 424 797", "superseded")):
        rows = search_parts(typed).rows
        assert rows[0].id == shop["pad"] and rows[0].match == kind, typed


def test_words_match_as_prefixes_and_all_must_match(shop):
    assert set(found("brake pad")) == {shop["pad"], shop["pad_rear"], shop["pad_trw"]}
    assert set(found("bra pa fro")) == {shop["pad"]}
    assert found("brake pad fro")[0] == shop["pad"]
    assert set(found("oil filter")) == {shop["filter"]}
    assert set(found("mann")) == {shop["filter"]}  # brand
    assert set(found("discs")) == {shop["disc"]}  # category name
    assert set(found("emile")) == {shop["pad_trw"]}  # accents do not matter
    assert found("brake zebra") == []
    assert search_parts("oil filter").rows[0].match == "words"


def test_chinese_words_are_found_as_phrases(shop):
    # names, and the category 刹车片 (brake pads) of the TRW pads
    assert set(found("刹车片")) == {shop["pad"], shop["pad_rear"], shop["pad_trw"]}
    assert set(found("前刹车片")) == {shop["pad"]}
    assert set(found("滤清器")) == {shop["filter"]}
    assert set(found("刹车")) == {shop["pad"], shop["pad_rear"], shop["pad_trw"], shop["disc"]}
    assert found("车刹") == []  # the characters in another order are another word


def test_vehicle_and_words_in_english_and_chinese(shop):
    assert set(found("golf 2015 brake pad")) == {shop["pad"]}
    assert set(found("golf 2008 brake pad")) == {shop["pad_rear"]}
    assert found("golf 2020 brake pad") == []  # outside every fitment's years
    assert set(found("volkswagen golf pad")) == {shop["pad"], shop["pad_rear"]}
    assert set(found("golf brake")) == {shop["pad"], shop["pad_rear"]}
    assert set(found("corolla 2024 disc")) == {shop["disc"]}  # open-ended fitment
    assert set(found("朗逸 刹车片")) == {shop["pad"]}
    assert set(found("朗逸刹车片")) == {shop["pad"]}
    assert set(found("大众朗逸 2015款 刹车片")) == {shop["pad"]}
    assert found("朗逸 2010 刹车片") == []
    assert search_parts("golf pad").rows[0].match == "vehicle"


def test_a_vehicle_name_that_is_also_a_word_still_finds_the_word(shop):
    catalog.add_vehicle_model(SYSTEM, "Honda", "Filter")  # a model named like a common word
    assert set(found("oil filter")) == {shop["filter"]}


HOSTILE = ['"', "*", "OR", "AND NOT", "(", ")", "a:b", "^x", "'; DROP TABLE part; --", "\x00\x07", "-brake",
           "NEAR(a b)", '"brake', "brake*", "brake OR pad", "{search_text}: brake", "x" * 5000, "刹" * 500,
           "%", "_", "\\", "0" * 100, "' OR 1=1 --", "part_fts", "\ud800", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_searched_for_never_executed(shop, text):
    for sort in ("relevance", "price"):
        result = search_parts(text, sort=sort)
        assert result.total >= len(result.rows)
    assert find_by_barcode(text) is None or text in ("*", "-brake", "%", "_", "\\")
    assert Part.select().count() == len(shop)


def test_hostile_text_finds_literal_matches(shop):
    assert shop["pad"] in found("-brake")
    assert found('"OR"')[0] == shop["literal"]
    assert found("a:b") == [shop["literal"]]
    assert found("^x")[0] == shop["literal"]
    assert found("NEAR(a b)")[0] == shop["literal"]  # via its number NEAR-AB
    assert set(found("brake*")) >= {shop["pad"], shop["disc"]}
    assert found("'; DROP TABLE part; --") == []


def test_inactive_parts_are_hidden_unless_asked_for(shop):
    assert shop["old"] not in found("brake pad")
    assert found("OLD-123") == []
    assert found("OLD-123", include_inactive=True) == [shop["old"]]
    assert shop["old"] in found("brake pad", include_inactive=True)
    assert search_parts("").total == len(shop) - 1
    assert search_parts("", include_inactive=True).total == len(shop)


def test_browsing_pages_and_sorts_the_whole_catalogue(shop):
    active = len(shop) - 1
    by_price = search_parts("", sort="price")
    prices = [r.price_retail for r in by_price.rows]
    assert prices == sorted(prices) and by_price.total == active and not by_price.capped
    assert [r.price_retail for r in search_parts("", sort="price", descending=True).rows] == prices[::-1]
    first = search_parts("", sort="name", limit=2)
    second = search_parts("", sort="name", limit=2, offset=2)
    names = [r.name_en for r in first.rows + second.rows]
    assert names == sorted(names) and len(set(names)) == 4
    assert [r.bin for r in search_parts("", sort="bin").rows][:3] == ["", "A-01", "A-02"]
    for key in SORT_KEYS:
        rows = search_parts("", sort=key).rows
        assert len(rows) == active and all(r.match == "browse" for r in rows)
    with pytest.raises(ValueError):
        search_parts("", sort="id; DROP TABLE part")


def test_search_results_page_in_relevance_order_or_sort_in_sql(shop):
    relevance = found("brake")
    assert len(relevance) == 4
    assert found("brake", limit=2) + found("brake", limit=2, offset=2) == relevance
    by_price = search_parts("brake", sort="price")
    assert [r.price_retail for r in by_price.rows] == sorted(r.price_retail for r in by_price.rows)
    assert by_price.total == 4
    page = search_parts("brake", sort="price", descending=True, limit=1, offset=1).rows
    assert page[0].price_retail == sorted((r.price_retail for r in by_price.rows), reverse=True)[1]


def test_rows_carry_what_the_table_shows(shop):
    row = search_parts("0986494104").rows[0]
    assert (row.number, row.brand, row.name_zh, row.category, row.bin, row.price_retail, row.on_hand,
            row.active) == ("0 986 494 104", "Bosch", "前刹车片", "Brake pads", "A-01", 32000, 0, True)


def test_many_matches_are_capped_and_say_so(db, monkeypatch):
    catalog.ensure_standard_categories()
    for n in range(12):
        add_part(f"CAP-{n:03d}", f"Wiper blade {n}", category="electrical.wipers")
    monkeypatch.setattr(search, "SEARCH_CAP", 5)
    result = search_parts("wiper")
    assert result.capped and result.total == 5 and len(result.rows) == 5
    assert not search_parts("wiper blade 7").capped


def test_search_text_follows_changes_to_the_part(shop):
    detail = catalog.get_part(SYSTEM, shop["disc"])
    raw = {"number": detail.number, "brand": detail.brand, "name_en": "Ventilated rotor", "name_zh": "通风盘",
           "category": detail.category, "price_retail": "450"}
    catalog.save_part(SYSTEM, shop["disc"], raw, barcodes=[], numbers=[], fitments=[])
    assert found("rotor") == [shop["disc"]]
    assert found("通风盘") == [shop["disc"]]
    assert found("solid") == []  # the old name is gone
    assert found("corolla disc") == []  # fitments removed
    search.rebuild_search_index(refresh_text=True)
    assert found("rotor") == [shop["disc"]]
    assert database.obj is not None


def test_prefixes_find_words_written_by_bulk_loaders_too(shop):
    # A bulk writer that stores search documents itself, without refresh_search_text.
    document = Part.get_by_id(shop["disc"]).search_text + " zanzibar"
    Part.update(search_text=document).where(Part.id == shop["disc"]).execute()
    assert found("zanzi") == [shop["disc"]]  # not in the word list: a plain prefix query
    search.remember_search_words([document])
    assert found("zanzi") == [shop["disc"]]
    assert found("bosch 0986494104") == [shop["pad"]]  # brand and whole own number as words
