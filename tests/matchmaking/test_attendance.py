"""Both sides mark a meeting held or missed; one side's "held" beats the other's "missed"."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from institutions.models import Membership
from matchmaking.attendance import combined_attendance
from matchmaking.models import AttendanceMark, Meeting
from matchmaking.scheduler import meeting_mark_attendance
from tests.events.conftest import register
from tests.factories import MembershipFactory, UserFactory

# The on-the-day fixtures (a running session; follow-up calls recorded), shared with its tests.
from tests.matchmaking.test_matchmaking_day import calls, placed, running  # noqa: F401 -- pytest fixtures

pytestmark = pytest.mark.django_db


def url(meeting):
    return reverse("matchmaking:meeting_attendance", kwargs={"slug": meeting.session.event.slug, "pk": meeting.pk})


@pytest.fixture
def pair(running):  # noqa: F811 -- the imported fixture
    session, past, current, following = running
    requester = register(session.event, name="Dara Sok")
    recipient = register(session.event, name="Li Wei", country="CN")
    meeting = placed(session, current, 1, requester=requester, recipient=recipient)
    return meeting, requester, recipient


def test_combined_attendance_held_beats_missed():
    assert combined_attendance(["no_show", "held"]) == "held"
    assert combined_attendance(["no_show"]) == "no_show"
    assert combined_attendance([]) == ""


def test_each_side_marks_and_held_wins(client, pair, calls):  # noqa: F811 -- the imported fixtures
    meeting, requester, recipient = pair

    client.force_login(recipient.user)
    client.post(url(meeting), {"attendance": "no_show"})
    after_missed = Meeting.objects.get(pk=meeting.pk).attendance
    client.force_login(requester.user)
    response = client.post(url(meeting), {"attendance": "held"})

    assert response.status_code == 302
    assert after_missed == Meeting.Attendance.NO_SHOW
    assert Meeting.objects.get(pk=meeting.pk).attendance == Meeting.Attendance.HELD
    marks = {(m.side, m.attendance, m.marked_by_id) for m in AttendanceMark.objects.filter(meeting=meeting)}
    assert marks == {("recipient", "no_show", recipient.user_id), ("requester", "held", requester.user_id)}
    assert calls == {"cancel": [meeting.pk], "plan": [meeting.pk]}
    assert LogEntry.objects.get_for_model(AttendanceMark).count() == 2


def test_organisers_no_show_does_not_override_a_sides_held(client, roles, pair, calls):  # noqa: F811 -- the imported fixtures
    meeting, requester, _recipient = pair
    client.force_login(requester.user)
    client.post(url(meeting), {"attendance": "held"})

    meeting_mark_attendance(meeting=meeting, attendance="no_show", marked_by=roles["institution_admin"])

    assert Meeting.objects.get(pk=meeting.pk).attendance == Meeting.Attendance.HELD
    assert AttendanceMark.objects.get(meeting=meeting, side="organisers").attendance == "no_show"


def test_colleague_sharing_marks_for_their_side(client, pair, calls):  # noqa: F811 -- the imported fixtures
    meeting, requester, _recipient = pair
    colleague = register(meeting.session.event, institution=requester.institution)
    meeting.sharers.add(colleague)
    client.force_login(colleague.user)

    client.post(url(meeting), {"attendance": "held"})

    assert AttendanceMark.objects.get(meeting=meeting).side == "requester"


def test_htmx_swaps_the_buttons_and_says_held_wins(client, pair, calls):  # noqa: F811 -- the imported fixtures
    meeting, requester, _recipient = pair
    client.force_login(requester.user)

    response = client.post(url(meeting), {"attendance": "held"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.strip().startswith(f'<div id="attendance-{meeting.pk}"')
    assert 'value="held" class="button button-small" aria-pressed="true"' in page
    assert "If either side says you met, the meeting counts as held." in page


def test_before_the_start_is_refused_with_a_message(client, running, calls):  # noqa: F811 -- the imported fixtures
    session, _past, _current, following = running
    meeting = placed(session, following, 1)
    client.force_login(meeting.request.requester.user)

    response = client.post(url(meeting), {"attendance": "held"}, follow=True)

    assert "you can mark it from its start time" in response.content.decode()
    assert AttendanceMark.objects.count() == 0
    assert Meeting.objects.get(pk=meeting.pk).attendance == ""


def test_agenda_shows_buttons_for_started_meetings_only(client, running):  # noqa: F811 -- the imported fixture
    session, _past, current, following = running
    me = register(session.event, name="Dara Sok")
    now_meeting = placed(session, current, 1, requester=me)
    later = placed(session, following, 2, requester=me)
    client.force_login(me.user)

    page = client.get(reverse("matchmaking:my_agenda", kwargs={"slug": session.event.slug})).content.decode()

    assert reverse("matchmaking:meeting_attendance", args=[session.event.slug, now_meeting.pk]) in page
    assert reverse("matchmaking:meeting_attendance", args=[session.event.slug, later.pk]) not in page
    assert "From its start time, you can say here whether the meeting took place." in page


@pytest.mark.parametrize("who", ["stranger", "other_admin", "side_admin"])
def test_others_get_404_and_change_nothing(client, roles, pair, calls, who):  # noqa: F811 -- the imported fixtures
    meeting, requester, _recipient = pair
    users = {
        "stranger": lambda: register(meeting.session.event).user,
        "other_admin": lambda: roles["other_admin"],
        # An admin of the requester's institution who takes no part in the meeting.
        "side_admin": lambda: (
            MembershipFactory(user=UserFactory(), institution=requester.institution, role=Membership.Role.ADMIN).user
        ),
    }
    user = users[who]()
    client.force_login(user)

    response = client.post(url(meeting), {"attendance": "held"})

    assert response.status_code == 404
    assert AttendanceMark.objects.count() == 0
    assert calls == {"plan": [], "cancel": []}


def test_organiser_marks_from_the_agenda_url_as_organisers(client, roles, pair, calls):  # noqa: F811 -- the imported fixtures
    meeting, _requester, _recipient = pair
    client.force_login(roles["institution_admin"])

    client.post(url(meeting), {"attendance": "no_show"})

    mark = AttendanceMark.objects.get(meeting=meeting)
    assert (mark.side, mark.marked_by) == ("organisers", roles["institution_admin"])


def table_url(meeting):
    return reverse(
        "matchmaking:table_meeting",
        kwargs={"slug": meeting.session.event.slug, "pk": meeting.session_id, "table": meeting.table_number},
    )


def test_table_qr_page_shows_ones_own_meeting_there_with_the_buttons(client, running):  # noqa: F811 -- the imported fixture
    session, past, current, _following = running
    me = register(session.event, name="Dara Sok")
    earlier = placed(session, past, 1, requester=me, recipient=register(session.event, name="Earlier Partner"))
    now_meeting = placed(session, current, 1, requester=me, recipient=register(session.event, name="Li Wei"))
    placed(session, current, 2, requester=register(session.event, name="Someone Else"))
    client.force_login(me.user)

    page = client.get(table_url(now_meeting)).content.decode()

    assert "With Li Wei" in page
    assert "Earlier Partner" not in page
    assert "Someone Else" not in page
    assert reverse("matchmaking:meeting_attendance", args=[session.event.slug, now_meeting.pk]) in page
    assert reverse("matchmaking:meeting_attendance", args=[session.event.slug, earlier.pk]) not in page
    assert 'name="from" value="table"' in page


def test_marking_from_the_table_page_returns_there(client, pair, calls):  # noqa: F811
    meeting, requester, _recipient = pair
    client.force_login(requester.user)

    response = client.post(url(meeting), {"attendance": "held", "from": "table"})

    assert response["Location"] == table_url(meeting)
    assert Meeting.objects.get(pk=meeting.pk).attendance == Meeting.Attendance.HELD


def test_table_page_without_a_meeting_there_says_so(client, pair):
    meeting, _requester, _recipient = pair
    bystander = register(meeting.session.event)
    client.force_login(bystander.user)

    page = client.get(table_url(meeting)).content.decode()

    assert "You have no meeting at this table now or just before." in page
    assert "Li Wei" not in page


def test_table_page_is_404_for_people_not_registered(client, roles, pair):
    meeting, _requester, _recipient = pair
    client.force_login(roles["other_admin"])

    assert client.get(table_url(meeting)).status_code == 404


def test_table_sheet_carries_each_tables_qr_code(client, roles, pair):
    meeting, _requester, _recipient = pair
    client.force_login(roles["institution_admin"])

    response = client.get(
        reverse("matchmaking:matchmaking_sheet_tables", args=[meeting.session.event.slug, meeting.session_id])
    )

    page = response.content.decode()
    assert page.count('<div class="sheet-qr"><svg') == meeting.session.table_count
