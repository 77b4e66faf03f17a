from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from mous.models import Mou
from tests.factories import MouFactory, MouPartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_mou_reference_repeated_is_rejected():
    MouFactory(reference="SEA-VET/2025/013")

    with pytest.raises(IntegrityError, match="mou_reference_unique_when_set"), transaction.atomic():
        MouFactory(reference="SEA-VET/2025/013")


def test_mou_empty_references_may_repeat():
    MouFactory(reference="")

    MouFactory(reference="")

    assert Mou.objects.filter(reference="").count() == 2


def test_mou_valid_until_before_valid_from_is_rejected():
    today = timezone.localdate()

    with pytest.raises(IntegrityError, match="mou_validity_ordered"), transaction.atomic():
        MouFactory(valid_from=today, valid_until=today - timedelta(days=1))


@pytest.mark.parametrize(
    "status",
    [
        Mou.Status.SIGNED,
        Mou.Status.ACTIVE,
        Mou.Status.EXPIRING,
        Mou.Status.EXPIRED,
        Mou.Status.RENEWED,
        Mou.Status.TERMINATED,
    ],
)
def test_mou_signed_without_signing_date_is_rejected(status):
    with pytest.raises(IntegrityError, match="mou_signed_has_date"), transaction.atomic():
        MouFactory(status=status, signed_on=None)


def test_mou_draft_without_signing_date_is_allowed():
    mou = MouFactory(status=Mou.Status.DRAFT, signed_on=None)

    assert (mou.status, mou.signed_on) == (Mou.Status.DRAFT, None)


def test_mou_party_repeated_is_rejected():
    party = MouPartyFactory()

    with pytest.raises(IntegrityError, match="mou_party_unique_institution"), transaction.atomic():
        MouPartyFactory(mou=party.mou, institution=party.institution)


def test_mou_history_grows_with_each_change():
    mou = MouFactory(status=Mou.Status.DRAFT, signed_on=None)

    mou.status, mou.signed_on = Mou.Status.SIGNED, timezone.localdate()
    mou.save()

    assert [record.status for record in mou.history.order_by("history_date")] == [
        Mou.Status.DRAFT,
        Mou.Status.SIGNED,
    ]
    assert [record.history_type for record in mou.history.order_by("history_date")] == ["+", "~"]


def test_mou_history_records_who_made_the_change():
    mou = MouFactory()
    editor = UserFactory()

    mou.title = "Memorandum on teacher training"
    mou._history_user = editor
    mou.save()

    latest = mou.history.latest()
    assert (latest.title, latest.history_user) == ("Memorandum on teacher training", editor)
