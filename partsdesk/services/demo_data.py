"""The word lists the demo shop and the benchmark shop are generated from.

Plain data only: brands with their quality grade and the way each prints its part numbers,
vehicle models sold in China (and worldwide) with their Chinese names, years and engines, and
product templates per sub-category with English and Chinese names.

Number patterns: ``#`` is a digit, ``@`` an upper-case letter (no I or O, as makers avoid
them), ``{A|B|C}`` one of the choices; anything else is printed as it is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BrandSpec:
    name: str
    name_zh: str
    grade: str  # OE (car maker's genuine part), OEM (original-equipment maker), AFTERMARKET
    gs1: str  # GS1 prefix of the country the brand labels in (3 digits); "" = UPC-A (US/Canada)
    patterns: tuple[str, ...]  # used in turn as each fills up
    price_factor: float = 1.0
    weight: int = 10
    supplier: str = ""
    genuine_for: tuple[str, ...] = ()  # makes whose genuine parts this brand sells


@dataclass(frozen=True)
class ModelSpec:
    make: str
    model: str
    model_zh: str
    year_from: int
    year_to: int | None
    engines: tuple[str, ...]
    family: str  # platform: parts often fit every model of one family
    weight: int = 10


@dataclass(frozen=True)
class Template:
    sub: str  # sub-category code of domain.catalog.STANDARD_CATEGORIES
    name_en: str
    name_zh: str
    unit: str
    cost: tuple[int, int]  # cost range in minor units per unit
    brands: tuple[str, ...]
    variants: tuple[tuple[str, str], ...] = (("", ""),)  # (English, Chinese) added to the name
    positions: tuple[str, ...] = ("",)
    stock: tuple[int, int] = (0, 12)  # whole units on hand at opening
    genuine: bool = True  # the car maker's own dealer sells it too
    core_charge: int = 0
    warranty_months: int = 0
    warranty_km: int = 0
    weight: int = 10


SUPPLIERS: tuple[tuple[str, str, str], ...] = (  # name, phone, e-mail
    ("广州骏达汽配有限公司 Guangzhou Junda Auto Parts", "020-8666 1234", "sales@junda-parts.cn"),
    ("上海博世汽车配件经销 Shanghai Bosch Distribution", "021-5080 2200", "order@sh-bosch-dist.cn"),
    ("北京华联汽配城 Beijing Hualian Parts Mall", "010-6758 3321", "hualian@parts-mall.cn"),
    ("成都蓉通汽车零部件 Chengdu Rongtong Auto Components", "028-8533 7788", "rongtong@cd-parts.cn"),
    ("杭州万向营销 Wanxiang Sales Hangzhou", "0571-8283 1111", "sales@wanxiang-parts.cn"),
    ("山东玲珑轮胎经销 Linglong Tyre Dealer Shandong", "0535-8242 999", "dealer@linglong-tyre.cn"),
    ("深圳润滑油批发 Shenzhen Lubricants Wholesale", "0755-2660 4545", "oil@sz-lube.cn"),
    ("武汉三环汽配 Wuhan Sanhuan Parts", "027-8479 2020", "parts@sanhuan-wh.cn"),
    ("德系进口配件 German Import Parts Co.", "021-6288 9090", "import@de-parts.cn"),
    ("日系汽配中心 Japan Auto Parts Centre", "020-3838 5151", "jp@jparts-centre.cn"),
    ("一汽-大众授权经销商 FAW-VW Authorised Dealer", "0431-8599 0000", "parts@faw-vw-dealer.cn"),
    ("广汽丰田本田配件中心 GAC Toyota Honda Parts Centre", "020-8238 6666", "parts@gac-dealer.cn"),
)

_DE, _CN_SUP, _JP, _OIL = SUPPLIERS[8][0], SUPPLIERS[0][0], SUPPLIERS[9][0], SUPPLIERS[6][0]

BRANDS: tuple[BrandSpec, ...] = (
    # genuine parts of the car makers
    BrandSpec("VW Genuine", "大众原厂", "OE", "400", ("{1K0|5Q0|3C0|5C0|L5Q|04E|06J|03C} ### ### {|A|B|C|D}",),
              1.6, 8, SUPPLIERS[10][0], ("Volkswagen", "Audi", "Skoda")),
    BrandSpec("Toyota Genuine", "丰田原厂", "OE", "450", ("#####-#####",), 1.6, 8, SUPPLIERS[11][0], ("Toyota",)),
    BrandSpec("Honda Genuine", "本田原厂", "OE", "450", ("#####-@##-@##",), 1.6, 6, SUPPLIERS[11][0], ("Honda",)),
    # original-equipment makers
    BrandSpec("Bosch", "博世", "OEM", "404", ("0 986 ### ###", "F 026 ### ###", "1 987 ### ###"), 1.0, 30,
              SUPPLIERS[1][0]),
    BrandSpec("Denso", "电装", "OEM", "490", ("###-####", "DCP#####"), 1.05, 14, _JP),
    BrandSpec("Valeo", "法雷奥", "OEM", "376", ("######", "@######"), 1.0, 14, _DE),
    BrandSpec("Mann-Filter", "曼牌", "OEM", "401", ("{W|HU|C|CU|CUK|WK|H} ###/##", "{W|HU|C|CU|CUK|WK|H} ####/#"),
              1.0, 16, _DE),
    BrandSpec("Mahle", "马勒", "OEM", "400", ("{OC|OX|LX|LA|KL|KX} ####{|D|/1|/2}", "{OC|OX|LX|LA|KL|KX} #####"),
              1.0, 10, _DE),
    BrandSpec("NGK", "NGK", "OEM", "490", ("{B|BK|BKR|BPR|DCPR|IFR|ILZKR|LKR|LFR|ZFR}#{E|EIX|EYA|EGP|E-11|EIX-11|HIX}",
                                           "OZA###-{V|E|AD|EE}##", "{U|UB|U2}####"), 1.0, 10, _JP),
    BrandSpec("Brembo", "布雷博", "OEM", "800", ("P ## ###", "09.@###.##", "P ## ###{|X|N}"), 1.35, 12, _DE),
    BrandSpec("TRW", "天合", "OEM", "400", ("GDB####", "DF####", "JTE####", "PHD####", "BHS####", "JBJ####"), 0.95, 16,
              _DE),
    BrandSpec("Sachs", "萨克斯", "OEM", "400", ("### ### ###", "3000 ### ###"), 1.05, 10, _DE),
    BrandSpec("Gates", "盖茨", "OEM", "541", ("K0#####", "#PK####", "KP#####{|XS}", "T4####"), 1.0, 10, _CN_SUP),
    BrandSpec("Continental", "大陆", "OEM", "400", ("CT####{|K1|K2}", "#PK####", "A2C########"), 1.05, 10, _DE),
    BrandSpec("KYB", "凯亚巴", "OEM", "490", ("######", "KYB######", "SM####"), 1.0, 10, _JP),
    BrandSpec("Monroe", "门罗", "OEM", "", ("G####", "E####", "MK###", "7####"), 0.95, 8, _CN_SUP),
    BrandSpec("SKF", "斯凯孚", "OEM", "731", ("VKBA ####", "VKMA #####", "VKPC #####", "VKJA ####"), 1.0, 12, _DE),
    BrandSpec("Hella", "海拉", "OEM", "400", ("1@@ ### ###-###", "6PU ### ###-###", "8GB ### ###-###"), 1.0, 10, _DE),
    BrandSpec("ZF Lemforder", "采埃孚伦福德", "OEM", "400", ("## ### ##", "### ### ## ##"), 1.05, 10, _DE),
    BrandSpec("LuK", "卢克", "OEM", "400", ("6## #### ##", "5## #### ##"), 1.05, 6, _DE),
    BrandSpec("INA", "依纳", "OEM", "400", ("53# #### ##", "5## #### ##", "7## #### ##"), 1.0, 8, _DE),
    BrandSpec("ATE", "ATE", "OEM", "400", ("13.####-####.#", "24.####-####.#", "03.9901-####.#"), 1.0, 10, _DE),
    BrandSpec("Aisin", "爱信", "OEM", "490", ("WP@-###", "CK@-###", "BP@-###@"), 1.0, 8, _JP),
    BrandSpec("Bilstein", "倍适登", "OEM", "400", ("22-######", "19-######", "24-######"), 1.4, 6, _DE),
    BrandSpec("FAG", "FAG", "OEM", "400", ("713 #### ##", "#### ####"), 1.0, 6, _DE),
    BrandSpec("NSK", "恩斯克", "OEM", "490", ("##BWD##", "##BWKH##", "ZA-##BWD##"), 1.0, 6, _JP),
    BrandSpec("Delphi", "德尔福", "OEM", "", ("FG####-##B#", "LP####", "SS#####"), 0.95, 8, _CN_SUP),
    BrandSpec("GKN", "吉凯恩", "OEM", "400", ("######", "L#####"), 1.1, 6, _DE),
    BrandSpec("Philips", "飞利浦", "OEM", "871", ("12972{PR|XV|LL|WV}C1", "12342{PR|XV|LL}B1", "#####{|B1|C1}"), 1.0, 8,
              _CN_SUP),
    BrandSpec("Osram", "欧司朗", "OEM", "405", ("64210{|NBS|NL|ULT}", "64193{|NBS|NL|ULT}", "66###{|CBN|XNB}"), 1.0, 6,
              _CN_SUP),
    BrandSpec("Varta", "瓦尔塔", "OEM", "404", ("5## ### ###", "6## ### ###"), 1.0, 6, _DE),
    BrandSpec("Michelin", "米其林", "OEM", "352", ("MI#####", "MICH#####"), 1.25, 10, SUPPLIERS[5][0]),
    BrandSpec("Bridgestone", "普利司通", "OEM", "490", ("BS#####", "PSR#####"), 1.15, 8, SUPPLIERS[5][0]),
    BrandSpec("Pirelli", "倍耐力", "OEM", "800", ("#######", "P######"), 1.2, 6, SUPPLIERS[5][0]),
    BrandSpec("Castrol", "嘉实多", "OEM", "501", ("EDGE-####", "MAG-####", "GTX-####", "CAS######"), 1.0, 10, _OIL),
    BrandSpec("Mobil", "美孚", "OEM", "", ("MOB-######", "M1-####-##"), 1.0, 10, _OIL),
    BrandSpec("Shell", "壳牌", "OEM", "871", ("550######", "HX#-####"), 1.0, 10, _OIL),
    # aftermarket
    BrandSpec("Febi", "菲比", "AFTERMARKET", "404", ("#####", "1#####"), 0.8, 14, _DE),
    BrandSpec("Elring", "爱尔铃", "AFTERMARKET", "401", ("###.###", "###.##@"), 0.85, 6, _DE),
    BrandSpec("Victor Reinz", "威格", "AFTERMARKET", "400", ("71-#####-##", "61-#####-##", "15-#####-##"), 0.85, 6,
              _DE),
    BrandSpec("Textar", "泰明顿", "AFTERMARKET", "400", ("2####{01|02|03}", "92######"), 0.9, 8, _DE),
    BrandSpec("3M", "3M", "AFTERMARKET", "", ("PN#####", "#####-@"), 0.9, 6, _CN_SUP),
    BrandSpec("Turtle Wax", "龟牌", "AFTERMARKET", "", ("T-###{|R|R1}", "G-####"), 0.8, 6, _CN_SUP),
    BrandSpec("Depo", "帝宝", "AFTERMARKET", "471", ("###-####{|-L|-R}-@@", "4##-####{|L|R}-@D"), 0.6, 8, _CN_SUP),
    BrandSpec("Schrader", "舒瑞德", "AFTERMARKET", "", ("3####", "EZ-###"), 0.9, 4, _CN_SUP),
    BrandSpec("Sanhuan", "三环", "AFTERMARKET", "690", ("SH-####-##", "SHZ####@"), 0.55, 12, SUPPLIERS[7][0]),
    BrandSpec("Wanxiang", "万向", "AFTERMARKET", "690", ("WX-####-###", "WXQ####@"), 0.55, 12, SUPPLIERS[4][0]),
    BrandSpec("Jinqilin", "金麒麟", "AFTERMARKET", "692", ("GF####", "JQL####@"), 0.5, 12, _CN_SUP),
    BrandSpec("Torch", "火炬", "AFTERMARKET", "692", ("{K|KR|DK|LD}#{RTC|RTI|RTIP|TC}", "T####{|IP}"), 0.45, 6, _CN_SUP),
    BrandSpec("Camel", "骆驼", "AFTERMARKET", "693", ("{55|60|70|80}-#L-###", "6-QW-##-###"), 0.7, 6, _CN_SUP),
    BrandSpec("Sail", "风帆", "AFTERMARKET", "693", ("6-QW-##{|A|B}-###", "L#-###-##"), 0.65, 6, _CN_SUP),
    BrandSpec("Linglong", "玲珑", "AFTERMARKET", "690", ("LL######", "221######"), 0.55, 10, SUPPLIERS[5][0]),
    BrandSpec("Aeolus", "风神", "AFTERMARKET", "692", ("AE######", "AH##-#####"), 0.5, 8, SUPPLIERS[5][0]),
    BrandSpec("Triangle", "三角", "AFTERMARKET", "693", ("TR######", "TE###-#####"), 0.5, 8, SUPPLIERS[5][0]),
    BrandSpec("Great Wall Lubricants", "长城润滑油", "AFTERMARKET", "692", ("GW-####-#", "SOP####"), 0.7, 8, _OIL),
    BrandSpec("Kunlun", "昆仑", "AFTERMARKET", "692", ("KL-####-#", "KLT#####"), 0.65, 6, _OIL),
    BrandSpec("Fuyao", "福耀", "AFTERMARKET", "690", ("FY####{@@|@@@}", "FYG#####"), 0.75, 6, _CN_SUP),
)

# make -> (Chinese name, pattern of its OE numbers)
MAKES: dict[str, tuple[str, str]] = {
    "Volkswagen": ("大众", "{1K0|5Q0|3C0|5C0|L5Q|04E|06J|03C|5G0|L1K} ### ### {|A|B|C|D}"),
    "Audi": ("奥迪", "{8K0|8W0|4G0|4M0|06L|8R0} ### ### {|A|B|C}"),
    "Skoda": ("斯柯达", "{5E0|5JA|3V0|1Z0} ### ### {|A|B}"),
    "Toyota": ("丰田", "#####-#####"),
    "Honda": ("本田", "#####-@##-@##"),
    "Nissan": ("日产", "#####-##@#@"),
    "Mazda": ("马自达", "@@@@-##-###"),
    "Buick": ("别克", "########"),
    "Chevrolet": ("雪佛兰", "########"),
    "Cadillac": ("凯迪拉克", "########"),
    "Hyundai": ("现代", "#####-@@###"),
    "Kia": ("起亚", "#####-@@###"),
    "Ford": ("福特", "@@##-#@###-@@"),
    "BMW": ("宝马", "## ## # ### ###"),
    "Mercedes-Benz": ("奔驰", "A ### ### ## ##"),
    "Peugeot": ("标致", "#### @#"),
    "Citroen": ("雪铁龙", "#### @#"),
    "BYD": ("比亚迪", "@@@-#######"),
    "Geely": ("吉利", "##########"),
    "Haval": ("哈弗", "####@##@@@##@"),
    "Changan": ("长安", "S###-########"),
    "Chery": ("奇瑞", "@##-#######"),
    "Wuling": ("五菱", "########"),
    "Tesla": ("特斯拉", "#######-##-@"),
    "Volvo": ("沃尔沃", "########"),
    "Land Rover": ("路虎", "@@@######"),
}

_MQB = ("1.2T EA211", "1.4T EA211", "1.5L EA211", "1.6L EA211", "2.0T EA888")
MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("Volkswagen", "Lavida", "朗逸", 2008, None, ("1.2T EA211", "1.4T EA211", "1.5L EA211", "1.6L EA211"),
              "vw-mqb", 40),
    ModelSpec("Volkswagen", "Sagitar", "速腾", 2006, None, _MQB, "vw-mqb", 30),
    ModelSpec("Volkswagen", "Bora", "宝来", 2008, None, ("1.4T EA211", "1.5L EA211", "1.6L EA211"), "vw-mqb", 25),
    ModelSpec("Volkswagen", "Golf", "高尔夫", 2004, None, ("1.2T EA211", "1.4T EA211", "1.6L EA211", "2.0T EA888"),
              "vw-mqb", 20),
    ModelSpec("Volkswagen", "Jetta", "捷达", 2004, 2019, ("1.4L EA111", "1.5L EA211", "1.6L EA211"), "vw-pq", 20),
    ModelSpec("Volkswagen", "Santana", "桑塔纳", 2013, 2022, ("1.4L EA211", "1.5L EA211", "1.6L EA211"), "vw-pq", 15),
    ModelSpec("Volkswagen", "Polo", "波罗", 2006, 2023, ("1.4L EA111", "1.5L EA211", "1.6L EA211"), "vw-pq", 10),
    ModelSpec("Volkswagen", "Passat", "帕萨特", 2011, None, ("1.4T EA211", "2.0T EA888", "3.0L V6"), "vw-mqb", 25),
    ModelSpec("Volkswagen", "Magotan", "迈腾", 2007, None, ("1.4T EA211", "1.8T EA888", "2.0T EA888"), "vw-mqb", 25),
    ModelSpec("Volkswagen", "Tiguan L", "途观L", 2017, None, ("1.4T EA211", "2.0T EA888"), "vw-mqb", 20),
    ModelSpec("Volkswagen", "Tayron", "探岳", 2018, None, ("1.4T EA211", "2.0T EA888"), "vw-mqb", 12),
    ModelSpec("Volkswagen", "T-Roc", "探歌", 2018, None, ("1.2T EA211", "1.4T EA211"), "vw-mqb", 8),
    ModelSpec("Volkswagen", "Touran", "途安", 2004, None, ("1.4T EA211", "1.6L EA211"), "vw-mqb", 6),
    ModelSpec("Volkswagen", "ID.4", "ID.4", 2021, None, ("EV 150 kW",), "vw-meb", 5),
    ModelSpec("Audi", "A4L", "A4L", 2009, None, ("2.0T EA888", "1.8T EA888"), "audi-mlb", 15),
    ModelSpec("Audi", "A6L", "A6L", 2005, None, ("2.0T EA888", "3.0T V6"), "audi-mlb", 12),
    ModelSpec("Audi", "Q5L", "Q5L", 2018, None, ("2.0T EA888",), "audi-mlb", 10),
    ModelSpec("Audi", "A3", "A3", 2014, None, ("1.4T EA211", "1.5T EA211"), "vw-mqb", 8),
    ModelSpec("Skoda", "Octavia", "明锐", 2007, 2023, ("1.2T EA211", "1.4T EA211", "1.5L EA211"), "vw-mqb", 10),
    ModelSpec("Skoda", "Superb", "速派", 2009, 2023, ("1.4T EA211", "2.0T EA888"), "vw-mqb", 5),
    ModelSpec("Toyota", "Corolla", "卡罗拉", 2007, None, ("1.2T 9NR", "1.6L 1ZR", "1.8L 2ZR", "1.8L Hybrid"),
              "toyota-tnga-c", 35),
    ModelSpec("Toyota", "Levin", "雷凌", 2014, None, ("1.2T 9NR", "1.5L M15A", "1.8L Hybrid"), "toyota-tnga-c", 20),
    ModelSpec("Toyota", "Camry", "凯美瑞", 2006, None, ("2.0L 6AR", "2.5L 2AR", "2.5L A25A", "2.5L Hybrid"),
              "toyota-tnga-k", 30),
    ModelSpec("Toyota", "RAV4", "荣放", 2009, None, ("2.0L M20A", "2.5L A25A", "2.5L Hybrid"), "toyota-tnga-k", 20),
    ModelSpec("Toyota", "Highlander", "汉兰达", 2009, None, ("2.0T 8AR", "2.5L Hybrid", "3.5L 2GR"), "toyota-tnga-k",
              10),
    ModelSpec("Toyota", "Yaris", "威驰", 2008, 2022, ("1.3L 2NZ", "1.5L 7NR"), "toyota-small", 10),
    ModelSpec("Toyota", "Prado", "普拉多", 2010, None, ("2.7L 2TR", "4.0L 1GR"), "toyota-body", 6),
    ModelSpec("Toyota", "Crown", "皇冠", 2005, 2020, ("2.0T 8AR", "2.5L 5GR"), "toyota-tnga-k", 4),
    ModelSpec("Honda", "Civic", "思域", 2006, None, ("1.5T L15B", "1.8L R18", "2.0L K20"), "honda-civic", 25),
    ModelSpec("Honda", "Accord", "雅阁", 2008, None, ("1.5T L15B", "2.0L K20", "2.4L K24", "2.0L Hybrid"),
              "honda-accord", 25),
    ModelSpec("Honda", "CR-V", "CR-V", 2007, None, ("1.5T L15B", "2.0L R20", "2.4L K24"), "honda-civic", 25),
    ModelSpec("Honda", "Fit", "飞度", 2004, None, ("1.3L L13", "1.5L L15"), "honda-small", 12),
    ModelSpec("Honda", "XR-V", "XR-V", 2015, None, ("1.5L L15", "1.8L R18"), "honda-small", 12),
    ModelSpec("Honda", "Odyssey", "奥德赛", 2009, None, ("2.4L K24", "2.0L Hybrid"), "honda-accord", 6),
    ModelSpec("Nissan", "Sylphy", "轩逸", 2006, None, ("1.6L HR16", "1.8L MRA8"), "nissan-b", 40),
    ModelSpec("Nissan", "Teana", "天籁", 2008, None, ("2.0L MR20", "2.5L QR25", "2.0T KR20"), "nissan-d", 15),
    ModelSpec("Nissan", "X-Trail", "奇骏", 2008, None, ("2.0L MR20", "2.5L QR25", "1.5T KR15"), "nissan-c", 15),
    ModelSpec("Nissan", "Qashqai", "逍客", 2008, None, ("1.2T HRA2", "2.0L MR20"), "nissan-c", 10),
    ModelSpec("Nissan", "Tiida", "骐达", 2005, 2022, ("1.6L HR16",), "nissan-b", 10),
    ModelSpec("Mazda", "Mazda3 Axela", "昂克赛拉", 2014, None, ("1.5L Skyactiv-G", "2.0L Skyactiv-G"), "mazda", 12),
    ModelSpec("Mazda", "Atenza", "阿特兹", 2014, None, ("2.0L Skyactiv-G", "2.5L Skyactiv-G"), "mazda", 8),
    ModelSpec("Mazda", "CX-5", "CX-5", 2013, None, ("2.0L Skyactiv-G", "2.5L Skyactiv-G"), "mazda", 10),
    ModelSpec("Buick", "Excelle GT", "英朗", 2010, None, ("1.0T LJI", "1.3T L3Z", "1.5L L2B"), "gm-d2", 35),
    ModelSpec("Buick", "Regal", "君威", 2009, None, ("1.5T LFV", "2.0T LTG"), "gm-e2", 15),
    ModelSpec("Buick", "LaCrosse", "君越", 2009, None, ("1.5T LFV", "2.0T LTG", "1.8L Hybrid"), "gm-e2", 15),
    ModelSpec("Buick", "GL8", "GL8", 2011, None, ("2.0T LTG", "2.4L LE9", "3.0L V6"), "gm-e2", 15),
    ModelSpec("Buick", "Envision", "昂科威", 2014, None, ("1.5T LFV", "2.0T LTG"), "gm-e2", 12),
    ModelSpec("Chevrolet", "Cruze", "科鲁兹", 2009, 2022, ("1.5L L2B", "1.6L LDE", "1.4T LEF"), "gm-d2", 15),
    ModelSpec("Chevrolet", "Malibu XL", "迈锐宝XL", 2016, None, ("1.5T LFV", "2.0T LTG"), "gm-e2", 8),
    ModelSpec("Chevrolet", "Equinox", "探界者", 2017, None, ("1.5T LYX", "2.0T LTG"), "gm-e2", 6),
    ModelSpec("Cadillac", "XT5", "XT5", 2016, None, ("2.0T LTG",), "gm-e2", 5),
    ModelSpec("Hyundai", "Elantra", "伊兰特", 2004, None, ("1.4T Kappa", "1.5L Smartstream", "1.6L Gamma"),
              "hyundai-k", 20),
    ModelSpec("Hyundai", "Tucson", "途胜", 2006, None, ("1.5T Smartstream", "2.0L Nu"), "hyundai-k", 10),
    ModelSpec("Hyundai", "Sonata", "索纳塔", 2008, None, ("1.5T Smartstream", "2.0L Nu", "2.4L Theta"), "hyundai-k",
              6),
    ModelSpec("Hyundai", "ix35", "ix35", 2010, 2021, ("2.0L Nu", "2.4L Theta"), "hyundai-k", 8),
    ModelSpec("Kia", "K3", "K3", 2013, None, ("1.4T Kappa", "1.5L Smartstream", "1.6L Gamma"), "hyundai-k", 8),
    ModelSpec("Kia", "Sportage", "狮跑", 2007, None, ("2.0L Nu", "1.4T Kappa"), "hyundai-k", 6),
    ModelSpec("Ford", "Focus", "福克斯", 2005, 2022, ("1.5T EcoBoost", "1.6L Sigma", "1.8L Duratec", "2.0L Duratec"),
              "ford-c1", 20),
    ModelSpec("Ford", "Mondeo", "蒙迪欧", 2007, None, ("1.5T EcoBoost", "2.0T EcoBoost"), "ford-cd4", 10),
    ModelSpec("Ford", "Escort", "福睿斯", 2015, 2023, ("1.5L Dragon",), "ford-c1", 10),
    ModelSpec("Ford", "Kuga", "翼虎", 2013, 2022, ("1.5T EcoBoost", "2.0T EcoBoost"), "ford-c1", 8),
    ModelSpec("Ford", "Explorer", "探险者", 2011, None, ("2.3T EcoBoost", "3.5L V6"), "ford-cd4", 5),
    ModelSpec("BMW", "3 Series", "3系", 2005, None, ("2.0T B48", "2.0T N20", "3.0T B58"), "bmw-clar", 20),
    ModelSpec("BMW", "5 Series", "5系", 2005, None, ("2.0T B48", "3.0T B58", "2.0T N20"), "bmw-clar", 15),
    ModelSpec("BMW", "X1", "X1", 2010, None, ("1.5T B38", "2.0T B48"), "bmw-ukl", 10),
    ModelSpec("BMW", "X3", "X3", 2011, None, ("2.0T B48", "3.0T B58"), "bmw-clar", 10),
    ModelSpec("BMW", "1 Series", "1系", 2012, None, ("1.5T B38", "2.0T B48"), "bmw-ukl", 6),
    ModelSpec("Mercedes-Benz", "C-Class", "C级", 2007, None, ("1.5T M264", "2.0T M274", "2.0T M264"), "mb-mra", 20),
    ModelSpec("Mercedes-Benz", "E-Class", "E级", 2009, None, ("2.0T M274", "2.0T M264", "3.0T M276"), "mb-mra", 15),
    ModelSpec("Mercedes-Benz", "GLC", "GLC", 2015, None, ("2.0T M274", "2.0T M264"), "mb-mra", 12),
    ModelSpec("Mercedes-Benz", "A-Class", "A级", 2013, None, ("1.3T M282", "2.0T M260"), "mb-mfa", 8),
    ModelSpec("Mercedes-Benz", "GLA", "GLA", 2014, None, ("1.3T M282", "2.0T M260"), "mb-mfa", 6),
    ModelSpec("Peugeot", "408", "408", 2010, None, ("1.2T EB2", "1.6T THP", "1.8L EC8"), "psa", 8),
    ModelSpec("Peugeot", "4008", "4008", 2016, None, ("1.6T THP", "1.8T"), "psa", 5),
    ModelSpec("Citroen", "C5", "C5", 2010, 2022, ("1.6T THP", "1.8T"), "psa", 5),
    ModelSpec("Citroen", "Elysee", "爱丽舍", 2002, 2021, ("1.6L TU5", "1.6L EC5"), "psa", 8),
    ModelSpec("BYD", "Qin", "秦", 2013, None, ("1.5L BYD476ZQA", "1.5L DM-i", "EV 100 kW"), "byd", 30),
    ModelSpec("BYD", "Song", "宋", 2015, None, ("1.5T BYD476ZQA", "1.5L DM-i", "EV 120 kW"), "byd", 25),
    ModelSpec("BYD", "Han", "汉", 2020, None, ("2.0T BYD487ZQA", "1.5T DM-i", "EV 180 kW"), "byd", 15),
    ModelSpec("BYD", "Tang", "唐", 2015, None, ("2.0T BYD487ZQA", "1.5T DM-i"), "byd", 10),
    ModelSpec("BYD", "Yuan", "元", 2016, None, ("1.5L BYD473QE", "EV 70 kW"), "byd", 12),
    ModelSpec("BYD", "Dolphin", "海豚", 2021, None, ("EV 70 kW", "EV 150 kW"), "byd", 12),
    ModelSpec("BYD", "F3", "F3", 2005, 2016, ("1.5L BYD473QB", "1.6L 4G18"), "byd-old", 12),
    ModelSpec("Geely", "Emgrand", "帝豪", 2009, None, ("1.5L JL4G15", "1.8L JL4G18", "1.4T JLB-4G14TB"), "geely", 35),
    ModelSpec("Geely", "Boyue", "博越", 2016, None, ("1.5T JLH-3G15TD", "1.8T JLE-4G18TD", "2.0L JLC-4G20"), "geely",
              20),
    ModelSpec("Geely", "Xingyue L", "星越L", 2021, None, ("2.0T JLH-4G20TDB", "1.5T Hybrid"), "geely-cma", 10),
    ModelSpec("Geely", "Coolray", "缤越", 2018, None, ("1.4T JLB-4G14TB", "1.5T JLH-3G15TD"), "geely-cma", 10),
    ModelSpec("Haval", "H6", "哈弗H6", 2011, None, ("1.5T GW4G15B", "2.0T GW4C20", "1.5T Hybrid"), "gwm", 40),
    ModelSpec("Haval", "H2", "哈弗H2", 2014, 2021, ("1.5T GW4G15B",), "gwm", 15),
    ModelSpec("Haval", "Jolion", "哈弗初恋", 2020, None, ("1.5T GW4G15K",), "gwm", 10),
    ModelSpec("Changan", "CS75", "CS75", 2014, None, ("1.5T JL476ZQCF", "1.8T", "2.0L"), "changan", 25),
    ModelSpec("Changan", "CS55", "CS55", 2017, None, ("1.5T JL476ZQCF",), "changan", 15),
    ModelSpec("Changan", "Eado", "逸动", 2012, None, ("1.4T JL473ZQ5", "1.6L JL478QEE"), "changan", 25),
    ModelSpec("Chery", "Tiggo 8", "瑞虎8", 2018, None, ("1.5T SQRE4T15C", "1.6T SQRF4J16", "2.0T"), "chery", 15),
    ModelSpec("Chery", "Arrizo 5", "艾瑞泽5", 2016, None, ("1.5L SQRE4G15C", "1.5T SQRE4T15C"), "chery", 10),
    ModelSpec("Wuling", "Hongguang", "宏光", 2010, None, ("1.2L LMU", "1.5L L2B", "1.5T LJO"), "wuling", 30),
    ModelSpec("Wuling", "Hongguang Mini EV", "宏光MINI EV", 2020, None, ("EV 20 kW", "EV 30 kW"), "wuling-ev", 15),
    ModelSpec("Tesla", "Model 3", "Model 3", 2019, None, ("EV RWD", "EV AWD"), "tesla", 15),
    ModelSpec("Tesla", "Model Y", "Model Y", 2020, None, ("EV RWD", "EV AWD"), "tesla", 15),
    ModelSpec("Volvo", "XC60", "XC60", 2009, None, ("2.0T B4204", "2.0T T8 Hybrid"), "volvo-spa", 8),
    ModelSpec("Volvo", "S90", "S90", 2016, None, ("2.0T B4204",), "volvo-spa", 5),
    ModelSpec("Land Rover", "Discovery Sport", "发现神行", 2015, None, ("2.0T Ingenium",), "jlr", 4),
)

_PADS = ("Bosch", "TRW", "Brembo", "Textar", "ATE", "Febi", "Sanhuan", "Jinqilin")
_DISCS = ("Brembo", "ATE", "TRW", "Bosch", "Textar", "Jinqilin", "Febi")
_FILTERS = ("Mann-Filter", "Mahle", "Bosch", "Febi", "Sanhuan")
_SHOCKS = ("KYB", "Monroe", "Sachs", "Bilstein", "Wanxiang")
_ARMS = ("ZF Lemforder", "TRW", "Febi", "Sanhuan", "Wanxiang")
_OILS = ("Castrol", "Mobil", "Shell", "Great Wall Lubricants", "Kunlun")
_TYRES = ("Michelin", "Bridgestone", "Continental", "Pirelli", "Linglong", "Aeolus", "Triangle")
_VISCOSITY = (("0W-20", "0W-20"), ("5W-30", "5W-30"), ("5W-40", "5W-40"), ("0W-40", "0W-40"), ("10W-40", "10W-40"))
_SIZES = tuple((f" {s}", f" {s}") for s in (
    "195/65 R15 91V", "205/55 R16 91V", "215/55 R17 94V", "225/45 R17 91W", "225/60 R18 100H", "235/55 R19 101V",
    "185/65 R15 88H", "215/60 R16 95V", "245/45 R18 96Y", "225/65 R17 102H", "175/70 R14 84T", "205/60 R16 92V"))
_FRONT, _REAR = "front", "rear"

TEMPLATES: tuple[Template, ...] = (
    # engine
    Template("engine.filters", "Oil filter", "机油滤清器", "pcs", (1200, 6000), _FILTERS,
             (("", ""), (", spin-on", " 旋装式"), (", cartridge", " 滤芯式")), stock=(4, 40), weight=30),
    Template("engine.filters", "Air filter", "空气滤清器", "pcs", (2000, 9000), _FILTERS, stock=(2, 20), weight=25),
    Template("engine.filters", "Cabin air filter", "空调滤清器", "pcs", (1500, 8000), _FILTERS,
             (("", ""), (", activated carbon", " 活性炭"), (", PM2.5", " PM2.5")), stock=(2, 24), weight=25),
    Template("engine.filters", "Fuel filter", "燃油滤清器", "pcs", (2500, 12000), _FILTERS, stock=(1, 10), weight=12),
    Template("engine.ignition", "Spark plug", "火花塞", "pcs", (1500, 9000), ("NGK", "Denso", "Bosch", "Torch"),
             (("", ""), (", iridium", " 铱金"), (", platinum", " 铂金"), (", nickel", " 镍合金")),
             stock=(8, 48), weight=20),
    Template("engine.ignition", "Ignition coil", "点火线圈", "pcs", (9000, 38000), ("Bosch", "Denso", "Delphi", "Hella"),
             stock=(0, 8), warranty_months=12, weight=10),
    Template("engine.belts", "Timing belt kit", "正时皮带套件", "set", (25000, 90000),
             ("Gates", "Continental", "INA", "SKF"), stock=(0, 4), warranty_months=24, warranty_km=60000, weight=8),
    Template("engine.belts", "Poly-V belt", "多楔带", "pcs", (3000, 15000), ("Gates", "Continental", "Bosch"),
             (("", ""), (" 6PK1070", " 6PK1070"), (" 6PK1230", " 6PK1230"), (" 5PK1150", " 5PK1150")),
             stock=(1, 10), weight=10),
    Template("engine.belts", "Timing chain kit", "正时链条套件", "set", (40000, 150000), ("INA", "Febi", "SKF"),
             stock=(0, 3), warranty_months=24, weight=5),
    Template("engine.belts", "Belt tensioner", "张紧轮", "pcs", (8000, 35000), ("INA", "Gates", "SKF", "Febi"),
             stock=(0, 6), weight=8),
    Template("engine.cooling", "Water pump", "水泵", "pcs", (12000, 60000), ("SKF", "INA", "Valeo", "Febi", "Aisin"),
             stock=(0, 6), warranty_months=12, weight=10),
    Template("engine.cooling", "Radiator", "散热器", "pcs", (30000, 120000), ("Valeo", "Mahle", "Denso", "Febi"),
             stock=(0, 3), weight=6),
    Template("engine.cooling", "Thermostat", "节温器", "pcs", (4000, 25000), ("Mahle", "Febi", "Gates"),
             stock=(0, 8), weight=7),
    Template("engine.cooling", "Coolant hose 19 mm", "冷却水管 19毫米", "m", (1500, 4500), ("Gates", "Continental"),
             stock=(5, 50), genuine=False, weight=3),
    Template("engine.cooling", "Antifreeze coolant -35°C", "防冻冷却液 -35°C", "L", (800, 2500),
             ("Great Wall Lubricants", "Kunlun", "Shell", "Castrol"), (("", ""), (", red", " 红色"), (", green", " 绿色")),
             stock=(20, 120), genuine=False, weight=6),
    Template("engine.gaskets", "Valve cover gasket", "气门室盖垫", "pcs", (2500, 12000),
             ("Elring", "Victor Reinz", "Febi"), stock=(0, 6), weight=8),
    Template("engine.gaskets", "Cylinder head gasket", "气缸垫", "pcs", (8000, 40000), ("Elring", "Victor Reinz"),
             stock=(0, 4), weight=5),
    Template("engine.gaskets", "Crankshaft oil seal", "曲轴油封", "pcs", (1500, 8000), ("Elring", "SKF", "Febi"),
             (("", ""), (", front", " 前"), (", rear", " 后")), stock=(0, 10), weight=6),
    Template("engine.fuel", "Fuel pump", "燃油泵", "pcs", (20000, 90000), ("Bosch", "Delphi", "Denso", "Continental"),
             stock=(0, 4), warranty_months=12, weight=6),
    Template("engine.fuel", "Fuel injector", "喷油嘴", "pcs", (15000, 60000), ("Bosch", "Delphi", "Denso"),
             stock=(0, 8), weight=6),
    Template("engine.oil", "Engine oil", "机油", "L", (3000, 12000), _OILS,
             tuple((f" {v} fully synthetic", f" {z} 全合成") for v, z in _VISCOSITY) + (
                 (" 10W-40 semi-synthetic", " 10W-40 半合成"),), stock=(40, 400), genuine=False, weight=25),
    Template("engine.oil", "Gear oil 75W-90", "齿轮油 75W-90", "L", (4000, 12000), _OILS, stock=(10, 60),
             genuine=False, weight=5),
    Template("engine.oil", "Automatic transmission fluid", "自动变速箱油", "L", (5000, 15000), _OILS,
             (("", ""), (" ATF", " ATF"), (" DSG", " DSG"), (" CVT", " CVT")), stock=(10, 80), weight=8),
    # transmission
    Template("transmission.clutch", "Clutch kit", "离合器套件", "set", (40000, 150000), ("Sachs", "LuK", "Valeo", "Aisin"),
             (("", ""), (", 3-piece", " 三件套")), stock=(0, 3), warranty_months=12, weight=8),
    Template("transmission.clutch", "Clutch release bearing", "离合器分离轴承", "pcs", (6000, 30000),
             ("Sachs", "SKF", "INA", "LuK"), stock=(0, 6), weight=6),
    Template("transmission.clutch", "Clutch master cylinder", "离合器总泵", "pcs", (8000, 35000),
             ("ATE", "TRW", "Febi", "Sachs"), stock=(0, 4), weight=4),
    Template("transmission.gearbox", "Gearbox mount", "变速箱支架", "pcs", (6000, 30000), ("Febi", "ZF Lemforder"),
             stock=(0, 4), weight=5),
    Template("transmission.gearbox", "Gear shift cable", "换挡拉线", "pcs", (8000, 30000), ("Febi", "Wanxiang"),
             stock=(0, 3), weight=3),
    Template("transmission.gearbox", "Transmission filter kit", "变速箱滤网套件", "set", (8000, 35000),
             ("Mann-Filter", "Mahle", "Febi"), stock=(0, 6), weight=5),
    Template("transmission.driveshaft", "CV joint kit", "球笼总成", "set", (15000, 60000),
             ("GKN", "SKF", "Febi", "Wanxiang"), (("", ""), (", outer", " 外"), (", inner", " 内")),
             positions=(_FRONT,), stock=(0, 4), weight=7),
    Template("transmission.driveshaft", "Drive shaft", "半轴", "pcs", (40000, 150000), ("GKN", "Wanxiang"),
             (("", ""), (", left", " 左"), (", right", " 右")), stock=(0, 2), core_charge=10000, weight=4),
    Template("transmission.driveshaft", "CV boot kit", "球笼防尘套", "set", (2500, 9000), ("Febi", "SKF", "GKN"),
             stock=(0, 10), weight=5),
    # brakes
    Template("brakes.pads", "Front brake pad set", "前刹车片", "set", (8000, 45000), _PADS,
             (("", ""), (", ceramic", " 陶瓷"), (", low-metallic", " 低金属"), (", with wear sensor", " 带报警线")),
             positions=(_FRONT,), stock=(1, 12), warranty_km=30000, weight=35),
    Template("brakes.pads", "Rear brake pad set", "后刹车片", "set", (6000, 35000), _PADS,
             (("", ""), (", ceramic", " 陶瓷"), (", low-metallic", " 低金属")), positions=(_REAR,), stock=(1, 10),
             warranty_km=30000, weight=25),
    Template("brakes.pads", "Brake pad wear sensor", "刹车片报警线", "pcs", (1500, 6000), ("Bosch", "TRW", "ATE", "Febi"),
             positions=(_FRONT, _REAR), stock=(0, 10), weight=5),
    Template("brakes.discs", "Front brake disc", "前刹车盘", "pair", (20000, 90000), _DISCS,
             (("", ""), (", vented", " 通风"), (", coated", " 涂层")), positions=(_FRONT,), stock=(0, 6), weight=20),
    Template("brakes.discs", "Rear brake disc", "后刹车盘", "pair", (15000, 70000), _DISCS, positions=(_REAR,),
             stock=(0, 6), weight=14),
    Template("brakes.calipers", "Brake caliper", "制动钳", "pcs", (30000, 120000), ("TRW", "ATE", "Bosch", "Brembo"),
             ((", left", " 左"), (", right", " 右")), positions=(_FRONT, _REAR), stock=(0, 2), core_charge=15000, weight=5),
    Template("brakes.calipers", "Caliper repair kit", "制动钳修理包", "set", (2000, 9000), ("ATE", "TRW", "Febi"),
             positions=(_FRONT, _REAR), stock=(0, 8), weight=4),
    Template("brakes.hydraulics", "Brake fluid DOT 4", "刹车油 DOT4", "L", (2500, 9000),
             ("Bosch", "ATE", "Castrol", "Great Wall Lubricants", "TRW"), stock=(10, 60), genuine=False, weight=8),
    Template("brakes.hydraulics", "Brake hose", "刹车软管", "pcs", (3000, 12000), ("TRW", "ATE", "Febi"),
             positions=(_FRONT, _REAR), stock=(0, 8), weight=6),
    Template("brakes.hydraulics", "Brake master cylinder", "刹车总泵", "pcs", (20000, 80000), ("TRW", "ATE", "Bosch"),
             stock=(0, 2), weight=4),
    # suspension
    Template("suspension.shocks", "Front shock absorber", "前减震器", "pcs", (20000, 90000), _SHOCKS,
             (("", ""), (", left", " 左"), (", right", " 右"), (", gas", " 充气式")), positions=(_FRONT,),
             stock=(0, 6), warranty_months=24, weight=15),
    Template("suspension.shocks", "Rear shock absorber", "后减震器", "pcs", (15000, 70000), _SHOCKS,
             positions=(_REAR,), stock=(0, 6), warranty_months=24, weight=12),
    Template("suspension.shocks", "Strut top mount", "减震器顶胶", "pcs", (4000, 18000), ("Febi", "Sachs", "ZF Lemforder"),
             positions=(_FRONT,), stock=(0, 8), weight=7),
    Template("suspension.arms", "Lower control arm", "下摆臂", "pcs", (15000, 60000), _ARMS,
             (("", ""), (", left", " 左"), (", right", " 右")), positions=(_FRONT,), stock=(0, 4), weight=10),
    Template("suspension.arms", "Ball joint", "球头", "pcs", (4000, 18000), _ARMS, positions=(_FRONT,), stock=(0, 8),
             weight=8),
    Template("suspension.arms", "Stabilizer link", "平衡杆", "pcs", (3000, 12000), _ARMS, positions=(_FRONT, _REAR),
             stock=(0, 10), weight=10),
    Template("suspension.springs", "Coil spring", "螺旋弹簧", "pcs", (10000, 40000), ("KYB", "Sachs", "Bilstein"),
             positions=(_FRONT, _REAR), stock=(0, 4), weight=5),
    Template("suspension.steering", "Tie rod end", "转向横拉杆球头", "pcs", (4000, 16000), _ARMS,
             (("", ""), (", left", " 左"), (", right", " 右")), stock=(0, 8), weight=9),
    Template("suspension.steering", "Power steering pump", "转向助力泵", "pcs", (40000, 150000),
             ("ZF Lemforder", "TRW", "Sanhuan"), stock=(0, 2), core_charge=20000, weight=3),
    Template("suspension.steering", "Steering rack", "方向机", "pcs", (80000, 300000), ("ZF Lemforder", "TRW", "Sanhuan"),
             stock=(0, 1), core_charge=50000, warranty_months=12, weight=3),
    Template("suspension.bearings", "Wheel bearing kit", "轮毂轴承套件", "set", (10000, 50000),
             ("SKF", "FAG", "NSK", "Wanxiang"), positions=(_FRONT, _REAR), stock=(0, 6), warranty_months=12,
             weight=12),
    Template("suspension.bearings", "Wheel hub unit", "轮毂单元", "pcs", (20000, 80000), ("SKF", "FAG", "Wanxiang"),
             positions=(_FRONT, _REAR), stock=(0, 4), weight=6),
    # tyres and wheels
    Template("tyres.tyres", "Tyre", "轮胎", "pcs", (25000, 120000), _TYRES, _SIZES, stock=(0, 16), genuine=False,
             weight=25),
    Template("tyres.wheels", "Alloy wheel 17x7J", "铝合金轮毂 17x7J", "pcs", (60000, 200000), ("Febi", "Wanxiang"),
             stock=(0, 4), weight=3),
    Template("tyres.wheels", "Wheel bolt", "轮毂螺栓", "pcs", (300, 1500), ("Febi",), stock=(20, 100), genuine=False,
             weight=4),
    Template("tyres.valves", "TPMS sensor", "胎压传感器", "pcs", (15000, 50000), ("Continental", "Schrader"),
             stock=(0, 8), weight=5),
    Template("tyres.valves", "Tyre valve", "气门嘴", "pcs", (100, 800), ("Schrader", "Continental"),
             (("", ""), (", rubber", " 橡胶"), (", metal", " 金属")), stock=(20, 200), genuine=False, weight=3),
    # electrical
    Template("electrical.batteries", "Battery 12V", "蓄电池 12V", "pcs", (30000, 120000),
             ("Varta", "Bosch", "Camel", "Sail"), ((" 45Ah", " 45Ah"), (" 60Ah", " 60Ah"), (" 70Ah AGM", " 70Ah AGM"),
                                                   (" 80Ah", " 80Ah")), stock=(0, 8), genuine=False,
             core_charge=3000, warranty_months=18, weight=12),
    Template("electrical.lighting", "Headlight bulb", "大灯灯泡", "pcs", (1500, 15000), ("Philips", "Osram", "Hella"),
             ((" H7", " H7"), (" H4", " H4"), (" H11", " H11"), (" 9005 HB3", " 9005 HB3"), (" D1S xenon", " D1S 氙气")),
             stock=(4, 30), genuine=False, weight=12),
    Template("electrical.lighting", "Headlamp assembly", "大灯总成", "pcs", (60000, 300000), ("Hella", "Valeo", "Depo"),
             ((", left", " 左"), (", right", " 右")), stock=(0, 2), weight=5),
    Template("electrical.lighting", "Tail lamp", "尾灯", "pcs", (20000, 90000), ("Hella", "Depo", "Valeo"),
             ((", left", " 左"), (", right", " 右")), positions=(_REAR,), stock=(0, 2), weight=4),
    Template("electrical.starting", "Starter motor", "起动机", "pcs", (50000, 180000), ("Bosch", "Valeo", "Denso"),
             stock=(0, 2), core_charge=15000, warranty_months=12, weight=4),
    Template("electrical.starting", "Alternator", "发电机", "pcs", (80000, 250000), ("Bosch", "Valeo", "Denso"),
             stock=(0, 2), core_charge=20000, warranty_months=12, weight=4),
    Template("electrical.sensors", "Oxygen sensor", "氧传感器", "pcs", (15000, 60000), ("Bosch", "Denso", "NGK", "Delphi"),
             (("", ""), (", upstream", " 前氧"), (", downstream", " 后氧")), stock=(0, 6), weight=8),
    Template("electrical.sensors", "ABS wheel speed sensor", "ABS轮速传感器", "pcs", (6000, 30000),
             ("Bosch", "ATE", "Febi", "Hella"), positions=(_FRONT, _REAR), stock=(0, 6), weight=7),
    Template("electrical.sensors", "Crankshaft position sensor", "曲轴位置传感器", "pcs", (5000, 25000),
             ("Bosch", "Hella", "Febi", "Delphi"), stock=(0, 6), weight=5),
    Template("electrical.wipers", "Wiper blade set", "雨刮片套装", "pair", (4000, 20000), ("Bosch", "Valeo", "3M"),
             (("", ""), (' 24"+18"', ' 24"+18"'), (' 26"+16"', ' 26"+16"'), (", frameless", " 无骨")),
             stock=(2, 20), weight=12),
    # body and accessories
    Template("body.mirrors", "Door mirror glass", "后视镜片", "pcs", (2000, 9000), ("Depo", "Febi"),
             ((", left", " 左"), (", right", " 右"), (", heated left", " 加热 左")), stock=(0, 4), weight=4),
    Template("body.mirrors", "Door mirror assembly", "后视镜总成", "pcs", (20000, 90000), ("Depo", "Valeo"),
             ((", left", " 左"), (", right", " 右")), stock=(0, 2), weight=3),
    Template("body.panels", "Front bumper cover", "前保险杠", "pcs", (30000, 150000), ("Depo",), stock=(0, 2), weight=4),
    Template("body.panels", "Front fender", "前叶子板", "pcs", (20000, 80000), ("Depo",), ((", left", " 左"),
                                                                                   (", right", " 右")),
             stock=(0, 2), weight=3),
    Template("body.panels", "Windscreen", "前挡风玻璃", "pcs", (60000, 250000), ("Fuyao",),
             (("", ""), (", with rain sensor bracket", " 带雨量传感器支架")), stock=(0, 2), weight=4),
    Template("body.accessories", "Floor mat set", "脚垫套装", "set", (8000, 40000), ("3M", "Febi"),
             (("", ""), (", TPE", " TPE"), (", leather", " 皮革")), stock=(0, 6), weight=4),
    Template("body.accessories", "Warning triangle", "三角警示牌", "pcs", (1500, 5000), ("3M", "Hella"), stock=(2, 12),
             genuine=False, weight=2),
    Template("body.care", "Car wash shampoo", "洗车液", "L", (1000, 4000), ("Turtle Wax", "3M", "Mobil"),
             stock=(10, 60), genuine=False, weight=3),
    Template("body.care", "Screen wash -25°C", "玻璃水 -25°C", "L", (300, 1500), ("Turtle Wax", "3M", "Great Wall Lubricants"),
             stock=(20, 200), genuine=False, weight=4),
    Template("body.care", "Car wax", "车蜡", "pcs", (3000, 15000), ("Turtle Wax", "3M"),
             (("", ""), (", carnauba", " 巴西棕榈"), (", nano", " 纳米")), stock=(2, 20), genuine=False, weight=3),
)

DEMO_USERS: tuple[tuple[str, str, str, str, str | None], ...] = (
    # username, display name, role, PIN, password
    ("admin", "Admin 管理员", "admin", "2580", "admin-pass-1"),
    ("mei", "Mei 梅经理", "manager", "1470", "manager-pass-1"),
    ("chen", "Chen 陈收银", "cashier", "1357", None),
    ("li", "Li 李仓管", "storekeeper", "2468", None),
    ("wang", "Wang 王顾问", "service_advisor", "3690", None),
    ("zhou", "Zhou 周技师", "technician", "4826", None),
)

SHOP_NAME = "PartsDesk 演示汽配 Demo Auto Parts"

# The demo workshop (services.workshop_setup): bays, labour classes with their rate per hour (minor
# units), and canned jobs whose part lines name a demo part by sub-category and the start of its
# English name (the first active one the catalogue holds; a job whose part the catalogue lacks is
# left out). A line: kind, (sub-category, name) for a part, qty in thousandths (hours for labour),
# labour class code, description, fixed unit price (None: the usual price).
DEMO_BAYS: tuple[tuple[str, str], ...] = (("B1", "Bay 1 (lift)"), ("B2", "Bay 2 (lift)"),
                                          ("B3", "Bay 3 (alignment)"))
DEMO_LABOUR_CLASSES: tuple[tuple[str, str, int], ...] = (
    ("GEN", "General", 15_000), ("DIAG", "Diagnosis", 22_000), ("ELEC", "Electrical", 18_000))
DemoLine = tuple[str, tuple[str, str] | None, int, str | None, str, int | None]
DEMO_CANNED_JOBS: tuple[tuple[str, str, tuple[DemoLine, ...]], ...] = (
    ("OIL", "Oil service", (
        ("part", ("engine.oil", "Engine oil 5W-30"), 4_500, None, "", None),
        ("part", ("engine.filters", "Oil filter"), 1_000, None, "", None),
        ("labour", None, 800, "GEN", "Change engine oil and oil filter, reset the service indicator", None))),
    ("BRAKE-F", "Front brake pads", (
        ("part", ("brakes.pads", "Front brake pad set"), 1_000, None, "", None),
        ("labour", None, 1_200, "GEN", "Replace front brake pads, check discs and fluid", None))),
    ("BRFLUID", "Brake fluid change", (
        ("part", ("brakes.hydraulics", "Brake fluid DOT 4"), 1_000, None, "", None),
        ("labour", None, 600, "GEN", "Bleed and refill the brake system", None),
        ("other", None, 1_000, None, "Disposal of old brake fluid", 1_000))),
    ("INSPECT", "Annual inspection", (
        ("part", ("engine.filters", "Air filter"), 1_000, None, "", None),
        ("part", ("engine.filters", "Cabin air filter"), 1_000, None, "", None),
        ("labour", None, 1_500, "GEN", "Inspection to the maker's schedule", None),
        ("labour", None, 300, "DIAG", "Read and clear the fault memory", None))),
)
