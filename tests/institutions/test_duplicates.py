"""Likely duplicates of an institution, by name, local-script name, acronym and website domain."""

import pytest

from institutions.duplicates import (
    DUPLICATE_THRESHOLD,
    email_domain_matches_website,
    institutions_named_like,
    likely_duplicates,
    name_similarity,
    registrable_domain,
)
from institutions.models import Institution
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("existing", "typed"),
    [
        ("Shenzhen Polytechnic University", "Shenzhen Polytechnic Univ."),
        ("Kampong Speu Institute of Technology", "Kampong Speu Inst. of Technology"),
        ("Kampong Speu Institute of Technology", "Kampong Spue Institute of Technology"),
        ("Hanoi College of Industry", "Ha Noi College of Industry"),
        ("Hanoi College of Industry", "Hà Nội College of Industry"),
        ("University of Science and Technology of Hanoi", "Science & Technology University of Hanoi"),
        ("Phnom Penh Institute of Technology", "Technology Institute of Phnom Penh"),
        ("Liuzhou Vocational and Technical College", "Liuzhou Vocational & Technical College"),
        ("Liuzhou Vocational and Technical College", "LIUZHOU VOCATIONAL AND TECHNICAL COLLEGE"),
        ("National Polytechnic Institute of Cambodia", "National Polytechnic Inst. of Cambodia (NPIC)"),
        # A typo in the first letters of the only distinctive word: no whole word, no prefix
        # of it finds the name; its trigrams do.
        ("Shenzhen Polytechnic University", "Shnezhen Polytechnic University"),
        ("Battambang Institute of Technology", "Batambang Institute of Technology"),
    ],
)
def test_likely_duplicates_spelling_variants_found(existing, typed):
    institution = InstitutionFactory(name=existing, country="KH")
    InstitutionFactory(name="Royal University of Agriculture", country="KH")

    matches = likely_duplicates(name=typed, country="KH")

    assert [m.institution for m in matches] == [institution]
    assert matches[0].score >= DUPLICATE_THRESHOLD
    assert matches[0].reasons


@pytest.mark.parametrize(
    ("existing", "typed"),
    [
        ("Guangxi Vocational College of Agriculture", "Guangxi Vocational College of Transport"),
        ("Guangdong Vocational College", "Guangxi Vocational College"),
        ("Hunan Vocational College", "Yunnan Vocational College"),
        ("Phnom Penh Institute of Technology", "Kampong Speu Institute of Technology"),
        ("Liuzhou Vocational and Technical College", "Liuzhou Railway Vocational Technical College"),
    ],
)
def test_likely_duplicates_different_institutions_not_found(existing, typed):
    InstitutionFactory(name=existing, country="CN")

    assert likely_duplicates(name=typed, country="CN") == []


def test_name_similarity_orders_variants_above_namesakes():
    same = name_similarity("Guangxi Vocational College of Transport", "Guangxi Vocational Coll. of Transport")
    other_field = name_similarity(
        "Guangxi Vocational College of Transport", "Guangxi Vocational College of Agriculture"
    )

    assert same == 1.0
    assert other_field < DUPLICATE_THRESHOLD
    assert other_field > 0.3  # listed as "similar" when a lower bar is asked for


def test_likely_duplicates_lower_bar_lists_namesake_with_lower_score():
    agriculture = InstitutionFactory(name="Guangxi Vocational College of Agriculture", country="CN")

    matches = likely_duplicates(name="Guangxi Vocational College of Transport", country="CN", min_score=0.3)

    assert [m.institution for m in matches] == [agriculture]
    assert matches[0].score < DUPLICATE_THRESHOLD


def test_likely_duplicates_local_script_name_equal_modulo_spaces():
    institution = InstitutionFactory(
        name="Shenzhen Polytechnic University", name_local="深圳职业技术大学", country="CN"
    )
    InstitutionFactory(name="Guangxi Transport College", name_local="广西交通职业技术学院", country="CN")

    matches = likely_duplicates(name="SZPU", name_local="深圳 职业技术大学", country="CN")

    assert [m.institution for m in matches] == [institution]
    assert "same local-script name" in matches[0].reasons


def test_likely_duplicates_local_script_name_of_other_field_not_found():
    InstitutionFactory(name="Guangxi Agricultural College", name_local="广西农业职业技术学院", country="CN")

    assert likely_duplicates(name_local="广西交通职业技术学院", country="CN") == []


def test_likely_duplicates_thai_and_khmer_names():
    thai = InstitutionFactory(name="Chiang Mai Technical College", name_local="วิทยาลัยเทคนิคเชียงใหม่", country="TH")
    khmer = InstitutionFactory(
        name="Kampong Speu Institute of Technology", name_local="វិទ្យាស្ថានបច្ចេកវិទ្យាកំពង់ស្ពឺ", country="KH"
    )

    assert [m.institution for m in likely_duplicates(name_local="วิทยาลัยเทคนิคเชียงใหม่")] == [thai]
    assert [m.institution for m in likely_duplicates(name_local="វិទ្យាស្ថានបច្ចេកវិទ្យាកំពង់ស្ពឺ")] == [khmer]


def test_likely_duplicates_same_website_domain_with_other_name():
    institution = InstitutionFactory(name="Shenzhen Polytechnic", website="https://www.szpu.edu.cn/", country="CN")

    matches = likely_duplicates(name="SZ Poly Univ", website="http://en.szpu.edu.cn/about", country="CN")

    assert [m.institution for m in matches] == [institution]
    assert matches[0].reasons == ["same website domain (szpu.edu.cn)"]


def test_likely_duplicates_free_mail_domain_never_matches():
    InstitutionFactory(name="Some Enterprise", website="https://gmail.com", country="CN")

    assert likely_duplicates(name="Other Company", website="https://mail.gmail.com", country="CN") == []


def test_likely_duplicates_acronym_lifts_close_name():
    institution = InstitutionFactory(name="Shenzhen Polytechnic", acronym="SZPT", country="CN")

    without = likely_duplicates(name="Shenzhen Polytechnic University", country="CN", min_score=0)
    with_acronym = likely_duplicates(name="Shenzhen Polytechnic University", acronym="szpt", country="CN")

    assert [m.institution for m in with_acronym] == [institution]
    assert with_acronym[0].score > without[0].score
    assert "same acronym" in with_acronym[0].reasons


def test_likely_duplicates_other_country_scores_lower():
    InstitutionFactory(name="Technical College of Commerce", country="VN")

    same_country = likely_duplicates(name="Technical Coll. of Commerce", country="VN")
    other_country = likely_duplicates(name="Technical Coll. of Commerce", country="LA", min_score=0)

    assert other_country[0].score < same_country[0].score


def test_likely_duplicates_excludes_rejected_and_excluded_pk():
    rejected = InstitutionFactory(name="Angkor Skills Institute", verification_status=Institution.Verification.REJECTED)
    edited = InstitutionFactory(name="Angkor Skills Centre")

    assert likely_duplicates(name="Angkor Skills Institute", exclude_pk=edited.pk) == []
    assert rejected.pk not in [m.institution.pk for m in likely_duplicates(name="Angkor Skills Institute")]


def test_likely_duplicates_best_first_and_limited():
    exact = InstitutionFactory(name="Battambang Institute of Technology", country="KH")
    close = InstitutionFactory(name="Battambang Polytechnic Institute of Technology", country="KH")

    matches = likely_duplicates(name="Battambang Inst. of Technology", country="KH")

    assert [m.institution for m in matches] == [exact, close]
    assert likely_duplicates(name="Battambang Inst. of Technology", country="KH", limit=1)[0].institution == exact


def test_likely_duplicates_queries_bounded(django_assert_max_num_queries):
    for number in range(30):
        InstitutionFactory(
            name=f"Yunnan Vocational College {number}", name_local=f"云南职业学院{number}", acronym="YVC"
        )

    with django_assert_max_num_queries(5):
        likely_duplicates(
            name="Yunnan Vocational College", name_local="云南职业学院", acronym="YVC", website="yvc.edu.cn"
        )


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("https://www.szpu.edu.cn/en/", "szpu.edu.cn"),
        ("mail.szpu.edu.cn", "szpu.edu.cn"),
        ("someone@mail.szpu.edu.cn", "szpu.edu.cn"),
        ("http://www.itc.edu.kh", "itc.edu.kh"),
        ("https://www.chula.ac.th", "chula.ac.th"),
        ("https://www.huawei.com/en/", "huawei.com"),
        ("https://careers.huawei.com", "huawei.com"),
        ("", ""),
        ("not a url", ""),
    ],
)
def test_registrable_domain(value, domain):
    assert registrable_domain(value) == domain


@pytest.mark.parametrize(
    ("email", "website", "expected"),
    [
        ("wang@szpu.edu.cn", "https://www.szpu.edu.cn", True),
        ("wang@mail.szpu.edu.cn", "https://szpu.edu.cn", True),
        ("wang@SZPU.EDU.CN", "https://www.szpu.edu.cn/", True),
        ("wang@other.edu.cn", "https://www.szpu.edu.cn", False),
        ("wang@gmail.com", "https://www.gmail.com", False),
        ("wang@qq.com", "https://qq.com", False),
        ("wang@vip.163.com", "https://163.com", False),
        ("wang@szpu.edu.cn", "", False),
    ],
)
def test_email_domain_matches_website(email, website, expected):
    assert email_domain_matches_website(email, website) is expected


def test_institutions_named_like_finds_misspelt_words_at_the_start_of_a_longer_name():
    wanted = InstitutionFactory(name="Shenzhen Polytechnic University", country="CN")
    InstitutionFactory(name="Shenzhen Institute of Information Technology", country="CN")
    InstitutionFactory(name="Nanning Polytechnic", country="CN")

    assert institutions_named_like("Shenzen Poly") == [wanted]
    assert institutions_named_like("Shnezhen Polytechnic") == [wanted]
