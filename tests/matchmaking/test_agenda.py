"""The personal agenda: the event's sessions and the person's own published meetings."""

from datetime import time, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.pagecache import public_pages_changed
from events.models import Event, Registration
from matchmaking.models import Meeting, MeetingRequest
from tests.factories import (
    EventFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
    local_datetime,
)

pytestmark = pytest.mark.django_db


def agenda_url(event):
    return reverse("matchmaking:my_agenda", kwargs={"slug": event.slug})


def test_visitor_is_sent_to_log_in(client):
    event = EventFactory()

    response = client.get(agenda_url(event))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    ("status", "status_code"),
    [
        (Registration.Status.APPROVED, 200),
        (Registration.Status.PENDING, 200),
        (Registration.Status.REJECTED, 404),
        (Registration.Status.CANCELLED, 404),
    ],
)
def test_only_a_live_registration_opens_the_agenda(client, status, status_code):
    registration = RegistrationFactory(status=status, user=UserFactory(verified_email=True))
    client.force_login(registration.user)

    assert client.get(agenda_url(registration.event)).status_code == status_code


@pytest.mark.parametrize("role", ["participant", "institution_admin", "secretariat"])
def test_people_without_a_registration_get_404(client, roles, role):
    """The agenda is personal: even the secretariat has none without registering."""
    event = EventFactory()
    RegistrationFactory(event=event, user=roles["other_member"])
    client.force_login(roles[role])

    assert client.get(agenda_url(event)).status_code == 404


def test_registration_for_a_draft_event_does_not_reveal_it(client):
    registration = RegistrationFactory(event=EventFactory(status=Event.Status.DRAFT), user=UserFactory())
    client.force_login(registration.user)

    assert client.get(agenda_url(registration.event)).status_code == 404


def test_agenda_lists_sessions_and_highlights_those_the_person_speaks_in(client):
    registration = RegistrationFactory(user=UserFactory(verified_email=True, time_zone="Asia/Phnom_Penh"))
    event = registration.event
    spoken = SessionFactory(event=event, title="Panel on dual training")
    spoken.speakers.add(registration)
    SessionFactory(
        event=event,
        title="Closing plenary",
        starts_at=local_datetime(event.end_date, time(16), event.time_zone),
        ends_at=local_datetime(event.end_date, time(17), event.time_zone),
    )
    client.force_login(registration.user)

    body = client.get(agenda_url(event)).content.decode()

    assert "Closing plenary" in body
    assert body.index("Panel on dual training") < body.index("Closing plenary")
    assert body.count("you speak") == 1
    assert "agenda-speaker" in body
    assert f"Speakers: {registration.user.display_name} ({registration.institution.name})" in " ".join(body.split())
    assert reverse("matchmaking:my_agenda_ics", kwargs={"slug": event.slug}) in body


def test_agenda_shows_own_published_meetings_only(client, event_with_matchmaking):
    setup = event_with_matchmaking
    outsider = RegistrationFactory(event=setup.event)
    third = RegistrationFactory(event=setup.event)
    other_request = MeetingRequestFactory(
        session=setup.session, requester=outsider, recipient=third, status=MeetingRequest.Status.ACCEPTED
    )
    MeetingFactory(request=other_request, slot=setup.slots[1], status=Meeting.Status.PUBLISHED)
    provisional_request = MeetingRequestFactory(
        session=setup.session, requester=setup.requester, recipient=third, status=MeetingRequest.Status.ACCEPTED
    )
    MeetingFactory(request=provisional_request, slot=setup.slots[2], status=Meeting.Status.PROVISIONAL)
    client.force_login(setup.requester.user)

    body = client.get(agenda_url(setup.event)).content.decode()

    assert setup.recipient.user.display_name in body
    assert "table 1" in body
    assert outsider.user.display_name not in body
    assert third.user.display_name not in body  # only provisionally scheduled: not shown yet


def test_recipient_and_sharer_see_the_meeting_too(client, event_with_matchmaking):
    setup = event_with_matchmaking
    colleague = RegistrationFactory(event=setup.event, institution=setup.recipient.institution)
    setup.meeting.sharers.add(colleague)

    for registration, other in ((setup.recipient, setup.requester), (colleague, setup.requester)):
        client.force_login(registration.user)
        body = client.get(agenda_url(setup.event)).content.decode()
        assert other.user.display_name in body


def test_agenda_query_count_is_fixed(client, event_with_matchmaking, django_assert_max_num_queries):
    setup = event_with_matchmaking
    client.force_login(setup.requester.user)
    client.get(agenda_url(setup.event))

    # The agenda is kept per person until the next change (core.personalcache): measure
    # building it, both times (the changes below move the version on as well).
    public_pages_changed()
    with CaptureQueriesContext(connection) as small:
        client.get(agenda_url(setup.event))

    for _ in range(2):
        other = RegistrationFactory(event=setup.event)
        request = MeetingRequestFactory(
            session=setup.session, requester=setup.requester, recipient=other, status=MeetingRequest.Status.ACCEPTED
        )
        MeetingFactory(request=request, slot=MeetingSlotFactory(session=setup.session), status=Meeting.Status.PUBLISHED)
    for index in range(5):
        session = SessionFactory(
            event=setup.event,
            starts_at=local_datetime(setup.event.start_date, time(8), setup.event.time_zone)
            + timedelta(days=index % 3),
        )
        session.speakers.add(RegistrationFactory(event=setup.event))

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(agenda_url(setup.event))
    assert response.content.decode().count("agenda-meeting") == 3


def test_agenda_shows_the_viewer_time_where_their_clock_differs(client):
    """An event in Phnom Penh (UTC+7) seen by someone in Shanghai (UTC+8)."""
    registration = RegistrationFactory(user=UserFactory(verified_email=True, time_zone="Asia/Shanghai"))
    SessionFactory(event=registration.event, title="Opening")  # 09:00–10:30 in Phnom Penh
    client.force_login(registration.user)

    body = client.get(agenda_url(registration.event)).content.decode()

    assert ">09:00</time>–<time" in body
    assert "(10:00–11:30 your time)" in body


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_agenda_and_public_page_render_in_other_languages(client, language):
    registration = RegistrationFactory(user=UserFactory(verified_email=True))
    SessionFactory(event=registration.event, title="开幕式")
    client.force_login(registration.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    for url in (agenda_url(registration.event), registration.event.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
        assert "开幕式" in response.content.decode()
