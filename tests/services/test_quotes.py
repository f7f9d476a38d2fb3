"""Quotes, on both engines: saved priced as a sale (tier, floor, core deposits) with labour, found
by number, customer or part, sold at the held price while valid (the cashier's choice audited),
re-priced after expiry, converted once, cancelled with a reason."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.tender import Payment
from partsdesk.models import AuditLog, CustomerEvent, DocumentCounter, Part, Quote, QuoteLine, Sale, SaleLine
from partsdesk.services import clock, quotes, settings, stock, users
from partsdesk.services.quotes import LabourRequest, cancel_quote, find_quotes, quote_for_sale, save_quote
from partsdesk.services.sales import LineRequest, commit_sale, price_cart
from tests.services.counter_shop import SOLD_AT, counter_shop


@pytest.fixture
def shop(staff):
    return counter_shop(staff, credit_limit="1000")


def today():
    return clock.shop_today()


def later(days: int) -> None:
    clock.set_clock(lambda: SOLD_AT + timedelta(days=days))


def audit_of(action: str, number: str) -> dict:
    row = AuditLog.get((AuditLog.action == action) & (AuditLog.object_id == number))
    return json.loads(row.new_value)


def test_a_quote_is_priced_as_a_sale_with_its_core_deposit_and_labour(staff, shop):
    result = save_quote(staff["cashier"], [LineRequest(shop["pads"], 2_000), LineRequest(shop["caliper"], 1_000)],
                        labour=[LabourRequest("Fit brake pads", 1_500), LabourRequest("Bleed brakes", 500, 20_000)],
                        note="  call before   ordering ")
    assert result.number == "QT-000001"
    assert result.valid_until == today() + timedelta(days=14)  # counter.quote_valid_days
    quote = Quote.get(Quote.number == "QT-000001")
    lines = list(QuoteLine.select().where(QuoteLine.quote == quote.id).order_by(QuoteLine.line_no))
    assert [(x.kind, x.description, x.qty, x.unit, x.unit_price, x.total, x.core_of_line) for x in lines] == [
        ("part", "Part BP-1", 2_000, "pcs", 11_300, 22_600, None),
        ("part", "Part CA-2", 1_000, "pcs", 56_500, 56_500, None),
        ("core", "Core deposit: CA-2", 1_000, "pcs", 5_000, 5_000, 2),
        ("labour", "Fit brake pads", 1_500, "h", 15_000, 22_500, None),  # the shop's labour rate
        ("labour", "Bleed brakes", 500, "h", 20_000, 10_000, None)]
    assert lines[2].tax == 0 and lines[3].tax_rate_bp == 1_300  # labour at the shop's default tax rate
    assert (quote.total, quote.status, quote.note, quote.price_tier) == (116_600, "open", "call before ordering",
                                                                           "retail")
    assert quote.total == sum(x.total for x in lines) and quote.net + quote.tax == quote.total
    assert result.total == quote.total
    assert audit_of("quote.save", "QT-000001")["total"] == 116_600
    assert stock.on_hand([shop["pads"]]) == {shop["pads"]: 10_000}  # a quote takes nothing from the shelf


def test_a_customers_quote_is_at_their_tier_and_on_their_timeline(staff, shop):
    result = save_quote(staff["cashier"], [LineRequest(shop["pads"], 1_000)], customer_id=shop["fleet"],
                        valid_until=today() + timedelta(days=3))
    quote = Quote.get_by_id(result.quote_id)
    assert (quote.price_tier, quote.total, quote.valid_until) == ("trade", 10_000, today() + timedelta(days=3))
    event = CustomerEvent.get((CustomerEvent.customer == shop["fleet"]) & (CustomerEvent.kind == "quote"))
    assert (event.document_no, event.amount, event.document_type) == (result.number, 10_000, "quote")
    assert "valid until" in event.summary


@pytest.mark.parametrize(("kwargs", "field", "words"), [
    (dict(lines=[]), "lines", "no parts"),
    (dict(valid_until="past"), "valid_until", "past"),
    (dict(labour=[LabourRequest("", 1_000)]), "labour.0", "say what is done"),
    (dict(labour=[LabourRequest("Fit", 0)]), "labour.0", "hours"),
    (dict(labour=[LabourRequest("Fit", 1_000, -5)]), "labour.0", "rate"),
    (dict(note="x" * 201), "note", "at most 200"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_written(staff, shop, kwargs, field, words):
    kwargs = dict(kwargs)
    lines = kwargs.pop("lines", [LineRequest(shop["pads"], 1_000)])
    if kwargs.get("valid_until") == "past":
        kwargs["valid_until"] = today() - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        save_quote(staff["cashier"], lines, **kwargs)
    assert words in error.value.problems[field].lower()
    assert Quote.select().count() == 0 and QuoteLine.select().count() == 0
    assert not DocumentCounter.select().where(DocumentCounter.series == "quote").exists()
    assert save_quote(staff["cashier"], [LineRequest(shop["pads"], 1_000)]).number == "QT-000001"  # no gap


def test_a_discount_below_the_floor_needs_a_manager_on_a_quote_too(staff, shop):
    cart = [LineRequest(shop["pads"], 1_000, discount_bp=4_000)]
    with pytest.raises(PermissionDenied):
        save_quote(staff["cashier"], cart)
    assert Quote.select().count() == 0
    approval = users.step_up(staff["cashier"], approver="manager", secret="1357", permission="counter.below_floor",
                             reason="fleet tender")
    result = save_quote(staff["cashier"], cart, approvals={"counter.below_floor": approval})
    assert QuoteLine.get(QuoteLine.quote == result.quote_id).unit_price == 6_780
    recorded = AuditLog.get((AuditLog.action == "quote.save") & (AuditLog.object_id == result.number))
    assert recorded.approved_by_id == approval.approver_id


def test_quotes_are_found_by_number_scan_customer_and_part_newest_first(staff, shop):
    first = save_quote(staff["cashier"], [LineRequest(shop["pads"], 1_000)], customer_id=shop["fleet"],
                       valid_until=today())
    second = save_quote(staff["cashier"], [LineRequest(shop["caliper"], 1_000)], customer_id=shop["member"])
    actor = staff["cashier"]
    assert [r.number for r in find_quotes(actor)] == [second.number, first.number]
    assert [r.number for r in find_quotes(actor, " qt-000001 ")] == [first.number]  # a scanned or typed number
    assert [r.number for r in find_quotes(actor, "QT-2")] == [second.number]
    assert [r.number for r in find_quotes(actor, "fleet")] == [first.number]
    assert [r.number for r in find_quotes(actor, "ca 2")] == [second.number]  # part number, spaces ignored
    assert find_quotes(actor, "nothing like it") == []
    assert [r.state for r in find_quotes(actor)] == ["valid", "valid"]
    later(1)
    rows = {r.number: r for r in find_quotes(actor)}
    assert (rows[first.number].state, rows[first.number].state_label) == ("expired", "Expired")
    assert rows[second.number].state == "valid"
    assert rows[first.number].customer_name == "Fleet Ltd"
    cancel_quote(actor, second.number, "customer bought elsewhere")
    assert [r.number for r in find_quotes(actor, status="cancelled")] == [second.number]
    assert [r.number for r in find_quotes(actor, status="open")] == [first.number]
    with pytest.raises(ValidationError):
        find_quotes(actor, status="lost")


def test_a_valid_quote_after_a_price_rise_shows_both_prices_and_sells_at_the_held_one(staff, shop):
    quote = save_quote(staff["cashier"], [LineRequest(shop["pads"], 2_000), LineRequest(shop["caliper"], 1_000)],
                       labour=[LabourRequest("Fit brake pads", 1_000)])
    Part.update(price_retail=12_430).where(Part.id == shop["pads"]).execute()  # 113.00 -> 124.30
    settings.set_value(staff["manager"], "counter.labour_rate", 18_000)  # labour holds at the quoted rate
    later(2)
    offer = quote_for_sale(staff["cashier"], "qt-000001", today=today())
    assert not offer.expired
    pads, caliper = offer.lines
    assert (pads.price.quoted, pads.price.today, pads.price.changed) == (11_300, 12_430, True)
    assert "124.30" in pads.price.notice and "113.00" in pads.price.notice
    assert not caliper.price.changed and offer.changed == (pads,)
    assert [(w.rate, w.amount) for w in offer.labour] == [(15_000, 15_000)]
    cart = offer.cart_lines()  # the cashier keeps the quoted price
    assert cart[0] == LineRequest(shop["pads"], 2_000, held_price=11_300)
    view = price_cart(staff["cashier"], cart, quote_number=quote.number)
    assert view.lines[0].unit_price == 11_300 and not view.needs_manager
    assert view.total == 22_600 + 56_500 + 5_000 + 15_000  # with the labour
    assert "QT-000001" in view.quote_notice
    result = commit_sale(staff["cashier"], cart, [Payment("cash", view.total)], quote_number=quote.number)
    sold = list(SaleLine.select().where(SaleLine.sale == result.sale_id).order_by(SaleLine.line_no))
    assert [(x.description, x.unit, x.unit_price, x.part_id is None) for x in sold] == [
        ("Part BP-1", "pcs", 11_300, False), ("Part CA-2", "pcs", 56_500, False),
        ("Core deposit: CA-2", "pcs", 5_000, True), ("Fit brake pads", "h", 15_000, True)]
    assert [x.price_source for x in sold] == ["quote", "quote", "list", "quote"]
    assert Sale.get_by_id(result.sale_id).total == view.total
    converted = Quote.get(Quote.number == quote.number)
    assert (converted.status, converted.converted_to) == ("converted", result.number)
    assert converted.converted_at is not None
    recorded = audit_of("sale.commit", result.number)
    assert recorded["price_changes"] == []  # a held price is not the cashier's override
    assert recorded["quote"]["lines"][0] == {"line": 1, "part": "BP-1", "quoted": 11_300, "today": 12_430,
                                             "charged": 11_300, "choice": "quoted"}
    # a quote is sold once
    with pytest.raises(UserError, match="already sold as"):
        commit_sale(staff["cashier"], cart, [Payment("cash", view.total)], quote_number=quote.number)
    with pytest.raises(UserError, match="already sold as"):
        quote_for_sale(staff["cashier"], quote.number, today=today())
    assert Sale.select().count() == 1


def test_the_cashier_may_choose_todays_price_instead_and_the_choice_is_audited(staff, shop):
    quote = save_quote(staff["cashier"], [LineRequest(shop["pads"], 1_000)])
    Part.update(price_retail=10_170).where(Part.id == shop["pads"]).execute()  # a price cut: 101.70
    offer = quote_for_sale(staff["cashier"], quote.number, today=today())
    cart = offer.cart_lines({offer.lines[0].line_no: False})
    assert cart == [LineRequest(shop["pads"], 1_000)]
    result = commit_sale(staff["cashier"], cart, [Payment("cash", 10_170)], quote_number=quote.number)
    assert result.total == 10_170
    assert audit_of("sale.commit", result.number)["quote"]["lines"][0] == {
        "line": 1, "part": "BP-1", "quoted": 11_300, "today": 10_170, "charged": 10_170, "choice": "today"}


def test_an_expired_quote_re_prices_at_todays_prices_with_a_notice(staff, shop):
    quote = save_quote(staff["cashier"], [LineRequest(shop["pads"], 1_000)], labour=[LabourRequest("Fit", 1_000)],
                       valid_until=today() + timedelta(days=1))
    Part.update(price_retail=12_430).where(Part.id == shop["pads"]).execute()
    settings.set_value(staff["manager"], "counter.labour_rate", 18_000)
    later(1)  # the last valid day: the price still holds
    assert not quote_for_sale(staff["cashier"], quote.number, today=today()).expired
    later(2)
    offer = quote_for_sale(staff["cashier"], quote.number, today=today())
    assert offer.expired and "expired" in offer.notice
    line = offer.lines[0]
    assert (line.price.price, line.price.expired) == (12_430, True)
    assert "re-priced at today's 124.30 (quoted 113.00)" in line.price.notice
    assert [(w.rate, w.quoted_rate) for w in offer.labour] == [(18_000, 15_000)]
    held = [LineRequest(shop["pads"], 1_000, held_price=11_300)]
    with pytest.raises(ValidationError, match="expired"):
        commit_sale(staff["cashier"], held, [Payment("cash", 30_000)], quote_number=quote.number)
    cart = offer.cart_lines()
    assert cart == [LineRequest(shop["pads"], 1_000)]
    result = commit_sale(staff["cashier"], cart, [Payment("cash", 30_430)], quote_number=quote.number)
    assert result.total == 12_430 + 18_000
    assert Quote.get(Quote.number == quote.number).status == "converted"


def test_held_prices_are_checked_against_the_quote(staff, shop):
    quote = save_quote(staff["cashier"], [LineRequest(shop["pads"], 1_000)])
    pay = [Payment("cash", 50_000)]
    for lines, number, words in (
            ([LineRequest(shop["pads"], 1_000, held_price=11_300)], "", "not from a quote"),
            ([LineRequest(shop["pads"], 1_000, held_price=9_000)], quote.number, "does not hold"),
            ([LineRequest(shop["caliper"], 1_000, held_price=11_300)], quote.number, "does not hold"),
            ([LineRequest(shop["pads"], 1_000, discount_bp=500, held_price=11_300)], quote.number, "no discount")):
        with pytest.raises(ValidationError, match=words):
            commit_sale(staff["cashier"], lines, pay, quote_number=number)
    with pytest.raises(UserError, match="no quote QT-000009"):
        commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000)], pay, quote_number="QT-000009")
    assert Sale.select().count() == 0 and Quote.get_by_id(quote.quote_id).status == "open"
    # more of the part than quoted still sells at the held unit price
    result = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 3_000, held_price=11_300)], pay,
                         quote_number=quote.number)
    assert result.total == 33_900


def test_a_failed_sale_leaves_the_quote_open(staff, shop):
    quote = save_quote(staff["cashier"], [LineRequest(shop["pads"], 1_000)])
    with pytest.raises(ValidationError):  # not enough money
        commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000, held_price=11_300)],
                    [Payment("cash", 100)], quote_number=quote.number)
    assert Quote.get_by_id(quote.quote_id).status == "open"


def test_a_cancelled_quote_cannot_be_sold_and_needs_a_reason(staff, shop):
    quote = save_quote(staff["cashier"], [LineRequest(shop["pads"], 1_000)])
    with pytest.raises(ValidationError, match="why"):
        cancel_quote(staff["cashier"], quote.number, "  ")
    assert Quote.get_by_id(quote.quote_id).status == "open"
    cancel_quote(staff["cashier"], quote.number.lower(), "customer declined")
    assert Quote.get_by_id(quote.quote_id).status == "cancelled"
    row = AuditLog.get((AuditLog.action == "quote.cancel") & (AuditLog.object_id == quote.number))
    assert row.reason == "customer declined"
    with pytest.raises(UserError, match="cancelled"):
        quote_for_sale(staff["cashier"], quote.number, today=today())
    with pytest.raises(UserError, match="cancelled"):
        commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000)], [Payment("cash", 20_000)],
                    quote_number=quote.number)
    with pytest.raises(UserError, match="cancelled already"):
        cancel_quote(staff["cashier"], quote.number, "again")


def test_a_converted_quote_cannot_be_cancelled(staff, shop):
    quote = save_quote(staff["cashier"], [LineRequest(shop["pads"], 1_000)])
    result = commit_sale(staff["cashier"], quote_for_sale(staff["cashier"], quote.number, today=today()).cart_lines(),
                         [Payment("cash", 11_300)], quote_number=quote.number)
    with pytest.raises(UserError, match=result.number):
        cancel_quote(staff["cashier"], quote.number, "too late")


def test_the_quote_document_has_parts_and_labour_apart(staff, shop):
    quote = save_quote(staff["cashier"], [LineRequest(shop["caliper"], 1_000)], customer_id=shop["fleet"],
                       labour=[LabourRequest("Fit caliper", 2_000)], note="parts on order: 2 days")
    doc = quotes.quote_document(quote.number.lower(), copy=True)
    assert (doc.number, doc.customer_name, doc.copy, doc.status) == (quote.number, "Fleet Ltd", True, "open")
    assert [x.kind for x in doc.parts] == ["part", "core"] and [x.kind for x in doc.labour] == ["labour"]
    assert doc.parts_total + doc.labour_total == doc.total
    assert sum(b.total for b in doc.tax_by_rate) == doc.total
    with pytest.raises(UserError, match="no quote"):
        quotes.quote_document("QT-000042")


def test_only_the_counter_makes_quotes(staff, shop):
    with pytest.raises(PermissionDenied):
        save_quote(staff["technician"], [LineRequest(shop["pads"], 1_000)])
    assert isinstance(SOLD_AT, datetime)
