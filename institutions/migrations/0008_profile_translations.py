"""Institutions' descriptions and offers' and needs' notes take translations.

Existing rows were written in English (``original_language`` "en"). The search document adds
the description's translations (``search_translations``, 'simple' configuration): PostgreSQL
cannot change a generated column's expression, so the column and its index are made again.
"""

import core.multilingual
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0007_country_list_sorted_by_reader_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="institution",
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
            model_name="institution",
            name="search_translations",
            field=models.TextField(
                blank=True, editable=False, verbose_name="translations of the description, for search"
            ),
        ),
        migrations.AddField(
            model_name="institution",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
        migrations.AddField(
            model_name="need",
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
            model_name="need",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
        migrations.AddField(
            model_name="offer",
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
            model_name="offer",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
        migrations.RemoveIndex(model_name="institution", name="institution_search_gin"),
        migrations.RemoveField(model_name="institution", name="search_document"),
        migrations.AddField(
            model_name="institution",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.CombinedSearchVector(
                                django.contrib.postgres.search.CombinedSearchVector(
                                    django.contrib.postgres.search.SearchVector("name", config="english", weight="A"),
                                    "||",
                                    django.contrib.postgres.search.SearchVector("acronym", config="simple", weight="A"),
                                    django.contrib.postgres.search.SearchConfig("english"),
                                ),
                                "||",
                                django.contrib.postgres.search.SearchVector("city", config="simple", weight="B"),
                                django.contrib.postgres.search.SearchConfig("english"),
                            ),
                            "||",
                            django.contrib.postgres.search.SearchVector("province", config="simple", weight="B"),
                            django.contrib.postgres.search.SearchConfig("english"),
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector("description", config="english", weight="C"),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector("search_translations", config="simple", weight="C"),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="institution",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_document"], name="institution_search_gin"),
        ),
    ]
