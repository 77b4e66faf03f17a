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
