"""Stock counts: start a count session, scan (several counters at once, each on their own lines),
undo, link a barcode nobody knew, finish (deciding what becomes of the parts nobody counted),
review the variances against each ABC class's tolerance, send parts for a recount, and post.

The count rule (DESIGN.md): each line keeps the book quantity and the ledger seq at the moment it
was first counted, and posting adds ``counted − book_at_count`` per part and location in one
transaction — never an absolute. A sale made while the count runs stays right, and is listed as
information (the moves after the line's seq), never lost; the shop never closes.

Three states never mix: a part not counted has no line; a part counted zero has a line of 0; a
part counted n has lines adding up to n. Several counters count the same part on their own lines
(one per part, location, counter and round) and the part's count is their sum. A recount is a new
round: the questioned lines keep state ``recount`` and the new round's lines (with a fresh book
at count) replace them in the review.

Every scan, typed quantity, link and undo is a row of the append-only scan log: Ctrl+Z is a
logged reverse, never a delete. Quantities are thousandths of the part's unit, values minor units
at the part's cost. A part's tolerance is its ABC class's (``services.abc``); a part not yet classed
counts as class C (``domain.counts``). A count of today's cycle list (``services.abc``) is a count
of the parts due that day, fixed when it starts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from partsdesk.domain.counts import (
    CLASSES,
    UNCLASSED,
    ClassAccuracy,
    accuracy_by_class,
    variance_value,
    within_tolerance,
)
from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.gtin import normalize_barcode
from partsdesk.domain.money import format_quantity, round_minor
from partsdesk.domain.permissions import Actor, Approval, require
from partsdesk.i18n import N_, _
from partsdesk.models import (
    AppUser,
    Category,
    CountLine,
    CountScan,
    CountSession,
    Location,
    Part,
    database,
    transaction,
)
from partsdesk.models.db import is_postgres
from partsdesk.models.stock import MAIN_LOCATION_ID
from partsdesk.services import abc, audit, catalog, numbering, settings, stock
from partsdesk.services.clock import now, shop_today

SCOPE_KINDS: dict[str, str] = {
    "all": N_("Everything"),
    "bins": N_("Bins"),
    "categories": N_("Categories"),
    "abc": N_("ABC class"),
    "parts": N_("Chosen parts"),
    "cycle": N_("Today's cycle list"),  # started as the chosen parts due today (services.abc)
}
SCOPE_VALUES_MAX = 5_000  # bins, categories or parts named by one scope
NOTE_MAX = 200
QTY_MAX = 10**12  # thousandths: a billion units on one line is a typing slip
UNIT = 1000  # one unit, in thousandths: a scan counts one
UNCOUNTED_CHOICES = ("leave", "zero")
SALE_REASONS = ("sale",)

# Outcomes of a scan, each with its own colour and sound on the count screen.
ADDED = "added"  # +n on a line the counter already had
NEW_LINE = "new_line"  # the counter's first count of this part
UNKNOWN = "unknown"  # a barcode no part has: kept in the count, to be linked or left
DOUBLE = "double"  # counted, but the same code came from the same counter a moment ago


@dataclass(frozen=True)
class CountScope:
    """What a count covers: ``kind`` one of SCOPE_KINDS and its values (bins as printed on the
    shelves, category codes — a parent category takes its children —, classes "A"/"B"/"C", part ids)."""

    kind: str = "all"
    values: tuple = ()

    def as_json(self) -> str:
        return json.dumps({"values": list(self.values)}, ensure_ascii=False)

    def describe(self) -> str:
        if self.kind == "all":
            return _("Everything")
        shown = ", ".join(str(v) for v in self.values[:8]) + (" …" if len(self.values) > 8 else "")
        return _("{scope}: {values}").format(scope=_(SCOPE_KINDS[self.kind]), values=shown)


@dataclass(frozen=True)
class ScanResult:
    outcome: str  # ADDED, NEW_LINE, UNKNOWN, DOUBLE
    code: str
    delta: int  # thousandths added by this scan
    part_id: int | None = None
    part_number: str = ""
    description: str = ""
    unit: str = ""
    bin: str = ""
    line_qty: int = 0  # the counter's own line after the scan (thousandths)
    message: str = ""


@dataclass(frozen=True)
class UndoResult:
    kind: str  # the kind of scan log row reversed
    code: str
    part_id: int | None
    part_number: str
    delta: int  # what was taken back (thousandths, signed as the original)
    line_qty: int | None  # the counter's line afterwards (None: an unknown code)
    message: str


@dataclass(frozen=True)
class CounterLine:
    """A line as the counter's own screen shows it; ``book`` is None on a blind count."""

    part_id: int
    part_number: str
    description: str
    unit: str
    bin: str
    qty: int
    round: int
    book: int | None
    updated_at: datetime


@dataclass(frozen=True)
class UncountedPreview:
    """Parts in scope that nobody counted and whose book is not zero: what finishing with
    "zero" would count as zero (``value`` at cost, minor units)."""

    parts: int
    qty: int
    value: int


@dataclass(frozen=True)
class VarianceLine:
    """One part at one location in the review: its latest round's lines added over counters."""

    part_id: int
    part_number: str
    brand: str
    description: str
    unit: str
    bin: str
    location: str
    abc_class: str
    round: int
    counted: int
    book: int  # at count: when the round's first line was counted
    book_seq: int
    difference: int  # counted − book
    unit_cost: int
    value: int  # difference at cost
    within_tolerance: bool
    state: str  # counted, zeroed (finishing counted it zero), recount (requested, not yet answered), recounted
    counters: tuple[str, ...]
    moves_since: int  # what the ledger moved after the count (sales, receipts, …), thousandths
    sold_since: int  # of which sales (positive: units sold)
    location_id: int = MAIN_LOCATION_ID

    @property
    def book_now(self) -> int:
        return self.book + self.moves_since

    @property
    def after_posting(self) -> int:
        """What the shelf's book shows once the count is posted: now plus the difference."""
        return self.book_now + self.difference


@dataclass(frozen=True)
class UnknownCode:
    code: str
    qty: int
    counters: tuple[str, ...]


@dataclass(frozen=True)
class CountSummary:
    number: str
    status: str
    scope: CountScope
    location: str
    blind: bool
    note: str
    started_at: datetime
    started_by: str
    finished_at: datetime | None
    uncounted: str
    posted_at: datetime | None
    posted_by: str


@dataclass(frozen=True)
class Review:
    """The variances of a count, with totals worked out here (printing only formats them)."""

    session: CountSummary
    lines: tuple[VarianceLine, ...]
    unknown: tuple[UnknownCode, ...]
    tolerances_bp: dict[str, int]
    accuracy: dict[str, ClassAccuracy]
    plus_value: int
    minus_value: int
    unclassed: bool  # no part has an ABC class yet: all were held to class C's tolerance
    currency: str
    sold_lines: tuple[VarianceLine, ...] = field(default=())

    @property
    def net_value(self) -> int:
        return self.plus_value + self.minus_value

    @property
    def out_of_tolerance(self) -> tuple[VarianceLine, ...]:
        return tuple(line for line in self.lines if not line.within_tolerance and line.state != "recount")

    @property
    def pending_recounts(self) -> tuple[VarianceLine, ...]:
        return tuple(line for line in self.lines if line.state == "recount")


@dataclass(frozen=True)
class PostResult:
    number: str
    moves: int
    lines: int
    plus_value: int
    minus_value: int
    sold_lines: tuple[VarianceLine, ...]


@dataclass(frozen=True)
class SheetLine:
    part_id: int
    part_number: str
    brand: str
    description: str
    description_zh: str
    unit: str
    bin: str
    book: int | None  # None: blind sheet


@dataclass(frozen=True)
class CountSheet:
    session: CountSummary
    with_book: bool
    lines: tuple[SheetLine, ...]
    printed_at: datetime


# --- reading a session --------------------------------------------------------------------------

def normalize_number(text: object) -> str:
    return "".join(str(text or "").split()).upper()[:40]


def _session(number: object, *, lock: bool = False) -> CountSession:
    query = CountSession.select().where(CountSession.number == normalize_number(number))
    if lock and is_postgres():
        query = query.for_update()
    found = query.first()
    if found is None:
        raise UserError(_("There is no stock count {number}. Check the number on the count sheet.").format(
            number=normalize_number(number) or _("(no number)")))
    return found


def _scope_of(session: CountSession) -> CountScope:
    values = json.loads(session.scope or "{}").get("values", [])
    return CountScope(session.scope_kind, tuple(values))


def _user_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return {uid: name for uid, name in AppUser.select(AppUser.id, AppUser.display_name)
            .where(AppUser.id.in_(wanted)).tuples()}


def _summary(session: CountSession) -> CountSummary:
    names = _user_names([session.started_by_id, session.posted_by_id])
    location = Location.get_by_id(session.location_id)
    return CountSummary(
        number=session.number, status=session.status, scope=_scope_of(session), location=location.name,
        blind=bool(session.blind), note=session.note, started_at=session.started_at,
        started_by=names.get(session.started_by_id, _("Command line")), finished_at=session.finished_at,
        uncounted=session.uncounted, posted_at=session.posted_at,
        posted_by=names.get(session.posted_by_id, _("Command line") if session.posted_at else ""))


def session_summary(actor: Actor, number: str) -> CountSummary:
    require(actor, "stock.count")
    return _summary(_session(number))


def list_sessions(actor: Actor, *, statuses: Sequence[str] = ("open", "finished"), limit: int = 100
                  ) -> list[CountSummary]:
    """The newest counts in ``statuses`` first."""
    require(actor, "stock.count")
    rows = (CountSession.select().where(CountSession.status.in_(list(statuses)))
            .order_by(CountSession.id.desc()).limit(limit))
    return [_summary(row) for row in rows]


# --- scope --------------------------------------------------------------------------------------

def _category_ids(codes: Sequence[str]) -> list[int]:
    rows = list(Category.select(Category.id, Category.code, Category.parent).tuples())
    wanted = {cid for cid, code, _parent in rows if code in set(codes)}
    grew = True
    while grew:  # children of what is wanted, down every level
        more = {cid for cid, _cat_code, parent in rows if parent in wanted and cid not in wanted}
        wanted |= more
        grew = bool(more)
    return sorted(wanted)


def _scope_sql(scope: CountScope) -> tuple[str, list]:
    """A condition on ``part p`` for the parts in ``scope`` and its parameters."""
    p = database.obj.param
    if scope.kind == "all":
        return "1 = 1", []
    if scope.kind == "bins":
        return f"p.bin IN ({', '.join([p] * len(scope.values))})", list(scope.values)
    if scope.kind == "categories":
        ids = _category_ids(list(scope.values)) or [0]
        return f"p.category_id IN ({', '.join(str(int(i)) for i in ids)})", []
    if scope.kind == "abc":
        # A part not yet classed counts as class C (domain.counts.UNCLASSED).
        return (f"COALESCE(p.abc_class, '{UNCLASSED}') IN ({', '.join([p] * len(scope.values))})",
                list(scope.values))
    return f"p.id IN ({', '.join(str(int(i)) for i in scope.values)})", []


def _clean_scope(scope: CountScope) -> CountScope:
    if scope.kind not in SCOPE_KINDS:
        raise ValidationError({"scope": _("A count covers one of: {kinds}.").format(
            kinds=", ".join(_(kind) for kind in SCOPE_KINDS.values()))})
    if scope.kind == "all":
        return CountScope("all", ())
    if scope.kind == "cycle":
        due = abc.cycle_part_ids(shop_today(), limit=SCOPE_VALUES_MAX)
        if not due:
            raise ValidationError({"scope": _("No part is due for its cycle count today.")})
        return CountScope("parts", tuple(due))
    values = list(dict.fromkeys(scope.values))
    if not values:
        raise ValidationError({"scope": _("Choose at least one of the {kind} to count.").format(
            kind=_(SCOPE_KINDS[scope.kind]).lower())})
    if len(values) > SCOPE_VALUES_MAX:
        raise ValidationError({"scope": _("A count names at most {most:,} of them; count everything "
                                          "or a category instead.").format(most=SCOPE_VALUES_MAX)})
    if scope.kind == "bins":
        values = [" ".join(str(v).split()) for v in values if str(v).strip()]
        if not values:
            raise ValidationError({"scope": _("Name the bins to count, as printed on the shelves.")})
    elif scope.kind == "categories":
        known = {code for (code,) in Category.select(Category.code).tuples()}
        missing = [str(v) for v in values if v not in known]
        if missing:
            raise ValidationError({"scope": _("No such category: {codes}.").format(codes=", ".join(missing[:5]))})
    elif scope.kind == "abc":
        values = [str(v).upper() for v in values]
        if any(v not in CLASSES for v in values):
            raise ValidationError({"scope": _("ABC classes are A, B and C.")})
    else:
        if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
            raise ValidationError({"scope": _("Chosen parts are given by their ids.")})
        found = {pid for (pid,) in Part.select(Part.id).where(Part.id.in_(values)).tuples()}
        missing = [str(v) for v in values if v not in found]
        if missing:
            raise ValidationError({"scope": _("No such part: #{ids}.").format(ids=", #".join(missing[:5]))})
    return CountScope(scope.kind, tuple(values))


def tolerances() -> dict[str, int]:
    return {c: int(settings.get(f"counts.tolerance_{c.lower()}_bp")) for c in CLASSES}


# --- starting, scanning, undoing ------------------------------------------------------------------

def start_session(actor: Actor, scope: CountScope = CountScope(), blind: bool = True, *,
                  location_id: int = MAIN_LOCATION_ID, note: str = "") -> str:
    """Open a count of ``scope`` at ``location_id`` (blind by default: counters do not see the book
    quantity); returns its CNT number. The shop stays open: nothing is frozen."""
    require(actor, "stock.count")
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("The note is at most {most} characters.").format(most=NOTE_MAX)})
    if scope.kind == "cycle" and not note:
        note = f"Cycle count of {shop_today().isoformat()}"
    with transaction():
        scope = _clean_scope(scope)
        if Location.get_or_none(Location.id == location_id) is None:
            raise ValidationError({"location": _("No such stock location.")})
        number = numbering.take_number("count")
        CountSession.insert(number=number, scope_kind=scope.kind, scope=scope.as_json(), location=location_id,
                            blind=bool(blind), note=note, started_at=now(), started_by=actor.user_id).execute()
        audit.record("count.start", actor=actor, object_type="count", object_id=number,
                     new={"scope": scope.kind, "values": list(scope.values)[:50], "blind": bool(blind),
                          "location": location_id})
    return number


def _counter(actor: Actor) -> int:
    require(actor, "stock.count")
    if actor.user_id is None:
        raise UserError(_("A count line names who counted it: log in as yourself to count."))
    return actor.user_id


def _check_qty(qty: object, *, allow_zero: bool) -> int:
    if isinstance(qty, bool) or not isinstance(qty, int):
        raise ValidationError({"qty": _("A quantity is a whole number of thousandths of the part's unit.")})
    if qty < 0:
        raise ValidationError({"qty": _("A counted quantity cannot be below zero.")})
    if qty == 0 and not allow_zero:
        raise ValidationError({"qty": _("A scan counts at least something; type 0 as the line's quantity instead.")})
    if qty > QTY_MAX:
        raise ValidationError({"qty": _("That quantity is too large to be a count; check what was typed.")})
    return qty


def _countable(session: CountSession, part_id: int | None) -> None:
    """Counting happens while the count is open, and after finishing only for parts sent for a recount."""
    if session.status == "open":
        return
    if session.status == "finished" and part_id is not None and _pending_round(session.id, part_id,
                                                                               session.location_id) is not None:
        return
    if session.status == "finished":
        raise UserError(_("Count {number} is finished: only the parts sent for a recount can be counted again.").format(
            number=session.number))
    raise UserError(_("Count {number} is {status}: nothing more can be counted in it.").format(
        number=session.number, status=session.status))


def _part_lines(session_id: int, part_id: int, location_id: int) -> list[tuple[int, int | None, int, str, int]]:
    """(id, counter, round, state, qty) of every line of the part in the session."""
    return list(CountLine.select(CountLine.id, CountLine.counter, CountLine.round, CountLine.state, CountLine.qty)
                .where(CountLine.session == session_id, CountLine.part == part_id,
                       CountLine.location == location_id).tuples())


def _target_round(lines: Sequence[tuple[int, int | None, int, str, int]]) -> int:
    """The round a new count of the part goes into: the latest, or the next when the latest was
    sent for a recount."""
    if not lines:
        return 1
    latest = max(line[2] for line in lines)
    return latest + 1 if any(line[3] == "recount" for line in lines if line[2] == latest) else latest


def _pending_round(session_id: int, part_id: int, location_id: int) -> int | None:
    """The recount round of the part, if one was requested (answered or not), else None."""
    lines = _part_lines(session_id, part_id, location_id)
    target = _target_round(lines)
    return target if target > 1 else None


def _book(part_id: int, location_id: int) -> tuple[int, int]:
    """The part's balance at the location and its last ledger seq there (0: no move yet)."""
    p = database.obj.param
    row = database.obj.execute_sql(
        f"SELECT (SELECT qty FROM stock_balance WHERE part_id = {p} AND location_id = {p}), "
        f"(SELECT MAX(seq) FROM stock_move WHERE part_id = {p} AND location_id = {p})",
        (part_id, location_id, part_id, location_id)).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def _add_to_line(session: CountSession, counter_id: int | None, part_id: int, delta: int, *,
                 absolute: bool = False) -> tuple[int, int, bool]:
    """Add ``delta`` to (or, ``absolute``, set it as) the counter's line of the part in its
    current round, making the line (with its book at count) when it is the first count.
    Returns (line id, new qty, whether the line is new)."""
    lines = _part_lines(session.id, part_id, session.location_id)
    target = _target_round(lines)
    own = next((line for line in lines if line[1] == counter_id and line[2] == target), None)
    stamp = now()
    if own is None:
        qty = delta
        if qty < 0:
            raise ValidationError({"qty": _("A counted quantity cannot be below zero.")})
        book_qty, book_seq = _book(part_id, session.location_id)
        line_id = CountLine.insert(session=session.id, part=part_id, location=session.location_id,
                                   counter=counter_id, round=target, qty=qty, book_qty=book_qty, book_seq=book_seq,
                                   counted_at=stamp, updated_at=stamp).execute()
        return int(line_id), qty, True
    qty = delta if absolute else own[4] + delta
    if qty < 0:
        raise ValidationError({"qty": _("A counted quantity cannot be below zero.")})
    CountLine.update(qty=qty, updated_at=stamp).where(CountLine.id == own[0]).execute()
    return own[0], qty, False


def _log(session: CountSession, counter_id: int | None, kind: str, delta: int, *, code: str = "",
         part_id: int | None = None, line_id: int | None = None, undoes: int | None = None) -> int:
    return int(CountScan.insert(session=session.id, counter=counter_id, at=now(), kind=kind, code=code,
                                part=part_id, line=line_id, delta=delta, undoes=undoes).execute())


def _code(text: object) -> str:
    """A scanned code in its stored form; ValidationError (on ``code``) saying why it cannot be one."""
    try:
        return normalize_barcode(str(text)).code
    except ValidationError as error:
        raise ValidationError({"code": error.problems["barcode"]}) from None


def _part_facts(part_id: int) -> tuple[str, str, str, str]:
    row = Part.select(Part.number, Part.name_en, Part.unit, Part.bin).where(Part.id == part_id).tuples().first()
    if row is None:
        raise UserError(_("Part #{id} is not in the catalogue.").format(id=part_id))
    return row


def scan(actor: Actor, number: str, code: str | None = None, *, part_id: int | None = None,
         qty: int = UNIT) -> ScanResult:
    """Count ``qty`` thousandths (default one unit) of the part whose barcode is ``code`` (or of
    ``part_id``, picked from a search) on the acting counter's own line. A barcode no part has is
    kept in the count as unknown (link it with ``link_unknown``). The same code from the same
    counter within ``counts.double_scan_ms`` is counted but flagged ``DOUBLE``. A code that cannot
    be a barcode, a bad quantity or a count that is not open raise and write nothing."""
    counter_id = _counter(actor)
    qty = _check_qty(qty, allow_zero=False)
    if (code is None) == (part_id is None):
        raise ValidationError({"code": _("Scan a barcode or pick a part.")})
    key = _code(code) if code is not None else ""
    window = timedelta(milliseconds=int(settings.get("counts.double_scan_ms")))
    with transaction():
        session = _session(number)
        if part_id is None:
            p = database.obj.param
            found = database.obj.execute_sql(
                f"SELECT p.id, p.number, p.name_en, p.unit, p.bin FROM part_barcode b JOIN part p ON p.id = b.part_id "
                f"WHERE b.code = {p}", (key,)).fetchone()
        else:
            found = Part.select(Part.id, Part.number, Part.name_en, Part.unit, Part.bin).where(
                Part.id == part_id).tuples().first()
            if found is None:
                raise UserError(_("Part #{id} is not in the catalogue.").format(id=part_id))
            key = f"#{part_id}"
        _countable(session, found[0] if found else None)
        last = (CountScan.select(CountScan.kind, CountScan.code, CountScan.at)
                .where(CountScan.session == session.id, CountScan.counter == counter_id)
                .order_by(CountScan.id.desc()).limit(1).tuples().first())
        double = bool(last and last[0] in ("scan", "qty", "unknown") and last[1] == key and now() - last[2] <= window)
        kind = "scan" if qty == UNIT else "qty"
        if found is None:
            _log(session, counter_id, "unknown", qty, code=key)
            return ScanResult(DOUBLE if double else UNKNOWN, key, qty,
                              message=_("Unknown barcode {code}: kept in the count. Link it to a part (F4) "
                                        "or go on.").format(
                                  code=key))
        found_id, part_number, name, unit, bin_location = found
        line_id, line_qty, new = _add_to_line(session, counter_id, found_id, qty)
        _log(session, counter_id, kind, qty, code=key, part_id=found_id, line_id=line_id)
    outcome = DOUBLE if double else (NEW_LINE if new else ADDED)
    message = {DOUBLE: _("The same code again within {ms:.0f} ms: counted — "
                         "undo (Ctrl+Z) if the scanner read it twice.").format(ms=window.total_seconds() * 1000),
               NEW_LINE: _("New line."), ADDED: ""}[outcome]
    return ScanResult(outcome, key, qty, found_id, part_number, name, unit, bin_location, line_qty, message)


def set_qty(actor: Actor, number: str, part_id: int, qty: int) -> int:
    """Type the counter's own count of the part (a whole box counted by hand; 0: counted, none
    there). Logged with its difference to what the line held, so Ctrl+Z takes it back. Returns
    the line's quantity."""
    counter_id = _counter(actor)
    qty = _check_qty(qty, allow_zero=True)
    with transaction():
        session = _session(number)
        _part_facts(part_id)
        _countable(session, part_id)
        lines = _part_lines(session.id, part_id, session.location_id)
        target = _target_round(lines)
        before = next((line[4] for line in lines if line[1] == counter_id and line[2] == target), 0)
        line_id, line_qty, _new = _add_to_line(session, counter_id, part_id, qty, absolute=True)
        _log(session, counter_id, "set", qty - before, code=f"#{part_id}", part_id=part_id, line_id=line_id)
    return line_qty


def undo_last(actor: Actor, number: str) -> UndoResult:
    """Take back the acting counter's own last scan, typed quantity or link that is not yet taken
    back (again and again: one step each). Writes a reversing row; nothing is deleted."""
    counter_id = _counter(actor)
    with transaction():
        session = _session(number)
        p = database.obj.param
        row = database.obj.execute_sql(
            f"SELECT s.id, s.kind, s.code, s.part_id, s.line_id, s.delta FROM count_scan s "
            f"WHERE s.session_id = {p} AND s.counter_id = {p} AND s.kind <> 'undo' AND NOT EXISTS "
            f"(SELECT 1 FROM count_scan u WHERE u.undoes_id = s.id) ORDER BY s.id DESC LIMIT 1",
            (session.id, counter_id)).fetchone()
        if row is None:
            raise UserError(_("Nothing of yours to undo in this count."))
        scan_id, kind, code, part_id, line_id, delta = row
        _countable(session, part_id)
        line_qty = None
        part_number = ""
        if line_id is not None:
            current = CountLine.select(CountLine.qty).where(CountLine.id == line_id).tuples().first()
            line_qty = int(current[0]) - int(delta)
            if line_qty < 0:
                raise UserError(_("This scan cannot be taken back: the line holds less than it added."))
            CountLine.update(qty=line_qty, updated_at=now()).where(CountLine.id == line_id).execute()
            part_number = _part_facts(part_id)[0]
        _log(session, counter_id, "undo", -int(delta), code=code, part_id=part_id, line_id=line_id, undoes=scan_id)
    what = part_number or code
    return UndoResult(kind, code, part_id, part_number, int(delta), line_qty,
                      _("Undone: {qty} of {what}.").format(qty=format_quantity(int(delta)), what=what))


def _open_unknowns(session_id: int, code: str | None = None) -> list[tuple[int | None, str, int]]:
    """(counter, code, qty) of unknown scans not taken back and not linked to a part."""
    p = database.obj.param
    params: list = [session_id]
    extra = ""
    if code is not None:
        extra = f" AND s.code = {p}"
        params.append(code)
    rows = database.obj.execute_sql(
        f"SELECT s.counter_id, s.code, SUM(s.delta) FROM count_scan s WHERE s.session_id = {p} "
        f"AND s.kind = 'unknown'{extra} AND NOT EXISTS (SELECT 1 FROM count_scan u WHERE u.undoes_id = s.id) "
        f"AND NOT EXISTS (SELECT 1 FROM count_scan k WHERE k.session_id = s.session_id AND k.kind = 'link' "
        f"AND k.code = s.code AND k.counter_id = s.counter_id AND k.id > s.id "
        f"AND NOT EXISTS (SELECT 1 FROM count_scan ku WHERE ku.undoes_id = k.id)) "
        f"GROUP BY s.counter_id, s.code ORDER BY s.code", params).fetchall()
    return [(counter, text, int(qty)) for counter, text, qty in rows if qty]


def link_unknown(actor: Actor, number: str, code: str, part_id: int) -> int:
    """Give the part the barcode ``code`` that the count met as unknown (``catalog.add_barcode``,
    audited) and count every unknown scan of it on the part — each counter's on their own line —
    in one step. Returns the thousandths counted. Needs catalog.edit as well as stock.count."""
    _counter(actor)
    key = _code(code)
    with transaction():
        session = _session(number)
        if session.status != "open":
            raise UserError(_("Count {number} is {status}: link the barcode from the part's card.").format(
                number=session.number, status=session.status))
        _part_facts(part_id)
        waiting = _open_unknowns(session.id, key)
        if not waiting:
            raise UserError(_("Barcode {code} is not waiting as unknown in count {number}.").format(
                code=key, number=session.number))
        catalog.add_barcode(actor, part_id, key)
        total = 0
        for counter_id, _barcode, qty in waiting:
            line_id, _qty, _new = _add_to_line(session, counter_id, part_id, qty)
            _log(session, counter_id, "link", qty, code=key, part_id=part_id, line_id=line_id)
            total += qty
    return total


def counter_lines(actor: Actor, number: str, *, limit: int = 200) -> list[CounterLine]:
    """The acting counter's own lines, last counted first. The book quantity shows only on a
    count that is not blind, or to someone who may approve counts."""
    counter_id = _counter(actor)
    session = _session(number)
    show_book = not session.blind or actor.can("stock.count_approve")
    rows = (CountLine.select(CountLine.part, Part.number, Part.name_en, Part.unit, Part.bin, CountLine.qty,
                             CountLine.round, CountLine.book_qty, CountLine.updated_at)
            .join(Part, on=(CountLine.part == Part.id))
            .where(CountLine.session == session.id, CountLine.counter == counter_id)
            .order_by(CountLine.updated_at.desc(), CountLine.id.desc()).limit(limit).tuples())
    return [CounterLine(pid, num, name, unit, bin_location, qty, rnd, book if show_book else None, updated)
            for pid, num, name, unit, bin_location, qty, rnd, book, updated in rows]


def unknown_codes(actor: Actor, number: str) -> list[UnknownCode]:
    require(actor, "stock.count")
    session = _session(number)
    return _unknown_list(session.id)


def _unknown_list(session_id: int) -> list[UnknownCode]:
    waiting = _open_unknowns(session_id)
    names = _user_names(counter for counter, _barcode, _qty in waiting)
    merged: dict[str, tuple[int, list[str]]] = {}
    for counter, code, qty in waiting:
        total, who = merged.get(code, (0, []))
        merged[code] = (total + qty, [*who, names.get(counter, "?")])
    return [UnknownCode(code, qty, tuple(who)) for code, (qty, who) in merged.items()]


# --- finishing ---------------------------------------------------------------------------------------

_UNCOUNTED_FROM = """FROM stock_balance b JOIN part p ON p.id = b.part_id
WHERE b.location_id = {p} AND b.qty <> 0 AND {scope}
AND NOT EXISTS (SELECT 1 FROM count_line l WHERE l.session_id = {p} AND l.part_id = b.part_id
                AND l.location_id = b.location_id)"""


def _uncounted_query(session: CountSession) -> tuple[str, list]:
    p = database.obj.param
    condition, params = _scope_sql(_scope_of(session))
    return _UNCOUNTED_FROM.format(p=p, scope=condition), [session.location_id, *params, session.id]


def uncounted_preview(actor: Actor, number: str) -> UncountedPreview:
    """How many parts in scope nobody counted (whose book is not zero: leaving or zeroing one of
    book zero is the same), how much they hold and what it is worth at cost."""
    require(actor, "stock.count")
    session = _session(number)
    sql, params = _uncounted_query(session)
    parts, qty, value = database.obj.execute_sql(
        f"SELECT COUNT(*), COALESCE(SUM(b.qty), 0), COALESCE(SUM(b.qty * p.cost), 0) {sql}", params).fetchone()
    # SUM(qty × cost) is in thousandths of a minor unit: rounded once, for the total
    return UncountedPreview(int(parts), int(qty), round_minor(Decimal(int(value)) / UNIT))


def finish(actor: Actor, number: str, uncounted: str) -> UncountedPreview:
    """End the counting. ``uncounted``: "leave" (parts nobody counted keep their book) or "zero"
    (each gets a line counted 0, marked as such, with its book at this moment). Returns what was
    uncounted. Only an open count finishes."""
    require(actor, "stock.count")
    if uncounted not in UNCOUNTED_CHOICES:
        raise ValidationError({"uncounted": _("Say what becomes of the parts nobody counted: leave them, or count "
                                              "them as zero.")})
    with transaction():
        session = _session(number, lock=True)
        if session.status != "open":
            raise UserError(_("Count {number} is {status}, not open: it cannot be finished again.").format(
                number=session.number, status=session.status))
        preview = uncounted_preview(actor, number)
        if uncounted == "zero" and preview.parts:
            sql, params = _uncounted_query(session)
            p = database.obj.param
            stamp = now()
            database.obj.execute_sql(
                "INSERT INTO count_line (session_id, part_id, location_id, counter_id, round, origin, qty, book_qty, "
                "book_seq, counted_at, updated_at, state) "
                f"SELECT {p}, b.part_id, b.location_id, {p}, 1, 'uncounted_zero', 0, b.qty, "
                "COALESCE((SELECT MAX(m.seq) FROM stock_move m WHERE m.part_id = b.part_id "
                f"AND m.location_id = b.location_id), 0), {p}, {p}, 'counted' {sql}",
                [session.id, actor.user_id, stamp, stamp, *params])
        CountSession.update(status="finished", finished_at=now(), finished_by=actor.user_id,
                            uncounted=uncounted).where(CountSession.id == session.id).execute()
        audit.record("count.finish", actor=actor, object_type="count", object_id=session.number,
                     new={"uncounted": uncounted, "parts": preview.parts, "qty": preview.qty,
                          "value": preview.value})
    return preview


def cancel(actor: Actor, number: str, *, reason: str) -> None:
    """Drop a count that is not posted (audited with the reason); its lines and scans stay."""
    require(actor, "stock.count_approve")
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the count is cancelled; it goes into the audit log.")})
    with transaction():
        session = _session(number, lock=True)
        if session.status not in ("open", "finished"):
            raise UserError(_("Count {number} is {status}: it cannot be cancelled.").format(
                number=session.number, status=session.status))
        CountSession.update(status="cancelled", cancelled_at=now(), cancelled_by=actor.user_id).where(
            CountSession.id == session.id).execute()
        audit.record("count.cancel", actor=actor, object_type="count", object_id=session.number, reason=reason,
                     old={"status": session.status}, new={"status": "cancelled"})


# --- review, recount, posting ----------------------------------------------------------------------

_LINES_SQL = """SELECT l.part_id, l.location_id, l.counter_id, l.round, l.qty, l.book_qty, l.book_seq, l.state,
l.origin, p.number, br.name, p.name_en, p.unit, p.bin, p.cost, p.abc_class
FROM count_line l JOIN part p ON p.id = l.part_id LEFT JOIN brand br ON br.id = p.brand_id
WHERE l.session_id = {p} ORDER BY l.id"""


def _variances(session: CountSession) -> list[VarianceLine]:
    """Per part and location: the latest round's lines added over counters, the book at its first
    line, the variance at cost, and the ledger's moves after that line (this count's own posting
    left out)."""
    db = database.obj
    p = db.param
    groups: dict[tuple[int, int], dict] = {}
    for (part_id, location_id, counter_id, rnd, qty, book_qty, book_seq, state, origin, number, brand, name, unit,
         bin_location, cost, abc_class) in db.execute_sql(_LINES_SQL.format(p=p), (session.id,)).fetchall():
        group = groups.get((part_id, location_id))
        if group is None or rnd > group["round"]:
            group = {"round": rnd, "qty": 0, "book": book_qty, "seq": book_seq, "states": set(), "origins": set(),
                     "counters": [],
                     "facts": (number, brand or "", name, unit, bin_location or "", int(cost), abc_class)}
            groups[(part_id, location_id)] = group
        elif rnd < group["round"]:
            continue
        group["qty"] += qty
        group["states"].add(state)
        group["origins"].add(origin)
        group["counters"].append(counter_id)
    if not groups:
        return []
    since: dict[tuple[int, int], list[int]] = {}
    # Each counted part's own moves after its earliest line (the part's ledger index), not the
    # ledger's tail: a count's first line may be months after the part last moved.
    for part_id, location_id, seq, qty, reason in db.execute_sql(
            "SELECT m.part_id, m.location_id, m.seq, m.qty, m.reason FROM (SELECT part_id, location_id, "
            f"MIN(book_seq) AS seq FROM count_line WHERE session_id = {p} GROUP BY part_id, location_id) x "
            "JOIN stock_move m ON m.part_id = x.part_id AND m.location_id = x.location_id AND m.seq > x.seq "
            f"WHERE NOT (m.reason = 'count' AND m.document = {p})", (session.id, session.number)).fetchall():
        group = groups.get((part_id, location_id))
        if group is None or seq <= group["seq"]:
            continue
        moved = since.setdefault((part_id, location_id), [0, 0])
        moved[0] += qty
        if reason in SALE_REASONS:
            moved[1] -= qty
    names = _user_names(c for group in groups.values() for c in group["counters"])
    limits = tolerances()
    locations = {lid: code for lid, code in Location.select(Location.id, Location.code).tuples()}
    lines = []
    for (part_id, location_id), group in groups.items():
        number, brand, name, unit, bin_location, cost, abc_class = group["facts"]
        abc_class = abc_class or UNCLASSED
        counted, book = group["qty"], group["book"]
        if "recount" in group["states"]:
            state = "recount"
        elif group["round"] > 1:
            state = "recounted"
        elif group["origins"] == {"uncounted_zero"}:
            state = "zeroed"
        else:
            state = "counted"
        moved, sold = since.get((part_id, location_id), (0, 0))
        lines.append(VarianceLine(
            part_id=part_id, part_number=number, brand=brand, description=name, unit=unit, bin=bin_location,
            location=locations.get(location_id, "?"), abc_class=abc_class, round=group["round"], counted=counted,
            book=book, book_seq=group["seq"], difference=counted - book, unit_cost=cost,
            value=variance_value(counted - book, cost),
            within_tolerance=within_tolerance(counted, book, limits.get(abc_class, limits[UNCLASSED])), state=state,
            counters=tuple(names.get(c, _("Command line")) for c in dict.fromkeys(group["counters"])),
            moves_since=moved, sold_since=sold, location_id=location_id))
    lines.sort(key=lambda line: (line.bin == "", line.bin, line.part_number))
    return lines


def _any_classed(session: CountSession) -> bool:
    """Whether any part of the count has an ABC class yet (before the first refresh none has, and
    every part is held to class C's tolerance)."""
    p = database.obj.param
    return database.obj.execute_sql(
        f"SELECT 1 FROM count_line l JOIN part p ON p.id = l.part_id WHERE l.session_id = {p} "
        "AND p.abc_class IS NOT NULL LIMIT 1", (session.id,)).fetchone() is not None


def _review(session: CountSession) -> Review:
    lines = _variances(session)
    limits = tolerances()
    accuracy = accuracy_by_class(((line.abc_class, line.counted, line.book, line.value) for line in lines
                                  if line.state != "recount"), limits)
    return Review(
        session=_summary(session), lines=tuple(lines), unknown=tuple(_unknown_list(session.id)),
        tolerances_bp=limits, accuracy=accuracy,
        plus_value=sum(line.value for line in lines if line.value > 0),
        minus_value=sum(line.value for line in lines if line.value < 0),
        unclassed=not _any_classed(session), currency=settings.get("shop.currency"),
        sold_lines=tuple(line for line in lines if line.moves_since))


def review(actor: Actor, number: str) -> Review:
    """The variances of count ``number`` by quantity and value, each against its class's
    tolerance, with what moved since each line was counted, unknown codes, and accuracy per
    class. While a blind count is open only someone who may approve counts sees it."""
    require(actor, "stock.count")
    session = _session(number)
    if session.blind and session.status == "open":
        require(actor, "stock.count_approve")
    return _review(session)


def request_recount(actor: Actor, number: str, part_ids: Sequence[int] | None = None) -> int:
    """Send parts of a finished count for a recount (``None``: every part out of tolerance): their
    latest lines become ``recount`` and the next count of them is a new round, with a fresh book.
    Returns how many parts were sent."""
    require(actor, "stock.count")
    with transaction():
        session = _session(number, lock=True)
        if session.status != "finished":
            raise UserError(_("Count {number} is {status}: recounts are asked for while reviewing a "
                              "finished count.").format(number=session.number, status=session.status))
        lines = {line.part_id: line for line in _variances(session)}
        if part_ids is None:
            wanted = [line for line in lines.values() if not line.within_tolerance and line.state != "recount"]
        else:
            missing = [pid for pid in part_ids if pid not in lines]
            if missing:
                raise ValidationError({"parts": _("Part #{id} was not counted in {number}: nothing to "
                                                  "recount.").format(id=missing[0], number=session.number)})
            wanted = [lines[pid] for pid in dict.fromkeys(part_ids) if lines[pid].state != "recount"]
        for line in wanted:
            CountLine.update(state="recount", updated_at=now()).where(
                CountLine.session == session.id, CountLine.part == line.part_id,
                CountLine.location == line.location_id, CountLine.round == line.round).execute()
        if wanted:
            audit.record("count.recount", actor=actor, object_type="count", object_id=session.number,
                         new={"parts": [line.part_id for line in wanted][:200]})
    return len(wanted)


def approve_and_post(actor: Actor, number: str, *, approval: Approval | None = None) -> PostResult:
    """Approve the finished count ``number`` and post it in one transaction: per part and location
    one move of ``counted − book_at_count`` (reason ``count``, document the CNT number) — never an
    absolute, so what sold meanwhile stays sold. Needs stock.count_approve (a manager) or a
    manager's ``approval``. Refused, with nothing written, for a count that is open, posted,
    cancelled or waits for a recount."""
    used = require(actor, "stock.count_approve", approval)
    with transaction():
        session = _session(number, lock=True)
        if session.status == "posted":
            raise UserError(_("Count {number} is already posted; a count posts once.").format(number=session.number))
        if session.status == "open":
            raise UserError(_("Count {number} is still open: finish it (and say what becomes of the parts "
                              "nobody counted) before it is approved.").format(number=session.number))
        if session.status != "finished":
            raise UserError(_("Count {number} is {status}: it cannot be posted.").format(
                number=session.number, status=session.status))
        review_now = _review(session)
        if review_now.pending_recounts:
            raise UserError(_("{parts} part(s) of {number} wait for a recount: "
                              "count them again first.").format(parts=len(review_now.pending_recounts),
                                                                number=session.number))
        moves = [(line.part_id, line.location_id, line.difference, line.unit_cost)
                 for line in review_now.lines if line.difference]
        written = stock.post_moves(moves, reason="count", document=session.number, user_id=actor.user_id)
        CountSession.update(status="posted", posted_at=now(), posted_by=actor.user_id).where(
            CountSession.id == session.id).execute()
        audit.record("count.post", actor=actor, approval=used, object_type="count", object_id=session.number,
                     new={"lines": len(review_now.lines), "moves": written, "plus_value": review_now.plus_value,
                          "minus_value": review_now.minus_value,
                          "sold_during_count": len(review_now.sold_lines),
                          "unknown_codes": [u.code for u in review_now.unknown][:50]})
    return PostResult(session.number, written, len(review_now.lines), review_now.plus_value,
                      review_now.minus_value, review_now.sold_lines)


# --- documents --------------------------------------------------------------------------------------

def count_sheet(actor: Actor, number: str, *, with_book: bool | None = None) -> CountSheet:
    """What the count sheet prints: every part in scope (active, or holding stock there) in bin
    order, with an empty box to write the count in. ``with_book`` (default: when the count is not
    blind) adds the book quantity; on a blind count only someone who may approve counts gets it."""
    require(actor, "stock.count")
    session = _session(number)
    show = (not session.blind) if with_book is None else with_book
    if show and session.blind:
        require(actor, "stock.count_approve")
    condition, params = _scope_sql(_scope_of(session))
    p = database.obj.param
    rows = database.obj.execute_sql(
        f"SELECT p.id, p.number, br.name, p.name_en, p.name_zh, p.unit, p.bin, COALESCE(b.qty, 0) FROM part p "
        f"LEFT JOIN brand br ON br.id = p.brand_id "
        f"LEFT JOIN stock_balance b ON b.part_id = p.id AND b.location_id = {p} "
        f"WHERE {condition} AND (p.active OR COALESCE(b.qty, 0) <> 0)",
        [session.location_id, *params]).fetchall()
    from partsdesk.services.orders import bin_key

    lines = [SheetLine(pid, num, brand or "", name, name_zh or "", unit, bin_location or "",
                       int(book) if show else None)
             for pid, num, brand, name, name_zh, unit, bin_location, book in rows]
    lines.sort(key=lambda line: bin_key(line.bin, line.part_number))
    return CountSheet(_summary(session), show, tuple(lines), now())


__all__ = ["ADDED", "DOUBLE", "NEW_LINE", "SCOPE_KINDS", "UNKNOWN", "CountScope", "CountSheet", "CountSummary",
           "CounterLine", "PostResult", "Review", "ScanResult", "SheetLine", "UncountedPreview", "UndoResult",
           "UnknownCode", "VarianceLine", "approve_and_post", "cancel", "count_sheet", "counter_lines", "finish",
           "link_unknown", "list_sessions", "request_recount", "review", "scan", "session_summary", "set_qty",
           "start_session", "tolerances", "uncounted_preview", "undo_last", "unknown_codes"]
