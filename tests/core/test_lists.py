"""Lists in running text take the separator of the reader's language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from core.lists import listed

NAMES = ["Khmer", "Thai", "Lao"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Khmer, Thai, Lao"),
        ("zh-hans", "Khmer、Thai、Lao"),
        ("th", "Khmer Thai Lao"),
        ("my", "Khmer၊ Thai၊ Lao"),
        ("vi", "Khmer, Thai, Lao"),
    ],
)
def test_the_separator_is_the_readers_languages(language, expected):
    with translation.override(language):
        assert listed(NAMES) == expected
        assert Template("{{ names|listed }}").render(Context({"names": NAMES})) == expected


def test_the_filter_escapes_the_items_and_leaves_an_empty_list_empty():
    template = Template("[{{ names|listed }}]")
    assert template.render(Context({"names": ["<b>A</b>", "B"]})) == "[&lt;b&gt;A&lt;/b&gt;, B]"
    assert template.render(Context({"names": []})) == "[]"
    assert template.render(Context({"names": None})) == "[]"


@pytest.mark.django_db
def test_an_institution_page_lists_its_working_languages_in_chinese_with_the_enumeration_comma(client):
    from tests.factories import InstitutionFactory

    institution = InstitutionFactory(languages=["en", "zh", "km"])
    page = client.get(institution.get_absolute_url(), headers={"accept-language": "zh-hans"}).content.decode()
    assert "<dd>英语、中文、高棉语</dd>" in page
