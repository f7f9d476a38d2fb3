"""Service reminders and comebacks, as plain rules: no database, no clock.

A service is due by date or by mileage, whichever comes first. The date is known; the day a
mileage will be reached is projected from the vehicle's own odometer history (``pace`` and
``date_reached``), so a taxi doing 200 km a day is called long before a weekend car. A reminder
is *upcoming*, *due soon* (within the shop's lead time), *due* (today) or *overdue* by so many
days (``assess``); one due only by mileage on a vehicle whose pace is unknown is *unknown*.

The shop's service types (``workshop.service_types``: a name and an interval in days and/or km)
are checked by ``parse_service_types``; a job line is matched to a type by ``match_service_type``.
``significant_words`` is the word rule the comeback suggestion uses to call two jobs similar.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from partsdesk.domain.errors import ValidationError
from partsdesk.i18n import N_, _

# Readings older than this before the vehicle's last reading say little about how it is driven now.
HISTORY_DAYS = 730
# Two readings closer together than this give a wild pace (a car read on Monday and Tuesday).
MIN_SPAN_DAYS = 14
SETTING = "workshop.service_types"
NAME_MAX = 60
DAYS_MAX = 3650  # ten years
KM_MAX = 500_000

UPCOMING, DUE_SOON, DUE, OVERDUE, UNKNOWN = "upcoming", "due_soon", "due", "overdue", "unknown"
STATE_LABELS: dict[str, str] = {OVERDUE: N_("Overdue"), DUE: N_("Due"), DUE_SOON: N_("Due soon"),
                                UPCOMING: N_("Upcoming"), UNKNOWN: N_("By mileage, pace unknown")}
# The order the reminder list sorts states in (most urgent first).
STATE_ORDER: dict[str, int] = {OVERDUE: 0, DUE: 1, DUE_SOON: 2, UPCOMING: 3, UNKNOWN: 4}

DEFAULT_SERVICE_TYPES: tuple[dict[str, object], ...] = (
    {"name": "Oil service", "days": 365, "km": 15_000},
    {"name": "Brake fluid", "days": 730, "km": 0},
    {"name": "Timing belt", "days": 1825, "km": 90_000},
    {"name": "Air-con service", "days": 730, "km": 0},
    {"name": "Annual inspection", "days": 365, "km": 0},
)


# --- service types ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ServiceType:
    """A service the shop reminds customers of: every ``days`` days and/or every ``km`` km
    (None: not by that measure; at least one is set)."""

    name: str
    days: int | None
    km: int | None


def _interval(raw: dict, key: str, where: str, largest: int) -> int | None:
    value = raw.get(key, 0)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= largest:
        raise ValidationError({SETTING: _("{where}: {key} is a whole number from 0 (not by {key}) to "
                                          "{largest:,}.").format(where=where, key=key, largest=largest)})
    return value or None


def parse_service_types(value: object) -> tuple[ServiceType, ...]:
    """The service types of a settings value: a list of {"name", "days", "km"} (0 or missing: not
    by that measure, but one of them must be set), names distinct ignoring case, 1 to 30 types.
    Raises ``ValidationError`` saying which entry is wrong and why."""
    if not isinstance(value, list | tuple) or not value:
        raise ValidationError({SETTING: _("Service types: a list of at least one type.")})
    if len(value) > 30:
        raise ValidationError({SETTING: _("Service types: at most 30.")})
    types: list[ServiceType] = []
    for number, raw in enumerate(value, start=1):
        if not isinstance(raw, dict) or set(raw) - {"name", "days", "km"} or "name" not in raw:
            raise ValidationError({SETTING: _("Service type {number}: needs a name, days and km, and nothing "
                                              "else.").format(number=number)})
        name = raw["name"]
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > NAME_MAX:
            raise ValidationError({SETTING: _("Service type {number}: a name of 1 to {most} characters.").format(
                number=number, most=NAME_MAX)})
        name = " ".join(name.split())
        where = _("Service type {number} ({name})").format(number=number, name=name)
        days = _interval(raw, "days", where, DAYS_MAX)
        km = _interval(raw, "km", where, KM_MAX)
        if days is None and km is None:
            raise ValidationError({SETTING: _("Service type {number} ({name}): set the days, the km or "
                                              "both.").format(number=number, name=name)})
        if any(t.name.casefold() == name.casefold() for t in types):
            raise ValidationError({SETTING: _("Service type {number} ({name}): the name is used twice.").format(
                number=number, name=name)})
        types.append(ServiceType(name, days, km))
    return tuple(types)


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def match_service_type(texts: Iterable[str], types: Sequence[ServiceType]) -> ServiceType | None:
    """The service type a job names, or None.

    Each text (a canned job's name, then the line's description) is compared in order with
    every type's name, ignoring case and punctuation: the type matches when its name appears in
    the text as whole words ("Oil service 5W-30" is an Oil service; "Foil service" is not). The
    first text that matches decides; when several names match it, the longest one wins
    ("Air-con service" over "service").
    """
    for text in texts:
        padded = f" {_normal(text or '')} "
        if padded.isspace():
            continue
        found = [t for t in types if _normal(t.name) and f" {_normal(t.name)} " in padded]
        if found:
            return max(found, key=lambda t: len(_normal(t.name)))
    return None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (31 Jan plus one month: 28 or 29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- mileage ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pace:
    """How fast a vehicle adds kilometres: ``km`` over ``days`` (both whole numbers, so dates
    projected from it are exact), measured up to its last reading (``last_on``, ``last_km``)."""

    km: int
    days: int
    last_on: date
    last_km: int

    @property
    def km_per_day(self) -> float:
        return self.km / self.days


def pace(readings: Iterable[tuple[date, int]], *, as_of: date | None = None) -> Pace | None:
    """The vehicle's km per day from its own odometer readings ((day, km) pairs, in the order
    they were taken), or None when they do not tell.

    The rule, chosen to survive the odometer's real life:
    - readings after ``as_of`` are ignored (a report for an earlier day);
    - the last reading is the truth: an earlier reading higher than it was a typing mistake
      that a correction replaced, and is dropped;
    - only the ``HISTORY_DAYS`` (two years) up to the last reading count;
    - the pace is the slope between the earliest remaining reading and the last one, which must
      be at least ``MIN_SPAN_DAYS`` (14) days apart; otherwise the pace is unknown (None);
    - it is never negative (a car standing still has a pace of 0).
    """
    usable = [(day, int(km)) for day, km in readings if as_of is None or day <= as_of]
    if not usable:
        return None
    # The last taken; readings of one day keep their given order, so a correction made the same
    # day wins over the mistake it corrects.
    last_on = max(day for day, _km in usable)
    last_km = [km for day, km in usable if day == last_on][-1]
    since = last_on - timedelta(days=HISTORY_DAYS)
    kept = [(day, km) for day, km in usable if since <= day < last_on and km <= last_km]
    if not kept:
        return None
    first_on, first_km = min(kept, key=lambda r: (r[0], r[1]))
    span = (last_on - first_on).days
    if span < MIN_SPAN_DAYS:
        return None
    return Pace(max(0, last_km - first_km), span, last_on, last_km)


def date_reached(vehicle_pace: Pace | None, target_km: int, *, last: tuple[date, int] | None = None) -> date | None:
    """The day the vehicle reaches ``target_km`` at its pace (rounded up to a whole day); the day
    of the last reading when it has already reached it (``last`` — the last reading — tells
    that even when the pace is unknown); None when it never will at its pace or the pace is
    unknown."""
    if last is not None and last[1] >= target_km:
        return last[0]
    if vehicle_pace is None:
        return None
    if vehicle_pace.last_km >= target_km:
        return vehicle_pace.last_on
    if vehicle_pace.km <= 0:
        return None
    remaining = target_km - vehicle_pace.last_km
    days = -(-remaining * vehicle_pace.days // vehicle_pace.km)  # ceiling, in whole numbers
    return vehicle_pace.last_on + timedelta(days=days)


# --- when a reminder is due -----------------------------------------------------------------------

@dataclass(frozen=True)
class Assessment:
    """Where a reminder stands on ``as_of``.

    ``projected_on``: the day its ``due_km`` is projected to be reached (None: no due km, or
    not projectable); ``due``: the earlier of its due date and that day (None: unknown);
    ``state``: one of upcoming, due_soon, due, overdue, unknown; ``days_overdue`` counts from
    ``due`` when overdue (else 0), ``days_left`` until ``due`` when not yet due (else 0)."""

    projected_on: date | None
    due: date | None
    state: str
    days_overdue: int
    days_left: int
    km_per_day: float | None
    last_km: int | None

    @property
    def state_label(self) -> str:
        if self.state == OVERDUE:
            if self.days_overdue == 1:
                return _("Overdue {days} day").format(days=self.days_overdue)
            return _("Overdue {days} days").format(days=self.days_overdue)
        return _(STATE_LABELS[self.state])


def due_date(due_on: date | None, projected_on: date | None) -> date | None:
    """Whichever comes first of the due date and the projected day of the due mileage."""
    known = [day for day in (due_on, projected_on) if day is not None]
    return min(known) if known else None


def state_on(due: date | None, *, as_of: date, lead_days: int) -> tuple[str, int, int]:
    """(state, days overdue, days left) of a service due on ``due``: overdue after the day, due on
    it, due soon within ``lead_days`` before it, upcoming before that; unknown without a day."""
    if due is None:
        return UNKNOWN, 0, 0
    if due < as_of:
        return OVERDUE, (as_of - due).days, 0
    if due == as_of:
        return DUE, 0, 0
    left = (due - as_of).days
    return (DUE_SOON if left <= lead_days else UPCOMING), 0, left


def assess(*, due_on: date | None, due_km: int | None, readings: Iterable[tuple[date, int]], as_of: date,
           lead_days: int) -> Assessment:
    """A reminder due on ``due_on`` or at ``due_km`` (either may be None), for a vehicle with
    these odometer ``readings`` ((day, km), in the order taken), seen on ``as_of`` with the
    shop's lead time: see ``pace``, ``date_reached``, ``due_date`` and ``state_on``."""
    history = [(day, int(km)) for day, km in readings if day <= as_of]
    vehicle_pace = pace(history, as_of=as_of)
    last: tuple[date, int] | None = None
    if history:
        last_on = max(day for day, _km in history)
        last = (last_on, [km for day, km in history if day == last_on][-1])
    projected = date_reached(vehicle_pace, due_km, last=last) if due_km is not None else None
    due = due_date(due_on, projected)
    state, overdue, left = state_on(due, as_of=as_of, lead_days=lead_days)
    return Assessment(projected, due, state, overdue, left, vehicle_pace.km_per_day if vehicle_pace else None,
                      last[1] if last else None)


# --- similar work (comebacks) -----------------------------------------------------------------------

# Words that say nothing about which part of the car was worked on.
STOP_WORDS = frozenset({
    "and", "the", "for", "with", "from", "per", "new", "old", "set", "kit", "pcs", "pair", "both", "all",
    "replace", "replaced", "replacement", "renew", "renewed", "fit", "fitted", "fitting", "remove", "refit",
    "check", "checked", "inspect", "inspection", "test", "repair", "repaired", "service", "labour", "labor",
    "work", "job", "part", "parts", "other", "misc", "sundries", "supply", "supplied", "front", "rear",
    "left", "right", "upper", "lower", "inner", "outer", "customer", "vehicle", "car",
})
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def significant_words(text: str) -> frozenset[str]:
    """The words of a job's description that name what was worked on: lower-cased words of 3 or
    more letters that are not all digits and not in ``STOP_WORDS`` ("Replace front brake pads"
    → brake, pads); Chinese, written without spaces, gives its pairs of characters ("刹车片" →
    刹车, 车片). Two jobs sharing one such word are similar."""
    text = (text or "").casefold()
    words: set[str] = set()
    for run in _CJK.findall(text):
        words.update(run[i:i + 2] for i in range(max(1, len(run) - 1)))
    for word in re.findall(r"[^\W_]+", _CJK.sub(" ", text)):
        if len(word) >= 3 and not word.isdigit() and word not in STOP_WORDS:
            words.add(word)
    return frozenset(words)
