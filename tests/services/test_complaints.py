"""The complaints register on both engines: recording with the deadlines from the settings,
refusing bad input without writing anything, the status flow (and steps out of order refused),
the overdue rules at fixed times, the report's numbers on fixed data, and its PDF read back."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta

import pytest

from partsdesk.domain.complaints import (
    ANSWERED,
    CLOSED,
    OPEN,
    RESOLVED,
    ComplaintHistory,
    is_overdue,
    was_overdue,
)
from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.models import AuditLog, Complaint, CustomerEvent
from partsdesk.services import clock, settings
from partsdesk.services import complaints as svc
from partsdesk.services.customers import save_customer

T0 = datetime(2026, 11, 2, 9, 0)


def at(moment: datetime) -> None:
    clock.set_clock(lambda: moment)


@pytest.fixture(autouse=True)
def _fixed_clock(db):
    at(T0)


@pytest.fixture
def people(staff) -> dict[str, int]:
    cashier = staff["cashier"]
    return {"zhang": save_customer(cashier, None, {"kind": "person", "name": "张伟"}, phones=[]),
            "li": save_customer(cashier, None, {"kind": "person", "name": "Li Na"}, phones=[])}


def audit_actions() -> list[str]:
    return [row.action for row in AuditLog.select().where(AuditLog.action.startswith("complaint."))
            .order_by(AuditLog.id)]


def events(complaint_id: int) -> list[CustomerEvent]:
    return list(CustomerEvent.select().where((CustomerEvent.document_type == "complaint")
                                             & (CustomerEvent.document_id == complaint_id))
                .order_by(CustomerEvent.id))


def open_one(actor, customer_id: int, **values) -> int:
    values = {"category": "Part quality", "description": "Brake pads squeal after a week.", "channel": "counter",
              **values}
    return svc.open_complaint(actor, customer_id, **values)


# --- recording -------------------------------------------------------------------------------

def test_a_complaint_gets_its_deadlines_from_the_settings(staff, people):
    cashier = staff["cashier"]
    first = open_one(cashier, people["zhang"], document_type="sale", document_no="S-000123")
    complaint = Complaint.get_by_id(first)
    assert complaint.status == OPEN and complaint.received_at == T0 and complaint.user_id == cashier.user_id
    assert complaint.respond_by == T0 + timedelta(hours=24) and complaint.resolve_by == T0 + timedelta(days=7)
    (event,) = events(first)
    assert event.kind == "complaint" and event.document_no == f"C-{first:06d}" and event.customer_id == people["zhang"]
    assert "Part quality" in event.summary
    assert audit_actions() == ["complaint.open"]

    settings.set_value(staff["manager"], "complaints.respond_hours", 4)
    settings.set_value(staff["manager"], "complaints.resolve_days", 3)
    earlier = datetime(2026, 11, 1, 16, 30)
    second = open_one(cashier, people["li"], channel="phone", received_at=earlier)
    complaint = Complaint.get_by_id(second)
    assert complaint.received_at == earlier
    assert complaint.respond_by == datetime(2026, 11, 1, 20, 30) and complaint.resolve_by == datetime(2026, 11, 4, 16, 30)
    detail = svc.get_complaint(cashier, second)
    assert detail.row.number == f"C-{second:06d}" and detail.row.customer_name == "Li Na"
    assert detail.next_steps == ("answer",)
    assert detail.row.overdue  # received yesterday afternoon, not answered within 4 hours


def test_received_at_may_be_typed_and_a_document_named_by_its_number_only(staff, people):
    # A follow-up call's care task knows only the document's number.
    complaint_id = open_one(staff["cashier"], people["li"], received_at="2026-11-02 08:15", document_no="RO-000042",
                            channel="follow_up_call")
    complaint = Complaint.get_by_id(complaint_id)
    assert complaint.received_at == datetime(2026, 11, 2, 8, 15) and complaint.document_no == "RO-000042"
    assert svc.list_complaints(staff["cashier"])[0].document == "RO-000042"


def test_bad_input_names_every_problem_and_writes_nothing(staff, people):
    audit_before = AuditLog.select().count()
    with pytest.raises(ValidationError) as refused:
        svc.open_complaint(staff["cashier"], people["zhang"], category="Bad coffee", description="  ",
                           channel="pigeon", document_type="receipt", received_at=T0 + timedelta(days=1))
    assert set(refused.value.problems) == {"category", "description", "channel", "document_type", "received_at"}
    assert "Part quality" in refused.value.problems["category"]
    with pytest.raises(ValidationError) as refused:
        open_one(staff["cashier"], 99999, part_id=4242, document_type="repair_order", received_at="yesterday")
    assert set(refused.value.problems) == {"customer_id", "part_id", "document_no", "received_at"}
    with pytest.raises(ValidationError) as refused:
        open_one(staff["cashier"], people["li"], description="x" * 2001, document_type="invoice", document_no="I-1")
    assert set(refused.value.problems) == {"description", "document_type"}
    assert Complaint.select().count() == 0 and CustomerEvent.select().count() == 0
    assert AuditLog.select().count() == audit_before


def test_a_technician_may_neither_record_nor_read_complaints(staff, people):
    with pytest.raises(PermissionDenied):
        open_one(staff["technician"], people["li"])
    complaint_id = open_one(staff["service_advisor"], people["li"])
    with pytest.raises(PermissionDenied):
        svc.list_complaints(staff["technician"])
    with pytest.raises(PermissionDenied):
        svc.answer(staff["technician"], complaint_id, answer="Sorry")
    assert Complaint.get_by_id(complaint_id).status == OPEN


# --- the status flow -------------------------------------------------------------------------

def test_the_full_flow_and_a_reopen(staff, people):
    cashier = staff["cashier"]
    complaint_id = open_one(cashier, people["zhang"])
    at(T0 + timedelta(hours=2))
    svc.answer(cashier, complaint_id, answer="We will replace the pads free of charge.")
    complaint = Complaint.get_by_id(complaint_id)
    assert complaint.status == ANSWERED and complaint.answered_at == T0 + timedelta(hours=2)
    assert complaint.updated_at == T0 + timedelta(hours=2)
    assert svc.get_complaint(cashier, complaint_id).next_steps == ("resolve",)

    at(T0 + timedelta(days=1))
    svc.resolve(cashier, complaint_id, resolution="Pads replaced, discs checked.", compensation=5000)
    complaint = Complaint.get_by_id(complaint_id)
    assert complaint.status == RESOLVED and complaint.compensation == 5000
    assert complaint.resolved_at == T0 + timedelta(days=1) and complaint.resolution == "Pads replaced, discs checked."
    assert svc.get_complaint(cashier, complaint_id).next_steps == ("close", "reopen")

    at(T0 + timedelta(days=2))
    svc.close(cashier, complaint_id, satisfaction=4)
    complaint = Complaint.get_by_id(complaint_id)
    assert complaint.status == CLOSED and complaint.satisfaction == 4 and complaint.closed_at == T0 + timedelta(days=2)
    assert svc.get_complaint(cashier, complaint_id).next_steps == ("reopen",)

    reopened_at = T0 + timedelta(days=10)
    at(reopened_at)
    svc.reopen(cashier, complaint_id, reason="The squeal is back.")
    complaint = Complaint.get_by_id(complaint_id)
    assert complaint.status == OPEN and complaint.satisfaction is None and complaint.resolved_at is None
    assert complaint.respond_by == reopened_at + timedelta(hours=24)  # the shop owes a new answer
    assert complaint.resolve_by == reopened_at + timedelta(days=7) and complaint.updated_at == reopened_at

    summaries = [event.summary for event in events(complaint_id)]
    assert len(summaries) == 5 and "answered" in summaries[1] and "reopened" in summaries[4]
    assert events(complaint_id)[2].amount == 5000
    assert audit_actions() == ["complaint.open", "complaint.answer", "complaint.resolve", "complaint.close",
                               "complaint.reopen"]
    resolve_row = AuditLog.get(AuditLog.action == "complaint.resolve")
    assert '"compensation": 5000' in resolve_row.new_value
    reopen_row = AuditLog.get(AuditLog.action == "complaint.reopen")
    assert reopen_row.reason == "The squeal is back." and '"satisfaction": 4' in reopen_row.old_value
    assert "squeal" not in resolve_row.new_value  # free texts stay out of the append-only audit log


def test_steps_out_of_order_are_refused_naming_the_status(staff, people):
    cashier = staff["cashier"]
    complaint_id = open_one(cashier, people["zhang"])
    with pytest.raises(UserError, match=r"is open: you cannot resolve it now\. Possible now: answer\."):
        svc.resolve(cashier, complaint_id, resolution="Done")
    with pytest.raises(UserError, match=r"is open: you cannot reopen"):
        svc.reopen(cashier, complaint_id, reason="again")
    svc.answer(cashier, complaint_id, answer="We are looking into it.")
    with pytest.raises(UserError, match=r"is answered: you cannot close it now\. Possible now: resolve\."):
        svc.close(cashier, complaint_id, satisfaction=5)
    with pytest.raises(UserError, match=r"is answered: you cannot answer"):
        svc.answer(cashier, complaint_id, answer="Twice")
    svc.resolve(cashier, complaint_id, resolution="Replaced")
    with pytest.raises(UserError, match=r"Possible now: close or reopen\."):
        svc.answer(cashier, complaint_id, answer="Late")
    svc.close(cashier, complaint_id, satisfaction=2)
    with pytest.raises(UserError, match=r"is closed: you cannot resolve it now\. Possible now: reopen\."):
        svc.resolve(cashier, complaint_id, resolution="Again")
    complaint = Complaint.get_by_id(complaint_id)
    assert complaint.status == CLOSED and complaint.answer == "We are looking into it."
    assert len(events(complaint_id)) == 4
    with pytest.raises(UserError, match="not in the register"):
        svc.answer(cashier, 4242, answer="Sorry")


def test_bad_step_input_is_refused_and_changes_nothing(staff, people):
    cashier = staff["cashier"]
    complaint_id = open_one(cashier, people["zhang"])
    with pytest.raises(ValidationError) as refused:
        svc.answer(cashier, complaint_id, answer="   ")
    assert set(refused.value.problems) == {"answer"}
    svc.answer(cashier, complaint_id, answer="Checking")
    for compensation in (-1, 10.5, True, "50"):
        with pytest.raises(ValidationError) as refused:
            svc.resolve(cashier, complaint_id, resolution="Refund", compensation=compensation)
        assert set(refused.value.problems) == {"compensation"}
    svc.resolve(cashier, complaint_id, resolution="Refund", compensation=0)
    for score in (0, 6, True, "4"):
        with pytest.raises(ValidationError) as refused:
            svc.close(cashier, complaint_id, satisfaction=score)
        assert set(refused.value.problems) == {"satisfaction"}
    with pytest.raises(ValidationError) as refused:
        svc.reopen(cashier, complaint_id, reason="")
    assert set(refused.value.problems) == {"reason"}
    complaint = Complaint.get_by_id(complaint_id)
    assert complaint.status == RESOLVED and complaint.satisfaction is None and complaint.compensation == 0
    assert len(events(complaint_id)) == 3


# --- overdue ---------------------------------------------------------------------------------

class Row:
    def __init__(self, status: str, respond_by: datetime, resolve_by: datetime) -> None:
        self.status, self.respond_by, self.resolve_by = status, respond_by, resolve_by


def test_the_overdue_rule():
    respond_by, resolve_by = datetime(2026, 11, 3, 9), datetime(2026, 11, 9, 9)
    second = timedelta(seconds=1)
    assert not is_overdue(Row(OPEN, respond_by, resolve_by), respond_by)  # at the deadline: not yet
    assert is_overdue(Row(OPEN, respond_by, resolve_by), respond_by + second)
    assert not is_overdue(Row(ANSWERED, respond_by, resolve_by), respond_by + second)
    assert not is_overdue(Row(ANSWERED, respond_by, resolve_by), resolve_by)
    assert is_overdue(Row(ANSWERED, respond_by, resolve_by), resolve_by + second)
    assert not is_overdue(Row(RESOLVED, respond_by, resolve_by), resolve_by + timedelta(days=30))
    assert not is_overdue(Row(CLOSED, respond_by, resolve_by), resolve_by + timedelta(days=30))
    on_time = ComplaintHistory(RESOLVED, respond_by, resolve_by, respond_by, resolve_by)
    assert not was_overdue(on_time, resolve_by + timedelta(days=30))
    assert was_overdue(ComplaintHistory(RESOLVED, respond_by, resolve_by, respond_by + second, resolve_by),
                       resolve_by)
    assert was_overdue(ComplaintHistory(CLOSED, respond_by, resolve_by, respond_by, resolve_by + second),
                       resolve_by)


def test_overdue_complaints_at_fixed_times(staff, people):
    cashier = staff["cashier"]
    zhang = open_one(cashier, people["zhang"])  # respond by T0+24h, resolve by T0+7d
    li = open_one(cashier, people["li"], category="Price")
    at(T0 + timedelta(hours=3))
    svc.answer(cashier, li, answer="We will check the invoice.")

    def state(moment: datetime) -> tuple[int, set[int], set[int]]:
        at(moment)
        rows = svc.list_complaints(cashier)
        flagged = {row.id for row in rows if row.overdue}
        only = {row.id for row in svc.list_complaints(cashier, overdue_only=True)}
        assert flagged == only  # the SQL filter and the rule agree
        return svc.overdue_count(), flagged, svc.overdue_customers(people.values())

    assert state(T0 + timedelta(hours=24)) == (0, set(), set())
    assert state(T0 + timedelta(hours=24, seconds=1)) == (1, {zhang}, {people["zhang"]})
    # Answered but past resolve_by: overdue too.
    assert state(T0 + timedelta(days=7, minutes=1)) == (2, {zhang, li}, {people["zhang"], people["li"]})
    assert svc.overdue_count(as_of=T0) == 0 and svc.overdue_customers([people["li"]], as_of=T0) == set()

    at(T0 + timedelta(days=8))
    svc.resolve(cashier, li, resolution="Refunded the difference", compensation=1200)
    assert state(T0 + timedelta(days=8)) == (1, {zhang}, {people["zhang"]})
    assert svc.overdue_customers([]) == set()


def test_listing_filters(staff, people):
    cashier = staff["cashier"]
    first = open_one(cashier, people["zhang"], description="Wrong oil filter for the Golf", category="Wrong part",
                     document_type="sale", document_no="S-000777")
    at(T0 + timedelta(minutes=5))
    second = open_one(cashier, people["li"], description="Waited two hours", category="Waiting time")
    svc.answer(cashier, second, answer="Sorry")
    assert [row.id for row in svc.list_complaints(cashier)] == [second, first]  # newest first
    assert [row.id for row in svc.list_complaints(cashier, status=ANSWERED)] == [second]
    assert [row.id for row in svc.list_complaints(cashier, customer_id=people["zhang"])] == [first]
    assert [row.id for row in svc.list_complaints(cashier, category="Wrong part")] == [first]
    assert [row.id for row in svc.list_complaints(cashier, text="oil filter")] == [first]
    assert [row.id for row in svc.list_complaints(cashier, text="li na")] == [second]
    assert [row.id for row in svc.list_complaints(cashier, text="S-000777")] == [first]
    assert [row.id for row in svc.list_complaints(cashier, text=f"C-{second:06d}")] == [second]
    assert [row.id for row in svc.list_complaints(cashier, limit=1, offset=1)] == [first]
    row = svc.list_complaints(cashier, customer_id=people["zhang"])[0]
    assert row.customer_name == "张伟" and row.document == "sale S-000777" and row.category == "Wrong part"
    with pytest.raises(ValidationError):
        svc.list_complaints(cashier, status="lost")


# --- the report ------------------------------------------------------------------------------

def _handle(actor, complaint_id: int, *, answered: datetime | None = None, resolved: datetime | None = None,
            compensation: int = 0, closed: datetime | None = None, satisfaction: int = 0) -> None:
    if answered:
        at(answered)
        svc.answer(actor, complaint_id, answer="Answer")
    if resolved:
        at(resolved)
        svc.resolve(actor, complaint_id, resolution="Resolution", compensation=compensation)
    if closed:
        at(closed)
        svc.close(actor, complaint_id, satisfaction=satisfaction)


@pytest.fixture
def history(staff, people) -> dict[str, int]:
    """Seven complaints around September-October 2026; the report runs at 2026-11-02 09:00."""
    cashier = staff["cashier"]
    made = {}

    def received(name: str, moment: datetime, category: str) -> int:
        at(moment)
        made[name] = open_one(cashier, people["zhang"], category=category)
        return made[name]

    c1 = received("c1", datetime(2026, 9, 5, 10), "Part quality")  # on time throughout, 48 h
    _handle(cashier, c1, answered=datetime(2026, 9, 5, 12), resolved=datetime(2026, 9, 7, 10),
            closed=datetime(2026, 9, 8, 10), satisfaction=5)
    c2 = received("c2", datetime(2026, 9, 20, 10), "Wrong part")  # answered late, 96 h
    _handle(cashier, c2, answered=datetime(2026, 9, 22, 10), resolved=datetime(2026, 9, 24, 10), compensation=10000,
            closed=datetime(2026, 10, 1, 10), satisfaction=3)
    c3 = received("c3", datetime(2026, 10, 3, 9), "Part quality")  # resolved late, 216 h
    _handle(cashier, c3, answered=datetime(2026, 10, 3, 10), resolved=datetime(2026, 10, 12, 9), compensation=2500)
    c4 = received("c4", datetime(2026, 10, 20, 9), "Price")  # answered, past resolve_by now
    _handle(cashier, c4, answered=datetime(2026, 10, 20, 11))
    c5 = received("c5", datetime(2026, 8, 30, 10), "Price")  # received before, resolved in the period, 72 h
    _handle(cashier, c5, answered=datetime(2026, 8, 30, 11), resolved=datetime(2026, 9, 2, 10), compensation=1000)
    received("c6", datetime(2026, 11, 1, 8), "Staff")  # after the period, overdue now
    received("c7", datetime(2026, 10, 30, 9), "Part quality")  # open past respond_by now
    at(T0)
    return made


def test_report_numbers_on_fixed_data(staff, history):
    report = svc.complaints_report(staff["manager"], date_from=date(2026, 9, 1), date_to=date(2026, 10, 31))
    assert report.months == ["2026-09", "2026-10"]
    assert [(line.category, line.counts, line.total) for line in report.lines] == [
        ("Part quality", [1, 2], 3), ("Wrong part", [1, 0], 1), ("Price", [0, 1], 1)]
    assert report.month_totals == [2, 3] and report.received == 5
    assert report.resolved == 4 and report.average_resolve_hours == 108.0 and report.average_resolve_days == 4.5
    assert report.overdue == 4 and report.overdue_share == 80.0
    assert report.compensation_total == 13500
    assert report.closed == 2 and report.average_satisfaction == 4.0
    assert [row.id for row in report.currently_overdue] == [history["c4"], history["c7"], history["c6"]]
    assert report.as_of == T0 and report.currency == "CNY"

    september = svc.complaints_report(staff["manager"], date_from="2026-09-01", date_to="2026-09-30")
    assert september.received == 2 and september.overdue == 1 and september.overdue_share == 50.0
    assert september.resolved == 3 and september.average_resolve_hours == 72.0
    assert september.compensation_total == 11000 and september.average_satisfaction == 5.0

    empty = svc.complaints_report(staff["manager"], date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))
    assert empty.received == 0 and empty.overdue_share is None and empty.average_resolve_hours is None
    assert empty.lines == [] and empty.month_totals == [0]


def test_report_period_is_checked(staff, db):
    manager = staff["manager"]
    with pytest.raises(ValidationError) as refused:
        svc.complaints_report(manager, date_from=date(2026, 10, 1), date_to=date(2026, 9, 1))
    assert set(refused.value.problems) == {"date_to"}
    with pytest.raises(ValidationError, match="at most 12 months"):
        svc.complaints_report(manager, date_from=date(2025, 1, 1), date_to=date(2026, 1, 1))
    with pytest.raises(ValidationError) as refused:
        svc.complaints_report(manager, date_from="1st of May", date_to=date(2026, 9, 1))
    assert set(refused.value.problems) == {"date_from"}
    with pytest.raises(PermissionDenied):
        svc.complaints_report(staff["technician"], date_from=date(2026, 9, 1), date_to=date(2026, 9, 30))


def test_report_pdf_reads_back(staff, history, tmp_path):
    from partsdesk.printing.complaints_report import write_complaints_report

    report = svc.complaints_report(staff["manager"], date_from=date(2026, 9, 1), date_to=date(2026, 10, 31))
    target = tmp_path / "complaints.pdf"
    write_complaints_report(report, target)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Complaints report" in text and "2026-09-01 to 2026-10-31" in text
    lines = {line.split()[0] + " " + line.split()[1]: line.split()[2:] for line in text.splitlines()
             if line.strip().startswith(("Part quality", "Wrong part"))}
    assert lines["Part quality"][:3] == ["1", "2", "3"] and lines["Wrong part"][:3] == ["1", "0", "1"]
    assert "108.0 hours (4.5 days)" in text
    assert "80.0% (4 of 5)" in text
    assert "135.00" in text
    assert "4.0 of 5 (2 closed)" in text
    assert f"C-{history['c4']:06d}" in text and f"C-{history['c6']:06d}" in text and "张伟" in text
