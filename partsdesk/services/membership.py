"""Membership: enrolment with a member card, the points ledger (earn, redeem, expire, adjust),
the prepaid (stored value) ledger (top-up, spend, refund, adjust), and the tier they reach.

Both ledgers are append-only (database triggers refuse UPDATE and DELETE); the customer's
``points_balance`` and ``prepaid_balance`` are their caches, changed in the same transaction
as the row, and neither ever goes below 0 (the prepaid one is also a CHECK of the table).
Each use case locks the customer's row before it reads a balance (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite ``transaction()`` already holds the write lock), so two terminals
spending the same balance at once cannot both pass.

Points are spent first in, first out: a redemption or a negative adjustment takes the oldest
earned points, so what ``expire_points`` takes on a day is what is left of the credits whose
expiry date has come (``domain.membership.open_lots``). After every change the customer's tier
is computed again from the settings' tiers; reaching (or losing) a tier is a timeline event.

``earn_points`` and ``spend_prepaid`` are for the counter, inside its own sale transaction
(``transaction()`` nests); the rest are user actions with their own permission check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import IntegrityError

from partsdesk.domain.customers import CUSTOMER_GONE
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.fields import clean_line
from partsdesk.domain.membership import (
    ADJUST,
    EARN,
    EXPIRE,
    REDEEM,
    PointsRow,
    Tier,
    add_months,
    clean_card_number,
    expiring_by_date,
    generated_card_owner,
    member_card_number,
    next_tier,
    parse_tiers,
    points_for,
    points_to_expire,
    tier_for,
)
from partsdesk.domain.money import CURRENCIES, MONEY_MAX, format_money, parse_money
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.i18n import N_, _
from partsdesk.models import AppUser, Customer, PointsEntry, PrepaidEntry, transaction
from partsdesk.models.db import is_postgres
from partsdesk.services import audit, history, settings
from partsdesk.services.audit import TERMINAL
from partsdesk.services.clock import now

POINTS_MAX = 10**12
REASON_MAX = 500
DOCUMENT_MAX = 60
REFERENCE_MAX = 60
EXPIRY_NOTICE_DAYS = 90
RECENT_ROWS = 20

RETURN = "return"  # a sale taken back at the counter: prepaid or points paid go back, points earned come off
POINTS_LABELS = {EARN: N_("Earned"), REDEEM: N_("Redeemed"), EXPIRE: N_("Expired"), ADJUST: N_("Adjusted"),
                 RETURN: N_("Return")}
TOP_UP, SPEND, REFUND = "top_up", "spend", "refund"
PREPAID_LABELS = {TOP_UP: N_("Top-up"), SPEND: N_("Spent"), REFUND: N_("Refunded"), ADJUST: N_("Adjusted"),
                  RETURN: N_("Return")}
# How a top-up is paid -> how a person calls it.
TOP_UP_METHODS: dict[str, str] = {"cash": N_("Cash"), "card": N_("Bank card"), "wechat": N_("WeChat Pay"),
                                  "alipay": N_("Alipay"), "transfer": N_("Bank transfer")}



# --- small rules of input ---------------------------------------------------------------------

def _exponent() -> int:
    return CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]


def _money(value: object, *, field: str, label: str, signed: bool = False) -> int:
    """Minor units from an int (minor units already) or from text as typed ("300", "1,200.50");
    positive, or (``signed``) anything but 0."""
    if isinstance(value, bool):
        raise ValidationError({field: _("{label}: an amount is needed.").format(label=label)})
    if isinstance(value, int):
        amount = value
    else:
        if not str(value or "").strip():
            raise ValidationError({field: _("{label}: type the amount.").format(label=label)})
        amount = parse_money(value, exponent=_exponent(), field=field, label=label, allow_negative=signed)
    if abs(amount) > MONEY_MAX:
        raise ValidationError({field: _("{label} is too large.").format(label=label)})
    if amount == 0 or (amount < 0 and not signed):
        raise ValidationError({field: (_("{label}: more than 0.") if not signed else _("{label}: not 0.")).format(
            label=label)})
    return amount


def _points(value: object, *, signed: bool = False) -> int:
    """Whole points from an int or from text ("200", "+200", "-50")."""
    if isinstance(value, bool):
        raise ValidationError({"points": _("Points: a whole number.")})
    if isinstance(value, int):
        points = value
    else:
        text = str(value or "").strip().replace(",", "")
        body = text[1:] if text[:1] in "+-" else text
        if not body or not (body.isascii() and body.isdigit()) or len(body) > 13:
            raise ValidationError({"points": _("Points: {value!r} is not a whole number.").format(value=str(value)[:20])})
        points = int(text)
    if abs(points) > POINTS_MAX:
        raise ValidationError({"points": _("Points: too many.")})
    if points == 0 or (points < 0 and not signed):
        raise ValidationError({"points": _("Points: more than 0.") if not signed else _("Points: not 0.")})
    return points


def _reason(value: object) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValidationError({"reason": _("Say why (for example: points missed on sale S-1042); it goes into the "
                                           "audit log.")})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": _("The reason is at most {most} characters.").format(most=REASON_MAX)})
    return text


def _show_money(minor: int) -> str:
    return format_money(minor, exponent=_exponent())


def _tiers() -> tuple[Tier, ...]:
    return parse_tiers(settings.get("membership.tiers"))


# --- the customer's row -----------------------------------------------------------------------

def _lock(customer_id: int) -> Customer:
    """The live customer's row, locked until the transaction ends (call inside ``transaction()``)."""
    query = Customer.select().where(Customer.id == customer_id)
    if is_postgres():
        query = query.for_update()
    customer = query.first()
    if customer is None or not customer.active:
        raise UserError(_(CUSTOMER_GONE).format(customer_id))
    return customer


def _member(customer_id: int) -> Customer:
    customer = _lock(customer_id)
    if customer.member_since is None:
        raise UserError(_("{name} is not a member yet. Enrol them first (the Membership section).").format(
            name=customer.name))
    return customer


def _retier(customer: Customer, *, points: int, prepaid: int, user_id: int | None) -> None:
    """Store the new balances and the tier they reach; a tier reached or lost is a timeline event."""
    tier = tier_for(_tiers(), points, prepaid)
    name = tier.name if tier else ""
    Customer.update(points_balance=points, prepaid_balance=prepaid, member_tier=name,
                    updated_at=now()).where(Customer.id == customer.id).execute()
    if name != customer.member_tier:
        names = [t.name for t in _tiers()]
        up = not customer.member_tier or (name in names and customer.member_tier in names
                                          and names.index(name) > names.index(customer.member_tier))
        if name and up:
            summary = f"Reached {name}"
        elif name:
            summary = f"Now {name} (was {customer.member_tier})"
        else:
            summary = f"No longer {customer.member_tier}"
        history.record_event(customer.id, "membership", summary=summary, user_id=user_id)
    customer.points_balance, customer.prepaid_balance, customer.member_tier = points, prepaid, name


def refresh_tier(customer_id: int, *, user_id: int | None) -> str:
    """Recompute the customer's tier from their balances (after a merge added two customers'
    ledgers together, or the tiers in the settings changed). Call inside a transaction."""
    customer = _lock(customer_id)
    _retier(customer, points=customer.points_balance, prepaid=customer.prepaid_balance, user_id=user_id)
    return customer.member_tier


# --- enrolment --------------------------------------------------------------------------------

def enroll(actor: Actor, customer_id: int, *, card_number: str | None = None) -> str:
    """Make the customer a member from today; returns their member card number.

    Without ``card_number`` the card they already have on their profile is kept, else one is
    made (``M`` + record number + check digit). A given number must be free: a card another
    customer holds, or a PartsDesk-made number of another customer, is refused with a message.
    Needs customer.edit. A timeline event; the card number stays out of the audit log and the
    timeline (personal data).
    """
    require(actor, "customer.edit")
    given = clean_card_number(card_number) if card_number is not None and str(card_number).strip() else None
    if given is not None:
        owner = generated_card_owner(given)
        if owner is not None and owner != customer_id:
            raise ValidationError({"card_number": _("{card} is the card number made for customer #{id}; "
                                                    "scan this customer's own card or leave it empty.").format(
                card=given, id=owner)})
    stamp = now()
    try:
        with transaction():
            customer = _lock(customer_id)
            if customer.member_since is not None:
                raise UserError(_("{name} is a member since {day} already.").format(
                    name=customer.name, day=customer.member_since.isoformat()))
            card = given or customer.member_card or member_card_number(customer_id)
            taken = Customer.select(Customer.id).where((Customer.member_card == card) & (Customer.id != customer_id)
                                                       ).tuples().first()
            if taken:
                raise ValidationError({"card_number": _("Member card {card} belongs to customer #{id}. Use "
                                                        "another card, or leave it empty to have one made.").format(
                    card=card, id=taken[0])})
            Customer.update(member_card=card, member_since=stamp.date(), updated_at=stamp).where(
                Customer.id == customer_id).execute()
            customer.member_card = card
            history.record_event(customer_id, "membership", summary="Enrolled as a member", user_id=actor.user_id)
            audit.record("membership.enroll", actor=actor, object_type="customer", object_id=customer_id,
                         new={"member_since": stamp.date().isoformat(), "card": "given" if given else "made"})
            _retier(customer, points=customer.points_balance, prepaid=customer.prepaid_balance,
                    user_id=actor.user_id)
            return card
    except IntegrityError as error:  # another terminal took the card meanwhile
        raise ValidationError({"card_number": _("Member card {card} belongs to another customer.").format(
            card=card)}) from error


# --- points -----------------------------------------------------------------------------------

def _rows_of(customer_id: int) -> list[PointsRow]:
    query = (PointsEntry.select(PointsEntry.id, PointsEntry.kind, PointsEntry.points, PointsEntry.expires_on)
             .where(PointsEntry.customer == customer_id).order_by(PointsEntry.id).tuples())
    return [PointsRow(entry_id, kind, int(points), expires_on) for entry_id, kind, points, expires_on in query]


def _expiry_from(at: datetime) -> date | None:
    months = int(settings.get("membership.points_expiry_months"))
    return add_months(at.date(), months) if months else None


def earn_points(customer_id: int, *, amount_spent: int, document: str, user_id: int | None,
                at: datetime | None = None) -> int:
    """Credit the points a sale of ``amount_spent`` minor units earns; returns them (0: none).

    For the counter, inside its sale transaction. Only members earn (a non-member's sale earns
    0 and writes nothing); points = floor(amount / 1.00 x membership.points_per_unit), expiring
    membership.points_expiry_months after ``at`` (never when 0).
    """
    if isinstance(amount_spent, bool) or not isinstance(amount_spent, int) or abs(amount_spent) > MONEY_MAX:
        raise ValidationError({"amount_spent": _("The amount spent is a whole number of minor units.")})
    document = clean_line(document, field="document", label=_("Document"), max_length=DOCUMENT_MAX)
    at = at or now()
    points = points_for(amount_spent, points_per_unit=int(settings.get("membership.points_per_unit")),
                        exponent=_exponent())
    with transaction():
        customer = _lock(customer_id)
        if customer.member_since is None or points <= 0:
            return 0
        expires_on = _expiry_from(at)
        PointsEntry.create(customer=customer_id, at=at, kind=EARN, points=points, document=document,
                           expires_on=expires_on, user=user_id)
        history.record_event(customer_id, "membership", summary=f"Earned {points:,} points", user_id=user_id,
                             document_no=document, at=at)
        _retier(customer, points=customer.points_balance + points, prepaid=customer.prepaid_balance,
                user_id=user_id)
    return points


def redeem_points(actor: Actor, customer_id: int, points: int | str, *, document: str) -> int:
    """Spend ``points`` of the customer's balance on ``document``; returns what they are worth in
    minor units (points x membership.point_value), for the counter to take off the bill.
    More than the balance is refused and nothing changes. Needs customer.edit."""
    require(actor, "customer.edit")
    points = _points(points)
    document = clean_line(document, field="document", label=_("Document"), max_length=DOCUMENT_MAX, required=True)
    value = points * int(settings.get("membership.point_value"))
    with transaction():
        customer = _member(customer_id)
        if points > customer.points_balance:
            raise ValidationError({"points": _("{name} has {balance:,} points; {points:,} cannot be redeemed.").format(
                name=customer.name, balance=customer.points_balance, points=points)})
        PointsEntry.create(customer=customer_id, at=now(), kind=REDEEM, points=-points, document=document,
                           user=actor.user_id)
        history.record_event(customer_id, "membership", summary=f"Redeemed {points:,} points", amount=value,
                             user_id=actor.user_id, document_no=document)
        _retier(customer, points=customer.points_balance - points, prepaid=customer.prepaid_balance,
                user_id=actor.user_id)
    return value


def adjust_points(actor: Actor, customer_id: int, points: int | str, *, reason: str,
                  approval: Approval | None = None) -> int:
    """Add (positive) or take off (negative) points by hand, with a reason; returns the new
    balance. Added points expire like earned ones. Needs membership.adjust (a manager, or a
    manager's ``approval``); audited with old and new balance. May not take the balance below 0."""
    used = require(actor, "membership.adjust", approval)
    points = _points(points, signed=True)
    reason = _reason(reason)
    stamp = now()
    with transaction():
        customer = _member(customer_id)
        new_balance = customer.points_balance + points
        if new_balance < 0:
            raise ValidationError({"points": _("{name} has {balance:,} points; taking off {points:,} would leave less than "
                                               "0.").format(name=customer.name, balance=customer.points_balance,
                                                            points=-points)})
        PointsEntry.create(customer=customer_id, at=stamp, kind=ADJUST, points=points, reason=reason,
                           expires_on=_expiry_from(stamp) if points > 0 else None, user=actor.user_id,
                           approved_by=used.approver_id if used else None)
        history.record_event(customer_id, "membership", summary=f"Points adjusted by {points:+,}: {reason}",
                             user_id=actor.user_id)
        audit.record("membership.adjust_points", actor=actor, approval=used, object_type="customer",
                     object_id=customer_id, reason=reason, old={"points": customer.points_balance},
                     new={"points": new_balance})
        _retier(customer, points=new_balance, prepaid=customer.prepaid_balance, user_id=actor.user_id)
    return new_balance


@dataclass(frozen=True)
class ExpiryRun:
    as_of: date
    customers: int  # customers who lost points
    points: int  # points expired in all


def expire_points(*, as_of: date) -> ExpiryRun:
    """Expire, for every customer, what is left of the points whose expiry date is ``as_of`` or
    earlier (first in, first out): one ``expire`` row and one timeline event per customer.
    Idempotent: a second run on the same day expires nothing more. One transaction."""
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        raise ValidationError({"as_of": _("Expire points as of a day (a date).")})
    customers = points_total = 0
    with transaction():
        candidates = [cid for (cid,) in PointsEntry.select(PointsEntry.customer).where(
            (PointsEntry.points > 0) & PointsEntry.expires_on.is_null(False) & (PointsEntry.expires_on <= as_of)
        ).distinct().order_by(PointsEntry.customer).tuples()]
        stamp = now()
        for customer_id in candidates:
            customer = Customer.select().where(Customer.id == customer_id)
            customer = (customer.for_update() if is_postgres() else customer).first()
            lapsed = min(points_to_expire(_rows_of(customer_id), as_of), customer.points_balance)
            if lapsed <= 0:
                continue
            PointsEntry.create(customer=customer_id, at=stamp, kind=EXPIRE, points=-lapsed,
                               document=f"expiry {as_of.isoformat()}",
                               reason=f"earned points dated to expire on or before {as_of.isoformat()}")
            history.record_event(customer_id, "membership", summary=f"{lapsed:,} points expired", user_id=None)
            _retier(customer, points=customer.points_balance - lapsed, prepaid=customer.prepaid_balance,
                    user_id=None)
            customers += 1
            points_total += lapsed
    return ExpiryRun(as_of, customers, points_total)


# --- prepaid (stored value) -------------------------------------------------------------------

def top_up(actor: Actor, customer_id: int, amount: int | str, *, method: str, reference: str = "") -> int:
    """Take ``amount`` (minor units, or text as typed) onto the member's prepaid balance, paid by
    ``method`` (one of TOP_UP_METHODS); returns the new balance. Needs membership.prepaid;
    audited (money taken in)."""
    require(actor, "membership.prepaid")
    amount = _money(amount, field="amount", label=_("Top-up amount"))
    if method not in TOP_UP_METHODS:
        raise ValidationError({"method": _("Paid by: one of {methods}.").format(
            methods=", ".join(_(label) for label in TOP_UP_METHODS.values()))})
    reference = clean_line(reference, field="reference", label=_("Reference"), max_length=REFERENCE_MAX)
    with transaction():
        customer = _member(customer_id)
        new_balance = customer.prepaid_balance + amount
        if new_balance > MONEY_MAX:
            raise ValidationError({"amount": _("Top-up amount: the balance would be too large.")})
        PrepaidEntry.create(customer=customer_id, at=now(), kind=TOP_UP, amount=amount, document=reference,
                            method=method, user=actor.user_id, terminal=TERMINAL)
        history.record_event(customer_id, "membership", amount=amount, user_id=actor.user_id, document_no=reference,
                             summary=f"Prepaid top-up {_show_money(amount)} ({TOP_UP_METHODS[method]})")
        audit.record("membership.top_up", actor=actor, object_type="customer", object_id=customer_id,
                     old={"prepaid": customer.prepaid_balance}, new={"prepaid": new_balance, "method": method})
        _retier(customer, points=customer.points_balance, prepaid=new_balance, user_id=actor.user_id)
    return new_balance


def spend_prepaid(customer_id: int, amount: int, *, document: str, user_id: int | None) -> int:
    """Pay ``amount`` minor units of ``document`` from the member's prepaid balance; returns the
    new balance. For the counter, inside its sale transaction. More than the balance is refused
    with a message (and the table's CHECK would refuse it too); nothing changes."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationError({"amount": _("The amount is a whole number of minor units.")})
    amount = _money(amount, field="amount", label=_("Amount paid from prepaid"))
    document = clean_line(document, field="document", label=_("Document"), max_length=DOCUMENT_MAX, required=True)
    with transaction():
        customer = _member(customer_id)
        if amount > customer.prepaid_balance:
            raise ValidationError({"amount": _("{name} has {balance} prepaid; {amount} cannot be paid from it.").format(
                name=customer.name, balance=_show_money(customer.prepaid_balance), amount=_show_money(amount))})
        new_balance = customer.prepaid_balance - amount
        PrepaidEntry.create(customer=customer_id, at=now(), kind=SPEND, amount=-amount, document=document,
                            user=user_id)
        history.record_event(customer_id, "membership", amount=-amount, user_id=user_id, document_no=document,
                             summary=f"Paid {_show_money(amount)} from prepaid")
        _retier(customer, points=customer.points_balance, prepaid=new_balance, user_id=user_id)
    return new_balance


def return_to_prepaid(customer_id: int, amount: int, *, document: str, user_id: int | None) -> int:
    """A return at the counter of what prepaid paid: ``amount`` goes back onto the balance (the
    counterpart of ``spend_prepaid``; not money taken in, so not a top-up). Returns the new
    balance. Inside the return's transaction."""
    amount = _money(amount, field="amount", label=_("Amount back onto prepaid"))
    document = clean_line(document, field="document", label=_("Document"), max_length=DOCUMENT_MAX, required=True)
    with transaction():
        customer = _lock(customer_id)
        PrepaidEntry.create(customer=customer_id, at=now(), kind=RETURN, amount=amount, document=document,
                            user=user_id)
        history.record_event(customer_id, "membership", amount=amount, user_id=user_id, document_no=document,
                             summary=f"{_show_money(amount)} back onto prepaid")
        _retier(customer, points=customer.points_balance, prepaid=customer.prepaid_balance + amount, user_id=user_id)
        return customer.prepaid_balance


def return_points(customer_id: int, points: int, *, document: str, user_id: int | None) -> int:
    """A return at the counter moves points: positive ``points`` (what points paid) go back and
    expire like earned points; negative ones (what the sale earned) come off, never below zero.
    Returns the points actually moved. Inside the return's transaction."""
    if isinstance(points, bool) or not isinstance(points, int):
        raise ValidationError({"points": _("Points: a whole number.")})
    document = clean_line(document, field="document", label=_("Document"), max_length=DOCUMENT_MAX, required=True)
    with transaction():
        customer = _lock(customer_id)
        moved = points if points > 0 else -min(-points, customer.points_balance)
        if moved == 0:
            return 0
        stamp = now()
        PointsEntry.create(customer=customer_id, at=stamp, kind=RETURN, points=moved, document=document,
                           expires_on=_expiry_from(stamp) if moved > 0 else None, user=user_id)
        history.record_event(customer_id, "membership", user_id=user_id, document_no=document,
                             summary=f"{abs(moved):,} points {'back' if moved > 0 else 'taken back'} (return)")
        _retier(customer, points=customer.points_balance + moved, prepaid=customer.prepaid_balance, user_id=user_id)
        return moved


def _take_back(actor: Actor, customer_id: int, amount: int, *, kind: str, reason: str, used: Approval | None,
               method: str = "") -> int:
    with transaction():
        customer = _member(customer_id)
        new_balance = customer.prepaid_balance + amount
        if new_balance < 0:
            raise ValidationError({"amount": _("{name} has {balance} prepaid; {amount} would leave less than 0.").format(
                name=customer.name, balance=_show_money(customer.prepaid_balance), amount=_show_money(-amount))})
        PrepaidEntry.create(customer=customer_id, at=now(), kind=kind, amount=amount, method=method, reason=reason,
                            user=actor.user_id, approved_by=used.approver_id if used else None)
        what = "Prepaid refunded" if kind == REFUND else "Prepaid adjusted by"
        shown = _show_money(-amount) if kind == REFUND else ("+" if amount > 0 else "") + _show_money(amount)
        history.record_event(customer_id, "membership", amount=amount, user_id=actor.user_id,
                             summary=f"{what} {shown}: {reason}")
        audit.record(f"membership.{'refund' if kind == REFUND else 'adjust'}_prepaid", actor=actor, approval=used,
                     object_type="customer", object_id=customer_id, reason=reason,
                     old={"prepaid": customer.prepaid_balance}, new={"prepaid": new_balance})
        _retier(customer, points=customer.points_balance, prepaid=new_balance, user_id=actor.user_id)
    return new_balance


def refund_prepaid(actor: Actor, customer_id: int, amount: int | str, *, reason: str,
                   approval: Approval | None = None) -> int:
    """Pay ``amount`` of the prepaid balance back to the customer; returns the new balance.
    Needs membership.adjust (a manager, or a manager's ``approval``), a reason; audited.
    More than the balance is refused."""
    used = require(actor, "membership.adjust", approval)
    amount = _money(amount, field="amount", label=_("Refund amount"))
    return _take_back(actor, customer_id, -amount, kind=REFUND, reason=_reason(reason), used=used)


def adjust_prepaid(actor: Actor, customer_id: int, amount: int | str, *, reason: str,
                   approval: Approval | None = None) -> int:
    """Correct the prepaid balance by ``amount`` (signed) with a reason; returns the new balance.
    Needs membership.adjust (a manager, or a manager's ``approval``); audited. Never below 0."""
    used = require(actor, "membership.adjust", approval)
    amount = _money(amount, field="amount", label=_("Adjustment"), signed=True)
    return _take_back(actor, customer_id, amount, kind=ADJUST, reason=_reason(reason), used=used)


# --- reading ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LedgerLine:
    id: int
    at: datetime
    kind: str
    kind_label: str
    amount: int  # points, or minor units for the prepaid ledger; signed
    document: str
    method: str  # how a top-up was paid, as a person calls it
    reason: str
    expires_on: date | None
    user: str


@dataclass(frozen=True)
class MembershipSummary:
    customer_id: int
    name: str
    member: bool
    card: str
    member_since: date | None
    tier: str
    tier_discount_bp: int
    next_tier: str  # "" at the top tier
    next_tier_missing: str  # "1,200 points or 300.00 prepaid to Gold"
    points_balance: int
    expiring: list[tuple[date, int]]  # points expiring in the next 90 days, by date
    expiring_points: int
    prepaid_balance: int
    point_value: int  # minor units one point is worth when redeemed
    currency: str
    points_entries: list[LedgerLine]  # newest first
    prepaid_entries: list[LedgerLine]  # newest first


def _points_lines(customer_id: int, limit: int) -> list[LedgerLine]:
    query = (PointsEntry.select(PointsEntry.id, PointsEntry.at, PointsEntry.kind, PointsEntry.points,
                                PointsEntry.document, PointsEntry.reason, PointsEntry.expires_on, AppUser.display_name)
             .left_outer_join(AppUser, on=(PointsEntry.user == AppUser.id))
             .where(PointsEntry.customer == customer_id).order_by(PointsEntry.id.desc()).limit(limit).tuples())
    return [LedgerLine(entry_id, at, kind, _(POINTS_LABELS.get(kind, kind)), int(points), document, "", reason,
                       expires_on, user or "")
            for entry_id, at, kind, points, document, reason, expires_on, user in query]


def _prepaid_lines(customer_id: int, limit: int) -> list[LedgerLine]:
    query = (PrepaidEntry.select(PrepaidEntry.id, PrepaidEntry.at, PrepaidEntry.kind, PrepaidEntry.amount,
                                 PrepaidEntry.document, PrepaidEntry.method, PrepaidEntry.reason, AppUser.display_name)
             .left_outer_join(AppUser, on=(PrepaidEntry.user == AppUser.id))
             .where(PrepaidEntry.customer == customer_id).order_by(PrepaidEntry.id.desc()).limit(limit).tuples())
    return [LedgerLine(entry_id, at, kind, _(PREPAID_LABELS.get(kind, kind)), int(amount), document,
                       _(TOP_UP_METHODS.get(method, method)), reason, None, user or "")
            for entry_id, at, kind, amount, document, method, reason, user in query]


def membership_summary(actor: Actor, customer_id: int, *, as_of: date | None = None,
                       limit: int = RECENT_ROWS) -> MembershipSummary:
    """What the Membership section shows: card, tier and the next one, points (and those that
    expire within 90 days of ``as_of``, today by default), prepaid balance, the latest rows of
    both ledgers. Needs customer.view_account."""
    require(actor, "customer.view_account")
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise UserError(_("Customer #{id} is not in the customer file.").format(id=customer_id))
    as_of = as_of or now().date()
    tiers = _tiers()
    tier = next((t for t in tiers if t.name == customer.member_tier), None)
    nxt = next_tier(tiers, customer.points_balance, customer.prepaid_balance)
    missing = ""
    if nxt is not None:
        ways = []
        if nxt.points_missing:
            ways.append(_("{points:,} points").format(points=nxt.points_missing))
        if nxt.prepaid_missing:
            ways.append(_("{amount} prepaid").format(amount=_show_money(nxt.prepaid_missing)))
        missing = _("{ways} to {tier}").format(ways=_(" or ").join(ways), tier=nxt.tier.name)
    expiring = expiring_by_date(_rows_of(customer_id), until=as_of + timedelta(days=EXPIRY_NOTICE_DAYS))
    limit = max(1, min(int(limit), 200))
    return MembershipSummary(
        customer_id=customer.id, name=customer.name, member=customer.member_since is not None,
        card=customer.member_card or "", member_since=customer.member_since, tier=customer.member_tier,
        tier_discount_bp=tier.discount_bp if tier else 0, next_tier=nxt.tier.name if nxt else "",
        next_tier_missing=missing, points_balance=customer.points_balance, expiring=expiring,
        expiring_points=sum(points for _day, points in expiring), prepaid_balance=customer.prepaid_balance,
        point_value=int(settings.get("membership.point_value")), currency=settings.get("shop.currency"),
        points_entries=_points_lines(customer_id, limit), prepaid_entries=_prepaid_lines(customer_id, limit))


@dataclass(frozen=True)
class MemberCard:
    """What a printed member card shows."""

    shop_name: str
    member_name: str
    tier: str
    card_number: str
    member_since: date | None


def member_card(actor: Actor, customer_id: int) -> MemberCard:
    """The data of the customer's member card, for ``printing.member_card``. Needs
    customer.view_account; a customer who is not a member has no card to print."""
    require(actor, "customer.view_account")
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or not customer.active:
        raise UserError(_(CUSTOMER_GONE).format(customer_id))
    if customer.member_since is None or not customer.member_card:
        raise UserError(_("{name} is not a member yet: enrol them to print a card.").format(name=customer.name))
    return MemberCard(settings.get("shop.name"), customer.name, customer.member_tier, customer.member_card,
                      customer.member_since)
