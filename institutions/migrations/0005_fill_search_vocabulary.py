from django.db import migrations


def fill(apps, schema_editor):
    """Build the spelling vocabulary from the institutions already in the database."""
    from institutions.search import vocabulary_words
    from institutions.text import fold, trigrams

    Institution = apps.get_model("institutions", "Institution")
    SearchWord = apps.get_model("institutions", "SearchWord")
    words: set[str] = set()
    rows = Institution.objects.values_list("name", "name_local", "acronym", "city", "province")
    for texts in rows.iterator(chunk_size=5000):
        words |= vocabulary_words(*texts)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word, grams=trigrams(fold(word))) for word in sorted(words)],
        ignore_conflicts=True,
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("institutions", "0004_fill_search_and_profile_keys")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
