import pytest

from institutions.filters import public_institutions
from institutions.models import Institution, SearchWord
from institutions.search import (
    damerau_levenshtein,
    parse_query,
    rebuild_search_words,
    search_institutions,
    similar_words,
)
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def found(text: str, **kwargs) -> list[str]:
    hits = search_institutions(public_institutions(), text, **kwargs)
    names = dict(Institution.objects.filter(pk__in=hits.ids).values_list("pk", "name"))
    return [names[pk] for pk in hits.ids]


def test_search_stems_english_words():
    InstitutionFactory(name="Kampot Regional Training Centre")
    InstitutionFactory(name="Kampot Museum of Art")

    assert found("train") == ["Kampot Regional Training Centre"]
    assert found("trainings") == ["Kampot Regional Training Centre"]


def test_search_treats_the_last_word_as_a_prefix_for_search_as_you_type():
    InstitutionFactory(name="Liuzhou Railway Polytechnic")
    InstitutionFactory(name="Liuzhou Railway Museum")

    assert found("liuzhou polytech") == ["Liuzhou Railway Polytechnic"]


def test_search_ignores_english_stop_words():
    InstitutionFactory(name="Kampong Speu Institute of Technology")

    assert found("institute of technology") == ["Kampong Speu Institute of Technology"]


def test_search_finds_a_chinese_substring():
    InstitutionFactory(name="Shenzhen Polytechnic University", name_local="深圳职业技术大学")
    InstitutionFactory(name="Shenzhen University", name_local="深圳大学")

    assert found("深圳职业") == ["Shenzhen Polytechnic University"]
    assert found("技术大学") == ["Shenzhen Polytechnic University"]
    assert found("深圳") == ["Shenzhen Polytechnic University", "Shenzhen University"]


def test_search_finds_a_two_character_chinese_word():
    # Most Chinese words have two characters, too few for a single trigram: the bigram array
    # answers them (a pg_trgm index could not serve this query).
    InstitutionFactory(
        name="Nanning Teachers College", translations={"description": {"zh-hans": "中等职业学校师资培训"}}
    )
    InstitutionFactory(name="Nanning Finance College", translations={"description": {"zh-hans": "资师范"}})

    assert found("师资") == ["Nanning Teachers College"]


def test_search_drops_rows_holding_the_bigrams_apart():
    # 职业, 业技 and 技术 are all here, but never as 职业技术.
    InstitutionFactory(name="Scrambled", name_local="职业学院业技中心技术部")
    InstitutionFactory(name="Real", name_local="南宁职业技术学院")

    assert found("职业技术") == ["Real"]


def test_search_finds_thai_and_khmer_substrings():
    InstitutionFactory(name="Chiang Mai Technical College", name_local="วิทยาลัยเทคนิคเชียงใหม่", country="TH")
    InstitutionFactory(name="Chiang Mai Vocational College", name_local="วิทยาลัยอาชีวศึกษาเชียงใหม่", country="TH")
    InstitutionFactory(name="Kampong Speu Institute of Technology", name_local="វិទ្យាស្ថានបច្ចេកវិទ្យាកំពង់ស្ពឺ")
    InstitutionFactory(name="Kampong Cham Institute of Technology", name_local="វិទ្យាស្ថានបច្ចេកវិទ្យាកំពង់ចាម")

    assert found("เทคนิค") == ["Chiang Mai Technical College"]
    assert found("เชียงใหม่") == ["Chiang Mai Technical College", "Chiang Mai Vocational College"]
    assert found("កំពង់ស្ពឺ") == ["Kampong Speu Institute of Technology"]


def test_search_finds_lao_and_burmese_substrings():
    # Both scripts are written without spaces between words, like Thai and Khmer.
    InstitutionFactory(name="Vientiane Technical College", name_local="ວິທະຍາໄລເຕັກນິກວຽງຈັນ", country="LA")
    InstitutionFactory(name="Pakpasak Technical College", name_local="ວິທະຍາໄລເຕັກນິກປາກປາສັກ", country="LA")
    InstitutionFactory(name="Yangon Technological University", name_local="ရန်ကုန်နည်းပညာတက္ကသိုလ်", country="MM")
    InstitutionFactory(name="Mandalay Technological University", name_local="မန္တလေးနည်းပညာတက္ကသိုလ်", country="MM")

    assert found("ວຽງຈັນ") == ["Vientiane Technical College"]
    assert found("ເຕັກນິກ") == ["Pakpasak Technical College", "Vientiane Technical College"]
    assert found("ရန်ကုန်") == ["Yangon Technological University"]
    assert found("နည်းပညာ") == ["Mandalay Technological University", "Yangon Technological University"]


def test_search_finds_a_single_character():
    InstitutionFactory(name="Guangxi Transport College", name_local="广西交通职业技术学院")
    InstitutionFactory(name="Yunnan College", name_local="云南学院")

    assert found("桂") == []
    assert found("广") == ["Guangxi Transport College"]


def test_search_tolerates_a_misspelled_name():
    InstitutionFactory(name="Kampong Speu Institute of Technology")
    InstitutionFactory(name="Kampong Cham Institute of Technology")

    assert found("Kampong Spue") == ["Kampong Speu Institute of Technology"]
    assert found("Kampng Speu") == ["Kampong Speu Institute of Technology"]


def test_search_ranks_exact_words_above_corrected_ones():
    # "welding" is only in a description (not in the vocabulary), so it is also corrected to
    # the name "Welting"; the exact match must still come first.
    InstitutionFactory(name="Welting College")
    InstitutionFactory(name="Baise Industrial School", description="Courses in welding and machining.")

    assert found("welding") == ["Baise Industrial School", "Welting College"]


def test_search_finds_acronyms():
    InstitutionFactory(name="Shenzhen Institute of Information Technology", acronym="SZIIT")
    InstitutionFactory(name="Shenzhen Polytechnic University", acronym="SZPU")

    assert found("sziit") == ["Shenzhen Institute of Information Technology"]


def test_search_folds_accents():
    InstitutionFactory(name="Hanoi College of Technology", city="Hà Nội", country="VN")
    InstitutionFactory(name="Hue College of Tourism", city="Huế", country="VN")

    assert found("Ha Noi") == ["Hanoi College of Technology"]
    assert found("hue") == ["Hue College of Tourism"]


def test_search_finds_places_and_descriptions_and_ranks_names_first():
    InstitutionFactory(name="Nanning Logistics Group", city="Nanning")
    InstitutionFactory(name="Beibu Gulf Port", city="Qinzhou", description="Logistics hub for Nanning traders.")

    assert found("nanning") == ["Nanning Logistics Group", "Beibu Gulf Port"]


def test_search_caps_the_candidates_and_says_so():
    for number in range(3):
        InstitutionFactory(name=f"Baise Polytechnic {number}")

    hits = search_institutions(public_institutions(), "baise", cap=2)

    assert (len(hits.ids), hits.capped) == (2, True)
    assert search_institutions(public_institutions(), "baise", cap=3).capped is False


def test_search_orders_by_name_when_asked():
    InstitutionFactory(name="Zhuhai Polytechnic")
    InstitutionFactory(name="Anhui Polytechnic")

    assert found("polytechnic", order="name") == ["Anhui Polytechnic", "Zhuhai Polytechnic"]


def test_vocabulary_follows_saved_institutions():
    InstitutionFactory(name="Battambang Polytechnic", acronym="NPIC", city="Battambang", province="Đà Nẵng")

    words = set(SearchWord.objects.values_list("word", flat=True))

    assert {"battambang", "polytechnic", "npic", "nang", "nẵng"} <= words


def test_rebuild_search_words_covers_bulk_created_institutions():
    Institution.objects.bulk_create([Institution(name="Kratie Skills Centre", slug="kratie", country="KH")])
    assert similar_words("kratei") == []

    rebuild_search_words()

    assert similar_words("kratei") == ["kratie"]


def test_similar_words_finds_a_typo_at_the_start_of_a_short_word():
    # "speu" shares only two of its trigrams with "spue" (similarity 0.25, below pg_trgm's
    # default threshold of 0.3): the nearest words are compared by edit distance instead.
    InstitutionFactory(name="Kampong Speu Institute of Technology")

    assert similar_words("spue") == ["speu"]
    assert similar_words("psue") == []  # two edits in a four-letter word


def test_similar_words_stays_within_the_allowed_distance():
    InstitutionFactory(name="Savannakhet Technical College", country="LA")

    assert similar_words("savanakhet") == ["savannakhet"]  # 10 letters: 2 edits allowed
    assert similar_words("tecnhical") == ["technical"]  # one swap and one deletion
    assert similar_words("collage") == ["college"]
    assert similar_words("savxnxxhet") == []


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("spue", "speu", 1), ("kampong", "kampng", 1), ("college", "collage", 1), ("abc", "abc", 0), ("ab", "ba", 1)],
)
def test_damerau_levenshtein(a, b, distance):
    assert damerau_levenshtein(a, b) == distance


def test_parse_query_splits_latin_words_and_unspaced_runs():
    parsed = parse_query("Shenzhen 职业 of the")

    assert [w.word for w in parsed.words] == ["shenzhen"]
    assert parsed.runs == ["职业"]


# --- The description in several languages ------------------------------------------------


def test_search_finds_a_description_by_a_word_of_any_of_its_translations():
    InstitutionFactory(
        name="Takeo Technical Institute",
        description="Trains electricians and welders for the province.",
        translations={
            "description": {
                "km": "វិទ្យាស្ថានបណ្តុះបណ្តាលជាងអគ្គិសនី និងជាងផ្សារដែក",
                "zh-hans": "培养电工和焊工的职业技术学院",
                "vi": "Đào tạo thợ điện và thợ hàn cho tỉnh",
            }
        },
    )
    InstitutionFactory(name="Kep Hotel School", description="Cooks and receptionists.")

    assert found("ជាងអគ្គិសនី") == ["Takeo Technical Institute"]  # a Khmer word inside the translation
    assert found("职业") == ["Takeo Technical Institute"]
    assert found("thợ hàn") == ["Takeo Technical Institute"]  # a Latin-script translation, accents and all
    assert found("electricians") == ["Takeo Technical Institute"]  # the English original, as before
    assert found("welders") == ["Takeo Technical Institute"]


def test_search_follows_a_translation_that_changes():
    institution = InstitutionFactory(name="Kampot Polytechnic", translations={"description": {"zh-hans": "旅游学院"}})
    assert found("旅游") == ["Kampot Polytechnic"]

    institution.translations = {"description": {"zh-hans": "农业学院"}}
    institution.save()

    assert found("旅游") == []
    assert found("农业") == ["Kampot Polytechnic"]


def test_search_translations_hold_the_translations_but_not_the_original():
    institution = InstitutionFactory(
        description="Railway engineering.",
        original_language="en",
        translations={"description": {"th": "วิศวกรรมรถไฟ", "lo": "ວິສະວະກໍາລົດໄຟ"}},
    )

    institution.refresh_from_db()
    assert "Railway" not in institution.search_translations
    assert "วิศวกรรมรถไฟ" in institution.search_translations
    assert "ວິສະວະກໍາລົດໄຟ" in institution.search_translations
    assert "รถ" in institution.search_grams
