"""The events app's emails about registrations go through the outbox and show in `/outbox/`."""

import pytest
from django.core import mail
from django.urls import reverse

from core import outbox
from core.models import OutboundEmail
from events import services
from events.models import Registration
from portal.models import User
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_registration_decision_is_an_outbox_row_shown_to_the_secretariat(
    client, secretariat_user, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(status=Registration.Status.PENDING, user__preferred_language="zh-hans")

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_registration(registration=registration)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_registration(registration=registration)

    rows = list(OutboundEmail.objects.order_by("pk"))
    assert [(row.kind, row.context["outcome"], row.user, row.state) for row in rows] == [
        ("registration_decision", "approved", registration.user, "sent"),
        ("registration_decision", "rejected", registration.user, "sent"),
    ]
    assert rows[0].key.startswith(f"registration:{registration.pk}:approved:")
    assert [message.to for message in mail.outbox] == [[registration.user.email]] * 2
    assert outbox.summary()["by_kind"]["registration_decision"]["sent"] == 2
    client.force_login(secretariat_user)
    assert "registration_decision" in client.get(reverse("outbox")).content.decode()


def test_an_email_about_a_registration_deleted_before_sending_is_not_sent(django_capture_on_commit_callbacks):
    registration = RegistrationFactory(status=Registration.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.approve_registration(registration=registration)
    Registration.objects.filter(pk=registration.pk).delete()

    for callback in callbacks:
        callback()

    assert OutboundEmail.objects.get().state == "cancelled"
    assert mail.outbox == []


def test_imported_people_get_one_outbox_invitation_each(roles, django_capture_on_commit_callbacks):
    from events import imports
    from tests.events.test_import_participants import csv_bytes

    event = EventFactory()
    existing = UserFactory()
    content = csv_bytes(
        "Sok Dara,dara.new@example.org,,Phnom Penh Polytechnic,KH,,",
        f"Old,{existing.email},,Phnom Penh Polytechnic,KH,,",
    )
    preview = imports.participants_preview(event=event, content=content, filename="list.csv")

    with django_capture_on_commit_callbacks(execute=True):
        imports.participants_commit(preview=preview, base_url="https://portal.example.org/")

    new_person = User.objects.get(email="dara.new@example.org")
    email = OutboundEmail.objects.get()
    assert (email.key, email.kind, email.user, email.state) == (
        f"import_invitation:{event.pk}:{new_person.pk}",
        "import_invitation",
        new_person,
        "sent",
    )
    assert [message.to for message in mail.outbox] == [["dara.new@example.org"]]
    assert "https://portal.example.org/" in mail.outbox[0].body
