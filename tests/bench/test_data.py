"""The benchmark's generated institutions next to the demo's real ones."""

import pytest

from bench.data import SECTOR_POPULARITY, SLUG_PREFIX, TYPE_POPULARITY, Taxonomy, generate, populate
from institutions.models import Institution
from portal import demo_data
from portal.demo import demo_load

# Identifiers stand in for the taxonomy rows: drawing names needs no database.
TAXONOMY = Taxonomy(
    sector_ids={slug: number for number, slug in enumerate(SECTOR_POPULARITY)},
    type_ids={slug: number for number, slug in enumerate(TYPE_POPULARITY)},
)


def test_generated_names_never_take_a_demo_institution_name():
    demo_names = {(facts["name"].lower(), facts["country"]) for facts in demo_data.INSTITUTIONS}

    # The benchmark's seed drew "Kampong Speu Institute of Technology" (KH), a real demo
    # institution, as its 72nd row.
    drawn = {(institution.name.lower(), institution.country) for institution, *_rest in generate(2000, 1, TAXONOMY)}

    assert len(drawn) == 2000
    assert drawn & demo_names == set()
    assert ("kampong speu institute of technology 2", "KH") in drawn


@pytest.mark.django_db
def test_benchmark_institutions_and_the_demo_load_into_one_database(demo):
    populate(100, seed=1, verbose=False)

    again = demo_load()

    assert again.changed_anything is False
    assert Institution.objects.filter(slug__startswith=SLUG_PREFIX).count() == 100
    assert Institution.objects.count() == 100 + len(demo_data.INSTITUTIONS)


@pytest.mark.django_db
def test_benchmark_institutions_keep_their_translations_searchable():
    populate(40, seed=1, verbose=False)

    translated = Institution.objects.filter(slug__startswith=SLUG_PREFIX).exclude(translations={})

    assert translated.exists()
    for institution in translated:
        text = institution.translations["description"]["zh-hans"]
        assert institution.search_translations == text
        assert text[:2] in institution.search_grams
