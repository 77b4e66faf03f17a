"""Who may do what to institutions, asked as the portal asks: ``user.has_perm(name, obj)``.

The people are the ``roles`` fixture; the institution asked about is A unless a test says otherwise.
"""

import pytest

pytestmark = pytest.mark.django_db


def allowed(role: str):
    return pytest.param(role, True, id=f"{role}-allowed")


def denied(role: str):
    return pytest.param(role, False, id=f"{role}-denied")


ONLY_ADMINS_OF_A_AND_SECRETARIAT = [
    denied("anonymous"),
    denied("participant"),
    denied("other_member"),
    allowed("institution_admin"),
    denied("other_admin"),
    denied("pending_member"),
    denied("no_institution"),
    allowed("secretariat"),
]


@pytest.mark.parametrize(("role", "expected"), ONLY_ADMINS_OF_A_AND_SECRETARIAT)
def test_change_institution_by_role(roles, role, expected):
    assert roles[role].has_perm("institutions.edit_institution", roles.institution_a) == expected


@pytest.mark.parametrize(("role", "expected"), ONLY_ADMINS_OF_A_AND_SECRETARIAT)
def test_manage_members_by_role(roles, role, expected):
    assert roles[role].has_perm("institutions.manage_members", roles.institution_a) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        denied("anonymous"),
        allowed("participant"),
        denied("other_member"),
        allowed("institution_admin"),
        denied("other_admin"),
        denied("pending_member"),
        denied("no_institution"),
        allowed("secretariat"),
    ],
)
def test_view_members_by_role(roles, role, expected):
    assert roles[role].has_perm("institutions.view_members", roles.institution_a) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        denied("anonymous"),
        denied("participant"),
        denied("institution_admin"),
        denied("other_admin"),
        denied("pending_member"),
        allowed("secretariat"),
    ],
)
def test_verify_institution_by_role(roles, role, expected):
    assert roles[role].has_perm("institutions.verify_institution", roles.institution_a) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [denied("anonymous"), denied("no_institution"), denied("participant"), allowed("secretariat")],
)
def test_add_institution_by_role(roles, role, expected):
    assert roles[role].has_perm("institutions.add_institution") == expected


def test_change_institution_by_admin_of_a_on_b_denied(roles):
    assert roles["institution_admin"].has_perm("institutions.edit_institution", roles.institution_b) is False


def test_change_institution_by_deactivated_secretariat_denied(roles):
    secretariat = roles["secretariat"]
    secretariat.is_active = False

    assert secretariat.has_perm("institutions.edit_institution", roles.institution_a) is False
