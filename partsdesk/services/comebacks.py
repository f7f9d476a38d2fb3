"""Comebacks: a vehicle back within a job's warranty, for similar work.

When lines are added to a new repair order, the workshop asks ``comeback_candidates`` for the
earlier work on the same vehicle that the new work may be a comeback of; the advisor confirms one
and the new line is linked to it (``job_line.comeback_of``) — its technician is the one the
comeback counts against, and the line is warranty work, priced at zero by the workshop's code.
This module only suggests: it writes nothing.

Within warranty: a line of a DELIVERED order (delivered or follow-up done) with a warranty of
``warranty_months`` from the delivery day and/or ``warranty_km`` from the order's odometer out
(0: none by that measure), still within every measure it has — whichever runs out first ends
it — and with at least one. A km warranty is taken as still running when either odometer
reading is missing (the advisor decides; better a suggestion too many than a comeback missed).

Similar: the same part; a part of the same catalogue category (pads after discs); the same
labour class; or a shared significant word of the descriptions (``domain.reminders.
significant_words``: "Replace front brake pads" and "brake noise" share *brake*).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from peewee import JOIN

from partsdesk.domain.fields import clean_day
from partsdesk.domain.reminders import add_months, significant_words
from partsdesk.i18n import _
from partsdesk.models import AppUser, Category, JobLine, LabourClass, Part, RepairOrder

DELIVERED = ("delivered", "follow_up_done")


@dataclass(frozen=True)
class ComebackCandidate:
    """An earlier job line the new work may be a comeback of, most recent delivery first."""

    line_id: int
    order_id: int
    order_number: str
    line_no: int
    kind: str  # labour, part, sublet, other
    description: str
    technician_id: int | None
    technician: str  # "" when the line named none
    delivered_on: date
    odometer_out: int | None
    km_since: int | None  # None: an odometer reading is missing
    warranty_months: int
    warranty_km: int
    warranty_until: date | None  # None: no warranty by time
    warranty_until_km: int | None  # None: none by distance, or no odometer out
    reasons: tuple[str, ...]  # why it is similar, e.g. ("same part BP-1", "shared words: brake")

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _within(delivered_on: date, odometer_out: int | None, months: int, km: int, on_date: date,
            odometer_km: int | None) -> tuple[bool, date | None, int | None]:
    if not months and not km:
        return False, None, None
    until = add_months(delivered_on, months) if months else None
    until_km = odometer_out + km if km and odometer_out is not None else None
    if until is not None and on_date > until:
        return False, until, until_km
    if until_km is not None and odometer_km is not None and odometer_km > until_km:
        return False, until, until_km
    return True, until, until_km


def comeback_candidates(vehicle_id: int, *, on_date: object, odometer_km: int | None, work_text: str = "",
                        part_ids: Iterable[int] = (), labour_class_ids: Iterable[int] = ()) -> list[ComebackCandidate]:
    """The earlier job lines of ``vehicle_id``'s delivered orders that are within their warranty
    on ``on_date`` at ``odometer_km`` (see the module) and similar to the new work: its
    description ``work_text``, its parts ``part_ids`` and its labour classes
    ``labour_class_ids``. Each candidate says why it is similar. Read only; for the workshop's
    code to call (it checked workshop.edit)."""
    day = clean_day(on_date, "on_date", _("Date"))
    parts = {int(p) for p in part_ids if p is not None}
    classes = {int(c) for c in labour_class_ids if c is not None}
    words = significant_words(work_text)
    categories: dict[int, str] = {}
    if parts:
        categories = {cid: name for cid, name in (Part.select(Part.category, Category.name_en)
                                                   .join(Category, on=(Part.category == Category.id))
                                                   .where(Part.id.in_(sorted(parts))).tuples())}
    query = (JobLine.select(JobLine.id, JobLine.order, RepairOrder.number, JobLine.line_no, JobLine.kind,
                            JobLine.description, JobLine.technician, AppUser.display_name, RepairOrder.delivered_at,
                            RepairOrder.odometer_out, JobLine.warranty_months, JobLine.warranty_km, JobLine.part,
                            Part.number, Part.category, JobLine.labour_class, LabourClass.name)
             .join(RepairOrder, on=(JobLine.order == RepairOrder.id))
             .switch(JobLine).join(AppUser, JOIN.LEFT_OUTER, on=(JobLine.technician == AppUser.id))
             .switch(JobLine).join(Part, JOIN.LEFT_OUTER, on=(JobLine.part == Part.id))
             .switch(JobLine).join(LabourClass, JOIN.LEFT_OUTER, on=(JobLine.labour_class == LabourClass.id))
             .where((RepairOrder.vehicle == vehicle_id) & RepairOrder.status.in_(DELIVERED)
                    & RepairOrder.delivered_at.is_null(False) & (JobLine.status == "active")
                    & ((JobLine.warranty_months > 0) | (JobLine.warranty_km > 0)))
             .order_by(RepairOrder.delivered_at.desc(), JobLine.line_no))
    found: list[ComebackCandidate] = []
    for (line_id, order_id, number, line_no, kind, description, tech_id, tech, delivered_at, odometer_out,
         months, km, part_id, part_number, category_id, class_id, class_name) in query.tuples():
        delivered_on = delivered_at.date()
        if delivered_on > day:
            continue  # delivered after the day asked about
        inside, until, until_km = _within(delivered_on, odometer_out, months, km, day, odometer_km)
        if not inside:
            continue
        reasons: list[str] = []
        if part_id is not None and part_id in parts:
            reasons.append(_("same part {number}").format(number=part_number))
        elif category_id is not None and category_id in categories:
            reasons.append(_("same kind of part ({category})").format(category=categories[category_id]))
        if class_id is not None and class_id in classes:
            reasons.append(_("same labour class ({labour_class})").format(labour_class=class_name))
        shared = sorted(words & significant_words(description))
        if shared:
            reasons.append(_("shared words: {words}").format(words=", ".join(shared)))
        if not reasons:
            continue
        km_since = odometer_km - odometer_out if odometer_km is not None and odometer_out is not None else None
        found.append(ComebackCandidate(line_id, order_id, number, line_no, kind, description, tech_id, tech or "",
                                       delivered_on, odometer_out, km_since, months, km, until, until_km,
                                       tuple(reasons)))
    return found


__all__ = ["ComebackCandidate", "comeback_candidates"]
