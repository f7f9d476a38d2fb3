"""The returns desk's reads (services.returns.find_sales and preview_return, and
services.sale_documents.print_kind), on both engines: the sale found by its number (also as a
scanner reads the receipt's barcode), by the customer or by the part sold, newest first; the
refund the return would give, by the rules the return itself uses, without writing anything."""

from __future__ import annotations

from datetime import timedelta

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.permissions import SYSTEM
from partsdesk.domain.tender import Payment
from partsdesk.models import CreditNote, DocumentCounter
from partsdesk.services import catalog, clock, settings
from partsdesk.services.customers import save_customer
from partsdesk.services.returns import (
    FIND_LIMIT_MAX,
    Refund,
    ReturnLine,
    find_sales,
    preview_return,
    take_return,
)
from partsdesk.services.sale_documents import print_kind
from partsdesk.services.sales import LineRequest, commit_sale
from tests.services.counter_shop import SOLD_AT, counter_shop


@pytest.fixture
def shop(staff):
    made = counter_shop(staff, credit_limit="5000")
    made["li"] = save_customer(staff["cashier"], None, {"kind": "person", "name": "Li Wei"},
                               phones=[("mobile", "139 1234 5678")])
    # the pads are also known by an OE number the customer may read off the box
    catalog.save_part(SYSTEM, made["pads"], {"number": "BP-1", "brand": "Bosch", "name_en": "Part BP-1",
                                             "category": "brakes.pads", "price_retail": "113.00",
                                             "price_trade": "100.00", "price_wholesale": "90.00", "cost": "60.00",
                                             "tax_rate": "13"},
                      barcodes=[], numbers=[("oe", "VW", "5K0 698 151")], fitments=[])
    return made


def sell(staff, lines, payments, *, days: int = 0, **kwargs):
    clock.set_clock(lambda: SOLD_AT + timedelta(days=days))
    return commit_sale(staff["cashier"], lines, payments, **kwargs)


def test_a_sale_is_found_by_its_number_typed_or_scanned_and_by_a_credit_notes_number(staff, shop):
    first = sell(staff, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    sell(staff, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)], days=1)
    for typed in ("RC-000001", " rc-000001\t", "RC-000001\n"):
        found = find_sales(staff["cashier"], typed)
        assert [(row.number, row.kind, row.total, row.returnable, row.match) for row in found] == [
            ("RC-000001", "receipt", 11_300, True, "number")]
    assert found[0].at == SOLD_AT and found[0].customer_name == "" and found[0].customer_id is None
    note = take_return(staff["cashier"], first.number, [ReturnLine(1, 1_000)], reason="not_needed")
    found = find_sales(staff["cashier"], note.number.lower())
    assert [(row.number, row.returnable, row.match) for row in found] == [("RC-000001", False, "credit_note")]
    assert find_sales(staff["cashier"], "RC-999999") == [] and find_sales(staff["cashier"], "   ") == []


def test_a_customers_sales_are_found_by_name_or_phone_newest_first(staff, shop):
    sell(staff, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)], customer_id=shop["li"])
    sell(staff, [LineRequest(shop["caliper"], 1_000)], [Payment("card", 61_500, reference="T-1")], days=2,
         customer_id=shop["li"])
    sell(staff, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)], days=3)  # a walk-in's
    invoice = sell(staff, [LineRequest(shop["pads"], 2_000)], [Payment("on_account", 20_000)], days=1,
                   customer_id=shop["fleet"])
    by_name = find_sales(staff["cashier"], "li wei")
    assert [(row.number, row.customer_name, row.match) for row in by_name] == [
        ("RC-000002", "Li Wei", "customer"), ("RC-000001", "Li Wei", "customer")]
    assert [row.at for row in by_name] == [SOLD_AT + timedelta(days=2), SOLD_AT]
    assert [row.number for row in find_sales(staff["cashier"], "1234 5678")] == ["RC-000002", "RC-000001"]
    assert [(row.number, row.kind) for row in find_sales(staff["cashier"], "Fleet")] == [(invoice.number, "invoice")]
    assert find_sales(staff["cashier"], "Nobody Here") == []


def test_the_sales_of_a_part_are_found_by_its_number_or_oe_number_limited_and_newest_first(staff, shop):
    for day in range(4):
        sell(staff, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)], days=day)
    sell(staff, [LineRequest(shop["caliper"], 1_000)], [Payment("cash", 61_500)], days=5)
    by_number = find_sales(staff["cashier"], "bp 1")
    assert [(row.number, row.match) for row in by_number] == [(f"RC-00000{n}", "part") for n in (4, 3, 2, 1)]
    assert [row.number for row in find_sales(staff["cashier"], "5K0698151", limit=2)] == ["RC-000004", "RC-000003"]
    assert [row.number for row in find_sales(staff["cashier"], "CA-2")] == ["RC-000005"]
    assert len(find_sales(staff["cashier"], "BP-1", limit=10_000)) == 4  # capped at FIND_LIMIT_MAX, not refused
    assert FIND_LIMIT_MAX >= 100


def test_whether_anything_is_left_to_return_follows_the_credit_notes(staff, shop):
    sale = sell(staff, [LineRequest(shop["pads"], 2_000), LineRequest(shop["caliper"], 1_000)],
                [Payment("cash", 90_000)])
    take_return(staff["cashier"], sale.number, [ReturnLine(1, 2_000), ReturnLine(2, 1_000)], reason="not_needed")
    assert find_sales(staff["cashier"], sale.number)[0].returnable  # the caliper's core deposit is still there
    take_return(staff["cashier"], sale.number, [ReturnLine(3, 1_000)], reason="not_needed")
    assert not find_sales(staff["cashier"], sale.number)[0].returnable


def test_finding_sales_is_for_the_counter(staff, shop):
    sell(staff, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    with pytest.raises(PermissionDenied):
        find_sales(staff["technician"], "RC-000001")


def test_the_preview_gives_the_returns_money_and_refunds_and_writes_nothing(staff, shop):
    sale = sell(staff, [LineRequest(shop["pads"], 3_000)],  # 339.00
                [Payment("cash", 18_900), Payment("card", 10_000, reference="T-77"), Payment("prepaid", 5_000)],
                customer_id=shop["member"])
    counter = DocumentCounter.get(DocumentCounter.series == "credit_note").next_number \
        if DocumentCounter.get_or_none(DocumentCounter.series == "credit_note") else None
    preview = preview_return(staff["cashier"], sale.number.lower(), [ReturnLine(1, 1_000)])
    assert (preview.total, preview.tax) == (11_300, 1_300)
    assert preview.refunds == (Refund("prepaid", 5_000), Refund("card", 6_300, "T-77"))
    assert preview.manager_reasons == ()
    assert CreditNote.select().count() == 0
    now = DocumentCounter.get_or_none(DocumentCounter.series == "credit_note")
    assert (now.next_number if now else None) == counter
    done = take_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)], reason="wrong_part")
    assert (done.total, done.refunds) == (preview.total, preview.refunds)  # the preview is what happens
    after = preview_return(staff["cashier"], sale.number, [ReturnLine(1, 2_000)])
    assert (after.total, after.refunds) == (22_600, (Refund("card", 3_700, "T-77"), Refund("cash", 18_900)))
    assert preview_return(staff["cashier"], sale.number, []).total == 0


def test_the_preview_says_why_a_manager_must_approve(staff, shop, admin):
    sale = sell(staff, [LineRequest(shop["pads"], 2_000)], [Payment("cash", 22_600)])
    clock.set_clock(lambda: SOLD_AT + timedelta(days=31))
    preview = preview_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)])
    assert preview.manager_reasons == ("RC-000001 was sold 31 days ago (returns within 30 days)",)
    clock.set_clock(lambda: SOLD_AT)
    settings.set_value(admin, "counter.return_manager_above", 20_000)
    assert preview_return(staff["cashier"], sale.number, [ReturnLine(1, 1_000)]).manager_reasons == ()
    assert preview_return(staff["cashier"], sale.number, [ReturnLine(1, 2_000)]).manager_reasons == (
        "the return is worth 226.00 (above 200.00)",)


def test_the_preview_refuses_what_the_return_would_refuse(staff, shop):
    sale = sell(staff, [LineRequest(shop["pads"], 2_000)], [Payment("cash", 22_600)])
    with pytest.raises(ValidationError) as refused:
        preview_return(staff["cashier"], sale.number, [ReturnLine(1, 3_000), ReturnLine(4, 1_000)])
    assert "At most 2 can be returned: 2 sold." in refused.value.problems["lines.0.qty"]
    assert "has no line 4" in refused.value.problems["lines.1.sale_line_no"]
    with pytest.raises(UserError, match="no invoice or receipt RC-999999"):
        preview_return(staff["cashier"], "rc-999999", [ReturnLine(1, 1_000)])


def test_print_kind_is_the_paper_of_the_document_or_of_the_sale_a_credit_note_credits(staff, shop):
    receipt = sell(staff, [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    invoice = sell(staff, [LineRequest(shop["pads"], 1_000)], [Payment("on_account", 10_000)],
                   customer_id=shop["fleet"])
    on_roll = take_return(staff["cashier"], receipt.number, [ReturnLine(1, 1_000)], reason="not_needed")
    on_a4 = take_return(staff["cashier"], invoice.number, [ReturnLine(1, 1_000)], reason="wrong_part")
    assert [print_kind(n) for n in (receipt.number, invoice.number.lower(), on_roll.number, f" {on_a4.number} ")] == [
        "receipt", "invoice", "receipt", "invoice"]
    with pytest.raises(UserError, match="There is no credit note CN-000009"):
        print_kind("cn-000009")
    with pytest.raises(UserError, match="no invoice, receipt or credit note QT-000001"):
        print_kind("QT-000001")
    with pytest.raises(UserError, match="Type or scan the number"):
        print_kind("  ")
