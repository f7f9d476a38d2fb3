"""The workshop's printed documents, read back on both engines: the estimate's lines and totals
equal the order's (pdftotext), a signature only on the version that was signed, the check-in
sheet's checklist and numbered damage marks, the job card without prices, the pick list in bin
order, the delivery note and the invoice with each line's warranty terms, the RO barcode
(zbarimg), and ``partsdesk print`` of each kind."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from partsdesk import cli
from partsdesk.domain.errors import UserError
from partsdesk.domain.money import format_money, format_quantity
from partsdesk.domain.tender import Payment
from partsdesk.models import Customer, Part, database
from partsdesk.printing import workshop as printing
from partsdesk.printing.sale_documents import write_invoice
from partsdesk.services import clock, settings, workshop
from partsdesk.services import workshop_documents as documents
from partsdesk.services.sale_documents import sale_document
from partsdesk.services.workshop import CheckIn, CheckMark, DamageMark, Delivery, LineInput
from tests.services.counter_shop import SOLD_AT
from tests.services.workshop_shop import workshop_shop

SHOTS = Path("/tmp/pd_docs")  # PNGs of the last run, to look at


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def scanned(path: Path, tmp_path: Path) -> list[str]:
    """What a scanner reads off the first page: rendered at 300 dpi, decoded by zbarimg."""
    image = tmp_path / f"{path.stem}-scan"
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(image)],
                   check=True)
    return subprocess.run(["zbarimg", "-q", "--raw", f"{image}.png"], capture_output=True, text=True).stdout.split()


def pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def keep_png(path: Path) -> None:
    SHOTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(SHOTS / path.stem)], check=True)


def row(text: str, *cells: str) -> bool:
    """Some line of ``text`` holds ``cells`` in order, separated by spaces only."""
    pattern = "[ ]+".join(re.escape(cell).replace(r"\ ", "[ ]*") for cell in cells)
    return re.search(pattern, text) is not None


def money(minor: int) -> str:
    return format_money(minor)


@pytest.fixture
def shop(staff):
    made = workshop_shop(staff)
    for name, value in (("shop.name", "吴记汽修 Wu Auto Service"), ("shop.address", "1 Station Road, Suzhou"),
                        ("shop.phone", "0512-6666 8888"), ("shop.tax_id", "91320500MA1X")):
        settings.set_value(staff["admin"], name, value)
    Customer.update(name="李伟 Li Wei").where(Customer.id == made["li"]).execute()
    Part.update(bin="B-12", warranty_months=24, name_zh="刹车片").where(Part.id == made["pads"]).execute()
    Part.update(bin="A-3").where(Part.id == made["caliper"]).execute()
    return made


def later(minutes: int) -> None:
    clock.set_clock(lambda: SOLD_AT + timedelta(minutes=minutes))


@pytest.fixture
def order(staff, shop):
    """RO-000001: pads (signed in person), labour 1.5 h (signed), a caliper (declined), a sublet
    alignment (approved by phone) and a disposal fee (waiting for the customer)."""
    advisor = staff["service_advisor"]
    number = workshop.check_in(advisor, CheckIn(
        shop["li"], shop["golf"], 50_120, 3, "Squeal from the front brakes when stopping\n刹车异响",
        promised_at=SOLD_AT + timedelta(hours=6),
        checklist=[CheckMark("Tyres", "attention", "front left worn"), CheckMark("Lights", "ok"),
                   CheckMark("Windscreen", "fail", "chip on the driver's side")],
        damages=[DamageMark(150, 120, "scratch", "front bumper, left"), DamageMark(880, 600, "dent", "rear door")]))
    ids = workshop.add_lines(advisor, number, [
        LineInput("part", part_id=shop["pads"], qty=2_000),
        LineInput("labour", description="Replace front brake pads", qty=1_500, labour_class_id=shop["general"],
                  technician_id=staff["technician"].user_id),
        LineInput("part", part_id=shop["caliper"], qty=1_000),
        LineInput("sublet", description="Wheel alignment (Tyre Co.)", unit_price=30_000),
        LineInput("other", description="Disposal of old parts", unit_price=2_000)])
    pads, labour, caliper, sublet, fee = ids
    workshop.authorize(advisor, number, [pads, labour], decision="approved", method="in_person",
                       customer_name="Li Wei", signed=True)
    workshop.authorize(advisor, number, [caliper], decision="declined", method="in_person", customer_name="Li Wei")
    workshop.authorize(advisor, number, [sublet], decision="approved", method="phone", customer_name="Li Wei")
    return {"number": number, "pads": pads, "labour": labour, "caliper": caliper, "sublet": sublet, "fee": fee}


def _estimate_pdf(number: str, tmp_path: Path, name: str = "estimate") -> tuple[Path, str]:
    out = tmp_path / f"{name}.pdf"
    printing.write_workshop_document("estimate", number, out)
    keep_png(out)
    return out, pdf_text(out)


def _line_text(text: str, description: str) -> str:
    """The estimate's row of ``description`` with the rows under it up to the next numbered row
    (its authorization cell wraps onto them)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if description in line)
    block = [lines[start]]
    for line in lines[start + 1:]:
        if re.match(r"\s*\d+\s", line) or "total" in line:
            break
        block.append(line)
    return "\n".join(block)


# --- the estimate -------------------------------------------------------------------------------------------

def test_the_printed_estimate_lines_and_totals_equal_the_orders(staff, order, tmp_path):
    number = order["number"]
    detail = workshop.order_detail(staff["service_advisor"], number)
    out, text = _estimate_pdf(number, tmp_path)
    assert "Estimate" in text and "Repair order: RO-000001" in text and "吴记汽修 Wu Auto Service" in text
    assert "李伟 Li Wei" in text and "B-XY 123" in text and "50,120 km" in text and "刹车异响" in text
    active = [line for line in detail.lines if line.status == "active"]
    doc = documents.estimate_document(number)
    assert [(x.line_no, x.description, x.qty, x.unit_price, x.amount) for x in doc.lines] == sorted(
        [(x.line_no, x.description, x.qty, x.unit_price, x.amount) for x in active],
        key=lambda t: ["labour", "part", "sublet", "other"].index(detail.lines[t[0] - 1].kind))
    for line in active:  # each of the order's lines printed with its numbers
        assert row(text, str(line.line_no), *([line.part_number] if line.part_number else []), line.description,
                   format_quantity(line.qty, line.unit), money(line.unit_price), money(line.amount)), line
    printed = {int(m.group(1)) for m in re.finditer(r"^\s*(\d+)\s+\S", text, re.M)}
    assert printed == {line.line_no for line in detail.lines if line.status != "removed"}
    assert [title for title in ("Labour", "Parts", "Sublet and other") if re.search(rf"^\s*{title}\s*$", text, re.M)] \
        == ["Labour", "Parts", "Sublet and other"]
    assert row(text, "Labour total", money(22_500)) and row(text, "Parts total", money(22_600))
    assert row(text, "Sublet and other total", money(32_000))
    assert row(text, "Current total (CNY)", money(detail.current_total)) and detail.current_total == 77_100
    assert row(text, "Authorized total (CNY)", money(detail.authorized_total)) and detail.authorized_total == 75_100
    # the declined caliper only under "Recommended, not approved", after the totals
    recommended = text.index("Recommended, not approved")
    assert text.index("Part CA-2") > recommended > text.index("Current total")
    assert row(text[recommended:], "3", "CA-2", "Part CA-2", "1", money(56_500), money(56_500))
    assert "1 line(s) need the customer's authorization" in text and "Needs authorization" in text
    assert "Customer's signature" in text and "This estimate holds until 2026-" in text
    assert scanned(out, tmp_path) == [number]


def test_a_signature_prints_only_for_the_version_that_was_signed(staff, order, tmp_path):
    number = order["number"]
    _, text = _estimate_pdf(number, tmp_path, "signed")
    assert "Signed Li Wei 2026-11-22" in _line_text(text, "Replace front brake pads")
    assert "Signed Li Wei 2026-11-22" in _line_text(text, "Part BP-1")
    phoned = _line_text(text, "Wheel alignment")
    assert "Authorized" in phoned and "By phone — Li Wei" in phoned and "Signed" not in phoned
    assert "Signed" not in _line_text(text, "Disposal of old parts")

    later(30)  # the labour changes after the customer signed: a new version, not signed
    workshop.change_line(staff["service_advisor"], number, order["labour"], qty=2_000)
    doc = documents.estimate_document(number)
    labour = next(line for line in doc.lines if line.line_no == 2)
    assert (labour.auth, labour.signature, labour.version, labour.authorized_version) == ("reauthorize", "", 2, 1)
    _, text = _estimate_pdf(number, tmp_path, "changed")
    changed = _line_text(text, "Replace front brake pads")
    assert "Re-authorization needed" in changed and "Signed" not in changed
    assert row(changed, "2", "Replace front brake pads", "2 h", money(15_000), money(30_000))
    assert "version 1 approved at 225.00" in changed
    assert "Signed Li Wei 2026-11-22" in _line_text(text, "Part BP-1")  # the pads' signed version stands
    assert row(text, "Current total (CNY)", money(84_600)) and row(text, "Authorized total (CNY)", money(75_100))

    # re-authorized in person and signed: the new version's signature prints, dated that day
    clock.set_clock(lambda: SOLD_AT + timedelta(days=1))
    workshop.authorize(staff["service_advisor"], number, [order["labour"]], decision="approved",
                       method="in_person", customer_name="Li Wei", signed=True)
    _, text = _estimate_pdf(number, tmp_path, "resigned")
    assert "Signed Li Wei 2026-11-23" in _line_text(text, "Replace front brake pads")


def test_an_unknown_order_prints_nothing(staff, shop, tmp_path):
    out = tmp_path / "none.pdf"
    for kind in printing.WRITERS:
        with pytest.raises(UserError, match="no repair order RO-000099"):
            printing.write_workshop_document(kind, "ro-000099", out)
    assert not out.exists()


# --- check-in sheet, job card, pick list ----------------------------------------------------------------------

def test_checkin_sheet_has_the_checklist_damage_marks_fuel_and_signature(staff, order, tmp_path):
    number = order["number"]
    out = tmp_path / "checkin.pdf"
    doc = printing.write_workshop_document("checkin", number, out)
    keep_png(out)
    text = pdf_text(out)
    assert pages(out) == 1 and "Check-in sheet" in text and "刹车异响" in text
    assert doc.fuel_label == "3/8" and "3/8" in text and "50,120 km" in text and "2026-11-22 16:00" in text
    assert row(text, "Tyres", "Attention", "front left worn") and row(text, "Lights", "OK")
    assert row(text, "Windscreen", "Fail", "chip on the driver's side")
    assert row(text, "Wipers", "Not checked")  # a shop item nobody marked
    assert row(text, "1", "Scratch", "front bumper, left") and row(text, "2", "Dent", "rear door")
    assert [(m.no, m.x, m.y) for m in doc.damages] == [(1, 150, 120), (2, 880, 600)]
    assert "FRONT" in text and "REAR" in text and "Customer's signature" in text
    assert scanned(out, tmp_path) == [number]


def test_the_car_outline_puts_each_mark_where_it_was_placed(staff, order):
    """The mark's centre on the page follows x, y in thousandths of the outline (front at the top)."""
    outline = printing.CarOutline(documents.checkin_document(order["number"]).damages, width=100, height=200)
    assert outline._point(0.150, 0.120) == pytest.approx((15.0, 176.0))
    assert outline._point(0.880, 0.600) == pytest.approx((88.0, 80.0))


def test_job_card_lists_jobs_parts_by_bin_and_the_quality_checklist_without_prices(staff, order, tmp_path):
    number = order["number"]
    out = tmp_path / "jobcard.pdf"
    doc = printing.write_workshop_document("jobcard", number, out)
    keep_png(out)
    text = pdf_text(out)
    assert "Job card" in text and row(text, "2", "Replace front brake pads", "General", "1.5", "Technician")
    assert row(text, "Book hours in all", "1.5")
    assert row(text, "B-12", "BP-1", "Part BP-1", "2", "0", "2") and "CA-2" not in text  # declined: not fitted
    assert row(text, "5", "Disposal of old parts") and "NOT AUTHORIZED: do not start" in text
    for item in settings.get("workshop.quality_items"):
        assert item in text
    assert "Technician's notes" in text and "Quality checked by" in text
    for amount in ("113.00", "226.00", "150.00", "225.00", "300.00"):
        assert amount not in text  # no prices on the technician's card
    assert [job.line_no for job in doc.jobs] == [2, 4, 5]
    assert scanned(out, tmp_path) == [number]


def test_pick_list_of_the_orders_parts_in_bin_order(staff, order, shop, tmp_path):
    number = order["number"]
    workshop.authorize(staff["service_advisor"], number, [order["caliper"]], decision="approved",
                       method="phone", customer_name="Li Wei")  # the caliper after all: listed first
    out = tmp_path / "picklist.pdf"
    doc = printing.write_workshop_document("ro-picklist", number, out)
    keep_png(out)
    text = pdf_text(out)
    assert [line.bin for line in doc.lines] == ["A-3", "B-12"]
    assert text.index("CA-2") < text.index("BP-1") and "Pick list" in text and "Order: RO-000001" in text
    assert "Repair order, reference B-XY 123" in text and row(text, "B-12", "BP-1", "Part BP-1", "2", "10")
    assert "刹车片" in text and "wait for the customer" not in text
    assert scanned(out, tmp_path) == [number]
    workshop.issue_parts(staff["technician"], number, order["pads"])
    assert [line.part_number for line in documents.ro_pick_list_document(number).lines] == ["CA-2"]
    workshop.change_line(staff["service_advisor"], number, order["caliper"], qty=2_000)  # not authorized now
    again = documents.ro_pick_list_document(number)
    assert again.lines == () and again.note == "1 part line(s) wait for the customer's authorization and are not " \
                                                "listed."


# --- delivery note and invoice ---------------------------------------------------------------------------

def deliver(staff, order) -> str:
    number, advisor, tech = order["number"], staff["service_advisor"], staff["technician"]
    workshop.authorize(advisor, number, [order["fee"]], decision="approved", method="phone", customer_name="Li Wei")
    workshop.clock_on(tech, number, order["labour"])
    later(90)
    workshop.clock_off(tech)
    workshop.issue_parts(tech, number)
    workshop.finish_work(tech, number)
    workshop.quality_check(staff["manager"], number, [CheckMark("Road test", "ok")])
    later(120)
    return workshop.deliver(advisor, number, Delivery(50_160, "Replaced the front pads; discs within limits.", 5),
                            [Payment("cash", 80_000)]).invoice


def test_delivery_note_and_invoice_print_each_lines_warranty(staff, order, tmp_path):
    number = order["number"]
    with pytest.raises(UserError, match="prints once the car is delivered"):
        documents.delivery_document(number)
    invoice = deliver(staff, order)
    out = tmp_path / "delivery.pdf"
    doc = printing.write_workshop_document("delivery", number, out)
    keep_png(out)
    text = pdf_text(out)
    assert "Delivery note" in text and "Replaced the front pads; discs within limits." in text
    assert "50,160 km" in text and invoice in text and [line.line_no for line in doc.lines] == [1, 2, 4, 5]
    assert row(text, "Part", "BP-1", "Part BP-1", "2", "24 months")
    assert row(text, "Labour", "Replace front brake pads", "1.5 h", "12 months or 20,000 km")
    assert row(text, "Sublet", "Wheel alignment (Tyre Co.)", "1", "No warranty") and "CA-2" not in text
    assert scanned(out, tmp_path) == [number]

    sale = sale_document(invoice)
    assert [line.warranty for line in sale.lines] == ["Warranty: 24 months", "Warranty: 12 months or 20,000 km, "
                                                      "whichever comes first", "", ""]
    invoice_pdf = tmp_path / "invoice.pdf"
    write_invoice(sale, invoice_pdf)
    keep_png(invoice_pdf)
    printed = pdf_text(invoice_pdf)
    assert "Warranty: 24 months" in printed and "Warranty: 12 months or 20,000 km" in printed
    assert documents.invoice_warranties(sale.lines[0].line_no + 999) == {}  # not a repair order's sale


def test_warranty_terms_in_words():
    assert documents.warranty_terms(12, 20_000) == "12 months or 20,000 km, whichever comes first"
    assert documents.warranty_terms(6, 0) == "6 months" and documents.warranty_terms(0, 5_000) == "5,000 km"
    assert documents.warranty_terms(0, 0) == "No warranty"
    assert documents.warranty_terms(12, 0, warranty_work=True) == "Warranty work (no charge)"


# --- partsdesk print ----------------------------------------------------------------------------------------

def test_cli_prints_each_kind_to_a_file(staff, order, db_url, tmp_path, monkeypatch, capsys):
    deliver(staff, order)
    monkeypatch.setenv("PARTSDESK_HOME", str(tmp_path / "home"))
    database.obj.close()
    try:
        for kind, title in (("estimate", "Estimate"), ("checkin", "Check-in sheet"), ("jobcard", "Job card"),
                            ("ro-picklist", "Pick list"), ("delivery", "Delivery note")):
            out = tmp_path / f"cli-{kind}.pdf"
            code = cli.main(["print", kind, " ro-000001", "--out", str(out), "--db", db_url])
            stdout, err = capsys.readouterr()
            assert (code, err) == (0, ""), err
            assert stdout == f"{title} of repair order RO-000001 (A4): written to {out}\n"
            assert title in pdf_text(out) and scanned(out, tmp_path) == ["RO-000001"]
        missing = tmp_path / "missing.pdf"
        code = cli.main(["print", "estimate", "RO-000042", "--out", str(missing), "--db", db_url])
        stdout, err = capsys.readouterr()
        assert code == 1 and stdout == "" and "There is no repair order RO-000042." in err
        assert not missing.exists() and not list(tmp_path.glob(".*partial"))
    finally:
        if database.obj is not None:
            database.obj.close()
