"""Events, sessions and the networking survey take texts in several languages.

Events and sessions get the original language and translations of their texts. The survey's
Chinese columns (title, introduction, question) become translations into "zh-hans", and each
choice ``{"en": …, "zh_hans": …}`` is keyed by portal language code, ``{"en": …, "zh-hans": …}``.
Every Chinese text is kept; the reverse step puts them back.
"""

import core.multilingual
from django.db import migrations, models


def _choices_by_language_code(choices, old, new):
    converted = []
    for choice in choices or []:
        if not isinstance(choice, dict):
            converted.append(choice)
            continue
        choice = dict(choice)
        if old in choice:
            text = choice.pop(old)
            if text:
                choice[new] = text
        converted.append(choice)
    return converted


def chinese_columns_to_translations(apps, schema_editor):
    for survey in apps.get_model("events", "Survey").objects.all():
        translations = {}
        if survey.title_zh_hans:
            translations["title"] = {"zh-hans": survey.title_zh_hans}
        if survey.introduction_zh_hans:
            translations["introduction"] = {"zh-hans": survey.introduction_zh_hans}
        survey.translations = translations
        survey.save(update_fields=["translations"])
    for question in apps.get_model("events", "SurveyQuestion").objects.all():
        question.translations = {"text": {"zh-hans": question.text_zh_hans}} if question.text_zh_hans else {}
        question.choices = _choices_by_language_code(question.choices, "zh_hans", "zh-hans")
        question.save(update_fields=["translations", "choices"])


def translations_to_chinese_columns(apps, schema_editor):
    for survey in apps.get_model("events", "Survey").objects.all():
        translations = survey.translations or {}
        survey.title_zh_hans = (translations.get("title") or {}).get("zh-hans", "")[:200]
        survey.introduction_zh_hans = (translations.get("introduction") or {}).get("zh-hans", "")
        survey.save(update_fields=["title_zh_hans", "introduction_zh_hans"])
    for question in apps.get_model("events", "SurveyQuestion").objects.all():
        question.text_zh_hans = ((question.translations or {}).get("text") or {}).get("zh-hans", "")[:300]
        # Only English and Chinese had a place before: other languages' choices are dropped.
        question.choices = [
            {"en": choice.get("en", ""), "zh_hans": choice.get("zh-hans", "")} if isinstance(choice, dict) else choice
            for choice in question.choices or []
        ]
        question.save(update_fields=["text_zh_hans", "choices"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_country_lists_sorted_by_reader_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="original_language",
            field=models.CharField(
                choices=core.multilingual.content_languages,
                default="en",
                help_text="The language the texts above are written in. Translations go below.",
                max_length=10,
                verbose_name="language of the text",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
        migrations.AddField(
            model_name="session",
            name="original_language",
            field=models.CharField(
                choices=core.multilingual.content_languages,
                default="en",
                help_text="The language the texts above are written in. Translations go below.",
                max_length=10,
                verbose_name="language of the text",
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
        migrations.AddField(
            model_name="survey",
            name="original_language",
            field=models.CharField(
                choices=core.multilingual.content_languages,
                default="en",
                help_text="The language the texts above are written in. Translations go below.",
                max_length=10,
                verbose_name="language of the text",
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
        migrations.AddField(
            model_name="surveyquestion",
            name="original_language",
            field=models.CharField(
                choices=core.multilingual.content_languages,
                default="en",
                help_text="The language the texts above are written in. Translations go below.",
                max_length=10,
                verbose_name="language of the text",
            ),
        ),
        migrations.AddField(
            model_name="surveyquestion",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
        migrations.AlterField(
            model_name="surveyquestion",
            name="text",
            field=models.CharField(max_length=300, verbose_name="question"),
        ),
        migrations.RunPython(chinese_columns_to_translations, translations_to_chinese_columns),
        migrations.RemoveField(
            model_name="survey",
            name="introduction_zh_hans",
        ),
        migrations.RemoveField(
            model_name="survey",
            name="title_zh_hans",
        ),
        migrations.RemoveField(
            model_name="surveyquestion",
            name="text_zh_hans",
        ),
    ]
