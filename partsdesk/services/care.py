"""Customer care: the calls the shop owes its customers, and what the customers said.

Tasks (``care_task``) are calls due on a day: a follow-up after a visit (the counter and the
workshop schedule it inside their own transactions with ``schedule_follow_up``), a service
reminder (the workshop), a call back the customer asked for. Birthdays and lapsed customers are
found when the lists are asked for, never stored.

``care_lists`` gives the four lists for today or the coming week; ``record_call`` writes a call
with its survey answers, closes the task it answers and opens a complaint when a score is low;
``export_csv`` writes a list for a text-message tool (marketing only to customers who agreed).

Dates: ``as_of`` is the shop's calendar day (``shop_today``: the clock on this computer's time
zone); "late" and "due" are counted from it.
"""

from __future__ import annotations

import calendar
import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from peewee import JOIN, fn

from partsdesk.domain.complaints import DOCUMENT_TYPES, complaint_number
from partsdesk.domain.customers import CHANNELS, CUSTOMER_GONE
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.fields import FieldSpec, clean_day, clean_text
from partsdesk.domain.permissions import Actor, require
from partsdesk.i18n import N_, _
from partsdesk.models import (
    AppUser,
    CareTask,
    ContactCall,
    Customer,
    CustomerEvent,
    CustomerPhone,
    Vehicle,
    transaction,
)
from partsdesk.models.db import is_postgres
from partsdesk.services import audit, complaints, history, settings
from partsdesk.services.catalog_io import spreadsheet_safe
from partsdesk.services.clock import now, shop_today

# kind -> how a person calls it
TASK_KINDS: dict[str, str] = {"follow_up": N_("Follow-up call"), "service_reminder": N_("Service reminder"),
                              "call_back": N_("Call back")}
TASK_STATUSES = ("open", "done", "cancelled")
OUTCOMES: dict[str, str] = {"reached": N_("Reached"), "no_answer": N_("No answer"),
                            "wrong_number": N_("Wrong number"), "call_back": N_("Call back later")}
SPANS = ("today", "week")
WEEK_DAYS = 7
LIST_CAP = 500  # a call list longer than this is worked through over days; the rest is counted
SCORE_MIN, SCORE_MAX = 1, 5
COMMENT_MAX = 1000
COMPLAINT_CHANNEL = "follow_up_call"
# list kind -> its title; birthday and lapsed lists are marketing (consent needed to message them)
LIST_TITLES: dict[str, str] = {"birthday": N_("Birthdays"), "follow_up": N_("Follow-up calls due"),
                               "service_reminder": N_("Service reminders due"), "lapsed": N_("Lapsed customers")}
MARKETING_KINDS = frozenset({"birthday", "lapsed"})
_MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"), N_("Aug"), N_("Sep"),
           N_("Oct"), N_("Nov"), N_("Dec"))
_MOBILE_LABELS = ("mobile", "cell", "手机", "移动")
_DOCUMENT = FieldSpec("document", N_("Document"), "text", max_length=60)
_NOTE = FieldSpec("note", N_("Note"), "text", max_length=500, multiline=True)
_COMMENT = FieldSpec("comment", N_("Comment"), "text", max_length=COMMENT_MAX, multiline=True)
_REASON = FieldSpec("reason", N_("Reason"), "text", max_length=500)
_PURPOSE = FieldSpec("purpose", N_("Purpose"), "text", max_length=200)


def short_day(value: date) -> str:
    """3 Dec: how the call lists name a day (the year is the list's own)."""
    return _("{day} {month}").format(day=value.day, month=_(_MONTHS[value.month - 1]))


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (31 Mar less one month: 28 or 29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _live_customer(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or not customer.active:
        raise UserError(_(CUSTOMER_GONE).format(customer_id))
    return customer


# --- tasks --------------------------------------------------------------------------------

def schedule_task(customer_id: int, *, kind: str, due_on: date, document: str = "", note: str = "",
                  vehicle_id: int | None = None, user_id: int | None = None) -> int:
    """Put a call on the care lists for ``due_on``; returns the task id.

    For the counter and the workshop to call inside the transaction that writes their document
    (they checked their own permissions); it also runs alone. An open task of the same kind and
    document for this customer is not made twice: its id is returned. Bad input raises
    ValidationError and writes nothing.
    """
    problems: dict[str, str] = {}
    if kind not in TASK_KINDS:
        problems["kind"] = _("A care task is one of: {kinds}.").format(kinds=", ".join(TASK_KINDS))
    try:
        due = clean_day(due_on, "due_on", _("Due on"))
    except ValidationError as error:
        problems.update(error.problems)
    clean: dict[str, str] = {}
    for spec, value in ((_DOCUMENT, document), (_NOTE, note)):
        try:
            clean[spec.name] = clean_text(spec, value)
        except ValidationError as error:
            problems.update(error.problems)
    if problems:
        raise ValidationError(problems)
    with transaction():
        _live_customer(customer_id)
        if vehicle_id is not None and not Vehicle.select().where(Vehicle.id == vehicle_id).exists():
            raise UserError(_("Vehicle #{vehicle_id} is not in the customer file any more.").format(vehicle_id=vehicle_id))
        if clean["document"]:
            existing = (CareTask.select(CareTask.id)
                        .where((CareTask.customer == customer_id) & (CareTask.kind == kind)
                               & (CareTask.document == clean["document"]) & (CareTask.status == "open"))
                        .order_by(CareTask.id).limit(1).tuples().first())
            if existing:
                return int(existing[0])
        task = CareTask.create(customer=customer_id, vehicle=vehicle_id, kind=kind, due_on=due,
                               document=clean["document"], note=clean["note"], status="open", created_at=now(),
                               user=user_id)
        return int(task.id)


def schedule_follow_up(customer_id: int, *, visit_on: date, document: str, user_id: int | None,
                       vehicle_id: int | None = None) -> int:
    """The follow-up call after a visit: due ``care.followup_days`` days after ``visit_on``."""
    visit = clean_day(visit_on, "visit_on", _("Visit on"))
    due = visit + timedelta(days=int(settings.get("care.followup_days")))
    return schedule_task(customer_id, kind="follow_up", due_on=due, document=document, vehicle_id=vehicle_id,
                         user_id=user_id)


def cancel_task(actor: Actor, task_id: int, *, reason: str) -> None:
    """Take an open call off the lists (the customer moved away, asked not to be called...).
    Needs care.call and a reason; audited."""
    require(actor, "care.call")
    reason = clean_text(_REASON, reason)
    if not reason:
        raise ValidationError({"reason": _("Say why this call is not needed any more.")})
    with transaction():
        task = CareTask.get_or_none(CareTask.id == task_id)
        if task is None:
            raise UserError(_("Care task #{task_id} does not exist.").format(task_id=task_id))
        if task.status != "open":
            raise UserError(_("This call is already {status}; nothing was changed.").format(status=task.status))
        CareTask.update(status="cancelled", done_at=now()).where(CareTask.id == task_id).execute()
        audit.record("care.cancel_task", actor=actor, object_type="care_task", object_id=task_id, reason=reason,
                     old={"status": "open", "kind": task.kind, "due_on": task.due_on.isoformat()},
                     new={"status": "cancelled"})


@dataclass(frozen=True)
class TaskRow:
    id: int
    kind: str
    kind_label: str
    due_on: date
    document: str
    note: str
    plate: str
    status: str
    days_late: int  # 0 when not late


def tasks_of(actor: Actor, customer_id: int, *, as_of: date | None = None,
             include_closed: bool = False) -> list[TaskRow]:
    """The customer's open calls, soonest due first (``include_closed``: done and cancelled too,
    newest first after the open ones). Needs customer.view_account."""
    require(actor, "customer.view_account")
    today = as_of or shop_today()
    query = (CareTask.select(CareTask.id, CareTask.kind, CareTask.due_on, CareTask.document, CareTask.note,
                             Vehicle.plate, CareTask.status)
             .join(Vehicle, JOIN.LEFT_OUTER, on=(CareTask.vehicle == Vehicle.id))
             .where(CareTask.customer == customer_id))
    if not include_closed:
        query = query.where(CareTask.status == "open")
    rows = [TaskRow(i, kind, _(TASK_KINDS.get(kind, kind)), due, document, note, plate or "", status,
                    max(0, (today - due).days) if status == "open" else 0)
            for i, kind, due, document, note, plate, status in query.tuples()]
    return sorted(rows, key=lambda r: (r.status != "open", r.due_on if r.status == "open" else date.min, -r.id))


# --- the lists ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CareRow:
    kind: str  # birthday, follow_up, service_reminder, lapsed
    customer_id: int
    name: str
    phone: str
    preferred_channel: str  # a code of domain.customers.CHANNELS, or ""
    preferred_time: str
    marketing_consent: bool
    reason: str
    grade: str
    task_id: int | None = None
    due_on: date | None = None  # the birthday in the span, or the task's due day
    days_late: int = 0
    document: str = ""

    @property
    def channel_label(self) -> str:
        return _(CHANNELS[self.preferred_channel][0]) if self.preferred_channel in CHANNELS else ""


@dataclass(frozen=True)
class CareList:
    kind: str
    title: str
    rows: list[CareRow]
    more: int = 0  # rows left off past LIST_CAP

    @property
    def total(self) -> int:
        return len(self.rows) + self.more


@dataclass(frozen=True)
class CareLists:
    as_of: date
    span: str
    start: date
    end: date
    lists: list[CareList] = field(default_factory=list)  # birthday, follow_up, service_reminder, lapsed
    questions: list[str] = field(default_factory=list)  # the survey's, for the call sheet

    def of(self, kind: str) -> CareList:
        return next(item for item in self.lists if item.kind == kind)


def best_phones(customer_ids: Iterable[int]) -> dict[int, str]:
    """Each customer's phone to call: a mobile first, else the first one given."""
    ids = sorted(set(customer_ids))
    best: dict[int, tuple[int, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for customer_id, label, number in (CustomerPhone.select(CustomerPhone.customer, CustomerPhone.label,
                                                                CustomerPhone.number)
                                           .where(CustomerPhone.customer.in_(chunk)).order_by(CustomerPhone.id)
                                           .tuples()):
            rank = 0 if any(word in (label or "").casefold() for word in _MOBILE_LABELS) else 1
            if customer_id not in best or rank < best[customer_id][0]:
                best[customer_id] = (rank, number)
    return {customer_id: number for customer_id, (_rank, number) in best.items()}


_CUSTOMER_COLUMNS = (Customer.id, Customer.name, Customer.preferred_channel, Customer.preferred_time,
                     Customer.marketing_consent, fn.COALESCE(Customer.class_override, Customer.class_grade))


def _birthday_key():
    """The birthday as 'MMDD' text, in SQL the engine runs over the whole table itself."""
    if is_postgres():
        return fn.to_char(Customer.birthday, "MMDD").coerce(False)
    return fn.strftime("%m%d", Customer.birthday).coerce(False)


def _birthdays(start: date, end: date) -> CareList:
    days: dict[str, date] = {}
    day = start
    while day <= end:
        days.setdefault(f"{day.month:02d}{day.day:02d}", day)
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            days.setdefault("0229", day)  # a leap-day birthday is kept on 28 Feb in other years
        day += timedelta(days=1)
    key = _birthday_key()
    query = (Customer.select(*_CUSTOMER_COLUMNS, key)
             .where((Customer.active == True) & Customer.birthday.is_null(False)  # noqa: E712
                    & key.in_(list(days))))
    found = sorted(query.tuples(), key=lambda r: (days[r[6]], r[1], r[0]))
    more = max(0, len(found) - LIST_CAP)
    found = found[:LIST_CAP]
    phones = best_phones(r[0] for r in found)
    rows = [CareRow("birthday", cid, name, phones.get(cid, ""), channel, time_, bool(consent),
                    _("Birthday {day}").format(day=short_day(days[md])), grade, due_on=days[md])
            for cid, name, channel, time_, consent, grade, md in found]
    return CareList("birthday", _(LIST_TITLES["birthday"]), rows, more)


def _task_reason(kind: str, document: str, note: str, plate: str, due: date, days_late: int, as_of: date) -> str:
    """"Follow-up after INV-12 (due 28 Nov, 2 days late)", "Service reminder: oil change (沪A·12345) (due today)"."""
    if kind == "follow_up":
        text = _("Follow-up after {document}").format(document=document) if document else _("Follow-up call")
    elif kind == "service_reminder":
        text = _("Service reminder")
    else:
        text = _("Call back about {document}").format(document=document) if document else _("Call back")
    if note:
        text += ": " + " ".join(note.split())
    if plate:
        text += f" ({plate})"
    if days_late:
        late = _("due {day}, {days} day late") if days_late == 1 else _("due {day}, {days} days late")
        when = late.format(day=short_day(due), days=days_late)
    elif due == as_of:
        when = _("due today")
    else:
        when = _("due {day}").format(day=short_day(due))
    return f"{text} ({when})"


def _tasks(list_kind: str, kinds: Sequence[str], as_of: date, end: date) -> CareList:
    where = ((CareTask.status == "open") & CareTask.kind.in_(list(kinds)) & (CareTask.due_on <= end)
             & (Customer.active == True))  # noqa: E712
    base = (CareTask.select(CareTask.id).join(Customer, on=(CareTask.customer == Customer.id)).where(where))
    total = base.count()
    query = (CareTask.select(CareTask.id, CareTask.kind, CareTask.due_on, CareTask.document, CareTask.note,
                             Vehicle.plate, *_CUSTOMER_COLUMNS)
             .join(Customer, on=(CareTask.customer == Customer.id))
             .switch(CareTask).join(Vehicle, JOIN.LEFT_OUTER, on=(CareTask.vehicle == Vehicle.id))
             .where(where).order_by(CareTask.due_on, CareTask.id).limit(LIST_CAP).tuples())
    found = list(query)
    phones = best_phones(r[6] for r in found)
    rows = []
    for task_id, kind, due, document, note, plate, cid, name, channel, time_, consent, grade in found:
        late = max(0, (as_of - due).days)
        rows.append(CareRow(list_kind, cid, name, phones.get(cid, ""), channel, time_, bool(consent),
                            _task_reason(kind, document, note, plate or "", due, late, as_of), grade,
                            task_id=task_id, due_on=due, days_late=late, document=document))
    return CareList(list_kind, _(LIST_TITLES[list_kind]), rows, max(0, total - len(rows)))


def _lapsed(as_of: date) -> CareList:
    months = int(settings.get("care.lapsed_months"))
    cutoff = datetime.combine(months_before(as_of, months), datetime.min.time())
    # Two indexable halves rather than one OR: customers whose last visit is that old (the
    # last-visit index gives them oldest first), and those never seen since joining that long ago.
    visited = (Customer.active == True) & (Customer.last_visit_at < cutoff)  # noqa: E712
    never = (Customer.active == True) & Customer.last_visit_at.is_null() & (Customer.created_at < cutoff)  # noqa: E712
    total = Customer.select().where(visited).count() + Customer.select().where(never).count()
    columns = (*_CUSTOMER_COLUMNS, Customer.last_visit_at, Customer.created_at)
    found = list(Customer.select(*columns).where(visited).order_by(Customer.last_visit_at, Customer.id)
                 .limit(LIST_CAP).tuples())
    found += list(Customer.select(*columns).where(never).order_by(Customer.created_at, Customer.id)
                  .limit(LIST_CAP).tuples())
    found = sorted(found, key=lambda r: (r[6] or r[7], r[0]))[:LIST_CAP]
    phones = best_phones(r[0] for r in found)
    rows = []
    for cid, name, channel, time_, consent, grade, last_visit, created in found:
        if last_visit is not None:
            reason = _("No visit since {day} {month} {year}").format(
                day=last_visit.day, month=_(_MONTHS[last_visit.month - 1]), year=last_visit.year)
        else:
            reason = _("No visit since joining on {day} {month} {year}").format(
                day=created.day, month=_(_MONTHS[created.month - 1]), year=created.year)
        rows.append(CareRow("lapsed", cid, name, phones.get(cid, ""), channel, time_, bool(consent), reason, grade))
    return CareList("lapsed", _(LIST_TITLES["lapsed"]), rows, max(0, total - len(rows)))


def care_lists(actor: Actor, *, as_of: date, span: str) -> CareLists:
    """The four call lists for ``span`` ("today", or "week": ``as_of`` and the six days after).

    Birthdays falling in the span (29 Feb birthdays on 28 Feb in other years); open follow-up
    and call-back tasks due by the span's end, late ones first with how late; open service
    reminders, likewise; active customers with no visit for ``care.lapsed_months`` months (or
    none since they joined that long ago), longest away first. Each list holds at most
    ``LIST_CAP`` rows and counts the rest. Needs customer.view_account.
    """
    require(actor, "customer.view_account")
    if span not in SPANS:
        raise ValidationError({"span": _("Show the lists for today or for this week.")})
    as_of = clean_day(as_of, "as_of", _("Day"))
    end = as_of + timedelta(days=WEEK_DAYS - 1 if span == "week" else 0)
    with transaction():  # one consistent read of the four lists
        lists = [_birthdays(as_of, end), _tasks("follow_up", ("follow_up", "call_back"), as_of, end),
                 _tasks("service_reminder", ("service_reminder",), as_of, end), _lapsed(as_of)]
        questions = survey_questions()
    return CareLists(as_of, span, as_of, end, lists, questions)


# --- calls --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CallResult:
    call_id: int
    complaint_id: int | None
    message: str
    call_back_task_id: int | None = None


@dataclass(frozen=True)
class CallRow:
    id: int
    called_at: datetime
    outcome: str
    outcome_label: str
    scores: list[tuple[str, int]]
    comment: str
    complaint_id: int | None
    document: str  # of the task the call answered
    user: str


def survey_questions() -> list[str]:
    """The follow-up survey's questions, as the shop set them (each scored 1-5)."""
    return list(settings.get("care.survey_questions"))


def _clean_scores(scores: Iterable[object], questions: Sequence[str], problems: dict[str, str]) -> list[tuple[str, int]]:
    clean: list[tuple[str, int]] = []
    seen: set[str] = set()
    try:
        pairs = list(scores or ())
    except TypeError:
        problems["scores"] = _("Survey answers are pairs of (question, score).")
        return []
    for pair in pairs:
        try:
            question, score = pair  # type: ignore[misc]
        except (TypeError, ValueError):
            problems["scores"] = _("Survey answers are pairs of (question, score).")
            return []
        if question not in questions:
            problems["scores"] = _("“{question}” is not a question of the survey.").format(question=question)
            return []
        if question in seen:
            problems["scores"] = _("“{question}” is answered twice.").format(question=question)
            return []
        if score is None or score == "":
            continue  # the customer did not answer this one
        if isinstance(score, str) and score.strip().isdigit():
            score = int(score.strip())
        if isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
            problems["scores"] = _("A score is a whole number from {least} to {most} (“{question}”).").format(
                least=SCORE_MIN, most=SCORE_MAX, question=question)
            return []
        seen.add(question)
        clean.append((question, score))
    order = {q: i for i, q in enumerate(questions)}
    return sorted(clean, key=lambda qs: order[qs[0]])


def _complaint_category(low_questions: Sequence[str]) -> str:
    """The first category of the setting named in a low question ("price" in "... the price?"),
    else the last category (by default "Other")."""
    categories = [str(c) for c in settings.get("complaints.categories")] or ["Other"]
    texts = [q.casefold() for q in low_questions]
    for category in categories:
        if any(category.casefold() in text for text in texts):
            return category
    return categories[-1]


def _document_type(customer_id: int, document_no: str) -> str:
    """What kind of document ``document_no`` is (sale, repair order...), as the customer's
    timeline recorded it; "" when the timeline does not know it."""
    if not document_no:
        return ""
    row = (CustomerEvent.select(CustomerEvent.document_type)
           .where((CustomerEvent.customer == customer_id) & (CustomerEvent.document_no == document_no)
                  & CustomerEvent.document_type.in_([t for t in DOCUMENT_TYPES if t]))
           .order_by(CustomerEvent.id.desc()).limit(1).tuples().first())
    return row[0] if row else ""


def record_call(actor: Actor, customer_id: int, *, outcome: str, scores: Iterable[tuple[str, object]] = (),
                comment: str = "", task_id: int | None = None, call_back_on: date | None = None) -> CallResult:
    """Record a call to a customer with the survey's answers; one transaction.

    ``outcome``: reached, no_answer, wrong_number or call_back (then ``call_back_on``, today or
    later, makes a new call-back task). ``scores``: (question, 1-5) for questions of
    ``care.survey_questions``; answers need a reached call. A reached or call-back call closes
    ``task_id`` (the task this call answers; it must be this customer's and open). Any score at
    or below ``care.low_score`` opens a complaint (channel follow_up_call) whose id the call
    keeps. Writes the call and a timeline line. Needs care.call. Bad input raises
    ValidationError and writes nothing.
    """
    require(actor, "care.call")
    stamp = now()
    problems: dict[str, str] = {}
    if outcome not in OUTCOMES:
        problems["outcome"] = _("The outcome is one of: {outcomes}.").format(
            outcomes=", ".join(_(label) for label in OUTCOMES.values()))
    questions = survey_questions()
    clean_scores = _clean_scores(scores, questions, problems)
    if clean_scores and outcome != "reached":
        problems["scores"] = _("Survey answers are recorded only when the customer was reached.")
    try:
        comment = clean_text(_COMMENT, comment)
    except ValidationError as error:
        problems.update(error.problems)
    back_on: date | None = None
    if outcome == "call_back":
        if call_back_on in (None, ""):
            problems["call_back_on"] = _("Say which day to call back.")
        else:
            try:
                back_on = clean_day(call_back_on, "call_back_on", _("Call back on"))
                if back_on < shop_today():
                    problems["call_back_on"] = _("The call-back day is today or later.")
            except ValidationError as error:
                problems.update(error.problems)
    if problems:
        raise ValidationError(problems)
    low_score = int(settings.get("care.low_score"))
    low = [(q, s) for q, s in clean_scores if s <= low_score]
    with transaction():
        _live_customer(customer_id)
        task = None
        if task_id is not None:
            task = CareTask.get_or_none(CareTask.id == task_id)
            if task is None or task.customer_id != customer_id:
                raise ValidationError({"task": _("That call task is not this customer's.")})
            if task.status != "open":
                raise ValidationError({"task": _("That call task is already {status}.").format(status=task.status)})
        document = task.document if task is not None else ""
        complaint_id = None
        if low:
            document_type = _document_type(customer_id, document)
            lines = [f"{q} {s}/{SCORE_MAX}" for q, s in low]
            about = f" after {document}" if document else ""
            description = (f"Low score on the follow-up call{about}: " + "; ".join(lines)
                           + (f". Comment: {comment}" if comment else "."))
            complaint_id = complaints.open_complaint(
                actor, customer_id, category=_complaint_category([q for q, _score in low]), description=description[:2000],
                channel=COMPLAINT_CHANNEL, document_type=document_type, document_no=document if document_type else "",
                received_at=stamp)
        call = ContactCall.create(customer=customer_id, task=task_id, called_at=stamp, outcome=outcome,
                                  comment=comment, scores=json.dumps(clean_scores, ensure_ascii=False),
                                  complaint=complaint_id, user=actor.user_id)
        if task is not None and outcome in ("reached", "call_back"):
            CareTask.update(status="done", done_at=stamp).where(CareTask.id == task.id).execute()
        if task is not None and task.kind == "follow_up" and outcome == "reached" and task.document:
            # the workshop's follow-up call closes its repair order (imported here: workshop uses care)
            from partsdesk.services import workshop

            workshop.follow_up_done(task.document, actor.user_id)
        back_task = None
        if back_on is not None:
            back_task = CareTask.create(customer=customer_id, vehicle=task.vehicle_id if task else None,
                                        kind="call_back", due_on=back_on, document=document,
                                        note=comment[:500], status="open", created_at=stamp, user=actor.user_id)
        summary = OUTCOMES[outcome] + (f" · {document}" if document else "")
        if clean_scores:
            summary += " · scores " + ", ".join(str(s) for _question, s in clean_scores)
        if comment:
            summary += f" · {comment[:120]}"
        history.record_event(customer_id, "call", summary=summary, user_id=actor.user_id, document_type="call",
                             document_id=call.id, document_no=document, vehicle_id=task.vehicle_id if task else None,
                             at=stamp)
    message = _("The call was recorded.")
    if task is not None and outcome == "reached":
        message += " " + _("The {task} is done.").format(task=_(TASK_KINDS[task.kind]).lower())
    if back_on is not None:
        message += " " + _("Call back on {day}.").format(day=back_on.isoformat())
    if complaint_id is not None:
        message += " " + _("Complaint {number} opened for the low score.").format(number=complaint_number(complaint_id))
    return CallResult(int(call.id), complaint_id, message, int(back_task.id) if back_task else None)


def calls_of(actor: Actor, customer_id: int, *, limit: int = 100) -> list[CallRow]:
    """The customer's calls with their scores, newest first. Needs customer.view_account."""
    require(actor, "customer.view_account")
    query = (ContactCall.select(ContactCall.id, ContactCall.called_at, ContactCall.outcome, ContactCall.scores,
                                ContactCall.comment, ContactCall.complaint, CareTask.document, AppUser.display_name)
             .join(CareTask, JOIN.LEFT_OUTER, on=(ContactCall.task == CareTask.id))
             .switch(ContactCall).join(AppUser, JOIN.LEFT_OUTER, on=(ContactCall.user == AppUser.id))
             .where(ContactCall.customer == customer_id)
             .order_by(ContactCall.called_at.desc(), ContactCall.id.desc()).limit(max(1, min(limit, 500))))
    return [CallRow(i, at, outcome, _(OUTCOMES.get(outcome, outcome)), [(q, int(s)) for q, s in json.loads(scores or "[]")],
                    comment, complaint, document or "", user or "")
            for i, at, outcome, scores, comment, complaint, document, user in query.tuples()]


@dataclass(frozen=True)
class CustomerCare:
    """What the customer's care section shows, read at once."""

    tasks: list[TaskRow]
    calls: list[CallRow]
    questions: list[str]
    low_score: int


def customer_care(actor: Actor, customer_id: int, *, as_of: date | None = None) -> CustomerCare:
    """The customer's open calls, past calls and the survey's questions (care section and call
    dialog). Needs customer.view_account."""
    require(actor, "customer.view_account")
    return CustomerCare(tasks_of(actor, customer_id, as_of=as_of), calls_of(actor, customer_id),
                        survey_questions(), int(settings.get("care.low_score")))


# --- export -------------------------------------------------------------------------------

CSV_HEADER = ("phone", "name", "reason", "preferred channel")


@dataclass(frozen=True)
class CsvExport:
    written: int
    without_consent: int  # marketing rows left out: the customer did not agree to offers
    without_phone: int

    @property
    def message(self) -> str:
        text = (_("{count} customer written.") if self.written == 1
                else _("{count} customers written.")).format(count=self.written)
        if self.without_consent:
            text += " " + _("{count} left out: no consent to offers.").format(count=self.without_consent)
        if self.without_phone:
            text += " " + _("{count} left out: no phone number.").format(count=self.without_phone)
        return text


def export_csv(actor: Actor, rows: Sequence[CareRow], target: str | Path, *, purpose: str) -> CsvExport:
    """Write call-list rows as CSV for a text-message tool: phone, name, reason, preferred
    channel; a header row; UTF-8 with a BOM (Excel shows Chinese names); cells that a
    spreadsheet would run as a formula are defused as the catalogue export does.

    Birthday and lapsed rows (marketing) only for customers who agree to offers, as the file
    holds it now; follow-ups and service reminders for everyone with a phone. Needs
    customer.view_account; audited with ``purpose`` (the file's name and counts, no personal
    data).
    """
    require(actor, "customer.view_account")
    purpose = clean_text(_PURPOSE, purpose)
    if not purpose:
        raise ValidationError({"purpose": _("Say what the list is for (for example: birthday greetings).")})
    path = Path(target)
    ids = sorted({row.customer_id for row in rows})
    consent: dict[int, bool] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        consent.update({cid: bool(ok) for cid, ok in Customer.select(Customer.id, Customer.marketing_consent)
                        .where((Customer.id.in_(chunk)) & (Customer.active == True)).tuples()})  # noqa: E712
    phones = best_phones(ids)
    without_consent = without_phone = 0
    lines: list[tuple[str, str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if row.customer_id not in consent:
            continue  # merged or erased since the list was made
        if row.kind in MARKETING_KINDS and not consent[row.customer_id]:
            without_consent += 1
            continue
        phone = phones.get(row.customer_id, "")
        if not phone:
            without_phone += 1
            continue
        if (phone, row.reason) in seen:
            continue
        seen.add((phone, row.reason))
        lines.append((phone, row.name, row.reason, row.channel_label))
    temp = path.with_name(path.name + ".part")
    try:
        with temp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_HEADER)
            for line in lines:
                writer.writerow([spreadsheet_safe(cell) for cell in line])
        temp.replace(path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise UserError(_("Cannot write {path}: {reason}. Check the folder exists and the file "
                          "is not open in a spreadsheet.").format(path=path, reason=error.strerror or error)) from None
    result = CsvExport(len(lines), without_consent, without_phone)
    with transaction():
        audit.record("care.export", actor=actor, object_type="file", object_id=path.name[:200], reason=purpose,
                     new={"file": path.name, "rows": result.written, "kinds": sorted({r.kind for r in rows}),
                          "without_consent": without_consent, "without_phone": without_phone})
    return result
