"""A customer's vehicle as the shop writes it down: the VIN and the number plate.

A VIN (ISO 3779) has 17 characters, letters and digits without I, O and Q (they read as 1 and 0).
The 9th character is a check digit computed from the others; North America and China make it
mandatory, so there a wrong check digit is a typing mistake and the VIN is refused. Elsewhere
(Europe in particular) makers may put anything there, so a mismatch is only a warning.

Decoding is offline: the first characters (the WMI) name the region, often the maker; the 10th
character is the model year, which repeats every 30 years (see ``model_year``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from partsdesk.domain.errors import ValidationError
from partsdesk.i18n import N_, _

VIN_LENGTH = 17
_FORBIDDEN = "IOQ"
# ISO 3779 transliteration of letters for the check digit (digits count as themselves).
_VALUES = {**{str(d): d for d in range(10)},
           **dict(zip("ABCDEFGH", range(1, 9), strict=True)), **dict(zip("JKLMN", range(1, 6), strict=True)),
           "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# The 10th character, year by year from 1980 (and again from 2010): no I, O, Q, U, Z or 0.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
# Regions whose law makes the check digit mandatory: North America (1-5) and China (L).
_CHECK_DIGIT_REGIONS = frozenset("12345L")

# First character of the VIN -> region (ISO 3780).
_REGIONS = (("ABCDEFGH", N_("Africa")), ("JKLMNPR", N_("Asia")), ("STUVWXYZ", N_("Europe")),
            ("12345", N_("North America")), ("67", N_("Oceania")), ("89", N_("South America")))

# World manufacturer identifiers of the makes a shop sees most: 3 characters, else 2.
# WMI -> (make, Chinese make), the make written as the fitment vehicle list writes it.
_MAKERS: dict[str, tuple[str, str]] = {
    # made in China
    "LSV": ("Volkswagen", "大众"), "LFV": ("Volkswagen", "大众"), "LSG": ("Buick", "别克"),
    "LVS": ("Ford", "福特"), "LVG": ("Toyota", "丰田"), "LFM": ("Toyota", "丰田"), "LTV": ("Toyota", "丰田"),
    "LHG": ("Honda", "本田"), "LVH": ("Honda", "本田"), "LGB": ("Nissan", "日产"), "LBV": ("BMW", "宝马"),
    "LE4": ("Mercedes-Benz", "奔驰"), "LFP": ("Hongqi", "红旗"), "LGX": ("BYD", "比亚迪"), "LC0": ("BYD", "比亚迪"),
    "LB3": ("Geely", "吉利"), "L6T": ("Geely", "吉利"), "LVV": ("Chery", "奇瑞"), "LGW": ("Haval", "哈弗"),
    "LS5": ("Changan", "长安"), "LJD": ("Kia", "起亚"), "LBE": ("Hyundai", "现代"), "LZW": ("Wuling", "五菱"),
    "LRW": ("Tesla", "特斯拉"), "LVR": ("Mazda", "马自达"), "LSJ": ("MG", "名爵"), "LFB": ("Audi", "奥迪"),
    # Europe
    "WVW": ("Volkswagen", "大众"), "WV1": ("Volkswagen", "大众"), "WV2": ("Volkswagen", "大众"),
    "WAU": ("Audi", "奥迪"), "WBA": ("BMW", "宝马"), "WBS": ("BMW", "宝马"), "WDD": ("Mercedes-Benz", "奔驰"),
    "WDB": ("Mercedes-Benz", "奔驰"), "W1K": ("Mercedes-Benz", "奔驰"), "WP0": ("Porsche", "保时捷"),
    "W0L": ("Opel", "欧宝"), "VF1": ("Renault", "雷诺"), "VF3": ("Peugeot", "标致"), "VF7": ("Citroën", "雪铁龙"),
    "ZFA": ("Fiat", "菲亚特"), "SAL": ("Land Rover", "路虎"), "SAJ": ("Jaguar", "捷豹"), "YV1": ("Volvo", "沃尔沃"),
    "TMB": ("Skoda", "斯柯达"), "VSS": ("SEAT", "西雅特"),
    # Japan and Korea
    "JT": ("Toyota", "丰田"), "JHM": ("Honda", "本田"), "JN1": ("Nissan", "日产"), "JM1": ("Mazda", "马自达"),
    "JF1": ("Subaru", "斯巴鲁"), "JA3": ("Mitsubishi", "三菱"), "JA4": ("Mitsubishi", "三菱"), "JS": ("Suzuki", "铃木"),
    "KMH": ("Hyundai", "现代"), "KNA": ("Kia", "起亚"), "KND": ("Kia", "起亚"),
    # North America
    "1G1": ("Chevrolet", "雪佛兰"), "1FA": ("Ford", "福特"), "1FT": ("Ford", "福特"), "1HG": ("Honda", "本田"),
    "2T1": ("Toyota", "丰田"), "4T1": ("Toyota", "丰田"), "3VW": ("Volkswagen", "大众"), "5YJ": ("Tesla", "特斯拉"),
    "1N4": ("Nissan", "日产"), "5NP": ("Hyundai", "现代"),
}


@dataclass(frozen=True)
class VinInfo:
    """A checked VIN and what it tells offline. ``warnings`` are worth showing, not blocking."""

    vin: str
    region: str
    make: str  # "" when the maker code is not in the list
    make_zh: str
    model_year: int | None
    check_digit_ok: bool
    warnings: tuple[str, ...]


def normalize_vin(text: str) -> str:
    """Upper-case, full-width to normal width, spaces and dashes removed."""
    text = unicodedata.normalize("NFKC", text).upper()
    return "".join(ch for ch in text if ch not in " -.\t")


def vin_check_digit(vin: str) -> str:
    """The check digit (``"0"``–``"9"`` or ``"X"``) of a 17-character VIN of allowed characters."""
    remainder = sum(_VALUES[ch] * weight for ch, weight in zip(vin, _WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def region(vin: str) -> str:
    first = vin[:1]
    return next((_(name) for letters, name in _REGIONS if first in letters), _("unknown region"))


def maker(vin: str) -> tuple[str, str]:
    """(make, Chinese make) from the VIN's maker code, or ("", "") when it is not in the list."""
    return _MAKERS.get(vin[:3]) or _MAKERS.get(vin[:2]) or ("", "")


def model_year(vin: str, *, current_year: int) -> int | None:
    """The model year of the 10th character, or None when it is not a year code.

    The code repeats every 30 years (A is 1980 and 2010). North American passenger cars say
    which cycle with the 7th character (a digit before 2010, a letter from 2010); elsewhere the
    later year is taken unless it lies more than a year in the future.
    """
    index = _YEAR_CODES.find(vin[9:10])
    if index < 0:
        return None
    older, newer = 1980 + index, 2010 + index
    if vin[:1] in "12345" and vin[6:7]:
        return older if vin[6].isdigit() else newer
    return newer if newer <= current_year + 1 else older


def check_vin(text: str, *, current_year: int) -> VinInfo:
    """Check and decode a VIN as typed or scanned; raises ``ValidationError`` on the ``vin`` field."""
    vin = normalize_vin(text)
    if len(vin) != VIN_LENGTH:
        raise ValidationError({"vin": _("A VIN has {length} characters; {vin!r} has {count}.").format(
            length=VIN_LENGTH, vin=vin[:20], count=len(vin))})
    forbidden = sorted({ch for ch in vin if ch in _FORBIDDEN})
    if forbidden:
        raise ValidationError({"vin": _("A VIN never contains {letters} (I, O and Q are not used: "
                                        "read them as 1 and 0).").format(letters=", ".join(forbidden))})
    if not all(ch in _VALUES for ch in vin):
        raise ValidationError({"vin": _("A VIN has only letters A–Z and digits.")})
    expected = vin_check_digit(vin)
    check_ok = vin[8] == expected
    warnings: list[str] = []
    if not check_ok:
        if vin[0] in _CHECK_DIGIT_REGIONS:
            raise ValidationError({"vin": _("The VIN's check digit (9th character) should be {expected}, not "
                                            "{given}: a character may be mistyped.").format(expected=expected,
                                                                                             given=vin[8])})
        warnings.append(_("The VIN's check digit (9th character) should be {expected}, not {given}: a character "
                          "may be mistyped. Vehicles made for Europe may not use a check digit; check it against "
                          "the car.").format(expected=expected, given=vin[8]))
    year = model_year(vin, current_year=current_year)
    if year is None:
        warnings.append(_("The 10th character {character!r} is not a model year code.").format(character=vin[9]))
    make, make_zh = maker(vin)
    return VinInfo(vin, region(vin), make, make_zh, year, check_ok, tuple(warnings))


def normalize_plate(text: str) -> str:
    """A number plate as searched: upper-case, normal width, without spaces, dots, dashes and the
    middle dot of Chinese plates ("粤B·12345", "粤b 12345" -> "粤B12345")."""
    text = unicodedata.normalize("NFKC", text).upper()
    return "".join(ch for ch in text if ch.isalnum())
