"""The personal agenda is kept per person, and never shown stale: not after a change, nor once a meeting starts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matchmaking.models import Meeting
from tests.events.conftest import register

# The on-the-day fixtures (a running session), shared with its tests.
from tests.matchmaking.test_matchmaking_day import placed, running  # noqa: F401 -- pytest fixture

pytestmark = pytest.mark.django_db


def agenda(client, session) -> str:
    response = client.get(reverse("matchmaking:my_agenda", kwargs={"slug": session.event.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_view_asks_the_database_nothing(client, running, django_assert_num_queries):  # noqa: F811
    session, _past, current, _following = running
    me = register(session.event, name="Dara Sok")
    placed(session, current, 1, requester=me)
    client.force_login(me.user)
    agenda(client, session)

    with django_assert_num_queries(0):
        page = agenda(client, session)

    assert reverse("matchmaking:my_agenda_ics", args=[session.event.slug]) in page


def test_a_newly_published_meeting_shows_on_the_next_view(client, running):  # noqa: F811
    session, _past, current, following = running
    me = register(session.event, name="Dara Sok")
    other = register(session.event, name="Li Wei", country="CN")
    client.force_login(me.user)
    assert other.institution.name not in agenda(client, session)

    placed(session, following, 2, requester=me, recipient=other)

    assert other.institution.name in agenda(client, session)


def test_a_cancelled_meeting_leaves_on_the_next_view(client, running):  # noqa: F811
    session, _past, _current, following = running
    me = register(session.event, name="Dara Sok")
    other = register(session.event, name="Li Wei", country="CN")
    meeting = placed(session, following, 2, requester=me, recipient=other)
    client.force_login(me.user)
    assert other.institution.name in agenda(client, session)

    meeting.status = Meeting.Status.CANCELLED
    meeting.save()

    assert other.institution.name not in agenda(client, session)


def test_the_attendance_buttons_appear_once_a_meeting_starts(client, running, monkeypatch):  # noqa: F811
    session, _past, _current, following = running
    me = register(session.event, name="Dara Sok")
    later = placed(session, following, 2, requester=me)
    client.force_login(me.user)
    marking = reverse("matchmaking:meeting_attendance", args=[session.event.slug, later.pk])
    assert marking not in agenda(client, session)

    started = following.starts_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: started)

    assert marking in agenda(client, session)
