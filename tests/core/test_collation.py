"""Names sorted as each reader's dictionaries sort them (core/collation.py, core/countries.py)."""

import pytest
from django.utils import translation

from core.collation import sort_key, sorted_by_name
from core.countries import PortalCountries, countries
from events.models import Delegation, Event
from institutions.models import Institution


def by_key(names: list[str], language: str) -> list[str]:
    return sorted(names, key=lambda name: sort_key(name, language))


def test_chinese_sorts_by_pinyin():
    names = ["中国", "越南", "柬埔寨", "泰国", "老挝"]

    assert by_key(names, "zh-hans") == ["柬埔寨", "老挝", "泰国", "越南", "中国"]  # jian lao tai yue zhong


def test_chinese_compares_syllable_by_syllable_then_by_character():
    assert by_key(["先锋学院", "西安学院"], "zh-hans") == ["西安学院", "先锋学院"]  # xi an, then xian
    assert by_key(["大连", "重庆"], "zh-hans") == ["重庆", "大连"]  # chong qing (the phrase's reading), da lian
    assert sort_key("柬埔寨", "zh-hans") != sort_key("简普寨", "zh-hans")  # same pinyin, other characters


def test_chinese_names_sort_by_pinyin_for_readers_of_any_language():
    names = ["深圳职业技术大学", "Bangkok Technical College", "广西交通职业技术学院"]

    assert by_key(names, "en") == ["Bangkok Technical College", "广西交通职业技术学院", "深圳职业技术大学"]


def test_thai_sorts_leading_vowels_after_their_consonant():
    names = ["เวียดนาม", "จีน", "ไทย", "กัมพูชา", "ลาว", "มาเลเซีย", "เมียนมา", "สิงคโปร์", "อินโดนีเซีย", "บรูไน"]

    assert by_key(names, "th") == [
        "กัมพูชา",
        "จีน",
        "ไทย",
        "บรูไน",
        "มาเลเซีย",
        "เมียนมา",
        "ลาว",
        "เวียดนาม",
        "สิงคโปร์",
        "อินโดนีเซีย",
    ]


def test_thai_tone_marks_count_only_in_ties():
    assert by_key(["ก้าว", "กาง", "กา"], "th") == ["กา", "กาง", "ก้าว"]


def test_lao_sorts_leading_vowels_after_their_consonant_and_so_after_jo():
    names = ["ຫວຽດນາມ", "ຈີນ", "ໄທ", "ກຳປູເຈຍ", "ເກົາຫຼີ", "ລາວ", "ສິງກະໂປ", "ຊຽງໃໝ່", "ມຽນມາ"]

    assert by_key(names, "lo") == ["ກຳປູເຈຍ", "ເກົາຫຼີ", "ຈີນ", "ສິງກະໂປ", "ຊຽງໃໝ່", "ໄທ", "ມຽນມາ", "ລາວ", "ຫວຽດນາມ"]


def test_vietnamese_letters_of_their_own_follow_their_base_letter():
    names = ["Đức", "Ecuador", "Ấn Độ", "Dominica", "Ăng-gô-la", "Áo", "Anh", "Đan Mạch", "Úc", "Ô-man", "Ba Lan"]

    assert by_key(names, "vi") == [
        "Anh",
        "Áo",
        "Ăng-gô-la",
        "Ấn Độ",
        "Ba Lan",
        "Dominica",
        "Đan Mạch",
        "Đức",
        "Ecuador",
        "Ô-man",
        "Úc",
    ]


def test_latin_sorts_case_blind_with_accents_folded():
    names = ["Zambia", "Ísland", "Österreich", "Åland Islands", "albania", "Oman", "Đakovo"]

    assert by_key(names, "en") == ["Åland Islands", "albania", "Đakovo", "Ísland", "Oman", "Österreich", "Zambia"]


def test_names_differing_in_accents_or_case_only_keep_one_order():
    assert by_key(["résumé", "Resume", "resume"], "en") == ["Resume", "resume", "résumé"]


def test_sort_key_reads_the_active_language_by_default():
    with translation.override("vi"):
        assert sorted_by_name(["Đan Mạch", "Dominica"], str) == ["Dominica", "Đan Mạch"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", ["柬埔寨", "老挝", "泰国", "越南", "中国"]),
        ("vi", ["Campuchia", "Lào", "Thái Lan", "Trung Quốc", "Việt Nam"]),
        ("en", ["Cambodia", "China", "Laos", "Thailand", "Vietnam"]),
    ],
)
def test_country_list_follows_the_reader_language(language, expected):
    wanted = {"KH", "CN", "TH", "LA", "VN"}

    with translation.override(language):
        names = [str(name) for code, name in countries if code in wanted]

    assert names == expected


def test_country_list_in_vietnamese_puts_d_with_stroke_after_d():
    with translation.override("vi"):
        names = [str(name) for code, name in countries if code in {"DK", "DM", "DE", "EC"}]

    assert names == ["Dominica", "Đan Mạch", "Đức", "Ecuador"]


@pytest.mark.parametrize(("model", "field"), [(Institution, "country"), (Event, "country"), (Delegation, "country")])
def test_country_fields_offer_the_reader_sorted_list_in_their_forms(model, field):
    model_field = model._meta.get_field(field)

    with translation.override("zh-hans"):
        choices = [str(label) for code, label in model_field.formfield().choices if code in {"KH", "CN", "VN"}]

    assert isinstance(model_field.countries, PortalCountries)
    assert choices == ["柬埔寨", "越南", "中国"]


def test_country_list_keeps_first_countries_first_when_configured(settings):
    settings.COUNTRIES_FIRST = ["VN", "CN"]
    settings.COUNTRIES_FIRST_BREAK = "---"

    with translation.override("zh-hans"):
        listed = list(PortalCountries())

    assert [code for code, _name in listed[:3]] == ["VN", "CN", ""]
    assert [str(name) for _code, name in listed[3:6]] == ["阿尔巴尼亚", "阿尔及利亚", "阿富汗"]  # a er, a er, a fu
