"""Deletion keeps the record: events with registrations are closed, sessions with meetings stay."""

import pytest
from django.contrib import admin
from django.db.models import ProtectedError
from django.urls import reverse

from events.models import Event, Registration, Session
from matchmaking.models import FollowUp, Meeting, MeetingRequest
from tests.factories import EventFactory, FollowUpFactory, MembershipFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_event(event_with_matchmaking):
    setup = event_with_matchmaking
    FollowUpFactory(meeting=setup.meeting, recipient=setup.requester)
    return setup


def test_admin_delete_of_event_with_registrations_refused(admin_client, full_event):
    event = full_event.event
    url = reverse("admin:events_event_delete", args=[event.pk])

    page = admin_client.get(url, follow=True)
    posted = admin_client.post(url, {"post": "yes"}, follow=True)

    assert "it cannot be deleted. Close it instead." in page.content.decode()
    assert posted.redirect_chain[-1][0] == reverse("admin:events_event_change", args=[event.pk])
    assert Event.objects.filter(pk=event.pk).exists()
    assert Registration.objects.filter(event=event).count() == 2
    assert Meeting.objects.filter(pk=full_event.meeting.pk).exists()
    assert FollowUp.objects.filter(meeting=full_event.meeting).count() == 1


def test_admin_change_page_of_event_with_registrations_offers_no_delete(admin_client, full_event):
    response = admin_client.get(reverse("admin:events_event_change", args=[full_event.event.pk]))

    assert response.status_code == 200
    assert reverse("admin:events_event_delete", args=[full_event.event.pk]) not in response.content.decode()


def test_admin_delete_selected_of_event_with_registrations_refused(admin_client, full_event):
    event = full_event.event

    response = admin_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "delete_selected", "post": "yes", admin.helpers.ACTION_CHECKBOX_NAME: [event.pk]},
    )

    assert response.status_code == 200
    assert "Cannot delete event" in response.content.decode()
    assert Event.objects.filter(pk=event.pk).exists()
    assert Registration.objects.filter(event=event).count() == 2


def test_admin_delete_of_event_without_registrations_allowed(admin_client):
    event = EventFactory(status=Event.Status.DRAFT)
    SessionFactory(event=event)

    response = admin_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()


def test_event_delete_in_code_refused_while_registrations_exist(full_event):
    with pytest.raises(ProtectedError):
        full_event.event.delete()

    assert Meeting.objects.filter(pk=full_event.meeting.pk).exists()


def test_registration_delete_refused_while_it_has_meetings(full_event):
    with pytest.raises(ProtectedError):
        full_event.requester.delete()

    assert MeetingRequest.objects.filter(pk=full_event.request.pk).exists()


def test_session_delete_with_meetings_refused(client, full_event):
    session = full_event.session
    organiser = MembershipFactory(role="admin").user
    full_event.event.organisers.add(organiser.memberships.get().institution)
    client.force_login(organiser)

    response = client.post(
        reverse("events:manage_session_delete", kwargs={"slug": full_event.event.slug, "pk": session.pk}), follow=True
    )

    assert "it stays as the record of who met whom" in response.content.decode()
    assert Session.objects.filter(pk=session.pk).exists()
    assert Meeting.objects.filter(pk=full_event.meeting.pk).exists()


def test_contact_consent_toggle_records_given_and_withdrawn_times(client):
    registration = RegistrationFactory(shares_contact=False)
    url = reverse("events:my_contacts", kwargs={"slug": registration.event.slug})
    client.force_login(registration.user)

    client.post(url, {"shares_contact": "on"})
    registration.refresh_from_db()
    given_at = registration.shares_contact_consented_at
    page = client.get(url).content.decode()
    client.post(url, {})
    registration.refresh_from_db()

    assert given_at is not None
    assert "You agreed on" in page
    assert registration.shares_contact is False
    assert registration.shares_contact_consented_at == given_at
    assert registration.shares_contact_withdrawn_at >= given_at
    assert "You withdrew your agreement on" in client.get(url).content.decode()


def test_contact_consent_saved_again_records_no_new_time(client):
    registration = RegistrationFactory(shares_contact=False)
    url = reverse("events:my_contacts", kwargs={"slug": registration.event.slug})
    client.force_login(registration.user)

    client.post(url, {})

    registration.refresh_from_db()
    assert registration.shares_contact_withdrawn_at is None
    assert registration.shares_contact_consented_at is None
