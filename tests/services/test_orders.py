"""Phone and trade orders (partsdesk.services.orders) and their pick list PDF, on both engines:
taken with the counter's price rules, picked in bin order, sold through commit_sale in the
sale's own transaction, cancelled with a reason; bad input changes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.permissions import SYSTEM
from partsdesk.domain.tender import Payment
from partsdesk.models import AuditLog, CustomerOrder, CustomerOrderLine, DocumentCounter, Sale, transaction
from partsdesk.printing.pick_list import write_pick_list
from partsdesk.services import catalog, orders, stock, users
from partsdesk.services.orders import bin_key, cancel_order, create_order, find_orders, mark_picked, pick_list
from partsdesk.services.sales import LineRequest, commit_sale
from tests.services.counter_shop import counter_shop


@pytest.fixture
def shop(staff):
    """The counter shop (pads BP-1: 10, caliper CA-2: 2, no bins) with three parts on bins:
    an oil filter on B-1 (5), a wiper on A-10 (1) and a bulb on A-2 (40)."""
    made = counter_shop(staff, credit_limit="1000")

    def part(number: str, name: str, bin_location: str, on_hand: int) -> int:
        part_id = catalog.save_part(SYSTEM, None, {"number": number, "brand": "Bosch", "name_en": name,
                                                   "category": "brakes.pads", "price_retail": "50.00",
                                                   "price_trade": "45.00", "price_wholesale": "40.00",
                                                   "cost": "20.00", "tax_rate": "13", "bin": bin_location},
                                    barcodes=[], numbers=[], fitments=[])
        with transaction():
            stock.post_move(part_id=part_id, qty=on_hand, unit_cost=2_000, reason="receipt", document="GR-2",
                            user_id=None)
        return part_id

    made["filter"] = part("OF-7", "Oil filter", "B-1", 5_000)
    made["wiper"] = part("WB-5", "Wiper blade", "A-10", 1_000)
    made["bulb"] = part("H7-1", "Bulb H7", "A-2", 40_000)
    return made


def cart(shop) -> list[LineRequest]:
    return [LineRequest(shop["pads"], 2_000), LineRequest(shop["filter"], 1_000),
            LineRequest(shop["wiper"], 3_000), LineRequest(shop["bulb"], 2_000, discount_bp=500)]


def nothing_written() -> bool:
    return (not CustomerOrder.select().exists() and not CustomerOrderLine.select().exists()
            and not DocumentCounter.select().where(DocumentCounter.series == "order").exists())


def test_a_phone_order_is_saved_with_its_lines_and_listed_as_open(staff, shop):
    number = create_order(staff["cashier"], cart(shop), customer_id=shop["fleet"], channel="phone",
                          reference=" PO  4471 ", note="collect after 4 pm")
    assert number == "SO-000001"
    order = CustomerOrder.get(CustomerOrder.number == number)
    assert (order.status, order.channel, order.reference, order.note, order.customer_id) == (
        "open", "phone", "PO 4471", "collect after 4 pm", shop["fleet"])
    lines = list(CustomerOrderLine.select().where(CustomerOrderLine.order == order.id)
                 .order_by(CustomerOrderLine.line_no))
    assert [(x.line_no, x.part_id, x.qty, x.discount_bp) for x in lines] == [
        (1, shop["pads"], 2_000, 0), (2, shop["filter"], 1_000, 0), (3, shop["wiper"], 3_000, 0),
        (4, shop["bulb"], 2_000, 500)]
    audit = AuditLog.get(AuditLog.action == "order.create")
    assert audit.object_id == number and '"lines": 4' in audit.new_value

    [row] = find_orders(staff["cashier"], status=orders.OPEN_STATUSES)
    assert (row.number, row.customer_name, row.lines, row.status, row.taken_by) == (
        number, "Fleet Ltd", 4, "open", "Cashier")
    loaded = orders.order_lines(staff["cashier"], " so-000001 ")
    assert loaded.customer_id == shop["fleet"] and list(loaded.lines) == cart(shop)
    assert create_order(staff["cashier"], [LineRequest(shop["pads"], 1_000)], channel="trade") == "SO-000002"


def test_orders_are_found_by_number_customer_or_reference_and_by_status(staff, shop):
    first = create_order(staff["cashier"], [LineRequest(shop["pads"], 1_000)], customer_id=shop["fleet"],
                         channel="trade", reference="Garage 12")
    second = create_order(staff["cashier"], [LineRequest(shop["bulb"], 1_000)], customer_id=shop["member"],
                          channel="phone")
    third = create_order(staff["cashier"], [LineRequest(shop["bulb"], 1_000)], channel="phone", reference="Mr Li")
    cancel_order(staff["cashier"], third, "customer rang back")

    def numbers(**kwargs) -> list[str]:
        return [row.number for row in find_orders(staff["cashier"], **kwargs)]

    assert numbers(status=("open", "picked")) == [first, second]  # the work queue: oldest first
    assert numbers() == [third, second, first]  # everything: newest first
    assert numbers(status="cancelled") == [third]
    assert numbers(text="fleet") == [first] and numbers(text="garage") == [first]
    assert numbers(text="wu") == [second] and numbers(text="so-000003") == [third]
    assert numbers(text="nobody") == []
    with pytest.raises(ValidationError, match="Order status"):
        find_orders(staff["cashier"], status="lost")


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    (dict(lines=[]), "lines", "The order is empty"),
    (dict(lines=[LineRequest(424242, 1_000)]), "lines.0", "Line 1: the part is not for sale any more."),
    (dict(lines=[LineRequest("pads", 0)]), "lines.0", "Line 1: the quantity must be more than 0."),
    (dict(channel="email"), "channel", "by phone or as a trade order"),
    (dict(channel=""), "channel", "by phone or as a trade order"),
    (dict(reference="R" * 41), "reference", "at most 40 characters"),
    (dict(note="n" * 201), "note", "at most 200 characters"),
])
def test_bad_input_gets_a_clear_message_and_writes_nothing(staff, shop, kwargs, field, message):
    lines = [LineRequest(shop[line.part_id], line.qty) if isinstance(line.part_id, str) else line
             for line in kwargs.pop("lines", [LineRequest(shop["pads"], 1_000)])]
    arguments = {"channel": "phone", **kwargs}
    with pytest.raises(ValidationError) as refused:
        create_order(staff["cashier"], lines, **arguments)
    assert field in refused.value.problems and message in refused.value.problems[field]
    assert nothing_written()


def test_a_line_holding_a_quotes_price_is_refused_rather_than_silently_repriced(staff, shop):
    with pytest.raises(ValidationError) as refused:
        create_order(staff["cashier"], [LineRequest(shop["pads"], 1_000, held_price=9_000)], channel="phone")
    assert "holds a quote's price" in refused.value.problems["lines.0"] and nothing_written()


def test_an_inactive_customer_or_a_role_that_does_not_sell_is_refused(staff, shop):
    with pytest.raises(UserError, match="not in the customer file"):
        create_order(staff["cashier"], [LineRequest(shop["pads"], 1_000)], customer_id=99_999, channel="phone")
    for role in ("storekeeper", "technician"):
        with pytest.raises(PermissionDenied):
            create_order(staff[role], [LineRequest(shop["pads"], 1_000)], channel="phone")
        with pytest.raises(PermissionDenied):
            find_orders(staff[role])
    assert nothing_written()


def test_a_discount_below_the_cashiers_floor_needs_a_manager_as_at_the_counter(staff, shop):
    below = [LineRequest(shop["pads"], 1_000, discount_bp=4_000)]  # 40 % off: below the 15 % floor
    with pytest.raises(PermissionDenied) as refused:
        create_order(staff["cashier"], below, channel="phone")
    assert refused.value.permission == "counter.below_floor" and nothing_written()
    typed = [LineRequest(shop["pads"], 1_000, override_price=6_000)]  # at cost
    with pytest.raises(PermissionDenied):
        create_order(staff["cashier"], typed, channel="phone")
    assert nothing_written()
    approval = users.step_up(staff["cashier"], approver="manager", secret="1357", permission="counter.below_floor",
                             reason="fleet deal")
    number = create_order(staff["cashier"], below, channel="phone", approvals={"counter.below_floor": approval})
    audit = AuditLog.get(AuditLog.action == "order.create")
    assert audit.object_id == number and audit.approved_by_id == approval.approver_id
    assert audit.reason == "fleet deal" and '"discount_bp": 4000' in audit.new_value
    assert create_order(staff["manager"], below, channel="trade") == "SO-000002"  # a manager's own floor


def test_the_pick_list_walks_the_bins_and_flags_a_short_line(staff, shop):
    number = create_order(staff["cashier"], cart(shop), customer_id=shop["fleet"], channel="trade", reference="PO 9")
    doc = pick_list(staff["cashier"], number)
    assert [(x.bin, x.part_number, x.qty, x.available, x.short) for x in doc.lines] == [
        ("A-2", "H7-1", 2_000, 40_000, False), ("A-10", "WB-5", 3_000, 1_000, True),
        ("B-1", "OF-7", 1_000, 5_000, False), ("", "BP-1", 2_000, 10_000, False)]
    assert {x.brand for x in doc.lines} == {"Bosch"}
    assert (doc.number, doc.customer_name, doc.channel_label, doc.reference, doc.short_lines) == (
        number, "Fleet Ltd", "Trade", "PO 9", 1)
    assert bin_key("A-2", "x") < bin_key("A-10", "x") < bin_key("a-11", "x") < bin_key("B-1", "x") < bin_key("", "x")


def test_two_lines_of_one_part_share_what_the_shelf_holds(staff, shop):
    number = create_order(staff["cashier"], [LineRequest(shop["filter"], 4_000), LineRequest(shop["filter"], 2_000)],
                          channel="phone")
    assert [(x.qty, x.available, x.short) for x in pick_list(staff["cashier"], number).lines] == [
        (4_000, 5_000, False), (2_000, 1_000, True)]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def barcodes(path: Path) -> list[str]:
    image = path.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(image)],
                   check=True)
    return subprocess.run(["zbarimg", "-q", "--raw", f"{image}.png"], capture_output=True, text=True).stdout.split()


def test_the_pick_list_pdf_shows_the_lines_in_bin_order_and_the_scannable_number(staff, shop, tmp_path):
    number = create_order(staff["cashier"], cart(shop), customer_id=shop["fleet"], channel="phone",
                          reference="PO 9", note="van at the back door")
    out = tmp_path / "pick.pdf"
    write_pick_list(pick_list(staff["cashier"], number), out)
    text = pdf_text(out)
    order = [text.index(part) for part in ("H7-1", "WB-5", "OF-7", "BP-1")]
    assert order == sorted(order), text  # B-1, then the part with no bin
    assert "Pick list" in text and f"Order: {number}" in text and "Fleet Ltd" in text
    assert "Phone order, reference PO 9" in text and "Note: van at the back door" in text
    assert "1 line(s) SHORT" in text and "(no bin)" in text
    wiper = next(line for line in text.splitlines() if "WB-5" in line)
    assert "A-10" in wiper and "3" in wiper and "SHORT" in wiper
    assert "Picked by" in text and "Checked by" in text and "Page 1" in text
    assert barcodes(out) == [number]


def test_marking_picked_then_again_says_it_is_already_picked(staff, shop):
    number = create_order(staff["cashier"], cart(shop), channel="phone")
    row = mark_picked(staff["cashier"], number.lower())
    assert (row.status, row.picked_by) == ("picked", "Cashier") and row.picked_at is not None
    audit = AuditLog.get(AuditLog.action == "order.picked")
    assert audit.object_id == number and audit.user_id == staff["cashier"].user_id
    with pytest.raises(UserError, match=r"Order SO-000001 is already picked \(by Cashier\)\."):
        mark_picked(staff["manager"], number)
    assert CustomerOrder.get(CustomerOrder.number == number).picked_by_id == staff["cashier"].user_id
    with pytest.raises(UserError, match="There is no order SO-000009."):
        mark_picked(staff["cashier"], "SO-000009")
    assert pick_list(staff["cashier"], number).picked_by == "Cashier"


def test_selling_the_order_marks_it_sold_in_the_same_transaction(staff, shop):
    number = create_order(staff["cashier"], [LineRequest(shop["pads"], 2_000)], customer_id=shop["fleet"],
                          channel="trade")
    mark_picked(staff["cashier"], number)
    loaded = orders.order_lines(staff["cashier"], number)
    sale = commit_sale(staff["cashier"], loaded.lines, [Payment("on_account", 20_000)],
                       customer_id=loaded.customer_id, order_number=number)
    order = CustomerOrder.get(CustomerOrder.number == number)
    assert (order.status, order.sold_as) == ("sold", sale.number) and order.closed_at is not None
    assert AuditLog.get(AuditLog.action == "order.sold").object_id == number
    assert find_orders(staff["cashier"], status=orders.OPEN_STATUSES) == []
    with pytest.raises(UserError, match=f"already sold as {sale.number}"):
        orders.order_lines(staff["cashier"], number)

    # selling it a second time is refused and leaves no trace: no sale, no number, no stock moved
    before = (Sale.select().count(), stock.on_hand([shop["pads"]]))
    with pytest.raises(UserError, match=f"Order {number} was already sold as {sale.number}. Nothing was sold."):
        commit_sale(staff["cashier"], loaded.lines, [Payment("cash", 30_000)], order_number=number)
    assert (Sale.select().count(), stock.on_hand([shop["pads"]])) == before
    assert commit_sale(staff["cashier"], loaded.lines, [Payment("cash", 30_000)]).number == "RC-000001"


def test_a_cancelled_order_cannot_be_sold_picked_or_cancelled_again(staff, shop):
    number = create_order(staff["cashier"], [LineRequest(shop["pads"], 1_000)], channel="phone")
    with pytest.raises(ValidationError, match="Say why"):
        cancel_order(staff["cashier"], number, "   ")
    assert CustomerOrder.get(CustomerOrder.number == number).status == "open"
    row = cancel_order(staff["cashier"], number, "  found it cheaper ")
    assert row.status == "cancelled" and row.closed_at is not None
    assert AuditLog.get(AuditLog.action == "order.cancel").reason == "found it cheaper"
    for attempt in (lambda: cancel_order(staff["cashier"], number, "again"),
                    lambda: mark_picked(staff["cashier"], number),
                    lambda: orders.order_lines(staff["cashier"], number),
                    lambda: commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000)],
                                        [Payment("cash", 20_000)], order_number=number)):
        with pytest.raises(UserError, match=f"Order {number} was cancelled."):
            attempt()
    assert not Sale.select().exists()
    assert not DocumentCounter.select().where(DocumentCounter.series == "receipt").exists()  # no number used
