"""Participants register for an event, cancel, register again, and see their events."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration
from events.services import RegistrationError, register
from institutions.models import Membership
from tests.factories import (
    DelegationFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(user=UserFactory(verified_email=True), institution__country="KH").user


def register_url(event):
    return reverse("events:register", kwargs={"slug": event.slug})


def post_registration(client, event, user, **data):
    client.force_login(user)
    institution = user.memberships.get().institution
    return client.post(
        register_url(event),
        {"institution": institution.pk, "role": "delegate", "job_title": "Dean", **data},
    )


def test_register_creates_a_pending_registration(client, member):
    event = EventFactory()
    client.force_login(member)
    page = client.get(register_url(event))
    assert page.status_code == 200
    assert member.memberships.get().institution.name in page.content.decode()

    response = post_registration(client, event, member)

    assert response.status_code == 302
    assert response["Location"] == reverse("events:mine")
    registration = Registration.objects.get(event=event, user=member)
    assert registration.status == Registration.Status.PENDING
    assert registration.job_title == "Dean"
    assert registration.institution == member.memberships.get().institution


def test_register_joins_a_delegation_of_the_country(client, member):
    event = EventFactory()
    delegation = DelegationFactory(event=event, country="KH", name="Cambodian delegation")
    client.force_login(member)
    assert "Cambodian delegation" in client.get(register_url(event)).content.decode()

    post_registration(client, event, member, delegation=delegation.pk)

    assert Registration.objects.get(event=event, user=member).delegation == delegation


def test_a_delegation_of_another_country_is_refused(member):
    event = EventFactory()
    delegation = DelegationFactory(event=event, country="TH")
    with pytest.raises(RegistrationError) as refused:
        register(user=member, event=event, institution=member.memberships.get().institution, delegation=delegation)
    assert refused.value.field == "delegation"
    assert not Registration.objects.exists()


def test_only_participant_roles_are_offered_and_accepted(client, member):
    event = EventFactory()
    client.force_login(member)
    html = client.get(register_url(event)).content.decode()
    assert 'value="delegate"' in html
    assert 'value="organiser"' not in html

    response = post_registration(client, event, member, role="organiser")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Registration.objects.exists()


def test_cannot_register_for_an_institution_one_does_not_belong_to(member):
    event = EventFactory()
    with pytest.raises(RegistrationError) as refused:
        register(user=member, event=event, institution=InstitutionFactory())
    assert refused.value.field == "institution"
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(timedelta(days=2), timedelta(days=5)), (timedelta(days=-5), timedelta(days=-1))],
    ids=["not-yet-open", "closed"],
)
def test_registration_outside_the_window_is_refused(client, member, opens, closes):
    now = timezone.now()
    event = EventFactory(registration_opens_at=now + opens, registration_closes_at=now + closes)

    response = post_registration(client, event, member)

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert not Registration.objects.exists()
    page = client.get(response["Location"])
    assert "Registration for this event is not open." in page.content.decode()
    with pytest.raises(RegistrationError, match="not open"):
        register(user=member, event=event, institution=member.memberships.get().institution)


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.CLOSED])
def test_registration_for_an_unpublished_event_is_refused(client, member, status):
    event = EventFactory(status=status)
    post_registration(client, event, member)
    assert not Registration.objects.exists()


def test_registration_for_a_past_event_is_refused(client, member):
    event = EventFactory(
        start_date=timezone.localdate() - timedelta(days=10), end_date=timezone.localdate() - timedelta(days=8)
    )
    post_registration(client, event, member)
    assert not Registration.objects.exists()


def test_registration_when_full_is_refused_with_a_message(client, member):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, status=Registration.Status.PENDING)  # pending holds a place

    response = post_registration(client, event, member)

    assert response.status_code == 200
    assert "This event is full" in response.content.decode()
    assert not Registration.objects.filter(user=member).exists()


def test_cancelled_and_declined_registrations_free_their_place(member):
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    RegistrationFactory(event=event, status=Registration.Status.REJECTED)
    RegistrationFactory(event=event, status=Registration.Status.APPROVED)

    registration = register(user=member, event=event, institution=member.memberships.get().institution)

    assert registration.status == Registration.Status.PENDING


def test_registering_twice_is_refused(client, member):
    event = EventFactory()
    post_registration(client, event, member)
    response = post_registration(client, event, member)
    assert response.status_code == 302
    assert Registration.objects.filter(event=event, user=member).count() == 1
    with pytest.raises(RegistrationError, match="already registered"):
        register(user=member, event=event, institution=member.memberships.get().institution)


def test_a_declined_person_cannot_register_again(member):
    event = EventFactory()
    RegistrationFactory(event=event, user=member, status=Registration.Status.REJECTED)
    with pytest.raises(RegistrationError, match="declined"):
        register(user=member, event=event, institution=member.memberships.get().institution)
    assert Registration.objects.get(user=member).status == Registration.Status.REJECTED


def test_cancel_then_register_again_reactivates_the_same_registration(client, member):
    event = EventFactory()
    post_registration(client, event, member)
    registration = Registration.objects.get(user=member)
    cancel_url = reverse("events:cancel_registration", kwargs={"slug": event.slug})

    confirm = client.get(cancel_url)
    assert confirm.status_code == 200
    assert "Yes, cancel my registration" in confirm.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING  # GET changes nothing

    assert client.post(cancel_url).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED

    post_registration(client, event, member, role="observer")

    again = Registration.objects.get(event=event, user=member)
    assert again.pk == registration.pk
    assert again.status == Registration.Status.PENDING
    assert again.role == Registration.Role.OBSERVER
    assert again.badge_token == registration.badge_token


def test_cancel_without_a_registration_is_404(client, member):
    event = EventFactory()
    client.force_login(member)
    assert client.post(reverse("events:cancel_registration", kwargs={"slug": event.slug})).status_code == 404


def test_registration_pages_need_a_sign_in(client):
    event = EventFactory()
    for url in (
        register_url(event),
        reverse("events:cancel_registration", kwargs={"slug": event.slug}),
        reverse("events:mine"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_person_without_an_institution_is_told_to_join_one(client):
    event = EventFactory()
    user = UserFactory(verified_email=True)
    client.force_login(user)
    response = client.get(register_url(event), follow=True)
    assert "Join or create your institution" in response.content.decode()
    assert not Registration.objects.exists()


def test_draft_event_registration_page_is_404(client, member):
    event = EventFactory(status=Event.Status.DRAFT)
    client.force_login(member)
    assert client.get(register_url(event)).status_code == 404


def test_pending_membership_is_not_enough(client):
    user = MembershipFactory(user=UserFactory(verified_email=True), status=Membership.Status.PENDING).user
    event = EventFactory()
    client.force_login(user)
    client.post(register_url(event), {"institution": user.memberships.get().institution_id, "role": "delegate"})
    assert not Registration.objects.exists()


def test_my_events_lists_upcoming_and_past_with_status(client, member):
    upcoming = RegistrationFactory(user=member, status=Registration.Status.PENDING, event__title="Exchange Week 2099")
    past = RegistrationFactory(
        user=member,
        event__title="Workshop of the past",
        event__start_date=timezone.localdate() - timedelta(days=30),
        event__end_date=timezone.localdate() - timedelta(days=28),
    )
    someone_else = RegistrationFactory(event__title="Somebody else's event")
    client.force_login(member)

    response = client.get(reverse("events:mine"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Exchange Week 2099") < html.index("Workshop of the past")
    assert str(upcoming.get_status_display()) in html
    assert reverse("events:cancel_registration", kwargs={"slug": upcoming.event.slug}) in html
    assert reverse("events:cancel_registration", kwargs={"slug": past.event.slug}) not in html
    assert someone_else.event.title not in html


def test_event_page_shows_the_registration_block(client, member):
    event = EventFactory()
    client.force_login(member)
    html = client.get(event.get_absolute_url()).content.decode()
    assert register_url(event) in html

    RegistrationFactory(event=event, user=member, status=Registration.Status.PENDING)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "You are registered for" in html
    assert reverse("events:cancel_registration", kwargs={"slug": event.slug}) in html


def test_event_page_invites_visitors_to_sign_in(client):
    event = EventFactory()
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Sign in to register" in html


def test_approval_email_is_sent_in_the_participants_language(member, django_capture_on_commit_callbacks):
    from events.services import approve_registration

    member.preferred_language = "zh-hans"
    member.save()
    registration = RegistrationFactory(user=member, status=Registration.Status.PENDING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve_registration(registration=registration)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert registration.event.title in mail.outbox[0].subject


def test_a_registration_of_a_past_event_cannot_be_cancelled(client, member):
    registration = RegistrationFactory(
        user=member,
        event__start_date=timezone.localdate() - timedelta(days=10),
        event__end_date=timezone.localdate() - timedelta(days=8),
    )
    client.force_login(member)
    response = client.post(reverse("events:cancel_registration", kwargs={"slug": registration.event.slug}))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
