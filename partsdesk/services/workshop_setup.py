"""The workshop's set-up: its bays, its labour classes (a rate per hour each) and its canned jobs
(service packages such as an oil service: the oil, the filter and the book hours, inserted into a
repair order at once).

Rows are never deleted: a bay, a class or a canned job that is no longer used is deactivated
(repair orders and appointments keep pointing at it) and may be reactivated. Codes are short,
upper-case and unique; names are unique too (regardless of case), so a picker never shows two
alike. A canned job's lines are replaced as a whole when it is edited (``canned_job_line``
belongs to its job; a repair order copies the lines, it never points at them).

Every change is audited, in the transaction that makes it. Writing needs ``workshop.setup``,
reading ``workshop.view``. Bad input raises ``ValidationError`` naming each field (a canned job's
line as ``lines.<index>.<field>``, index from 0) and writes nothing.

Money in minor units (a rate per hour, a line's fixed unit price); quantities in thousandths (of
the part's unit, or of an hour for labour: 0.8 h = 800). Values may be given as ints in those
units or as text typed by a person ("150.00", "0.8").

A new shop gets one bay and one labour class (``ensure_defaults``, run when the shop is opened:
``services.shop.open_shop``); labour is taxed at the shop's default tax rate, as on a quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import JOIN, Case, fn

from partsdesk.domain.errors import UserError, ValidationError
from partsdesk.domain.fields import clean_line
from partsdesk.domain.money import CURRENCIES, parse_money, parse_quantity
from partsdesk.domain.permissions import Actor, require
from partsdesk.i18n import N_, _
from partsdesk.models import Brand, CannedJob, CannedJobLine, LabourClass, Part, WorkshopBay, transaction
from partsdesk.services import audit, settings
from partsdesk.services.clock import now

CODE_MAX = 10
NAME_MAX = 60
DESCRIPTION_MAX = 120
LINES_MAX = 30  # lines of one canned job
RATE_MAX = 10**9  # per hour, minor units
QTY_MAX = 10**9  # thousandths: a million units
HOURS_MAX = 1_000_000  # 1,000 hours, in thousandths (as a quote's labour)
PRICE_MAX = 10**11
LINE_KINDS = ("labour", "part", "sublet", "other")
KIND_LABELS = {"labour": N_("Labour"), "part": N_("Part"), "sublet": N_("Sublet"), "other": N_("Other")}
DEFAULT_BAY = ("B1", "Bay 1")
DEFAULT_LABOUR_CLASS = ("GEN", "General")


# --- results ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BayRow:
    id: int
    code: str
    name: str
    active: bool


@dataclass(frozen=True)
class LabourClassRow:
    id: int
    code: str
    name: str
    rate: int  # per hour, minor units
    active: bool


@dataclass(frozen=True)
class CannedJobRow:
    """A canned job in the list: how many lines, how many hours of labour in them."""

    id: int
    code: str
    name: str
    active: bool
    lines: int
    hours: int  # thousandths of an hour
    updated_at: datetime


@dataclass(frozen=True)
class CannedLine:
    """A stored line of a canned job, with what the set-up screen shows of its part and class."""

    line_no: int
    kind: str
    description: str
    qty: int  # thousandths (hours for labour)
    unit_price: int | None  # None: the part's price for the customer, the class's rate
    part_id: int | None = None
    part_number: str = ""
    part_brand: str = ""
    part_name: str = ""
    part_unit: str = ""
    part_active: bool = True
    labour_class_id: int | None = None
    labour_class_code: str = ""
    labour_class_rate: int = 0
    labour_class_active: bool = True


@dataclass(frozen=True)
class CannedJobDetail:
    id: int
    code: str
    name: str
    active: bool
    updated_at: datetime
    lines: tuple[CannedLine, ...]


@dataclass(frozen=True)
class CannedLineRequest:
    """A line as the set-up screen sends it: ``qty`` and ``unit_price`` as ints (thousandths,
    minor units) or as typed ("4.5", "120.00"); ``unit_price`` None or "" for the usual price."""

    kind: str
    qty: object
    description: str = ""
    part_id: int | None = None
    labour_class_id: int | None = None
    unit_price: object = None


@dataclass(frozen=True)
class JobLineTemplate:
    """A line a canned job puts on a repair order. ``description`` is never empty (a part line
    without its own takes the part's name); ``unit_price`` None: price it as usual (the part's
    price for the customer, the labour class's rate)."""

    kind: str
    part_id: int | None
    description: str
    qty: int
    labour_class_id: int | None
    unit_price: int | None


# --- helpers ------------------------------------------------------------------------------------

def _exponent() -> int:
    return CURRENCIES.get(settings.get("shop.currency"), (2, ""))[0]


def clean_code(value: object, *, field: str = "code", label: str = N_("Code")) -> str:
    """A short code: letters, digits and dashes, upper-case, 1 to ``CODE_MAX`` characters."""
    text = "".join(str(value or "").split()).upper()
    if not text:
        raise ValidationError({field: _("{label} is required (e.g. B1).").format(label=_(label))})
    if len(text) > CODE_MAX or not all(c.isalnum() or c == "-" for c in text):
        raise ValidationError({field: _("{label}: 1 to {most} letters, digits or dashes.").format(label=_(label),
                                                                                                 most=CODE_MAX)})
    return text


def _name(value: object, label: str) -> str:
    return clean_line(value, field="name", label=label, max_length=NAME_MAX, required=True)


def _money(value: object, *, field: str, label: str, exponent: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        amount = value
    else:
        amount = parse_money(value, exponent=exponent, field=field, label=label, allow_negative=True)
    if amount < 0:
        raise ValidationError({field: _("{label} cannot be negative.").format(label=_(label))})
    if amount > (RATE_MAX if field == "rate" else PRICE_MAX):
        raise ValidationError({field: _("{label} is too large.").format(label=_(label))})
    return amount


def _qty(value: object, *, field: str, label: str, most: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        milli = value
    else:
        milli = parse_quantity(value, field=field, label=label, allow_negative=True)
    if milli <= 0:
        raise ValidationError({field: _("{label} must be more than zero.").format(label=_(label))})
    if milli > most:
        raise ValidationError({field: _("{label} is too large.").format(label=_(label))})
    return milli


def _collect(problems: dict[str, str], check, *args, **kwargs) -> Any:
    """``check(*args, **kwargs)``, its problems kept with the others (every problem is shown at
    once); None when it found one."""
    try:
        return check(*args, **kwargs)
    except ValidationError as error:
        problems.update(error.problems)
        return None


def _clash(model, *, code: str | None, name: str | None, own_id: int | None, what: str) -> dict[str, str]:
    """Another row of ``model`` with this code or this name (any case), active or not; a code
    or name None (itself refused) is not looked for."""
    problems: dict[str, str] = {}
    other = model.get_or_none(model.code == code) if code is not None else None
    if other is not None and other.id != own_id:
        problems["code"] = (_("The code {code} is taken by the {what} {name}.") if other.active else
                            _("The code {code} is taken by the {what} {name} (inactive: reactivate it instead).")
                            ).format(code=code, what=_(what), name=other.name)
    other = model.get_or_none(fn.LOWER(model.name) == name.lower()) if name is not None else None
    if other is not None and other.id != own_id:
        problems["name"] = (_("There is already a {what} called {name}.") if other.active else
                            _("There is already a {what} called {name} (inactive: reactivate it instead).")
                            ).format(what=_(what), name=other.name)
    return problems


def _get(model, row_id: object, what: str):
    found = model.get_or_none(model.id == row_id) if isinstance(row_id, int) and not isinstance(row_id, bool) \
        else None
    if found is None:
        raise UserError(_("There is no {what} {id}. Read the list again (F5).").format(what=_(what), id=row_id))
    return found


# --- bays ---------------------------------------------------------------------------------------

def _bay_row(bay: WorkshopBay) -> BayRow:
    return BayRow(id=bay.id, code=bay.code, name=bay.name, active=bool(bay.active))


def list_bays(actor: Actor, *, include_inactive: bool = False) -> list[BayRow]:
    """The bays by code; the inactive ones only when asked."""
    require(actor, "workshop.view")
    query = WorkshopBay.select()
    if not include_inactive:
        query = query.where(WorkshopBay.active == True)  # noqa: E712 (peewee expression)
    return [_bay_row(bay) for bay in query.order_by(WorkshopBay.code)]


def add_bay(actor: Actor, *, code: object, name: object) -> int:
    """A new, active bay; returns its id."""
    require(actor, "workshop.setup")
    problems: dict[str, str] = {}
    code = _collect(problems, clean_code, code, label=N_("Bay code"))
    name = _collect(problems, _name, name, N_("Bay name"))
    with transaction():
        problems.update(_clash(WorkshopBay, code=code, name=name, own_id=None, what=N_("bay")))
        if problems:
            raise ValidationError(problems)
        bay_id = int(WorkshopBay.insert(code=code, name=name, active=True).execute())
        audit.record("workshop.bay_add", actor=actor, object_type="workshop_bay", object_id=bay_id,
                     new={"code": code, "name": name})
    return bay_id


def rename_bay(actor: Actor, bay_id: int, name: object) -> None:
    """A bay's new name (its code stays: it is on the appointment calendar's columns)."""
    require(actor, "workshop.setup")
    name = _name(name, N_("Bay name"))
    with transaction():
        bay = _get(WorkshopBay, bay_id, N_("bay"))
        if bay.name == name:
            return
        clash = _clash(WorkshopBay, code=bay.code, name=name, own_id=bay.id, what=N_("bay"))
        if clash:
            raise ValidationError(clash)
        WorkshopBay.update(name=name).where(WorkshopBay.id == bay.id).execute()
        audit.record("workshop.bay_rename", actor=actor, object_type="workshop_bay", object_id=bay.id,
                     old={"name": bay.name}, new={"name": name})


def set_bay_active(actor: Actor, bay_id: int, active: bool) -> None:
    """Deactivate a bay (no new appointments on it; old ones keep it) or reactivate it."""
    require(actor, "workshop.setup")
    with transaction():
        bay = _get(WorkshopBay, bay_id, N_("bay"))
        if bool(bay.active) == bool(active):
            return
        if not active and WorkshopBay.select().where(WorkshopBay.active == True).count() <= 1:  # noqa: E712
            raise UserError(_("{name} is the only active bay: add or reactivate another bay first.").format(name=bay.name))
        WorkshopBay.update(active=bool(active)).where(WorkshopBay.id == bay.id).execute()
        audit.record("workshop.bay_reactivate" if active else "workshop.bay_deactivate", actor=actor,
                     object_type="workshop_bay", object_id=bay.id, old={"active": bool(bay.active)},
                     new={"active": bool(active)})


# --- labour classes -----------------------------------------------------------------------------

def _class_row(row: LabourClass) -> LabourClassRow:
    return LabourClassRow(id=row.id, code=row.code, name=row.name, rate=int(row.rate), active=bool(row.active))


def list_labour_classes(actor: Actor, *, include_inactive: bool = False) -> list[LabourClassRow]:
    require(actor, "workshop.view")
    query = LabourClass.select()
    if not include_inactive:
        query = query.where(LabourClass.active == True)  # noqa: E712 (peewee expression)
    return [_class_row(row) for row in query.order_by(LabourClass.code)]


def _clean_class(code: object, name: object, rate: object, problems: dict[str, str]) -> tuple[Any, Any, Any]:
    """The class's fields checked (None where ``problems`` got a message)."""
    exponent = _exponent()
    return (_collect(problems, clean_code, code, label=N_("Labour class code")),
            _collect(problems, _name, name, N_("Labour class name")),
            _collect(problems, _money, rate, field="rate", label=N_("Rate per hour"), exponent=exponent))


def add_labour_class(actor: Actor, *, code: object, name: object, rate: object) -> int:
    """A new, active labour class with its rate per hour; returns its id."""
    require(actor, "workshop.setup")
    problems: dict[str, str] = {}
    code, name, rate = _clean_class(code, name, rate, problems)
    with transaction():
        problems.update(_clash(LabourClass, code=code, name=name, own_id=None, what=N_("labour class")))
        if problems:
            raise ValidationError(problems)
        class_id = int(LabourClass.insert(code=code, name=name, rate=rate, active=True).execute())
        audit.record("workshop.labour_class_add", actor=actor, object_type="labour_class", object_id=class_id,
                     new={"code": code, "name": name, "rate": rate})
    return class_id


def edit_labour_class(actor: Actor, labour_class_id: int, *, code: object, name: object, rate: object) -> None:
    """Change a class's code, name or rate. A new rate prices lines added from now on; lines
    already on repair orders keep theirs."""
    require(actor, "workshop.setup")
    problems: dict[str, str] = {}
    code, name, rate = _clean_class(code, name, rate, problems)
    with transaction():
        row = _get(LabourClass, labour_class_id, N_("labour class"))
        problems.update(_clash(LabourClass, code=code, name=name, own_id=row.id, what=N_("labour class")))
        if problems:
            raise ValidationError(problems)
        old = {"code": row.code, "name": row.name, "rate": int(row.rate)}
        new = {"code": code, "name": name, "rate": rate}
        if old == new:
            return
        LabourClass.update(**new).where(LabourClass.id == row.id).execute()
        audit.record("workshop.labour_class_edit", actor=actor, object_type="labour_class", object_id=row.id,
                     old=old, new=new)


def _jobs_using_class(labour_class_id: int) -> list[str]:
    return [code for (code,) in CannedJob.select(CannedJob.code).join(
        CannedJobLine, on=(CannedJobLine.canned_job == CannedJob.id)).where(
        CannedJobLine.labour_class == labour_class_id, CannedJob.active == True).distinct()  # noqa: E712
        .order_by(CannedJob.code).tuples()]


def set_labour_class_active(actor: Actor, labour_class_id: int, active: bool) -> None:
    """Deactivate a class (no new lines with it) or reactivate it. Refused while an active canned
    job uses it, or when it is the last active class."""
    require(actor, "workshop.setup")
    with transaction():
        row = _get(LabourClass, labour_class_id, N_("labour class"))
        if bool(row.active) == bool(active):
            return
        if not active:
            if LabourClass.select().where(LabourClass.active == True).count() <= 1:  # noqa: E712
                raise UserError(_("{name} is the only active labour class: add or reactivate another first.").format(
                    name=row.name))
            used = _jobs_using_class(row.id)
            if used:
                raise UserError(_("The canned job(s) {jobs} use {name}: change them or deactivate "
                                  "them first.").format(jobs=", ".join(used), name=row.name))
        LabourClass.update(active=bool(active)).where(LabourClass.id == row.id).execute()
        audit.record("workshop.labour_class_reactivate" if active else "workshop.labour_class_deactivate",
                     actor=actor, object_type="labour_class", object_id=row.id, old={"active": bool(row.active)},
                     new={"active": bool(active)})


def default_labour_class() -> LabourClassRow | None:
    """The class a new labour line takes unless another is chosen: General (GEN) while it is
    active, else the active class added first; None when the shop has no active class. A read
    for the repair-order code, which checks its own permission."""
    rows = list(LabourClass.select().where(LabourClass.active == True).order_by(LabourClass.id))  # noqa: E712
    for row in rows:
        if row.code == DEFAULT_LABOUR_CLASS[0]:
            return _class_row(row)
    return _class_row(rows[0]) if rows else None


# --- canned jobs --------------------------------------------------------------------------------

def list_canned_jobs(actor: Actor, *, include_inactive: bool = False) -> list[CannedJobRow]:
    """The canned jobs by code, with their line count and book hours."""
    require(actor, "workshop.view")
    labour_hours = fn.COALESCE(fn.SUM(Case(None, [(CannedJobLine.kind == "labour", CannedJobLine.qty)], 0)), 0)
    query = (CannedJob.select(CannedJob.id, CannedJob.code, CannedJob.name, CannedJob.active, CannedJob.updated_at,
                              fn.COUNT(CannedJobLine.id), labour_hours)
             .join(CannedJobLine, on=(CannedJobLine.canned_job == CannedJob.id), join_type=JOIN.LEFT_OUTER)
             .group_by(CannedJob.id, CannedJob.code, CannedJob.name, CannedJob.active, CannedJob.updated_at)
             .order_by(CannedJob.code))
    if not include_inactive:
        query = query.where(CannedJob.active == True)  # noqa: E712 (peewee expression)
    return [CannedJobRow(id=i, code=code, name=name, active=bool(active), updated_at=updated, lines=int(count),
                         hours=int(hours or 0))
            for i, code, name, active, updated, count, hours in query.tuples()]


def _lines_of(job_id: int) -> tuple[CannedLine, ...]:
    rows = (CannedJobLine.select(CannedJobLine, Part, Brand, LabourClass)
            .join(Part, join_type=JOIN.LEFT_OUTER, on=(CannedJobLine.part == Part.id))
            .join(Brand, join_type=JOIN.LEFT_OUTER, on=(Part.brand == Brand.id))
            .switch(CannedJobLine)
            .join(LabourClass, join_type=JOIN.LEFT_OUTER, on=(CannedJobLine.labour_class == LabourClass.id))
            .where(CannedJobLine.canned_job == job_id).order_by(CannedJobLine.line_no))
    lines = []
    for row in rows:
        part = row.part if row.part_id else None
        klass = row.labour_class if row.labour_class_id else None
        lines.append(CannedLine(
            line_no=row.line_no, kind=row.kind, description=row.description, qty=int(row.qty),
            unit_price=None if row.unit_price is None else int(row.unit_price),
            part_id=row.part_id, part_number=part.number if part else "",
            part_brand=part.brand.name if part else "", part_name=part.name_en if part else "",
            part_unit=part.unit if part else "", part_active=bool(part.active) if part else True,
            labour_class_id=row.labour_class_id, labour_class_code=klass.code if klass else "",
            labour_class_rate=int(klass.rate) if klass else 0,
            labour_class_active=bool(klass.active) if klass else True))
    return tuple(lines)


def get_canned_job(actor: Actor, canned_job_id: int) -> CannedJobDetail:
    require(actor, "workshop.view")
    job = _get(CannedJob, canned_job_id, N_("canned job"))
    return CannedJobDetail(id=job.id, code=job.code, name=job.name, active=bool(job.active),
                           updated_at=job.updated_at, lines=_lines_of(job.id))


def _clean_lines(lines: Sequence[CannedLineRequest], problems: dict[str, str]) -> list[dict[str, object]]:
    """``lines`` checked against the catalogue and the labour classes; problems by
    ``lines.<index>.<field>``, each message naming the line ("Line 2: ...")."""
    if not lines:
        problems["lines"] = _("A canned job needs at least one line: a part, labour or another charge.")
        return []
    if len(lines) > LINES_MAX:
        problems["lines"] = _("A canned job has at most {most} lines; this one has {count}.").format(
            most=LINES_MAX, count=len(lines))
        return []
    exponent = _exponent()
    part_ids = {line.part_id for line in lines if isinstance(line.part_id, int)}
    class_ids = {line.labour_class_id for line in lines if isinstance(line.labour_class_id, int)}
    parts = {p.id: p for p in Part.select(Part.id, Part.number, Part.active).where(Part.id.in_(part_ids))} \
        if part_ids else {}
    classes = {c.id: c for c in LabourClass.select().where(LabourClass.id.in_(class_ids))} if class_ids else {}
    clean: list[dict[str, object]] = []
    for index, line in enumerate(lines):
        number = index + 1
        key = f"lines.{index}"
        if line.kind not in LINE_KINDS:
            problems[f"{key}.kind"] = _("Line {line}: the kind is one of labour, part, sublet or other.").format(
                line=number)
            continue
        row: dict[str, object] = {"line_no": index + 1, "kind": line.kind, "part": None, "labour_class": None}
        description = _collect(problems, clean_line, line.description, field=f"{key}.description",
                               label=_("Line {line}: the description").format(line=number),
                               max_length=DESCRIPTION_MAX)
        if description is not None:
            if not description and line.kind != "part":
                problems[f"{key}.description"] = _("Line {line}: say what is done or charged.").format(line=number)
            row["description"] = description
        if line.kind == "part":
            part = parts.get(line.part_id) if line.part_id is not None else None
            if line.part_id is None:
                problems[f"{key}.part"] = _("Line {line}: a part line needs a part (F2 finds one).").format(line=number)
            elif part is None:
                problems[f"{key}.part"] = _("Line {line}: there is no part {part} in the catalogue.").format(
                    line=number, part=line.part_id)
            elif not part.active:
                problems[f"{key}.part"] = _("Line {line}: the part {part} is inactive; choose another part.").format(
                    line=number, part=part.number)
            else:
                row["part"] = part.id
        elif line.part_id is not None:
            problems[f"{key}.part"] = _("Line {line}: only a part line names a part.").format(line=number)
        if line.kind == "labour":
            klass = classes.get(line.labour_class_id) if line.labour_class_id is not None else None
            if line.labour_class_id is None:
                problems[f"{key}.labour_class"] = _("Line {line}: a labour line needs a labour class.").format(line=number)
            elif klass is None:
                problems[f"{key}.labour_class"] = _("Line {line}: there is no labour class {labour_class}.").format(
                    line=number, labour_class=line.labour_class_id)
            elif not klass.active:
                problems[f"{key}.labour_class"] = _("Line {line}: the labour class {labour_class} is inactive.").format(
                    line=number, labour_class=klass.code)
            else:
                row["labour_class"] = klass.id
        elif line.labour_class_id is not None:
            problems[f"{key}.labour_class"] = _("Line {line}: only a labour line has a labour class.").format(
                line=number)
        label = (_("Line {line}: the hours") if line.kind == "labour" else _("Line {line}: the quantity")).format(
            line=number)
        row["qty"] = _collect(problems, _qty, line.qty, field=f"{key}.qty", label=label,
                              most=HOURS_MAX if line.kind == "labour" else QTY_MAX)
        if line.unit_price is None or (isinstance(line.unit_price, str) and not line.unit_price.strip()):
            row["unit_price"] = None
            if line.kind in ("sublet", "other"):
                problems[f"{key}.unit_price"] = _("Line {line}: type the price (a sublet or other charge has no "
                                                   "usual price).").format(line=number)
        else:
            row["unit_price"] = _collect(problems, _money, line.unit_price, field=f"{key}.unit_price",
                                         label=_("Line {line}: the price").format(line=number), exponent=exponent)
        clean.append(row)
    return clean


def _save_job(actor: Actor, canned_job_id: int | None, code: object, name: object,
              lines: Sequence[CannedLineRequest]) -> int:
    require(actor, "workshop.setup")
    problems: dict[str, str] = {}
    code = _collect(problems, clean_code, code, label=N_("Canned job code"))
    name = _collect(problems, _name, name, N_("Canned job name"))
    with transaction():
        clean = _clean_lines(lines, problems)
        old = None
        if canned_job_id is not None:
            job = _get(CannedJob, canned_job_id, N_("canned job"))
            old = {"code": job.code, "name": job.name, "lines": [_audit_line(line) for line in _lines_of(job.id)]}
        problems.update(_clash(CannedJob, code=code, name=name, own_id=canned_job_id, what=N_("canned job")))
        if problems:
            raise ValidationError(problems)
        stamp = now()
        if canned_job_id is None:
            canned_job_id = int(CannedJob.insert(code=code, name=name, active=True, updated_at=stamp).execute())
        else:
            CannedJob.update(code=code, name=name, updated_at=stamp).where(CannedJob.id == canned_job_id).execute()
            CannedJobLine.delete().where(CannedJobLine.canned_job == canned_job_id).execute()
        CannedJobLine.insert_many([{**row, "canned_job": canned_job_id} for row in clean]).execute()
        new = {"code": code, "name": name, "lines": [_audit_line(line) for line in _lines_of(canned_job_id)]}
        audit.record("workshop.canned_job_add" if old is None else "workshop.canned_job_edit", actor=actor,
                     object_type="canned_job", object_id=canned_job_id, old=old, new=new)
    return canned_job_id


def _audit_line(line: CannedLine) -> dict[str, object]:
    return {"kind": line.kind, "part": line.part_number or None, "labour_class": line.labour_class_code or None,
            "description": line.description, "qty": line.qty, "unit_price": line.unit_price}


def add_canned_job(actor: Actor, *, code: object, name: object, lines: Sequence[CannedLineRequest]) -> int:
    """A new, active canned job with ``lines`` (1 to ``LINES_MAX``); returns its id."""
    return _save_job(actor, None, code, name, lines)


def edit_canned_job(actor: Actor, canned_job_id: int, *, code: object, name: object,
                    lines: Sequence[CannedLineRequest]) -> None:
    """Change a canned job: its code, name and all its lines at once (the old lines are
    replaced). Repair orders that used it keep the lines they were given."""
    _save_job(actor, canned_job_id, code, name, lines)


def set_canned_job_active(actor: Actor, canned_job_id: int, active: bool) -> None:
    """Deactivate a canned job (not offered any more) or reactivate it."""
    require(actor, "workshop.setup")
    with transaction():
        job = _get(CannedJob, canned_job_id, N_("canned job"))
        if bool(job.active) == bool(active):
            return
        CannedJob.update(active=bool(active), updated_at=now()).where(CannedJob.id == job.id).execute()
        audit.record("workshop.canned_job_reactivate" if active else "workshop.canned_job_deactivate",
                     actor=actor, object_type="canned_job", object_id=job.id, old={"active": bool(job.active)},
                     new={"active": bool(active)})


def expand_canned_job(canned_job_id: int) -> list[JobLineTemplate]:
    """The lines an active canned job puts on a repair order, in its order. A read for the
    repair-order code (which checks its own permission and runs it inside its transaction).

    Raises ``UserError`` when the job is inactive or unknown, or when a part or labour class it
    uses has been deactivated since (the message says which, so the job can be corrected)."""
    job = _get(CannedJob, canned_job_id, N_("canned job"))
    if not job.active:
        raise UserError(_("The canned job {code} ({name}) is inactive. Reactivate it in the workshop set-up.").format(
            code=job.code, name=job.name))
    templates = []
    for line in _lines_of(job.id):
        if not line.part_active:
            raise UserError(_("The canned job {code} uses the part {part}, which is inactive. "
                              "Change the canned job in the workshop set-up.").format(code=job.code, part=line.part_number))
        if not line.labour_class_active:
            raise UserError(_("The canned job {code} uses the labour class {labour_class}, which is "
                              "inactive. Change the canned job in the workshop set-up.").format(
                code=job.code, labour_class=line.labour_class_code))
        description = line.description or (f"{line.part_brand} {line.part_name}".strip() if line.part_id else "")
        templates.append(JobLineTemplate(kind=line.kind, part_id=line.part_id, description=description,
                                         qty=line.qty, labour_class_id=line.labour_class_id,
                                         unit_price=line.unit_price))
    return templates


# --- a new shop ---------------------------------------------------------------------------------

def ensure_defaults() -> bool:
    """Give a shop that never had a bay or a labour class its first: bay B1 "Bay 1", labour
    class GEN "General" at the setting ``counter.labour_rate``. Returns True when it added any.

    Run each time the shop is opened (``services.shop.open_shop``); a shop that has any bay or
    class, active or not, is left alone, and two terminals opening at once add them once. Not
    audited: like the stock locations of a new database, they are where every shop starts."""
    added = False
    with transaction():
        if not WorkshopBay.select().exists():
            code, name = DEFAULT_BAY
            WorkshopBay.insert(code=code, name=name, active=True).on_conflict_ignore().execute()
            added = True
        if not LabourClass.select().exists():
            code, name = DEFAULT_LABOUR_CLASS
            rate = int(settings.get("counter.labour_rate"))
            LabourClass.insert(code=code, name=name, rate=rate, active=True).on_conflict_ignore().execute()
            added = True
    return added


__all__ = [
    "BayRow", "CannedJobDetail", "CannedJobRow", "CannedLine", "CannedLineRequest", "JobLineTemplate", "KIND_LABELS",
    "LINES_MAX", "LINE_KINDS", "LabourClassRow", "add_bay", "add_canned_job", "add_labour_class", "clean_code",
    "default_labour_class", "edit_canned_job", "edit_labour_class", "ensure_defaults", "expand_canned_job",
    "get_canned_job", "list_bays", "list_canned_jobs", "list_labour_classes", "rename_bay", "set_bay_active",
    "set_canned_job_active", "set_labour_class_active",
]
