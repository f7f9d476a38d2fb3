"""What a complaint is: its channels, its status flow and when it is overdue.

Status flow, one step at a time: open -> answered -> resolved -> closed; a resolved or closed
complaint may be reopened (the customer came back unhappy), which makes it open again.

Overdue (``is_overdue``): a complaint is overdue when it is still open (not answered) and its
respond-by time has passed, or when it is not yet resolved or closed and its resolve-by time has
passed. "Passed" means strictly later: at the deadline itself it is not yet overdue.

Was overdue (``was_overdue``, the report's "share overdue"): it is overdue now, or it was answered
after its respond-by time, or resolved after its resolve-by time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from partsdesk.domain.errors import UserError
from partsdesk.i18n import N_, _

OPEN, ANSWERED, RESOLVED, CLOSED = "open", "answered", "resolved", "closed"
STATUSES: tuple[str, ...] = (OPEN, ANSWERED, RESOLVED, CLOSED)
STATUS_LABELS = {OPEN: N_("Open"), ANSWERED: N_("Answered"), RESOLVED: N_("Resolved"), CLOSED: N_("Closed")}

CHANNELS: tuple[str, ...] = ("counter", "phone", "message", "email", "follow_up_call", "other")
CHANNEL_LABELS = {"counter": N_("At the counter"), "phone": N_("Phone"), "message": N_("Text message"),
                  "email": N_("E-mail"), "follow_up_call": N_("Follow-up call"), "other": N_("Other")}

# What a complaint can be about besides a part (part_id): a document of the counter or workshop.
DOCUMENT_TYPES: tuple[str, ...] = ("", "sale", "return", "quote", "repair_order")
DOCUMENT_LABELS = {"": N_("(none)"), "sale": N_("Sale"), "return": N_("Return"), "quote": N_("Quote"),
                   "repair_order": N_("Repair order")}

ANSWER, RESOLVE, CLOSE, REOPEN = "answer", "resolve", "close", "reopen"
STEP_LABELS = {ANSWER: N_("answer"), RESOLVE: N_("resolve"), CLOSE: N_("close"), REOPEN: N_("reopen")}
# status -> the steps that may follow it
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    OPEN: (ANSWER,),
    ANSWERED: (RESOLVE,),
    RESOLVED: (CLOSE, REOPEN),
    CLOSED: (REOPEN,),
}
SATISFACTION_MIN, SATISFACTION_MAX = 1, 5
TEXT_MAX = 2000
REASON_MAX = 500


class ComplaintTimes(Protocol):
    status: str
    respond_by: datetime
    resolve_by: datetime


def complaint_number(complaint_id: int) -> str:
    """The complaint's number as people and the timeline name it: C-000012."""
    return f"C-{complaint_id:06d}"


def is_overdue(row: ComplaintTimes, now: datetime) -> bool:
    """Overdue at ``now``: still open after respond_by, or not resolved/closed after resolve_by."""
    if row.status == OPEN and now > row.respond_by:
        return True
    return row.status in (OPEN, ANSWERED) and now > row.resolve_by


@dataclass(frozen=True)
class ComplaintHistory:
    """What ``was_overdue`` needs to know of a complaint."""

    status: str
    respond_by: datetime
    resolve_by: datetime
    answered_at: datetime | None
    resolved_at: datetime | None


def was_overdue(row: ComplaintHistory, now: datetime) -> bool:
    """Overdue now, or answered after respond_by, or resolved after resolve_by."""
    if is_overdue(row, now):
        return True
    if row.answered_at is not None and row.answered_at > row.respond_by:
        return True
    return row.resolved_at is not None and row.resolved_at > row.resolve_by


def check_step(status: str, step: str) -> None:
    """Refuse ``step`` unless it may follow ``status``, naming what may be done instead."""
    allowed = NEXT_STEPS.get(status, ())
    if step in allowed:
        return
    label = _(STATUS_LABELS.get(status, status)).lower()
    possible = _(" or ").join(_(STEP_LABELS[s]) for s in allowed) or _("nothing")
    raise UserError(_("This complaint is {status}: you cannot {step} it now. "
                      "Possible now: {possible}.").format(status=label, step=_(STEP_LABELS.get(step, step)),
                                                          possible=possible), field="status")
