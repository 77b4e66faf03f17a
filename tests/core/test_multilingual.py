"""Texts in several languages: the reader's language, then English, then the original."""

import pickle

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template import Context, Template
from django.utils import translation

from core.multilingual import LocalizedText, TranslationsFormMixin, clean_translations, pick, reader_language
from institutions.models import Sector
from tests.factories import SectorFactory


@pytest.mark.parametrize(
    ("reader", "expected", "language"),
    [
        ("km", "ការបណ្តុះបណ្តាលគ្រូ", "km"),  # the reader's own
        ("th", "Teacher training", "en"),  # no Thai: English
        ("en", "Teacher training", "en"),
        ("zh-hans", "教师培训", "zh-hans"),  # the original is Chinese
    ],
)
def test_pick_prefers_the_readers_language_then_english_then_the_original(reader, expected, language):
    text = pick("教师培训", "zh-hans", {"en": "Teacher training", "km": "ការបណ្តុះបណ្តាលគ្រូ"}, reader)

    assert (str(text), text.language, text.requested) == (expected, language, reader)
    assert text.is_fallback == (language != reader)


def test_pick_falls_back_to_the_original_when_there_is_no_english():
    text = pick("ສະຖາບັນເຕັກນິກ", "lo", {"th": "สถาบันเทคนิค"}, "vi")

    assert (str(text), text.language, text.is_fallback) == ("ສະຖາບັນເຕັກນິກ", "lo", True)
    with translation.override("zh-hans"):
        assert text.language_name == "老挝语"


def test_pick_of_an_empty_text_is_empty_and_never_a_fallback():
    text = pick("", "en", {}, "km")

    assert str(text) == ""
    assert not text.is_fallback


def test_blank_translations_are_ignored():
    assert str(pick("Railway", "en", {"km": "  "}, "km")) == "Railway"


@pytest.mark.parametrize(
    ("given", "expected"), [("zh-Hans", "zh-hans"), ("zh-cn", "zh-hans"), ("km-KH", "km"), ("de", "en")]
)
def test_reader_language_maps_any_variant_to_a_portal_language(given, expected):
    assert reader_language(given) == expected


def test_reader_language_defaults_to_the_active_language():
    with translation.override("th"):
        assert reader_language() == "th"


def test_clean_translations_keeps_known_fields_and_languages_and_drops_empty_texts():
    cleaned = clean_translations({"name": {"km": " ដឹកជញ្ជូន ", "th": ""}}, ("name",), {"name": 120})

    assert cleaned == {"name": {"km": "ដឹកជញ្ជូន"}}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["km"], "per text and language"),
        ({"slug": {"km": "x"}}, "takes no translations"),
        ({"name": {"xx": "x"}}, "not a language of the portal"),
        ({"name": {"km": 3}}, "per text and language"),
        ({"name": "x"}, "per text and language"),
        ({"name": {"km": "x" * 121}}, "longer than 120 characters"),
    ],
)
def test_clean_translations_refuses_what_it_cannot_store(value, message):
    with pytest.raises(ValidationError, match=message):
        clean_translations(value, ("name",), {"name": 120})


class SectorForm(TranslationsFormMixin, forms.ModelForm):
    class Meta:
        model = Sector
        fields = ["slug", "name", "position"]


@pytest.mark.django_db
def test_form_stores_translations_without_the_original_language_and_keeps_it():
    form = SectorForm(
        data={
            "slug": "railway",
            "name": "Railway",
            "position": 1,
            "original_language": "en",
            "translation_name_en": "Railway (ignored: the original is English)",
            "translation_name_km": "ផ្លូវដែក",
            "translation_name_zh-hans": "铁路",
            "translation_name_th": "",
        }
    )

    assert form.is_valid(), form.errors
    sector = form.save()

    sector.refresh_from_db()
    assert sector.translations == {"name": {"km": "ផ្លូវដែក", "zh-hans": "铁路"}}
    assert sector.original_language == "en"
    with translation.override("km"):
        assert sector.label == "ផ្លូវដែក"


@pytest.mark.django_db
def test_form_shows_stored_translations_and_opens_only_the_languages_with_text():
    sector = SectorFactory(name="Railway", translations={"name": {"lo": "ທາງລົດໄຟ"}})

    form = SectorForm(instance=sector)

    groups = {group["code"]: group for group in form.translation_groups}
    assert len(groups) == 9
    assert groups["lo"]["open"]
    assert not groups["km"]["open"]
    assert groups["lo"]["fields"][0].value() == "ທາງລົດໄຟ"
    assert 'lang="lo"' in str(groups["lo"]["fields"][0])


@pytest.mark.django_db
def test_form_refuses_a_translation_longer_than_its_field_and_changes_nothing():
    sector = SectorFactory(name="Railway", translations={"name": {"lo": "ທາງລົດໄຟ"}})
    data = {"slug": sector.slug, "name": "Railway", "position": 1, "original_language": "en"}

    form = SectorForm(instance=sector, data={**data, "translation_name_km": "ក" * 121})

    assert not form.is_valid()
    assert "translation_name_km" in form.errors
    sector.refresh_from_db()
    assert sector.translations == {"name": {"lo": "ທາງລົດໄຟ"}}


@pytest.mark.django_db
def test_template_tags_mark_a_fallback_with_its_language_and_say_so():
    sector = SectorFactory(name="Railway", translations={"name": {"zh-hans": "铁路"}})
    template = Template(
        '{% load multilingual %}{% with text=sector|localized:"name" %}'
        "<p{{ text|lang_attribute }}>{{ text }}</p>{% fallback_note text %}{% endwith %}"
    )

    with translation.override("zh-hans"):
        chinese = template.render(Context({"sector": sector}))
    with translation.override("km"):
        khmer = template.render(Context({"sector": sector}))

    assert chinese.strip() == "<p>铁路</p>"
    assert khmer.startswith('<p lang="en">Railway</p>')
    assert "ភាសាអង់គ្លេស" in khmer
    assert "fallback-note" in khmer


def test_localized_text_survives_the_cache_with_its_languages():
    text = pickle.loads(pickle.dumps(LocalizedText("Railway", "en", "km")))  # noqa: S301 -- our own value

    assert (str(text), text.language, text.requested, text.is_fallback) == ("Railway", "en", "km", True)


def test_localized_text_is_a_plain_string_for_everything_else():
    text = LocalizedText("Railway", "en", "km")

    assert text == "Railway"
    assert text.upper() == "RAILWAY"


@pytest.mark.django_db(transaction=True)
def test_migration_moves_the_chinese_names_into_the_translations():
    executor = MigrationExecutor(connection)
    before = [("institutions", "0005_fill_search_vocabulary")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_apps.get_model("institutions", "Sector").objects.create(slug="rail", name="Railway", name_zh_hans="铁路")
    old_apps.get_model("institutions", "CooperationType").objects.create(slug="x", name="Exchange", name_zh_hans="")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Sector.objects.get(slug="rail").translations == {"name": {"zh-hans": "铁路"}}
    from institutions.models import CooperationType

    assert CooperationType.objects.get(slug="x").translations == {}
