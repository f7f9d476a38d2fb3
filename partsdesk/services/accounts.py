"""Customer accounts and classes: invoices and credit notes on account, payments allocated to
invoices, the credit check before a sale on account, ageing and statements, and the A/B/C
class computed from the last 12 months.

The ledger is ``AccountEntry`` (append-only): an invoice is positive (owed), a credit note or
a payment negative. ``AccountAllocation`` says how much of a credit settles which invoice, so
what is still open of each document is its amount less its allocations. ``Customer.account_balance``
caches the sum of the ledger and is kept in the same transaction as every entry.

A credit that is not used up (a payment larger than the open invoices, a credit note against
an invoice already paid) stays on the account and is allocated, oldest credit first, to the
next invoice posted.

Money is integer minor units; dates are plain ``date`` values. Every public function that
changes something is one transaction; ``post_invoice`` and ``post_credit_note`` are meant to run
inside the counter's own transaction (theirs nests as a savepoint).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import fn

from partsdesk.domain.accounts import (
    BUCKETS,
    CLASSES,
    Ageing,
    Allocation,
    ClassThresholds,
    CustomerActivity,
    OpenItem,
    ageing,
    allocate_payment,
    customer_class,
)
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.fields import clean_day, clean_line
from partsdesk.domain.money import CURRENCIES, MONEY_MAX, format_money, parse_money
from partsdesk.domain.part_numbers import normalize_number
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.i18n import N_, _
from partsdesk.models import AccountAllocation, AccountEntry, Customer, database, transaction
from partsdesk.models.db import is_postgres
from partsdesk.services import audit, history, numbering, settings
from partsdesk.services.clock import now

PAYMENT_TERMS_MAX = 365
DOCUMENT_MAX = 40
REFERENCE_MAX = 80
REASON_MAX = 500
CLASS_BATCH = 5_000
# how a payment was made -> how a person calls it
PAYMENT_METHODS: dict[str, str] = {
    "cash": N_("Cash"),
    "card": N_("Bank card"),
    "transfer": N_("Bank transfer"),
    "wechat": N_("WeChat Pay"),
    "alipay": N_("Alipay"),
    "cheque": N_("Cheque"),
}
DEBIT_KINDS = ("invoice", "refund")
CREDIT_KINDS = ("credit_note", "payment")
KIND_LABELS = {"invoice": N_("Invoice"), "credit_note": N_("Credit note"), "payment": N_("Payment"),
               "refund": N_("Refund"), "adjustment": N_("Adjustment")}


def _exponent() -> int:
    return CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]


def format_amount(minor: int) -> str:
    """``minor`` units as the shop writes money: 1,234.50 (the currency's own decimals)."""
    return format_money(minor, exponent=_exponent())


_money = format_amount


def _customer(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or not customer.active:
        raise UserError(_("Customer #{customer_id} is not in the customer file (merged or erased).").format(
            customer_id=customer_id))
    return customer


def _clean_amount(value: object, *, name: str = "amount", label: str = N_("Amount")) -> int:
    """Minor units from an int or from what a person typed; more than 0."""
    label = _(label)
    if isinstance(value, bool):
        raise ValidationError({name: _("{label}: a number is needed.").format(label=label)})
    amount = value if isinstance(value, int) else parse_money(value, exponent=_exponent(), field=name, label=label)
    if amount <= 0:
        raise ValidationError({name: _("{label} must be more than 0.").format(label=label)})
    if amount > MONEY_MAX:
        raise ValidationError({name: _("{label} is too large.").format(label=label)})
    return amount


# --- open items ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AccountItem:
    """A document on the account with what is still open of it: an invoice (positive) or an
    unused credit (negative: a credit note or the rest of a payment)."""

    entry_id: int
    kind: str
    document: str
    issued: date
    due: date
    amount: int  # the document's own amount, signed as in the ledger
    open_amount: int  # what is still open, same sign

    def days_overdue(self, as_of: date) -> int:
        return max(0, (as_of - self.due).days) if self.open_amount > 0 else 0

    @property
    def item(self) -> OpenItem:
        return OpenItem(self.document, self.issued, self.due, self.open_amount)


def _open_items(customer_id: int) -> list[AccountItem]:
    debit = AccountAllocation.alias("d")
    credit = AccountAllocation.alias("c")
    settled = (debit.select(fn.COALESCE(fn.SUM(debit.amount), 0)).where(debit.debit_entry == AccountEntry.id))
    used = (credit.select(fn.COALESCE(fn.SUM(credit.amount), 0)).where(credit.credit_entry == AccountEntry.id))
    query = (AccountEntry
             .select(AccountEntry.id, AccountEntry.kind, AccountEntry.document, AccountEntry.issued_on,
                     AccountEntry.due_on, AccountEntry.amount, settled.alias("settled"), used.alias("used"))
             .where(AccountEntry.customer == customer_id)
             .order_by(AccountEntry.due_on, AccountEntry.issued_on, AccountEntry.id))
    items = []
    for entry_id, kind, document, issued, due, amount, settled_sum, used_sum in query.tuples():
        open_amount = amount - int(settled_sum) if amount > 0 else amount + int(used_sum)
        if open_amount:
            items.append(AccountItem(entry_id, kind, document, issued, due or issued, amount, open_amount))
    items.sort(key=lambda i: (i.open_amount < 0, i.due, i.issued, i.document))
    return items


def open_items(customer_id: int) -> list[AccountItem]:
    """The customer's open invoices (oldest due first), then their unused credits."""
    _customer(customer_id)
    return _open_items(customer_id)


def _allocate(credit: AccountItem | int, pairs: Iterable[tuple[int, int]], *, user_id: int | None,
              stamp: datetime) -> None:
    credit_id = credit.entry_id if isinstance(credit, AccountItem) else credit
    for debit_id, amount in pairs:
        if amount > 0:
            AccountAllocation.create(credit_entry=credit_id, debit_entry=debit_id, amount=amount, allocated_at=stamp,
                                     user=user_id)


def _apply_credits(customer_id: int, invoice: AccountItem, *, user_id: int | None, stamp: datetime) -> int:
    """Settle ``invoice`` from the customer's unused credits, oldest first; the amount used."""
    left = invoice.open_amount
    credits = sorted((i for i in _open_items(customer_id) if i.open_amount < 0), key=lambda i: (i.issued, i.entry_id))
    for credit in credits:
        if left == 0:
            break
        share = min(left, -credit.open_amount)
        _allocate(credit, [(invoice.entry_id, share)], user_id=user_id, stamp=stamp)
        left -= share
    return invoice.open_amount - left


def _document_taken(kind: str, document: str) -> bool:
    return AccountEntry.select().where((AccountEntry.kind == kind) & (AccountEntry.document == document)).exists()


def _add_to_balance(customer_id: int, amount: int) -> None:
    Customer.update(account_balance=Customer.account_balance + amount).where(Customer.id == customer_id).execute()


# --- posting on account (the counter calls these) --------------------------------------------------

def post_invoice(customer_id: int, *, document: str, amount: int, issued_on: date, due_on: date | None = None,
                 user_id: int | None) -> int:
    """Put invoice ``document`` of ``amount`` minor units (more than 0) on the customer's account;
    returns the ledger entry's id. Due ``issued_on`` + the customer's payment terms unless
    ``due_on`` is given. Unused credits on the account settle it at once, oldest first.

    No permission check: the caller (the counter's sale on account, via ``charge_on_account``)
    has done it. Runs in the caller's transaction when there is one.
    """
    document = clean_line(document, field="document", label=_("Invoice number"), max_length=DOCUMENT_MAX,
                           required=True)
    amount = _clean_amount(amount)
    issued_on = clean_day(issued_on, "issued_on", _("Invoice date"))
    with transaction():
        customer = _customer(customer_id)
        due = (clean_day(due_on, "due_on", _("Due date")) if due_on is not None
               else issued_on + timedelta(days=customer.payment_terms_days))
        if due < issued_on:
            raise ValidationError({"due_on": _("An invoice cannot fall due before it is issued.")})
        if _document_taken("invoice", document):
            raise ValidationError({"document": _("Invoice {document} is already on an account.").format(document=document)})
        stamp = now()
        entry = AccountEntry.create(customer=customer_id, posted_at=stamp, kind="invoice", document=document,
                                    amount=amount, issued_on=issued_on, due_on=due, user=user_id)
        _add_to_balance(customer_id, amount)
        invoice = AccountItem(entry.id, "invoice", document, issued_on, due, amount, amount)
        settled = _apply_credits(customer_id, invoice, user_id=user_id, stamp=stamp)
        summary = f"Invoice {document} on account, {_money(amount)}, due {due.isoformat()}"
        if settled:
            summary += f"; {_money(settled)} settled from the credit on the account"
        history.record_event(customer_id, "account", summary=summary, user_id=user_id, document_type="invoice",
                             document_id=entry.id, document_no=document, amount=amount)
        return int(entry.id)


def post_credit_note(customer_id: int, *, document: str, amount: int, issued_on: date, against: str | None = None,
                     user_id: int | None) -> int:
    """Put credit note ``document`` of ``amount`` minor units (more than 0; stored negative) on
    the account; returns the entry's id. ``against``: the invoice it corrects, which it settles
    as far as that invoice is open. Without ``against`` it settles open invoices oldest first.
    What is left stays on the account as a credit for the next invoice.

    No permission check (the counter's return has done it). Runs in the caller's transaction.
    """
    document = clean_line(document, field="document", label=_("Credit note number"), max_length=DOCUMENT_MAX,
                           required=True)
    amount = _clean_amount(amount)
    issued_on = clean_day(issued_on, "issued_on", _("Credit note date"))
    against = clean_line(against, field="against", label=_("Invoice corrected"), max_length=DOCUMENT_MAX,
                          required=False) or None
    with transaction():
        _customer(customer_id)
        if _document_taken("credit_note", document):
            raise ValidationError({"document": _("Credit note {document} is already on an account.").format(document=document)})
        if against is not None and not AccountEntry.select().where(
                (AccountEntry.customer == customer_id) & (AccountEntry.kind == "invoice")
                & (AccountEntry.document == against)).exists():
            raise ValidationError({"against": _("Invoice {against} is not on this customer's account.").format(against=against)})
        stamp = now()
        items = _open_items(customer_id)
        entry = AccountEntry.create(customer=customer_id, posted_at=stamp, kind="credit_note", document=document,
                                    amount=-amount, issued_on=issued_on, due_on=issued_on, user=user_id)
        _add_to_balance(customer_id, -amount)
        invoices = [i.item for i in items if i.open_amount > 0]
        open_docs = {i.document for i in invoices}
        chosen = None if against is None else ([against] if against in open_docs else [])
        allocation = allocate_payment(amount, invoices, chosen=chosen)
        ids = {i.document: i.entry_id for i in items}
        _allocate(entry.id, [(ids[doc], share) for doc, share in allocation.paid], user_id=user_id, stamp=stamp)
        summary = f"Credit note {document}, {_money(amount)}" + (f", corrects invoice {against}" if against else "")
        if allocation.unallocated:
            summary += f"; {_money(allocation.unallocated)} stays on the account as a credit"
        history.record_event(customer_id, "account", summary=summary, user_id=user_id, document_type="credit_note",
                             document_id=entry.id, document_no=document, amount=-amount)
        return int(entry.id)


# --- the credit check ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreditCheck:
    """What the counter needs to know before selling ``amount`` on account."""

    customer_id: int
    amount: int
    limit: int
    balance: int
    overdue_amount: int
    overdue_count: int
    oldest_overdue_days: int
    would_be_balance: int
    has_account: bool  # a credit limit above 0
    over_limit: bool
    overdue: bool
    policy: str  # "warn" or "block" (setting credit.policy)
    needs_approval: bool  # block policy and a problem: a manager must approve
    message: str

    @property
    def problem(self) -> bool:
        return self.over_limit or self.overdue


def _overdue(items: Sequence[AccountItem], as_of: date) -> tuple[int, int, int]:
    late = [i for i in items if i.open_amount > 0 and i.days_overdue(as_of) > 0]
    return (sum(i.open_amount for i in late), len(late), max((i.days_overdue(as_of) for i in late), default=0))


def _credit_check(customer: Customer, items: Sequence[AccountItem], amount: int, as_of: date) -> CreditCheck:
    limit, balance = int(customer.credit_limit), int(customer.account_balance)
    overdue_amount, overdue_count, oldest = _overdue(items, as_of)
    would_be = balance + amount
    policy = settings.get("credit.policy")
    has_account = limit > 0
    over_limit = has_account and would_be > limit
    overdue = overdue_count > 0
    parts = []
    if not has_account:
        parts.append(_("No account: the credit limit is 0. Sell for payment now, or ask a manager to set a credit "
                       "limit."))
    if over_limit:
        over = (_("Over the credit limit by {excess} (limit {limit}, balance would be {balance}).") if amount
                else _("Over the credit limit by {excess} (limit {limit}, balance {balance})."))
        parts.append(over.format(excess=_money(would_be - limit), limit=_money(limit), balance=_money(would_be)))
    if overdue:
        late = (_("1 invoice overdue, {amount} (oldest {days} days).") if overdue_count == 1
                else _("{count} invoices overdue, {amount} (oldest {days} days)."))
        parts.append(late.format(count=overdue_count, amount=_money(overdue_amount), days=oldest))
    if has_account and not parts:
        parts.append(_("Within the credit limit: {left} left of {limit}.").format(
            left=_money(max(0, limit - would_be)), limit=_money(limit)))
    message = " ".join(parts)
    needs_approval = has_account and policy == "block" and (over_limit or overdue)
    if needs_approval:
        message += " " + _("A manager must approve a sale on account.")
    return CreditCheck(customer.id, amount, limit, balance, overdue_amount, overdue_count, oldest, would_be,
                       has_account, over_limit, overdue, policy, needs_approval, message)


def credit_check(customer_id: int, amount: int, *, as_of: date) -> CreditCheck:
    """Whether ``amount`` more on account keeps the customer within their limit and whether
    invoices are overdue on ``as_of``, with the policy in force and a message in plain words."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValidationError({"amount": _("The amount to check is a whole number of minor units, 0 or more.")})
    customer = _customer(customer_id)
    return _credit_check(customer, _open_items(customer_id), amount, as_of)


@dataclass(frozen=True)
class Charge:
    entry_id: int
    check: CreditCheck  # as it was before the charge
    warning: str  # shown to the cashier under the warn policy; "" when all was well


def charge_on_account(actor: Actor, customer_id: int, *, document: str, amount: int, issued_on: date,
                      approval: Approval | None = None) -> Charge:
    """Sell ``amount`` on account as invoice ``document``: the credit check first. A customer
    without an account (limit 0) is refused. Over the limit or with overdue invoices, the warn
    policy lets it through with a warning, the block policy needs account.exceed_credit (a
    manager, or a manager's ``approval``); any exceed is audited with who approved it.
    Needs customer.view_account (the people at the counter)."""
    require(actor, "customer.view_account")
    amount = _clean_amount(amount)
    issued_on = clean_day(issued_on, "issued_on", _("Invoice date"))
    with transaction():
        customer = _customer(customer_id)
        check = _credit_check(customer, _open_items(customer_id), amount, issued_on)
        if not check.has_account:
            raise UserError(_("{name} has no account (credit limit 0): sell for payment now, or ask a "
                              "manager to set a credit limit.").format(name=customer.name))
        used = require(actor, "account.exceed_credit", approval) if check.needs_approval else None
        entry_id = post_invoice(customer_id, document=document, amount=amount, issued_on=issued_on,
                                user_id=actor.user_id)
        if check.problem:
            audit.record("account.exceed_credit", actor=actor, approval=used, object_type="customer",
                         object_id=customer_id, reason=check.message,
                         new={"document": document, "amount": amount, "balance": check.would_be_balance,
                              "limit": check.limit, "overdue": check.overdue_amount, "policy": check.policy})
        return Charge(entry_id, check, check.message if check.problem and check.policy == "warn" else "")


# --- payments --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Payment:
    entry_id: int
    document: str  # the payment's number, PAY000123
    amount: int
    allocation: Allocation  # (invoice, amount) paid; what stayed on the account
    balance: int  # the account balance after it


def take_payment(actor: Actor, customer_id: int, amount: int | str, *, method: str, reference: str = "",
                 chosen: Sequence[str] | None = None, as_of: date | None = None) -> Payment:
    """Take a payment of ``amount`` (minor units, or text as typed) on account and allocate it
    to open invoices oldest first, or to the ``chosen`` invoice numbers in that order. What is
    left stays on the account as a credit (the next invoice uses it). ``as_of``: the payment's
    date (default today). Needs account.payment; audited, and a line in the customer's history.
    Bad input raises ValidationError and changes nothing."""
    require(actor, "account.payment")
    amount = _clean_amount(amount)
    if method not in PAYMENT_METHODS:
        raise ValidationError({"method": _("Choose how it was paid: {methods}.").format(
            methods=", ".join(_(label) for label in PAYMENT_METHODS.values()))})
    reference = clean_line(reference, field="reference", label=_("Reference"), max_length=REFERENCE_MAX,
                            required=False)
    paid_on = clean_day(as_of, "as_of", _("Payment date")) if as_of is not None else now().date()
    with transaction():
        customer = _customer(customer_id)
        items = _open_items(customer_id)
        allocation = allocate_payment(amount, [i.item for i in items], chosen=chosen)
        stamp = now()
        document = numbering.take_number("payment")
        entry = AccountEntry.create(customer=customer_id, posted_at=stamp, kind="payment", document=document,
                                    amount=-amount, issued_on=paid_on, due_on=paid_on, method=method,
                                    note=reference, user=actor.user_id,
                                    terminal=audit.TERMINAL)  # the drawer the money went into: the Z claims it
        ids = {i.document: i.entry_id for i in items if i.open_amount > 0}
        _allocate(entry.id, [(ids[doc], share) for doc, share in allocation.paid], user_id=actor.user_id,
                  stamp=stamp)
        _add_to_balance(customer_id, -amount)
        balance = int(customer.account_balance) - amount
        paid = ", ".join(f"{doc} {_money(share)}" for doc, share in allocation.paid) or "no invoice"
        summary = f"Payment {document}, {_money(amount)} by {PAYMENT_METHODS[method].lower()}: paid {paid}"
        if allocation.unallocated:
            summary += f"; {_money(allocation.unallocated)} stays on the account as a credit"
        history.record_event(customer_id, "payment", summary=summary, user_id=actor.user_id,
                             document_type="payment", document_id=entry.id, document_no=document, amount=-amount)
        audit.record("account.payment", actor=actor, object_type="customer", object_id=customer_id,
                     new={"document": document, "amount": amount, "method": method, "reference": reference,
                          "paid": [list(pair) for pair in allocation.paid], "unallocated": allocation.unallocated,
                          "balance": balance})
        return Payment(int(entry.id), document, amount, allocation, balance)


# --- credit terms ----------------------------------------------------------------------------------

def set_credit_terms(actor: Actor, customer_id: int, *, credit_limit: int | str, payment_terms_days: int | str,
                     approval: Approval | None = None) -> None:
    """Set the customer's credit limit (minor units or text as typed; 0: no account) and payment
    terms (0 to 365 days). Needs account.credit_terms (a manager, or a manager's ``approval``);
    audited with the old and new values. Bad values raise ValidationError and change nothing."""
    # Checked before the permission, so no manager is called over to approve a typing mistake.
    problems: dict[str, str] = {}
    limit = 0
    try:
        if isinstance(credit_limit, bool):
            raise ValidationError({"credit_limit": _("Credit limit: a number is needed.")})
        limit = credit_limit if isinstance(credit_limit, int) else parse_money(
            credit_limit if str(credit_limit).strip() else "0", exponent=_exponent(), field="credit_limit",
            label=_("Credit limit"))
        if limit < 0:
            problems["credit_limit"] = _("Credit limit cannot be negative.")
        elif limit > MONEY_MAX:
            problems["credit_limit"] = _("Credit limit is too large.")
    except ValidationError as error:
        problems.update(error.problems)
    terms_text = str(payment_terms_days).strip()
    if isinstance(payment_terms_days, bool) or not (isinstance(payment_terms_days, int)
                                                    or terms_text.lstrip("-").isdigit()):
        problems["payment_terms_days"] = _("Payment terms: a whole number of days.")
        terms = 0
    else:
        terms = int(terms_text)
        if not 0 <= terms <= PAYMENT_TERMS_MAX:
            problems["payment_terms_days"] = _("Payment terms are 0 to {most} days.").format(most=PAYMENT_TERMS_MAX)
    if problems:
        raise ValidationError(problems)
    used = require(actor, "account.credit_terms", approval)
    with transaction():
        customer = _customer(customer_id)
        old = {"credit_limit": int(customer.credit_limit), "payment_terms_days": int(customer.payment_terms_days)}
        new = {"credit_limit": limit, "payment_terms_days": terms}
        if old == new:
            return
        Customer.update(credit_limit=limit, payment_terms_days=terms, updated_at=now()
                        ).where(Customer.id == customer_id).execute()
        audit.record("account.credit_terms", actor=actor, approval=used, object_type="customer",
                     object_id=customer_id, old=old, new=new)


# --- classes ---------------------------------------------------------------------------------------

def thresholds() -> ClassThresholds:
    """The class thresholds in the shop's settings (customer.class_*)."""
    return ClassThresholds(
        a_revenue=settings.get("customer.class_a_revenue"), a_visits=settings.get("customer.class_a_visits"),
        b_revenue=settings.get("customer.class_b_revenue"), b_visits=settings.get("customer.class_b_visits"),
        late_days=settings.get("customer.class_late_days"),
        overdue_share_bp=settings.get("customer.class_overdue_share_bp"))


def _window(as_of: date) -> tuple[datetime, datetime]:
    """The last 12 months up to and including ``as_of``: (as_of − 1 year, as_of], by whole days."""
    try:
        year_ago = as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February
        year_ago = as_of.replace(year=as_of.year - 1, day=28)
    return datetime.combine(year_ago + timedelta(days=1), time()), datetime.combine(as_of + timedelta(days=1), time())


def _day_of(column: str) -> str:
    """SQL for the calendar day of a timestamp column, on either engine."""
    return f"CAST({column} AS DATE)" if is_postgres() else f"substr({column}, 1, 10)"


def _rows(sql: str, params: Sequence[object]) -> list[tuple]:
    return list(database.obj.execute_sql(sql, tuple(params)).fetchall())


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _activities(first_id: int, last_id: int, as_of: date) -> dict[int, CustomerActivity]:
    """Activity of the customers with ids in [first_id, last_id] (grouped SQL, a few queries in
    all); customers with none are left out."""
    p = database.obj.param
    start, end = _window(as_of)
    # One pass over the batch's timeline, through the (customer_id, at) index: "kind || ''" keeps
    # the planner off the kind index, which would walk every customer's events in the window.
    day = _day_of("at")
    trades = _rows(
        f"SELECT customer_id, SUM(CASE WHEN kind IN ('sale', 'return') THEN amount ELSE 0 END), "
        f"COUNT(DISTINCT CASE WHEN kind IN ('sale', 'repair_order') THEN {day} END) FROM customer_event "
        f"WHERE customer_id BETWEEN {p} AND {p} AND at >= {p} AND at < {p} "
        f"AND kind || '' IN ('sale', 'return', 'repair_order') GROUP BY customer_id",
        (first_id, last_id, start, end))
    revenue = {row[0]: row[1] for row in trades}
    visits = {row[0]: row[2] for row in trades}

    def due(t: str) -> str:
        return f"{t}.customer_id BETWEEN {p} AND {p} AND {t}.amount > 0 AND {t}.due_on < {p}"

    settled = (f"SELECT a.debit_entry_id, SUM(a.amount) AS paid FROM account_allocation a "
               f"JOIN account_entry d ON d.id = a.debit_entry_id WHERE {due('d')} GROUP BY a.debit_entry_id")
    overdue = dict(_rows(
        f"SELECT e.customer_id, SUM(e.amount - COALESCE(s.paid, 0)) FROM account_entry e "
        f"LEFT JOIN ({settled}) s ON s.debit_entry_id = e.id WHERE {due('e')} "
        f"GROUP BY e.customer_id", (first_id, last_id, as_of, first_id, last_id, as_of)))
    late: dict[int, list[int]] = defaultdict(list)
    closed = _rows(
        f"SELECT e.customer_id, e.due_on, MAX(c.issued_on) FROM account_entry e "
        f"JOIN account_allocation a ON a.debit_entry_id = e.id JOIN account_entry c ON c.id = a.credit_entry_id "
        f"WHERE e.customer_id BETWEEN {p} AND {p} AND e.kind = 'invoice' "
        f"GROUP BY e.id, e.customer_id, e.amount, e.due_on HAVING SUM(a.amount) = e.amount",
        (first_id, last_id))
    for customer_id, due_on, paid_on in closed:
        paid = _as_date(paid_on)
        if start.date() <= paid <= as_of:
            late[int(customer_id)].append(max(0, (paid - _as_date(due_on)).days))
    result = {}
    for customer_id in set(revenue) | set(visits) | set(overdue) | set(late):
        days = late.get(customer_id, [])
        average = (2 * sum(days) + len(days)) // (2 * len(days)) if days else 0  # halves up
        result[int(customer_id)] = CustomerActivity(
            revenue_12m=int(revenue.get(customer_id) or 0), visits_12m=int(visits.get(customer_id) or 0),
            overdue_amount=max(0, int(overdue.get(customer_id) or 0)), average_days_late=average)
    return result


def customer_activity(customer_id: int, *, as_of: date) -> CustomerActivity:
    """The customer's last 12 months up to ``as_of``: revenue (sales less returns on the
    timeline), visits (days with a sale or a repair order), the overdue amount and the average
    days late over invoices paid in the period."""
    _customer(customer_id)
    return _activities(customer_id, customer_id, as_of).get(customer_id, CustomerActivity(0, 0))


@dataclass(frozen=True)
class ClassOfCustomer:
    grade: str  # the class in force
    computed: str
    reason: str
    computed_at: datetime | None
    override: str | None
    override_reason: str


def _store_classes(decisions: dict[int, tuple[str, str]], current: dict[int, tuple[str, str]],
                   stamp: datetime, first_id: int, last_id: int) -> None:
    """Write the classes that changed (one statement run many times), and the time computed for
    every active customer with an id in [first_id, last_id]."""
    p = database.obj.param
    changed = [(grade, reason, customer_id) for customer_id, (grade, reason) in decisions.items()
               if current.get(customer_id) != (grade, reason)]
    if changed:
        cursor = database.obj.cursor()
        cursor.executemany(f"UPDATE customer SET class_grade = {p}, class_reason = {p} WHERE id = {p}", changed)
    Customer.update(class_computed_at=stamp).where(
        Customer.active & (Customer.id >= first_id) & (Customer.id <= last_id)).execute()


def refresh_class(customer_id: int, *, as_of: date) -> ClassOfCustomer:
    """Compute and store the customer's class from their last 12 months; returns it."""
    limits = thresholds()
    with transaction():
        customer = _customer(customer_id)
        activity = _activities(customer_id, customer_id, as_of).get(customer_id, CustomerActivity(0, 0))
        decision = customer_class(activity, limits)
        _store_classes({customer_id: (decision.grade, decision.reason)},
                       {customer_id: (customer.class_grade, customer.class_reason)}, now(), customer_id,
                       customer_id)
    return class_of(customer_id)


def refresh_classes(*, as_of: date, progress: Callable[[int, int], None] | None = None) -> int:
    """Compute and store the class of every active customer; returns how many. Works through
    the customers in batches of ``CLASS_BATCH`` ids, each batch a few grouped queries and one
    transaction of its own (the counter is never held up for long; a customer's class is
    whole at every moment). ``progress(done, total)`` after each batch."""
    limits = thresholds()
    total = Customer.select().where(Customer.active).count()
    bounds = Customer.select(fn.MIN(Customer.id), fn.MAX(Customer.id)).where(Customer.active).tuples().first()
    done = 0
    if progress:
        progress(0, total)
    if not total or bounds is None or bounds[0] is None:
        return 0
    low, high = int(bounds[0]), int(bounds[1])
    empty = customer_class(CustomerActivity(0, 0), limits)
    stamp = now()
    for first in range(low, high + 1, CLASS_BATCH):
        last = min(high, first + CLASS_BATCH - 1)
        with transaction():
            current = {i: (grade, reason) for i, grade, reason in Customer.select(
                Customer.id, Customer.class_grade, Customer.class_reason).where(
                Customer.active & (Customer.id >= first) & (Customer.id <= last)).tuples()}
            if not current:
                continue
            activities = _activities(first, last, as_of)
            decisions = {}
            for customer_id in current:
                activity = activities.get(customer_id)
                decision = customer_class(activity, limits) if activity is not None else empty
                decisions[customer_id] = (decision.grade, decision.reason)
            _store_classes(decisions, current, stamp, first, last)
        done += len(current)
        if progress:
            progress(done, total)
    return done


def class_of(customer_id: int) -> ClassOfCustomer:
    customer = _customer(customer_id)
    return ClassOfCustomer(customer.grade, customer.class_grade, customer.class_reason, customer.class_computed_at,
                           customer.class_override, customer.class_override_reason)


def override_class(actor: Actor, customer_id: int, grade: str | None, *, reason: str,
                   approval: Approval | None = None) -> ClassOfCustomer:
    """Set the customer's class by hand (``grade`` A, B or C) or clear the override (None: the
    computed class is in force again). The reason is required. Needs customer.class_override
    (a manager, or a manager's ``approval``); audited with the old and new values."""
    reason = clean_line(reason, field="reason", label=_("The reason"), max_length=REASON_MAX, required=False)
    if not reason:
        raise ValidationError({"reason": _("Say why this customer's class is set by hand; it goes into the audit log.")})
    if grade is not None:
        grade = str(grade).strip().upper()
        if grade not in CLASSES:
            raise ValidationError({"grade": _("A class is one of {classes}.").format(classes=", ".join(CLASSES))})
    used = require(actor, "customer.class_override", approval)
    with transaction():
        customer = _customer(customer_id)
        old = {"override": customer.class_override, "reason": customer.class_override_reason}
        new = {"override": grade, "reason": reason if grade is not None else ""}
        Customer.update(class_override=new["override"], class_override_reason=new["reason"], updated_at=now()
                        ).where(Customer.id == customer_id).execute()
        audit.record("customer.class_override", actor=actor, approval=used, object_type="customer",
                     object_id=customer_id, reason=reason, old=old, new=new)
    return class_of(customer_id)


# --- reading the account ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AccountSummary:
    customer_id: int
    name: str
    as_of: date
    credit_limit: int
    payment_terms_days: int
    balance: int  # what the customer owes; negative: a credit
    unallocated_credit: int  # unused credits on the account (a positive amount)
    ageing: Ageing
    items: list[AccountItem]
    overdue_amount: int
    credit: CreditCheck  # the credit status, for 0 more on account
    customer_class: ClassOfCustomer
    currency: str


def _summary(customer: Customer, as_of: date) -> AccountSummary:
    items = _open_items(customer.id)
    check = _credit_check(customer, items, 0, as_of)
    return AccountSummary(
        customer_id=customer.id, name=customer.name, as_of=as_of, credit_limit=int(customer.credit_limit),
        payment_terms_days=int(customer.payment_terms_days), balance=int(customer.account_balance),
        unallocated_credit=-sum(i.open_amount for i in items if i.open_amount < 0),
        ageing=ageing([i.item for i in items], as_of), items=items, overdue_amount=check.overdue_amount,
        credit=check,
        customer_class=ClassOfCustomer(customer.grade, customer.class_grade, customer.class_reason,
                                       customer.class_computed_at, customer.class_override,
                                       customer.class_override_reason),
        currency=settings.get("shop.currency"))


def account_summary(actor: Actor, customer_id: int, *, as_of: date) -> AccountSummary:
    """The customer's account on ``as_of``: limit and terms, balance, unused credit, ageing,
    open items, credit status and class. Needs customer.view_account (not a technician)."""
    require(actor, "customer.view_account")
    return _summary(_customer(customer_id), as_of)


@dataclass(frozen=True)
class StatementLine:
    document: str
    kind: str
    issued: date
    due: date
    amount: int  # the document's amount, signed
    open_amount: int
    days_overdue: int


@dataclass(frozen=True)
class StatementData:
    """Everything a statement prints, as plain values; totals are computed here, not in printing."""

    shop_name: str
    shop_address: str
    shop_phone: str
    shop_tax_id: str
    currency: str
    customer_id: int
    customer_name: str
    customer_address: str
    customer_tax_id: str
    member_card: str
    as_of: date
    lines: list[StatementLine]
    ageing: dict[str, int]  # every bucket of BUCKETS, in order
    total_due: int  # the sum of the open items (= the balance)
    balance: int
    unallocated_credit: int
    credit_limit: int
    payment_terms_days: int
    overdue_amount: int
    buckets: tuple[str, ...] = field(default=BUCKETS)


def statement_data(actor: Actor, customer_id: int, *, as_of: date) -> StatementData:
    """What the customer's statement on ``as_of`` shows: the shop, the customer, the open items
    aged on ``as_of``, the ageing line and the totals. Open amounts are as they stand now.
    Needs customer.view_account."""
    require(actor, "customer.view_account")
    customer = _customer(customer_id)
    summary = _summary(customer, as_of)
    lines = [StatementLine(i.document, i.kind, i.issued, i.due, i.amount, i.open_amount, i.days_overdue(as_of))
             for i in summary.items]
    return StatementData(
        shop_name=settings.get("shop.name"), shop_address=settings.get("shop.address"),
        shop_phone=settings.get("shop.phone"), shop_tax_id=settings.get("shop.tax_id"), currency=summary.currency,
        customer_id=customer.id, customer_name=customer.name, customer_address=customer.address,
        customer_tax_id=customer.tax_id, member_card=customer.member_card or "", as_of=as_of, lines=lines,
        ageing=dict(summary.ageing.buckets), total_due=summary.ageing.total, balance=summary.balance,
        unallocated_credit=summary.unallocated_credit, credit_limit=summary.credit_limit,
        payment_terms_days=summary.payment_terms_days, overdue_amount=summary.overdue_amount)


def find_customer(text: str) -> int:
    """The customer ``text`` names: a record number ("12" or "#12") or a member card number.
    Raises UserError when none (or a merged or erased one) matches."""
    text = " ".join(str(text or "").split())
    if not text:
        raise UserError(_("Name the customer: a record number (12 or #12) or a member card number."))
    number = text[1:] if text.startswith("#") else text
    if number.isdigit() and len(number) <= 18:
        row = Customer.get_or_none(Customer.id == int(number))
        if row is not None:
            if not row.active:
                if row.merged_into_id:
                    raise UserError(_("Customer #{customer_id} is not in the customer file any more (merged into "
                                      "#{merged_into} or erased).").format(customer_id=row.id,
                                                                            merged_into=row.merged_into_id))
                raise UserError(_("Customer #{customer_id} is not in the customer file any more (merged or "
                                  "erased).").format(customer_id=row.id))
            return int(row.id)
    card = normalize_number(text)
    row = Customer.get_or_none((Customer.member_card == card) & Customer.active) if card else None
    if row is None:
        raise UserError(_("No customer with record number or member card {text!r}.").format(text=text))
    return int(row.id)


__all__ = [
    "PAYMENT_METHODS", "AccountItem", "AccountSummary", "Charge", "ClassOfCustomer", "CreditCheck", "Payment",
    "StatementData", "StatementLine", "account_summary", "charge_on_account", "class_of", "credit_check",
    "customer_activity", "find_customer", "format_amount", "open_items", "override_class", "post_credit_note", "post_invoice",
    "refresh_class", "refresh_classes", "set_credit_terms", "statement_data", "take_payment", "thresholds",
]
