"""Membership on both engines: enrolment and card numbers, the points ledger (earn, redeem,
adjust, FIFO expiry on fixed dates), the prepaid ledger that never goes below 0, tiers reached
by points or by prepaid, append-only ledgers, refusals that change nothing, permissions."""

from __future__ import annotations

import subprocess
import threading
from datetime import date, datetime

import pytest
from peewee import IntegrityError

from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.membership import generated_card_owner, member_card_number
from partsdesk.domain.permissions import SYSTEM
from partsdesk.models import (
    AuditLog,
    Customer,
    CustomerEvent,
    PointsEntry,
    PrepaidEntry,
    database,
    transaction,
)
from partsdesk.printing.member_card import write_member_card
from partsdesk.services import clock, settings, users
from partsdesk.services.customers import save_customer, search_customers
from partsdesk.services.membership import (
    adjust_points,
    adjust_prepaid,
    earn_points,
    enroll,
    expire_points,
    member_card,
    membership_summary,
    redeem_points,
    refund_prepaid,
    spend_prepaid,
    top_up,
)

NOW = datetime(2026, 11, 22, 10, 0)


@pytest.fixture(autouse=True)
def _fixed_clock(db):
    clock.set_clock(lambda: NOW)


def at(day: date | datetime) -> None:
    moment = day if isinstance(day, datetime) else datetime(day.year, day.month, day.day, 9, 0)
    clock.set_clock(lambda: moment)


@pytest.fixture
def people(staff):
    cashier = staff["cashier"]
    zhang = save_customer(cashier, None, {"kind": "person", "name": "张伟"}, phones=[("mobile", "138 0013 8000")])
    li = save_customer(cashier, None, {"kind": "person", "name": "Li Na", "member_card": "C7001"}, phones=[])
    wang = save_customer(cashier, None, {"kind": "person", "name": "Wang Fang"}, phones=[])
    return {"zhang": zhang, "li": li, "wang": wang}


@pytest.fixture
def member(staff, people) -> int:
    enroll(staff["cashier"], people["zhang"])
    return people["zhang"]


def approval(actor, permission="membership.adjust"):
    return users.step_up(actor, approver="manager", secret="1357", permission=permission, reason="checked the receipt")


def state(customer_id: int) -> tuple:
    """Everything a refused action must leave as it was."""
    c = Customer.get_by_id(customer_id)
    return (c.points_balance, c.prepaid_balance, c.member_tier, c.member_card, c.member_since,
            PointsEntry.select().count(), PrepaidEntry.select().count(),
            CustomerEvent.select().where(CustomerEvent.customer == customer_id).count(), AuditLog.select().count())


def events(customer_id: int) -> list[str]:
    return [e.summary for e in CustomerEvent.select().where((CustomerEvent.customer == customer_id)
                                                            & (CustomerEvent.kind == "membership"))
            .order_by(CustomerEvent.id)]


# --- enrolment --------------------------------------------------------------------------------

def test_enrolment_makes_a_card_number_that_search_finds(staff, people):
    card = enroll(staff["cashier"], people["zhang"])
    assert card == member_card_number(people["zhang"]) and generated_card_owner(card) == people["zhang"]
    customer = Customer.get_by_id(people["zhang"])
    assert customer.member_card == card and customer.member_since == NOW.date() and customer.member_tier == ""
    assert events(people["zhang"]) == ["Enrolled as a member"]
    row = AuditLog.get(AuditLog.action == "membership.enroll")
    assert card not in row.new_value  # a card number is personal data: not in the append-only log
    found = search_customers(card.lower())  # scanned or typed at the Customers tab
    assert [r.id for r in found.rows] == [people["zhang"]]


def test_enrolment_keeps_the_card_on_the_profile_or_takes_a_given_free_one(staff, people):
    assert enroll(staff["cashier"], people["li"]) == "C7001"
    assert enroll(staff["cashier"], people["wang"], card_number=" c9001 ") == "C9001"


def test_a_card_already_used_is_refused_with_nothing_changed(staff, people):
    before = state(people["wang"])
    with pytest.raises(ValidationError) as error:
        enroll(staff["cashier"], people["wang"], card_number="c7001")
    assert error.value.problems["card_number"].startswith("Member card C7001 belongs to customer #")
    with pytest.raises(ValidationError) as error:  # the number PartsDesk makes for someone else
        enroll(staff["cashier"], people["wang"], card_number=member_card_number(people["zhang"]))
    assert f"customer #{people['zhang']}" in str(error.value)
    with pytest.raises(ValidationError):
        enroll(staff["cashier"], people["wang"], card_number="M-01")
    assert state(people["wang"]) == before


def test_enrolling_twice_or_without_the_right_is_refused(staff, member, people):
    with pytest.raises(UserError, match="member since 2026-11-22 already"):
        enroll(staff["cashier"], member)
    with pytest.raises(PermissionDenied):
        enroll(staff["technician"], people["wang"])
    with pytest.raises(UserError, match="not in the customer file"):
        enroll(staff["cashier"], 99_999)


# --- points -----------------------------------------------------------------------------------

def test_a_member_earns_points_that_expire_after_the_set_months(staff, member, people):
    cashier = staff["cashier"]
    assert earn_points(member, amount_spent=12_399, document="S-1001", user_id=cashier.user_id) == 123
    entry = PointsEntry.get(PointsEntry.customer == member)
    assert (entry.kind, entry.points, entry.expires_on, entry.document) == ("earn", 123, date(2028, 11, 22), "S-1001")
    assert Customer.get_by_id(member).points_balance == 123
    assert events(member)[-1] == "Earned 123 points"
    before = state(people["wang"])
    assert earn_points(people["wang"], amount_spent=50_000, document="S-1002", user_id=cashier.user_id) == 0
    assert state(people["wang"]) == before  # not a member: nothing written
    settings.set_value(SYSTEM, "membership.points_expiry_months", 0)
    settings.set_value(SYSTEM, "membership.points_per_unit", 2)
    assert earn_points(member, amount_spent=1_000, document="S-1003", user_id=None) == 20
    assert PointsEntry.select().order_by(PointsEntry.id.desc()).first().expires_on is None  # never expires


def test_redeeming_gives_the_points_value_and_refuses_more_than_held(staff, member):
    settings.set_value(SYSTEM, "membership.point_value", 5)
    earn_points(member, amount_spent=30_000, document="S-1", user_id=None)
    assert redeem_points(staff["cashier"], member, 100, document="S-2") == 500
    assert Customer.get_by_id(member).points_balance == 200
    before = state(member)
    with pytest.raises(ValidationError, match="has 200 points; 201 cannot be redeemed"):
        redeem_points(staff["cashier"], member, 201, document="S-3")
    for bad in (0, -5, "ten", "1.5", True):
        with pytest.raises(ValidationError):
            redeem_points(staff["cashier"], member, bad, document="S-3")
    with pytest.raises(PermissionDenied):
        redeem_points(staff["technician"], member, 10, document="S-3")
    assert state(member) == before


def test_a_cashier_adjusts_points_only_with_a_managers_approval(staff, member):
    cashier = staff["cashier"]
    before = state(member)
    with pytest.raises(PermissionDenied):
        adjust_points(cashier, member, 50, reason="missed on sale S-9")
    assert state(member) == before
    assert adjust_points(cashier, member, "+50", reason="missed on sale S-9", approval=approval(cashier)) == 50
    entry = PointsEntry.get(PointsEntry.kind == "adjust")
    manager_id = users.list_users_by_id(entry.approved_by_id).id
    assert entry.reason == "missed on sale S-9" and entry.expires_on == date(2028, 11, 22) and manager_id
    row = AuditLog.get(AuditLog.action == "membership.adjust_points")
    assert row.approved_by_id == entry.approved_by_id and row.reason == "missed on sale S-9"
    assert '"points": 0' in row.old_value and '"points": 50' in row.new_value
    assert events(member)[-1] == "Points adjusted by +50: missed on sale S-9"


def test_an_adjustment_needs_a_reason_and_never_leaves_less_than_zero(staff, member):
    manager = staff["manager"]
    adjust_points(manager, member, 30, reason="welcome gift")
    before = state(member)
    with pytest.raises(ValidationError, match="Say why"):
        adjust_points(manager, member, 10, reason="   ")
    with pytest.raises(ValidationError, match="would leave less than 0"):
        adjust_points(manager, member, -31, reason="double credit")
    with pytest.raises(ValidationError):
        adjust_points(manager, member, "0", reason="nothing")
    assert state(member) == before
    assert adjust_points(manager, member, -30, reason="double credit") == 0


def test_points_expire_first_in_first_out_and_only_once(staff, member, people):
    settings.set_value(SYSTEM, "membership.points_expiry_months", 12)
    enroll(staff["cashier"], people["wang"])
    at(date(2026, 1, 10))
    earn_points(member, amount_spent=10_000, document="S-1", user_id=None)  # 100, expire 2027-01-10
    earn_points(people["wang"], amount_spent=4_000, document="S-2", user_id=None)  # 40, expire 2027-01-10
    at(date(2026, 6, 1))
    earn_points(member, amount_spent=5_000, document="S-3", user_id=None)  # 50, expire 2027-06-01
    at(date(2026, 8, 1))
    redeem_points(staff["cashier"], member, 30, document="S-4")  # from the oldest earning
    adjust_points(staff["manager"], member, -20, reason="sale S-1 partly returned")  # the oldest again

    at(date(2027, 1, 9))
    assert expire_points(as_of=date(2027, 1, 9)).points == 0  # a day early
    summary = membership_summary(staff["cashier"], member)
    assert summary.expiring == [(date(2027, 1, 10), 50)] and summary.expiring_points == 50
    at(date(2027, 1, 10))
    run = expire_points(as_of=date(2027, 1, 10))
    assert (run.customers, run.points) == (2, 90)  # 100 - 30 - 20 = 50 of Zhang's, Wang's 40
    assert Customer.get_by_id(member).points_balance == 50
    assert Customer.get_by_id(people["wang"]).points_balance == 0
    rows = list(PointsEntry.select().where((PointsEntry.customer == member) & (PointsEntry.kind == "expire")))
    assert [r.points for r in rows] == [-50] and events(member)[-1] == "50 points expired"

    again = expire_points(as_of=date(2027, 1, 10))  # the job runs again (a second terminal, a restart)
    assert (again.customers, again.points) == (0, 0)
    assert PointsEntry.select().where(PointsEntry.kind == "expire").count() == 2
    at(date(2027, 6, 1))
    assert expire_points(as_of=date(2027, 6, 1)).points == 50
    assert Customer.get_by_id(member).points_balance == 0
    with pytest.raises(ValidationError):
        expire_points(as_of=datetime(2027, 6, 1))


# --- prepaid ----------------------------------------------------------------------------------

def test_top_up_and_spend_keep_the_balance_and_refuse_to_go_below_zero(staff, member):
    cashier = staff["cashier"]
    assert top_up(cashier, member, "300.00", method="wechat", reference="WX-88") == 30_000
    row = AuditLog.get(AuditLog.action == "membership.top_up")
    assert '"prepaid": 30000' in row.new_value and row.user_id == cashier.user_id
    assert spend_prepaid(member, 12_000, document="S-7", user_id=cashier.user_id) == 18_000
    before = state(member)
    with pytest.raises(ValidationError, match="has 180.00 prepaid; 180.01 cannot be paid"):
        spend_prepaid(member, 18_001, document="S-8", user_id=cashier.user_id)
    assert state(member) == before
    ledger = [(e.kind, e.amount) for e in PrepaidEntry.select().order_by(PrepaidEntry.id)]
    assert ledger == [("top_up", 30_000), ("spend", -12_000)]
    assert Customer.get_by_id(member).prepaid_balance == sum(amount for _, amount in ledger)
    assert events(member)[-2:] == ["Prepaid top-up 300.00 (WeChat Pay)", "Paid 120.00 from prepaid"]


def test_the_database_refuses_a_negative_prepaid_balance_too(member):
    with pytest.raises(IntegrityError), transaction():
        Customer.update(prepaid_balance=-1).where(Customer.id == member).execute()
    assert Customer.get_by_id(member).prepaid_balance == 0


def test_a_spend_inside_a_sale_that_fails_leaves_the_balance(staff, member):
    top_up(staff["cashier"], member, 10_000, method="cash")
    with pytest.raises(RuntimeError), transaction():  # the counter's sale transaction
        spend_prepaid(member, 4_000, document="S-9", user_id=None)
        raise RuntimeError("the printer of the sale failed before commit")
    assert Customer.get_by_id(member).prepaid_balance == 10_000 and PrepaidEntry.select().count() == 1


def test_two_terminals_spending_the_same_balance_cannot_both_pass(staff, member, db_url):
    top_up(staff["cashier"], member, 10_000, method="cash")
    start = threading.Barrier(2)
    outcome: list[str] = []

    def counter(document: str) -> None:
        try:
            start.wait()
            spend_prepaid(member, 6_000, document=document, user_id=None)
            outcome.append("paid")
        except UserError:
            outcome.append("refused")
        finally:
            database.obj.close()  # this thread's own connection

    threads = [threading.Thread(target=counter, args=(f"S-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcome) == ["paid", "refused"]
    assert Customer.get_by_id(member).prepaid_balance == 4_000


def test_bad_top_ups_are_refused_with_nothing_changed(staff, member, people):
    cashier = staff["cashier"]
    before = state(member)
    for amount, method, message in (("abc", "cash", "is not a number"), ("-5", "cash", "cannot be negative"),
                                    ("0", "cash", "more than 0"), ("", "cash", "type the amount"),
                                    ("10.001", "cash", "decimal places"), (500, "cheque", "Paid by")):
        with pytest.raises(ValidationError, match=message):
            top_up(cashier, member, amount, method=method)
    with pytest.raises(ValidationError):
        top_up(cashier, member, 500, method="cash", reference="x" * 61)
    assert state(member) == before
    with pytest.raises(UserError, match="not a member yet"):
        top_up(cashier, people["wang"], 500, method="cash")


def test_a_technician_cannot_top_up_and_a_cashier_cannot_refund_or_adjust_alone(staff, member):
    top_up(staff["cashier"], member, 5_000, method="cash")
    before = state(member)
    with pytest.raises(PermissionDenied):
        top_up(staff["technician"], member, 500, method="cash")
    with pytest.raises(PermissionDenied):
        refund_prepaid(staff["cashier"], member, 500, reason="moving away")
    with pytest.raises(PermissionDenied):
        adjust_prepaid(staff["cashier"], member, -500, reason="typo")
    with pytest.raises(PermissionDenied):
        membership_summary(staff["technician"], member)
    assert state(member) == before


def test_refunds_and_adjustments_are_audited_and_never_leave_less_than_zero(staff, member):
    cashier, manager = staff["cashier"], staff["manager"]
    top_up(cashier, member, 5_000, method="cash")
    assert refund_prepaid(cashier, member, "20", reason="moving away", approval=approval(cashier)) == 3_000
    assert adjust_prepaid(manager, member, "-10.50", reason="top-up typed twice") == 1_950
    before = state(member)
    with pytest.raises(ValidationError, match="would leave less than 0"):
        refund_prepaid(manager, member, 1_951, reason="moving away")
    with pytest.raises(ValidationError, match="would leave less than 0"):
        adjust_prepaid(manager, member, -1_951, reason="typo")
    with pytest.raises(ValidationError, match="Say why"):
        adjust_prepaid(manager, member, 100, reason="")
    assert state(member) == before
    refund = AuditLog.get(AuditLog.action == "membership.refund_prepaid")
    assert refund.approved_by_id is not None and '"prepaid": 3000' in refund.new_value
    assert AuditLog.get(AuditLog.action == "membership.adjust_prepaid").reason == "top-up typed twice"
    assert [e.kind for e in PrepaidEntry.select().order_by(PrepaidEntry.id)] == ["top_up", "refund", "adjust"]


# --- tiers ------------------------------------------------------------------------------------

def test_a_tier_is_reached_by_points(staff, member):
    earn_points(member, amount_spent=99_900, document="S-1", user_id=None)  # 999 points
    assert Customer.get_by_id(member).member_tier == ""
    earn_points(member, amount_spent=100, document="S-2", user_id=None)
    assert Customer.get_by_id(member).member_tier == "Silver" and events(member)[-1] == "Reached Silver"
    adjust_points(staff["manager"], member, 4_000, reason="fleet contract bonus")
    assert Customer.get_by_id(member).member_tier == "Gold" and "Reached Gold" in events(member)
    redeem_points(staff["cashier"], member, 4_500, document="S-3")
    assert Customer.get_by_id(member).member_tier == "" and events(member)[-1] == "No longer Gold"


def test_a_tier_is_reached_by_prepaid(staff, member):
    top_up(staff["cashier"], member, "5,000.00", method="transfer")
    assert Customer.get_by_id(member).member_tier == "Gold" and events(member)[-1] == "Reached Gold"
    spend_prepaid(member, 400_000, document="S-1", user_id=None)  # 1,000.00 left: Silver
    assert Customer.get_by_id(member).member_tier == "Silver"
    assert events(member)[-1] == "Now Silver (was Gold)"


def test_the_summary_says_what_is_missing_for_the_next_tier(staff, member):
    earn_points(member, amount_spent=380_000, document="S-1", user_id=None)  # 3,800 points: Silver
    top_up(staff["cashier"], member, 470_000, method="cash")
    summary = membership_summary(staff["cashier"], member, as_of=date(2028, 9, 1))
    assert summary.member and summary.tier == "Silver" and summary.tier_discount_bp == 200
    assert summary.next_tier_missing == "1,200 points or 300.00 prepaid to Gold"
    assert summary.points_balance == 3_800 and summary.prepaid_balance == 470_000
    assert summary.expiring == [(date(2028, 11, 22), 3_800)]  # within 90 days of 1 Sep 2028
    assert membership_summary(staff["cashier"], member).expiring == []
    assert [e.kind for e in summary.points_entries] == ["earn"]
    assert [(e.kind_label, e.amount, e.method) for e in summary.prepaid_entries] == [("Top-up", 470_000, "Cash")]
    card = member_card(staff["cashier"], member)
    assert (card.member_name, card.tier, card.card_number) == ("张伟", "Silver", member_card_number(member))


def test_the_summary_of_a_customer_who_is_not_a_member(staff, people):
    summary = membership_summary(staff["cashier"], people["wang"])
    assert not summary.member and summary.card == "" and summary.next_tier_missing.endswith("to Silver")
    with pytest.raises(UserError, match="not a member yet"):
        member_card(staff["cashier"], people["wang"])


# --- the ledgers are append-only ----------------------------------------------------------------

def test_the_ledgers_refuse_updates_and_deletes(staff, member):
    earn_points(member, amount_spent=10_000, document="S-1", user_id=None)
    top_up(staff["cashier"], member, 1_000, method="cash")
    for sql in ("UPDATE points_entry SET points = 5000", "DELETE FROM points_entry",
                "UPDATE prepaid_entry SET amount = 999999", "DELETE FROM prepaid_entry"):
        with pytest.raises(Exception) as error, transaction():
            database.obj.execute_sql(sql)
        assert "append-only" in str(error.value).lower() or "not allowed" in str(error.value).lower(), sql
    assert PointsEntry.get(PointsEntry.customer == member).points == 100
    assert PrepaidEntry.get(PrepaidEntry.customer == member).amount == 1_000


# --- the printed card -------------------------------------------------------------------------

def test_the_member_card_prints_the_name_and_a_barcode_the_scanner_reads(staff, member, tmp_path):
    settings.set_value(SYSTEM, "shop.name", "Shanghai Auto Parts 上海汽配")
    top_up(staff["cashier"], member, 100_000, method="cash")  # Silver
    target = tmp_path / "card.pdf"
    write_member_card(member_card(staff["cashier"], member), target)
    number = member_card_number(member)
    info = subprocess.run(["pdfinfo", str(target)], check=True, capture_output=True, text=True).stdout
    assert "242.6" in info and "153.0" in info  # 85.6 x 54 mm, one page
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], check=True, capture_output=True,
                          text=True).stdout
    for expected in ("上海汽配", "张伟", "Silver", f"No. {number}", "Member since 2026-11-22"):
        assert expected in text, expected
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(target), str(tmp_path / "card")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", str(tmp_path / "card-1.png")], capture_output=True, text=True).stdout
    assert scanned.strip() == f"CODE-128:{number}"


def test_a_long_card_number_from_another_system_still_fits_and_scans(tmp_path):
    from partsdesk.services.membership import MemberCard

    number = "ABCDEFGHIJKLMNOPQRSTUVWXYZ1234"  # 30 characters, the longest a card may be
    target = tmp_path / "long.pdf"
    write_member_card(MemberCard("Shop", "Li Na", "", number, None), target)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(target), str(tmp_path / "long")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", str(tmp_path / "long-1.png")], capture_output=True, text=True).stdout
    assert scanned.strip() == f"CODE-128:{number}"
