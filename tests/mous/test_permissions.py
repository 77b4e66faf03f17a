"""Who may see and work on MoUs, asked as ``user.has_perm(name, obj)``.

The people are the ``roles`` fixture: institution A is a party to every MoU below except the
public one, whose parties are two institutions nobody in ``roles`` belongs to.
"""

import pytest

from mous.models import Mou
from tests.factories import MouFactory, MouPartyFactory

pytestmark = pytest.mark.django_db


def allowed(*values):
    return pytest.param(*values, True, id="-".join([*values, "allowed"]))


def denied(*values):
    return pytest.param(*values, False, id="-".join([*values, "denied"]))


@pytest.fixture
def mous(roles) -> dict[str, Mou]:
    """Return one MoU of each kind the rules tell apart, by name."""
    kinds = {
        "public_signed": MouFactory(is_public=True),
        "public_signed_open_document": MouFactory(is_public=True, document_is_public=True),
        "private_signed": MouFactory(is_public=False),
        "private_signed_open_document": MouFactory(is_public=False, document_is_public=True),
        "public_draft": MouFactory(is_public=True, status=Mou.Status.DRAFT, signed_on=None),
    }
    for name, mou in kinds.items():
        if name.startswith("public_signed"):
            MouPartyFactory.create_batch(2, mou=mou)
        else:
            MouPartyFactory(mou=mou, institution=roles.institution_a)
            MouPartyFactory(mou=mou)
    return kinds


@pytest.mark.parametrize(
    ("kind", "role", "expected"),
    [
        allowed("public_signed", "anonymous"),
        allowed("public_signed", "other_member"),
        allowed("public_signed", "secretariat"),
        denied("private_signed", "anonymous"),
        allowed("private_signed", "participant"),
        allowed("private_signed", "institution_admin"),
        denied("private_signed", "pending_member"),
        denied("private_signed", "other_member"),
        denied("private_signed", "other_admin"),
        denied("private_signed", "no_institution"),
        allowed("private_signed", "secretariat"),
        denied("public_draft", "anonymous"),
        denied("public_draft", "other_member"),
        allowed("public_draft", "participant"),
        allowed("public_draft", "secretariat"),
    ],
)
def test_view_mou_by_kind_and_role(roles, mous, kind, role, expected):
    assert roles[role].has_perm("mous.open_mou", mous[kind]) == expected


@pytest.mark.parametrize(
    ("kind", "role", "expected"),
    [
        allowed("public_signed_open_document", "anonymous"),
        allowed("public_signed_open_document", "other_member"),
        denied("public_signed", "anonymous"),
        denied("public_signed", "other_member"),
        allowed("public_signed", "secretariat"),
        denied("private_signed_open_document", "anonymous"),
        denied("private_signed_open_document", "other_member"),
        allowed("private_signed_open_document", "participant"),
        allowed("private_signed", "participant"),
        allowed("private_signed", "institution_admin"),
        denied("private_signed", "pending_member"),
        denied("private_signed", "other_admin"),
        allowed("private_signed", "secretariat"),
    ],
)
def test_view_mou_document_by_kind_and_role(roles, mous, kind, role, expected):
    assert roles[role].has_perm("mous.view_mou_document", mous[kind]) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        denied("anonymous"),
        allowed("participant"),
        allowed("institution_admin"),
        denied("pending_member"),
        denied("other_member"),
        denied("other_admin"),
        allowed("secretariat"),
    ],
)
def test_record_activity_by_role(roles, mous, role, expected):
    assert roles[role].has_perm("mous.record_activity", mous["private_signed"]) == expected


def test_record_activity_on_public_mou_by_outsider_denied(roles, mous):
    assert roles["other_member"].has_perm("mous.record_activity", mous["public_signed"]) is False


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        denied("anonymous"),
        denied("participant"),
        allowed("institution_admin"),
        denied("pending_member"),
        denied("other_admin"),
        allowed("secretariat"),
    ],
)
def test_view_mou_history_by_role(roles, mous, role, expected):
    assert roles[role].has_perm("mous.view_mou_history", mous["private_signed"]) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        denied("anonymous"),
        denied("participant"),
        allowed("institution_admin"),
        denied("pending_member"),
        denied("other_member"),
        denied("other_admin"),
        denied("no_institution"),
        allowed("secretariat"),
    ],
)
def test_propose_mou_for_institution_a_by_role(roles, role, expected):
    assert roles[role].has_perm("mous.propose_mou", roles.institution_a) == expected


@pytest.mark.parametrize(
    ("role", "expected"), [denied("participant"), denied("institution_admin"), allowed("secretariat")]
)
def test_change_mou_by_role(roles, mous, role, expected):
    assert roles[role].has_perm("mous.change_mou", mous["private_signed"]) == expected
