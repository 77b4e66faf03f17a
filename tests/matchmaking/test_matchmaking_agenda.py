"""Meetings in a participant's agenda and calendar file: only published ones, with partner,
table, message and an alarm; cancelled ones leave calendars through STATUS:CANCELLED."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from matchmaking.models import Meeting, MeetingRequest
from tests.events.conftest import register
from tests.factories import MeetingFactory, MeetingRequestFactory, SessionFactory

pytestmark = pytest.mark.django_db


def agenda(client, event):
    return client.get(reverse("matchmaking:my_agenda", kwargs={"slug": event.slug})).content.decode()


def calendar_entries(client, event) -> dict:
    response = client.get(reverse("matchmaking:my_agenda_ics", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    return {str(c["UID"]): c for c in Calendar.from_ical(response.content).walk("VEVENT")}


def meeting_entries(entries):
    return [entry for uid, entry in entries.items() if uid.startswith("meeting-")]


def test_published_meeting_shows_time_table_partner_and_message(client, event_with_matchmaking):
    setup = event_with_matchmaking
    setup.request.message = "Let us talk about dual training."
    setup.request.save()
    client.force_login(setup.requester.user)

    page = agenda(client, setup.event)

    local = setup.meeting.slot.starts_at.astimezone(ZoneInfo(setup.event.time_zone))
    assert f"{local:%H:%M}" in page
    assert "table 1" in page
    assert setup.recipient.user.display_name in page
    assert setup.recipient.institution.name in page
    assert "Let us talk about dual training." in page


def test_hidden_profile_shows_as_a_participant_of_the_institution(client, event_with_matchmaking):
    setup = event_with_matchmaking
    setup.recipient.user.display_name = "Hidden Person"
    setup.recipient.user.show_profile_to_participants = False
    setup.recipient.user.save()
    client.force_login(setup.requester.user)

    page = agenda(client, setup.event)
    (entry,) = meeting_entries(calendar_entries(client, setup.event))

    assert "Hidden Person" not in page
    assert f"a participant of {setup.recipient.institution.name}" in page
    assert "Hidden Person" not in str(entry["SUMMARY"])


def test_a_sharer_sees_whom_their_side_meets(client, event_with_matchmaking):
    setup = event_with_matchmaking
    colleague = register(setup.event, institution=setup.requester.institution, name="Colleague")
    setup.meeting.sharers.add(colleague)
    client.force_login(colleague.user)

    page = agenda(client, setup.event)

    assert f"With {setup.recipient.user.display_name} ({setup.recipient.institution.name})" in page


def test_participants_never_see_drafts(client, event_with_matchmaking):
    setup = event_with_matchmaking
    other = register(setup.event, name="Drafted Partner")
    request = MeetingRequestFactory(
        session=setup.session, requester=setup.requester, recipient=other, status=MeetingRequest.Status.ACCEPTED
    )
    Meeting.objects.create(
        request=request, session=setup.session, draft_slot=setup.slots[2], draft_table=4, status="provisional"
    )
    # A published meeting with a newer proposal still shows where it is published.
    Meeting.objects.filter(pk=setup.meeting.pk).update(draft_slot=setup.slots[1], draft_table=7)
    client.force_login(setup.requester.user)

    page = agenda(client, setup.event)
    entries = meeting_entries(calendar_entries(client, setup.event))

    assert "Drafted Partner" not in page
    assert "table 7" not in page
    assert "table 1" in page
    (entry,) = entries
    assert entry.decoded("DTSTART") == setup.slots[0].starts_at


def test_calendar_entries_carry_a_ten_minute_alarm(client, event_with_matchmaking):
    setup = event_with_matchmaking
    SessionFactory(event=setup.event, title="Opening plenary")
    client.force_login(setup.requester.user)

    entries = calendar_entries(client, setup.event)

    assert len(entries) == 3  # the plenary, the matchmaking session and the meeting
    for entry in entries.values():
        (alarm,) = entry.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm.decoded("TRIGGER") == -timedelta(minutes=10)
    (meeting,) = meeting_entries(entries)
    assert str(meeting["STATUS"]) == "CONFIRMED"


def test_a_cancelled_published_meeting_leaves_calendars(client, event_with_matchmaking):
    setup = event_with_matchmaking
    uid_before = set(calendar_entries_for(client, setup))
    Meeting.objects.filter(pk=setup.meeting.pk).update(status=Meeting.Status.CANCELLED, sequence=2)
    never_published = MeetingFactory(
        request=MeetingRequestFactory(
            session=setup.session,
            requester=setup.requester,
            recipient=register(setup.event),
            status=MeetingRequest.Status.CANCELLED,
        ),
        slot=None,
        table_number=None,
        status=Meeting.Status.CANCELLED,
    )

    entries = calendar_entries(client, setup.event)
    page = agenda(client, setup.event)

    (entry,) = meeting_entries(entries)
    assert str(entry["UID"]) in uid_before
    assert str(entry["STATUS"]) == "CANCELLED"
    assert int(entry["SEQUENCE"]) == 2
    assert not entry.walk("VALARM")
    assert str(never_published.uid) not in "".join(entries)
    assert "table 1" not in page


def calendar_entries_for(client, setup):
    client.force_login(setup.requester.user)
    return calendar_entries(client, setup.event)


def test_moved_meeting_keeps_its_uid_with_a_higher_sequence(client, event_with_matchmaking):
    setup = event_with_matchmaking
    before = meeting_entries(calendar_entries_for(client, setup))
    Meeting.objects.filter(pk=setup.meeting.pk).update(slot=setup.slots[2], sequence=1)

    (after,) = meeting_entries(calendar_entries(client, setup.event))

    assert str(after["UID"]) == str(before[0]["UID"])
    assert int(after["SEQUENCE"]) == 1
    assert after.decoded("DTSTART") == setup.slots[2].starts_at
