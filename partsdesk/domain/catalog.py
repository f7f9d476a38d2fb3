"""What a catalogue part is: its fields, their rules, the standard categories.

``clean_part`` is the one place a part's values are checked — the part editor, the importer
and the demo all go through it — so a value the editor refuses is refused by the importer
with the same message.
"""

from __future__ import annotations

from collections.abc import Mapping

from partsdesk.domain.errors import ValidationError
from partsdesk.domain.fields import CLEANERS, FieldSpec, is_blank
from partsdesk.domain.part_numbers import NUMBER_MAX, normalize_number
from partsdesk.i18n import N_, _

GRADES: tuple[str, ...] = ("OE", "OEM", "AFTERMARKET")
GRADE_LABELS = {"OE": N_("OE (original equipment)"), "OEM": N_("OEM (original maker)"),
                "AFTERMARKET": N_("Aftermarket")}

# unit code -> (English label, Chinese label)
UNITS: dict[str, tuple[str, str]] = {
    "pcs": ("piece", "件"),
    "set": ("set", "套"),
    "pair": ("pair", "对"),
    "L": ("litre", "升"),
    "m": ("metre", "米"),
    "kg": ("kilogram", "千克"),
}

# The handbook's seven categories with their usual sub-categories: (code, English, Chinese).
STANDARD_CATEGORIES: tuple[tuple[str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("engine", "Engine", "发动机", (
        ("engine.filters", "Filters", "滤清器"),
        ("engine.ignition", "Ignition", "点火系统"),
        ("engine.belts", "Belts and chains", "皮带与正时"),
        ("engine.cooling", "Cooling", "冷却系统"),
        ("engine.gaskets", "Gaskets and seals", "密封垫"),
        ("engine.fuel", "Fuel system", "燃油系统"),
        ("engine.oil", "Oils and fluids", "油液"),
    )),
    ("transmission", "Transmission", "变速箱", (
        ("transmission.clutch", "Clutch", "离合器"),
        ("transmission.gearbox", "Gearbox parts", "变速箱配件"),
        ("transmission.driveshaft", "Drive shafts and CV joints", "传动轴"),
    )),
    ("brakes", "Brakes", "制动系统", (
        ("brakes.pads", "Brake pads", "刹车片"),
        ("brakes.discs", "Brake discs", "刹车盘"),
        ("brakes.calipers", "Calipers", "制动钳"),
        ("brakes.hydraulics", "Brake hoses and fluid", "制动管路与制动液"),
    )),
    ("suspension", "Suspension", "悬挂系统", (
        ("suspension.shocks", "Shock absorbers", "减震器"),
        ("suspension.arms", "Control arms and joints", "摆臂与球头"),
        ("suspension.springs", "Springs", "弹簧"),
        ("suspension.steering", "Steering", "转向系统"),
        ("suspension.bearings", "Wheel bearings", "轮毂轴承"),
    )),
    ("tyres", "Tyres and wheels", "轮胎与轮毂", (
        ("tyres.tyres", "Tyres", "轮胎"),
        ("tyres.wheels", "Wheels", "轮毂"),
        ("tyres.valves", "Valves and TPMS", "气门嘴与胎压"),
    )),
    ("electrical", "Electrical", "电气系统", (
        ("electrical.batteries", "Batteries", "蓄电池"),
        ("electrical.lighting", "Lighting", "灯具"),
        ("electrical.starting", "Starters and alternators", "起动机与发电机"),
        ("electrical.sensors", "Sensors", "传感器"),
        ("electrical.wipers", "Wipers", "雨刮"),
    )),
    ("body", "Body and accessories", "车身与附件", (
        ("body.mirrors", "Mirrors", "后视镜"),
        ("body.panels", "Body panels", "车身钣金"),
        ("body.accessories", "Accessories", "汽车用品"),
        ("body.care", "Car care", "养护用品"),
    )),
)

NOTES_MAX = 2000
BIN_MAX = 20


PART_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("number", N_("Part number"), "text", required=True, max_length=NUMBER_MAX),
    FieldSpec("brand", N_("Brand"), "text", required=True, max_length=60),
    FieldSpec("name_en", N_("Description"), "text", required=True),
    FieldSpec("name_zh", N_("Chinese name"), "text"),
    FieldSpec("category", N_("Category"), "choice", required=True),
    FieldSpec("grade", N_("Quality grade"), "choice", default="AFTERMARKET"),
    FieldSpec("unit", N_("Unit"), "choice", default="pcs"),
    FieldSpec("bin", N_("Bin location"), "text", max_length=BIN_MAX),
    FieldSpec("cost", N_("Cost price"), "money", default=0),
    FieldSpec("price_retail", N_("Retail price"), "money", required=True),
    FieldSpec("price_trade", N_("Trade price"), "money"),
    FieldSpec("price_wholesale", N_("Wholesale price"), "money"),
    FieldSpec("tax_rate", N_("Tax rate"), "bp"),
    FieldSpec("min_qty", N_("Minimum stock"), "qty", default=0),
    FieldSpec("max_qty", N_("Maximum stock"), "qty", default=0),
    FieldSpec("supplier", N_("Preferred supplier"), "text", max_length=80),
    FieldSpec("core_charge", N_("Core charge"), "money", default=0),
    FieldSpec("warranty_months", N_("Warranty (months)"), "int", default=0),
    FieldSpec("warranty_km", N_("Warranty (km)"), "int", default=0),
    FieldSpec("notes", N_("Notes"), "text", max_length=NOTES_MAX, multiline=True),
    FieldSpec("active", N_("Active"), "bool", default=True),
)
PART_FIELDS_BY_NAME = {spec.name: spec for spec in PART_FIELDS}
PRICE_FIELDS = ("price_retail", "price_trade", "price_wholesale")



def category_lookup() -> dict[str, str]:
    """Every way a category may be written (code, English or Chinese name; any case) -> code."""
    lookup: dict[str, str] = {}
    codes: dict[str, str] = {}
    for code, name_en, name_zh, subs in STANDARD_CATEGORIES:
        codes[code] = code
        for key in (name_en, name_zh):
            lookup[key.casefold()] = code
        for sub_code, sub_en, sub_zh in subs:
            codes[sub_code] = sub_code
            for key in (sub_en, sub_zh):
                lookup[key.casefold()] = sub_code
    lookup.update(codes)  # a code always means itself, even where a name reads the same ("Tyres")
    return lookup


_CATEGORIES = category_lookup()


def _clean_choice(spec: FieldSpec, value: object) -> str:
    text = str(value).strip()
    if spec.name == "category":
        code = _CATEGORIES.get(text.casefold())
        if code is None:
            raise ValidationError({spec.name: _("Category {category!r} is unknown; pick one of the shop's categories.").format(
                category=text[:40])})
        return code
    if spec.name == "grade":
        grade = text.upper().replace(" ", "").replace("-", "")
        if grade not in GRADES:
            raise ValidationError({spec.name: _("Quality grade is one of {grades}.").format(grades=", ".join(GRADES))})
        return grade
    if spec.name == "unit":
        for code, (english, chinese) in UNITS.items():
            if text.casefold() in (code.casefold(), english, english + "s", chinese):
                return code
        raise ValidationError({spec.name: _("Unit is one of {units}.").format(units=", ".join(UNITS))})
    raise AssertionError(spec.name)


# Per field: its spec, the key of its clean value, and its cleaner (called with the currency's exponent).
_CLEANERS = {**CLEANERS, "choice": lambda spec, value, exponent: _clean_choice(spec, value)}
_PLAN = tuple((spec, "tax_rate_bp" if spec.kind == "bp" else spec.name, _CLEANERS[spec.kind]) for spec in PART_FIELDS)
_FILLED_LATER = frozenset(("price_trade", "price_wholesale"))  # from the retail price, below


def clean_part(raw: Mapping[str, object], *, exponent: int = 2,
               default_tax_bp: int = 1300) -> tuple[dict[str, object], dict[str, str]]:
    """Check a part's values as typed or imported; returns (clean values, problems by field).

    Clean values use the stored units: money in minor units, quantities in thousandths,
    the tax rate in basis points, ``number_norm`` added. When ``problems`` is not empty the
    values must not be saved.
    """
    clean: dict[str, object] = {}
    problems: dict[str, str] = {}
    get = raw.get
    for spec, key, cleaner in _PLAN:
        value = get(spec.name)
        if is_blank(value):
            if spec.required:
                problems[spec.name] = _("{label} is required.").format(label=_(spec.label))
                continue
            if spec.name in _FILLED_LATER:
                continue
            if key == "tax_rate_bp":
                clean[key] = default_tax_bp
                continue
            value = spec.default
        try:
            clean[key] = cleaner(spec, value, exponent)
        except ValidationError as error:
            problems.update(error.problems)
    unknown = raw.keys() - PART_FIELDS_BY_NAME.keys()
    if unknown:
        problems["_unknown"] = _("Unknown field(s): {fields}.").format(fields=", ".join(sorted(unknown)))
    if "number" in clean:
        clean["number_norm"] = normalize_number(str(clean["number"]))
        if not clean["number_norm"]:
            problems["number"] = _("The part number needs at least one letter or digit.")
    retail = clean.get("price_retail")
    if isinstance(retail, int):
        if retail == 0:
            problems["price_retail"] = _("Retail price cannot be 0: a part sold for nothing is a typing mistake.")
        clean.setdefault("price_trade", retail)
        clean.setdefault("price_wholesale", clean["price_trade"])
        for name in ("price_trade", "price_wholesale"):
            if isinstance(clean.get(name), int) and clean[name] > retail and name not in problems:
                problems[name] = _("{label} is above the retail price.").format(
                    label=_(PART_FIELDS_BY_NAME[name].label))
    if (isinstance(clean.get("max_qty"), int) and clean["max_qty"] and isinstance(clean.get("min_qty"), int)
            and clean["min_qty"] > clean["max_qty"]):
        problems["max_qty"] = _("Maximum stock is below minimum stock.")
    return clean, problems
