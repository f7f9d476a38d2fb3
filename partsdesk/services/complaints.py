"""The complaints register: record a complaint with its deadlines, handle it step by step
(answer, resolve with compensation, close with the customer's satisfaction, reopen), find the
overdue ones, and report on them.

Each step is one transaction that writes the complaint, one line of the customer's timeline
(kind "complaint", document "C-000012") and one audit row. The audit row keeps the category,
channel, status, deadlines, compensation and satisfaction, never the free texts (description,
answer, resolution): those may hold personal data and the audit log is append-only.

Deadlines are set when the complaint is received (and again when it is reopened):
respond_by = received_at + setting complaints.respond_hours, resolve_by = received_at +
complaints.resolve_days. Overdue rules: ``partsdesk.domain.complaints``.

Reading needs customer.view_account (complaints are part of what a customer told the shop);
recording and handling need complaint.edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from peewee import JOIN

from partsdesk.domain.complaints import (
    ANSWER,
    ANSWERED,
    CHANNEL_LABELS,
    CHANNELS,
    CLOSE,
    CLOSED,
    DOCUMENT_TYPES,
    NEXT_STEPS,
    OPEN,
    REASON_MAX,
    REOPEN,
    RESOLVE,
    RESOLVED,
    SATISFACTION_MAX,
    SATISFACTION_MIN,
    STATUSES,
    TEXT_MAX,
    ComplaintHistory,
    check_step,
    complaint_number,
    is_overdue,
    was_overdue,
)
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.fields import clean_day
from partsdesk.domain.money import MONEY_MAX
from partsdesk.domain.permissions import Actor, require
from partsdesk.i18n import _
from partsdesk.models import Complaint, Customer, Part, transaction
from partsdesk.services import audit, history, settings
from partsdesk.services.clock import now

__all__ = [
    "CHANNELS", "ComplaintChoices", "ComplaintDetail", "ComplaintRow", "ComplaintsReport", "answer",
    "close", "complaints_report", "form_choices", "get_complaint", "list_complaints", "open_complaint",
    "overdue_count", "overdue_customers", "reopen", "resolve",
]

LIST_MAX = 500
DOCUMENT_NO_MAX = 40
REPORT_MONTHS_MAX = 12
FUTURE_SLACK = timedelta(minutes=5)  # terminals' clocks differ a little; a complaint is never "received" later


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComplaintRow:
    id: int
    number: str  # C-000012
    customer_id: int
    customer_name: str
    document_type: str
    document_no: str
    part_id: int | None
    part_number: str
    category: str
    channel: str
    status: str
    received_at: datetime
    respond_by: datetime
    resolve_by: datetime
    overdue: bool
    description: str

    @property
    def document(self) -> str:
        """The linked document as a person reads it: "sale S-00012", "part 0 986 494 294"."""
        parts = []
        if self.document_type or self.document_no:
            parts.append(f"{self.document_type.replace('_', ' ')} {self.document_no}".strip())
        if self.part_number:
            parts.append(_("part {number}").format(number=self.part_number))
        return ", ".join(parts)


@dataclass(frozen=True)
class ComplaintDetail:
    row: ComplaintRow
    answered_at: datetime | None
    answer: str
    resolved_at: datetime | None
    resolution: str
    compensation: int  # minor units
    satisfaction: int | None
    closed_at: datetime | None
    recorded_by: str
    updated_at: datetime
    next_steps: tuple[str, ...]  # answer, resolve, close, reopen: what may be done now


def _row_query():
    return (Complaint
            .select(Complaint.id, Complaint.customer, Customer.name, Complaint.document_type, Complaint.document_no,
                    Complaint.part, Part.number, Complaint.category, Complaint.channel, Complaint.status,
                    Complaint.received_at, Complaint.respond_by, Complaint.resolve_by, Complaint.description)
            .join(Customer, on=(Complaint.customer == Customer.id))
            .switch(Complaint)
            .join(Part, JOIN.LEFT_OUTER, on=(Complaint.part == Part.id)))


def _row(values: tuple, at: datetime) -> ComplaintRow:
    (cid, customer_id, name, document_type, document_no, part_id, part_number, category, channel, status,
     received_at, respond_by, resolve_by, description) = values
    row = ComplaintRow(id=cid, number=complaint_number(cid), customer_id=customer_id, customer_name=name,
                       document_type=document_type, document_no=document_no, part_id=part_id,
                       part_number=part_number or "", category=category, channel=channel, status=status,
                       received_at=received_at, respond_by=respond_by, resolve_by=resolve_by, overdue=False,
                       description=description)
    return _with_overdue(row, at)


def _with_overdue(row: ComplaintRow, at: datetime) -> ComplaintRow:
    return replace(row, overdue=is_overdue(row, at))


def _overdue_condition(at: datetime):
    """The SQL twin of ``domain.complaints.is_overdue`` (tests hold the two together)."""
    return (((Complaint.status == OPEN) & (Complaint.respond_by < at))
            | (Complaint.status.in_((OPEN, ANSWERED)) & (Complaint.resolve_by < at)))


def _number_in(text: str) -> int | None:
    """A complaint typed by its number: "C-000012", "c12", "#12"."""
    token = text.strip().upper().lstrip("#")
    if token.startswith("C"):
        token = token[1:].lstrip("-")
    return int(token) if token.isdigit() and len(token) <= 12 else None


def list_complaints(actor: Actor, *, status: str | None = None, customer_id: int | None = None,
                    overdue_only: bool = False, category: str | None = None, text: str = "", limit: int = 200,
                    offset: int = 0) -> list[ComplaintRow]:
    """Complaints, newest received first, ``limit`` at a time (at most 500).

    ``text`` matches the number (C-000012), the customer's name, the document number or words
    of the description. ``overdue`` is judged at the clock's now.
    """
    require(actor, "customer.view_account")
    if status is not None and status not in STATUSES:
        raise ValidationError({"status": _("Unknown status {status!r}: one of {statuses}.").format(
            status=status, statuses=", ".join(STATUSES))})
    at = now()
    query = _row_query()
    if status:
        query = query.where(Complaint.status == status)
    if customer_id is not None:
        query = query.where(Complaint.customer == customer_id)
    if overdue_only:
        query = query.where(_overdue_condition(at))
    if category:
        query = query.where(Complaint.category == category)
    text = (text or "").strip()[:100]
    if text:
        match = (Customer.name.contains(text) | Complaint.document_no.contains(text)
                 | Complaint.description.contains(text))
        number = _number_in(text)
        if number is not None:
            match = match | (Complaint.id == number)
        query = query.where(match)
    query = (query.order_by(Complaint.received_at.desc(), Complaint.id.desc())
             .limit(max(1, min(int(limit), LIST_MAX))).offset(max(0, int(offset))))
    return [_row(values, at) for values in query.tuples()]


def get_complaint(actor: Actor, complaint_id: int) -> ComplaintDetail:
    """One complaint with its handling so far and the steps that may follow."""
    require(actor, "customer.view_account")
    values = _row_query().where(Complaint.id == complaint_id).tuples().first()
    if values is None:
        raise UserError(_("Complaint {number} is not in the register.").format(number=complaint_number(complaint_id)))
    complaint = Complaint.get_by_id(complaint_id)
    user = complaint.user.display_name if complaint.user_id else ""
    return ComplaintDetail(row=_row(values, now()), answered_at=complaint.answered_at, answer=complaint.answer,
                           resolved_at=complaint.resolved_at, resolution=complaint.resolution,
                           compensation=complaint.compensation, satisfaction=complaint.satisfaction,
                           closed_at=complaint.closed_at, recorded_by=user, updated_at=complaint.updated_at,
                           next_steps=NEXT_STEPS.get(complaint.status, ()))


def overdue_count(*, as_of: datetime | None = None) -> int:
    """How many complaints are overdue at ``as_of`` (default: now). No permission: a count."""
    return Complaint.select().where(_overdue_condition(as_of or now())).count()


def overdue_customers(customer_ids: Iterable[int], *, as_of: datetime | None = None) -> set[int]:
    """Which of ``customer_ids`` have an overdue complaint at ``as_of`` (the Customers list marks them)."""
    ids = sorted({int(i) for i in customer_ids})
    found: set[int] = set()
    at = as_of or now()
    for start in range(0, len(ids), 500):  # keeps the IN list within every engine's parameter limit
        chunk = ids[start:start + 500]
        query = (Complaint.select(Complaint.customer).distinct()
                 .where(Complaint.customer.in_(chunk) & _overdue_condition(at)))
        found.update(row[0] for row in query.tuples())
    return found


def overdue_ids(customer_id: int, *, as_of: datetime | None = None) -> list[int]:
    """The customer's overdue complaints, oldest first (the customer's heading counts them)."""
    query = (Complaint.select(Complaint.id)
             .where((Complaint.customer == customer_id) & _overdue_condition(as_of or now()))
             .order_by(Complaint.id))
    return [row[0] for row in query.tuples()]


@dataclass(frozen=True)
class ComplaintChoices:
    """What the complaint form offers."""

    categories: list[str]
    channels: tuple[str, ...]
    document_types: tuple[str, ...]
    respond_hours: int
    resolve_days: int
    currency: str


def form_choices() -> ComplaintChoices:
    return ComplaintChoices(categories=list(settings.get("complaints.categories")), channels=CHANNELS,
                            document_types=DOCUMENT_TYPES, respond_hours=settings.get("complaints.respond_hours"),
                            resolve_days=settings.get("complaints.resolve_days"),
                            currency=settings.get("shop.currency"))


# --- recording and handling ------------------------------------------------------------------

def _text(problems: dict[str, str], field: str, label: str, value: object, *, required: bool,
          most: int = TEXT_MAX) -> str:
    text = value.strip() if isinstance(value, str) else "" if value is None else str(value).strip()
    if required and not text:
        problems[field] = _("{label} is required.").format(label=label)
    elif len(text) > most:
        problems[field] = _("{label} is at most {most} characters.").format(label=label, most=most)
    elif any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        problems[field] = _("{label} contains control characters.").format(label=label)
    return text


def _received(problems: dict[str, str], value: object, stamp: datetime) -> datetime:
    if value is None or (isinstance(value, str) and not value.strip()):
        return stamp
    if isinstance(value, datetime):
        received = value
    elif isinstance(value, date):
        received = datetime.combine(value, time())
    else:
        try:
            received = datetime.fromisoformat(str(value).strip())
        except ValueError:
            problems["received_at"] = _("Received at: a date and time like 2026-11-22 09:30.")
            return stamp
    if received.tzinfo is not None:
        problems["received_at"] = _("Received at: give the shop's local time without a time zone.")
        return stamp
    if received > stamp + FUTURE_SLACK:
        problems["received_at"] = _("Received at cannot be in the future.")
    return received


def _event(complaint_id: int, customer_id: int, actor: Actor, summary: str, *, amount: int | None = None) -> None:
    history.record_event(customer_id, "complaint", summary=summary, user_id=actor.user_id,
                         document_type="complaint", document_id=complaint_id,
                         document_no=complaint_number(complaint_id), amount=amount)


def open_complaint(actor: Actor, customer_id: int, *, category: str, description: str, channel: str,
                   document_type: str = "", document_no: str = "", part_id: int | None = None,
                   received_at: datetime | None = None) -> int:
    """Record a complaint; returns its id. Needs complaint.edit.

    respond_by = received_at + complaints.respond_hours, resolve_by = received_at +
    complaints.resolve_days (``received_at`` defaults to now; never in the future). ``category``
    is one of setting complaints.categories, ``channel`` one of ``CHANNELS``; ``document_type``
    one of ``DOCUMENT_TYPES`` ("" when unknown: a care task may name only the document's
    number), a type needs its ``document_no``. Bad input raises
    ValidationError with one message per field and writes nothing.
    """
    require(actor, "complaint.edit")
    stamp = now()
    problems: dict[str, str] = {}
    categories = settings.get("complaints.categories")
    if category not in categories:
        problems["category"] = _("Category: one of {categories}.").format(categories=", ".join(categories))
    if channel not in CHANNELS:
        problems["channel"] = _("Channel: one of {channels}.").format(channels=", ".join(CHANNELS))
    description = _text(problems, "description", _("Description"), description, required=True)
    if document_type not in DOCUMENT_TYPES:
        problems["document_type"] = _("Document type: one of {types}.").format(
            types=", ".join(t for t in DOCUMENT_TYPES if t))
    document_no = _text(problems, "document_no", _("Document number"), document_no, required=False,
                        most=DOCUMENT_NO_MAX)
    if "\n" in document_no:
        problems["document_no"] = _("Document number is one line.")
    if document_type and not document_no and not problems.keys() & {"document_type", "document_no"}:
        problems["document_no"] = _("Give the document's number.")
    received = _received(problems, received_at, stamp)
    with transaction():
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None or not customer.active:
            problems["customer_id"] = _("Customer #{customer_id} is not in the customer file.").format(
                customer_id=customer_id)
        if part_id is not None and not Part.select().where(Part.id == part_id).exists():
            problems["part_id"] = _("Part #{part_id} is not in the catalogue.").format(part_id=part_id)
        if problems:
            raise ValidationError(problems)
        respond_by = received + timedelta(hours=settings.get("complaints.respond_hours"))
        resolve_by = received + timedelta(days=settings.get("complaints.resolve_days"))
        complaint_id = int(Complaint.insert(
            customer=customer_id, document_type=document_type, document_no=document_no, part=part_id,
            category=category, description=description, channel=channel, received_at=received,
            respond_by=respond_by, resolve_by=resolve_by, status=OPEN, user=actor.user_id, updated_at=stamp,
        ).execute())
        _event(complaint_id, customer_id, actor,
               f"Complaint {complaint_number(complaint_id)} received ({category}, {CHANNEL_LABELS[channel]})")
        audit.record("complaint.open", actor=actor, object_type="complaint", object_id=complaint_id,
                     new={"customer_id": customer_id, "category": category, "channel": channel,
                          "document_type": document_type, "document_no": document_no, "part_id": part_id,
                          "received_at": received, "respond_by": respond_by, "resolve_by": resolve_by})
    return complaint_id


def _step(complaint_id: int, step: str) -> Complaint:
    """The complaint, locked for this transaction's step, once the step may follow its status."""
    complaint = Complaint.get_or_none(Complaint.id == complaint_id)
    if complaint is None:
        raise UserError(_("Complaint {number} is not in the register.").format(number=complaint_number(complaint_id)))
    check_step(complaint.status, step)
    return complaint


def _update(complaint: Complaint, **values: object) -> None:
    """Write one step; the status it started from must still hold (another terminal may have moved on)."""
    changed = (Complaint.update(**values)
               .where((Complaint.id == complaint.id) & (Complaint.status == complaint.status)).execute())
    if changed != 1:
        raise UserError(_("Complaint {number} was changed on another terminal. Open it again.").format(
            number=complaint_number(complaint.id)))


def answer(actor: Actor, complaint_id: int, *, answer: str) -> None:
    """The shop's answer to an open complaint (open -> answered). Needs complaint.edit."""
    require(actor, "complaint.edit")
    problems: dict[str, str] = {}
    text = _text(problems, "answer", _("Answer"), answer, required=True)
    if problems:
        raise ValidationError(problems)
    stamp = now()
    with transaction():
        complaint = _step(complaint_id, ANSWER)
        _update(complaint, status=ANSWERED, answer=text, answered_at=stamp, updated_at=stamp)
        late = stamp > complaint.respond_by
        _event(complaint.id, complaint.customer_id, actor,
               f"Complaint {complaint_number(complaint.id)} answered" + (" (late)" if late else ""))
        audit.record("complaint.answer", actor=actor, object_type="complaint", object_id=complaint.id,
                     old={"status": OPEN}, new={"status": ANSWERED, "answered_at": stamp, "late": late})


def resolve(actor: Actor, complaint_id: int, *, resolution: str, compensation: int = 0) -> None:
    """Resolve an answered complaint (answered -> resolved) with what was done and any
    compensation given (minor units, 0 or more; audited with its amount). Needs complaint.edit."""
    require(actor, "complaint.edit")
    problems: dict[str, str] = {}
    text = _text(problems, "resolution", _("Resolution"), resolution, required=True)
    if isinstance(compensation, bool) or not isinstance(compensation, int):
        problems["compensation"] = _("Compensation: an amount in the shop's currency.")
    elif compensation < 0:
        problems["compensation"] = _("Compensation cannot be negative.")
    elif compensation > MONEY_MAX:
        problems["compensation"] = _("Compensation is too large.")
    if problems:
        raise ValidationError(problems)
    stamp = now()
    with transaction():
        complaint = _step(complaint_id, RESOLVE)
        _update(complaint, status=RESOLVED, resolution=text, compensation=compensation, resolved_at=stamp,
                updated_at=stamp)
        late = stamp > complaint.resolve_by
        summary = f"Complaint {complaint_number(complaint.id)} resolved" + (" (late)" if late else "")
        _event(complaint.id, complaint.customer_id, actor, summary, amount=compensation or None)
        audit.record("complaint.resolve", actor=actor, object_type="complaint", object_id=complaint.id,
                     old={"status": ANSWERED, "compensation": complaint.compensation},
                     new={"status": RESOLVED, "resolved_at": stamp, "compensation": compensation, "late": late})


def close(actor: Actor, complaint_id: int, *, satisfaction: int) -> None:
    """Close a resolved complaint with the customer's satisfaction with the resolution (1-5).
    Needs complaint.edit."""
    require(actor, "complaint.edit")
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int) \
            or not SATISFACTION_MIN <= satisfaction <= SATISFACTION_MAX:
        raise ValidationError({"satisfaction": _("Satisfaction: a score from {least} (very unhappy) "
                                                 "to {most} (very happy).").format(least=SATISFACTION_MIN,
                                                                                   most=SATISFACTION_MAX)})
    stamp = now()
    with transaction():
        complaint = _step(complaint_id, CLOSE)
        _update(complaint, status=CLOSED, satisfaction=satisfaction, closed_at=stamp, updated_at=stamp)
        _event(complaint.id, complaint.customer_id, actor,
               f"Complaint {complaint_number(complaint.id)} closed, satisfaction {satisfaction}/{SATISFACTION_MAX}")
        audit.record("complaint.close", actor=actor, object_type="complaint", object_id=complaint.id,
                     old={"status": RESOLVED}, new={"status": CLOSED, "satisfaction": satisfaction})


def reopen(actor: Actor, complaint_id: int, *, reason: str) -> None:
    """The customer came back unhappy: a resolved or closed complaint is open again. Needs
    complaint.edit and a reason (audited).

    The shop owes a new answer: the deadlines start again from now (respond_by, resolve_by from
    the settings); the earlier ones, answer time, resolution time and satisfaction go into the
    audit row. The earlier answer and resolution texts stay until the next step replaces them.
    """
    require(actor, "complaint.edit")
    problems: dict[str, str] = {}
    why = _text(problems, "reason", _("Reason"), reason, required=True, most=REASON_MAX)
    if problems:
        raise ValidationError(problems)
    stamp = now()
    with transaction():
        complaint = _step(complaint_id, REOPEN)
        respond_by = stamp + timedelta(hours=settings.get("complaints.respond_hours"))
        resolve_by = stamp + timedelta(days=settings.get("complaints.resolve_days"))
        _update(complaint, status=OPEN, respond_by=respond_by, resolve_by=resolve_by, answered_at=None,
                resolved_at=None, closed_at=None, satisfaction=None, updated_at=stamp)
        _event(complaint.id, complaint.customer_id, actor, f"Complaint {complaint_number(complaint.id)} reopened")
        audit.record("complaint.reopen", actor=actor, object_type="complaint", object_id=complaint.id, reason=why,
                     old={"status": complaint.status, "respond_by": complaint.respond_by,
                          "resolve_by": complaint.resolve_by, "answered_at": complaint.answered_at,
                          "resolved_at": complaint.resolved_at, "satisfaction": complaint.satisfaction},
                     new={"status": OPEN, "respond_by": respond_by, "resolve_by": resolve_by})


# --- the report ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CategoryLine:
    category: str
    counts: list[int]  # one per month of ``ComplaintsReport.months``
    total: int


@dataclass(frozen=True)
class ComplaintsReport:
    """Complaints of a period; see ``complaints_report`` for what each number means."""

    shop_name: str
    currency: str
    date_from: date
    date_to: date
    as_of: datetime
    months: list[str]  # "2026-09", ... every month the period touches
    lines: list[CategoryLine]  # categories with complaints, in the settings' order, others after
    month_totals: list[int]
    received: int
    resolved: int  # resolved in the period
    average_resolve_hours: float | None  # over ``resolved``; None when none was resolved
    overdue: int  # of ``received``: is or was overdue
    overdue_share: float | None  # percent of ``received``; None when nothing was received
    compensation_total: int  # minor units, over ``resolved``
    closed: int  # closed in the period with a satisfaction score
    average_satisfaction: float | None  # 1-5 over ``closed``
    currently_overdue: list[ComplaintRow]  # all complaints overdue at ``as_of``, whenever received

    @property
    def average_resolve_days(self) -> float | None:
        return None if self.average_resolve_hours is None else round(self.average_resolve_hours / 24, 1)


def _months(first: date, last: date) -> list[str]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def complaints_report(actor: Actor, *, date_from: date, date_to: date) -> ComplaintsReport:
    """The complaints of the days ``date_from`` to ``date_to`` (both included; at most 12 months).

    Definitions (all times as stored, the shop's clock):
    - counts by category and month: complaints *received* in the period, by the month of received_at;
    - resolved / average time to resolve: complaints whose resolved_at falls in the period (a closed
      complaint keeps its resolved_at); time to resolve = resolved_at - received_at, in hours;
    - overdue / share overdue: of the complaints received in the period, those that are overdue now
      or were: answered after respond_by, resolved after resolve_by, or still open past a deadline
      (``domain.complaints.was_overdue``), as a percentage of those received;
    - compensation total: the compensation of the complaints resolved in the period;
    - average satisfaction: over complaints closed in the period;
    - currently overdue: every complaint overdue now, whenever it was received.
    A reopened complaint counts with its latest deadlines and resolution.
    """
    require(actor, "customer.view_account")
    first = clean_day(date_from, "date_from", _("From"))
    last = clean_day(date_to, "date_to", _("To"))
    if last < first:
        raise ValidationError({"date_to": _("The period ends before it starts.")})
    months = _months(first, last)
    if len(months) > REPORT_MONTHS_MAX:
        raise ValidationError({"date_to": _("A report covers at most {most} months.").format(most=REPORT_MONTHS_MAX)})
    start = datetime.combine(first, time())
    end = datetime.combine(last + timedelta(days=1), time())
    at = now()

    received_rows = (Complaint.select(Complaint.category, Complaint.received_at, Complaint.status,
                                      Complaint.respond_by, Complaint.resolve_by, Complaint.answered_at,
                                      Complaint.resolved_at)
                     .where((Complaint.received_at >= start) & (Complaint.received_at < end)).tuples())
    counts: dict[str, list[int]] = {}
    overdue = 0
    received = 0
    for category, received_at, status, respond_by, resolve_by, answered_at, resolved_at in received_rows:
        received += 1
        counts.setdefault(category, [0] * len(months))[months.index(received_at.strftime("%Y-%m"))] += 1
        if was_overdue(ComplaintHistory(status, respond_by, resolve_by, answered_at, resolved_at), at):
            overdue += 1
    order = {name: i for i, name in enumerate(settings.get("complaints.categories"))}
    lines = [CategoryLine(name, counts[name], sum(counts[name]))
             for name in sorted(counts, key=lambda name: (order.get(name, len(order)), name))]
    month_totals = [sum(line.counts[i] for line in lines) for i in range(len(months))]

    resolved_rows = list(Complaint.select(Complaint.received_at, Complaint.resolved_at, Complaint.compensation)
                         .where((Complaint.resolved_at >= start) & (Complaint.resolved_at < end)).tuples())
    hours = [(resolved_at - received_at).total_seconds() / 3600 for received_at, resolved_at, _compensation in resolved_rows]
    scores = [row[0] for row in Complaint.select(Complaint.satisfaction)
              .where((Complaint.closed_at >= start) & (Complaint.closed_at < end)
                     & Complaint.satisfaction.is_null(False)).tuples()]
    currently = [_row(values, at) for values in _row_query().where(_overdue_condition(at))
                 .order_by(Complaint.resolve_by, Complaint.id).tuples()]
    return ComplaintsReport(
        shop_name=settings.get("shop.name"), currency=settings.get("shop.currency"), date_from=first, date_to=last,
        as_of=at, months=months, lines=lines, month_totals=month_totals, received=received,
        resolved=len(resolved_rows),
        average_resolve_hours=round(sum(hours) / len(hours), 1) if hours else None,
        overdue=overdue, overdue_share=round(100 * overdue / received, 1) if received else None,
        compensation_total=sum(row[2] for row in resolved_rows), closed=len(scores),
        average_satisfaction=round(sum(scores) / len(scores), 1) if scores else None,
        currently_overdue=currently)
