import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from institutions.models import Institution
from tests.factories import (
    CooperationTypeFactory,
    InstitutionFactory,
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", [SectorFactory, CooperationTypeFactory], ids=["sector", "cooperation_type"])
def test_taxonomy_label_is_chinese_when_chinese_is_active(factory):
    term = factory(name="Intelligent manufacturing", translations={"name": {"zh-hans": "智能制造"}})

    with translation.override("zh-hans"):
        label = term.label

    assert label == "智能制造"


@pytest.mark.parametrize("factory", [SectorFactory, CooperationTypeFactory], ids=["sector", "cooperation_type"])
def test_taxonomy_label_is_english_when_english_is_active(factory):
    term = factory(name="Intelligent manufacturing", translations={"name": {"zh-hans": "智能制造"}})

    with translation.override("en"):
        label = term.label

    assert label == "Intelligent manufacturing"


def test_taxonomy_label_without_chinese_name_falls_back_to_english():
    sector = SectorFactory(name="Railway", translations={"name": {"zh-hans": ""}})

    with translation.override("zh-hans"):
        label = str(sector)

    assert label == "Railway"


def test_institution_name_repeated_in_same_country_ignoring_case_is_rejected():
    InstitutionFactory(name="Phnom Penh Polytechnic", country="KH")

    with pytest.raises(IntegrityError, match="institution_name_country_unique"), transaction.atomic():
        InstitutionFactory(name="PHNOM PENH POLYTECHNIC", country="KH")


def test_institution_name_repeated_in_another_country_is_allowed():
    InstitutionFactory(name="National Polytechnic", country="KH")

    InstitutionFactory(name="National Polytechnic", country="LA")

    countries = (
        Institution.objects.filter(name="National Polytechnic").order_by("country").values_list("country", flat=True)
    )
    assert list(countries) == ["KH", "LA"]


@pytest.mark.parametrize(
    ("factory", "constraint"),
    [(OfferFactory, "offer_unique_per_institution"), (NeedFactory, "need_unique_per_institution")],
    ids=["offer", "need"],
)
def test_profile_item_repeated_for_same_type_and_sector_is_rejected(factory, constraint):
    item = factory()

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        factory(institution=item.institution, cooperation_type=item.cooperation_type, sector=item.sector)


@pytest.mark.parametrize("factory", [OfferFactory, NeedFactory], ids=["offer", "need"])
def test_profile_item_in_another_sector_is_allowed(factory):
    item = factory()

    factory(institution=item.institution, cooperation_type=item.cooperation_type)

    assert type(item).objects.filter(institution=item.institution).count() == 2


def test_membership_repeated_for_same_person_and_institution_is_rejected():
    membership = MembershipFactory()

    with pytest.raises(IntegrityError, match="membership_unique_user_institution"), transaction.atomic():
        MembershipFactory(user=membership.user, institution=membership.institution)


def test_an_offer_and_a_need_note_read_in_the_readers_language():
    offer = OfferFactory(note="Twenty internship places", translations={"note": {"zh-hans": "二十个实习岗位"}})
    need = NeedFactory(note="Battery trainers", original_language="en")

    with translation.override("zh-hans"):
        assert (offer.localized("note"), need.localized("note")) == ("二十个实习岗位", "Battery trainers")
    with translation.override("km"):
        assert offer.localized("note").is_fallback


def test_search_translations_follow_the_description_and_leave_out_its_original():
    institution = InstitutionFactory(
        description="培养焊工",
        original_language="zh-hans",
        translations={"description": {"en": "Trains welders", "vi": "Đào tạo thợ hàn"}},
    )

    institution.refresh_from_db()
    assert "培养焊工" not in institution.search_translations
    assert institution.search_translations.split("\n\n") == ["Trains welders", "Đào tạo thợ hàn", "dao tao tho han"]

    institution.translations = {}
    institution.save(update_fields=["translations"])
    institution.refresh_from_db()
    assert institution.search_translations == ""


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_existing_institutions_in_english_and_searchable():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from institutions.search import search_institutions

    executor = MigrationExecutor(connection)
    before = [("institutions", "0007_country_list_sorted_by_reader_language")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_apps.get_model("institutions", "Institution").objects.create(
        name="Takeo Welding School", slug="takeo", country="KH", description="Trains welders."
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    institution = Institution.objects.get(slug="takeo")
    assert (institution.original_language, institution.translations, institution.search_translations) == ("en", {}, "")
    assert search_institutions(Institution.objects.all(), "welders").ids == [institution.pk]
