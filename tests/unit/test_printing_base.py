"""The shared printing pieces: text is escaped, Chinese prints (also in the footer), a barcode
reads back."""

from __future__ import annotations

import subprocess

from partsdesk.printing.base import ShopHeader, barcode, content_width, grid, header_block, styles, write_pdf


def test_chinese_and_markup_characters_print_as_written_in_body_and_footer(tmp_path):
    st = styles()
    width = content_width()
    story = [header_block(ShopHeader("演示汽配 Demo <Parts> & Co", tax_id="91310000MA1FL1XX5C"), "Statement",
                          [("Date", "2026-11-30")], st, width),
             grid([["Document", "Amount"], ["INV-000001 刹车片", "1,234.50"]], [width * 0.7, width * 0.3], st,
                  numeric=[1]),
             barcode("M00000182")]
    target = tmp_path / "base.pdf"
    write_pdf(target, story, title="t", footer="演示汽配 · statement of account #1")
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], check=True, capture_output=True,
                          text=True).stdout
    for expected in ("演示汽配 Demo <Parts> & Co", "Tax ID 91310000MA1FL1XX5C", "INV-000001 刹车片", "1,234.50",
                     "演示汽配 · statement of account #1", "Page 1"):
        assert expected in text, expected
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(target), str(tmp_path / "page")], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page-1.png")], capture_output=True,
                             text=True).stdout.split()
    assert decoded == ["M00000182"]
