"""The members page: who sees whom, role changes, removals and the last-admin rule."""

import pytest
from django.urls import reverse

from institutions.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def members_url(institution) -> str:
    return reverse("institutions:members", args=[institution.slug])


def membership_of(user, institution) -> Membership:
    return Membership.objects.get(user=user, institution=institution)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("participant", 200),
        ("institution_admin", 200),
        ("secretariat", 200),
        ("other_member", 404),
        ("other_admin", 404),
        ("pending_member", 404),
        ("no_institution", 404),
    ],
)
def test_members_page_by_role(client, roles, role, expected):
    client.force_login(roles[role])

    response = client.get(members_url(roles.institution_a))

    assert response.status_code == expected


def test_members_page_sends_visitors_to_sign_in(client, roles):
    response = client.get(members_url(roles.institution_a))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_emails_are_shown_to_admins_only(client, roles):
    participant = roles["participant"]
    admin_email = roles["institution_admin"].email

    client.force_login(participant)
    as_member = client.get(members_url(roles.institution_a)).content.decode()
    client.force_login(roles["institution_admin"])
    as_admin = client.get(members_url(roles.institution_a)).content.decode()

    assert admin_email not in as_member
    assert admin_email in as_admin
    assert participant.email in as_admin


def test_members_who_opted_out_are_not_named_to_colleagues(client, roles):
    shy = MembershipFactory(
        institution=roles.institution_a, user=UserFactory(display_name="Sok Dara", show_profile_to_participants=False)
    )
    client.force_login(roles["participant"])

    content = client.get(members_url(roles.institution_a)).content.decode()

    assert shy.user.display_name not in content
    assert "A member who keeps their name private" in content


def test_pending_requests_and_invite_form_are_for_managers_only(client, roles):
    client.force_login(roles["participant"])
    as_member = client.get(members_url(roles.institution_a)).content.decode()
    client.force_login(roles["institution_admin"])
    as_admin = client.get(members_url(roles.institution_a)).content.decode()

    assert roles["pending_member"].email in as_admin
    assert roles["pending_member"].email not in as_member
    assert reverse("institutions:member_invite", args=[roles.institution_a.slug]) in as_admin
    assert reverse("institutions:member_invite", args=[roles.institution_a.slug]) not in as_member


def test_admin_makes_a_member_admin(client, roles):
    member = membership_of(roles["participant"], roles.institution_a)
    client.force_login(roles["institution_admin"])

    client.post(reverse("institutions:member_role", args=[roles.institution_a.slug, member.pk]), {"role": "admin"})

    member.refresh_from_db()
    assert member.role == Membership.Role.ADMIN


@pytest.mark.parametrize("role", ["participant", "other_admin"])
def test_role_change_denied_to_non_managers(client, roles, role):
    member = membership_of(roles["participant"], roles.institution_a)
    client.force_login(roles[role])

    response = client.post(
        reverse("institutions:member_role", args=[roles.institution_a.slug, member.pk]), {"role": "admin"}
    )

    assert response.status_code == 404
    member.refresh_from_db()
    assert member.role == Membership.Role.MEMBER


def test_membership_of_another_institution_is_not_found(client, roles):
    foreign = membership_of(roles["other_member"], roles.institution_b)
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("institutions:member_remove", args=[roles.institution_a.slug, foreign.pk]),
    )

    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_last_admin_cannot_step_down(client, roles):
    admin = membership_of(roles["institution_admin"], roles.institution_a)
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("institutions:member_role", args=[roles.institution_a.slug, admin.pk]), {"role": "member"}, follow=True
    )

    assert "You are the only admin of this institution." in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Membership.Role.ADMIN


def test_last_admin_cannot_leave(client, roles):
    admin = membership_of(roles["institution_admin"], roles.institution_a)
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("institutions:member_remove", args=[roles.institution_a.slug, admin.pk]), follow=True
    )

    assert "Make another member an admin before you leave." in response.content.decode()
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_an_admin_can_step_down_when_another_admin_remains(client, roles):
    admin = membership_of(roles["institution_admin"], roles.institution_a)
    MembershipFactory(institution=roles.institution_a, role=Membership.Role.ADMIN)
    client.force_login(roles["institution_admin"])

    client.post(reverse("institutions:member_role", args=[roles.institution_a.slug, admin.pk]), {"role": "member"})

    admin.refresh_from_db()
    assert admin.role == Membership.Role.MEMBER


def test_a_pending_admin_does_not_count_as_another_admin(client, roles):
    # roles["pending_member"] asked to join A as admin and is not approved.
    admin = membership_of(roles["institution_admin"], roles.institution_a)
    client.force_login(roles["institution_admin"])

    client.post(reverse("institutions:member_role", args=[roles.institution_a.slug, admin.pk]), {"role": "member"})

    admin.refresh_from_db()
    assert admin.role == Membership.Role.ADMIN


def test_admin_removes_a_member(client, roles):
    member = membership_of(roles["participant"], roles.institution_a)
    client.force_login(roles["institution_admin"])

    client.post(reverse("institutions:member_remove", args=[roles.institution_a.slug, member.pk]))

    assert not Membership.objects.filter(pk=member.pk).exists()


def test_a_member_leaves_but_cannot_remove_others(client, roles):
    own = membership_of(roles["participant"], roles.institution_a)
    admin = membership_of(roles["institution_admin"], roles.institution_a)
    client.force_login(roles["participant"])

    denied = client.post(reverse("institutions:member_remove", args=[roles.institution_a.slug, admin.pk]))
    left = client.post(reverse("institutions:member_remove", args=[roles.institution_a.slug, own.pk]))

    assert denied.status_code == 404
    assert Membership.objects.filter(pk=admin.pk).exists()
    assert left.status_code == 302
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_secretariat_can_demote_the_last_admin(client, roles):
    admin = membership_of(roles["institution_admin"], roles.institution_a)
    client.force_login(roles["secretariat"])

    client.post(reverse("institutions:member_role", args=[roles.institution_a.slug, admin.pk]), {"role": "member"})

    admin.refresh_from_db()
    assert admin.role == Membership.Role.MEMBER


def test_invalid_role_changes_nothing(client, roles):
    member = membership_of(roles["participant"], roles.institution_a)
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("institutions:member_role", args=[roles.institution_a.slug, member.pk]), {"role": "owner"}, follow=True
    )

    assert "Choose a valid role." in response.content.decode()
    member.refresh_from_db()
    assert member.role == Membership.Role.MEMBER


def test_role_change_needs_post(client, roles):
    member = membership_of(roles["participant"], roles.institution_a)
    client.force_login(roles["institution_admin"])

    response = client.get(reverse("institutions:member_role", args=[roles.institution_a.slug, member.pk]))

    assert response.status_code == 405


def test_member_sets_own_job_title(client, roles):
    client.force_login(roles["participant"])

    client.post(reverse("institutions:member_job_title", args=[roles.institution_a.slug]), {"job_title": " Dean "})

    assert membership_of(roles["participant"], roles.institution_a).job_title == "Dean"


def test_job_title_of_someone_elsewhere_is_not_found(client, roles):
    client.force_login(roles["other_member"])

    response = client.post(
        reverse("institutions:member_job_title", args=[roles.institution_a.slug]), {"job_title": "X"}
    )

    assert response.status_code == 404


def test_members_page_queries_do_not_grow_with_members(client, roles, django_assert_max_num_queries):
    client.force_login(roles["institution_admin"])
    with django_assert_max_num_queries(40) as few:
        client.get(members_url(roles.institution_a))
    for _ in range(6):
        MembershipFactory(institution=roles.institution_a)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(members_url(roles.institution_a))

    assert response.content.decode().count('class="member"') == 2 + 6


# --- The public institution page: people and privacy ------------------------------------------


def test_visitors_see_no_people_on_the_institution_page(client, roles):
    named = MembershipFactory(
        institution=roles.institution_a, user=UserFactory(display_name="Chan Sophea"), job_title="Dean"
    )

    content = client.get(roles.institution_a.get_absolute_url()).content.decode()

    assert named.user.display_name not in content
    assert "Dean" not in content
    assert named.user.email not in content


def test_signed_in_participants_see_names_and_titles_of_those_who_opted_in(client, roles):
    shown = MembershipFactory(
        institution=roles.institution_a, user=UserFactory(display_name="Chan Sophea"), job_title="Dean"
    )
    hidden = MembershipFactory(
        institution=roles.institution_a,
        user=UserFactory(display_name="Keo Ratana", show_profile_to_participants=False),
        job_title="Registrar",
    )
    client.force_login(roles["other_member"])

    content = client.get(roles.institution_a.get_absolute_url()).content.decode()

    assert "Chan Sophea" in content
    assert "Dean" in content
    assert hidden.user.display_name not in content
    assert "Registrar" not in content
    assert shown.user.email not in content
    for person in ("participant", "institution_admin"):
        assert roles[person].email not in content


def test_admins_decide_on_requests_to_join_from_the_members_page(client, roles):
    pending = Membership.objects.get(user=roles["pending_member"])
    client.force_login(roles["institution_admin"])
    page = client.get(members_url(roles.institution_a)).content.decode()

    response = client.post(
        reverse("institutions:join_request_approve", args=[pending.pk]), {"next": members_url(roles.institution_a)}
    )

    assert reverse("institutions:join_request_approve", args=[pending.pk]) in page
    assert response.url == members_url(roles.institution_a)
    pending.refresh_from_db()
    assert pending.status == Membership.Status.ACTIVE
