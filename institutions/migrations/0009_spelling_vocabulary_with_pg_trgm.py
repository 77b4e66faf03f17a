"""pg_trgm for spelling and duplicates: a GiST trigram index on the vocabulary's folded words
replaces their stored trigram arrays, and one on institution names finds the names nearest to
a typed one.

pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner creates it
without being a superuser, as the portal's own database user does under docker-compose or on a
managed PostgreSQL. The embedded PostgreSQL of ``make run`` ships it among its contrib modules.
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def fill_folded(apps, schema_editor):
    from institutions.text import fold

    SearchWord = apps.get_model("institutions", "SearchWord")
    words = list(SearchWord.objects.only("pk", "word"))
    for word in words:
        word.folded = fold(word.word)
    SearchWord.objects.bulk_update(words, ["folded"], batch_size=2000)


def fill_grams(apps, schema_editor):
    """Going back: the stored trigrams of the folded words, as the earlier search expects."""
    from institutions.text import trigrams

    SearchWord = apps.get_model("institutions", "SearchWord")
    words = list(SearchWord.objects.only("pk", "folded"))
    for word in words:
        word.grams = trigrams(word.folded)
    SearchWord.objects.bulk_update(words, ["grams"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("institutions", "0008_profile_translations")]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="searchword",
            name="folded",
            field=models.CharField(default="", editable=False, max_length=60, verbose_name="folded word"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_folded, fill_grams),
        migrations.RemoveIndex(model_name="searchword", name="searchword_grams_gin"),
        migrations.RemoveField(model_name="searchword", name="grams"),
        migrations.AddIndex(
            model_name="searchword",
            index=django.contrib.postgres.indexes.GistIndex(
                fields=["folded"], name="searchword_folded_trgm", opclasses=["gist_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="institution",
            index=django.contrib.postgres.indexes.GistIndex(
                fields=["name"], name="institution_name_trgm", opclasses=["gist_trgm_ops"]
            ),
        ),
    ]
