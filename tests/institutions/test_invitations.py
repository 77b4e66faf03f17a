"""Inviting colleagues by email, withdrawing invitations and accepting them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from institutions.models import Invitation, Membership
from tests.factories import EmailAddressFactory, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def invite(client, institution, email: str, role: str = "member", **kwargs):
    return client.post(
        reverse("institutions:member_invite", args=[institution.slug]), {"email": email, "role": role}, **kwargs
    )


def accept_url(invitation: Invitation) -> str:
    return reverse("institutions:invitation_accept", args=[invitation.token])


def test_admin_invites_a_colleague_who_gets_an_absolute_link(
    client, roles, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portal.example.org"
    client.force_login(roles["institution_admin"])

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, roles.institution_a, "Dara@Example.ORG", role="admin")

    invitation = Invitation.objects.get()
    assert response.status_code == 302
    assert (invitation.institution, invitation.email, invitation.role) == (
        roles.institution_a,
        "Dara@example.org",
        "admin",
    )
    assert invitation.invited_by == roles["institution_admin"]
    assert [message.to for message in mail.outbox] == [["Dara@example.org"]]
    assert f"https://portal.example.org{accept_url(invitation)}" in mail.outbox[0].body
    assert roles.institution_a.name in mail.outbox[0].subject


@pytest.mark.parametrize("role", ["participant", "other_admin", "no_institution"])
def test_invitations_denied_to_non_managers(client, roles, role):
    client.force_login(roles[role])

    response = invite(client, roles.institution_a, "someone@example.org")

    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_invite_needs_sign_in(client, roles):
    response = invite(client, roles.institution_a, "someone@example.org")

    assert response.status_code == 302
    assert not Invitation.objects.exists()


def test_secretariat_can_invite(client, roles):
    client.force_login(roles["secretariat"])

    invite(client, roles.institution_a, "new@example.org")

    assert Invitation.objects.get().institution == roles.institution_a


def test_inviting_a_member_again_is_refused_clearly(client, roles):
    client.force_login(roles["institution_admin"])

    response = invite(client, roles.institution_a, roles["participant"].email.upper())

    assert response.status_code == 400
    assert "is already a member of this institution" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_second_open_invitation_is_refused_clearly(client, roles):
    InvitationFactory(institution=roles.institution_a, email="dara@example.org")
    client.force_login(roles["institution_admin"])

    response = invite(client, roles.institution_a, "DARA@example.org")

    assert "has already been invited" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_an_expired_invitation_is_replaced(client, roles):
    old = InvitationFactory(institution=roles.institution_a, email="dara@example.org")
    Invitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    client.force_login(roles["institution_admin"])

    invite(client, roles.institution_a, "dara@example.org")

    new = Invitation.objects.get()
    assert new.pk != old.pk


def test_bad_email_is_refused(client, roles):
    client.force_login(roles["institution_admin"])

    response = invite(client, roles.institution_a, "not an address")

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()


def test_open_invitations_are_listed_and_can_be_withdrawn(client, roles):
    invitation = InvitationFactory(institution=roles.institution_a)
    client.force_login(roles["institution_admin"])
    page = client.get(reverse("institutions:members", args=[roles.institution_a.slug])).content.decode()

    client.post(reverse("institutions:invitation_revoke", args=[roles.institution_a.slug, invitation.pk]))

    assert invitation.email in page
    assert not Invitation.objects.exists()
    assert client.get(accept_url(invitation)).status_code == 404


def test_invitations_of_another_institution_cannot_be_withdrawn(client, roles):
    invitation = InvitationFactory(institution=roles.institution_b)
    client.force_login(roles["institution_admin"])

    response = client.post(reverse("institutions:invitation_revoke", args=[roles.institution_a.slug, invitation.pk]))

    assert response.status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_visitors_are_sent_to_sign_in_and_back(client, roles):
    invitation = InvitationFactory(institution=roles.institution_a)

    response = client.get(accept_url(invitation))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={accept_url(invitation)}"


def test_the_invited_person_accepts(client, roles):
    invitation = InvitationFactory(institution=roles.institution_a, role=Membership.Role.ADMIN)
    invitee = UserFactory(email=invitation.email, verified_email=True)
    client.force_login(invitee)

    page = client.get(accept_url(invitation))
    response = client.post(accept_url(invitation))

    assert "Accept the invitation" in page.content.decode()
    assert response.status_code == 302
    membership = Membership.objects.get(user=invitee, institution=roles.institution_a)
    assert (membership.role, membership.status) == (Membership.Role.ADMIN, Membership.Status.ACTIVE)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get(accept_url(invitation)).status_code == 404


def test_a_second_verified_address_of_the_account_also_works(client, roles):
    invitation = InvitationFactory(institution=roles.institution_a, email="work@ppp.edu.kh")
    person = UserFactory(verified_email=True)
    EmailAddressFactory(user=person, email="Work@PPP.edu.kh", primary=False)
    client.force_login(person)

    client.post(accept_url(invitation))

    assert Membership.objects.filter(user=person, institution=roles.institution_a).exists()


def test_another_account_cannot_accept(client, roles):
    invitation = InvitationFactory(institution=roles.institution_a)
    stranger = UserFactory(verified_email=True)
    client.force_login(stranger)

    page = client.get(accept_url(invitation)).content.decode()
    client.post(accept_url(invitation))

    assert "was sent to another email address" in page
    assert invitation.email not in page
    assert not Membership.objects.filter(user=stranger).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_unverified_matching_address_cannot_accept(client, roles):
    invitation = InvitationFactory(institution=roles.institution_a)
    person = UserFactory(email=invitation.email)
    EmailAddressFactory(user=person, verified=False)
    client.force_login(person)

    client.post(accept_url(invitation))

    assert not Membership.objects.filter(user=person).exists()


def test_an_expired_invitation_says_so_and_cannot_be_accepted(client, roles):
    invitation = InvitationFactory(institution=roles.institution_a)
    Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - timedelta(days=31))
    invitee = UserFactory(email=invitation.email, verified_email=True)
    client.force_login(invitee)

    page = client.get(accept_url(invitation))
    client.post(accept_url(invitation))

    assert page.status_code == 410
    assert "This invitation has expired." in page.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()


def test_accepting_approves_a_pending_request_and_never_lowers_an_admin(client, roles):
    pending = Membership.objects.get(user=roles["pending_member"])
    invitation = InvitationFactory(institution=roles.institution_a, email=pending.user.email, role="member")
    client.force_login(pending.user)

    client.post(accept_url(invitation))

    pending.refresh_from_db()
    assert (pending.status, pending.role) == (Membership.Status.ACTIVE, Membership.Role.ADMIN)
    assert pending.decided_by == invitation.invited_by


def test_an_invitation_upgrades_an_existing_member_to_admin(client, roles):
    member = MembershipFactory(institution=roles.institution_a, user=UserFactory(verified_email=True))
    invitation = InvitationFactory(institution=roles.institution_a, email=member.user.email, role="admin")
    client.force_login(member.user)

    client.post(accept_url(invitation))

    member.refresh_from_db()
    assert member.role == Membership.Role.ADMIN


def test_unknown_token_is_not_found(client, roles):
    client.force_login(roles["participant"])

    assert client.get(reverse("institutions:invitation_accept", args=["no-such-token"])).status_code == 404
