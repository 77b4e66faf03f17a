"""Generate realistic institutions in bulk for the benchmarks.

``populate(n=50_000, seed=1)`` writes ``n`` institutions with names in Latin, Chinese, Thai,
Khmer and Vietnamese script, a country mix close to the portal's audience (China about 45 %,
the rest ASEAN), kinds, cities, sectors, languages and a few offers and needs each, with
popular sectors and cooperation types much more frequent than rare ones (Zipf-like), as the
demo data and the real event reports show. The same seed gives the same rows, and never the
name of one of the demo's institutions in its country.

Rows are written with ``bulk_create``, which sends no signals and skips ``save()``, so the
derived columns are computed here: ``search_translations`` and ``search_grams`` with
``Institution.compute_search_translations()`` and ``compute_search_grams()``,
``offer_keys``/``need_keys`` from the generated offers and needs, and the spelling vocabulary
with ``rebuild_search_words()`` at the end.

Only for the benchmark database (see ``bench.setup()``): it deletes every institution whose
slug starts with ``bench-`` before writing.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from institutions.models import Institution

# Django models are imported inside the functions, so that ``python -m bench.data`` can set
# Django up first.

SLUG_PREFIX = "bench-"
BATCH = 2000

# --- Places: (English, local script, province English) ---------------------------------------

CN_CITIES = [
    ("Nanning", "南宁", "Guangxi"),
    ("Liuzhou", "柳州", "Guangxi"),
    ("Guilin", "桂林", "Guangxi"),
    ("Beihai", "北海", "Guangxi"),
    ("Baise", "百色", "Guangxi"),
    ("Wuzhou", "梧州", "Guangxi"),
    ("Yulin", "玉林", "Guangxi"),
    ("Qinzhou", "钦州", "Guangxi"),
    ("Shenzhen", "深圳", "Guangdong"),
    ("Guangzhou", "广州", "Guangdong"),
    ("Foshan", "佛山", "Guangdong"),
    ("Dongguan", "东莞", "Guangdong"),
    ("Zhuhai", "珠海", "Guangdong"),
    ("Kunming", "昆明", "Yunnan"),
    ("Yuxi", "玉溪", "Yunnan"),
    ("Chongqing", "重庆", "Chongqing"),
    ("Chengdu", "成都", "Sichuan"),
    ("Wuhan", "武汉", "Hubei"),
    ("Changsha", "长沙", "Hunan"),
    ("Tianjin", "天津", "Tianjin"),
    ("Hangzhou", "杭州", "Zhejiang"),
    ("Ningbo", "宁波", "Zhejiang"),
    ("Jinhua", "金华", "Zhejiang"),
    ("Nanjing", "南京", "Jiangsu"),
    ("Suzhou", "苏州", "Jiangsu"),
    ("Wuxi", "无锡", "Jiangsu"),
    ("Changzhou", "常州", "Jiangsu"),
    ("Xiamen", "厦门", "Fujian"),
    ("Fuzhou", "福州", "Fujian"),
    ("Quanzhou", "泉州", "Fujian"),
    ("Haikou", "海口", "Hainan"),
    ("Sanya", "三亚", "Hainan"),
    ("Guiyang", "贵阳", "Guizhou"),
    ("Hefei", "合肥", "Anhui"),
    ("Jinan", "济南", "Shandong"),
    ("Qingdao", "青岛", "Shandong"),
    ("Zhengzhou", "郑州", "Henan"),
    ("Xi'an", "西安", "Shaanxi"),
    ("Shanghai", "上海", "Shanghai"),
    ("Beijing", "北京", "Beijing"),
    ("Shijiazhuang", "石家庄", "Hebei"),
    ("Taiyuan", "太原", "Shanxi"),
    ("Lanzhou", "兰州", "Gansu"),
    ("Harbin", "哈尔滨", "Heilongjiang"),
    ("Shenyang", "沈阳", "Liaoning"),
    ("Dalian", "大连", "Liaoning"),
]
CN_PROVINCES_ZH = {
    "Guangxi": "广西",
    "Guangdong": "广东",
    "Yunnan": "云南",
    "Chongqing": "重庆",
    "Sichuan": "四川",
    "Hubei": "湖北",
    "Hunan": "湖南",
    "Tianjin": "天津",
    "Zhejiang": "浙江",
    "Jiangsu": "江苏",
    "Fujian": "福建",
    "Hainan": "海南",
    "Guizhou": "贵州",
    "Anhui": "安徽",
    "Shandong": "山东",
    "Henan": "河南",
    "Shaanxi": "陕西",
    "Shanghai": "上海",
    "Beijing": "北京",
    "Hebei": "河北",
    "Shanxi": "山西",
    "Gansu": "甘肃",
    "Heilongjiang": "黑龙江",
    "Liaoning": "辽宁",
}
# (English field, Chinese field)
CN_FIELDS = [
    ("", ""),
    ("Transport", "交通"),
    ("Railway", "铁道"),
    ("Mechanical and Electrical", "机电"),
    ("Industry", "工业"),
    ("Information Technology", "信息"),
    ("Light Industry", "轻工"),
    ("Agriculture", "农业"),
    ("Construction", "建设"),
    ("Economics and Trade", "经贸"),
    ("Tourism", "旅游"),
    ("Health", "卫生"),
    ("Energy", "能源"),
    ("Logistics", "物流"),
    ("Posts and Telecommunications", "邮电"),
    ("Automotive", "汽车"),
    ("Aviation", "航空"),
    ("Modern Service", "现代服务"),
    ("Electric Power", "电力"),
    ("Water Resources", "水利"),
]
# (English suffix, Chinese suffix, kind)
CN_SUFFIXES = [
    ("Vocational and Technical College", "职业技术学院", "vocational_college"),
    ("Vocational College", "职业学院", "vocational_college"),
    ("Polytechnic", "职业技术大学", "polytechnic"),
    ("Technician College", "技师学院", "technical_institute"),
    ("Secondary Vocational School", "中等职业学校", "vocational_college"),
    ("University of Technology", "理工大学", "university"),
]
CN_ENTERPRISES = [
    ("Automobile Group", "汽车集团", "automotive-nev"),
    ("Rail Transit Equipment Co., Ltd.", "轨道交通装备有限公司", "railway"),
    ("Logistics Group", "物流集团", "logistics-supply-chain"),
    ("New Energy Technology Co., Ltd.", "新能源科技有限公司", "new-energy"),
    ("Intelligent Manufacturing Co., Ltd.", "智能制造有限公司", "intelligent-manufacturing"),
    ("Digital Technology Co., Ltd.", "数字科技有限公司", "electronic-information-ict"),
    ("Construction Engineering Group", "建工集团", "construction"),
    ("Cross-border E-commerce Co., Ltd.", "跨境电子商务有限公司", "e-commerce"),
]
CN_NUMERALS = "零一二三四五六七八九"

TH_PROVINCES = [
    ("Bangkok", "กรุงเทพ"),
    ("Chiang Mai", "เชียงใหม่"),
    ("Chiang Rai", "เชียงราย"),
    ("Khon Kaen", "ขอนแก่น"),
    ("Nakhon Ratchasima", "นครราชสีมา"),
    ("Udon Thani", "อุดรธานี"),
    ("Songkhla", "สงขลา"),
    ("Phuket", "ภูเก็ต"),
    ("Chonburi", "ชลบุรี"),
    ("Rayong", "ระยอง"),
    ("Ayutthaya", "อยุธยา"),
    ("Lampang", "ลำปาง"),
    ("Phitsanulok", "พิษณุโลก"),
    ("Surat Thani", "สุราษฎร์ธานี"),
    ("Ubon Ratchathani", "อุบลราชธานี"),
    ("Nakhon Pathom", "นครปฐม"),
    ("Samut Prakan", "สมุทรปราการ"),
    ("Nonthaburi", "นนทบุรี"),
    ("Saraburi", "สระบุรี"),
    ("Lopburi", "ลพบุรี"),
]
# (English pattern, Thai prefix, kind)
TH_KINDS = [
    ("{p} Technical College", "วิทยาลัยเทคนิค", "vocational_college"),
    ("{p} Vocational College", "วิทยาลัยอาชีวศึกษา", "vocational_college"),
    ("{p} College of Agriculture and Technology", "วิทยาลัยเกษตรและเทคโนโลยี", "vocational_college"),
    ("{p} Industrial and Community Education College", "วิทยาลัยการอาชีพ", "vocational_college"),
    ("{p} Polytechnic College", "วิทยาลัยสารพัดช่าง", "polytechnic"),
    ("Rajamangala University of Technology {p}", "มหาวิทยาลัยเทคโนโลยีราชมงคล", "university"),
]

KH_PROVINCES = [
    ("Phnom Penh", "ភ្នំពេញ"),
    ("Kampong Speu", "កំពង់ស្ពឺ"),
    ("Kampong Cham", "កំពង់ចាម"),
    ("Siem Reap", "សៀមរាប"),
    ("Battambang", "បាត់ដំបង"),
    ("Takeo", "តាកែវ"),
    ("Kampot", "កំពត"),
    ("Kandal", "កណ្ដាល"),
    ("Prey Veng", "ព្រៃវែង"),
    ("Svay Rieng", "ស្វាយរៀង"),
    ("Pursat", "ពោធិ៍សាត់"),
    ("Kratie", "ក្រចេះ"),
    ("Kampong Thom", "កំពង់ធំ"),
    ("Kampong Chhnang", "កំពង់ឆ្នាំង"),
    ("Preah Sihanouk", "ព្រះសីហនុ"),
    ("Koh Kong", "កោះកុង"),
]
KH_KINDS = [
    ("{p} Institute of Technology", "វិទ្យាស្ថានបច្ចេកវិទ្យា", "technical_institute"),
    ("{p} Polytechnic Institute", "វិទ្យាស្ថានពហុបច្ចេកទេស", "polytechnic"),
    ("{p} Provincial Training Centre", "មជ្ឈមណ្ឌលបណ្ដុះបណ្ដាលវិជ្ជាជីវៈខេត្ត", "vocational_college"),
    ("{p} Regional Polytechnic Institute", "វិទ្យាស្ថានពហុបច្ចេកទេសភូមិភាគ", "polytechnic"),
]

VN_CITIES = [
    ("Hanoi", "Hà Nội"),
    ("Ho Chi Minh City", "Hồ Chí Minh"),
    ("Da Nang", "Đà Nẵng"),
    ("Hai Phong", "Hải Phòng"),
    ("Can Tho", "Cần Thơ"),
    ("Hue", "Huế"),
    ("Nha Trang", "Nha Trang"),
    ("Vinh", "Vinh"),
    ("Quang Ninh", "Quảng Ninh"),
    ("Bac Ninh", "Bắc Ninh"),
    ("Thai Nguyen", "Thái Nguyên"),
    ("Nam Dinh", "Nam Định"),
    ("Dong Nai", "Đồng Nai"),
    ("Binh Duong", "Bình Dương"),
    ("Lao Cai", "Lào Cai"),
    ("Lang Son", "Lạng Sơn"),
]
VN_FIELDS = [
    ("Technology", "Công nghệ", "vocational_college"),
    ("Industrial Engineering", "Kỹ thuật Công nghiệp", "vocational_college"),
    ("Tourism", "Du lịch", "vocational_college"),
    ("Medicine", "Y tế", "vocational_college"),
    ("Transport", "Giao thông Vận tải", "vocational_college"),
    ("Mechanical and Electrical Engineering", "Cơ điện", "vocational_college"),
    ("Agriculture", "Nông nghiệp", "vocational_college"),
    ("Construction", "Xây dựng", "vocational_college"),
]

# Other ASEAN countries: (country, cities, English patterns, language codes)
OTHER_ASEAN = {
    "ID": (
        ["Jakarta", "Bandung", "Surabaya", "Semarang", "Medan", "Yogyakarta", "Malang", "Makassar"],
        ["Politeknik Negeri {c}", "{c} State Polytechnic", "SMK Negeri {n} {c}", "Akademi Komunitas {c}"],
        ["id", "en"],
    ),
    "MY": (
        ["Kuala Lumpur", "Penang", "Johor Bahru", "Kuching", "Kota Kinabalu", "Ipoh", "Melaka", "Shah Alam"],
        ["Politeknik {c}", "Kolej Komuniti {c}", "{c} Industrial Training Institute", "{c} Skills Development Centre"],
        ["ms", "en", "zh"],
    ),
    "PH": (
        ["Manila", "Cebu", "Davao", "Iloilo", "Baguio", "Cagayan de Oro", "Bacolod", "Zamboanga"],
        ["{c} Polytechnic State College", "{c} Regional Training Center", "{c} School of Arts and Trades"],
        ["fil", "en"],
    ),
    "LA": (
        ["Vientiane", "Luang Prabang", "Savannakhet", "Pakse", "Oudomxay"],
        ["{c} Technical College", "{c} Vocational Education Development Institute"],
        ["lo", "en"],
    ),
    "MM": (
        ["Yangon", "Mandalay", "Naypyidaw", "Mawlamyine", "Taunggyi"],
        ["Government Technical Institute {c}", "{c} Technological University"],
        ["my", "en"],
    ),
    "SG": (
        ["Singapore"],
        ["{c} Institute of Technical Education College {n}", "{c} Polytechnic {n}"],
        ["en", "zh", "ms"],
    ),
    "BN": (["Bandar Seri Begawan"], ["Institute of Brunei Technical Education {n}"], ["ms", "en"]),
    "TL": (["Dili", "Baucau"], ["{c} Vocational Training Centre", "{c} Polytechnic Institute"], ["tet", "pt", "en"]),
}

COUNTRY_WEIGHTS = {
    "CN": 45,
    "TH": 10,
    "VN": 9,
    "KH": 7,
    "ID": 9,
    "MY": 6,
    "PH": 6,
    "LA": 3,
    "MM": 3,
    "SG": 1,
    "BN": 0.5,
    "TL": 0.5,
}

# Sector and cooperation type slugs of portal.demo_data, most popular first (Zipf-like draws).
SECTOR_POPULARITY = [
    "mechanical-electrical",
    "intelligent-manufacturing",
    "electronic-information-ict",
    "automotive-nev",
    "new-energy",
    "e-commerce",
    "logistics-supply-chain",
    "tourism-hospitality",
    "railway",
    "artificial-intelligence",
    "construction",
    "digital-agriculture",
    "health-care",
    "aviation",
    "green-skills",
]
TYPE_POPULARITY = [
    "teacher-training",
    "student-exchange",
    "internship-placement",
    "curriculum-standards",
    "industrial-college",
    "staff-exchange",
    "joint-programme",
    "language-skills",
    "scholarship",
    "skills-competition",
    "online-course-sharing",
    "equipment-donation",
    "joint-research",
    "policy-dialogue",
]

DESCRIPTION_OPENINGS = [
    "Public vocational college training technicians in {sectors}.",
    "Trains skilled workers and technicians for {sectors}, with workshops built together with local enterprises.",
    "Offers diploma programmes in {sectors} and short courses for industry.",
    "Runs school–enterprise cooperation in {sectors} and hosts international students every year.",
    "Provides training and certification in {sectors}; partner of regional industrial parks.",
]
DESCRIPTION_EXTRAS = [
    "Looking for partners in Southeast Asia for student exchange and teacher training.",
    "Hosts a Luban Workshop and shares training standards with partner colleges abroad.",
    "Welcomes cooperation on curriculum development and joint certification.",
    "Runs “language + skills” programmes for international students.",
    "Has dormitories for visiting students and an international office.",
    "Member of the China–ASEAN vocational education alliance.",
    "",
]
# Chinese translations of the description, given to every fourth Chinese institution (chosen by
# its number, not drawn, so that the seed's other draws stay as they were).
DESCRIPTION_ZH = [
    "公办高等职业院校，培养区域产业急需的技术技能人才。",
    "与本地企业共建实训基地，培养高素质技术技能人才。",
    "开展国际合作办学，每年接收东盟国家留学生。",
]


@dataclass
class Taxonomy:
    sector_ids: dict[str, int]
    type_ids: dict[str, int]


def _zipf_weights(n: int, exponent: float = 1.0) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, n + 1)]


def _cn_ordinal(number: int) -> str:
    """Return 第N as written in Chinese school names, for 2 ≤ number ≤ 99."""
    tens, units = divmod(number, 10)
    text = ("" if tens == 1 else CN_NUMERALS[tens]) + "十" if tens else ""
    return "第" + text + (CN_NUMERALS[units] if units else "")


class _Generator:
    def __init__(self, rng: random.Random, taxonomy: Taxonomy) -> None:
        from portal.demo_data import INSTITUTIONS as DEMO_INSTITUTIONS

        self.rng = rng
        self.taxonomy = taxonomy
        # The names of the demo's real institutions are taken from the start (a name is unique
        # per country, whatever its case), so that the demo still loads into a benchmark database.
        self.seen: set[tuple[str, str]] = {(facts["name"].lower(), facts["country"]) for facts in DEMO_INSTITUTIONS}
        self.next_number: dict[tuple[str, str], int] = {}
        self.sector_weights = _zipf_weights(len(SECTOR_POPULARITY))
        self.type_weights = _zipf_weights(len(TYPE_POPULARITY), 0.8)
        self.countries = list(COUNTRY_WEIGHTS)
        self.country_weights = list(COUNTRY_WEIGHTS.values())

    def sectors(self, k: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < k:
            slug = self.rng.choices(SECTOR_POPULARITY, self.sector_weights)[0]
            if slug not in chosen:
                chosen.append(slug)
        return chosen

    def unique(self, country: str, make) -> tuple[str, str]:
        """Return ``make(number)`` for the first number (1, 2, …) whose English name is new in ``country``."""
        base_key = (make(1)[0].lower(), country)
        number = self.next_number.get(base_key, 1)
        while True:
            name, local = make(number)
            key = (name.lower(), country)
            number += 1
            if key not in self.seen:
                self.seen.add(key)
                self.next_number[base_key] = number
                return name, local

    def institution(self, index: int) -> tuple[Institution, list[str], list[tuple[str, str]], list[tuple[str, str]]]:
        rng = self.rng
        country = rng.choices(self.countries, self.country_weights)[0]
        sectors = self.sectors(rng.choice([1, 2, 2, 3, 3, 4]))
        acronym = ""
        if country == "CN":
            city, city_zh, province = rng.choice(CN_CITIES)
            if rng.random() < 0.12:
                suffix, suffix_zh, sector = rng.choice(CN_ENTERPRISES)
                sectors = [sector, *[s for s in sectors if s != sector]][:3]
                kind = "enterprise"

                def make(n, city=city, city_zh=city_zh, suffix=suffix, suffix_zh=suffix_zh):
                    if n == 1:
                        return f"{city} {suffix}", f"{city_zh}{suffix_zh}"
                    return f"{city} No. {n} {suffix}", f"{city_zh}{_cn_ordinal(n)}{suffix_zh}"
            else:
                field_en, field_zh = rng.choice(CN_FIELDS)
                suffix, suffix_zh, kind = rng.choice(CN_SUFFIXES)
                place, place_zh = (province, CN_PROVINCES_ZH[province]) if rng.random() < 0.3 else (city, city_zh)

                def make(n, place=place, place_zh=place_zh, field_en=field_en, field_zh=field_zh, suffix=suffix):
                    words = " ".join(w for w in (place, field_en, suffix) if w)
                    local = f"{place_zh}{field_zh}{suffix_zh}"
                    if n == 1:
                        return words, local
                    return (
                        " ".join(w for w in (place, f"No. {n}", field_en, suffix) if w),
                        f"{place_zh}{_cn_ordinal(n)}{field_zh}{suffix_zh}",
                    )

            name, name_local = self.unique(country, make)
            acronym = "".join(w[0] for w in name.replace("No.", "").split() if w[0].isupper())[:6]
            languages = ["zh"] + (["en"] if rng.random() < 0.6 else []) + (["th"] if rng.random() < 0.05 else [])
        elif country == "TH":
            province, province_th = rng.choice(TH_PROVINCES)
            pattern, prefix, kind = rng.choice(TH_KINDS)
            city = province

            def make(n, pattern=pattern, prefix=prefix, province=province, province_th=province_th):
                suffix = "" if n == 1 else f" {n}"
                return pattern.format(p=province) + suffix, f"{prefix}{province_th}{suffix}"

            name, name_local = self.unique(country, make)
            languages = ["th"] + (["en"] if rng.random() < 0.7 else []) + (["zh"] if rng.random() < 0.2 else [])
        elif country == "KH":
            province, province_km = rng.choice(KH_PROVINCES)
            pattern, prefix, kind = rng.choice(KH_KINDS)
            city = province

            def make(n, pattern=pattern, prefix=prefix, province=province, province_km=province_km):
                suffix = "" if n == 1 else f" {n}"
                return pattern.format(p=province) + suffix, f"{prefix}{province_km}{suffix}"

            name, name_local = self.unique(country, make)
            acronym = "".join(w[0] for w in name.split() if w[0].isupper())[:6]
            languages = ["km"] + (["en"] if rng.random() < 0.8 else []) + (["fr"] if rng.random() < 0.1 else [])
        elif country == "VN":
            city_en, city = rng.choice(VN_CITIES)
            field_en, field_vi, kind = rng.choice(VN_FIELDS)
            province = city

            def make(n, city_en=city_en, city=city, field_en=field_en, field_vi=field_vi):
                suffix = "" if n == 1 else f" No. {n}"
                local_suffix = "" if n == 1 else f" số {n}"
                return f"{city_en} College of {field_en}{suffix}", f"Trường Cao đẳng {field_vi} {city}{local_suffix}"

            name, name_local = self.unique(country, make)
            languages = ["vi"] + (["en"] if rng.random() < 0.6 else [])
        else:
            cities, patterns, languages = OTHER_ASEAN[country]
            city = rng.choice(cities)
            pattern = rng.choice(patterns)
            kind = "polytechnic" if "oly" in pattern else "vocational_college"

            def make(n, pattern=pattern, city=city):
                name = pattern.format(c=city, n=n)
                if "{n}" not in pattern and n > 1:
                    name = f"{name} {n}"
                return name, ""

            name, name_local = self.unique(country, make)
            province = city
            languages = list(languages[: rng.choice([1, 2, len(languages)])])

        labels = " and ".join(s.replace("-", " ") for s in sectors[:2])
        description = rng.choice(DESCRIPTION_OPENINGS).format(sectors=labels) + " " + rng.choice(DESCRIPTION_EXTRAS)
        offers = self.profile_items(sectors, rng.choice([0, 1, 2, 2, 3, 4]))
        needs = self.profile_items(sectors, rng.choice([0, 1, 1, 2, 3]))
        from institutions.models import Institution

        institution = Institution(
            name=name,
            name_local=name_local,
            acronym=acronym,
            slug=f"{SLUG_PREFIX}{index}",
            kind=kind,
            country=country,
            province=province,
            city=city,
            description=description.strip(),
            languages=languages,
            verification_status=rng.choices(["verified", "unverified", "rejected"], [80, 18, 2])[0],
        )
        if country == "CN" and index % 4 == 0:
            institution.translations = {"description": {"zh-hans": DESCRIPTION_ZH[index % len(DESCRIPTION_ZH)]}}
        institution.search_translations = institution.compute_search_translations()
        institution.search_grams = institution.compute_search_grams()
        institution.offer_keys = sorted({self.key(t, s) for t, s in offers})
        institution.need_keys = sorted({self.key(t, s) for t, s in needs})
        return institution, sectors, offers, needs

    def profile_items(self, sectors: list[str], k: int) -> list[tuple[str, str]]:
        """Draw ``k`` distinct (type, sector) pairs, mostly in the institution's own sectors."""
        items: set[tuple[str, str]] = set()
        for _ in range(k * 3):
            if len(items) == k:
                break
            type_slug = self.rng.choices(TYPE_POPULARITY, self.type_weights)[0]
            sector = self.rng.choice(sectors) if self.rng.random() < 0.8 else self.sectors(1)[0]
            items.add((type_slug, sector))
        return sorted(items)

    def key(self, type_slug: str, sector_slug: str) -> str:
        return f"{self.taxonomy.type_ids[type_slug]}:{self.taxonomy.sector_ids[sector_slug]}"


def generate(
    n: int, seed: int, taxonomy: Taxonomy
) -> Iterator[tuple[Institution, list[str], list[tuple[str, str]], list[tuple[str, str]]]]:
    """Draw ``n`` unsaved institutions with their sector slugs, offers and needs (no database needed)."""
    generator = _Generator(random.Random(seed), taxonomy)
    for index in range(n):
        yield generator.institution(index)


def write_drawn(drawn: list, taxonomy: Taxonomy) -> list[Institution]:
    """Insert drawn institutions (``generate()``'s rows) with their sector links, offers and needs."""
    from institutions.models import Institution, Need, Offer

    SectorLink = Institution.sectors.through
    created = Institution.objects.bulk_create([row[0] for row in drawn])
    links, offers, needs = [], [], []
    for institution, sector_slugs, offer_items, need_items in drawn:
        links += [SectorLink(institution_id=institution.pk, sector_id=taxonomy.sector_ids[s]) for s in sector_slugs]
        offers += [
            Offer(institution=institution, cooperation_type_id=taxonomy.type_ids[t], sector_id=taxonomy.sector_ids[s])
            for t, s in offer_items
        ]
        needs += [
            Need(institution=institution, cooperation_type_id=taxonomy.type_ids[t], sector_id=taxonomy.sector_ids[s])
            for t, s in need_items
        ]
    SectorLink.objects.bulk_create(links)
    Offer.objects.bulk_create(offers)
    Need.objects.bulk_create(needs)
    return created


def taxonomy_of_portal() -> Taxonomy:
    """The portal's sectors and cooperation types by slug (created first when missing)."""
    from portal.demo import ensure_taxonomies

    sectors, types = ensure_taxonomies()
    return Taxonomy(
        sector_ids={slug: s.pk for slug, s in sectors.items()}, type_ids={slug: t.pk for slug, t in types.items()}
    )


def populate(n: int = 50_000, seed: int = 1, *, verbose: bool = True) -> int:
    """Replace the generated institutions with ``n`` new ones drawn with ``seed``; return ``n``.

    Takes about a minute for 50,000 on two cores. Ensures the demo taxonomies exist first.
    """
    from django.db import connection, transaction

    from institutions.filters import directory_changed
    from institutions.models import Institution, Need, Offer
    from institutions.search import rebuild_search_words

    started = time.monotonic()
    taxonomy = taxonomy_of_portal()
    drawing = generate(n, seed, taxonomy)
    SectorLink = Institution.sectors.through
    with transaction.atomic():
        # Raw deletes of the offers and needs first: deleting them through the ORM would send
        # a post_delete signal, and an institution update, per row.
        generated = generated_institutions()
        for model in (Offer, Need, SectorLink):
            model.objects.filter(institution__in=generated)._raw_delete(model.objects.db)
        generated.delete()
        for start in range(0, n, BATCH):
            drawn = list(itertools.islice(drawing, BATCH))
            created = write_drawn(drawn, taxonomy)
            if verbose:
                print(f"  {start + len(created):>6} institutions", flush=True)
        words = rebuild_search_words()
    # VACUUM also merges the GIN indexes' pending lists, which bulk loads leave long; every
    # lookup would scan them until autovacuum comes by. It cannot run inside a caller's
    # transaction (a test's): there the rows are few and the caller rolls them back.
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    directory_changed()
    if verbose:
        print(f"Generated {n} institutions and {words} vocabulary words in {time.monotonic() - started:.0f} s")
    return n


def generated_institutions():
    """The institutions ``populate()`` wrote: ``bench-<number>``, not ``bench.week``'s ``bench-week-…``.

    The exchange week's institutions hold registrations, which protect them from deletion, and
    counting them made every benchmark run after ``bench.week`` generate the rows again.
    """
    from institutions.models import Institution

    return Institution.objects.filter(slug__regex=rf"^{SLUG_PREFIX}[0-9]+$")


def ensure_populated(n: int = 50_000, seed: int = 1) -> None:
    """Populate unless the benchmark database already holds exactly ``n`` generated rows.

    Serialised with an advisory lock so that two benchmarks started together do not fill the
    database twice at the same time.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(748201)")
        try:
            if generated_institutions().count() != n:
                populate(n, seed)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(748201)")


if __name__ == "__main__":
    import sys

    from bench import setup

    print(f"Database: {setup()}")
    populate(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
