"""Sectors and cooperation types: the Chinese name column becomes one translation among nine."""

from django.db import migrations, models

import core.multilingual


def names_to_translations(apps, schema_editor):
    for name in ("Sector", "CooperationType"):
        for term in apps.get_model("institutions", name).objects.exclude(name_zh_hans=""):
            term.translations = {"name": {"zh-hans": term.name_zh_hans}}
            term.save(update_fields=["translations"])


def translations_to_names(apps, schema_editor):
    for name in ("Sector", "CooperationType"):
        for term in apps.get_model("institutions", name).objects.all():
            term.name_zh_hans = (term.translations or {}).get("name", {}).get("zh-hans", "")[:120]
            term.save(update_fields=["name_zh_hans"])


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0005_fill_search_vocabulary"),
    ]

    operations = [
        migrations.AddField(
            model_name="cooperationtype",
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
            model_name="cooperationtype",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
        migrations.AddField(
            model_name="sector",
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
            model_name="sector",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
        migrations.RunPython(names_to_translations, translations_to_names),
        migrations.RemoveField(
            model_name="cooperationtype",
            name="name_zh_hans",
        ),
        migrations.RemoveField(
            model_name="sector",
            name="name_zh_hans",
        ),
    ]
