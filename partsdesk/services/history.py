"""One timeline per customer: quotes, sales, returns, repair orders, payments, calls,
complaints and membership events, newest first, each naming the document that opens it.

Every use case that touches a customer writes its line here in its own transaction
(``record_event``); the counter and the workshop record their documents with ``record_trade``,
which also keeps the customer's last visit (the care lists' "lapsed" and the class's visits
read it). The timeline is one indexed query, whatever the customer's age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.permissions import Actor, require
from partsdesk.i18n import N_, _
from partsdesk.models import AppUser, Customer, CustomerEvent, Vehicle
from partsdesk.services.clock import now

# kind -> how a person calls it
EVENT_KINDS: dict[str, str] = {
    "quote": N_("Quote"),
    "sale": N_("Sale"),
    "return": N_("Return"),
    "repair_order": N_("Repair order"),
    "payment": N_("Payment"),
    "account": N_("Account"),
    "call": N_("Call"),
    "complaint": N_("Complaint"),
    "membership": N_("Membership"),
}
# Trades: documents of the counter and the workshop. A sale or a repair order is a visit.
TRADE_KINDS = ("quote", "sale", "return", "repair_order")
VISIT_KINDS = ("sale", "repair_order")
# What a role without customer.view_account may see of the timeline (a technician: the car's work).
LIMITED_KINDS = ("repair_order",)
TIMELINE_PAGE = 200


def record_event(customer_id: int, kind: str, *, summary: str, user_id: int | None, document_type: str = "",
                 document_id: int | None = None, document_no: str = "", amount: int | None = None,
                 vehicle_id: int | None = None, at: datetime | None = None) -> CustomerEvent:
    """Append one line to the customer's timeline. Call inside the use case's transaction."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown timeline kind {kind!r}")
    return CustomerEvent.create(customer=customer_id, at=at or now(), kind=kind, document_type=document_type,
                                document_id=document_id, document_no=document_no, vehicle=vehicle_id,
                                amount=amount, summary=summary, user=user_id)


def record_trade(customer_id: int, kind: str, *, document_type: str, document_id: int | None, document_no: str,
                 amount: int, summary: str, user_id: int | None, vehicle_id: int | None = None,
                 at: datetime | None = None) -> CustomerEvent:
    """A counter or workshop document of this customer (``amount`` signed, tax included: a
    return is negative). A sale or repair order also counts as a visit. Call inside the
    transaction that writes the document."""
    if kind not in TRADE_KINDS:
        raise ValueError(f"{kind!r} is not a trade ({', '.join(TRADE_KINDS)})")
    event = record_event(customer_id, kind, summary=summary, user_id=user_id, document_type=document_type,
                         document_id=document_id, document_no=document_no, amount=amount, vehicle_id=vehicle_id,
                         at=at)
    if kind in VISIT_KINDS:
        Customer.update(last_visit_at=event.at).where(
            (Customer.id == customer_id) & (Customer.last_visit_at.is_null() | (Customer.last_visit_at < event.at))
        ).execute()
    return event


@dataclass(frozen=True)
class TimelineEntry:
    id: int
    at: datetime
    kind: str
    kind_label: str
    document_type: str  # what opens it: sale, quote, repair_order, complaint, call, ...
    document_id: int | None
    document_no: str
    amount: int | None
    summary: str
    plate: str
    user: str


def timeline(actor: Actor, customer_id: int, *, kinds: tuple[str, ...] = (), limit: int = TIMELINE_PAGE,
             before_id: int | None = None) -> list[TimelineEntry]:
    """The customer's timeline, newest first, ``limit`` lines at a time (``before_id``: the
    next page). A role without customer.view_account sees only the vehicles' repair orders."""
    require(actor, "customer.view")
    if not Customer.select().where(Customer.id == customer_id).exists():
        raise UserError(_("Customer #{id} is not in the customer file.").format(id=customer_id))
    unknown = [kind for kind in kinds if kind not in EVENT_KINDS]
    if unknown:
        raise ValidationError({"kinds": _("Unknown kind of history: {kinds}.").format(kinds=", ".join(unknown))})
    allowed = tuple(kinds) or tuple(EVENT_KINDS)
    if not actor.can("customer.view_account"):
        allowed = tuple(kind for kind in allowed if kind in LIMITED_KINDS)
    query = (CustomerEvent
             .select(CustomerEvent.id, CustomerEvent.at, CustomerEvent.kind, CustomerEvent.document_type,
                     CustomerEvent.document_id, CustomerEvent.document_no, CustomerEvent.amount,
                     CustomerEvent.summary, Vehicle.plate, AppUser.display_name)
             .left_outer_join(Vehicle, on=(CustomerEvent.vehicle == Vehicle.id))
             .switch(CustomerEvent)
             .left_outer_join(AppUser, on=(CustomerEvent.user == AppUser.id))
             .where((CustomerEvent.customer == customer_id) & CustomerEvent.kind.in_(allowed or ("",)))
             .order_by(CustomerEvent.at.desc(), CustomerEvent.id.desc())
             .limit(max(1, min(limit, TIMELINE_PAGE))))
    if before_id is not None:
        anchor = CustomerEvent.get_or_none(CustomerEvent.id == before_id)
        if anchor is not None:
            query = query.where((CustomerEvent.at < anchor.at)
                                | ((CustomerEvent.at == anchor.at) & (CustomerEvent.id < anchor.id)))
    return [TimelineEntry(id=row[0], at=row[1], kind=row[2], kind_label=_(EVENT_KINDS[row[2]]), document_type=row[3],
                          document_id=row[4], document_no=row[5], amount=row[6], summary=row[7], plate=row[8] or "",
                          user=row[9] or "")
            for row in query.tuples()]
