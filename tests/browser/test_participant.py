"""A participant registers for an event, asks someone for a meeting, downloads their agenda and subscribes to it."""

import re
from urllib.parse import urlsplit

from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from events import services as event_services
from events.models import Event, Registration
from matchmaking.models import MeetingRequest
from portal.demo import DEMO_PASSWORD
from tests.browser.conftest import sign_in

EVENT = "3rd China-SEA Partnership Workshop (demonstration event)"


def test_participant_registers_requests_a_meeting_and_downloads_the_agenda(page, audit):
    event = Event.objects.get(title=EVENT)
    assert event.start_date > timezone.localdate(), "the demo event must lie ahead"
    # The demo registers this participant already: start from a cancelled registration, as
    # someone who changed their mind and comes back.
    registration = Registration.objects.get(event=event, user__email="participant@example.org")
    event_services.cancel_registration(registration=registration)

    sign_in(page, "participant@example.org", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Chan Sophea")
    audit(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events", exact=True).click()
    audit(page)
    page.get_by_role("main").get_by_role("link", name=EVENT).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT)
    audit(page)

    page.get_by_role("complementary").get_by_role("link", name="Register").click()
    audit(page)
    page.get_by_label("Job title").fill("Lecturer in electrical engineering")
    page.get_by_role("main").get_by_role("button", name="Register").click()
    expect(page.get_by_role("status")).to_contain_text(f"You are registered for {EVENT}")
    audit(page)

    # The organisers approve the registration (their own journey); meeting requests need it.
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    event_services.approve_registration(registration=registration)

    page.goto(f"/events/{event.slug}/")
    page.get_by_role("link", name="Participants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Participants")
    audit(page)
    person = page.get_by_role("listitem").filter(has_text="Somchai Wongsakul")
    person.get_by_role("link", name="Request a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a meeting")
    expect(page.get_by_text("With Somchai Wongsakul (Andaman College of Tourism and Technology).")).to_be_visible()
    audit(page)
    page.get_by_label("Message").fill("Internships in hotel maintenance for our electrical students?")
    page.get_by_role("button", name="Send the request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My meetings")
    expect(page.get_by_role("status")).to_contain_text("Your meeting request was sent.")
    sent = page.get_by_role("heading", name="Requests sent").locator("xpath=following-sibling::ul[1]")
    expect(sent).to_contain_text("Somchai Wongsakul")
    expect(sent).to_contain_text("Internships in hotel maintenance")
    audit(page)
    assert MeetingRequest.objects.filter(
        requester=registration, recipient__user__display_name="Somchai Wongsakul", status=MeetingRequest.Status.PENDING
    ).exists()

    page.get_by_role("link", name="My agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My agenda")
    audit(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download calendar file (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(download.path().read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == f"{EVENT} · my agenda"
    summaries = {str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")}
    assert {"Opening ceremony", "Partner matchmaking", "Closing ceremony"} <= summaries

    # Subscribing instead: the agenda page makes the secret link on demand and shows it.
    page.get_by_role("button", name="Subscribe in your calendar").click()
    expect(page.get_by_role("status")).to_contain_text("Your calendar link is ready")
    expect(page.get_by_role("heading", name="Your agenda in your calendar")).to_be_visible()
    audit(page)
    subscribe = page.get_by_role("link", name="Subscribe in your calendar")
    expect(subscribe).to_have_attribute("href", re.compile(r"^webcal://"))
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    feed_url = page.get_by_label("Link to paste into a calendar app").input_value()
    feed = page.request.get(urlsplit(feed_url).path)
    assert feed.ok
    calendar = Calendar.from_ical(feed.body())
    assert "Chan Sophea" in str(calendar["X-WR-CALNAME"])
    assert {"Opening ceremony", "Partner matchmaking"} <= {str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")}

    audit.assert_clean()
