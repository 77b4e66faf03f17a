"""The contact relay: messages reach an institution by email, and the sender never sees an address."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from institutions.models import ContactMessage, Membership
from tests.factories import ContactMessageFactory, InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MESSAGE = {"subject": "Internships in logistics", "body": "Could our students do internships with you?"}


def contact_url(institution) -> str:
    return reverse("institutions:contact", args=[institution.slug])


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post the contact form and run what is queued after commit (the email relay)."""

    def _send(institution, data=MESSAGE, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(contact_url(institution), data, **kwargs)

    return _send


def test_message_goes_to_the_contact_address_with_reply_to_the_sender(client, roles, send):
    institution = roles.institution_b
    institution.contact_email = "international@gxvc.edu.cn"
    institution.save()
    sender = roles["participant"]
    client.force_login(sender)

    response = send(institution, follow=True)

    message = ContactMessage.objects.get()
    assert (message.institution, message.sender, message.subject) == (institution, sender, MESSAGE["subject"])
    relayed, copy = mail.outbox
    assert relayed.to == ["international@gxvc.edu.cn"]
    assert relayed.reply_to == [sender.email]
    assert MESSAGE["body"] in relayed.body
    assert copy.to == [sender.email]
    assert MESSAGE["body"] in copy.body
    assert "international@gxvc.edu.cn" not in copy.body + copy.subject + str(copy.reply_to) + str(copy.cc)
    assert "international@gxvc.edu.cn" not in response.content.decode()
    assert "Your message was sent" in response.content.decode()


def test_without_a_contact_address_each_admin_gets_it_in_their_language(client, roles, send):
    institution = roles.institution_b
    MembershipFactory(
        institution=institution, role=Membership.Role.ADMIN, user=UserFactory(preferred_language="zh-hans")
    )
    client.force_login(roles["participant"])

    response = send(institution, follow=True)

    admins = set(institution.memberships.filter(role="admin", status="active").values_list("user__email", flat=True))
    relayed = [m for m in mail.outbox if m.to != [roles["participant"].email]]
    assert {m.to[0] for m in relayed} == admins
    assert all(m.reply_to == [roles["participant"].email] for m in relayed)
    # The sender works in Cambodia: its name comes out in each recipient's language.
    chinese_admin = institution.memberships.get(user__preferred_language="zh-hans").user.email
    by_address = {m.to[0]: m.body for m in relayed}
    assert "柬埔寨" in by_address.pop(chinese_admin)
    assert all("Cambodia" in body for body in by_address.values())
    content = response.content.decode()
    for address in admins:
        assert address not in content
    copy = next(m for m in mail.outbox if m.to == [roles["participant"].email])
    for address in admins:
        assert address not in f"{copy.subject}{copy.body}{copy.cc}{copy.bcc}{copy.reply_to}"


def test_pending_admins_never_receive_messages(client, roles, send):
    client.force_login(roles["other_member"])

    send(roles.institution_a)

    recipients = {m.to[0] for m in mail.outbox}
    assert roles["pending_member"].email not in recipients
    assert roles["institution_admin"].email in recipients


def test_line_breaks_in_the_subject_cannot_add_headers(client, roles, send):
    client.force_login(roles["participant"])

    send(roles.institution_b, {"subject": "Hello\r\nBcc: victim@example.org", "body": "Hi"})

    message = ContactMessage.objects.get()
    assert message.subject == "Hello Bcc: victim@example.org"
    assert all(m.bcc == [] for m in mail.outbox)
    assert all("\n" not in m.subject for m in mail.outbox)


def test_visitors_are_sent_to_sign_in(client, roles, send):
    response = send(roles.institution_b)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not ContactMessage.objects.exists()


def test_members_do_not_get_the_form(client, roles, send):
    client.force_login(roles["participant"])

    page = client.get(contact_url(roles.institution_a))
    posted = send(roles.institution_a)
    detail = client.get(roles.institution_a.get_absolute_url()).content.decode()

    assert page.status_code == 302
    assert posted.status_code == 302
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []
    assert contact_url(roles.institution_a) not in detail


def test_non_members_see_the_contact_button(client, roles):
    client.force_login(roles["other_member"])

    detail = client.get(roles.institution_a.get_absolute_url()).content.decode()

    assert contact_url(roles.institution_a) in detail


def test_an_institution_without_recipients_says_so_and_saves_nothing(client, roles, send):
    lonely = InstitutionFactory()
    client.force_login(roles["participant"])

    response = send(lonely)

    assert response.status_code == 400
    assert "cannot receive messages yet" in response.content.decode()
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []


def test_one_message_per_institution_every_ten_minutes(client, roles, send):
    client.force_login(roles["participant"])
    send(roles.institution_b)
    mail.outbox.clear()

    response = send(roles.institution_b)

    assert "Please wait 10 minutes between messages." in response.content.decode()
    assert ContactMessage.objects.count() == 1
    assert mail.outbox == []


def test_the_same_institution_again_after_ten_minutes(client, roles, send):
    client.force_login(roles["participant"])
    earlier = ContactMessageFactory(sender=roles["participant"], institution=roles.institution_b)
    ContactMessage.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - timedelta(minutes=11))

    response = send(roles.institution_b)

    assert response.status_code == 302
    assert ContactMessage.objects.count() == 2


def test_at_most_five_messages_an_hour(client, roles, send):
    sender = roles["participant"]
    for _ in range(5):
        ContactMessageFactory(sender=sender)
    client.force_login(sender)

    response = send(roles.institution_b)

    assert "You have sent 5 messages in the last hour." in response.content.decode()
    assert ContactMessage.objects.filter(sender=sender).count() == 5
    assert mail.outbox == []


def test_empty_message_is_refused(client, roles, send):
    client.force_login(roles["participant"])

    response = send(roles.institution_b, {"subject": "", "body": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ContactMessage.objects.exists()
