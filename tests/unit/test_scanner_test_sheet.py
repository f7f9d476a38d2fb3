"""The scanner test sheet (partsdesk.printing.scanner_test_sheet): one A4 page whose barcodes,
read back with zbarimg, are exactly the codes the scanner set-up expects."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from partsdesk.domain.scanner_calibration import EAN13, TEST_CODES
from partsdesk.printing.scanner_test_sheet import write_scanner_test_sheet


@pytest.fixture(scope="module")
def sheet(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("sheet") / "scanner-test.pdf"
    write_scanner_test_sheet(target)
    return target


def _zbar(png: Path) -> list[tuple[str, str]]:
    out = subprocess.run(["zbarimg", "--quiet", str(png)], capture_output=True, text=True, check=False).stdout
    return [tuple(line.split(":", 1)) for line in out.splitlines() if ":" in line]


def test_one_a4_page(sheet):
    info = subprocess.run(["pdfinfo", str(sheet)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert "595.276 x 841.89 pts (A4)" in info


def test_every_barcode_reads_back_as_its_content(sheet, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(sheet), str(tmp_path / "page")], check=True)
    decoded = _zbar(next(tmp_path.glob("page*.png")))
    want = sorted(("EAN-13" if code.symbology == EAN13 else "CODE-128", code.content) for code in TEST_CODES)
    assert sorted(decoded) == want


def test_each_code_is_numbered_and_printed_in_plain_text(sheet):
    text = subprocess.run(["pdftotext", "-layout", str(sheet), "-"], capture_output=True, text=True, check=True).stdout
    assert "PartsDesk scanner test sheet" in text and "Scanner set-up" in text
    for code in TEST_CODES:
        assert f"Scan {code.number} of {len(TEST_CODES)}" in text
        assert code.what in text
        if code.symbology == EAN13:  # the digits under the bars, grouped as on a box
            assert f"{code.content[1:7]}" in text and f"{code.content[7:]}" in text
        else:
            assert code.content in text


def test_writes_to_a_binary_file(tmp_path):
    from io import BytesIO

    buffer = BytesIO()
    write_scanner_test_sheet(buffer)
    assert buffer.getvalue().startswith(b"%PDF")


def test_the_command_line_writes_the_sheet_without_a_database(tmp_path, capsys):
    from partsdesk import cli

    out = tmp_path / "scanner.pdf"
    assert cli.main(["print", "scanner-test", "--out", str(out)]) == 0
    assert "Scanner test sheet (A4): written to" in capsys.readouterr().out
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Scan 1 of 6" in text
    assert cli.main(["print", "scanner-test", "--out", str(tmp_path / "no-such-folder" / "x.pdf")]) == 1
    assert "does not exist; nothing was written" in capsys.readouterr().err
