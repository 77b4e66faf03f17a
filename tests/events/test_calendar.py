"""Calendar files (.ics): stable UIDs, the event's time zone, and only one's own meetings."""

from datetime import UTC, date, datetime, time

import pytest
from django.urls import reverse
from icalendar import Calendar

from events.models import Event
from matchmaking.models import Meeting, MeetingRequest
from tests.factories import (
    EventFactory,
    MeetingFactory,
    MeetingRequestFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
    local_datetime,
)

pytestmark = pytest.mark.django_db


def public_url(event):
    return reverse("events:calendar_ics", kwargs={"slug": event.slug})


def personal_url(event):
    return reverse("matchmaking:my_agenda_ics", kwargs={"slug": event.slug})


def parse(response) -> Calendar:
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def vevents(calendar: Calendar) -> dict[str, object]:
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


@pytest.fixture
def phnom_penh_event():
    """A workshop in Phnom Penh (UTC+7) with a 09:00–10:30 plenary on 10 March 2031."""
    event = EventFactory(
        slug="china-sea-workshop",
        title="China-SEA Workshop",
        time_zone="Asia/Phnom_Penh",
        start_date=date(2031, 3, 10),
        end_date=date(2031, 3, 12),
        venue="Sokha Hotel",
    )
    SessionFactory(event=event, title="Opening plenary", room="Hall A")
    return event


def test_public_calendar_headers_and_properties(client, phnom_penh_event, settings):
    settings.SITE_URL = "https://portal.example.org"
    session = phnom_penh_event.sessions.get()

    response = client.get(public_url(phnom_penh_event))
    calendar = parse(response)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="china-sea-workshop.ics"'
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["X-WR-CALNAME"]) == "China-SEA Workshop"
    assert "TVET Partnership Portal" in str(calendar["PRODID"])
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Phnom_Penh"]
    (entry,) = vevents(calendar).values()
    assert str(entry["UID"]) == f"session-{session.pk}@portal.example.org"
    assert str(entry["SUMMARY"]) == "Opening plenary"
    assert str(entry["LOCATION"]) == "Hall A, Sokha Hotel, Phnom Penh, Cambodia"
    assert int(entry["SEQUENCE"]) == 0
    assert "DTSTAMP" in entry
    assert str(entry["URL"]) == "http://testserver" + phnom_penh_event.get_absolute_url()


def test_times_carry_the_event_zone_whatever_the_viewer_zone(client, phnom_penh_event):
    """A viewer in Shanghai (UTC+8) downloads it: the file still says 09:00 Phnom Penh time."""
    registration = RegistrationFactory(
        event=phnom_penh_event, user=UserFactory(verified_email=True, time_zone="Asia/Shanghai")
    )
    client.force_login(registration.user)

    for url in (public_url(phnom_penh_event), personal_url(phnom_penh_event)):
        (entry,) = vevents(parse(client.get(url))).values()
        assert entry["DTSTART"].params["TZID"] == "Asia/Phnom_Penh"
        start, end = entry.decoded("DTSTART"), entry.decoded("DTEND")
        assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
            datetime(2031, 3, 10, 9),
            datetime(2031, 3, 10, 10, 30),
        )
        assert start == local_datetime(date(2031, 3, 10), time(10), "Asia/Shanghai")
        assert b"DTSTART;TZID=Asia/Phnom_Penh:20310310T090000" in client.get(url).content


def test_uids_are_stable_across_downloads_and_hosts(client, phnom_penh_event):
    SessionFactory(event=phnom_penh_event, title="Industrial visit", starts_at=phnom_penh_event.sessions.get().ends_at)

    first = vevents(parse(client.get(public_url(phnom_penh_event))))
    second = vevents(parse(client.get(public_url(phnom_penh_event), HTTP_HOST="127.0.0.1")))

    assert len(first) == 2
    assert first.keys() == second.keys()
    assert {str(e["SUMMARY"]) for e in first.values()} == {"Opening plenary", "Industrial visit"}


def test_moved_session_keeps_its_uid(client, phnom_penh_event):
    session = phnom_penh_event.sessions.get()
    before = vevents(parse(client.get(public_url(phnom_penh_event))))
    session.starts_at = local_datetime(date(2031, 3, 11), time(14), "Asia/Phnom_Penh")
    session.ends_at = local_datetime(date(2031, 3, 11), time(15), "Asia/Phnom_Penh")
    session.save()

    after = vevents(parse(client.get(public_url(phnom_penh_event))))

    assert before.keys() == after.keys()
    (entry,) = after.values()
    assert entry.decoded("DTSTART").replace(tzinfo=None) == datetime(2031, 3, 11, 14)


@pytest.mark.parametrize(
    ("status", "who", "status_code"),
    [
        (Event.Status.PUBLISHED, "anonymous", 200),
        (Event.Status.CLOSED, "anonymous", 200),
        (Event.Status.DRAFT, "anonymous", 404),
        (Event.Status.DRAFT, "participant", 404),
        (Event.Status.DRAFT, "secretariat", 200),
    ],
)
def test_public_calendar_follows_who_may_see_the_event(client, roles, status, who, status_code):
    event = EventFactory(status=status)
    SessionFactory(event=event)
    if who != "anonymous":
        client.force_login(roles[who])

    assert client.get(public_url(event)).status_code == status_code


def test_personal_calendar_needs_login_and_an_own_registration(client, roles):
    event = EventFactory()
    RegistrationFactory(event=event, user=roles["other_member"])

    response = client.get(personal_url(event))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    for role in ("participant", "secretariat"):
        client.force_login(roles[role])
        assert client.get(personal_url(event)).status_code == 404


def test_personal_calendar_holds_own_meetings_with_their_uid_and_sequence(client, event_with_matchmaking, settings):
    settings.SITE_URL = "https://portal.example.org"
    setup = event_with_matchmaking
    setup.meeting.sequence = 3
    setup.meeting.save()
    outsider, third = RegistrationFactory(event=setup.event), RegistrationFactory(event=setup.event)
    other_meeting = MeetingFactory(
        request=MeetingRequestFactory(
            session=setup.session, requester=outsider, recipient=third, status=MeetingRequest.Status.ACCEPTED
        ),
        slot=setup.slots[1],
        status=Meeting.Status.PUBLISHED,
    )
    client.force_login(setup.requester.user)

    response = client.get(personal_url(setup.event))
    entries = vevents(parse(response))

    meeting_uid = f"meeting-{setup.meeting.uid}@portal.example.org"
    assert set(entries) == {f"session-{setup.session.pk}@portal.example.org", meeting_uid}
    assert f"meeting-{other_meeting.uid}@portal.example.org" not in entries
    entry = entries[meeting_uid]
    assert int(entry["SEQUENCE"]) == 3
    assert "LAST-MODIFIED" in entry
    assert setup.recipient.user.display_name in str(entry["SUMMARY"])
    assert entry.decoded("DTSTART") == setup.slots[0].starts_at
    assert entry["DTSTART"].params["TZID"] == setup.event.time_zone
    assert "table 1" in str(entry["LOCATION"])
    assert response["Content-Disposition"] == f'attachment; filename="{setup.event.slug}-my-agenda.ics"'
    assert outsider.user.display_name.encode() not in response.content

    # The other side of the meeting gets the same UID, so both calendars describe one meeting.
    client.force_login(setup.recipient.user)
    assert meeting_uid in vevents(parse(client.get(personal_url(setup.event))))
    assert setup.requester.user.display_name in str(
        vevents(parse(client.get(personal_url(setup.event))))[meeting_uid]["SUMMARY"]
    )


def test_public_calendar_never_holds_meetings(client, event_with_matchmaking):
    entries = vevents(parse(client.get(public_url(event_with_matchmaking.event))))

    assert all(uid.startswith("session-") for uid in entries)
    assert entries


def test_names_in_other_scripts_survive(client):
    event = EventFactory(slug="workshop-kh")
    SessionFactory(event=event, title="ពិធីបើក · 开幕式 · พิธีเปิด · Khai mạc")

    (entry,) = vevents(parse(client.get(public_url(event)))).values()

    assert str(entry["SUMMARY"]) == "ពិធីបើក · 开幕式 · พิธีเปิด · Khai mạc"


def test_zone_with_daylight_saving_gets_both_rules(client):
    """Sydney changes its clocks: the VTIMEZONE must describe both offsets, and DTSTART stays local."""
    event = EventFactory(time_zone="Australia/Sydney", start_date=date(2031, 1, 15), end_date=date(2031, 1, 16))
    SessionFactory(event=event, title="Summer session")  # 09:00 AEDT = 22:00 UTC the day before

    response = client.get(public_url(event))
    calendar = parse(response)

    (zone,) = calendar.walk("VTIMEZONE")
    assert {component.name for component in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert b"DTSTART;TZID=Australia/Sydney:20310115T090000" in response.content
    (entry,) = vevents(calendar).values()
    assert entry.decoded("DTSTART").astimezone(UTC) == datetime(2031, 1, 14, 22, tzinfo=UTC)
