"""The secretariat verifies or rejects institutions; unverified ones are marked everywhere."""

import pytest
from django.core import mail
from django.urls import reverse

from institutions.models import Institution, Membership
from institutions.selectors import institution_list_public
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def verification_url(institution) -> str:
    return reverse("institutions:verification", args=[institution.slug])


@pytest.fixture
def unverified(db) -> Institution:
    return InstitutionFactory(name="Mekong Skills Academy")


def test_verify_by_secretariat_sets_status_and_tells_admins(
    client, unverified, secretariat_user, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(institution=unverified, role=Membership.Role.ADMIN).user
    MembershipFactory(institution=unverified)  # members are not told
    client.force_login(secretariat_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(verification_url(unverified), {"decision": "verified"})

    unverified.refresh_from_db()
    assert response.url == unverified.get_absolute_url()
    assert unverified.verification_status == Institution.Verification.VERIFIED
    assert unverified.verified_at is not None
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert mail.outbox[0].subject.endswith("Mekong Skills Academy is verified")


def test_verify_twice_sends_one_email(client, unverified, secretariat_user, django_capture_on_commit_callbacks):
    MembershipFactory(institution=unverified, role=Membership.Role.ADMIN)
    client.force_login(secretariat_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(verification_url(unverified), {"decision": "verified"})
        client.post(verification_url(unverified), {"decision": "verified"})

    assert len(mail.outbox) == 1


def test_reject_hides_institution_from_directory_and_visitors(
    client, unverified, secretariat_user, django_capture_on_commit_callbacks
):
    member = MembershipFactory(institution=unverified, role=Membership.Role.ADMIN).user
    client.force_login(secretariat_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(verification_url(unverified), {"decision": "rejected", "next": reverse("dashboard")})

    unverified.refresh_from_db()
    assert response.url == reverse("dashboard")
    assert unverified.verification_status == Institution.Verification.REJECTED
    assert unverified.verified_at is None
    assert unverified not in institution_list_public()
    assert "no longer listed in the directory" in mail.outbox[0].body
    statuses = {}
    for name, person in {
        "visitor": None,
        "outsider": UserFactory(),
        "member": member,
        "secretariat": secretariat_user,
    }.items():
        client.logout()
        if person:
            client.force_login(person)
        statuses[name] = client.get(unverified.get_absolute_url()).status_code
    assert statuses == {"visitor": 404, "outsider": 404, "member": 200, "secretariat": 200}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", False),
        ("participant", True),
        ("institution_admin", True),
        ("other_admin", False),
        ("no_institution", False),
        ("secretariat", True),
    ],
)
def test_open_rejected_institution_rule_by_role(roles, role, expected):
    Institution.objects.filter(pk=roles.institution_a.pk).update(verification_status="rejected")
    roles.institution_a.refresh_from_db()

    assert roles[role].has_perm("institutions.open_institution", roles.institution_a) is expected


@pytest.mark.parametrize("role", ["institution_admin", "participant", "other_admin", "no_institution"])
def test_verify_without_right_not_found(client, roles, role):
    client.force_login(roles[role])

    response = client.post(verification_url(roles.institution_a), {"decision": "verified"})

    assert response.status_code == 404
    roles.institution_a.refresh_from_db()
    assert roles.institution_a.verification_status == Institution.Verification.UNVERIFIED


def test_verify_visitor_redirected_to_login(client, unverified):
    response = client.post(verification_url(unverified), {"decision": "verified"})

    assert response.url.startswith(reverse("account_login"))
    unverified.refresh_from_db()
    assert unverified.verification_status == Institution.Verification.UNVERIFIED


def test_verify_bad_decision_changes_nothing(client, unverified, secretariat_user):
    client.force_login(secretariat_user)

    response = client.post(verification_url(unverified), {"decision": "maybe"}, follow=True)

    unverified.refresh_from_db()
    assert unverified.verification_status == Institution.Verification.UNVERIFIED
    assert "Choose to verify or to reject the institution." in response.content.decode()


def test_verify_needs_post(client, unverified, secretariat_user):
    client.force_login(secretariat_user)

    assert client.get(verification_url(unverified)).status_code == 405


def test_institution_page_shows_verification_buttons_to_secretariat_only(client, unverified, secretariat_user):
    admin = MembershipFactory(institution=unverified, role=Membership.Role.ADMIN).user
    seen = {}
    for name, person in {"admin": admin, "secretariat": secretariat_user}.items():
        client.force_login(person)
        seen[name] = verification_url(unverified) in client.get(unverified.get_absolute_url()).content.decode()

    assert seen == {"admin": False, "secretariat": True}


def test_institution_page_of_verified_has_no_verification_buttons(client, secretariat_user):
    institution = InstitutionFactory(verification_status=Institution.Verification.VERIFIED)
    client.force_login(secretariat_user)

    content = client.get(institution.get_absolute_url()).content.decode()

    assert verification_url(institution) not in content
    assert '<span class="badge badge-ok">verified</span>' in content


def test_dashboard_secretariat_card_has_verify_and_reject(client, unverified, secretariat_user):
    client.force_login(secretariat_user)

    content = client.get(reverse("dashboard")).content.decode()

    assert verification_url(unverified) in content
    assert 'name="decision" value="verified"' in content
    assert 'name="decision" value="rejected"' in content


def test_dashboard_marks_own_unverified_institution(client, unverified):
    client.force_login(MembershipFactory(institution=unverified).user)

    content = client.get(reverse("dashboard")).content.decode()

    assert '<span class="badge badge-warn">unverified</span>' in content
