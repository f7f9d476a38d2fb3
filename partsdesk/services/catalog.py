"""The catalogue's use cases: read a part for the editor, save it, retire it, and the lists
the editor picks from (categories, brands, suppliers, vehicle models).

Every write is one transaction: validation first (nothing changes on bad input), then the
part, its barcodes, numbers and fitments, its search document and the audit row together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from peewee import IntegrityError

from partsdesk.domain.catalog import PRICE_FIELDS, STANDARD_CATEGORIES, clean_part
from partsdesk.domain.errors import PermissionDenied, UserError, ValidationError
from partsdesk.domain.gtin import normalize_barcode
from partsdesk.domain.part_numbers import NUMBER_KIND_LABELS, NUMBER_KINDS, NUMBER_MAX, normalize_number
from partsdesk.domain.permissions import ROLE_LABELS, Actor, Approval, require
from partsdesk.i18n import _
from partsdesk.models import (
    Brand,
    Category,
    Fitment,
    Part,
    PartBarcode,
    PartNumber,
    StockBalance,
    Supplier,
    VehicleModel,
    transaction,
)
from partsdesk.models.stock import MAIN_LOCATION_ID
from partsdesk.services import audit, settings
from partsdesk.services.clock import now
from partsdesk.services.search import forget_vocabulary, refresh_search_text

YEAR_FIRST = 1950
YEARS_AHEAD = 2  # a fitment may name next year's models, and the one after
MAKER_MAX = 60
VEHICLE_NAME_MAX = 60
ENGINE_MAX = 60
POSITION_MAX = 40
FITMENT_NOTE_MAX = 200
BARCODES_MAX = 20
NUMBERS_MAX = 100
FITMENTS_MAX = 200


@dataclass(frozen=True)
class FitmentInput:
    """One vehicle a part fits, as the editor gives it; ``year_to`` None: still built."""

    vehicle_model_id: int
    year_from: int
    year_to: int | None = None
    engine: str = ""
    position: str = ""
    note: str = ""


@dataclass(frozen=True)
class FitmentRow:
    vehicle_model_id: int
    make: str
    model: str
    make_zh: str
    model_zh: str
    year_from: int
    year_to: int | None
    engine: str
    position: str
    note: str

    def as_input(self) -> FitmentInput:
        return FitmentInput(self.vehicle_model_id, self.year_from, self.year_to, self.engine, self.position,
                            self.note)


@dataclass(frozen=True)
class PartDetail:
    """Everything the part editor shows. Money in minor units, quantities in thousandths of
    ``unit``, tax in basis points; ``cost`` is None when the viewer may not see costs."""

    id: int
    number: str
    number_norm: str
    brand: str
    name_en: str
    name_zh: str
    category: str  # category code
    category_name: str
    grade: str
    unit: str
    bin: str
    cost: int | None
    price_retail: int
    price_trade: int
    price_wholesale: int
    tax_rate_bp: int
    min_qty: int
    max_qty: int
    supplier: str
    core_charge: int
    warranty_months: int
    warranty_km: int
    notes: str
    active: bool
    barcodes: tuple[tuple[str, str], ...]  # (code, symbology)
    numbers: tuple[tuple[str, str, str], ...]  # (kind, maker, number), without the part's own number
    fitments: tuple[FitmentRow, ...]
    on_hand: int  # thousandths at MAIN
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CategoryRow:
    id: int
    code: str
    name_en: str
    name_zh: str
    parent_id: int | None


@dataclass(frozen=True)
class BrandRow:
    id: int
    name: str
    name_zh: str


@dataclass(frozen=True)
class SupplierRow:
    id: int
    name: str
    phone: str
    email: str
    active: bool


@dataclass(frozen=True)
class VehicleModelRow:
    id: int
    make: str
    model: str
    make_zh: str
    model_zh: str

    def describe(self) -> str:
        return f"{self.make} {self.model}"


def name_key(name: str) -> str:
    """Brands and suppliers are one row whatever the case or surrounding spaces."""
    return " ".join(name.split()).upper()


# --- reading ------------------------------------------------------------------------------

def get_part(actor: Actor, part_id: int) -> PartDetail:
    require(actor, "catalog.view")
    part = Part.get_or_none(Part.id == part_id)
    if part is None:
        raise UserError(_("Part #{part_id} is not in the catalogue (it may have been removed).").format(part_id=part_id))
    category = Category.get_by_id(part.category_id)
    supplier = Supplier.get_by_id(part.supplier_id).name if part.supplier_id else ""
    barcodes = tuple(PartBarcode.select(PartBarcode.code, PartBarcode.symbology)
                     .where(PartBarcode.part == part.id).order_by(PartBarcode.id).tuples())
    numbers = tuple(
        (kind, maker, number) for kind, maker, number, norm in
        PartNumber.select(PartNumber.kind, PartNumber.maker, PartNumber.number, PartNumber.number_norm)
        .where(PartNumber.part == part.id).order_by(PartNumber.id).tuples()
        if not (kind == "own" and norm == part.number_norm))
    fitments = tuple(
        FitmentRow(model_id, make, model, make_zh, model_zh, year_from, year_to, engine, position, note)
        for (model_id, make, model, make_zh, model_zh, year_from, year_to, engine, position, note) in
        Fitment.select(Fitment.vehicle_model, VehicleModel.make, VehicleModel.model, VehicleModel.make_zh,
                       VehicleModel.model_zh, Fitment.year_from, Fitment.year_to, Fitment.engine,
                       Fitment.position, Fitment.note)
        .join(VehicleModel).where(Fitment.part == part.id).order_by(Fitment.id).tuples())
    balance = (StockBalance.select(StockBalance.qty)
               .where(StockBalance.part == part.id, StockBalance.location == MAIN_LOCATION_ID).tuples().first())
    return PartDetail(
        id=part.id, number=part.number, number_norm=part.number_norm, brand=Brand.get_by_id(part.brand_id).name,
        name_en=part.name_en, name_zh=part.name_zh, category=category.code, category_name=category.name_en,
        grade=part.grade, unit=part.unit, bin=part.bin,
        cost=part.cost if actor.can("catalog.view_cost") else None,
        price_retail=part.price_retail, price_trade=part.price_trade, price_wholesale=part.price_wholesale,
        tax_rate_bp=part.tax_rate_bp, min_qty=part.min_qty, max_qty=part.max_qty, supplier=supplier,
        core_charge=part.core_charge, warranty_months=part.warranty_months, warranty_km=part.warranty_km,
        notes=part.notes, active=bool(part.active), barcodes=barcodes, numbers=numbers, fitments=fitments,
        on_hand=int(balance[0]) if balance else 0, created_at=part.created_at, updated_at=part.updated_at,
    )


def list_categories() -> list[CategoryRow]:
    """All categories, top level first in the handbook's order, each followed by its children."""
    rows = [CategoryRow(*row) for row in Category.select(
        Category.id, Category.code, Category.name_en, Category.name_zh, Category.parent)
        .order_by(Category.sort_order, Category.id).tuples()]
    children: dict[int | None, list[CategoryRow]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[CategoryRow] = []

    def walk(parent: int | None) -> None:
        for row in children.get(parent, []):
            ordered.append(row)
            walk(row.id)

    walk(None)
    return ordered


def list_brands() -> list[BrandRow]:
    return [BrandRow(*row) for row in
            Brand.select(Brand.id, Brand.name, Brand.name_zh).order_by(Brand.name_key).tuples()]


def list_suppliers(*, include_inactive: bool = False) -> list[SupplierRow]:
    query = Supplier.select(Supplier.id, Supplier.name, Supplier.phone, Supplier.email, Supplier.active)
    if not include_inactive:
        query = query.where(Supplier.active == True)  # noqa: E712 (peewee expression)
    return [SupplierRow(i, name, phone, email, bool(active))
            for i, name, phone, email, active in query.order_by(Supplier.name_key).tuples()]


def list_vehicle_models() -> list[VehicleModelRow]:
    return [VehicleModelRow(*row) for row in VehicleModel.select(
        VehicleModel.id, VehicleModel.make, VehicleModel.model, VehicleModel.make_zh, VehicleModel.model_zh)
        .order_by(VehicleModel.make, VehicleModel.model).tuples()]


# --- the lists the editor picks from ------------------------------------------------------

def _insert_standard_categories() -> int:
    existing = {code for (code,) in Category.select(Category.code).tuples()}
    added = 0
    for order, (code, name_en, name_zh, subs) in enumerate(STANDARD_CATEGORIES):
        if code not in existing:
            Category.create(code=code, name_en=name_en, name_zh=name_zh, sort_order=order * 100)
            added += 1
        parent_id = Category.get(Category.code == code).id
        for sub_order, (sub_code, sub_en, sub_zh) in enumerate(subs, start=1):
            if sub_code not in existing:
                Category.create(code=sub_code, name_en=sub_en, name_zh=sub_zh, parent=parent_id,
                                sort_order=order * 100 + sub_order)
                added += 1
    return added


def ensure_standard_categories() -> int:
    """Add the handbook's categories that are missing (idempotent); returns how many were added."""
    with transaction():
        return _insert_standard_categories()


def _check_name(field: str, label: str, text: str, *, required: bool, limit: int) -> str:
    text = " ".join(str(text or "").split())
    if required and not text:
        raise ValidationError({field: _("{label} is required.").format(label=label)})
    if len(text) > limit or not text.isprintable():
        raise ValidationError({field: _("{label} is at most {limit} characters, without control characters.").format(
            label=label, limit=limit)})
    return text


def add_vehicle_model(actor: Actor, make: str, model: str, make_zh: str = "", model_zh: str = "") -> int:
    """Add a make and model for fitments (and for the search box to recognise); returns its id."""
    require(actor, "catalog.edit")
    make = _check_name("make", _("Make"), make, required=True, limit=VEHICLE_NAME_MAX)
    model = _check_name("model", _("Model"), model, required=True, limit=VEHICLE_NAME_MAX)
    make_zh = _check_name("make_zh", _("Chinese make"), make_zh, required=False, limit=VEHICLE_NAME_MAX)
    model_zh = _check_name("model_zh", _("Chinese model"), model_zh, required=False, limit=VEHICLE_NAME_MAX)
    with transaction():
        for existing_make, existing_model in VehicleModel.select(VehicleModel.make, VehicleModel.model).tuples():
            if existing_make.casefold() == make.casefold() and existing_model.casefold() == model.casefold():
                raise ValidationError({"model": _("{make} {model} is already in the list.").format(make=existing_make,
                                                                                        model=existing_model)})
        row = VehicleModel.create(make=make, model=model, make_zh=make_zh, model_zh=model_zh)
        audit.record("vehicle_model.add", actor=actor, object_type="vehicle_model", object_id=row.id,
                     new={"make": make, "model": model, "make_zh": make_zh, "model_zh": model_zh})
    forget_vocabulary()
    return int(row.id)


def _brand_id(name: str) -> int:
    key = name_key(name)
    Brand.insert(name=" ".join(name.split()), name_key=key).on_conflict_ignore().execute()
    return int(Brand.get(Brand.name_key == key).id)


def _supplier_id(name: str) -> int | None:
    if not name.strip():
        return None
    key = name_key(name)
    Supplier.insert(name=" ".join(name.split()), name_key=key).on_conflict_ignore().execute()
    return int(Supplier.get(Supplier.name_key == key).id)


# --- saving a part ------------------------------------------------------------------------

def _clean_barcodes(codes: Sequence[str], problems: dict[str, str]) -> list[tuple[str, str]]:
    clean: dict[str, str] = {}
    if len(codes) > BARCODES_MAX:
        problems["barcodes"] = _("A part has at most {most} barcodes.").format(most=BARCODES_MAX)
        return []
    for text in codes:
        if not str(text).strip():
            continue
        try:
            code, symbology = normalize_barcode(str(text))
        except ValidationError as error:
            problems["barcodes"] = error.problems["barcode"]
            continue
        clean.setdefault(code, symbology)
    return list(clean.items())


def _clean_numbers(numbers: Sequence[tuple[str, str, str]], own_norm: str,
                   problems: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(kind, maker, number, number_norm) without duplicates and without the own number."""
    if len(numbers) > NUMBERS_MAX:
        problems["numbers"] = _("A part has at most {most} other numbers.").format(most=NUMBERS_MAX)
        return []
    clean: dict[tuple[str, str], tuple[str, str, str, str]] = {}
    for kind, maker, number in numbers:
        kind = str(kind).strip().lower()
        number = " ".join(str(number).split())
        maker = " ".join(str(maker or "").split())
        if not number:
            continue
        norm = normalize_number(number)
        if kind not in NUMBER_KINDS:
            problems["numbers"] = _("A number is one of: {kinds}.").format(
                kinds=", ".join(_(label) for label in NUMBER_KIND_LABELS.values()))
        elif not norm or len(number) > NUMBER_MAX or not number.isprintable():
            problems["numbers"] = _("{number!r} cannot be a part number: at most {most} characters "
                                    "with at least one letter or digit.").format(number=number[:60], most=NUMBER_MAX)
        elif len(maker) > MAKER_MAX or not maker.isprintable():
            problems["numbers"] = _("The maker of a number is at most {most} characters.").format(most=MAKER_MAX)
        elif kind == "own" and norm != own_norm:
            problems["numbers"] = _("The part's own number is the Part number field; list other numbers as OE, "
                                    "interchange or superseded.")
        elif kind != "own":
            clean.setdefault((kind, norm), (kind, maker, number, norm))
    return list(clean.values())


def _clean_fitments(fitments: Sequence[FitmentInput], problems: dict[str, str]) -> list[FitmentInput]:
    if len(fitments) > FITMENTS_MAX:
        problems["fitments"] = _("A part has at most {most} vehicle fitments.").format(most=FITMENTS_MAX)
        return []
    last_year = now().year + YEARS_AHEAD
    clean: list[FitmentInput] = []
    for fitment in fitments:
        try:
            year_from = int(fitment.year_from)
            year_to = None if fitment.year_to in (None, "") else int(fitment.year_to)
            model_id = int(fitment.vehicle_model_id)
        except (TypeError, ValueError):
            problems["fitments"] = _("A fitment needs a vehicle model and years as whole numbers.")
            continue
        if not YEAR_FIRST <= year_from <= last_year:
            problems["fitments"] = _("A fitment's first year is between {first} and {last}.").format(
                first=YEAR_FIRST, last=last_year)
        elif year_to is not None and not year_from <= year_to <= last_year:
            problems["fitments"] = _("A fitment's last year is between its first year and {last}.").format(last=last_year)
        else:
            texts = []
            for value, limit, label in ((fitment.engine, ENGINE_MAX, _("engine")),
                                        (fitment.position, POSITION_MAX, _("position")),
                                        (fitment.note, FITMENT_NOTE_MAX, _("note"))):
                text = " ".join(str(value or "").split())
                if len(text) > limit or not text.isprintable():
                    problems["fitments"] = _("A fitment's {label} is at most {limit} characters.").format(
                        label=label, limit=limit)
                texts.append(text)
            item = FitmentInput(model_id, year_from, year_to, *texts)
            if item not in clean:
                clean.append(item)
    return clean


_PART_COLUMNS = ("number", "number_norm", "name_en", "name_zh", "grade", "unit", "bin", "cost", "price_retail",
                 "price_trade", "price_wholesale", "tax_rate_bp", "min_qty", "max_qty", "core_charge",
                 "warranty_months", "warranty_km", "notes", "active")


def _snapshot(part: Part) -> dict[str, object]:
    """A stored part in the shape of clean_part's values (names for brand/supplier, category code)."""
    values: dict[str, object] = {name: getattr(part, name) for name in _PART_COLUMNS}
    values["active"] = bool(values["active"])
    values["brand"] = Brand.get_by_id(part.brand_id).name
    values["category"] = Category.get_by_id(part.category_id).code
    values["supplier"] = Supplier.get_by_id(part.supplier_id).name if part.supplier_id else ""
    return values


def _describe_part(part_id: int) -> str:
    row = (Part.select(Part.number, Brand.name, Part.name_en).join(Brand).where(Part.id == part_id)
           .tuples().first())
    return f"{row[1]} {row[0]} ({row[2]})" if row else _("part #{part_id}").format(part_id=part_id)


def _current_extras(part_id: int, own_norm: str) -> tuple[list, list, list]:
    barcodes = [tuple(row) for row in PartBarcode.select(PartBarcode.code, PartBarcode.symbology)
                .where(PartBarcode.part == part_id).order_by(PartBarcode.id).tuples()]
    numbers = [tuple(row) for row in PartNumber.select(PartNumber.kind, PartNumber.maker, PartNumber.number,
                                                       PartNumber.number_norm)
               .where(PartNumber.part == part_id).order_by(PartNumber.id).tuples()
               if not (row[0] == "own" and row[3] == own_norm)]
    fitments = [FitmentInput(*row) for row in Fitment.select(
        Fitment.vehicle_model, Fitment.year_from, Fitment.year_to, Fitment.engine, Fitment.position, Fitment.note)
        .where(Fitment.part == part_id).order_by(Fitment.id).tuples()]
    return barcodes, numbers, fitments


def _audit_fitments(fitments: Sequence[FitmentInput]) -> list[list[object]]:
    return [[f.vehicle_model_id, f.year_from, f.year_to, f.engine, f.position, f.note] for f in fitments]


def save_part(actor: Actor, part_id: int | None, raw: Mapping[str, object], *, barcodes: Sequence[str],
              numbers: Sequence[tuple[str, str, str]], fitments: Sequence[FitmentInput],
              approval: Approval | None = None) -> int:
    """Create (``part_id`` None) or update a part with its barcodes, other numbers (kind,
    maker, number) and vehicle fitments; returns the part's id.

    Needs catalog.edit. Changing a selling price of an existing part needs catalog.edit_price
    or a manager's ``approval`` for it (named in the audit row); a role that may not see costs
    may not change the cost (leave it out of ``raw`` to keep it). Bad input raises
    ValidationError and changes nothing.
    """
    require(actor, "catalog.edit")
    may_see_cost = actor.can("catalog.view_cost")
    raw = dict(raw)
    cost_given = not (raw.get("cost") is None or (isinstance(raw.get("cost"), str) and not str(raw["cost"]).strip()))
    clean, problems = clean_part(raw, default_tax_bp=settings.get("tax.default_rate_bp"))
    own_norm = str(clean.get("number_norm", ""))
    new_barcodes = _clean_barcodes(barcodes, problems)
    new_numbers = _clean_numbers(numbers, own_norm, problems)
    new_fitments = _clean_fitments(fitments, problems)
    if problems:
        raise ValidationError(problems)
    try:
        with transaction():
            return _save(actor, part_id, clean, cost_given=cost_given, may_see_cost=may_see_cost,
                         barcodes=new_barcodes, numbers=new_numbers, fitments=new_fitments, approval=approval)
    except IntegrityError as error:  # another terminal saved the same number or barcode just now
        raise UserError(_("Another terminal saved a part with the same number or barcode at the same moment. "
                          "Search for it, then try again.")) from error


def _save(actor: Actor, part_id: int | None, clean: dict[str, object], *, cost_given: bool, may_see_cost: bool,
          barcodes: list[tuple[str, str]], numbers: list[tuple[str, str, str, str]],
          fitments: list[FitmentInput], approval: Approval | None) -> int:
    old_part = None
    if part_id is not None:
        old_part = Part.get_or_none(Part.id == part_id)
        if old_part is None:
            raise UserError(_("Part #{part_id} is not in the catalogue any more; it cannot be saved.").format(
                part_id=part_id))
    old = _snapshot(old_part) if old_part is not None else None
    if not cost_given:
        clean["cost"] = old["cost"] if old else 0
    if not may_see_cost and clean["cost"] != (old["cost"] if old else 0):
        raise PermissionDenied(_("{role} {name} may not change cost prices. Ask a manager.").format(
            role=_(ROLE_LABELS.get(actor.role, actor.role)), name=actor.display_name),
            permission="catalog.view_cost")

    category = Category.get_or_none(Category.code == clean["category"])
    if category is None:
        _insert_standard_categories()
        category = Category.get_or_none(Category.code == clean["category"])
        if category is None:
            raise ValidationError({"category": _("This category is not in the shop's list.")})
    known_models = {mid for (mid,) in VehicleModel.select(VehicleModel.id)
                    .where(VehicleModel.id.in_([f.vehicle_model_id for f in fitments] or [0])).tuples()}
    if any(f.vehicle_model_id not in known_models for f in fitments):
        raise ValidationError({"fitments": _("A fitment names a vehicle model that is not in the list; add the "
                                             "model first.")})
    brand_id = _brand_id(str(clean["brand"]))
    clean["brand"] = Brand.get_by_id(brand_id).name
    supplier_id = _supplier_id(str(clean["supplier"]))
    clean["supplier"] = Supplier.get_by_id(supplier_id).name if supplier_id else ""

    duplicate = (Part.select(Part.id).where(Part.brand == brand_id, Part.number_norm == clean["number_norm"],
                                             Part.id != (part_id or 0)).tuples().first())
    if duplicate:
        raise ValidationError({"number": _("{part} is already in the catalogue with this brand and number; open "
                                           "that part instead.").format(part=_describe_part(duplicate[0]))})
    for code, _symbology in barcodes:
        owner = PartBarcode.select(PartBarcode.part).where(PartBarcode.code == code,
                                                           PartBarcode.part != (part_id or 0)).tuples().first()
        if owner:
            raise ValidationError({"barcodes": _("Barcode {code} already belongs to {part}. Remove it there "
                                                 "first, or check the label.").format(
                code=code, part=_describe_part(owner[0]))})

    stamp = now()
    columns = {name: clean[name] for name in _PART_COLUMNS}
    columns.update(brand=brand_id, category=category.id, supplier=supplier_id, updated_at=stamp)
    new = {**{name: clean[name] for name in _PART_COLUMNS}, "brand": clean["brand"],
           "category": clean["category"], "supplier": clean["supplier"]}

    if old_part is None:
        part = Part.create(created_at=stamp, **columns)
        part_id = int(part.id)
        old_barcodes: list = []
        old_numbers: list = []
        old_fitments: list = []
        used = None
        changed_old: dict[str, object] = {}
        changed_new: dict[str, object] = dict(new)
    else:
        assert part_id is not None and old is not None
        old_barcodes, old_numbers, old_fitments = _current_extras(part_id, str(old["number_norm"]))
        changed_old = {k: old[k] for k in new if old[k] != new[k]}
        changed_new = {k: new[k] for k in changed_old}
        used = None
        if any(name in changed_new for name in PRICE_FIELDS):
            used = require(actor, "catalog.edit_price", approval)
        if changed_new:
            Part.update(columns).where(Part.id == part_id).execute()

    # Barcodes: keep rows that stay, so a scan keeps working throughout.
    if barcodes != old_barcodes:
        wanted = {code for code, _symbology in barcodes}
        PartBarcode.delete().where(PartBarcode.part == part_id, PartBarcode.code.not_in(wanted or {""})).execute()
        kept = {code for code, _symbology in old_barcodes}
        for code, symbology in barcodes:
            if code not in kept:
                PartBarcode.create(part=part_id, code=code, symbology=symbology)
        changed_old["barcodes"] = [code for code, _symbology in old_barcodes]
        changed_new["barcodes"] = [code for code, _symbology in barcodes]

    own_changed = old is None or old["number_norm"] != clean["number_norm"] or old["number"] != clean["number"] \
        or old["brand"] != clean["brand"]
    if own_changed:
        PartNumber.delete().where(PartNumber.part == part_id, PartNumber.kind == "own").execute()
        PartNumber.create(part=part_id, kind="own", maker=clean["brand"], number=clean["number"],
                          number_norm=clean["number_norm"])
    if [n[:3] for n in numbers] != [n[:3] for n in old_numbers]:
        PartNumber.delete().where(PartNumber.part == part_id, PartNumber.kind != "own").execute()
        for kind, maker, number, norm in numbers:
            PartNumber.create(part=part_id, kind=kind, maker=maker, number=number, number_norm=norm)
        changed_old["numbers"] = [list(n[:3]) for n in old_numbers]
        changed_new["numbers"] = [list(n[:3]) for n in numbers]

    if fitments != old_fitments:
        Fitment.delete().where(Fitment.part == part_id).execute()
        for f in fitments:
            Fitment.create(part=part_id, vehicle_model=f.vehicle_model_id, year_from=f.year_from,
                           year_to=f.year_to, engine=f.engine, position=f.position, note=f.note)
        changed_old["fitments"] = _audit_fitments(old_fitments)
        changed_new["fitments"] = _audit_fitments(fitments)

    if old_part is None:
        audit.record("part.create", actor=actor, object_type="part", object_id=part_id, new=changed_new)
    elif changed_new:
        Part.update(updated_at=stamp).where(Part.id == part_id).execute()
        audit.record("part.update", actor=actor, approval=used, object_type="part", object_id=part_id,
                     old=changed_old, new=changed_new)
    refresh_search_text([part_id])
    return part_id


def set_part_active(actor: Actor, part_id: int, active: bool, *, reason: str) -> None:
    """Stop selling a part (it leaves searches and the browse list) or sell it again. Parts are
    never deleted: documents and the stock ledger name them."""
    require(actor, "catalog.edit")
    reason = " ".join(str(reason or "").split())
    if not active and not reason:
        raise ValidationError({"reason": _("Say why this part is no longer sold; it goes into the audit log.")})
    with transaction():
        row = Part.select(Part.active).where(Part.id == part_id).tuples().first()
        if row is None:
            raise UserError(_("Part #{part_id} is not in the catalogue.").format(part_id=part_id))
        if bool(row[0]) == active:
            return
        Part.update(active=active, updated_at=now()).where(Part.id == part_id).execute()
        audit.record("part.activate" if active else "part.deactivate", actor=actor, object_type="part",
                     object_id=part_id, reason=reason, old={"active": bool(row[0])}, new={"active": active})


def add_barcode(actor: Actor, part_id: int, text: str) -> str:
    """Give part ``part_id`` one more barcode (as scanned or typed: normalised like the editor's),
    e.g. a code a stock count met on a shelf; returns the stored code. A code the part already
    has changes nothing; a code of another part is refused (ValidationError), and so is a part
    with ``BARCODES_MAX`` codes. Runs in its own transaction, or in the caller's."""
    require(actor, "catalog.edit")
    problems: dict[str, str] = {}
    clean = _clean_barcodes([text], problems)
    if problems or not clean:
        raise ValidationError(problems or {"barcodes": _("The barcode is empty.")})
    code, symbology = clean[0]
    with transaction():
        if Part.get_or_none(Part.id == part_id) is None:
            raise UserError(_("Part #{part_id} is not in the catalogue.").format(part_id=part_id))
        owner = PartBarcode.select(PartBarcode.part).where(PartBarcode.code == code).tuples().first()
        if owner and owner[0] == part_id:
            return code
        if owner:
            raise ValidationError({"barcodes": _("Barcode {code} already belongs to {part}. Remove it there "
                                                 "first, or check the label.").format(
                code=code, part=_describe_part(owner[0]))})
        codes = [c for (c,) in PartBarcode.select(PartBarcode.code).where(PartBarcode.part == part_id).tuples()]
        if len(codes) >= BARCODES_MAX:
            raise ValidationError({"barcodes": _("A part has at most {most} barcodes.").format(most=BARCODES_MAX)})
        PartBarcode.create(part=part_id, code=code, symbology=symbology)
        Part.update(updated_at=now()).where(Part.id == part_id).execute()
        audit.record("part.update", actor=actor, object_type="part", object_id=part_id,
                     old={"barcodes": codes}, new={"barcodes": [*codes, code]})
        refresh_search_text([part_id])
    return code
