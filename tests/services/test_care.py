"""Customer care on both engines: the call lists on fixed dates (birthdays across a month end and
29 Feb, follow-ups due and late, lapsed customers), recording a call (refused input changes
nothing, the task closes, a call back is scheduled, a low score opens a complaint), the CSV for
text messages and the call sheet PDF read back."""

from __future__ import annotations

import csv
import subprocess
from datetime import date, datetime

import pytest

from partsdesk.config import SETTINGS_BY_NAME
from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.models import AuditLog, CareTask, Complaint, ContactCall, Customer, CustomerEvent
from partsdesk.services import care, clock, history, settings
from partsdesk.services.customers import anonymize_customer, save_customer

QUESTIONS = SETTINGS_BY_NAME["care.survey_questions"].default
PARTS_Q, ADVICE_Q, PRICE_Q, WAIT_Q = QUESTIONS


def at(*args: int) -> None:
    clock.set_clock(lambda: datetime(*args))


@pytest.fixture(autouse=True)
def _fixed_clock(db):
    at(2026, 11, 22, 10, 0)


def customer(actor, name: str, *, phone: str | None = "138 0013 8000", **values) -> int:
    phones = [("mobile", phone)] if phone else []
    return save_customer(actor, None, {"kind": "person", "name": name, **values}, phones=phones,
                         allow_duplicate=True)


def visit(customer_id: int, when: datetime, number: str = "INV-1") -> None:
    history.record_trade(customer_id, "sale", document_type="sale", document_id=None, document_no=number,
                         amount=10_000, summary=f"Sale {number}", user_id=None, at=when)


def names(care_list: care.CareList) -> list[str]:
    return [row.name for row in care_list.rows]


# --- the lists ----------------------------------------------------------------------------

def test_birthdays_in_the_week_cross_the_month_end(staff):
    cashier = staff["cashier"]
    customer(cashier, "Thirtieth", birthday="1980-11-30")
    customer(cashier, "Third", birthday="1975-12-03", marketing_consent=True)
    customer(cashier, "Fourth", birthday="1990-12-04")
    customer(cashier, "Yesterday", birthday="1985-11-26")
    customer(cashier, "No birthday")
    gone = customer(cashier, "Erased", birthday="1970-12-01")
    anonymize_customer(staff["admin"], gone, reason="asked on 20 Nov")

    week = care.care_lists(cashier, as_of=date(2026, 11, 27), span="week")
    assert (week.start, week.end) == (date(2026, 11, 27), date(2026, 12, 3))
    birthdays = week.of("birthday")
    assert names(birthdays) == ["Thirtieth", "Third"]  # in the order of the days
    third = birthdays.rows[1]
    assert third.reason == "Birthday 3 Dec" and third.due_on == date(2026, 12, 3)
    assert third.phone == "138 0013 8000" and third.marketing_consent and third.grade == "C"
    today = care.care_lists(cashier, as_of=date(2026, 11, 30), span="today")
    assert names(today.of("birthday")) == ["Thirtieth"]


def test_a_29_february_birthday_is_kept_on_28_february_in_other_years(staff):
    cashier = staff["cashier"]
    customer(cashier, "Leap", birthday="1992-02-29")
    customer(cashier, "Plain", birthday="1990-02-28")
    plain_year = care.care_lists(cashier, as_of=date(2027, 2, 28), span="today").of("birthday")
    assert names(plain_year) == ["Leap", "Plain"]
    assert [row.reason for row in plain_year.rows] == ["Birthday 28 Feb", "Birthday 28 Feb"]
    assert names(care.care_lists(cashier, as_of=date(2027, 3, 1), span="today").of("birthday")) == []
    assert names(care.care_lists(cashier, as_of=date(2028, 2, 28), span="today").of("birthday")) == ["Plain"]
    leap_day = care.care_lists(cashier, as_of=date(2028, 2, 29), span="today").of("birthday")
    assert names(leap_day) == ["Leap"] and leap_day.rows[0].reason == "Birthday 29 Feb"


def test_follow_ups_due_and_late(staff):
    cashier = staff["cashier"]
    zhang = customer(cashier, "张伟")
    li = customer(cashier, "Li Na", phone=None)
    late = care.schedule_follow_up(zhang, visit_on=date(2026, 11, 20), document="INV-12", user_id=cashier.user_id)
    assert care.schedule_follow_up(zhang, visit_on=date(2026, 11, 20), document="INV-12",
                                   user_id=None) == late  # the same visit is not scheduled twice
    later = care.schedule_follow_up(li, visit_on=date(2026, 11, 26), document="INV-20", user_id=None)
    back = care.schedule_task(li, kind="call_back", due_on=date(2026, 11, 25), note="wants a price\nfor tyres")
    reminder = care.schedule_task(zhang, kind="service_reminder", due_on=date(2026, 12, 1), note="oil change")
    done = care.schedule_task(zhang, kind="follow_up", due_on=date(2026, 11, 20), document="INV-3")
    CareTask.update(status="done").where(CareTask.id == done).execute()
    assert CareTask.get_by_id(late).due_on == date(2026, 11, 23)  # care.followup_days = 3

    today = care.care_lists(cashier, as_of=date(2026, 11, 25), span="today")
    follow = today.of("follow_up")
    assert [row.task_id for row in follow.rows] == [late, back]
    assert follow.rows[0].reason == "Follow-up after INV-12 (due 23 Nov, 2 days late)"
    assert follow.rows[0].days_late == 2 and follow.rows[0].document == "INV-12"
    assert follow.rows[1].reason == "Call back: wants a price for tyres (due today)"
    assert follow.rows[1].days_late == 0 and follow.rows[1].phone == ""
    assert today.of("service_reminder").rows == []
    week = care.care_lists(cashier, as_of=date(2026, 11, 25), span="week")
    assert [row.task_id for row in week.of("follow_up").rows] == [late, back, later]
    assert week.of("follow_up").rows[2].reason == "Follow-up after INV-20 (due 29 Nov)"
    assert [(r.task_id, r.reason) for r in week.of("service_reminder").rows] == [
        (reminder, "Service reminder: oil change (due 1 Dec)")]
    assert [t.id for t in care.tasks_of(cashier, zhang)] == [late, reminder]


def test_scheduling_refuses_bad_input_and_cancelling_needs_a_reason(staff):
    cashier = staff["cashier"]
    zhang = customer(cashier, "张伟")
    with pytest.raises(ValidationError) as refused:
        care.schedule_task(zhang, kind="birthday", due_on="soon")
    assert set(refused.value.problems) == {"kind", "due_on"}
    with pytest.raises(UserError, match="not in the customer file"):
        care.schedule_task(999, kind="follow_up", due_on=date(2026, 11, 30))
    assert CareTask.select().count() == 0
    task = care.schedule_task(zhang, kind="follow_up", due_on=date(2026, 11, 22), document="INV-1")
    with pytest.raises(ValidationError, match="Say why"):
        care.cancel_task(cashier, task, reason="  ")
    with pytest.raises(PermissionDenied):
        care.cancel_task(staff["technician"], task, reason="moved away")
    care.cancel_task(cashier, task, reason="moved away")
    assert CareTask.get_by_id(task).status == "cancelled"
    assert AuditLog.get(AuditLog.action == "care.cancel_task").reason == "moved away"
    assert care.care_lists(cashier, as_of=date(2026, 11, 22), span="week").of("follow_up").rows == []
    with pytest.raises(UserError, match="already cancelled"):
        care.cancel_task(cashier, task, reason="again")


def test_lapsed_customers_by_months(staff):
    cashier = staff["cashier"]
    at(2025, 1, 5, 9, 0)
    never = customer(cashier, "Never came back")
    old = customer(cashier, "Old regular")
    recent = customer(cashier, "Recent regular")
    at(2026, 10, 1, 9, 0)
    customer(cashier, "New, no visit yet")
    at(2026, 11, 22, 10, 0)
    visit(old, datetime(2025, 11, 21, 16, 0))
    visit(recent, datetime(2025, 11, 22, 9, 0))

    lapsed = care.care_lists(cashier, as_of=date(2026, 11, 22), span="today").of("lapsed")
    assert names(lapsed) == ["Never came back", "Old regular"]  # longest away first
    assert lapsed.rows[0].reason == "No visit since joining on 5 Jan 2025"
    assert lapsed.rows[1].reason == "No visit since 21 Nov 2025" and lapsed.more == 0
    assert lapsed.rows[0].customer_id == never
    settings.set_value(staff["manager"], "care.lapsed_months", 24)
    assert names(care.care_lists(cashier, as_of=date(2026, 11, 22), span="today").of("lapsed")) == []
    assert care.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert care.months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert care.months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_the_lists_cap_and_count_the_rest(staff, monkeypatch):
    cashier = staff["cashier"]
    monkeypatch.setattr(care, "LIST_CAP", 2)
    for n in range(3):
        cid = customer(cashier, f"C{n}", birthday="1980-11-22")
        care.schedule_task(cid, kind="follow_up", due_on=date(2026, 11, 22), document=f"INV-{n}")
    lists = care.care_lists(cashier, as_of=date(2026, 11, 22), span="today")
    assert (len(lists.of("birthday").rows), lists.of("birthday").more) == (2, 1)
    assert (len(lists.of("follow_up").rows), lists.of("follow_up").more, lists.of("follow_up").total) == (2, 1, 3)


def test_the_lists_need_the_account_view(staff):
    with pytest.raises(PermissionDenied):
        care.care_lists(staff["technician"], as_of=date(2026, 11, 22), span="today")
    with pytest.raises(ValidationError):
        care.care_lists(staff["cashier"], as_of=date(2026, 11, 22), span="month")


# --- calls --------------------------------------------------------------------------------

def _nothing_written(task_id: int) -> None:
    assert ContactCall.select().count() == 0
    assert CustomerEvent.select().where(CustomerEvent.kind == "call").count() == 0
    assert Complaint.select().count() == 0
    assert CareTask.get_by_id(task_id).status == "open"
    assert CareTask.select().count() == 1


@pytest.mark.parametrize(("kwargs", "field", "text"), [
    ({"outcome": "maybe"}, "outcome", "outcome is one of"),
    ({"outcome": "reached", "scores": [("Do you like us?", 5)]}, "scores", "not a question of the survey"),
    ({"outcome": "reached", "scores": [(PRICE_Q, 6)]}, "scores", "from 1 to 5"),
    ({"outcome": "reached", "scores": [(PRICE_Q, 0)]}, "scores", "from 1 to 5"),
    ({"outcome": "reached", "scores": [(PRICE_Q, 1), (WAIT_Q, True)]}, "scores", "from 1 to 5"),
    ({"outcome": "reached", "scores": [(PRICE_Q, 4), (PRICE_Q, 1)]}, "scores", "answered twice"),
    ({"outcome": "no_answer", "scores": [(PRICE_Q, 1)]}, "scores", "only when the customer was reached"),
    ({"outcome": "call_back"}, "call_back_on", "which day"),
    ({"outcome": "call_back", "call_back_on": date(2026, 11, 21)}, "call_back_on", "today or later"),
    ({"outcome": "reached", "comment": "x" * 1001}, "comment", "at most 1000"),
])
def test_a_refused_call_writes_nothing(staff, kwargs, field, text):
    cashier = staff["cashier"]
    zhang = customer(cashier, "张伟")
    task = care.schedule_follow_up(zhang, visit_on=date(2026, 11, 19), document="INV-12", user_id=None)
    with pytest.raises(ValidationError) as refused:
        care.record_call(cashier, zhang, task_id=task, **kwargs)
    assert field in refused.value.problems and text in refused.value.problems[field]
    _nothing_written(task)


def test_a_call_about_another_customers_task_or_by_a_technician_is_refused(staff):
    cashier = staff["cashier"]
    zhang, li = customer(cashier, "张伟"), customer(cashier, "Li Na")
    task = care.schedule_follow_up(zhang, visit_on=date(2026, 11, 19), document="INV-12", user_id=None)
    with pytest.raises(ValidationError, match="not this customer's"):
        care.record_call(cashier, li, outcome="reached", task_id=task)
    with pytest.raises(PermissionDenied):
        care.record_call(staff["technician"], zhang, outcome="reached", task_id=task)
    _nothing_written(task)


def test_a_reached_call_closes_its_task_and_lands_in_the_timeline(staff):
    cashier = staff["cashier"]
    zhang = customer(cashier, "张伟")
    task = care.schedule_follow_up(zhang, visit_on=date(2026, 11, 19), document="INV-12", user_id=None)
    result = care.record_call(cashier, zhang, outcome="reached", task_id=task, comment="All good",
                              scores=[(PRICE_Q, 4), (PARTS_Q, "5"), (WAIT_Q, None)])
    assert result.complaint_id is None and "follow-up call is done" in result.message
    assert CareTask.get_by_id(task).status == "done"
    call = ContactCall.get_by_id(result.call_id)
    assert call.task_id == task and call.outcome == "reached" and call.user_id == cashier.user_id
    [row] = care.calls_of(cashier, zhang)
    assert row.scores == [(PARTS_Q, 5), (PRICE_Q, 4)] and row.comment == "All good" and row.document == "INV-12"
    assert row.outcome_label == "Reached" and row.user == "Cashier"
    event = CustomerEvent.get(CustomerEvent.kind == "call")
    assert (event.customer_id, event.document_type, event.document_id) == (zhang, "call", result.call_id)
    assert "Reached" in event.summary and "All good" in event.summary
    assert care.tasks_of(cashier, zhang) == []
    assert care.care_lists(cashier, as_of=date(2026, 11, 22), span="week").of("follow_up").rows == []


def test_no_answer_keeps_the_task_and_call_back_schedules_a_new_one(staff):
    cashier = staff["cashier"]
    zhang = customer(cashier, "张伟")
    task = care.schedule_follow_up(zhang, visit_on=date(2026, 11, 19), document="INV-12", user_id=None)
    care.record_call(cashier, zhang, outcome="no_answer", task_id=task)
    assert CareTask.get_by_id(task).status == "open"
    result = care.record_call(cashier, zhang, outcome="call_back", task_id=task, call_back_on=date(2026, 11, 24),
                              comment="busy, after 6 pm")
    assert CareTask.get_by_id(task).status == "done"
    new = CareTask.get_by_id(result.call_back_task_id)
    assert (new.kind, new.due_on, new.document, new.status) == ("call_back", date(2026, 11, 24), "INV-12", "open")
    assert "Call back on 2026-11-24" in result.message
    [row] = care.care_lists(cashier, as_of=date(2026, 11, 24), span="today").of("follow_up").rows
    assert row.task_id == new.id and row.reason == "Call back about INV-12: busy, after 6 pm (due today)"


def test_a_low_score_opens_a_complaint_linked_to_the_call(staff):
    cashier = staff["cashier"]
    zhang = customer(cashier, "张伟")
    visit(zhang, datetime(2026, 11, 19, 15, 0), "INV-12")
    task = care.schedule_follow_up(zhang, visit_on=date(2026, 11, 19), document="INV-12", user_id=None)
    result = care.record_call(cashier, zhang, outcome="reached", task_id=task, comment="far too expensive",
                              scores=[(PARTS_Q, 4), (PRICE_Q, 1), (WAIT_Q, 2)])
    assert result.complaint_id is not None
    complaint = Complaint.get_by_id(result.complaint_id)
    assert ContactCall.get_by_id(result.call_id).complaint_id == complaint.id
    assert complaint.customer_id == zhang and complaint.channel == "follow_up_call"
    assert complaint.category == "Price"  # the first category the low questions name
    assert (complaint.document_type, complaint.document_no) == ("sale", "INV-12")  # as the timeline knows it
    assert PRICE_Q in complaint.description and "1/5" in complaint.description and WAIT_Q in complaint.description
    assert "far too expensive" in complaint.description and PARTS_Q not in complaint.description
    assert f"Complaint C-{complaint.id:06d} opened" in result.message
    assert care.calls_of(cashier, zhang)[0].complaint_id == complaint.id
    # a low score on a question no category names: the last category
    other = care.record_call(cashier, zhang, outcome="reached", scores=[(ADVICE_Q, 2)])
    assert Complaint.get_by_id(other.complaint_id).category == "Other"
    assert Complaint.get_by_id(other.complaint_id).document_no == ""
    # at the threshold's edge: 3 is not low with care.low_score = 2
    assert care.record_call(cashier, zhang, outcome="reached", scores=[(ADVICE_Q, 3)]).complaint_id is None


# --- export and print ---------------------------------------------------------------------

def test_csv_for_text_messages(staff, tmp_path):
    cashier = staff["cashier"]
    customer(cashier, "张伟", birthday="1980-11-22", marketing_consent=True, preferred_channel="sms")
    customer(cashier, "No offers please", birthday="1980-11-22", phone="139 1234 5678")
    customer(cashier, "=HYPERLINK(\"http://x\")", birthday="1980-11-23", marketing_consent=True,
             phone="137 0000 1111")
    customer(cashier, "No phone", birthday="1980-11-23", marketing_consent=True, phone=None)
    plain = customer(cashier, "Plain", phone="136 0000 2222")
    care.schedule_follow_up(plain, visit_on=date(2026, 11, 19), document="INV-12", user_id=None)
    lists = care.care_lists(cashier, as_of=date(2026, 11, 22), span="week")

    target = tmp_path / "birthdays.csv"
    result = care.export_csv(cashier, lists.of("birthday").rows, target, purpose="birthday greetings")
    assert (result.written, result.without_consent, result.without_phone) == (2, 1, 1)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows == [["phone", "name", "reason", "preferred channel"],
                    ["138 0013 8000", "张伟", "Birthday 22 Nov", "Text message"],
                    ["137 0000 1111", "'=HYPERLINK(\"http://x\")", "Birthday 23 Nov", ""]]
    row = AuditLog.get(AuditLog.action == "care.export")
    assert row.reason == "birthday greetings" and "张伟" not in row.new_value and '"rows": 2' in row.new_value

    service = tmp_path / "follow.csv"
    assert care.export_csv(cashier, lists.of("follow_up").rows, service, purpose="follow-ups").written == 1
    assert "136 0000 2222,Plain" in service.read_text(encoding="utf-8-sig")  # no consent needed for service

    with pytest.raises(ValidationError):
        care.export_csv(cashier, lists.of("birthday").rows, tmp_path / "x.csv", purpose=" ")
    with pytest.raises(PermissionDenied):
        care.export_csv(staff["technician"], lists.of("birthday").rows, tmp_path / "x.csv", purpose="x")
    with pytest.raises(UserError, match="Cannot write"):
        care.export_csv(cashier, lists.of("birthday").rows, tmp_path / "missing" / "x.csv", purpose="x")
    assert not (tmp_path / "x.csv").exists()
    assert Customer.select().count() == 5


def test_call_sheet_pdf_reads_back(staff, tmp_path):
    from partsdesk.printing.call_sheet import write_call_sheet

    cashier = staff["cashier"]
    customer(cashier, "张伟", birthday="1980-11-24", preferred_time="after 6 pm", preferred_channel="phone")
    li = customer(cashier, "Li Na", phone="139 1234 5678")
    care.schedule_follow_up(li, visit_on=date(2026, 11, 18), document="INV-12", user_id=None)
    lists = care.care_lists(cashier, as_of=date(2026, 11, 22), span="week")
    target = tmp_path / "sheet.pdf"
    write_call_sheet(lists, target)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], check=True, capture_output=True,
                          text=True).stdout
    for expected in ("Call sheet", "2026-11-22 to 2026-11-28", "Birthdays (1)", "Follow-up calls due (1)",
                     "Service reminders due (0)", "Lapsed customers (0)", "Nobody on this list.", "张伟",
                     "Birthday 24 Nov", "after 6 pm", "Li Na", "139 1234 5678", "Follow-up after INV-12",
                     "1 day late", "Outcome", "Score", "Page 1"):
        assert expected in text, expected
    sizes = subprocess.run(["pdfinfo", str(target)], check=True, capture_output=True, text=True).stdout
    assert "841.89 x 595.276" in sizes  # A4 landscape
