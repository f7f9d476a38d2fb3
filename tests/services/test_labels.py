"""Barcode labels: what each label says (services.labels) and the PDF (printing.labels), read
back as a person and a scanner would: every label's barcode decoded with zbarimg off a 300 dpi
rendering of just that label, its text with pdftotext; on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from partsdesk.domain import labels as layouts
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.gtin import gtin_check_digit
from partsdesk.domain.labels import LabelLayout
from partsdesk.domain.permissions import SYSTEM
from partsdesk.printing.labels import write_labels
from partsdesk.services import catalog, settings
from partsdesk.services.labels import PartLabel, label_data

DPI = 300
LONG_NAME = ("Brake caliper, remanufactured, front axle left, with carrier, pads and fitting kit for vans and "
             "light trucks")
LONG_ZH = "前轴左侧再制造制动卡钳带支架刹车片及安装套件适用于厢式货车和轻型卡车"


def gtin(body: str) -> str:
    return body + str(gtin_check_digit(body))


EAN_PADS, EAN_FILTER, EAN8_BULB = gtin("400702412345"), gtin("692000000123"), gtin("9638507")


@pytest.fixture
def label_shop(db):
    """Parts of every barcode kind: EAN-13 (pads, also with a shop code), a shop code only
    (caliper, with a long English and Chinese name), no barcode (bolt), EAN-8 (bulb), a Chinese
    name (filter), and the number 555 at two brands."""
    catalog.ensure_standard_categories()

    def part(number: str, name: str, price: str, barcodes: list[str], brand: str = "Bosch", **extra) -> int:
        return catalog.save_part(SYSTEM, None, {"number": number, "brand": brand, "name_en": name,
                                                "category": "brakes.pads", "price_retail": price,
                                                "price_trade": price, "price_wholesale": price, "cost": "1.00",
                                                "tax_rate": "13", **extra},
                                 barcodes=barcodes, numbers=[], fitments=[])

    return {
        "pads": part("0 986 494 104", "Brake pad set, front", "113.00", ["PD-0001", EAN_PADS], name_zh="前刹车片",
                     bin="A-01-03"),
        "caliper": part("CA-2", LONG_NAME, "565.00", ["PD-0002"], name_zh=LONG_ZH, bin="B-12", brand="ATE"),
        "bolt": part("M8x25-10.9", "Wheel bolt", "2.50", []),
        "bulb": part("H7-55W", "Headlamp bulb", "35.00", [EAN8_BULB], brand="Osram"),
        "filter": part("W 712/75", "Oil filter", "45.50", [EAN_FILTER], name_zh="机油滤清器", brand="MANN-FILTER"),
        "a555": part("555", "Spring A", "10.00", ["PD-0555A"], brand="ATE"),
        "b555": part("555", "Spring B", "12.00", ["PD-0555B"], brand="Bosch"),
    }


# the numbers as a person types them, with what each label's barcode must say
MIX = [("0986494104", 2, EAN_PADS), ("ca-2", 2, "PD-0002"), ("M8X25 10.9", 1, "M8X25109"), ("h7 55w", 1, EAN8_BULB),
       ("W71275", 2, EAN_FILTER)]


def mix_entries() -> list[tuple[str, int]]:
    return [(number, qty) for number, qty, _ in MIX]


def mix_codes() -> list[str]:
    return [code for _, qty, code in MIX for _ in range(qty)]


# --- reading a PDF back ----------------------------------------------------------------------

def render(pdf: Path) -> list[Path]:
    stem = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(stem)], check=True)
    return sorted(pdf.parent.glob(f"{stem.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def label_images(pdf: Path, layout: LabelLayout, slots: range) -> list[Image.Image]:
    """Each label's own part of the 300 dpi page (slot 0 = the first position of the first page)."""
    pages = [Image.open(png).convert("L") for png in render(pdf)]
    scale = DPI / 25.4
    crops = []
    for slot in slots:
        page, x, y = layout.position(slot)
        box = (round(x * scale), round(y * scale), round((x + layout.label_width) * scale),
               round((y + layout.label_height) * scale))
        crops.append(pages[page].crop(box))
    return crops


def decode(image: Image.Image, where: Path) -> list[str]:
    image.save(where)
    return subprocess.run(["zbarimg", "-q", "--raw", str(where)], capture_output=True, text=True).stdout.split()


def decode_labels(pdf: Path, layout: LabelLayout, slots: range) -> list[list[str]]:
    """What zbarimg reads off each label in ``slots``, label by label."""
    return [decode(image, pdf.parent / f"label-{slot}.png")
            for slot, image in zip(slots, label_images(pdf, layout, slots), strict=True)]


def words_outside_their_label(pdf: Path, layout: LabelLayout) -> list[str]:
    """Words (pdftotext -bbox) that do not lie wholly inside the label their middle is on."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    points = 72 / 25.4
    bad = []
    for page_index, page in enumerate(html.split("<page ")[1:]):
        for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
            x0, y0, x1, y1 = (float(v) / points for v in (x0, y0, x1, y1))
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            for slot in range(layout.per_page):
                _, left, top = layout.position(slot)
                if left <= cx <= left + layout.label_width and top <= cy <= top + layout.label_height:
                    if x0 < left - 0.01 or x1 > left + layout.label_width + 0.01 or y0 < top - 0.01 \
                            or y1 > top + layout.label_height + 0.01:
                        bad.append(f"page {page_index + 1}: {word!r}")
                    break
            else:
                bad.append(f"page {page_index + 1}: {word!r} on no label")
    return bad


EVERY_LAYOUT = [*layouts.LAYOUTS.values(),
                layouts.custom_sheet(2, 6, top=12, right=10, bottom=12, left=10, gap_x=4, gap_y=3),
                layouts.custom_roll(60, 40)]


# --- the data --------------------------------------------------------------------------------

def test_each_label_has_the_parts_fields_and_its_barcode(label_shop):
    rows = label_data(mix_entries())
    assert [row.code for row in rows] == mix_codes()
    pads = rows[0]
    assert pads == PartLabel(part_id=label_shop["pads"], number="0 986 494 104", name_en="Brake pad set, front",
                             name_zh="前刹车片", brand="Bosch", bin="A-01-03", price=11_300, currency="CNY",
                             code=EAN_PADS, symbology="EAN13")  # the GTIN wins over the shop code
    assert (rows[2].symbology, rows[2].name_zh, rows[2].brand) == ("CODE128", LONG_ZH, "ATE")
    assert (rows[4].code, rows[4].symbology) == ("M8X25109", "CODE128")  # no barcode: the number as typed in search
    assert rows[5].symbology == "EAN8"
    assert [row.symbology for row in rows].count("EAN13") == 4


def test_the_price_is_in_the_shops_currency(label_shop, admin):
    settings.set_value(admin, "shop.currency", "EUR")
    (row,) = label_data([("0986494104", 1)])
    assert (row.price, row.currency) == (11_300, "EUR")


def test_a_number_two_brands_share_needs_the_brand(label_shop):
    with pytest.raises(ValidationError, match=r"555 is the number of parts of several brands \(ATE, BOSCH\): "
                                              r"write it as 555@BRAND"):
        label_data([("555", 1)])
    rows = label_data([("555", "bosch", 2), ("555", "ATE", 1)])
    assert [row.code for row in rows] == ["PD-0555B", "PD-0555B", "PD-0555A"]


def test_unknown_numbers_and_bad_quantities_are_refused_by_name(label_shop):
    with pytest.raises(ValidationError) as refused:
        label_data([("0986494104", 1), ("NOPE-1", 1), ("XX 9", 2)])
    assert "No part has the number NOPE-1, XX 9" in str(refused.value) and "No labels were made" in str(refused.value)
    for qty in (0, -3):
        with pytest.raises(ValidationError, match=f"0986494104 asks for {qty} labels"):
            label_data([("0986494104", qty)])
    with pytest.raises(ValidationError, match="No parts given"):
        label_data([])


def test_a_thousand_labels_read_each_table_once(label_shop):
    """The number of queries does not grow with the labels or the parts."""
    counted: list[str] = []

    class Count(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            counted.append(record.getMessage())

    logger = logging.getLogger("peewee")
    handler, level = Count(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        label_data([("0986494104", 1)])
        few = len(counted)
        counted.clear()
        rows = label_data([("0986494104", 400), ("ca-2", 300), ("M8X25-10.9", 200), ("H7-55W", 50), ("W71275", 50)])
        many = len(counted)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert len(rows) == 1000 and many == few <= 4  # parts with brands, barcodes, the currency setting


# --- the PDF ---------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", EVERY_LAYOUT, ids=[layout.name for layout in EVERY_LAYOUT])
def test_every_label_on_every_layout_scans_as_its_parts_code(label_shop, layout, tmp_path):
    """Done means: each label decoded on its own, at 300 dpi, equals its part's code."""
    pdf = tmp_path / "labels.pdf"
    rows = label_data(mix_entries())
    pages = write_labels(rows, layout, pdf)
    assert pages == (len(rows) if layout.roll else 1)
    assert decode_labels(pdf, layout, range(len(rows))) == [[code] for code in mix_codes()]
    assert words_outside_their_label(pdf, layout) == []
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "CNY 113.00" in text and "Bin A-01-03" in text and "0 986 494 104 · Bosch" in text
    assert "前刹车片" in text and "机油滤清器" in text  # Chinese in the embedded CJK font, not boxes
    if layout.roll:
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        width, height = (float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
        assert (round(width / 72 * 25.4, 1), round(height / 72 * 25.4, 1)) == (layout.label_width,
                                                                             layout.label_height)


@pytest.mark.parametrize("name", ["a4-3x8", "a4-4x11"])
def test_a_part_used_sheet_starts_at_the_first_free_label(label_shop, name, tmp_path):
    layout = layouts.LAYOUTS[name]
    start = layout.per_page - 2  # three free labels left: the rest goes on a second sheet
    pdf = tmp_path / "labels.pdf"
    rows = label_data(mix_entries())
    assert write_labels(rows, layout, pdf, start=start) == 2
    images = label_images(pdf, layout, range(0, start - 1 + len(rows)))
    assert all(image.getextrema() == (255, 255) for image in images[:start - 1])  # the used labels: not touched
    read = [decode(image, tmp_path / f"l{index}.png") for index, image in enumerate(images[start - 1:])]
    assert read == [[code] for code in mix_codes()]


def test_long_and_chinese_names_shrink_or_wrap_but_never_overflow(label_shop, tmp_path):
    for layout in (layouts.LAYOUTS["roll-40x25"], layouts.LAYOUTS["a4-4x11"], layouts.LAYOUTS["a4-3x8"]):
        pdf = tmp_path / f"{layout.name}.pdf"
        write_labels(label_data([("CA-2", 3)]), layout, pdf)
        assert words_outside_their_label(pdf, layout) == [], layout.name
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        assert "Brake caliper" in text and "前轴左侧" in text and "CA-2 · ATE" in text and "CNY 565.00" in text
        assert decode_labels(pdf, layout, range(3)) == [["PD-0002"]] * 3


def test_bad_layouts_and_starts_write_no_file(label_shop, tmp_path):
    pdf = tmp_path / "labels.pdf"
    rows = label_data(mix_entries())
    with pytest.raises(ValidationError, match="Start position 25 is not on a 3 x 8 sheet"):
        write_labels(rows, layouts.LAYOUTS["a4-3x8"], pdf, start=25)
    with pytest.raises(ValidationError, match="Start position 0"):
        write_labels(rows, layouts.LAYOUTS["a4-3x8"], pdf, start=0)
    with pytest.raises(ValidationError, match="A roll has no part-used sheet"):
        write_labels(rows, layouts.LAYOUTS["roll-50x30"], pdf, start=2)
    with pytest.raises(ValidationError, match="too small for a barcode"):
        write_labels(rows, LabelLayout(name="tiny", description="", page_width=210, page_height=297, columns=10,
                                       rows=20, label_width=21, label_height=14.85), pdf)
    long_code = catalog.save_part(SYSTEM, None, {"number": "LC-1", "brand": "Bosch", "name_en": "Long code",
                                                 "category": "brakes.pads", "price_retail": "1.00",
                                                 "price_trade": "1.00", "price_wholesale": "1.00", "cost": "1.00",
                                                 "tax_rate": "13"},
                                  barcodes=["SHOP-CODE-THAT-IS-FAR-TOO-LONG-FOR-A-LABEL"], numbers=[], fitments=[])
    assert long_code
    with pytest.raises(UserError, match="The barcode SHOP-CODE-THAT-IS-FAR-TOO-LONG-FOR-A-LABEL of part LC-1 is too "
                                        "long to print readably on a 40 mm wide label"):
        write_labels([*rows, *label_data([("LC-1", 1)])], layouts.LAYOUTS["roll-40x25"], pdf)
    assert not pdf.exists()
