"""Calendar feeds: a person's agenda across their events at a secret, renewable address, and each
public event's agenda; both parse with icalendar, keep their UIDs as meetings move and answer
304 while unchanged."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.urls import resolve, reverse
from django.utils import timezone
from icalendar import Calendar

from core.pagecache import is_public_page
from events.calendar import feed_links, site_host
from events.models import Event
from matchmaking.feeds import CANCELLED_KEPT, calendar_feed_links, calendar_feed_renew, calendar_feed_revoke
from matchmaking.models import CalendarFeed, Meeting
from matchmaking.scheduler import publish_schedule
from portal.privacy import user_anonymise, user_data_export
from tests.events.conftest import register
from tests.factories import EventFactory, MeetingFactory, MeetingRequestFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_feed_state():
    # Feeds remember in the cache when their content last changed.
    cache.clear()


def feed_path(user) -> str:
    links = calendar_feed_links(user=user)
    assert links is not None
    return urlsplit(links.https).path


def fetch(client, path, **headers):
    return client.get(path, headers=headers)


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def entries(calendar: Calendar) -> dict:
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


def meeting_entry(calendar: Calendar):
    (entry,) = [entry for uid, entry in entries(calendar).items() if uid.startswith("meeting-")]
    return entry


@pytest.fixture
def setup(event_with_matchmaking):
    """The matchmaking event, with a plenary, and the requester's feed link."""
    setup = event_with_matchmaking
    SessionFactory(event=setup.event, title="Opening plenary")
    setup.requester.user.display_name = "Anna Requester"
    setup.requester.user.save()
    calendar_feed_renew(user=setup.requester.user)
    return setup


def test_person_feed_parses_with_name_zones_refresh_and_the_agenda(client, setup):
    other_event = EventFactory(time_zone="Asia/Shanghai", title="Second forum")
    RegistrationFactory(event=other_event, user=setup.requester.user)
    SessionFactory(event=other_event, title="Forum plenary")

    response = fetch(client, feed_path(setup.requester.user))
    calendar = parse(response)

    assert "Anna Requester" in str(calendar["X-WR-CALNAME"])
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"])
    assert str(calendar["X-WR-TIMEZONE"]) == setup.requester.user.time_zone
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    assert zones == {"Asia/Phnom_Penh", "Asia/Shanghai"}
    titles = {str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")}
    assert {"Opening plenary", "Forum plenary"} <= titles
    meeting = meeting_entry(calendar)
    assert str(meeting["STATUS"]) == "CONFIRMED"
    assert setup.recipient.institution.name in str(meeting["SUMMARY"])
    assert "table 1" in str(meeting["LOCATION"])
    assert meeting.decoded("DTSTART") == setup.meeting.slot.starts_at
    assert str(meeting["DTSTART"].params["TZID"]) == "Asia/Phnom_Penh"
    # Private to its holder, never kept by a shared cache, and no cookie or session needed.
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Referrer-Policy"] == "same-origin"
    assert not response.cookies
    assert not is_public_page(resolve(feed_path(setup.requester.user)).func)  # never in the page cache
    assert client.head(feed_path(setup.requester.user)).status_code == 200


def test_feed_holds_no_email_message_or_other_peoples_meetings(client, setup):
    setup.request.message = "Call me on +855 12 345 678"
    setup.request.save()
    # Someone else's meeting at the same event, between other people.
    stranger_a = register(setup.event, name="Stranger Alpha")
    stranger_b = register(setup.event, name="Stranger Beta")
    request = MeetingRequestFactory(
        session=setup.session, requester=stranger_a, recipient=stranger_b, status="accepted"
    )
    MeetingFactory(request=request, slot=setup.slots[1], table_number=2, status=Meeting.Status.PUBLISHED)
    # And an event the person is not registered for.
    SessionFactory(event=EventFactory(title="Unrelated summit"), title="Unrelated keynote")

    content = fetch(client, feed_path(setup.requester.user)).content.decode()

    assert "Stranger" not in content
    assert "Unrelated" not in content
    assert "+855" not in content
    for person in (setup.requester.user, setup.recipient.user, stranger_a.user, stranger_b.user):
        assert person.email not in content
    assert len([uid for uid in entries(Calendar.from_ical(content)) if uid.startswith("meeting-")]) == 1


def _publish(setup, *, draft_slot, draft_table):
    session = setup.session
    session.scheduled_at = timezone.now()
    session.save()
    Meeting.objects.filter(pk=setup.meeting.pk).update(
        draft_slot=draft_slot, draft_table=draft_table, updated_at=timezone.now() - timedelta(days=1)
    )


def test_moved_meeting_keeps_its_uid_with_a_higher_sequence_and_a_new_etag(client, setup):
    path = feed_path(setup.requester.user)
    _publish(setup, draft_slot=setup.slots[2], draft_table=3)
    before_response = fetch(client, path)
    before = meeting_entry(parse(before_response))

    publish_schedule(session=setup.session)
    after_response = fetch(client, path, if_none_match=before_response["ETag"])
    after = meeting_entry(parse(after_response))

    assert str(after["UID"]) == str(before["UID"]) == f"meeting-{setup.meeting.uid}@{site_host()}"
    assert after.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1
    assert after.decoded("DTSTART") == setup.slots[2].starts_at != before.decoded("DTSTART")
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")
    assert after.decoded("DTSTAMP") > before.decoded("DTSTAMP")
    assert "table 3" in str(after["LOCATION"])
    assert after_response["ETag"] != before_response["ETag"]


def test_cancelled_meeting_stays_as_cancelled_for_a_while(client, setup):
    path = feed_path(setup.requester.user)
    _publish(setup, draft_slot=None, draft_table=None)
    sequence = setup.meeting.sequence

    publish_schedule(session=setup.session)
    entry = meeting_entry(parse(fetch(client, path)))

    assert str(entry["STATUS"]) == "CANCELLED"
    assert entry.decoded("SEQUENCE") == sequence + 1
    assert str(entry["UID"]) == f"meeting-{setup.meeting.uid}@{site_host()}"

    Meeting.objects.filter(pk=setup.meeting.pk).update(updated_at=timezone.now() - CANCELLED_KEPT - timedelta(hours=1))
    calendar = parse(fetch(client, path))
    assert not [uid for uid in entries(calendar) if uid.startswith("meeting-")]


def test_unchanged_feed_answers_304_to_its_etag_and_date(client, setup):
    path = feed_path(setup.requester.user)
    first = fetch(client, path)

    again = fetch(client, path, if_none_match=first["ETag"])
    by_date = fetch(client, path, if_modified_since=first["Last-Modified"])

    assert again.status_code == 304
    assert by_date.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert fetch(client, path).content == first.content  # nothing in it depends on the time of the request


def test_renewed_link_works_and_the_old_one_does_not(client, setup):
    user = setup.requester.user
    old = feed_path(user)

    calendar_feed_renew(user=user)
    new = feed_path(user)

    assert new != old
    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200


def test_revoked_unknown_malformed_and_anonymised_links_answer_404(client, setup):
    user = setup.requester.user
    path = feed_path(user)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert fetch(client, path).status_code == 200

    assert fetch(client, f"/calendar/{token[:10]}{'0' * 40}.ics").status_code == 404
    assert fetch(client, f"/calendar/{token[:-1]}.ics").status_code == 404
    assert fetch(client, f"/calendar/{token.upper()}.ics").status_code == 404

    assert calendar_feed_revoke(user=user)
    assert fetch(client, path).status_code == 404
    assert calendar_feed_links(user=user) is None

    calendar_feed_renew(user=user)
    path = feed_path(user)
    user_anonymise(user=user, by=user)
    assert fetch(client, path).status_code == 404
    assert not CalendarFeed.objects.filter(user=user).exists()


def test_the_database_keeps_no_token(setup):
    feed = CalendarFeed.objects.get(user=setup.requester.user)
    token = feed_path(setup.requester.user).removeprefix("/calendar/").removesuffix(".ics")

    assert token.startswith(feed.prefix)
    assert token not in feed.token_hash
    assert token[len(feed.prefix) :] not in str(CalendarFeed.objects.filter(pk=feed.pk).values().get())


def test_buttons_create_show_reset_and_turn_off_the_link(client, event_with_matchmaking):
    setup = event_with_matchmaking
    user = setup.requester.user
    client.force_login(user)
    agenda = reverse("matchmaking:my_agenda", kwargs={"slug": setup.event.slug})

    page = client.get(agenda).content.decode()
    assert "Subscribe in your calendar" in page
    assert "Anyone with the link sees your agenda" in page
    assert "webcal://" not in page

    response = client.post(reverse("calendar_feed_renew"), {"next": agenda})
    assert response.status_code == 302
    assert response["Location"] == f"{agenda}#calendar-feed"
    links = calendar_feed_links(user=user)
    page = client.get(agenda).content.decode()
    assert f'href="{links.webcal}"' in page
    assert f'value="{links.https}"' in page
    assert "Copy link" in page
    assert links.webcal in client.get(reverse("preferences")).content.decode()

    client.post(reverse("calendar_feed_renew"), {"next": "https://elsewhere.example/"})
    renewed = calendar_feed_links(user=user)
    assert renewed != links
    assert renewed.webcal in client.get(agenda).content.decode()

    response = client.post(reverse("calendar_feed_revoke"), {"next": agenda})
    assert response["Location"] == f"{agenda}#calendar-feed"
    assert calendar_feed_links(user=user) is None


def test_buttons_need_a_signed_in_post(client, setup):
    before = CalendarFeed.objects.get(user=setup.requester.user).prefix

    assert client.post(reverse("calendar_feed_renew")).status_code == 302  # to the sign-in page
    assert client.post(reverse("calendar_feed_revoke")).status_code == 302
    client.force_login(setup.requester.user)
    assert client.get(reverse("calendar_feed_renew")).status_code == 405
    assert client.get(reverse("calendar_feed_revoke")).status_code == 405

    assert CalendarFeed.objects.get(user=setup.requester.user).prefix == before


def test_public_event_feed_and_its_subscribe_link(client, setup):
    event = setup.event
    path = reverse("events:calendar_feed", args=[event.slug])

    response = fetch(client, path)
    calendar = parse(response)
    page = client.get(event.get_absolute_url()).content.decode()

    assert str(calendar["X-WR-CALNAME"]) == event.title
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == [event.time_zone]
    assert {str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")} == {"Opening plenary", setup.session.title}
    assert not [uid for uid in entries(calendar) if uid.startswith("meeting-")]
    assert response["Cache-Control"] == "public, max-age=900"
    assert fetch(client, path, if_none_match=response["ETag"]).status_code == 304
    assert f'href="{feed_links(path).webcal}"' in page

    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    assert fetch(client, path).status_code == 404


def test_feed_speaks_its_owners_language_whatever_the_request(client, setup):
    user = setup.requester.user
    user.preferred_language = "zh-hans"
    user.save()

    meeting = meeting_entry(parse(fetch(client, feed_path(user), accept_language="en")))

    assert "第 1 桌" in str(meeting["LOCATION"])


def test_data_download_says_when_the_link_was_made_but_not_the_link(setup):
    user = setup.requester.user
    token = feed_path(user).removeprefix("/calendar/").removesuffix(".ics")

    exported = user_data_export(user=user)

    assert [set(row) for row in exported["calendar_feed.json"]] == [{"issued_at"}]
    assert token[10:] not in str(exported)
