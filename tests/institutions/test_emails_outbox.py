"""The institutions app's emails go through the outbox: one row each, with a key, the
recipient's language, retries after a temporary failure, and nothing sent for what is gone."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import translation

from core import outbox
from core.models import OutboundEmail
from institutions import onboarding, services_profile
from institutions.models import ContactMessage, Membership
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
State = OutboundEmail.State


class BusyServer(BaseEmailBackend):
    """A mail server that answers every message with a temporary refusal."""

    def send_messages(self, messages):
        raise smtplib.SMTPResponseException(421, b"Too busy, try later")


def test_a_join_request_is_an_outbox_row_sent_in_the_deciders_language(django_capture_on_commit_callbacks):
    institution = InstitutionFactory()
    admin = MembershipFactory(institution=institution, role=Membership.Role.ADMIN, user__preferred_language="zh-hans")
    requester = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        membership = onboarding.membership_request(user=requester, institution=institution)

    email = OutboundEmail.objects.get()
    assert (email.key, email.kind, email.user, email.state) == (
        f"onboarding:join_request:{membership.pk}:{admin.user.pk}",
        "onboarding",
        admin.user,
        State.SENT,
    )
    assert email.recipient_language == "zh-hans"
    [message] = mail.outbox
    assert message.to == [admin.user.email]
    assert message.extra_headers["Message-ID"] == email.message_id


def test_a_temporary_failure_leaves_the_decision_and_the_email_waiting_for_a_retry(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.institutions.test_emails_outbox.BusyServer"
    membership = MembershipFactory(status=Membership.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        onboarding.membership_approve(membership=membership, decided_by=UserFactory())

    membership.refresh_from_db()
    email = OutboundEmail.objects.get()
    assert membership.status == Membership.Status.ACTIVE
    assert (email.kind, email.state, email.attempts, email.last_error) == (
        "onboarding",
        State.PENDING,
        1,
        "421 Too busy, try later",
    )
    assert mail.outbox == []


def test_an_invitation_to_an_address_without_account_is_written_in_the_inviters_language(
    django_capture_on_commit_callbacks,
):
    institution = InstitutionFactory()
    inviter = MembershipFactory(institution=institution, role=Membership.Role.ADMIN).user

    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        invitation = services_profile.invitation_create(
            institution=institution, email="new.person@example.org", role="member", invited_by=inviter
        )

    email = OutboundEmail.objects.get()
    assert (email.key, email.kind, email.user, email.to_email, email.language, email.state) == (
        f"invitation:{invitation.pk}",
        "invitation",
        None,
        "new.person@example.org",
        "zh-hans",
        State.SENT,
    )
    assert [message.to for message in mail.outbox] == [["new.person@example.org"]]
    # Queueing the same invitation again queues nothing new.
    services_profile.invitation_send(invitation=invitation, language="en")
    assert OutboundEmail.objects.count() == 1


def test_an_invitation_withdrawn_before_its_email_went_out_is_not_sent(django_capture_on_commit_callbacks):
    institution = InstitutionFactory()
    inviter = MembershipFactory(institution=institution, role=Membership.Role.ADMIN).user
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services_profile.invitation_create(
            institution=institution, email="late@example.org", role="member", invited_by=inviter
        )
    services_profile.invitation_revoke(invitation=invitation)

    for callback in callbacks:
        callback()

    assert OutboundEmail.objects.get().state == State.CANCELLED
    assert mail.outbox == []


def test_a_contact_message_is_relayed_once_through_the_outbox(django_capture_on_commit_callbacks):
    institution = InstitutionFactory(contact_email="office@college.example.org")
    sender = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        message = services_profile.contact_message_send(
            institution=institution, sender=sender, subject="Internships", body="Could our students visit?"
        )
    services_profile.contact_message_relay(message=ContactMessage.objects.get(pk=message.pk))

    emails = {email.kind: email for email in OutboundEmail.objects.all()}
    assert sorted(emails) == ["contact_copy", "contact_message"]
    assert (emails["contact_message"].to_email, emails["contact_message"].state) == (
        "office@college.example.org",
        State.SENT,
    )
    assert (emails["contact_copy"].user, emails["contact_copy"].state) == (sender, State.SENT)
    relayed = next(message for message in mail.outbox if message.to == ["office@college.example.org"])
    assert relayed.reply_to == [sender.email]
    assert len(mail.outbox) == 2


def test_the_outbox_needs_a_recipient():
    with pytest.raises(ValueError, match="needs a user or an address"):
        outbox.enqueue(key="nobody", kind="invitation")

    assert OutboundEmail.objects.count() == 0


def test_deleting_an_account_deletes_the_emails_queued_to_its_address(django_capture_on_commit_callbacks):
    from portal.privacy import user_anonymise

    institution = InstitutionFactory()
    inviter = MembershipFactory(institution=institution, role=Membership.Role.ADMIN).user
    with django_capture_on_commit_callbacks(execute=False):
        services_profile.invitation_create(
            institution=institution, email="leaving@example.org", role="member", invited_by=inviter
        )
    kept = outbox.enqueue(key="someone-else", kind="invitation", to_email="staying@example.org")
    person = UserFactory(email="leaving@example.org")

    user_anonymise(user=person, by=person)

    assert list(OutboundEmail.objects.values_list("pk", flat=True)) == [kept.pk]
