"""Committing a sale, on both engines: one transaction or nothing; prices from the customer's
tier, the floor and the stock policy enforced with a manager's approval; every way to pay."""

from __future__ import annotations

import pytest

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.tender import Payment
from partsdesk.models import (
    AccountEntry,
    AuditLog,
    Customer,
    CustomerEvent,
    LostSale,
    Sale,
    SaleLine,
    SalePayment,
    StockMove,
)
from partsdesk.services import accounts, check, membership, sales, settings, stock, users
from partsdesk.services.sales import LineRequest, commit_sale
from tests.services.counter_shop import counter_shop


@pytest.fixture
def shop(staff):
    return counter_shop(staff, credit_limit="1000")


def approval(staff, permission: str):
    return users.step_up(staff["cashier"], approver="manager", secret="1357", permission=permission,
                         reason="regular customer")


def test_a_walk_in_pays_cash_and_gets_a_receipt_with_change(staff, shop):
    result = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 2_000)], [Payment("cash", 30_000)])
    assert (result.number, result.kind, result.total, result.change) == ("RC-000001", "receipt", 22_600, 7_400)
    sale = Sale.get_by_id(result.sale_id)
    assert (sale.price_tier, sale.net, sale.tax, sale.total) == ("retail", 20_000, 2_600, 22_600)
    line = SaleLine.get(SaleLine.sale == sale.id)
    assert (line.unit_price, line.net, line.tax, line.total, line.unit_cost) == (11_300, 20_000, 2_600, 22_600, 6_000)
    paid = SalePayment.get(SalePayment.sale == sale.id)
    assert (paid.method, paid.amount, paid.tendered, paid.change_given) == ("cash", 22_600, 30_000, 7_400)
    assert stock.on_hand([shop["pads"]]) == {shop["pads"]: 8_000}
    assert StockMove.get(StockMove.document == "RC-000001").qty == -2_000
    assert all(r.ok for r in check.run_checks()), [r.describe() for r in check.run_checks() if not r.ok]


def test_a_company_on_account_gets_an_invoice_at_its_tier_with_the_core_deposit(staff, shop):
    accounts.override_class(staff["manager"], shop["fleet"], "A", reason="fleet contract")
    result = commit_sale(staff["cashier"], [LineRequest(shop["caliper"], 1_000)], [Payment("on_account", 50_000)],
                         customer_id=shop["fleet"])
    assert (result.number, result.kind, result.total) == ("INV-000001", "invoice", 50_000)
    lines = list(SaleLine.select().where(SaleLine.sale == result.sale_id).order_by(SaleLine.line_no))
    assert [(x.description, x.unit_price, x.total, x.core_of_line) for x in lines] == [
        ("Part CA-2", 45_000, 45_000, None), ("Core deposit: CA-2", 5_000, 5_000, 1)]
    assert lines[1].tax == 0  # a core deposit carries no tax
    sale = Sale.get_by_id(result.sale_id)
    assert (sale.price_tier, sale.customer_tax_id) == ("wholesale", "91310000X")
    assert Customer.get_by_id(shop["fleet"]).account_balance == 50_000
    assert AccountEntry.get(AccountEntry.document == "INV-000001").amount == 50_000
    event = CustomerEvent.get((CustomerEvent.customer == shop["fleet"]) & (CustomerEvent.kind == "sale"))
    assert (event.document_no, event.amount, event.document_id) == ("INV-000001", 50_000, result.sale_id)


def test_a_member_pays_with_prepaid_and_points_and_earns_points_on_the_rest(staff, shop):
    membership.adjust_points(staff["manager"], shop["member"], 500, reason="welcome gift")
    result = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 3_000)],
                         [Payment("points", points=400), Payment("prepaid", 20_000), Payment("cash", 20_000)],
                         customer_id=shop["member"])
    assert result.total == 33_900 and result.change == 6_500  # 4.00 by points, 200.00 prepaid, 135.00 cash
    member = Customer.get_by_id(shop["member"])
    assert member.prepaid_balance == 0
    assert member.points_balance == 100 + 335  # 500 - 400 redeemed + 1 per 1.00 of the 335.00 paid in money
    assert all(r.ok for r in check.run_checks())


def test_a_discount_below_the_cashiers_floor_needs_a_manager(staff, shop):
    cart = [LineRequest(shop["pads"], 1_000, discount_bp=4_000)]  # 40 % off: below the 15 % floor
    with pytest.raises(PermissionDenied) as refused:
        commit_sale(staff["cashier"], cart, [Payment("cash", 10_000)])
    assert refused.value.permission == "counter.below_floor"
    assert Sale.select().count() == 0
    result = commit_sale(staff["cashier"], cart, [Payment("cash", 10_000)],
                         approvals={"counter.below_floor": approval(staff, "counter.below_floor")})
    line = SaleLine.get(SaleLine.sale == result.sale_id)
    assert (line.unit_price, line.discount_bp, line.approval_reason) == (6_780, 4_000, "regular customer")
    assert line.approved_by_id == staff["manager"].user_id
    row = AuditLog.select().where(AuditLog.action == "sale.commit").order_by(AuditLog.id.desc()).first()
    assert row.approved_by_id == staff["manager"].user_id and '"discount_bp": 4000' in row.new_value
    commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000, discount_bp=500)], [Payment("cash", 20_000)])


@pytest.mark.parametrize("policy", ["allow", "manager", "refuse"])
def test_selling_more_than_the_shelf_follows_the_shops_policy(staff, shop, admin, policy):
    settings.set_value(admin, "counter.negative_stock", policy)
    cart = [LineRequest(shop["caliper"], 3_000)]  # 2 in stock
    pay = [Payment("cash", 200_000)]
    if policy == "allow":
        result = commit_sale(staff["cashier"], cart, pay)
        assert result.warnings and "below zero" in result.warnings[0]
        assert stock.on_hand([shop["caliper"]]) == {shop["caliper"]: -1_000}
        return
    expected = PermissionDenied if policy == "manager" else ValidationError
    with pytest.raises(expected):
        commit_sale(staff["cashier"], cart, pay)
    assert Sale.select().count() == 0 and stock.on_hand([shop["caliper"]]) == {shop["caliper"]: 2_000}
    if policy == "manager":
        commit_sale(staff["cashier"], cart, pay,
                    approvals={"counter.negative_stock": approval(staff, "counter.negative_stock")})
        assert stock.on_hand([shop["caliper"]]) == {shop["caliper"]: -1_000}


def test_on_account_over_the_limit_is_blocked_until_a_manager_approves(staff, shop, admin):
    settings.set_value(admin, "credit.policy", "block")
    cart = [LineRequest(shop["caliper"], 2_000)]  # 1,000.00 at trade prices + 100.00 deposits > the 1,000.00 limit
    with pytest.raises(PermissionDenied) as refused:
        commit_sale(staff["cashier"], cart, [Payment("on_account", 110_000)], customer_id=shop["fleet"])
    assert refused.value.permission == "account.exceed_credit"
    assert Sale.select().count() == 0 and Customer.get_by_id(shop["fleet"]).account_balance == 0
    result = commit_sale(staff["cashier"], cart, [Payment("on_account", 110_000)], customer_id=shop["fleet"],
                         approvals={"account.exceed_credit": approval(staff, "account.exceed_credit")})
    assert result.number == "INV-000001" and Customer.get_by_id(shop["fleet"]).account_balance == 110_000


def test_a_sale_that_fails_half_way_leaves_no_trace_and_no_gap(staff, shop, monkeypatch):
    commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])

    def jammed(**_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(stock, "post_move", jammed)  # fails after the sale row and its number are written
    with pytest.raises(RuntimeError, match="disk full"):
        commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    monkeypatch.undo()
    assert [s.number for s in Sale.select()] == ["RC-000001"]
    assert SalePayment.select().count() == 1 and stock.on_hand([shop["pads"]]) == {shop["pads"]: 9_000}
    assert commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000)],
                       [Payment("cash", 11_300)]).number == "RC-000002"  # no gap


@pytest.mark.parametrize("lines, payments, customer, field", [
    ([], [Payment("cash", 100)], None, "lines"),
    ([LineRequest(999_999, 1_000)], [Payment("cash", 100)], None, "lines.0"),
    (["pads"], [Payment("cash", 100)], None, "remaining"),
    (["pads"], [Payment("on_account", 11_300)], None, "payments"),
    (["pads"], [Payment("prepaid", 11_300)], "fleet", "prepaid"),
], ids=["empty cart", "unknown part", "too little cash", "walk-in on account", "no prepaid balance"])
def test_a_cart_or_tender_that_cannot_be_sold_changes_nothing(staff, shop, lines, payments, customer, field):
    cart = [LineRequest(shop[x], 1_000) if isinstance(x, str) else x for x in lines]
    with pytest.raises(ValidationError) as refused:
        commit_sale(staff["cashier"], cart, payments, customer_id=shop[customer] if customer else None)
    assert field in refused.value.problems
    assert Sale.select().count() == 0 and StockMove.select().where(StockMove.reason == "sale").count() == 0


def test_a_technician_cannot_sell_and_lost_sales_are_recorded(staff, shop):
    with pytest.raises(PermissionDenied):
        commit_sale(staff["technician"], [LineRequest(shop["pads"], 1_000)], [Payment("cash", 11_300)])
    sales.record_lost_sale(staff["cashier"], shop["caliper"], 3_000, customer_id=shop["fleet"])
    lost = LostSale.get()
    assert (lost.part_id, lost.qty, lost.customer_id) == (shop["caliper"], 3_000, shop["fleet"])
    with pytest.raises(ValidationError):
        sales.record_lost_sale(staff["cashier"], shop["caliper"], 0)


def test_the_cart_preview_prices_at_the_tier_and_says_what_needs_a_manager(staff, shop, admin):
    settings.set_value(admin, "counter.negative_stock", "manager")
    cart = [LineRequest(shop["pads"], 2_000, discount_bp=4_000), LineRequest(shop["caliper"], 3_000)]
    view = sales.price_cart(staff["cashier"], cart, customer_id=shop["fleet"])
    assert (view.tier, view.total) == ("trade", 2 * 6_000 + 3 * 50_000 + 3 * 5_000)
    pads, caliper = view.lines
    assert (pads.list_price, pads.unit_price, pads.available, pads.needs_manager) == (
        10_000, 6_000, 10_000, ("counter.below_floor",))
    assert "below the cost" in pads.messages[0]  # 60.00 with tax: 53.10 before tax, under the 60.00 cost
    assert (caliper.core_deposit, caliper.available, caliper.needs_manager) == (15_000, 2_000,
                                                                              ("counter.negative_stock",))
    assert view.needs_manager == ("counter.below_floor", "counter.negative_stock")
    assert sales.price_cart(staff["manager"], cart, customer_id=shop["fleet"]).needs_manager == ()
    assert sales.price_cart(staff["cashier"], []).total == 0  # an empty cart costs nothing
    assert Sale.select().count() == 0  # a preview writes nothing


def test_a_parked_sale_survives_and_is_recalled_once(staff, shop):
    cart = [LineRequest(shop["pads"], 2_000), LineRequest(shop["caliper"], 1_000, discount_bp=500)]
    held = sales.park_cart(staff["cashier"], "  blue   van ", cart, customer_id=shop["fleet"])
    rows = sales.held_carts(staff["service_advisor"])  # another counter sees it
    assert [(r.id, r.name, r.customer_name, r.lines, r.held_by) for r in rows] == [
        (held, "blue van", "Fleet Ltd", tuple(cart), "Cashier")]
    recalled = sales.recall_cart(staff["service_advisor"], held)
    assert recalled.lines == tuple(cart) and recalled.customer_id == shop["fleet"]
    assert sales.held_carts(staff["cashier"]) == []
    with pytest.raises(UserError, match="not parked any more"):
        sales.recall_cart(staff["cashier"], held)


def test_parking_needs_a_name_and_something_to_park(staff, shop):
    with pytest.raises(ValidationError) as refused:
        sales.park_cart(staff["cashier"], " ", [])
    assert set(refused.value.problems) == {"name", "lines"}
    with pytest.raises(PermissionDenied):
        sales.park_cart(staff["technician"], "van", [LineRequest(shop["pads"], 1_000)])
    assert sales.held_carts(staff["cashier"]) == []


def test_each_sold_line_says_where_its_price_came_from(staff, shop):
    """The tier's price, the cashier's discount, the cashier's typed price: the Z report counts
    only the cashier's own (services.cart.CASHIER_PRICES)."""
    approval_ = approval(staff, "counter.below_floor")
    result = commit_sale(staff["cashier"], [LineRequest(shop["pads"], 1_000), LineRequest(shop["pads"], 1_000, 500),
                                            LineRequest(shop["pads"], 1_000, override_price=11_000)],
                         [Payment("cash", 40_000)], approvals={"counter.below_floor": approval_})
    sold = SaleLine.select().where(SaleLine.sale == result.sale_id).order_by(SaleLine.line_no)
    assert [line.price_source for line in sold] == ["list", "discount", "override"]


def test_a_parked_cart_keeps_the_quotes_held_prices_and_where_it_came_from(staff, shop):
    cart = [LineRequest(shop["pads"], 2_000, held_price=11_000)]
    held = sales.park_cart(staff["cashier"], "quoted", cart, origin={"quote_number": "QT-000004"})
    recalled = sales.recall_cart(staff["cashier"], held)
    assert recalled.lines == tuple(cart) and recalled.origin == {"quote_number": "QT-000004"}
    with pytest.raises(ValidationError) as refused:
        sales.park_cart(staff["cashier"], "odd", cart, origin={"sale_number": "RC-000001"})
    assert "origin" in refused.value.problems and sales.held_carts(staff["cashier"]) == []
