"""On the day of a matchmaking session: the "now and next" room view and no-show marking."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import MeetingSlot
from matchmaking import followups
from matchmaking.models import Meeting, MeetingRequest
from matchmaking.scheduler import MatchmakingError, meeting_mark_attendance
from tests.events.conftest import register
from tests.factories import MatchmakingSessionFactory, MeetingRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(event):
    """A session that started 30 minutes ago: one past slot, one running now, one to come."""
    now = timezone.now().replace(second=0, microsecond=0)
    session = MatchmakingSessionFactory(
        event=event, starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(minutes=60), table_count=3
    )
    past = MeetingSlot.objects.create(
        session=session, starts_at=now - timedelta(minutes=30), ends_at=now - timedelta(minutes=10)
    )
    current = MeetingSlot.objects.create(
        session=session, starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(minutes=15)
    )
    following = MeetingSlot.objects.create(
        session=session, starts_at=now + timedelta(minutes=20), ends_at=now + timedelta(minutes=40)
    )
    return session, past, current, following


def placed(session, slot, table, *, requester=None, recipient=None, status=Meeting.Status.PUBLISHED) -> Meeting:
    request = MeetingRequestFactory(
        session=session,
        requester=requester or register(session.event),
        recipient=recipient or register(session.event),
        status=MeetingRequest.Status.ACCEPTED,
    )
    return Meeting.objects.create(request=request, session=session, slot=slot, table_number=table, status=status)


@pytest.fixture
def calls(monkeypatch):
    seen = {"plan": [], "cancel": []}
    monkeypatch.setattr(followups, "plan_follow_ups", lambda meetings: seen["plan"].extend(m.pk for m in meetings))
    monkeypatch.setattr(followups, "cancel_follow_ups", lambda meetings: seen["cancel"].extend(m.pk for m in meetings))
    return seen


def room_url(session):
    return reverse("matchmaking:matchmaking_room", kwargs={"slug": session.event.slug, "pk": session.pk})


def test_room_view_shows_now_and_next_and_polls(client, roles, running):
    session, past, current, following = running
    placed(session, past, 1, requester=register(session.event, name="Earlier Person"))
    placed(
        session,
        current,
        2,
        requester=register(session.event, name="Dara Sok"),
        recipient=register(session.event, name="Li Wei"),
    )
    placed(session, following, 3, requester=register(session.event, name="Next Person"))
    placed(
        session,
        following,
        1,
        requester=register(session.event, name="Draft Only"),
        status=Meeting.Status.PROVISIONAL,
    )
    client.force_login(roles["institution_admin"])

    page = client.get(room_url(session)).content.decode()

    assert 'hx-trigger="every 30s"' in page
    assert "Dara Sok ↔ Li Wei" in page
    assert "Next Person" in page
    assert "Earlier Person" not in page
    assert "Draft Only" not in page
    assert "<html" in page
    assert '<h1 class="visually-hidden">Now and next</h1>' in page


def test_room_view_partial_for_htmx_in_event_time(client, roles, running):
    session, _past, current, _following = running
    placed(session, current, 2, requester=register(session.event, name="Dara Sok"))
    client.force_login(roles["institution_admin"])

    response = client.get(room_url(session), HTTP_HX_REQUEST="true")
    page = response.content.decode()

    assert "<html" not in page
    assert "Dara Sok" in page
    local = timezone.localtime(current.starts_at, timezone=__import__("zoneinfo").ZoneInfo(session.event.time_zone))
    assert f"{local:%H:%M}" in page


def test_room_view_hides_names_of_people_who_hide_their_profile(client, roles, running):
    session, _past, current, _following = running
    hidden = register(session.event, name="Secret Name")
    hidden.user.show_profile_to_participants = False
    hidden.user.save()
    placed(session, current, 1, requester=hidden)
    client.force_login(roles["institution_admin"])

    page = client.get(room_url(session), HTTP_HX_REQUEST="true").content.decode()

    assert "Secret Name" not in page
    assert f"a participant of {hidden.institution.name}" in page


@pytest.mark.parametrize("role", ["participant", "other_admin"])
def test_room_view_is_for_organisers_only(client, roles, running, role):
    client.force_login(roles[role])
    assert client.get(room_url(running[0])).status_code == 404


def mark_url(meeting):
    return reverse(
        "matchmaking:matchmaking_mark",
        kwargs={"slug": meeting.session.event.slug, "pk": meeting.session_id, "meeting_pk": meeting.pk},
    )


def test_no_show_is_marked_without_js_and_stops_follow_ups(client, roles, running, calls):
    session, past, _current, _following = running
    meeting = placed(session, past, 1)
    client.force_login(roles["institution_admin"])

    response = client.post(mark_url(meeting), {"attendance": "no_show"})

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.attendance == Meeting.Attendance.NO_SHOW
    assert calls["cancel"] == [meeting.pk]


def test_held_is_marked_in_place_with_htmx(client, roles, running, calls):
    session, _past, current, _following = running
    meeting = placed(session, current, 2)
    client.force_login(roles["institution_admin"])

    response = client.post(mark_url(meeting), {"attendance": "held"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.strip().startswith(f'<li id="attendance-{meeting.pk}"')
    assert 'aria-pressed="true"' in page
    assert Meeting.objects.get(pk=meeting.pk).attendance == Meeting.Attendance.HELD
    assert calls["plan"] == [meeting.pk]


def test_attendance_page_lists_started_slots_only(client, roles, running):
    session, past, current, following = running
    placed(session, past, 1, requester=register(session.event, name="Past Person"))
    placed(session, following, 1, requester=register(session.event, name="Future Person"))
    client.force_login(roles["institution_admin"])

    page = client.get(
        reverse("matchmaking:matchmaking_attendance", kwargs={"slug": session.event.slug, "pk": session.pk})
    ).content.decode()

    assert "Past Person" in page
    assert "Future Person" not in page


@pytest.mark.parametrize(
    ("which", "attendance", "message"),
    [
        ("following", "no_show", "has not started yet"),
        ("past", "maybe", "Choose"),
    ],
)
def test_bad_marks_are_refused_and_change_nothing(client, roles, running, calls, which, attendance, message):
    session, past, _current, following = running
    meeting = placed(session, {"past": past, "following": following}[which], 1)
    client.force_login(roles["institution_admin"])

    response = client.post(mark_url(meeting), {"attendance": attendance}, follow=True)

    assert message in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).attendance == ""
    assert calls == {"plan": [], "cancel": []}


def test_provisional_meetings_cannot_be_marked(running):
    session, past, _current, _following = running
    meeting = placed(session, past, 1, status=Meeting.Status.PROVISIONAL)
    with pytest.raises(MatchmakingError, match="Only a published meeting"):
        meeting_mark_attendance(meeting=meeting, attendance="held")


@pytest.mark.parametrize("role", ["participant", "other_admin"])
def test_others_cannot_mark(client, roles, running, calls, role):
    session, past, _current, _following = running
    meeting = placed(session, past, 1)
    client.force_login(roles[role])

    assert client.post(mark_url(meeting), {"attendance": "no_show"}).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).attendance == ""
